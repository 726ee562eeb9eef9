//! The page: the live diagram, lessons, the packet decoder, the broker probe and the broker check.

use yew::prelude::*;

use super::check_panel::CheckPanel;
use super::hex_panel::HexPanel;
use super::lesson_panel::LessonPanel;
use super::probe_panel::ProbePanel;
use super::sim_panel::SimPanel;
use super::theme_switch::ThemeSwitch;

#[function_component(App)]
pub fn app() -> Html {
    use_effect_with((), |_| {
        // Lets tests and scripts wait until the wasm app is running.
        if let Some(body) = super::super::document().body() {
            let _ = body.set_attribute("data-app-ready", "true");
        }
    });
    html! {
        <>
            <header class="top">
                <h1 class="brand">{ "qoscope" }</h1>
                <p class="tagline">{ "MQTT 3.1.1 and 5.0 over WebSocket, packet by packet" }</p>
                <nav class="sections" aria-label="Sections">
                    <a href="#diagram">{ "Diagram" }</a>
                    <a href="#lessons">{ "Lessons" }</a>
                    <a href="#decode">{ "Decode" }</a>
                    <a href="#probe">{ "Probe" }</a>
                    <a href="#check">{ "Check a broker" }</a>
                </nav>
                <ThemeSwitch />
            </header>
            <main class="panels">
                <SimPanel />
                <LessonPanel />
                <HexPanel />
                <ProbePanel />
                <CheckPanel />
            </main>
        </>
    }
}
