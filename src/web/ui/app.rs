//! The page: a header with the views, and the views themselves: the workbench (the live
//! diagram), lessons, the packet decoder, the broker probe and the broker check. Each view has
//! its own address (src/route.rs); every view stays mounted, hidden when another is shown, so
//! switching views keeps what each was doing.

use std::collections::HashMap;

use yew::prelude::*;
use yew_router::HashRouter;

use super::check_panel::CheckPanel;
use super::hex_panel::HexPanel;
use super::language_switch::{self, use_lang, LanguageSwitch};
use super::lesson_panel::LessonPanel;
use super::probe_panel::ProbePanel;
use super::routing::{redirect_legacy, use_current_route};
use super::sim_panel::SimPanel;
use super::theme_switch::ThemeSwitch;
use crate::i18n::{Lang, Text};
use crate::route::{Route, View};

#[function_component(App)]
pub fn app() -> Html {
    // Once, before the router reads the address.
    use_state(redirect_legacy);
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
    html! {
        <HashRouter>
            <ContextProvider<Lang> context={*lang}>
                <Views {on_lang} />
            </ContextProvider<Lang>>
        </HashRouter>
    }
}

/// The navigation's name for a view.
fn view_name(view: View) -> Text {
    match view {
        View::Workbench => Text::NavDiagram,
        View::Lessons => Text::Lessons,
        View::Decode => Text::NavDecode,
        View::Probe => Text::NavProbe,
        View::Check => Text::CheckABroker,
    }
}

#[derive(Properties, PartialEq)]
struct ViewsProps {
    on_lang: Callback<Lang>,
}

#[function_component(Views)]
fn views(props: &ViewsProps) -> Html {
    let lang = use_lang();
    let route = use_current_route();
    let view = route.view();
    use_effect_with((view, lang), |(view, lang)| {
        super::super::document().set_title(&format!("{} · qoscope", lang.text(view_name(*view))));
    });
    // Each view's link returns to where it was left (the lesson open, the bytes decoded).
    let last = use_mut_ref(HashMap::<View, Route>::new);
    last.borrow_mut().insert(view, route.clone());
    let link = |item: View| {
        last.borrow()
            .get(&item)
            .cloned()
            .unwrap_or_else(|| item.home())
            .href()
    };
    let (lesson, decode, check) = match &route {
        Route::Lessons(link) => (Some(link.clone()), None, None),
        Route::Decode(link) => (None, Some(link.clone()), None),
        Route::Check(link) => (None, None, Some(link.clone())),
        Route::Workbench | Route::Probe | Route::Unknown(_) => (None, None, None),
    };
    html! {
        <>
            <header class="top">
                <h1 class="brand"><a href={Route::Workbench.href()}>{ "qoscope" }</a></h1>
                <p class="tagline">{ lang.text(Text::Tagline) }</p>
                <nav class="sections" aria-label={lang.text(Text::Sections)}>
                    { for View::ALL.into_iter().map(|item| html! {
                        <a href={link(item)} id={format!("nav-{}", item.name())}
                           class={classes!("nav-link", (item == view).then_some("nav-link--current"))}
                           aria-current={(item == view).then_some("page")}>
                            { lang.text(view_name(item)) }
                        </a>
                    }) }
                </nav>
                <div class="top-settings">
                    <ThemeSwitch />
                    <LanguageSwitch on_change={props.on_lang.clone()} />
                </div>
            </header>
            <main class={classes!("panels", format!("panels--{}", view.name()))} data-view={view.name()}>
                if let Route::Unknown(path) = &route {
                    <p class="error" role="alert" id="unknown-view">{ lang.fill(Text::NoSuchView, &[path]) }</p>
                }
                <div class="view" hidden={view != View::Workbench}><SimPanel /></div>
                <div class="view" hidden={view != View::Lessons}><LessonPanel link={lesson} /></div>
                <div class="view" hidden={view != View::Decode}><HexPanel link={decode} /></div>
                <div class="view" hidden={view != View::Probe}><ProbePanel /></div>
                <div class="view" hidden={view != View::Check}><CheckPanel link={check} /></div>
            </main>
        </>
    }
}
