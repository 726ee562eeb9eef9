//! What sessions and links report: packets with their bytes and fate, and message flow events.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::ClientTag;
use crate::codec::{Packet, Pid, QoS, ReasonCode, Topic};

/// Identifies one message's flow at one client: the client's tag and a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlowId {
    /// The client (session) that owns the flow.
    pub client: ClientTag,
    /// Per-client counter.
    pub index: u32,
}

/// Which way a packet goes on a client's connection, seen from the client: the trace's
/// direction of a packet and the simulated link's direction alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    /// Client to broker.
    Outgoing,
    /// Broker to client.
    Incoming,
}

/// What happened to a packet on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PacketFate {
    /// On the (simulated) link, not yet arrived.
    InTransit,
    /// Sent or received.
    Delivered,
    /// Lost on the link (simulated loss or a cut connection).
    Dropped,
    /// Held on the link until released or dropped.
    Held,
}

/// One packet in the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PacketRecord {
    /// Unique within one trace, increasing in the order packets were recorded.
    pub id: u64,
    /// When it was sent (or, for a live connection, sent or received), in ms on the caller's clock.
    pub time: u64,
    /// When it arrived, where the simulated link knows it.
    pub arrival: Option<u64>,
    /// The client the packet belongs to.
    pub client: ClientTag,
    /// Connection number within that client (1 for the first, +1 on each reconnect).
    pub connection: u32,
    /// Direction.
    pub direction: Direction,
    /// The decoded packet, or why it could not be decoded.
    pub packet: Result<Packet, String>,
    /// Bytes on the wire.
    pub raw: Bytes,
    /// Delivered, dropped or held.
    pub fate: PacketFate,
    /// The message flow the packet belongs to, if any.
    pub flow: Option<FlowId>,
}

/// Which side of a message a flow describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlowRole {
    /// Our client published the message.
    Publisher,
    /// Our client received the message.
    Subscriber,
}

/// A step in a message's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StepKind {
    /// PUBLISH sent or received (`dup` as on the wire).
    Publish {
        /// The DUP flag.
        dup: bool,
    },
    /// PUBACK, PUBREC, PUBREL or PUBCOMP sent or received.
    Ack {
        /// Which ack, as its packet type.
        packet: crate::codec::PacketType,
        /// Its reason code.
        reason: ReasonCode,
    },
    /// Handed to the application.
    Delivered,
    /// A repeated QoS 2 PUBLISH that was acknowledged but not delivered again.
    DuplicateSuppressed,
    /// Waiting for a connection or for send quota.
    Queued,
}

/// A change in a message's flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FlowEvent {
    /// A new message: published by our client or received by it.
    Started {
        /// Flow.
        flow: FlowId,
        /// Time.
        time: u64,
        /// Publisher or subscriber side.
        role: FlowRole,
        /// Topic name.
        topic: Topic,
        /// Payload.
        payload: Bytes,
        /// QoS of the PUBLISH on this hop.
        qos: QoS,
        /// RETAIN flag of the PUBLISH on this hop.
        retain: bool,
        /// Subscriber side: the QoS granted to each of our subscriptions this copy may belong
        /// to (those its Subscription Identifiers name, else every matching one; in 3.1.1 the
        /// highest), highest first; empty before SUBACK.
        #[serde(default)]
        grants: Vec<QoS>,
        /// Subscriber side: how many copies of one message the broker may send us (one per
        /// matching subscription in 5.0, [v5 MQTT-3.3.4-2]; one in 3.1.1).
        #[serde(default)]
        copies: u16,
        /// Publisher side: the server's Maximum QoS (v5 CONNACK; QoS 2 when absent).
        server_maximum_qos: Option<QoS>,
        /// Subscriber side: the PUBLISH was a QoS 1 repeat (DUP) of one already delivered.
        possible_duplicate: bool,
    },
    /// The flow got a packet identifier (when it left the queue).
    Identified {
        /// Flow.
        flow: FlowId,
        /// Packet identifier.
        pid: Pid,
    },
    /// A step happened.
    Step {
        /// Flow.
        flow: FlowId,
        /// Time.
        time: u64,
        /// Direction of the packet, if the step is a packet.
        direction: Option<Direction>,
        /// What happened.
        kind: StepKind,
    },
    /// The flow reached a final state.
    Finished {
        /// Flow.
        flow: FlowId,
        /// Time.
        time: u64,
        /// How it ended.
        state: super::FlowState,
    },
}

impl FlowEvent {
    /// The flow this event is about.
    pub fn flow(&self) -> FlowId {
        match self {
            FlowEvent::Started { flow, .. }
            | FlowEvent::Identified { flow, .. }
            | FlowEvent::Step { flow, .. }
            | FlowEvent::Finished { flow, .. } => *flow,
        }
    }
}

/// Everything a trace records.
// Packets are the common case; boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TraceEvent {
    /// A packet on the wire.
    Packet(PacketRecord),
    /// A packet already recorded arrived, was dropped or released (simulated links).
    PacketUpdate {
        /// The packet's id.
        id: u64,
        /// When.
        time: u64,
        /// Its new fate.
        fate: PacketFate,
        /// The flow, once the receiving session has placed the packet.
        flow: Option<FlowId>,
    },
    /// A message flow changed.
    Flow(FlowEvent),
    /// Something worth telling that is not a packet: a broker closing a connection for a
    /// broken rule, a will published, a session lost.
    Note(Note),
}

/// A line of narration in the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// When.
    pub time: u64,
    /// The client it concerns, if any.
    pub client: Option<ClientTag>,
    /// What happened, with the rule's normative id where one applies.
    pub text: String,
}
