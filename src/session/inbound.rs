//! Packets from the server: CONNACK and session resumption, incoming PUBLISH as QoS 0/1/2
//! receiver, acknowledgements of our publishes, SUBACK/UNSUBACK, PINGRESP and DISCONNECT.
//! Anything the server may not send is a protocol error that names the rule.

use super::outgoing::{AckStage, Request};
use super::{
    Event, LostCause, Message, Phase, QueuedPublish, ServerLimits, Session, SubscribeResult,
};
use crate::codec::{
    Ack, ConnAck, Packet, PacketType, Pid, ProtocolVersion, Publish, QoS, QosPid, ReasonCode,
    SubAck, Topic, UnsubAck,
};
use crate::trace::{Direction, FlowEvent, FlowId, FlowRole, FlowState, StepKind, TraceEvent};

impl Session {
    /// Handles one decoded packet; returns the message flow it belongs to, if any.
    pub(super) fn handle_packet(&mut self, now: u64, packet: &Packet) -> Option<FlowId> {
        if let Phase::AwaitingConnAck { .. } = self.phase {
            match packet {
                Packet::ConnAck(connack) => self.handle_connack(now, connack),
                other => self.fail(
                    now,
                    ReasonCode::ProtocolError,
                    format!(
                        "{} arrived before CONNACK [v3 MQTT-3.2.0-1, v5 MQTT-3.2.0-1]",
                        other.packet_type()
                    ),
                ),
            }
            return None;
        }
        match packet {
            Packet::Publish(publish) => self.handle_publish(now, publish),
            Packet::PubAck(ack) => self.handle_puback(now, ack),
            Packet::PubRec(ack) => self.handle_pubrec(now, ack),
            Packet::PubRel(ack) => self.handle_pubrel(now, ack),
            Packet::PubComp(ack) => self.handle_pubcomp(now, ack),
            Packet::SubAck(suback) => {
                self.handle_suback(now, suback);
                None
            }
            Packet::UnsubAck(unsuback) => {
                self.handle_unsuback(now, unsuback);
                None
            }
            Packet::PingResp => {
                self.ping_sent_at = None;
                None
            }
            Packet::Disconnect(disconnect) if self.options.version == ProtocolVersion::V5 => {
                // v5 §3.14.4: stop sending and close; no DISCONNECT in reply.
                self.close = true;
                self.go_offline(LostCause::ServerDisconnect {
                    reason: disconnect.reason,
                    reason_string: disconnect.properties.reason_string.clone(),
                });
                None
            }
            Packet::Disconnect(_) => {
                self.fail(
                    now,
                    ReasonCode::ProtocolError,
                    "DISCONNECT is sent only by clients in MQTT 3.1.1 [v3 §3.14]".into(),
                );
                None
            }
            Packet::ConnAck(_) => {
                self.fail(
                    now,
                    ReasonCode::ProtocolError,
                    "a second CONNACK on one connection [v5 MQTT-3.2.0-2]".into(),
                );
                None
            }
            Packet::Auth(_) => {
                self.fail(
                    now,
                    ReasonCode::ProtocolError,
                    "AUTH without an Authentication Method in CONNECT [v5 MQTT-4.12.0-6]".into(),
                );
                None
            }
            Packet::Connect(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq => {
                let message = format!(
                    "{} is sent only by clients [v3 §2.2.1, v5 §2.1.2]",
                    packet.packet_type()
                );
                self.fail(now, ReasonCode::ProtocolError, message);
                None
            }
        }
    }

    fn handle_connack(&mut self, now: u64, connack: &ConnAck) {
        let properties = &connack.properties;
        if connack.reason == ReasonCode::UnsupportedProtocolVersion {
            self.close = true;
            self.go_offline(LostCause::UnsupportedVersion(self.options.version));
            return;
        }
        if connack.reason.is_failure() {
            self.close = true;
            self.go_offline(LostCause::Refused {
                reason: connack.reason,
                reason_string: properties.reason_string.clone(),
            });
            return;
        }
        if connack.session_present && !self.resuming && self.options.version == ProtocolVersion::V5
        {
            self.fail(
                now,
                ReasonCode::ProtocolError,
                "Session Present 1 in answer to Clean Start 1 [v5 MQTT-3.2.2-2, MQTT-3.2.2-4]"
                    .into(),
            );
            return;
        }
        self.phase = Phase::Connected;
        self.last_lost = None;
        if let Some(assigned) = &properties.assigned_client_identifier {
            // [v5 MQTT-3.2.2-16]: reuse the server-assigned id to resume this session later.
            self.options.client_id = assigned.clone();
        }
        self.server = ServerLimits {
            receive_maximum: properties.receive_maximum.map_or(u16::MAX, |max| max.get()),
            maximum_qos: properties.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: properties.retain_available.unwrap_or(true),
            maximum_packet_size: properties.maximum_packet_size.map(|max| max.get()),
            topic_alias_maximum: properties.topic_alias_maximum.unwrap_or(0),
        };
        let keep_alive = properties
            .server_keep_alive
            .unwrap_or(self.options.keep_alive);
        self.keep_alive_ms = u64::from(keep_alive) * 1000;
        let session_expiry = properties
            .session_expiry_interval
            .or(self.options.properties.session_expiry_interval)
            .unwrap_or(0);
        let had_state = !self.outgoing.is_empty() || !self.incoming_qos2.is_empty();
        self.has_session = match self.options.version {
            ProtocolVersion::V311 => !self.options.clean_start,
            ProtocolVersion::V5 => session_expiry > 0,
        };
        self.events.push_back(Event::Connected {
            session_present: connack.session_present,
            properties: properties.clone(),
        });

        // Quota restarts with each connection; QoS 2 flows past PUBREC still hold theirs (§4.9).
        let releasing = self.outgoing.count_stage(AckStage::AwaitPubComp);
        self.send_quota = self.server.receive_maximum.saturating_sub(releasing as u16);

        let pending: Vec<Request> = self.requests.values().cloned().collect();
        for request in pending {
            match request {
                Request::Subscribe(subscribe) => self.send(now, Packet::Subscribe(subscribe), None),
                Request::Unsubscribe(unsubscribe) => {
                    self.send(now, Packet::Unsubscribe(unsubscribe), None)
                }
            }
        }
        let granted = self
            .subscriptions
            .values()
            .any(|record| matches!(record.outcome, Some(Ok(_))));
        if !connack.session_present && (had_state || granted) {
            self.recover_lost_session(now);
        }
        self.flush(now);
    }

    /// The server has no session for us although we had state: [v5 MQTT-3.2.2-5] says discard
    /// it. Messages not yet acknowledged are queued again as new messages so nothing is lost
    /// (they may arrive twice), and the subscriptions are made again. A QoS 2 message past
    /// PUBREC was taken by the broker, but a broker that forwards on PUBREL (Method A of v5
    /// §4.3.3, as Mosquitto does) may never have delivered it: its outcome is unknown, and it
    /// is either reported so or, when asked, published again.
    fn recover_lost_session(&mut self, now: u64) {
        self.incoming_qos2.clear();
        self.send_quota = self.server.receive_maximum;
        let mut requeue = Vec::new();
        for (_, entry) in self.outgoing.drain_in_order() {
            let republish = if entry.stage == AckStage::AwaitPubComp {
                self.options.republish_unconfirmed
            } else {
                self.options.recover_lost_session
            };
            if entry.stage == AckStage::AwaitPubComp {
                let pid = entry.publish.qos_pid.pid().map_or(0, |pid| pid.get());
                let text = if republish {
                    format!("session lost after PUBREC of id={pid}: delivery unknown, published again as a new message (it may arrive twice)")
                } else {
                    format!(
                        "session lost after PUBREC of id={pid}: delivery unknown, not sent again"
                    )
                };
                self.note(now, text);
            }
            if entry.stage == AckStage::AwaitPubComp && !republish {
                self.events
                    .push_back(Event::PublishUnknown { flow: entry.flow });
                self.flow_finished(now, entry.flow, FlowState::Unknown);
            } else if republish {
                let publish = entry.publish;
                let qos = publish.qos();
                let mut request = super::PublishRequest::new(publish.topic, publish.payload, qos);
                request.retain = publish.retain;
                request.properties = publish.properties;
                self.flow_step(now, entry.flow, None, StepKind::Queued);
                requeue.push(QueuedPublish {
                    request,
                    flow: entry.flow,
                });
            } else {
                let message = "the server lost the session before the exchange finished".to_owned();
                self.publish_failed(now, entry.flow, ReasonCode::UnspecifiedError, Some(message));
            }
        }
        let requeued = requeue.len();
        for queued in requeue.into_iter().rev() {
            self.queued.push_front(queued);
        }
        if self.options.recover_lost_session {
            let subscriptions: Vec<crate::codec::Subscription> = self
                .subscriptions
                .values()
                .filter(|record| matches!(record.outcome, Some(Ok(_))))
                .map(|record| crate::codec::Subscription {
                    filter: record.filter.clone(),
                    options: record.options,
                })
                .collect();
            if !subscriptions.is_empty() {
                // Filters were valid when first subscribed; a failure here would repeat at SUBACK.
                let _ = self.subscribe(now, subscriptions, crate::codec::Properties::default());
            }
        }
        self.events.push_back(Event::SessionLost { requeued });
    }

    fn handle_publish(&mut self, now: u64, publish: &Publish) -> Option<FlowId> {
        let topic = self.resolve_topic(now, publish)?;
        match publish.qos_pid {
            QosPid::AtMostOnce => {
                let flow = self.deliver(now, publish, topic, false);
                self.flow_finished(now, flow, FlowState::Complete);
                Some(flow)
            }
            QosPid::AtLeastOnce(pid) => {
                // [v3 MQTT-4.3.2-2], [v5 MQTT-4.3.2-4]: PUBACK every PUBLISH, DUP or not.
                let flow = self.deliver(now, publish, topic, publish.dup);
                self.send_ack(now, PacketType::PubAck, pid, ReasonCode::Success, flow);
                self.flow_finished(now, flow, FlowState::Complete);
                Some(flow)
            }
            QosPid::ExactlyOnce(pid) => {
                if let Some(&flow) = self.incoming_qos2.get(&pid) {
                    // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10]: PUBREC again, never deliver again.
                    self.flow_step(
                        now,
                        flow,
                        Some(Direction::Incoming),
                        StepKind::Publish { dup: publish.dup },
                    );
                    self.flow_step(now, flow, None, StepKind::DuplicateSuppressed);
                    self.send_ack(now, PacketType::PubRec, pid, ReasonCode::Success, flow);
                    return Some(flow);
                }
                let receive_maximum = self
                    .options
                    .properties
                    .receive_maximum
                    .map_or(u16::MAX, |max| max.get());
                if self.options.version == ProtocolVersion::V5
                    && self.incoming_qos2.len() >= usize::from(receive_maximum)
                {
                    let message = format!("more than Receive Maximum ({receive_maximum}) QoS 2 messages unacknowledged [v5 §3.3.4]");
                    self.fail(now, ReasonCode::ReceiveMaximumExceeded, message);
                    return None;
                }
                let flow = self.deliver(now, publish, topic, false);
                self.incoming_qos2.insert(pid, flow);
                self.send_ack(now, PacketType::PubRec, pid, ReasonCode::Success, flow);
                Some(flow)
            }
        }
    }

    /// The PUBLISH's topic after Topic Alias processing (v5 §3.3.2.3.4, §3.3.4).
    fn resolve_topic(&mut self, now: u64, publish: &Publish) -> Option<Topic> {
        let Some(alias) = publish.properties.topic_alias else {
            return Some(publish.topic.clone());
        };
        let maximum = self.options.properties.topic_alias_maximum.unwrap_or(0);
        if alias.get() > maximum {
            let message = format!("Topic Alias {alias} is above our Topic Alias Maximum {maximum} [v5 MQTT-3.1.2-27, MQTT-3.3.2-10]");
            self.fail(now, ReasonCode::TopicAliasInvalid, message);
            return None;
        }
        if publish.topic.is_empty() {
            match self.aliases_in.get(&alias.get()) {
                Some(topic) => Some(topic.clone()),
                None => {
                    let message = format!("Topic Alias {alias} with an empty topic, but no mapping exists [v5 §3.3.4]");
                    self.fail(now, ReasonCode::ProtocolError, message);
                    None
                }
            }
        } else {
            self.aliases_in.insert(alias.get(), publish.topic.clone());
            Some(publish.topic.clone())
        }
    }

    /// Hands a message to the application and starts its subscriber-side flow.
    fn deliver(
        &mut self,
        now: u64,
        publish: &Publish,
        topic: Topic,
        possible_duplicate: bool,
    ) -> FlowId {
        let flow = self.new_flow();
        if self.tracing() {
            let (grants, copies) = self.grants_for(publish, &topic);
            self.trace.push(TraceEvent::Flow(FlowEvent::Started {
                flow,
                time: now,
                role: FlowRole::Subscriber,
                topic: topic.clone(),
                payload: publish.payload.clone(),
                qos: publish.qos(),
                retain: publish.retain,
                grants,
                copies,
                server_maximum_qos: None,
                possible_duplicate,
            }));
            if let Some(pid) = publish.qos_pid.pid() {
                self.trace
                    .push(TraceEvent::Flow(FlowEvent::Identified { flow, pid }));
            }
        }
        self.flow_step(
            now,
            flow,
            Some(Direction::Incoming),
            StepKind::Publish { dup: publish.dup },
        );
        self.flow_step(now, flow, None, StepKind::Delivered);
        self.events.push_back(Event::Message(Message {
            topic,
            payload: publish.payload.clone(),
            qos: publish.qos(),
            retain: publish.retain,
            dup: publish.dup,
            possible_duplicate,
            properties: publish.properties.clone(),
            flow,
        }));
        flow
    }

    /// The grants a delivered copy of a message on `topic` is judged against, highest first,
    /// and how many copies of one message the broker may send. 3.1.1: one copy, at the highest
    /// grant of the matching subscriptions [v3 MQTT-3.3.5-1]. 5.0: one copy per matching
    /// subscription, each at its own grant, is allowed [v5 MQTT-3.3.4-2]; a copy that carries
    /// Subscription Identifiers belongs to those subscriptions [v5 MQTT-3.3.4-3], one without
    /// to any matching one.
    fn grants_for(&self, publish: &Publish, topic: &str) -> (Vec<QoS>, u16) {
        let matching: Vec<(&str, QoS)> = self
            .subscriptions
            .values()
            .filter(|record| crate::topic::matches(&record.filter, topic))
            .filter_map(|record| match record.outcome {
                Some(Ok(granted)) => Some((record.filter.as_str(), granted)),
                _ => None,
            })
            .collect();
        let highest = matching.iter().map(|(_, granted)| *granted).max();
        if self.options.version == ProtocolVersion::V311 || matching.len() <= 1 {
            return (highest.into_iter().collect(), 1);
        }
        let ids = &publish.properties.subscription_identifiers;
        let named: Vec<QoS> = matching
            .iter()
            .filter(|(filter, _)| {
                self.subscription_ids
                    .get(*filter)
                    .is_some_and(|id| ids.contains(id))
            })
            .map(|(_, granted)| *granted)
            .collect();
        let mut grants = if named.is_empty() {
            matching.iter().map(|(_, granted)| *granted).collect()
        } else {
            named
        };
        grants.sort_unstable_by(|a, b| b.cmp(a));
        grants.dedup();
        (grants, u16::try_from(matching.len()).unwrap_or(u16::MAX))
    }

    fn send_ack(&mut self, now: u64, kind: PacketType, pid: Pid, reason: ReasonCode, flow: FlowId) {
        let ack = Ack::with_reason(pid, reason);
        let packet = match kind {
            PacketType::PubAck => Packet::PubAck(ack),
            PacketType::PubRec => Packet::PubRec(ack),
            PacketType::PubRel => Packet::PubRel(ack),
            _ => Packet::PubComp(ack),
        };
        self.send(now, packet, Some(flow));
        self.flow_step(
            now,
            flow,
            Some(Direction::Outgoing),
            StepKind::Ack {
                packet: kind,
                reason,
            },
        );
    }

    fn ack_step(&mut self, now: u64, flow: FlowId, kind: PacketType, ack: &Ack) {
        self.flow_step(
            now,
            flow,
            Some(Direction::Incoming),
            StepKind::Ack {
                packet: kind,
                reason: ack.reason,
            },
        );
    }

    /// Finishes an outgoing flow: frees its id and a unit of quota, reports the outcome. A
    /// PUBCOMP ends a delivered message whatever its code: the server has owned the message since
    /// PUBREC, and 0x92 only says it already forgot the id (a re-sent PUBREL).
    fn complete(&mut self, now: u64, pid: Pid, kind: PacketType, ack: &Ack) {
        let Some(entry) = self.outgoing.remove(pid) else {
            return;
        };
        self.send_quota = self
            .send_quota
            .saturating_add(1)
            .min(self.server.receive_maximum);
        if ack.reason.is_failure() && kind != PacketType::PubComp {
            self.publish_failed(
                now,
                entry.flow,
                ack.reason,
                ack.properties.reason_string.clone(),
            );
        } else {
            self.events.push_back(Event::Published {
                flow: entry.flow,
                reason: ack.reason,
            });
            self.flow_finished(now, entry.flow, FlowState::Complete);
        }
        self.flush(now);
    }

    fn wrong_ack(&mut self, now: u64, kind: PacketType, pid: Pid, stage: AckStage) {
        let waiting = match stage {
            AckStage::AwaitPubAck => "a QoS 1 flow awaiting PUBACK",
            AckStage::AwaitPubRec => "a QoS 2 flow awaiting PUBREC",
            AckStage::AwaitPubComp => "a QoS 2 flow awaiting PUBCOMP",
        };
        let rule = match stage {
            AckStage::AwaitPubAck => "[v3 MQTT-4.3.2-1, v5 MQTT-4.3.2-1]",
            _ => "[v3 MQTT-4.3.3-1, v5 MQTT-4.3.3-1]",
        };
        let message = format!("{kind} for packet id {pid}, which is {waiting} {rule}");
        self.fail(now, ReasonCode::ProtocolError, message);
    }

    fn handle_puback(&mut self, now: u64, ack: &Ack) -> Option<FlowId> {
        // Unknown ids are ignored: a late ack after a resend, which the spec does not make an error.
        let (stage, flow) = self
            .outgoing
            .get_mut(ack.pid)
            .map(|entry| (entry.stage, entry.flow))?;
        if stage != AckStage::AwaitPubAck {
            self.wrong_ack(now, PacketType::PubAck, ack.pid, stage);
            return None;
        }
        self.ack_step(now, flow, PacketType::PubAck, ack);
        self.complete(now, ack.pid, PacketType::PubAck, ack);
        Some(flow)
    }

    fn handle_pubrec(&mut self, now: u64, ack: &Ack) -> Option<FlowId> {
        let Some((stage, flow)) = self
            .outgoing
            .get_mut(ack.pid)
            .map(|entry| (entry.stage, entry.flow))
        else {
            // Answer an unknown PUBREC with PUBREL so the server can finish (v5: 0x92).
            let reason = match self.options.version {
                ProtocolVersion::V5 => ReasonCode::PacketIdentifierNotFound,
                ProtocolVersion::V311 => ReasonCode::Success,
            };
            self.send(now, Packet::PubRel(Ack::with_reason(ack.pid, reason)), None);
            return None;
        };
        match stage {
            AckStage::AwaitPubAck => {
                self.wrong_ack(now, PacketType::PubRec, ack.pid, stage);
                return None;
            }
            AckStage::AwaitPubRec if ack.reason.is_failure() => {
                // [v5 MQTT-4.3.3-4]: a failing PUBREC ends the flow; no PUBREL.
                self.ack_step(now, flow, PacketType::PubRec, ack);
                self.complete(now, ack.pid, PacketType::PubRec, ack);
                return Some(flow);
            }
            AckStage::AwaitPubRec => {
                self.ack_step(now, flow, PacketType::PubRec, ack);
                let keep = self.options.republish_unconfirmed;
                if let Some(entry) = self.outgoing.get_mut(ack.pid) {
                    entry.stage = AckStage::AwaitPubComp;
                    // The server owns the message now; only the id is needed ([MQTT-4.3.3-1]),
                    // unless it is to be published again should the session be lost.
                    if !keep {
                        entry.publish.payload = bytes::Bytes::new();
                    }
                }
            }
            AckStage::AwaitPubComp => self.ack_step(now, flow, PacketType::PubRec, ack),
        }
        self.send_ack(now, PacketType::PubRel, ack.pid, ReasonCode::Success, flow);
        self.outgoing.mark_sent(ack.pid, now);
        Some(flow)
    }

    fn handle_pubrel(&mut self, now: u64, ack: &Ack) -> Option<FlowId> {
        match self.incoming_qos2.remove(&ack.pid) {
            Some(flow) => {
                self.ack_step(now, flow, PacketType::PubRel, ack);
                self.send_ack(now, PacketType::PubComp, ack.pid, ReasonCode::Success, flow);
                self.flow_finished(now, flow, FlowState::Complete);
                Some(flow)
            }
            None => {
                // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11]: PUBCOMP even for an unknown id.
                let reason = match self.options.version {
                    ProtocolVersion::V5 => ReasonCode::PacketIdentifierNotFound,
                    ProtocolVersion::V311 => ReasonCode::Success,
                };
                self.send(
                    now,
                    Packet::PubComp(Ack::with_reason(ack.pid, reason)),
                    None,
                );
                None
            }
        }
    }

    fn handle_pubcomp(&mut self, now: u64, ack: &Ack) -> Option<FlowId> {
        let (stage, flow) = self
            .outgoing
            .get_mut(ack.pid)
            .map(|entry| (entry.stage, entry.flow))?;
        if stage != AckStage::AwaitPubComp {
            self.wrong_ack(now, PacketType::PubComp, ack.pid, stage);
            return None;
        }
        self.ack_step(now, flow, PacketType::PubComp, ack);
        self.complete(now, ack.pid, PacketType::PubComp, ack);
        Some(flow)
    }

    /// Takes the request an acknowledgement answers, after checking that it exists, is of the
    /// right kind and gets one code per filter ([v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6],
    /// [v5 MQTT-3.11.3-1]). On a mismatch the request stays pending for the next connection.
    fn take_request(
        &mut self,
        now: u64,
        ack: PacketType,
        pid: Pid,
        codes: Option<usize>,
    ) -> Option<Request> {
        let filters = match (self.requests.get(&pid), ack) {
            (Some(Request::Subscribe(subscribe)), PacketType::SubAck) => {
                subscribe.subscriptions.len()
            }
            (Some(Request::Unsubscribe(unsubscribe)), PacketType::UnsubAck) => {
                unsubscribe.filters.len()
            }
            _ => {
                let message = format!("{ack} for packet id {pid}, which is no request of ours awaiting it [v3 MQTT-2.3.1-7, v5 MQTT-2.2.1-6]");
                self.fail(now, ReasonCode::ProtocolError, message);
                return None;
            }
        };
        if let Some(codes) = codes.filter(|codes| *codes != filters) {
            let message = format!("{ack} has {codes} codes for {filters} filters [v3 MQTT-3.8.4-5, v5 MQTT-3.8.4-6, v5 MQTT-3.11.3-1]");
            self.fail(now, ReasonCode::ProtocolError, message);
            return None;
        }
        self.requests.remove(&pid)
    }

    fn handle_suback(&mut self, now: u64, suback: &SubAck) {
        let Some(Request::Subscribe(subscribe)) = self.take_request(
            now,
            PacketType::SubAck,
            suback.pid,
            Some(suback.reasons.len()),
        ) else {
            return;
        };
        let mut results = Vec::with_capacity(suback.reasons.len());
        for (subscription, &code) in subscribe.subscriptions.iter().zip(&suback.reasons) {
            let outcome = code.granted_qos().ok_or(code);
            if let Some(record) = self.subscriptions.get_mut(&subscription.filter) {
                record.outcome = Some(outcome);
            }
            results.push(SubscribeResult {
                filter: subscription.filter.clone(),
                requested: subscription.options.qos,
                outcome,
            });
        }
        self.events.push_back(Event::Subscribed {
            pid: suback.pid,
            results,
        });
    }

    fn handle_unsuback(&mut self, now: u64, unsuback: &UnsubAck) {
        let codes = (self.options.version == ProtocolVersion::V5).then_some(unsuback.reasons.len());
        let Some(Request::Unsubscribe(unsubscribe)) =
            self.take_request(now, PacketType::UnsubAck, unsuback.pid, codes)
        else {
            return;
        };
        for (index, filter) in unsubscribe.filters.iter().enumerate() {
            let failed = unsuback
                .reasons
                .get(index)
                .is_some_and(|code| code.is_failure());
            if !failed {
                self.subscriptions.remove(filter);
            }
        }
        self.events.push_back(Event::Unsubscribed {
            pid: unsuback.pid,
            filters: unsubscribe.filters,
            reasons: unsuback.reasons.clone(),
        });
    }
}
