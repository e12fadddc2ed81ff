//! "Why did that happen": every rule of Figure 2 is named for the events it decided, with the
//! numbers it weighed, and each "break Raft" switch is named as switched off for the events it
//! changed. The sentences come from the English catalogue and fill every slot.

use std::collections::BTreeSet;

use raftsim::i18n::{english, Catalogue};
use raftsim::raft::{Command, NodeEvent};
use raftsim::scenario::presets::{preset, presets};
use raftsim::sim::why::{Rule, Why};
use raftsim::sim::{Action, ClientId, Config, NodeId, TraceKind, World, MS, SECOND};

/// Every event's why, with the event's index.
fn whys(w: &World) -> Vec<(usize, Why)> {
    (0..w.trace().len())
        .filter_map(|i| w.why(i).map(|why| (i, why)))
        .collect()
}

fn sentence(words: &Catalogue, why: &Why) -> String {
    why.sentence(why.rule.key(), words)
        .unwrap_or_else(|| panic!("no sentence for {:?}", why.rule))
}

/// A busy run: elections, commands, a partition with writes on both sides, a crash, a heal.
fn busy_run(seed: u64) -> World {
    let config = Config {
        cluster_size: 5,
        seed,
        ..Config::default()
    };
    let mut w = World::new(config).expect("valid");
    w.advance_to(800 * MS);
    let leader = w.leader().expect("a leader within 800 ms");
    let submit = |client: u16, node: NodeId, n: i64| Action::Submit {
        client: ClientId(client),
        node,
        command: Command::Set(n),
    };
    w.apply(submit(0, leader, 5)).expect("valid");
    w.advance_to(w.now() + 300 * MS);
    // The leader and one follower on one side: the leader keeps taking commands it cannot commit.
    let others: Vec<NodeId> = (0..5u8).map(NodeId).filter(|&n| n != leader).collect();
    w.apply(Action::Partition(vec![vec![leader, others[0]]]))
        .expect("valid");
    w.apply(submit(0, leader, 6)).expect("valid");
    w.advance_to(w.now() + 2 * SECOND);
    let majority_leader = w
        .nodes()
        .iter()
        .find(|n| n.is_leader() && n.id() != leader)
        .map(|n| n.id())
        .expect("the majority elects a leader");
    w.apply(submit(1, majority_leader, 7)).expect("valid");
    w.advance_to(w.now() + SECOND);
    // A server misses two commands while stopped; restarted, its log is behind: the leader's
    // AppendEntries do not match at first (§5.3), and its own campaign is refused (§5.4.1).
    w.apply(Action::Stop(others[1])).expect("running");
    w.apply(Action::Heal).expect("valid");
    w.advance_to(w.now() + SECOND);
    let leader = w.leader().expect("a leader after the heal");
    w.apply(submit(1, leader, 8)).expect("valid");
    w.advance_to(w.now() + 300 * MS);
    w.apply(submit(1, leader, 9)).expect("valid");
    w.advance_to(w.now() + 300 * MS);
    w.apply(Action::Restart(others[1])).expect("stopped");
    w.apply(Action::Timeout(others[1])).expect("running");
    w.advance_to(w.now() + 2 * SECOND);
    w
}

#[test]
fn every_rule_of_figure_2_is_named_for_the_events_it_decided() {
    let words = english();
    let mut seen = BTreeSet::new();
    for seed in 1..=4 {
        let w = busy_run(seed);
        for (_, why) in whys(&w) {
            let text = sentence(&words, &why);
            assert!(!text.contains('{'), "{:?} left a slot: {text}", why.rule);
            seen.insert(format!("{:?}", why.rule));
        }
    }
    for rule in [
        // Followers and candidates: timeouts, votes, terms (§5.1, §5.2, §5.4.1).
        Rule::Timeout,
        Rule::TimeoutForced,
        Rule::NewerTerm,
        Rule::ElectionTerm,
        Rule::VoteGranted,
        Rule::VoteAlready,
        Rule::VoteCounted,
        Rule::Elected,
        Rule::StepDownTerm,
        // Leaders and AppendEntries receivers (§5.3, §5.4.2).
        Rule::AppendClient,
        Rule::AppendFollower,
        Rule::Truncated,
        Rule::CommitMajority,
        Rule::CommitFollower,
        Rule::Applied,
        Rule::SentHeartbeat,
        Rule::SentVote,
        Rule::SentEntries,
        Rule::SentReply,
        Rule::LostPartition,
        Rule::Delivered,
    ] {
        assert!(
            seen.contains(&format!("{rule:?}")),
            "{rule:?} never explained anything; saw {seen:?}"
        );
    }
    assert!(
        seen.contains("RejectedShort") || seen.contains("RejectedTerm"),
        "an AppendEntries refused for a log mismatch (§5.3); saw {seen:?}"
    );
    assert!(
        seen.contains("VoteLog") || seen.contains("VoteStale"),
        "a vote refused for its log or its term; saw {seen:?}"
    );
}

#[test]
fn a_vote_names_both_logs_and_they_satisfy_the_up_to_date_rule() {
    let w = busy_run(2);
    let mut checked = 0;
    for (i, why) in whys(&w) {
        let value = |name: &str| -> u64 {
            why.values
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} in {why:?}"))
        };
        match why.rule {
            Rule::VoteGranted => {
                assert!(
                    (value("c-term"), value("c-index")) >= (value("log-term"), value("index")),
                    "event {i}: {why:?}"
                );
                checked += 1;
            }
            Rule::VoteLog => {
                assert!((value("c-term"), value("c-index")) < (value("log-term"), value("index")));
                checked += 1;
            }
            Rule::CommitMajority => {
                let holders = why
                    .values
                    .iter()
                    .find(|(n, _)| *n == "holders")
                    .expect("holders");
                assert!(
                    holders.1.split(", ").count() >= 3,
                    "a majority of five: {why:?}"
                );
                assert_eq!(value("entry-term"), value("term"), "own term (§5.4.2)");
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked > 5);
    let words = english();
    let granted = whys(&w)
        .into_iter()
        .find(|(_, why)| why.rule == Rule::VoteGranted)
        .expect("a vote");
    let text = sentence(&words, &granted.1);
    assert!(
        text.contains("voted for") && text.contains("§5.4.1"),
        "{text}"
    );
}

/// The switch's preset with the switch on shows `rule` (the broken rule named as switched off);
/// the same script with the switch off does not.
fn named_when_broken(slug: &str, rule: Rule) {
    let p = preset(slug).expect("a preset");
    let broken = p.build_with(true).expect("builds");
    let safe = p.build_with(false).expect("builds");
    let words = english();
    let found: Vec<String> = whys(&broken)
        .into_iter()
        .filter(|(_, why)| why.rule == rule)
        .map(|(_, why)| sentence(&words, &why))
        .collect();
    assert!(!found.is_empty(), "{slug}: no {rule:?}");
    for text in &found {
        assert!(text.contains("Switched o"), "{slug}: {text}");
    }
    assert!(
        whys(&safe).iter().all(|(_, why)| why.rule != rule),
        "{slug} with the rule kept still shows {rule:?}"
    );
}

#[test]
fn each_break_raft_switch_is_named_as_switched_off() {
    named_when_broken("vote-without-log-check", Rule::VoteUnchecked);
    named_when_broken("figure8", Rule::CommitOldTerm);
    named_when_broken("forget-vote-on-restart", Rule::VoteForgotten);
    named_when_broken("skip-prev-log-check", Rule::AppendUnchecked);
    named_when_broken("livelock", Rule::TimeoutFixed);
    named_when_broken("membership-bug", Rule::ChangeEarly);
    named_when_broken("removed-server", Rule::VoteDespiteLeader);
    named_when_broken("stale-read", Rule::ReadLocal);
    // Every switch has a preset, and each is covered above.
    assert_eq!(
        presets().iter().filter(|p| p.switch.is_some()).count(),
        8,
        "a new switch needs its why"
    );
}

#[test]
fn every_rule_has_a_sentence_and_the_catalogue_has_no_stray_why() {
    let words = english();
    let keys: BTreeSet<&str> = words.keys().filter(|k| k.starts_with("why.")).collect();
    let rules = [
        Rule::TimerLeader,
        Rule::TimerVote,
        Rule::TimerCampaign,
        Rule::TimerStart,
        Rule::Timeout,
        Rule::TimeoutFixed,
        Rule::TimeoutForced,
        Rule::TimeoutNow,
        Rule::PreVote,
        Rule::NewerTerm,
        Rule::ElectionTerm,
        Rule::VoteGranted,
        Rule::VoteUnchecked,
        Rule::VoteForgotten,
        Rule::VoteDespiteLeader,
        Rule::ChangeEarly,
        Rule::VoteStale,
        Rule::VoteAlready,
        Rule::VoteLog,
        Rule::VoteLeaderAlive,
        Rule::PreVoteAnswer,
        Rule::VoteCounted,
        Rule::Elected,
        Rule::StepDownTerm,
        Rule::StepDownLeader,
        Rule::Restarted,
        Rule::Campaign,
        Rule::LostQuorum,
        Rule::AppendClient,
        Rule::AppendNoOp,
        Rule::AppendConfig,
        Rule::AppendFollower,
        Rule::AppendUnchecked,
        Rule::Truncated,
        Rule::RejectedShort,
        Rule::RejectedTerm,
        Rule::CommitMajority,
        Rule::CommitOldTerm,
        Rule::CommitFollower,
        Rule::Applied,
        Rule::SnapshotTaken,
        Rule::SnapshotInstalled,
        Rule::ReadIndex,
        Rule::ReadLease,
        Rule::ReadLocal,
        Rule::Change,
        Rule::ConfigCommitted,
        Rule::LeftCluster,
        Rule::Transfer,
        Rule::HeartbeatTimer,
        Rule::SentHeartbeat,
        Rule::SentVote,
        Rule::SentEntries,
        Rule::SentReply,
        Rule::SentClient,
        Rule::LostPartition,
        Rule::LostLink,
        Rule::LostStopped,
        Rule::LostRandom,
        Rule::LostUser,
        Rule::Delivered,
        Rule::Action,
        Rule::Violation,
        Rule::Client,
        Rule::ElectionTimer,
    ];
    let named: BTreeSet<&str> = rules.iter().map(|r| r.key()).collect();
    assert_eq!(keys, named);
}

#[test]
fn server_events_keep_their_facts_and_the_trace_hash_is_unchanged_by_them() {
    let w = busy_run(3);
    let node_events = w
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Node { .. }))
        .count();
    assert!(node_events > 50);
    let with_facts = w
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Node { .. }))
        .filter(|e| w.trace_facts(e.seq).is_some())
        .count();
    assert_eq!(with_facts, node_events);
    // A leader's commit names the servers that hold the entry, itself included.
    let commit = w
        .trace()
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                TraceKind::Node {
                    event: NodeEvent::CommitAdvanced { .. },
                    ..
                }
            )
        })
        .expect("a commit");
    assert!(w.trace_facts(commit.seq).expect("facts").commit > 0);
}

/// Every event says what happened in the catalogue's words, with every slot filled, including the
/// events of membership changes, snapshots, reads and leadership transfer.
#[test]
fn every_event_says_what_happened_with_every_slot_filled() {
    let words = english();
    let mut worlds = vec![busy_run(1), busy_run(2)];
    for p in presets() {
        worlds.push(p.build_with(true).expect("builds"));
        worlds.push(p.build_with(false).expect("builds"));
    }
    let mut keys = BTreeSet::new();
    for w in &worlds {
        for i in 0..w.trace().len() {
            let why = w.why(i).expect("every event explains itself");
            let text = why
                .sentence(why.said, &words)
                .unwrap_or_else(|| panic!("no {}", why.said));
            assert!(
                !text.contains('{') && !text.is_empty(),
                "{}: {text}",
                why.said
            );
            assert_eq!(w.describe(i), text);
            keys.insert(why.said);
        }
    }
    assert!(keys.len() > 30, "{keys:?}");
}

/// The inspector's "why is the timer where it is" names the event that drew the running timer:
/// at every moment of a run with elections, a partition and a restart, each server's election
/// deadline lies between the minimum and the maximum timeout after the reset it names, and each
/// kind of reset is seen.
#[test]
fn the_timer_is_explained_by_the_reset_that_drew_it() {
    use raftsim::sim::why::timer_reset;
    let config = Config {
        cluster_size: 5,
        seed: 12,
        ..Config::default()
    };
    let (min, max) = (
        config.election_timeout_min_us,
        config.election_timeout_max_us,
    );
    let mut w = World::new(config).expect("valid");
    let mut seen = BTreeSet::new();
    let mut check = |w: &World| {
        for node in w.nodes() {
            let Some(deadline) = node.election_deadline() else {
                continue;
            };
            let (at, rule, _) = timer_reset(w.trace(), node.id(), node.term())
                .unwrap_or_else(|| panic!("{}'s timer has no reset at {}", node.id(), w.now()));
            assert!(
                deadline >= at + min && deadline <= at + max,
                "{} at {}: deadline {deadline} is not a timeout after its reset at {at} ({rule:?})",
                node.id(),
                w.now()
            );
            seen.insert(format!("{rule:?}"));
        }
    };
    let mut run_to = |w: &mut World, until: u64| {
        while w.next_event_time().is_some_and(|t| t <= until) {
            w.step();
            check(w);
        }
        w.advance_to(until);
    };
    run_to(&mut w, 2 * SECOND);
    let leader = w.leader().expect("a leader");
    let other = NodeId((leader.0 + 1) % 5);
    w.apply(Action::Partition(vec![vec![leader]]))
        .expect("valid");
    run_to(&mut w, 4 * SECOND);
    w.apply(Action::Heal).expect("valid");
    w.apply(Action::Stop(other)).expect("running");
    run_to(&mut w, 5 * SECOND);
    w.apply(Action::Restart(other)).expect("stopped");
    run_to(&mut w, 7 * SECOND);
    for rule in ["TimerLeader", "TimerVote", "TimerCampaign", "TimerStart"] {
        assert!(seen.contains(rule), "no {rule} in {seen:?}");
    }
}
