//! Client-side faults on a real connection, for the broker check and for teaching against a real
//! broker: lose our next packet of a kind (withhold an acknowledgement), lose the broker's next
//! packet of a kind, split what we write into small WebSocket messages, and count the frames the
//! server sent. Sans-IO: the driver passes bytes through and does what it is told.

use crate::codec::PacketType;

/// What to do to one connection's traffic.
#[derive(Debug, Default)]
pub struct WireFaults {
    drop_outgoing: Vec<PacketType>,
    drop_incoming: Vec<PacketType>,
    frame_limit: Option<usize>,
    incoming: Vec<u8>,
    /// Binary frames the server sent.
    pub binary_frames: usize,
    /// Text frames the server sent.
    pub text_frames: usize,
    /// The subprotocol the server selected.
    pub subprotocol: Option<String>,
}

/// What became of a write.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outgoing {
    /// WebSocket messages to send, in order.
    pub messages: Vec<Vec<u8>>,
    /// Positions (among the packets of the write) of the packets lost.
    pub dropped: Vec<usize>,
}

/// What became of bytes received.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Incoming {
    /// Bytes for the session.
    pub delivered: Vec<u8>,
    /// Whole packets lost, as received.
    pub dropped: Vec<Vec<u8>>,
}

impl WireFaults {
    /// Loses the next packet of `kind` we send.
    pub fn drop_next_outgoing(&mut self, kind: PacketType) {
        self.drop_outgoing.push(kind);
    }

    /// Loses the next packet of `kind` the server sends.
    pub fn drop_next_incoming(&mut self, kind: PacketType) {
        self.drop_incoming.push(kind);
    }

    /// Splits writes into WebSocket messages of at most `bytes` bytes (`None`: one per write).
    pub fn set_frame_limit(&mut self, bytes: Option<usize>) {
        self.frame_limit = bytes.filter(|bytes| *bytes > 0);
    }

    /// A new connection: a partial packet from the old one is gone.
    pub fn reset_connection(&mut self) {
        self.incoming.clear();
    }

    /// Applies the faults to what the session wrote (whole packets).
    pub fn outgoing(&mut self, bytes: &[u8]) -> Outgoing {
        let mut kept = Vec::with_capacity(bytes.len());
        let mut dropped = Vec::new();
        for (index, packet) in packets(bytes).enumerate() {
            if take(&mut self.drop_outgoing, packet) {
                dropped.push(index);
            } else {
                kept.extend_from_slice(packet);
            }
        }
        // Bytes after the last whole packet (none from a session) go as they are.
        let whole: usize = packets(bytes).map(<[u8]>::len).sum();
        kept.extend_from_slice(&bytes[whole..]);
        let messages = match self.frame_limit {
            _ if kept.is_empty() => Vec::new(),
            Some(limit) => kept.chunks(limit).map(<[u8]>::to_vec).collect(),
            None => vec![kept],
        };
        Outgoing { messages, dropped }
    }

    /// Applies the faults to a binary frame from the server (any chunking).
    pub fn incoming(&mut self, bytes: &[u8]) -> Incoming {
        self.binary_frames += 1;
        self.incoming.extend_from_slice(bytes);
        let mut result = Incoming::default();
        let mut consumed = 0;
        for packet in packets(&self.incoming) {
            consumed += packet.len();
            if take(&mut self.drop_incoming, packet) {
                result.dropped.push(packet.to_vec());
            } else {
                result.delivered.extend_from_slice(packet);
            }
        }
        self.incoming.drain(..consumed);
        result
    }
}

/// Removes the first pending drop matching the packet's type; true when there was one.
fn take(pending: &mut Vec<PacketType>, packet: &[u8]) -> bool {
    let kind = packet[0] >> 4;
    match pending.iter().position(|wanted| *wanted as u8 == kind) {
        Some(index) => {
            pending.remove(index);
            true
        }
        None => false,
    }
}

/// The whole packets at the start of `bytes` (fixed header, remaining length, body).
fn packets(mut bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let mut length = 0usize;
        for (index, byte) in bytes.iter().enumerate().skip(1).take(4) {
            length |= usize::from(byte & 0x7F) << (7 * (index - 1));
            if byte & 0x80 == 0 {
                let end = index + 1 + length;
                if end > bytes.len() {
                    return None;
                }
                let (packet, rest) = bytes.split_at(end);
                bytes = rest;
                return Some(packet);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Ack, Packet, Pid, ProtocolVersion};

    fn encoded(packets: &[Packet]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for packet in packets {
            packet.encode(ProtocolVersion::V311, &mut bytes).unwrap();
        }
        bytes
    }

    fn ack(pid: u16) -> Ack {
        Ack::new(Pid::new(pid).unwrap())
    }

    #[test]
    fn loses_only_the_next_packet_of_the_kind_asked() {
        let mut faults = WireFaults::default();
        faults.drop_next_outgoing(PacketType::PubAck);
        let bytes = encoded(&[
            Packet::PubRec(ack(1)),
            Packet::PubAck(ack(2)),
            Packet::PubAck(ack(3)),
        ]);
        let out = faults.outgoing(&bytes);
        assert_eq!(out.dropped, [1]);
        assert_eq!(
            out.messages,
            [encoded(&[Packet::PubRec(ack(1)), Packet::PubAck(ack(3))])]
        );
        assert_eq!(faults.outgoing(&bytes).dropped, Vec::<usize>::new());
    }

    #[test]
    fn splits_writes_into_small_messages() {
        let mut faults = WireFaults::default();
        faults.set_frame_limit(Some(3));
        let bytes = encoded(&[Packet::PubAck(ack(1)), Packet::PingReq]);
        let out = faults.outgoing(&bytes);
        assert_eq!(out.messages.concat(), bytes);
        assert!(out.messages.iter().all(|message| message.len() <= 3));
        assert_eq!(out.messages.len(), 2);
    }

    #[test]
    fn incoming_packets_split_across_frames_are_found_and_lost_whole() {
        let mut faults = WireFaults::default();
        faults.drop_next_incoming(PacketType::PubRel);
        let bytes = encoded(&[Packet::PubRel(ack(4)), Packet::PingResp]);
        let mut delivered = Vec::new();
        let mut dropped = Vec::new();
        for byte in &bytes {
            let result = faults.incoming(std::slice::from_ref(byte));
            delivered.extend(result.delivered);
            dropped.extend(result.dropped);
        }
        assert_eq!(delivered, encoded(&[Packet::PingResp]));
        assert_eq!(dropped, [encoded(&[Packet::PubRel(ack(4))])]);
        assert_eq!(faults.binary_frames, bytes.len());
    }
}
