//! The timeline under the cluster: scrub to any moment of the run, with markers for elections,
//! commits, actions and violations. Moving it pauses the run; acting in the past forks it.

use std::fmt::Write;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::sim::timeline::{Marker, MarkerKind};

use super::event_list::{command_of, data_of, escape, format_time, markup, say_with};
use super::frozen::{fingerprint, ViewCache};
use super::sandbox::{Sandbox, UiCommand};
use super::{say, words_markup};

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

/// What a marker stands for, in words, with its time: the tick's tooltip.
fn describe(marker: &Marker, words: Option<&Catalogue>) -> String {
    let what = match &marker.kind {
        MarkerKind::ElectionWon { node, term } => say_with(
            words,
            "ui.mark-election",
            &[("node", &node), ("term", &term)],
        ),
        MarkerKind::Commit { node, index } => say_with(
            words,
            "ui.mark-commit",
            &[("node", &node), ("index", &index)],
        ),
        MarkerKind::UserAction { words: said } | MarkerKind::Violation { words: said } => {
            escape(&said.render(words))
        }
    };
    say_with(
        words,
        "ui.mark",
        &[("at", &format_time(marker.at)), ("what", &what)],
    )
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
    let words = sandbox.words();
    let version = fingerprint(&(markers.len(), column_us, words.is_some()));
    let marks = cache.paced("marks", 2, version, || {
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
        // Written as markup (a tick is clicked through the drawing's one listener, which reads
        // its `data-at`).
        let mut ticks = String::new();
        for marker in columns.iter().flatten().flatten() {
            let _ = write!(
                ticks,
                "<line class=\"timeline-mark {}\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"14\" data-at=\"{}\"><title>{}</title></line>",
                kind_class(&marker.kind),
                marker.at,
                describe(marker, words),
                x = marker.at / 1000,
            );
        }
        markup(ticks)
    });
    let seek = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if let Ok(at) = data_of(&e, "data-at").parse::<u64>() {
                dispatch.emit(UiCommand::SeekTime(at));
            }
        })
    };
    let to_end = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if command_of(&e) == "live" {
                dispatch.emit(UiCommand::SeekToEnd);
            }
        })
    };
    // Live, or the moment looked at and a way back (markup: it only shows, but for that button).
    let when = if at_end {
        say(words, "ui.timeline-live")
    } else {
        say_with(
            words,
            "ui.timeline-past",
            &[("now", &format_time(now)), ("end", &format_time(end))],
        )
    };
    html! {
        <div class="timeline" data-testid="timeline" data-now={now.to_string()} data-end={end.to_string()}
             data-live={at_end.to_string()}>
            <svg class="timeline-marks" viewBox={format!("0 0 {} 14", end.div_ceil(1000))}
                 preserveAspectRatio="none" aria-hidden="true" onclick={seek}>
                { marks }
            </svg>
            <input type="range" class="timeline-scrub" data-testid="timeline-scrub" min="0" max={end.to_string()}
                   step="1" value={now.to_string()} oninput={on_input}
                   aria-label={say(words, "ui.scrub")} aria-valuetext={format_time(now)} />
            <div class="timeline-foot" onclick={to_end}>
                <span class="timeline-legend">{ words_markup(words, "ui.timeline-legend") }</span>
                { markup(when) }
            </div>
        </div>
    }
}
