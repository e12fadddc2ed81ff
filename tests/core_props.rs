//! Property tests: random inputs where a property is natural.

use proptest::prelude::*;
use raftsim::raft::{Command, RaftLog};
use raftsim::sim::{Action, ClientId, Config, NodeId, TimedAction, World, MS};

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    // Commands typed in the UI parse back to what they display as.
    #[test]
    fn command_display_parses_back(n in any::<i64>(), set in any::<bool>()) {
        let c = if set { Command::Set(n) } else { Command::Add(n) };
        prop_assert_eq!(c.to_string().parse::<Command>(), Ok(c));
    }

    // §5.3: a log keeps contiguous indices from 1 whatever appends and truncations happen, and
    // holds exactly what a plain list given the same operations holds. Terms and truncation
    // points are arbitrary (terms may go down, truncations may start at 0, inside the log or
    // past its end), so nothing here holds by construction.
    #[test]
    fn log_indices_stay_contiguous(ops in proptest::collection::vec((any::<bool>(), 0u64..6, 0u64..30), 0..80)) {
        let mut log = RaftLog::new();
        let mut model: Vec<(u64, Command)> = Vec::new();
        let mut removals = 0;
        for (append, term, k) in ops {
            if append {
                let command = Command::Set(k as i64);
                let e = log.push(term, command, None);
                model.push((term, command));
                prop_assert_eq!(e.index, model.len() as u64);
            } else {
                let keep = (k.max(1) - 1) as usize;
                let removed = model.len().saturating_sub(keep);
                prop_assert_eq!(log.truncate_from(k), removed);
                model.truncate(keep);
                if removed > 0 {
                    removals += 1;
                    prop_assert_eq!(log.removals().last_from, keep as u64 + 1);
                }
            }
            prop_assert_eq!(log.removals().count, removals);
            prop_assert_eq!(log.len(), model.len());
            prop_assert_eq!(log.last_index(), model.len() as u64);
            prop_assert_eq!(log.last_term(), model.last().map_or(0, |e| e.0));
            for (i, e) in log.entries().iter().enumerate() {
                prop_assert_eq!(e.index, i as u64 + 1);
                prop_assert_eq!((e.term, e.command), model[i]);
                prop_assert_eq!(log.term_at(e.index), Some(e.term));
            }
            prop_assert_eq!(log.term_at(model.len() as u64 + 1), None);
        }
    }

    // Any sequence of user actions keeps every invariant, and replaying the recorded actions
    // reproduces the trace hash (determinism).
    #[test]
    fn random_actions_keep_invariants_and_replay(
        seed in any::<u64>(),
        size in 1u8..=5,
        steps in proptest::collection::vec((0u8..8, 0u8..5, 1u64..400), 1..25),
    ) {
        let config = Config { seed, cluster_size: size, loss_per_mille: 50, ..Config::default() };
        let mut w = World::new(config.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (kind, n, wait) in steps {
            let node = NodeId(n % size);
            let action = match kind {
                0 => Action::Stop(node),
                1 => Action::Restart(node),
                2 => Action::Timeout(node),
                3 => Action::Partition(vec![vec![node]]),
                4 => Action::Heal,
                _ => Action::Submit { client: ClientId(u16::from(n % 2)), node, command: Command::Add(i64::from(n)) },
            };
            let _ = w.apply(action); // refusals are fine
            w.advance_to(w.now() + wait * MS);
            prop_assert!(w.check_invariants().is_empty(), "{:?}", w.check_invariants());
        }
        let actions: Vec<TimedAction> = w.actions().to_vec();
        let mut again = World::replay(config, &actions).map_err(|e| TestCaseError::fail(e.to_string()))?;
        again.advance_to(w.now());
        prop_assert_eq!(again.trace_hash(), w.trace_hash());
    }

    // Configs survive a JSON round trip (share links, scenario files).
    #[test]
    fn config_round_trips(seed in any::<u64>(), size in 1u8..=51, loss in 0u16..=1000) {
        let c = Config { seed, cluster_size: size, loss_per_mille: loss, ..Config::default() };
        let json = serde_json::to_string(&c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Config = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, c);
    }
}
