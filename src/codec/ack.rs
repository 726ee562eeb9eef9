//! PUBACK, PUBREC, PUBREL and PUBCOMP: one layout for all four (v3 §3.4–3.7, v5 §3.4–3.7).

use serde::{Deserialize, Serialize};

use super::error::{DecodeError, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::reason::{check_reason, read_reason};
use super::wire::{Reader, Sink};
use super::{PacketType, Pid, ProtocolVersion, ReasonCode};

/// The body of PUBACK, PUBREC, PUBREL and PUBCOMP: the PUBLISH's packet identifier and, in v5, a
/// reason code and properties (Reason String, User Property).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The packet identifier of the PUBLISH this acknowledges ([v5 MQTT-2.2.1-5]).
    pub pid: Pid,
    /// The outcome; always Success in v3. Codes of 0x80 and above end the flow (v5 §4.3).
    pub reason: ReasonCode,
    /// Reason String and User Property (v5 only).
    pub properties: Properties,
}

impl Ack {
    /// A successful acknowledgment without properties (the same bytes in v3 and v5).
    pub fn new(pid: Pid) -> Ack {
        Ack::with_reason(pid, ReasonCode::Success)
    }

    /// An acknowledgment with a reason code (v5).
    pub fn with_reason(pid: Pid, reason: ReasonCode) -> Ack {
        Ack {
            pid,
            reason,
            properties: Properties::default(),
        }
    }

    /// v5 accepts three lengths: 2 (Success, no properties), 3 (reason only) and 4 or more
    /// (reason and properties) (v5 §3.4.2.1); v3 only 2.
    pub(crate) fn read(reader: &mut Reader<'_>, kind: PacketType) -> Result<Ack, DecodeError> {
        let pid = reader.pid()?;
        let mut ack = Ack::new(pid);
        if reader.is_v5() && reader.remaining() > 0 {
            ack.reason = read_reason(reader, kind)?;
            if reader.remaining() > 0 {
                ack.properties = Properties::read(reader, PropertyContext::PubAck)?;
            }
        }
        Ok(ack)
    }

    /// Writes the shortest form that carries everything.
    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
        kind: PacketType,
    ) -> Result<(), EncodeError> {
        check_reason(kind, self.reason)?;
        sink.put_u16(self.pid.get());
        if version == ProtocolVersion::V311 {
            if self.reason != ReasonCode::Success {
                return Err(EncodeError::ReasonNotAllowed {
                    packet: kind,
                    code: self.reason,
                });
            }
            return require_no_properties(&self.properties);
        }
        if self.reason != ReasonCode::Success || !self.properties.is_empty() {
            sink.put_u8(self.reason.as_u8());
        }
        if !self.properties.is_empty() {
            self.properties.write(sink, PropertyContext::PubAck)?;
        }
        Ok(())
    }
}

/// v3 has no properties; refusing them beats dropping them silently.
pub(crate) fn require_no_properties(properties: &Properties) -> Result<(), EncodeError> {
    if properties.is_empty() {
        Ok(())
    } else {
        Err(EncodeError::NeedsV5("properties"))
    }
}
