//! The guided tour's panel: chapter menu, the step's caption, Back and Next, restart, and "Try it
//! yourself", which hands the cluster over to the sandbox exactly as it is.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::words_markup;

use crate::scenario::lesson::{self, Answer, Given};
use crate::scenario::tour::StepStatus;
use crate::ui::engine::Reply;

use super::sandbox::{Sandbox, UiCommand};

fn emit(dispatch: &Callback<UiCommand>, command: UiCommand) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.emit(command.clone()))
}

/// The "More"/"Less" switch of a caption. Only a small frame shows it (see main.css): there the
/// caption is cut to its first lines so that the cluster keeps its room.
fn caption_switch(caption_open: &UseStateHandle<bool>) -> Html {
    let open = **caption_open;
    let toggle = {
        let caption_open = caption_open.clone();
        Callback::from(move |_: MouseEvent| caption_open.set(!open))
    };
    html! {
        <button class="btn small caption-switch" data-testid="caption-switch" onclick={toggle}
                aria-expanded={open.to_string()}>{ if open { "Less" } else { "More" } }</button>
    }
}

/// A caption's text with `*stars*` around words shown as emphasis.
fn emphasised(text: &str) -> Html {
    if !text.contains('*') {
        return Html::from(text.to_string());
    }
    let parts: Vec<&str> = text.split('*').collect();
    // An odd star out stays a star: only pairs emphasise.
    let pairs = parts.len() % 2 == 1;
    html! { <>{ for parts.iter().enumerate().map(|(i, part)| {
        if i % 2 == 1 && pairs {
            html! { <em>{ part.to_string() }</em> }
        } else if i > 0 && !pairs {
            Html::from(format!("*{part}"))
        } else {
            Html::from(part.to_string())
        }
    }) }</> }
}

/// The step's question: the answers to pick from (choices, or the servers) while it waits, the
/// reader's answer while the step runs, and the verdict with the explanation once it is done.
fn question_box(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let Some(step) = sandbox.tour_step() else {
        return Html::default();
    };
    let Some(question) = &step.runner.step().question else {
        return Html::default();
    };
    let running = step.status == StepStatus::Running;
    if step.answer.is_none() && running {
        let answers: Vec<(String, Given)> = match &question.answer {
            Answer::Choices(choices) => choices
                .iter()
                .enumerate()
                .map(|(i, c)| (c.text.clone(), Given::Choice(i)))
                .collect(),
            Answer::Server(_) => sandbox
                .world()
                .nodes()
                .iter()
                .map(|n| (n.id().name(), Given::Server(n.id())))
                .collect(),
        };
        return html! {
            <div class="button-row question-choices" data-testid="tour-question" role="group" aria-label="Answers">
                { for answers.into_iter().map(|(text, given)| {
                    let dispatch = dispatch.clone();
                    html! {
                        <button class="btn" data-testid="question-answer"
                                onclick={move |_: MouseEvent| dispatch.emit(UiCommand::Answer(given))}>{ text }</button>
                    }
                }) }
            </div>
        };
    }
    let said = |given| match (given, &question.answer) {
        (Given::Choice(i), Answer::Choices(choices)) => {
            choices.get(i).map(|c| c.text.clone()).unwrap_or_default()
        }
        (Given::Server(node), _) => node.name(),
        _ => String::new(),
    };
    let right_answer = || question.right_answer_text(sandbox.world(), step.runner.entered_at());
    // (the verdict's kind, its mark and words)
    let (kind, text) = match step.answer {
        Some(Reply::Given(given, _)) if running => (
            "",
            format!("You answered {}. Watch what happens…", said(given)),
        ),
        _ if running => ("", "Watch what happens…".to_string()),
        Some(Reply::Given(given, true)) => ("true", format!("✓ Right: {}. ", said(given))),
        Some(Reply::Given(given, false)) => (
            "false",
            format!(
                "✗ Not quite: you answered {}, and the answer is {}. ",
                said(given),
                right_answer()
            ),
        ),
        _ => ("skipped", format!("The answer: {}. ", right_answer())),
    };
    let done = !kind.is_empty();
    html! {
        <div class="tour-question" data-testid="tour-question">
            <p class="question-text">{ "Question: " }{ question.text.clone() }</p>
            <p class="question-verdict" data-testid={done.then_some("question-verdict")}
               data-right={done.then_some(kind)} role="status" tabindex="0">
                { text }{ if done { question.explain.clone() } else { String::new() } }
            </p>
        </div>
    }
}

/// The panel, when the tour is open.
pub fn tour_panel(
    sandbox: &Sandbox,
    dispatch: &Callback<UiCommand>,
    caption_open: &UseStateHandle<bool>,
) -> Html {
    let Some(runner) = sandbox.tour() else {
        return Html::default();
    };
    let chapter = runner.chapter();
    // A built-in chapter is one of the tour's; a teacher's lesson stands alone.
    let position = sandbox.tour_position();
    let lesson_only = [(chapter.slug.as_str(), chapter.title.as_str())];
    let chapters: &[(&str, &str)] = if position.is_some() {
        &lesson::TOUR
    } else {
        &lesson_only
    };
    let chapter_index = position.unwrap_or(0);
    let step = runner.step_index();
    let steps = chapter.steps.len();
    let at_start = chapter_index == 0 && step == 0;
    let at_end = chapter_index + 1 == chapters.len() && step + 1 == steps;
    let status = sandbox.tour_status();
    let asking = sandbox.tour_awaits_answer();
    let (status_word, status_key) = match status {
        StepStatus::Running if asking => ("asking", "ui.tour-asking"),
        StepStatus::Running => ("running", "ui.tour-running"),
        StepStatus::Done if at_end => ("done", "ui.tour-end"),
        StepStatus::Done => ("done", "ui.tour-done"),
        StepStatus::TimedOut => ("timed-out", "ui.tour-timed-out"),
    };
    let status_text = super::say(sandbox.words(), status_key);
    let choose = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.emit(UiCommand::StartTour {
                chapter: select.value(),
                step: 0,
            });
        })
    };
    // The buttons keep their places whatever the status says: the status has a line of its own,
    // and Next and Skip share one button of a fixed width.
    html! {
        <section class={classes!("panel", "tour-panel", format!("tour-{status_word}"),
                                 (!**caption_open).then_some("caption-folded"))} data-testid="tour"
                 data-chapter={chapter.slug.clone()} data-step={(step + 1).to_string()}
                 data-steps={chapter.steps.len().to_string()} data-status={status_word}
                 aria-label="Guided tour">
            <div class="tour-head">
                <label class="field inline tour-chapter">
                    <span class="visually-hidden">{ "Chapter" }</span>
                    <select data-testid="tour-chapter" onchange={choose} aria-label="Chapter">
                        { for chapters.iter().enumerate().map(|(i, (id, title))| html! {
                            <option value={id.to_string()} selected={i == chapter_index}>{ format!("{}. {title}", i + 1) }</option>
                        }) }
                    </select>
                </label>
                <span class="tour-progress" data-testid="tour-progress">{ format!("Step {} of {steps}", step + 1) }</span>
            </div>
            <div class="tour-text">
                <span class="tour-count" aria-hidden="true">{ format!("{}/{steps}", step + 1) }</span>
                // A question comes before the caption: the caption tells what happened.
                if asking {
                    <p class="tour-caption tour-ask" data-testid="tour-question-text" aria-live="polite">
                        <strong>{ "Question: " }</strong>
                        { runner.step().question.as_ref().map(|q| q.text.clone()).unwrap_or_default() }
                    </p>
                } else {
                    <p class="tour-caption" data-testid="tour-caption" aria-live="polite">{ emphasised(runner.caption()) }</p>
                }
                { caption_switch(caption_open) }
            </div>
            { question_box(sandbox, dispatch) }
            <p class="tour-status" data-testid="tour-status" role="status">{ status_text }</p>
            <div class="button-row tour-buttons">
                <button class="btn" data-testid="tour-back" disabled={at_start}
                        onclick={emit(dispatch, UiCommand::TourBack)} title="Go back to the previous step of the story (←)">
                    { words_markup(sandbox.words(), "ui.tour-previous") }
                </button>
                <button class={classes!("btn", "primary", "tour-next", (status != StepStatus::Running).then_some("pulse"))}
                        data-testid="tour-next" disabled={at_end && status != StepStatus::Running}
                        onclick={emit(dispatch, UiCommand::TourNext)}
                        title={if status == StepStatus::Running { "Jump to the end of this step (→)" } else { "Go on with the story (→)" }}>
                    { words_markup(sandbox.words(), if status == StepStatus::Running { "ui.tour-skip" } else { "ui.tour-next" }) }
                </button>
                <button class="btn" data-testid="tour-restart" onclick={emit(dispatch, UiCommand::TourRestart)}
                        title="Start this chapter again">{ words_markup(sandbox.words(), "ui.tour-restart") }</button>
                <button class="btn" data-testid="tour-try" onclick={emit(dispatch, UiCommand::TryItYourself)}
                        title="Leave the tour and carry on from here in the sandbox">{ "Try it yourself" }</button>
            </div>
        </section>
    }
}

/// The panel of a preset scenario being played.
pub fn scenario_panel(
    sandbox: &Sandbox,
    dispatch: &Callback<UiCommand>,
    caption_open: &UseStateHandle<bool>,
) -> Html {
    let Some(script) = sandbox.script() else {
        return Html::default();
    };
    let now = sandbox.world().now();
    // The story's words come from the catalogue, fetched when the scenario opened.
    let words = |key: Option<String>, otherwise: &'static str| -> String {
        match (sandbox.words(), key) {
            (Some(words), Some(key)) => words.get(&key).unwrap_or(otherwise).to_string(),
            (None, Some(_)) => "…".to_string(),
            (_, None) => otherwise.to_string(),
        }
    };
    let mark = words(
        script.current_mark_key(now),
        "The script is about to start.",
    );
    let explanation = words(Some(script.explanation_key.clone()), "");
    let slug = script.slug.to_string();
    let reload = |broken: bool| {
        emit(
            dispatch,
            UiCommand::LoadPreset {
                slug: slug.clone(),
                broken,
            },
        )
    };
    html! {
        <section class={classes!("panel", "tour-panel", "scenario-panel", (!**caption_open).then_some("caption-folded"))}
                 data-testid="scenario" data-scenario={script.slug}
                 data-broken={script.broken.to_string()} aria-label="Scenario">
            <div class="tour-head">
                <strong>{ script.title }</strong>
                if script.has_switch {
                    <span class={classes!("badge", if script.broken { "badge-danger" } else { "badge-ok" })}>
                        { if script.broken { "rule switched off" } else { "rule kept" } }
                    </span>
                }
            </div>
            <div class="tour-text">
                <div class="scenario-text">
                    <p class="hint scenario-explanation">{ explanation }</p>
                    <p class="tour-caption" data-testid="scenario-caption" aria-live="polite">{ mark }</p>
                </div>
                { caption_switch(caption_open) }
            </div>
            <div class="button-row">
                if script.has_switch {
                    <button class="btn" data-testid="scenario-toggle" onclick={reload(!script.broken)}>
                        { if script.broken { "Run it again with the rule kept" } else { "Run it again with the rule off" } }
                    </button>
                }
                <button class="btn" data-testid="scenario-restart" onclick={reload(script.broken)}>{ "Restart" }</button>
                <button class="btn" data-testid="scenario-close" onclick={emit(dispatch, UiCommand::ClosePreset)}>{ "Close" }</button>
            </div>
        </section>
    }
}
