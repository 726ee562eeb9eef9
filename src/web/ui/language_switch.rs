//! English or Chinese: the choice is kept in the browser (localStorage), starts from the
//! browser's language, and is applied as `<html lang>` so fonts and screen readers follow it.
//! The page's language reaches every component through a context.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{Lang, Text};

const KEY: &str = "qoscope-lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored choice, or else the browser's language.
pub fn initial_lang() -> Lang {
    let stored = storage().and_then(|storage| storage.get_item(KEY).ok().flatten());
    stored
        .as_deref()
        .and_then(Lang::from_code)
        .or_else(|| {
            let tag = web_sys::window()?.navigator().language()?;
            Some(Lang::from_browser(&tag))
        })
        .unwrap_or_default()
}

/// Sets `<html lang>`.
pub fn apply(lang: Lang) {
    if let Some(root) = super::super::document().document_element() {
        let _ = root.set_attribute("lang", lang.html_tag());
    }
}

/// The page's language, from the context the app provides.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct LanguageSwitchProps {
    pub on_change: Callback<Lang>,
}

#[function_component(LanguageSwitch)]
pub fn language_switch(props: &LanguageSwitchProps) -> Html {
    let lang = use_lang();
    let onchange = props.on_change.reform(|event: Event| {
        let code = event.target_unchecked_into::<HtmlSelectElement>().value();
        let chosen = Lang::from_code(&code).unwrap_or_default();
        if let Some(storage) = storage() {
            let _ = storage.set_item(KEY, chosen.code());
        }
        chosen
    });
    html! {
        <div class="language-switch row">
            <label for="language">{ lang.text(Text::Language) }</label>
            <select id="language" {onchange}>
                { for Lang::ALL.into_iter().map(|option| html! {
                    <option value={option.code()} lang={option.html_tag()} selected={option == lang}>{ option.own_name() }</option>
                }) }
            </select>
        </div>
    }
}
