//! The live safety monitor: each property the checker watches, green while it holds. The moment
//! one fails the sandbox pauses, the panel says what broke, and the nodes and log entries
//! involved are highlighted in the cluster and the log table.

use yew::prelude::*;

use crate::i18n::Catalogue;
use crate::raft::{LogIndex, NodeId};
use crate::sim::{OpOutcome, Violation, World};

use super::event_list::format_time;

/// The properties in the order the panel lists them. The names match [`Violation::property`];
/// what each means, in a line, is the catalogue's `property.<n>` (see `i18n/`).
pub const PROPERTIES: [&str; 14] = [
    "Election Safety",
    "Leader Append-Only",
    "Log Matching",
    "Leader Completeness",
    "State Machine Safety",
    "Committed entries are durable",
    "Terms never decrease",
    "One vote per term",
    "Entries are applied in order",
    "Commits stay within the log",
    "Majorities overlap",
    "Snapshots hold committed entries",
    "Linearizable",
    "Time moves on",
];

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
    let rows = PROPERTIES.iter().enumerate().map(|(i, name)| {
        let statement = super::say(words, &format!("property.{i}"));
        let first = violations.iter().find(|v| v.violation.property() == *name);
        let ok = first.is_none();
        // The one property about clients rather than servers goes by the name the page's
        // scripts know it by.
        let key = if *name == "Linearizable" {
            "linearizable"
        } else {
            name
        };
        let unchecked = key == "linearizable" && ok && !world.linearizability_checked();
        html! {
            <li class={classes!("invariant", if ok { "ok" } else { "broken" })} data-testid="invariant"
                data-property={key} data-ok={ok.to_string()}>
                <span class="invariant-mark" aria-hidden="true">{ if ok { "✓" } else { "✕" } }</span>
                <span class="invariant-name">{ super::say(words, &format!("property-name.{i}")) }</span>
                <span class="invariant-statement">{ statement }</span>
                if unchecked {
                    <span class="invariant-statement">{ "(not checked live: over 2,000 operations are still unsettled)" }</span>
                }
                if let Some(v) = first {
                    <span class="invariant-failure">{ format!("at {}: {}", format_time(v.at), v.violation.words().render(words)) }</span>
                    if let Violation::NotLinearizable { op, before, .. } = v.violation {
                        { operations_timeline(world, op, before.map(|b| b.0)) }
                    }
                }
            </li>
        }
    });
    let summary = if all_ok {
        format!("all {} properties hold", PROPERTIES.len())
    } else {
        format!(
            "{} violation{}",
            violations.len(),
            if violations.len() == 1 { "" } else { "s" }
        )
    };
    let open = !folded || !all_ok;
    html! {
        <section class={classes!("panel", "invariants", (!all_ok).then_some("failing"))}
                 data-testid="invariants" data-ok={all_ok.to_string()} data-open={open.to_string()}
                 aria-label="Safety monitor">
            <details class="fold" open={open}>
                <summary class="panel-head">
                    <h2>{ "Safety monitor" }</h2>
                    <span class="invariants-summary" data-testid="invariants-summary" role="status">{ summary }</span>
                </summary>
                if broken_switches && all_ok {
                    <p class="hint warn">{ "A safety rule is switched off in Settings: watch this panel." }</p>
                }
                <ul class="invariant-list">{ for rows }</ul>
            </details>
        </section>
    }
}

/// A small timeline of the client operations around a linearizability violation: one lane per
/// client, a bar from each operation's invocation to its answer, the two that cannot be
/// ordered highlighted.
fn operations_timeline(world: &World, op: usize, before: Option<usize>) -> Html {
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
        return Html::default();
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
    // Whole units: the drawing needs no finer, and integer text keeps float formatting out of
    // the bundle (see `crate::decimal`).
    let x = |t: u64| 40 + (t.clamp(t0, t1) - t0) * 250 / (t1 - t0);
    let bars = shown.iter().map(|&i| {
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
        html! {
            <g class={classes!("lin-op", hot.then_some("lin-hot"), hot.then_some("violating"))} data-testid="lin-op" data-op={i.to_string()} data-hot={hot.to_string()}>
                <rect x={x(a).to_string()} y={y.to_string()} width={(x(b) - x(a)).max(3).to_string()} height="8" rx="2" />
                <text x={x(a).to_string()} y={(y + 19).to_string()}>{ result }</text>
            </g>
        }
    });
    let lanes = clients.iter().enumerate().map(|(lane, c)| {
        html! { <text class="lin-client" x="0" y={(16 + lane * 26).to_string()}>{ format!("C{}", c.0 + 1) }</text> }
    });
    let height = clients.len() * 26 + 6;
    html! {
        <svg class="lin-timeline" data-testid="lin-timeline" viewBox={format!("0 0 300 {height}")}
             role="img" aria-label="The client operations around the violation; the two that cannot be ordered are highlighted">
            { for lanes }{ for bars }
        </svg>
    }
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
