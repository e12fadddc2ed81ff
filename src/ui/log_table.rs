//! The log table: one row per node, entries lined up by index, coloured by term, committed
//! entries solid and uncommitted ones hollow, with the leader's nextIndex and matchIndex.

use std::fmt::Write;

use yew::prelude::*;

use super::{say, words_markup};
use crate::i18n::Catalogue;

use crate::raft::{Command, LogEntry, Node, NodeId, Voters};
use crate::sim::World;

use super::cluster_view::term_class;
use super::event_list::{markup, say_with};
use super::frozen::fingerprint;
use super::invariants_panel::Highlights;

/// At most this many of the latest indices are drawn, so a long run stays readable and cheap.
pub const MAX_SHOWN: u64 = 40;

/// During the tour, the latest few only: the captions talk about the newest entries, and a row
/// must fit beside the ring on a laptop and across a phone without scrolling.
pub const TOUR_SHOWN: u64 = 2;

/// A fingerprint of everything the table shows, so it is rebuilt only when that changes.
pub fn log_table_version(world: &World, tour_entries: &[(NodeId, u64)], window: u64) -> u64 {
    let nodes: Vec<_> = world
        .nodes()
        .iter()
        .map(|n| {
            // The entries shown, not just the last index: a broken safety rule can rewrite an
            // entry in place, and the table must show it.
            let shown = n.entries().len().saturating_sub(MAX_SHOWN as usize);
            (
                n.entries().range(shown..),
                n.log().snapshot_index(),
                n.commit_index(),
                n.is_stopped(),
                n.role(),
                n.next_index().map(<[u64]>::to_vec),
                n.match_index().map(<[u64]>::to_vec),
            )
        })
        .collect();
    fingerprint(&(nodes, world.violations().last(), tour_entries, window))
}

/// The table of every node's log: the latest `window` indices at most.
///
/// Written as markup text (like the cluster as text) rather than with `html!`: nothing in it
/// listens to anything, and every cell is a name, a number, a command or the catalogue's words.
pub fn log_table(
    world: &World,
    tour_entries: &[(NodeId, u64)],
    window: u64,
    words: Option<&Catalogue>,
) -> Html {
    let last_index = world
        .nodes()
        .iter()
        .map(|n| n.log().last_index())
        .max()
        .unwrap_or(0);
    // Indices every server has compacted into a snapshot are left out: the snapshot column
    // stands for them. (A server with an empty log holds nothing either way.)
    let compacted_everywhere = world
        .nodes()
        .iter()
        .filter(|n| n.log().last_index() > 0)
        .map(|n| n.log().snapshot_index())
        .min()
        .unwrap_or(0);
    let first_shown = last_index
        .saturating_sub(window.max(1) - 1)
        .max(compacted_everywhere + 1)
        .min(last_index.max(1));
    let snapshots = world.nodes().iter().any(|n| n.log().snapshot().is_some());
    let columns = (last_index + 1).saturating_sub(first_shown).max(1);
    let grid = format!(
        "<div class=\"log-grid\" style=\"grid-template-columns: repeat({columns}, var(--log-cell))\">"
    );
    let mut table = format!(
        "<table class=\"log-table\" data-testid=\"log-table\"><caption class=\"visually-hidden\">{}</caption><thead><tr>{}{}<th scope=\"col\" class=\"entries-head\">{grid}",
        say(words, "ui.log-caption"),
        say(words, "ui.log-head"),
        if snapshots { say(words, "ui.log-head-snapshot") } else { String::new() },
    );
    // Earlier entries left out are marked on the first index shown ("…5"), not on a line of
    // their own, so the table stays as short as the rows.
    for i in first_shown..=last_index {
        let column = i - first_shown + 1;
        if i == first_shown && first_shown > 1 {
            let hidden = (first_shown - 1).to_string();
            let title = say_with(words, "ui.log-elided", &[("count", &hidden)]);
            let _ = write!(
                table,
                "<span class=\"log-index\" style=\"grid-column:{column}\" title=\"{title}\">…{i}</span>"
            );
        } else {
            let _ = write!(
                table,
                "<span class=\"log-index\" style=\"grid-column:{column}\">{i}</span>"
            );
        }
    }
    table += "</div></th></tr></thead><tbody>";
    let shown = Shown {
        leader: world.leader().and_then(|l| world.node(l)),
        first: first_shown,
        grid: &grid,
        highlights: &Highlights::of(world),
        tour_entries,
        snapshot_column: snapshots,
        words,
    };
    for node in world.nodes() {
        row(&mut table, node, &shown);
    }
    table += "</tbody></table>";
    html! {
        <div class="log-table-wrap">
            { markup(table) }
            <p class="log-key">{ words_markup(words, "ui.log-key") }
                if snapshots {
                    { " " }{ words_markup(words, "ui.log-key-snapshot") }
                }
            </p>
        </div>
    }
}

/// What every row of the table shares.
struct Shown<'a> {
    /// The leader, whose nextIndex and matchIndex the rows show.
    leader: Option<&'a Node>,
    /// The first index shown.
    first: u64,
    /// The opening of a row's grid of entries.
    grid: &'a str,
    highlights: &'a Highlights,
    tour_entries: &'a [(NodeId, u64)],
    /// Whether the table has a column for snapshots.
    snapshot_column: bool,
    words: Option<&'a Catalogue>,
}

/// One node's row, written at the end of `table`.
fn row(table: &mut String, node: &Node, shown: &Shown) {
    let words = shown.words;
    let node_named =
        shown.highlights.nodes.is_empty() || shown.highlights.nodes.contains(&node.id());
    let id = node.id();
    let is_leader = shown.leader.is_some_and(|l| l.id() == id);
    let replication = shown
        .leader
        .filter(|l| l.id() != id)
        .and_then(|l| follower_progress(l, id))
        .map(|(next, matched)| format!("{next} / {matched}"))
        .unwrap_or_default();
    let role = node.state_name();
    let _ = write!(
        table,
        "<tr class=\"{role}\" data-testid=\"log-row\" data-node=\"{id}\"><th scope=\"row\">{id}"
    );
    if is_leader {
        let _ = write!(
            table,
            "<span class=\"leader-mark\" title=\"{}\"> ★</span>",
            say(words, "role.leader")
        );
    }
    if node.is_stopped() {
        let _ = write!(
            table,
            "<span class=\"stopped-mark\"> ({})</span>",
            say(words, "role.stopped")
        );
    }
    let _ = write!(
        table,
        "</th><td class=\"num\">{}</td><td class=\"num\">{replication}</td>",
        node.commit_index()
    );
    let snapshot = node.log().snapshot();
    if shown.snapshot_column {
        *table += "<td>";
        if let Some(s) = snapshot {
            let title = say_with(
                words,
                "ui.log-snapshot-title",
                &[
                    ("index", &s.last_index),
                    ("term", &s.last_term),
                    ("value", &s.value),
                    ("sessions", &s.sessions.len()),
                ],
            );
            let _ = write!(
                table,
                "<span class=\"log-snapshot {}\" data-testid=\"log-snapshot\" data-node=\"{id}\" data-index=\"{}\" data-term=\"{}\" title=\"{title}\">≤{}</span>",
                term_class(s.last_term),
                s.last_index,
                s.last_term,
                s.last_index
            );
        }
        *table += "</td>";
    }
    let _ = write!(table, "<td class=\"entries\">{}", shown.grid);
    if let Some(s) = snapshot.filter(|s| s.last_index >= shown.first) {
        let span = s.last_index + 1 - shown.first;
        let _ = write!(
            table,
            "<span class=\"log-compacted\" aria-hidden=\"true\" style=\"grid-column:1 / span {span}\"></span>"
        );
    }
    for e in node.entries().iter().filter(|e| e.index >= shown.first) {
        entry(table, node, e, node_named, shown);
    }
    *table += "</div></td></tr>";
}

/// One log entry, written at the end of `table`. (Its command is the core's text of a parsed
/// command: words and numbers, nothing that markup would read.)
fn entry(table: &mut String, node: &Node, e: &LogEntry, node_named: bool, shown: &Shown) {
    let id = node.id();
    let committed = e.index <= node.commit_index();
    let mut class = format!(
        "log-entry {} {}",
        term_class(e.term),
        if committed {
            "committed"
        } else {
            "uncommitted"
        }
    );
    let config = matches!(e.command, Command::Config(_));
    for (extra, on) in [
        ("config-entry", config),
        (
            "violating",
            node_named && shown.highlights.indices.contains(&e.index),
        ),
        (
            "tour-highlight",
            shown.tour_entries.contains(&(id, e.index)),
        ),
    ] {
        if on {
            class += " ";
            class += extra;
        }
    }
    let title = say_with(
        shown.words,
        if committed {
            "ui.log-entry-committed"
        } else {
            "ui.log-entry-uncommitted"
        },
        &[
            ("index", &e.index),
            ("term", &e.term),
            ("command", &e.command),
        ],
    );
    let _ = write!(
        table,
        "<span class=\"{class}\" data-testid=\"log-entry\" data-node=\"{id}\" data-index=\"{}\" data-term=\"{}\" data-committed=\"{committed}\" style=\"grid-column:{}\" title=\"{title}\">",
        e.index,
        e.term,
        e.index - shown.first + 1
    );
    // A configuration's set of servers fills the cell; its term shows in its colour and
    // tooltip, so the row stays one line high.
    if !config {
        let _ = write!(table, "<span class=\"entry-term\">T{}</span>", e.term);
    }
    let _ = write!(
        table,
        "<span class=\"entry-command\">{}</span></span>",
        entry_text(&e.command)
    );
}

/// The leader's `(nextIndex, matchIndex)` for `follower`.
fn follower_progress(leader: &Node, follower: NodeId) -> Option<(u64, u64)> {
    // A leader tracks only the members of its configuration.
    if !leader.membership().members().contains(follower) {
        return None;
    }
    let next = leader.next_index()?.get(follower.index())?;
    let matched = leader.match_index()?.get(follower.index())?;
    Some((*next, *matched))
}

/// An entry's command as the log shows it: a configuration compactly (the full list is in the
/// tooltip), e.g. "→{ABCD}" while joint or "{ABC}+D" with a learner.
fn entry_text(command: &Command) -> String {
    let Command::Config(m) = command else {
        return command.to_string();
    };
    let letters = |set: Voters| set.iter().map(|id| id.name()).collect::<String>();
    // The cells are narrow: a configuration is written as a set, and a joint one shows where
    // it is going ("→{ABCD}"); the tooltip and the cluster's status line give all of it.
    let mut text = String::from(if m.is_joint() { "→{" } else { "{" });
    text += &letters(m.quorum.incoming());
    text += "}";
    if !m.learners.is_empty() {
        text += "+";
        text += &letters(m.learners);
    }
    text
}
