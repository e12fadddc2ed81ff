//! The event list: what just happened, newest first, in plain words.

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

/// Formats virtual microseconds as seconds with millisecond precision.
pub fn format_time(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
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
            let line = html! {
                <>
                    <span class="event-time">{ format_time(e.at) }</span>
                    <span class="event-text">{ said_text(words, &why) }</span>
                </>
            };
            let because = why_text(words, &why);
            // An event's line never changes (but for its words arriving): Yew need not compare it.
            html! {
                <Frozen key={e.seq} version={e.seq * 2 + u64::from(words.is_some())}>
                    <li class={class}>
                        <details>
                            <summary>{ line }</summary>
                            <p class="reason" data-testid="why" data-rule={why.rule.key()}>{ because }</p>
                        </details>
                    </li>
                </Frozen>
            }
        });
    let toggle = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| dispatch.emit(UiCommand::ToggleMessageEvents))
    };
    html! {
        <section class="panel events" aria-label="Events">
            <div class="panel-head">
                <h2>{ "Events" }</h2>
                <label class="check">
                    <input type="checkbox" checked={show_messages} onchange={toggle} />
                    { " every message" }
                </label>
            </div>
            <ol class="event-list" data-testid="event-list" aria-live="off">{ for items }</ol>
        </section>
    }
}
