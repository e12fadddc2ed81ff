//! The inspector: the whole state of the selected node, message or client.
//!
//! Its tables only show, so they are written as markup text from the catalogue's templates
//! (`ui.node-facts`, `ui.message-facts`, `ui.client-facts`: one entry per table, its row heads
//! in the page's words), which costs the bundle far less than elements written with `html!`.

use std::fmt::Write;

use yew::prelude::*;

use crate::raft::{ClientId, Endpoint, Node, NodeId, Role};
use crate::sim::{Action, InFlightMessage, OpOutcome, World};

use super::controls::client_name;
use super::event_list::{command_of, escape, format_time, markup, say_with, why_text};
use super::sandbox::{Sandbox, Selection, UiCommand};
use super::say;
use crate::i18n::Catalogue;

/// The inspector panel.
pub fn inspector(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let world = sandbox.world();
    let words = sandbox.words();
    let body = match sandbox.selection() {
        None => format!("<p class=\"hint\">{}</p>", say(words, "ui.inspector-hint")),
        Some(Selection::Node(id)) => match world.node(id) {
            Some(node) => node_details(world, node, words),
            None => hint(say_with(words, "ui.no-node", &[("node", &id)])),
        },
        Some(Selection::Message(id)) => match world.message(id) {
            Some(m) => message_details(world, m, words),
            None => hint(say_with(words, "ui.message-gone", &[("id", &id)])),
        },
        Some(Selection::Client(id)) => client_details(world, id, words),
    };
    // The one button in it, Drop this message, is markup too: this listener reads it.
    let drop = {
        let dispatch = dispatch.clone();
        let selected = sandbox.selection();
        Callback::from(move |e: MouseEvent| {
            if let (Some(Selection::Message(id)), "drop") = (selected, command_of(&e).as_str()) {
                dispatch.emit(UiCommand::Act(Action::DropMessage(id)));
            }
        })
    };
    let title = say(words, "ui.inspector");
    html! {
        <section class="panel inspector" data-testid="inspector" aria-label={title.clone()} onclick={drop}>
            <div class="panel-head"><h2>{ title }</h2></div>
            { markup(body) }
        </section>
    }
}

/// A hint paragraph, as markup.
fn hint(text: String) -> String {
    format!("<p class=\"hint\">{text}</p>")
}

/// Microseconds as milliseconds to a tenth ("12.5"), rounded to the nearest, with the reader's
/// decimal mark.
pub(crate) fn tenths_of_ms(us: u64) -> String {
    let tenths = (us + 50) / 100;
    let mark = super::language::decimal_mark();
    format!("{}{mark}{}", tenths / 10, tenths % 10)
}

/// "in 12.5 ms" or "3.0 ms ago" from now, or a dash.
fn in_ms(world: &World, at: Option<u64>, words: Option<&Catalogue>) -> String {
    match at {
        Some(t) if t >= world.now() => {
            say_with(words, "ui.in-ms", &[("ms", &tenths_of_ms(t - world.now()))])
        }
        Some(t) => say_with(
            words,
            "ui.ms-ago",
            &[("ms", &tenths_of_ms(world.now() - t))],
        ),
        None => "—".to_string(),
    }
}

/// A server's name, or a client's in the page's words.
pub(super) fn endpoint_name(endpoint: Endpoint, words: Option<&Catalogue>) -> String {
    match endpoint {
        Endpoint::Node(n) => n.name(),
        Endpoint::Client(c) => client_name(words, c.index()),
    }
}

/// A node's role in words: stopped, or the role it is in (a pre-candidate apart).
fn role_word(node: &Node, words: Option<&Catalogue>) -> String {
    match node.role() {
        _ if node.is_stopped() => say(words, "role.stopped"),
        Role::PreCandidate => say(words, "ui.role-pre-candidate"),
        role => say(words, &format!("role.{}", role.as_str())),
    }
}

/// A node's state as Figure 2 names it, and why it is in its role and why its election timer
/// is where it is (a leader has none).
fn node_details(world: &World, node: &Node, words: Option<&Catalogue>) -> String {
    let dash = || "—".to_string();
    let name = |n: NodeId| n.name();
    let peers = |values: Option<&[u64]>| -> String {
        values.map_or_else(dash, |v| {
            let others = v
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != node.id().index());
            let shown: Vec<String> = others
                .map(|(i, x)| format!("{} {x}", NodeId(i as u8)))
                .collect();
            shown.join(", ")
        })
    };
    let votes: Vec<String> = node.votes_held().iter().map(|n| n.name()).collect();
    let snapshot = node.log().snapshot().map_or_else(dash, |s| {
        say_with(
            words,
            "ui.snapshot-fact",
            &[("index", &s.last_index), ("term", &s.last_term)],
        )
    });
    let mut table = format!(
        "<table class=\"facts\" data-testid=\"inspector-node\" data-node=\"{}\">{}</table>",
        node.id(),
        say_with(
            words,
            "ui.node-facts",
            &[
                ("node", &node.id()),
                ("role", &role_word(node, words)),
                ("term", &node.term()),
                ("voted-for", &node.voted_for().map_or_else(dash, name)),
                (
                    "votes",
                    &if votes.is_empty() {
                        dash()
                    } else {
                        votes.join(", ")
                    }
                ),
                ("length", &node.log().last_index()),
                ("last-term", &node.log().last_term()),
                ("snapshot", &snapshot),
                ("commit", &node.commit_index()),
                ("applied", &node.last_applied()),
                ("value", &node.value()),
                ("leader", &node.leader_hint().map_or_else(dash, name)),
                ("timeout", &in_ms(world, node.election_deadline(), words)),
                ("heartbeat", &in_ms(world, node.next_heartbeat(), words)),
                ("next", &peers(node.next_index())),
                ("match", &peers(node.match_index())),
            ],
        )
    );
    let id = node.id();
    let timer = world
        .why_timer(id)
        .filter(|_| node.election_deadline().is_some());
    for why in world.why_role(id).into_iter().chain(timer) {
        let _ = write!(
            table,
            "<p class=\"reason\" data-testid=\"why\" data-rule=\"{}\">{}</p>",
            why.rule.key(),
            escape(&why_text(words, &why))
        );
    }
    table
}

/// A message in flight: where it goes, what it says, and what its receiver would do with it
/// if it arrived now, and why (its handler run on a copy).
fn message_details(world: &World, m: &InFlightMessage, words: Option<&Catalogue>) -> String {
    let mut arrival = String::from("<ul class=\"why-list\">");
    for why in world.preview_delivery(m.id) {
        let _ = write!(
            arrival,
            "<li class=\"reason\" data-testid=\"why\">{}</li>",
            escape(&why_text(words, &why))
        );
    }
    arrival += "</ul>";
    let arrives = format!(
        "{} ({})",
        format_time(m.deliver_at),
        in_ms(world, Some(m.deliver_at), words)
    );
    let copy = if m.duplicate {
        say(words, "ui.message-copy")
    } else {
        String::new()
    };
    let facts = say_with(
        words,
        "ui.message-facts",
        &[
            ("id", &m.id),
            ("kind", &m.message.kind_name()),
            ("from", &endpoint_name(m.from, words)),
            ("to", &endpoint_name(m.to, words)),
            ("sent", &format_time(m.sent_at)),
            ("arrives", &arrives),
            ("summary", &escape(&m.message.summary())),
            ("copy", &copy),
            ("arrival", &arrival),
        ],
    );
    let mut table = format!("<table class=\"facts\" data-testid=\"inspector-message\">{facts}<tbody class=\"message-fields\" data-testid=\"message-fields\">");
    for (name, value) in m.message.fields() {
        let _ = write!(
            table,
            "<tr><th scope=\"row\">{name}</th><td>{}</td></tr>",
            escape(&value)
        );
    }
    table + "</tbody></table>" + &say(words, "ui.drop-button")
}

/// The commands a client sent, newest first.
fn client_details(world: &World, id: ClientId, words: Option<&Catalogue>) -> String {
    let mut list = say_with(
        words,
        "ui.client-facts",
        &[("client", &client_name(words, id.index()))],
    );
    list += "<ul class=\"ops\">";
    let ops = world.operations().iter().filter(|op| op.client == id);
    for op in ops.rev().take(12) {
        let outcome = match op.outcome {
            OpOutcome::Pending => say(words, "ui.op-waiting"),
            OpOutcome::Ok { value, index } => {
                say_with(words, "ui.op-ok", &[("index", &index), ("value", &value)])
            }
            OpOutcome::Failed => say(words, "ui.op-failed"),
        };
        let line = say_with(
            words,
            "ui.client-op",
            &[
                ("seq", &op.seq),
                ("command", &op.command),
                ("node", &op.node),
                ("outcome", &outcome),
                ("sent", &format_time(op.invoked_at)),
                ("attempts", &op.attempts),
            ],
        );
        let _ = write!(list, "<li>{line}</li>");
    }
    format!("<div data-testid=\"inspector-client\">{list}</ul></div>")
}
