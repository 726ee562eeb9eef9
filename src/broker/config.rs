//! What the simulated broker allows, with Mosquitto 2.0's defaults where Mosquitto has one.

use serde::{Deserialize, Serialize};

use crate::codec::QoS;

/// Broker settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerConfig {
    /// The highest QoS granted to a subscription (a lesson can set 1 to show a downgrade).
    pub granted_qos_cap: QoS,
    /// v5 CONNACK Maximum QoS: the highest QoS clients may publish with (`None` = 2, not sent).
    pub maximum_qos: Option<QoS>,
    /// QoS 1/2 messages in flight to one client at a time (Mosquitto `max_inflight_messages`).
    pub max_inflight: u16,
    /// Messages queued for one client beyond its in-flight window (Mosquitto `max_queued_messages`).
    pub max_queued: usize,
    /// v5 CONNACK Topic Alias Maximum (Mosquitto `max_topic_alias`).
    pub topic_alias_maximum: u16,
    /// v5 CONNACK Receive Maximum: QoS 1/2 messages a client may have in flight to us.
    pub receive_maximum: u16,
    /// Whether retained messages are supported (v5 CONNACK Retain Available).
    pub retain_available: bool,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            granted_qos_cap: QoS::ExactlyOnce,
            maximum_qos: None,
            max_inflight: 20,
            max_queued: 1000,
            topic_alias_maximum: 10,
            receive_maximum: 20,
            retain_available: true,
        }
    }
}
