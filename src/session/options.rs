//! What a session is asked to do: connect options and publish requests.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::codec::{Properties, ProtocolVersion, QoS, Topic, Will};

/// How the client connects, with every CONNECT field of both versions, plus client behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectOptions {
    /// MQTT 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Client Identifier; empty asks the server to assign one (v5, or v3 with clean start).
    pub client_id: String,
    /// v3 CleanSession / v5 Clean Start for the first connection. Reconnects always resume
    /// (clean start 0) so that in-flight messages can be completed.
    pub clean_start: bool,
    /// Keep Alive in seconds (0 turns it off).
    pub keep_alive: u16,
    /// User Name.
    pub username: Option<String>,
    /// Password.
    pub password: Option<Bytes>,
    /// The Will.
    pub will: Option<Will>,
    /// CONNECT properties (v5): Session Expiry Interval, Receive Maximum, Maximum Packet Size,
    /// Topic Alias Maximum, user properties and the rest.
    pub properties: Properties,
    /// How long to wait for CONNACK, and for PINGRESP, before declaring the connection lost (ms).
    pub response_timeout_ms: u64,
    /// Teaching only: re-send an unacknowledged PUBLISH (DUP=1) or PUBREL after this many ms on
    /// the same connection. Off by default: v5 forbids re-sending except on reconnect
    /// ([v5 MQTT-4.4.0-1]).
    pub retry_interval_ms: Option<u64>,
    /// Replace repeated topics with topic aliases (v5, when the server allows them).
    pub auto_topic_alias: bool,
    /// When the server has lost the session (Session Present 0 after a resume), queue unfinished
    /// outgoing messages again as new ones instead of dropping them, and re-subscribe.
    pub recover_lost_session: bool,
    /// When the session is lost after a QoS 2 PUBREC, the broker had the message but may not
    /// have delivered it (a broker that forwards on PUBREL, as Mosquitto does, never will):
    /// `true` publishes it again as a new message (at least once: never lost, perhaps twice);
    /// `false`, the default, reports its outcome as unknown and does not send it again, so
    /// nothing is delivered twice and nothing is claimed. Keeping the payload until PUBCOMP is
    /// the cost of `true`.
    #[serde(default)]
    pub republish_unconfirmed: bool,
    /// Record trace events (packets with their bytes, message flows). Builds without the `trace`
    /// feature record nothing whatever this says.
    pub trace: bool,
}

impl ConnectOptions {
    /// Defaults: clean start, keep alive 60 s, 30 s response timeout, tracing on.
    pub fn new(version: ProtocolVersion, client_id: impl Into<String>) -> ConnectOptions {
        ConnectOptions {
            version,
            client_id: client_id.into(),
            clean_start: true,
            keep_alive: 60,
            username: None,
            password: None,
            will: None,
            properties: Properties::default(),
            response_timeout_ms: 30_000,
            retry_interval_ms: None,
            auto_topic_alias: false,
            recover_lost_session: true,
            republish_unconfirmed: false,
            trace: true,
        }
    }

    /// A session that outlives its connection, so a reconnect resumes it: v3 CleanSession 0
    /// [v3 MQTT-3.1.2-4]; v5 Clean Start 0 with a Session Expiry Interval of
    /// `session_expiry_secs`, without which the session ends with the connection
    /// [v5 MQTT-3.1.2-23].
    pub fn persistent(
        version: ProtocolVersion,
        client_id: impl Into<String>,
        session_expiry_secs: u32,
    ) -> ConnectOptions {
        let mut options = ConnectOptions::new(version, client_id);
        options.clean_start = false;
        if version == ProtocolVersion::V5 {
            options.properties.session_expiry_interval = Some(session_expiry_secs);
        }
        options
    }
}

/// A message the application wants to publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishRequest {
    /// Topic Name.
    pub topic: Topic,
    /// Payload.
    pub payload: Bytes,
    /// QoS.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// PUBLISH properties (v5).
    pub properties: Properties,
}

impl PublishRequest {
    /// A non-retained message without properties.
    pub fn new(topic: impl Into<Topic>, payload: impl Into<Bytes>, qos: QoS) -> PublishRequest {
        PublishRequest {
            topic: topic.into(),
            payload: payload.into(),
            qos,
            retain: false,
            properties: Properties::default(),
        }
    }
}
