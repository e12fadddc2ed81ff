//! The lesson recorder's core: a run of the sandbox (its configuration and the actions taken, at
//! their times) becomes a lesson whose steps replay it exactly. Each group of actions taken at
//! one instant starts a step that runs until the next group (`until after …`); the teacher then
//! writes the captions, may swap a step's stop for a condition that says what it waits for, and
//! adds questions. [`super::write`] turns the draft into the file.

use super::parse::DEFAULT_LIMIT_US;
use crate::i18n::Catalogue;
use crate::scenario::tour::{Chapter, Condition, Highlight, Step, StepAction};
use crate::sim::{Config, Time, TimedAction, Words, World};

/// The longest wait one recorded step covers; a longer quiet spell in the run becomes several
/// steps, as a step's limit may not pass 120 s.
const LONGEST_WAIT_US: Time = 100_000_000;
/// How much longer than its wait a recorded step may run before it gives up (it never needs to:
/// the wait is exact).
const LIMIT_MARGIN_US: Time = 1_000_000;

/// A lesson that replays the run `config` + `actions` up to `end` (virtual time): one step per
/// instant at which actions were taken (and one before the first, if it was not at time 0),
/// each running until the next. Captions start as the actions in words, in the teacher's
/// language (`words`, the page's catalogue), for the teacher to rewrite.
pub fn draft(
    title: &str,
    config: &Config,
    actions: &[TimedAction],
    end: Time,
    words: Option<&Catalogue>,
) -> Chapter {
    // The actions, grouped by the instant they were taken at.
    let mut groups: Vec<(Time, Vec<&TimedAction>)> = Vec::new();
    for action in actions {
        match groups.last_mut() {
            Some((at, group)) if *at == action.at => group.push(action),
            _ => groups.push((action.at, vec![action])),
        }
    }
    let mut steps = Vec::new();
    let first_at = groups.first().map_or(end, |g| g.0);
    if first_at > 0 || groups.is_empty() {
        push_steps(&mut steps, &[], first_at, words);
    }
    for (i, (at, group)) in groups.iter().enumerate() {
        let next = groups.get(i + 1).map_or(end.max(*at), |g| g.0);
        push_steps(&mut steps, group, next - at, words);
    }
    Chapter {
        slug: "lesson".to_string(),
        title: title.to_string(),
        config: config.clone(),
        steps,
    }
}

/// A step that takes `actions` and then waits `wait` (more steps, if the wait is very long).
fn push_steps(
    steps: &mut Vec<Step>,
    actions: &[&TimedAction],
    wait: Time,
    words: Option<&Catalogue>,
) {
    let caption = if actions.is_empty() {
        Words::new("lesson-draft.start").render(words)
    } else {
        let sentences: Vec<String> = actions
            .iter()
            .map(|a| sentence(a.action.words(), words))
            .collect();
        sentences.join(" ")
    };
    let step = |caption: String, actions: Vec<StepAction>, wait: Time| Step {
        caption,
        actions,
        // Even a wait of 0: the step ends once the instant's events have happened, as the run
        // went on from there.
        until: Condition::After(wait),
        limit_us: DEFAULT_LIMIT_US.max(wait + LIMIT_MARGIN_US),
        highlight: Highlight::default(),
        question: None,
        line: 0,
    };
    let actions = actions
        .iter()
        .map(|a| StepAction::Do(a.action.clone()))
        .collect();
    steps.push(step(caption, actions, wait.min(LONGEST_WAIT_US)));
    let mut left = wait.saturating_sub(LONGEST_WAIT_US);
    while left > 0 {
        let part = left.min(LONGEST_WAIT_US);
        let caption = Words::new("lesson-draft.wait").render(words);
        steps.push(step(caption, Vec::new(), part));
        left -= part;
    }
}

/// Whether the lesson replays the run exactly: the same trace at the end. It does unless the
/// teacher acted between two events of one instant (stepping event by event), which a lesson's
/// steps cannot express; the studio's preview says so.
pub fn replays(chapter: &Chapter, config: &Config, actions: &[TimedAction], end: Time) -> bool {
    let Ok(mut run) = World::replay(config.clone(), actions) else {
        return false;
    };
    run.advance_to(end);
    let last = chapter.steps.len().saturating_sub(1);
    chapter
        .world_at(last)
        .is_ok_and(|w| w.trace_hash() == run.trace_hash())
}

/// `words` as a sentence of a caption: capitalised, with its full stop (`lesson-draft.sentence`).
fn sentence(words: Words, catalogue: Option<&Catalogue>) -> String {
    let text = capitalised(&words.render(catalogue));
    Words::new("lesson-draft.sentence")
        .with("text", text)
        .render(catalogue)
}

/// The text with its first letter in capitals (for the scripts that have them).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
