//! Seek benchmark in the browser (run by `scripts/bench`, never by `scripts/test`): the seek
//! benchmark's 30-minute run is recorded in wasm, then the timeline seeks to random points and
//! the times are printed. A measurement, not a test: nothing is asserted about speed.
#![cfg(target_arch = "wasm32")]

#[path = "common/seek_run.rs"]
mod seek_run;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

#[wasm_bindgen_test]
fn seek_to_random_points_of_a_30_minute_run() {
    let started = now_ms();
    let mut timeline = seek_run::record_seek_run(30);
    let record_ms = now_ms() - started;
    let end = timeline.end_time();
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let mut times = Vec::new();
    for _ in 0..300 {
        let target = rng.random_range(0..=end);
        let t0 = now_ms();
        timeline.seek_to_time(target);
        times.push(now_ms() - t0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    console_log!(
        "wasm seek: recorded {} events in {:.0} ms; {} seeks p50 {:.2} ms p95 {:.2} ms max {:.2} ms",
        timeline.end_event(),
        record_ms,
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(0.0)
    );
    // Stepping back one event at a time from the middle of the run, as the step-back button does.
    timeline.seek_to_time(end / 2);
    let mut backs = Vec::new();
    for _ in 0..300 {
        let t0 = now_ms();
        timeline.step_back();
        backs.push(now_ms() - t0);
    }
    backs.sort_by(|a, b| a.total_cmp(b));
    console_log!(
        "wasm step back: {} steps p50 {:.2} ms p95 {:.2} ms max {:.2} ms; {} checkpoints every {} events",
        backs.len(),
        percentile(&backs, 0.5),
        percentile(&backs, 0.95),
        backs.last().copied().unwrap_or(0.0),
        timeline.checkpoint_count(),
        timeline.checkpoint_interval()
    );
}
