//! The translations are complete and faithful in form: every catalogue has every English key
//! with the same `{slots}` and the same markup (tags and attributes; only words and tooltips
//! change), and every translated tour chapter is the English chapter with other words: the same
//! steps, actions, conditions, highlights and questions' answers, so it plays the same run.

use std::collections::BTreeSet;

use raftsim::i18n::Catalogue;
use raftsim::scenario::lesson::{self, Answer, TOUR};
use raftsim::scenario::tour::Chapter;
use raftsim::ui::language::LANGUAGES;

fn catalogue(lang: &str) -> Catalogue {
    let path = format!("{}/i18n/{lang}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Catalogue::parse(&text)
}

/// The names of the `{name}` slots of a text (a plural slot `{name|…}` by its name: a language
/// may have other forms, or none).
fn slots(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| {
            rest.split_once('}')
                .map(|(inside, _)| raftsim::i18n::slot(inside).0)
        })
        .collect()
}

/// A markup text's tags with their attributes' names and fixed values (`class`, `data-*`,
/// `scope`, `aria-pressed`), leaving out what is translated (`title`, `aria-label`, the words).
fn skeleton(text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for piece in text.split('<').skip(1) {
        let Some((tag, _)) = piece.split_once('>') else {
            continue;
        };
        let kept: Vec<&str> = tag
            .split_whitespace()
            .filter(|part| !part.starts_with("title=") && !part.starts_with("aria-label="))
            .filter(|part| !part.contains('=') || part.contains("=\""))
            .collect();
        tags.push(kept.join(" "));
    }
    tags
}

#[test]
fn every_catalogue_has_every_english_key_with_the_same_slots_and_markup() {
    let english = catalogue("en");
    for lang in LANGUAGES.iter().skip(1) {
        let other = catalogue(lang);
        let missing: Vec<&str> = english.keys().filter(|k| other.get(k).is_none()).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        let extra: Vec<&str> = other.keys().filter(|k| english.get(k).is_none()).collect();
        assert!(
            extra.is_empty(),
            "{lang} has keys English does not: {extra:?}"
        );
        for key in english.keys() {
            let (en, tr) = (english.get(key).unwrap(), other.get(key).unwrap());
            assert_eq!(slots(en), slots(tr), "{lang} {key}: slots differ");
            if en.contains('<') {
                let (a, b) = (skeleton(en), skeleton(tr));
                let tags = |s: &[String]| -> Vec<String> {
                    s.iter()
                        .map(|t| t.split(' ').next().unwrap_or("").to_string())
                        .collect()
                };
                assert_eq!(tags(&a), tags(&b), "{lang} {key}: tags differ");
            }
            assert!(!tr.trim().is_empty(), "{lang} {key} is empty");
        }
    }
}

fn chapter(path: &str) -> Chapter {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    lesson::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

/// A chapter with its words taken out: what must not change in a translation.
fn without_words(mut chapter: Chapter) -> Chapter {
    chapter.title.clear();
    for step in &mut chapter.steps {
        step.caption.clear();
        step.line = 0;
        if let Some(question) = &mut step.question {
            question.text.clear();
            question.explain.clear();
            if let Answer::Choices(choices) = &mut question.answer {
                for choice in choices {
                    choice.text.clear();
                }
            }
        }
    }
    chapter
}

#[test]
fn every_tour_chapter_in_every_language_is_the_english_chapter_in_other_words() {
    for id in TOUR {
        let english = chapter(&format!("lessons/{id}.txt"));
        for lang in LANGUAGES.iter().skip(1) {
            let translated = chapter(&format!("lessons/{lang}/{id}.txt"));
            assert_eq!(translated.slug, english.slug, "{lang}/{id}");
            assert_ne!(
                translated.title, english.title,
                "{lang}/{id}: title not translated"
            );
            for (n, (a, b)) in english.steps.iter().zip(&translated.steps).enumerate() {
                assert!(!b.caption.is_empty(), "{lang}/{id} step {n}: no caption");
                assert_ne!(
                    a.caption, b.caption,
                    "{lang}/{id} step {n}: caption not translated"
                );
            }
            assert_eq!(
                without_words(translated),
                without_words(english.clone()),
                "{lang}/{id}: the translation changes what the chapter does"
            );
        }
    }
}

/// The page reads at most `MAX_CATALOGUE_BYTES` of a catalogue: each must fit, with room to grow
/// (a catalogue that outgrew the page's limit once left a whole page without its words).
#[test]
fn every_catalogue_fits_what_the_page_reads() {
    use raftsim::ui::language::MAX_CATALOGUE_BYTES;
    for lang in LANGUAGES {
        let path = format!("{}/i18n/{lang}.txt", env!("CARGO_MANIFEST_DIR"));
        let size = std::fs::metadata(&path).expect("the catalogue").len() as usize;
        assert!(
            size <= MAX_CATALOGUE_BYTES / 2,
            "{path} is {size} bytes; the page reads at most {MAX_CATALOGUE_BYTES}: raise the limit"
        );
    }
}

#[test]
fn plural_forms_are_plain_words() {
    // A plural slot's form is put in as it is: a `{slot}` inside one would never be filled.
    for lang in LANGUAGES {
        let words = catalogue(lang);
        for key in words.keys() {
            let text = words.get(key).unwrap_or_default();
            let mut rest = text;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                let close = after.find('}').unwrap_or(after.len());
                let nested = after.find('{').is_some_and(|inner| inner < close);
                assert!(
                    !(nested && after[..close].contains('|')),
                    "{lang}: {key}: a plural form holds a slot: {text}"
                );
                rest = &after[close..];
            }
        }
    }
}
