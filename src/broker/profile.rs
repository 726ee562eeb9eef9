//! Named sets of capabilities for the simulated broker: each imitates what a compliant broker
//! may declare or do (v5 §3.2.2.3; a lower grant, v3 §3.8.4), so the broker check can be shown to judge
//! every one of them without a false alarm.

use super::BrokerConfig;
use crate::codec::QoS;

/// A named broker configuration.
#[derive(Debug, Clone, Copy)]
pub struct BrokerProfile {
    /// The name settings screens and `--profile` use.
    pub name: &'static str,
    change: fn(&mut BrokerConfig),
}

impl BrokerProfile {
    /// Every profile; the first is the default configuration.
    pub const ALL: &'static [BrokerProfile] = &[
        BrokerProfile {
            name: "Mosquitto defaults",
            change: |_| {},
        },
        BrokerProfile {
            name: "speaks 3.1.1 only",
            change: |config| config.speaks_v5 = false,
        },
        BrokerProfile {
            name: "Maximum QoS 0",
            change: |config| config.maximum_qos = Some(QoS::AtMostOnce),
        },
        BrokerProfile {
            name: "Maximum QoS 1",
            change: |config| config.maximum_qos = Some(QoS::AtLeastOnce),
        },
        BrokerProfile {
            name: "grants at most QoS 1",
            change: |config| config.granted_qos_cap = QoS::AtLeastOnce,
        },
        BrokerProfile {
            name: "Retain Available 0",
            change: |config| config.retain_available = false,
        },
        BrokerProfile {
            name: "no wildcard subscriptions",
            change: |config| config.wildcard_available = false,
        },
        BrokerProfile {
            name: "no Subscription Identifiers",
            change: |config| config.subscription_identifiers_available = false,
        },
        BrokerProfile {
            name: "Server Keep Alive 5 s",
            change: |config| config.server_keep_alive = Some(5),
        },
        BrokerProfile {
            name: "small limits",
            change: |config| {
                config.receive_maximum = 2;
                config.topic_alias_maximum = 1;
                config.maximum_packet_size = Some(64 * 1024);
            },
        },
        BrokerProfile {
            name: "refuses empty client ids",
            change: |config| config.zero_length_client_id = false,
        },
    ];

    /// The profile called `name`.
    pub fn find(name: &str) -> Option<&'static BrokerProfile> {
        BrokerProfile::ALL
            .iter()
            .find(|profile| profile.name == name)
    }

    /// The configuration: the defaults with this profile's change.
    pub fn config(&self) -> BrokerConfig {
        let mut config = BrokerConfig::default();
        (self.change)(&mut config);
        config
    }
}
