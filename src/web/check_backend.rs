//! The broker check on a real broker: every check client is one of [`LiveClients`], with its own
//! WebSocket, client-side faults switched on, and real time.

use gloo_timers::future::TimeoutFuture;

use super::live_clients::LiveClients;
use crate::check::{Backend, TransportFacts, Wait};
use crate::codec::{Packet, PacketType};
use crate::session::{ConnectOptions, Event, Session};
use crate::trace::Direction;
use crate::trace::TraceEvent;

/// Runs checks against the broker at a URL.
pub struct WebBackend {
    clients: LiveClients,
    username: Option<String>,
    password: Option<String>,
}

impl WebBackend {
    /// A backend for `url`; every client logs in with the credentials, if given.
    pub fn new(url: &str, username: Option<String>, password: Option<String>) -> WebBackend {
        WebBackend {
            clients: LiveClients::new(url),
            username,
            password,
        }
    }
}

impl Backend for WebBackend {
    fn add_client(&mut self, mut options: ConnectOptions) -> usize {
        if options.username.is_none() {
            options.username = self.username.clone();
            options.password = self.password.clone().map(Into::into);
        }
        self.clients.add(options)
    }

    fn connect(&mut self, client: usize) {
        self.clients.connect(client);
    }

    fn cut(&mut self, client: usize) {
        self.clients.cut(client);
    }

    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64)) {
        self.clients
            .with_session(client, |session, now| command(session, now));
    }

    fn drop_next(&mut self, client: usize, side: Direction, kind: PacketType) {
        self.clients.faults(client, |faults| match side {
            Direction::Outgoing => faults.drop_next_outgoing(kind),
            Direction::Incoming => faults.drop_next_incoming(kind),
        });
    }

    fn inject(&mut self, client: usize, packet: &Packet) {
        self.clients.inject(client, packet);
    }

    fn set_frame_limit(&mut self, client: usize, bytes: Option<usize>) -> bool {
        self.clients
            .faults(client, |faults| faults.set_frame_limit(bytes));
        true
    }

    fn transport(&self) -> Option<TransportFacts> {
        let mut facts = TransportFacts::default();
        self.clients.each_faults(|faults| {
            facts.subprotocol = facts.subprotocol.take().or(faults.subprotocol.clone());
            facts.text_frames += faults.text_frames;
            facts.binary_frames += faults.binary_frames;
        });
        Some(facts)
    }

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(usize, Event)>) {
        self.clients.take()
    }

    fn now(&self) -> u64 {
        self.clients.now()
    }

    fn sleep(&mut self, ms: u64) -> Wait {
        Box::pin(TimeoutFuture::new(ms.min(u64::from(u32::MAX)) as u32))
    }

    fn is_simulated(&self) -> bool {
        false
    }

    fn close_all(&mut self) {
        self.clients.end_all();
    }
}
