//! The core's words are catalogue entries: every sentence key the core names (actions, options,
//! violations, lesson and share-link errors) has its English, Spanish and Chinese text with the
//! same `{slots}`, and the English reads as the page always said it.

use std::collections::BTreeSet;
use std::path::Path;

use raftsim::i18n::{english, Catalogue};
use raftsim::raft::{ClientId, Command, NodeId, ReadMode};
use raftsim::sim::{
    Action, ActionError, Config, OptionChange, Replication, SafetySwitch, Violation,
};

/// The key families the core words its sentences with.
const FAMILIES: [&str; 17] = [
    "action.",
    "action-error.",
    "config-error.",
    "config.learners",
    "tour-error.",
    "command-error.",
    "replay-error.",
    "import-error.",
    "json.",
    "experiment-error.",
    "option.",
    "violation.",
    "property-name.",
    "lesson-error.",
    "lesson-draft.",
    "share-error.",
    "share-field.",
];

fn catalogue(language: &str) -> Catalogue {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("i18n/{language}.txt"));
    Catalogue::parse(&std::fs::read_to_string(path).expect("the catalogue is there"))
}

/// Every string literal in the core's sources that is a key of one of the families.
fn keys_in_the_core() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![root.join("sim"), root.join("raft"), root.join("scenario")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            for literal in text.split('"').skip(1).step_by(2) {
                let key_like = literal
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b));
                if key_like && FAMILIES.iter().any(|f| literal.starts_with(f)) {
                    keys.insert(literal.to_string());
                }
            }
        }
    }
    keys
}

/// The names of the `{slots}` of a text (a plural slot `{name|…}` by its name: its forms are the
/// language's own).
fn slots(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| {
            rest.split_once('}')
                .map(|(inside, _)| raftsim::i18n::slot(inside).0)
        })
        .collect()
}

#[test]
fn every_key_the_core_names_is_in_every_language_with_the_same_slots() {
    let keys = keys_in_the_core();
    assert!(keys.len() > 150, "the scan found too few keys: {keys:?}");
    let en = english();
    for language in ["es", "zh"] {
        let other = catalogue(language);
        for key in &keys {
            let english = en
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not in en.txt"));
            let text = other
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not in {language}.txt"));
            assert_eq!(slots(english), slots(text), "{language}: {key}");
        }
    }
    // And the other way: every entry of these families is used (or it is a property's name).
    for key in en
        .keys()
        .filter(|k| FAMILIES.iter().any(|f| k.starts_with(f)))
    {
        assert!(
            keys.contains(key) || key.starts_with("property-name."),
            "{key} is in en.txt but the core never names it"
        );
    }
}

#[test]
fn actions_read_as_they_always_did() {
    let (a, b) = (NodeId(0), NodeId(1));
    let cases = [
        (Action::Stop(a), "A was stopped"),
        (Action::Restart(b), "B was restarted"),
        (Action::Timeout(a), "A was made to time out"),
        (
            Action::Submit {
                client: ClientId(1),
                node: b,
                command: Command::Add(2),
            },
            "client 2 was asked to send ADD 2 to B",
        ),
        (
            Action::Partition(vec![vec![a, b], vec![NodeId(2)]]),
            "the network was split: A, B | C",
        ),
        (Action::Heal, "the network was healed"),
        (Action::CutLink(a, b), "the link between A and B was cut"),
        (
            Action::CutOneWay { from: b, to: a },
            "the link from B to A was cut",
        ),
        (
            Action::RestoreLink(a, b),
            "the link between A and B was restored",
        ),
        (Action::DropMessage(42), "message #42 was dropped"),
        (
            Action::TransferLeadership(b),
            "the leader was asked to hand its leadership to B",
        ),
        (
            Action::AddServer(NodeId(3)),
            "the leader was asked to add D to the cluster",
        ),
        (
            Action::RemoveServer(a),
            "the leader was asked to remove A from the cluster",
        ),
    ];
    for (action, text) in cases {
        assert_eq!(action.words().english(), text);
    }
}

#[test]
fn options_read_as_they_always_did() {
    let cases = [
        (
            OptionChange::Latency {
                min_us: 5_000,
                max_us: 15_000,
            },
            "latency set to 5-15 ms",
        ),
        (OptionChange::LossPerMille(55), "loss rate set to 5.5%"),
        (
            OptionChange::DuplicatePerMille(100),
            "duplication rate set to 10.0%",
        ),
        (
            OptionChange::ElectionTimeout {
                min_us: 150_000,
                max_us: 300_000,
            },
            "election timeout set to 150-300 ms",
        ),
        (
            OptionChange::HeartbeatInterval(50_000),
            "heartbeat interval set to 50 ms",
        ),
        (
            OptionChange::Replication(Replication::OnHeartbeat),
            "entries now go out with the next heartbeat",
        ),
        (
            OptionChange::Replication(Replication::Immediate),
            "entries now go out at once",
        ),
        (
            OptionChange::NoOpOnElection(true),
            "no-op entry on election on",
        ),
        (OptionChange::PreVote(false), "PreVote off"),
        (OptionChange::CheckQuorum(true), "CheckQuorum on"),
        (
            OptionChange::SingleServerChanges(true),
            "membership now changes one server at a time",
        ),
        (
            OptionChange::SingleServerChanges(false),
            "membership now changes through joint consensus",
        ),
        (
            OptionChange::ClientRetryTimeout(400_000),
            "client retry timeout set to 400 ms",
        ),
        (OptionChange::ClientMaxAttempts(0), "clients never give up"),
        (
            OptionChange::ClientMaxAttempts(3),
            "clients give up after 3 attempts",
        ),
        (OptionChange::SnapshotThreshold(0), "log compaction off"),
        (
            OptionChange::SnapshotThreshold(8),
            "servers snapshot every 8 applied entries",
        ),
        (
            OptionChange::ReadMode(ReadMode::Lease),
            "GET now served with a leader lease",
        ),
        (
            OptionChange::Safety(SafetySwitch::ForgetVoteOnRestart, true),
            "safety rule broken: forget votedFor on restart (Figure 2)",
        ),
        (
            OptionChange::Safety(SafetySwitch::ServeReadsLocally, false),
            "safety rule restored: answer GET from any server's state at once, leader or not (§8)",
        ),
    ];
    for (change, text) in cases {
        assert_eq!(Action::SetOption(change).words().english(), text);
    }
    // Every switch has its label.
    for switch in SafetySwitch::ALL {
        let said = OptionChange::Safety(switch, true).words().english();
        assert!(!said.contains("option.rule"), "{said}");
    }
}

#[test]
fn a_violation_names_its_property_then_what_broke_it() {
    let v = Violation::ElectionSafety {
        term: 3,
        first: NodeId(0),
        second: NodeId(2),
    };
    assert_eq!(
        v.to_string(),
        "Election Safety: A and C were both leader in term 3"
    );
    assert_eq!(v.property_words().english(), v.property());
    let stale = Violation::NotLinearizable {
        op: 1,
        client: ClientId(0),
        command: Command::Get,
        observed: 5,
        expected: Some(7),
        before: Some((0, ClientId(1), Command::Set(7))),
    };
    assert_eq!(
        stale.to_string(),
        "Linearizable: client 1's GET returned 5 where 7 was due, yet client 2's SET 7 had \
         finished before it was sent: no order of the operations explains that"
    );
    // In another language, every part is in that language's words.
    let es = catalogue("es");
    assert_eq!(
        v.words().render(Some(&es)),
        "Seguridad de la elección: A y C fueron ambos líderes en el mandato 3"
    );
}

/// A refused action says why in the catalogue's words: in English as the page said it before
/// (`Display`, which the embed API still sends to host pages), in Spanish and Chinese in theirs.
#[test]
fn a_refused_action_says_why_in_every_language() {
    let (a, b) = (NodeId(0), NodeId(1));
    let english = english();
    for error in [
        ActionError::AlreadyStopped(a),
        ActionError::NotStopped(b),
        ActionError::LinkAlreadyCut(a, b),
        ActionError::MessageNotInFlight(12),
        ActionError::NotNextSlot {
            node: NodeId(5),
            next: NodeId(3),
        },
        ActionError::SlotsFull,
        ActionError::UnknownClient(ClientId(2)),
        ActionError::NoLeader,
    ] {
        // `Display` is the English of the same words (one wording, in the catalogue).
        assert_eq!(error.words().render(Some(&english)), error.to_string());
    }
    assert_eq!(
        ActionError::NotStopped(b).to_string(),
        "B is running, so it cannot be restarted"
    );
    assert_eq!(
        ActionError::MessageNotInFlight(12).to_string(),
        "message #12 is not in flight (it arrived or was dropped)"
    );
    let busy = ActionError::Change(raftsim::raft::ChangeRefusal::InProgress).words();
    assert!(busy.render(Some(&english)).contains("one at a time"));
    assert!(busy.render(Some(&catalogue("es"))).contains("uno cada vez"));
    assert_eq!(
        ActionError::AlreadyStopped(a)
            .words()
            .render(Some(&catalogue("zh"))),
        "A 已经停止"
    );
}

#[test]
fn refused_settings_and_mistyped_commands_say_why_in_every_language() {
    let config = Config {
        loss_per_mille: 1005,
        ..Config::default()
    };
    let refused = ActionError::InvalidOption(config.validate().expect_err("over 100%")).words();
    assert_eq!(
        refused.render(Some(&english())),
        "cannot change that option: a loss rate of 100.5% is above 100%"
    );
    assert_eq!(
        refused.render(Some(&catalogue("es"))),
        "no se puede cambiar esa opción: una tasa de pérdida del 100,5 % supera el 100 %"
    );
    assert_eq!(
        refused.render(Some(&catalogue("zh"))),
        "无法更改该选项：100.5% 的丢包率超过了 100%"
    );
    // Rates set in the settings take the language's decimal mark too.
    assert_eq!(
        OptionChange::LossPerMille(25)
            .words()
            .render(Some(&catalogue("es"))),
        "tasa de pérdida fijada en 2,5 %"
    );
    let typo = "MUL 3"
        .parse::<Command>()
        .expect_err("not a command")
        .words();
    assert_eq!(
        typo.render(Some(&english())),
        "\"MUL\" is not a command: use SET n, ADD n or GET."
    );
    assert_eq!(
        typo.render(Some(&catalogue("es"))),
        "\"MUL\" no es un comando: usa SET n, ADD n o GET."
    );
    assert_eq!(
        typo.render(Some(&catalogue("zh"))),
        "“MUL”不是命令：请用 SET n、ADD n 或 GET。"
    );
}

#[test]
fn a_configuration_names_its_learners_in_the_readers_words() {
    use raftsim::raft::quorum::{Quorum, Voters};
    use raftsim::raft::Membership;
    use raftsim::sim::words::configuration;
    let joint = Membership {
        quorum: Quorum::joint(Voters::first(3), Voters::first(4)),
        learners: Voters::first(0).with(NodeId(4)),
    };
    // The lesson files' syntax stays as it is; the page says "learning" in the reader's words.
    assert_eq!(joint.to_string(), "A, B, C → A, B, C, D + E learning");
    let said = configuration(&joint);
    assert_eq!(
        said.render(Some(&english())),
        "A, B, C → A, B, C, D + E learning"
    );
    assert_eq!(
        said.render(Some(&catalogue("es"))),
        "A, B, C → A, B, C, D + E (en aprendizaje)"
    );
    assert_eq!(
        said.render(Some(&catalogue("zh"))),
        "A, B, C → A, B, C, D + E（学习者）"
    );
    let plain = Membership::simple(Voters::first(3));
    assert_eq!(
        configuration(&plain).render(Some(&catalogue("es"))),
        "A, B, C"
    );
}

#[test]
fn counts_take_the_plural_form_of_the_language() {
    let attempts = |n: u32, language: &str| {
        OptionChange::ClientMaxAttempts(n)
            .words()
            .render(Some(&catalogue(language)))
    };
    assert_eq!(attempts(1, "en"), "clients give up after 1 attempt");
    assert_eq!(attempts(3, "en"), "clients give up after 3 attempts");
    assert_eq!(attempts(1, "es"), "los clientes desisten tras 1 intento");
    assert_eq!(attempts(3, "es"), "los clientes desisten tras 3 intentos");
    assert_eq!(attempts(1, "zh"), "客户端尝试 1 次后放弃");
    let snapshots = OptionChange::SnapshotThreshold(1).words();
    assert_eq!(
        snapshots.render(Some(&english())),
        "servers snapshot every 1 applied entry"
    );
}
