//! Clients of ours, each on its own WebSocket to one broker, with client-side faults, whose
//! trace and events are gathered on one clock: the page's clients against a real broker, and
//! the broker check's. They are [`Clients`], as the simulated world is.

use std::cell::RefCell;
use std::rc::Rc;

use super::clock::performance_now;
use super::ws_client::{ClientEvent, WsClient};
use crate::clients::{ClientIndex, Clients, TransportFacts};
use crate::codec::PacketType;
use crate::session::{ConnectOptions, Event, LostCause, Session};
use crate::trace::{ClientTag, Direction, FlowEvent, TraceEvent};
use crate::wire_faults::WireFaults;

/// What the clients' listeners gathered since the last [`Clients::poll`].
#[derive(Default)]
struct Gathered {
    trace: Vec<TraceEvent>,
    events: Vec<(ClientIndex, Event)>,
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

struct Shared {
    url: String,
    /// Given to every client added without a username of its own.
    username: Option<String>,
    password: Option<String>,
    clients: RefCell<Vec<LiveClient>>,
    gathered: Rc<RefCell<Gathered>>,
    on_change: OnChange,
    epoch: f64,
}

/// The clients and what they report. Cloning gives another handle to the same clients.
#[derive(Clone)]
pub struct LiveClients {
    shared: Rc<Shared>,
}

impl LiveClients {
    /// No clients yet, for the broker at `url`.
    pub fn new(url: &str) -> LiveClients {
        LiveClients::with_credentials(url, None, None)
    }

    /// No clients yet, for the broker at `url`; every client added without a username logs in
    /// with these.
    pub fn with_credentials(
        url: &str,
        username: Option<String>,
        password: Option<String>,
    ) -> LiveClients {
        LiveClients {
            shared: Rc::new(Shared {
                url: url.to_owned(),
                username,
                password,
                clients: RefCell::new(Vec::new()),
                gathered: Rc::default(),
                on_change: Rc::default(),
                epoch: performance_now(),
            }),
        }
    }

    /// Called after the clients reported something (not while a method here runs a command).
    pub fn set_on_change(&self, on_change: impl Fn() + 'static) {
        *self.shared.on_change.borrow_mut() = Some(Box::new(on_change));
    }

    fn start(&self, client: ClientIndex) {
        // A page's clients each take memory, so their count is far below the last tag.
        let tag = ClientTag::of_index(client).expect("fewer clients than trace tags");
        let offset = self.now();
        let gathered = self.shared.gathered.clone();
        let on_change = self.shared.on_change.clone();
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
                        .extend(trace.into_iter().map(|event| rebase(event, tag, offset))),
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
            let mut clients = self.shared.clients.borrow_mut();
            let entry = &mut clients[client];
            (entry.options.clone(), std::mem::take(&mut entry.pending))
        };
        let session = Session::new(options, tag);
        match WsClient::connect_with_faults(&self.shared.url, session, faults, listener) {
            Ok(driver) => self.shared.clients.borrow_mut()[client].driver = Some(driver),
            Err(error) => self.report_failure(client, error),
        }
    }

    fn report_failure(&self, client: ClientIndex, error: String) {
        self.shared.gathered.borrow_mut().events.push((
            client,
            Event::ConnectionLost(LostCause::TransportClosed(error)),
        ));
        if let Some(on_change) = self.shared.on_change.borrow().as_ref() {
            on_change();
        }
    }

    fn driver(&self, client: ClientIndex) -> Option<WsClient> {
        self.shared.clients.borrow().get(client)?.driver.clone()
    }

    /// Changes the client's faults (kept until the first connect if it has not connected).
    fn faults(&self, client: ClientIndex, change: impl FnOnce(&mut WireFaults)) {
        match self.driver(client) {
            Some(driver) => {
                driver.faults(change);
            }
            None => {
                if let Some(entry) = self.shared.clients.borrow_mut().get_mut(client) {
                    change(&mut entry.pending);
                }
            }
        }
    }
}

impl Clients for LiveClients {
    fn add_client(&mut self, mut options: ConnectOptions) -> ClientIndex {
        if options.username.is_none() {
            options.username = self.shared.username.clone();
            options.password = self.shared.password.clone().map(Into::into);
        }
        let mut clients = self.shared.clients.borrow_mut();
        clients.push(LiveClient {
            options,
            driver: None,
            pending: WireFaults::default(),
        });
        clients.len() - 1
    }

    fn client_count(&self) -> usize {
        self.shared.clients.borrow().len()
    }

    fn options(&self, client: ClientIndex) -> Option<ConnectOptions> {
        match self.driver(client) {
            Some(driver) => Some(driver.read(|session| session.options().clone())),
            None => Some(self.shared.clients.borrow().get(client)?.options.clone()),
        }
    }

    fn set_options(&mut self, client: ClientIndex, options: ConnectOptions) {
        match self.driver(client) {
            Some(driver) => driver.with_session(|session, _| session.set_options(options)),
            None => {
                if let Some(entry) = self.shared.clients.borrow_mut().get_mut(client) {
                    entry.options = options;
                }
            }
        }
    }

    /// Connects the client (again, resuming its session, if it was connected before).
    fn connect(&mut self, client: ClientIndex) {
        if client >= self.client_count() {
            return;
        }
        match self.driver(client) {
            Some(driver) => driver.reopen(),
            None => self.start(client),
        }
    }

    fn cut(&mut self, client: ClientIndex) {
        if let Some(driver) = self.driver(client) {
            driver.cut();
        }
    }

    fn command(&mut self, client: ClientIndex, command: &mut dyn FnMut(&mut Session, u64)) {
        if let Some(driver) = self.driver(client) {
            driver.with_session(command);
        }
    }

    fn read(&self, client: ClientIndex, read: &mut dyn FnMut(&Session)) {
        if let Some(driver) = self.driver(client) {
            driver.read(read);
        }
    }

    fn drop_next(&mut self, client: ClientIndex, direction: Direction, kind: PacketType) {
        self.faults(client, |faults| match direction {
            Direction::Outgoing => faults.drop_next_outgoing(kind),
            Direction::Incoming => faults.drop_next_incoming(kind),
        });
    }

    fn inject(&mut self, client: ClientIndex, bytes: &[u8]) {
        if let Some(driver) = self.driver(client) {
            driver.inject(bytes);
        }
    }

    fn set_frame_limit(&mut self, client: ClientIndex, bytes: Option<usize>) -> bool {
        self.faults(client, |faults| faults.set_frame_limit(bytes));
        true
    }

    /// What the clients' sockets saw, together.
    fn transport(&self) -> Option<TransportFacts> {
        let mut facts = TransportFacts::default();
        for driver in self
            .shared
            .clients
            .borrow()
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

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(ClientIndex, Event)>) {
        let mut gathered = self.shared.gathered.borrow_mut();
        (
            std::mem::take(&mut gathered.trace),
            std::mem::take(&mut gathered.events),
        )
    }

    /// Milliseconds since these clients were made: the trace's clock.
    fn now(&self) -> u64 {
        (performance_now() - self.shared.epoch).max(0.0) as u64
    }

    /// Ends every client (after a DISCONNECT its session sent, if any).
    fn close_all(&mut self) {
        let drivers: Vec<WsClient> = self
            .shared
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
fn rebase(mut event: TraceEvent, tag: ClientTag, offset: u64) -> TraceEvent {
    let unique = |id: u64| (u64::from(tag.0) << 40) | id;
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
