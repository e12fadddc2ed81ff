//! A linearizability checker for the client history of the register.
//!
//! Raft promises clients a linearizable register: every command appears to take effect at one
//! instant between its invocation and its response, in an order consistent with real time
//! (Herlihy & Wing, "Linearizability: A Correctness Condition for Concurrent Objects"). The
//! invariant checker ([`super::Checker`]) looks at servers' logs; this module looks only at what
//! clients saw, so it also catches bugs between the log and the client (a wrong value in a reply,
//! a retried command applied twice, a reply from a deposed leader).
//!
//! The model is the simulator's state machine: one `i64` register starting at 0 (or
//! [`CheckOptions::initial_value`]), `SET n` replaces it, `ADD n` adds with wrapping, `NOOP`
//! changes nothing, and a command that completed `Ok` reports the value right after it. A command
//! that is still [`OpOutcome::Pending`] or [`OpOutcome::Failed`] is *unknown*: it may never take
//! effect, or take effect once at any time after its invocation (clients deduplicate retries by
//! (client, seq), so never twice). An unknown command is modelled as one whose response never
//! arrives; putting it after every completed command is the same as it never taking effect, since
//! nothing observes the register afterwards.
//!
//! Two facts about the simulator's clients sharpen this (both can be switched off in
//! [`CheckOptions`]): a client runs one command at a time, so a command submitted while another
//! was running starts only when that one ends; and servers keep client sessions, so an unknown
//! command cannot take effect after a later command of the same client has.
//!
//! The search is Wing & Gong's, with the improvements Lowe ("Testing for linearizability", 2017)
//! and Porcupine (Athalye) describe:
//! - invocations and responses of completed commands are one time-ordered, doubly linked list;
//!   placing ("lifting") a command unlinks its two entries, and backtracking relinks them in
//!   reverse order (dancing links); unknown commands, which have no response, are a second list;
//! - *just-in-time linearization*: only commands invoked before the earliest unplaced response
//!   are tried, completed ones first, and reaching that response means backtracking;
//! - *memoisation*: a (set of placed commands, register value) pair that was reached before is
//!   not searched again, because what can follow depends only on that pair.
//!
//! The search is bounded by [`CheckOptions::max_steps`], so an adversarial history yields
//! [`LinearizabilityResult::Unknown`] instead of hanging.

use super::{OpOutcome, Operation, Time};
use crate::raft::Command;

/// The default search budget of [`check_history`]: far more than any simulated history needs
/// (those take at most a few thousand steps), yet a bounded fraction of a second of work.
pub const DEFAULT_MAX_STEPS: u64 = 2_000_000;

/// How many candidate values a violation report keeps; more would not help a person.
const MAX_CANDIDATES: usize = 16;

/// Settings for [`check_history_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The register's value before any command (the simulator starts at 0).
    pub initial_value: i64,
    /// The most search steps (one step tries one list entry) before giving up with
    /// [`LinearizabilityResult::Unknown`].
    pub max_steps: u64,
    /// Whether each client runs one command at a time, in `seq` order, as
    /// [`super::Client`] does. Then a command cannot start before the client's previous command
    /// completed or was given up, even if it was submitted earlier and waited in the client's
    /// queue, and a command queued behind one still pending was never sent at all.
    /// [`Operation::invoked_at`] is the submission time, so without this every queued command
    /// would look concurrent with every other, which is both weaker and exponentially slower.
    pub sequential_clients: bool,
    /// Whether the servers keep client sessions (Raft dissertation §6.3), as this simulator's
    /// do: a server applies a client's command only if its sequence number is higher than the
    /// last one applied for that client. Then an unknown command cannot take effect after a
    /// later command of the same client did. This is stricter than the plain model (which lets
    /// an unknown command take effect at any time after it started) and, more importantly,
    /// keeps the search small when a client gives up on many commands in a row.
    pub client_sessions: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            initial_value: 0,
            max_steps: DEFAULT_MAX_STEPS,
            sequential_clients: true,
            client_sessions: true,
        }
    }
}

/// The verdict on one history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinearizabilityResult {
    /// The history is linearizable: some order of the commands, consistent with real time and
    /// the register's rules, explains every value clients saw.
    Ok {
        /// Search steps taken, for measuring how hard the history was.
        steps: u64,
    },
    /// No such order exists. The report names the command that could not be placed.
    Violation(Box<LinearizabilityViolation>),
    /// The search budget ran out before a verdict; the history may be either.
    Unknown {
        /// Search steps taken (the budget).
        steps: u64,
    },
}

impl LinearizabilityResult {
    /// Whether the history was found linearizable.
    pub fn is_ok(&self) -> bool {
        matches!(self, LinearizabilityResult::Ok { .. })
    }

    /// Search steps taken, whatever the verdict.
    pub fn steps(&self) -> u64 {
        match self {
            LinearizabilityResult::Ok { steps } | LinearizabilityResult::Unknown { steps } => {
                *steps
            }
            LinearizabilityResult::Violation(v) => v.steps,
        }
    }
}

/// Why a history is not linearizable, reduced to what a person needs: the completed command
/// that no order could place, what it reported, and what the register could have held.
///
/// The command is the one blocking the longest partial linearization the search found (the most
/// completed commands placed); `before` holds the values the register could have had when that
/// command had to take effect, so `expected` is what it should have reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinearizabilityViolation {
    /// Index of the command in the checked slice (so in [`super::World::operations`]).
    pub op: usize,
    /// A copy of that command.
    pub operation: Operation,
    /// The value it reported.
    pub observed: i64,
    /// Register values it could have been applied to, sorted (at most 16).
    pub before: Vec<i64>,
    /// The values it would then have reported, in the order of `before`.
    pub expected: Vec<i64>,
    /// Completed commands placed in the longest partial linearization.
    pub placed: usize,
    /// Search steps taken.
    pub steps: u64,
}

/// Values as `5, 7` (Debug formatting would pull its machinery into the page for this one line).
fn listed(values: &[i64]) -> String {
    let words: Vec<String> = values.iter().map(i64::to_string).collect();
    words.join(", ")
}

impl std::fmt::Display for LinearizabilityViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = &self.operation;
        write!(
            f,
            "not linearizable: operation {} (client {}, seq {}, {}, invoked at {} us, completed at {} us) reported {}, but after placing {} completed operations the register could only hold [{}] before it, giving [{}]",
            self.op,
            o.client.0,
            o.seq,
            o.command,
            o.invoked_at,
            o.completed_at.map_or_else(|| "-".to_string(), |t| t.to_string()),
            self.observed,
            self.placed,
            listed(&self.before),
            listed(&self.expected),
        )
    }
}

/// Checks `ops` (typically [`super::World::operations`]) against the register model, starting
/// from 0, with the default step budget.
pub fn check_history(ops: &[Operation]) -> LinearizabilityResult {
    check_history_with(ops, CheckOptions::default())
}

/// The start of a client history that no later operation can reorder, summed up: the
/// operations before index `from` are known linearizable and leave the register holding
/// `value`. The live check searches only what comes after, so checking after every completion
/// costs what the recent history costs, not the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SettledPrefix {
    /// The first operation not yet settled.
    pub from: usize,
    /// The register's value after the settled operations.
    pub value: i64,
}

impl SettledPrefix {
    /// Moves the boundary as far as it safely goes within `ops[self.from..]`, which must have
    /// just been found linearizable from `self.value`. A boundary at `k` is safe when every
    /// operation before it completed `Ok` before any operation from `k` on was submitted (so
    /// real time puts all of them first), and the one that completed last began after all the
    /// others had completed (so every order ends with it, and the value it reported is the
    /// register's). The boundary only moves when a later operation exists: one submitted in
    /// the very microsecond of the last completion would count as concurrent with it.
    pub fn advance(&mut self, ops: &[Operation]) {
        self.advance_within(ops.get(self.from..).unwrap_or_default());
    }

    /// [`SettledPrefix::advance`] given only the operations from `self.from` on.
    pub fn advance_within(&mut self, window: &[Operation]) {
        let mut latest: Option<(Time, Time, i64)> = None; // (completed, started, value)
        let mut others_done: Option<Time> = None; // the latest completion of the others
        let mut cut = None;
        for (k, o) in window.iter().enumerate() {
            if let Some((done, started, value)) = latest {
                if o.invoked_at > done && others_done.is_none_or(|d| started > d) {
                    cut = Some((k, value));
                }
            }
            let (OpOutcome::Ok { value, .. }, Some(done)) = (o.outcome, o.completed_at) else {
                break;
            };
            let other = match latest {
                Some((d, _, _)) if done <= d => done,
                _ => {
                    let previous = latest.map(|l| l.0);
                    latest = Some((done, o.invoked_at, value));
                    match previous {
                        Some(d) => d,
                        None => continue,
                    }
                }
            };
            others_done = Some(others_done.map_or(other, |d| d.max(other)));
        }
        if let Some((k, value)) = cut {
            self.from += k;
            self.value = value;
        }
    }
}

/// The verdict without a search when every operation completed `Ok` and each was sent after
/// the one before it had completed: real time then allows one order only, so replaying it is
/// the whole check. That is the common case by far (clients taking turns), and the world checks
/// after every completion. `None` when the history is not like that.
fn check_one_after_another(ops: &[Operation], initial: i64) -> Option<LinearizabilityResult> {
    let mut previous_done: Option<Time> = None;
    for o in ops {
        let (OpOutcome::Ok { .. }, Some(done)) = (o.outcome, o.completed_at) else {
            return None;
        };
        if previous_done.is_some_and(|d| o.invoked_at <= d) {
            return None;
        }
        previous_done = Some(done);
    }
    let mut value = initial;
    for (i, o) in ops.iter().enumerate() {
        let OpOutcome::Ok {
            value: observed, ..
        } = o.outcome
        else {
            return None;
        };
        let before = value;
        value = o.command.apply(value);
        if observed != value {
            return Some(LinearizabilityResult::Violation(Box::new(
                LinearizabilityViolation {
                    op: i,
                    operation: o.clone(),
                    observed,
                    before: vec![before],
                    expected: vec![value],
                    placed: i,
                    steps: i as u64 + 1,
                },
            )));
        }
    }
    Some(LinearizabilityResult::Ok {
        steps: ops.len() as u64,
    })
}

/// When each command was really sent: its submission time, or with `sequential` the later of
/// that and the completion of the same client's previous command. `None` for a command that was
/// never sent because it is queued behind one still pending (unless it somehow completed, which a
/// consistent history never shows, in which case its submission time is kept).
fn start_times(ops: &[Operation], sequential: bool) -> Vec<Option<Time>> {
    let mut starts: Vec<Option<Time>> = ops.iter().map(|o| Some(o.invoked_at)).collect();
    if !sequential {
        return starts;
    }
    let mut previous: Option<usize> = None;
    for i in client_order(ops) {
        let o = &ops[i];
        if let Some(p) = previous.filter(|&p| ops[p].client == o.client) {
            match ops[p].completed_at {
                Some(t) if starts[p].is_some() => starts[i] = Some(t.max(o.invoked_at)),
                _ if matches!(o.outcome, OpOutcome::Ok { .. }) => {}
                _ => starts[i] = None,
            }
        }
        previous = Some(i);
    }
    starts
}

/// Indices of `ops` by client, then sequence number (then position, for hand-made histories
/// that leave `seq` at 0).
fn client_order(ops: &[Operation]) -> Vec<usize> {
    sorted_by(ops.len(), |i| (u64::from(ops[i].client.0), ops[i].seq))
}

/// The indices `0..n` sorted by `key(i)`, ties by index. Every sort in this module (and the
/// experiments') goes through here, on one element type: each distinct sort instance costs
/// kilobytes of wasm.
pub(crate) fn sorted_by(n: usize, key: impl Fn(usize) -> (u64, u64)) -> Vec<usize> {
    let mut keyed: Vec<(u64, u64, u64)> = (0..n).map(|i| (key(i).0, key(i).1, i as u64)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|k| k.2 as usize).collect()
}

/// A command reduced to what the search needs.
#[derive(Clone, Copy, Debug)]
struct ModelOp {
    command: Command,
    /// The reported value; `None` for a pending or failed command.
    observed: Option<i64>,
    /// Dense index of the client, for the session rule.
    client: usize,
    /// The client's sequence number.
    seq: u64,
    /// When it was sent.
    start: Time,
    /// With sequential clients, the same client's latest completed command before it (`NIL`
    /// if none), which it must follow. The event list usually says so already, but not when
    /// one returned at the very microsecond the other started: within one instant the list
    /// treats everything as concurrent, and program order is the one thing still known.
    after: usize,
}

/// One end of a completed command's interval in the event list.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Index into the model operations.
    op: usize,
    /// For a call, the index of its return entry; unused for a return.
    partner: usize,
    /// True for the invocation, false for the response.
    call: bool,
    /// When it happened.
    at: Time,
}

/// The search's memo: the (discarded set, register value) states already explored. An
/// open-addressing table with linear probing, written here because it is only ever inserted
/// into (never iterated or removed from) and a `HashSet` would bring its general machinery into
/// the wasm bundle. Its keys are a few machine words, so a multiply-rotate mix hashes them.
#[derive(Default)]
struct Memo {
    /// A power of two long (or empty), at most half full.
    slots: Vec<Option<(Box<[u64]>, i64)>>,
    len: usize,
}

impl Memo {
    fn hash(words: &[u64], value: i64) -> usize {
        let mix = |h: u64, n: u64| (h.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
        let h = words.iter().fold(mix(0, value as u64), |h, &w| mix(h, w));
        // The high bits are the best mixed.
        (h >> 32) as usize
    }

    /// Adds the state; false if it was there already.
    fn insert(&mut self, words: &[u64], value: i64) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = Memo::hash(words, value) & mask;
        loop {
            match &self.slots[at] {
                None => break,
                Some((w, v)) if *v == value && **w == *words => return false,
                Some(_) => at = (at + 1) & mask,
            }
        }
        self.slots[at] = Some((words.into(), value));
        self.len += 1;
        true
    }

    /// Doubles the table and puts every state back.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, (0..size).map(|_| None).collect());
        let mask = size - 1;
        for (words, value) in old.into_iter().flatten() {
            let mut at = Memo::hash(&words, value) & mask;
            while self.slots[at].is_some() {
                at = (at + 1) & mask;
            }
            self.slots[at] = Some((words, value));
        }
    }
}

const NIL: usize = usize::MAX;

/// A doubly linked list over `0..n`, where node 0 is a sentinel head and `NIL` ends the list.
/// Unlinked nodes remember their neighbours, so relinking in the reverse order of unlinking
/// (dancing links) restores the list exactly.
struct List {
    next: Vec<usize>,
    prev: Vec<usize>,
}

impl List {
    /// A list of nodes `1..n` in order, after the head 0.
    fn new(n: usize) -> List {
        List {
            next: (1..=n).map(|i| if i == n { NIL } else { i }).collect(),
            prev: (0..n).map(|i| i.saturating_sub(1)).collect(),
        }
    }

    fn unlink(&mut self, i: usize) {
        let (p, n) = (self.prev[i], self.next[i]);
        self.next[p] = n;
        if n != NIL {
            self.prev[n] = p;
        }
    }

    fn relink(&mut self, i: usize) {
        let (p, n) = (self.prev[i], self.next[i]);
        self.next[p] = i;
        if n != NIL {
            self.prev[n] = i;
        }
    }
}

/// Where the search is looking for the next command to place.
#[derive(Clone, Copy, Debug)]
enum Cursor {
    /// At this entry of the list of completed commands' calls and returns.
    Main(usize),
    /// At this node of the list of unknown commands, trying those sent no later than `limit`
    /// (the first unplaced response), which belongs to `blocker`. The list is walked twice:
    /// first trying only commands after which a completed candidate would fit at once (the
    /// usual reason an unknown command must be placed), then the rest.
    Unknown {
        node: usize,
        limit: Time,
        blocker: usize,
        enabling_pass: bool,
    },
}

/// One placed command, for backtracking.
struct Frame {
    /// The model operation placed.
    op: usize,
    /// The register before it.
    before: i64,
    /// Where to resume when it is taken back.
    resume: Cursor,
    /// How many unknown commands its placement discarded (on the kill stack).
    killed: usize,
}

/// A small sorted set of register values (at most [`MAX_CANDIDATES`] are ever kept). A sorted
/// vector rather than a `BTreeSet`, whose code would cost the wasm bundle kilobytes.
#[derive(Clone, Debug, Default)]
struct Values(Vec<i64>);

impl Values {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn insert(&mut self, value: i64) {
        if let Err(at) = self.0.binary_search(&value) {
            self.0.insert(at, value);
        }
    }
}

/// Where the search got stuck furthest: the blocking command and the register values seen there.
struct Frontier {
    placed: usize,
    op: usize,
    values: Values,
}

/// Whether some completed candidate (a call before the first unplaced response) that depends on
/// the value before it, an ADD or a NOOP, would fit if the register held `value`.
fn enables(main: &List, entries: &[Entry], model: &[ModelOp], value: i64) -> bool {
    let mut e = main.next[0];
    while e != NIL && entries[e].call {
        let op = model[entries[e].op];
        if !matches!(op.command, Command::Set(_)) && op.observed == Some(op.command.apply(value)) {
            return true;
        }
        e = main.next[e];
    }
    false
}

/// [`check_history`] with explicit options.
pub fn check_history_with(ops: &[Operation], opts: CheckOptions) -> LinearizabilityResult {
    if let Some(verdict) = check_one_after_another(ops, opts.initial_value) {
        return verdict;
    }
    let starts = start_times(ops, opts.sequential_clients);
    let mut clients: Vec<super::ClientId> = Vec::new();
    for o in ops {
        if let Err(at) = clients.binary_search(&o.client) {
            clients.insert(at, o.client);
        }
    }
    let mut model = Vec::with_capacity(ops.len());
    let mut original = Vec::with_capacity(ops.len());
    for (i, o) in ops.iter().enumerate() {
        let observed = match o.outcome {
            OpOutcome::Ok { value, .. } => Some(value),
            OpOutcome::Pending | OpOutcome::Failed => None,
        };
        let Some(start) = starts[i] else {
            // Never sent, so it cannot have taken effect.
            continue;
        };
        // Unknown NOOPs and GETs change nothing and report nothing, so they cannot constrain
        // any order (the session rule gains nothing from them either: a later command discards
        // them anyway). Dropping them shrinks the search.
        if observed.is_none() && matches!(o.command, Command::NoOp | Command::Get) {
            continue;
        }
        model.push(ModelOp {
            command: o.command,
            observed,
            client: clients.binary_search(&o.client).unwrap_or(0),
            seq: o.seq,
            start,
            after: NIL,
        });
        original.push(i);
    }
    if opts.sequential_clients {
        let mut model_of = vec![NIL; ops.len()];
        for (m, &i) in original.iter().enumerate() {
            model_of[i] = m;
        }
        let mut last_ok: Option<(super::ClientId, usize)> = None;
        for i in client_order(ops) {
            let m = model_of[i];
            if m == NIL {
                continue;
            }
            if let Some((_, p)) = last_ok.filter(|&(c, _)| c == ops[i].client) {
                model[m].after = p;
            }
            if model[m].observed.is_some() {
                last_ok = Some((ops[i].client, m));
            }
        }
    }

    // Completed commands go into one time-ordered list of calls and returns. Sorting key: time,
    // then calls before returns, so that a response and an invocation at the same instant count
    // as concurrent. The simulator does not record the order of events within one microsecond,
    // and treating ties as concurrent can only hide a violation, never invent one.
    let mut times: Vec<(Time, bool, usize)> = Vec::new();
    for (m, (op, &i)) in model.iter().zip(&original).enumerate() {
        if op.observed.is_some() {
            times.push((op.start, false, m));
            // A completed command without a completion time is treated as answered at the end.
            let ret = ops[i].completed_at.unwrap_or(Time::MAX).max(op.start);
            times.push((ret, true, m));
        }
    }
    // By time, calls before returns, then by command (the index breaks the last ties alike).
    let times: Vec<(Time, bool, usize)> = sorted_by(times.len(), |k| {
        let (at, is_return, m) = times[k];
        (at, u64::from(is_return) << 63 | m as u64)
    })
    .into_iter()
    .map(|k| times[k])
    .collect();
    let mut entries: Vec<Entry> = vec![Entry {
        op: NIL,
        partner: NIL,
        call: false,
        at: 0,
    }];
    let mut call_entry = vec![0usize; model.len()];
    for &(at, is_return, m) in &times {
        let idx = entries.len();
        if is_return {
            entries[call_entry[m]].partner = idx;
        } else {
            call_entry[m] = idx;
        }
        entries.push(Entry {
            op: m,
            partner: NIL,
            call: !is_return,
            at,
        });
    }
    let mut main = List::new(entries.len());

    // Unknown commands go into a second list, by start time. They have no response, so they are
    // candidates whenever they were sent before the first unplaced response; trying them only
    // after the completed candidates finds the common explanation (the unknown command did not
    // take effect, or not yet) first.
    let unknown_ops: Vec<usize> = sorted_by(model.len(), |m| (model[m].start, m as u64))
        .into_iter()
        .filter(|&m| model[m].observed.is_none())
        .collect();
    let mut unknown_node = vec![NIL; model.len()];
    for (k, &m) in unknown_ops.iter().enumerate() {
        unknown_node[m] = k + 1;
    }
    let mut unknown = List::new(unknown_ops.len() + 1);
    // Each client's unknown commands, by sequence number, for the session rule.
    let mut by_client: Vec<Vec<usize>> = vec![Vec::new(); clients.len()];
    for &m in &unknown_ops {
        by_client[model[m].client].push(m);
    }
    for list in &mut by_client {
        *list = sorted_by(list.len(), |k| (model[list[k]].seq, 0))
            .into_iter()
            .map(|k| list[k])
            .collect();
    }

    let total_ok = model.iter().filter(|m| m.observed.is_some()).count();
    let mut remaining_ok = total_ok;
    let words = model.len().div_ceil(64).max(1);
    // Placed commands, plus unknown ones discarded by the session rule. With the rule, the
    // unknown part of this set is determined by each client's highest placed sequence number,
    // so the 2^k subsets of a client's k unknown commands collapse to k + 1 memo keys.
    let mut gone = vec![0u64; words];
    let bit = |m: usize| (m / 64, 1u64 << (m % 64));
    let mut memo = Memo::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut kills: Vec<usize> = Vec::new();
    let mut state = opts.initial_value;
    let mut cursor = Cursor::Main(main.next[0]);
    let mut steps = 0u64;
    // Values from which each completed command was tried and did not fit.
    let mut rejected: Vec<Values> = vec![Values::default(); model.len()];
    let mut frontier: Option<Frontier> = None;

    loop {
        if remaining_ok == 0 {
            // Every completed command is placed; unknown ones go after them (or nowhere).
            return LinearizabilityResult::Ok { steps };
        }
        if steps >= opts.max_steps {
            return LinearizabilityResult::Unknown { steps };
        }
        steps += 1;
        // The candidate to try now, if any, and where to go if it does not work out.
        let (candidate, otherwise) = match cursor {
            Cursor::Main(e) => {
                // While a completed command is unplaced its response is still in the list, and
                // the walk stops there at the latest, so it cannot run off the end.
                debug_assert!(e != NIL, "walked past every response");
                let en = entries[e];
                if en.call {
                    (Some(en.op), Cursor::Main(main.next[e]))
                } else {
                    // The first unplaced response: now try unknown commands sent before it.
                    cursor = Cursor::Unknown {
                        node: unknown.next[0],
                        limit: en.at,
                        blocker: en.op,
                        enabling_pass: true,
                    };
                    continue;
                }
            }
            Cursor::Unknown {
                node,
                limit,
                blocker,
                enabling_pass,
            } => {
                if node != NIL && model[unknown_ops[node - 1]].start <= limit {
                    let u = unknown_ops[node - 1];
                    let next = Cursor::Unknown {
                        node: unknown.next[node],
                        limit,
                        blocker,
                        enabling_pass,
                    };
                    // Each pass takes the commands the other leaves.
                    let after = model[u].command.apply(state);
                    if enables(&main, &entries, &model, after) == enabling_pass {
                        (Some(u), next)
                    } else {
                        cursor = next;
                        continue;
                    }
                } else if enabling_pass {
                    cursor = Cursor::Unknown {
                        node: unknown.next[0],
                        limit,
                        blocker,
                        enabling_pass: false,
                    };
                    continue;
                } else {
                    (None, Cursor::Main(NIL))
                }
            }
        };

        if let Some(m) = candidate {
            let op = model[m];
            if op.after != NIL {
                let (pw, pb) = bit(op.after);
                if gone[pw] & pb == 0 {
                    // Its client's previous command is not placed yet.
                    cursor = otherwise;
                    continue;
                }
            }
            let after = op.command.apply(state);
            if op.observed.is_some_and(|v| v != after) {
                if rejected[m].len() < MAX_CANDIDATES {
                    rejected[m].insert(state);
                }
                cursor = otherwise;
                continue;
            }
            // Place it, and with the session rule discard the client's older unknown commands:
            // once a later command of the client took effect, the servers' session table
            // ignores older ones.
            let (w, b) = bit(m);
            gone[w] |= b;
            let kill_mark = kills.len();
            // A GET answered without a log entry leaves the session table alone, so only other
            // commands discard older ones.
            if opts.client_sessions && op.command != Command::Get {
                for &u in &by_client[op.client] {
                    if model[u].seq >= op.seq {
                        break;
                    }
                    let (uw, ub) = bit(u);
                    if gone[uw] & ub == 0 {
                        gone[uw] |= ub;
                        kills.push(u);
                    }
                }
            }
            if memo.insert(&gone, after) {
                if op.observed.is_some() {
                    main.unlink(call_entry[m]);
                    main.unlink(entries[call_entry[m]].partner);
                    remaining_ok -= 1;
                } else {
                    unknown.unlink(unknown_node[m]);
                }
                for &u in &kills[kill_mark..] {
                    unknown.unlink(unknown_node[u]);
                }
                stack.push(Frame {
                    op: m,
                    before: state,
                    resume: otherwise,
                    killed: kills.len() - kill_mark,
                });
                state = after;
                cursor = Cursor::Main(main.next[0]);
            } else {
                // Seen before: undo the marks and move on.
                for &u in &kills[kill_mark..] {
                    let (uw, ub) = bit(u);
                    gone[uw] &= !ub;
                }
                kills.truncate(kill_mark);
                gone[w] &= !b;
                cursor = otherwise;
            }
            continue;
        }

        // No candidate is left before the first unplaced response, so nothing placed so far can
        // be extended past it. Remember the deepest such point for the report, then backtrack.
        if let Cursor::Unknown { blocker, .. } = cursor {
            let placed = total_ok - remaining_ok;
            match &mut frontier {
                Some(f) if f.placed > placed => {}
                Some(f) if f.placed == placed => {
                    if f.op == blocker && f.values.len() < MAX_CANDIDATES {
                        f.values.insert(state);
                    }
                }
                _ => {
                    frontier = Some(Frontier {
                        placed,
                        op: blocker,
                        values: Values(vec![state]),
                    })
                }
            }
        }
        let Some(frame) = stack.pop() else {
            break;
        };
        for _ in 0..frame.killed {
            if let Some(u) = kills.pop() {
                unknown.relink(unknown_node[u]);
                let (uw, ub) = bit(u);
                gone[uw] &= !ub;
            }
        }
        let m = frame.op;
        if model[m].observed.is_some() {
            main.relink(entries[call_entry[m]].partner);
            main.relink(call_entry[m]);
            remaining_ok += 1;
        } else {
            unknown.relink(unknown_node[m]);
        }
        let (w, b) = bit(m);
        gone[w] &= !b;
        state = frame.before;
        cursor = frame.resume;
    }

    // The stack is empty and the first response is unplaceable: not linearizable.
    let f = frontier.unwrap_or(Frontier {
        placed: 0,
        op: 0,
        values: Values::default(),
    });
    let m = model[f.op];
    // Prefer the values the command was actually tried on; fall back to those at its response.
    let before: Vec<i64> = if rejected[f.op].is_empty() {
        f.values.0
    } else {
        rejected[f.op].0.clone()
    };
    let expected = before.iter().map(|&v| m.command.apply(v)).collect();
    let op = original[f.op];
    LinearizabilityResult::Violation(Box::new(LinearizabilityViolation {
        op,
        operation: ops[op].clone(),
        observed: m.observed.unwrap_or_default(),
        before,
        expected,
        placed: f.placed,
        steps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ClientId, NodeId};
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// What a hand-made operation reported.
    #[derive(Clone, Copy)]
    enum Out {
        Ok(i64),
        Pending,
        Failed,
    }

    /// A hand-made operation. The same client's operations must be listed in the order it ran
    /// them, since they share sequence number 0 and ties are broken by position.
    fn op(
        client: u16,
        command: Command,
        invoked_at: Time,
        completed_at: Time,
        out: Out,
    ) -> Operation {
        let (outcome, completed_at) = match out {
            Out::Ok(value) => (OpOutcome::Ok { value, index: 0 }, Some(completed_at)),
            Out::Pending => (OpOutcome::Pending, None),
            Out::Failed => (OpOutcome::Failed, Some(completed_at)),
        };
        Operation {
            client: ClientId(client),
            seq: 0,
            command,
            node: NodeId(0),
            invoked_at,
            completed_at,
            outcome,
            attempts: 1,
        }
    }

    use Command::{Add, NoOp, Set};

    #[test]
    fn the_settled_prefix_stops_where_later_operations_could_reorder() {
        let mut p = SettledPrefix::default();
        // One at a time: everything but the last can settle (the last waits for a successor).
        let ops = vec![
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Add(2), 20, 30, Out::Ok(3)),
            op(0, Add(1), 40, 50, Out::Ok(4)),
        ];
        p.advance(&ops);
        assert_eq!(p, SettledPrefix { from: 2, value: 3 });
        // Two overlapping writes: either may be last, so no boundary after them.
        let ops = vec![
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Set(2), 5, 12, Out::Ok(2)),
            op(0, Add(1), 40, 50, Out::Ok(3)),
        ];
        let mut p = SettledPrefix::default();
        p.advance(&ops);
        assert_eq!(p.from, 0);
        // A pending or failed operation may still take effect: nothing settles past it.
        for out in [Out::Pending, Out::Failed] {
            let ops = vec![
                op(0, Set(1), 0, 10, Out::Ok(1)),
                op(1, Set(2), 20, 30, out),
                op(0, Add(1), 40, 50, Out::Ok(2)),
                op(0, Add(1), 60, 70, Out::Ok(3)),
            ];
            let mut p = SettledPrefix::default();
            p.advance(&ops);
            assert_eq!(p, SettledPrefix { from: 1, value: 1 });
        }
        // An operation sent in the very microsecond another completed counts as concurrent.
        let ops = vec![
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Set(2), 10, 30, Out::Ok(2)),
        ];
        let mut p = SettledPrefix::default();
        p.advance(&ops);
        assert_eq!(p.from, 0);
    }

    // Checking the rest of a history from its settled prefix gives the same verdict as checking
    // all of it, on random histories.
    #[test]
    fn checking_from_the_settled_prefix_agrees_with_checking_everything() {
        let mut rng = Pcg64Mcg::seed_from_u64(42);
        for case in 0..2_000 {
            let n = rng.random_range(2..10);
            let mut t = 0;
            let mut value = 0i64;
            let ops: Vec<Operation> = (0..n)
                .map(|_| {
                    t += rng.random_range(0..4u64);
                    let start = t;
                    let end = start + rng.random_range(0..6u64);
                    let command = if rng.random_bool(0.5) {
                        Set(rng.random_range(0..3))
                    } else {
                        Add(1)
                    };
                    value = command.apply(value);
                    // Mostly the true value, sometimes a wrong one.
                    let seen = if rng.random_bool(0.9) {
                        value
                    } else {
                        rng.random_range(0..4)
                    };
                    op(rng.random_range(0..3), command, start, end, Out::Ok(seen))
                })
                .collect();
            let plain = |initial_value| CheckOptions {
                initial_value,
                sequential_clients: false,
                client_sessions: false,
                ..CheckOptions::default()
            };
            // Check as the world does: at each completion, in time order, what has been
            // invoked by then (what completes later is still pending), from the settled prefix.
            let mut ends: Vec<Time> = ops.iter().filter_map(|o| o.completed_at).collect();
            ends.sort_unstable();
            let mut p = SettledPrefix::default();
            let mut verdict = true;
            for &now in &ends {
                let visible: Vec<Operation> = ops
                    .iter()
                    .filter(|o| o.invoked_at <= now)
                    .map(|o| match o.completed_at {
                        Some(c) if c > now => Operation {
                            completed_at: None,
                            outcome: OpOutcome::Pending,
                            ..o.clone()
                        },
                        _ => o.clone(),
                    })
                    .collect();
                if !check_history_with(&visible[p.from..], plain(p.value)).is_ok() {
                    verdict = false;
                    break;
                }
                p.advance(&visible);
            }
            let whole_plain = check_history_with(&ops, plain(0)).is_ok();
            assert_eq!(verdict, whole_plain, "case {case}: {ops:#?}");
        }
    }

    fn violation(r: LinearizabilityResult) -> LinearizabilityViolation {
        match r {
            LinearizabilityResult::Violation(v) => *v,
            other => panic!("expected a violation, got {other:?}"),
        }
    }

    #[test]
    fn empty_history_is_linearizable() {
        assert!(check_history(&[]).is_ok());
    }

    #[test]
    fn sequential_set_then_add() {
        // The narrative: set 5, add 2, get 7.
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(0, Add(2), 20, 30, Out::Ok(7)),
            op(1, NoOp, 40, 50, Out::Ok(7)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn sequential_wrong_sum_is_caught() {
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(0, Add(2), 20, 30, Out::Ok(8)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 1);
        assert_eq!(v.observed, 8);
        assert_eq!(v.before, vec![5]);
        assert_eq!(v.expected, vec![7]);
        assert_eq!(v.placed, 1);
        assert!(v.to_string().contains("operation 1"), "{v}");
    }

    #[test]
    fn concurrent_adds_in_either_order() {
        // ADD 1 and ADD 2 overlap; either may go first.
        let a = [
            op(0, Add(1), 0, 100, Out::Ok(3)),
            op(1, Add(2), 10, 90, Out::Ok(2)),
        ];
        assert!(check_history(&a).is_ok());
        let b = [
            op(0, Add(1), 0, 100, Out::Ok(1)),
            op(1, Add(2), 10, 90, Out::Ok(3)),
        ];
        assert!(check_history(&b).is_ok());
        // Both cannot see the sum: one of them went first and saw only its own addend.
        let c = [
            op(0, Add(1), 0, 100, Out::Ok(3)),
            op(1, Add(2), 10, 90, Out::Ok(3)),
        ];
        assert!(!check_history(&c).is_ok());
    }

    #[test]
    fn many_concurrent_adds() {
        // Eight overlapping ADDs that report the prefix sums in some order other than
        // invocation order: linearizable.
        let order = [3usize, 0, 7, 5, 1, 6, 2, 4];
        let mut sums = [0i64; 8];
        let mut acc = 0;
        for &i in &order {
            acc += i as i64 + 1;
            sums[i] = acc;
        }
        let h: Vec<Operation> = (0..8)
            .map(|i| {
                op(
                    i as u16,
                    Add(i as i64 + 1),
                    i as Time,
                    1_000,
                    Out::Ok(sums[i]),
                )
            })
            .collect();
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn real_time_order_is_respected() {
        // SET 2 starts after SET 1 finished, so a later read cannot see 1.
        let h = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Set(2), 20, 30, Out::Ok(2)),
            op(0, NoOp, 40, 50, Out::Ok(1)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 2);
        assert_eq!(v.before, vec![2]);
        // If the read overlaps SET 2 it may be placed before it.
        let h = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Set(2), 20, 60, Out::Ok(2)),
            op(0, NoOp, 40, 50, Out::Ok(1)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn touching_intervals_count_as_concurrent() {
        // The read is invoked at the instant SET 2 completes; the order within that instant is
        // not recorded, so both orders are allowed.
        let h = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Set(2), 15, 30, Out::Ok(2)),
            op(0, NoOp, 30, 50, Out::Ok(1)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn stale_add_that_skips_a_completed_set_is_caught() {
        // SET 1 completed before the ADD began, yet the ADD reports a value built on the older
        // SET 5, as a deposed leader answering from its stale state would.
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(1, Set(1), 20, 30, Out::Ok(1)),
            op(0, Add(2), 40, 50, Out::Ok(7)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 2);
        assert_eq!(v.observed, 7);
        assert_eq!(v.before, vec![1]);
        assert_eq!(v.expected, vec![3]);
    }

    #[test]
    fn pending_op_may_take_effect() {
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(1, Set(10), 15, 0, Out::Pending),
            op(0, Add(1), 30, 40, Out::Ok(11)),
            op(0, NoOp, 50, 60, Out::Ok(11)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn pending_op_may_not_take_effect() {
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(1, Set(10), 15, 0, Out::Pending),
            op(0, Add(1), 30, 40, Out::Ok(6)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn pending_op_may_take_effect_late() {
        // Not yet at the first read, then at the second: anywhere after its invocation.
        let h = [
            op(0, Set(5), 0, 10, Out::Ok(5)),
            op(1, Add(10), 15, 0, Out::Pending),
            op(0, Add(1), 30, 40, Out::Ok(6)),
            op(0, Add(1), 50, 60, Out::Ok(17)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn pending_op_takes_effect_at_most_once() {
        let h = [
            op(0, Set(0), 0, 10, Out::Ok(0)),
            op(1, Add(5), 5, 0, Out::Pending),
            op(0, Add(1), 20, 30, Out::Ok(6)),
            op(0, Add(1), 40, 50, Out::Ok(12)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 3);
        assert_eq!(v.before, vec![6]);
    }

    #[test]
    fn pending_op_cannot_take_effect_before_its_invocation() {
        let h = [
            op(0, Set(0), 0, 10, Out::Ok(0)),
            op(0, NoOp, 20, 30, Out::Ok(5)),
            op(1, Add(5), 40, 0, Out::Pending),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 1);
        assert_eq!(v.before, vec![0]);
    }

    #[test]
    fn failed_op_is_as_unknown_as_pending() {
        // Failed at 20, yet took effect after 30: a retry still in the network can do that.
        let took_effect = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Add(100), 5, 20, Out::Failed),
            op(0, NoOp, 30, 40, Out::Ok(1)),
            op(0, NoOp, 50, 60, Out::Ok(101)),
        ];
        assert!(check_history(&took_effect).is_ok());
        let never = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Add(100), 5, 20, Out::Failed),
            op(0, NoOp, 30, 40, Out::Ok(1)),
        ];
        assert!(check_history(&never).is_ok());
        let twice = [
            op(0, Set(1), 0, 10, Out::Ok(1)),
            op(1, Add(100), 5, 20, Out::Failed),
            op(0, NoOp, 30, 40, Out::Ok(201)),
        ];
        assert!(!check_history(&twice).is_ok());
    }

    #[test]
    fn adds_wrap() {
        let h = [
            op(0, Set(i64::MAX), 0, 10, Out::Ok(i64::MAX)),
            op(0, Add(1), 20, 30, Out::Ok(i64::MIN)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn initial_value_is_used() {
        let h = [op(0, Add(2), 0, 10, Out::Ok(7))];
        assert!(!check_history(&h).is_ok());
        let opts = CheckOptions {
            initial_value: 5,
            ..CheckOptions::default()
        };
        assert!(check_history_with(&h, opts).is_ok());
    }

    #[test]
    fn step_budget_gives_unknown_not_a_hang() {
        // Sixteen unknown ADDs of distinct powers of two overlap a read of a value no subset
        // sums to, so every subset must be tried: 2^16 memo states.
        let mut h: Vec<Operation> = (0..16)
            .map(|i| op(i as u16 + 1, Add(1 << (i + 1)), i, 0, Out::Pending))
            .collect();
        h.push(op(0, NoOp, 100, 200, Out::Ok(1)));
        let opts = CheckOptions {
            max_steps: 10_000,
            ..CheckOptions::default()
        };
        assert_eq!(
            check_history_with(&h, opts),
            LinearizabilityResult::Unknown { steps: 10_000 }
        );
        // With the default budget the search finishes, and finds no subset summing to 1.
        let v = violation(check_history(&h));
        assert_eq!(v.op, 16);
    }

    #[test]
    fn queued_command_starts_when_its_predecessor_completes() {
        // Client 0 submits the read at 20 while its ADD runs, so the read is sent at 60, after
        // SET 5 completed; it cannot see the value from before SET 5.
        let h = [
            op(0, Add(1), 0, 60, Out::Ok(1)),
            op(1, Set(5), 10, 30, Out::Ok(5)),
            op(0, NoOp, 20, 80, Out::Ok(1)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 2);
        assert_eq!(v.before, vec![5]);
        // Read as submission times, the intervals overlap and the read may go first.
        let opts = CheckOptions {
            sequential_clients: false,
            ..CheckOptions::default()
        };
        assert!(check_history_with(&h, opts).is_ok());
    }

    #[test]
    fn command_queued_behind_a_pending_one_never_takes_effect() {
        let h = [
            op(0, Add(1), 0, 0, Out::Pending),
            op(0, Add(100), 5, 0, Out::Pending),
            op(1, NoOp, 10, 20, Out::Ok(101)),
        ];
        assert!(!check_history(&h).is_ok());
        let h = [
            op(0, Add(1), 0, 0, Out::Pending),
            op(0, Add(100), 5, 0, Out::Pending),
            op(1, NoOp, 10, 20, Out::Ok(1)),
        ];
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn sessions_stop_an_abandoned_command_after_a_later_one() {
        // Client 0 gives up on ADD 100 and then runs SET 1. With sessions, the servers ignore
        // the abandoned ADD once SET 1 is applied, so a later read cannot see 101.
        let mut h = vec![
            op(0, Add(100), 0, 10, Out::Failed),
            op(0, Set(1), 20, 30, Out::Ok(1)),
            op(1, NoOp, 40, 50, Out::Ok(101)),
        ];
        h[1].seq = 1;
        let v = violation(check_history(&h));
        assert_eq!(v.op, 2);
        assert_eq!(v.before, vec![1]);
        let opts = CheckOptions {
            client_sessions: false,
            ..CheckOptions::default()
        };
        assert!(check_history_with(&h, opts).is_ok());
        // Before SET 1 it may still take effect.
        h[2] = op(1, NoOp, 5, 50, Out::Ok(100));
        assert!(check_history(&h).is_ok());
    }

    #[test]
    fn many_abandoned_commands_stay_cheap() {
        // A client gives up on 60 ADDs in a row (a long outage); one of them, deep in the run,
        // took effect, and a read sees it. Without sessions the search may have to try subsets
        // of the 60; with them, each client contributes one position, not a subset.
        // Small ADDs, as the fuzzer submits; two far apart took effect, 1000 and 2000, and reads
        // saw each.
        let mut h: Vec<Operation> = (0..60)
            .map(|i| {
                let n = match i {
                    25 => 1_000,
                    50 => 2_000,
                    _ => (i as i64 * 7) % 21 - 10,
                };
                let mut o = op(0, Add(n), 10 * i, 10 * i + 5, Out::Failed);
                o.seq = i;
                o
            })
            .collect();
        h.push(op(1, NoOp, 300, 400, Out::Ok(1_000)));
        h.push(op(1, NoOp, 600, 700, Out::Ok(3_000)));
        let r = check_history(&h);
        assert!(r.is_ok(), "{r:?}");
        assert!(r.steps() < 10_000, "{r:?}");
        // A read of a value no order gives must still be refuted within the default budget.
        h.push(op(1, NoOp, 800, 900, Out::Ok(5_000)));
        let r = check_history(&h);
        assert!(matches!(r, LinearizabilityResult::Violation(_)), "{r:?}");
    }

    #[test]
    fn program_order_holds_within_one_instant() {
        // With zero latency a client's commands can start and finish in one microsecond. The
        // read still follows the SET its client ran before it.
        let h = [
            op(0, Set(5), 10, 10, Out::Ok(5)),
            op(0, NoOp, 10, 10, Out::Ok(0)),
        ];
        let v = violation(check_history(&h));
        assert_eq!(v.op, 1);
        assert_eq!(v.before, vec![5]);
    }

    #[test]
    fn long_chains_in_one_instant_stay_cheap() {
        // Two clients each run 40 ADD 1s in the same microsecond, interleaved one for one.
        let mut h = Vec::new();
        for i in 0..80u64 {
            let mut o = op((i % 2) as u16, Add(1), 7, 7, Out::Ok(i as i64 + 1));
            o.seq = i / 2;
            h.push(o);
        }
        let r = check_history(&h);
        assert!(r.is_ok(), "{r:?}");
        assert!(r.steps() < 100_000, "{r:?}");
    }

    /// Whether some real-time-respecting order of some of the unknown commands and all of the
    /// completed ones explains every reported value, by trying every order.
    fn brute_force(ops: &[Operation]) -> bool {
        fn ret(o: &Operation) -> Time {
            match o.outcome {
                OpOutcome::Ok { .. } => o.completed_at.unwrap_or(Time::MAX),
                _ => Time::MAX,
            }
        }
        fn go(ops: &[Operation], placed: &mut Vec<bool>, state: i64) -> bool {
            let all_ok_placed = ops
                .iter()
                .zip(placed.iter())
                .all(|(o, &p)| p || !matches!(o.outcome, OpOutcome::Ok { .. }));
            if all_ok_placed {
                return true;
            }
            for i in 0..ops.len() {
                if placed[i] {
                    continue;
                }
                // Every unplaced command that finished strictly before this one began must
                // come first.
                let blocked =
                    (0..ops.len()).any(|j| !placed[j] && ret(&ops[j]) < ops[i].invoked_at);
                if blocked {
                    continue;
                }
                let after = ops[i].command.apply(state);
                if let OpOutcome::Ok { value, .. } = ops[i].outcome {
                    if value != after {
                        continue;
                    }
                }
                placed[i] = true;
                if go(ops, placed, after) {
                    return true;
                }
                placed[i] = false;
            }
            false
        }
        go(ops, &mut vec![false; ops.len()], 0)
    }

    #[test]
    fn agrees_with_brute_force_on_random_small_histories() {
        // Random histories of up to 7 commands with small values, so that both verdicts are
        // common. Half are generated from a real sequential execution (mostly linearizable),
        // half report random values (mostly not).
        let mut verdicts = [0u32; 2];
        for seed in 0..3_000u64 {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let n = rng.random_range(1..=7);
            let honest = rng.random_bool(0.5);
            let mut state = 0i64;
            let mut h = Vec::new();
            for i in 0..n {
                let command = match rng.random_range(0..4) {
                    0 => Set(rng.random_range(0..3)),
                    1 => NoOp,
                    _ => Add(rng.random_range(1..3)),
                };
                let invoked_at: Time = rng.random_range(0..20);
                let completed_at = invoked_at + rng.random_range(0..10);
                let out = match rng.random_range(0..6) {
                    0 => Out::Pending,
                    1 => Out::Failed,
                    _ if honest => {
                        state = command.apply(state);
                        Out::Ok(state)
                    }
                    _ => Out::Ok(rng.random_range(0..5)),
                };
                h.push(op(i as u16, command, invoked_at, completed_at, out));
            }
            let expected = brute_force(&h);
            let got = check_history(&h);
            assert!(
                !matches!(got, LinearizabilityResult::Unknown { .. }),
                "seed {seed}: budget ran out"
            );
            assert_eq!(
                got.is_ok(),
                expected,
                "seed {seed}: history {h:#?}, got {got:?}"
            );
            verdicts[usize::from(expected)] += 1;
        }
        // Both verdicts must be well represented, or the comparison proves little.
        assert!(verdicts[0] > 500 && verdicts[1] > 500, "{verdicts:?}");
    }
}
