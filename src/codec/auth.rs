//! AUTH (v5 §3.15): enhanced authentication exchanges.

use serde::{Deserialize, Serialize};

use super::disconnect::{read_optional_reason, write_optional_reason};
use super::error::{DecodeError, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::wire::{Reader, Sink};
use super::{PacketType, ProtocolVersion, ReasonCode};

/// One step of an enhanced authentication exchange (v5 only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auth {
    /// Success, Continue authentication or Re-authenticate ([v5 MQTT-3.15.2-1]).
    pub reason: ReasonCode,
    /// Authentication Method (required in practice, [v5 MQTT-4.12.0-5]), Authentication Data,
    /// Reason String, User Property.
    pub properties: Properties,
}

impl Auth {
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Auth, DecodeError> {
        let (reason, properties) =
            read_optional_reason(reader, PacketType::Auth, PropertyContext::Auth)?;
        Ok(Auth { reason, properties })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        if version == ProtocolVersion::V311 {
            return Err(EncodeError::NeedsV5("AUTH"));
        }
        write_optional_reason(
            sink,
            version,
            PacketType::Auth,
            self.reason,
            &self.properties,
            PropertyContext::Auth,
        )
    }
}
