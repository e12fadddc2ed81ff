//! The guided tour: the Raft story told as chapters of steps that run on the real simulator.
//!
//! Each [`Chapter`] is data: a [`Config`] (seed and pinned election timeouts, so that the servers
//! the captions name are the ones that act) and a list of [`Step`]s. Entering a step applies its
//! actions (stop the leader, send a command, split the network); the world then runs until the
//! step's [`Condition`] holds or its time limit passes, and the tour pauses there for the reader.
//!
//! Because the world is deterministic, the state at "chapter C, step S" is a pure function of the
//! chapter: [`world_at`] rebuilds it from scratch, which is how going back and share links work.
//! The UI animates the run of a step frame by frame with [`TourRunner::advance`], which stops at
//! exactly the same instant as the instant replay does, so both paths give the same trace.
//!
//! Step numbers are counted from 0 throughout this module.

use crate::raft::{
    ClientId, Command, LogIndex, Member, MessageKind, NodeId, Role, Term, MS, SECOND,
};
use crate::sim::{Action, ActionError, Config, ConfigError, OpOutcome, Time, World};
use std::sync::OnceLock;

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);
const CLIENT1: ClientId = ClientId(0);
const CLIENT2: ClientId = ClientId(1);

/// What must be true for a step to be finished. Conditions about "every server" look only at
/// running servers, because a stopped server cannot take part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// Finished at once: the step only explains what is on screen.
    Nothing,
    /// This many microseconds of virtual time have passed since the step was entered.
    After(Time),
    /// Some running server is leader.
    LeaderElected,
    /// A running server other than this one is leader (after the old leader was stopped).
    LeaderElectedOtherThan(NodeId),
    /// This server is running in this role.
    NodeRole(NodeId, Role),
    /// This server's log holds an entry at this index (committed or not).
    EntryOn {
        /// The server.
        node: NodeId,
        /// The index.
        index: LogIndex,
    },
    /// This server's commit index has reached this index.
    EntryCommittedOn {
        /// The server.
        node: NodeId,
        /// The index.
        index: LogIndex,
    },
    /// Every running server's commit index has reached this index.
    EntryCommittedEverywhere(LogIndex),
    /// Every running server's state machine holds this value.
    ValueEverywhere(i64),
    /// Every running server's term is at least this.
    TermAtLeast(Term),
    /// At least two running servers believe they are leader (possible only in different terms).
    TwoLeaders,
    /// At least two candidates share a term, every vote of that term has been cast, and none of
    /// them holds a majority: a split vote.
    SplitVote,
    /// Every running server has exactly the same log.
    LogsMatch,
    /// The client's latest command has been answered successfully.
    ClientAnswered(ClientId),
    /// The client's latest command has been answered with this value.
    ClientGot(ClientId, i64),
    /// This running server's log starts with a snapshot covering at least this index (§7).
    SnapshotOn {
        /// The server.
        node: NodeId,
        /// The index.
        index: LogIndex,
    },
    /// This server is this kind of member (voter, learner or none) of the configuration the
    /// page shows ([`World::member`]).
    Member(NodeId, Member),
    /// The configuration the page shows ([`World::membership`]) reads like this, as its
    /// `Display` writes it ("A, B, C + D learning", "A, B, C → A, B, C, D"), and is committed
    /// (or not) on the server it is taken from.
    Configuration {
        /// The configuration, written out.
        reads: &'static str,
        /// Whether it is committed.
        committed: bool,
    },
    /// Every one of these holds.
    All(Vec<Condition>),
}

impl Condition {
    /// Whether the condition holds in `world` for a step entered at virtual time `entered_at`.
    /// The UI may call this every frame; it only reads the world.
    pub fn holds(&self, world: &World, entered_at: Time) -> bool {
        let running = || world.nodes().iter().filter(|n| !n.is_stopped());
        let node = |id: NodeId| world.node(id).filter(|n| !n.is_stopped());
        match self {
            Condition::Nothing => true,
            Condition::After(us) => world.now() >= entered_at.saturating_add(*us),
            Condition::LeaderElected => world.leader().is_some(),
            Condition::LeaderElectedOtherThan(old) => {
                running().any(|n| n.is_leader() && n.id() != *old)
            }
            Condition::NodeRole(id, role) => node(*id).is_some_and(|n| n.role() == *role),
            Condition::EntryOn { node: id, index } => {
                node(*id).is_some_and(|n| n.log().last_index() >= *index)
            }
            Condition::EntryCommittedOn { node: id, index } => {
                node(*id).is_some_and(|n| n.commit_index() >= *index)
            }
            Condition::EntryCommittedEverywhere(index) => {
                running().all(|n| n.commit_index() >= *index)
            }
            Condition::ValueEverywhere(v) => running().all(|n| n.value() == *v),
            Condition::TermAtLeast(t) => running().all(|n| n.term() >= *t),
            Condition::TwoLeaders => running().filter(|n| n.is_leader()).count() >= 2,
            Condition::SplitVote => split_vote(world),
            Condition::LogsMatch => {
                let mut logs = running().map(|n| n.log());
                match logs.next() {
                    Some(first) => logs.all(|l| l == first),
                    None => true,
                }
            }
            Condition::ClientAnswered(client) => {
                latest_outcome(world, *client).is_some_and(|o| matches!(o, OpOutcome::Ok { .. }))
            }
            Condition::ClientGot(client, value) => latest_outcome(world, *client)
                .is_some_and(|o| matches!(o, OpOutcome::Ok { value: v, .. } if v == *value)),
            Condition::SnapshotOn { node: id, index } => {
                node(*id).is_some_and(|n| n.log().snapshot_index() >= *index)
            }
            Condition::Member(id, member) => world.member(*id) == *member,
            Condition::Configuration { reads, committed } => {
                let (config, is_committed) = world.membership();
                is_committed == *committed && config.to_string() == *reads
            }
            Condition::All(all) => all.iter().all(|c| c.holds(world, entered_at)),
        }
    }

    /// The earliest instant after `now` at which a time-based part of the condition turns true,
    /// so that stepping can stop at exactly that instant however the UI slices time into frames.
    fn next_threshold(&self, entered_at: Time, now: Time) -> Option<Time> {
        match self {
            Condition::After(us) => {
                let t = entered_at.saturating_add(*us);
                (t > now).then_some(t)
            }
            Condition::All(all) => all
                .iter()
                .filter_map(|c| c.next_threshold(entered_at, now))
                .min(),
            _ => None,
        }
    }
}

/// The outcome of the client's latest command, if it sent any.
fn latest_outcome(world: &World, client: ClientId) -> Option<OpOutcome> {
    let op = world
        .operations()
        .iter()
        .rev()
        .find(|o| o.client == client)?;
    Some(op.outcome)
}

/// Whether some term has two or more candidates that, between them, hold every vote of the
/// cluster while none holds a majority.
fn split_vote(world: &World) -> bool {
    let size = world.nodes().len();
    let majority = size / 2 + 1;
    let candidates: Vec<_> = world
        .nodes()
        .iter()
        .filter(|n| !n.is_stopped() && n.role() == Role::Candidate)
        .collect();
    candidates.iter().any(|c| {
        let same: Vec<_> = candidates.iter().filter(|o| o.term() == c.term()).collect();
        let votes: usize = same.iter().map(|o| o.votes_held().len()).sum();
        same.len() >= 2 && votes == size && same.iter().all(|o| o.votes_held().len() < majority)
    })
}

/// An action a step applies when it is entered. Most are plain [`Action`]s; the others name a
/// server by its role, resolved against the world at that moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepAction {
    /// Apply this action as it is.
    Do(Action),
    /// Stop whichever server is leader now.
    StopLeader,
    /// Have this client send this command to whichever server is leader now.
    SubmitToLeader {
        /// The client.
        client: ClientId,
        /// The command.
        command: Command,
    },
}

impl StepAction {
    /// The concrete action for `world` now, or `None` when it needs a leader and there is none.
    pub fn resolve(&self, world: &World) -> Option<Action> {
        match self {
            StepAction::Do(a) => Some(a.clone()),
            StepAction::StopLeader => world.leader().map(Action::Stop),
            StepAction::SubmitToLeader { client, command } => {
                world.leader().map(|node| Action::Submit {
                    client: *client,
                    node,
                    command: *command,
                })
            }
        }
    }
}

/// What the UI should draw attention to during a step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Servers to emphasise.
    pub nodes: Vec<NodeId>,
    /// Log entries to emphasise, as (server, index).
    pub entries: Vec<(NodeId, LogIndex)>,
    /// Kinds of message to emphasise while in flight.
    pub messages: Vec<MessageKind>,
    /// Groups of servers to tell apart, coloured like the partition editor's first two groups
    /// (the caption names them), e.g. two majorities with nobody in common.
    pub groups: Vec<Vec<NodeId>>,
}

/// One step of a chapter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the reader is looking at, in one to three friendly sentences.
    pub caption: &'static str,
    /// Applied, in order, when the step is entered.
    pub actions: Vec<StepAction>,
    /// The step is finished when this holds...
    pub until: Condition,
    /// ...or when this much virtual time has passed since it was entered, whichever is first.
    pub limit_us: Time,
    /// What to emphasise.
    pub highlight: Highlight,
}

/// One chapter of the tour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// Stable identifier used in URLs (`?tour=partition`).
    pub slug: &'static str,
    /// Title shown in the chapter list.
    pub title: &'static str,
    /// The world the chapter starts from.
    pub config: Config,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// Why the tour could not build or advance a world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TourError {
    /// No chapter has this slug.
    UnknownChapter(String),
    /// The chapter has fewer steps.
    StepOutOfRange {
        /// The chapter's slug.
        chapter: &'static str,
        /// The step asked for, counted from 0.
        step: usize,
        /// How many steps the chapter has.
        steps: usize,
    },
    /// The chapter's configuration is invalid (a bug in the chapter data).
    Config(ConfigError),
    /// A step's action needed a leader and there was none.
    NoLeader {
        /// The step.
        step: usize,
    },
    /// The world refused a step's action.
    Action {
        /// The step.
        step: usize,
        /// Why.
        error: ActionError,
    },
}

impl std::fmt::Display for TourError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TourError::UnknownChapter(s) => write!(f, "there is no tour chapter called \"{s}\""),
            TourError::StepOutOfRange {
                chapter,
                step,
                steps,
            } => write!(
                f,
                // People count steps from 1, as URLs and the tour panel do.
                "chapter \"{chapter}\" has {steps} steps, so there is no step {}",
                step + 1
            ),
            TourError::Config(e) => write!(f, "the chapter's settings are invalid: {e}"),
            TourError::NoLeader { step } => {
                write!(f, "step {} needs a leader, but there is none", step + 1)
            }
            TourError::Action { step, error } => write!(f, "step {}: {error}", step + 1),
        }
    }
}

impl std::error::Error for TourError {}

/// Whether a step is still running, finished, or gave up at its time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    /// Neither the condition nor the limit has been reached.
    Running,
    /// The condition holds; the tour waits for the reader.
    Done,
    /// The time limit passed first (a bug in the chapter data if it happens).
    TimedOut,
}

impl Chapter {
    /// The step at `index`, if there is one.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }

    /// The world before the first step: the chapter's configuration at time 0.
    pub fn fresh_world(&self) -> Result<World, TourError> {
        World::new(self.config.clone()).map_err(TourError::Config)
    }

    fn check_step(&self, step: usize) -> Result<&Step, TourError> {
        self.steps.get(step).ok_or(TourError::StepOutOfRange {
            chapter: self.slug,
            step,
            steps: self.steps.len(),
        })
    }

    /// The world at the end of step `step`: a fresh world with steps `0..=step` entered and run
    /// to their conditions (or limits). Deterministic, so calling it twice gives the same trace.
    pub fn world_at(&self, step: usize) -> Result<World, TourError> {
        self.check_step(step)?;
        let mut world = self.fresh_world()?;
        for i in 0..=step {
            let runner = TourRunner::enter(self, i, &mut world)?;
            runner.finish(&mut world);
        }
        Ok(world)
    }
}

/// Runs one step of a chapter against a world the caller owns. The UI keeps one per step: it
/// enters the step, calls [`TourRunner::advance`] each animation frame with the virtual time it
/// wants to reach, and stops animating when the status is no longer `Running`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourRunner<'a> {
    chapter: &'a Chapter,
    step: usize,
    /// The step's data, looked up once when it was entered.
    data: &'a Step,
    entered_at: Time,
}

impl<'a> TourRunner<'a> {
    /// Enters step `step` of `chapter` in `world`: applies the step's actions at the world's
    /// current time and starts its clock. `world` should be the world at the end of the step
    /// before (or a fresh world for step 0), as [`TourRunner::start`] provides.
    pub fn enter(
        chapter: &'a Chapter,
        step: usize,
        world: &mut World,
    ) -> Result<TourRunner<'a>, TourError> {
        let s = chapter.check_step(step)?;
        for a in &s.actions {
            let action = a.resolve(world).ok_or(TourError::NoLeader { step })?;
            world
                .apply(action)
                .map_err(|error| TourError::Action { step, error })?;
        }
        Ok(TourRunner {
            chapter,
            step,
            data: s,
            entered_at: world.now(),
        })
    }

    /// Opens chapter `slug` at step `step`, ready to animate: returns the runner and the world
    /// at the end of the previous step with this step just entered.
    pub fn start(slug: &str, step: usize) -> Result<(TourRunner<'static>, World), TourError> {
        let chapter = chapter(slug).ok_or_else(|| TourError::UnknownChapter(slug.to_string()))?;
        TourRunner::start_in(chapter, step)
    }

    /// Like [`TourRunner::start`], for any chapter value (tests build variants of chapters).
    pub fn start_in(
        chapter: &'a Chapter,
        step: usize,
    ) -> Result<(TourRunner<'a>, World), TourError> {
        chapter.check_step(step)?;
        let mut world = if step == 0 {
            chapter.fresh_world()?
        } else {
            chapter.world_at(step - 1)?
        };
        let runner = TourRunner::enter(chapter, step, &mut world)?;
        Ok((runner, world))
    }

    /// Enters the next step in `world`, finishing the current one at once first if it is still
    /// running (so skipping ahead gives the same world as watching). `None` after the last step.
    pub fn next(&self, world: &mut World) -> Option<Result<TourRunner<'a>, TourError>> {
        if self.step + 1 >= self.chapter.steps.len() {
            return None;
        }
        self.finish(world);
        Some(TourRunner::enter(self.chapter, self.step + 1, world))
    }

    /// Goes back one step: the runner and world of the previous step, rebuilt from scratch and
    /// entered but not run, ready to animate again. `None` at the first step.
    pub fn back(&self) -> Option<Result<(TourRunner<'a>, World), TourError>> {
        let prev = self.step.checked_sub(1)?;
        Some(TourRunner::start_in(self.chapter, prev))
    }

    /// The chapter.
    pub fn chapter(&self) -> &'a Chapter {
        self.chapter
    }

    /// The step number, from 0.
    pub fn step_index(&self) -> usize {
        self.step
    }

    /// The step's data (caption, highlight, condition, limit).
    pub fn step(&self) -> &'a Step {
        self.data
    }

    /// The step's caption.
    pub fn caption(&self) -> &'a str {
        self.step().caption
    }

    /// What to emphasise during the step.
    pub fn highlight(&self) -> &'a Highlight {
        &self.step().highlight
    }

    /// The virtual time the step was entered at.
    pub fn entered_at(&self) -> Time {
        self.entered_at
    }

    /// The virtual time at which the step gives up waiting for its condition.
    pub fn deadline(&self) -> Time {
        self.entered_at.saturating_add(self.step().limit_us)
    }

    /// Whether the step's condition holds in `world`.
    pub fn is_step_done(&self, world: &World) -> bool {
        self.step().until.holds(world, self.entered_at)
    }

    /// The step's status in `world`.
    pub fn status(&self, world: &World) -> StepStatus {
        if self.is_step_done(world) {
            StepStatus::Done
        } else if world.now() >= self.deadline() {
            StepStatus::TimedOut
        } else {
            StepStatus::Running
        }
    }

    /// Runs `world` towards virtual time `to` (capped at the step's deadline), stopping at the
    /// first instant the condition holds. The condition is checked before every event and at
    /// every time threshold it names, so the stopping point does not depend on how the caller
    /// slices time into frames.
    pub fn advance(&self, world: &mut World, to: Time) -> StepStatus {
        let cond = &self.step().until;
        let to = to.min(self.deadline());
        loop {
            if cond.holds(world, self.entered_at) {
                return StepStatus::Done;
            }
            let now = world.now();
            let threshold = cond.next_threshold(self.entered_at, now);
            let next_event = world.next_event_time();
            match (next_event, threshold) {
                // A time threshold comes strictly before the next event: move the clock there.
                (e, Some(t)) if t <= to && e.is_none_or(|e| t < e) => world.advance_to(t),
                (Some(e), _) if e <= to => {
                    world.step();
                }
                _ => {
                    world.advance_to(to);
                    return self.status(world);
                }
            }
        }
    }

    /// Runs the step to its end at once (condition or deadline), for skipping the animation.
    pub fn finish(&self, world: &mut World) -> StepStatus {
        self.advance(world, self.deadline())
    }
}

/// Every chapter, in reading order.
pub fn chapters() -> &'static [Chapter] {
    static CHAPTERS: OnceLock<Vec<Chapter>> = OnceLock::new();
    CHAPTERS.get_or_init(build_chapters)
}

/// The chapter with this slug.
pub fn chapter(slug: &str) -> Option<&'static Chapter> {
    chapters().iter().find(|c| c.slug == slug)
}

/// The world of chapter `slug` at the end of step `step` (from 0); see [`Chapter::world_at`].
pub fn world_at(slug: &str, step: usize) -> Result<World, TourError> {
    chapter(slug)
        .ok_or_else(|| TourError::UnknownChapter(slug.to_string()))?
        .world_at(step)
}

// ----- the chapters ------------------------------------------------------------------------------

fn step(caption: &'static str, until: Condition) -> Step {
    Step {
        caption,
        actions: Vec::new(),
        until,
        limit_us: 2 * SECOND,
        highlight: Highlight::default(),
    }
}

impl Step {
    fn act(mut self, a: Action) -> Step {
        self.actions.push(StepAction::Do(a));
        self
    }
    fn nodes(mut self, n: &[NodeId]) -> Step {
        self.highlight.nodes = n.to_vec();
        self
    }
    fn entries(mut self, e: &[(NodeId, LogIndex)]) -> Step {
        self.highlight.entries = e.to_vec();
        self
    }
    fn groups(mut self, g: &[&[NodeId]]) -> Step {
        self.highlight.groups = g.iter().map(|g| g.to_vec()).collect();
        self
    }
    fn messages(mut self, m: &[MessageKind]) -> Step {
        self.highlight.messages = m.to_vec();
        self
    }
    fn limit(mut self, us: Time) -> Step {
        self.limit_us = us;
        self
    }
}

fn submit(client: ClientId, node: NodeId, command: Command) -> Action {
    Action::Submit {
        client,
        node,
        command,
    }
}

/// Three servers whose election timeouts do not overlap, all inside the narrative's 150-300 ms:
/// A always times out first and B second, so the captions can name them.
fn three_servers() -> Config {
    Config {
        cluster_size: 3,
        seed: 1,
        election_timeout_override: vec![
            Some((150 * MS, 170 * MS)),
            Some((200 * MS, 220 * MS)),
            Some((260 * MS, 300 * MS)),
        ],
        ..Config::default()
    }
}

/// [`three_servers`], where D and E, added later, take the slowest timeouts (260-300 ms), so
/// that B is the one to time out first once the leader A has left.
fn membership_servers() -> Config {
    Config {
        election_timeout_min_us: 260 * MS,
        election_timeout_max_us: 300 * MS,
        ..three_servers()
    }
}

fn build_chapters() -> Vec<Chapter> {
    use Condition::*;
    use MessageKind::*;
    vec![
        Chapter {
            slug: "consensus",
            title: "What is distributed consensus?",
            config: Config {
                cluster_size: 1,
                clients: 1,
                seed: 1,
                ..Config::default()
            },
            steps: vec![
                step(
                    "Meet A, a single server. Picture it as a tiny database that keeps one number, which starts at 0.",
                    Nothing,
                )
                .nodes(&[A]),
                step(
                    "Outside the cluster sits a client that can ask the server to change the number. Before serving anyone, even a lone server makes itself leader, which takes one election timeout.",
                    LeaderElected,
                )
                .nodes(&[A]),
                step(
                    "The client sends SET 5. With nobody else to consult, A records the command, applies it and replies: the number is now 5.",
                    All(vec![ValueEverywhere(5), ClientAnswered(CLIENT1)]),
                )
                .act(submit(CLIENT1, A, Command::Set(5)))
                .entries(&[(A, 1)])
                .messages(&[ClientRequest, ClientResponse]),
                step(
                    "Agreeing with yourself is trivial. The hard part starts when several servers each keep a copy and must end up with the same sequence of changes, even while some crash or messages go missing. Making that work is distributed consensus, and Raft is an algorithm for it.",
                    Nothing,
                ),
            ],
        },
        Chapter {
            slug: "roles",
            title: "Followers, candidates and leaders",
            config: three_servers(),
            steps: vec![
                step(
                    "Raft runs on a cluster of servers, and each one is always in one of three roles: follower, candidate or leader. Everyone begins as a follower, in term 0.",
                    Nothing,
                )
                .nodes(&[A, B, C]),
                step(
                    "Followers just listen. When a follower has heard from no leader for a while, it turns candidate and asks the others to vote for it.",
                    NodeRole(A, Role::Candidate),
                )
                .nodes(&[A])
                .messages(&[RequestVote]),
                step(
                    "With votes from a majority, the candidate becomes leader. From here on, every change to the cluster's data passes through it.",
                    NodeRole(A, Role::Leader),
                )
                .nodes(&[A])
                .messages(&[RequestVoteReply]),
                step(
                    "The leader keeps in touch with its followers through regular messages. The next chapter looks at the election closely.",
                    After(300 * MS),
                )
                .nodes(&[A])
                .messages(&[AppendEntries]),
            ],
        },
        Chapter {
            slug: "election",
            title: "Leader election",
            config: three_servers(),
            steps: vec![
                step(
                    "Elections are driven by timers. Each follower waits a random time, here somewhere between 150 and 300 ms, for news from a leader before it gives up and campaigns.",
                    Nothing,
                )
                .nodes(&[A, B, C]),
                step(
                    "A's timer runs out first. It moves to term 1, votes for itself and sends a RequestVote message to B and to C.",
                    NodeRole(A, Role::Candidate),
                )
                .nodes(&[A])
                .messages(&[RequestVote]),
                step(
                    "Neither B nor C has voted in term 1 yet, so each grants A its vote and restarts its own timer. Two votes out of three are a majority, and A becomes leader.",
                    NodeRole(A, Role::Leader),
                )
                .nodes(&[A, B, C])
                .messages(&[RequestVote, RequestVoteReply]),
                step(
                    "As leader, A sends AppendEntries messages every 50 ms, the heartbeat interval. Each follower replies, and each heartbeat restarts its election timer.",
                    After(400 * MS),
                )
                .nodes(&[A])
                .messages(&[AppendEntries, AppendEntriesReply]),
                step(
                    "While heartbeats keep coming, no follower campaigns and term 1 lasts. It ends only when some follower stops hearing them, which the next chapter arranges.",
                    Nothing,
                ),
            ],
        },
        Chapter {
            slug: "reelection",
            title: "Re-election",
            config: three_servers(),
            steps: vec![
                step(
                    "A leads term 1. Its heartbeats keep B and C from starting an election.",
                    All(vec![NodeRole(A, Role::Leader), After(300 * MS)]),
                )
                .nodes(&[A])
                .messages(&[AppendEntries]),
                step(
                    "Now we crash A. The heartbeats stop, and nothing resets the followers' election timers any more. B's runs out first.",
                    NodeRole(B, Role::Candidate),
                )
                .act(Action::Stop(A))
                .nodes(&[A, B]),
                step(
                    "B moves to term 2 and asks for votes. C has not voted in term 2, so it says yes, and B leads term 2.",
                    NodeRole(B, Role::Leader),
                )
                .nodes(&[B, C])
                .messages(&[RequestVote, RequestVoteReply]),
                step(
                    "Each server votes at most once per term, and any two majorities share a server, so a term can never have two leaders.",
                    Nothing,
                )
                .nodes(&[B]),
                step(
                    "When A restarts it is a follower still in term 1. B's first heartbeat tells it about term 2, and A follows B.",
                    All(vec![NodeRole(A, Role::Follower), TermAtLeast(2)]),
                )
                .act(Action::Restart(A))
                .nodes(&[A, B])
                .messages(&[AppendEntries]),
            ],
        },
        Chapter {
            slug: "split-vote",
            title: "Split votes",
            config: Config {
                cluster_size: 4,
                seed: SPLIT_VOTE_SEED,
                // A and B time out in the same short window; C and D wait longer, so the two
                // candidates of the story are A and B. The seed makes them collide in term 1.
                election_timeout_override: vec![
                    Some((150 * MS, 200 * MS)),
                    Some((150 * MS, 200 * MS)),
                    Some((250 * MS, 300 * MS)),
                    Some((250 * MS, 300 * MS)),
                ],
                ..Config::default()
            },
            steps: vec![
                step(
                    "Four servers this time, so a leader needs three votes. A and B happen to time out within a few milliseconds of each other, and both become candidates for term 1.",
                    All(vec![NodeRole(A, Role::Candidate), NodeRole(B, Role::Candidate)]),
                )
                .nodes(&[A, B])
                .messages(&[RequestVote]),
                step(
                    SPLIT_VOTE_CAPTION,
                    SplitVote,
                )
                .nodes(&[A, B, C, D])
                .messages(&[RequestVote, RequestVoteReply]),
                step(
                    "Nobody wins term 1. Each candidate waits a fresh random timeout and campaigns again in a higher term; because the waits differ, one of them usually gets in first.",
                    LeaderElected,
                )
                .limit(3 * SECOND)
                .nodes(&[A, B]),
                step(SPLIT_VOTE_END_CAPTION, Nothing).nodes(&[SPLIT_VOTE_WINNER]),
            ],
        },
        Chapter {
            slug: "replication",
            title: "Log replication",
            config: three_servers(),
            steps: vec![
                step(
                    "A has been elected, and from now on every change must go through it.",
                    NodeRole(A, Role::Leader),
                )
                .nodes(&[A]),
                step(
                    "Client 1 sends SET 5 to A. A adds the command to its log as a new entry, but the entry is not committed yet, so A's value stays 0.",
                    EntryOn { node: A, index: 1 },
                )
                .act(submit(CLIENT1, A, Command::Set(5)))
                .nodes(&[A])
                .entries(&[(A, 1)])
                .messages(&[ClientRequest]),
                step(
                    "The entry travels to B and C with A's next heartbeat. As soon as a majority of the servers store it, it is committed: A applies it, its value becomes 5, and it replies to the client.",
                    All(vec![EntryCommittedOn { node: A, index: 1 }, ClientAnswered(CLIENT1)]),
                )
                .entries(&[(A, 1), (B, 1), (C, 1)])
                .messages(&[AppendEntries, AppendEntriesReply, ClientResponse]),
                step(
                    "The followers learn of the commit from A's following heartbeat and apply the entry as well. All three servers now agree on 5.",
                    All(vec![EntryCommittedEverywhere(1), ValueEverywhere(5)]),
                )
                .nodes(&[B, C])
                .messages(&[AppendEntries]),
                step(
                    "Client 1 now sends ADD 2. The same journey repeats, and every server ends up with 7.",
                    All(vec![ValueEverywhere(7), EntryCommittedEverywhere(2), ClientAnswered(CLIENT1)]),
                )
                .act(submit(CLIENT1, A, Command::Add(2)))
                .entries(&[(A, 2), (B, 2), (C, 2)])
                .messages(&[ClientRequest, AppendEntries, ClientResponse]),
            ],
        },
        Chapter {
            slug: "partition",
            title: "Network partitions",
            config: Config {
                cluster_size: 5,
                seed: 1,
                election_timeout_override: b_then_c_timeouts(),
                // Client 1's SET 3 must stay unanswered on B for the whole chapter: the client
                // waits long and never resends it elsewhere (it gives up instead).
                client_retry_timeout_us: 30 * SECOND,
                client_max_attempts: 1,
                ..Config::default()
            },
            steps: vec![
                step(
                    "Five servers, A to E. B won term 1 and leads all of them.",
                    All(vec![NodeRole(B, Role::Leader), TermAtLeast(1)]),
                )
                .nodes(&[B]),
                step(
                    "Now the network splits: A and B on one side, C, D and E on the other. B still believes it leads, but its heartbeats reach only A, and C, D and E hear nothing.",
                    NodeRole(C, Role::Candidate),
                )
                .act(Action::Partition(vec![vec![A, B], vec![C, D, E]]))
                .nodes(&[A, B, C, D, E])
                .messages(&[AppendEntries]),
                step(
                    "C times out first, moves to term 2 and wins the votes of D and E: three of five, a majority. The cluster now has two leaders, B in term 1 and C in term 2.",
                    All(vec![NodeRole(C, Role::Leader), TwoLeaders]),
                )
                .nodes(&[B, C])
                .messages(&[RequestVote, RequestVoteReply]),
                step(
                    "Client 1 sends SET 3 to B. B passes the entry on to A, but two servers out of five are no majority, so SET 3 stays uncommitted.",
                    All(vec![EntryOn { node: A, index: 1 }, After(400 * MS)]),
                )
                .act(submit(CLIENT1, B, Command::Set(3)))
                .nodes(&[B])
                .entries(&[(A, 1), (B, 1)]),
                step(
                    "Client 2 sends SET 8 to C. C gets it to D and E, three servers of five, so SET 8 is committed and client 2 gets its answer.",
                    All(vec![
                        EntryCommittedOn { node: C, index: 1 },
                        EntryCommittedOn { node: D, index: 1 },
                        EntryCommittedOn { node: E, index: 1 },
                        ClientAnswered(CLIENT2),
                    ]),
                )
                .act(submit(CLIENT2, C, Command::Set(8)))
                .nodes(&[C])
                .entries(&[(C, 1), (D, 1), (E, 1)]),
                // C's first message to reach B both ends B's leadership and repairs its log (one
                // AppendEntries does both), so this step shows the two together, and the next
                // step the same for A.
                step(
                    "Now we heal the network. C's next AppendEntries carries term 2: B steps down, throws away its uncommitted SET 3 and takes C's SET 8 instead.",
                    All(vec![NodeRole(B, Role::Follower), EntryOn { node: B, index: 1 }]),
                )
                .act(Action::Heal)
                .nodes(&[B, C])
                .entries(&[(B, 1)]),
                step(
                    "C's messages reach A too: A moves to term 2 and swaps its uncommitted SET 3 for SET 8. Every server now holds SET 8, and the logs agree again.",
                    All(vec![LogsMatch, ValueEverywhere(8)]),
                )
                .nodes(&[A])
                .entries(&[(A, 1)])
                .messages(&[AppendEntries]),
                step(
                    "That is Raft in short: a leader chosen by a majority and entries committed by a majority keep every server consistent, through crashes and partitions alike.",
                    Nothing,
                ),
            ],
        },
        Chapter {
            slug: "membership",
            title: "Membership changes",
            config: membership_servers(),
            steps: vec![
                step(
                    "A leads a cluster of three. The servers whose votes count form its configuration, here A, B, C.",
                    NodeRole(A, Role::Leader),
                )
                .nodes(&[A, B, C]),
                step(
                    "We add D, which starts with an empty log. It joins as a learner: A sends it the log, but D has no vote yet.",
                    All(vec![Member(D, crate::raft::Member::Learner), EntryOn { node: D, index: 1 }]),
                )
                .act(Action::AddServer(D))
                .nodes(&[D])
                .messages(&[AppendEntries]),
                step(
                    "D has caught up, so A moves to the joint configuration A, B, C → A, B, C, D. While it lasts, every election and every commit needs a majority of A, B, C and one of A, B, C, D.",
                    Configuration { reads: "A, B, C → A, B, C, D", committed: false },
                )
                .nodes(&[A, D]),
                step(
                    "Once the joint configuration is committed, A appends A, B, C, D alone. When that commits too, D is a full voter.",
                    Configuration { reads: "A, B, C, D", committed: true },
                )
                .nodes(&[D]),
                step(
                    "E joins the same way: learner, joint configuration, then A, B, C, D, E. With five servers, a majority is now three.",
                    Configuration { reads: "A, B, C, D, E", committed: true },
                )
                .act(Action::AddServer(E))
                .nodes(&[E]),
                step(
                    "Why not switch straight to A to E? Servers learn of it at different times: A, B (a majority of the old list) and C, D, E (one of the new) could elect two leaders in one term. Needing both majorities rules that out.",
                    Nothing,
                )
                .groups(&[&[A, B], &[C, D, E]]),
                step(
                    "Now we remove A, the leader. A still runs the change through A, B, C, D, E → B, C, D, E, and steps down once B, C, D, E is committed.",
                    All(vec![NodeRole(A, Role::Follower), Member(A, crate::raft::Member::None)]),
                )
                .act(Action::RemoveServer(A))
                .nodes(&[A]),
                step(
                    "With no more heartbeats, B times out first. It wins term 2 with three votes, a majority of B, C, D, E.",
                    NodeRole(B, Role::Leader),
                )
                .nodes(&[B])
                .messages(&[RequestVote, RequestVoteReply]),
                step(
                    "A keeps running but knows it was removed, so it never campaigns. Client 1's SET 5 goes to B and into the logs of B, C, D and E, not A. Committing it also commits the configuration before it.",
                    All(vec![
                        ClientAnswered(CLIENT1),
                        Configuration { reads: "B, C, D, E", committed: true },
                    ]),
                )
                .act(submit(CLIENT1, B, Command::Set(5)))
                .nodes(&[A, B])
                .messages(&[AppendEntries]),
                step(
                    "Scenarios show a removed server calling elections, and one-at-a-time changes electing two leaders in one term. Now try adding and removing servers yourself.",
                    Nothing,
                ),
            ],
        },
        Chapter {
            slug: "compaction",
            title: "Snapshots",
            config: Config {
                snapshot_threshold: 4,
                ..three_servers()
            },
            steps: vec![
                step(
                    "A leads B and C. Every command adds an entry to every log, and a real server cannot keep a log that grows for ever.",
                    NodeRole(A, Role::Leader),
                )
                .nodes(&[A]),
                step(
                    "C crashes. A and B are still a majority, so the cluster carries on without it.",
                    After(100 * MS),
                )
                .act(Action::Stop(C))
                .nodes(&[C]),
                step(
                    "Client 1 sends five commands. Once a server has applied four entries since its last snapshot, it writes down its state (the value, which command of each client it applied last, the configuration) and drops those entries: the snapshot stands for them (§7).",
                    All(vec![
                        EntryCommittedEverywhere(5),
                        SnapshotOn { node: A, index: 4 },
                        SnapshotOn { node: B, index: 4 },
                    ]),
                )
                .act(submit(CLIENT1, A, Command::Set(1)))
                .act(submit(CLIENT1, A, Command::Add(2)))
                .act(submit(CLIENT1, A, Command::Add(3)))
                .act(submit(CLIENT1, A, Command::Add(4)))
                .act(submit(CLIENT1, A, Command::Add(5)))
                .nodes(&[A, B])
                .limit(4 * SECOND),
                step(
                    "In the log table, A's and B's logs now start with a snapshot, ≤4, in place of entries 1 to 4. It keeps the index and term of the last entry it replaced, so the consistency check still works at its edge.",
                    Nothing,
                )
                .entries(&[(A, 5), (B, 5)]),
                step(
                    "C comes back with an empty log. A would send it entry 1, but A no longer has entry 1. So A sends its snapshot instead, in an InstallSnapshot message.",
                    SnapshotOn { node: C, index: 4 },
                )
                .act(Action::Restart(C))
                .nodes(&[A, C])
                .messages(&[InstallSnapshot]),
                step(
                    "C replaces its log with the snapshot and its value with the snapshot's. Entry 5 follows as usual, and all three servers hold 15 again.",
                    All(vec![EntryCommittedEverywhere(5), ValueEverywhere(15)]),
                )
                .nodes(&[C])
                .messages(&[AppendEntries]),
                step(
                    "In the sandbox every server takes a snapshot every 10 entries (Settings can change that). Stop a server, send a few commands, restart it, and watch InstallSnapshot bring it back.",
                    Nothing,
                ),
            ],
        },
        Chapter {
            slug: "reads",
            title: "Reading the value",
            config: reads_servers(),
            steps: vec![
                step(
                    "B leads five servers, and client 1's SET 5 is committed. Reading looks simple: ask the leader, it knows the value.",
                    All(vec![ClientAnswered(CLIENT1), ValueEverywhere(5)]),
                )
                .act(submit(CLIENT1, B, Command::Set(5)))
                .nodes(&[B]),
                step(
                    "But is the leader still the leader? The network splits, A and B on one side. C, D and E elect C in term 2, while B, hearing nothing, believes it still leads.",
                    All(vec![NodeRole(C, Role::Leader), TwoLeaders]),
                )
                .act(Action::Partition(vec![vec![A, B], vec![C, D, E]]))
                .nodes(&[B, C])
                .limit(3 * SECOND),
                step(
                    "Client 2 sets the value to 8 through C. C, D and E are a majority, so SET 8 is committed, and client 2 is told so.",
                    ClientAnswered(CLIENT2),
                )
                .act(submit(CLIENT2, C, Command::Set(8)))
                .nodes(&[C]),
                step(
                    "Now client 1 asks B for the value with GET. Answering from its own state, B would say 5, although SET 8 had already finished: a stale read. So B first notes its commit index and sends a round of heartbeats (this is ReadIndex): it may answer only once a majority replies.",
                    After(300 * MS),
                )
                .act(submit(CLIENT1, B, Command::Get))
                .nodes(&[B])
                .messages(&[AppendEntries, AppendEntriesReply]),
                step(
                    "Only A replies, two servers of five, so B never answers. Client 1 gives up waiting and tries the next server, C, which confirms its leadership with D and E and answers 8.",
                    ClientGot(CLIENT1, 8),
                )
                .nodes(&[C])
                .limit(3 * SECOND),
                step(
                    "A faster way is a lease: once a majority has answered a heartbeat, none of them will vote for anyone else for an election timeout, so the leader may answer at once until then. It trusts the servers' clocks; Settings lets you choose how GET is served.",
                    Nothing,
                ),
                step(
                    "The stale-read scenario shows what goes wrong when any server may answer at once. Now send GET yourself, and try cutting off the leader first.",
                    Nothing,
                ),
            ],
        },
    ]
}

/// Election timeouts for five servers: B times out first and leads term 1; cut off from B, C
/// times out before D and E and leads term 2. A never times out while B's heartbeats reach it.
fn b_then_c_timeouts() -> Vec<Option<(Time, Time)>> {
    vec![
        Some((330 * MS, 360 * MS)),
        Some((150 * MS, 160 * MS)),
        Some((250 * MS, 270 * MS)),
        Some((330 * MS, 360 * MS)),
        Some((330 * MS, 360 * MS)),
    ]
}

/// Five servers with [`b_then_c_timeouts`]; clients retry after half a second.
fn reads_servers() -> Config {
    Config {
        cluster_size: 5,
        seed: 1,
        election_timeout_override: b_then_c_timeouts(),
        ..Config::default()
    }
}

/// The seed that makes A and B collide in term 1 of the split-vote chapter (found by search; the
/// tour tests check the story it gives).
const SPLIT_VOTE_SEED: u64 = 16;
/// The winner after the split vote with [`SPLIT_VOTE_SEED`].
const SPLIT_VOTE_WINNER: NodeId = A;
const SPLIT_VOTE_CAPTION: &str = "A's request gets to C first and B's gets to D first, so C votes for A and D for B. Each candidate holds two votes, one short of a majority, and every vote of term 1 is spent.";
const SPLIT_VOTE_END_CAPTION: &str = "A times out first this time, wins term 2 with three votes, and the cluster has a leader again.";
