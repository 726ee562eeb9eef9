//! A client card's publish form: topic, payload as text, JSON, hex or base64, QoS, retain, and
//! the 5.0 properties. A form that does not make a valid PUBLISH says why on the card.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::form_input::{checked, chosen, qos_of, text};
use super::language_switch::use_lang;
use super::workbench_reducer::{ClientCommand, PanelAction};
use crate::codec::{ProtocolVersion, QoS};
use crate::i18n::{Lang, Text};
use crate::payload_format::PayloadFormat;
use crate::session::PublishRequest;
use crate::workbench_state::{Action, Problem};

#[derive(Properties, PartialEq)]
pub struct PublishFormProps {
    pub client: usize,
    /// The version the client connects with (5.0 shows the properties).
    pub version: ProtocolVersion,
    pub dispatch: Callback<PanelAction>,
}

/// The publish form.
#[derive(Clone, PartialEq)]
struct Message {
    topic: String,
    payload: String,
    format: PayloadFormat,
    qos: QoS,
    retain: bool,
    expiry: String,
    content_type: String,
    response_topic: String,
    user_properties: String,
}

impl Message {
    /// The request, or what is wrong with the form (in `lang`).
    fn request(&self, version: ProtocolVersion, lang: Lang) -> Result<PublishRequest, String> {
        let payload = self.format.parse(&self.payload)?;
        let mut request = PublishRequest::new(self.topic.clone(), payload, self.qos);
        request.retain = self.retain;
        if version == ProtocolVersion::V5 {
            let properties = &mut request.properties;
            if !self.expiry.trim().is_empty() {
                properties.message_expiry_interval = Some(
                    self.expiry
                        .trim()
                        .parse()
                        .map_err(|_| lang.text(Text::MessageExpiryWhole).to_owned())?,
                );
            }
            properties.content_type =
                (!self.content_type.is_empty()).then(|| self.content_type.clone());
            properties.response_topic =
                (!self.response_topic.is_empty()).then(|| self.response_topic.clone());
            if self.format == PayloadFormat::Json || self.format == PayloadFormat::Text {
                properties.payload_format_indicator = Some(true);
            }
            for line in self
                .user_properties
                .lines()
                .filter(|line| !line.trim().is_empty())
            {
                let (key, value) = line
                    .split_once('=')
                    .ok_or_else(|| lang.fill(Text::UserPropertyForm, &[&line]))?;
                properties
                    .user_properties
                    .push((key.trim().to_owned(), value.trim().to_owned()));
            }
        }
        Ok(request)
    }
}

impl Default for Message {
    fn default() -> Message {
        Message {
            topic: "demo/greeting".into(),
            payload: "hello".into(),
            format: PayloadFormat::Text,
            qos: QoS::AtLeastOnce,
            retain: false,
            expiry: String::new(),
            content_type: String::new(),
            response_topic: String::new(),
            user_properties: String::new(),
        }
    }
}

#[function_component(PublishForm)]
pub fn publish_form(props: &PublishFormProps) -> Html {
    let lang = use_lang();
    let message = use_state(Message::default);
    let (client, version) = (props.client, props.version);
    let id = |field: &str| format!("client-{client}-{field}");
    let publish = {
        let (message, dispatch) = (message.clone(), props.dispatch.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatch.emit(match message.request(version, lang) {
                Ok(request) => PanelAction::Client {
                    client,
                    command: ClientCommand::Publish(request),
                },
                Err(why) => PanelAction::State(Action::ClientDone {
                    client,
                    problem: Some(Problem::Failed {
                        what: Text::Publish,
                        why,
                    }),
                }),
            });
        })
    };
    let set_message = |change: fn(&mut Message, String)| {
        let message = message.clone();
        Callback::from(move |value: String| {
            let mut next = (*message).clone();
            change(&mut next, value);
            message.set(next);
        })
    };
    let on_text = |change: fn(&mut Message, String)| {
        set_message(change).reform(|event: InputEvent| text(&event))
    };
    let on_area = |change: fn(&mut Message, String)| {
        set_message(change).reform(|event: InputEvent| {
            event.target_unchecked_into::<HtmlTextAreaElement>().value()
        })
    };
    html! {
        <fieldset>
            <legend>{ lang.text(Text::Publish) }</legend>
            <form onsubmit={publish}>
                <div class="form-grid">
                    <label for={id("topic")}>{ lang.text(Text::Topic) }</label>
                    <input id={id("topic")} class="mono" type="text" value={message.topic.clone()} oninput={on_text(|m, v| m.topic = v)} />
                    <label for={id("format")}>{ lang.text(Text::PayloadAs) }</label>
                    <select id={id("format")} onchange={set_message(|m, v| m.format = PayloadFormat::ALL.into_iter().find(|format| format.name() == v).unwrap_or_default()).reform(|event: Event| chosen(&event))}>
                        { for PayloadFormat::ALL.iter().map(|format| html! { <option value={format.name()} selected={message.format == *format}>{ format.name() }</option> }) }
                    </select>
                </div>
                <label for={id("payload")} class="block-label">{ lang.text(Text::Payload) }</label>
                <textarea id={id("payload")} class="mono" rows="2" value={message.payload.clone()} oninput={on_area(|m, v| m.payload = v)} />
                <div class="row" role="radiogroup" aria-label="QoS">
                    { for QoS::ALL.iter().map(|qos| {
                        let set = set_message(|m, v| m.qos = qos_of(&v));
                        let value = qos.as_u8().to_string();
                        let onchange = set.reform(move |event: Event| event.target_unchecked_into::<HtmlInputElement>().value());
                        html! { <label class="segment"><input type="radio" name={id("qos")} value={value} checked={message.qos == *qos} {onchange} />{ format!(" QoS {}", qos.as_u8()) }</label> }
                    }) }
                    <label><input id={id("retain")} type="checkbox" checked={message.retain} onchange={set_message(|m, v| m.retain = v == "true").reform(|event: Event| checked(&event).to_string())} />{ lang.text(Text::Retain) }</label>
                </div>
                if version == ProtocolVersion::V5 {
                    <details class="v5-properties">
                        <summary>{ lang.text(Text::V5Properties) }</summary>
                        <div class="form-grid">
                            <label for={id("message-expiry")}>{ lang.text(Text::MessageExpirySeconds) }</label>
                            <input id={id("message-expiry")} type="text" inputmode="numeric" value={message.expiry.clone()} oninput={on_text(|m, v| m.expiry = v)} />
                            <label for={id("content-type")}>{ lang.text(Text::ContentType) }</label>
                            <input id={id("content-type")} type="text" value={message.content_type.clone()} oninput={on_text(|m, v| m.content_type = v)} />
                            <label for={id("response-topic")}>{ lang.text(Text::ResponseTopic) }</label>
                            <input id={id("response-topic")} class="mono" type="text" value={message.response_topic.clone()} oninput={on_text(|m, v| m.response_topic = v)} />
                        </div>
                        <label for={id("user-properties")} class="block-label">{ lang.text(Text::UserPropertiesHint) }</label>
                        <textarea id={id("user-properties")} class="mono" rows="2" value={message.user_properties.clone()} oninput={on_area(|m, v| m.user_properties = v)} />
                    </details>
                }
                <button type="submit" id={id("publish")}>{ lang.text(Text::Publish) }</button>
            </form>
        </fieldset>
    }
}
