//! The client session: a sans-IO state machine for one MQTT client, shared by the browser driver,
//! the simulated broker's world and the tests.
//!
//! It does no I/O and reads no clock. Inputs are `handle_*` calls (transport opened or closed,
//! bytes received, a timer fired) and commands (`publish`, `subscribe`, `unsubscribe`,
//! `disconnect`), each with the current time in milliseconds. After every input, drain the
//! outputs: [`Session::poll_transmit`] (bytes for the transport), [`Session::poll_event`] (what
//! happened), [`Session::poll_close`] (close the transport now), [`Session::poll_trace`] (trace
//! events) and arm one timer for [`Session::poll_timeout`].
//!
//! Delivery rules follow both specs: QoS 1 at least once, QoS 2 exactly once with Method B
//! (store the packet id, deliver at once, [v5 §4.3.3]); re-sending happens on reconnect with a
//! resumed session, in the original order, with DUP=1 ([MQTT-4.4.0-1], [MQTT-4.6.0-1]); a
//! teaching-only retry timer can be switched on. In-flight state survives a dropped connection
//! and can be exported as a [`SessionState`] value.

mod event;
mod inbound;
mod options;
mod outbound;
mod outgoing;
mod sorted_map;
mod state;

use std::collections::VecDeque;
use std::num::NonZeroU16;

use bytes::Bytes;
use rustc_hash::FxHashMap;

pub use event::{CommandError, Event, LostCause, Message, SubscribeResult};
pub use options::{ConnectOptions, PublishRequest};
pub use outgoing::{AckStage, OutgoingEntry, Request};
pub(crate) use outgoing::{InFlight, PidAllocator};
use sorted_map::SortedMap;
pub use state::{SessionState, SubscriptionRecord};

use crate::codec::{
    other_versions_refusal, Disconnect, FrameDecoder, Packet, Pid, Properties, ProtocolVersion,
    QoS, ReasonCode, Topic,
};
use crate::trace::{
    ClientTag, Direction, FlowEvent, FlowId, FlowState, PacketFate, PacketRecord, StepKind,
    TraceEvent,
};

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No transport; commands are queued.
    Offline,
    /// CONNECT sent at `since`, waiting for CONNACK.
    AwaitingConnAck { since: u64 },
    /// CONNACK accepted.
    Connected,
}

/// What the server allows, from CONNACK (v5 defaults when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ServerLimits {
    receive_maximum: u16,
    maximum_qos: QoS,
    retain_available: bool,
    maximum_packet_size: Option<u32>,
    topic_alias_maximum: u16,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
        }
    }
}

/// A publish waiting for a connection, send quota or a packet identifier.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueuedPublish {
    /// What to publish.
    pub request: PublishRequest,
    /// Its flow in the trace.
    pub flow: FlowId,
}

/// One MQTT client session. See the module docs for the run loop.
#[derive(Debug, Clone)]
pub struct Session {
    options: ConnectOptions,
    tag: ClientTag,
    phase: Phase,
    connection: u32,
    /// Whether the broker may hold a session of ours worth resuming.
    has_session: bool,
    /// Whether the current connection asked to resume (clean start 0).
    resuming: bool,
    decoder: FrameDecoder,
    last_lost: Option<LostCause>,
    server: ServerLimits,
    send_quota: u16,
    keep_alive_ms: u64,
    last_sent: u64,
    ping_sent_at: Option<u64>,
    pids: PidAllocator,
    outgoing: InFlight,
    queued: VecDeque<QueuedPublish>,
    requests: SortedMap<Pid, Request>,
    /// QoS 2 packet ids received and PUBREC'd but not yet released (Method B), with their flow.
    incoming_qos2: FxHashMap<Pid, FlowId>,
    subscriptions: SortedMap<String, SubscriptionRecord>,
    /// The Subscription Identifier each filter was subscribed with (v5), to tell which
    /// subscription a delivered copy is for. Not part of the saved state: after a reload the
    /// trace falls back to the filters' grants.
    subscription_ids: rustc_hash::FxHashMap<String, std::num::NonZeroU32>,
    aliases_in: FxHashMap<u16, Topic>,
    aliases_out: FxHashMap<Topic, NonZeroU16>,
    next_flow: u32,
    next_packet: u64,
    /// Whole packets received since the session began, good or not.
    received: u64,
    transmit: Vec<u8>,
    events: VecDeque<Event>,
    trace: Vec<TraceEvent>,
    close: bool,
}

impl Session {
    /// A session that will connect with `options`. `tag` names this client in the trace.
    pub fn new(options: ConnectOptions, tag: ClientTag) -> Session {
        Session {
            decoder: FrameDecoder::new(options.version),
            last_lost: None,
            options,
            tag,
            phase: Phase::Offline,
            connection: 0,
            has_session: false,
            resuming: false,
            server: ServerLimits::default(),
            send_quota: u16::MAX,
            keep_alive_ms: 0,
            last_sent: 0,
            ping_sent_at: None,
            pids: PidAllocator::default(),
            outgoing: InFlight::default(),
            queued: VecDeque::new(),
            requests: SortedMap::new(),
            incoming_qos2: FxHashMap::default(),
            subscriptions: SortedMap::new(),
            subscription_ids: Default::default(),
            aliases_in: FxHashMap::default(),
            aliases_out: FxHashMap::default(),
            next_flow: 0,
            next_packet: 0,
            received: 0,
            transmit: Vec::new(),
            events: VecDeque::new(),
            trace: Vec::new(),
            close: false,
        }
    }

    // ---- getters -------------------------------------------------------------------------

    /// The options the session connects with.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// Replaces the options used for the next connection (client id, credentials, will, ...).
    pub fn set_options(&mut self, options: ConnectOptions) {
        self.options = options;
    }

    /// The protocol version.
    pub fn version(&self) -> ProtocolVersion {
        self.options.version
    }

    /// This client's tag in the trace.
    pub fn tag(&self) -> ClientTag {
        self.tag
    }

    /// Whether CONNACK accepted the current connection.
    pub fn is_connected(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// Why the last connection ended, until the next CONNACK accepts one (the page shows it on
    /// the client card with what to do).
    pub fn last_lost(&self) -> Option<&LostCause> {
        self.last_lost.as_ref()
    }

    /// Whether CONNECT went out on this connection and CONNACK has not come yet.
    pub fn is_awaiting_connack(&self) -> bool {
        matches!(self.phase, Phase::AwaitingConnAck { .. })
    }

    /// The current connection number (1 for the first).
    pub fn connection(&self) -> u32 {
        self.connection
    }

    /// Outgoing QoS 1/2 messages not yet completely acknowledged.
    pub fn in_flight(&self) -> usize {
        self.outgoing.len()
    }

    /// Whole packets received so far, refused ones included: what the driver counts the
    /// broker's answers by.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Outgoing messages waiting for a connection or send quota.
    pub fn queued(&self) -> usize {
        self.queued.len()
    }

    /// Incoming QoS 2 packet ids held until PUBREL.
    pub fn incoming_held(&self) -> Vec<Pid> {
        let mut pids: Vec<Pid> = self.incoming_qos2.keys().copied().collect();
        pids.sort_unstable();
        pids
    }

    /// Outgoing entries in send order (for the inspector's session view).
    pub fn outgoing_entries(&self) -> Vec<(Pid, &OutgoingEntry)> {
        self.outgoing.entries_in_order()
    }

    /// Remaining send quota (v5 Receive Maximum of the server).
    pub fn send_quota(&self) -> u16 {
        self.send_quota
    }

    /// Our subscriptions with what the server granted.
    pub fn subscriptions(&self) -> impl Iterator<Item = &SubscriptionRecord> {
        self.subscriptions.values()
    }

    // ---- outputs -------------------------------------------------------------------------

    /// Bytes to write to the transport, coalesced since the last call (one WebSocket message).
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.transmit.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.transmit))
        }
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Whether the driver must close the transport (after writing what `poll_transmit` gave).
    pub fn poll_close(&mut self) -> bool {
        std::mem::take(&mut self.close)
    }

    /// Trace events recorded since the last call.
    pub fn poll_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    /// When to call [`Session::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<u64> {
        let mut deadlines = Vec::with_capacity(3);
        match self.phase {
            Phase::Offline => {}
            Phase::AwaitingConnAck { since } => {
                deadlines.push(since + self.options.response_timeout_ms)
            }
            Phase::Connected => {
                match self.ping_sent_at {
                    Some(sent) => deadlines.push(sent + self.ping_timeout_ms()),
                    None if self.keep_alive_ms > 0 => {
                        deadlines.push(self.last_sent + self.keep_alive_ms * 3 / 4)
                    }
                    None => {}
                }
                // Only with the teaching retry on: the scan is over every message in flight.
                if let Some(retry) = self.options.retry_interval_ms {
                    if let Some(earliest) = self.outgoing.earliest_sent() {
                        deadlines.push(earliest + retry);
                    }
                }
            }
        }
        deadlines.into_iter().min()
    }

    fn ping_timeout_ms(&self) -> u64 {
        (self.keep_alive_ms / 2).clamp(500, self.options.response_timeout_ms.max(500))
    }

    // ---- inputs --------------------------------------------------------------------------

    /// The transport is open: sends CONNECT. Resumes the session (clean start 0) when the broker
    /// may hold one, so in-flight messages can complete.
    pub fn handle_transport_open(&mut self, now: u64) {
        self.connection += 1;
        let mut decoder = FrameDecoder::new(self.options.version);
        if let Some(max) = self.options.properties.maximum_packet_size {
            decoder = decoder.with_max_packet_size(max.get() as usize);
        }
        self.decoder = decoder;
        // Bytes written for a connection that has gone are not for this one.
        self.transmit.clear();
        self.reset_connection_state();
        let mut connect =
            crate::codec::Connect::new(self.options.version, self.options.client_id.clone());
        connect.clean_start = if self.has_session {
            false
        } else {
            self.options.clean_start
        };
        connect.keep_alive = self.options.keep_alive;
        connect.properties = self.options.properties.clone();
        connect.will = self.options.will.clone();
        connect.username = self.options.username.clone();
        connect.password = self.options.password.clone();
        self.resuming = !connect.clean_start;
        self.phase = Phase::AwaitingConnAck { since: now };
        self.send(now, Packet::Connect(Box::new(connect)), None);
    }

    /// The transport closed; `reason` says why (shown to the user). In-flight state is kept.
    pub fn handle_transport_closed(&mut self, reason: &str) {
        match self.phase {
            Phase::Offline => {}
            Phase::AwaitingConnAck { .. } => self.go_offline(LostCause::ClosedBeforeConnAck {
                version: self.options.version,
                reason: reason.to_owned(),
            }),
            Phase::Connected => self.go_offline(LostCause::TransportClosed(reason.to_owned())),
        }
        self.close = false;
        self.transmit.clear();
    }

    /// Bytes arrived, in any chunking.
    pub fn handle_bytes(&mut self, now: u64, bytes: &[u8]) {
        if self.phase == Phase::Offline {
            return;
        }
        self.decoder.push(bytes);
        loop {
            match self.decoder.next_frame() {
                Ok(None) => break,
                Ok(Some(frame)) => {
                    self.received += 1;
                    // The incoming packet goes into the trace before what it caused (our ack),
                    // but its flow is only known after handling it.
                    let id = self.next_packet_id();
                    let mark = self.trace.len();
                    let flow = self.handle_packet(now, &frame.packet);
                    let caused = self.trace.split_off(mark);
                    self.record_packet(
                        id,
                        now,
                        Direction::Incoming,
                        Ok(frame.packet),
                        frame.raw,
                        flow,
                    );
                    self.trace.extend(caused);
                    if self.phase == Phase::Offline {
                        break;
                    }
                }
                Err(error) => {
                    self.received += 1;
                    let refusal = matches!(self.phase, Phase::AwaitingConnAck { .. })
                        .then(|| other_versions_refusal(&error.raw, self.options.version))
                        .flatten();
                    if let Some(connack) = refusal {
                        let id = self.next_packet_id();
                        // Recorded as what it is, the other version's CONNACK, so the diagram
                        // labels it as the broker meant it.
                        let packet = Ok(Packet::ConnAck(connack));
                        self.record_packet(id, now, Direction::Incoming, packet, error.raw, None);
                        self.close = true;
                        self.go_offline(LostCause::UnsupportedVersion(self.options.version));
                        break;
                    }
                    let message = format!("the server sent a packet we refuse: {}", error.error);
                    let id = self.next_packet_id();
                    self.record_packet(
                        id,
                        now,
                        Direction::Incoming,
                        Err(error.error.to_string()),
                        error.raw,
                        None,
                    );
                    self.fail(now, error.error.reason_code(), message);
                    break;
                }
            }
        }
    }

    /// A deadline from [`Session::poll_timeout`] passed (calling it early is harmless).
    pub fn handle_timeout(&mut self, now: u64) {
        match self.phase {
            Phase::Offline => {}
            Phase::AwaitingConnAck { since } => {
                if now >= since + self.options.response_timeout_ms {
                    self.close = true;
                    self.go_offline(LostCause::ConnAckTimeout(self.options.response_timeout_ms));
                }
            }
            Phase::Connected => {
                if let Some(sent) = self.ping_sent_at {
                    if now >= sent + self.ping_timeout_ms() {
                        self.close = true;
                        self.go_offline(LostCause::KeepAliveTimeout(self.ping_timeout_ms()));
                        return;
                    }
                } else if self.keep_alive_ms > 0
                    && now >= self.last_sent + self.keep_alive_ms * 3 / 4
                {
                    // [MQTT-3.1.2-23] v3 / [v5 MQTT-3.1.2-20]: a packet within every keep-alive period.
                    self.ping_sent_at = Some(now);
                    self.send(now, Packet::PingReq, None);
                }
                if let Some(retry) = self.options.retry_interval_ms {
                    self.retry_due(now, retry);
                }
            }
        }
    }

    // ---- commands ------------------------------------------------------------------------

    /// Stops keep-alive pings on this connection (the next CONNACK restores them): a client gone
    /// silent, to see whether the server enforces keep-alive ([v3 MQTT-3.1.2-24],
    /// [v5 MQTT-3.1.2-22]).
    pub fn stop_pinging(&mut self) {
        self.keep_alive_ms = 0;
        self.ping_sent_at = None;
    }

    /// Publishes a message: sent now when connected and the send quota allows, queued
    /// otherwise. Returns the flow that tracks it.
    pub fn publish(&mut self, now: u64, request: PublishRequest) -> Result<FlowId, CommandError> {
        crate::topic::validate_topic_name(&request.topic)?;
        if !request.properties.subscription_identifiers.is_empty() {
            return Err(CommandError::SubscriptionIdentifierInPublish);
        }
        if self.phase == Phase::Connected {
            self.check_server_limits(&request)?;
        }
        // Encoding checks (field lengths, properties allowed in PUBLISH) before anything is queued.
        let probe = crate::codec::Publish {
            dup: false,
            qos_pid: crate::codec::QosPid::new(request.qos, Pid::FIRST),
            retain: request.retain,
            topic: request.topic.clone(),
            payload: Bytes::new(),
            properties: request.properties.clone(),
        };
        Packet::Publish(probe).encoded_len(self.options.version)?;

        let flow = self.new_flow();
        if self.tracing() {
            self.trace.push(TraceEvent::Flow(FlowEvent::Started {
                flow,
                time: now,
                role: crate::trace::FlowRole::Publisher,
                topic: request.topic.clone(),
                payload: request.payload.clone(),
                qos: request.qos,
                retain: request.retain,
                grants: Vec::new(),
                copies: 0,
                server_maximum_qos: Some(self.server.maximum_qos),
                possible_duplicate: false,
            }));
        }
        self.queued.push_back(QueuedPublish { request, flow });
        if self.phase == Phase::Connected {
            self.flush(now);
        }
        if self.queued.back().is_some_and(|queued| queued.flow == flow) {
            self.flow_step(now, flow, None, StepKind::Queued);
        }
        Ok(flow)
    }

    /// Subscribes to one or more filters; sent now when connected, else on connect.
    pub fn subscribe(
        &mut self,
        now: u64,
        subscriptions: Vec<crate::codec::Subscription>,
        properties: Properties,
    ) -> Result<Pid, CommandError> {
        if subscriptions.is_empty() {
            return Err(CommandError::NoFilters);
        }
        for subscription in &subscriptions {
            crate::topic::validate_topic_filter(&subscription.filter)?;
        }
        let pid = self.allocate_pid()?;
        let subscribe = crate::codec::Subscribe {
            pid,
            subscriptions,
            properties,
        };
        Packet::Subscribe(subscribe.clone()).encoded_len(self.options.version)?;
        for subscription in &subscribe.subscriptions {
            match subscribe.properties.subscription_identifiers.first() {
                Some(id) => self
                    .subscription_ids
                    .insert(subscription.filter.clone(), *id),
                None => self.subscription_ids.remove(&subscription.filter),
            };
            match self.subscriptions.get_mut(&subscription.filter) {
                Some(record) => record.options = subscription.options,
                None => {
                    let record = SubscriptionRecord {
                        filter: subscription.filter.clone(),
                        options: subscription.options,
                        outcome: None,
                    };
                    self.subscriptions.insert(record.filter.clone(), record);
                }
            }
        }
        if self.phase == Phase::Connected {
            self.send(now, Packet::Subscribe(subscribe.clone()), None);
        }
        self.requests.insert(pid, Request::Subscribe(subscribe));
        Ok(pid)
    }

    /// Unsubscribes from filters; sent now when connected, else on connect.
    pub fn unsubscribe(
        &mut self,
        now: u64,
        filters: Vec<String>,
        properties: Properties,
    ) -> Result<Pid, CommandError> {
        if filters.is_empty() {
            return Err(CommandError::NoFilters);
        }
        for filter in &filters {
            crate::topic::validate_topic_filter(filter)?;
        }
        let pid = self.allocate_pid()?;
        let unsubscribe = crate::codec::Unsubscribe {
            pid,
            filters,
            properties,
        };
        Packet::Unsubscribe(unsubscribe.clone()).encoded_len(self.options.version)?;
        if self.phase == Phase::Connected {
            self.send(now, Packet::Unsubscribe(unsubscribe.clone()), None);
        }
        self.requests.insert(pid, Request::Unsubscribe(unsubscribe));
        Ok(pid)
    }

    /// Sends DISCONNECT and asks the driver to close. In-flight state is kept, so a later
    /// connection can resume it.
    pub fn disconnect(&mut self, now: u64, disconnect: Disconnect) {
        if self.phase == Phase::Offline {
            return;
        }
        if self.options.version == ProtocolVersion::V311 {
            self.send(now, Packet::Disconnect(Disconnect::normal()), None);
        } else {
            self.send(now, Packet::Disconnect(disconnect), None);
        }
        self.close = true;
        self.go_offline(LostCause::ClientDisconnect);
    }

    // ---- shared helpers ------------------------------------------------------------------

    fn allocate_pid(&mut self) -> Result<Pid, CommandError> {
        let outgoing = &self.outgoing;
        let requests = &self.requests;
        self.pids
            .allocate(|pid| outgoing.contains(pid) || requests.contains_key(&pid))
            .ok_or(CommandError::NoPacketIdentifier)
    }

    fn check_server_limits(&self, request: &PublishRequest) -> Result<(), CommandError> {
        if request.qos > self.server.maximum_qos {
            return Err(CommandError::QosNotSupported {
                max: self.server.maximum_qos,
                asked: request.qos,
            });
        }
        if request.retain && !self.server.retain_available {
            return Err(CommandError::RetainNotSupported);
        }
        Ok(())
    }

    fn new_flow(&mut self) -> FlowId {
        self.next_flow += 1;
        FlowId {
            client: self.tag,
            index: self.next_flow,
        }
    }

    /// Encodes `packet` into the transmit buffer and records it.
    fn send(&mut self, now: u64, packet: Packet, flow: Option<FlowId>) {
        let start = self.transmit.len();
        if let Err(error) = packet.encode(self.options.version, &mut self.transmit) {
            // Commands are checked before they get here; this is a bug, reported, not hidden.
            self.events
                .push_back(Event::ConnectionLost(LostCause::ProtocolViolation(
                    format!("could not encode {}: {error}", packet.packet_type()),
                )));
            return;
        }
        self.last_sent = now;
        if self.tracing() {
            let raw = Bytes::copy_from_slice(&self.transmit[start..]);
            let id = self.next_packet_id();
            self.record_packet(id, now, Direction::Outgoing, Ok(packet), raw, flow);
        }
    }

    /// Whether to record trace events: the option, and only in builds with the `trace` feature
    /// (without it the recording code is not compiled in).
    fn tracing(&self) -> bool {
        cfg!(feature = "trace") && self.options.trace
    }

    fn next_packet_id(&mut self) -> u64 {
        self.next_packet += 1;
        u64::from(self.tag.0) << 40 | self.next_packet
    }

    fn record_packet(
        &mut self,
        id: u64,
        now: u64,
        direction: Direction,
        packet: Result<Packet, String>,
        raw: Bytes,
        flow: Option<FlowId>,
    ) {
        if self.tracing() {
            self.trace.push(TraceEvent::Packet(PacketRecord {
                id,
                time: now,
                arrival: None,
                client: self.tag,
                connection: self.connection,
                direction,
                packet,
                raw,
                fate: PacketFate::Delivered,
                flow,
            }));
        }
    }

    fn flow_step(&mut self, now: u64, flow: FlowId, direction: Option<Direction>, kind: StepKind) {
        if self.tracing() {
            self.trace.push(TraceEvent::Flow(FlowEvent::Step {
                flow,
                time: now,
                direction,
                kind,
            }));
        }
    }

    fn flow_finished(&mut self, now: u64, flow: FlowId, state: FlowState) {
        if self.tracing() {
            self.trace.push(TraceEvent::Flow(FlowEvent::Finished {
                flow,
                time: now,
                state,
            }));
        }
    }

    /// A line in the trace about this client (shown in transcripts and exports).
    fn note(&mut self, now: u64, text: String) {
        if self.tracing() {
            self.trace.push(TraceEvent::Note(crate::trace::Note {
                time: now,
                client: Some(self.tag),
                text,
            }));
        }
    }

    /// Per-connection state that does not survive the connection.
    fn reset_connection_state(&mut self) {
        self.aliases_in.clear();
        self.aliases_out.clear();
        self.ping_sent_at = None;
        self.outgoing.mark_all_unsent();
    }

    fn go_offline(&mut self, cause: LostCause) {
        self.phase = Phase::Offline;
        self.reset_connection_state();
        self.last_lost = Some(cause.clone());
        self.events.push_back(Event::ConnectionLost(cause));
    }

    /// The server broke the protocol: v5 sends DISCONNECT with `reason` (§4.13), then close.
    fn fail(&mut self, now: u64, reason: ReasonCode, message: String) {
        // v5 §4.13: DISCONNECT with the reason, also before CONNACK ([v5 MQTT-3.1.2-30] allows it).
        if self.options.version == ProtocolVersion::V5 && self.phase != Phase::Offline {
            let mut disconnect = Disconnect::with_reason(reason);
            disconnect.properties.reason_string = Some(message.clone());
            self.send(now, Packet::Disconnect(disconnect), None);
        }
        self.close = true;
        self.go_offline(LostCause::ProtocolViolation(message));
    }
}
