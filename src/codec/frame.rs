//! Streaming decoder: bytes arrive in any chunking (a WebSocket message may hold half a packet
//! or several, [MQTT-6.0.0-2]); complete packets come out. "Need more bytes" is `Ok(None)`, not an
//! error. The packet size limit is checked as soon as the fixed header is in, before the body is
//! buffered, so a hostile Remaining Length costs nothing.

use bytes::{Bytes, BytesMut};

use super::error::{DecodeError, DecodeErrorKind};
use super::packet::FixedHeader;
use super::wire::MAX_VAR_INT;
use super::{Packet, ProtocolVersion};

/// The largest packet MQTT can express: first byte, 4-byte Remaining Length, 268,435,455 bytes.
pub const MAX_PACKET_SIZE: usize = 1 + 4 + MAX_VAR_INT as usize;

/// A decoded packet and the exact bytes it was decoded from (they share memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The packet.
    pub packet: Packet,
    /// Its bytes on the wire.
    pub raw: Bytes,
}

/// A packet that could not be decoded, with the bytes that were given up on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct FrameError {
    /// What is wrong, and where in `raw`.
    pub error: DecodeError,
    /// The malformed packet's bytes (or what had arrived of them).
    pub raw: Bytes,
}

/// Cuts a byte stream into packets.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    buffer: BytesMut,
    version: ProtocolVersion,
    max_packet_size: usize,
    failed: bool,
}

impl FrameDecoder {
    /// A decoder for `version` that accepts packets up to [`MAX_PACKET_SIZE`].
    pub fn new(version: ProtocolVersion) -> FrameDecoder {
        FrameDecoder {
            buffer: BytesMut::new(),
            version,
            max_packet_size: MAX_PACKET_SIZE,
            failed: false,
        }
    }

    /// Refuses packets larger than `max` bytes (the Maximum Packet Size we announced).
    pub fn with_max_packet_size(mut self, max: usize) -> FrameDecoder {
        self.max_packet_size = max;
        self
    }

    /// The version packets are read as. A decoded CONNECT switches it to the CONNECT's version,
    /// so a server-side decoder can start with either.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Sets the version packets are read as.
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Bytes received but not yet part of a complete packet.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Appends received bytes. Ignored after an error: the stream is out of step and the
    /// connection must be closed ([v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]).
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.failed {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// The next complete packet, `Ok(None)` if more bytes are needed, or the error that ends
    /// the stream (after which it returns `Ok(None)`).
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        if self.failed {
            return Ok(None);
        }
        let header = match FixedHeader::parse(&self.buffer, self.version) {
            Ok(Some(header)) => header,
            Ok(None) => return Ok(None),
            Err(error) => {
                // Give up the first byte and the Remaining Length bytes read, however the stream
                // was chunked: up to the first byte without a continuation bit, at most four.
                let length_bytes = self.buffer[1..]
                    .iter()
                    .take(4)
                    .position(|byte| byte & 0x80 == 0);
                let header = 1 + length_bytes.map_or(4, |position| position + 1);
                return Err(self.fail(error, header));
            }
        };
        let size = header.packet_len();
        if size > self.max_packet_size {
            let kind = DecodeErrorKind::PacketTooLarge {
                size,
                max: self.max_packet_size,
            };
            return Err(self.fail(DecodeError { kind, offset: 1 }, header.header_len));
        }
        if self.buffer.len() < size {
            return Ok(None);
        }
        let raw = self.buffer.split_to(size).freeze();
        match Packet::decode_framed(&raw, self.version, header) {
            Ok(packet) => {
                if let Packet::Connect(connect) = &packet {
                    self.version = connect.version;
                }
                Ok(Some(Frame { packet, raw }))
            }
            Err(error) => {
                self.failed = true;
                self.buffer.clear();
                Err(FrameError { error, raw })
            }
        }
    }

    fn fail(&mut self, error: DecodeError, keep: usize) -> FrameError {
        self.failed = true;
        let raw = self.buffer.split_to(keep.min(self.buffer.len())).freeze();
        self.buffer = BytesMut::new();
        FrameError { error, raw }
    }
}
