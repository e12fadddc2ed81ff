//! Words as data: a message catalogue maps keys to texts, one file per language (`i18n/*.txt`).
//!
//! The page fetches a catalogue from its own site the first time it needs a word from it, so the
//! words cost its code nothing; native builds (tests, tools) compile the English one in. A text may
//! hold `{name}` slots that [`fill`] replaces by values, and plural slots that choose a word by a
//! number: `{count} {count|=1 entry|entries}` (see [`plural`]).

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

/// `template` with each `{name}` replaced by the value given for `name`, and each plural slot
/// `{name|…}` by its form for that value ([`plural`]). An unknown slot stays as it is, so a
/// mistake shows rather than vanishes.
pub fn fill<V: AsRef<str>>(template: &str, values: &[(&str, V)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let (name, forms) = slot(&after[..close]);
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(
                        forms.map_or(value.as_ref(), |forms| plural(forms, value.as_ref())),
                    ),
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

/// A slot's name, and its plural forms if it is a plural slot (`count|=1 entry|entries`).
pub fn slot(inside: &str) -> (&str, Option<&str>) {
    match inside.split_once('|') {
        Some((name, forms)) => (name, Some(forms)),
        None => (inside, None),
    }
}

/// The form of a plural slot for the number `value`. Forms are separated by `|`; a form may
/// start with a condition on the number, `=N` (exactly N) or `<N` (below N), and a space. The
/// first form whose condition holds is chosen, else the last form (which has none). So English
/// and Spanish write `{n|=1 entry|entries}`, French `{n|<2 entrée|entrées}`, and Chinese needs
/// no plural slot at all. A value that is not a whole number takes the last form.
pub fn plural<'a>(forms: &'a str, value: &str) -> &'a str {
    let n: Option<u64> = value.parse().ok();
    let mut chosen = forms;
    for form in forms.split('|') {
        chosen = form;
        let Some((condition, text)) = form.split_once(' ') else {
            continue;
        };
        let bound = condition.get(1..).and_then(|b| b.parse::<u64>().ok());
        let holds = match (condition.as_bytes().first(), n, bound) {
            (Some(b'='), Some(n), Some(bound)) => n == bound,
            (Some(b'<'), Some(n), Some(bound)) => n < bound,
            _ => continue,
        };
        if holds {
            return text;
        }
    }
    chosen
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

    #[test]
    fn plural_slots_choose_the_form_for_the_number() {
        let entries = "{n} {n|=1 entry|entries}";
        assert_eq!(fill(entries, &[("n", "1")]), "1 entry");
        assert_eq!(fill(entries, &[("n", "0")]), "0 entries");
        assert_eq!(fill(entries, &[("n", "12")]), "12 entries");
        // French counts 0 and 1 as singular.
        let french = "{n} {n|<2 entrée|entrées}";
        assert_eq!(fill(french, &[("n", "0")]), "0 entrée");
        assert_eq!(fill(french, &[("n", "2")]), "2 entrées");
        // Several conditions, tried in order; the last form has none.
        let three = "{n|=0 none|=1 one entry|many entries}";
        assert_eq!(fill(three, &[("n", "0")]), "none");
        assert_eq!(fill(three, &[("n", "1")]), "one entry");
        assert_eq!(fill(three, &[("n", "7")]), "many entries");
        // Not a number, or a form that only looks like a condition: the last form.
        assert_eq!(fill(entries, &[("n", "x")]), "x entries");
        assert_eq!(plural("=one a|b", "1"), "b");
        assert_eq!(plural("plain", "1"), "plain");
        // A plural slot without its value stays visible.
        assert_eq!(fill::<&str>(entries, &[]), "{n} {n|=1 entry|entries}");
    }
}
