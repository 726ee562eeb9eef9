//! UNSUBSCRIBE and UNSUBACK (v3 §3.10–3.11, v5 §3.10–3.11).

use serde::{Deserialize, Serialize};

use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::subscribe::{
    read_codes, read_filter, read_properties, write_codes, write_filter, write_properties,
};
use super::wire::{Reader, Sink};
use super::{PacketType, Pid, ProtocolVersion, ReasonCode};

/// A request to remove subscriptions; filters are compared character by character
/// ([MQTT-3.10.4-1]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    /// Packet identifier, echoed by UNSUBACK.
    pub pid: Pid,
    /// The filters, at least one ([MQTT-3.10.3-2]).
    pub filters: Vec<String>,
    /// User Property (v5).
    pub properties: Properties,
}

/// The answer to UNSUBSCRIBE; in v5 one code per filter, in v3 no codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubAck {
    /// The UNSUBSCRIBE's packet identifier.
    pub pid: Pid,
    /// v5: Success, No subscription existed or a failure per filter; v3: empty.
    pub reasons: Vec<ReasonCode>,
    /// Reason String and User Property (v5).
    pub properties: Properties,
}

impl Unsubscribe {
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Unsubscribe, DecodeError> {
        let pid = reader.pid()?;
        let properties = read_properties(reader, PropertyContext::Unsubscribe)?;
        let mut filters = Vec::new();
        while reader.remaining() > 0 {
            filters.push(read_filter(reader)?);
        }
        if filters.is_empty() {
            return Err(reader.error_at(
                reader.pos(),
                DecodeErrorKind::EmptyPayload(PacketType::Unsubscribe),
            ));
        }
        Ok(Unsubscribe {
            pid,
            filters,
            properties,
        })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        if self.filters.is_empty() {
            return Err(EncodeError::EmptyPayload(PacketType::Unsubscribe));
        }
        sink.put_u16(self.pid.get());
        write_properties(
            sink,
            version,
            &self.properties,
            PropertyContext::Unsubscribe,
        )?;
        for filter in &self.filters {
            write_filter(sink, filter)?;
        }
        Ok(())
    }
}

impl UnsubAck {
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<UnsubAck, DecodeError> {
        let pid = reader.pid()?;
        if !reader.is_v5() {
            return Ok(UnsubAck {
                pid,
                reasons: Vec::new(),
                properties: Properties::default(),
            });
        }
        let properties = Properties::read(reader, PropertyContext::UnsubAck)?;
        let reasons = read_codes(reader, PacketType::UnsubAck)?;
        Ok(UnsubAck {
            pid,
            reasons,
            properties,
        })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        sink.put_u16(self.pid.get());
        if version == ProtocolVersion::V311 {
            if !self.reasons.is_empty() {
                return Err(EncodeError::NeedsV5("UNSUBACK reason codes"));
            }
            return write_properties(sink, version, &self.properties, PropertyContext::UnsubAck);
        }
        write_properties(sink, version, &self.properties, PropertyContext::UnsubAck)?;
        write_codes(sink, version, PacketType::UnsubAck, &self.reasons)
    }
}
