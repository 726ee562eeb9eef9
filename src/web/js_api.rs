//! The JavaScript API, named as MQTT.js 5 users know it (promise style):
//!
//! ```js
//! const client = await qoscope.connectAsync("ws://127.0.0.1:9001/mqtt", { protocolVersion: 5 });
//! client.on("message", (topic, payload, packet) => console.log(topic, payload, packet.qos));
//! await client.subscribeAsync("demo/#", { qos: 2 });
//! await client.publishAsync("demo/1", "hello", { qos: 2 });
//! await client.endAsync();
//! ```

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use bytes::Bytes;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use rustc_hash::FxHashMap;
use wasm_bindgen::prelude::*;

use super::session_store::SessionStore;
use super::ws_client::{ClientEvent, Reconnect, WsClient};
use crate::codec::{
    Disconnect, Pid, Properties, ProtocolVersion, QoS, RetainHandling, Subscription,
    SubscriptionOptions, Will,
};
use crate::session::{ConnectOptions, Event, PublishRequest, Session};
use crate::trace::FlowId;
#[cfg(feature = "trace")]
use crate::{
    codec::Packet,
    trace::{Direction, TraceEvent},
};

fn error(message: impl AsRef<str>) -> JsValue {
    js_sys::Error::new(message.as_ref()).into()
}

/// Reading options objects field by field (no serde: it would weigh on the lean build).
struct Fields<'a>(&'a JsValue);

impl Fields<'_> {
    fn get(&self, name: &str) -> JsValue {
        if self.0.is_object() {
            Reflect::get(self.0, &name.into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, JsValue> {
        let value = self.get(name);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_bool()
            .map(Some)
            .ok_or_else(|| error(format!("{name} must be true or false")))
    }

    fn number(&self, name: &str, max: u32) -> Result<Option<u32>, JsValue> {
        let value = self.get(name);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        match value.as_f64() {
            Some(number) if number >= 0.0 && number <= f64::from(max) && number.fract() == 0.0 => {
                Ok(Some(number as u32))
            }
            _ => Err(error(format!(
                "{name} must be a whole number from 0 to {max}"
            ))),
        }
    }

    fn string(&self, name: &str) -> Result<Option<String>, JsValue> {
        let value = self.get(name);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| error(format!("{name} must be a string")))
    }
}

fn qos(value: Option<u32>) -> Result<QoS, JsValue> {
    let value = value.unwrap_or(0);
    u8::try_from(value)
        .ok()
        .and_then(QoS::from_u8)
        .ok_or_else(|| error(format!("qos must be 0, 1 or 2, not {value}")))
}

/// A payload as MQTT.js takes it: a string (sent as UTF-8) or bytes.
fn payload(value: &JsValue) -> Result<Bytes, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Bytes::from(text));
    }
    if value.is_instance_of::<Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Bytes::from(Uint8Array::new(value).to_vec()));
    }
    if value.is_undefined() || value.is_null() {
        return Ok(Bytes::new());
    }
    Err(error(
        "payload must be a string, a Uint8Array or an ArrayBuffer",
    ))
}

fn options_from_js(options: &JsValue) -> Result<(ConnectOptions, Reconnect, bool), JsValue> {
    let js = Fields(options);
    let client_id = js.string("clientId")?;
    let persist = js.bool("persist")?.unwrap_or(false);
    if persist && client_id.is_none() {
        return Err(error(
            "persist: true needs a clientId: the saved session is found by it",
        ));
    }
    let version = match js.number("protocolVersion", 255)?.unwrap_or(4) {
        4 => ProtocolVersion::V311,
        5 => ProtocolVersion::V5,
        other => {
            return Err(error(format!(
                "protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0), not {other}"
            )))
        }
    };
    let client_id = client_id.unwrap_or_else(|| {
        format!(
            "qoscope_{:08x}",
            (js_sys::Math::random() * f64::from(u32::MAX)) as u32
        )
    });
    let mut connect = ConnectOptions::new(version, client_id);
    // Packet records feed `packetsend` / `packetreceive`; without them the session skips the trace.
    connect.trace = js.bool("trace")?.unwrap_or(false);
    if connect.trace && !cfg!(feature = "trace") {
        return Err(error(
            "trace: true is not available in the lean build (no packetsend / packetreceive events)",
        ));
    }
    connect.clean_start = js.bool("clean")?.unwrap_or(true);
    connect.keep_alive = js.number("keepalive", u32::from(u16::MAX))?.unwrap_or(60) as u16;
    connect.username = js.string("username")?;
    connect.password = js.string("password")?.map(Bytes::from);
    if let Some(timeout) = js.number("connectTimeout", u32::MAX)? {
        connect.response_timeout_ms = u64::from(timeout);
    }
    if version == ProtocolVersion::V5 {
        let properties = js.get("properties");
        let js = Fields(&properties);
        let values = &mut connect.properties;
        values.session_expiry_interval = js.number("sessionExpiryInterval", u32::MAX)?;
        values.receive_maximum = js
            .number("receiveMaximum", u32::from(u16::MAX))?
            .and_then(|n| std::num::NonZeroU16::new(n as u16));
        values.maximum_packet_size = js
            .number("maximumPacketSize", u32::MAX)?
            .and_then(std::num::NonZeroU32::new);
        values.topic_alias_maximum = js
            .number("topicAliasMaximum", u32::from(u16::MAX))?
            .map(|n| n as u16);
        values.request_response_information = js.bool("requestResponseInformation")?;
        values.request_problem_information = js.bool("requestProblemInformation")?;
        if values.is_empty() {
            connect.properties = Properties::default();
        }
    }
    let will = js.get("will");
    if will.is_object() {
        let fields = Fields(&will);
        connect.will = Some(Will {
            topic: fields
                .string("topic")?
                .ok_or_else(|| error("will.topic must be a string"))?,
            payload: payload(&fields.get("payload"))?,
            qos: qos(fields.number("qos", 2)?)?,
            retain: fields.bool("retain")?.unwrap_or(false),
            properties: Properties::default(),
        });
    }
    // MQTT.js reconnects every second by default; 0 turns it off.
    let period = js.number("reconnectPeriod", u32::MAX)?.unwrap_or(1000);
    Ok((
        connect,
        Reconnect {
            initial_ms: period,
            max_ms: period.saturating_mul(30),
        },
        persist,
    ))
}

#[cfg(feature = "trace")]
/// A packet as MQTT.js shows it in `packetsend` / `packetreceive`: `cmd` and the usual fields,
/// plus the diagram's label and the bytes on the wire.
fn packet_object(packet: &Packet, raw: &[u8]) -> JsValue {
    let object = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&object, &name.into(), &value);
    };
    set(
        "cmd",
        packet.packet_type().name().to_ascii_lowercase().into(),
    );
    set("label", packet.to_string().into());
    set("bytes", Uint8Array::from(raw).into());
    match packet {
        Packet::Publish(publish) => {
            set("topic", publish.topic.as_str().into());
            set("qos", publish.qos().as_u8().into());
            set("dup", publish.dup.into());
            set("retain", publish.retain.into());
            if let Some(pid) = publish.qos_pid.pid() {
                set("messageId", pid.get().into());
            }
        }
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            set("messageId", ack.pid.get().into());
            set("reasonCode", ack.reason.as_u8().into());
        }
        Packet::SubAck(suback) => {
            set("messageId", suback.pid.get().into());
            let granted: Array = suback
                .reasons
                .iter()
                .map(|code| JsValue::from(code.as_u8()))
                .collect();
            set("granted", granted.into());
        }
        Packet::ConnAck(connack) => {
            set("sessionPresent", connack.session_present.into());
            set("reasonCode", connack.reason.as_u8().into());
        }
        _ => {}
    }
    object.into()
}

/// v5 properties with MQTT.js's names (only those that are set).
fn properties_object(properties: &Properties) -> JsValue {
    let object = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&object, &name.into(), &value);
    };
    let number = |value: u32| JsValue::from(value);
    if let Some(value) = properties.payload_format_indicator {
        set("payloadFormatIndicator", value.into());
    }
    if let Some(value) = properties.message_expiry_interval {
        set("messageExpiryInterval", number(value));
    }
    if let Some(value) = &properties.content_type {
        set("contentType", value.as_str().into());
    }
    if let Some(value) = &properties.response_topic {
        set("responseTopic", value.as_str().into());
    }
    if let Some(value) = &properties.correlation_data {
        set("correlationData", Uint8Array::from(&value[..]).into());
    }
    if !properties.subscription_identifiers.is_empty() {
        let ids: Array = properties
            .subscription_identifiers
            .iter()
            .map(|id| number(id.get()))
            .collect();
        set("subscriptionIdentifier", ids.into());
    }
    if let Some(value) = properties.session_expiry_interval {
        set("sessionExpiryInterval", number(value));
    }
    if let Some(value) = &properties.assigned_client_identifier {
        set("assignedClientIdentifier", value.as_str().into());
    }
    if let Some(value) = properties.server_keep_alive {
        set("serverKeepAlive", number(value.into()));
    }
    if let Some(value) = &properties.reason_string {
        set("reasonString", value.as_str().into());
    }
    if let Some(value) = properties.receive_maximum {
        set("receiveMaximum", number(value.get().into()));
    }
    if let Some(value) = properties.topic_alias_maximum {
        set("topicAliasMaximum", number(value.into()));
    }
    if let Some(value) = properties.maximum_qos {
        set("maximumQoS", value.as_u8().into());
    }
    if let Some(value) = properties.retain_available {
        set("retainAvailable", value.into());
    }
    if let Some(value) = properties.maximum_packet_size {
        set("maximumPacketSize", number(value.get()));
    }
    if !properties.user_properties.is_empty() {
        let users = Object::new();
        for (name, value) in &properties.user_properties {
            let _ = Reflect::set(&users, &name.as_str().into(), &value.as_str().into());
        }
        set("userProperties", users.into());
    }
    object.into()
}

#[wasm_bindgen(inline_js = r#"
const decoder = new TextDecoder();
export function dispatch_messages(listeners, data, bounds, flags, properties) {
  let start = 0;
  for (let i = 0; i < flags.length; i++) {
    const topicEnd = bounds[2 * i];
    const payloadEnd = bounds[2 * i + 1];
    const topic = decoder.decode(data.subarray(start, topicEnd));
    const payload = data.slice(topicEnd, payloadEnd);
    start = payloadEnd;
    const f = flags[i];
    const packet = { cmd: "publish", topic, payload, qos: f & 3, retain: (f & 4) !== 0, dup: (f & 8) !== 0 };
    if (properties[i] !== undefined) packet.properties = properties[i];
    for (const listener of listeners) listener(topic, payload, packet);
  }
}
"#)]
extern "C" {
    fn dispatch_messages(
        listeners: &Array,
        data: &Uint8Array,
        bounds: &js_sys::Uint32Array,
        flags: &Uint8Array,
        properties: &Array,
    );
}

type Settle = (Function, Function);

#[derive(Default)]
struct Pending {
    connect: Option<Settle>,
    publishes: FxHashMap<FlowId, Settle>,
    requests: FxHashMap<Pid, Settle>,
}

struct State {
    client: RefCell<Option<WsClient>>,
    listeners: RefCell<FxHashMap<String, Vec<Function>>>,
    pending: RefCell<Pending>,
    me: RefCell<Weak<State>>,
}

/// A connected client (MQTT.js `MqttClient` naming).
#[wasm_bindgen]
pub struct Client {
    state: Rc<State>,
}

/// Connects to `url` (ws:// or wss://) and resolves with the client once CONNACK accepts it.
#[wasm_bindgen(js_name = connectAsync)]
pub fn connect_async(url: String, options: JsValue) -> Promise {
    let (connect, reconnect, persist) = match options_from_js(&options) {
        Ok(parsed) => parsed,
        Err(error) => return Promise::reject(&error),
    };
    let state = Rc::new(State {
        client: RefCell::new(None),
        listeners: RefCell::new(FxHashMap::default()),
        pending: RefCell::new(Pending::default()),
        me: RefCell::new(Weak::new()),
    });
    *state.me.borrow_mut() = Rc::downgrade(&state);
    let promise = Promise::new(&mut |resolve, reject| {
        state.pending.borrow_mut().connect = Some((resolve, reject))
    });
    wasm_bindgen_futures::spawn_local(async move {
        let (session, store) = match prepare_session(connect, persist).await {
            Ok(prepared) => prepared,
            Err(message) => return state.fail_connect(&message),
        };
        // The driver's listener owns the state, so the client lives until it ends (as in
        // MQTT.js), even before JavaScript holds it; ending drops the driver and this reference.
        let owner = state.clone();
        match WsClient::connect_with_store(&url, session, reconnect, store, move |event| {
            owner.handle(event)
        }) {
            Ok(client) => *state.client.borrow_mut() = Some(client),
            Err(message) => state.fail_connect(&message),
        }
    });
    promise
}

/// The session to connect: resumed from IndexedDB when `persist` is on and one is saved.
async fn prepare_session(
    connect: ConnectOptions,
    persist: bool,
) -> Result<(Session, Option<SessionStore>), String> {
    if !persist {
        return Ok((Session::new(connect, 1), None));
    }
    let store = SessionStore::open().await?;
    let session = match store.load(&connect).await? {
        Some(saved) => {
            let mut session = Session::restore(saved, 1);
            session.set_options(connect);
            session
        }
        None => Session::new(connect, 1),
    };
    Ok((session, Some(store)))
}

impl State {
    fn emit(&self, name: &str, args: &[JsValue]) {
        let listeners = self
            .listeners
            .borrow()
            .get(name)
            .cloned()
            .unwrap_or_default();
        let args: Array = args.iter().collect();
        for listener in listeners {
            let _ = listener.apply(&JsValue::NULL, &args);
        }
    }

    #[cfg(feature = "trace")]
    fn listens(&self, name: &str) -> bool {
        self.listeners
            .borrow()
            .get(name)
            .is_some_and(|list| !list.is_empty())
    }

    fn fail_connect(&self, message: &str) {
        let pending = self.pending.borrow_mut().connect.take();
        if let Some((_, reject)) = pending {
            let _ = reject.call1(&JsValue::NULL, &error(message));
            let client = self.client.borrow_mut().take();
            if let Some(client) = client {
                client.end();
            }
        }
    }

    fn settle(settle: Option<Settle>, outcome: Result<JsValue, JsValue>) {
        if let Some((resolve, reject)) = settle {
            let _ = match outcome {
                Ok(value) => resolve.call1(&JsValue::NULL, &value),
                Err(value) => reject.call1(&JsValue::NULL, &value),
            };
        }
    }

    /// Calls the `message` listeners for a batch: topics and payloads cross into JavaScript as
    /// one buffer with their bounds, and a small JavaScript loop makes the MQTT.js-style calls.
    fn dispatch_messages(&self, messages: Vec<crate::session::Message>) {
        let listeners: Array = self
            .listeners
            .borrow()
            .get("message")
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if listeners.length() == 0 {
            return;
        }
        let mut data = Vec::new();
        let mut bounds = Vec::with_capacity(messages.len() * 2);
        let mut flags = Vec::with_capacity(messages.len());
        let properties = Array::new_with_length(messages.len() as u32);
        for (index, message) in messages.iter().enumerate() {
            data.extend_from_slice(message.topic.as_bytes());
            bounds.push(data.len() as u32);
            data.extend_from_slice(&message.payload);
            bounds.push(data.len() as u32);
            flags.push(
                message.qos.as_u8() | u8::from(message.retain) << 2 | u8::from(message.dup) << 3,
            );
            if !message.properties.is_empty() {
                properties.set(index as u32, properties_object(&message.properties));
            }
        }
        dispatch_messages(
            &listeners,
            &Uint8Array::from(&data[..]),
            &js_sys::Uint32Array::from(&bounds[..]),
            &Uint8Array::from(&flags[..]),
            &properties,
        );
    }

    /// Settles a publish. The driver reports outcomes after the command returned (its output
    /// leaves from a microtask), so the promise is registered by then.
    fn publish_done(&self, flow: FlowId, outcome: Result<JsValue, JsValue>) {
        let settle = self.pending.borrow_mut().publishes.remove(&flow);
        State::settle(settle, outcome);
    }

    fn handle(&self, event: ClientEvent) {
        match event {
            ClientEvent::Session(event) => self.handle_session(event),
            #[cfg(not(feature = "trace"))]
            ClientEvent::Trace(_) => {}
            #[cfg(feature = "trace")]
            ClientEvent::Trace(events) => {
                if self.listens("packetsend") || self.listens("packetreceive") {
                    for event in events {
                        if let TraceEvent::Packet(record) = event {
                            let name = match record.direction {
                                Direction::Outgoing => "packetsend",
                                Direction::Incoming => "packetreceive",
                            };
                            let packet = record
                                .packet
                                .as_ref()
                                .map_or(JsValue::NULL, |packet| packet_object(packet, &record.raw));
                            self.emit(name, &[packet]);
                        }
                    }
                }
            }
            ClientEvent::Messages(messages) => self.dispatch_messages(messages),
            ClientEvent::Reconnecting { .. } => self.emit("reconnect", &[]),
            ClientEvent::Error(message) => {
                self.fail_connect(&message);
                self.emit("error", &[error(&message)]);
            }
        }
    }

    fn handle_session(&self, event: Event) {
        match event {
            Event::Connected {
                session_present,
                properties,
            } => {
                let connack = Object::new();
                let _ = Reflect::set(&connack, &"sessionPresent".into(), &session_present.into());
                let _ = Reflect::set(
                    &connack,
                    &"properties".into(),
                    &properties_object(&properties),
                );
                let connect = self.pending.borrow_mut().connect.take();
                if let (Some((resolve, _)), Some(me)) = (connect, self.me.borrow().upgrade()) {
                    let _ = resolve.call1(&JsValue::NULL, &Client { state: me }.into());
                }
                self.emit("connect", &[connack.into()]);
            }
            // The driver hands messages over in batches (ClientEvent::Messages).
            Event::Message(message) => self.dispatch_messages(vec![message]),
            Event::Published { flow, reason } => {
                let result = Object::new();
                let _ = Reflect::set(&result, &"reasonCode".into(), &reason.as_u8().into());
                self.publish_done(flow, Ok(result.into()));
            }
            Event::PublishFailed {
                flow,
                reason,
                reason_string,
            } => {
                let text = format!(
                    "publish failed: {reason}{}",
                    reason_string.map(|s| format!(" ({s})")).unwrap_or_default()
                );
                self.publish_done(flow, Err(error(text)));
            }
            Event::Subscribed { pid, results } => {
                let granted: Array = results
                    .iter()
                    .map(|result| {
                        let entry = Object::new();
                        let code = match result.outcome {
                            Ok(qos) => qos.as_u8(),
                            Err(code) => code.as_u8(),
                        };
                        let _ =
                            Reflect::set(&entry, &"topic".into(), &result.filter.as_str().into());
                        let _ = Reflect::set(&entry, &"qos".into(), &code.into());
                        JsValue::from(entry)
                    })
                    .collect();
                let settle = self.pending.borrow_mut().requests.remove(&pid);
                State::settle(settle, Ok(granted.into()));
            }
            Event::Unsubscribed { pid, .. } => {
                let settle = self.pending.borrow_mut().requests.remove(&pid);
                State::settle(settle, Ok(JsValue::UNDEFINED));
            }
            Event::ConnectionLost(cause) => {
                self.fail_connect(&cause.to_string());
                self.emit("close", &[]);
            }
            Event::SessionLost { .. } => {}
        }
    }
}

#[wasm_bindgen]
impl Client {
    /// Registers a listener: `message`, `connect`, `reconnect`, `close`, `error`, `packetsend`,
    /// `packetreceive` (the last two need `trace: true` in the connect options, which the lean
    /// build refuses: it is built without the `trace` feature). Returns the client, as MQTT.js
    /// does.
    pub fn on(&self, event: String, listener: Function) -> Client {
        self.state
            .listeners
            .borrow_mut()
            .entry(event)
            .or_default()
            .push(listener);
        Client {
            state: self.state.clone(),
        }
    }

    /// Removes a listener.
    pub fn off(&self, event: String, listener: Function) -> Client {
        if let Some(list) = self.state.listeners.borrow_mut().get_mut(&event) {
            list.retain(|registered| registered != &listener);
        }
        Client {
            state: self.state.clone(),
        }
    }

    /// Whether CONNACK accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.state
            .client
            .borrow()
            .as_ref()
            .is_some_and(|client| client.read(Session::is_connected))
    }

    fn ws(&self) -> Result<WsClient, JsValue> {
        self.state
            .client
            .borrow()
            .clone()
            .ok_or_else(|| error("the client has ended"))
    }

    /// Publishes; resolves when the QoS flow completes (QoS 0: when written).
    #[wasm_bindgen(js_name = publishAsync)]
    pub fn publish_async(&self, topic: String, message: JsValue, options: JsValue) -> Promise {
        let prepared = (|| {
            let js = Fields(&options);
            let mut request =
                PublishRequest::new(topic, payload(&message)?, qos(js.number("qos", 2)?)?);
            request.retain = js.bool("retain")?.unwrap_or(false);
            let properties = js.get("properties");
            let js = Fields(&properties);
            let values = &mut request.properties;
            values.payload_format_indicator = js.bool("payloadFormatIndicator")?;
            values.message_expiry_interval = js.number("messageExpiryInterval", u32::MAX)?;
            values.content_type = js.string("contentType")?;
            values.response_topic = js.string("responseTopic")?;
            if request.properties.is_empty() {
                request.properties = Properties::default();
            }
            Ok::<_, JsValue>((self.ws()?, request))
        })();
        let (client, request) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => return Promise::reject(&error),
        };
        let state = self.state.clone();
        Promise::new(&mut |resolve, reject| match client
            .with_session(|session, now| session.publish(now, request.clone()))
        {
            Ok(flow) => {
                state
                    .pending
                    .borrow_mut()
                    .publishes
                    .insert(flow, (resolve, reject));
            }
            Err(message) => {
                let _ = reject.call1(&JsValue::NULL, &error(message.to_string()));
            }
        })
    }

    /// Subscribes to a filter or an array of filters; resolves with `[{ topic, qos }]`, qos being
    /// the granted QoS or the failure code (128 and above).
    #[wasm_bindgen(js_name = subscribeAsync)]
    pub fn subscribe_async(&self, filters: JsValue, options: JsValue) -> Promise {
        let prepared = (|| {
            let js = Fields(&options);
            let retain_handling = match js.number("rh", 255)?.unwrap_or(0) {
                0 => RetainHandling::SendAtSubscribe,
                1 => RetainHandling::SendIfNew,
                2 => RetainHandling::DoNotSend,
                other => return Err(error(format!("rh must be 0, 1 or 2, not {other}"))),
            };
            let options = SubscriptionOptions {
                qos: qos(js.number("qos", 2)?)?,
                no_local: js.bool("nl")?.unwrap_or(false),
                retain_as_published: js.bool("rap")?.unwrap_or(false),
                retain_handling,
            };
            let list: Vec<String> = match filters.as_string() {
                Some(filter) => vec![filter],
                None => Array::from(&filters)
                    .iter()
                    .map(|filter| {
                        filter
                            .as_string()
                            .ok_or_else(|| error("filters must be strings"))
                    })
                    .collect::<Result<_, _>>()?,
            };
            let subscriptions: Vec<Subscription> = list
                .into_iter()
                .map(|filter| Subscription { filter, options })
                .collect();
            Ok::<_, JsValue>((self.ws()?, subscriptions))
        })();
        let (client, subscriptions) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => return Promise::reject(&error),
        };
        self.request(client, move |session, now| {
            session.subscribe(now, subscriptions.clone(), Properties::default())
        })
    }

    /// Unsubscribes from a filter or an array of filters.
    #[wasm_bindgen(js_name = unsubscribeAsync)]
    pub fn unsubscribe_async(&self, filters: JsValue) -> Promise {
        let list: Vec<String> = match filters.as_string() {
            Some(filter) => vec![filter],
            None => Array::from(&filters)
                .iter()
                .filter_map(|filter| filter.as_string())
                .collect(),
        };
        let client = match self.ws() {
            Ok(client) => client,
            Err(error) => return Promise::reject(&error),
        };
        self.request(client, move |session, now| {
            session.unsubscribe(now, list.clone(), Properties::default())
        })
    }

    fn request(
        &self,
        client: WsClient,
        command: impl Fn(&mut Session, u64) -> Result<Pid, crate::session::CommandError>,
    ) -> Promise {
        let state = self.state.clone();
        Promise::new(&mut |resolve, reject| match client
            .with_session(|session, now| command(session, now))
        {
            Ok(pid) => {
                state
                    .pending
                    .borrow_mut()
                    .requests
                    .insert(pid, (resolve, reject));
            }
            Err(message) => {
                let _ = reject.call1(&JsValue::NULL, &error(message.to_string()));
            }
        })
    }

    /// Sends DISCONNECT and closes; resolves when done. In-flight messages stay in the session.
    #[wasm_bindgen(js_name = endAsync)]
    pub fn end_async(&self) -> Promise {
        if let Some(client) = self.state.client.borrow_mut().take() {
            client.with_session(|session, now| session.disconnect(now, Disconnect::normal()));
            client.end();
        }
        Promise::resolve(&JsValue::UNDEFINED)
    }
}

/// Makes the API available as `window.qoscope` (with what `extend` adds, such as the app's
/// broker check) and announces it with a `qoscope-ready` event.
pub fn install_global(extend: impl FnOnce(&Object)) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();
    extend(&api);
    let connect = Closure::<dyn Fn(String, JsValue) -> Promise>::new(connect_async).into_js_value();
    let _ = Reflect::set(&api, &"connectAsync".into(), &connect);
    let _ = Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    let _ = Reflect::set(&window, &"qoscope".into(), &api);
    if let Ok(event) = web_sys::Event::new("qoscope-ready") {
        let _ = window.dispatch_event(&event);
    }
}
