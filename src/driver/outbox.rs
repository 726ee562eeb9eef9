//! What the session wrote, on its way to the transport: bytes waiting for a flush and bytes
//! waiting for the state they depend on to be saved, with the trace of both in a
//! [`PacketLog`], which gives each packet's record its fate when its bytes leave or are lost.

use super::packet_log::PacketLog;
use crate::trace::TraceEvent;

/// Bytes on their way out, and the trace waiting for their packets' fate.
#[derive(Debug, Default)]
pub struct Outbox {
    pending: Chunk,
    held: Chunk,
    log: PacketLog,
}

/// Bytes and the number of whole packets in them.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The packets in them whose records wait in the log (none without the trace).
    pub packets: usize,
}

impl Outbox {
    /// The session wrote `bytes` and recorded `trace` (its records of those packets among it).
    pub fn write(&mut self, bytes: &[u8], trace: Vec<TraceEvent>) {
        self.pending.bytes.extend_from_slice(bytes);
        self.pending.packets += self.log.written(trace);
    }

    /// Adds a trace event that waits for no bytes (a packet the driver sent or lost itself),
    /// behind those that wait.
    #[cfg(feature = "trace")]
    pub fn record(&mut self, event: TraceEvent) {
        self.log.record(event);
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
        self.log.settle(packets, dropped);
    }

    /// The connection is gone: everything not yet sent is lost, and recorded so.
    pub fn discard(&mut self) {
        let lost = self.take_held().packets + self.take_pending().packets;
        self.log.lose(lost);
    }

    /// The trace events whose packets' fates are known, in order (empty when none are).
    pub fn ready_trace(&mut self) -> Vec<TraceEvent> {
        self.log.ready()
    }
}
