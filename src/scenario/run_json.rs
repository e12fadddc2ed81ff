//! Reads the JSON forms of [`Config`] and [`TimedAction`] that [`super::export`] writes.
//!
//! The forms are the ones serde derives (and serde wrote before [`super::json`]): structs as objects,
//! enums externally tagged (`"Heal"`, `{"Stop": 0}`, `{"CutLink": [0, 1]}`,
//! `{"Submit": {"client": 0, "node": 1, "command": {"Set": 5}}}`), newtype ids as plain numbers.
//! `config` may leave fields out (they take their defaults); everything else must be complete.
//!
//! Both directions by hand, over [`super::json`] rather than serde_json, which the browser build
//! does without. Writing gives the text serde's derives wrote (tests compare them byte for byte),
//! so files exported before and after read the same.
//!
//! Why by hand rather than `serde_json::from_value`: serde's derived visitors for these types,
//! with the serde_json value deserializer they need, cost the gzipped wasm bundle about 5 KB, and
//! another 12 KB until the host-message reader (`ui::embed_api`) went the same way; a direct walk
//! over the parsed [`Value`] is a small part of that. It also lets every error name the field's
//! path and refuse unknown fields everywhere (so a typo is reported, not silently ignored). A test
//! checks that what serde writes, this reads back unchanged.

use super::json::{Map, Value, Writer};
use crate::raft::quorum::Voters;
use crate::raft::{ClientId, Command, NodeId, ReadMode, Safety, Time};
use crate::sim::{Action, Config, OptionChange, Replication, SafetySwitch, TimedAction, Words};

/// Why a value could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// An object has a field the format does not have (its path, e.g. `config.sead`).
    UnknownField(String),
    /// A field is missing, has the wrong type or is out of range.
    Bad {
        /// Its path, e.g. `config.cluster_size` or `action.Submit.node`.
        path: String,
        /// What is wrong (`json.*`).
        message: Words,
    },
}

type Read<T> = Result<T, ReadError>;

fn bad<T>(path: &str, message: impl Into<Words>) -> Read<T> {
    Err(ReadError::Bad {
        path: path.to_string(),
        message: message.into(),
    })
}

/// `parent.child`, the path of a field for error messages.
fn join(parent: &str, child: &str) -> String {
    format!("{parent}.{child}")
}

fn uint(value: &Value, path: &str, max: u64) -> Read<u64> {
    match value.as_u64() {
        Some(n) if n <= max => Ok(n),
        _ => bad(path, Words::new("json.whole-number-to").with("max", max)),
    }
}

fn node(value: &Value, path: &str) -> Read<NodeId> {
    uint(value, path, u8::MAX.into()).map(|n| NodeId(n as u8))
}

fn flag(value: &Value, path: &str) -> Read<bool> {
    value
        .as_bool()
        .map_or_else(|| bad(path, "json.true-or-false"), Ok)
}

fn object<'a>(value: &'a Value, path: &str) -> Read<&'a Map> {
    value
        .as_object()
        .map_or_else(|| bad(path, "json.object"), Ok)
}

fn list<'a>(value: &'a Value, path: &str) -> Read<&'a [Value]> {
    value.as_array().map_or_else(|| bad(path, "json.list"), Ok)
}

/// A list of exactly two values, the form of a pair or a two-field tuple variant.
fn pair<'a>(value: &'a Value, path: &str) -> Read<(&'a Value, &'a Value)> {
    match list(value, path)? {
        [a, b] => Ok((a, b)),
        _ => bad(path, "json.pair"),
    }
}

/// Refuses a field of `obj` that is not in `known`.
fn refuse_unknown(obj: &Map, path: &str, known: &[&str]) -> Read<()> {
    match obj.keys().find(|k| !known.contains(k)) {
        Some(unknown) => Err(ReadError::UnknownField(join(path, unknown))),
        None => Ok(()),
    }
}

/// The field `name` of `obj`, which must be present.
fn required<'a>(obj: &'a Map, path: &str, name: &str) -> Read<&'a Value> {
    obj.get(name).map_or_else(
        || bad(path, Words::new("json.missing").with("field", name)),
        Ok,
    )
}

/// The values of an object's fields in the order of `names`; every name must be present and no
/// other field may be.
fn fields<'a, const N: usize>(
    value: &'a Value,
    path: &str,
    names: [&str; N],
) -> Read<[&'a Value; N]> {
    let obj = object(value, path)?;
    refuse_unknown(obj, path, &names)?;
    let mut found = [&Value::Null; N];
    for (slot, name) in found.iter_mut().zip(names) {
        *slot = required(obj, path, name)?;
    }
    Ok(found)
}

/// An externally tagged enum value: its variant name and, unless it is a unit variant, its
/// content.
fn variant<'a>(value: &'a Value, path: &str) -> Read<(&'a str, Option<&'a Value>)> {
    match value {
        Value::String(name) => Ok((name, None)),
        Value::Object(obj) if obj.len() == 1 => Ok(obj
            .iter()
            .next()
            .map(|(name, content)| (name, Some(content)))
            .unwrap_or(("", None))),
        _ => bad(path, "json.variant"),
    }
}

fn unknown_variant<T>(path: &str, name: &str) -> Read<T> {
    bad(
        path,
        Words::new("json.unknown-variant").with("name", name.chars().take(40).collect::<String>()),
    )
}

fn replication(value: &Value, path: &str) -> Read<Replication> {
    match variant(value, path)? {
        ("OnHeartbeat", None) => Ok(Replication::OnHeartbeat),
        ("Immediate", None) => Ok(Replication::Immediate),
        (name, _) => unknown_variant(path, name),
    }
}

fn read_mode(value: &Value, path: &str) -> Read<ReadMode> {
    match variant(value, path)? {
        ("Log", None) => Ok(ReadMode::Log),
        ("ReadIndex", None) => Ok(ReadMode::ReadIndex),
        ("Lease", None) => Ok(ReadMode::Lease),
        (name, _) => unknown_variant(path, name),
    }
}

fn read_mode_name(m: ReadMode) -> &'static str {
    match m {
        ReadMode::Log => "Log",
        ReadMode::ReadIndex => "ReadIndex",
        ReadMode::Lease => "Lease",
    }
}

fn timeout_override(value: &Value, path: &str) -> Read<Option<(Time, Time)>> {
    if value.is_null() {
        return Ok(None);
    }
    let (min, max) = pair(value, path)?;
    Ok(Some((
        uint(min, path, u64::MAX)?,
        uint(max, path, u64::MAX)?,
    )))
}

fn safety(value: &Value, path: &str) -> Read<Safety> {
    let mut safety = Safety::default();
    for (key, v) in object(value, path)?.iter() {
        let path = &join(path, key);
        let switch = match key {
            "vote_without_log_check" => &mut safety.vote_without_log_check,
            "commit_old_terms_by_counting" => &mut safety.commit_old_terms_by_counting,
            "forget_vote_on_restart" => &mut safety.forget_vote_on_restart,
            "skip_prev_log_check" => &mut safety.skip_prev_log_check,
            "fixed_election_timeout" => &mut safety.fixed_election_timeout,
            "change_before_own_term_commit" => &mut safety.change_before_own_term_commit,
            "vote_despite_live_leader" => &mut safety.vote_despite_live_leader,
            "serve_reads_locally" => &mut safety.serve_reads_locally,
            _ => return Err(ReadError::UnknownField(path.clone())),
        };
        *switch = flag(v, path)?;
    }
    Ok(safety)
}

/// Reads a configuration; fields left out take their [`Config::default`] values. Does not
/// validate it (see [`Config::validate`]).
pub fn read_config(value: &Value, path: &str) -> Read<Config> {
    let mut c = Config::default();
    let u8_max = u64::from(u8::MAX);
    let u16_max = u64::from(u16::MAX);
    for (key, v) in object(value, path)?.iter() {
        let p = &join(path, key);
        match key {
            "seed" => c.seed = uint(v, p, u64::MAX)?,
            "cluster_size" => c.cluster_size = uint(v, p, u8_max)? as u8,
            "clients" => c.clients = uint(v, p, u8_max)? as u8,
            "election_timeout_min_us" => c.election_timeout_min_us = uint(v, p, u64::MAX)?,
            "election_timeout_max_us" => c.election_timeout_max_us = uint(v, p, u64::MAX)?,
            "election_timeout_override" => {
                c.election_timeout_override = list(v, p)?
                    .iter()
                    .map(|o| timeout_override(o, p))
                    .collect::<Read<_>>()?
            }
            "heartbeat_interval_us" => c.heartbeat_interval_us = uint(v, p, u64::MAX)?,
            "latency_min_us" => c.latency_min_us = uint(v, p, u64::MAX)?,
            "latency_max_us" => c.latency_max_us = uint(v, p, u64::MAX)?,
            "loss_per_mille" => c.loss_per_mille = uint(v, p, u16_max)? as u16,
            "duplicate_per_mille" => c.duplicate_per_mille = uint(v, p, u16_max)? as u16,
            "replication" => c.replication = replication(v, p)?,
            "noop_on_election" => c.noop_on_election = flag(v, p)?,
            "pre_vote" => c.pre_vote = flag(v, p)?,
            "check_quorum" => c.check_quorum = flag(v, p)?,
            "single_server_changes" => c.single_server_changes = flag(v, p)?,
            "client_retry_timeout_us" => c.client_retry_timeout_us = uint(v, p, u64::MAX)?,
            "client_max_attempts" => c.client_max_attempts = uint(v, p, u32::MAX.into())? as u32,
            "snapshot_threshold" => c.snapshot_threshold = uint(v, p, u64::MAX)?,
            "read_mode" => c.read_mode = read_mode(v, p)?,
            "safety" => c.safety = safety(v, p)?,
            _ => return Err(ReadError::UnknownField(p.clone())),
        }
    }
    Ok(c)
}

fn command(value: &Value, path: &str) -> Read<Command> {
    let int = |v: &Value| {
        v.as_i64()
            .map_or_else(|| bad(path, "json.whole-number"), Ok)
    };
    match variant(value, path)? {
        ("Set", Some(v)) => int(v).map(Command::Set),
        ("Add", Some(v)) => int(v).map(Command::Add),
        ("NoOp", None) => Ok(Command::NoOp),
        ("Get", None) => Ok(Command::Get),
        (name, _) => unknown_variant(path, name),
    }
}

fn safety_switch(value: &Value, path: &str) -> Read<SafetySwitch> {
    match variant(value, path)? {
        ("VoteWithoutLogCheck", None) => Ok(SafetySwitch::VoteWithoutLogCheck),
        ("CommitOldTermsByCounting", None) => Ok(SafetySwitch::CommitOldTermsByCounting),
        ("ForgetVoteOnRestart", None) => Ok(SafetySwitch::ForgetVoteOnRestart),
        ("SkipPrevLogCheck", None) => Ok(SafetySwitch::SkipPrevLogCheck),
        ("FixedElectionTimeout", None) => Ok(SafetySwitch::FixedElectionTimeout),
        ("ChangeBeforeOwnTermCommit", None) => Ok(SafetySwitch::ChangeBeforeOwnTermCommit),
        ("VoteDespiteLiveLeader", None) => Ok(SafetySwitch::VoteDespiteLiveLeader),
        ("ServeReadsLocally", None) => Ok(SafetySwitch::ServeReadsLocally),
        (name, _) => unknown_variant(path, name),
    }
}

fn option_change(value: &Value, path: &str) -> Read<OptionChange> {
    let (name, content) = variant(value, path)?;
    let Some(v) = content else {
        return unknown_variant(path, name);
    };
    let p = &join(path, name);
    let time = |v: &Value| uint(v, p, u64::MAX);
    let per_mille = |v: &Value| uint(v, p, u16::MAX.into()).map(|n| n as u16);
    let range = || -> Read<(Time, Time)> {
        let [min, max] = fields(v, p, ["min_us", "max_us"])?;
        Ok((time(min)?, time(max)?))
    };
    Ok(match name {
        "Latency" => range().map(|(min_us, max_us)| OptionChange::Latency { min_us, max_us })?,
        "ElectionTimeout" => {
            range().map(|(min_us, max_us)| OptionChange::ElectionTimeout { min_us, max_us })?
        }
        "LossPerMille" => OptionChange::LossPerMille(per_mille(v)?),
        "DuplicatePerMille" => OptionChange::DuplicatePerMille(per_mille(v)?),
        "HeartbeatInterval" => OptionChange::HeartbeatInterval(time(v)?),
        "ClientRetryTimeout" => OptionChange::ClientRetryTimeout(time(v)?),
        "ClientMaxAttempts" => OptionChange::ClientMaxAttempts(uint(v, p, u32::MAX.into())? as u32),
        "Replication" => OptionChange::Replication(replication(v, p)?),
        "NoOpOnElection" => OptionChange::NoOpOnElection(flag(v, p)?),
        "PreVote" => OptionChange::PreVote(flag(v, p)?),
        "CheckQuorum" => OptionChange::CheckQuorum(flag(v, p)?),
        "SingleServerChanges" => OptionChange::SingleServerChanges(flag(v, p)?),
        "SnapshotThreshold" => OptionChange::SnapshotThreshold(time(v)?),
        "ReadMode" => OptionChange::ReadMode(read_mode(v, p)?),
        "Safety" => {
            let (switch, on) = pair(v, p)?;
            OptionChange::Safety(safety_switch(switch, p)?, flag(on, p)?)
        }
        _ => return unknown_variant(path, name),
    })
}

fn action(value: &Value, path: &str) -> Read<Action> {
    let (name, content) = variant(value, path)?;
    let Some(v) = content else {
        return match name {
            "Heal" => Ok(Action::Heal),
            _ => unknown_variant(path, name),
        };
    };
    let p = &join(path, name);
    Ok(match name {
        "Stop" => Action::Stop(node(v, p)?),
        "Restart" => Action::Restart(node(v, p)?),
        "Timeout" => Action::Timeout(node(v, p)?),
        "TransferLeadership" => Action::TransferLeadership(node(v, p)?),
        "AddServer" => Action::AddServer(node(v, p)?),
        "RemoveServer" => Action::RemoveServer(node(v, p)?),
        "Submit" => {
            let [client, to, cmd] = fields(v, p, ["client", "node", "command"])?;
            Action::Submit {
                client: ClientId(uint(client, &join(p, "client"), u16::MAX.into())? as u16),
                node: node(to, &join(p, "node"))?,
                command: command(cmd, &join(p, "command"))?,
            }
        }
        "Partition" => Action::Partition(
            list(v, p)?
                .iter()
                .map(|group| list(group, p)?.iter().map(|n| node(n, p)).collect())
                .collect::<Read<_>>()?,
        ),
        "CutLink" | "RestoreLink" => {
            let (a, b) = pair(v, p)?;
            let (a, b) = (node(a, p)?, node(b, p)?);
            if name == "CutLink" {
                Action::CutLink(a, b)
            } else {
                Action::RestoreLink(a, b)
            }
        }
        "CutOneWay" => {
            let [from, to] = fields(v, p, ["from", "to"])?;
            Action::CutOneWay {
                from: node(from, &join(p, "from"))?,
                to: node(to, &join(p, "to"))?,
            }
        }
        "DropMessage" => Action::DropMessage(uint(v, p, u64::MAX)?),
        "SetOption" => Action::SetOption(option_change(v, p)?),
        _ => return unknown_variant(path, name),
    })
}

/// Reads one entry of a run's action list: `at`, `action` and an optional `after_event`.
pub fn read_timed_action(value: &Value, path: &str) -> Read<TimedAction> {
    let obj = object(value, path)?;
    refuse_unknown(obj, path, &["at", "after_event", "action"])?;
    let at = uint(required(obj, path, "at")?, &join(path, "at"), u64::MAX)?;
    let after_event = match obj.get("after_event") {
        None | Some(Value::Null) => None,
        Some(v) => Some(uint(v, &join(path, "after_event"), u64::MAX)?),
    };
    let action = action(required(obj, path, "action")?, &join(path, "action"))?;
    Ok(TimedAction {
        at,
        after_event,
        action,
    })
}

// Writing: the same forms, as serde's derives write them (a test compares the text with
// serde_json's byte for byte).

fn write_node(w: &mut Writer, n: NodeId) {
    w.u64(n.0.into());
}

fn write_pair(w: &mut Writer, a: u64, b: u64) {
    w.begin_array();
    w.item();
    w.u64(a);
    w.item();
    w.u64(b);
    w.end_array();
}

fn write_replication(w: &mut Writer, r: Replication) {
    w.string(match r {
        Replication::OnHeartbeat => "OnHeartbeat",
        Replication::Immediate => "Immediate",
    });
}

/// Writes a configuration, every field in [`Config`]'s order.
pub fn write_config(w: &mut Writer, c: &Config) {
    w.begin_object();
    let time = |w: &mut Writer, key: &str, value: u64| {
        w.key(key);
        w.u64(value);
    };
    time(w, "seed", c.seed);
    time(w, "cluster_size", c.cluster_size.into());
    time(w, "clients", c.clients.into());
    time(w, "election_timeout_min_us", c.election_timeout_min_us);
    time(w, "election_timeout_max_us", c.election_timeout_max_us);
    w.key("election_timeout_override");
    w.begin_array();
    for o in &c.election_timeout_override {
        w.item();
        match *o {
            Some((min, max)) => write_pair(w, min, max),
            None => w.null(),
        }
    }
    w.end_array();
    time(w, "heartbeat_interval_us", c.heartbeat_interval_us);
    time(w, "latency_min_us", c.latency_min_us);
    time(w, "latency_max_us", c.latency_max_us);
    time(w, "loss_per_mille", c.loss_per_mille.into());
    time(w, "duplicate_per_mille", c.duplicate_per_mille.into());
    w.key("replication");
    write_replication(w, c.replication);
    let flag = |w: &mut Writer, key: &str, on: bool| {
        w.key(key);
        w.bool(on);
    };
    flag(w, "noop_on_election", c.noop_on_election);
    flag(w, "pre_vote", c.pre_vote);
    flag(w, "check_quorum", c.check_quorum);
    flag(w, "single_server_changes", c.single_server_changes);
    time(w, "client_retry_timeout_us", c.client_retry_timeout_us);
    time(w, "client_max_attempts", c.client_max_attempts.into());
    time(w, "snapshot_threshold", c.snapshot_threshold);
    w.key("read_mode");
    w.string(read_mode_name(c.read_mode));
    w.key("safety");
    w.begin_object();
    let s = &c.safety;
    flag(w, "vote_without_log_check", s.vote_without_log_check);
    flag(
        w,
        "commit_old_terms_by_counting",
        s.commit_old_terms_by_counting,
    );
    flag(w, "forget_vote_on_restart", s.forget_vote_on_restart);
    flag(w, "skip_prev_log_check", s.skip_prev_log_check);
    flag(w, "fixed_election_timeout", s.fixed_election_timeout);
    flag(
        w,
        "change_before_own_term_commit",
        s.change_before_own_term_commit,
    );
    flag(w, "vote_despite_live_leader", s.vote_despite_live_leader);
    flag(w, "serve_reads_locally", s.serve_reads_locally);
    w.end_object();
    w.end_object();
}

fn write_command(w: &mut Writer, c: &Command) {
    match *c {
        Command::Set(n) => w.variant("Set", |w| w.i64(n)),
        Command::Add(n) => w.variant("Add", |w| w.i64(n)),
        Command::NoOp => w.string("NoOp"),
        Command::Get => w.string("Get"),
        // Clients never send configurations (the world refuses them); written all the same.
        Command::Config(m) => w.variant("Config", |w| {
            let bits = |v: Voters| v.iter().fold(0u64, |b, n| b | 1u64 << n.0);
            w.begin_object();
            w.key("quorum");
            w.begin_object();
            w.key("incoming");
            w.u64(bits(m.quorum.incoming()));
            w.key("outgoing");
            w.u64(bits(m.quorum.outgoing()));
            w.end_object();
            w.key("learners");
            w.u64(bits(m.learners));
            w.end_object();
        }),
    }
}

fn safety_switch_name(s: SafetySwitch) -> &'static str {
    match s {
        SafetySwitch::VoteWithoutLogCheck => "VoteWithoutLogCheck",
        SafetySwitch::CommitOldTermsByCounting => "CommitOldTermsByCounting",
        SafetySwitch::ForgetVoteOnRestart => "ForgetVoteOnRestart",
        SafetySwitch::SkipPrevLogCheck => "SkipPrevLogCheck",
        SafetySwitch::FixedElectionTimeout => "FixedElectionTimeout",
        SafetySwitch::ChangeBeforeOwnTermCommit => "ChangeBeforeOwnTermCommit",
        SafetySwitch::VoteDespiteLiveLeader => "VoteDespiteLiveLeader",
        SafetySwitch::ServeReadsLocally => "ServeReadsLocally",
    }
}

fn write_option_change(w: &mut Writer, c: &OptionChange) {
    let range = |w: &mut Writer, name: &str, min: u64, max: u64| {
        w.variant(name, |w| {
            w.begin_object();
            w.key("min_us");
            w.u64(min);
            w.key("max_us");
            w.u64(max);
            w.end_object();
        });
    };
    let number = |w: &mut Writer, name: &str, n: u64| w.variant(name, |w| w.u64(n));
    let flag = |w: &mut Writer, name: &str, on: bool| w.variant(name, |w| w.bool(on));
    match *c {
        OptionChange::Latency { min_us, max_us } => range(w, "Latency", min_us, max_us),
        OptionChange::LossPerMille(n) => number(w, "LossPerMille", n.into()),
        OptionChange::DuplicatePerMille(n) => number(w, "DuplicatePerMille", n.into()),
        OptionChange::ElectionTimeout { min_us, max_us } => {
            range(w, "ElectionTimeout", min_us, max_us)
        }
        OptionChange::HeartbeatInterval(t) => number(w, "HeartbeatInterval", t),
        OptionChange::Replication(r) => w.variant("Replication", |w| write_replication(w, r)),
        OptionChange::NoOpOnElection(on) => flag(w, "NoOpOnElection", on),
        OptionChange::PreVote(on) => flag(w, "PreVote", on),
        OptionChange::CheckQuorum(on) => flag(w, "CheckQuorum", on),
        OptionChange::SingleServerChanges(on) => flag(w, "SingleServerChanges", on),
        OptionChange::ClientRetryTimeout(t) => number(w, "ClientRetryTimeout", t),
        OptionChange::ClientMaxAttempts(n) => number(w, "ClientMaxAttempts", n.into()),
        OptionChange::SnapshotThreshold(n) => number(w, "SnapshotThreshold", n),
        OptionChange::ReadMode(m) => w.variant("ReadMode", |w| w.string(read_mode_name(m))),
        OptionChange::Safety(switch, on) => w.variant("Safety", |w| {
            w.begin_array();
            w.item();
            w.string(safety_switch_name(switch));
            w.item();
            w.bool(on);
            w.end_array();
        }),
    }
}

fn write_action(w: &mut Writer, a: &Action) {
    let node = |w: &mut Writer, name: &str, n: NodeId| w.variant(name, |w| write_node(w, n));
    let link = |w: &mut Writer, name: &str, a: NodeId, b: NodeId| {
        w.variant(name, |w| write_pair(w, a.0.into(), b.0.into()))
    };
    match a {
        Action::Stop(n) => node(w, "Stop", *n),
        Action::Restart(n) => node(w, "Restart", *n),
        Action::Timeout(n) => node(w, "Timeout", *n),
        Action::Submit {
            client,
            node,
            command,
        } => w.variant("Submit", |w| {
            w.begin_object();
            w.key("client");
            w.u64(client.0.into());
            w.key("node");
            write_node(w, *node);
            w.key("command");
            write_command(w, command);
            w.end_object();
        }),
        Action::Partition(groups) => w.variant("Partition", |w| {
            w.begin_array();
            for group in groups {
                w.item();
                w.begin_array();
                for &n in group {
                    w.item();
                    write_node(w, n);
                }
                w.end_array();
            }
            w.end_array();
        }),
        Action::Heal => w.string("Heal"),
        Action::CutLink(a, b) => link(w, "CutLink", *a, *b),
        Action::CutOneWay { from, to } => w.variant("CutOneWay", |w| {
            w.begin_object();
            w.key("from");
            write_node(w, *from);
            w.key("to");
            write_node(w, *to);
            w.end_object();
        }),
        Action::RestoreLink(a, b) => link(w, "RestoreLink", *a, *b),
        Action::DropMessage(id) => w.variant("DropMessage", |w| w.u64(*id)),
        Action::SetOption(c) => w.variant("SetOption", |w| write_option_change(w, c)),
        Action::TransferLeadership(n) => node(w, "TransferLeadership", *n),
        Action::AddServer(n) => node(w, "AddServer", *n),
        Action::RemoveServer(n) => node(w, "RemoveServer", *n),
    }
}

/// Writes one entry of a run's action list: `at`, `after_event` (`null` if none) and `action`.
pub fn write_timed_action(w: &mut Writer, ta: &TimedAction) {
    w.begin_object();
    w.key("at");
    w.u64(ta.at);
    w.key("after_event");
    match ta.after_event {
        Some(n) => w.u64(n),
        None => w.null(),
    }
    w.key("action");
    write_action(w, &ta.action);
    w.end_object();
}

/// Writes a list of actions.
pub fn write_timed_actions(w: &mut Writer, actions: &[TimedAction]) {
    w.begin_array();
    for ta in actions {
        w.item();
        write_timed_action(w, ta);
    }
    w.end_array();
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;
    use crate::raft::Membership;
    use crate::sim::MS;

    /// One of every action and option change, so each variant's form is checked.
    fn every_action() -> Vec<Action> {
        let (a, b) = (NodeId(0), NodeId(4));
        let mut actions = vec![
            Action::Stop(a),
            Action::Restart(b),
            Action::Timeout(a),
            Action::TransferLeadership(b),
            Action::AddServer(NodeId(5)),
            Action::RemoveServer(a),
            Action::Submit {
                client: ClientId(1),
                node: b,
                command: Command::Set(-5),
            },
            Action::Submit {
                client: ClientId(0),
                node: a,
                command: Command::Add(i64::MAX),
            },
            Action::Submit {
                client: ClientId(0),
                node: a,
                command: Command::NoOp,
            },
            Action::Submit {
                client: ClientId(1),
                node: b,
                command: Command::Get,
            },
            Action::Partition(vec![vec![a, b], vec![NodeId(2)], vec![]]),
            Action::Heal,
            Action::CutLink(a, b),
            Action::CutOneWay { from: b, to: a },
            Action::RestoreLink(b, a),
            Action::DropMessage(u64::MAX),
        ];
        let changes = [
            OptionChange::Latency {
                min_us: 1,
                max_us: 2,
            },
            OptionChange::LossPerMille(1000),
            OptionChange::DuplicatePerMille(7),
            OptionChange::ElectionTimeout {
                min_us: 100 * MS,
                max_us: 200 * MS,
            },
            OptionChange::HeartbeatInterval(30 * MS),
            OptionChange::Replication(Replication::Immediate),
            OptionChange::NoOpOnElection(true),
            OptionChange::PreVote(false),
            OptionChange::CheckQuorum(true),
            OptionChange::ClientRetryTimeout(9),
            OptionChange::ClientMaxAttempts(3),
            OptionChange::SingleServerChanges(true),
            OptionChange::SnapshotThreshold(25),
            OptionChange::ReadMode(ReadMode::Log),
            OptionChange::ReadMode(ReadMode::Lease),
        ];
        actions.extend(changes.into_iter().map(Action::SetOption));
        actions.extend(
            SafetySwitch::ALL
                .into_iter()
                .map(|s| Action::SetOption(OptionChange::Safety(s, true))),
        );
        actions
    }

    #[test]
    fn every_action_serde_writes_reads_back_unchanged() {
        for (i, action) in every_action().into_iter().enumerate() {
            let timed = TimedAction {
                at: 1_000 + i as u64,
                after_event: (i % 2 == 0).then_some(i as u64),
                action,
            };
            for pretty in [false, true] {
                let serde_text = if pretty {
                    serde_json::to_string_pretty(&timed)
                } else {
                    serde_json::to_string(&timed)
                }
                .expect("serialisable");
                let mut w = Writer::new(pretty);
                write_timed_action(&mut w, &timed);
                assert_eq!(w.finish(), serde_text);
                let json = parse(&serde_text).expect("JSON");
                assert_eq!(read_timed_action(&json, "action"), Ok(timed.clone()));
            }
        }
    }

    /// A configuration command, which clients never send, is still written as serde wrote it.
    #[test]
    fn a_configuration_command_is_written_as_serde_wrote_it() {
        let m = Membership {
            quorum: crate::raft::Quorum::joint(Voters::first(3), Voters::first(2).with(NodeId(63))),
            learners: Voters::first(64),
        };
        let action = Action::Submit {
            client: ClientId(u16::MAX),
            node: NodeId(u8::MAX),
            command: Command::Config(m),
        };
        let mut w = Writer::new(false);
        write_action(&mut w, &action);
        assert_eq!(
            w.finish(),
            serde_json::to_string(&action).expect("serialisable")
        );
    }

    #[test]
    fn a_config_with_every_field_changed_reads_back_unchanged() {
        let config = Config {
            seed: u64::MAX,
            cluster_size: 7,
            clients: 3,
            election_timeout_min_us: 1,
            election_timeout_max_us: 2,
            election_timeout_override: vec![None, Some((3, 4))],
            heartbeat_interval_us: 5,
            latency_min_us: 6,
            latency_max_us: 7,
            loss_per_mille: 8,
            duplicate_per_mille: 9,
            replication: Replication::Immediate,
            noop_on_election: true,
            pre_vote: true,
            check_quorum: true,
            single_server_changes: true,
            client_retry_timeout_us: 10,
            client_max_attempts: 11,
            snapshot_threshold: 12,
            read_mode: ReadMode::Lease,
            safety: Safety {
                vote_without_log_check: true,
                commit_old_terms_by_counting: true,
                forget_vote_on_restart: true,
                skip_prev_log_check: true,
                fixed_election_timeout: true,
                change_before_own_term_commit: true,
                vote_despite_live_leader: true,
                serve_reads_locally: true,
            },
        };
        for pretty in [false, true] {
            let serde_text = if pretty {
                serde_json::to_string_pretty(&config)
            } else {
                serde_json::to_string(&config)
            }
            .expect("serialisable");
            let mut w = Writer::new(pretty);
            write_config(&mut w, &config);
            assert_eq!(w.finish(), serde_text);
            let json = parse(&serde_text).expect("JSON");
            assert_eq!(read_config(&json, "config"), Ok(config.clone()));
        }
        // Fields left out take their defaults.
        let partial = parse(r#"{ "seed": 9, "safety": {} }"#).expect("JSON");
        assert_eq!(
            read_config(&partial, "config"),
            Ok(Config {
                seed: 9,
                ..Config::default()
            })
        );
    }

    fn error(json: &str) -> ReadError {
        let value = parse(json).expect("valid JSON");
        read_timed_action(&value, "action 1").expect_err(json)
    }

    fn bad_path(json: &str) -> String {
        match error(json) {
            ReadError::Bad { path, .. } => path,
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(bad_path(r#"{"action":"Heal"}"#), "action 1");
        assert_eq!(bad_path(r#"{"at":-1,"action":"Heal"}"#), "action 1.at");
        assert_eq!(
            bad_path(r#"{"at":1,"action":{"Stop":256}}"#),
            "action 1.action.Stop"
        );
        assert_eq!(
            bad_path(r#"{"at":1,"action":{"Submit":{"client":0,"node":1,"command":{"Mul":2}}}}"#),
            "action 1.action.Submit.command"
        );
        assert_eq!(
            bad_path(r#"{"at":1,"action":{"Submit":{"client":0,"node":1}}}"#),
            "action 1.action.Submit"
        );
        assert_eq!(bad_path(r#"{"at":1,"action":"Jump"}"#), "action 1.action");
        assert_eq!(
            bad_path(r#"{"at":1,"action":{"Stop":1,"Heal":null}}"#),
            "action 1.action"
        );
        assert_eq!(
            bad_path(r#"{"at":1,"action":{"SetOption":{"Safety":["Nope",true]}}}"#),
            "action 1.action.SetOption.Safety"
        );
        assert_eq!(
            error(r#"{"at":1,"action":"Heal","note":"x"}"#),
            ReadError::UnknownField("action 1.note".into())
        );
        assert_eq!(
            error(r#"{"at":1,"action":{"CutOneWay":{"from":0,"to":1,"via":2}}}"#),
            ReadError::UnknownField("action 1.action.CutOneWay.via".into())
        );
        let config = parse(r#"{"safety":{"pre_vote":true}}"#).expect("JSON");
        assert_eq!(
            read_config(&config, "config"),
            Err(ReadError::UnknownField("config.safety.pre_vote".into()))
        );
        let config = parse(r#"{"clients":300}"#).expect("JSON");
        assert!(matches!(
            read_config(&config, "config"),
            Err(ReadError::Bad { path, message }) if path == "config.clients" && message.english().contains("255")
        ));
    }
}
