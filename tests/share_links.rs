//! Share links and JSON export: round trips for random runs, and hostile input (truncation, byte
//! flips, random text, crafted numbers) that must give a clear error or a valid run, never a
//! panic or a huge allocation.

use proptest::prelude::*;
use raftsim::raft::{ClientId, Command, NodeId, ReadMode};
use raftsim::scenario::export::{export_run, export_timeline, import_run, ImportError, RunMeta};
use raftsim::scenario::share::{
    base64url_decode, base64url_encode, decode_run, decode_run_bytes, encode_run, encode_run_bytes,
    ShareError, MAX_ACTIONS,
};
use raftsim::sim::fuzz::random_config;
use raftsim::sim::timeline::Timeline;
use raftsim::sim::{
    Action, Config, OptionChange, Replication, SafetySwitch, TimedAction, World, MS,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A run of a seeded random world: random config, random (often refused) actions.
fn fuzz_run(seed: u64, steps: usize) -> (Config, Vec<TimedAction>, u64) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut config = random_config(seed, &mut rng, 7);
    config.pre_vote = rng.random_bool(0.5);
    config.safety.skip_prev_log_check = rng.random_bool(0.1);
    config.election_timeout_override = if rng.random_bool(0.3) {
        vec![None, Some((200 * MS, 210 * MS))]
    } else {
        Vec::new()
    };
    if config.cluster_size < 2 {
        config.election_timeout_override.clear();
    }
    let mut w = World::new(config.clone()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    for _ in 0..steps {
        w.advance_to(w.now() + rng.random_range(1..300) * MS);
        let size = w.nodes().len();
        let n = NodeId(rng.random_range(0..size) as u8);
        let m = NodeId(rng.random_range(0..size) as u8);
        let action = match rng.random_range(0..12) {
            0..=3 => Action::Submit {
                client: ClientId(rng.random_range(0..2)),
                node: n,
                command: match rng.random_range(0..3) {
                    0 => Command::Set(rng.random::<i64>()),
                    1 => Command::Add(rng.random_range(-5..5)),
                    _ => Command::NoOp,
                },
            },
            4 => Action::Stop(n),
            5 => Action::Restart(n),
            6 => Action::Timeout(n),
            7 => Action::Partition(vec![vec![n], vec![]]),
            8 => Action::CutLink(n, m),
            9 => Action::RestoreLink(n, m),
            10 => match w.in_flight().next() {
                Some(msg) => Action::DropMessage(msg.id),
                None => Action::Heal,
            },
            _ => Action::SetOption(OptionChange::Safety(
                SafetySwitch::ALL[rng.random_range(0..5)],
                rng.random_bool(0.5),
            )),
        };
        let _ = w.apply(action);
    }
    (config, w.actions().to_vec(), w.trace_hash())
}

#[test]
fn fuzz_runs_round_trip_and_replay_identically() {
    for seed in 0..40u64 {
        let (config, actions, _) = fuzz_run(seed, 60);
        // The fuzz world ran on after its last accepted action; the world's own replay ends
        // there, as a timeline built from the link does.
        let hash = World::replay(config.clone(), &actions)
            .map(|w| w.trace_hash())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let link = encode_run(&config, &actions);
        assert!(
            link.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "seed {seed}: URL-safe"
        );
        let (c2, a2) = decode_run(&link).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(c2, config, "seed {seed}");
        assert_eq!(a2, actions, "seed {seed}");
        let tl = Timeline::from_run(c2, &a2).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(
            tl.world().trace_hash(),
            hash,
            "seed {seed}: replay of the link"
        );
        // Recorded actions cost a few bytes each (a random 64-bit SET value alone takes 10).
        assert!(
            link.len() < 40 + actions.len() * 24,
            "seed {seed}: {} chars",
            link.len()
        );
    }
}

#[test]
fn every_truncation_and_flip_of_a_link_is_an_error_or_a_run() {
    let (config, actions, _) = fuzz_run(7, 40);
    let link = encode_run(&config, &actions);
    for cut in 0..link.len() {
        // A cut link almost always fails; it must never panic.
        let _ = decode_run(&link[..cut]);
    }
    let bytes = encode_run_bytes(&config, &actions);
    for cut in 0..bytes.len() {
        assert!(decode_run_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut rng = Pcg64Mcg::seed_from_u64(99);
    for _ in 0..3000 {
        let mut b = bytes.clone();
        let i = rng.random_range(0..b.len());
        b[i] ^= 1 << rng.random_range(0..8);
        if let Ok((c, a)) = decode_run_bytes(&b) {
            assert_eq!(c.validate(), Ok(()));
            // Replaying may refuse an action, but must not panic.
            let _ = Timeline::from_run(c, &a);
        }
    }
}

#[test]
fn hostile_links_get_clear_errors() {
    let msg = |s: &str| {
        decode_run(s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert_eq!(decode_run(""), Err(ShareError::Empty));
    assert!(msg("AAA").contains("version"));
    assert!(msg("9.AAA").contains("version \"9\""));
    assert!(msg("1.AA*A").contains("'*'"));
    assert!(msg("1.A").contains("length"));
    let b64 = |bytes: &[u8]| format!("1.{}", base64url_encode(bytes));
    // Trailing bytes.
    assert!(msg(&b64(&[0, 0, 7])).contains("1 unexpected byte follows"));
    // A varint of eleven bytes.
    assert!(msg(&b64(&[
        1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
    ]))
    .contains("too large"));
    // A million actions are refused before allocating for them.
    let mut many = vec![0u8];
    let mut n = 1_000_000u64;
    while n >= 0x80 {
        many.push((n as u8) | 0x80);
        n >>= 7;
    }
    many.push(n as u8);
    assert_eq!(
        decode_run_bytes(&many),
        Err(ShareError::TooManyActions { count: 1_000_000 })
    );
    // A plausible count the data cannot hold.
    let mut short = vec![0u8];
    short.extend_from_slice(&[0xa0, 0x8d, 0x06]); // 100,000
    assert!(decode_run_bytes(&short).is_err());
    // An unknown config field bit.
    assert!(msg(&b64(&[0x80, 0x80, 0x80, 0x01, 0])).contains("newer"));
    // Cluster size 0 and 52: invalid configs.
    assert!(msg(&b64(&[2, 0, 0])).contains("a cluster of 0 servers"));
    assert!(msg(&b64(&[2, 52, 0])).contains("a cluster of 52 servers"));
    // Stop(node 5) in a 3-node cluster.
    assert!(msg(&b64(&[0, 1, 0, 0, 5])).contains("server F"));
    // Submit from client 9 of 2.
    assert!(msg(&b64(&[0, 1, 3, 0, 9, 0, 2])).contains("client 10"));
    // An unknown action tag.
    assert!(msg(&b64(&[0, 1, 15, 0])).contains("unknown action"));
    // An action at u64::MAX microseconds.
    let late = encode_run_bytes(
        &Config::default(),
        &[TimedAction::at(u64::MAX, Action::Heal)],
    );
    assert!(msg(&format!("1.{}", base64url_encode(&late))).contains("too far"));
}

fn arb_action() -> impl Strategy<Value = Action> {
    let node = (0u8..5).prop_map(NodeId);
    let command = prop_oneof![
        any::<i64>().prop_map(Command::Set),
        any::<i64>().prop_map(Command::Add),
        Just(Command::NoOp),
        Just(Command::Get),
    ];
    let option = prop_oneof![
        (any::<u64>(), any::<u64>())
            .prop_map(|(min_us, max_us)| OptionChange::Latency { min_us, max_us }),
        any::<u16>().prop_map(OptionChange::LossPerMille),
        any::<u16>().prop_map(OptionChange::DuplicatePerMille),
        (any::<u64>(), any::<u64>())
            .prop_map(|(min_us, max_us)| OptionChange::ElectionTimeout { min_us, max_us }),
        any::<u64>().prop_map(OptionChange::HeartbeatInterval),
        any::<bool>().prop_map(|b| OptionChange::Replication(if b {
            Replication::Immediate
        } else {
            Replication::OnHeartbeat
        })),
        any::<bool>().prop_map(OptionChange::NoOpOnElection),
        any::<bool>().prop_map(OptionChange::PreVote),
        any::<bool>().prop_map(OptionChange::CheckQuorum),
        any::<u64>().prop_map(OptionChange::ClientRetryTimeout),
        any::<u32>().prop_map(OptionChange::ClientMaxAttempts),
        any::<bool>().prop_map(OptionChange::SingleServerChanges),
        any::<u64>().prop_map(OptionChange::SnapshotThreshold),
        (0usize..3).prop_map(|i| OptionChange::ReadMode(ReadMode::ALL[i])),
        (0usize..SafetySwitch::ALL.len(), any::<bool>())
            .prop_map(|(i, b)| OptionChange::Safety(SafetySwitch::ALL[i], b)),
    ];
    prop_oneof![
        node.clone().prop_map(Action::Stop),
        node.clone().prop_map(Action::Restart),
        node.clone().prop_map(Action::Timeout),
        node.clone().prop_map(Action::TransferLeadership),
        node.clone().prop_map(Action::AddServer),
        node.clone().prop_map(Action::RemoveServer),
        (0u16..3, node.clone(), command).prop_map(|(c, node, command)| Action::Submit {
            client: ClientId(c),
            node,
            command
        }),
        proptest::collection::vec(proptest::collection::vec(node.clone(), 0..3), 0..3)
            .prop_map(Action::Partition),
        Just(Action::Heal),
        (node.clone(), node.clone()).prop_map(|(a, b)| Action::CutLink(a, b)),
        (node.clone(), node.clone()).prop_map(|(from, to)| Action::CutOneWay { from, to }),
        (node.clone(), node).prop_map(|(a, b)| Action::RestoreLink(a, b)),
        any::<u64>().prop_map(Action::DropMessage),
        option.prop_map(Action::SetOption),
    ]
}

fn arb_config() -> impl Strategy<Value = Config> {
    (
        any::<u64>(),
        5u8..=9,
        3u8..=16,
        (1u64..400_000, 0u64..400_000),
        (0u64..50_000, 0u64..50_000),
        (0u16..=1000, 0u16..=1000),
        any::<[bool; 8]>(),
        (1u64..2_000_000, any::<u32>()),
        proptest::option::of((60_000u64..90_000, 0u64..10)),
    )
        .prop_map(
            |(
                seed,
                size,
                clients,
                (emin, espan),
                (lmin, lspan),
                (loss, dup),
                b,
                (retry, max),
                o,
            )| {
                Config {
                    seed,
                    cluster_size: size,
                    clients,
                    election_timeout_min_us: emin.max(60_000),
                    election_timeout_max_us: emin.max(60_000) + espan,
                    election_timeout_override: o
                        .map(|(min, span)| vec![None, Some((min, min + span))])
                        .unwrap_or_default(),
                    heartbeat_interval_us: 50_000,
                    latency_min_us: lmin,
                    latency_max_us: lmin + lspan,
                    loss_per_mille: loss,
                    duplicate_per_mille: dup,
                    replication: if b[0] {
                        Replication::Immediate
                    } else {
                        Replication::OnHeartbeat
                    },
                    noop_on_election: b[1],
                    pre_vote: b[2],
                    check_quorum: b[3],
                    single_server_changes: b[1] && b[3],
                    client_retry_timeout_us: retry,
                    client_max_attempts: max,
                    snapshot_threshold: if b[5] { retry % 50 } else { 0 },
                    read_mode: ReadMode::ALL[(max % 3) as usize],
                    safety: raftsim::sim::Safety {
                        vote_without_log_check: b[4],
                        commit_old_terms_by_counting: b[5],
                        forget_vote_on_restart: b[6],
                        skip_prev_log_check: b[7],
                        fixed_election_timeout: b[0] && b[7],
                        change_before_own_term_commit: b[2] && b[5],
                        vote_despite_live_leader: b[4] && b[6],
                        serve_reads_locally: b[1] && b[7],
                    },
                }
            },
        )
}

fn arb_actions() -> impl Strategy<Value = Vec<TimedAction>> {
    proptest::collection::vec(
        (
            0u64..1_000_000_000,
            proptest::option::of(0u64..1_000_000),
            arb_action(),
        )
            .prop_map(|(at, after_event, action)| TimedAction {
                at,
                after_event,
                action,
            }),
        0..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn links_round_trip(config in arb_config(), actions in arb_actions()) {
        prop_assert_eq!(config.validate(), Ok(()));
        let link = encode_run(&config, &actions);
        let decoded = decode_run(&link);
        prop_assert_eq!(decoded, Ok((config, actions)));
    }

    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(base64url_decode(&base64url_encode(&bytes)), Ok(bytes));
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        let _ = decode_run(&text);
        let _ = decode_run(&format!("1.{text}"));
        let _ = import_run(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_run_bytes(&bytes);
        let _ = decode_run(&format!("1.{}", base64url_encode(&bytes)));
    }

    #[test]
    fn mutated_exports_never_panic(seed in 0u64..1000, flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
        let (config, actions, _) = fuzz_run(seed % 8, 8);
        let mut text = export_run(&config, &actions, &RunMeta::default()).into_bytes();
        for (i, b) in flips {
            let i = i.index(text.len());
            text[i] = b;
        }
        if let Ok(s) = String::from_utf8(text) {
            let _ = import_run(&s);
        }
    }
}

#[test]
fn export_of_a_fuzz_run_imports_and_verifies() {
    for seed in 0..6u64 {
        let (config, actions, _) = fuzz_run(seed, 40);
        let mut tl =
            Timeline::from_run(config, &actions).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        tl.advance_to(tl.world().now() + 700 * MS);
        let text = export_timeline(&tl);
        let imported = import_run(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(imported.verified, "seed {seed}");
        assert_eq!(
            imported.timeline.world().trace_hash(),
            tl.end_trace_hash(),
            "seed {seed}"
        );
        // Exported in the middle of a seek back: the whole recorded run is exported.
        tl.seek_to_time(tl.end_time() / 2);
        assert_eq!(export_timeline(&tl), text, "seed {seed}");
    }
}

#[test]
fn hostile_imports_get_clear_errors() {
    let big = " ".repeat(21 * 1024 * 1024);
    assert!(matches!(
        import_run(&big),
        Err(ImportError::TooLarge { .. })
    ));
    let head = r#"{"format":"raftsim-run","version":1,"config":{},"actions":"#;
    let million = format!("{head}[{}{{}}]}}", "{},".repeat(MAX_ACTIONS));
    assert_eq!(
        import_run(&million).err(),
        Some(ImportError::TooManyActions(MAX_ACTIONS + 1))
    );
    let err = |s: &str| {
        import_run(s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(err(&format!(r#"{head}[{{"at":1e30,"action":"Heal"}}]}}"#)).contains("action 1"));
    assert!(err(&format!(
        r#"{head}[{{"at":99999999999999999999,"action":"Heal"}}]}}"#
    ))
    .contains("action 1"));
    assert!(err(&format!(
        r#"{head}[{{"at":18446744073709551615,"action":"Heal"}}]}}"#
    ))
    .contains("too far"));
    assert!(err(&format!(r#"{head}[{{"at":5,"action":{{"Stop":9}}}}]}}"#)).contains("no server J"));
    assert!(err(&format!(r#"{head}[{{"at":5,"action":"Jump"}}]}}"#)).contains("action 1"));
    assert!(
        err(&format!(r#"{head}[], "end_time": 1e400}}"#)).contains("not valid JSON")
            || err(&format!(r#"{head}[], "end_time": 1e400}}"#)).contains("end_time")
    );
    let ok = import_run(&format!(
        r#"{head}[{{"at":5,"action":{{"Stop":1}}}}], "end_time": 2000000}}"#
    ));
    assert!(ok
        .as_ref()
        .is_ok_and(|r| !r.verified && r.timeline.world().now() == 2_000_000));
}
