//! The Embed dialog: builds the `<iframe>` snippet a teacher pastes into a course page, from the
//! current run and the options chosen, with a live preview.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
};
use yew::prelude::*;

use std::rc::Rc;

use crate::i18n::Catalogue;

use super::event_list::escape;
use super::hooks::{use_mount_listener, use_state_from};
use super::language::{LANGUAGES, NAMES};
use super::params::{Controls, Theme, CONTROL_NAMES};
use super::say;

/// What the embedded page should show, besides the options chosen in the dialog.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedSource {
    /// The address of the app itself (origin and path, no query).
    pub base_url: String,
    /// Query parameters that reproduce the current run (seed, nodes, speed; or a share link).
    pub state_query: Vec<(String, String)>,
}

/// The options the dialog offers.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    /// Iframe width in CSS pixels.
    pub width: u32,
    /// Iframe height in CSS pixels.
    pub height: u32,
    /// The controls shown inside the embed.
    pub controls: Controls,
    /// The colour scheme.
    pub theme: Theme,
    /// Whether it starts running.
    pub autoplay: bool,
    /// The language it speaks: none (the default) leaves it to each student's browser, so one
    /// embed serves a class of several languages; the teacher may choose one.
    pub language: Option<&'static str>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            width: 640,
            height: 480,
            controls: Controls::EMBED_DEFAULT,
            theme: Theme::Auto,
            autoplay: true,
            language: None,
        }
    }
}

/// Escapes a value for a URL query.
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(char::from(byte))
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The embed's address for these options.
pub fn embed_url(source: &EmbedSource, options: &EmbedOptions) -> String {
    let mut pairs: Vec<(String, String)> = vec![("embed".into(), "1".into())];
    pairs.extend(source.state_query.iter().cloned());
    if options.controls != Controls::EMBED_DEFAULT {
        pairs.push(("controls".into(), options.controls.to_param()));
    }
    if let Some(theme) = options.theme.attribute() {
        pairs.push(("theme".into(), theme.into()));
    }
    if !options.autoplay {
        pairs.push(("autoplay".into(), "0".into()));
    }
    if let Some(code) = options.language {
        pairs.push(("lang".into(), code.into()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    format!("{}?{}", source.base_url, query.join("&"))
}

/// The snippet to paste into a page; `title` names the frame for a screen reader (the
/// catalogue's `embed.frame-title`, in the teacher's language).
pub fn iframe_snippet(url: &str, title: &str, options: &EmbedOptions) -> String {
    format!(
        "<iframe src=\"{}\" width=\"{}\" height=\"{}\" title=\"{}\" \
         style=\"border:1px solid #ccc;border-radius:8px;max-width:100%\" loading=\"lazy\"></iframe>",
        escape(url),
        options.width,
        options.height,
        escape(title)
    )
}

/// Props of [`EmbedDialog`].
#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    /// The run to embed.
    pub source: EmbedSource,
    /// Called to close the dialog.
    pub on_close: Callback<()>,
    /// The page's words (see `Sandbox::shared_words`); none until they have come.
    pub words: Option<Rc<Catalogue>>,
}

/// The dialog.
#[component]
pub fn EmbedDialog(props: &EmbedDialogProps) -> Html {
    let options = use_state(EmbedOptions::default);
    let snippet_ref = use_node_ref();
    let copied = use_state_from(false);
    let w = props.words.as_deref();
    let url = embed_url(&props.source, &options);
    // The frame's name, "raftsim" until the words come.
    let frame_title = Some(say(w, "embed.frame-title"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "raftsim".to_string());
    let snippet = iframe_snippet(&url, &frame_title, &options);
    let dialog_ref = use_node_ref();

    // Escape closes the dialog, wherever the focus is inside it (the help says so). Focus moves
    // into the dialog when it opens, so the keyboard starts where the eyes are.
    {
        let on_close = props.on_close.clone();
        let dialog_ref = dialog_ref.clone();
        use_mount_listener(Box::new(move || {
            if let Some(dialog) = dialog_ref.cast::<HtmlElement>() {
                let _ = dialog.focus();
            }
            web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    EventListener::new(&document, "keydown", move |event| {
                        let is_escape = event
                            .dyn_ref::<KeyboardEvent>()
                            .is_some_and(|e| e.key() == "Escape");
                        if is_escape {
                            on_close.emit(());
                        }
                    })
                })
        }));
    }

    let set_size = |is_width: bool| {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().trim().parse::<u32>() {
                let mut next = (*options).clone();
                let v = v.clamp(200, 4000);
                if is_width {
                    next.width = v;
                } else {
                    next.height = v;
                }
                options.set(next);
            }
        })
    };
    let on_theme = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*options).clone();
            next.theme = match select.value().as_str() {
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                _ => Theme::Auto,
            };
            options.set(next);
        })
    };
    let on_language = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let mut next = (*options).clone();
            next.language = LANGUAGES.into_iter().find(|code| *code == select.value());
            options.set(next);
        })
    };
    let on_autoplay = {
        let options = options.clone();
        Callback::from(move |_: Event| {
            let mut next = (*options).clone();
            next.autoplay = !next.autoplay;
            options.set(next);
        })
    };
    let control_boxes = CONTROL_NAMES.iter().map(|&name| {
        let on = options.controls.shows(name);
        let options = options.clone();
        let toggle = Callback::from(move |_: Event| {
            let mut next = (*options).clone();
            next.controls = next.controls.with(name, !on);
            options.set(next);
        });
        // Named in the reader's words; the snippet says `controls=` with these names.
        html! {
            <label class="check compact" data-control={name}><input type="checkbox" checked={on} onchange={toggle} />
                { say(w, &format!("embed.control.{name}")) }</label>
        }
    });
    let copy = {
        let snippet_ref = snippet_ref.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = snippet_ref.cast::<HtmlTextAreaElement>() {
                area.select();
                if let Some(window) = web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&area.value());
                }
                copied.set(true);
            }
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let theme_value = options.theme.attribute().unwrap_or("auto");
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label={say(w, "embed.label")} data-testid="embed-dialog">
            <div class="dialog wide" ref={dialog_ref} tabindex="-1">
                <h2>{ say(w, "embed.heading") }</h2>
                <p class="hint">{ say(w, "embed.hint") }</p>
                <div class="settings-grid">
                    <label class="field small"><span>{ say(w, "embed.width") }</span>
                        <input type="number" min="200" ~defaultValue={options.width.to_string()} onchange={set_size(true)} /></label>
                    <label class="field small"><span>{ say(w, "embed.height") }</span>
                        <input type="number" min="200" ~defaultValue={options.height.to_string()} onchange={set_size(false)} /></label>
                    <label class="field small"><span>{ say(w, "embed.theme") }</span>
                        <select data-testid="embed-theme" onchange={on_theme}>
                            { for ["auto", "light", "dark"].iter().map(|t| html! {
                                <option value={*t} selected={*t == theme_value}>{ say(w, &format!("embed.theme-{t}")) }</option>
                            }) }
                        </select>
                    </label>
                    <label class="field small"><span>{ say(w, "embed.language") }</span>
                        <select data-testid="embed-language" onchange={on_language}>
                            <option value="" selected={options.language.is_none()}>{ say(w, "embed.language-reader") }</option>
                            { for LANGUAGES.iter().zip(NAMES).map(|(code, name)| html! {
                                <option value={*code} lang={*code} selected={options.language == Some(*code)}>{ name }</option>
                            }) }
                        </select>
                    </label>
                    <label class="check"><input type="checkbox" checked={options.autoplay} onchange={on_autoplay} />{ say(w, "embed.autoplay") }</label>
                </div>
                <fieldset class="control-choice"><legend>{ say(w, "embed.controls") }</legend>{ for control_boxes }</fieldset>
                <textarea class="snippet" data-testid="embed-snippet" aria-label={say(w, "embed.snippet")} ref={snippet_ref} readonly=true rows="4" value={snippet.clone()} />
                <div class="button-row">
                    <button class="btn primary" data-testid="btn-copy-snippet" onclick={copy}>{ say(w, if *copied { "embed.copied" } else { "embed.copy" }) }</button>
                    <a class="btn" href={url.clone()} target="_blank" rel="noopener">{ say(w, "embed.open") }</a>
                    <button class="btn" data-testid="btn-close-embed" onclick={close}>{ say(w, "ui.close") }</button>
                </div>
                <h3>{ say(w, "embed.preview") }</h3>
                <div class="embed-preview" tabindex="0" role="region" aria-label={say(w, "embed.preview")}>
                    <iframe data-testid="embed-preview" src={url} width={options.width.to_string()} height={options.height.to_string()}
                            title={say(w, "embed.preview-title")} loading="lazy"></iframe>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> EmbedSource {
        EmbedSource {
            base_url: "https://example.org/raft/".into(),
            state_query: vec![("seed".into(), "7".into()), ("nodes".into(), "5".into())],
        }
    }

    #[test]
    fn the_url_carries_the_state_and_only_non_default_options() {
        let url = embed_url(&source(), &EmbedOptions::default());
        assert_eq!(url, "https://example.org/raft/?embed=1&seed=7&nodes=5");
        let options = EmbedOptions {
            theme: Theme::Dark,
            autoplay: false,
            controls: Controls::ALL,
            ..EmbedOptions::default()
        };
        let url = embed_url(&source(), &options);
        assert!(
            url.ends_with("&controls=all&theme=dark&autoplay=0"),
            "{url}"
        );
        let spanish = EmbedOptions {
            language: Some("es"),
            ..EmbedOptions::default()
        };
        assert!(embed_url(&source(), &spanish).ends_with("&nodes=5&lang=es"));
    }

    #[test]
    fn the_url_round_trips_through_the_parameter_parser() {
        let options = EmbedOptions {
            theme: Theme::Light,
            autoplay: false,
            controls: Controls {
                log: true,
                ..Controls::EMBED_DEFAULT
            },
            ..EmbedOptions::default()
        };
        let url = embed_url(&source(), &options);
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let (params, problems) = super::super::params::parse_query(query);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(params.embed);
        assert_eq!(params.theme, Theme::Light);
        assert!(!params.autoplay);
        assert_eq!(params.controls(), options.controls);
        assert_eq!((params.seed, params.nodes), (7, 5));
    }

    #[test]
    fn the_snippet_escapes_the_url() {
        let snippet = iframe_snippet(
            "https://x/?a=1&b=\"2\"",
            "raftsim: \"Raft\" & more",
            &EmbedOptions::default(),
        );
        assert!(
            snippet.contains("src=\"https://x/?a=1&amp;b=&quot;2&quot;\""),
            "{snippet}"
        );
        assert!(snippet.contains("width=\"640\" height=\"480\""));
        assert!(snippet.contains("title=\"raftsim: &quot;Raft&quot; &amp; more\""));
    }
}
