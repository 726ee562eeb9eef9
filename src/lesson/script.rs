//! What a lesson is made of: actors, steps of actions with their narration, and how a step acts
//! on a world.

use crate::broker::BrokerConfig;
use crate::clients::{ClientIndex, Clients};
use crate::codec::{
    Disconnect, PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions, Will,
};
use crate::i18n::Bilingual;
use crate::session::{ConnectOptions, PublishRequest};
use crate::sim::{World, LESSON_LATENCY_MS};
use crate::trace::Direction;

use super::catalogue::{PAIR, SETUP};
use super::outcome::ExpectedOutcome;

/// A client taking part in a lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// Its lane's title.
    pub name: &'static str,
    /// A will as (topic, payload), published at QoS 1 if the connection ends without DISCONNECT.
    pub will: Option<(&'static str, &'static str)>,
    /// Whether its session outlives the connection; when not, v5 Clean Start 0 without a
    /// Session Expiry Interval (the common mistake), v3 CleanSession 1.
    pub keeps_session: bool,
}

/// One thing a step does to the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Opens the client's connection (CONNECT; resumes its session after the first time).
    Connect(ClientIndex),
    /// Subscribes the client to a filter at a QoS.
    Subscribe {
        /// Who subscribes.
        client: ClientIndex,
        /// The topic filter.
        filter: &'static str,
        /// The QoS asked for.
        qos: QoS,
    },
    /// Publishes a message.
    Publish {
        /// Who publishes.
        client: ClientIndex,
        /// Topic name.
        topic: &'static str,
        /// Payload text.
        payload: &'static str,
        /// QoS.
        qos: QoS,
        /// RETAIN.
        retain: bool,
    },
    /// Loses the next packet of a type on one direction of the client's link.
    DropNext {
        /// Whose link.
        client: ClientIndex,
        /// Which direction.
        direction: Direction,
        /// Which packet type.
        kind: PacketType,
    },
    /// Cuts the client's connection without DISCONNECT.
    Cut(ClientIndex),
    /// Sends a normal DISCONNECT and closes.
    Disconnect(ClientIndex),
}

impl Action {
    /// Does it. Commands a session refuses leave no packet, which the outcome then shows.
    pub fn apply(&self, clients: &mut dyn Clients) {
        match *self {
            Action::Connect(client) => clients.connect(client),
            Action::Subscribe {
                client,
                filter,
                qos,
            } => {
                let subscription = Subscription {
                    filter: filter.into(),
                    options: SubscriptionOptions::qos(qos),
                };
                clients.with_session(client, |session, now| {
                    let _ = session.subscribe(now, vec![subscription], Default::default());
                });
            }
            Action::Publish {
                client,
                topic,
                payload,
                qos,
                retain,
            } => {
                let mut request = PublishRequest::new(topic, payload, qos);
                request.retain = retain;
                clients.with_session(client, |session, now| {
                    let _ = session.publish(now, request);
                });
            }
            Action::DropNext {
                client,
                direction,
                kind,
            } => clients.drop_next(client, direction, kind),
            Action::Cut(client) => clients.cut(client),
            Action::Disconnect(client) => {
                clients.with_session(client, |session, now| {
                    session.disconnect(now, Disconnect::normal())
                });
            }
        }
    }
}

/// One step: what happens, told with the rules that make it happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What the learner sees happen, in a sentence or two, in both languages.
    pub narration: Bilingual,
    /// The normative ids (or sections, where a rule has none), v3 and v5 where they differ.
    pub rules: &'static str,
    /// What the step does; none for a step that only explains what just happened.
    pub actions: &'static [Action],
}

/// A scripted scenario with its expected outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lesson {
    /// Stable id (used in element ids and URLs).
    pub id: &'static str,
    /// Short title, in both languages.
    pub title: Bilingual,
    /// What it shows, in one sentence, in both languages.
    pub summary: Bilingual,
    /// The clients, by index.
    pub actors: &'static [Actor],
    /// The highest QoS the broker grants (below 2 to show a downgrade).
    pub granted_qos_cap: QoS,
    /// The steps, in order.
    pub steps: &'static [Step],
    /// What must have happened at the end.
    pub outcome: ExpectedOutcome,
}

impl Lesson {
    /// A fresh world for this lesson, with its actors added but not yet connected.
    pub fn world(&self, version: ProtocolVersion) -> World {
        new_world(self.actors, self.granted_qos_cap, version)
    }
}

/// A world with `actors` added (not yet connected) on slow links.
fn new_world(actors: &[Actor], granted_qos_cap: QoS, version: ProtocolVersion) -> World {
    let config = BrokerConfig {
        granted_qos_cap,
        ..BrokerConfig::default()
    };
    let mut world = World::new(config, 7).with_latency(LESSON_LATENCY_MS);
    for actor in actors {
        world.add_client(actor.options(version));
    }
    world
}

impl Actor {
    /// A session that outlives its connection (v3 CleanSession 0; v5 Clean Start 0 with a one
    /// hour Session Expiry Interval), so every reconnect resumes it; or, for an actor that does
    /// not keep its session, one that ends with the connection.
    fn options(&self, version: ProtocolVersion) -> ConnectOptions {
        let client_id = self.name.replace(' ', "-");
        let mut options = if self.keeps_session {
            ConnectOptions::persistent(version, client_id, 3600)
        } else {
            ConnectOptions {
                clean_start: version == ProtocolVersion::V311,
                ..ConnectOptions::new(version, client_id)
            }
        };
        options.will = self.will.map(|(topic, payload)| Will {
            topic: topic.into(),
            payload: payload.as_bytes().to_vec().into(),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Default::default(),
        });
        options
    }
}

/// A publisher and a subscriber, connected and subscribed, for playing with faults freely.
pub fn free_play(version: ProtocolVersion) -> (World, &'static [Actor]) {
    let mut world = new_world(PAIR, QoS::ExactlyOnce, version);
    for action in SETUP {
        action.apply(&mut world);
    }
    (world, PAIR)
}
