//! Decode a packet typed or pasted as hex, field by field.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use super::packet_bytes::PacketBytes;
use super::version_select::VersionSelect;
use crate::codec::{annotate, ProtocolVersion};
use crate::hex::parse_hex;
use crate::i18n::Text;

const EXAMPLE: &str = "32 09 00 03 61 2F 62 00 01 68 69";

#[function_component(HexPanel)]
pub fn hex_panel() -> Html {
    let lang = use_lang();
    let text = use_state(|| EXAMPLE.to_owned());
    let version = use_state(|| ProtocolVersion::V311);

    let on_input = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| {
            text.set(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_version = {
        let version = version.clone();
        Callback::from(move |chosen| version.set(chosen))
    };

    let (bytes, fields, outcome) = match parse_hex(&text) {
        Err(error) => (
            Vec::new(),
            Vec::new(),
            Err(lang.fill(Text::HexError, &[&error])),
        ),
        Ok(bytes) if bytes.is_empty() => (
            Vec::new(),
            Vec::new(),
            Err(lang.text(Text::PasteOnePacket).to_owned()),
        ),
        Ok(bytes) => {
            let annotated = annotate(&bytes, *version);
            let outcome = annotated
                .result
                .map(|packet| packet.to_string())
                .map_err(|error| lang.fill(Text::Malformed, &[&error]));
            (bytes, annotated.fields, outcome)
        }
    };

    html! {
        <section class="panel" id="decode" aria-labelledby="hex-title">
            <h2 id="hex-title">{ lang.text(Text::DecodeAPacket) }</h2>
            <div class="row">
                <VersionSelect id="hex-version" value={*version} on_change={on_version} />
            </div>
            <label for="hex-input" class="block-label">{ lang.text(Text::BytesHex) }</label>
            <textarea id="hex-input" class="mono" rows="3" spellcheck="false" value={(*text).clone()} oninput={on_input} />
            {
                match outcome {
                    Ok(label) => html! { <p id="hex-summary" class="summary mono">{ label }</p> },
                    Err(message) => html! { <p id="hex-error" class="error" role="alert">{ message }</p> },
                }
            }
            if !fields.is_empty() {
                <PacketBytes id="hex" {bytes} {fields} />
            }
        </section>
    }
}
