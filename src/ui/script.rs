//! A scripted run playing in the sandbox: a preset's timed actions, applied when the clock
//! reaches them, with its explanation and marks for the caption.

use crate::scenario::presets::{Mark, Preset};
use crate::sim::{Time, TimedAction, Words};

use super::engine::Engine;

/// A preset being played.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// The preset's slug, for URLs.
    pub slug: &'static str,
    /// The catalogue key of its explanation.
    pub explanation_key: String,
    /// Whether its safety switch is on (the rule broken).
    pub broken: bool,
    /// Whether the preset has a switch at all.
    pub has_switch: bool,
    marks: Vec<Mark>,
    actions: Vec<TimedAction>,
    /// How many actions have been applied.
    next: usize,
}

impl Script {
    /// The script of `preset`, with its switch on (`broken`) or off.
    pub fn new(preset: &Preset, broken: bool) -> Script {
        Script {
            slug: preset.slug,
            explanation_key: preset.explanation_key(),
            broken,
            has_switch: preset.switch.is_some(),
            marks: preset.marks.clone(),
            actions: preset.actions.clone(),
            next: 0,
        }
    }

    /// When the next scripted action is due, if any is left.
    pub fn next_due(&self) -> Option<Time> {
        self.actions.get(self.next).map(|a| a.at)
    }

    /// Applies the next action (the world's clock must have reached its time). A refusal is
    /// returned as the notice to give (`notice.script-refused`, naming the action): it means the
    /// script no longer fits the run, which only happens if the person changed it.
    pub fn apply_next(&mut self, engine: &mut Engine) -> Result<(), Words> {
        let Some(timed) = self.actions.get(self.next) else {
            return Ok(());
        };
        self.next += 1;
        engine.apply(timed.action.clone()).map_err(|e| {
            Words::new("notice.script-refused")
                .with("step", timed.action.words())
                .with("error", e.words())
        })
    }

    /// The catalogue key of the latest mark at or before `now`: what the run is showing at the
    /// moment.
    pub fn current_mark_key(&self, now: Time) -> Option<String> {
        let mark = self.marks.iter().rev().find(|m| m.at <= now)?;
        Some(format!("scenario.{}.{}", self.slug, mark.number))
    }

    /// Marks every action due at or before `now` as applied: after seeking or replaying recorded
    /// time, the timeline has already applied them.
    pub fn skip_to(&mut self, now: Time) {
        self.next = self.actions.partition_point(|a| a.at <= now);
    }

    /// Whether every scripted action has been applied.
    pub fn is_done(&self) -> bool {
        self.next >= self.actions.len()
    }
}
