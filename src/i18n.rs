//! Words as data: a message catalogue maps keys to texts, one file per language (`i18n/*.txt`).
//!
//! The page fetches a catalogue from its own site the first time it needs a word from it, so the
//! words cost its code nothing; native builds (tests, tools) compile the English one in. A text may
//! hold `{name}` slots that [`fill`] replaces by values.

/// A catalogue: keys and their texts, sorted by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    entries: Vec<(String, String)>,
}

impl Catalogue {
    /// Reads a catalogue file: `key text` on each line, `#` comments and blank lines skipped. A
    /// key given twice keeps its last text.
    pub fn parse(text: &str) -> Catalogue {
        let mut entries: Vec<(String, String)> = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, text) = line.split_once(' ').unwrap_or((line, ""));
            // Kept sorted as it is built: a binary search finds the place (no sort routine in
            // the page's code for this).
            match entries.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
                Ok(i) => entries[i].1 = text.trim().to_string(),
                Err(i) => entries.insert(i, (key.to_string(), text.trim().to_string())),
            }
        }
        Catalogue { entries }
    }

    /// The text of `key`, if the catalogue has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        let i = self
            .entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        Some(&self.entries[i].1)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

/// `template` with each `{name}` replaced by the value given for `name` (an unknown slot stays
/// as it is, so a mistake shows rather than vanishes).
pub fn fill<V: AsRef<str>>(template: &str, values: &[(&str, V)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value.as_ref()),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The English catalogue, compiled in (native builds only: the page fetches it).
#[cfg(not(target_arch = "wasm32"))]
pub fn english() -> Catalogue {
    Catalogue::parse(include_str!("../i18n/en.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_texts_and_skips_comments() {
        let c = Catalogue::parse(
            "# a comment\n\nb.key Second one\na.key  First, with {who}\nb.key Later wins\n",
        );
        assert_eq!(c.get("a.key"), Some("First, with {who}"));
        assert_eq!(c.get("b.key"), Some("Later wins"));
        assert_eq!(c.get("c.key"), None);
        assert_eq!(c.keys().collect::<Vec<_>>(), ["a.key", "b.key"]);
    }

    #[test]
    fn fills_slots_and_leaves_unknown_ones_visible() {
        assert_eq!(
            fill("{a} voted for {b}.", &[("a", "B"), ("b", "C")]),
            "B voted for C."
        );
        assert_eq!(fill("term {t} and {x}", &[("t", "2")]), "term 2 and {x}");
        assert_eq!(fill::<&str>("an open { brace", &[]), "an open { brace");
        assert_eq!(fill::<&str>("", &[]), "");
    }
}
