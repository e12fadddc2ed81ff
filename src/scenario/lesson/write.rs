//! The lesson format's writer: a chapter as the text a teacher would have typed, which
//! [`super::parse`] reads back to the same chapter. The recorder exports lessons with it.

use super::parse::DEFAULT_LIMIT_US;
use super::{Answer, Right, RightServer};
use crate::raft::{ClientId, NodeId, ReadMode, MS};
use crate::scenario::tour::{Chapter, Condition, Step, StepAction};
use crate::sim::{Action, Config, OptionChange, Replication, SafetySwitch, Time};
use std::fmt::Write;

/// How wide a caption's `say` lines may grow before the text goes on in another `say` line.
const WRAP_AT: usize = 96;

/// The chapter as a lesson file.
pub fn write(chapter: &Chapter) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "title {}", chapter.title);
    if chapter.slug != "lesson" {
        let _ = writeln!(out, "id {}", chapter.slug);
    }
    header(&mut out, &chapter.config);
    for step in &chapter.steps {
        out.push('\n');
        write_step(&mut out, step);
    }
    out
}

fn header(out: &mut String, config: &Config) {
    let default = Config::default();
    if config.cluster_size != default.cluster_size {
        let _ = writeln!(out, "servers {}", config.cluster_size);
    }
    if config.clients != default.clients {
        let _ = writeln!(out, "clients {}", config.clients);
    }
    if config.seed != default.seed {
        let _ = writeln!(out, "seed {}", config.seed);
    }
    for change in changes_from_default(config) {
        let _ = writeln!(out, "{}", option(&change));
    }
    for (i, range) in config.election_timeout_override.iter().enumerate() {
        if let Some((min, max)) = range {
            let node = NodeId(i as u8);
            let _ = writeln!(out, "timeout {node} {}", range_text(*min, *max));
        }
    }
}

/// The options in which `config` differs from the default, as changes that make it so.
fn changes_from_default(c: &Config) -> Vec<OptionChange> {
    let d = Config::default();
    let mut all = vec![
        OptionChange::ElectionTimeout {
            min_us: c.election_timeout_min_us,
            max_us: c.election_timeout_max_us,
        },
        OptionChange::HeartbeatInterval(c.heartbeat_interval_us),
        OptionChange::Latency {
            min_us: c.latency_min_us,
            max_us: c.latency_max_us,
        },
        OptionChange::LossPerMille(c.loss_per_mille),
        OptionChange::DuplicatePerMille(c.duplicate_per_mille),
        OptionChange::Replication(c.replication),
        OptionChange::NoOpOnElection(c.noop_on_election),
        OptionChange::PreVote(c.pre_vote),
        OptionChange::CheckQuorum(c.check_quorum),
        OptionChange::SingleServerChanges(c.single_server_changes),
        OptionChange::ClientRetryTimeout(c.client_retry_timeout_us),
        OptionChange::ClientMaxAttempts(c.client_max_attempts),
        OptionChange::SnapshotThreshold(c.snapshot_threshold),
        OptionChange::ReadMode(c.read_mode),
    ];
    all.extend(
        SafetySwitch::ALL
            .into_iter()
            .map(|s| OptionChange::Safety(s, s.is_on(c.safety))),
    );
    all.retain(|change| d.with_change(change) != d);
    all
}

fn duration(us: Time) -> String {
    if us.is_multiple_of(1_000_000) && us > 0 {
        format!("{} s", us / 1_000_000)
    } else if us.is_multiple_of(MS) {
        format!("{} ms", us / MS)
    } else {
        format!("{us} us")
    }
}

fn range_text(min: Time, max: Time) -> String {
    if min == max {
        return duration(min);
    }
    let unit_of = |us: Time| if us.is_multiple_of(MS) { MS } else { 1 };
    let unit = unit_of(min).min(unit_of(max));
    let name = if unit == MS { "ms" } else { "us" };
    format!("{}-{} {name}", min / unit, max / unit)
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// An option as a header line (and, after `set`, as a step's action).
fn option(change: &OptionChange) -> String {
    let pct = |r: u16| format!("{}.{}%", r / 10, r % 10);
    match *change {
        OptionChange::ElectionTimeout { min_us, max_us } => {
            format!("election timeout {}", range_text(min_us, max_us))
        }
        OptionChange::HeartbeatInterval(us) => format!("heartbeat {}", duration(us)),
        OptionChange::Latency { min_us, max_us } => {
            format!("latency {}", range_text(min_us, max_us))
        }
        OptionChange::LossPerMille(r) => format!("loss {}", pct(r)),
        OptionChange::DuplicatePerMille(r) => format!("duplicate {}", pct(r)),
        OptionChange::Replication(Replication::Immediate) => "replication immediate".into(),
        OptionChange::Replication(Replication::OnHeartbeat) => "replication on heartbeat".into(),
        OptionChange::NoOpOnElection(b) => format!("no-op {}", on_off(b)),
        OptionChange::PreVote(b) => format!("pre-vote {}", on_off(b)),
        OptionChange::CheckQuorum(b) => format!("check-quorum {}", on_off(b)),
        OptionChange::SingleServerChanges(b) => format!("one-at-a-time {}", on_off(b)),
        OptionChange::ClientRetryTimeout(us) => format!("client retry {}", duration(us)),
        OptionChange::ClientMaxAttempts(n) => format!("client attempts {n}"),
        OptionChange::SnapshotThreshold(0) => "snapshots off".into(),
        OptionChange::SnapshotThreshold(n) => format!("snapshots every {n} entries"),
        OptionChange::ReadMode(mode) => format!(
            "reads {}",
            match mode {
                ReadMode::Log => "log",
                ReadMode::ReadIndex => "readindex",
                ReadMode::Lease => "lease",
            }
        ),
        OptionChange::Safety(switch, on) => {
            format!("{} {}", if on { "break" } else { "keep" }, switch.keyword())
        }
    }
}

fn names(nodes: &[NodeId]) -> String {
    nodes.iter().map(|n| n.name()).collect::<Vec<_>>().join(" ")
}

fn groups(groups: &[Vec<NodeId>]) -> String {
    groups
        .iter()
        .map(|g| names(g))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn client(c: ClientId) -> String {
    if c == ClientId(0) {
        String::new()
    } else {
        format!(" from client {}", c.0 + 1)
    }
}

/// A step's action, after `do`.
pub fn action(action: &StepAction) -> String {
    match action {
        StepAction::StopLeader => "stop leader".into(),
        StepAction::SubmitToLeader { client: c, command } => {
            format!("send {command}{} to leader", client(*c))
        }
        StepAction::Do(a) => match a {
            Action::Stop(n) => format!("stop {n}"),
            Action::Restart(n) => format!("restart {n}"),
            Action::Timeout(n) => format!("timeout {n}"),
            Action::Submit {
                client: c,
                node,
                command,
            } => format!("send {command}{} to {node}", client(*c)),
            Action::Partition(g) => format!("partition {}", groups(g)),
            Action::Heal => "heal".into(),
            Action::CutLink(a, b) => format!("cut {a} {b}"),
            Action::CutOneWay { from, to } => format!("cut {from} to {to}"),
            Action::RestoreLink(a, b) => format!("restore {a} {b}"),
            Action::DropMessage(id) => format!("drop message {id}"),
            Action::SetOption(change) => format!("set {}", option(change)),
            Action::TransferLeadership(n) => format!("transfer leadership to {n}"),
            Action::AddServer(n) => format!("add server {n}"),
            Action::RemoveServer(n) => format!("remove server {n}"),
        },
    }
}

/// A condition, after `until` or `right if`.
fn condition(c: &Condition) -> String {
    use Condition::*;
    match c {
        Nothing => "nothing".into(),
        After(us) => format!("after {}", duration(*us)),
        LeaderElected => "leader elected".into(),
        LeaderElectedOtherThan(n) => format!("leader other than {n}"),
        NodeRole(n, role) => format!("{n} is {}", role.label()),
        EntryOn { node, index } => format!("entry {index} on {node}"),
        EntryCommittedOn { node, index } => format!("entry {index} committed on {node}"),
        EntryCommittedEverywhere(i) => format!("entry {i} committed everywhere"),
        ValueEverywhere(v) => format!("value {v} everywhere"),
        TermAtLeast(t) => format!("term {t} everywhere"),
        TwoLeaders => "two leaders".into(),
        SplitVote => "split vote".into(),
        LogsMatch => "logs match".into(),
        ClientAnswered(c) => format!("client {} answered", c.0 + 1),
        ClientGot(c, v) => format!("client {} got {v}", c.0 + 1),
        SnapshotOn { node, index } => format!("snapshot {index} on {node}"),
        Member(n, m) => format!(
            "{n} is {}",
            match m {
                crate::raft::Member::None => "outside",
                other => other.as_str(),
            }
        ),
        Configuration { reads, committed } => format!(
            "configuration {reads} {}",
            if *committed {
                "committed"
            } else {
                "uncommitted"
            }
        ),
        All(all) => all.iter().map(condition).collect::<Vec<_>>().join(" and "),
    }
}

/// `text` after `keyword`, wrapped into several such lines when it is long.
fn wrapped(out: &mut String, keyword: &str, text: &str) {
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && keyword.len() + 1 + line.len() + 1 + word.len() > WRAP_AT {
            let _ = writeln!(out, "{keyword} {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    let _ = writeln!(out, "{keyword} {line}");
}

fn write_step(out: &mut String, step: &Step) {
    out.push_str("step\n");
    wrapped(out, "say", &step.caption);
    for a in &step.actions {
        let _ = writeln!(out, "do {}", action(a));
    }
    match &step.until {
        Condition::Nothing => {}
        Condition::All(all) => {
            for c in all {
                let _ = writeln!(out, "until {}", condition(c));
            }
        }
        c => {
            let _ = writeln!(out, "until {}", condition(c));
        }
    }
    if step.limit_us != DEFAULT_LIMIT_US {
        let _ = writeln!(out, "limit {}", duration(step.limit_us));
    }
    let h = &step.highlight;
    if !h.nodes.is_empty() {
        let _ = writeln!(out, "highlight {}", names(&h.nodes));
    }
    // Entries of one index on several servers in a row share a line.
    let mut entries = h.entries.iter().peekable();
    while let Some(&(node, index)) = entries.next() {
        let mut on = vec![node];
        while let Some(&&(next, i)) = entries.peek() {
            if i != index {
                break;
            }
            on.push(next);
            entries.next();
        }
        let _ = writeln!(out, "highlight entry {index} on {}", names(&on));
    }
    if !h.messages.is_empty() {
        let kinds: Vec<&str> = h.messages.iter().map(|k| k.name()).collect();
        let _ = writeln!(out, "highlight messages {}", kinds.join(" "));
    }
    if !h.groups.is_empty() {
        let _ = writeln!(out, "highlight groups {}", groups(&h.groups));
    }
    if let Some(q) = &step.question {
        let _ = writeln!(out, "question {}", q.text);
        match &q.answer {
            Answer::Choices(choices) => {
                for choice in choices {
                    let _ = writeln!(out, "choice {}", choice.text);
                    match &choice.right {
                        Right::Never => {}
                        Right::Always => out.push_str("right\n"),
                        Right::If(c) => {
                            let _ = writeln!(out, "right if {}", condition(c));
                        }
                        Right::Unless(c) => {
                            let _ = writeln!(out, "right unless {}", condition(c));
                        }
                    }
                }
            }
            Answer::Server(right) => {
                out.push_str("click server\n");
                match right {
                    RightServer::Leader => out.push_str("right leader\n"),
                    RightServer::AnyOf(nodes) => {
                        let _ = writeln!(out, "right {}", names(nodes));
                    }
                }
            }
        }
        if !q.explain.is_empty() {
            wrapped(out, "explain", &q.explain);
        }
    }
}
