//! The lean build: qoscope's JavaScript API (`connectAsync` and the `Client` it resolves to)
//! without the Yew app, for pages that import it as an ES module. `scripts/build-lean` builds it.

#[cfg(target_arch = "wasm32")]
pub use qoscope::web::js_api::{connect_async, Client};

/// A smaller allocator than the standard library's (see js/Cargo.toml).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();
