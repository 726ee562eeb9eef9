//! The control packet enum, the fixed header, and the decode/encode dispatch to each packet type.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::wire::{read_var_int, var_int_len, Output, Reader, Sink, MAX_VAR_INT};
use super::{
    Ack, Auth, ConnAck, Connect, Disconnect, ProtocolVersion, Publish, SubAck, Subscribe, UnsubAck,
    Unsubscribe,
};

/// The control packet types (v3 Table 2.1, v5 Table 2-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum PacketType {
    /// Client request to connect.
    Connect = 1,
    /// Connect acknowledgment.
    ConnAck = 2,
    /// Publish message.
    Publish = 3,
    /// QoS 1 publish acknowledgment.
    PubAck = 4,
    /// QoS 2 publish received (part 1).
    PubRec = 5,
    /// QoS 2 publish release (part 2).
    PubRel = 6,
    /// QoS 2 publish complete (part 3).
    PubComp = 7,
    /// Subscribe request.
    Subscribe = 8,
    /// Subscribe acknowledgment.
    SubAck = 9,
    /// Unsubscribe request.
    Unsubscribe = 10,
    /// Unsubscribe acknowledgment.
    UnsubAck = 11,
    /// Ping request.
    PingReq = 12,
    /// Ping response.
    PingResp = 13,
    /// Disconnect notification.
    Disconnect = 14,
    /// Authentication exchange (v5 only).
    Auth = 15,
}

impl PacketType {
    /// Every packet type in wire order.
    pub const ALL: [PacketType; 15] = [
        PacketType::Connect,
        PacketType::ConnAck,
        PacketType::Publish,
        PacketType::PubAck,
        PacketType::PubRec,
        PacketType::PubRel,
        PacketType::PubComp,
        PacketType::Subscribe,
        PacketType::SubAck,
        PacketType::Unsubscribe,
        PacketType::UnsubAck,
        PacketType::PingReq,
        PacketType::PingResp,
        PacketType::Disconnect,
        PacketType::Auth,
    ];

    /// The packet type in the high nibble of `first_byte`, if it exists in `version`.
    pub fn from_first_byte(first_byte: u8, version: ProtocolVersion) -> Option<PacketType> {
        match first_byte >> 4 {
            0 => None,
            15 if version == ProtocolVersion::V311 => None,
            n => Some(PacketType::ALL[usize::from(n) - 1]),
        }
    }

    /// The spec's upper-case name, as drawn on the diagram.
    pub fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }

    /// The fixed flags this type requires; `None` for PUBLISH, whose flags carry DUP, QoS and
    /// RETAIN ([v3 MQTT-2.2.2-1], [v5 MQTT-2.1.3-1]).
    pub fn required_flags(self) -> Option<u8> {
        match self {
            PacketType::Publish => None,
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An MQTT control packet of either protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Packet {
    /// CONNECT (v3 §3.1, v5 §3.1).
    Connect(Box<Connect>),
    /// CONNACK (v3 §3.2, v5 §3.2).
    ConnAck(ConnAck),
    /// PUBLISH (v3 §3.3, v5 §3.3).
    Publish(Publish),
    /// PUBACK (v3 §3.4, v5 §3.4).
    PubAck(Ack),
    /// PUBREC (v3 §3.5, v5 §3.5).
    PubRec(Ack),
    /// PUBREL (v3 §3.6, v5 §3.6).
    PubRel(Ack),
    /// PUBCOMP (v3 §3.7, v5 §3.7).
    PubComp(Ack),
    /// SUBSCRIBE (v3 §3.8, v5 §3.8).
    Subscribe(Subscribe),
    /// SUBACK (v3 §3.9, v5 §3.9).
    SubAck(SubAck),
    /// UNSUBSCRIBE (v3 §3.10, v5 §3.10).
    Unsubscribe(Unsubscribe),
    /// UNSUBACK (v3 §3.11, v5 §3.11).
    UnsubAck(UnsubAck),
    /// PINGREQ (§3.12).
    PingReq,
    /// PINGRESP (§3.13).
    PingResp,
    /// DISCONNECT (v3 §3.14, v5 §3.14).
    Disconnect(Disconnect),
    /// AUTH (v5 §3.15).
    Auth(Auth),
}

/// The fixed header of a packet whose first bytes have arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedHeader {
    pub first_byte: u8,
    pub remaining_length: usize,
    /// Bytes taken by the first byte and the Remaining Length.
    pub header_len: usize,
}

impl FixedHeader {
    pub fn packet_len(&self) -> usize {
        self.header_len + self.remaining_length
    }

    /// Parses the fixed header at the start of `bytes`; `Ok(None)` when more bytes are needed.
    pub fn parse(
        bytes: &[u8],
        version: ProtocolVersion,
    ) -> Result<Option<FixedHeader>, DecodeError> {
        let Some((&first_byte, rest)) = bytes.split_first() else {
            return Ok(None);
        };
        let minimal = version == ProtocolVersion::V5;
        match read_var_int(rest, minimal) {
            Ok(Some((remaining_length, len))) => Ok(Some(FixedHeader {
                first_byte,
                remaining_length: remaining_length as usize,
                header_len: 1 + len,
            })),
            Ok(None) => Ok(None),
            Err(kind) => Err(DecodeError { kind, offset: 1 }),
        }
    }
}

impl Packet {
    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// Decodes one complete packet. `frame` holds exactly the packet's bytes (a
    /// [`FrameDecoder`](super::FrameDecoder) cuts them from a stream); the PUBLISH payload and
    /// binary fields share `frame`'s memory. A CONNECT is read in the version its level byte names.
    pub fn decode(frame: &Bytes, version: ProtocolVersion) -> Result<Packet, DecodeError> {
        Packet::read(&mut Reader::new(frame, version, false))
    }

    /// The bytes this packet takes on the wire.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let body = self.body_len(version)?;
        Ok(1 + var_int_len(body as u32) + body)
    }

    /// Appends the packet's bytes to `out`. Nothing is appended when the packet is invalid.
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let body = self.body_len(version)?;
        out.reserve(1 + var_int_len(body as u32) + body);
        out.push(self.first_byte());
        out.put_var_int(body as u32);
        self.write_body(&mut Output::writing(out), version)
    }

    /// Encodes the packet into a fresh buffer.
    pub fn to_bytes(&self, version: ProtocolVersion) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode(version, &mut out)?;
        Ok(out)
    }

    fn body_len(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        let mut counter = Output::counting();
        self.write_body(&mut counter, version)?;
        if counter.len > MAX_VAR_INT as usize {
            return Err(EncodeError::PacketTooLarge(counter.len));
        }
        Ok(counter.len)
    }

    fn first_byte(&self) -> u8 {
        let kind = self.packet_type();
        let flags = match self {
            Packet::Publish(publish) => publish.flags(),
            _ => kind.required_flags().unwrap_or(0),
        };
        (kind as u8) << 4 | flags
    }

    fn write_body<S: Sink>(
        &self,
        sink: &mut S,
        version: ProtocolVersion,
    ) -> Result<(), EncodeError> {
        match self {
            Packet::Connect(connect) => connect.write(sink),
            Packet::ConnAck(connack) => connack.write(sink, version),
            Packet::Publish(publish) => publish.write(sink, version),
            Packet::PubAck(ack) => ack.write(sink, version, PacketType::PubAck),
            Packet::PubRec(ack) => ack.write(sink, version, PacketType::PubRec),
            Packet::PubRel(ack) => ack.write(sink, version, PacketType::PubRel),
            Packet::PubComp(ack) => ack.write(sink, version, PacketType::PubComp),
            Packet::Subscribe(subscribe) => subscribe.write(sink, version),
            Packet::SubAck(suback) => suback.write(sink, version),
            Packet::Unsubscribe(unsubscribe) => unsubscribe.write(sink, version),
            Packet::UnsubAck(unsuback) => unsuback.write(sink, version),
            Packet::PingReq | Packet::PingResp => Ok(()),
            Packet::Disconnect(disconnect) => disconnect.write(sink, version),
            Packet::Auth(auth) => auth.write(sink, version),
        }
    }

    /// Reads a whole packet: fixed header, then the body of its type. Shared by decode and the
    /// annotated decode so that both apply exactly the same rules.
    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Packet, DecodeError> {
        let (kind, flags) = Packet::read_type(reader)?;
        let header = FixedHeader::parse(reader.bytes(), reader.version)?.ok_or_else(|| {
            reader.error_at(
                1,
                DecodeErrorKind::Truncated {
                    field: "Remaining Length",
                },
            )
        })?;
        let total = header.packet_len();
        let actual = reader.bytes().len();
        if actual < total {
            return Err(reader.error_at(
                actual,
                DecodeErrorKind::Truncated {
                    field: "packet body",
                },
            ));
        }
        if actual > total {
            return Err(reader.error_at(
                total,
                DecodeErrorKind::TrailingBytes {
                    packet: kind,
                    count: actual - total,
                },
            ));
        }
        Packet::read_body(reader, kind, flags, header)
    }

    /// Decodes a packet the [`FrameDecoder`](super::FrameDecoder) cut at `header`'s length, so
    /// the fixed header is not parsed twice.
    pub(crate) fn decode_framed(
        frame: &Bytes,
        version: ProtocolVersion,
        header: FixedHeader,
    ) -> Result<Packet, DecodeError> {
        let reader = &mut Reader::new(frame, version, false);
        let (kind, flags) = Packet::read_type(reader)?;
        Packet::read_body(reader, kind, flags, header)
    }

    /// The packet type and flags of the first byte, checked against the type's fixed flags.
    fn read_type(reader: &mut Reader<'_>) -> Result<(PacketType, u8), DecodeError> {
        let first_byte = reader.raw_u8("Packet Type")?;
        let kind = PacketType::from_first_byte(first_byte, reader.version).ok_or_else(|| {
            reader.error_at(0, DecodeErrorKind::InvalidPacketType(first_byte >> 4))
        })?;
        reader.record("Packet Type", 0, || {
            format!("{} ({})", kind.name(), first_byte >> 4)
        });
        let flags = first_byte & 0x0F;
        if let Some(expected) = kind.required_flags() {
            reader.record_span("Flags", 0, 1, || format!("{flags:04b}"));
            if flags != expected {
                return Err(reader.error_at(
                    0,
                    DecodeErrorKind::ReservedFlags {
                        packet: kind,
                        flags,
                        expected,
                    },
                ));
            }
        }
        Ok((kind, flags))
    }

    /// Everything after the fixed header.
    fn read_body(
        reader: &mut Reader<'_>,
        kind: PacketType,
        flags: u8,
        header: FixedHeader,
    ) -> Result<Packet, DecodeError> {
        reader.skip_to(header.header_len);
        reader.record("Remaining Length", 1, || {
            header.remaining_length.to_string()
        });
        let packet = match kind {
            PacketType::Connect => Packet::Connect(Box::new(Connect::read(reader)?)),
            PacketType::ConnAck => Packet::ConnAck(ConnAck::read(reader)?),
            PacketType::Publish => Packet::Publish(Publish::read(reader, flags)?),
            PacketType::PubAck => Packet::PubAck(Ack::read(reader, kind)?),
            PacketType::PubRec => Packet::PubRec(Ack::read(reader, kind)?),
            PacketType::PubRel => Packet::PubRel(Ack::read(reader, kind)?),
            PacketType::PubComp => Packet::PubComp(Ack::read(reader, kind)?),
            PacketType::Subscribe => Packet::Subscribe(Subscribe::read(reader)?),
            PacketType::SubAck => Packet::SubAck(SubAck::read(reader)?),
            PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::read(reader)?),
            PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::read(reader)?),
            PacketType::PingReq => Packet::PingReq,
            PacketType::PingResp => Packet::PingResp,
            PacketType::Disconnect => Packet::Disconnect(Disconnect::read(reader)?),
            PacketType::Auth => Packet::Auth(Auth::read(reader)?),
        };
        if reader.remaining() > 0 {
            let count = reader.remaining();
            return Err(reader.error_at(
                reader.pos(),
                DecodeErrorKind::TrailingBytes {
                    packet: kind,
                    count,
                },
            ));
        }
        Ok(packet)
    }
}
