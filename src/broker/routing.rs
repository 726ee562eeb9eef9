//! Routing: retained messages, matching subscriptions, delivery at min(publish QoS, granted QoS)
//! through each client's in-flight window and queue, re-sending on resume, and Wills.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use super::state::{ClientSession, QueuedMessage, SubscriptionEntry};
use super::{Broker, BrokerEvent, BrokerFault, BrokerFaults, ConnId};
use crate::codec::{
    Ack, Packet, Pid, Properties, PropertyValues, ProtocolVersion, Publish, QoS, QosPid, Will,
};
use crate::session::AckStage;

/// Encodes into a connection's transmit buffer (a free function so callers can hold other
/// borrows of the broker).
fn write(
    transmit: &mut BTreeMap<ConnId, Vec<u8>>,
    conn: ConnId,
    version: ProtocolVersion,
    packet: &Packet,
) {
    let buffer = transmit.entry(conn).or_default();
    // A QoS 0 PUBLISH with DUP exists only under the fault "forwards DUP to subscribers": the
    // encoder refuses it, so it is written without and the flag set in its first byte.
    if let Packet::Publish(publish) = packet {
        if publish.dup && publish.qos() == QoS::AtMostOnce {
            let start = buffer.len();
            let mut clean = publish.clone();
            clean.dup = false;
            let encoded = Packet::Publish(clean).encode(version, buffer);
            debug_assert!(
                encoded.is_ok(),
                "the broker built a packet it cannot encode"
            );
            buffer[start] |= 0b1000;
            return;
        }
    }
    let encoded = packet.encode(version, buffer);
    // Everything the broker sends is built from decoded, valid packets, so it encodes.
    debug_assert!(
        encoded.is_ok(),
        "the broker built a packet it cannot encode: {encoded:?}"
    );
}

impl Broker {
    /// A PUBLISH accepted from a client (or a Will): updates the retained store and routes it.
    /// Returns how many sessions it was routed to.
    pub(super) fn accept_publish(&mut self, now: u64, publisher: &str, publish: Publish) -> usize {
        let faults = self.config.faults;
        let mut publish = publish;
        if faults.has(BrokerFault::TruncatesLargePayloads) && publish.payload.len() > 65_536 {
            publish.payload.truncate(65_536);
        }
        // [v3 MQTT-3.3.1-7], [v3 MQTT-3.3.1-12]: RETAIN 1 at any QoS stores, RETAIN 0 never does.
        let stores = if publish.retain {
            !(publish.qos() == QoS::AtMostOnce && faults.has(BrokerFault::Qos0RetainIgnored))
        } else {
            faults.has(BrokerFault::PlainPublishReplacesRetained)
                && self.retained.contains_key(publish.topic.as_str())
        };
        if stores {
            if publish.payload.is_empty() && !faults.has(BrokerFault::StoresEmptyRetained) {
                if faults.has(BrokerFault::KeepsRetainedAfterEmpty) {
                    return self.route(now, publisher, &publish);
                }
                // [MQTT-3.3.1-10] v3 / [v5 MQTT-3.3.1-6]: an empty retained message clears it.
                self.retained.remove(publish.topic.as_str());
                self.retained_by.remove(publish.topic.as_str());
            } else {
                let expires_at = expiry_deadline(now, &publish.properties);
                let mut stored = publish.clone();
                stored.qos_pid = QosPid::new(publish.qos(), Pid::FIRST);
                stored.dup = false;
                self.retained.insert(
                    publish.topic.to_string(),
                    QueuedMessage {
                        publish: stored,
                        expires_at,
                    },
                );
                self.retained_by
                    .insert(publish.topic.to_string(), publisher.to_owned());
            }
        }
        self.route(now, publisher, &publish)
    }

    /// Whether any session would receive a message on `topic` from `publisher`.
    pub(super) fn has_subscribers(&self, publisher: &str, topic: &str) -> bool {
        let faults = self.config.faults;
        self.sessions.iter().any(|(client_id, session)| {
            matching(session, client_id, publisher, topic, faults)
                .next()
                .is_some()
        })
    }

    fn route(&mut self, now: u64, publisher: &str, publish: &Publish) -> usize {
        let expires_at = expiry_deadline(now, &publish.properties);
        let mut deliveries: Vec<Delivery> = Vec::new();
        let mut groups: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        let mut sessions_reached = 0;
        let faults = self.config.faults;
        for (client_id, session) in &self.sessions {
            let (shared, mut matched): (Vec<_>, Vec<_>) =
                matching(session, client_id, publisher, &publish.topic, faults)
                    .partition(|(filter, _)| is_shared(session, filter));
            if !matched.is_empty() {
                sessions_reached += 1;
            }
            let copy = |subscription: &SubscriptionEntry| {
                // v5 Retain As Published keeps the flag; otherwise live messages carry RETAIN 0
                // ([v3 MQTT-3.3.1-9], [v5 MQTT-3.3.1-12]).
                let retain = publish.retain
                    && ((subscription.options.retain_as_published
                        && session.version == ProtocolVersion::V5
                        && !faults.has(BrokerFault::IgnoresRetainAsPublished))
                        || faults.has(BrokerFault::RetainFlagOnLive));
                (
                    delivery_qos(faults, publish.qos(), subscription.granted),
                    retain,
                )
            };
            for (filter, subscription) in shared {
                let (qos, retain) = copy(subscription);
                groups.entry(filter.clone()).or_default().push(Member {
                    online: session.connection.is_some(),
                    delivery: (
                        client_id.clone(),
                        qos,
                        retain,
                        subscription.identifier.into_iter().collect(),
                    ),
                });
            }
            if matched.is_empty() {
                continue;
            }
            if faults.has(BrokerFault::OverlapAtLowestQos) {
                // The bug: one copy, at the lowest QoS of the matching subscriptions.
                let lowest = matched
                    .iter()
                    .map(|(_, subscription)| copy(subscription))
                    .min_by_key(|(qos, _)| *qos)
                    .unwrap_or((QoS::AtMostOnce, false));
                deliveries.push((client_id.clone(), lowest.0, lowest.1, Vec::new()));
            } else if session.version == ProtocolVersion::V5 {
                // Overlapping subscriptions, v5: one copy per matching subscription at its own QoS,
                // in Mosquitto's topic-tree order (literal level, then +, then #). The spec allows
                // these extra copies as long as one respects the highest QoS [v5 MQTT-3.3.4-2],
                // and each carries its own Subscription Identifier [v5 MQTT-3.3.4-5].
                matched.sort_by(|(a, _), (b, _)| tree_order(a, b));
                for (_, subscription) in matched {
                    let (qos, retain) = copy(subscription);
                    deliveries.push((
                        client_id.clone(),
                        qos,
                        retain,
                        subscription.identifier.into_iter().collect(),
                    ));
                }
            } else {
                // v3: a single copy at the highest matching QoS [v3 MQTT-3.3.5-1]. (Mosquitto 2.0
                // keeps the QoS of the first match instead; see the scenario suite.)
                let qos = matched
                    .iter()
                    .map(|(_, subscription)| copy(subscription).0)
                    .max()
                    .unwrap_or(QoS::AtMostOnce);
                deliveries.push((client_id.clone(), qos, false, Vec::new()));
            }
        }
        for (filter, members) in groups {
            let chosen = self.share_among(&filter, members);
            sessions_reached += chosen.len();
            deliveries.extend(chosen);
        }
        deliveries.sort_by(|a, b| a.0.cmp(&b.0));
        for (client_id, qos, retain, identifiers) in deliveries {
            self.routed += 1;
            if faults.has(BrokerFault::LosesUnderLoad) && self.routed.is_multiple_of(250) {
                continue;
            }
            let mut copy = forwarded(publish, qos, retain);
            copy.dup = publish.dup && faults.has(BrokerFault::PropagatesDup);
            if faults.has(BrokerFault::TruncatesLongTopics) {
                let topic = copy.topic.as_str();
                let cut = (0..=topic.len().min(256))
                    .rev()
                    .find(|index| topic.is_char_boundary(*index))
                    .unwrap_or(0);
                copy.topic = topic[..cut].into();
            }
            if !faults.has(BrokerFault::DropsSubscriptionIdentifiers) {
                copy.properties.subscription_identifiers = identifiers;
            }
            if faults.has(BrokerFault::DropsApplicationProperties) {
                let properties = &mut copy.properties;
                properties.user_properties.clear();
                properties.payload_format_indicator = None;
                properties.content_type = None;
                properties.response_topic = None;
                properties.correlation_data = None;
            }
            if qos == QoS::AtMostOnce && faults.has(BrokerFault::DuplicatesQos0) {
                self.deliver(now, &client_id, copy.clone(), expires_at);
            }
            self.deliver(now, &client_id, copy, expires_at);
        }
        sessions_reached
    }

    /// The copies a shared subscription's group gets of one message: one, to the next member in
    /// turn (v5 §4.8.2), among those connected when any is, so a message is not parked with an
    /// absent member while others could take it. Members take turns in client id order.
    fn share_among(&mut self, filter: &str, mut members: Vec<Member>) -> Vec<Delivery> {
        if self.config.faults.has(BrokerFault::SharedToEveryMember) {
            return members.into_iter().map(|member| member.delivery).collect();
        }
        members.sort_by(|a, b| a.delivery.0.cmp(&b.delivery.0));
        if members.iter().any(|member| member.online) {
            members.retain(|member| member.online);
        }
        let turn = self.share_turns.entry(filter.to_owned()).or_default();
        let index = *turn % members.len().max(1);
        *turn = turn.wrapping_add(1);
        members
            .into_iter()
            .nth(index)
            .map(|member| member.delivery)
            .into_iter()
            .collect()
    }

    /// Queues a message for a session and sends what its window allows.
    pub(super) fn deliver(
        &mut self,
        now: u64,
        client_id: &str,
        mut publish: Publish,
        expires_at: Option<u64>,
    ) {
        let max_queued = self.config.max_queued;
        let Some(session) = self.sessions.get_mut(client_id) else {
            return;
        };
        if session.version == ProtocolVersion::V311 {
            publish.properties = Properties::default();
        }
        if session.connection.is_none() && publish.qos() == QoS::AtMostOnce {
            return; // Mosquitto's default: QoS 0 is not queued for offline clients.
        }
        if session.queued.len() >= max_queued {
            return; // Mosquitto drops beyond max_queued_messages.
        }
        session.queued.push_back(QueuedMessage {
            publish,
            expires_at,
        });
        self.flush(now, client_id);
    }

    /// Sends queued messages while the client's in-flight window has room.
    pub(super) fn flush(&mut self, now: u64, client_id: &str) {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return;
        };
        let Some(conn) = session.connection else {
            return;
        };
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        let faults = self.config.faults;
        let window = in_flight_window(&self.config, connection.receive_maximum);
        let version = session.version;
        let max_size = connection.maximum_packet_size;
        // The broker sends no topic aliases (as Mosquitto 2.0); the fault sends one above what
        // a client that allows some allowed, with the topic name kept.
        let alias_above = std::num::NonZeroU16::new(
            connection.topic_alias_maximum.saturating_add(1),
        )
        .filter(|_| {
            version == ProtocolVersion::V5
                && connection.topic_alias_maximum > 0
                && faults.has(BrokerFault::SendsTopicAliasesAboveClientMaximum)
        });
        while let Some(front) = session.queued.front() {
            if front.expires_at.is_some_and(|at| at <= now)
                && !faults.has(BrokerFault::IgnoresMessageExpiry)
            {
                session.queued.pop_front();
                continue;
            }
            let qos = front.publish.qos();
            let pid = if qos == QoS::AtMostOnce {
                None
            } else {
                if session.outgoing.len() >= window {
                    break;
                }
                match session.allocate_pid() {
                    Some(pid) => Some(pid),
                    None => break,
                }
            };
            let Some(QueuedMessage {
                mut publish,
                expires_at,
            }) = session.queued.pop_front()
            else {
                break;
            };
            publish.qos_pid = QosPid::new(qos, pid.unwrap_or(Pid::FIRST));
            if let (Some(at), ProtocolVersion::V5) = (expires_at, version) {
                // [v5 MQTT-3.3.2-6]: forward the remaining lifetime.
                let left = at.saturating_sub(now) / 1000;
                publish.properties.message_expiry_interval = Some(left as u32);
            }
            publish.properties.topic_alias = alias_above;
            let packet = Packet::Publish(publish);
            // [v5 MQTT-3.1.2-25]: too large for the client: dropped as if it had been sent.
            if !faults.has(BrokerFault::IgnoresClientMaximumPacketSize)
                && max_size.is_some_and(|max| {
                    packet
                        .encoded_len(version)
                        .is_ok_and(|size| size > max as usize)
                })
            {
                continue;
            }
            write(&mut self.transmit, conn, version, &packet);
            if let (Some(pid), Packet::Publish(publish)) = (pid, packet) {
                let stage = if qos == QoS::AtLeastOnce {
                    AckStage::AwaitPubAck
                } else {
                    AckStage::AwaitPubRec
                };
                session.outgoing.insert_sent(pid, publish, stage, (), now);
            }
        }
    }

    /// After a resumed CONNECT: unacknowledged PUBLISH again with DUP=1, and PUBREL, in the
    /// original order ([MQTT-4.4.0-1], [MQTT-4.6.0-1]).
    pub(super) fn resend_in_flight(&mut self, now: u64, client_id: &str) {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return;
        };
        let Some(conn) = session.connection else {
            return;
        };
        let version = session.version;
        let faults = self.config.faults;
        if faults.has(BrokerFault::ForgetsInFlightOnReconnect) {
            for pid in session.outgoing.pids_in_order() {
                session.outgoing.remove(pid);
            }
            return;
        }
        for pid in session.outgoing.pids_in_order() {
            let Some(entry) = session.outgoing.get_mut(pid) else {
                continue;
            };
            let packet = match entry.stage {
                AckStage::AwaitPubComp => Packet::PubRel(Ack::new(pid)),
                AckStage::AwaitPubAck | AckStage::AwaitPubRec => {
                    let mut publish = entry.publish.clone();
                    publish.dup = !faults.has(BrokerFault::DropsDupOnResend);
                    Packet::Publish(publish)
                }
            };
            write(&mut self.transmit, conn, version, &packet);
            session.outgoing.mark_sent(pid, now);
        }
    }

    /// Retained messages matching a new subscription, sent with RETAIN 1 ([MQTT-3.3.1-6] v3,
    /// [v5 MQTT-3.3.1-9]).
    pub(super) fn send_retained(
        &mut self,
        now: u64,
        client_id: &str,
        filter: &str,
        granted: QoS,
        identifier: Option<NonZeroU32>,
    ) {
        let faults = self.config.faults;
        let mut matching: Vec<(Publish, Option<u64>)> = self
            .retained
            .values()
            .filter(|message| crate::topic::matches(filter, &message.publish.topic))
            .filter(|message| {
                message.expires_at.is_none_or(|at| at > now)
                    || faults.has(BrokerFault::IgnoresMessageExpiry)
            })
            .map(|message| {
                let qos = delivery_qos(faults, message.publish.qos(), granted);
                let retain = !faults.has(BrokerFault::DropsRetainFlag);
                let mut copy = forwarded(&message.publish, qos, retain);
                copy.properties.subscription_identifiers = identifier.into_iter().collect();
                (copy, message.expires_at)
            })
            .collect();
        if faults.has(BrokerFault::OneRetainedPerSubscription) {
            matching.truncate(1);
        }
        for (publish, expires_at) in matching {
            self.deliver(now, client_id, publish, expires_at);
        }
    }

    /// Publishes a client's Will as if the client had published it.
    pub(super) fn publish_will(&mut self, now: u64, client_id: String, will: Will) {
        self.events.push_back(BrokerEvent::WillPublished {
            client_id: client_id.clone(),
            topic: will.topic.clone(),
        });
        let mut properties = will.properties;
        properties.will_delay_interval = None;
        let publish = Publish {
            dup: false,
            qos_pid: QosPid::new(will.qos, Pid::FIRST),
            // [v3 MQTT-3.1.2-16], [-17]: retained exactly when Will Retain is 1.
            retain: will.retain && !self.config.faults.has(BrokerFault::IgnoresWillRetain),
            topic: will.topic.into(),
            payload: will.payload,
            properties,
        };
        self.accept_publish(now, &client_id, publish);
    }
}

/// How many QoS 1 and 2 deliveries a client may have unacknowledged: its Receive Maximum (unless
/// a fault ignores it), capped by `max_inflight` when that is set.
pub(super) fn in_flight_window(config: &super::BrokerConfig, receive_maximum: u16) -> usize {
    let window = if config.faults.has(BrokerFault::IgnoresReceiveMaximum) {
        usize::MAX
    } else {
        usize::from(receive_maximum)
    };
    if config.max_inflight > 0 {
        window.min(usize::from(config.max_inflight))
    } else {
        window
    }
}

/// One copy to send: to whom, at which QoS, with which RETAIN flag and Subscription Identifiers.
type Delivery = (String, QoS, bool, Vec<NonZeroU32>);

/// A session in a shared subscription's group, with the copy it would get.
struct Member {
    online: bool,
    delivery: Delivery,
}

/// Whether `filter` is a shared subscription: `$share/` is special only in 5.0 (v5 §4.8.2); in
/// 3.1.1 it is an ordinary filter.
pub(super) fn is_shared(session: &ClientSession, filter: &str) -> bool {
    session.version == ProtocolVersion::V5 && crate::topic::shared_parts(filter).is_some()
}

/// The QoS a message published at `publish` goes out with on a subscription granted `granted`:
/// the minimum ([v3 MQTT-3.8.4-6], [v5 MQTT-3.8.4-8]), unless a fault says otherwise.
fn delivery_qos(faults: BrokerFaults, publish: QoS, granted: QoS) -> QoS {
    let qos = if faults.has(BrokerFault::DeliversAtPublishQos) {
        publish
    } else if faults.has(BrokerFault::DeliversAtGrantedQos) {
        granted
    } else {
        publish.min(granted)
    };
    match qos {
        QoS::ExactlyOnce if faults.has(BrokerFault::DowngradesQos2) => QoS::AtLeastOnce,
        QoS::AtLeastOnce if faults.has(BrokerFault::DowngradesQos1) => QoS::AtMostOnce,
        qos => qos,
    }
}

/// The subscriptions of `session` that a message on `topic` from `publisher` reaches.
fn matching<'a>(
    session: &'a ClientSession,
    client_id: &'a str,
    publisher: &'a str,
    topic: &'a str,
    faults: BrokerFaults,
) -> impl Iterator<Item = (&'a String, &'a SubscriptionEntry)> + 'a {
    session
        .subscriptions
        .iter()
        .filter(move |(filter, _)| filter_matches(session.version, filter, topic, faults))
        // No Local: not back to its publisher [v5 MQTT-3.8.3-3].
        .filter(move |(_, subscription)| {
            !(subscription.options.no_local
                && client_id == publisher
                && !faults.has(BrokerFault::IgnoresNoLocal))
        })
}

/// Topic matching ([MQTT-4.7]) in the session's version, with the faults that break it.
fn filter_matches(
    version: ProtocolVersion,
    filter: &str,
    topic: &str,
    faults: BrokerFaults,
) -> bool {
    let matches = match version {
        ProtocolVersion::V311 => crate::topic::matches_as_written,
        ProtocolVersion::V5 => crate::topic::matches,
    };
    if faults.has(BrokerFault::HashSkipsParent)
        && filter
            .strip_suffix("/#")
            .is_some_and(|parent| parent == topic)
    {
        return false;
    }
    let folds_case = faults.has(BrokerFault::MatchesCaseInsensitively);
    let strips_mark = faults.has(BrokerFault::StripsByteOrderMark);
    if folds_case || strips_mark {
        // The bugs: topics normalized before matching, against [MQTT-4.7.3-4].
        let normalize = |text: &str| {
            let text = if folds_case {
                text.to_lowercase()
            } else {
                text.to_owned()
            };
            if strips_mark {
                text.replace('\u{feff}', "")
            } else {
                text
            }
        };
        return matches(&normalize(filter), &normalize(topic));
    }
    if faults.has(BrokerFault::WildcardsMatchDollar) {
        if let Some(rest) = topic.strip_prefix('$') {
            // The bug: a `$` topic matched as if it were an ordinary one.
            return matches(filter, &format!("x{rest}"));
        }
    }
    matches(filter, topic)
}

/// Orders filters as Mosquitto's topic tree visits them: level by level, a literal level before
/// `+`, and `+` before `#`.
fn tree_order(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |level: &str| match level {
        "#" => 2,
        "+" => 1,
        _ => 0,
    };
    let levels = |filter: &'_ str| {
        filter
            .split('/')
            .map(|level| (rank(level), level.to_owned()))
            .collect::<Vec<_>>()
    };
    levels(a).cmp(&levels(b))
}

/// The copy of a PUBLISH the broker forwards: its own DUP ([MQTT-3.3.1-3]), the delivery QoS,
/// no topic alias, the application properties kept.
fn forwarded(publish: &Publish, qos: QoS, retain: bool) -> Publish {
    let source = &publish.properties;
    Publish {
        dup: false,
        qos_pid: QosPid::new(qos, Pid::FIRST),
        retain,
        topic: publish.topic.clone(),
        payload: publish.payload.clone(),
        properties: Properties::from(PropertyValues {
            payload_format_indicator: source.payload_format_indicator,
            message_expiry_interval: source.message_expiry_interval,
            content_type: source.content_type.clone(),
            response_topic: source.response_topic.clone(),
            correlation_data: source.correlation_data.clone(),
            user_properties: source.user_properties.clone(),
            ..PropertyValues::default()
        }),
    }
}

fn expiry_deadline(now: u64, properties: &Properties) -> Option<u64> {
    properties
        .message_expiry_interval
        .map(|seconds| now + u64::from(seconds) * 1000)
}
