//! The messages servers and clients exchange: the two RPCs of Figure 2 with their replies, the
//! PreVote round of the Raft thesis (§9.6), and client requests and responses.

use super::{ClientId, Command, LogEntry, LogIndex, NodeId, Snapshot, Term, Time};
use serde::{Deserialize, Serialize};

/// Who sends or receives a message: a server or a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Endpoint {
    /// A Raft server.
    Node(NodeId),
    /// A client outside the cluster.
    Client(ClientId),
}

impl Endpoint {
    /// The server, if this endpoint is one.
    pub fn node(self) -> Option<NodeId> {
        match self {
            Endpoint::Node(n) => Some(n),
            Endpoint::Client(_) => None,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Node(n) => write!(f, "{n}"),
            Endpoint::Client(c) => write!(f, "{c}"),
        }
    }
}

/// What a server answers a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ClientReply {
    /// The command was committed and applied at `index`; `value` is the state machine's value
    /// right after it.
    Ok {
        /// The state machine value after the command.
        value: i64,
        /// The log index at which the command was (first) applied.
        index: LogIndex,
    },
    /// This server is not the leader; `leader` is the one it knows of, if any.
    Redirect {
        /// The leader to try instead, if the server knows one.
        leader: Option<NodeId>,
    },
}

/// The kind of a message without its contents, for traces and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// See [`Message::RequestVote`].
    RequestVote,
    /// See [`Message::RequestVoteReply`].
    RequestVoteReply,
    /// See [`Message::AppendEntries`].
    AppendEntries,
    /// See [`Message::AppendEntriesReply`].
    AppendEntriesReply,
    /// See [`Message::PreVote`].
    PreVote,
    /// See [`Message::PreVoteReply`].
    PreVoteReply,
    /// See [`Message::ClientRequest`].
    ClientRequest,
    /// See [`Message::ClientResponse`].
    ClientResponse,
    /// See [`Message::TimeoutNow`].
    TimeoutNow,
    /// See [`Message::InstallSnapshot`].
    InstallSnapshot,
    /// See [`Message::InstallSnapshotReply`].
    InstallSnapshotReply,
}

impl MessageKind {
    /// The name used by the UI's `data-type` attribute, e.g. `"RequestVote"`.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteReply => "RequestVoteReply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::AppendEntriesReply => "AppendEntriesReply",
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteReply => "PreVoteReply",
            MessageKind::ClientRequest => "ClientRequest",
            MessageKind::ClientResponse => "ClientResponse",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotReply => "InstallSnapshotReply",
        }
    }
}

/// A message in the network, with its full contents.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// Invoked by candidates to gather votes (§5.2).
    RequestVote {
        /// The candidate's term.
        term: Term,
        /// Index of the candidate's last log entry (§5.4).
        last_log_index: LogIndex,
        /// Term of the candidate's last log entry (§5.4).
        last_log_term: Term,
        /// Set for an election the leader asked for (TimeoutNow, thesis §3.10) or the user
        /// forced: voters grant it even if they heard from a leader recently (thesis §4.2.3).
        #[serde(default)]
        forced: bool,
    },
    /// The answer to a RequestVote.
    RequestVoteReply {
        /// The voter's current term, for the candidate to update itself.
        term: Term,
        /// True means the candidate received the vote.
        granted: bool,
    },
    /// Invoked by the leader to replicate log entries (§5.3); also used as heartbeat (§5.2).
    AppendEntries {
        /// The leader's term.
        term: Term,
        /// Index of the entry immediately preceding the new ones.
        prev_log_index: LogIndex,
        /// Term of the entry at `prev_log_index`.
        prev_log_term: Term,
        /// Entries to store (empty for a heartbeat).
        entries: Vec<LogEntry>,
        /// The leader's commit index.
        leader_commit: LogIndex,
        /// When the leader sent it. The reply echoes it, so that the leader knows how recently
        /// each follower still followed it: what ReadIndex and lease reads rest on (thesis
        /// §6.4). Not one of Figure 2's fields.
        #[serde(default)]
        sent_at: Time,
    },
    /// The answer to an AppendEntries.
    AppendEntriesReply {
        /// The follower's current term, for the leader to update itself.
        term: Term,
        /// True if the follower contained an entry matching `prev_log_index` and `prev_log_term`.
        success: bool,
        /// On success, the index of the last entry known to match the leader's log; the leader
        /// sets `matchIndex` from it without having to remember what it sent.
        match_index: LogIndex,
        /// On failure, the term of the follower's entry at `prev_log_index`, or `None` when the
        /// follower's log is too short. Part of the fast back-up hint (end of §5.3).
        conflict_term: Option<Term>,
        /// On failure, the first index the follower holds for `conflict_term`, or one past the end
        /// of its log when `conflict_term` is `None`.
        conflict_index: LogIndex,
        /// The `sent_at` of the AppendEntries this answers.
        #[serde(default)]
        sent_at: Time,
    },
    /// PreVote: "would you vote for me in `term`?", sent before incrementing the real term.
    PreVote {
        /// The term the pre-candidate would campaign in (its current term plus one).
        term: Term,
        /// Index of the pre-candidate's last log entry.
        last_log_index: LogIndex,
        /// Term of the pre-candidate's last log entry.
        last_log_term: Term,
    },
    /// The answer to a PreVote.
    PreVoteReply {
        /// When granted, the term asked about; when refused, the voter's current term.
        term: Term,
        /// True means the voter would vote for the pre-candidate.
        granted: bool,
    },
    /// A client asks a server to run a command.
    ClientRequest {
        /// The client's sequence number for this command; retries reuse it.
        seq: u64,
        /// The command.
        command: Command,
    },
    /// A server answers a client.
    ClientResponse {
        /// The sequence number of the request being answered.
        seq: u64,
        /// The outcome.
        reply: ClientReply,
    },
    /// A leader handing over tells the server it chose, whose log now matches its own, to start
    /// an election at once (thesis §3.10).
    TimeoutNow {
        /// The leader's term.
        term: Term,
    },
    /// Invoked by the leader to send a follower its snapshot, when the entries the follower
    /// needs next are no longer in the leader's log (§7, Figure 13). Sent in one piece, so
    /// Figure 13's `offset` is always 0 and `done` always true.
    InstallSnapshot {
        /// The leader's term.
        term: Term,
        /// The snapshot: `lastIncludedIndex`, `lastIncludedTerm` and the state machine's data.
        snapshot: Box<Snapshot>,
    },
    /// The answer to an InstallSnapshot.
    InstallSnapshotReply {
        /// The follower's current term, for the leader to update itself.
        term: Term,
        /// The snapshot's `lastIncludedIndex`: the follower's log now matches the leader's up to
        /// there (not in Figure 13, which leaves the leader to remember what it sent).
        last_index: LogIndex,
    },
}

/// What a message said, in a few numbers, kept after the message is gone so that the run's
/// history can show it (the space-time diagram's hover). The meaning of each number depends on
/// the kind; [`Fields::named`] says it in the paper's words.
///
/// It is derived from the message, which the run's other events already fingerprint, so it is
/// left out of the trace's hash: adding it kept every recorded run's hash (exported runs check
/// theirs on import).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// The term it carries (0 for client traffic).
    pub term: Term,
    /// `lastLogIndex`, `prevLogIndex`, `matchIndex`, `lastIncludedIndex`, or the client's `seq`.
    pub index: LogIndex,
    /// `lastLogTerm`, `prevLogTerm`, `lastIncludedTerm`, or the index a client's command ran at.
    pub index_term: Term,
    /// `leaderCommit`, `conflictIndex`, or the value a client's command left.
    pub commit: u64,
    /// How many entries an AppendEntries carried.
    pub count: u16,
    /// `voteGranted`, `success`, or whether a client's command was done (not redirected).
    pub ok: bool,
}

impl std::hash::Hash for Fields {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl Fields {
    /// A message of `kind` with these fields in one line, e.g.
    /// `AppendEntries(term 2, prevLogIndex 3, prevLogTerm 1, entries 1, leaderCommit 3)`.
    pub fn summary(&self, kind: MessageKind) -> String {
        let fields: Vec<String> = self
            .named(kind)
            .into_iter()
            .map(|(name, value)| format!("{name} {value}"))
            .collect();
        format!("{}({})", kind.name(), fields.join(", "))
    }

    /// The fields of a message of `kind`, named as in Figure 2 (and, for clients, as in the
    /// thesis's Figure 6.1), with their values. Names and values are the papers' own
    /// (`voteGranted true`, `status NOT_LEADER`), never prose, so they read the same in every
    /// language of the page.
    pub fn named(&self, kind: MessageKind) -> Vec<(&'static str, String)> {
        let yes_no = |b: bool| b.to_string();
        let term = ("term", self.term.to_string());
        match kind {
            MessageKind::RequestVote | MessageKind::PreVote => vec![
                term,
                ("lastLogIndex", self.index.to_string()),
                ("lastLogTerm", self.index_term.to_string()),
            ],
            MessageKind::RequestVoteReply | MessageKind::PreVoteReply => {
                vec![term, ("voteGranted", yes_no(self.ok))]
            }
            MessageKind::AppendEntries => vec![
                term,
                ("prevLogIndex", self.index.to_string()),
                ("prevLogTerm", self.index_term.to_string()),
                ("entries", self.count.to_string()),
                ("leaderCommit", self.commit.to_string()),
            ],
            MessageKind::AppendEntriesReply => vec![
                term,
                ("success", yes_no(self.ok)),
                ("matchIndex", self.index.to_string()),
                ("conflictIndex", self.commit.to_string()),
            ],
            MessageKind::TimeoutNow => vec![term],
            MessageKind::InstallSnapshot => vec![
                term,
                ("lastIncludedIndex", self.index.to_string()),
                ("lastIncludedTerm", self.index_term.to_string()),
            ],
            MessageKind::InstallSnapshotReply => {
                vec![term, ("lastIncludedIndex", self.index.to_string())]
            }
            MessageKind::ClientRequest => vec![("seq", self.index.to_string())],
            MessageKind::ClientResponse => {
                let seq = ("seq", self.index.to_string());
                match (self.ok, self.commit) {
                    (true, value) => vec![
                        seq,
                        ("status", "OK".to_string()),
                        ("index", self.index_term.to_string()),
                        ("response", (value as i64).to_string()),
                    ],
                    (false, 0) => vec![seq, ("status", "NOT_LEADER".to_string())],
                    (false, leader) => vec![
                        seq,
                        ("status", "NOT_LEADER".to_string()),
                        ("leaderHint", NodeId(leader as u8 - 1).to_string()),
                    ],
                }
            }
        }
    }
}

impl Message {
    /// The kind of this message.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote { .. } => MessageKind::RequestVote,
            Message::RequestVoteReply { .. } => MessageKind::RequestVoteReply,
            Message::AppendEntries { .. } => MessageKind::AppendEntries,
            Message::AppendEntriesReply { .. } => MessageKind::AppendEntriesReply,
            Message::PreVote { .. } => MessageKind::PreVote,
            Message::PreVoteReply { .. } => MessageKind::PreVoteReply,
            Message::ClientRequest { .. } => MessageKind::ClientRequest,
            Message::ClientResponse { .. } => MessageKind::ClientResponse,
            Message::TimeoutNow { .. } => MessageKind::TimeoutNow,
            Message::InstallSnapshot { .. } => MessageKind::InstallSnapshot,
            Message::InstallSnapshotReply { .. } => MessageKind::InstallSnapshotReply,
        }
    }

    /// What the message says, in a few numbers (see [`Fields`]).
    pub fn field_values(&self) -> Fields {
        let term = self.term().unwrap_or(0);
        let mut f = Fields {
            term,
            ..Fields::default()
        };
        match self {
            Message::RequestVote {
                last_log_index,
                last_log_term,
                ..
            }
            | Message::PreVote {
                last_log_index,
                last_log_term,
                ..
            } => {
                f.index = *last_log_index;
                f.index_term = *last_log_term;
            }
            Message::RequestVoteReply { granted, .. } | Message::PreVoteReply { granted, .. } => {
                f.ok = *granted;
            }
            Message::AppendEntries {
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                ..
            } => {
                f.index = *prev_log_index;
                f.index_term = *prev_log_term;
                f.count = u16::try_from(entries.len()).unwrap_or(u16::MAX);
                f.commit = *leader_commit;
            }
            Message::AppendEntriesReply {
                success,
                match_index,
                conflict_index,
                ..
            } => {
                f.ok = *success;
                f.index = *match_index;
                f.commit = *conflict_index;
            }
            Message::InstallSnapshot { snapshot, .. } => {
                f.index = snapshot.last_index;
                f.index_term = snapshot.last_term;
            }
            Message::InstallSnapshotReply { last_index, .. } => f.index = *last_index,
            Message::TimeoutNow { .. } => {}
            Message::ClientRequest { seq, .. } => f.index = *seq,
            Message::ClientResponse { seq, reply } => {
                f.index = *seq;
                match reply {
                    ClientReply::Ok { value, index } => {
                        f.ok = true;
                        f.index_term = *index;
                        f.commit = *value as u64;
                    }
                    // The leader named, as its number plus one (0: none known).
                    ClientReply::Redirect { leader } => {
                        f.commit = leader.map_or(0, |l| u64::from(l.0) + 1)
                    }
                }
            }
        }
        f
    }

    /// The kind's name: exactly `"RequestVote"`, `"RequestVoteReply"`, `"AppendEntries"` or
    /// `"AppendEntriesReply"` for the Figure 2 RPCs, as the UI's `data-type` attribute expects.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }

    /// The Raft term the message carries, if it is a server-to-server message.
    pub fn term(&self) -> Option<Term> {
        match self {
            Message::RequestVote { term, .. }
            | Message::RequestVoteReply { term, .. }
            | Message::AppendEntries { term, .. }
            | Message::AppendEntriesReply { term, .. }
            | Message::PreVote { term, .. }
            | Message::PreVoteReply { term, .. }
            | Message::InstallSnapshot { term, .. }
            | Message::InstallSnapshotReply { term, .. }
            | Message::TimeoutNow { term } => Some(*term),
            Message::ClientRequest { .. } | Message::ClientResponse { .. } => None,
        }
    }

    /// Every field of the message, named as in the paper's Figure 2 (`lastLogIndex`,
    /// `leaderCommit`, ...), with its value in words, for the inspector. The sender and receiver
    /// (`candidateId`, `leaderId`) are the message's `from` and `to`, so they are not repeated.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = self.field_values().named(self.kind());
        // What the few numbers of [`Fields`] leave out, the inspector can show in full.
        let mut set = |name: &str, value: String| {
            if let Some(field) = fields.iter_mut().find(|(n, _)| *n == name) {
                field.1 = value;
            }
        };
        match self {
            Message::AppendEntries { entries, .. } if entries.is_empty() => {
                set("entries", "[]".to_string())
            }
            Message::AppendEntries { entries, .. } => {
                let listed: Vec<String> = entries
                    .iter()
                    .map(|e| format!("#{} T{} {}", e.index, e.term, e.command))
                    .collect();
                set("entries", format!("[{}]", listed.join(", ")));
            }
            Message::AppendEntriesReply {
                conflict_term: Some(t),
                ..
            } => fields.push(("conflictTerm", t.to_string())),
            // A leadership transfer's vote request (thesis §3.10): granted even while a leader
            // is heard from.
            Message::RequestVote { forced: true, .. } => fields.push(("forced", true.to_string())),
            // The snapshot's state machine: the register's value and the client sessions
            // (thesis §6.3), and its configuration (`lastConfig`, thesis Figure 5.3).
            Message::InstallSnapshot { snapshot, .. } => {
                fields.push(("value", snapshot.value.to_string()));
                fields.push(("sessions", snapshot.sessions.len().to_string()));
                fields.push(("lastConfig", snapshot.config.to_string()));
            }
            Message::ClientRequest { command, .. } => fields.push(("command", command.to_string())),
            _ => {}
        }
        fields
    }

    /// The message in one line for tooltips: its kind and fields (see [`Fields::summary`]).
    pub fn summary(&self) -> String {
        self.field_values().summary(self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ClientId, NodeId, RequestId};

    #[test]
    fn fields_use_figure_2_names_and_list_entries() {
        let entry = LogEntry {
            index: 3,
            term: 2,
            command: Command::Set(5),
            request: Some(RequestId {
                client: ClientId(0),
                seq: 1,
            }),
        };
        let append = Message::AppendEntries {
            term: 2,
            prev_log_index: 2,
            prev_log_term: 1,
            entries: vec![entry],
            leader_commit: 1,
            sent_at: 0,
        };
        assert_eq!(
            append.fields(),
            vec![
                ("term", "2".to_string()),
                ("prevLogIndex", "2".to_string()),
                ("prevLogTerm", "1".to_string()),
                ("entries", "[#3 T2 SET 5]".to_string()),
                ("leaderCommit", "1".to_string()),
            ]
        );
        let redirect = Message::ClientResponse {
            seq: 4,
            reply: ClientReply::Redirect {
                leader: Some(NodeId(1)),
            },
        };
        // Values are the papers' own words, the same in every language of the page.
        let named = |m: &Message| {
            m.fields()
                .into_iter()
                .map(|(n, v)| format!("{n} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        assert_eq!(named(&redirect), "seq 4, status NOT_LEADER, leaderHint B");
        let done = Message::ClientResponse {
            seq: 5,
            reply: ClientReply::Ok {
                value: -3,
                index: 9,
            },
        };
        assert_eq!(named(&done), "seq 5, status OK, index 9, response -3");
        let denied = Message::RequestVoteReply {
            term: 3,
            granted: false,
        };
        assert_eq!(named(&denied), "term 3, voteGranted false");
        let heartbeat = Message::AppendEntries {
            term: 2,
            prev_log_index: 2,
            prev_log_term: 1,
            entries: vec![],
            leader_commit: 1,
            sent_at: 0,
        };
        assert_eq!(heartbeat.fields()[3], ("entries", "[]".to_string()));
    }
}

#[cfg(test)]
mod words {
    //! The words and names messages show as: `data-type` is a contract with end-to-end tests and
    //! teachers' scripts, and summaries are what people read in tooltips.
    use super::*;
    use crate::raft::{ClientId, NodeId};

    #[test]
    fn kinds_are_named_as_the_ui_contract_says() {
        let all = [
            (MessageKind::RequestVote, "RequestVote"),
            (MessageKind::RequestVoteReply, "RequestVoteReply"),
            (MessageKind::AppendEntries, "AppendEntries"),
            (MessageKind::AppendEntriesReply, "AppendEntriesReply"),
            (MessageKind::PreVote, "PreVote"),
            (MessageKind::PreVoteReply, "PreVoteReply"),
            (MessageKind::ClientRequest, "ClientRequest"),
            (MessageKind::ClientResponse, "ClientResponse"),
        ];
        for (kind, name) in all {
            assert_eq!(kind.name(), name);
        }
        let vote = Message::RequestVote {
            term: 4,
            last_log_index: 2,
            last_log_term: 1,
            forced: false,
        };
        assert_eq!(vote.kind(), MessageKind::RequestVote);
        assert_eq!(vote.kind_name(), "RequestVote");
        assert_eq!(vote.term(), Some(4));
        let request = Message::ClientRequest {
            seq: 1,
            command: Command::Add(2),
        };
        assert_eq!(request.term(), None);
        assert_eq!(request.kind_name(), "ClientRequest");
    }

    #[test]
    fn endpoints_name_servers_and_clients() {
        assert_eq!(Endpoint::Node(NodeId(1)).node(), Some(NodeId(1)));
        assert_eq!(Endpoint::Client(ClientId(0)).node(), None);
        assert_eq!(Endpoint::Node(NodeId(1)).to_string(), "B");
        assert_eq!(Endpoint::Client(ClientId(0)).to_string(), "client 1");
    }

    #[test]
    fn summaries_say_what_a_message_carries() {
        let cases = [
            (
                Message::RequestVote {
                    term: 2,
                    last_log_index: 0,
                    last_log_term: 0,
                    forced: false,
                },
                "RequestVote(term 2, lastLogIndex 0, lastLogTerm 0)",
            ),
            (
                Message::RequestVoteReply {
                    term: 2,
                    granted: true,
                },
                "RequestVoteReply(term 2, voteGranted true)",
            ),
            (
                Message::AppendEntries {
                    term: 3,
                    prev_log_index: 0,
                    prev_log_term: 0,
                    entries: vec![],
                    leader_commit: 1,
                    sent_at: 0,
                },
                "AppendEntries(term 3, prevLogIndex 0, prevLogTerm 0, entries 0, leaderCommit 1)",
            ),
            (
                Message::AppendEntriesReply {
                    term: 3,
                    success: true,
                    match_index: 4,
                    conflict_term: None,
                    conflict_index: 0,
                    sent_at: 0,
                },
                "AppendEntriesReply(term 3, success true, matchIndex 4, conflictIndex 0)",
            ),
            (
                Message::AppendEntriesReply {
                    term: 3,
                    success: false,
                    match_index: 0,
                    conflict_term: Some(2),
                    conflict_index: 2,
                    sent_at: 0,
                },
                "AppendEntriesReply(term 3, success false, matchIndex 0, conflictIndex 2)",
            ),
            (
                Message::PreVoteReply {
                    term: 5,
                    granted: false,
                },
                "PreVoteReply(term 5, voteGranted false)",
            ),
            (
                Message::ClientResponse {
                    seq: 7,
                    reply: ClientReply::Redirect { leader: None },
                },
                "ClientResponse(seq 7, status NOT_LEADER)",
            ),
        ];
        for (message, summary) in cases {
            assert_eq!(message.summary(), summary);
            assert!(!message.fields().is_empty());
        }
    }
}
