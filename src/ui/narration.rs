//! Narration for screen readers: what matters in the cluster, said in words in a polite live
//! region (`data-testid="narration"`), at most one announcement every [`QUIET_MS`] of real time
//! so that a fast run does not flood the reader.
//!
//! The sentences are the event list's own (the catalogue's `event.*`), for the events a listener
//! needs to follow the story: elections started and won, a leader's commits, clients' answers, the
//! user's actions (a partition, a stop), configuration changes, a leader stepping down, and
//! violations. Messages, timers and followers' commits are left out: they are the detail the
//! ring and the lists show.

use crate::i18n::{fill, Catalogue};
use crate::raft::{NodeEvent, Role};
use crate::sim::why::{Rule, Why};
use crate::sim::{TraceEvent, TraceKind, World};

/// Real milliseconds between two announcements while the clock runs.
pub const QUIET_MS: f64 = 2000.0;
/// Sentences in one announcement; the rest wait for the next one.
const MOST: usize = 3;
/// Sentences kept waiting at most: beyond it the oldest minor ones (see [`MINOR`]) go first, so
/// that at high speed a leader, an action or a violation is still said.
const KEPT: usize = 6;

/// The events narrated, by their sentence's key.
const NARRATED: [&str; 12] = [
    "event.election",
    "event.pre-vote",
    "event.role-leader",
    "event.committed",
    "event.lost-quorum",
    "event.left-cluster",
    "event.config-committed",
    "event.transfer-started",
    "event.client-completed",
    "event.client-gave-up",
    "event.action",
    "event.violation",
];

/// The narrated events that are dropped first when too much waits to be said.
const MINOR: [&str; 4] = [
    "event.election",
    "event.pre-vote",
    "event.committed",
    "event.client-completed",
];

/// Whether an event is one the narration says: a commit only when a leader counts it (a
/// follower's commit repeats what its leader already said); of the servers becoming followers,
/// only a leader stepping down (a candidate giving up is the detail of an election).
fn narrated(event: &TraceEvent, why: &Why) -> bool {
    let leader_steps_down = matches!(
        event.kind,
        TraceKind::Node {
            event: NodeEvent::RoleChanged {
                from: Role::Leader,
                ..
            },
            ..
        }
    );
    (NARRATED.contains(&why.said) && why.rule != Rule::CommitFollower) || leader_steps_down
}

/// The live region's state: what it says, what waits to be said, and how far the trace was read.
#[derive(Debug, Default)]
pub struct Narrator {
    /// The sequence number of the next trace event to read; `None` until the first look, so a
    /// page that opens in the middle of a run (a tour step, a share link) does not recite the past.
    next: Option<u64>,
    /// Sentences waiting, oldest first, each marked if minor (see [`MINOR`]).
    waiting: Vec<(bool, String)>,
    /// When (real ms) the region last changed.
    said_at: f64,
    /// What the region says now.
    text: String,
    /// Turned off by the reader: the trace is still read, nothing is said.
    muted: bool,
}

impl Narrator {
    /// What the live region says.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the reader turned the narration off.
    pub fn muted(&self) -> bool {
        self.muted
    }

    /// Says `sentence` at once and is then `muted` or not: turning the narration off or on says
    /// so itself.
    pub fn announce(&mut self, sentence: String, now_ms: f64, muted: bool) {
        self.waiting.clear();
        self.text = sentence;
        self.said_at = now_ms;
        self.muted = muted;
    }

    /// Reads the trace events since the last look and, if the region has been quiet long enough
    /// (or the clock is paused: then the user sets the pace), says what waits. Returns whether
    /// the text changed. Going back in time (a seek, a step back) says nothing and starts again
    /// from there.
    pub fn follow(
        &mut self,
        world: &World,
        words: Option<&Catalogue>,
        playing: bool,
        now_ms: f64,
    ) -> bool {
        let trace = world.trace();
        let end = trace.last().map_or(0, |e| e.seq + 1);
        // Until the words come nothing can be said: the events wait (they stay in the trace).
        // The first look still marks where the story starts, even before the words: a page
        // whose catalogue comes late must still say the election it saw happen meanwhile.
        let Some(words) = words else {
            self.next.get_or_insert(end);
            return false;
        };
        let first = match self.next.replace(end) {
            Some(next) if next <= end => trace.partition_point(|e| e.seq < next),
            _ => {
                self.waiting.clear();
                return false;
            }
        };
        for (i, event) in trace.iter().enumerate().skip(first) {
            // Messages and timers are never said: no need to explain them.
            if matches!(
                event.kind,
                TraceKind::MessageSent { .. }
                    | TraceKind::MessageDelivered { .. }
                    | TraceKind::MessageDropped { .. }
                    | TraceKind::TimerFired { .. }
            ) {
                continue;
            }
            let Some(why) = world.why(i).filter(|why| narrated(event, why)) else {
                continue;
            };
            // The sentence with its phrases (an action, a violation) in the reader's words.
            if let Some(text) = why.sentence(why.said, words) {
                let minor = MINOR.contains(&why.said);
                self.waiting.push((minor, text));
            }
        }
        if self.muted {
            self.waiting.clear();
            return false;
        }
        while self.waiting.len() > KEPT {
            // Too much to say: the oldest minor sentence goes first (campaigns, commits and
            // answers are soon out of date), so a leader, an action or a violation is still said.
            let minor = self.waiting.iter().position(|(minor, _)| *minor);
            self.waiting.remove(minor.unwrap_or(0));
        }
        if self.waiting.is_empty() || (playing && now_ms - self.said_at < QUIET_MS) {
            return false;
        }
        let sentence = words.get("ui.narrate-sentence").unwrap_or("{text}.");
        let said = self.waiting.len().min(MOST);
        self.text.clear();
        for (_, text) in self.waiting.drain(..said) {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            let mut said = fill(sentence, &[("text", text)]);
            // A sentence starts with a capital (the event list's phrases start small). The
            // catalogues' event phrases start with an ASCII letter or a server's name, so ASCII
            // is enough: Unicode's case tables would cost the bundle kilobytes.
            if let Some(first) = said.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            self.text += &said;
        }
        self.said_at = now_ms;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Action, World};

    fn world() -> World {
        let config = crate::sim::Config {
            cluster_size: 3,
            ..crate::sim::Config::default()
        };
        World::new(config).expect("a valid configuration")
    }

    #[test]
    fn a_page_opened_mid_run_starts_quiet_then_says_the_election() {
        let words = crate::i18n::english();
        let mut world = world();
        world.advance_to(2_000_000);
        let mut narrator = Narrator::default();
        assert!(!narrator.follow(&world, Some(&words), true, 0.0));
        assert_eq!(narrator.text(), "");
        let leader = world.leader().expect("a leader by 2 s");
        world.apply(Action::Stop(leader)).expect("stops");
        world.advance_to(world.now() + 2_000_000);
        assert!(narrator.follow(&world, Some(&words), true, 5_000.0));
        let said = narrator.text().to_string();
        assert!(said.contains(" was stopped."), "{said}");
        assert!(said.matches('.').count() <= MOST, "{said}");
    }

    #[test]
    fn while_playing_it_waits_its_turn_and_paused_it_speaks_at_once() {
        let words = crate::i18n::english();
        let mut world = world();
        let mut narrator = Narrator::default();
        narrator.follow(&world, Some(&words), true, 0.0);
        world.advance_to(3_000_000);
        assert!(narrator.follow(&world, Some(&words), true, 3_000.0));
        let first = narrator.text().to_string();
        assert!(first.contains("became leader"), "{first}");
        world.apply(Action::Heal).expect("heals");
        assert!(
            !narrator.follow(&world, Some(&words), true, 3_500.0),
            "too soon"
        );
        assert_eq!(narrator.text(), first);
        assert!(
            narrator.follow(&world, Some(&words), false, 3_600.0),
            "paused"
        );
        // Each sentence starts with a capital, though the event list's phrase does not.
        assert!(
            narrator.text().contains("The network was healed."),
            "{}",
            narrator.text()
        );
    }

    #[test]
    fn words_that_come_late_still_say_what_happened_meanwhile() {
        let words = crate::i18n::english();
        let mut world = world();
        let mut narrator = Narrator::default();
        assert!(!narrator.follow(&world, None, true, 0.0));
        world.advance_to(3_000_000);
        assert!(!narrator.follow(&world, None, true, 3_000.0));
        assert!(narrator.follow(&world, Some(&words), true, 3_100.0));
        assert!(
            narrator.text().contains("became leader"),
            "{}",
            narrator.text()
        );
    }

    #[test]
    fn going_back_in_time_says_nothing() {
        let words = crate::i18n::english();
        let mut world = world();
        let mut narrator = Narrator::default();
        narrator.follow(&world, Some(&words), false, 0.0);
        world.advance_to(3_000_000);
        let earlier = world.clone();
        world.advance_to(6_000_000);
        narrator.follow(&world, Some(&words), false, 1.0);
        let said = narrator.text().to_string();
        assert!(!narrator.follow(&earlier, Some(&words), false, 2.0));
        assert_eq!(narrator.text(), said);
    }
}
