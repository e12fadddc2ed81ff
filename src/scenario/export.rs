//! Export and import of a run as versioned JSON, for saving a run to a file and opening it later
//! (or attaching it to a bug report).
//!
//! # Schema, version 3
//!
//! Version 3 added the command `Get`, the options `SnapshotThreshold` and `ReadMode`, the
//! settings `snapshot_threshold` and `read_mode` and the safety switch `serve_reads_locally`.
//! Version 2 added the membership actions (`AddServer`, `RemoveServer`), the option
//! `SingleServerChanges` and the settings `single_server_changes` and two safety switches.
//! Files of versions 1 and 2 are version 3 files without what came later, and still open.
//!
//! ```json
//! {
//!   "format": "raftsim-run",
//!   "version": 3,
//!   "title": "optional free text",
//!   "config": { ...Config, fields left out take their defaults... },
//!   "actions": [ { "at": 1000000, "after_event": 215, "action": { "Stop": 0 } }, ... ],
//!   "end_event": 5012,
//!   "end_time": 12000000,
//!   "trace_hash": "7b28d4c384e2b2a1"
//! }
//! ```
//!
//! `config`, `actions` and the actions' variants are the serde forms of [`Config`] and
//! [`TimedAction`], written and read back by [`super::run_json`] (files written with serde by
//! earlier versions are the same text). `end_event` and
//! `end_time` (optional) say how far the run went after its last action; `trace_hash` (optional, 16
//! hex digits, a string because JavaScript numbers cannot hold 64 bits) is
//! [`crate::sim::World::trace_hash`] there, and is checked on import.
//!
//! # Import policy
//!
//! [`import_run`] checks, in this order, and stops at the first problem with an [`ImportError`]
//! whose message names it: the size ([`MAX_IMPORT_BYTES`]), the JSON syntax (the nesting limit of
//! [`super::json`], serde_json's, turns deeply nested junk into an error, not a stack overflow),
//! the `format` name, the `version` (older and newer versions are refused, saying which), unknown
//! fields (refused, with their path, at every level, so a typo does not silently fall back to a
//! default), the action
//! count ([`MAX_ACTIONS`], checked before converting any action), each field's type and range
//! (numbers too large for 64 bits, times beyond [`MAX_RUN_TIME_US`]), the configuration
//! ([`Config::validate`]), then a full replay, which names the first action the world refuses, and
//! the trace hash. Nothing is returned until all of it passed, so the caller's current run stays
//! untouched on error.

use super::json::{self, Map, Value, Writer};
use super::run_json::{self, ReadError};
use super::share::{MAX_ACTIONS, MAX_RUN_EVENTS, MAX_RUN_TIME_US};
use crate::raft::Time;
use crate::sim::timeline::Timeline;
use crate::sim::{ActionError, Config, ConfigError, ReplayError, TimedAction, Words};

/// The `format` name of an exported run.
pub const EXPORT_FORMAT: &str = "raftsim-run";

/// The schema version this code writes (and the newest it reads).
pub const EXPORT_VERSION: u64 = 3;

/// The oldest schema version this code reads.
pub const OLDEST_EXPORT_VERSION: u64 = 1;

/// The largest file [`import_run`] reads.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The longest title kept, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

const TOP_LEVEL_FIELDS: [&str; 8] = [
    "format",
    "version",
    "title",
    "config",
    "actions",
    "end_event",
    "end_time",
    "trace_hash",
];

/// What an export says about the run besides its config and actions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunMeta {
    /// A title for people.
    pub title: Option<String>,
    /// Events processed at the end of the run.
    pub end_event: Option<u64>,
    /// Virtual time at the end of the run.
    pub end_time: Option<Time>,
    /// The trace hash at the end, verified on import.
    pub trace_hash: Option<u64>,
}

impl RunMeta {
    /// The end of `timeline`'s recorded run, with its hash.
    pub fn of(timeline: &Timeline) -> RunMeta {
        RunMeta {
            title: None,
            end_event: Some(timeline.end_event()),
            end_time: Some(timeline.end_time()),
            trace_hash: Some(timeline.end_trace_hash()),
        }
    }
}

/// The run as pretty JSON (see the module documentation for the schema), exactly as
/// `serde_json::to_string_pretty` writes it (a test checks it byte for byte).
pub fn export_run(config: &Config, actions: &[TimedAction], meta: &RunMeta) -> String {
    let mut w = Writer::new(true);
    w.begin_object();
    w.key("format");
    w.string(EXPORT_FORMAT);
    w.key("version");
    w.u64(EXPORT_VERSION);
    if let Some(title) = &meta.title {
        w.key("title");
        w.string(title);
    }
    w.key("config");
    run_json::write_config(&mut w, config);
    w.key("actions");
    run_json::write_timed_actions(&mut w, actions);
    if let Some(n) = meta.end_event {
        w.key("end_event");
        w.u64(n);
    }
    if let Some(t) = meta.end_time {
        w.key("end_time");
        w.u64(t);
    }
    if let Some(h) = meta.trace_hash {
        w.key("trace_hash");
        w.string(&format!("{h:016x}"));
    }
    w.end_object();
    w.finish()
}

/// The whole recorded run of `timeline` (its future included when positioned in the past), with
/// its end and hash.
pub fn export_timeline(timeline: &Timeline) -> String {
    export_run(
        timeline.initial_config(),
        timeline.recorded_actions(),
        &RunMeta::of(timeline),
    )
}

/// A run read from a file and replayed.
#[derive(Clone, Debug)]
pub struct ImportedRun {
    /// Its configuration.
    pub config: Config,
    /// Its actions.
    pub actions: Vec<TimedAction>,
    /// What the file said about the run.
    pub meta: RunMeta,
    /// The replayed run, positioned at its end (`end_event`/`end_time` if given, else its last
    /// action), ready for the UI.
    pub timeline: Timeline,
    /// Whether the file carried a trace hash (it matched, or the import would have failed).
    pub verified: bool,
}

/// Why a file could not be imported. Every variant has a message fit for the error banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    TooLarge {
        /// Its size in bytes.
        len: usize,
    },
    /// The file is empty.
    Empty,
    /// The file ends in the middle of the JSON.
    Truncated,
    /// The JSON is malformed (or nested too deeply).
    Malformed {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
    },
    /// The top level is not a JSON object.
    NotAnObject,
    /// `format` is missing, not text (`None`), or names another format.
    WrongFormat(Option<String>),
    /// `version` is missing or not a whole number.
    MissingVersion,
    /// A version other than [`EXPORT_VERSION`].
    UnsupportedVersion(u64),
    /// A field this version does not know (its path, e.g. `config.sead`).
    UnknownField(String),
    /// A required field is missing.
    MissingField(&'static str),
    /// More actions than [`MAX_ACTIONS`].
    TooManyActions(usize),
    /// A field has the wrong type or an out-of-range value.
    BadField {
        /// Its path.
        field: String,
        /// What is wrong (`json.*`).
        message: Words,
    },
    /// The configuration is invalid.
    InvalidConfig(ConfigError),
    /// Action `number` (from 1) is later than [`MAX_RUN_TIME_US`] or [`MAX_RUN_EVENTS`].
    ActionTooLate(usize),
    /// The world refused action `number` (from 1) on replay.
    ActionRefused {
        /// The action number, from 1.
        number: usize,
        /// Why.
        error: ActionError,
    },
    /// The replay's trace hash differs from the file's.
    HashMismatch {
        /// The hash in the file.
        expected: u64,
        /// The replay's.
        found: u64,
    },
}

impl ImportError {
    /// Why, as the catalogue's words (`import-error.*`).
    pub fn words(&self) -> Words {
        let key = Words::new;
        match self {
            ImportError::TooLarge { len } => key("import-error.too-large")
                .with("size", len / 1_000_000)
                .with("max", MAX_IMPORT_BYTES / 1024 / 1024),
            ImportError::Empty => key("import-error.empty"),
            ImportError::Truncated => key("import-error.truncated"),
            ImportError::Malformed { line, column } => key("import-error.malformed")
                .with("line", *line)
                .with("column", *column),
            ImportError::NotAnObject => key("import-error.not-an-object"),
            ImportError::WrongFormat(None) => {
                key("import-error.no-format").with("format", EXPORT_FORMAT)
            }
            ImportError::WrongFormat(Some(found)) => key("import-error.wrong-format")
                .with("found", found.chars().take(60).collect::<String>())
                .with("format", EXPORT_FORMAT),
            ImportError::MissingVersion => key("import-error.no-version"),
            ImportError::UnsupportedVersion(v) if *v > EXPORT_VERSION => {
                key("import-error.newer-version")
                    .with("version", *v)
                    .with("current", EXPORT_VERSION)
            }
            ImportError::UnsupportedVersion(v) => key("import-error.older-version")
                .with("version", *v)
                .with("oldest", OLDEST_EXPORT_VERSION)
                .with("current", EXPORT_VERSION),
            ImportError::UnknownField(name) => key("import-error.unknown-field")
                .with("field", name.chars().take(80).collect::<String>()),
            ImportError::MissingField(name) => key("json.missing").with("field", *name),
            ImportError::TooManyActions(n) => key("import-error.too-many-actions")
                .with("n", *n)
                .with("max", MAX_ACTIONS),
            ImportError::BadField { field, message } => key("import-error.bad-field")
                .with("field", field.as_str())
                .with("error", message.clone()),
            ImportError::InvalidConfig(e) => key("import-error.config").with("error", e.words()),
            ImportError::ActionTooLate(n) => key("import-error.action-too-late")
                .with("n", *n)
                .with("hours", MAX_RUN_TIME_US / 3_600_000_000)
                .with("events", MAX_RUN_EVENTS),
            ImportError::ActionRefused { number, error } => key("import-error.action-refused")
                .with("n", *number)
                .with("error", error.words()),
            ImportError::HashMismatch { expected, found } => key("import-error.hash-mismatch")
                .with("found", format!("{found:016x}"))
                .with("expected", format!("{expected:016x}")),
        }
    }
}

crate::sim::words::english_error!(ImportError);

impl From<ReadError> for ImportError {
    fn from(e: ReadError) -> ImportError {
        match e {
            ReadError::UnknownField(path) => ImportError::UnknownField(path),
            ReadError::Bad { path, message } => ImportError::BadField {
                field: path,
                message,
            },
        }
    }
}

fn bad(field: impl Into<String>, message: impl Into<Words>) -> ImportError {
    ImportError::BadField {
        field: field.into(),
        message: message.into(),
    }
}

fn read_u64(obj: &Map, field: &'static str) -> Result<Option<u64>, ImportError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(field, "json.whole-number-64")),
    }
}

/// Refuses keys of `given` that `known` lacks.
fn check_fields(
    given: &Map,
    known: impl Fn(&str) -> bool,
    prefix: &str,
) -> Result<(), ImportError> {
    match given.keys().find(|k| !known(k)) {
        Some(k) => Err(ImportError::UnknownField(format!("{prefix}{k}"))),
        None => Ok(()),
    }
}

/// Reads, checks and replays an exported run (see the module documentation for the checks).
pub fn import_run(text: &str) -> Result<ImportedRun, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { len: text.len() });
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let value = json::parse(text).map_err(|e| {
        if e.is_eof() {
            ImportError::Truncated
        } else {
            // The place: a line and column find the mistake.
            ImportError::Malformed {
                line: e.line,
                column: e.column,
            }
        }
    })?;
    let Value::Object(top) = value else {
        return Err(ImportError::NotAnObject);
    };
    match top.get("format") {
        Some(Value::String(s)) if s == EXPORT_FORMAT => {}
        Some(Value::String(s)) => return Err(ImportError::WrongFormat(Some(s.clone()))),
        // Not text: reported like a missing name (writing the value out would cost the wasm
        // bundle a JSON value printer for this one message).
        Some(_) | None => return Err(ImportError::WrongFormat(None)),
    }
    let version = top
        .get("version")
        .and_then(Value::as_u64)
        .ok_or(ImportError::MissingVersion)?;
    if !(OLDEST_EXPORT_VERSION..=EXPORT_VERSION).contains(&version) {
        return Err(ImportError::UnsupportedVersion(version));
    }
    check_fields(&top, |k| TOP_LEVEL_FIELDS.contains(&k), "")?;

    let title = match top.get("title") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.chars().take(MAX_TITLE_CHARS).collect()),
        Some(_) => return Err(bad("title", "json.text")),
    };
    let end_event = read_u64(&top, "end_event")?;
    let end_time = read_u64(&top, "end_time")?;
    if end_event.is_some_and(|n| n > MAX_RUN_EVENTS) {
        return Err(bad(
            "end_event",
            Words::new("json.too-many-events").with("max", MAX_RUN_EVENTS),
        ));
    }
    if end_time.is_some_and(|t| t > MAX_RUN_TIME_US) {
        return Err(bad(
            "end_time",
            Words::new("json.too-late").with("hours", MAX_RUN_TIME_US / 3_600_000_000),
        ));
    }
    let trace_hash = match top.get("trace_hash") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() == 16 => {
            Some(u64::from_str_radix(s, 16).map_err(|_| bad("trace_hash", "json.hash"))?)
        }
        Some(_) => return Err(bad("trace_hash", "json.hash-in-quotes")),
    };

    let config_value = top
        .get("config")
        .ok_or(ImportError::MissingField("config"))?;
    // Unknown config keys are refused rather than ignored: a misspelt setting should be
    // reported, not silently fall back to its default.
    let config = run_json::read_config(config_value, "config").map_err(ImportError::from)?;
    config.validate().map_err(ImportError::InvalidConfig)?;

    let Some(Value::Array(raw_actions)) = top.get("actions") else {
        return Err(match top.get("actions") {
            None => ImportError::MissingField("actions"),
            Some(_) => bad("actions", "json.list"),
        });
    };
    if raw_actions.len() > MAX_ACTIONS {
        return Err(ImportError::TooManyActions(raw_actions.len()));
    }
    let mut actions = Vec::with_capacity(raw_actions.len());
    for (i, v) in raw_actions.iter().enumerate() {
        let number = i + 1;
        let ta = run_json::read_timed_action(v, &format!("action {number}"))?;
        if ta.at > MAX_RUN_TIME_US || ta.after_event.is_some_and(|n| n > MAX_RUN_EVENTS) {
            return Err(ImportError::ActionTooLate(number));
        }
        actions.push(ta);
    }

    let mut timeline = Timeline::from_run(config.clone(), &actions).map_err(|e| match e {
        ReplayError::Config(c) => ImportError::InvalidConfig(c),
        ReplayError::Action { index, error } => ImportError::ActionRefused {
            number: index + 1,
            error,
        },
    })?;
    if let Some(n) = end_event {
        while timeline.world().events_processed() < n && timeline.step().is_some() {}
    }
    if let Some(t) = end_time {
        // After stepping to `end_event`, only the clock is left to move (see `Timeline`).
        timeline.advance_to(t);
    }
    if let Some(expected) = trace_hash {
        let found = timeline.world().trace_hash();
        if found != expected {
            return Err(ImportError::HashMismatch { expected, found });
        }
    }
    Ok(ImportedRun {
        config,
        actions,
        meta: RunMeta {
            title,
            end_event,
            end_time,
            trace_hash,
        },
        timeline,
        verified: trace_hash.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{ClientId, Command, NodeId};
    use crate::sim::{Action, MS, SECOND};

    fn sample() -> Timeline {
        let mut tl = Timeline::new(Config::default()).unwrap_or_else(|e| panic!("{e}"));
        tl.advance_to(SECOND);
        let leader = tl.world().leader().unwrap_or(NodeId(0));
        let r = tl.apply(Action::Submit {
            client: ClientId(0),
            node: leader,
            command: Command::Set(5),
        });
        assert_eq!(r, Ok(()));
        tl.advance_to(1500 * MS);
        assert_eq!(tl.apply(Action::Stop(leader)), Ok(()));
        tl.advance_to(3 * SECOND);
        tl
    }

    /// What `export_run` wrote with serde before [`super::super::json`].
    #[derive(serde::Serialize)]
    struct SerdeExportFile<'a> {
        format: &'static str,
        version: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<&'a str>,
        config: &'a Config,
        actions: &'a [TimedAction],
        #[serde(skip_serializing_if = "Option::is_none")]
        end_event: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_time: Option<Time>,
        #[serde(skip_serializing_if = "Option::is_none")]
        trace_hash: Option<String>,
    }

    fn serde_export(config: &Config, actions: &[TimedAction], meta: &RunMeta) -> String {
        serde_json::to_string_pretty(&SerdeExportFile {
            format: EXPORT_FORMAT,
            version: EXPORT_VERSION,
            title: meta.title.as_deref(),
            config,
            actions,
            end_event: meta.end_event,
            end_time: meta.end_time,
            trace_hash: meta.trace_hash.map(|h| format!("{h:016x}")),
        })
        .expect("serialisable")
    }

    #[test]
    fn exported_text_is_what_serde_wrote_byte_for_byte() {
        let tl = sample();
        let config = tl.initial_config();
        let actions = tl.recorded_actions();
        let mut meta = RunMeta::of(&tl);
        assert_eq!(
            export_run(config, actions, &meta),
            serde_export(config, actions, &meta)
        );
        meta.title = Some("Figure 8 \"again\"\n\ttabbed \\ é 🦀 \u{1f}".to_string());
        assert_eq!(
            export_run(config, actions, &meta),
            serde_export(config, actions, &meta)
        );
        // No metadata, no actions, every setting changed.
        let busy = Config {
            seed: u64::MAX,
            election_timeout_override: vec![Some((1, 2)), None],
            ..Config::default()
        };
        let none = RunMeta::default();
        assert_eq!(
            export_run(&busy, &[], &none),
            serde_export(&busy, &[], &none)
        );
        // A file serde wrote imports as before, title and all.
        let old =
            import_run(&serde_export(config, actions, &meta)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.meta, meta);
        assert_eq!(old.actions, actions);
    }

    #[test]
    fn export_import_round_trip_verifies_hash() {
        let tl = sample();
        let text = export_timeline(&tl);
        assert!(text.starts_with("{\n  \"format\": \"raftsim-run\",\n  \"version\": 3"));
        // A version 1 file (no membership actions in it) still opens.
        let old = import_run(&text.replace("\"version\": 2", "\"version\": 1"));
        assert!(old.is_ok_and(|run| run.verified));
        let imported = import_run(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.verified);
        assert_eq!(imported.actions, tl.recorded_actions());
        assert_eq!(
            imported.timeline.world().trace_hash(),
            tl.world().trace_hash()
        );
        assert_eq!(imported.timeline.world().now(), 3 * SECOND);
    }

    #[test]
    fn clear_errors() {
        let tl = sample();
        let good = export_timeline(&tl);
        let err = |s: &str| {
            import_run(s)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err(&good[..good.len() / 2]).contains("ends too early"));
        assert!(err("[1]").contains("not a raftsim run"));
        assert!(err(&good.replace("raftsim-run", "other")).contains("\"other\""));
        assert!(err(&good.replace("\"version\": 3", "\"version\": 4")).contains("newer"));
        assert!(err(&good.replace("\"version\": 3", "\"version\": 0")).contains("older"));
        assert!(err(&good
            .replace("\"title\"", "\"x\"")
            .replace("\"format\"", "\"colour\": 1, \"format\""))
        .contains("\"colour\""));
        assert!(err(&good.replace("\"seed\"", "\"sead\"")).contains("config.sead"));
        assert!(
            err(&good.replace("\"cluster_size\": 3", "\"cluster_size\": 0"))
                .contains("a cluster of 0 servers")
        );
        assert!(
            err(&good.replace("\"seed\": 1", "\"seed\": 99999999999999999999999"))
                .contains("config")
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(err(&deep).contains("not valid JSON"));
        let h = format!("{:016x}", tl.end_trace_hash());
        assert!(err(&good.replace(&h, "0000000000000000")).contains("different run"));
        // Restarting a running server is refused on replay, naming the action.
        let refused = good.replace("\"Stop\"", "\"Restart\"");
        assert!(err(&refused).contains("action 2"), "{}", err(&refused));
    }
}
