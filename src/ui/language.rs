//! The reader's language: `?lang=` if it names one the site has, else the first of the browser's
//! languages that it has, else English. The words (`i18n/<lang>.txt`) and the tour's chapters
//! (`lessons/<lang>/<id>.txt`) are fetched from the site in that language; nothing of the other
//! languages is loaded.

/// The languages the site has, by code, English first (the fallback). Each catalogue names
/// them all in its language menu (`ui.language-menu`).
pub const LANGUAGES: [&str; 3] = ["en", "es", "zh"];

/// The language whose code `tag` starts with (`es-MX` → `es`, `zh-Hans-CN` → `zh`), if the site
/// has it.
fn known(tag: &str) -> Option<&'static str> {
    // The first two letters, then the end or a separator: byte by byte, which costs the page's
    // code less than splitting and lowering the whole tag.
    let bytes = tag.as_bytes();
    if bytes.len() > 2 && bytes[2].is_ascii_alphanumeric() {
        return None;
    }
    LANGUAGES
        .into_iter()
        .find(|code| bytes.len() >= 2 && bytes[..2].eq_ignore_ascii_case(code.as_bytes()))
}

/// The languages' names, each in its own language (as `LANGUAGES`): the same in every catalogue.
pub const NAMES: [&str; 3] = ["English", "Español", "中文"];

/// The language a page's query string chose with `lang=`, if the site has it: what a share link
/// and the Experiments page's way back carry on (a reader who did not choose one keeps getting
/// their browser's language).
pub fn chosen_in(query: &str) -> Option<&'static str> {
    asked_in(query).and_then(known)
}

/// The value of a query string's `lang=`, as written (the site may not have it).
pub fn asked_in(query: &str) -> Option<&str> {
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
}

/// The language to show: the URL's `lang` if the site has it, else the browser's first known
/// one, else English. Returns it, and whether the URL asked for one the site does not have (the
/// page says so).
pub fn choose(asked: Option<&str>, browser: &[String]) -> (&'static str, bool) {
    if let Some(code) = asked.and_then(known) {
        return (code, false);
    }
    let fallback = browser.iter().find_map(|tag| known(tag)).unwrap_or("en");
    (fallback, asked.is_some())
}

/// The most of a catalogue the page reads (each is about 70 KB; tests/translations.rs keeps them
/// under it). A lesson's own limit, a teacher's file, is far smaller.
pub const MAX_CATALOGUE_BYTES: usize = 512 * 1024;

/// Where the words of `lang` are, relative to the page.
pub fn catalogue_path(lang: &str) -> String {
    format!("i18n/{lang}.txt")
}

/// Where a built-in tour chapter is in `lang` (English ones are at the top of `lessons/`).
pub fn chapter_path(lang: &str, id: &str) -> String {
    if lang == "en" {
        format!("lessons/{id}.txt")
    } else {
        format!("lessons/{lang}/{id}.txt")
    }
}

/// The page's query string with `lang` set to `code` (other parameters kept in their order), for
/// the language menu: the page opens again in that language, at the same place.
pub fn with_language(query: &str, code: &str) -> String {
    let mut out = String::from("?");
    for pair in query.trim_start_matches('?').split('&') {
        if !pair.is_empty() && !pair.starts_with("lang=") && pair != "lang" {
            out += pair;
            out += "&";
        }
    }
    out + "lang=" + code
}

thread_local! {
    /// The reader's decimal mark, from the catalogue's `num.decimal` ("," in Spanish); "." until
    /// the catalogue comes. A page shows one language, so it is the page's, not a view's: every
    /// time and fraction shown asks for [`decimal_mark`] without each view carrying the words.
    static DECIMAL_MARK: std::cell::Cell<char> = const { std::cell::Cell::new('.') };
}

/// Writes numbers from now on with the decimal mark of `words` (see [`decimal_mark`]).
pub fn use_decimal_mark(words: &crate::i18n::Catalogue) {
    let mark = words.get("num.decimal").and_then(|m| m.chars().next());
    DECIMAL_MARK.with(|cell| cell.set(mark.unwrap_or('.')));
}

/// The reader's decimal mark (see [`use_decimal_mark`]).
pub fn decimal_mark() -> char {
    DECIMAL_MARK.with(|cell| cell.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_the_decimal_mark_of_the_catalogue() {
        assert_eq!(crate::ui::event_list::format_time(2_479_000), "2.479 s");
        use_decimal_mark(&crate::i18n::Catalogue::parse("num.decimal ,\n"));
        assert_eq!(crate::ui::event_list::format_time(2_479_000), "2,479 s");
        assert_eq!(crate::ui::inspector::tenths_of_ms(12_540), "12,5");
        use_decimal_mark(&crate::i18n::Catalogue::parse("other x\n"));
        assert_eq!(crate::ui::event_list::format_time(2_479_000), "2.479 s");
    }

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_url_wins_then_the_browser_then_english() {
        assert_eq!(choose(Some("es"), &tags(&["zh-CN"])), ("es", false));
        assert_eq!(
            choose(None, &tags(&["fr-FR", "zh-Hans-CN", "es"])),
            ("zh", false)
        );
        assert_eq!(choose(None, &tags(&["fr", "de"])), ("en", false));
        assert_eq!(choose(None, &[]), ("en", false));
        assert_eq!(choose(Some("ES-mx"), &[]), ("es", false));
    }

    #[test]
    fn a_language_the_site_lacks_falls_back_and_says_so() {
        assert_eq!(choose(Some("klingon"), &tags(&["es-AR"])), ("es", true));
        assert_eq!(choose(Some(""), &[]), ("en", true));
        assert_eq!(choose(Some("../../etc"), &[]), ("en", true));
    }

    #[test]
    fn paths_and_links_name_the_language() {
        assert_eq!(catalogue_path("zh"), "i18n/zh.txt");
        assert_eq!(chapter_path("en", "partition"), "lessons/partition.txt");
        assert_eq!(chapter_path("es", "partition"), "lessons/es/partition.txt");
        assert_eq!(
            with_language("?tour=roles&lang=en&step=2", "es"),
            "?tour=roles&step=2&lang=es"
        );
        assert_eq!(with_language("", "zh"), "?lang=zh");
    }

    #[test]
    fn a_language_chosen_in_the_url_is_carried_on() {
        assert_eq!(chosen_in("?seed=3&lang=es"), Some("es"));
        assert_eq!(chosen_in("lang=zh-CN&x=1"), Some("zh"));
        assert_eq!(chosen_in("?seed=3"), None);
        assert_eq!(chosen_in("?lang=klingon"), None);
    }
}
