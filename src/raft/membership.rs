//! Cluster membership (§6 of the paper, chapter 4 of the thesis): which servers vote, which are
//! only learning, and the change a leader makes one step at a time.
//!
//! A configuration travels in the replicated log as an entry like any other command, and every
//! server uses the latest configuration in its log, committed or not. Majorities are the
//! [`Quorum`]'s business; this module says who is in the cluster and how a requested change
//! becomes a sequence of configurations.

use super::{NodeId, Quorum, Voters};
use serde::{Deserialize, Serialize};

/// A configuration: the voters (one set, or two during a joint change) and the learners, new
/// servers that receive the log but do not vote until they have caught up (thesis §4.2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// Whose votes count and how.
    pub quorum: Quorum,
    /// Servers that replicate the log without voting.
    pub learners: Voters,
}

impl Membership {
    /// A configuration of `voters` alone.
    pub fn simple(voters: Voters) -> Membership {
        Membership {
            quorum: Quorum::simple(voters),
            learners: Voters::default(),
        }
    }

    /// Every server whose vote counts (in either half of a joint configuration).
    pub fn voters(&self) -> Voters {
        self.quorum.voters()
    }

    /// Every server the leader replicates to: voters and learners.
    pub fn members(&self) -> Voters {
        self.voters().union(self.learners)
    }

    /// Whether `id` votes in this configuration.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters().contains(id)
    }

    /// What `id` is in this configuration.
    pub fn role_of(&self, id: NodeId) -> Member {
        if self.is_voter(id) {
            Member::Voter
        } else if self.learners.contains(id) {
            Member::Learner
        } else {
            Member::None
        }
    }

    /// Whether this is a joint configuration C_old,new.
    pub fn is_joint(&self) -> bool {
        self.quorum.is_joint()
    }

    /// The same configuration with `learners` instead.
    fn with_learners(self, learners: Voters) -> Membership {
        Membership { learners, ..self }
    }

    /// The next configuration a leader appends on its way to `change`, or why it cannot
    /// (see [`ChangeRefusal`]). `single_server` chooses between one-server steps (thesis §4.1)
    /// and joint consensus (§6). A new server always joins as a learner first.
    pub fn begin(
        &self,
        change: MembershipChange,
        single_server: bool,
    ) -> Result<Membership, ChangeRefusal> {
        if self.is_joint() {
            return Err(ChangeRefusal::InProgress);
        }
        let voters = self.quorum.incoming();
        match change {
            MembershipChange::Add(id) if self.members().contains(id) => {
                Err(ChangeRefusal::AlreadyMember(id))
            }
            MembershipChange::Add(_) if !self.learners.is_empty() => Err(ChangeRefusal::InProgress),
            MembershipChange::Add(id) => Ok(self.with_learners(self.learners.with(id))),
            MembershipChange::Remove(id) if self.learners.contains(id) => {
                Ok(self.with_learners(self.learners.without(id)))
            }
            MembershipChange::Remove(id) if !voters.contains(id) => {
                Err(ChangeRefusal::NotMember(id))
            }
            MembershipChange::Remove(id) if voters.without(id).is_empty() => {
                Err(ChangeRefusal::WouldBeEmpty)
            }
            MembershipChange::Remove(id) => Ok(self.step_to(voters.without(id), single_server)),
        }
    }

    /// The configuration that moves the voters to `target`: in one step, or through the joint
    /// configuration C_old,new. Learners stay as they are.
    pub fn step_to(&self, target: Voters, single_server: bool) -> Membership {
        let quorum = if single_server {
            Quorum::simple(target)
        } else {
            Quorum::joint(self.quorum.incoming(), target)
        };
        Membership {
            quorum,
            learners: self.learners.minus(target),
        }
    }

    /// A joint configuration's second step: C_new alone (§6: once C_old,new is committed, the
    /// leader appends C_new).
    pub fn leave_joint(&self) -> Membership {
        Membership {
            quorum: Quorum::simple(self.quorum.incoming()),
            learners: self.learners,
        }
    }
}

/// Server names joined by commas: "A, B, C".
pub fn names(set: Voters) -> String {
    set.iter()
        .map(|id| id.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Membership {
    /// The voting servers as written in every language: "A, B, C", or "A, B, C → A, B, C, D"
    /// while joint.
    pub fn voters_text(&self) -> String {
        let incoming = names(self.quorum.incoming());
        if self.is_joint() {
            format!("{} → {incoming}", names(self.quorum.outgoing()))
        } else {
            incoming
        }
    }
}

/// As a lesson file writes it: [`Membership::voters_text`], then "+ D learning" for learners
/// (the page says it in the reader's words: `sim::words::configuration`).
impl std::fmt::Display for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.voters_text())?;
        if !self.learners.is_empty() {
            write!(f, " + {} learning", names(self.learners))?;
        }
        Ok(())
    }
}

/// What a server is in a configuration, for the UI's `data-member` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// Its vote counts.
    Voter,
    /// It receives the log but does not vote yet.
    Learner,
    /// It is not in the configuration.
    None,
}

impl Member {
    /// The attribute value: `voter`, `learner` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Member::Voter => "voter",
            Member::Learner => "learner",
            Member::None => "none",
        }
    }
}

/// A change a leader is asked to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipChange {
    /// Add a server: it learns first, then votes.
    Add(NodeId),
    /// Remove a server (a learner, or a voter).
    Remove(NodeId),
}

/// Why a leader would not start a membership change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeRefusal {
    /// This server is not a running leader.
    NotLeader,
    /// An earlier change is not finished: its configuration is not committed yet, the cluster is
    /// in a joint configuration, or a new server is still catching up. One change at a time.
    InProgress,
    /// The server is in the configuration already.
    AlreadyMember(NodeId),
    /// The server is not in the configuration.
    NotMember(NodeId),
    /// The change would leave no voter at all.
    WouldBeEmpty,
}

impl std::fmt::Display for ChangeRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeRefusal::NotLeader => f.write_str("only a running leader changes the membership"),
            ChangeRefusal::InProgress => f.write_str(
                "a membership change is already in progress; the cluster makes one at a time",
            ),
            ChangeRefusal::AlreadyMember(n) => write!(f, "{n} is in the cluster already"),
            ChangeRefusal::NotMember(n) => write!(f, "{n} is not in the cluster"),
            ChangeRefusal::WouldBeEmpty => {
                f.write_str("the cluster would have no voting server left")
            }
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

    #[test]
    fn configurations_read_as_server_lists() {
        let abc = Membership::simple(Voters::first(3));
        assert_eq!(abc.to_string(), "A, B, C");
        let learning = abc.begin(MembershipChange::Add(D), false).unwrap();
        assert_eq!(learning.to_string(), "A, B, C + D learning");
        let joint = learning.step_to(Voters::first(4), false);
        assert_eq!(joint.to_string(), "A, B, C → A, B, C, D");
        assert_eq!(joint.leave_joint().to_string(), "A, B, C, D");
        assert_eq!(
            (abc.role_of(A), learning.role_of(D), abc.role_of(D)),
            (Member::Voter, Member::Learner, Member::None)
        );
        assert_eq!(
            [Member::Voter, Member::Learner, Member::None].map(Member::as_str),
            ["voter", "learner", "none"]
        );
    }

    // Thesis §4.2.1: a new server joins without a vote; §6: joint consensus goes through
    // C_old,new; thesis §4.1: a single-server change goes straight to C_new.
    #[test]
    fn a_change_steps_through_the_right_configurations() {
        let abc = Membership::simple(Voters::first(3));
        let learning = abc.begin(MembershipChange::Add(D), true).unwrap();
        assert!(!learning.is_voter(D) && learning.members().contains(D));
        let single = learning.step_to(Voters::first(4), true);
        assert!(!single.is_joint() && single.is_voter(D) && single.learners.is_empty());
        let removal = abc.begin(MembershipChange::Remove(A), false).unwrap();
        assert!(removal.is_joint());
        assert!(
            removal.is_voter(A),
            "A votes in C_old until C_new takes over"
        );
        assert!(!removal.leave_joint().is_voter(A));
        let dropped = learning.begin(MembershipChange::Remove(D), false).unwrap();
        assert_eq!(dropped, abc, "removing a learner drops it at once");
    }

    #[test]
    fn refusals_name_the_reason() {
        let abc = Membership::simple(Voters::first(3));
        let one = Membership::simple(Voters::first(1));
        let learning = abc.begin(MembershipChange::Add(D), false).unwrap();
        let joint = abc.begin(MembershipChange::Remove(C), false).unwrap();
        let cases = [
            (
                abc.begin(MembershipChange::Add(B), false),
                "B is in the cluster",
            ),
            (abc.begin(MembershipChange::Remove(D), false), "D is not"),
            (one.begin(MembershipChange::Remove(A), true), "no voting"),
            (
                learning.begin(MembershipChange::Add(NodeId(4)), false),
                "one at a time",
            ),
            (
                joint.begin(MembershipChange::Remove(B), false),
                "one at a time",
            ),
        ];
        for (result, says) in cases {
            let refusal = result.expect_err(says);
            assert!(refusal.to_string().contains(says), "{refusal}");
        }
        assert!(ChangeRefusal::NotLeader.to_string().contains("leader"));
    }
}
