//! The world's clients behind [`Clients`]: what drives clients on a broker runs on the simulated
//! one through this, in simulated time. A client index the world does not have does nothing
//! here (the world's own methods panic on one), so a stale index cannot break a page.

use super::World;
use crate::clients::{ClientIndex, Clients, TransportFacts};
use crate::codec::PacketType;
use crate::session::{ConnectOptions, Event, Session};
use crate::trace::{Direction, TraceEvent};

impl World {
    fn has(&self, client: ClientIndex) -> bool {
        client < self.client_count()
    }
}

impl Clients for World {
    fn add_client(&mut self, options: ConnectOptions) -> ClientIndex {
        World::add_client(self, options)
    }

    fn client_count(&self) -> usize {
        World::client_count(self)
    }

    fn options(&self, client: ClientIndex) -> Option<ConnectOptions> {
        self.has(client)
            .then(|| self.session(client).options().clone())
    }

    fn set_options(&mut self, client: ClientIndex, options: ConnectOptions) {
        if self.has(client) {
            self.with_session(client, |session, _| session.set_options(options));
        }
    }

    fn connect(&mut self, client: ClientIndex) {
        if self.has(client) {
            World::connect(self, client);
        }
    }

    fn cut(&mut self, client: ClientIndex) {
        if self.has(client) {
            World::cut(self, client);
        }
    }

    fn command(&mut self, client: ClientIndex, command: &mut dyn FnMut(&mut Session, u64)) {
        if self.has(client) {
            self.with_session(client, |session, now| command(session, now));
        }
    }

    fn read(&self, client: ClientIndex, read: &mut dyn FnMut(&Session)) {
        if self.has(client) {
            read(self.session(client));
        }
    }

    fn drop_next(&mut self, client: ClientIndex, direction: Direction, kind: PacketType) {
        if self.has(client) {
            World::drop_next(self, client, direction, kind);
        }
    }

    fn inject(&mut self, client: ClientIndex, bytes: &[u8]) {
        if self.has(client) {
            World::inject(self, client, bytes);
        }
    }

    /// The simulated links carry packets, not WebSocket messages.
    fn set_frame_limit(&mut self, _client: ClientIndex, _bytes: Option<usize>) -> bool {
        false
    }

    fn transport(&self) -> Option<TransportFacts> {
        None
    }

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(ClientIndex, Event)>) {
        let events = std::iter::from_fn(|| self.poll_event()).collect();
        (self.poll_trace(), events)
    }

    fn now(&self) -> u64 {
        World::now(self)
    }

    /// Cuts every connection: the world has no sockets to close politely.
    fn close_all(&mut self) {
        for client in 0..self.client_count() {
            World::cut(self, client);
        }
    }
}
