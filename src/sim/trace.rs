//! The trace: a typed record of everything that happened, in order.
//!
//! Events are plain data; turning one into words ([`TraceKind::describe`]) happens only when
//! someone looks, so recording stays cheap on the hot path. A running FNV-1a hash over every event
//! (including ones dropped by a retention limit) fingerprints a run, so native and wasm runs, or a
//! run and its replay, can be compared with one number.

use super::why::NodeFacts;
use super::world::Action;
use super::{ClientId, DropReason, MessageId, Violation};
use crate::raft::{
    ChangeStep, Command, Endpoint, Fields, MembershipChange, MessageKind, NodeEvent, NodeId,
    ReadPath, Role, Time,
};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Virtual time of the event.
    pub at: Time,
    /// Position in the whole trace, from 0; unique and increasing.
    pub seq: u64,
    /// What happened.
    pub kind: TraceKind,
}

/// Which timer of a node fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimerKind {
    /// A follower's or candidate's election timeout.
    Election,
    /// A leader's heartbeat (or CheckQuorum) timer.
    Heartbeat,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TraceKind {
    /// A message entered the network.
    MessageSent {
        /// Its id.
        id: MessageId,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Its kind.
        kind: MessageKind,
        /// When it will arrive, unless dropped first.
        deliver_at: Time,
        /// True for the extra copy made by duplication.
        duplicate: bool,
        /// What it says (not hashed, not saved; see [`Fields`]).
        #[serde(skip)]
        fields: Fields,
    },
    /// A message reached its receiver.
    MessageDelivered {
        /// Its id.
        id: MessageId,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Its kind.
        kind: MessageKind,
    },
    /// A message was dropped.
    MessageDropped {
        /// Its id.
        id: MessageId,
        /// Sender.
        from: Endpoint,
        /// Receiver.
        to: Endpoint,
        /// Its kind.
        kind: MessageKind,
        /// Why.
        reason: DropReason,
    },
    /// A node's timer fired.
    TimerFired {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: TimerKind,
    },
    /// Something happened inside a node (role, term, votes, log, commit, apply).
    Node {
        /// The node.
        node: NodeId,
        /// What happened.
        event: NodeEvent,
    },
    /// A client began a new command (it was submitted, or reached the head of its queue).
    ClientInvoked {
        /// The client.
        client: ClientId,
        /// Index into [`super::World::operations`].
        op: usize,
        /// The client's sequence number for it.
        seq: u64,
        /// The command.
        command: Command,
        /// The server it is sent to first.
        node: NodeId,
    },
    /// A client was told to go elsewhere.
    ClientRedirected {
        /// The client.
        client: ClientId,
        /// The sequence number concerned.
        seq: u64,
        /// The server that answered.
        by: NodeId,
        /// The leader it named, if any.
        leader: Option<NodeId>,
    },
    /// A client sent its command again, to `node`, after a timeout or a redirect.
    ClientRetried {
        /// The client.
        client: ClientId,
        /// The sequence number concerned.
        seq: u64,
        /// Where it is sent now.
        node: NodeId,
        /// True when the retry followed a timeout rather than a redirect.
        after_timeout: bool,
    },
    /// A client received the result of its command.
    ClientCompleted {
        /// The client.
        client: ClientId,
        /// Index into [`super::World::operations`].
        op: usize,
        /// The sequence number.
        seq: u64,
        /// The value after the command.
        value: i64,
    },
    /// A client gave up on a command after too many attempts.
    ClientGaveUp {
        /// The client.
        client: ClientId,
        /// Index into [`super::World::operations`].
        op: usize,
        /// The sequence number.
        seq: u64,
    },
    /// A user action was applied (boxed to keep trace events small).
    ActionApplied(Box<Action>),
    /// The invariant checker found a violation (boxed to keep trace events small).
    InvariantViolated(Box<Violation>),
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Follower => "a follower",
        Role::PreCandidate => "a pre-candidate",
        Role::Candidate => "a candidate",
        Role::Leader => "leader",
    }
}

impl TraceKind {
    /// Whether this is a server becoming leader (an election won).
    pub fn is_election_won(&self) -> bool {
        matches!(
            self,
            TraceKind::Node {
                event: NodeEvent::RoleChanged {
                    to: Role::Leader,
                    ..
                },
                ..
            }
        )
    }

    /// The event in plain words, e.g. "B timed out and started term 3", for the UI's event list.
    pub fn describe(&self) -> String {
        match self {
            TraceKind::MessageSent {
                from,
                to,
                kind,
                duplicate,
                ..
            } => {
                if *duplicate {
                    format!("the network duplicated {from}'s {} to {to}", kind.name())
                } else {
                    format!("{from} sent {} to {to}", kind.name())
                }
            }
            TraceKind::MessageDelivered { from, to, kind, .. } => {
                format!("{to} received {} from {from}", kind.name())
            }
            TraceKind::MessageDropped {
                from,
                to,
                kind,
                reason,
                ..
            } => format!("{from}'s {} to {to} was {}", kind.name(), reason.describe()),
            TraceKind::TimerFired { node, timer } => match timer {
                TimerKind::Election => format!("{node}'s election timer ran out"),
                TimerKind::Heartbeat => format!("{node}'s heartbeat timer fired"),
            },
            TraceKind::Node { node, event } => describe_node_event(*node, event),
            TraceKind::ClientInvoked {
                client,
                command,
                node,
                ..
            } => format!("{client} sent {command} to {node}"),
            TraceKind::ClientRedirected {
                client, by, leader, ..
            } => match leader {
                Some(l) => format!("{by} told {client} that the leader is {l}"),
                None => format!("{by} told {client} that it knows no leader"),
            },
            TraceKind::ClientRetried {
                client,
                node,
                after_timeout,
                ..
            } => {
                if *after_timeout {
                    format!("{client} heard nothing and retried at {node}")
                } else {
                    format!("{client} retried at {node}")
                }
            }
            TraceKind::ClientCompleted { client, value, .. } => {
                format!("{client} got its answer: the value is {value}")
            }
            TraceKind::ClientGaveUp { client, .. } => {
                format!("{client} gave up on its command")
            }
            TraceKind::ActionApplied(action) => action.describe(),
            TraceKind::InvariantViolated(v) => format!("invariant violated: {v}"),
        }
    }
}

fn describe_node_event(node: NodeId, event: &NodeEvent) -> String {
    match event {
        NodeEvent::RoleChanged { to, term, .. } => {
            format!("{node} became {} in term {term}", role_word(*to))
        }
        NodeEvent::TermChanged { from, to } => format!("{node} moved from term {from} to {to}"),
        NodeEvent::ElectionStarted { term } => format!("{node} timed out and started term {term}"),
        NodeEvent::PreVoteStarted { term } => {
            format!("{node} timed out and asked for pre-votes for term {term}")
        }
        NodeEvent::VoteGranted { candidate, term } => {
            format!("{node} voted for {candidate} in term {term}")
        }
        NodeEvent::VoteDenied {
            candidate,
            term,
            reason,
        } => format!("{node} refused its vote to {candidate} in term {term}: {reason}"),
        NodeEvent::PreVoteAnswered {
            candidate,
            term,
            granted,
            reason,
        } => match (granted, reason) {
            (true, _) => format!("{node} would vote for {candidate} in term {term}"),
            (false, Some(r)) => {
                format!("{node} would not vote for {candidate} in term {term}: {r}")
            }
            (false, None) => format!("{node} would not vote for {candidate} in term {term}"),
        },
        NodeEvent::VoteReceived {
            voter,
            term,
            votes,
            pre_vote,
        } => {
            let what = if *pre_vote { "a pre-vote" } else { "a vote" };
            format!("{node} got {what} from {voter} for term {term} ({votes} so far)")
        }
        NodeEvent::EntryAppended { entry } => format!(
            "{node} appended {} at index {} (term {})",
            entry.command, entry.index, entry.term
        ),
        NodeEvent::EntriesTruncated { from_index, count } => {
            if *count == 1 {
                format!("{node} removed its conflicting entry at index {from_index}")
            } else {
                format!("{node} removed {count} conflicting entries from index {from_index}")
            }
        }
        NodeEvent::AppendRejected {
            leader,
            prev_log_index,
            prev_log_term,
        } => format!(
            "{node} rejected {leader}'s entries: it has no entry of term {prev_log_term} at index {prev_log_index}"
        ),
        NodeEvent::CommitAdvanced { to, .. } => format!("{node} committed up to index {to}"),
        NodeEvent::Applied {
            index,
            command,
            value,
            duplicate,
            ..
        } => {
            if *duplicate {
                format!("{node} skipped the repeated {command} at index {index}")
            } else {
                format!("{node} applied {command} at index {index}: the value is {value}")
            }
        }
        NodeEvent::LostQuorum { term } => format!(
            "{node} stopped hearing from a majority and stepped down as leader of term {term}"
        ),
        NodeEvent::TransferStarted { target, term } => format!(
            "{node}, leader of term {term}, began handing leadership to {target}: it takes no new commands"
        ),
        NodeEvent::TimeoutNowSent { target, .. } => {
            format!("{target}'s log matches {node}'s, so {node} told {target} to time out now")
        }
        NodeEvent::TransferAborted { target, term } => format!(
            "{node} gave up handing leadership of term {term} to {target} and takes commands again"
        ),
        NodeEvent::ChangeStarted { config, step, .. } => match step {
            ChangeStep::Requested(MembershipChange::Add(n)) => {
                format!("{node} started adding {n}: it joins as a learner ({config})")
            }
            ChangeStep::Requested(MembershipChange::Remove(n)) => {
                format!("{node} started removing {n}: the change to {config}")
            }
            ChangeStep::Promote(n) => {
                format!("{n} caught up and now votes: {node} started the change to {config}")
            }
            ChangeStep::LeaveJoint => {
                format!("the joint configuration is committed, so {node} moved on to {config}")
            }
        },
        NodeEvent::ChangeDeferred { change, term } => {
            let what = match change {
                MembershipChange::Add(n) => format!("adding {n}"),
                MembershipChange::Remove(n) => format!("removing {n}"),
            };
            format!("{node} holds {what} until an entry of term {term} is committed (thesis §4.1)")
        }
        NodeEvent::ConfigCommitted { config, index } => {
            format!("the change to {config} committed (index {index})")
        }
        NodeEvent::LeftCluster { term } => format!(
            "{node} is not in the committed configuration, so it stepped down as leader of term {term}"
        ),
        NodeEvent::SnapshotTaken { index, term } => {
            format!("{node} replaced its log up to index {index} (term {term}) with a snapshot")
        }
        NodeEvent::SnapshotInstalled {
            index,
            value,
            kept_suffix,
            ..
        } => format!(
            "{node} installed the leader's snapshot up to index {index} (value {value}){}",
            if *kept_suffix {
                ", keeping the entries after it"
            } else {
                " in place of its log"
            }
        ),
        NodeEvent::ReadServed {
            client,
            index,
            value,
            path,
        } => {
            let how = match path {
                ReadPath::ReadIndex => "a majority confirmed it still leads",
                ReadPath::Lease => "its lease holds",
                ReadPath::Local => "from its own state, unchecked",
            };
            format!("{node} answered {client}'s GET with {value} (as of index {index}): {how}")
        }
    }
}

/// A 64-bit FNV-1a hasher over a compact, platform-independent byte encoding.
///
/// Derived `Hash` implementations feed it integers; it encodes each as an unsigned LEB128 varint
/// (signed ones zig-zag first), `usize`/`isize` (lengths, enum discriminants) as 64-bit values.
/// So the bytes hashed are the same on 32-bit wasm and 64-bit native targets, and small numbers,
/// which are most of a trace, cost one byte each. That makes `Hash` a stable serialisation for
/// fingerprinting the trace, and a cheap one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv1a(u64);

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Fnv1a {
    /// The FNV-1a offset basis.
    pub const fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }

    #[inline]
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.byte((v as u8) | 0x80);
            v >>= 7;
        }
        self.byte(v as u8);
    }

    #[inline]
    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a::new()
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.byte(i);
    }
    fn write_u16(&mut self, i: u16) {
        self.varint(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.varint(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.varint(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.varint(i as u64);
        self.varint((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.varint(i as u64);
    }
    fn write_i8(&mut self, i: i8) {
        self.byte(i as u8);
    }
    fn write_i16(&mut self, i: i16) {
        self.zigzag(i64::from(i));
    }
    fn write_i32(&mut self, i: i32) {
        self.zigzag(i64::from(i));
    }
    fn write_i64(&mut self, i: i64) {
        self.zigzag(i);
    }
    fn write_i128(&mut self, i: i128) {
        self.write_u128(i as u128);
    }
    fn write_isize(&mut self, i: isize) {
        self.zigzag(i as i64);
    }
}

/// The trace of a world: the retained events plus a hash over all of them.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    events: Vec<TraceEvent>,
    next_seq: u64,
    hash: Fnv1a,
    retain: Option<usize>,
    /// The facts recorded with each retained server event, by its `seq` (kept beside the events,
    /// and out of the hash, so that events and fingerprints stay as they were).
    facts: Vec<(u64, NodeFacts)>,
}

impl Trace {
    /// Records an event at `at`.
    pub fn push(&mut self, at: Time, kind: TraceKind) {
        let event = TraceEvent {
            at,
            seq: self.next_seq,
            kind,
        };
        self.next_seq += 1;
        // `seq` is implied by the order of hashing, so only time and contents are hashed.
        event.at.hash(&mut self.hash);
        event.kind.hash(&mut self.hash);
        self.events.push(event);
        if let Some(keep) = self.retain {
            // Dropping the oldest half at a time keeps this amortised O(1) per event.
            if self.events.len() > keep.saturating_mul(2).max(1) {
                let cut = self.events.len() - keep;
                self.events.drain(..cut);
                let oldest = self.events.first().map_or(self.next_seq, |e| e.seq);
                let stale = self.facts.partition_point(|&(s, _)| s < oldest);
                self.facts.drain(..stale);
            }
        }
    }

    /// Records a server's event at `at`, with the facts it was decided on (see [`NodeFacts`]).
    pub fn push_node(&mut self, at: Time, node: NodeId, event: NodeEvent, facts: NodeFacts) {
        self.facts.push((self.next_seq, facts));
        self.push(at, TraceKind::Node { node, event });
    }

    /// The facts recorded with the server event at trace position `seq`, if it is retained.
    pub fn facts(&self, seq: u64) -> Option<NodeFacts> {
        let i = self.facts.binary_search_by_key(&seq, |&(s, _)| s).ok()?;
        Some(self.facts[i].1)
    }

    /// The retained events, oldest first.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// How many events were ever recorded (retained or not).
    pub fn total(&self) -> u64 {
        self.next_seq
    }

    /// The FNV-1a hash over every event ever recorded.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// Keep at least the last `keep` events (and at most twice that), or all with `None`.
    pub fn set_retention(&mut self, keep: Option<usize>) {
        self.retain = keep;
    }
}
