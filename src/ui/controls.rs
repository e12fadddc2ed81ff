//! The controls: playback, node actions, client commands, network faults and settings. Every
//! control is a real, labelled form element; each sends one [`UiCommand`].
//!
//! Their words are the catalogue's (`ui.*`). A button whose markup stays the same while it is
//! used is a catalogue entry of markup with a `data-cmd`, read by one listener on its row
//! ([`command_of`]); a button whose words change as it is pressed (Play/Pause, Remove/Add back)
//! stays an element, so that it keeps the keyboard's focus. Menus' options are markup too.

use crate::decimal;
use crate::i18n::Catalogue;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{say, words_markup};

use crate::raft::{ClientId, Member, NodeId, ReadMode};
use crate::sim::config::{OptionChange, MAX_SLOTS};
use crate::sim::{Action, Config, MS};

use super::event_list::{command_of, format_time, markup, on_command, say_with, select_option};
use super::params::{Controls, Notice, MAX_UI_NODES};
use super::sandbox::{option_switches, safety_switches, NodeVerb, Sandbox, UiCommand};

/// One option of a menu, as markup (its text is the page's or the catalogue's).
pub(super) fn option(value: &str, text: &str, selected: bool) -> String {
    let selected = if selected { " selected" } else { "" };
    format!("<option value=\"{value}\"{selected}>{text}</option>")
}

/// The `{off}` of a catalogue button: `disabled`, or nothing.
fn off(disabled: bool) -> &'static str {
    if disabled {
        "disabled"
    } else {
        ""
    }
}

/// A catalogue button (`key`, markup) that is disabled when `disabled`.
fn tool(words: Option<&Catalogue>, key: &str, disabled: bool) -> Html {
    markup(say_with(words, key, &[("off", &off(disabled))]))
}

/// The speed menu's options (`ui.speeds`, real time to a thousand times slower), the speed in
/// use selected; a speed the menu does not offer (a link can ask for any) is added to it.
fn speed_options(words: Option<&Catalogue>, speed: f64) -> Html {
    let value = decimal::short(speed);
    let speeds = say(words, "ui.speeds");
    markup(select_option(&speeds, &value).unwrap_or_else(|| {
        speeds
            + &option(
                &value,
                &say_with(words, "ui.speed-other", &[("speed", &value)]),
                true,
            )
    }))
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
    let on_click = on_command(dispatch, |command| match command {
        "play" => Some(UiCommand::TogglePlay),
        "back" => Some(UiCommand::StepBack),
        "step" => Some(UiCommand::StepEvent),
        _ => None,
    });
    html! {
        // These buttons move by single events of the simulation (a message delivered, a timer
        // running out); the tour's own buttons move by steps of the story. Their words say which.
        <div class="playback" role="toolbar" aria-label={say(words, "ui.playback")} onclick={on_click}>
            if controls.play {
                <button class="btn primary" data-testid="btn-play-pause" data-cmd="play"
                        aria-pressed={playing.to_string()} title={say(words, "ui.play-pause")}>
                    { words_markup(words, if playing { "ui.pause-label" } else { "ui.play-label" }) }
                </button>
            }
            if controls.step && sandbox.timeline().is_some() {
                { words_markup(words, "ui.step-back-button") }
            }
            if controls.step { { words_markup(words, "ui.step-button") } }
            if controls.speed {
            <label class="field">
                <span>{ say(words, "ui.speed") }</span>
                <select data-testid="speed" onchange={on_speed} aria-label={say(words, "ui.speed")}>
                    { speed_options(words, speed) }
                </select>
            </label>
            }
            <span class="sim-time" data-testid="sim-time" title={say(words, "ui.sim-time")}
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
        Some(node) => (node.is_stopped(), node.id().name()),
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
    let on_click = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            dispatch.emit(match (command_of(&e).as_str(), next_slot) {
                ("stop", _) => UiCommand::NodeAction(NodeVerb::Stop),
                ("restart", _) => UiCommand::NodeAction(NodeVerb::Restart),
                ("timeout", _) => UiCommand::NodeAction(NodeVerb::Timeout),
                ("leader", _) => UiCommand::NodeAction(NodeVerb::TakeOver),
                ("member", _) => UiCommand::NodeAction(NodeVerb::Membership),
                ("add", Some(slot)) => UiCommand::Act(Action::AddServer(slot)),
                _ => return,
            })
        })
    };
    let heading = if none { "ui.node" } else { "ui.node-named" };
    html! {
        <section class="panel node-actions" aria-label={say(words, "ui.node-actions")}>
            <div class="panel-head"><h2>{ say_with(words, heading, &[("node", &name)]) }</h2></div>
            if none { <p class="hint">{ say(words, "ui.node-hint") }</p> }
            <div class="button-row" onclick={on_click}>
                { tool(words, "ui.stop-button", none || stopped) }
                { tool(words, "ui.restart-button", none || !stopped) }
                { tool(words, "ui.timeout-button", none || stopped) }
                { tool(words, "ui.leader-button", none || stopped || leads || no_leader) }
                <button class="btn" data-testid="btn-remove-server" data-cmd="member" disabled={none || no_leader}
                        title={say(words, "ui.node-membership")}>
                    { say(words, if out { "ui.add-back" } else { "ui.remove" }) }</button>
                <button class="btn" data-testid="btn-add-server" data-cmd="add" disabled={next_slot.is_none() || no_leader}
                        title={say(words, "ui.node-add")}>
                    { match next_slot {
                        Some(n) => say_with(words, "ui.add-server", &[("node", &n)]),
                        None => say_with(words, "ui.slots-full", &[("slots", &MAX_SLOTS)]),
                    } }</button>
            </div>
            if let Some((leader, target)) = transfer {
                <p class="hint" data-testid="transfer-status">
                    { say_with(words, "ui.transfer-status", &[("leader", &leader), ("target", &target)]) }
                </p>
            }
        </section>
    }
}

/// What the Send button says, and a warning when the command would go nowhere useful (as
/// catalogue keys: the target's name fills their `{node}`).
fn send_label(sandbox: &Sandbox) -> (&'static str, Option<&'static str>) {
    let world = sandbox.world();
    let Some(target) = sandbox.submit_target() else {
        return ("ui.send-nowhere", Some("ui.send-nowhere-warning"));
    };
    let node = world.node(target);
    let stopped = node.is_some_and(|n| n.is_stopped());
    let leads = node.is_some_and(|n| n.is_leader() && !n.is_stopped());
    match (stopped, sandbox.send_to(), leads) {
        (true, ..) => ("ui.send-stopped", Some("ui.send-stopped-warning")),
        (_, _, true) => ("ui.send-leader", None),
        (_, None, false) => ("ui.send", Some("ui.send-no-leader-warning")),
        (_, Some(_), false) => ("ui.send", Some("ui.send-follower-warning")),
    }
}

/// A client's name in the page's words: "client 1", counted from 1 as people count.
pub(super) fn client_name(words: Option<&Catalogue>, index: usize) -> String {
    say_with(words, "ui.client", &[("n", &(index + 1))])
}

/// What each busy client is doing, in words: a client runs one command at a time, so a command
/// sent while it waits queues behind that one.
fn busy_clients(sandbox: &Sandbox) -> Vec<String> {
    let world = sandbox.world();
    let words = sandbox.words();
    world
        .clients()
        .iter()
        .filter_map(|client| {
            let op = world.operations().get(client.current_op()?)?;
            let target = client.target().map(|t| t.name()).unwrap_or_default();
            let retry = client.retry_at().map_or_else(String::new, |at| {
                say_with(words, "ui.client-retry", &[("at", &format_time(at))])
            });
            let behind = match client.queued().count() {
                0 => String::new(),
                n => say_with(words, "ui.client-queued", &[("count", &n)]),
            };
            Some(say_with(
                words,
                "ui.client-waiting",
                &[
                    ("client", &client_name(words, client.id().index())),
                    ("command", &op.command),
                    ("node", &target),
                    ("retry", &retry),
                    ("queued", &behind),
                ],
            ))
        })
        .collect()
}

/// The "From" menu's options: each client, and whether it is busy.
fn client_options(sandbox: &Sandbox) -> String {
    let words = sandbox.words();
    let chosen = sandbox.client().index();
    let clients = sandbox.world().clients().iter().enumerate();
    clients
        .map(|(i, c)| {
            let name = client_name(words, i);
            let text = if c.is_idle() {
                name
            } else {
                say_with(words, "ui.client-busy", &[("client", &name)])
            };
            option(&i.to_string(), &text, i == chosen)
        })
        .collect()
}

/// The "To" menu's options: the leader (found as a client finds it), or a server by name.
fn target_options(sandbox: &Sandbox) -> String {
    let words = sandbox.words();
    let chosen = sandbox.send_to();
    let leader = option("", &say(words, "ui.the-leader"), chosen.is_none());
    let servers = sandbox.world().nodes().iter().map(|n| {
        let name = n.id().name();
        let text = if n.is_stopped() {
            say_with(words, "ui.node-stopped", &[("node", &name)])
        } else {
            name
        };
        option(&n.id().index().to_string(), &text, chosen == Some(n.id()))
    });
    std::iter::once(leader).chain(servers).collect()
}

/// The client panel: choose a client and a server, type a command, send it.
pub fn client_panel(sandbox: &Sandbox, dispatch: &Callback<UiCommand>, input: &NodeRef) -> Html {
    let words = sandbox.words();
    let (send_key, warning_key) = send_label(sandbox);
    let target = sandbox
        .submit_target()
        .map(|t| t.name())
        .unwrap_or_default();
    let wait = format_time(sandbox.world().config().client_retry_timeout_us);
    let with_target = |key| say_with(words, key, &[("node", &target), ("wait", &wait)]);
    let send_text = with_target(send_key);
    let warning = warning_key.map(with_target);
    let busy = busy_clients(sandbox);
    let choose_target = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let node = select.value().parse::<u8>().ok().map(crate::raft::NodeId);
            dispatch.emit(UiCommand::SendTo(node));
        })
    };
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
                None => dispatch.emit(UiCommand::Notify(Notice::new("notice.auto-client", &[]))),
            }
        })
    };
    html! {
        <section class="panel client-panel" aria-label={say(words, "ui.client-panel")}>
            <div class="panel-head"><h2>{ say(words, "ui.client-panel") }</h2></div>
            <form class="client-form" onsubmit={send}>
                <label class="field">
                    <span>{ say(words, "ui.from") }</span>
                    <select data-testid="client-select" onchange={choose} aria-label={say(words, "ui.client-panel")}>
                        { markup(client_options(sandbox)) }
                    </select>
                </label>
                <label class="field">
                    <span>{ say(words, "ui.to") }</span>
                    <select data-testid="client-target" onchange={choose_target} aria-label={say(words, "ui.send-to")}>
                        { markup(target_options(sandbox)) }
                    </select>
                </label>
                <label class="field grow">
                    <span>{ say(words, "ui.command") }</span>
                    <input data-testid="client-command" ref={input.clone()} type="text" ~defaultValue="SET 5"
                           placeholder={say(words, "ui.command-example")} aria-label={say(words, "ui.client-command")}
                           autocomplete="off" spellcheck="false" />
                </label>
                <button class="btn primary" data-testid="client-send" type="submit"
                        disabled={sandbox.submit_target().is_none()}>{ send_text }</button>
            </form>
            if let Some(warning) = warning {
                <p class="hint warn" data-testid="client-warning">{ warning }</p>
            }
            if !busy.is_empty() {
                <ul class="client-busy" data-testid="client-busy">
                    { markup(busy.iter().map(|line| format!("<li>{line}</li>")).collect()) }
                </ul>
            }
            <div class="auto-client">
                <label class="check">
                    <input type="checkbox" data-testid="auto-client" checked={auto.is_some()} onchange={toggle_auto} />
                    <span>{ say(words, "ui.auto-client") }</span>
                </label>
                <label class="field small inline">
                    <input type="number" data-testid="auto-client-period" min="10" step="10"
                           key={format!("auto-{auto_period_ms}")} ~defaultValue={auto_period_ms.to_string()}
                           onchange={auto_period} aria-label={say(words, "ui.auto-period")} />
                    <span>{ say(words, "ui.auto-unit") }</span>
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
    let on_click = on_command(dispatch, |command| match command {
        "apply" => Some(UiCommand::ApplyPartition),
        "cancel" => Some(UiCommand::CancelPartition),
        "partition" => Some(UiCommand::EditPartition),
        "heal" => Some(UiCommand::Heal),
        _ => None,
    });
    let (hint, buttons) = if editing {
        (
            say(words, "ui.partition-help"),
            tool(words, "ui.partition-buttons", false),
        )
    } else {
        (
            say(words, "ui.network-hint"),
            tool(words, "ui.network-buttons", !split),
        )
    };
    html! {
        <section class="panel network-panel" aria-label={say(words, "ui.network")}>
            <div class="panel-head"><h2>{ say(words, "ui.network") }</h2></div>
            <p class="hint" data-testid={editing.then_some("partition-help")}>{ hint }</p>
            <div class="button-row" onclick={on_click}>{ buttons }</div>
        </section>
    }
}

/// A number field of the settings, as markup: its label and the value in use. (The field is
/// written anew when the value changes, so what a person types is never overwritten by a frame:
/// see [`on_number`].)
fn number_field(words: Option<&Catalogue>, testid: &str, label: &str, value: u64) -> Html {
    markup(format!(
        "<label class=\"field small\"><span>{}</span><input data-testid=\"{testid}\" \
         type=\"number\" min=\"0\" step=\"1\" value=\"{value}\"></label>",
        say(words, label)
    ))
}

/// One listener for the settings' number fields: the option the changed field sets, from the
/// whole number typed times its unit, or a notice if the option does not take that number.
fn on_number(config: &Config, dispatch: &Callback<UiCommand>) -> Callback<Event> {
    let (emin, emax) = (
        config.election_timeout_min_us,
        config.election_timeout_max_us,
    );
    let (lmin, lmax) = (config.latency_min_us, config.latency_max_us);
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let typed = input.value();
        let n = typed.trim().parse::<u64>().ok();
        let ms = n.and_then(|v| v.checked_mul(MS));
        // Per cent, kept per mille.
        let per_mille = n
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| u16::try_from(v).ok())
            .filter(|p| *p <= 1000);
        let change = match input.get_attribute("data-testid").as_deref() {
            Some("election-min") => ms.map(|v| OptionChange::ElectionTimeout {
                min_us: v,
                max_us: emax.max(v),
            }),
            Some("election-max") => ms.map(|v| OptionChange::ElectionTimeout {
                min_us: emin.min(v),
                max_us: v,
            }),
            Some("heartbeat") => ms.map(OptionChange::HeartbeatInterval),
            Some("latency-min") => ms.map(|v| OptionChange::Latency {
                min_us: v,
                max_us: lmax.max(v),
            }),
            Some("latency-max") => ms.map(|v| OptionChange::Latency {
                min_us: lmin.min(v),
                max_us: v,
            }),
            Some("loss") => per_mille.map(OptionChange::LossPerMille),
            Some("duplication") => per_mille.map(OptionChange::DuplicatePerMille),
            Some("snapshot-threshold") => n.map(OptionChange::SnapshotThreshold),
            // Another field of the same grid (it has its own listener).
            _ => return,
        };
        dispatch.emit(match change {
            Some(change) => UiCommand::SetOption(change),
            None => {
                // The field's label names it (the input inside it has no text).
                let label = input.parent_element().and_then(|l| l.text_content());
                UiCommand::Notify(Notice::new(
                    "notice.not-whole",
                    &[("label", &label.unwrap_or_default()), ("value", &typed)],
                ))
            }
        });
    })
}

/// How leaders answer GET (§8, thesis §6.4), as a menu (its options, in the order of
/// [`ReadMode::ALL`], are the catalogue's `ui.read-modes`).
fn read_mode_select(
    words: Option<&Catalogue>,
    current: ReadMode,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let dispatch = dispatch.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let chosen = select.value().parse::<usize>().ok();
        if let Some(&mode) = chosen.and_then(|i| ReadMode::ALL.get(i)) {
            dispatch.emit(UiCommand::SetOption(OptionChange::ReadMode(mode)));
        }
    });
    let chosen = ReadMode::ALL
        .iter()
        .position(|&m| m == current)
        .unwrap_or(0);
    let options = select_option(&say(words, "ui.read-modes"), &chosen.to_string());
    html! {
        <label class="field small">
            <span>{ say(words, "ui.read-mode") }</span>
            <select data-testid="read-mode" onchange={onchange}>
                { markup(options.unwrap_or_default()) }
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
    let on_reset = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if command_of(&e) == "reset" {
                dispatch.emit(UiCommand::Reset { nodes: size, seed });
            }
        })
    };
    let sizes: String = (1..=MAX_UI_NODES as u8)
        .map(|n| option(&n.to_string(), &n.to_string(), n == size))
        .collect();
    let ms = |us: u64| us / MS;
    // Every label and each switch's explanation is in the words catalogue (fetched as the page
    // starts).
    let words = sandbox.words();
    let field = |testid, label, value| number_field(words, testid, label, value);
    let on_number = on_number(config, dispatch);
    let switch = |(label, key, on, change): (&'static str, &'static str, bool, OptionChange)| {
        let (label, why) = (say(words, label), say(words, key));
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
            <summary><h2>{ say(words, "ui.settings") }</h2></summary>
            <div class="settings-grid" onclick={on_reset}>
                <label class="field small">
                    <span>{ say(words, "ui.nodes") }</span>
                    <select data-testid="cluster-size" onchange={on_size} aria-label={say(words, "ui.cluster-size")}>
                        { markup(sizes) }
                    </select>
                </label>
                <label class="field small">
                    <span>{ say(words, "ui.seed") }</span>
                    <input data-testid="seed" type="number" min="0" key={format!("seed-{seed}")}
                           ~defaultValue={seed.to_string()} onchange={on_seed} />
                </label>
                { words_markup(words, "ui.reset-button") }
            </div>
            { words_markup(words, "ui.timing-heading") }
            <div class="settings-grid" onchange={on_number.clone()}>
                { field("election-min", "ui.election-min", ms(config.election_timeout_min_us)) }
                { field("election-max", "ui.election-max", ms(config.election_timeout_max_us)) }
                { field("heartbeat", "ui.heartbeat", ms(config.heartbeat_interval_us)) }
                { field("latency-min", "ui.latency-min", ms(config.latency_min_us)) }
                { field("latency-max", "ui.latency-max", ms(config.latency_max_us)) }
            </div>
            { words_markup(words, "ui.faults-heading") }
            <div class="settings-grid" onchange={on_number.clone()}>
                { field("loss", "ui.loss", u64::from(config.loss_per_mille / 10)) }
                { field("duplication", "ui.duplication", u64::from(config.duplicate_per_mille / 10)) }
            </div>
            { words_markup(words, "ui.options-heading") }
            <div class="settings-grid" onchange={on_number}>
                { field("snapshot-threshold", "ui.snapshot-every", config.snapshot_threshold) }
                { read_mode_select(words, config.read_mode, dispatch) }
            </div>
            <div class="switches">{ for option_switches(config).into_iter().map(switch) }</div>
            { words_markup(words, "ui.break-raft-heading") }
            <div class="switches danger-zone">{ for safety_switches(config).into_iter().map(switch) }</div>
        </details>
    }
}
