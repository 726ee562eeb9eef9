//! When what the session wrote leaves, as one transport message.
//!
//! A browser's cost is per WebSocket message, not per byte, so writes are gathered. Within one
//! JavaScript task a microtask gathers them all, but applications publish from events (a reading,
//! a received message, a click), each its own task, and so do the acknowledgements of received
//! messages. On a busy connection the flush therefore waits until after the tasks already queued
//! (a `MessageChannel` message, which has no timer clamp), the way MQTT.js's `nextTick` and a
//! `setTimeout(0)` do. An idle connection still sends at the end of the current task, adding no
//! delay to a lone publish.

/// Where in the event loop a flush runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushAt {
    /// At the end of the current task (a microtask).
    EndOfTask,
    /// After the tasks already queued (a posted message).
    AfterQueuedTasks,
}

/// What to do when a flush is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushDecision {
    /// Send what is pending now.
    Send,
    /// Wait again: the transport still holds unsent bytes, so gathering more costs nothing.
    Wait(FlushAt),
}

/// A connection that received or flushed within this many ms is busy: more is likely queued.
const BUSY_WITHIN_MS: u64 = 1;
/// Past this many pending bytes a flush sends even while the transport holds unsent bytes.
const MAX_GATHERED_BYTES: usize = 64 * 1024;
/// How many times in a row a flush may wait for the transport's buffer to empty.
const MAX_WAITS: u32 = 4;

/// The write-coalescing policy: fed writes, flushes due and the transport's buffered amount.
#[derive(Debug, Default)]
pub struct FlushPolicy {
    scheduled: bool,
    last_activity: Option<u64>,
    waits: u32,
}

impl FlushPolicy {
    /// Something was written at `now`: where to schedule a flush, unless one already is.
    pub fn on_write(&mut self, now: u64) -> Option<FlushAt> {
        if self.scheduled {
            return None;
        }
        self.scheduled = true;
        Some(if self.is_busy(now) {
            FlushAt::AfterQueuedTasks
        } else {
            FlushAt::EndOfTask
        })
    }

    /// Bytes arrived at `now`.
    pub fn on_receive(&mut self, now: u64) {
        self.last_activity = Some(now);
    }

    /// The scheduled flush is due, with `pending` bytes gathered and `buffered` bytes the
    /// transport has taken but not yet sent.
    pub fn on_due(&mut self, now: u64, pending: usize, buffered: u64) -> FlushDecision {
        if pending > 0 && buffered > 0 && pending < MAX_GATHERED_BYTES && self.waits < MAX_WAITS {
            self.waits += 1;
            return FlushDecision::Wait(FlushAt::AfterQueuedTasks);
        }
        self.scheduled = false;
        self.waits = 0;
        if pending > 0 {
            self.last_activity = Some(now);
        }
        FlushDecision::Send
    }

    /// Whether a flush is scheduled (and not yet due).
    pub fn is_scheduled(&self) -> bool {
        self.scheduled
    }

    fn is_busy(&self, now: u64) -> bool {
        self.last_activity
            .is_some_and(|last| now.saturating_sub(last) <= BUSY_WITHIN_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_connection_flushes_at_the_end_of_the_task() {
        let mut policy = FlushPolicy::default();
        assert_eq!(policy.on_write(1_000), Some(FlushAt::EndOfTask));
        // A second write before the flush joins it.
        assert_eq!(policy.on_write(1_000), None);
        assert_eq!(policy.on_due(1_000, 20, 0), FlushDecision::Send);
        // Long after, the connection is idle again.
        assert_eq!(policy.on_write(1_010), Some(FlushAt::EndOfTask));
    }

    #[test]
    fn a_busy_connection_flushes_after_the_queued_tasks() {
        let mut policy = FlushPolicy::default();
        policy.on_receive(500);
        assert_eq!(policy.on_write(500), Some(FlushAt::AfterQueuedTasks));
        assert_eq!(policy.on_due(501, 20, 0), FlushDecision::Send);
        // It flushed at 501: a write in the next ms still finds it busy.
        assert_eq!(policy.on_write(502), Some(FlushAt::AfterQueuedTasks));
        assert_eq!(policy.on_due(502, 20, 0), FlushDecision::Send);
        assert_eq!(policy.on_write(504), Some(FlushAt::EndOfTask));
    }

    #[test]
    fn unsent_bytes_in_the_transport_let_a_flush_gather_more_a_few_times() {
        let mut policy = FlushPolicy::default();
        policy.on_write(0);
        for _ in 0..MAX_WAITS {
            assert_eq!(
                policy.on_due(0, 100, 4_096),
                FlushDecision::Wait(FlushAt::AfterQueuedTasks)
            );
            assert!(policy.is_scheduled());
        }
        assert_eq!(policy.on_due(0, 100, 4_096), FlushDecision::Send);
        assert!(!policy.is_scheduled());
        // The count starts again with the next flush.
        policy.on_write(0);
        assert_eq!(
            policy.on_due(0, 100, 4_096),
            FlushDecision::Wait(FlushAt::AfterQueuedTasks)
        );
    }

    #[test]
    fn a_large_gathering_or_an_empty_transport_sends_at_once() {
        let mut policy = FlushPolicy::default();
        policy.on_write(0);
        assert_eq!(
            policy.on_due(0, MAX_GATHERED_BYTES, 4_096),
            FlushDecision::Send
        );
        policy.on_write(0);
        assert_eq!(policy.on_due(0, 100, 0), FlushDecision::Send);
        // Nothing pending: nothing to wait for.
        policy.on_write(0);
        assert_eq!(policy.on_due(0, 0, 4_096), FlushDecision::Send);
    }
}
