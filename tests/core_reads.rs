//! Reads (§8 of the paper, thesis §6.4): GET through the log, with ReadIndex, and with a leader
//! lease; the no-op a new leader needs first; the break-Raft switch that serves reads from any
//! server's state, caught by the live linearizability check; and determinism with reads and
//! snapshots on.

use raftsim::raft::{
    ClientId, ClientReply, Command, CommandParseError, Endpoint, Message, MessageKind, Node,
    NodeEvent, NodeId, NodeOptions, Output, RaftLog, ReadMode, ReadPath, Term, Time, Voters, MS,
    SECOND,
};
use raftsim::sim::{
    Action, Config, OpOutcome, Replication, Safety, TimedAction, TraceKind, Violation, World,
};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const CLIENT1: ClientId = ClientId(0);
const CLIENT2: ClientId = ClientId(1);

// ----- the command -----------------------------------------------------------------------------

// §8: GET is a command like SET and ADD as typed in the command box, and it changes nothing.
#[test]
fn get_parses_displays_and_changes_nothing() {
    for text in ["get", "GET", "  Get  "] {
        assert_eq!(text.parse::<Command>(), Ok(Command::Get), "{text:?}");
    }
    assert_eq!(
        "GET 5".parse::<Command>(),
        Err(CommandParseError::TrailingText("5".into()))
    );
    assert_eq!(Command::Get.to_string(), "GET");
    assert_eq!(
        Command::Get.to_string().parse::<Command>(),
        Ok(Command::Get)
    );
    for value in [0, 7, -3, i64::MAX] {
        assert_eq!(Command::Get.apply(value), value);
    }
}

// ----- a small hand-driven network ---------------------------------------------------------------

fn opts(size: u8, read_mode: ReadMode) -> NodeOptions {
    NodeOptions {
        bootstrap: Voters::first(size),
        read_mode,
        replicate_immediately: true,
        ..NodeOptions::default()
    }
}

/// As in `core_node.rs`: messages wait in `pending` until a test delivers them. Node `i` of
/// `nodes` has id `i`; messages to servers not in `nodes` are lost.
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
            // Not 0: a leader ignores acknowledgements of messages "sent at 0", the value that
            // InstallSnapshot replies and old recordings carry.
            now: SECOND,
            pending: Vec::new(),
            events: Vec::new(),
        };
        for n in &mut net.nodes {
            n.start(net.now, &mut net.rng);
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

    /// One millisecond later, delivers every pending message between servers that exist.
    fn round(&mut self) {
        self.now += MS;
        let batch = std::mem::take(&mut self.pending);
        for (from, to, msg) in batch {
            if let Endpoint::Node(t) = to {
                if t.index() < self.nodes.len() {
                    self.send(from, t, msg);
                }
            }
        }
    }

    /// Answers to `client` so far, taken out of `pending`.
    fn answers(&mut self, client: ClientId) -> Vec<(u64, ClientReply)> {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, t, _)| *t == Endpoint::Client(client));
        self.pending = rest;
        mine.into_iter()
            .filter_map(|(_, _, m)| match m {
                Message::ClientResponse { seq, reply } => Some((seq, reply)),
                _ => None,
            })
            .collect()
    }

    /// AppendEntries waiting to go to `to`.
    fn appends_to(&self, to: NodeId) -> usize {
        self.pending
            .iter()
            .filter(|(_, t, m)| *t == Endpoint::Node(to) && m.kind() == MessageKind::AppendEntries)
            .count()
    }

    fn reads_served(&mut self) -> Vec<(u64, i64, ReadPath)> {
        std::mem::take(&mut self.events)
            .into_iter()
            .filter_map(|(_, e)| match e {
                NodeEvent::ReadServed {
                    index, value, path, ..
                } => Some((index, value, path)),
                _ => None,
            })
            .collect()
    }
}

/// A two-server view of a three-server cluster (C is down): A leads term `term + 1` with B's
/// vote; both start from `log` in `term`.
fn cluster(read_mode: ReadMode, term: Term, log: RaftLog) -> Net {
    let a = Node::restore(A, opts(3, read_mode), term, None, log.clone());
    let b = Node::restore(B, opts(3, read_mode), term, None, log);
    let mut net = Net::new(vec![a, b]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    net.pending.clear();
    net.send(
        B,
        A,
        Message::RequestVoteReply {
            term: term + 1,
            granted: true,
        },
    );
    assert!(net.nodes[0].is_leader());
    net
}

/// The same, with SET 5 committed in the leader's term and acknowledged by B.
fn cluster_with_set_5(read_mode: ReadMode) -> Net {
    let mut net = cluster(read_mode, 0, RaftLog::new());
    net.ask(0, CLIENT1, 1, Command::Set(5));
    net.round();
    net.round();
    assert_eq!(net.nodes[0].commit_index(), 1);
    assert_eq!(
        net.answers(CLIENT1),
        vec![(1, ClientReply::Ok { value: 5, index: 1 })]
    );
    // What is left is a second copy of entry 1 for B, sent on B's answer to the election's
    // heartbeat (matchIndex 0): not needed any more.
    net.pending.clear();
    net.events.clear();
    net
}

// ----- ReadIndex (thesis §6.4) -----------------------------------------------------------------

// A client that retries a GET the leader is still confirming gets one answer, not two; reads of
// two clients waiting at once are both answered.
#[test]
fn a_retried_read_is_held_once_and_two_clients_reads_both_wait() {
    let mut net = cluster_with_set_5(ReadMode::ReadIndex);
    net.now += 10 * MS;
    net.ask(0, CLIENT1, 2, Command::Get);
    net.ask(0, CLIENT1, 2, Command::Get);
    // The same sequence number from another client is another read.
    net.ask(0, CLIENT2, 2, Command::Get);
    assert!(
        net.answers(CLIENT1).is_empty(),
        "not before a heartbeat round"
    );
    net.round();
    net.round();
    let ok = ClientReply::Ok { value: 5, index: 1 };
    assert_eq!(net.answers(CLIENT1), vec![(2, ok)]);
    assert_eq!(net.answers(CLIENT2), vec![(2, ok)]);
    assert_eq!(net.reads_served().len(), 2);
}

// Thesis §6.4 step 1 needs an entry of the leader's term committed; one already in the log,
// not yet committed, will do, so no no-op is added for it.
#[test]
fn a_read_waits_for_an_own_term_entry_already_in_the_log_without_a_no_op() {
    let mut net = cluster(ReadMode::ReadIndex, 0, RaftLog::new());
    net.ask(0, CLIENT1, 1, Command::Set(7));
    assert_eq!(net.nodes[0].log().last_index(), 1);
    net.ask(0, CLIENT2, 1, Command::Get);
    assert_eq!(net.nodes[0].log().last_index(), 1, "no no-op");
    net.round();
    net.round();
    assert_eq!(
        net.answers(CLIENT2),
        vec![(1, ClientReply::Ok { value: 7, index: 1 })]
    );
}

#[test]
fn read_modes_describe_themselves_apart() {
    let english = raftsim::i18n::english();
    let words: Vec<&str> = ReadMode::ALL
        .iter()
        .filter_map(|m| english.get(m.key()))
        .collect();
    assert_eq!(
        words,
        ["through the log", "with ReadIndex", "with a leader lease"]
    );
}

// Thesis §6.4 steps 2 and 3: the leader notes its commit index, then sends a round of heartbeats;
// only acknowledgements of heartbeats sent after the read arrived confirm that it still leads.
#[test]
fn read_index_waits_for_a_heartbeat_round() {
    let mut net = cluster_with_set_5(ReadMode::ReadIndex);
    let before = net.now;
    net.now += 10 * MS;
    net.ask(0, CLIENT1, 2, Command::Get);
    assert!(net.reads_served().is_empty());
    assert!(net.answers(CLIENT1).is_empty());
    assert_eq!(net.appends_to(B), 1, "a fresh round of heartbeats");
    assert_eq!(net.nodes[0].log().last_index(), 1, "no entry for the read");
    // An acknowledgement of an AppendEntries sent before the read does not count.
    net.send(
        B,
        A,
        Message::AppendEntriesReply {
            term: 1,
            success: true,
            match_index: 1,
            conflict_term: None,
            conflict_index: 0,
            sent_at: before,
        },
    );
    assert!(net.reads_served().is_empty());
    assert!(net.answers(CLIENT1).is_empty());
    // B answers the new round: a majority (A and B) confirmed the leadership.
    net.round();
    net.round();
    assert_eq!(net.reads_served(), vec![(1, 5, ReadPath::ReadIndex)]);
    assert_eq!(
        net.answers(CLIENT1),
        vec![(2, ClientReply::Ok { value: 5, index: 1 })]
    );
    assert_eq!(net.nodes[0].log().last_index(), 1);
}

// Thesis §6.4 step 1: a new leader does not know which entries are committed until it commits
// one of its own term, so before answering a ReadIndex read it appends a no-op (as in §8).
#[test]
fn a_new_leader_appends_a_no_op_before_answering_a_read_index_read() {
    let mut log = RaftLog::new();
    log.push(1, Command::Set(5), None);
    log.push(1, Command::Add(2), None);
    let mut net = cluster(ReadMode::ReadIndex, 1, log);
    assert_eq!(net.nodes[0].term(), 2);
    net.events.clear();
    net.ask(0, CLIENT1, 1, Command::Get);
    let appended: Vec<_> = net
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            NodeEvent::EntryAppended { entry } => Some((entry.index, entry.term, entry.command)),
            _ => None,
        })
        .collect();
    assert_eq!(appended, vec![(3, 2, Command::NoOp)]);
    assert!(net.reads_served().is_empty());
    net.round();
    net.round();
    // The no-op committed everything before it; the read is answered at or after it.
    assert_eq!(net.nodes[0].commit_index(), 3);
    assert_eq!(net.reads_served(), vec![(3, 7, ReadPath::ReadIndex)]);
    assert_eq!(
        net.answers(CLIENT1),
        vec![(1, ClientReply::Ok { value: 7, index: 3 })]
    );
}

// ----- leases (thesis §6.4.1) ------------------------------------------------------------------

// While a majority acknowledged a heartbeat sent less than an election timeout ago, no other
// leader can exist, so the leader answers at once: same call, no new round trip.
#[test]
fn a_lease_read_is_answered_at_once_while_the_lease_holds() {
    let mut net = cluster_with_set_5(ReadMode::Lease);
    net.now += 100 * MS;
    net.ask(0, CLIENT1, 2, Command::Get);
    assert_eq!(net.reads_served(), vec![(1, 5, ReadPath::Lease)]);
    assert_eq!(
        net.answers(CLIENT1),
        vec![(2, ClientReply::Ok { value: 5, index: 1 })]
    );
    assert!(net.pending.is_empty(), "nothing sent to the followers");
}

// Past an election timeout since the last acknowledged heartbeat the lease has run out: the
// leader confirms with a round of heartbeats first, as with ReadIndex.
#[test]
fn a_lease_that_ran_out_falls_back_to_a_heartbeat_round() {
    let mut net = cluster_with_set_5(ReadMode::Lease);
    net.now += 200 * MS;
    net.ask(0, CLIENT1, 2, Command::Get);
    assert!(net.reads_served().is_empty());
    assert!(net.answers(CLIENT1).is_empty());
    assert_eq!(net.appends_to(B), 1);
    net.round();
    net.round();
    // Answered once B acknowledged the new round (which also renews the lease, so the event may
    // name either path).
    let served = net.reads_served();
    assert_eq!(served.len(), 1);
    assert_eq!((served[0].0, served[0].1), (1, 5));
    assert_eq!(
        net.answers(CLIENT1),
        vec![(2, ClientReply::Ok { value: 5, index: 1 })]
    );
}

// Thesis §3.10 and §6.4.1: TimeoutNow lets the target be elected without waiting an election
// timeout, which is what the lease counts on; a leader that sent it may not use its lease again
// in that term, even once the transfer has been given up.
#[test]
fn a_leader_that_sent_timeout_now_no_longer_uses_its_lease() {
    let mut net = cluster_with_set_5(ReadMode::Lease);
    let mut out = Output::default();
    net.nodes[0]
        .transfer_leadership(B, net.now, &mut out)
        .expect("B is a caught-up voter");
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, NodeEvent::TimeoutNowSent { target: B, .. })));
    // TimeoutNow is lost; the transfer times out and A leads on.
    net.now += 301 * MS;
    net.tick(0);
    assert!(net
        .events
        .iter()
        .any(|(_, e)| matches!(e, NodeEvent::TransferAborted { .. })));
    assert!(net.nodes[0].is_leader() && net.nodes[0].transfer().is_none());
    // A fresh heartbeat round: with a lease this would be enough to answer at once.
    net.round();
    net.round();
    net.events.clear();
    net.ask(0, CLIENT1, 2, Command::Get);
    assert!(net.reads_served().is_empty(), "no lease any more");
    assert!(net.answers(CLIENT1).is_empty());
    assert_eq!(net.appends_to(B), 1);
    net.round();
    net.round();
    assert_eq!(net.reads_served(), vec![(1, 5, ReadPath::ReadIndex)]);
    assert_eq!(
        net.answers(CLIENT1),
        vec![(2, ClientReply::Ok { value: 5, index: 1 })]
    );
}

// ----- on the world ------------------------------------------------------------------------------

fn world(config: Config) -> World {
    World::new(config).expect("a valid config")
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

fn submit(w: &mut World, client: ClientId, node: NodeId, command: Command) -> usize {
    w.apply(Action::Submit {
        client,
        node,
        command,
    })
    .expect("a valid submit");
    w.operations().len() - 1
}

fn wait_done(w: &mut World, op: usize, within: Time) -> OpOutcome {
    let limit = w.now() + within;
    w.run_until(|w| w.operations()[op].outcome != OpOutcome::Pending, limit);
    w.operations()[op].outcome
}

fn assert_clean(w: &World) {
    assert!(w.violations().is_empty(), "{:#?}", w.violations());
}

fn reads_served(w: &World) -> Vec<(Time, NodeId, i64, ReadPath)> {
    w.trace()
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Node {
                node,
                event: NodeEvent::ReadServed { value, path, .. },
            } => Some((e.at, node, value, path)),
            _ => None,
        })
        .collect()
}

fn get_entries(w: &World) -> usize {
    w.nodes()
        .iter()
        .flat_map(|n| n.entries())
        .filter(|e| e.command == Command::Get)
        .count()
}

// §8 and thesis §6.4: whichever way the leader serves it, a GET after SET 5 and ADD 2 returns 7.
// Through the log it is an entry like any other; with ReadIndex or a lease it is not.
#[test]
fn every_read_mode_returns_the_latest_committed_value() {
    for mode in ReadMode::ALL {
        let mut w = world(Config {
            seed: 5,
            read_mode: mode,
            ..Config::default()
        });
        let leader = elect(&mut w);
        submit(&mut w, CLIENT1, leader, Command::Set(5));
        submit(&mut w, CLIENT1, leader, Command::Add(2));
        let get = submit(&mut w, CLIENT1, leader, Command::Get);
        assert!(
            matches!(
                wait_done(&mut w, get, 2 * SECOND),
                OpOutcome::Ok { value: 7, .. }
            ),
            "{mode:?}: {:?}",
            w.operations()[get]
        );
        run_for(&mut w, 200 * MS);
        let served = reads_served(&w);
        match mode {
            ReadMode::Log => {
                assert!(served.is_empty(), "{mode:?}");
                assert_eq!(w.nodes()[leader.index()].log().last_index(), 3);
                assert_eq!(get_entries(&w), 3, "{mode:?}: one GET entry on each server");
            }
            ReadMode::ReadIndex | ReadMode::Lease => {
                let path = if mode == ReadMode::Lease {
                    ReadPath::Lease
                } else {
                    ReadPath::ReadIndex
                };
                assert_eq!(served.len(), 1, "{mode:?}");
                let (at, node, value, p) = served[0];
                assert_eq!((node, value, p), (leader, 7, path), "{mode:?}");
                assert_eq!(get_entries(&w), 0, "{mode:?}: no entry for the read");
                assert_eq!(w.nodes()[leader.index()].log().last_index(), 2);
                // With the lease, the answer is given the instant the request arrives.
                let arrived = w
                    .trace()
                    .iter()
                    .rev()
                    .find(|e| {
                        e.at <= at
                            && matches!(
                                e.kind,
                                TraceKind::MessageDelivered {
                                    kind: MessageKind::ClientRequest,
                                    to: Endpoint::Node(n),
                                    ..
                                } if n == leader
                            )
                    })
                    .map(|e| e.at)
                    .expect("the GET arrived");
                if mode == ReadMode::Lease {
                    assert_eq!(arrived, at, "answered at once");
                } else {
                    assert!(at > arrived, "answered after a round trip");
                }
            }
        }
        assert_clean(&w);
    }
}

// Thesis §6.4: a leader cut off from the majority cannot confirm its leadership, so it does not
// answer; the client retries elsewhere and reads what the new leader committed.
#[test]
fn a_read_index_leader_cut_off_from_the_majority_does_not_answer() {
    let mut w = world(Config {
        cluster_size: 5,
        seed: 8,
        client_retry_timeout_us: SECOND,
        ..Config::default()
    });
    let old = elect(&mut w);
    let op = submit(&mut w, CLIENT1, old, Command::Set(5));
    wait_done(&mut w, op, SECOND);
    run_for(&mut w, 200 * MS);
    w.apply(Action::Partition(vec![vec![old]])).expect("valid");
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some_and(|l| l != old), limit));
    let new = w.leader().expect("checked");
    let set9 = submit(&mut w, CLIENT2, new, Command::Set(9));
    assert!(matches!(
        wait_done(&mut w, set9, SECOND),
        OpOutcome::Ok { value: 9, .. }
    ));
    let get = submit(&mut w, CLIENT1, old, Command::Get);
    run_for(&mut w, 500 * MS);
    assert!(
        w.nodes()[old.index()].is_leader(),
        "it still thinks it leads"
    );
    assert_eq!(w.operations()[get].outcome, OpOutcome::Pending);
    assert!(reads_served(&w).iter().all(|&(_, n, ..)| n != old));
    assert!(matches!(
        wait_done(&mut w, get, 3 * SECOND),
        OpOutcome::Ok { value: 9, .. }
    ));
    assert!(w.operations()[get].attempts > 1, "answered after a retry");
    assert!(w.linearizability_checked());
    assert_clean(&w);
}

// Thesis §6.4 step 1 on the world: after a change of leader, the new leader's first read waits
// for a no-op of its term, which also commits what the old leader left.
#[test]
fn a_new_leaders_first_read_goes_after_a_no_op() {
    let mut w = world(Config {
        seed: 12,
        ..Config::default()
    });
    let old = elect(&mut w);
    let op = submit(&mut w, CLIENT1, old, Command::Set(5));
    wait_done(&mut w, op, SECOND);
    w.apply(Action::Stop(old)).expect("running");
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some(), limit));
    let new = w.leader().expect("checked");
    let term = w.nodes()[new.index()].term();
    assert_ne!(
        w.nodes()[new.index()].log().last_term(),
        term,
        "no entry of its term yet"
    );
    let get = submit(&mut w, CLIENT2, new, Command::Get);
    assert!(matches!(
        wait_done(&mut w, get, SECOND),
        OpOutcome::Ok { value: 5, .. }
    ));
    let last = *w.nodes()[new.index()].entries().last().expect("entries");
    assert_eq!(
        (last.index, last.term, last.command),
        (2, term, Command::NoOp)
    );
    assert_clean(&w);
}

/// The break-Raft script: SET 5 everywhere; the leader is cut off alone; the majority elects
/// another that commits SET 9; then client 1 sends GET to the old leader. Returns the world and
/// the operations of SET 9 and GET.
fn stale_read_script(serve_reads_locally: bool) -> (World, usize, usize) {
    let mut w = world(Config {
        seed: 3,
        client_retry_timeout_us: SECOND,
        safety: Safety {
            serve_reads_locally,
            ..Safety::default()
        },
        ..Config::default()
    });
    let old = elect(&mut w);
    let op = submit(&mut w, CLIENT1, old, Command::Set(5));
    wait_done(&mut w, op, SECOND);
    run_for(&mut w, 200 * MS);
    w.apply(Action::Partition(vec![vec![old]])).expect("valid");
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some_and(|l| l != old), limit));
    let new = w.leader().expect("checked");
    let set9 = submit(&mut w, CLIENT2, new, Command::Set(9));
    assert!(matches!(
        wait_done(&mut w, set9, SECOND),
        OpOutcome::Ok { value: 9, .. }
    ));
    assert!(w.nodes()[old.index()].is_leader());
    // Strictly after SET 9 completed: an operation invoked at the very instant another completes
    // is concurrent with it.
    run_for(&mut w, 10 * MS);
    let get = submit(&mut w, CLIENT1, old, Command::Get);
    wait_done(&mut w, get, 3 * SECOND);
    (w, set9, get)
}

// §8: "a leader that has been deposed ... could return stale data". With the switch that lets any
// server answer from its own state, the old leader returns 5 after SET 9 completed: the live
// linearizability check names the read and the newer write it missed.
#[test]
fn serving_reads_locally_returns_a_stale_value_and_breaks_linearizability() {
    let (w, set9, get) = stale_read_script(true);
    assert!(matches!(
        w.operations()[get].outcome,
        OpOutcome::Ok { value: 5, .. }
    ));
    assert!(reads_served(&w)
        .iter()
        .any(|&(_, _, value, path)| (value, path) == (5, ReadPath::Local)));
    let found: Vec<_> = w
        .check_invariants()
        .into_iter()
        .filter(|v| matches!(v, Violation::NotLinearizable { .. }))
        .collect();
    assert_eq!(
        found,
        vec![Violation::NotLinearizable {
            op: get,
            client: CLIENT1,
            command: Command::Get,
            observed: 5,
            expected: Some(9),
            before: Some((set9, CLIENT2, Command::Set(9))),
        }]
    );
}

// The same script with every rule in force: the old leader never answers, the retried read
// returns 9, and the history stays linearizable.
#[test]
fn without_the_switch_the_same_script_stays_linearizable() {
    let (w, _, get) = stale_read_script(false);
    assert!(matches!(
        w.operations()[get].outcome,
        OpOutcome::Ok { value: 9, .. }
    ));
    assert!(reads_served(&w).iter().all(|r| r.3 != ReadPath::Local));
    assert!(w.linearizability_checked());
    assert_clean(&w);
}

// ----- determinism -----------------------------------------------------------------------------

fn determinism_run(seed: u64) -> World {
    let config = Config {
        seed,
        cluster_size: 5,
        snapshot_threshold: 3,
        read_mode: ReadMode::Lease,
        replication: Replication::Immediate,
        loss_per_mille: 50,
        duplicate_per_mille: 50,
        ..Config::default()
    };
    let mut actions = Vec::new();
    for i in 0..12u64 {
        let client = ClientId((i % 2) as u16);
        let node = NodeId((i % 5) as u8);
        let command = match i % 3 {
            0 => Command::Set(i as i64),
            1 => Command::Add(2),
            _ => Command::Get,
        };
        actions.push(TimedAction::at(
            400 * MS + i * 150 * MS,
            Action::Submit {
                client,
                node,
                command,
            },
        ));
    }
    actions.push(TimedAction::at(900 * MS, Action::Stop(NodeId(3))));
    actions.push(TimedAction::at(2_500 * MS, Action::Restart(NodeId(3))));
    actions.push(TimedAction::at(
        1_200 * MS,
        Action::SetOption(raftsim::sim::OptionChange::ReadMode(ReadMode::ReadIndex)),
    ));
    actions.sort_by_key(|a| a.at);
    let mut w = World::replay(config, &actions).expect("valid actions");
    w.advance_to(6 * SECOND);
    w
}

// Same seed and actions, same run: the trace hash covers snapshots and reads too.
#[test]
fn the_same_seed_and_actions_give_the_same_trace_with_snapshots_and_reads() {
    let first = determinism_run(77);
    let second = determinism_run(77);
    assert_eq!(first.trace_hash(), second.trace_hash());
    assert_eq!(first.trace_len(), second.trace_len());
    let snapshots = first
        .trace()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Node {
                    event: NodeEvent::SnapshotTaken { .. } | NodeEvent::SnapshotInstalled { .. },
                    ..
                }
            )
        })
        .count();
    assert!(snapshots > 0, "the run took snapshots");
    assert!(!reads_served(&first).is_empty(), "the run served reads");
    assert_ne!(
        first.trace_hash(),
        determinism_run(78).trace_hash(),
        "another seed, another run"
    );
}

// The live check searches only what follows the settled start of the history, so it keeps
// working however long the run: a stale read after 3,000 operations is still caught, and the
// unsettled part stays a handful of operations while clients take turns.
#[test]
fn the_live_check_still_catches_a_stale_read_after_thousands_of_operations() {
    let mut w = world(Config {
        seed: 3,
        safety: Safety {
            serve_reads_locally: true,
            ..Safety::default()
        },
        ..Config::default()
    });
    let old = elect(&mut w);
    for k in 0..3_000i64 {
        let client = if k % 2 == 0 { CLIENT1 } else { CLIENT2 };
        let command = if k % 3 == 0 {
            Command::Get
        } else {
            Command::Add(1)
        };
        let op = submit(&mut w, client, old, command);
        assert!(matches!(
            wait_done(&mut w, op, SECOND),
            OpOutcome::Ok { .. }
        ));
        run_for(&mut w, MS);
    }
    assert!(w.linearizability_checked(), "the live check is still on");
    assert_clean(&w);
    w.apply(Action::Partition(vec![vec![old]])).expect("valid");
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some_and(|l| l != old), limit));
    let new = w.leader().expect("checked");
    let set = submit(&mut w, CLIENT2, new, Command::Set(-1));
    assert!(matches!(
        wait_done(&mut w, set, SECOND),
        OpOutcome::Ok { .. }
    ));
    run_for(&mut w, 10 * MS);
    let get = submit(&mut w, CLIENT1, old, Command::Get);
    wait_done(&mut w, get, SECOND);
    let found: Vec<_> = w
        .check_invariants()
        .into_iter()
        .filter(|v| matches!(v, Violation::NotLinearizable { .. }))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(matches!(found[0], Violation::NotLinearizable { op, .. } if op == get));
}
