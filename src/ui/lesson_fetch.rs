//! Fetches a text file from the page's own site: a lesson file named by `?lesson=` (or a tour
//! chapter), or the reader's catalogue of words.

use crate::sim::Words;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a file could not be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchFailure {
    /// The browser could not fetch it (offline, blocked, not text).
    Unreachable,
    /// It is on another site (asked for, or redirected to).
    OtherSite,
    /// The site answered with this HTTP status.
    Status(u16),
    /// It is longer than the limit for its kind.
    TooLong {
        /// Its length in bytes.
        bytes: usize,
        /// The most that is read.
        limit: usize,
    },
}

impl FetchFailure {
    /// The reason as the catalogue's words (`fetch.*`), for a notice to say in the reader's
    /// language whenever the catalogue is there.
    pub fn words(&self) -> Words {
        match self {
            FetchFailure::Unreachable => Words::new("fetch.unreachable"),
            FetchFailure::OtherSite => Words::new("fetch.other-site"),
            FetchFailure::Status(status) => {
                Words::new("fetch.status").with("status", status.to_string())
            }
            FetchFailure::TooLong { bytes, limit } => Words::new("fetch.too-long")
                .with("bytes", bytes.to_string())
                .with("limit", limit.to_string()),
        }
    }

    /// The reason in English, for the one case with no catalogue to say it in: the catalogue
    /// itself could not be fetched.
    pub fn english(&self) -> String {
        match self {
            FetchFailure::Unreachable => "the browser could not fetch it".to_string(),
            FetchFailure::OtherSite => "it is not on this site".to_string(),
            FetchFailure::Status(status) => format!("the site answered {status}"),
            FetchFailure::TooLong { bytes, limit } => {
                format!("it is {bytes} bytes long; at most {limit} are read")
            }
        }
    }
}

/// Fetches the words of `lang` (`i18n/<lang>.txt`, next to the page) and calls `done` with their
/// text, or why they could not be had: in English, as there is no catalogue to say it in.
pub fn fetch_catalogue(lang: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    let path = super::language::catalogue_path(lang);
    fetch_lesson(path, super::language::MAX_CATALOGUE_BYTES, move |result| {
        done(result.map_err(|failure| failure.english()))
    });
}

/// Fetches `path`, relative to the page, and calls `done` with the file's text (at most `limit`
/// bytes: [`crate::scenario::lesson::MAX_LESSON_BYTES`] for a lesson) or the reason it could
/// not be had. Another origin is refused here, before any request (the page's
/// Content-Security-Policy would refuse it too).
pub fn fetch_lesson(
    path: String,
    limit: usize,
    done: impl FnOnce(Result<String, FetchFailure>) + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move { done(fetch_text(&path, limit).await) });
}

async fn fetch_text(path: &str, limit: usize) -> Result<String, FetchFailure> {
    let unreachable = || FetchFailure::Unreachable;
    let window = web_sys::window().ok_or_else(unreachable)?;
    let location = window.location();
    let page = location.href().map_err(|_| unreachable())?;
    let url = web_sys::Url::new_with_base(path, &page).map_err(|_| unreachable())?;
    if Some(url.origin()) != location.origin().ok() {
        return Err(FetchFailure::OtherSite);
    }
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url.href()))
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or_else(unreachable)?;
    // Redirects are followed: the file must still come from this site.
    if web_sys::Url::new(&response.url()).ok().map(|u| u.origin()) != location.origin().ok() {
        return Err(FetchFailure::OtherSite);
    }
    if !response.ok() {
        return Err(FetchFailure::Status(response.status()));
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
        return Err(FetchFailure::TooLong {
            bytes: text.len(),
            limit,
        });
    }
    Ok(text)
}
