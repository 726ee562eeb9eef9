//! The page's two clients, a publisher and a subscriber, on the simulated broker or on a real
//! one: the same commands, faults and trace either way, so the diagram shows both ends of every
//! flow wherever the broker is.

use super::live_clients::LiveClients;
use super::sim_driver::SimDriver;
use super::ui::LiveBroker;
use crate::broker::BrokerConfig;
use crate::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use crate::session::{ConnectOptions, Session};
use crate::sim::{LinkFaults, World};
use crate::trace::{Direction, TraceEvent};

/// The publishing client.
pub const PUBLISHER: usize = 0;
/// The subscribed client.
pub const SUBSCRIBER: usize = 1;
/// The subscriber's filter; the publisher publishes under it.
pub const FILTER: &str = "demo/#";
/// One-way latency of the simulated links: slow enough to watch a packet travel.
const SIMULATED_LATENCY_MS: u64 = 350;

/// Where the clients run.
pub enum Workbench {
    /// On the simulated broker, on real time.
    Simulated(SimDriver),
    /// Each on its own WebSocket to a real broker.
    Live(LiveClients),
}

/// Session options for the page's clients: 5.0 unless asked otherwise, a session that outlives
/// the connection (so a reconnect shows the re-send).
fn options(version: ProtocolVersion, id: String) -> ConnectOptions {
    let mut options = ConnectOptions::new(version, id);
    options.clean_start = false;
    if version == ProtocolVersion::V5 {
        options.properties.session_expiry_interval = Some(3600);
    }
    options
}

/// Adds a client to the simulated world on links slow enough to watch.
fn add_slow_client(world: &mut World, options: ConnectOptions) -> usize {
    let client = world.add_client(options);
    for side in [Direction::Outgoing, Direction::Incoming] {
        let faults = LinkFaults {
            latency_ms: SIMULATED_LATENCY_MS,
            ..LinkFaults::default()
        };
        world.set_faults(client, side, faults);
    }
    client
}

fn subscription() -> Subscription {
    Subscription {
        filter: FILTER.into(),
        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
    }
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
        let mut world = World::new(BrokerConfig::default(), 7);
        for name in ["Publisher", "Subscriber"] {
            let client = add_slow_client(&mut world, options(ProtocolVersion::V5, name.into()));
            world.connect(client);
        }
        let _ = world.with_session(SUBSCRIBER, |session, now| {
            session.subscribe(now, vec![subscription()], Default::default())
        });
        Workbench::Simulated(SimDriver::new(world, 1.0))
    }

    /// Both clients on a real broker (client ids made unique, so two pages do not take over
    /// each other's sessions), connecting; the subscriber subscribes once connected.
    pub fn live(broker: &LiveBroker) -> Workbench {
        let clients = LiveClients::new(&broker.url);
        let suffix = format!(
            "{:06x}",
            (js_sys::Math::random() * f64::from(0x00ff_ffff)) as u32
        );
        for name in ["publisher", "subscriber"] {
            let mut options = options(broker.version, format!("qoscope-{name}-{suffix}"));
            options.username = broker.username.clone();
            options.password = broker.password.clone().map(Into::into);
            let client = clients.add(options);
            clients.connect(client);
        }
        clients.with_session(SUBSCRIBER, |session, now| {
            session.subscribe(now, vec![subscription()], Default::default())
        });
        Workbench::Live(clients)
    }

    /// Adds a client, not connected yet; returns its index (its trace tag is index + 1).
    pub fn add_client(&self, options: ConnectOptions) -> usize {
        match self {
            Workbench::Simulated(driver) => {
                driver.with_world(|world| add_slow_client(world, options))
            }
            Workbench::Live(clients) => clients.add(options),
        }
    }

    /// Whether client ids need a random suffix (a real broker is shared with others).
    pub fn is_live(&self) -> bool {
        matches!(self, Workbench::Live(_))
    }

    /// The client's connect options.
    pub fn options(&self, client: usize) -> Option<ConnectOptions> {
        match self {
            Workbench::Simulated(driver) => {
                Some(driver.read(|world| world.session(client).options().clone()))
            }
            Workbench::Live(clients) => clients.options(client),
        }
    }

    /// Changes the client's connect options (used from its next connect).
    pub fn set_options(&self, client: usize, options: ConnectOptions) {
        match self {
            Workbench::Simulated(driver) => driver.with_world(|world| {
                world.with_session(client, |session, _| session.set_options(options))
            }),
            Workbench::Live(clients) => clients.set_options(client, options),
        }
    }

    /// Opens the client's connection (resuming its session when it has one).
    pub fn connect(&self, client: usize) {
        match self {
            Workbench::Simulated(driver) => driver.with_world(|world| world.connect(client)),
            Workbench::Live(clients) => clients.connect(client),
        }
    }

    /// Sends DISCONNECT (normal): the broker discards the will.
    pub fn disconnect(&self, client: usize) {
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

    /// Trace events since the last call.
    pub fn take_trace(&self) -> Vec<TraceEvent> {
        match self {
            Workbench::Simulated(driver) => driver.take_trace(),
            Workbench::Live(clients) => clients.take().0,
        }
    }

    /// Runs a command on a client's session.
    pub fn command<T>(
        &self,
        client: usize,
        command: impl FnOnce(&mut Session, u64) -> T,
    ) -> Option<T> {
        match self {
            Workbench::Simulated(driver) => {
                Some(driver.with_world(|world| world.with_session(client, command)))
            }
            Workbench::Live(clients) => clients.with_session(client, command),
        }
    }

    /// Reads a client's session.
    pub fn read<T>(&self, client: usize, read: impl FnOnce(&Session) -> T) -> Option<T> {
        match self {
            Workbench::Simulated(driver) => Some(driver.read(|world| read(world.session(client)))),
            Workbench::Live(clients) => clients.read(client, read),
        }
    }

    /// Loses the next packet of `kind` that the broker sends to the client (on a real broker:
    /// our client drops it on arrival, as if the network had).
    pub fn lose_next_incoming(&self, client: usize, kind: PacketType) {
        match self {
            Workbench::Simulated(driver) => {
                driver.with_world(|world| world.drop_next(client, Direction::Incoming, kind))
            }
            Workbench::Live(clients) => {
                clients.faults(client, |faults| faults.drop_next_incoming(kind))
            }
        }
    }

    /// Loses the next packet of `kind` that the client sends: an acknowledgement withheld, so
    /// the broker keeps the message and sends it again (DUP=1) when the session resumes.
    pub fn withhold_next(&self, client: usize, kind: PacketType) {
        match self {
            Workbench::Simulated(driver) => {
                driver.with_world(|world| world.drop_next(client, Direction::Outgoing, kind))
            }
            Workbench::Live(clients) => {
                clients.faults(client, |faults| faults.drop_next_outgoing(kind))
            }
        }
    }

    /// Drops the client's connection without DISCONNECT (the broker publishes its will).
    pub fn cut(&self, client: usize) {
        match self {
            Workbench::Simulated(driver) => driver.with_world(|world| world.cut(client)),
            Workbench::Live(clients) => clients.cut(client),
        }
    }

    /// Drops the client's connection and connects again, resuming its session.
    pub fn reconnect(&self, client: usize) {
        self.cut(client);
        self.connect(client);
    }

    /// Ends the clients' connections (a real broker's; the simulation just stops mattering).
    pub fn end(&self) {
        if let Workbench::Live(clients) = self {
            for client in 0..clients.len() {
                self.disconnect(client);
            }
            clients.end_all();
        }
    }
}
