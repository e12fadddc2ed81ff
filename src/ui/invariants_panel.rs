//! The live safety monitor: each property the checker watches, green while it holds. The moment
//! one fails the sandbox pauses, the panel says what broke, and the nodes and log entries
//! involved are highlighted in the cluster and the log table.

use std::fmt::Write;

use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::raft::{LogIndex, NodeId};
use crate::sim::{OpOutcome, Violation, World, PROPERTY_NAME_KEYS};

use super::event_list::{escape, format_time, markup, say_with};
use super::say;

/// The properties in the order the panel lists them: the core's (see [`crate::sim::PROPERTIES`];
/// their names in words are `property-name.<n>`, what each means is `property.<n>`).
pub use crate::sim::PROPERTIES;

/// The nodes and log indices a violation names, for highlighting.
pub fn involved(violation: &Violation) -> (Vec<NodeId>, Vec<LogIndex>) {
    match violation {
        Violation::ElectionSafety { first, second, .. } => (vec![*first, *second], vec![]),
        Violation::LeaderAppendOnly { leader, index, .. } => (vec![*leader], vec![*index]),
        Violation::LogMatching {
            index,
            first,
            second,
            ..
        } => (vec![*first, *second], vec![*index]),
        Violation::LeaderCompleteness { leader, index, .. } => (vec![*leader], vec![*index]),
        Violation::StateMachineSafety {
            index,
            first,
            second,
        } => (vec![first.0, second.0], vec![*index]),
        Violation::DivergentValue {
            index,
            first,
            second,
        } => (vec![first.0, second.0], vec![*index]),
        Violation::CommittedEntryChanged { index, node, .. } => (vec![*node], vec![*index]),
        Violation::CommittedEntryLost { index, .. } => (vec![], vec![*index]),
        Violation::TermDecreased { node, .. } => (vec![*node], vec![]),
        Violation::DoubleVote {
            node,
            first,
            second,
            ..
        } => (vec![*node, *first, *second], vec![]),
        Violation::AppliedOutOfOrder { node, index, .. } => (vec![*node], vec![*index]),
        Violation::CommitBeyondLog {
            node, commit_index, ..
        } => (vec![*node], vec![*commit_index]),
        Violation::DisjointMajorities { first, second, .. } => {
            (first.1.union(second.1).iter().collect(), vec![])
        }
        Violation::UncommittedSnapshot { node, index, .. } => (vec![*node], vec![*index]),
        Violation::NotLinearizable { .. } | Violation::RunawayRun { .. } => (vec![], vec![]),
    }
}

/// Everything highlighted because of violations so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlights {
    /// Nodes named by a violation.
    pub nodes: Vec<NodeId>,
    /// Log indices named by a violation.
    pub indices: Vec<LogIndex>,
}

impl Highlights {
    /// Collects the highlights of every violation the world has seen.
    pub fn of(world: &World) -> Highlights {
        let mut highlights = Highlights::default();
        for v in world.violations() {
            let (nodes, indices) = involved(&v.violation);
            for node in nodes {
                insert_sorted(&mut highlights.nodes, node);
            }
            for index in indices {
                insert_sorted(&mut highlights.indices, index);
            }
        }
        highlights
    }
}

/// Adds `item` to the sorted, duplicate-free `list` unless it is there already. A binary search
/// and an insert rather than sort-then-dedup: the lists are short (a world keeps at most
/// `MAX_VIOLATIONS`), and each library sort costs the wasm bundle its own copy of the sorting
/// code, about 1.5 KB gzipped per element type.
fn insert_sorted<T: Ord>(list: &mut Vec<T>, item: T) {
    if let Err(at) = list.binary_search(&item) {
        list.insert(at, item);
    }
}

/// The panel. `folded` shows only its heading and status line (the list opens on a click); a
/// violation always unfolds it.
pub fn invariants_panel(world: &World, folded: bool, words: Option<&Catalogue>) -> Html {
    let violations = world.violations();
    let all_ok = violations.is_empty();
    let broken_switches = world.config().safety.any_broken();
    let rows: String = PROPERTIES
        .iter()
        .enumerate()
        .map(|(i, name)| property_row(world, i, name, words))
        .collect();
    let summary = match violations.len() {
        0 => say_with(words, "ui.invariants-ok", &[("count", &PROPERTIES.len())]),
        n => say_with(words, "ui.invariants-violated", &[("count", &n)]),
    };
    let open = !folded || !all_ok;
    let title = say(words, "ui.safety-monitor");
    html! {
        <section class={if all_ok { "panel invariants" } else { "panel invariants failing" }}
                 data-testid="invariants" data-ok={all_ok.to_string()} data-open={open.to_string()}
                 aria-label={title.clone()}>
            <details class="fold" open={open}>
                <summary class="panel-head">
                    <h2>{ title }</h2>
                    <span class="invariants-summary" data-testid="invariants-summary" role="status">{ summary }</span>
                </summary>
                if broken_switches && all_ok {
                    <p class="hint warn">{ say(words, "ui.invariants-warning") }</p>
                }
                <ul class="invariant-list">{ markup(rows) }</ul>
            </details>
        </section>
    }
}

/// The `i`-th property's row, as markup (the list only shows; markup is cheaper in the bundle
/// than elements): its name and statement from the catalogue, and what broke it first.
fn property_row(world: &World, i: usize, name: &str, words: Option<&Catalogue>) -> String {
    let first = world
        .violations()
        .iter()
        .find(|v| v.violation.property() == name);
    let ok = first.is_none();
    // The one property about clients rather than servers goes by the name the page's scripts
    // know it by.
    let key = if name == "Linearizable" {
        "linearizable"
    } else {
        name
    };
    let (class, mark) = if ok { ("ok", "✓") } else { ("broken", "✕") };
    let mut row = format!(
        "<li class=\"invariant {class}\" data-testid=\"invariant\" data-property=\"{key}\" data-ok=\"{ok}\"><span class=\"invariant-mark\" aria-hidden=\"true\">{mark}</span><span class=\"invariant-name\">{}</span><span class=\"invariant-statement\">{}</span>",
        say(words, PROPERTY_NAME_KEYS[i]),
        say(words, &format!("property.{i}"))
    );
    if key == "linearizable" && ok && !world.linearizability_checked() {
        let _ = write!(
            row,
            "<span class=\"invariant-statement\">{}</span>",
            say(words, "ui.invariants-unchecked")
        );
    }
    if let Some(v) = first {
        let failure = say_with(
            words,
            "ui.invariant-failure",
            &[
                ("at", &format_time(v.at)),
                ("violation", &escape(&v.violation.words().render(words))),
            ],
        );
        let _ = write!(row, "<span class=\"invariant-failure\">{failure}</span>");
        if let Violation::NotLinearizable { op, before, .. } = v.violation {
            operations_timeline(&mut row, world, op, before.map(|b| b.0), words);
        }
    }
    row + "</li>"
}

/// A small timeline of the client operations around a linearizability violation, as markup at
/// the end of `out`: one lane per client, a bar from each operation's invocation to its
/// answer, the two that cannot be ordered highlighted.
fn operations_timeline(
    out: &mut String,
    world: &World,
    op: usize,
    before: Option<usize>,
    words: Option<&Catalogue>,
) {
    let ops = world.operations();
    let span = |i: usize| {
        let o = &ops[i];
        (o.invoked_at, o.completed_at.unwrap_or(world.now()))
    };
    let focus: Vec<usize> = [Some(op), before]
        .into_iter()
        .flatten()
        .filter(|&i| i < ops.len())
        .collect();
    let (Some(start), Some(end)) = (
        focus.iter().map(|&i| span(i).0).min(),
        focus.iter().map(|&i| span(i).1).max(),
    ) else {
        return;
    };
    let pad = (end - start) / 4 + 1;
    let (t0, t1) = (start.saturating_sub(pad), end + pad);
    let shown: Vec<usize> = (0..ops.len())
        .filter(|&i| span(i).0 <= t1 && span(i).1 >= t0)
        .take(16)
        .collect();
    // Lanes in client order, without a sort (each sort instance costs kilobytes of wasm).
    let clients: Vec<_> = world
        .clients()
        .iter()
        .map(|c| c.id())
        .filter(|&c| shown.iter().any(|&i| ops[i].client == c))
        .collect();
    let height = clients.len() * 26 + 6;
    let _ = write!(
        out,
        "<svg class=\"lin-timeline\" data-testid=\"lin-timeline\" viewBox=\"0 0 300 {height}\" role=\"img\" aria-label=\"{}\">",
        say(words, "ui.lin-timeline")
    );
    for (lane, c) in clients.iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"lin-client\" x=\"0\" y=\"{}\">C{}</text>",
            16 + lane * 26,
            c.0 + 1
        );
    }
    // Whole units: the drawing needs no finer, and integer text keeps float formatting out of
    // the bundle (see `crate::decimal`).
    let x = |t: u64| 40 + (t.clamp(t0, t1) - t0) * 250 / (t1 - t0);
    for &i in &shown {
        let o = &ops[i];
        let lane = clients.iter().position(|&c| c == o.client).unwrap_or(0);
        let y = 8 + lane * 26;
        let (a, b) = span(i);
        let result = match o.outcome {
            OpOutcome::Ok { value, .. } => format!("{} → {value}", o.command),
            OpOutcome::Pending => format!("{} …", o.command),
            OpOutcome::Failed => format!("{} ✕", o.command),
        };
        let hot = focus.contains(&i);
        let class = if hot {
            "lin-op lin-hot violating"
        } else {
            "lin-op"
        };
        let _ = write!(
            out,
            "<g class=\"{class}\" data-testid=\"lin-op\" data-op=\"{i}\" data-hot=\"{hot}\"><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"8\" rx=\"2\"></rect><text x=\"{}\" y=\"{}\">{result}</text></g>",
            x(a),
            (x(b) - x(a)).max(3),
            x(a),
            y + 19
        );
    }
    *out += "</svg>";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{NodeId, Voters};
    use crate::sim::RunawayLimit;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);
    const C: NodeId = NodeId(2);

    // A property the checker can report but the monitor does not list would never show.
    #[test]
    fn every_violation_names_a_property_the_safety_monitor_lists() {
        let listed: Vec<&str> = PROPERTIES.to_vec();
        let all = [
            Violation::ElectionSafety {
                term: 1,
                first: A,
                second: B,
            },
            Violation::LeaderAppendOnly {
                leader: A,
                term: 1,
                index: 1,
            },
            Violation::LogMatching {
                index: 1,
                term: 1,
                first: A,
                second: B,
            },
            Violation::LeaderCompleteness {
                leader: A,
                term: 1,
                index: 1,
                entry_term: 1,
            },
            Violation::StateMachineSafety {
                index: 1,
                first: (A, 1),
                second: (B, 1),
            },
            Violation::DivergentValue {
                index: 1,
                first: (A, 1),
                second: (B, 2),
            },
            Violation::CommittedEntryChanged {
                index: 1,
                term: 1,
                node: A,
                node_term: 2,
            },
            Violation::CommittedEntryLost {
                index: 1,
                term: 1,
                holders: 1,
                needed: 2,
            },
            Violation::TermDecreased {
                node: A,
                from: 2,
                to: 1,
            },
            Violation::DoubleVote {
                node: A,
                term: 1,
                first: B,
                second: C,
            },
            Violation::AppliedOutOfOrder {
                node: A,
                last: 0,
                index: 2,
            },
            Violation::CommitBeyondLog {
                node: A,
                commit_index: 2,
                last_index: 1,
            },
            Violation::DisjointMajorities {
                term: 3,
                first: (A, Voters::first(1)),
                second: (B, Voters::first(2).without(A)),
            },
            Violation::UncommittedSnapshot {
                node: A,
                index: 3,
                term: 1,
            },
            Violation::NotLinearizable {
                op: 2,
                client: crate::raft::ClientId(0),
                command: crate::raft::Command::Get,
                observed: 5,
                expected: Some(7),
                before: Some((1, crate::raft::ClientId(1), crate::raft::Command::Set(7))),
            },
            Violation::RunawayRun {
                limit: RunawayLimit::OneInstant,
                events: 1,
            },
        ];
        for v in &all {
            assert!(
                listed.contains(&v.property()),
                "{} is not in the monitor",
                v.property()
            );
            assert!(!v.to_string().is_empty());
        }
    }
}
