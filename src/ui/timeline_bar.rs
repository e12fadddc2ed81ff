//! The timeline under the cluster: scrub to any moment of the run, with markers for elections,
//! commits, actions and violations. Moving it pauses the run; acting in the past forks it.

use crate::decimal::fixed;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::sim::timeline::{Marker, MarkerKind};

use super::event_list::format_time;
use super::sandbox::{Sandbox, UiCommand};

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

fn describe(marker: &Marker) -> String {
    let what = match &marker.kind {
        MarkerKind::ElectionWon { node, term } => format!("{node} elected leader of term {term}"),
        MarkerKind::Commit { node, index } => format!("{node} committed up to index {index}"),
        MarkerKind::UserAction { description } => description.clone(),
        MarkerKind::Violation { description } => description.clone(),
    };
    format!("{}: {what}", format_time(marker.at))
}

/// The bar; nothing during the tour, whose steps have their own Back and Next.
pub fn timeline_bar(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
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
    // One tick per kind and column: the most important kinds are drawn last, on top.
    let mut columns: Vec<[Option<&Marker>; 4]> = vec![[None; 4]; COLUMNS];
    for marker in timeline.markers() {
        let column = ((marker.at as f64 / end as f64) * (COLUMNS - 1) as f64) as usize;
        let slot = match marker.kind {
            MarkerKind::Commit { .. } => 0,
            MarkerKind::ElectionWon { .. } => 1,
            MarkerKind::UserAction { .. } => 2,
            MarkerKind::Violation { .. } => 3,
        };
        if let Some(cell) = columns.get_mut(column.min(COLUMNS - 1)) {
            cell[slot] = Some(marker);
        }
    }
    let ticks = columns.iter().flatten().flatten().map(|marker| {
        let x = marker.at as f64 / end as f64 * 1000.0;
        let at = marker.at;
        let seek = {
            let dispatch = dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::SeekTime(at)))
        };
        html! {
            <rect class={classes!("timeline-mark", kind_class(&marker.kind))} x={fixed(x - 2.0, 1)} y="0"
                  width="4" height="14" onclick={seek}>
                <title>{ describe(marker) }</title>
            </rect>
        }
    });
    let to_end = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::SeekToEnd))
    };
    html! {
        <div class="timeline" data-testid="timeline" data-now={now.to_string()} data-end={end.to_string()}
             data-live={at_end.to_string()}>
            <svg class="timeline-marks" viewBox="0 0 1000 14" preserveAspectRatio="none" aria-hidden="true">
                { for ticks }
            </svg>
            <input type="range" class="timeline-scrub" data-testid="timeline-scrub" min="0" max={end.to_string()}
                   step="1" value={now.to_string()} oninput={on_input}
                   aria-label="Scrub through the run" aria-valuetext={format_time(now)} />
            <div class="timeline-foot">
                <span class="timeline-legend">
                    <span class="mark-election">{ "■ election" }</span>
                    <span class="mark-commit">{ "■ commit" }</span>
                    <span class="mark-action">{ "■ your action" }</span>
                    <span class="mark-violation">{ "■ violation" }</span>
                </span>
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
