//! The simulated backend: a [`World`] with the simulated broker.

use std::collections::HashMap;

use qoscope::broker::BrokerConfig;
use qoscope::codec::{Packet, PacketType};
use qoscope::session::{ConnectOptions, Event, Session};
use qoscope::sim::World;
use qoscope::trace::{Direction, PacketFate, TraceEvent};

use super::{Backend, Seen};

pub struct SimBackend {
    pub world: World,
    prefix: String,
    incoming: HashMap<u64, (usize, Packet)>,
    seen: Vec<Vec<Seen>>,
    events: Vec<Vec<Event>>,
}

impl SimBackend {
    pub fn new(config: BrokerConfig) -> SimBackend {
        SimBackend {
            world: World::new(config, 1),
            prefix: "sim/".into(),
            incoming: HashMap::new(),
            seen: Vec::new(),
            events: Vec::new(),
        }
    }

    fn collect(&mut self) {
        for event in self.world.poll_trace() {
            match event {
                TraceEvent::Packet(record) if record.direction == Direction::Incoming => {
                    if let Ok(packet) = record.packet {
                        self.incoming
                            .insert(record.id, (record.client as usize - 1, packet));
                    }
                }
                TraceEvent::PacketUpdate {
                    id,
                    fate: PacketFate::Delivered,
                    ..
                } => {
                    if let Some((client, packet)) = self.incoming.remove(&id) {
                        let seen = Seen::from_packet(&packet, &self.prefix);
                        self.seen[client].push(seen);
                    }
                }
                _ => {}
            }
        }
        while let Some((client, event)) = self.world.poll_event() {
            self.events[client].push(event);
        }
    }
}

impl Backend for SimBackend {
    fn prefix(&self) -> &str {
        &self.prefix
    }

    fn add_client(&mut self, mut options: ConnectOptions) -> usize {
        options.client_id = format!("{}{}", self.prefix.replace('/', "-"), options.client_id);
        self.seen.push(Vec::new());
        self.events.push(Vec::new());
        self.world.add_client(options)
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

    fn settle(&mut self, ms: u64) {
        self.world.run_until_quiet(10_000).unwrap();
        let until = self.world.now() + ms;
        self.world.advance_to(until);
        self.world.run_until_quiet(10_000).unwrap();
        self.collect();
    }

    fn seen(&mut self, client: usize) -> Vec<Seen> {
        self.collect();
        std::mem::take(&mut self.seen[client])
    }

    fn events(&mut self, client: usize) -> Vec<Event> {
        self.collect();
        std::mem::take(&mut self.events[client])
    }
}
