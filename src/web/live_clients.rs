//! Clients of ours, each on its own WebSocket to one broker, with client-side faults, whose
//! trace and events are gathered on one clock: the page's clients against a real broker, and
//! the broker check's.

use std::cell::RefCell;
use std::rc::Rc;

use super::clock::performance_now;
use super::ws_client::{ClientEvent, WsClient};
use crate::session::{ConnectOptions, Event, LostCause, Session};
use crate::trace::{FlowEvent, TraceEvent};
use crate::wire_faults::WireFaults;

/// What the clients' listeners gathered since the last [`LiveClients::take`].
#[derive(Default)]
struct Gathered {
    trace: Vec<TraceEvent>,
    events: Vec<(usize, Event)>,
}

/// Who to tell when the clients reported something; shared with their listeners.
type OnChange = Rc<RefCell<Option<Box<dyn Fn()>>>>;

struct LiveClient {
    options: ConnectOptions,
    /// Made at the first connect.
    driver: Option<WsClient>,
    /// Faults asked for before the first connect.
    pending: WireFaults,
}

/// The clients and what they report. Client `n` carries trace tag `n + 1`.
pub struct LiveClients {
    url: String,
    clients: RefCell<Vec<LiveClient>>,
    gathered: Rc<RefCell<Gathered>>,
    on_change: OnChange,
    epoch: f64,
}

impl LiveClients {
    /// No clients yet, for the broker at `url`.
    pub fn new(url: &str) -> LiveClients {
        LiveClients {
            url: url.to_owned(),
            clients: RefCell::new(Vec::new()),
            gathered: Rc::default(),
            on_change: Rc::default(),
            epoch: performance_now(),
        }
    }

    /// Called after the clients reported something (not while a method here runs a command).
    pub fn set_on_change(&self, on_change: impl Fn() + 'static) {
        *self.on_change.borrow_mut() = Some(Box::new(on_change));
    }

    /// Milliseconds since these clients were made: the trace's clock.
    pub fn now(&self) -> u64 {
        (performance_now() - self.epoch).max(0.0) as u64
    }

    /// How many clients there are.
    pub fn len(&self) -> usize {
        self.clients.borrow().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a client, not yet connected.
    pub fn add(&self, options: ConnectOptions) -> usize {
        let mut clients = self.clients.borrow_mut();
        clients.push(LiveClient {
            options,
            driver: None,
            pending: WireFaults::default(),
        });
        clients.len() - 1
    }

    /// Connects the client (again, resuming its session, if it was connected before).
    pub fn connect(&self, client: usize) {
        let driver = self.clients.borrow()[client].driver.clone();
        match driver {
            Some(driver) => driver.reopen(),
            None => self.start(client),
        }
    }

    fn start(&self, client: usize) {
        let offset = self.now();
        let gathered = self.gathered.clone();
        let on_change = self.on_change.clone();
        let listener = move |event: ClientEvent| {
            {
                let mut gathered = gathered.borrow_mut();
                match event {
                    ClientEvent::Session(event) => gathered.events.push((client, event)),
                    ClientEvent::Messages(messages) => gathered.events.extend(
                        messages
                            .into_iter()
                            .map(|message| (client, Event::Message(message))),
                    ),
                    ClientEvent::Trace(trace) => gathered
                        .trace
                        .extend(trace.into_iter().map(|event| rebase(event, client, offset))),
                    // A connection that never opened says so only here.
                    ClientEvent::Error(message) => gathered.events.push((
                        client,
                        Event::ConnectionLost(LostCause::TransportClosed(message)),
                    )),
                    ClientEvent::Reconnecting { .. } => return,
                }
            }
            if let Some(on_change) = on_change.borrow().as_ref() {
                on_change();
            }
        };
        let (options, faults) = {
            let mut clients = self.clients.borrow_mut();
            let entry = &mut clients[client];
            (entry.options.clone(), std::mem::take(&mut entry.pending))
        };
        let session = Session::new(options, client as u32 + 1);
        match WsClient::connect_with_faults(&self.url, session, faults, listener) {
            Ok(driver) => self.clients.borrow_mut()[client].driver = Some(driver),
            Err(error) => self.report_failure(client, error),
        }
    }

    fn report_failure(&self, client: usize, error: String) {
        self.gathered.borrow_mut().events.push((
            client,
            Event::ConnectionLost(LostCause::TransportClosed(error)),
        ));
        if let Some(on_change) = self.on_change.borrow().as_ref() {
            on_change();
        }
    }

    fn driver(&self, client: usize) -> Option<WsClient> {
        self.clients.borrow().get(client)?.driver.clone()
    }

    /// The client's connect options.
    pub fn options(&self, client: usize) -> Option<ConnectOptions> {
        match self.driver(client) {
            Some(driver) => Some(driver.read(|session| session.options().clone())),
            None => Some(self.clients.borrow().get(client)?.options.clone()),
        }
    }

    /// Changes the client's connect options (used from its next connect).
    pub fn set_options(&self, client: usize, options: ConnectOptions) {
        match self.driver(client) {
            Some(driver) => driver.with_session(|session, _| session.set_options(options)),
            None => self.clients.borrow_mut()[client].options = options,
        }
    }

    /// Drops the client's connection without DISCONNECT.
    pub fn cut(&self, client: usize) {
        if let Some(driver) = self.driver(client) {
            driver.cut();
        }
    }

    /// Runs a command on the client's session (nothing before its first connect).
    pub fn with_session<T>(
        &self,
        client: usize,
        command: impl FnOnce(&mut Session, u64) -> T,
    ) -> Option<T> {
        self.driver(client)
            .map(|driver| driver.with_session(command))
    }

    /// Reads the client's session.
    pub fn read<T>(&self, client: usize, read: impl FnOnce(&Session) -> T) -> Option<T> {
        self.driver(client).map(|driver| driver.read(read))
    }

    /// Changes the client's faults (kept until the first connect if it has not connected).
    pub fn faults(&self, client: usize, change: impl FnOnce(&mut WireFaults)) {
        match self.driver(client) {
            Some(driver) => {
                driver.faults(change);
            }
            None => change(&mut self.clients.borrow_mut()[client].pending),
        }
    }

    /// Runs `read` on each connected client's faults.
    pub fn each_faults(&self, mut read: impl FnMut(&WireFaults)) {
        for driver in self
            .clients
            .borrow()
            .iter()
            .filter_map(|entry| entry.driver.as_ref())
        {
            driver.faults(|faults| read(faults));
        }
    }

    /// Sends a packet the client's session did not write.
    pub fn inject(&self, client: usize, packet: &crate::codec::Packet) {
        if let Some(driver) = self.driver(client) {
            driver.inject(packet);
        }
    }

    /// Trace and session events since the last call.
    pub fn take(&self) -> (Vec<TraceEvent>, Vec<(usize, Event)>) {
        let mut gathered = self.gathered.borrow_mut();
        (
            std::mem::take(&mut gathered.trace),
            std::mem::take(&mut gathered.events),
        )
    }

    /// Ends every client (after a DISCONNECT its session sent, if any).
    pub fn end_all(&self) {
        let drivers: Vec<WsClient> = self
            .clients
            .borrow()
            .iter()
            .filter_map(|entry| entry.driver.clone())
            .collect();
        for driver in drivers {
            driver.end();
        }
    }
}

/// Puts a client's trace on the shared clock, with packet ids unique across clients.
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
