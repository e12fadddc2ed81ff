//! The run's history, kept for the space-time diagram: every message from its send to its
//! delivery or loss, each server's role and term over time, and the moments worth marking
//! (elections, commits, truncations, snapshots, configuration changes, network changes).
//!
//! The world keeps only its recent trace events, and time travel replaces the world by an older
//! one, so the history is built beside it: [`History::sync`] reads the events the world recorded
//! since the last call. Going back in time keeps what is known of the future (the run is
//! deterministic, so replaying it gives the same events); only when the replayed run differs
//! from the recorded one (someone acted in the past) is the history cut at that point.

use std::hash::{Hash, Hasher};

use super::config::Config;
use super::network::{DropReason, MessageId};
use super::trace::{Fnv1a, TraceEvent, TraceKind};
use super::world::{Action, TimedAction, World};
use crate::raft::{Endpoint, Fields, LogIndex, MessageKind, NodeEvent, NodeId, Role, Term, Time};

/// What a server was doing from some moment on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneState {
    /// Its role.
    pub role: Role,
    /// Its current term.
    pub term: Term,
    /// Whether it was stopped (crashed).
    pub stopped: bool,
}

/// A change of a server's [`LaneState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneChange {
    /// When.
    pub at: Time,
    /// The trace position of the event that made it.
    pub seq: u64,
    /// The state from then on.
    pub state: LaneState,
}

/// How a message's flight ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Still in the network (at the end of what is known).
    InFlight,
    /// It reached its receiver.
    Delivered,
    /// It was lost on the way, for this reason.
    Lost(DropReason),
}

/// One message of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its id in the network.
    pub id: MessageId,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Its kind.
    pub kind: MessageKind,
    /// What it said.
    pub fields: Fields,
    /// When it was sent.
    pub sent_at: Time,
    /// When it was delivered or lost; while in flight, when it is due.
    pub end_at: Time,
    /// When it was due when sent.
    pub due_at: Time,
    /// How its flight ended.
    pub fate: Fate,
    /// Whether the network made this copy by duplicating a message.
    pub duplicate: bool,
    /// An AppendEntries without entries, or the successful answer to one: the traffic that
    /// the diagram can fold away so that votes and entries stand out.
    pub heartbeat: bool,
    sent_seq: u64,
    end_seq: u64,
}

/// Something worth a mark on a lane (or across the diagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// The server won an election and leads `term`.
    Elected(Term),
    /// The server's commit index reached this index.
    Committed(LogIndex),
    /// The server deleted conflicting entries from this index on.
    Truncated(LogIndex),
    /// The server took or installed a snapshot up to this index.
    Snapshot(LogIndex),
    /// A configuration change began or committed at this server.
    Config,
    /// A client began a command.
    Invoked,
    /// A client received its command's result.
    Completed,
    /// The network was partitioned, cut, healed or restored (a line across every lane).
    Network,
    /// The safety monitor found a violation (a line across every lane).
    Violation,
}

/// A mark at a moment, on a lane or (for network changes and violations) on all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub at: Time,
    /// On which lane; `None` for the whole diagram.
    pub lane: Option<Endpoint>,
    /// What.
    pub kind: MarkKind,
    seq: u64,
}

/// The history of one run.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Fingerprint of the run's initial configuration; another run starts another history.
    run: u64,
    lanes: Vec<Vec<LaneChange>>,
    clients: usize,
    /// In sending order, which is also the order of their ids.
    messages: Vec<MessageRecord>,
    marks: Vec<Mark>,
    /// Trace position and fingerprint of every user action absorbed, to notice a fork.
    actions: Vec<(u64, u64)>,
    /// Events up to here (exclusive) are in the history.
    absorbed: u64,
    /// Events of the current world up to here (exclusive) have been read.
    read: u64,
    end: Time,
    longest_flight: Time,
    /// Stretches whose events were not seen (more happened in one step than the world keeps).
    gaps: Vec<(Time, Time)>,
    /// The message each server last received and whether it was a heartbeat, to tell
    /// heartbeat answers apart.
    last_received: Vec<Option<(Time, bool)>>,
}

fn fingerprint<T: Hash>(value: &T) -> u64 {
    let mut h = Fnv1a::new();
    value.hash(&mut h);
    h.finish()
}

impl History {
    /// Brings the history up to date with `world`: reads every event it recorded since the last
    /// call (or notices that it is another run, or that the run forked, and starts over from
    /// there).
    pub fn sync(&mut self, world: &World) {
        let run = fingerprint(world.initial_config());
        if run != self.run || self.lanes.is_empty() {
            self.start(world, run);
        }
        let total = world.trace_len();
        // Back in time: the world's events up to `total` are the ones already read.
        self.read = self.read.min(total);
        let events = world.trace();
        let first = events.partition_point(|e| e.seq < self.read);
        if let Some(oldest) = events.first() {
            if oldest.seq > self.read && oldest.seq > self.absorbed {
                // More happened since the last call than the world keeps.
                self.gaps.push((self.end, oldest.at));
                self.absorbed = oldest.seq;
            }
        }
        for event in &events[first..] {
            if event.seq < self.absorbed && self.forks_at(event) {
                self.cut(event.seq, event.at);
            }
            if event.seq >= self.absorbed {
                self.absorb(event);
                self.absorbed = event.seq + 1;
            }
        }
        self.read = total;
        if total >= self.absorbed {
            self.end = self.end.max(world.now());
            self.absorbed = total;
            // After a gap the lanes may have missed a change: take it from the world itself.
            for (i, node) in world.nodes().iter().enumerate() {
                let state = LaneState {
                    role: node.role(),
                    term: node.term(),
                    stopped: node.is_stopped(),
                };
                self.set_lane(i, world.now(), total, state);
            }
        }
    }

    fn start(&mut self, world: &World, run: u64) {
        *self = History {
            run,
            clients: world.clients().len(),
            ..History::default()
        };
        let total = world.trace_len();
        let oldest = world.trace().first().map_or(total, |e| e.seq);
        // A world seen from its first event starts where any world of its configuration starts.
        let fresh = (oldest == 0 && world.now() > 0)
            .then(|| World::new(world.initial_config().clone()).ok())
            .flatten();
        let first = fresh.as_ref().unwrap_or(world);
        let at = first.now();
        self.lanes = first
            .nodes()
            .iter()
            .map(|node| {
                vec![LaneChange {
                    at,
                    seq: 0,
                    state: LaneState {
                        role: node.role(),
                        term: node.term(),
                        stopped: node.is_stopped(),
                    },
                }]
            })
            .collect();
        self.last_received = vec![None; self.lanes.len()];
        self.end = at;
        if oldest > 0 {
            // A world that ran before it was shown (it cannot be a fork of nothing): what it
            // kept is read, what it did not is a gap.
            self.gaps
                .push((0, world.trace().first().map_or(at, |e| e.at)));
            for lane in &mut self.lanes {
                lane[0].at = 0;
            }
        }
        self.absorbed = oldest;
    }

    /// Whether `event`, replayed at a trace position already in the history, shows that the
    /// run differs from the recorded one from here on. A deterministic run can only change
    /// where a user action was added or removed, so the actions are what is compared.
    fn forks_at(&self, event: &TraceEvent) -> bool {
        let known = self
            .actions
            .binary_search_by_key(&event.seq, |&(seq, _)| seq)
            .ok()
            .map(|i| self.actions[i].1);
        match &event.kind {
            TraceKind::ActionApplied(action) => known != Some(fingerprint(action)),
            _ => known.is_some(),
        }
    }

    /// Forgets everything from trace position `seq` (at time `at`) on.
    fn cut(&mut self, seq: u64, at: Time) {
        self.messages.retain(|m| m.sent_seq < seq);
        for m in &mut self.messages {
            if m.end_seq >= seq {
                m.fate = Fate::InFlight;
                m.end_at = m.due_at;
                m.end_seq = u64::MAX;
            }
        }
        for lane in &mut self.lanes {
            // The first change is where the lane starts, so it stays.
            let keep = lane.partition_point(|c| c.seq < seq).max(1);
            lane.truncate(keep);
        }
        self.marks.retain(|m| m.seq < seq);
        self.actions.retain(|&(s, _)| s < seq);
        self.gaps.retain(|&(from, _)| from < at);
        for gap in &mut self.gaps {
            gap.1 = gap.1.min(at);
        }
        self.last_received.iter_mut().for_each(|r| *r = None);
        self.absorbed = seq;
        self.end = at;
    }

    fn set_lane(&mut self, lane: usize, at: Time, seq: u64, state: LaneState) {
        if lane >= self.lanes.len() {
            return;
        }
        let changes = &mut self.lanes[lane];
        match changes.last_mut() {
            Some(last) if last.state == state => {}
            Some(last) if last.at == at => {
                last.state = state;
                last.seq = last.seq.min(seq);
            }
            _ => changes.push(LaneChange { at, seq, state }),
        }
    }

    fn lane_state(&self, node: NodeId) -> Option<LaneState> {
        self.lanes
            .get(node.index())
            .and_then(|l| l.last())
            .map(|c| c.state)
    }

    fn change_lane(&mut self, node: NodeId, at: Time, seq: u64, f: impl FnOnce(&mut LaneState)) {
        if let Some(mut state) = self.lane_state(node) {
            f(&mut state);
            self.set_lane(node.index(), at, seq, state);
        }
    }

    fn mark(&mut self, event: &TraceEvent, lane: Option<Endpoint>, kind: MarkKind) {
        self.marks.push(Mark {
            at: event.at,
            lane,
            kind,
            seq: event.seq,
        });
    }

    fn absorb(&mut self, event: &TraceEvent) {
        let (at, seq) = (event.at, event.seq);
        self.end = self.end.max(at);
        match &event.kind {
            TraceKind::MessageSent {
                id,
                from,
                to,
                kind,
                deliver_at,
                duplicate,
                fields,
            } => {
                let heartbeat = match kind {
                    MessageKind::AppendEntries => fields.count == 0,
                    MessageKind::AppendEntriesReply => {
                        let answered = from
                            .node()
                            .and_then(|n| self.last_received.get(n.index()).copied().flatten());
                        fields.ok && matches!(answered, Some((t, true)) if t == at)
                    }
                    _ => false,
                };
                self.longest_flight = self.longest_flight.max(*deliver_at - at);
                self.messages.push(MessageRecord {
                    id: *id,
                    from: *from,
                    to: *to,
                    kind: *kind,
                    fields: *fields,
                    sent_at: at,
                    end_at: *deliver_at,
                    due_at: *deliver_at,
                    fate: Fate::InFlight,
                    duplicate: *duplicate,
                    heartbeat,
                    sent_seq: seq,
                    end_seq: u64::MAX,
                });
            }
            TraceKind::MessageDelivered { id, to, .. } => {
                if let Some(m) = self.finish(*id, at, seq, Fate::Delivered) {
                    if let Some(n) = to.node() {
                        if let Some(slot) = self.last_received.get_mut(n.index()) {
                            *slot = Some((at, m.kind == MessageKind::AppendEntries && m.heartbeat));
                        }
                    }
                }
            }
            TraceKind::MessageDropped { id, reason, .. } => {
                self.finish(*id, at, seq, Fate::Lost(*reason));
            }
            TraceKind::Node { node, event: e } => self.absorb_node(event, *node, e),
            TraceKind::ClientInvoked { client, .. } => {
                self.mark(event, Some(Endpoint::Client(*client)), MarkKind::Invoked)
            }
            TraceKind::ClientCompleted { client, .. } => {
                self.mark(event, Some(Endpoint::Client(*client)), MarkKind::Completed)
            }
            TraceKind::ActionApplied(action) => {
                self.actions.push((seq, fingerprint(action)));
                match **action {
                    Action::Stop(n) => self.change_lane(n, at, seq, |s| s.stopped = true),
                    Action::Restart(n) => self.change_lane(n, at, seq, |s| s.stopped = false),
                    Action::Partition(_)
                    | Action::Heal
                    | Action::CutLink(..)
                    | Action::CutOneWay { .. }
                    | Action::RestoreLink(..) => self.mark(event, None, MarkKind::Network),
                    _ => {}
                }
            }
            TraceKind::InvariantViolated(_) => self.mark(event, None, MarkKind::Violation),
            TraceKind::TimerFired { .. }
            | TraceKind::ClientRedirected { .. }
            | TraceKind::ClientRetried { .. }
            | TraceKind::ClientGaveUp { .. } => {}
        }
    }

    fn finish(&mut self, id: MessageId, at: Time, seq: u64, fate: Fate) -> Option<MessageRecord> {
        let i = self.messages.binary_search_by_key(&id, |m| m.id).ok()?;
        let m = &mut self.messages[i];
        if m.fate != Fate::InFlight {
            return None;
        }
        m.end_at = at;
        m.end_seq = seq;
        m.fate = fate;
        self.longest_flight = self.longest_flight.max(at - m.sent_at);
        Some(*m)
    }

    fn absorb_node(&mut self, event: &TraceEvent, node: NodeId, e: &NodeEvent) {
        let (at, seq) = (event.at, event.seq);
        let lane = Some(Endpoint::Node(node));
        match *e {
            NodeEvent::RoleChanged { to, term, .. } => {
                self.change_lane(node, at, seq, |s| {
                    s.role = to;
                    s.term = term;
                });
                if to == Role::Leader {
                    self.mark(event, lane, MarkKind::Elected(term));
                }
            }
            NodeEvent::TermChanged { to, .. } => self.change_lane(node, at, seq, |s| s.term = to),
            NodeEvent::CommitAdvanced { to, .. } => self.mark(event, lane, MarkKind::Committed(to)),
            NodeEvent::EntriesTruncated { from_index, .. } => {
                self.mark(event, lane, MarkKind::Truncated(from_index))
            }
            NodeEvent::SnapshotTaken { index, .. } | NodeEvent::SnapshotInstalled { index, .. } => {
                self.mark(event, lane, MarkKind::Snapshot(index))
            }
            NodeEvent::ChangeStarted { .. } | NodeEvent::ConfigCommitted { .. } => {
                self.mark(event, lane, MarkKind::Config)
            }
            _ => {}
        }
    }

    /// The history of a recorded run (`config` and its `actions`) up to `until`, built by
    /// replaying it: what a world that jumped there (a share link opened at its end, a long seek)
    /// could not show, since it keeps only its recent events.
    pub fn replayed(config: &Config, actions: &[TimedAction], until: Time) -> Option<History> {
        let mut history = History::default();
        let mut steps = 0u32;
        // The world keeps 4,000 to 8,000 events; reading it every 2,000 misses none.
        let mut watch = |w: &World| {
            steps += 1;
            if steps.is_multiple_of(2_000) {
                history.sync(w);
            }
        };
        let mut world =
            World::replay_watched(config.clone(), actions, Some(4_000), &mut watch).ok()?;
        world.advance_watched(until, &mut watch);
        history.sync(&world);
        Some(history)
    }

    /// How many servers have a lane.
    pub fn servers(&self) -> usize {
        self.lanes.len()
    }

    /// How many clients have a lane.
    pub fn clients(&self) -> usize {
        self.clients
    }

    /// A server's states over time, oldest first.
    pub fn lane(&self, server: usize) -> &[LaneChange] {
        self.lanes.get(server).map_or(&[], Vec::as_slice)
    }

    /// Every message, in sending order.
    pub fn messages(&self) -> &[MessageRecord] {
        &self.messages
    }

    /// The messages whose flight overlaps `from..=to`, in sending order.
    pub fn messages_between(&self, from: Time, to: Time) -> &[MessageRecord] {
        let start = from.saturating_sub(self.longest_flight);
        let first = self.messages.partition_point(|m| m.sent_at < start);
        let last = self.messages.partition_point(|m| m.sent_at <= to);
        &self.messages[first..last.max(first)]
    }

    /// The marks, in time order.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The marks in `from..=to`.
    pub fn marks_between(&self, from: Time, to: Time) -> &[Mark] {
        let first = self.marks.partition_point(|m| m.at < from);
        let last = self.marks.partition_point(|m| m.at <= to);
        &self.marks[first..last.max(first)]
    }

    /// The latest moment the history knows.
    pub fn end(&self) -> Time {
        self.end
    }

    /// Stretches of time whose events were not seen.
    pub fn gaps(&self) -> &[(Time, Time)] {
        &self.gaps
    }
}
