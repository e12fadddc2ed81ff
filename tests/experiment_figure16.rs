//! Figure 16 of the Raft paper (§9.3), with fewer trials than the paper's 1000 per curve: the
//! qualitative findings must hold, and the experiment runner must be deterministic, resumable
//! in slices of any size, and export one CSV row per trial.
//!
//! Sized for the dev profile (opt-level 1): the whole file takes about a second.

use raftsim::sim::experiment::{
    summary_csv, to_csv, ExperimentRun, ExperimentSpec, SeriesResult, SeriesSpec,
};
use raftsim::sim::MS;

/// Runs `spec` to the end in one go.
fn run(spec: ExperimentSpec) -> Vec<SeriesResult> {
    let mut r = match ExperimentRun::new(spec) {
        Ok(r) => r,
        Err(e) => panic!("spec must be valid: {e}"),
    };
    let p = r.run_to_end();
    assert!(p.finished && p.done == p.total, "{p:?}");
    r.results()
}

/// A spec with the paper's set-up but only the given series and `trials` per series.
fn spec_with(ranges: &[(u64, u64)], trials: usize, seed: u64) -> ExperimentSpec {
    ExperimentSpec {
        seed,
        trials_per_series: trials,
        series: ranges
            .iter()
            .map(|&(a, b)| SeriesSpec::paper(a, b))
            .collect(),
        ..ExperimentSpec::figure16_top()
    }
}

fn get(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Top graph (§9.3): "In the absence of randomness, leader election consistently took longer
/// than 10 seconds in our tests due to many split votes. Adding just 5ms of randomness helps
/// significantly"; more randomness improves the worst case further.
#[test]
fn a_little_randomness_cuts_the_split_vote_tail() {
    let results = run(spec_with(&[(150, 150), (150, 155), (150, 300)], 300, 7));
    let [fixed, five, wide] = &results[..] else {
        panic!("three series expected, got {}", results.len());
    };
    for r in &results {
        eprintln!(
            "{:<11} p50 {:>8.1} p95 {:>8.1} max {:>8.1} ms, multi-term {:>3}, censored {:>3}",
            r.label,
            get(r.p50_ms),
            get(r.p95_ms),
            get(r.max_ms),
            r.multi_term,
            r.censored
        );
        assert_eq!(r.trials.len(), 300);
        assert_eq!(r.samples_ms.len(), 300);
        assert!(r.samples_ms.windows(2).all(|w| w[0] <= w[1]), "sorted");
        // Even the fastest election waits for a timeout after the last heartbeat: at least the
        // minimum timeout minus one heartbeat interval (half of it), plus a round trip.
        assert!(r.samples_ms[0] >= 75.0, "{}: {}", r.label, r.samples_ms[0]);
    }
    // No randomness: split votes nearly every time, and a tail far beyond 150-155's.
    assert!(
        fixed.multi_term * 10 >= fixed.trials.len() * 7,
        "150-150 should need several terms in most trials: {}",
        fixed.multi_term
    );
    assert!(
        get(fixed.p95_ms) >= 5.0 * get(five.p95_ms),
        "150-150 p95 {} vs 150-155 p95 {}",
        get(fixed.p95_ms),
        get(five.p95_ms)
    );
    assert!(get(fixed.p95_ms) >= 10_000.0, "the paper: longer than 10 s");
    assert!(fixed.censored > 0);
    // 5 ms of randomness: every trial elects a leader, most within a second.
    assert_eq!(five.censored, 0);
    assert!(get(five.p50_ms) < 1000.0, "{}", get(five.p50_ms));
    assert!(five.fraction_within(1000.0) > 0.75);
    // 150 ms of randomness: split votes are rare and the worst case stays well under a second.
    assert_eq!(wide.censored, 0);
    assert!(
        wide.multi_term * 10 <= wide.trials.len(),
        "{}",
        wide.multi_term
    );
    assert!(get(wide.max_ms) < 1000.0, "{}", get(wide.max_ms));
    assert!(get(wide.p95_ms) < get(five.p95_ms));
    // CDF: ends at 1 when nothing was censored, below 1 otherwise.
    assert_eq!(wide.cdf.last().map(|p| p.fraction), Some(1.0));
    assert!(fixed.cdf.last().map_or(0.0, |p| p.fraction) < 1.0);
}

/// Bottom graph (§9.3): "With an election timeout of 12–24ms, it only takes an average of 35ms
/// to elect a leader (the longest trial took 152ms)"; longer timeouts mean longer downtime.
#[test]
fn short_timeouts_elect_within_tens_of_milliseconds() {
    let mut spec = ExperimentSpec::figure16_bottom();
    spec.trials_per_series = 300;
    spec.seed = 11;
    let results = run(spec);
    for r in &results {
        eprintln!(
            "{:<11} p50 {:>6.1} p95 {:>6.1} max {:>6.1} mean {:>6.1} ms, multi-term {:>3}",
            r.label,
            get(r.p50_ms),
            get(r.p95_ms),
            get(r.max_ms),
            get(r.mean_ms),
            r.multi_term
        );
        assert_eq!(r.censored, 0, "{}", r.label);
    }
    let short = &results[0];
    assert_eq!(short.election_timeout_min_us, 12 * MS);
    assert_eq!(short.heartbeat_interval_us, 6 * MS);
    assert!(get(short.p95_ms) < 100.0, "{}", get(short.p95_ms));
    assert!(get(short.p50_ms) < 50.0, "{}", get(short.p50_ms));
    assert!(short.fraction_within(50.0) > 0.6);
    // Downtime grows with the timeout: each median is above the previous one.
    for w in results.windows(2) {
        assert!(
            get(w[0].p50_ms) < get(w[1].p50_ms),
            "{} vs {}",
            w[0].label,
            w[1].label
        );
    }
}

#[test]
fn csv_has_a_header_and_one_row_per_trial() {
    let results = run(spec_with(&[(150, 150), (12, 24)], 9, 3));
    let csv = to_csv(&results);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "series,label,trial,time_without_leader_ms,terms_needed,leader_elected,crash_offset_ms"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 18);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), 7, "{row:?}");
        assert_eq!(row[0], if i < 9 { "0" } else { "1" });
        assert_eq!(row[1], if i < 9 { "150-150 ms" } else { "12-24 ms" });
        assert_eq!(row[2], (i % 9).to_string());
        let t: f64 = row[3].parse().unwrap_or(-1.0);
        assert!(t > 0.0, "{row:?}");
        let terms: u64 = row[4].parse().unwrap_or(u64::MAX);
        let elected = row[5] == "true";
        assert!(row[5] == "true" || row[5] == "false");
        assert_eq!(elected, terms > 0, "{row:?}");
        if !elected {
            assert_eq!(t, 20_000.0, "censored rows carry the cap");
        }
        let offset: f64 = row[6].parse().unwrap_or(-1.0);
        assert!((0.0..75.0).contains(&offset), "{row:?}");
    }
    let summary = summary_csv(&results);
    assert_eq!(summary.lines().count(), 3);
    assert!(summary.starts_with("series,label,timeout_min_ms,"));
    assert!(summary.contains("\n1,12-24 ms,12,24,6,9,"), "{summary}");
}

#[test]
fn runs_are_deterministic_and_slicing_does_not_change_them() {
    let spec = spec_with(&[(150, 151), (12, 24), (150, 300)], 12, 42);
    let whole = run(spec.clone());
    assert_eq!(run(spec.clone()), whole, "same spec, same results");

    // Slices of a few events, as a UI would run between frames.
    let mut sliced = match ExperimentRun::new(spec.clone()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let mut last_done = 0;
    let mut slices = 0;
    loop {
        let p = sliced.run_events(97);
        assert!(p.done >= last_done && p.done <= p.total);
        assert_eq!(sliced.progress(), (p.done, p.total));
        last_done = p.done;
        slices += 1;
        if p.finished {
            break;
        }
        assert!(slices < 1_000_000, "run_events must make progress");
    }
    assert!(slices > 36, "slices cut trials in the middle: {slices}");
    assert_eq!(sliced.results(), whole);

    // Slices of whole trials.
    let mut by_trials = match ExperimentRun::new(spec.clone()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let p = by_trials.run_some(5);
    assert_eq!((p.done, p.total, p.finished), (5, 36, false));
    let partial = by_trials.results();
    assert_eq!(partial[0].trials.len(), 5);
    assert!(partial[1].trials.is_empty() && partial[1].p50_ms.is_none());
    while !by_trials.run_some(5).finished {}
    assert!(by_trials.is_finished());
    assert_eq!(by_trials.results(), whole);
    assert_eq!(by_trials.events_processed(), sliced.events_processed());

    // Another seed gives other trials.
    let mut other = spec;
    other.seed = 43;
    assert_ne!(run(other), whole);
}
