//! Determinism across platforms, native half: the reference run's trace hash is pinned, and
//! `tests/wasm_app.rs` checks that the browser build produces the same one.

#[path = "common/reference_run.rs"]
mod reference_run;

#[test]
fn reference_run_has_the_pinned_trace_hash() {
    let world = reference_run::reference_run();
    assert!(
        world.check_invariants().is_empty(),
        "{:?}",
        world.check_invariants()
    );
    assert!(
        world.trace_len() > 1_000,
        "the run should be busy: {}",
        world.trace_len()
    );
    assert_eq!(
        world.trace_hash(),
        reference_run::EXPECTED_TRACE_HASH,
        "the reference run changed; if that was intended, set EXPECTED_TRACE_HASH to {:#x}",
        world.trace_hash()
    );
}

#[test]
fn the_reference_run_replays_from_a_share_link_to_the_same_hash() {
    assert_eq!(
        reference_run::replayed_from_share_link(),
        reference_run::EXPECTED_TRACE_HASH
    );
}
