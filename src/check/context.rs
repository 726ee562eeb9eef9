//! The toolkit a check is written with: named clients whose ids and topics stay under the run's
//! own prefix, commands that wait for their answer, client-side faults, and queries over what
//! each client received. Everything observed is kept as a trace, which becomes the check's
//! diagram.

use std::collections::HashMap;

use super::check_clients::CheckClients;
use super::declared::Declared;
use super::outcome::Outcome;
use crate::clients::{ClientIndex, TransportFacts};
use crate::codec::{
    Connect, Disconnect, Packet, PacketType, Properties, ProtocolVersion, Publish, QoS, ReasonCode,
    Subscription, SubscriptionOptions,
};
use crate::session::{ConnectOptions, Event, LostCause, Message, PublishRequest};
use crate::trace::{ClientTag, Direction, FlowId, PacketFate, PacketRecord, TraceEvent};

/// How often a wait looks again, in ms.
const POLL_MS: u64 = 10;
/// How long an answer (CONNACK, SUBACK, an acknowledgement) may take.
pub const ANSWER_MS: u64 = 5_000;
/// The Keep Alive check clients ask for, in seconds: long, so that a PINGRESP queued behind a
/// large delivery (Mosquitto sends 1 MiB over WebSocket in about 26 s) is not taken for a dead
/// connection. A 5.0 broker may shorten it with Server Keep Alive, which the session then uses.
pub const KEEP_ALIVE: u16 = 60;
/// The Session Expiry Interval of a check's persistent sessions, in seconds: longer than any
/// check, and ended by the check's clean-up anyway.
const SESSION_EXPIRY_SECS: u32 = 300;

/// A point in what was observed; queries can look only at what came after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mark {
    packets: usize,
    events: usize,
}

/// A client's CONNACK, as the session reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct Connected {
    /// Session Present.
    pub session_present: bool,
    /// v5 CONNACK properties.
    pub properties: Properties,
}

/// The state of one check's run.
pub struct Ctx {
    clients: Box<dyn CheckClients>,
    version: ProtocolVersion,
    topic_prefix: String,
    client_prefix: String,
    names: Vec<String>,
    trace: Vec<TraceEvent>,
    packets: Vec<PacketRecord>,
    packet_index: HashMap<u64, usize>,
    events: Vec<(ClientIndex, Event)>,
    started: u64,
    /// Retained messages this check set: cleared at the end.
    retained: Vec<String>,
    /// Client ids whose sessions outlive their connection: ended at the end.
    persistent: Vec<String>,
    /// What the broker declared for this version.
    declared: Declared,
}

impl Ctx {
    /// A context on `clients`; topics start with `topic_prefix`, client ids with `client_prefix`;
    /// checks judge against what the broker `declared`.
    pub fn new(
        clients: Box<dyn CheckClients>,
        version: ProtocolVersion,
        topic_prefix: String,
        client_prefix: String,
        declared: Declared,
    ) -> Ctx {
        let started = clients.now();
        Ctx {
            clients,
            version,
            topic_prefix,
            client_prefix,
            names: Vec::new(),
            trace: Vec::new(),
            packets: Vec::new(),
            packet_index: HashMap::new(),
            events: Vec::new(),
            started,
            retained: Vec::new(),
            persistent: Vec::new(),
            declared,
        }
    }

    /// What the broker declared for this version.
    pub fn declared(&self) -> &Declared {
        &self.declared
    }

    /// Records what the broker declared (the version check does, for the checks after it).
    pub fn set_declared(&mut self, declared: Declared) {
        self.declared = declared;
    }

    /// The protocol version the check runs with.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Whether the check runs with MQTT 5.0.
    pub fn is_v5(&self) -> bool {
        self.version == ProtocolVersion::V5
    }

    /// Whether time is simulated.
    pub fn is_simulated(&self) -> bool {
        self.clients.is_simulated()
    }

    /// The check's own topic for `suffix`.
    pub fn topic(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.topic_prefix)
    }

    /// The check's topic prefix (ends with `/`).
    pub fn topic_prefix(&self) -> &str {
        &self.topic_prefix
    }

    /// Milliseconds since the check started.
    pub fn elapsed(&self) -> u64 {
        self.clients.now().saturating_sub(self.started)
    }

    /// Lane names for the diagram, in client order.
    pub fn client_names(&self) -> &[String] {
        &self.names
    }

    /// Everything recorded, for the diagram.
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        self.pump();
        std::mem::take(&mut self.trace)
    }

    /// What the transport saw.
    pub fn transport(&self) -> Option<TransportFacts> {
        self.clients.transport()
    }

    // ---- clients -------------------------------------------------------------------------

    /// Connect options for a client of this check named `name`: a clean session, trace on.
    pub fn options(&self, name: &str) -> ConnectOptions {
        ConnectOptions {
            keep_alive: KEEP_ALIVE,
            response_timeout_ms: ANSWER_MS,
            trace: true,
            ..ConnectOptions::new(self.version, self.client_id(name))
        }
    }

    /// The client id of this check's client `name`: under the run's own prefix.
    pub fn client_id(&self, name: &str) -> String {
        format!("{}{name}", self.client_prefix)
    }

    /// Options for a session that outlives its connection (ended when the check finishes).
    pub fn persistent_options(&self, name: &str) -> ConnectOptions {
        ConnectOptions {
            keep_alive: KEEP_ALIVE,
            response_timeout_ms: ANSWER_MS,
            trace: true,
            ..ConnectOptions::persistent(self.version, self.client_id(name), SESSION_EXPIRY_SECS)
        }
    }

    /// A client id of exactly 23 letters and digits, the kind every server must take
    /// ([MQTT-3.1.3-5]), unique to the run and the check.
    pub fn plain_client_id(&self) -> String {
        self.client_id("")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .chain("0123456789abcdefghijklm".chars())
            .take(23)
            .collect()
    }

    /// Adds a client without connecting it.
    pub fn add(&mut self, name: &str, options: ConnectOptions) -> usize {
        if !options.clean_start || options.properties.session_expiry_interval.unwrap_or(0) > 0 {
            // An empty id names no session yet: the broker's Assigned Client Identifier will
            // ([`Ctx::end_session_at_end`]).
            self.end_session_at_end(options.client_id.clone());
        }
        self.names.push(name.to_owned());
        self.clients.add_client(options)
    }

    /// Adds and connects a client; a refusal ends the check as broken.
    pub async fn open(
        &mut self,
        name: &str,
        options: ConnectOptions,
    ) -> Result<ClientIndex, Outcome> {
        Ok(self.open_for_connack(name, options).await?.0)
    }

    /// Has the clean-up end the session of `client_id` (once, whatever the calls).
    pub fn end_session_at_end(&mut self, client_id: String) {
        if !client_id.is_empty() && !self.persistent.contains(&client_id) {
            self.persistent.push(client_id);
        }
    }

    /// Adds and connects a client, and returns its CONNACK too, for checks that depend on what
    /// the broker says it supports.
    pub async fn open_for_connack(
        &mut self,
        name: &str,
        options: ConnectOptions,
    ) -> Result<(ClientIndex, Connected), Outcome> {
        let client = self.add(name, options);
        let connected = self
            .connect(client)
            .await
            .map_err(|cause| Outcome::broken(format!("{name} could not connect: {cause}")))?;
        Ok((client, connected))
    }

    /// Adds and connects a client with a clean session.
    pub async fn open_clean(&mut self, name: &str) -> Result<ClientIndex, Outcome> {
        let options = self.options(name);
        self.open(name, options).await
    }

    /// Adds and connects a client whose session outlives its connection.
    pub async fn open_persistent(&mut self, name: &str) -> Result<ClientIndex, Outcome> {
        let options = self.persistent_options(name);
        self.open(name, options).await
    }

    /// Connects (or reconnects) a client and waits for the CONNACK.
    pub async fn connect(&mut self, client: ClientIndex) -> Result<Connected, LostCause> {
        let mark = self.mark();
        self.clients.connect(client);
        let mut answer = None;
        self.wait_for(ANSWER_MS, |ctx| {
            answer = ctx
                .events_since(client, mark)
                .find_map(|event| match event {
                    Event::Connected {
                        session_present,
                        properties,
                    } => Some(Ok(Connected {
                        session_present: *session_present,
                        properties: properties.clone(),
                    })),
                    Event::ConnectionLost(cause) => Some(Err(cause.clone())),
                    _ => None,
                });
            answer.is_some()
        })
        .await;
        answer.unwrap_or(Err(LostCause::ConnAckTimeout(ANSWER_MS)))
    }

    /// Subscribes and waits for the SUBACK: the granted QoS or refusal code per filter.
    pub async fn subscribe(
        &mut self,
        client: ClientIndex,
        subscriptions: Vec<(String, SubscriptionOptions)>,
        properties: Properties,
    ) -> Result<Vec<Result<QoS, ReasonCode>>, Outcome> {
        if subscriptions
            .iter()
            .any(|(filter, _)| filter.contains(['+', '#']))
        {
            self.declared.wildcards()?;
        }
        if !properties.subscription_identifiers.is_empty() {
            self.declared.subscription_identifiers()?;
        }
        let mark = self.mark();
        let subscriptions: Vec<Subscription> = subscriptions
            .into_iter()
            .map(|(filter, options)| Subscription { filter, options })
            .collect();
        let mut refused = None;
        self.clients.command(client, &mut |session, now| {
            if let Err(error) = session.subscribe(now, subscriptions.clone(), properties.clone()) {
                refused = Some(error.to_string());
            }
        });
        if let Some(error) = refused {
            return Err(Outcome::broken(format!("SUBSCRIBE not sent: {error}")));
        }
        let mut results = None;
        // A closed connection will bring no SUBACK: no use waiting for one.
        self.wait_for(ANSWER_MS, |ctx| {
            results = ctx
                .events_since(client, mark)
                .find_map(|event| match event {
                    Event::Subscribed { results, .. } => {
                        Some(results.iter().map(|result| result.outcome).collect())
                    }
                    _ => None,
                });
            results.is_some() || ctx.lost_since(client, mark).is_some()
        })
        .await;
        results.ok_or_else(|| {
            Outcome::broken(match self.lost_since(client, mark) {
                Some(cause) => format!("no SUBACK: {cause}"),
                None => format!("no SUBACK within {ANSWER_MS} ms"),
            })
        })
    }

    /// Subscribes to one of the check's topics at `qos` and returns the granted QoS.
    pub async fn subscribe_one(
        &mut self,
        client: ClientIndex,
        suffix: &str,
        qos: QoS,
    ) -> Result<QoS, Outcome> {
        let filter = self.topic(suffix);
        self.subscribe_with(client, filter, SubscriptionOptions::qos(qos))
            .await
    }

    /// Subscribes to a full filter with options and returns the granted QoS.
    pub async fn subscribe_with(
        &mut self,
        client: ClientIndex,
        filter: String,
        options: SubscriptionOptions,
    ) -> Result<QoS, Outcome> {
        let results = self
            .subscribe(
                client,
                vec![(filter.clone(), options)],
                Properties::default(),
            )
            .await?;
        match results.first() {
            Some(Ok(granted)) => Ok(*granted),
            // A broker may refuse any subscription (v3 §3.9.3 return code 0x80, v5 §3.9.3):
            // the check cannot apply, which is not a failure.
            Some(Err(code)) => Err(Outcome::skipped(format!(
                "the broker refused the subscription to {filter} (SUBACK {code}), which it may do"
            ))),
            None => Err(Outcome::broken("SUBACK without a code")),
        }
    }

    /// Unsubscribes and waits for the UNSUBACK.
    pub async fn unsubscribe(
        &mut self,
        client: ClientIndex,
        filter: String,
    ) -> Result<(), Outcome> {
        self.unsubscribe_all(client, vec![filter]).await.map(drop)
    }

    /// Unsubscribes from several filters in one UNSUBSCRIBE and returns the UNSUBACK's reason
    /// codes (5.0; none in 3.1.1).
    pub async fn unsubscribe_all(
        &mut self,
        client: ClientIndex,
        filters: Vec<String>,
    ) -> Result<Vec<ReasonCode>, Outcome> {
        let mark = self.mark();
        self.clients.command(client, &mut |session, now| {
            let _ = session.unsubscribe(now, filters.clone(), Properties::default());
        });
        let mut codes = None;
        self.wait_for(ANSWER_MS, |ctx| {
            codes = ctx
                .events_since(client, mark)
                .find_map(|event| match event {
                    Event::Unsubscribed { reasons, .. } => Some(reasons.clone()),
                    _ => None,
                });
            codes.is_some()
        })
        .await;
        codes.ok_or_else(|| Outcome::broken(format!("no UNSUBACK within {ANSWER_MS} ms")))
    }

    /// Starts a publish; returns its flow. A publish the broker declared it cannot take skips
    /// the check, with the declaration as the reason.
    pub fn publish(
        &mut self,
        client: ClientIndex,
        request: PublishRequest,
    ) -> Result<FlowId, Outcome> {
        self.declared.publish_qos(request.qos)?;
        if request.retain && !request.payload.is_empty() {
            self.declared.retain()?;
        }
        if request.retain && !request.payload.is_empty() {
            self.retained.push(request.topic.to_string());
        }
        let mut result = None;
        self.clients.command(client, &mut |session, now| {
            result = Some(session.publish(now, request.clone()));
        });
        match result {
            Some(Ok(flow)) => Ok(flow),
            Some(Err(error)) => Err(Outcome::broken(format!("PUBLISH not sent: {error}"))),
            None => Err(Outcome::broken("PUBLISH not sent")),
        }
    }

    /// Publishes `payload` to one of the check's topics.
    pub fn publish_to(
        &mut self,
        client: ClientIndex,
        suffix: &str,
        payload: &str,
        qos: QoS,
        retain: bool,
    ) -> Result<FlowId, Outcome> {
        let mut request = PublishRequest::new(self.topic(suffix), payload.to_owned(), qos);
        request.retain = retain;
        self.publish(client, request)
    }

    /// Waits until the flow's acknowledgement came (QoS 0: until it was written); returns the
    /// reason code of the final acknowledgement.
    pub async fn completed(
        &mut self,
        client: ClientIndex,
        flow: FlowId,
    ) -> Result<ReasonCode, Outcome> {
        let mut reason = None;
        self.wait_for(ANSWER_MS, |ctx| {
            reason = ctx.events_of(client).find_map(|event| match event {
                Event::Published { flow: done, reason } if *done == flow => Some(Ok(*reason)),
                Event::PublishFailed {
                    flow: done, reason, ..
                } if *done == flow => Some(Err(Some(*reason))),
                Event::PublishUnknown { flow: done } if *done == flow => Some(Err(None)),
                _ => None,
            });
            reason.is_some()
        })
        .await;
        match reason {
            Some(Ok(reason)) => Ok(reason),
            Some(Err(Some(reason))) => {
                Err(Outcome::broken(format!("the broker refused it: {reason}")))
            }
            Some(Err(None)) => Err(Outcome::broken(
                "the broker lost the session after PUBREC (Session Present 0): whether the message was delivered is unknown",
            )),
            None => Err(Outcome::broken(format!(
                "the publish flow did not complete within {ANSWER_MS} ms"
            ))),
        }
    }

    /// Waits until the flow got any answer, a refusal too (a broker may refuse any publish);
    /// returns whether one came.
    pub async fn answered(&mut self, client: ClientIndex, flow: FlowId) -> bool {
        self.wait_for(ANSWER_MS, |ctx| {
            ctx.events_of(client).any(|event| match event {
                Event::Published { flow: done, .. } | Event::PublishFailed { flow: done, .. } => {
                    *done == flow
                }
                _ => false,
            })
        })
        .await
    }

    /// Sends DISCONNECT (normal) and waits for the connection to end.
    pub async fn disconnect(&mut self, client: ClientIndex) {
        self.disconnect_with(client, Disconnect::normal()).await;
    }

    /// Sends `disconnect` (a reason code, v5 properties) and waits for the connection to end.
    pub async fn disconnect_with(&mut self, client: ClientIndex, disconnect: Disconnect) {
        let mark = self.mark();
        let mut connected = false;
        self.clients.command(client, &mut |session, now| {
            connected = session.is_connected();
            if connected {
                session.disconnect(now, disconnect.clone())
            }
        });
        // A client that is not connected has nothing to close: no waiting for it.
        if connected {
            self.wait_for(ANSWER_MS, |ctx| ctx.lost_since(client, mark).is_some())
                .await;
        }
    }

    /// A retained message the check causes without publishing it (a retained Will on `topic`):
    /// cleared at the end like the ones it publishes.
    pub fn retained_by_will(&mut self, topic: String) {
        self.retained.push(topic);
    }

    /// Drops a client's connection without DISCONNECT (the broker sees an abnormal close).
    pub async fn cut(&mut self, client: ClientIndex) {
        self.clients.cut(client);
        self.settle(50).await;
    }

    /// Stops the client's keep-alive pings on this connection: it goes silent.
    pub fn stop_pinging(&mut self, client: ClientIndex) {
        self.clients
            .command(client, &mut |session, _| session.stop_pinging());
    }

    /// Loses the next packet of `kind` that the client sends.
    pub fn withhold_next(&mut self, client: ClientIndex, kind: PacketType) {
        self.clients.drop_next(client, Direction::Outgoing, kind);
    }

    /// Loses the next packet of `kind` that the broker sends to the client.
    pub fn lose_incoming(&mut self, client: ClientIndex, kind: PacketType) {
        self.clients.drop_next(client, Direction::Incoming, kind);
    }

    /// Sends a packet the session did not write, encoded for the check's version.
    pub fn inject(&mut self, client: ClientIndex, packet: &Packet) -> Result<(), Outcome> {
        let bytes = packet
            .to_bytes(self.version)
            .map_err(|error| Outcome::broken(format!("could not encode {packet}: {error}")))?;
        self.inject_bytes(client, &bytes);
        Ok(())
    }

    /// Sends bytes as they are: a packet that breaks a rule the encoder keeps.
    pub fn inject_bytes(&mut self, client: ClientIndex, bytes: &[u8]) {
        self.clients.inject(client, bytes);
    }

    /// Adds a client and opens its connection, but sends what `first` makes of the session's
    /// own CONNECT (which is withheld) in its place: a CONNECT that breaks a rule, or another
    /// packet before CONNECT. The session still waits for a CONNACK, so the broker's answer
    /// shows. The session's CONNECT carries the run's credentials.
    pub async fn open_with_first_packet(
        &mut self,
        name: &str,
        first: impl FnOnce(&Connect) -> Vec<u8>,
    ) -> Result<ClientIndex, Outcome> {
        let options = self.options(name);
        let client = self.add(name, options);
        self.withhold_next(client, PacketType::Connect);
        let mark = self.mark();
        self.clients.connect(client);
        let mut withheld = None;
        // The withheld CONNECT in the trace says the connection is open.
        self.wait_for(ANSWER_MS, |ctx| {
            withheld = ctx
                .records_since(client, mark, Direction::Outgoing)
                .find_map(|record| match &record.packet {
                    Ok(Packet::Connect(connect)) if record.fate == PacketFate::Dropped => {
                        Some(connect.clone())
                    }
                    _ => None,
                });
            withheld.is_some()
        })
        .await;
        let Some(connect) = withheld else {
            let why = self
                .lost_since(client, mark)
                .map_or_else(|| format!("not within {ANSWER_MS} ms"), ToString::to_string);
            return Err(Outcome::broken(format!(
                "{name}'s connection did not open: {why}"
            )));
        };
        let bytes = first(&connect);
        self.inject_bytes(client, &bytes);
        Ok(client)
    }

    /// Splits the client's writes into WebSocket messages of at most `bytes` bytes.
    pub fn set_frame_limit(&mut self, client: ClientIndex, bytes: Option<usize>) -> bool {
        self.clients.set_frame_limit(client, bytes)
    }

    // ---- time ----------------------------------------------------------------------------

    /// Waits until the client received a PUBLISH after `mark` (or the answer time passed).
    pub async fn publish_arrives(&mut self, client: ClientIndex, mark: Mark) -> bool {
        self.wait_for(ANSWER_MS, |ctx| {
            !ctx.publishes_since(client, mark).is_empty()
        })
        .await
    }

    /// Waits until the client's application got `count` messages after `mark` (or the answer
    /// time passed).
    pub async fn messages_arrive(&mut self, client: ClientIndex, mark: Mark, count: usize) -> bool {
        self.wait_for(ANSWER_MS, |ctx| {
            ctx.messages_since(client, mark).len() >= count
        })
        .await
    }

    /// Lets `ms` pass while packets flow.
    pub async fn settle(&mut self, ms: u64) {
        let until = self.clients.now() + ms;
        while self.clients.now() < until {
            let step = (until - self.clients.now()).min(POLL_MS * 5);
            self.clients.sleep(step).await;
        }
        self.pump();
    }

    /// Waits until `done` holds or `timeout_ms` passed; returns whether it held.
    pub async fn wait_for(&mut self, timeout_ms: u64, mut done: impl FnMut(&Ctx) -> bool) -> bool {
        let deadline = self.clients.now() + timeout_ms;
        loop {
            self.pump();
            if done(self) {
                return true;
            }
            if self.clients.now() >= deadline {
                return false;
            }
            self.clients.sleep(POLL_MS).await;
        }
    }

    // ---- what was observed ---------------------------------------------------------------

    /// The current point in what was observed.
    pub fn mark(&mut self) -> Mark {
        self.pump();
        Mark {
            packets: self.packets.len(),
            events: self.events.len(),
        }
    }

    /// The client's session events.
    pub fn events_of(&self, client: ClientIndex) -> impl Iterator<Item = &Event> {
        self.events_since(client, Mark::default())
    }

    /// The client's session events after `mark`.
    pub fn events_since(&self, client: ClientIndex, mark: Mark) -> impl Iterator<Item = &Event> {
        self.events[mark.events..]
            .iter()
            .filter(move |(owner, _)| *owner == client)
            .map(|(_, event)| event)
    }

    /// Why the client's connection ended after `mark`, if it did.
    pub fn lost_since(&self, client: ClientIndex, mark: Mark) -> Option<&LostCause> {
        self.events_since(client, mark)
            .find_map(|event| match event {
                Event::ConnectionLost(cause) => Some(cause),
                _ => None,
            })
    }

    /// Messages handed to the client's application after `mark`.
    pub fn messages_since(&self, client: ClientIndex, mark: Mark) -> Vec<&Message> {
        self.events_since(client, mark)
            .filter_map(|event| match event {
                Event::Message(message) => Some(message),
                _ => None,
            })
            .collect()
    }

    /// The payloads, as text, of the messages handed to the client's application after `mark`.
    pub fn payloads_since(&self, client: ClientIndex, mark: Mark) -> Vec<String> {
        self.messages_since(client, mark)
            .iter()
            .map(|message| String::from_utf8_lossy(&message.payload).into_owned())
            .collect()
    }

    /// The topics of the PUBLISH packets the client received after `mark`, with the check's
    /// prefix taken off.
    pub fn topics_since(&self, client: ClientIndex, mark: Mark) -> Vec<String> {
        self.publishes_since(client, mark)
            .iter()
            .map(|publish| {
                publish
                    .topic
                    .strip_prefix(self.topic_prefix())
                    .unwrap_or(&publish.topic)
                    .to_owned()
            })
            .collect()
    }

    /// Packets the client received after `mark`.
    pub fn received_since(&self, client: ClientIndex, mark: Mark) -> impl Iterator<Item = &Packet> {
        self.packets_since(client, mark, Direction::Incoming)
    }

    /// Packets the client sent that reached the broker after `mark`.
    pub fn sent_since(&self, client: ClientIndex, mark: Mark) -> impl Iterator<Item = &Packet> {
        self.packets_since(client, mark, Direction::Outgoing)
    }

    fn packets_since(
        &self,
        client: ClientIndex,
        mark: Mark,
        direction: Direction,
    ) -> impl Iterator<Item = &Packet> {
        self.records_since(client, mark, direction)
            .filter(|record| record.fate == PacketFate::Delivered)
            .filter_map(|record| record.packet.as_ref().ok())
    }

    /// The client's packet records going `direction` after `mark`, whatever became of them.
    pub fn records_since(
        &self,
        client: ClientIndex,
        mark: Mark,
        direction: Direction,
    ) -> impl Iterator<Item = &PacketRecord> {
        let tag = ClientTag::of_index(client);
        self.packets[mark.packets..]
            .iter()
            .filter(move |record| Some(record.client) == tag && record.direction == direction)
    }

    /// PUBLISH packets the client received after `mark`.
    pub fn publishes_since(&self, client: ClientIndex, mark: Mark) -> Vec<&Publish> {
        self.received_since(client, mark)
            .filter_map(|packet| match packet {
                Packet::Publish(publish) => Some(publish),
                _ => None,
            })
            .collect()
    }

    /// How many packets of `kind` the client received after `mark`.
    pub fn count_received(&self, client: ClientIndex, mark: Mark, kind: PacketType) -> usize {
        self.received_since(client, mark)
            .filter(|packet| packet.packet_type() == kind)
            .count()
    }

    fn pump(&mut self) {
        let (trace, events) = self.clients.poll();
        for event in &trace {
            match event {
                TraceEvent::Packet(record) => {
                    self.packet_index.insert(record.id, self.packets.len());
                    self.packets.push(record.clone());
                }
                TraceEvent::PacketUpdate { id, fate, .. } => {
                    if let Some(&index) = self.packet_index.get(id) {
                        self.packets[index].fate = *fate;
                    }
                }
                TraceEvent::Flow(_) | TraceEvent::Note(_) => {}
            }
        }
        self.trace.extend(trace);
        self.events.extend(events);
    }

    // ---- leaving nothing behind ------------------------------------------------------------

    /// Ends every connection with DISCONNECT (so no will fires), clears the retained messages
    /// the check set and ends the sessions it opened.
    pub async fn clean_up(&mut self) {
        for client in 0..self.names.len() {
            self.disconnect(client).await;
        }
        let retained = std::mem::take(&mut self.retained);
        let persistent = std::mem::take(&mut self.persistent);
        if !retained.is_empty() {
            let options = self.options("clean");
            if let Ok(cleaner) = self.open("cleaner", options).await {
                // QoS 1 so the clearing is acknowledged, unless the broker takes only QoS 0.
                let qos = self
                    .declared
                    .maximum_qos
                    .unwrap_or(QoS::AtLeastOnce)
                    .min(QoS::AtLeastOnce);
                for topic in retained {
                    let request = PublishRequest::new(topic, Vec::new(), qos);
                    let mut request = request;
                    request.retain = true;
                    if let Ok(flow) = self.publish(cleaner, request) {
                        let _ = self.completed(cleaner, flow).await;
                    }
                }
                self.disconnect(cleaner).await;
            }
        }
        for client_id in persistent {
            // Connecting with a clean session (v5: expiry 0) ends the stored one.
            let mut options = ConnectOptions::new(self.version, client_id);
            options.trace = true;
            options.response_timeout_ms = ANSWER_MS;
            let client = self.names.len();
            self.names.push("cleaner".into());
            self.clients.add_client(options);
            if self.connect(client).await.is_ok() {
                self.disconnect(client).await;
            }
        }
        self.clients.close_all();
        self.pump();
    }
}
