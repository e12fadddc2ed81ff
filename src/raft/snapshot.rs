//! Snapshots (§7, Figure 12): the state machine at one committed index, standing in for every
//! log entry up to it, so that logs do not grow for ever.

use super::{ClientId, LogIndex, Membership, Term};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// The client dedupe table, by client.
pub type Sessions = BTreeMap<ClientId, Session>;

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
