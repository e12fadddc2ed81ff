//! The space-time diagram: one lane per server and client, time running to the right, every
//! message an arrow from its send to its delivery (or a cross where it was lost).
//!
//! It is drawn as one SVG string, for two reasons: the same text is the standalone file that
//! "Export SVG" saves (for slides and exam papers), and markup built as text costs the bundle far
//! less than the same markup built element by element. Its looks are main.css's `.st` rules
//! (the page's policy forbids inline styles); an exported file carries a copy of them. Only what falls in the window is drawn,
//! at most [`MAX_ARROWS`] arrows, so a long run costs what is on screen, not what happened.
//! Coordinates are whole pixels: no float formatting.

use std::fmt::Write;

use super::event_list::{escape, format_time, say_with};
use super::inspector::endpoint_name;
use crate::i18n::Catalogue;
use crate::raft::{Endpoint, Fields, MessageKind, Role, Time};
use crate::sim::history::{Fate, History, LaneState, MarkKind, MessageRecord};
use crate::sim::network::MessageId;
use crate::sim::DropReason;

/// Width of the lane names' column, in pixels.
const GUTTER: u64 = 34;
/// Height of the time axis above the lanes.
const AXIS: u64 = 16;
/// Distance between two lanes.
const PITCH: u64 = 20;
/// The most arrows drawn at once; past it the heartbeats go first, then the diagram says how
/// many it left out.
pub const MAX_ARROWS: usize = 200;
/// The shortest and longest windows, in microseconds of virtual time.
pub const MIN_SPAN_US: Time = 2_000;
/// See [`MIN_SPAN_US`].
pub const MAX_SPAN_US: Time = 4 * 3_600 * 1_000_000;

/// How the diagram is looked at: which stretch of time, and what is folded away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpacetimeView {
    /// How much virtual time the width shows.
    pub span_us: Time,
    /// Where the window starts; `None` follows the present (the window ends at "now").
    pub start_us: Option<Time>,
    /// Whether heartbeats (empty AppendEntries and their successful answers) are hidden.
    pub fold_heartbeats: bool,
    /// The message whose fields are shown under the diagram.
    pub selected: Option<MessageId>,
}

impl Default for SpacetimeView {
    fn default() -> Self {
        SpacetimeView {
            span_us: 2_000_000,
            start_us: None,
            fold_heartbeats: false,
            selected: None,
        }
    }
}

/// What a gesture or a button asks of the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpacetimeCommand {
    /// Move the window by this much virtual time (negative: to the past).
    Pan(i64),
    /// Zoom by `factor` (above 1: zoom out) keeping the moment `at` where it is.
    Zoom {
        /// How much longer the window gets.
        factor: f64,
        /// The moment that stays put.
        at: Time,
    },
    /// Show the last this-many microseconds, and follow the present.
    FitLast(Time),
    /// Show the whole run.
    FitAll,
    /// Fold or unfold the heartbeats.
    ToggleHeartbeats,
    /// Show a message's fields (or none).
    Select(Option<MessageId>),
}

impl SpacetimeView {
    /// The window `(start, span)` at virtual time `now`, in a run known up to `end`.
    pub fn window(&self, now: Time) -> (Time, Time) {
        match self.start_us {
            Some(start) => (start, self.span_us),
            // Following a run younger than the window: the run so far fills the width (with a
            // tenth to spare), rather than a sliver at its left.
            None if now < self.span_us => {
                (0, (now + now / 10).max(MIN_SPAN_US * 50).min(self.span_us))
            }
            None => (now - self.span_us, self.span_us),
        }
    }

    /// Carries out `command`, at virtual time `now`, in a run known up to `end`.
    pub fn apply(&mut self, command: SpacetimeCommand, now: Time, end: Time) {
        let (start, span) = self.window(now);
        match command {
            SpacetimeCommand::Pan(by) => {
                let moved = start
                    .saturating_add_signed(by)
                    .min(end.saturating_sub(span / 2));
                self.start_us = Some(moved);
            }
            SpacetimeCommand::Zoom { factor, at } => {
                let factor = if factor.is_finite() && factor > 0.0 {
                    factor
                } else {
                    1.0
                };
                let new_span = ((span as f64 * factor) as Time).clamp(MIN_SPAN_US, MAX_SPAN_US);
                // Keep `at` at the same fraction of the width.
                let at = at.clamp(start, start + span);
                let left = (at - start) as f64 / span as f64;
                let new_start = at.saturating_sub((left * new_span as f64) as Time);
                self.span_us = new_span;
                // Following the present stays so unless the new window ends before "now".
                if self.start_us.is_some() || new_start + new_span < now {
                    self.start_us = Some(new_start);
                }
            }
            SpacetimeCommand::FitLast(span) => {
                self.span_us = span.clamp(MIN_SPAN_US, MAX_SPAN_US);
                self.start_us = None;
            }
            SpacetimeCommand::FitAll => {
                self.span_us = end.max(now).clamp(MIN_SPAN_US, MAX_SPAN_US);
                self.start_us = Some(0);
            }
            SpacetimeCommand::ToggleHeartbeats => self.fold_heartbeats = !self.fold_heartbeats,
            SpacetimeCommand::Select(id) => self.selected = id,
        }
    }
}

/// The names of the lanes, servers first.
fn lane_of(history: &History, endpoint: Endpoint) -> u64 {
    match endpoint {
        Endpoint::Node(n) => n.index() as u64,
        Endpoint::Client(c) => (history.servers() + c.index()) as u64,
    }
}

fn lane_name(history: &History, lane: usize) -> String {
    match lane.checked_sub(history.servers()) {
        None => crate::raft::NodeId(lane as u8).name(),
        Some(client) => format!("C{}", client + 1),
    }
}

/// The class that gives a message the ring's colour for its kind, and whether it is good news.
pub fn message_class(kind: MessageKind, fields: &Fields) -> &'static str {
    match kind {
        MessageKind::RequestVote => "msg-vote",
        MessageKind::PreVote => "msg-prevote",
        MessageKind::RequestVoteReply | MessageKind::PreVoteReply if fields.ok => "msg-vote-yes",
        MessageKind::RequestVoteReply | MessageKind::PreVoteReply => "msg-vote-no",
        MessageKind::AppendEntries if fields.count == 0 => "msg-heartbeat",
        MessageKind::AppendEntries => "msg-append",
        MessageKind::AppendEntriesReply if fields.ok => "msg-append-ok",
        MessageKind::AppendEntriesReply => "msg-append-fail",
        MessageKind::ClientRequest => "msg-client",
        MessageKind::ClientResponse if fields.ok => "msg-client-ok",
        MessageKind::ClientResponse => "msg-client-redirect",
        MessageKind::TimeoutNow => "msg-timeout-now",
        MessageKind::InstallSnapshot => "msg-snapshot",
        MessageKind::InstallSnapshotReply => "msg-append-ok",
    }
}

/// A message in words, for its tooltip and the line under the diagram: kind, ends, times and
/// fields, in the words of `words` (nothing before they come). Each fate is a sentence of its
/// own, so that a language may order it as it likes. (The diagram's keys are short, `d0` to
/// `d17`, described in `i18n/en.txt`: each is text in the page's code, which has a budget.)
pub fn describe_message(m: &MessageRecord, words: Option<&Catalogue>) -> String {
    let key = match m.fate {
        Fate::Delivered => "d2",
        Fate::InFlight => "d3",
        Fate::Lost(DropReason::Loss) => "d4",
        Fate::Lost(DropReason::Partition) => "d5",
        Fate::Lost(DropReason::LinkCut) => "d6",
        Fate::Lost(DropReason::Stopped) => "d7",
        Fate::Lost(DropReason::User) => "d8",
    };
    let mut message = m.fields.summary(m.kind);
    if m.duplicate {
        message = say_with(words, "d1", &[("message", &message)]);
    }
    say_with(
        words,
        key,
        &[
            ("from", &endpoint_name(m.from, words)),
            ("to", &endpoint_name(m.to, words)),
            ("message", &message),
            ("sent", &format_time(m.sent_at)),
            ("at", &format_time(m.end_at)),
        ],
    )
}

/// A message's tooltip: its words as an SVG `<title>`.
pub fn title(m: &MessageRecord, words: Option<&Catalogue>) -> String {
    format!("<title>{}</title>", escape(&describe_message(m, words)))
}

/// Everything the drawing depends on, besides the history.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// The view.
    pub view: SpacetimeView,
    /// The present moment of the world on screen.
    pub now: Time,
    /// The drawing's width in pixels.
    pub width: u64,
}

/// The layers of a drawing, bottom to top.
pub const LAYERS: usize = 6;
/// The layers that move with the window: axis, lanes, marks, arrows, the present. (The last,
/// the lanes' names and the notices, stays put.)
const MOVING: usize = 5;
/// The layer of the present: the line for "now" and the cover over what is not known yet.
pub const PRESENT: usize = 4;

/// The diagram, as the markup of each element, layer by layer.
///
/// Where an element sits does not depend on where the window starts, only on its zoom: the
/// moving layers are shifted left by [`Drawing::shift`] as a whole. So while the window follows
/// the present or is dragged, every element keeps its markup and the page (which keeps an element
/// as long as its markup is unchanged) only adds the new arrows, drops the old, and moves one
/// group. Coordinates are counted from an origin that moves in steps of four windows, so they
/// stay small in long runs.
#[derive(Clone, Debug, Default)]
pub struct Drawing {
    /// Width and height in pixels.
    pub width: u64,
    /// See [`Drawing::width`].
    pub height: u64,
    /// How far left the moving layers are shifted, in pixels.
    pub shift: i64,
    /// What it shows, for its accessible name.
    pub label: String,
    /// Each layer's elements, as markup.
    pub layers: [Vec<String>; LAYERS],
}

impl Drawing {
    /// The SVG document: the frame, and the elements too when `items` (the page adds those
    /// itself). `css`, for a file of its own, is the diagram's style rules (the page's, read from
    /// its style sheet; see main.css); it comes with the XML namespace.
    pub fn svg(&self, items: bool, css: Option<&str>) -> String {
        let (width, height) = (self.width, self.height);
        let mut s = format!(
            r#"<svg class="st" {}width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}">{}<defs><marker id="st-head" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="context-stroke"/></marker><clipPath id="st-clip"><rect x="{GUTTER}" width="{}" height="{height}"/></clipPath></defs><rect class="bg" width="{width}" height="{height}"/><g clip-path="url(#st-clip)"><g class="st-move" transform="translate({} 0)">"#,
            if css.is_some() {
                r#"xmlns="http://www.w3.org/2000/svg" "#
            } else {
                ""
            },
            self.label,
            css.map(|css| format!("<style>{css}</style>"))
                .unwrap_or_default(),
            width - GUTTER,
            self.shift
        );
        for (i, layer) in self.layers.iter().enumerate() {
            if i == MOVING {
                s.push_str("</g></g>");
            }
            let _ = write!(s, r#"<g class="ly{i}">"#);
            if items {
                layer.iter().for_each(|item| s.push_str(item));
            }
            s.push_str("</g>");
        }
        s.push_str("</svg>");
        s
    }
}

/// The diagram's elements for `frame`, its titles in the words of `words` (empty before they
/// come); with `all` false, only what moves with the clock (the shift, the present, the cover
/// over what is not known yet): the rest is left empty.
pub fn draw(history: &History, frame: &Frame, all: bool, words: Option<&Catalogue>) -> Drawing {
    let (start, span) = frame.view.window(frame.now);
    let span = span.max(1);
    let end = start + span;
    let width = frame.width.max(GUTTER + 60);
    let plot = (width - GUTTER - 6) as i64;
    let origin = start - start % (span * 4);
    // Far enough left and right of any window that starts within four windows of the origin.
    let (far_left, far_right) = (origin.saturating_sub(span), origin + 6 * span);
    let x = |t: Time| GUTTER as i64 + (t as i64 - origin as i64) * plot / span as i64;
    let lanes = (history.servers() + history.clients()) as u64;
    let height = AXIS + lanes * PITCH + 4;
    let y = |lane: u64| AXIS + lane * PITCH + PITCH / 2;
    let mut d = Drawing {
        width,
        height,
        shift: GUTTER as i64 - x(start),
        label: say_with(
            words,
            "d0",
            &[("start", &format_time(start)), ("end", &format_time(end))],
        ),
        layers: Default::default(),
    };
    let [axis, lane_layer, marks, arrows, present, labels] = &mut d.layers;
    if all {
        // The time axis: a tick every 1, 2 or 5 times a power of ten, about every 90 px.
        let mut step: Time = 1_000;
        while step as i64 * plot / (span as i64) < 90 {
            step = match step.to_string().as_bytes()[0] {
                b'1' => step * 2,
                b'2' => step * 5 / 2,
                _ => step * 2,
            };
        }
        let mut t = start.div_ceil(step) * step;
        while t <= end {
            axis.push(format!(
            r#"<g><line class="axis" x1="{0}" x2="{0}" y1="{AXIS}" y2="{height}"/><text class="tick" x="{0}" y="11" text-anchor="middle">{1}</text></g>"#,
            x(t),
            format_time(t)
        ));
            t += step;
        }
        // Lanes: one line per stretch of role, labelled with the term where it changes; the name
        // and the term at the window's left edge in the margin.
        for lane in 0..history.servers() {
            let changes = history.lane(lane);
            let yl = y(lane as u64);
            let first = changes.partition_point(|c| c.at <= start).saturating_sub(1);
            labels.push(format!(
            r#"<g data-testid="spacetime-lane" data-node="{0}"><text x="4" y="{1}">{0}</text><text class="term" x="16" y="{1}">{2}</text></g>"#,
            lane_name(history, lane),
            yl + 4,
            changes.get(first).map_or(String::new(), |c| format!("T{}", c.state.term))
        ));
            for (i, change) in changes.iter().enumerate().skip(first) {
                if change.at > end {
                    break;
                }
                // The last stretch runs on to the right: what is not known yet is covered (below).
                let until = changes
                    .get(i + 1)
                    .map_or(far_right, |c| c.at.min(far_right));
                let (x1, x2) = (x(change.at.max(far_left)), x(until));
                let state = change.state;
                let new_term = i == 0 || changes[i - 1].state.term != state.term;
                lane_layer.push(format!(
                    r#"<line class="lane {}" x1="{x1}" x2="{x2}" y1="{yl}" y2="{yl}"/>"#,
                    role_class(state)
                ));
                if new_term && x2 > x1 + 14 {
                    lane_layer.push(format!(
                        r#"<text class="term" x="{}" y="{}">T{}</text>"#,
                        x1 + 2,
                        yl - 5,
                        state.term
                    ));
                }
            }
        }
        for client in 0..history.clients() {
            let lane = history.servers() + client;
            let yl = y(lane as u64);
            labels.push(format!(
            r#"<g data-testid="spacetime-lane" data-node="{0}"><text x="4" y="{1}">{0}</text></g>"#,
            lane_name(history, lane),
            yl + 4
        ));
            lane_layer.push(format!(
                r#"<line class="lane c-lane" x1="{}" x2="{}" y1="{yl}" y2="{yl}"/>"#,
                x(far_left),
                x(far_right)
            ));
        }
        for m in history.marks_between(start, end) {
            let xm = x(m.at);
            let Some(lane) = m.lane else {
                let class = if m.kind == MarkKind::Violation {
                    "bad"
                } else {
                    "net"
                };
                marks.push(format!(
                    r#"<line class="{class}" x1="{xm}" x2="{xm}" y1="{AXIS}" y2="{height}"/>"#
                ));
                continue;
            };
            let ym = y(lane_of(history, lane));
            // Each mark's shape, and its words: a catalogue entry whose one number (if any) is
            // the term or the index it names.
            let (class, shape, key, n) = match m.kind {
                MarkKind::Elected(t) => ("mk-elected", "m-5 0 5-5 5 5-5 5z", "d9", t),
                MarkKind::Committed(i) => ("mk-commit", "m-2-6h4v12h-4z", "d10", i),
                MarkKind::Truncated(i) => ("mk-truncate", "m-5-5h10l-5 10z", "d11", i),
                MarkKind::Snapshot(i) => ("mk-snapshot", "m-4-4h8v8h-8z", "d12", i),
                MarkKind::Config => ("mk-config", "m0-6 6 6-6 6-6-6z", "d13", 0),
                MarkKind::Invoked => ("mk-client", "m-3-3h6v6h-6z", "d14", 0),
                MarkKind::Completed => ("mk-client", "m-3-3h6v6h-6z", "d15", 0),
                MarkKind::Network | MarkKind::Violation => continue,
            };
            marks.push(format!(
                r#"<path class="mk {class}" d="M{xm} {ym}{shape}"><title>{}</title></path>"#,
                say_with(words, key, &[("term", &n), ("index", &n)])
            ));
        }
        // Votes, entries and answers first, then heartbeats (unless folded) while there is room,
        // the newest first: the present is where the eye is.
        let candidates = history.messages_between(start, end);
        let mut eligible = 0;
        let beats = candidates.iter().rev().filter(|m| m.heartbeat);
        let others = candidates.iter().filter(|m| !m.heartbeat);
        for m in others.chain(beats) {
            if m.end_at < start || (m.heartbeat && frame.view.fold_heartbeats) {
                continue;
            }
            eligible += 1;
            if arrows.len() < MAX_ARROWS {
                arrows.push(arrow(history, m, frame.view.selected, words, &x, &y));
            }
        }
        if arrows.len() < eligible {
            // The whole element is the catalogue's markup (it costs the code less than a
            // format of its own around the words).
            labels.push(say_with(
                words,
                "d16",
                &[
                    ("x", &(width - 8)),
                    ("y", &(height - 6)),
                    ("shown", &arrows.len()),
                    ("total", &eligible),
                ],
            ));
        }
    }
    // What is not known yet is covered, so that the lanes and the messages on their way need not
    // change as the clock runs (they are drawn in full; the cover moves).
    let known = x(history.end().min(far_right));
    present.push(format!(
        r#"<rect class="bg" x="{known}" width="{}" height="{height}"/>"#,
        x(far_right) - known
    ));
    if frame.now < end && frame.now >= start {
        let xn = x(frame.now);
        if history.end() > frame.now {
            // What is known of the future (after stepping back) is dimmed.
            present.push(format!(
                r#"<rect class="future" x="{xn}" y="{AXIS}" width="{}" height="{}"/>"#,
                x(history.end().min(far_right)) - xn,
                lanes * PITCH
            ));
        }
        present.push(format!(
            r#"<line class="now" x1="{xn}" x2="{xn}" y1="0" y2="{height}"><title>{}</title></line>"#,
            say_with(words, "d17", &[("at", &format_time(frame.now))])
        ));
    }
    d
}

fn role_class(state: LaneState) -> &'static str {
    if state.stopped {
        return "r-stopped";
    }
    match state.role {
        Role::Leader => "r-leader",
        Role::Candidate | Role::PreCandidate => "r-candidate",
        Role::Follower => "r-follower",
    }
}

/// One message's arrow: a group carrying what the tests and the page read (its id, kind, ends
/// and times), its words (the tooltip), a wide invisible line that is easy to hit, the line
/// itself, and a cross where it was lost. A message
/// still on its way is drawn to where it is due, and the cover over what is not known yet hides
/// the rest: its markup does not change until it arrives.
fn arrow(
    history: &History,
    m: &MessageRecord,
    selected: Option<MessageId>,
    words: Option<&Catalogue>,
    x: &impl Fn(Time) -> i64,
    y: &impl Fn(u64) -> u64,
) -> String {
    let (y1, ye) = (y(lane_of(history, m.from)), y(lane_of(history, m.to)));
    let (x1, x2) = (x(m.sent_at), x(m.end_at));
    let arrived = m.fate == Fate::Delivered;
    let mut s = format!(
        r#"<g data-testid="spacetime-message" data-id="{}" data-type="{}" data-from="{}" data-to="{}" data-sent-us="{}" "#,
        m.id,
        m.kind.name(),
        m.from,
        m.to,
        m.sent_at
    );
    let _ = match m.fate {
        Fate::Lost(_) => s.write_str(r#"data-lost="true">"#),
        Fate::Delivered => write!(s, r#"data-delivered-us="{}">"#, m.end_at),
        Fate::InFlight => s.write_str(r#"data-in-flight="true">"#),
    };
    s.push_str(&title(m, words));
    let _ = write!(
        s,
        r#"<line class="hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{ye}"/><line class="m {}{}{}{}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{ye}"{}/>"#,
        message_class(m.kind, &m.fields),
        if m.heartbeat { " hb" } else { "" },
        if m.duplicate { " dup" } else { "" },
        if selected == Some(m.id) { " sel" } else { "" },
        if arrived {
            r#" marker-end="url(#st-head)""#
        } else {
            ""
        },
    );
    if let Fate::Lost(_) = m.fate {
        let _ = write!(
            s,
            r#"<path class="lost" d="M{} {}l8 8m0-8l-8 8"/>"#,
            x2 - 4,
            ye - 4
        );
    }
    s.push_str("</g>");
    s
}

/// The diagram as a file of its own, for "Export SVG", styled by `css` (the diagram's rules),
/// in the words of `words` (those of the page).
pub fn standalone(
    history: &History,
    frame: &Frame,
    css: &str,
    words: Option<&Catalogue>,
) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        draw(history, frame, true, words).svg(true, Some(css))
    )
}

/// The moment under pixel `px` (from the drawing's left edge) of a drawing `width` wide.
pub fn time_at(view: &SpacetimeView, now: Time, width: u64, px: f64) -> Time {
    let (start, span) = view.window(now);
    let plot = width.max(GUTTER + 60) - GUTTER - 6;
    let px = (px - GUTTER as f64).clamp(0.0, plot as f64);
    start + (px / plot as f64 * span as f64) as Time
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Config, World, MS, SECOND};

    /// A five-server run of `until` with one client command a second, and its history.
    fn busy(until: Time) -> (World, History) {
        let mut world = World::new(Config {
            cluster_size: 5,
            seed: 11,
            loss_per_mille: 40,
            ..Config::default()
        })
        .expect("valid");
        let mut history = History::default();
        world.advance_to(until);
        history.sync(&world);
        (world, history)
    }

    fn frame(now: Time, view: SpacetimeView) -> Frame {
        Frame {
            view,
            now,
            width: 800,
        }
    }

    #[test]
    fn following_the_present_keeps_every_element_but_the_present() {
        let (mut world, mut history) = busy(3 * SECOND);
        let view = SpacetimeView::default();
        let before = draw(&history, &frame(world.now(), view), true, None);
        world.advance_to(world.now() + 40 * MS);
        history.sync(&world);
        let after = draw(&history, &frame(world.now(), view), true, None);
        // 40 ms of an 800 px drawing two seconds wide, less the margins: 15 px.
        assert_eq!(before.shift - after.shift, 15);
        // Each arrow, lane and mark drawn before is drawn alike after unless the message it
        // stands for has arrived or been lost since: only the new and the changed are redrawn.
        for layer in [1, 2, 3] {
            let kept = before.layers[layer]
                .iter()
                .filter(|item| after.layers[layer].contains(item))
                .count();
            let changed = before.layers[layer].len() - kept;
            assert!(
                changed * 5 <= before.layers[layer].len(),
                "layer {layer}: {changed} of {} changed",
                before.layers[layer].len()
            );
        }
        let in_flight = before.layers[3]
            .iter()
            .filter(|item| item.contains("data-in-flight"))
            .count();
        assert!(in_flight > 0);
        // Drawn in part, only the present is there.
        let part = draw(&history, &frame(world.now(), view), false, None);
        assert_eq!(part.shift, after.shift);
        assert_eq!(part.layers[PRESENT], after.layers[PRESENT]);
        assert!((0..LAYERS).all(|i| i == PRESENT || part.layers[i].is_empty()));
    }

    #[test]
    fn past_the_arrow_budget_the_newest_heartbeats_are_drawn_and_the_rest_counted() {
        let (world, history) = busy(20 * SECOND);
        let view = SpacetimeView {
            span_us: 20 * SECOND,
            start_us: Some(0),
            ..SpacetimeView::default()
        };
        let words = crate::i18n::english();
        let d = draw(&history, &frame(world.now(), view), true, Some(&words));
        let arrows = &d.layers[3];
        assert_eq!(arrows.len(), MAX_ARROWS);
        assert!(d.layers[5]
            .iter()
            .any(|l| l.contains(&format!("{MAX_ARROWS} of "))));
        let sent = |item: &String| -> Time {
            let at = item.find("data-sent-us=\"").expect("a send time") + 14;
            item[at..].split('"').next().unwrap().parse().unwrap()
        };
        let newest_beat = arrows
            .iter()
            .filter(|a| a.contains(" hb"))
            .map(sent)
            .max()
            .expect("heartbeats drawn");
        assert!(
            newest_beat + SECOND > world.now(),
            "the newest heartbeats are drawn"
        );
    }

    #[test]
    fn an_exported_file_is_the_page_drawing_with_words_and_styles() {
        let (world, history) = busy(2 * SECOND);
        let f = frame(world.now(), SpacetimeView::default());
        let words = crate::i18n::english();
        let file = standalone(&history, &f, ".st .m{}", Some(&words));
        assert!(file.starts_with("<?xml"));
        assert!(file.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
        assert!(file.contains("<style>.st .m{}</style>"));
        let arrows = file.matches(r#"data-testid="spacetime-message""#).count();
        assert!(arrows > 10);
        assert_eq!(
            file.matches("<title>").count() - file.matches("<path class=\"mk").count(),
            arrows + usize::from(file.contains("now: "))
        );
        assert_eq!(file.matches("<g").count(), file.matches("</g>").count());
    }

    /// Every word of the diagram comes from the catalogue: none before it comes, the reader's
    /// once it has (the message names and Figure 2's fields stay as they are).
    #[test]
    fn the_diagram_speaks_the_reader_s_language() {
        let (world, history) = busy(20 * SECOND);
        let whole = SpacetimeView {
            span_us: 20 * SECOND,
            start_us: Some(0),
            ..SpacetimeView::default()
        };
        let f = frame(world.now(), whole);
        let none = draw(&history, &f, true, None);
        assert_eq!(none.label, "");
        assert!(none.layers[3].iter().all(|a| a.contains("<title></title>")));
        let spanish = Catalogue::parse(include_str!("../../i18n/es.txt"));
        let d = draw(&history, &f, true, Some(&spanish));
        assert!(
            d.label.starts_with("Diagrama espacio-tiempo de 0"),
            "{}",
            d.label
        );
        let all: String = d.layers.iter().flatten().cloned().collect();
        for english in [
            " sent ",
            ", delivered ",
            "lost by",
            "elected leader",
            "now: ",
            " of ",
        ] {
            assert!(!all.contains(english), "{english:?} in Spanish");
        }
        for spanish in [
            ", enviado en ",
            "elegido líder del mandato",
            "mensajes: acerca",
        ] {
            assert!(all.contains(spanish), "{spanish:?} missing");
        }
        // A message's words in full: ends, its fields, when it was sent and what became of it.
        let english = crate::i18n::english();
        for m in &history.messages()[..40] {
            let said = describe_message(m, Some(&english));
            assert!(
                said.starts_with(&format!("{} → {}: {}(", m.from, m.to, m.kind.name())),
                "{said}"
            );
            assert!(said.contains(", sent "), "{said}");
            assert!(!said.contains('{'), "{said}");
        }
    }
}
