//! The cluster drawn in SVG: nodes on a ring, the links between them, clients, and every message
//! in flight placed by interpolating between its send and delivery times.

use std::fmt::Write;

use crate::decimal::fixed;
use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::raft::{Endpoint, Member, Message, Node, NodeId, Role};
use crate::sim::{InFlightMessage, World};

use super::controls::client_name;
use super::event_list::{data_of, markup, say_with};
use super::frozen::{fingerprint, ViewCache};
use super::geometry::{self, Point, VIEW_SIZE};
use super::inspector::endpoint_name;
use super::invariants_panel::Highlights;
use super::sandbox::{Sandbox, Selection, UiCommand};
use super::say;
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

/// `class` when `on`, else nothing: a class attribute is written as one string (cheaper in the
/// bundle than `classes!`).
fn class_if(on: bool, class: &str) -> &str {
    if on {
        class
    } else {
        ""
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
    let words = sandbox.words();
    let links_version = fingerprint(&(
        n,
        network.partition(),
        network.cut_links().collect::<Vec<_>>(),
        words.is_some(),
    ));
    let links = cache.view("links", links_version, || {
        let mut drawn = String::new();
        for i in 0..n {
            for j in i + 1..n {
                link(&mut drawn, world, i, j, words);
            }
        }
        // Clicking a link cuts or restores it: one listener reads which from its `data-link`.
        // Each link is an SVG `<a>`, so the keyboard reaches it (Tab) and Enter clicks it.
        let toggle = {
            let dispatch = dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                let pair = data_of(&e, "data-link");
                let (a, b) = pair.split_once('-').unwrap_or_default();
                if let (Some(a), Some(b)) = (NodeId::from_name(a), NodeId::from_name(b)) {
                    e.stop_propagation();
                    e.prevent_default();
                    dispatch.emit(UiCommand::ToggleLink(a, b));
                }
            })
        };
        html! { <g class="links" onclick={toggle}>{ markup(drawn) }</g> }
    });
    let highlights = Highlights::of(world);
    let nodes = world
        .nodes()
        .iter()
        .map(|node| node_view(sandbox, node, &highlights));
    let clients = (0..world.clients().len()).map(|i| client_view(sandbox, i, dispatch));
    // Keyed by id: a message keeps its element from send to delivery, and only its place changes.
    let messages = world.in_flight().map(|m| message_view(sandbox, m));
    // A node is clicked, or pressed with Enter or Space, through one listener each: it selects
    // the node, or while a partition is drawn moves it to the next group.
    let on_node = {
        let dispatch = dispatch.clone();
        let editing = sandbox.partition_draft().is_some();
        move |e: &Event| {
            let Some(id) = NodeId::from_name(&data_of(e, "data-node")) else {
                return;
            };
            e.stop_propagation();
            dispatch.emit(if editing {
                UiCommand::CycleGroup(id)
            } else {
                UiCommand::Select(Some(Selection::Node(id)))
            });
        }
    };
    let node_click = {
        let on_node = on_node.clone();
        Callback::from(move |e: MouseEvent| on_node(&e))
    };
    let node_key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            on_node(&e);
        }
    });
    // A message is clicked (or, being an SVG `<a>`, pressed with Enter) through one listener:
    // it opens in the inspector.
    let on_message = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Ok(id) = data_of(&e, "data-id").parse() else {
                return;
            };
            e.stop_propagation();
            e.prevent_default();
            dispatch.emit(UiCommand::Select(Some(Selection::Message(id))));
        })
    };
    let background_click = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(UiCommand::Select(None)))
    };
    let view_box = format!("0 0 {} {}", f(VIEW_SIZE), f(VIEW_SIZE));
    html! {
        <svg class="cluster-svg" viewBox={view_box} role="group"
             aria-label={say(words, "ui.cluster")}>
            <rect class="cluster-bg" x="0" y="0" width={f(VIEW_SIZE)}
                  height={f(VIEW_SIZE)} onclick={background_click} />
            { links }
            <g class="nodes" onclick={node_click} onkeydown={node_key}>{ for nodes }</g>
            <g class="clients">{ for clients }</g>
            <g class="messages" onclick={on_message}>{ for messages }</g>
        </svg>
    }
}

/// The link between nodes `i` and `j`, as markup at the end of `out` (the links only change
/// with the network, and markup costs the bundle less than elements).
fn link(out: &mut String, world: &World, i: usize, j: usize, words: Option<&Catalogue>) {
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
    let (class, key) = match (cut, partitioned) {
        (true, _) => (" link-cut", "ui.link-cut"),
        (_, true) => (" link-partitioned", "ui.link-blocked"),
        _ => ("", "ui.link-up"),
    };
    let label = say_with(words, key, &[("a", &a), ("b", &b)]);
    let ends = format!(
        "x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"",
        f(pa.x),
        f(pa.y),
        f(pb.x),
        f(pb.y)
    );
    let _ = write!(
        out,
        "<a class=\"link{class}\" href=\"#\" role=\"button\" data-testid=\"link\" data-link=\"{a}-{b}\"><title>{label}</title><line class=\"link-hit\" {ends}></line><line class=\"link-line\" {ends}></line>"
    );
    if cut || partitioned {
        let mid = geometry::along(pa, pb, 0.5, 0.0);
        let _ = write!(
            out,
            "<text class=\"link-mark\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\">✕</text>",
            f(mid.x),
            f(mid.y)
        );
    }
    *out += "</a>";
}

/// Under a node: its role in words (shapes and colours say it too), and what it is doing in
/// that role, as catalogue words.
fn role_words(node: &Node, member: Member, words: Option<&Catalogue>) -> (String, String) {
    if node.is_stopped() {
        return (say(words, "role.stopped"), String::new());
    }
    match node.role() {
        Role::Leader => (say(words, "role.leader"), String::new()),
        Role::Follower if member == Member::Learner => {
            (say(words, "ui.role-learner"), String::new())
        }
        Role::Follower if member == Member::None => {
            (say(words, "ui.role-not-member"), String::new())
        }
        Role::Candidate | Role::PreCandidate => {
            let (word, votes) = if node.role() == Role::Candidate {
                ("role.candidate", "ui.votes")
            } else {
                ("ui.role-pre-candidate", "ui.pre-votes")
            };
            let held = node.votes_held().len().to_string();
            // Out of the voters of its own configuration (the newer half while joint).
            let needed = crate::raft::majority(node.membership().quorum.incoming().len().max(1));
            let doing = say_with(words, votes, &[("held", &held), ("needed", &needed)]);
            (say(words, word), doing)
        }
        Role::Follower => {
            let voted = node
                .voted_for()
                .map(|v| say_with(words, "ui.voted", &[("node", &v)]));
            (say(words, "role.follower"), voted.unwrap_or_default())
        }
    }
}

/// What a node's drawing shows that changes only with its state (not with the clock): its
/// body, name, term, value, role and the partition editor's group, as markup. The timer ring,
/// which moves every frame, is drawn apart.
fn node_face(sandbox: &Sandbox, node: &Node, r: f64, group: Option<u8>) -> String {
    let words = sandbox.words();
    let id = node.id();
    let mut face = format!("<circle class=\"node-body\" r=\"{}\"></circle>", f(r));
    if node.role() == Role::Leader && !node.is_stopped() {
        let _ = write!(
            face,
            "<circle class=\"leader-ring\" r=\"{}\"></circle>",
            f(r - 5.0)
        );
    }
    if node.is_stopped() {
        let (a, b) = (f(-r * 0.55), f(r * 0.55));
        let _ = write!(
            face,
            "<path class=\"stopped-cross\" d=\"M {a} {a} L {b} {b} M {a} {b} L {b} {a}\"></path>"
        );
    }
    let centred = "text-anchor=\"middle\" dominant-baseline=\"central\"";
    let term = say_with(words, "ui.node-term", &[("term", &node.term())]);
    let _ = write!(
        face,
        "<text class=\"node-name\" y=\"{}\" {centred}>{id}</text><text class=\"node-term\" y=\"{}\" {centred}>{term}</text><text class=\"node-value\" data-testid=\"node-value\" y=\"{}\" {centred}>{}</text>",
        f(-r * 0.28),
        f(r * 0.12),
        f(r * 0.48),
        node.value()
    );
    // Line heights in em, so the labels keep their spacing when a small screen enlarges them
    // (main.css); geometry::LABELS_BELOW keeps room for both lines.
    let (role, doing) = role_words(node, sandbox.world().member(id), words);
    let _ = write!(
        face,
        "<text class=\"node-detail\" y=\"{}\" text-anchor=\"middle\"><tspan x=\"0\" dy=\"1em\" data-testid=\"node-role\">{role}</tspan>",
        f(r + 6.0)
    );
    if !doing.is_empty() {
        let _ = write!(
            face,
            "<tspan class=\"node-doing\" x=\"0\" dy=\"1.15em\">{doing}</tspan>"
        );
    }
    face += "</text>";
    // Words, not a lone number in a box (which would look like a message carrying entries),
    // placed toward the inside of the ring so they stay in view.
    if let Some(g) = group {
        let centre = geometry::node_position(id.index(), sandbox.world().nodes().len());
        let right = centre.x > geometry::ring_centre().x;
        let (x, anchor) = if right {
            (-(r + 4.0), "end")
        } else {
            (r + 4.0, "start")
        };
        let _ = write!(
            face,
            "<text class=\"group-badge\" data-testid=\"group-badge\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" dominant-baseline=\"central\">{}</text>",
            f(x),
            f(-r * 0.75),
            say_with(words, "ui.group", &[("n", &(g + 1))])
        );
    }
    face
}

fn node_view(sandbox: &Sandbox, node: &Node, highlights: &Highlights) -> Html {
    let world = sandbox.world();
    let words = sandbox.words();
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

    let membership = match member {
        Member::Voter => String::new(),
        Member::Learner => say(words, "ui.node-learner"),
        Member::None => say(words, "ui.node-out"),
    };
    let label = say_with(
        words,
        "ui.node-label",
        &[
            ("node", &id),
            ("role", &say(words, &format!("role.{role}"))),
            ("term", &node.term()),
            ("value", &node.value()),
            ("member", &membership),
            (
                "selected",
                &if selected {
                    say(words, "ui.node-selected")
                } else {
                    String::new()
                },
            ),
        ],
    );
    let highlighted = sandbox
        .tour()
        .is_some_and(|t| t.highlight().nodes.contains(&id));
    let mut class = format!(
        "node role-{role} member-{}{}{}{}",
        member.as_str(),
        class_if(selected, " selected"),
        class_if(highlights.nodes.contains(&id), " violating"),
        class_if(highlighted, " tour-highlight"),
    );
    if let Some(g) = draft_group.or(tour_group) {
        let _ = write!(class, " group-{g}");
    }
    html! {
        <g class={class} data-testid={format!("node-{id}")} data-role={role} data-member={member.as_str()}
           data-term={node.term().to_string()} transform={format!("translate({} {})", f(centre.x), f(centre.y))}
           data-node={id.to_string()} tabindex="0" role="button" aria-label={label}>
            <circle class="timer-track" r={f(r + 6.0)} />
            { timer }
            { markup(node_face(sandbox, node, r, draft_group)) }
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
                crate::sim::OpOutcome::Failed => say_with(
                    sandbox.words(),
                    "ui.client-gave-up",
                    &[("command", &op.command)],
                ),
                crate::sim::OpOutcome::Pending => format!("{} …", op.command),
            })
            .unwrap_or_else(|| say(sandbox.words(), "ui.client-idle")),
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
        <g class={if chosen { "client chosen" } else { "client" }} data-testid={format!("client-{}", index + 1)}
           transform={format!("translate({} {})", f(p.x), f(p.y))} onclick={onclick}
           role="button" tabindex="0"
           aria-label={say_with(sandbox.words(), "ui.client-label", &[("client", &client_name(sandbox.words(), index)), ("status", &status)])}>
            { markup(format!(
                "<rect class=\"client-body\" x=\"-18\" y=\"-12\" width=\"36\" height=\"24\" rx=\"5\"></rect><text class=\"client-name\" text-anchor=\"middle\" dominant-baseline=\"central\">C{}</text><text class=\"client-status\" x=\"{}\" y=\"-18\" text-anchor=\"{anchor}\">{status}</text>",
                index + 1,
                f(label_x)
            )) }
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

fn message_view(sandbox: &Sandbox, m: &InFlightMessage) -> Html {
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
    // Named for a screen reader, and a tab stop: Enter or Space opens it in the inspector (see
    // `on_message` in `cluster_svg`), where it can be dropped.
    let words = sandbox.words();
    let name = format!(
        "#{id} {}: {} → {}",
        m.message.kind_name(),
        endpoint_name(m.from, words),
        endpoint_name(m.to, words)
    );
    // The shape and its label never change as the message flies, so they are markup (only the
    // group's place moves).
    let shape = match class {
        "msg-append" => {
            "<rect class=\"msg-shape\" x=\"-8\" y=\"-8\" width=\"16\" height=\"16\" rx=\"2\"></rect>"
        }
        "msg-heartbeat" | "msg-append-ok" | "msg-append-fail" => {
            "<circle class=\"msg-shape\" r=\"5.5\"></circle>"
        }
        "msg-client" | "msg-client-ok" | "msg-client-redirect" => {
            "<path class=\"msg-shape\" d=\"M 0 -8 L 8 0 L 0 8 L -8 0 Z\"></path>"
        }
        // A triangle: a warning to the one server it goes to.
        "msg-timeout-now" => "<path class=\"msg-shape\" d=\"M 0 -9 L 9 7 L -9 7 Z\"></path>",
        // A wide block: a whole state machine in one message.
        "msg-snapshot" => {
            "<rect class=\"msg-shape\" x=\"-13\" y=\"-8\" width=\"26\" height=\"16\" rx=\"3\"></rect>"
        }
        _ => "<circle class=\"msg-shape\" r=\"7.5\"></circle>",
    };
    // An SVG `<a>`, so the keyboard reaches the message (Tab) and Enter clicks it (see
    // `on_message` in `cluster_svg`), named for a screen reader.
    // (The name holds kinds, server names and the catalogue's client name: nothing to escape.)
    let mut drawing = format!(
        "<a href=\"#\" role=\"button\" aria-label=\"{name}\"><circle class=\"msg-hit\" r=\"12\"></circle>{shape}"
    );
    if !label.is_empty() {
        let _ = write!(
            drawing,
            "<text class=\"msg-label\" text-anchor=\"middle\" dominant-baseline=\"central\">{label}</text>"
        );
    }
    drawing.push_str("</a>");
    html! {
        <g key={id} class={format!("message {class}{}{}", class_if(selected, " selected"), class_if(emphasised, " tour-highlight"))} data-testid="message"
           data-type={m.message.kind_name()} data-id={id.to_string()}
           transform={format!("translate({} {})", f(p.x), f(p.y))}>
            { markup(drawing) }
        </g>
    }
}

fn f(value: f64) -> String {
    fixed(value, 2)
}
