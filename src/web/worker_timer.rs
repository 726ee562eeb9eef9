//! A timer that keeps time in a Web Worker, so that keep-alive holds in background tabs, where
//! browsers throttle page timers (to once a minute after a while). The timer itself is
//! JavaScript (js/worker_timer.js), with the page's timer as its fallback.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/worker_timer.js")]
extern "C" {
    #[wasm_bindgen(js_name = WorkerTimer)]
    type JsTimer;

    #[wasm_bindgen(constructor, js_class = "WorkerTimer")]
    fn new(callback: &JsValue) -> JsTimer;

    #[wasm_bindgen(method, getter, js_class = "WorkerTimer", js_name = inWorker)]
    fn in_worker(this: &JsTimer) -> bool;

    #[wasm_bindgen(method, js_class = "WorkerTimer")]
    fn set(this: &JsTimer, ms: u32);

    #[wasm_bindgen(method, js_class = "WorkerTimer")]
    fn cancel(this: &JsTimer);

    #[wasm_bindgen(method, js_class = "WorkerTimer")]
    fn stop(this: &JsTimer);
}

/// Which clock a [`WorkerTimer`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// A dedicated Web Worker (not throttled in background tabs).
    Worker,
    /// The page's own `setTimeout` (fallback).
    Page,
}

/// One re-armable timer.
pub struct WorkerTimer {
    timer: JsTimer,
    _callback: Closure<dyn FnMut()>,
}

impl WorkerTimer {
    /// A timer that calls `callback` when it fires.
    pub fn new(callback: impl Fn() + 'static) -> WorkerTimer {
        let callback = Closure::<dyn FnMut()>::new(callback);
        WorkerTimer {
            timer: JsTimer::new(callback.as_ref()),
            _callback: callback,
        }
    }

    /// Which clock this timer uses.
    pub fn kind(&self) -> TimerKind {
        if self.timer.in_worker() {
            TimerKind::Worker
        } else {
            TimerKind::Page
        }
    }

    /// Fires once after `ms`, replacing any earlier setting.
    pub fn set(&self, ms: u32) {
        self.timer.set(ms);
    }

    /// Stops the pending firing, if any.
    pub fn cancel(&self) {
        self.timer.cancel();
    }
}

impl Drop for WorkerTimer {
    /// Ends the worker before the callback it would call is dropped.
    fn drop(&mut self) {
        self.timer.stop();
    }
}
