//! Answering GET without a log entry (§8, thesis §6.4): a leader must know it is still the
//! leader before it answers from its own state, or a deposed leader cut off from the cluster
//! would answer with a stale value.

use super::{Node, NodeEvent, Output};
use crate::raft::{ClientId, ClientReply, Endpoint, LogIndex, Message, Role, Time};
use serde::{Deserialize, Serialize};

/// How a leader answers GET.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMode {
    /// As a log entry like any command: answered when the entry is applied. Simple and slow,
    /// and every read costs a disk write on every server (§8).
    Log,
    /// ReadIndex (thesis §6.4): note the commit index, confirm leadership with a round of
    /// heartbeats answered by a majority, then answer once applied up to the noted index.
    #[default]
    ReadIndex,
    /// Lease reads (thesis §6.4.1): while a majority answered a heartbeat sent less than an
    /// election timeout ago, no other leader can have been elected, so answer at once. Safe
    /// only if clocks and timers keep to their bounds.
    Lease,
}

impl ReadMode {
    /// Every mode, for a settings menu.
    pub const ALL: [ReadMode; 3] = [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease];

    /// The catalogue key of how GET is served, in words that complete "GET served ..."
    /// (`option.served.*`: "through the log").
    pub fn key(self) -> &'static str {
        match self {
            ReadMode::Log => "option.served.log",
            ReadMode::ReadIndex => "option.served.read-index",
            ReadMode::Lease => "option.served.lease",
        }
    }
}

/// How a server knew it could answer a GET from its own state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadPath {
    /// A majority answered heartbeats sent after the read arrived (ReadIndex).
    ReadIndex,
    /// The leader's lease held.
    Lease,
    /// It did not know: the break-Raft switch answers from any server's state at once.
    Local,
}

/// A GET the leader holds until it may answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PendingRead {
    client: ClientId,
    seq: u64,
    /// When it arrived: heartbeats sent from then on confirm the leadership for it.
    arrived: Time,
    /// The commit index noted for it; `None` until an entry of this leader's term is committed
    /// (before that, the leader's commit index may be behind its predecessor's).
    read_index: Option<LogIndex>,
}

impl Node {
    /// A GET arrived at this leader (ReadIndex or lease mode).
    pub(super) fn on_read(&mut self, client: ClientId, seq: u64, now: Time, out: &mut Output) {
        if self
            .pending_reads
            .iter()
            .any(|r| r.client == client && r.seq == seq)
        {
            return; // a retry of a read already waiting
        }
        let own_term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        self.pending_reads.push(PendingRead {
            client,
            seq,
            arrived: now,
            read_index: own_term_committed.then_some(self.commit_index),
        });
        if !own_term_committed && self.log.last_term() != self.current_term {
            // Thesis §6.4, step 1: nothing of this term to commit yet, so append a no-op.
            self.append_noop(now, out);
        }
        if !self.lease_holds(now) {
            // Step 2: a fresh round of heartbeats; the answers confirm the leadership.
            self.broadcast_append(now, out);
        }
        self.serve_reads(now, out);
    }

    /// Whether a majority answered AppendEntries this leader sent at `since` or later.
    fn confirmed_since(&self, since: Time) -> bool {
        self.quorum().is_majority(|id| {
            id == self.id
                || self
                    .acked_at
                    .get(id.index())
                    .copied()
                    .flatten()
                    .is_some_and(|t| t >= since)
        })
    }

    /// Whether this leader's lease holds at `now`: a majority answered a heartbeat sent within
    /// the cluster's minimum election timeout, and none of them will vote for another server
    /// until that timeout has passed since (§6), so no other leader can exist yet. A leader
    /// that sent TimeoutNow gave that guarantee away.
    pub(super) fn lease_holds(&self, now: Time) -> bool {
        let lease = self.options.cluster_election_timeout_min_us;
        self.options.read_mode == ReadMode::Lease
            && !self.lease_void
            && self.confirmed_since(now.saturating_sub(lease).saturating_add(1))
    }

    /// Answers every held GET that may be answered now.
    pub(super) fn serve_reads(&mut self, now: Time, out: &mut Output) {
        if self.pending_reads.is_empty() || self.role != Role::Leader {
            return;
        }
        if self.log.term_at(self.commit_index) == Some(self.current_term) {
            for r in &mut self.pending_reads {
                r.read_index.get_or_insert(self.commit_index);
            }
        }
        let lease = self.lease_holds(now);
        let mut i = 0;
        while i < self.pending_reads.len() {
            let r = self.pending_reads[i];
            let path = if lease {
                ReadPath::Lease
            } else {
                ReadPath::ReadIndex
            };
            let ready = r
                .read_index
                .filter(|&ri| self.last_applied >= ri)
                .filter(|_| lease || self.confirmed_since(r.arrived));
            match ready {
                Some(_) => {
                    self.pending_reads.swap_remove(i);
                    // The value is the state machine's as of its last applied entry, at or
                    // after the read index; the reply names that entry.
                    self.answer_read(r.client, r.seq, self.last_applied, path, out);
                }
                None => i += 1,
            }
        }
    }

    /// The break-Raft switch: answer from this server's state, whatever its role.
    pub(super) fn serve_read_locally(&mut self, client: ClientId, seq: u64, out: &mut Output) {
        self.answer_read(client, seq, self.last_applied, ReadPath::Local, out);
    }

    fn answer_read(
        &mut self,
        client: ClientId,
        seq: u64,
        index: LogIndex,
        path: ReadPath,
        out: &mut Output,
    ) {
        let value = self.value;
        out.events.push(NodeEvent::ReadServed {
            client,
            index,
            value,
            path,
        });
        out.messages.push((
            Endpoint::Client(client),
            Message::ClientResponse {
                seq,
                reply: ClientReply::Ok { value, index },
            },
        ));
    }
}
