//! Quality of service levels and packet identifiers, typed so that a QoS 0 PUBLISH cannot carry a
//! packet identifier and a QoS 1/2 PUBLISH cannot lack one ([v3 MQTT-2.3.1-5], [v5 MQTT-2.2.1-2]).

use std::fmt;
use std::num::NonZeroU16;

use serde::{Deserialize, Serialize};

use super::PacketType;

/// The delivery guarantee of a message (v3 §4.3, v5 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum QoS {
    /// QoS 0: fire and forget.
    AtMostOnce = 0,
    /// QoS 1: acknowledged with PUBACK, may be duplicated.
    AtLeastOnce = 1,
    /// QoS 2: four-packet handshake, delivered exactly once.
    ExactlyOnce = 2,
}

impl QoS {
    /// All three levels in ascending order.
    pub const ALL: [QoS; 3] = [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce];

    /// The level as it appears on the wire.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// Parses a wire value; 3 and above are not a QoS ([MQTT-3.3.1-4]).
    pub fn from_u8(value: u8) -> Option<QoS> {
        match value {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }

    /// The acknowledgement a sender of a PUBLISH at this QoS waits for: PUBACK for QoS 1, PUBREC
    /// for QoS 2, none for QoS 0 (v3/v5 §4.3).
    pub fn ack_type(self) -> Option<PacketType> {
        match self {
            QoS::AtMostOnce => None,
            QoS::AtLeastOnce => Some(PacketType::PubAck),
            QoS::ExactlyOnce => Some(PacketType::PubRec),
        }
    }

    /// The human name used in the inspector and diagram.
    pub fn describe(self) -> &'static str {
        match self {
            QoS::AtMostOnce => "at most once",
            QoS::AtLeastOnce => "at least once",
            QoS::ExactlyOnce => "exactly once",
        }
    }
}

impl fmt::Display for QoS {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QoS {}", self.as_u8())
    }
}

impl From<QoS> for u8 {
    fn from(qos: QoS) -> u8 {
        qos.as_u8()
    }
}

impl TryFrom<u8> for QoS {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        QoS::from_u8(value).ok_or_else(|| format!("QoS {value} does not exist (0, 1 or 2)"))
    }
}

/// A packet identifier: a non-zero 16-bit number ([v3 MQTT-2.3.1-1], [v5 MQTT-2.2.1-3]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pid(NonZeroU16);

impl Pid {
    /// The first identifier a fresh session hands out.
    pub const FIRST: Pid = Pid(NonZeroU16::MIN);

    /// Returns `None` for 0, which is never a valid packet identifier.
    pub fn new(value: u16) -> Option<Pid> {
        NonZeroU16::new(value).map(Pid)
    }

    /// The identifier as it appears on the wire.
    pub fn get(self) -> u16 {
        self.0.get()
    }

    /// The identifier after this one, wrapping from 65535 to 1 (0 is skipped).
    pub fn next(self) -> Pid {
        Pid(self.0.checked_add(1).unwrap_or(NonZeroU16::MIN))
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

/// The QoS of a PUBLISH together with its packet identifier, present exactly when QoS > 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QosPid {
    /// QoS 0, no packet identifier.
    AtMostOnce,
    /// QoS 1 with its packet identifier.
    AtLeastOnce(Pid),
    /// QoS 2 with its packet identifier.
    ExactlyOnce(Pid),
}

impl QosPid {
    /// Pairs a QoS with a packet identifier; the identifier is ignored for QoS 0.
    pub fn new(qos: QoS, pid: Pid) -> QosPid {
        match qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(pid),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(pid),
        }
    }

    /// The QoS level.
    pub fn qos(self) -> QoS {
        match self {
            QosPid::AtMostOnce => QoS::AtMostOnce,
            QosPid::AtLeastOnce(_) => QoS::AtLeastOnce,
            QosPid::ExactlyOnce(_) => QoS::ExactlyOnce,
        }
    }

    /// The packet identifier, if the QoS has one.
    pub fn pid(self) -> Option<Pid> {
        match self {
            QosPid::AtMostOnce => None,
            QosPid::AtLeastOnce(pid) | QosPid::ExactlyOnce(pid) => Some(pid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_wraps_from_65535_to_1() {
        assert_eq!(Pid::new(65535).unwrap().next(), Pid::FIRST);
        assert_eq!(Pid::new(7).unwrap().next().get(), 8);
        assert_eq!(Pid::new(0), None);
    }

    #[test]
    fn qos_three_is_not_a_qos() {
        assert_eq!(QoS::from_u8(3), None);
        assert_eq!(QoS::from_u8(2), Some(QoS::ExactlyOnce));
    }

    #[test]
    fn each_qos_waits_for_its_own_acknowledgement() {
        assert_eq!(QoS::AtMostOnce.ack_type(), None);
        assert_eq!(QoS::AtLeastOnce.ack_type(), Some(PacketType::PubAck));
        assert_eq!(QoS::ExactlyOnce.ack_type(), Some(PacketType::PubRec));
    }

    #[test]
    fn qos_zero_carries_no_packet_identifier() {
        let pid = Pid::new(9).unwrap();
        assert_eq!(QosPid::new(QoS::AtMostOnce, pid).pid(), None);
        assert_eq!(QosPid::new(QoS::ExactlyOnce, pid).pid(), Some(pid));
    }
}
