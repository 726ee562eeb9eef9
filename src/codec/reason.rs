//! Reason codes (v5 Table 2-6) and the v3 return codes they stand for.
//!
//! One enum serves every packet: 0x00 reads "Success", "Normal disconnection" or "Granted QoS 0"
//! depending on the packet, and [`ReasonCode::allowed_in`] says which codes each packet may carry.
//! v3 CONNACK and SUBACK return codes map one to one onto their v5 equivalents, so a decoded v3
//! packet encodes back to the same bytes.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::packet::PacketType;

macro_rules! reason_codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal, $text:literal, [$($packet:ident),*];)*) => {
        /// An MQTT 5.0 reason code (v5 §2.4, Table 2-6).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(into = "u8", try_from = "u8")]
        #[repr(u8)]
        pub enum ReasonCode {
            $($(#[$doc])* $name = $value,)*
        }

        impl ReasonCode {
            /// Every code, in ascending order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$name,)*];

            /// Parses a wire value; `None` for a value the spec does not define.
            pub fn from_u8(value: u8) -> Option<ReasonCode> {
                match value {
                    $($value => Some(ReasonCode::$name),)*
                    _ => None,
                }
            }

            fn base_name(self) -> &'static str {
                match self {
                    $(ReasonCode::$name => $text,)*
                }
            }

            /// Whether `packet` may carry this code (Table 2-6, Tables 3-1 to 3-13).
            pub fn allowed_in(self, packet: PacketType) -> bool {
                match self {
                    $(ReasonCode::$name => matches!(packet, $(PacketType::$packet)|*),)*
                }
            }
        }
    };
}

reason_codes! {
    /// 0x00: Success, Normal disconnection or Granted QoS 0.
    Success = 0x00, "Success", [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth];
    /// 0x01: Granted QoS 1.
    GrantedQoS1 = 0x01, "Granted QoS 1", [SubAck];
    /// 0x02: Granted QoS 2.
    GrantedQoS2 = 0x02, "Granted QoS 2", [SubAck];
    /// 0x04: the client asks the server to publish its Will.
    DisconnectWithWillMessage = 0x04, "Disconnect with Will Message", [Disconnect];
    /// 0x10: accepted, but nobody is subscribed.
    NoMatchingSubscribers = 0x10, "No matching subscribers", [PubAck, PubRec];
    /// 0x11: UNSUBSCRIBE for a filter that had no subscription.
    NoSubscriptionExisted = 0x11, "No subscription existed", [UnsubAck];
    /// 0x18: enhanced authentication continues.
    ContinueAuthentication = 0x18, "Continue authentication", [Auth];
    /// 0x19: the client starts re-authentication.
    ReAuthenticate = 0x19, "Re-authenticate", [Auth];
    /// 0x80: unspecified error.
    UnspecifiedError = 0x80, "Unspecified error", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    /// 0x81: the packet could not be parsed.
    MalformedPacket = 0x81, "Malformed Packet", [ConnAck, Disconnect];
    /// 0x82: the packet parsed but broke a rule.
    ProtocolError = 0x82, "Protocol Error", [ConnAck, Disconnect];
    /// 0x83: implementation specific error.
    ImplementationSpecificError = 0x83, "Implementation specific error", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    /// 0x84: the server does not speak this protocol version.
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version", [ConnAck];
    /// 0x85: client identifier not valid.
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid", [ConnAck];
    /// 0x86: bad user name or password.
    BadUserNameOrPassword = 0x86, "Bad User Name or Password", [ConnAck];
    /// 0x87: not authorized.
    NotAuthorized = 0x87, "Not authorized", [ConnAck, PubAck, PubRec, SubAck, UnsubAck, Disconnect];
    /// 0x88: server unavailable.
    ServerUnavailable = 0x88, "Server unavailable", [ConnAck];
    /// 0x89: server busy.
    ServerBusy = 0x89, "Server busy", [ConnAck, Disconnect];
    /// 0x8A: banned.
    Banned = 0x8A, "Banned", [ConnAck];
    /// 0x8B: server shutting down.
    ServerShuttingDown = 0x8B, "Server shutting down", [Disconnect];
    /// 0x8C: bad authentication method.
    BadAuthenticationMethod = 0x8C, "Bad authentication method", [ConnAck, Disconnect];
    /// 0x8D: nothing arrived within 1.5 times the keep alive.
    KeepAliveTimeout = 0x8D, "Keep Alive timeout", [Disconnect];
    /// 0x8E: another connection took over the session.
    SessionTakenOver = 0x8E, "Session taken over", [Disconnect];
    /// 0x8F: topic filter invalid.
    TopicFilterInvalid = 0x8F, "Topic Filter invalid", [SubAck, UnsubAck, Disconnect];
    /// 0x90: topic name invalid.
    TopicNameInvalid = 0x90, "Topic Name invalid", [ConnAck, PubAck, PubRec, Disconnect];
    /// 0x91: packet identifier in use.
    PacketIdentifierInUse = 0x91, "Packet Identifier in use", [PubAck, PubRec, SubAck, UnsubAck];
    /// 0x92: packet identifier not found.
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found", [PubRel, PubComp];
    /// 0x93: more QoS 1/2 messages in flight than Receive Maximum.
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded", [Disconnect];
    /// 0x94: topic alias invalid.
    TopicAliasInvalid = 0x94, "Topic Alias invalid", [Disconnect];
    /// 0x95: packet too large.
    PacketTooLarge = 0x95, "Packet too large", [ConnAck, Disconnect];
    /// 0x96: message rate too high.
    MessageRateTooHigh = 0x96, "Message rate too high", [Disconnect];
    /// 0x97: quota exceeded.
    QuotaExceeded = 0x97, "Quota exceeded", [ConnAck, PubAck, PubRec, SubAck, Disconnect];
    /// 0x98: administrative action.
    AdministrativeAction = 0x98, "Administrative action", [Disconnect];
    /// 0x99: payload format invalid.
    PayloadFormatInvalid = 0x99, "Payload format invalid", [ConnAck, PubAck, PubRec, Disconnect];
    /// 0x9A: retain not supported.
    RetainNotSupported = 0x9A, "Retain not supported", [ConnAck, Disconnect];
    /// 0x9B: QoS not supported.
    QoSNotSupported = 0x9B, "QoS not supported", [ConnAck, Disconnect];
    /// 0x9C: use another server.
    UseAnotherServer = 0x9C, "Use another server", [ConnAck, Disconnect];
    /// 0x9D: server moved.
    ServerMoved = 0x9D, "Server moved", [ConnAck, Disconnect];
    /// 0x9E: shared subscriptions not supported.
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported", [SubAck, Disconnect];
    /// 0x9F: connection rate exceeded.
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded", [ConnAck, Disconnect];
    /// 0xA0: maximum connect time.
    MaximumConnectTime = 0xA0, "Maximum connect time", [Disconnect];
    /// 0xA1: subscription identifiers not supported.
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported", [SubAck, Disconnect];
    /// 0xA2: wildcard subscriptions not supported.
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported", [SubAck, Disconnect];
}

impl ReasonCode {
    /// The value on the wire.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// Codes below 0x80 report success; 0x80 and above end the flow or the connection (v5 §2.4).
    pub fn is_failure(self) -> bool {
        self.as_u8() >= 0x80
    }

    /// The spec's name for this code in `packet` (0x00 has three names).
    pub fn name_in(self, packet: PacketType) -> &'static str {
        match (self, packet) {
            (ReasonCode::Success, PacketType::Disconnect) => "Normal disconnection",
            (ReasonCode::Success, PacketType::SubAck) => "Granted QoS 0",
            _ => self.base_name(),
        }
    }

    /// The QoS a SUBACK code grants, if it grants one.
    pub fn granted_qos(self) -> Option<super::QoS> {
        match self {
            ReasonCode::Success => Some(super::QoS::AtMostOnce),
            ReasonCode::GrantedQoS1 => Some(super::QoS::AtLeastOnce),
            ReasonCode::GrantedQoS2 => Some(super::QoS::ExactlyOnce),
            _ => None,
        }
    }

    /// The SUBACK code that grants `qos`.
    pub fn granting(qos: super::QoS) -> ReasonCode {
        match qos {
            super::QoS::AtMostOnce => ReasonCode::Success,
            super::QoS::AtLeastOnce => ReasonCode::GrantedQoS1,
            super::QoS::ExactlyOnce => ReasonCode::GrantedQoS2,
        }
    }

    /// Maps a v3 CONNACK return code (v3 Table 3.1) onto its v5 equivalent.
    pub fn from_v3_connack(code: u8) -> Option<ReasonCode> {
        Some(match code {
            0x00 => ReasonCode::Success,
            0x01 => ReasonCode::UnsupportedProtocolVersion,
            0x02 => ReasonCode::ClientIdentifierNotValid,
            0x03 => ReasonCode::ServerUnavailable,
            0x04 => ReasonCode::BadUserNameOrPassword,
            0x05 => ReasonCode::NotAuthorized,
            _ => return None,
        })
    }

    /// The v3 CONNACK return code for this code, if v3 has one.
    pub fn to_v3_connack(self) -> Option<u8> {
        (0..=5).find(|&code| ReasonCode::from_v3_connack(code) == Some(self))
    }

    /// The v3 name of a CONNACK return code.
    pub fn v3_connack_name(self) -> &'static str {
        match self {
            ReasonCode::Success => "Connection accepted",
            ReasonCode::UnsupportedProtocolVersion => "Refused, unacceptable protocol version",
            ReasonCode::ClientIdentifierNotValid => "Refused, identifier rejected",
            ReasonCode::ServerUnavailable => "Refused, server unavailable",
            ReasonCode::BadUserNameOrPassword => "Refused, bad user name or password",
            ReasonCode::NotAuthorized => "Refused, not authorized",
            other => other.base_name(),
        }
    }

    /// Maps a v3 SUBACK return code (0, 1, 2 or 0x80, [v3 MQTT-3.9.3-2]) onto its v5 equivalent.
    pub fn from_v3_suback(code: u8) -> Option<ReasonCode> {
        match code {
            0x00..=0x02 | 0x80 => ReasonCode::from_u8(code),
            _ => None,
        }
    }

    /// Whether v3 can express this SUBACK code.
    pub fn is_v3_suback(self) -> bool {
        ReasonCode::from_v3_suback(self.as_u8()).is_some()
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} {}", self.as_u8(), self.base_name())
    }
}

impl From<ReasonCode> for u8 {
    fn from(code: ReasonCode) -> u8 {
        code.as_u8()
    }
}

impl TryFrom<u8> for ReasonCode {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        ReasonCode::from_u8(value).ok_or_else(|| format!("0x{value:02X} is not a reason code"))
    }
}

/// Reads a v5 reason code and checks that `packet` may carry it.
pub(crate) fn read_reason(
    reader: &mut super::wire::Reader<'_>,
    packet: PacketType,
) -> Result<ReasonCode, super::DecodeError> {
    let at = reader.pos();
    let value = reader.raw_u8("Reason Code")?;
    let code = ReasonCode::from_u8(value)
        .filter(|code| code.allowed_in(packet))
        .ok_or_else(|| {
            reader.error_at(
                at,
                super::DecodeErrorKind::InvalidReasonCode {
                    packet,
                    code: value,
                },
            )
        })?;
    reader.record("Reason Code", at, || {
        format!("0x{value:02X} {}", code.name_in(packet))
    });
    Ok(code)
}

/// Checks that `packet` may carry `code` before it is encoded.
pub(crate) fn check_reason(packet: PacketType, code: ReasonCode) -> Result<(), super::EncodeError> {
    if code.allowed_in(packet) {
        Ok(())
    } else {
        Err(super::EncodeError::ReasonNotAllowed { packet, code })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_value() {
        for &code in ReasonCode::ALL {
            assert_eq!(ReasonCode::from_u8(code.as_u8()), Some(code));
        }
        assert_eq!(ReasonCode::ALL.len(), 43);
        assert_eq!(ReasonCode::from_u8(0x03), None);
    }

    #[test]
    fn no_matching_subscribers_is_a_puback_success() {
        let code = ReasonCode::NoMatchingSubscribers;
        assert!(code.allowed_in(PacketType::PubAck));
        assert!(!code.allowed_in(PacketType::PubRel));
        assert!(!code.is_failure());
        assert_eq!(code.to_string(), "0x10 No matching subscribers");
    }

    #[test]
    fn zero_is_named_after_its_packet() {
        assert_eq!(
            ReasonCode::Success.name_in(PacketType::Disconnect),
            "Normal disconnection"
        );
        assert_eq!(
            ReasonCode::Success.name_in(PacketType::SubAck),
            "Granted QoS 0"
        );
    }

    #[test]
    fn v3_return_codes_map_both_ways() {
        for code in 0..=5 {
            let reason = ReasonCode::from_v3_connack(code).unwrap();
            assert_eq!(reason.to_v3_connack(), Some(code));
        }
        assert_eq!(ReasonCode::from_v3_connack(6), None);
        assert_eq!(ReasonCode::Banned.to_v3_connack(), None);
        assert_eq!(
            ReasonCode::from_v3_suback(0x80),
            Some(ReasonCode::UnspecifiedError)
        );
        assert_eq!(ReasonCode::from_v3_suback(0x87), None);
    }
}
