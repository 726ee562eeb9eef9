//! A timer that keeps time in a Web Worker. Browsers throttle timers in hidden tabs (to once a
//! minute after a while), which would let a keep-alive shorter than that lapse and the broker
//! drop the connection; timers inside a dedicated worker are not throttled that way. The worker
//! is made from a Blob, so nothing extra is served; where workers are unavailable the page's
//! own timer is used instead.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

/// The worker's whole program: one pending timeout, replaced by each message (a negative delay
/// cancels it).
const WORKER_SOURCE: &str =
    "let t;onmessage=e=>{clearTimeout(t);if(e.data>=0)t=setTimeout(()=>postMessage(0),e.data)};";

/// Which clock a [`WorkerTimer`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// A dedicated Web Worker (not throttled in background tabs).
    Worker,
    /// The page's own `setTimeout` (fallback).
    Page,
}

enum Clock {
    Worker {
        worker: Worker,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
    },
    Page {
        pending: RefCell<Option<Timeout>>,
        callback: Rc<dyn Fn()>,
    },
}

/// One re-armable timer.
pub struct WorkerTimer {
    clock: Clock,
}

impl WorkerTimer {
    /// A timer that calls `callback` when it fires.
    pub fn new(callback: impl Fn() + 'static) -> WorkerTimer {
        let callback: Rc<dyn Fn()> = Rc::new(callback);
        match spawn_worker(callback.clone()) {
            Ok(clock) => WorkerTimer { clock },
            Err(_) => WorkerTimer {
                clock: Clock::Page {
                    pending: RefCell::new(None),
                    callback,
                },
            },
        }
    }

    /// Which clock this timer uses.
    pub fn kind(&self) -> TimerKind {
        match self.clock {
            Clock::Worker { .. } => TimerKind::Worker,
            Clock::Page { .. } => TimerKind::Page,
        }
    }

    /// Fires once after `ms`, replacing any earlier setting.
    pub fn set(&self, ms: u32) {
        match &self.clock {
            Clock::Worker { worker, .. } => {
                let _ = worker.post_message(&JsValue::from(ms));
            }
            Clock::Page { pending, callback } => {
                let callback = callback.clone();
                *pending.borrow_mut() = Some(Timeout::new(ms, move || callback()));
            }
        }
    }

    /// Stops the pending firing, if any.
    pub fn cancel(&self) {
        match &self.clock {
            Clock::Worker { worker, .. } => {
                let _ = worker.post_message(&JsValue::from(-1));
            }
            Clock::Page { pending, .. } => {
                pending.borrow_mut().take();
            }
        }
    }
}

impl Drop for WorkerTimer {
    fn drop(&mut self) {
        if let Clock::Worker { worker, .. } = &self.clock {
            worker.set_onmessage(None);
            worker.terminate();
        }
    }
}

fn spawn_worker(callback: Rc<dyn Fn()>) -> Result<Clock, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(WORKER_SOURCE));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let worker = Worker::new(&url);
    let _ = Url::revoke_object_url(&url);
    let worker = worker?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| callback());
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Ok(Clock::Worker {
        worker,
        _on_message: on_message,
    })
}
