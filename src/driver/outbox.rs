//! What the session wrote, on its way to the transport: bytes waiting for a flush, bytes waiting
//! for the state they depend on to be saved, and the trace of both. A packet's record leaves
//! with its fate (sent, or lost because the connection went or a fault dropped it), and the
//! trace keeps its order, so nothing is recorded as sent that was not.

use std::collections::VecDeque;

use crate::trace::{Direction, PacketFate, TraceEvent};

/// Bytes on their way out, and trace events waiting for their packets' fate.
#[derive(Debug, Default)]
pub struct Outbox {
    pending: Chunk,
    held: Chunk,
    trace: VecDeque<TraceEvent>,
    /// Positions in `trace` (counted from `released`) of packet records not yet settled, in
    /// the order their bytes were written.
    unsettled: VecDeque<u64>,
    /// How many trace events have left.
    released: u64,
}

/// Bytes and the number of whole packets in them.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The packets in them (their records are the next unsettled ones).
    pub packets: usize,
}

impl Outbox {
    /// The session wrote `bytes` and recorded `trace` (its records of those packets among it).
    pub fn write(&mut self, bytes: &[u8], trace: Vec<TraceEvent>) {
        self.pending.bytes.extend_from_slice(bytes);
        for event in trace {
            if is_written_packet(&event) {
                self.unsettled
                    .push_back(self.released + self.trace.len() as u64);
                self.pending.packets += 1;
            }
            self.trace.push_back(event);
        }
    }

    /// Adds a trace event that waits for no bytes (a packet received, a flow step, a packet the
    /// driver sent or lost itself), behind those that wait.
    #[cfg(feature = "trace")]
    pub fn record(&mut self, event: TraceEvent) {
        self.trace.push_back(event);
    }

    /// How many bytes wait for a flush.
    pub fn pending_len(&self) -> usize {
        self.pending.bytes.len()
    }

    /// Takes the bytes waiting for a flush.
    pub fn take_pending(&mut self) -> Chunk {
        std::mem::take(&mut self.pending)
    }

    /// Keeps `chunk` until the state it depends on is saved, behind what is kept already.
    pub fn hold(&mut self, chunk: Chunk) {
        self.held.bytes.extend_from_slice(&chunk.bytes);
        self.held.packets += chunk.packets;
    }

    /// Takes the bytes kept for a save.
    pub fn take_held(&mut self) -> Chunk {
        std::mem::take(&mut self.held)
    }

    /// The next `packets` packets left; those at the positions in `dropped` (within them) were
    /// lost on the way.
    pub fn settle(&mut self, packets: usize, dropped: &[usize]) {
        for index in 0..packets {
            let fate = if dropped.contains(&index) {
                PacketFate::Dropped
            } else {
                PacketFate::Delivered
            };
            self.settle_next(fate);
        }
    }

    /// The connection is gone: everything not yet sent is lost, and recorded so.
    pub fn discard(&mut self) {
        let chunks = [self.take_held(), self.take_pending()];
        for chunk in chunks {
            for _ in 0..chunk.packets {
                self.settle_next(PacketFate::Dropped);
            }
        }
    }

    /// The trace events whose packets' fates are known, in order (empty when none are).
    pub fn ready_trace(&mut self) -> Vec<TraceEvent> {
        let ready = match self.unsettled.front() {
            Some(first) => (first - self.released) as usize,
            None => self.trace.len(),
        };
        self.released += ready as u64;
        self.trace.drain(..ready).collect()
    }

    fn settle_next(&mut self, fate: PacketFate) {
        let Some(position) = self.unsettled.pop_front() else {
            return;
        };
        if let Some(TraceEvent::Packet(record)) =
            self.trace.get_mut((position - self.released) as usize)
        {
            record.fate = fate;
        }
    }
}

/// A record of a packet the session wrote.
fn is_written_packet(event: &TraceEvent) -> bool {
    matches!(event, TraceEvent::Packet(record) if record.direction == Direction::Outgoing)
}
