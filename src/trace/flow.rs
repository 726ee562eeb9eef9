//! A message's life at one client, assembled from flow events.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::event::{Direction, FlowId, FlowRole, StepKind};
use crate::codec::{Pid, QoS, ReasonCode, Topic};

/// How a flow ended, or that it has not yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlowState {
    /// Still in flight (or queued).
    InFlight,
    /// The QoS exchange finished.
    Complete,
    /// The broker refused it with a reason code of 0x80 or above (v5).
    Failed(ReasonCode),
    /// Its PUBLISH was lost and nothing will send it again (QoS 0 on a lossy link).
    Lost,
    /// Subscriber side: a copy of a message this client had already received (QoS 1 re-sends).
    Duplicated,
    /// Publisher side: the session was lost after the broker acknowledged receipt (PUBREC);
    /// whether the message was delivered cannot be known.
    Unknown,
}

/// One step with its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStep {
    /// Milliseconds.
    pub time: u64,
    /// Packet direction, for packet steps.
    pub direction: Option<Direction>,
    /// What happened.
    pub kind: StepKind,
}

/// One message as seen by one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRecord {
    /// Identity.
    pub id: FlowId,
    /// Publisher or subscriber side.
    pub role: FlowRole,
    /// Topic name.
    pub topic: Topic,
    /// Payload.
    pub payload: Bytes,
    /// Packet identifier, once assigned (QoS 1 and 2).
    pub pid: Option<Pid>,
    /// QoS of the PUBLISH on this hop: the publish QoS on the publisher side, the delivered QoS
    /// on the subscriber side.
    pub qos: QoS,
    /// RETAIN flag on this hop.
    pub retain: bool,
    /// Subscriber side: the grants of the subscriptions this copy may belong to, highest first
    /// (see [`super::FlowEvent::Started`]).
    pub grants: Vec<QoS>,
    /// Subscriber side: copies of one message the broker may send (one per matching
    /// subscription in 5.0).
    pub copies: u16,
    /// Publisher side: the server's Maximum QoS.
    pub server_maximum_qos: Option<QoS>,
    /// Subscriber side: a QoS 1 repeat of a message already delivered.
    pub possible_duplicate: bool,
    /// Steps in time order.
    pub steps: Vec<FlowStep>,
    /// PUBLISH or PUBREL packets sent again.
    pub retransmissions: u32,
    /// Final state, or in flight.
    pub state: FlowState,
    /// Start time.
    pub started: u64,
    /// End time, once finished.
    pub finished: Option<u64>,
    /// Publisher side: the subscriber flows of the same message; subscriber side: the publisher
    /// flow, when both clients are ours.
    pub linked: Vec<FlowId>,
    /// Subscriber side: this client had already received the linked message.
    pub repeat: bool,
}

impl FlowRecord {
    /// Subscriber side, once linked: the QoS the copy should have arrived with, min(publish
    /// QoS, granted QoS, server Maximum QoS) ([MQTT-3.8.4-6] v3, [v5 MQTT-3.8.4-8]), and the
    /// grant it was judged against: the subscription whose grant explains the delivered QoS,
    /// else the highest (the copy is then at the wrong QoS).
    pub fn expected_qos(&self, publisher: &FlowRecord) -> Option<(QoS, QoS)> {
        let highest = *self.grants.first()?;
        let publish = publisher
            .qos
            .min(publisher.server_maximum_qos.unwrap_or(QoS::ExactlyOnce));
        let granted = self
            .grants
            .iter()
            .copied()
            .find(|granted| publish.min(*granted) == self.qos)
            .unwrap_or(highest);
        Some((publish.min(granted), granted))
    }

    /// Times the application received this message (1, or more for QoS 1 duplicates).
    pub fn deliveries(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| step.kind == StepKind::Delivered)
            .count()
    }
}
