//! Why each event happened, in the terms of the paper's rules.
//!
//! The core knows what each rule decided: a server's event is recorded together with the numbers
//! it was decided on ([`NodeFacts`]: its term, its last entry, its commit index and, for a leader,
//! which servers hold that entry), and the events of the same instant say what set it off (the
//! message delivered, the timer that fired, the action taken). [`explain`] turns that into a
//! [`Why`]: the [`Rule`] that applied and the values that fill its sentence. The sentences
//! themselves are words, in the catalogue (`i18n/`, keys `why.<rule>`), so a "why" reads the same
//! in every language; a rule switched off by a "break Raft" switch is a rule of its own.

use std::hash::{Hash, Hasher};

use super::config::Config;
use super::network::DropReason;
use super::trace::{TimerKind, TraceEvent, TraceKind};
use super::words::{configuration, Value, Words};
use super::world::Action;
use crate::i18n::{fill, Catalogue};
use crate::raft::{
    ChangeStep, Command, DenyReason, Endpoint, Fields, LogIndex, MembershipChange, MessageKind,
    Node, NodeEvent, NodeId, ReadPath, Role, Term, Time,
};

/// A server's numbers right after the call that produced an event: what its rules weighed.
/// Derived from the run, so not hashed; small, since every server event keeps one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeFacts {
    /// `currentTerm`.
    pub term: u32,
    /// Index of its last log entry.
    pub last_index: u32,
    /// Term of its last log entry.
    pub last_term: u32,
    /// `commitIndex`.
    pub commit: u32,
    /// Term of the entry at `commit`.
    pub commit_term: u32,
    /// For a leader: the servers (bit `i` for server `i`) known to hold the entry at `commit`.
    pub holders: u16,
}

impl Hash for NodeFacts {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl NodeFacts {
    /// The facts of `node` as it is now.
    pub fn of(node: &Node) -> NodeFacts {
        let log = node.log();
        let commit = node.commit_index();
        let holders = node.match_index().map_or(0, |m| {
            m.iter()
                .enumerate()
                .filter(|&(i, &at)| at >= commit && i < 16)
                .fold(0u16, |bits, (i, _)| bits | 1 << i)
        });
        NodeFacts {
            term: small(node.term()),
            last_index: small(log.last_index()),
            last_term: small(log.last_term()),
            commit: small(commit),
            commit_term: small(log.term_at(commit).unwrap_or(0)),
            holders,
        }
    }
}

/// The rule behind an event. Each has a sentence in the catalogue, `why.<key>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A follower or candidate heard nothing for its election timeout and campaigns (§5.2).
    Timeout,
    /// The same, with randomised timeouts switched off.
    TimeoutFixed,
    /// A person made the server's timer run out.
    TimeoutForced,
    /// The leader handed over with TimeoutNow (thesis §3.10).
    TimeoutNow,
    /// PreVote: ask first whether the election could be won (thesis §9.6).
    PreVote,
    /// A newer term seen in a message is adopted (Figure 2, all servers).
    NewerTerm,
    /// Starting an election begins a new term.
    ElectionTerm,
    /// A vote granted: term, one vote per term, log up to date (§5.2, §5.4.1).
    VoteGranted,
    /// A vote granted without the up-to-date check, which is switched off.
    VoteUnchecked,
    /// A vote given again in a term after a restart forgot the first: keeping votedFor on disk is
    /// switched off.
    VoteForgotten,
    /// A vote given although a leader was heard within the minimum election timeout: that rule
    /// (§6) is switched off.
    VoteDespiteLeader,
    /// A membership change begun before the leader committed an entry of its own term: the 2015
    /// rule (thesis §4.1) is switched off.
    ChangeEarly,
    /// A vote refused: the candidate's term is stale.
    VoteStale,
    /// A vote refused: already voted for another in this term.
    VoteAlready,
    /// A vote refused: the candidate's log is behind (§5.4.1).
    VoteLog,
    /// A vote withheld: a leader was heard recently (§6).
    VoteLeaderAlive,
    /// A pre-vote answered.
    PreVoteAnswer,
    /// A candidate counted a vote.
    VoteCounted,
    /// Votes from a majority make a leader (§5.2).
    Elected,
    /// A newer term makes any server a follower (§5.1).
    StepDownTerm,
    /// A candidate hears from the leader of its term and stops campaigning (§5.2).
    StepDownLeader,
    /// A server that restarts is a follower.
    Restarted,
    /// An election begins with the server a candidate.
    Campaign,
    /// CheckQuorum: a leader that has not heard from a majority steps down (thesis §6.2).
    LostQuorum,
    /// A leader appends a client's command (§5.3).
    AppendClient,
    /// A new leader appends a no-op to commit entries of its term (§8).
    AppendNoOp,
    /// A leader appends a configuration entry (§6).
    AppendConfig,
    /// A follower appends what matched at prevLogIndex (§5.3).
    AppendFollower,
    /// A follower appends although the prevLog check would fail: the check is switched off.
    AppendUnchecked,
    /// Conflicting entries deleted (Figure 2, AppendEntries 3).
    Truncated,
    /// An AppendEntries refused: no matching entry at prevLogIndex (§5.3).
    RejectedShort,
    /// The same, with a different term at prevLogIndex.
    RejectedTerm,
    /// A leader commits an entry of its term stored on a majority (§5.4.2).
    CommitMajority,
    /// A leader counts an older term's entry as committed: the rule is switched off.
    CommitOldTerm,
    /// A follower follows leaderCommit (Figure 2, AppendEntries 5).
    CommitFollower,
    /// Committed entries are applied in order (Figure 2, all servers).
    Applied,
    /// A snapshot replaces the log up to the last applied entry (§7).
    SnapshotTaken,
    /// The leader's snapshot replaces a follower's log (§7).
    SnapshotInstalled,
    /// A read answered after ReadIndex (§8).
    ReadIndex,
    /// A read answered under a lease (thesis §6.4).
    ReadLease,
    /// A read answered from local state: serving reads locally is switched on.
    ReadLocal,
    /// A membership change step (§6).
    Change,
    /// A configuration committed (§6).
    ConfigCommitted,
    /// A leader not in the committed configuration steps down (§6).
    LeftCluster,
    /// Leadership transfer (thesis §3.10).
    Transfer,
    /// A leader's heartbeat timer fired.
    HeartbeatTimer,
    /// A leader's heartbeat: AppendEntries to every follower (§5.2).
    SentHeartbeat,
    /// Asking for votes (§5.2).
    SentVote,
    /// Sending entries a follower lacks (§5.3).
    SentEntries,
    /// Answering a request.
    SentReply,
    /// Client traffic.
    SentClient,
    /// Lost: the network is partitioned.
    LostPartition,
    /// Lost: the link is cut.
    LostLink,
    /// Lost: the receiver is stopped.
    LostStopped,
    /// Lost at random.
    LostRandom,
    /// Dropped by a person.
    LostUser,
    /// Delivered after its latency.
    Delivered,
    /// A person did it.
    Action,
    /// The checker found a property broken.
    Violation,
    /// A client's step (invoked, redirected, retried, done, gave up).
    Client,
    /// An election timer ran out (§5.2).
    ElectionTimer,
    /// The election timer was last reset on hearing from the leader of the current term.
    TimerLeader,
    /// ... on granting a vote.
    TimerVote,
    /// ... on starting an election (or a pre-vote).
    TimerCampaign,
    /// ... when the server started or restarted, or stepped down as leader.
    TimerStart,
}

impl Rule {
    /// The catalogue key of the rule's sentence.
    pub fn key(self) -> &'static str {
        match self {
            Rule::Timeout => "why.timeout",
            Rule::TimeoutFixed => "why.timeout-fixed",
            Rule::TimeoutForced => "why.timeout-forced",
            Rule::TimeoutNow => "why.timeout-now",
            Rule::PreVote => "why.pre-vote",
            Rule::NewerTerm => "why.newer-term",
            Rule::ElectionTerm => "why.election-term",
            Rule::VoteGranted => "why.vote-granted",
            Rule::VoteUnchecked => "why.vote-unchecked",
            Rule::VoteForgotten => "why.vote-forgotten",
            Rule::VoteDespiteLeader => "why.vote-despite-leader",
            Rule::ChangeEarly => "why.change-early",
            Rule::VoteStale => "why.vote-stale",
            Rule::VoteAlready => "why.vote-already",
            Rule::VoteLog => "why.vote-log",
            Rule::VoteLeaderAlive => "why.vote-leader-alive",
            Rule::PreVoteAnswer => "why.pre-vote-answer",
            Rule::VoteCounted => "why.vote-counted",
            Rule::Elected => "why.elected",
            Rule::StepDownTerm => "why.step-down-term",
            Rule::StepDownLeader => "why.step-down-leader",
            Rule::Restarted => "why.restarted",
            Rule::Campaign => "why.campaign",
            Rule::LostQuorum => "why.lost-quorum",
            Rule::AppendClient => "why.append-client",
            Rule::AppendNoOp => "why.append-noop",
            Rule::AppendConfig => "why.append-config",
            Rule::AppendFollower => "why.append-follower",
            Rule::AppendUnchecked => "why.append-unchecked",
            Rule::Truncated => "why.truncated",
            Rule::RejectedShort => "why.rejected-short",
            Rule::RejectedTerm => "why.rejected-term",
            Rule::CommitMajority => "why.commit-majority",
            Rule::CommitOldTerm => "why.commit-old-term",
            Rule::CommitFollower => "why.commit-follower",
            Rule::Applied => "why.applied",
            Rule::SnapshotTaken => "why.snapshot-taken",
            Rule::SnapshotInstalled => "why.snapshot-installed",
            Rule::ReadIndex => "why.read-index",
            Rule::ReadLease => "why.read-lease",
            Rule::ReadLocal => "why.read-local",
            Rule::Change => "why.change",
            Rule::ConfigCommitted => "why.config-committed",
            Rule::LeftCluster => "why.left-cluster",
            Rule::Transfer => "why.transfer",
            Rule::HeartbeatTimer => "why.heartbeat-timer",
            Rule::SentHeartbeat => "why.sent-heartbeat",
            Rule::SentVote => "why.sent-vote",
            Rule::SentEntries => "why.sent-entries",
            Rule::SentReply => "why.sent-reply",
            Rule::SentClient => "why.sent-client",
            Rule::LostPartition => "why.lost-partition",
            Rule::LostLink => "why.lost-link",
            Rule::LostStopped => "why.lost-stopped",
            Rule::LostRandom => "why.lost-random",
            Rule::LostUser => "why.lost-user",
            Rule::Delivered => "why.delivered",
            Rule::Action => "why.action",
            Rule::Violation => "why.violation",
            Rule::Client => "why.client",
            Rule::ElectionTimer => "why.election-timer",
            Rule::TimerLeader => "why.timer-leader",
            Rule::TimerVote => "why.timer-vote",
            Rule::TimerCampaign => "why.timer-campaign",
            Rule::TimerStart => "why.timer-start",
        }
    }
}

/// An event in words: what happened (`said`, the catalogue key of its sentence), why (the rule),
/// and the values both sentences name (`{node}`, `{term}`...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// The catalogue key of the sentence that says what happened (see [`event_key`]).
    pub said: &'static str,
    /// The rule that applied.
    pub rule: Rule,
    /// The sentence's values, by name.
    pub values: Vec<(&'static str, String)>,
    /// The values that are sentences of the catalogue themselves (`{action}`, `{violation}`,
    /// `{property}`), by name: [`Why::sentence`] words them in the reader's language.
    pub phrases: Vec<(&'static str, Words)>,
}

impl Why {
    /// The catalogue's sentence `key` (the event's own, [`Why::said`], or its rule's,
    /// [`Rule::key`]) with every slot filled, phrases worded in `words` too; `None` when the
    /// catalogue lacks the sentence.
    pub fn sentence(&self, key: &str, words: &Catalogue) -> Option<String> {
        let template = words.get(key)?;
        if self.phrases.is_empty() {
            return Some(fill(template, &self.values));
        }
        let mut values = self.values.clone();
        for (name, phrase) in &self.phrases {
            values.push((name, phrase.render(Some(words))));
        }
        Some(fill(template, &values))
    }
}

/// Servers as `A, C, D`.
fn servers(bits: u16) -> String {
    let names: Vec<String> = (0..16u8)
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| NodeId(i).name())
        .collect();
    names.join(", ")
}

/// The newest event in `events` that reset `node`'s election timer: when, by which rule, and the
/// other server involved (the leader heard, the candidate voted for). Figure 2 resets a
/// follower's timer when it hears from the leader of its current term (`term`) or grants a vote,
/// a candidate's when it starts an election; a server that starts, restarts or stops leading
/// draws a new one. Adopting a newer term does not reset it.
pub fn timer_reset(
    events: &[TraceEvent],
    node: NodeId,
    term: Term,
) -> Option<(Time, Rule, Option<NodeId>)> {
    let me = Endpoint::Node(node);
    events.iter().rev().find_map(|e| {
        let (rule, other) = match &e.kind {
            TraceKind::MessageDelivered {
                from: Endpoint::Node(leader),
                to,
                kind: MessageKind::AppendEntries | MessageKind::InstallSnapshot,
                fields,
                ..
            } if *to == me && fields.term == term => (Rule::TimerLeader, Some(*leader)),
            TraceKind::Node { node: n, event } if *n == node => match event {
                NodeEvent::VoteGranted { candidate, .. } => (Rule::TimerVote, Some(*candidate)),
                NodeEvent::ElectionStarted { .. } | NodeEvent::PreVoteStarted { .. } => {
                    (Rule::TimerCampaign, None)
                }
                NodeEvent::RoleChanged {
                    from: Role::Leader, ..
                } => (Rule::TimerStart, None),
                _ => return None,
            },
            TraceKind::ActionApplied(action)
                if matches!(**action, Action::Restart(n) | Action::AddServer(n) if n == node) =>
            {
                (Rule::TimerStart, None)
            }
            _ => return None,
        };
        Some((e.at, rule, other))
    })
    // None: the timer the server drew when the run began, if the trace still reaches back there.
    .or_else(|| {
        events
            .first()
            .is_none_or(|e| e.seq == 0)
            .then_some((0, Rule::TimerStart, None))
    })
}

/// Why `node`'s election timer is where it is (see [`timer_reset`]), in a sentence's values.
pub fn timer(events: &[TraceEvent], node: NodeId, term: Term) -> Option<Why> {
    let (at, rule, other) = timer_reset(events, node, term)?;
    Some(Why {
        said: "",
        rule,
        values: vec![
            ("node", node.name()),
            ("at", (at / 1_000).to_string()),
            ("other", other.map(NodeId::name).unwrap_or_default()),
        ],
        phrases: Vec::new(),
    })
}

/// What the events of one instant before `index` say set event `index` off: the message the
/// server had just received (its kind, sender and fields, found from its send), a timer, or an
/// action. Searching stops at the first such cause for the same server.
#[derive(Clone, Copy, Debug)]
enum Cause {
    Received(Endpoint, MessageKind, Fields),
    Timer,
    Action,
    Nothing,
}

fn cause(trace: &[TraceEvent], index: usize, node: NodeId) -> Cause {
    let at = trace[index].at;
    for e in trace[..index].iter().rev().take_while(|e| e.at == at) {
        match &e.kind {
            TraceKind::MessageDelivered {
                from,
                to,
                kind,
                fields,
                ..
            } if *to == Endpoint::Node(node) => {
                return Cause::Received(*from, *kind, *fields);
            }
            TraceKind::TimerFired { node: n, .. } if *n == node => return Cause::Timer,
            TraceKind::ActionApplied(a) if action_node(a) == Some(node) => return Cause::Action,
            _ => {}
        }
    }
    Cause::Nothing
}

fn action_node(action: &Action) -> Option<NodeId> {
    match *action {
        Action::Stop(n)
        | Action::Restart(n)
        | Action::Timeout(n)
        | Action::Submit { node: n, .. }
        | Action::TransferLeadership(n) => Some(n),
        _ => None,
    }
}

/// Why event `index` of `trace` happened. `facts` gives the [`NodeFacts`] recorded with a
/// server's event (by its `seq`); `config` says which rules are switched off.
pub fn explain(
    trace: &[TraceEvent],
    index: usize,
    facts: &dyn Fn(u64) -> Option<NodeFacts>,
    config: &Config,
) -> Option<Why> {
    let event = trace.get(index)?;
    let mut values: Vec<(&'static str, String)> = Vec::new();
    let mut phrases: Vec<(&'static str, Words)> = Vec::new();
    let mut put = |name: &'static str, value: String| values.push((name, value));
    let rule = match &event.kind {
        TraceKind::Node { node, event: e } => {
            put("node", node.name());
            let f = facts(event.seq).unwrap_or_default();
            let cause = cause(trace, index, *node);
            if let Cause::Received(from, kind, _) = cause {
                put("from", from.to_string());
                put("kind", kind.name().to_string());
            }
            let rule = node_rule(e, f, cause, config, &mut put);
            // A configuration with learners is said in the reader's words.
            if let NodeEvent::ChangeStarted {
                config: membership, ..
            }
            | NodeEvent::ConfigCommitted {
                config: membership, ..
            } = e
            {
                match configuration(membership) {
                    Value::Text(text) => put("config", text),
                    Value::Words(words) => phrases.push(("config", words)),
                }
            }
            switched_off(trace, index, *node, rule, f, config).unwrap_or(rule)
        }
        TraceKind::MessageSent {
            from,
            to,
            kind,
            fields,
            ..
        } => {
            put("from", from.to_string());
            put("to", to.to_string());
            put("kind", kind.name().to_string());
            put("term", fields.term.to_string());
            put("count", fields.count.to_string());
            match kind {
                MessageKind::AppendEntries if fields.count == 0 => Rule::SentHeartbeat,
                MessageKind::AppendEntries | MessageKind::InstallSnapshot => Rule::SentEntries,
                MessageKind::RequestVote | MessageKind::PreVote => Rule::SentVote,
                MessageKind::ClientRequest => Rule::SentClient,
                _ => Rule::SentReply,
            }
        }
        TraceKind::MessageDelivered { from, to, kind, .. } => {
            put("from", from.to_string());
            put("to", to.to_string());
            put("kind", kind.name().to_string());
            Rule::Delivered
        }
        TraceKind::MessageDropped {
            from,
            to,
            kind,
            reason,
            ..
        } => {
            put("from", from.to_string());
            put("to", to.to_string());
            put("kind", kind.name().to_string());
            match reason {
                DropReason::Partition => Rule::LostPartition,
                DropReason::LinkCut => Rule::LostLink,
                DropReason::Stopped => Rule::LostStopped,
                DropReason::Loss => Rule::LostRandom,
                DropReason::User => Rule::LostUser,
            }
        }
        TraceKind::TimerFired { node, timer } => {
            put("node", node.name());
            match timer {
                TimerKind::Election => Rule::ElectionTimer,
                TimerKind::Heartbeat => Rule::HeartbeatTimer,
            }
        }
        TraceKind::ActionApplied(action) => {
            phrases.push(("action", action.words()));
            Rule::Action
        }
        TraceKind::InvariantViolated(v) => {
            phrases.push(("property", v.property_words()));
            phrases.push(("violation", v.words()));
            Rule::Violation
        }
        TraceKind::ClientInvoked {
            client,
            command,
            node,
            ..
        } => {
            put("client", client.number());
            put("command", command.to_string());
            put("node", node.name());
            Rule::Client
        }
        TraceKind::ClientRedirected {
            client, by, leader, ..
        } => {
            put("client", client.number());
            put("node", by.name());
            put("leader", leader.map(NodeId::name).unwrap_or_default());
            Rule::Client
        }
        TraceKind::ClientRetried { client, node, .. } => {
            put("client", client.number());
            put("node", node.name());
            Rule::Client
        }
        TraceKind::ClientCompleted { client, value, .. } => {
            put("client", client.number());
            put("value", value.to_string());
            Rule::Client
        }
        TraceKind::ClientGaveUp { client, .. } => {
            put("client", client.number());
            Rule::Client
        }
    };
    Some(Why {
        said: event_key(&event.kind),
        rule,
        values,
        phrases,
    })
}

/// The catalogue key of the sentence that says what `kind` was, e.g. `event.vote-granted`.
pub fn event_key(kind: &TraceKind) -> &'static str {
    match kind {
        TraceKind::MessageSent {
            duplicate: true, ..
        } => "event.duplicated",
        TraceKind::MessageSent { .. } => "event.sent",
        TraceKind::MessageDelivered { .. } => "event.delivered",
        TraceKind::MessageDropped { reason, .. } => match reason {
            DropReason::Loss => "event.dropped-loss",
            DropReason::Partition => "event.dropped-partition",
            DropReason::LinkCut => "event.dropped-link",
            DropReason::Stopped => "event.dropped-stopped",
            DropReason::User => "event.dropped-user",
        },
        TraceKind::TimerFired {
            timer: TimerKind::Election,
            ..
        } => "event.election-timer",
        TraceKind::TimerFired { .. } => "event.heartbeat-timer",
        TraceKind::Node { event, .. } => node_event_key(event),
        TraceKind::ClientInvoked { .. } => "event.client-invoked",
        TraceKind::ClientRedirected {
            leader: Some(_), ..
        } => "event.client-redirected",
        TraceKind::ClientRedirected { .. } => "event.client-no-leader",
        TraceKind::ClientRetried {
            after_timeout: true,
            ..
        } => "event.client-retried-timeout",
        TraceKind::ClientRetried { .. } => "event.client-retried",
        TraceKind::ClientCompleted { .. } => "event.client-completed",
        TraceKind::ClientGaveUp { .. } => "event.client-gave-up",
        TraceKind::ActionApplied(_) => "event.action",
        TraceKind::InvariantViolated(_) => "event.violation",
    }
}

fn node_event_key(event: &NodeEvent) -> &'static str {
    match event {
        NodeEvent::RoleChanged { to, .. } => match to {
            Role::Follower => "event.role-follower",
            Role::PreCandidate => "event.role-pre-candidate",
            Role::Candidate => "event.role-candidate",
            Role::Leader => "event.role-leader",
        },
        NodeEvent::TermChanged { .. } => "event.term",
        NodeEvent::ElectionStarted { .. } => "event.election",
        NodeEvent::PreVoteStarted { .. } => "event.pre-vote",
        NodeEvent::VoteGranted { .. } => "event.vote-granted",
        NodeEvent::VoteDenied { reason, .. } => match reason {
            DenyReason::StaleTerm => "event.vote-denied-stale",
            DenyReason::AlreadyVoted(_) => "event.vote-denied-voted",
            DenyReason::LogNotUpToDate => "event.vote-denied-log",
            DenyReason::LeaderIsAlive => "event.vote-denied-leader",
        },
        NodeEvent::PreVoteAnswered { granted: true, .. } => "event.pre-vote-yes",
        NodeEvent::PreVoteAnswered { reason, .. } => match reason {
            Some(DenyReason::StaleTerm) => "event.pre-vote-no-stale",
            Some(DenyReason::LogNotUpToDate) => "event.pre-vote-no-log",
            Some(DenyReason::LeaderIsAlive) => "event.pre-vote-no-leader",
            _ => "event.pre-vote-no",
        },
        NodeEvent::VoteReceived { pre_vote: true, .. } => "event.pre-vote-received",
        NodeEvent::VoteReceived { .. } => "event.vote-received",
        NodeEvent::EntryAppended { .. } => "event.appended",
        NodeEvent::EntriesTruncated { count: 1, .. } => "event.truncated-one",
        NodeEvent::EntriesTruncated { .. } => "event.truncated",
        NodeEvent::AppendRejected { .. } => "event.rejected",
        NodeEvent::CommitAdvanced { .. } => "event.committed",
        NodeEvent::Applied {
            duplicate: true, ..
        } => "event.applied-again",
        NodeEvent::Applied { .. } => "event.applied",
        NodeEvent::LostQuorum { .. } => "event.lost-quorum",
        NodeEvent::TransferStarted { .. } => "event.transfer-started",
        NodeEvent::TimeoutNowSent { .. } => "event.timeout-now-sent",
        NodeEvent::TransferAborted { .. } => "event.transfer-aborted",
        NodeEvent::ChangeStarted { step, .. } => match step {
            ChangeStep::Requested(MembershipChange::Add(_)) => "event.change-add",
            ChangeStep::Requested(MembershipChange::Remove(_)) => "event.change-remove",
            ChangeStep::Promote(_) => "event.change-promote",
            ChangeStep::LeaveJoint => "event.change-leave-joint",
        },
        NodeEvent::ChangeDeferred {
            change: MembershipChange::Add(_),
            ..
        } => "event.change-deferred-add",
        NodeEvent::ChangeDeferred { .. } => "event.change-deferred-remove",
        NodeEvent::ConfigCommitted { .. } => "event.config-committed",
        NodeEvent::LeftCluster { .. } => "event.left-cluster",
        NodeEvent::SnapshotTaken { .. } => "event.snapshot-taken",
        NodeEvent::SnapshotInstalled {
            kept_suffix: true, ..
        } => "event.snapshot-installed-kept",
        NodeEvent::SnapshotInstalled { .. } => "event.snapshot-installed",
        NodeEvent::ReadServed { path, .. } => match path {
            ReadPath::ReadIndex => "event.read-index",
            ReadPath::Lease => "event.read-lease",
            ReadPath::Local => "event.read-local",
        },
    }
}

/// The rule a "break Raft" switch replaced, when it made a difference to this event: a vote
/// given again after a restart forgot the first, a vote given while a leader was heard, a
/// membership change begun before the leader committed an entry of its term.
fn switched_off(
    trace: &[TraceEvent],
    index: usize,
    node: NodeId,
    rule: Rule,
    f: NodeFacts,
    config: &Config,
) -> Option<Rule> {
    let safety = config.safety;
    let event = &trace[index];
    let earlier = &trace[..index];
    match (rule, &event.kind) {
        (
            Rule::VoteGranted,
            TraceKind::Node {
                event: NodeEvent::VoteGranted { candidate, term },
                ..
            },
        ) => {
            let voted_before = earlier.iter().rev().any(|e| {
                matches!(e.kind, TraceKind::Node { node: n, event: NodeEvent::VoteGranted { candidate: c, term: t } }
                    if n == node && t == *term && c != *candidate)
            });
            if voted_before && safety.forget_vote_on_restart {
                return Some(Rule::VoteForgotten);
            }
            despite_leader(earlier, event, node, config).then_some(Rule::VoteDespiteLeader)
        }
        (Rule::NewerTerm | Rule::StepDownTerm, _) => {
            despite_leader(earlier, event, node, config).then_some(Rule::VoteDespiteLeader)
        }
        (Rule::Change, _) if safety.change_before_own_term_commit && f.commit_term < f.term => {
            Some(Rule::ChangeEarly)
        }
        _ => None,
    }
}

/// The server's last entry, as `{index}` and `{log-term}`.
fn own_log(f: NodeFacts, put: &mut dyn FnMut(&'static str, String)) {
    put("index", f.last_index.to_string());
    put("log-term", f.last_term.to_string());
}

/// Whether `node` listened to a RequestVote at `event` although it led, or heard from a leader
/// within the minimum election timeout, because that rule (§6) is switched off.
fn despite_leader(
    earlier: &[TraceEvent],
    event: &TraceEvent,
    node: NodeId,
    config: &Config,
) -> bool {
    if !config.safety.vote_despite_live_leader {
        return false;
    }
    let asked = earlier
        .iter()
        .rev()
        .take_while(|e| e.at == event.at)
        .any(|e| {
            matches!(e.kind, TraceKind::MessageDelivered { to, kind: MessageKind::RequestVote, .. }
            if to == Endpoint::Node(node))
        });
    let window = config.election_timeout_min_us;
    let led = earlier.iter().rev().find_map(|e| match e.kind {
        TraceKind::Node {
            node: n,
            event: NodeEvent::RoleChanged { to, .. },
        } if n == node => Some(to == Role::Leader),
        _ => None,
    });
    let heard = earlier
        .iter()
        .rev()
        .take_while(|e| e.at + window > event.at)
        .any(|e| {
            matches!(e.kind, TraceKind::MessageDelivered { to, kind: MessageKind::AppendEntries, .. }
                if to == Endpoint::Node(node))
        });
    asked && (heard || led == Some(true))
}

fn node_rule(
    e: &NodeEvent,
    f: NodeFacts,
    cause: Cause,
    config: &Config,
    put: &mut dyn FnMut(&'static str, String),
) -> Rule {
    let safety = config.safety;
    match *e {
        NodeEvent::ElectionStarted { term } => {
            put("term", term.to_string());
            match cause {
                Cause::Received(..) => Rule::TimeoutNow,
                Cause::Action => Rule::TimeoutForced,
                _ if safety.fixed_election_timeout => Rule::TimeoutFixed,
                _ => Rule::Timeout,
            }
        }
        NodeEvent::PreVoteStarted { term } => {
            put("term", term.to_string());
            Rule::PreVote
        }
        NodeEvent::TermChanged { from, to } => {
            put("was", from.to_string());
            put("term", to.to_string());
            match cause {
                Cause::Received(..) => Rule::NewerTerm,
                _ => Rule::ElectionTerm,
            }
        }
        NodeEvent::VoteGranted { candidate, term }
        | NodeEvent::VoteDenied {
            candidate, term, ..
        }
        | NodeEvent::PreVoteAnswered {
            candidate, term, ..
        } => {
            put("candidate", candidate.name());
            put("term", term.to_string());
            put("own-term", f.term.to_string());
            own_log(f, put);
            let theirs = match cause {
                Cause::Received(_, _, fields) => (fields.index, fields.index_term),
                _ => (0, 0),
            };
            put("c-index", theirs.0.to_string());
            put("c-term", theirs.1.to_string());
            let up_to_date =
                (theirs.1, theirs.0) >= (Term::from(f.last_term), LogIndex::from(f.last_index));
            match *e {
                NodeEvent::VoteGranted { .. } if !up_to_date && safety.vote_without_log_check => {
                    Rule::VoteUnchecked
                }
                NodeEvent::VoteGranted { .. } => Rule::VoteGranted,
                NodeEvent::PreVoteAnswered { granted, .. } => {
                    put("answer", if granted { "yes" } else { "no" }.to_string());
                    Rule::PreVoteAnswer
                }
                NodeEvent::VoteDenied { reason, .. } => match reason {
                    DenyReason::StaleTerm => Rule::VoteStale,
                    DenyReason::AlreadyVoted(other) => {
                        put("other", other.name());
                        Rule::VoteAlready
                    }
                    DenyReason::LogNotUpToDate => Rule::VoteLog,
                    DenyReason::LeaderIsAlive => Rule::VoteLeaderAlive,
                },
                _ => Rule::VoteGranted,
            }
        }
        NodeEvent::VoteReceived {
            voter, votes, term, ..
        } => {
            put("voter", voter.name());
            put("term", term.to_string());
            put("votes", votes.to_string());
            Rule::VoteCounted
        }
        NodeEvent::RoleChanged { from, to, term } => {
            put("term", term.to_string());
            match (from, to) {
                (_, Role::Leader) => Rule::Elected,
                (_, Role::Candidate | Role::PreCandidate) => Rule::Campaign,
                _ if matches!(cause, Cause::Action) => Rule::Restarted,
                (Role::Leader, _) if !matches!(cause, Cause::Received(..)) => Rule::LostQuorum,
                _ if matches!(cause, Cause::Received(_, k, fl) if fl.term == term && k == MessageKind::AppendEntries) => {
                    Rule::StepDownLeader
                }
                _ => Rule::StepDownTerm,
            }
        }
        NodeEvent::EntryAppended { entry } => {
            put("index", entry.index.to_string());
            put("term", entry.term.to_string());
            put("command", entry.command.to_string());
            match (cause, entry.command) {
                (Cause::Received(_, MessageKind::AppendEntries, fields), _) => {
                    put("p-index", fields.index.to_string());
                    put("p-term", fields.index_term.to_string());
                    if safety.skip_prev_log_check && fields.index > 0 {
                        Rule::AppendUnchecked
                    } else {
                        Rule::AppendFollower
                    }
                }
                (_, Command::NoOp) => Rule::AppendNoOp,
                (_, Command::Config(_)) => Rule::AppendConfig,
                _ => Rule::AppendClient,
            }
        }
        NodeEvent::EntriesTruncated { from_index, count } => {
            put("index", from_index.to_string());
            put("count", count.to_string());
            Rule::Truncated
        }
        NodeEvent::AppendRejected {
            leader,
            prev_log_index,
            prev_log_term,
        } => {
            put("leader", leader.name());
            put("p-index", prev_log_index.to_string());
            put("p-term", prev_log_term.to_string());
            own_log(f, put);
            if LogIndex::from(f.last_index) < prev_log_index {
                Rule::RejectedShort
            } else {
                Rule::RejectedTerm
            }
        }
        NodeEvent::CommitAdvanced { to, .. } => {
            put("index", to.to_string());
            put("term", f.term.to_string());
            put("entry-term", f.commit_term.to_string());
            match cause {
                Cause::Received(_, MessageKind::AppendEntries, fields) => {
                    put("leader-commit", fields.commit.to_string());
                    Rule::CommitFollower
                }
                _ => {
                    put("holders", servers(f.holders));
                    if f.commit_term != f.term {
                        Rule::CommitOldTerm
                    } else {
                        Rule::CommitMajority
                    }
                }
            }
        }
        NodeEvent::Applied {
            index,
            command,
            value,
            ..
        } => {
            put("index", index.to_string());
            put("command", command.to_string());
            put("value", value.to_string());
            Rule::Applied
        }
        NodeEvent::LostQuorum { term } => {
            put("term", term.to_string());
            Rule::LostQuorum
        }
        NodeEvent::TransferStarted { target, term }
        | NodeEvent::TimeoutNowSent { target, term }
        | NodeEvent::TransferAborted { target, term } => {
            put("target", target.name());
            put("term", term.to_string());
            Rule::Transfer
        }
        NodeEvent::ChangeStarted { step, .. } => {
            if let ChangeStep::Requested(MembershipChange::Add(n) | MembershipChange::Remove(n))
            | ChangeStep::Promote(n) = step
            {
                put("server", n.name());
            }
            put(
                "step",
                match step {
                    ChangeStep::Requested(_) => "requested",
                    ChangeStep::Promote(_) => "promote",
                    ChangeStep::LeaveJoint => "leave-joint",
                }
                .to_string(),
            );
            Rule::Change
        }
        NodeEvent::ChangeDeferred { change, term } => {
            let (MembershipChange::Add(n) | MembershipChange::Remove(n)) = change;
            put("server", n.name());
            put("term", term.to_string());
            Rule::Change
        }
        NodeEvent::ConfigCommitted { index, .. } => {
            put("index", index.to_string());
            Rule::ConfigCommitted
        }
        NodeEvent::LeftCluster { term } => {
            put("term", term.to_string());
            Rule::LeftCluster
        }
        NodeEvent::SnapshotTaken { index, term } => {
            put("index", index.to_string());
            put("term", term.to_string());
            Rule::SnapshotTaken
        }
        NodeEvent::SnapshotInstalled { index, value, .. } => {
            put("index", index.to_string());
            put("value", value.to_string());
            Rule::SnapshotInstalled
        }
        NodeEvent::ReadServed {
            client,
            index,
            value,
            path,
        } => {
            put("client", client.number());
            put("index", index.to_string());
            put("value", value.to_string());
            match path {
                ReadPath::ReadIndex => Rule::ReadIndex,
                ReadPath::Lease => Rule::ReadLease,
                ReadPath::Local => Rule::ReadLocal,
            }
        }
    }
}
