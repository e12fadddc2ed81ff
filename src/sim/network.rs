//! The simulated network: messages in flight, partitions and cut links.
//!
//! Loss and duplication are decided when a message is sent; partitions, cut links and stopped
//! receivers are checked when it arrives. Checking at arrival means a message already on its way
//! when a partition starts is lost, and one on its way when it heals gets through, which is what a
//! real network does and what the UI can animate.

use crate::raft::{Endpoint, Message, NodeId, Time, Voters};
use serde::{Deserialize, Serialize};

/// The id of a message in the network, unique within a world and increasing in sending order.
pub type MessageId = u64;

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropReason {
    /// Random loss, at the configured rate.
    Loss,
    /// Sender and receiver were in different partitions when it arrived.
    Partition,
    /// The link from sender to receiver was cut when it arrived.
    LinkCut,
    /// The receiver was stopped when it arrived.
    Stopped,
    /// The user dropped it.
    User,
}

/// A message travelling through the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightMessage {
    /// Its id.
    pub id: MessageId,
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// When it was sent.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
    /// Its full contents.
    pub message: Message,
    /// True for the extra copy made by duplication.
    pub duplicate: bool,
}

/// The messages in flight as a window of slots by id: slot `i` holds message `first_id + i` while
/// it is in flight. Ids only grow and a message spends only its latency in flight, so the window
/// is short, and finding a message to deliver is an index rather than a search (this was a tenth
/// of the simulator's time with a sorted ring buffer). Iterating the slots gives sending order.
#[derive(Clone, Debug, Default)]
struct InFlight {
    slots: Vec<Option<InFlightMessage>>,
    first_id: MessageId,
    /// How many slots hold a message.
    live: usize,
    /// How many slots at the front are known to be empty: the oldest message in flight is at
    /// `first_id + head` or later.
    head: usize,
}

impl InFlight {
    fn slot(&self, id: MessageId) -> Option<&Option<InFlightMessage>> {
        let at = usize::try_from(id.checked_sub(self.first_id)?).ok()?;
        self.slots.get(at)
    }

    fn slot_mut(&mut self, id: MessageId) -> Option<&mut Option<InFlightMessage>> {
        let at = usize::try_from(id.checked_sub(self.first_id)?).ok()?;
        self.slots.get_mut(at)
    }
}

/// Network state: what is in flight and which links are blocked.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// The messages in flight, by id (see [`InFlight`]).
    in_flight: InFlight,
    /// Partition group of each node; `None` when the network is whole.
    groups: Option<Vec<u8>>,
    /// Cut directed links: for each sender, the receivers it cannot reach. A bit set per server
    /// rather than a set of pairs, whose map code would cost the wasm bundle kilobytes.
    cut: Vec<Voters>,
    next_id: MessageId,
}

impl Network {
    /// Messages in flight, in sending order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlightMessage> + '_ {
        self.in_flight.slots.iter().flatten()
    }

    /// How many messages are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.live
    }

    /// The message in flight with `id`, if any.
    pub fn get(&self, id: MessageId) -> Option<&InFlightMessage> {
        self.in_flight.slot(id)?.as_ref()
    }

    /// Whether `id` is in flight.
    pub fn contains(&self, id: MessageId) -> bool {
        self.get(id).is_some()
    }

    /// The current partition as groups of nodes (each sorted), or `None` when there is none.
    pub fn partition(&self) -> Option<Vec<Vec<NodeId>>> {
        let groups = self.groups.as_ref()?;
        let count = groups
            .iter()
            .copied()
            .max()
            .map_or(0, |m| usize::from(m) + 1);
        let mut out = vec![Vec::new(); count];
        for (i, &g) in groups.iter().enumerate() {
            out[usize::from(g)].push(NodeId(i as u8));
        }
        out.retain(|g| !g.is_empty());
        Some(out)
    }

    /// The cut directed links `(from, to)`, in order.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut
            .iter()
            .enumerate()
            .flat_map(|(from, to)| to.iter().map(move |to| (NodeId(from as u8), to)))
    }

    /// Whether messages from `from` to `to` are currently blocked by a cut.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut
            .get(from.index())
            .is_some_and(|set| set.contains(to))
    }

    /// Whether a message from `from` would currently get through to `to`, ignoring loss and the
    /// receiver being stopped. Clients are outside any partition and reach every server.
    pub fn blocked(&self, from: Endpoint, to: Endpoint) -> Option<DropReason> {
        let (Endpoint::Node(a), Endpoint::Node(b)) = (from, to) else {
            return None;
        };
        if let Some(groups) = &self.groups {
            if groups.get(a.index()) != groups.get(b.index()) {
                return Some(DropReason::Partition);
            }
        }
        if self.is_cut(a, b) {
            return Some(DropReason::LinkCut);
        }
        None
    }

    pub(crate) fn next_id(&mut self) -> MessageId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(crate) fn insert(&mut self, msg: InFlightMessage) {
        let f = &mut self.in_flight;
        if f.live == 0 {
            // Nothing to keep: the window starts again at this message.
            f.slots.clear();
            f.first_id = msg.id;
            f.head = 0;
        }
        // Ids only grow; those of messages never put in flight (lost when sent) stay empty.
        let at = usize::try_from(msg.id - f.first_id).unwrap_or(usize::MAX);
        debug_assert!(at >= f.slots.len(), "ids only grow");
        f.slots.resize_with(at, || None);
        f.slots.push(Some(msg));
        f.live += 1;
    }

    pub(crate) fn remove(&mut self, id: MessageId) -> Option<InFlightMessage> {
        let f = &mut self.in_flight;
        let taken = f.slot_mut(id)?.take()?;
        f.live -= 1;
        // Messages mostly arrive oldest first: when the oldest goes, the empty slots at the front
        // are dropped in bulk once they are most of the window (O(1) amortised).
        if id == f.first_id + f.head as MessageId {
            while f.slots.get(f.head).is_some_and(Option::is_none) {
                f.head += 1;
            }
            if f.head >= 32 && f.head * 2 >= f.slots.len() {
                f.slots.drain(..f.head);
                f.first_id += f.head as MessageId;
                f.head = 0;
            }
        }
        Some(taken)
    }

    pub(crate) fn set_partition(&mut self, groups: Option<Vec<u8>>) {
        self.groups = groups;
    }

    pub(crate) fn cut(&mut self, from: NodeId, to: NodeId) -> bool {
        if self.is_cut(from, to) {
            return false;
        }
        if self.cut.len() <= from.index() {
            self.cut.resize(from.index() + 1, Voters::default());
        }
        self.cut[from.index()] = self.cut[from.index()].with(to);
        true
    }

    pub(crate) fn restore(&mut self, from: NodeId, to: NodeId) -> bool {
        let was = self.is_cut(from, to);
        if was {
            self.cut[from.index()] = self.cut[from.index()].without(to);
        }
        was
    }

    pub(crate) fn heal(&mut self) {
        self.groups = None;
        self.cut.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: MessageId) -> InFlightMessage {
        InFlightMessage {
            id,
            from: Endpoint::Node(NodeId(0)),
            to: Endpoint::Node(NodeId(1)),
            sent_at: 0,
            deliver_at: 0,
            message: Message::TimeoutNow { term: 1 },
            duplicate: false,
        }
    }

    /// The window of slots behaves like the sorted list it replaced: ids with gaps (messages
    /// lost when sent), removals in any order, iteration in sending order; and a steady flow
    /// that never empties keeps the window short.
    #[test]
    fn messages_in_flight_are_found_by_id_in_sending_order() {
        let mut net = Network::default();
        let mut expected: Vec<MessageId> = Vec::new();
        let mut x = 7u64;
        let mut next = 0;
        for round in 0..5_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            next += 1 + (x >> 60) % 3; // some ids are never put in flight
            net.insert(message(next));
            expected.push(next);
            // Deliver: mostly the oldest, sometimes one from the middle, never the newest few
            // (so that something is always in flight).
            if expected.len() > 4 {
                let i = if round % 5 == 0 {
                    (x >> 33) as usize % (expected.len() - 3)
                } else {
                    0
                };
                let id = expected.remove(i);
                assert_eq!(net.remove(id).map(|m| m.id), Some(id));
                assert!(net.remove(id).is_none(), "removed twice");
            }
            assert_eq!(net.in_flight_count(), expected.len());
            assert!(net.get(next + 1).is_none() && net.get(0).is_none());
        }
        let ids: Vec<MessageId> = net.in_flight().map(|m| m.id).collect();
        assert_eq!(ids, expected);
        assert!(expected
            .iter()
            .all(|&id| net.get(id).is_some_and(|m| m.id == id)));
        assert!(net.in_flight.slots.len() < 200, "the window stays short");
    }
}
