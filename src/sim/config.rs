//! The simulation's settings: one serialisable [`Config`] whose `Default` is the narrative's setup.

use super::words::Words;
use crate::raft::{NodeId, NodeOptions, ReadMode, Safety, Time, Voters};
use serde::{Deserialize, Serialize};

/// The largest cluster the core accepts. The UI offers 1 to 9; tests and the soak go higher.
pub const MAX_CLUSTER_SIZE: u8 = 51;

/// The most servers a cluster can grow to by adding servers (A to I): the size of the ring the
/// page draws.
pub const MAX_SLOTS: u8 = 9;

/// The most clients a world may have.
pub const MAX_CLIENTS: u8 = 16;

/// When a leader sends new entries to its followers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Replication {
    /// With the next heartbeat, as the narrative tells it ("the change is sent to the followers
    /// on the next heartbeat").
    #[default]
    OnHeartbeat,
    /// At once, as production implementations do, to cut commit latency.
    Immediate,
}

/// Every option of a simulation. Durations are virtual microseconds (`_us`), rates are per mille
/// (`_per_mille`, 0 to 1000) so that everything stays exact integers and serialises the same on
/// every platform.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Seed of the world's one random number generator.
    pub seed: u64,
    /// Number of servers, 1 to [`MAX_CLUSTER_SIZE`].
    pub cluster_size: u8,
    /// Number of clients, 1 to [`MAX_CLIENTS`].
    pub clients: u8,
    /// Shortest election timeout.
    pub election_timeout_min_us: Time,
    /// Longest election timeout; each timeout is drawn uniformly from `[min, max]`.
    pub election_timeout_max_us: Time,
    /// Per-node `(min, max)` election timeouts that replace the range above for that node; empty
    /// or `None` entries use the common range. Scenarios pin timeouts with it to stage a split
    /// vote or decide who times out first.
    pub election_timeout_override: Vec<Option<(Time, Time)>>,
    /// Time between a leader's heartbeats; must be below the shortest election timeout.
    pub heartbeat_interval_us: Time,
    /// Shortest one-way message latency.
    pub latency_min_us: Time,
    /// Longest one-way message latency; each message's latency is drawn from `[min, max]`.
    pub latency_max_us: Time,
    /// Chance per mille that a message is lost.
    pub loss_per_mille: u16,
    /// Chance per mille that a message is delivered twice (the copy has its own latency).
    pub duplicate_per_mille: u16,
    /// When a leader sends new entries.
    pub replication: Replication,
    /// Append a no-op entry when a leader is elected (§8). Off by default, as in the narrative.
    pub noop_on_election: bool,
    /// Run a PreVote round before each election (thesis §9.6).
    pub pre_vote: bool,
    /// Leaders step down when they stop hearing from a majority (thesis §6.2).
    pub check_quorum: bool,
    /// Change membership one server at a time (thesis §4.1) instead of through a joint
    /// configuration (§6, the default).
    pub single_server_changes: bool,
    /// How long a client waits for an answer before retrying at the next server.
    pub client_retry_timeout_us: Time,
    /// After this many attempts a client gives up on a command (outcome `Failed`); 0 means it
    /// keeps trying for ever.
    pub client_max_attempts: u32,
    /// Each server snapshots its state machine once this many applied entries follow its last
    /// snapshot (§7); 0 turns compaction off (the default, so logs read as in the paper's
    /// figures).
    pub snapshot_threshold: u64,
    /// How leaders answer GET (§8, thesis §6.4).
    pub read_mode: ReadMode,
    /// Safety rules deliberately switched off; all on (no switch set) by default.
    pub safety: Safety,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            cluster_size: 3,
            clients: 2,
            election_timeout_min_us: 150_000,
            election_timeout_max_us: 300_000,
            election_timeout_override: Vec::new(),
            heartbeat_interval_us: 50_000,
            latency_min_us: 10_000,
            latency_max_us: 20_000,
            loss_per_mille: 0,
            duplicate_per_mille: 0,
            replication: Replication::OnHeartbeat,
            noop_on_election: false,
            pre_vote: false,
            check_quorum: false,
            single_server_changes: false,
            client_retry_timeout_us: 500_000,
            client_max_attempts: 0,
            snapshot_threshold: 0,
            read_mode: ReadMode::default(),
            safety: Safety::default(),
        }
    }
}

/// Why a [`Config`] (or a change to one) is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConfigError {
    /// The cluster size is outside 1 to [`MAX_CLUSTER_SIZE`].
    ClusterSize(u8),
    /// The number of clients is outside 1 to [`MAX_CLIENTS`].
    ClientCount(u8),
    /// An election timeout of zero would make servers campaign continuously.
    ElectionTimeoutZero,
    /// The election timeout range has min above max.
    ElectionTimeoutRange {
        /// The minimum given.
        min_us: Time,
        /// The maximum given.
        max_us: Time,
    },
    /// A per-node override is malformed (zero, or min above max).
    ElectionTimeoutOverride {
        /// The node whose override is wrong.
        node: NodeId,
        /// The minimum given.
        min_us: Time,
        /// The maximum given.
        max_us: Time,
    },
    /// More per-node overrides than nodes.
    TooManyOverrides {
        /// How many overrides were given.
        given: usize,
        /// The cluster size.
        cluster_size: u8,
    },
    /// The heartbeat interval is zero.
    HeartbeatZero,
    /// The heartbeat interval is not below the shortest election timeout, so followers would time
    /// out between heartbeats.
    HeartbeatTooSlow {
        /// The heartbeat interval.
        heartbeat_us: Time,
        /// The shortest election timeout (over all nodes, overrides included).
        election_min_us: Time,
    },
    /// The latency range has min above max.
    LatencyRange {
        /// The minimum given.
        min_us: Time,
        /// The maximum given.
        max_us: Time,
    },
    /// The loss rate is above 1000 per mille.
    LossRate(u16),
    /// The duplication rate is above 1000 per mille.
    DuplicationRate(u16),
    /// The client retry timeout is zero.
    ClientRetryZero,
}

impl ConfigError {
    /// Why, as the catalogue's words (`config-error.*`), for the page to say in the reader's
    /// language (`Display` is the English of the same words, for tests and tools).
    pub fn words(&self) -> Words {
        let ms = |us: Time| us / 1000;
        match *self {
            ConfigError::ClusterSize(n) => Words::new("config-error.cluster-size")
                .with("n", n)
                .with("max", MAX_CLUSTER_SIZE),
            ConfigError::ClientCount(n) => Words::new("config-error.client-count")
                .with("n", n)
                .with("max", MAX_CLIENTS),
            ConfigError::ElectionTimeoutZero => Words::new("config-error.election-timeout-zero"),
            ConfigError::ElectionTimeoutRange { min_us, max_us } => {
                ms_range("config-error.election-timeout-range", min_us, max_us)
            }
            ConfigError::ElectionTimeoutOverride {
                node,
                min_us,
                max_us,
            } => Words::new("config-error.election-timeout-override")
                .with("node", node)
                .with("min", min_us)
                .with("max", max_us),
            ConfigError::TooManyOverrides {
                given,
                cluster_size,
            } => Words::new("config-error.too-many-overrides")
                .with("given", given)
                .with("size", cluster_size),
            ConfigError::HeartbeatZero => Words::new("config-error.heartbeat-zero"),
            ConfigError::HeartbeatTooSlow {
                heartbeat_us,
                election_min_us,
            } => Words::new("config-error.heartbeat-too-slow")
                .with("heartbeat", ms(heartbeat_us))
                .with("election", ms(election_min_us)),
            ConfigError::LatencyRange { min_us, max_us } => {
                ms_range("config-error.latency-range", min_us, max_us)
            }
            ConfigError::LossRate(r) => {
                Words::new("config-error.loss-rate").with("rate", percentage(r))
            }
            ConfigError::DuplicationRate(r) => {
                Words::new("config-error.duplication-rate").with("rate", percentage(r))
            }
            ConfigError::ClientRetryZero => Words::new("config-error.client-retry-zero"),
        }
    }
}

/// The sentence `key` with a range of milliseconds in `{min}` and `{max}`.
fn ms_range(key: &'static str, min_us: Time, max_us: Time) -> Words {
    Words::new(key)
        .with("min", min_us / 1000)
        .with("max", max_us / 1000)
}

/// A rate per mille as a percentage with one decimal, in the reader's words (`num.percent`:
/// "5.0%", "5,0 %").
pub fn percentage(per_mille: u16) -> Words {
    Words::new("num.percent")
        .with("whole", per_mille / 10)
        .with("tenth", per_mille % 10)
}

crate::sim::words::english_error!(ConfigError);

impl Config {
    /// Checks every option and the relations between them.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.cluster_size == 0 || self.cluster_size > MAX_CLUSTER_SIZE {
            return Err(ConfigError::ClusterSize(self.cluster_size));
        }
        if self.clients == 0 || self.clients > MAX_CLIENTS {
            return Err(ConfigError::ClientCount(self.clients));
        }
        if self.election_timeout_min_us == 0 {
            return Err(ConfigError::ElectionTimeoutZero);
        }
        if self.election_timeout_min_us > self.election_timeout_max_us {
            return Err(ConfigError::ElectionTimeoutRange {
                min_us: self.election_timeout_min_us,
                max_us: self.election_timeout_max_us,
            });
        }
        if self.election_timeout_override.len() > usize::from(self.cluster_size) {
            return Err(ConfigError::TooManyOverrides {
                given: self.election_timeout_override.len(),
                cluster_size: self.cluster_size,
            });
        }
        let mut election_min = self.election_timeout_min_us;
        for (i, o) in self.election_timeout_override.iter().enumerate() {
            if let Some((min, max)) = *o {
                if min == 0 || min > max {
                    return Err(ConfigError::ElectionTimeoutOverride {
                        node: NodeId(i as u8),
                        min_us: min,
                        max_us: max,
                    });
                }
                election_min = election_min.min(min);
            }
        }
        if self.heartbeat_interval_us == 0 {
            return Err(ConfigError::HeartbeatZero);
        }
        if self.heartbeat_interval_us >= election_min {
            return Err(ConfigError::HeartbeatTooSlow {
                heartbeat_us: self.heartbeat_interval_us,
                election_min_us: election_min,
            });
        }
        if self.latency_min_us > self.latency_max_us {
            return Err(ConfigError::LatencyRange {
                min_us: self.latency_min_us,
                max_us: self.latency_max_us,
            });
        }
        if self.loss_per_mille > 1000 {
            return Err(ConfigError::LossRate(self.loss_per_mille));
        }
        if self.duplicate_per_mille > 1000 {
            return Err(ConfigError::DuplicationRate(self.duplicate_per_mille));
        }
        if self.client_retry_timeout_us == 0 {
            return Err(ConfigError::ClientRetryZero);
        }
        Ok(())
    }

    /// The node ids of the cluster, in order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.cluster_size).map(NodeId)
    }

    /// The options node `id` runs with: the common settings plus its timeout override, if any.
    pub fn node_options(&self, id: NodeId) -> NodeOptions {
        let (min, max) = self
            .election_timeout_override
            .get(id.index())
            .copied()
            .flatten()
            .unwrap_or((self.election_timeout_min_us, self.election_timeout_max_us));
        // The servers the cluster started with share its first configuration; a server added
        // later starts with none and learns its configuration from the leader's log.
        let bootstrap = if id.0 < self.cluster_size {
            Voters::first(self.cluster_size)
        } else {
            Voters::default()
        };
        NodeOptions {
            bootstrap,
            single_server_changes: self.single_server_changes,
            election_timeout_min_us: min,
            election_timeout_max_us: max,
            heartbeat_interval_us: self.heartbeat_interval_us,
            cluster_election_timeout_min_us: self
                .election_timeout_override
                .iter()
                .flatten()
                .map(|&(min, _)| min)
                .fold(self.election_timeout_min_us, Time::min),
            replicate_immediately: self.replication == Replication::Immediate,
            noop_on_election: self.noop_on_election,
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            snapshot_threshold: self.snapshot_threshold,
            read_mode: self.read_mode,
            safety: self.safety,
        }
    }

    /// A copy with `change` applied (not validated; see [`Config::validate`]).
    pub fn with_change(&self, change: &OptionChange) -> Config {
        let mut c = self.clone();
        match *change {
            OptionChange::Latency { min_us, max_us } => {
                c.latency_min_us = min_us;
                c.latency_max_us = max_us;
            }
            OptionChange::LossPerMille(r) => c.loss_per_mille = r,
            OptionChange::DuplicatePerMille(r) => c.duplicate_per_mille = r,
            OptionChange::ElectionTimeout { min_us, max_us } => {
                c.election_timeout_min_us = min_us;
                c.election_timeout_max_us = max_us;
            }
            OptionChange::HeartbeatInterval(us) => c.heartbeat_interval_us = us,
            OptionChange::Replication(r) => c.replication = r,
            OptionChange::NoOpOnElection(b) => c.noop_on_election = b,
            OptionChange::PreVote(b) => c.pre_vote = b,
            OptionChange::CheckQuorum(b) => c.check_quorum = b,
            OptionChange::SingleServerChanges(b) => c.single_server_changes = b,
            OptionChange::ClientRetryTimeout(us) => c.client_retry_timeout_us = us,
            OptionChange::ClientMaxAttempts(n) => c.client_max_attempts = n,
            OptionChange::SnapshotThreshold(n) => c.snapshot_threshold = n,
            OptionChange::ReadMode(m) => c.read_mode = m,
            OptionChange::Safety(switch, on) => switch.set(&mut c.safety, on),
        }
        c
    }
}

/// One of the "break Raft" switches of [`Safety`], named for [`OptionChange::Safety`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SafetySwitch {
    /// See [`Safety::vote_without_log_check`].
    VoteWithoutLogCheck,
    /// See [`Safety::commit_old_terms_by_counting`].
    CommitOldTermsByCounting,
    /// See [`Safety::forget_vote_on_restart`].
    ForgetVoteOnRestart,
    /// See [`Safety::skip_prev_log_check`].
    SkipPrevLogCheck,
    /// See [`Safety::fixed_election_timeout`].
    FixedElectionTimeout,
    /// See [`Safety::change_before_own_term_commit`].
    ChangeBeforeOwnTermCommit,
    /// See [`Safety::vote_despite_live_leader`].
    VoteDespiteLiveLeader,
    /// See [`Safety::serve_reads_locally`].
    ServeReadsLocally,
}

impl SafetySwitch {
    /// Every switch, for building a settings panel.
    pub const ALL: [SafetySwitch; 8] = [
        SafetySwitch::VoteWithoutLogCheck,
        SafetySwitch::CommitOldTermsByCounting,
        SafetySwitch::ForgetVoteOnRestart,
        SafetySwitch::SkipPrevLogCheck,
        SafetySwitch::FixedElectionTimeout,
        SafetySwitch::ChangeBeforeOwnTermCommit,
        SafetySwitch::VoteDespiteLiveLeader,
        SafetySwitch::ServeReadsLocally,
    ];

    /// The field of [`Safety`] this switch stands for.
    fn field(self, safety: &mut Safety) -> &mut bool {
        match self {
            SafetySwitch::VoteWithoutLogCheck => &mut safety.vote_without_log_check,
            SafetySwitch::CommitOldTermsByCounting => &mut safety.commit_old_terms_by_counting,
            SafetySwitch::ForgetVoteOnRestart => &mut safety.forget_vote_on_restart,
            SafetySwitch::SkipPrevLogCheck => &mut safety.skip_prev_log_check,
            SafetySwitch::FixedElectionTimeout => &mut safety.fixed_election_timeout,
            SafetySwitch::ChangeBeforeOwnTermCommit => &mut safety.change_before_own_term_commit,
            SafetySwitch::VoteDespiteLiveLeader => &mut safety.vote_despite_live_leader,
            SafetySwitch::ServeReadsLocally => &mut safety.serve_reads_locally,
        }
    }

    /// Whether this switch is on (its rule broken) in `safety`.
    pub fn is_on(self, mut safety: Safety) -> bool {
        *self.field(&mut safety)
    }

    /// Turns this switch on (breaks its rule) or off in `safety`.
    pub fn set(self, safety: &mut Safety, on: bool) {
        *self.field(safety) = on;
    }

    /// The switch's name in lesson files (`break local-reads`).
    pub fn keyword(self) -> &'static str {
        match self {
            SafetySwitch::VoteWithoutLogCheck => "vote-without-log-check",
            SafetySwitch::CommitOldTermsByCounting => "commit-old-terms",
            SafetySwitch::ForgetVoteOnRestart => "forget-vote",
            SafetySwitch::SkipPrevLogCheck => "skip-prev-log-check",
            SafetySwitch::FixedElectionTimeout => "fixed-timeouts",
            SafetySwitch::ChangeBeforeOwnTermCommit => "early-membership-change",
            SafetySwitch::VoteDespiteLiveLeader => "vote-despite-leader",
            SafetySwitch::ServeReadsLocally => "local-reads",
        }
    }

    /// The catalogue key of a short label for the switch, naming the paper section whose rule
    /// it breaks ("vote without the up-to-date check (§5.4.1)").
    pub fn label_key(self) -> &'static str {
        match self {
            SafetySwitch::VoteWithoutLogCheck => "option.rule.vote-without-log-check",
            SafetySwitch::CommitOldTermsByCounting => "option.rule.commit-old-terms",
            SafetySwitch::ForgetVoteOnRestart => "option.rule.forget-vote",
            SafetySwitch::SkipPrevLogCheck => "option.rule.skip-prev-log-check",
            SafetySwitch::FixedElectionTimeout => "option.rule.fixed-timeouts",
            SafetySwitch::ChangeBeforeOwnTermCommit => "option.rule.early-membership-change",
            SafetySwitch::VoteDespiteLiveLeader => "option.rule.vote-despite-leader",
            SafetySwitch::ServeReadsLocally => "option.rule.local-reads",
        }
    }
}

/// A change to one of the options that may be changed while the simulation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OptionChange {
    /// New latency range, for messages sent from now on.
    Latency {
        /// Shortest latency.
        min_us: Time,
        /// Longest latency.
        max_us: Time,
    },
    /// New loss rate, per mille.
    LossPerMille(u16),
    /// New duplication rate, per mille.
    DuplicatePerMille(u16),
    /// New election timeout range, used from each node's next timer reset.
    ElectionTimeout {
        /// Shortest timeout.
        min_us: Time,
        /// Longest timeout.
        max_us: Time,
    },
    /// New heartbeat interval, used from each leader's next heartbeat.
    HeartbeatInterval(Time),
    /// Replicate on the next heartbeat or at once.
    Replication(Replication),
    /// Turn the no-op entry on election on or off.
    NoOpOnElection(bool),
    /// Turn PreVote on or off.
    PreVote(bool),
    /// Turn CheckQuorum on or off.
    CheckQuorum(bool),
    /// Change membership one server at a time (`true`) or through joint consensus (`false`).
    SingleServerChanges(bool),
    /// New client retry timeout: used from each client's next send, and a client already
    /// waiting longer than that from now retries at that time instead.
    ClientRetryTimeout(Time),
    /// New number of sends after which a client gives up on a command (0: never gives up).
    ClientMaxAttempts(u32),
    /// New snapshot threshold (0: no compaction), used from each server's next applied entry.
    SnapshotThreshold(u64),
    /// New way of answering GET, for reads that arrive from now on.
    ReadMode(ReadMode),
    /// Switch one safety rule off (`true`) or back on (`false`).
    Safety(SafetySwitch, bool),
}

impl OptionChange {
    /// The change in words (catalogue `option.*`), e.g. "loss rate set to 5.0%".
    pub fn words(&self) -> Words {
        let ms = |us: Time| us / 1000;
        let pct = |key, r: u16| Words::new(key).with("rate", percentage(r));
        let switch = |on: bool, on_key, off_key| Words::new(if on { on_key } else { off_key });
        match *self {
            OptionChange::Latency { min_us, max_us } => ms_range("option.latency", min_us, max_us),
            OptionChange::LossPerMille(r) => pct("option.loss", r),
            OptionChange::DuplicatePerMille(r) => pct("option.duplicate", r),
            OptionChange::ElectionTimeout { min_us, max_us } => {
                ms_range("option.election-timeout", min_us, max_us)
            }
            OptionChange::HeartbeatInterval(us) => {
                Words::new("option.heartbeat").with("ms", ms(us))
            }
            OptionChange::Replication(Replication::OnHeartbeat) => {
                Words::new("option.replication-heartbeat")
            }
            OptionChange::Replication(Replication::Immediate) => {
                Words::new("option.replication-immediate")
            }
            OptionChange::NoOpOnElection(b) => switch(b, "option.no-op-on", "option.no-op-off"),
            OptionChange::PreVote(b) => switch(b, "option.prevote-on", "option.prevote-off"),
            OptionChange::CheckQuorum(b) => {
                switch(b, "option.checkquorum-on", "option.checkquorum-off")
            }
            OptionChange::SingleServerChanges(b) => {
                switch(b, "option.one-at-a-time", "option.joint-consensus")
            }
            OptionChange::ClientRetryTimeout(us) => {
                Words::new("option.client-retry").with("ms", ms(us))
            }
            OptionChange::ClientMaxAttempts(0) => Words::new("option.clients-never-give-up"),
            OptionChange::ClientMaxAttempts(n) => Words::new("option.client-attempts").with("n", n),
            OptionChange::SnapshotThreshold(0) => Words::new("option.snapshots-off"),
            OptionChange::SnapshotThreshold(n) => Words::new("option.snapshots").with("n", n),
            OptionChange::ReadMode(m) => {
                Words::new("option.read-mode").with("mode", Words::new(m.key()))
            }
            OptionChange::Safety(switch, broken) => Words::new(if broken {
                "option.rule-broken"
            } else {
                "option.rule-restored"
            })
            .with("rule", Words::new(switch.label_key())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_round_trips() {
        let c = Config::default();
        assert_eq!(c.validate(), Ok(()));
        let json = serde_json::to_string(&c).unwrap_or_default();
        let back: Config = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, c);
        // Missing fields take their defaults so that short share links stay valid.
        let partial: Result<Config, _> = serde_json::from_str(r#"{"seed": 9}"#);
        assert_eq!(partial.map(|c| c.seed).ok(), Some(9));
    }

    #[test]
    fn validation_messages() {
        let bad = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            c.validate()
        };
        assert_eq!(
            bad(|c| c.cluster_size = 0),
            Err(ConfigError::ClusterSize(0))
        );
        assert_eq!(
            bad(|c| c.cluster_size = 52),
            Err(ConfigError::ClusterSize(52))
        );
        assert_eq!(bad(|c| c.cluster_size = 51), Ok(()));
        assert!(matches!(
            bad(|c| c.election_timeout_max_us = 100_000),
            Err(ConfigError::ElectionTimeoutRange { .. })
        ));
        assert!(matches!(
            bad(|c| c.heartbeat_interval_us = 150_000),
            Err(ConfigError::HeartbeatTooSlow { .. })
        ));
        assert!(matches!(
            bad(|c| c.latency_min_us = 30_000),
            Err(ConfigError::LatencyRange { .. })
        ));
        assert_eq!(
            bad(|c| c.loss_per_mille = 1001),
            Err(ConfigError::LossRate(1001))
        );
        assert!(matches!(
            bad(|c| c.election_timeout_override = vec![Some((40_000, 40_000))]),
            Err(ConfigError::HeartbeatTooSlow { .. })
        ));
        let msg = bad(|c| c.heartbeat_interval_us = 200_000)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("200 ms"), "{msg}");
    }
}
