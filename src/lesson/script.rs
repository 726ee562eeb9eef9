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
    /// How long its session outlives the connection.
    pub session: SessionLife,
    /// v5 Will Delay Interval in seconds: how long the broker waits before publishing the will.
    pub will_delay_s: Option<u32>,
    /// v5 Receive Maximum: how many QoS 1 and 2 messages the broker may have unacknowledged
    /// with this client.
    pub receive_maximum: Option<u16>,
    /// v5: replaces a topic it publishes to again with a Topic Alias.
    pub topic_aliases: bool,
}

/// How long an actor's session outlives its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionLife {
    /// It ends with the connection: v5 Clean Start 0 without a Session Expiry Interval (the
    /// common mistake), v3 CleanSession 1.
    EndsWithConnection,
    /// It is kept this many seconds after the connection ends (v5 Session Expiry Interval; v3
    /// CleanSession 0, kept for good).
    KeptFor(u32),
}

impl Actor {
    /// A client called `name` whose session is kept for an hour, with no will and no 5.0
    /// options: the lessons' usual actor.
    pub const fn new(name: &'static str) -> Actor {
        Actor {
            name,
            will: None,
            session: SessionLife::KeptFor(3600),
            will_delay_s: None,
            receive_maximum: None,
            topic_aliases: false,
        }
    }
}

/// One thing a step does to the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
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
        /// v5 Message Expiry Interval in seconds.
        expiry_s: Option<u32>,
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
    /// Lets this many simulated seconds pass before the next step, so timers run out: a
    /// message's or a session's expiry, a delayed will. The run waits; nothing is sent.
    Wait(u32),
    /// Sends a normal DISCONNECT and closes.
    Disconnect(ClientIndex),
}

impl Act {
    /// Does it. Commands a session refuses leave no packet, which the outcome then shows.
    pub fn apply(&self, clients: &mut dyn Clients) {
        match *self {
            Act::Connect(client) => clients.connect(client),
            Act::Subscribe {
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
            Act::Publish {
                client,
                topic,
                payload,
                qos,
                retain,
                expiry_s,
            } => {
                let mut request = PublishRequest::new(topic, payload, qos);
                request.retain = retain;
                request.properties.message_expiry_interval = expiry_s;
                clients.with_session(client, |session, now| {
                    let _ = session.publish(now, request);
                });
            }
            Act::DropNext {
                client,
                direction,
                kind,
            } => clients.drop_next(client, direction, kind),
            Act::Cut(client) => clients.cut(client),
            // The run lets the time pass: see `Step::wait_ms`.
            Act::Wait(_) => {}
            Act::Disconnect(client) => {
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
    pub acts: &'static [Act],
}

impl Step {
    /// Simulated ms the step lets pass after its actions, before the next step is due.
    pub fn wait_ms(&self) -> u64 {
        self.acts
            .iter()
            .map(|act| match act {
                Act::Wait(seconds) => u64::from(*seconds) * 1000,
                _ => 0,
            })
            .sum()
    }
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
    /// Whether it shows something only MQTT 5.0 has, so it runs in 5.0 whatever is chosen.
    pub only_v5: bool,
    /// The steps, in order.
    pub steps: &'static [Step],
    /// What must have happened at the end.
    pub outcome: ExpectedOutcome,
}

impl Lesson {
    /// A fresh world for this lesson, with its actors added but not yet connected, in the
    /// version it runs in when `version` is chosen.
    pub fn world(&self, version: ProtocolVersion) -> World {
        self.world_on(BrokerConfig::default(), version)
    }

    /// [`Lesson::world`] on a broker with `config` (its granted QoS cap set by the lesson): how
    /// a test shows that a broken broker makes the outcome fail.
    pub fn world_on(&self, config: BrokerConfig, version: ProtocolVersion) -> World {
        let config = BrokerConfig {
            granted_qos_cap: self.granted_qos_cap,
            ..config
        };
        new_world(self.actors, config, self.version(version))
    }

    /// The versions it runs in.
    pub fn versions(&self) -> &'static [ProtocolVersion] {
        if self.only_v5 {
            &[ProtocolVersion::V5]
        } else {
            &[ProtocolVersion::V311, ProtocolVersion::V5]
        }
    }

    /// The version it runs in when `chosen` is asked for.
    pub fn version(&self, chosen: ProtocolVersion) -> ProtocolVersion {
        if self.only_v5 {
            ProtocolVersion::V5
        } else {
            chosen
        }
    }
}

/// A world with `actors` added (not yet connected) on slow links.
fn new_world(actors: &[Actor], config: BrokerConfig, version: ProtocolVersion) -> World {
    let mut world = World::new(config, 7).with_latency(LESSON_LATENCY_MS);
    for actor in actors {
        world.add_client(actor.options(version));
    }
    world
}

impl Actor {
    /// A session that outlives its connection (v3 CleanSession 0; v5 Clean Start 0 with its
    /// Session Expiry Interval), so every reconnect resumes it while it lasts; or, for an actor
    /// that does not keep its session, one that ends with the connection. The 5.0 options only
    /// in 5.0.
    fn options(&self, version: ProtocolVersion) -> ConnectOptions {
        let client_id = self.name.replace(' ', "-");
        let mut options = match self.session {
            SessionLife::KeptFor(seconds) => {
                ConnectOptions::persistent(version, client_id, seconds)
            }
            SessionLife::EndsWithConnection => ConnectOptions {
                clean_start: version == ProtocolVersion::V311,
                ..ConnectOptions::new(version, client_id)
            },
        };
        let v5 = version == ProtocolVersion::V5;
        options.will = self.will.map(|(topic, payload)| {
            let mut will = Will {
                topic: topic.into(),
                payload: payload.as_bytes().to_vec().into(),
                qos: QoS::AtLeastOnce,
                retain: false,
                properties: Default::default(),
            };
            will.properties.will_delay_interval = self.will_delay_s.filter(|_| v5);
            will
        });
        if v5 {
            options.properties.receive_maximum =
                self.receive_maximum.and_then(std::num::NonZeroU16::new);
            options.auto_topic_alias = self.topic_aliases;
        }
        options
    }
}

/// A publisher and a subscriber, connected and subscribed, for playing with faults freely.
pub fn free_play(version: ProtocolVersion) -> (World, &'static [Actor]) {
    let mut world = new_world(PAIR, BrokerConfig::default(), version);
    for act in SETUP {
        act.apply(&mut world);
    }
    (world, PAIR)
}
