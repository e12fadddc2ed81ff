//! Frame-time measurement for `scripts/bench`, switched on by the URL parameter `bench=1`.
//!
//! A frame's cost is measured from the start of the animation-frame callback (which advances the
//! simulation) to the end of Yew's render of that frame (after the DOM is patched). The samples,
//! in microseconds, are appended to the attribute `data-frame-ms` of `<html>`, which the
//! benchmark reads. Browser style, layout and paint come after and are not included.

/// Milliseconds from the page's time origin, or `None` outside a browser.
pub fn now_ms() -> Option<f64> {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
}

/// Appends one sample, in whole microseconds, to the attribute `data-frame-ms` of `<html>`
/// (comma-separated), which the benchmark reads and clears. An attribute, not a JavaScript
/// array: the page already has the calls for attributes, so the probe costs its bundle almost
/// nothing.
pub fn record(sample_ms: f64) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let mut samples = root.get_attribute("data-frame-ms").unwrap_or_default();
    if !samples.is_empty() {
        samples.push(',');
    }
    // Whole microseconds: formatting a float would bring Rust's float printing into the bundle.
    samples += &((sample_ms * 1000.0) as u64).to_string();
    let _ = root.set_attribute("data-frame-ms", &samples);
}
