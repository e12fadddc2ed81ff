//! Measures how many virtual seconds the core simulates per wall-clock second: 5 servers at the
//! default settings, with clients submitting a command every 100 ms of virtual time, and the
//! invariant checker on (as in the UI).
//!
//! Run: `cargo run --profile bench-native --example bench_core [-- --seconds N]`

use raftsim::raft::Command;
use raftsim::sim::{Action, ClientId, Config, NodeId, World, MS, SECOND};
use std::time::Instant;

/// Virtual length of one run; each run starts a fresh world so logs stay a realistic size.
const RUN_VIRTUAL: u64 = 600 * SECOND;

fn run_once(seed: u64) -> (u64, u64, u64) {
    let config = Config {
        cluster_size: 5,
        seed,
        ..Config::default()
    };
    let mut w = match World::new(config) {
        Ok(w) => w,
        Err(e) => panic!("default config must be valid: {e}"),
    };
    // Keep a bounded window of the trace, as a long-running UI would; the hash covers it all.
    w.set_trace_retention(Some(10_000));
    // The live linearizability check is on, as in the UI; RAFTSIM_BENCH_NO_LIN=1 measures
    // without it.
    w.set_live_linearizability(std::env::var_os("RAFTSIM_BENCH_NO_LIN").is_none());
    let mut t = 0;
    let mut k: u64 = 0;
    while t < RUN_VIRTUAL {
        t += 100 * MS;
        w.advance_to(t);
        k += 1;
        let node = w.leader().unwrap_or(NodeId(0));
        let client = ClientId((k % 2) as u16);
        let command = if k.is_multiple_of(2) {
            Command::Add(1)
        } else {
            Command::Set(k as i64)
        };
        if let Err(e) = w.apply(Action::Submit {
            client,
            node,
            command,
        }) {
            panic!("submit refused: {e}");
        }
    }
    let violations = w.check_invariants();
    assert!(violations.is_empty(), "{violations:?}");
    let done = w
        .operations()
        .iter()
        .filter(|o| o.completed_at.is_some())
        .count() as u64;
    (w.events_processed(), w.trace_len(), done)
}

fn main() {
    let mut wall_budget = 10.0f64;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--seconds") {
        if let Some(v) = args.get(i + 1).and_then(|s| s.parse().ok()) {
            wall_budget = v;
        }
    }
    let start = Instant::now();
    let mut virtual_us: u64 = 0;
    let mut events = 0;
    let mut trace = 0;
    let mut ops = 0;
    let mut seed = 1;
    while start.elapsed().as_secs_f64() < wall_budget {
        let (e, t, o) = run_once(seed);
        virtual_us += RUN_VIRTUAL;
        events += e;
        trace += t;
        ops += o;
        seed += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let virt = virtual_us as f64 / SECOND as f64;
    println!("5 nodes, default settings, one command per 100 ms, checker on");
    println!(
        "simulated {virt:.0} virtual s in {wall:.2} wall s over {} runs",
        seed - 1
    );
    println!(
        "{:.0} events/s, {:.0} trace events/s, {ops} client commands completed",
        events as f64 / wall,
        trace as f64 / wall
    );
    println!("speed: {:.0}x real time", virt / wall);
}
