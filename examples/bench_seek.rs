//! Measures time travel on a long run: 30 virtual minutes of a 5-node cluster with a client
//! command every 100 ms (alternating SET and ADD), recorded in a [`Timeline`]; then 1,000 seeks
//! to random times (seeded, so every run seeks to the same points) and 1,000 single steps back.
//! Prints p50/p95/max seek times in milliseconds, the checkpoint count, interval and estimated
//! memory, and checks that seeking back to the end gives the live run's trace hash.
//!
//! Run: `cargo run --profile bench-native --example bench_seek [-- --minutes N --seeks N
//! --snapshots N]` (`--snapshots`: servers snapshot every N applied entries); set
//! `BENCH_SEEK_PARTS=1` to also time cloning each part of the world.

#[path = "../tests/common/seek_run.rs"]
mod seek_run;

use raftsim::sim::timeline::{estimate_world_bytes, TimelineOptions};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes allocated and not yet freed, so that the memory
/// checkpoints hold is measured rather than estimated.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / 1048576.0
}

/// Heap bytes a recorded run holds, with the timeline's `options`.
fn heap_of_run(minutes: u64, snapshots: u64, options: TimelineOptions) -> usize {
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    let timeline = seek_run::record_seek_run_options(minutes, snapshots, options);
    let held = LIVE_BYTES.load(Ordering::Relaxed).saturating_sub(before);
    drop(timeline);
    held
}

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name}: n={} p50={:.2} ms p95={:.2} ms max={:.2} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        ms.last().copied().unwrap_or(0.0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let minutes = arg(&args, "--minutes", 30);
    let seeks = arg(&args, "--seeks", 1000) as usize;
    let snapshots = arg(&args, "--snapshots", 0);
    let started = Instant::now();
    let mut tl = seek_run::record_seek_run_with(minutes, snapshots);
    if snapshots > 0 {
        println!("servers snapshot every {snapshots} applied entries");
    }
    let record_s = started.elapsed().as_secs_f64();
    let end_hash = tl.world().trace_hash();
    let end_events = tl.end_event();
    println!(
        "recorded {minutes} virtual minutes: {end_events} events, {} actions, {} markers in {record_s:.2} s",
        tl.recorded_actions().len(),
        tl.markers().len()
    );
    println!(
        "checkpoints: {} every {} events, estimated {:.1} MiB (one world at the end: {:.1} MiB)",
        tl.checkpoint_count(),
        tl.checkpoint_interval(),
        mib(tl.checkpoint_bytes()),
        mib(estimate_world_bytes(tl.world()))
    );

    // Measured: the same run recorded again with and without checkpoints (one at the start
    // only); the difference is what the checkpoints hold beyond the live world.
    let with = heap_of_run(minutes, snapshots, TimelineOptions::default());
    let without = heap_of_run(
        minutes,
        snapshots,
        TimelineOptions {
            checkpoint_every_events: u64::MAX,
            ..TimelineOptions::default()
        },
    );
    println!(
        "checkpoint memory, measured: {:.1} MiB (the timeline holds {:.1} MiB with checkpoints, {:.1} MiB without)",
        mib(with.saturating_sub(without)),
        mib(with),
        mib(without)
    );

    let s = Instant::now();
    let clones = 20;
    for _ in 0..clones {
        std::hint::black_box(tl.world().clone());
    }
    println!(
        "cloning the world at the end: {:.2} ms",
        s.elapsed().as_secs_f64() * 1e3 / f64::from(clones)
    );

    if std::env::var_os("BENCH_SEEK_PARTS").is_some() {
        let w = tl.world();
        let part = |name: &str, f: &dyn Fn()| {
            let s = Instant::now();
            for _ in 0..clones {
                f();
            }
            println!(
                "  clone {name}: {:.2} ms",
                s.elapsed().as_secs_f64() * 1e3 / f64::from(clones)
            );
        };
        part("nodes", &|| {
            std::hint::black_box(w.nodes().to_vec());
        });
        part("operations", &|| {
            std::hint::black_box(w.operations().to_vec());
        });
        part("actions", &|| {
            std::hint::black_box(w.actions().to_vec());
        });
        part("trace", &|| {
            std::hint::black_box(w.trace().to_vec());
        });
        part("checker", &|| {
            std::hint::black_box(w.checker().clone());
        });
    }

    let mut rng = Pcg64Mcg::seed_from_u64(0x5eec);
    let mut times = Vec::with_capacity(seeks);
    for _ in 0..seeks {
        let target = rng.random_range(0..=tl.end_time());
        let s = Instant::now();
        tl.seek_to_time(target);
        times.push(s.elapsed().as_secs_f64() * 1e3);
    }
    report("seek_to_time (random)", times);

    let mut backs = Vec::with_capacity(seeks);
    tl.seek_to_time(tl.end_time() / 2);
    for _ in 0..seeks {
        let s = Instant::now();
        tl.step_back();
        backs.push(s.elapsed().as_secs_f64() * 1e3);
    }
    report("step_back (consecutive)", backs);

    let mut fwd = Vec::with_capacity(seeks);
    for _ in 0..seeks {
        let s = Instant::now();
        tl.step();
        fwd.push(s.elapsed().as_secs_f64() * 1e3);
    }
    report("step (replaying the recorded future)", fwd);

    let s = Instant::now();
    tl.seek_to_end();
    println!("seek_to_end: {:.2} ms", s.elapsed().as_secs_f64() * 1e3);
    assert_eq!(
        tl.world().trace_hash(),
        end_hash,
        "seeking must reproduce the run"
    );
    println!("trace hash at the end after seeking: {end_hash:#018x} (matches the live run)");
}
