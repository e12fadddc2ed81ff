//! The randomised fault sweep: many seeds, each a random cluster under random stops, restarts,
//! timeouts, partitions, cut links, dropped messages, loss and duplication, with the invariant
//! checker after every event (Figure 3: Election Safety, Leader Append-Only, Log Matching, Leader
//! Completeness, State Machine Safety; plus durable commits, one vote per term, monotonic terms
//! and in-order application). After the faults the network heals and every server restarts: a
//! leader must emerge and every client command must complete (§5.2, §5.3, §8). Finally the two
//! clients' history of SETs, ADDs and reads must be linearizable.
//!
//! A failure prints its seed, config and action list; `World::replay` reproduces it.

use raftsim::raft::Safety;
use raftsim::sim::fuzz::{run_schedule, FaultMix, FuzzOptions};
use std::time::Instant;

/// Sized so the sweep takes roughly 30 to 60 seconds under the dev profile (opt-level 1).
/// `RAFTSIM_SWEEP_SEEDS` overrides it, for a quick look or a longer local run.
const SEEDS: u64 = 25_000;

fn seeds() -> u64 {
    std::env::var("RAFTSIM_SWEEP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEEDS)
}

#[test]
fn random_fault_sweep() {
    let start = Instant::now();
    let opts = FuzzOptions {
        max_cluster: 9,
        ..FuzzOptions::default()
    };
    let seeds = seeds();
    let (mut events, mut completed, mut checked, mut max_steps) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for seed in 0..seeds {
        match run_schedule(seed, opts) {
            Ok(s) => {
                events += s.events;
                completed += s.completed;
                checked += s.ops_checked;
                max_steps = max_steps.max(s.lin_steps);
            }
            Err(f) => {
                eprintln!("{f}");
                failures.push(f.seed);
                if failures.len() >= 3 {
                    break;
                }
            }
        }
    }
    eprintln!(
        "fault sweep: {seeds} seeds, {events} events, {completed} commands completed, \
         {checked} operations checked for linearizability (at most {max_steps} search steps), {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "failing seeds: {failures:?}");
}

/// Runs schedules `0..max_seeds` of `faults` with `safety` broken, checking only the invariants
/// (the checker must name what broke; liveness and linearizability would blur which rule did).
/// Asserts that at least one schedule's first violation is `property`, and that every failure is
/// a violation of `property` or of one of `consequences`, the properties that a break of this
/// rule is known to reach first in some schedules. Returns how many schedules failed.
fn assert_sweep_catches(
    safety: Safety,
    faults: FaultMix,
    max_seeds: u64,
    property: &str,
    consequences: &[&str],
) -> usize {
    let opts = FuzzOptions {
        safety,
        faults,
        check_liveness: false,
        check_linearizability: false,
        ..FuzzOptions::default()
    };
    let mut caught = 0;
    let mut failures = 0;
    for seed in 0..max_seeds {
        let Err(f) = run_schedule(seed, opts) else {
            continue;
        };
        failures += 1;
        let first = f.violations.first().map(|v| v.violation.property());
        assert!(
            first == Some(property) || first.is_some_and(|p| consequences.contains(&p)),
            "with {safety:?} broken, schedule {seed} failed with {first:?}, not {property}:\n{f}"
        );
        if first == Some(property) {
            caught += 1;
        }
    }
    eprintln!(
        "{safety:?}: {failures} of {max_seeds} {faults:?} schedules failed, {caught} first with {property}"
    );
    assert!(
        caught > 0,
        "with {safety:?} broken, no {faults:?} schedule in 0..{max_seeds} violated {property}"
    );
    failures
}

// The checker is only useful if it fails when Raft is broken. Each switch removes one rule; a
// sweep aimed at that rule must then find the property it protects broken within a few
// schedules. §5.4.1: voting without the up-to-date check elects a leader that lacks committed
// entries.
#[test]
fn sweep_catches_voting_without_log_check() {
    let safety = Safety {
        vote_without_log_check: true,
        ..Default::default()
    };
    // Measured: 8 of the first 10 Divergence schedules fail, each first with Leader Completeness.
    assert_sweep_catches(safety, FaultMix::Divergence, 10, "Leader Completeness", &[]);
}

// Figure 2: votedFor must be persistent, or a restarted server votes twice in one term.
#[test]
fn sweep_catches_forgotten_votes() {
    let safety = Safety {
        forget_vote_on_restart: true,
        ..Default::default()
    };
    // Measured: each of the first 10 VoteChurn schedules fails first with One vote per term.
    assert_sweep_catches(safety, FaultMix::VoteChurn, 10, "One vote per term", &[]);
}

// §5.3: without the prevLogIndex/prevLogTerm consistency check, logs diverge. A follower that
// accepts entries after a wrong prefix can also lose a committed entry before two logs meet.
#[test]
fn sweep_catches_skipped_prev_log_check() {
    let safety = Safety {
        skip_prev_log_check: true,
        ..Default::default()
    };
    // Measured: 8 of the first 10 Divergence schedules fail, 4 first with Log Matching.
    assert_sweep_catches(
        safety,
        FaultMix::Divergence,
        10,
        "Log Matching",
        &["Committed entries are durable"],
    );
}

// §5.4.2 / Figure 8: committing old-term entries by counting replicas lets a later leader lack
// an entry that was reported committed.
#[test]
fn sweep_catches_commit_by_counting() {
    let safety = Safety {
        commit_old_terms_by_counting: true,
        ..Default::default()
    };
    // Measured: 10 of the first 100 Divergence schedules fail, each first with Leader Completeness.
    assert_sweep_catches(
        safety,
        FaultMix::Divergence,
        100,
        "Leader Completeness",
        &[],
    );
}

// The same aimed sweeps with every rule kept find nothing: the aimed faults alone do not break
// Raft, so what the tests above catch is the switch.
#[test]
fn aimed_sweeps_are_safe_with_every_rule_kept() {
    for faults in [FaultMix::VoteChurn, FaultMix::Divergence] {
        let opts = FuzzOptions {
            faults,
            ..FuzzOptions::default()
        };
        for seed in 0..100 {
            if let Err(f) = run_schedule(seed, opts) {
                panic!("{faults:?} schedule {seed} failed with every rule kept:\n{f}");
            }
        }
    }
}
