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

/// "p50 … ms p95 … ms max … ms" of the times measured, in milliseconds.
fn spread(mut times: Vec<f64>) -> String {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| {
        let i = ((times.len().saturating_sub(1)) as f64 * p).round() as usize;
        times.get(i).copied().unwrap_or(0.0)
    };
    format!(
        "p50 {:.2} ms p95 {:.2} ms max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    )
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
    console_log!(
        "wasm seek: recorded {} events in {:.0} ms; {} seeks {}",
        timeline.end_event(),
        record_ms,
        times.len(),
        spread(times)
    );
    // Stepping back one event at a time from the middle of the run, as the step-back button does.
    timeline.seek_to_time(end / 2);
    let mut backs = Vec::new();
    for _ in 0..300 {
        let t0 = now_ms();
        timeline.step_back();
        backs.push(now_ms() - t0);
    }
    console_log!(
        "wasm step back: {} steps {}; {} checkpoints every {} events",
        backs.len(),
        spread(backs),
        timeline.checkpoint_count(),
        timeline.checkpoint_interval()
    );
}
