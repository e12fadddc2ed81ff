//! Share links: a compact, URL-safe, versioned encoding of a run (a [`Config`] plus its action
//! list), for the `?run=...` parameter.
//!
//! # Format, version 3 (versions 1 and 2 are subsets; see [`OLDEST_SHARE_VERSION`])
//!
//! `1.` followed by the unpadded base64url (RFC 4648 §5: `A-Z a-z 0-9 - _`) of a byte string.
//! Every number in it is an unsigned LEB128 varint (7 bits a byte, low bits first, at most 10
//! bytes); "zigzag" numbers map signed values to unsigned ones (0, -1, 1, -2, ... → 0, 1, 2, 3, ...).
//! The bytes are:
//!
//! 1. `fields`: a varint bit set of the config fields that differ from [`Config::default`], then
//!    each present field's value in bit order:
//!    0 `seed`, 1 `cluster_size`, 2 `clients`, 3 `election_timeout_min_us`,
//!    4 `election_timeout_max_us`, 5 `election_timeout_override` (count, then per node 0 for none or
//!    1 followed by min and max), 6 `heartbeat_interval_us`, 7 `latency_min_us`,
//!    8 `latency_max_us`, 9 `loss_per_mille`, 10 `duplicate_per_mille`, 11 `replication`
//!    (0 on heartbeat, 1 immediate), 12 `noop_on_election`, 13 `pre_vote`, 14 `check_quorum`
//!    (0 or 1), 15 `client_retry_timeout_us`, 16 `client_max_attempts`, 17 `safety` (a bit set in
//!    [`SafetySwitch::ALL`] order), 18 `single_server_changes` (0 or 1), 19 `snapshot_threshold`,
//!    20 `read_mode` (an index in [`ReadMode::ALL`]). A bit above 20 is an error (a field this
//!    version does not know).
//! 2. The number of actions, then each action:
//!    - a header byte: the action tag in the low 4 bits, bit 4 set when `after_event` is present;
//!    - `at` as the zigzag of its wrapping difference from the previous action's `at` (0 first);
//!    - if present, `after_event` as the zigzag of its wrapping difference from the previous
//!      present `after_event` (0 first), so recorded logs cost a byte or two per action;
//!    - the payload: tags 0 Stop, 1 Restart, 2 Timeout take a node id; 3 Submit takes client, node
//!      and a command (0 SET n, 1 ADD n with n zigzag, 2 NO-OP, 3 GET); 4 Partition takes a group count,
//!      then per group a count and node ids; 5 Heal takes nothing; 6 CutLink, 7 CutOneWay
//!      (from, to) and 8 RestoreLink take two node ids; 9 DropMessage takes a message id; 10
//!      SetOption takes an option tag and its values (0 latency min max, 1 loss, 2 duplication, 3
//!      election timeout min max, 4 heartbeat, 5 replication, 6 no-op, 7 PreVote, 8
//!      CheckQuorum, 9 client retry timeout, 10 safety switch index and 0/1, 11 client attempts,
//!      12 single-server changes, 13 snapshot threshold, 14 read mode index;
//!      tags are only ever added, so old links keep their meaning); 11 TransferLeadership takes
//!      a node id.
//!
//! Nothing may follow the last action.
//!
//! # Hostile input
//!
//! [`decode_run`] never panics and never allocates more than the input's size justifies: the
//! text length, the action count ([`MAX_ACTIONS`], checked before any allocation), group sizes,
//! times ([`MAX_RUN_TIME_US`]) and event counts ([`MAX_RUN_EVENTS`]) are all capped, varints
//! longer than 64 bits are refused, node and client ids must exist in the decoded configuration,
//! and the configuration must pass [`Config::validate`]. Whether the world accepts the actions
//! (a restart of a running server, say) is checked when the run is replayed, e.g. by
//! [`crate::sim::timeline::Timeline::from_run`], which names the refused action.

use crate::raft::{ClientId, Command, NodeId, ReadMode, Time, SECOND};
use crate::sim::config::MAX_SLOTS;
use crate::sim::{
    Action, Config, ConfigError, OptionChange, Replication, SafetySwitch, TimedAction, Words,
};

/// The format version this code writes (the text before the dot).
pub const SHARE_VERSION: u32 = 3;

/// The oldest format version this code still reads. Version 1 is version 2 without the
/// membership actions, option and settings, and version 2 is version 3 without GET, the
/// snapshot and read settings and options and the stale-read switch, so their links keep their
/// meaning.
pub const OLDEST_SHARE_VERSION: u32 = 1;

/// The most actions a shared or imported run may carry.
pub const MAX_ACTIONS: usize = 100_000;

/// The latest virtual time an action of a shared or imported run may have: replaying further
/// would keep a browser busy for minutes.
pub const MAX_RUN_TIME_US: Time = 4 * 3600 * SECOND;

/// The most events a shared or imported run may ask to replay before an action.
pub const MAX_RUN_EVENTS: u64 = 10_000_000;

/// The longest share text accepted, in characters (far more than [`MAX_ACTIONS`] actions need).
pub const MAX_SHARE_LEN: usize = 4 * 1024 * 1024;

/// Why a share link could not be read. Every variant has a message fit for the error banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The text is empty.
    Empty,
    /// The text is longer than [`MAX_SHARE_LEN`].
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// No `version.` prefix.
    MissingVersion,
    /// A version this code cannot read.
    UnsupportedVersion(String),
    /// A character outside the base64url alphabet.
    BadCharacter {
        /// Its position in the data part (after the dot), from 0.
        position: usize,
        /// The character.
        found: char,
    },
    /// The data part has a length no base64 encoding can have (one character too many).
    BadLength,
    /// The data ended while reading `what`.
    Truncated {
        /// What was being read: its catalogue key (`share-field.*`).
        what: &'static str,
    },
    /// Bytes were left after the last action.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// A number is too large for its field (or longer than 64 bits).
    NumberTooLarge {
        /// The field: its catalogue key (`share-field.*`).
        what: &'static str,
    },
    /// A value that must be 0 or 1 was something else.
    BadFlag {
        /// The field: its catalogue key (`share-field.*`).
        what: &'static str,
    },
    /// A tag this version does not know.
    UnknownTag {
        /// What kind of tag: its catalogue key (`share-field.*`).
        what: &'static str,
        /// The tag.
        tag: u64,
    },
    /// Config fields this version does not know (a bit set).
    UnknownConfigFields(u64),
    /// More actions than [`MAX_ACTIONS`].
    TooManyActions {
        /// How many the link claims.
        count: u64,
    },
    /// A node id outside the cluster.
    NodeOutOfRange {
        /// The action number, from 1 (0 for the configuration).
        action: usize,
        /// The node id.
        node: u64,
        /// The cluster size.
        cluster_size: u8,
    },
    /// A client id outside the configured clients.
    ClientOutOfRange {
        /// The action number, from 1.
        action: usize,
        /// The client id.
        client: u64,
        /// The number of clients.
        clients: u8,
    },
    /// An action time later than [`MAX_RUN_TIME_US`] or an event count above [`MAX_RUN_EVENTS`].
    TooLate {
        /// The action number, from 1.
        action: usize,
    },
    /// The configuration is invalid.
    InvalidConfig(ConfigError),
}

impl ShareError {
    /// The error in words, for the error banner: "this share link cannot be opened: it ends
    /// too early (while reading latency); was the link cut?" (catalogue `share-error.*`, and
    /// `share-field.*` for what was being read).
    pub fn words(&self) -> Words {
        Words::new("share-error.cannot-open").with("reason", self.reason())
    }

    /// Why, in words.
    fn reason(&self) -> Words {
        match self {
            ShareError::Empty => Words::new("share-error.empty"),
            ShareError::TooLong { len } => Words::new("share-error.too-long")
                .with("len", *len)
                .with("max", MAX_SHARE_LEN),
            ShareError::MissingVersion => Words::new("share-error.missing-version"),
            ShareError::UnsupportedVersion(v) => Words::new("share-error.unsupported-version")
                .with("version", v.as_str())
                .with("oldest", OLDEST_SHARE_VERSION)
                .with("newest", SHARE_VERSION),
            ShareError::BadCharacter { position, found } => Words::new("share-error.bad-character")
                .with("found", found.to_string())
                .with("position", *position),
            ShareError::BadLength => Words::new("share-error.bad-length"),
            ShareError::Truncated { what } => {
                Words::new("share-error.truncated").with("what", Words::new(what))
            }
            ShareError::TrailingBytes { count } => {
                Words::new("share-error.trailing-bytes").with("count", *count)
            }
            ShareError::NumberTooLarge { what } => {
                Words::new("share-error.number-too-large").with("what", Words::new(what))
            }
            ShareError::BadFlag { what } => {
                Words::new("share-error.bad-flag").with("what", Words::new(what))
            }
            ShareError::UnknownTag { what, tag } => Words::new("share-error.unknown-tag")
                .with("what", Words::new(what))
                .with("tag", *tag),
            ShareError::UnknownConfigFields(bits) => {
                Words::new("share-error.unknown-settings").with("bits", format!("{bits:#x}"))
            }
            ShareError::TooManyActions { count } => Words::new("share-error.too-many-actions")
                .with("count", *count)
                .with("max", MAX_ACTIONS),
            ShareError::NodeOutOfRange {
                action,
                node,
                cluster_size,
            } => {
                let name = match u8::try_from(*node) {
                    Ok(n) => NodeId(n).name(),
                    Err(_) => format!("#{node}"),
                };
                let key = if *action == 0 {
                    "share-error.settings-server"
                } else {
                    "share-error.action-server"
                };
                Words::new(key)
                    .with("action", *action)
                    .with("node", name)
                    .with("size", *cluster_size)
            }
            ShareError::ClientOutOfRange {
                action,
                client,
                clients,
            } => Words::new("share-error.action-client")
                .with("action", *action)
                .with("client", client.saturating_add(1))
                .with("clients", *clients),
            ShareError::TooLate { action } => Words::new("share-error.too-late")
                .with("action", *action)
                .with("hours", MAX_RUN_TIME_US / 3600 / SECOND)
                .with("events", MAX_RUN_EVENTS),
            ShareError::InvalidConfig(e) => {
                Words::new("share-error.invalid-settings").with("error", e.words())
            }
        }
    }
}

crate::sim::words::english_error!(ShareError);

// ----- base64url --------------------------------------------------------------------------------

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes `bytes` as unpadded base64url (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // A chunk of k bytes gives k + 1 characters; padding is left out.
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes unpadded base64url (trailing `=` padding is tolerated). Bits left over in the last
/// character must be zero, so every byte string has exactly one encoding.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, ShareError> {
    let data = text.trim_end_matches('=');
    if text.len() - data.len() > 2 {
        return Err(ShareError::BadLength);
    }
    let raw = data.as_bytes();
    if raw.len() % 4 == 1 {
        return Err(ShareError::BadLength);
    }
    let mut out = Vec::with_capacity(raw.len() / 4 * 3 + 2);
    for (ci, chunk) in raw.chunks(4).enumerate() {
        let mut n: u32 = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let Some(v) = sextet(c) else {
                let position = ci * 4 + i;
                let found = data[position..].chars().next().unwrap_or('?');
                return Err(ShareError::BadCharacter { position, found });
            };
            n |= u32::from(v) << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        // Non-zero leftover bits mean a corrupted (or hand-made) final character.
        if bytes < 3 && n & ((1u32 << (8 * (3 - bytes))) - 1) != 0 {
            return Err(ShareError::BadLength);
        }
        for i in 0..bytes {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

// ----- writing ------------------------------------------------------------------------------------

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_node(out: &mut Vec<u8>, n: NodeId) {
    put(out, u64::from(n.0));
}

fn put_command(out: &mut Vec<u8>, c: Command) {
    match c {
        Command::Set(n) => {
            put(out, 0);
            put(out, zigzag(n));
        }
        Command::Add(n) => {
            put(out, 1);
            put(out, zigzag(n));
        }
        Command::Get => put(out, 3),
        // Clients never send configurations (the world refuses them), so this arm only keeps
        // the match whole.
        Command::NoOp | Command::Config(_) => put(out, 2),
    }
}

fn switch_index(s: SafetySwitch) -> u64 {
    SafetySwitch::ALL.iter().position(|&x| x == s).unwrap_or(0) as u64
}

fn put_option(out: &mut Vec<u8>, c: &OptionChange) {
    match *c {
        OptionChange::Latency { min_us, max_us } => {
            put(out, 0);
            put(out, min_us);
            put(out, max_us);
        }
        OptionChange::LossPerMille(r) => {
            put(out, 1);
            put(out, u64::from(r));
        }
        OptionChange::DuplicatePerMille(r) => {
            put(out, 2);
            put(out, u64::from(r));
        }
        OptionChange::ElectionTimeout { min_us, max_us } => {
            put(out, 3);
            put(out, min_us);
            put(out, max_us);
        }
        OptionChange::HeartbeatInterval(us) => {
            put(out, 4);
            put(out, us);
        }
        OptionChange::Replication(r) => {
            put(out, 5);
            put(out, u64::from(r == Replication::Immediate));
        }
        OptionChange::NoOpOnElection(b) => {
            put(out, 6);
            put(out, u64::from(b));
        }
        OptionChange::PreVote(b) => {
            put(out, 7);
            put(out, u64::from(b));
        }
        OptionChange::CheckQuorum(b) => {
            put(out, 8);
            put(out, u64::from(b));
        }
        OptionChange::SingleServerChanges(b) => {
            put(out, 12);
            put(out, u64::from(b));
        }
        OptionChange::ClientRetryTimeout(us) => {
            put(out, 9);
            put(out, us);
        }
        OptionChange::ClientMaxAttempts(n) => {
            put(out, 11);
            put(out, u64::from(n));
        }
        OptionChange::SnapshotThreshold(n) => {
            put(out, 13);
            put(out, n);
        }
        OptionChange::ReadMode(m) => {
            put(out, 14);
            put(out, read_mode_index(m));
        }
        OptionChange::Safety(s, on) => {
            put(out, 10);
            put(out, switch_index(s));
            put(out, u64::from(on));
        }
    }
}

fn safety_bits(c: &Config) -> u64 {
    SafetySwitch::ALL
        .iter()
        .enumerate()
        .fold(0, |acc, (i, s)| acc | (u64::from(s.is_on(c.safety)) << i))
}

fn read_mode_index(m: ReadMode) -> u64 {
    ReadMode::ALL.iter().position(|&x| x == m).unwrap_or(0) as u64
}

const CONFIG_FIELDS: u32 = 21;

fn put_config(out: &mut Vec<u8>, c: &Config) {
    let d = Config::default();
    let differs = [
        c.seed != d.seed,
        c.cluster_size != d.cluster_size,
        c.clients != d.clients,
        c.election_timeout_min_us != d.election_timeout_min_us,
        c.election_timeout_max_us != d.election_timeout_max_us,
        c.election_timeout_override != d.election_timeout_override,
        c.heartbeat_interval_us != d.heartbeat_interval_us,
        c.latency_min_us != d.latency_min_us,
        c.latency_max_us != d.latency_max_us,
        c.loss_per_mille != d.loss_per_mille,
        c.duplicate_per_mille != d.duplicate_per_mille,
        c.replication != d.replication,
        c.noop_on_election != d.noop_on_election,
        c.pre_vote != d.pre_vote,
        c.check_quorum != d.check_quorum,
        c.client_retry_timeout_us != d.client_retry_timeout_us,
        c.client_max_attempts != d.client_max_attempts,
        c.safety != d.safety,
        c.single_server_changes != d.single_server_changes,
        c.snapshot_threshold != d.snapshot_threshold,
        c.read_mode != d.read_mode,
    ];
    let mask = differs
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, &b)| acc | (u64::from(b) << i));
    put(out, mask);
    for (i, _) in differs.iter().enumerate().filter(|(_, &b)| b) {
        match i {
            0 => put(out, c.seed),
            1 => put(out, u64::from(c.cluster_size)),
            2 => put(out, u64::from(c.clients)),
            3 => put(out, c.election_timeout_min_us),
            4 => put(out, c.election_timeout_max_us),
            5 => {
                put(out, c.election_timeout_override.len() as u64);
                for o in &c.election_timeout_override {
                    match o {
                        None => put(out, 0),
                        Some((min, max)) => {
                            put(out, 1);
                            put(out, *min);
                            put(out, *max);
                        }
                    }
                }
            }
            6 => put(out, c.heartbeat_interval_us),
            7 => put(out, c.latency_min_us),
            8 => put(out, c.latency_max_us),
            9 => put(out, u64::from(c.loss_per_mille)),
            10 => put(out, u64::from(c.duplicate_per_mille)),
            11 => put(out, u64::from(c.replication == Replication::Immediate)),
            12 => put(out, u64::from(c.noop_on_election)),
            13 => put(out, u64::from(c.pre_vote)),
            14 => put(out, u64::from(c.check_quorum)),
            15 => put(out, c.client_retry_timeout_us),
            16 => put(out, u64::from(c.client_max_attempts)),
            17 => put(out, safety_bits(c)),
            18 => put(out, u64::from(c.single_server_changes)),
            19 => put(out, c.snapshot_threshold),
            _ => put(out, read_mode_index(c.read_mode)),
        }
    }
}

fn action_tag(a: &Action) -> u8 {
    match a {
        Action::Stop(_) => 0,
        Action::Restart(_) => 1,
        Action::Timeout(_) => 2,
        Action::Submit { .. } => 3,
        Action::Partition(_) => 4,
        Action::Heal => 5,
        Action::CutLink(..) => 6,
        Action::CutOneWay { .. } => 7,
        Action::RestoreLink(..) => 8,
        Action::DropMessage(_) => 9,
        Action::SetOption(_) => 10,
        Action::TransferLeadership(_) => 11,
        Action::AddServer(_) => 12,
        Action::RemoveServer(_) => 13,
    }
}

/// The bytes of a run, before base64url (see the module documentation).
pub fn encode_run_bytes(config: &Config, actions: &[TimedAction]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + actions.len() * 6);
    put_config(&mut out, config);
    put(&mut out, actions.len() as u64);
    let (mut prev_at, mut prev_after) = (0u64, 0u64);
    for ta in actions {
        let header = action_tag(&ta.action) | if ta.after_event.is_some() { 0x10 } else { 0 };
        out.push(header);
        put(&mut out, zigzag(ta.at.wrapping_sub(prev_at) as i64));
        prev_at = ta.at;
        if let Some(n) = ta.after_event {
            put(&mut out, zigzag(n.wrapping_sub(prev_after) as i64));
            prev_after = n;
        }
        match &ta.action {
            Action::Stop(n)
            | Action::Restart(n)
            | Action::Timeout(n)
            | Action::TransferLeadership(n)
            | Action::AddServer(n)
            | Action::RemoveServer(n) => put_node(&mut out, *n),
            Action::Submit {
                client,
                node,
                command,
            } => {
                put(&mut out, u64::from(client.0));
                put_node(&mut out, *node);
                put_command(&mut out, *command);
            }
            Action::Partition(groups) => {
                put(&mut out, groups.len() as u64);
                for g in groups {
                    put(&mut out, g.len() as u64);
                    for &n in g {
                        put_node(&mut out, n);
                    }
                }
            }
            Action::Heal => {}
            Action::CutLink(a, b) | Action::RestoreLink(a, b) => {
                put_node(&mut out, *a);
                put_node(&mut out, *b);
            }
            Action::CutOneWay { from, to } => {
                put_node(&mut out, *from);
                put_node(&mut out, *to);
            }
            Action::DropMessage(id) => put(&mut out, *id),
            Action::SetOption(c) => put_option(&mut out, c),
        }
    }
    out
}

/// The share text of a run: `1.` and the base64url of [`encode_run_bytes`]. It is URL-safe as
/// it stands, so the UI can put it in `?run=...` without escaping.
pub fn encode_run(config: &Config, actions: &[TimedAction]) -> String {
    format!(
        "{SHARE_VERSION}.{}",
        base64url_encode(&encode_run_bytes(config, actions))
    )
}

// ----- reading ------------------------------------------------------------------------------------

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, ShareError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or(ShareError::Truncated { what })?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, ShareError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte(what)?;
            let low = u64::from(b & 0x7f);
            // The tenth byte may carry only the top bit of a u64.
            if shift == 63 && low > 1 {
                return Err(ShareError::NumberTooLarge { what });
            }
            v |= low << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ShareError::NumberTooLarge { what })
    }

    fn small<T: TryFrom<u64>>(&mut self, what: &'static str) -> Result<T, ShareError> {
        T::try_from(self.varint(what)?).map_err(|_| ShareError::NumberTooLarge { what })
    }

    fn flag(&mut self, what: &'static str) -> Result<bool, ShareError> {
        match self.varint(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ShareError::BadFlag { what }),
        }
    }

    fn zigzag(&mut self, what: &'static str) -> Result<i64, ShareError> {
        self.varint(what).map(unzigzag)
    }

    fn read_mode(&mut self) -> Result<ReadMode, ShareError> {
        let i = self.varint("share-field.read-mode")?;
        usize::try_from(i)
            .ok()
            .and_then(|i| ReadMode::ALL.get(i).copied())
            .ok_or(ShareError::UnknownTag {
                what: "share-field.read-mode",
                tag: i,
            })
    }
}

fn read_config(r: &mut Reader<'_>) -> Result<Config, ShareError> {
    let mask = r.varint("share-field.settings")?;
    if mask >> CONFIG_FIELDS != 0 {
        return Err(ShareError::UnknownConfigFields(
            mask >> CONFIG_FIELDS << CONFIG_FIELDS,
        ));
    }
    let mut c = Config::default();
    for i in 0..CONFIG_FIELDS {
        if mask & (1 << i) == 0 {
            continue;
        }
        match i {
            0 => c.seed = r.varint("share-field.seed")?,
            1 => c.cluster_size = r.small("share-field.cluster-size")?,
            2 => c.clients = r.small("share-field.number-of-clients")?,
            3 => c.election_timeout_min_us = r.varint("share-field.election-timeout")?,
            4 => c.election_timeout_max_us = r.varint("share-field.election-timeout")?,
            5 => {
                let n: u8 = r.small("share-field.number-of-per-server-election-timeouts")?;
                // Validation rejects more overrides than servers; the cap on `n` keeps this
                // allocation small whatever the link says.
                let mut v = Vec::with_capacity(usize::from(n));
                for _ in 0..n {
                    if r.flag("share-field.per-server-election-timeout")? {
                        let min = r.varint("share-field.per-server-election-timeout")?;
                        let max = r.varint("share-field.per-server-election-timeout")?;
                        v.push(Some((min, max)));
                    } else {
                        v.push(None);
                    }
                }
                c.election_timeout_override = v;
            }
            6 => c.heartbeat_interval_us = r.varint("share-field.heartbeat-interval")?,
            7 => c.latency_min_us = r.varint("share-field.latency")?,
            8 => c.latency_max_us = r.varint("share-field.latency")?,
            9 => c.loss_per_mille = r.small("share-field.loss-rate")?,
            10 => c.duplicate_per_mille = r.small("share-field.duplication-rate")?,
            11 => {
                c.replication = if r.flag("share-field.replication-mode")? {
                    Replication::Immediate
                } else {
                    Replication::OnHeartbeat
                }
            }
            12 => c.noop_on_election = r.flag("share-field.no-op-on-election-switch")?,
            13 => c.pre_vote = r.flag("share-field.prevote-switch")?,
            14 => c.check_quorum = r.flag("share-field.checkquorum-switch")?,
            15 => c.client_retry_timeout_us = r.varint("share-field.client-retry-timeout")?,
            16 => c.client_max_attempts = r.small("share-field.client-attempt-limit")?,
            18 => c.single_server_changes = r.flag("share-field.single-server-changes-switch")?,
            19 => c.snapshot_threshold = r.varint("share-field.snapshot-threshold")?,
            20 => c.read_mode = r.read_mode()?,
            _ => {
                let bits = r.varint("share-field.safety-switches")?;
                if bits >> SafetySwitch::ALL.len() != 0 {
                    return Err(ShareError::UnknownTag {
                        what: "share-field.safety-switch-set",
                        tag: bits,
                    });
                }
                for (i, switch) in SafetySwitch::ALL.iter().enumerate() {
                    switch.set(&mut c.safety, bits & (1 << i) != 0);
                }
            }
        }
    }
    c.validate().map_err(ShareError::InvalidConfig)?;
    Ok(c)
}

struct ActionReader<'a, 'b> {
    r: &'a mut Reader<'b>,
    /// The action number, from 1, for messages.
    number: usize,
    cluster_size: u8,
    clients: u8,
}

impl ActionReader<'_, '_> {
    fn node(&mut self) -> Result<NodeId, ShareError> {
        let n = self.r.varint("share-field.server-id")?;
        if n >= u64::from(self.cluster_size) {
            return Err(ShareError::NodeOutOfRange {
                action: self.number,
                node: n,
                cluster_size: self.cluster_size,
            });
        }
        Ok(NodeId(n as u8))
    }

    fn client(&mut self) -> Result<ClientId, ShareError> {
        let c = self.r.varint("share-field.client-id")?;
        if c >= u64::from(self.clients) {
            return Err(ShareError::ClientOutOfRange {
                action: self.number,
                client: c,
                clients: self.clients,
            });
        }
        Ok(ClientId(c as u16))
    }

    fn command(&mut self) -> Result<Command, ShareError> {
        match self.r.varint("share-field.command")? {
            0 => Ok(Command::Set(self.r.zigzag("share-field.command-value")?)),
            1 => Ok(Command::Add(self.r.zigzag("share-field.command-value")?)),
            2 => Ok(Command::NoOp),
            3 => Ok(Command::Get),
            tag => Err(ShareError::UnknownTag {
                what: "share-field.command",
                tag,
            }),
        }
    }

    fn option(&mut self) -> Result<OptionChange, ShareError> {
        let r = &mut *self.r;
        Ok(match r.varint("share-field.option")? {
            0 => OptionChange::Latency {
                min_us: r.varint("share-field.latency")?,
                max_us: r.varint("share-field.latency")?,
            },
            1 => OptionChange::LossPerMille(r.small("share-field.loss-rate")?),
            2 => OptionChange::DuplicatePerMille(r.small("share-field.duplication-rate")?),
            3 => OptionChange::ElectionTimeout {
                min_us: r.varint("share-field.election-timeout")?,
                max_us: r.varint("share-field.election-timeout")?,
            },
            4 => OptionChange::HeartbeatInterval(r.varint("share-field.heartbeat-interval")?),
            5 => OptionChange::Replication(if r.flag("share-field.replication-mode")? {
                Replication::Immediate
            } else {
                Replication::OnHeartbeat
            }),
            6 => OptionChange::NoOpOnElection(r.flag("share-field.no-op-on-election-switch")?),
            7 => OptionChange::PreVote(r.flag("share-field.prevote-switch")?),
            8 => OptionChange::CheckQuorum(r.flag("share-field.checkquorum-switch")?),
            9 => OptionChange::ClientRetryTimeout(r.varint("share-field.client-retry-timeout")?),
            11 => OptionChange::ClientMaxAttempts(r.small("share-field.client-attempts")?),
            12 => OptionChange::SingleServerChanges(
                r.flag("share-field.single-server-changes-switch")?,
            ),
            13 => OptionChange::SnapshotThreshold(r.varint("share-field.snapshot-threshold")?),
            14 => OptionChange::ReadMode(r.read_mode()?),
            10 => {
                let i = r.varint("share-field.safety-switch")?;
                let switch = usize::try_from(i)
                    .ok()
                    .and_then(|i| SafetySwitch::ALL.get(i).copied())
                    .ok_or(ShareError::UnknownTag {
                        what: "share-field.safety-switch",
                        tag: i,
                    })?;
                OptionChange::Safety(switch, r.flag("share-field.safety-switch-state")?)
            }
            tag => {
                return Err(ShareError::UnknownTag {
                    what: "share-field.option",
                    tag,
                })
            }
        })
    }

    fn action(&mut self, tag: u8) -> Result<Action, ShareError> {
        Ok(match tag {
            0 => Action::Stop(self.node()?),
            1 => Action::Restart(self.node()?),
            2 => Action::Timeout(self.node()?),
            11 => Action::TransferLeadership(self.node()?),
            12 => {
                // A server added in the next free slot exists from this action on.
                let n = self.r.varint("share-field.server-id")?;
                if n > u64::from(self.cluster_size) || n >= u64::from(MAX_SLOTS) {
                    return Err(ShareError::NodeOutOfRange {
                        action: self.number,
                        node: n,
                        cluster_size: self.cluster_size,
                    });
                }
                self.cluster_size = self.cluster_size.max(n as u8 + 1);
                Action::AddServer(NodeId(n as u8))
            }
            13 => Action::RemoveServer(self.node()?),
            3 => Action::Submit {
                client: self.client()?,
                node: self.node()?,
                command: self.command()?,
            },
            4 => {
                let size = usize::from(self.cluster_size);
                let groups = self.r.varint("share-field.number-of-groups")?;
                // Each server is in at most one group, so more groups than servers (plus an
                // empty one) cannot be a real partition; the cap also bounds the allocation.
                if groups > size as u64 + 1 {
                    return Err(ShareError::NumberTooLarge {
                        what: "share-field.number-of-partition-groups",
                    });
                }
                let mut out = Vec::with_capacity(groups as usize);
                let mut total = 0usize;
                for _ in 0..groups {
                    let len = self.r.varint("share-field.group-size")?;
                    total = total.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
                    if total > size {
                        return Err(ShareError::NumberTooLarge {
                            what: "share-field.partition-group-size",
                        });
                    }
                    let mut g = Vec::with_capacity(len as usize);
                    for _ in 0..len {
                        g.push(self.node()?);
                    }
                    out.push(g);
                }
                Action::Partition(out)
            }
            5 => Action::Heal,
            6 => Action::CutLink(self.node()?, self.node()?),
            7 => Action::CutOneWay {
                from: self.node()?,
                to: self.node()?,
            },
            8 => Action::RestoreLink(self.node()?, self.node()?),
            9 => Action::DropMessage(self.r.varint("share-field.message-id")?),
            10 => Action::SetOption(self.option()?),
            tag => {
                return Err(ShareError::UnknownTag {
                    what: "share-field.action",
                    tag: u64::from(tag),
                })
            }
        })
    }
}

/// Reads the bytes of a run (the inverse of [`encode_run_bytes`]).
pub fn decode_run_bytes(bytes: &[u8]) -> Result<(Config, Vec<TimedAction>), ShareError> {
    let mut r = Reader { bytes, pos: 0 };
    let config = read_config(&mut r)?;
    let count = r.varint("share-field.number-of-actions")?;
    if count > MAX_ACTIONS as u64 {
        return Err(ShareError::TooManyActions { count });
    }
    // Every action takes at least two bytes, so a count the data cannot hold is refused before
    // allocating for it.
    if count > (r.remaining() / 2) as u64 {
        return Err(ShareError::Truncated {
            what: "share-field.actions",
        });
    }
    let mut actions = Vec::with_capacity(count as usize);
    let (mut prev_at, mut prev_after) = (0u64, 0u64);
    // Servers added by the run's actions exist from then on: later actions may name them.
    let mut cluster_size = config.cluster_size;
    for i in 0..count as usize {
        let number = i + 1;
        let header = r.byte("share-field.action")?;
        if header & 0xe0 != 0 {
            return Err(ShareError::UnknownTag {
                what: "share-field.action-header",
                tag: u64::from(header),
            });
        }
        let at = prev_at.wrapping_add(r.zigzag("share-field.action-time")? as u64);
        prev_at = at;
        let after_event = if header & 0x10 != 0 {
            let n = prev_after.wrapping_add(r.zigzag("share-field.event-count")? as u64);
            prev_after = n;
            Some(n)
        } else {
            None
        };
        if at > MAX_RUN_TIME_US || after_event.is_some_and(|n| n > MAX_RUN_EVENTS) {
            return Err(ShareError::TooLate { action: number });
        }
        let mut reader = ActionReader {
            r: &mut r,
            number,
            cluster_size,
            clients: config.clients,
        };
        let action = reader.action(header & 0x0f)?;
        cluster_size = reader.cluster_size;
        actions.push(TimedAction {
            at,
            after_event,
            action,
        });
    }
    if r.remaining() > 0 {
        return Err(ShareError::TrailingBytes {
            count: r.remaining(),
        });
    }
    Ok((config, actions))
}

/// Reads a share text made by [`encode_run`]. Surrounding whitespace is ignored.
pub fn decode_run(text: &str) -> Result<(Config, Vec<TimedAction>), ShareError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ShareError::Empty);
    }
    if text.len() > MAX_SHARE_LEN {
        return Err(ShareError::TooLong { len: text.len() });
    }
    let (version, data) = text.split_once('.').ok_or(ShareError::MissingVersion)?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::MissingVersion);
    }
    let known = version
        .parse::<u32>()
        .is_ok_and(|v| (OLDEST_SHARE_VERSION..=SHARE_VERSION).contains(&v));
    if !known {
        let shown: String = version.chars().take(12).collect();
        return Err(ShareError::UnsupportedVersion(shown));
    }
    decode_run_bytes(&base64url_decode(data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64url_encode(plain.as_bytes()), coded);
            assert_eq!(base64url_decode(coded), Ok(plain.as_bytes().to_vec()));
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zg=="), Ok(b"f".to_vec()));
        assert_eq!(base64url_decode("Z"), Err(ShareError::BadLength));
        // "Zh" would carry non-zero leftover bits.
        assert_eq!(base64url_decode("Zh"), Err(ShareError::BadLength));
        assert!(matches!(
            base64url_decode("Zm+v"),
            Err(ShareError::BadCharacter {
                position: 2,
                found: '+'
            })
        ));
    }

    #[test]
    fn a_server_added_by_the_run_can_be_named_by_later_actions() {
        let config = Config {
            cluster_size: 4,
            ..Config::default()
        };
        let actions = vec![
            TimedAction::at(100_000, Action::AddServer(NodeId(4))),
            TimedAction::at(200_000, Action::Stop(NodeId(4))),
            TimedAction::at(300_000, Action::Restart(NodeId(4))),
        ];
        let code = encode_run(&config, &actions);
        assert_eq!(decode_run(&code), Ok((config.clone(), actions)));
        // Before it is added, it does not exist.
        let early = vec![TimedAction::at(100_000, Action::Stop(NodeId(4)))];
        assert!(matches!(
            decode_run(&encode_run(&config, &early)),
            Err(ShareError::NodeOutOfRange { node: 4, .. })
        ));
    }

    #[test]
    fn base64url_round_trips_every_length() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        for n in 0..bytes.len() {
            let coded = base64url_encode(&bytes[..n]);
            assert_eq!(base64url_decode(&coded).as_deref(), Ok(&bytes[..n]));
        }
    }

    #[test]
    fn varints_and_zigzag() {
        for v in [0, 1, 127, 128, 300, u64::MAX - 1, u64::MAX] {
            let mut out = Vec::new();
            put(&mut out, v);
            let mut r = Reader {
                bytes: &out,
                pos: 0,
            };
            assert_eq!(r.varint("x"), Ok(v));
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        let eleven = [0xffu8; 11];
        let mut r = Reader {
            bytes: &eleven,
            pos: 0,
        };
        assert_eq!(r.varint("x"), Err(ShareError::NumberTooLarge { what: "x" }));
        let big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        let mut r = Reader {
            bytes: &big,
            pos: 0,
        };
        assert!(r.varint("x").is_err());
    }

    #[test]
    fn default_run_is_tiny() {
        assert_eq!(encode_run(&Config::default(), &[]), "3.AAA");
        assert_eq!(decode_run("3.AAA"), Ok((Config::default(), Vec::new())));
        // Version 2 links (from before snapshots and reads) still open.
        assert_eq!(decode_run("2.AAA"), Ok((Config::default(), Vec::new())));
        // Version 1 links (from before membership changes) still open.
        assert_eq!(decode_run("1.AAA"), Ok((Config::default(), Vec::new())));
        assert!(decode_run("4.AAA").is_err());
    }
}
