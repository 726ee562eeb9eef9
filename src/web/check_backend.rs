//! The broker check on a real broker: every check client is a [`WsClient`] with its own
//! WebSocket, client-side faults switched on, and real time.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;

use super::sim_driver::performance_now;
use super::ws_client::{ClientEvent, WsClient};
use crate::check::{Backend, TransportFacts, Wait};
use crate::codec::{Packet, PacketType};
use crate::session::{ConnectOptions, Event, LostCause, Session};
use crate::sim::Side;
use crate::trace::{FlowEvent, TraceEvent};
use crate::wire_faults::WireFaults;

/// What the clients' listeners collected since the last poll.
#[derive(Default)]
struct Collected {
    trace: Vec<TraceEvent>,
    events: Vec<(usize, Event)>,
}

struct CheckClient {
    options: ConnectOptions,
    /// Made at the first connect.
    driver: Option<WsClient>,
    /// Faults asked for before the first connect.
    pending: WireFaults,
}

/// Runs checks against the broker at a URL.
pub struct WebBackend {
    url: String,
    username: Option<String>,
    password: Option<String>,
    clients: Vec<CheckClient>,
    collected: Rc<RefCell<Collected>>,
    epoch: f64,
}

impl WebBackend {
    /// A backend for `url`; every client logs in with the credentials, if given.
    pub fn new(url: &str, username: Option<String>, password: Option<String>) -> WebBackend {
        WebBackend {
            url: url.to_owned(),
            username,
            password,
            clients: Vec::new(),
            collected: Rc::default(),
            epoch: performance_now(),
        }
    }

    fn start(&mut self, client: usize) {
        let offset = self.now();
        let collected = self.collected.clone();
        let listener = move |event: ClientEvent| {
            let mut collected = collected.borrow_mut();
            match event {
                ClientEvent::Session(event) => collected.events.push((client, event)),
                ClientEvent::Messages(messages) => collected.events.extend(
                    messages
                        .into_iter()
                        .map(|message| (client, Event::Message(message))),
                ),
                ClientEvent::Trace(trace) => collected
                    .trace
                    .extend(trace.into_iter().map(|event| rebase(event, client, offset))),
                // A connection that never opened says so only here.
                ClientEvent::Error(message) => collected.events.push((
                    client,
                    Event::ConnectionLost(LostCause::TransportClosed(message)),
                )),
                ClientEvent::Reconnecting { .. } => {}
            }
        };
        let entry = &mut self.clients[client];
        let session = Session::new(entry.options.clone(), client as u32 + 1);
        let faults = std::mem::take(&mut entry.pending);
        match WsClient::connect_with_faults(&self.url, session, faults, listener) {
            Ok(driver) => entry.driver = Some(driver),
            Err(error) => self.collected.borrow_mut().events.push((
                client,
                Event::ConnectionLost(LostCause::TransportClosed(error)),
            )),
        }
    }

    fn faults(&mut self, client: usize, change: impl FnOnce(&mut WireFaults)) {
        let entry = &mut self.clients[client];
        match &entry.driver {
            Some(driver) => {
                driver.faults(change);
            }
            None => change(&mut entry.pending),
        }
    }
}

/// Puts a client's trace on the backend's clock, with packet ids unique across clients.
fn rebase(mut event: TraceEvent, client: usize, offset: u64) -> TraceEvent {
    let unique = |id: u64| ((client as u64 + 1) << 40) | id;
    match &mut event {
        TraceEvent::Packet(record) => {
            record.id = unique(record.id);
            record.time += offset;
        }
        TraceEvent::PacketUpdate { id, time, .. } => {
            *id = unique(*id);
            *time += offset;
        }
        TraceEvent::Note(note) => note.time += offset,
        TraceEvent::Flow(flow) => match flow {
            FlowEvent::Started { time, .. }
            | FlowEvent::Step { time, .. }
            | FlowEvent::Finished { time, .. } => *time += offset,
            FlowEvent::Identified { .. } => {}
        },
    }
    event
}

impl Backend for WebBackend {
    fn add_client(&mut self, mut options: ConnectOptions) -> usize {
        if options.username.is_none() {
            options.username = self.username.clone();
            options.password = self.password.clone().map(Into::into);
        }
        self.clients.push(CheckClient {
            options,
            driver: None,
            pending: WireFaults::default(),
        });
        self.clients.len() - 1
    }

    fn connect(&mut self, client: usize) {
        let reopened = self.clients[client].driver.as_ref().map(WsClient::reopen);
        match reopened {
            None => self.start(client),
            Some(Ok(())) => {}
            Some(Err(error)) => self.collected.borrow_mut().events.push((
                client,
                Event::ConnectionLost(LostCause::TransportClosed(error)),
            )),
        }
    }

    fn cut(&mut self, client: usize) {
        if let Some(driver) = &self.clients[client].driver {
            driver.cut();
        }
    }

    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64)) {
        if let Some(driver) = &self.clients[client].driver {
            driver.with_session(|session, now| command(session, now));
        }
    }

    fn drop_next(&mut self, client: usize, side: Side, kind: PacketType) {
        self.faults(client, |faults| match side {
            Side::ToBroker => faults.drop_next_outgoing(kind),
            Side::ToClient => faults.drop_next_incoming(kind),
        });
    }

    fn inject(&mut self, client: usize, packet: &Packet) {
        if let Some(driver) = &self.clients[client].driver {
            driver.inject(packet);
        }
    }

    fn set_frame_limit(&mut self, client: usize, bytes: Option<usize>) -> bool {
        self.faults(client, |faults| faults.set_frame_limit(bytes));
        true
    }

    fn transport(&self) -> Option<TransportFacts> {
        let mut facts = TransportFacts::default();
        for driver in self
            .clients
            .iter()
            .filter_map(|entry| entry.driver.as_ref())
        {
            driver.faults(|faults| {
                facts.subprotocol = facts.subprotocol.take().or(faults.subprotocol.clone());
                facts.text_frames += faults.text_frames;
                facts.binary_frames += faults.binary_frames;
            });
        }
        Some(facts)
    }

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(usize, Event)>) {
        let mut collected = self.collected.borrow_mut();
        (
            std::mem::take(&mut collected.trace),
            std::mem::take(&mut collected.events),
        )
    }

    fn now(&self) -> u64 {
        (performance_now() - self.epoch).max(0.0) as u64
    }

    fn sleep(&mut self, ms: u64) -> Wait {
        Box::pin(TimeoutFuture::new(ms.min(u64::from(u32::MAX)) as u32))
    }

    fn is_simulated(&self) -> bool {
        false
    }

    fn close_all(&mut self) {
        for driver in self
            .clients
            .iter()
            .filter_map(|entry| entry.driver.as_ref())
        {
            driver.end();
        }
    }
}
