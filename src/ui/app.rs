//! The top-level component: owns the sandbox, drives the animation clock, listens for keyboard
//! shortcuts, and lays out the panels.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::cluster_text::cluster_text;
use super::cluster_view::cluster_svg;
use super::controls::{client_panel, network_panel, node_actions, playback_bar, settings_panel};
use super::embed_api::{
    parse_host_message, EmbedEvent, HostCommand, HostMessageError, HostReporter, PROTOCOL_VERSION,
};
use super::event_list::{command_of, event_list, event_list_version, markup, say_with};
use super::frame_probe;
use super::frozen::{fingerprint, ViewCache};
use super::hooks::{
    use_animation_frame, use_effect_boxed, use_mount_listener, use_mut_ref_from, use_state_from,
};
use super::inspector::inspector;
use super::invariants_panel::invariants_panel;
use super::keyboard::{command_for_key, KeyContext};
use super::language;
use super::lesson_fetch;
use super::log_table::{log_table, log_table_version, MAX_SHOWN, TOUR_SHOWN};
use super::narration::Narrator;
use super::params::{parse_query, shorten, Notice, Theme};
use super::sandbox::{Sandbox, UiCommand};
use super::share_panel::{share_url, SharePanel, SharePanelWords};
use super::spacetime_panel::{panel_version, spacetime_panel, wheel_listener, SpacetimeUi};
use super::timeline_bar::timeline_bar;
use super::tour_panel::{scenario_panel, tour_panel};
use super::{say, words_markup};
use crate::i18n::Catalogue;
use crate::scenario::lesson::MAX_LESSON_BYTES;
use crate::scenario::presets;
use crate::sim::words::configuration;
use crate::sim::Words;

/// Reads the page's query string; outside a browser (or if the browser refuses) it is empty.
pub(crate) fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The reader's language (see `language::choose`): the URL's `lang`, else the browser's, else
/// English; and whether the URL asked for one the site does not have. `<html lang>` says it.
/// The Experiments page chooses its language the same way.
pub(crate) fn page_language() -> (&'static str, bool) {
    let query = page_query();
    let asked = language::asked_in(&query);
    // The browser's first language only (`navigator.language`): reading the whole list costs the
    // bundle more than it is worth.
    let browser: Vec<String> = web_sys::window()
        .and_then(|w| w.navigator().language())
        .into_iter()
        .collect();
    let chosen = language::choose(asked, &browser);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", chosen.0);
    }
    chosen
}

/// Whether the page runs inside a frame (an embed) with a host page to talk to.
fn in_frame() -> bool {
    web_sys::window()
        .and_then(|w| w.parent().ok().flatten().map(|parent| parent != w))
        .unwrap_or(false)
}

/// Sends an event to the host page, if there is one. Events carry nothing private, so any origin
/// may listen.
fn post_to_host(event: &EmbedEvent) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(parent) = window.parent().ok().flatten() else {
        return;
    };
    if parent == window {
        return;
    }
    if let Ok(message) = js_sys::JSON::parse(&event.to_json()) {
        let _ = parent.post_message(&message, "*");
    }
}

/// The query that reproduces the sandbox's run, for the Embed dialog. The run goes in as a
/// share link, so the embed replays exactly what is on screen (up to the last action) and
/// carries on live from there.
fn embed_query(sandbox: &Sandbox) -> Vec<(String, String)> {
    let mut state_query = Vec::new();
    if let Some(run) = sandbox.share_run() {
        state_query.push(("run".into(), run));
    }
    state_query.push(("speed".into(), crate::decimal::short(sandbox.speed())));
    state_query
}

/// The Embed dialog lives in the studio, the teachers' page (its code would weigh on the page
/// students and embeds load): there the button opens it, and the snippet points at the
/// simulator's page, one folder up.
#[cfg(feature = "studio")]
fn embed_dialog(s: &Sandbox, open: &UseStateHandle<bool>) -> Html {
    use super::embed_dialog::{EmbedDialog, EmbedSource};
    if !**open {
        return Html::default();
    }
    let base = super::share_panel::page_base();
    let source = EmbedSource {
        base_url: base
            .rfind("studio/")
            .map_or(base.clone(), |i| base[..i].to_string()),
        state_query: embed_query(s),
    };
    let open = open.clone();
    html! { <EmbedDialog {source} on_close={Callback::from(move |_: ()| open.set(false))} words={s.shared_words()} /> }
}

#[cfg(not(feature = "studio"))]
fn embed_dialog(_: &Sandbox, _: &UseStateHandle<bool>) -> Html {
    Html::default()
}

/// The Embed button: in the studio it opens the dialog; on the simulator's page it opens the
/// studio in a new tab with this run and the dialog open.
#[cfg(feature = "studio")]
fn open_embed(_: &Rc<RefCell<Sandbox>>, open: &UseStateHandle<bool>) -> Callback<MouseEvent> {
    let open = open.clone();
    Callback::from(move |_: MouseEvent| open.set(true))
}

#[cfg(not(feature = "studio"))]
fn open_embed(sandbox: &Rc<RefCell<Sandbox>>, _: &UseStateHandle<bool>) -> Callback<MouseEvent> {
    let sandbox = sandbox.clone();
    Callback::from(move |_: MouseEvent| {
        let query: Vec<String> = embed_query(&sandbox.borrow())
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        open_in_studio(&query.join("&"), "embed");
    })
}

/// Opens the studio in a new tab with the run `query` gives, and `dialog` there (the Embed
/// dialog, or the run saved as a file): the code for both lives in the studio's page, not in
/// this one.
#[cfg(not(feature = "studio"))]
fn open_in_studio(query: &str, dialog: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // In the page's language (as `<html lang>` says it).
    let lang = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .unwrap_or_default();
    let url = format!("studio/?{query}&dialog={dialog}&lang={lang}");
    let _ = window.open_with_url_and_target(&url, "_blank");
}

/// Export JSON: the studio saves the run as a file.
#[cfg(feature = "studio")]
fn export_run(sandbox: &Sandbox) {
    super::share_panel::download_run(sandbox);
}

/// (The share link's run, to this very moment.)
#[cfg(not(feature = "studio"))]
fn export_run(sandbox: &Sandbox) {
    if let Some(query) = sandbox.share_query() {
        open_in_studio(&query, "export");
    }
}

/// Sets `data-theme` on `<html>` so the stylesheet's light-dark() colours follow the URL's theme.
pub(crate) fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme.attribute() {
        Some(value) => root.set_attribute("data-theme", value),
        None => root.remove_attribute("data-theme"),
    };
}

/// The address of the full app for the same parameters, without the embed switch: the embed's
/// "open in raftsim" link.
fn full_app_href() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let path = location.pathname().unwrap_or_default();
    let query: Vec<String> = location
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("embed=") && *pair != "embed")
        .map(str::to_string)
        .collect();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Whether a key press belongs to a text field rather than to the shortcuts.
fn typing_in_field(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        .unwrap_or(false)
}

/// The whole page.
#[component]
pub fn App() -> Html {
    // Read once: the URL's parameters and the problems found in them, and the reader's language.
    let url = use_memo((), |_| (parse_query(&page_query()), page_language()));
    let ((params, _), (lang, _)) = &*url;
    let lang: &'static str = lang;
    let sandbox: Rc<RefCell<Sandbox>> = use_mut_ref(|| {
        let (params, problems) = &url.0;
        let mut notices = problems.clone();
        let (_, unknown) = url.1;
        if unknown {
            notices.push(Notice::new("param.lang", &[]));
        }
        Sandbox::new(params, notices)
    });
    let controls = params.controls();
    let embedded = params.embed;
    let embed_open = use_state_from(params.open_embed);
    // `dialog=export` (the simulator's Export JSON opens the studio so): the run, saved as a file.
    {
        let (sandbox, export) = (sandbox.clone(), params.export_run);
        use_effect_with((), move |_| {
            if export && cfg!(feature = "studio") {
                export_run(&sandbox.borrow());
            }
        });
    }
    // In a small frame the tour's caption shows its first lines until the reader asks for more.
    let caption_open = use_state_from(false);
    {
        let theme = params.theme;
        use_effect_with(theme, |theme| apply_theme(*theme));
    }
    // `view=experiments` (older links): the experiments have a page of their own.
    if params.experiments {
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let _ = location.replace(&format!("experiments/{}", page_query()));
        }
    }
    let redraw = use_force_update();
    let last_frame_ms = use_mut_ref_from(None::<f64>);
    let command_input = use_node_ref();
    let bench = params.bench;
    let frame_started_ms = use_mut_ref_from(None::<f64>);
    let view_cache = use_mut_ref(ViewCache::default);

    let dispatch = {
        let sandbox = sandbox.clone();
        let redraw = redraw.clone();
        Callback::from(move |command: UiCommand| {
            sandbox.borrow_mut().handle(command);
            redraw.force_update();
        })
    };

    // Lesson files the sandbox asks for (a tour chapter opened for the first time, the lesson of
    // `?lesson=`) are fetched from the site after the render that asked. What goes wrong in
    // opening one reaches an embedding page as an error event too (it cannot see the banner).
    {
        let sandbox = sandbox.clone();
        let redraw = redraw.clone();
        let request = sandbox.borrow_mut().take_lesson_request();
        use_effect_boxed(Box::new(move || {
            if let Some(request) = request {
                // A tour chapter comes in the reader's language.
                let path = match &request.tour_id {
                    Some(id) => language::chapter_path(lang, id),
                    None => request.path.clone(),
                };
                lesson_fetch::fetch_lesson(path, MAX_LESSON_BYTES, move |result| {
                    let command = match result {
                        Ok(text) => UiCommand::OpenLesson { request, text },
                        // Said when shown, so in the reader's words even if the catalogue
                        // comes after this answer.
                        Err(failure) => UiCommand::Notify(Notice::Say(
                            Words::new("notice.lesson-not-loaded")
                                .with("path", shorten(&request.path))
                                .with("reason", failure.words()),
                        )),
                    };
                    let problems = sandbox.borrow_mut().handle_reporting(command);
                    redraw.force_update();
                    for message in problems {
                        post_to_host(&EmbedEvent::Error { message });
                    }
                });
            }
        }));
    }

    // The words catalogue, fetched as the page starts (the sandbox asks for it at once: the
    // legend, the help, the event list and the safety monitor are in its words).
    {
        let dispatch = dispatch.clone();
        let wanted = sandbox.borrow_mut().take_words_request();
        use_effect_boxed(Box::new(move || {
            if wanted {
                lesson_fetch::fetch_catalogue(lang, move |result| {
                    dispatch.emit(UiCommand::Words(result))
                });
            }
        }));
    }

    // The clock: each animation frame advances virtual time by the real time elapsed times the
    // speed. While paused no frames are requested at all.
    let playing = sandbox.borrow().is_playing();
    if !playing {
        *last_frame_ms.borrow_mut() = None;
    }
    let on_frame = {
        let sandbox = sandbox.clone();
        let redraw = redraw.clone();
        let last_frame_ms = last_frame_ms.clone();
        let frame_started_ms = frame_started_ms.clone();
        Callback::from(move |timestamp_ms: f64| {
            if bench {
                *frame_started_ms.borrow_mut() = frame_probe::now_ms();
            }
            let previous = last_frame_ms.borrow_mut().replace(timestamp_ms);
            let elapsed = previous.map(|p| timestamp_ms - p).unwrap_or(0.0);
            sandbox.borrow_mut().frame(elapsed);
            redraw.force_update();
        })
    };
    use_animation_frame(playing, on_frame);
    // The space-time diagram's state between frames, and its wheel zoom.
    let spacetime = use_mut_ref_from(SpacetimeUi::default());
    {
        let (sandbox, spacetime, dispatch) = (sandbox.clone(), spacetime.clone(), dispatch.clone());
        use_mount_listener(Box::new(move || {
            wheel_listener(sandbox, spacetime, dispatch)
        }));
    }

    // The live region's narrator (it remembers whether the reader turned it off: turning it off
    // or on is said in the region itself), and where the focus was before a dialog opened.
    let narrator = use_mut_ref(Narrator::default);
    let dialog_focus = use_mut_ref(DialogFocus::default);

    // Runs after every render, once the DOM is patched: the diagram is drawn (only what changed,
    // see SpacetimeUi::draw), measured now and then and drawn again if its room changed; the
    // narration reads the new events; a dialog that opened takes the focus. That ends a frame's
    // work.
    {
        let (spacetime, sandbox) = (spacetime.clone(), sandbox.clone());
        use_effect_boxed(Box::new(move || {
            let mut ui = spacetime.borrow_mut();
            let s = sandbox.borrow();
            ui.draw(&s);
            if ui.measure() {
                ui.draw(&s);
            }
            let now = frame_probe::now_ms().unwrap_or_default();
            let mut narrator = narrator.borrow_mut();
            let on = s.narrating();
            let toggled = narrator.muted() == on;
            if toggled {
                let key = if on {
                    "ui.narration-on"
                } else {
                    "ui.narration-off"
                };
                narrator.announce(say(s.words(), key), now, !on);
            }
            if narrator.follow(s.world(), s.words(), s.is_playing(), now) || toggled {
                if let Some(region) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("narration"))
                {
                    region.set_text_content(Some(narrator.text()));
                }
            }
            dialog_focus
                .borrow_mut()
                .follow(s.help_open() || s.text_view_open());
            if let (Some(start), Some(end)) =
                (frame_started_ms.borrow_mut().take(), frame_probe::now_ms())
            {
                frame_probe::record(end - start);
            }
        }));
    }

    // Keyboard shortcuts, registered once on the document and removed when the app unmounts.
    {
        let dispatch = dispatch.clone();
        let sandbox = sandbox.clone();
        use_mount_listener(Box::new(move || {
            web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    // Not passive: Space and the arrow keys must not also scroll the page.
                    let options = EventListenerOptions::enable_prevent_default();
                    EventListener::new_with_options(&document, "keydown", options, move |event| {
                        let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                            return;
                        };
                        if event.ctrl_key()
                            || event.meta_key()
                            || event.alt_key()
                            || typing_in_field(event)
                        {
                            return;
                        }
                        let context = {
                            let s = sandbox.borrow();
                            KeyContext {
                                node_count: s.world().nodes().len(),
                                editing_partition: s.partition_draft().is_some(),
                                touring: s.tour().is_some(),
                                help_open: s.help_open(),
                                text_view_open: s.text_view_open(),
                            }
                        };
                        if let Some(command) = command_for_key(&event.key(), context) {
                            event.prevent_default();
                            dispatch.emit(command);
                        }
                    })
                })
        }));
    }

    // The postMessage API: commands from the host page, events back to it.
    {
        let redraw = redraw.clone();
        let sandbox = sandbox.clone();
        use_mount_listener(Box::new(move || {
            post_to_host(&EmbedEvent::Ready {
                version: PROTOCOL_VERSION,
            });
            web_sys::window().map(|window| {
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let data = event.data();
                    let json = match data.as_string() {
                        Some(text) => text,
                        None => js_sys::JSON::stringify(&data)
                            .ok()
                            .and_then(|s| s.as_string())
                            .unwrap_or_default(),
                    };
                    match parse_host_message(&json) {
                        Ok(HostCommand::GetState) => {
                            let s = sandbox.borrow();
                            post_to_host(&EmbedEvent::state(s.world(), s.is_playing()));
                        }
                        Ok(command) => {
                            let playing = sandbox.borrow().is_playing();
                            if let Some(ui) = command.to_ui(playing) {
                                // The host cannot see the banner: every reason a command was
                                // refused goes back to it as an error event too.
                                let refusals = sandbox.borrow_mut().handle_reporting(ui);
                                redraw.force_update();
                                for message in refusals {
                                    post_to_host(&EmbedEvent::Error { message });
                                }
                            }
                        }
                        Err(HostMessageError::Invalid(message)) => {
                            post_to_host(&EmbedEvent::Error { message });
                        }
                        Err(HostMessageError::NotForUs) => {}
                    }
                })
            })
        }));
    }
    {
        let sandbox = sandbox.clone();
        let reporter = use_mut_ref(HostReporter::default);
        use_effect_boxed(Box::new(move || {
            if in_frame() {
                let answers = sandbox.borrow_mut().take_answers();
                let s = sandbox.borrow();
                for event in
                    reporter
                        .borrow_mut()
                        .news(s.world(), s.jumps(), s.is_playing(), s.words())
                {
                    post_to_host(&event);
                }
                for a in answers {
                    post_to_host(&EmbedEvent::QuestionAnswered {
                        lesson: a.lesson,
                        step: a.step as u64 + 1,
                        right: a.right,
                    });
                }
            }
        }));
    }

    if controls.history {
        sandbox.borrow_mut().sync_history();
    }
    let s = sandbox.borrow();
    let notices = s.notices();
    let mut cache = view_cache.borrow_mut();
    cache.begin(s.is_playing());
    let tour_entries = s
        .tour()
        .map(|t| t.highlight().entries.as_slice())
        .unwrap_or(&[]);
    let invariants_version = fingerprint(&(
        s.world().violations().len(),
        s.world().violations().last(),
        s.world().config().safety,
    ));
    let log_window = if s.tour().is_some() {
        TOUR_SHOWN
    } else {
        MAX_SHOWN
    };
    let log_version = fingerprint(&(
        log_table_version(s.world(), tour_entries, log_window),
        s.words().is_some(),
    ));
    let events_version =
        event_list_version(s.world(), s.show_message_events(), s.words().is_some());
    // The header's buttons are catalogue markup (`ui.header-*`), heard here by their data-cmd.
    let on_header = {
        let (dispatch, embed) = (dispatch.clone(), open_embed(&sandbox, &embed_open));
        Callback::from(move |e: MouseEvent| match command_of(&e).as_str() {
            "tour" => dispatch.emit(UiCommand::StartTour {
                chapter: "consensus".into(),
                step: 0,
            }),
            "embed" => embed.emit(e),
            "help" => dispatch.emit(UiCommand::ToggleHelp),
            // The language menu's links (`ui.language-menu`) open this page again in that
            // language with the same parameters, at the same place.
            command => {
                if let (Some(code), Some(location)) = (
                    command.strip_prefix("lang-"),
                    web_sys::window().map(|w| w.location()),
                ) {
                    e.prevent_default();
                    let _ = location.replace(&language::with_language(&page_query(), code));
                }
            }
        })
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::DismissNotices))
    };
    let touring = s.tour().is_some();
    let load_scenario = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let slug = select.value();
            select.set_value("");
            if !slug.is_empty() {
                dispatch.emit(UiCommand::LoadPreset { slug, broken: true });
            }
        })
    };
    let on_share = {
        let sandbox = sandbox.clone();
        Callback::from(move |_: ()| share_url(&sandbox.borrow()))
    };
    let on_export = {
        let sandbox = sandbox.clone();
        Callback::from(move |_: ()| export_run(&sandbox.borrow()))
    };
    // Every running leader: during a partition there can be two, in different terms.
    let leaders: Vec<String> = s
        .world()
        .nodes()
        .iter()
        .filter(|n| n.is_leader() && !n.is_stopped())
        .map(|n| {
            say_with(
                s.words(),
                "ui.leader-term",
                &[("node", &n.id()), ("term", &n.term())],
            )
        })
        .collect();
    let leader_text = match leaders.len() {
        0 => say(s.words(), "ui.no-leader"),
        1 => say_with(s.words(), "ui.leader", &[("leader", &leaders[0])]),
        _ => say_with(s.words(), "ui.leaders", &[("leaders", &leaders.join(", "))]),
    };
    // The configuration in use (§6): the leader's, committed or not.
    let (membership, config_committed) = s.world().membership();
    // Nothing to say while every server votes and nothing has changed.
    let config_plain = config_committed
        && !membership.is_joint()
        && membership.learners.is_empty()
        && membership.voters().len() == s.world().nodes().len();

    let history_view = |cache: &mut ViewCache| {
        cache.view("spacetime", panel_version(&s), || {
            spacetime_panel(&sandbox, &spacetime, &dispatch)
        })
    };
    let show_side = (controls.history && touring)
        || controls.invariants
        || controls.nodes
        || controls.client
        || controls.network
        || controls.inspector
        || controls.settings;
    // The safety monitor keeps its status line but folds its list away during the tour, whose
    // chapters are about elections and replication; it opens by itself when a property fails.
    let monitor_folded = touring && s.world().violations().is_empty();
    let invariants_version =
        fingerprint(&(invariants_version, monitor_folded, s.words().is_some()));
    let scenario_playing = s.script().is_some();
    html! {
        <div class={classes!("app", embedded.then_some("embedded"), touring.then_some("touring"),
                             scenario_playing.then_some("playing-scenario"))} data-testid="app">
            if !embedded {
                <header class="app-header" onclick={on_header}>
                    <h1 class="brand" data-testid="brand">{ "raftsim" }</h1>
                    { markup(say(s.words(), "ui.header-tagline")) }
                    if !touring { { markup(say(s.words(), "ui.header-tour")) } }
                    <label class="field inline">
                        <select data-testid="scenario-select" onchange={load_scenario} aria-label={say(s.words(), "ui.scenario-menu")}>
                            <option value="" selected=true>{ say(s.words(), "ui.scenarios") }</option>
                            { markup(scenario_options(s.words())) }
                        </select>
                    </label>
                    { markup(say_with(s.words(), "ui.header-tools", &[("home", &HOME)])) }
                    { markup(say(s.words(), "ui.language-menu")) }
                    { markup(say(s.words(), "ui.header-help")) }
                </header>
            }
            if !notices.is_empty() {
                <div class="error-banner" data-testid="error-banner" role="alert">
                    <ul>{ for notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    <button class="btn ghost" onclick={dismiss} aria-label={say(s.words(), "ui.dismiss")}>{ "✕" }</button>
                </div>
            }
            // The stage holds everything a caption can talk about (the story, the cluster, the
            // timeline, the logs) and fits the window, the cluster taking whatever height is
            // left, so cause and effect are on screen together. On a phone its parts and the
            // side panels line up in one column in the order of use (see main.css).
            <main class="layout">
                <section class="stage" aria-label={say(s.words(), "ui.stage")}>
                    { playback_bar(&s, &dispatch, controls) }
                    { tour_panel(&s, &dispatch, &caption_open) }
                    { scenario_panel(&s, &dispatch, &caption_open) }
                    // The two views of the cluster: the ring and the logs. Stacked, or side by
                    // side on a wide but short screen (main.css).
                    <div class="views">
                        <div class="cluster-area" data-testid="cluster">
                            <div class="cluster-status" data-testid="cluster-status">{ leader_text }
                                if !config_plain {
                                    { " · " }
                                    <span class="cluster-config" data-testid="cluster-config" data-committed={config_committed.to_string()}>
                                        { configuration(&membership).render(s.words()) }
                                    </span>
                                    if !config_committed { { " " }{ say(s.words(), "ui.not-committed") } }
                                }
                            </div>
                            if embedded {
                                <a class="embed-brand" data-testid="brand" href={full_app_href()} target="_blank"
                                   rel="noopener" title={say(s.words(), "ui.open-full")}>{ "raftsim" }</a>
                            }
                            { cluster_svg(&s, &dispatch, &mut cache) }
                        </div>
                        if controls.log {
                            <section class="panel logs" aria-label={say(s.words(), "ui.logs")} tabindex="0">
                                <div class="panel-head"><h2>{ say(s.words(), "ui.logs") }</h2></div>
                                { cache.paced("log", 1, log_version, || log_table(s.world(), tour_entries, log_window, s.words())) }
                            </section>
                        }
                    </div>
                    if controls.timeline { { timeline_bar(&s, &dispatch, &mut cache) } }
                    if controls.history && !touring { { history_view(&mut cache) } }
                    // A key to the drawing: shapes and labels, not only colours, tell roles and
                    // messages apart (the catalogue's markup).
                    if !embedded { { words_markup(s.words(), "ui.legend") } }
                </section>
                if show_side {
                    <aside class="side">
                        // During the tour the caption, the cluster and the logs fill the stage;
                        // the history goes beside them (below them on a phone).
                        if controls.history && touring { { history_view(&mut cache) } }
                        if controls.nodes && !touring { { node_actions(&s, &dispatch) } }
                        if controls.client && !touring { { client_panel(&s, &dispatch, &command_input) } }
                        if controls.network && !touring { { network_panel(&s, &dispatch) } }
                        if controls.invariants {
                            { cache.view("invariants", invariants_version, || invariants_panel(s.world(), monitor_folded, s.words())) }
                        }
                        if controls.inspector { { inspector(&s, &dispatch) } }
                        if !embedded && !touring {
                            <SharePanel on_share={on_share} on_export={on_export} dispatch={dispatch.clone()} words={SharePanelWords::of(s.words())} />
                            { recorder_view(&s, &dispatch) }
                        }
                        if controls.settings {
                            { cache.view("settings", fingerprint(&(s.world().config(), s.words().is_some())), || settings_panel(&s, &dispatch)) }
                        }
                    </aside>
                }
                if controls.events {
                    { cache.paced("events", 0, events_version, || event_list(s.world(), s.show_message_events(), s.words(), &dispatch)) }
                }
            </main>
            { embed_dialog(&s, &embed_open) }
            if s.help_open() {
                { dialog("help-overlay", s.words(), "ui.help-title", &format!(
                    r#"<dl class="shortcuts">{}</dl><p class="hint">{}</p>"#,
                    say(s.words(), "ui.shortcuts"),
                    say(s.words(), "ui.shortcuts-hint")
                ), &dispatch, UiCommand::ToggleHelp) }
            }
            if s.text_view_open() {
                { dialog("text-view", s.words(), "ui.text-title", &cluster_text(s.world(), s.words()), &dispatch, UiCommand::ToggleTextView) }
            }
            // What happens, said to a screen reader (see `narration`); written by the effect above.
            <p class="visually-hidden" aria-live="polite" data-testid="narration" id="narration"></p>
        </div>
    }
}

/// The scenario menu's options, each preset's title in the reader's words (as markup: cheaper in
/// the bundle than an element each).
fn scenario_options(words: Option<&Catalogue>) -> String {
    presets::SLUGS
        .iter()
        .map(|slug| {
            let title = say(words, &format!("scenario.{slug}.title"));
            // The catalogue is the site's own text, trusted as markup like its other entries.
            format!("<option value=\"{slug}\">{title}</option>")
        })
        .collect()
}

/// A modal dialog over the page, its words in `words` (`title_key`, `ui.close`) and its body
/// markup; `close` is sent by its Close button, a click outside it, or Escape (see `keyboard`).
/// Written as markup (catalogue words and the page's own tables) under one listener: the
/// overlay and the button say `data-cmd="close"`, the dialog itself an empty one, so a click
/// inside it closes nothing.
fn dialog(
    testid: &str,
    words: Option<&Catalogue>,
    title_key: &str,
    body: &str,
    dispatch: &Callback<UiCommand>,
    close: UiCommand,
) -> Html {
    let title = say(words, title_key);
    let close_word = say(words, "ui.close");
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        if command_of(&e) == "close" {
            dispatch.emit(close.clone());
        }
    });
    html! {
        <div {onclick}>{ markup(format!(
            r#"<div class="overlay" role="dialog" aria-modal="true" aria-label="{title}" data-testid="{testid}" data-cmd="close"><div class="dialog" data-cmd=""><h2>{title}</h2>{body}<button class="btn primary" id="dialog-close" data-cmd="close">{close_word}</button></div></div>"#
        )) }</div>
    }
}

/// Where the focus goes as a dialog opens and closes: into the dialog (its close button) when it
/// opens, so the keyboard starts where the eyes are; back where it was when it closes.
#[derive(Default)]
struct DialogFocus {
    open: bool,
    before: Option<HtmlElement>,
}

impl DialogFocus {
    fn follow(&mut self, open: bool) {
        if open == self.open {
            return;
        }
        self.open = open;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        // Unchecked: whatever has the focus can take it back (an SVG node has `focus` too).
        let element = if open {
            self.before = document.active_element().map(JsCast::unchecked_into);
            document
                .get_element_by_id("dialog-close")
                .map(JsCast::unchecked_into)
        } else {
            self.before.take()
        };
        if let Some(element) = element {
            let _ = element.focus();
        }
    }
}

/// The lesson recorder, in the lesson studio (`studio/`, built with the `studio` feature).
#[cfg(feature = "studio")]
fn recorder_view(s: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    use super::recorder_panel::RecorderPanel;
    let (Some(recorder), Some(lesson)) = (s.recorder(), s.recorded_lesson()) else {
        return Html::default();
    };
    html! {
        <RecorderPanel {lesson} edits={recorder.edits.clone()} title={recorder.title.clone()}
                       live={recorder.lesson.is_none()} dispatch={dispatch.clone()} words={s.shared_words()} />
    }
}

/// The simulator's page has no recorder: its "Record a lesson" opens the studio.
#[cfg(not(feature = "studio"))]
fn recorder_view(_: &Sandbox, _: &Callback<UiCommand>) -> Html {
    Html::default()
}

/// Where the simulator's own page is, from this page: the studio lives one folder down.
pub(crate) const HOME: &str = if cfg!(feature = "studio") { "../" } else { "" };
