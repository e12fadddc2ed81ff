//! The run's history (the space-time diagram's data) agrees with the trace: every message sent
//! is there once, ending as the trace says; lanes change role and term when the trace says; time
//! travel keeps the history, and acting in the past cuts it where the run forked.

use raftsim::raft::{Command, MessageKind, NodeEvent, Role};
use raftsim::sim::history::{Fate, History, MarkKind};
use raftsim::sim::timeline::{Timeline, TimelineOptions};
use raftsim::sim::{Action, ClientId, Config, NodeId, TraceKind, World, MS, SECOND};

fn config(seed: u64) -> Config {
    Config {
        cluster_size: 5,
        seed,
        loss_per_mille: 30,
        duplicate_per_mille: 30,
        ..Config::default()
    }
}

/// Two histories of a five-server run hold the same messages, marks and lanes. (The messages
/// are compared whole, not printed: a busy run has thousands.)
fn assert_same_history(a: &History, b: &History) {
    assert_eq!(a.messages().len(), b.messages().len());
    assert!(a.messages() == b.messages());
    assert_eq!(a.marks(), b.marks());
    for lane in 0..5 {
        assert_eq!(a.lane(lane), b.lane(lane), "lane {lane}");
    }
}

/// A run with elections, commands, a partition, a crash and a heal, synced into `history`
/// every `every` events (0: only at the end).
fn run(history: &mut History, every: usize) -> World {
    let mut w = World::new(config(7)).expect("valid");
    let sync = |w: &World, h: &mut History, n: usize| {
        if every > 0 && n.is_multiple_of(every) {
            h.sync(w);
        }
    };
    let mut n = 0;
    let mut go = |w: &mut World, h: &mut History, until: u64| {
        while w.next_event_time().is_some_and(|t| t <= until) {
            w.step();
            n += 1;
            sync(w, h, n);
        }
        w.advance_to(until);
    };
    go(&mut w, history, 600 * MS);
    let leader = w.leader().unwrap_or(NodeId(0));
    w.apply(Action::Submit {
        client: ClientId(0),
        node: leader,
        command: Command::Set(5),
    })
    .expect("valid");
    go(&mut w, history, SECOND);
    w.apply(Action::Partition(vec![vec![NodeId(0), NodeId(1)]]))
        .expect("valid");
    go(&mut w, history, 2 * SECOND);
    w.apply(Action::Stop(NodeId(3))).expect("running");
    go(&mut w, history, 3 * SECOND);
    w.apply(Action::Heal).expect("valid");
    w.apply(Action::Restart(NodeId(3))).expect("stopped");
    go(&mut w, history, 4 * SECOND);
    history.sync(&w);
    w
}

#[test]
fn every_message_of_the_trace_is_in_the_history_once_with_its_end() {
    let mut history = History::default();
    let w = run(&mut history, 1);
    let sent: Vec<_> = w
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::MessageSent { id, kind, .. } => Some((*id, *kind, e.at)),
            _ => None,
        })
        .collect();
    assert!(sent.len() > 200, "a busy run: {} messages", sent.len());
    let got: Vec<_> = history
        .messages()
        .iter()
        .map(|m| (m.id, m.kind, m.sent_at))
        .collect();
    assert_eq!(got, sent);
    for m in history.messages() {
        let end = w.trace().iter().find_map(|e| match &e.kind {
            TraceKind::MessageDelivered { id, .. } if *id == m.id => Some((e.at, Fate::Delivered)),
            TraceKind::MessageDropped { id, reason, .. } if *id == m.id => {
                Some((e.at, Fate::Lost(*reason)))
            }
            _ => None,
        });
        match end {
            Some((at, fate)) => assert_eq!((m.end_at, m.fate), (at, fate), "{m:?}"),
            None => {
                assert_eq!(m.fate, Fate::InFlight, "{m:?}");
                assert!(w.in_flight().any(|f| f.id == m.id), "{m:?} is in flight");
            }
        }
    }
    let lost = history
        .messages()
        .iter()
        .filter(|m| matches!(m.fate, Fate::Lost(_)))
        .count();
    assert!(lost > 0, "the partition loses messages");
    assert!(history.messages().iter().any(|m| m.duplicate));
    // Heartbeats: AppendEntries without entries and the successful answers to them.
    let beats = history.messages().iter().filter(|m| m.heartbeat).count();
    assert!(beats > 50, "{beats} heartbeats");
    assert!(history
        .messages()
        .iter()
        .any(|m| m.kind == MessageKind::AppendEntries && !m.heartbeat));
    assert!(history
        .messages()
        .iter()
        .any(|m| m.kind == MessageKind::AppendEntriesReply && m.heartbeat));
    for m in history.messages().iter().filter(|m| m.heartbeat) {
        assert!(matches!(
            m.kind,
            MessageKind::AppendEntries | MessageKind::AppendEntriesReply
        ));
        assert!(m.kind != MessageKind::AppendEntries || m.fields.count == 0);
    }
}

#[test]
fn syncing_often_or_once_gives_the_same_history() {
    let mut often = History::default();
    run(&mut often, 1);
    let mut sometimes = History::default();
    run(&mut sometimes, 97);
    assert_same_history(&often, &sometimes);
    assert!(often.gaps().is_empty());
}

#[test]
fn lanes_follow_roles_terms_and_crashes() {
    let mut history = History::default();
    let w = run(&mut history, 1);
    for e in w.trace() {
        if let TraceKind::Node {
            node,
            event: NodeEvent::RoleChanged { to, term, .. },
        } = &e.kind
        {
            let lane = history.lane(node.index());
            let state = lane
                .iter()
                .rev()
                .find(|c| c.at <= e.at)
                .expect("a state at every moment")
                .state;
            if !lane.iter().any(|c| c.at == e.at) {
                continue;
            }
            // The last change at that instant is the state from then on.
            let last_at = lane
                .iter()
                .rev()
                .find(|c| c.at == e.at)
                .expect("found")
                .state;
            assert_eq!(state, last_at);
            if to == &Role::Leader {
                assert!(history.marks().iter().any(|m| m.at == e.at
                    && m.kind == MarkKind::Elected(*term)
                    && m.lane == Some(raftsim::raft::Endpoint::Node(*node))));
            }
        }
    }
    let crashed = history.lane(3);
    assert!(crashed.iter().any(|c| c.state.stopped));
    assert!(!crashed.last().expect("a lane").state.stopped, "restarted");
    for (i, node) in w.nodes().iter().enumerate() {
        let last = history.lane(i).last().expect("a lane").state;
        assert_eq!((last.role, last.term), (node.role(), node.term()));
    }
    let network = history
        .marks()
        .iter()
        .filter(|m| m.kind == MarkKind::Network)
        .count();
    assert_eq!(network, 2, "the partition and the heal");
}

fn timeline() -> Timeline {
    let options = TimelineOptions {
        trace_retention: Some(4_000),
        ..TimelineOptions::default()
    };
    let mut t = Timeline::with_options(config(11), options).expect("valid");
    t.advance_to(700 * MS);
    t.apply(Action::Submit {
        client: ClientId(0),
        node: t.world().leader().unwrap_or(NodeId(0)),
        command: Command::Set(5),
    })
    .expect("valid");
    t
}

#[test]
fn going_back_in_time_keeps_the_history_and_acting_there_cuts_it() {
    let mut t = timeline();
    let mut history = History::default();
    for ms in (0..3_000).step_by(16) {
        t.advance_to(700 * MS + ms * MS);
        history.sync(t.world());
    }
    let before = history.messages().to_vec();
    let end = history.end();
    t.seek_to_time(1_200 * MS);
    history.sync(t.world());
    assert_eq!(history.messages(), before.as_slice(), "the future is kept");
    assert_eq!(history.end(), end);
    for ms in (0..800).step_by(16) {
        t.advance_to(1_200 * MS + ms * MS);
        history.sync(t.world());
    }
    assert_eq!(
        history.messages(),
        before.as_slice(),
        "replaying changes nothing"
    );

    // Acting in the past forks the run: the history is cut there and grows the new way.
    t.seek_to_time(1_500 * MS);
    history.sync(t.world());
    t.apply(Action::Stop(NodeId(2))).expect("running");
    history.sync(t.world());
    assert!(history.end() <= 1_500 * MS);
    assert!(history.messages().iter().all(|m| m.sent_at <= 1_500 * MS));
    for ms in (0..1_000).step_by(16) {
        t.advance_to(1_500 * MS + ms * MS);
        history.sync(t.world());
    }
    // The same as a history that watched the forked run from the start.
    let mut fresh_timeline = Timeline::from_run(config(11), t.recorded_actions()).expect("replays");
    let mut fresh = History::default();
    let end = t.world().now();
    for ms in (0..end / MS).step_by(16) {
        fresh_timeline.advance_to(ms * MS);
        fresh.sync(fresh_timeline.world());
    }
    fresh_timeline.advance_to(end);
    fresh.sync(fresh_timeline.world());
    assert_same_history(&history, &fresh);
}

#[test]
fn another_run_starts_another_history() {
    let mut history = History::default();
    let mut t = timeline();
    t.advance_to(2 * SECOND);
    history.sync(t.world());
    assert!(!history.messages().is_empty());
    let other = World::new(config(12)).expect("valid");
    history.sync(&other);
    assert!(history.messages().is_empty());
    assert_eq!(history.end(), 0);
}

#[test]
fn the_window_query_returns_the_messages_that_cross_it() {
    let mut history = History::default();
    run(&mut history, 5);
    let (from, to) = (1_300 * MS, 1_400 * MS);
    let shown = history.messages_between(from, to);
    for m in history.messages() {
        let crosses = m.sent_at <= to && m.end_at >= from;
        if crosses {
            assert!(shown.contains(m), "{m:?} is missing");
        }
    }
    assert!(shown.len() < history.messages().len() / 3);
}

#[test]
fn a_run_that_jumped_to_a_late_moment_is_rebuilt_by_replay() {
    let mut t = timeline();
    t.advance_to(60 * SECOND);
    // A world that jumped keeps only its recent events: the history has a gap.
    let mut jumped = History::default();
    jumped.sync(t.world());
    assert!(!jumped.gaps().is_empty());
    // Rebuilt by replaying the recorded run, it equals a history that watched all along.
    let rebuilt = History::replayed(t.initial_config(), t.recorded_actions(), t.world().now())
        .expect("replays");
    assert!(rebuilt.gaps().is_empty());
    let mut watched = History::default();
    let mut again = timeline();
    for ms in (700..60_000).step_by(16) {
        again.advance_to(ms * MS);
        watched.sync(again.world());
    }
    again.advance_to(60 * SECOND);
    watched.sync(again.world());
    assert_same_history(&rebuilt, &watched);
}
