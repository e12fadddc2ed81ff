//! What a person sees if raftsim itself breaks. A panic in wasm stops the app for good, so instead
//! of a page that silently freezes, the panic hook writes a banner straight into the DOM (Yew can
//! no longer render) with a report that can be copied into a bug report.

use std::panic::PanicHookInfo;

/// Installs the hook: the usual console report, then the banner.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo| {
        console_error_panic_hook::hook(info);
        show_fatal_report(&info.to_string());
    }));
}

/// The text of the report: what broke, where, and on which page.
fn report_text(message: &str) -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    format!(
        "raftsim {} internal error\npage: {href}\nbrowser: {agent}\n{message}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Puts the error banner with the report at the top of the page. Uses only plain DOM calls and
/// ignores their failures: this runs while the program is already failing.
pub fn show_fatal_report(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_class_name("error-banner fatal");
    let _ = banner.set_attribute("data-testid", "error-banner");
    let _ = banner.set_attribute("role", "alert");
    let Ok(text) = document.create_element("p") else {
        return;
    };
    text.set_text_content(Some(
        "raftsim hit an internal error and stopped. Reload the page to start again. \
         If you report it, please include the text below (it is selected: press Ctrl+C or ⌘C).",
    ));
    let Ok(area) = document.create_element("textarea") else {
        return;
    };
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("rows", "6");
    let _ = area.set_attribute("data-testid", "panic-report");
    area.set_text_content(Some(&report_text(message)));
    let _ = banner.append_child(&text);
    let _ = banner.append_child(&area);
    let _ = body.insert_before(&banner, body.first_child().as_ref());
    if let Ok(area) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(area) {
        area.select();
    }
}
