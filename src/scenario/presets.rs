//! Presets that make a point (Figure 8, Figure 7, livelock). Being written.
