//! Sending publishes: the queue, the send quota (v5 Receive Maximum, §4.9), topic aliases,
//! re-sending in original order after a resumed reconnect, and the teaching-only retry timer.

use std::num::NonZeroU16;

use super::outgoing::AckStage;
use super::{Event, Phase, QueuedPublish, Session};
use crate::codec::{Ack, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, ReasonCode, Topic};
use crate::trace::{Direction, FlowId, FlowState, StepKind};

impl Session {
    /// Sends what the quota allows: in-flight entries not yet sent on this connection first, in
    /// their original order ([MQTT-4.6.0-1]), then the queue.
    pub(super) fn flush(&mut self, now: u64) {
        if self.phase != Phase::Connected {
            return;
        }
        if self.outgoing.has_unsent() {
            for pid in self.outgoing.pids_in_order() {
                let Some(entry) = self.outgoing.get_mut(pid) else {
                    continue;
                };
                if entry.sent {
                    continue;
                }
                if entry.stage == AckStage::AwaitPubComp {
                    self.resend(now, pid);
                } else if self.send_quota > 0 {
                    self.send_quota -= 1;
                    self.resend(now, pid);
                }
            }
        }
        while let Some(front) = self.queued.front() {
            let qos = front.request.qos;
            if qos != QoS::AtMostOnce && self.send_quota == 0 {
                break;
            }
            // Limits first, so a refused message does not take a packet identifier.
            if let Err((reason, message)) = self.refusal(&front.request) {
                if let Some(QueuedPublish { flow, .. }) = self.queued.pop_front() {
                    self.publish_failed(now, flow, reason, Some(message));
                }
                continue;
            }
            let pid = if qos == QoS::AtMostOnce {
                None
            } else {
                let outgoing = &self.outgoing;
                let requests = &self.requests;
                match self
                    .pids
                    .allocate(|pid| outgoing.contains(pid) || requests.contains_key(&pid))
                {
                    Some(pid) => Some(pid),
                    None => break,
                }
            };
            let Some(queued) = self.queued.pop_front() else {
                break;
            };
            self.send_new(now, queued, pid);
        }
    }

    /// Why this connection's limits refuse a queued message (they may be stricter than when it
    /// was queued): QoS, retain, or the server's Maximum Packet Size.
    fn refusal(&self, request: &super::PublishRequest) -> Result<(), (ReasonCode, String)> {
        if let Err(error) = self.check_server_limits(request) {
            let reason = match error {
                super::CommandError::RetainNotSupported => ReasonCode::RetainNotSupported,
                _ => ReasonCode::QoSNotSupported,
            };
            return Err((reason, error.to_string()));
        }
        let Some(max) = self.server.maximum_packet_size else {
            return Ok(());
        };
        let publish = Publish {
            dup: false,
            qos_pid: QosPid::new(request.qos, Pid::FIRST),
            retain: request.retain,
            topic: request.topic.clone(),
            payload: request.payload.clone(),
            properties: request.properties.clone(),
        };
        let size = Packet::Publish(publish)
            .encoded_len(self.options.version)
            .unwrap_or(usize::MAX);
        if size > max as usize {
            let message = super::CommandError::PacketTooLarge { size, max }.to_string();
            return Err((ReasonCode::PacketTooLarge, message));
        }
        Ok(())
    }

    fn send_new(&mut self, now: u64, queued: QueuedPublish, pid: Option<Pid>) {
        let QueuedPublish { request, flow } = queued;
        let publish = Publish {
            dup: false,
            qos_pid: QosPid::new(request.qos, pid.unwrap_or(Pid::FIRST)),
            retain: request.retain,
            topic: request.topic,
            payload: request.payload,
            properties: request.properties,
        };
        match pid {
            None => {
                self.send_publish(now, publish, flow, true);
                self.events.push_back(Event::Published {
                    flow,
                    reason: ReasonCode::Success,
                });
                self.flow_finished(now, flow, FlowState::Complete);
            }
            Some(pid) => {
                self.send_quota -= 1;
                if self.tracing() {
                    self.trace.push(crate::trace::TraceEvent::Flow(
                        crate::trace::FlowEvent::Identified { flow, pid },
                    ));
                }
                let stage = if publish.qos() == QoS::AtLeastOnce {
                    AckStage::AwaitPubAck
                } else {
                    AckStage::AwaitPubRec
                };
                self.send_publish(now, publish.clone(), flow, true);
                self.outgoing.insert_sent(pid, publish, stage, flow, now);
            }
        }
    }

    /// Sends an in-flight entry again: PUBLISH with DUP=1 and its full topic, or PUBREL.
    pub(super) fn resend(&mut self, now: u64, pid: Pid) {
        let Some(entry) = self.outgoing.get_mut(pid) else {
            return;
        };
        let flow = entry.flow;
        match entry.stage {
            AckStage::AwaitPubComp => {
                self.send(now, Packet::PubRel(Ack::new(pid)), Some(flow));
                self.flow_step(
                    now,
                    flow,
                    Some(Direction::Outgoing),
                    StepKind::Ack {
                        packet: crate::codec::PacketType::PubRel,
                        reason: ReasonCode::Success,
                    },
                );
            }
            AckStage::AwaitPubAck | AckStage::AwaitPubRec => {
                let mut publish = entry.publish.clone();
                publish.dup = true;
                self.send_publish(now, publish, flow, false);
            }
        }
        self.outgoing.mark_sent(pid, now);
    }

    /// Encodes a PUBLISH, replacing its topic with an alias when allowed (v5 §3.3.2.3.4).
    fn send_publish(&mut self, now: u64, mut publish: Publish, flow: FlowId, may_alias: bool) {
        let dup = publish.dup;
        if may_alias && self.options.auto_topic_alias && self.options.version == ProtocolVersion::V5
        {
            self.apply_alias(&mut publish);
        }
        self.send(now, Packet::Publish(publish), Some(flow));
        self.flow_step(
            now,
            flow,
            Some(Direction::Outgoing),
            StepKind::Publish { dup },
        );
    }

    fn apply_alias(&mut self, publish: &mut Publish) {
        if let Some(&alias) = self.aliases_out.get(&publish.topic) {
            publish.topic = Topic::default();
            publish.properties.topic_alias = Some(alias);
        } else if self.aliases_out.len() < usize::from(self.server.topic_alias_maximum) {
            let next = u16::try_from(self.aliases_out.len() + 1)
                .ok()
                .and_then(NonZeroU16::new);
            if let Some(alias) = next {
                self.aliases_out.insert(publish.topic.clone(), alias);
                publish.properties.topic_alias = Some(alias);
            }
        }
    }

    pub(super) fn publish_failed(
        &mut self,
        now: u64,
        flow: FlowId,
        reason: ReasonCode,
        reason_string: Option<String>,
    ) {
        self.events.push_back(Event::PublishFailed {
            flow,
            reason,
            reason_string,
        });
        self.flow_finished(now, flow, FlowState::Failed(reason));
    }

    /// Teaching-only: re-sends entries unacknowledged for `retry` ms on this connection.
    pub(super) fn retry_due(&mut self, now: u64, retry: u64) {
        for pid in self.outgoing.pids_in_order() {
            let due = self
                .outgoing
                .get_mut(pid)
                .is_some_and(|entry| entry.sent && now >= entry.last_sent + retry);
            if due {
                self.resend(now, pid);
            }
        }
    }
}
