//! SUBSCRIBE and SUBACK (v3 §3.8–3.9, v5 §3.8–3.9).

use serde::{Deserialize, Serialize};

use super::ack::require_no_properties;
use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::reason::{check_reason, read_reason};
use super::wire::{Reader, Sink};
use super::{PacketType, Pid, ProtocolVersion, QoS, ReasonCode};

/// When the server sends retained messages for a new subscription (v5 §3.8.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RetainHandling {
    /// 0: send retained messages at subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist.
    SendIfNew = 1,
    /// 2: never send them at subscribe.
    DoNotSend = 2,
}

/// Subscription Options (v5 §3.8.3.1); v3 has only the requested QoS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SubscriptionOptions {
    /// Maximum QoS the subscriber asks for.
    pub qos: QoS,
    /// No Local: do not send the subscriber its own publications (v5).
    pub no_local: bool,
    /// Retain As Published: keep the publisher's RETAIN flag on forwarded messages (v5).
    pub retain_as_published: bool,
    /// Retain Handling (v5).
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    /// Options that ask for `qos` and keep every v5 option at its default.
    pub fn qos(qos: QoS) -> SubscriptionOptions {
        SubscriptionOptions {
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: RetainHandling::SendAtSubscribe,
        }
    }

    /// The options byte (v5 layout; v3 uses only the QoS bits).
    pub(crate) fn to_byte(self) -> u8 {
        self.qos.as_u8()
            | u8::from(self.no_local) << 2
            | u8::from(self.retain_as_published) << 3
            | (self.retain_handling as u8) << 4
    }

    /// Parses an options byte; `None` for reserved bits, QoS 3 or Retain Handling 3.
    pub(crate) fn from_byte(byte: u8, version: ProtocolVersion) -> Option<SubscriptionOptions> {
        let reserved = if version == ProtocolVersion::V5 {
            0xC0
        } else {
            0xFC
        };
        if byte & reserved != 0 {
            return None;
        }
        let retain_handling = match (byte >> 4) & 0b11 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return None,
        };
        Some(SubscriptionOptions {
            qos: QoS::from_u8(byte & 0b11)?,
            no_local: byte & 0b100 != 0,
            retain_as_published: byte & 0b1000 != 0,
            retain_handling,
        })
    }
}

/// One topic filter of a SUBSCRIBE with its options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Topic Filter, possibly with wildcards or a `$share/` prefix.
    pub filter: String,
    /// What the subscriber asks for.
    pub options: SubscriptionOptions,
}

/// A request for one or more subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscribe {
    /// Packet identifier, echoed by SUBACK.
    pub pid: Pid,
    /// The filters, at least one ([MQTT-3.8.3-3] v3, [v5 MQTT-3.8.3-2]).
    pub subscriptions: Vec<Subscription>,
    /// Subscription Identifier and User Property (v5).
    pub properties: Properties,
}

/// The answer to SUBSCRIBE: one code per filter, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubAck {
    /// The SUBSCRIBE's packet identifier.
    pub pid: Pid,
    /// Granted QoS or failure per filter (v3 codes mapped: 0x80 is Unspecified error).
    pub reasons: Vec<ReasonCode>,
    /// Reason String and User Property (v5).
    pub properties: Properties,
}

fn read_list<T>(
    reader: &mut Reader<'_>,
    packet: PacketType,
    mut item: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut items = Vec::new();
    while reader.remaining() > 0 {
        items.push(item(reader)?);
    }
    if items.is_empty() {
        return Err(reader.error_at(reader.pos(), DecodeErrorKind::EmptyPayload(packet)));
    }
    Ok(items)
}

/// Reads the v5 properties of a packet, or nothing in v3.
pub(crate) fn read_properties(
    reader: &mut Reader<'_>,
    context: PropertyContext,
) -> Result<Properties, DecodeError> {
    if reader.is_v5() {
        Properties::read(reader, context)
    } else {
        Ok(Properties::default())
    }
}

/// Writes the v5 properties of a packet, or checks there are none in v3.
pub(crate) fn write_properties<S: Sink>(
    sink: &mut S,
    version: ProtocolVersion,
    properties: &Properties,
    context: PropertyContext,
) -> Result<(), EncodeError> {
    if version == ProtocolVersion::V5 {
        properties.write(sink, context)
    } else {
        require_no_properties(properties)
    }
}

/// Reads the per-filter codes of SUBACK or UNSUBACK (v5) .
pub(crate) fn read_codes(
    reader: &mut Reader<'_>,
    packet: PacketType,
) -> Result<Vec<ReasonCode>, DecodeError> {
    read_list(reader, packet, |reader| {
        if reader.is_v5() {
            return read_reason(reader, packet);
        }
        let at = reader.pos();
        let code = reader.raw_u8("Return Code")?;
        let reason = ReasonCode::from_v3_suback(code).ok_or_else(|| {
            reader.error_at(at, DecodeErrorKind::InvalidReasonCode { packet, code })
        })?;
        reader.record("Return Code", at, || {
            format!("0x{code:02X} {}", reason.name_in(packet))
        });
        Ok(reason)
    })
}

/// Writes the per-filter codes of SUBACK or UNSUBACK, at least one.
pub(crate) fn write_codes<S: Sink>(
    sink: &mut S,
    version: ProtocolVersion,
    packet: PacketType,
    reasons: &[ReasonCode],
) -> Result<(), EncodeError> {
    if reasons.is_empty() {
        return Err(EncodeError::EmptyPayload(packet));
    }
    for &code in reasons {
        check_reason(packet, code)?;
        if version == ProtocolVersion::V311 && !code.is_v3_suback() {
            return Err(EncodeError::ReasonNotAllowed { packet, code });
        }
        sink.put_u8(code.as_u8());
    }
    Ok(())
}

/// Reads the topic filters of SUBSCRIBE's or UNSUBSCRIBE's payload.
pub(crate) fn read_filter(reader: &mut Reader<'_>) -> Result<String, DecodeError> {
    reader.string("Topic Filter")
}

/// Writes a topic filter after checking it.
pub(crate) fn write_filter<S: Sink>(sink: &mut S, filter: &str) -> Result<(), EncodeError> {
    if sink.checks() {
        crate::topic::validate_topic_filter(filter)?;
    }
    sink.put_string("Topic Filter", filter)
}

impl Subscribe {
    /// A SUBSCRIBE for one filter at `qos`.
    pub fn single(pid: Pid, filter: impl Into<String>, qos: QoS) -> Subscribe {
        Subscribe {
            pid,
            subscriptions: vec![Subscription {
                filter: filter.into(),
                options: SubscriptionOptions::qos(qos),
            }],
            properties: Properties::default(),
        }
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Subscribe, DecodeError> {
        let pid = reader.pid()?;
        let properties = read_properties(reader, PropertyContext::Subscribe)?;
        let subscriptions = read_list(reader, PacketType::Subscribe, |reader| {
            let filter = read_filter(reader)?;
            let at = reader.pos();
            let byte = reader.raw_u8("Subscription Options")?;
            let options =
                SubscriptionOptions::from_byte(byte, reader.version).ok_or_else(|| {
                    reader.error_at(at, DecodeErrorKind::InvalidSubscriptionOptions(byte))
                })?;
            reader.record("Subscription Options", at, || {
                format!(
                    "{byte:08b}: QoS {}, no local {}, retain as published {}, retain handling {}",
                    options.qos.as_u8(),
                    u8::from(options.no_local),
                    u8::from(options.retain_as_published),
                    options.retain_handling as u8
                )
            });
            Ok(Subscription { filter, options })
        })?;
        Ok(Subscribe {
            pid,
            subscriptions,
            properties,
        })
    }

    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        if self.subscriptions.is_empty() {
            return Err(EncodeError::EmptyPayload(PacketType::Subscribe));
        }
        sink.put_u16(self.pid.get());
        write_properties(sink, version, &self.properties, PropertyContext::Subscribe)?;
        for subscription in &self.subscriptions {
            write_filter(sink, &subscription.filter)?;
            let options = subscription.options;
            if version == ProtocolVersion::V311 && options != SubscriptionOptions::qos(options.qos)
            {
                return Err(EncodeError::NeedsV5("subscription options other than QoS"));
            }
            sink.put_u8(options.to_byte());
        }
        Ok(())
    }
}

impl SubAck {
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<SubAck, DecodeError> {
        let pid = reader.pid()?;
        let properties = read_properties(reader, PropertyContext::SubAck)?;
        let reasons = read_codes(reader, PacketType::SubAck)?;
        Ok(SubAck {
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
        write_properties(sink, version, &self.properties, PropertyContext::SubAck)?;
        write_codes(sink, version, PacketType::SubAck, &self.reasons)
    }
}
