//! One client's card: its connect options (id, protocol, clean start, session expiry, keep
//! alive, credentials, will), connect and disconnect, its subscriptions with what the broker
//! granted, and a publish form (payload as text, JSON, hex or base64; QoS; retain; 5.0
//! properties). Topics and payloads are shown as text, never HTML.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::codec::{ProtocolVersion, QoS, RetainHandling, Subscription, SubscriptionOptions, Will};
use crate::i18n::{Lang, Text};
use crate::payload_format::PayloadFormat;
use crate::session::{ConnectOptions, LostCause, PublishRequest, SubscriptionRecord};
use crate::web::workbench::Workbench;

#[derive(Properties, PartialEq)]
pub struct ClientCardProps {
    pub client: usize,
    pub name: AttrValue,
    pub workbench: Rc<Workbench>,
    /// Changes whenever the trace does, so the card re-reads its session.
    pub generation: u64,
    pub on_remove: Callback<usize>,
}

fn text(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

fn checked(event: &Event) -> bool {
    event.target_unchecked_into::<HtmlInputElement>().checked()
}

fn chosen(event: &Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

fn qos_of(value: &str) -> QoS {
    value
        .parse()
        .ok()
        .and_then(QoS::from_u8)
        .unwrap_or(QoS::AtMostOnce)
}

/// The editable form of a client's connect options.
#[derive(Clone, PartialEq)]
struct Draft {
    client_id: String,
    version: ProtocolVersion,
    clean_start: bool,
    session_expiry: String,
    keep_alive: String,
    username: String,
    password: String,
    will: bool,
    will_topic: String,
    will_payload: String,
    will_qos: QoS,
    will_retain: bool,
}

impl Draft {
    fn from(options: &ConnectOptions) -> Draft {
        let will = options.will.as_ref();
        Draft {
            client_id: options.client_id.clone(),
            version: options.version,
            clean_start: options.clean_start,
            session_expiry: options
                .properties
                .session_expiry_interval
                .unwrap_or(0)
                .to_string(),
            keep_alive: options.keep_alive.to_string(),
            username: options.username.clone().unwrap_or_default(),
            password: options
                .password
                .as_ref()
                .map(|password| String::from_utf8_lossy(password).into_owned())
                .unwrap_or_default(),
            will: will.is_some(),
            will_topic: will.map(|will| will.topic.clone()).unwrap_or_default(),
            will_payload: will
                .map(|will| String::from_utf8_lossy(&will.payload).into_owned())
                .unwrap_or_default(),
            will_qos: will.map_or(QoS::AtMostOnce, |will| will.qos),
            will_retain: will.is_some_and(|will| will.retain),
        }
    }

    /// The options, or what is wrong with the form (in `lang`).
    fn apply(&self, mut options: ConnectOptions, lang: Lang) -> Result<ConnectOptions, String> {
        options.client_id = self.client_id.trim().to_owned();
        options.version = self.version;
        options.clean_start = self.clean_start;
        options.keep_alive = self
            .keep_alive
            .trim()
            .parse()
            .map_err(|_| lang.text(Text::KeepAliveRange).to_owned())?;
        let expiry: u32 = self
            .session_expiry
            .trim()
            .parse()
            .map_err(|_| lang.text(Text::SessionExpiryRange).to_owned())?;
        options.properties.session_expiry_interval =
            (self.version == ProtocolVersion::V5 && expiry > 0).then_some(expiry);
        options.username = (!self.username.is_empty()).then(|| self.username.clone());
        options.password = (!self.password.is_empty()).then(|| self.password.clone().into());
        options.will = if self.will {
            crate::topic::validate_topic_name(&self.will_topic)
                .map_err(|error| lang.fill(Text::WillTopicError, &[&error]))?;
            Some(Will {
                topic: self.will_topic.clone(),
                payload: self.will_payload.clone().into(),
                qos: self.will_qos,
                retain: self.will_retain,
                properties: Default::default(),
            })
        } else {
            None
        };
        Ok(options)
    }
}

/// The publish form.
#[derive(Clone, PartialEq)]
struct PublishForm {
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

impl PublishForm {
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

/// What to tell about a command: nothing when the session took it.
fn refusal<T, E: std::fmt::Display>(
    what: Text,
    result: Option<Result<T, E>>,
    lang: Lang,
) -> Option<String> {
    let what = lang.text(what);
    match result {
        Some(Ok(_)) => None,
        Some(Err(error)) => Some(lang.fill(Text::ErrorIn, &[&what, &error])),
        None => Some(lang.fill(Text::ConnectFirst, &[&what])),
    }
}

fn outcome_text(record: &SubscriptionRecord, lang: Lang) -> String {
    match record.outcome {
        None => lang.text(Text::WaitingForSuback).to_owned(),
        Some(Ok(granted)) => lang.fill(Text::Granted, &[&granted.as_u8()]),
        Some(Err(code)) => lang.fill(Text::RefusedWith, &[&code]),
    }
}

#[function_component(ClientCard)]
pub fn client_card(props: &ClientCardProps) -> Html {
    let lang = use_lang();
    let workbench = props.workbench.clone();
    let client = props.client;
    let options = workbench.options(client);
    let draft = {
        let options = options.clone();
        use_state(move || options.as_ref().map(Draft::from))
    };
    let message = use_state(|| PublishForm {
        topic: "demo/greeting".into(),
        payload: "hello".into(),
        format: PayloadFormat::Text,
        qos: QoS::AtLeastOnce,
        retain: false,
        expiry: String::new(),
        content_type: String::new(),
        response_topic: String::new(),
        user_properties: String::new(),
    });
    let filter = use_state(|| "demo/#".to_owned());
    let sub_qos = use_state(|| QoS::ExactlyOnce);
    let no_local = use_state(|| false);
    let keep_retain = use_state(|| false);
    let retain_handling = use_state(|| RetainHandling::SendAtSubscribe);
    let problem = use_state(|| None::<String>);
    let (Some(current), Some(form)) = (options, (*draft).clone()) else {
        return html! {};
    };
    let connected = workbench
        .read(client, |session| session.is_connected())
        .unwrap_or(false);
    let subscriptions: Vec<SubscriptionRecord> = workbench
        .read(client, |session| session.subscriptions().cloned().collect())
        .unwrap_or_default();
    let v5 = form.version == ProtocolVersion::V5;
    let id = |field: &str| format!("client-{client}-{field}");
    let last_lost = workbench
        .read(client, |session| session.last_lost().cloned())
        .flatten()
        .filter(|_| !connected);
    let other_version = last_lost.as_ref().and_then(LostCause::version_to_try);

    let edit = |change: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(mut next) = (*draft).clone() {
                change(&mut next, text(&event));
                draft.set(Some(next));
            }
        })
    };
    let toggle = |change: fn(&mut Draft, bool)| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            if let Some(mut next) = (*draft).clone() {
                change(&mut next, checked(&event));
                draft.set(Some(next));
            }
        })
    };
    // Connects with the form's settings, or with another protocol version (one click after the
    // broker said it does not speak ours).
    let connect_with = |version: Option<ProtocolVersion>| {
        let (workbench, draft, problem) = (workbench.clone(), draft.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(mut form) = (*draft).clone() else {
                return;
            };
            if let Some(version) = version {
                form.version = version;
                draft.set(Some(form.clone()));
            }
            let Some(options) = workbench.options(client) else {
                return;
            };
            match form.apply(options, lang) {
                Ok(options) => {
                    problem.set(None);
                    workbench.set_options(client, options);
                    workbench.connect(client);
                }
                Err(error) => problem.set(Some(error)),
            }
        })
    };
    let connect = connect_with(None);
    let lost_note = last_lost.map(|cause| {
        let switch = other_version.map(|version| {
            html! {
                <button type="button" id={id("switch-version")} onclick={connect_with(Some(version))}>
                    { lang.fill(Text::SwitchVersionAndConnect, &[&version]) }
                </button>
            }
        });
        html! {
            <p class="lost-note" role="status" id={id("lost")}>
                { lang.fill(Text::LastLost, &[&cause]) }
                { " " }{ switch.unwrap_or_default() }
            </p>
        }
    });
    let disconnect = {
        let workbench = workbench.clone();
        Callback::from(move |_: MouseEvent| workbench.disconnect(client))
    };
    let drop_connection = {
        let workbench = workbench.clone();
        Callback::from(move |_: MouseEvent| workbench.cut(client))
    };
    let remove = {
        let (workbench, on_remove) = (workbench.clone(), props.on_remove.clone());
        Callback::from(move |_: MouseEvent| {
            workbench.disconnect(client);
            on_remove.emit(client);
        })
    };
    let subscribe = {
        let (workbench, problem) = (workbench.clone(), problem.clone());
        let (filter, sub_qos, no_local, keep_retain, retain_handling) = (
            filter.clone(),
            sub_qos.clone(),
            no_local.clone(),
            keep_retain.clone(),
            retain_handling.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let subscription = Subscription {
                filter: (*filter).clone(),
                options: SubscriptionOptions {
                    qos: *sub_qos,
                    no_local: v5 && *no_local,
                    retain_as_published: v5 && *keep_retain,
                    retain_handling: if v5 {
                        *retain_handling
                    } else {
                        RetainHandling::SendAtSubscribe
                    },
                },
            };
            let result = workbench.command(client, |session, now| {
                session.subscribe(now, vec![subscription], Default::default())
            });
            problem.set(refusal(Text::Subscribe, result, lang));
        })
    };
    let unsubscribe = |filter: String| {
        let (workbench, problem) = (workbench.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let filter = filter.clone();
            let result = workbench.command(client, |session, now| {
                session.unsubscribe(now, vec![filter], Default::default())
            });
            problem.set(refusal(Text::Unsubscribe, result, lang));
        })
    };
    let publish = {
        let (workbench, message, problem) = (workbench.clone(), message.clone(), problem.clone());
        let version = current.version;
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            problem.set(match message.request(version, lang) {
                Ok(request) => refusal(
                    Text::Publish,
                    workbench.command(client, |session, now| session.publish(now, request)),
                    lang,
                ),
                Err(error) => Some(lang.fill(Text::ErrorIn, &[&lang.text(Text::Publish), &error])),
            });
        })
    };
    let set_message = |change: fn(&mut PublishForm, String)| {
        let message = message.clone();
        Callback::from(move |value: String| {
            let mut next = (*message).clone();
            change(&mut next, value);
            message.set(next);
        })
    };
    let on_text = |change: fn(&mut PublishForm, String)| {
        set_message(change).reform(|event: InputEvent| text(&event))
    };
    let on_area = |change: fn(&mut PublishForm, String)| {
        set_message(change).reform(|event: InputEvent| {
            event.target_unchecked_into::<HtmlTextAreaElement>().value()
        })
    };
    let (state, state_text) = if connected {
        ("connected", Text::Connected)
    } else {
        ("offline", Text::Offline)
    };

    html! {
        <>
        <details class="client-card" id={id("card")} data-state={state}>
            <summary>
                <strong>{ props.name.clone() }</strong>
                <span class="muted mono">{ format!(" {} · {} · ", current.client_id, current.version) }</span>
                <span class={classes!("state", format!("state--{state}"))}>{ lang.text(state_text) }</span>
            </summary>
            <div class="client-card__body">
                <fieldset>
                    <legend>{ lang.text(Text::Connection) }</legend>
                    <div class="form-grid">
                        <label for={id("id")}>{ lang.text(Text::ClientId) }</label>
                        <input id={id("id")} class="mono" type="text" value={form.client_id.clone()} oninput={edit(|d, v| d.client_id = v)} />
                        <label for={id("version")}>{ lang.text(Text::Protocol) }</label>
                        <select id={id("version")} onchange={{
                            let draft = draft.clone();
                            Callback::from(move |event: Event| if let Some(mut next) = (*draft).clone() {
                                next.version = if chosen(&event) == "5" { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
                                draft.set(Some(next));
                            })
                        }}>
                            <option value="4" selected={!v5}>{ "MQTT 3.1.1" }</option>
                            <option value="5" selected={v5}>{ "MQTT 5.0" }</option>
                        </select>
                        <label for={id("keep-alive")}>{ lang.text(Text::KeepAliveSeconds) }</label>
                        <input id={id("keep-alive")} type="text" inputmode="numeric" value={form.keep_alive.clone()} oninput={edit(|d, v| d.keep_alive = v)} />
                        if v5 {
                            <label for={id("expiry")}>{ lang.text(Text::SessionExpirySeconds) }</label>
                            <input id={id("expiry")} type="text" inputmode="numeric" value={form.session_expiry.clone()} oninput={edit(|d, v| d.session_expiry = v)} />
                        }
                        <label for={id("username")}>{ lang.text(Text::Username) }</label>
                        <input id={id("username")} type="text" autocomplete="off" value={form.username.clone()} oninput={edit(|d, v| d.username = v)} />
                        <label for={id("password")}>{ lang.text(Text::Password) }</label>
                        <input id={id("password")} type="password" autocomplete="off" value={form.password.clone()} oninput={edit(|d, v| d.password = v)} />
                    </div>
                    <label><input id={id("clean")} type="checkbox" checked={form.clean_start} onchange={toggle(|d, v| d.clean_start = v)} />{ lang.text(if v5 { Text::CleanStart } else { Text::CleanSession }) }</label>
                    // A common mistake: 5.0 keeps a session only as long as its expiry, 0 when unset.
                    if v5 && !form.clean_start && form.session_expiry.trim().parse::<u32>().unwrap_or(0) == 0 {
                        <p class="lost-note" role="note" id={id("session-warning")}>{ lang.text(Text::SessionEndsOnDrop) }</p>
                    }
                    <label><input id={id("will")} type="checkbox" checked={form.will} onchange={toggle(|d, v| d.will = v)} />{ lang.text(Text::LastWill) }</label>
                    if form.will {
                        <div class="form-grid">
                            <label for={id("will-topic")}>{ lang.text(Text::WillTopic) }</label>
                            <input id={id("will-topic")} class="mono" type="text" value={form.will_topic.clone()} oninput={edit(|d, v| d.will_topic = v)} />
                            <label for={id("will-payload")}>{ lang.text(Text::WillPayload) }</label>
                            <input id={id("will-payload")} type="text" value={form.will_payload.clone()} oninput={edit(|d, v| d.will_payload = v)} />
                            <label for={id("will-qos")}>{ lang.text(Text::WillQos) }</label>
                            <select id={id("will-qos")} onchange={{
                                let draft = draft.clone();
                                Callback::from(move |event: Event| if let Some(mut next) = (*draft).clone() {
                                    next.will_qos = qos_of(&chosen(&event));
                                    draft.set(Some(next));
                                })
                            }}>
                                { for QoS::ALL.iter().map(|qos| html! { <option value={qos.as_u8().to_string()} selected={form.will_qos == *qos}>{ format!("QoS {}", qos.as_u8()) }</option> }) }
                            </select>
                        </div>
                        <label><input id={id("will-retain")} type="checkbox" checked={form.will_retain} onchange={toggle(|d, v| d.will_retain = v)} />{ lang.text(Text::WillRetain) }</label>
                    }
                    <div class="row">
                        <button type="button" id={id("connect")} onclick={connect}>{ lang.text(if connected { Text::ReconnectWithOptions } else { Text::Connect }) }</button>
                        <button type="button" class="secondary" id={id("disconnect")} onclick={disconnect} disabled={!connected}>{ lang.text(Text::Disconnect) }</button>
                        <button type="button" class="secondary" id={id("drop")} onclick={drop_connection} disabled={!connected} title={lang.text(Text::DropConnectionHint)}>{ lang.text(Text::DropConnection) }</button>
                        <button type="button" class="secondary" id={id("remove")} onclick={remove}>{ lang.text(Text::RemoveClient) }</button>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{ lang.text(Text::Subscriptions) }</legend>
                    <ul class="subscriptions" id={id("subscriptions")}>
                        { for subscriptions.iter().map(|record| html! {
                            <li>
                                <span class="mono">{ &record.filter }</span>
                                <span class="muted">{ lang.fill(Text::AskedQos, &[&record.options.qos.as_u8(), &outcome_text(record, lang)]) }</span>
                                <button type="button" class="link" onclick={unsubscribe(record.filter.clone())}>{ lang.text(Text::Unsubscribe) }</button>
                            </li>
                        }) }
                    </ul>
                    <form class="row" onsubmit={subscribe}>
                        <label for={id("filter")} class="visually-hidden">{ lang.text(Text::TopicFilter) }</label>
                        <input id={id("filter")} class="mono" type="text" value={(*filter).clone()} oninput={{ let filter = filter.clone(); Callback::from(move |event: InputEvent| filter.set(text(&event))) }} />
                        <label for={id("sub-qos")} class="visually-hidden">{ lang.text(Text::RequestedQos) }</label>
                        <select id={id("sub-qos")} onchange={{ let sub_qos = sub_qos.clone(); Callback::from(move |event: Event| sub_qos.set(qos_of(&chosen(&event)))) }}>
                            { for QoS::ALL.iter().map(|qos| html! { <option value={qos.as_u8().to_string()} selected={*sub_qos == *qos}>{ format!("QoS {}", qos.as_u8()) }</option> }) }
                        </select>
                        if v5 {
                            <label><input type="checkbox" checked={*no_local} onchange={{ let no_local = no_local.clone(); Callback::from(move |event: Event| no_local.set(checked(&event))) }} />{ lang.text(Text::NoLocal) }</label>
                            <label><input type="checkbox" checked={*keep_retain} onchange={{ let keep_retain = keep_retain.clone(); Callback::from(move |event: Event| keep_retain.set(checked(&event))) }} />{ lang.text(Text::RetainAsPublished) }</label>
                            <select aria-label={lang.text(Text::RetainHandling)} onchange={{ let retain_handling = retain_handling.clone(); Callback::from(move |event: Event| retain_handling.set(match chosen(&event).as_str() {
                                "1" => RetainHandling::SendIfNew, "2" => RetainHandling::DoNotSend, _ => RetainHandling::SendAtSubscribe })) }}>
                                <option value="0" selected={*retain_handling == RetainHandling::SendAtSubscribe}>{ lang.text(Text::RetainedAtSubscribe) }</option>
                                <option value="1" selected={*retain_handling == RetainHandling::SendIfNew}>{ lang.text(Text::RetainedIfNew) }</option>
                                <option value="2" selected={*retain_handling == RetainHandling::DoNotSend}>{ lang.text(Text::RetainedNever) }</option>
                            </select>
                        }
                        <button type="submit" id={id("subscribe")}>{ lang.text(Text::Subscribe) }</button>
                    </form>
                </fieldset>
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
                        if current.version == ProtocolVersion::V5 {
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
                { (*problem).clone().map(|text| html! { <p class="error" role="alert" id={id("problem")}>{ text }</p> }).unwrap_or_default() }
            </div>
        </details>
        // Outside the card's details, so it shows while the card is folded.
        { lost_note.unwrap_or_default() }
        </>
    }
}
