//! The guided tour: the Raft story told as chapters of steps that run on the real simulator.
//!
//! Each [`Chapter`] is data, read from a lesson file (the built-in ones are `lessons/*.txt`; see
//! [`crate::scenario::lesson`]): a [`Config`] (seed and pinned election timeouts, so that the
//! servers the captions name are the ones that act) and a list of [`Step`]s. Entering a step applies its
//! actions (stop the leader, send a command, split the network); the world then runs until the
//! step's [`Condition`] holds or its time limit passes, and the tour pauses there for the reader.
//!
//! Because the world is deterministic, the state at "chapter C, step S" is a pure function of the
//! chapter: [`world_at`] rebuilds it from scratch, which is how going back and share links work.
//! The UI animates the run of a step frame by frame with [`TourRunner::advance`], which stops at
//! exactly the same instant as the instant replay does, so both paths give the same trace.
//!
//! Step numbers are counted from 0 throughout this module.

use crate::raft::{ClientId, Command, LogIndex, Member, MessageKind, NodeId, Role, Term};
use crate::scenario::lesson::{self, Question};
use crate::sim::{Action, ActionError, Config, ConfigError, OpOutcome, Time, Words, World};
use std::sync::{Arc, OnceLock};

/// What must be true for a step to be finished. Conditions about "every server" look only at
/// running servers, because a stopped server cannot take part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// Finished at once: the step only explains what is on screen.
    Nothing,
    /// This many microseconds of virtual time have passed since the step was entered, and
    /// every event of the instant they end at has happened.
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
        reads: String,
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
            // Once every event of that instant has happened too, as a recorded action at that
            // time comes after them (World::replay): a lesson recorded from a run replays it.
            Condition::After(us) => {
                let t = entered_at.saturating_add(*us);
                world.now() >= t && world.next_event_time().is_none_or(|e| e > t)
            }
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
    /// What the reader is looking at, in one to three friendly sentences. `*Stars*` around
    /// words emphasise them.
    pub caption: String,
    /// Applied, in order, when the step is entered.
    pub actions: Vec<StepAction>,
    /// The step is finished when this holds...
    pub until: Condition,
    /// ...or when this much virtual time has passed since it was entered, whichever is first.
    pub limit_us: Time,
    /// What to emphasise.
    pub highlight: Highlight,
    /// A question asked before the step runs, answered by what the step shows.
    pub question: Option<Question>,
    /// The line of the lesson file where the step begins (0 when not read from a file), so
    /// that an error in the step can point at it.
    pub line: usize,
}

/// One chapter of the tour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// Stable identifier used in URLs (`?tour=partition`).
    pub slug: String,
    /// Title shown in the chapter list.
    pub title: String,
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
        chapter: String,
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

impl TourError {
    /// Why, as the catalogue's words (`tour-error.*`). Steps are counted from 1, as people,
    /// URLs and the tour panel count them.
    pub fn words(&self) -> Words {
        match self {
            TourError::UnknownChapter(s) => {
                Words::new("tour-error.unknown-chapter").with("chapter", s.as_str())
            }
            TourError::StepOutOfRange {
                chapter,
                step,
                steps,
            } => Words::new("tour-error.no-such-step")
                .with("chapter", chapter.as_str())
                .with("steps", *steps)
                .with("step", step + 1),
            TourError::Config(e) => Words::new("tour-error.config").with("error", e.words()),
            TourError::NoLeader { step } => {
                Words::new("tour-error.no-leader").with("step", step + 1)
            }
            TourError::Action { step, error } => Words::new("tour-error.action")
                .with("step", step + 1)
                .with("error", error.words()),
        }
    }
}

crate::sim::words::english_error!(TourError);

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
        self.steps
            .get(step)
            .ok_or_else(|| TourError::StepOutOfRange {
                chapter: self.slug.clone(),
                step,
                steps: self.steps.len(),
            })
    }

    /// Applies the actions of step `step` to `world` at its current time and returns that
    /// time, when the step's clock starts.
    pub fn enter_step(&self, step: usize, world: &mut World) -> Result<Time, TourError> {
        for a in &self.check_step(step)?.actions {
            let action = a.resolve(world).ok_or(TourError::NoLeader { step })?;
            world
                .apply(action)
                .map_err(|error| TourError::Action { step, error })?;
        }
        Ok(world.now())
    }

    /// The world at the end of step `step`: a fresh world with steps `0..=step` entered and run
    /// to their conditions (or limits). Deterministic, so calling it twice gives the same trace.
    pub fn world_at(&self, step: usize) -> Result<World, TourError> {
        self.check_step(step)?;
        let mut world = self.fresh_world()?;
        for i in 0..=step {
            let entered_at = self.enter_step(i, &mut world)?;
            self.steps[i].finish(entered_at, &mut world);
        }
        Ok(world)
    }
}

impl Step {
    /// The virtual time at which a step entered at `entered_at` gives up waiting.
    pub fn deadline(&self, entered_at: Time) -> Time {
        entered_at.saturating_add(self.limit_us)
    }

    /// The step's status in `world`, for a step entered at `entered_at`.
    pub fn status(&self, world: &World, entered_at: Time) -> StepStatus {
        if self.until.holds(world, entered_at) {
            StepStatus::Done
        } else if world.now() >= self.deadline(entered_at) {
            StepStatus::TimedOut
        } else {
            StepStatus::Running
        }
    }

    /// Runs `world` towards virtual time `to` (capped at the step's deadline), stopping at the
    /// first instant the condition holds. The condition is checked before every event and at
    /// every time threshold it names, so the stopping point does not depend on how the caller
    /// slices time into frames.
    pub fn advance(&self, entered_at: Time, world: &mut World, to: Time) -> StepStatus {
        let cond = &self.until;
        let to = to.min(self.deadline(entered_at));
        loop {
            if cond.holds(world, entered_at) {
                return StepStatus::Done;
            }
            let now = world.now();
            let threshold = cond.next_threshold(entered_at, now);
            let next_event = world.next_event_time();
            match (next_event, threshold) {
                // A time threshold comes strictly before the next event: move the clock there.
                (e, Some(t)) if t <= to && e.is_none_or(|e| t < e) => world.advance_to(t),
                (Some(e), _) if e <= to => {
                    world.step();
                }
                _ => {
                    world.advance_to(to);
                    return self.status(world, entered_at);
                }
            }
        }
    }

    /// Runs the step to its end at once (condition or deadline).
    pub fn finish(&self, entered_at: Time, world: &mut World) -> StepStatus {
        self.advance(entered_at, world, self.deadline(entered_at))
    }
}

/// Runs one step of a chapter against a world the caller owns. The UI keeps one per step: it
/// enters the step, calls [`TourRunner::advance`] each animation frame with the virtual time it
/// wants to reach, and stops animating when the status is no longer `Running`. The runner shares
/// its chapter, so a lesson loaded at run time lives as long as someone plays it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourRunner {
    chapter: Arc<Chapter>,
    step: usize,
    entered_at: Time,
}

impl TourRunner {
    /// Enters step `step` of `chapter` in `world`: applies the step's actions at the world's
    /// current time and starts its clock. `world` should be the world at the end of the step
    /// before (or a fresh world for step 0), as [`TourRunner::start_in`] provides.
    pub fn enter(
        chapter: &Arc<Chapter>,
        step: usize,
        world: &mut World,
    ) -> Result<TourRunner, TourError> {
        let entered_at = chapter.enter_step(step, world)?;
        Ok(TourRunner {
            chapter: Arc::clone(chapter),
            step,
            entered_at,
        })
    }

    /// Opens built-in chapter `slug` at step `step`, ready to animate: returns the runner and
    /// the world at the end of the previous step with this step just entered.
    pub fn start(slug: &str, step: usize) -> Result<(TourRunner, World), TourError> {
        let chapter = chapter(slug).ok_or_else(|| TourError::UnknownChapter(slug.to_string()))?;
        TourRunner::start_in(chapter, step)
    }

    /// Like [`TourRunner::start`], for any chapter (a lesson loaded at run time, or a variant
    /// built by a test).
    pub fn start_in(chapter: &Arc<Chapter>, step: usize) -> Result<(TourRunner, World), TourError> {
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
    pub fn next(&self, world: &mut World) -> Option<Result<TourRunner, TourError>> {
        if self.step + 1 >= self.chapter.steps.len() {
            return None;
        }
        self.finish(world);
        Some(TourRunner::enter(&self.chapter, self.step + 1, world))
    }

    /// Goes back one step: the runner and world of the previous step, rebuilt from scratch and
    /// entered but not run, ready to animate again. `None` at the first step.
    pub fn back(&self) -> Option<Result<(TourRunner, World), TourError>> {
        let prev = self.step.checked_sub(1)?;
        Some(TourRunner::start_in(&self.chapter, prev))
    }

    /// The chapter.
    pub fn chapter(&self) -> &Arc<Chapter> {
        &self.chapter
    }

    /// The step number, from 0.
    pub fn step_index(&self) -> usize {
        self.step
    }

    /// The step's data (caption, highlight, condition, limit, question).
    pub fn step(&self) -> &Step {
        &self.chapter.steps[self.step]
    }

    /// The step's caption.
    pub fn caption(&self) -> &str {
        &self.step().caption
    }

    /// What to emphasise during the step.
    pub fn highlight(&self) -> &Highlight {
        &self.step().highlight
    }

    /// The virtual time the step was entered at.
    pub fn entered_at(&self) -> Time {
        self.entered_at
    }

    /// The virtual time at which the step gives up waiting for its condition.
    pub fn deadline(&self) -> Time {
        self.step().deadline(self.entered_at)
    }

    /// Whether the step's condition holds in `world`.
    pub fn is_step_done(&self, world: &World) -> bool {
        self.step().until.holds(world, self.entered_at)
    }

    /// The step's status in `world`.
    pub fn status(&self, world: &World) -> StepStatus {
        self.step().status(world, self.entered_at)
    }

    /// Runs `world` towards virtual time `to`; see [`Step::advance`].
    pub fn advance(&self, world: &mut World, to: Time) -> StepStatus {
        self.step().advance(self.entered_at, world, to)
    }

    /// Runs the step to its end at once (condition or deadline), for skipping the animation.
    pub fn finish(&self, world: &mut World) -> StepStatus {
        self.step().finish(self.entered_at, world)
    }
}

/// Every built-in chapter this build has compiled in (all natively, none in the browser, which
/// fetches them: see [`lesson::TOUR`]), in reading order.
pub fn chapters() -> &'static [Arc<Chapter>] {
    static CHAPTERS: OnceLock<Vec<Arc<Chapter>>> = OnceLock::new();
    CHAPTERS.get_or_init(|| lesson::compiled_in().into_iter().map(Arc::new).collect())
}

/// The built-in chapter with this slug.
pub fn chapter(slug: &str) -> Option<&'static Arc<Chapter>> {
    chapters().iter().find(|c| c.slug == slug)
}

/// The world of chapter `slug` at the end of step `step` (from 0); see [`Chapter::world_at`].
pub fn world_at(slug: &str, step: usize) -> Result<World, TourError> {
    chapter(slug)
        .ok_or_else(|| TourError::UnknownChapter(slug.to_string()))?
        .world_at(step)
}
