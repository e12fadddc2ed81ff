//! Skipping work for panels that did not change. Every animation frame re-renders the app, but
//! the log table, the safety monitor, the settings and the event list change far less often than
//! messages move. Each is built only when its fingerprint changes, and wrapped in [`Frozen`], whose
//! props compare by that fingerprint alone, so Yew neither rebuilds nor diffs it in between.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use yew::prelude::*;

/// Props of [`Frozen`].
#[derive(Properties)]
pub struct FrozenProps {
    /// The fingerprint of what `children` shows.
    pub version: u64,
    /// The content, rebuilt by the caller only when `version` changes.
    pub children: Html,
}

impl PartialEq for FrozenProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

/// Renders its children, and re-renders only when the version changes.
#[component]
pub fn Frozen(props: &FrozenProps) -> Html {
    props.children.clone()
}

/// A fingerprint of anything hashable, for [`Frozen`]'s version.
pub fn fingerprint(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The last content built for each panel, with the version it was built for.
#[derive(Default)]
pub struct ViewCache {
    entries: Vec<(&'static str, u64, Html)>,
    /// Renders while the clock runs (see [`ViewCache::paced`]); `None` while it stands still.
    running: Option<u64>,
}

/// While the clock runs, a paced panel is brought up to date on one render in this many.
const PACE: u64 = 4;

impl ViewCache {
    /// Called at the start of each render: whether the clock is running.
    pub fn begin(&mut self, playing: bool) {
        self.running = playing.then(|| self.running.map_or(0, |n| n + 1));
    }

    /// As [`ViewCache::view`] for a panel of text that changes with nearly every event (the
    /// event list, the logs, the timeline's marks): while the clock runs it is brought up to
    /// date on one render in [`PACE`] only, each on its own `slot` so that no two land on the
    /// same frame. Text that moves sixty times a second cannot be read anyway; paused or
    /// stepping, every change shows at once.
    pub fn paced(
        &mut self,
        key: &'static str,
        slot: u64,
        version: u64,
        build: impl FnOnce() -> Html,
    ) -> Html {
        let waiting = self.running.is_some_and(|n| n % PACE != slot);
        let version = match self.entries.iter().find(|e| e.0 == key) {
            Some(entry) if waiting => entry.1,
            _ => version,
        };
        self.view(key, version, build)
    }

    /// The panel `key` at `version`: the cached content if the version is unchanged, otherwise
    /// built afresh by `build` (and cached), wrapped in a [`Frozen`].
    pub fn view(&mut self, key: &'static str, version: u64, build: impl FnOnce() -> Html) -> Html {
        let content = match self.entries.iter_mut().find(|e| e.0 == key) {
            Some(entry) if entry.1 == version => entry.2.clone(),
            Some(entry) => {
                entry.1 = version;
                entry.2 = build();
                entry.2.clone()
            }
            None => {
                let content = build();
                self.entries.push((key, version, content.clone()));
                content
            }
        };
        html! { <Frozen key={key} {version}>{ content }</Frozen> }
    }
}
