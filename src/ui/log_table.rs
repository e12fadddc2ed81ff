//! The log table: one row per node, entries lined up by index, coloured by term, committed
//! entries solid and uncommitted ones hollow, with the leader's nextIndex and matchIndex.

use yew::prelude::*;

use super::words_markup;
use crate::i18n::Catalogue;

use crate::raft::{Command, Node, NodeId, Voters};
use crate::sim::World;

use super::cluster_view::term_class;
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
                &n.entries()[shown..],
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

/// The table.
/// The table of every node's log: the latest `window` indices at most.
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
    let leader = world.leader().and_then(|l| world.node(l));
    let columns = (last_index + 1).saturating_sub(first_shown).max(1);
    // Earlier entries left out are marked on the first index shown ("…5"), not on a line of
    // their own, so the table stays as short as the rows.
    let header_cells = (first_shown..=last_index).map(|i| {
        let elided = i == first_shown && first_shown > 1;
        html! {
            <span class="log-index" style={format!("grid-column:{}", i - first_shown + 1)}
                  title={elided.then(|| format!("{} earlier entries not shown", first_shown - 1))}>
                { if elided { format!("…{i}") } else { i.to_string() } }
            </span>
        }
    });
    let grid_style = format!("grid-template-columns: repeat({columns}, var(--log-cell))");
    let highlights = Highlights::of(world);
    html! {
        <div class="log-table-wrap">
            <table class="log-table" data-testid="log-table">
                <caption class="visually-hidden">{ "Each node's log; solid entries are committed" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "node" }</th>
                        <th scope="col" title="commit index">{ "commit" }</th>
                        <th scope="col" title="the leader's nextIndex and matchIndex for this node">{ "next / match" }</th>
                        if snapshots {
                            <th scope="col" title="the snapshot that replaced the start of the log (§7)">{ "snapshot" }</th>
                        }
                        <th scope="col" class="entries-head">
                            <div class="log-grid" style={grid_style.clone()}>{ for header_cells }</div>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    { for world.nodes().iter().map(|node| row(node, leader, first_shown, &grid_style, &highlights, tour_entries, snapshots)) }
                </tbody>
            </table>
            <p class="log-key">{ words_markup(words, "ui.log-key") }
                if snapshots {
                    { " " }{ words_markup(words, "ui.log-key-snapshot") }
                }
            </p>
        </div>
    }
}

fn row(
    node: &Node,
    leader: Option<&Node>,
    first_shown: u64,
    grid_style: &str,
    highlights: &Highlights,
    tour_entries: &[(NodeId, u64)],
    snapshot_column: bool,
) -> Html {
    let node_named = highlights.nodes.is_empty() || highlights.nodes.contains(&node.id());
    let id = node.id();
    let is_leader = leader.is_some_and(|l| l.id() == id);
    let replication = leader
        .filter(|l| l.id() != id)
        .and_then(|l| follower_progress(l, id));
    let snapshot = node.log().snapshot();
    let compacted = snapshot
        .filter(|s| s.last_index >= first_shown)
        .map(|s| {
            let span = s.last_index + 1 - first_shown;
            html! { <span class="log-compacted" aria-hidden="true" style={format!("grid-column:1 / span {span}")}></span> }
        });
    let snapshot_block = snapshot.map(|s| {
        html! {
            <span class={classes!("log-snapshot", term_class(s.last_term))} data-testid="log-snapshot"
                  data-node={id.to_string()} data-index={s.last_index.to_string()} data-term={s.last_term.to_string()}
                  title={format!("snapshot of entries 1 to {} (last term {}): value {}, {} client session(s)",
                                 s.last_index, s.last_term, s.value, s.sessions.len())}>
                { format!("≤{}", s.last_index) }
            </span>
        }
    });
    let entries = node
        .entries()
        .iter()
        .filter(|e| e.index >= first_shown)
        .map(|e| {
            let committed = e.index <= node.commit_index();
            let violating = node_named && highlights.indices.contains(&e.index);
            let emphasised = tour_entries.contains(&(id, e.index));
            html! {
                <span class={classes!("log-entry", term_class(e.term), if committed { "committed" } else { "uncommitted" },
                                      matches!(e.command, Command::Config(_)).then_some("config-entry"),
                                      violating.then_some("violating"), emphasised.then_some("tour-highlight"))}
                      data-testid="log-entry" data-node={id.to_string()} data-index={e.index.to_string()}
                      data-term={e.term.to_string()} data-committed={committed.to_string()}
                      style={format!("grid-column:{}", e.index - first_shown + 1)}
                      title={format!("index {}, term {}, {}{}", e.index, e.term, e.command,
                                     if committed { ", committed" } else { ", not committed" })}>
                    // A configuration's set of servers fills the cell; its term shows in its
                    // colour and tooltip, so the row stays one line high.
                    if !matches!(e.command, Command::Config(_)) {
                        <span class="entry-term">{ format!("T{}", e.term) }</span>
                    }
                    <span class="entry-command">{ entry_text(&e.command) }</span>
                </span>
            }
        });
    html! {
        <tr class={classes!(if node.is_stopped() { "stopped" } else { node.role().as_str() })}
            data-testid="log-row" data-node={id.to_string()}>
            <th scope="row">
                { id.to_string() }
                if is_leader { <span class="leader-mark" title="leader">{ " ★" }</span> }
                if node.is_stopped() { <span class="stopped-mark">{ " (stopped)" }</span> }
            </th>
            <td class="num">{ node.commit_index() }</td>
            <td class="num">{ replication.map(|(next, matched)| format!("{next} / {matched}")).unwrap_or_default() }</td>
            if snapshot_column {
                <td>{ for snapshot_block }</td>
            }
            <td class="entries"><div class="log-grid" style={grid_style.to_string()}>{ for compacted }{ for entries }</div></td>
        </tr>
    }
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
