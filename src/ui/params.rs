//! The URL parameters that choose the initial state (`?seed=7&nodes=5&speed=0.02`).
//!
//! Parsing is pure so it is tested natively. A bad value never stops the page: it is reported in
//! plain words (shown in the `error-banner`) and the default is used instead.

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

/// Parameters names the page understands, including those that later features read.
const KNOWN: &[&str] = &[
    "seed", "nodes", "speed", "tour", "step", "scenario", "embed", "run", "autoplay", "controls",
    "theme", "bench",
];

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
}

impl Default for Params {
    fn default() -> Self {
        Params {
            seed: DEFAULT_SEED,
            nodes: DEFAULT_NODES,
            speed: DEFAULT_SPEED,
            bench: false,
        }
    }
}

/// Parses a query string (with or without the leading `?`). Returns the parameters, with defaults
/// in place of bad values, and one message per problem found.
pub fn parse_query(query: &str) -> (Params, Vec<String>) {
    let mut params = Params::default();
    let mut problems = Vec::new();
    let query = query.strip_prefix('?').unwrap_or(query);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key);
        let value = percent_decode(raw_value);
        let value = value.trim();
        match key.as_str() {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => params.seed = seed,
                Err(_) => problems.push(format!(
                    "seed \"{}\" is not a whole number from 0 to {}; using seed {}.",
                    shorten(value),
                    u64::MAX,
                    DEFAULT_SEED
                )),
            },
            "nodes" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_UI_NODES).contains(&n) => params.nodes = n,
                _ => problems.push(format!(
                    "nodes \"{}\" must be a whole number from 1 to {MAX_UI_NODES}; using {DEFAULT_NODES}.",
                    shorten(value)
                )),
            },
            "speed" => match value.parse::<f64>() {
                Ok(s) if s.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&s) => params.speed = s,
                _ => problems.push(format!(
                    "speed \"{}\" must be a number from {MIN_SPEED} (a thousand times slower) to \
                     {MAX_SPEED} (real time); using {DEFAULT_SPEED}.",
                    shorten(value)
                )),
            },
            "bench" => params.bench = value == "1",
            other if KNOWN.contains(&other) => {}
            other => problems.push(format!(
                "the URL parameter \"{}\" is not one raftsim knows; it was ignored.",
                shorten(other)
            )),
        }
    }
    (params, problems)
}

/// Keeps error messages short when someone pastes a megabyte into the URL.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    if text.chars().count() <= LIMIT {
        text.to_string()
    } else {
        let head: String = text.chars().take(LIMIT).collect();
        format!("{head}…")
    }
}

/// Decodes `%XX` escapes and `+` as space. Invalid escapes are kept as they are, and invalid UTF-8
/// becomes U+FFFD: the value will then simply fail to parse and be reported.
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
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_gives_defaults_and_no_problems() {
        assert_eq!(parse_query(""), (Params::default(), vec![]));
        assert_eq!(parse_query("?"), (Params::default(), vec![]));
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
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("seed"));
        assert!(problems[1].contains("nodes"));
        assert!(problems[2].contains("speed"));
        assert!(problems[3].contains("bogus"));
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
    fn huge_values_are_shortened_in_messages() {
        let long = "9".repeat(10_000);
        let (_, problems) = parse_query(&format!("nodes={long}"));
        assert!(problems[0].len() < 200);
    }
}
