//! Snapshots (§7, Figure 12): the state machine at one committed index, standing in for every
//! log entry up to it, so that logs do not grow for ever.

use super::{ClientId, LogIndex, Membership, Term};
use serde::{Deserialize, Serialize};

/// The latest command applied for one client, kept by the state machine so that a retried
/// command is applied once and answered with its original result (the client dedupe table of
/// thesis §6.3). It is part of the state machine, so snapshots carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Session {
    /// The client's sequence number of that command.
    pub seq: u64,
    /// The value it produced.
    pub value: i64,
    /// The index at which it was applied.
    pub index: LogIndex,
}

/// The client dedupe table: the latest session of each client, in client order. A sorted
/// vector (there are a handful of clients) rather than a map, whose code would cost the wasm
/// bundle kilobytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sessions(Vec<(ClientId, Session)>);

impl Sessions {
    /// An empty table.
    pub fn new() -> Sessions {
        Sessions::default()
    }

    /// The session of `client`, if it has one.
    pub fn get(&self, client: &ClientId) -> Option<&Session> {
        let at = self.0.binary_search_by_key(client, |e| e.0).ok()?;
        self.0.get(at).map(|e| &e.1)
    }

    /// Records `session` as `client`'s latest.
    pub fn insert(&mut self, client: ClientId, session: Session) {
        match self.0.binary_search_by_key(&client, |e| e.0) {
            Ok(at) => self.0[at].1 = session,
            Err(at) => self.0.insert(at, (client, session)),
        }
    }

    /// How many clients have a session.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no client has a session.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Forgets every session.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// A snapshot of the state machine (Figure 12): what applying every entry up to
/// `last_index` produced, plus what a server needs to carry on from there.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// `lastIncludedIndex`: the index of the last entry the snapshot replaces.
    pub last_index: LogIndex,
    /// `lastIncludedTerm`: that entry's term, so that the consistency check of the next
    /// AppendEntries still works at the start of the remaining log.
    pub last_term: Term,
    /// The state machine's value after that entry.
    pub value: i64,
    /// The client dedupe table after that entry.
    pub sessions: Sessions,
    /// The latest configuration at or before `last_index` (§7: "the latest configuration as of
    /// the last included index"), since the entry that held it may be gone.
    pub config: Membership,
}

impl FromIterator<(ClientId, Session)> for Sessions {
    fn from_iter<I: IntoIterator<Item = (ClientId, Session)>>(iter: I) -> Sessions {
        let mut sessions = Sessions::new();
        for (client, session) in iter {
            sessions.insert(client, session);
        }
        sessions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_keep_the_latest_per_client_in_client_order() {
        let s = |seq, value, index| Session { seq, value, index };
        let mut sessions = Sessions::new();
        assert!(sessions.is_empty());
        assert_eq!(sessions.len(), 0);
        sessions.insert(ClientId(2), s(1, 5, 1));
        sessions.insert(ClientId(0), s(1, 6, 2));
        sessions.insert(ClientId(2), s(2, 7, 3));
        assert!(!sessions.is_empty());
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions.get(&ClientId(2)), Some(&s(2, 7, 3)));
        assert_eq!(sessions.get(&ClientId(0)), Some(&s(1, 6, 2)));
        assert_eq!(sessions.get(&ClientId(1)), None);
        let rebuilt: Sessions = [(ClientId(0), s(1, 6, 2)), (ClientId(2), s(2, 7, 3))]
            .into_iter()
            .collect();
        assert_eq!(rebuilt, sessions);
        sessions.clear();
        assert!(sessions.is_empty());
        assert_eq!(sessions.get(&ClientId(0)), None);
    }
}
