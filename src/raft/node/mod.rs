//! One Raft server as a deterministic state machine (Figure 2).
//!
//! A [`Node`] is driven from outside: [`Node::handle`] for an arriving message, [`Node::tick`]
//! when the time returned by [`Node::next_timer`] has come, and [`Node::timeout_now`],
//! [`Node::stop`] and [`Node::restart`] for the user's actions. Every call gets the current
//! virtual time and the world's random number generator, and writes what the node wants to send
//! and what happened into an [`Output`]. The node never reads a clock and owns no randomness, so
//! the same inputs always give the same outputs.

use super::{
    ChangeRefusal, ClientId, ClientReply, Command, Endpoint, LogEntry, LogIndex, Membership,
    MembershipChange, Message, NodeId, Quorum, RaftLog, RequestId, Role, Session, Sessions, Term,
    Time, Voters,
};
use rand::Rng;
use serde::{Deserialize, Serialize};

mod compaction;
mod reads;

use reads::PendingRead;
pub use reads::{ReadMode, ReadPath};

/// The most entries one AppendEntries carries. A bound keeps messages small when a follower is far
/// behind; the rest follows on later messages.
pub const MAX_ENTRIES_PER_APPEND: usize = 64;

/// Switches that each disable one safety rule of Raft, so that the invariant checker can be seen
/// catching the consequences. All are off by default; with all off the node is pure Figure 2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Safety {
    /// Grant votes without the "candidate's log is at least as up to date" check (§5.4.1), so a
    /// server missing committed entries can become leader and erase them.
    pub vote_without_log_check: bool,
    /// Let a leader commit entries from earlier terms by counting replicas (§5.4.2, Figure 8),
    /// instead of only entries of its own term.
    pub commit_old_terms_by_counting: bool,
    /// Lose `votedFor` on restart, as if it were not persisted, so a server can vote twice in one
    /// term (Figure 2: votedFor is persistent state).
    pub forget_vote_on_restart: bool,
    /// Accept AppendEntries whose `prevLogTerm` does not match (the consistency check of §5.3),
    /// which breaks the Log Matching property.
    pub skip_prev_log_check: bool,
    /// Use the minimum election timeout on every server instead of a random one (§5.2), which
    /// makes split votes repeat.
    pub fixed_election_timeout: bool,
    /// With single-server membership changes, let a leader start a change before it has
    /// committed an entry of its own term (the rule added to thesis §4.1 in 2015), so two
    /// configurations with disjoint majorities can elect two leaders in one term.
    pub change_before_own_term_commit: bool,
    /// Grant votes (and adopt the candidate's term) even when a leader was heard from within the
    /// minimum election timeout (§6), so a removed server that times out disrupts the cluster.
    pub vote_despite_live_leader: bool,
    /// Answer a GET at once from the state of whichever server receives it, leader or not,
    /// without checking that it is (still) the leader (§8), so a deposed leader cut off from
    /// the cluster answers with a stale value.
    pub serve_reads_locally: bool,
}

impl Safety {
    /// Whether any rule is switched off.
    pub fn any_broken(&self) -> bool {
        self.vote_without_log_check
            || self.commit_old_terms_by_counting
            || self.forget_vote_on_restart
            || self.skip_prev_log_check
            || self.fixed_election_timeout
            || self.change_before_own_term_commit
            || self.vote_despite_live_leader
            || self.serve_reads_locally
    }
}

/// The settings one node runs with, derived from the simulation's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodeOptions {
    /// The configuration before any is in the log: the servers the cluster started with, or
    /// none for a server started later to join it (it learns its configuration from the leader).
    pub bootstrap: Voters,
    /// Change membership one server at a time (thesis §4.1) instead of through a joint
    /// configuration (§6).
    pub single_server_changes: bool,
    /// Shortest election timeout in microseconds.
    pub election_timeout_min_us: Time,
    /// Longest election timeout in microseconds.
    pub election_timeout_max_us: Time,
    /// Time between a leader's heartbeats, in microseconds.
    pub heartbeat_interval_us: Time,
    /// The cluster's minimum election timeout (the shortest of any server's), in microseconds:
    /// for that long after hearing from a leader a server will not help elect another (§6).
    pub cluster_election_timeout_min_us: Time,
    /// Send new entries to followers at once instead of with the next heartbeat.
    pub replicate_immediately: bool,
    /// Append a no-op entry on becoming leader, so entries of earlier terms commit promptly (§8).
    pub noop_on_election: bool,
    /// Run a PreVote round before starting a real election (thesis §9.6).
    pub pre_vote: bool,
    /// A leader steps down when it has not heard from a majority within an election timeout
    /// (thesis §6.2).
    pub check_quorum: bool,
    /// Take a snapshot once this many applied entries follow the last one (§7); 0 never does.
    pub snapshot_threshold: u64,
    /// How a leader answers GET (§8, thesis §6.4).
    pub read_mode: ReadMode,
    /// Safety rules that are deliberately broken.
    pub safety: Safety,
}

impl Default for NodeOptions {
    fn default() -> Self {
        NodeOptions {
            bootstrap: Voters::first(3),
            single_server_changes: false,
            election_timeout_min_us: 150_000,
            election_timeout_max_us: 300_000,
            heartbeat_interval_us: 50_000,
            cluster_election_timeout_min_us: 150_000,
            replicate_immediately: false,
            noop_on_election: false,
            pre_vote: false,
            check_quorum: false,
            snapshot_threshold: 0,
            read_mode: ReadMode::default(),
            safety: Safety::default(),
        }
    }
}

/// Why a vote (or pre-vote) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DenyReason {
    /// The candidate's term is older than the voter's.
    StaleTerm,
    /// The voter already voted for another candidate in this term.
    AlreadyVoted(NodeId),
    /// The candidate's log is less up to date than the voter's (§5.4.1).
    LogNotUpToDate,
    /// The voter heard from a leader within the minimum election timeout, so it neither adopts
    /// the candidate's term nor votes (§6; for PreVote, thesis §9.6).
    LeaderIsAlive,
}

impl std::fmt::Display for DenyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DenyReason::StaleTerm => f.write_str("its term is stale"),
            DenyReason::AlreadyVoted(n) => write!(f, "already voted for {n}"),
            DenyReason::LogNotUpToDate => f.write_str("its log is not up to date"),
            DenyReason::LeaderIsAlive => f.write_str("a leader is still alive"),
        }
    }
}

/// Something that happened inside a node, reported so the world can trace and check it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeEvent {
    /// The node moved from one role to another while in `term`.
    RoleChanged {
        /// The old role.
        from: Role,
        /// The new role.
        to: Role,
        /// The term after the change.
        term: Term,
    },
    /// The node adopted a newer term (it saw one, or started an election).
    TermChanged {
        /// The old term.
        from: Term,
        /// The new term.
        to: Term,
    },
    /// The election timer ran out (or was forced) and the node started an election for `term`.
    ElectionStarted {
        /// The new term.
        term: Term,
    },
    /// The election timer ran out and, with PreVote on, the node asked whether it could win `term`.
    PreVoteStarted {
        /// The term it would campaign in.
        term: Term,
    },
    /// The node voted for `candidate` in `term`.
    VoteGranted {
        /// Who received the vote.
        candidate: NodeId,
        /// The term of the vote.
        term: Term,
    },
    /// The node refused its vote.
    VoteDenied {
        /// Who asked.
        candidate: NodeId,
        /// The term asked about.
        term: Term,
        /// Why not.
        reason: DenyReason,
    },
    /// The node answered a PreVote with yes or no; it changes no state either way.
    PreVoteAnswered {
        /// Who asked.
        candidate: NodeId,
        /// The term asked about.
        term: Term,
        /// Whether the pre-vote was granted.
        granted: bool,
        /// Why not, when refused.
        reason: Option<DenyReason>,
    },
    /// A (pre-)candidate counted a vote for itself from `voter`; `votes` is its tally so far.
    VoteReceived {
        /// Who voted.
        voter: NodeId,
        /// The term voted in.
        term: Term,
        /// Votes held now, its own included.
        votes: u32,
        /// True for a pre-vote.
        pre_vote: bool,
    },
    /// An entry was added to the node's log.
    EntryAppended {
        /// The entry.
        entry: LogEntry,
    },
    /// Entries conflicting with the leader's were deleted (Figure 2, AppendEntries step 3).
    EntriesTruncated {
        /// The first index removed.
        from_index: LogIndex,
        /// How many entries were removed.
        count: u64,
    },
    /// The node refused an AppendEntries because its log has no entry matching the previous
    /// index and term (§5.3).
    AppendRejected {
        /// The leader that sent it.
        leader: NodeId,
        /// The previous index in the request.
        prev_log_index: LogIndex,
        /// The previous term in the request.
        prev_log_term: Term,
    },
    /// The commit index grew.
    CommitAdvanced {
        /// The old commit index.
        from: LogIndex,
        /// The new commit index.
        to: LogIndex,
    },
    /// An entry was applied to the state machine.
    Applied {
        /// Its index.
        index: LogIndex,
        /// Its term.
        term: Term,
        /// Its command.
        command: Command,
        /// The value after applying it.
        value: i64,
        /// True when the entry repeated a client request that had already been applied, so the
        /// state machine skipped it.
        duplicate: bool,
    },
    /// With CheckQuorum on, the leader had not heard from a majority and stepped down.
    LostQuorum {
        /// The term it was leader in.
        term: Term,
    },
    /// The leader began handing its leadership to `target` (thesis §3.10): it takes no new
    /// commands, brings `target`'s log up to date, then tells it to time out.
    TransferStarted {
        /// The server that is to lead next.
        target: NodeId,
        /// The leader's term.
        term: Term,
    },
    /// The leader sent TimeoutNow: `target`'s log matches its own.
    TimeoutNowSent {
        /// The server told to start an election.
        target: NodeId,
        /// The leader's term.
        term: Term,
    },
    /// The transfer did not finish within an election timeout (the target may be down or cut
    /// off), so the leader gave up and takes commands again.
    TransferAborted {
        /// The server that was to lead.
        target: NodeId,
        /// The leader's term.
        term: Term,
    },
    /// The leader appended a configuration entry: a step of a membership change (§6).
    ChangeStarted {
        /// The configuration appended, in use from now on.
        config: Membership,
        /// Why this step.
        step: ChangeStep,
        /// The leader's term.
        term: Term,
    },
    /// The leader holds a requested change until an entry of its own term is committed (the
    /// 2015 rule for single-server changes, thesis §4.1).
    ChangeDeferred {
        /// The change waiting.
        change: MembershipChange,
        /// The leader's term.
        term: Term,
    },
    /// The leader's commit index passed a configuration entry: that configuration is committed.
    ConfigCommitted {
        /// The committed configuration.
        config: Membership,
        /// Its index.
        index: LogIndex,
    },
    /// The leader committed a configuration without itself and stepped down (§6).
    LeftCluster {
        /// The term it led.
        term: Term,
    },
    /// The server replaced its log up to `index` (its last applied entry) with a snapshot (§7).
    SnapshotTaken {
        /// The snapshot's last included index.
        index: LogIndex,
        /// The snapshot's last included term.
        term: Term,
    },
    /// The server installed a snapshot the leader sent (Figure 13) and reset its state machine
    /// to it.
    SnapshotInstalled {
        /// The snapshot's last included index.
        index: LogIndex,
        /// The snapshot's last included term.
        term: Term,
        /// The state machine's value in it.
        value: i64,
        /// Whether entries after the snapshot were kept (the log held its last entry) or the
        /// whole log was discarded.
        kept_suffix: bool,
    },
    /// The server answered a client's GET without a log entry.
    ReadServed {
        /// The client.
        client: ClientId,
        /// The last applied index, whose value the read returns: at or after the read index
        /// (for a local read, whatever the server has applied).
        index: LogIndex,
        /// The value returned.
        value: i64,
        /// How the server knew it could answer.
        path: ReadPath,
    },
}

/// Why a leader appended a configuration entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeStep {
    /// The first step of a change someone asked for.
    Requested(MembershipChange),
    /// A learner caught up with the log, so it becomes a voter (thesis §4.2.1).
    Promote(NodeId),
    /// The joint configuration C_old,new is committed, so the leader moves to C_new (§6).
    LeaveJoint,
}

/// A leadership transfer under way (thesis §3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// The server that is to lead next.
    pub target: NodeId,
    /// When the leader gives up: an election timeout after it began.
    pub deadline: Time,
    /// Whether TimeoutNow has gone out (once the target's log matched).
    pub timeout_now_sent: bool,
}

/// Why a leader would not begin a leadership transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferRefusal {
    /// This server is not a running leader.
    NotLeader,
    /// The target is this server itself.
    AlreadyLeader,
    /// No server of the cluster has that id.
    UnknownServer(NodeId),
    /// The target does not vote in the leader's configuration, so it cannot be elected.
    NotVoter(NodeId),
}

/// What one call into a node produced: messages to send and events to record.
///
/// The world keeps one `Output` and drains it after each call, so the vectors' allocations are
/// reused on the hot path.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// Messages to send, in the order the node produced them.
    pub messages: Vec<(Endpoint, Message)>,
    /// Events, in the order they happened.
    pub events: Vec<NodeEvent>,
}

/// The timers of a server, by what it is doing. A leader has a heartbeat (and, with CheckQuorum,
/// a quorum window) but no election timer; every other running server has only an election timer.
/// Keeping them in one enum makes a leader with a pending election deadline, which [`Node::tick`]
/// would never act on, impossible to represent; `tick` dispatches on this value, so whatever
/// [`Node::next_timer`] offers is what `tick` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timers {
    /// No timer runs: the server is stopped, or was created and not yet started.
    Idle,
    /// A follower, pre-candidate or candidate: it campaigns when `deadline` passes.
    Election {
        /// When the election timeout runs out.
        deadline: Time,
    },
    /// A leader: it sends heartbeats, and with CheckQuorum it checks its quorum every window.
    Leader {
        /// When the next heartbeat goes out.
        heartbeat: Time,
        /// With CheckQuorum on, when the current window ends; `None` with CheckQuorum off.
        quorum_deadline: Option<Time>,
        /// A leadership transfer under way, with the time the leader gives up on it. Part of the
        /// leader's timers, so it ends with the leadership however that ends.
        transfer: Option<Transfer>,
    },
}

impl Timers {
    /// The election deadline, if this is an election timer.
    fn election_deadline(self) -> Option<Time> {
        match self {
            Timers::Election { deadline } => Some(deadline),
            _ => None,
        }
    }
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Node {
    id: NodeId,
    options: NodeOptions,
    stopped: bool,

    // Persistent state on all servers (Figure 2): survives stop and restart.
    current_term: Term,
    voted_for: Option<NodeId>,
    log: RaftLog,

    // Volatile state on all servers.
    role: Role,
    commit_index: LogIndex,
    last_applied: LogIndex,
    value: i64,
    sessions: Sessions,
    leader: Option<NodeId>,
    votes: Voters,
    timers: Timers,
    last_leader_contact: Option<Time>,

    // Volatile state on leaders, reinitialised after election.
    next_index: Vec<LogIndex>,
    match_index: Vec<LogIndex>,
    heard_from: Voters,
    /// A requested membership change held until an entry of this leader's term commits.
    pending_change: Option<MembershipChange>,
    /// GETs waiting for the leader to confirm its leadership or to apply up to the read index.
    pending_reads: Vec<PendingRead>,
    /// Per server, the send time of the latest AppendEntries of this term it answered: it
    /// still followed this leader then (thesis §6.4).
    acked_at: Vec<Option<Time>>,
    /// Set once this leader sent TimeoutNow: another server may now be elected without waiting
    /// for an election timeout, so this leader's lease means nothing for the rest of its term.
    lease_void: bool,
}

impl Node {
    /// A fresh server with an empty log in term 0. Its timers are not running until
    /// [`Node::start`] is called.
    pub fn new(id: NodeId, options: NodeOptions) -> Node {
        Node::restore(id, options, 0, None, RaftLog::new())
    }

    /// A server restored from persistent state (`currentTerm`, `votedFor`, `log`), as after a
    /// crash; tests use it to set up the paper's figures. Timers start with [`Node::start`].
    pub fn restore(
        id: NodeId,
        options: NodeOptions,
        current_term: Term,
        voted_for: Option<NodeId>,
        log: RaftLog,
    ) -> Node {
        let size = slots_for(options.bootstrap);
        // The state machine starts from the snapshot, as after a restart (see `restart`).
        let (applied, value, sessions) = log.snapshot().map_or((0, 0, Sessions::new()), |s| {
            (s.last_index, s.value, s.sessions.clone())
        });
        Node {
            id,
            options,
            stopped: false,
            current_term,
            voted_for,
            log,
            role: Role::Follower,
            commit_index: applied,
            last_applied: applied,
            value,
            sessions,
            leader: None,
            votes: Voters::default(),
            timers: Timers::Idle,
            last_leader_contact: None,
            next_index: vec![1; size],
            match_index: vec![0; size],
            heard_from: Voters::default(),
            pending_change: None,
            pending_reads: Vec::new(),
            acked_at: vec![None; size],
            lease_void: false,
        }
    }

    // ----- read-only accessors -------------------------------------------------------------

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The options it runs with.
    pub fn options(&self) -> &NodeOptions {
        &self.options
    }
    /// Its role. A stopped server keeps the role it had when it stopped; check
    /// [`Node::is_stopped`] first.
    pub fn role(&self) -> Role {
        self.role
    }
    /// `currentTerm`.
    pub fn term(&self) -> Term {
        self.current_term
    }
    /// `votedFor` in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// The votes a (pre-)candidate or leader holds in its current campaign, its own included.
    pub fn votes_held(&self) -> Voters {
        self.votes
    }
    /// The log.
    pub fn log(&self) -> &RaftLog {
        &self.log
    }
    /// The log's entries, in index order.
    pub fn entries(&self) -> crate::chunked::Slice<'_, LogEntry> {
        self.log.entries()
    }
    /// `commitIndex`: the highest index known to be committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    /// `lastApplied`: the highest index applied to the state machine.
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }
    /// The state machine's value.
    pub fn value(&self) -> i64 {
        self.value
    }
    /// The leader this server believes in for its current term, if any (itself when leader).
    pub fn leader_hint(&self) -> Option<NodeId> {
        self.leader
    }
    /// When the election timer runs out, if it is running (not on a leader or a stopped server).
    pub fn election_deadline(&self) -> Option<Time> {
        self.timers.election_deadline()
    }
    /// When a leader sends its next heartbeat.
    pub fn next_heartbeat(&self) -> Option<Time> {
        match self.timers {
            Timers::Leader { heartbeat, .. } => Some(heartbeat),
            _ => None,
        }
    }
    /// Whether the server is stopped (crashed).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }
    /// What the server is doing, in one word: `stopped`, or its role as the page spells it
    /// (`data-role`, the logs' row classes, the catalogue's `role.*`).
    pub fn state_name(&self) -> &'static str {
        if self.stopped {
            "stopped"
        } else {
            self.role.as_str()
        }
    }
    /// Whether the server is running and leader.
    pub fn is_leader(&self) -> bool {
        !self.stopped && self.role == Role::Leader
    }
    /// A leader's `nextIndex` for every server (indexed by `NodeId::index`; its own slot is its
    /// last index plus one); `None` when not leader.
    pub fn next_index(&self) -> Option<&[LogIndex]> {
        (self.role == Role::Leader).then_some(self.next_index.as_slice())
    }
    /// A leader's `matchIndex` for every server (its own slot is its last index); `None` when not
    /// leader.
    pub fn match_index(&self) -> Option<&[LogIndex]> {
        (self.role == Role::Leader).then_some(self.match_index.as_slice())
    }
    /// The configuration this server uses: the latest in its log, committed or not (§6), or the
    /// one it started with; and the index of its entry (0 for the starting one).
    pub fn config_entry(&self) -> (LogIndex, Membership) {
        self.log
            .latest_config()
            .unwrap_or((0, Membership::simple(self.options.bootstrap)))
    }
    /// The configuration this server uses (see [`Node::config_entry`]).
    pub fn membership(&self) -> Membership {
        self.config_entry().1
    }
    /// Whether this server campaigns when its election timer runs out: it votes in the
    /// configuration it uses, or that configuration is not known to be committed and it voted in
    /// the one before. (A change that would remove it may never commit, and its log may be the
    /// one the cluster needs to finish or undo that change: refusing to campaign then could leave
    /// no server able to win.)
    pub fn may_campaign(&self) -> bool {
        let (index, config) = self.config_entry();
        if config.is_voter(self.id) {
            return true;
        }
        index > self.commit_index
            && self
                .log
                .config_at(index - 1)
                .map_or(Membership::simple(self.options.bootstrap), |(_, m)| m)
                .is_voter(self.id)
    }
    /// A change this leader holds until an entry of its term is committed.
    pub fn pending_change(&self) -> Option<MembershipChange> {
        self.pending_change
    }
    /// The earliest time at which [`Node::tick`] has something to do, if any.
    pub fn next_timer(&self) -> Option<Time> {
        match self.timers {
            Timers::Idle => None,
            Timers::Election { deadline } => Some(deadline),
            Timers::Leader {
                heartbeat,
                quorum_deadline,
                transfer,
            } => Some(
                [quorum_deadline, transfer.map(|t| t.deadline)]
                    .into_iter()
                    .flatten()
                    .fold(heartbeat, Time::min),
            ),
        }
    }

    // ----- driving the node ----------------------------------------------------------------

    /// Starts the election timer of a freshly created server.
    pub fn start<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R) {
        self.reset_election_timer(now, rng);
    }

    /// Replaces the options (the user changed a setting). Timers already running keep their
    /// deadlines; new values apply from the next reset.
    pub fn set_options(&mut self, options: NodeOptions, now: Time) {
        self.options = options;
        if let Timers::Leader {
            quorum_deadline, ..
        } = &mut self.timers
        {
            *quorum_deadline = if options.check_quorum {
                quorum_deadline.or(Some(now + options.election_timeout_min_us))
            } else {
                None
            };
        }
    }

    /// Crashes the server: it stops all timers and will ignore everything until restarted.
    pub fn stop(&mut self) {
        self.stopped = true;
        self.timers = Timers::Idle;
    }

    /// Restarts a stopped server from its persistent state. Volatile state starts over: it is a
    /// follower whose state machine is its snapshot's (or empty, with commit index 0), and it
    /// rebuilds the value by re-applying entries as it learns the commit index again.
    pub fn restart<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R, out: &mut Output) {
        self.stopped = false;
        if self.role != Role::Follower {
            out.events.push(NodeEvent::RoleChanged {
                from: self.role,
                to: Role::Follower,
                term: self.current_term,
            });
        }
        if self.options.safety.forget_vote_on_restart {
            self.voted_for = None;
        }
        self.role = Role::Follower;
        self.pending_change = None;
        self.pending_reads.clear();
        // The state machine starts from the snapshot, if there is one (§7): it is persistent and
        // holds only committed entries.
        match self.log.snapshot() {
            Some(s) => {
                self.commit_index = s.last_index;
                self.last_applied = s.last_index;
                self.value = s.value;
                self.sessions = s.sessions.clone();
            }
            None => {
                self.commit_index = 0;
                self.last_applied = 0;
                self.value = 0;
                self.sessions.clear();
            }
        }
        self.leader = None;
        self.votes = Voters::default();
        self.last_leader_contact = None;
        self.timers = Timers::Idle;
        self.heard_from = Voters::default();
        self.next_index.iter_mut().for_each(|n| *n = 1);
        self.match_index.iter_mut().for_each(|m| *m = 0);
        self.acked_at.iter_mut().for_each(|a| *a = None);
        if self.options.read_mode == ReadMode::Lease {
            // A leader's lease counts on this server not voting for anyone else until an
            // election timeout after it last heard from that leader (§6). A crash made it
            // forget when that was, so it waits a whole timeout from now instead.
            self.last_leader_contact = Some(now);
        }
        self.reset_election_timer(now, rng);
    }

    /// Runs whatever timer has expired by `now`: the election timeout of a follower or
    /// candidate, or the heartbeat (and CheckQuorum) timer of a leader.
    pub fn tick<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R, out: &mut Output) {
        if self.stopped {
            return;
        }
        self.compact_if_due(out);
        debug_assert_eq!(
            matches!(self.timers, Timers::Leader { .. }),
            self.role == Role::Leader,
            "a running server has leader timers exactly when it is leader"
        );
        match self.timers {
            Timers::Idle => {}
            Timers::Election { deadline } => {
                if deadline <= now {
                    self.election_timeout(now, rng, out, false);
                }
            }
            Timers::Leader {
                mut heartbeat,
                mut quorum_deadline,
                mut transfer,
            } => {
                if let Some(t) = transfer.filter(|t| t.deadline <= now) {
                    out.events.push(NodeEvent::TransferAborted {
                        target: t.target,
                        term: self.current_term,
                    });
                    transfer = None;
                }
                if quorum_deadline.is_some_and(|d| d <= now) {
                    let heard = |id: NodeId| id == self.id || self.heard_from.contains(id);
                    if !self.quorum().is_majority(heard) {
                        out.events.push(NodeEvent::LostQuorum {
                            term: self.current_term,
                        });
                        self.become_follower(self.current_term, None, now, rng, out);
                        return;
                    }
                    self.heard_from = Voters::default();
                    quorum_deadline = Some(now + self.options.election_timeout_min_us);
                }
                if heartbeat <= now {
                    self.broadcast_append(now, out);
                    heartbeat = now + self.options.heartbeat_interval_us;
                }
                self.timers = Timers::Leader {
                    heartbeat,
                    quorum_deadline,
                    transfer,
                };
            }
        }
    }

    /// Makes the election timer run out now, whatever the role (the user's "time out" action). A
    /// leader forced this way starts an election in a new term like anyone else. The election
    /// is a forced one: voters grant it even if they heard from a leader recently.
    pub fn timeout_now<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R, out: &mut Output) {
        if self.stopped {
            return;
        }
        self.election_timeout(now, rng, out, true);
    }

    /// The leadership transfer under way, if this server is a leader handing over.
    pub fn transfer(&self) -> Option<Transfer> {
        match self.timers {
            Timers::Leader { transfer, .. } => transfer,
            _ => None,
        }
    }

    /// Begins handing leadership to `target` (thesis §3.10): from now on this leader takes no
    /// new commands; it brings `target`'s log up to date and then sends it TimeoutNow, which
    /// makes `target` start an election at once, one that its up-to-date log wins. If that has
    /// not happened within an election timeout, the leader gives up and carries on. A new
    /// request replaces a transfer already under way.
    pub fn transfer_leadership(
        &mut self,
        target: NodeId,
        now: Time,
        out: &mut Output,
    ) -> Result<(), TransferRefusal> {
        if !self.is_leader() {
            return Err(TransferRefusal::NotLeader);
        }
        if target == self.id {
            return Err(TransferRefusal::AlreadyLeader);
        }
        if target.index() >= self.next_index.len() {
            return Err(TransferRefusal::UnknownServer(target));
        }
        if !self.membership().is_voter(target) {
            return Err(TransferRefusal::NotVoter(target));
        }
        let Timers::Leader { transfer, .. } = &mut self.timers else {
            return Err(TransferRefusal::NotLeader);
        };
        *transfer = Some(Transfer {
            target,
            deadline: now.saturating_add(self.options.election_timeout_max_us),
            timeout_now_sent: false,
        });
        out.events.push(NodeEvent::TransferStarted {
            target,
            term: self.current_term,
        });
        if !self.send_timeout_now_if_caught_up(out) {
            self.send_append(target, now, out);
        }
        Ok(())
    }

    /// During a transfer, sends TimeoutNow to the target once its log matches the leader's
    /// (once only); says whether it has gone out.
    fn send_timeout_now_if_caught_up(&mut self, out: &mut Output) -> bool {
        let last = self.log.last_index();
        let term = self.current_term;
        let Timers::Leader {
            transfer: Some(t), ..
        } = &mut self.timers
        else {
            return false;
        };
        if !t.timeout_now_sent && self.match_index[t.target.index()] == last {
            t.timeout_now_sent = true;
            self.lease_void = true;
            out.events.push(NodeEvent::TimeoutNowSent {
                target: t.target,
                term,
            });
            out.messages
                .push((Endpoint::Node(t.target), Message::TimeoutNow { term }));
        }
        t.timeout_now_sent
    }

    /// TimeoutNow from the leader (thesis §3.10): start an election now, without waiting for the
    /// election timer and without a pre-vote, since the leader itself asked for it.
    fn on_timeout_now<R: Rng + ?Sized>(
        &mut self,
        leader: NodeId,
        term: Term,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        if term < self.current_term || !self.may_campaign() {
            return;
        }
        // A newer term is adopted first (§5.1), so the election is in the term after the
        // leader's, which outranks it.
        if term > self.current_term {
            self.become_follower(term, Some(leader), now, rng, out);
        }
        self.start_election(now, rng, out, true);
    }

    /// Handles one message that arrived from `from`.
    pub fn handle<R: Rng + ?Sized>(
        &mut self,
        from: Endpoint,
        msg: Message,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        if self.stopped {
            return;
        }
        self.compact_if_due(out);
        match (from, msg) {
            (
                Endpoint::Node(c),
                Message::RequestVote {
                    term,
                    last_log_index,
                    last_log_term,
                    forced,
                },
            ) => self.on_request_vote(
                c,
                VoteRequest {
                    term,
                    last_log_index,
                    last_log_term,
                    forced,
                },
                now,
                rng,
                out,
            ),
            (Endpoint::Node(v), Message::RequestVoteReply { term, granted }) => {
                self.on_request_vote_reply(v, term, granted, now, rng, out)
            }
            (
                Endpoint::Node(l),
                Message::AppendEntries {
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                    sent_at,
                },
            ) => self.on_append_entries(
                l,
                AppendArgs {
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                    sent_at,
                },
                now,
                rng,
                out,
            ),
            (
                Endpoint::Node(f),
                Message::AppendEntriesReply {
                    term,
                    success,
                    match_index,
                    conflict_term,
                    conflict_index,
                    sent_at,
                },
            ) => self.on_append_reply(
                f,
                AppendReply {
                    term,
                    success,
                    match_index,
                    conflict_term,
                    conflict_index,
                    sent_at,
                },
                now,
                rng,
                out,
            ),
            (Endpoint::Node(l), Message::InstallSnapshot { term, snapshot }) => {
                self.on_install_snapshot(l, term, *snapshot, now, rng, out)
            }
            (Endpoint::Node(f), Message::InstallSnapshotReply { term, last_index }) => {
                let reply = AppendReply {
                    term,
                    success: true,
                    match_index: last_index,
                    conflict_term: None,
                    conflict_index: 0,
                    sent_at: 0,
                };
                self.on_append_reply(f, reply, now, rng, out)
            }
            (
                Endpoint::Node(c),
                Message::PreVote {
                    term,
                    last_log_index,
                    last_log_term,
                },
            ) => self.on_pre_vote(c, term, last_log_index, last_log_term, now, out),
            (Endpoint::Node(v), Message::PreVoteReply { term, granted }) => {
                self.on_pre_vote_reply(v, term, granted, now, rng, out)
            }
            (Endpoint::Client(c), Message::ClientRequest { seq, command }) => {
                self.on_client_request(c, seq, command, now, out)
            }
            (Endpoint::Node(l), Message::TimeoutNow { term }) => {
                self.on_timeout_now(l, term, now, rng, out)
            }
            // Anything else is malformed (a server never receives client responses, and Raft
            // messages only come from servers); ignoring it is the safe choice.
            _ => {}
        }
    }

    // ----- elections -----------------------------------------------------------------------

    fn reset_election_timer<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R) {
        let min = self.options.election_timeout_min_us;
        let max = self.options.election_timeout_max_us.max(min);
        let timeout = if self.options.safety.fixed_election_timeout || min == max {
            min
        } else {
            rng.random_range(min..=max)
        };
        self.timers = Timers::Election {
            deadline: now + timeout,
        };
    }

    fn set_role(&mut self, role: Role, out: &mut Output) {
        if role != Role::Leader {
            // A held membership change ends with the leadership, like a transfer, and so do
            // reads waiting for it (their clients retry elsewhere).
            self.pending_change = None;
            self.pending_reads.clear();
        }
        if self.role != role {
            out.events.push(NodeEvent::RoleChanged {
                from: self.role,
                to: role,
                term: self.current_term,
            });
            self.role = role;
        }
    }

    /// Steps down to follower in `term` (adopting it if newer, which clears `votedFor`).
    fn become_follower<R: Rng + ?Sized>(
        &mut self,
        term: Term,
        leader: Option<NodeId>,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        if term > self.current_term {
            out.events.push(NodeEvent::TermChanged {
                from: self.current_term,
                to: term,
            });
            self.current_term = term;
            self.voted_for = None;
            self.leader = None;
        }
        self.set_role(Role::Follower, out);
        self.votes = Voters::default();
        if leader.is_some() {
            self.leader = leader;
        } else if self.leader == Some(self.id) {
            self.leader = None;
        }
        // A leader's timers give way to an election timer. Anyone else keeps the deadline it has:
        // Figure 2 resets it only on hearing the current leader, granting a vote or starting an
        // election, and adopting a newer term is none of those.
        if self.timers.election_deadline().is_none() {
            self.reset_election_timer(now, rng);
        }
    }

    /// The election timer ran out (or the user forced it, `forced`). Only a voter campaigns (see
    /// [`Node::may_campaign`]): a learner, or a server the configuration leaves out, waits to
    /// hear from a leader (thesis §4.2.1).
    fn election_timeout<R: Rng + ?Sized>(
        &mut self,
        now: Time,
        rng: &mut R,
        out: &mut Output,
        forced: bool,
    ) {
        if !self.may_campaign() {
            // Its timer stays off until a leader's AppendEntries starts it again: a server that
            // may not campaign has nothing to time out for, and a removed one would otherwise
            // tick for ever.
            self.set_role(Role::Follower, out);
            self.timers = Timers::Idle;
        } else if self.options.pre_vote {
            self.start_pre_vote(now, rng, out);
        } else {
            self.start_election(now, rng, out, forced);
        }
    }

    fn start_pre_vote<R: Rng + ?Sized>(&mut self, now: Time, rng: &mut R, out: &mut Output) {
        let term = self.current_term + 1;
        out.events.push(NodeEvent::PreVoteStarted { term });
        self.set_role(Role::PreCandidate, out);
        self.leader = None;
        self.votes = Voters::default();
        self.votes = self.votes.with(self.id);
        self.reset_election_timer(now, rng);
        if self.has_vote_majority() {
            self.start_election(now, rng, out, false);
            return;
        }
        let msg = Message::PreVote {
            term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        self.send_to_peers(&msg, out);
    }

    /// Starts an election in the next term. `forced` marks one the leader asked for (TimeoutNow)
    /// or the user forced: voters grant it even if they heard from a leader recently (thesis
    /// §3.10, §4.2.3).
    fn start_election<R: Rng + ?Sized>(
        &mut self,
        now: Time,
        rng: &mut R,
        out: &mut Output,
        forced: bool,
    ) {
        out.events.push(NodeEvent::TermChanged {
            from: self.current_term,
            to: self.current_term + 1,
        });
        self.current_term += 1;
        self.voted_for = Some(self.id);
        out.events.push(NodeEvent::ElectionStarted {
            term: self.current_term,
        });
        self.set_role(Role::Candidate, out);
        self.leader = None;
        self.votes = Voters::default();
        self.votes = self.votes.with(self.id);
        self.reset_election_timer(now, rng);
        if self.has_vote_majority() {
            self.become_leader(now, out);
            return;
        }
        let msg = Message::RequestVote {
            term: self.current_term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            forced,
        };
        self.send_to_peers(&msg, out);
    }

    /// Sends `msg` to every other voter of this server's configuration (votes are asked of
    /// voters only).
    fn send_to_peers(&self, msg: &Message, out: &mut Output) {
        for p in self.membership().voters().without(self.id).iter() {
            out.messages.push((Endpoint::Node(p), msg.clone()));
        }
    }

    /// Whether this server heard from a leader within `window` (or is the leader): then a
    /// candidate is most likely a server that was cut off or removed.
    fn leader_heard_within(&self, now: Time, window: Time) -> bool {
        self.role == Role::Leader
            || self
                .last_leader_contact
                .is_some_and(|t| now < t.saturating_add(window))
    }

    fn on_request_vote<R: Rng + ?Sized>(
        &mut self,
        candidate: NodeId,
        request: VoteRequest,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        let VoteRequest {
            term,
            last_log_index,
            last_log_term,
            forced,
        } = request;
        // §6: a server that heard from a current leader within the minimum election timeout
        // neither adopts the candidate's newer term nor votes, so a removed server that times out
        // cannot depose a working leader. Elections the leader asked for are exempt.
        let ignore = term > self.current_term
            && !forced
            && !self.options.safety.vote_despite_live_leader
            && self.leader_heard_within(now, self.options.cluster_election_timeout_min_us);
        if term > self.current_term && !ignore {
            self.become_follower(term, None, now, rng, out);
        }
        let refusal = if ignore {
            Some(DenyReason::LeaderIsAlive)
        } else if term < self.current_term {
            Some(DenyReason::StaleTerm)
        } else if let Some(v) = self.voted_for.filter(|&v| v != candidate) {
            Some(DenyReason::AlreadyVoted(v))
        } else if !self.options.safety.vote_without_log_check
            && !self
                .log
                .candidate_is_up_to_date(last_log_term, last_log_index)
        {
            Some(DenyReason::LogNotUpToDate)
        } else {
            None
        };
        match refusal {
            None => {
                self.voted_for = Some(candidate);
                // Granting a vote resets the timer (Figure 2, Followers) so the voter gives the
                // candidate time to win before campaigning itself.
                self.reset_election_timer(now, rng);
                out.events.push(NodeEvent::VoteGranted { candidate, term });
            }
            Some(reason) => out.events.push(NodeEvent::VoteDenied {
                candidate,
                term,
                reason,
            }),
        }
        out.messages.push((
            Endpoint::Node(candidate),
            Message::RequestVoteReply {
                term: self.current_term,
                granted: refusal.is_none(),
            },
        ));
    }

    fn on_request_vote_reply<R: Rng + ?Sized>(
        &mut self,
        voter: NodeId,
        term: Term,
        granted: bool,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        if term > self.current_term {
            self.become_follower(term, None, now, rng, out);
            return;
        }
        if self.role != Role::Candidate || term != self.current_term || !granted {
            return;
        }
        if self.count_vote(voter, term, false, out) {
            self.become_leader(now, out);
        }
    }

    /// Records a granted (pre-)vote, reporting it if it is new, and says whether the votes now
    /// make a majority (§5.2).
    fn count_vote(&mut self, voter: NodeId, term: Term, pre_vote: bool, out: &mut Output) -> bool {
        if !self.votes.contains(voter) {
            self.votes = self.votes.with(voter);
            out.events.push(NodeEvent::VoteReceived {
                voter,
                term,
                votes: self.votes.len() as u32,
                pre_vote,
            });
        }
        self.has_vote_majority()
    }

    /// Whether the (pre-)votes held, this server's own included, make a majority (§5.2).
    fn has_vote_majority(&self) -> bool {
        self.quorum().is_majority(|id| self.votes.contains(id))
    }

    /// The servers whose votes count, and how they make a majority: those of the configuration
    /// in use (§6).
    pub fn quorum(&self) -> Quorum {
        self.membership().quorum
    }

    fn on_pre_vote(
        &mut self,
        candidate: NodeId,
        term: Term,
        last_log_index: LogIndex,
        last_log_term: Term,
        now: Time,
        out: &mut Output,
    ) {
        // A pre-vote changes nothing here: no term update, no votedFor, no timer reset. That is
        // what makes it harmless for a server cut off from the cluster to ask.
        let leader_alive = self.leader_heard_within(now, self.options.election_timeout_min_us);
        let refusal = if term <= self.current_term {
            Some(DenyReason::StaleTerm)
        } else if !self.options.safety.vote_without_log_check
            && !self
                .log
                .candidate_is_up_to_date(last_log_term, last_log_index)
        {
            Some(DenyReason::LogNotUpToDate)
        } else if leader_alive {
            Some(DenyReason::LeaderIsAlive)
        } else {
            None
        };
        out.events.push(NodeEvent::PreVoteAnswered {
            candidate,
            term,
            granted: refusal.is_none(),
            reason: refusal,
        });
        out.messages.push((
            Endpoint::Node(candidate),
            Message::PreVoteReply {
                term: if refusal.is_none() {
                    term
                } else {
                    self.current_term
                },
                granted: refusal.is_none(),
            },
        ));
    }

    fn on_pre_vote_reply<R: Rng + ?Sized>(
        &mut self,
        voter: NodeId,
        term: Term,
        granted: bool,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        if !granted {
            if term > self.current_term {
                self.become_follower(term, None, now, rng, out);
            }
            return;
        }
        if self.role != Role::PreCandidate || term != self.current_term + 1 {
            return;
        }
        if self.count_vote(voter, term, true, out) {
            self.start_election(now, rng, out, false);
        }
    }

    fn become_leader(&mut self, now: Time, out: &mut Output) {
        self.set_role(Role::Leader, out);
        self.leader = Some(self.id);
        self.make_room_for(self.membership().members().with(self.id));
        let next = self.log.last_index() + 1;
        self.next_index.iter_mut().for_each(|n| *n = next);
        self.match_index.iter_mut().for_each(|m| *m = 0);
        self.acked_at.clear();
        self.acked_at.resize(self.next_index.len(), None);
        self.lease_void = false;
        self.heard_from = Voters::default();
        if self.options.noop_on_election {
            self.leader_append(Command::NoOp, None, out);
        }
        let me = self.id.index();
        self.match_index[me] = self.log.last_index();
        self.next_index[me] = self.log.last_index() + 1;
        // Upon election: send initial empty AppendEntries RPCs (heartbeat) to each server
        // (Figure 2, Leaders), which also tells everyone who won.
        self.broadcast_append(now, out);
        self.timers = Timers::Leader {
            heartbeat: now + self.options.heartbeat_interval_us,
            quorum_deadline: self
                .options
                .check_quorum
                .then_some(now + self.options.election_timeout_min_us),
            transfer: None,
        };
        self.advance_commit(now, out);
    }

    // ----- log replication -----------------------------------------------------------------

    fn leader_append(&mut self, command: Command, request: Option<RequestId>, out: &mut Output) {
        let entry = self.log.push(self.current_term, command, request);
        let me = self.id.index();
        self.match_index[me] = entry.index;
        self.next_index[me] = entry.index + 1;
        out.events.push(NodeEvent::EntryAppended { entry });
    }

    /// Sends AppendEntries to every other member of the configuration, learners included.
    fn broadcast_append(&self, now: Time, out: &mut Output) {
        for p in self.membership().members().without(self.id).iter() {
            self.send_append(p, now, out);
        }
    }

    /// Sends `peer` what it needs next: entries from its `nextIndex`, or the snapshot when those
    /// entries are compacted away (§7).
    fn send_append(&self, peer: NodeId, now: Time, out: &mut Output) {
        let Some(&next) = self.next_index.get(peer.index()) else {
            return;
        };
        let next = next.clamp(1, self.log.last_index() + 1);
        if next <= self.log.snapshot_index() {
            self.send_snapshot(peer, out);
            return;
        }
        let prev_log_index = next - 1;
        let prev_log_term = self.log.term_at(prev_log_index).unwrap_or(0);
        let entries = self.log.slice_from(next, MAX_ENTRIES_PER_APPEND).to_vec();
        out.messages.push((
            Endpoint::Node(peer),
            Message::AppendEntries {
                term: self.current_term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit: self.commit_index,
                sent_at: now,
            },
        ));
    }

    fn on_append_entries<R: Rng + ?Sized>(
        &mut self,
        leader: NodeId,
        args: AppendArgs,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        let sent_at = args.sent_at;
        let reject = |node: &Node, out: &mut Output, conflict_term, conflict_index| {
            out.messages.push((
                Endpoint::Node(leader),
                Message::AppendEntriesReply {
                    term: node.current_term,
                    success: false,
                    match_index: 0,
                    conflict_term,
                    conflict_index,
                    sent_at,
                },
            ));
        };
        // 1. Reply false if term < currentTerm (§5.1). The reply echoes no send time: this
        // server does not follow that leader, so its answer backs no lease or read.
        if args.term < self.current_term {
            out.messages.push((
                Endpoint::Node(leader),
                Message::AppendEntriesReply {
                    term: self.current_term,
                    success: false,
                    match_index: 0,
                    conflict_term: None,
                    conflict_index: 0,
                    sent_at: 0,
                },
            ));
            return;
        }
        if args.term == self.current_term && self.role == Role::Leader {
            // Two leaders in one term cannot happen unless a safety rule is switched off; the
            // checker reports it, and this leader keeps its log rather than obey a rival.
            reject(self, out, None, 0);
            return;
        }
        if args.term > self.current_term || self.role != Role::Follower {
            self.become_follower(args.term, Some(leader), now, rng, out);
        }
        self.leader = Some(leader);
        self.last_leader_contact = Some(now);
        self.reset_election_timer(now, rng);

        // 2. Reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm.
        // Entries this server's snapshot replaced are committed, so they match the leader's
        // (Log Matching); the snapshot's part of the request is skipped.
        let base = self.log.snapshot_index();
        let have = self.log.term_at(args.prev_log_index);
        let matches = args.prev_log_index < base
            || match have {
                Some(t) => t == args.prev_log_term || self.options.safety.skip_prev_log_check,
                None => false,
            };
        if !matches {
            out.events.push(NodeEvent::AppendRejected {
                leader,
                prev_log_index: args.prev_log_index,
                prev_log_term: args.prev_log_term,
            });
            // The fast back-up hint: name the conflicting term and where it starts, or where the
            // log ends, so the leader can skip a whole term per round trip instead of one entry.
            let (conflict_term, conflict_index) = match have {
                Some(t) => (
                    Some(t),
                    self.log.first_index_of_term_before(t, args.prev_log_index),
                ),
                None => (None, self.log.last_index() + 1),
            };
            reject(self, out, conflict_term, conflict_index);
            return;
        }

        // 3. and 4. Delete conflicting entries and what follows them; append new ones.
        let mut last_new = args.prev_log_index;
        for entry in args.entries {
            if entry.index != last_new + 1 {
                break;
            }
            if entry.index <= base {
                last_new = entry.index;
                continue;
            }
            match self.log.term_at(entry.index) {
                Some(t) if t == entry.term => {}
                Some(_) => {
                    let count = self.log.truncate_from(entry.index) as u64;
                    out.events.push(NodeEvent::EntriesTruncated {
                        from_index: entry.index,
                        count,
                    });
                    self.log.push_entry(entry);
                    out.events.push(NodeEvent::EntryAppended { entry });
                }
                None => {
                    self.log.push_entry(entry);
                    out.events.push(NodeEvent::EntryAppended { entry });
                }
            }
            last_new = entry.index;
        }

        // 5. If leaderCommit > commitIndex, commitIndex = min(leaderCommit, last new entry).
        if args.leader_commit > self.commit_index {
            let new_commit = args.leader_commit.min(last_new);
            if new_commit > self.commit_index {
                out.events.push(NodeEvent::CommitAdvanced {
                    from: self.commit_index,
                    to: new_commit,
                });
                self.commit_index = new_commit;
                self.apply_committed(out);
            }
        }
        out.messages.push((
            Endpoint::Node(leader),
            Message::AppendEntriesReply {
                term: self.current_term,
                success: true,
                match_index: last_new,
                conflict_term: None,
                conflict_index: 0,
                sent_at,
            },
        ));
    }

    /// An AppendEntries reply, or an InstallSnapshot reply read as a successful one up to the
    /// snapshot's last index.
    fn on_append_reply<R: Rng + ?Sized>(
        &mut self,
        follower: NodeId,
        reply: AppendReply,
        now: Time,
        rng: &mut R,
        out: &mut Output,
    ) {
        let AppendReply {
            term,
            success,
            match_index,
            conflict_term,
            conflict_index,
            sent_at,
        } = reply;
        if term > self.current_term {
            self.become_follower(term, None, now, rng, out);
            return;
        }
        if self.role != Role::Leader || term != self.current_term {
            return;
        }
        let p = follower.index();
        if p >= self.next_index.len() {
            return;
        }
        self.heard_from = self.heard_from.with(follower);
        // Whatever the answer, the follower was in this leader's term when it answered.
        if sent_at > 0 {
            let acked = &mut self.acked_at[p];
            *acked = Some(acked.map_or(sent_at, |a| a.max(sent_at)));
        }
        if success {
            let match_index = match_index.min(self.log.last_index());
            if match_index > self.match_index[p] {
                self.match_index[p] = match_index;
            }
            if match_index + 1 > self.next_index[p] {
                self.next_index[p] = match_index + 1;
            }
            self.advance_commit(now, out);
            // A learner may have caught up (thesis §4.2.1).
            self.advance_membership(now, out);
            // A transfer target still catching up gets the rest at once, not at the next
            // heartbeat; once it matches, it gets TimeoutNow.
            let catching_up = self.transfer().is_some_and(|t| t.target == follower)
                && !self.send_timeout_now_if_caught_up(out);
            if (self.options.replicate_immediately || catching_up)
                && self.next_index[p] <= self.log.last_index()
            {
                self.send_append(follower, now, out);
            }
        } else {
            // Back up nextIndex using the follower's hint: past the whole conflicting term if we
            // have none of it, or to just after our last entry of that term if we do.
            let hinted = match conflict_term {
                Some(t) => match self.log.last_index_of_term(t) {
                    Some(i) => i + 1,
                    None => conflict_index,
                },
                None => conflict_index,
            };
            let new_next = hinted
                .max(self.match_index[p] + 1)
                .clamp(1, self.log.last_index() + 1);
            // A reply that would not move nextIndex back is a stale duplicate; resending for it
            // would only multiply traffic.
            if new_next < self.next_index[p] {
                self.next_index[p] = new_next;
                self.send_append(follower, now, out);
            }
        }
        self.serve_reads(now, out);
    }

    /// Commits the highest index stored on a majority, provided its entry is from the current
    /// term (§5.4.2): a leader never commits an older term's entry by counting replicas.
    fn advance_commit(&mut self, now: Time, out: &mut Output) {
        let me = self.id.index();
        self.match_index[me] = self.log.last_index();
        let n = self
            .quorum()
            .committed_index(|id| self.match_index.get(id.index()).copied().unwrap_or(0));
        if n <= self.commit_index {
            self.serve_reads(now, out);
            return;
        }
        let own_term = self.log.term_at(n) == Some(self.current_term);
        if own_term || self.options.safety.commit_old_terms_by_counting {
            out.events.push(NodeEvent::CommitAdvanced {
                from: self.commit_index,
                to: n,
            });
            let before = self.commit_index;
            self.commit_index = n;
            self.apply_committed(out);
            if let Some((index, config)) = self.log.config_at(n).filter(|&(i, _)| i > before) {
                out.events
                    .push(NodeEvent::ConfigCommitted { config, index });
            }
            self.advance_membership(now, out);
        }
        self.serve_reads(now, out);
    }

    // ----- membership changes (§6, thesis chapter 4) -------------------------------------------

    /// Grows the leader's per-server vectors to cover every server of `members`.
    fn make_room_for(&mut self, members: Voters) {
        let slots = slots_for(members);
        if self.next_index.len() < slots {
            self.next_index.resize(slots, self.log.last_index() + 1);
            self.match_index.resize(slots, 0);
            self.acked_at.resize(slots, None);
        }
    }

    /// Whether a change may start now. With single-server changes a leader first commits an
    /// entry of its own term (the 2015 fix to thesis §4.1): otherwise a change made by an earlier
    /// leader that this one never saw, and this one's own, could have disjoint majorities.
    fn may_change_now(&self) -> bool {
        !self.options.single_server_changes
            || self.options.safety.change_before_own_term_commit
            || self.log.term_at(self.commit_index) == Some(self.current_term)
    }

    /// Whether this leader would start `change`, and the configuration it would append first.
    pub fn check_change(&self, change: MembershipChange) -> Result<Membership, ChangeRefusal> {
        if !self.is_leader() {
            return Err(ChangeRefusal::NotLeader);
        }
        let (index, config) = self.config_entry();
        if self.pending_change.is_some() || index > self.commit_index {
            return Err(ChangeRefusal::InProgress);
        }
        config.begin(change, self.options.single_server_changes)
    }

    /// Asks this leader to add or remove a server. The change starts at once with its first
    /// configuration entry, or, with single-server changes, waits until an entry of this
    /// leader's term is committed (appending a no-op if it has none to commit).
    pub fn request_change(
        &mut self,
        change: MembershipChange,
        now: Time,
        out: &mut Output,
    ) -> Result<(), ChangeRefusal> {
        let next = self.check_change(change)?;
        if self.may_change_now() {
            self.append_config(next, ChangeStep::Requested(change), now, out);
            return Ok(());
        }
        self.pending_change = Some(change);
        out.events.push(NodeEvent::ChangeDeferred {
            change,
            term: self.current_term,
        });
        if self.log.last_term() != self.current_term {
            self.append_noop(now, out);
        }
        Ok(())
    }

    /// Appends a configuration entry; the leader uses it from now on (§6).
    fn append_config(&mut self, config: Membership, step: ChangeStep, now: Time, out: &mut Output) {
        self.make_room_for(config.members());
        self.leader_append(Command::Config(config), None, out);
        out.events.push(NodeEvent::ChangeStarted {
            config,
            step,
            term: self.current_term,
        });
        if self.options.replicate_immediately {
            self.broadcast_append(now, out);
        }
        self.advance_commit(now, out);
    }

    /// Appends a no-op so that an entry of this leader's term can commit (§8), which what it
    /// is holding (a membership change, a read) waits for.
    fn append_noop(&mut self, now: Time, out: &mut Output) {
        self.leader_append(Command::NoOp, None, out);
        if self.options.replicate_immediately {
            self.broadcast_append(now, out);
        }
        self.advance_commit(now, out);
    }

    /// A leader's next step of a membership change, taken whenever its commit index or a
    /// learner's progress moves. Each step waits for the previous configuration to commit.
    fn advance_membership(&mut self, now: Time, out: &mut Output) {
        if !self.is_leader() {
            return;
        }
        let (index, config) = self.config_entry();
        if index > self.commit_index {
            return;
        }
        if config.is_joint() {
            // §6: once C_old,new is committed, the leader moves on to C_new.
            self.append_config(config.leave_joint(), ChangeStep::LeaveJoint, now, out);
        } else if !config.is_voter(self.id) {
            // §6: a leader that is not part of C_new steps down once C_new is committed. It does
            // not campaign again: it is not a voter of its own configuration.
            out.events.push(NodeEvent::LeftCluster {
                term: self.current_term,
            });
            self.set_role(Role::Follower, out);
            self.leader = None;
            self.votes = Voters::default();
            // Its timer is of no use: it may not campaign (see `election_timeout`).
            self.timers = Timers::Idle;
        } else if self.may_change_now() {
            self.start_next_change(config, now, out);
        }
    }

    /// With the configuration in use committed, starts what is waiting: promoting a learner
    /// that has caught up, else a change that was held for an entry of this leader's term.
    fn start_next_change(&mut self, config: Membership, now: Time, out: &mut Output) {
        let single = self.options.single_server_changes;
        // Caught up: it holds everything committed (thesis §4.2.1 waits for a round of
        // replication that ends within an election timeout; a full match is the simple version
        // of that).
        let caught_up = config
            .learners
            .iter()
            .find(|l| self.match_index.get(l.index()).copied().unwrap_or(0) >= self.commit_index);
        if let Some(learner) = caught_up {
            let voters = config.quorum.incoming().with(learner);
            let next = config.step_to(voters, single);
            self.append_config(next, ChangeStep::Promote(learner), now, out);
        } else if let Some(change) = self.pending_change.take() {
            if let Ok(next) = config.begin(change, single) {
                self.append_config(next, ChangeStep::Requested(change), now, out);
            }
        }
    }

    /// Applies committed entries in order (Figure 2, All Servers), skipping client requests that
    /// were already applied, and answers clients whose command this leader put in the log.
    fn apply_committed(&mut self, out: &mut Output) {
        while self.last_applied < self.commit_index {
            let Some(entry) = self.log.get(self.last_applied + 1).copied() else {
                break;
            };
            self.last_applied = entry.index;
            let mut duplicate = false;
            let mut answer = None;
            match entry.request {
                Some(req) => match self.sessions.get(&req.client) {
                    Some(s) if s.seq >= req.seq => {
                        duplicate = true;
                        if s.seq == req.seq {
                            answer = Some((s.value, s.index));
                        }
                    }
                    _ => {
                        self.value = entry.command.apply(self.value);
                        self.sessions.insert(
                            req.client,
                            Session {
                                seq: req.seq,
                                value: self.value,
                                index: entry.index,
                            },
                        );
                        answer = Some((self.value, entry.index));
                    }
                },
                None => self.value = entry.command.apply(self.value),
            }
            out.events.push(NodeEvent::Applied {
                index: entry.index,
                term: entry.term,
                command: entry.command,
                value: self.value,
                duplicate,
            });
            // Only entries of the leader's own term get an answer here: older ones were proposed
            // by earlier leaders, and a client still waiting for one will retry and be answered
            // from the session table.
            if self.role == Role::Leader && entry.term == self.current_term {
                if let (Some(req), Some((value, index))) = (entry.request, answer) {
                    out.messages.push((
                        Endpoint::Client(req.client),
                        Message::ClientResponse {
                            seq: req.seq,
                            reply: ClientReply::Ok { value, index },
                        },
                    ));
                }
            }
        }
    }

    fn on_client_request(
        &mut self,
        client: ClientId,
        seq: u64,
        command: Command,
        now: Time,
        out: &mut Output,
    ) {
        let to = Endpoint::Client(client);
        if command == Command::Get && self.options.safety.serve_reads_locally {
            self.serve_read_locally(client, seq, out);
            return;
        }
        if self.role != Role::Leader {
            let leader = self.leader.filter(|&l| l != self.id);
            out.messages.push((
                to,
                Message::ClientResponse {
                    seq,
                    reply: ClientReply::Redirect { leader },
                },
            ));
            return;
        }
        if let Some(s) = self.sessions.get(&client) {
            if s.seq == seq {
                out.messages.push((
                    to,
                    Message::ClientResponse {
                        seq,
                        reply: ClientReply::Ok {
                            value: s.value,
                            index: s.index,
                        },
                    },
                ));
                return;
            }
            if s.seq > seq {
                // The client has moved on; this is a late copy of an old request.
                return;
            }
        }
        // A leader handing over takes no new commands (thesis §3.10). It does not answer: a
        // redirect to the target would bounce the client between two servers that both point at
        // the other until the election is over, using up its attempts. Unanswered, the client
        // retries after its timeout, by when the new leader is in place. (A command it already
        // answered, above, is answered again.)
        if self.transfer().is_some() {
            return;
        }
        if command == Command::Get && self.options.read_mode != ReadMode::Log {
            self.on_read(client, seq, now, out);
            return;
        }
        let request = RequestId { client, seq };
        if self
            .log
            .find_request_after(request, self.last_applied)
            .is_some_and(|e| e.term == self.current_term)
        {
            // Already in the log in this term: it will be answered when applied.
            return;
        }
        self.leader_append(command, Some(request), out);
        if self.options.replicate_immediately {
            self.broadcast_append(now, out);
        }
        self.advance_commit(now, out);
    }
}

/// How many per-server slots cover every server of `set` (its highest id plus one).
fn slots_for(set: Voters) -> usize {
    set.iter().last().map_or(0, |id| id.index() + 1)
}

/// The arguments of a RequestVote, bundled to keep the handler's signature readable.
struct VoteRequest {
    term: Term,
    last_log_index: LogIndex,
    last_log_term: Term,
    forced: bool,
}

/// The arguments of an AppendEntries, bundled to keep the handler's signature readable.
struct AppendArgs {
    term: Term,
    prev_log_index: LogIndex,
    prev_log_term: Term,
    entries: Vec<LogEntry>,
    leader_commit: LogIndex,
    sent_at: Time,
}

/// The contents of an AppendEntries reply, bundled likewise.
struct AppendReply {
    term: Term,
    success: bool,
    match_index: LogIndex,
    conflict_term: Option<Term>,
    conflict_index: LogIndex,
    sent_at: Time,
}

#[cfg(test)]
mod tests {
    use super::*;

    // The UI marks a run as broken when any rule is off; each switch alone must count.
    #[test]
    fn any_broken_sees_each_switch() {
        assert!(!Safety::default().any_broken());
        let each = [
            Safety {
                vote_without_log_check: true,
                ..Safety::default()
            },
            Safety {
                commit_old_terms_by_counting: true,
                ..Safety::default()
            },
            Safety {
                forget_vote_on_restart: true,
                ..Safety::default()
            },
            Safety {
                skip_prev_log_check: true,
                ..Safety::default()
            },
            Safety {
                fixed_election_timeout: true,
                ..Safety::default()
            },
            Safety {
                change_before_own_term_commit: true,
                ..Safety::default()
            },
            Safety {
                vote_despite_live_leader: true,
                ..Safety::default()
            },
            Safety {
                serve_reads_locally: true,
                ..Safety::default()
            },
        ];
        for safety in each {
            assert!(safety.any_broken(), "{safety:?}");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(DenyReason::StaleTerm.to_string(), "its term is stale");
        assert_eq!(
            DenyReason::AlreadyVoted(NodeId(2)).to_string(),
            "already voted for C"
        );
        assert_eq!(
            DenyReason::LogNotUpToDate.to_string(),
            "its log is not up to date"
        );
        assert_eq!(
            DenyReason::LeaderIsAlive.to_string(),
            "a leader is still alive"
        );
    }
}
