//! Checks on the simulated broker: a [`World`] in simulated time, so a check that waits ten
//! seconds for a keep-alive takes microseconds, and every run replays the same way.

use super::check_clients::{CheckClients, Wait};
use crate::broker::BrokerConfig;
use crate::sim::{World, CHECK_LATENCY_MS};

/// A fresh world for one check, around a broker with `config` (which may carry deliberate
/// faults).
pub fn simulated_world(config: BrokerConfig) -> World {
    World::new(config, 7).with_latency(CHECK_LATENCY_MS)
}

impl CheckClients for World {
    fn sleep(&mut self, ms: u64) -> Wait {
        let until = self.now() + ms;
        self.advance_to(until);
        Box::pin(std::future::ready(()))
    }

    fn is_simulated(&self) -> bool {
        true
    }
}
