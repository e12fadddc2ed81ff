//! A hook that calls back on every animation frame while it is active.

use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The frames requested so far. Dropping an [`AnimationFrame`] cancels it and frees its closure,
/// so the frame whose callback is running must not be dropped from inside that callback: it waits
/// in `running` until the next frame replaces it.
#[derive(Default)]
struct Frames {
    pending: Option<AnimationFrame>,
    running: Option<AnimationFrame>,
    /// Set when the effect is cleaned up, so a callback already running does not start again.
    stopped: bool,
}

fn schedule(frames: Rc<RefCell<Frames>>, on_frame: Callback<f64>) {
    if frames.borrow().stopped {
        return;
    }
    let for_callback = frames.clone();
    let next = request_animation_frame(move |timestamp_ms| {
        on_frame.emit(timestamp_ms);
        schedule(for_callback, on_frame);
    });
    let mut slots = frames.borrow_mut();
    slots.running = slots.pending.take();
    slots.pending = Some(next);
}

/// Calls `on_frame` with the frame's timestamp (milliseconds, as `performance.now()`) on every
/// animation frame while `active` is true. Turning it off, or unmounting the component, cancels
/// the pending frame.
#[hook]
pub fn use_animation_frame(active: bool, on_frame: Callback<f64>) {
    // The loop always calls the latest callback, without restarting on every render.
    let latest = use_mut_ref(|| on_frame.clone());
    *latest.borrow_mut() = on_frame;
    use_effect_with(active, move |active| {
        let frames = Rc::new(RefCell::new(Frames::default()));
        if *active {
            let relay = Callback::from(move |timestamp_ms: f64| {
                let callback = latest.borrow().clone();
                callback.emit(timestamp_ms);
            });
            schedule(frames.clone(), relay);
        }
        move || {
            let mut slots = frames.borrow_mut();
            slots.stopped = true;
            // Cancels the pending frame and breaks the cycle frames -> closure -> frames. Yew runs
            // effects and their clean-ups from its scheduler, never inside a frame callback, so
            // neither closure is running now.
            slots.pending = None;
            slots.running = None;
        }
    });
}
