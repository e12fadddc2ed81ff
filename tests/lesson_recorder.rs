//! The recorder's promise: a lesson drafted from a run, written to a file and read back, replays
//! the teacher's run exactly (the same trace), whatever was done and when.

use raftsim::i18n::english;
use raftsim::raft::{ClientId, Command};
use raftsim::scenario::lesson::{self, record};
use raftsim::sim::{Action, Config, NodeId, World, MS, SECOND};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);

/// Plays `script` (wait, then act) on a fresh world and returns the run: its configuration,
/// recorded actions and end time.
fn run(config: &Config, script: &[(u64, Action)], tail_us: u64) -> World {
    let mut world = World::new(config.clone()).expect("valid");
    for (wait, action) in script {
        world.advance_to(world.now() + wait);
        // A refused action is not recorded: the teacher's click did nothing.
        let _ = world.apply(action.clone());
    }
    world.advance_to(world.now() + tail_us);
    world
}

fn submit(node: NodeId, command: Command) -> Action {
    Action::Submit {
        client: ClientId(0),
        node,
        command,
    }
}

#[test]
fn a_recorded_lesson_replays_the_teachers_run_exactly() {
    let five = Config {
        cluster_size: 5,
        seed: 7,
        snapshot_threshold: 3,
        ..Config::default()
    };
    let scripts: Vec<(Config, Vec<(u64, Action)>)> = vec![
        // The partition story, with clicks at odd moments.
        (
            five.clone(),
            vec![
                (
                    400 * MS,
                    Action::Partition(vec![vec![A, B], vec![C, D, NodeId(4)]]),
                ),
                (10, submit(A, Command::Set(3))),
                (0, submit(C, Command::Set(8))),
                (1_234_567, Action::Heal),
                (2 * SECOND, Action::Stop(B)),
                (0, Action::Timeout(C)),
                (700 * MS, Action::Restart(B)),
                (0, submit(D, Command::Get)),
            ],
        ),
        // Nothing done at all, for a long time (more than one step's longest wait).
        (Config::default(), vec![]),
        // An action at time 0, membership and options.
        (
            Config::default(),
            vec![
                (0, Action::Timeout(B)),
                (500 * MS, Action::AddServer(D)),
                (
                    SECOND,
                    Action::SetOption(raftsim::sim::OptionChange::PreVote(true)),
                ),
                (300 * MS, Action::TransferLeadership(C)),
            ],
        ),
    ];
    for (i, (config, script)) in scripts.iter().enumerate() {
        let tail = if script.is_empty() {
            250 * SECOND
        } else {
            3 * SECOND
        };
        let world = run(config, script, tail);
        let actions = world.actions().to_vec();
        let chapter = record::draft(
            "Recorded",
            world.initial_config(),
            &actions,
            world.now(),
            Some(&english()),
        );
        assert!(
            record::replays(&chapter, world.initial_config(), &actions, world.now()),
            "script {i}: the draft replays the run"
        );
        // Through the file and back, as the teacher exports it and the page loads it.
        let text = lesson::write(&chapter);
        let read = lesson::load(&text).unwrap_or_else(|e| panic!("script {i}: {e}\n{text}"));
        let last = read.steps.len() - 1;
        let replayed = read.world_at(last).expect("plays");
        assert_eq!(
            replayed.trace_hash(),
            world.trace_hash(),
            "script {i}:\n{text}"
        );
        assert_eq!(replayed.now(), world.now(), "script {i}");
    }
}

#[test]
fn a_draft_has_one_step_per_instant_with_the_actions_in_words() {
    let world = run(
        &Config::default(),
        &[
            (300 * MS, Action::Stop(A)),
            (0, Action::Partition(vec![vec![B], vec![C]])),
            (200 * MS, Action::Heal),
        ],
        100 * MS,
    );
    let chapter = record::draft(
        "T",
        world.initial_config(),
        &world.actions().to_vec(),
        world.now(),
        Some(&english()),
    );
    let captions: Vec<&str> = chapter.steps.iter().map(|s| s.caption.as_str()).collect();
    assert_eq!(
        captions,
        [
            "The cluster starts.",
            "A was stopped. The network was split: B | C.",
            "The network was healed."
        ]
    );
    let waits: Vec<_> = chapter.steps.iter().map(|s| s.until.clone()).collect();
    use raftsim::scenario::tour::Condition::After;
    assert_eq!(waits, [After(300 * MS), After(200 * MS), After(100 * MS)]);
}

/// With a fixed latency, a leader's heartbeats reach every follower at one instant. A teacher's
/// click at such an instant comes after all of them (the run's timeline processes every event at
/// or before the click's time), and the recorded step's wait ends the same way: after every
/// event of its last instant, not after the first.
#[test]
fn a_click_at_an_instant_of_several_events_replays_exactly() {
    let config = Config {
        cluster_size: 5,
        seed: 3,
        latency_min_us: 10 * MS,
        latency_max_us: 10 * MS,
        ..Config::default()
    };
    // Find an instant after 400 ms at which two events happen.
    let mut probe = World::new(config.clone()).expect("valid");
    let busy = loop {
        let t = probe.step().expect("the cluster runs");
        if t > 400 * MS && probe.next_event_time() == Some(t) {
            break t;
        }
    };
    let world = run(
        &config,
        &[(busy, Action::Stop(B)), (0, submit(A, Command::Set(1)))],
        SECOND,
    );
    assert_eq!(world.actions()[0].at, busy);
    let chapter = record::draft(
        "Busy",
        world.initial_config(),
        &world.actions().to_vec(),
        world.now(),
        Some(&english()),
    );
    assert!(record::replays(
        &chapter,
        world.initial_config(),
        &world.actions().to_vec(),
        world.now()
    ));
}
