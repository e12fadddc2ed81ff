//! Membership changes on the deterministic world (§6 of the paper, chapter 4 of the thesis):
//! growing and shrinking the cluster by joint consensus and one server at a time, learners that
//! catch up before they vote, a leader that removes itself, and the refusals a person meets.
//! The invariant checker watches every event.

use raftsim::raft::{ChangeRefusal, Command, Member, NodeEvent, Role, Voters};
use raftsim::sim::{
    Action, ActionError, ClientId, Config, NodeId, OpOutcome, TraceKind, World, SECOND,
};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);

fn world(size: u8, seed: u64, single_server: bool) -> World {
    World::new(Config {
        cluster_size: size,
        seed,
        single_server_changes: single_server,
        ..Config::default()
    })
    .expect("valid config")
}

fn assert_clean(w: &World) {
    let v = w.check_invariants();
    assert!(v.is_empty(), "invariant violations: {v:#?}");
}

fn elect(w: &mut World) -> NodeId {
    let limit = w.now() + 5 * SECOND;
    assert!(w.run_until(|w| w.leader().is_some(), limit), "no leader");
    w.leader().expect("a leader")
}

/// Runs until the configuration the page shows is `voters`, with no learner, committed.
fn settle_on(w: &mut World, voters: &[NodeId]) {
    let want = voters.iter().fold(Voters::default(), |s, &n| s.with(n));
    let limit = w.now() + 5 * SECOND;
    let done = w.run_until(
        |w| {
            let (m, committed) = w.membership();
            committed && !m.is_joint() && m.voters() == want && m.learners.is_empty()
        },
        limit,
    );
    assert!(done, "did not settle on {voters:?}: {:?}", w.membership());
}

/// The configuration steps leaders took, in order, as the trace tells them.
fn steps(w: &World) -> Vec<String> {
    w.trace()
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

fn commits_everywhere(w: &mut World, members: &[NodeId]) {
    let leader = w.leader().expect("a leader");
    w.apply(Action::Submit {
        client: ClientId(0),
        node: leader,
        command: Command::Set(42),
    })
    .expect("submit");
    let op = w.operations().len() - 1;
    let limit = w.now() + 3 * SECOND;
    w.run_until(|w| w.operations()[op].outcome != OpOutcome::Pending, limit);
    assert!(matches!(
        w.operations()[op].outcome,
        OpOutcome::Ok { value: 42, .. }
    ));
    let t = w.now() + SECOND;
    w.advance_to(t);
    for &n in members {
        assert_eq!(w.nodes()[n.index()].value(), 42, "{n} applied the command");
    }
}

// §6, Figure 11, and thesis §4.2.1: each new server learns first, then joins through the joint
// configuration C_old,new, and the leader moves to C_new once that is committed.
#[test]
fn grow_three_to_five_by_joint_consensus() {
    for seed in 1..=5 {
        let mut w = world(3, seed, false);
        elect(&mut w);
        w.apply(Action::AddServer(D)).expect("add D");
        assert_eq!(w.member(D), Member::Learner, "D learns before it votes");
        settle_on(&mut w, &[A, B, C, D]);
        w.apply(Action::AddServer(E)).expect("add E");
        settle_on(&mut w, &[A, B, C, D, E]);
        assert_eq!(
            steps(&w),
            [
                "A, B, C + D learning",
                "A, B, C → A, B, C, D",
                "A, B, C, D",
                "A, B, C, D + E learning",
                "A, B, C, D → A, B, C, D, E",
                "A, B, C, D, E",
            ],
            "seed {seed}"
        );
        commits_everywhere(&mut w, &[A, B, C, D, E]);
        assert_clean(&w);
    }
}

// Thesis §4.1: one server at a time, no joint step; the configurations of neighbouring steps
// always share a majority.
#[test]
fn grow_and_shrink_one_server_at_a_time() {
    for seed in 1..=5 {
        let mut w = world(3, seed, true);
        elect(&mut w);
        w.apply(Action::AddServer(D)).expect("add D");
        settle_on(&mut w, &[A, B, C, D]);
        let leader = w.leader().expect("leader");
        let other = [A, B, C, D]
            .into_iter()
            .find(|&n| n != leader)
            .expect("one");
        w.apply(Action::RemoveServer(other)).expect("remove");
        let rest: Vec<_> = [A, B, C, D].into_iter().filter(|&n| n != other).collect();
        settle_on(&mut w, &rest);
        assert!(
            steps(&w).iter().all(|s| !s.contains('→')),
            "{:?}",
            steps(&w)
        );
        commits_everywhere(&mut w, &rest);
        assert_clean(&w);
    }
}

// §6: shrinking 5 → 3; the removed servers keep running but, having heard from the leader
// recently when they start to campaign, the remaining ones ignore them and the leader stays.
#[test]
fn shrink_five_to_three_and_the_removed_servers_do_not_disrupt() {
    for seed in 1..=5 {
        let mut w = world(5, seed, false);
        let leader = elect(&mut w);
        let gone: Vec<_> = [A, B, C, D, E]
            .into_iter()
            .filter(|&n| n != leader)
            .take(2)
            .collect();
        w.apply(Action::RemoveServer(gone[0])).expect("remove");
        let keep: Vec<_> = [A, B, C, D, E]
            .into_iter()
            .filter(|&n| n != gone[0])
            .collect();
        settle_on(&mut w, &keep);
        w.apply(Action::RemoveServer(gone[1])).expect("remove");
        let keep: Vec<_> = keep.into_iter().filter(|&n| n != gone[1]).collect();
        settle_on(&mut w, &keep);
        let term = w.nodes()[leader.index()].term();
        let t = w.now() + 5 * SECOND;
        w.advance_to(t);
        assert_eq!(w.leader(), Some(leader), "seed {seed}");
        assert_eq!(w.nodes()[leader.index()].term(), term, "seed {seed}");
        for &n in &gone {
            let node = &w.nodes()[n.index()];
            assert!(!node.is_stopped(), "{n} keeps running");
            assert!(node.term() > term, "{n} campaigned in vain");
            assert_eq!(w.member(n), Member::None);
        }
        commits_everywhere(&mut w, &keep);
        assert_clean(&w);
    }
}

// §6: a leader may remove itself; it manages the cluster until C_new is committed, then steps
// down, and the remaining servers elect a leader among themselves. It never campaigns again.
#[test]
fn the_leader_removes_itself_and_steps_down_after_the_change_commits() {
    for single_server in [false, true] {
        for seed in 1..=4 {
            let mut w = world(3, seed, single_server);
            let old = elect(&mut w);
            w.apply(Action::RemoveServer(old))
                .expect("remove the leader");
            let limit = w.now() + 5 * SECOND;
            assert!(
                w.run_until(|w| w.leader().is_some_and(|l| l != old), limit),
                "a new leader (seed {seed})"
            );
            let left = w.trace().iter().any(|e| {
                matches!(
                    e.kind,
                    TraceKind::Node {
                        node,
                        event: NodeEvent::LeftCluster { .. },
                    } if node == old
                )
            });
            assert!(left, "the old leader stepped down when C_new committed");
            let t = w.now() + 3 * SECOND;
            w.advance_to(t);
            let node = &w.nodes()[old.index()];
            assert_eq!(node.role(), Role::Follower);
            assert!(!node.is_stopped());
            assert_eq!(w.member(old), Member::None);
            let rest: Vec<_> = [A, B, C].into_iter().filter(|&n| n != old).collect();
            commits_everywhere(&mut w, &rest);
            assert_clean(&w);
        }
    }
}

// Thesis §4.2.1: a new server cut off from the cluster stays a learner: it is never promoted,
// never campaigns, and the change in progress blocks another.
#[test]
fn a_learner_that_cannot_catch_up_never_votes_or_campaigns() {
    let mut w = world(3, 7, false);
    elect(&mut w);
    w.apply(Action::AddServer(D)).expect("add D");
    w.apply(Action::Partition(vec![vec![D]]))
        .expect("cut D off");
    let t = w.now() + 5 * SECOND;
    w.advance_to(t);
    assert_eq!(w.member(D), Member::Learner);
    let d = &w.nodes()[D.index()];
    assert_eq!((d.role(), d.term()), (Role::Follower, 0));
    assert_eq!(
        w.apply(Action::AddServer(E)),
        Err(ActionError::Change(ChangeRefusal::InProgress))
    );
    assert_eq!(w.apply(Action::Timeout(D)), Err(ActionError::NotAVoter(D)));
    // Removing the learner ends the change at once.
    w.apply(Action::RemoveServer(D))
        .expect("remove the learner");
    settle_on(&mut w, &[A, B, C]);
    assert_clean(&w);
}

// A removed server comes back with the log it kept.
#[test]
fn a_removed_server_can_be_added_back() {
    let mut w = world(3, 3, false);
    let leader = elect(&mut w);
    let other = [A, B, C].into_iter().find(|&n| n != leader).expect("one");
    w.apply(Action::RemoveServer(other)).expect("remove");
    let rest: Vec<_> = [A, B, C].into_iter().filter(|&n| n != other).collect();
    settle_on(&mut w, &rest);
    w.apply(Action::AddServer(other)).expect("add back");
    settle_on(&mut w, &[A, B, C]);
    commits_everywhere(&mut w, &[A, B, C]);
    assert_clean(&w);
}

// Refused actions change nothing and say why in words.
#[test]
fn refusals_say_why() {
    let mut w = world(3, 1, false);
    assert_eq!(w.apply(Action::AddServer(D)), Err(ActionError::NoLeader));
    let leader = elect(&mut w);
    let cases = [
        (Action::AddServer(E), "next empty slot is D"),
        (Action::AddServer(A), "A is in the cluster already"),
        (Action::RemoveServer(NodeId(7)), "no server H"),
        (
            Action::Submit {
                client: ClientId(0),
                node: A,
                command: Command::Config(raftsim::raft::Membership::simple(Voters::first(1))),
            },
            "only a leader writes configurations",
        ),
    ];
    for (action, says) in cases {
        let error = w.apply(action).expect_err(says).to_string();
        assert!(error.contains(says), "{error}");
    }
    assert_eq!(w.nodes().len(), 3, "nothing was added");
    w.apply(Action::RemoveServer(leader)).expect("one change");
    let busy = w.apply(Action::RemoveServer(leader)).expect_err("busy");
    assert!(busy.to_string().contains("one at a time"), "{busy}");
    // A one-server cluster cannot remove its last voter.
    let mut w = world(1, 1, false);
    elect(&mut w);
    let last = w.apply(Action::RemoveServer(A)).expect_err("last voter");
    assert!(last.to_string().contains("no voting server"), "{last}");
    // Nine slots at most.
    let mut w = world(9, 1, false);
    elect(&mut w);
    let full = w.apply(Action::AddServer(NodeId(9))).expect_err("full");
    assert!(full.to_string().contains("all 9 slots"), "{full}");
}

// Recorded membership actions replay to the same run, and travel in share links.
#[test]
fn membership_runs_replay_exactly_and_through_share_links() {
    let mut w = world(3, 11, false);
    elect(&mut w);
    w.apply(Action::AddServer(D)).expect("add");
    settle_on(&mut w, &[A, B, C, D]);
    w.apply(Action::RemoveServer(B)).expect("remove");
    let t = w.now() + 2 * SECOND;
    w.advance_to(t);
    let mut again =
        World::replay(w.initial_config().clone(), &w.actions().to_vec()).expect("replay");
    again.advance_to(t);
    assert_eq!(again.trace_hash(), w.trace_hash());
    let link = raftsim::scenario::share::encode_run(w.initial_config(), &w.actions().to_vec());
    assert!(link.starts_with("3."));
    let (config, actions) = raftsim::scenario::share::decode_run(&link).expect("decodes");
    let mut shared = World::replay(config, &actions).expect("replay");
    shared.advance_to(t);
    assert_eq!(shared.trace_hash(), w.trace_hash());
}
