//! The lessons. Each step cites the rules behind what it shows: ids as in /work/shared's spec
//! digest, `v3`/`v5` where the two versions number them differently, a section where a rule has
//! no id. They run in either version; the pair's QoS exchanges behave the same in both.

use crate::codec::{PacketType, QoS};
use crate::sim::Side;

use super::outcome::{Check, Outcome};
use super::script::{Action, Actor, Lesson, Step};

/// What every subscriber in the lessons subscribes to.
pub const TOPIC_FILTER: &str = "lesson/#";
const TOPIC: &str = "lesson/greeting";
const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;

pub(super) const PAIR: &[Actor] = &[
    Actor {
        name: "Publisher",
        will: None,
    },
    Actor {
        name: "Subscriber",
        will: None,
    },
];

pub(super) const SETUP: &[Action] = &[
    Action::Connect(PUBLISHER),
    Action::Connect(SUBSCRIBER),
    Action::Subscribe {
        client: SUBSCRIBER,
        filter: TOPIC_FILTER,
        qos: QoS::ExactlyOnce,
    },
];

const SETUP_STEP: Step = Step {
    narration: "Publisher and Subscriber connect with sessions that outlive the connection \
                (v3 CleanSession 0; v5 Clean Start 0 and a Session Expiry Interval of an hour). \
                Subscriber subscribes to lesson/# at QoS 2.",
    rules: "[v3 MQTT-3.1.2-4] · [v5 MQTT-3.1.2-23]",
    actions: SETUP,
};

const fn publish(qos: QoS) -> Action {
    Action::Publish {
        client: PUBLISHER,
        topic: TOPIC,
        payload: "hello",
        qos,
        retain: false,
    }
}

const fn drop_next(side: Side, kind: PacketType) -> Action {
    Action::DropNext {
        client: PUBLISHER,
        side,
        kind,
    }
}

const CUT_PUBLISHER: Step = Step {
    narration: "The publisher's connection drops. It still holds the message as unacknowledged. \
                v5 forbids re-sending on the same connection; v3 allows it but only requires it \
                after a reconnect, so both wait for the next connection.",
    rules: "[v3 MQTT-4.4.0-1] · [v5 MQTT-4.4.0-1]",
    actions: &[Action::Cut(PUBLISHER)],
};

const fn received(client: usize, topic: &'static str, times: usize, qos: QoS) -> Check {
    Check::Received {
        client,
        topic,
        times,
        qos,
        retain: false,
    }
}

const QOS0_LOSS: Lesson = Lesson {
    id: "qos0-loss",
    title: "QoS 0 on a lossy link",
    summary: "A lost QoS 0 PUBLISH is gone: nothing acknowledges it, nothing sends it again.",
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        SETUP_STEP,
        Step {
            narration: "Publisher sends a QoS 0 PUBLISH: no packet id, DUP 0, no state kept. \
                        The link loses it.",
            rules: "[MQTT-4.3.1-1] · [MQTT-3.3.1-2]",
            actions: &[
                drop_next(Side::ToBroker, PacketType::Publish),
                publish(QoS::AtMostOnce),
            ],
        },
        Step {
            narration: "Nothing follows. No acknowledgement is expected, so neither side notices \
                        the loss and the broker never had the message to forward.",
            rules: "[MQTT-4.3.1-1]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Subscriber receives nothing: at most once can mean never.",
        checks: &[
            Check::Lost {
                client: PUBLISHER,
                kind: PacketType::Publish,
            },
            received(SUBSCRIBER, TOPIC, 0, QoS::AtMostOnce),
        ],
    },
};

const QOS1_LOST_PUBACK: Lesson = Lesson {
    id: "qos1-lost-puback",
    title: "QoS 1: a lost PUBACK",
    summary: "The publisher re-sends with DUP=1 after reconnecting, and a duplicate reaches the \
              subscriber.",
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        SETUP_STEP,
        Step {
            narration: "Publisher sends PUBLISH QoS 1 and keeps it until PUBACK. The broker takes \
                        ownership, forwards it to Subscriber and answers PUBACK. The link loses \
                        the PUBACK.",
            rules: "[v3 MQTT-4.3.2-1] · [v5 MQTT-4.3.2-1], [-2], [-3]",
            actions: &[
                drop_next(Side::ToClient, PacketType::PubAck),
                publish(QoS::AtLeastOnce),
            ],
        },
        CUT_PUBLISHER,
        Step {
            narration: "Publisher reconnects and resumes its session (Session Present 1), then \
                        sends the PUBLISH again with its original packet id and DUP=1.",
            rules: "[MQTT-4.4.0-1] · [MQTT-3.3.1-1] · [v3 MQTT-3.2.2-2] · [v5 MQTT-3.2.2-3]",
            actions: &[Action::Connect(PUBLISHER)],
        },
        Step {
            narration: "The broker had already acknowledged that id, so the PUBLISH is a new \
                        message to it and is forwarded again, with DUP 0 on the broker's own hop. \
                        Subscriber gets the message twice: QoS 1 is at least once.",
            rules: "[v3 MQTT-4.3.2-2] · [v5 MQTT-4.3.2-4], [-5] · [MQTT-3.3.1-3]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Subscriber receives the message twice; the publisher's second PUBLISH carries \
               DUP=1.",
        checks: &[
            Check::Lost {
                client: PUBLISHER,
                kind: PacketType::PubAck,
            },
            Check::SessionResumed(PUBLISHER),
            Check::Resent {
                client: PUBLISHER,
                kind: PacketType::Publish,
            },
            received(SUBSCRIBER, TOPIC, 2, QoS::AtLeastOnce),
        ],
    },
};

const QOS2_RECONNECT: Step = Step {
    narration: "Publisher reconnects and resumes its session (Session Present 1). It re-sends \
                what is unacknowledged, with the original packet id.",
    rules: "[MQTT-4.4.0-1] · [v3 MQTT-3.2.2-2] · [v5 MQTT-3.2.2-3]",
    actions: &[Action::Connect(PUBLISHER)],
};

const EXACTLY_ONCE: Outcome = Outcome {
    text: "Subscriber receives the message exactly once, at QoS 2.",
    checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::ExactlyOnce)],
};

/// A QoS 2 lesson: the setup, a QoS 2 publish whose `lost` packet the link loses, the cut, the
/// reconnect and what the reconnect does; the outcome adds the loss and the re-send to exactly
/// once.
macro_rules! qos2_lesson {
    ($id:literal, $title:literal, $side:expr, $lost:expr, $resent:expr,
     $publish:literal, $publish_rules:literal, $after:literal, $after_rules:literal) => {
        Lesson {
            id: $id,
            title: $title,
            summary: "The publisher re-sends after reconnecting and the subscriber still gets \
                      the message exactly once.",
            actors: PAIR,
            granted_qos_cap: QoS::ExactlyOnce,
            steps: &[
                SETUP_STEP,
                Step {
                    narration: $publish,
                    rules: $publish_rules,
                    actions: &[drop_next($side, $lost), publish(QoS::ExactlyOnce)],
                },
                CUT_PUBLISHER,
                QOS2_RECONNECT,
                Step {
                    narration: $after,
                    rules: $after_rules,
                    actions: &[],
                },
            ],
            outcome: Outcome {
                text: EXACTLY_ONCE.text,
                checks: &[
                    Check::Lost {
                        client: PUBLISHER,
                        kind: $lost,
                    },
                    Check::Resent {
                        client: PUBLISHER,
                        kind: $resent,
                    },
                    EXACTLY_ONCE.checks[0],
                ],
            },
        }
    };
}

const QOS2_LOST_PUBLISH: Lesson = qos2_lesson!(
    "qos2-lost-publish",
    "QoS 2: a lost PUBLISH",
    Side::ToBroker,
    PacketType::Publish,
    PacketType::Publish,
    "Publisher sends PUBLISH QoS 2 and keeps it until PUBREC. The link loses it: the broker \
     never saw the message.",
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
    "The PUBLISH goes again with DUP=1. The broker sees it for the first time, answers PUBREC, \
     and on PUBREL forwards it once and answers PUBCOMP.",
    "[MQTT-3.3.1-1] · [v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-8]"
);

const QOS2_LOST_PUBREC: Lesson = qos2_lesson!(
    "qos2-lost-pubrec",
    "QoS 2: a lost PUBREC",
    Side::ToClient,
    PacketType::PubRec,
    PacketType::Publish,
    "Publisher sends PUBLISH QoS 2. The broker stores the packet id and answers PUBREC; the link \
     loses the PUBREC, so the publisher still holds the message.",
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-8]",
    "The PUBLISH goes again with DUP=1. The broker still holds its id, so it answers PUBREC again \
     and does not take it as a new message. The PUBREL releases it: forwarded once.",
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-10]"
);

const QOS2_LOST_PUBREL: Lesson = qos2_lesson!(
    "qos2-lost-pubrel",
    "QoS 2: a lost PUBREL",
    Side::ToBroker,
    PacketType::PubRel,
    PacketType::PubRel,
    "PUBLISH and PUBREC get through. The publisher drops the message, keeps the id and sends \
     PUBREL; the link loses the PUBREL.",
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
    "Once PUBREL has been sent the PUBLISH is never sent again: only the PUBREL goes again. The \
     broker releases the message, forwards it once and answers PUBCOMP.",
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-6]"
);

const QOS2_LOST_PUBCOMP: Lesson = qos2_lesson!(
    "qos2-lost-pubcomp",
    "QoS 2: a lost PUBCOMP",
    Side::ToClient,
    PacketType::PubComp,
    PacketType::PubRel,
    "The broker gets PUBREL, forwards the message to Subscriber, forgets the packet id and \
     answers PUBCOMP; the link loses the PUBCOMP.",
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-11]",
    "The PUBREL goes again. The broker no longer knows the id but answers PUBCOMP anyway (v5 with \
     0x92 Packet Identifier not found); nothing is forwarded again.",
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-11]"
);

const DOWNGRADE_2_TO_1: Lesson = Lesson {
    id: "downgrade-2-to-1",
    title: "Downgrade: QoS 2 to 1",
    summary: "The broker grants at most QoS 1, so a QoS 2 message reaches the subscriber at QoS 1.",
    actors: PAIR,
    granted_qos_cap: QoS::AtLeastOnce,
    steps: &[
        Step {
            narration: "Publisher and Subscriber connect. Subscriber asks for QoS 2 on lesson/#; \
                        this broker grants at most QoS 1, and the SUBACK says so.",
            rules: "v3 §3.9.3 · v5 §3.9.3",
            actions: SETUP,
        },
        Step {
            narration: "Publisher publishes at QoS 2. Its own hop runs the whole QoS 2 exchange \
                        with the broker: PUBLISH, PUBREC, PUBREL, PUBCOMP.",
            rules: "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
            actions: &[publish(QoS::ExactlyOnce)],
        },
        Step {
            narration: "The broker forwards at min(published 2, granted 1) = QoS 1: a PUBLISH QoS \
                        1 and a PUBACK on the subscriber's hop.",
            rules: "[v3 MQTT-3.8.4-6] · [v5 MQTT-3.8.4-8]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Subscriber receives the message once, at QoS 1.",
        checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::AtLeastOnce)],
    },
};

const DOWNGRADE_1_TO_0: Lesson = Lesson {
    id: "downgrade-1-to-0",
    title: "Downgrade: QoS 1 to 0",
    summary: "A subscription at QoS 0 gets a QoS 1 message at QoS 0, with no PUBACK.",
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        Step {
            narration: "Publisher and Subscriber connect. Subscriber subscribes to lesson/# at \
                        QoS 0 and is granted QoS 0.",
            rules: "v3 §3.9.3 · v5 §3.9.3",
            actions: &[
                Action::Connect(PUBLISHER),
                Action::Connect(SUBSCRIBER),
                Action::Subscribe {
                    client: SUBSCRIBER,
                    filter: TOPIC_FILTER,
                    qos: QoS::AtMostOnce,
                },
            ],
        },
        Step {
            narration: "Publisher publishes at QoS 1 and gets its PUBACK from the broker.",
            rules: "[v3 MQTT-4.3.2-1] · [v5 MQTT-4.3.2-1], [-2], [-3]",
            actions: &[publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: "The broker forwards at min(published 1, granted 0) = QoS 0: a PUBLISH \
                        without packet id, and nothing comes back.",
            rules: "[v3 MQTT-3.8.4-6] · [v5 MQTT-3.8.4-8]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Subscriber receives the message once, at QoS 0.",
        checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::AtMostOnce)],
    },
};

const PERSISTENT_SESSION: Lesson = Lesson {
    id: "persistent-session",
    title: "Persistent session",
    summary: "A subscriber that was away gets what was published meanwhile when it comes back.",
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        SETUP_STEP,
        Step {
            narration: "Subscriber disconnects with DISCONNECT. Its session, with its \
                        subscription, stays on the broker.",
            rules: "[v3 MQTT-3.1.2-4] · [v5 MQTT-3.1.2-23]",
            actions: &[Action::Disconnect(SUBSCRIBER)],
        },
        Step {
            narration: "Publisher publishes at QoS 1 while Subscriber is away. The broker keeps \
                        the message for the session.",
            rules: "[v3 MQTT-3.1.2-5] · v5 §4.1",
            actions: &[publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: "Subscriber reconnects without a clean start. The CONNACK says Session \
                        Present 1 and the stored message follows.",
            rules: "[v3 MQTT-3.2.2-2] · [v5 MQTT-3.1.2-5], [v5 MQTT-3.2.2-3]",
            actions: &[Action::Connect(SUBSCRIBER)],
        },
    ],
    outcome: Outcome {
        text: "Subscriber resumes its session and receives the message published while it was \
               away.",
        checks: &[
            Check::SessionResumed(SUBSCRIBER),
            received(SUBSCRIBER, TOPIC, 1, QoS::AtLeastOnce),
        ],
    },
};

const RETAINED_TOPIC: &str = "lesson/thermostat";

const RETAINED: Lesson = Lesson {
    id: "retained",
    title: "Retained message",
    summary: "A subscriber that arrives late still gets the topic's last known value.",
    actors: &[
        Actor {
            name: "Publisher",
            will: None,
        },
        Actor {
            name: "Late subscriber",
            will: None,
        },
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        Step {
            narration: "Publisher connects and publishes 21.5 °C to lesson/thermostat at QoS 1 \
                        with RETAIN 1. Nobody subscribes yet (v5: PUBACK 0x10 No matching \
                        subscribers), but the broker keeps it as the topic's retained message.",
            rules: "[v3 MQTT-3.3.1-5] · [v5 MQTT-3.3.1-5]",
            actions: &[
                Action::Connect(PUBLISHER),
                Action::Publish {
                    client: PUBLISHER,
                    topic: RETAINED_TOPIC,
                    payload: "21.5 °C",
                    qos: QoS::AtLeastOnce,
                    retain: true,
                },
            ],
        },
        Step {
            narration: "Late subscriber connects and subscribes to lesson/#.",
            rules: "v3 §3.8 · v5 §3.8",
            actions: &[
                Action::Connect(SUBSCRIBER),
                Action::Subscribe {
                    client: SUBSCRIBER,
                    filter: TOPIC_FILTER,
                    qos: QoS::ExactlyOnce,
                },
            ],
        },
        Step {
            narration: "The broker sent the retained message right after the SUBACK, with RETAIN \
                        1 because it went out for a new subscription.",
            rules: "[v3 MQTT-3.3.1-8] · v5 §3.3.1.3, [v5 MQTT-3.3.1-9]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Late subscriber receives 21.5 °C once, with RETAIN 1.",
        checks: &[Check::Received {
            client: SUBSCRIBER,
            topic: RETAINED_TOPIC,
            times: 1,
            qos: QoS::AtLeastOnce,
            retain: true,
        }],
    },
};

const WILL_TOPIC: &str = "lesson/status/sensor";
const SENSOR: usize = 0;
const MONITOR: usize = 1;

const LAST_WILL: Lesson = Lesson {
    id: "last-will",
    title: "Last will",
    summary: "When a client vanishes without DISCONNECT, the broker publishes its will.",
    actors: &[
        Actor {
            name: "Sensor",
            will: Some((WILL_TOPIC, "offline")),
        },
        Actor {
            name: "Monitor",
            will: None,
        },
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    steps: &[
        Step {
            narration: "Sensor connects with a will: offline to lesson/status/sensor at QoS 1. \
                        The broker keeps it with the connection.",
            rules: "v3 §3.1.2.5 · v5 §3.1.2.5",
            actions: &[Action::Connect(SENSOR)],
        },
        Step {
            narration: "Monitor connects and subscribes to lesson/#.",
            rules: "v3 §3.8 · v5 §3.8",
            actions: &[
                Action::Connect(MONITOR),
                Action::Subscribe {
                    client: MONITOR,
                    filter: TOPIC_FILTER,
                    qos: QoS::ExactlyOnce,
                },
            ],
        },
        Step {
            narration: "Sensor's connection is cut without DISCONNECT, as a crash or a dead \
                        network would. The broker publishes the will, and Monitor gets offline.",
            rules: "v3 §3.1.2.5 · v5 §3.1.2.5",
            actions: &[Action::Cut(SENSOR)],
        },
        Step {
            narration: "A DISCONNECT would have deleted the will: always in v3, with reason 0x00 \
                        in v5 (0x04 asks for it to be published).",
            rules: "[v3 MQTT-3.14.4-3] · [v5 MQTT-3.14.4-3]",
            actions: &[],
        },
    ],
    outcome: Outcome {
        text: "Monitor receives the will, offline, once, at QoS 1.",
        checks: &[received(MONITOR, WILL_TOPIC, 1, QoS::AtLeastOnce)],
    },
};

const LESSONS: &[Lesson] = &[
    QOS0_LOSS,
    QOS1_LOST_PUBACK,
    QOS2_LOST_PUBLISH,
    QOS2_LOST_PUBREC,
    QOS2_LOST_PUBREL,
    QOS2_LOST_PUBCOMP,
    DOWNGRADE_2_TO_1,
    DOWNGRADE_1_TO_0,
    PERSISTENT_SESSION,
    RETAINED,
    LAST_WILL,
];

/// Every lesson, in teaching order.
pub fn catalogue() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.id == id)
}
