//! Unit tests of one Raft node in each role, driven message by message without the world,
//! including the paper's Figure 7 (a new leader repairs divergent follower logs) and Figure 8
//! (a leader must not commit an old-term entry by counting replicas).

use raftsim::raft::{
    ClientId, ClientReply, Command, DenyReason, Endpoint, Message, Node, NodeEvent, NodeId,
    NodeOptions, Output, RaftLog, Role, Safety, Term, Time, Voters, MS, SECOND,
};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

fn opts(size: u8) -> NodeOptions {
    NodeOptions {
        bootstrap: Voters::first(size),
        ..NodeOptions::default()
    }
}

/// A tiny hand-driven network: every message produced goes to `pending` until a test delivers it.
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

    /// Delivers a client's request for `command` (sequence number `seq`) to node `i`.
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

    /// Delivers every pending message between nodes for which `link` holds; returns how many.
    fn round(&mut self, link: impl Fn(NodeId, NodeId) -> bool) -> usize {
        self.now += MS;
        let batch = std::mem::take(&mut self.pending);
        let mut delivered = 0;
        for (from, to, msg) in batch {
            if let Endpoint::Node(t) = to {
                if link(from, t) && t.index() < self.nodes.len() {
                    delivered += 1;
                    self.send(from, t, msg);
                }
            }
        }
        delivered
    }
}

fn restored(id: u8, size: u8, term: Term, terms: &[Term]) -> Node {
    Node::restore(
        NodeId(id),
        opts(size),
        term,
        None,
        RaftLog::from_terms(terms),
    )
}

/// An AppendEntries with nothing in it from a leader of `term` whose log is empty, as a new
/// leader's first heartbeat is.
fn heartbeat_at_start(term: Term) -> Message {
    Message::AppendEntries {
        term,
        prev_log_index: 0,
        prev_log_term: 0,
        entries: vec![],
        leader_commit: 0,
        sent_at: 0,
    }
}

fn terms_of(n: &Node) -> Vec<Term> {
    n.entries().iter().map(|e| e.term).collect()
}

/// Makes node 0 leader of `term + 1` by forcing its timeout and feeding it granted votes.
fn make_leader(net: &mut Net, voters: &[u8]) {
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    let term = net.nodes[0].term();
    net.pending.clear();
    for &v in voters {
        net.send(
            NodeId(v),
            NodeId(0),
            Message::RequestVoteReply {
                term,
                granted: true,
            },
        );
    }
    assert_eq!(net.nodes[0].role(), Role::Leader);
}

// ----- followers --------------------------------------------------------------------------

// §5.2, Figure 2 RequestVote: at most one vote per term, first come first served.
#[test]
fn follower_votes_once_per_term() {
    let mut net = Net::new(vec![
        Node::new(NodeId(0), opts(3)),
        Node::new(NodeId(1), opts(3)),
    ]);
    let rv = Message::RequestVote {
        term: 1,
        last_log_index: 0,
        last_log_term: 0,
        forced: false,
    };
    net.send(NodeId(1), NodeId(0), rv.clone());
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(1)));
    assert_eq!(net.nodes[0].term(), 1);
    net.send(NodeId(2), NodeId(0), rv);
    let replies: Vec<bool> = net
        .pending
        .iter()
        .filter_map(|(_, _, m)| match m {
            Message::RequestVoteReply { granted, .. } => Some(*granted),
            _ => None,
        })
        .collect();
    assert_eq!(replies, vec![true, false]);
}

// §5.4.1: a voter denies a candidate whose log is less up to date (last term, then length).
#[test]
fn follower_denies_candidate_with_stale_log() {
    let mut net = Net::new(vec![restored(0, 3, 2, &[1, 2])]);
    let ask = |term, last_log_index, last_log_term| Message::RequestVote {
        term,
        last_log_index,
        last_log_term,
        forced: false,
    };
    // Older last term, even though longer.
    net.send(NodeId(1), NodeId(0), ask(3, 5, 1));
    assert_eq!(net.nodes[0].voted_for(), None);
    assert_eq!(
        net.nodes[0].term(),
        3,
        "the higher term is still adopted (§5.1)"
    );
    // Same last term but shorter.
    net.send(NodeId(1), NodeId(0), ask(4, 1, 2));
    assert_eq!(net.nodes[0].voted_for(), None);
    // Same last term and as long: granted.
    net.send(NodeId(1), NodeId(0), ask(5, 2, 2));
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(1)));
}

// §5.1: requests with a stale term are rejected and the reply carries the newer term.
#[test]
fn follower_rejects_stale_append_entries() {
    let mut net = Net::new(vec![restored(0, 3, 5, &[1])]);
    net.send(
        NodeId(1),
        NodeId(0),
        Message::AppendEntries {
            term: 4,
            prev_log_index: 1,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 1,
            sent_at: 0,
        },
    );
    assert!(matches!(
        net.pending[0].2,
        Message::AppendEntriesReply {
            term: 5,
            success: false,
            ..
        }
    ));
    assert_eq!(net.nodes[0].commit_index(), 0);
}

// §5.3, Figure 2 AppendEntries steps 3-5: conflicting entries are deleted, new ones appended,
// and commitIndex = min(leaderCommit, index of last new entry).
#[test]
fn follower_truncates_conflicts_and_follows_leader_commit() {
    let mut net = Net::new(vec![restored(0, 3, 2, &[1, 2, 2])]);
    let mut leader_log = RaftLog::from_terms(&[1, 3]);
    leader_log.push(3, Command::Set(4), None);
    let entries = leader_log.entries().range(1..).to_vec();
    net.send(
        NodeId(1),
        NodeId(0),
        Message::AppendEntries {
            term: 3,
            prev_log_index: 1,
            prev_log_term: 1,
            entries,
            leader_commit: 10,
            sent_at: 0,
        },
    );
    let n = &net.nodes[0];
    assert_eq!(terms_of(n), vec![1, 3, 3]);
    assert_eq!(
        n.commit_index(),
        3,
        "min(leaderCommit 10, last new index 3)"
    );
    assert_eq!(n.value(), 4);
    assert!(net.events.iter().any(|(_, e)| matches!(
        e,
        NodeEvent::EntriesTruncated {
            from_index: 2,
            count: 2
        }
    )));
    assert_eq!(n.leader_hint(), Some(NodeId(1)));
}

// Figure 2: a heartbeat does not commit beyond what it verified (prevLogIndex).
#[test]
fn heartbeat_commit_is_bounded_by_verified_prefix() {
    let mut net = Net::new(vec![restored(0, 3, 1, &[1, 1, 1])]);
    net.send(
        NodeId(1),
        NodeId(0),
        Message::AppendEntries {
            term: 1,
            prev_log_index: 1,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 3,
            sent_at: 0,
        },
    );
    assert_eq!(net.nodes[0].commit_index(), 1);
}

// ----- candidates -------------------------------------------------------------------------

// §5.2: a follower that times out becomes candidate in a new term, votes for itself and asks
// everyone; a majority makes it leader, which sends heartbeats at once.
#[test]
fn candidate_wins_with_majority() {
    let mut net = Net::new((0..5).map(|i| Node::new(NodeId(i), opts(5))).collect());
    let deadline = net.nodes[0].election_deadline().unwrap_or(0);
    assert!((150 * MS..=300 * MS).contains(&deadline));
    net.now = deadline;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::Candidate);
    assert_eq!(net.nodes[0].term(), 1);
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(0)));
    assert_eq!(net.pending.len(), 4);
    net.round(|_, _| true); // votes requested
    net.round(|_, to| to == NodeId(0)); // replies
    assert_eq!(net.nodes[0].role(), Role::Leader);
    // It becomes leader on the third vote, a majority of five.
    assert_eq!(net.nodes[0].votes_held().len(), 3);
    let heartbeats = net
        .pending
        .iter()
        .filter(|(_, _, m)| matches!(m, Message::AppendEntries { .. }))
        .count();
    assert_eq!(heartbeats, 4);
}

// §5.2: a candidate that hears AppendEntries from a leader of its own term steps down.
#[test]
fn candidate_steps_down_for_leader_of_same_term() {
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(3))]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::Candidate);
    net.send(NodeId(1), NodeId(0), heartbeat_at_start(1));
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(net.nodes[0].term(), 1);
}

// §5.2: a candidate whose election times out starts another in a higher term.
#[test]
fn candidate_times_out_into_new_term() {
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(3))]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    let d = net.nodes[0].election_deadline().unwrap_or(0);
    net.now = d;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::Candidate);
    assert_eq!(net.nodes[0].term(), 2);
}

// ----- leaders ----------------------------------------------------------------------------

// §5.1: any server seeing a higher term steps down to follower, a leader included.
#[test]
fn leader_steps_down_on_higher_term() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    net.send(
        NodeId(2),
        NodeId(0),
        Message::AppendEntriesReply {
            term: 7,
            success: false,
            match_index: 0,
            conflict_term: None,
            conflict_index: 0,
            sent_at: 0,
        },
    );
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(net.nodes[0].term(), 7);
    assert!(net.nodes[0].election_deadline().is_some());
}

// §5.2: leaders send heartbeats every heartbeat interval.
#[test]
fn leader_heartbeats_on_tick() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    net.pending.clear();
    let hb = net.nodes[0].next_heartbeat().unwrap_or(0);
    assert_eq!(hb, 50 * MS);
    net.now = hb;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    assert_eq!(net.pending.len(), 2);
    assert_eq!(net.nodes[0].next_heartbeat(), Some(100 * MS));
}

// §5.3 and §8: the leader answers the client only once the entry is committed and applied;
// a follower redirects to the leader it knows.
#[test]
fn leader_answers_client_after_commit() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    net.round(|_, _| true); // heartbeats reach followers, who learn the leader
    net.round(|_, _| true); // replies
    net.pending.clear();
    let client = ClientId(0);
    net.ask(0, client, 1, Command::Set(5));
    assert!(net.pending.is_empty(), "on-heartbeat replication waits");
    assert_eq!(net.nodes[0].log().last_index(), 1);
    net.now += 50 * MS;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    net.round(|_, _| true);
    net.round(|_, _| true);
    let answer = net.pending.iter().find_map(|(_, to, m)| match (to, m) {
        (Endpoint::Client(_), Message::ClientResponse { reply, .. }) => Some(*reply),
        _ => None,
    });
    assert_eq!(answer, Some(ClientReply::Ok { value: 5, index: 1 }));
    // A follower redirects.
    net.pending.clear();
    net.ask(1, client, 2, Command::Add(1));
    assert!(matches!(
        net.pending[0].2,
        Message::ClientResponse {
            reply: ClientReply::Redirect {
                leader: Some(NodeId(0))
            },
            ..
        }
    ));
}

// §8: a retried command (same client and sequence number) is applied once.
#[test]
fn duplicate_client_commands_apply_once() {
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(1))]);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert!(net.nodes[0].is_leader());
    let mut log = RaftLog::new();
    let req = raftsim::raft::RequestId {
        client: ClientId(0),
        seq: 1,
    };
    // Simulate a retry reaching a new leader after the first copy was logged by an old one.
    for _ in 0..2 {
        log.push(1, Command::Add(2), Some(req));
    }
    let mut n = Node::restore(NodeId(0), opts(1), 1, None, log);
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    let mut out = Output::default();
    n.timeout_now(0, &mut rng, &mut out);
    n.handle(
        Endpoint::Client(ClientId(1)),
        Message::ClientRequest {
            seq: 1,
            command: Command::Set(0),
        },
        0,
        &mut rng,
        &mut out,
    );
    // Entries 1 and 2 are the same request; only one ADD 2 counts. Then client 1's SET 0.
    assert_eq!(n.commit_index(), 3);
    let applied: Vec<(u64, bool)> = out
        .events
        .iter()
        .filter_map(|e| match e {
            NodeEvent::Applied {
                index, duplicate, ..
            } => Some((*index, *duplicate)),
            _ => None,
        })
        .collect();
    assert_eq!(applied, vec![(1, false), (2, true), (3, false)]);
}

// ----- Figure 7 ----------------------------------------------------------------------------

const FIG7_LEADER: [Term; 10] = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
const FIG7_FOLLOWERS: [&[Term]; 6] = [
    &[1, 1, 1, 4, 4, 5, 5, 6, 6],          // (a) missing an entry
    &[1, 1, 1, 4],                         // (b) missing many
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],    // (c) an extra uncommitted entry
    &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], // (d) extra entries of term 7
    &[1, 1, 1, 4, 4, 4, 4],                // (e) missing and extra
    &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],    // (f) a branch from terms 2 and 3
];

// §5.3, Figure 7: when the leader of term 8 comes to power, each follower log (a)-(f) is brought
// in line with the leader's: missing entries are filled, extraneous ones deleted. With the fast
// back-up hint each takes only a few round trips.
#[test]
fn figure7_followers_are_repaired_by_new_leader() {
    let mut nodes = vec![restored(0, 7, 7, &FIG7_LEADER)];
    for (i, log) in FIG7_FOLLOWERS.iter().enumerate() {
        let last = log.last().copied().unwrap_or(0);
        nodes.push(restored(i as u8 + 1, 7, last, log));
    }
    let mut net = Net::new(nodes);
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[0].term(), 8);
    net.round(|_, _| true); // RequestVote
    net.round(|_, _| true); // replies
    assert_eq!(
        net.nodes[0].role(),
        Role::Leader,
        "(a), (b), (e), (f) vote for it"
    );
    // Now only AppendEntries traffic: count round trips until every follower holds the leader's
    // entries. (c) and (d) keep their extra entries for now: Figure 2 deletes an entry only when
    // a new one conflicts with it.
    let has_leader_prefix =
        |n: &Node| terms_of(n).get(..FIG7_LEADER.len()) == Some(&FIG7_LEADER[..]);
    let mut round_trips = 0;
    while !net.nodes[1..].iter().all(has_leader_prefix) {
        assert!(round_trips < 4, "repair took too many round trips");
        net.round(|_, _| true);
        net.round(|_, _| true);
        round_trips += 1;
    }
    assert!(round_trips <= 3, "took {round_trips} round trips");
    // None of it is committed yet: all of it is from older terms (§5.4.2).
    assert_eq!(net.nodes[0].commit_index(), 0);
    // An entry of term 8 commits everything before it.
    net.ask(0, ClientId(0), 1, Command::Set(1));
    net.now += 50 * MS;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    net.round(|_, _| true);
    net.round(|_, _| true);
    assert_eq!(net.nodes[0].commit_index(), 11);
    // The new entry replaced the extra entries of (c) and (d): every log is the leader's.
    let mut expected = FIG7_LEADER.to_vec();
    expected.push(8);
    for n in &net.nodes {
        assert_eq!(terms_of(n), expected, "{}", n.id());
    }
}

// End of §5.3: with the conflict-term hint, a follower 50 entries behind on a conflicting branch
// catches up in a few round trips instead of 50.
#[test]
fn fast_backup_over_long_conflicting_branch() {
    let mut leader_terms = vec![1; 5];
    leader_terms.extend(vec![3; 60]);
    let mut follower_terms = vec![1; 5];
    follower_terms.extend(vec![2; 50]);
    let mut net = Net::new(vec![
        restored(0, 3, 3, &leader_terms),
        restored(1, 3, 2, &follower_terms),
    ]);
    make_leader(&mut net, &[2]);
    let mut trips = 0;
    while terms_of(&net.nodes[1]) != leader_terms {
        assert!(trips < 5, "too many round trips");
        net.round(|_, _| true);
        net.round(|_, _| true);
        trips += 1;
        // Heartbeat mode only resends on failure; a heartbeat carries the rest.
        if net.pending.is_empty() {
            net.now += 50 * MS;
            net.call(0, |n, now, rng, out| n.tick(now, rng, out));
        }
    }
    assert!(trips <= 4, "{trips} round trips");
}

// ----- Figure 8 ----------------------------------------------------------------------------

// §5.4.2, Figure 8 (c): S1, leader of term 4, has replicated the term-2 entry at index 2 to a
// majority (S1, S2, S3). It must not count that as committed: S5 (with a term-3 entry at index
// 2) could still be elected and overwrite it. Only once an entry of term 4 is on a majority does
// everything before it commit.
#[test]
fn figure8_leader_does_not_commit_old_term_by_counting() {
    for broken in [false, true] {
        let mut o = opts(5);
        o.safety = Safety {
            commit_old_terms_by_counting: broken,
            ..Safety::default()
        };
        let s1 = Node::restore(NodeId(0), o, 3, None, RaftLog::from_terms(&[1, 2]));
        let mut net = Net::new(vec![s1]);
        make_leader(&mut net, &[1, 2]);
        assert_eq!(net.nodes[0].term(), 4);
        for follower in [1, 2] {
            net.send(
                NodeId(follower),
                NodeId(0),
                Message::AppendEntriesReply {
                    term: 4,
                    success: true,
                    match_index: 2,
                    conflict_term: None,
                    conflict_index: 0,
                    sent_at: 0,
                },
            );
        }
        if broken {
            assert_eq!(
                net.nodes[0].commit_index(),
                2,
                "with the rule broken, counting replicas commits the term-2 entry"
            );
            continue;
        }
        assert_eq!(
            net.nodes[0].commit_index(),
            0,
            "Figure 8 (c): not committed"
        );
        // S5's log (term 3 at index 2) is more up to date than S2's, so S5 could win its vote
        // and overwrite index 2: exactly why the entry could not be considered committed.
        let mut s2 = restored(1, 5, 4, &[1, 2]);
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let mut out = Output::default();
        s2.handle(
            Endpoint::Node(NodeId(4)),
            Message::RequestVote {
                term: 5,
                last_log_index: 2,
                last_log_term: 3,
                forced: false,
            },
            0,
            &mut rng,
            &mut out,
        );
        assert_eq!(s2.voted_for(), Some(NodeId(4)));
        // Figure 8 (e): S1 appends an entry of its own term and replicates it to a majority;
        // now index 3 (term 4) commits, and index 2 with it.
        net.ask(0, ClientId(0), 1, Command::Set(4));
        for follower in [1, 2] {
            net.send(
                NodeId(follower),
                NodeId(0),
                Message::AppendEntriesReply {
                    term: 4,
                    success: true,
                    match_index: 3,
                    conflict_term: None,
                    conflict_index: 0,
                    sent_at: 0,
                },
            );
        }
        assert_eq!(net.nodes[0].commit_index(), 3);
    }
}

// PreVote (thesis §9.6): a pre-candidate does not bump its term, and a server that hears from a
// leader refuses to pre-vote, so a partitioned server cannot disrupt a healthy cluster.
#[test]
fn pre_vote_does_not_disrupt() {
    let mut o = opts(3);
    o.pre_vote = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::PreCandidate);
    assert_eq!(
        net.nodes[0].term(),
        0,
        "no term change before winning a pre-vote"
    );
    net.round(|_, _| true);
    net.round(|_, _| true);
    assert_eq!(net.nodes[0].role(), Role::Candidate);
    net.round(|_, _| true);
    net.round(|_, _| true);
    assert!(net.nodes[0].is_leader());
    assert_eq!(net.nodes[0].term(), 1);
    // Node 2 now hears from the leader and refuses node 1's pre-vote.
    net.round(|_, _| true);
    net.pending.clear();
    net.call(1, |n, now, rng, out| n.timeout_now(now, rng, out));
    net.round(|from, to| from == NodeId(1) && to == NodeId(2));
    net.round(|_, _| true);
    assert_eq!(net.nodes[1].role(), Role::PreCandidate);
    assert_eq!(net.nodes[1].term(), 1);
    assert_eq!(net.nodes[2].term(), 1);
    assert!(net.nodes[0].is_leader());
}

// CheckQuorum (thesis §6.2): a leader that hears from no majority for an election timeout steps
// down.
#[test]
fn check_quorum_leader_steps_down_when_isolated() {
    let mut o = opts(3);
    o.check_quorum = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    // Elected a little after time zero, so the window is counted from the election.
    net.now = 10 * MS;
    make_leader(&mut net, &[1]);
    for _ in 0..2 {
        net.now += 50 * MS;
        net.call(0, |n, now, rng, out| n.tick(now, rng, out));
        net.pending.clear(); // nothing gets through
    }
    assert!(
        net.nodes[0].is_leader(),
        "the first window (150 ms from the election) has not ended"
    );
    for _ in 0..8 {
        net.now += 50 * MS;
        net.call(0, |n, now, rng, out| n.tick(now, rng, out));
        net.pending.clear();
    }
    assert!(!net.nodes[0].is_leader());
    assert!(net
        .events
        .iter()
        .any(|(_, e)| matches!(e, NodeEvent::LostQuorum { .. })));
}

/// A heartbeat reply from `follower` to node 0, the leader of `term`, acknowledging nothing new.
fn ack(net: &mut Net, follower: u8, term: Term) {
    net.send(
        NodeId(follower),
        NodeId(0),
        Message::AppendEntriesReply {
            term,
            success: true,
            match_index: 0,
            conflict_term: None,
            conflict_index: 0,
            sent_at: 0,
        },
    );
}

/// Advances the clock by `step` and runs node 0's timers, dropping what it sends.
fn tick_leader(net: &mut Net, step: Time) {
    net.now += step;
    net.call(0, |n, now, rng, out| n.tick(now, rng, out));
    net.pending.clear();
}

// CheckQuorum (thesis §6.2): a leader that hears from a majority in every window stays leader.
// Each window is the minimum election timeout (150 ms); one follower's reply in each, with the
// leader itself, is a majority of three.
#[test]
fn check_quorum_leader_with_a_quorum_stays() {
    let mut o = opts(3);
    o.check_quorum = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    make_leader(&mut net, &[1]);
    let term = net.nodes[0].term();
    for window in 0..10 {
        ack(&mut net, 1 + (window % 2), term);
        for _ in 0..3 {
            tick_leader(&mut net, 50 * MS);
        }
        assert!(net.nodes[0].is_leader(), "stepped down in window {window}");
    }
    assert!(!net
        .events
        .iter()
        .any(|(_, e)| matches!(e, NodeEvent::LostQuorum { .. })));
}

// CheckQuorum: each window starts afresh. A leader that heard from a majority in one window and
// from no one in the next steps down at the end of the second: what it heard before does not
// count for ever.
#[test]
fn check_quorum_window_resets() {
    let mut o = opts(3);
    o.check_quorum = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    make_leader(&mut net, &[1]);
    let term = net.nodes[0].term();
    ack(&mut net, 1, term);
    ack(&mut net, 2, term);
    // First window (150 ms): the replies above make a quorum.
    for _ in 0..3 {
        tick_leader(&mut net, 50 * MS);
    }
    assert!(net.nodes[0].is_leader(), "had a quorum in the first window");
    // Second window: silence.
    for _ in 0..3 {
        tick_leader(&mut net, 50 * MS);
    }
    assert!(
        !net.nodes[0].is_leader(),
        "CheckQuorum: a leader that heard no one in its second window must step down"
    );
    assert_eq!(net.nodes[0].term(), term, "stepping down keeps the term");
    assert_eq!(
        net.nodes[0].leader_hint(),
        None,
        "a leader that stepped down no longer names itself leader"
    );
    assert!(net
        .events
        .iter()
        .any(|(_, e)| *e == NodeEvent::LostQuorum { term }));
}

// PreVote (thesis §9.6): a pre-vote is refused to a candidate whose log is less up to date
// (§5.4.1 applies to pre-votes too), so a stale server cannot even start an election.
#[test]
fn pre_vote_refused_to_a_stale_log() {
    let mut o = opts(3);
    o.pre_vote = true;
    let voter = Node::restore(NodeId(1), o, 2, None, RaftLog::from_terms(&[1, 2]));
    let mut net = Net::new(vec![Node::new(NodeId(0), o), voter]);
    net.now = SECOND; // long after any leader contact
    net.send(
        NodeId(0),
        NodeId(1),
        Message::PreVote {
            term: 3,
            last_log_index: 5,
            last_log_term: 1,
        },
    );
    assert!(
        net.events.iter().any(|(_, e)| *e
            == NodeEvent::PreVoteAnswered {
                candidate: NodeId(0),
                term: 3,
                granted: false,
                reason: Some(DenyReason::LogNotUpToDate),
            }),
        "PreVote must refuse a candidate whose log is less up to date (§5.4.1): {:?}",
        net.events
    );
    assert!(matches!(
        net.pending.last(),
        Some((
            _,
            _,
            Message::PreVoteReply {
                granted: false,
                term: 2
            }
        ))
    ));
    // The same request from an up-to-date log is granted.
    net.send(
        NodeId(0),
        NodeId(1),
        Message::PreVote {
            term: 3,
            last_log_index: 2,
            last_log_term: 2,
        },
    );
    assert!(matches!(
        net.pending.last(),
        Some((
            _,
            _,
            Message::PreVoteReply {
                granted: true,
                term: 3
            }
        ))
    ));
}

// PreVote: granting a pre-vote changes nothing on the voter: not its term, not votedFor, not its
// election timer. That is what makes asking harmless.
#[test]
fn pre_vote_grant_leaves_the_voter_unchanged() {
    let mut o = opts(3);
    o.pre_vote = true;
    let mut net = Net::new((0..2).map(|i| Node::new(NodeId(i), o)).collect());
    net.now = 100 * MS;
    let (term, voted, deadline) = (
        net.nodes[1].term(),
        net.nodes[1].voted_for(),
        net.nodes[1].election_deadline(),
    );
    net.send(
        NodeId(0),
        NodeId(1),
        Message::PreVote {
            term: 1,
            last_log_index: 0,
            last_log_term: 0,
        },
    );
    assert!(matches!(
        net.pending.last(),
        Some((_, _, Message::PreVoteReply { granted: true, .. }))
    ));
    assert_eq!(net.nodes[1].term(), term);
    assert_eq!(net.nodes[1].voted_for(), voted);
    assert_eq!(net.nodes[1].election_deadline(), deadline);
    assert_eq!(net.nodes[1].role(), Role::Follower);
}

// PreVote: a pre-candidate that is refused by a server in a higher term adopts that term and
// goes back to following (§5.1: any server that sees a higher term adopts it).
#[test]
fn pre_candidate_adopts_a_higher_term_from_a_refusal() {
    let mut o = opts(3);
    o.pre_vote = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::PreCandidate);
    net.pending.clear();
    net.send(
        NodeId(1),
        NodeId(0),
        Message::PreVoteReply {
            term: 7,
            granted: false,
        },
    );
    assert_eq!(net.nodes[0].term(), 7);
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(net.nodes[0].voted_for(), None);
}

// Figure 2, Followers: granting a vote restarts the election timer, so the voter gives the
// candidate it chose a full timeout to win before campaigning itself.
#[test]
fn granting_a_vote_restarts_the_election_timer() {
    let mut net = Net::new(vec![
        Node::new(NodeId(0), opts(3)),
        Node::new(NodeId(1), opts(3)),
    ]);
    let before = net.nodes[0].election_deadline().unwrap_or(0);
    net.now = before - MS;
    net.send(
        NodeId(1),
        NodeId(0),
        Message::RequestVote {
            term: 1,
            last_log_index: 0,
            last_log_term: 0,
            forced: false,
        },
    );
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(1)));
    let after = net.nodes[0].election_deadline().unwrap_or(0);
    assert!(
        after >= net.now + 150 * MS,
        "granting a vote must restart the election timer (Figure 2): deadline {after} us, granted at {} us",
        net.now
    );
    // A refusal does not restart it.
    let refused_at = net.now + MS;
    net.now = refused_at;
    net.send(
        NodeId(2),
        NodeId(0),
        Message::RequestVote {
            term: 1,
            last_log_index: 0,
            last_log_term: 0,
            forced: false,
        },
    );
    assert_eq!(net.nodes[0].election_deadline(), Some(after));
}

// What the UI reads off a node (the inspector's nextIndex / matchIndex, the votes a candidate
// holds, the leader a follower follows) is the node's real state, and only a leader has the
// leader's volatile state (Figure 2: reinitialised after election).
#[test]
fn views_of_a_node_match_its_role() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    assert_eq!(net.nodes[0].next_index(), None);
    assert_eq!(net.nodes[0].match_index(), None);
    assert_eq!(net.nodes[0].options().bootstrap, Voters::first(3));
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(
        net.nodes[0].votes_held().iter().collect::<Vec<_>>(),
        vec![NodeId(0)]
    );
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(0)));
    net.round(|_, _| true); // RequestVote out
    net.round(|_, _| true); // replies in: leader, heartbeats out
    assert!(net.nodes[0].is_leader());
    assert_eq!(net.nodes[0].leader_hint(), Some(NodeId(0)));
    assert_eq!(net.nodes[0].next_index(), Some(&[1, 1, 1][..]));
    assert_eq!(net.nodes[0].match_index(), Some(&[0, 0, 0][..]));
    assert!(net.nodes[0].next_heartbeat().is_some());
    assert_eq!(net.nodes[0].election_deadline(), None);
    // The leader's own slots follow its log as it appends.
    net.ask(0, ClientId(0), 1, Command::Set(5));
    assert_eq!(net.nodes[0].next_index(), Some(&[2, 1, 1][..]));
    assert_eq!(net.nodes[0].match_index(), Some(&[1, 0, 0][..]));
    net.round(|_, _| true); // heartbeats arrive
    assert_eq!(net.nodes[1].leader_hint(), Some(NodeId(0)));
    assert_eq!(net.nodes[1].next_heartbeat(), None);
    assert!(net.nodes[1].election_deadline().is_some());
    assert!(!net.nodes[1].is_leader());
    net.nodes[1].stop();
    assert!(net.nodes[1].is_stopped());
    assert_eq!(net.nodes[1].next_timer(), None);
}

// Changing options while running: a leader turning CheckQuorum on starts a window (and steps
// down if no one answers within it); turning it off ends the window.
#[test]
fn check_quorum_can_be_switched_on_and_off_while_leading() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    let mut on = opts(3);
    on.check_quorum = true;
    net.now += 10 * MS;
    net.nodes[0].set_options(on, net.now);
    assert!(net.nodes[0].options().check_quorum);
    // The first window starts now: a leader is not deposed before it has had a full window.
    tick_leader(&mut net, 50 * MS);
    assert!(
        net.nodes[0].is_leader(),
        "deposed before its first window ended"
    );
    let mut off = on;
    off.check_quorum = false;
    net.nodes[0].set_options(off, net.now);
    for _ in 0..10 {
        tick_leader(&mut net, 50 * MS);
    }
    assert!(net.nodes[0].is_leader(), "without CheckQuorum it stays");
    net.nodes[0].set_options(on, net.now);
    for _ in 0..4 {
        tick_leader(&mut net, 50 * MS);
    }
    assert!(
        !net.nodes[0].is_leader(),
        "CheckQuorum switched on: a leader that hears no one steps down"
    );
}

// A restarted server starts as a follower; a leader that crashed is reported stepping down, a
// follower that crashed is not reported changing role.
#[test]
fn restart_comes_back_as_follower() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    let term = net.nodes[0].term();
    for i in [0, 1] {
        net.nodes[i].stop();
        net.events.clear();
        net.call(i, |n, now, rng, out| n.restart(now, rng, out));
        assert_eq!(net.nodes[i].role(), Role::Follower);
        assert!(net.nodes[i].election_deadline().is_some());
        let stepped_down = NodeEvent::RoleChanged {
            from: Role::Leader,
            to: Role::Follower,
            term,
        };
        let changes: Vec<_> = net
            .events
            .iter()
            .filter(|(_, e)| matches!(e, NodeEvent::RoleChanged { .. }))
            .map(|(_, e)| e.clone())
            .collect();
        if i == 0 {
            assert_eq!(changes, vec![stepped_down]);
        } else {
            assert_eq!(changes, vec![], "a follower stays a follower");
        }
    }
}

// Figure 2 resets the election timer on hearing the current leader, granting a vote or starting
// an election. Adopting a newer term from a candidate whose vote is refused is none of these: the
// deadline stays where it was.
#[test]
fn adopting_a_newer_term_keeps_the_election_deadline() {
    let o = opts(3);
    let voter = Node::restore(NodeId(1), o, 1, None, RaftLog::from_terms(&[1, 1]));
    let mut net = Net::new(vec![Node::new(NodeId(0), o), voter]);
    let deadline = net.nodes[1].election_deadline();
    net.now = 10 * MS;
    net.send(
        NodeId(0),
        NodeId(1),
        Message::RequestVote {
            term: 5,
            last_log_index: 0,
            last_log_term: 0,
            forced: false,
        },
    );
    assert_eq!(net.nodes[1].term(), 5, "the newer term is adopted");
    assert_eq!(net.nodes[1].voted_for(), None, "the stale log is refused");
    assert_eq!(net.nodes[1].election_deadline(), deadline);
}

// §5.2: starting an election moves to the next term and says so, with the term it left.
#[test]
fn an_election_reports_the_term_it_starts() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    let events: Vec<_> = net.events.iter().map(|(_, e)| e.clone()).collect();
    assert!(events.contains(&NodeEvent::TermChanged { from: 0, to: 1 }));
    assert!(events.contains(&NodeEvent::ElectionStarted { term: 1 }));
    assert_eq!(net.nodes[0].term(), 1);
}

// §5.1: a candidate that hears a newer term in a vote reply steps down to it; a reply from an
// older term is stale and changes nothing.
#[test]
fn a_candidate_steps_down_only_for_a_newer_term_in_a_reply() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    net.now = 10 * MS;
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Candidate, 2)
    );
    let reply = |term, granted| Message::RequestVoteReply { term, granted };
    net.send(NodeId(1), NodeId(0), reply(1, false));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Candidate, 2),
        "a stale reply is ignored"
    );
    net.send(NodeId(1), NodeId(0), reply(1, true));
    assert_eq!(
        net.nodes[0].role(),
        Role::Candidate,
        "a stale grant does not count"
    );
    net.send(NodeId(2), NodeId(0), reply(4, false));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Follower, 4)
    );
}

// PreVote: "heard from a leader within the minimum election timeout" is strict. Up to one
// microsecond before the timeout has passed since the last heartbeat the voter refuses; from then
// on it may grant.
#[test]
fn pre_vote_leader_contact_expires_after_the_minimum_timeout() {
    let mut o = opts(3);
    o.pre_vote = true;
    let mut net = Net::new((0..2).map(|i| Node::new(NodeId(i), o)).collect());
    let heartbeat = heartbeat_at_start(1);
    net.now = 100 * MS;
    net.send(NodeId(2), NodeId(1), heartbeat);
    let heard = net.now;
    let ask = |net: &mut Net, at: Time| {
        net.now = at;
        net.send(
            NodeId(0),
            NodeId(1),
            Message::PreVote {
                term: 2,
                last_log_index: 0,
                last_log_term: 0,
            },
        );
        matches!(
            net.pending.last(),
            Some((_, _, Message::PreVoteReply { granted: true, .. }))
        )
    };
    assert!(
        !ask(&mut net, heard + 150 * MS - 1),
        "the leader is still alive"
    );
    assert!(
        ask(&mut net, heard + 150 * MS),
        "the leader's contact has expired"
    );
}

// PreVote: grants that arrive after the pre-candidate has gone back to following (it heard a
// leader) are late and count for nothing; only a pre-candidate collects pre-votes.
#[test]
fn late_pre_vote_grants_are_ignored_by_a_follower() {
    let mut o = opts(3);
    o.pre_vote = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), o)).collect());
    net.call(0, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[0].role(), Role::PreCandidate);
    net.send(NodeId(2), NodeId(0), heartbeat_at_start(1));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Follower, 1)
    );
    for voter in [1, 2] {
        net.send(
            NodeId(voter),
            NodeId(0),
            Message::PreVoteReply {
                term: 2,
                granted: true,
            },
        );
    }
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Follower, 1),
        "late pre-votes started an election"
    );
}

// §5.1, Figure 2: a leader that receives AppendEntries from the leader of a newer term steps down
// at once, follows it, and accepts the entries.
#[test]
fn leader_follows_a_newer_leader_at_once() {
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    net.pending.clear();
    net.send(NodeId(2), NodeId(0), heartbeat_at_start(5));
    assert_eq!(
        (net.nodes[0].role(), net.nodes[0].term()),
        (Role::Follower, 5)
    );
    assert_eq!(net.nodes[0].leader_hint(), Some(NodeId(2)));
    assert!(matches!(
        net.pending.last(),
        Some((
            _,
            _,
            Message::AppendEntriesReply {
                term: 5,
                success: true,
                ..
            }
        ))
    ));
}

// Figure 2, AppendEntries step 5: commitIndex = min(leaderCommit, index of last new entry). When
// that minimum is where the follower's commit index already is, nothing advanced and nothing is
// reported (the event list must not show a commit from 1 to 1).
#[test]
fn a_heartbeat_that_commits_nothing_new_reports_nothing() {
    let mut net = Net::new(vec![restored(0, 3, 1, &[1]), restored(1, 3, 1, &[1])]);
    let heartbeat = |leader_commit| Message::AppendEntries {
        term: 1,
        prev_log_index: 1,
        prev_log_term: 1,
        entries: vec![],
        leader_commit,
        sent_at: 0,
    };
    net.send(NodeId(0), NodeId(1), heartbeat(1));
    assert_eq!(net.nodes[1].commit_index(), 1);
    net.events.clear();
    net.send(NodeId(0), NodeId(1), heartbeat(3));
    assert_eq!(
        net.nodes[1].commit_index(),
        1,
        "bounded by the verified prefix"
    );
    assert!(
        !net.events
            .iter()
            .any(|(_, e)| matches!(e, NodeEvent::CommitAdvanced { .. })),
        "{:?}",
        net.events
    );
}

/// Node 0 as leader of term 3 with the log `terms` (its own term's entries included), having
/// sent nothing yet that matters: pending messages are cleared.
fn leader_with_log(terms: &[Term]) -> Net {
    let mut net = Net::new(vec![
        restored(0, 3, 2, terms),
        restored(1, 3, 2, &[]),
        restored(2, 3, 2, &[]),
    ]);
    make_leader(&mut net, &[1]);
    net.pending.clear();
    net
}

fn rejection(term: Term, conflict_term: Option<Term>, conflict_index: u64) -> Message {
    Message::AppendEntriesReply {
        term,
        success: false,
        match_index: 0,
        conflict_term,
        conflict_index,
        sent_at: 0,
    }
}

// §5.3, the fast back-up: a follower whose entry at prevLogIndex has a term the leader also has
// is sent everything after the leader's last entry of that term, in one step.
#[test]
fn fast_backup_jumps_to_after_the_leaders_last_entry_of_the_conflicting_term() {
    let mut net = leader_with_log(&[1, 1, 2, 2]);
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    net.send(NodeId(1), NodeId(0), rejection(3, Some(2), 3));
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    // The leader's last term-1 entry is at 2: a follower conflicting in term 1 gets index 3 on.
    let mut net = leader_with_log(&[1, 1, 2, 2]);
    net.send(NodeId(1), NodeId(0), rejection(3, Some(1), 1));
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(3));
    assert!(matches!(
        net.pending.last(),
        Some((
            _,
            _,
            Message::AppendEntries {
                prev_log_index: 2,
                ..
            }
        ))
    ));
}

// A rejection that arrives after the follower has acknowledged entries (a stale or duplicated
// reply) never moves nextIndex below what the follower is known to hold, and one that would not
// move it at all sends nothing.
#[test]
fn a_stale_rejection_does_not_undo_what_a_follower_acknowledged() {
    let mut net = leader_with_log(&[1, 1, 2, 2]);
    net.send(
        NodeId(1),
        NodeId(0),
        Message::AppendEntriesReply {
            term: 3,
            success: true,
            match_index: 4,
            conflict_term: None,
            conflict_index: 0,
            sent_at: 0,
        },
    );
    assert_eq!(net.nodes[0].match_index().map(|m| m[1]), Some(4));
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    net.pending.clear();
    net.send(NodeId(1), NodeId(0), rejection(3, None, 1));
    assert_eq!(net.nodes[0].next_index().map(|n| n[1]), Some(5));
    assert!(
        net.pending.is_empty(),
        "resent for a stale reply: {:?}",
        net.pending
    );
}

// §8: a client's retry that a new leader logged again, after an old leader's copy, is applied
// once, and the new leader answers it on commit with the result and index of the first copy.
#[test]
fn a_retried_command_logged_twice_is_answered_with_its_first_result() {
    let req = raftsim::raft::RequestId {
        client: ClientId(0),
        seq: 1,
    };
    let mut log = RaftLog::new();
    log.push(1, Command::Add(2), Some(req));
    let mut n = Node::restore(NodeId(0), opts(1), 1, None, log);
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    let mut out = Output::default();
    n.start(0, &mut rng);
    // Leader of term 2, alone: it cannot commit the term-1 copy until an entry of its own
    // term commits, and the retry is that entry.
    let mut o = opts(1);
    o.noop_on_election = false;
    n.set_options(o, 0);
    n.timeout_now(0, &mut rng, &mut out);
    assert_eq!(n.commit_index(), 0);
    out = Output::default();
    n.handle(
        Endpoint::Client(ClientId(0)),
        Message::ClientRequest {
            seq: 1,
            command: Command::Add(2),
        },
        0,
        &mut rng,
        &mut out,
    );
    assert_eq!(n.commit_index(), 2);
    assert_eq!(n.value(), 2, "ADD 2 applied once");
    let answers: Vec<_> = out
        .messages
        .iter()
        .filter(|(to, _)| *to == Endpoint::Client(ClientId(0)))
        .map(|(_, m)| m.clone())
        .collect();
    assert_eq!(
        answers,
        vec![Message::ClientResponse {
            seq: 1,
            reply: ClientReply::Ok { value: 2, index: 1 },
        }]
    );
}

// Only the leader answers clients: a follower applying a committed client command says nothing
// to the client (it would answer for a leader it is not, and answer twice).
#[test]
fn followers_apply_client_commands_without_answering() {
    let mut net = Net::new(vec![
        Node::new(NodeId(0), opts(3)),
        Node::new(NodeId(1), opts(3)),
    ]);
    let entry = raftsim::raft::LogEntry {
        index: 1,
        term: 1,
        command: Command::Set(5),
        request: Some(raftsim::raft::RequestId {
            client: ClientId(0),
            seq: 1,
        }),
    };
    net.send(
        NodeId(0),
        NodeId(1),
        Message::AppendEntries {
            term: 1,
            prev_log_index: 0,
            prev_log_term: 0,
            entries: vec![entry],
            leader_commit: 1,
            sent_at: 0,
        },
    );
    assert_eq!(net.nodes[1].value(), 5);
    assert!(
        net.pending
            .iter()
            .all(|(_, to, _)| !matches!(to, Endpoint::Client(_))),
        "{:?}",
        net.pending
    );
}

// §8: a late copy of a request the client has moved on from (its session is at a later sequence
// number) is dropped: not logged again, not answered.
#[test]
fn a_late_copy_of_an_old_request_is_dropped() {
    let mut n = Node::new(NodeId(0), opts(1));
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let mut out = Output::default();
    n.start(0, &mut rng);
    n.timeout_now(0, &mut rng, &mut out);
    let request = |seq| Message::ClientRequest {
        seq,
        command: Command::Add(1),
    };
    for seq in [1, 2] {
        n.handle(
            Endpoint::Client(ClientId(0)),
            request(seq),
            0,
            &mut rng,
            &mut out,
        );
    }
    assert_eq!((n.log().last_index(), n.value()), (2, 2));
    out = Output::default();
    n.handle(
        Endpoint::Client(ClientId(0)),
        request(1),
        0,
        &mut rng,
        &mut out,
    );
    assert_eq!(n.log().last_index(), 2, "logged again");
    assert!(out.messages.is_empty(), "{:?}", out.messages);
}

// ----- leadership transfer (thesis §3.10) --------------------------------------------------

/// Three servers, all with log [1], node 0 leader of term 2 (votes from 1 and 2), its first
/// heartbeats answered so it knows both followers match.
fn settled_leader_of_three() -> Net {
    let mut net = Net::new((0..3).map(|i| restored(i, 3, 1, &[1])).collect());
    make_leader(&mut net, &[1, 2]);
    while net.round(|_, _| true) > 0 {}
    assert_eq!(
        net.nodes[0].match_index().map(<[u64]>::to_vec),
        Some(vec![1, 1, 1])
    );
    net
}

// §3.10: a target whose log already matches gets TimeoutNow at once, starts an election without
// waiting for its timer, and wins it, in the next term.
#[test]
fn transfer_to_an_up_to_date_follower_sends_timeout_now_and_it_wins() {
    let mut net = settled_leader_of_three();
    let term = net.nodes[0].term();
    net.call(0, |n, now, _, out| {
        assert_eq!(n.transfer_leadership(NodeId(1), now, out), Ok(()));
    });
    assert!(net
        .pending
        .iter()
        .any(|(_, to, m)| *to == Endpoint::Node(NodeId(1)) && *m == Message::TimeoutNow { term }));
    while net.round(|_, _| true) > 0 {}
    assert_eq!(net.nodes[1].role(), Role::Leader);
    assert_eq!(net.nodes[1].term(), term + 1);
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(
        net.nodes[0].transfer(),
        None,
        "the transfer ended with the leadership"
    );
}

// §3.10 step 2: a lagging target is brought up to date first; TimeoutNow goes only when its log
// matches the leader's, so the election it starts is one it can win.
#[test]
fn transfer_to_a_lagging_follower_catches_it_up_before_timeout_now() {
    let mut net = settled_leader_of_three();
    let term = net.nodes[0].term();
    // Two new entries reach node 2 only.
    for v in [1, 2] {
        net.ask(0, ClientId(0), v, Command::Set(v as i64));
    }
    net.pending.clear();
    net.call(0, |n, now, _, out| {
        let _ = n.transfer_leadership(NodeId(1), now, out);
    });
    let timeout_now_sent = |net: &Net| {
        net.events
            .iter()
            .any(|(_, e)| matches!(e, NodeEvent::TimeoutNowSent { .. }))
    };
    assert!(!timeout_now_sent(&net), "node 1 lacks two entries");
    assert!(net
        .pending
        .iter()
        .any(|(_, to, m)| *to == Endpoint::Node(NodeId(1))
            && matches!(m, Message::AppendEntries { entries, .. } if entries.len() == 2)));
    while net.round(|_, _| true) > 0 {}
    assert!(timeout_now_sent(&net));
    assert_eq!(net.nodes[1].role(), Role::Leader);
    assert_eq!(net.nodes[1].term(), term + 1);
    assert_eq!(net.nodes[1].log().last_index(), 3);
}

// §3.10 step 1: while handing over, the leader takes no new commands. It does not answer them
// (a redirect would bounce the client between it and the target until the election is over);
// a command it already answered is answered again.
#[test]
fn a_leader_handing_over_takes_no_new_commands() {
    let mut net = settled_leader_of_three();
    // Entries go out with the next heartbeat: run the leader's timer, then deliver.
    let replicate = |net: &mut Net, link: &dyn Fn(NodeId, NodeId) -> bool| {
        net.now = net.nodes[0].next_timer().expect("a leader has timers");
        net.call(0, |n, now, rng, out| n.tick(now, rng, out));
        while net.round(link) > 0 {}
    };
    // SET 4 is committed and answered before the transfer.
    net.ask(0, ClientId(0), 1, Command::Set(4));
    replicate(&mut net, &|_, _| true);
    assert_eq!(net.nodes[0].commit_index(), 2);
    // Node 2 is left behind by one more entry, so the transfer to it must wait for catch-up.
    net.ask(0, ClientId(0), 2, Command::Set(6));
    replicate(&mut net, &|_, to| to != NodeId(2));
    assert_eq!(net.nodes[0].commit_index(), 3);
    net.call(0, |n, now, _, out| {
        let _ = n.transfer_leadership(NodeId(2), now, out);
    });
    net.pending.clear();
    assert!(net.nodes[0].transfer().is_some_and(|t| !t.timeout_now_sent));
    let last = net.nodes[0].log().last_index();
    net.ask(0, ClientId(0), 3, Command::Set(9));
    assert_eq!(net.nodes[0].log().last_index(), last, "nothing appended");
    assert!(net.pending.is_empty(), "and no answer: {:?}", net.pending);
    // The retry of an answered command gets its answer again.
    net.ask(0, ClientId(0), 2, Command::Set(6));
    assert!(matches!(
        net.pending.last(),
        Some((
            _,
            _,
            Message::ClientResponse {
                seq: 2,
                reply: ClientReply::Ok { value: 6, .. }
            }
        ))
    ));
}

// The transfer lives in the leader's timers: it ends when the leadership ends, whatever ends it,
// and TimeoutNow goes out once however many replies the target sends.
#[test]
fn a_transfer_ends_with_the_leadership_and_sends_timeout_now_once() {
    let mut net = settled_leader_of_three();
    net.call(0, |n, now, _, out| {
        let _ = n.transfer_leadership(NodeId(1), now, out);
    });
    let sent = |net: &Net| {
        net.events
            .iter()
            .filter(|(_, e)| matches!(e, NodeEvent::TimeoutNowSent { .. }))
            .count()
    };
    assert_eq!(sent(&net), 1);
    net.pending.clear();
    // More success replies from the target change nothing.
    let term = net.nodes[0].term();
    for _ in 0..3 {
        net.send(
            NodeId(1),
            NodeId(0),
            Message::AppendEntriesReply {
                term,
                success: true,
                match_index: 1,
                conflict_term: None,
                conflict_index: 0,
                sent_at: 0,
            },
        );
    }
    assert_eq!(sent(&net), 1);
    // A higher term from anywhere ends the leadership, and the transfer with it.
    net.send(NodeId(2), NodeId(0), heartbeat_at_start(term + 5));
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(net.nodes[0].transfer(), None);
}

// A transfer that cannot finish (the target is down) is given up after an election timeout, and
// the leader takes commands again.
#[test]
fn a_transfer_that_cannot_finish_is_given_up_after_an_election_timeout() {
    let mut net = settled_leader_of_three();
    net.call(0, |n, now, _, out| {
        let _ = n.transfer_leadership(NodeId(1), now, out);
    });
    let deadline = net.nodes[0].transfer().map(|t| t.deadline);
    assert_eq!(deadline, Some(net.now + opts(3).election_timeout_max_us));
    assert!(net.nodes[0]
        .next_timer()
        .is_some_and(|t| Some(t) <= deadline));
    // Nothing is delivered; time passes, heartbeats go out, until the deadline.
    while net.nodes[0].transfer().is_some() {
        let due = net.nodes[0].next_timer().expect("a leader has timers");
        net.now = due;
        net.call(0, |n, now, rng, out| n.tick(now, rng, out));
        assert!(net.now <= deadline.unwrap_or(0));
    }
    assert!(net.events.iter().any(|(_, e)| *e
        == NodeEvent::TransferAborted {
            target: NodeId(1),
            term: 2
        }));
    assert!(net.nodes[0].is_leader());
    let last = net.nodes[0].log().last_index();
    net.ask(0, ClientId(0), 1, Command::Set(9));
    assert_eq!(net.nodes[0].log().last_index(), last + 1);
}

#[test]
fn only_a_leader_transfers_and_only_to_another_server_of_the_cluster() {
    use raftsim::raft::TransferRefusal;
    let mut net = settled_leader_of_three();
    let mut out = Output::default();
    assert_eq!(
        net.nodes[0].transfer_leadership(NodeId(0), 0, &mut out),
        Err(TransferRefusal::AlreadyLeader)
    );
    assert_eq!(
        net.nodes[0].transfer_leadership(NodeId(7), 0, &mut out),
        Err(TransferRefusal::UnknownServer(NodeId(7)))
    );
    assert_eq!(
        net.nodes[1].transfer_leadership(NodeId(2), 0, &mut out),
        Err(TransferRefusal::NotLeader)
    );
    assert!(out.messages.is_empty() && out.events.is_empty());
}

// TimeoutNow from an old term (a leader that has since been replaced) is ignored.
#[test]
fn a_stale_timeout_now_is_ignored() {
    let mut net = Net::new(vec![restored(0, 3, 5, &[1])]);
    net.send(NodeId(1), NodeId(0), Message::TimeoutNow { term: 4 });
    assert_eq!(net.nodes[0].role(), Role::Follower);
    assert_eq!(net.nodes[0].term(), 5);
    assert!(net.pending.is_empty());
}

// TimeoutNow from a leader of a newer term than the receiver knows (it missed that election):
// the receiver adopts the term first, so its election is in the term after the leader's, one the
// leader's followers will take part in.
#[test]
fn timeout_now_from_a_newer_term_starts_an_election_after_that_term() {
    let mut net = Net::new(vec![restored(0, 3, 2, &[1])]);
    net.send(NodeId(1), NodeId(0), Message::TimeoutNow { term: 5 });
    assert_eq!(net.nodes[0].role(), Role::Candidate);
    assert_eq!(net.nodes[0].term(), 6);
    assert!(net
        .pending
        .iter()
        .any(|(_, _, m)| matches!(m, Message::RequestVote { term: 6, .. })));
}

// §6 (thesis §4.2.3): a server that heard from a leader within the minimum election timeout
// neither adopts a candidate's newer term nor votes; an election the leader asked for (or the
// user forced) is exempt, and the break switch turns the rule off.
#[test]
fn a_server_that_hears_a_leader_ignores_vote_requests_unless_forced() {
    let ask = |forced| Message::RequestVote {
        term: 5,
        last_log_index: 0,
        last_log_term: 0,
        forced,
    };
    for (forced, switch, granted) in [
        (false, false, false),
        (true, false, true),
        (false, true, true),
    ] {
        let mut options = opts(3);
        options.safety.vote_despite_live_leader = switch;
        let mut net = Net::new(vec![
            Node::new(NodeId(0), options),
            Node::new(NodeId(1), options),
        ]);
        net.send(NodeId(1), NodeId(0), heartbeat_at_start(1));
        assert_eq!(net.nodes[0].term(), 1);
        net.now += 100 * MS; // within the 150 ms minimum election timeout
        net.send(NodeId(2), NodeId(0), ask(forced));
        assert_eq!(
            net.nodes[0].term(),
            if granted { 5 } else { 1 },
            "{forced} {switch}"
        );
        assert_eq!(net.nodes[0].voted_for().is_some(), granted);
        if !granted {
            assert!(net.events.iter().any(|(_, e)| matches!(
                e,
                NodeEvent::VoteDenied {
                    reason: DenyReason::LeaderIsAlive,
                    ..
                }
            )));
        }
    }
    // Once the minimum election timeout has passed without a leader, votes flow again.
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(3))]);
    net.send(NodeId(1), NodeId(0), heartbeat_at_start(1));
    net.now += 200 * MS;
    net.send(NodeId(2), NodeId(0), ask(false));
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(2)));
}

// A server whose latest configuration leaves it out, not yet known to be committed, still
// campaigns if it voted in the configuration before: the change may never commit, and its log
// may be the one the cluster needs. Once that configuration is known committed, it stays quiet.
#[test]
fn a_server_left_out_by_an_uncommitted_configuration_may_still_campaign() {
    use raftsim::raft::Membership;
    let only_a = Membership::simple(Voters::first(1));
    let mut log = RaftLog::from_terms(&[1]);
    log.push(1, Command::Config(only_a), None);
    let b = Node::restore(NodeId(1), opts(2), 1, None, log.clone());
    assert!(!b.membership().is_voter(NodeId(1)));
    assert!(b.may_campaign(), "C_new (index 2) is not known committed");
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(2)), b]);
    net.call(1, |n, now, rng, out| n.timeout_now(now, rng, out));
    assert_eq!(net.nodes[1].role(), Role::Candidate);
    // Told that index 2 is committed, B knows it is out and stops campaigning.
    let commit = Message::AppendEntries {
        term: 9,
        prev_log_index: 2,
        prev_log_term: 1,
        entries: vec![],
        leader_commit: 2,
        sent_at: 0,
    };
    net.send(NodeId(0), NodeId(1), commit);
    assert_eq!(net.nodes[1].commit_index(), 2);
    assert!(!net.nodes[1].may_campaign());
    net.now += SECOND;
    net.call(1, |n, now, rng, out| n.tick(now, rng, out));
    assert_eq!(net.nodes[1].role(), Role::Follower);
    assert_eq!(
        net.nodes[1].election_deadline(),
        None,
        "no timer to run down"
    );
}

// Thesis §4.1 (2015): with single-server changes a leader holds a change until an entry of its
// own term commits (appending a no-op to get there); the held change ends with the leadership.
#[test]
fn a_single_server_change_waits_for_an_entry_of_the_leaders_term() {
    use raftsim::raft::MembershipChange;
    let mut options = opts(3);
    options.single_server_changes = true;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), options)).collect());
    make_leader(&mut net, &[1]);
    let term = net.nodes[0].term();
    let (now, mut out) = (net.now, Output::default());
    let change = MembershipChange::Add(NodeId(3));
    assert_eq!(net.nodes[0].request_change(change, now, &mut out), Ok(()));
    assert_eq!(net.nodes[0].pending_change(), Some(change));
    assert_eq!(
        net.nodes[0].entries().last().map(|e| (e.term, e.command)),
        Some((term, Command::NoOp))
    );
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, NodeEvent::ChangeDeferred { .. })));
    assert_eq!(
        net.nodes[0].request_change(MembershipChange::Remove(NodeId(1)), now, &mut out),
        Err(raftsim::raft::ChangeRefusal::InProgress)
    );
    // Restarted, it forgets the held change.
    net.nodes[0].stop();
    net.call(0, |n, now, rng, out| n.restart(now, rng, out));
    assert_eq!(net.nodes[0].pending_change(), None);
}

// The §6 guard is about newer terms (a removed server's): a candidate of the server's own term is
// judged by Figure 2's rules alone, so one that has not voted in the term still votes, even right
// after hearing from the leader (harmless: the leader's voters refuse that candidate).
#[test]
fn the_leader_guard_leaves_same_term_votes_to_figure_2() {
    let mut net = Net::new(vec![Node::new(NodeId(0), opts(3))]);
    net.send(NodeId(1), NodeId(0), heartbeat_at_start(2));
    net.now += 10 * MS;
    let ask = Message::RequestVote {
        term: 2,
        last_log_index: 0,
        last_log_term: 0,
        forced: false,
    };
    net.send(NodeId(2), NodeId(0), ask);
    assert_eq!(net.nodes[0].voted_for(), Some(NodeId(2)));
    assert_eq!(net.nodes[0].term(), 2);
}

// A server joining mid-term gets nextIndex = the leader's last index + 1 when it is added (as
// Figure 2 initialises every follower's on election), so the first AppendEntries it is sent
// carries the very configuration that adds it.
#[test]
fn a_new_server_is_first_sent_the_configuration_that_adds_it() {
    use raftsim::raft::MembershipChange;
    let mut net = Net::new((0..3).map(|i| Node::new(NodeId(i), opts(3))).collect());
    make_leader(&mut net, &[1]);
    let before = net.nodes[0].log().last_index();
    let (now, mut out) = (net.now, Output::default());
    net.nodes[0]
        .request_change(MembershipChange::Add(NodeId(3)), now, &mut out)
        .expect("a leader with a committed configuration adds a server");
    let config_index = net.nodes[0].log().last_index();
    assert_eq!(config_index, before + 1);
    assert_eq!(net.nodes[0].next_index().map(|n| n[3]), Some(config_index));
    assert_eq!(net.nodes[0].match_index().map(|m| m[3]), Some(0));
}
