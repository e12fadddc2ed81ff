//! The presets are the single source the UI loads to show why each safety rule exists: with the
//! switch on, the checker catches the violation the paper warns about; with the same script and
//! the switch off, nothing is violated.

use raftsim::raft::{ClientId, Command, Role};
use raftsim::scenario::presets::{preset, presets, Outcome, Preset};
use raftsim::sim::{NodeId, SafetySwitch, World, SECOND};
use raftsim::sim::{OpOutcome, Violation};

/// A mark's sentence, from the English catalogue.
fn mark_text(
    p: &raftsim::scenario::presets::Preset,
    m: &raftsim::scenario::presets::Mark,
) -> String {
    raftsim::i18n::english()
        .get(&p.mark_key(m))
        .expect("every mark has a sentence")
        .to_string()
}

/// Every preset's story is in the catalogue: its explanation and a sentence for each mark.
#[test]
fn every_scenario_has_its_words() {
    let words = raftsim::i18n::english();
    for p in raftsim::scenario::presets::presets() {
        assert!(
            words
                .get(&p.explanation_key())
                .is_some_and(|t| t.len() > 40),
            "{}",
            p.slug
        );
        for m in &p.marks {
            assert!(
                words.get(&p.mark_key(m)).is_some_and(|t| !t.is_empty()),
                "{} {}",
                p.slug,
                m.number
            );
        }
    }
}

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const E: NodeId = NodeId(4);

fn get(slug: &str) -> Preset {
    preset(slug).unwrap_or_else(|| panic!("preset {slug} exists"))
}

fn build(p: &Preset, broken: bool) -> World {
    p.build_with(broken)
        .unwrap_or_else(|e| panic!("{} (broken: {broken}, seed {}): {e}", p.slug, p.config.seed))
}

fn props(w: &World) -> Vec<&'static str> {
    w.check_invariants().iter().map(|v| v.property()).collect()
}

#[test]
fn every_preset_shows_its_point_both_ways() {
    for p in presets() {
        for broken in [true, false] {
            let w = build(&p, broken);
            let expected = p.expected(broken);
            assert!(
                expected.holds(&w),
                "{} (broken: {broken}, seed {}): expected {expected:?}, checker found {:?}",
                p.slug,
                p.config.seed,
                props(&w)
            );
        }
    }
}

#[test]
fn there_is_a_preset_for_every_switch_and_slugs_are_unique() {
    let all = presets();
    for switch in SafetySwitch::ALL {
        assert!(all.iter().any(|p| p.switch == Some(switch)), "{switch:?}");
    }
    let mut slugs: Vec<_> = all.iter().map(|p| p.slug).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), all.len());
    for slug in ["figure8", "figure7", "livelock"] {
        assert!(preset(slug).is_some(), "{slug}");
    }
    assert!(preset("nope").is_none());
    for p in &all {
        // The default config is the broken variant; the safe one differs only in the switch.
        assert_eq!(p.config_with(true), p.config);
        assert!(p.config.validate().is_ok(), "{}", p.slug);
        assert!(
            p.actions.windows(2).all(|w| w[0].at <= w[1].at),
            "{}",
            p.slug
        );
        assert!(
            p.actions.last().is_none_or(|a| a.at <= p.end_us),
            "{}",
            p.slug
        );
        if p.switch.is_some() {
            assert!(p.config.safety.any_broken(), "{}", p.slug);
            assert!(!p.config_with(false).safety.any_broken(), "{}", p.slug);
        }
    }
}

// §5.4.2, Figure 8: counting replicas of a term-2 entry "commits" it, and E's term-5 election
// then overwrites it: a committed entry is lost. With the rule, A never committed it.
#[test]
fn figure8_loses_a_committed_entry_only_when_counting_old_terms() {
    let p = get("figure8");
    let w = build(&p, true);
    let found = props(&w);
    assert!(
        found.contains(&"Committed entries are durable"),
        "{found:?}"
    );
    assert!(found.contains(&"Leader Completeness"), "{found:?}");
    assert_eq!(w.leader(), Some(E));

    let w = build(&p, false);
    assert_eq!(props(&w), Vec::<&str>::new());
    assert_eq!(w.leader(), Some(E));
    assert_eq!(
        w.nodes()[B.index()].log().term_at(2),
        Some(3),
        "overwritten, harmlessly"
    );
    // At (c), A led term 4 with its term-2 entry on a majority, but had not committed it.
    let at_d = p
        .marks
        .iter()
        .find(|m| mark_text(&p, m).starts_with("(d)"))
        .expect("mark (d)");
    let w = p.world_at(false, at_d.at).expect("builds");
    assert_eq!(w.nodes()[A.index()].term(), 4);
    assert!(
        w.nodes()
            .iter()
            .filter(|n| n.log().term_at(2) == Some(2))
            .count()
            >= 3
    );
    // A restarted (commit index 0) and has no term-4 entry, so it commits nothing.
    assert!(w.nodes()[A.index()].commit_index() < 2);
    assert!(w.checker().committed_index() < 2);
    // With the switch on, A counted the copies and committed index 2 with term 2.
    let w = p.world_at(true, at_d.at).expect("builds");
    assert_eq!(w.checker().committed_at(2).map(|c| c.0), Some(2));
}

// §5.4.1: the up-to-date check keeps C, which lacks a committed entry, from being elected.
#[test]
fn stale_candidate_wins_only_without_the_log_check() {
    let p = get("vote-without-log-check");
    let w = build(&p, true);
    assert!(w.nodes()[C.index()].is_leader());
    assert!(props(&w).contains(&"Leader Completeness"));
    let w = build(&p, false);
    assert!(!w.nodes()[C.index()].is_leader());
    assert_eq!(props(&w), Vec::<&str>::new());
}

// Figure 2: votedFor is persistent; forgetting it lets C vote twice in term 1.
#[test]
fn forgotten_vote_gives_term_1_two_leaders() {
    let p = get("forget-vote-on-restart");
    let w = build(&p, true);
    let found = props(&w);
    assert!(found.contains(&"One vote per term"), "{found:?}");
    assert!(found.contains(&"Election Safety"), "{found:?}");
    let w = build(&p, false);
    assert_eq!(props(&w), Vec::<&str>::new());
    assert!(!w.nodes()[B.index()].is_leader());
}

// §5.3: the AppendEntries consistency check; without it A keeps a stale entry under B's.
#[test]
fn skipping_the_prev_log_check_breaks_log_matching() {
    let p = get("skip-prev-log-check");
    let w = build(&p, true);
    assert!(props(&w).contains(&"Log Matching"), "{:?}", props(&w));
    let w = build(&p, false);
    assert_eq!(props(&w), Vec::<&str>::new());
    assert_eq!(w.nodes()[A.index()].log(), w.nodes()[B.index()].log());
}

// §5.2: without randomised timeouts, elections split again and again; with them, a leader
// appears quickly.
#[test]
fn livelock_without_random_timeouts() {
    let p = get("livelock");
    let w = build(&p, true);
    assert_eq!(w.leader(), None);
    assert!(w.nodes()[0].term() >= 20, "term {}", w.nodes()[0].term());
    assert!(Outcome::NoLeader.holds(&w));
    let w = p.world_at(false, SECOND).expect("builds");
    assert!(w.leader().is_some(), "a leader within a second");
}

// §5.3, Figure 7: the staged logs have exactly the figure's shapes before A comes to power, and
// A's repair makes every log identical and committed.
#[test]
fn figure7_shapes_then_repair() {
    let p = get("figure7");
    let shape = p
        .marks
        .iter()
        .find(|m| mark_text(&p, m).contains("look like Figure 7"))
        .expect("shape mark");
    let w = p.world_at(true, shape.at).expect("builds");
    let terms = |n: usize| -> Vec<u64> { w.nodes()[n].entries().iter().map(|e| e.term).collect() };
    let figure: [&[u64]; 7] = [
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for (i, expected) in figure.iter().enumerate() {
        assert_eq!(terms(i), expected.to_vec(), "{}", NodeId(i as u8));
    }
    assert_eq!(props(&w), Vec::<&str>::new());

    let end = build(&p, true);
    assert_eq!(end.leader(), Some(A));
    assert_eq!(end.nodes()[A.index()].term(), 8);
    let leader = end.nodes()[A.index()].log().clone();
    assert_eq!(leader.last_index(), 11);
    for n in end.nodes() {
        assert!(!n.is_stopped());
        assert_eq!(n.role() == Role::Leader, n.id() == A);
        assert_eq!(n.log(), &leader, "{}", n.id());
        assert_eq!(n.commit_index(), 11, "{}", n.id());
    }
    assert_eq!(props(&end), Vec::<&str>::new());
}

// Same preset, same trace: the UI can rebuild any moment of a preset.
#[test]
fn presets_are_deterministic() {
    for p in presets() {
        let one = build(&p, true);
        let two = build(&p, true);
        assert_eq!(one.trace_hash(), two.trace_hash(), "{}", p.slug);
    }
}

// Thesis §4.1 (the 2015 fix): with single-server changes, a leader that changes the membership
// before committing an entry of its own term lets two configurations with disjoint majorities
// each elect a leader of term 3; with the rule, only A wins term 3.
#[test]
fn membership_change_before_own_term_commit_elects_two_leaders() {
    let p = get("membership-bug");
    let w = build(&p, true);
    let found = props(&w);
    assert!(found.contains(&"Majorities overlap"), "{found:?}");
    assert!(found.contains(&"Election Safety"), "{found:?}");
    let leaders: Vec<_> = w
        .nodes()
        .iter()
        .filter(|n| n.is_leader() && n.term() == 3)
        .map(|n| n.id())
        .collect();
    assert_eq!(leaders, [A, C]);
    let w = build(&p, false);
    assert_eq!(props(&w), Vec::<&str>::new());
    assert_eq!(w.leader(), Some(A));
    assert!(!w.nodes()[C.index()].is_leader());
}

// §6: a removed server that times out is ignored while the leader is heard; without that rule
// it deposes leader after leader.
#[test]
fn a_removed_server_disrupts_only_without_the_rule() {
    let p = get("removed-server");
    let w = build(&p, false);
    assert_eq!(w.leader(), Some(A));
    assert_eq!(w.nodes()[A.index()].term(), 1);
    assert!(w.nodes()[E.index()].term() > 2, "E kept campaigning");
    assert!(!w.nodes()[A.index()].membership().is_voter(E));
    let w = build(&p, true);
    assert!(
        w.nodes()[A.index()].term() > 2,
        "the cluster followed E's terms"
    );
}

// §8: a leader cut off from the majority answers a read from its own state only with the
// switch; without it the read waits for a confirmed leader and returns the newer value.
#[test]
fn a_deposed_leader_reads_stale_only_with_the_switch() {
    let p = get("stale-read");
    let get_op = |w: &World| {
        w.operations()
            .iter()
            .position(|o| o.command == Command::Get)
            .expect("the script sends a GET")
    };
    let w = build(&p, true);
    let op = get_op(&w);
    assert!(matches!(
        w.operations()[op].outcome,
        OpOutcome::Ok { value: 5, .. }
    ));
    let found = w.check_invariants();
    let Some(Violation::NotLinearizable {
        op: reported,
        client,
        observed,
        before,
        ..
    }) = found
        .iter()
        .find(|v| matches!(v, Violation::NotLinearizable { .. }))
    else {
        panic!("no linearizability violation: {found:?}");
    };
    assert_eq!((*reported, *client, *observed), (op, ClientId(0), 5));
    assert_eq!(
        before.map(|b| (b.1, b.2)),
        Some((ClientId(1), Command::Set(7))),
        "the write the read missed is named"
    );
    let w = build(&p, false);
    assert!(matches!(
        w.operations()[get_op(&w)].outcome,
        OpOutcome::Ok { value: 7, .. }
    ));
    assert!(w.check_invariants().is_empty());
}

/// The scenario menu lists `SLUGS` without building the scripts: they must be the presets', in
/// order, and each needs its title in the catalogue (the other languages are checked against
/// English by `translations.rs`).
#[test]
fn the_menu_lists_every_preset_with_its_title() {
    let slugs: Vec<&str> = presets().iter().map(|p| p.slug).collect();
    assert_eq!(slugs, raftsim::scenario::presets::SLUGS);
    let english = raftsim::i18n::english();
    for slug in slugs {
        let key = format!("scenario.{slug}.title");
        assert!(
            english.get(&key).is_some_and(|t| !t.is_empty()),
            "{key} missing"
        );
    }
}
