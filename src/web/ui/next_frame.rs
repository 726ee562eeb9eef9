//! Coalesces redraws: however many trace batches arrive between two frames (a busy broker sends
//! thousands a second), the view is drawn once, at the next animation frame. While changes keep
//! coming, redraws are spaced [`MIN_REDRAW_INTERVAL_MS`] apart: at 5,000 messages a second every
//! frame replaces the whole diagram, faster than anyone can read it, and each redraw costs the
//! main thread a layout and a paint (measured by tests/e2e/heavy_traffic.test.mjs).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::web::clock::performance_now;

/// The shortest time between two redraws, in ms: ten a second at most. A change after a quiet
/// spell is still drawn at the next frame.
pub const MIN_REDRAW_INTERVAL_MS: f64 = 100.0;

/// Runs its action at most once per animation frame, and at most once per
/// [`MIN_REDRAW_INTERVAL_MS`].
#[derive(Clone, Default)]
pub struct NextFrame {
    pending: Rc<Cell<bool>>,
    /// When the action last ran (`performance.now()`), if it has.
    last_run: Rc<Cell<Option<f64>>>,
}

impl NextFrame {
    /// Asks for `action` at the next frame (or at the first frame once the interval since the
    /// last run has passed), unless one is already asked for (it then runs once).
    pub fn request(&self, action: impl FnOnce() + 'static) {
        if self.pending.replace(true) {
            return;
        }
        let Some(window) = web_sys::window() else {
            self.pending.set(false);
            return;
        };
        let (pending, last_run) = (self.pending.clone(), self.last_run.clone());
        let on_frame = Closure::once_into_js(move || {
            pending.set(false);
            last_run.set(Some(performance_now()));
            action();
        });
        let wait = self.last_run.get().map_or(0.0, |last| {
            (last + MIN_REDRAW_INTERVAL_MS - performance_now()).max(0.0)
        });
        let asked = if wait > 0.0 {
            let frame_window = window.clone();
            let after_wait = Closure::once_into_js(move || {
                let _ = frame_window.request_animation_frame(on_frame.unchecked_ref());
            });
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    after_wait.unchecked_ref(),
                    wait.ceil() as i32,
                )
                .is_ok()
        } else {
            window
                .request_animation_frame(on_frame.unchecked_ref())
                .is_ok()
        };
        if !asked {
            self.pending.set(false);
        }
    }
}
