//! Majorities, in one place. Every "is this a majority?" question a node asks (votes and
//! pre-votes, §5.2; what is committed, §5.3; CheckQuorum) is answered here, from the set of
//! servers whose votes count.
//!
//! A configuration is either simple (one set of voters: a majority of it decides) or joint
//! (§6, Figure 11: during a change from C_old to C_new, a decision needs a majority of C_old *and*
//! a majority of C_new). Keeping the rules apart from the handlers, as etcd's raft keeps its
//! `quorum` package, means a membership change is a change of configuration, not a special case in
//! every handler.

use super::{LogIndex, NodeId};
use serde::{Deserialize, Serialize};

/// A set of servers, as a bit set over node ids. raftsim clusters have at most 51 servers
/// (`sim::config::MAX_CLUSTER_SIZE`), so 64 bits hold every id.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Voters(u64);

impl Voters {
    /// The most servers a set can hold.
    pub const CAPACITY: usize = 64;

    /// The first `n` servers: A, B, C, … (a cluster of `n` that has never changed).
    pub fn first(n: u8) -> Voters {
        let n = usize::from(n).min(Self::CAPACITY);
        Voters(if n == Self::CAPACITY {
            u64::MAX
        } else {
            (1u64 << n) - 1
        })
    }

    /// Whether `id` is in the set.
    pub fn contains(self, id: NodeId) -> bool {
        self.0 & Self::bit(id) != 0
    }

    /// The bit of `id`; none for an id beyond the capacity.
    fn bit(id: NodeId) -> u64 {
        1u64.checked_shl(u32::from(id.0)).unwrap_or(0)
    }

    /// The set with `id` added.
    pub fn with(self, id: NodeId) -> Voters {
        debug_assert!(
            id.index() < Self::CAPACITY,
            "{id} is beyond the set's capacity"
        );
        Voters(self.0 | Self::bit(id))
    }

    /// The set without `id`.
    pub fn without(self, id: NodeId) -> Voters {
        Voters(self.0 & !Self::bit(id))
    }

    /// The servers in either set.
    pub fn union(self, other: Voters) -> Voters {
        Voters(self.0 | other.0)
    }

    /// The servers in both sets.
    pub fn intersection(self, other: Voters) -> Voters {
        Voters(self.0 & other.0)
    }

    /// The servers in this set and not in `other`.
    pub fn minus(self, other: Voters) -> Voters {
        Voters(self.0 & !other.0)
    }

    /// How many servers the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The servers, in id order.
    pub fn iter(self) -> impl Iterator<Item = NodeId> {
        // Lowest set bit first, clearing it as it goes: as many steps as members, not 64.
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let index = bits.trailing_zeros() as u8;
            bits &= bits - 1;
            Some(NodeId(index))
        })
    }

    /// Whether the servers of this set for which `yes` holds are a majority of it. An empty set
    /// has no majority to find, so it never stands in the way (this is what lets a joint rule
    /// be written as "a majority of each").
    fn majority_says(self, yes: &impl Fn(NodeId) -> bool) -> bool {
        self.is_empty() || self.iter().filter(|&id| yes(id)).count() >= majority(self.len())
    }

    /// The highest index stored on a majority of the set, given each server's highest stored
    /// index: the majority-th highest of them (§5.3). `LogIndex::MAX` for an empty set, so that
    /// it never lowers the minimum taken over a joint configuration.
    fn committed(self, stored: &impl Fn(NodeId) -> LogIndex) -> LogIndex {
        if self.is_empty() {
            return LogIndex::MAX;
        }
        // On the stack: this runs on every AppendEntries reply a leader gets.
        let mut indices = [0; Self::CAPACITY];
        let mut n = 0;
        for id in self.iter() {
            indices[n] = stored(id);
            n += 1;
        }
        let indices = &mut indices[..n];
        // Highest first, by insertion: n is a handful (at most 64), and the library's sort
        // would add a copy of its code, kilobytes, to the wasm bundle for this one call.
        for i in 1..n {
            let mut j = i;
            while j > 0 && indices[j - 1] < indices[j] {
                indices.swap(j - 1, j);
                j -= 1;
            }
        }
        indices[majority(n) - 1]
    }
}

/// How many servers of `size` make a majority (§5.2): more than half.
pub fn majority(size: usize) -> usize {
    size / 2 + 1
}

/// The voters whose agreement decides: one set, or two during a joint change (§6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quorum {
    /// The configuration being moved to (or the only one).
    incoming: Voters,
    /// During a joint change, the configuration being left; empty otherwise.
    outgoing: Voters,
}

impl Quorum {
    /// A simple configuration: a majority of `voters` decides.
    pub fn simple(voters: Voters) -> Quorum {
        Quorum {
            incoming: voters,
            outgoing: Voters::default(),
        }
    }

    /// A joint configuration C_old,new: a decision needs a majority of `old` and a majority of
    /// `new` (§6).
    pub fn joint(old: Voters, new: Voters) -> Quorum {
        Quorum {
            incoming: new,
            outgoing: old,
        }
    }

    /// Whether this is a joint configuration.
    pub fn is_joint(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Every server whose vote counts, in either set.
    pub fn voters(&self) -> Voters {
        self.incoming.union(self.outgoing)
    }

    /// The configuration being moved to (the only one when not joint).
    pub fn incoming(&self) -> Voters {
        self.incoming
    }

    /// During a joint change, the configuration being left; empty otherwise.
    pub fn outgoing(&self) -> Voters {
        self.outgoing
    }

    /// Whether the servers for which `yes` holds (granted votes, replies heard) make a majority
    /// of every set: they win an election, or keep a leader in office. A configuration without
    /// voters has no majority at all.
    pub fn is_majority(&self, yes: impl Fn(NodeId) -> bool) -> bool {
        !self.voters().is_empty()
            && self.incoming.majority_says(&yes)
            && self.outgoing.majority_says(&yes)
    }

    /// The highest index stored on a majority of every set, given each server's highest stored
    /// index (a leader's matchIndex, with its own last index for itself): what may be committed
    /// if its entry is from the leader's term (§5.3, §5.4.2).
    pub fn committed_index(&self, stored: impl Fn(NodeId) -> LogIndex) -> LogIndex {
        let index = self
            .incoming
            .committed(&stored)
            .min(self.outgoing.committed(&stored));
        // With no voters at all nothing is stored on a majority.
        if index == LogIndex::MAX {
            0
        } else {
            index
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);
    const C: NodeId = NodeId(2);
    const D: NodeId = NodeId(3);
    const E: NodeId = NodeId(4);

    fn set(ids: &[NodeId]) -> Voters {
        ids.iter().fold(Voters::default(), |s, &id| s.with(id))
    }

    #[test]
    fn majorities_are_more_than_half() {
        assert_eq!(
            (1..=7).map(majority).collect::<Vec<_>>(),
            [1, 2, 2, 3, 3, 4, 4]
        );
    }

    #[test]
    fn sets_hold_what_is_put_in_them() {
        let abc = Voters::first(3);
        assert_eq!(abc, set(&[A, B, C]));
        assert_eq!(abc.iter().collect::<Vec<_>>(), [A, B, C]);
        assert!(abc.contains(C) && !abc.contains(D));
        assert_eq!((abc.len(), Voters::default().len()), (3, 0));
        assert_eq!(Voters::first(64).len(), 64);
        assert!(!abc.contains(NodeId(200)));
        assert!(!Voters::first(64).contains(NodeId(64)), "ids stop at 63");
        assert_eq!(abc.with(A), abc, "adding a member again changes nothing");
    }

    // §5.2: a candidate wins with votes from a majority of the servers, itself included.
    #[test]
    fn a_simple_majority_is_more_than_half_of_the_voters() {
        let q = Quorum::simple(Voters::first(5));
        assert!(!q.is_joint());
        assert!(q.is_majority(|id| [A, B, C].contains(&id)));
        assert!(!q.is_majority(|id| [A, B].contains(&id)));
        // Servers outside the configuration do not count.
        assert!(!q.is_majority(|id| [A, B, NodeId(7), NodeId(8)].contains(&id)));
        let lone = Quorum::simple(Voters::first(1));
        assert!(lone.is_majority(|id| id == A));
        // No voters, no majority: nobody can win an election in an empty configuration.
        assert!(!Quorum::simple(Voters::default()).is_majority(|_| true));
    }

    // §6, Figure 11: during C_old,new a decision needs both majorities.
    #[test]
    fn a_joint_majority_needs_a_majority_of_each_configuration() {
        let q = Quorum::joint(set(&[A, B, C]), set(&[C, D, E]));
        assert!(q.is_joint());
        assert_eq!(q.voters(), Voters::first(5));
        // A, B, C: all of the old, only C of the new.
        assert!(!q.is_majority(|id| [A, B, C].contains(&id)));
        // A, C, D: two of the old, two of the new.
        assert!(q.is_majority(|id| [A, C, D].contains(&id)));
        // C, D, E: all of the new, only C of the old.
        assert!(!q.is_majority(|id| [C, D, E].contains(&id)));
    }

    // §5.3: the leader commits the highest index a majority stores.
    #[test]
    fn the_committed_index_is_the_majority_th_highest_stored_index() {
        let q = Quorum::simple(Voters::first(5));
        let stored = [7, 3, 5, 1, 5];
        assert_eq!(q.committed_index(|id| stored[id.index()]), 5);
        let stored = [7, 3, 2, 1, 0];
        assert_eq!(q.committed_index(|id| stored[id.index()]), 2);
        let three = Quorum::simple(Voters::first(3));
        assert_eq!(three.committed_index(|id| [4, 4, 0][id.index()]), 4);
    }

    #[test]
    fn the_joint_committed_index_is_the_lower_of_the_two() {
        let stored = [9, 9, 9, 2, 1];
        let q = Quorum::joint(set(&[A, B, C]), set(&[C, D, E]));
        // Old: 9 on all three. New: C 9, D 2, E 1, so 2 is on a majority of the new.
        assert_eq!(q.committed_index(|id| stored[id.index()]), 2);
        let nobody = Quorum::simple(Voters::default());
        assert_eq!(nobody.committed_index(|_| 5), 0);
    }
}
