//! PUBLISH (v3 §3.3, v5 §3.3).

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::ack::require_no_properties;
use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::wire::{Reader, Sink};
use super::{ProtocolVersion, QoS, QosPid, Topic};

/// An application message on its way from sender to receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publish {
    /// DUP: this may be a re-delivery of an earlier attempt (v3 §3.3.1.1, v5 §3.3.1.1).
    pub dup: bool,
    /// QoS with the packet identifier it requires.
    pub qos_pid: QosPid,
    /// RETAIN.
    pub retain: bool,
    /// Topic Name; empty only in v5 together with a Topic Alias.
    pub topic: Topic,
    /// Application payload, shared with the received frame (no copy on decode).
    pub payload: Bytes,
    /// PUBLISH properties (v5).
    pub properties: Properties,
}

impl Publish {
    /// A first-attempt, non-retained PUBLISH without properties.
    pub fn new(topic: impl Into<Topic>, qos_pid: QosPid, payload: impl Into<Bytes>) -> Publish {
        Publish {
            dup: false,
            qos_pid,
            retain: false,
            topic: topic.into(),
            payload: payload.into(),
            properties: Properties::default(),
        }
    }

    /// The QoS level.
    pub fn qos(&self) -> QoS {
        self.qos_pid.qos()
    }

    pub(crate) fn flags(&self) -> u8 {
        u8::from(self.dup) << 3 | self.qos().as_u8() << 1 | u8::from(self.retain)
    }

    pub(crate) fn read(reader: &mut Reader<'_>, flags: u8) -> Result<Publish, DecodeError> {
        let dup = flags & 0b1000 != 0;
        let qos_bits = (flags >> 1) & 0b11;
        let retain = flags & 1 != 0;
        reader.record_span("Flags", 0, 1, || {
            let warning = if dup && qos_bits == 0 {
                " (DUP with QoS 0 breaks MQTT-3.3.1-2)"
            } else {
                ""
            };
            format!(
                "DUP {}, QoS {qos_bits}, RETAIN {}{warning}",
                u8::from(dup),
                u8::from(retain)
            )
        });
        let qos = QoS::from_u8(qos_bits)
            .ok_or_else(|| reader.error_at(0, DecodeErrorKind::InvalidQos(qos_bits)))?;

        let topic_at = reader.pos();
        let topic = reader.topic("Topic Name")?;
        if crate::topic::has_wildcard(&topic) {
            return Err(
                reader.error_at(topic_at, DecodeErrorKind::TopicWildcard(topic.to_string()))
            );
        }
        let qos_pid = match qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            _ => QosPid::new(qos, reader.pid()?),
        };
        let properties = if reader.is_v5() {
            Properties::read(reader, PropertyContext::Publish)?
        } else {
            Properties::default()
        };
        if topic.is_empty() && properties.topic_alias.is_none() {
            return Err(reader.error_at(topic_at, DecodeErrorKind::EmptyTopic));
        }
        let payload = reader.rest("Payload");
        Ok(Publish {
            dup,
            qos_pid,
            retain,
            topic,
            payload,
            properties,
        })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        if sink.checks() {
            if self.dup && self.qos() == QoS::AtMostOnce {
                return Err(EncodeError::DupOnQos0);
            }
            let aliased = version == ProtocolVersion::V5 && self.properties.topic_alias.is_some();
            if !(aliased && self.topic.is_empty()) {
                crate::topic::validate_topic_name(&self.topic)?;
            }
        }
        sink.put_string("Topic Name", &self.topic)?;
        if let Some(pid) = self.qos_pid.pid() {
            sink.put_u16(pid.get());
        }
        if version == ProtocolVersion::V5 {
            self.properties.write(sink, PropertyContext::Publish)?;
        } else {
            require_no_properties(&self.properties)?;
        }
        sink.put(&self.payload);
        Ok(())
    }
}
