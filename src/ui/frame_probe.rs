//! Frame-time measurement for `scripts/bench`, switched on by the URL parameter `bench=1`.
//!
//! A frame's cost is measured from the start of the animation-frame callback (which advances the
//! simulation) to the end of Yew's render of that frame (after the DOM is patched). The samples,
//! in milliseconds, are pushed onto the JavaScript array `window.__raftsimFrameMs`, which the
//! benchmark reads. Browser style, layout and paint come after and are not included.

use wasm_bindgen::{JsCast, JsValue};

/// Milliseconds from the page's time origin, or `None` outside a browser.
pub fn now_ms() -> Option<f64> {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
}

/// Appends one sample to `window.__raftsimFrameMs`, creating the array on first use.
pub fn record(sample_ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = JsValue::from_str("__raftsimFrameMs");
    let existing = js_sys::Reflect::get(&window, &key).ok();
    // `Array::from` would copy; the benchmark must see pushes to the array it reset.
    let array = match existing.and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
        Some(array) => array,
        None => {
            let array = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &array);
            array
        }
    };
    array.push(&JsValue::from_f64(sample_ms));
}
