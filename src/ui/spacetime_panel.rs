//! The space-time diagram's panel: the drawing (see [`super::spacetime`]) and what a person does
//! with it. Click to go to that moment (or to pick a message and read its fields), drag or swipe
//! to pan, wheel or pinch to zoom, and the keyboard: arrows pan, + and − zoom, Home shows the
//! whole run, End follows the present.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Element, HtmlElement, KeyboardEvent, PointerEvent, WheelEvent};
use yew::prelude::*;

use super::event_list::command_of;
use super::frozen::fingerprint;
use super::sandbox::{Sandbox, UiCommand};
use super::say;
use super::share_panel::download;
use super::spacetime::{
    describe_message, draw, standalone, time_at, Frame, SpacetimeCommand, LAYERS, PRESENT,
};
use crate::raft::Time;

/// What the page keeps for the diagram between frames: where it is drawn, how wide it is, and
/// the pointers held down on it.
#[derive(Default)]
pub struct SpacetimeUi {
    /// The element the drawing goes in.
    pub area: NodeRef,
    /// Its width in pixels when last measured (0 before the first measure).
    pub width: u64,
    /// Renders since the page started, to measure now and then.
    renders: u32,
    pointers: Pointers,
    /// What is on the page, to change only what changed.
    shown: Option<Shown>,
}

/// The drawing on the page: its elements, and a fingerprint of what it was drawn from.
struct Shown {
    /// The element it was drawn in (a panel drawn anew has a new one).
    area: Element,
    svg: Element,
    /// The group that the window's moves shift.
    moving: Element,
    /// Each layer's group, and its elements with a fingerprint of their markup.
    layers: Vec<(Element, Vec<(u64, Element)>)>,
    /// Width and height.
    size: (u64, u64),
    /// A fingerprint of what it shows.
    version: u64,
}

/// Brings `layer`'s elements in line with `items`: an element whose markup is unchanged stays,
/// the others go, the new ones are added at the top in one go.
fn reconcile(layer: &mut (Element, Vec<(u64, Element)>), items: &[String]) {
    let mut old = std::mem::take(&mut layer.1);
    let mut kept = Vec::with_capacity(items.len());
    let mut markup = String::new();
    let mut added = Vec::new();
    for item in items {
        let key = fingerprint(item);
        match old.iter().position(|(k, _)| *k == key) {
            Some(i) => kept.push(old.swap_remove(i)),
            None => {
                markup.push_str(item);
                added.push(key);
            }
        }
    }
    old.iter().for_each(|(_, el)| el.remove());
    if !added.is_empty() {
        let _ = layer.0.insert_adjacent_html("beforeend", &markup);
        let mut el = layer.0.last_element_child();
        for key in added.into_iter().rev() {
            let Some(e) = el else { break };
            el = e.previous_element_sibling();
            kept.push((key, e));
        }
    }
    layer.1 = kept;
}

impl SpacetimeUi {
    /// The width to draw at.
    fn draw_width(&self) -> u64 {
        if self.width == 0 {
            640
        } else {
            self.width
        }
    }

    /// Draws the diagram for the world on screen, if it is shown and anything changed: after
    /// each render of the page.
    pub fn draw(&mut self, s: &Sandbox) {
        let Some(area) = self.area.cast::<Element>() else {
            self.shown = None;
            return;
        };
        let frame = Frame {
            view: s.spacetime(),
            now: s.world().now(),
            width: self.draw_width(),
        };
        let h = s.history();
        let words = s.words();
        // The words count too: the drawing has none until the catalogue comes, and is drawn
        // again in its words when it does. (Another language is another page: the language
        // menu's links open the page again.)
        let version = fingerprint(&(
            frame.view,
            frame.now,
            frame.width,
            h.end(),
            h.messages().len(),
            h.marks().len(),
            words.is_some(),
        ));
        let same_area = self.shown.as_ref().is_some_and(|shown| shown.area == area);
        if same_area
            && self
                .shown
                .as_ref()
                .is_some_and(|shown| shown.version == version)
        {
            return;
        }
        // While the clock runs, the history's elements are brought up to date on one frame in
        // four (the other panels of text take the other three; see ViewCache::paced); the
        // present and the cover over the unknown move every frame.
        let mut all = !same_area || !s.is_playing() || self.renders % 4 == 3;
        let mut drawing = draw(h, &frame, all, words);
        let size = (drawing.width, drawing.height);
        if !self
            .shown
            .as_ref()
            .is_some_and(|shown| shown.size == size && shown.area == area)
        {
            // A new frame (its size changed) is drawn in full at once.
            if !all {
                all = true;
                drawing = draw(h, &frame, true, words);
            }
            area.set_inner_html(&drawing.svg(false, None));
            let find = |selector: &str| area.query_selector(selector).ok().flatten();
            let (Some(svg), Some(moving)) = (find("svg"), find(".st-move")) else {
                return;
            };
            let layers = (0..LAYERS)
                .filter_map(|i| find(&format!(".ly{i}")))
                .map(|el| (el, Vec::new()))
                .collect();
            self.shown = Some(Shown {
                area,
                svg,
                moving,
                layers,
                size,
                version,
            });
        }
        let Some(shown) = self.shown.as_mut() else {
            return;
        };
        // Drawn in part: the next draw must not take it for up to date.
        shown.version = if all { version } else { !version };
        let _ = shown.svg.set_attribute("aria-label", &drawing.label);
        let _ = shown
            .moving
            .set_attribute("transform", &format!("translate({} 0)", drawing.shift));
        for (i, (layer, items)) in shown.layers.iter_mut().zip(&drawing.layers).enumerate() {
            if all || i == PRESENT {
                reconcile(layer, items);
            }
        }
    }

    /// Measures the drawing's room after a render: the first time, then every 64th (reading an
    /// element's width makes the browser lay the page out at once, which every frame would pay
    /// for); true when it changed (draw again).
    pub fn measure(&mut self) -> bool {
        self.renders = self.renders.wrapping_add(1);
        if self.width != 0 && !self.renders.is_multiple_of(64) {
            return false;
        }
        let Some(el) = self.area.cast::<HtmlElement>() else {
            return false;
        };
        let w = el.client_width().max(0) as u64;
        let changed = w > 0 && w != self.width;
        if changed {
            self.width = w;
        }
        changed
    }
}

/// Pointers held down on the drawing: where each went down and where it is now, to tell a click
/// from a drag and to measure a pinch.
#[derive(Default)]
struct Pointers {
    down: Vec<(i32, f64, f64)>,
    moved: bool,
    /// The message under the first pointer when it went down (a click on it shows it).
    message: Option<u64>,
}

/// What a pointer's move to `x` asks of the diagram: one pointer pans, two pinch.
fn pointer_moved(
    p: &mut Pointers,
    id: i32,
    x: f64,
    width: u64,
    span: Time,
    now: Time,
) -> Option<SpacetimeCommand> {
    let i = p.down.iter().position(|d| d.0 == id)?;
    let before = p.down.clone();
    p.down[i].2 = x;
    if (x - p.down[i].1).abs() > 4.0 {
        p.moved = true;
    }
    match before.as_slice() {
        [(_, _, last)] => {
            let by = (x - last) * span as f64 / width.max(100) as f64;
            Some(SpacetimeCommand::Pan(-(by as i64)))
        }
        [a, b] => {
            let (old, new) = ((a.2 - b.2).abs(), (p.down[0].2 - p.down[1].2).abs());
            // Around the present: a pinch has no single point to keep still.
            (old >= 1.0 && new >= 1.0).then_some(SpacetimeCommand::Zoom {
                factor: old / new,
                at: now,
            })
        }
        _ => None,
    }
}

/// The pointer's distance from the left edge of `area`.
fn local_x(area: &NodeRef, e: &MouseEvent) -> f64 {
    let left = area
        .cast::<Element>()
        .map_or(0.0, |el| el.get_bounding_client_rect().left());
    f64::from(e.client_x()) - left
}

/// Zooming with the wheel over the diagram, without also scrolling the page: a listener on the
/// document that is not passive (Yew's own wheel listeners are). Keep it as long as the page.
pub fn wheel_listener(
    sandbox: Rc<RefCell<Sandbox>>,
    ui: Rc<RefCell<SpacetimeUi>>,
    dispatch: Callback<UiCommand>,
) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &document,
        "wheel",
        options,
        move |event| {
            let Some(e) = event.dyn_ref::<WheelEvent>() else {
                return;
            };
            let Some(area) = ui.borrow().area.cast::<Element>() else {
                return;
            };
            let inside = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|n| area.contains(Some(&n)));
            if !inside || e.delta_y() == 0.0 {
                return;
            }
            e.prevent_default();
            let at = {
                let s = sandbox.borrow();
                let x = f64::from(e.client_x()) - area.get_bounding_client_rect().left();
                time_at(&s.spacetime(), s.world().now(), ui.borrow().draw_width(), x)
            };
            let factor = if e.delta_y() > 0.0 { 1.25 } else { 0.8 };
            dispatch.emit(UiCommand::Spacetime(SpacetimeCommand::Zoom { factor, at }));
        },
    ))
}

/// The window `(now, span)` of the world on screen, read when an event comes (the panel is
/// drawn less often than the clock moves).
fn present(sandbox: &Rc<RefCell<Sandbox>>) -> (Time, Time) {
    let s = sandbox.borrow();
    let now = s.world().now();
    (now, s.spacetime().window(now).1)
}

/// What the panel's markup depends on (the drawing itself is [`SpacetimeUi::draw`]'s).
pub fn panel_version(s: &Sandbox) -> u64 {
    fingerprint(&(s.spacetime(), selected_words(s), s.words().is_some()))
}

/// The words of the message picked, if one is.
fn selected_words(s: &Sandbox) -> Option<String> {
    let id = s.spacetime().selected?;
    let messages = s.history().messages();
    let i = messages.binary_search_by_key(&id, |m| m.id).ok()?;
    Some(describe_message(&messages[i], s.words()))
}

/// The panel.
pub fn spacetime_panel(
    sandbox: &Rc<RefCell<Sandbox>>,
    ui: &Rc<RefCell<SpacetimeUi>>,
    dispatch: &Callback<UiCommand>,
) -> Html {
    let s = sandbox.borrow();
    let view = s.spacetime();
    let words = s.words();
    let details = selected_words(&s).unwrap_or_else(|| say(words, "ui.history-hint"));
    let label = say(words, "ui.history-label");
    let heading = say(words, "ui.history");
    let tools = crate::i18n::fill(
        &say(words, "ui.history-tools"),
        &[("pressed", view.fold_heartbeats.to_string())],
    );
    drop(s);
    let area = ui.borrow().area.clone();
    let onpointerdown = {
        let ui = ui.clone();
        Callback::from(move |e: PointerEvent| {
            let mut ui = ui.borrow_mut();
            let x = local_x(&ui.area, &e);
            // Captured, the pointer's moves and release come to the drawing even off its edge.
            if let Some(el) = ui.area.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            let p = &mut ui.pointers;
            if p.down.is_empty() {
                p.moved = false;
                p.message = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("[data-testid=spacetime-message]").ok().flatten())
                    .and_then(|g| g.get_attribute("data-id"))
                    .and_then(|id| id.parse().ok());
            }
            p.down.push((e.pointer_id(), x, x));
        })
    };
    let onpointermove = {
        let (ui, dispatch, sandbox) = (ui.clone(), dispatch.clone(), sandbox.clone());
        Callback::from(move |e: PointerEvent| {
            // The borrow ends before the command goes out: handling it draws the page again.
            let command = {
                let (now, span) = present(&sandbox);
                let mut ui = ui.borrow_mut();
                let (width, x) = (ui.draw_width(), local_x(&ui.area, &e));
                pointer_moved(&mut ui.pointers, e.pointer_id(), x, width, span, now)
            };
            if let Some(command) = command {
                dispatch.emit(UiCommand::Spacetime(command));
            }
        })
    };
    let onpointerup = {
        let (ui, dispatch, sandbox) = (ui.clone(), dispatch.clone(), sandbox.clone());
        Callback::from(move |e: PointerEvent| {
            let (click, width, x) = {
                let mut ui = ui.borrow_mut();
                let (width, x) = (ui.draw_width(), local_x(&ui.area, &e));
                let p = &mut ui.pointers;
                p.down.retain(|d| d.0 != e.pointer_id());
                let click = !p.moved && p.down.is_empty() && e.type_() != "pointercancel";
                (click.then_some(p.message), width, x)
            };
            // A click: on a message, show it; elsewhere, go to that moment.
            let command = match click {
                None => return,
                Some(Some(id)) => UiCommand::Spacetime(SpacetimeCommand::Select(Some(id))),
                Some(None) => {
                    let s = sandbox.borrow();
                    UiCommand::SeekTime(time_at(&s.spacetime(), s.world().now(), width, x))
                }
            };
            dispatch.emit(command);
        })
    };
    let onkeydown = {
        let (dispatch, sandbox) = (dispatch.clone(), sandbox.clone());
        Callback::from(move |e: KeyboardEvent| {
            let (now, span) = present(&sandbox);
            let command = match e.key().as_str() {
                "ArrowLeft" => SpacetimeCommand::Pan(-(span as i64) / 8),
                "ArrowRight" => SpacetimeCommand::Pan(span as i64 / 8),
                "+" | "=" => SpacetimeCommand::Zoom {
                    factor: 0.5,
                    at: now,
                },
                "-" | "_" => SpacetimeCommand::Zoom {
                    factor: 2.0,
                    at: now,
                },
                "Home" => SpacetimeCommand::FitAll,
                "End" => SpacetimeCommand::FitLast(span),
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            dispatch.emit(UiCommand::Spacetime(command));
        })
    };
    // The toolbar is markup from the catalogue (cheaper in the bundle than elements built one by
    // one); one listener reads which button was pressed from its `data-cmd`.
    let on_tool = {
        let (sandbox, ui, dispatch) = (sandbox.clone(), ui.clone(), dispatch.clone());
        Callback::from(move |e: MouseEvent| {
            let (now, _) = present(&sandbox);
            let command = match command_of(&e).as_str() {
                "in" => SpacetimeCommand::Zoom {
                    factor: 0.5,
                    at: now,
                },
                "out" => SpacetimeCommand::Zoom {
                    factor: 2.0,
                    at: now,
                },
                "last2" => SpacetimeCommand::FitLast(2_000_000),
                "last10" => SpacetimeCommand::FitLast(10_000_000),
                "all" => SpacetimeCommand::FitAll,
                "fold" => SpacetimeCommand::ToggleHeartbeats,
                "svg" => {
                    let s = sandbox.borrow();
                    let frame = Frame {
                        view: s.spacetime(),
                        now,
                        width: ui.borrow().draw_width().max(900),
                    };
                    let css = page_rules(&[".st"]);
                    let text = standalone(s.history(), &frame, &css, s.words());
                    download("raftsim-history.svg", "image/svg+xml", &text);
                    return;
                }
                "ring-svg" => {
                    if let Some(text) = ring_svg() {
                        download("raftsim-cluster.svg", "image/svg+xml", &text);
                    }
                    return;
                }
                _ => return,
            };
            dispatch.emit(UiCommand::Spacetime(command));
        })
    };
    html! {
        <details class="panel history" open=true>
            <summary><h2>{ heading }</h2></summary>
            <div class="st-tools" onclick={on_tool}>{ Html::from_html_unchecked(AttrValue::from(tools)) }</div>
            <div class="st-area" data-testid="spacetime" ref={area} tabindex="0" role="group"
                 aria-label={label}
                 {onpointerdown} onpointermove={onpointermove} onpointerup={onpointerup.clone()}
                 onpointercancel={onpointerup} {onkeydown}>
            </div>
            <p class="st-details" data-testid="spacetime-details">
                { details }
            </p>
        </details>
    }
}

/// The ring's drawing as it is on the page, as a file of its own: its markup, with the page's
/// rules for it (and the palette's custom properties, in the light scheme: a file for slides
/// and exam papers, which are mostly white) copied in.
fn ring_svg() -> Option<String> {
    let markup = web_sys::window()?
        .document()?
        .query_selector(".cluster-svg")
        .ok()??
        .outer_html();
    let css = page_rules(&[
        ":root",
        ".cluster-bg",
        ".link",
        ".node",
        ".timer",
        ".heartbeat",
        ".group",
        ".client",
        ".message",
        ".msg",
    ]);
    // The page's `<svg class="cluster-svg" viewBox=…>…</svg>`, given the namespace and a size
    // of its own, and the rules inside it (at its end: they apply to the whole drawing anyway).
    let size = super::geometry::VIEW_SIZE as u32;
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\"{}<style>{css}:root{{color-scheme:light;font-family:system-ui,sans-serif}}</style></svg>\n",
        markup.get(4..markup.len().checked_sub(6)?)?
    ))
}

/// The page's style rules that start with one of `prefixes` (`.st`: the diagram's), for an
/// exported file to look as the drawing does on the page.
fn page_rules(prefixes: &[&str]) -> String {
    let mut css = String::new();
    let Some(sheets) = web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.style_sheets())
    else {
        return css;
    };
    for i in 0..sheets.length() {
        let sheet = sheets
            .item(i)
            .and_then(|s| s.dyn_into::<CssStyleSheet>().ok());
        let Some(rules) = sheet.and_then(|s| s.css_rules().ok()) else {
            continue;
        };
        for j in 0..rules.length() {
            let text = rules.item(j).map(|r| r.css_text()).unwrap_or_default();
            if prefixes.iter().any(|prefix| text.starts_with(prefix)) {
                css.push_str(&text);
            }
        }
    }
    css
}
