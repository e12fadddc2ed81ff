//! Runs randomised fault schedules for as long as asked, checking every invariant after every
//! event, and prints progress and a summary. A failure prints its seed, config and action list.
//!
//! Run: `cargo run --profile bench-native --example soak -- --seconds 600`
//!  or: `cargo run --profile bench-native --example soak -- --schedules 100000 [--start 0]`
//! Options: `--max-nodes N` (default 9), `--fault-seconds N` (virtual, default 20).

use raftsim::sim::fuzz::{run_schedule, FuzzOptions};
use raftsim::sim::SECOND;
use std::time::Instant;

fn arg(args: &[String], name: &str) -> Option<u64> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).and_then(|v| v.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds = arg(&args, "--seconds");
    let schedules = arg(&args, "--schedules");
    let (seconds, schedules) = match (seconds, schedules) {
        (None, None) => (Some(60), None),
        other => other,
    };
    let start_seed = arg(&args, "--start").unwrap_or(0);
    let opts = FuzzOptions {
        max_cluster: arg(&args, "--max-nodes").map_or(9, |n| n.clamp(3, 51) as u8),
        fault_time: arg(&args, "--fault-seconds").map_or(20, |s| s.max(1)) * SECOND,
        ..FuzzOptions::default()
    };
    let start = Instant::now();
    let mut last_report = 0.0;
    let (mut runs, mut events, mut completed, mut max_term, mut failures) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut seed = start_seed;
    loop {
        let elapsed = start.elapsed().as_secs_f64();
        if seconds.is_some_and(|s| elapsed >= s as f64) || schedules.is_some_and(|n| runs >= n) {
            break;
        }
        match run_schedule(seed, opts) {
            Ok(s) => {
                events += s.events;
                completed += s.completed;
                max_term = max_term.max(s.max_term);
            }
            Err(f) => {
                failures += 1;
                println!("{f}");
            }
        }
        runs += 1;
        seed += 1;
        if elapsed - last_report >= 10.0 {
            last_report = elapsed;
            println!(
                "[{elapsed:.0} s] {runs} schedules (seeds {start_seed}..{seed}), {events} events, {failures} failures"
            );
        }
    }
    let wall = start.elapsed().as_secs_f64();
    println!(
        "summary: {runs} schedules (seeds {start_seed}..{seed}), {events} events ({:.0}/s), {completed} commands completed, highest term {max_term}, {failures} failures, {wall:.1} s",
        events as f64 / wall.max(1e-9)
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
