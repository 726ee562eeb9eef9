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
    /// Known broker bugs to imitate, so the broker check can show it catches each one.
    pub faults: BrokerFaults,
}

/// Bug classes real brokers have shipped. All off by default; each one breaks a rule on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BrokerFaults {
    /// Forwards a QoS 2 message on PUBLISH without remembering its packet id, so a DUP=1
    /// re-send is forwarded again (breaks [MQTT-4.3.3-2] v3 / [v5 MQTT-4.3.3-10]).
    pub forwards_qos2_resends: bool,
    /// Takes a PUBACK as the end of an outgoing QoS 2 flow (breaks [MQTT-4.3.3-1]).
    pub accepts_puback_for_qos2: bool,
    /// Delivers at the publish QoS, ignoring the granted QoS (breaks [MQTT-3.8.4-6] v3 /
    /// [v5 MQTT-3.8.4-8]).
    pub delivers_at_publish_qos: bool,
    /// Drops unacknowledged outgoing messages when a session resumes instead of re-sending
    /// them (breaks [MQTT-4.4.0-1]).
    pub forgets_in_flight_on_reconnect: bool,
    /// Sends retained messages to new subscribers with RETAIN 0 (breaks [MQTT-3.3.1-8] v3 /
    /// [v5 MQTT-3.3.1-9]).
    pub drops_retain_flag: bool,
}

/// Switches one fault on.
pub type FaultSwitch = fn(&mut BrokerFaults);

impl BrokerFaults {
    /// Every fault with its name, for settings screens and the check suite's own tests.
    pub const ALL: [(&'static str, FaultSwitch); 5] = [
        ("forwards QoS 2 re-sends", |faults| {
            faults.forwards_qos2_resends = true
        }),
        ("accepts PUBACK for QoS 2", |faults| {
            faults.accepts_puback_for_qos2 = true
        }),
        ("delivers at the publish QoS", |faults| {
            faults.delivers_at_publish_qos = true
        }),
        ("forgets in-flight messages on reconnect", |faults| {
            faults.forgets_in_flight_on_reconnect = true
        }),
        ("drops the retained flag", |faults| {
            faults.drops_retain_flag = true
        }),
    ];
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
            faults: BrokerFaults::default(),
        }
    }
}
