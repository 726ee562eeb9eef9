//! The trace on its way to the application: a packet's record waits until its bytes left (or
//! were lost) and leaves with that fate, and the events behind it wait with it, so the trace
//! keeps its order and records nothing as sent that was not. Without the `trace` feature there
//! is no trace, and the log is empty and costs nothing.

#[cfg(feature = "trace")]
pub use recording::PacketLog;
#[cfg(not(feature = "trace"))]
pub use silent::PacketLog;

#[cfg(feature = "trace")]
mod recording {
    use std::collections::VecDeque;

    use crate::trace::{Direction, PacketFate, TraceEvent};

    /// Trace events waiting for their packets' fate.
    #[derive(Debug, Default)]
    pub struct PacketLog {
        events: VecDeque<TraceEvent>,
        /// Positions in `events` (counted from `released`) of packet records not yet settled,
        /// in the order their bytes were written.
        unsettled: VecDeque<u64>,
        /// How many events have left.
        released: u64,
    }

    impl PacketLog {
        /// Adds what the session recorded; returns how many of its packet records wait for
        /// bytes it wrote.
        pub fn written(&mut self, trace: Vec<TraceEvent>) -> usize {
            let mut packets = 0;
            for event in trace {
                if is_written_packet(&event) {
                    self.unsettled
                        .push_back(self.released + self.events.len() as u64);
                    packets += 1;
                }
                self.events.push_back(event);
            }
            packets
        }

        /// Adds an event that waits for no bytes, behind those that wait.
        pub fn record(&mut self, event: TraceEvent) {
            self.events.push_back(event);
        }

        /// The next `packets` packets left; those at the positions in `dropped` were lost.
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

        /// The next `packets` packets never left.
        pub fn lose(&mut self, packets: usize) {
            for _ in 0..packets {
                self.settle_next(PacketFate::Dropped);
            }
        }

        /// The events up to the first packet whose fate is not known yet.
        pub fn ready(&mut self) -> Vec<TraceEvent> {
            let ready = match self.unsettled.front() {
                Some(first) => (first - self.released) as usize,
                None => self.events.len(),
            };
            self.released += ready as u64;
            self.events.drain(..ready).collect()
        }

        fn settle_next(&mut self, fate: PacketFate) {
            let Some(position) = self.unsettled.pop_front() else {
                return;
            };
            if let Some(TraceEvent::Packet(record)) =
                self.events.get_mut((position - self.released) as usize)
            {
                record.fate = fate;
            }
        }
    }

    /// A record of a packet the session wrote.
    fn is_written_packet(event: &TraceEvent) -> bool {
        matches!(event, TraceEvent::Packet(record) if record.direction == Direction::Outgoing)
    }
}

#[cfg(not(feature = "trace"))]
mod silent {
    use crate::trace::TraceEvent;

    /// No trace: nothing waits.
    #[derive(Debug, Default)]
    pub struct PacketLog;

    impl PacketLog {
        /// The session records nothing without the trace.
        pub fn written(&mut self, _trace: Vec<TraceEvent>) -> usize {
            0
        }

        /// Nothing to settle.
        pub fn settle(&mut self, _packets: usize, _dropped: &[usize]) {}

        /// Nothing to lose.
        pub fn lose(&mut self, _packets: usize) {}

        /// Nothing is ever ready.
        pub fn ready(&mut self) -> Vec<TraceEvent> {
            Vec::new()
        }
    }
}
