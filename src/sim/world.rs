//! The [`World`]: owner of the clock, the event queue, the network, the nodes, the clients, the
//! random number generator, the trace and the invariant checker.

use super::client::{Client, OpOutcome, Operation, Waiting};
use super::config::{Config, ConfigError, OptionChange, MAX_SLOTS};
use super::invariants::{Checker, RunawayLimit, TimedViolation, Violation};
use super::linearizability::{
    check_history_with, CheckOptions, LinearizabilityResult, LinearizabilityViolation,
    SettledPrefix,
};
use super::network::{DropReason, InFlightMessage, MessageId, Network};
use super::queue::{Event, EventQueue};
use super::trace::{TimerKind, Trace, TraceEvent, TraceKind};
use super::why::{self, NodeFacts, Why};
use super::words::Words;
use crate::chunked::{Chunked, Slice};
use crate::raft::{
    ChangeRefusal, ClientId, ClientReply, Command, Endpoint, Member, Membership, MembershipChange,
    Message, Node, NodeId, Output, Role, Time,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Something a user (or a scenario, or a test) does to the world.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Crash a running server. It keeps its persistent state; messages to it are lost.
    Stop(NodeId),
    /// Start a stopped server again from its persistent state.
    Restart(NodeId),
    /// Make a running server's election timer run out now.
    Timeout(NodeId),
    /// Have a client send a command to a server. A client runs one command at a time; a command
    /// submitted while another is outstanding waits its turn.
    Submit {
        /// The client.
        client: ClientId,
        /// The server it sends the command to first.
        node: NodeId,
        /// The command.
        command: Command,
    },
    /// Split the servers into groups that cannot talk to each other. Servers not named in any
    /// group form one more group together, so `Partition(vec![vec![A, B]])` separates A and B
    /// from the rest. Replaces any earlier partition; clients still reach every server.
    Partition(Vec<Vec<NodeId>>),
    /// Remove the partition and restore every cut link.
    Heal,
    /// Cut the link between two servers in both directions.
    CutLink(NodeId, NodeId),
    /// Cut only the direction `from` to `to`, so messages the other way still arrive.
    CutOneWay {
        /// Messages from this server...
        from: NodeId,
        /// ...to this one are blocked.
        to: NodeId,
    },
    /// Restore the link between two servers in both directions.
    RestoreLink(NodeId, NodeId),
    /// Drop one message that is in flight.
    DropMessage(MessageId),
    /// Change an option while running.
    SetOption(OptionChange),
    /// Ask the leader (the running leader of the highest term) to hand its leadership to this
    /// server (thesis §3.10).
    TransferLeadership(NodeId),
    /// Ask the leader to add this server to the cluster (§6). A server in the next empty slot is
    /// started fresh first; a server that was removed earlier rejoins with the log it kept. It
    /// joins as a learner and votes once it has caught up.
    AddServer(NodeId),
    /// Ask the leader to remove this server from the cluster (§6). The server keeps running
    /// until someone stops it.
    RemoveServer(NodeId),
}

fn group_list(groups: &[Vec<NodeId>]) -> String {
    groups
        .iter()
        .map(|g| g.iter().map(|n| n.name()).collect::<Vec<_>>().join(", "))
        .collect::<Vec<_>>()
        .join(" | ")
}

impl Action {
    /// The action in words (catalogue `action.*`), for the event list, the timeline's markers
    /// and a recorded lesson's captions: "B was stopped".
    pub fn words(&self) -> Words {
        let node = |key, n: &NodeId| Words::new(key).with("node", *n);
        let pair = |key, a: &NodeId, b: &NodeId| Words::new(key).with("a", *a).with("b", *b);
        match self {
            Action::Stop(n) => node("action.stop", n),
            Action::Restart(n) => node("action.restart", n),
            Action::Timeout(n) => node("action.timeout", n),
            Action::Submit {
                client,
                node,
                command,
            } => Words::new("action.submit")
                .with("client", client.number())
                .with("command", command.to_string())
                .with("node", *node),
            Action::Partition(groups) => {
                Words::new("action.partition").with("groups", group_list(groups))
            }
            Action::Heal => Words::new("action.heal"),
            Action::CutLink(a, b) => pair("action.cut-link", a, b),
            Action::CutOneWay { from, to } => Words::new("action.cut-one-way")
                .with("from", *from)
                .with("to", *to),
            Action::RestoreLink(a, b) => pair("action.restore-link", a, b),
            Action::DropMessage(id) => Words::new("action.drop-message").with("id", *id),
            Action::SetOption(change) => change.words(),
            Action::TransferLeadership(n) => node("action.transfer-leadership", n),
            Action::AddServer(n) => node("action.add-server", n),
            Action::RemoveServer(n) => node("action.remove-server", n),
        }
    }
}

/// An action with the virtual time it was applied at, for the action log and replay.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimedAction {
    /// Virtual time of the action.
    pub at: Time,
    /// How many events the world had processed when the action was applied. Several events can
    /// share one instant, so the time alone does not say whether the action came before or after
    /// some of them; recorded actions carry this so replay is exact. Hand-written scenarios leave
    /// it out (`None`): the action then comes after every event at or before `at`.
    #[serde(default)]
    pub after_event: Option<u64>,
    /// The action.
    pub action: Action,
}

impl TimedAction {
    /// An action at `at`, after every event at or before that time.
    pub fn at(at: Time, action: Action) -> TimedAction {
        TimedAction {
            at,
            after_event: None,
            action,
        }
    }
}

/// Why an action was refused. A refused action changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionError {
    /// No server has this id in this cluster.
    UnknownNode(NodeId),
    /// No client has this id.
    UnknownClient(ClientId),
    /// The server is already stopped.
    AlreadyStopped(NodeId),
    /// The server is running, so it cannot be restarted.
    NotStopped(NodeId),
    /// The server is stopped, so it cannot time out.
    NodeStopped(NodeId),
    /// A server was named in two groups of a partition.
    NodeInTwoGroups(NodeId),
    /// A link needs two different servers.
    SameNode(NodeId),
    /// The link is already cut.
    LinkAlreadyCut(NodeId, NodeId),
    /// The link is not cut.
    LinkNotCut(NodeId, NodeId),
    /// No message with this id is in flight.
    MessageNotInFlight(MessageId),
    /// The option change would make the configuration invalid.
    InvalidOption(ConfigError),
    /// No running server is leader, so there is no leadership to hand over.
    NoLeader,
    /// The server is the leader already.
    AlreadyLeader(NodeId),
    /// The server is stopped, so it cannot take over.
    TargetStopped(NodeId),
    /// The server does not vote in its configuration (or the leader's), so it does not campaign.
    NotAVoter(NodeId),
    /// Servers are added in order: this is not the next empty slot.
    NotNextSlot {
        /// The server named.
        node: NodeId,
        /// The next empty slot.
        next: NodeId,
    },
    /// All slots (A to I) hold a server.
    SlotsFull,
    /// The leader refused the membership change.
    Change(ChangeRefusal),
    /// Clients send SET, ADD and NO-OP; configurations come from leaders only.
    NotAClientCommand,
}

crate::sim::words::english_error!(ActionError);

impl ActionError {
    /// Why, as the catalogue's words (`action-error.*`), for the page to say in the reader's
    /// language. (`Display` is the English of the same words, for tests and tools.)
    pub fn words(&self) -> Words {
        let about = |key, node: &NodeId| Words::new(key).with("node", *node);
        let link =
            |key, from: &NodeId, to: &NodeId| Words::new(key).with("from", *from).with("to", *to);
        match self {
            ActionError::UnknownNode(n) => about("action-error.unknown-node", n),
            ActionError::UnknownClient(c) => {
                Words::new("action-error.unknown-client").with("client", c.number())
            }
            ActionError::AlreadyStopped(n) => about("action-error.already-stopped", n),
            ActionError::NotStopped(n) => about("action-error.not-stopped", n),
            ActionError::NodeStopped(n) => about("action-error.node-stopped", n),
            ActionError::NodeInTwoGroups(n) => about("action-error.two-groups", n),
            ActionError::SameNode(n) => about("action-error.same-node", n),
            ActionError::LinkAlreadyCut(a, b) => link("action-error.link-cut", a, b),
            ActionError::LinkNotCut(a, b) => link("action-error.link-not-cut", a, b),
            ActionError::MessageNotInFlight(id) => {
                Words::new("action-error.not-in-flight").with("id", id.to_string())
            }
            ActionError::InvalidOption(e) => {
                Words::new("action-error.invalid-option").with("error", e.words())
            }
            ActionError::NoLeader => Words::new("action-error.no-leader"),
            ActionError::AlreadyLeader(n) => about("action-error.already-leader", n),
            ActionError::TargetStopped(n) => about("action-error.target-stopped", n),
            ActionError::NotAVoter(n) => about("action-error.not-a-voter", n),
            ActionError::NotNextSlot { node, next } => {
                about("action-error.not-next-slot", node).with("next", *next)
            }
            ActionError::SlotsFull => {
                Words::new("action-error.slots-full").with("slots", MAX_SLOTS.to_string())
            }
            ActionError::Change(ChangeRefusal::NotLeader) => Words::new("action-error.not-leader"),
            ActionError::Change(ChangeRefusal::InProgress) => {
                Words::new("action-error.in-progress")
            }
            ActionError::Change(ChangeRefusal::AlreadyMember(n)) => {
                about("action-error.already-member", n)
            }
            ActionError::Change(ChangeRefusal::NotMember(n)) => about("action-error.not-member", n),
            ActionError::Change(ChangeRefusal::WouldBeEmpty) => {
                Words::new("action-error.would-be-empty")
            }
            ActionError::NotAClientCommand => Words::new("action-error.not-a-client-command"),
        }
    }
}

/// Why a replay failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The configuration is invalid.
    Config(ConfigError),
    /// Action number `index` (from 0) was refused.
    Action {
        /// Position in the action list.
        index: usize,
        /// Why it was refused.
        error: ActionError,
    },
}

impl ReplayError {
    /// Why, as the catalogue's words (`replay-error.*`).
    pub fn words(&self) -> Words {
        match self {
            ReplayError::Config(e) => Words::new("replay-error.config").with("error", e.words()),
            ReplayError::Action { index, error } => Words::new("replay-error.action")
                .with("action", index + 1)
                .with("error", error.words()),
        }
    }
}

crate::sim::words::english_error!(ReplayError);

/// The watchdog's limits: a run that passes one is stopped and reported as a
/// [`Violation::RunawayRun`], so that a bug that loops becomes a failure with a seed and an
/// action list (and a message on the page) instead of a hang.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Watchdog {
    /// The most events processed at one instant of virtual time. Every message takes its
    /// latency and every timer lies ahead, so a correct run handles a few hundred events at one
    /// instant at most (a broadcast and its replies at zero latency).
    pub max_events_per_instant: u64,
    /// The most events in the whole run; `None` for no limit (the page runs as long as people
    /// watch). Tests and the fuzzer set one so that a run that never ends fails instead.
    pub max_events: Option<u64>,
}

impl Default for Watchdog {
    fn default() -> Self {
        Watchdog {
            max_events_per_instant: 100_000,
            max_events: None,
        }
    }
}

/// The simulated world. Cloning it gives an independent copy (the UI keeps clones as
/// checkpoints for stepping back in time).
#[derive(Clone, Debug)]
pub struct World {
    /// The configuration the world was created with; replays start from it.
    initial_config: Config,
    /// The configuration now, after options changed while running.
    config: Config,
    now: Time,
    rng: Pcg64Mcg,
    nodes: Vec<Node>,
    clients: Vec<Client>,
    network: Network,
    queue: EventQueue,
    /// Per node: the time its timer event is scheduled for and that event's generation.
    node_timers: Vec<(Option<Time>, u64)>,
    trace: Trace,
    /// The growing lists are kept in shared chunks so that time-travel checkpoints (clones of
    /// the world) cost what changed since the previous one, not a copy of the whole run.
    actions: Chunked<TimedAction>,
    operations: Chunked<Operation>,
    checker: Checker,
    events_processed: u64,
    /// Scratch space reused by every call into a node, to keep allocation off the hot path.
    out: Output,
    fresh_violations: Vec<Violation>,
    watchdog: Watchdog,
    /// The instant of the latest event, and how many events have been processed at it.
    instant: (Time, u64),
    /// Set when the watchdog stopped the run: no further event is processed.
    halted: bool,
    /// The client history checked for linearizability each time an operation completes, from
    /// this settled prefix on; `None` when the live check is off (see
    /// [`World::set_live_linearizability`]).
    live_linearizability: Option<SettledPrefix>,
}

/// The most unsettled operations the world checks live. The check searches only the history
/// after its settled prefix (see [`SettledPrefix`]), which stays short while clients take
/// turns; operations that overlap for ever (a command pending through a whole run) keep it
/// growing, and past this the live check stops (and [`World::linearizability_checked`] says
/// so). The fuzzer checks whole histories of any length after the run.
pub const LIVE_LINEARIZABILITY_MAX_OPS: usize = 2_000;

/// The search budget of one live check: a few milliseconds at most. A history that needs more
/// is left undecided rather than slow the page.
const LIVE_LINEARIZABILITY_MAX_STEPS: u64 = 200_000;

impl World {
    /// A new world: every server a follower in term 0 with its election timer running, clients
    /// idle, nothing in flight, the clock at 0.
    pub fn new(config: Config) -> Result<World, ConfigError> {
        config.validate()?;
        let mut rng = Pcg64Mcg::seed_from_u64(config.seed);
        let nodes: Vec<Node> = config
            .node_ids()
            .map(|id| {
                let mut n = Node::new(id, config.node_options(id));
                n.start(0, &mut rng);
                n
            })
            .collect();
        let size = nodes.len();
        let clients = (0..u16::from(config.clients))
            .map(|c| Client::new(ClientId(c)))
            .collect();
        let mut world = World {
            initial_config: config.clone(),
            config,
            now: 0,
            rng,
            nodes,
            clients,
            network: Network::default(),
            queue: EventQueue::default(),
            node_timers: vec![(None, 0); size],
            trace: Trace::default(),
            actions: Chunked::new(),
            operations: Chunked::new(),
            checker: Checker::new(size),
            events_processed: 0,
            out: Output::default(),
            fresh_violations: Vec::new(),
            watchdog: Watchdog::default(),
            instant: (0, 0),
            halted: false,
            live_linearizability: Some(SettledPrefix::default()),
        };
        for i in 0..size {
            world.reschedule_node(i);
        }
        Ok(world)
    }

    /// Builds a world from `config` and applies `actions` at their times, as recorded by
    /// [`World::actions`]. The result has the same trace as the recorded run up to the last
    /// action; advance it further as needed.
    pub fn replay(config: Config, actions: &[TimedAction]) -> Result<World, ReplayError> {
        World::replay_watched(config, actions, None, &mut |_| {})
    }

    /// [`World::replay`], keeping about `retention` trace events and calling `watch` after every
    /// event (to read the trace as it grows, e.g. [`super::history::History::sync`]).
    pub fn replay_watched(
        config: Config,
        actions: &[TimedAction],
        retention: Option<usize>,
        watch: &mut dyn FnMut(&World),
    ) -> Result<World, ReplayError> {
        let mut world = World::new(config).map_err(ReplayError::Config)?;
        world.set_trace_retention(retention);
        for (index, ta) in actions.iter().enumerate() {
            match ta.after_event {
                Some(n) => {
                    while world.events_processed < n && world.step().is_some() {
                        watch(&world);
                    }
                    world.now = world.now.max(ta.at);
                }
                None => world.advance_watched(ta.at, watch),
            }
            world
                .apply(ta.action.clone())
                .map_err(|error| ReplayError::Action { index, error })?;
        }
        Ok(world)
    }

    // ----- read-only views -----------------------------------------------------------------

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.now
    }
    /// The configuration now, including options changed while running.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The configuration the world was created with. Together with [`World::actions`] it
    /// reproduces this run via [`World::replay`] (options changed later are among the actions).
    pub fn initial_config(&self) -> &Config {
        &self.initial_config
    }
    /// The servers, indexed by `NodeId::index`.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }
    /// One server, if it exists.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }
    /// The clients, indexed by `ClientId::index`.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }
    /// Every client operation ever submitted, in submission order.
    pub fn operations(&self) -> Slice<'_, Operation> {
        self.operations.all()
    }
    /// Messages in flight, in sending order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlightMessage> {
        self.network.in_flight()
    }
    /// The message in flight with `id`.
    pub fn message(&self, id: MessageId) -> Option<&InFlightMessage> {
        self.network.get(id)
    }
    /// The network: partition groups and cut links.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The retained trace events, oldest first (all of them unless a retention limit is set).
    pub fn trace(&self) -> &[TraceEvent] {
        self.trace.events()
    }
    /// What the receiver of message `id` (in flight) will do with it, and why: its handler is
    /// run on a copy of the receiver, as if the message arrived now. Nothing changes.
    pub fn preview_delivery(&self, id: MessageId) -> Vec<Why> {
        let Some(m) = self.network.get(id) else {
            return Vec::new();
        };
        let Some(node) = m.to.node().and_then(|n| self.nodes.get(n.index())) else {
            return Vec::new();
        };
        if node.is_stopped() {
            return Vec::new();
        }
        let mut receiver = node.clone();
        let mut rng = self.rng.clone();
        let mut out = crate::raft::Output::default();
        receiver.handle(m.from, m.message.clone(), self.now, &mut rng, &mut out);
        let facts = NodeFacts::of(&receiver);
        // The events as the trace would hold them: the send (for its fields), the delivery,
        // then what the receiver did.
        let (at, kind) = (self.now, m.message.kind());
        let mut trace = vec![
            TraceEvent {
                at: m.sent_at,
                seq: 0,
                kind: TraceKind::MessageSent {
                    id,
                    from: m.from,
                    to: m.to,
                    kind,
                    deliver_at: m.deliver_at,
                    duplicate: m.duplicate,
                    fields: m.message.field_values(),
                },
            },
            TraceEvent {
                at,
                seq: 1,
                kind: TraceKind::MessageDelivered {
                    id,
                    from: m.from,
                    to: m.to,
                    kind,
                    fields: m.message.field_values(),
                },
            },
        ];
        for (seq, event) in (2..).zip(out.events) {
            trace.push(TraceEvent {
                at,
                seq,
                kind: TraceKind::Node {
                    node: receiver.id(),
                    event,
                },
            });
        }
        (2..trace.len())
            .filter_map(|i| why::explain(&trace, i, &|_| Some(facts), &self.config))
            .collect()
    }

    /// Why server `node` is in its role: the explanation of the latest event that put it there
    /// (its last change of role, or its election), while that event is retained.
    pub fn why_role(&self, node: NodeId) -> Option<Why> {
        let events = self.trace.events();
        let i = events.iter().rposition(|e| {
            matches!(e.kind, TraceKind::Node { node: n, event: crate::raft::NodeEvent::RoleChanged { .. } | crate::raft::NodeEvent::ElectionStarted { .. } } if n == node)
        })?;
        self.why(i)
    }

    /// Why `node`'s election timer is where it is (see [`why::timer`]), while the event that last
    /// reset it is retained.
    pub fn why_timer(&self, node: NodeId) -> Option<Why> {
        let term = self.node(node)?.term();
        why::timer(self.trace.events(), node, term)
    }

    /// The retained trace event at `index` in English words (native builds, for tests and tools:
    /// the page reads its words from the catalogue it fetches).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn describe(&self, index: usize) -> String {
        self.why(index)
            .and_then(|why| why.sentence(why.said, super::words::english()))
            .unwrap_or_default()
    }

    /// The facts recorded with the server event at trace position `seq`, while it is retained.
    pub fn trace_facts(&self, seq: u64) -> Option<NodeFacts> {
        self.trace.facts(seq)
    }

    /// Why the retained trace event at `index` (of [`World::trace`]) happened; see [`why`].
    // Not inlined: the event list, the narration and the inspector all ask, and one copy of
    // its call into `why::explain` is enough for the page's bundle.
    #[inline(never)]
    pub fn why(&self, index: usize) -> Option<Why> {
        why::explain(
            self.trace.events(),
            index,
            &|seq| self.trace.facts(seq),
            &self.config,
        )
    }

    /// How many trace events were recorded in total.
    pub fn trace_len(&self) -> u64 {
        self.trace.total()
    }
    /// FNV-1a hash over a stable encoding of every trace event so far; equal hashes mean equal
    /// runs (natively and in wasm).
    pub fn trace_hash(&self) -> u64 {
        self.trace.hash()
    }
    /// Keeps only about the last `keep` trace events (`None`: keep all). The hash still covers
    /// everything. Long runs use it to bound memory and keep clones cheap.
    pub fn set_trace_retention(&mut self, keep: Option<usize>) {
        self.trace.set_retention(keep);
    }
    /// Drops all but the last `keep` retained trace events now (the hash still covers all).
    /// Time-travel checkpoints keep a short trace: see [`crate::sim::timeline`].
    pub fn keep_last_trace_events(&mut self, keep: usize) {
        self.trace.keep_last(keep);
        self.trace.shrink_to_fit();
    }
    /// Every action applied so far, with its time.
    pub fn actions(&self) -> Slice<'_, TimedAction> {
        self.actions.all()
    }
    /// How many events have been processed.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }
    /// The running leader with the highest term, if any (the lowest id if two share a term,
    /// which only a broken safety rule allows).
    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter(|n| n.is_leader())
            .max_by(|a, b| a.term().cmp(&b.term()).then(b.id().cmp(&a.id())))
            .map(|n| n.id())
    }
    /// The configuration the cluster is using, as the page shows it: the leader's (the latest
    /// in its log), or with no leader that of the server with the most up-to-date log; and
    /// whether it is committed there.
    pub fn membership(&self) -> (Membership, bool) {
        let source = self.leader().map(|l| &self.nodes[l.index()]).or_else(|| {
            self.nodes
                .iter()
                .max_by_key(|n| (n.log().last_term(), n.log().last_index(), n.term()))
        });
        match source {
            Some(node) => {
                let (index, config) = node.config_entry();
                (config, index <= node.commit_index())
            }
            None => (Membership::simple(Default::default()), true),
        }
    }

    /// What `id` is in the configuration the page shows (see [`World::membership`]).
    pub fn member(&self, id: NodeId) -> Member {
        self.membership().0.role_of(id)
    }

    /// Turns the live linearizability check on (the default) or off. The fuzzer turns it off
    /// and checks the whole history once the run is over.
    pub fn set_live_linearizability(&mut self, on: bool) {
        self.live_linearizability = on.then_some(SettledPrefix::default());
    }

    /// Whether the live linearizability check covers the whole client history so far (it stops
    /// past [`LIVE_LINEARIZABILITY_MAX_OPS`] unsettled operations, or when switched off).
    pub fn linearizability_checked(&self) -> bool {
        self.live_linearizability.is_some_and(|p| {
            self.operations.len().saturating_sub(p.from) <= LIVE_LINEARIZABILITY_MAX_OPS
        })
    }

    /// Estimated heap bytes of this world that no older copy of it shares: called on a copy
    /// just taken (a time-travel checkpoint), what that copy adds to the memory of the copies
    /// taken before. The logs, operations, actions and the checker's records are in shared
    /// chunks (see [`Chunked`]), so this is about what changed since the previous copy, plus
    /// what is copied whole: servers, messages in flight, and the trace, which a checkpoint
    /// keeps short (see [`crate::sim::timeline`]).
    pub fn fresh_bytes(&self) -> usize {
        use std::mem::size_of;
        let nodes: usize = self
            .nodes
            .iter()
            .map(|n| size_of::<Node>() + n.log().fresh_bytes())
            .sum();
        // Messages in flight are few and small (an AppendEntries carries a few entries at most).
        let in_flight = self.in_flight().count() * size_of::<InFlightMessage>();
        size_of::<World>()
            + nodes
            + in_flight
            + self.trace.bytes()
            + self.operations.fresh_bytes()
            + self.actions.fresh_bytes()
            + self.checker.fresh_bytes()
    }

    /// Every invariant violation found so far (each once). Empty means all is well.
    pub fn check_invariants(&self) -> Vec<Violation> {
        self.checker
            .violations()
            .iter()
            .map(|v| v.violation.clone())
            .collect()
    }
    /// Violations with the time they were found.
    pub fn violations(&self) -> &[TimedViolation] {
        self.checker.violations()
    }
    /// The invariant checker, for the committed-entry record.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    // ----- time --------------------------------------------------------------------------

    /// The watchdog's limits.
    pub fn watchdog(&self) -> Watchdog {
        self.watchdog
    }

    /// Sets the watchdog's limits (tests and the fuzzer limit the whole run's events).
    pub fn set_watchdog(&mut self, watchdog: Watchdog) {
        self.watchdog = watchdog;
    }

    /// Whether the watchdog stopped the run. A halted world processes no more events (its clock
    /// still moves when asked to), and its violations say which limit was passed.
    pub fn is_halted(&self) -> bool {
        self.halted
    }

    /// The time of the next event, if any. A halted world has none, so that every loop that
    /// steps until a time ends.
    pub fn next_event_time(&self) -> Option<Time> {
        if self.halted {
            return None;
        }
        // The queue is purged of stale entries after every change, so the top is real.
        self.queue.peek().map(|s| s.time)
    }

    /// Processes exactly the next event and returns its time; `None` when nothing is scheduled
    /// or the watchdog halted the run.
    pub fn step(&mut self) -> Option<Time> {
        if self.halted {
            return None;
        }
        self.purge();
        let next = self.queue.peek()?.time;
        if self.watchdog_halts(self.now.max(next)) {
            return None;
        }
        let s = self.queue.pop()?;
        self.now = self.now.max(s.time);
        self.events_processed += 1;
        match s.event {
            Event::Deliver(id) => self.deliver(id),
            Event::NodeTimer { node, .. } => {
                let i = node.index();
                self.node_timers[i].0 = None;
                let timer = if self.nodes[i].role() == Role::Leader {
                    TimerKind::Heartbeat
                } else {
                    TimerKind::Election
                };
                self.trace
                    .push(self.now, TraceKind::TimerFired { node, timer });
                self.nodes[i].tick(self.now, &mut self.rng, &mut self.out);
                self.after_node_call(i);
            }
            Event::ClientTimer { client, .. } => {
                self.clients[client.index()].timer_at = None;
                self.client_timeout(client.index());
            }
        }
        self.purge();
        Some(s.time)
    }

    /// Processes every event at or before `t`, then sets the clock to `t` (if later).
    pub fn advance_to(&mut self, t: Time) {
        self.advance_watched(t, &mut |_| {});
    }

    /// [`World::advance_to`], calling `watch` after every event.
    pub fn advance_watched(&mut self, t: Time, watch: &mut dyn FnMut(&World)) {
        while self.next_event_time().is_some_and(|n| n <= t) {
            self.step();
            watch(self);
        }
        self.now = self.now.max(t);
    }

    /// Steps until `predicate` holds (checked before each event) or the next event would be
    /// after `limit`; in the latter case the clock is advanced to `limit`. Returns whether the
    /// predicate held.
    pub fn run_until<F: FnMut(&World) -> bool>(&mut self, mut predicate: F, limit: Time) -> bool {
        loop {
            if predicate(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= limit => {
                    self.step();
                }
                _ => {
                    self.advance_to(limit);
                    return predicate(self);
                }
            }
        }
    }

    // ----- actions -----------------------------------------------------------------------

    fn check_node(&self, n: NodeId) -> Result<&Node, ActionError> {
        self.nodes.get(n.index()).ok_or(ActionError::UnknownNode(n))
    }

    fn validate(&self, action: &Action) -> Result<(), ActionError> {
        match action {
            Action::Stop(n) => {
                if self.check_node(*n)?.is_stopped() {
                    return Err(ActionError::AlreadyStopped(*n));
                }
            }
            Action::Restart(n) => {
                if !self.check_node(*n)?.is_stopped() {
                    return Err(ActionError::NotStopped(*n));
                }
            }
            Action::Timeout(n) => {
                let node = self.check_node(*n)?;
                if node.is_stopped() {
                    return Err(ActionError::NodeStopped(*n));
                }
                if !node.may_campaign() {
                    return Err(ActionError::NotAVoter(*n));
                }
            }
            Action::TransferLeadership(n) => {
                if self.check_node(*n)?.is_stopped() {
                    return Err(ActionError::TargetStopped(*n));
                }
                let leader = self.leader().ok_or(ActionError::NoLeader)?;
                if leader == *n {
                    return Err(ActionError::AlreadyLeader(*n));
                }
                if !self.nodes[leader.index()].membership().is_voter(*n) {
                    return Err(ActionError::NotAVoter(*n));
                }
            }
            Action::AddServer(n) => {
                if n.index() > self.nodes.len() || n.0 >= MAX_SLOTS {
                    return Err(if self.nodes.len() >= usize::from(MAX_SLOTS) {
                        ActionError::SlotsFull
                    } else {
                        ActionError::NotNextSlot {
                            node: *n,
                            next: NodeId(self.nodes.len() as u8),
                        }
                    });
                }
                self.check_change(MembershipChange::Add(*n))?;
            }
            Action::RemoveServer(n) => {
                self.check_node(*n)?;
                self.check_change(MembershipChange::Remove(*n))?;
            }
            Action::Submit {
                client,
                node,
                command,
            } => {
                if client.index() >= self.clients.len() {
                    return Err(ActionError::UnknownClient(*client));
                }
                if matches!(command, Command::Config(_)) {
                    return Err(ActionError::NotAClientCommand);
                }
                self.check_node(*node)?;
            }
            Action::Partition(groups) => {
                let mut seen = vec![false; self.nodes.len()];
                for &n in groups.iter().flatten() {
                    self.check_node(n)?;
                    if std::mem::replace(&mut seen[n.index()], true) {
                        return Err(ActionError::NodeInTwoGroups(n));
                    }
                }
            }
            Action::Heal => {}
            Action::CutLink(a, b) => {
                self.check_link(*a, *b)?;
                if self.network.is_cut(*a, *b) && self.network.is_cut(*b, *a) {
                    return Err(ActionError::LinkAlreadyCut(*a, *b));
                }
            }
            Action::CutOneWay { from, to } => {
                self.check_link(*from, *to)?;
                if self.network.is_cut(*from, *to) {
                    return Err(ActionError::LinkAlreadyCut(*from, *to));
                }
            }
            Action::RestoreLink(a, b) => {
                self.check_link(*a, *b)?;
                if !self.network.is_cut(*a, *b) && !self.network.is_cut(*b, *a) {
                    return Err(ActionError::LinkNotCut(*a, *b));
                }
            }
            Action::DropMessage(id) => {
                if !self.network.contains(*id) {
                    return Err(ActionError::MessageNotInFlight(*id));
                }
            }
            Action::SetOption(change) => {
                self.config
                    .with_change(change)
                    .validate()
                    .map_err(ActionError::InvalidOption)?;
            }
        }
        Ok(())
    }

    /// Whether the leader would start `change`.
    fn check_change(&self, change: MembershipChange) -> Result<(), ActionError> {
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        self.nodes[leader.index()]
            .check_change(change)
            .map(|_| ())
            .map_err(ActionError::Change)
    }

    /// Starts a fresh server in the next empty slot. It knows no configuration until the
    /// leader's log reaches it, so it does not campaign (its options carry an empty bootstrap).
    fn add_node(&mut self) {
        let id = NodeId(self.nodes.len() as u8);
        let mut node = Node::new(id, self.config.node_options(id));
        node.start(self.now, &mut self.rng);
        self.nodes.push(node);
        self.node_timers.push((None, 0));
        self.checker.add_node();
        self.reschedule_node(id.index());
    }

    fn check_link(&self, a: NodeId, b: NodeId) -> Result<(), ActionError> {
        self.check_node(a)?;
        self.check_node(b)?;
        if a == b {
            return Err(ActionError::SameNode(a));
        }
        Ok(())
    }

    /// Applies `action` at the current virtual time and records it. An invalid action returns
    /// an error and changes nothing.
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        self.validate(&action)?;
        self.actions.push(TimedAction {
            at: self.now,
            after_event: Some(self.events_processed),
            action: action.clone(),
        });
        self.trace
            .push(self.now, TraceKind::ActionApplied(Box::new(action.clone())));
        match action {
            Action::Stop(n) => {
                self.nodes[n.index()].stop();
                self.reschedule_node(n.index());
            }
            Action::Restart(n) => {
                let node = &mut self.nodes[n.index()];
                node.restart(self.now, &mut self.rng, &mut self.out);
                self.checker.on_restart(n, node.last_applied());
                self.after_node_call(n.index());
            }
            Action::Timeout(n) => {
                self.nodes[n.index()].timeout_now(self.now, &mut self.rng, &mut self.out);
                self.after_node_call(n.index());
            }
            Action::TransferLeadership(n) => {
                if let Some(l) = self.leader() {
                    // Validated above: a running leader other than `n` exists, so the node
                    // accepts; a refusal here would change nothing anyway.
                    let _ = self.nodes[l.index()].transfer_leadership(n, self.now, &mut self.out);
                    self.after_node_call(l.index());
                }
            }
            Action::AddServer(n) | Action::RemoveServer(n) => {
                if n.index() == self.nodes.len() {
                    self.add_node();
                }
                let change = match action {
                    Action::AddServer(_) => MembershipChange::Add(n),
                    _ => MembershipChange::Remove(n),
                };
                if let Some(l) = self.leader() {
                    // Validated above: the leader accepts the change.
                    let _ = self.nodes[l.index()].request_change(change, self.now, &mut self.out);
                    self.after_node_call(l.index());
                }
            }
            Action::Submit {
                client,
                node,
                command,
            } => {
                let c = client.index();
                let seq = self.clients[c].next_seq;
                self.clients[c].next_seq += 1;
                self.operations.push(Operation {
                    client,
                    seq,
                    command,
                    node,
                    invoked_at: self.now,
                    completed_at: None,
                    outcome: OpOutcome::Pending,
                    attempts: 0,
                });
                self.clients[c].queue.push(self.operations.len() - 1);
                self.start_next_op(c);
            }
            Action::Partition(groups) => {
                // Unlisted servers share the group after the listed ones.
                let rest = groups.len().min(255) as u8;
                let mut of = vec![rest; self.nodes.len()];
                for (g, members) in groups.iter().enumerate() {
                    for n in members {
                        of[n.index()] = g.min(255) as u8;
                    }
                }
                self.network.set_partition(Some(of));
            }
            Action::Heal => self.network.heal(),
            Action::CutLink(a, b) => {
                self.network.cut(a, b);
                self.network.cut(b, a);
            }
            Action::CutOneWay { from, to } => {
                self.network.cut(from, to);
            }
            Action::RestoreLink(a, b) => {
                self.network.restore(a, b);
                self.network.restore(b, a);
            }
            Action::DropMessage(id) => {
                if let Some(m) = self.network.remove(id) {
                    self.trace.push(
                        self.now,
                        TraceKind::MessageDropped {
                            id,
                            from: m.from,
                            to: m.to,
                            kind: m.message.kind(),
                            reason: DropReason::User,
                        },
                    );
                }
            }
            Action::SetOption(change) => {
                self.config = self.config.with_change(&change);
                for i in 0..self.nodes.len() {
                    let opts = self.config.node_options(NodeId(i as u8));
                    self.nodes[i].set_options(opts, self.now);
                    self.reschedule_node(i);
                }
                // A shorter retry timeout applies to commands already waiting too: otherwise a
                // client that was told to wait a long time stays stuck after the change.
                if let OptionChange::ClientRetryTimeout(us) = change {
                    let due = self.now.saturating_add(us);
                    for c in 0..self.clients.len() {
                        if self.clients[c].timer_at.is_some_and(|t| t > due) {
                            self.set_client_timer(c);
                        }
                    }
                }
            }
        }
        self.purge();
        Ok(())
    }

    // ----- internals ---------------------------------------------------------------------

    /// Counts the event about to be processed at time `at` and, if it would pass one of the
    /// watchdog's limits, halts the run instead (reporting which limit) and returns true. The
    /// check comes before the event is handled, so a halted run stops between two events.
    fn watchdog_halts(&mut self, at: Time) -> bool {
        let at_instant = if self.instant.0 == at {
            self.instant.1 + 1
        } else {
            1
        };
        let passed = if at_instant > self.watchdog.max_events_per_instant {
            Some((
                RunawayLimit::OneInstant,
                self.watchdog.max_events_per_instant,
            ))
        } else {
            self.watchdog
                .max_events
                .filter(|&max| self.events_processed >= max)
                .map(|max| (RunawayLimit::WholeRun, max))
        };
        match passed {
            Some((limit, events)) => {
                self.halted = true;
                let v = Violation::RunawayRun { limit, events };
                self.checker.report(self.now, v, &mut self.fresh_violations);
                self.flush_violations();
                true
            }
            None => {
                self.instant = (at, at_instant);
                false
            }
        }
    }

    fn is_stale(&self, event: &Event) -> bool {
        match *event {
            Event::Deliver(id) => !self.network.contains(id),
            Event::NodeTimer { node, gen } => self.node_timers[node.index()].1 != gen,
            Event::ClientTimer { client, gen } => self.clients[client.index()].timer_gen != gen,
        }
    }

    /// Discards cancelled timers and dropped messages from the top of the queue, and moves a node
    /// timer whose deadline was pushed back to its new time, so that the top is always a real
    /// event and [`World::next_event_time`] is exact.
    fn purge(&mut self) {
        while let Some(top) = self.queue.peek().copied() {
            if self.is_stale(&top.event) {
                self.queue.pop();
                continue;
            }
            if let Event::NodeTimer { node, .. } = top.event {
                let i = node.index();
                match self.nodes[i].next_timer() {
                    Some(t) if t > top.time => {
                        self.queue.pop();
                        let gen = self.node_timers[i].1 + 1;
                        self.node_timers[i] = (Some(t), gen);
                        self.queue.push(t, Event::NodeTimer { node, gen });
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        self.queue.pop();
                        self.node_timers[i] = (None, self.node_timers[i].1 + 1);
                        continue;
                    }
                }
            }
            break;
        }
    }

    /// Number of entries in the event queue, stale ones included (for diagnostics).
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Makes sure node `i`'s timer event is scheduled no later than its next deadline. A deadline
    /// that moved later (a follower hearing a heartbeat, many times per election timeout) keeps
    /// its earlier queue entry, which [`World::purge`] moves when it reaches the top; only an
    /// earlier deadline, or a cancelled one, needs a new entry. That keeps the heap small.
    fn reschedule_node(&mut self, i: usize) {
        let want = self.nodes[i].next_timer();
        let (at, gen) = &mut self.node_timers[i];
        let keep = matches!((*at, want), (Some(s), Some(w)) if s <= w);
        if !keep {
            *gen += 1;
            *at = want;
            if let Some(t) = want {
                self.queue.push(
                    t.max(self.now),
                    Event::NodeTimer {
                        node: NodeId(i as u8),
                        gen: *gen,
                    },
                );
            }
        }
    }

    /// Records what a call into node `i` produced, checks it, sends its messages and
    /// reschedules its timer.
    fn after_node_call(&mut self, i: usize) {
        let mut out = std::mem::take(&mut self.out);
        let node = NodeId(i as u8);
        // What the server's rules weighed, for explaining its events (sim::why); most calls (a
        // heartbeat answered) record no event, and they skip it: this is the core's hot path.
        let facts = if out.events.is_empty() {
            NodeFacts::default()
        } else {
            NodeFacts::of(&self.nodes[i])
        };
        for event in out.events.drain(..) {
            self.checker.on_event(
                self.now,
                &self.nodes[i],
                &event,
                &self.nodes,
                &mut self.fresh_violations,
            );
            self.trace.push_node(self.now, node, event, facts);
            self.flush_violations();
        }
        self.checker
            .after_call(self.now, &self.nodes[i], &mut self.fresh_violations);
        self.flush_violations();
        for (to, msg) in out.messages.drain(..) {
            self.send(Endpoint::Node(node), to, msg);
        }
        self.out = out;
        self.reschedule_node(i);
    }

    fn flush_violations(&mut self) {
        for v in self.fresh_violations.drain(..) {
            self.trace
                .push(self.now, TraceKind::InvariantViolated(Box::new(v)));
        }
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, msg: Message) {
        let kind = msg.kind();
        let fields = msg.field_values();
        let loss = self.config.loss_per_mille;
        if loss > 0 && self.rng.random_range(0..1000u16) < loss {
            let id = self.network.next_id();
            self.trace.push(
                self.now,
                TraceKind::MessageSent {
                    id,
                    from,
                    to,
                    kind,
                    deliver_at: self.now,
                    duplicate: false,
                    fields,
                },
            );
            self.trace.push(
                self.now,
                TraceKind::MessageDropped {
                    id,
                    from,
                    to,
                    kind,
                    reason: DropReason::Loss,
                },
            );
            return;
        }
        let dup = self.config.duplicate_per_mille;
        let copies = if dup > 0 && self.rng.random_range(0..1000u16) < dup {
            2
        } else {
            1
        };
        let mut msg = Some(msg);
        for copy in 0..copies {
            let (min, max) = (self.config.latency_min_us, self.config.latency_max_us);
            let latency = if min >= max {
                min
            } else {
                self.rng.random_range(min..=max)
            };
            let deliver_at = self.now + latency;
            let id = self.network.next_id();
            let message = if copy + 1 == copies {
                msg.take()
            } else {
                msg.clone()
            };
            let Some(message) = message else { break };
            self.trace.push(
                self.now,
                TraceKind::MessageSent {
                    id,
                    from,
                    to,
                    kind,
                    deliver_at,
                    duplicate: copy > 0,
                    fields,
                },
            );
            self.queue.push(deliver_at, Event::Deliver(id));
            self.network.insert(InFlightMessage {
                id,
                from,
                to,
                sent_at: self.now,
                deliver_at,
                message,
                duplicate: copy > 0,
            });
        }
    }

    fn deliver(&mut self, id: MessageId) {
        let Some(m) = self.network.remove(id) else {
            return;
        };
        let kind = m.message.kind();
        let dropped = |reason| TraceKind::MessageDropped {
            id,
            from: m.from,
            to: m.to,
            kind,
            reason,
        };
        if let Some(reason) = self.network.blocked(m.from, m.to) {
            self.trace.push(self.now, dropped(reason));
            return;
        }
        let known = match m.to {
            Endpoint::Node(n) => n.index() < self.nodes.len(),
            Endpoint::Client(c) => c.index() < self.clients.len(),
        };
        if !known {
            return;
        }
        if let Endpoint::Node(n) = m.to {
            if self.nodes[n.index()].is_stopped() {
                self.trace.push(self.now, dropped(DropReason::Stopped));
                return;
            }
        }
        self.trace.push(
            self.now,
            TraceKind::MessageDelivered {
                id,
                from: m.from,
                to: m.to,
                kind,
                fields: m.message.field_values(),
            },
        );
        match m.to {
            Endpoint::Node(n) => {
                let i = n.index();
                self.nodes[i].handle(m.from, m.message, self.now, &mut self.rng, &mut self.out);
                self.after_node_call(i);
            }
            Endpoint::Client(c) => self.client_receive(c.index(), m.from, m.message),
        }
    }

    fn set_client_timer(&mut self, c: usize) {
        let t = self.now.saturating_add(self.config.client_retry_timeout_us);
        let client = &mut self.clients[c];
        client.timer_gen += 1;
        client.timer_at = Some(t);
        self.queue.push(
            t,
            Event::ClientTimer {
                client: client.id,
                gen: client.timer_gen,
            },
        );
    }

    fn cancel_client_timer(&mut self, c: usize) {
        let client = &mut self.clients[c];
        client.timer_gen += 1;
        client.timer_at = None;
    }

    fn send_request(&mut self, c: usize) {
        let Some(w) = self.clients[c].waiting.as_ref() else {
            return;
        };
        let (target, seq, command) = (w.target, w.seq, w.command);
        let id = self.clients[c].id;
        self.send(
            Endpoint::Client(id),
            Endpoint::Node(target),
            Message::ClientRequest { seq, command },
        );
        self.set_client_timer(c);
    }

    fn start_next_op(&mut self, c: usize) {
        if self.clients[c].waiting.is_some() {
            return;
        }
        let queue = &mut self.clients[c].queue;
        let Some(op) = (!queue.is_empty()).then(|| queue.remove(0)) else {
            return;
        };
        let o = &mut self.operations[op];
        o.attempts = 1;
        let (seq, command, node, client) = (o.seq, o.command, o.node, o.client);
        self.clients[c].waiting = Some(Waiting {
            op,
            seq,
            command,
            target: node,
            hops: 0,
            probe: node,
        });
        self.trace.push(
            self.now,
            TraceKind::ClientInvoked {
                client,
                op,
                seq,
                command,
                node,
            },
        );
        self.send_request(c);
    }

    fn client_receive(&mut self, c: usize, from: Endpoint, msg: Message) {
        let Message::ClientResponse { seq, reply } = msg else {
            return;
        };
        let Some(w) = self.clients[c].waiting.clone() else {
            return;
        };
        if w.seq != seq {
            // A late answer to a command already finished.
            return;
        }
        let client = self.clients[c].id;
        match reply {
            ClientReply::Ok { value, index } => {
                let o = &mut self.operations[w.op];
                o.outcome = OpOutcome::Ok { value, index };
                o.completed_at = Some(self.now);
                self.trace.push(
                    self.now,
                    TraceKind::ClientCompleted {
                        client,
                        op: w.op,
                        seq,
                        value,
                    },
                );
                self.clients[c].waiting = None;
                self.cancel_client_timer(c);
                self.check_linearizability();
                self.start_next_op(c);
            }
            ClientReply::Redirect { leader } => {
                let by = from.node().unwrap_or(w.target);
                self.trace.push(
                    self.now,
                    TraceKind::ClientRedirected {
                        client,
                        seq,
                        by,
                        leader,
                    },
                );
                let size = self.nodes.len() as u32;
                if let Some(l) = leader.filter(|l| l.index() < self.nodes.len()) {
                    if w.hops < size {
                        if let Some(wm) = self.clients[c].waiting.as_mut() {
                            wm.target = l;
                            wm.hops += 1;
                        }
                        self.operations[w.op].attempts += 1;
                        self.trace.push(
                            self.now,
                            TraceKind::ClientRetried {
                                client,
                                seq,
                                node: l,
                                after_timeout: false,
                            },
                        );
                        self.send_request(c);
                    }
                }
                // Without a leader to try, the client waits for its retry timer.
            }
        }
    }

    /// Checks the client history so far and reports the first violation (once: a history that
    /// is not linearizable stays so as it grows).
    fn check_linearizability(&mut self) {
        let reported = || {
            self.checker
                .violations()
                .iter()
                .any(|v| matches!(v.violation, Violation::NotLinearizable { .. }))
        };
        let Some(mut settled) = self.live_linearizability else {
            return;
        };
        if !self.linearizability_checked() || reported() {
            return;
        }
        let options = CheckOptions {
            initial_value: settled.value,
            max_steps: LIVE_LINEARIZABILITY_MAX_STEPS,
            ..CheckOptions::default()
        };
        // The unsettled operations are few while clients take turns: copied out of the chunks
        // for the search, which wants them side by side.
        let window = self.operations.all().range(settled.from..).to_vec();
        match check_history_with(&window, options) {
            LinearizabilityResult::Violation(v) => {
                let violation = not_linearizable(self.operations.all(), settled.from, &v);
                let mut fresh = std::mem::take(&mut self.fresh_violations);
                self.checker.report(self.now, violation, &mut fresh);
                self.fresh_violations = fresh;
                self.flush_violations();
            }
            LinearizabilityResult::Ok { .. } => {
                settled.advance_within(&window);
                self.live_linearizability = Some(settled);
            }
            LinearizabilityResult::Unknown { .. } => {}
        }
    }

    fn client_timeout(&mut self, c: usize) {
        let Some(w) = self.clients[c].waiting.clone() else {
            return;
        };
        let client = self.clients[c].id;
        let max = self.config.client_max_attempts;
        if max > 0 && self.operations[w.op].attempts >= max {
            let o = &mut self.operations[w.op];
            o.outcome = OpOutcome::Failed;
            o.completed_at = Some(self.now);
            self.trace.push(
                self.now,
                TraceKind::ClientGaveUp {
                    client,
                    op: w.op,
                    seq: w.seq,
                },
            );
            self.clients[c].waiting = None;
            self.start_next_op(c);
            return;
        }
        // Try the next server round-robin: the one asked may be stopped or cut off.
        let target = NodeId(((w.probe.index() + 1) % self.nodes.len()) as u8);
        if let Some(wm) = self.clients[c].waiting.as_mut() {
            wm.target = target;
            wm.probe = target;
            wm.hops = 0;
        }
        self.operations[w.op].attempts += 1;
        self.trace.push(
            self.now,
            TraceKind::ClientRetried {
                client,
                seq: w.seq,
                node: target,
                after_timeout: true,
            },
        );
        self.send_request(c);
    }
}

/// The checker's finding in the terms of the safety monitor: the operation no order can place
/// and, to show why, the latest write that had finished before it was sent (real time puts it
/// first, yet the operation does not show its effect).
/// `v` is about `ops[from..]`.
fn not_linearizable(
    ops: Slice<'_, Operation>,
    from: usize,
    v: &LinearizabilityViolation,
) -> Violation {
    let before = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o.command, Command::Get | Command::NoOp))
        .filter(|(_, o)| matches!(o.outcome, OpOutcome::Ok { .. }))
        .filter_map(|(i, o)| Some((i, o, o.completed_at?)))
        .filter(|&(_, _, done)| done < v.operation.invoked_at)
        .max_by_key(|&(i, _, done)| (done, i))
        .map(|(i, o, _)| (i, o.client, o.command));
    Violation::NotLinearizable {
        op: from + v.op,
        client: v.operation.client,
        command: v.operation.command,
        observed: v.observed,
        expected: v.expected.first().copied(),
        before,
    }
}
