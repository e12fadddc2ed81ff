//! The linearizability checker on real simulator histories: they must pass, and the same
//! histories with one reported value changed must (almost always) fail. The second half shows
//! the checker has teeth on the histories it is meant for, not just on hand-made ones.

use raftsim::sim::fuzz::{run_schedule_world, FuzzOptions};
use raftsim::sim::linearizability::{check_history, LinearizabilityResult};
use raftsim::sim::{OpOutcome, SECOND};

const SEEDS: std::ops::Range<u64> = 0..300;

#[test]
fn real_histories_pass_and_tampered_ones_fail() {
    let opts = FuzzOptions {
        max_cluster: 5,
        fault_time: 10 * SECOND,
        ..FuzzOptions::default()
    };
    let (mut tampered, mut caught) = (0u32, 0u32);
    for seed in SEEDS {
        let (_, w) = match run_schedule_world(seed, opts) {
            Ok(r) => r,
            Err(f) => panic!("{f}"),
        };
        let mut ops = w.operations().to_vec();
        assert!(
            check_history(&ops).is_ok(),
            "seed {seed}: a real history failed"
        );
        // Change the middle completed operation's answer by one.
        let ok: Vec<usize> = (0..ops.len())
            .filter(|&i| matches!(ops[i].outcome, OpOutcome::Ok { .. }))
            .collect();
        let Some(&i) = ok.get(ok.len() / 2) else {
            continue;
        };
        if let OpOutcome::Ok { value, index } = ops[i].outcome {
            ops[i].outcome = OpOutcome::Ok {
                value: value.wrapping_add(1),
                index,
            };
        }
        tampered += 1;
        match check_history(&ops) {
            LinearizabilityResult::Violation(v) => {
                caught += 1;
                // The report must name a completed operation and explain it.
                assert!(matches!(ops[v.op].outcome, OpOutcome::Ok { .. }));
                assert_eq!(v.before.len(), v.expected.len());
            }
            LinearizabilityResult::Ok { .. } => {
                eprintln!("seed {seed}: changing operation {i} went unnoticed (another order explains it)")
            }
            LinearizabilityResult::Unknown { steps } => {
                panic!("seed {seed}: the check gave up after {steps} steps")
            }
        }
    }
    eprintln!("tampered {tampered} histories, caught {caught}");
    assert!(
        tampered >= 200,
        "too few histories with answers: {tampered}"
    );
    assert!(
        f64::from(caught) >= 0.95 * f64::from(tampered),
        "caught only {caught} of {tampered}"
    );
}
