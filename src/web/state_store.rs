//! Where the driver keeps the session state across page loads: a JavaScript object (IndexedDB,
//! in js/api.js) with one method. The driver writes the state before it sends anything that
//! depends on it, so a reload or a crash resumes the session (clean start 0) without losing
//! in-flight QoS 1/2 messages, their packet ids, QoS 2 ids received but not yet released, or
//! queued messages.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A store for one client id's session state.
    pub type StateStore;

    /// Writes `state` (its compact form, [`crate::session::SessionState::to_bytes`]) and calls
    /// `done` once the write is durable, with no argument, or with a message if it failed.
    /// Writes complete in the order they were made.
    #[wasm_bindgen(method)]
    pub fn save(this: &StateStore, state: &[u8], done: &Function);
}
