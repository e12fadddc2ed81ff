//! Sentences as data. The core says what it has to say as a [`Words`]: the catalogue key of a
//! sentence (`i18n/*.txt`) and the values of its `{slots}`. The page turns it into text with the
//! catalogue of the reader's language ([`Words::render`]), so a sentence reads the same in every
//! language and the page's code carries its key, not its English. Native builds (tests, tools)
//! also have the sentences in English ([`Words::english`], and `Display`).

use crate::i18n::{fill, Catalogue};
use crate::raft::membership::names;
use crate::raft::{CommandParseError, Membership, NodeId};

/// A sentence of the catalogue with the values of its slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    /// The catalogue key of the sentence, e.g. `action.stop`.
    pub key: &'static str,
    /// The values of its slots, by name.
    pub values: Vec<(&'static str, Value)>,
}

/// The value of a slot: text, or a phrase of the catalogue that is put in words with the
/// sentence. Numbers and servers are written out when they are given (the same in every
/// language): fewer kinds of value make less code for the page to clone and render than
/// keeping them to write out later, and the sentences that carry them are few.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Text as it is: words a person wrote, a command, a client, a server, a number.
    Text(String),
    /// Words of the catalogue themselves (a phrase inside a sentence: the switch a changed
    /// option names, what a lesson line should have said).
    Words(Words),
}

impl Words {
    /// The sentence `key`, its slots not yet given.
    pub fn new(key: &'static str) -> Words {
        Words {
            key,
            values: Vec::new(),
        }
    }

    /// The same sentence with the slot `name` filled by `value`: a number, a server, text, or
    /// another sentence of the catalogue.
    pub fn with(self, name: &'static str, value: impl Into<Value>) -> Words {
        self.put(name, value.into())
    }

    // Not generic: one copy of the push, whatever the kind of value.
    fn put(mut self, name: &'static str, value: Value) -> Words {
        self.values.push((name, value));
        self
    }

    /// The sentence in the words of `catalogue`, its slots filled (phrases in their turn).
    /// Without a catalogue, or when it lacks the key, the key is shown: a page whose words have
    /// not come still shows something, and a missing entry shows rather than vanishes.
    pub fn render(&self, catalogue: Option<&Catalogue>) -> String {
        let values: Vec<(&str, String)> = self
            .values
            .iter()
            .map(|(name, value)| (*name, value.render(catalogue)))
            .collect();
        let template = catalogue.and_then(|c| c.get(self.key));
        fill(template.unwrap_or(self.key), &values)
    }

    /// The sentence in English (native builds only: the page fetches its catalogue).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn english(&self) -> String {
        self.render(Some(english()))
    }
}

/// A sentence without values, by its key.
impl From<&'static str> for Words {
    fn from(key: &'static str) -> Words {
        Words::new(key)
    }
}

impl From<Words> for Value {
    fn from(words: Words) -> Value {
        Value::Words(words)
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::Text(text)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::Text(text.to_string())
    }
}

/// A server, by its name (one kind of value fewer for the page to copy and write out).
impl From<NodeId> for Value {
    fn from(node: NodeId) -> Value {
        Value::Text(node.name())
    }
}

/// Whole numbers of every width the core counts in.
macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                number(n as u64)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize);

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Text(n.to_string())
    }
}

/// A whole number as text (one copy of the writing out, whatever the width).
#[inline(never)]
fn number(n: u64) -> Value {
    Value::Text(n.to_string())
}

impl Value {
    /// The value as text, in the words of `catalogue` if it is a sentence (see [`Words::render`]).
    pub fn render(&self, catalogue: Option<&Catalogue>) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Words(words) => words.render(catalogue),
        }
    }
}

/// The English catalogue, read once (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub fn english() -> &'static Catalogue {
    static ENGLISH: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    ENGLISH.get_or_init(crate::i18n::english)
}

/// Gives each type a `Display` that is the English of its `words()`, for tests, tools and their
/// messages: native builds only, so no English path reaches the page, which says the same words
/// in the reader's language from its catalogue.
macro_rules! english_display {
    ($($t:ty),+) => {$(
        #[cfg(not(target_arch = "wasm32"))]
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.words().english())
            }
        }
    )+};
}

/// [`english_display`], and `std::error::Error`, for an error type.
macro_rules! english_error {
    ($($t:ty),+) => {$(
        $crate::sim::words::english_display!($t);
        #[cfg(not(target_arch = "wasm32"))]
        impl std::error::Error for $t {}
    )+};
}

pub(crate) use {english_display, english_error};

/// In English, for tests, tools and their messages (native builds only).
#[cfg(not(target_arch = "wasm32"))]
impl std::fmt::Display for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// A configuration in the reader's words: its voting servers as written in every language, and
/// its learners, if any, as the catalogue says them (`config.learners`: "A, B, C + D learning").
pub fn configuration(membership: &Membership) -> Value {
    let voters = membership.voters_text();
    if membership.learners.is_empty() {
        Value::Text(voters)
    } else {
        Value::Words(
            Words::new("config.learners")
                .with("voters", voters)
                .with("learners", names(membership.learners)),
        )
    }
}

impl CommandParseError {
    /// Why, as the catalogue's words (`command-error.*`).
    pub fn words(&self) -> Words {
        match self {
            CommandParseError::Empty => Words::new("command-error.empty"),
            CommandParseError::UnknownVerb(v) => {
                Words::new("command-error.unknown").with("verb", v.as_str())
            }
            CommandParseError::MissingNumber => Words::new("command-error.no-number"),
            CommandParseError::BadNumber(n) => {
                Words::new("command-error.bad-number").with("number", n.as_str())
            }
            CommandParseError::TrailingText(t) => {
                Words::new("command-error.trailing").with("text", t.as_str())
            }
        }
    }
}

english_error!(CommandParseError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_slots_and_phrases_in_the_catalogue() {
        let c = Catalogue::parse(
            "a.stop {node} was stopped in term {term}\na.option {change}, now\na.pre PreVote {state}\na.on on\n",
        );
        assert_eq!(
            Words::new("a.stop")
                .with("node", NodeId(1))
                .with("term", 3u64)
                .render(Some(&c)),
            "B was stopped in term 3"
        );
        let nested = Words::new("a.option").with(
            "change",
            Words::new("a.pre").with("state", Words::new("a.on")),
        );
        assert_eq!(nested.render(Some(&c)), "PreVote on, now");
    }

    #[test]
    fn without_words_it_shows_the_key() {
        let w = Words::new("x.missing").with("node", "A");
        assert_eq!(w.render(None), "x.missing");
        assert_eq!(w.render(Some(&Catalogue::default())), "x.missing");
        let c = Catalogue::parse("x.value {value}\n");
        assert_eq!(
            Words::new("x.value").with("value", -3i64).render(Some(&c)),
            "-3"
        );
    }
}
