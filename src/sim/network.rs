//! The simulated network: messages in flight, partitions and cut links.
//!
//! Loss and duplication are decided when a message is sent; partitions, cut links and stopped
//! receivers are checked when it arrives. Checking at arrival means a message already on its way
//! when a partition starts is lost, and one on its way when it heals gets through, which is what a
//! real network does and what the UI can animate.

use crate::raft::{Endpoint, Message, NodeId, Time, Voters};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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

/// Network state: what is in flight and which links are blocked.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Sorted by id, which is also sending order: ids only grow, so pushing keeps it sorted and
    /// lookups are binary searches. A handful of messages are in flight at a time and they mostly
    /// arrive oldest first, which makes a ring buffer faster than a map here.
    in_flight: VecDeque<InFlightMessage>,
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
        self.in_flight.iter()
    }

    /// How many messages are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    /// The message in flight with `id`, if any.
    pub fn get(&self, id: MessageId) -> Option<&InFlightMessage> {
        self.in_flight
            .binary_search_by_key(&id, |m| m.id)
            .ok()
            .and_then(|i| self.in_flight.get(i))
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
        debug_assert!(self.in_flight.back().is_none_or(|m| m.id < msg.id));
        self.in_flight.push_back(msg);
    }

    pub(crate) fn remove(&mut self, id: MessageId) -> Option<InFlightMessage> {
        let i = self.in_flight.binary_search_by_key(&id, |m| m.id).ok()?;
        self.in_flight.remove(i)
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
