//! Finds English left in the page's code: words a person would read that do not come from the
//! catalogue (`i18n/<lang>.txt`) and so stay English in every language.
//!
//! It reads every file of `src/ui/` (test modules, comments, `expect`/`assert` messages left out)
//! and flags a string literal that is
//! - a text node of `html!` (`{ "…" }`) with a capital or a non-ASCII letter in it,
//! - the value of a `title`, `aria-label`, `placeholder` or `alt` attribute, in `html!` or inside
//!   markup written as text, if it has words rather than only a `{slot}`,
//! - or prose: three or more words, one of them a little English word (the, of, is, …).
//!
//! Class lists, catalogue keys and markup without words are not flagged. A heuristic: it can
//! miss a lone lower-case word ("split"), and it knows the strays not moved yet ([`KNOWN`], with
//! why each is still there). A new one fails the test, and so does a known one that has gone (so
//! that the list only shrinks).

use std::collections::BTreeSet;
use std::path::Path;

/// Strays left on purpose or not yet moved, as (file, the literal's first 40 characters).
const KNOWN: &[(&str, &str)] = &[
    // The postMessage API's errors, for the host page's developer (docs/embedding.md is in English).
    (
        "src/ui/embed_api.rs",
        r#"A load message needs a tour chapter, a l"#,
    ),
    (
        "src/ui/embed_api.rs",
        r#"\"nodes\" (1 to 9) and a whole-number \""#,
    ),
    (
        "src/ui/embed_api.rs",
        r#"\"tour\", \"lesson\" or \"scenario\" as "#,
    ),
    ("src/ui/embed_api.rs", r#"\"{name}\" has no field \"{}\""#),
    ("src/ui/embed_api.rs", r#"a number \"value\""#),
    (
        "src/ui/embed_api.rs",
        r#"a whole-number \"step\", counted from 1"#,
    ),
    (
        "src/ui/embed_api.rs",
        r#"the text \"command\", e.g. \"SET 5\""#,
    ),
    // The Experiments page says so when its catalogue could not be fetched: without it there
    // are no other words to say it in (deliberate, as on the simulator's page: sandbox.rs).
    (
        "src/ui/experiments_panel.rs",
        r#"The page's words could not be loaded: {r"#,
    ),
    // Why a file could not be fetched, when there is no catalogue to say it in: exactly when
    // the catalogue itself could not be fetched (a lesson's reason comes from `fetch.*`).
    ("src/ui/lesson_fetch.rs", r#"it is not on this site"#),
    (
        "src/ui/lesson_fetch.rs",
        r#"it is {bytes} bytes long; at most {limit"#,
    ),
    (
        "src/ui/lesson_fetch.rs",
        r#"the browser could not fetch it"#,
    ),
    ("src/ui/lesson_fetch.rs", r#"the site answered {status}"#),
    // Shown when the page has crashed: it cannot count on the catalogue (deliberate).
    (
        "src/ui/panic_report.rs",
        r#"raftsim hit an internal error and stoppe"#,
    ),
    // Said when the catalogue itself could not be loaded (deliberate), and a placeholder path.
    (
        "src/ui/sandbox.rs",
        r#"The page's words could not be loaded: {r"#,
    ),
    ("src/ui/sandbox.rs", r#"in this link"#),
];

/// Little English words: one of them among three or more words makes a literal prose.
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "is", "are", "was", "were", "for", "with", "from", "by",
    "at", "on", "not", "no", "this", "that", "it", "be", "has", "have", "and", "or", "can",
    "cannot", "could", "will", "than", "its", "your", "you", "what", "when", "why", "which", "who",
    "each", "every",
];

/// A string literal: where its quote starts, and its text (escapes as written).
struct Literal<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// Every string literal of `code` outside comments (plain and raw strings; char literals skipped).
fn literals(code: &str) -> Vec<Literal<'_>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = code[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('a): skip the char's quote.
                let rest = &code[i + 1..];
                let len = if let Some(escaped) = rest.strip_prefix('\\') {
                    escaped.find('\'').map_or(1, |n| n + 3)
                } else {
                    rest.chars().next().map_or(1, |c| {
                        if rest[c.len_utf8()..].starts_with('\'') {
                            c.len_utf8() + 2
                        } else {
                            1
                        }
                    })
                };
                i += len;
            }
            b'r' if (bytes.get(i + 1) == Some(&b'"') || bytes.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let hashes = code[i + 1..].bytes().take_while(|&b| b == b'#').count();
                let open = i + 1 + hashes;
                if bytes.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let end = code[open + 1..]
                    .find(&close)
                    .map_or(bytes.len(), |n| open + 1 + n);
                found.push(Literal {
                    start: i,
                    end: end + close.len(),
                    text: &code[open + 1..end],
                });
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                found.push(Literal {
                    start: i,
                    end: j + 1,
                    text: &code[i + 1..j.min(bytes.len())],
                });
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    found
}

/// `text` without markup tags, `{slots}` and escapes: the words a person reads.
fn words_of(text: &str) -> String {
    let mut out = String::new();
    let mut skip_until = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if let Some(end) = skip_until {
            if c == end {
                skip_until = None;
            }
            continue;
        }
        match c {
            '<' => skip_until = Some('>'),
            '{' => skip_until = Some('}'),
            '\\' => {
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_prose(text: &str) -> bool {
    let words: Vec<String> = words_of(text)
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    words.len() >= 3 && words.iter().any(|w| FUNCTION_WORDS.contains(&w.as_str()))
}

fn has_letters(text: &str) -> bool {
    words_of(text).chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// A `title="…"`-like attribute inside markup written as text, with words in it.
fn worded_attribute_inside(text: &str) -> bool {
    [
        "title=\\\"",
        "aria-label=\\\"",
        "placeholder=\\\"",
        "alt=\\\"",
    ]
    .iter()
    .any(|attr| {
        text.match_indices(attr).any(|(at, _)| {
            let value = &text[at + attr.len()..];
            let value = &value[..value.find("\\\"").unwrap_or(value.len())];
            has_letters(value)
        })
    })
}

/// The literals of one file a reader would see in English.
fn strays(code: &str) -> Vec<String> {
    let code = code
        .find("#[cfg(test)]\nmod tests")
        .map_or(code, |end| &code[..end]);
    let mut found = Vec::new();
    for literal in literals(code) {
        let text = literal.text;
        let line_start = code[..literal.start].rfind('\n').map_or(0, |n| n + 1);
        let before = &code[line_start..literal.start];
        let line_end = code[literal.end..]
            .find('\n')
            .map_or(code.len(), |n| literal.end + n);
        let after = &code[literal.end..line_end];
        // Messages of a broken invariant are for developers.
        if ["expect(", "panic!(", "unreachable!(", "assert"]
            .iter()
            .any(|m| before.contains(m))
        {
            continue;
        }
        // Keys, class names, identifiers.
        if text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._{}#- ".contains(c))
            && !is_prose(text)
        {
            continue;
        }
        let text_node = before.trim_end().ends_with('{')
            && after.trim_start().starts_with('}')
            && text
                .chars()
                .any(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_ascii()));
        let attribute = ["title=", "aria-label=", "placeholder=", "alt="]
            .iter()
            .any(|a| before.trim_end().ends_with(a))
            && has_letters(text);
        if text_node || attribute || worded_attribute_inside(text) || is_prose(text) {
            found.push(text.chars().take(40).collect());
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ui is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_english_is_left_in_the_pages_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/ui"), &mut files);
    files.sort();
    let mut found = BTreeSet::new();
    for file in &files {
        let code = std::fs::read_to_string(file).expect("a source file");
        let name = file
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        for text in strays(&code) {
            found.insert((name.clone(), text));
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        new.is_empty(),
        "English in the page's code: move these words to the catalogue (i18n/en.txt and the \
         other languages), or say in KNOWN why they stay:\n{new:#?}"
    );
    assert!(
        gone.is_empty(),
        "these strays are gone: take them out of KNOWN:\n{gone:#?}"
    );
}

#[test]
fn the_finder_finds_what_it_should_and_nothing_else() {
    let code = r##"
        html! { <p title="Open the page">{ "Close" }</p> }
        let class = "btn primary tour-next";
        let key = say(words, "ui.tour-next");
        let prose = format!("the site answered {}", status);
        let markup = "<a title=\"Copy a link\">x</a>";
        let slot = "<a title=\"{title}\">x</a>";
        let ok = x.expect("the world is valid and has a leader");
        // A comment with the words of a sentence in it.
        let c = '"';
        let raw = r#"<b>{}</b>"#;
    "##;
    assert_eq!(
        strays(code),
        [
            "Open the page",
            "Close",
            "the site answered {}",
            "<a title=\\\"Copy a link\\\">x</a>"
        ]
    );
}
