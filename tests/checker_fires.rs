//! Every kind of violation the checker knows is shown to fire: a checker that never reports a
//! property guards nothing. Each test feeds the checker the events and node states of one broken
//! run by hand, the smallest that breaks the property, and checks what it names.

use raftsim::raft::{
    Command, Node, NodeEvent, NodeId, NodeOptions, Output, RaftLog, Role, Term, Voters,
};
use raftsim::sim::{Action, Checker, Config, RunawayLimit, Violation, Watchdog, World, SECOND};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);

/// A follower of a `size`-server cluster restored with `term` and a log of these terms.
fn node(id: NodeId, size: u8, term: Term, log: RaftLog) -> Node {
    let options = NodeOptions {
        bootstrap: Voters::first(size),
        ..NodeOptions::default()
    };
    Node::restore(id, options, term, None, log)
}

/// A server that is leader of `term`: alone in its cluster, so its own vote elects it.
fn leader(id: NodeId, term: Term, log: RaftLog) -> Node {
    let mut n = node(id, 1, term - 1, log);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    n.start(0, &mut rng);
    n.timeout_now(0, &mut rng, &mut Output::default());
    assert!(n.is_leader() && n.term() == term);
    n
}

fn terms(terms: &[Term]) -> RaftLog {
    RaftLog::from_terms(terms)
}

/// Feeds one event and returns what it reported.
fn event(checker: &mut Checker, n: &Node, e: NodeEvent, nodes: &[Node]) -> Vec<Violation> {
    let mut new = Vec::new();
    checker.on_event(0, n, &e, nodes, &mut new);
    new
}

fn after_call(checker: &mut Checker, n: &Node) -> Vec<Violation> {
    let mut new = Vec::new();
    checker.after_call(0, n, &mut new);
    new
}

fn became_leader(term: Term) -> NodeEvent {
    NodeEvent::RoleChanged {
        from: Role::Candidate,
        to: Role::Leader,
        term,
    }
}

fn applied(index: u64, term: Term, value: i64) -> NodeEvent {
    NodeEvent::Applied {
        index,
        term,
        command: Command::Set(value),
        value,
        duplicate: false,
    }
}

fn commit(from: u64, to: u64) -> NodeEvent {
    NodeEvent::CommitAdvanced { from, to }
}

#[test]
fn election_safety_fires_for_two_leaders_in_one_term() {
    let mut c = Checker::new(3);
    let (a, b) = (node(A, 3, 2, terms(&[])), node(B, 3, 2, terms(&[])));
    assert!(event(&mut c, &a, became_leader(2), &[]).is_empty());
    assert_eq!(
        event(&mut c, &b, became_leader(2), &[]),
        vec![Violation::ElectionSafety {
            term: 2,
            first: A,
            second: B
        }]
    );
}

#[test]
fn leader_append_only_fires_when_a_leader_loses_its_last_entry() {
    let mut c = Checker::new(1);
    assert!(after_call(&mut c, &leader(A, 2, terms(&[1, 1, 1]))).is_empty());
    assert_eq!(
        after_call(&mut c, &leader(A, 2, terms(&[1, 1]))),
        vec![Violation::LeaderAppendOnly {
            leader: A,
            term: 2,
            index: 3
        }]
    );
}

// The whole log, not only its length and last term: a leader that rewrites an entry in the
// middle and ends with the same length and the same last term is caught too.
#[test]
fn leader_append_only_fires_when_a_leader_rewrites_an_entry_in_the_middle() {
    let mut c = Checker::new(1);
    let mut before = terms(&[1]);
    before.push(1, Command::Set(5), None);
    before.push(1, Command::Set(6), None);
    assert!(after_call(&mut c, &leader(A, 2, before.clone())).is_empty());
    let mut rewritten = before;
    rewritten.truncate_from(2);
    rewritten.push(1, Command::Set(9), None);
    rewritten.push(1, Command::Set(6), None);
    assert_eq!(
        after_call(&mut c, &leader(A, 2, rewritten)),
        vec![Violation::LeaderAppendOnly {
            leader: A,
            term: 2,
            index: 2
        }]
    );
}

#[test]
fn log_matching_fires_for_different_entries_with_one_index_and_term() {
    let mut c = Checker::new(2);
    let mut log_a = terms(&[1]);
    let entry_a = log_a.push(1, Command::Set(5), None);
    let mut log_b = terms(&[1]);
    let entry_b = log_b.push(1, Command::Set(6), None);
    let (a, b) = (node(A, 2, 1, log_a), node(B, 2, 1, log_b));
    assert!(event(&mut c, &a, NodeEvent::EntryAppended { entry: entry_a }, &[]).is_empty());
    assert_eq!(
        event(&mut c, &b, NodeEvent::EntryAppended { entry: entry_b }, &[]),
        vec![Violation::LogMatching {
            index: 2,
            term: 1,
            first: A,
            second: B
        }]
    );
}

#[test]
fn leader_completeness_fires_for_a_leader_without_a_committed_entry() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 1, terms(&[1]));
    let b = node(B, 3, 1, terms(&[1]));
    let cluster = [a.clone(), b, node(C, 3, 1, terms(&[]))];
    assert!(event(&mut c, &a, commit(0, 1), &cluster).is_empty());
    let new_leader = node(C, 3, 2, terms(&[]));
    assert_eq!(
        event(&mut c, &new_leader, became_leader(2), &cluster),
        vec![Violation::LeaderCompleteness {
            leader: C,
            term: 2,
            index: 1,
            entry_term: 1
        }]
    );
}

#[test]
fn state_machine_safety_fires_for_two_entries_applied_at_one_index() {
    let mut c = Checker::new(2);
    let a = node(A, 2, 1, terms(&[1]));
    let cluster = [a.clone(), node(B, 2, 1, terms(&[1]))];
    assert!(event(&mut c, &a, commit(0, 1), &cluster).is_empty());
    assert!(event(&mut c, &a, applied(1, 1, 5), &cluster).is_empty());
    let b = node(B, 2, 2, terms(&[2]));
    assert_eq!(
        event(&mut c, &b, applied(1, 2, 5), &cluster),
        vec![Violation::StateMachineSafety {
            index: 1,
            first: (A, 1),
            second: (B, 2)
        }]
    );
}

#[test]
fn divergent_value_fires_for_two_values_after_one_index() {
    let mut c = Checker::new(2);
    let a = node(A, 2, 1, terms(&[1]));
    let b = node(B, 2, 1, terms(&[1]));
    let cluster = [a.clone(), b.clone()];
    assert!(event(&mut c, &a, commit(0, 1), &cluster).is_empty());
    assert!(event(&mut c, &a, applied(1, 1, 5), &cluster).is_empty());
    assert_eq!(
        event(&mut c, &b, applied(1, 1, 6), &cluster),
        vec![Violation::DivergentValue {
            index: 1,
            first: (A, 5),
            second: (B, 6)
        }]
    );
}

#[test]
fn committed_entry_changed_fires_for_a_different_commit_at_one_index() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 1, terms(&[1]));
    let cluster = [
        a.clone(),
        node(B, 3, 1, terms(&[1])),
        node(C, 3, 2, terms(&[2])),
    ];
    assert!(event(&mut c, &a, commit(0, 1), &cluster).is_empty());
    let found = event(&mut c, &cluster[2], commit(0, 1), &cluster);
    assert!(
        found.contains(&Violation::CommittedEntryChanged {
            index: 1,
            term: 1,
            node: C,
            node_term: 2
        }),
        "{found:?}"
    );
}

#[test]
fn committed_entry_lost_fires_when_a_majority_no_longer_holds_it() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 1, terms(&[1]));
    let held = [
        a.clone(),
        node(B, 3, 1, terms(&[1])),
        node(C, 3, 1, terms(&[])),
    ];
    assert!(event(&mut c, &a, commit(0, 1), &held).is_empty());
    let truncated = node(B, 3, 2, terms(&[]));
    let lost = [a, truncated.clone(), node(C, 3, 1, terms(&[]))];
    let e = NodeEvent::EntriesTruncated {
        from_index: 1,
        count: 1,
    };
    assert_eq!(
        event(&mut c, &truncated, e, &lost),
        vec![Violation::CommittedEntryLost {
            index: 1,
            term: 1,
            holders: 1,
            needed: 2
        }]
    );
}

#[test]
fn term_decreased_fires_when_a_term_goes_down() {
    let mut c = Checker::new(1);
    assert!(after_call(&mut c, &node(A, 1, 3, terms(&[]))).is_empty());
    assert_eq!(
        after_call(&mut c, &node(A, 1, 2, terms(&[]))),
        vec![Violation::TermDecreased {
            node: A,
            from: 3,
            to: 2
        }]
    );
}

#[test]
fn double_vote_fires_for_two_grants_in_one_term() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 2, terms(&[]));
    let vote = |candidate| NodeEvent::VoteGranted { candidate, term: 2 };
    assert!(event(&mut c, &a, vote(B), &[]).is_empty());
    assert!(
        event(&mut c, &a, vote(B), &[]).is_empty(),
        "the same vote again"
    );
    assert_eq!(
        event(&mut c, &a, vote(C), &[]),
        vec![Violation::DoubleVote {
            node: A,
            term: 2,
            first: B,
            second: C
        }]
    );
}

// Figure 2, Candidates: a candidate votes for itself. If it then grants a vote to another
// candidate in the same term (a restart that forgot votedFor), that is its second vote.
#[test]
fn double_vote_fires_for_a_candidate_that_votes_for_another_after_itself() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 2, terms(&[]));
    assert!(event(&mut c, &a, NodeEvent::ElectionStarted { term: 2 }, &[]).is_empty());
    assert_eq!(
        event(
            &mut c,
            &a,
            NodeEvent::VoteGranted {
                candidate: B,
                term: 2
            },
            &[]
        ),
        vec![Violation::DoubleVote {
            node: A,
            term: 2,
            first: A,
            second: B
        }]
    );
}

#[test]
fn applied_out_of_order_fires_for_a_skipped_index() {
    let mut c = Checker::new(1);
    let a = node(A, 1, 1, terms(&[1, 1]));
    assert_eq!(
        event(&mut c, &a, applied(2, 1, 5), &[]),
        vec![Violation::AppliedOutOfOrder {
            node: A,
            last: 0,
            index: 2
        }]
    );
}

#[test]
fn commit_beyond_log_fires_for_a_commit_index_past_the_last_entry() {
    let mut c = Checker::new(1);
    let a = node(A, 1, 1, terms(&[1]));
    let found = event(&mut c, &a, commit(0, 3), std::slice::from_ref(&a));
    assert_eq!(
        found,
        vec![Violation::CommitBeyondLog {
            node: A,
            commit_index: 3,
            last_index: 1
        }]
    );
}

/// A five-server world whose messages all arrive at once (zero latency), so that an election is
/// a burst of events at one instant.
fn instant_world(watchdog: Watchdog) -> World {
    let config = Config {
        cluster_size: 5,
        latency_min_us: 0,
        latency_max_us: 0,
        ..Config::default()
    };
    let mut w = World::new(config).expect("valid config");
    w.set_watchdog(watchdog);
    w
}

#[test]
fn runaway_run_fires_for_too_many_events_at_one_instant_and_halts_the_run() {
    let mut w = instant_world(Watchdog {
        max_events_per_instant: 3,
        max_events: None,
    });
    w.advance_to(SECOND);
    assert!(w.is_halted());
    assert_eq!(
        w.check_invariants(),
        vec![Violation::RunawayRun {
            limit: RunawayLimit::OneInstant,
            events: 3
        }]
    );
    // A halted world takes no more events, so every loop that steps ends.
    assert_eq!(w.next_event_time(), None);
    assert_eq!(w.step(), None);
    let processed = w.events_processed();
    assert!(!w.run_until(|_| false, 10 * SECOND));
    assert_eq!(w.events_processed(), processed);
    assert_eq!(w.now(), 10 * SECOND);
}

#[test]
fn runaway_run_fires_for_a_run_past_its_event_budget() {
    let mut w = instant_world(Watchdog {
        max_events: Some(10),
        ..Watchdog::default()
    });
    w.advance_to(10 * SECOND);
    assert_eq!(w.events_processed(), 10);
    assert_eq!(
        w.check_invariants(),
        vec![Violation::RunawayRun {
            limit: RunawayLimit::WholeRun,
            events: 10
        }]
    );
}

// The default limit is far above what a correct run does at one instant: a zero-latency
// election and a busy minute stay well clear of it.
#[test]
fn default_watchdog_leaves_correct_runs_alone() {
    let mut w = instant_world(Watchdog::default());
    let _ = w.apply(Action::Timeout(A));
    w.advance_to(60 * SECOND);
    assert!(!w.is_halted());
    assert!(w.check_invariants().is_empty());
}

// Two leaders elected in one term by majorities with nobody in common: each server here thinks
// the cluster is itself alone, the extreme of configurations that do not overlap.
#[test]
fn disjoint_majorities_fire_when_two_leaders_share_no_voter() {
    let mut c = Checker::new(2);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let alone = |id: NodeId| NodeOptions {
        bootstrap: Voters::default().with(id),
        ..NodeOptions::default()
    };
    let mut found = Vec::new();
    for id in [A, B] {
        let mut n = Node::new(id, alone(id));
        let mut out = Output::default();
        n.timeout_now(0, &mut rng, &mut out);
        assert!(n.is_leader());
        for e in &out.events {
            c.on_event(0, &n, e, &[], &mut found);
        }
    }
    assert!(found.contains(&Violation::DisjointMajorities {
        term: 1,
        first: (A, Voters::default().with(A)),
        second: (B, Voters::default().with(B)),
    }));
    assert!(
        found[1].to_string().contains("no server in common"),
        "{}",
        found[1]
    );
}

// Each violation is reported once, however often the state that breaks it is seen again.
#[test]
fn a_violation_is_recorded_once() {
    let mut c = Checker::new(3);
    let (a, b) = (node(A, 3, 2, terms(&[])), node(B, 3, 2, terms(&[])));
    assert!(event(&mut c, &a, became_leader(2), &[]).is_empty());
    assert_eq!(event(&mut c, &b, became_leader(2), &[]).len(), 1);
    assert!(event(&mut c, &b, became_leader(2), &[]).is_empty());
    assert_eq!(c.violations().len(), 1);
}

// The record stops at MAX_VIOLATIONS distinct violations: a run broken beyond teaching value
// must not slow every later check.
#[test]
fn the_record_stops_at_its_cap() {
    use raftsim::sim::invariants::MAX_VIOLATIONS;
    let mut c = Checker::new(1);
    let top = MAX_VIOLATIONS as Term + 10;
    for term in (0..=top).rev() {
        after_call(&mut c, &node(A, 1, term, terms(&[])));
    }
    assert_eq!(c.violations().len(), MAX_VIOLATIONS);
}

// The checker's record of what is committed, which the fault sweep checks every client answer
// against: the highest committed index, and each index's term and value once applied.
#[test]
fn the_committed_record_follows_commits_and_applies() {
    let mut c = Checker::new(2);
    assert_eq!(c.committed_index(), 0);
    assert_eq!(c.committed_at(1), None);
    let a = node(A, 2, 1, terms(&[1, 1]));
    let cluster = [a.clone(), node(B, 2, 1, terms(&[1, 1]))];
    assert!(event(&mut c, &a, commit(0, 2), &cluster).is_empty());
    assert_eq!(c.committed_index(), 2);
    assert_eq!(c.committed_at(1), Some((1, None)));
    assert!(event(&mut c, &a, applied(1, 1, 5), &cluster).is_empty());
    assert_eq!(c.committed_at(1), Some((1, Some(5))));
    assert_eq!(c.committed_at(0), None);
    assert_eq!(c.committed_at(3), None);
}

// The same server seen becoming leader again in its own term (a repeated event) is one leader,
// not two.
#[test]
fn one_leader_seen_twice_is_not_two_leaders() {
    let mut c = Checker::new(3);
    let a = node(A, 3, 2, terms(&[]));
    assert!(event(&mut c, &a, became_leader(2), &[]).is_empty());
    assert!(event(&mut c, &a, became_leader(2), &[]).is_empty());
    assert!(c.violations().is_empty());
}

// Leader Completeness concerns leaders of terms after the entry was committed. The checker keeps
// the earliest term in which any server was seen committing an entry: seen first from a server in
// term 5 and then from one still in term 3, the entry was committed by term 3, so a leader of term
// 4 without it breaks the property.
#[test]
fn leader_completeness_uses_the_earliest_term_an_entry_was_committed_in() {
    let mut c = Checker::new(3);
    let late = node(B, 3, 5, terms(&[1]));
    let early = node(A, 3, 3, terms(&[1]));
    let cluster = [early.clone(), late.clone(), node(C, 3, 4, terms(&[]))];
    assert!(event(&mut c, &late, commit(0, 1), &cluster).is_empty());
    assert!(event(&mut c, &early, commit(0, 1), &cluster).is_empty());
    let leader = node(C, 3, 4, terms(&[]));
    assert_eq!(
        event(&mut c, &leader, became_leader(4), &cluster),
        vec![Violation::LeaderCompleteness {
            leader: C,
            term: 4,
            index: 1,
            entry_term: 1
        }]
    );
}

// Leader Completeness over time: a leader of a later term already in office when an entry is
// committed (by a server still in an earlier term) must hold it too.
#[test]
fn leader_completeness_checks_leaders_in_office_when_an_entry_commits() {
    let mut c = Checker::new(3);
    let committer = node(B, 3, 3, terms(&[1]));
    let later_leader = leader(A, 4, terms(&[]));
    let cluster = [later_leader, committer.clone()];
    let found = event(&mut c, &committer, commit(0, 1), &cluster);
    assert!(
        found.contains(&Violation::LeaderCompleteness {
            leader: A,
            term: 4,
            index: 1,
            entry_term: 1
        }),
        "{found:?}"
    );
}

// The over-time check names leaders of *later* terms only, as the property does. A leader of the
// committing server's own term without the entry is a different failure (in a correct run that
// leader is where the commit came from), so it is not reported as Leader Completeness.
#[test]
fn leader_completeness_over_time_looks_only_at_later_terms() {
    let mut c = Checker::new(3);
    let committer = node(B, 3, 4, terms(&[1]));
    let same_term_leader = leader(A, 4, terms(&[]));
    let cluster = [same_term_leader, committer.clone()];
    let found = event(&mut c, &committer, commit(0, 1), &cluster);
    assert!(
        !found
            .iter()
            .any(|v| matches!(v, Violation::LeaderCompleteness { .. })),
        "{found:?}"
    );
}
