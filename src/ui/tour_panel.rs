//! The guided tour's panel: chapter menu, the step's caption, Back and Next, restart, and "Try it
//! yourself", which hands the cluster over to the sandbox exactly as it is.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::scenario::tour::{self, StepStatus};

use super::sandbox::{Sandbox, UiCommand};

fn emit(dispatch: &Callback<UiCommand>, command: UiCommand) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.emit(command.clone()))
}

/// The panel, when the tour is open.
pub fn tour_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let Some(runner) = sandbox.tour() else {
        return Html::default();
    };
    let chapter = runner.chapter();
    let chapters = tour::chapters();
    let step = runner.step_index();
    let steps = chapter.steps.len();
    let chapter_index = chapters
        .iter()
        .position(|c| c.slug == chapter.slug)
        .unwrap_or(0);
    let at_start = chapter_index == 0 && step == 0;
    let at_end = chapter_index + 1 == chapters.len() && step + 1 == steps;
    let status = sandbox.tour_status();
    let (status_word, status_text) = match status {
        StepStatus::Running => ("running", "Watch the cluster…"),
        StepStatus::Done => ("done", "Done: press Next (→) when you are ready."),
        StepStatus::TimedOut => (
            "timed-out",
            "This took longer than expected; press Next to go on.",
        ),
    };
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
    html! {
        <section class={classes!("panel", "tour-panel", format!("tour-{status_word}"))} data-testid="tour"
                 data-chapter={chapter.slug} data-step={(step + 1).to_string()}
                 data-steps={chapter.steps.len().to_string()} data-status={status_word}
                 aria-label="Guided tour">
            <div class="tour-head">
                <label class="field inline">
                    <span class="visually-hidden">{ "Chapter" }</span>
                    <select data-testid="tour-chapter" onchange={choose} aria-label="Chapter">
                        { for chapters.iter().enumerate().map(|(i, c)| html! {
                            <option value={c.slug} selected={c.slug == chapter.slug}>{ format!("{}. {}", i + 1, c.title) }</option>
                        }) }
                    </select>
                </label>
                <span class="tour-progress" data-testid="tour-progress">{ format!("Step {} of {steps}", step + 1) }</span>
            </div>
            <p class="tour-caption" data-testid="tour-caption" aria-live="polite">{ runner.caption() }</p>
            <div class="tour-foot">
                <span class="tour-status" role="status">{ status_text }</span>
                <div class="button-row">
                    <button class="btn" data-testid="tour-back" disabled={at_start}
                            onclick={emit(dispatch, UiCommand::TourBack)} title="Previous step (←)">{ "◂ Back" }</button>
                    <button class={classes!("btn", "primary", (status != StepStatus::Running).then_some("pulse"))}
                            data-testid="tour-next" disabled={at_end && status != StepStatus::Running}
                            onclick={emit(dispatch, UiCommand::TourNext)} title="Next step (→)">
                        { if status == StepStatus::Running { "Skip ▸" } else { "Next ▸" } }
                    </button>
                    <button class="btn" data-testid="tour-restart" onclick={emit(dispatch, UiCommand::TourRestart)}>{ "Restart chapter" }</button>
                    <button class="btn" data-testid="tour-try" onclick={emit(dispatch, UiCommand::TryItYourself)}
                            title="Leave the tour and carry on from here in the sandbox">{ "Try it yourself" }</button>
                </div>
            </div>
        </section>
    }
}

/// The panel of a preset scenario being played.
pub fn scenario_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let Some(script) = sandbox.script() else {
        return Html::default();
    };
    let now = sandbox.world().now();
    let mark = script
        .current_mark(now)
        .map(|m| m.text)
        .unwrap_or("The script is about to start.");
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
        <section class="panel tour-panel scenario-panel" data-testid="scenario" data-scenario={script.slug}
                 data-broken={script.broken.to_string()} aria-label="Scenario">
            <div class="tour-head">
                <strong>{ script.title }</strong>
                if script.has_switch {
                    <span class={classes!("badge", if script.broken { "badge-danger" } else { "badge-ok" })}>
                        { if script.broken { "rule switched off" } else { "rule kept" } }
                    </span>
                }
            </div>
            <p class="hint">{ script.explanation }</p>
            <p class="tour-caption" data-testid="scenario-caption" aria-live="polite">{ mark }</p>
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
