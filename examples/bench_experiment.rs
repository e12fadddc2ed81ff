//! Reproduces Figure 16 of the Raft paper (§9.3) natively and measures trials per second: the
//! time without a leader after the leader crashes, as a cumulative distribution, for the top
//! graph (150-150 to 150-300 ms) and the bottom graph (12-24 to 150-300 ms).
//!
//! Run: `cargo run --profile bench-native --example bench_experiment [-- options]`
//!
//! Options: `--trials N` (default: the paper's 1000 per series), `--seed S`, `--lat-min MS` and
//! `--lat-max MS` (one-way latency, default 1-5 ms), `--cap MS` (give up on a trial after this
//! long without a leader, default 20 000), `--csv DIR` (write the per-trial and summary tables
//! there as `figure16_{top,bottom}.csv` and `figure16_{top,bottom}_summary.csv`).

use raftsim::sim::experiment::{summary_csv, to_csv, ExperimentRun, ExperimentSpec, SeriesResult};
use std::time::Instant;

/// Text plot geometry.
const WIDTH: usize = 72;
const HEIGHT: usize = 16;

/// Prints the CDFs as a text plot: x is time (log or linear), y the fraction elected.
fn plot(results: &[SeriesResult], x_min: f64, x_max: f64, log_x: bool) {
    let marks = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    let to_col = |x: f64| -> usize {
        let f = if log_x {
            (x.max(x_min).ln() - x_min.ln()) / (x_max.ln() - x_min.ln())
        } else {
            (x - x_min) / (x_max - x_min)
        };
        ((f.clamp(0.0, 1.0)) * (WIDTH - 1) as f64).round() as usize
    };
    let mut grid = vec![vec![' '; WIDTH]; HEIGHT];
    // Later series draw over earlier ones where curves cross; the table gives exact figures.
    for (k, r) in results.iter().enumerate() {
        let mark = marks[k % marks.len()];
        // Sample the step function at every column so each curve is drawn without gaps.
        let levels: Vec<Option<usize>> = (0..WIDTH)
            .map(|col| {
                let f = col as f64 / (WIDTH - 1) as f64;
                let x = if log_x {
                    (x_min.ln() + f * (x_max.ln() - x_min.ln())).exp()
                } else {
                    x_min + f * (x_max - x_min)
                };
                let y = r.fraction_within(x);
                (y > 0.0).then(|| ((y * (HEIGHT - 1) as f64).round() as usize).min(HEIGHT - 1))
            })
            .collect();
        for (i, row) in grid.iter_mut().enumerate() {
            for (cell, level) in row.iter_mut().zip(&levels) {
                if *level == Some(HEIGHT - 1 - i) {
                    *cell = mark;
                }
            }
        }
    }
    for (i, row) in grid.iter().enumerate() {
        let y = 1.0 - i as f64 / (HEIGHT - 1) as f64;
        println!("{:>5.0}% |{}", y * 100.0, row.iter().collect::<String>());
    }
    println!("       +{}", "-".repeat(WIDTH));
    let ticks: Vec<f64> = if log_x {
        vec![100.0, 1000.0, 10000.0, x_max]
    } else {
        (0..=6)
            .map(|i| x_min + i as f64 * (x_max - x_min) / 6.0)
            .collect()
    };
    let mut axis = vec![' '; WIDTH + 8];
    for t in ticks {
        let label = format!("{t:.0}");
        let c = to_col(t) + 8;
        let start = c
            .saturating_sub(label.len() / 2)
            .min(WIDTH + 8 - label.len());
        for (j, ch) in label.chars().enumerate() {
            axis[start + j] = ch;
        }
    }
    println!("{}", axis.iter().collect::<String>());
    println!(
        "        time without leader (ms{})",
        if log_x { ", log scale" } else { "" }
    );
    for (k, r) in results.iter().enumerate() {
        println!("        {} = {}", marks[k % marks.len()], r.label);
    }
}

fn table(results: &[SeriesResult]) {
    println!(
        "{:<12} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "series", "trials", "p50 ms", "p95 ms", "max ms", "mean ms", "multi-term", "censored"
    );
    let f = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_default();
    for r in results {
        println!(
            "{:<12} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}",
            r.label,
            r.trials.len(),
            f(r.p50_ms),
            f(r.p95_ms),
            f(r.max_ms),
            f(r.mean_ms),
            r.multi_term,
            r.censored
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let trials: Option<usize> = arg("--trials").and_then(|s| s.parse().ok());
    let csv_dir = arg("--csv");
    let us = |name: &str| {
        arg(name)
            .and_then(|s| s.parse::<f64>().ok())
            .map(|ms| (ms * 1000.0) as u64)
    };
    let (lat_min, lat_max, cap) = (us("--lat-min"), us("--lat-max"), us("--cap"));

    for (name, mut spec, log_x, x_min, x_max) in [
        (
            "top",
            ExperimentSpec::figure16_top(),
            true,
            100.0,
            100_000.0,
        ),
        (
            "bottom",
            ExperimentSpec::figure16_bottom(),
            false,
            0.0,
            600.0,
        ),
    ] {
        if let Some(t) = trials {
            spec.trials_per_series = t;
        }
        if let Some(seed) = arg("--seed").and_then(|s| s.parse().ok()) {
            spec.seed = seed;
        }
        if let Some(v) = lat_min {
            spec.latency_min_us = v;
        }
        if let Some(v) = lat_max {
            spec.latency_max_us = v;
        }
        if let Some(v) = cap {
            spec.max_time_without_leader_us = v;
        }
        let cap_s = spec.max_time_without_leader_us as f64 / 1e6;
        let mut run = match ExperimentRun::new(spec) {
            Ok(r) => r,
            Err(e) => panic!("preset must be valid: {e}"),
        };
        let start = Instant::now();
        run.run_to_end();
        let secs = start.elapsed().as_secs_f64();
        let (done, _) = run.progress();
        let results = run.results();
        println!();
        println!(
            "=== Figure 16, {name} graph: {done} trials in {secs:.2} s = {:.0} trials/s, {:.2} M events/s (cap {cap_s} s) ===",
            done as f64 / secs,
            run.events_processed() as f64 / secs / 1e6
        );
        table(&results);
        println!();
        plot(&results, x_min, x_max, log_x);
        if let Some(dir) = &csv_dir {
            let write = |file: String, body: String| {
                if let Err(e) = std::fs::write(&file, body) {
                    eprintln!("cannot write {file}: {e}");
                }
            };
            write(format!("{dir}/figure16_{name}.csv"), to_csv(&results));
            write(
                format!("{dir}/figure16_{name}_summary.csv"),
                summary_csv(&results),
            );
        }
    }
}
