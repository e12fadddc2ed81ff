//! Browser tests: run with `cargo test --target wasm32-unknown-unknown --test wasm_app`, which
//! wasm-bindgen-test-runner executes in headless Chromium (see .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh element of the test page and waits until Yew has rendered it.
async fn mount_app() -> web_sys::Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("the test runs in a browser page");
    let root = document
        .create_element("div")
        .expect("create a root element");
    document
        .body()
        .expect("the page has a body")
        .append_child(&root)
        .expect("attach the root");
    yew::Renderer::<raftsim::ui::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn app_renders_its_shell() {
    let root = mount_app().await;
    let brand = root
        .query_selector("[data-testid=brand]")
        .expect("valid selector")
        .expect("the brand is rendered");
    assert_eq!(brand.text_content().as_deref(), Some("raftsim"));
    assert!(root
        .query_selector("[data-testid=cluster]")
        .expect("valid selector")
        .is_some());
}

#[path = "common/reference_run.rs"]
mod reference_run;

/// Determinism across platforms, browser half: the same run gives the same trace hash in wasm as
/// natively (`tests/native_fingerprint.rs` pins the value).
#[wasm_bindgen_test]
fn reference_run_matches_the_native_trace_hash() {
    let world = reference_run::reference_run();
    assert_eq!(world.trace_hash(), reference_run::EXPECTED_TRACE_HASH);
}

/// A run shared as a link and replayed in the browser gives the native trace hash.
#[wasm_bindgen_test]
fn a_shared_run_replays_in_wasm_to_the_native_trace_hash() {
    assert_eq!(
        reference_run::replayed_from_share_link(),
        reference_run::EXPECTED_TRACE_HASH
    );
}

/// If raftsim panics, the page shows a banner with a copyable report instead of freezing.
#[wasm_bindgen_test]
fn a_fatal_error_shows_a_banner_with_a_report() {
    raftsim::ui::panic_report::show_fatal_report("index out of bounds (test)");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let report = document
        .query_selector("[data-testid=panic-report]")
        .expect("valid selector")
        .expect("the report is shown");
    let text = report.text_content().unwrap_or_default();
    assert!(text.contains("index out of bounds (test)"), "{text}");
    assert!(text.contains("raftsim"), "{text}");
}
