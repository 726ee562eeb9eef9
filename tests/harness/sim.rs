//! The simulated backend: a [`World`] with the simulated broker, in simulated time.

use qoscope::broker::BrokerConfig;
use qoscope::sim::World;

use super::Backend;

/// A world around a broker with `config`, with links that neither delay nor lose.
pub fn world(config: BrokerConfig) -> World {
    World::new(config, 1)
}

impl Backend for World {
    fn prefix(&self) -> &str {
        "sim/"
    }

    fn settle(&mut self, ms: u64) {
        self.run_until_quiet(10_000).unwrap();
        let until = self.now() + ms;
        self.advance_to(until);
        self.run_until_quiet(10_000).unwrap();
    }
}
