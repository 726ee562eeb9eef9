//! Codec errors. A decode error names the rule the bytes broke, with its normative statement id
//! where the spec numbers one, and the offset of the offending byte within the packet.

use thiserror::Error;

use super::packet::PacketType;
use super::properties::PropertyId;
use super::reason::ReasonCode;

/// Why a packet could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} (at byte {offset})")]
pub struct DecodeError {
    /// What is wrong.
    pub kind: DecodeErrorKind,
    /// Offset of the offending byte from the first byte of the packet.
    pub offset: usize,
}

impl DecodeError {
    /// The v5 DISCONNECT reason code this error calls for: Malformed Packet when the bytes cannot
    /// be parsed, Protocol Error when they parse but break a rule (v5 §1.2, §4.13).
    pub fn reason_code(&self) -> ReasonCode {
        self.kind.reason_code()
    }
}

/// The rule a malformed packet breaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeErrorKind {
    /// Packet type 0 is reserved; 15 (AUTH) exists only in v5.
    #[error("packet type {0} is reserved in this protocol version [v3 §2.2.1, v5 §2.1.2]")]
    InvalidPacketType(u8),
    /// Flag bits of the fixed header are not the ones the packet type requires.
    #[error("{packet} must have flags {expected:04b}, got {flags:04b} [v3 MQTT-2.2.2-1, v5 MQTT-2.1.3-1]")]
    ReservedFlags {
        /// The packet.
        packet: PacketType,
        /// The flags it had.
        flags: u8,
        /// The flags it must have.
        expected: u8,
    },
    /// QoS bits 11 in a PUBLISH or a Will.
    #[error("QoS {0} does not exist [MQTT-3.3.1-4]")]
    InvalidQos(u8),
    /// A Variable Byte Integer with a fifth byte.
    #[error("variable byte integer longer than 4 bytes [v3 §2.2.3, v5 §1.5.5]")]
    VarIntTooLong,
    /// A Variable Byte Integer not in its shortest form (v5 only).
    #[error("variable byte integer not in its shortest form [v5 MQTT-1.5.5-1]")]
    VarIntNotMinimal,
    /// The packet is larger than the receiver accepts.
    #[error(
        "packet of {size} bytes exceeds the maximum packet size of {max} bytes [v5 MQTT-3.1.2-24]"
    )]
    PacketTooLarge {
        /// Total packet size: fixed header plus remaining length.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A field runs past the end of the packet.
    #[error("{field} runs past the end of the packet (remaining length too short) [v3 §2.2.3, v5 §2.1.4]")]
    Truncated {
        /// The field being read.
        field: &'static str,
    },
    /// Bytes left over after a packet whose layout is complete.
    #[error("{count} unexpected bytes after the end of the {packet} [v3 §2.2.3, v5 §2.1.4]")]
    TrailingBytes {
        /// The packet.
        packet: PacketType,
        /// How many bytes were left.
        count: usize,
    },
    /// A UTF-8 string that is not well-formed UTF-8.
    #[error("{field} is not valid UTF-8 [v3 MQTT-1.5.3-1, v5 MQTT-1.5.4-1]")]
    StringNotUtf8 {
        /// The field.
        field: &'static str,
    },
    /// A UTF-8 string containing U+0000.
    #[error("{field} contains the null character U+0000 [v3 MQTT-1.5.3-2, v5 MQTT-1.5.4-2]")]
    StringHasNull {
        /// The field.
        field: &'static str,
    },
    /// A topic name containing `+` or `#`.
    #[error("topic name \"{0}\" contains a wildcard [MQTT-3.3.2-2]")]
    TopicWildcard(String),
    /// A zero-length topic name (allowed in v5 only together with a Topic Alias).
    #[error("topic name is empty [MQTT-4.7.3-1, v5 §3.3.2.1]")]
    EmptyTopic,
    /// Packet identifier 0 where one is required.
    #[error("packet identifier 0 is not allowed [v3 MQTT-2.3.1-1, v5 MQTT-2.2.1-3]")]
    PacketIdZero,
    /// The CONNECT protocol name is not "MQTT".
    #[error("protocol name \"{0}\" is not \"MQTT\" [MQTT-3.1.2-1]")]
    ProtocolName(String),
    /// A protocol level other than 4 (3.1.1) or 5 (5.0).
    #[error("protocol level {0} is not supported (4 = MQTT 3.1.1, 5 = MQTT 5.0) [v3 MQTT-3.1.2-2, v5 MQTT-3.1.2-2]")]
    UnsupportedProtocolLevel(u8),
    /// CONNECT flags bit 0 is set.
    #[error("CONNECT reserved flag bit 0 is set [MQTT-3.1.2-3]")]
    ConnectReservedFlag,
    /// Will QoS or Will Retain set without the Will Flag.
    #[error("Will QoS/Retain set without the Will Flag [v3 MQTT-3.1.2-11, v5 MQTT-3.1.2-11, v5 MQTT-3.1.2-13]")]
    WillFlagsWithoutWill,
    /// v3 forbids a password without a user name.
    #[error("password without user name [v3 MQTT-3.1.2-22]")]
    PasswordWithoutUsername,
    /// CONNACK acknowledge flags bits 7-1 are not zero.
    #[error("CONNACK flags {0:08b} have reserved bits set [v3 §3.2.2.1, v5 MQTT-3.2.2-1]")]
    ConnAckReservedFlags(u8),
    /// A refused CONNACK that claims a session is present.
    #[error("CONNACK refuses the connection but sets Session Present [v3 MQTT-3.2.2-4, v5 MQTT-3.2.2-6]")]
    SessionPresentOnRefusal,
    /// A reason or return code this packet may not carry.
    #[error("0x{code:02X} is not a valid reason code for {packet} [v3 Table 3.1, v3 MQTT-3.9.3-2, v5 Table 2-6]")]
    InvalidReasonCode {
        /// The packet.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// Subscription options with reserved bits set, QoS 3 or Retain Handling 3.
    #[error("subscription options {0:08b} are invalid (reserved bits, QoS 3 or Retain Handling 3) [v3 MQTT-3-8.3-4, v5 MQTT-3.8.3-5, v5 §3.8.3.1]")]
    InvalidSubscriptionOptions(u8),
    /// SUBSCRIBE or UNSUBSCRIBE without a topic filter, or SUBACK without a code.
    #[error(
        "{0} carries no topic filter or code [v3 MQTT-3.8.3-3, v5 MQTT-3.8.3-2, MQTT-3.10.3-2]"
    )]
    EmptyPayload(PacketType),
    /// A property identifier the spec does not define.
    #[error("unknown property identifier 0x{0:02X} [v5 §2.2.2.2]")]
    UnknownProperty(u32),
    /// A property the packet may not carry.
    #[error("property {property} is not allowed in {context} [v5 §2.2.2.2]")]
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it appeared.
        context: &'static str,
    },
    /// A single-use property that appears twice.
    #[error("property {0} appears more than once [v5 §2.2.2.2]")]
    DuplicateProperty(PropertyId),
    /// A property value out of its range.
    #[error(
        "property {property} has the invalid value {value} [v5 §3.1.2.11, §3.2.2.3, §3.3.2.3]"
    )]
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value it had.
        value: u32,
    },
    /// A property list whose length does not match its contents.
    #[error("property length does not match the properties [v5 §2.2.2.1]")]
    PropertyLength,
}

impl DecodeErrorKind {
    /// Malformed Packet (0x81) for bytes that cannot be parsed; Protocol Error (0x82) for values
    /// that parse but are not allowed (v5 §1.2, §2.2.2.2).
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            DecodeErrorKind::PacketTooLarge { .. } => ReasonCode::PacketTooLarge,
            // v5 §3.3.2.3.4: Topic Alias 0 is "Topic Alias invalid".
            DecodeErrorKind::InvalidPropertyValue {
                property: PropertyId::TopicAlias,
                ..
            } => ReasonCode::TopicAliasInvalid,
            DecodeErrorKind::TopicWildcard(_)
            | DecodeErrorKind::EmptyTopic
            | DecodeErrorKind::DuplicateProperty(_)
            | DecodeErrorKind::InvalidPropertyValue { .. }
            | DecodeErrorKind::PacketIdZero
            | DecodeErrorKind::SessionPresentOnRefusal => ReasonCode::ProtocolError,
            DecodeErrorKind::UnsupportedProtocolLevel(_) => ReasonCode::UnsupportedProtocolVersion,
            _ => ReasonCode::MalformedPacket,
        }
    }
}

/// Why a packet could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// A string or binary field longer than 65,535 bytes.
    #[error("{field} is {len} bytes long; the limit is 65,535 [MQTT-1.5.3, v5 §1.5.4]")]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// A string field containing U+0000.
    #[error("{field} contains the null character U+0000 [v3 MQTT-1.5.3-2, v5 MQTT-1.5.4-2]")]
    StringHasNull {
        /// The field.
        field: &'static str,
    },
    /// The packet would exceed the largest remaining length MQTT can express.
    #[error("packet body of {0} bytes exceeds the 268,435,455-byte limit of the remaining length")]
    PacketTooLarge(usize),
    /// A topic name or filter breaks the topic rules.
    #[error(transparent)]
    Topic(#[from] crate::topic::TopicError),
    /// The packet exists only in MQTT 5.0.
    #[error("{0} exists only in MQTT 5.0")]
    NeedsV5(&'static str),
    /// A reason code this packet may not carry (in this protocol version).
    #[error("{code} cannot be sent in {packet} in this protocol version")]
    ReasonNotAllowed {
        /// The packet.
        packet: PacketType,
        /// The code.
        code: ReasonCode,
    },
    /// A property this packet may not carry.
    #[error("property {property} is not allowed in {context} [v5 §2.2.2.2]")]
    PropertyNotAllowed {
        /// The property.
        property: PropertyId,
        /// Where it was put.
        context: &'static str,
    },
    /// A property value out of its range.
    #[error("property {property} cannot be {value}")]
    InvalidPropertyValue {
        /// The property.
        property: PropertyId,
        /// The value.
        value: u32,
    },
    /// DUP set on a QoS 0 PUBLISH.
    #[error("DUP must be 0 on a QoS 0 PUBLISH [MQTT-3.3.1-2]")]
    DupOnQos0,
    /// SUBSCRIBE or UNSUBSCRIBE without a filter, or SUBACK/UNSUBACK without a code.
    #[error(
        "{0} needs at least one topic filter [v3 MQTT-3.8.3-3, v5 MQTT-3.8.3-2, MQTT-3.10.3-2]"
    )]
    EmptyPayload(PacketType),
    /// v3 forbids a password without a user name.
    #[error("MQTT 3.1.1 does not allow a password without a user name [v3 MQTT-3.1.2-22]")]
    PasswordWithoutUsername,
    /// A refused CONNACK cannot claim a session.
    #[error("a CONNACK that refuses the connection must not set Session Present [MQTT-3.2.2-4, v5 MQTT-3.2.2-6]")]
    SessionPresentOnRefusal,
}
