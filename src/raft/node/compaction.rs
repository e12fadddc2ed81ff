//! Log compaction (§7): a server replaces the entries it has applied with a snapshot, and a
//! leader sends its snapshot to a follower that needs entries it no longer has (Figure 13).

use super::{Node, NodeEvent, Output};
use crate::raft::{Endpoint, Membership, Message, NodeId, Role, Snapshot, Term, Time};
use rand::Rng;
use std::sync::Arc;

impl Node {
    /// Takes a snapshot of the state machine once `snapshot_threshold` applied entries follow
    /// the last one. Every server compacts on its own (§7: "each server takes snapshots
    /// independently"), and only what it has applied, so only committed entries. It runs at
    /// the start of a call, before anything new happens, so the events of one call never see
    /// an entry committed and compacted away at once (an observer, like the invariant checker,
    /// sees every committed entry in some log before it disappears into a snapshot).
    pub(super) fn compact_if_due(&mut self, out: &mut Output) {
        let threshold = self.options.snapshot_threshold;
        if threshold == 0 || self.last_applied < self.log.snapshot_index() + threshold {
            return;
        }
        let index = self.last_applied;
        let Some(term) = self.log.term_at(index) else {
            return;
        };
        let snapshot = Snapshot {
            last_index: index,
            last_term: term,
            value: self.value,
            sessions: self.sessions.clone(),
            config: self
                .log
                .config_at(index)
                .map_or(Membership::simple(self.options.bootstrap), |(_, m)| m),
        };
        self.log.install(Arc::new(snapshot));
        out.events.push(NodeEvent::SnapshotTaken { index, term });
    }

    /// Sends `peer` this leader's snapshot, in one piece.
    pub(super) fn send_snapshot(&self, peer: NodeId, out: &mut Output) {
        if let Some(s) = self.log.snapshot() {
            out.messages.push((
                Endpoint::Node(peer),
                Message::InstallSnapshot {
                    term: self.current_term,
                    snapshot: Box::new(s.clone()),
                },
            ));
        }
    }

    /// InstallSnapshot from `leader` (Figure 13, receiver implementation).
    pub(super) fn on_install_snapshot<R: Rng + ?Sized>(
        &mut self,
        leader: NodeId,
        term: Term,
        snapshot: Snapshot,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        let reply = |node: &Node, out: &mut Output, last_index| {
            out.messages.push((
                Endpoint::Node(leader),
                Message::InstallSnapshotReply {
                    term: node.current_term,
                    last_index,
                },
            ));
        };
        // 1. Reply immediately if term < currentTerm. (A leader of the same term is a rival
        // that only a broken safety rule can produce; it keeps its own state, as with
        // AppendEntries.)
        if term < self.current_term || (term == self.current_term && self.role == Role::Leader) {
            reply(self, out, 0);
            return;
        }
        if term > self.current_term || self.role != Role::Follower {
            self.become_follower(term, Some(leader), now, rng, out);
        }
        self.leader = Some(leader);
        self.last_leader_contact = Some(now);
        self.reset_election_timer(now, rng);
        let last_index = snapshot.last_index;
        // A snapshot this server's committed entries already cover (a late or duplicated
        // message) is old news: installing it would move its state machine back.
        if last_index > self.commit_index {
            let (term, value) = (snapshot.last_term, snapshot.value);
            self.sessions = snapshot.sessions.clone();
            // 6. If an entry has the snapshot's last index and term, keep the entries after it;
            // 7. otherwise discard the entire log. 8. Reset the state machine to the snapshot.
            let kept_suffix = self.log.install(Arc::new(snapshot));
            self.commit_index = last_index;
            self.last_applied = last_index;
            self.value = value;
            out.events.push(NodeEvent::SnapshotInstalled {
                index: last_index,
                term,
                value,
                kept_suffix,
            });
        }
        reply(self, out, last_index);
    }
}
