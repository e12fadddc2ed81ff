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

use crate::raft::{Endpoint, Fields, MessageKind, Role, Time};
use crate::sim::history::{Fate, History, LaneState, MarkKind, MessageRecord};
use crate::sim::network::MessageId;

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

/// Seconds with milliseconds, e.g. `1.250 s`.
fn seconds(us: Time) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

/// A message in words, for its tooltip and the line under the diagram: kind, ends, times and
/// fields.
pub fn describe_message(m: &MessageRecord) -> String {
    let mut text = format!(
        "{} → {}: {}{}, sent {}",
        m.from,
        m.to,
        m.fields.summary(m.kind),
        if m.duplicate { " (a duplicate)" } else { "" },
        seconds(m.sent_at)
    );
    let _ = match m.fate {
        Fate::Delivered => write!(text, ", delivered {}", seconds(m.end_at)),
        Fate::Lost(reason) => write!(text, ", {} at {}", reason.describe(), seconds(m.end_at)),
        Fate::InFlight => write!(text, ", due {}", seconds(m.end_at)),
    };
    text
}

/// Escapes text for SVG content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Everything the drawing depends on, besides the history.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// The view.
    pub view: SpacetimeView,
    /// The present moment of the world on screen.
    pub now: Time,
    /// The drawing's width in pixels.
    pub width: u64,
    /// For a file of its own: the diagram's style rules (the page's, read from its style sheet;
    /// see main.css), put in the file with the XML namespace. `None` for the page.
    pub standalone: Option<&'a str>,
}

/// The diagram as SVG markup.
pub fn render(history: &History, frame: &Frame) -> String {
    let (start, span) = frame.view.window(frame.now);
    let span = span.max(1);
    let end = start + span;
    let width = frame.width.max(GUTTER + 60);
    let plot = width - GUTTER - 6;
    let x = |t: Time| GUTTER + (t.saturating_sub(start).min(span) * plot) / span;
    let lanes = (history.servers() + history.clients()) as u64;
    let height = AXIS + lanes * PITCH + 4;
    let y = |lane: u64| AXIS + lane * PITCH + PITCH / 2;
    let mut s = String::with_capacity(16_384);
    let _ = write!(
        s,
        r#"<svg class="st" {}width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Space-time diagram from {} to {}">{}<defs><marker id="st-head" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="context-stroke"/></marker></defs><rect class="bg" width="{width}" height="{height}"/>"#,
        if frame.standalone.is_some() {
            r#"xmlns="http://www.w3.org/2000/svg" "#
        } else {
            ""
        },
        seconds(start),
        seconds(end),
        frame
            .standalone
            .map(|css| format!("<style>{css}</style>"))
            .unwrap_or_default()
    );
    // The time axis: a tick every 1, 2 or 5 times a power of ten, about every 90 px.
    let mut step: Time = 1_000;
    while step * plot / span < 90 {
        step = match step.to_string().as_bytes()[0] {
            b'1' => step * 2,
            b'2' => step * 5 / 2,
            _ => step * 2,
        };
    }
    let mut t = start.div_ceil(step) * step;
    while t <= end {
        let _ = write!(
            s,
            r#"<line class="axis" x1="{0}" x2="{0}" y1="{AXIS}" y2="{height}"/><text class="tick" x="{0}" y="11" text-anchor="middle">{1}</text>"#,
            x(t),
            seconds(t)
        );
        t += step;
    }
    // Lanes: one line per stretch of role, labelled with the term where it changes.
    for lane in 0..history.servers() {
        let changes = history.lane(lane);
        let yl = y(lane as u64);
        let _ = write!(
            s,
            r#"<g data-testid="spacetime-lane" data-node="{0}"><text x="4" y="{1}">{0}</text>"#,
            lane_name(history, lane),
            yl + 4
        );
        let first = changes.partition_point(|c| c.at <= start).saturating_sub(1);
        let mut labelled = None;
        for (i, change) in changes.iter().enumerate().skip(first) {
            if change.at > end {
                break;
            }
            let until = changes.get(i + 1).map_or(history.end(), |c| c.at).min(end);
            let (x1, x2) = (x(change.at), x(until));
            let state = change.state;
            let _ = write!(
                s,
                r#"<line class="lane {}" x1="{x1}" x2="{x2}" y1="{yl}" y2="{yl}"/>"#,
                role_class(state)
            );
            // A term is labelled on the first stretch of it wide enough to hold the label.
            if labelled != Some(state.term) && x2 > x1 + 14 {
                labelled = Some(state.term);
                let _ = write!(
                    s,
                    r#"<text class="term" x="{}" y="{}">T{}</text>"#,
                    x1 + 2,
                    yl - 5,
                    state.term
                );
            }
        }
        s.push_str("</g>");
    }
    for client in 0..history.clients() {
        let lane = history.servers() + client;
        let yl = y(lane as u64);
        let _ = write!(
            s,
            r#"<g data-testid="spacetime-lane" data-node="{0}"><text x="4" y="{1}">{0}</text><line class="lane c-lane" x1="{GUTTER}" x2="{2}" y1="{yl}" y2="{yl}"/></g>"#,
            lane_name(history, lane),
            yl + 4,
            x(history.end().min(end))
        );
    }
    for m in history.marks_between(start, end) {
        let xm = x(m.at);
        let Some(lane) = m.lane else {
            let class = if m.kind == MarkKind::Violation {
                "bad"
            } else {
                "net"
            };
            let _ = write!(
                s,
                r#"<line class="{class}" x1="{xm}" x2="{xm}" y1="{AXIS}" y2="{height}"/>"#
            );
            continue;
        };
        let ym = y(lane_of(history, lane));
        let (class, shape) = match m.kind {
            MarkKind::Elected(_) => ("mk-elected", "m-5 0 5-5 5 5-5 5z"),
            MarkKind::Committed(_) => ("mk-commit", "m-2-6h4v12h-4z"),
            MarkKind::Truncated(_) => ("mk-truncate", "m-5-5h10l-5 10z"),
            MarkKind::Snapshot(_) => ("mk-snapshot", "m-4-4h8v8h-8z"),
            MarkKind::Config => ("mk-config", "m0-6 6 6-6 6-6-6z"),
            MarkKind::Invoked | MarkKind::Completed => ("mk-client", "m-3-3h6v6h-6z"),
            MarkKind::Network | MarkKind::Violation => continue,
        };
        let _ = write!(
            s,
            r#"<path class="mk {class}" d="M{xm} {ym}{shape}"><title>{}</title></path>"#,
            mark_words(m.kind)
        );
    }
    // Arrows: the newest first would hide the oldest; draw in sending order, heartbeats only
    // while there is room.
    // Votes, entries and answers first, then heartbeats (unless folded) while there is room.
    let candidates = history.messages_between(start, end);
    let mut shown = 0;
    let mut eligible = 0;
    for beats in [false, true] {
        for m in candidates {
            if m.end_at < start || m.heartbeat != beats || (beats && frame.view.fold_heartbeats) {
                continue;
            }
            eligible += 1;
            if shown < MAX_ARROWS {
                shown += 1;
                arrow(&mut s, history, m, frame, &x, &y);
            }
        }
    }
    if shown < eligible {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{} of {} messages shown: zoom in for the rest</text>"#,
            width - 8,
            height - 6,
            shown,
            eligible
        );
    }
    if frame.now < end && frame.now >= start {
        let xn = x(frame.now);
        if history.end() > frame.now {
            // What is known of the future (after stepping back) is dimmed.
            let _ = write!(
                s,
                r#"<rect class="future" x="{xn}" y="{AXIS}" width="{}" height="{}"/>"#,
                x(history.end().min(end)) - xn,
                lanes * PITCH
            );
        }
        let _ = write!(
            s,
            r#"<line class="now" x1="{xn}" x2="{xn}" y1="0" y2="{height}"><title>now: {}</title></line>"#,
            seconds(frame.now)
        );
    }
    s.push_str("</svg>");
    s
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

fn mark_words(kind: MarkKind) -> String {
    match kind {
        MarkKind::Elected(term) => format!("elected leader of term {term}"),
        MarkKind::Committed(index) => format!("commit index {index}"),
        MarkKind::Truncated(index) => format!("conflicting entries deleted from index {index}"),
        MarkKind::Snapshot(index) => format!("snapshot up to index {index}"),
        MarkKind::Config => "configuration change".to_string(),
        MarkKind::Invoked => "command sent".to_string(),
        MarkKind::Completed => "result received".to_string(),
        MarkKind::Network => "network changed".to_string(),
        MarkKind::Violation => "safety violation".to_string(),
    }
}

fn arrow(
    s: &mut String,
    history: &History,
    m: &MessageRecord,
    frame: &Frame,
    x: &impl Fn(Time) -> u64,
    y: &impl Fn(u64) -> u64,
) {
    let (y1, y2) = (y(lane_of(history, m.from)), y(lane_of(history, m.to)));
    // A message still on its way at the end of what is known is drawn as far as it got. (After
    // stepping back, the known future is drawn in full, dimmed.)
    let shown_end = if m.fate == Fate::InFlight {
        m.end_at.min(frame.now.max(m.sent_at))
    } else {
        m.end_at
    };
    let flight = (m.end_at - m.sent_at).max(1);
    let reached = |lane_y1: u64, lane_y2: u64| {
        let done = (shown_end - m.sent_at) as i64;
        (lane_y1 as i64 + (lane_y2 as i64 - lane_y1 as i64) * done / flight as i64) as u64
    };
    let (x1, x2, ye) = (x(m.sent_at), x(shown_end), reached(y1, y2));
    let arrived = m.fate == Fate::Delivered && shown_end == m.end_at;
    let _ = write!(
        s,
        r#"<g data-testid="spacetime-message" data-id="{}" data-type="{}" data-from="{}" data-to="{}" data-sent-us="{}" "#,
        m.id,
        m.kind.name(),
        m.from,
        m.to,
        m.sent_at
    );
    let _ = match m.fate {
        Fate::Lost(_) if shown_end == m.end_at => s.write_str(r#"data-lost="true">"#),
        Fate::Delivered if arrived => write!(s, r#"data-delivered-us="{}">"#, m.end_at),
        _ => s.write_str(r#"data-in-flight="true">"#),
    };
    let _ = write!(
        s,
        r#"<title>{}</title><line class="hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{ye}"/><line class="m {}{}{}{}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{ye}"{}/>"#,
        escape(&describe_message(m)),
        message_class(m.kind, &m.fields),
        if m.heartbeat { " hb" } else { "" },
        if m.duplicate { " dup" } else { "" },
        if frame.view.selected == Some(m.id) {
            " sel"
        } else {
            ""
        },
        if arrived {
            r#" marker-end="url(#st-head)""#
        } else {
            ""
        },
    );
    if let (Fate::Lost(_), true) = (m.fate, shown_end == m.end_at) {
        let _ = write!(
            s,
            r#"<path class="lost" d="M{} {}l8 8m0-8l-8 8"/>"#,
            x2 as i64 - 4,
            ye as i64 - 4
        );
    }
    s.push_str("</g>");
}

/// The diagram as a file of its own, for "Export SVG", styled by `css` (the diagram's rules).
pub fn standalone(
    history: &History,
    view: SpacetimeView,
    now: Time,
    width: u64,
    css: &str,
) -> String {
    let frame = Frame {
        view,
        now,
        width,
        standalone: Some(css),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
        render(history, &frame)
    )
}

/// The moment under pixel `px` (from the drawing's left edge) of a drawing `width` wide.
pub fn time_at(view: &SpacetimeView, now: Time, width: u64, px: f64) -> Time {
    let (start, span) = view.window(now);
    let plot = width.max(GUTTER + 60) - GUTTER - 6;
    let px = (px - GUTTER as f64).clamp(0.0, plot as f64);
    start + (px / plot as f64 * span as f64) as Time
}
