//! The controls: playback, node actions, client commands, network faults and settings. Every
//! control is a real, labelled form element; each sends one [`UiCommand`].

use crate::decimal;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{say, words_markup};

use crate::raft::{ClientId, Member, NodeId, ReadMode};
use crate::sim::config::{OptionChange, MAX_SLOTS};
use crate::sim::{Action, Config, MS};

use super::event_list::format_time;
use super::params::{Controls, MAX_UI_NODES};
use super::sandbox::{option_switches, safety_switches, NodeVerb, Sandbox, UiCommand};

/// The speeds offered, from real time to a thousand times slower.
pub const SPEEDS: [(f64, &str); 10] = [
    (1.0, "real time"),
    (0.5, "2× slower"),
    (0.2, "5× slower"),
    (0.1, "10× slower"),
    (0.05, "20× slower"),
    (0.02, "50× slower"),
    (0.01, "100× slower"),
    (0.005, "200× slower"),
    (0.002, "500× slower"),
    (0.001, "1000× slower"),
];

fn emit(dispatch: &Callback<UiCommand>, command: UiCommand) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.emit(command.clone()))
}

/// Play/pause, step, speed and the virtual clock, shown above the cluster.
pub fn playback_bar(sandbox: &Sandbox, dispatch: &Callback<UiCommand>, controls: Controls) -> Html {
    let playing = sandbox.is_playing();
    let speed = sandbox.speed();
    let words = sandbox.words();
    let on_speed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(value) = decimal::parse(&select.value()) {
                dispatch.emit(UiCommand::SetSpeed(value));
            }
        })
    };
    let known = SPEEDS.iter().any(|(s, _)| (*s - speed).abs() < 1e-12);
    let custom = (!known).then(|| {
        html! { <option value={decimal::short(speed)} selected=true>{ format!("{}× real time", decimal::short(speed)) }</option> }
    });
    html! {
        // These buttons move by single events of the simulation (a message delivered, a timer
        // running out); the tour's own buttons move by steps of the story. Their words say which.
        <div class="playback" role="toolbar" aria-label="Playback">
            if controls.play {
                <button class="btn primary" data-testid="btn-play-pause" onclick={emit(dispatch, UiCommand::TogglePlay)}
                        aria-pressed={playing.to_string()} title="Play or pause (Space)">
                    { if playing { "❚❚ " } else { "▶ " } }
                    <span class="btn-word">{ if playing { "Pause" } else { "Play" } }</span>
                </button>
            }
            if controls.step && sandbox.timeline().is_some() {
                <button class="btn" data-testid="btn-step-back" onclick={emit(dispatch, UiCommand::StepBack)}
                        aria-label="Event back" title={say(words, "ui.step-back")}>
                    { words_markup(words, "ui.step-back-label") }
                </button>
            }
            if controls.step {
                <button class="btn" data-testid="btn-step" onclick={emit(dispatch, UiCommand::StepEvent)}
                        aria-label="Event forward" title={say(words, "ui.step")}>
                    { words_markup(words, "ui.step-label") }
                </button>
            }
            if controls.speed {
            <label class="field">
                <span>{ "Speed" }</span>
                <select data-testid="speed" onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|(value, label)| html! {
                        <option value={decimal::short(*value)} selected={(*value - speed).abs() < 1e-12}>{ *label }</option>
                    }) }
                    { for custom }
                </select>
            </label>
            }
            <span class="sim-time" data-testid="sim-time" title="Virtual time since the start"
                  data-us={sandbox.world().now().to_string()}>
                { format!("t = {}", format_time(sandbox.world().now())) }
            </span>
        </div>
    }
}

/// Stop, restart and time out the selected node.
pub fn node_actions(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let selected = sandbox
        .selected_node()
        .and_then(|id| sandbox.world().node(id));
    let (stopped, name) = match selected {
        Some(node) => (node.is_stopped(), node.id().to_string()),
        None => (false, String::new()),
    };
    let none = selected.is_none();
    // The leader a transfer would start from (an old leader cut off in a lower term can still be
    // made leader again).
    let leader = sandbox.world().leader();
    let leads = selected.is_some_and(|n| Some(n.id()) == leader);
    let no_leader = leader.is_none();
    // A transfer under way, as (leader, target).
    let transfer = sandbox
        .world()
        .nodes()
        .iter()
        .find_map(|n| n.transfer().map(|t| (n.id(), t.target)));
    // Membership (§6): remove the selected server, or add it back if it is out; a new server
    // goes in the next empty slot.
    let out = selected.is_some_and(|n| sandbox.world().member(n.id()) == Member::None);
    let slots = sandbox.world().nodes().len();
    let next_slot = (slots < usize::from(MAX_SLOTS)).then_some(NodeId(slots as u8));
    let words = sandbox.words();
    html! {
        <section class="panel node-actions" aria-label="Node actions">
            <div class="panel-head"><h2>{ if none { "Node".to_string() } else { format!("Node {name}") } }</h2></div>
            if none { <p class="hint">{ say(words, "ui.node-hint") }</p> }
            <div class="button-row">
                <button class="btn" data-testid="node-action-stop" disabled={none || stopped}
                        onclick={emit(dispatch, UiCommand::NodeAction(NodeVerb::Stop))} title={say(words, "ui.node-stop")}>{ "Stop" }</button>
                <button class="btn" data-testid="node-action-restart" disabled={none || !stopped}
                        onclick={emit(dispatch, UiCommand::NodeAction(NodeVerb::Restart))} title={say(words, "ui.node-restart")}>{ "Restart" }</button>
                <button class="btn" data-testid="node-action-timeout" disabled={none || stopped}
                        onclick={emit(dispatch, UiCommand::NodeAction(NodeVerb::Timeout))} title={say(words, "ui.node-timeout")}>{ "Time out" }</button>
                <button class="btn" data-testid="btn-transfer-leader" disabled={none || stopped || leads || no_leader}
                        onclick={emit(dispatch, UiCommand::NodeAction(NodeVerb::TakeOver))}
                        title={say(words, "ui.node-take-over")}>{ "Make leader" }</button>
                <button class="btn" data-testid="btn-remove-server" disabled={none || no_leader}
                        onclick={emit(dispatch, UiCommand::NodeAction(NodeVerb::Membership))}
                        title={say(words, "ui.node-membership")}>
                    { if out { "Add back" } else { "Remove" } }</button>
                <button class="btn" data-testid="btn-add-server" disabled={next_slot.is_none() || no_leader}
                        onclick={emit(dispatch, UiCommand::Act(Action::AddServer(next_slot.unwrap_or(NodeId(0)))))}
                        title={say(words, "ui.node-add")}>
                    { next_slot.map_or("All 9 slots used".to_string(), |n| format!("Add server {n}")) }</button>
            </div>
            if let Some(t) = transfer {
                <p class="hint" data-testid="transfer-status">
                    { format!("{} is handing its leadership to {}: it takes no new commands until {} leads.", t.0, t.1, t.1) }
                </p>
            }
        </section>
    }
}

/// What the Send button says, and a warning when the command would go nowhere useful.
fn send_label(sandbox: &Sandbox) -> (String, Option<String>) {
    let world = sandbox.world();
    let Some(target) = sandbox.submit_target() else {
        return (
            "No server is running".into(),
            Some("Every server is stopped: restart one to send commands.".into()),
        );
    };
    let node = world.node(target);
    let stopped = node.is_some_and(|n| n.is_stopped());
    let leads = node.is_some_and(|n| n.is_leader() && !n.is_stopped());
    if stopped {
        let wait = world.config().client_retry_timeout_us;
        return (
            format!("Send to {target} (stopped)"),
            Some(format!(
                "{target} is stopped: the client will wait {} for an answer, then try another server.",
                format_time(wait)
            )),
        );
    }
    match (sandbox.send_to(), leads) {
        (_, true) => (format!("Send to {target}, the leader"), None),
        (None, false) => (
            format!("Send to {target}"),
            Some(format!(
                "No leader right now: {target} will redirect the client once it knows one."
            )),
        ),
        (Some(_), false) => (
            format!("Send to {target}"),
            Some(format!(
                "{target} is not the leader: it will redirect the client."
            )),
        ),
    }
}

/// What each busy client is doing, in words: a client runs one command at a time, so a command
/// sent while it waits queues behind that one.
fn busy_clients(sandbox: &Sandbox) -> Vec<String> {
    let world = sandbox.world();
    world
        .clients()
        .iter()
        .filter_map(|client| {
            let op = world.operations().get(client.current_op()?)?;
            let target = client.target().map(|t| t.to_string()).unwrap_or_default();
            let retry = client
                .retry_at()
                .map(|at| format!("; tries again at t = {}", format_time(at)))
                .unwrap_or_default();
            let queued = client.queued().count();
            let behind = match queued {
                0 => String::new(),
                1 => ", 1 more command queued behind it".into(),
                n => format!(", {n} more commands queued behind it"),
            };
            Some(format!(
                "{} is waiting for {} from {target}{retry}{behind}.",
                client.id().name(),
                op.command
            ))
        })
        .collect()
}

/// The client panel: choose a client and a server, type a command, send it.
pub fn client_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>, input: &NodeRef) -> Html {
    let (send_text, warning) = send_label(sandbox);
    let busy = busy_clients(sandbox);
    let choose_target = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let node = select.value().parse::<u8>().ok().map(crate::raft::NodeId);
            dispatch.emit(UiCommand::SendTo(node));
        })
    };
    let chosen = sandbox.send_to();
    let send = {
        let dispatch = dispatch.clone();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(field) = input.cast::<HtmlInputElement>() {
                dispatch.emit(UiCommand::Submit(field.value()));
            }
        })
    };
    let choose = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<u16>() {
                dispatch.emit(UiCommand::ChooseClient(ClientId(i)));
            }
        })
    };
    let auto = sandbox.auto_client();
    let auto_period_ms = auto.map(|a| a.period_us / MS).unwrap_or(100);
    let toggle_auto = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: Event| {
            dispatch.emit(UiCommand::SetAutoClient(
                auto.is_none().then_some(auto_period_ms * MS),
            ))
        })
    };
    let auto_period = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input
                .value()
                .trim()
                .parse::<u64>()
                .ok()
                .and_then(|ms| ms.checked_mul(MS))
            {
                Some(us) => dispatch.emit(UiCommand::SetAutoClient(Some(us))),
                None => dispatch.emit(UiCommand::Notice(
                    "The automatic client needs a whole number of milliseconds.".into(),
                )),
            }
        })
    };
    html! {
        <section class="panel client-panel" aria-label="Client">
            <div class="panel-head"><h2>{ "Client" }</h2></div>
            <form class="client-form" onsubmit={send}>
                <label class="field">
                    <span>{ "From" }</span>
                    <select data-testid="client-select" onchange={choose} aria-label="Client">
                        { for sandbox.world().clients().iter().enumerate().map(|(i, c)| html! {
                            <option value={i.to_string()} selected={sandbox.client().index() == i}>
                                { if c.is_idle() { format!("client {}", i + 1) } else { format!("client {} (busy)", i + 1) } }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span>{ "To" }</span>
                    <select data-testid="client-target" onchange={choose_target} aria-label="Send to">
                        <option value="" selected={chosen.is_none()}>{ "the leader" }</option>
                        { for sandbox.world().nodes().iter().map(|n| html! {
                            <option value={n.id().index().to_string()} selected={chosen == Some(n.id())}>
                                { if n.is_stopped() { format!("{} (stopped)", n.id()) } else { n.id().to_string() } }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="field grow">
                    <span>{ "Command" }</span>
                    <input data-testid="client-command" ref={input.clone()} type="text" ~defaultValue="SET 5"
                           placeholder="SET 5 or ADD 2" aria-label="Client command" autocomplete="off" spellcheck="false" />
                </label>
                <button class="btn primary" data-testid="client-send" type="submit"
                        disabled={sandbox.submit_target().is_none()}>{ send_text }</button>
            </form>
            if let Some(warning) = warning {
                <p class="hint warn" data-testid="client-warning">{ warning }</p>
            }
            if !busy.is_empty() {
                <ul class="client-busy" data-testid="client-busy">
                    { for busy.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
                </ul>
            }
            <div class="auto-client">
                <label class="check">
                    <input type="checkbox" data-testid="auto-client" checked={auto.is_some()} onchange={toggle_auto} />
                    <span>{ "Keep sending ADD 1 every" }</span>
                </label>
                <label class="field small inline">
                    <input type="number" data-testid="auto-client-period" min="10" step="10"
                           key={format!("auto-{auto_period_ms}")} ~defaultValue={auto_period_ms.to_string()}
                           onchange={auto_period} aria-label="Milliseconds between commands" />
                    <span>{ "ms (virtual)" }</span>
                </label>
            </div>
        </section>
    }
}

/// Partition editor, heal, and a reminder that links are clickable.
pub fn network_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let editing = sandbox.partition_draft().is_some();
    let network = sandbox.world().network();
    let split = network.partition().is_some() || network.cut_links().next().is_some();
    let words = sandbox.words();
    html! {
        <section class="panel network-panel" aria-label="Network">
            <div class="panel-head"><h2>{ "Network" }</h2></div>
            if editing {
                <p class="hint" data-testid="partition-help">{ say(words, "ui.partition-help") }</p>
                <div class="button-row">
                    <button class="btn primary" data-testid="btn-partition-apply"
                            onclick={emit(dispatch, UiCommand::ApplyPartition)}>{ "Apply partition" }</button>
                    <button class="btn" onclick={emit(dispatch, UiCommand::CancelPartition)}>{ "Cancel" }</button>
                </div>
            } else {
                <p class="hint">{ say(words, "ui.network-hint") }</p>
                <div class="button-row">
                    <button class="btn" data-testid="btn-partition" onclick={emit(dispatch, UiCommand::EditPartition)}
                            title="Split the network into groups (P)">{ "Partition…" }</button>
                    <button class="btn" data-testid="btn-heal" disabled={!split} onclick={emit(dispatch, UiCommand::Heal)}
                            title="Remove every partition and cut link (H)">{ "Heal" }</button>
                </div>
            }
        </section>
    }
}

/// Form fields here are uncontrolled (`~defaultValue`, keyed by the value they show): a
/// controlled `value` would be written back on every animation frame and wipe out what a person is
/// typing while the simulation runs. When the setting changes, the new key makes a fresh field.
///
/// A number field for one option. The typed value is multiplied by `scale` (1000 turns
/// milliseconds into microseconds) without overflow; a value that is not a whole number, or that
/// `make` refuses, becomes a notice instead of a change.
fn number_input(
    testid: &'static str,
    label: &'static str,
    value: u64,
    scale: u64,
    // Boxed rather than generic: one copy of this function instead of one per field.
    make: Box<dyn Fn(u64) -> Option<OptionChange>>,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let dispatch = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let change = input
            .value()
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|v| v.checked_mul(scale))
            .and_then(&make);
        dispatch.emit(match change {
            Some(change) => UiCommand::SetOption(change),
            None => UiCommand::Notice(format!(
                "{label}: \"{}\" is not an acceptable whole number.",
                input.value()
            )),
        });
    });
    html! {
        <label class="field small">
            <span>{ label }</span>
            <input data-testid={testid} type="number" min="0" step="1" key={format!("{testid}-{value}")}
                   ~defaultValue={value.to_string()} onchange={onchange} />
        </label>
    }
}

/// How leaders answer GET (§8, thesis §6.4), as a menu.
fn read_mode_select(
    current: ReadMode,
    dispatch: &Callback<UiCommand>,
    words: Option<&crate::i18n::Catalogue>,
) -> Html {
    let dispatch = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let chosen = select.value().parse::<usize>().ok();
        if let Some(&mode) = chosen.and_then(|i| ReadMode::ALL.get(i)) {
            dispatch.emit(UiCommand::SetOption(OptionChange::ReadMode(mode)));
        }
    });
    html! {
        <label class="field small">
            <span>{ "GET served" }</span>
            <select data-testid="read-mode" onchange={onchange}>
                { for ReadMode::ALL.iter().enumerate().map(|(i, &mode)| html! {
                    <option value={i.to_string()} selected={mode == current}>{ say(words, mode.key()) }</option>
                }) }
            </select>
        </label>
    }
}

/// Cluster size, seed, timing, faults, options and the "break Raft" switches.
pub fn settings_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>) -> Html {
    let config: &Config = sandbox.world().config();
    let size = config.cluster_size;
    let seed = config.seed;
    let on_size = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(nodes) = select.value().parse::<u8>() {
                dispatch.emit(UiCommand::Reset { nodes, seed });
            }
        })
    };
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => dispatch.emit(UiCommand::Reset { nodes: size, seed }),
                Err(_) => input.set_value(&seed.to_string()),
            }
        })
    };
    let ms = |us: u64| us / MS;
    let (emin, emax) = (
        config.election_timeout_min_us,
        config.election_timeout_max_us,
    );
    let (lmin, lmax) = (config.latency_min_us, config.latency_max_us);
    // Each switch's explanation is in the words catalogue (fetched as the page starts).
    let words = sandbox.words();
    let switch = |(label, key, on, change): (&'static str, &'static str, bool, OptionChange)| {
        let why = say(words, key);
        let dispatch = dispatch.clone();
        let onchange = Callback::from(move |_: Event| dispatch.emit(UiCommand::SetOption(change)));
        html! {
            <label class="check" title={why.clone()}>
                <input type="checkbox" checked={on} onchange={onchange} />
                <span>{ label }</span>
                <small class="why">{ why }</small>
            </label>
        }
    };
    html! {
        <details class="panel settings">
            <summary><h2>{ "Settings" }</h2></summary>
            <div class="settings-grid">
                <label class="field small">
                    <span>{ "Nodes" }</span>
                    <select data-testid="cluster-size" onchange={on_size} aria-label="Cluster size">
                        { for (1..=MAX_UI_NODES as u8).map(|n| html! {
                            <option value={n.to_string()} selected={n == size}>{ n }</option>
                        }) }
                    </select>
                </label>
                <label class="field small">
                    <span>{ "Seed" }</span>
                    <input data-testid="seed" type="number" min="0" key={format!("seed-{seed}")}
                           ~defaultValue={seed.to_string()} onchange={on_seed} />
                </label>
                <button class="btn" data-testid="btn-reset" onclick={emit(dispatch, UiCommand::Reset { nodes: size, seed })}
                        title="Start the same cluster again from time zero">{ "Reset" }</button>
            </div>
            <h3>{ "Timing (ms)" }</h3>
            <div class="settings-grid">
                { number_input("election-min", "Election min", ms(emin), MS, Box::new(move |v| Some(OptionChange::ElectionTimeout { min_us: v, max_us: emax.max(v) })), dispatch) }
                { number_input("election-max", "Election max", ms(emax), MS, Box::new(move |v| Some(OptionChange::ElectionTimeout { min_us: emin.min(v), max_us: v })), dispatch) }
                { number_input("heartbeat", "Heartbeat", ms(config.heartbeat_interval_us), MS, Box::new(|v| Some(OptionChange::HeartbeatInterval(v))), dispatch) }
                { number_input("latency-min", "Latency min", ms(lmin), MS, Box::new(move |v| Some(OptionChange::Latency { min_us: v, max_us: lmax.max(v) })), dispatch) }
                { number_input("latency-max", "Latency max", ms(lmax), MS, Box::new(move |v| Some(OptionChange::Latency { min_us: lmin.min(v), max_us: v })), dispatch) }
            </div>
            <h3>{ "Faults (per cent)" }</h3>
            <div class="settings-grid">
                { number_input("loss", "Message loss", u64::from(config.loss_per_mille / 10), 10, Box::new(|v| u16::try_from(v).ok().filter(|p| *p <= 1000).map(OptionChange::LossPerMille)), dispatch) }
                { number_input("duplication", "Duplication", u64::from(config.duplicate_per_mille / 10), 10, Box::new(|v| u16::try_from(v).ok().filter(|p| *p <= 1000).map(OptionChange::DuplicatePerMille)), dispatch) }
            </div>
            <h3>{ "Options" }</h3>
            <div class="settings-grid">
                { number_input("snapshot-threshold", "Snapshot every (entries, 0 = never)", config.snapshot_threshold, 1, Box::new(|v| Some(OptionChange::SnapshotThreshold(v))), dispatch) }
                { read_mode_select(config.read_mode, dispatch, sandbox.words()) }
            </div>
            <div class="switches">{ for option_switches(config).into_iter().map(switch) }</div>
            <h3>{ "Break Raft on purpose" }</h3>
            <div class="switches danger-zone">{ for safety_switches(config).into_iter().map(switch) }</div>
        </details>
    }
}
