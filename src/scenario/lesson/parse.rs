//! The lesson format's reader. A lesson is lines of `keyword words…`; `#` starts a comment line;
//! blank lines and indentation mean nothing. The header (before the first `step`) sets up the
//! cluster; each `step` line starts a step. `docs/lessons.md` is the reference.
//!
//! Errors read like a compiler's: the line, what was expected there, what was found. The reader
//! stops at the first error and returns no lesson, so a broken file never half-loads.

use super::{Answer, Choice, Question, Right, RightServer};
use crate::raft::{ClientId, Command, LogIndex, MessageKind, NodeId, ReadMode, Role, MS};
use crate::scenario::tour::{Chapter, Condition, Highlight, Step, StepAction, StepStatus};
use crate::sim::config::MAX_SLOTS;
use crate::sim::{Action, Config, OptionChange, Replication, SafetySwitch, Time, MAX_CLIENTS};

/// The largest lesson file accepted, in bytes.
pub const MAX_LESSON_BYTES: usize = 64 * 1024;
/// The most steps a lesson may have.
const MAX_STEPS: usize = 60;
/// The most characters in one caption, question or explanation.
const MAX_TEXT_CHARS: usize = 1200;
/// The most actions one step may apply, and the most choices one question may offer.
const MAX_PER_STEP: usize = 24;
/// The longest a step may run before it gives up.
const MAX_LIMIT_US: Time = 120 * 1_000_000;
/// How long a step runs at most when its file does not say (`limit`).
pub const DEFAULT_LIMIT_US: Time = 2 * 1_000_000;

/// Why a lesson file could not be read: where, and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The line, counted from 1 (0 when the problem is the file as a whole).
    pub line: usize,
    /// What was wrong, e.g. `expected a server (A to I), found "Z"`.
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LessonError {}

type Parsed<T> = Result<T, LessonError>;

/// One line being read: its number and its words after the keyword.
struct Line<'a> {
    number: usize,
    /// The words after the keyword.
    words: Vec<&'a str>,
}

impl Line<'_> {
    fn error(&self, message: String) -> LessonError {
        LessonError {
            line: self.number,
            message,
        }
    }

    /// "expected X, found Y", where Y is the words from position `at` (or the end of the line).
    fn expected(&self, what: &str, at: usize) -> LessonError {
        let found = match self.words.get(at..) {
            Some(rest) if !rest.is_empty() => format!("\"{}\"", rest.join(" ")),
            _ => "the end of the line".to_string(),
        };
        self.error(format!("expected {what}, found {found}"))
    }

    fn word(&self, at: usize) -> Option<&str> {
        self.words.get(at).copied()
    }

    /// Whether the words from `at` on are exactly `phrase` (case-insensitive).
    fn is(&self, at: usize, phrase: &str) -> bool {
        let phrase: Vec<&str> = phrase.split(' ').collect();
        self.words.len() == at + phrase.len()
            && phrase
                .iter()
                .enumerate()
                .all(|(i, p)| self.words[at + i].eq_ignore_ascii_case(p))
    }

    fn end(&self, at: usize) -> Parsed<()> {
        if at == self.words.len() {
            Ok(())
        } else {
            Err(self.expected("the end of the line", at))
        }
    }

    /// The text after the keyword, its spaces as a page shows them (runs of spaces as one).
    fn text(&self, what: &str) -> Parsed<String> {
        if self.words.is_empty() {
            return Err(self.expected(what, 0));
        }
        let text = self.words.join(" ");
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(self.error(format!(
                "this text is longer than {MAX_TEXT_CHARS} characters"
            )));
        }
        Ok(text)
    }

    fn server(&self, at: usize) -> Parsed<NodeId> {
        self.word(at)
            .and_then(NodeId::from_name)
            .filter(|n| n.0 < MAX_SLOTS)
            .ok_or_else(|| self.expected("a server (A to I)", at))
    }

    fn servers(&self, from: usize) -> Parsed<Vec<NodeId>> {
        if from >= self.words.len() {
            return Err(self.expected("servers (A to I)", from));
        }
        (from..self.words.len()).map(|i| self.server(i)).collect()
    }

    /// Servers in groups separated by `|`: `A B | C D E`.
    fn groups(&self, from: usize) -> Parsed<Vec<Vec<NodeId>>> {
        let mut groups = vec![Vec::new()];
        for i in from..self.words.len() {
            if self.words[i] == "|" {
                groups.push(Vec::new());
            } else if let Some(last) = groups.last_mut() {
                last.push(self.server(i)?);
            }
        }
        if groups.iter().any(Vec::is_empty) {
            return Err(self.expected("groups of servers separated by |, e.g. A B | C D E", from));
        }
        Ok(groups)
    }

    fn number<T: std::str::FromStr>(&self, at: usize, what: &str) -> Parsed<T> {
        self.word(at)
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| self.expected(what, at))
    }

    fn client(&self, at: usize) -> Parsed<ClientId> {
        let n: u16 = self.number(at, "a client number (1 to 16)")?;
        if n == 0 || n > u16::from(MAX_CLIENTS) {
            return Err(self.expected("a client number (1 to 16)", at));
        }
        Ok(ClientId(n - 1))
    }

    fn on_off(&self, at: usize) -> Parsed<bool> {
        let flag = match self.word(at).map(str::to_ascii_lowercase).as_deref() {
            Some("on") => true,
            Some("off") => false,
            _ => return Err(self.expected("on or off", at)),
        };
        self.end(at + 1)?;
        Ok(flag)
    }

    /// A duration at the end of the line: `300 ms`, `2 s`, `300ms`.
    fn duration(&self, at: usize) -> Parsed<Time> {
        let (min, max) = self.range(at)?;
        if min != max {
            return Err(self.expected("one duration, e.g. 300 ms", at));
        }
        Ok(min)
    }

    /// A duration or a range of durations at the end of the line: `150-300 ms`, `2 s`.
    fn range(&self, at: usize) -> Parsed<(Time, Time)> {
        let bad = || self.expected("a duration such as 300 ms, 2 s or 150-300 ms", at);
        // "300 ms", "300ms", "150 - 300 ms"; never "3 00 ms".
        let written = self.words.get(at..).unwrap_or_default().join(" ");
        let written = written.replace(" -", "-").replace("- ", "-");
        let digits_end = written
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let (numbers, unit) = written.split_at(digits_end);
        if numbers.contains(' ') {
            return Err(bad());
        }
        let scale = match unit.trim_start() {
            "us" | "µs" => 1,
            "ms" => MS,
            "s" => 1_000_000,
            _ => return Err(bad()),
        };
        let value = |n: &str| -> Parsed<Time> {
            let n: Time = n.parse().map_err(|_| bad())?;
            n.checked_mul(scale).ok_or_else(bad)
        };
        match numbers.split_once('-') {
            Some((a, b)) => Ok((value(a)?, value(b)?)),
            None => {
                let v = value(numbers)?;
                Ok((v, v))
            }
        }
    }

    /// A percentage with at most one decimal (`5%`, `0.5 %`), in per mille.
    fn per_mille(&self, at: usize) -> Parsed<u16> {
        let written: String = self.words.get(at..).unwrap_or_default().concat();
        let bad = || self.expected("a percentage such as 5% or 0.5%", at);
        let number = written.strip_suffix('%').ok_or_else(bad)?;
        let (whole, tenth) = number.split_once('.').unwrap_or((number, "0"));
        let whole: u16 = whole.parse().map_err(|_| bad())?;
        let tenth: u16 = match tenth.len() {
            1 => tenth.parse().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(tenth))
            .filter(|&p| p <= 1000)
            .ok_or_else(bad)
    }
}

/// Splits a file into lines with their numbers, skipping blanks and comments.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str, Line<'_>)> {
    text.lines().enumerate().filter_map(|(i, raw)| {
        let raw = raw.trim();
        if raw.is_empty() || raw.starts_with('#') {
            return None;
        }
        let (keyword, text) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
        Some((
            i + 1,
            keyword,
            Line {
                number: i + 1,
                words: text.split_whitespace().collect(),
            },
        ))
    })
}

/// Reads a lesson file into a chapter, checking its syntax and settings (not yet that its steps
/// play; see [`load`]).
pub fn parse(text: &str) -> Parsed<Chapter> {
    if text.len() > MAX_LESSON_BYTES {
        return Err(LessonError {
            line: 0,
            message: format!(
                "the lesson is {} bytes long; the most a lesson may have is {MAX_LESSON_BYTES}",
                text.len()
            ),
        });
    }
    // Some editors start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::default();
    for (number, keyword, line) in lines(text) {
        reader.line(number, &keyword.to_ascii_lowercase(), &line)?;
    }
    reader.finish()
}

/// Reads a lesson file and plays it through once, so that a lesson whose steps the simulation
/// refuses (a server that is not there, a step that needs a leader when none is left) is
/// reported with the step's line instead of failing halfway through a class.
pub fn load(text: &str) -> Parsed<Chapter> {
    let chapter = parse(text)?;
    let mut world = chapter.fresh_world().map_err(|e| LessonError {
        line: 0,
        message: e.to_string(),
    })?;
    for (i, step) in chapter.steps.iter().enumerate() {
        let entered_at = chapter.enter_step(i, &mut world).map_err(|e| LessonError {
            line: step.line,
            message: format!("this step cannot start: {e}"),
        })?;
        // A step that times out is allowed (the page offers Next); nothing more to check.
        let _: StepStatus = step.finish(entered_at, &mut world);
    }
    Ok(chapter)
}

/// The state of the reader between lines.
#[derive(Default)]
struct Reader {
    slug: Option<String>,
    title: Option<String>,
    config: Config,
    steps: Vec<Step>,
    /// The `until` lines of the step being read (all must hold).
    until: Vec<Condition>,
    /// The first header line after which the settings did not work and still do not (a later
    /// line may mend them: `election timeout 40-60 ms` after `heartbeat 20 ms`, or before it).
    settings_error: Option<LessonError>,
}

impl Reader {
    fn line(&mut self, number: usize, keyword: &str, line: &Line) -> Parsed<()> {
        if keyword == "step" {
            return self.start_step(number);
        }
        if self.steps.is_empty() {
            return self.header(keyword, line);
        }
        self.step_line(keyword, line)
    }

    fn start_step(&mut self, number: usize) -> Parsed<()> {
        if let Some(error) = self.settings_error.take() {
            return Err(error);
        }
        self.end_step()?;
        if self.steps.len() == MAX_STEPS {
            return Err(LessonError {
                line: number,
                message: format!("a lesson may have at most {MAX_STEPS} steps"),
            });
        }
        self.steps.push(Step {
            caption: String::new(),
            actions: Vec::new(),
            until: Condition::Nothing,
            limit_us: DEFAULT_LIMIT_US,
            highlight: Highlight::default(),
            question: None,
            line: number,
        });
        Ok(())
    }

    /// Checks the step just read and files its `until` lines.
    fn end_step(&mut self) -> Parsed<()> {
        let Some(step) = self.steps.last_mut() else {
            return Ok(());
        };
        let at_step = |message: &str| LessonError {
            line: step.line,
            message: message.to_string(),
        };
        if step.caption.is_empty() {
            return Err(at_step("this step has no caption: add a line \"say …\""));
        }
        let mut until = std::mem::take(&mut self.until);
        step.until = match until.len() {
            0 => Condition::Nothing,
            1 => until.remove(0),
            _ => Condition::All(until),
        };
        if let Some(q) = &step.question {
            let complete = match &q.answer {
                Answer::Choices(c) => c.len() >= 2 && c.iter().any(|c| c.right != Right::Never),
                Answer::Server(RightServer::AnyOf(nodes)) => !nodes.is_empty(),
                Answer::Server(RightServer::Leader) => true,
            };
            if !complete {
                return Err(at_step(
                    "this step's question needs two choices or more with a \"right\" line, or \"click server\" and \"right …\"",
                ));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Parsed<Chapter> {
        if let Some(error) = self.settings_error.take() {
            return Err(error);
        }
        self.end_step()?;
        let title = self.title.ok_or(LessonError {
            line: 0,
            message: "the lesson has no title: add a line \"title …\" at the top".to_string(),
        })?;
        if self.steps.is_empty() {
            return Err(LessonError {
                line: 0,
                message: "the lesson has no steps: each step starts with a line \"step\""
                    .to_string(),
            });
        }
        Ok(Chapter {
            slug: self.slug.unwrap_or_else(|| "lesson".to_string()),
            title,
            config: self.config,
            steps: self.steps,
        })
    }

    // ----- the header --------------------------------------------------------------------------

    fn header(&mut self, keyword: &str, line: &Line) -> Parsed<()> {
        let config = &mut self.config;
        match keyword {
            "title" if self.title.is_some() => {
                return Err(line.error("the lesson has a title already".to_string()))
            }
            "title" => self.title = Some(line.text("the lesson's title")?),
            "id" => {
                let id = line.word(0).unwrap_or_default();
                let fine = !id.is_empty()
                    && id.len() <= 40
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !fine {
                    return Err(line.expected("an id of lower-case letters, digits and -", 0));
                }
                line.end(1)?;
                self.slug = Some(id.to_string());
            }
            "servers" => {
                config.cluster_size = line.number(0, "a number of servers (1 to 9)")?;
                if config.cluster_size == 0 || config.cluster_size > MAX_SLOTS {
                    return Err(line.expected("a number of servers (1 to 9)", 0));
                }
                line.end(1)?;
            }
            "clients" => {
                config.clients = line.number(0, "a number of clients (1 to 16)")?;
                line.end(1)?;
            }
            "seed" => {
                config.seed = line.number(0, "a seed (a whole number)")?;
                line.end(1)?;
            }
            "timeout" => {
                let node = line.server(0)?;
                if node.0 >= config.cluster_size {
                    return Err(line.error(format!(
                        "{node} is not one of the {} servers (a \"servers\" line comes first)",
                        config.cluster_size
                    )));
                }
                let range = line.range(1)?;
                let slot = node.index();
                if config.election_timeout_override.len() <= slot {
                    config.election_timeout_override.resize(slot + 1, None);
                }
                config.election_timeout_override[slot] = Some(range);
            }
            _ => {
                let change = option(keyword, line)?;
                *config = config.with_change(&change);
            }
        }
        match config.validate() {
            Ok(()) => self.settings_error = None,
            Err(e) if self.settings_error.is_none() => {
                self.settings_error =
                    Some(line.error(format!("the cluster's settings do not work: {e}")));
            }
            Err(_) => {}
        }
        Ok(())
    }

    // ----- a step ------------------------------------------------------------------------------

    fn step_line(&mut self, keyword: &str, line: &Line) -> Parsed<()> {
        let Some(step) = self.steps.last_mut() else {
            return Ok(());
        };
        match keyword {
            "say" => {
                let more = line.text("the caption's words")?;
                if !step.caption.is_empty() {
                    step.caption.push(' ');
                }
                step.caption.push_str(&more);
                if step.caption.chars().count() > MAX_TEXT_CHARS {
                    return Err(line.error(format!(
                        "this caption is longer than {MAX_TEXT_CHARS} characters"
                    )));
                }
            }
            "do" => {
                if step.actions.len() == MAX_PER_STEP {
                    return Err(line.error(format!("a step may do at most {MAX_PER_STEP} things")));
                }
                step.actions.push(action(line)?);
            }
            "until" => self.until.extend(conditions(line, 0)?),
            "limit" => {
                step.limit_us = line.duration(0)?;
                if step.limit_us < MS || step.limit_us > MAX_LIMIT_US {
                    return Err(line.expected("a limit between 1 ms and 120 s", 0));
                }
            }
            "highlight" => highlight(&mut step.highlight, line)?,
            "question" => {
                if step.question.is_some() {
                    return Err(line.error("a step asks one question at most".to_string()));
                }
                step.question = Some(Question {
                    text: line.text("the question")?,
                    answer: Answer::Choices(Vec::new()),
                    explain: String::new(),
                });
            }
            "choice" | "click" | "right" | "explain" => {
                let Some(question) = &mut step.question else {
                    return Err(line.error(format!(
                        "\"{keyword}\" belongs to a question: write \"question …\" first"
                    )));
                };
                question_line(question, keyword, line)?;
            }
            _ => {
                return Err(line.error(format!(
                    "unknown keyword \"{keyword}\": a step's lines start with say, do, until, limit, highlight, question, choice, click, right, explain or step"
                )))
            }
        }
        Ok(())
    }
}

fn question_line(question: &mut Question, keyword: &str, line: &Line) -> Parsed<()> {
    match (keyword, &mut question.answer) {
        ("explain", _) => {
            let more = line.text("the explanation")?;
            if !question.explain.is_empty() {
                question.explain.push(' ');
            }
            question.explain.push_str(&more);
            if question.explain.chars().count() > MAX_TEXT_CHARS {
                return Err(line.error(format!(
                    "this explanation is longer than {MAX_TEXT_CHARS} characters"
                )));
            }
        }
        ("choice", Answer::Choices(choices)) => {
            if choices.len() == MAX_PER_STEP {
                return Err(line.error("too many choices".to_string()));
            }
            choices.push(Choice {
                text: line.text("the choice's words")?,
                right: Right::Never,
            });
        }
        ("click", Answer::Server(_)) => {
            return Err(line.error("this question asks for a server already".to_string()))
        }
        ("click", Answer::Choices(choices)) if choices.is_empty() => {
            if !line.is(0, "server") {
                return Err(line.expected("\"server\"", 0));
            }
            question.answer = Answer::Server(RightServer::AnyOf(Vec::new()));
        }
        ("right", Answer::Choices(choices)) => {
            let Some(choice) = choices.last_mut() else {
                return Err(line.error("\"right\" follows the choice it marks".to_string()));
            };
            choice.right = match line.word(0).map(str::to_ascii_lowercase).as_deref() {
                None => Right::Always,
                Some("if") => Right::If(all(conditions(line, 1)?)),
                Some("unless") => Right::Unless(all(conditions(line, 1)?)),
                Some(_) => return Err(line.expected("nothing, \"if …\" or \"unless …\"", 0)),
            };
        }
        ("right", Answer::Server(right)) => {
            *right = if line.is(0, "leader") {
                RightServer::Leader
            } else {
                RightServer::AnyOf(line.servers(0)?)
            };
        }
        _ => {
            return Err(line
                .error("a question has either choices or \"click server\", not both".to_string()))
        }
    }
    Ok(())
}

fn all(mut conditions: Vec<Condition>) -> Condition {
    if conditions.len() == 1 {
        conditions.remove(0)
    } else {
        Condition::All(conditions)
    }
}

fn highlight(highlight: &mut Highlight, line: &Line) -> Parsed<()> {
    match line.word(0).map(str::to_ascii_lowercase).as_deref() {
        Some("entry") => {
            // highlight entry 3 on A B C
            let index: LogIndex = line.number(1, "an entry's index")?;
            if !line.word(2).is_some_and(|w| w.eq_ignore_ascii_case("on")) {
                return Err(line.expected("\"on\" and servers", 2));
            }
            for node in line.servers(3)? {
                highlight.entries.push((node, index));
            }
        }
        Some("messages") => {
            if line.words.len() < 2 {
                return Err(line.expected("kinds of message, e.g. RequestVote", 1));
            }
            for i in 1..line.words.len() {
                let kind = message_kind(line.words[i])
                    .ok_or_else(|| line.expected("a kind of message, e.g. RequestVote", i))?;
                highlight.messages.push(kind);
            }
        }
        Some("groups") => highlight.groups = line.groups(1)?,
        _ => highlight.nodes.extend(line.servers(0)?),
    }
    Ok(())
}

/// The message kinds by the names the page uses (`data-type`).
const MESSAGE_KINDS: [MessageKind; 11] = [
    MessageKind::RequestVote,
    MessageKind::RequestVoteReply,
    MessageKind::AppendEntries,
    MessageKind::AppendEntriesReply,
    MessageKind::PreVote,
    MessageKind::PreVoteReply,
    MessageKind::ClientRequest,
    MessageKind::ClientResponse,
    MessageKind::TimeoutNow,
    MessageKind::InstallSnapshot,
    MessageKind::InstallSnapshotReply,
];

fn message_kind(name: &str) -> Option<MessageKind> {
    MESSAGE_KINDS
        .into_iter()
        .find(|k| k.name().eq_ignore_ascii_case(name))
}

// ----- actions -----------------------------------------------------------------------------------

fn action(line: &Line) -> Parsed<StepAction> {
    let verb = line.word(0).unwrap_or_default().to_ascii_lowercase();
    let done = |a: Action, used: usize| line.end(used).map(|()| StepAction::Do(a));
    match verb.as_str() {
        "stop" if line.is(1, "leader") => Ok(StepAction::StopLeader),
        "stop" => done(Action::Stop(line.server(1)?), 2),
        "restart" => done(Action::Restart(line.server(1)?), 2),
        "timeout" => done(Action::Timeout(line.server(1)?), 2),
        "heal" => done(Action::Heal, 1),
        "partition" => done(Action::Partition(line.groups(1)?), line.words.len()),
        "cut" if line.word(2).is_some_and(|w| w.eq_ignore_ascii_case("to")) => done(
            Action::CutOneWay {
                from: line.server(1)?,
                to: line.server(3)?,
            },
            4,
        ),
        "cut" => done(Action::CutLink(line.server(1)?, line.server(2)?), 3),
        "restore" => done(Action::RestoreLink(line.server(1)?, line.server(2)?), 3),
        "drop" if line.word(1).is_some_and(|w| w.eq_ignore_ascii_case("message")) => {
            done(Action::DropMessage(line.number(2, "a message number")?), 3)
        }
        "add" if line.word(1).is_some_and(|w| w.eq_ignore_ascii_case("server")) => {
            done(Action::AddServer(line.server(2)?), 3)
        }
        "remove" if line.word(1).is_some_and(|w| w.eq_ignore_ascii_case("server")) => {
            done(Action::RemoveServer(line.server(2)?), 3)
        }
        "transfer"
            if line.word(1).is_some_and(|w| w.eq_ignore_ascii_case("leadership"))
                && line.word(2).is_some_and(|w| w.eq_ignore_ascii_case("to")) =>
        {
            done(Action::TransferLeadership(line.server(3)?), 4)
        }
        "send" => send(line),
        "set" => {
            let keyword = line.word(1).unwrap_or_default().to_ascii_lowercase();
            let rest = Line {
                number: line.number,
                words: line.words[2.min(line.words.len())..].to_vec(),
            };
            Ok(StepAction::Do(Action::SetOption(option(&keyword, &rest)?)))
        }
        _ => Err(line.expected(
            "an action: stop, restart, timeout, send, partition, heal, cut, restore, drop message, add server, remove server, transfer leadership to, set",
            0,
        )),
    }
}

/// `send SET 5 [from client 2] to B|leader`.
fn send(line: &Line) -> Parsed<StepAction> {
    let words = &line.words;
    let to = words
        .iter()
        .rposition(|w| w.eq_ignore_ascii_case("to"))
        .ok_or_else(|| line.expected("\"to\" and a server, e.g. send SET 5 to A", words.len()))?;
    let from = words[..to]
        .iter()
        .position(|w| w.eq_ignore_ascii_case("from"))
        .unwrap_or(to);
    let command: Command = words[1..from]
        .join(" ")
        .parse()
        .map_err(|e| line.error(format!("{e}")))?;
    if command == Command::NoOp {
        return Err(line.expected("a client's command: SET n, ADD n or GET", 1));
    }
    let client = if from < to {
        if !(to == from + 3 && words[from + 1].eq_ignore_ascii_case("client")) {
            return Err(line.expected("from client N", from));
        }
        line.client(from + 2)?
    } else {
        ClientId(0)
    };
    if line.is(to + 1, "leader") {
        return Ok(StepAction::SubmitToLeader { client, command });
    }
    let node = line.server(to + 1)?;
    line.end(to + 2)?;
    Ok(StepAction::Do(Action::Submit {
        client,
        node,
        command,
    }))
}

/// An option, in the header (`pre-vote on`) or after `do set` (`set pre-vote on`).
fn option(keyword: &str, line: &Line) -> Parsed<OptionChange> {
    Ok(match keyword {
        "election" if line.word(0).is_some_and(|w| w.eq_ignore_ascii_case("timeout")) => {
            let (min_us, max_us) = line.range(1)?;
            OptionChange::ElectionTimeout { min_us, max_us }
        }
        "heartbeat" => OptionChange::HeartbeatInterval(line.duration(0)?),
        "latency" => {
            let (min_us, max_us) = line.range(0)?;
            OptionChange::Latency { min_us, max_us }
        }
        "loss" => OptionChange::LossPerMille(line.per_mille(0)?),
        "duplicate" => OptionChange::DuplicatePerMille(line.per_mille(0)?),
        "replication" if line.is(0, "immediate") => {
            OptionChange::Replication(Replication::Immediate)
        }
        "replication" if line.is(0, "on heartbeat") => {
            OptionChange::Replication(Replication::OnHeartbeat)
        }
        "replication" => return Err(line.expected("\"immediate\" or \"on heartbeat\"", 0)),
        "no-op" => OptionChange::NoOpOnElection(line.on_off(0)?),
        "pre-vote" => OptionChange::PreVote(line.on_off(0)?),
        "check-quorum" => OptionChange::CheckQuorum(line.on_off(0)?),
        "one-at-a-time" => OptionChange::SingleServerChanges(line.on_off(0)?),
        "client" if line.word(0).is_some_and(|w| w.eq_ignore_ascii_case("retry")) => {
            OptionChange::ClientRetryTimeout(line.duration(1)?)
        }
        "client" if line.word(0).is_some_and(|w| w.eq_ignore_ascii_case("attempts")) => {
            let n = line.number(1, "a number of attempts (0 for no limit)")?;
            line.end(2)?;
            OptionChange::ClientMaxAttempts(n)
        }
        "snapshots" if line.is(0, "off") => OptionChange::SnapshotThreshold(0),
        "snapshots" => {
            if !(line.word(0).is_some_and(|w| w.eq_ignore_ascii_case("every"))
                && line.is(2, "entries"))
            {
                return Err(line.expected("\"every N entries\" or \"off\"", 0));
            }
            OptionChange::SnapshotThreshold(line.number(1, "a number of entries")?)
        }
        "reads" if line.words.len() > 1 => return Err(line.expected("the end of the line", 1)),
        "reads" => OptionChange::ReadMode(match line.word(0).map(str::to_ascii_lowercase).as_deref() {
            Some("log") => ReadMode::Log,
            Some("readindex") => ReadMode::ReadIndex,
            Some("lease") => ReadMode::Lease,
            _ => return Err(line.expected("log, readindex or lease", 0)),
        }),
        "break" | "keep" => {
            let name = line.word(0).unwrap_or_default();
            let switch = SafetySwitch::ALL
                .into_iter()
                .find(|s| s.keyword().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    let names: Vec<&str> = SafetySwitch::ALL.iter().map(|s| s.keyword()).collect();
                    line.expected(&format!("one of {}", names.join(", ")), 0)
                })?;
            line.end(1)?;
            OptionChange::Safety(switch, keyword == "break")
        }
        _ => {
            return Err(line.error(format!(
                "unknown keyword \"{keyword}\": the lesson's header has title, id, servers, clients, seed, timeout and the options election timeout, heartbeat, latency, loss, duplicate, replication, no-op, pre-vote, check-quorum, one-at-a-time, client retry, client attempts, snapshots, reads, break and keep; steps start with \"step\""
            )))
        }
    })
}

// ----- conditions --------------------------------------------------------------------------------

/// Conditions joined by `and`, from word `from` to the end of the line.
fn conditions(line: &Line, from: usize) -> Parsed<Vec<Condition>> {
    let mut all = Vec::new();
    let mut start = from;
    for i in from..=line.words.len() {
        if i == line.words.len() || line.words[i].eq_ignore_ascii_case("and") {
            all.push(condition(line, start, i)?);
            start = i + 1;
        }
    }
    Ok(all)
}

/// The condition written in words `from..to`.
fn condition(line: &Line, from: usize, to: usize) -> Parsed<Condition> {
    let part = Line {
        number: line.number,
        words: line.words[from..to].to_vec(),
    };
    let w = |i: usize| part.word(i).unwrap_or_default().to_ascii_lowercase();
    let role = |word: &str| match word {
        "leader" => Some(Role::Leader),
        "pre-candidate" => Some(Role::PreCandidate),
        "candidate" => Some(Role::Candidate),
        "follower" => Some(Role::Follower),
        _ => None,
    };
    let member = |word: &str| match word {
        "voter" => Some(crate::raft::Member::Voter),
        "learner" => Some(crate::raft::Member::Learner),
        "outside" => Some(crate::raft::Member::None),
        _ => None,
    };
    let then_end = |c: Condition, used: usize| part.end(used).map(|()| c);
    use Condition::*;
    match (w(0).as_str(), w(1).as_str()) {
        ("nothing", _) => then_end(Nothing, 1),
        ("after", _) => Ok(After(part.duration(1)?)),
        ("leader", "elected") => then_end(LeaderElected, 2),
        ("leader", "other") if w(2) == "than" => {
            then_end(LeaderElectedOtherThan(part.server(3)?), 4)
        }
        ("entry", _) if part.is(2, "committed everywhere") => then_end(
            EntryCommittedEverywhere(part.number(1, "an entry's index")?),
            4,
        ),
        ("entry", _) if w(2) == "committed" && w(3) == "on" => then_end(
            EntryCommittedOn {
                node: part.server(4)?,
                index: part.number(1, "an entry's index")?,
            },
            5,
        ),
        ("entry", _) if w(2) == "on" => then_end(
            EntryOn {
                node: part.server(3)?,
                index: part.number(1, "an entry's index")?,
            },
            4,
        ),
        ("snapshot", _) if w(2) == "on" => then_end(
            SnapshotOn {
                node: part.server(3)?,
                index: part.number(1, "an entry's index")?,
            },
            4,
        ),
        ("value", _) if part.is(2, "everywhere") => {
            then_end(ValueEverywhere(part.number(1, "a value")?), 3)
        }
        ("term", _) if part.is(2, "everywhere") => {
            then_end(TermAtLeast(part.number(1, "a term")?), 3)
        }
        ("two", "leaders") => then_end(TwoLeaders, 2),
        ("split", "vote") => then_end(SplitVote, 2),
        ("logs", "match") => then_end(LogsMatch, 2),
        ("client", _) if part.is(2, "answered") => then_end(ClientAnswered(part.client(1)?), 3),
        ("client", _) if w(2) == "got" => {
            then_end(ClientGot(part.client(1)?, part.number(3, "a value")?), 4)
        }
        ("configuration", _) => configuration(&part),
        (_, "is") => {
            let node = part.server(0)?;
            if let Some(r) = role(&w(2)) {
                then_end(NodeRole(node, r), 3)
            } else if let Some(m) = member(&w(2)) {
                then_end(Condition::Member(node, m), 3)
            } else {
                Err(part.expected(
                    "a role (leader, candidate, follower) or a membership (voter, learner, outside)",
                    2,
                ))
            }
        }
        _ => Err(part.expected(
            "a condition, e.g. \"A is leader\", \"entry 2 committed on B\", \"after 300 ms\"",
            0,
        )),
    }
}

/// `configuration A, B, C → A, B, C, D uncommitted`: the configuration as the page writes it.
fn configuration(part: &Line) -> Parsed<Condition> {
    let last = part.words.len().saturating_sub(1);
    let committed =
        match part.word(last).map(str::to_ascii_lowercase).as_deref() {
            Some("committed") if last > 1 => true,
            Some("uncommitted") if last > 1 => false,
            _ => return Err(part.expected(
                "a configuration such as A, B, C → A, B, C, D and then committed or uncommitted",
                1,
            )),
        };
    let mut reads = String::new();
    for (i, word) in part.words[1..last].iter().enumerate() {
        let word = if *word == "->" { "→" } else { word };
        let name = word.strip_suffix(',').unwrap_or(word);
        let server = NodeId::from_name(name).filter(|n| n.0 < MAX_SLOTS);
        let word = if word.eq_ignore_ascii_case("learning") {
            "learning".to_string()
        } else if server.is_some() || matches!(word, "→" | "+") {
            word.to_ascii_uppercase()
        } else {
            return Err(part.expected("servers, commas, →, + and learning", i + 1));
        };
        if !reads.is_empty() {
            reads.push(' ');
        }
        reads.push_str(&word);
    }
    Ok(Condition::Configuration { reads, committed })
}
