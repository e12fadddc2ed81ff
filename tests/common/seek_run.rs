//! The run that the seek benchmarks travel through, natively (`examples/bench_seek.rs`) and in
//! the browser (`tests/bench_wasm_seek.rs`): a 5-node cluster with a client command every 100 ms
//! (alternating SET and ADD, from two clients), recorded in a [`Timeline`].

use raftsim::raft::Command;
use raftsim::sim::timeline::{Timeline, TimelineOptions};
use raftsim::sim::{Action, ClientId, Config, NodeId, MS, SECOND};

/// Records `minutes` of virtual time of the benchmark run.
#[allow(dead_code)] // each including crate uses one of the two
pub fn record_seek_run(minutes: u64) -> Timeline {
    record_seek_run_with(minutes, 0)
}

/// [`record_seek_run`] with servers that snapshot every `snapshot_threshold` applied entries
/// (0: never), so that logs stay short.
pub fn record_seek_run_with(minutes: u64, snapshot_threshold: u64) -> Timeline {
    record_seek_run_options(minutes, snapshot_threshold, TimelineOptions::default())
}

/// [`record_seek_run_with`] with the timeline's options given (checkpoint spacing and budget).
pub fn record_seek_run_options(
    minutes: u64,
    snapshot_threshold: u64,
    options: TimelineOptions,
) -> Timeline {
    let config = Config {
        cluster_size: 5,
        seed: 7,
        snapshot_threshold,
        ..Config::default()
    };
    let mut timeline = match Timeline::with_options(config, options) {
        Ok(t) => t,
        Err(e) => panic!("the benchmark's config must be valid: {e:?}"),
    };
    let run_end = minutes * 60 * SECOND;
    let (mut t, mut k) = (0, 0u64);
    while t < run_end {
        t += 100 * MS;
        timeline.advance_to(t);
        k += 1;
        let node = timeline.world().leader().unwrap_or(NodeId(0));
        let command = if k.is_multiple_of(2) {
            Command::Add(1)
        } else {
            Command::Set(k as i64)
        };
        if let Err(e) = timeline.apply(Action::Submit {
            client: ClientId((k % 2) as u16),
            node,
            command,
        }) {
            panic!("submit refused: {e:?}");
        }
    }
    timeline
}
