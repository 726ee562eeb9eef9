//! One client's card: its connect options (id, protocol, clean start, session expiry, keep
//! alive, credentials, will), connect and disconnect, its subscriptions and its publish form,
//! and why its last command did not happen. The card asks; the panel's reducer runs the command.
//! Topics and payloads are shown as text, never HTML.

use yew::prelude::*;

use super::form_input::{checked, chosen, qos_of, qos_options, text};
use super::language_switch::use_lang;
use super::publish_form::PublishForm;
use super::subscriptions_form::SubscriptionsForm;
use super::workbench_reducer::{ClientCommand, PanelAction};
use crate::codec::{ProtocolVersion, QoS, Will};
use crate::i18n::{Lang, Text};
use crate::session::{ConnectOptions, LostCause};
use crate::workbench_state::{Action, ClientView, Problem};

#[derive(Properties, PartialEq)]
pub struct ClientCardProps {
    /// Its index in the workbench.
    pub client: usize,
    pub name: AttrValue,
    pub view: ClientView,
    pub problem: Option<Problem>,
    pub dispatch: Callback<PanelAction>,
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

/// A callback that changes the draft by what `read` takes out of its event.
fn changer<E: 'static, V: 'static>(
    draft: &UseStateHandle<Draft>,
    read: fn(&E) -> V,
    change: fn(&mut Draft, V),
) -> Callback<E> {
    let draft = draft.clone();
    Callback::from(move |event: E| {
        let mut next = (*draft).clone();
        change(&mut next, read(&event));
        draft.set(next);
    })
}

#[function_component(ClientCard)]
pub fn client_card(props: &ClientCardProps) -> Html {
    let lang = use_lang();
    let client = props.client;
    let draft = use_state(|| Draft::from(&props.view.options));
    let form = (*draft).clone();
    let current = &props.view.options;
    let connected = props.view.connected;
    let v5 = form.version == ProtocolVersion::V5;
    let id = |field: &str| format!("client-{client}-{field}");
    let command = move |command: ClientCommand| PanelAction::Client { client, command };

    let edit = |change: fn(&mut Draft, String)| changer(&draft, text, change);
    let toggle = |change: fn(&mut Draft, bool)| changer(&draft, checked, change);
    let choose = |change: fn(&mut Draft, String)| changer(&draft, chosen, change);
    // Connects with the form's settings, or with another protocol version (one click after the
    // broker said it does not speak ours).
    let connect_with = |version: Option<ProtocolVersion>| {
        let (draft, options) = (draft.clone(), current.clone());
        props.dispatch.reform(move |_: MouseEvent| {
            let mut form = (*draft).clone();
            if let Some(version) = version {
                form.version = version;
                draft.set(form.clone());
            }
            match form.apply(options.clone(), lang) {
                Ok(options) => command(ClientCommand::Connect(options)),
                Err(error) => PanelAction::State(Action::ClientDone {
                    client,
                    problem: Some(Problem::Worded(error)),
                }),
            }
        })
    };
    let on = |asked: ClientCommand| {
        props
            .dispatch
            .reform(move |_: MouseEvent| command(asked.clone()))
    };
    let lost_note = props.view.last_lost.as_ref().map(|cause| {
        let switch = LostCause::version_to_try(cause).map(|version| {
            html! {
                <button type="button" id={id("switch-version")} onclick={connect_with(Some(version))}>
                    { lang.fill(Text::SwitchVersionAndConnect, &[&version]) }
                </button>
            }
        });
        html! {
            <p class="lost-note" role="status" id={id("lost")}>
                { lang.fill(Text::LastLost, &[cause]) }
                { " " }{ switch.unwrap_or_default() }
            </p>
        }
    });
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
                        <select id={id("version")} onchange={choose(|d, v| d.version = if v == "5" { ProtocolVersion::V5 } else { ProtocolVersion::V311 })}>
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
                            <select id={id("will-qos")} onchange={choose(|d, v| d.will_qos = qos_of(&v))}>
                                { qos_options(form.will_qos) }
                            </select>
                        </div>
                        <label><input id={id("will-retain")} type="checkbox" checked={form.will_retain} onchange={toggle(|d, v| d.will_retain = v)} />{ lang.text(Text::WillRetain) }</label>
                    }
                    <div class="row">
                        <button type="button" id={id("connect")} onclick={connect_with(None)}>{ lang.text(if connected { Text::ReconnectWithOptions } else { Text::Connect }) }</button>
                        <button type="button" class="secondary" id={id("disconnect")} onclick={on(ClientCommand::Disconnect)} disabled={!connected}>{ lang.text(Text::Disconnect) }</button>
                        <button type="button" class="secondary" id={id("drop")} onclick={on(ClientCommand::Cut)} disabled={!connected} title={lang.text(Text::DropConnectionHint)}>{ lang.text(Text::DropConnection) }</button>
                        <button type="button" class="secondary" id={id("remove")} onclick={on(ClientCommand::Remove)}>{ lang.text(Text::RemoveClient) }</button>
                    </div>
                </fieldset>
                <SubscriptionsForm {client} {v5} subscriptions={props.view.subscriptions.clone()} dispatch={props.dispatch.clone()} />
                <PublishForm {client} version={current.version} dispatch={props.dispatch.clone()} />
                if let Some(problem) = &props.problem {
                    <p class="error" role="alert" id={id("problem")}>{ problem.text(lang) }</p>
                }
            </div>
        </details>
        // Outside the card's details, so it shows while the card is folded.
        { lost_note.unwrap_or_default() }
        </>
    }
}
