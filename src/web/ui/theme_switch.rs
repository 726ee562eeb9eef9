//! Light, dark, or as the system says: the choice is kept in the browser (localStorage) and
//! applied as `data-theme` on the root element, which the stylesheet reads.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::i18n::Text;

const KEY: &str = "qoscope-theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn apply(theme: &str) {
    if let Some(root) = super::super::document().document_element() {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}

#[function_component(ThemeSwitch)]
pub fn theme_switch() -> Html {
    let lang = use_lang();
    let theme = use_state(|| {
        storage()
            .and_then(|storage| storage.get_item(KEY).ok().flatten())
            .unwrap_or_else(|| "system".to_owned())
    });
    {
        let theme = (*theme).clone();
        use_effect_with(theme, |theme| apply(theme));
    }
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |event: Event| {
            let chosen = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(storage) = storage() {
                let _ = storage.set_item(KEY, &chosen);
            }
            theme.set(chosen);
        })
    };
    html! {
        <div class="theme-switch row">
            <label for="theme">{ lang.text(Text::Theme) }</label>
            <select id="theme" {onchange}>
                <option value="system" selected={*theme == "system"}>{ lang.text(Text::ThemeSystem) }</option>
                <option value="light" selected={*theme == "light"}>{ lang.text(Text::ThemeLight) }</option>
                <option value="dark" selected={*theme == "dark"}>{ lang.text(Text::ThemeDark) }</option>
            </select>
        </div>
    }
}
