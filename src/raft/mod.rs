//! One Raft node as a pure state machine, following Figure 2 of "In Search of an Understandable
//! Consensus Algorithm" (Ongaro & Ousterhout).
//!
//! Nothing here performs I/O or reads a clock: the caller (the simulated world in [`crate::sim`])
//! hands every input to a [`Node`] together with the current virtual time and a random number
//! generator, and collects the messages and events the node produces. That keeps the node easy to
//! test one message at a time (the unit tests below drive Figures 7 and 8 by hand) and keeps the
//! whole simulation deterministic.

pub mod log;
pub mod membership;
pub mod message;
pub mod node;
pub mod quorum;
pub mod role;
pub mod snapshot;

pub use log::{ClientId, Command, CommandParseError, LogEntry, RaftLog, Removals, RequestId};
pub use membership::{ChangeRefusal, Member, Membership, MembershipChange};
pub use message::{ClientReply, Endpoint, Fields, Message, MessageKind};
pub use node::{
    ChangeStep, DenyReason, Node, NodeEvent, NodeOptions, Output, ReadMode, ReadPath, Safety,
    Transfer, TransferRefusal,
};
pub use quorum::{majority, Quorum, Voters};
pub use role::Role;
pub use snapshot::{Session, Sessions, Snapshot};

/// Virtual time in microseconds since the simulation started.
///
/// Microseconds (rather than milliseconds) let latencies below a millisecond be expressed exactly,
/// while a `u64` still covers more than half a million years.
pub type Time = u64;

/// One millisecond of virtual time, for writing durations readably (`150 * MS`).
pub const MS: Time = 1_000;

/// One second of virtual time.
pub const SECOND: Time = 1_000_000;

/// A Raft term number. Terms start at 0 (no election has happened yet) and only ever grow.
pub type Term = u64;

/// A position in the replicated log. The first entry has index 1; index 0 means "no entry".
pub type LogIndex = u64;

/// The identity of one server in the cluster, counted from 0.
///
/// Nodes are shown to people by letter (`A`, `B`, ...) because the narrative and the paper's
/// figures name them that way; see [`NodeId::name`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct NodeId(pub u8);

impl NodeId {
    /// The node's display name: `A` to `Z` for the first 26 nodes, then `A1` to `Z1`, `A2`, ... so
    /// that every node of a large cluster still has a short, unique name.
    pub fn name(self) -> String {
        let letter = char::from(b'A' + self.0 % 26);
        let round = self.0 / 26;
        if round == 0 {
            letter.to_string()
        } else {
            format!("{letter}{round}")
        }
    }

    /// The position of this node in per-node vectors.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// Parses a name produced by [`NodeId::name`] (case-insensitive), for URL parameters and tests.
    pub fn from_name(name: &str) -> Option<NodeId> {
        let name = name.trim();
        let mut chars = name.chars();
        let letter = chars.next()?.to_ascii_uppercase();
        if !letter.is_ascii_uppercase() {
            return None;
        }
        let rest = chars.as_str();
        let round: u32 = if rest.is_empty() {
            0
        } else {
            let r: u32 = rest.parse().ok()?;
            if r == 0 {
                return None;
            }
            r
        };
        let n = round * 26 + (letter as u32 - 'A' as u32);
        u8::try_from(n).ok().map(NodeId)
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_letters_then_numbered_letters() {
        assert_eq!(NodeId(0).name(), "A");
        assert_eq!(NodeId(25).name(), "Z");
        assert_eq!(NodeId(26).name(), "A1");
        assert_eq!(NodeId(53).name(), "B2");
        for i in 0..=255u8 {
            assert_eq!(NodeId::from_name(&NodeId(i).name()), Some(NodeId(i)));
        }
        assert_eq!(NodeId::from_name("a"), Some(NodeId(0)));
        assert_eq!(NodeId::from_name("A0"), None);
        assert_eq!(NodeId::from_name(""), None);
    }

    #[test]
    fn majority_sizes() {
        assert_eq!(majority(1), 1);
        assert_eq!(majority(2), 2);
        assert_eq!(majority(3), 2);
        assert_eq!(majority(4), 3);
        assert_eq!(majority(5), 3);
        assert_eq!(majority(51), 26);
    }
}
