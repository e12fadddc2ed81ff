//! The lesson format's reader. A lesson is lines of `keyword words…`; `#` starts a comment line;
//! blank lines and indentation mean nothing. The header (before the first `step`) sets up the
//! cluster; each `step` line starts a step. `docs/lessons.md` is the reference.
//!
//! Errors read like a compiler's: the line, what was expected there, what was found. They are
//! words of the catalogue (`lesson-error.*`), so a teacher reads them in the page's language. The
//! reader stops at the first error and returns no lesson, so a broken file never half-loads.

use super::{Answer, Choice, Question, Right, RightServer};
use crate::raft::{
    ClientId, Command, CommandParseError, LogIndex, MessageKind, NodeId, ReadMode, Role, MS,
};
use crate::scenario::tour::{Chapter, Condition, Highlight, Step, StepAction, StepStatus};
use crate::sim::config::MAX_SLOTS;
use crate::sim::{
    Action, Config, OptionChange, Replication, SafetySwitch, Time, Value, Words, MAX_CLIENTS,
};

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
/// The longest duration a lesson may name.
const MAX_DURATION_US: Time = 3600 * 1_000_000;
/// The most events playing a whole lesson may take: a tour chapter takes thousands, an hour of
/// a busy cluster a few million. More means settings that make the cluster spin (a heartbeat
/// of a microsecond), which would freeze the page that plays it.
const MAX_LESSON_EVENTS: u64 = 5_000_000;
/// How long a step runs at most when its file does not say (`limit`).
pub const DEFAULT_LIMIT_US: Time = 2 * 1_000_000;

/// Why a lesson file could not be read: where, and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// The line, counted from 1 (0 when the problem is the file as a whole).
    pub line: usize,
    /// What was wrong, in words: `expected a server (A to I), found "Z"`.
    pub what: Words,
}

impl LessonError {
    fn at(line: usize, what: impl Into<Words>) -> LessonError {
        LessonError {
            line,
            what: what.into(),
        }
    }

    /// The error in words, with its line: `line 9: expected a server (A to I), found "Z"`.
    pub fn words(&self) -> Words {
        if self.line == 0 {
            return self.what.clone();
        }
        Words::new("lesson-error.line")
            .with("line", self.line)
            .with("what", self.what.clone())
    }

    /// What was wrong, in English (native builds only, for tests and tools).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn message(&self) -> String {
        self.what.english()
    }
}

crate::sim::words::english_error!(LessonError);

type Parsed<T> = Result<T, LessonError>;

/// One line being read: its number and its words after the keyword.
struct Line<'a> {
    number: usize,
    /// The words after the keyword.
    words: Vec<&'a str>,
}

impl Line<'_> {
    fn error(&self, what: impl Into<Words>) -> LessonError {
        LessonError::at(self.number, what)
    }

    /// "expected X, found Y", where X is `what` (a phrase of the catalogue, `lesson-error.want-*`)
    /// and Y the words from position `at` (or the end of the line).
    fn expected(&self, what: impl Into<Words>, at: usize) -> LessonError {
        let what = what.into();
        self.error(match self.words.get(at..) {
            Some(rest) if !rest.is_empty() => Words::new("lesson-error.expected")
                .with("what", what)
                .with("found", rest.join(" ")),
            _ => Words::new("lesson-error.expected-end").with("what", what),
        })
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
            Err(self.expected("lesson-error.want-end", at))
        }
    }

    /// The text after the keyword, its spaces as a page shows them (runs of spaces as one);
    /// `what` says what was expected if there is none.
    fn text(&self, what: &'static str) -> Parsed<String> {
        if self.words.is_empty() {
            return Err(self.expected(what, 0));
        }
        let text = self.words.join(" ");
        if text.chars().nth(MAX_TEXT_CHARS).is_some() {
            return Err(self.too_long("lesson-error.text-too-long"));
        }
        Ok(text)
    }

    /// Adds the line's text to a text that several lines make (a caption, an explanation),
    /// joined by a space; `too_long` is the error's sentence when it grows too long.
    fn add_text(&self, to: &mut String, words: &'static str, too_long: &'static str) -> Parsed<()> {
        let more = self.text(words)?;
        if !to.is_empty() {
            to.push(' ');
        }
        to.push_str(&more);
        if to.chars().nth(MAX_TEXT_CHARS).is_some() {
            return Err(self.too_long(too_long));
        }
        Ok(())
    }

    fn too_long(&self, key: &'static str) -> LessonError {
        self.error(Words::new(key).with("max", MAX_TEXT_CHARS))
    }

    fn server(&self, at: usize) -> Parsed<NodeId> {
        self.word(at)
            .and_then(NodeId::from_name)
            .filter(|n| n.0 < MAX_SLOTS)
            .ok_or_else(|| self.expected("lesson-error.want-server", at))
    }

    fn servers(&self, from: usize) -> Parsed<Vec<NodeId>> {
        if from >= self.words.len() {
            return Err(self.expected("lesson-error.want-servers", from));
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
        if groups.iter().any(Vec::is_empty) || groups.len() > usize::from(MAX_SLOTS) {
            return Err(self.expected("lesson-error.want-groups", from));
        }
        Ok(groups)
    }

    fn number<T: std::str::FromStr>(&self, at: usize, what: &'static str) -> Parsed<T> {
        self.word(at)
            .and_then(|w| w.parse().ok())
            .ok_or_else(|| self.expected(what, at))
    }

    fn client(&self, at: usize) -> Parsed<ClientId> {
        let n: u16 = self.number(at, "lesson-error.want-client")?;
        if n == 0 || n > u16::from(MAX_CLIENTS) {
            return Err(self.expected("lesson-error.want-client", at));
        }
        Ok(ClientId(n - 1))
    }

    fn on_off(&self, at: usize) -> Parsed<bool> {
        let flag = match self.word(at).map(str::to_ascii_lowercase).as_deref() {
            Some("on") => true,
            Some("off") => false,
            _ => return Err(self.expected("lesson-error.want-on-off", at)),
        };
        self.end(at + 1)?;
        Ok(flag)
    }

    /// A duration at the end of the line: `300 ms`, `2 s`, `300ms`.
    fn duration(&self, at: usize) -> Parsed<Time> {
        let (min, max) = self.range(at)?;
        if min != max {
            return Err(self.expected("lesson-error.want-one-duration", at));
        }
        Ok(min)
    }

    /// A duration or a range of durations at the end of the line: `150-300 ms`, `2 s`.
    fn range(&self, at: usize) -> Parsed<(Time, Time)> {
        let bad = || self.expected("lesson-error.want-duration", at);
        // "300 ms", "300ms", "150 - 300 ms"; never "3 00 ms" (digits on both sides of a space).
        let words = self.words.get(at..).unwrap_or_default();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        if words
            .windows(2)
            .any(|w| digit(w[0].chars().last()) && digit(w[1].chars().next()))
        {
            return Err(bad());
        }
        let written = words.concat();
        let digits_end = written
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let (numbers, unit) = written.split_at(digits_end);
        let scale = match unit {
            "us" | "µs" => 1,
            "ms" => MS,
            "s" => 1_000_000,
            _ => return Err(bad()),
        };
        // At most an hour: a lesson's times are seconds, and sums of them must not overflow.
        let value = |n: &str| -> Parsed<Time> {
            let n: Time = n.parse().map_err(|_| bad())?;
            n.checked_mul(scale)
                .filter(|&us| us <= MAX_DURATION_US)
                .ok_or_else(bad)
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
        let bad = || self.expected("lesson-error.want-percentage", at);
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
        return Err(LessonError::at(
            0,
            Words::new("lesson-error.file-too-long")
                .with("bytes", text.len())
                .with("max", MAX_LESSON_BYTES),
        ));
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
    let mut world = chapter.fresh_world().map_err(|e| {
        LessonError::at(
            0,
            Words::new("lesson-error.settings").with("error", e.words()),
        )
    })?;
    for (i, step) in chapter.steps.iter().enumerate() {
        let at_step = |what: Words| LessonError::at(step.line, what);
        let entered_at = chapter.enter_step(i, &mut world).map_err(|e| {
            at_step(Words::new("lesson-error.step-cannot-start").with("error", e.words()))
        })?;
        // In slices of virtual time, so that a lesson that would spin is stopped early. A step
        // that reaches its limit is allowed (the page offers Next).
        loop {
            let to = world.now() + 10 * MS;
            if step.advance(entered_at, &mut world, to) != StepStatus::Running {
                break;
            }
            if world.events_processed() > MAX_LESSON_EVENTS {
                return Err(at_step(
                    Words::new("lesson-error.too-many-events").with("max", MAX_LESSON_EVENTS),
                ));
            }
        }
        if let Some(question) = &step.question {
            if question.right_answer_text(&world, entered_at).is_empty() {
                return Err(at_step(Words::new("lesson-error.no-right-answer")));
            }
        }
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
            return Err(LessonError::at(
                number,
                Words::new("lesson-error.too-many-steps").with("max", MAX_STEPS),
            ));
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
        let at_step = |key: &'static str| LessonError::at(step.line, key);
        if step.caption.is_empty() {
            return Err(at_step("lesson-error.no-caption"));
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
                return Err(at_step("lesson-error.question-incomplete"));
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Parsed<Chapter> {
        if let Some(error) = self.settings_error.take() {
            return Err(error);
        }
        self.end_step()?;
        let title = self
            .title
            .ok_or_else(|| LessonError::at(0, "lesson-error.no-title"))?;
        if self.steps.is_empty() {
            return Err(LessonError::at(0, "lesson-error.no-steps"));
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
            "title" if self.title.is_some() => return Err(line.error("lesson-error.title-twice")),
            "title" => self.title = Some(line.text("lesson-error.want-title")?),
            "id" => {
                let id = line.word(0).unwrap_or_default();
                let fine = !id.is_empty()
                    && id.len() <= 40
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if !fine {
                    return Err(line.expected("lesson-error.want-id", 0));
                }
                line.end(1)?;
                self.slug = Some(id.to_string());
            }
            "servers" => {
                config.cluster_size = line.number(0, "lesson-error.want-server-count")?;
                if config.cluster_size == 0 || config.cluster_size > MAX_SLOTS {
                    return Err(line.expected("lesson-error.want-server-count", 0));
                }
                line.end(1)?;
            }
            "clients" => {
                config.clients = line.number(0, "lesson-error.want-client-count")?;
                line.end(1)?;
            }
            "seed" => {
                config.seed = line.number(0, "lesson-error.want-seed")?;
                line.end(1)?;
            }
            "timeout" => {
                let node = line.server(0)?;
                if node.0 >= config.cluster_size {
                    return Err(line.error(
                        Words::new("lesson-error.no-such-server")
                            .with("node", node)
                            .with("count", config.cluster_size),
                    ));
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
                    Some(line.error(Words::new("lesson-error.settings").with("error", e.words())));
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
            "say" => line.add_text(
                &mut step.caption,
                "lesson-error.want-caption",
                "lesson-error.caption-too-long",
            )?,
            "do" => {
                if step.actions.len() == MAX_PER_STEP {
                    return Err(line.error(
                        Words::new("lesson-error.too-many-actions").with("max", MAX_PER_STEP),
                    ));
                }
                step.actions.push(action(line)?);
            }
            "until" => self.until.extend(conditions(line, 0)?),
            "limit" => {
                step.limit_us = line.duration(0)?;
                if step.limit_us < MS || step.limit_us > MAX_LIMIT_US {
                    return Err(line.expected("lesson-error.want-limit", 0));
                }
            }
            "highlight" => highlight(&mut step.highlight, line)?,
            "question" => {
                if step.question.is_some() {
                    return Err(line.error("lesson-error.question-twice"));
                }
                step.question = Some(Question {
                    text: line.text("lesson-error.want-question")?,
                    answer: Answer::Choices(Vec::new()),
                    explain: String::new(),
                });
            }
            "choice" | "click" | "right" | "explain" => {
                let Some(question) = &mut step.question else {
                    return Err(line.error(
                        Words::new("lesson-error.needs-question").with("keyword", keyword),
                    ));
                };
                question_line(question, keyword, line)?;
            }
            _ => {
                return Err(line.error(
                    Words::new("lesson-error.unknown-step-keyword").with("keyword", keyword),
                ))
            }
        }
        Ok(())
    }
}

fn question_line(question: &mut Question, keyword: &str, line: &Line) -> Parsed<()> {
    match (keyword, &mut question.answer) {
        ("explain", _) => line.add_text(
            &mut question.explain,
            "lesson-error.want-explanation",
            "lesson-error.explanation-too-long",
        )?,
        ("choice", Answer::Choices(choices)) => {
            if choices.len() == MAX_PER_STEP {
                return Err(line.error("lesson-error.too-many-choices"));
            }
            choices.push(Choice {
                text: line.text("lesson-error.want-choice")?,
                right: Right::Never,
            });
        }
        ("click", Answer::Server(_)) => return Err(line.error("lesson-error.server-already")),
        ("click", Answer::Choices(choices)) if choices.is_empty() => {
            if !line.is(0, "server") {
                return Err(line.expected(quoted("server"), 0));
            }
            question.answer = Answer::Server(RightServer::AnyOf(Vec::new()));
        }
        ("right", Answer::Choices(choices)) => {
            let Some(choice) = choices.last_mut() else {
                return Err(line.error("lesson-error.right-first"));
            };
            choice.right = match line.word(0).map(str::to_ascii_lowercase).as_deref() {
                None => Right::Always,
                Some("if") => Right::If(all(conditions(line, 1)?)),
                Some("unless") => Right::Unless(all(conditions(line, 1)?)),
                Some(_) => return Err(line.expected("lesson-error.want-right", 0)),
            };
        }
        ("right", Answer::Server(right)) => {
            *right = if line.is(0, "leader") {
                RightServer::Leader
            } else {
                RightServer::AnyOf(line.servers(0)?)
            };
        }
        _ => return Err(line.error("lesson-error.choices-or-click")),
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
            let index: LogIndex = line.number(1, "lesson-error.want-entry-index")?;
            if !line.word(2).is_some_and(|w| w.eq_ignore_ascii_case("on")) {
                return Err(line.expected("lesson-error.want-on-servers", 2));
            }
            for node in line.servers(3)? {
                highlight.entries.push((node, index));
            }
        }
        Some("messages") => {
            if line.words.len() < 2 {
                return Err(line.expected("lesson-error.want-message-kinds", 1));
            }
            for i in 1..line.words.len() {
                let kind = message_kind(line.words[i])
                    .ok_or_else(|| line.expected("lesson-error.want-message-kind", i))?;
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

// ----- patterns ----------------------------------------------------------------------------------

/// Reads the words of `line` from `from` to its end against `pattern`, whose words are literal
/// words (any case) or slots: `@` a server, `#` a whole number, `±` a whole number that may be
/// negative (kept as its two's-complement bits), `$` a client number (kept from 0), `^` on or
/// off (1 or 0), and, last, `~` one duration, `=` a range of durations (two values) or `%` a
/// percentage (per mille). Returns the slots' values, or where the words stopped fitting and
/// what was expected there.
fn fill(pattern: &str, line: &Line, from: usize) -> Result<Vec<u64>, (usize, Words)> {
    let mut values = Vec::new();
    let mut at = from;
    let slots: Vec<&str> = pattern.split(' ').collect();
    for (i, slot) in slots.iter().copied().enumerate() {
        // What the slot expected, without the "found" part: by_table says what was found, once.
        let miss = |e: LessonError| (at, wanted(e.what));
        match slot {
            "@" => values.push(u64::from(line.server(at).map_err(miss)?.0)),
            "#" => values.push(line.number(at, "lesson-error.want-number").map_err(miss)?),
            "±" => {
                let n: i64 = line.number(at, "lesson-error.want-number").map_err(miss)?;
                values.push(n as u64)
            }
            "$" => values.push(u64::from(line.client(at).map_err(miss)?.0)),
            "^" => values.push(u64::from(line.on_off(at).map_err(miss)?)),
            "~" => return line.duration(at).map(|d| vec![d]).map_err(miss),
            "%" => return line.per_mille(at).map(|p| vec![u64::from(p)]).map_err(miss),
            "=" => {
                let (min, max) = line.range(at).map_err(miss)?;
                values.extend([min, max]);
                return Ok(values);
            }
            word if line.word(at).is_some_and(|w| w.eq_ignore_ascii_case(word)) => {}
            _ => {
                // What is due: this word and the literal words after it ("on heartbeat").
                let literal = |w: &&str| w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
                let due: Vec<&str> = slots[i..].iter().copied().take_while(literal).collect();
                return Err((at, quoted(&due.join(" "))));
            }
        }
        at += 1;
    }
    if at < line.words.len() {
        return Err((at, Words::new("lesson-error.want-end")));
    }
    Ok(values)
}

/// Words of the lesson format, quoted, as what was expected: `"on heartbeat"`.
fn quoted(words: &str) -> Words {
    Words::new("lesson-error.want-literal").with("words", words)
}

/// What an error says was expected (its `{what}`), or the error itself if it is of another kind.
fn wanted(error: Words) -> Words {
    if !matches!(
        error.key,
        "lesson-error.expected" | "lesson-error.expected-end"
    ) {
        return error;
    }
    error
        .values
        .into_iter()
        .find_map(|(name, value)| match value {
            Value::Words(what) if name == "what" => Some(what),
            _ => None,
        })
        .unwrap_or_else(|| Words::new("lesson-error.want-end"))
}

/// `a, b or c`: what any of several rows expected (built from the end: "a, (b or c)").
fn either(wanted: Vec<Words>) -> Words {
    let mut from_the_end = wanted.into_iter().rev();
    let Some(mut listed) = from_the_end.next() else {
        return Words::new("lesson-error.want-end");
    };
    if let Some(before) = from_the_end.next() {
        listed = Words::new("lesson-error.or")
            .with("first", before)
            .with("last", listed);
    }
    for before in from_the_end {
        listed = Words::new("lesson-error.comma")
            .with("first", before)
            .with("next", listed);
    }
    listed
}

/// The first row of `rows` whose pattern (see [`fill`]) the words from `from` fit, built by its
/// function. When none fits, the error names what the rows that went furthest expected, or
/// `what` when none got past the first word.
fn by_table<T>(rows: &[Row<T>], line: &Line, from: usize, what: &'static str) -> Parsed<T> {
    let mut furthest = from;
    let mut wanted: Vec<Words> = Vec::new();
    for (pattern, build) in rows {
        match fill(pattern, line, from) {
            Ok(values) => return Ok(build(&values)),
            // A first word that is not this row's says nothing: the row is another thing.
            Err((at, expected)) if at == from && expected.key == "lesson-error.want-literal" => {}
            Err((at, expected)) if at > furthest || wanted.is_empty() => {
                furthest = at;
                wanted = vec![expected];
            }
            Err((at, expected)) if at == furthest && !wanted.iter().any(|w| same(w, &expected)) => {
                wanted.push(expected)
            }
            Err(_) => {}
        }
    }
    if wanted.is_empty() {
        return Err(line.expected(what, from));
    }
    Err(line.expected(either(wanted), furthest))
}

/// Whether two expectations say the same: the same phrase, or the same words quoted.
fn same(a: &Words, b: &Words) -> bool {
    fn words(w: &Words) -> Option<&str> {
        match w.values.first() {
            Some((_, Value::Text(text))) => Some(text),
            _ => None,
        }
    }
    a.key == b.key && words(a) == words(b)
}

/// One row of a pattern table: the pattern (see [`fill`]) and what its values build.
type Row<T> = (&'static str, fn(&[u64]) -> T);

fn node(v: u64) -> NodeId {
    NodeId(v as u8)
}

// ----- actions -----------------------------------------------------------------------------------

/// The actions a step can do, but `send`, `partition` and `set`.
const ACTIONS: [Row<Action>; 11] = [
    ("stop @", |v| Action::Stop(node(v[0]))),
    ("restart @", |v| Action::Restart(node(v[0]))),
    ("timeout @", |v| Action::Timeout(node(v[0]))),
    ("heal", |_| Action::Heal),
    ("cut @ to @", |v| Action::CutOneWay {
        from: node(v[0]),
        to: node(v[1]),
    }),
    ("cut @ @", |v| Action::CutLink(node(v[0]), node(v[1]))),
    ("restore @ @", |v| {
        Action::RestoreLink(node(v[0]), node(v[1]))
    }),
    ("drop message #", |v| Action::DropMessage(v[0])),
    ("add server @", |v| Action::AddServer(node(v[0]))),
    ("remove server @", |v| Action::RemoveServer(node(v[0]))),
    ("transfer leadership to @", |v| {
        Action::TransferLeadership(node(v[0]))
    }),
];

fn action(line: &Line) -> Parsed<StepAction> {
    match line
        .word(0)
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "stop" if line.is(1, "leader") => Ok(StepAction::StopLeader),
        "send" => send(line),
        "partition" => Ok(StepAction::Do(Action::Partition(line.groups(1)?))),
        "set" => {
            let keyword = line.word(1).unwrap_or_default().to_ascii_lowercase();
            let rest = Line {
                number: line.number,
                words: line.words.get(2..).unwrap_or_default().to_vec(),
            };
            Ok(StepAction::Do(Action::SetOption(option(&keyword, &rest)?)))
        }
        _ => by_table(&ACTIONS, line, 0, "lesson-error.want-action").map(StepAction::Do),
    }
}

/// `send SET 5 [from client 2] to B|leader`.
fn send(line: &Line) -> Parsed<StepAction> {
    let words = &line.words;
    let to = words
        .iter()
        .rposition(|w| w.eq_ignore_ascii_case("to"))
        .ok_or_else(|| line.expected("lesson-error.want-to-server", words.len()))?;
    let from = words[..to]
        .iter()
        .position(|w| w.eq_ignore_ascii_case("from"))
        .unwrap_or(to);
    let command: Command = words[1..from]
        .join(" ")
        .parse()
        .map_err(|e: CommandParseError| {
            line.error(Words::new("lesson-error.command").with("error", e.words()))
        })?;
    if command == Command::NoOp {
        return Err(line.expected("lesson-error.want-command", 1));
    }
    let client = if from < to {
        let before_to = Line {
            number: line.number,
            words: words[..to].to_vec(),
        };
        let v = fill("from client $", &before_to, from)
            .map_err(|(at, expected)| line.expected(expected, at))?;
        ClientId(v[0] as u16)
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

// ----- options -----------------------------------------------------------------------------------

/// The options, by their keyword and the pattern of the words after it.
const OPTIONS: [Row<OptionChange>; 18] = [
    ("election timeout =", |v| OptionChange::ElectionTimeout {
        min_us: v[0],
        max_us: v[1],
    }),
    ("heartbeat ~", |v| OptionChange::HeartbeatInterval(v[0])),
    ("latency =", |v| OptionChange::Latency {
        min_us: v[0],
        max_us: v[1],
    }),
    ("loss %", |v| OptionChange::LossPerMille(v[0] as u16)),
    ("duplicate %", |v| {
        OptionChange::DuplicatePerMille(v[0] as u16)
    }),
    ("replication immediate", |_| {
        OptionChange::Replication(Replication::Immediate)
    }),
    ("replication on heartbeat", |_| {
        OptionChange::Replication(Replication::OnHeartbeat)
    }),
    ("no-op ^", |v| OptionChange::NoOpOnElection(v[0] == 1)),
    ("pre-vote ^", |v| OptionChange::PreVote(v[0] == 1)),
    ("check-quorum ^", |v| OptionChange::CheckQuorum(v[0] == 1)),
    ("one-at-a-time ^", |v| {
        OptionChange::SingleServerChanges(v[0] == 1)
    }),
    ("client retry ~", |v| OptionChange::ClientRetryTimeout(v[0])),
    ("client attempts #", |v| {
        OptionChange::ClientMaxAttempts(u32::try_from(v[0]).unwrap_or(u32::MAX))
    }),
    ("snapshots off", |_| OptionChange::SnapshotThreshold(0)),
    ("snapshots every # entries", |v| {
        OptionChange::SnapshotThreshold(v[0])
    }),
    ("reads log", |_| OptionChange::ReadMode(ReadMode::Log)),
    ("reads readindex", |_| {
        OptionChange::ReadMode(ReadMode::ReadIndex)
    }),
    ("reads lease", |_| OptionChange::ReadMode(ReadMode::Lease)),
];

/// An option, in the header (`pre-vote on`) or after `do set` (`set pre-vote on`): the keyword,
/// and the line's words after it.
fn option(keyword: &str, line: &Line) -> Parsed<OptionChange> {
    if keyword == "break" || keyword == "keep" {
        let name = line.word(0).unwrap_or_default();
        let switch = SafetySwitch::ALL
            .into_iter()
            .find(|s| s.keyword().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<&str> = SafetySwitch::ALL.iter().map(|s| s.keyword()).collect();
                let one_of = Words::new("lesson-error.want-one-of").with("names", names.join(", "));
                line.expected(one_of, 0)
            })?;
        line.end(1)?;
        return Ok(OptionChange::Safety(switch, keyword == "break"));
    }
    if !OPTIONS
        .iter()
        .any(|(pattern, _)| pattern.split(' ').next() == Some(keyword))
    {
        return Err(
            line.error(Words::new("lesson-error.unknown-header-keyword").with("keyword", keyword))
        );
    }
    let mut whole = Line {
        number: line.number,
        words: vec![keyword],
    };
    whole.words.extend(&line.words);
    by_table(&OPTIONS, &whole, 0, "lesson-error.want-option")
}

// ----- conditions --------------------------------------------------------------------------------

/// A condition written as after `until` (`leader elected`, `logs match and value 7 everywhere`),
/// for the studio's stop menu.
pub fn condition_text(text: &str) -> Parsed<Condition> {
    let line = Line {
        number: 0,
        words: text.split_whitespace().collect(),
    };
    conditions(&line, 0).map(all)
}

/// Conditions joined by `and`, from word `from` to the end of the line.
fn conditions(line: &Line, from: usize) -> Parsed<Vec<Condition>> {
    let mut all = Vec::new();
    let mut start = from;
    for i in from..=line.words.len() {
        if i == line.words.len() || line.words[i].eq_ignore_ascii_case("and") {
            let part = Line {
                number: line.number,
                words: line.words[start..i].to_vec(),
            };
            all.push(condition(&part)?);
            start = i + 1;
        }
    }
    Ok(all)
}

/// The conditions but `configuration` and `X is …`.
const CONDITIONS: [Row<Condition>; 15] = [
    ("nothing", |_| Condition::Nothing),
    ("after ~", |v| Condition::After(v[0])),
    ("leader elected", |_| Condition::LeaderElected),
    ("leader other than @", |v| {
        Condition::LeaderElectedOtherThan(node(v[0]))
    }),
    ("entry # committed everywhere", |v| {
        Condition::EntryCommittedEverywhere(v[0])
    }),
    ("entry # committed on @", |v| Condition::EntryCommittedOn {
        index: v[0],
        node: node(v[1]),
    }),
    ("entry # on @", |v| Condition::EntryOn {
        index: v[0],
        node: node(v[1]),
    }),
    ("snapshot # on @", |v| Condition::SnapshotOn {
        index: v[0],
        node: node(v[1]),
    }),
    ("value ± everywhere", |v| {
        Condition::ValueEverywhere(v[0] as i64)
    }),
    ("term # everywhere", |v| Condition::TermAtLeast(v[0])),
    ("two leaders", |_| Condition::TwoLeaders),
    ("split vote", |_| Condition::SplitVote),
    ("logs match", |_| Condition::LogsMatch),
    ("client $ answered", |v| {
        Condition::ClientAnswered(ClientId(v[0] as u16))
    }),
    ("client $ got ±", |v| {
        Condition::ClientGot(ClientId(v[0] as u16), v[1] as i64)
    }),
];

/// One condition: the whole of `part`.
fn condition(part: &Line) -> Parsed<Condition> {
    let w = |i: usize| part.word(i).unwrap_or_default().to_ascii_lowercase();
    if w(0) == "configuration" {
        return configuration(part);
    }
    if w(1) == "is" {
        let node = part.server(0)?;
        part.end(3)?;
        use crate::raft::Member;
        return Ok(match w(2).as_str() {
            "leader" => Condition::NodeRole(node, Role::Leader),
            "candidate" => Condition::NodeRole(node, Role::Candidate),
            "follower" => Condition::NodeRole(node, Role::Follower),
            "pre-candidate" => Condition::NodeRole(node, Role::PreCandidate),
            "voter" => Condition::Member(node, Member::Voter),
            "learner" => Condition::Member(node, Member::Learner),
            "outside" => Condition::Member(node, Member::None),
            _ => return Err(part.expected("lesson-error.want-role", 2)),
        });
    }
    by_table(&CONDITIONS, part, 0, "lesson-error.want-condition")
}

/// `configuration A, B, C → A, B, C, D uncommitted`: the configuration as the page writes it.
fn configuration(part: &Line) -> Parsed<Condition> {
    let last = part.words.len().saturating_sub(1);
    let committed = match part.word(last).map(str::to_ascii_lowercase).as_deref() {
        Some("committed") if last > 1 => true,
        Some("uncommitted") if last > 1 => false,
        _ => return Err(part.expected("lesson-error.want-configuration", 1)),
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
            return Err(part.expected("lesson-error.want-configuration-words", i + 1));
        };
        if !reads.is_empty() {
            reads.push(' ');
        }
        reads.push_str(&word);
    }
    Ok(Condition::Configuration { reads, committed })
}
