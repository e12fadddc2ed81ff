//! The sandbox's state and everything a gesture can do to it, as plain Rust.
//!
//! The components only read a [`Sandbox`] and send it [`UiCommand`]s. Keeping this free of web
//! types means the whole interaction logic (play, step, speed, selection, partitions, error
//! messages) is tested natively.

use crate::decimal::short;
use crate::i18n::Catalogue;
use crate::raft::{ClientId, Command, Member, NodeId};
use crate::scenario::lesson::{self, record, Answer, Choice, Given, Question, Right, RightServer};
use crate::scenario::tour::{self, StepStatus, TourRunner};
use crate::scenario::{presets, share};
use crate::sim::config::{OptionChange, Replication, SafetySwitch};
use crate::sim::history::History;
use crate::sim::timeline::Timeline;
use crate::sim::{Action, Config, MessageId, Value, Words, World};
use std::fmt::Display;
use std::sync::Arc;

use super::engine::{new_timeline, timeline_options, Engine, Reply, TourStep};
use super::params::{same_site_path, shorten, Notice, Params, MAX_SPEED, MAX_UI_NODES, MIN_SPEED};
use super::script::Script;
use super::spacetime::{SpacetimeCommand, SpacetimeView};

/// The longest real time one animation frame may advance the simulation by. After the tab was in
/// the background the browser reports a huge gap; jumping minutes ahead would lose the story.
const MAX_FRAME_MS: f64 = 100.0;

/// The number of groups a partition can be drawn with in the partition editor.
pub const PARTITION_GROUPS: u8 = 3;

/// What the inspector shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A server, by id.
    Node(NodeId),
    /// A message in flight, by id.
    Message(MessageId),
    /// A client, by id.
    Client(ClientId),
}

/// Everything a person can ask the sandbox to do.
#[derive(Clone, Debug, PartialEq)]
pub enum UiCommand {
    /// Start or pause the clock.
    TogglePlay,
    /// Pause and process exactly the next event.
    StepEvent,
    /// Set the playback speed (virtual time per real time).
    SetSpeed(f64),
    /// Show something in the inspector, or nothing.
    Select(Option<Selection>),
    /// Stop, restart or time out the selected node (the action names which).
    NodeAction(NodeVerb),
    /// Send a typed command (`SET 5`) from the chosen client to the selected node, or to the
    /// leader when no node is selected.
    Submit(String),
    /// Send client commands to this server from now on, or (`None`) to the leader, found the
    /// way a client finds it.
    SendTo(Option<NodeId>),
    /// Choose which client sends the next command.
    ChooseClient(ClientId),
    /// Apply a world action directly (a link click, dropping a message).
    Act(Action),
    /// Cut the link between two nodes if it is up, restore it if it is cut.
    ToggleLink(NodeId, NodeId),
    /// Open the partition editor with every node in group 0.
    EditPartition,
    /// Move a node to the next group in the partition editor.
    CycleGroup(NodeId),
    /// Apply the partition drawn in the editor.
    ApplyPartition,
    /// Close the partition editor without applying.
    CancelPartition,
    /// Remove every partition and cut link.
    Heal,
    /// Start over with a new cluster size and seed (other settings kept).
    Reset {
        /// Number of nodes.
        nodes: u8,
        /// Seed.
        seed: u64,
    },
    /// Change an option of the running world.
    SetOption(OptionChange),
    /// Show a message in the banner (bad input caught by a form field), already in words.
    Notice(String),
    /// Show a message in the banner, put in the catalogue's words when it is shown.
    Notify(Notice),
    /// Dismiss the message banner.
    DismissNotices,
    /// Show or hide the keyboard help.
    ToggleHelp,
    /// Show or hide the cluster as a table of text.
    ToggleTextView,
    /// Turn the screen-reader narration (the live region) off or back on.
    ToggleNarration,
    /// Show or hide individual message sends and deliveries in the event list.
    ToggleMessageEvents,
    /// Have the clients send `ADD 1` every so many virtual microseconds while playing, or stop.
    SetAutoClient(Option<u64>),
    /// Open the guided tour at a chapter (by slug) and step (from 0).
    StartTour {
        /// The chapter's slug.
        chapter: String,
        /// The step, from 0.
        step: usize,
    },
    /// Go to the tour's next step (finishing the current one at once if it is still running).
    TourNext,
    /// Go back one tour step.
    TourBack,
    /// Start the current chapter again.
    TourRestart,
    /// Leave the tour and keep playing with the cluster exactly as it is.
    TryItYourself,
    /// Answer the tour step's question; the step then runs and shows whether it was right.
    Answer(Given),
    /// Fetch a teacher's lesson file from the site (`?lesson=`, or the embed API's `load`) and
    /// open it at a step (from 0).
    LoadLesson {
        /// The file, relative to the page.
        path: String,
        /// The step, from 0.
        step: usize,
    },
    /// Open or close the lesson recorder.
    ToggleRecorder,
    /// The recorded lesson's title.
    RecorderTitle(String),
    /// An edit of one recorded step (counted from 0).
    RecorderEdit {
        /// The step.
        step: usize,
        /// What is edited.
        field: RecorderField,
        /// The new text.
        value: String,
    },
    /// Play the recorded lesson as a student will (it stops following the run: see
    /// [`Recorder`]).
    RecorderPreview,
    /// Open a lesson file in the recorder to edit its words.
    RecorderOpenFile(String),
    /// Open the lesson file the page fetched for a [`LessonRequest`] (checked first; a broken
    /// lesson is reported with its line and leaves the page as it was).
    OpenLesson {
        /// What was asked for.
        request: LessonRequest,
        /// The file's text.
        text: String,
    },
    /// Play a preset scenario (by slug), with its safety switch on (`broken`) or off.
    LoadPreset {
        /// The preset's slug.
        slug: String,
        /// Whether its rule is broken.
        broken: bool,
    },
    /// Stop following a preset's script.
    ClosePreset,
    /// Pause and undo the last event (time travel).
    StepBack,
    /// Pause and go to virtual time `t` of the recorded run (scrubbing).
    SeekTime(u64),
    /// Go to the live end of the recorded run.
    SeekToEnd,
    /// Replace the run by one imported from a JSON file's text.
    ImportRun(String),
    /// Zoom, pan, fold or select in the space-time diagram.
    Spacetime(SpacetimeCommand),
    /// The words catalogue's text, fetched from the site (or why it could not be).
    Words(Result<String, String>),
}

impl UiCommand {
    /// Whether the command acts on the cluster (rather than on how it is watched).
    pub fn changes_world(&self) -> bool {
        matches!(
            self,
            UiCommand::NodeAction(_)
                | UiCommand::Submit(_)
                | UiCommand::Act(_)
                | UiCommand::ToggleLink(..)
                | UiCommand::EditPartition
                | UiCommand::ApplyPartition
                | UiCommand::Heal
                | UiCommand::SetOption(_)
                | UiCommand::SetAutoClient(_)
        )
    }
}

/// What can be done to one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeVerb {
    /// Crash it.
    Stop,
    /// Start it again from its persistent state.
    Restart,
    /// Make its election timer run out now.
    Timeout,
    /// Have the leader hand its leadership to it (thesis §3.10).
    TakeOver,
    /// Have the leader remove it from the cluster (§6), or add it back if it is out.
    Membership,
}

/// The sandbox: the world plus how it is being watched.
#[derive(Clone, Debug)]
pub struct Sandbox {
    engine: Engine,
    playing: bool,
    speed: f64,
    selection: Option<Selection>,
    /// Messages for the banner, kept as catalogue keys and values until shown.
    notices: Vec<Notice>,
    /// The group of each node while the partition editor is open.
    partition_draft: Option<Vec<u8>>,
    client: ClientId,
    /// The server the student chose for client commands; `None` sends them to the leader.
    send_to: Option<NodeId>,
    help_open: bool,
    /// The cluster-as-text dialog is open.
    text_view_open: bool,
    /// The live region narrates (on until the reader turns it off).
    narrating: bool,
    show_message_events: bool,
    /// Virtual microseconds owed from earlier frames: at slow speeds one frame is worth less than
    /// a microsecond, and dropping the fraction would freeze the clock.
    carry_us: f64,
    /// How many invariant violations the last frame saw, to pause when a new one appears.
    violations_seen: usize,
    /// The automatic client load: its period and the virtual time of its next command.
    auto_client: Option<AutoClient>,
    /// A preset being played.
    script: Option<Script>,
    /// Notices raised so far, counting those no longer shown, so that a caller can tell which
    /// ones one command raised.
    notices_raised: u64,
    /// How many times the shown world jumped rather than ran on: a new run, a tour step rebuilt,
    /// a seek. The embed API reports only what happens live, and a jump is not live.
    jumps: u64,
    /// Answers to tour questions not yet reported to the embedding page.
    answers: Vec<Answered>,
    /// The built-in chapters read so far (all of them natively; fetched one by one by the page).
    library: Vec<Arc<tour::Chapter>>,
    /// A lesson file the page should fetch next.
    lesson_request: Option<LessonRequest>,
    /// The lesson file asked for last and not yet opened: only its text is opened when it
    /// comes (a slower, older fetch, or one the reader moved on from, is dropped).
    awaited: Option<LessonRequest>,
    /// The lesson recorder, when open.
    recorder: Option<Recorder>,
    /// The run's history, for the space-time diagram.
    history: History,
    /// How the space-time diagram is looked at.
    spacetime: SpacetimeView,
    /// Whether the history was rebuilt by replay since it last had a gap (once is enough).
    history_rebuilt: bool,
    /// The words catalogue, once read (native builds have it from the start).
    words: Option<Catalogue>,
    /// Whether the page should fetch the catalogue (once, as it starts).
    words_request: bool,
    /// Whether fetching the catalogue failed: notices are then shown without it.
    words_failed: bool,
    /// The catalogue again, shared with the studio's own components (the lesson recorder, the
    /// Embed dialog), which take it as a prop: each frame compares a pointer rather than
    /// copying the words.
    #[cfg(feature = "studio")]
    shared_words: Option<std::rc::Rc<Catalogue>>,
}

/// A steady client load, so people (and the frame-time benchmark) can watch replication under
/// traffic without typing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutoClient {
    /// Virtual microseconds between commands.
    pub period_us: u64,
    /// When the next command is due.
    next_at: u64,
    /// Commands sent so far; the clients take turns by it.
    sent: u64,
}

/// A lesson file the page should fetch: a built-in tour chapter the first time it is opened, or
/// the teacher's lesson named by `?lesson=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonRequest {
    /// The file, relative to the page.
    pub path: String,
    /// The built-in chapter it holds (its id), or `None` for a teacher's lesson.
    pub tour_id: Option<String>,
    /// The step to open, from 0; [`LAST_STEP`] for the chapter's last.
    pub step: usize,
}

/// The lesson recorder: the sandbox's run drafted as a lesson ([`record::draft`]), with the
/// teacher's title, captions and questions. Once previewed (or when a lesson file is opened) the
/// lesson stands on its own, so that playing with the preview does not change it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorder {
    /// The lesson's title.
    pub title: String,
    /// The teacher's words, by step.
    pub edits: Vec<StepEdit>,
    /// The lesson, once it no longer follows the run.
    pub lesson: Option<tour::Chapter>,
}

/// The teacher's words for one recorded step; empty fields keep the draft's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepEdit {
    /// What the step did when the words were written ([`step_signature`]): if the run changes
    /// under them (a seek back and another action), they no longer apply to that step.
    pub signature: String,
    /// The caption.
    pub caption: String,
    /// A question asked before the step (none if empty).
    pub question: String,
    /// Which answer is right: `leader` (click the server that leads when the step ends), `yes`
    /// or `no`.
    pub answer: String,
    /// Why, shown after the answer.
    pub explain: String,
    /// What the step waits for instead of the recorded time, as after `until` (`leader elected`);
    /// empty keeps the recorded wait, which replays the run exactly.
    pub until: String,
}

/// The part of a recorded step an edit changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecorderField {
    /// Its caption.
    Caption,
    /// Its question.
    Question,
    /// Its question's right answer (`leader`, `yes` or `no`).
    Answer,
    /// Its question's explanation.
    Explain,
    /// What it waits for.
    Until,
}

/// A question answered, for the embedding page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    /// The lesson's (or tour chapter's) id.
    pub lesson: String,
    /// The step, from 0.
    pub step: usize,
    /// Whether the answer was right.
    pub right: bool,
}

/// What a lesson carried by the link is called in messages (it has no file).
const INLINE_SOURCE: &str = "in this link";

/// A step number that opens a chapter at its last step, whatever its length (Back from the
/// first step of a chapter goes there in the chapter before).
pub const LAST_STEP: usize = usize::MAX;

/// The shortest period the automatic client accepts: faster would only queue commands.
pub const MIN_AUTO_PERIOD_US: u64 = 10_000;

/// In the sandbox each server snapshots every this many applied entries, so that compaction
/// (§7) happens within a minute of play; the tour and the presets keep it off unless a chapter
/// is about it, so their logs read like the paper's figures.
pub const SANDBOX_SNAPSHOT_THRESHOLD: u64 = 10;

/// The configuration the sandbox starts from for the given URL parameters.
pub fn config_for(params: &Params) -> Config {
    Config {
        seed: params.seed,
        cluster_size: u8::try_from(params.nodes).unwrap_or(5),
        snapshot_threshold: SANDBOX_SNAPSHOT_THRESHOLD,
        ..Config::default()
    }
}

impl Sandbox {
    /// A sandbox for the URL's parameters, paused at time zero. Problems found while reading the
    /// URL are shown as notices.
    pub fn new(params: &Params, notices: Vec<Notice>) -> Sandbox {
        // URL parameters are validated before they get here; the fallback is the default
        // configuration, which a core unit test proves valid.
        let timeline = new_timeline(config_for(params))
            .or_else(|_| new_timeline(Config::default()))
            // Not `expect`: printing the error would bring ConfigError's Debug formatting into
            // the wasm bundle for a case that cannot happen.
            .unwrap_or_else(|_| panic!("the default configuration is valid"));
        let mut sandbox = Sandbox {
            engine: Engine::Timeline(Box::new(timeline)),
            playing: params.autoplay,
            speed: params.speed.clamp(MIN_SPEED, MAX_SPEED),
            selection: None,
            notices,
            partition_draft: None,
            client: ClientId(0),
            send_to: None,
            help_open: false,
            text_view_open: false,
            narrating: true,
            show_message_events: false,
            carry_us: 0.0,
            violations_seen: 0,
            auto_client: None,
            script: None,
            notices_raised: 0,
            jumps: 0,
            answers: Vec::new(),
            library: tour::chapters().to_vec(),
            lesson_request: None,
            awaited: None,
            recorder: None,
            history: History::default(),
            spacetime: SpacetimeView::default(),
            history_rebuilt: false,
            #[cfg(not(target_arch = "wasm32"))]
            words: Some(crate::i18n::english()),
            // The page's words are asked for at once: the legend, the help and the safety
            // monitor's statements are among them.
            #[cfg(target_arch = "wasm32")]
            words: None,
            words_request: cfg!(target_arch = "wasm32"),
            words_failed: false,
            #[cfg(feature = "studio")]
            shared_words: None,
        };
        // The lesson studio opens with its recorder (its title is the catalogue's default one,
        // given when the words come on the page).
        #[cfg(feature = "studio")]
        {
            sandbox.shared_words = sandbox.words.clone().map(std::rc::Rc::new);
            sandbox.recorder = Some(Recorder {
                title: sandbox.default_title(),
                ..Recorder::default()
            });
        }
        if let Some(code) = &params.run {
            sandbox.open_shared_run(code, params.at);
        } else if let Some(slug) = &params.tour {
            let step = params.step.map(|s| s.saturating_sub(1)).unwrap_or(0);
            sandbox.start_tour(slug, step);
        } else if let Some(slug) = &params.scenario {
            sandbox.load_preset(slug, true);
        } else if let Some(lesson) = &params.lesson {
            let step = params.step.map_or(0, |s| s.saturating_sub(1));
            match lesson.strip_prefix(lesson::link::INLINE_PREFIX) {
                // The link carries the lesson: open it now.
                Some(code) => match lesson::link::decode(code) {
                    Some(text) => sandbox.open_lesson(
                        LessonRequest {
                            path: INLINE_SOURCE.to_string(),
                            tour_id: None,
                            step,
                        },
                        &text,
                    ),
                    None => sandbox.say("notice.link-lesson-damaged", &[]),
                },
                // The page fetches the lesson; the cluster waits for it.
                None => {
                    sandbox.request_lesson(LessonRequest {
                        path: lesson.clone(),
                        tour_id: None,
                        step,
                    });
                }
            }
        }
        sandbox
    }

    /// How many times the world shown jumped (a new run, a rebuilt tour step, a seek) instead
    /// of running on. What the trace holds after a jump is history, not news.
    pub fn jumps(&self) -> u64 {
        self.jumps
    }

    /// Handles `command` like [`Sandbox::handle`] and returns the notices it raised: the reasons
    /// it was refused, or could not be carried out in full. The embed API sends them to the
    /// host page, which cannot see the banner (and which gets them plainly if the words have
    /// not come yet).
    pub fn handle_reporting(&mut self, command: UiCommand) -> Vec<String> {
        let before = self.notices_raised;
        self.handle(command);
        let raised = usize::try_from(self.notices_raised - before).unwrap_or(usize::MAX);
        let shown = self.notices.len();
        self.notices[shown - raised.min(shown)..]
            .iter()
            .map(|n| match self.words() {
                Some(words) => n.in_words(words),
                None => n.plain(),
            })
            .collect()
    }

    /// The world, read-only.
    pub fn world(&self) -> &World {
        self.engine.world()
    }
    /// The sandbox's timeline (absent during the tour).
    pub fn timeline(&self) -> Option<&Timeline> {
        self.engine.timeline()
    }
    /// Whether the clock is running.
    pub fn is_playing(&self) -> bool {
        self.playing
    }
    /// Virtual time per real time.
    pub fn speed(&self) -> f64 {
        self.speed
    }
    /// What the inspector shows.
    pub fn selection(&self) -> Option<Selection> {
        self.selection
    }
    /// The selected node, if a node is selected.
    pub fn selected_node(&self) -> Option<NodeId> {
        match self.selection {
            Some(Selection::Node(n)) => Some(n),
            _ => None,
        }
    }
    /// Messages for the banner: refused actions, bad input, URL problems, in the catalogue's
    /// words. None shows until the words have come (a moment after the page starts), unless
    /// they could not be loaded: then each is given plainly.
    pub fn notices(&self) -> Vec<String> {
        match (self.words(), self.words_failed) {
            (Some(words), _) => self.notices.iter().map(|n| n.in_words(words)).collect(),
            (None, true) => self.notices.iter().map(Notice::plain).collect(),
            (None, false) => Vec::new(),
        }
    }
    /// The partition being drawn, one group number per node, if the editor is open.
    pub fn partition_draft(&self) -> Option<&[u8]> {
        self.partition_draft.as_deref()
    }
    /// The client that sends the next command.
    pub fn client(&self) -> ClientId {
        self.client
    }
    /// Whether the keyboard help is open.
    pub fn help_open(&self) -> bool {
        self.help_open
    }
    /// Whether the cluster-as-text dialog is open.
    pub fn text_view_open(&self) -> bool {
        self.text_view_open
    }
    /// Whether the live region narrates.
    pub fn narrating(&self) -> bool {
        self.narrating
    }
    /// Whether the event list shows every message.
    pub fn show_message_events(&self) -> bool {
        self.show_message_events
    }

    /// The automatic client load, if on.
    pub fn auto_client(&self) -> Option<AutoClient> {
        self.auto_client
    }

    /// The guided tour's current step, if the tour is running.
    pub fn tour(&self) -> Option<&TourRunner> {
        self.engine.tour().map(|t| &t.runner)
    }
    /// The tour's current step with its world and the reader's answer, if the tour is running.
    pub fn tour_step(&self) -> Option<&TourStep> {
        self.engine.tour()
    }
    /// Whether the tour's current step waits for the reader to answer its question.
    pub fn tour_awaits_answer(&self) -> bool {
        self.engine.tour().is_some_and(TourStep::awaits_answer)
    }
    /// Whether the tour's current step has finished.
    pub fn tour_status(&self) -> StepStatus {
        self.engine
            .tour()
            .map(|t| t.status)
            .unwrap_or(StepStatus::Running)
    }
    /// The preset being played, if any.
    pub fn script(&self) -> Option<&Script> {
        self.script.as_ref()
    }

    /// Advances the clock by `elapsed_ms` of real time scaled by the speed, if playing.
    pub fn frame(&mut self, elapsed_ms: f64) {
        if !self.playing || !elapsed_ms.is_finite() || elapsed_ms <= 0.0 {
            return;
        }
        let virtual_us = elapsed_ms.min(MAX_FRAME_MS) * 1000.0 * self.speed + self.carry_us;
        let whole_us = virtual_us.floor();
        self.carry_us = virtual_us - whole_us;
        let target = self.world().now().saturating_add(whole_us as u64);
        self.run_to(target);
        // A finished tour step freezes the world: the clock has stopped, and the play button
        // should say so.
        if self.tour_step_finished() {
            self.playing = false;
        }
    }

    /// Whether the page should fetch the words catalogue now (asked once).
    pub fn take_words_request(&mut self) -> bool {
        std::mem::take(&mut self.words_request)
    }

    /// The words catalogue, once it has come.
    pub fn words(&self) -> Option<&Catalogue> {
        self.words.as_ref()
    }

    /// The catalogue for the studio's own components (see `shared_words`).
    #[cfg(feature = "studio")]
    pub fn shared_words(&self) -> Option<std::rc::Rc<Catalogue>> {
        self.shared_words.clone()
    }

    /// The studio's words have come: its components get them, and the recorder a title in
    /// them if it has none yet.
    #[cfg(feature = "studio")]
    fn studio_words(&mut self, words: &Catalogue) {
        self.shared_words = Some(std::rc::Rc::new(words.clone()));
        let title = super::say(Some(words), "rec.default-title");
        if let Some(recorder) = self.recorder.as_mut().filter(|r| r.title.is_empty()) {
            recorder.title = title;
        }
    }

    /// A recorded lesson's title until the teacher gives one ("My lesson" in English), or
    /// nothing until the words have come.
    fn default_title(&self) -> String {
        super::say(self.words(), "rec.default-title")
    }

    /// Brings the run's history up to the world on screen (the page calls it before drawing).
    pub fn sync_history(&mut self) {
        self.history.sync(self.engine.world());
        // A world that jumped (a share link opened at a late moment, the tour handed over) kept
        // only its recent events: the history is rebuilt once by replaying the recorded run.
        if !self.history.gaps().is_empty() && !self.history_rebuilt {
            self.history_rebuilt = true;
            // Replaying costs what the run cost; past half a million events (minutes of a big
            // cluster) the page would stall, so the history starts where the world kept it.
            if let Some(t) = self.engine.timeline().filter(|t| t.end_event() <= 500_000) {
                let end = t.end_time().max(t.world().now());
                if let Some(h) = History::replayed(t.initial_config(), t.recorded_actions(), end) {
                    self.history = h;
                    self.history.sync(self.engine.world());
                }
            }
        }
        if self.history.gaps().is_empty() {
            self.history_rebuilt = false;
        }
    }

    /// The run's history, as of the last [`Sandbox::sync_history`].
    pub fn history(&self) -> &History {
        &self.history
    }

    /// How the space-time diagram is looked at.
    pub fn spacetime(&self) -> SpacetimeView {
        self.spacetime
    }

    /// Whether a tour step is open and has finished (or timed out).
    fn tour_step_finished(&self) -> bool {
        self.engine
            .tour()
            .is_some_and(|t| t.status != StepStatus::Running)
    }

    /// Runs the world to `target`, applying whatever is due on the way: the tour step's
    /// condition (which freezes the world the moment it holds, so Next continues from exactly
    /// there), a preset's scripted actions, and the automatic client's commands.
    fn run_to(&mut self, target: u64) {
        // During the tour, and while replaying a recorded past, what happens is already decided:
        // the runner or the timeline applies it. Scripts and the automatic client act only at the
        // live end of a sandbox run.
        let live = self.timeline().is_some_and(|t| t.is_at_end());
        if !live {
            self.engine.advance_to(target);
            self.sync_script();
            self.pause_on_new_violation();
            return;
        }
        loop {
            let script_due = self.script.as_ref().and_then(Script::next_due);
            let auto_due = self.auto_client.map(|a| a.next_at);
            let due = match (script_due, auto_due) {
                (Some(s), Some(a)) => s.min(a),
                (s, a) => s.or(a).unwrap_or(u64::MAX),
            };
            if due > target {
                break;
            }
            self.engine.advance_to(due);
            if script_due == Some(due) {
                self.apply_script_step();
            } else {
                self.auto_submit();
            }
        }
        self.engine.advance_to(target);
        self.pause_on_new_violation();
    }

    fn apply_script_step(&mut self) {
        if let Some(script) = self.script.as_mut() {
            if let Err(refusal) = script.apply_next(&mut self.engine) {
                self.say_words(refusal);
            }
        }
    }

    /// After moving through recorded time, the script's next action is the first one after now.
    fn sync_script(&mut self) {
        let now = self.world().now();
        if let Some(script) = self.script.as_mut() {
            script.skip_to(now);
        }
    }

    /// Pauses and moves one event forward, or to the next scripted action or tour threshold if
    /// that comes first.
    fn step_event(&mut self) {
        self.playing = false;
        self.carry_us = 0.0;
        let next_event = self.world().next_event_time();
        if self.engine.tour().is_some() {
            if self.tour_awaits_answer() {
                self.say("notice.answer-first", &[]);
            } else if self.engine.step().is_none() {
                self.say("notice.step-complete", &[]);
            }
            return;
        }
        let live = self.timeline().is_some_and(|t| t.is_at_end());
        let script_due = self
            .script
            .as_ref()
            .and_then(Script::next_due)
            .filter(|_| live);
        match (script_due, next_event) {
            (Some(s), e) if e.is_none_or(|e| s < e) => {
                self.engine.advance_to(s);
                self.apply_script_step();
            }
            (_, Some(_)) => {
                self.engine.step();
                self.sync_script();
            }
            (_, None) => self.say("notice.nothing-scheduled", &[]),
        }
        self.pause_on_new_violation();
    }

    /// Opens the tour at `chapter`, step `step` (from 0), asking the page to fetch the chapter
    /// first if it has not been read yet. An unknown chapter leaves the sandbox as it is and
    /// says why.
    fn start_tour(&mut self, chapter: &str, step: usize) {
        if let Some(read) = self.library.iter().find(|c| c.slug == chapter) {
            return self.open_chapter(Arc::clone(read), step);
        }
        if lesson::TOUR.contains(&chapter) {
            self.request_lesson(LessonRequest {
                path: lesson::tour_file(chapter),
                tour_id: Some(chapter.to_string()),
                step,
            });
            return;
        }
        let names = lesson::TOUR;
        self.say(
            "notice.no-chapter",
            &[
                ("chapter", &shorten(chapter)),
                ("chapters", &names.join(", ")),
            ],
        );
    }

    /// Asks the page to fetch a lesson file; the text opens when it comes, unless the reader
    /// has moved on by then.
    fn request_lesson(&mut self, request: LessonRequest) {
        // The clock waits with the reader (a fresh page would otherwise run its default cluster
        // until the lesson comes).
        self.playing = false;
        self.awaited = Some(request.clone());
        self.lesson_request = Some(request);
    }

    /// The lesson file the page should fetch, if any (taken: asked for once).
    pub fn take_lesson_request(&mut self) -> Option<LessonRequest> {
        self.lesson_request.take()
    }

    /// Opens a fetched lesson file: a built-in chapter is read (and kept for next time), a
    /// teacher's lesson is read and played through once, so that a broken one is reported with
    /// its line and leaves the page as it was.
    fn open_lesson(&mut self, request: LessonRequest, text: &str) {
        // Fetched files open only if they are the one awaited; the link's own lesson always.
        if request.path != INLINE_SOURCE {
            if self.awaited.as_ref() != Some(&request) {
                return;
            }
            self.awaited = None;
        }
        let read = match &request.tour_id {
            Some(_) => lesson::parse(text),
            None => lesson::load(text),
        };
        match read {
            Ok(chapter)
                if request
                    .tour_id
                    .as_ref()
                    .is_none_or(|id| *id == chapter.slug) =>
            {
                let chapter = Arc::new(chapter);
                if request.tour_id.is_some() {
                    self.library.push(Arc::clone(&chapter));
                }
                self.open_chapter(chapter, request.step);
            }
            Ok(chapter) => self.say(
                "notice.not-the-chapter",
                &[
                    ("path", &shorten(&request.path)),
                    ("lesson", &shorten(&chapter.slug)),
                ],
            ),
            Err(error) => self.say_words(
                Words::new("notice.lesson-unreadable")
                    .with("path", shorten(&request.path))
                    .with("error", error.words()),
            ),
        }
    }

    /// The place of the chapter being played in the built-in tour, if it is one of its chapters
    /// (a teacher's lesson stands alone).
    pub fn tour_position(&self) -> Option<usize> {
        let chapter = self.tour()?.chapter();
        self.library.iter().find(|c| Arc::ptr_eq(c, chapter))?;
        lesson::TOUR.iter().position(|id| *id == chapter.slug)
    }

    /// Opens a chapter (built in, or a teacher's lesson) at step `step` (from 0).
    pub fn open_chapter(&mut self, chapter: Arc<tour::Chapter>, step: usize) {
        // A step past the end opens the chapter at its last step, and says so.
        let last = chapter.steps.len().saturating_sub(1);
        if step > last && step != LAST_STEP {
            self.say(
                "notice.no-such-step",
                &[
                    ("title", &chapter.title.clone()),
                    ("steps", &(last + 1).to_string()),
                    ("step", &(step + 1).to_string()),
                ],
            );
        }
        match TourRunner::start_in(&chapter, step.min(last)) {
            Ok((runner, world)) => {
                self.install(Engine::Tour(Box::new(TourStep::new(runner, world))));
                self.script = None;
                self.auto_client = None;
                self.playing = true;
            }
            Err(error) => {
                self.say_words(Words::new("notice.lesson-failed").with("error", error.words()))
            }
        }
    }

    /// The recorder's commands (the lesson studio only).
    #[cfg(feature = "studio")]
    fn handle_recorder(&mut self, command: UiCommand) {
        match command {
            UiCommand::ToggleRecorder => {
                self.recorder = match self.recorder {
                    Some(_) => None,
                    None => Some(Recorder {
                        title: self.default_title(),
                        ..Recorder::default()
                    }),
                }
            }
            UiCommand::RecorderTitle(title) => {
                if let Some(r) = &mut self.recorder {
                    r.title = title;
                }
            }
            UiCommand::RecorderEdit { step, field, value } => {
                self.edit_recorded(step, field, value)
            }
            UiCommand::RecorderPreview => self.preview_recorded(),
            UiCommand::RecorderOpenFile(text) => match lesson::parse(&text) {
                Ok(chapter) => {
                    self.recorder = Some(Recorder {
                        title: chapter.title.clone(),
                        edits: Vec::new(),
                        lesson: Some(chapter),
                    })
                }
                Err(error) => self.say_words(
                    Words::new("notice.lesson-file-unreadable").with("error", error.words()),
                ),
            },
            _ => {}
        }
    }

    /// The lesson recorder, when open.
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    /// The recorded lesson as it stands: the run drafted into steps (or the lesson that stands
    /// on its own), with the teacher's title and words.
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    pub fn recorded_lesson(&self) -> Option<tour::Chapter> {
        let recorder = self.recorder.as_ref()?;
        let mut chapter = match &recorder.lesson {
            Some(lesson) => lesson.clone(),
            None => {
                let world = self.world();
                record::draft(
                    "",
                    world.initial_config(),
                    &world.actions().to_vec(),
                    world.now(),
                    self.words(),
                )
            }
        };
        chapter.title = recorder.title.trim().to_string();
        if chapter.title.is_empty() {
            chapter.title = self.default_title();
        }
        // The lesson file needs a title, also in the moment before the words come.
        if chapter.title.is_empty() {
            chapter.title = "lesson".to_string();
        }
        chapter.slug = lesson_id(&chapter.title);
        for (step, edit) in chapter.steps.iter_mut().zip(&recorder.edits) {
            if edit.signature == step_signature(step) {
                apply_edit(step, edit, self.words());
            }
        }
        Some(chapter)
    }

    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    fn edit_recorded(&mut self, step: usize, field: RecorderField, value: String) {
        let Some(signature) = self
            .recorded_lesson()
            .and_then(|lesson| lesson.steps.get(step).map(step_signature))
        else {
            return;
        };
        let Some(recorder) = &mut self.recorder else {
            return;
        };
        if recorder.edits.len() <= step {
            recorder.edits.resize(step + 1, StepEdit::default());
        }
        let edit = &mut recorder.edits[step];
        if edit.signature != signature {
            // Words written for another step that used to be here do not carry over.
            *edit = StepEdit {
                signature,
                ..StepEdit::default()
            };
        }
        *match field {
            RecorderField::Caption => &mut edit.caption,
            RecorderField::Question => &mut edit.question,
            RecorderField::Answer => &mut edit.answer,
            RecorderField::Explain => &mut edit.explain,
            RecorderField::Until => &mut edit.until,
        } = value;
    }

    /// Opens the recorded lesson in the tour, read back from its file (so the preview is what a
    /// student gets), and fixes the lesson so that it no longer follows the run.
    #[cfg_attr(not(feature = "studio"), allow(dead_code))]
    fn preview_recorded(&mut self) {
        let Some(chapter) = self.recorded_lesson() else {
            return;
        };
        // As a student's page will: read from the file and played through once.
        match lesson::load(&lesson::write(&chapter)) {
            Ok(read) => {
                let world = self.world();
                let (config, actions, end) = (world.initial_config(), world.actions(), world.now());
                // (A stop the teacher chose changes the lesson's times knowingly.)
                let follows_run = self.recorder.as_ref().is_some_and(|r| {
                    r.lesson.is_none() && r.edits.iter().all(|e| e.until.trim().is_empty())
                });
                if follows_run && !record::replays(&read, config, &actions.to_vec(), end) {
                    self.say("notice.lesson-not-exact", &[]);
                }
                if let Some(recorder) = &mut self.recorder {
                    recorder.lesson = Some(chapter);
                    recorder.edits.clear();
                }
                self.open_chapter(Arc::new(read), 0);
            }
            Err(error) => {
                self.say_words(Words::new("notice.no-preview").with("error", error.words()))
            }
        }
    }

    /// The id of the built-in chapter `offset` places after the one being played (none for a
    /// teacher's lesson).
    fn neighbour_chapter(&self, offset: isize) -> Option<&'static str> {
        let position = self.tour_position()?;
        let id = lesson::TOUR.get(position.checked_add_signed(offset)?)?;
        Some(id)
    }

    /// Whether the tour step waits for the reader to click a server.
    fn awaits_server_answer(&self) -> bool {
        self.engine.tour().is_some_and(|t| {
            t.awaits_answer()
                && matches!(
                    t.runner.step().question.as_ref().map(|q| &q.answer),
                    Some(Answer::Server(_))
                )
        })
    }

    /// Takes the reader's answer to the step's question, judges it on the world at the end of
    /// the step (a copy run ahead; the run is deterministic, so it is the world the reader is
    /// about to watch), and lets the step run.
    fn answer(&mut self, given: Given) {
        let Engine::Tour(step) = &mut self.engine else {
            return;
        };
        let Some(question) = step.runner.step().question.as_ref() else {
            return;
        };
        let valid = match (&question.answer, given) {
            (Answer::Choices(choices), Given::Choice(i)) => i < choices.len(),
            (Answer::Server(_), Given::Server(node)) => step.world.node(node).is_some(),
            _ => false,
        };
        if !step.awaits_answer() || !valid {
            return;
        }
        let mut end = step.world.clone();
        step.runner.finish(&mut end);
        let right = question.is_right(given, &end, step.runner.entered_at());
        step.answer = Some(Reply::Given(given, right));
        self.answers.push(Answered {
            lesson: step.runner.chapter().slug.clone(),
            step: step.runner.step_index(),
            right,
        });
        self.playing = true;
    }

    /// The answers given since the last call, for the embedding page's events.
    pub fn take_answers(&mut self) -> Vec<Answered> {
        std::mem::take(&mut self.answers)
    }

    fn tour_next(&mut self) {
        let Engine::Tour(step) = &mut self.engine else {
            self.say("notice.not-in-tour", &[]);
            return;
        };
        // Next on an open question skips it: the step runs and shows the answer.
        if step.awaits_answer() {
            step.answer = Some(Reply::Skipped);
            self.playing = true;
            return;
        }
        let runner = step.runner.clone();
        match runner.next(&mut step.world) {
            Some(Ok(next)) => {
                step.runner = next;
                step.status = StepStatus::Running;
                step.answer = None;
                self.playing = true;
            }
            Some(Err(error)) => {
                self.say_words(Words::new("notice.tour-step-failed").with("error", error.words()))
            }
            // The chapter is over: go on to the next chapter, if there is one.
            None => match self.neighbour_chapter(1) {
                Some(next) => self.start_tour(next, 0),
                None => self.say("notice.tour-over", &[]),
            },
        }
        self.pause_on_new_violation();
    }

    fn tour_back(&mut self) {
        let Some(runner) = self.tour().cloned() else {
            self.say("notice.not-in-tour", &[]);
            return;
        };
        match runner.back() {
            Some(Ok((previous, world))) => {
                self.install(Engine::Tour(Box::new(TourStep::new(previous, world))));
                self.playing = true;
            }
            Some(Err(error)) => {
                self.say_words(Words::new("notice.tour-step-failed").with("error", error.words()))
            }
            // At a chapter's first step, Back goes to the end of the previous chapter.
            None => {
                if let Some(previous) = self.neighbour_chapter(-1) {
                    self.start_tour(previous, LAST_STEP);
                }
            }
        }
    }

    /// Plays preset `slug` from time zero, its rule broken or not.
    fn load_preset(&mut self, slug: &str, broken: bool) {
        let Some(preset) = presets::preset(slug) else {
            self.say(
                "notice.no-scenario",
                &[("slug", &slug), ("scenarios", &presets::SLUGS.join(", "))],
            );
            return;
        };
        match new_timeline(preset.config_with(broken)) {
            Ok(timeline) => {
                self.install(Engine::Timeline(Box::new(timeline)));
                self.auto_client = None;
                self.script = Some(Script::new(&preset, broken));
                self.playing = true;
            }
            Err(error) => {
                self.say_words(Words::new("notice.scenario-failed").with("error", error.words()))
            }
        }
    }

    /// Replaces the engine (and so the world), resetting everything that described the old one.
    fn install(&mut self, engine: Engine) {
        self.engine = engine;
        self.jumps += 1;
        self.selection = None;
        self.partition_draft = None;
        self.carry_us = 0.0;
        self.violations_seen = self.world().violations().len();
        if self.client.index() >= self.world().clients().len() {
            self.client = ClientId(0);
        }
        if self
            .send_to
            .is_some_and(|n| n.index() >= self.world().nodes().len())
        {
            self.send_to = None;
        }
    }

    /// Moves through the recorded run (pausing), keeping the script in step. The tour has no
    /// timeline: its Back button rebuilds steps instead.
    fn travel(&mut self, seek: impl FnOnce(&mut Timeline)) {
        let Some(timeline) = self.engine.timeline_mut() else {
            self.say("notice.tour-back", &[]);
            return;
        };
        self.playing = false;
        self.carry_us = 0.0;
        self.jumps += 1;
        seek(timeline);
        self.sync_script();
        // Going back can un-happen a violation; going forward again should pause on it again.
        self.violations_seen = self.world().violations().len();
    }

    /// Opens a run shared as a link (`?run=...`), at virtual time `at` if given (paused there,
    /// as the sender saw it). A bad link leaves the default sandbox and says why.
    pub fn open_shared_run(&mut self, code: &str, at: Option<u64>) {
        let decoded = share::decode_run(code)
            .map_err(|e| Value::from(e.words()))
            .and_then(|(config, actions)| {
                Timeline::from_run_with(config, &actions, timeline_options())
                    .map_err(|e| Value::from(e.words()))
            });
        match decoded {
            Ok(mut timeline) => {
                if let Some(at) = at {
                    if at >= timeline.world().now() {
                        timeline.advance_to(at);
                    } else {
                        timeline.seek_to_time(at);
                    }
                    self.playing = false;
                }
                self.install(Engine::Timeline(Box::new(timeline)));
                self.script = None;
            }
            Err(error) => self.say_words(Words::new("notice.link-broken").with("error", error)),
        }
    }

    /// The run so far, encoded for a share link (`run=`); none during the tour.
    pub fn share_run(&self) -> Option<String> {
        let timeline = self.timeline()?;
        Some(share::encode_run(
            timeline.initial_config(),
            timeline.recorded_actions(),
        ))
    }

    /// The share link's query: the run, and the moment on screen.
    pub fn share_query(&self) -> Option<String> {
        Some(format!(
            "run={}&at={}",
            self.share_run()?,
            self.world().now()
        ))
    }

    /// Opens a run file. Only the studio's page reads run files (the JSON reader would weigh on
    /// the page students and embeds load); native builds keep it for the tests.
    #[cfg(any(feature = "studio", not(target_arch = "wasm32")))]
    fn import_run(&mut self, text: &str) {
        match crate::scenario::export::import_run(text) {
            Ok(imported) => {
                self.install(Engine::Timeline(Box::new(imported.timeline)));
                self.script = None;
                self.auto_client = None;
                self.playing = false;
            }
            Err(error) => {
                self.say_words(Words::new("notice.import-failed").with("error", error.words()))
            }
        }
    }

    /// Leaves the tour, handing its world to the sandbox's timeline unchanged.
    fn leave_tour(&mut self) {
        if self.engine.tour().is_none() {
            return;
        }
        match self.engine.clone().into_timeline() {
            Ok(engine) => self.engine = engine,
            Err(refusal) => {
                self.say_words(refusal);
                return;
            }
        }
        // Some chapters make clients wait very long (so that a command stays unanswered for the
        // whole story). In the sandbox that would leave a client stuck for minutes of real time
        // behind it, so the clients get the sandbox's patience back: recorded actions, so a
        // share link of the run does the same.
        let sandbox = Config::default();
        let config = self.world().config().clone();
        if config.client_retry_timeout_us != sandbox.client_retry_timeout_us {
            self.act(Action::SetOption(OptionChange::ClientRetryTimeout(
                sandbox.client_retry_timeout_us,
            )));
        }
        if config.client_max_attempts != sandbox.client_max_attempts {
            self.act(Action::SetOption(OptionChange::ClientMaxAttempts(
                sandbox.client_max_attempts,
            )));
        }
    }

    /// Sends the automatic client's next command. A client that still has a command queued is
    /// skipped rather than given another, so a slow cluster is never buried under a backlog.
    fn auto_submit(&mut self) {
        let Some(mut auto) = self.auto_client else {
            return;
        };
        let clients = self.world().clients().len().max(1) as u64;
        let client = ClientId(u16::try_from(auto.sent % clients).unwrap_or(0));
        auto.sent += 1;
        auto.next_at = auto.next_at.saturating_add(auto.period_us);
        self.auto_client = Some(auto);
        let backlogged = self
            .world()
            .clients()
            .get(client.index())
            .is_some_and(|c| c.queued().next().is_some());
        let target = self.leader_for_clients();
        if let (false, Some(node)) = (backlogged, target) {
            // Refusals (a stopped target) are expected under faults and not worth a notice.
            let _ = self.engine.apply(Action::Submit {
                client,
                node,
                command: Command::Add(1),
            });
        }
    }

    /// Handles one command. Refused commands leave the world as it was and add a notice.
    pub fn handle(&mut self, command: UiCommand) {
        // Acting on the cluster during the tour takes it over: the tour's script no longer
        // applies, and the sandbox carries on from exactly here.
        if self.engine.tour().is_some() && command.changes_world() {
            self.leave_tour();
        }
        // Doing something else meanwhile drops a lesson still on its way.
        if command.changes_world()
            || matches!(
                command,
                UiCommand::StartTour { .. }
                    | UiCommand::LoadPreset { .. }
                    | UiCommand::Reset { .. }
                    | UiCommand::ImportRun(_)
            )
        {
            self.awaited = None;
        }
        match command {
            // When a tour step has finished, the clock has stopped and the button says Play:
            // playing on is going on with the story.
            UiCommand::TogglePlay if !self.playing && self.tour_step_finished() => self.tour_next(),
            UiCommand::TogglePlay => self.playing = !self.playing,
            UiCommand::StepEvent => self.step_event(),
            UiCommand::SetSpeed(speed) => {
                if speed.is_finite() && (MIN_SPEED..=MAX_SPEED).contains(&speed) {
                    self.speed = speed;
                } else {
                    self.say(
                        "notice.speed",
                        &[
                            ("speed", &short(speed)),
                            ("min", &short(MIN_SPEED)),
                            ("max", &short(MAX_SPEED)),
                        ],
                    );
                }
            }
            // While a question asks for a server, clicking one answers it.
            UiCommand::Select(Some(Selection::Node(node))) if self.awaits_server_answer() => {
                self.answer(Given::Server(node));
            }
            UiCommand::Select(selection) => {
                self.selection = selection;
            }
            UiCommand::NodeAction(verb) => self.node_action(verb),
            UiCommand::Submit(text) => self.submit(&text),
            UiCommand::SendTo(node) => {
                self.send_to = node.filter(|n| n.index() < self.world().nodes().len());
            }
            UiCommand::ChooseClient(client) => {
                if client.index() < self.world().clients().len() {
                    self.client = client;
                }
            }
            UiCommand::Act(action) => self.act(action),
            UiCommand::ToggleLink(a, b) => {
                let action = if self.world().network().is_cut(a, b) {
                    Action::RestoreLink(a, b)
                } else {
                    Action::CutLink(a, b)
                };
                self.act(action);
            }
            UiCommand::EditPartition => {
                self.partition_draft = Some(self.current_groups());
            }
            UiCommand::CycleGroup(node) => {
                if let Some(group) = self
                    .partition_draft
                    .as_mut()
                    .and_then(|draft| draft.get_mut(node.index()))
                {
                    *group = (*group + 1) % PARTITION_GROUPS;
                }
            }
            UiCommand::ApplyPartition => self.apply_partition(),
            UiCommand::CancelPartition => self.partition_draft = None,
            UiCommand::Heal => {
                self.partition_draft = None;
                self.act(Action::Heal);
            }
            UiCommand::Reset { nodes, seed } => self.reset(nodes, seed),
            UiCommand::SetOption(change) => self.act(Action::SetOption(change)),
            UiCommand::Notice(text) => self.tell(text),
            UiCommand::Notify(notice) => self.notice(notice),
            UiCommand::DismissNotices => self.notices.clear(),
            UiCommand::ToggleHelp => self.help_open = !self.help_open,
            UiCommand::ToggleTextView => self.text_view_open = !self.text_view_open,
            UiCommand::ToggleNarration => self.narrating = !self.narrating,
            UiCommand::ToggleMessageEvents => self.show_message_events = !self.show_message_events,
            UiCommand::StartTour { chapter, step } => self.start_tour(&chapter, step),
            UiCommand::TourNext => self.tour_next(),
            UiCommand::TourBack => self.tour_back(),
            UiCommand::TourRestart => {
                if let Some(chapter) = self.tour().map(|r| Arc::clone(r.chapter())) {
                    self.open_chapter(chapter, 0);
                }
            }
            UiCommand::TryItYourself => self.leave_tour(),
            UiCommand::Answer(given) => self.answer(given),
            UiCommand::LoadPreset { slug, broken } => self.load_preset(&slug, broken),
            UiCommand::ClosePreset => self.script = None,
            UiCommand::StepBack => self.travel(|t| {
                t.step_back();
            }),
            UiCommand::SeekTime(at) => self.travel(|t| t.seek_to_time(at)),
            UiCommand::SeekToEnd => self.travel(Timeline::seek_to_end),
            UiCommand::Words(Ok(text)) => {
                let words = Catalogue::parse(&text);
                super::language::use_decimal_mark(&words);
                #[cfg(feature = "studio")]
                self.studio_words(&words);
                self.words = Some(words);
            }
            // The one notice in English in the code: without the catalogue there are no other
            // words to say it in.
            UiCommand::Words(Err(reason)) => {
                self.words_failed = true;
                self.tell(format!("The page's words could not be loaded: {reason}."));
            }
            UiCommand::Spacetime(command) => {
                self.sync_history();
                let (now, end) = (self.world().now(), self.history.end());
                self.spacetime.apply(command, now, end);
            }
            #[cfg(any(feature = "studio", not(target_arch = "wasm32")))]
            UiCommand::ImportRun(text) => self.import_run(&text),
            #[cfg(not(any(feature = "studio", not(target_arch = "wasm32"))))]
            UiCommand::ImportRun(_) => self.say("notice.run-files", &[]),
            UiCommand::OpenLesson { request, text } => self.open_lesson(request, &text),
            #[cfg(feature = "studio")]
            UiCommand::ToggleRecorder
            | UiCommand::RecorderTitle(_)
            | UiCommand::RecorderEdit { .. }
            | UiCommand::RecorderPreview
            | UiCommand::RecorderOpenFile(_) => self.handle_recorder(command),
            // The recorder is the lesson studio's (studio/): the simulator's page, which
            // students and embeds load, does not carry it.
            #[cfg(not(feature = "studio"))]
            UiCommand::ToggleRecorder
            | UiCommand::RecorderTitle(_)
            | UiCommand::RecorderEdit { .. }
            | UiCommand::RecorderPreview
            | UiCommand::RecorderOpenFile(_) => {}
            UiCommand::LoadLesson { path, step } => match same_site_path(&path) {
                Some(path) => self.request_lesson(LessonRequest {
                    path: path.to_string(),
                    tour_id: None,
                    step,
                }),
                None => self.say("notice.lesson-path", &[("path", &shorten(&path))]),
            },
            UiCommand::SetAutoClient(period) => {
                self.auto_client = period.map(|period_us| AutoClient {
                    period_us: period_us.max(MIN_AUTO_PERIOD_US),
                    next_at: self.world().now(),
                    sent: 0,
                });
            }
        }
    }

    /// Adds the catalogue's notice `key` with the values of its slots.
    fn say(&mut self, key: &'static str, values: &[(&'static str, &dyn Display)]) {
        self.notice(Notice::new(key, values));
    }

    /// Adds the catalogue's notice `said.key`, whose values may be the core's words (what went
    /// wrong), put in the reader's words when it is shown.
    fn say_words(&mut self, said: Words) {
        self.notice(Notice::Say(said));
    }

    /// Adds a notice already in words (an error the core described in English).
    fn tell(&mut self, text: String) {
        self.notice(Notice::Text(text));
    }

    fn notice(&mut self, notice: Notice) {
        // Keep the banner short: the newest few messages are the ones that matter.
        const MAX_NOTICES: usize = 4;
        self.notices_raised += 1;
        self.notices.push(notice);
        if self.notices.len() > MAX_NOTICES {
            let excess = self.notices.len() - MAX_NOTICES;
            self.notices.drain(..excess);
        }
    }

    fn act(&mut self, action: Action) {
        if let Err(error) = self.engine.apply(action) {
            // Said when shown, in the reader's words.
            self.notice(Notice::Say(
                Words::new("notice.action-refused").with("reason", error.words()),
            ));
        }
        self.pause_on_new_violation();
    }

    fn node_action(&mut self, verb: NodeVerb) {
        let Some(node) = self.selected_node() else {
            self.say("notice.select-node", &[]);
            return;
        };
        let action = match verb {
            NodeVerb::Stop => Action::Stop(node),
            NodeVerb::Restart => Action::Restart(node),
            NodeVerb::Timeout => Action::Timeout(node),
            NodeVerb::TakeOver => Action::TransferLeadership(node),
            NodeVerb::Membership if self.world().member(node) == Member::None => {
                Action::AddServer(node)
            }
            NodeVerb::Membership => Action::RemoveServer(node),
        };
        self.act(action);
    }

    /// The server the student chose for client commands, if they chose one.
    pub fn send_to(&self) -> Option<NodeId> {
        self.send_to
    }

    /// The server a new client command goes to: the one the student chose, else the leader.
    /// Selecting a node (to look at it, or to stop it) does not choose it: sending to a server
    /// just stopped would only make the client wait for its retry timeout.
    pub fn submit_target(&self) -> Option<NodeId> {
        self.send_to.or_else(|| self.leader_for_clients())
    }

    /// Where a client finds the leader: the running leader of the highest term (during a
    /// partition an old leader may still believe it leads), else any running server, which
    /// will redirect the client. Never a stopped server; `None` if every server is stopped.
    pub fn leader_for_clients(&self) -> Option<NodeId> {
        // The same leader the status line names (World::leader).
        self.world().leader().or_else(|| {
            self.world()
                .nodes()
                .iter()
                .find(|n| !n.is_stopped())
                .map(|n| n.id())
        })
    }

    fn submit(&mut self, text: &str) {
        let command: Command = match text.parse() {
            Ok(command) => command,
            Err(error) => {
                self.say_words(error.words());
                return;
            }
        };
        let Some(node) = self.submit_target() else {
            self.say("notice.all-stopped", &[]);
            return;
        };
        self.act(Action::Submit {
            client: self.client,
            node,
            command,
        });
    }

    /// The group of each node in the current partition (0 when there is none).
    fn current_groups(&self) -> Vec<u8> {
        let size = self.world().nodes().len();
        let mut groups = vec![0u8; size];
        if let Some(partition) = self.world().network().partition() {
            for (g, members) in partition.iter().enumerate() {
                let g = u8::try_from(g).unwrap_or(0) % PARTITION_GROUPS;
                for node in members {
                    if let Some(slot) = groups.get_mut(node.index()) {
                        *slot = g;
                    }
                }
            }
        }
        groups
    }

    fn apply_partition(&mut self) {
        let Some(draft) = self.partition_draft.take() else {
            return;
        };
        let groups: Vec<Vec<NodeId>> = (0..PARTITION_GROUPS)
            .map(|g| {
                draft
                    .iter()
                    .enumerate()
                    .filter(|(_, &group)| group == g)
                    .filter_map(|(i, _)| u8::try_from(i).ok().map(NodeId))
                    .collect::<Vec<_>>()
            })
            .filter(|members| !members.is_empty())
            .collect();
        if groups.len() < 2 {
            self.say("notice.one-group", &[]);
            self.partition_draft = Some(draft);
            return;
        }
        self.act(Action::Partition(groups));
    }

    fn reset(&mut self, nodes: u8, seed: u64) {
        if nodes == 0 || usize::from(nodes) > MAX_UI_NODES {
            self.say(
                "notice.cluster-size",
                &[("max", &MAX_UI_NODES), ("nodes", &nodes)],
            );
            return;
        }
        let config = Config {
            seed,
            cluster_size: nodes,
            ..self.world().config().clone()
        };
        // Per-node timeout overrides belong to the old cluster size.
        let config = Config {
            election_timeout_override: Vec::new(),
            ..config
        };
        match new_timeline(config) {
            Ok(timeline) => {
                self.install(Engine::Timeline(Box::new(timeline)));
                self.script = None;
            }
            Err(error) => {
                self.say_words(Words::new("notice.reset-failed").with("error", error.words()))
            }
        }
    }

    fn pause_on_new_violation(&mut self) {
        let count = self.world().violations().len();
        if count > self.violations_seen {
            self.violations_seen = count;
            self.playing = false;
            if let Some(v) = self.world().violations().last() {
                let notice = Words::new("notice.violation").with("violation", v.violation.words());
                self.say_words(notice);
            }
        }
    }

    /// The word for what a node is doing, as the `data-role` attribute spells it.
    pub fn role_name(&self, node: NodeId) -> &'static str {
        match self.world().node(node) {
            Some(n) => n.state_name(),
            None => "stopped",
        }
    }
}

/// The options a settings panel offers as on/off switches, with the change each makes: the
/// catalogue keys of its label and its explanation, whether it is on, and the change.
pub fn option_switches(config: &Config) -> Vec<(&'static str, &'static str, bool, OptionChange)> {
    vec![
        (
            "ui.switch-replicate-at-once",
            "switch.replicate-at-once",
            config.replication == Replication::Immediate,
            OptionChange::Replication(if config.replication == Replication::Immediate {
                Replication::OnHeartbeat
            } else {
                Replication::Immediate
            }),
        ),
        (
            "ui.switch-no-op-on-election",
            "switch.no-op-on-election",
            config.noop_on_election,
            OptionChange::NoOpOnElection(!config.noop_on_election),
        ),
        (
            "ui.switch-prevote",
            "switch.prevote",
            config.pre_vote,
            OptionChange::PreVote(!config.pre_vote),
        ),
        (
            "ui.switch-checkquorum",
            "switch.checkquorum",
            config.check_quorum,
            OptionChange::CheckQuorum(!config.check_quorum),
        ),
        (
            "ui.switch-one-server-at-a-time",
            "switch.one-server-at-a-time",
            config.single_server_changes,
            OptionChange::SingleServerChanges(!config.single_server_changes),
        ),
    ]
}

/// The "break Raft" switches with a one-line explanation each (as [`option_switches`]).
pub fn safety_switches(config: &Config) -> Vec<(&'static str, &'static str, bool, OptionChange)> {
    SafetySwitch::ALL
        .iter()
        .map(|&switch| {
            let (label, why) = match switch {
                SafetySwitch::VoteWithoutLogCheck => (
                    "ui.switch-vote-without-the-log-check",
                    "switch.vote-without-the-log-check",
                ),
                SafetySwitch::CommitOldTermsByCounting => (
                    "ui.switch-commit-old-terms-by-counting",
                    "switch.commit-old-terms-by-counting",
                ),
                SafetySwitch::ForgetVoteOnRestart => (
                    "ui.switch-forget-the-vote-on-restart",
                    "switch.forget-the-vote-on-restart",
                ),
                SafetySwitch::SkipPrevLogCheck => (
                    "ui.switch-skip-the-prevlog-check",
                    "switch.skip-the-prevlog-check",
                ),
                SafetySwitch::FixedElectionTimeout => (
                    "ui.switch-equal-election-timeouts",
                    "switch.equal-election-timeouts",
                ),
                SafetySwitch::ChangeBeforeOwnTermCommit => (
                    "ui.switch-change-membership-too-early",
                    "switch.change-membership-too-early",
                ),
                SafetySwitch::VoteDespiteLiveLeader => (
                    "ui.switch-let-removed-servers-disrupt",
                    "switch.let-removed-servers-disrupt",
                ),
                SafetySwitch::ServeReadsLocally => (
                    "ui.switch-read-from-any-server",
                    "switch.read-from-any-server",
                ),
            };
            let on = switch.is_on(config.safety);
            (label, why, on, OptionChange::Safety(switch, !on))
        })
        .collect()
}

/// A lesson's id (and file name) from its title: `My first lesson` → `my-first-lesson`,
/// `Mi lección` → `mi-leccion` (accents dropped, so a Spanish title keeps its words).
#[cfg_attr(not(feature = "studio"), allow(dead_code))]
pub fn lesson_id(title: &str) -> String {
    let mut id = String::new();
    for c in title.chars().map(plain_letter) {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    let id = id.get(..40).unwrap_or(id).trim_end_matches('-');
    if id.is_empty() {
        "lesson".to_string()
    } else {
        id.to_string()
    }
}

/// The plain letter of a Latin letter with an accent (`é` → `e`, `Ñ` → `n`); any other
/// character as it is.
#[cfg_attr(not(feature = "studio"), allow(dead_code))]
fn plain_letter(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        other => other,
    }
}

/// What a recorded step does and waits for, in the file's words.
#[cfg_attr(not(feature = "studio"), allow(dead_code))]
pub(crate) fn step_signature(step: &tour::Step) -> String {
    let mut signature: Vec<String> = step.actions.iter().map(lesson::action_text).collect();
    if let tour::Condition::After(us) = step.until {
        signature.push(us.to_string());
    }
    signature.join("; ")
}

/// Puts the teacher's words into a recorded step: the caption, and a question when its text is
/// given (answered by clicking the leader, or Yes or No).
#[cfg_attr(not(feature = "studio"), allow(dead_code))]
fn apply_edit(step: &mut tour::Step, edit: &StepEdit, words: Option<&Catalogue>) {
    if !edit.caption.trim().is_empty() {
        step.caption = edit
            .caption
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    // A stop the teacher chose: the step waits for it (allowed at least 10 s).
    if !edit.until.trim().is_empty() {
        if let Ok(until) = lesson::condition_text(&edit.until) {
            step.until = until;
            step.limit_us = step.limit_us.max(10 * crate::sim::SECOND);
        }
    }
    let text = edit
        .question
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return;
    }
    let answer = match edit.answer.as_str() {
        "yes" | "no" => {
            let right = |yes: bool| {
                if yes == (edit.answer == "yes") {
                    Right::Always
                } else {
                    Right::Never
                }
            };
            // The student's two buttons, in the teacher's language (English in the moment
            // before the words come).
            let choice = |key, english: &str| match super::say(words, key) {
                text if text.is_empty() => english.to_string(),
                text => text,
            };
            Answer::Choices(vec![
                Choice {
                    text: choice("rec.choice-yes", "Yes"),
                    right: right(true),
                },
                Choice {
                    text: choice("rec.choice-no", "No"),
                    right: right(false),
                },
            ])
        }
        _ => Answer::Server(RightServer::Leader),
    };
    step.question = Some(Question {
        text,
        answer,
        explain: edit
            .explain
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SECOND;

    fn sandbox() -> Sandbox {
        Sandbox::new(
            &Params {
                speed: 1.0,
                ..Params::default()
            },
            vec![],
        )
    }

    /// Plays `ms` of real time in 16 ms frames.
    fn play(s: &mut Sandbox, ms: u32) {
        for _ in 0..ms / 16 {
            s.frame(16.0);
        }
    }

    #[test]
    fn frames_advance_virtual_time_by_the_speed_and_pause_stops_it() {
        let mut s = sandbox();
        s.handle(UiCommand::SetSpeed(0.5));
        play(&mut s, 1_600);
        assert_eq!(s.world().now(), 800_000, "1.6 s of real time at half speed");
        s.handle(UiCommand::TogglePlay);
        play(&mut s, 1_600);
        assert_eq!(s.world().now(), 800_000);
        // A huge gap (a tab in the background) advances at most one capped frame.
        s.handle(UiCommand::TogglePlay);
        s.frame(60_000.0);
        assert_eq!(s.world().now(), 850_000);
    }

    /// The URL's problems are found before the page's words come: they wait for the words and
    /// are said in them (the page's language); if the words cannot come, they are given plainly.
    #[test]
    fn notices_are_put_in_words_when_shown() {
        let (params, problems) = super::super::params::parse_query("nodes=0");
        let mut s = Sandbox::new(&params, problems);
        s.words = None;
        assert!(s.notices().is_empty());
        s.handle(UiCommand::Words(Ok(
            include_str!("../../i18n/es.txt").into()
        )));
        assert_eq!(
            s.notices(),
            ["nodes \"0\" debe ser un número entero de 1 a 9; se usa 5."]
        );
        s.handle(UiCommand::Words(Ok(
            include_str!("../../i18n/en.txt").into()
        )));
        assert_eq!(
            s.notices(),
            ["nodes \"0\" must be a whole number from 1 to 9; using 5."]
        );
        s.words = None;
        s.handle(UiCommand::Words(Err("the site answered 404".into())));
        assert_eq!(
            s.notices(),
            [
                "param.nodes value=0 max=9 default=5",
                "The page's words could not be loaded: the site answered 404."
            ]
        );
    }

    /// A notice whose value is the core's words (why a share link cannot be opened) reads in
    /// the catalogue it is shown with, the core's words included.
    #[test]
    fn the_core_s_words_in_a_notice_are_the_reader_s() {
        let mut s = sandbox();
        s.words = None;
        s.open_shared_run("  ", None);
        assert!(s.notices().is_empty());
        s.handle(UiCommand::Words(Ok(
            include_str!("../../i18n/es.txt").into()
        )));
        assert_eq!(
            s.notices(),
            ["No se pudo abrir el enlace compartido (no se puede abrir este enlace compartido: está vacío); aquí tienes un clúster nuevo."]
        );
        s.handle(UiCommand::Words(Ok(
            include_str!("../../i18n/en.txt").into()
        )));
        assert_eq!(
            s.notices(),
            ["The shared link could not be opened (this share link cannot be opened: it is empty); here is a fresh cluster instead."]
        );
        s.words = None;
        s.handle(UiCommand::Words(Err("the site answered 404".into())));
        assert_eq!(
            s.notices()[0],
            "notice.link-broken error=share-error.cannot-open"
        );
    }

    /// The `{slots}` of a catalogue text, and for markup its tags and the attributes the page
    /// reads (`data-*`, an option's `value`): what a translation must keep.
    fn shape(text: &str) -> (Vec<&str>, Vec<&str>) {
        let mut slots: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|s| {
                s.split_once('}')
                    .map(|(inside, _)| crate::i18n::slot(inside).0)
            })
            .collect();
        // A plural slot by its name: its forms are the language's own.
        slots.sort_unstable();
        slots.dedup();
        let mut markup = Vec::new();
        for (i, _) in text.match_indices('<') {
            let tag = &text[i + 1..];
            let end = tag
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(tag.len());
            if end > 0 {
                markup.push(&tag[..end]);
            }
        }
        for start in ["data-", "value="] {
            for (i, _) in text.match_indices(start) {
                // The attribute up to its value's closing quote.
                let attribute = &text[i..];
                let value = attribute.find("=\"").map(|q| q + 2);
                let end = value.and_then(|v| attribute[v..].find('"').map(|e| v + e + 1));
                markup.push(&attribute[..end.unwrap_or(start.len())]);
            }
        }
        (slots, markup)
    }

    /// Every catalogue key the panels and notices name is in the English, Spanish and Chinese
    /// catalogues, with the same slots, tags and attributes in each: a missing word would leave
    /// a blank, a lost `data-cmd` a dead button.
    #[test]
    fn every_key_the_page_names_is_in_every_language_in_the_same_shape() {
        let sources = [
            include_str!("params.rs"),
            include_str!("sandbox.rs"),
            include_str!("controls.rs"),
            include_str!("inspector.rs"),
            include_str!("tour_panel.rs"),
            include_str!("timeline_bar.rs"),
            include_str!("invariants_panel.rs"),
            include_str!("log_table.rs"),
            include_str!("share_panel.rs"),
            include_str!("cluster_view.rs"),
            include_str!("event_list.rs"),
            include_str!("spacetime_panel.rs"),
        ];
        // Keys made with format!: the safety monitor's property names.
        let mut keys: Vec<String> = (0..super::super::invariants_panel::PROPERTIES.len())
            .map(|i| format!("property-name.{i}"))
            .collect();
        for source in sources {
            let code = source.split("#[cfg(test)]").next().unwrap_or(source);
            for prefix in ["\"ui.", "\"notice.", "\"param.", "\"role."] {
                for (i, _) in code.match_indices(prefix) {
                    let rest = &code[i + 1..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                        .unwrap_or(rest.len());
                    // A whole literal, not the start of a format! string.
                    if rest[end..].starts_with('"') {
                        keys.push(rest[..end].to_string());
                    }
                }
            }
        }
        let english = Catalogue::parse(include_str!("../../i18n/en.txt"));
        let others = [
            ("es", Catalogue::parse(include_str!("../../i18n/es.txt"))),
            ("zh", Catalogue::parse(include_str!("../../i18n/zh.txt"))),
        ];
        for key in &keys {
            let Some(text) = english.get(key) else {
                panic!("{key} is not in i18n/en.txt");
            };
            for (language, catalogue) in &others {
                let Some(translation) = catalogue.get(key) else {
                    panic!("{key} is not in i18n/{language}.txt");
                };
                assert_eq!(shape(text), shape(translation), "{key} in {language}");
            }
        }
    }

    #[test]
    fn bad_input_gives_a_notice_and_changes_nothing() {
        let mut s = sandbox();
        play(&mut s, 1_000);
        let before = s.world().trace_hash();
        s.handle(UiCommand::Submit("MULTIPLY 3".into()));
        s.handle(UiCommand::NodeAction(NodeVerb::Restart));
        s.handle(UiCommand::Reset { nodes: 0, seed: 1 });
        s.handle(UiCommand::SetSpeed(f64::NAN));
        assert_eq!(s.world().trace_hash(), before);
        assert_eq!(s.notices().len(), 4, "{:?}", s.notices());
        s.handle(UiCommand::DismissNotices);
        assert!(s.notices().is_empty());
    }

    #[test]
    fn a_command_reaches_every_node() {
        let mut s = sandbox();
        play(&mut s, 1_000);
        s.handle(UiCommand::Submit("SET 5".into()));
        play(&mut s, 1_000);
        assert!(s.world().nodes().iter().all(|n| n.value() == 5));
        assert!(s.notices().is_empty(), "{:?}", s.notices());
    }

    #[test]
    fn the_partition_editor_needs_two_groups() {
        let mut s = sandbox();
        s.handle(UiCommand::EditPartition);
        s.handle(UiCommand::ApplyPartition);
        assert_eq!(s.notices().len(), 1);
        assert!(s.partition_draft().is_some(), "the editor stays open");
        s.handle(UiCommand::CycleGroup(NodeId(0)));
        s.handle(UiCommand::CycleGroup(NodeId(1)));
        s.handle(UiCommand::ApplyPartition);
        assert_eq!(
            s.world().network().partition(),
            Some(vec![
                vec![NodeId(2), NodeId(3), NodeId(4)],
                vec![NodeId(0), NodeId(1)]
            ])
        );
        s.handle(UiCommand::Heal);
        assert_eq!(s.world().network().partition(), None);
    }

    #[test]
    fn stepping_back_and_returning_to_live_gives_the_same_world() {
        let mut s = sandbox();
        play(&mut s, 1_000);
        s.handle(UiCommand::TogglePlay);
        let live = s.world().trace_hash();
        s.handle(UiCommand::StepBack);
        assert_ne!(s.world().trace_hash(), live);
        s.handle(UiCommand::SeekTime(0));
        assert_eq!(s.world().now(), 0);
        s.handle(UiCommand::SeekToEnd);
        assert_eq!(s.world().trace_hash(), live);
    }

    #[test]
    fn a_share_link_reopens_the_same_run_at_the_same_moment() {
        let mut s = sandbox();
        play(&mut s, 1_000);
        s.handle(UiCommand::Submit("ADD 2".into()));
        play(&mut s, 500);
        let query = s.share_query().expect("the sandbox has a timeline");
        let (params, problems) = super::super::params::parse_query(&query);
        assert!(problems.is_empty(), "{problems:?}");
        let other = Sandbox::new(&params, vec![]);
        assert_eq!(other.world().now(), s.world().now());
        assert_eq!(other.world().trace_hash(), s.world().trace_hash());
        assert!(!other.is_playing());
    }

    #[test]
    fn the_tour_goes_forward_and_back_and_hands_over_its_world() {
        let mut s = sandbox();
        s.handle(UiCommand::StartTour {
            chapter: "election".into(),
            step: 0,
        });
        play(&mut s, 20_000);
        assert_eq!(s.tour_status(), StepStatus::Done);
        s.handle(UiCommand::TourNext);
        assert_eq!(s.tour().map(|t| t.step_index()), Some(1));
        s.handle(UiCommand::TourBack);
        assert_eq!(s.tour().map(|t| t.step_index()), Some(0));
        play(&mut s, 20_000);
        let hash = s.world().trace_hash();
        s.handle(UiCommand::TryItYourself);
        assert!(s.tour().is_none());
        assert!(s.timeline().is_some());
        assert_eq!(
            s.world().trace_hash(),
            hash,
            "the sandbox carries on from exactly there"
        );
        s.handle(UiCommand::StartTour {
            chapter: "no-such-chapter".into(),
            step: 0,
        });
        assert!(s.notices()[0].contains("no-such-chapter"));
    }

    /// Plays until the tour step is over (at most 30 s of virtual time).
    fn finish_step(s: &mut Sandbox) {
        for _ in 0..(30 * SECOND / 16_000) {
            s.frame(16.0);
            if s.tour_status() != StepStatus::Running {
                return;
            }
        }
    }

    #[test]
    fn clients_handed_over_by_the_tour_are_not_stuck_behind_its_long_wait() {
        let mut s = sandbox();
        // The partition chapter leaves client 1 waiting 30 s (virtual) for an answer to SET 3.
        let last = tour::chapter("partition").map_or(0, |c| c.steps.len() - 1);
        s.handle(UiCommand::StartTour {
            chapter: "partition".into(),
            step: last,
        });
        finish_step(&mut s);
        let waiting = |s: &Sandbox| s.world().clients().iter().any(|c| !c.is_idle());
        assert!(waiting(&s), "the story leaves a command unanswered");
        s.handle(UiCommand::TryItYourself);
        assert_eq!(
            s.world().config().client_retry_timeout_us,
            Config::default().client_retry_timeout_us
        );
        s.handle(UiCommand::Submit("ADD 1".into()));
        s.handle(UiCommand::TogglePlay);
        assert!(s.is_playing());
        // At speed 1, two seconds of real time: far less than the tour's 30 s wait.
        play(&mut s, 2_000);
        assert!(!waiting(&s), "every client has its answer");
        let last_op = s.world().operations().last().map(|op| op.outcome);
        assert!(matches!(last_op, Some(crate::sim::OpOutcome::Ok { .. })));
    }

    #[test]
    fn commands_go_to_the_leader_unless_a_server_is_chosen_and_never_to_a_stopped_one() {
        let mut s = sandbox();
        play(&mut s, 2_000);
        let leader = s.leader_for_clients();
        assert!(leader.is_some_and(|l| s.world().node(l).is_some_and(|n| n.is_leader())));
        // Selecting the leader and stopping it does not make it the target.
        s.handle(UiCommand::Select(leader.map(Selection::Node)));
        s.handle(UiCommand::NodeAction(NodeVerb::Stop));
        let target = s.submit_target();
        assert!(target.is_some() && target != leader);
        assert!(s
            .world()
            .node(target.unwrap_or(NodeId(0)))
            .is_some_and(|n| !n.is_stopped()));
        // A chosen server is used, even a stopped one (the panel warns).
        s.handle(UiCommand::SendTo(leader));
        assert_eq!(s.submit_target(), leader);
        s.handle(UiCommand::SendTo(None));
        // With every server stopped there is nowhere to send.
        for i in 0..s.world().nodes().len() {
            s.handle(UiCommand::Select(Some(Selection::Node(NodeId(i as u8)))));
            s.handle(UiCommand::NodeAction(NodeVerb::Stop));
        }
        assert_eq!(s.submit_target(), None);
        s.handle(UiCommand::Submit("SET 1".into()));
        assert!(s
            .notices()
            .iter()
            .any(|n| n.contains("Every server is stopped")));
    }

    #[test]
    fn a_finished_tour_step_stops_the_clock_and_play_goes_on_with_the_story() {
        let mut s = sandbox();
        s.handle(UiCommand::StartTour {
            chapter: "election".into(),
            step: 0,
        });
        finish_step(&mut s);
        assert_ne!(s.tour_status(), StepStatus::Running);
        assert!(!s.is_playing(), "the step is over, so the clock is stopped");
        s.handle(UiCommand::TogglePlay);
        assert_eq!(s.tour().map(|t| t.step_index()), Some(1));
        assert!(s.is_playing());
    }

    #[test]
    fn a_broken_rule_scenario_pauses_on_its_violation() {
        let mut s = sandbox();
        s.handle(UiCommand::LoadPreset {
            slug: "figure8".into(),
            broken: true,
        });
        for _ in 0..(10 * SECOND / 16_000) {
            s.frame(16.0);
            if !s.is_playing() {
                break;
            }
        }
        assert!(!s.is_playing());
        assert!(!s.world().violations().is_empty());
        assert!(s.notices().iter().any(|n| n.contains("Safety violated")));
    }

    #[test]
    fn a_bad_import_leaves_the_run_untouched() {
        let mut s = sandbox();
        play(&mut s, 500);
        let before = s.world().trace_hash();
        s.handle(UiCommand::ImportRun(
            "{\"format\":\"raftsim-run\",\"version\":99}".into(),
        ));
        assert_eq!(s.world().trace_hash(), before);
        assert!(s.notices()[0].contains("could not be imported"));
    }

    /// What a host page is told when the embed refuses its command (it cannot see the banner):
    /// every refusal comes back as a reason, and a command carried out gives none.
    #[test]
    fn refused_host_commands_report_why() {
        use crate::ui::embed_api::{parse_host_message, HostCommand};
        let refused = |json: &str, says: &str| {
            let mut s = sandbox();
            let command: HostCommand = parse_host_message(json).expect("well-formed");
            let ui = command.to_ui(false).expect("a command for the sandbox");
            let reasons = s.handle_reporting(ui);
            assert!(
                reasons.iter().any(|r| r.contains(says)),
                "{json}: {reasons:?} should say {says:?}"
            );
        };
        refused(r#"{"raftsim":"speed","value":5}"#, "outside");
        refused(r#"{"raftsim":"speed","value":0}"#, "outside");
        refused(r#"{"raftsim":"send","command":"DELETE"}"#, "DELETE");
        refused(r#"{"raftsim":"reset","nodes":0,"seed":1}"#, "not 0");
        refused(r#"{"raftsim":"reset","nodes":12,"seed":1}"#, "not 12");
        refused(r#"{"raftsim":"load","tour":"nope"}"#, "nope");
        refused(r#"{"raftsim":"load","scenario":"nope"}"#, "nope");
        refused(
            r#"{"raftsim":"load"}"#,
            "needs a tour chapter, a lesson or a scenario",
        );
        refused(r#"{"raftsim":"next"}"#, "guided tour");
        refused(r#"{"raftsim":"back"}"#, "guided tour");
        let mut s = sandbox();
        assert!(s.handle_reporting(UiCommand::SetSpeed(0.5)).is_empty());
        assert!(s
            .handle_reporting(UiCommand::Submit("SET 5".into()))
            .is_empty());
        // A fifth refusal in a row is still reported, though the banner keeps only four.
        for _ in 0..4 {
            s.handle(UiCommand::SetSpeed(9.0));
        }
        assert_eq!(s.handle_reporting(UiCommand::TourNext).len(), 1);
    }

    /// A step past the end of a chapter opens its last step and says how many there are, counted
    /// from 1 as people count them.
    #[test]
    fn a_step_past_the_end_opens_the_last_step() {
        let mut s = sandbox();
        let steps = tour::chapter("election").map_or(0, |c| c.steps.len());
        let reasons = s.handle_reporting(UiCommand::StartTour {
            chapter: "election".into(),
            step: steps, // one past the last, counted from 0
        });
        assert_eq!(
            reasons,
            vec![format!(
                "\"Leader election\" has {steps} steps, so there is no step {}; here is its last.",
                steps + 1
            )]
        );
        let runner = s.tour().expect("the chapter opened");
        assert_eq!(runner.chapter().slug, "election");
        assert_eq!(runner.step_index(), steps - 1);
    }

    /// Jumps (a new run, a seek, a rebuilt tour step) are counted, so the embed API can tell
    /// history from news; running on is not a jump.
    #[test]
    fn jumps_are_counted_and_running_is_not_one() {
        let mut s = sandbox();
        let start = s.jumps();
        play(&mut s, 500);
        assert_eq!(s.jumps(), start, "playing is live");
        s.handle(UiCommand::StepBack);
        assert_eq!(s.jumps(), start + 1);
        s.handle(UiCommand::SeekToEnd);
        assert_eq!(s.jumps(), start + 2);
        s.handle(UiCommand::Reset { nodes: 3, seed: 9 });
        assert_eq!(s.jumps(), start + 3);
        s.handle(UiCommand::Reset { nodes: 0, seed: 9 });
        assert_eq!(s.jumps(), start + 3, "a refused reset changes nothing");
    }

    const LESSON: &str = "title Who leads?
timeout A 150-170 ms
timeout B 200-220 ms
timeout C 260-300 ms

step
question Which server becomes leader?
click server
right leader
explain A times out first.
say A wins the election.
until leader elected

step
question Is SET 5 committed at once?
choice Yes
right if entry 1 committed on A
choice No
right unless entry 1 committed on A
say SET 5 waits for a majority.
do send SET 5 to A
until entry 1 on A
";

    /// Asks for `who-leads.txt`, as `?lesson=` or the embed API does, and delivers `text` as the
    /// page's fetch would.
    fn open_lesson(s: &mut Sandbox, text: &str) -> Vec<String> {
        s.handle(UiCommand::LoadLesson {
            path: "who-leads.txt".into(),
            step: 0,
        });
        let request = s.take_lesson_request().expect("asks for the file");
        s.handle_reporting(UiCommand::OpenLesson {
            request,
            text: text.into(),
        })
    }

    /// A fetch that comes back after the reader moved on is dropped: an older chapter asked for
    /// before another, or a lesson that arrives after the reader started acting on the cluster.
    #[test]
    fn a_late_lesson_does_not_take_over_the_page() {
        let mut s = sandbox();
        s.library.clear();
        let ask = |s: &mut Sandbox, chapter: &str| {
            s.handle(UiCommand::StartTour {
                chapter: chapter.into(),
                step: 0,
            });
            s.take_lesson_request().expect("asks")
        };
        let election = ask(&mut s, "election");
        let reads = ask(&mut s, "reads");
        let text = |r: &LessonRequest| std::fs::read_to_string(&r.path).expect("file");
        s.handle(UiCommand::OpenLesson {
            text: text(&reads),
            request: reads,
        });
        s.handle(UiCommand::OpenLesson {
            text: text(&election),
            request: election,
        });
        assert_eq!(s.tour().map(|r| r.chapter().slug.as_str()), Some("reads"));

        let mut s = sandbox();
        s.handle(UiCommand::LoadLesson {
            path: "slow.txt".into(),
            step: 0,
        });
        let request = s.take_lesson_request().expect("asks");
        s.handle(UiCommand::Heal);
        s.handle(UiCommand::OpenLesson {
            request,
            text: LESSON.into(),
        });
        assert!(s.tour().is_none(), "the reader's own run stays");
    }

    /// A step with a question waits for the answer, judges it on the world the step ends in,
    /// and then runs; clicking a server answers a "click the server" question.
    #[test]
    fn a_question_waits_for_its_answer_and_is_judged_by_the_run() {
        let mut s = sandbox();
        assert_eq!(open_lesson(&mut s, LESSON), Vec::<String>::new());
        assert!(s.tour_awaits_answer());
        play(&mut s, 2000);
        assert_eq!(s.world().now(), 0, "nothing runs before the answer");
        s.handle(UiCommand::Select(Some(Selection::Node(NodeId(1)))));
        let step = s.tour_step().expect("in the lesson");
        assert_eq!(
            step.answer,
            Some(Reply::Given(Given::Server(NodeId(1)), false))
        );
        assert_eq!(s.selection, None, "the click answered, it did not select");
        finish_step(&mut s);
        assert_eq!(s.tour_status(), StepStatus::Done);
        assert_eq!(s.world().leader(), Some(NodeId(0)));
        assert_eq!(
            s.take_answers(),
            vec![Answered {
                lesson: "lesson".into(),
                step: 0,
                right: false
            }]
        );

        s.handle(UiCommand::TourNext);
        assert!(s.tour_awaits_answer());
        // An answer that is not one of the choices is ignored.
        s.handle(UiCommand::Answer(Given::Choice(7)));
        assert!(s.tour_awaits_answer());
        s.handle(UiCommand::Answer(Given::Choice(1)));
        assert_eq!(
            s.tour_step().and_then(|t| t.answer),
            Some(Reply::Given(Given::Choice(1), true))
        );
    }

    /// Next on an open question skips it: the step runs, and Next again goes on.
    #[test]
    fn next_skips_a_question_and_runs_the_step() {
        let mut s = sandbox();
        open_lesson(&mut s, LESSON);
        s.handle(UiCommand::TourNext);
        assert_eq!(s.tour_step().and_then(|t| t.answer), Some(Reply::Skipped));
        assert_eq!(s.tour().map(TourRunner::step_index), Some(0));
        finish_step(&mut s);
        assert_eq!(s.tour_status(), StepStatus::Done);
        s.handle(UiCommand::TourNext);
        assert_eq!(s.tour().map(TourRunner::step_index), Some(1));
        assert!(s.take_answers().is_empty(), "a skip is no answer");
    }

    /// A broken lesson is reported with its line and leaves the page as it was.
    #[test]
    fn a_broken_lesson_is_reported_with_its_line_and_changes_nothing() {
        let mut s = sandbox();
        let broken = LESSON.replace("right leader", "right Z");
        assert_eq!(
            open_lesson(&mut s, &broken),
            vec!["The lesson \"who-leads.txt\" cannot be opened: line 9: expected a server (A to I), found \"Z\".".to_string()]
        );
        assert!(s.tour().is_none());
        // One that parses but cannot play: B is not stopped, so it cannot restart.
        let unplayable = LESSON.replace("say A wins the election.", "say A wins.\ndo restart B");
        let reasons = open_lesson(&mut s, &unplayable);
        assert!(
            reasons[0].contains("line 6: this step cannot start"),
            "{reasons:?}"
        );
        assert!(s.tour().is_none());
    }

    /// In the browser the tour's chapters are not compiled in: opening one asks the page to
    /// fetch its file, and the fetched text opens it (and stays for next time).
    #[test]
    fn a_chapter_not_read_yet_is_fetched_then_opened() {
        let mut s = sandbox();
        s.library.clear();
        s.handle(UiCommand::StartTour {
            chapter: "election".into(),
            step: 1,
        });
        assert!(s.tour().is_none());
        let request = s.take_lesson_request().expect("asks for the file");
        assert_eq!(request.path, "lessons/election.txt");
        assert_eq!(s.take_lesson_request(), None, "asked once");
        let text = std::fs::read_to_string(&request.path).expect("the file exists");
        s.handle(UiCommand::OpenLesson { request, text });
        assert_eq!(s.tour().map(TourRunner::step_index), Some(1));
        assert_eq!(s.tour_position(), Some(2));
        // Back from the first step goes to the chapter before, at its last step: fetched too.
        s.handle(UiCommand::TourBack);
        s.handle(UiCommand::TourBack);
        let request = s
            .take_lesson_request()
            .expect("asks for the chapter before");
        assert_eq!(request.step, LAST_STEP);
        let text = std::fs::read_to_string(&request.path).expect("the file exists");
        s.handle(UiCommand::OpenLesson { request, text });
        let runner = s.tour().expect("in the tour");
        assert_eq!(runner.chapter().slug, "roles");
        assert_eq!(runner.step_index(), runner.chapter().steps.len() - 1);
        assert!(s.notices().is_empty(), "{:?}", s.notices());
        // A file that holds something else is refused.
        s.library.clear();
        s.handle(UiCommand::StartTour {
            chapter: "reads".into(),
            step: 0,
        });
        let request = s.take_lesson_request().expect("asks");
        let reasons = s.handle_reporting(UiCommand::OpenLesson {
            request,
            text: "title Mine\nstep\nsay Hello.\n".into(),
        });
        assert_eq!(reasons.len(), 1);
        assert_eq!(s.tour().map(|r| r.chapter().slug.as_str()), Some("roles"));
    }

    /// A lesson can travel inside the link itself; a damaged one is named, not half-opened.
    #[test]
    fn a_lesson_inside_the_link_opens_without_a_file() {
        let code = lesson::link::encode(LESSON);
        let (params, problems) =
            super::super::params::parse_query(&format!("lesson={code}&step=2"));
        assert!(problems.is_empty(), "{problems:?}");
        let s = Sandbox::new(&params, problems);
        assert!(s.notices().is_empty(), "{:?}", s.notices());
        assert_eq!(
            s.tour().map(|r| r.chapter().title.as_str()),
            Some("Who leads?")
        );
        assert_eq!(s.tour().map(TourRunner::step_index), Some(1));
        let cut = &code[..code.len() / 2];
        let (params, problems) = super::super::params::parse_query(&format!("lesson={cut}"));
        let s = Sandbox::new(&params, problems);
        assert!(s.tour().is_none());
        assert!(s.notices()[0].contains("damaged"), "{:?}", s.notices());
    }

    /// The recorder drafts the run as steps, puts the teacher's words in, and its preview is
    /// the lesson read back from its file; after the preview the lesson stands on its own.
    #[test]
    fn a_recorded_lesson_is_in_the_teachers_language() {
        let mut s = sandbox();
        let spanish = include_str!("../../i18n/es.txt");
        s.handle(UiCommand::Words(Ok(spanish.to_string())));
        s.recorder = Some(Recorder::default());
        play(&mut s, 600);
        s.edit_recorded(0, RecorderField::Question, "¿Hay un líder?".into());
        s.edit_recorded(0, RecorderField::Answer, "yes".into());
        let lesson = s.recorded_lesson().expect("recording");
        // No title given: the catalogue's, and a file name from it.
        assert_eq!(
            (lesson.title.as_str(), lesson.slug.as_str()),
            ("Mi lección", "mi-leccion")
        );
        let question = lesson.steps[0].question.as_ref().expect("asked");
        let Answer::Choices(choices) = &question.answer else {
            panic!("a yes-or-no question: {:?}", question.answer);
        };
        let texts: Vec<&str> = choices.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["Sí", "No"]);
        assert!(lesson::load(&lesson::write(&lesson)).is_ok());
        // The Spanish decimal mark is the thread's: back to the point for the tests after.
        super::super::language::use_decimal_mark(&Catalogue::parse("num.decimal .\n"));
    }

    #[test]
    fn the_recorder_turns_the_run_and_the_teachers_words_into_a_lesson() {
        let mut s = sandbox();
        s.recorder = Some(Recorder {
            title: "  When the leader crashes! ".into(),
            ..Recorder::default()
        });
        play(&mut s, 600);
        let leader = s.world().leader().expect("a leader after 600 ms");
        s.handle(UiCommand::Select(Some(Selection::Node(leader))));
        s.handle(UiCommand::NodeAction(NodeVerb::Stop));
        play(&mut s, 800);
        let lesson = s.recorded_lesson().expect("recording");
        assert_eq!(lesson.slug, "when-the-leader-crashes");
        assert_eq!(lesson.title, "When the leader crashes!");
        assert_eq!(lesson.steps.len(), 2);
        assert_eq!(lesson.steps[1].caption, format!("{leader} was stopped."));
        s.edit_recorded(1, RecorderField::Caption, "We crash  the leader.".into());
        s.edit_recorded(1, RecorderField::Question, "Who leads next?".into());
        s.edit_recorded(
            0,
            RecorderField::Question,
            "Is there a leader at first?".into(),
        );
        s.edit_recorded(0, RecorderField::Answer, "no".into());
        s.edit_recorded(1, RecorderField::Until, "leader elected".into());
        let lesson = s.recorded_lesson().expect("recording");
        assert_eq!(lesson.steps[1].until, tour::Condition::LeaderElected);
        assert!(matches!(lesson.steps[0].until, tour::Condition::After(_)));
        assert_eq!(lesson.steps[1].caption, "We crash the leader.");
        let q1 = lesson.steps[1].question.as_ref().expect("asked");
        assert_eq!(q1.answer, Answer::Server(RightServer::Leader));
        let q0 = lesson.steps[0].question.as_ref().expect("asked");
        assert_eq!(
            q0.answer,
            Answer::Choices(vec![
                Choice {
                    text: "Yes".into(),
                    right: Right::Never
                },
                Choice {
                    text: "No".into(),
                    right: Right::Always
                },
            ])
        );
        s.preview_recorded();
        let runner = s.tour().expect("previewing");
        assert_eq!(runner.chapter().title, "When the leader crashes!");
        assert_eq!(runner.chapter().steps.len(), 2);
        // The lesson no longer follows the run: playing the preview does not change it.
        let before = s.recorded_lesson();
        play(&mut s, 3000);
        assert_eq!(s.recorded_lesson(), before);
        assert!(s.notices().is_empty(), "{:?}", s.notices());
    }

    #[test]
    fn lesson_ids_come_from_titles() {
        assert_eq!(lesson_id("My first lesson"), "my-first-lesson");
        assert_eq!(
            lesson_id("  Raft: élections & logs!  "),
            "raft-elections-logs"
        );
        assert_eq!(
            lesson_id("Mi lección: ¿quién LIDERA?"),
            "mi-leccion-quien-lidera"
        );
        assert_eq!(lesson_id("我的课程"), "lesson");
        assert_eq!(lesson_id("¿?"), "lesson");
        assert_eq!(lesson_id(&"a ".repeat(50)).len(), 39);
    }
}
