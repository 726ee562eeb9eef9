//! Runs the same scenario against two backends, both [`Clients`]: the simulated broker in a
//! `World` and a real Mosquitto over a real WebSocket. What each client received is taken from
//! the trace, normalised to what both must agree on (type, QoS, DUP, RETAIN, session present,
//! reason codes, payload), not timing or packet ids.
#![allow(dead_code)]

pub mod live;
pub mod mosquitto;
pub mod sim;

use std::collections::HashMap;

use qoscope::clients::Clients;
use qoscope::codec::{Packet, PacketType, ProtocolVersion, QoS};
use qoscope::session::{ConnectOptions, Event};
use qoscope::trace::{ClientTag, Direction, PacketFate, TraceEvent};

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

/// A place to run a scenario: our clients on the simulated broker or on Mosquitto.
pub trait Backend: Clients {
    /// A per-run prefix for topics, so runs do not collide on a shared broker.
    fn prefix(&self) -> &str;
    /// Lets packets flow until nothing moves (and lets simulated or real time pass by `ms`).
    fn settle(&mut self, ms: u64);
}

/// What each of the first `clients` clients received (delivered packets, normalised) and its
/// session events, from everything the backend reported since it was last polled.
pub fn observed(backend: &mut dyn Backend, clients: usize) -> Vec<(Vec<Seen>, Vec<Event>)> {
    let prefix = backend.prefix().to_owned();
    let (trace, events) = backend.poll();
    let mut observed: Vec<(Vec<Seen>, Vec<Event>)> = vec![Default::default(); clients];
    let mut seen = |client: ClientTag, packet: &Packet| {
        if let Some((seen, _)) = client.index().and_then(|index| observed.get_mut(index)) {
            seen.push(Seen::from_packet(packet, &prefix));
        }
    };
    // Incoming packets still on their way, by trace id, until their fate is known.
    let mut in_transit = HashMap::new();
    for event in trace {
        match event {
            TraceEvent::Packet(record) if record.direction == Direction::Incoming => {
                if let Ok(packet) = record.packet {
                    match record.fate {
                        PacketFate::Delivered => seen(record.client, &packet),
                        _ => {
                            in_transit.insert(record.id, (record.client, packet));
                        }
                    }
                }
            }
            TraceEvent::PacketUpdate {
                id,
                fate: PacketFate::Delivered,
                ..
            } => {
                if let Some((client, packet)) = in_transit.remove(&id) {
                    seen(client, &packet);
                }
            }
            _ => {}
        }
    }
    for (client, event) in events {
        if let Some((_, events)) = observed.get_mut(client) {
            events.push(event);
        }
    }
    observed
}

/// How long a scenario's persistent sessions outlive their connection, in seconds.
const SESSION_EXPIRY_SECS: u32 = 300;

/// Connect options for scenario clients: a session that outlives the connection.
pub fn persistent(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions::persistent(version, id, SESSION_EXPIRY_SECS)
}

/// Connect options for a clean, non-persistent session.
pub fn clean(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions::new(version, id)
}
