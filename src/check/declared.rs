//! What a broker declared about itself (5.0 CONNACK properties, v5 §3.2.2.3) or showed (the QoS
//! its SUBACK grants to a QoS 2 subscription, which it may lower, v3 §3.8.4, v5 §3.8.4). Read
//! once per protocol version before the checks, it is what every check judges against: a check
//! that cannot apply is skipped with the declared limit as its reason, never failed.

use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use crate::codec::{Properties, QoS};

/// A broker's capabilities for one protocol version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declared {
    /// Why the version cannot be checked at all (the broker does not speak it), if so.
    pub unsupported: Option<String>,
    /// CONNACK Maximum QoS (absent: 2).
    pub maximum_qos: Option<QoS>,
    /// CONNACK Retain Available (absent: 1).
    pub retain_available: Option<bool>,
    /// CONNACK Wildcard Subscription Available (absent: 1).
    pub wildcard_available: Option<bool>,
    /// CONNACK Subscription Identifiers Available (absent: 1).
    pub subscription_identifiers_available: Option<bool>,
    /// CONNACK Shared Subscription Available (absent: 1).
    pub shared_subscriptions_available: Option<bool>,
    /// CONNACK Server Keep Alive, in seconds.
    pub server_keep_alive: Option<u16>,
    /// CONNACK Receive Maximum.
    pub receive_maximum: Option<u16>,
    /// CONNACK Topic Alias Maximum.
    pub topic_alias_maximum: Option<u16>,
    /// CONNACK Maximum Packet Size.
    pub maximum_packet_size: Option<u32>,
    /// The QoS SUBACK granted to a QoS 2 subscription.
    pub granted_for_qos2: Option<QoS>,
    /// The limits were found by trying, not declared (3.1.1 has no CONNACK properties).
    pub probed: bool,
}

impl Declared {
    /// What a CONNACK's properties declare.
    pub fn from_connack(properties: &Properties) -> Declared {
        Declared {
            unsupported: None,
            maximum_qos: properties.maximum_qos,
            retain_available: properties.retain_available,
            wildcard_available: properties.wildcard_subscription_available,
            subscription_identifiers_available: properties.subscription_identifier_available,
            shared_subscriptions_available: properties.shared_subscription_available,
            server_keep_alive: properties.server_keep_alive,
            receive_maximum: properties.receive_maximum.map(|max| max.get()),
            topic_alias_maximum: properties.topic_alias_maximum,
            maximum_packet_size: properties.maximum_packet_size.map(|max| max.get()),
            granted_for_qos2: None,
            probed: false,
        }
    }

    /// For a version the broker does not speak.
    pub fn unsupported(why: impl Into<String>) -> Declared {
        Declared {
            unsupported: Some(why.into()),
            ..Declared::default()
        }
    }

    /// The declarations, one phrase each, for the top of a report ("Maximum QoS 1").
    pub fn phrases(&self) -> Vec<String> {
        if let Some(why) = &self.unsupported {
            return vec![format!("not supported: {why}")];
        }
        let flag =
            |name: &str, value: Option<bool>| value.map(|on| format!("{name} {}", u8::from(on)));
        let found = if self.probed {
            " (found by trying)"
        } else {
            ""
        };
        [
            self.maximum_qos
                .map(|qos| format!("Maximum QoS {}{found}", qos.as_u8())),
            flag("Retain Available", self.retain_available).map(|text| text + found),
            flag("Wildcard Subscription Available", self.wildcard_available),
            flag(
                "Subscription Identifiers Available",
                self.subscription_identifiers_available,
            ),
            flag(
                "Shared Subscription Available",
                self.shared_subscriptions_available,
            ),
            self.server_keep_alive
                .map(|seconds| format!("Server Keep Alive {seconds} s")),
            self.receive_maximum
                .map(|max| format!("Receive Maximum {max}")),
            self.topic_alias_maximum
                .map(|max| format!("Topic Alias Maximum {max}")),
            self.maximum_packet_size
                .map(|max| format!("Maximum Packet Size {max} bytes")),
            self.granted_for_qos2
                .map(|qos| format!("grants QoS {} to a QoS 2 subscription", qos.as_u8())),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The check may publish at `qos`: skipped above the declared Maximum QoS.
    pub fn publish_qos(&self, qos: QoS) -> Result<(), Outcome> {
        match self.maximum_qos {
            Some(maximum) if qos > maximum && self.probed => Err(Outcome::skipped(format!(
                "the broker closes the connection on a QoS {} PUBLISH (3.1.1 cannot declare a Maximum QoS; [MQTT-3.3.5-2] lets a broker refuse a publish so)",
                maximum.as_u8() + 1
            ))),
            Some(maximum) if qos > maximum => Err(Outcome::skipped(format!(
                "the broker declares Maximum QoS {} (CONNACK), so it takes no QoS {} publish",
                maximum.as_u8(),
                qos.as_u8()
            ))),
            _ => Ok(()),
        }
    }

    /// The check needs QoS 2 end to end: a QoS 2 publish and a QoS 2 grant.
    pub fn exactly_once(&self) -> Result<(), Outcome> {
        self.publish_qos(QoS::ExactlyOnce)?;
        match self.granted_for_qos2 {
            Some(granted) if granted < QoS::ExactlyOnce => Err(granted_below_two(granted)),
            _ => Ok(()),
        }
    }

    /// The check uses retained messages.
    pub fn retain(&self) -> Result<(), Outcome> {
        match self.retain_available {
            Some(false) if self.probed => Err(Outcome::skipped(
                "the broker closes the connection on a retained PUBLISH (3.1.1 cannot declare Retain Available; [MQTT-3.3.5-2] lets a broker refuse a publish so)",
            )),
            Some(false) => Err(Outcome::skipped(
                "the broker declares Retain Available 0 (CONNACK)",
            )),
            _ => Ok(()),
        }
    }

    /// The check subscribes with `+` or `#`.
    pub fn wildcards(&self) -> Result<(), Outcome> {
        match self.wildcard_available {
            Some(false) => Err(Outcome::skipped(
                "the broker declares Wildcard Subscription Available 0 (CONNACK)",
            )),
            _ => Ok(()),
        }
    }

    /// The check subscribes with Subscription Identifiers.
    pub fn subscription_identifiers(&self) -> Result<(), Outcome> {
        match self.subscription_identifiers_available {
            Some(false) => Err(Outcome::skipped(
                "the broker declares Subscription Identifiers Available 0 (CONNACK)",
            )),
            _ => Ok(()),
        }
    }

    /// The check sends or receives packets of `size` bytes.
    pub fn packet_size(&self, size: usize) -> Result<(), Outcome> {
        match self.maximum_packet_size {
            Some(maximum) if (maximum as usize) < size => Err(Outcome::skipped(format!(
                "the broker declares Maximum Packet Size {maximum} bytes (CONNACK)"
            ))),
            _ => Ok(()),
        }
    }
}

/// A check needed a QoS 2 grant and got less (allowed: v3 §3.8.4, v5 §3.8.4).
pub fn granted_below_two(granted: QoS) -> Outcome {
    Outcome::skipped(format!(
        "the broker grants QoS {} to a QoS 2 subscription (allowed), so exactly-once delivery cannot be observed",
        granted.as_u8()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;

    #[test]
    fn limits_skip_with_the_declared_limit_as_the_reason() {
        let declared = Declared {
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            granted_for_qos2: Some(QoS::ExactlyOnce),
            ..Declared::default()
        };
        let skipped = declared.exactly_once().unwrap_err();
        assert_eq!(skipped.verdict, Verdict::Skipped);
        assert!(skipped.seen.contains("Maximum QoS 1"), "{}", skipped.seen);
        assert!(declared.publish_qos(QoS::AtLeastOnce).is_ok());
        assert!(declared
            .retain()
            .unwrap_err()
            .seen
            .contains("Retain Available 0"));
        assert!(declared.wildcards().is_ok());
        let granted_one = Declared {
            granted_for_qos2: Some(QoS::AtLeastOnce),
            ..Declared::default()
        };
        assert!(granted_one
            .exactly_once()
            .unwrap_err()
            .seen
            .contains("grants QoS 1"));
        assert_eq!(
            declared.phrases(),
            [
                "Maximum QoS 1",
                "Retain Available 0",
                "grants QoS 2 to a QoS 2 subscription"
            ]
        );
    }
}
