//! The protocol version control: MQTT 3.1.1 or 5.0.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::codec::ProtocolVersion;
use crate::i18n::Text;

#[derive(Properties, PartialEq)]
pub struct VersionSelectProps {
    pub id: AttrValue,
    pub value: ProtocolVersion,
    pub on_change: Callback<ProtocolVersion>,
}

#[function_component(VersionSelect)]
pub fn version_select(props: &VersionSelectProps) -> Html {
    let lang = use_lang();
    let onchange = props.on_change.reform(|event: Event| {
        let level = event.target_unchecked_into::<HtmlSelectElement>().value();
        ProtocolVersion::from_level(level.parse().unwrap_or(4)).unwrap_or(ProtocolVersion::V311)
    });
    html! {
        <>
            <label for={props.id.clone()}>{ lang.text(Text::Protocol) }</label>
            <select id={props.id.clone()} {onchange}>
                <option value="4" selected={props.value == ProtocolVersion::V311}>{ "MQTT 3.1.1" }</option>
                <option value="5" selected={props.value == ProtocolVersion::V5}>{ "MQTT 5.0" }</option>
            </select>
        </>
    }
}
