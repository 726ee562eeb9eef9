//! The browser side: drivers that connect the sans-IO core to web APIs, and the Yew UI.
#![allow(missing_docs)]

#[cfg(feature = "app")]
mod check_api;
#[cfg(feature = "trace")]
mod check_clients;
#[cfg(feature = "trace")]
pub mod check_runner;
pub mod clock;
pub mod js_api;
#[cfg(feature = "trace")]
pub mod live_clients;
// The probe shows the annotated CONNACK from the session's trace.
#[cfg(feature = "trace")]
pub mod probe;
pub mod sim_driver;
pub mod state_store;
#[cfg(feature = "app")]
mod ui;
#[cfg(feature = "app")]
pub mod workbench;
pub mod worker_timer;
pub mod ws_client;

/// A thrown JavaScript value in words: an `Error`'s (or `DOMException`'s) message, a string as
/// it is. Not its Debug form, which would bring wasm-bindgen's value printer into the lean build.
fn error_text(error: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "an exception that is not an Error".to_owned())
}

/// Mounts the app into `#app` and installs the JavaScript API as `window.qoscope`.
#[cfg(feature = "app")]
pub fn start() {
    let root = document()
        .get_element_by_id("app")
        .expect("index.html has #app");
    yew::Renderer::<ui::App>::with_root(root).render();
    js_api::install_global(check_api::install);
}

#[cfg(feature = "app")]
fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|window| window.document())
        .expect("a browser document")
}
