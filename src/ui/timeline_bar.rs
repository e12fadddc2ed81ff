//! The timeline under the cluster: scrub to any moment of the run, with markers for elections,
//! commits, actions and violations. Moving it pauses the run; acting in the past forks it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::timeline::{Marker, MarkerKind};

use super::event_list::format_time;
use super::frozen::{fingerprint, ViewCache};
use super::sandbox::{Sandbox, UiCommand};
use super::words_markup;

/// Markers are drawn in this many columns at most, so a long run with tens of thousands of
/// commits still draws a few hundred ticks.
const COLUMNS: usize = 240;

fn kind_class(kind: &MarkerKind) -> &'static str {
    match kind {
        MarkerKind::ElectionWon { .. } => "mark-election",
        MarkerKind::Commit { .. } => "mark-commit",
        MarkerKind::UserAction { .. } => "mark-action",
        MarkerKind::Violation { .. } => "mark-violation",
    }
}

fn describe(marker: &Marker, words: Option<&crate::i18n::Catalogue>) -> String {
    let what = match &marker.kind {
        MarkerKind::ElectionWon { node, term } => format!("{node} elected leader of term {term}"),
        MarkerKind::Commit { node, index } => format!("{node} committed up to index {index}"),
        MarkerKind::UserAction { words: said } | MarkerKind::Violation { words: said } => {
            said.render(words)
        }
    };
    format!("{}: {what}", format_time(marker.at))
}

/// The bar; nothing during the tour, whose steps have their own Back and Next.
pub fn timeline_bar(
    sandbox: &Sandbox,
    dispatch: &Callback<UiCommand>,
    cache: &mut ViewCache,
) -> Html {
    let Some(timeline) = sandbox.timeline() else {
        return Html::default();
    };
    let now = sandbox.world().now();
    let end = timeline.end_time().max(now).max(1);
    let at_end = timeline.is_at_end();
    let on_input = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(t) = input.value().parse::<u64>() {
                dispatch.emit(UiCommand::SeekTime(t));
            }
        })
    };
    // One tick per kind and column: the most important kinds are drawn last, on top. The
    // columns are a power of two of microseconds wide and the marks are placed in milliseconds
    // (the drawing's viewBox scales them to the bar), so while the run grows only the scale
    // changes, and the marks are drawn again when a marker is added or the run has doubled.
    let column_us = (end / COLUMNS as u64).next_power_of_two();
    let markers = timeline.markers();
    let marks = cache.paced("marks", 2, fingerprint(&(markers.len(), column_us, sandbox.words().is_some())), || {
        let mut columns: Vec<[Option<&Marker>; 4]> = vec![[None; 4]; COLUMNS * 2];
        for marker in markers {
            let slot = match marker.kind {
                MarkerKind::Commit { .. } => 0,
                MarkerKind::ElectionWon { .. } => 1,
                MarkerKind::UserAction { .. } => 2,
                MarkerKind::Violation { .. } => 3,
            };
            if let Some(cell) = columns.get_mut((marker.at / column_us) as usize) {
                cell[slot] = Some(marker);
            }
        }
        let ticks = columns.iter().flatten().flatten().map(|marker| {
            let x = (marker.at / 1000).to_string();
            let at = marker.at;
            let seek = dispatch.reform(move |_: MouseEvent| UiCommand::SeekTime(at));
            html! {
                <line class={classes!("timeline-mark", kind_class(&marker.kind))} x1={x.clone()} x2={x}
                      y1="0" y2="14" onclick={seek}>
                    <title>{ describe(marker, sandbox.words()) }</title>
                </line>
            }
        });
        html! { <>{ for ticks }</> }
    });
    let to_end = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::SeekToEnd))
    };
    html! {
        <div class="timeline" data-testid="timeline" data-now={now.to_string()} data-end={end.to_string()}
             data-live={at_end.to_string()}>
            <svg class="timeline-marks" viewBox={format!("0 0 {} 14", end.div_ceil(1000))}
                 preserveAspectRatio="none" aria-hidden="true">
                { marks }
            </svg>
            <input type="range" class="timeline-scrub" data-testid="timeline-scrub" min="0" max={end.to_string()}
                   step="1" value={now.to_string()} oninput={on_input}
                   aria-label="Scrub through the run" aria-valuetext={format_time(now)} />
            <div class="timeline-foot">
                <span class="timeline-legend">{ words_markup(sandbox.words(), "ui.timeline-legend") }</span>
                if at_end {
                    <span class="timeline-live">{ "live" }</span>
                } else {
                    <span class="timeline-past" data-testid="timeline-past">
                        { format!("viewing the past: {} of {}. Acting here replaces what came after.", format_time(now), format_time(end)) }
                    </span>
                    <button class="btn small" data-testid="btn-to-live" onclick={to_end}>{ "Back to live ▸▸" }</button>
                }
            </div>
        </div>
    }
}
