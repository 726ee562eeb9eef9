//! Runs the same scenario against two backends: the simulated broker in a [`World`] and a real
//! Mosquitto over a real WebSocket. Each client records the packets it received, normalised to
//! what both must agree on (type, QoS, DUP, RETAIN, session present, reason codes, payload), not
//! timing or packet ids.
#![allow(dead_code)]

pub mod live;
pub mod mosquitto;
pub mod sim;

use qoscope::codec::{Packet, PacketType, ProtocolVersion, QoS};
use qoscope::session::{ConnectOptions, Event, Session};
use qoscope::trace::Direction;

/// A received packet, as both backends must agree on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub kind: PacketType,
    pub topic: Option<String>,
    pub payload: Option<String>,
    pub qos: Option<QoS>,
    pub dup: bool,
    pub retain: bool,
    pub session_present: bool,
    pub reasons: Vec<u8>,
}

impl Seen {
    pub fn from_packet(packet: &Packet, prefix: &str) -> Seen {
        let mut seen = Seen {
            kind: packet.packet_type(),
            topic: None,
            payload: None,
            qos: None,
            dup: false,
            retain: false,
            session_present: false,
            reasons: Vec::new(),
        };
        match packet {
            Packet::Publish(publish) => {
                seen.topic = Some(
                    publish
                        .topic
                        .strip_prefix(prefix)
                        .unwrap_or(&publish.topic)
                        .to_owned(),
                );
                seen.payload = Some(String::from_utf8_lossy(&publish.payload).into_owned());
                seen.qos = Some(publish.qos());
                seen.dup = publish.dup;
                seen.retain = publish.retain;
            }
            Packet::ConnAck(connack) => {
                seen.session_present = connack.session_present;
                seen.reasons = vec![connack.reason.as_u8()];
            }
            Packet::SubAck(suback) => {
                seen.reasons = suback.reasons.iter().map(|code| code.as_u8()).collect()
            }
            Packet::UnsubAck(unsuback) => {
                seen.reasons = unsuback.reasons.iter().map(|code| code.as_u8()).collect()
            }
            Packet::PubAck(ack)
            | Packet::PubRec(ack)
            | Packet::PubRel(ack)
            | Packet::PubComp(ack) => {
                seen.reasons = vec![ack.reason.as_u8()];
            }
            Packet::Disconnect(disconnect) => seen.reasons = vec![disconnect.reason.as_u8()],
            _ => {}
        }
        seen
    }

    /// A compact form for readable assertion failures: `PUBLISH q1 d0 r0 "a/b" "hi"`.
    pub fn short(&self) -> String {
        match self.kind {
            PacketType::Publish => format!(
                "PUBLISH q{} d{} r{} {} {}",
                self.qos.map_or(0, QoS::as_u8),
                u8::from(self.dup),
                u8::from(self.retain),
                self.topic.as_deref().unwrap_or(""),
                self.payload.as_deref().unwrap_or("")
            ),
            PacketType::ConnAck => format!(
                "CONNACK sp{} {:?}",
                u8::from(self.session_present),
                self.reasons
            ),
            kind => format!("{kind} {:?}", self.reasons),
        }
    }
}

/// A place to run a scenario: the simulated broker or Mosquitto.
pub trait Backend {
    /// A per-run prefix for topics and client ids, so runs do not collide on a shared broker.
    fn prefix(&self) -> &str;
    /// Adds a client; its client id is prefixed.
    fn add_client(&mut self, options: ConnectOptions) -> usize;
    /// Opens the client's connection (the session sends CONNECT).
    fn connect(&mut self, client: usize);
    /// Drops the client's connection without DISCONNECT; what is in transit is lost.
    fn cut(&mut self, client: usize);
    /// Runs a command on the client's session.
    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64));
    /// Loses the next packet of `kind` in one direction.
    fn drop_next(&mut self, client: usize, side: Direction, kind: PacketType);
    /// Lets packets flow until nothing moves (and lets simulated or real time pass by `ms`).
    fn settle(&mut self, ms: u64);
    /// What the client received since the last call.
    fn seen(&mut self, client: usize) -> Vec<Seen>;
    /// The client's events since the last call.
    fn events(&mut self, client: usize) -> Vec<Event>;
}

/// Connect options for scenario clients: a session that outlives the connection.
pub fn persistent(version: ProtocolVersion, id: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(version, id);
    options.clean_start = false;
    if version == ProtocolVersion::V5 {
        options.properties.session_expiry_interval = Some(300);
    }
    options
}

/// Connect options for a clean, non-persistent session.
pub fn clean(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions::new(version, id)
}
