//! The roles a Raft server can be in (§5.1).

use serde::{Deserialize, Serialize};

/// The role of a running server. A stopped server keeps its last role internally but the world
/// reports it as stopped; see [`crate::raft::Node::is_stopped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Passive: answers leaders and candidates, and becomes a candidate when it hears nothing.
    Follower,
    /// PreVote only (§9.6 of the Raft thesis): asks whether it *could* win before bumping its term,
    /// so a server cut off from the cluster does not disrupt it when it comes back.
    PreCandidate,
    /// Asking for votes in its own, new term.
    Candidate,
    /// Handles client requests and replicates the log.
    Leader,
}

impl Role {
    /// The lowercase name used by the UI's `data-role` attribute. A pre-candidate is shown as a
    /// candidate because, to someone watching, it is campaigning.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate | Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }

    /// A human label that keeps pre-candidates distinct, for event descriptions.
    pub fn label(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
