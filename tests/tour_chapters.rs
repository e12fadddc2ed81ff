//! The guided tour plays the narrative's story on the real simulator: each chapter's steps reach
//! their conditions, the named servers do what the captions say, the invariant checker stays
//! quiet, and rebuilding any step gives the same trace (so Back and share links work).

use raftsim::raft::{Command, Member, NodeEvent, Quorum, Role, Voters};
use raftsim::scenario::tour::{
    chapter, chapters, world_at, Chapter, Condition, StepStatus, TourError, TourRunner,
};
use raftsim::sim::{Action, Config, NodeId, OpOutcome, TraceKind, World, MS, SECOND};
use std::sync::Arc;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

fn ch(slug: &str) -> &'static Arc<Chapter> {
    chapter(slug).unwrap_or_else(|| panic!("chapter {slug} exists"))
}

/// Runs every step of a chapter, asserting each one reaches its condition before its limit, and
/// returns the world after each step.
fn run_all(c: &'static Arc<Chapter>) -> Vec<World> {
    let mut w = c.fresh_world().expect("chapter config is valid");
    let mut worlds = Vec::new();
    for i in 0..c.steps.len() {
        let r = TourRunner::enter(c, i, &mut w).expect("step actions are accepted");
        let status = r.finish(&mut w);
        assert_eq!(
            status,
            StepStatus::Done,
            "{} step {i} ({}) timed out at {} ms (seed {})",
            c.slug,
            c.steps[i].caption,
            w.now() / MS,
            c.config.seed
        );
        worlds.push(w.clone());
    }
    worlds
}

fn role(w: &World, n: NodeId) -> Role {
    w.nodes()[n.index()].role()
}

fn term(w: &World, n: NodeId) -> u64 {
    w.nodes()[n.index()].term()
}

#[test]
fn the_chapters_of_the_story_exist_in_order() {
    let slugs: Vec<&str> = chapters().iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "consensus",
            "roles",
            "election",
            "reelection",
            "split-vote",
            "replication",
            "partition",
            "membership",
            "compaction",
            "reads"
        ]
    );
    for c in chapters() {
        assert!(!c.steps.is_empty());
        assert!(!c.title.is_empty());
    }
}

// §5.2, §5.3 and Figure 3: every chapter finishes every step in time, and no safety property is
// ever broken along the way.
#[test]
fn every_step_reaches_its_condition_and_nothing_is_violated() {
    for c in chapters() {
        let worlds = run_all(c);
        let last = worlds.last().expect("steps");
        let v = last.check_invariants();
        assert!(v.is_empty(), "{} (seed {}): {v:#?}", c.slug, c.config.seed);
    }
}

// §5.2 with one server: its own vote is a majority, and it commits alone.
#[test]
fn consensus_one_server_stores_5() {
    let w = run_all(ch("consensus"));
    let end = w.last().expect("steps");
    assert_eq!(end.leader(), Some(A));
    assert_eq!(end.nodes()[0].value(), 5);
    assert!(matches!(
        end.operations()[0].outcome,
        OpOutcome::Ok { value: 5, index: 1 }
    ));
}

// §5.1 roles and §5.2 election: all start as followers in term 0; A becomes candidate, then
// leader of term 1 with a majority, and heartbeats keep B and C following.
#[test]
fn roles_and_election_name_the_right_servers() {
    for slug in ["roles", "election"] {
        let w = run_all(ch(slug));
        let first = ch(slug).fresh_world().expect("valid");
        assert!(first
            .nodes()
            .iter()
            .all(|n| n.role() == Role::Follower && n.term() == 0));
        // Step 1 of both chapters is the one where A campaigns.
        let candidate_step = 1;
        assert_eq!(role(&w[candidate_step], A), Role::Candidate, "{slug}");
        assert_eq!(term(&w[candidate_step], A), 1, "{slug}");
        let end = w.last().expect("steps");
        assert_eq!(end.leader(), Some(A), "{slug}");
        for n in end.nodes() {
            assert_eq!(n.term(), 1, "{slug}: {}", n.id());
            assert_eq!(n.leader_hint(), Some(A), "{slug}: {}", n.id());
        }
    }
}

// §5.2: with the leader stopped, B times out first and leads term 2; the restarted A follows it.
#[test]
fn reelection_b_leads_term_2() {
    let w = run_all(ch("reelection"));
    assert_eq!(w[0].leader(), Some(A));
    assert!(w[1].nodes()[A.index()].is_stopped());
    assert_eq!(role(&w[1], B), Role::Candidate);
    assert_eq!(w[2].leader(), Some(B));
    assert_eq!(term(&w[2], B), 2);
    let end = w.last().expect("steps");
    assert_eq!(role(end, A), Role::Follower);
    assert_eq!(term(end, A), 2);
    assert_eq!(end.leader(), Some(B));
}

// §5.2 split votes: two candidates in term 1 with two of four votes each, nobody elected; a
// later term elects A.
#[test]
fn split_vote_two_candidates_two_votes_each_then_a_leader() {
    let w = run_all(ch("split-vote"));
    let split = &w[1];
    for (cand, follower) in [(A, C), (B, D)] {
        let n = &split.nodes()[cand.index()];
        assert_eq!(n.role(), Role::Candidate);
        assert_eq!(n.term(), 1);
        assert_eq!(
            n.votes_held().iter().collect::<Vec<_>>(),
            vec![cand, follower]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(split.leader(), None);
    let end = w.last().expect("steps");
    assert_eq!(end.leader(), Some(A));
    assert_eq!(term(end, A), 2, "the caption says term 2");
}

// §5.3: SET 5 sits uncommitted in the leader's log, commits once a majority stores it, the client
// is answered, followers apply on the next heartbeat; ADD 2 then gives 7 everywhere.
#[test]
fn replication_5_then_7_everywhere() {
    let w = run_all(ch("replication"));
    let appended = &w[1];
    let a = &appended.nodes()[A.index()];
    assert_eq!(a.log().last_index(), 1);
    assert_eq!(a.commit_index(), 0);
    assert_eq!(a.value(), 0);
    let committed = &w[2];
    assert_eq!(committed.nodes()[A.index()].value(), 5);
    assert!(matches!(
        committed.operations()[0].outcome,
        OpOutcome::Ok { value: 5, index: 1 }
    ));
    for n in w[3].nodes() {
        assert_eq!(n.value(), 5, "{}", n.id());
    }
    let end = w.last().expect("steps");
    for n in end.nodes() {
        assert_eq!(n.value(), 7, "{}", n.id());
        assert_eq!(n.commit_index(), 2, "{}", n.id());
    }
    assert!(matches!(
        end.operations()[1].outcome,
        OpOutcome::Ok { value: 7, index: 2 }
    ));
}

// §5.3/§5.4 partitions: B (term 1) and C (term 2) lead at once; SET 3 stays uncommitted on B's
// side, SET 8 commits on C, D, E; after healing B steps down and A and B roll back to C's log.
#[test]
fn partition_two_leaders_then_one_log() {
    let w = run_all(ch("partition"));
    assert_eq!(w[0].leader(), Some(B));
    assert_eq!(term(&w[0], B), 1);
    let two = &w[2];
    assert!(two.nodes()[B.index()].is_leader());
    assert!(two.nodes()[C.index()].is_leader());
    assert_eq!(term(two, B), 1);
    assert_eq!(term(two, C), 2);

    let split = &w[4];
    for n in [A, B] {
        let node = &split.nodes()[n.index()];
        assert_eq!(
            node.log().get(1).map(|e| (e.term, e.command)),
            Some((1, Command::Set(3)))
        );
        assert_eq!(node.commit_index(), 0, "{n}: SET 3 is uncommitted");
        assert_eq!(node.value(), 0);
    }
    for n in [C, D, E] {
        let node = &split.nodes()[n.index()];
        assert_eq!(
            node.log().get(1).map(|e| (e.term, e.command)),
            Some((2, Command::Set(8)))
        );
        assert_eq!(node.commit_index(), 1, "{n}: SET 8 is committed");
        assert_eq!(node.value(), 8);
    }
    assert_eq!(split.operations()[0].outcome, OpOutcome::Pending);
    assert!(matches!(
        split.operations()[1].outcome,
        OpOutcome::Ok { value: 8, .. }
    ));

    // Each step shows what its caption says. One AppendEntries from C makes B step down and
    // swap SET 3 for SET 8, so the heal step ends with both done on B, and A still untouched;
    // the next step repairs A.
    let first_entry = |w: &World, n: NodeId| {
        w.nodes()[n.index()]
            .log()
            .get(1)
            .map(|e| (e.term, e.command))
    };
    assert_eq!(role(&w[5], B), Role::Follower);
    assert_eq!(first_entry(&w[5], B), Some((2, Command::Set(8))));
    assert_eq!(first_entry(&w[5], A), Some((1, Command::Set(3))));
    assert_eq!(first_entry(&w[6], A), Some((2, Command::Set(8))));
    let end = w.last().expect("steps");
    let leader_log = end.nodes()[C.index()].log().clone();
    assert_eq!(end.leader(), Some(C));
    for n in end.nodes() {
        assert_eq!(n.log(), &leader_log, "{}", n.id());
        assert!(
            n.entries().iter().all(|e| e.command != Command::Set(3)),
            "{}",
            n.id()
        );
        assert_eq!(n.value(), 8);
    }
    let rolled_back: Vec<NodeId> = end
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
    assert!(
        rolled_back.contains(&A) && rolled_back.contains(&B),
        "{rolled_back:?}"
    );
}

/// The configuration the page shows, as it reads, and whether it is committed.
fn shows(w: &World) -> (String, bool) {
    let (m, committed) = w.membership();
    (m.to_string(), committed)
}

/// The configurations leaders appended in `w` after trace event `from`, as they read.
fn changes_since(w: &World, from: usize) -> Vec<String> {
    w.trace()[from..]
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Node {
                event: NodeEvent::ChangeStarted { config, .. },
                ..
            } => Some(config.to_string()),
            _ => None,
        })
        .collect()
}

// §6, Figure 11 and thesis §4.2.1: D, then E, starts empty, learns the log without a vote, and
// enters through the joint configuration; the leader A removes itself, steps down once C_new is
// committed, B wins term 2 among B, C, D, E, and A, knowing it is out, never campaigns.
#[test]
fn membership_grows_to_five_then_the_leader_leaves() {
    let c = ch("membership");
    let w = run_all(c);
    let n = |w: &World, id: NodeId| w.nodes()[id.index()].clone();

    // Step 0: A leads A, B, C in term 1.
    assert_eq!(w[0].leader(), Some(A));
    assert_eq!(term(&w[0], A), 1);
    assert_eq!(w[0].nodes().len(), 3);
    assert_eq!(shows(&w[0]), ("A, B, C".into(), true));

    // Step 1: D starts with an empty log, and is a learner that has received the log.
    let (_, entered) = TourRunner::start("membership", 1).expect("starts");
    assert_eq!(n(&entered, D).log().last_index(), 0, "D starts empty");
    assert_eq!(entered.member(D), Member::Learner);
    assert_eq!(w[1].member(D), Member::Learner);
    let d = n(&w[1], D);
    assert_eq!(d.log(), n(&w[1], A).log(), "D holds A's whole log");
    assert!(!d.membership().is_voter(D));
    assert_eq!(d.membership().to_string(), "A, B, C + D learning");
    assert_eq!(w[1].leader(), Some(A));

    // Step 2: caught up, D is promoted through the joint configuration, just appended.
    assert_eq!(shows(&w[2]), ("A, B, C → A, B, C, D".into(), false));
    assert!(w[2].membership().0.is_joint());
    assert_eq!(
        w[2].membership().0.quorum,
        Quorum::joint(Voters::first(3), Voters::first(4))
    );

    // Step 3: A appended C_new once the joint configuration committed; C_new is committed.
    assert_eq!(shows(&w[3]), ("A, B, C, D".into(), true));
    assert_eq!(
        changes_since(&w[3], 0),
        ["A, B, C + D learning", "A, B, C → A, B, C, D", "A, B, C, D"]
    );
    assert_eq!((w[3].leader(), term(&w[3], A)), (Some(A), 1));

    // Step 4: E the same way; five voters, A still leads term 1.
    let from = w[3].trace().len();
    assert_eq!(w[4].nodes().len(), 5);
    assert_eq!(shows(&w[4]), ("A, B, C, D, E".into(), true));
    assert_eq!(
        changes_since(&w[4], from),
        [
            "A, B, C, D + E learning",
            "A, B, C, D → A, B, C, D, E",
            "A, B, C, D, E"
        ]
    );
    assert_eq!((w[4].leader(), term(&w[4], A)), (Some(A), 1));

    // Step 5 colours the two majorities it talks about apart.
    assert_eq!(c.steps[5].highlight.groups, vec![vec![A, B], vec![C, D, E]]);
    // Step 5 only explains: A and B are a majority of A, B, C and C, D, E one of A to E, with no
    // server in common; the joint configuration accepts neither alone.
    assert_eq!(w[5].trace_hash(), w[4].trace_hash());
    let abc = Voters::first(3);
    let all = Voters::first(5);
    let ab = abc.without(C);
    let cde = all.minus(ab);
    assert!(Quorum::simple(abc).is_majority(|x| ab.contains(x)));
    assert!(Quorum::simple(all).is_majority(|x| cde.contains(x)));
    assert!(ab.intersection(cde).is_empty());
    let joint = Quorum::joint(abc, all);
    assert!(!joint.is_majority(|x| ab.contains(x)));
    assert!(!joint.is_majority(|x| cde.contains(x)));

    // Step 6: A runs its own removal through the joint configuration, then steps down once
    // C_new is committed on it.
    let from = w[5].trace().len();
    assert_eq!(
        changes_since(&w[6], from),
        ["A, B, C, D, E → B, C, D, E", "B, C, D, E"]
    );
    let a = n(&w[6], A);
    assert_eq!(a.role(), Role::Follower);
    assert_eq!(a.membership().to_string(), "B, C, D, E");
    assert_eq!(
        a.commit_index(),
        a.config_entry().0,
        "C_new is committed on A"
    );
    assert_eq!(w[6].member(A), Member::None);
    assert_eq!(w[6].leader(), None);
    assert!(w[6].trace()[from..].iter().any(|e| matches!(
        e.kind,
        TraceKind::Node {
            node: A,
            event: NodeEvent::LeftCluster { .. }
        }
    )));

    // Step 7: B leads term 2 with three votes, a majority of four.
    assert_eq!(w[7].leader(), Some(B));
    let b = n(&w[7], B);
    assert_eq!(b.term(), 2);
    assert_eq!(b.votes_held().len(), 3);
    assert!(b.votes_held().iter().all(|v| v != A));
    for id in [C, D, E] {
        assert_eq!(term(&w[7], id), 2, "{id}");
    }

    // Step 8: SET 5 reaches B, C, D and E and commits on B, and with it the configuration B, C,
    // D, E; A, still running, stays a follower in term 1, never campaigned, and never gets SET 5.
    let end = &w[8];
    assert!(matches!(
        end.operations()[0].outcome,
        OpOutcome::Ok { value: 5, .. }
    ));
    assert_eq!(shows(end), ("B, C, D, E".into(), true));
    for id in [B, C, D, E] {
        assert!(
            n(end, id)
                .entries()
                .iter()
                .any(|e| e.command == Command::Set(5)),
            "{id}"
        );
    }
    let a = n(end, A);
    assert!(!a.is_stopped());
    assert_eq!((a.role(), a.term()), (Role::Follower, 1));
    assert!(a.entries().iter().all(|e| e.command != Command::Set(5)));
    let campaigned = end.trace().iter().any(|e| {
        matches!(
            e.kind,
            TraceKind::Node { node: A, event: NodeEvent::ElectionStarted { term } } if term > 1
        )
    });
    assert!(!campaigned, "A never campaigns after leaving");
    // And it stays that way.
    let mut later = end.clone();
    later.advance_to(end.now() + 3 * SECOND);
    assert_eq!(later.leader(), Some(B));
    assert_eq!(term(&later, B), 2);
    assert_eq!(role(&later, A), Role::Follower);
}

// The membership conditions read the configuration the page shows: which member a server is,
// and the configuration as written out, committed or not.
#[test]
fn membership_conditions_follow_the_configuration_on_the_page() {
    let mut w = World::new(Config {
        cluster_size: 3,
        seed: 1,
        ..Config::default()
    })
    .expect("valid");
    let committed = |reads: &str| Condition::Configuration {
        reads: reads.to_string(),
        committed: true,
    };
    let learning = Condition::Configuration {
        reads: "A, B, C + D learning".to_string(),
        committed: false,
    };
    assert!(committed("A, B, C").holds(&w, 0));
    assert!(!committed("A, B").holds(&w, 0));
    assert!(Condition::Member(A, Member::Voter).holds(&w, 0));
    assert!(Condition::Member(D, Member::None).holds(&w, 0));
    assert!(w.run_until(|w| w.leader().is_some(), 2 * SECOND));
    w.apply(Action::AddServer(D)).expect("add D");
    assert!(Condition::Member(D, Member::Learner).holds(&w, 0));
    assert!(!Condition::Member(D, Member::Voter).holds(&w, 0));
    assert!(learning.holds(&w, 0));
    assert!(!committed("A, B, C + D learning").holds(&w, 0));
    assert!(w.run_until(|w| committed("A, B, C, D").holds(w, 0), 4 * SECOND));
    assert!(Condition::Member(D, Member::Voter).holds(&w, 0));
    assert!(!learning.holds(&w, 0));
}

// Determinism (same config and actions give the same trace): rebuilding a step twice, going Back,
// and animating frame by frame all land on the same trace as the instant replay.
#[test]
fn world_at_is_deterministic_and_back_and_animation_agree() {
    for c in chapters() {
        for s in 0..c.steps.len() {
            let one = world_at(&c.slug, s).expect("builds");
            let two = world_at(&c.slug, s).expect("builds");
            assert_eq!(one.trace_hash(), two.trace_hash(), "{} step {s}", c.slug);

            // Animate step s in uneven frames, as the UI would at some speed.
            let (runner, mut w) = TourRunner::start(&c.slug, s).expect("starts");
            let mut t = w.now();
            let mut frame = 3 * MS + 7;
            while runner.advance(&mut w, t) == StepStatus::Running {
                t += frame;
                frame = frame * 3 % (40 * MS) + 1;
            }
            assert_eq!(
                w.trace_hash(),
                one.trace_hash(),
                "{} step {s} animated",
                c.slug
            );

            if s > 0 {
                let (prev, mut pw) = runner.back().expect("not first").expect("builds");
                assert_eq!(prev.step_index(), s - 1);
                prev.finish(&mut pw);
                let expected = world_at(&c.slug, s - 1).expect("builds");
                assert_eq!(
                    pw.trace_hash(),
                    expected.trace_hash(),
                    "{} back from {s}",
                    c.slug
                );
                // And Next from there lands on step s again.
                let next = prev.next(&mut pw).expect("has next").expect("enters");
                next.finish(&mut pw);
                assert_eq!(pw.trace_hash(), one.trace_hash(), "{} next to {s}", c.slug);
            }
        }
    }
}

#[test]
fn bad_chapter_or_step_is_an_error_not_a_panic() {
    assert_eq!(
        world_at("nope", 0).err(),
        Some(TourError::UnknownChapter("nope".into()))
    );
    assert!(matches!(
        world_at("partition", 99),
        Err(TourError::StepOutOfRange { step: 99, .. })
    ));
    assert!(TourRunner::start("election", 1000).is_err());
    let (first, _) = TourRunner::start("election", 0).expect("starts");
    assert!(first.back().is_none());
    let last = ch("election").steps.len() - 1;
    let (end, mut w) = TourRunner::start("election", last).expect("starts");
    assert!(end.next(&mut w).is_none());
    assert!(TourError::UnknownChapter("x".into())
        .to_string()
        .contains("\"x\""));
}

/// Sentences of the reference narrative (thesecretlivesofdata.com/raft). Captions must tell the
/// story in our own words, so none may equal one of these.
const REFERENCE: &[&str] = &[
    "let's say we have a single node system.",
    "for this example, you can think of our node as a database server that stores a single value.",
    "we also have a client that can send a value to the server.",
    "coming to agreement, or consensus, on that value is easy with one node.",
    "but how do we come to consensus if we have multiple nodes?",
    "that's the problem of distributed consensus.",
    "All our nodes start in the follower state.",
    "If followers don't hear from a leader then they can become a candidate.",
    "the candidate then requests votes from other nodes.",
    "Nodes will reply with their vote.",
    "The candidate becomes the leader if it gets votes from a majority of nodes.",
    "All changes to the system now go through the leader.",
    "this log entry is currently uncommitted so it won't update the node's value.",
    "the leader then notifies the followers that the entry is committed.",
    "The election timeout is the amount of time a follower waits until becoming a candidate.",
    "the election timeout is randomized to be between 150ms and 300ms.",
    "once a candidate has a majority of votes it becomes leader.",
    "the leader begins sending out Append Entries messages to its followers.",
    "Followers then respond to each Append Entries message.",
    "This election term will continue until a follower stops receiving heartbeats and becomes a candidate.",
    "Node B is now leader of term 2",
    "Requiring a majority of votes guarantees that only one leader can be elected per term.",
    "if two nodes become candidates at the same time then a split vote can occur.",
    "now each candidate has 2 votes and can receive no more for this term.",
    "then the change is sent to the followers on the next heartbeat.",
    "an entry is committed once a majority of followers acknowledge it.",
    "our system value is now updated to \"7\".",
    "because of our partition we now have two leaders in different terms.",
    "Node B cannot replicate to a majority so its log entry stays uncommitted.",
    "this will succeed because it can replicate to a majority.",
    "now let's heal the network partition.",
    "Node B will see the higher election term and step down.",
    "our log is now consistent across our cluster.",
];

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn sentences(text: &str) -> Vec<String> {
    text.split(['.', '!', '?', ';'])
        .map(normalise)
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn captions_are_our_own_words_and_short() {
    let reference: Vec<String> = REFERENCE.iter().flat_map(|r| sentences(r)).collect();
    for c in chapters() {
        for (i, s) in c.steps.iter().enumerate() {
            let own = sentences(&s.caption);
            assert!(
                (1..=3).contains(&own.len()),
                "{} step {i} has {} sentences",
                c.slug,
                own.len()
            );
            for sentence in &own {
                assert!(
                    !reference.contains(sentence),
                    "{} step {i} copies the reference: {sentence}",
                    c.slug
                );
            }
        }
    }
}

// Every caption ships in the wasm bundle: the membership chapter keeps its text (title and
// captions) under 2,000 bytes.
#[test]
fn the_membership_chapter_text_is_short() {
    let c = ch("membership");
    let bytes: usize = c.title.len() + c.steps.iter().map(|s| s.caption.len()).sum::<usize>();
    assert!(bytes < 2000, "{bytes} bytes");
}

// §7 and Figure 13: A and B compact their logs into snapshots while C is down; C comes back
// with an empty log and catches up by InstallSnapshot, then by ordinary entries.
#[test]
fn compaction_a_returning_server_catches_up_by_snapshot() {
    let c = ch("compaction");
    let w = run_all(c);
    let after_commands = &w[2];
    for n in [A, B] {
        let log = after_commands.nodes()[n.index()].log();
        assert_eq!(log.snapshot_index(), 4, "{n} compacted entries 1 to 4");
        assert_eq!(log.entries().first().map(|e| e.index), Some(5));
    }
    assert!(after_commands.nodes()[C.index()].log().is_empty());
    let end = w.last().expect("steps");
    assert!(end.trace().iter().any(|e| matches!(
        &e.kind,
        TraceKind::Node {
            node: C,
            event: NodeEvent::SnapshotInstalled {
                index: 4,
                kept_suffix: false,
                ..
            },
            ..
        }
    )));
    for n in [A, B, C] {
        assert_eq!(end.nodes()[n.index()].value(), 15);
    }
}

// §8 and thesis §6.4: a leader cut off from the majority does not answer a read (ReadIndex);
// the client is answered by the new leader with the newer value.
#[test]
fn reads_a_deposed_leader_does_not_answer() {
    let w = run_all(ch("reads"));
    let asked = &w[3];
    let get = asked
        .operations()
        .iter()
        .find(|o| o.command == Command::Get)
        .expect("client 1 sent GET");
    assert_eq!(get.outcome, OpOutcome::Pending, "B must not answer");
    assert_eq!(role(asked, B), Role::Leader, "B still believes it leads");
    let end = w.last().expect("steps");
    let get = end
        .operations()
        .iter()
        .find(|o| o.command == Command::Get)
        .expect("client 1 sent GET");
    assert!(matches!(get.outcome, OpOutcome::Ok { value: 8, .. }));
    assert!(end.check_invariants().is_empty());
    assert!(end.trace().iter().any(|e| matches!(
        &e.kind,
        TraceKind::Node {
            node: C,
            event: NodeEvent::ReadServed { value: 8, .. },
            ..
        }
    )));
}
