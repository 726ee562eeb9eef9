//! Coalesces redraws: however many trace batches arrive between two frames (a busy broker sends
//! thousands a second), the view is drawn once, at the next animation frame.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Runs its action at most once per animation frame.
#[derive(Clone, Default)]
pub struct NextFrame {
    pending: Rc<Cell<bool>>,
}

impl NextFrame {
    /// Asks for `action` at the next frame, unless one is already asked for (it then runs once).
    pub fn request(&self, action: impl FnOnce() + 'static) {
        if self.pending.replace(true) {
            return;
        }
        let pending = self.pending.clone();
        let callback = Closure::once_into_js(move || {
            pending.set(false);
            action();
        });
        let asked = web_sys::window()
            .map(|window| window.request_animation_frame(callback.unchecked_ref()));
        if !matches!(asked, Some(Ok(_))) {
            self.pending.set(false);
        }
    }
}
