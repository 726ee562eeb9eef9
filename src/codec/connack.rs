//! CONNACK (v3 §3.2, v5 §3.2).

use serde::{Deserialize, Serialize};

use super::ack::require_no_properties;
use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::reason::{check_reason, read_reason};
use super::wire::{Reader, Sink};
use super::{PacketType, ProtocolVersion, ReasonCode};

/// The refusal a server of the other protocol version sends for an unsupported level, decoded as
/// that version reads it: 3.1.1's `20 02 00 01` ([v3 MQTT-3.1.2-2]) in answer to a 5.0 CONNECT,
/// or a 5.0 CONNACK with 0x84 ([v5 MQTT-3.1.2-2]) in answer to a 3.1.1 one. `raw` is a whole
/// packet that did not decode as a CONNACK of `asked`.
pub fn other_versions_refusal(raw: &[u8], asked: ProtocolVersion) -> Option<ConnAck> {
    let other = match (asked, raw) {
        (ProtocolVersion::V5, [0x20, 0x02, 0x00, 0x01]) => ProtocolVersion::V311,
        (ProtocolVersion::V311, [0x20, length, 0x00, 0x84, ..])
            if usize::from(*length) + 2 == raw.len() =>
        {
            ProtocolVersion::V5
        }
        _ => return None,
    };
    match super::Packet::decode(&bytes::Bytes::copy_from_slice(raw), other) {
        Ok(super::Packet::ConnAck(connack)) => Some(connack),
        _ => None,
    }
}

/// The server's answer to CONNECT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnAck {
    /// Whether the server resumed a stored session (v3 §3.2.2.2, v5 §3.2.2.1.1).
    pub session_present: bool,
    /// v5 Connect Reason Code; a v3 return code is mapped onto its v5 equivalent
    /// (see [`ReasonCode::from_v3_connack`]).
    pub reason: ReasonCode,
    /// CONNACK properties (v5): the server's limits and capabilities.
    pub properties: Properties,
}

impl ConnAck {
    /// A CONNACK with the given outcome and no properties.
    pub fn new(session_present: bool, reason: ReasonCode) -> ConnAck {
        ConnAck {
            session_present,
            reason,
            properties: Properties::default(),
        }
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<ConnAck, DecodeError> {
        let at = reader.pos();
        let flags = reader.raw_u8("Acknowledge Flags")?;
        reader.record("Acknowledge Flags", at, || {
            format!("{flags:08b}: session present {}", flags & 1)
        });
        if flags & 0xFE != 0 {
            return Err(reader.error_at(at, DecodeErrorKind::ConnAckReservedFlags(flags)));
        }
        let code_at = reader.pos();
        let reason = if reader.is_v5() {
            read_reason(reader, PacketType::ConnAck)?
        } else {
            let code = reader.raw_u8("Return Code")?;
            let reason = ReasonCode::from_v3_connack(code).ok_or_else(|| {
                reader.error_at(
                    code_at,
                    DecodeErrorKind::InvalidReasonCode {
                        packet: PacketType::ConnAck,
                        code,
                    },
                )
            })?;
            reader.record("Return Code", code_at, || {
                format!("0x{code:02X} {}", reason.v3_connack_name())
            });
            reason
        };
        let session_present = flags & 1 == 1;
        if session_present && reason != ReasonCode::Success {
            return Err(reader.error_at(at, DecodeErrorKind::SessionPresentOnRefusal));
        }
        let properties = if reader.is_v5() {
            Properties::read(reader, PropertyContext::ConnAck)?
        } else {
            Properties::default()
        };
        Ok(ConnAck {
            session_present,
            reason,
            properties,
        })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        if self.session_present && self.reason != ReasonCode::Success {
            return Err(EncodeError::SessionPresentOnRefusal);
        }
        sink.put_u8(u8::from(self.session_present));
        if version == ProtocolVersion::V5 {
            check_reason(PacketType::ConnAck, self.reason)?;
            sink.put_u8(self.reason.as_u8());
            self.properties.write(sink, PropertyContext::ConnAck)
        } else {
            let code = self
                .reason
                .to_v3_connack()
                .ok_or(EncodeError::ReasonNotAllowed {
                    packet: PacketType::ConnAck,
                    code: self.reason,
                })?;
            sink.put_u8(code);
            require_no_properties(&self.properties)
        }
    }
}
