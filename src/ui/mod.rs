//! The Yew user interface. It only draws the world's state and turns gestures into actions; all
//! the behaviour lives in the deterministic core ([`crate::sim`]).

mod app;
mod cluster_text;
mod cluster_view;
mod controls;
pub mod embed_api;
pub mod embed_dialog;
mod engine;
mod event_list;
mod experiments_panel;
mod frame_probe;
mod frozen;
pub mod geometry;
mod hooks;
mod inspector;
mod invariants_panel;
pub mod keyboard;
pub mod language;
mod lesson_fetch;
mod log_table;
pub mod narration;
pub mod panic_report;
pub mod params;
#[cfg(feature = "studio")]
mod recorder_panel;
pub mod sandbox;
pub mod script;
mod share_panel;
pub mod spacetime;
mod spacetime_panel;
mod timeline_bar;
mod tour_panel;

pub use app::App;

/// Starts the Experiments page (its own binary and page, `experiments/`) in the `<body>`.
pub fn start_experiments() {
    panic_report::install();
    yew::Renderer::<experiments_panel::ExperimentsPage>::new().render();
}

/// Starts the app in the page's `<body>`. Called by the binary's `main`.
pub fn start() {
    // A panic in wasm would otherwise leave a dead page with nothing to explain it.
    panic_report::install();
    yew::Renderer::<App>::new().render();
}

/// The catalogue's entry `key` (see `i18n/en.txt`), or nothing until the words have come.
fn say(words: Option<&crate::i18n::Catalogue>, key: &str) -> String {
    words
        .and_then(|w| w.get(key))
        .unwrap_or_default()
        .to_string()
}

/// The catalogue's entry `key` read as markup (see `i18n/en.txt`), or nothing until the words
/// have come. Fixed parts of the page (the legend, the help's table, the logs' key) come this way:
/// each element written with `html!` compiles to its own construction code, so as data they cost
/// the bundle nothing (scripts/size_check). Only for the site's own catalogue, never for text
/// from the user or the URL.
fn words_markup(words: Option<&crate::i18n::Catalogue>, key: &str) -> yew::Html {
    words
        .and_then(|w| w.get(key))
        .map(|markup| yew::Html::from_html_unchecked(yew::AttrValue::from(markup.to_string())))
        .unwrap_or_default()
}
