//! The simulated broker: a sans-IO MQTT 3.1.1 and 5.0 broker for any number of clients, in the
//! same style as the client session (bytes, commands and time in; bytes, events and the next
//! deadline out; no I/O, no clock). It runs inside the page so the app works with no broker
//! anywhere, and natively in tests, where a scenario suite checks it against Mosquitto.
//!
//! Where the spec allows several behaviours, it does what Mosquitto 2.0 does; each such place
//! says so in a comment.

mod config;
mod inbound;
mod profile;
mod routing;
mod state;

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

pub use config::{BrokerConfig, BrokerFault, BrokerFaults};
pub use profile::BrokerProfile;

use crate::codec::{
    DecodeErrorKind, Disconnect, FrameDecoder, Packet, ProtocolVersion, ReasonCode,
};
use state::{ClientSession, Connection, PendingWill};

/// Identifies a connection to the broker (chosen by the caller).
pub type ConnId = u64;

/// What the broker reports, for the trace and the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerEvent {
    /// A client's CONNECT was accepted.
    ClientConnected {
        /// Connection.
        conn: ConnId,
        /// Client Identifier (assigned if the client sent none).
        client_id: String,
        /// Whether an existing session was resumed.
        session_present: bool,
    },
    /// A connection ended.
    ConnectionClosed {
        /// Connection.
        conn: ConnId,
        /// Why.
        reason: String,
    },
    /// A client broke the protocol; the broker closed the connection.
    ProtocolViolation {
        /// Connection.
        conn: ConnId,
        /// The rule broken.
        message: String,
    },
    /// A Will was published.
    WillPublished {
        /// Whose.
        client_id: String,
        /// Its topic.
        topic: String,
    },
}

/// The broker.
#[derive(Debug, Clone)]
pub struct Broker {
    config: BrokerConfig,
    connections: HashMap<ConnId, Connection>,
    sessions: HashMap<String, ClientSession>,
    retained: BTreeMap<String, state::QueuedMessage>,
    /// Who set each retained message, by topic (the fault "deletes retained messages with their
    /// publisher's session" looks at it).
    retained_by: BTreeMap<String, String>,
    pending_wills: Vec<PendingWill>,
    transmit: BTreeMap<ConnId, Vec<u8>>,
    closes: VecDeque<ConnId>,
    events: VecDeque<BrokerEvent>,
    next_assigned_id: u32,
    /// Deliveries routed so far (the "loses a message in 250" fault counts them).
    routed: u64,
    /// Per shared subscription (`$share/{name}/{filter}`), whose turn the next message is.
    share_turns: BTreeMap<String, usize>,
    /// Gone, as a crashed broker: set by the fault "goes down after bad input".
    down: bool,
    /// Per client id, the topic aliases of its last connection: kept only under the fault
    /// "keeps topic aliases across connections".
    kept_aliases: HashMap<String, HashMap<u16, crate::codec::Topic>>,
}

impl Broker {
    /// An empty broker.
    pub fn new(config: BrokerConfig) -> Broker {
        Broker {
            config,
            connections: HashMap::new(),
            sessions: HashMap::new(),
            retained: BTreeMap::new(),
            retained_by: BTreeMap::new(),
            pending_wills: Vec::new(),
            transmit: BTreeMap::new(),
            closes: VecDeque::new(),
            events: VecDeque::new(),
            next_assigned_id: 0,
            routed: 0,
            share_turns: BTreeMap::new(),
            down: false,
            kept_aliases: HashMap::new(),
        }
    }

    /// A decoder for a connection's packets, holding them to the Maximum Packet Size.
    fn decoder(&self, version: ProtocolVersion) -> FrameDecoder {
        let decoder = FrameDecoder::new(version);
        match self.config.maximum_packet_size {
            Some(max) => decoder.with_max_packet_size(max as usize),
            None => decoder,
        }
    }

    /// The settings.
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Changes the settings; they apply to what happens from now on.
    pub fn set_config(&mut self, config: BrokerConfig) {
        self.config = config;
    }

    // ---- inputs --------------------------------------------------------------------------

    /// A client opened a connection; it must send CONNECT first ([MQTT-3.1.0-1]).
    pub fn handle_connection_open(&mut self, now: u64, conn: ConnId) {
        self.connections.insert(
            conn,
            Connection {
                decoder: self.decoder(ProtocolVersion::V311),
                client_id: None,
                version: ProtocolVersion::V311,
                keep_alive_ms: 0,
                last_received: now,
                receive_maximum: u16::MAX,
                maximum_packet_size: None,
                topic_alias_maximum: 0,
                problem_information: true,
                aliases_in: HashMap::new(),
                will: None,
                last_qos1_pid: None,
            },
        );
    }

    /// Bytes from a client, in any chunking.
    pub fn handle_bytes(&mut self, now: u64, conn: ConnId, bytes: &[u8]) {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return;
        };
        if self.down {
            // A broker that went down answers nobody.
            self.end_connection(now, conn, "the broker is down".into(), false);
            return;
        }
        connection.last_received = now;
        connection.decoder.push(bytes);
        loop {
            let Some(connection) = self.connections.get_mut(&conn) else {
                return;
            };
            match connection.decoder.next_frame() {
                Ok(None) => return,
                Ok(Some(frame)) => self.handle_packet(now, conn, frame.packet),
                Err(error) => {
                    if self.config.faults.tolerate(&error.error.kind) {
                        // The fault: skip the packet and read on as if nothing happened.
                        let version = connection.decoder.version();
                        let decoder = self.decoder(version);
                        if let Some(connection) = self.connections.get_mut(&conn) {
                            connection.decoder = decoder;
                        }
                        continue;
                    }
                    let before_connect = connection.client_id.is_none();
                    if before_connect
                        && matches!(
                            error.error.kind,
                            DecodeErrorKind::UnsupportedProtocolLevel(_)
                        )
                    {
                        // [v3 MQTT-3.1.2-2]: CONNACK 0x01 (3.1.1's shape), then close.
                        self.refuse(now, conn, ReasonCode::UnsupportedProtocolVersion);
                        return;
                    }
                    let message = format!("malformed packet: {}", error.error);
                    self.violation(now, conn, error.error.reason_code(), message);
                    return;
                }
            }
        }
    }

    /// The transport closed without DISCONNECT (or after it): an abnormal close publishes the
    /// Will ([MQTT-3.1.2-8]).
    pub fn handle_connection_closed(&mut self, now: u64, conn: ConnId) {
        self.end_connection(
            now,
            conn,
            "connection closed by the client side".into(),
            true,
        );
    }

    /// A deadline from [`Broker::poll_timeout`] passed.
    pub fn handle_timeout(&mut self, now: u64) {
        // [v3 MQTT-3.1.2-24], [v5 MQTT-3.1.2-22]: nothing for 1.5 × Keep Alive ends the connection.
        let enforced = !self.config.faults.has(BrokerFault::NoKeepAlive);
        let silent: Vec<ConnId> = self
            .connections
            .iter()
            .filter(|(_, connection)| {
                enforced
                    && connection.keep_alive_ms > 0
                    && now >= connection.last_received + connection.keep_alive_ms * 3 / 2
            })
            .map(|(conn, _)| *conn)
            .collect();
        for conn in silent {
            self.send_disconnect(conn, Disconnect::with_reason(ReasonCode::KeepAliveTimeout));
            self.end_connection(
                now,
                conn,
                "keep-alive timeout (1.5 × Keep Alive without a packet)".into(),
                true,
            );
        }
        let (due, waiting): (Vec<PendingWill>, Vec<PendingWill>) = self
            .pending_wills
            .drain(..)
            .partition(|pending| pending.due <= now);
        self.pending_wills = waiting;
        for pending in due {
            self.publish_will(now, pending.client_id, pending.will);
        }
        let expired: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, session)| {
                session.connection.is_none() && session.expires_at.is_some_and(|at| at <= now)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            self.sessions.remove(&id);
        }
    }

    // ---- outputs -------------------------------------------------------------------------

    /// Bytes for one connection, coalesced since the last call.
    pub fn poll_transmit(&mut self) -> Option<(ConnId, Vec<u8>)> {
        self.transmit.pop_first()
    }

    /// A connection the broker wants closed (after its bytes are written).
    pub fn poll_close(&mut self) -> Option<ConnId> {
        self.closes.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<BrokerEvent> {
        self.events.pop_front()
    }

    /// When to call [`Broker::handle_timeout`] next.
    pub fn poll_timeout(&self) -> Option<u64> {
        let enforced = !self.config.faults.has(BrokerFault::NoKeepAlive);
        let keep_alive = self
            .connections
            .values()
            .filter(|connection| enforced && connection.keep_alive_ms > 0)
            .map(|connection| connection.last_received + connection.keep_alive_ms * 3 / 2);
        let wills = self.pending_wills.iter().map(|pending| pending.due);
        let expiries = self
            .sessions
            .values()
            .filter(|session| session.connection.is_none())
            .filter_map(|session| session.expires_at);
        keep_alive.chain(wills).chain(expiries).min()
    }

    // ---- helpers -------------------------------------------------------------------------

    fn send(&mut self, conn: ConnId, packet: &Packet) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        let buffer = self.transmit.entry(conn).or_default();
        if let Err(error) = packet.encode(connection.version, buffer) {
            self.events.push_back(BrokerEvent::ProtocolViolation {
                conn,
                message: format!("broker could not encode {}: {error}", packet.packet_type()),
            });
        }
    }

    fn send_disconnect(&mut self, conn: ConnId, disconnect: Disconnect) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        // The server sends DISCONNECT only in v5 and only after CONNACK [v5 MQTT-3.14.0-1].
        if connection.version == ProtocolVersion::V5 && connection.client_id.is_some() {
            self.send(conn, &Packet::Disconnect(disconnect));
        }
    }

    /// A Reason String for a CONNACK or an acknowledgement to `conn`, where the faults that add
    /// one where the spec forbids it are on (the broker itself, as Mosquitto, sends none):
    /// despite Request Problem Information 0 [v5 MQTT-3.1.2-29] (on an acknowledgement), or
    /// beyond the client's Maximum Packet Size [v5 MQTT-3.2.2-19], [v5 MQTT-3.4.2-2],
    /// [v5 MQTT-3.11.2-1].
    fn reason_string(&self, conn: ConnId, ack: &Packet, text: &str) -> Option<String> {
        let connection = self.connections.get(&conn)?;
        if connection.version != ProtocolVersion::V5 {
            return None;
        }
        let faults = self.config.faults;
        let fits = |text: &str| {
            let size = ack.encoded_len(connection.version).unwrap_or(0) + 3 + text.len();
            connection
                .maximum_packet_size
                .is_none_or(|max| size <= max as usize)
        };
        if faults.has(BrokerFault::OversizeReasonStrings) && connection.problem_information {
            Some(format!("{text} (explained at length, whatever the size)"))
        } else if faults.has(BrokerFault::IgnoresRequestProblemInformation) && fits(text) {
            Some(text.to_owned())
        } else {
            None
        }
    }

    /// A client broke the protocol: v5 DISCONNECT with the reason, then close (§4.13).
    fn violation(&mut self, now: u64, conn: ConnId, reason: ReasonCode, message: String) {
        self.down |= self.config.faults.has(BrokerFault::DiesAfterBadInput);
        let mut disconnect = Disconnect::with_reason(reason);
        disconnect.properties.reason_string = Some(message.clone());
        self.send_disconnect(conn, disconnect);
        self.events.push_back(BrokerEvent::ProtocolViolation {
            conn,
            message: message.clone(),
        });
        self.end_connection(now, conn, message, true);
    }

    /// The fault "deletes retained messages with their publisher's session": the retained
    /// messages `client_id` set are deleted.
    fn drop_retained_of(&mut self, client_id: &str) {
        let topics: Vec<String> = self
            .retained_by
            .iter()
            .filter(|(_, publisher)| *publisher == client_id)
            .map(|(topic, _)| topic.clone())
            .collect();
        for topic in topics {
            self.retained.remove(&topic);
            self.retained_by.remove(&topic);
        }
    }

    /// Ends a connection: the session goes offline (or ends), the Will is published when
    /// `publish_will` and the client did not disconnect normally.
    fn end_connection(&mut self, now: u64, conn: ConnId, reason: String, publish_will: bool) {
        let Some(connection) = self.connections.remove(&conn) else {
            return;
        };
        self.closes.push_back(conn);
        self.events
            .push_back(BrokerEvent::ConnectionClosed { conn, reason });
        let Some(client_id) = connection.client_id else {
            return;
        };
        if self
            .config
            .faults
            .has(BrokerFault::KeepsTopicAliasesAcrossConnections)
        {
            self.kept_aliases
                .insert(client_id.clone(), connection.aliases_in);
        }
        let mut will_delay = 0;
        if let Some(session) = self.sessions.get_mut(&client_id) {
            if session.connection == Some(conn) {
                session.connection = None;
                session.outgoing.mark_all_unsent();
                if self.config.faults.has(BrokerFault::ForgetsUnreleasedQos2) {
                    session.incoming_qos2.clear();
                }
                match session.expiry_ms {
                    Some(0) => {
                        self.sessions.remove(&client_id);
                        if self
                            .config
                            .faults
                            .has(BrokerFault::DropsRetainedWithSession)
                        {
                            self.drop_retained_of(&client_id);
                        }
                    }
                    Some(ms) => {
                        if !self.config.faults.has(BrokerFault::IgnoresSessionExpiry) {
                            session.expires_at = Some(now + ms);
                        }
                        will_delay = ms;
                    }
                    None => will_delay = u64::MAX,
                }
            }
        }
        let publish_will = if publish_will {
            !self.config.faults.has(BrokerFault::NoWill)
        } else {
            self.config.faults.has(BrokerFault::WillAfterDisconnect)
        };
        if let (true, Some(will)) = (publish_will, connection.will) {
            // v5 §3.1.3.2.2: published after the Will Delay Interval or when the session ends,
            // whichever is first; a reconnect before then cancels it [v5 MQTT-3.1.3-9].
            let delay = will
                .properties
                .will_delay_interval
                .map_or(0, |seconds| u64::from(seconds) * 1000);
            let delay = if self.config.faults.has(BrokerFault::IgnoresWillDelay) {
                0
            } else {
                delay.min(will_delay)
            };
            if delay == 0 {
                self.publish_will(now, client_id, will);
            } else {
                self.pending_wills.push(PendingWill {
                    client_id,
                    due: now + delay,
                    will,
                });
            }
        }
    }
}
