//! The inspector: the whole state of the selected node, message or client.

use crate::decimal::fixed;
use yew::prelude::*;

use crate::raft::{ClientId, Node, NodeId};
use crate::sim::{Action, InFlightMessage, MessageId, OpOutcome, World};

use super::event_list::format_time;
use super::event_list::why_text;
use super::sandbox::{Sandbox, Selection, UiCommand};
use crate::i18n::Catalogue;

/// The inspector panel.
pub fn inspector(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let world = sandbox.world();
    let body = match sandbox.selection() {
        None => html! {
            <p class="hint">{ "Click a node, a message or a client to see everything about it." }</p>
        },
        Some(Selection::Node(id)) => match world.node(id) {
            Some(node) => html! {
                <>
                    { node_details(world, node) }
                    // Why it is in its role, and why its election timer is where it is (a
                    // leader has none).
                    { for world.why_role(id).into_iter()
                        .chain(world.why_timer(id).filter(|_| node.election_deadline().is_some()))
                        .map(|why| html! {
                            <p class="reason" data-testid="why" data-rule={why.rule.key()}>{ why_text(sandbox.words(), &why) }</p>
                        }) }
                </>
            },
            None => html! { <p class="hint">{ format!("There is no node {id}.") }</p> },
        },
        Some(Selection::Message(id)) => match world.message(id) {
            Some(m) => message_details(world, m, sandbox.words(), dispatch),
            None => {
                html! { <p class="hint">{ format!("Message #{id} has arrived or was dropped.") }</p> }
            }
        },
        Some(Selection::Client(id)) => client_details(world, id),
    };
    html! {
        <section class="panel inspector" data-testid="inspector" aria-label="Inspector">
            <div class="panel-head"><h2>{ "Inspector" }</h2></div>
            { body }
        </section>
    }
}

fn row(label: &str, value: impl Into<Html>) -> Html {
    html! { <tr><th scope="row">{ label.to_string() }</th><td>{ value.into() }</td></tr> }
}

fn in_ms(world: &World, at: Option<u64>) -> String {
    match at {
        Some(t) if t >= world.now() => {
            format!("in {} ms", fixed((t - world.now()) as f64 / 1000.0, 1))
        }
        Some(t) => format!("{} ms ago", fixed((world.now() - t) as f64 / 1000.0, 1)),
        None => "—".to_string(),
    }
}

fn node_details(world: &World, node: &Node) -> Html {
    let role = if node.is_stopped() {
        "stopped".to_string()
    } else {
        node.role().label().to_string()
    };
    let peers = |values: Option<&[u64]>| -> String {
        values
            .map(|v| {
                v.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != node.id().index())
                    .map(|(i, x)| format!("{} {x}", NodeId(i as u8)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_else(|| "—".to_string())
    };
    let votes = node
        .votes_held()
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    html! {
        <table class="facts" data-testid="inspector-node" data-node={node.id().to_string()}>
            <caption>{ format!("Node {}", node.id()) }</caption>
            { row("role", role) }
            { row("currentTerm", node.term().to_string()) }
            { row("votedFor", node.voted_for().map(|n| n.to_string()).unwrap_or_else(|| "—".into())) }
            { row("votes held", if votes.is_empty() { "—".to_string() } else { votes }) }
            { row("log length", node.log().last_index().to_string()) }
            { row("last log term", node.log().last_term().to_string()) }
            { row("snapshot", node.log().snapshot().map_or_else(|| "—".into(), |s| format!("entries 1 to {} (lastIncludedTerm {})", s.last_index, s.last_term))) }
            { row("commitIndex", node.commit_index().to_string()) }
            { row("lastApplied", node.last_applied().to_string()) }
            { row("value", node.value().to_string()) }
            { row("leader known", node.leader_hint().map(|n| n.to_string()).unwrap_or_else(|| "—".into())) }
            { row("election timeout", in_ms(world, node.election_deadline())) }
            { row("next heartbeat", in_ms(world, node.next_heartbeat())) }
            { row("nextIndex", peers(node.next_index())) }
            { row("matchIndex", peers(node.match_index())) }
        </table>
    }
}

fn message_details(
    world: &World,
    m: &InFlightMessage,
    words: Option<&Catalogue>,
    dispatch: &Callback<UiCommand>,
) -> Html {
    // What the receiver would do with it, and why (its handler run on a copy).
    let arrival = html! {
        <ul class="why-list">
            { for world.preview_delivery(m.id).iter().map(|why| html! {
                <li class="reason" data-testid="why">{ why_text(words, why) }</li>
            }) }
        </ul>
    };
    let id: MessageId = m.id;
    let drop = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::Act(Action::DropMessage(id))))
    };
    html! {
        <>
            <table class="facts" data-testid="inspector-message">
                <caption>{ format!("Message #{} ({})", m.id, m.message.kind_name()) }</caption>
                { row("from", m.from.to_string()) }
                { row("to", m.to.to_string()) }
                { row("sent", format_time(m.sent_at)) }
                { row("arrives", format!("{} ({})", format_time(m.deliver_at), in_ms(world, Some(m.deliver_at)))) }
                { row("summary", m.message.summary()) }
                if m.duplicate { { row("copy", "made by network duplication") } }
                { row("if it arrived now", arrival) }
                <tbody class="message-fields" data-testid="message-fields">
                    { for m.message.fields().into_iter().map(|(name, value)| row(name, value)) }
                </tbody>
            </table>
            <button class="btn danger" data-testid="btn-drop-message" onclick={drop}>
                { "Drop this message" }
            </button>
        </>
    }
}

fn client_details(world: &World, id: ClientId) -> Html {
    let ops = world
        .operations()
        .iter()
        .filter(|op| op.client == id)
        .rev()
        .take(12)
        .map(|op| {
            let outcome = match op.outcome {
                OpOutcome::Pending => "waiting".to_string(),
                OpOutcome::Ok { value, index } => format!("ok at index {index}, value {value}"),
                OpOutcome::Failed => "gave up".to_string(),
            };
            html! {
                <li>{ format!("#{} {} → {}: {} (sent {}, {} attempt{})", op.seq, op.command, op.node,
                              outcome, format_time(op.invoked_at), op.attempts,
                              if op.attempts == 1 { "" } else { "s" }) }</li>
            }
        });
    html! {
        <div data-testid="inspector-client">
            <h3>{ id.name() }</h3>
            <p class="hint">{ "Commands this client sent, newest first:" }</p>
            <ul class="ops">{ for ops }</ul>
        </div>
    }
}
