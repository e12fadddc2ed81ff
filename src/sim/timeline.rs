//! Time travel: a [`Timeline`] owns the current [`World`], periodic checkpoints (clones of the
//! world) and the full action log, so that the UI can step back, scrub to any moment, replay the
//! recorded future exactly, and fork it by acting in the past.
//!
//! # Positions
//!
//! The recorded history is a sequence of *events* (numbered by [`World::events_processed`]) with
//! user *actions* between them; every recorded action carries `after_event`, the number of
//! events processed when it was applied, and `at`, the clock then. A position is therefore
//! (events processed, actions applied, clock). Two kinds of seek name a position:
//!
//! - by time ([`Timeline::seek_to_time`]): every event at or before `t` and every action at or
//!   before `t`, in recorded order, with the clock set to `t`;
//! - by event ([`Timeline::seek_to_event`]): the state right after event `n` *and* after the
//!   actions the person took before event `n + 1` (so stepping lands where the person was when
//!   they acted, and [`Timeline::step_back`] then undoes the event together with those actions).
//!
//! The *end* ([`Timeline::end_event`], [`Timeline::end_time`]) is the furthest point recorded:
//! the present of the run before any seek back. Seeking past it clamps to it; stepping or
//! advancing past it extends it. Acting anywhere before the end forks: the recorded future
//! (actions, markers and checkpoints after the current position) is discarded, and the new
//! action starts a new one.
//!
//! # Exactness
//!
//! Everything is replayed through [`World::step`] and [`World::apply`] from a checkpoint or from
//! the current world, so a position reached by seeking has the same trace hash as the same
//! position reached live; `tests/timeline_*.rs` checks this.
//!
//! # Memory
//!
//! A checkpoint is taken every `checkpoint_every_events` events, in new territory only. What
//! grows with the run (logs, operations, actions, the checker's records) is kept in
//! chunks shared between the world and its copies ([`crate::chunked::Chunked`]), so a checkpoint
//! costs what changed since the one before ([`World::fresh_bytes`]), not a whole world. When
//! the estimated size of all checkpoints still goes over `checkpoint_budget_bytes` (very long
//! runs, or runs whose logs are rewritten), every other checkpoint is dropped and the interval
//! doubles. Seeking then replays at most one interval of events; memory stays within the budget
//! (plus one world) however long the run.
//!
//! The trace cannot be shared that way: every checkpoint would keep its own stretch of recent
//! events alive, which over all checkpoints is every event of the run. So a checkpoint keeps only
//! its last [`CHECKPOINT_TRACE_EVENTS`] trace events; a world restored from one has those plus
//! the events replayed since (its trace hash is the same as ever, it covers every event). The
//! event list and the explanations need far fewer than that.

use super::{
    Action, ActionError, Config, ConfigError, ReplayError, TimedAction, TraceKind, Words, World,
};
use crate::raft::{LogIndex, NodeEvent, NodeId, Role, Term, Time};

/// How many of the latest trace events a checkpoint keeps (see the module's "Memory").
pub const CHECKPOINT_TRACE_EVENTS: usize = 1_000;

/// Tuning of a [`Timeline`]: checkpoint spacing, memory budget and trace retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Events between checkpoints at first (doubled whenever the budget is exceeded).
    pub checkpoint_every_events: u64,
    /// Estimated bytes all checkpoints together may take before they are thinned out.
    pub checkpoint_budget_bytes: usize,
    /// Trace events the world keeps (see [`World::set_trace_retention`]); `None` keeps all,
    /// which makes every checkpoint carry the whole trace. The trace hash covers everything
    /// either way.
    pub trace_retention: Option<usize>,
}

impl Default for TimelineOptions {
    fn default() -> Self {
        TimelineOptions {
            checkpoint_every_events: 2_000,
            checkpoint_budget_bytes: 16 * 1024 * 1024,
            trace_retention: Some(4_000),
        }
    }
}

/// What a [`Marker`] on the scrub bar stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A server won an election and became leader.
    ElectionWon {
        /// The new leader.
        node: NodeId,
        /// Its term.
        term: Term,
    },
    /// The highest commit index any server has reached grew: entries up to `index` were
    /// committed for the first time.
    Commit {
        /// The server whose commit index advanced (usually the leader).
        node: NodeId,
        /// The new highest commit index.
        index: LogIndex,
    },
    /// Someone (a person, a scenario or a test) acted on the world.
    UserAction {
        /// The action in words, as [`Action::words`] gives it.
        words: Words,
    },
    /// The invariant checker found a violation.
    Violation {
        /// The violation in words, as [`crate::sim::Violation::words`] gives it.
        words: Words,
    },
}

/// Something worth showing on the timeline's scrub bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Virtual time it happened.
    pub at: Time,
    /// Events processed when it happened (for [`Timeline::seek_to_event`]).
    pub event: u64,
    /// Position in the whole trace of the trace event that produced it; orders markers exactly,
    /// and says which ones a fork discards.
    pub trace_seq: u64,
    /// What happened.
    pub kind: MarkerKind,
}

/// One saved world.
#[derive(Clone, Debug)]
struct Checkpoint {
    /// Events processed in it (a multiple of the interval in force when it was taken).
    events: u64,
    /// Its clock.
    time: Time,
    /// Estimated heap bytes it adds to the checkpoints before it ([`World::fresh_bytes`]).
    bytes: usize,
    world: World,
}

impl Checkpoint {
    /// A checkpoint of `world`, a copy just taken: counted then, because what it shares with
    /// the checkpoints before it is theirs.
    fn of(world: World) -> Checkpoint {
        Checkpoint {
            events: world.events_processed(),
            time: world.now(),
            bytes: world.fresh_bytes(),
            world,
        }
    }
}

/// Where a forward replay stops.
#[derive(Clone, Copy, Debug)]
enum Goal {
    /// After every event and action at or before this time, with the clock set to it.
    Time(Time),
    /// After this many events and the actions recorded right after the last of them.
    Event(u64),
}

/// A world with its past: checkpoints, the action log (including a recorded future when
/// positioned in the past) and scrub-bar markers. See the module documentation.
#[derive(Clone, Debug)]
pub struct Timeline {
    world: World,
    options: TimelineOptions,
    /// Every recorded action, the future included; `world.actions()` is always a prefix of it.
    log: Vec<TimedAction>,
    /// Sorted by `events`; the first is the initial world.
    checkpoints: Vec<Checkpoint>,
    checkpoint_interval: u64,
    checkpoint_bytes: usize,
    end_event: u64,
    end_time: Time,
    /// Trace length at the end; markers cover exactly the trace before it.
    end_trace_len: u64,
    /// Trace hash at the end.
    end_trace_hash: u64,
    markers: Vec<Marker>,
    /// The highest commit index any [`MarkerKind::Commit`] reported.
    max_commit: LogIndex,
    /// One extra checkpoint taken [`NEAR_EVENTS`] before the target of the last long replay, so
    /// that repeated steps back (or small scrubs backwards) replay little. Bounded to one world.
    scratch: Option<Checkpoint>,
    /// Where the replay in progress should take `scratch`.
    scratch_at: Option<u64>,
}

/// How far before a seek's target the scratch checkpoint is taken: steps back from there
/// replay at most this many events.
const NEAR_EVENTS: u64 = 1_024;

/// A rough estimate of the heap one whole world holds: logs, operations, actions, retained
/// trace, messages in flight and the checker's per-entry records; it errs on the high side. The
/// benchmark and the tests compare checkpoints with it; checkpoints themselves share most of
/// this and are counted with [`World::fresh_bytes`].
pub fn estimate_world_bytes(world: &World) -> usize {
    use std::mem::size_of;
    let logs: usize = world
        .nodes()
        .iter()
        .map(|n| {
            size_of::<crate::raft::Node>() + n.log().len() * size_of::<crate::raft::LogEntry>()
        })
        .sum();
    let in_flight: usize = world
        .in_flight()
        .map(|m| {
            let entries = match &m.message {
                crate::raft::Message::AppendEntries { entries, .. } => entries.len(),
                _ => 0,
            };
            size_of::<super::InFlightMessage>() + entries * size_of::<crate::raft::LogEntry>()
        })
        .sum();
    // The checker keeps a committed-entry record and a map entry per (index, term) seen, about
    // 120 bytes per committed index with B-tree overhead.
    let checker = usize::try_from(world.checker().committed_index())
        .unwrap_or(usize::MAX / 2)
        .saturating_mul(120);
    size_of::<World>()
        + logs
        + in_flight
        + checker
        + world.operations().len() * size_of::<super::Operation>()
        + world.actions().len() * size_of::<TimedAction>()
        + std::mem::size_of_val(world.trace())
}

impl Timeline {
    /// A timeline at time 0 of a new world, with default options.
    pub fn new(config: Config) -> Result<Timeline, ConfigError> {
        Timeline::with_options(config, TimelineOptions::default())
    }

    /// A timeline at time 0 of a new world, with the given options.
    pub fn with_options(config: Config, options: TimelineOptions) -> Result<Timeline, ConfigError> {
        let mut world = World::new(config)?;
        world.set_trace_retention(options.trace_retention);
        let first = Checkpoint::of(world.clone());
        Ok(Timeline {
            end_trace_len: world.trace_len(),
            end_trace_hash: world.trace_hash(),
            world,
            options: TimelineOptions {
                checkpoint_every_events: options.checkpoint_every_events.max(1),
                ..options
            },
            log: Vec::new(),
            checkpoint_bytes: first.bytes,
            checkpoints: vec![first],
            checkpoint_interval: options.checkpoint_every_events.max(1),
            end_event: 0,
            end_time: 0,
            markers: Vec::new(),
            max_commit: 0,
            scratch: None,
            scratch_at: None,
        })
    }

    /// A timeline that has run `actions` (as recorded by [`World::actions`] or written by hand,
    /// see [`TimedAction`]) on a new world from `config`, positioned at the last action. An action
    /// with `after_event` is applied after that many events; one without, after every event at or
    /// before its time. (A hand-edited log whose `at` is later than the next pending event is
    /// treated like one without `after_event`, so it still gives a valid, deterministic run.)
    pub fn from_run(config: Config, actions: &[TimedAction]) -> Result<Timeline, ReplayError> {
        Timeline::from_run_with(config, actions, TimelineOptions::default())
    }

    /// [`Timeline::from_run`] with the given options.
    pub fn from_run_with(
        config: Config,
        actions: &[TimedAction],
        options: TimelineOptions,
    ) -> Result<Timeline, ReplayError> {
        let mut tl = Timeline::with_options(config, options).map_err(ReplayError::Config)?;
        for (index, ta) in actions.iter().enumerate() {
            match ta.after_event {
                Some(n) => {
                    tl.run_forward(Goal::Event(n));
                    // Only move the clock: events at the current instant not yet processed
                    // came after the action in the recorded run.
                    if tl.world.now() < ta.at {
                        tl.run_forward(Goal::Time(ta.at));
                    }
                }
                None => tl.run_forward(Goal::Time(ta.at)),
            }
            tl.apply(ta.action.clone())
                .map_err(|error| ReplayError::Action { index, error })?;
        }
        Ok(tl)
    }

    // ----- read-only views -----------------------------------------------------------------

    /// The world at the current position.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The configuration the run started with.
    pub fn initial_config(&self) -> &Config {
        self.world.initial_config()
    }

    /// Every recorded action, including the recorded future when positioned in the past. With
    /// [`Timeline::initial_config`] it reproduces the whole recorded run (for share links and
    /// export); [`World::actions`] on [`Timeline::world`] gives those up to the current position.
    pub fn recorded_actions(&self) -> &[TimedAction] {
        &self.log
    }

    /// The furthest event recorded: the present of the run before any seek back.
    pub fn end_event(&self) -> u64 {
        self.end_event
    }

    /// The furthest time recorded (the clock at the end).
    pub fn end_time(&self) -> Time {
        self.end_time
    }

    /// The trace hash at the end of the recorded run (what a replay of
    /// [`Timeline::recorded_actions`] up to [`Timeline::end_event`] and [`Timeline::end_time`]
    /// gives), for export and verification.
    pub fn end_trace_hash(&self) -> u64 {
        self.end_trace_hash
    }

    /// Whether the current position is the end of the recorded run (acting here does not fork).
    pub fn is_at_end(&self) -> bool {
        self.world.actions().len() == self.log.len()
            && self.world.events_processed() >= self.end_event
            && self.world.now() >= self.end_time
    }

    /// Markers for the scrub bar, in order, up to the end of the recorded run.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// How many checkpoints are held.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Estimated bytes held by checkpoints (see [`World::fresh_bytes`]), the scratch
    /// checkpoint near the last seek target included.
    pub fn checkpoint_bytes(&self) -> usize {
        self.checkpoint_bytes + self.scratch.as_ref().map_or(0, |c| c.bytes)
    }

    /// Events between checkpoints now (it doubles when memory runs short), which bounds how
    /// many events a seek replays.
    pub fn checkpoint_interval(&self) -> u64 {
        self.checkpoint_interval
    }

    /// The options in force.
    pub fn options(&self) -> TimelineOptions {
        self.options
    }

    // ----- moving forward --------------------------------------------------------------------

    /// Processes the next event and returns its time; `None` when nothing is scheduled. In the
    /// past it also re-applies the recorded actions that came before that event and right after
    /// it, so stepping reproduces the recorded run exactly.
    pub fn step(&mut self) -> Option<Time> {
        self.apply_due_actions(None);
        let t = self.step_world()?;
        self.apply_due_actions(None);
        Some(t)
    }

    /// Processes every event and recorded action at or before `t`, then sets the clock to `t`
    /// (if later). In the past this replays the recorded future; past the end it runs live.
    pub fn advance_to(&mut self, t: Time) {
        self.run_forward(Goal::Time(t));
    }

    /// Applies `action` at the current position and records it. Before the end this forks: the
    /// recorded future is discarded first. A refused action changes nothing (and does not fork).
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        let cursor = self.world.actions().len();
        let trace_before = self.world.trace_len();
        let at_end = self.is_at_end();
        self.world.apply(action)?;
        if !at_end {
            self.fork(cursor, trace_before);
        }
        if let Some(a) = self.world.actions().get(cursor) {
            self.log.push(a.clone());
        }
        self.after_change();
        Ok(())
    }

    // ----- moving back -----------------------------------------------------------------------

    /// Moves to time `t` (clamped to `0..=end_time`): every event and action at or before it.
    pub fn seek_to_time(&mut self, t: Time) {
        if t >= self.end_time {
            self.seek_to_end();
            return;
        }
        let here_ok = self.world.now() <= t;
        self.restore_best(|c| c.time <= t, here_ok);
        // Estimate the event count at `t` by interpolating between here and the next known
        // point, to take the scratch checkpoint a little before it.
        let (e0, t0) = (self.world.events_processed(), self.world.now());
        let (e1, t1) = self
            .checkpoints
            .iter()
            .find(|c| c.time > t)
            .map_or((self.end_event, self.end_time), |c| (c.events, c.time));
        if t1 > t0 && e1 > e0 {
            // In floating point: a 128-bit division would bring its routine into the wasm, and
            // this only chooses where a scratch checkpoint goes (seeking stays exact).
            let share = (t - t0) as f64 / (t1 - t0) as f64;
            let est = e0 + ((e1 - e0) as f64 * share) as u64;
            self.plan_scratch(est.min(e1));
        }
        self.run_forward(Goal::Time(t));
        self.scratch_at = None;
    }

    /// Moves to just after event `n` (clamped to the end) and the actions recorded before the
    /// next event.
    pub fn seek_to_event(&mut self, n: u64) {
        if n >= self.end_event {
            self.seek_to_end();
            return;
        }
        // Continuing from here is exact unless the clock was moved past event `n` (after a seek
        // by time); then a checkpoint gives the canonical clock.
        let events = self.world.events_processed();
        let here_ok = events < n
            || (events == n && self.world.trace().last().map(|e| e.at) == Some(self.world.now()));
        self.restore_best(|c| c.events <= n, here_ok);
        self.plan_scratch(n);
        self.run_forward(Goal::Event(n));
        self.scratch_at = None;
    }

    /// Moves to the end of the recorded run.
    pub fn seek_to_end(&mut self) {
        self.restore_best(|_| true, true);
        self.run_forward(Goal::Event(self.end_event));
        if self.world.now() < self.end_time {
            // The recorded end was reached by advancing the clock, which had processed every
            // event up to it, so this processes none and only moves the clock.
            self.run_forward(Goal::Time(self.end_time));
        }
    }

    /// Moves one event back; returns false at the very start.
    pub fn step_back(&mut self) -> bool {
        match self.world.events_processed().checked_sub(1) {
            Some(n) => {
                self.seek_to_event(n);
                true
            }
            None => false,
        }
    }

    // ----- internals -----------------------------------------------------------------------

    /// Discards the recorded future after the current position, which holds `cursor` actions and
    /// had `trace_len` trace events before the action that forks.
    fn fork(&mut self, cursor: usize, trace_len: u64) {
        self.log.truncate(cursor);
        let events = self.world.events_processed();
        // A checkpoint at exactly `events` was taken right after that event and before any
        // action following it, so it is still on the new history.
        while self.checkpoints.last().is_some_and(|c| c.events > events) {
            if let Some(c) = self.checkpoints.pop() {
                self.checkpoint_bytes -= c.bytes;
            }
        }
        if self.scratch.as_ref().is_some_and(|c| c.events > events) {
            self.scratch = None;
        }
        self.markers.retain(|m| m.trace_seq < trace_len);
        self.max_commit = self
            .markers
            .iter()
            .filter_map(|m| match m.kind {
                MarkerKind::Commit { index, .. } => Some(index),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        self.end_event = events;
        self.end_time = self.world.now();
        self.end_trace_len = trace_len;
        // Refreshed by the `after_change` that follows every fork.
        self.end_trace_hash = self.world.trace_hash();
    }

    /// Restores the latest checkpoint (regular or scratch) that `fits` (is not after the
    /// target), unless continuing from the current world, allowed when `here_ok`, replays fewer
    /// events.
    fn restore_best(&mut self, fits: impl Fn(&Checkpoint) -> bool, here_ok: bool) {
        let idx = self.checkpoints.partition_point(&fits);
        let mut best = idx.checked_sub(1).and_then(|i| self.checkpoints.get(i));
        if let Some(s) = self.scratch.as_ref().filter(|s| fits(s)) {
            if best.is_none_or(|b| s.events > b.events) {
                best = Some(s);
            }
        }
        let Some(cp) = best else {
            return;
        };
        if here_ok && self.world.events_processed() >= cp.events {
            return;
        }
        self.world = cp.world.clone();
    }

    /// Plans a scratch checkpoint shortly before `target` events when the replay about to run
    /// is long, so that steps back from the target are cheap.
    fn plan_scratch(&mut self, target: u64) {
        let from = self.world.events_processed();
        if target > from.saturating_add(2 * NEAR_EVENTS)
            && self
                .scratch
                .as_ref()
                .is_none_or(|s| s.events < target - NEAR_EVENTS)
        {
            self.scratch_at = Some(target - NEAR_EVENTS);
        }
    }

    /// Replays (or runs live) until `goal`.
    fn run_forward(&mut self, goal: Goal) {
        loop {
            let events = self.world.events_processed();
            if let Some(next) = self.log.get(self.world.actions().len()) {
                let due = next.after_event.is_none_or(|n| n <= events);
                let in_reach = match goal {
                    Goal::Time(t) => next.at <= t,
                    Goal::Event(n) => events <= n,
                };
                if due && in_reach {
                    self.apply_recorded();
                    continue;
                }
            }
            let go = match goal {
                Goal::Time(t) => self.world.next_event_time().is_some_and(|e| e <= t),
                Goal::Event(n) => events < n,
            };
            if !go || self.step_world().is_none() {
                break;
            }
        }
        if let Goal::Time(t) = goal {
            if self.world.now() < t {
                // Every event at or before `t` was processed, so this only moves the clock.
                self.world.advance_to(t);
                self.after_change();
            }
        }
    }

    /// Applies recorded actions that are due now; with `limit`, only those at or before it.
    fn apply_due_actions(&mut self, limit: Option<Time>) {
        while let Some(next) = self.log.get(self.world.actions().len()) {
            let due = next
                .after_event
                .is_none_or(|n| n <= self.world.events_processed())
                && limit.is_none_or(|l| next.at <= l);
            if !due {
                break;
            }
            self.apply_recorded();
        }
    }

    /// Re-applies the next recorded action at its recorded time.
    fn apply_recorded(&mut self) {
        let cursor = self.world.actions().len();
        let Some(next) = self.log.get(cursor) else {
            return;
        };
        let (at, action) = (next.at, next.action.clone());
        if self.world.now() < at {
            // A recorded action later than the last event was applied after the clock had been
            // advanced past every event up to its time, so this moves only the clock.
            self.world.advance_to(at);
        }
        let trace_before = self.world.trace_len();
        if self.world.apply(action).is_err() {
            // Replay is deterministic, so a recorded action cannot be refused; if it were, the
            // rest of the log would no longer describe this world, so it is dropped.
            self.fork(cursor, trace_before);
        }
        self.after_change();
    }

    /// Processes one event, taking a checkpoint when one is due.
    fn step_world(&mut self) -> Option<Time> {
        let t = self.world.step()?;
        let events = self.world.events_processed();
        if events.is_multiple_of(self.checkpoint_interval)
            && self.checkpoints.last().is_none_or(|c| c.events < events)
        {
            self.take_checkpoint();
        }
        if self.scratch_at == Some(events) {
            self.scratch_at = None;
            self.scratch = Some(Checkpoint::of(self.world.clone()));
        }
        self.after_change();
        Some(t)
    }

    fn take_checkpoint(&mut self) {
        let mut world = self.world.clone();
        world.keep_last_trace_events(CHECKPOINT_TRACE_EVENTS);
        let checkpoint = Checkpoint::of(world);
        self.checkpoint_bytes += checkpoint.bytes;
        self.checkpoints.push(checkpoint);
        while self.checkpoint_bytes > self.options.checkpoint_budget_bytes
            && self.checkpoints.len() > 2
        {
            // Dropping every other checkpoint keeps them evenly spaced, so the longest replay
            // a seek needs is one (doubled) interval.
            self.checkpoint_interval = self.checkpoint_interval.saturating_mul(2);
            let interval = self.checkpoint_interval;
            let before = self.checkpoints.len();
            self.checkpoints
                .retain(|c| c.events == 0 || c.events.is_multiple_of(interval));
            self.checkpoint_bytes = self.checkpoints.iter().map(|c| c.bytes).sum();
            if self.checkpoints.len() == before {
                break;
            }
        }
    }

    /// Called after every change to the world: past the recorded end, extends the end and
    /// records markers for the new trace events.
    fn after_change(&mut self) {
        let w = &self.world;
        if w.actions().len() < self.log.len() || w.events_processed() < self.end_event {
            return;
        }
        self.end_event = w.events_processed();
        self.end_time = self.end_time.max(w.now());
        self.end_trace_hash = w.trace_hash();
        let total = w.trace_len();
        if total <= self.end_trace_len {
            return;
        }
        let fresh = usize::try_from(total - self.end_trace_len).unwrap_or(usize::MAX);
        let trace = w.trace();
        let start = trace.len().saturating_sub(fresh);
        let events = w.events_processed();
        for e in &trace[start..] {
            let kind = match &e.kind {
                TraceKind::Node {
                    node,
                    event:
                        NodeEvent::RoleChanged {
                            to: Role::Leader,
                            term,
                            ..
                        },
                } => MarkerKind::ElectionWon {
                    node: *node,
                    term: *term,
                },
                TraceKind::Node {
                    node,
                    event: NodeEvent::CommitAdvanced { to, .. },
                } if *to > self.max_commit => {
                    self.max_commit = *to;
                    MarkerKind::Commit {
                        node: *node,
                        index: *to,
                    }
                }
                TraceKind::ActionApplied(a) => MarkerKind::UserAction { words: a.words() },
                TraceKind::InvariantViolated(v) => MarkerKind::Violation { words: v.words() },
                _ => continue,
            };
            self.markers.push(Marker {
                at: e.at,
                event: events,
                trace_seq: e.seq,
                kind,
            });
        }
        self.end_trace_len = total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ClientId, Command};
    use crate::sim::{MS, SECOND};

    fn submit(tl: &mut Timeline, n: i64) {
        let node = tl.world().leader().unwrap_or(NodeId(0));
        let r = tl.apply(Action::Submit {
            client: ClientId(0),
            node,
            command: Command::Set(n),
        });
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn seek_back_and_forward_reproduces_hashes() {
        let mut tl = Timeline::with_options(
            Config::default(),
            TimelineOptions {
                checkpoint_every_events: 50,
                ..TimelineOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Vec::new();
        for i in 0..20 {
            tl.advance_to((i + 1) * 100 * MS);
            if i % 3 == 0 {
                submit(&mut tl, i as i64);
            }
            seen.push((tl.world().now(), tl.world().trace_hash()));
        }
        let end_hash = tl.world().trace_hash();
        for &(t, h) in seen.iter().rev() {
            tl.seek_to_time(t);
            assert_eq!(tl.world().trace_hash(), h, "at {t}");
        }
        tl.seek_to_time(0);
        for &(t, h) in &seen {
            tl.advance_to(t);
            assert_eq!(tl.world().trace_hash(), h, "forward to {t}");
        }
        assert!(tl.is_at_end());
        assert_eq!(tl.world().trace_hash(), end_hash);
        assert!(tl
            .markers()
            .iter()
            .any(|m| matches!(m.kind, MarkerKind::ElectionWon { .. })));
        assert!(tl
            .markers()
            .iter()
            .any(|m| matches!(m.kind, MarkerKind::Commit { .. })));
    }

    #[test]
    fn fork_discards_future() {
        let mut tl = Timeline::new(Config::default()).unwrap_or_else(|e| panic!("{e}"));
        tl.advance_to(SECOND);
        submit(&mut tl, 1);
        tl.advance_to(2 * SECOND);
        submit(&mut tl, 2);
        tl.advance_to(3 * SECOND);
        tl.seek_to_time(SECOND + 500 * MS);
        assert!(!tl.is_at_end());
        assert_eq!(tl.recorded_actions().len(), 2);
        submit(&mut tl, 9);
        assert!(tl.is_at_end());
        assert_eq!(tl.recorded_actions().len(), 2);
        assert_eq!(tl.end_time(), SECOND + 500 * MS);
        assert!(tl.markers().iter().all(|m| m.at <= SECOND + 500 * MS));
        let replayed = World::replay(Config::default(), tl.recorded_actions())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(replayed.trace_hash(), tl.world().trace_hash());
    }

    #[test]
    fn refused_action_in_past_does_not_fork() {
        let mut tl = Timeline::new(Config::default()).unwrap_or_else(|e| panic!("{e}"));
        tl.advance_to(SECOND);
        submit(&mut tl, 1);
        tl.advance_to(2 * SECOND);
        tl.seek_to_time(500 * MS);
        let hash = tl.world().trace_hash();
        assert!(tl.apply(Action::Restart(NodeId(0))).is_err());
        assert_eq!(tl.world().trace_hash(), hash);
        assert_eq!(tl.end_time(), 2 * SECOND);
        assert_eq!(tl.recorded_actions().len(), 1);
    }
}
