//! When what the session wrote leaves, as one transport message.
//!
//! A browser's cost is per WebSocket message, not per byte, so writes are gathered. Within one
//! JavaScript task a microtask gathers them all, but applications publish from events (a reading,
//! a received message, a click), each its own task, and so do the acknowledgements of received
//! messages. On a busy connection the flush therefore waits until after the tasks already queued
//! (a `MessageChannel` message, which has no timer clamp), the way MQTT.js's `nextTick` and a
//! `setTimeout(0)` do. An idle connection still sends at the end of the current task, adding no
//! delay to a lone publish.
//!
//! Waiting for the queued tasks is not always enough. When the broker's packets come one at a
//! time, a little apart, each runs alone and each flush carries one or two packets; the broker
//! answers those in small pieces too, and the connection stays in that state. So, as Nagle's
//! algorithm does for TCP, while the broker owes many answers for what has left a small flush
//! is held until more of them have arrived (or, at the latest, a deadline): the answers are
//! certain to come, and what they make us write joins the same message.

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
    /// Wait for the broker's answers: [`FlushPolicy::on_receive`] or, at the latest,
    /// [`FlushPolicy::on_timer`] at [`FlushPolicy::deadline`] says when the flush is due again.
    Hold,
}

/// A connection that received or flushed within this many ms is busy: more is likely queued.
const BUSY_WITHIN_MS: u64 = 1;
/// Past this many pending bytes a flush sends even while the transport holds unsent bytes.
const MAX_GATHERED_BYTES: usize = 64 * 1024;
/// How many times in a row a flush may wait for the transport's buffer to empty.
const MAX_WAITS: u32 = 4;
/// A flush is held until this many packets have arrived since the last one.
const GATHER_ARRIVALS: u64 = 32;
/// A flush is held only while the broker owes at least this many answers, so that the
/// arrivals it waits for are a small part of what is on its way.
const HOLD_WHEN_OWED: u64 = 2 * GATHER_ARRIVALS;
/// The longest a flush is held, in ms (the clock counts whole ms, so at least one passes).
const MAX_HOLD_MS: u64 = 2;

/// The write-coalescing policy: fed writes, arrivals, flushes due and the transport's buffered
/// amount.
#[derive(Debug, Default)]
pub struct FlushPolicy {
    /// A flush is scheduled or held.
    scheduled: bool,
    /// While a flush is held: when it is due at the latest.
    held_until: Option<u64>,
    last_activity: Option<u64>,
    waits: u32,
    /// How many answers the broker owes, at most, for what has left: the exchanges in flight at
    /// the last flush, less every packet that arrived since (not all of them are answers).
    owed: u64,
    /// Packets that arrived since the last flush.
    arrived: u64,
}

impl FlushPolicy {
    /// Something was written at `now`, making `pending` bytes: where to schedule a flush,
    /// unless one already is.
    pub fn on_write(&mut self, now: u64, pending: usize) -> Option<FlushAt> {
        if self.held_until.is_some() && pending >= MAX_GATHERED_BYTES {
            self.held_until = None;
            return Some(FlushAt::EndOfTask);
        }
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

    /// `packets` whole packets arrived at `now`: where to schedule a held flush, once enough
    /// have.
    pub fn on_receive(&mut self, now: u64, packets: u64) -> Option<FlushAt> {
        self.last_activity = Some(now);
        self.owed = self.owed.saturating_sub(packets);
        self.arrived += packets;
        if self.held_until.is_some() && (self.arrived >= GATHER_ARRIVALS || self.owed == 0) {
            self.held_until = None;
            return Some(FlushAt::AfterQueuedTasks);
        }
        None
    }

    /// The scheduled flush is due, with `pending` bytes gathered and `buffered` bytes the
    /// transport has taken but not yet sent.
    pub fn on_due(&mut self, now: u64, pending: usize, buffered: u64) -> FlushDecision {
        let small = pending > 0 && pending < MAX_GATHERED_BYTES;
        if small && buffered > 0 && self.waits < MAX_WAITS {
            self.waits += 1;
            return FlushDecision::Wait(FlushAt::AfterQueuedTasks);
        }
        if small && self.arrived < GATHER_ARRIVALS && self.owed >= HOLD_WHEN_OWED {
            self.held_until = Some(now + MAX_HOLD_MS);
            return FlushDecision::Hold;
        }
        self.scheduled = false;
        self.waits = 0;
        if pending > 0 {
            self.last_activity = Some(now);
        }
        FlushDecision::Send
    }

    /// Bytes left on the connection, with `in_flight` exchanges now waiting for the broker's
    /// answers.
    pub fn on_sent(&mut self, in_flight: u64) {
        self.owed = in_flight;
        self.arrived = 0;
    }

    /// When a held flush is due at the latest.
    pub fn deadline(&self) -> Option<u64> {
        self.held_until
    }

    /// The timer fired at `now`: where to schedule a held flush whose deadline passed. The
    /// answers it waited for did not come, so it does not wait for them again.
    pub fn on_timer(&mut self, now: u64) -> Option<FlushAt> {
        if self.held_until.is_some_and(|deadline| deadline <= now) {
            self.held_until = None;
            self.owed = 0;
            return Some(FlushAt::EndOfTask);
        }
        None
    }

    /// The connection is gone: no answers are coming, and a held flush is due now.
    pub fn on_lost(&mut self) -> Option<FlushAt> {
        self.owed = 0;
        self.held_until.take().map(|_| FlushAt::EndOfTask)
    }

    /// Whether a flush is scheduled or held (and not yet due).
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
        assert_eq!(policy.on_write(1_000, 20), Some(FlushAt::EndOfTask));
        // A second write before the flush joins it.
        assert_eq!(policy.on_write(1_000, 20), None);
        assert_eq!(policy.on_due(1_000, 20, 0), FlushDecision::Send);
        // Long after, the connection is idle again.
        assert_eq!(policy.on_write(1_010, 20), Some(FlushAt::EndOfTask));
    }

    #[test]
    fn a_busy_connection_flushes_after_the_queued_tasks() {
        let mut policy = FlushPolicy::default();
        policy.on_receive(500, 1);
        assert_eq!(policy.on_write(500, 20), Some(FlushAt::AfterQueuedTasks));
        assert_eq!(policy.on_due(501, 20, 0), FlushDecision::Send);
        // It flushed at 501: a write in the next ms still finds it busy.
        assert_eq!(policy.on_write(502, 20), Some(FlushAt::AfterQueuedTasks));
        assert_eq!(policy.on_due(502, 20, 0), FlushDecision::Send);
        assert_eq!(policy.on_write(504, 20), Some(FlushAt::EndOfTask));
    }

    #[test]
    fn unsent_bytes_in_the_transport_let_a_flush_gather_more_a_few_times() {
        let mut policy = FlushPolicy::default();
        policy.on_write(0, 20);
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
        policy.on_write(0, 20);
        assert_eq!(
            policy.on_due(0, 100, 4_096),
            FlushDecision::Wait(FlushAt::AfterQueuedTasks)
        );
    }

    #[test]
    fn a_large_gathering_or_an_empty_transport_sends_at_once() {
        let mut policy = FlushPolicy::default();
        policy.on_write(0, 20);
        assert_eq!(
            policy.on_due(0, MAX_GATHERED_BYTES, 4_096),
            FlushDecision::Send
        );
        policy.on_write(0, 20);
        assert_eq!(policy.on_due(0, 100, 0), FlushDecision::Send);
        // Nothing pending: nothing to wait for.
        policy.on_write(0, 20);
        assert_eq!(policy.on_due(0, 0, 4_096), FlushDecision::Send);
    }

    /// A policy whose last flush left `in_flight` exchanges for the broker to answer, with a
    /// write pending on a busy connection.
    fn streaming(in_flight: u64) -> FlushPolicy {
        let mut policy = FlushPolicy::default();
        policy.on_sent(in_flight);
        policy.on_receive(10, 1);
        assert_eq!(policy.on_write(10, 20), Some(FlushAt::AfterQueuedTasks));
        policy
    }

    #[test]
    fn while_the_broker_owes_many_answers_a_small_flush_waits_for_them() {
        let mut policy = streaming(256);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Hold);
        assert_eq!(policy.deadline(), Some(10 + MAX_HOLD_MS));
        // Writes join the held flush; arrivals short of the count keep it held.
        assert_eq!(policy.on_write(10, 40), None);
        assert_eq!(policy.on_receive(10, GATHER_ARRIVALS - 2), None);
        assert_eq!(
            policy.on_receive(11, 1),
            Some(FlushAt::AfterQueuedTasks),
            "the count is reached"
        );
        assert_eq!(policy.deadline(), None);
        assert_eq!(policy.on_due(11, 400, 0), FlushDecision::Send);
        assert!(!policy.is_scheduled());
    }

    #[test]
    fn a_held_flush_is_due_at_its_deadline_and_does_not_hold_again() {
        let mut policy = streaming(256);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Hold);
        assert_eq!(policy.on_timer(10 + MAX_HOLD_MS - 1), None);
        assert_eq!(policy.on_timer(10 + MAX_HOLD_MS), Some(FlushAt::EndOfTask));
        assert_eq!(policy.on_due(10 + MAX_HOLD_MS, 20, 0), FlushDecision::Send);
        // Until the next flush, the answers are no longer counted on.
        policy.on_write(12, 20);
        assert_eq!(policy.on_due(12, 20, 0), FlushDecision::Send);
    }

    #[test]
    fn a_flush_is_not_held_when_few_answers_are_owed_or_enough_arrived() {
        // A few exchanges in flight (an application awaiting each publish): no hold.
        let mut policy = streaming(HOLD_WHEN_OWED - 1);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Send);
        // Enough arrived since the last flush: it carries their answers already.
        let mut policy = streaming(256);
        policy.on_receive(10, GATHER_ARRIVALS);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Send);
        // Every arrival counts against what is owed: 80 owed, 20 arrived leaves too few.
        let mut policy = FlushPolicy::default();
        policy.on_sent(HOLD_WHEN_OWED + 16);
        policy.on_receive(10, 20);
        policy.on_write(10, 20);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Send);
    }

    #[test]
    fn a_large_write_or_a_lost_connection_ends_the_hold() {
        let mut policy = streaming(256);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Hold);
        assert_eq!(
            policy.on_write(10, MAX_GATHERED_BYTES),
            Some(FlushAt::EndOfTask)
        );
        assert_eq!(
            policy.on_due(10, MAX_GATHERED_BYTES, 0),
            FlushDecision::Send
        );

        let mut policy = streaming(256);
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Hold);
        assert_eq!(policy.on_lost(), Some(FlushAt::EndOfTask));
        assert_eq!(policy.on_due(10, 20, 0), FlushDecision::Send);
        // Nothing held: nothing to end.
        assert_eq!(policy.on_lost(), None);
    }
}
