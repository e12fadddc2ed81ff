//! The event queue, ordered by (time, sequence number) so that events at the same virtual time are
//! processed in the order they were scheduled, the same on every run.

use super::MessageId;
use crate::raft::{ClientId, NodeId, Time};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Something scheduled to happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A message arrives.
    Deliver(MessageId),
    /// A node's timer fires; `gen` must match the node's current timer generation, otherwise the
    /// timer was rescheduled and this entry is stale.
    NodeTimer { node: NodeId, gen: u64 },
    /// A client's retry timer fires; stale unless `gen` matches.
    ClientTimer { client: ClientId, gen: u64 },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Scheduled {
    pub(crate) time: Time,
    pub(crate) seq: u64,
    pub(crate) event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// A min-heap of scheduled events. Cancelled timers and dropped messages are not removed
/// eagerly; the world discards such stale entries when they reach the top, which keeps
/// rescheduling O(log n).
#[derive(Clone, Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
}

impl EventQueue {
    pub(crate) fn push(&mut self, time: Time, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Scheduled { time, seq, event }));
    }

    pub(crate) fn peek(&self) -> Option<&Scheduled> {
        self.heap.peek().map(|r| &r.0)
    }

    pub(crate) fn pop(&mut self) -> Option<Scheduled> {
        self.heap.pop().map(|r| r.0)
    }

    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}
