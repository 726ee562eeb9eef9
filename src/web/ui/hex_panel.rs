//! Decode a packet typed or pasted as hex, field by field. The bytes and the version are in the
//! view's address, so a decoded packet can be shared as a link.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use super::packet_bytes::PacketBytes;
use super::routing::use_go;
use super::version_select::VersionSelect;
use crate::codec::{annotate, ProtocolVersion};
use crate::hex::parse_hex;
use crate::i18n::Text;
use crate::route::{DecodeLink, Route};

#[derive(Properties, PartialEq)]
pub struct HexPanelProps {
    /// The bytes and version the address holds, while the decoder is shown.
    pub link: Option<DecodeLink>,
}

#[function_component(HexPanel)]
pub fn hex_panel(props: &HexPanelProps) -> Html {
    let lang = use_lang();
    let go = use_go();
    let initial = props.link.clone().unwrap_or_default();
    let text = use_state(|| initial.hex);
    let version = use_state(|| initial.version);
    let address =
        |hex: String, version: ProtocolVersion| Route::Decode(DecodeLink { hex, version });
    {
        // Another address (a link followed, Back or Forward) shows its bytes; the address of
        // what is typed already holds the same bytes, so typing is left alone.
        let (text, version) = (text.clone(), version.clone());
        use_effect_with(props.link.clone(), move |link| {
            if let Some(link) = link {
                let shown = address((*text).clone(), *version);
                if Route::Decode(link.clone()).query_string() != shown.query_string() {
                    text.set(link.hex.clone());
                    version.set(link.version);
                }
            }
        });
    }

    let on_input = {
        let (text, version, go) = (text.clone(), version.clone(), go.clone());
        Callback::from(move |event: InputEvent| {
            let typed = event.target_unchecked_into::<HtmlTextAreaElement>().value();
            go.replace(&address(typed.clone(), *version));
            text.set(typed);
        })
    };
    let on_version = {
        let (text, version) = (text.clone(), version.clone());
        Callback::from(move |chosen| {
            go.replace(&address((*text).clone(), chosen));
            version.set(chosen);
        })
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
