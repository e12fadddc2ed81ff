//! The invariant checker: the properties of Figure 3 of the paper plus a few more, checked
//! incrementally as events happen so that properties over time ("committed entries are never
//! lost") can be checked too, not only snapshots.

use super::words::Words;
use crate::chunked::Chunked;
use crate::raft::membership::names;
use crate::raft::{
    majority, ClientId, Command, LogIndex, Node, NodeEvent, NodeId, Quorum, Removals, RequestId,
    Role, Term, Time, Voters,
};
use serde::{Deserialize, Serialize};

/// A broken safety property, naming the nodes, indices and terms involved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Violation {
    /// Election Safety: two leaders were elected in the same term.
    ElectionSafety {
        /// The term.
        term: Term,
        /// The first leader of the term.
        first: NodeId,
        /// Another leader of the same term.
        second: NodeId,
    },
    /// Leader Append-Only: a leader's log lost or changed an entry during its term.
    LeaderAppendOnly {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: Term,
        /// The first index that changed.
        index: LogIndex,
    },
    /// Log Matching: two logs have an entry with the same index and term but differ in it or
    /// before it.
    LogMatching {
        /// The index.
        index: LogIndex,
        /// The term.
        term: Term,
        /// The node that first held the entry.
        first: NodeId,
        /// The node whose entry (or preceding entry) differs.
        second: NodeId,
    },
    /// Leader Completeness: a leader lacks an entry committed in an earlier term.
    LeaderCompleteness {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: Term,
        /// The committed index it lacks.
        index: LogIndex,
        /// The term of the committed entry there.
        entry_term: Term,
    },
    /// State Machine Safety: two servers applied different entries at the same index.
    StateMachineSafety {
        /// The index.
        index: LogIndex,
        /// The server that applied first, with the entry's term.
        first: (NodeId, Term),
        /// The server that applied something else, with that entry's term.
        second: (NodeId, Term),
    },
    /// Two servers reached different values after applying the same index.
    DivergentValue {
        /// The index.
        index: LogIndex,
        /// The first server and its value.
        first: (NodeId, i64),
        /// The other server and its value.
        second: (NodeId, i64),
    },
    /// A server committed an entry at an index where another entry had been committed.
    CommittedEntryChanged {
        /// The index.
        index: LogIndex,
        /// The term of the entry first committed there.
        term: Term,
        /// The server that committed a different entry.
        node: NodeId,
        /// The term of that entry.
        node_term: Term,
    },
    /// A committed entry is no longer held by a majority of servers.
    CommittedEntryLost {
        /// The index.
        index: LogIndex,
        /// Its term.
        term: Term,
        /// How many servers still hold it.
        holders: u8,
        /// How many make a majority.
        needed: u8,
    },
    /// A server's term went down.
    TermDecreased {
        /// The server.
        node: NodeId,
        /// The term before.
        from: Term,
        /// The term after.
        to: Term,
    },
    /// A server voted for two candidates in one term (possibly across a restart).
    DoubleVote {
        /// The voter.
        node: NodeId,
        /// The term.
        term: Term,
        /// The first candidate.
        first: NodeId,
        /// The second candidate.
        second: NodeId,
    },
    /// A server applied entries out of order, or its applied index went back while running.
    AppliedOutOfOrder {
        /// The server.
        node: NodeId,
        /// Its applied index before.
        last: LogIndex,
        /// The index it applied.
        index: LogIndex,
    },
    /// A server's commit index passed the end of its own log: it claims to know that an entry it
    /// does not hold is committed (Figure 2 bounds commitIndex by the last new entry).
    CommitBeyondLog {
        /// The server.
        node: NodeId,
        /// Its new commit index.
        commit_index: LogIndex,
        /// The last index its log holds.
        last_index: LogIndex,
    },
    /// Two leaders of one term were elected by majorities with no server in common: their
    /// configurations allowed disjoint majorities (the single-server change bug, thesis §4.1).
    DisjointMajorities {
        /// The term.
        term: Term,
        /// The first leader and the servers that voted for it.
        first: (NodeId, Voters),
        /// The second leader and the servers that voted for it.
        second: (NodeId, Voters),
    },
    /// A server's snapshot covers an entry that is not committed, or one other than the entry
    /// committed at its last index (§7: a snapshot holds committed entries only).
    UncommittedSnapshot {
        /// The server.
        node: NodeId,
        /// The snapshot's last included index.
        index: LogIndex,
        /// The snapshot's last included term.
        term: Term,
    },
    /// What the clients saw cannot be explained by any order of their operations that respects
    /// real time: some operation returned a value no such order gives (a stale read, say).
    NotLinearizable {
        /// The operation that no order can place (an index into the world's operations).
        op: usize,
        /// Its client.
        client: ClientId,
        /// Its command.
        command: Command,
        /// The value it returned.
        observed: i64,
        /// A value it could have returned instead, if the search found one.
        expected: Option<i64>,
        /// A write that completed before `op` was sent and whose effect `op` does not show,
        /// with its client and command, if there is one.
        before: Option<(usize, ClientId, Command)>,
    },
    /// The watchdog stopped a run that no longer moves forward: more events than the limit at
    /// one instant of virtual time, or in the whole run. A correct cluster answers every event
    /// with finitely many others, so this is a loop in the code, found rather than hung on.
    RunawayRun {
        /// Which limit was passed.
        limit: RunawayLimit,
        /// The limit.
        events: u64,
    },
}

/// Which of the watchdog's limits a runaway run passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RunawayLimit {
    /// Events processed without virtual time moving on.
    OneInstant,
    /// Events processed in the whole run (a limit tests and the fuzzer set; the page has none).
    WholeRun,
}

/// The properties the checker watches, in the order the safety monitor lists them, by the names
/// the paper gives them where it names them. A name is also how tests, presets and the page's
/// scripts (`data-property`) refer to a property; in the reader's language it is the catalogue's
/// `property-name.<n>`, and what the property means is `property.<n>`.
pub const PROPERTIES: [&str; 14] = [
    "Election Safety",
    "Leader Append-Only",
    "Log Matching",
    "Leader Completeness",
    "State Machine Safety",
    "Committed entries are durable",
    "Terms never decrease",
    "One vote per term",
    "Entries are applied in order",
    "Commits stay within the log",
    "Majorities overlap",
    "Snapshots hold committed entries",
    "Linearizable",
    "Time moves on",
];

/// The catalogue keys of the names in [`PROPERTIES`], in its order.
pub const PROPERTY_NAME_KEYS: [&str; 14] = [
    "property-name.0",
    "property-name.1",
    "property-name.2",
    "property-name.3",
    "property-name.4",
    "property-name.5",
    "property-name.6",
    "property-name.7",
    "property-name.8",
    "property-name.9",
    "property-name.10",
    "property-name.11",
    "property-name.12",
    "property-name.13",
];

impl Violation {
    /// The position of the broken property in [`PROPERTIES`].
    pub fn property_number(&self) -> usize {
        match self {
            Violation::ElectionSafety { .. } => 0,
            Violation::LeaderAppendOnly { .. } => 1,
            Violation::LogMatching { .. } => 2,
            Violation::LeaderCompleteness { .. } => 3,
            Violation::StateMachineSafety { .. } | Violation::DivergentValue { .. } => 4,
            Violation::CommittedEntryChanged { .. } | Violation::CommittedEntryLost { .. } => 5,
            Violation::TermDecreased { .. } => 6,
            Violation::DoubleVote { .. } => 7,
            Violation::AppliedOutOfOrder { .. } => 8,
            Violation::CommitBeyondLog { .. } => 9,
            Violation::DisjointMajorities { .. } => 10,
            Violation::UncommittedSnapshot { .. } => 11,
            Violation::NotLinearizable { .. } => 12,
            Violation::RunawayRun { .. } => 13,
        }
    }

    /// The name of the property, as the paper calls it where it names it (see [`PROPERTIES`]).
    pub fn property(&self) -> &'static str {
        PROPERTIES[self.property_number()]
    }

    /// The property's name in words (catalogue `property-name.<n>`).
    pub fn property_words(&self) -> Words {
        Words::new(PROPERTY_NAME_KEYS[self.property_number()])
    }

    /// The violation in words: the property, then what broke it, naming the servers, indices
    /// and terms involved (catalogue `violation.*`).
    pub fn words(&self) -> Words {
        Words::new("violation.found")
            .with("property", self.property_words())
            .with("what", self.details())
    }

    /// What broke the property, in words.
    fn details(&self) -> Words {
        match self {
            Violation::ElectionSafety {
                term,
                first,
                second,
            } => Words::new("violation.election-safety")
                .with("first", *first)
                .with("second", *second)
                .with("term", *term),
            Violation::LeaderAppendOnly {
                leader,
                term,
                index,
            } => Words::new("violation.leader-append-only")
                .with("leader", *leader)
                .with("term", *term)
                .with("index", *index),
            Violation::LogMatching {
                index,
                term,
                first,
                second,
            } => Words::new("violation.log-matching")
                .with("first", *first)
                .with("second", *second)
                .with("term", *term)
                .with("index", *index),
            Violation::LeaderCompleteness {
                leader,
                term,
                index,
                entry_term,
            } => Words::new("violation.leader-completeness")
                .with("leader", *leader)
                .with("term", *term)
                .with("index", *index)
                .with("entry-term", *entry_term),
            Violation::StateMachineSafety {
                index,
                first,
                second,
            } => Words::new("violation.state-machine-safety")
                .with("index", *index)
                .with("first", first.0)
                .with("first-term", first.1)
                .with("second", second.0)
                .with("second-term", second.1),
            Violation::DivergentValue {
                index,
                first,
                second,
            } => Words::new("violation.divergent-value")
                .with("index", *index)
                .with("first", first.0)
                .with("first-value", first.1)
                .with("second", second.0)
                .with("second-value", second.1),
            Violation::CommittedEntryChanged {
                index,
                term,
                node,
                node_term,
            } => Words::new("violation.committed-entry-changed")
                .with("index", *index)
                .with("term", *term)
                .with("node", *node)
                .with("node-term", *node_term),
            Violation::CommittedEntryLost {
                index,
                term,
                holders,
                needed,
            } => Words::new("violation.committed-entry-lost")
                .with("index", *index)
                .with("term", *term)
                .with("holders", *holders)
                .with("needed", *needed),
            Violation::TermDecreased { node, from, to } => Words::new("violation.term-decreased")
                .with("node", *node)
                .with("from", *from)
                .with("to", *to),
            Violation::UncommittedSnapshot { node, index, term } => {
                Words::new("violation.uncommitted-snapshot")
                    .with("node", *node)
                    .with("index", *index)
                    .with("term", *term)
            }
            Violation::NotLinearizable {
                client,
                command,
                observed,
                expected,
                before,
                ..
            } => not_linearizable(*client, command, *observed, *expected, before.as_ref()),
            Violation::DisjointMajorities {
                term,
                first,
                second,
            } => Words::new("violation.disjoint-majorities")
                .with("term", *term)
                .with("first", first.0)
                .with("first-voters", names(first.1))
                .with("second", second.0)
                .with("second-voters", names(second.1)),
            Violation::DoubleVote {
                node,
                term,
                first,
                second,
            } => Words::new("violation.double-vote")
                .with("node", *node)
                .with("first", *first)
                .with("second", *second)
                .with("term", *term),
            Violation::AppliedOutOfOrder { node, last, index } => {
                Words::new("violation.applied-out-of-order")
                    .with("node", *node)
                    .with("index", *index)
                    .with("last", *last)
            }
            Violation::CommitBeyondLog {
                node,
                commit_index,
                last_index,
            } => Words::new("violation.commit-beyond-log")
                .with("node", *node)
                .with("commit", *commit_index)
                .with("last", *last_index),
            Violation::RunawayRun { limit, events } => Words::new(match limit {
                RunawayLimit::OneInstant => "violation.runaway-instant",
                RunawayLimit::WholeRun => "violation.runaway-run",
            })
            .with("events", *events),
        }
    }
}

/// A linearizability violation in words: one sentence for each combination of what is known
/// (the value that was due, the write it missed), so that each reads whole in every language.
fn not_linearizable(
    client: ClientId,
    command: &Command,
    observed: i64,
    expected: Option<i64>,
    before: Option<&(usize, ClientId, Command)>,
) -> Words {
    let key = match (expected.is_some(), before.is_some()) {
        (false, false) => "violation.not-linearizable",
        (true, false) => "violation.not-linearizable-due",
        (false, true) => "violation.not-linearizable-before",
        (true, true) => "violation.not-linearizable-due-before",
    };
    let mut words = Words::new(key)
        .with("client", client.number())
        .with("command", command.to_string())
        .with("observed", observed);
    if let Some(e) = expected {
        words = words.with("expected", e);
    }
    if let Some((_, other, other_command)) = before {
        words = words
            .with("other", other.number())
            .with("other-command", other_command.to_string());
    }
    words
}

crate::sim::words::english_display!(Violation);
/// A violation with the time it was found.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimedViolation {
    /// Virtual time of detection.
    pub at: Time,
    /// What was violated.
    pub violation: Violation,
}

/// What the checker remembers about one entry first seen at some (index, term).
#[derive(Clone, Copy, Debug)]
struct SeenEntry {
    prev_term: Term,
    command: Command,
    request: Option<RequestId>,
    holder: NodeId,
}

/// What the checker remembers about one committed index.
#[derive(Clone, Copy, Debug)]
struct CommittedEntry {
    term: Term,
    /// The lowest term in which a server was seen to commit it. Leader Completeness concerns
    /// leaders of later terms only.
    commit_term: Term,
    committer: NodeId,
    applied: Option<(NodeId, Term, i64)>,
}

/// What the checker remembers of a leader's log, to see that it only grows during the term.
#[derive(Clone, Copy, Debug)]
struct LeaderLogMark {
    term: Term,
    last_index: LogIndex,
    removals: Removals,
}

/// A map from a pair of numbers, kept as a vector sorted by key. The checker's keys (terms,
/// indices) mostly arrive in order, so an insert is usually a push; and one small generic type
/// costs the wasm bundle far less than a `BTreeMap` per key type.
#[derive(Clone, Debug)]
struct SortedMap<V>(Vec<((u64, u64), V)>);

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<V> SortedMap<V> {
    fn get(&self, key: (u64, u64)) -> Option<&V> {
        let at = self.0.binary_search_by_key(&key, |e| e.0).ok()?;
        self.0.get(at).map(|e| &e.1)
    }

    fn insert(&mut self, key: (u64, u64), value: V) {
        match self.0.binary_search_by_key(&key, |e| e.0) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    fn bytes(&self) -> usize {
        self.0.len() * std::mem::size_of::<((u64, u64), V)>()
    }
}

/// The entries seen, by (index, term): one per index of the run, so, unlike the maps by term,
/// it grows with the log. Kept like [`SortedMap`] but in chunks shared with the checker's
/// copies in time-travel checkpoints: keys arrive in order (a push onto `in_order`) except the
/// few entries that conflict with one seen before at their index, which go to the small `late`.
#[derive(Clone, Debug, Default)]
struct SeenEntries {
    in_order: Chunked<((u64, u64), SeenEntry)>,
    late: SortedMap<SeenEntry>,
}

impl SeenEntries {
    /// Where `key` is or would go in `in_order`.
    fn position(&self, key: (u64, u64)) -> usize {
        self.in_order.all().partition_point(|e| e.0 < key)
    }

    fn get(&self, key: (u64, u64)) -> Option<&SeenEntry> {
        match self.in_order.get(self.position(key)) {
            Some(e) if e.0 == key => Some(&e.1),
            _ => self.late.get(key),
        }
    }

    fn insert(&mut self, key: (u64, u64), value: SeenEntry) {
        let at = self.position(key);
        if at == self.in_order.len() {
            self.in_order.push((key, value));
        } else if let Some(e) = self.in_order.get_mut(at).filter(|e| e.0 == key) {
            e.1 = value;
        } else {
            self.late.insert(key, value);
        }
    }
}

/// The incremental invariant checker. The world feeds it every node event; it keeps the history
/// needed to check properties across time and restarts.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Per term, the first leader and the voters that elected it.
    leaders: SortedMap<(NodeId, Voters)>,
    /// Per (voter, term), the candidate it voted for.
    votes: SortedMap<NodeId>,
    /// Per (index, term), the entry first seen there.
    seen: SeenEntries,
    committed: Chunked<CommittedEntry>,
    terms: Vec<Term>,
    applied: Vec<LogIndex>,
    /// Per node: its log when last seen as leader.
    leader_logs: Vec<Option<LeaderLogMark>>,
    /// The quorum of the server that committed the highest committed entry, when it did: the
    /// majority that must keep holding it.
    top_quorum: Option<Quorum>,
    found: Vec<TimedViolation>,
}

/// The checker stops recording after this many distinct violations: by then the run is broken
/// beyond teaching value, and an unbounded list would slow every later check.
pub const MAX_VIOLATIONS: usize = 1000;

impl Checker {
    /// A checker for a cluster of `size` servers.
    pub fn new(size: usize) -> Checker {
        Checker {
            terms: vec![0; size],
            applied: vec![0; size],
            leader_logs: vec![None; size],
            ..Checker::default()
        }
    }

    /// A server was added to the cluster (in the next slot).
    pub fn add_node(&mut self) {
        self.terms.push(0);
        self.applied.push(0);
        self.leader_logs.push(None);
    }

    /// The bytes of its records that no older copy shares (see [`Chunked::fresh_bytes`]): what
    /// a checkpoint of the checker just taken adds to those taken before.
    pub fn fresh_bytes(&self) -> usize {
        self.leaders.bytes()
            + self.votes.bytes()
            + self.seen.in_order.fresh_bytes()
            + self.seen.late.bytes()
            + self.committed.fresh_bytes()
    }

    /// Every violation found so far, each once, in order of detection.
    pub fn violations(&self) -> &[TimedViolation] {
        &self.found
    }

    /// Records `v` (once) and adds it to `new`. The world reports its watchdog's findings here too.
    pub(super) fn report(&mut self, at: Time, v: Violation, new: &mut Vec<Violation>) {
        if self.found.len() < MAX_VIOLATIONS && !self.found.iter().any(|f| f.violation == v) {
            self.found.push(TimedViolation {
                at,
                violation: v.clone(),
            });
            new.push(v);
        }
    }

    /// The highest index known to be committed.
    pub fn committed_index(&self) -> LogIndex {
        self.committed.len() as LogIndex
    }

    /// The term of the committed entry at `index`, and the value after applying it if some
    /// server has.
    pub fn committed_at(&self, index: LogIndex) -> Option<(Term, Option<i64>)> {
        let e = self.committed.get(index.checked_sub(1)? as usize)?;
        Some((e.term, e.applied.map(|a| a.2)))
    }

    /// A node restarted: its applied index starts again from `applied` (its snapshot's last
    /// index, or 0).
    pub fn on_restart(&mut self, node: NodeId, applied: LogIndex) {
        if let Some(a) = self.applied.get_mut(node.index()) {
            *a = applied;
        }
        if let Some(l) = self.leader_logs.get_mut(node.index()) {
            *l = None;
        }
    }

    /// Checks one event that happened on `node` (given in its state after the call that produced
    /// the event). `nodes` is the whole cluster. New violations are appended to `new`.
    pub fn on_event(
        &mut self,
        at: Time,
        node: &Node,
        event: &NodeEvent,
        nodes: &[Node],
        new: &mut Vec<Violation>,
    ) {
        let id = node.id();
        match *event {
            NodeEvent::RoleChanged {
                to: Role::Leader,
                term,
                ..
            } => {
                let votes = node.votes_held();
                match self.leaders.get((term, 0)) {
                    Some(&(first, first_votes)) if first != id => {
                        self.report(
                            at,
                            Violation::ElectionSafety {
                                term,
                                first,
                                second: id,
                            },
                            new,
                        );
                        // A leader holds at least its own vote; an empty set is a node built by
                        // hand in a test, with no election behind it.
                        let disjoint = first_votes.intersection(votes).is_empty()
                            && !first_votes.is_empty()
                            && !votes.is_empty();
                        if disjoint {
                            let v = Violation::DisjointMajorities {
                                term,
                                first: (first, first_votes),
                                second: (id, votes),
                            };
                            self.report(at, v, new);
                        }
                    }
                    Some(_) => {}
                    None => {
                        self.leaders.insert((term, 0), (id, votes));
                    }
                }
                // Leader Completeness: every entry committed in an earlier term is in its log.
                let missing = self.committed.iter().enumerate().find(|(i, c)| {
                    c.commit_term < term && !node.log().holds(*i as LogIndex + 1, c.term)
                });
                if let Some((i, c)) = missing {
                    let v = Violation::LeaderCompleteness {
                        leader: id,
                        term,
                        index: i as LogIndex + 1,
                        entry_term: c.term,
                    };
                    self.report(at, v, new);
                }
            }
            NodeEvent::VoteGranted { candidate, term } => {
                self.record_vote(at, id, term, candidate, new)
            }
            // A candidate votes for itself (Figure 2, Candidates): that is its one vote in the
            // term, so granting another later in the same term, even after a restart, is a
            // second vote.
            NodeEvent::ElectionStarted { term } => self.record_vote(at, id, term, id, new),
            NodeEvent::EntryAppended { entry } => {
                let prev_term = if node.log().get(entry.index) == Some(&entry) {
                    node.log().term_at(entry.index - 1)
                } else {
                    None
                };
                match self.seen.get((entry.index, entry.term)) {
                    Some(s) => {
                        let differs = s.command != entry.command
                            || s.request != entry.request
                            || prev_term.is_some_and(|p| p != s.prev_term);
                        if differs {
                            let v = Violation::LogMatching {
                                index: entry.index,
                                term: entry.term,
                                first: s.holder,
                                second: id,
                            };
                            self.report(at, v, new);
                        }
                    }
                    None => {
                        if let Some(prev_term) = prev_term {
                            self.seen.insert(
                                (entry.index, entry.term),
                                SeenEntry {
                                    prev_term,
                                    command: entry.command,
                                    request: entry.request,
                                    holder: id,
                                },
                            );
                        }
                    }
                }
            }
            NodeEvent::EntriesTruncated { .. } => self.check_majority_holds(at, nodes, new),
            NodeEvent::CommitAdvanced { from, to } => {
                for index in from + 1..=to {
                    let Some(term) = node.log().term_at(index) else {
                        let v = Violation::CommitBeyondLog {
                            node: id,
                            commit_index: to,
                            last_index: node.log().last_index(),
                        };
                        self.report(at, v, new);
                        break;
                    };
                    let slot = (index - 1) as usize;
                    if let Some(c) = self.committed.get_mut(slot) {
                        if c.term != term {
                            let v = Violation::CommittedEntryChanged {
                                index,
                                term: c.term,
                                node: id,
                                node_term: term,
                            };
                            self.report(at, v, new);
                        } else if node.term() < c.commit_term {
                            c.commit_term = node.term();
                        }
                    } else if slot == self.committed.len() {
                        self.top_quorum = Some(node.quorum());
                        self.committed.push(CommittedEntry {
                            term,
                            commit_term: node.term(),
                            committer: id,
                            applied: None,
                        });
                        // Leader Completeness over time: leaders of later terms already in
                        // office must hold the newly committed entry too.
                        for other in nodes {
                            if other.role() == Role::Leader
                                && !other.is_stopped()
                                && other.term() > node.term()
                                && !other.log().holds(index, term)
                            {
                                let v = Violation::LeaderCompleteness {
                                    leader: other.id(),
                                    term: other.term(),
                                    index,
                                    entry_term: term,
                                };
                                self.report(at, v, new);
                            }
                        }
                    }
                }
                self.check_majority_holds(at, nodes, new);
            }
            NodeEvent::Applied {
                index, term, value, ..
            } => {
                let last = self.applied.get(id.index()).copied().unwrap_or(0);
                if index != last + 1 {
                    self.report(
                        at,
                        Violation::AppliedOutOfOrder {
                            node: id,
                            last,
                            index,
                        },
                        new,
                    );
                }
                if let Some(a) = self.applied.get_mut(id.index()) {
                    *a = index;
                }
                let slot = (index.max(1) - 1) as usize;
                let mut found = None;
                if let Some(c) = self.committed.get_mut(slot) {
                    match c.applied {
                        None => c.applied = Some((id, term, value)),
                        Some((first, first_term, first_value)) => {
                            if first_term != term {
                                found = Some(Violation::StateMachineSafety {
                                    index,
                                    first: (first, first_term),
                                    second: (id, term),
                                });
                            } else if first_value != value {
                                found = Some(Violation::DivergentValue {
                                    index,
                                    first: (first, first_value),
                                    second: (id, value),
                                });
                            }
                        }
                    }
                    if c.term != term && found.is_none() {
                        found = Some(Violation::StateMachineSafety {
                            index,
                            first: (c.committer, c.term),
                            second: (id, term),
                        });
                    }
                }
                if let Some(v) = found {
                    self.report(at, v, new);
                }
            }
            NodeEvent::SnapshotTaken { index, term } => {
                self.check_snapshot(at, id, index, term, new)
            }
            NodeEvent::SnapshotInstalled {
                index, term, value, ..
            } => {
                self.check_snapshot(at, id, index, term, new);
                // Installing a snapshot applies everything up to its last index at once.
                if let Some(a) = self.applied.get_mut(id.index()) {
                    *a = index;
                }
                let applied = self
                    .committed
                    .get((index.max(1) - 1) as usize)
                    .and_then(|c| c.applied);
                if let Some((first, _, first_value)) = applied.filter(|a| a.2 != value) {
                    let v = Violation::DivergentValue {
                        index,
                        first: (first, first_value),
                        second: (id, value),
                    };
                    self.report(at, v, new);
                }
            }
            _ => {}
        }
    }

    /// A snapshot must end at a committed entry: the one committed at its last index.
    fn check_snapshot(
        &mut self,
        at: Time,
        node: NodeId,
        index: LogIndex,
        term: Term,
        new: &mut Vec<Violation>,
    ) {
        if self.committed_at(index).map(|c| c.0) != Some(term) {
            let v = Violation::UncommittedSnapshot { node, index, term };
            self.report(at, v, new);
        }
    }

    /// Records that `voter` voted for `candidate` in `term`, reporting a second, different vote.
    fn record_vote(
        &mut self,
        at: Time,
        voter: NodeId,
        term: Term,
        candidate: NodeId,
        new: &mut Vec<Violation>,
    ) {
        match self.votes.get((u64::from(voter.0), term)) {
            Some(&first) if first != candidate => self.report(
                at,
                Violation::DoubleVote {
                    node: voter,
                    term,
                    first,
                    second: candidate,
                },
                new,
            ),
            Some(_) => {}
            None => {
                self.votes.insert((u64::from(voter.0), term), candidate);
            }
        }
    }

    /// Checks state that any call may change: the node's term only grows, and a leader's log only
    /// grows during its term. Called once per node after each call into it.
    pub fn after_call(&mut self, at: Time, node: &Node, new: &mut Vec<Violation>) {
        let i = node.id().index();
        let Some(&last) = self.terms.get(i) else {
            return;
        };
        if node.term() < last {
            self.report(
                at,
                Violation::TermDecreased {
                    node: node.id(),
                    from: last,
                    to: node.term(),
                },
                new,
            );
        }
        self.terms[i] = node.term();
        if node.role() == Role::Leader && !node.is_stopped() {
            let log = node.log();
            if let Some(mark) = self.leader_logs[i] {
                // Entries are only ever appended or cut off at the end, so a log that has been
                // through no new truncation and is no shorter still holds every entry it had, in
                // the whole log, not only at its end.
                let rewritten = log.removals() != mark.removals;
                if mark.term == node.term() && (rewritten || log.last_index() < mark.last_index) {
                    let index = if rewritten {
                        log.removals().last_from
                    } else {
                        log.last_index() + 1
                    };
                    self.report(
                        at,
                        Violation::LeaderAppendOnly {
                            leader: node.id(),
                            term: mark.term,
                            index,
                        },
                        new,
                    );
                }
            }
            self.leader_logs[i] = Some(LeaderLogMark {
                term: node.term(),
                last_index: log.last_index(),
                removals: log.removals(),
            });
        } else {
            self.leader_logs[i] = None;
        }
    }

    /// The highest committed entry must stay stored on a majority of the configuration that
    /// committed it (persistent logs of stopped and removed servers count). By Log Matching, so
    /// are all entries before it.
    fn check_majority_holds(&mut self, at: Time, nodes: &[Node], new: &mut Vec<Violation>) {
        let (Some(top), Some(quorum)) = (self.committed.last(), self.top_quorum) else {
            return;
        };
        let index = self.committed.len() as LogIndex;
        let term = top.term;
        let holds = |id: NodeId| {
            nodes
                .get(id.index())
                .is_some_and(|n| n.log().holds(index, term))
        };
        if !quorum.is_majority(holds) {
            let holders = quorum.voters().iter().filter(|&id| holds(id)).count();
            let needed = majority(quorum.incoming().len());
            self.report(
                at,
                Violation::CommittedEntryLost {
                    index,
                    term,
                    holders: holders as u8,
                    needed: needed as u8,
                },
                new,
            );
        }
    }
}
