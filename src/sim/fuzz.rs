//! Randomised fault schedules, shared by the fault-sweep test and the soak example.
//!
//! One seed decides everything: the configuration (size, loss, duplication, latency, options)
//! and, as the run goes, which faults to inject. The checker runs after every event; a failure
//! carries the seed, the configuration and the recorded action list, which
//! [`crate::sim::World::replay`] turns back into the failing run.
//!
//! Two clients submit SETs, ADDs and NOOPs (reads) throughout. At the end of every schedule the
//! clients' history is checked for linearizability ([`super::linearizability`]), and the time
//! from the final heal to a leader and to the last client answer is measured for the liveness
//! bound.

use super::linearizability::{check_history, LinearizabilityResult};
use super::TraceKind;
use super::{
    Action, ClientId, Config, NodeId, OpOutcome, OptionChange, Replication, TimedAction,
    TimedViolation, Watchdog, World, MS, SECOND,
};
use crate::raft::{Command, NodeEvent, ReadMode, Time};
use crate::sim::config::MAX_SLOTS;
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
    /// A fixed cluster size instead of a random one up to `max_cluster` (the rest of the
    /// configuration is still drawn from the seed).
    pub cluster_size: Option<u8>,
    /// Whether to check the final client history for linearizability.
    pub check_linearizability: bool,
    /// Which faults to inject, and how often.
    pub faults: FaultMix,
    /// A fixed way of serving GET instead of one drawn from the seed. Lease reads make a
    /// restarted server wait an election timeout before it votes, which slows elections after
    /// a heal: liveness bounds are stated for each mode.
    pub read_mode: Option<ReadMode>,
    /// The watchdog's limit on events in the whole schedule. Far above what any schedule
    /// needs (see [`MAX_EVENTS_PER_SCHEDULE`]); a run that passes it fails with its seed instead
    /// of hanging the test.
    pub max_events: u64,
}

/// The events one schedule may process before the watchdog stops it. The busiest of the fault
/// sweep's 25,000 schedules (up to 9 servers, 40 virtual seconds) processes 11,701 events; this
/// is more than eighty times that.
pub const MAX_EVENTS_PER_SCHEDULE: u64 = 1_000_000;

/// How long, after the settling phase, running servers get to agree on the committed prefix
/// before the convergence check fails. Once a leader exists and no command is pending, one
/// heartbeat carries the commit index to every follower; a follower far behind gets 64 entries
/// per round trip.
pub const CONVERGENCE_TIME: Time = 5 * SECOND;

/// The faults a schedule injects. The general mix exercises everything; the aimed mixes make the
/// rare interleavings that one safety rule guards against common, so that the sweep finds the
/// consequence of switching that rule off within a few schedules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FaultMix {
    /// Every kind of fault: client commands, stops, restarts, timeouts, partitions, cut links,
    /// dropped messages, changes of loss and duplication.
    #[default]
    General,
    /// Competing elections: servers timed out together and voters restarted right after voting,
    /// on a lossless network. Aimed at the one-vote-per-term rules (votedFor is persistent).
    VoteChurn,
    /// Divergent logs: leaders cut off with a minority while clients keep writing to them, then
    /// stopped, healed or timed out, so that servers with stale or conflicting logs campaign and
    /// replicate. Aimed at the log rules (§5.3 consistency check, §5.4.1 up-to-date votes,
    /// §5.4.2 commit only current-term entries).
    Divergence,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            fault_time: 20 * SECOND,
            settle_time: 20 * SECOND,
            max_cluster: 7,
            safety: crate::raft::Safety::default(),
            check_liveness: true,
            cluster_size: None,
            check_linearizability: true,
            faults: FaultMix::General,
            read_mode: None,
            max_events: MAX_EVENTS_PER_SCHEDULE,
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
    /// Membership changes the leader accepted (add or remove server actions applied).
    pub membership_changes: u64,
    /// Client commands completed.
    pub completed: u64,
    /// Highest term reached.
    pub max_term: u64,
    /// Highest commit index reached.
    pub committed: u64,
    /// Times a node became leader.
    pub elections: u64,
    /// Snapshots servers took of their own state (§7).
    pub snapshots_taken: u64,
    /// Snapshots followers installed from a leader (InstallSnapshot).
    pub snapshots_installed: u64,
    /// GETs answered.
    pub reads: u64,
    /// Client operations in the history checked for linearizability (0 when not checked).
    pub ops_checked: u64,
    /// Search steps the linearizability check took.
    pub lin_steps: u64,
    /// Client operations still pending when the faults ended and the cluster was healed.
    pub pending_at_heal: u64,
    /// The most of those belonging to one client. A client runs its commands one at a time, so
    /// this, not the total, is how many round trips the slowest client still needs.
    pub backlog_at_heal: u64,
    /// Servers outside the configuration when the network healed (removed, or never fully
    /// added). Clients do not know the membership, so each can cost a command one retry
    /// timeout: it answers that it knows no leader, or names a stale one.
    pub outsiders_at_heal: u64,
    /// Virtual time from the heal until a leader of the highest term existed (`None` without
    /// the liveness phase).
    pub heal_to_leader: Option<Time>,
    /// Virtual time from the heal until every client operation had completed and a leader
    /// existed (`None` without the liveness phase).
    pub heal_to_done: Option<Time>,
    /// Virtual time from then until every server had committed and applied what the leader
    /// had (`None` without the liveness phase).
    pub settle_to_converged: Option<Time>,
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

/// In English (native builds only: the fuzzer is a tool of tests and scripts).
#[cfg(not(target_arch = "wasm32"))]
impl std::fmt::Display for FuzzFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::scenario::json::Writer;
        use crate::scenario::run_json;
        writeln!(f, "seed {} failed: {}", self.seed, self.problem)?;
        for v in &self.violations {
            writeln!(f, "  at {} us: {}", v.at, v.violation)?;
        }
        // Compact JSON, as serde_json::to_string writes it.
        let mut config = Writer::new(false);
        run_json::write_config(&mut config, &self.config);
        writeln!(f, "config: {}", config.finish())?;
        let mut actions = Writer::new(false);
        run_json::write_timed_actions(&mut actions, &self.actions);
        writeln!(f, "actions: {}", actions.finish())
    }
}

/// A random configuration for `seed`, valid by construction.
pub fn random_config(seed: u64, rng: &mut Pcg64Mcg, max_cluster: u8) -> Config {
    let cluster_size = match rng.random_range(0..10) {
        0 => rng.random_range(1..=2),
        _ => rng.random_range(3..=max_cluster.max(3)),
    };
    let latency_min_us = rng.random_range(0..=20) * MS;
    let mut config = Config {
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
        // Mostly retry for ever; sometimes give up, so that histories contain failed commands
        // that may still take effect later, which the linearizability check must allow.
        client_max_attempts: if rng.random_bool(0.25) {
            rng.random_range(2..=6)
        } else {
            0
        },
        ..Config::default()
    };
    // Compaction and reads draw from a generator of their own, so that the rest of a seed's
    // schedule is what it was before they existed.
    let mut extra = Pcg64Mcg::seed_from_u64(seed ^ 0x5eed_c0de_5a95_4ead);
    config.snapshot_threshold = if extra.random_bool(0.5) {
        extra.random_range(2..=30)
    } else {
        0
    };
    config.read_mode = ReadMode::ALL[extra.random_range(0..ReadMode::ALL.len())];
    config
}

/// Narrows a random configuration for an aimed fault mix: a small cluster on a lossless network
/// with neither PreVote nor CheckQuorum, whose guards would hide the interleavings the mix aims
/// at. The general mix keeps the configuration as drawn.
fn aim_config(config: &mut Config, mix: FaultMix, rng: &mut Pcg64Mcg) {
    if mix == FaultMix::General {
        return;
    }
    config.cluster_size = rng.random_range(3..=5);
    config.loss_per_mille = 0;
    config.duplicate_per_mille = 0;
    config.pre_vote = false;
    config.check_quorum = false;
    // Without the no-op a new leader commits nothing until a client writes in its term, so old
    // entries stay uncommitted on a majority for longer: Figure 8's window.
    config.noop_on_election = false;
    // Messages take long enough that requests are still in flight when the next fault comes.
    config.latency_min_us = rng.random_range(5..=15) * MS;
    config.latency_max_us = config.latency_min_us + rng.random_range(5..=25) * MS;
}

/// The actions of the next fault, for `mix`, and the time until the one after.
fn next_fault(w: &World, rng: &mut Pcg64Mcg, mix: FaultMix) -> (Vec<Action>, Time) {
    match mix {
        FaultMix::General => (
            random_action(w, rng).into_iter().collect(),
            rng.random_range(20..=600) * MS,
        ),
        FaultMix::VoteChurn => (vote_churn_actions(w, rng), rng.random_range(5..=60) * MS),
        FaultMix::Divergence => (divergence_actions(w, rng), rng.random_range(20..=300) * MS),
    }
}

/// [`FaultMix::VoteChurn`]: two servers time out at once (a contested term), or a server is
/// bounced (stopped and restarted at once) while vote requests are in flight to it, or a client
/// writes so that logs differ a little.
fn vote_churn_actions(w: &World, rng: &mut Pcg64Mcg) -> Vec<Action> {
    let running = node_ids(w, false);
    match rng.random_range(0..100) {
        0..=39 => {
            let mut pair = Vec::new();
            for _ in 0..2 {
                if let Some(n) = pick(rng, &running) {
                    if !pair.contains(&Action::Timeout(n)) {
                        pair.push(Action::Timeout(n));
                    }
                }
            }
            pair
        }
        40..=79 => match pick(rng, &running) {
            Some(n) => vec![Action::Stop(n), Action::Restart(n)],
            None => Vec::new(),
        },
        _ => vec![submit_to_leader(w, rng)],
    }
}

/// [`FaultMix::Divergence`]: leaders cut off with a minority while clients write to them, stale
/// servers made to campaign, leaders stopped, heals and restarts.
fn divergence_actions(w: &World, rng: &mut Pcg64Mcg) -> Vec<Action> {
    let size = w.nodes().len();
    let running = node_ids(w, false);
    let stopped = node_ids(w, true);
    match rng.random_range(0..100) {
        0..=29 => vec![submit_to_leader(w, rng)],
        30..=44 => {
            // The leader and fewer than a majority with it on one side.
            let Some(leader) = w.leader() else {
                return Vec::new();
            };
            let mut minority = vec![leader];
            let extra = rng.random_range(0..size.div_ceil(2).saturating_sub(1).max(1));
            for _ in 0..extra {
                let n = NodeId(rng.random_range(0..size) as u8);
                if !minority.contains(&n) {
                    minority.push(n);
                }
            }
            vec![Action::Partition(vec![minority])]
        }
        45..=54 => vec![Action::Heal],
        55..=69 => {
            // Half the time the server with the least up-to-date log campaigns.
            let stalest = w
                .nodes()
                .iter()
                .filter(|n| !n.is_stopped())
                .min_by_key(|n| (n.log().last_term(), n.log().last_index()))
                .map(|n| n.id());
            let n = if rng.random_bool(0.5) {
                stalest
            } else {
                pick(rng, &running)
            };
            n.map(Action::Timeout).into_iter().collect()
        }
        70..=79 => w.leader().map(Action::Stop).into_iter().collect(),
        80..=89 => pick(rng, &stopped)
            .map(Action::Restart)
            .into_iter()
            .collect(),
        _ => {
            let n = NodeId(rng.random_range(0..size) as u8);
            vec![Action::Partition(vec![vec![n]])]
        }
    }
}

/// The servers that are stopped (`stopped`) or running (`!stopped`).
fn node_ids(w: &World, stopped: bool) -> Vec<NodeId> {
    w.nodes()
        .iter()
        .filter(|n| n.is_stopped() == stopped)
        .map(|n| n.id())
        .collect()
}

/// A client command to the leader if there is one, else to any server.
fn submit_to_leader(w: &World, rng: &mut Pcg64Mcg) -> Action {
    let any = NodeId(rng.random_range(0..w.nodes().len()) as u8);
    Action::Submit {
        client: ClientId(rng.random_range(0..2)),
        node: w.leader().unwrap_or(any),
        command: Command::Add(rng.random_range(1..=9)),
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
    let running = node_ids(w, false);
    let stopped = node_ids(w, true);
    let any = NodeId(rng.random_range(0..size) as u8);
    match rng.random_range(0..100) {
        0..=34 => {
            // NOOPs go through the log like any command, so they act as linearizable reads.
            let command = match rng.random_range(0..7) {
                0 | 1 => Command::Set(rng.random_range(-100..=100)),
                2 => Command::NoOp,
                3 => Command::Get,
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
        57..=61 => pick(rng, &running).map(Action::Timeout),
        // Leadership transfer (thesis §3.10) to a running server other than the leader.
        62..=64 => {
            let leader = w.leader()?;
            let others: Vec<NodeId> = running.iter().copied().filter(|&n| n != leader).collect();
            pick(rng, &others).map(Action::TransferLeadership)
        }
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
        93..=95 => Some(Action::SetOption(OptionChange::LossPerMille(
            [0, 20, 100, 300][rng.random_range(0..4)],
        ))),
        96..=97 => Some(Action::SetOption(OptionChange::DuplicatePerMille(
            [0, 50, 200][rng.random_range(0..3)],
        ))),
        // Membership changes (§6): add the next empty slot or a server removed earlier, or
        // remove a member, learner or voter, the leader included.
        _ => {
            let (config, _) = w.membership();
            if rng.random_bool(0.5) {
                let mut outside: Vec<NodeId> = (0..size as u8)
                    .map(NodeId)
                    .filter(|&n| !config.members().contains(n))
                    .collect();
                if size < usize::from(MAX_SLOTS) {
                    outside.push(NodeId(size as u8));
                }
                pick(rng, &outside).map(Action::AddServer)
            } else {
                let members: Vec<NodeId> = config.members().iter().collect();
                pick(rng, &members).map(Action::RemoveServer)
            }
        }
    }
}

/// Counts trace events recorded since `*seen` in which a node became leader, and moves `*seen`
/// on. The fuzzer keeps only the last thousand trace events, far more than one step or action
/// records, so none are missed in practice.
/// Adds the elections won and the snapshots taken and installed among the trace events since
/// `seen` to `summary`.
fn count_events(w: &World, seen: &mut u64, summary: &mut FuzzSummary) {
    let total = w.trace_len();
    let new = usize::try_from(total - *seen).unwrap_or(usize::MAX);
    *seen = total;
    let events = w.trace();
    for e in &events[events.len().saturating_sub(new)..] {
        match &e.kind {
            k if k.is_election_won() => summary.elections += 1,
            TraceKind::Node {
                event: NodeEvent::SnapshotTaken { .. },
                ..
            } => summary.snapshots_taken += 1,
            TraceKind::Node {
                event: NodeEvent::SnapshotInstalled { .. },
                ..
            } => summary.snapshots_installed += 1,
            _ => {}
        }
    }
}

/// Whether a running node leads in the highest term any member of the cluster has reached, so
/// that the cluster has a leader everyone will follow once messages flow, not just a deposed one
/// that has not heard the news. Servers removed from the cluster may campaign in ever newer
/// terms nobody listens to (§6), so they do not count.
fn has_current_leader(w: &World) -> bool {
    let members = w.membership().0.members();
    let max_term = w
        .nodes()
        .iter()
        .filter(|n| members.contains(n.id()))
        .map(|n| n.term())
        .max()
        .unwrap_or(0);
    w.nodes()
        .iter()
        .any(|n| !n.is_stopped() && n.is_leader() && n.term() == max_term)
}

/// The servers of the cluster the page shows (see [`World::membership`]): the ones that must
/// converge. A removed server keeps the log it had.
fn members(w: &World) -> impl Iterator<Item = &crate::raft::Node> {
    let members = w.membership().0.members();
    w.nodes().iter().filter(move |n| members.contains(n.id()))
}

/// Runs the schedule of `seed`: random faults for `fault_time`, checking invariants after every
/// event, then a settling period in which the cluster must elect a leader and finish every
/// client command. Finally the client history must be linearizable.
pub fn run_schedule(seed: u64, opts: FuzzOptions) -> Result<FuzzSummary, Box<FuzzFailure>> {
    run_schedule_world(seed, opts).map(|(summary, _)| summary)
}

/// [`run_schedule`], also returning the final world, so that tests can look at its history.
pub fn run_schedule_world(
    seed: u64,
    opts: FuzzOptions,
) -> Result<(FuzzSummary, World), Box<FuzzFailure>> {
    // The schedule's own generator is separate from the world's, so the world's randomness is
    // exactly what its config seed gives, as on replay.
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x5eed_f00d_cafe_0001);
    let mut config = random_config(seed, &mut rng, opts.max_cluster);
    aim_config(&mut config, opts.faults, &mut rng);
    config.safety = opts.safety;
    if let Some(n) = opts.cluster_size {
        config.cluster_size = n;
    }
    if let Some(m) = opts.read_mode {
        config.read_mode = m;
    }
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
    // The whole history is checked once, after the run (below): cheaper than after every
    // completion.
    w.set_live_linearizability(false);
    w.set_watchdog(Watchdog {
        max_events: Some(opts.max_events),
        ..w.watchdog()
    });
    let mut seen = 0u64;
    let mut counted = FuzzSummary::default();
    let mut next_action = rng.random_range(0..300) * MS;
    while w.now() < opts.fault_time {
        let until = next_action.min(opts.fault_time);
        while w.next_event_time().is_some_and(|t| t <= until) {
            w.step();
            count_events(&w, &mut seen, &mut counted);
            if !w.violations().is_empty() {
                return Err(fail(&w, "invariant violated".into()));
            }
        }
        w.advance_to(until);
        if until == next_action {
            let (actions, wait) = next_fault(&w, &mut rng, opts.faults);
            // A forced election (the user's "time out") starts before the election timeout a
            // lease counts on, so with lease reads it is a timing fault the lease is not meant
            // to survive (thesis §6.4.1); the fuzzer leaves it out there.
            let lease = w.config().read_mode == ReadMode::Lease;
            for action in actions
                .into_iter()
                .filter(|a| !(lease && matches!(a, Action::Timeout(_))))
            {
                // Random actions may be invalid (cutting a cut link); that is fine, and tests
                // that refusals change nothing.
                let hash = w.trace_hash();
                if w.apply(action).is_err() && w.trace_hash() != hash {
                    return Err(fail(&w, "a refused action changed the trace".into()));
                }
                // A one-server cluster elects itself inside an action.
                count_events(&w, &mut seen, &mut counted);
            }
            next_action += wait;
        }
        if !w.violations().is_empty() {
            return Err(fail(&w, "invariant violated".into()));
        }
    }

    let mut summary = FuzzSummary::default();
    if opts.check_liveness {
        settle(&mut w, opts, &mut seen, &mut summary).map_err(|p| fail(&w, p))?;
        converge(&mut w, &mut summary).map_err(|p| fail(&w, p))?;
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
    }
    if opts.check_linearizability {
        // Pending and failed commands count as unknown, so this holds with or without settling.
        match check_history(&w.operations().to_vec()) {
            LinearizabilityResult::Ok { steps } => {
                summary.lin_steps = steps;
                summary.ops_checked = w.operations().len() as u64;
            }
            LinearizabilityResult::Violation(v) => return Err(fail(&w, v.to_string())),
            LinearizabilityResult::Unknown { steps } => {
                return Err(fail(
                    &w,
                    format!("linearizability check gave up after {steps} steps"),
                ))
            }
        }
    }
    summary.elections += counted.elections;
    summary.snapshots_taken += counted.snapshots_taken;
    summary.snapshots_installed += counted.snapshots_installed;
    summary.reads = w
        .operations()
        .iter()
        .filter(|o| o.command == Command::Get && matches!(o.outcome, OpOutcome::Ok { .. }))
        .count() as u64;
    summary.events = w.events_processed();
    summary.actions = w.actions().len() as u64;
    summary.membership_changes = w
        .actions()
        .iter()
        .filter(|a| matches!(a.action, Action::AddServer(_) | Action::RemoveServer(_)))
        .count() as u64;
    summary.completed = w
        .operations()
        .iter()
        .filter(|o| matches!(o.outcome, OpOutcome::Ok { .. }))
        .count() as u64;
    summary.max_term = w.nodes().iter().map(|n| n.term()).max().unwrap_or(0);
    summary.committed = w.checker().committed_index();
    Ok((summary, w))
}

/// The liveness phase: heal the network, turn loss off and restart every server, then step until
/// a current leader exists and no client command is pending. Raft must now make progress (§5.2,
/// §5.3). Records the times taken in `summary`; returns the problem if `opts.settle_time` runs
/// out first or an invariant breaks.
fn settle(
    w: &mut World,
    opts: FuzzOptions,
    seen: &mut u64,
    summary: &mut FuzzSummary,
) -> Result<(), String> {
    let heal = |w: &mut World, a: Action| {
        // Healing a healed network or restarting a running server is refused harmlessly.
        let _ = w.apply(a);
    };
    heal(w, Action::Heal);
    heal(w, Action::SetOption(OptionChange::LossPerMille(0)));
    for i in 0..w.nodes().len() {
        if w.nodes()[i].is_stopped() {
            heal(w, Action::Restart(NodeId(i as u8)));
        }
    }
    count_events(w, seen, summary);
    let healed_at = w.now();
    let end = healed_at + opts.settle_time;
    let pending = |w: &World| {
        w.operations()
            .iter()
            .filter(|o| o.outcome == OpOutcome::Pending)
            .count()
    };
    summary.pending_at_heal = pending(w) as u64;
    let members = w.membership().0.members();
    summary.outsiders_at_heal = w
        .nodes()
        .iter()
        .filter(|n| !members.contains(n.id()))
        .count() as u64;
    summary.backlog_at_heal = w
        .clients()
        .iter()
        .map(|c| {
            w.operations()
                .iter()
                .filter(|o| o.client == c.id() && o.outcome == OpOutcome::Pending)
                .count() as u64
        })
        .max()
        .unwrap_or(0);
    let mut leader_at = None;
    loop {
        if leader_at.is_none() && has_current_leader(w) {
            leader_at = Some(w.now());
        }
        if leader_at.is_some() && pending(w) == 0 && w.leader().is_some() {
            break;
        }
        if w.next_event_time().is_none_or(|t| t > end) {
            return Err(format!(
                "no progress after healing: leader {:?}, {} commands pending",
                w.leader(),
                pending(w)
            ));
        }
        w.step();
        count_events(w, seen, summary);
        if !w.violations().is_empty() {
            return Err("invariant violated while settling".into());
        }
    }
    summary.heal_to_leader = leader_at.map(|t| t - healed_at);
    summary.heal_to_done = Some(w.now() - healed_at);
    Ok(())
}

/// Convergence, after settling: every server is running and the network is whole, so within
/// [`CONVERGENCE_TIME`] every server must have committed and applied exactly what the leader has
/// committed, hold the same entries up to there, and reach the same value. Records the time taken
/// in `summary`.
///
/// A leader commits entries of earlier terms only once an entry of its own term commits (§5.4.2),
/// so without the no-op option a leader elected late (a restarted server can still start an
/// election after the settling) may know less than its followers until a client writes. Whenever
/// the leader has committed nothing of its own term and no command is pending, a client sends it
/// a read through the log, as a real client's next request would.
fn converge(w: &mut World, summary: &mut FuzzSummary) -> Result<(), String> {
    let start = w.now();
    let pending = |w: &World| {
        w.operations()
            .iter()
            .any(|o| o.outcome == OpOutcome::Pending)
    };
    let agreed = |w: &World| {
        let Some(leader) = w.leader().and_then(|l| w.node(l)) else {
            return false;
        };
        !pending(w)
            && members(w).all(|n| {
                n.commit_index() == leader.commit_index()
                    && n.last_applied() == n.commit_index()
                    && n.value() == leader.value()
            })
    };
    let leader_needs_write = |w: &World| {
        w.leader().and_then(|l| w.node(l)).is_some_and(|leader| {
            leader.log().term_at(leader.commit_index()) != Some(leader.term()) && !pending(w)
        })
    };
    let converged = loop {
        let stopped = w.run_until(
            |w| agreed(w) || leader_needs_write(w),
            start + CONVERGENCE_TIME,
        );
        if agreed(w) || !stopped || !w.violations().is_empty() {
            break agreed(w);
        }
        let Some(leader) = w.leader() else {
            break false;
        };
        w.apply(Action::Submit {
            client: ClientId(0),
            node: leader,
            command: Command::NoOp,
        })
        .map_err(|e| format!("convergence: the read to the new leader was refused: {e}"))?;
    };
    if !w.violations().is_empty() {
        return Err("invariant violated while converging".into());
    }
    let Some(leader) = w.leader().and_then(|l| w.node(l)) else {
        return Err("convergence: the leader was lost after settling".into());
    };
    if !converged {
        let behind: Vec<String> = members(w)
            .filter(|n| {
                n.commit_index() != leader.commit_index()
                    || n.last_applied() != n.commit_index()
                    || n.value() != leader.value()
            })
            .map(|n| {
                format!(
                    "{} (commit {}, applied {}, value {})",
                    n.id(),
                    n.commit_index(),
                    n.last_applied(),
                    n.value()
                )
            })
            .collect();
        return Err(format!(
            "convergence: {} ms after settling, leader {} has commit {} and value {}, but {}",
            CONVERGENCE_TIME / MS,
            leader.id(),
            leader.commit_index(),
            leader.value(),
            behind.join(", ")
        ));
    }
    for n in members(w) {
        let prefix = leader.commit_index();
        // Entries both still hold one by one must be the same; what either compacted into a
        // snapshot was checked when committed (and the values agree, above).
        let from = n.log().snapshot_index().max(leader.log().snapshot_index()) + 1;
        let differs = (from..=prefix).any(|i| n.log().get(i) != leader.log().get(i));
        if differs {
            return Err(format!(
                "convergence: {} and leader {} both committed index {prefix}, but their entries differ",
                n.id(),
                leader.id()
            ));
        }
    }
    summary.settle_to_converged = Some(w.now() - start);
    Ok(())
}
