//! Scenarios as data: the guided tour's chapters, presets that make a point, and the
//! (de)serialisation of runs for share links and JSON import/export.

pub mod export;
pub mod json;
pub mod lesson;
pub mod presets;
pub mod run_json;
pub mod share;
pub mod tour;
