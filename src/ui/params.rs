//! The URL parameters that choose the initial state (`?seed=7&nodes=5&speed=0.02`).
//!
//! Parsing is pure so it is tested natively. A bad value never stops the page: it is reported in
//! plain words (shown in the `error-banner`) and the default is used instead.

use std::fmt::Display;

use crate::decimal;
use crate::i18n::Catalogue;
use crate::sim::{Value, Words};

/// The largest cluster the page offers. The core handles more, but nine nodes is what fits a ring
/// that a person can still read.
pub const MAX_UI_NODES: usize = 9;
/// The slowest playback speed: a thousand times slower than real time.
pub const MIN_SPEED: f64 = 0.001;
/// The fastest playback speed: real time.
pub const MAX_SPEED: f64 = 1.0;
/// The default speed: fifty times slower than real time, slow enough to follow each message.
pub const DEFAULT_SPEED: f64 = 0.02;
/// The default cluster size, as in the narrative's later chapters.
pub const DEFAULT_NODES: usize = 5;
/// The default seed. Any seed is as good as another; a fixed one makes the first visit repeatable.
pub const DEFAULT_SEED: u64 = 1;

/// Something the banner tells the reader, kept as the words it will be: a catalogue key
/// (`param.*`, `notice.*`) and the values of its `{slots}`, one of which may be the core's own
/// words (what went wrong, see [`Words`]). It is put in words only when it is shown, because
/// problems with the URL are found before the page's words have come, and so that it reads in
/// the page's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A catalogue entry and the values of its slots.
    Say(Words),
    /// Text already in words, written by another part of the page.
    Text(String),
}

impl Notice {
    /// The catalogue's notice `key` with the values of its slots. (One function builds them
    /// all, so that each place that raises a notice passes only borrowed values: the code that
    /// writes them out is in the bundle once.)
    #[inline(never)]
    pub fn new(key: &'static str, values: &[(&'static str, &dyn Display)]) -> Notice {
        Notice::Say(Words {
            key,
            values: values
                .iter()
                .map(|&(n, v)| (n, Value::Text(v.to_string())))
                .collect(),
        })
    }

    /// The notice in `words`. An entry the catalogue lacks is given plainly (see
    /// [`Notice::plain`]) rather than dropped.
    pub fn in_words(&self, words: &Catalogue) -> String {
        match self {
            Notice::Say(said) if words.get(said.key).is_some() => said.render(Some(words)),
            Notice::Say(_) => self.plain(),
            Notice::Text(text) => text.clone(),
        }
    }

    /// The notice without a catalogue (it could not be loaded, or a host page asked before it
    /// came): its key and values, which still name what went wrong (the core's words by
    /// their key).
    pub fn plain(&self) -> String {
        match self {
            Notice::Say(said) => {
                let mut text = said.key.to_string();
                for (name, value) in &said.values {
                    text += " ";
                    text += name;
                    text += "=";
                    text += &value.render(None);
                }
                text
            }
            Notice::Text(text) => text.clone(),
        }
    }
}

/// Parameters names the page understands, including those that later features read.
const KNOWN: &[&str] = &[
    "seed", "nodes", "speed", "tour", "step", "scenario", "embed", "run", "autoplay", "controls",
    "theme", "bench", "view", "at", "lesson", "dialog", "lang",
];

/// The colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the reader's system setting.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The value of the `data-theme` attribute on the document, or `None` for automatic.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// The parts of the page that can be shown or hidden (`controls=play,step,log`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Controls {
    /// Play/pause.
    pub play: bool,
    /// Step forward (and back, with time travel).
    pub step: bool,
    /// The speed menu.
    pub speed: bool,
    /// The client command panel.
    pub client: bool,
    /// Stop, restart and time out a node.
    pub nodes: bool,
    /// Partition and heal.
    pub network: bool,
    /// The settings panel.
    pub settings: bool,
    /// The log table.
    pub log: bool,
    /// The event list.
    pub events: bool,
    /// The safety monitor.
    pub invariants: bool,
    /// The inspector.
    pub inspector: bool,
    /// The timeline under the cluster.
    pub timeline: bool,
    /// The space-time diagram of the run's history.
    pub history: bool,
}

/// Every name `controls=` accepts, in the order of [`Controls`]' fields.
pub const CONTROL_NAMES: [&str; 13] = [
    "play",
    "step",
    "speed",
    "client",
    "nodes",
    "network",
    "settings",
    "log",
    "events",
    "invariants",
    "inspector",
    "timeline",
    "history",
];

impl Controls {
    /// Everything shown: the full page.
    pub const ALL: Controls = Controls {
        play: true,
        step: true,
        speed: true,
        client: true,
        nodes: true,
        network: true,
        settings: true,
        log: true,
        events: true,
        invariants: true,
        inspector: true,
        timeline: true,
        history: true,
    };
    /// Nothing shown but the cluster (and a tour's caption).
    pub const NONE: Controls = Controls {
        play: false,
        step: false,
        speed: false,
        client: false,
        nodes: false,
        network: false,
        settings: false,
        log: false,
        events: false,
        invariants: false,
        inspector: false,
        timeline: false,
        history: false,
    };
    /// What an embed shows unless told otherwise: playback only.
    pub const EMBED_DEFAULT: Controls = Controls {
        play: true,
        step: true,
        speed: true,
        ..Controls::NONE
    };

    fn slot(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "play" => &mut self.play,
            "step" => &mut self.step,
            "speed" => &mut self.speed,
            "client" => &mut self.client,
            "nodes" => &mut self.nodes,
            "network" => &mut self.network,
            "settings" => &mut self.settings,
            "log" => &mut self.log,
            "events" => &mut self.events,
            "invariants" => &mut self.invariants,
            "inspector" => &mut self.inspector,
            "timeline" => &mut self.timeline,
            "history" => &mut self.history,
            _ => return None,
        })
    }

    /// Whether the control called `name` (one of [`CONTROL_NAMES`]) is shown.
    pub fn shows(mut self, name: &str) -> bool {
        self.slot(name).is_some_and(|on| *on)
    }

    /// These controls with the one called `name` shown or hidden.
    pub fn with(mut self, name: &str, on: bool) -> Controls {
        if let Some(slot) = self.slot(name) {
            *slot = on;
        }
        self
    }

    /// The comma-separated list that `controls=` would need to give these controls.
    pub fn to_param(self) -> String {
        if self == Controls::ALL {
            return "all".into();
        }
        let names: Vec<&str> = CONTROL_NAMES
            .iter()
            .copied()
            .filter(|name| self.shows(name))
            .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(",")
        }
    }
}

/// The initial settings read from the URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Seed of the world's random number generator.
    pub seed: u64,
    /// Number of nodes, 1 to [`MAX_UI_NODES`].
    pub nodes: usize,
    /// Virtual time per real time: 1 is real time, 0.01 is a hundred times slower.
    pub speed: f64,
    /// `bench=1`: record frame times for `scripts/bench` (see `tests/bench/`).
    pub bench: bool,
    /// `embed=1`: minimal chrome for an iframe in a course page.
    pub embed: bool,
    /// The colour scheme.
    pub theme: Theme,
    /// Whether the clock starts running (`autoplay=0` starts paused).
    pub autoplay: bool,
    /// `dialog=embed`: open the Embed dialog at once (the simulator's Embed button opens the
    /// studio this way, where the dialog lives).
    pub open_embed: bool,
    /// `dialog=export`: save the run as a file at once (the simulator's Export JSON opens the
    /// studio this way, where the file is written).
    pub export_run: bool,
    /// Which controls show; `None` means the default for the mode (all, or playback in an embed).
    pub controls: Option<Controls>,
    /// `tour=chapter`: open the guided tour at this chapter (checked when the tour loads).
    pub tour: Option<String>,
    /// `step=N`: the tour step to open, counted from 1.
    pub step: Option<usize>,
    /// `scenario=name`: open a preset scenario (checked when it loads).
    pub scenario: Option<String>,
    /// `lesson=file.txt`: a lesson file on the same site, relative to the page (fetched and
    /// checked when the page starts); or `lesson=inline:…`, the lesson itself, carried by the
    /// link ([`crate::scenario::lesson::link`]).
    pub lesson: Option<String>,
    /// `run=...`: a share link's encoded run (decoded when it loads).
    pub run: Option<String>,
    /// `view=experiments`: open the Experiments panel instead of the simulator.
    pub experiments: bool,
    /// `at=N`: with `run`, the virtual time (microseconds) to open the run at, paused.
    pub at: Option<u64>,
}

impl Params {
    /// The controls to show, after applying the mode's default.
    pub fn controls(&self) -> Controls {
        self.controls.unwrap_or(if self.embed {
            Controls::EMBED_DEFAULT
        } else {
            Controls::ALL
        })
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            seed: DEFAULT_SEED,
            nodes: DEFAULT_NODES,
            speed: DEFAULT_SPEED,
            bench: false,
            embed: false,
            theme: Theme::Auto,
            autoplay: true,
            open_embed: false,
            export_run: false,
            controls: None,
            tour: None,
            step: None,
            scenario: None,
            lesson: None,
            run: None,
            experiments: false,
            at: None,
        }
    }
}

/// Parses a query string (with or without the leading `?`). Returns the parameters, with defaults
/// in place of bad values, and one notice per problem found (`param.*`).
pub fn parse_query(query: &str) -> (Params, Vec<Notice>) {
    let mut params = Params::default();
    let mut problems = Vec::new();
    let query = query.strip_prefix('?').unwrap_or(query);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        let value = percent_decode(raw_value);
        let value = value.trim();
        // A problem names the value given, shortened: a URL can hold a megabyte.
        let problem = |key: &'static str| Notice::new(key, &[("value", &shorten(value))]);
        match key.as_str() {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => params.seed = seed,
                Err(_) => problems.push(Notice::new(
                    "param.seed",
                    &[
                        ("value", &shorten(value)),
                        ("max", &u64::MAX.to_string()),
                        ("default", &DEFAULT_SEED),
                    ],
                )),
            },
            "nodes" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_UI_NODES).contains(&n) => params.nodes = n,
                _ => problems.push(Notice::new(
                    "param.nodes",
                    &[
                        ("value", &shorten(value)),
                        ("max", &MAX_UI_NODES),
                        ("default", &DEFAULT_NODES),
                    ],
                )),
            },
            "speed" => match decimal::parse(value) {
                Some(s) if s.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&s) => {
                    params.speed = s
                }
                _ => problems.push(Notice::new(
                    "param.speed",
                    &[
                        ("value", &shorten(value)),
                        ("min", &decimal::short(MIN_SPEED)),
                        ("max", &decimal::short(MAX_SPEED)),
                        ("default", &decimal::short(DEFAULT_SPEED)),
                    ],
                )),
            },
            "bench" => params.bench = value == "1",
            "embed" | "autoplay" => match parse_flag(value) {
                Some(on) if key == "embed" => params.embed = on,
                Some(on) => params.autoplay = on,
                None => problems.push(Notice::new(
                    "param.flag",
                    &[("value", &shorten(value)), ("name", &key)],
                )),
            },
            "dialog" if value == "embed" => params.open_embed = true,
            "dialog" if value == "export" => params.export_run = true,
            "dialog" => problems.push(problem("param.dialog")),
            "theme" => match value {
                "auto" => params.theme = Theme::Auto,
                "light" => params.theme = Theme::Light,
                "dark" => params.theme = Theme::Dark,
                _ => problems.push(problem("param.theme")),
            },
            "controls" => params.controls = Some(parse_controls(value, &mut problems)),
            "tour" => params.tour = Some(value.to_string()),
            "step" => match value.parse::<usize>() {
                Ok(n) if n >= 1 => params.step = Some(n),
                _ => problems.push(problem("param.step")),
            },
            "scenario" => params.scenario = Some(value.to_string()),
            "lesson" if value.starts_with(crate::scenario::lesson::link::INLINE_PREFIX) => {
                params.lesson = Some(value.to_string())
            }
            "lesson" => match same_site_path(value) {
                Some(path) => params.lesson = Some(path.to_string()),
                None => problems.push(problem("param.lesson")),
            },
            "run" => params.run = Some(value.to_string()),
            "at" => match value.parse::<u64>() {
                Ok(at) => params.at = Some(at),
                Err(_) => problems.push(problem("param.at")),
            },
            "view" => match value {
                "experiments" => params.experiments = true,
                "simulator" => params.experiments = false,
                _ => problems.push(problem("param.view")),
            },
            other if KNOWN.contains(&other) => {}
            other => problems.push(Notice::new("param.unknown", &[("value", &shorten(other))])),
        }
    }
    (params, problems)
}

/// The path if it is relative to the page and stays on its site: no scheme (`https:`, `data:`),
/// no host (`//…`), no backslashes that some browsers read as slashes. The page also checks the
/// resolved address's origin before fetching it, and its Content-Security-Policy allows only
/// its own site.
pub(crate) fn same_site_path(value: &str) -> Option<&str> {
    let fine = !value.is_empty()
        && value.len() <= 300
        && !value.starts_with("//")
        && !value.contains(':')
        && !value.contains('\\')
        && !value.chars().any(char::is_control);
    fine.then_some(value)
}

fn parse_flag(value: &str) -> Option<bool> {
    match value {
        "1" | "true" | "yes" | "" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Reads `controls=play,step,log` (or `all`, `none`). Unknown names are reported and skipped.
fn parse_controls(value: &str, problems: &mut Vec<Notice>) -> Controls {
    match value {
        "all" => return Controls::ALL,
        "none" => return Controls::NONE,
        _ => {}
    }
    let mut controls = Controls::NONE;
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match controls.slot(name) {
            Some(on) => *on = true,
            None => problems.push(Notice::new(
                "param.controls",
                &[
                    ("value", &shorten(name)),
                    ("names", &CONTROL_NAMES.join(", ")),
                ],
            )),
        }
    }
    controls
}

/// Keeps error messages short when someone pastes a megabyte into the URL or a host message.
pub(crate) fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Decodes `%XX` escapes and `+` as space. Invalid escapes are kept as they are, and a value
/// whose escapes decode to invalid UTF-8 is kept undecoded: it will then simply fail to parse and
/// be reported. (Not `from_utf8_lossy`: its replacement machinery would cost the wasm bundle.)
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems in the English catalogue's words, as the banner shows them.
    fn said(problems: &[Notice]) -> Vec<String> {
        let words = crate::i18n::english();
        problems.iter().map(|n| n.in_words(&words)).collect()
    }

    #[test]
    fn empty_query_gives_defaults_and_no_problems() {
        assert_eq!(parse_query(""), (Params::default(), vec![]));
        assert_eq!(parse_query("?"), (Params::default(), vec![]));
    }

    /// `lesson` names a file on the page's own site; anything that could leave it is refused.
    #[test]
    fn a_lesson_must_be_a_file_on_this_site() {
        for good in ["my-lesson.txt", "lessons/week%202.txt", "../shared/l.txt"] {
            let (p, problems) = parse_query(&format!("lesson={good}"));
            assert!(problems.is_empty(), "{good}: {problems:?}");
            assert!(p.lesson.is_some(), "{good}");
        }
        for bad in [
            "https://evil.example/l.txt",
            "//evil.example/l.txt",
            "data:text/plain,title%20x",
            "javascript:alert(1)",
            "%5C%5Cevil.example%5Cl.txt",
            "",
        ] {
            let (p, problems) = parse_query(&format!("lesson={bad}"));
            assert_eq!(p.lesson, None, "{bad}");
            assert_eq!(problems.len(), 1, "{bad}");
            assert!(
                said(&problems)[0].contains("must be a file on this site"),
                "{bad}"
            );
        }
    }

    #[test]
    fn good_values_are_read() {
        let (p, problems) = parse_query("?seed=42&nodes=9&speed=0.5");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(p.seed, 42);
        assert_eq!(p.nodes, 9);
        assert_eq!(p.speed, 0.5);
    }

    #[test]
    fn bad_values_fall_back_to_defaults_with_a_message_each() {
        let (p, problems) = parse_query("seed=-1&nodes=0&speed=NaN&bogus=1");
        assert_eq!(p, Params::default());
        assert_eq!(
            said(&problems),
            [
                "seed \"-1\" is not a whole number from 0 to 18446744073709551615; using seed 1.",
                "nodes \"0\" must be a whole number from 1 to 9; using 5.",
                "speed \"NaN\" must be a number from 0.001 (a thousand times slower) to 1 (real time); using 0.02.",
                "the URL parameter \"bogus\" is not one raftsim knows; it was ignored.",
            ]
        );
    }

    /// Every problem is a catalogue entry; without the catalogue it still names its parameter
    /// and the value.
    #[test]
    fn problems_are_put_in_words_when_shown() {
        let (_, problems) = parse_query("embed=maybe&controls=play,rocket&view=x&at=y&dialog=z");
        assert_eq!(
            said(&problems),
            [
                "embed \"maybe\" must be 1 or 0; it was ignored.",
                "controls: \"rocket\" is not a control; use play, step, speed, client, nodes, network, settings, log, events, invariants, inspector, timeline, history (or all, none).",
                "view \"x\" must be simulator or experiments; showing the simulator.",
                "at \"y\" must be a time in whole microseconds; opening at the end.",
                "dialog \"z\" is not one this page opens (embed or export); it was ignored.",
            ]
        );
        assert_eq!(problems[0].plain(), "param.flag value=maybe name=embed");
        let missing = Notice::Say(Words::new("param.nowhere").with("value", "v"));
        assert_eq!(
            missing.in_words(&crate::i18n::english()),
            "param.nowhere value=v"
        );
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        for q in [
            "nodes=10",
            "nodes=99999999999999999999999",
            "speed=2",
            "speed=0.0001",
            "speed=inf",
        ] {
            let (p, problems) = parse_query(q);
            assert_eq!(p, Params::default(), "{q}");
            assert_eq!(problems.len(), 1, "{q}");
        }
    }

    #[test]
    fn escapes_are_decoded_and_broken_ones_do_not_panic() {
        assert_eq!(parse_query("seed=%34%32").0.seed, 42);
        for q in [
            "seed=%",
            "seed=%4",
            "seed=%zz",
            "%=%",
            "seed=%E2%82",
            "&&&",
            "=&=",
        ] {
            let _ = parse_query(q);
        }
    }

    #[test]
    fn embed_parameters_are_read_and_bad_ones_named() {
        let (p, problems) = parse_query("embed=1&theme=dark&autoplay=0&controls=play,log");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(p.embed && !p.autoplay);
        assert_eq!(p.theme, Theme::Dark);
        let c = p.controls();
        assert!(c.play && c.log && !c.step && !c.settings);
        assert_eq!(c.to_param(), "play,log");

        let (p, problems) = parse_query("embed=maybe&theme=pink&controls=play,rocket&step=0");
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(!p.embed);
        assert_eq!(p.theme, Theme::Auto);
        assert!(p.controls().play);
        assert_eq!(p.step, None);
    }

    #[test]
    fn controls_default_depends_on_the_mode() {
        assert_eq!(parse_query("").0.controls(), Controls::ALL);
        assert_eq!(parse_query("embed=1").0.controls(), Controls::EMBED_DEFAULT);
        assert_eq!(parse_query("controls=none").0.controls(), Controls::NONE);
        assert_eq!(Controls::ALL.to_param(), "all");
        assert_eq!(Controls::NONE.to_param(), "none");
    }

    // proptest is a native-only dev-dependency (it does not build for wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// No query string, however odd, makes parsing panic, and every value it keeps is in
        /// range.
        #[test]
        fn any_query_parses_to_valid_params(query in "\\PC{0,300}") {
            let (p, _) = parse_query(&query);
            proptest::prop_assert!((1..=MAX_UI_NODES).contains(&p.nodes));
            proptest::prop_assert!((MIN_SPEED..=MAX_SPEED).contains(&p.speed));
        }

        /// Queries built from our own keys with random values behave the same way.
        #[test]
        fn known_keys_with_random_values(key in proptest::sample::select(KNOWN.to_vec()), value in "[ -~%]{0,40}") {
            let (p, _) = parse_query(&format!("{key}={value}"));
            proptest::prop_assert!((1..=MAX_UI_NODES).contains(&p.nodes));
            proptest::prop_assert!((MIN_SPEED..=MAX_SPEED).contains(&p.speed));
        }
    }

    #[test]
    fn huge_values_are_shortened_in_messages() {
        let long = "9".repeat(10_000);
        let (_, problems) = parse_query(&format!("nodes={long}"));
        assert!(said(&problems)[0].len() < 200);
    }
}
