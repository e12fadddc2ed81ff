//! Randomised fault schedules, shared by the fault-sweep test and the soak example.
//!
//! One seed decides everything: the configuration (size, loss, duplication, latency, options)
//! and, as the run goes, which faults to inject. The checker runs after every event; a failure
//! carries the seed, the configuration and the recorded action list, which
//! [`crate::sim::World::replay`] turns back into the failing run.

use super::{
    Action, ClientId, Config, NodeId, OpOutcome, OptionChange, Replication, TimedAction,
    TimedViolation, World, MS, SECOND,
};
use crate::raft::{Command, Time};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Knobs for a randomised run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuzzOptions {
    /// Virtual time during which faults are injected.
    pub fault_time: Time,
    /// Virtual time afterwards with the network healed and every server running, during which a
    /// leader must emerge and every client command must complete.
    pub settle_time: Time,
    /// Largest cluster to draw.
    pub max_cluster: u8,
    /// Safety rules to break, to show the checker catching what follows.
    pub safety: crate::raft::Safety,
    /// Whether to require progress after the faults. Off when a safety rule is broken, since a
    /// broken cluster may wedge.
    pub check_liveness: bool,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            fault_time: 20 * SECOND,
            settle_time: 20 * SECOND,
            max_cluster: 7,
            safety: crate::raft::Safety::default(),
            check_liveness: true,
        }
    }
}

/// What a successful run did, for progress reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FuzzSummary {
    /// Events processed.
    pub events: u64,
    /// Actions applied.
    pub actions: u64,
    /// Client commands completed.
    pub completed: u64,
    /// Highest term reached.
    pub max_term: u64,
    /// Highest commit index reached.
    pub committed: u64,
}

/// A failed run: enough to reproduce it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzFailure {
    /// The seed of the schedule.
    pub seed: u64,
    /// The configuration used.
    pub config: Config,
    /// Every action applied, with times, for [`World::replay`].
    pub actions: Vec<TimedAction>,
    /// What went wrong.
    pub problem: String,
    /// Invariant violations, if that is what went wrong.
    pub violations: Vec<TimedViolation>,
}

impl std::fmt::Display for FuzzFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "seed {} failed: {}", self.seed, self.problem)?;
        for v in &self.violations {
            writeln!(f, "  at {} us: {}", v.at, v.violation)?;
        }
        writeln!(
            f,
            "config: {}",
            serde_json::to_string(&self.config).unwrap_or_default()
        )?;
        writeln!(
            f,
            "actions: {}",
            serde_json::to_string(&self.actions).unwrap_or_default()
        )
    }
}

/// A random configuration for `seed`, valid by construction.
pub fn random_config(seed: u64, rng: &mut Pcg64Mcg, max_cluster: u8) -> Config {
    let cluster_size = match rng.random_range(0..10) {
        0 => rng.random_range(1..=2),
        _ => rng.random_range(3..=max_cluster.max(3)),
    };
    let latency_min_us = rng.random_range(0..=20) * MS;
    Config {
        seed,
        cluster_size,
        clients: 2,
        latency_min_us,
        latency_max_us: latency_min_us + rng.random_range(0..=30) * MS,
        loss_per_mille: [0, 0, 10, 50, 150][rng.random_range(0..5)],
        duplicate_per_mille: [0, 0, 20, 100][rng.random_range(0..4)],
        replication: if rng.random_bool(0.5) {
            Replication::OnHeartbeat
        } else {
            Replication::Immediate
        },
        noop_on_election: rng.random_bool(0.5),
        pre_vote: rng.random_bool(0.3),
        check_quorum: rng.random_bool(0.3),
        client_retry_timeout_us: rng.random_range(200..=800) * MS,
        ..Config::default()
    }
}

fn pick<T: Copy>(rng: &mut Pcg64Mcg, items: &[T]) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[rng.random_range(0..items.len())])
    }
}

fn random_action(w: &World, rng: &mut Pcg64Mcg) -> Option<Action> {
    let size = w.nodes().len();
    let running: Vec<NodeId> = w
        .nodes()
        .iter()
        .filter(|n| !n.is_stopped())
        .map(|n| n.id())
        .collect();
    let stopped: Vec<NodeId> = w
        .nodes()
        .iter()
        .filter(|n| n.is_stopped())
        .map(|n| n.id())
        .collect();
    let any = NodeId(rng.random_range(0..size) as u8);
    match rng.random_range(0..100) {
        0..=34 => {
            let command = match rng.random_range(0..3) {
                0 => Command::Set(rng.random_range(-100..=100)),
                _ => Command::Add(rng.random_range(-10..=10)),
            };
            let node = if rng.random_bool(0.7) {
                w.leader().unwrap_or(any)
            } else {
                any
            };
            Some(Action::Submit {
                client: ClientId(rng.random_range(0..2)),
                node,
                command,
            })
        }
        35..=44 => pick(rng, &running).map(Action::Stop),
        45..=56 => pick(rng, &stopped).map(Action::Restart),
        57..=64 => pick(rng, &running).map(Action::Timeout),
        65..=72 => {
            let mut groups = vec![Vec::new(), Vec::new()];
            for i in 0..size {
                groups[rng.random_range(0..2)].push(NodeId(i as u8));
            }
            Some(Action::Partition(groups))
        }
        73..=80 => Some(Action::Heal),
        81..=86 if size >= 2 => {
            let a = rng.random_range(0..size);
            let b = (a + rng.random_range(1..size)) % size;
            let (a, b) = (NodeId(a as u8), NodeId(b as u8));
            if rng.random_bool(0.5) {
                Some(Action::CutOneWay { from: a, to: b })
            } else {
                Some(Action::CutLink(a, b))
            }
        }
        87..=92 => {
            let ids: Vec<u64> = w.in_flight().map(|m| m.id).collect();
            pick(rng, &ids).map(Action::DropMessage)
        }
        93..=96 => Some(Action::SetOption(OptionChange::LossPerMille(
            [0, 20, 100, 300][rng.random_range(0..4)],
        ))),
        _ => Some(Action::SetOption(OptionChange::DuplicatePerMille(
            [0, 50, 200][rng.random_range(0..3)],
        ))),
    }
}

/// Runs the schedule of `seed`: random faults for `fault_time`, checking invariants after every
/// event, then a settling period in which the cluster must elect a leader and finish every
/// client command.
pub fn run_schedule(seed: u64, opts: FuzzOptions) -> Result<FuzzSummary, Box<FuzzFailure>> {
    // The schedule's own generator is separate from the world's, so the world's randomness is
    // exactly what its config seed gives, as on replay.
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x5eed_f00d_cafe_0001);
    let mut config = random_config(seed, &mut rng, opts.max_cluster);
    config.safety = opts.safety;
    let fail = |w: &World, problem: String| {
        Box::new(FuzzFailure {
            seed,
            config: config.clone(),
            actions: w.actions().to_vec(),
            problem,
            violations: w.violations().to_vec(),
        })
    };
    let mut w = match World::new(config.clone()) {
        Ok(w) => w,
        Err(e) => {
            return Err(Box::new(FuzzFailure {
                seed,
                config,
                actions: Vec::new(),
                problem: format!("invalid config: {e}"),
                violations: Vec::new(),
            }))
        }
    };
    w.set_trace_retention(Some(1_000));
    let mut next_action = rng.random_range(0..300) * MS;
    while w.now() < opts.fault_time {
        let until = next_action.min(opts.fault_time);
        while w.next_event_time().is_some_and(|t| t <= until) {
            w.step();
            if !w.violations().is_empty() {
                return Err(fail(&w, "invariant violated".into()));
            }
        }
        w.advance_to(until);
        if until == next_action {
            if let Some(action) = random_action(&w, &mut rng) {
                // Random actions may be invalid (cutting a cut link); that is fine, and tests
                // that refusals change nothing.
                let hash = w.trace_hash();
                if w.apply(action).is_err() && w.trace_hash() != hash {
                    return Err(fail(&w, "a refused action changed the trace".into()));
                }
            }
            next_action += rng.random_range(20..=600) * MS;
        }
        if !w.violations().is_empty() {
            return Err(fail(&w, "invariant violated".into()));
        }
    }

    if !opts.check_liveness {
        return Ok(FuzzSummary {
            events: w.events_processed(),
            actions: w.actions().len() as u64,
            ..FuzzSummary::default()
        });
    }
    // Settle: a healthy network and every server up. Raft must now make progress (§5.2, §5.3).
    let settle = |w: &mut World, a: Action| {
        let _ = w.apply(a);
    };
    settle(&mut w, Action::Heal);
    settle(&mut w, Action::SetOption(OptionChange::LossPerMille(0)));
    for i in 0..w.nodes().len() {
        if w.nodes()[i].is_stopped() {
            settle(&mut w, Action::Restart(NodeId(i as u8)));
        }
    }
    let end = w.now() + opts.settle_time;
    let done = |w: &World| {
        w.leader().is_some()
            && w.operations()
                .iter()
                .all(|o| o.outcome != OpOutcome::Pending)
    };
    while !done(&w) && w.next_event_time().is_some_and(|t| t <= end) {
        w.step();
        if !w.violations().is_empty() {
            return Err(fail(&w, "invariant violated while settling".into()));
        }
    }
    if !done(&w) {
        let pending = w
            .operations()
            .iter()
            .filter(|o| o.outcome == OpOutcome::Pending)
            .count();
        return Err(fail(
            &w,
            format!(
                "no progress after healing: leader {:?}, {pending} commands pending",
                w.leader()
            ),
        ));
    }
    // Every answer a client got must match what the state machine computed at that index.
    for (i, o) in w.operations().iter().enumerate() {
        if let OpOutcome::Ok { value, index } = o.outcome {
            match w.checker().committed_at(index) {
                Some((_, Some(v))) if v == value => {}
                other => {
                    return Err(fail(
                        &w,
                        format!(
                            "operation {i} ({}) answered {value} at index {index}, but the log has {other:?}",
                            o.command
                        ),
                    ))
                }
            }
        }
    }
    let completed = w
        .operations()
        .iter()
        .filter(|o| matches!(o.outcome, OpOutcome::Ok { .. }))
        .count() as u64;
    Ok(FuzzSummary {
        events: w.events_processed(),
        actions: w.actions().len() as u64,
        completed,
        max_term: w.nodes().iter().map(|n| n.term()).max().unwrap_or(0),
        committed: w.checker().committed_index(),
    })
}
