//! The event list: what just happened, newest first, in plain words.

use std::fmt::{Display, Write};

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::sim::why::Why;
use crate::sim::{TimerKind, TraceEvent, TraceKind, World};

use super::frozen::{fingerprint, Frozen};
use super::sandbox::UiCommand;

/// How many events are listed.
const SHOWN: usize = 60;

/// Whether an event is interesting without message-level detail: sends, deliveries, drops (a
/// partition blocks every heartbeat) and a leader's heartbeat ticks happen dozens of times a
/// second and drown the story, so they are hidden unless asked for.
fn is_story_event(event: &TraceEvent) -> bool {
    !matches!(
        event.kind,
        TraceKind::MessageSent { .. }
            | TraceKind::MessageDelivered { .. }
            | TraceKind::MessageDropped { .. }
            | TraceKind::TimerFired {
                timer: TimerKind::Heartbeat,
                ..
            }
    )
}

/// A fingerprint of what the list shows: the newest event it would list, the filter, and
/// whether the words for "why" have come.
pub fn event_list_version(world: &World, show_messages: bool, words: bool) -> u64 {
    let newest = world
        .trace()
        .iter()
        .rev()
        .find(|e| show_messages || is_story_event(e));
    fingerprint(&(newest, show_messages, words))
}

// Words into markup, shared by the panels. A fixed part of a panel is a catalogue entry of
// markup, and a part that only shows (a table, a menu's options) is written as markup text:
// each element written with `html!` compiles to code of its own, while markup is data.

/// The catalogue's entry `key` with its `{slots}` filled (nothing until the words come), as
/// [`fill`] does; each value is written as it is needed, so a number needs no text of its own
/// (which, at every place that says something, would cost the bundle code to make and free).
pub fn say_with(words: Option<&Catalogue>, key: &str, values: &[(&str, &dyn Display)]) -> String {
    let Some(template) = words.and_then(|w| w.get(key)) else {
        return String::new();
    };
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open + 1..];
        let slot = rest.find('}').and_then(|close| {
            let (name, forms) = crate::i18n::slot(&rest[..close]);
            let value = values.iter().find(|(n, _)| *n == name)?.1;
            Some((close, value, forms))
        });
        match slot {
            Some((close, value, None)) => {
                let _ = write!(out, "{value}");
                rest = &rest[close + 1..];
            }
            Some((close, value, Some(forms))) => {
                out += crate::i18n::plural(forms, &value.to_string());
                rest = &rest[close + 1..];
            }
            // An unknown slot stays as it is, so a mistake shows rather than vanishes.
            None => out.push('{'),
        }
    }
    out + rest
}

/// Markup the page trusts (the catalogue's, or written by the page with [`escape`]d values).
pub fn markup(text: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(text))
}

/// `text` made safe to put in markup, as an element's text or an attribute's value in double
/// quotes: a lesson's words, or anything else a person wrote.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A menu's options, written as markup (`<option value="…">` each), with the option of `value`
/// selected; `None` if no option has that value.
pub fn select_option(options: &str, value: &str) -> Option<String> {
    let attribute = format!("value=\"{value}\"");
    // A plain search of the bytes: `str::find` would bring the two-way string searcher into
    // the bundle for this one use.
    let at = options
        .as_bytes()
        .windows(attribute.len())
        .position(|w| w == attribute.as_bytes())?
        + attribute.len();
    Some(format!("{} selected{}", &options[..at], &options[at..]))
}

/// The `data-cmd` of the element clicked (or changed), or of the nearest one around it that
/// has one: a row of buttons written as markup is listened to once, on its container.
pub fn command_of(e: &Event) -> String {
    data_of(e, "data-cmd")
}

/// One listener for a row of buttons written as markup: the `data-cmd` of the one clicked,
/// turned into a command by `table` (a click elsewhere in the row does nothing).
pub fn on_command(
    dispatch: &Callback<UiCommand>,
    table: fn(&str) -> Option<UiCommand>,
) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: MouseEvent| {
        if let Some(command) = table(&command_of(&e)) {
            dispatch.emit(command);
        }
    })
}

/// The attribute `name` of the element an event happened on, or of the nearest one around it
/// that has it (empty if none has).
pub fn data_of(e: &Event, name: &str) -> String {
    let mut element = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    while let Some(el) = element {
        if let Some(value) = el.get_attribute(name) {
            return value;
        }
        element = el.parent_element();
    }
    String::new()
}

/// Formats virtual microseconds as seconds with millisecond precision, with the reader's
/// decimal mark (see [`super::language::decimal_mark`]).
pub fn format_time(us: u64) -> String {
    let mark = super::language::decimal_mark();
    format!("{}{mark}{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

/// A "why" in words, or an ellipsis while the catalogue is on its way.
pub fn why_text(words: Option<&Catalogue>, why: &Why) -> String {
    sentence(words, why.rule.key(), why)
}

/// What happened, in words (the event's own sentence).
fn said_text(words: Option<&Catalogue>, why: &Why) -> String {
    sentence(words, why.said, why)
}

fn sentence(words: Option<&Catalogue>, key: &str, why: &Why) -> String {
    words
        .and_then(|w| why.sentence(key, w))
        .unwrap_or_else(|| "…".to_string())
}

/// The list. Each event opens to say why it happened (see `sim::why`), in the words of the
/// catalogue, which the page fetches as it starts.
pub fn event_list(
    world: &World,
    show_messages: bool,
    words: Option<&Catalogue>,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let trace = world.trace();
    let items = trace
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| show_messages || is_story_event(e))
        .filter_map(|(i, e)| Some((e, world.why(i)?)))
        .take(SHOWN)
        .map(|(e, why)| {
            let class = match e.kind {
                TraceKind::InvariantViolated(_) => "event violation",
                TraceKind::ActionApplied(_) => "event action",
                _ => "event",
            };
            // Written as markup (an event's line only shows): the time, what happened, and why.
            let line = format!(
                "<li class=\"{class}\"><details><summary><span class=\"event-time\">{}</span><span class=\"event-text\">{}</span></summary><p class=\"reason\" data-testid=\"why\" data-rule=\"{}\">{}</p></details></li>",
                format_time(e.at),
                escape(&said_text(words, &why)),
                why.rule.key(),
                escape(&why_text(words, &why))
            );
            // An event's line never changes (but for its words arriving): Yew need not compare it.
            html! {
                <Frozen key={e.seq} version={e.seq * 2 + u64::from(words.is_some())}>
                    { markup(line) }
                </Frozen>
            }
        });
    let toggle = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| dispatch.emit(UiCommand::ToggleMessageEvents))
    };
    let title = super::say(words, "ui.events");
    html! {
        <section class="panel events" aria-label={title.clone()}>
            <div class="panel-head">
                <h2>{ title }</h2>
                <label class="check">
                    <input type="checkbox" checked={show_messages} onchange={toggle} />
                    { " " }{ super::say(words, "ui.every-message") }
                </label>
            </div>
            <ol class="event-list" data-testid="event-list" aria-live="off">{ for items }</ol>
        </section>
    }
}
