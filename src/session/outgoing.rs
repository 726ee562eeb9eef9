//! Outgoing QoS 1/2 messages in flight, in their original send order, and the packet identifier
//! allocator they share with SUBSCRIBE and UNSUBSCRIBE.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::codec::{Pid, Publish, Subscribe, Unsubscribe};
use crate::trace::FlowId;

/// Where an outgoing QoS 1/2 message stands (v3 §4.3, v5 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AckStage {
    /// QoS 1 PUBLISH sent, PUBACK not yet received.
    AwaitPubAck,
    /// QoS 2 PUBLISH sent, PUBREC not yet received.
    AwaitPubRec,
    /// PUBREL sent, PUBCOMP not yet received; the PUBLISH is never sent again
    /// ([v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-6]).
    AwaitPubComp,
}

/// One message in flight; `T` is what the owner tags it with (the client: its trace flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutgoingEntry<T = FlowId> {
    /// Send order, for re-sending in the original order ([MQTT-4.6.0-1]).
    pub seq: u64,
    /// The PUBLISH with its full topic (aliases are per connection, [v5 MQTT-3.3.2-7]).
    pub publish: Publish,
    /// Progress.
    pub stage: AckStage,
    /// The owner's tag (the client's trace flow).
    pub flow: T,
    /// Whether it went out on the current connection; cleared when a connection ends.
    #[serde(skip)]
    pub sent: bool,
    /// When it was last sent (for the teaching-only retry timer).
    #[serde(skip)]
    pub last_sent: u64,
}

/// A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Waiting for SUBACK.
    Subscribe(Subscribe),
    /// Waiting for UNSUBACK.
    Unsubscribe(Unsubscribe),
}

/// The in-flight table, shared by the client session and the simulated broker.
#[derive(Debug, Clone)]
pub struct InFlight<T = FlowId> {
    entries: FxHashMap<Pid, OutgoingEntry<T>>,
    next_seq: u64,
    unsent: usize,
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        InFlight {
            entries: FxHashMap::default(),
            next_seq: 0,
            unsent: 0,
        }
    }
}

impl<T> InFlight<T> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, pid: Pid) -> bool {
        self.entries.contains_key(&pid)
    }

    pub fn get_mut(&mut self, pid: Pid) -> Option<&mut OutgoingEntry<T>> {
        self.entries.get_mut(&pid)
    }

    /// Adds a message that has just been sent.
    pub fn insert_sent(&mut self, pid: Pid, publish: Publish, stage: AckStage, flow: T, now: u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.insert(
            pid,
            OutgoingEntry {
                seq,
                publish,
                stage,
                flow,
                sent: true,
                last_sent: now,
            },
        );
    }

    /// Adds a restored entry, not yet sent on this connection.
    pub fn restore(&mut self, pid: Pid, mut entry: OutgoingEntry<T>) {
        self.next_seq = self.next_seq.max(entry.seq + 1);
        entry.sent = false;
        self.unsent += 1;
        self.entries.insert(pid, entry);
    }

    pub fn remove(&mut self, pid: Pid) -> Option<OutgoingEntry<T>> {
        let entry = self.entries.remove(&pid)?;
        if !entry.sent {
            self.unsent -= 1;
        }
        Some(entry)
    }

    /// Marks everything as not sent on the (new) connection.
    pub fn mark_all_unsent(&mut self) {
        for entry in self.entries.values_mut() {
            entry.sent = false;
        }
        self.unsent = self.entries.len();
    }

    pub fn mark_sent(&mut self, pid: Pid, now: u64) {
        if let Some(entry) = self.entries.get_mut(&pid) {
            if !entry.sent {
                entry.sent = true;
                self.unsent -= 1;
            }
            entry.last_sent = now;
        }
    }

    pub fn has_unsent(&self) -> bool {
        self.unsent > 0
    }

    /// Packet identifiers in original send order.
    pub fn pids_in_order(&self) -> Vec<Pid> {
        let pids: Vec<(u64, Pid)> = self
            .entries
            .iter()
            .map(|(pid, entry)| (entry.seq, *pid))
            .collect();
        sorted(pids).into_iter().map(|(_, pid)| pid).collect()
    }

    /// Entries in original send order.
    pub fn entries_in_order(&self) -> Vec<(Pid, &OutgoingEntry<T>)> {
        self.pids_in_order()
            .into_iter()
            .map(|pid| (pid, &self.entries[&pid]))
            .collect()
    }

    /// Removes and returns every entry, in send order.
    pub fn drain_in_order(&mut self) -> Vec<(Pid, OutgoingEntry<T>)> {
        let order = self.pids_in_order();
        self.unsent = 0;
        order
            .into_iter()
            .filter_map(|pid| self.entries.remove(&pid).map(|entry| (pid, entry)))
            .collect()
    }

    pub fn count_stage(&self, stage: AckStage) -> usize {
        self.entries
            .values()
            .filter(|entry| entry.stage == stage)
            .count()
    }

    /// The earliest time a sent entry is due for a teaching retry.
    pub fn earliest_sent(&self) -> Option<u64> {
        self.entries
            .values()
            .filter(|entry| entry.sent)
            .map(|entry| entry.last_sent)
            .min()
    }
}

/// `items` in ascending order. A heapsort (std's `BinaryHeap`): O(n log n) like `sort_unstable`,
/// with a fraction of its code in the wasm build.
pub(crate) fn sorted<T: Ord>(items: Vec<T>) -> Vec<T> {
    std::collections::BinaryHeap::from(items).into_sorted_vec()
}

/// Hands out packet identifiers: a wrapping counter that skips identifiers in use
/// ([v3 MQTT-2.3.1-2], [v5 MQTT-2.2.1-3]; 65535 wraps to 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidAllocator {
    next: Pid,
}

impl Default for PidAllocator {
    fn default() -> Self {
        PidAllocator { next: Pid::FIRST }
    }
}

impl PidAllocator {
    /// An allocator whose next candidate is `next`.
    pub fn starting_at(next: Pid) -> PidAllocator {
        PidAllocator { next }
    }

    /// The next candidate identifier.
    pub fn next(&self) -> Pid {
        self.next
    }

    /// The next free identifier, or `None` when all 65,535 are in use.
    pub fn allocate(&mut self, in_use: impl Fn(Pid) -> bool) -> Option<Pid> {
        let mut candidate = self.next;
        for _ in 0..u16::MAX {
            if !in_use(candidate) {
                self.next = candidate.next();
                return Some(candidate);
            }
            candidate = candidate.next();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocator_skips_identifiers_in_use_and_wraps_to_one() {
        let mut allocator = PidAllocator {
            next: Pid::new(65534).unwrap(),
        };
        let busy = |pid: Pid| pid.get() == 65535 || pid.get() == 1;
        assert_eq!(allocator.allocate(busy).map(Pid::get), Some(65534));
        assert_eq!(allocator.allocate(busy).map(Pid::get), Some(2));
        assert_eq!(allocator.allocate(|_| true), None);
    }
}
