//! Narrative scenario tests: the story of the seed narrative (thesecretlivesofdata.com/raft),
//! played on the deterministic world with the invariant checker watching every event.

use raftsim::raft::{Command, NodeEvent, Role};
use raftsim::sim::{Action, ClientId, Config, NodeId, OpOutcome, TraceKind, World, MS, SECOND};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);
const CLIENT1: ClientId = ClientId(0);
const CLIENT2: ClientId = ClientId(1);

fn world(size: u8, seed: u64) -> World {
    let config = Config {
        cluster_size: size,
        seed,
        ..Config::default()
    };
    World::new(config).expect("the default config with a valid size is valid")
}

fn assert_clean(w: &World) {
    let v = w.check_invariants();
    assert!(v.is_empty(), "invariant violations: {v:#?}");
}

/// Runs until a leader exists and returns it.
fn elect(w: &mut World, within: u64) -> NodeId {
    let limit = w.now() + within;
    assert!(
        w.run_until(|w| w.leader().is_some(), limit),
        "no leader elected by {} ms",
        limit / MS
    );
    w.leader().expect("run_until said a leader exists")
}

fn run_for(w: &mut World, d: u64) {
    let t = w.now() + d;
    w.advance_to(t);
}

fn submit(w: &mut World, client: ClientId, node: NodeId, command: Command) -> usize {
    w.apply(Action::Submit {
        client,
        node,
        command,
    })
    .expect("valid submit");
    w.operations().len() - 1
}

fn wait_done(w: &mut World, op: usize, within: u64) -> OpOutcome {
    let limit = w.now() + within;
    w.run_until(|w| w.operations()[op].outcome != OpOutcome::Pending, limit);
    w.operations()[op].outcome
}

// The single-node story: "coming to agreement on that value is easy with one node." §5.2: a
// lone server elects itself (its own vote is a majority) and commits on its own.
#[test]
fn one_node_commits_alone() {
    let mut w = world(1, 7);
    let leader = elect(&mut w, SECOND);
    assert_eq!(leader, A);
    assert_eq!(w.nodes()[0].term(), 1);
    let op = submit(&mut w, CLIENT1, A, Command::Set(5));
    assert!(matches!(
        wait_done(&mut w, op, SECOND),
        OpOutcome::Ok { value: 5, index: 1 }
    ));
    assert_eq!(w.nodes()[0].value(), 5);
    assert_clean(&w);
}

// §5.2 Leader election: all start as followers; one times out, becomes candidate for term 1,
// gets a majority and leads; heartbeats keep it leader.
#[test]
fn three_node_election() {
    let mut w = world(3, 1);
    for n in w.nodes() {
        assert_eq!(n.role(), Role::Follower);
        assert_eq!(n.term(), 0);
    }
    let leader = elect(&mut w, SECOND);
    let term = w.nodes()[leader.index()].term();
    assert_eq!(
        term, 1,
        "the first election wins term 1 with these settings"
    );
    // Heartbeats hold the term steady for a while.
    run_for(&mut w, 2 * SECOND);
    assert_eq!(w.leader(), Some(leader));
    for n in w.nodes() {
        assert_eq!(n.term(), term);
        assert_eq!(n.leader_hint(), Some(leader));
    }
    let elected_in = w.trace().iter().any(|e| {
        matches!(
            e.kind,
            TraceKind::Node {
                event: NodeEvent::ElectionStarted { term: 1 },
                ..
            }
        )
    });
    assert!(elected_in);
    assert_clean(&w);
}

// §5.2: stop the leader; another times out and wins a higher term.
#[test]
fn leader_stops_and_another_is_elected_in_a_higher_term() {
    let mut w = world(3, 2);
    let first = elect(&mut w, SECOND);
    let first_term = w.nodes()[first.index()].term();
    w.apply(Action::Stop(first)).expect("leader is running");
    let limit = w.now() + 2 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some_and(|l| l != first), limit));
    let second = w.leader().expect("checked");
    assert!(w.nodes()[second.index()].term() > first_term);
    // The old leader comes back as a follower of the new term.
    w.apply(Action::Restart(first)).expect("stopped");
    run_for(&mut w, SECOND);
    assert_eq!(w.nodes()[first.index()].role(), Role::Follower);
    assert_eq!(
        w.nodes()[first.index()].term(),
        w.nodes()[second.index()].term()
    );
    assert_clean(&w);
}

// §5.2 split votes: two candidates in the same term each reach one follower first; nobody wins
// that term, and randomised timeouts resolve it in a later term.
#[test]
fn four_node_split_vote_resolved_later() {
    let mut w = world(4, 3);
    // Make each candidate reach a different follower first: A cannot reach D, B cannot reach C.
    w.apply(Action::CutLink(A, D)).expect("valid");
    w.apply(Action::CutLink(B, C)).expect("valid");
    run_for(&mut w, 10 * MS);
    w.apply(Action::Timeout(A)).expect("running");
    w.apply(Action::Timeout(B)).expect("running");
    assert_eq!(w.nodes()[A.index()].term(), 1);
    assert_eq!(w.nodes()[B.index()].term(), 1);
    // Let the votes arrive: each candidate has 2 of 4, and 3 are needed.
    run_for(&mut w, 40 * MS);
    assert_eq!(w.nodes()[A.index()].votes_held().len(), 2);
    assert_eq!(w.nodes()[B.index()].votes_held().len(), 2);
    assert_eq!(w.leader(), None, "a split vote elects nobody in term 1");
    w.apply(Action::RestoreLink(A, D)).expect("cut");
    w.apply(Action::RestoreLink(B, C)).expect("cut");
    let leader = elect(&mut w, 3 * SECOND);
    assert!(w.nodes()[leader.index()].term() >= 2);
    assert_clean(&w);
}

// §5.3 log replication: SET 5 then ADD 2, committed and applied everywhere with value 7; the
// client gets 5 and then 7.
#[test]
fn set_5_then_add_2_gives_7_everywhere() {
    let mut w = world(3, 4);
    let leader = elect(&mut w, SECOND);
    let op = submit(&mut w, CLIENT1, leader, Command::Set(5));
    // The request travels to the leader, which appends it but has not committed or applied it.
    let limit = w.now() + SECOND;
    assert!(w.run_until(|w| w.nodes()[leader.index()].log().last_index() == 1, limit));
    let l = &w.nodes()[leader.index()];
    assert_eq!(l.log().last_index(), 1);
    assert_eq!(l.commit_index(), 0);
    assert_eq!(l.value(), 0);
    assert!(matches!(
        wait_done(&mut w, op, SECOND),
        OpOutcome::Ok { value: 5, .. }
    ));
    let op = submit(&mut w, CLIENT1, leader, Command::Add(2));
    assert!(matches!(
        wait_done(&mut w, op, SECOND),
        OpOutcome::Ok { value: 7, .. }
    ));
    // Followers learn the commit index on the next heartbeat.
    run_for(&mut w, 200 * MS);
    for n in w.nodes() {
        assert_eq!(n.commit_index(), 2, "{}", n.id());
        assert_eq!(n.value(), 7, "{}", n.id());
    }
    assert_clean(&w);
}

// A client that asks a follower is redirected to the leader (§8).
#[test]
fn follower_redirects_client_to_leader() {
    let mut w = world(3, 5);
    let leader = elect(&mut w, SECOND);
    run_for(&mut w, 100 * MS);
    let follower = NodeId(((leader.index() + 1) % 3) as u8);
    let op = submit(&mut w, CLIENT2, follower, Command::Set(9));
    assert!(matches!(
        wait_done(&mut w, op, SECOND),
        OpOutcome::Ok { value: 9, .. }
    ));
    assert!(w.trace().iter().any(|e| matches!(
        e.kind,
        TraceKind::ClientRedirected { leader: Some(l), .. } if l == leader
    )));
    assert_eq!(w.operations()[op].attempts, 2);
    assert_clean(&w);
}

// §5.3/§5.4 the partition story: A,B | C,D,E. B (old leader) cannot commit SET 3; the majority
// elects a new leader that commits SET 8; after healing, B steps down and A and B roll back
// their uncommitted entry and match the new leader's log.
#[test]
fn five_node_partition_and_heal() {
    let config = Config {
        cluster_size: 5,
        seed: 11,
        // The narrative's client does not retry at the majority while we look.
        client_retry_timeout_us: 10 * SECOND,
        election_timeout_override: vec![
            Some((400 * MS, 500 * MS)),
            Some((150 * MS, 150 * MS)),
            Some((300 * MS, 400 * MS)),
            Some((300 * MS, 400 * MS)),
            Some((300 * MS, 400 * MS)),
        ],
        ..Config::default()
    };
    let mut w = World::new(config).expect("valid");
    let old = elect(&mut w, SECOND);
    assert_eq!(old, B, "B has the shortest pinned timeout");
    let op = submit(&mut w, CLIENT1, B, Command::Set(5));
    wait_done(&mut w, op, SECOND);
    run_for(&mut w, 200 * MS);
    w.apply(Action::Partition(vec![vec![A, B], vec![C, D, E]]))
        .expect("valid partition");
    // The majority side elects its own leader in a higher term.
    let limit = w.now() + 3 * SECOND;
    assert!(w.run_until(|w| w.nodes()[2..].iter().any(|n| n.is_leader()), limit));
    let new = w.leader().expect("leader exists");
    assert!([C, D, E].contains(&new));
    assert!(w.nodes()[B.index()].is_leader(), "B still thinks it leads");
    let old_term = w.nodes()[B.index()].term();
    let new_term = w.nodes()[new.index()].term();
    assert!(new_term > old_term);

    let op3 = submit(&mut w, CLIENT1, B, Command::Set(3));
    let op8 = submit(&mut w, CLIENT2, new, Command::Set(8));
    assert!(matches!(
        wait_done(&mut w, op8, SECOND),
        OpOutcome::Ok { value: 8, .. }
    ));
    run_for(&mut w, 500 * MS);
    assert_eq!(w.operations()[op3].outcome, OpOutcome::Pending);
    let b = &w.nodes()[B.index()];
    assert_eq!(b.log().last_index(), 2, "B appended SET 3");
    assert_eq!(b.commit_index(), 1, "but cannot commit it");
    assert_eq!(b.value(), 5);

    w.apply(Action::Heal).expect("heal");
    run_for(&mut w, SECOND);
    let b = &w.nodes()[B.index()];
    assert_eq!(
        b.role(),
        Role::Follower,
        "B saw the higher term and stepped down"
    );
    let leader_log = w.nodes()[new.index()].log().clone();
    for n in w.nodes() {
        assert_eq!(n.log(), &leader_log, "{} matches the leader", n.id());
        assert_eq!(n.value(), 8, "{}", n.id());
    }
    let rolled_back: Vec<NodeId> = w
        .trace()
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Node {
                node,
                event: NodeEvent::EntriesTruncated { .. },
            } => Some(node),
            _ => None,
        })
        .collect();
    assert!(rolled_back.contains(&B), "B rolled back SET 3");
    assert_clean(&w);
}

// Figure 2, persistent state: a restarted server keeps term, vote and log, and rebuilds its value
// by re-applying entries once it learns the commit index again.
#[test]
fn restart_rebuilds_value_from_the_log() {
    let mut w = world(3, 6);
    let leader = elect(&mut w, SECOND);
    let op = submit(&mut w, CLIENT1, leader, Command::Set(5));
    wait_done(&mut w, op, SECOND);
    let op = submit(&mut w, CLIENT1, leader, Command::Add(2));
    wait_done(&mut w, op, SECOND);
    run_for(&mut w, 200 * MS);
    let f = NodeId(((leader.index() + 1) % 3) as u8);
    let (term, voted, log) = {
        let n = &w.nodes()[f.index()];
        (n.term(), n.voted_for(), n.log().clone())
    };
    w.apply(Action::Stop(f)).expect("running");
    w.apply(Action::Restart(f)).expect("stopped");
    let n = &w.nodes()[f.index()];
    assert_eq!((n.term(), n.voted_for(), n.log()), (term, voted, &log));
    assert_eq!((n.commit_index(), n.last_applied(), n.value()), (0, 0, 0));
    run_for(&mut w, 200 * MS);
    let n = &w.nodes()[f.index()];
    assert_eq!(n.commit_index(), 2);
    assert_eq!(n.value(), 7);
    assert_clean(&w);
}

// A client told to wait long for an answer (the tour's partition chapter waits 30 s) is not left
// stuck when the retry timeout is made shorter: it retries within the new timeout from the change.
#[test]
fn a_shorter_retry_timeout_applies_to_a_client_already_waiting() {
    let mut w = World::new(Config {
        cluster_size: 3,
        seed: 4,
        client_retry_timeout_us: 30 * SECOND,
        ..Config::default()
    })
    .expect("valid config");
    let leader = elect(&mut w, 2 * SECOND);
    w.apply(Action::Stop(leader)).expect("the leader runs");
    let op = submit(&mut w, CLIENT1, leader, Command::Set(3));
    run_for(&mut w, 100 * MS);
    let waiting_until = w.clients()[0]
        .retry_at()
        .expect("the client waits for an answer");
    assert!(waiting_until >= w.now() + 29 * SECOND);
    let changed_at = w.now();
    w.apply(Action::SetOption(
        raftsim::sim::config::OptionChange::ClientRetryTimeout(500 * MS),
    ))
    .expect("a valid timeout");
    assert_eq!(w.clients()[0].retry_at(), Some(changed_at + 500 * MS));
    // A longer timeout would not postpone a retry already due sooner.
    w.apply(Action::SetOption(
        raftsim::sim::config::OptionChange::ClientRetryTimeout(60 * SECOND),
    ))
    .expect("a valid timeout");
    assert_eq!(w.clients()[0].retry_at(), Some(changed_at + 500 * MS));
    assert!(matches!(
        wait_done(&mut w, op, 5 * SECOND),
        OpOutcome::Ok { value: 3, .. }
    ));
    assert_clean(&w);
}

// Thesis §3.10: the leader hands over to a chosen server, which leads the next term within a few
// message delays; nothing committed is lost, and commands sent during the handover are answered
// by the new leader.
#[test]
fn leadership_transfer_hands_the_cluster_to_the_chosen_server() {
    let mut w = world(5, 11);
    let old = elect(&mut w, 2 * SECOND);
    let op = submit(&mut w, CLIENT1, old, Command::Set(5));
    assert!(matches!(
        wait_done(&mut w, op, SECOND),
        OpOutcome::Ok { .. }
    ));
    let term = w.nodes()[old.index()].term();
    let target = if old == C { D } else { C };
    w.apply(Action::TransferLeadership(target))
        .expect("a leader and a running target");
    let during = submit(&mut w, CLIENT2, old, Command::Add(2));
    let limit = w.now() + 200 * MS;
    w.run_until(|w| w.leader() == Some(target), limit);
    assert_eq!(w.leader(), Some(target), "the target leads within 200 ms");
    assert_eq!(w.nodes()[target.index()].term(), term + 1);
    assert!(matches!(
        wait_done(&mut w, during, SECOND),
        OpOutcome::Ok { value: 7, .. }
    ));
    run_for(&mut w, SECOND);
    assert!(w.nodes().iter().all(|n| n.value() == 7));
    assert_clean(&w);
    // Refused, with reasons: the target leads already; a stopped target.
    assert_eq!(
        w.apply(Action::TransferLeadership(target)),
        Err(raftsim::sim::ActionError::AlreadyLeader(target))
    );
    w.apply(Action::Stop(old)).expect("running");
    assert_eq!(
        w.apply(Action::TransferLeadership(old)),
        Err(raftsim::sim::ActionError::TargetStopped(old))
    );
}
