//! The JavaScript API's Rust half: [`Connection`], one client session over the browser driver,
//! with an interface of plain values (strings, numbers, byte arrays). `js/api.js` builds the
//! MQTT.js-style API on it (options objects, listeners, promises): JavaScript objects are made
//! and read in JavaScript, where they cost least, and the MQTT work stays in Rust.
//!
//! ```js
//! const client = await qoscope.connectAsync("ws://127.0.0.1:9001/mqtt", { protocolVersion: 5 });
//! client.on("message", (topic, payload, packet) => console.log(topic, payload, packet.qos));
//! await client.subscribeAsync("demo/#", { qos: 2 });
//! await client.publishAsync("demo/1", "hello", { qos: 2 });
//! await client.endAsync();
//! ```

use std::cell::RefCell;
use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::state_store::StateStore;
use super::ws_client::{ClientEvent, Reconnect, WsClient};
use crate::codec::{
    Disconnect, Properties, PropertyView, ProtocolVersion, QoS, RetainHandling, Subscription,
    SubscriptionOptions, Topic, Will,
};
use crate::session::{ConnectOptions, Event, Message, PublishRequest, Session, SessionState};
use crate::trace::ClientTag;
#[cfg(feature = "trace")]
use crate::{
    codec::Packet,
    trace::{Direction, TraceEvent},
};

#[wasm_bindgen]
extern "C" {
    /// The JavaScript side of one connection (js/api.js), told what happens.
    pub type Events;

    /// CONNACK accepted the connection; `properties` as [`properties_array`] makes them.
    #[wasm_bindgen(method)]
    fn connected(this: &Events, session_present: bool, properties: Array);

    /// `count` messages for the application, in order, described at `records` in the module's
    /// memory ([`wasm_memory`]) by [`MESSAGE_RECORD`] 32-bit words each: where the topic's
    /// UTF-8 bytes are and their length, the same for the payload, and QoS | retain << 2 |
    /// dup << 3. Addresses and numbers rather than arrays, because each array handed over
    /// would be a view made for the call. All of it is valid only during the call.
    /// `properties` has each message's properties or `undefined`, and is itself `undefined`
    /// when no message has any (most batches: making the array would be a call out of its own).
    #[wasm_bindgen(method)]
    fn messages(this: &Events, records: usize, count: usize, properties: Option<Array>);

    /// A publish's QoS flow completed (QoS 0: written).
    #[wasm_bindgen(method)]
    fn published(this: &Events, flow: u32, reason_code: u8);

    /// A publish was refused by the broker.
    #[wasm_bindgen(method, js_name = publishFailed)]
    fn publish_failed(this: &Events, flow: u32, message: String);

    /// A publish's outcome cannot be known: the session was lost after PUBREC.
    #[wasm_bindgen(method, js_name = publishUnknown)]
    fn publish_unknown(this: &Events, flow: u32);

    /// A SUBSCRIBE was answered: per filter, the granted QoS or the failure code.
    #[wasm_bindgen(method)]
    fn subscribed(this: &Events, pid: u16, codes: &[u8]);

    /// An UNSUBSCRIBE was answered.
    #[wasm_bindgen(method)]
    fn unsubscribed(this: &Events, pid: u16);

    /// A reconnection attempt is due.
    #[wasm_bindgen(method)]
    fn reconnecting(this: &Events);

    /// The connection is gone, for the reason given; `code` names the cause for programs
    /// (`LostCause::code`), `reason_code` is the broker's reason code or -1.
    #[wasm_bindgen(method)]
    fn closed(this: &Events, reason: String, code: &str, reason_code: i32);

    /// A problem a person can act on (bad URL, refused connection, failed state write, ...).
    #[wasm_bindgen(method)]
    fn failed(this: &Events, message: String);

    /// A packet sent or received, as MQTT.js shows it (with `trace` on).
    #[cfg(feature = "trace")]
    #[wasm_bindgen(method)]
    fn packet(this: &Events, outgoing: bool, packet: JsValue);
}

fn qos(value: u8) -> Result<QoS, JsError> {
    QoS::from_u8(value).ok_or_else(|| JsError::new("qos must be 0, 1 or 2"))
}

/// v5 properties as `[identifier, value, identifier, value, ...]`: numbers, booleans, strings,
/// `Uint8Array`s, and `[name, value]` for a User Property. js/api.js gives them MQTT.js's names.
fn properties_array(properties: &Properties) -> Array {
    let array = Array::new();
    properties.each(|id, value| {
        array.push(&(id as u8).into());
        array.push(&match value {
            PropertyView::Flag(flag) => flag.into(),
            PropertyView::Byte(number) => number.into(),
            PropertyView::TwoByte(number) => number.into(),
            PropertyView::FourByte(number) | PropertyView::VarInt(number) => number.into(),
            PropertyView::Text(text) => text.into(),
            PropertyView::Binary(bytes) => Uint8Array::from(bytes).into(),
            PropertyView::Pair(name, value) => Array::of2(&name.into(), &value.into()).into(),
        });
    });
    array
}

#[cfg(feature = "trace")]
/// A packet as MQTT.js shows it in `packetsend` / `packetreceive`: `cmd` and the usual fields,
/// plus the diagram's label and the bytes on the wire.
fn packet_object(packet: &Packet, raw: &[u8]) -> JsValue {
    use js_sys::{Object, Reflect};
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

/// One client connection: a session over the browser driver, reporting to its [`Events`].
#[wasm_bindgen]
pub struct Connection {
    client: WsClient,
    /// The topic of the last publish accepted, used when `publish` is given none: applications
    /// mostly publish to a topic they published to before, and js/api.js then saves writing it
    /// into the module's memory and this side making it again.
    published_topic: RefCell<Option<Topic>>,
}

#[wasm_bindgen]
impl Connection {
    /// Checks the URL and starts connecting. js/api.js has checked the options and applied
    /// MQTT.js's defaults; `saved` is a session state from `store` to resume. The list is long
    /// because each value crosses as what it is, with no options object to read field by field.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        url: &str,
        client_id: String,
        protocol_version: u8,
        clean: bool,
        keep_alive: u16,
        username: Option<String>,
        password: Option<Vec<u8>>,
        session_expiry_interval: Option<u32>,
        receive_maximum: Option<u16>,
        maximum_packet_size: Option<u32>,
        topic_alias_maximum: Option<u16>,
        request_response_information: Option<bool>,
        request_problem_information: Option<bool>,
        will_topic: Option<String>,
        will_payload: Vec<u8>,
        will_qos: u8,
        will_retain: bool,
        connect_timeout: Option<u32>,
        reconnect_period: u32,
        republish_unconfirmed: bool,
        trace: bool,
        store: Option<StateStore>,
        saved: Option<Vec<u8>>,
        events: Events,
    ) -> Result<Connection, JsError> {
        let version = if protocol_version == 5 {
            ProtocolVersion::V5
        } else {
            ProtocolVersion::V311
        };
        if trace && !cfg!(feature = "trace") {
            return Err(JsError::new(
                "trace: true is not available in the lean build (no packetsend / packetreceive events)",
            ));
        }
        let mut connect = ConnectOptions::new(version, client_id);
        // Packet records feed `packetsend` / `packetreceive`; without them the session skips the trace.
        connect.trace = trace;
        connect.clean_start = clean;
        connect.republish_unconfirmed = republish_unconfirmed;
        connect.keep_alive = keep_alive;
        connect.username = username;
        connect.password = password.map(Bytes::from);
        if let Some(timeout) = connect_timeout {
            connect.response_timeout_ms = u64::from(timeout);
        }
        if version == ProtocolVersion::V5 {
            let values = &mut connect.properties;
            values.session_expiry_interval = session_expiry_interval;
            values.receive_maximum = receive_maximum.and_then(NonZeroU16::new);
            values.maximum_packet_size = maximum_packet_size.and_then(NonZeroU32::new);
            values.topic_alias_maximum = topic_alias_maximum;
            values.request_response_information = request_response_information;
            values.request_problem_information = request_problem_information;
            if values.is_empty() {
                connect.properties = Properties::default();
            }
        }
        if let Some(topic) = will_topic {
            connect.will = Some(Will {
                topic,
                payload: will_payload.into(),
                qos: qos(will_qos)?,
                retain: will_retain,
                properties: Properties::default(),
            });
        }
        let session = match saved {
            Some(bytes) => {
                let state = SessionState::from_bytes(&bytes, connect.clone(), ClientTag::FIRST)
                    .map_err(|error| JsError::new(&error))?;
                let mut session = Session::restore(state, ClientTag::FIRST);
                session.set_options(connect);
                session
            }
            None => Session::new(connect, ClientTag::FIRST),
        };
        let reconnect = Reconnect {
            initial_ms: reconnect_period,
            max_ms: reconnect_period.saturating_mul(30),
        };
        let client = WsClient::connect_with_store(url, session, reconnect, store, move |event| {
            report(&events, event)
        })
        .map_err(|error| JsError::new(&error))?;
        Ok(Connection {
            client,
            published_topic: RefCell::new(None),
        })
    }

    /// Whether CONNACK accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.client.read(Session::is_connected)
    }

    /// Publishes; returns the flow that [`Events`] `published` / `publishFailed` name. No
    /// `topic` means the last accepted publish's. The payload comes as `payload_text` or as
    /// `payload_bytes`: a string is written into the module's memory as UTF-8 directly, without
    /// first becoming a `Uint8Array` of its own. `user_properties` is `[name, value, name,
    /// value, ...]`.
    #[allow(clippy::too_many_arguments)]
    pub fn publish(
        &self,
        topic: Option<String>,
        payload_text: Option<String>,
        payload_bytes: Option<Vec<u8>>,
        qos: u8,
        retain: bool,
        payload_format_indicator: Option<bool>,
        message_expiry_interval: Option<u32>,
        content_type: Option<String>,
        response_topic: Option<String>,
        correlation_data: Option<Vec<u8>>,
        user_properties: Option<Vec<String>>,
    ) -> Result<u32, JsError> {
        let payload = payload_text
            .map(String::into_bytes)
            .or(payload_bytes)
            .unwrap_or_default();
        let topic = match topic {
            Some(topic) => Topic::from(topic),
            None => self
                .published_topic
                .borrow()
                .clone()
                .ok_or_else(|| JsError::new("no topic given, and none published before"))?,
        };
        let mut request = PublishRequest::new(topic.clone(), payload, self::qos(qos)?);
        request.retain = retain;
        let given = payload_format_indicator.is_some()
            || message_expiry_interval.is_some()
            || content_type.is_some()
            || response_topic.is_some()
            || correlation_data.is_some()
            || user_properties.is_some();
        // Most publishes have none, and setting any makes the properties' storage.
        if given {
            let values = &mut request.properties;
            values.payload_format_indicator = payload_format_indicator;
            values.message_expiry_interval = message_expiry_interval;
            values.content_type = content_type;
            values.response_topic = response_topic;
            values.correlation_data = correlation_data.map(Bytes::from);
            let mut pairs = user_properties.unwrap_or_default().into_iter();
            while let (Some(name), Some(value)) = (pairs.next(), pairs.next()) {
                values.user_properties.push((name, value));
            }
            if request.properties.is_empty() {
                request.properties = Properties::default();
            }
        }
        let flow = self
            .client
            .with_session(|session, now| session.publish(now, request))
            .map_err(|error| JsError::new(&error.to_string()))?;
        *self.published_topic.borrow_mut() = Some(topic);
        Ok(flow.index)
    }

    /// Subscribes to `filters` with one set of options; returns the SUBSCRIBE's packet id.
    pub fn subscribe(
        &self,
        filters: Vec<String>,
        qos: u8,
        no_local: bool,
        retain_as_published: bool,
        retain_handling: u8,
    ) -> Result<u16, JsError> {
        let options = SubscriptionOptions {
            qos: self::qos(qos)?,
            no_local,
            retain_as_published,
            retain_handling: match retain_handling {
                0 => RetainHandling::SendAtSubscribe,
                1 => RetainHandling::SendIfNew,
                2 => RetainHandling::DoNotSend,
                _ => return Err(JsError::new("rh must be 0, 1 or 2")),
            },
        };
        let subscriptions = filters
            .into_iter()
            .map(|filter| Subscription { filter, options })
            .collect();
        self.client
            .with_session(|session, now| {
                session.subscribe(now, subscriptions, Properties::default())
            })
            .map(|pid| pid.get())
            .map_err(|error| JsError::new(&error.to_string()))
    }

    /// Unsubscribes from `filters`; returns the UNSUBSCRIBE's packet id.
    pub fn unsubscribe(&self, filters: Vec<String>) -> Result<u16, JsError> {
        self.client
            .with_session(|session, now| session.unsubscribe(now, filters, Properties::default()))
            .map(|pid| pid.get())
            .map_err(|error| JsError::new(&error.to_string()))
    }

    /// Sends DISCONNECT and closes. In-flight messages stay in the session (and its store).
    pub fn end(&self) {
        self.client
            .with_session(|session, now| session.disconnect(now, Disconnect::normal()));
        self.client.end();
    }
}

/// Tells `events` what the driver reported.
fn report(events: &Events, event: ClientEvent) {
    match event {
        ClientEvent::Session(event) => report_session(events, event),
        #[cfg(not(feature = "trace"))]
        ClientEvent::Trace(_) => {}
        #[cfg(feature = "trace")]
        ClientEvent::Trace(trace) => {
            for event in trace {
                if let TraceEvent::Packet(record) = event {
                    let packet = record
                        .packet
                        .as_ref()
                        .map_or(JsValue::NULL, |packet| packet_object(packet, &record.raw));
                    events.packet(record.direction == Direction::Outgoing, packet);
                }
            }
        }
        ClientEvent::Messages(messages) => report_messages(events, &messages),
        ClientEvent::Reconnecting { .. } => events.reconnecting(),
        ClientEvent::Error(message) => events.failed(message),
    }
}

fn report_session(events: &Events, event: Event) {
    match event {
        Event::Connected {
            session_present,
            properties,
        } => events.connected(session_present, properties_array(&properties)),
        // The driver hands messages over in batches (ClientEvent::Messages).
        Event::Message(message) => report_messages(events, &[message]),
        Event::Published { flow, reason } => events.published(flow.index, reason.as_u8()),
        Event::PublishFailed {
            flow,
            reason,
            reason_string,
        } => {
            let mut text = format!("publish failed: {reason}");
            if let Some(reason_string) = reason_string {
                text.push_str(&format!(" ({reason_string})"));
            }
            events.publish_failed(flow.index, text);
        }
        Event::Subscribed { pid, results } => {
            let codes: Vec<u8> = results
                .iter()
                .map(|result| match result.outcome {
                    Ok(qos) => qos.as_u8(),
                    Err(code) => code.as_u8(),
                })
                .collect();
            events.subscribed(pid.get(), &codes);
        }
        Event::Unsubscribed { pid, .. } => events.unsubscribed(pid.get()),
        Event::PublishUnknown { flow } => events.publish_unknown(flow.index),
        Event::ConnectionLost(cause) => events.closed(
            cause.to_string(),
            cause.code(),
            cause
                .reason_code()
                .map_or(-1, |code| i32::from(code.as_u8())),
        ),
        Event::SessionLost { .. } => {}
    }
}

/// How many 32-bit words describe one message handed over by `Events::messages`.
const MESSAGE_RECORD: usize = 5;

/// Hands a batch of messages over in one call, as records of where each topic and payload
/// already are in memory: nothing is copied on this side.
fn report_messages(events: &Events, messages: &[Message]) {
    // The bytes' addresses as numbers: wasm32 addresses are 32 bits.
    let address = |bytes: &[u8]| bytes.as_ptr() as u32;
    let mut records = Vec::with_capacity(messages.len() * MESSAGE_RECORD);
    let mut properties: Option<Array> = None;
    for (index, message) in messages.iter().enumerate() {
        let topic = message.topic.as_bytes();
        let flags =
            message.qos.as_u8() | u8::from(message.retain) << 2 | u8::from(message.dup) << 3;
        records.extend_from_slice(&[
            address(topic),
            topic.len() as u32,
            address(&message.payload),
            message.payload.len() as u32,
            u32::from(flags),
        ]);
        if !message.properties.is_empty() {
            properties
                .get_or_insert_with(|| Array::new_with_length(messages.len() as u32))
                .set(index as u32, properties_array(&message.properties).into());
        }
    }
    events.messages(records.as_ptr() as usize, messages.len(), properties);
}

/// The module's memory, where js/api.js reads the messages `Events::messages` points at.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes the API available as `window.qoscope` (with what `extend` adds, such as the app's
/// broker check) once the app has started, and announces it with a `qoscope-ready` event
/// (js/api.js does both).
#[cfg(feature = "app")]
pub fn install_global(extend: impl FnOnce(&js_sys::Object)) {
    #[wasm_bindgen(module = "/js/api.js")]
    extern "C" {
        #[wasm_bindgen(js_name = installGlobal)]
        fn install_global_api(api: &js_sys::Object);
    }
    let api = js_sys::Object::new();
    extend(&api);
    let _ = js_sys::Reflect::set(&api, &"version".into(), &env!("CARGO_PKG_VERSION").into());
    install_global_api(&api);
}
