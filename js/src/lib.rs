//! The lean build: qoscope's `Connection` (the Rust half of the JavaScript API) without the Yew
//! app, for pages that import it as an ES module. `scripts/build-lean` builds it and bundles it
//! with js/api.js, which makes the MQTT.js-style API on it.

#[cfg(target_arch = "wasm32")]
pub use qoscope::web::js_api::{wasm_memory, Connection};

/// A smaller allocator than the standard library's (see js/Cargo.toml).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();
