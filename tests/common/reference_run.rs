//! One fixed run of the world whose trace hash must be the same natively and in wasm. Both
//! `tests/native_fingerprint.rs` and `tests/wasm_app.rs` include this file, so they run exactly the
//! same code; each compares against [`EXPECTED_TRACE_HASH`].

use raftsim::raft::{ClientId, Command, NodeId};
use raftsim::scenario::share;
use raftsim::sim::timeline::Timeline;
use raftsim::sim::{Action, Config, World, MS, SECOND};

/// The trace hash of [`reference_run`]. If a deliberate change to the core changes the run, update
/// this constant (the native test prints the new value); the wasm test must then agree with it.
pub const EXPECTED_TRACE_HASH: u64 = 0x9ccb9933f3ee97b4;

/// A 5-node run with loss and duplication, a client, a stopped leader, a partition and a heal.
pub fn reference_run() -> World {
    let config = Config {
        seed: 42,
        cluster_size: 5,
        loss_per_mille: 50,
        duplicate_per_mille: 20,
        ..Config::default()
    };
    let mut world = World::new(config).expect("valid config");
    world.advance_to(SECOND);
    let first = world.leader().unwrap_or(NodeId(0));
    let submit = |world: &mut World, node: NodeId, command: Command| {
        world
            .apply(Action::Submit {
                client: ClientId(0),
                node,
                command,
            })
            .expect("submit is accepted");
    };
    submit(&mut world, first, Command::Set(5));
    world.advance_to(2 * SECOND);
    submit(&mut world, first, Command::Add(2));
    world.advance_to(3 * SECOND);
    world.apply(Action::Stop(first)).expect("stop the leader");
    world.advance_to(5 * SECOND);
    world
        .apply(Action::Partition(vec![vec![NodeId(0), NodeId(1)]]))
        .expect("partition");
    let second = world.leader().unwrap_or(NodeId(2));
    submit(&mut world, second, Command::Set(8));
    world.advance_to(7 * SECOND);
    world.apply(Action::Heal).expect("heal");
    world.apply(Action::Restart(first)).expect("restart");
    world.advance_to(9 * SECOND + 500 * MS);
    world
}

/// The reference run sent through a share link and replayed from it, as a person opening the
/// link would: the decoded run is replayed into a timeline and run to the same moment.
pub fn replayed_from_share_link() -> u64 {
    let world = reference_run();
    let link = share::encode_run(world.initial_config(), &world.actions().to_vec());
    let (config, actions) = share::decode_run(&link).expect("the link decodes");
    let mut timeline = Timeline::from_run(config, &actions).expect("the run replays");
    timeline.advance_to(world.now());
    timeline.world().trace_hash()
}
