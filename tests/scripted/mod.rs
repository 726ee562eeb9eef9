#![cfg(not(target_arch = "wasm32"))]
//! A scripted peer for session tests (STYLE.md §E.3): the test plays the server.
//!
//! [`Peer`] owns a [`Session`], the clock `now` (milliseconds, moved by hand) and a server-side
//! [`FrameDecoder`] that reads what the session transmits. The decoder starts at level 4 and
//! switches to the version named by each connection's CONNECT, as a real server's would. Packets
//! the test "sends" are encoded in the session's version and fed to `handle_bytes`, whole or in
//! chunks of [`Peer::chunk`] bytes.
//!
//! Losing a packet is spelled out in the test: a packet from the session is lost when the test
//! drains it with [`Peer::sent`] and does not answer it; a packet from the server is lost when the
//! test never injects it. [`Peer::cut`] then ends the transport, and [`Peer::reconnect`] opens the
//! next one and returns what the session sends once CONNACK is in.

use bytes::Bytes;
use qoscope::codec::{
    Ack, ConnAck, Connect, FrameDecoder, Packet, Pid, Properties, ProtocolVersion, Publish, QoS,
    QosPid, ReasonCode, SubAck, Subscribe, UnsubAck,
};
use qoscope::session::{ConnectOptions, Event, LostCause, Message, PublishRequest, Session};
use qoscope::trace::{ClientTag, FlowId, TraceEvent};

pub use ProtocolVersion::{V311, V5};

/// Both protocol versions, for behaviour the two share.
pub const BOTH: [ProtocolVersion; 2] = [V311, V5];

/// Runs `test` once per protocol version. The version is printed first, so a failure's captured
/// output says which run failed.
pub fn for_both(mut test: impl FnMut(ProtocolVersion)) {
    for version in BOTH {
        println!("--- {version}");
        test(version);
    }
}

/// Options whose session outlives a connection: v3 CleanSession 0, v5 Session Expiry Interval
/// one hour (v3 §3.1.2.4, v5 §3.1.2.11.2). Keep alive stays at the default 60 s.
pub fn resumable(version: ProtocolVersion) -> ConnectOptions {
    let mut options = ConnectOptions::new(version, "scripted");
    match version {
        V311 => options.clean_start = false,
        V5 => options.properties.session_expiry_interval = Some(3600),
    }
    options
}

/// The test's side of the connection.
pub struct Peer {
    /// The client under test.
    pub session: Session,
    /// The clock, in milliseconds.
    pub now: u64,
    /// The protocol version the session speaks.
    pub version: ProtocolVersion,
    /// Injected packets are fed to the session in pieces of this many bytes.
    pub chunk: usize,
    server: FrameDecoder,
}

impl Peer {
    /// A peer for a session with `options`, not yet connected, at time 0.
    pub fn new(options: ConnectOptions) -> Peer {
        Peer::with_session(Session::new(options, ClientTag::FIRST))
    }

    /// A peer for an existing session (for example one restored from exported state).
    pub fn with_session(session: Session) -> Peer {
        Peer {
            version: session.version(),
            session,
            now: 0,
            chunk: usize::MAX,
            server: FrameDecoder::new(V311),
        }
    }

    /// A session with [`resumable`] options, connected (first CONNECT answered with Session
    /// Present 0); nothing else sent, no other event.
    pub fn connected(version: ProtocolVersion) -> Peer {
        let mut peer = Peer::new(resumable(version));
        peer.connect();
        assert_eq!(peer.sent(), [], "nothing but CONNECT before any command");
        assert_eq!(peer.events(), [], "only Connected after the first CONNACK");
        peer
    }

    /// Opens the transport and expects exactly one CONNECT, in the session's version.
    pub fn open(&mut self) -> Connect {
        assert!(
            !self.session.is_connected(),
            "open() on a connected session"
        );
        self.server = FrameDecoder::new(V311);
        self.session.handle_transport_open(self.now);
        let sent = self.sent();
        let connect = match sent.as_slice() {
            [Packet::Connect(connect)] => (**connect).clone(),
            other => panic!("expected exactly one CONNECT on open, got {other:?}"),
        };
        assert_eq!(connect.version, self.version, "CONNECT protocol level");
        assert_eq!(self.server.version(), self.version);
        connect
    }

    /// Injects a successful CONNACK and expects `Event::Connected` with the same flag and
    /// properties as the next event. Whatever the session sends in reply is left for [`Peer::sent`].
    pub fn accept(&mut self, session_present: bool, properties: Properties) {
        self.inject(Packet::ConnAck(ConnAck {
            session_present,
            reason: ReasonCode::Success,
            properties: properties.clone(),
        }));
        match self.session.poll_event() {
            Some(Event::Connected {
                session_present: present,
                properties: seen,
            }) => {
                assert_eq!(present, session_present, "Connected.session_present");
                assert_eq!(seen, properties, "Connected.properties");
            }
            other => panic!("expected Event::Connected after CONNACK, got {other:?}"),
        }
        assert!(self.session.is_connected());
    }

    /// `open()` then `accept(false, no properties)`; returns the CONNECT.
    pub fn connect(&mut self) -> Connect {
        let connect = self.open();
        self.accept(false, Properties::default());
        connect
    }

    /// Opens the next transport, expects a CONNECT that resumes (clean start 0), answers with
    /// `session_present` and returns what the session sends after CONNACK.
    pub fn reconnect(&mut self, session_present: bool) -> Vec<Packet> {
        let connect = self.open();
        assert!(
            !connect.clean_start,
            "a reconnect with a resumable session uses clean start 0"
        );
        self.accept(session_present, Properties::default());
        self.sent()
    }

    /// Drains `poll_transmit` and decodes it, as the server reads it.
    pub fn sent(&mut self) -> Vec<Packet> {
        while let Some(bytes) = self.session.poll_transmit() {
            self.server.push(&bytes);
        }
        let mut packets = Vec::new();
        loop {
            match self.server.next_frame() {
                Ok(Some(frame)) => packets.push(frame.packet),
                Ok(None) => break,
                Err(error) => panic!("the session sent a malformed packet: {error}"),
            }
        }
        assert_eq!(
            self.server.buffered(),
            0,
            "a partial packet was transmitted"
        );
        packets
    }

    /// Encodes `packet` as the server would and feeds it to the session.
    pub fn inject(&mut self, packet: Packet) {
        let bytes = packet
            .to_bytes(self.version)
            .unwrap_or_else(|error| panic!("cannot encode {packet:?}: {error}"));
        self.inject_bytes(&bytes);
    }

    /// Encodes all `packets` into one byte stream and feeds it at once (chunked by `chunk`).
    pub fn inject_all(&mut self, packets: &[Packet]) {
        let mut bytes = Vec::new();
        for packet in packets {
            packet.encode(self.version, &mut bytes).unwrap();
        }
        self.inject_bytes(&bytes);
    }

    /// Feeds raw bytes, `chunk` bytes at a time.
    pub fn inject_bytes(&mut self, bytes: &[u8]) {
        for piece in bytes.chunks(self.chunk.max(1)) {
            self.session.handle_bytes(self.now, piece);
        }
    }

    /// Drains the session's events.
    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    /// Drains the session's trace events.
    pub fn trace(&mut self) -> Vec<TraceEvent> {
        self.session.poll_trace()
    }

    /// Moves the clock `ms` forward, calling `handle_timeout` at each deadline `poll_timeout`
    /// names on the way, as a driver's timer would.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now + ms;
        for _ in 0..10_000 {
            match self.session.poll_timeout() {
                Some(deadline) if deadline <= target => {
                    self.now = self.now.max(deadline);
                    self.session.handle_timeout(self.now);
                }
                _ => {
                    self.now = target;
                    return;
                }
            }
        }
        panic!("the timer keeps firing at {} without progress", self.now);
    }

    /// The transport breaks. Everything the session sent must have been drained (and answered
    /// or deliberately lost) first; the session reports the loss and keeps its state.
    pub fn cut(&mut self) {
        assert_eq!(self.sent(), [], "packets left undrained before the cut");
        self.session.handle_transport_closed("cut by the test");
        assert_eq!(
            self.events(),
            [Event::ConnectionLost(LostCause::TransportClosed(
                "cut by the test".into()
            ))]
        );
        assert!(!self.session.is_connected());
        assert!(!self.session.poll_close(), "no close request after a cut");
    }

    /// Expects the session to have asked for the transport to be closed, with exactly one
    /// event, `ConnectionLost`; closes the transport and returns the cause.
    pub fn expect_close(&mut self) -> LostCause {
        assert!(self.session.poll_close(), "the session should ask to close");
        assert!(!self.session.is_connected());
        let cause = match self.events().as_slice() {
            [Event::ConnectionLost(cause)] => cause.clone(),
            other => panic!("expected exactly ConnectionLost, got {other:?}"),
        };
        self.session.handle_transport_closed("closed on request");
        assert_eq!(self.events(), [], "closing the transport adds no event");
        cause
    }

    /// Publishes a request (panics on a command error).
    pub fn publish_request(&mut self, request: PublishRequest) -> FlowId {
        self.session
            .publish(self.now, request)
            .unwrap_or_else(|error| panic!("publish refused: {error}"))
    }

    /// Publishes `payload` to `topic` at `qos`.
    pub fn publish(&mut self, topic: &str, payload: &'static str, qos: QoS) -> FlowId {
        self.publish_request(PublishRequest::new(topic, payload, qos))
    }

    /// Subscribes to one filter.
    pub fn subscribe(&mut self, filter: &str, qos: QoS) -> Pid {
        let subscribe = Subscribe::single(Pid::FIRST, filter, qos);
        self.session
            .subscribe(self.now, subscribe.subscriptions, Properties::default())
            .unwrap_or_else(|error| panic!("subscribe refused: {error}"))
    }
}

// ---- packet builders ---------------------------------------------------------------------

/// A packet identifier.
pub fn pid(value: u16) -> Pid {
    Pid::new(value).expect("packet identifiers are non-zero")
}

/// QoS 1 with packet identifier `value`.
pub fn q1(value: u16) -> QosPid {
    QosPid::AtLeastOnce(pid(value))
}

/// QoS 2 with packet identifier `value`.
pub fn q2(value: u16) -> QosPid {
    QosPid::ExactlyOnce(pid(value))
}

/// A first-attempt PUBLISH (DUP 0, RETAIN 0, no properties).
pub fn publish(topic: &str, payload: &'static str, qos_pid: QosPid) -> Packet {
    Packet::Publish(Publish::new(topic, qos_pid, payload))
}

/// The same PUBLISH as a re-delivery: DUP 1.
pub fn resent(packet: Packet) -> Packet {
    match packet {
        Packet::Publish(mut publish) => {
            publish.dup = true;
            Packet::Publish(publish)
        }
        other => panic!("only a PUBLISH has a DUP flag, not {other:?}"),
    }
}

/// PUBACK with Success.
pub fn puback(value: u16) -> Packet {
    Packet::PubAck(Ack::new(pid(value)))
}

/// PUBREC with Success.
pub fn pubrec(value: u16) -> Packet {
    Packet::PubRec(Ack::new(pid(value)))
}

/// PUBREL with Success.
pub fn pubrel(value: u16) -> Packet {
    Packet::PubRel(Ack::new(pid(value)))
}

/// PUBCOMP with Success.
pub fn pubcomp(value: u16) -> Packet {
    Packet::PubComp(Ack::new(pid(value)))
}

/// The same acknowledgement with another reason code (v5).
pub fn with_reason(packet: Packet, reason: ReasonCode) -> Packet {
    match packet {
        Packet::PubAck(ack) => Packet::PubAck(Ack::with_reason(ack.pid, reason)),
        Packet::PubRec(ack) => Packet::PubRec(Ack::with_reason(ack.pid, reason)),
        Packet::PubRel(ack) => Packet::PubRel(Ack::with_reason(ack.pid, reason)),
        Packet::PubComp(ack) => Packet::PubComp(Ack::with_reason(ack.pid, reason)),
        other => panic!("not a publish acknowledgement: {other:?}"),
    }
}

/// A SUBSCRIBE for one filter, as the session sends it.
pub fn subscribe(value: u16, filter: &str, qos: QoS) -> Packet {
    Packet::Subscribe(Subscribe::single(pid(value), filter, qos))
}

/// A SUBACK with these codes.
pub fn suback(value: u16, reasons: &[ReasonCode]) -> Packet {
    Packet::SubAck(SubAck {
        pid: pid(value),
        reasons: reasons.to_vec(),
        properties: Properties::default(),
    })
}

/// An UNSUBACK for `filters` filters: codes only in v5.
pub fn unsuback(version: ProtocolVersion, value: u16, filters: usize) -> Packet {
    let reasons = match version {
        V311 => Vec::new(),
        V5 => vec![ReasonCode::Success; filters],
    };
    Packet::UnsubAck(UnsubAck {
        pid: pid(value),
        reasons,
        properties: Properties::default(),
    })
}

/// The bytes of `payload`, for comparing with a message's payload.
pub fn bytes(payload: &'static str) -> Bytes {
    Bytes::from_static(payload.as_bytes())
}

// ---- event helpers -----------------------------------------------------------------------

/// `Event::Published` with Success.
pub fn published(flow: FlowId) -> Event {
    Event::Published {
        flow,
        reason: ReasonCode::Success,
    }
}

/// The message of an `Event::Message`.
pub fn message(event: &Event) -> &Message {
    match event {
        Event::Message(message) => message,
        other => panic!("expected a message, got {other:?}"),
    }
}

/// Checks that `events` is exactly one delivered message with this topic, payload, QoS, DUP and
/// possible-duplicate mark, and returns its flow.
pub fn delivered(
    events: &[Event],
    topic: &str,
    payload: &'static str,
    qos: QoS,
    dup: bool,
    possible_duplicate: bool,
) -> FlowId {
    let [event] = events else {
        panic!("expected exactly one message, got {events:?}");
    };
    let message = message(event);
    assert_eq!(message.topic, topic, "topic");
    assert_eq!(message.payload, bytes(payload), "payload");
    assert_eq!(message.qos, qos, "qos");
    assert_eq!(message.dup, dup, "dup");
    assert_eq!(
        message.possible_duplicate, possible_duplicate,
        "possible_duplicate"
    );
    message.flow
}

/// The cause of a protocol violation, or a panic naming what it was instead.
pub fn violation(cause: &LostCause) -> &str {
    match cause {
        LostCause::ProtocolViolation(message) => message,
        other => panic!("expected a protocol violation, got {other:?}"),
    }
}

/// A PUBLISH that carries a Topic Alias (v5); `topic` may be empty to use the mapping.
pub fn aliased(topic: &str, alias: u16, payload: &'static str, qos_pid: QosPid) -> Packet {
    let mut publish = Publish::new(topic, qos_pid, payload);
    publish.properties.topic_alias = std::num::NonZeroU16::new(alias);
    Packet::Publish(publish)
}

/// Checks that `packets` is exactly one DISCONNECT with `reason` whose Reason String names
/// `rule` (v5 §4.13: the client says why it closes).
pub fn expect_disconnect(packets: &[Packet], reason: ReasonCode, rule: &str) {
    match packets {
        [Packet::Disconnect(disconnect)] => {
            assert_eq!(disconnect.reason, reason, "DISCONNECT reason code");
            let text = disconnect.properties.reason_string.as_deref().unwrap_or("");
            assert!(
                text.contains(rule),
                "DISCONNECT Reason String {text:?} should name {rule}"
            );
        }
        other => panic!("expected exactly one DISCONNECT {reason}, got {other:?}"),
    }
}
