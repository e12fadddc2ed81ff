//! The lesson recorder's panel: the run so far as lesson steps, a line for each step's caption
//! and an optional question, and the ways out (preview, download, a link, the embed snippet).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{FileReader, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::scenario::lesson::{self, action_text as action, link};
use crate::scenario::tour::Chapter;
use crate::sim::Words;

use super::event_list::say_with;
use super::params::Notice;
use super::sandbox::{step_signature, RecorderField, StepEdit, UiCommand};
use super::say;
use super::share_panel::{download, page_base};

/// A one-line text field that sends its value when it changes; `placeholder` also names it.
fn field(
    testid: &'static str,
    placeholder: String,
    value: &str,
    send: impl Fn(String) -> UiCommand + 'static,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let dispatch = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        dispatch.emit(send(input.value()));
    });
    html! {
        <input type="text" data-testid={testid} placeholder={placeholder.clone()} aria-label={placeholder}
               value={value.to_string()} {onchange} />
    }
}

/// What a recorded step may wait for: the time it took in the run (exact replay), or what the
/// teacher means it to show, as the lesson file writes it after `until`; and the catalogue's
/// words for it.
const STOPS: [(&str, &str); 7] = [
    ("", "rec.until-replay"),
    ("leader elected", "rec.until-leader"),
    ("two leaders", "rec.until-two-leaders"),
    ("split vote", "rec.until-split-vote"),
    ("client 1 answered", "rec.until-answered"),
    ("logs match", "rec.until-logs-match"),
    ("after 1 s", "rec.until-second"),
];

/// The answers a recorded question may have, as the recorder's menu gives them (the first is
/// the one until the teacher chooses), and the catalogue's words for each.
const ANSWERS: [(&str, &str); 3] = [
    ("leader", "rec.answer-leader"),
    ("yes", "rec.answer-yes"),
    ("no", "rec.answer-no"),
];

/// One step of the recorded lesson: what it does and waits for, its caption, its question.
fn step_row(
    i: usize,
    chapter: &Chapter,
    edit: &StepEdit,
    dispatch: &Callback<UiCommand>,
    w: Option<&Catalogue>,
) -> Html {
    let step = &chapter.steps[i];
    let edit_of = move |field: RecorderField| {
        move |value: String| UiCommand::RecorderEdit {
            step: i,
            field,
            value,
        }
    };
    let does: Vec<String> = step.actions.iter().map(action).collect();
    let answer = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            dispatch.emit(edit_of(RecorderField::Answer)(select.value()));
        })
    };
    let until = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            dispatch.emit(edit_of(RecorderField::Until)(select.value()));
        })
    };
    let caption = if edit.caption.is_empty() {
        &step.caption
    } else {
        &edit.caption
    };
    html! {
        <li class="recorder-step" data-testid="recorder-step">
            // What the step does, as the lesson file writes it (the file's words, the same in
            // every language).
            <span class="hint">{ format!("{}. ", i + 1) }{ if does.is_empty() { say(w, "rec.nothing-done") } else { does.join("; ") } }</span>
            { field("recorder-caption", say(w, "rec.caption"), caption, edit_of(RecorderField::Caption), dispatch) }
            <select data-testid="recorder-until" aria-label={say(w, "rec.until")} onchange={until}>
                { for STOPS.iter().map(|(value, key)| html! {
                    <option value={*value} selected={edit.until == *value}>{ say(w, key) }</option>
                }) }
            </select>
            { field("recorder-question", say(w, "rec.question"), &edit.question, edit_of(RecorderField::Question), dispatch) }
            if !edit.question.trim().is_empty() {
                <select data-testid="recorder-answer" aria-label={say(w, "rec.answer")} onchange={answer}>
                    { for ANSWERS.iter().map(|(value, key)| {
                        // No choice yet reads as the first (as the lesson does: see apply_edit).
                        let chosen = edit.answer == *value || (edit.answer.is_empty() && *value == "leader");
                        html! { <option value={*value} selected={chosen}>{ say(w, key) }</option> }
                    }) }
                </select>
                { field("recorder-explain", say(w, "rec.explain"), &edit.explain, edit_of(RecorderField::Explain), dispatch) }
            }
        </li>
    }
}

/// The panel, when the recorder is open.
#[derive(Properties, PartialEq)]
pub struct RecorderPanelProps {
    /// The lesson as it stands (see [`super::sandbox::Sandbox::recorded_lesson`]).
    pub lesson: Chapter,
    /// The teacher's words.
    pub edits: Vec<StepEdit>,
    /// The recorder's title field.
    pub title: String,
    /// Whether the lesson still follows the run.
    pub live: bool,
    pub dispatch: Callback<UiCommand>,
    /// The page's words (see `Sandbox::shared_words`); none until they have come.
    pub words: Option<Rc<Catalogue>>,
}

#[component]
pub fn RecorderPanel(props: &RecorderPanelProps) -> Html {
    let reading: Rc<RefCell<Option<EventListener>>> = use_mut_ref(|| None);
    let dispatch = &props.dispatch;
    let w = props.words.as_deref();
    let chapter = &props.lesson;
    let text = lesson::write(chapter);
    let file = format!("{}.txt", chapter.slug);
    let on = |command: UiCommand| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(command.clone()))
    };
    // Saved only if it will open: read and played through as a student's page does.
    let save = {
        let (file, text, dispatch) = (file.clone(), text.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| match lesson::load(&text) {
            Ok(_) => download(&file, "text/plain", &text),
            Err(error) => dispatch.emit(UiCommand::Notify(Notice::Say(
                Words::new("notice.cannot-save").with("error", error.words()),
            ))),
        })
    };
    let open = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let Ok(reader) = FileReader::new() else {
                return;
            };
            let dispatch = dispatch.clone();
            let result = reader.clone();
            *reading.borrow_mut() = Some(EventListener::once(&reader, "loadend", move |_| {
                if let Some(text) = result.result().ok().and_then(|v| v.as_string()) {
                    dispatch.emit(UiCommand::RecorderOpenFile(text));
                }
            }));
            let _ = reader.read_as_text(&file);
        })
    };
    // The embed and the link open the simulator's page (the studio is one folder down).
    let base = page_base();
    let base = base.strip_suffix("studio/").unwrap_or(&base).to_string();
    let snippet = format!(
        "<iframe src=\"{base}?embed=1&lesson={file}\" width=\"960\" height=\"640\" title=\"{}\"></iframe>",
        chapter.title.replace('"', "'")
    );
    let empty = StepEdit::default();
    html! {
        <section class="panel recorder" data-testid="recorder" aria-label={say(w, "rec.heading")}>
            <div class="panel-head"><h2>{ say(w, "rec.heading") }</h2>
                <button class="btn ghost" onclick={on(UiCommand::ToggleRecorder)} aria-label={say(w, "rec.close")}>{ "✕" }</button>
            </div>
            <p class="hint">{ say(w, if props.live { "rec.hint-live" } else { "rec.hint-editing" }) }</p>
            { field("recorder-title", say(w, "rec.title"), &props.title, UiCommand::RecorderTitle, dispatch) }
            <ol class="recorder-steps">
                { for (0..chapter.steps.len()).map(|i| {
                    // Words written for another step that used to be here are not this one's.
                    let edit = props.edits.get(i).filter(|e| e.signature == step_signature(&chapter.steps[i]));
                    step_row(i, chapter, edit.unwrap_or(&empty), dispatch, w)
                }) }
            </ol>
            <div class="button-row">
                <button class="btn primary" data-testid="recorder-preview" onclick={on(UiCommand::RecorderPreview)}>{ say(w, "rec.preview") }</button>
                <button class="btn" data-testid="recorder-download" onclick={save}>{ say_with(w, "rec.download", &[("file", &file)]) }</button>
                <label class="btn file-button">{ say(w, "rec.open") }
                    <input type="file" data-testid="recorder-open" accept=".txt,text/plain" onchange={open} />
                </label>
            </div>
            <label class="field share-url"><span>{ say_with(w, "rec.embed-with", &[("file", &file)]) }</span>
                <input type="text" readonly=true data-testid="recorder-embed" value={snippet} /></label>
            <label class="field share-url"><span>{ say(w, "rec.link") }</span>
                <input type="text" readonly=true data-testid="recorder-link" value={format!("{base}?lesson={}", link::encode(&text))} /></label>
        </section>
    }
}
