//! The postMessage API that lets a course page drive an embedded raftsim and hear what happens.
//!
//! Pure: messages are parsed from and written to JSON text here; `app.rs` moves them across the
//! window boundary. The protocol is documented in the README ("Embedding"). Every message is a
//! JSON object with a `"raftsim"` field naming the command or event; anything else is ignored,
//! so a host page can use postMessage for its own purposes too.

use crate::scenario::json::{self, Value, Writer};

use crate::i18n::Catalogue;
use crate::raft::{NodeEvent, Role};
use crate::sim::{TraceEvent, TraceKind, World};

use super::params::shorten;
use super::sandbox::UiCommand;

/// The protocol version sent in the `ready` event.
pub const PROTOCOL_VERSION: u32 = 1;

/// A command from the host page: a JSON object whose `"raftsim"` field names it in kebab case
/// (`{"raftsim": "get-state"}`), with the variant's fields beside it.
#[derive(Clone, Debug, PartialEq)]
pub enum HostCommand {
    /// Start the clock.
    Play,
    /// Stop the clock.
    Pause,
    /// Pause and process one event.
    Step,
    /// Set the speed (virtual time per real time, 0.001 to 1).
    Speed {
        /// The speed.
        value: f64,
    },
    /// Send a client command such as `SET 5` to the leader (or the selected node).
    Send {
        /// The command text.
        command: String,
    },
    /// Start over with this cluster size and seed.
    Reset {
        /// Number of nodes, 1 to 9.
        nodes: u8,
        /// The seed.
        seed: u64,
    },
    /// Ask for a `state` event now.
    GetState,
    /// The guided tour's next step.
    Next,
    /// The guided tour's previous step.
    Back,
    /// Open a tour chapter or a lesson file (at a step counted from 1), or a preset scenario.
    Load {
        /// A tour chapter's slug, e.g. `partition`.
        tour: Option<String>,
        /// A lesson file on the same site, e.g. `my-lesson.txt` (as `?lesson=`).
        lesson: Option<String>,
        /// The step, counted from 1 as in URLs; the first step if absent.
        step: Option<usize>,
        /// A scenario's slug, e.g. `figure8`.
        scenario: Option<String>,
    },
}

/// Why a host message was not a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostMessageError {
    /// The message is not for raftsim (no `"raftsim"` field): ignore it quietly.
    NotForUs,
    /// The message is for raftsim but malformed; the text says how.
    Invalid(String),
}

/// The command names, as host pages spell them.
const COMMANDS: [&str; 10] = [
    "play",
    "pause",
    "step",
    "speed",
    "send",
    "reset",
    "get-state",
    "next",
    "back",
    "load",
];

/// Reads a host message given as JSON text.
///
/// Read by hand from the parsed JSON rather than with a serde derive: this was the wasm's last
/// serde `Deserialize`, and with it went serde_json's value deserializer, about 12 KB gzipped.
pub fn parse_host_message(text: &str) -> Result<HostCommand, HostMessageError> {
    let value = json::parse(text).map_err(|_| HostMessageError::NotForUs)?;
    let Some(message) = value.as_object() else {
        return Err(HostMessageError::NotForUs);
    };
    let Some(name) = message.get("raftsim") else {
        return Err(HostMessageError::NotForUs);
    };
    let name = name.as_str().unwrap_or_default();
    let invalid = |text: String| Err(HostMessageError::Invalid(text));
    if !COMMANDS.contains(&name) {
        return invalid(format!(
            "unknown command \"{}\" (known: {})",
            shorten(name),
            COMMANDS.join(", ")
        ));
    }
    let allowed: &[&str] = match name {
        "speed" => &["value"],
        "send" => &["command"],
        "reset" => &["nodes", "seed"],
        "load" => &["tour", "lesson", "step", "scenario"],
        _ => &[],
    };
    if let Some(extra) = message
        .keys()
        .find(|k| *k != "raftsim" && !allowed.contains(k))
    {
        return invalid(format!("\"{name}\" has no field \"{}\"", shorten(extra)));
    }
    // A field that is present and not null.
    let field = |key: &str| message.get(key).filter(|v| !v.is_null());
    let whole = |key: &str, max: u64| field(key).and_then(Value::as_u64).filter(|n| *n <= max);
    let text = |key: &str| field(key).and_then(Value::as_str).map(str::to_string);
    let needs = |what: &str| invalid(format!("\"{name}\" needs {what}"));
    Ok(match name {
        "play" => HostCommand::Play,
        "pause" => HostCommand::Pause,
        "step" => HostCommand::Step,
        "get-state" => HostCommand::GetState,
        "next" => HostCommand::Next,
        "back" => HostCommand::Back,
        "speed" => match field("value").and_then(Value::as_f64) {
            Some(value) => HostCommand::Speed { value },
            None => return needs("a number \"value\""),
        },
        "send" => match text("command") {
            Some(command) => HostCommand::Send { command },
            None => return needs("the text \"command\", e.g. \"SET 5\""),
        },
        "reset" => match (whole("nodes", u8::MAX.into()), whole("seed", u64::MAX)) {
            (Some(nodes), Some(seed)) => HostCommand::Reset {
                nodes: nodes as u8,
                seed,
            },
            _ => return needs("\"nodes\" (1 to 9) and a whole-number \"seed\""),
        },
        "load" => {
            let step = match field("step") {
                None => None,
                // Steps are counted from 1, as in URLs: step 0 is a mistake, not the first.
                Some(_) => match whole("step", u32::MAX.into()).filter(|&step| step >= 1) {
                    Some(step) => Some(step as usize),
                    None => return needs("a whole-number \"step\", counted from 1"),
                },
            };
            let (tour, lesson, scenario) = (text("tour"), text("lesson"), text("scenario"));
            if field("tour").is_some() != tour.is_some()
                || field("lesson").is_some() != lesson.is_some()
                || field("scenario").is_some() != scenario.is_some()
            {
                return needs("\"tour\", \"lesson\" or \"scenario\" as text");
            }
            HostCommand::Load {
                tour,
                lesson,
                step,
                scenario,
            }
        }
        // Every name in COMMANDS has its arm above.
        _ => return invalid(format!("unknown command \"{name}\"")),
    })
}

impl HostCommand {
    /// The sandbox command that carries this out.
    pub fn to_ui(&self, playing: bool) -> Option<UiCommand> {
        Some(match self {
            HostCommand::Play if !playing => UiCommand::TogglePlay,
            HostCommand::Pause if playing => UiCommand::TogglePlay,
            HostCommand::Play | HostCommand::Pause | HostCommand::GetState => return None,
            HostCommand::Step => UiCommand::StepEvent,
            HostCommand::Speed { value } => UiCommand::SetSpeed(*value),
            HostCommand::Send { command } => UiCommand::Submit(command.clone()),
            HostCommand::Reset { nodes, seed } => UiCommand::Reset {
                nodes: *nodes,
                seed: *seed,
            },
            HostCommand::Next => UiCommand::TourNext,
            HostCommand::Back => UiCommand::TourBack,
            HostCommand::Load {
                tour: Some(chapter),
                step,
                ..
            } => UiCommand::StartTour {
                chapter: chapter.clone(),
                step: step.unwrap_or(1).saturating_sub(1),
            },
            HostCommand::Load {
                lesson: Some(path),
                step,
                ..
            } => UiCommand::LoadLesson {
                path: path.clone(),
                step: step.unwrap_or(1).saturating_sub(1),
            },
            HostCommand::Load {
                scenario: Some(slug),
                ..
            } => UiCommand::LoadPreset {
                slug: slug.clone(),
                broken: true,
            },
            HostCommand::Load { .. } => UiCommand::Notice(
                "A load message needs a tour chapter, a lesson or a scenario.".to_string(),
            ),
        })
    }
}

/// Something raftsim tells the host page.
///
/// Written as a JSON object whose `"raftsim"` field names the event in kebab case
/// (`{"raftsim":"leader-elected","time_us":...}`), with the variant's fields after it: the form a
/// serde derive with `#[serde(tag = "raftsim", rename_all = "kebab-case")]` writes (a test checks
/// it byte for byte).
#[derive(Clone, Debug, PartialEq)]
pub enum EmbedEvent {
    /// The app has started and listens for commands.
    Ready {
        /// [`PROTOCOL_VERSION`].
        version: u32,
    },
    /// A node became leader.
    LeaderElected {
        /// Virtual time in microseconds.
        time_us: u64,
        /// The leader, e.g. `"B"`.
        node: String,
        /// Its term.
        term: u64,
    },
    /// A node's commit index advanced.
    Committed {
        /// Virtual time in microseconds.
        time_us: u64,
        /// The node.
        node: String,
        /// The new commit index.
        index: u64,
    },
    /// A client got its answer.
    ClientAnswered {
        /// Virtual time in microseconds.
        time_us: u64,
        /// The client, e.g. `"client 1"`.
        client: String,
        /// The value after its command.
        value: i64,
    },
    /// The safety monitor caught a violation.
    Violation {
        /// Virtual time in microseconds.
        time_us: u64,
        /// The property, e.g. `"Election Safety"`.
        property: String,
        /// What happened, in words.
        text: String,
    },
    /// A snapshot, sent in answer to `get-state`.
    State {
        /// Virtual time in microseconds.
        time_us: u64,
        /// Whether the clock runs.
        playing: bool,
        /// The current leader, if any.
        leader: Option<String>,
        /// The highest term of any node.
        term: u64,
        /// Each node's value, in node order.
        values: Vec<i64>,
    },
    /// A host message was for raftsim but could not be carried out.
    Error {
        /// Why.
        message: String,
    },
    /// The student answered a lesson's question, so that a course page can count progress (on
    /// its own side: raftsim sends answers nowhere else).
    QuestionAnswered {
        /// The lesson (or tour chapter) id, e.g. `"election"`.
        lesson: String,
        /// The step, counted from 1.
        step: u64,
        /// Whether the answer was right.
        right: bool,
    },
}

impl EmbedEvent {
    /// The event as JSON text.
    pub fn to_json(&self) -> String {
        let mut w = Writer::new(false);
        w.begin_object();
        let name = match self {
            EmbedEvent::Ready { .. } => "ready",
            EmbedEvent::LeaderElected { .. } => "leader-elected",
            EmbedEvent::Committed { .. } => "committed",
            EmbedEvent::ClientAnswered { .. } => "client-answered",
            EmbedEvent::Violation { .. } => "violation",
            EmbedEvent::State { .. } => "state",
            EmbedEvent::Error { .. } => "error",
            EmbedEvent::QuestionAnswered { .. } => "question-answered",
        };
        w.key("raftsim");
        w.string(name);
        let number = |w: &mut Writer, key: &str, n: u64| {
            w.key(key);
            w.u64(n);
        };
        let text = |w: &mut Writer, key: &str, s: &str| {
            w.key(key);
            w.string(s);
        };
        match self {
            EmbedEvent::Ready { version } => number(&mut w, "version", (*version).into()),
            EmbedEvent::LeaderElected {
                time_us,
                node,
                term,
            } => {
                number(&mut w, "time_us", *time_us);
                text(&mut w, "node", node);
                number(&mut w, "term", *term);
            }
            EmbedEvent::Committed {
                time_us,
                node,
                index,
            } => {
                number(&mut w, "time_us", *time_us);
                text(&mut w, "node", node);
                number(&mut w, "index", *index);
            }
            EmbedEvent::ClientAnswered {
                time_us,
                client,
                value,
            } => {
                number(&mut w, "time_us", *time_us);
                text(&mut w, "client", client);
                w.key("value");
                w.i64(*value);
            }
            EmbedEvent::Violation {
                time_us,
                property,
                text: what,
            } => {
                number(&mut w, "time_us", *time_us);
                text(&mut w, "property", property);
                text(&mut w, "text", what);
            }
            EmbedEvent::State {
                time_us,
                playing,
                leader,
                term,
                values,
            } => {
                number(&mut w, "time_us", *time_us);
                w.key("playing");
                w.bool(*playing);
                w.key("leader");
                match leader {
                    Some(name) => w.string(name),
                    None => w.null(),
                }
                number(&mut w, "term", *term);
                w.key("values");
                w.begin_array();
                for &v in values {
                    w.item();
                    w.i64(v);
                }
                w.end_array();
            }
            EmbedEvent::Error { message } => text(&mut w, "message", message),
            EmbedEvent::QuestionAnswered {
                lesson,
                step,
                right,
            } => {
                text(&mut w, "lesson", lesson);
                number(&mut w, "step", *step);
                w.key("right");
                w.bool(*right);
            }
        }
        w.end_object();
        w.finish()
    }

    /// The `state` event for the world as it is now.
    pub fn state(world: &World, playing: bool) -> EmbedEvent {
        EmbedEvent::State {
            time_us: world.now(),
            playing,
            leader: world.leader().map(|n| n.to_string()),
            term: world.nodes().iter().map(|n| n.term()).max().unwrap_or(0),
            values: world.nodes().iter().map(|n| n.value()).collect(),
        }
    }

    /// The event a trace event is worth telling the host about, if any; its words (a
    /// violation's `text`) in the page's catalogue `words`.
    pub fn from_trace(event: &TraceEvent, words: Option<&Catalogue>) -> Option<EmbedEvent> {
        let time_us = event.at;
        match &event.kind {
            TraceKind::Node {
                node,
                event:
                    NodeEvent::RoleChanged {
                        to: Role::Leader,
                        term,
                        ..
                    },
            } => Some(EmbedEvent::LeaderElected {
                time_us,
                node: node.to_string(),
                term: *term,
            }),
            TraceKind::Node {
                node,
                event: NodeEvent::CommitAdvanced { to, .. },
            } => Some(EmbedEvent::Committed {
                time_us,
                node: node.to_string(),
                index: *to,
            }),
            TraceKind::ClientCompleted { client, value, .. } => Some(EmbedEvent::ClientAnswered {
                time_us,
                client: client.to_string(),
                value: *value,
            }),
            TraceKind::InvariantViolated(v) => Some(EmbedEvent::Violation {
                time_us,
                property: v.property().to_string(),
                text: v.words().render(words),
            }),
            _ => None,
        }
    }
}

/// The events to send for trace events after `after_seq` (exclusive), and the new high-water mark.
/// A trace that ends before `after_seq` (another run) has nothing new: the mark moves to its end.
/// Their words are those of the page's catalogue `words`.
pub fn new_events(
    world: &World,
    after_seq: Option<u64>,
    words: Option<&Catalogue>,
) -> (Vec<EmbedEvent>, Option<u64>) {
    let trace = world.trace();
    let newest = trace.last().map(|e| e.seq);
    if let (Some(after), Some(newest)) = (after_seq, newest) {
        if newest < after {
            return (Vec::new(), Some(newest));
        }
    }
    let start = match after_seq {
        Some(seq) => trace.partition_point(|e| e.seq <= seq),
        None => 0,
    };
    let events = trace[start..]
        .iter()
        .filter_map(|e| EmbedEvent::from_trace(e, words))
        .collect();
    let last = trace.last().map(|e| e.seq).or(after_seq);
    (events, last)
}

/// Decides what the host page hears about the run: what happens live, once each. After a jump
/// (a new run, a tour step rebuilt, a seek back or forward) the trace holds history that the host
/// has heard already or never lived through, so it gets one `state` event instead.
#[derive(Clone, Debug, Default)]
pub struct HostReporter {
    /// The last trace event reported, by sequence number.
    reported_seq: Option<u64>,
    /// The sandbox's jump count at the last call; `None` before the first.
    jumps: Option<u64>,
}

impl HostReporter {
    /// The events to send now, for `world` as the sandbox shows it after `jumps` jumps, in the
    /// words of the page's catalogue `words` (a violation's `text`; its keys without one).
    pub fn news(
        &mut self,
        world: &World,
        jumps: u64,
        playing: bool,
        words: Option<&Catalogue>,
    ) -> Vec<EmbedEvent> {
        let first_call = self.jumps.is_none();
        let jumped = self.jumps.is_some_and(|seen| seen != jumps);
        self.jumps = Some(jumps);
        if first_call || jumped {
            // Whatever the trace holds already is history: start reporting after it.
            self.reported_seq = world.trace().last().map(|e| e.seq).or(self.reported_seq);
            return if jumped {
                vec![EmbedEvent::state(world, playing)]
            } else {
                Vec::new()
            };
        }
        let (events, last) = new_events(world, self.reported_seq, words);
        self.reported_seq = last;
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_and_foreign_messages_are_ignored() {
        assert_eq!(
            parse_host_message(r#"{"raftsim":"play"}"#),
            Ok(HostCommand::Play)
        );
        assert_eq!(
            parse_host_message(r#"{"raftsim":"send","command":"SET 5"}"#),
            Ok(HostCommand::Send {
                command: "SET 5".into()
            })
        );
        assert_eq!(
            parse_host_message(r#"{"type":"something-else"}"#),
            Err(HostMessageError::NotForUs)
        );
        assert_eq!(
            parse_host_message("not json"),
            Err(HostMessageError::NotForUs)
        );
        assert!(matches!(
            parse_host_message(r#"{"raftsim":"launch-missiles"}"#),
            Err(HostMessageError::Invalid(_))
        ));
        assert!(matches!(
            parse_host_message(r#"{"raftsim":"reset","nodes":99999,"seed":1}"#),
            Err(HostMessageError::Invalid(_))
        ));
        assert_eq!(
            parse_host_message(r#"{"raftsim":"speed","value":0.25}"#),
            Ok(HostCommand::Speed { value: 0.25 })
        );
        assert_eq!(
            parse_host_message(r#"{"raftsim":"reset","nodes":5,"seed":42}"#),
            Ok(HostCommand::Reset { nodes: 5, seed: 42 })
        );
        assert_eq!(
            parse_host_message(r#"{"raftsim":"get-state"}"#),
            Ok(HostCommand::GetState)
        );
        for (bad, says) in [
            (r#"{"raftsim":"play","value":1}"#, "no field \"value\""),
            (r#"{"raftsim":"speed"}"#, "number"),
            (r#"{"raftsim":"send","command":5}"#, "SET 5"),
            (r#"{"raftsim":"reset","nodes":3}"#, "seed"),
            (r#"{"raftsim":"load","tour":"election","step":-1}"#, "step"),
            (r#"{"raftsim":"load","scenario":7}"#, "as text"),
            (r#"{"raftsim":7}"#, "known: play"),
            (
                r#"{"raftsim":"launch","x":1}"#,
                "unknown command \"launch\"",
            ),
        ] {
            match parse_host_message(bad) {
                Err(HostMessageError::Invalid(text)) => {
                    assert!(text.contains(says), "{bad}: {text}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert_eq!(
            parse_host_message(r#"{"raftsim":"load","tour":"partition","step":3}"#)
                .map(|c| c.to_ui(true)),
            Ok(Some(UiCommand::StartTour {
                chapter: "partition".into(),
                step: 2
            }))
        );
        assert_eq!(
            parse_host_message(r#"{"raftsim":"load","scenario":"figure8"}"#).map(|c| c.to_ui(true)),
            Ok(Some(UiCommand::LoadPreset {
                slug: "figure8".into(),
                broken: true
            }))
        );
    }

    // proptest is a native-only dev-dependency (it does not build for wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Whatever a host page posts, parsing never panics.
        #[test]
        fn any_text_parses_without_panicking(text in ".{0,200}") {
            let _ = parse_host_message(&text);
        }

        /// Messages shaped like ours with random fields never panic either.
        #[test]
        fn random_raftsim_messages_never_panic(command in "[a-z-]{0,12}", field in "[a-z]{0,8}", value in proptest::num::i64::ANY) {
            let json = format!(r#"{{"raftsim":"{command}","{field}":{value}}}"#);
            if let Ok(parsed) = parse_host_message(&json) {
                let _ = parsed.to_ui(true);
            }
        }
    }

    #[test]
    fn events_are_json_with_the_raftsim_tag() {
        let json = EmbedEvent::Ready {
            version: PROTOCOL_VERSION,
        }
        .to_json();
        assert_eq!(json, r#"{"raftsim":"ready","version":1}"#);
    }

    /// What the serde derive this replaced wrote.
    #[derive(serde::Serialize)]
    #[serde(tag = "raftsim", rename_all = "kebab-case")]
    enum SerdeEvent<'a> {
        Ready {
            version: u32,
        },
        LeaderElected {
            time_us: u64,
            node: &'a str,
            term: u64,
        },
        Committed {
            time_us: u64,
            node: &'a str,
            index: u64,
        },
        ClientAnswered {
            time_us: u64,
            client: &'a str,
            value: i64,
        },
        Violation {
            time_us: u64,
            property: &'a str,
            text: &'a str,
        },
        State {
            time_us: u64,
            playing: bool,
            leader: Option<&'a str>,
            term: u64,
            values: &'a [i64],
        },
        Error {
            message: &'a str,
        },
        QuestionAnswered {
            lesson: &'a str,
            step: u64,
            right: bool,
        },
    }

    #[test]
    fn events_are_written_as_serde_wrote_them() {
        let odd = "a \"quote\", a \\ backslash, \n\t\u{1} control, é and 🦀";
        let pairs = [
            (
                EmbedEvent::Ready { version: 1 },
                SerdeEvent::Ready { version: 1 },
            ),
            (
                EmbedEvent::LeaderElected {
                    time_us: u64::MAX,
                    node: "B".into(),
                    term: 3,
                },
                SerdeEvent::LeaderElected {
                    time_us: u64::MAX,
                    node: "B",
                    term: 3,
                },
            ),
            (
                EmbedEvent::Committed {
                    time_us: 0,
                    node: odd.into(),
                    index: 9,
                },
                SerdeEvent::Committed {
                    time_us: 0,
                    node: odd,
                    index: 9,
                },
            ),
            (
                EmbedEvent::ClientAnswered {
                    time_us: 5,
                    client: "client 1".into(),
                    value: i64::MIN,
                },
                SerdeEvent::ClientAnswered {
                    time_us: 5,
                    client: "client 1",
                    value: i64::MIN,
                },
            ),
            (
                EmbedEvent::Violation {
                    time_us: 7,
                    property: "Election Safety".into(),
                    text: odd.into(),
                },
                SerdeEvent::Violation {
                    time_us: 7,
                    property: "Election Safety",
                    text: odd,
                },
            ),
            (
                EmbedEvent::State {
                    time_us: 8,
                    playing: true,
                    leader: None,
                    term: 2,
                    values: vec![],
                },
                SerdeEvent::State {
                    time_us: 8,
                    playing: true,
                    leader: None,
                    term: 2,
                    values: &[],
                },
            ),
            (
                EmbedEvent::State {
                    time_us: 8,
                    playing: false,
                    leader: Some("C".into()),
                    term: 2,
                    values: vec![-1, 0, 5],
                },
                SerdeEvent::State {
                    time_us: 8,
                    playing: false,
                    leader: Some("C"),
                    term: 2,
                    values: &[-1, 0, 5],
                },
            ),
            (
                EmbedEvent::Error {
                    message: odd.into(),
                },
                SerdeEvent::Error { message: odd },
            ),
            (
                EmbedEvent::QuestionAnswered {
                    lesson: odd.into(),
                    step: 3,
                    right: true,
                },
                SerdeEvent::QuestionAnswered {
                    lesson: odd,
                    step: 3,
                    right: true,
                },
            ),
        ];
        for (event, serde_event) in pairs {
            let expected = serde_json::to_string(&serde_event).expect("serialisable");
            assert_eq!(event.to_json(), expected);
        }
    }

    /// The host hears each live event once: going back in time and forward again, or opening
    /// another run, sends one `state` and none of the old events again.
    #[test]
    fn the_host_hears_live_events_once_and_a_state_after_a_jump() {
        use crate::sim::timeline::Timeline;
        let config = crate::sim::Config::default();
        let mut timeline = Timeline::new(config).expect("default config");
        let mut reporter = HostReporter::default();
        let mut jumps = 0;
        assert!(reporter
            .news(timeline.world(), jumps, true, None)
            .is_empty());
        timeline.advance_to(crate::sim::SECOND);
        let live = reporter.news(timeline.world(), jumps, true, None);
        assert!(live
            .iter()
            .any(|e| matches!(e, EmbedEvent::LeaderElected { .. })));
        // Three steps back: a jump each time, one state each, nothing re-sent.
        for _ in 0..3 {
            timeline.step_back();
            jumps += 1;
            let heard = reporter.news(timeline.world(), jumps, false, None);
            assert!(
                matches!(heard.as_slice(), [EmbedEvent::State { .. }]),
                "{heard:?}"
            );
        }
        // Back to the live end: a jump again, and the events in between were heard before.
        timeline.seek_to_end();
        jumps += 1;
        let heard = reporter.news(timeline.world(), jumps, false, None);
        assert!(matches!(heard.as_slice(), [EmbedEvent::State { .. }]));
        // Running on from there is live again.
        timeline.advance_to(3 * crate::sim::SECOND);
        let later = reporter.news(timeline.world(), jumps, true, None);
        assert!(later.iter().all(|e| match e {
            EmbedEvent::LeaderElected { time_us, .. } | EmbedEvent::Committed { time_us, .. } =>
                *time_us > crate::sim::SECOND,
            _ => true,
        }));
    }

    #[test]
    fn a_run_reports_its_leader_once_per_election() {
        let mut world = World::new(crate::sim::Config::default()).expect("default config");
        world.advance_to(crate::sim::SECOND);
        let (events, last) = new_events(&world, None, None);
        assert!(events
            .iter()
            .any(|e| matches!(e, EmbedEvent::LeaderElected { .. })));
        let (again, _) = new_events(&world, last, None);
        assert!(again.is_empty(), "nothing new happened: {again:?}");
    }
}
