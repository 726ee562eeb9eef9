//! Packets from clients: CONNECT and session set-up, PUBLISH as QoS 0/1/2 receiver, acks of the
//! broker's own deliveries, SUBSCRIBE/UNSUBSCRIBE, PINGREQ and DISCONNECT.

use super::routing::{in_flight_window, is_shared};
use super::state::{ClientSession, SubscriptionEntry};
use super::{Broker, BrokerEvent, BrokerFault, ConnId};
use crate::codec::{
    Ack, ConnAck, Connect, Disconnect, Packet, PacketType, Pid, ProtocolVersion, Publish, QoS,
    QosPid, ReasonCode, SubAck, Subscribe, UnsubAck, Unsubscribe,
};
use crate::session::AckStage;

impl Broker {
    pub(super) fn handle_packet(&mut self, now: u64, conn: ConnId, packet: Packet) {
        let Some(connection) = self.connections.get(&conn) else {
            return;
        };
        if connection.client_id.is_none() {
            match packet {
                Packet::Connect(connect) => self.handle_connect(now, conn, *connect),
                Packet::PingReq if self.config.faults.has(BrokerFault::ServesBeforeConnect) => {
                    self.send(conn, &Packet::PingResp);
                }
                other => {
                    let message = format!("{} before CONNECT [MQTT-3.1.0-1]", other.packet_type());
                    self.violation(now, conn, ReasonCode::ProtocolError, message);
                }
            }
            return;
        }
        let answered_later = matches!(packet, Packet::Subscribe(_) | Packet::Unsubscribe(_));
        if answered_later
            && self.config.faults.has(BrokerFault::StallsAtZeroQuota)
            && self.send_quota_used_up(conn)
        {
            // The fault: nothing but PUBLISH acknowledgements is answered until the client
            // acknowledges a delivery.
            return;
        }
        match packet {
            Packet::Publish(publish) => self.handle_publish(now, conn, publish),
            Packet::PubAck(ack) => self.handle_ack(now, conn, PacketType::PubAck, ack),
            Packet::PubRec(ack) => self.handle_ack(now, conn, PacketType::PubRec, ack),
            Packet::PubComp(ack) => self.handle_ack(now, conn, PacketType::PubComp, ack),
            Packet::PubRel(ack) => self.handle_pubrel(now, conn, ack),
            Packet::Subscribe(subscribe) => self.handle_subscribe(now, conn, subscribe),
            Packet::Unsubscribe(unsubscribe) => self.handle_unsubscribe(conn, unsubscribe),
            Packet::PingReq if self.config.faults.has(BrokerFault::IgnoresPingReq) => {}
            Packet::PingReq => self.send(conn, &Packet::PingResp),
            Packet::Disconnect(disconnect) => {
                // Only 0x04 asks for the Will; a normal DISCONNECT deletes it [v5 MQTT-3.14.4-3].
                let faults = self.config.faults;
                let with_will = disconnect.reason == ReasonCode::DisconnectWithWillMessage
                    && !faults.has(BrokerFault::IgnoresDisconnectWithWill);
                // v5 §3.14.2.2.2: the DISCONNECT's Session Expiry Interval replaces CONNECT's.
                let expiry = disconnect
                    .properties
                    .session_expiry_interval
                    .filter(|_| !faults.has(BrokerFault::IgnoresDisconnectSessionExpiry));
                if let Some(expiry) = expiry {
                    let client_id = self.client_id(conn);
                    if let Some(session) = client_id.and_then(|id| self.sessions.get_mut(&id)) {
                        session.expiry_ms = expiry_ms(expiry);
                    }
                }
                self.end_connection(
                    now,
                    conn,
                    format!("DISCONNECT {}", disconnect.reason),
                    with_will,
                );
            }
            Packet::Connect(_) if self.config.faults.has(BrokerFault::IgnoresSecondConnect) => {}
            Packet::Connect(_) => self.violation(
                now,
                conn,
                ReasonCode::ProtocolError,
                "a second CONNECT [MQTT-3.1.0-2]".into(),
            ),
            Packet::Auth(_) => self.violation(
                now,
                conn,
                ReasonCode::ProtocolError,
                "AUTH without an Authentication Method in CONNECT [v5 MQTT-4.12.0-7]".into(),
            ),
            other => {
                let message = format!(
                    "{} is sent only by servers [v3 §2.2.1, v5 §2.1.2]",
                    other.packet_type()
                );
                self.violation(now, conn, ReasonCode::ProtocolError, message);
            }
        }
    }

    /// Whether the client has as many of our QoS 1 and 2 deliveries unacknowledged as its
    /// in-flight window allows (v5 §4.9: the send quota is zero).
    fn send_quota_used_up(&self, conn: ConnId) -> bool {
        let Some(connection) = self.connections.get(&conn) else {
            return false;
        };
        let window = in_flight_window(&self.config, connection.receive_maximum);
        connection
            .client_id
            .as_ref()
            .and_then(|id| self.sessions.get(id))
            .is_some_and(|session| session.outgoing.len() >= window)
    }

    fn client_id(&self, conn: ConnId) -> Option<String> {
        self.connections
            .get(&conn)
            .and_then(|connection| connection.client_id.clone())
    }

    fn handle_connect(&mut self, now: u64, conn: ConnId, connect: Connect) {
        let version = connect.version;
        let faults = self.config.faults;
        if version == ProtocolVersion::V5 && !self.config.speaks_v5 {
            // A 3.1.1-only broker: CONNACK 0x01 in 3.1.1's shape, then close [v3 MQTT-3.1.2-2]
            // (the connection stays 3.1.1, so `refuse` writes `20 02 00 01`).
            self.refuse(now, conn, ReasonCode::UnsupportedProtocolVersion);
            return;
        }
        if version == ProtocolVersion::V5 && faults.has(BrokerFault::AcceptsV5WithV3ConnAck) {
            self.send(
                conn,
                &Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)),
            );
            self.end_connection(now, conn, "answered in 3.1.1's shape".into(), false);
            return;
        }
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.version = version;
        }
        let mut client_id = connect.client_id.clone();
        let mut assigned = None;
        let too_long = self
            .config
            .max_client_id_length
            .is_some_and(|max| client_id.len() > usize::from(max));
        let capitals = faults.has(BrokerFault::RefusesUppercaseClientIds)
            && client_id.chars().any(|c| c.is_ascii_uppercase());
        if too_long || capitals {
            // A server may allow ids of more than 23 bytes (v3, v5 §3.1.3.1), and says no so.
            self.refuse(now, conn, ReasonCode::ClientIdentifierNotValid);
            return;
        }
        if client_id.is_empty() && !self.config.zero_length_client_id {
            // Allowed by [MQTT-3.1.3-8] (v3: 0x02, v5: 0x85), as Mosquitto's
            // `allow_zero_length_clientid false`.
            self.refuse(now, conn, ReasonCode::ClientIdentifierNotValid);
            return;
        }
        let plain_23 =
            client_id.len() == 23 && client_id.bytes().all(|b| b.is_ascii_alphanumeric());
        if plain_23 && faults.has(BrokerFault::RefusesPlainTwentyThreeByteIds) {
            self.refuse(now, conn, ReasonCode::ClientIdentifierNotValid);
            return;
        }
        if client_id.is_empty() {
            if version == ProtocolVersion::V311
                && !connect.clean_start
                && !faults.has(BrokerFault::AcceptsEmptyClientIdWithoutCleanSession)
            {
                // [v3 MQTT-3.1.3-8]: zero-length id with CleanSession 0 is refused with 0x02.
                self.send(
                    conn,
                    &Packet::ConnAck(ConnAck::new(false, ReasonCode::ClientIdentifierNotValid)),
                );
                self.end_connection(
                    now,
                    conn,
                    "empty client id with clean session 0".into(),
                    false,
                );
                return;
            }
            if !faults.has(BrokerFault::SameIdForEmptyClientIds) {
                self.next_assigned_id += 1;
            }
            client_id = format!("qoscope-sim-{}", self.next_assigned_id);
            if !faults.has(BrokerFault::NoAssignedClientId) {
                assigned = Some(client_id.clone());
            }
        }
        let known_method = faults.has(BrokerFault::AcceptsUnknownAuthentication);
        if let Some(method) = connect
            .properties
            .authentication_method
            .as_ref()
            .filter(|_| !known_method)
        {
            // No enhanced authentication here: refuse and close [v5 MQTT-4.12.0-1].
            let mut connack = ConnAck::new(false, ReasonCode::BadAuthenticationMethod);
            connack.properties.reason_string = Some(format!(
                "authentication method \"{method}\" is not supported"
            ));
            self.send(conn, &Packet::ConnAck(connack));
            self.end_connection(now, conn, "unsupported authentication method".into(), false);
            return;
        }
        if let Some(will) = &connect.will {
            let v5 = version == ProtocolVersion::V5;
            let above = self.config.maximum_qos.is_some_and(|max| will.qos > max);
            if v5 && above && !faults.has(BrokerFault::AcceptsWillAboveMaximumQos) {
                self.refuse(now, conn, ReasonCode::QoSNotSupported);
                return;
            }
            if will.retain
                && !self.config.retain_available
                && version == ProtocolVersion::V5
                && !faults.has(BrokerFault::AcceptsWillRetainWhenUnavailable)
            {
                // [v5 MQTT-3.2.2-13]: Will Retain 1 without retain support is refused with 0x9A.
                self.refuse(now, conn, ReasonCode::RetainNotSupported);
                return;
            }
        }

        // Session take-over: the old connection is closed [MQTT-3.1.4-3] (v5 with 0x8E). It did
        // not end with DISCONNECT, so its Will is published [v5 MQTT-3.1.4-3], subject to the
        // Will Delay that this reconnect cancels below.
        let previous = self
            .sessions
            .get(&client_id)
            .and_then(|session| session.connection);
        let take_over = !faults.has(BrokerFault::KeepsDuplicateClientIds);
        if let Some(previous) = previous.filter(|previous| *previous != conn && take_over) {
            let mut disconnect = Disconnect::with_reason(ReasonCode::SessionTakenOver);
            if faults.has(BrokerFault::SessionExpiryOnDisconnect) {
                disconnect.properties.session_expiry_interval = Some(0);
            }
            self.send_disconnect(previous, disconnect);
            self.end_connection(
                now,
                previous,
                "session taken over by a new connection".into(),
                true,
            );
        }
        // A reconnect before the Will Delay elapses cancels the Will [v5 MQTT-3.1.3-9].
        self.pending_wills
            .retain(|pending| pending.client_id != client_id);

        let mut kept_subscriptions = None;
        if connect.clean_start {
            let discarded = self.sessions.remove(&client_id);
            if faults.has(BrokerFault::KeepsSessionOnCleanStart) {
                kept_subscriptions = discarded.map(|session| session.subscriptions);
            }
        }
        let stored = self.sessions.contains_key(&client_id);
        let session_present = if connect.clean_start {
            faults.has(BrokerFault::SessionPresentOnCleanStart)
        } else if stored {
            !faults.has(BrokerFault::SessionPresentZero)
        } else {
            faults.has(BrokerFault::SessionPresentForNewSession)
        };
        let session = self
            .sessions
            .entry(client_id.clone())
            .or_insert_with(|| ClientSession::new(version));
        session.version = version;
        if let Some(subscriptions) = kept_subscriptions {
            session.subscriptions = subscriptions;
        }
        if stored && !connect.clean_start && faults.has(BrokerFault::ForgetsSubscriptionsOnResume) {
            session.subscriptions.clear();
        }
        if stored && !connect.clean_start && faults.has(BrokerFault::ResumesNewestFirst) {
            session.queued.make_contiguous().reverse();
        }
        session.connection = Some(conn);
        session.expires_at = None;
        session.expiry_ms = match version {
            ProtocolVersion::V311 if connect.clean_start => Some(0),
            ProtocolVersion::V311 => None,
            ProtocolVersion::V5 => match connect.properties.session_expiry_interval {
                None | Some(0)
                    if !connect.clean_start
                        && faults.has(BrokerFault::KeepsSessionWithoutExpiry) =>
                {
                    None
                }
                seconds => expiry_ms(seconds.unwrap_or(0)),
            },
        };
        let kept_aliases = self.kept_aliases.remove(&client_id).unwrap_or_default();

        // A keep alive above the maximum, or 0, is bounded by it, as Mosquitto's `max_keepalive`.
        let bounded = self
            .config
            .max_keep_alive
            .filter(|max| connect.keep_alive == 0 || connect.keep_alive > *max);
        let server_keep_alive = self.config.server_keep_alive.or(bounded);
        if let Some(connection) = self.connections.get_mut(&conn) {
            connection.client_id = Some(client_id.clone());
            // [v5 MQTT-3.2.2-21]: a Server Keep Alive replaces the client's.
            let keep_alive = match (version, server_keep_alive) {
                (ProtocolVersion::V5, Some(server)) => server,
                _ => connect.keep_alive,
            };
            connection.keep_alive_ms = u64::from(keep_alive) * 1000;
            connection.receive_maximum = connect
                .properties
                .receive_maximum
                .map_or(u16::MAX, |max| max.get());
            connection.maximum_packet_size =
                connect.properties.maximum_packet_size.map(|max| max.get());
            connection.topic_alias_maximum = connect.properties.topic_alias_maximum.unwrap_or(0);
            connection.problem_information =
                connect.properties.request_problem_information != Some(false);
            connection.aliases_in = kept_aliases;
            connection.will = connect.will;
        }
        let mut connack = ConnAck::new(session_present, ReasonCode::Success);
        if version == ProtocolVersion::V5 {
            let properties = &mut connack.properties;
            properties.receive_maximum = std::num::NonZeroU16::new(self.config.receive_maximum)
                .filter(|max| max.get() != u16::MAX);
            properties.maximum_qos = self
                .config
                .maximum_qos
                .filter(|max| *max != QoS::ExactlyOnce);
            properties.retain_available = (!self.config.retain_available).then_some(false);
            properties.topic_alias_maximum =
                Some(self.config.topic_alias_maximum).filter(|max| *max > 0);
            properties.shared_subscription_available =
                (!self.config.shared_subscriptions_available).then_some(false);
            properties.wildcard_subscription_available =
                (!self.config.wildcard_available).then_some(false);
            properties.subscription_identifier_available =
                (!self.config.subscription_identifiers_available).then_some(false);
            properties.server_keep_alive = server_keep_alive;
            properties.maximum_packet_size = self
                .config
                .maximum_packet_size
                .and_then(std::num::NonZeroU32::new);
            properties.assigned_client_identifier = assigned;
            if faults.has(BrokerFault::SendsUnrequestedResponseInformation) {
                properties.response_information = Some("qoscope-sim/responses/".into());
            }
            if faults.has(BrokerFault::SendsUnrequestedAuthentication) {
                properties.authentication_method = Some("SCRAM-SHA-256".into());
            }
            if faults.has(BrokerFault::OversizeReasonStrings) {
                let packet = Packet::ConnAck(connack.clone());
                connack.properties.reason_string = self.reason_string(conn, &packet, "welcome");
            }
        }
        let resumed = stored && !connect.clean_start;
        if resumed && faults.has(BrokerFault::SendsQueuedBeforeConnAck) {
            self.flush(now, &client_id);
        }
        self.send(conn, &Packet::ConnAck(connack));
        self.events.push_back(BrokerEvent::ClientConnected {
            conn,
            client_id: client_id.clone(),
            session_present,
        });
        if resumed {
            // [MQTT-4.4.0-1]: re-send unacknowledged PUBLISH (DUP=1) and PUBREL in order.
            self.resend_in_flight(now, &client_id);
        }
        self.flush(now, &client_id);
    }

    /// Answers a QoS 1 or 2 PUBLISH the broker will not forward: PUBACK or PUBREC with `reason`.
    fn send_publish_refusal(
        &mut self,
        conn: ConnId,
        publish: &Publish,
        pid: Pid,
        reason: ReasonCode,
    ) {
        let ack = Ack::with_reason(pid, reason);
        let packet = match publish.qos() {
            QoS::ExactlyOnce => Packet::PubRec(ack),
            _ => Packet::PubAck(ack),
        };
        self.send(conn, &packet);
    }

    pub(super) fn refuse(&mut self, now: u64, conn: ConnId, reason: ReasonCode) {
        self.send(conn, &Packet::ConnAck(ConnAck::new(false, reason)));
        self.end_connection(now, conn, format!("CONNECT refused: {reason}"), false);
    }

    fn handle_publish(&mut self, now: u64, conn: ConnId, mut publish: Publish) {
        let Some(connection) = self.connections.get_mut(&conn) else {
            return;
        };
        let version = connection.version;
        if !publish.properties.subscription_identifiers.is_empty() {
            let message =
                "a Subscription Identifier on a client's PUBLISH [v5 MQTT-3.3.4-6]".to_owned();
            self.violation(now, conn, ReasonCode::ProtocolError, message);
            return;
        }
        let forgets_aliases = self.config.faults.has(BrokerFault::ForgetsTopicAliases);
        let lax_aliases = self
            .config
            .faults
            .has(BrokerFault::AcceptsInvalidTopicAliases);
        if let Some(alias) = publish.properties.topic_alias.take() {
            if alias.get() > self.config.topic_alias_maximum && lax_aliases {
                // The fault: an alias it never allowed is ignored, the topic used as it is.
            } else if alias.get() > self.config.topic_alias_maximum {
                let message = format!(
                    "Topic Alias {alias} above the maximum {} [v5 MQTT-3.3.2-9]",
                    self.config.topic_alias_maximum
                );
                self.violation(now, conn, ReasonCode::TopicAliasInvalid, message);
                return;
            }
            if publish.topic.is_empty() {
                let mapped = if forgets_aliases {
                    connection.aliases_in.remove(&alias.get())
                } else {
                    connection.aliases_in.get(&alias.get()).cloned()
                };
                match mapped {
                    Some(topic) => publish.topic = topic,
                    None => {
                        let message = format!(
                            "Topic Alias {alias} with an empty topic and no mapping [v5 §3.3.4]"
                        );
                        self.violation(now, conn, ReasonCode::ProtocolError, message);
                        return;
                    }
                }
            } else {
                connection
                    .aliases_in
                    .insert(alias.get(), publish.topic.clone());
            }
        }
        let faults = self.config.faults;
        let above_maximum = self
            .config
            .maximum_qos
            .is_some_and(|max| publish.qos() > max)
            && !faults.has(BrokerFault::AcceptsAboveMaximumQos);
        let unwanted_retain = publish.retain
            && !self.config.retain_available
            && !faults.has(BrokerFault::AcceptsRetainWhenUnavailable);
        if version == ProtocolVersion::V311 && (above_maximum || unwanted_retain) {
            // 3.1.1 cannot declare these limits; a broker that will not take the publish closes
            // the connection [MQTT-3.3.5-2], as Mosquitto does.
            self.end_connection(
                now,
                conn,
                "a PUBLISH beyond the broker's limits".into(),
                true,
            );
            return;
        }
        if version == ProtocolVersion::V5 {
            if self
                .config
                .maximum_qos
                .is_some_and(|max| publish.qos() > max)
                && !faults.has(BrokerFault::AcceptsAboveMaximumQos)
            {
                self.violation(
                    now,
                    conn,
                    ReasonCode::QoSNotSupported,
                    "QoS above Maximum QoS [v5 MQTT-3.2.2-11]".into(),
                );
                return;
            }
            if publish.retain
                && !self.config.retain_available
                && !faults.has(BrokerFault::AcceptsRetainWhenUnavailable)
            {
                self.violation(
                    now,
                    conn,
                    ReasonCode::RetainNotSupported,
                    "RETAIN while Retain Available is 0 [v5 MQTT-3.2.2-14]".into(),
                );
                return;
            }
        }
        let limits = (self.config.max_topic_length, self.config.max_topic_levels);
        if topic_beyond(limits, &publish.topic) {
            if version == ProtocolVersion::V311 {
                // 3.1.1 has no code to refuse a PUBLISH with: close [MQTT-3.3.5-2].
                let message = "a topic name beyond the broker's limits".into();
                self.end_connection(now, conn, message, true);
            } else if let Some(pid) = publish.qos_pid.pid() {
                let reason = ReasonCode::TopicNameInvalid;
                self.send_publish_refusal(conn, &publish, pid, reason);
            }
            return;
        }
        if self
            .config
            .maximum_payload
            .is_some_and(|max| publish.payload.len() > max as usize)
        {
            // Mosquitto's `message_size_limit`: acknowledged and dropped (3.1.1 has no code to
            // refuse with); refused in 5.0, with 0x97 Quota exceeded (PUBACK has no 0x95, v5
            // §3.4.2.1).
            if let Some(pid) = publish.qos_pid.pid() {
                let reason = match version {
                    ProtocolVersion::V311 => ReasonCode::Success,
                    ProtocolVersion::V5 => ReasonCode::QuotaExceeded,
                };
                self.send_publish_refusal(conn, &publish, pid, reason);
            }
            return;
        }
        let Some(client_id) = self.client_id(conn) else {
            return;
        };
        match publish.qos_pid {
            QosPid::AtMostOnce => {
                self.accept_publish(now, &client_id, publish);
            }
            QosPid::AtLeastOnce(pid) => {
                let repeated = self
                    .connections
                    .get_mut(&conn)
                    .is_some_and(|connection| connection.last_qos1_pid.replace(pid) == Some(pid));
                if repeated && faults.has(BrokerFault::DropsReusedQos1Ids) {
                    // The bug: taken for a re-send of the message before, acknowledged, dropped.
                    self.send(conn, &Packet::PubAck(Ack::new(pid)));
                    return;
                }
                let matched = self.accept_publish(now, &client_id, publish);
                let reason = match success_code(version, matched) {
                    ReasonCode::NoMatchingSubscribers
                        if faults.has(BrokerFault::RefusesUnmatchedPublish) =>
                    {
                        ReasonCode::UnspecifiedError
                    }
                    reason => reason,
                };
                let mut puback = Packet::PubAck(Ack::with_reason(pid, reason));
                let explained = self.reason_string(conn, &puback, "no matching subscribers");
                if let (Packet::PubAck(ack), Some(text)) = (&mut puback, explained) {
                    ack.properties.reason_string = Some(text);
                }
                self.send(conn, &puback);
            }
            QosPid::ExactlyOnce(pid) => {
                let has_subscribers = self.has_subscribers(&client_id, &publish.topic);
                let Some(session) = self.sessions.get_mut(&client_id) else {
                    return;
                };
                if faults.has(BrokerFault::ForwardsQos2Resends) {
                    // The bug: forward at once and forget the id, so a re-send goes out again.
                    let reason = success_code(version, usize::from(has_subscribers));
                    self.accept_publish(now, &client_id, publish);
                    self.send(conn, &Packet::PubRec(Ack::with_reason(pid, reason)));
                    return;
                }
                if session.incoming_qos2.contains_key(&pid) {
                    // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10]: PUBREC again, do not forward again.
                    self.send(conn, &Packet::PubRec(Ack::new(pid)));
                    return;
                }
                if version == ProtocolVersion::V5
                    && session.incoming_qos2.len() >= usize::from(self.config.receive_maximum)
                    && !faults.has(BrokerFault::ExceedsOwnReceiveMaximum)
                {
                    let message = format!(
                        "more than Receive Maximum ({}) QoS 2 messages in flight [v5 MQTT-3.3.4-9]",
                        self.config.receive_maximum
                    );
                    self.violation(now, conn, ReasonCode::ReceiveMaximumExceeded, message);
                    return;
                }
                // Method A, as Mosquitto 2.0: keep the message, forward it when PUBREL comes.
                session.incoming_qos2.insert(pid, publish);
                let reason = success_code(version, usize::from(has_subscribers));
                self.send(conn, &Packet::PubRec(Ack::with_reason(pid, reason)));
            }
        }
    }

    fn handle_pubrel(&mut self, now: u64, conn: ConnId, ack: Ack) {
        let Some(client_id) = self.client_id(conn) else {
            return;
        };
        let released = self
            .sessions
            .get_mut(&client_id)
            .and_then(|session| session.incoming_qos2.remove(&ack.pid));
        let known = released.is_some();
        if let Some(publish) = released {
            self.accept_publish(now, &client_id, publish);
        }
        let faults = self.config.faults;
        if !known && faults.has(BrokerFault::IgnoresUnknownPubRel) {
            return;
        }
        let version = self
            .connections
            .get(&conn)
            .map_or(ProtocolVersion::V311, |connection| connection.version);
        // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11]: PUBCOMP even for an unknown id (v5: 0x92).
        let reason = if known
            || version == ProtocolVersion::V311
            || faults.has(BrokerFault::ForwardsQos2Resends)
        {
            ReasonCode::Success
        } else {
            ReasonCode::PacketIdentifierNotFound
        };
        self.send(conn, &Packet::PubComp(Ack::with_reason(ack.pid, reason)));
    }

    /// PUBACK, PUBREC and PUBCOMP for the broker's own deliveries.
    fn handle_ack(&mut self, now: u64, conn: ConnId, kind: PacketType, ack: Ack) {
        let Some(client_id) = self.client_id(conn) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&client_id) else {
            return;
        };
        let Some(stage) = session.outgoing.get_mut(ack.pid).map(|entry| entry.stage) else {
            if kind == PacketType::PubRec {
                // Answer so the client can finish (v5: 0x92 Packet Identifier not found).
                let reason = match session.version {
                    ProtocolVersion::V5 => ReasonCode::PacketIdentifierNotFound,
                    ProtocolVersion::V311 => ReasonCode::Success,
                };
                self.send(conn, &Packet::PubRel(Ack::with_reason(ack.pid, reason)));
            }
            return;
        };
        let expected = match stage {
            AckStage::AwaitPubAck => PacketType::PubAck,
            AckStage::AwaitPubRec => PacketType::PubRec,
            AckStage::AwaitPubComp => PacketType::PubComp,
        };
        if kind == PacketType::PubRec && stage == AckStage::AwaitPubComp {
            self.send(conn, &Packet::PubRel(Ack::new(ack.pid)));
            return;
        }
        let puback_taken = kind == PacketType::PubAck
            && expected == PacketType::PubRec
            && self.config.faults.has(BrokerFault::AcceptsPubAckForQos2);
        if kind != expected && !puback_taken {
            let message = format!(
                "{kind} for packet id {}, which awaits {expected} [MQTT-4.3.2-1, MQTT-4.3.3-1]",
                ack.pid
            );
            self.violation(now, conn, ReasonCode::ProtocolError, message);
            return;
        }
        if kind == PacketType::PubRec && !ack.reason.is_failure() {
            if let Some(entry) = session.outgoing.get_mut(ack.pid) {
                entry.stage = AckStage::AwaitPubComp;
                entry.publish.payload = bytes::Bytes::new();
            }
            self.send(conn, &Packet::PubRel(Ack::new(ack.pid)));
            return;
        }
        let refused = session
            .outgoing
            .remove(ack.pid)
            .filter(|_| kind == PacketType::PubAck && ack.reason.is_failure());
        if let Some(entry) = refused.filter(|_| {
            self.config
                .faults
                .has(BrokerFault::ResendsRefusedSharedMessages)
        }) {
            // The fault: the refused message is routed again, so a shared subscription's next
            // member in turn gets it.
            self.accept_publish(now, "", entry.publish);
        }
        self.flush(now, &client_id);
    }

    fn handle_subscribe(&mut self, now: u64, conn: ConnId, subscribe: Subscribe) {
        let Some(client_id) = self.client_id(conn) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&client_id) else {
            return;
        };
        let version = session.version;
        let identifier = subscribe
            .properties
            .subscription_identifiers
            .first()
            .copied();
        if identifier.is_some()
            && version == ProtocolVersion::V5
            && !self.config.subscription_identifiers_available
        {
            // v5 §3.2.2.3.12: a protocol error, DISCONNECT 0xA1, when they are not supported.
            self.violation(
                now,
                conn,
                ReasonCode::SubscriptionIdentifiersNotSupported,
                "a Subscription Identifier, which this broker declared unavailable".into(),
            );
            return;
        }
        if let Some(shared) = subscribe.subscriptions.iter().find(|subscription| {
            subscription.options.no_local
                && version == ProtocolVersion::V5
                && crate::topic::shared_parts(&subscription.filter).is_some()
        }) {
            let message = format!(
                "No Local on the shared subscription {} [v5 MQTT-3.8.3-4]",
                shared.filter
            );
            self.violation(now, conn, ReasonCode::ProtocolError, message);
            return;
        }
        let faults = self.config.faults;
        let above_maximum = subscribe.subscriptions.iter().any(|subscription| {
            self.config
                .maximum_qos
                .is_some_and(|max| subscription.options.qos > max)
        });
        if above_maximum
            && version == ProtocolVersion::V5
            && faults.has(BrokerFault::RefusesSubscribeAboveMaximumQos)
        {
            self.violation(
                now,
                conn,
                ReasonCode::QoSNotSupported,
                "a SUBSCRIBE above Maximum QoS".into(),
            );
            return;
        }
        let wildcard_available = self.config.wildcard_available;
        let shared_available = self.config.shared_subscriptions_available;
        let max_filters = self.config.max_subscriptions_per_subscribe;
        let limits = (self.config.max_topic_length, self.config.max_topic_levels);
        let too_long = |topic: &str| topic_beyond(limits, topic);
        let mut reasons = Vec::with_capacity(subscribe.subscriptions.len());
        let mut retained_for = Vec::new();
        for subscription in &subscribe.subscriptions {
            let shared = is_shared(session, &subscription.filter);
            let unavailable = shared && !shared_available;
            let wildcard = !wildcard_available && subscription.filter.contains(['+', '#']);
            // A `$share/` filter must name a group and a filter [v5 MQTT-4.8.2-1], [-2].
            let invalid = crate::topic::validate_topic_filter(&subscription.filter).is_err()
                && !faults.has(BrokerFault::GrantsInvalidFilters);
            let over_quota = max_filters.is_some_and(|max| reasons.len() >= usize::from(max));
            if over_quota {
                reasons.push(match version {
                    ProtocolVersion::V311 => ReasonCode::UnspecifiedError,
                    ProtocolVersion::V5 => ReasonCode::QuotaExceeded,
                });
                continue;
            }
            if too_long(&subscription.filter) {
                reasons.push(match version {
                    ProtocolVersion::V311 => ReasonCode::UnspecifiedError,
                    ProtocolVersion::V5 => ReasonCode::TopicFilterInvalid,
                });
                continue;
            }
            if invalid || unavailable || wildcard {
                reasons.push(match (version, unavailable, wildcard) {
                    (ProtocolVersion::V311, _, _) => ReasonCode::UnspecifiedError,
                    (ProtocolVersion::V5, true, _) => ReasonCode::SharedSubscriptionsNotSupported,
                    (ProtocolVersion::V5, false, true) => {
                        ReasonCode::WildcardSubscriptionsNotSupported
                    }
                    (ProtocolVersion::V5, false, false) => ReasonCode::TopicFilterInvalid,
                });
                continue;
            }
            let granted = subscription.options.qos.min(self.config.granted_qos_cap);
            let replaced = session.subscriptions.get(&subscription.filter);
            let identifier = match replaced {
                Some(old) if faults.has(BrokerFault::KeepsReplacedSubscriptionIdentifier) => {
                    old.identifier
                }
                _ => identifier,
            };
            let existed = session
                .subscriptions
                .insert(
                    subscription.filter.clone(),
                    SubscriptionEntry {
                        options: subscription.options,
                        granted,
                        identifier,
                    },
                )
                .is_some();
            reasons.push(ReasonCode::granting(granted));
            let handling = subscription.options.retain_handling;
            // Retained messages go to new non-shared subscriptions only (v5 §3.3.1.3, §4.8.2).
            let repeat_ignored = existed && faults.has(BrokerFault::NoRetainedOnResubscribe);
            let send_retained = !shared
                && !repeat_ignored
                && (faults.has(BrokerFault::IgnoresRetainHandling)
                    || match handling {
                        crate::codec::RetainHandling::SendAtSubscribe => true,
                        crate::codec::RetainHandling::SendIfNew => !existed,
                        crate::codec::RetainHandling::DoNotSend => false,
                    });
            if send_retained {
                retained_for.push((subscription.filter.clone(), granted));
            }
        }
        if faults.has(BrokerFault::TruncatesSubAck) {
            reasons.truncate(100);
        }
        if faults.has(BrokerFault::ReversesSubAckCodes) {
            reasons.reverse();
        }
        self.send(
            conn,
            &Packet::SubAck(SubAck {
                pid: subscribe.pid,
                reasons,
                properties: Default::default(),
            }),
        );
        for (filter, granted) in retained_for {
            self.send_retained(now, &client_id, &filter, granted, identifier);
        }
    }

    fn handle_unsubscribe(&mut self, conn: ConnId, unsubscribe: Unsubscribe) {
        let Some(client_id) = self.client_id(conn) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&client_id) else {
            return;
        };
        let version = session.version;
        let faults = self.config.faults;
        let reasons: Vec<ReasonCode> = unsubscribe
            .filters
            .iter()
            .enumerate()
            .map(|(index, filter)| {
                let keeps = faults.has(BrokerFault::IgnoresUnsubscribe)
                    || (index > 0 && faults.has(BrokerFault::UnsubscribesFirstOnly));
                let existed = if keeps {
                    session.subscriptions.contains_key(filter)
                } else {
                    session.subscriptions.remove(filter).is_some()
                };
                if existed && faults.has(BrokerFault::DropsInFlightOnUnsubscribe) {
                    // The bug: deliveries under way on the filter are forgotten with it.
                    for pid in session.outgoing.pids_in_order() {
                        let on_filter = session.outgoing.get_mut(pid).is_some_and(|entry| {
                            crate::topic::matches(filter, &entry.publish.topic)
                        });
                        if on_filter {
                            session.outgoing.remove(pid);
                        }
                    }
                }
                if faults.has(BrokerFault::UnsubscribesByMatching) {
                    // The bug: the filter taken as a topic, and every subscription matching it
                    // deleted with it.
                    session
                        .subscriptions
                        .retain(|existing, _| !crate::topic::matches(existing, filter));
                }
                if existed {
                    ReasonCode::Success
                } else {
                    ReasonCode::NoSubscriptionExisted
                }
            })
            .collect();
        let deleted = reasons.contains(&ReasonCode::Success);
        if !deleted && faults.has(BrokerFault::IgnoresUnknownUnsubscribe) {
            return;
        }
        let pid = if faults.has(BrokerFault::WrongUnsubAckPid) {
            unsubscribe.pid.next()
        } else {
            unsubscribe.pid
        };
        let mut reasons = if version == ProtocolVersion::V5 {
            reasons
        } else {
            Vec::new()
        };
        if self.config.faults.has(BrokerFault::ReversesUnsubAckCodes) {
            reasons.reverse();
        }
        let none_existed = reasons.contains(&ReasonCode::NoSubscriptionExisted);
        let mut unsuback = UnsubAck {
            pid,
            reasons,
            properties: Default::default(),
        };
        if none_existed {
            let packet = Packet::UnsubAck(unsuback.clone());
            unsuback.properties.reason_string =
                self.reason_string(conn, &packet, "no subscription existed");
        }
        self.send(conn, &Packet::UnsubAck(unsuback));
    }
}

/// v5 reports "No matching subscribers" on PUBACK/PUBREC when nobody received the message
/// (Mosquitto 2.0 does this too).
/// Whether `topic` is longer, or has more levels, than the broker's `(length, levels)` limits.
fn topic_beyond(limits: (Option<u16>, Option<u16>), topic: &str) -> bool {
    let (length, levels) = limits;
    length.is_some_and(|max| topic.len() > usize::from(max))
        || levels.is_some_and(|max| topic.split('/').count() > usize::from(max))
}

fn success_code(version: ProtocolVersion, matched: usize) -> ReasonCode {
    if version == ProtocolVersion::V5 && matched == 0 {
        ReasonCode::NoMatchingSubscribers
    } else {
        ReasonCode::Success
    }
}

/// Session Expiry Interval seconds to ms; 0xFFFFFFFF never expires (v5 §3.1.2.11.2).
fn expiry_ms(seconds: u32) -> Option<u64> {
    (seconds != u32::MAX).then_some(u64::from(seconds) * 1000)
}
