//! Determinism: the same configuration and actions give the same trace, and a recorded action
//! list replays to the same trace. This is what step-back, share links and wasm-vs-native
//! comparison rest on.

use raftsim::raft::Command;
use raftsim::sim::{
    Action, ClientId, Config, NodeId, OptionChange, TimedAction, World, MS, SECOND,
};

fn config(seed: u64) -> Config {
    Config {
        cluster_size: 5,
        seed,
        loss_per_mille: 30,
        duplicate_per_mille: 30,
        ..Config::default()
    }
}

/// An interactive session: actions interleaved with single steps, so that some actions land
/// between two events that share one instant.
fn session(seed: u64) -> World {
    let mut w = World::new(config(seed)).expect("valid");
    w.advance_to(400 * MS);
    let leader = w.leader().unwrap_or(NodeId(0));
    w.apply(Action::Submit {
        client: ClientId(0),
        node: leader,
        command: Command::Set(5),
    })
    .expect("valid");
    for _ in 0..37 {
        w.step();
    }
    w.apply(Action::Submit {
        client: ClientId(1),
        node: NodeId(2),
        command: Command::Add(2),
    })
    .expect("valid");
    let second_in_flight = w.in_flight().map(|m| m.id).nth(1);
    if let Some(id) = second_in_flight {
        w.apply(Action::DropMessage(id)).expect("in flight");
    }
    w.apply(Action::Partition(vec![vec![NodeId(0), NodeId(1)]]))
        .expect("valid");
    w.advance_to(w.now() + SECOND);
    w.apply(Action::Stop(NodeId(3))).expect("running");
    w.apply(Action::SetOption(OptionChange::LossPerMille(0)))
        .expect("valid");
    for _ in 0..11 {
        w.step();
    }
    w.apply(Action::Heal).expect("valid");
    w.apply(Action::Timeout(NodeId(4))).expect("running");
    w.advance_to(w.now() + SECOND);
    w.apply(Action::Restart(NodeId(3))).expect("stopped");
    w.advance_to(w.now() + 2 * SECOND);
    w
}

// Same seed and actions twice: identical traces, event for event.
#[test]
fn same_config_and_actions_give_identical_traces() {
    let a = session(42);
    let b = session(42);
    assert!(a.trace().len() > 1000);
    assert_eq!(a.trace(), b.trace());
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.actions(), b.actions());
    let c = session(43);
    assert_ne!(a.trace_hash(), c.trace_hash(), "the seed matters");
}

// A recorded action list replays to the same trace, also after a round trip through JSON (as in
// a share link).
#[test]
fn recorded_actions_replay_to_the_same_trace_hash() {
    let original = session(7);
    let json = serde_json::to_string(&original.actions().to_vec()).expect("serialisable");
    let actions: Vec<TimedAction> = serde_json::from_str(&json).expect("parses back");
    let mut replayed = World::replay(original.initial_config().clone(), &actions).expect("replays");
    replayed.advance_to(original.now());
    assert_eq!(replayed.trace_hash(), original.trace_hash());
    assert_eq!(replayed.trace(), original.trace());
    assert!(original.check_invariants().is_empty());
}

// Scenarios written by hand give only times; the action then follows every event up to then.
#[test]
fn hand_written_timed_actions_replay() {
    let actions = vec![
        TimedAction::at(500 * MS, Action::Stop(NodeId(0))),
        TimedAction::at(
            600 * MS,
            Action::Submit {
                client: ClientId(0),
                node: NodeId(1),
                command: Command::Set(1),
            },
        ),
        TimedAction::at(2 * SECOND, Action::Restart(NodeId(0))),
    ];
    let a = World::replay(config(3), &actions).expect("valid");
    let b = World::replay(config(3), &actions).expect("valid");
    assert_eq!(a.trace_hash(), b.trace_hash());
    // Replaying the recorded form of the same run gives the same hash again.
    let c = World::replay(config(3), &a.actions().to_vec()).expect("valid");
    assert_eq!(c.trace_hash(), a.trace_hash());
}

// Time travel: a clone taken as a checkpoint continues exactly like the original.
#[test]
fn cloned_world_continues_identically() {
    let mut w = session(9);
    let mut checkpoint = w.clone();
    w.advance_to(w.now() + 3 * SECOND);
    checkpoint.advance_to(checkpoint.now() + 3 * SECOND);
    assert_eq!(w.trace_hash(), checkpoint.trace_hash());
}

// An invalid action is refused with a clear message and changes nothing: not the trace, not the
// action log, and not the run's future (no hidden state, such as a random draw, moved).
#[test]
fn invalid_actions_change_nothing() {
    let mut w = World::new(config(1)).expect("valid");
    w.advance_to(SECOND);
    let untouched = w.clone();
    let hash = w.trace_hash();
    let recorded = w.actions().len();
    let cases = [
        Action::Stop(NodeId(9)),
        Action::Restart(NodeId(0)),
        Action::DropMessage(999_999),
        Action::CutLink(NodeId(1), NodeId(1)),
        Action::RestoreLink(NodeId(1), NodeId(2)),
        Action::Partition(vec![vec![NodeId(0)], vec![NodeId(0)]]),
        Action::Submit {
            client: ClientId(7),
            node: NodeId(0),
            command: Command::Set(1),
        },
        Action::SetOption(OptionChange::HeartbeatInterval(400 * MS)),
        Action::SetOption(OptionChange::LossPerMille(2000)),
    ];
    for action in cases {
        let err = w.apply(action.clone());
        assert!(err.is_err(), "{action:?} should be refused");
        let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!msg.is_empty());
        assert_eq!(w.trace_hash(), hash, "{action:?} changed the trace");
        assert_eq!(w.actions().len(), recorded, "{action:?} was recorded");
    }
    let (mut after, mut reference) = (w.clone(), untouched);
    after.advance_to(3 * SECOND);
    reference.advance_to(3 * SECOND);
    assert_eq!(
        after.trace_hash(),
        reference.trace_hash(),
        "the refusals changed how the run goes on"
    );
    w.apply(Action::Stop(NodeId(0))).expect("running");
    assert_eq!(
        w.apply(Action::Stop(NodeId(0)))
            .err()
            .map(|e| e.to_string()),
        Some("A is already stopped".to_string())
    );
    assert_eq!(w.actions().len(), recorded + 1);
    assert_ne!(w.trace_hash(), hash, "only the valid Stop was recorded");
}

// The trace can be described in plain words and bounded in memory; the hash covers everything.
#[test]
fn trace_descriptions_and_retention() {
    let mut w = World::new(config(5)).expect("valid");
    w.advance_to(SECOND);
    let words: Vec<String> = (0..w.trace().len()).map(|i| w.describe(i)).collect();
    assert!(words
        .iter()
        .any(|s| s.contains("timed out and started term 1")));
    assert!(words.iter().any(|s| s.contains("sent RequestVote to")));
    let mut bounded = World::new(config(5)).expect("valid");
    bounded.set_trace_retention(Some(100));
    bounded.advance_to(SECOND);
    assert!(bounded.trace().len() <= 200);
    assert_eq!(bounded.trace_len(), w.trace_len());
    assert_eq!(bounded.trace_hash(), w.trace_hash());
}
