//! Fetches a text file from the page's own site: a lesson file named by `?lesson=` (or a tour
//! chapter), or the reader's catalogue of words.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches `path`, relative to the page, and calls `done` with the file's text (at most `limit`
/// bytes: [`crate::scenario::lesson::MAX_LESSON_BYTES`] for a lesson) or the reason it could
/// not be had. Another origin is refused here, before any request (the page's
/// Content-Security-Policy would refuse it too).
pub fn fetch_lesson(
    path: String,
    limit: usize,
    done: impl FnOnce(Result<String, String>) + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move { done(fetch_text(&path, limit).await) });
}

async fn fetch_text(path: &str, limit: usize) -> Result<String, String> {
    let unreachable = || "the browser could not fetch it".to_string();
    let window = web_sys::window().ok_or_else(unreachable)?;
    let location = window.location();
    let page = location.href().map_err(|_| unreachable())?;
    let url = web_sys::Url::new_with_base(path, &page).map_err(|_| unreachable())?;
    if Some(url.origin()) != location.origin().ok() {
        return Err("it is not on this site".to_string());
    }
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url.href()))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or_else(unreachable)?;
    // Redirects are followed: the file must still come from this site.
    if web_sys::Url::new(&response.url()).ok().map(|u| u.origin()) != location.origin().ok() {
        return Err("it is not on this site".to_string());
    }
    if !response.ok() {
        return Err(format!("the site answered {}", response.status()));
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .ok_or_else(unreachable)?;
    if text.len() > limit {
        return Err(format!(
            "it is {} bytes long; at most {limit} are read",
            text.len()
        ));
    }
    Ok(text)
}
