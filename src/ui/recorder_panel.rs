//! The lesson recorder's panel: the run so far as lesson steps, a line for each step's caption
//! and an optional question, and the ways out (preview, download, a link, the embed snippet).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{FileReader, HtmlInputElement};
use yew::prelude::*;

use crate::scenario::lesson::{self, action_text as action, link};
use crate::scenario::tour::Chapter;
use crate::sim::Words;

use super::params::Notice;
use super::sandbox::{step_signature, RecorderField, StepEdit, UiCommand};
use super::share_panel::{download, page_base};

/// A one-line text field that sends its value when it changes.
fn field(
    testid: &'static str,
    placeholder: &'static str,
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
        <input type="text" data-testid={testid} placeholder={placeholder} aria-label={placeholder}
               value={value.to_string()} {onchange} />
    }
}

/// What a recorded step may wait for: the time it took in the run (exact replay), or what the
/// teacher means it to show, as the lesson file writes it after `until`.
const STOPS: [(&str, &str); 7] = [
    ("", "Ends when the run went on (exact replay)"),
    ("leader elected", "Ends when a leader is elected"),
    ("two leaders", "Ends when two servers think they lead"),
    ("split vote", "Ends on a split vote"),
    ("client 1 answered", "Ends when client 1 has its answer"),
    ("logs match", "Ends when every log is the same"),
    ("after 1 s", "Ends a second later"),
];

/// One step of the recorded lesson: what it does and waits for, its caption, its question.
fn step_row(i: usize, chapter: &Chapter, edit: &StepEdit, dispatch: &Callback<UiCommand>) -> Html {
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
            <span class="hint">{ format!("{}. ", i + 1) }{ if does.is_empty() { "(nothing done)".to_string() } else { does.join("; ") } }</span>
            { field("recorder-caption", "What the student sees", caption, edit_of(RecorderField::Caption), dispatch) }
            <select data-testid="recorder-until" aria-label="The step ends" onchange={until}>
                { for STOPS.iter().map(|(value, text)| html! {
                    <option value={*value} selected={edit.until == *value}>{ *text }</option>
                }) }
            </select>
            { field("recorder-question", "A question before this step (optional)", &edit.question, edit_of(RecorderField::Question), dispatch) }
            if !edit.question.trim().is_empty() {
                <select data-testid="recorder-answer" aria-label="The right answer" onchange={answer}>
                    { for [("leader", "Click the server that leads when the step ends"), ("yes", "Yes is right"), ("no", "No is right")]
                        .iter().map(|(value, text)| {
                        // No choice yet reads as the first (as the lesson does: see apply_edit).
                        let chosen = edit.answer == *value || (edit.answer.is_empty() && *value == "leader");
                        html! { <option value={*value} selected={chosen}>{ *text }</option> }
                    }) }
                </select>
                { field("recorder-explain", "Why (shown after the answer)", &edit.explain, edit_of(RecorderField::Explain), dispatch) }
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
}

#[component]
pub fn RecorderPanel(props: &RecorderPanelProps) -> Html {
    let reading: Rc<RefCell<Option<EventListener>>> = use_mut_ref(|| None);
    let dispatch = &props.dispatch;
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
        <section class="panel recorder" data-testid="recorder" aria-label="Lesson recorder">
            <div class="panel-head"><h2>{ "Lesson recorder" }</h2>
                <button class="btn ghost" onclick={on(UiCommand::ToggleRecorder)} aria-label="Close the recorder">{ "✕" }</button>
            </div>
            <p class="hint">{ if props.live {
                "Each thing you do to the cluster starts a step that runs until the next. Write what each step shows; ask a question before it if you like."
            } else {
                "Editing the lesson's words. (Record again from your run: close and reopen the recorder.)"
            } }</p>
            { field("recorder-title", "Title", &props.title, UiCommand::RecorderTitle, dispatch) }
            <ol class="recorder-steps">
                { for (0..chapter.steps.len()).map(|i| {
                    // Words written for another step that used to be here are not this one's.
                    let edit = props.edits.get(i).filter(|e| e.signature == step_signature(&chapter.steps[i]));
                    step_row(i, chapter, edit.unwrap_or(&empty), dispatch)
                }) }
            </ol>
            <div class="button-row">
                <button class="btn primary" data-testid="recorder-preview" onclick={on(UiCommand::RecorderPreview)}>{ "Preview" }</button>
                <button class="btn" data-testid="recorder-download" onclick={save}>{ format!("Download {file}") }</button>
                <label class="btn file-button">{ "Open a lesson file…" }
                    <input type="file" data-testid="recorder-open" accept=".txt,text/plain" onchange={open} />
                </label>
            </div>
            <label class="field share-url"><span>{ format!("Put {file} next to the app, and embed it with:") }</span>
                <input type="text" readonly=true data-testid="recorder-embed" value={snippet} /></label>
            <label class="field share-url"><span>{ "Or give the lesson itself as a link:" }</span>
                <input type="text" readonly=true data-testid="recorder-link" value={format!("{base}?lesson={}", link::encode(&text))} /></label>
        </section>
    }
}
