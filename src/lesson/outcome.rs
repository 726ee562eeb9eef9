//! What a lesson must have produced, judged from the trace the diagram draws, so a lesson that
//! stops showing what it says fails its test (and the page says so).

use crate::clients::ClientIndex;
use crate::codec::{Packet, PacketType, Pid, QoS};
use crate::i18n::Bilingual;
use crate::trace::{Direction, FlowRole, FlowState, PacketFate, PacketRecord, TraceStore};

/// The expected outcome: a sentence for the learner and the checks behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpectedOutcome {
    /// What the learner should see in the end, in both languages.
    pub text: Bilingual,
    /// All must hold.
    pub checks: &'static [Check],
}

/// One fact about the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The client's application got the message on `topic` exactly `times` times, each with
    /// this QoS and RETAIN flag.
    Received {
        /// The receiving client.
        client: ClientIndex,
        /// Topic name.
        topic: &'static str,
        /// Deliveries to the application.
        times: usize,
        /// Delivered QoS.
        qos: QoS,
        /// RETAIN flag as delivered.
        retain: bool,
    },
    /// A packet of this type on the client's link was lost.
    Lost {
        /// Whose link.
        client: ClientIndex,
        /// Packet type.
        kind: PacketType,
    },
    /// The client sent a packet of this type again with the same packet id (a PUBLISH with
    /// DUP=1).
    Resent {
        /// The sender.
        client: ClientIndex,
        /// PUBLISH or PUBREL.
        kind: PacketType,
    },
    /// The client got a CONNACK with Session Present 1.
    SessionResumed(ClientIndex),
    /// The client's CONNACKs carried exactly these Session Present flags, in order.
    SessionPresent {
        /// The client.
        client: ClientIndex,
        /// Each CONNACK's Session Present.
        flags: &'static [bool],
    },
    /// The broker never had more than `max` QoS 1 and 2 PUBLISH packets unacknowledged with the
    /// client, and had `max` at some point: the client's Receive Maximum was used and honoured.
    InFlightPeak {
        /// The receiving client.
        client: ClientIndex,
        /// The highest count of unacknowledged deliveries.
        max: usize,
    },
    /// The client sent a PUBLISH with an empty topic and a Topic Alias: the alias stood for a
    /// topic it had sent before.
    TopicAliasUsed(ClientIndex),
    /// A publish of the client's ended with its delivery unknown (the session was lost after
    /// PUBREC).
    DeliveryUnknown(ClientIndex),
}

impl ExpectedOutcome {
    /// Whether every check holds; otherwise what was seen instead, for the first that fails.
    pub fn verify(&self, trace: &TraceStore) -> Result<(), String> {
        self.checks.iter().try_for_each(|check| check.verify(trace))
    }
}

/// The packet id of a packet of a message's exchange.
pub(super) fn pid(packet: &Packet) -> Option<Pid> {
    match packet {
        Packet::Publish(publish) => publish.qos_pid.pid(),
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            Some(ack.pid)
        }
        _ => None,
    }
}

fn packets_of(
    trace: &TraceStore,
    client: ClientIndex,
    kind: PacketType,
) -> impl Iterator<Item = (&PacketRecord, &Packet)> {
    trace
        .packets()
        .filter_map(move |record| match &record.packet {
            Ok(packet) if record.client.index() == Some(client) && packet.packet_type() == kind => {
                Some((record, packet))
            }
            _ => None,
        })
}

/// The most QoS 1 and 2 PUBLISH packets the broker had unacknowledged with `client` at once:
/// each counts from when it is sent until its PUBACK, or PUBREC (a refusing one ends the
/// exchange, a successful one moves it on) and then PUBCOMP ([v5 MQTT-3.3.4-9]).
fn in_flight_peak(trace: &TraceStore, client: ClientIndex) -> usize {
    let mut open = std::collections::BTreeSet::new();
    let mut peak = 0;
    for record in trace.packets() {
        let Ok(packet) = &record.packet else { continue };
        if record.client.index() != Some(client) {
            continue;
        }
        match (record.direction, packet) {
            (Direction::Incoming, Packet::Publish(publish)) => {
                if let Some(pid) = publish.qos_pid.pid() {
                    open.insert(pid);
                }
            }
            (Direction::Outgoing, Packet::PubAck(ack) | Packet::PubComp(ack)) => {
                open.remove(&ack.pid);
            }
            (Direction::Outgoing, Packet::PubRec(ack)) if ack.reason.is_failure() => {
                open.remove(&ack.pid);
            }
            _ => {}
        }
        peak = peak.max(open.len());
    }
    peak
}

impl Check {
    /// Whether it holds; otherwise what the trace shows instead.
    pub fn verify(&self, trace: &TraceStore) -> Result<(), String> {
        match *self {
            Check::Received {
                client,
                topic,
                times,
                qos,
                retain,
            } => {
                let delivered: Vec<(QoS, bool)> = trace
                    .flows()
                    .filter(|flow| {
                        flow.role == FlowRole::Subscriber
                            && flow.id.client.index() == Some(client)
                            && &*flow.topic == topic
                    })
                    .flat_map(|flow| {
                        std::iter::repeat_n((flow.qos, flow.retain), flow.deliveries())
                    })
                    .collect();
                let expected = vec![(qos, retain); times];
                if delivered == expected {
                    Ok(())
                } else {
                    let seen: Vec<String> = delivered
                        .iter()
                        .map(|(qos, retain)| {
                            format!("QoS {} RETAIN {}", qos.as_u8(), u8::from(*retain))
                        })
                        .collect();
                    Err(format!(
                        "expected {times} deliveries on {topic} at QoS {} RETAIN {}, saw {}: [{}]",
                        qos.as_u8(),
                        u8::from(retain),
                        delivered.len(),
                        seen.join(", ")
                    ))
                }
            }
            Check::Lost { client, kind } => packets_of(trace, client, kind)
                .any(|(record, _)| record.fate == PacketFate::Dropped)
                .then_some(())
                .ok_or_else(|| format!("no {} was lost", kind.name())),
            Check::Resent { client, kind } => {
                let sent: Vec<&Packet> = packets_of(trace, client, kind)
                    .filter(|(record, _)| record.direction == Direction::Outgoing)
                    .map(|(_, packet)| packet)
                    .collect();
                let again = sent.iter().enumerate().any(|(index, later)| {
                    let dup_if_publish = !matches!(later, Packet::Publish(publish) if !publish.dup);
                    dup_if_publish
                        && pid(later).is_some()
                        && sent[..index]
                            .iter()
                            .any(|earlier| pid(earlier) == pid(later))
                });
                again
                    .then_some(())
                    .ok_or_else(|| format!("no {} was sent again with its packet id", kind.name()))
            }
            Check::DeliveryUnknown(client) => trace
                .flows()
                .any(|flow| {
                    flow.id.client.index() == Some(client) && flow.state == FlowState::Unknown
                })
                .then_some(())
                .ok_or_else(|| "no publish ended with its delivery unknown".to_owned()),
            Check::SessionResumed(client) => packets_of(trace, client, PacketType::ConnAck)
                .any(|(_, packet)| matches!(packet, Packet::ConnAck(ack) if ack.session_present))
                .then_some(())
                .ok_or_else(|| "no CONNACK with Session Present 1".to_owned()),
            Check::SessionPresent { client, flags } => {
                let seen: Vec<bool> = packets_of(trace, client, PacketType::ConnAck)
                    .filter_map(|(_, packet)| match packet {
                        Packet::ConnAck(ack) => Some(ack.session_present),
                        _ => None,
                    })
                    .collect();
                (seen == flags).then_some(()).ok_or_else(|| {
                    let show = |flags: &[bool]| {
                        flags
                            .iter()
                            .map(|flag| u8::from(*flag).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    format!(
                        "expected CONNACKs with Session Present [{}], saw [{}]",
                        show(flags),
                        show(&seen)
                    )
                })
            }
            Check::InFlightPeak { client, max } => {
                let peak = in_flight_peak(trace, client);
                (peak == max).then_some(()).ok_or_else(|| {
                    format!("expected at most {max} deliveries unacknowledged at once, saw {peak}")
                })
            }
            Check::TopicAliasUsed(client) => packets_of(trace, client, PacketType::Publish)
                .any(|(record, packet)| {
                    record.direction == Direction::Outgoing
                        && matches!(packet, Packet::Publish(publish)
                            if publish.topic.is_empty() && publish.properties.topic_alias.is_some())
                })
                .then_some(())
                .ok_or_else(|| "no PUBLISH with an empty topic and a Topic Alias".to_owned()),
        }
    }
}
