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

#[cfg(test)]
mod tests {
    use super::*;

    // `data-role` is a contract with end-to-end tests and teachers' scripts; a pre-candidate
    // shows as a candidate there, and by its own name in words.
    #[test]
    fn roles_are_named_for_the_ui_and_for_people() {
        let all = [
            (Role::Follower, "follower", "follower"),
            (Role::PreCandidate, "candidate", "pre-candidate"),
            (Role::Candidate, "candidate", "candidate"),
            (Role::Leader, "leader", "leader"),
        ];
        for (role, attribute, label) in all {
            assert_eq!(role.as_str(), attribute);
            assert_eq!(role.label(), label);
            assert_eq!(role.to_string(), label);
        }
    }
}
