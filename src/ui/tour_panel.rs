//! The guided tour's panel: chapter menu, the step's caption, Back and Next, restart, and "Try it
//! yourself", which hands the cluster over to the sandbox exactly as it is.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::controls::option;
use super::event_list::{command_of, data_of, escape, markup, on_command, say_with};
use super::{say, words_markup};

use crate::scenario::lesson::{self, Answer, Given};
use crate::scenario::tour::StepStatus;
use crate::ui::engine::Reply;

use super::sandbox::{Sandbox, UiCommand};

/// The "More"/"Less" switch of a caption. Only a small frame shows it (see main.css): there the
/// caption is cut to its first lines so that the cluster keeps its room.
fn caption_switch(sandbox: &Sandbox, caption_open: &UseStateHandle<bool>) -> Html {
    let open = **caption_open;
    let toggle = {
        let caption_open = caption_open.clone();
        Callback::from(move |_: MouseEvent| caption_open.set(!open))
    };
    html! {
        <button class="btn small caption-switch" data-testid="caption-switch" onclick={toggle}
                aria-expanded={open.to_string()}>{ say(sandbox.words(), if open { "ui.less" } else { "ui.more" }) }</button>
    }
}

/// The class of a caption cut to its first lines (see [`caption_switch`]), or nothing.
fn folded(caption_open: &UseStateHandle<bool>) -> &'static str {
    if **caption_open {
        ""
    } else {
        " caption-folded"
    }
}

/// A caption's text with `*stars*` around words shown as emphasis, as markup (a caption is a
/// lesson's words, so each part is escaped).
fn emphasised(text: &str) -> String {
    let parts: Vec<&str> = text.split('*').collect();
    // An odd star out stays a star: only pairs emphasise.
    let pairs = parts.len() % 2 == 1;
    let mut caption = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && pairs {
            caption = caption + "<em>" + &escape(part) + "</em>";
        } else {
            if i > 0 && !pairs {
                caption.push('*');
            }
            caption += &escape(part);
        }
    }
    caption
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
    let words = sandbox.words();
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
        // The answers, as markup: one listener reads which was clicked from its place.
        let buttons: String = answers
            .iter()
            .enumerate()
            .map(|(i, (text, _))| {
                format!(
                    "<button class=\"btn\" data-testid=\"question-answer\" data-answer=\"{i}\">{}</button>",
                    escape(text)
                )
            })
            .collect();
        let given: Vec<Given> = answers.into_iter().map(|(_, given)| given).collect();
        let on_answer = {
            let dispatch = dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                let chosen = data_of(&e, "data-answer").parse::<usize>().ok();
                if let Some(&given) = chosen.and_then(|i| given.get(i)) {
                    dispatch.emit(UiCommand::Answer(given));
                }
            })
        };
        return html! {
            <div class="button-row question-choices" data-testid="tour-question" role="group"
                 aria-label={say(words, "ui.answers")} onclick={on_answer}>
                { markup(buttons) }
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
    // (the verdict's kind, and its catalogue entry with the answers it names)
    let (kind, key, given, right) = match step.answer {
        Some(Reply::Given(given, _)) if running => ("", "ui.answered", said(given), String::new()),
        _ if running => ("", "ui.watch", String::new(), String::new()),
        Some(Reply::Given(given, true)) => ("true", "ui.right", said(given), String::new()),
        Some(Reply::Given(given, false)) => ("false", "ui.not-quite", said(given), right_answer()),
        _ => ("skipped", "ui.the-answer", String::new(), right_answer()),
    };
    let verdict = say_with(words, key, &[("given", &given), ("answer", &right)]);
    let done = !kind.is_empty();
    // Once the step is done, the explanation follows the verdict.
    let text = if done {
        format!("{verdict} {}", question.explain)
    } else {
        verdict
    };
    html! {
        <div class="tour-question" data-testid="tour-question">
            <p class="question-text">{ say_with(words, "ui.question-line", &[("question", &question.text)]) }</p>
            <p class="question-verdict" data-testid={done.then_some("question-verdict")}
               data-right={done.then_some(kind)} role="status" tabindex="0">
                { text }
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
    let words = sandbox.words();
    let chapter_count = if position.is_some() {
        lesson::TOUR.len()
    } else {
        1
    };
    let chapter_index = position.unwrap_or(0);
    let step = runner.step_index();
    let steps = chapter.steps.len();
    let at_start = chapter_index == 0 && step == 0;
    let at_end = chapter_index + 1 == chapter_count && step + 1 == steps;
    let status = sandbox.tour_status();
    let asking = sandbox.tour_awaits_answer();
    let (status_word, status_key) = match status {
        StepStatus::Running if asking => ("asking", "ui.tour-asking"),
        StepStatus::Running => ("running", "ui.tour-running"),
        StepStatus::Done if at_end => ("done", "ui.tour-end"),
        StepStatus::Done => ("done", "ui.tour-done"),
        StepStatus::TimedOut => ("timed-out", "ui.tour-timed-out"),
    };
    let status_text = say(words, status_key);
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
    // The chapters, as the menu's options: the tour's named by the catalogue (`tour.<id>`, in
    // the reader's language), a teacher's lesson by its own title (escaped).
    let options: String = if position.is_some() {
        lesson::TOUR
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let text = format!("{}. {}", i + 1, say(words, &format!("tour.{id}")));
                option(id, &text, i == chapter_index)
            })
            .collect()
    } else {
        option(
            &escape(&chapter.slug),
            &format!("1. {}", escape(&chapter.title)),
            true,
        )
    };
    // One listener for the row of buttons: Next is an element (its words change as it is
    // pressed, and it keeps the focus), the others are markup.
    let on_click = on_command(dispatch, |command| match command {
        "back" => Some(UiCommand::TourBack),
        "next" => Some(UiCommand::TourNext),
        "restart" => Some(UiCommand::TourRestart),
        "try" => Some(UiCommand::TryItYourself),
        _ => None,
    });
    let running = status == StepStatus::Running;
    let question = runner.step().question.as_ref();
    // The buttons keep their places whatever the status says: the status has a line of its own,
    // and Next and Skip share one button of a fixed width.
    html! {
        <section class={format!("panel tour-panel tour-{status_word}{}", folded(caption_open))} data-testid="tour"
                 data-chapter={chapter.slug.clone()} data-step={(step + 1).to_string()}
                 data-steps={chapter.steps.len().to_string()} data-status={status_word}
                 aria-label={say(words, "ui.tour")}>
            <div class="tour-head">
                <label class="field inline tour-chapter">
                    <span class="visually-hidden">{ say(words, "ui.chapter") }</span>
                    <select data-testid="tour-chapter" onchange={choose} aria-label={say(words, "ui.chapter")}>
                        { markup(options) }
                    </select>
                </label>
                <span class="tour-progress" data-testid="tour-progress">
                    { say_with(words, "ui.tour-progress", &[("step", &(step + 1)), ("steps", &steps)]) }
                </span>
            </div>
            <div class="tour-text">
                <span class="tour-count" aria-hidden="true">{ format!("{}/{steps}", step + 1) }</span>
                // A question comes before the caption: the caption tells what happened.
                if asking {
                    <p class="tour-caption tour-ask" data-testid="tour-question-text" aria-live="polite">
                        { markup(say_with(words, "ui.question-ask", &[("question", &escape(question.map_or("", |q| q.text.as_str())))])) }
                    </p>
                } else {
                    <p class="tour-caption" data-testid="tour-caption" aria-live="polite">{ markup(emphasised(runner.caption())) }</p>
                }
                { caption_switch(sandbox, caption_open) }
            </div>
            { question_box(sandbox, dispatch) }
            <p class="tour-status" data-testid="tour-status" role="status">{ status_text }</p>
            <div class="button-row tour-buttons" onclick={on_click}>
                { markup(say_with(words, "ui.tour-back-button", &[("off", &if at_start { "disabled" } else { "" })])) }
                <button class={if running { "btn primary tour-next" } else { "btn primary tour-next pulse" }}
                        data-testid="tour-next" data-cmd="next" disabled={at_end && !running}
                        title={say(words, if running { "ui.tour-skip-title" } else { "ui.tour-next-title" })}>
                    { words_markup(words, if running { "ui.tour-skip" } else { "ui.tour-next" }) }
                </button>
                { words_markup(words, "ui.tour-end-buttons") }
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
    // The story's words come from the catalogue, fetched as the page starts.
    let words = sandbox.words();
    let story = |key: &str| {
        words
            .map(|w| w.get(key).unwrap_or_default().to_string())
            .unwrap_or_else(|| "…".to_string())
    };
    let mark = match script.current_mark_key(now) {
        Some(key) => story(&key),
        None => say(words, "ui.script-start"),
    };
    let explanation = story(&script.explanation_key);
    let on_click = {
        let (dispatch, slug, broken) = (dispatch.clone(), script.slug.to_string(), script.broken);
        Callback::from(move |e: MouseEvent| {
            let reload = |broken| UiCommand::LoadPreset {
                slug: slug.clone(),
                broken,
            };
            dispatch.emit(match command_of(&e).as_str() {
                "toggle" => reload(!broken),
                "restart" => reload(broken),
                "close" => UiCommand::ClosePreset,
                _ => return,
            })
        })
    };
    html! {
        <section class={format!("panel tour-panel scenario-panel{}", folded(caption_open))}
                 data-testid="scenario" data-scenario={script.slug}
                 data-broken={script.broken.to_string()} aria-label={say(words, "ui.scenario")}>
            <div class="tour-head">
                <strong>{ say(words, &format!("scenario.{}.title", script.slug)) }</strong>
                if script.has_switch {
                    <span class={if script.broken { "badge badge-danger" } else { "badge badge-ok" }}>
                        { say(words, if script.broken { "ui.rule-off" } else { "ui.rule-kept" }) }
                    </span>
                }
            </div>
            <div class="tour-text">
                <div class="scenario-text">
                    <p class="hint scenario-explanation">{ explanation }</p>
                    <p class="tour-caption" data-testid="scenario-caption" aria-live="polite">{ mark }</p>
                </div>
                { caption_switch(sandbox, caption_open) }
            </div>
            <div class="button-row" onclick={on_click}>
                if script.has_switch {
                    <button class="btn" data-testid="scenario-toggle" data-cmd="toggle">
                        { say(words, if script.broken { "ui.run-rule-kept" } else { "ui.run-rule-off" }) }
                    </button>
                }
                { words_markup(words, "ui.scenario-buttons") }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::emphasised;

    #[test]
    fn stars_in_pairs_emphasise_and_a_lesson_cannot_write_markup() {
        assert_eq!(
            emphasised("an *election* starts"),
            "an <em>election</em> starts"
        );
        assert_eq!(emphasised("2 * 3 = 6"), "2 * 3 = 6");
        assert_eq!(emphasised("*a* and *b"), "*a* and *b");
        assert_eq!(emphasised("<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(emphasised(""), "");
    }
}
