//! Lessons: tour chapters written as plain-text files, by us (the built-in tour, in `lessons/`)
//! or by a teacher, plus the questions that ask a student to predict what a step will show.
//!
//! [`parse`] reads the format (documented in `docs/lessons.md`) into a [`Chapter`]; [`load`]
//! also plays it through once, so a teacher's lesson either loads whole or not at all; [`write`]
//! turns a chapter back into text (the recorder exports with it). A question is judged on the world at
//! the end of its step, so an answer computed from the simulation stays right when a teacher
//! changes the seed.

pub mod link;
mod parse;
pub mod record;
mod write;

pub use parse::{condition_text, load, parse, LessonError, MAX_LESSON_BYTES};
pub use write::{action as action_text, write};

use crate::raft::NodeId;
use crate::scenario::tour::{Chapter, Condition};
use crate::sim::{Time, World};

/// A question asked when a step is entered, before it runs: the step's run shows the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The question, as the student reads it.
    pub text: String,
    /// How the student answers, and which answers are right.
    pub answer: Answer,
    /// Why the right answer is right, shown once the step has run (empty: nothing more to say).
    pub explain: String,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The student picks one of these.
    Choices(Vec<Choice>),
    /// The student clicks a server.
    Server(RightServer),
}

/// One answer a student can pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The answer's words.
    pub text: String,
    /// Whether picking it is right.
    pub right: Right,
}

/// When a choice is right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Right {
    /// Never (the file gave no `right` line for it).
    Never,
    /// Always (a bare `right` line).
    Always,
    /// When this condition holds at the end of the step (`right if …`).
    If(Condition),
    /// When this condition does not hold at the end of the step (`right unless …`).
    Unless(Condition),
}

/// Which server is the right one to click.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RightServer {
    /// Whichever server leads when the step ends (`right leader`).
    Leader,
    /// Any of these (`right B` or `right B C`).
    AnyOf(Vec<NodeId>),
}

/// What a student answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// The choice at this position, from 0.
    Choice(usize),
    /// This server.
    Server(NodeId),
}

impl Question {
    /// Whether `given` is right, judged on `end`, the world when the step has finished (entered
    /// at `entered_at`).
    pub fn is_right(&self, given: Given, end: &World, entered_at: Time) -> bool {
        match given {
            Given::Choice(i) => self.right_choices(end, entered_at).contains(&i),
            Given::Server(node) => self.right_servers(end).contains(&node),
        }
    }

    /// The positions of the choices that are right at the end of the step.
    pub fn right_choices(&self, end: &World, entered_at: Time) -> Vec<usize> {
        let Answer::Choices(choices) = &self.answer else {
            return Vec::new();
        };
        (0..choices.len())
            .filter(|&i| match &choices[i].right {
                Right::Never => false,
                Right::Always => true,
                Right::If(c) => c.holds(end, entered_at),
                Right::Unless(c) => !c.holds(end, entered_at),
            })
            .collect()
    }

    /// The servers that are right to click at the end of the step (none for a choice question,
    /// or when the answer is "the leader" and nobody leads).
    pub fn right_servers(&self, end: &World) -> Vec<NodeId> {
        match &self.answer {
            Answer::Choices(_) => Vec::new(),
            Answer::Server(RightServer::Leader) => end.leader().into_iter().collect(),
            Answer::Server(RightServer::AnyOf(nodes)) => nodes.clone(),
        }
    }

    /// The right answer in words ("C", "No"; "A or B" when several are right).
    pub fn right_answer_text(&self, end: &World, entered_at: Time) -> String {
        let words: Vec<String> = match &self.answer {
            Answer::Choices(choices) => self
                .right_choices(end, entered_at)
                .into_iter()
                .map(|i| choices[i].text.clone())
                .collect(),
            Answer::Server(_) => self.right_servers(end).iter().map(|n| n.name()).collect(),
        };
        words.join(" or ")
    }
}

/// The built-in tour's chapters, in reading order, by id. The chapters are lesson files,
/// `lessons/<id>.txt` (and `lessons/<lang>/<id>.txt` in other languages). The page fetches a
/// chapter's file when it is first opened (from the site, like a teacher's lesson), so the
/// tour's text costs the page's bundle nothing; native builds (tests, tools) have the English
/// files compiled in ([`BUILT_IN`]). The menu names them from the catalogue (`tour.<id>`); a test
/// checks those are the files' own titles, in every language.
pub const TOUR: [&str; 10] = [
    "consensus",
    "roles",
    "election",
    "reelection",
    "split-vote",
    "replication",
    "partition",
    "membership",
    "compaction",
    "reads",
];

/// Where the page finds a built-in chapter's lesson file, relative to itself.
pub fn tour_file(id: &str) -> String {
    format!("lessons/{id}.txt")
}

/// The built-in tour's lesson files, in the order of [`TOUR`] (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub const BUILT_IN: [&str; 10] = [
    include_str!("../../../lessons/consensus.txt"),
    include_str!("../../../lessons/roles.txt"),
    include_str!("../../../lessons/election.txt"),
    include_str!("../../../lessons/reelection.txt"),
    include_str!("../../../lessons/split-vote.txt"),
    include_str!("../../../lessons/replication.txt"),
    include_str!("../../../lessons/partition.txt"),
    include_str!("../../../lessons/membership.txt"),
    include_str!("../../../lessons/compaction.txt"),
    include_str!("../../../lessons/reads.txt"),
];

/// The built-in chapters this build has without fetching anything: all of them natively (read
/// from [`BUILT_IN`]; they are tested, so a chapter that failed to read would be a bug here, and
/// it is left out rather than taking a page down), none in the browser.
pub fn compiled_in() -> Vec<Chapter> {
    #[cfg(not(target_arch = "wasm32"))]
    return BUILT_IN
        .iter()
        .filter_map(|text| parse(text).ok())
        .collect();
    #[cfg(target_arch = "wasm32")]
    Vec::new()
}
