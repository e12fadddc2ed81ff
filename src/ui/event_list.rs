//! The event list: what just happened, newest first, in plain words.

use yew::prelude::*;

use crate::sim::{TimerKind, TraceEvent, TraceKind, World};

use super::frozen::fingerprint;
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

/// A fingerprint of what the list shows: the newest event it would list (and the filter).
pub fn event_list_version(world: &World, show_messages: bool) -> u64 {
    let newest = world
        .trace()
        .iter()
        .rev()
        .find(|e| show_messages || is_story_event(e));
    fingerprint(&(newest, show_messages))
}

/// Formats virtual microseconds as seconds with millisecond precision.
pub fn format_time(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

/// The list.
pub fn event_list(world: &World, show_messages: bool, dispatch: &Callback<UiCommand>) -> Html {
    let items = world
        .trace()
        .iter()
        .rev()
        .filter(|e| show_messages || is_story_event(e))
        .take(SHOWN)
        .map(|e| {
            let class = match e.kind {
                TraceKind::InvariantViolated(_) => "event violation",
                TraceKind::ActionApplied(_) => "event action",
                _ => "event",
            };
            html! {
                <li class={class}>
                    <span class="event-time">{ format_time(e.at) }</span>
                    <span class="event-text">{ e.kind.describe() }</span>
                </li>
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
