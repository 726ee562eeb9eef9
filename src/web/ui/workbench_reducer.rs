//! The diagram panel's state in Yew: the core's [`WorkbenchState`] beside the clients it shows,
//! and the reducer that runs each command on the workbench, then applies its outcome to the
//! state. Every call the panel makes on the workbench, and every conversion between a client's
//! index and its trace tag, is in this file.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::broker_switch::LiveBroker;
use super::next_frame::NextFrame;
use crate::codec::{ProtocolVersion, QoS, Subscription};
use crate::i18n::Text;
use crate::session::{ConnectOptions, PublishRequest};
use crate::trace::{ClientTag, TraceFile, TraceStore};
use crate::web::workbench::{Workbench, PUBLISHER, SUBSCRIBER};
use crate::workbench_state::{Action, ClientView, Problem, SessionView, WorkbenchState};

/// The topic the publish bar publishes to (the subscriber's filter matches it).
const TOPIC: &str = "demo/greeting";

/// Where the clients run.
#[derive(Debug, Clone, PartialEq)]
pub enum BrokerChoice {
    Simulated,
    Live(LiveBroker),
}

/// The clients and the live trace they make. The trace grows at the wire's pace (thousands of
/// packets a second from a busy broker), so it is appended in place here instead of being copied
/// with every change of state; [`Action::TraceGrew`] tells the views to draw it again.
pub struct Bench {
    workbench: Rc<Workbench>,
    store: RefCell<TraceStore>,
    version: ProtocolVersion,
}

/// Two benches are equal when they are the same one (an effect re-runs for another).
impl PartialEq for Bench {
    fn eq(&self, other: &Bench) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Bench {
    fn new(broker: &BrokerChoice) -> Bench {
        let (workbench, version) = match broker {
            BrokerChoice::Simulated => (Workbench::simulated(), ProtocolVersion::V5),
            BrokerChoice::Live(live) => (Workbench::live(live), live.version),
        };
        Bench {
            workbench: Rc::new(workbench),
            store: RefCell::new(TraceStore::new(2_000, 500)),
            version,
        }
    }

    /// Records the clients' trace as it comes and calls `on_grew` at most once a frame; returns
    /// what ends the clients.
    pub fn watch(self: &Rc<Self>, on_grew: Callback<()>) -> impl FnOnce() {
        let weak = Rc::downgrade(self);
        let frame = NextFrame::default();
        self.workbench.set_on_change(move || {
            if let Some(bench) = weak.upgrade() {
                bench
                    .store
                    .borrow_mut()
                    .extend(bench.workbench.take_trace());
                let on_grew = on_grew.clone();
                frame.request(move || on_grew.emit(()));
            }
        });
        let bench = self.clone();
        move || bench.workbench.end()
    }

    /// Publishes from the bar, first arming the faults the state asks for.
    fn publish(&self, qos: QoS, state: &WorkbenchState) -> Option<Problem> {
        if let Some(ack) = qos.ack_type() {
            if state.lose_ack {
                self.workbench.lose_next_incoming(PUBLISHER, ack);
            }
            // The subscriber gets it at this QoS too (its subscription is granted QoS 2).
            if state.withhold_ack {
                self.workbench.withhold_next(SUBSCRIBER, ack);
            }
        }
        let text = format!("hello at QoS {}", qos.as_u8());
        let sent = self.workbench.command(PUBLISHER, |session, now| {
            session.publish(now, PublishRequest::new(TOPIC, text, qos))
        });
        Problem::of_command(Text::Publish, sent)
    }

    /// Adds a client with a fresh name and id, not connected (its card connects it); returns
    /// its name.
    fn add_client(&self, number: usize) -> String {
        let mut id = format!("qoscope-client-{number}");
        if self.workbench.is_live() {
            id.push_str(&format!(
                "-{:06x}",
                (js_sys::Math::random() * f64::from(0x00ff_ffff)) as u32
            ));
        }
        self.workbench
            .add_client(ConnectOptions::new(self.version, id));
        format!("Client {number}")
    }

    /// Runs a card's command; `None` when the state has nothing to record.
    fn run(&self, client: usize, command: ClientCommand) -> Option<Action> {
        let workbench = &self.workbench;
        let problem = match command {
            ClientCommand::Connect(options) => {
                workbench.set_options(client, options);
                workbench.connect(client);
                None
            }
            ClientCommand::Disconnect => {
                workbench.disconnect(client);
                return None;
            }
            ClientCommand::Cut => {
                workbench.cut(client);
                return None;
            }
            ClientCommand::Remove => {
                workbench.disconnect(client);
                return Some(Action::ClientRemoved(client));
            }
            ClientCommand::Subscribe(subscription) => Problem::of_command(
                Text::Subscribe,
                workbench.command(client, |session, now| {
                    session.subscribe(now, vec![subscription], Default::default())
                }),
            ),
            ClientCommand::Unsubscribe(filter) => Problem::of_command(
                Text::Unsubscribe,
                workbench.command(client, |session, now| {
                    session.unsubscribe(now, vec![filter], Default::default())
                }),
            ),
            ClientCommand::Publish(request) => Problem::of_command(
                Text::Publish,
                workbench.command(client, |session, now| session.publish(now, request)),
            ),
        };
        Some(Action::ClientDone { client, problem })
    }
}

/// What a client's card asks of its client.
#[derive(Debug, Clone)]
pub enum ClientCommand {
    /// Connect (again) with these options.
    Connect(ConnectOptions),
    /// Send DISCONNECT.
    Disconnect,
    /// Drop the connection without DISCONNECT (the broker publishes the will).
    Cut,
    /// Disconnect and remove the card.
    Remove,
    Subscribe(Subscription),
    Unsubscribe(String),
    Publish(PublishRequest),
}

/// What the views ask for.
#[derive(Debug, Clone)]
pub enum PanelAction {
    /// A change of the state alone.
    State(Action),
    /// Publish from the bar at this QoS.
    Publish(QoS),
    /// Drop a client's connection and connect again, resuming its session.
    Reconnect(usize),
    /// Add a client.
    AddClient,
    /// A command from a client's card.
    Client {
        client: usize,
        command: ClientCommand,
    },
    /// Run the clients on another broker.
    UseBroker(BrokerChoice),
}

/// The panel: where its clients run, the clients, and the state.
pub struct Panel {
    pub broker: BrokerChoice,
    bench: Rc<Bench>,
    pub state: WorkbenchState,
}

impl Default for Panel {
    fn default() -> Panel {
        let broker = BrokerChoice::Simulated;
        Panel {
            bench: Rc::new(Bench::new(&broker)),
            broker,
            state: WorkbenchState::default(),
        }
    }
}

impl Reducible for Panel {
    type Action = PanelAction;

    fn reduce(self: Rc<Self>, action: PanelAction) -> Rc<Panel> {
        let (mut broker, mut bench) = (self.broker.clone(), self.bench.clone());
        let action = match action {
            PanelAction::State(action) => Some(action),
            PanelAction::Publish(qos) => {
                Some(Action::Published(self.bench.publish(qos, &self.state)))
            }
            PanelAction::Reconnect(client) => {
                self.bench.workbench.reconnect(client);
                None
            }
            PanelAction::AddClient => Some(Action::ClientAdded(
                self.bench.add_client(self.state.roster.len() + 1),
            )),
            PanelAction::Client { client, command } => self.bench.run(client, command),
            PanelAction::UseBroker(next) => {
                bench = Rc::new(Bench::new(&next));
                broker = next;
                Some(Action::BrokerChanged)
            }
        };
        let Some(action) = action else {
            return self;
        };
        let mut state = self.state.clone();
        state.reduce(action);
        Rc::new(Panel {
            broker,
            bench,
            state,
        })
    }
}

impl Panel {
    /// The clients and their live trace.
    pub fn bench(&self) -> Rc<Bench> {
        self.bench.clone()
    }

    /// The workbench, for views that run their own plans on it.
    pub fn workbench(&self) -> Rc<Workbench> {
        self.bench.workbench.clone()
    }

    /// The protocol version new clients speak.
    pub fn version(&self) -> ProtocolVersion {
        self.bench.version
    }

    /// Runs `read` on the trace shown (an opened file's, or the live one) and its lane names by
    /// trace tag.
    pub fn with_trace<T>(
        &self,
        read: impl FnOnce(&TraceStore, Vec<(ClientTag, String)>) -> T,
    ) -> T {
        match &self.state.replay {
            Some(replay) => read(&replay.store, replay.clients.clone()),
            None => read(&self.bench.store.borrow(), self.state.roster.by_tag()),
        }
    }

    /// The trace shown, as a file.
    pub fn trace_file(&self) -> TraceFile {
        self.with_trace(|store, clients| TraceFile::from_store(store, &clients))
    }

    /// The session of the client with trace tag `tag`, for the inspector (none for a replayed
    /// trace: no live session is behind it).
    pub fn session_view(&self, tag: ClientTag) -> Option<SessionView> {
        if self.state.replay.is_some() {
            return None;
        }
        let store = self.bench.store.borrow();
        let connack = store.last_connack(tag);
        self.bench
            .workbench
            .read(tag.index()?, |session| SessionView::read(session, connack))
    }

    /// What the card of the client at `index` shows.
    pub fn client_view(&self, index: usize) -> Option<ClientView> {
        let workbench = &self.bench.workbench;
        workbench
            .read(index, ClientView::read)
            .or_else(|| workbench.options(index).map(ClientView::unconnected))
    }
}
