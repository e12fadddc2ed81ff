//! Sharing a run: a link that replays it exactly, and export and import as a JSON file.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::HtmlAnchorElement;
use yew::prelude::*;

#[cfg(feature = "studio")]
use crate::scenario::export;

use super::event_list::command_of;
use super::hooks::use_state_from;
#[cfg(feature = "studio")]
use super::params::Notice;
use super::sandbox::{Sandbox, UiCommand};

/// Imported files larger than this are refused before they are read.
#[cfg(feature = "studio")]
const MAX_IMPORT_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// The page's address without its query: where share links point.
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| {
            let location = w.location();
            format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The share link for the sandbox's run at the moment on screen.
pub fn share_url(sandbox: &Sandbox) -> Option<String> {
    let mut url = format!("{}?{}", page_base(), sandbox.share_query()?);
    // A language the reader chose goes with the link (else the recipient's browser decides).
    if let Some(code) = super::language::chosen_in(&super::app::page_query()) {
        url = url + "&lang=" + code;
    }
    Some(url)
}

/// Offers the sandbox's run as a JSON file download (in the studio; the simulator's page opens
/// the studio for it).
#[cfg(feature = "studio")]
pub fn download_run(sandbox: &Sandbox) {
    let Some(timeline) = sandbox.timeline() else {
        return;
    };
    let text = export::export_timeline(timeline);
    download("raftsim-run.json", "application/json", &text);
}

/// Offers `text` as a file download named `name`, of media type `mime`.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
    else {
        return;
    };
    anchor.set_href(&format!(
        "data:{mime};charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    ));
    anchor.set_download(name);
    anchor.click();
}

/// In the studio, a run file is opened here.
#[cfg(feature = "studio")]
fn import_control(
    dispatch: &Callback<UiCommand>,
    reading: &Rc<RefCell<Option<EventListener>>>,
    words: &SharePanelWords,
) -> Html {
    let import = {
        let (dispatch, reading) = (dispatch.clone(), reading.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            if file.size() > MAX_IMPORT_BYTES {
                let size = crate::decimal::fixed(file.size() / 1_048_576.0, 0);
                dispatch.emit(UiCommand::Notify(Notice::new(
                    "notice.file-too-big",
                    &[("size", &size)],
                )));
                return;
            }
            let Ok(reader) = web_sys::FileReader::new() else {
                return;
            };
            let dispatch = dispatch.clone();
            let reader_for_result = reader.clone();
            let listener = EventListener::once(&reader, "loadend", move |_| {
                let text = reader_for_result
                    .result()
                    .ok()
                    .and_then(|value| value.as_string());
                dispatch.emit(match text {
                    Some(text) => UiCommand::ImportRun(text),
                    None => UiCommand::Notify(Notice::new("notice.file-unreadable", &[])),
                });
            });
            *reading.borrow_mut() = Some(listener);
            let _ = reader.read_as_text(&file);
        })
    };
    html! {
        <label class="btn file-button">
            { words.import.clone() }
            <input type="file" data-testid="import-file" accept=".json,application/json" onchange={import} />
        </label>
    }
}

/// On the simulator's page, run files open in the studio, a page of its own (reading them takes a
/// JSON reader that would weigh on the page students and embeds load), and so does the lesson
/// recorder: both are links in the panel's words (`ui.share-buttons`).
#[cfg(not(feature = "studio"))]
fn import_control(
    _: &Callback<UiCommand>,
    _: &Rc<RefCell<Option<EventListener>>>,
    _: &SharePanelWords,
) -> Html {
    Html::default()
}

/// In the lesson studio, opens the recorder.
#[cfg(feature = "studio")]
fn record_button(dispatch: &Callback<UiCommand>, words: &SharePanelWords) -> Html {
    let dispatch = dispatch.clone();
    let record = Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::ToggleRecorder));
    html! {
        <button class="btn" data-testid="btn-record" onclick={record}
                title={words.record_title.clone()}>{ words.record.clone() }</button>
    }
}

/// On the simulator's page the recorder is a link to the studio, in the panel's words.
#[cfg(not(feature = "studio"))]
fn record_button(_: &Callback<UiCommand>, _: &SharePanelWords) -> Html {
    Html::default()
}

/// Props of [`SharePanel`].
#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// Makes the share link (and copies it); the panel then shows it.
    pub on_share: Callback<(), Option<String>>,
    /// Downloads the run as JSON.
    pub on_export: Callback<()>,
    /// Sends the imported file's text to the sandbox.
    pub dispatch: Callback<UiCommand>,
    /// The panel's words, as markup from the catalogue: its heading, its buttons (`data-cmd`
    /// `share` and `export`; on the simulator's page also the links to the studio) and the
    /// copied link's label (see [`SharePanelWords::of`]).
    pub words: SharePanelWords,
}

/// The share panel's words in the reader's language (the panel is a component of its own, which
/// the catalogue does not reach). The studio's own buttons (import a run, record a lesson) have
/// theirs too, there only.
#[derive(Clone, PartialEq)]
pub struct SharePanelWords {
    heading: AttrValue,
    buttons: AttrValue,
    copied: AttrValue,
    #[cfg(feature = "studio")]
    import: AttrValue,
    #[cfg(feature = "studio")]
    record: AttrValue,
    #[cfg(feature = "studio")]
    record_title: AttrValue,
}

impl SharePanelWords {
    /// The words of `words`' catalogue.
    pub fn of(words: Option<&crate::i18n::Catalogue>) -> SharePanelWords {
        use super::say;
        let buttons = if cfg!(feature = "studio") {
            "ui.share-buttons-studio"
        } else {
            "ui.share-buttons"
        };
        SharePanelWords {
            heading: say(words, "ui.share").into(),
            buttons: say(words, buttons).into(),
            copied: say(words, "ui.share-copied").into(),
            #[cfg(feature = "studio")]
            import: say(words, "studio.import").into(),
            #[cfg(feature = "studio")]
            record: say(words, "studio.record").into(),
            #[cfg(feature = "studio")]
            record_title: say(words, "studio.record-title").into(),
        }
    }
}

/// The panel.
#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let link = use_state_from(None::<String>);
    // The file reader's "load" listener must live until the file has been read.
    let reading: Rc<RefCell<Option<EventListener>>> = use_mut_ref(|| None);

    // The buttons are the catalogue's markup; one listener reads which was pressed.
    let on_button = {
        let (on_share, on_export, link) = (
            props.on_share.clone(),
            props.on_export.clone(),
            link.clone(),
        );
        Callback::from(move |e: MouseEvent| match command_of(&e).as_str() {
            "share" => {
                let url = on_share.emit(());
                if let (Some(url), Some(window)) = (&url, web_sys::window()) {
                    // Headless or denied clipboards just leave the link to be copied by hand.
                    let _ = window.navigator().clipboard().write_text(url);
                }
                link.set(url);
            }
            "export" => on_export.emit(()),
            _ => {}
        })
    };
    let words = &props.words;
    html! {
        <section class="panel" aria-label={words.heading.clone()}>
            <div class="panel-head"><h2>{ words.heading.clone() }</h2></div>
            <div class="button-row" onclick={on_button}>
                { Html::from_html_unchecked(words.buttons.clone()) }
                { import_control(&props.dispatch, &reading, words) }
                { record_button(&props.dispatch, words) }
            </div>
            if let Some(url) = (*link).clone() {
                <label class="field share-url">
                    <span>{ words.copied.clone() }</span>
                    <input type="text" readonly=true data-testid="share-url" ~value={url} />
                </label>
            }
        </section>
    }
}
