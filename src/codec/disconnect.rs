//! DISCONNECT (v3 §3.14, v5 §3.14), and the "optional reason, optional properties" layout it
//! shares with AUTH.

use serde::{Deserialize, Serialize};

use super::ack::require_no_properties;
use super::error::{DecodeError, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::reason::{check_reason, read_reason};
use super::wire::{Reader, Sink};
use super::{PacketType, ProtocolVersion, ReasonCode};

/// The last packet of a connection: from the client in v3, from either side in v5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disconnect {
    /// Why (v5); 0x00 Normal disconnection deletes the Will, 0x04 asks for it to be published.
    pub reason: ReasonCode,
    /// Session Expiry Interval (client only), Reason String, User Property, Server Reference.
    pub properties: Properties,
}

impl Disconnect {
    /// A normal disconnection.
    pub fn normal() -> Disconnect {
        Disconnect::with_reason(ReasonCode::Success)
    }

    /// A disconnection with a reason code (v5).
    pub fn with_reason(reason: ReasonCode) -> Disconnect {
        Disconnect {
            reason,
            properties: Properties::default(),
        }
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Disconnect, DecodeError> {
        let (reason, properties) =
            read_optional_reason(reader, PacketType::Disconnect, PropertyContext::Disconnect)?;
        Ok(Disconnect { reason, properties })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        write_optional_reason(
            sink,
            version,
            PacketType::Disconnect,
            self.reason,
            &self.properties,
            PropertyContext::Disconnect,
        )
    }
}

/// v5 DISCONNECT and AUTH: no bytes mean Success without properties; one byte is the reason
/// alone; more carry properties (v5 §3.14.2.1, §3.15.2.1). v3 DISCONNECT is always empty.
pub(crate) fn read_optional_reason(
    reader: &mut Reader<'_>,
    packet: PacketType,
    context: PropertyContext,
) -> Result<(ReasonCode, Properties), DecodeError> {
    let mut reason = ReasonCode::Success;
    let mut properties = Properties::default();
    if reader.is_v5() && reader.remaining() > 0 {
        reason = read_reason(reader, packet)?;
        if reader.remaining() > 0 {
            properties = Properties::read(reader, context)?;
        }
    }
    Ok((reason, properties))
}

/// Writes the shortest form of [`read_optional_reason`]'s layout.
pub(crate) fn write_optional_reason<S: Sink>(
    sink: &mut S,
    version: ProtocolVersion,
    packet: PacketType,
    reason: ReasonCode,
    properties: &Properties,
    context: PropertyContext,
) -> Result<(), EncodeError> {
    check_reason(packet, reason)?;
    if version == ProtocolVersion::V311 {
        if reason != ReasonCode::Success {
            return Err(EncodeError::ReasonNotAllowed {
                packet,
                code: reason,
            });
        }
        return require_no_properties(properties);
    }
    if reason != ReasonCode::Success || !properties.is_empty() {
        sink.put_u8(reason.as_u8());
    }
    if !properties.is_empty() {
        properties.write(sink, context)?;
    }
    Ok(())
}
