//! The page's two clients, a publisher and a subscriber, on the simulated broker or on a real
//! one: the same commands, faults and trace either way, so the diagram shows both ends of every
//! flow wherever the broker is. Both places are [`Clients`]; the workbench adds what the page
//! needs of them: a handle the views share, and a redraw when they change.

use super::live_clients::LiveClients;
use super::sim_driver::SimDriver;
use super::ui::LiveBroker;
use crate::broker::BrokerConfig;
use crate::clients::{ClientIndex, Clients};
use crate::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use crate::session::{ConnectOptions, Session};
use crate::sim::{World, WORKBENCH_LATENCY_MS};
use crate::trace::{Direction, TraceEvent};

/// The publishing client.
pub const PUBLISHER: usize = 0;
/// The subscribed client.
pub const SUBSCRIBER: usize = 1;
/// The subscriber's filter; the publisher publishes under it.
pub const FILTER: &str = "demo/#";
/// How long the page's sessions outlive their connection, in seconds.
const SESSION_EXPIRY_SECS: u32 = 3600;

/// Where the clients run.
pub enum Workbench {
    /// On the simulated broker, on real time.
    Simulated(SimDriver),
    /// Each on its own WebSocket to a real broker.
    Live(LiveClients),
}

/// Session options for the page's clients: a session that outlives the connection (so a
/// reconnect shows the re-send).
fn options(version: ProtocolVersion, id: String) -> ConnectOptions {
    ConnectOptions::persistent(version, id, SESSION_EXPIRY_SECS)
}

/// Adds the publisher and the subscriber, connects both and subscribes the subscriber.
fn start(clients: &mut dyn Clients, publisher: ConnectOptions, subscriber: ConnectOptions) {
    for options in [publisher, subscriber] {
        let client = clients.add_client(options);
        clients.connect(client);
    }
    let subscription = Subscription {
        filter: FILTER.into(),
        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
    };
    let subscribed = clients.with_session(SUBSCRIBER, |session, now| {
        session.subscribe(now, vec![subscription], Default::default())
    });
    // A valid constant filter on a fresh session: nothing here can refuse it.
    debug_assert!(matches!(subscribed, Some(Ok(_))), "{subscribed:?}");
}

/// Two workbenches are equal when they are the same one (views re-render for another).
impl PartialEq for Workbench {
    fn eq(&self, other: &Workbench) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Workbench {
    /// Both clients on the simulated broker, connected, the subscriber subscribed.
    pub fn simulated() -> Workbench {
        let mut world = World::new(BrokerConfig::default(), 7).with_latency(WORKBENCH_LATENCY_MS);
        let [publisher, subscriber] =
            ["Publisher", "Subscriber"].map(|name| options(ProtocolVersion::V5, name.into()));
        start(&mut world, publisher, subscriber);
        Workbench::Simulated(SimDriver::new(world, 1.0))
    }

    /// Both clients on a real broker (client ids made unique, so two pages do not take over
    /// each other's sessions), connecting; the subscriber subscribes once connected.
    pub fn live(broker: &LiveBroker) -> Workbench {
        let mut clients = LiveClients::new(&broker.url);
        let suffix = format!(
            "{:06x}",
            (js_sys::Math::random() * f64::from(0x00ff_ffff)) as u32
        );
        let [publisher, subscriber] = ["publisher", "subscriber"].map(|name| {
            let mut options = options(broker.version, format!("qoscope-{name}-{suffix}"));
            options.username = broker.username.clone();
            options.password = broker.password.clone().map(Into::into);
            options
        });
        start(&mut clients, publisher, subscriber);
        Workbench::Live(clients)
    }

    /// Runs `act` on the clients (on the simulated world at its current time, then redrawn).
    fn with_clients<T>(&self, act: impl FnOnce(&mut dyn Clients) -> T) -> T {
        match self {
            Workbench::Simulated(driver) => driver.with_world(|world| act(world)),
            Workbench::Live(clients) => act(&mut clients.clone()),
        }
    }

    /// Reads the clients.
    fn read_clients<T>(&self, read: impl FnOnce(&dyn Clients) -> T) -> T {
        match self {
            Workbench::Simulated(driver) => driver.read(|world| read(world)),
            Workbench::Live(clients) => read(clients),
        }
    }

    /// Adds a client, not connected yet; returns its index.
    pub fn add_client(&self, options: ConnectOptions) -> ClientIndex {
        self.with_clients(|clients| clients.add_client(options))
    }

    /// Whether client ids need a random suffix (a real broker is shared with others).
    pub fn is_live(&self) -> bool {
        matches!(self, Workbench::Live(_))
    }

    /// The client's connect options.
    pub fn options(&self, client: ClientIndex) -> Option<ConnectOptions> {
        self.read_clients(|clients| clients.options(client))
    }

    /// Changes the client's connect options (used from its next connect).
    pub fn set_options(&self, client: ClientIndex, options: ConnectOptions) {
        self.with_clients(|clients| clients.set_options(client, options));
    }

    /// Opens the client's connection (resuming its session when it has one).
    pub fn connect(&self, client: ClientIndex) {
        self.with_clients(|clients| clients.connect(client));
    }

    /// Sends DISCONNECT (normal): the broker discards the will.
    pub fn disconnect(&self, client: ClientIndex) {
        self.command(client, |session, now| {
            if session.is_connected() {
                session.disconnect(now, crate::codec::Disconnect::normal())
            }
        });
    }

    /// Called after the clients did something worth drawing.
    pub fn set_on_change(&self, on_change: impl Fn() + 'static) {
        match self {
            Workbench::Simulated(driver) => driver.set_on_change(on_change),
            Workbench::Live(clients) => clients.set_on_change(on_change),
        }
    }

    /// Trace events since the last call (without moving the simulated clock, since this runs
    /// from the redraw the clients asked for).
    pub fn take_trace(&self) -> Vec<TraceEvent> {
        match self {
            Workbench::Simulated(driver) => driver.take_trace(),
            Workbench::Live(clients) => clients.clone().poll().0,
        }
    }

    /// Runs a command on a client's session.
    pub fn command<T>(
        &self,
        client: ClientIndex,
        command: impl FnOnce(&mut Session, u64) -> T,
    ) -> Option<T> {
        self.with_clients(|clients| clients.with_session(client, command))
    }

    /// Reads a client's session.
    pub fn read<T>(&self, client: ClientIndex, read: impl FnOnce(&Session) -> T) -> Option<T> {
        self.read_clients(|clients| clients.read_session(client, read))
    }

    /// Loses the next packet of `kind` that the broker sends to the client (on a real broker:
    /// our client drops it on arrival, as if the network had).
    pub fn lose_next_incoming(&self, client: ClientIndex, kind: PacketType) {
        self.with_clients(|clients| clients.drop_next(client, Direction::Incoming, kind));
    }

    /// Loses the next packet of `kind` that the client sends: an acknowledgement withheld, so
    /// the broker keeps the message and sends it again (DUP=1) when the session resumes.
    pub fn withhold_next(&self, client: ClientIndex, kind: PacketType) {
        self.with_clients(|clients| clients.drop_next(client, Direction::Outgoing, kind));
    }

    /// Drops the client's connection without DISCONNECT (the broker publishes its will).
    pub fn cut(&self, client: ClientIndex) {
        self.with_clients(|clients| clients.cut(client));
    }

    /// Drops the client's connection and connects again, resuming its session.
    pub fn reconnect(&self, client: ClientIndex) {
        self.cut(client);
        self.connect(client);
    }

    /// Ends the clients' connections (a real broker's; the simulation just stops mattering).
    pub fn end(&self) {
        if let Workbench::Live(clients) = self {
            let mut clients = clients.clone();
            for client in 0..clients.client_count() {
                self.disconnect(client);
            }
            clients.close_all();
        }
    }
}
