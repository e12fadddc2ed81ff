//! Custom hooks.

mod use_animation_frame;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use yew::prelude::*;

pub use use_animation_frame::use_animation_frame;

/// `use_state` started from a value rather than a closure. Each closure is a type of its own, so
/// every `use_state(|| false)` compiled its own copy of Yew's state hook into the wasm bundle;
/// through this hook there is one copy per type of state.
#[hook]
pub fn use_state_from<T: 'static>(initial: T) -> UseStateHandle<T> {
    use_state(move || initial)
}

/// `use_mut_ref` started from a value, for the same reason as [`use_state_from`].
#[hook]
pub fn use_mut_ref_from<T: 'static>(initial: T) -> Rc<RefCell<T>> {
    use_mut_ref(move || initial)
}

/// Runs `start` once, when the component mounts, and keeps the event listener it returns until
/// the component unmounts (dropping it removes the listener). Boxed, so every such effect shares
/// one copy of Yew's effect hook in the wasm bundle rather than one per closure.
#[hook]
pub fn use_mount_listener(start: Box<dyn FnOnce() -> Option<EventListener>>) {
    use_effect_with((), move |_| {
        let listener = start();
        move || drop(listener)
    });
}

/// `use_effect` (after every render) with a boxed closure, for the same reason as
/// [`use_mount_listener`].
#[hook]
pub fn use_effect_boxed(effect: Box<dyn FnOnce()>) {
    use_effect(effect);
}
