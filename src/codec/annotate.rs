//! Annotated decode for the packet inspector: every field with its byte range, its name and its
//! value as a person reads it (like a protocol analyser's packet detail). It runs the decoder's
//! own parsing code with recording switched on, so the two cannot disagree.

use serde::Serialize;

use super::error::DecodeError;
use super::Packet;

/// One decoded field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The spec's name for the field.
    pub name: String,
    /// First byte of the field within the packet.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The value, readable.
    pub value: String,
    /// Nesting level (properties sit inside their property list).
    pub depth: u8,
}

/// The fields of a packet, as far as they could be read, and the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    /// Fields in wire order; up to the error when decoding failed.
    pub fields: Vec<Field>,
    /// The packet, or why it is malformed.
    pub result: Result<Packet, DecodeError>,
}

/// Decodes `packet` (exactly one packet's bytes) and records each field. Needs the `trace` feature.
#[cfg(feature = "trace")]
pub fn annotate(packet: &[u8], version: super::ProtocolVersion) -> Annotated {
    let frame = bytes::Bytes::copy_from_slice(packet);
    let mut reader = super::wire::Reader::new(&frame, version, true);
    let result = Packet::read(&mut reader);
    let mut fields = reader.take_fields();
    // Wire order: PUBLISH flags are interpreted after the Remaining Length but sit in byte 0.
    fields.sort_by_key(|field| field.start);
    Annotated { fields, result }
}
