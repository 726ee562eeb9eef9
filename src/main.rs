//! The qoscope web app's entry point (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    qoscope::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("qoscope runs in the browser: serve it with scripts/serve (Trunk), then open http://127.0.0.1:8080");
}
