//! Time travel must be exact: every position reached by seeking (by time or by event, from
//! near or far, after thinning checkpoints) has the trace hash the live run had there; forking
//! discards the recorded future; a timeline rebuilt from (config, action log) matches the live one.

use raftsim::raft::{ClientId, Command, NodeId};
use raftsim::sim::timeline::{MarkerKind, Timeline, TimelineOptions};
use raftsim::sim::{Action, Config, OptionChange, Time, World, MS, SECOND};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A random action, valid or not (refused ones must change nothing).
fn random_action(w: &World, rng: &mut Pcg64Mcg) -> Action {
    let size = w.nodes().len();
    let n = NodeId(rng.random_range(0..size) as u8);
    let m = NodeId(rng.random_range(0..size) as u8);
    match rng.random_range(0..10) {
        0..=3 => Action::Submit {
            client: ClientId(rng.random_range(0..2)),
            node: w.leader().unwrap_or(n),
            command: if rng.random_bool(0.5) {
                Command::Set(rng.random_range(-9..=9))
            } else {
                Command::Add(rng.random_range(-9..=9))
            },
        },
        4 => Action::Stop(n),
        5 => Action::Restart(n),
        6 => Action::Timeout(n),
        7 => Action::Partition(vec![vec![n]]),
        8 => {
            if rng.random_bool(0.5) {
                Action::Heal
            } else {
                Action::CutOneWay { from: n, to: m }
            }
        }
        _ => Action::SetOption(OptionChange::LossPerMille(rng.random_range(0..3) * 50)),
    }
}

/// A live run: mixes advancing the clock, single steps and actions. Returns the timeline and
/// ground truth: (time, hash) after each advance, and (events, hash) after each event, both
/// including the actions taken before the run moved on.
struct Recorded {
    tl: Timeline,
    by_time: Vec<(Time, u64)>,
    by_event: Vec<(u64, u64)>,
}

fn record(seed: u64, options: TimelineOptions, rounds: usize) -> Recorded {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let config = Config {
        seed,
        cluster_size: rng.random_range(1..=5),
        loss_per_mille: [0, 0, 50][rng.random_range(0..3)],
        duplicate_per_mille: [0, 30][rng.random_range(0..2)],
        latency_min_us: rng.random_range(0..=10) * MS,
        latency_max_us: 20 * MS,
        ..Config::default()
    };
    let mut tl = Timeline::with_options(config, options)
        .unwrap_or_else(|e| panic!("seed {seed}: config rejected: {e}"));
    let (mut by_time, mut by_event) = (Vec::new(), Vec::new());
    // A position is sampled only when the run is about to leave it (the clock or the event
    // count changes): until then, more actions may still join it, as they do on seeking.
    let mut pending_time: Option<Time> = None;
    let mut moved = |tl: &Timeline, before: (Time, u64, u64), pending: &mut Option<Time>| {
        let w = tl.world();
        if (w.now(), w.events_processed()) != (before.0, before.1) {
            if let Some(t) = pending.take() {
                by_time.push((t, before.2));
            }
        }
    };
    let here = |tl: &Timeline| {
        let w = tl.world();
        (w.now(), w.events_processed(), w.trace_hash())
    };
    for _ in 0..rounds {
        if rng.random_bool(0.3) {
            for _ in 0..rng.random_range(1..20) {
                let before = here(&tl);
                tl.step();
                moved(&tl, before, &mut pending_time);
                if tl.world().events_processed() != before.1 {
                    by_event.push((before.1, before.2));
                }
                if rng.random_bool(0.1) {
                    let a = random_action(tl.world(), &mut rng);
                    let _ = tl.apply(a);
                }
            }
        } else {
            let t = tl.world().now() + rng.random_range(1..400) * MS;
            let before = here(&tl);
            tl.advance_to(t);
            moved(&tl, before, &mut pending_time);
            if tl.world().events_processed() != before.1 {
                by_event.push((before.1, before.2));
            }
            if rng.random_bool(0.4) {
                let a = random_action(tl.world(), &mut rng);
                let _ = tl.apply(a);
            }
            pending_time = Some(t);
        }
        assert!(
            tl.is_at_end(),
            "seed {seed}: a live run is always at its end"
        );
    }
    if let Some(t) = pending_time {
        by_time.push((t, tl.world().trace_hash()));
    }
    Recorded {
        tl,
        by_time,
        by_event,
    }
}

fn small_checkpoints() -> TimelineOptions {
    TimelineOptions {
        checkpoint_every_events: 64,
        ..TimelineOptions::default()
    }
}

#[test]
fn random_seeks_reproduce_the_live_hashes() {
    for seed in 1..=12u64 {
        let Recorded {
            mut tl,
            by_time,
            by_event,
        } = record(seed, small_checkpoints(), 120);
        let end_hash = tl.world().trace_hash();
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0xabc);
        for _ in 0..150 {
            if rng.random_bool(0.5) && !by_time.is_empty() {
                let (t, h) = by_time[rng.random_range(0..by_time.len())];
                tl.seek_to_time(t);
                assert_eq!(tl.world().trace_hash(), h, "seed {seed}: seek_to_time({t})");
                assert_eq!(tl.world().now(), t.min(tl.end_time()), "seed {seed}");
            } else if !by_event.is_empty() {
                let (n, h) = by_event[rng.random_range(0..by_event.len())];
                tl.seek_to_event(n);
                assert_eq!(
                    tl.world().trace_hash(),
                    h,
                    "seed {seed}: seek_to_event({n})"
                );
            }
        }
        tl.seek_to_end();
        assert_eq!(
            tl.world().trace_hash(),
            end_hash,
            "seed {seed}: back to the end"
        );
        assert!(tl.is_at_end(), "seed {seed}");
    }
}

#[test]
fn stepping_back_then_forward_retraces_every_event() {
    for seed in [3u64, 17, 40] {
        let Recorded {
            mut tl, by_event, ..
        } = record(seed, small_checkpoints(), 80);
        let end = (tl.end_event(), tl.end_time(), tl.world().trace_hash());
        // Step back over the whole run (every position must match where the live run stepped),
        // then step forward again over the recorded future.
        let mut hashes = Vec::new();
        while tl.world().events_processed() > 0 {
            assert!(tl.step_back(), "seed {seed}");
            hashes.push((tl.world().events_processed(), tl.world().trace_hash()));
            if let Some(&(_, h)) = by_event
                .iter()
                .find(|(n, _)| *n == tl.world().events_processed())
            {
                assert_eq!(tl.world().trace_hash(), h, "seed {seed}: step back");
            }
        }
        assert!(!tl.step_back(), "seed {seed}: nothing before the start");
        for &(n, h) in hashes.iter().rev().skip(1) {
            tl.step();
            assert_eq!(tl.world().events_processed(), n, "seed {seed}");
            assert_eq!(
                tl.world().trace_hash(),
                h,
                "seed {seed}: step forward to {n}"
            );
        }
        tl.step();
        assert_eq!(tl.world().events_processed(), end.0, "seed {seed}");
        tl.advance_to(end.1);
        assert_eq!(
            tl.world().trace_hash(),
            end.2,
            "seed {seed}: forward to the end"
        );
        assert!(tl.is_at_end(), "seed {seed}");
    }
}

#[test]
fn replaying_the_action_log_gives_the_same_run() {
    for seed in 1..=10u64 {
        let Recorded { tl, .. } = record(seed, TimelineOptions::default(), 100);
        let config = tl.initial_config().clone();
        let actions = tl.recorded_actions().to_vec();
        // The world's own replay...
        let mut w = World::replay(config.clone(), &actions)
            .unwrap_or_else(|e| panic!("seed {seed}: replay refused: {e}"));
        while w.events_processed() < tl.end_event() && w.step().is_some() {}
        w.advance_to(tl.end_time());
        assert_eq!(
            w.trace_hash(),
            tl.end_trace_hash(),
            "seed {seed}: World::replay"
        );
        // ...and a timeline rebuilt from the log, markers included.
        let mut again = Timeline::from_run(config, &actions)
            .unwrap_or_else(|e| panic!("seed {seed}: from_run refused: {e}"));
        while again.world().events_processed() < tl.end_event() && again.step().is_some() {}
        again.advance_to(tl.end_time());
        assert_eq!(
            again.world().trace_hash(),
            tl.end_trace_hash(),
            "seed {seed}"
        );
        assert_eq!(again.markers(), tl.markers(), "seed {seed}: markers");
    }
}

#[test]
fn acting_in_the_past_forks_and_discards_the_future() {
    for seed in [5u64, 8, 13, 21] {
        let Recorded { mut tl, .. } = record(seed, small_checkpoints(), 100);
        let old_end = (tl.end_event(), tl.end_time());
        let old_actions = tl.recorded_actions().to_vec();
        let t = old_end.1 / 3;
        tl.seek_to_time(t);
        let here_actions = tl.world().actions().len();
        assert!(!tl.is_at_end(), "seed {seed}");
        // Valid in any state: a heal.
        assert_eq!(tl.apply(Action::Heal), Ok(()), "seed {seed}");
        assert!(tl.is_at_end(), "seed {seed}");
        assert_eq!(tl.end_time(), t, "seed {seed}: the end moved back");
        assert_eq!(tl.recorded_actions().len(), here_actions + 1, "seed {seed}");
        assert_eq!(
            &tl.recorded_actions()[..here_actions],
            &old_actions[..here_actions],
            "seed {seed}: the past is kept"
        );
        assert!(
            tl.markers().iter().all(|m| m.at <= t),
            "seed {seed}: markers of the discarded future are gone"
        );
        assert!(matches!(
            tl.markers().last().map(|m| &m.kind),
            Some(MarkerKind::UserAction { .. })
        ));
        // The new history runs on live and is itself exactly replayable.
        tl.advance_to(t + 2 * SECOND);
        let h = tl.world().trace_hash();
        tl.seek_to_time(t / 2);
        tl.seek_to_end();
        assert_eq!(
            tl.world().trace_hash(),
            h,
            "seed {seed}: new future replays"
        );
        let mut w = World::replay(tl.initial_config().clone(), tl.recorded_actions())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        w.advance_to(t + 2 * SECOND);
        assert_eq!(w.trace_hash(), h, "seed {seed}: fork replays from the log");
    }
}

#[test]
fn seeks_clamp_to_the_recorded_range() {
    let Recorded { mut tl, .. } = record(2, small_checkpoints(), 40);
    let end_hash = tl.world().trace_hash();
    tl.seek_to_time(0);
    assert_eq!(tl.world().now(), 0);
    tl.seek_to_time(Time::MAX);
    assert_eq!(tl.world().trace_hash(), end_hash);
    tl.seek_to_event(0);
    assert_eq!(tl.world().events_processed(), 0);
    tl.seek_to_event(u64::MAX);
    assert_eq!(tl.world().trace_hash(), end_hash);
    assert!(tl.is_at_end());
}

#[test]
fn thinning_keeps_memory_bounded_and_seeks_exact() {
    let options = TimelineOptions {
        checkpoint_every_events: 16,
        checkpoint_budget_bytes: 256 * 1024,
        trace_retention: Some(200),
    };
    let Recorded {
        mut tl, by_time, ..
    } = record(9, options, 300);
    assert!(tl.checkpoint_interval() > 16, "the interval grew");
    // The scratch checkpoint and the two kept at any cost may exceed a tiny budget.
    assert!(tl.checkpoint_count() >= 2);
    for &(t, h) in by_time.iter().rev().step_by(7) {
        tl.seek_to_time(t);
        assert_eq!(
            tl.world().trace_hash(),
            h,
            "seek_to_time({t}) after thinning"
        );
    }
}

#[test]
fn markers_are_ordered_and_meaningful() {
    let Recorded { tl, .. } = record(4, TimelineOptions::default(), 150);
    let m = tl.markers();
    assert!(m.windows(2).all(|w| w[0].trace_seq < w[1].trace_seq));
    assert!(m.iter().all(|m| m.at <= tl.end_time()));
    assert!(m
        .iter()
        .any(|m| matches!(m.kind, MarkerKind::ElectionWon { .. })));
    assert!(m
        .iter()
        .any(|m| matches!(m.kind, MarkerKind::UserAction { .. })));
    let mut last = 0;
    for k in m.iter().filter_map(|m| match m.kind {
        MarkerKind::Commit { index, .. } => Some(index),
        _ => None,
    }) {
        assert!(k > last, "commit markers only grow");
        last = k;
    }
}

/// Checkpoints share what grows with the run (logs, operations, actions, the checker's
/// records) with the world, so all of them together cost a small part of as many whole worlds;
/// and a world restored from one shows the same recent trace the live run showed there.
#[test]
fn checkpoints_share_the_growing_state_and_keep_a_recent_trace() {
    use raftsim::sim::timeline::{estimate_world_bytes, CHECKPOINT_TRACE_EVENTS};
    use raftsim::sim::TraceEvent;
    let options = TimelineOptions {
        checkpoint_every_events: 500,
        trace_retention: Some(4_000),
        ..TimelineOptions::default()
    };
    let config = Config {
        cluster_size: 5,
        seed: 21,
        ..Config::default()
    };
    let mut tl = Timeline::with_options(config, options).expect("valid");
    let mut seen: Vec<(Time, Vec<TraceEvent>)> = Vec::new();
    for k in 1..=600u64 {
        let t = k * 100 * MS;
        tl.advance_to(t);
        let node = tl.world().leader().unwrap_or(NodeId(0));
        tl.apply(Action::Submit {
            client: ClientId((k % 2) as u16),
            node,
            command: Command::Set(k as i64),
        })
        .expect("a submit is always accepted");
        if k % 37 == 0 {
            let trace = tl.world().trace();
            let recent = &trace[trace.len().saturating_sub(CHECKPOINT_TRACE_EVENTS)..];
            seen.push((t, recent.to_vec()));
        }
    }
    let whole_worlds = tl.checkpoint_count() * estimate_world_bytes(tl.world());
    assert!(
        tl.checkpoint_count() > 20,
        "{} checkpoints",
        tl.checkpoint_count()
    );
    assert!(
        tl.checkpoint_bytes() * 4 < whole_worlds,
        "checkpoints hold {} bytes, as many whole worlds {whole_worlds}",
        tl.checkpoint_bytes()
    );
    for (t, recent) in seen.iter().rev() {
        tl.seek_to_time(*t);
        let trace = tl.world().trace();
        let here = &trace[trace.len().saturating_sub(recent.len())..];
        assert_eq!(here, &recent[..], "the recent trace after seeking to {t}");
    }
}
