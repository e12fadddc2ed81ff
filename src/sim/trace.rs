//! The trace: a typed record of everything that happened, in order.
//!
//! Events are plain data; turning one into words ([`TraceKind::describe`]) happens only when
//! someone looks, so recording stays cheap on the hot path. A running FNV-1a hash over every event
//! (including ones dropped by a retention limit) fingerprints a run, so native and wasm runs, or a
//! run and its replay, can be compared with one number.

use super::why::NodeFacts;
use super::world::Action;
use super::{ClientId, DropReason, MessageId, Violation};
use crate::raft::{Command, Endpoint, Fields, MessageKind, NodeEvent, NodeId, Role, Time};
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
        /// What it says (not hashed, not saved; see [`Fields`]): the receiver's decisions are
        /// explained from it without looking for the send.
        #[serde(skip)]
        fields: Fields,
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
    /// A plain vector, unlike the logs: the trace keeps only its latest events, and a
    /// time-travel checkpoint only its last few of those, so there is little to share.
    events: Vec<TraceEvent>,
    next_seq: u64,
    hash: Fnv1a,
    retain: Option<usize>,
    /// The facts recorded with each retained server event, by its `seq` (kept beside the events,
    /// and out of the hash, so that events and fingerprints stay as they were).
    /// A plain vector: a checkpoint keeps only its last events' facts, which are few.
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
                self.keep_last(keep);
            }
        }
    }

    /// Drops all but the last `keep` retained events (and their facts). The hash is unchanged.
    pub fn keep_last(&mut self, keep: usize) {
        let cut = self.events.len().saturating_sub(keep);
        self.events.drain(..cut);
        let oldest = self.events.first().map_or(self.next_seq, |e| e.seq);
        let stale = self.facts.partition_point(|&(s, _)| s < oldest);
        self.facts.drain(..stale);
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

    /// Gives back the memory of events no longer retained (a copy kept for long, such as a
    /// time-travel checkpoint, would otherwise hold its original's whole capacity).
    pub fn shrink_to_fit(&mut self) {
        self.events.shrink_to_fit();
        self.facts.shrink_to_fit();
    }

    /// Its heap bytes, estimated: what a copy of it holds.
    pub fn bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<TraceEvent>()
            + self.facts.capacity() * std::mem::size_of::<(u64, NodeFacts)>()
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
