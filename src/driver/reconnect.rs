//! When to reconnect after a connection is lost: exponential back-off with jitter, the way
//! MQTT.js's `reconnectPeriod` starts it.

/// When and how often to reconnect after a connection is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reconnect {
    /// The first wait in ms (MQTT.js `reconnectPeriod`); 0 turns reconnecting off.
    pub initial_ms: u32,
    /// The longest wait in ms.
    pub max_ms: u32,
}

impl Reconnect {
    /// No reconnecting: the broker check's and the probe's clients, which judge one connection.
    pub const NEVER: Reconnect = Reconnect {
        initial_ms: 0,
        max_ms: 0,
    };

    /// Whether a lost connection is tried again.
    pub fn is_on(&self) -> bool {
        self.initial_ms > 0
    }

    /// The wait before attempt `attempt` (0 for the first): doubling, capped, then jittered
    /// into [half, whole] by `random` (in [0, 1]) so that many clients do not reconnect in step.
    pub fn delay_ms(&self, attempt: u32, random: f64) -> u32 {
        let doubled = u64::from(self.initial_ms) << attempt.min(16);
        let capped = doubled.min(u64::from(self.max_ms)) as f64;
        (capped * (0.5 + random.clamp(0.0, 1.0) * 0.5)) as u32
    }
}
