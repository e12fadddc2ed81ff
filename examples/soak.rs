//! Runs randomised fault schedules for as long as asked, checking every invariant after every
//! event and every final client history for linearizability, and prints a progress bar on stderr
//! and a summary on stdout. A failure prints its seed, config and action list.
//!
//! Run: `scripts/soak --schedules 100000 --nodes 5 --virtual-seconds 60`
//!  or: `scripts/soak --seconds 600` (wall-clock budget)
//! Options:
//! - `--schedules N`: stop after N schedules; `--seconds N`: stop after N wall seconds (default 60
//!   when neither is given; with both, whichever comes first).
//! - `--start SEED`: the first seed (default 0); seeds run consecutively.
//! - `--nodes N`: every schedule uses N servers; otherwise sizes are random up to `--max-nodes N`
//!   (default 9).
//! - `--virtual-seconds N` (alias `--fault-seconds N`): virtual time of fault injection per
//!   schedule (default 20); the settling phase after it (at most `--settle-seconds`, default 20)
//!   comes on top.
//! - `--threads N`: worker threads (default 1). Results do not depend on it.
//! - `--quiet`: no progress bar.

use raftsim::sim::fuzz::{run_schedule, FuzzOptions, FuzzSummary};
use raftsim::sim::{Time, SECOND};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<u64> {
    let i = args.iter().position(|a| a == name)?;
    match args.get(i + 1).and_then(|v| v.parse().ok()) {
        Some(v) => Some(v),
        None => {
            eprintln!("{name} needs a whole number");
            std::process::exit(2);
        }
    }
}

/// Totals over all schedules run.
#[derive(Default)]
struct Totals {
    runs: u64,
    events: u64,
    elections: u64,
    commits: u64,
    completed: u64,
    membership_changes: u64,
    snapshots_taken: u64,
    snapshots_installed: u64,
    reads: u64,
    ops_checked: u64,
    max_lin_steps: u64,
    /// The seed whose history took the most search steps.
    max_lin_steps_seed: u64,
    max_term: u64,
    failures: u64,
    linearizability_failures: u64,
    failing_seeds: Vec<u64>,
    /// Heal-to-leader and heal-to-done times, microseconds, one per schedule.
    to_leader: Vec<Time>,
    to_done: Vec<Time>,
    /// Time from leader to all done, per command in the longest client backlog, microseconds.
    per_backlog: Vec<Time>,
    pending_at_heal_max: u64,
}

impl Totals {
    fn add(&mut self, seed: u64, s: &FuzzSummary) {
        if s.lin_steps > self.max_lin_steps {
            self.max_lin_steps_seed = seed;
        }
        self.events += s.events;
        self.elections += s.elections;
        self.commits += s.committed;
        self.completed += s.completed;
        self.membership_changes += s.membership_changes;
        self.snapshots_taken += s.snapshots_taken;
        self.snapshots_installed += s.snapshots_installed;
        self.reads += s.reads;
        self.ops_checked += s.ops_checked;
        self.max_lin_steps = self.max_lin_steps.max(s.lin_steps);
        self.max_term = self.max_term.max(s.max_term);
        self.pending_at_heal_max = self.pending_at_heal_max.max(s.pending_at_heal);
        if let Some(t) = s.heal_to_leader {
            self.to_leader.push(t);
        }
        if let Some(t) = s.heal_to_done {
            self.to_done.push(t);
            if let Some(per) = s
                .heal_to_leader
                .and_then(|l| t.saturating_sub(l).checked_div(s.backlog_at_heal))
            {
                self.per_backlog.push(per);
            }
        }
    }
}

/// The `q` quantile (0..=1) of `v`, by the nearest-rank method; 0 when empty.
fn quantile(v: &mut [Time], q: f64) -> Time {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn ms(t: Time) -> f64 {
    t as f64 / 1_000.0
}

fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "?".into();
    }
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// One line of progress: a bar, percentage, count, rate and estimated time left.
fn progress_line(done: u64, fraction: f64, elapsed: f64, failures: u64) -> String {
    const WIDTH: usize = 30;
    let fraction = fraction.clamp(0.0, 1.0);
    let filled = (fraction * WIDTH as f64).round() as usize;
    let rate = done as f64 / elapsed.max(1e-9);
    let eta = if fraction > 0.0 {
        elapsed * (1.0 - fraction) / fraction
    } else {
        f64::INFINITY
    };
    format!(
        "\r[{}{}] {:5.1}% {done} schedules, {rate:.0}/s, ETA {}, {failures} failures ",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        fraction * 100.0,
        duration(eta),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds = arg(&args, "--seconds");
    let schedules = arg(&args, "--schedules");
    let (seconds, schedules) = match (seconds, schedules) {
        (None, None) => (Some(60), None),
        other => other,
    };
    let start_seed = arg(&args, "--start").unwrap_or(0);
    let threads = arg(&args, "--threads").unwrap_or(1).clamp(1, 256);
    let quiet = args.iter().any(|a| a == "--quiet");
    let fault_seconds = arg(&args, "--virtual-seconds")
        .or_else(|| arg(&args, "--fault-seconds"))
        .unwrap_or(20)
        .max(1);
    let opts = FuzzOptions {
        max_cluster: arg(&args, "--max-nodes").map_or(9, |n| n.clamp(3, 51) as u8),
        cluster_size: arg(&args, "--nodes").map(|n| n.clamp(1, 51) as u8),
        fault_time: fault_seconds * SECOND,
        settle_time: arg(&args, "--settle-seconds").map_or(20, |s| s.max(1)) * SECOND,
        ..FuzzOptions::default()
    };
    eprintln!(
        "soak: {} from seed {start_seed}, {} nodes, {fault_seconds} virtual seconds of faults each, {threads} thread(s)",
        match (schedules, seconds) {
            (Some(n), Some(s)) => format!("{n} schedules or {s} s"),
            (Some(n), None) => format!("{n} schedules"),
            (None, Some(s)) => format!("{s} s"),
            (None, None) => unreachable!("a default is set above"),
        },
        opts.cluster_size
            .map_or_else(|| format!("up to {}", opts.max_cluster), |n| n.to_string()),
    );

    let start = Instant::now();
    let next_seed = AtomicU64::new(start_seed);
    let finished = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let totals = Mutex::new(Totals::default());
    let out = Mutex::new(());
    let time_up = || seconds.is_some_and(|s| start.elapsed().as_secs_f64() >= s as f64);

    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut local = Totals::default();
                loop {
                    if stop.load(Ordering::Relaxed) || time_up() {
                        break;
                    }
                    let seed = next_seed.fetch_add(1, Ordering::Relaxed);
                    if schedules.is_some_and(|n| seed - start_seed >= n) {
                        break;
                    }
                    match run_schedule(seed, opts) {
                        Ok(s) => local.add(seed, &s),
                        Err(f) => {
                            local.failures += 1;
                            if f.problem.starts_with("not linearizable")
                                || f.problem.starts_with("linearizability")
                            {
                                local.linearizability_failures += 1;
                            }
                            local.failing_seeds.push(seed);
                            failed.fetch_add(1, Ordering::Relaxed);
                            let _guard = out.lock();
                            eprintln!();
                            println!("{f}");
                        }
                    }
                    local.runs += 1;
                    finished.fetch_add(1, Ordering::Relaxed);
                }
                let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                t.runs += local.runs;
                t.events += local.events;
                t.elections += local.elections;
                t.commits += local.commits;
                t.completed += local.completed;
                t.membership_changes += local.membership_changes;
                t.snapshots_taken += local.snapshots_taken;
                t.snapshots_installed += local.snapshots_installed;
                t.reads += local.reads;
                t.ops_checked += local.ops_checked;
                if local.max_lin_steps > t.max_lin_steps {
                    t.max_lin_steps_seed = local.max_lin_steps_seed;
                }
                t.max_lin_steps = t.max_lin_steps.max(local.max_lin_steps);
                t.max_term = t.max_term.max(local.max_term);
                t.pending_at_heal_max = t.pending_at_heal_max.max(local.pending_at_heal_max);
                t.failures += local.failures;
                t.linearizability_failures += local.linearizability_failures;
                t.failing_seeds.extend(local.failing_seeds);
                t.to_leader.extend(local.to_leader);
                t.to_done.extend(local.to_done);
                t.per_backlog.extend(local.per_backlog);
            });
        }
        // The progress bar, redrawn in place a few times a second until the workers finish.
        let mut running = threads;
        while running > 0 {
            std::thread::sleep(Duration::from_millis(250));
            let done = finished.load(Ordering::Relaxed);
            let elapsed = start.elapsed().as_secs_f64();
            let fraction = match (schedules, seconds) {
                (Some(n), Some(s)) => (done as f64 / n as f64).max(elapsed / s as f64),
                (Some(n), None) => done as f64 / n as f64,
                (None, Some(s)) => elapsed / s as f64,
                (None, None) => 0.0,
            };
            if !quiet {
                let _guard = out.lock();
                eprint!(
                    "{}",
                    progress_line(done, fraction, elapsed, failed.load(Ordering::Relaxed))
                );
                let _ = std::io::stderr().flush();
            }
            let all_scheduled = schedules.is_some_and(|n| done >= n);
            if all_scheduled || time_up() {
                running = 0;
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    if !quiet {
        eprintln!();
    }

    let wall = start.elapsed().as_secs_f64();
    let mut t = totals.into_inner().unwrap_or_else(|e| e.into_inner());
    t.failing_seeds.sort_unstable();
    let last = start_seed + t.runs;
    println!("summary");
    println!(
        "  schedules:            {} (seeds {start_seed}..{last})",
        t.runs
    );
    println!("  virtual time:         {fault_seconds} s of faults each, then healing");
    println!(
        "  events:               {} ({:.0}/s)",
        t.events,
        t.events as f64 / wall.max(1e-9)
    );
    println!("  elections won:        {}", t.elections);
    println!("  entries committed:    {}", t.commits);
    println!("  commands completed:   {}", t.completed);
    println!(
        "  membership changes:   {} (servers added or removed)",
        t.membership_changes
    );
    println!(
        "  snapshots:            {} taken, {} installed by InstallSnapshot",
        t.snapshots_taken, t.snapshots_installed
    );
    println!("  reads (GET) answered: {}", t.reads);
    println!(
        "  operations checked:   {} for linearizability (at most {} search steps, seed {})",
        t.ops_checked, t.max_lin_steps, t.max_lin_steps_seed
    );
    println!(
        "  violations:           {} ({} linearizability)",
        t.failures, t.linearizability_failures
    );
    if !t.failing_seeds.is_empty() {
        println!("  failing seeds:        {:?}", t.failing_seeds);
    }
    let (l99, lmax) = (
        quantile(&mut t.to_leader, 0.99),
        quantile(&mut t.to_leader, 1.0),
    );
    let (d99, dmax) = (
        quantile(&mut t.to_done, 0.99),
        quantile(&mut t.to_done, 1.0),
    );
    println!(
        "  after the last heal:  leader in p99 {:.0} ms, max {:.0} ms; all commands done in p99 {:.0} ms, max {:.0} ms (up to {} pending at heal)",
        ms(l99),
        ms(lmax),
        ms(d99),
        ms(dmax),
        t.pending_at_heal_max
    );
    println!(
        "  per queued command:   (done - leader) / longest client backlog: p99 {:.0} ms, max {:.0} ms",
        ms(quantile(&mut t.per_backlog, 0.99)),
        ms(quantile(&mut t.per_backlog, 1.0)),
    );
    println!("  highest term:         {}", t.max_term);
    println!(
        "  wall time:            {wall:.1} s ({:.1} schedules/s)",
        t.runs as f64 / wall.max(1e-9)
    );
    if t.failures > 0 {
        std::process::exit(1);
    }
}
