//! The page: the live diagram, lessons, the packet decoder, the broker probe and the broker check.

use yew::prelude::*;

use super::check_panel::CheckPanel;
use super::hex_panel::HexPanel;
use super::language_switch::{self, LanguageSwitch};
use super::lesson_panel::LessonPanel;
use super::probe_panel::ProbePanel;
use super::sim_panel::SimPanel;
use super::theme_switch::ThemeSwitch;
use crate::i18n::{Lang, Text};

#[function_component(App)]
pub fn app() -> Html {
    use_effect_with((), |_| {
        // Lets tests and scripts wait until the wasm app is running.
        if let Some(body) = super::super::document().body() {
            let _ = body.set_attribute("data-app-ready", "true");
        }
    });
    let lang = use_state(language_switch::initial_lang);
    use_effect_with(*lang, |lang| language_switch::apply(*lang));
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |chosen: Lang| lang.set(chosen))
    };
    let text = |key: Text| lang.text(key);
    html! {
        <ContextProvider<Lang> context={*lang}>
            <header class="top">
                <h1 class="brand">{ "qoscope" }</h1>
                <p class="tagline">{ text(Text::Tagline) }</p>
                <nav class="sections" aria-label={text(Text::Sections)}>
                    <a href="#diagram">{ text(Text::NavDiagram) }</a>
                    <a href="#lessons">{ text(Text::Lessons) }</a>
                    <a href="#decode">{ text(Text::NavDecode) }</a>
                    <a href="#probe">{ text(Text::NavProbe) }</a>
                    <a href="#check">{ text(Text::CheckABroker) }</a>
                </nav>
                <ThemeSwitch />
                <LanguageSwitch on_change={on_lang} />
            </header>
            <main class="panels">
                <SimPanel />
                <LessonPanel />
                <HexPanel />
                <ProbePanel />
                <CheckPanel />
            </main>
        </ContextProvider<Lang>>
    }
}
