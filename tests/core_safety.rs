//! The "break Raft" switches, each staged deterministically: with the rule in place the checker
//! stays quiet; with it switched off, the checker reports the violation the paper warns about.

use raftsim::raft::{Command, Safety};
use raftsim::sim::{Action, ClientId, Config, NodeId, Violation, World, MS, SECOND};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

/// Long, pinned election timeouts so that only forced timeouts start elections, and a client that
/// does not retry during the test: the scenario is exactly what the test stages.
fn staged(size: u8, safety: Safety) -> World {
    let config = Config {
        cluster_size: size,
        seed: 5,
        election_timeout_min_us: 20 * SECOND,
        election_timeout_max_us: 30 * SECOND,
        client_retry_timeout_us: 100 * SECOND,
        safety,
        ..Config::default()
    };
    World::new(config).expect("valid")
}

fn go(w: &mut World, action: Action) {
    if let Err(e) = w.apply(action.clone()) {
        panic!("{action:?} refused: {e}");
    }
    let t = w.now() + 200 * MS;
    w.advance_to(t);
}

fn props(w: &World) -> Vec<&'static str> {
    w.check_invariants()
        .iter()
        .map(Violation::property)
        .collect()
}

fn submit(node: NodeId, n: i64) -> Action {
    Action::Submit {
        client: ClientId(0),
        node,
        command: Command::Set(n),
    }
}

/// Figure 8, staged on five servers A..E (S1..S5 in the paper).
fn figure8(safety: Safety) -> World {
    let mut w = staged(5, safety);
    // Term 1: A leads and commits SET 1 at index 1 everywhere.
    go(&mut w, Action::Timeout(A));
    go(&mut w, submit(A, 1));
    go(&mut w, Action::Timeout(A)); // (a) A leads term 2...
    assert!(w.nodes()[A.index()].is_leader());
    go(&mut w, Action::Partition(vec![vec![A, B]]));
    go(
        &mut w,
        Action::Submit {
            client: ClientId(1),
            node: A,
            command: Command::Set(2),
        },
    ); // ...and replicates index 2 (term 2) to B only.
    go(&mut w, Action::Stop(A));
    // (b) E wins term 3 with C and D, takes a different entry at index 2, and crashes.
    go(&mut w, Action::Partition(vec![vec![A, B], vec![C, D, E]]));
    go(&mut w, Action::Timeout(E));
    assert!(w.nodes()[E.index()].is_leader());
    assert_eq!(w.nodes()[E.index()].term(), 3);
    go(&mut w, Action::Partition(vec![vec![E]]));
    go(&mut w, submit(E, 3));
    go(&mut w, Action::Stop(E));
    // (c) A restarts and wins term 4 (C and D already voted in term 3, so it takes two tries),
    // then replicates its term-2 entry to a majority.
    go(&mut w, Action::Heal);
    go(&mut w, Action::Restart(A));
    go(&mut w, Action::Timeout(A));
    go(&mut w, Action::Timeout(A));
    assert!(w.nodes()[A.index()].is_leader());
    assert_eq!(w.nodes()[A.index()].term(), 4);
    let on_majority = w
        .nodes()
        .iter()
        .filter(|n| n.log().term_at(2) == Some(2))
        .count();
    assert!(on_majority >= 3, "the term-2 entry is on a majority");
    // (d) A crashes; E restarts and, with its term-3 entry, wins term 5 and overwrites index 2.
    go(&mut w, Action::Stop(A));
    go(&mut w, Action::Restart(E));
    go(&mut w, Action::Timeout(E));
    go(&mut w, Action::Timeout(E));
    assert!(w.nodes()[E.index()].is_leader());
    let t = w.now() + SECOND;
    w.advance_to(t);
    w
}

// §5.4.2, Figure 8: with the rule, A never counted the term-2 entry as committed, so E
// overwriting it is harmless. Without it, A committed it, and E's election and overwrite lose a
// committed entry.
#[test]
fn figure8_committing_by_counting_loses_committed_entries() {
    let w = figure8(Safety::default());
    assert_eq!(props(&w), Vec::<&str>::new());
    assert_eq!(
        w.nodes()[B.index()].log().term_at(2),
        Some(3),
        "overwritten"
    );

    let w = figure8(Safety {
        commit_old_terms_by_counting: true,
        ..Safety::default()
    });
    let found = props(&w);
    assert!(found.contains(&"Leader Completeness"), "{found:?}");
    assert!(
        found.contains(&"Committed entries are durable"),
        "{found:?}"
    );
}

/// A commits SET 5 with B while C is cut off; then A stops and C campaigns.
fn stale_candidate(safety: Safety) -> World {
    let mut w = staged(3, safety);
    go(&mut w, Action::Partition(vec![vec![C]]));
    go(&mut w, Action::Timeout(A));
    go(&mut w, submit(A, 5));
    assert_eq!(w.nodes()[A.index()].commit_index(), 1);
    go(&mut w, Action::Stop(A));
    go(&mut w, Action::Heal);
    go(&mut w, Action::Timeout(C));
    go(&mut w, Action::Timeout(C));
    w
}

// §5.4.1: B must refuse C, whose log lacks the committed entry. Voting without the check elects
// C and violates Leader Completeness.
#[test]
fn voting_without_up_to_date_check_breaks_leader_completeness() {
    let w = stale_candidate(Safety::default());
    assert!(!w.nodes()[C.index()].is_leader());
    assert_eq!(props(&w), Vec::<&str>::new());

    let w = stale_candidate(Safety {
        vote_without_log_check: true,
        ..Safety::default()
    });
    assert!(w.nodes()[C.index()].is_leader());
    assert!(props(&w).contains(&"Leader Completeness"));
}

/// C votes for A in term 1, restarts, and is asked by B for term 1.
fn double_vote(safety: Safety) -> World {
    let mut w = staged(3, safety);
    go(&mut w, Action::CutLink(A, B));
    go(&mut w, Action::Timeout(A));
    go(&mut w, Action::Stop(C));
    go(&mut w, Action::Restart(C));
    go(&mut w, Action::Timeout(B));
    w
}

// Figure 2: votedFor is persistent. Forgetting it on restart lets C vote twice in term 1 and
// elect two leaders.
#[test]
fn forgetting_votes_elects_two_leaders() {
    let w = double_vote(Safety::default());
    assert_eq!(props(&w), Vec::<&str>::new());

    let w = double_vote(Safety {
        forget_vote_on_restart: true,
        ..Safety::default()
    });
    let found = props(&w);
    assert!(found.contains(&"One vote per term"), "{found:?}");
    assert!(found.contains(&"Election Safety"), "{found:?}");
}

/// A, leader of term 1, logs SET 1 alone; B and C move on in term 2 with two entries; B is
/// re-elected in term 3, so its nextIndex for A starts past A's divergent entry; then A rejoins.
fn divergent(safety: Safety) -> World {
    let mut w = staged(3, safety);
    go(&mut w, Action::Timeout(A));
    go(&mut w, Action::Partition(vec![vec![A]]));
    go(&mut w, submit(A, 1));
    go(&mut w, Action::Timeout(B));
    go(
        &mut w,
        Action::Submit {
            client: ClientId(1),
            node: B,
            command: Command::Set(2),
        },
    );
    go(
        &mut w,
        Action::Submit {
            client: ClientId(1),
            node: B,
            command: Command::Set(3),
        },
    );
    go(&mut w, Action::Timeout(B));
    assert!(w.nodes()[B.index()].is_leader());
    go(&mut w, Action::Heal);
    let t = w.now() + SECOND;
    w.advance_to(t);
    w
}

// §5.3: the consistency check keeps logs matching. Without it, A keeps its term-1 entry under
// B's term-2 entries, and logs that share an (index, term) differ before it.
#[test]
fn skipping_prev_log_check_breaks_log_matching() {
    let w = divergent(Safety::default());
    assert_eq!(props(&w), Vec::<&str>::new());
    assert_eq!(w.nodes()[A.index()].log(), w.nodes()[B.index()].log());

    let w = divergent(Safety {
        skip_prev_log_check: true,
        ..Safety::default()
    });
    assert!(props(&w).contains(&"Log Matching"), "{:?}", props(&w));
}

// §5.2: randomised timeouts make split votes rare. Without them, servers started together time
// out together, all vote for themselves, and no leader is ever elected.
#[test]
fn fixed_timeouts_split_votes_forever() {
    let config = |fixed| Config {
        cluster_size: 5,
        seed: 2,
        latency_min_us: 10 * MS,
        latency_max_us: 10 * MS,
        safety: Safety {
            fixed_election_timeout: fixed,
            ..Safety::default()
        },
        ..Config::default()
    };
    let mut w = World::new(config(true)).expect("valid");
    assert!(!w.run_until(|w| w.leader().is_some(), 5 * SECOND));
    assert!(w.nodes()[0].term() >= 20, "elections keep splitting");
    let mut w = World::new(config(false)).expect("valid");
    assert!(w.run_until(|w| w.leader().is_some(), SECOND));
    let _ = D;
}
