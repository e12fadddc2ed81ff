//! What drives the world the page shows: a recording timeline in the sandbox, or the tour's
//! runner during a tour step.

use crate::scenario::lesson::Given;
use crate::scenario::tour::{StepStatus, TourRunner};
use crate::sim::timeline::{Timeline, TimelineOptions};
use crate::sim::{Action, ActionError, Config, ConfigError, Time, Words, World};

/// How many trace events a world keeps. The event list shows the most recent ones; older ones
/// are not needed to draw the present.
pub const TRACE_RETENTION: usize = 4_000;

/// The sandbox's timeline options: the trace retention above, defaults otherwise.
pub fn timeline_options() -> TimelineOptions {
    TimelineOptions {
        trace_retention: Some(TRACE_RETENTION),
        ..TimelineOptions::default()
    }
}

/// A fresh sandbox timeline for `config`.
pub fn new_timeline(config: Config) -> Result<Timeline, ConfigError> {
    Timeline::with_options(config, timeline_options())
}

/// A step of the guided tour in progress.
#[derive(Clone, Debug)]
pub struct TourStep {
    /// The step's runner (chapter, step, caption, condition).
    pub runner: TourRunner,
    /// The world, advanced only by the runner so that it freezes when the step is done.
    pub world: World,
    /// Whether the step is still running.
    pub status: StepStatus,
    /// The reader's reply to the step's question; until there is one, a step with a question
    /// waits before it runs.
    pub answer: Option<Reply>,
}

/// What the reader did with a step's question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Went on without answering (Next): the step runs and the answer is shown.
    Skipped,
    /// Answered this, rightly or not.
    Given(Given, bool),
}

impl TourStep {
    /// A step just entered: running, nothing answered yet.
    pub fn new(runner: TourRunner, world: World) -> TourStep {
        TourStep {
            runner,
            world,
            status: StepStatus::Running,
            answer: None,
        }
    }

    /// Whether the step asks a question that has not been answered, so it does not run yet.
    pub fn awaits_answer(&self) -> bool {
        self.answer.is_none() && self.runner.step().question.is_some()
    }
}

/// The source of the world on screen.
#[derive(Clone, Debug)]
pub enum Engine {
    /// The sandbox: a timeline that records everything, so it can step back, scrub and fork.
    Timeline(Box<Timeline>),
    /// A tour step.
    Tour(Box<TourStep>),
}

impl Engine {
    /// The world as it is now.
    pub fn world(&self) -> &World {
        match self {
            Engine::Timeline(t) => t.world(),
            Engine::Tour(t) => &t.world,
        }
    }

    /// The timeline, in the sandbox.
    pub fn timeline(&self) -> Option<&Timeline> {
        match self {
            Engine::Timeline(t) => Some(t),
            Engine::Tour(_) => None,
        }
    }

    /// The timeline, in the sandbox, for seeking.
    pub fn timeline_mut(&mut self) -> Option<&mut Timeline> {
        match self {
            Engine::Timeline(t) => Some(t),
            Engine::Tour(_) => None,
        }
    }

    /// The tour step, during the tour.
    pub fn tour(&self) -> Option<&TourStep> {
        match self {
            Engine::Tour(t) => Some(t),
            Engine::Timeline(_) => None,
        }
    }

    /// Applies an action now (in the sandbox, forking if the timeline is in the past).
    pub fn apply(&mut self, action: Action) -> Result<(), ActionError> {
        match self {
            Engine::Timeline(t) => t.apply(action),
            Engine::Tour(t) => t.world.apply(action),
        }
    }

    /// Runs to virtual time `to`. During the tour the step's condition stops it early.
    pub fn advance_to(&mut self, to: Time) {
        match self {
            Engine::Timeline(t) => t.advance_to(to),
            Engine::Tour(t) if t.awaits_answer() => {}
            Engine::Tour(t) => t.status = t.runner.advance(&mut t.world, to),
        }
    }

    /// Processes the next event.
    pub fn step(&mut self) -> Option<Time> {
        match self {
            Engine::Timeline(t) => t.step(),
            Engine::Tour(t) => {
                let next = t.world.next_event_time()?;
                if t.status != StepStatus::Running || t.awaits_answer() {
                    return None;
                }
                t.status = t.runner.advance(&mut t.world, next);
                Some(next)
            }
        }
    }

    /// Turns a tour step into a sandbox timeline that carries on from exactly the same moment:
    /// the tour world's recorded actions are replayed (deterministically) into a timeline.
    pub fn into_timeline(self) -> Result<Engine, Words> {
        match self {
            Engine::Timeline(_) => Ok(self),
            Engine::Tour(step) => {
                let world = step.world;
                let mut timeline = Timeline::from_run_with(
                    world.initial_config().clone(),
                    &world.actions().to_vec(),
                    timeline_options(),
                )
                .map_err(|e| Words::new("notice.tour-handover").with("error", e.words()))?;
                timeline.advance_to(world.now());
                Ok(Engine::Timeline(Box::new(timeline)))
            }
        }
    }
}
