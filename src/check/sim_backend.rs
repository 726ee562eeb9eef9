//! The check backend on the simulated broker: a [`World`] in virtual time, so a check that waits
//! ten seconds for a keep-alive takes microseconds, and every run replays the same way.

use super::backend::{Backend, TransportFacts, Wait};
use crate::broker::BrokerConfig;
use crate::codec::{Packet, PacketType};
use crate::session::{ConnectOptions, Event, Session};
use crate::sim::{LinkFaults, World};
use crate::trace::{Direction, TraceEvent};

/// One-way latency of the simulated links, so packets visibly travel in the diagrams.
const LATENCY_MS: u64 = 5;

/// Runs checks on the simulated broker.
#[derive(Debug)]
pub struct SimBackend {
    world: World,
}

impl SimBackend {
    /// A fresh world around a broker with `config` (which may carry deliberate faults).
    pub fn new(config: BrokerConfig) -> SimBackend {
        SimBackend {
            world: World::new(config, 7),
        }
    }

    fn link_faults(
        &mut self,
        client: usize,
        side: Direction,
        change: impl FnOnce(&mut LinkFaults),
    ) {
        let mut faults = self.world.faults(client, side).clone();
        change(&mut faults);
        self.world.set_faults(client, side, faults);
    }
}

impl Backend for SimBackend {
    fn add_client(&mut self, options: ConnectOptions) -> usize {
        let client = self.world.add_client(options);
        self.link_faults(client, Direction::Outgoing, |faults| {
            faults.latency_ms = LATENCY_MS
        });
        self.link_faults(client, Direction::Incoming, |faults| {
            faults.latency_ms = LATENCY_MS
        });
        client
    }

    fn connect(&mut self, client: usize) {
        self.world.connect(client);
    }

    fn cut(&mut self, client: usize) {
        self.world.cut(client);
    }

    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64)) {
        self.world
            .with_session(client, |session, now| command(session, now));
    }

    fn drop_next(&mut self, client: usize, side: Direction, kind: PacketType) {
        self.world.drop_next(client, side, kind);
    }

    fn inject(&mut self, client: usize, packet: &Packet) {
        self.world.inject(client, packet);
    }

    fn set_frame_limit(&mut self, _client: usize, _bytes: Option<usize>) -> bool {
        false
    }

    fn transport(&self) -> Option<TransportFacts> {
        None
    }

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(usize, Event)>) {
        let mut events = Vec::new();
        while let Some(event) = self.world.poll_event() {
            events.push(event);
        }
        (self.world.poll_trace(), events)
    }

    fn now(&self) -> u64 {
        self.world.now()
    }

    fn sleep(&mut self, ms: u64) -> Wait {
        let until = self.world.now() + ms;
        self.world.advance_to(until);
        Box::pin(std::future::ready(()))
    }

    fn is_simulated(&self) -> bool {
        true
    }

    fn close_all(&mut self) {
        for client in 0..self.world.client_count() {
            self.world.cut(client);
        }
    }
}
