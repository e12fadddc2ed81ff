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
}

impl ViewCache {
    /// The panel `key` at `version`: the cached content if the version is unchanged, otherwise
    /// built afresh by `build` (and cached), wrapped in a [`Frozen`].
    pub fn view(&mut self, key: &'static str, version: u64, build: impl FnOnce() -> Html) -> Html {
        let content = match self.entries.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, cached_version, content)) if *cached_version == version => content.clone(),
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
