//! The page's monotonic clock, which the drivers read for their sessions' time.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Milliseconds from the page's monotonic clock, `performance.now()`. Every packet in and
    /// out reads it, so it is one call into JavaScript, with no lookup of `window` first.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn performance_now() -> f64;
}
