//! The replicated log and the commands it carries (§5.3).

use super::{LogIndex, Membership, Snapshot, Term};
use crate::chunked::{Chunked, Slice};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The identity of a client of the cluster, counted from 0 and shown as "client 1", "client 2", ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(pub u16);

impl ClientId {
    /// The client's display name, counted from 1 because people count that way.
    pub fn name(self) -> String {
        format!("client {}", u32::from(self.0) + 1)
    }

    /// The client's number, counted from 1: the sentences of the catalogue name a client with it
    /// in their own words ("client {client}", "cliente {client}").
    pub fn number(self) -> String {
        (u32::from(self.0) + 1).to_string()
    }

    /// The position of this client in per-client vectors.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Names one client command uniquely: the client plus its own sequence number.
///
/// A client that retries sends the same `RequestId` again, and the state machine applies a given
/// id at most once (§8 of the paper: "clients assign unique serial numbers to every command").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RequestId {
    /// Which client sent the command.
    pub client: ClientId,
    /// The client's sequence number for it, starting at 1.
    pub seq: u64,
}

/// A command for the state machine, which holds a single integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Command {
    /// Replace the value.
    Set(i64),
    /// Add to the value, wrapping on overflow so that every input has a defined result.
    Add(i64),
    /// Read the value. Changes nothing; a GET goes into the log only when reads are served
    /// through the log (§8), and is otherwise answered by the leader without an entry.
    Get,
    /// Change nothing. A new leader may append one so that it can commit entries of its own term
    /// (§8), which in turn commits everything before it.
    NoOp,
    /// A new cluster configuration (§6). It leaves the value alone; every server uses the latest
    /// configuration in its log from the moment the entry is appended. Only leaders create these;
    /// clients cannot send them.
    Config(Membership),
}

impl Command {
    /// The value after applying this command to `value`.
    pub fn apply(self, value: i64) -> i64 {
        match self {
            Command::Set(n) => n,
            Command::Add(n) => value.wrapping_add(n),
            Command::Get | Command::NoOp | Command::Config(_) => value,
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Command::Set(n) => write!(f, "SET {n}"),
            Command::Add(n) => write!(f, "ADD {n}"),
            Command::Get => f.write_str("GET"),
            Command::NoOp => f.write_str("NO-OP"),
            Command::Config(m) => write!(f, "CONFIG {m}"),
        }
    }
}

/// Why a text could not be read as a [`Command`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandParseError {
    /// The text was empty or only spaces.
    Empty,
    /// The first word was not SET, ADD, GET or NOOP.
    UnknownVerb(String),
    /// SET or ADD without a number after it.
    MissingNumber,
    /// The argument was not a whole number that fits in 64 bits.
    BadNumber(String),
    /// Something followed the number.
    TrailingText(String),
}

// Its words (and so its `Display`) are in `sim::words`: the protocol does not say things.

impl std::str::FromStr for Command {
    type Err = CommandParseError;

    /// Reads `SET n`, `ADD n`, `GET` or `NOOP` (any case, any spacing), as typed in the UI's command box.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words = s.split_whitespace();
        let verb = words.next().ok_or(CommandParseError::Empty)?;
        let upper = verb.to_ascii_uppercase();
        let make: fn(i64) -> Command = match upper.as_str() {
            "SET" => Command::Set,
            "ADD" => Command::Add,
            "NOOP" | "NO-OP" | "GET" => {
                let command = if upper == "GET" {
                    Command::Get
                } else {
                    Command::NoOp
                };
                return match words.next() {
                    None => Ok(command),
                    Some(t) => Err(CommandParseError::TrailingText(t.to_string())),
                };
            }
            _ => return Err(CommandParseError::UnknownVerb(verb.to_string())),
        };
        let number = words.next().ok_or(CommandParseError::MissingNumber)?;
        let n: i64 = number
            .parse()
            .map_err(|_| CommandParseError::BadNumber(number.to_string()))?;
        if let Some(t) = words.next() {
            return Err(CommandParseError::TrailingText(t.to_string()));
        }
        Ok(make(n))
    }
}

/// One entry of the replicated log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LogEntry {
    /// Position in the log, from 1.
    pub index: LogIndex,
    /// The term of the leader that created the entry.
    pub term: Term,
    /// What to do to the state machine.
    pub command: Command,
    /// The client request this entry carries, if any (a no-op has none), for deduplication.
    pub request: Option<RequestId>,
}

/// A Raft log: entries with contiguous indices, starting at 1 or, once compacted, just after
/// the last index its snapshot covers (§7).
///
/// The log keeps the invariant `entries[i].index == start + i` (with `start` one past the
/// snapshot's last index) so that lookups by index are O(1). Entries are private and only ever
/// appended or cut off at the end (compaction removes committed entries from the front, which
/// the snapshot then stands for), so every change to an existing entry shows in
/// [`RaftLog::removals`]; that is how the invariant checker sees, in constant time, that a
/// leader never deletes or rewrites an entry anywhere in its log.
#[derive(Clone, Debug, Default)]
pub struct RaftLog {
    /// The snapshot that replaces the entries up to its last index, if the log was compacted.
    /// Shared, because it is immutable and checkpoints of the world copy logs often.
    snapshot: Option<Arc<Snapshot>>,
    /// In chunks shared with the copies of this log (time-travel checkpoints), so a copy costs
    /// what changed since, not the whole log.
    entries: Chunked<LogEntry>,
    /// Bookkeeping of truncations; not part of the log's content (equality ignores it).
    removals: Removals,
    /// The indices of the configuration entries, in order, so that the configuration in use
    /// (the latest one, §6) is found in constant time. Derived from `entries`.
    configs: Vec<LogIndex>,
}

/// How many truncations removed entries from a log, and where the latest one started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removals {
    /// Truncations that removed at least one entry.
    pub count: u64,
    /// The first index removed by the latest of them (0 before any).
    pub last_from: LogIndex,
}

/// Two logs are equal when they hold the same snapshot and entries, whatever truncations led
/// there.
impl PartialEq for RaftLog {
    fn eq(&self, other: &RaftLog) -> bool {
        self.snapshot == other.snapshot && self.entries == other.entries
    }
}

impl Eq for RaftLog {}

impl RaftLog {
    /// An empty log.
    pub fn new() -> RaftLog {
        RaftLog::default()
    }

    /// Builds a log from a list of terms, with no-op commands. Meant for tests that reproduce the
    /// paper's figures, which describe logs by their terms alone.
    pub fn from_terms(terms: &[Term]) -> RaftLog {
        let mut log = RaftLog::new();
        for &term in terms {
            log.push(term, Command::NoOp, None);
        }
        log
    }

    /// The entries after the snapshot (all of them if there is none), in index order.
    pub fn entries(&self) -> Slice<'_, LogEntry> {
        self.entries.all()
    }

    /// The snapshot standing for the compacted start of the log, if any.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_deref()
    }

    /// The last index the snapshot covers (`lastIncludedIndex`), or 0 without one. Entries up to
    /// it are committed and no longer held one by one.
    pub fn snapshot_index(&self) -> LogIndex {
        self.snapshot.as_ref().map_or(0, |s| s.last_index)
    }

    /// The number of entries held one by one (after the snapshot).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log holds no entries after its snapshot.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The index of the last entry (or the snapshot's last index), 0 when there is neither.
    pub fn last_index(&self) -> LogIndex {
        self.snapshot_index() + self.entries.len() as LogIndex
    }

    /// The term of the last entry (or of the snapshot's last entry), 0 when there is neither.
    pub fn last_term(&self) -> Term {
        match self.entries.last() {
            Some(e) => e.term,
            None => self.snapshot.as_ref().map_or(0, |s| s.last_term),
        }
    }

    /// The entry at `index`, if the log holds one there (not one the snapshot replaced).
    pub fn get(&self, index: LogIndex) -> Option<&LogEntry> {
        let offset = index.checked_sub(self.snapshot_index() + 1)?;
        usize::try_from(offset)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The term of the entry at `index`; index 0 has term 0 so that the consistency check of an
    /// AppendEntries at the very start of the log always passes, and the snapshot's last index
    /// has the snapshot's term for the same check just after it. `None` past the end and for
    /// the indices the snapshot replaced before its last one.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        match &self.snapshot {
            Some(s) if index == s.last_index => Some(s.last_term),
            _ if index == 0 => Some(0),
            _ => self.get(index).map(|e| e.term),
        }
    }

    /// Appends a new entry at the end and returns it.
    pub fn push(&mut self, term: Term, command: Command, request: Option<RequestId>) -> LogEntry {
        let entry = LogEntry {
            index: self.last_index() + 1,
            term,
            command,
            request,
        };
        self.push_entry(entry);
        entry
    }

    /// Appends an entry that came from a leader. Its index must be the next one; callers check.
    pub(crate) fn push_entry(&mut self, entry: LogEntry) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        if matches!(entry.command, Command::Config(_)) {
            self.configs.push(entry.index);
        }
        self.entries.push(entry);
    }

    /// The latest configuration at or before `index`, with the index of its entry. Past the
    /// snapshot's entries it is the snapshot's configuration, given with the snapshot's last
    /// index (its own entry may be gone; it is committed either way).
    pub fn config_at(&self, index: LogIndex) -> Option<(LogIndex, Membership)> {
        let pos = self.configs.partition_point(|&i| i <= index);
        let from_snapshot = || {
            let s = self.snapshot.as_ref().filter(|s| s.last_index <= index)?;
            Some((s.last_index, s.config))
        };
        let Some(&at) = pos.checked_sub(1).and_then(|p| self.configs.get(p)) else {
            return from_snapshot();
        };
        match self.get(at)?.command {
            Command::Config(m) => Some((at, m)),
            _ => None,
        }
    }

    /// The latest configuration entry in the log, committed or not, with its index: the one a
    /// server uses (§6).
    pub fn latest_config(&self) -> Option<(LogIndex, Membership)> {
        self.config_at(self.last_index())
    }

    /// Deletes the entry at `index` and everything after it; returns how many were removed.
    /// Entries the snapshot replaced are committed and stay (`index` is raised past them).
    pub fn truncate_from(&mut self, index: LogIndex) -> usize {
        let base = self.snapshot_index();
        let keep_to = index.saturating_sub(1).max(base);
        let keep = (keep_to - base) as usize;
        let removed = self.entries.len().saturating_sub(keep);
        self.entries.truncate(keep);
        let configs_kept = self.configs.partition_point(|&i| i <= keep_to);
        self.configs.truncate(configs_kept);
        if removed > 0 {
            self.removals = Removals {
                count: self.removals.count + 1,
                last_from: keep_to + 1,
            };
        }
        removed
    }

    /// Replaces the entries up to `snapshot.last_index` with `snapshot` (§7): a server's own
    /// compaction, or an InstallSnapshot whose last entry this log holds (Figure 13, step 6:
    /// the entries after it are kept). Any other log is discarded whole (step 7). Returns
    /// whether entries after the snapshot were kept.
    pub fn install(&mut self, snapshot: Arc<Snapshot>) -> bool {
        let last = snapshot.last_index;
        let keeps_suffix = last >= self.snapshot_index()
            && self.term_at(last) == Some(snapshot.last_term)
            && last <= self.last_index();
        if keeps_suffix {
            let drop = (last - self.snapshot_index()) as usize;
            self.entries.remove_front(drop);
            self.configs.retain(|&i| i > last);
        } else {
            // The configuration entries go with the rest: one past `last` would otherwise
            // shadow the snapshot's configuration once the log grows past it again.
            self.entries.clear();
            self.configs.clear();
        }
        self.snapshot = Some(snapshot);
        keeps_suffix
    }

    /// The bytes of entries that no older copy of this log shares (see
    /// [`Chunked::fresh_bytes`]).
    pub fn fresh_bytes(&self) -> usize {
        self.entries.fresh_bytes()
    }

    /// The truncations this log has been through (see [`Removals`]).
    pub fn removals(&self) -> Removals {
        self.removals
    }

    /// Up to `max` entries starting at `from` (which may be one past the end, giving none).
    /// Entries the snapshot replaced are not available: the slice starts after them.
    pub fn slice_from(&self, from: LogIndex, max: usize) -> Slice<'_, LogEntry> {
        let start = from.saturating_sub(self.snapshot_index() + 1) as usize;
        self.entries.all().range(start..start.saturating_add(max))
    }

    /// The first index holding an entry of `term`, searching backwards from `from`. Used for the
    /// fast log back-up hint: a follower reports the first index of the conflicting term.
    /// It stops at the snapshot's last index, the first index whose term it still knows (the
    /// terms before it are gone: `term_at` has none).
    pub fn first_index_of_term_before(&self, term: Term, from: LogIndex) -> LogIndex {
        let mut i = from.min(self.last_index());
        while i > 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// The last index holding an entry of `term`, if any. Terms in a log never decrease, so a
    /// binary search suffices; the leader uses it to jump over a follower's conflicting term.
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        let pos = self.entries.all().partition_point(|e| e.term <= term);
        if pos == 0 {
            let s = self.snapshot.as_ref()?;
            return (s.last_term == term).then_some(s.last_index);
        }
        let e = self.entries.get(pos - 1)?;
        (e.term == term).then_some(e.index)
    }

    /// Whether the log holds the entry (`index`, `term`), counting the snapshot as the entries
    /// it replaced. A snapshot covers only committed entries (the invariant checker makes sure),
    /// so it holds every committed entry up to its last index.
    pub fn holds(&self, index: LogIndex, term: Term) -> bool {
        index < self.snapshot_index() || self.term_at(index) == Some(term)
    }

    /// Whether a candidate whose log ends at (`last_term`, `last_index`) is at least as up to date
    /// as this log (§5.4.1): the later last term wins, and with equal terms the longer log.
    pub fn candidate_is_up_to_date(&self, last_term: Term, last_index: LogIndex) -> bool {
        let my_term = self.last_term();
        last_term > my_term || (last_term == my_term && last_index >= self.last_index())
    }

    /// The index of the last entry carrying `request` among the entries after `after`.
    pub fn find_request_after(&self, request: RequestId, after: LogIndex) -> Option<&LogEntry> {
        let start = after.saturating_sub(self.snapshot_index()) as usize;
        let tail = self.entries.all().range(start..);
        tail.iter().rev().find(|e| e.request == Some(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_commands() {
        assert_eq!("SET 5".parse(), Ok(Command::Set(5)));
        assert_eq!("  add   -2 ".parse(), Ok(Command::Add(-2)));
        assert_eq!("noop".parse(), Ok(Command::NoOp));
        assert!(matches!(
            "MUL 2".parse::<Command>(),
            Err(CommandParseError::UnknownVerb(_))
        ));
        assert_eq!(
            "SET".parse::<Command>(),
            Err(CommandParseError::MissingNumber)
        );
        assert_eq!("".parse::<Command>(), Err(CommandParseError::Empty));
        assert!(matches!(
            "SET 99999999999999999999".parse::<Command>(),
            Err(CommandParseError::BadNumber(_))
        ));
        assert!(matches!(
            "SET 1 2".parse::<Command>(),
            Err(CommandParseError::TrailingText(_))
        ));
        assert_eq!(Command::Add(2).to_string(), "ADD 2");
    }

    #[test]
    fn clients_and_parse_errors_read_well() {
        assert_eq!(ClientId(0).name(), "client 1");
        assert_eq!(ClientId(1).to_string(), "client 2");
        assert_eq!(ClientId(3).index(), 3);
        assert_eq!(Command::NoOp.to_string(), "NO-OP");
        assert_eq!(Command::Set(-4).to_string(), "SET -4");
        for (error, says) in [
            (CommandParseError::Empty, "SET 5"),
            (CommandParseError::UnknownVerb("MUL".into()), "\"MUL\""),
            (CommandParseError::MissingNumber, "needs a number"),
            (CommandParseError::BadNumber("x".into()), "\"x\""),
            (CommandParseError::TrailingText("y".into()), "\"y\""),
        ] {
            assert!(error.to_string().contains(says), "{error:?}");
        }
    }

    #[test]
    fn logs_are_equal_by_their_entries() {
        let a = RaftLog::from_terms(&[1, 2]);
        let mut b = RaftLog::from_terms(&[1, 2, 2]);
        assert_ne!(a, b);
        assert_ne!(a, RaftLog::from_terms(&[1, 3]));
        b.truncate_from(3);
        assert_eq!(a, b, "truncations are bookkeeping, not content");
        assert!(!a.is_empty());
        assert!(RaftLog::new().is_empty());
    }

    #[test]
    fn add_wraps() {
        assert_eq!(Command::Add(1).apply(i64::MAX), i64::MIN);
        assert_eq!(Command::Set(5).apply(1), 5);
        assert_eq!(Command::NoOp.apply(3), 3);
    }

    #[test]
    fn term_searches() {
        let log = RaftLog::from_terms(&[1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
        assert_eq!(log.last_index_of_term(4), Some(5));
        assert_eq!(log.last_index_of_term(2), None);
        assert_eq!(log.last_index_of_term(6), Some(10));
        assert_eq!(log.last_index_of_term(7), None);
        assert_eq!(log.first_index_of_term_before(6, 10), 8);
        assert_eq!(log.first_index_of_term_before(1, 2), 1);
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(11), None);
        assert_eq!(log.slice_from(9, 10).len(), 2);
        assert_eq!(log.slice_from(11, 10).len(), 0);
    }
}
