//! What a session reports to the application, and why a command can be refused.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{EncodeError, Pid, Properties, ProtocolVersion, QoS, ReasonCode, Topic};
use crate::topic::TopicError;
use crate::trace::FlowId;

/// A message delivered to the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Topic Name (aliases resolved).
    pub topic: Topic,
    /// Payload.
    pub payload: Bytes,
    /// The QoS it arrived with.
    pub qos: QoS,
    /// RETAIN flag as received.
    pub retain: bool,
    /// DUP flag as received.
    pub dup: bool,
    /// A QoS 1 message that arrived with DUP=1: it may have been delivered before.
    pub possible_duplicate: bool,
    /// PUBLISH properties (v5).
    pub properties: Properties,
    /// The flow in the trace.
    pub flow: FlowId,
}

/// The result of one filter of a SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeResult {
    /// The filter.
    pub filter: String,
    /// The QoS asked for.
    pub requested: QoS,
    /// Granted QoS, or the failure code.
    pub outcome: Result<QoS, ReasonCode>,
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
pub enum LostCause {
    /// The transport closed (the driver says why).
    #[error("connection closed: {0}")]
    TransportClosed(String),
    /// No CONNACK in time.
    #[error("no CONNACK within {0} ms")]
    ConnAckTimeout(u64),
    /// No PINGRESP in time.
    #[error("keep-alive timeout: no PINGRESP within {0} ms [v3 §3.1.2.10, v5 §3.1.2.10]")]
    KeepAliveTimeout(u64),
    /// The server refused the connection.
    #[error("connection refused: {reason}{}", reason_string.as_deref().map(|s| format!(" ({s})")).unwrap_or_default())]
    Refused {
        /// CONNACK reason (v3 return codes are mapped).
        reason: ReasonCode,
        /// v5 Reason String.
        reason_string: Option<String>,
    },
    /// The server does not speak the protocol version we connected with: it answered with the
    /// other version's refusal ([v3 MQTT-3.1.2-2]: 3.1.1 return code 0x01; [v5 MQTT-3.1.2-2]:
    /// 5.0 reason code 0x84), or with this version's own code for it.
    #[error("{}", unsupported_version_message(*.0))]
    UnsupportedVersion(ProtocolVersion),
    /// The transport closed while we waited for CONNACK. A broker that does not speak the
    /// version may close like this instead of answering, so the message says what to try.
    #[error("the connection closed before CONNACK ({reason}); {}", closed_before_connack_hint(*version))]
    ClosedBeforeConnAck {
        /// The version of our CONNECT.
        version: ProtocolVersion,
        /// What the transport said.
        reason: String,
    },
    /// The server sent DISCONNECT (v5).
    #[error("disconnected by the server: {reason}{}", reason_string.as_deref().map(|s| format!(" ({s})")).unwrap_or_default())]
    ServerDisconnect {
        /// Its reason code.
        reason: ReasonCode,
        /// Its Reason String.
        reason_string: Option<String>,
    },
    /// The server broke the protocol; the client closed the connection.
    #[error("protocol error by the server: {0}")]
    ProtocolViolation(String),
    /// The application asked to disconnect.
    #[error("disconnected by the client")]
    ClientDisconnect,
}

impl LostCause {
    /// A stable name for the cause, for programs (the JS API's `error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            LostCause::TransportClosed(_) => "CONNECTION_CLOSED",
            LostCause::ConnAckTimeout(_) => "CONNACK_TIMEOUT",
            LostCause::KeepAliveTimeout(_) => "KEEPALIVE_TIMEOUT",
            LostCause::Refused { .. } => "CONNECTION_REFUSED",
            LostCause::UnsupportedVersion(_) => "UNSUPPORTED_PROTOCOL_VERSION",
            LostCause::ClosedBeforeConnAck { .. } => "CLOSED_BEFORE_CONNACK",
            LostCause::ServerDisconnect { .. } => "SERVER_DISCONNECT",
            LostCause::ProtocolViolation(_) => "PROTOCOL_ERROR",
            LostCause::ClientDisconnect => "CLIENT_DISCONNECT",
        }
    }

    /// The other protocol version, when the cause suggests the broker may speak only that one:
    /// it refused ours as unsupported, or closed before answering our CONNECT.
    pub fn version_to_try(&self) -> Option<ProtocolVersion> {
        match self {
            LostCause::UnsupportedVersion(version)
            | LostCause::ClosedBeforeConnAck { version, .. } => Some(match version {
                ProtocolVersion::V5 => ProtocolVersion::V311,
                ProtocolVersion::V311 => ProtocolVersion::V5,
            }),
            _ => None,
        }
    }

    /// The reason code the server gave, where it gave one.
    pub fn reason_code(&self) -> Option<ReasonCode> {
        match self {
            LostCause::Refused { reason, .. } | LostCause::ServerDisconnect { reason, .. } => {
                Some(*reason)
            }
            LostCause::UnsupportedVersion(_) => Some(ReasonCode::UnsupportedProtocolVersion),
            _ => None,
        }
    }
}

fn unsupported_version_message(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V5 => "the broker does not support MQTT 5.0: it answered with MQTT 3.1.1's 'unacceptable protocol level'; connect with protocolVersion 4",
        ProtocolVersion::V311 => "the broker does not support MQTT 3.1.1: it answered with 'Unsupported Protocol Version'; connect with protocolVersion 5",
    }
}

fn closed_before_connack_hint(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V5 => {
            "if the broker speaks only MQTT 3.1.1, connect with protocolVersion 4"
        }
        ProtocolVersion::V311 => {
            "if the broker speaks only MQTT 5.0, connect with protocolVersion 5"
        }
    }
}

/// What happened, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// CONNACK accepted the connection.
    Connected {
        /// Whether the server resumed the session.
        session_present: bool,
        /// The CONNACK's properties (v5): server limits and capabilities.
        properties: Properties,
    },
    /// The server had no session although we resumed one: in-flight state was dropped
    /// ([v5 MQTT-3.2.2-5]); `requeued` unfinished messages were queued again as new messages.
    SessionLost {
        /// Messages queued again.
        requeued: usize,
    },
    /// A SUBSCRIBE was answered.
    Subscribed {
        /// Its packet identifier.
        pid: Pid,
        /// One result per filter.
        results: Vec<SubscribeResult>,
    },
    /// An UNSUBSCRIBE was answered.
    Unsubscribed {
        /// Its packet identifier.
        pid: Pid,
        /// The filters.
        filters: Vec<String>,
        /// v5 codes per filter (empty in v3).
        reasons: Vec<ReasonCode>,
    },
    /// A message arrived for the application.
    Message(Message),
    /// A publish finished its QoS exchange (QoS 0: written to the transport).
    Published {
        /// The flow.
        flow: FlowId,
        /// Success, or a v5 success code such as 0x10 No matching subscribers.
        reason: ReasonCode,
    },
    /// The server refused a publish (v5 reason code 0x80 or above).
    PublishFailed {
        /// The flow.
        flow: FlowId,
        /// The reason.
        reason: ReasonCode,
        /// The Reason String, if any.
        reason_string: Option<String>,
    },
    /// The session was lost (Session Present 0) after the broker acknowledged receipt of a
    /// QoS 2 publish with PUBREC: whether it was delivered cannot be known, and it is not sent
    /// again (see [`super::ConnectOptions::republish_unconfirmed`]).
    PublishUnknown {
        /// The flow.
        flow: FlowId,
    },
    /// The connection ended; in-flight state is kept for the next one.
    ConnectionLost(LostCause),
}

/// Why a command was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// Invalid topic name or filter.
    #[error(transparent)]
    Topic(#[from] TopicError),
    /// The packet cannot be encoded (too long a field, a property in the wrong place, ...).
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The server's Maximum QoS is lower ([v5 MQTT-3.2.2-11]).
    #[error(
        "the server accepts at most {max} for publishing; asked for {asked} [v5 MQTT-3.2.2-11]"
    )]
    QosNotSupported {
        /// The server's maximum.
        max: QoS,
        /// What was asked.
        asked: QoS,
    },
    /// The server does not support retained messages ([v5 MQTT-3.2.2-14]).
    #[error("the server does not support retained messages [v5 MQTT-3.2.2-14]")]
    RetainNotSupported,
    /// The packet is larger than the server accepts ([v5 MQTT-3.2.2-15]).
    #[error(
        "the packet would be {size} bytes; the server accepts at most {max} [v5 MQTT-3.2.2-15]"
    )]
    PacketTooLarge {
        /// Its size.
        size: usize,
        /// The server's Maximum Packet Size.
        max: u32,
    },
    /// A client must not send a Subscription Identifier in PUBLISH ([v5 MQTT-3.3.4-6]).
    #[error("a client must not send a Subscription Identifier in PUBLISH [v5 MQTT-3.3.4-6]")]
    SubscriptionIdentifierInPublish,
    /// All 65,535 packet identifiers are in use.
    #[error("all 65,535 packet identifiers are in use; wait for acknowledgements")]
    NoPacketIdentifier,
    /// SUBSCRIBE or UNSUBSCRIBE without filters.
    #[error("give at least one topic filter [MQTT-3.8.3-3, MQTT-3.10.3-2]")]
    NoFilters,
}
