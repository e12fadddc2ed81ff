//! The cluster drawn in SVG: nodes on a ring, the links between them, clients, and every message
//! in flight placed by interpolating between its send and delivery times.

use crate::decimal::fixed;
use yew::prelude::*;

use crate::raft::{Endpoint, Member, Message, Node, NodeId, Role};
use crate::sim::{InFlightMessage, World};

use super::frozen::{fingerprint, ViewCache};
use super::geometry::{self, Point, VIEW_SIZE};
use super::invariants_panel::Highlights;
use super::sandbox::{Sandbox, Selection, UiCommand};
use super::spacetime::message_class;

/// Where client `index` of `count` stands: along the bottom edge, clear of the ring.
pub fn client_position(index: usize, count: usize) -> Point {
    let margin = 30.0;
    let x = if count <= 1 {
        margin
    } else {
        margin + (VIEW_SIZE - 2.0 * margin) * index as f64 / (count - 1) as f64
    };
    Point {
        x,
        y: VIEW_SIZE - margin,
    }
}

fn endpoint_position(world: &World, endpoint: Endpoint) -> Point {
    match endpoint {
        Endpoint::Node(n) => geometry::node_position(n.index(), world.nodes().len()),
        Endpoint::Client(c) => client_position(c.index(), world.clients().len()),
    }
}

/// The term colour class: terms cycle through eight colours that are distinct in both schemes.
pub fn term_class(term: u64) -> String {
    format!("term-c{}", term % 8)
}

/// The whole SVG.
pub fn cluster_svg(
    sandbox: &Sandbox,
    dispatch: &Callback<UiCommand>,
    cache: &mut ViewCache,
) -> Html {
    let world = sandbox.world();
    let n = world.nodes().len();
    // The links change only when the network does: drawn once per partition or cut, not per frame.
    let network = world.network();
    let links_version = fingerprint(&(
        n,
        network.partition(),
        network.cut_links().collect::<Vec<_>>(),
    ));
    let links = cache.view("links", links_version, || {
        html! {
            <g class="links">
                { for (0..n)
                    .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                    .map(|(i, j)| link(world, i, j, dispatch)) }
            </g>
        }
    });
    let highlights = Highlights::of(world);
    let nodes = world
        .nodes()
        .iter()
        .map(|node| node_view(sandbox, node, &highlights, dispatch));
    let clients = (0..world.clients().len()).map(|i| client_view(sandbox, i, dispatch));
    // Keyed by id: a message keeps its element from send to delivery, and only its place changes.
    let messages = world
        .in_flight()
        .map(|m| message_view(sandbox, m, dispatch));
    let background_click = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::Select(None)))
    };
    let view_box = format!("0 0 {} {}", f(VIEW_SIZE), f(VIEW_SIZE));
    html! {
        <svg class="cluster-svg" viewBox={view_box} role="group"
             aria-label="Cluster: nodes on a ring with messages in flight">
            <rect class="cluster-bg" x="0" y="0" width={f(VIEW_SIZE)}
                  height={f(VIEW_SIZE)} onclick={background_click} />
            { links }
            <g class="nodes">{ for nodes }</g>
            <g class="clients">{ for clients }</g>
            <g class="messages">{ for messages }</g>
        </svg>
    }
}

fn link(world: &World, i: usize, j: usize, dispatch: &Callback<UiCommand>) -> Html {
    let n = world.nodes().len();
    let (a, b) = (NodeId(i as u8), NodeId(j as u8));
    let pa = geometry::node_position(i, n);
    let pb = geometry::node_position(j, n);
    let network = world.network();
    let cut = network.is_cut(a, b) || network.is_cut(b, a);
    let partitioned = network
        .blocked(Endpoint::Node(a), Endpoint::Node(b))
        .is_some()
        && !cut;
    let class = classes!(
        "link",
        cut.then_some("link-cut"),
        partitioned.then_some("link-partitioned")
    );
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.emit(UiCommand::ToggleLink(a, b));
        })
    };
    let label = format!(
        "Link {a}–{b}: {}. Click to {}.",
        if cut {
            "cut"
        } else if partitioned {
            "blocked by the partition"
        } else {
            "up"
        },
        if cut { "restore it" } else { "cut it" }
    );
    let mid = geometry::along(pa, pb, 0.5, 0.0);
    html! {
        <g class={class} data-testid="link" data-link={format!("{a}-{b}")} onclick={onclick}>
            <title>{ label }</title>
            <line class="link-hit" x1={f(pa.x)} y1={f(pa.y)} x2={f(pb.x)} y2={f(pb.y)} />
            <line class="link-line" x1={f(pa.x)} y1={f(pa.y)} x2={f(pb.x)} y2={f(pb.y)} />
            if cut || partitioned {
                <text class="link-mark" x={f(mid.x)} y={f(mid.y)} text-anchor="middle"
                      dominant-baseline="central">{ "✕" }</text>
            }
        </g>
    }
}

fn node_view(
    sandbox: &Sandbox,
    node: &Node,
    highlights: &Highlights,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let world = sandbox.world();
    let count = world.nodes().len();
    let id = node.id();
    let centre = geometry::node_position(id.index(), count);
    let r = geometry::node_radius(count);
    let role = sandbox.role_name(id);
    // Its place in the configuration in use (§6): learners and servers left out are drawn
    // apart, and say so in words.
    let member = world.member(id);
    let now = world.now();
    let config = world.config();
    let selected = sandbox.selection() == Some(Selection::Node(id));
    let draft_group = sandbox
        .partition_draft()
        .and_then(|d| d.get(id.index()).copied());
    // Groups a tour step tells apart (two majorities, say), coloured like the editor's groups;
    // the caption names them, so they carry no badge.
    let tour_group = sandbox.tour().and_then(|t| {
        let groups = &t.highlight().groups;
        // Styled as the editor's coloured groups 1 and 2 (its group 0 keeps the plain look).
        groups
            .iter()
            .position(|g| g.contains(&id))
            .map(|g| g as u8 + 1)
    });

    // The election timer counts down as an arc around followers and candidates; a leader shows
    // the time to its next heartbeat instead.
    let timer = if node.is_stopped() {
        Html::default()
    } else if node.role() == Role::Leader {
        let fraction = node
            .next_heartbeat()
            .map(|due| due.saturating_sub(now) as f64 / config.heartbeat_interval_us.max(1) as f64)
            .unwrap_or(0.0);
        html! {
            <path class="heartbeat-arc" d={geometry::arc_path(Point { x: 0.0, y: 0.0 }, r + 6.0, fraction)} />
        }
    } else {
        let fraction = node
            .election_deadline()
            .map(|due| {
                due.saturating_sub(now) as f64 / config.election_timeout_max_us.max(1) as f64
            })
            .unwrap_or(0.0);
        html! {
            <path class="timer-arc" data-testid="election-timer"
                  d={geometry::arc_path(Point { x: 0.0, y: 0.0 }, r + 6.0, fraction)} />
        }
    };

    // Under the node: its role in words (shapes and colours say it too), and what it is doing
    // in that role on a second line.
    let (role_word, doing) = if node.is_stopped() {
        ("stopped", String::new())
    } else {
        match node.role() {
            Role::Leader => ("leader", String::new()),
            Role::Follower if member == Member::Learner => ("learner", String::new()),
            Role::Follower if member == Member::None => ("not a member", String::new()),
            Role::Candidate | Role::PreCandidate => {
                let (word, votes) = if node.role() == Role::Candidate {
                    ("candidate", "votes")
                } else {
                    ("pre-candidate", "pre-votes")
                };
                let held = node.votes_held().len();
                // Out of the voters of its own configuration (the newer half while joint).
                let needed =
                    crate::raft::majority(node.membership().quorum.incoming().len().max(1));
                (word, format!("{held} of {needed} {votes}"))
            }
            Role::Follower => (
                "follower",
                node.voted_for()
                    .map(|v| format!("voted {v}"))
                    .unwrap_or_default(),
            ),
        }
    };
    let onclick = {
        let dispatch = dispatch.clone();
        let editing = draft_group.is_some();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.emit(if editing {
                UiCommand::CycleGroup(id)
            } else {
                UiCommand::Select(Some(Selection::Node(id)))
            });
        })
    };
    let onkeydown = {
        let dispatch = dispatch.clone();
        let editing = draft_group.is_some();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                dispatch.emit(if editing {
                    UiCommand::CycleGroup(id)
                } else {
                    UiCommand::Select(Some(Selection::Node(id)))
                });
            }
        })
    };
    let label = format!(
        "Node {id}: {role}, term {}, value {}{}{}",
        node.term(),
        node.value(),
        match member {
            Member::Voter => "",
            Member::Learner => ", learner (does not vote yet)",
            Member::None => ", not in the cluster",
        },
        if selected { ", selected" } else { "" }
    );
    let class = classes!(
        "node",
        format!("role-{role}"),
        format!("member-{}", member.as_str()),
        selected.then_some("selected"),
        highlights.nodes.contains(&id).then_some("violating"),
        sandbox
            .tour()
            .is_some_and(|t| t.highlight().nodes.contains(&id))
            .then_some("tour-highlight"),
        draft_group.or(tour_group).map(|g| format!("group-{g}"))
    );
    html! {
        <g class={class} data-testid={format!("node-{id}")} data-role={role} data-member={member.as_str()}
           data-term={node.term().to_string()} transform={format!("translate({} {})", f(centre.x), f(centre.y))}
           onclick={onclick} onkeydown={onkeydown} tabindex="0" role="button" aria-label={label}>
            <circle class="timer-track" r={f(r + 6.0)} />
            { timer }
            <circle class="node-body" r={f(r)} />
            if node.role() == Role::Leader && !node.is_stopped() {
                <circle class="leader-ring" r={f(r - 5.0)} />
            }
            if node.is_stopped() {
                <path class="stopped-cross" d={format!("M {a} {a} L {b} {b} M {a} {b} L {b} {a}", a = f(-r * 0.55), b = f(r * 0.55))} />
            }
            <text class="node-name" y={f(-r * 0.28)} text-anchor="middle" dominant-baseline="central">{ id.to_string() }</text>
            <text class="node-term" y={f(r * 0.12)} text-anchor="middle" dominant-baseline="central">{ format!("term {}", node.term()) }</text>
            <text class="node-value" data-testid="node-value" y={f(r * 0.48)} text-anchor="middle"
                  dominant-baseline="central">{ node.value().to_string() }</text>
            // Line heights in em, so the labels keep their spacing when a small screen enlarges
            // them (main.css); geometry::LABELS_BELOW keeps room for both lines.
            <text class="node-detail" y={f(r + 6.0)} text-anchor="middle">
                <tspan x="0" dy="1em" data-testid="node-role">{ role_word }</tspan>
                if !doing.is_empty() {
                    <tspan class="node-doing" x="0" dy="1.15em">{ doing }</tspan>
                }
            </text>
            // Words, not a lone number in a box (which would look like a message carrying
            // entries), placed toward the inside of the ring so they stay in view.
            if let Some(g) = draft_group {
                <text class="group-badge" data-testid="group-badge"
                      x={f(if centre.x > geometry::ring_centre().x { -(r + 4.0) } else { r + 4.0 })} y={f(-r * 0.75)}
                      text-anchor={if centre.x > geometry::ring_centre().x { "end" } else { "start" }}
                      dominant-baseline="central">{ format!("group {}", g + 1) }</text>
            }
        </g>
    }
}

fn client_view(sandbox: &Sandbox, index: usize, dispatch: &Callback<UiCommand>) -> Html {
    let world = sandbox.world();
    let Some(client) = world.clients().get(index) else {
        return Html::default();
    };
    let id = client.id();
    let p = client_position(index, world.clients().len());
    let chosen = sandbox.client() == id;
    let status = match client
        .current_op()
        .and_then(|op| world.operations().get(op))
    {
        Some(op) => format!("{} …", op.command),
        None => world
            .operations()
            .iter()
            .rev()
            .find(|op| op.client == id)
            .map(|op| match op.outcome {
                crate::sim::OpOutcome::Ok { value, .. } => format!("{} ✓ {value}", op.command),
                crate::sim::OpOutcome::Failed => format!("{} gave up", op.command),
                crate::sim::OpOutcome::Pending => format!("{} …", op.command),
            })
            .unwrap_or_else(|| "idle".to_string()),
    };
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.emit(UiCommand::ChooseClient(id));
            dispatch.emit(UiCommand::Select(Some(Selection::Client(id))));
        })
    };
    let anchor = if p.x < VIEW_SIZE / 2.0 {
        "start"
    } else {
        "end"
    };
    let label_x = if p.x < VIEW_SIZE / 2.0 { -18.0 } else { 18.0 };
    html! {
        <g class={classes!("client", chosen.then_some("chosen"))} data-testid={format!("client-{}", index + 1)}
           transform={format!("translate({} {})", f(p.x), f(p.y))} onclick={onclick}
           role="button" tabindex="0" aria-label={format!("{}: {status}", id.name())}>
            <rect class="client-body" x="-18" y="-12" width="36" height="24" rx="5" />
            <text class="client-name" text-anchor="middle" dominant-baseline="central">{ format!("C{}", index + 1) }</text>
            <text class="client-status" x={f(label_x)} y="-18" text-anchor={anchor}>{ status }</text>
        </g>
    }
}

/// The class and short label that tell message types apart by shape as well as colour (the
/// space-time diagram uses the same classes).
fn message_style(message: &Message) -> (&'static str, String) {
    let fields = message.field_values();
    let class = message_class(message.kind(), &fields);
    let label = match class {
        "msg-vote-yes" | "msg-client-ok" => "✓",
        "msg-vote-no" | "msg-append-fail" => "✕",
        "msg-append" => return (class, fields.count.to_string()),
        "msg-client-redirect" => "↪",
        "msg-timeout-now" => "!",
        "msg-snapshot" => "S",
        _ => "",
    };
    (class, label.to_string())
}

fn message_view(sandbox: &Sandbox, m: &InFlightMessage, dispatch: &Callback<UiCommand>) -> Html {
    let world = sandbox.world();
    let from = endpoint_position(world, m.from);
    let to = endpoint_position(world, m.to);
    let trim = geometry::node_radius(world.nodes().len());
    let t = geometry::progress(m.sent_at, m.deliver_at, world.now());
    let p = geometry::along(from, to, t, trim);
    let (class, label) = message_style(&m.message);
    let selected = sandbox.selection() == Some(Selection::Message(m.id));
    let emphasised = sandbox
        .tour()
        .is_some_and(|t| t.highlight().messages.contains(&m.message.kind()));
    let id = m.id;
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            dispatch.emit(UiCommand::Select(Some(Selection::Message(id))));
        })
    };
    let shape = match class {
        "msg-append" => {
            html! { <rect class="msg-shape" x="-8" y="-8" width="16" height="16" rx="2" /> }
        }
        "msg-heartbeat" | "msg-append-ok" | "msg-append-fail" => {
            html! { <circle class="msg-shape" r="5.5" /> }
        }
        "msg-client" | "msg-client-ok" | "msg-client-redirect" => {
            html! { <path class="msg-shape" d="M 0 -8 L 8 0 L 0 8 L -8 0 Z" /> }
        }
        // A triangle: a warning to the one server it goes to.
        "msg-timeout-now" => html! { <path class="msg-shape" d="M 0 -9 L 9 7 L -9 7 Z" /> },
        // A wide block: a whole state machine in one message.
        "msg-snapshot" => {
            html! { <rect class="msg-shape" x="-13" y="-8" width="26" height="16" rx="3" /> }
        }
        _ => html! { <circle class="msg-shape" r="7.5" /> },
    };
    html! {
        <g key={id} class={classes!("message", class, selected.then_some("selected"), emphasised.then_some("tour-highlight"))} data-testid="message"
           data-type={m.message.kind_name()} data-id={id.to_string()}
           transform={format!("translate({} {})", f(p.x), f(p.y))} onclick={onclick}>
            <circle class="msg-hit" r="12" />
            { shape }
            if !label.is_empty() {
                <text class="msg-label" text-anchor="middle" dominant-baseline="central">{ label }</text>
            }
        </g>
    }
}

fn f(value: f64) -> String {
    fixed(value, 2)
}
