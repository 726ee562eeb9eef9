//! Values read out of form events, shared by the client card's forms.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::codec::QoS;

/// A text input's value.
pub fn text(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

/// Whether a checkbox is checked.
pub fn checked(event: &Event) -> bool {
    event.target_unchecked_into::<HtmlInputElement>().checked()
}

/// A select's value.
pub fn chosen(event: &Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

/// A QoS option's value (QoS 0 for anything else).
pub fn qos_of(value: &str) -> QoS {
    value
        .parse()
        .ok()
        .and_then(QoS::from_u8)
        .unwrap_or(QoS::AtMostOnce)
}

/// The options of a QoS select, `selected` chosen.
pub fn qos_options(selected: QoS) -> Html {
    html! {
        { for QoS::ALL.iter().map(|qos| html! { <option value={qos.as_u8().to_string()} selected={selected == *qos}>{ format!("QoS {}", qos.as_u8()) }</option> }) }
    }
}
