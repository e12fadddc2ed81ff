//! Log compaction (§7 of the paper, Figures 12 and 13): the log with a snapshot at its start,
//! a server snapshotting at a threshold, InstallSnapshot on followers and leaders, restarts from a
//! snapshot, and the situations of the MIT 6.5840 lab 3D played on the world with the invariant
//! checker watching.

use raftsim::raft::{
    ClientId, ClientReply, Command, Endpoint, LogEntry, LogIndex, Membership, Message, Node,
    NodeEvent, NodeId, NodeOptions, Output, RaftLog, RequestId, Role, Session, Sessions, Snapshot,
    Term, Time, Voters, MS, SECOND,
};
use raftsim::sim::{Action, Checker, Config, OpOutcome, Replication, TraceKind, Violation, World};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const CLIENT1: ClientId = ClientId(0);
const CLIENT2: ClientId = ClientId(1);

// ----- helpers ------------------------------------------------------------------------------

fn opts(size: u8, snapshot_threshold: u64) -> NodeOptions {
    NodeOptions {
        bootstrap: Voters::first(size),
        snapshot_threshold,
        ..NodeOptions::default()
    }
}

fn sessions(list: &[(ClientId, u64, i64, LogIndex)]) -> Sessions {
    list.iter()
        .map(|&(c, seq, value, index)| (c, Session { seq, value, index }))
        .collect()
}

fn snapshot(last_index: LogIndex, last_term: Term, value: i64, sessions: Sessions) -> Snapshot {
    Snapshot {
        last_index,
        last_term,
        value,
        sessions,
        config: Membership::simple(Voters::first(3)),
    }
}

/// A log of `SET 1`, `SET 2`, ... with these terms, so that the value after index `i` is `i`.
fn sets(terms: &[Term]) -> RaftLog {
    let mut log = RaftLog::new();
    for (i, &t) in terms.iter().enumerate() {
        log.push(t, Command::Set(i as i64 + 1), None);
    }
    log
}

/// `log` compacted up to `last_index` (which it must hold), as its server would do it.
fn compacted(mut log: RaftLog, last_index: LogIndex, value: i64) -> RaftLog {
    let term = log.term_at(last_index).expect("the log holds the entry");
    let kept = log.install(Arc::new(snapshot(last_index, term, value, Sessions::new())));
    assert!(kept, "compacting one's own log keeps what follows");
    log
}

/// A tiny hand-driven network, like the one of `core_node.rs`: every message produced waits in
/// `pending` until a test delivers it. Node `i` of `nodes` must have id `i`.
struct Net {
    nodes: Vec<Node>,
    rng: Pcg64Mcg,
    now: Time,
    pending: Vec<(NodeId, Endpoint, Message)>,
    events: Vec<(NodeId, NodeEvent)>,
}

impl Net {
    fn new(nodes: Vec<Node>) -> Net {
        let mut net = Net {
            nodes,
            rng: Pcg64Mcg::seed_from_u64(1),
            now: 0,
            pending: Vec::new(),
            events: Vec::new(),
        };
        for n in &mut net.nodes {
            n.start(0, &mut net.rng);
        }
        net
    }

    fn call(&mut self, i: usize, f: impl FnOnce(&mut Node, Time, &mut Pcg64Mcg, &mut Output)) {
        let mut out = Output::default();
        f(&mut self.nodes[i], self.now, &mut self.rng, &mut out);
        let from = self.nodes[i].id();
        for (to, m) in out.messages {
            self.pending.push((from, to, m));
        }
        for e in out.events {
            self.events.push((from, e));
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: Message) {
        self.call(to.index(), |n, now, rng, out| {
            n.handle(Endpoint::Node(from), msg, now, rng, out)
        });
    }

    fn ask(&mut self, i: usize, client: ClientId, seq: u64, command: Command) {
        self.call(i, |n, now, rng, out| {
            n.handle(
                Endpoint::Client(client),
                Message::ClientRequest { seq, command },
                now,
                rng,
                out,
            )
        });
    }

    fn tick(&mut self, i: usize) {
        self.call(i, |n, now, rng, out| n.tick(now, rng, out));
    }

    /// Crashes node `i` and starts it again from its persistent state.
    fn stop_and_restart(&mut self, i: usize) {
        self.nodes[i].stop();
        self.call(i, |n, now, rng, out| n.restart(now, rng, out));
    }

    /// Forces node `i`'s election; a one-server cluster elects it at once.
    fn timeout(&mut self, i: usize) {
        self.call(i, |n, now, rng, out| n.timeout_now(now, rng, out));
    }

    /// Delivers every pending message between nodes that exist; returns how many.
    fn round(&mut self) -> usize {
        self.now += MS;
        let batch = std::mem::take(&mut self.pending);
        let mut delivered = 0;
        for (from, to, msg) in batch {
            if let Endpoint::Node(t) = to {
                if t.index() < self.nodes.len() {
                    delivered += 1;
                    self.send(from, t, msg);
                }
            }
        }
        delivered
    }

    /// Takes the messages pending for `to`.
    fn take_for(&mut self, to: Endpoint) -> Vec<Message> {
        let (mine, rest) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, t, _)| *t == to);
        self.pending = rest;
        mine.into_iter().map(|(_, _, m)| m).collect()
    }

    fn take_events(&mut self) -> Vec<(NodeId, NodeEvent)> {
        std::mem::take(&mut self.events)
    }
}

fn snapshots_taken(events: &[(NodeId, NodeEvent)]) -> Vec<(NodeId, LogIndex, Term)> {
    events
        .iter()
        .filter_map(|(n, e)| match *e {
            NodeEvent::SnapshotTaken { index, term } => Some((*n, index, term)),
            _ => None,
        })
        .collect()
}

fn installed(events: &[(NodeId, NodeEvent)]) -> Vec<NodeEvent> {
    events
        .iter()
        .filter(|(_, e)| matches!(e, NodeEvent::SnapshotInstalled { .. }))
        .map(|(_, e)| e.clone())
        .collect()
}

// ----- the log with a snapshot (Figure 12) -----------------------------------------------------

// Figure 13, receiver step 6: "If existing log entry has same index and term as snapshot's last
// included entry, retain log entries following it and reply."
#[test]
fn install_keeps_the_entries_after_the_snapshot_when_the_log_holds_its_last_entry() {
    let mut log = sets(&[1, 1, 2, 2, 3]);
    let kept = log.install(Arc::new(snapshot(3, 2, 3, Sessions::new())));
    assert!(kept);
    assert_eq!(log.snapshot_index(), 3);
    assert_eq!(
        log.entries().iter().map(|e| e.index).collect::<Vec<_>>(),
        vec![4, 5]
    );
    assert_eq!(log.get(4).map(|e| e.command), Some(Command::Set(4)));
    assert_eq!((log.last_index(), log.last_term()), (5, 3));
    // The same snapshot again changes nothing.
    let before = log.clone();
    assert!(log.install(Arc::new(snapshot(3, 2, 3, Sessions::new()))));
    assert_eq!(log, before);
    // A later snapshot on an already compacted log keeps what follows it too.
    assert!(log.install(Arc::new(snapshot(4, 2, 4, Sessions::new()))));
    assert_eq!(
        (log.snapshot_index(), log.len(), log.last_index()),
        (4, 1, 5)
    );
}

// Figure 13, receiver step 7: "Discard the entire log" when it does not hold the snapshot's last
// entry: a different term there, or a log that ends before it.
#[test]
fn install_discards_the_whole_log_when_it_does_not_hold_the_snapshots_last_entry() {
    let mut conflicting = sets(&[1, 1, 2, 2, 2]);
    assert!(!conflicting.install(Arc::new(snapshot(3, 3, 30, Sessions::new()))));
    assert!(conflicting.is_empty());
    assert_eq!(conflicting.snapshot_index(), 3);
    assert_eq!((conflicting.last_index(), conflicting.last_term()), (3, 3));
    assert_eq!(conflicting.get(4), None, "the entries after it went too");

    let mut short = sets(&[1, 1]);
    assert!(!short.install(Arc::new(snapshot(5, 2, 50, Sessions::new()))));
    assert!(short.is_empty());
    assert_eq!((short.last_index(), short.last_term()), (5, 2));
    assert_eq!(short.snapshot().map(|s| s.value), Some(50));
}

// §7: after compaction the log "starts" after lastIncludedIndex; lastIncludedTerm stands in for
// the term of the last compacted entry, so every lookup works on both sides of the boundary.
#[test]
fn lookups_across_the_snapshot_boundary() {
    // Terms by index: 1 1 2 2 | 3 3, compacted through index 4.
    let log = compacted(sets(&[1, 1, 2, 2, 3, 3]), 4, 4);
    assert_eq!(log.snapshot_index(), 4);
    assert_eq!(log.len(), 2);
    assert_eq!((log.last_index(), log.last_term()), (6, 3));

    // get: only the entries held one by one.
    assert_eq!(log.get(3), None);
    assert_eq!(log.get(4), None, "the snapshot's last entry is not held");
    assert_eq!(log.get(5).map(|e| (e.index, e.term)), Some((5, 3)));
    assert_eq!(log.get(7), None);

    // term_at: 0 at index 0, the snapshot's term at its last index, unknown before it.
    assert_eq!(log.term_at(0), Some(0));
    assert_eq!(log.term_at(3), None);
    assert_eq!(log.term_at(4), Some(2));
    assert_eq!(log.term_at(5), Some(3));
    assert_eq!(log.term_at(7), None);

    // slice_from starts after the snapshot, whatever was asked.
    let indices =
        |s: raftsim::chunked::Slice<LogEntry>| s.iter().map(|e| e.index).collect::<Vec<_>>();
    assert_eq!(indices(log.slice_from(1, 10)), vec![5, 6]);
    assert_eq!(indices(log.slice_from(5, 1)), vec![5]);
    assert_eq!(indices(log.slice_from(6, 10)), vec![6]);
    assert!(log.slice_from(7, 10).is_empty());

    // The back-up hints stop at the snapshot's last index, the first whose term is known.
    assert_eq!(log.first_index_of_term_before(3, 6), 5);
    assert_eq!(log.first_index_of_term_before(2, 4), 4);
    assert_eq!(log.last_index_of_term(3), Some(6));
    assert_eq!(log.last_index_of_term(2), Some(4), "from the snapshot");
    assert_eq!(log.last_index_of_term(1), None, "compacted away");
    assert_eq!(log.last_index_of_term(4), None);

    // The up-to-date check (§5.4.1) uses the last term, which may be the snapshot's.
    let only_snapshot = compacted(sets(&[1, 2]), 2, 2);
    assert_eq!(
        (only_snapshot.last_index(), only_snapshot.last_term()),
        (2, 2)
    );
    assert!(only_snapshot.candidate_is_up_to_date(2, 2));
    assert!(!only_snapshot.candidate_is_up_to_date(1, 9));
    assert!(!only_snapshot.candidate_is_up_to_date(2, 1));
}

// §7: a snapshot holds only committed entries, so truncation (Figure 2, AppendEntries step 3)
// never reaches into it: it removes entries after it only.
#[test]
fn truncation_stops_at_the_snapshot() {
    let mut log = compacted(sets(&[1, 1, 2, 2, 3, 3]), 4, 4);
    assert_eq!(log.truncate_from(6), 1);
    assert_eq!((log.last_index(), log.last_term()), (5, 3));
    assert_eq!(
        log.truncate_from(2),
        1,
        "only entry 5 was after the snapshot"
    );
    assert_eq!(log.snapshot_index(), 4);
    assert!(log.is_empty());
    assert_eq!((log.last_index(), log.last_term()), (4, 2));
    assert_eq!(log.removals().last_from, 5);
    assert_eq!(log.truncate_from(5), 0, "nothing left to remove");
    assert_eq!(log.push(4, Command::Set(9), None).index, 5);
}

// §7: the snapshot carries "the latest configuration as of the last included index", since the
// entry that held it may be gone; a configuration entry after it takes over (§6).
#[test]
fn configurations_across_the_snapshot_boundary() {
    let three = Membership::simple(Voters::first(3));
    let five = Membership::simple(Voters::first(5));
    let four = Membership::simple(Voters::first(4));
    let mut log = RaftLog::new();
    log.push(1, Command::Config(three), None);
    log.push(1, Command::Set(1), None);
    log.push(1, Command::Config(five), None);
    log.push(1, Command::Set(2), None);
    log.push(1, Command::Set(3), None);
    let s = Snapshot {
        config: five,
        ..snapshot(4, 1, 2, Sessions::new())
    };
    assert!(log.install(Arc::new(s)));
    assert_eq!(
        log.config_at(3),
        None,
        "before the snapshot's last index: unknown"
    );
    assert_eq!(
        log.config_at(4),
        Some((4, five)),
        "the snapshot's, at its index"
    );
    assert_eq!(log.config_at(5), Some((4, five)));
    assert_eq!(log.latest_config(), Some((4, five)));
    log.push(2, Command::Config(four), None);
    assert_eq!(log.config_at(5), Some((4, five)));
    assert_eq!(log.config_at(6), Some((6, four)));
    assert_eq!(log.latest_config(), Some((6, four)));
    log.truncate_from(6);
    assert_eq!(
        log.latest_config(),
        Some((4, five)),
        "back to the snapshot's"
    );
}

// Figure 13 step 7 with a configuration entry among the discarded ones: once the log is gone,
// the configuration in use is the snapshot's (§7), not one of a discarded entry and not the one
// the server started with.
#[test]
fn a_discarded_log_takes_its_configuration_entries_with_it() {
    let three = Membership::simple(Voters::first(3));
    let five = Membership::simple(Voters::first(5));
    let mut log = RaftLog::new();
    log.push(1, Command::Set(1), None);
    log.push(1, Command::Set(2), None);
    log.push(1, Command::Config(five), None);
    // The leader's entry 2 has term 2: this log does not hold it, so all of it goes.
    let s = Snapshot {
        config: three,
        ..snapshot(2, 2, 7, Sessions::new())
    };
    assert!(!log.install(Arc::new(s)));
    assert!(log.is_empty());
    assert_eq!(log.latest_config(), Some((2, three)));
    assert_eq!(log.config_at(3), Some((2, three)));
    // A plain entry at the discarded configuration's index changes nothing.
    log.push(2, Command::Set(3), None);
    assert_eq!(log.latest_config(), Some((2, three)));
}

// The checker's question "does this server still hold the committed entry (index, term)?": a
// snapshot holds every entry before its last one, whatever the term (they are committed), and
// its last one by term.
#[test]
fn holds_counts_the_snapshot_as_the_entries_it_replaced() {
    let log = compacted(sets(&[1, 1, 2, 2, 3, 3]), 4, 4);
    assert!(log.holds(1, 1));
    assert!(log.holds(3, 2));
    assert!(log.holds(4, 2));
    assert!(!log.holds(4, 3));
    assert!(log.holds(5, 3));
    assert!(!log.holds(5, 2));
    assert!(log.holds(6, 3));
    assert!(!log.holds(7, 3));
}

// ----- a server takes snapshots (§7) ---------------------------------------------------------

// §7: "each server takes snapshots independently, covering just the committed entries in its
// log". Here at a threshold of applied entries; the snapshot carries the value, the client
// sessions (thesis §6.3) and the configuration.
#[test]
fn a_server_snapshots_when_applied_entries_reach_the_threshold() {
    let mut net = Net::new(vec![Node::new(A, opts(1, 3))]);
    net.timeout(0);
    assert!(net.nodes[0].is_leader());
    net.ask(0, CLIENT1, 1, Command::Set(5));
    net.ask(0, CLIENT1, 2, Command::Add(2));
    assert_eq!(net.nodes[0].last_applied(), 2);
    net.tick(0);
    assert!(
        snapshots_taken(&net.events).is_empty(),
        "two applied entries are below the threshold"
    );
    net.ask(0, CLIENT2, 1, Command::Add(1));
    assert_eq!(net.nodes[0].last_applied(), 3);
    // Compaction runs at the start of the next call.
    assert!(snapshots_taken(&net.events).is_empty());
    net.tick(0);
    assert_eq!(snapshots_taken(&net.take_events()), vec![(A, 3, 1)]);
    let n = &net.nodes[0];
    assert!(n.entries().is_empty());
    assert_eq!((n.log().snapshot_index(), n.log().last_index()), (3, 3));
    let s = n.log().snapshot().expect("a snapshot").clone();
    assert_eq!((s.last_index, s.last_term, s.value), (3, 1, 8));
    assert_eq!(
        s.sessions,
        sessions(&[(CLIENT1, 2, 7, 2), (CLIENT2, 1, 8, 3)])
    );
    assert_eq!(s.config, Membership::simple(Voters::first(1)));
    assert_eq!((n.commit_index(), n.last_applied(), n.value()), (3, 3, 8));

    // The next one comes once three more entries are applied after it.
    for seq in 2..5 {
        net.ask(0, CLIENT2, seq, Command::Add(1));
    }
    net.tick(0);
    assert_eq!(snapshots_taken(&net.take_events()), vec![(A, 6, 1)]);
    assert_eq!(net.nodes[0].log().snapshot().map(|s| s.value), Some(11));
}

// §7: the snapshot includes "the latest configuration as of the last included index", taken from
// the log, not the one the server started with.
#[test]
fn the_snapshot_carries_the_configuration_from_the_log() {
    let alone = Membership::simple(Voters::first(1));
    let mut log = RaftLog::new();
    log.push(1, Command::Config(alone), None);
    // Started as one of three, but the log says A alone votes.
    let node = Node::restore(A, opts(3, 2), 1, None, log);
    let mut net = Net::new(vec![node]);
    net.timeout(0);
    assert!(
        net.nodes[0].is_leader(),
        "A alone is a majority of its configuration"
    );
    net.ask(0, CLIENT1, 1, Command::Set(5));
    assert_eq!(net.nodes[0].commit_index(), 2);
    net.tick(0);
    assert_eq!(snapshots_taken(&net.take_events()), vec![(A, 2, 2)]);
    let n = &net.nodes[0];
    assert_eq!(n.log().snapshot().map(|s| s.config), Some(alone));
    assert_eq!(
        n.membership(),
        alone,
        "the configuration entry is gone; the snapshot's stays"
    );
    // It still survives a restart, and still elects A alone.
    net.stop_and_restart(0);
    assert_eq!(net.nodes[0].membership(), alone);
    net.timeout(0);
    assert!(net.nodes[0].is_leader());
}

// Thesis §6.3: the client sessions are part of the state machine, so a retried command whose
// entry was compacted away is still recognised and answered with its original result, before and
// after a restart from the snapshot.
#[test]
fn a_retried_command_after_compaction_is_answered_with_its_original_result() {
    let mut net = Net::new(vec![Node::new(A, opts(1, 2))]);
    net.timeout(0);
    net.ask(0, CLIENT1, 1, Command::Set(5));
    net.ask(0, CLIENT1, 2, Command::Add(2));
    net.tick(0);
    assert_eq!(snapshots_taken(&net.take_events()), vec![(A, 2, 1)]);
    net.pending.clear();

    let original = ClientReply::Ok { value: 7, index: 2 };
    let answers = |net: &mut Net| -> Vec<ClientReply> {
        net.take_for(Endpoint::Client(CLIENT1))
            .into_iter()
            .filter_map(|m| match m {
                Message::ClientResponse { reply, .. } => Some(reply),
                _ => None,
            })
            .collect()
    };
    net.ask(0, CLIENT1, 2, Command::Add(2));
    assert_eq!(answers(&mut net), vec![original]);
    assert_eq!(net.nodes[0].log().last_index(), 2, "not appended again");

    // After a crash the sessions come back from the snapshot.
    net.stop_and_restart(0);
    assert_eq!(net.nodes[0].value(), 7);
    net.timeout(0);
    assert!(net.nodes[0].is_leader());
    net.pending.clear();
    net.ask(0, CLIENT1, 2, Command::Add(2));
    assert_eq!(answers(&mut net), vec![original]);
    assert_eq!(net.nodes[0].value(), 7, "applied once");
    assert_eq!(net.nodes[0].log().last_index(), 2);
    // An older request is a late copy: no answer, no entry.
    net.ask(0, CLIENT1, 1, Command::Set(5));
    assert!(answers(&mut net).is_empty());
    assert_eq!(net.nodes[0].log().last_index(), 2);
    // The next command is new.
    net.ask(0, CLIENT1, 3, Command::Add(10));
    assert_eq!(
        answers(&mut net),
        vec![ClientReply::Ok {
            value: 17,
            index: 3
        }]
    );
}

// ----- InstallSnapshot on a follower (Figure 13, receiver implementation) -------------------

fn install(term: Term, s: Snapshot) -> Message {
    Message::InstallSnapshot {
        term,
        snapshot: Box::new(s),
    }
}

fn snapshot_replies(net: &mut Net, to: NodeId) -> Vec<(Term, LogIndex)> {
    net.take_for(Endpoint::Node(to))
        .into_iter()
        .filter_map(|m| match m {
            Message::InstallSnapshotReply { term, last_index } => Some((term, last_index)),
            _ => None,
        })
        .collect()
}

// Figure 13 steps 7 and 8: a snapshot beyond the follower's log replaces all of it and resets the
// state machine; commit and last applied jump to its last index.
#[test]
fn install_snapshot_newer_than_the_log_replaces_it() {
    let follower = Node::restore(A, opts(3, 0), 1, None, sets(&[1, 1, 1]));
    let mut net = Net::new(vec![follower]);
    let s = snapshot(5, 2, 42, sessions(&[(CLIENT1, 4, 42, 5)]));
    net.send(B, A, install(2, s.clone()));
    let n = &net.nodes[0];
    assert_eq!(
        (n.term(), n.role(), n.leader_hint()),
        (2, Role::Follower, Some(B))
    );
    assert!(n.entries().is_empty());
    assert_eq!(n.log().snapshot(), Some(&s));
    assert_eq!((n.log().last_index(), n.log().last_term()), (5, 2));
    assert_eq!((n.commit_index(), n.last_applied(), n.value()), (5, 5, 42));
    assert_eq!(
        installed(&net.take_events()),
        vec![NodeEvent::SnapshotInstalled {
            index: 5,
            term: 2,
            value: 42,
            kept_suffix: false
        }]
    );
    assert_eq!(snapshot_replies(&mut net, B), vec![(2, 5)]);

    // The sessions came with it: a new leader's second copy of client 1's fourth command (its
    // first is inside the snapshot) is recognised and skipped.
    let copy = LogEntry {
        index: 6,
        term: 2,
        command: Command::Add(100),
        request: Some(RequestId {
            client: CLIENT1,
            seq: 4,
        }),
    };
    net.send(
        B,
        A,
        Message::AppendEntries {
            term: 2,
            prev_log_index: 5,
            prev_log_term: 2,
            entries: vec![copy],
            leader_commit: 6,
            sent_at: net.now,
        },
    );
    let applied: Vec<_> = net
        .take_events()
        .into_iter()
        .filter_map(|(_, e)| match e {
            NodeEvent::Applied {
                index,
                value,
                duplicate,
                ..
            } => Some((index, value, duplicate)),
            _ => None,
        })
        .collect();
    assert_eq!(applied, vec![(6, 42, true)]);
    assert_eq!(net.nodes[0].value(), 42);
}

// Figure 13 step 6: the follower holds the snapshot's last entry, so it keeps what follows.
#[test]
fn install_snapshot_whose_last_entry_the_follower_holds_keeps_the_suffix() {
    let follower = Node::restore(A, opts(3, 0), 2, None, sets(&[1, 1, 2, 2, 2]));
    let mut net = Net::new(vec![follower]);
    net.send(B, A, install(2, snapshot(3, 2, 3, Sessions::new())));
    let n = &net.nodes[0];
    assert_eq!(n.log().snapshot_index(), 3);
    assert_eq!(
        n.entries().iter().map(|e| e.index).collect::<Vec<_>>(),
        vec![4, 5]
    );
    assert_eq!((n.commit_index(), n.last_applied(), n.value()), (3, 3, 3));
    assert_eq!(
        installed(&net.take_events()),
        vec![NodeEvent::SnapshotInstalled {
            index: 3,
            term: 2,
            value: 3,
            kept_suffix: true
        }]
    );
    assert_eq!(snapshot_replies(&mut net, B), vec![(2, 3)]);
    // The kept entries commit and apply on top of the snapshot's state.
    net.send(
        B,
        A,
        Message::AppendEntries {
            term: 2,
            prev_log_index: 5,
            prev_log_term: 2,
            entries: vec![],
            leader_commit: 5,
            sent_at: net.now,
        },
    );
    let n = &net.nodes[0];
    assert_eq!((n.commit_index(), n.last_applied(), n.value()), (5, 5, 5));
}

// Figure 13 step 7 on a follower that had appended a configuration entry of a deposed leader
// after the snapshot's last index: the entry goes with the rest of the log, and the follower
// uses the snapshot's configuration (§7), not the discarded one's nor the one it started with.
#[test]
fn after_discarding_its_log_a_follower_uses_the_snapshots_configuration() {
    let four = Membership::simple(Voters::first(4));
    let five = Membership::simple(Voters::first(5));
    let mut log = sets(&[1, 1]);
    log.push(1, Command::Config(five), None);
    let follower = Node::restore(A, opts(3, 0), 1, None, log);
    assert_eq!(follower.membership(), five);
    let mut net = Net::new(vec![follower]);
    let s = Snapshot {
        config: four,
        ..snapshot(2, 2, 20, Sessions::new())
    };
    net.send(B, A, install(2, s));
    assert!(net.nodes[0].entries().is_empty());
    assert_eq!(net.nodes[0].config_entry(), (2, four));
    // The new leader's entry 3 is a plain command where the discarded configuration was.
    let entry = LogEntry {
        index: 3,
        term: 2,
        command: Command::Set(3),
        request: None,
    };
    net.send(
        B,
        A,
        Message::AppendEntries {
            term: 2,
            prev_log_index: 2,
            prev_log_term: 2,
            entries: vec![entry],
            leader_commit: 2,
            sent_at: net.now,
        },
    );
    assert_eq!(net.nodes[0].log().get(3), Some(&entry));
    assert_eq!(net.nodes[0].config_entry(), (2, four));
    assert_eq!(net.nodes[0].membership(), four);
}

// A late or duplicated InstallSnapshot older than what the follower has committed would move its
// state machine back: it is ignored, but still answered, so the leader learns the match.
#[test]
fn install_snapshot_older_than_the_commit_index_is_ignored() {
    let follower = Node::restore(A, opts(3, 0), 1, None, sets(&[1, 1, 1, 1]));
    let mut net = Net::new(vec![follower]);
    net.send(
        B,
        A,
        Message::AppendEntries {
            term: 1,
            prev_log_index: 4,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 4,
            sent_at: 0,
        },
    );
    assert_eq!(net.nodes[0].commit_index(), 4);
    net.pending.clear();
    net.take_events();
    let log_before = net.nodes[0].log().clone();
    for last in [3, 4] {
        net.send(B, A, install(1, snapshot(last, 1, 99, Sessions::new())));
        let n = &net.nodes[0];
        assert_eq!(n.log(), &log_before, "snapshot at {last}");
        assert_eq!(n.log().snapshot_index(), 0);
        assert_eq!((n.commit_index(), n.last_applied(), n.value()), (4, 4, 4));
        assert!(installed(&net.take_events()).is_empty());
        assert_eq!(snapshot_replies(&mut net, B), vec![(1, last)]);
    }
}

// Figure 13 step 1: "Reply immediately if term < currentTerm", with the receiver's term so the
// stale leader can update itself.
#[test]
fn install_snapshot_with_a_stale_term_is_rejected() {
    let follower = Node::restore(A, opts(3, 0), 3, None, sets(&[1]));
    let mut net = Net::new(vec![follower]);
    let log_before = net.nodes[0].log().clone();
    net.send(B, A, install(2, snapshot(5, 2, 42, Sessions::new())));
    let n = &net.nodes[0];
    assert_eq!(n.term(), 3);
    assert_eq!(n.log(), &log_before);
    assert_eq!((n.commit_index(), n.value(), n.leader_hint()), (0, 0, None));
    assert!(installed(&net.take_events()).is_empty());
    assert_eq!(snapshot_replies(&mut net, B), vec![(3, 0)]);
}

// §5.1 and Figure 2 (Candidates): a candidate that hears from the leader of its own term steps
// down, and so does a leader of an older term; both then install the snapshot.
#[test]
fn install_snapshot_from_a_current_leader_makes_a_candidate_or_old_leader_follow() {
    // A candidate in term 2.
    let candidate = Node::restore(A, opts(3, 0), 1, None, sets(&[1]));
    let mut net = Net::new(vec![candidate]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Candidate, 2)
    );
    net.send(B, A, install(2, snapshot(5, 2, 42, Sessions::new())));
    let n = &net.nodes[0];
    assert_eq!(
        (n.role(), n.term(), n.leader_hint()),
        (Role::Follower, 2, Some(B))
    );
    assert_eq!(n.value(), 42);

    // A leader of term 2 hears from the leader of term 3.
    let single = NodeOptions {
        bootstrap: Voters::first(1),
        ..opts(1, 0)
    };
    let mut net = Net::new(vec![Node::restore(A, single, 1, None, sets(&[1]))]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert!(net.nodes[0].is_leader());
    net.send(B, A, install(3, snapshot(5, 3, 42, Sessions::new())));
    let n = &net.nodes[0];
    assert_eq!((n.role(), n.term(), n.value()), (Role::Follower, 3, 42));
}

// AppendEntries whose prevLogIndex lies inside the follower's snapshot: those entries are
// committed, so they match the leader's (Log Matching); the follower skips them and appends the
// rest.
#[test]
fn append_entries_reaching_back_into_the_snapshot_is_accepted() {
    let mut follower = Node::restore(A, opts(3, 0), 1, None, RaftLog::new());
    follower.stop();
    let mut net = Net::new(vec![follower]);
    net.send(B, A, install(1, snapshot(5, 1, 5, Sessions::new())));
    assert!(net.pending.is_empty(), "a stopped server does nothing");
    net.call(0, |n, now, rng, out| n.restart(now, rng, out));
    net.send(B, A, install(1, snapshot(5, 1, 5, Sessions::new())));
    net.pending.clear();
    let leader_log = sets(&[1, 1, 1, 1, 1, 1, 1]);
    net.send(
        B,
        A,
        Message::AppendEntries {
            term: 1,
            prev_log_index: 3,
            prev_log_term: 1,
            entries: leader_log.slice_from(4, 10).to_vec(),
            leader_commit: 7,
            sent_at: 0,
        },
    );
    let n = &net.nodes[0];
    assert_eq!(
        n.entries().iter().map(|e| e.index).collect::<Vec<_>>(),
        vec![6, 7]
    );
    assert_eq!((n.commit_index(), n.value()), (7, 7));
    let replies: Vec<_> = net
        .take_for(Endpoint::Node(B))
        .into_iter()
        .filter_map(|m| match m {
            Message::AppendEntriesReply {
                success,
                match_index,
                ..
            } => Some((success, match_index)),
            _ => None,
        })
        .collect();
    assert_eq!(replies, vec![(true, 7)]);
}

// ----- InstallSnapshot from the leader's side -------------------------------------------------

fn kinds_to(net: &Net, to: NodeId) -> Vec<&'static str> {
    net.pending
        .iter()
        .filter(|(_, t, _)| *t == Endpoint::Node(to))
        .map(|(_, _, m)| m.kind_name())
        .collect()
}

/// A three-server cluster where A leads term 2 with a log compacted through index 4 (value 4) and
/// one more entry (5, term 1); B has an empty log; C is down (absent).
fn leader_with_snapshot() -> Net {
    let log = compacted(sets(&[1, 1, 1, 1, 1]), 4, 4);
    let mut a = Node::restore(A, opts(3, 0), 1, None, log);
    a.stop();
    let mut net = Net::new(vec![a, Node::new(B, opts(3, 0))]);
    net.call(0, |n, now, rng, out| n.restart(now, rng, out));
    assert_eq!(
        (net.nodes[0].commit_index(), net.nodes[0].value()),
        (4, 4),
        "the leader's state machine starts from its snapshot"
    );
    net.timeout(0);
    net.pending.clear();
    net.send(
        B,
        A,
        Message::RequestVoteReply {
            term: 2,
            granted: true,
        },
    );
    assert!(net.nodes[0].is_leader());
    net
}

// §7: "the leader must occasionally send snapshots to followers that lag behind": when the entry
// at a follower's nextIndex was compacted away, InstallSnapshot; otherwise AppendEntries, whose
// prevLogTerm at the boundary is the snapshot's last term.
#[test]
fn the_leader_sends_install_snapshot_only_at_or_below_its_snapshot_index() {
    let mut net = leader_with_snapshot();
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(6));
    assert_eq!(kinds_to(&net, B), vec!["AppendEntries"]);
    // B's log is empty: it rejects, and the hint sends nextIndex back to 1, inside the snapshot.
    net.round();
    net.round();
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(1));
    assert_eq!(kinds_to(&net, B), vec!["InstallSnapshot"]);
    // B installs it and answers; the leader sets matchIndex and nextIndex from the reply.
    net.round();
    assert_eq!(
        installed(&net.take_events()),
        vec![NodeEvent::SnapshotInstalled {
            index: 4,
            term: 1,
            value: 4,
            kept_suffix: false
        }]
    );
    net.round();
    assert_eq!(net.nodes[0].match_index().map(|m| m[1]), Some(4));
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    // Above the snapshot: AppendEntries from index 5, with prevLog at the snapshot's last entry.
    net.pending.clear();
    net.now += 50 * MS;
    net.tick(0);
    let sent: Vec<_> = net
        .pending
        .iter()
        .filter(|(_, t, _)| *t == Endpoint::Node(B))
        .map(|(_, _, m)| m.clone())
        .collect();
    match sent.as_slice() {
        [Message::AppendEntries {
            prev_log_index: 4,
            prev_log_term: 1,
            entries,
            ..
        }] => assert_eq!(entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![5]),
        other => panic!("expected one AppendEntries after the snapshot, got {other:?}"),
    }
    // A late rejection pointing inside the snapshot does not undo the acknowledged match: no
    // second snapshot goes out.
    net.pending.clear();
    net.send(
        B,
        A,
        Message::AppendEntriesReply {
            term: 2,
            success: false,
            match_index: 0,
            conflict_term: None,
            conflict_index: 4,
            sent_at: net.now,
        },
    );
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    assert_eq!(kinds_to(&net, B), Vec::<&str>::new());
}

// Figure 13 from the leader's side: the reply moves matchIndex and nextIndex; the follower then
// gets the entries after the snapshot, and once it stores an entry of the leader's term the
// commit index advances (§5.4.2).
#[test]
fn after_the_snapshot_reply_the_follower_catches_up_and_commit_advances() {
    let mut net = leader_with_snapshot();
    net.ask(0, CLIENT1, 1, Command::Set(9));
    assert_eq!(net.nodes[0].commit_index(), 4, "entry 6 waits for B");
    for _ in 0..4 {
        net.round(); // AppendEntries, rejection, InstallSnapshot, its reply
    }
    assert_eq!(net.nodes[0].match_index().map(|m| m[1]), Some(4));
    assert_eq!(net.nodes[0].commit_index(), 4);
    net.now += 50 * MS;
    net.tick(0);
    net.round(); // the heartbeat carries entries 5 and 6
    net.round(); // B's reply
    let leader = &net.nodes[0];
    assert_eq!(leader.match_index().map(|m| m[1]), Some(6));
    assert_eq!((leader.commit_index(), leader.value()), (6, 9));
    let answered = net
        .take_for(Endpoint::Client(CLIENT1))
        .into_iter()
        .any(|m| {
            matches!(
                m,
                Message::ClientResponse {
                    seq: 1,
                    reply: ClientReply::Ok { value: 9, index: 6 }
                }
            )
        });
    assert!(answered);
    net.now += 50 * MS;
    net.tick(0);
    net.round();
    assert_eq!((net.nodes[1].commit_index(), net.nodes[1].value()), (6, 9));
    assert_eq!(net.nodes[1].log().snapshot_index(), 4);
}

// §5.1: a reply with a newer term makes the leader step down, InstallSnapshot's as any other.
#[test]
fn a_snapshot_reply_with_a_newer_term_deposes_the_leader() {
    let mut net = leader_with_snapshot();
    net.send(
        B,
        A,
        Message::InstallSnapshotReply {
            term: 3,
            last_index: 0,
        },
    );
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Follower, 3)
    );
}

// ----- restart from a snapshot (§7, Figure 2 persistent state) --------------------------------

// The snapshot is persistent: a restarted server's commit index, last applied index, value and
// sessions come back from it, and its term, vote and log are as before the crash.
#[test]
fn a_restarted_server_recovers_from_its_snapshot() {
    let mut w = world(3, 21, 3);
    let leader = elect(&mut w);
    for i in 1..=7 {
        submit(&mut w, CLIENT1, leader, Command::Add(i));
    }
    wait_all_done(&mut w, 10 * SECOND, 21);
    run_for(&mut w, 200 * MS);
    let f = other_than(leader);
    let (term, voted, log) = {
        let n = node(&w, f);
        (n.term(), n.voted_for(), n.log().clone())
    };
    let s = log
        .snapshot()
        .expect("7 applied entries at threshold 3")
        .clone();
    // Entry i is client 1's command i, ADD i, so the value after it is 1 + 2 + ... + i.
    let i = s.last_index;
    assert!(i >= 3);
    let value = (i * (i + 1) / 2) as i64;
    assert_eq!(s.value, value);
    assert_eq!(s.sessions, sessions(&[(CLIENT1, i, value, i)]));
    w.apply(Action::Stop(f)).expect("running");
    run_for(&mut w, 300 * MS);
    w.apply(Action::Restart(f)).expect("stopped");
    let n = node(&w, f);
    assert_eq!((n.term(), n.voted_for(), n.log()), (term, voted, &log));
    assert_eq!(
        (n.commit_index(), n.last_applied(), n.value()),
        (s.last_index, s.last_index, s.value)
    );
    run_for(&mut w, 500 * MS);
    assert_converged(&w, 28, 21);
    assert_clean(&w, 21);
}

// ----- MIT 6.5840 lab 3D, on the world ---------------------------------------------------------

fn world(size: u8, seed: u64, snapshot_threshold: u64) -> World {
    World::new(Config {
        cluster_size: size,
        seed,
        snapshot_threshold,
        replication: Replication::Immediate,
        ..Config::default()
    })
    .expect("a valid config")
}

fn node(w: &World, id: NodeId) -> &Node {
    &w.nodes()[id.index()]
}

fn other_than(n: NodeId) -> NodeId {
    NodeId(((n.index() + 1) % 3) as u8)
}

fn elect(w: &mut World) -> NodeId {
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some(), limit), "no leader");
    w.leader().expect("checked")
}

fn run_for(w: &mut World, d: Time) {
    let t = w.now() + d;
    w.advance_to(t);
}

fn submit(w: &mut World, client: ClientId, node: NodeId, command: Command) {
    w.apply(Action::Submit {
        client,
        node,
        command,
    })
    .expect("a valid submit");
}

fn wait_all_done(w: &mut World, within: Time, seed: u64) {
    let limit = w.now() + within;
    let done = w.run_until(
        |w| {
            w.operations()
                .iter()
                .all(|o| o.outcome != OpOutcome::Pending)
        },
        limit,
    );
    assert!(
        done,
        "seed {seed}: operations still pending at {} ms",
        w.now() / MS
    );
    for (i, o) in w.operations().iter().enumerate() {
        assert!(
            matches!(o.outcome, OpOutcome::Ok { .. }),
            "seed {seed}: operation {i} {o:?}"
        );
    }
}

fn assert_clean(w: &World, seed: u64) {
    assert!(
        w.violations().is_empty(),
        "seed {seed}: {:#?}",
        w.violations()
    );
}

/// Every running server has applied the leader's commit index and holds `value`.
fn assert_converged(w: &World, value: i64, seed: u64) {
    let leader = w.leader().expect("a leader");
    let commit = node(w, leader).commit_index();
    for n in w.nodes().iter().filter(|n| !n.is_stopped()) {
        assert_eq!(
            (n.last_applied(), n.value()),
            (commit, value),
            "seed {seed}: {} against leader {leader}",
            n.id()
        );
    }
}

fn installed_on(w: &World, id: NodeId) -> usize {
    w.trace()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Node {
                    node,
                    event: NodeEvent::SnapshotInstalled { .. },
                } if node == id
            )
        })
        .count()
}

fn taken(w: &World) -> usize {
    w.trace()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Node {
                    event: NodeEvent::SnapshotTaken { .. },
                    ..
                }
            )
        })
        .count()
}

// Lab 3D "install snapshots": a follower that was down while the others committed and compacted
// far past it can only catch up from the leader's snapshot (§7).
#[test]
fn lab3d_a_follower_far_behind_catches_up_by_install_snapshot() {
    let seed = 31;
    let mut w = world(3, seed, 5);
    let leader = elect(&mut w);
    let f = other_than(leader);
    w.apply(Action::Stop(f)).expect("running");
    for i in 1..=30 {
        submit(&mut w, CLIENT1, leader, Command::Add(i));
    }
    wait_all_done(&mut w, 30 * SECOND, seed);
    let l = w.leader().expect("a leader");
    assert!(
        node(&w, l).log().snapshot_index() >= 25,
        "the leader compacted: {}",
        node(&w, l).log().snapshot_index()
    );
    assert_eq!(node(&w, f).log().last_index(), 0);
    w.apply(Action::Restart(f)).expect("stopped");
    run_for(&mut w, SECOND);
    assert!(
        installed_on(&w, f) >= 1,
        "seed {seed}: {f} installed no snapshot"
    );
    assert!(node(&w, f).log().snapshot_index() >= 25);
    assert_converged(&w, 465, seed);
    assert_clean(&w, seed);
}

// Lab 3D "crash and restart" right after a snapshot: the server comes back with the snapshot's
// state at once, then catches up on the rest; for a follower and for the leader.
#[test]
fn lab3d_a_crash_right_after_a_snapshot_recovers_the_value() {
    for crash_leader in [false, true] {
        let seed = if crash_leader { 42 } else { 41 };
        let mut w = world(3, seed, 4);
        let leader = elect(&mut w);
        for i in 1..=20 {
            submit(&mut w, CLIENT1, leader, Command::Add(i));
        }
        let seen = w.trace().len();
        let victim = |w: &World| -> Option<(NodeId, LogIndex)> {
            w.trace()[seen..].iter().find_map(|e| match e.kind {
                TraceKind::Node {
                    node,
                    event: NodeEvent::SnapshotTaken { index, .. },
                } if (node == leader) == crash_leader => Some((node, index)),
                _ => None,
            })
        };
        let limit = w.now() + 10 * SECOND;
        assert!(w.run_until(|w| victim(w).is_some(), limit), "seed {seed}");
        let (v, index) = victim(&w).expect("checked");
        let s = node(&w, v).log().snapshot().expect("just taken").clone();
        assert_eq!(s.last_index, index);
        w.apply(Action::Stop(v)).expect("running");
        run_for(&mut w, 100 * MS);
        w.apply(Action::Restart(v)).expect("stopped");
        let n = node(&w, v);
        assert_eq!(
            (n.commit_index(), n.last_applied(), n.value()),
            (index, index, s.value),
            "seed {seed}: {v} starts from its snapshot"
        );
        wait_all_done(&mut w, 20 * SECOND, seed);
        run_for(&mut w, SECOND);
        assert_converged(&w, 210, seed);
        assert_clean(&w, seed);
    }
}

// Lab 3D "snapshots under an unreliable network": messages lost and duplicated, a follower
// crashed and restarted midway, two clients, many commands; every command applies exactly once
// and the servers agree, with every invariant and linearizability holding throughout.
#[test]
fn lab3d_snapshots_under_an_unreliable_network() {
    for seed in 1..=6u64 {
        let mut w = World::new(Config {
            cluster_size: 3,
            seed,
            snapshot_threshold: 5,
            replication: Replication::Immediate,
            loss_per_mille: 100,
            duplicate_per_mille: 100,
            client_retry_timeout_us: 300 * MS,
            ..Config::default()
        })
        .expect("a valid config");
        let leader = elect(&mut w);
        let mut expected = 0;
        for i in 1..=20 {
            submit(&mut w, CLIENT1, leader, Command::Add(i));
            submit(&mut w, CLIENT2, leader, Command::Add(100 * i));
            expected += 101 * i;
        }
        run_for(&mut w, SECOND);
        let f = other_than(w.leader().unwrap_or(leader));
        w.apply(Action::Stop(f)).expect("running");
        run_for(&mut w, 2 * SECOND);
        w.apply(Action::Restart(f)).expect("stopped");
        wait_all_done(&mut w, 60 * SECOND, seed);
        let limit = w.now() + 10 * SECOND;
        let settled = w.run_until(
            |w| {
                w.leader().is_some_and(|l| {
                    let commit = node(w, l).commit_index();
                    w.nodes().iter().all(|n| n.last_applied() == commit)
                })
            },
            limit,
        );
        assert!(settled, "seed {seed}: the servers did not converge");
        assert_converged(&w, expected, seed);
        assert!(taken(&w) > 0, "seed {seed}: no snapshot was taken");
        assert!(w.linearizability_checked(), "seed {seed}");
        assert_clean(&w, seed);
    }
}

// ----- the checker -----------------------------------------------------------------------------

// §7: a snapshot must hold committed entries only. The checker reports one that ends on an entry
// not (yet) committed, or on another entry than the one committed at its index.
#[test]
fn the_checker_reports_a_snapshot_of_an_uncommitted_entry() {
    let log = RaftLog::from_terms(&[1, 1, 2]);
    let a = Node::restore(A, opts(3, 0), 2, None, log.clone());
    let cluster = [
        a.clone(),
        Node::restore(B, opts(3, 0), 2, None, log.clone()),
        Node::restore(C, opts(3, 0), 2, None, log),
    ];
    let mut checker = Checker::new(3);
    let mut feed = |e: NodeEvent| {
        let mut new = Vec::new();
        checker.on_event(0, &a, &e, &cluster, &mut new);
        new
    };
    assert!(feed(NodeEvent::CommitAdvanced { from: 0, to: 2 }).is_empty());
    assert!(
        feed(NodeEvent::SnapshotTaken { index: 2, term: 1 }).is_empty(),
        "committed: fine"
    );
    assert_eq!(
        feed(NodeEvent::SnapshotTaken { index: 3, term: 2 }),
        vec![Violation::UncommittedSnapshot {
            node: A,
            index: 3,
            term: 2
        }]
    );
    assert_eq!(
        feed(NodeEvent::SnapshotTaken { index: 2, term: 2 }),
        vec![Violation::UncommittedSnapshot {
            node: A,
            index: 2,
            term: 2
        }],
        "another entry than the committed one"
    );
    assert_eq!(
        feed(NodeEvent::SnapshotInstalled {
            index: 3,
            term: 2,
            value: 0,
            kept_suffix: false
        })
        .len(),
        0,
        "reported once (the same violation as the snapshot taken at 3)"
    );
    let mut fresh = Checker::new(3);
    let mut new = Vec::new();
    let e = NodeEvent::SnapshotInstalled {
        index: 1,
        term: 1,
        value: 0,
        kept_suffix: false,
    };
    fresh.on_event(0, &cluster[1], &e, &cluster, &mut new);
    assert_eq!(
        new,
        vec![Violation::UncommittedSnapshot {
            node: B,
            index: 1,
            term: 1
        }]
    );
}
