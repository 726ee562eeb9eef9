//! The lessons. Each step cites the rules behind what it shows: normative ids as the specs
//! number them, `v3`/`v5` where the two versions number them differently, a section where a rule has
//! no id. The first twelve run in either version (the pair's QoS exchanges behave the same in
//! both); the last six show what 5.0 added and run in 5.0 only. Every
//! text is in English and Chinese, since learners are who the Chinese page is for; rule ids,
//! packet names and lane names stay as the spec and the diagram write them.

use crate::codec::{PacketType, QoS};
use crate::i18n::Bilingual;
use crate::trace::Direction;

use super::outcome::{Check, ExpectedOutcome};
use super::script::{Act, Actor, Lesson, SessionLife, Step};

/// What every subscriber in the lessons subscribes to.
pub const TOPIC_FILTER: &str = "lesson/#";
const TOPIC: &str = "lesson/greeting";
const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;

pub(super) const PAIR: &[Actor] = &[Actor::new("Publisher"), Actor::new("Subscriber")];

pub(super) const SETUP: &[Act] = &[
    Act::Connect(PUBLISHER),
    Act::Connect(SUBSCRIBER),
    Act::Subscribe {
        client: SUBSCRIBER,
        filter: TOPIC_FILTER,
        qos: QoS::ExactlyOnce,
    },
];

const SETUP_STEP: Step = Step {
    narration: Bilingual {
        en: "Publisher and Subscriber connect with sessions that outlive the connection (v3 \
             CleanSession 0; v5 Clean Start 0 and a Session Expiry Interval of an hour). \
             Subscriber subscribes to lesson/# at QoS 2.",
        zh: "发布者和订阅者建立连接，会话比连接存活得更久（v3 CleanSession 0；v5 Clean Start 0，\
             Session Expiry Interval 为一小时）。订阅者以 QoS 2 订阅 lesson/#。",
    },
    rules: "[v3 MQTT-3.1.2-4] · [v5 MQTT-3.1.2-23]",
    acts: SETUP,
};

const fn publish(qos: QoS) -> Act {
    Act::Publish {
        client: PUBLISHER,
        topic: TOPIC,
        payload: "hello",
        qos,
        retain: false,
        expiry_s: None,
    }
}

const fn drop_next(direction: Direction, kind: PacketType) -> Act {
    Act::DropNext {
        client: PUBLISHER,
        direction,
        kind,
    }
}

const CUT_PUBLISHER: Step = Step {
    narration: Bilingual {
        en: "The publisher's connection drops. It still holds the message as unacknowledged. v5 \
             forbids re-sending on the same connection; v3 allows it but only requires it after a \
             reconnect, so both wait for the next connection.",
        zh: "发布者的连接断开了。它仍持有这条未被确认的消息。v5 禁止在同一连接上重发；v3 允许，但\
             只要求在重连后重发，所以两个版本都等到下一次连接。",
    },
    rules: "[v3 MQTT-4.4.0-1] · [v5 MQTT-4.4.0-1]",
    acts: &[Act::Cut(PUBLISHER)],
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
    title: Bilingual {
        en: "QoS 0 on a lossy link",
        zh: "QoS 0：会丢包的链路",
    },
    summary: Bilingual {
        en: "A lost QoS 0 PUBLISH is gone: nothing acknowledges it, nothing sends it again.",
        zh: "丢失的 QoS 0 PUBLISH 就彻底没了：没有确认，也没有重发。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        SETUP_STEP,
        Step {
            narration: Bilingual {
                en:
                    "Publisher sends a QoS 0 PUBLISH: no packet id, DUP 0, no state kept. The link \
                     loses it.",
                zh: "发布者发送 QoS 0 的 PUBLISH：没有报文标识符，DUP 为 0，不保存任何状态。链路把\
                     它丢失了。",
            },
            rules: "[MQTT-4.3.1-1] · [MQTT-3.3.1-2]",
            acts: &[
                drop_next(Direction::Outgoing, PacketType::Publish),
                publish(QoS::AtMostOnce),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Nothing follows. No acknowledgement is expected, so neither side notices the \
                     loss and the broker never had the message to forward.",
                zh: "之后什么也没有发生。没有任何确认需要等待，所以双方都察觉不到丢失，代理也从未\
                     收到这条消息，无从转发。",
            },
            rules: "[MQTT-4.3.1-1]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives nothing: at most once can mean never.",
            zh: "订阅者什么也收不到：至多一次也可能是一次都没有。",
        },
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
    title: Bilingual {
        en: "QoS 1: a lost PUBACK",
        zh: "QoS 1：PUBACK 丢失",
    },
    summary: Bilingual {
        en: "The publisher re-sends with DUP=1 after reconnecting, and a duplicate reaches the \
             subscriber.",
        zh: "发布者重连后以 DUP=1 重发，订阅者收到一条重复消息。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        SETUP_STEP,
        Step {
            narration: Bilingual {
                en: "Publisher sends PUBLISH QoS 1 and keeps it until PUBACK. The broker takes \
                     ownership, forwards it to Subscriber and answers PUBACK. The link loses the \
                     PUBACK.",
                zh: "发布者发送 QoS 1 的 PUBLISH，并保存它直到收到 PUBACK。代理接管这条消息，转发\
                     给订阅者并回复 PUBACK。链路把 PUBACK 丢失了。",
            },
            rules: "[v3 MQTT-4.3.2-1] · [v5 MQTT-4.3.2-1], [-2], [-3]",
            acts: &[
                drop_next(Direction::Incoming, PacketType::PubAck),
                publish(QoS::AtLeastOnce),
            ],
        },
        CUT_PUBLISHER,
        Step {
            narration: Bilingual {
                en: "Publisher reconnects and resumes its session (Session Present 1), then sends \
                     the PUBLISH again with its original packet id and DUP=1.",
                zh: "发布者重连并恢复会话（Session Present 1），然后用原来的报文标识符、以 DUP=1 \
                     再次发送这个 PUBLISH。",
            },
            rules: "[MQTT-4.4.0-1] · [MQTT-3.3.1-1] · [v3 MQTT-3.2.2-2] · [v5 MQTT-3.2.2-3]",
            acts: &[Act::Connect(PUBLISHER)],
        },
        Step {
            narration: Bilingual {
                en: "The broker had already acknowledged that id, so the PUBLISH is a new message \
                     to it and is forwarded again, with DUP 0 on the broker's own hop. Subscriber \
                     gets the message twice: QoS 1 is at least once.",
                zh: "代理已经确认过这个标识符，所以对它来说这个 PUBLISH 是一条新消息，会再次转发，\
                     代理自己这一跳上 DUP 为 0。订阅者收到两次消息：QoS 1 是至少一次。",
            },
            rules: "[v3 MQTT-4.3.2-2] · [v5 MQTT-4.3.2-4], [-5] · [MQTT-3.3.1-3]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives the message twice; the publisher's second PUBLISH carries \
                 DUP=1.",
            zh: "订阅者收到两次消息；发布者的第二个 PUBLISH 带有 DUP=1。",
        },
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
    narration: Bilingual {
        en:
            "Publisher reconnects and resumes its session (Session Present 1). It re-sends what is \
             unacknowledged, with the original packet id.",
        zh: "发布者重连并恢复会话（Session Present 1）。它用原来的报文标识符重发尚未确认的报文。",
    },
    rules: "[MQTT-4.4.0-1] · [v3 MQTT-3.2.2-2] · [v5 MQTT-3.2.2-3]",
    acts: &[Act::Connect(PUBLISHER)],
};

const EXACTLY_ONCE: ExpectedOutcome = ExpectedOutcome {
    text: Bilingual {
        en: "Subscriber receives the message exactly once, at QoS 2.",
        zh: "订阅者以 QoS 2 收到这条消息，恰好一次。",
    },
    checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::ExactlyOnce)],
};

/// A QoS 2 lesson: the setup, a QoS 2 publish whose `lost` packet the link loses, the cut, the
/// reconnect and what the reconnect does; the outcome adds the loss and the re-send to exactly
/// once.
macro_rules! qos2_lesson {
    ($id:literal, $title:expr, $direction:expr, $lost:expr, $resent:expr,
     $publish:expr, $publish_rules:literal, $after:expr, $after_rules:literal) => {
        Lesson {
            id: $id,
            title: $title,
            summary: Bilingual {
                en: "The publisher re-sends after reconnecting and the subscriber still gets the \
                     message exactly once.",
                zh: "发布者重连后重发，订阅者仍然只收到一次这条消息。",
            },
            actors: PAIR,
            granted_qos_cap: QoS::ExactlyOnce,
            only_v5: false,
            steps: &[
                SETUP_STEP,
                Step {
                    narration: $publish,
                    rules: $publish_rules,
                    acts: &[drop_next($direction, $lost), publish(QoS::ExactlyOnce)],
                },
                CUT_PUBLISHER,
                QOS2_RECONNECT,
                Step {
                    narration: $after,
                    rules: $after_rules,
                    acts: &[],
                },
            ],
            outcome: ExpectedOutcome {
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
    Bilingual {
        en: "QoS 2: a lost PUBLISH",
        zh: "QoS 2：PUBLISH 丢失",
    },
    Direction::Outgoing,
    PacketType::Publish,
    PacketType::Publish,
    Bilingual {
        en: "Publisher sends PUBLISH QoS 2 and keeps it until PUBREC. The link loses it: the \
             broker never saw the message.",
        zh: "发布者发送 QoS 2 的 PUBLISH，并保存它直到收到 PUBREC。链路把它丢失了：代理从未见过这\
             条消息。",
    },
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
    Bilingual {
        en: "The PUBLISH goes again with DUP=1. The broker sees it for the first time, answers \
             PUBREC, and on PUBREL forwards it once and answers PUBCOMP.",
        zh: "PUBLISH 以 DUP=1 再次发送。代理第一次见到它，回复 PUBREC；收到 PUBREL 后转发一次并回\
             复 PUBCOMP。",
    },
    "[MQTT-3.3.1-1] · [v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-8]"
);

const QOS2_LOST_PUBREC: Lesson = qos2_lesson!(
    "qos2-lost-pubrec",
    Bilingual {
        en: "QoS 2: a lost PUBREC",
        zh: "QoS 2：PUBREC 丢失",
    },
    Direction::Incoming,
    PacketType::PubRec,
    PacketType::Publish,
    Bilingual {
        en: "Publisher sends PUBLISH QoS 2. The broker stores the packet id and answers PUBREC; \
             the link loses the PUBREC, so the publisher still holds the message.",
        zh: "发布者发送 QoS 2 的 PUBLISH。代理保存报文标识符并回复 PUBREC；链路把 PUBREC 丢失了，\
             所以发布者仍持有这条消息。",
    },
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-8]",
    Bilingual {
        en: "The PUBLISH goes again with DUP=1. The broker still holds its id, so it answers \
             PUBREC again and does not take it as a new message. The PUBREL releases it: \
             forwarded once.",
        zh: "PUBLISH 以 DUP=1 再次发送。代理仍保存着它的标识符，所以再次回复 PUBREC，而不把它当作\
             新消息。PUBREL 释放这条消息：只转发一次。",
    },
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-10]"
);

const QOS2_LOST_PUBREL: Lesson = qos2_lesson!(
    "qos2-lost-pubrel",
    Bilingual {
        en: "QoS 2: a lost PUBREL",
        zh: "QoS 2：PUBREL 丢失",
    },
    Direction::Outgoing,
    PacketType::PubRel,
    PacketType::PubRel,
    Bilingual {
        en: "PUBLISH and PUBREC get through. The publisher drops the message, keeps the id and \
             sends PUBREL; the link loses the PUBREL.",
        zh: "PUBLISH 和 PUBREC 都顺利送达。发布者丢弃消息本身，保留标识符并发送 PUBREL；链路把 \
             PUBREL 丢失了。",
    },
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
    Bilingual {
        en: "Once PUBREL has been sent the PUBLISH is never sent again: only the PUBREL goes \
             again. The broker releases the message, forwards it once and answers PUBCOMP.",
        zh: "一旦发送过 PUBREL，就再也不会重发 PUBLISH：只重发 PUBREL。代理释放这条消息，转发一次\
             并回复 PUBCOMP。",
    },
    "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-6]"
);

const QOS2_LOST_PUBCOMP: Lesson = qos2_lesson!(
    "qos2-lost-pubcomp",
    Bilingual {
        en: "QoS 2: a lost PUBCOMP",
        zh: "QoS 2：PUBCOMP 丢失",
    },
    Direction::Incoming,
    PacketType::PubComp,
    PacketType::PubRel,
    Bilingual {
        en:
            "The broker gets PUBREL, forwards the message to Subscriber, forgets the packet id and \
             answers PUBCOMP; the link loses the PUBCOMP.",
        zh: "代理收到 PUBREL，把消息转发给订阅者，丢弃报文标识符并回复 PUBCOMP；链路把 PUBCOMP 丢\
             失了。",
    },
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-11]",
    Bilingual {
        en: "The PUBREL goes again. The broker no longer knows the id but answers PUBCOMP anyway \
             (v5 with 0x92 Packet Identifier not found); nothing is forwarded again.",
        zh: "PUBREL 再次发送。代理已不认识这个标识符，但仍回复 PUBCOMP（v5 中带 0x92 Packet \
             Identifier not found）；不会再转发任何消息。",
    },
    "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-11]"
);

const DOWNGRADE_2_TO_1: Lesson = Lesson {
    id: "downgrade-2-to-1",
    title: Bilingual {
        en: "Downgrade: QoS 2 to 1",
        zh: "降级：QoS 2 降为 1",
    },
    summary: Bilingual {
        en: "The broker grants at most QoS 1, so a QoS 2 message reaches the subscriber at QoS 1.",
        zh: "代理最多授予 QoS 1，所以 QoS 2 的消息以 QoS 1 到达订阅者。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::AtLeastOnce,
    only_v5: false,
    steps: &[
        Step {
            narration: Bilingual {
                en:
                    "Publisher and Subscriber connect. Subscriber asks for QoS 2 on lesson/#; this \
                     broker grants at most QoS 1, and the SUBACK says so.",
                zh: "发布者和订阅者建立连接。订阅者请求以 QoS 2 订阅 lesson/#；这个代理最多授予 Qo\
                     S 1，SUBACK 中也是这样写的。",
            },
            rules: "v3 §3.9.3 · v5 §3.9.3",
            acts: SETUP,
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes at QoS 2. Its own hop runs the whole QoS 2 exchange with \
                     the broker: PUBLISH, PUBREC, PUBREL, PUBCOMP.",
                zh: "发布者以 QoS 2 发布。它与代理之间这一跳走完整个 QoS 2 流程：PUBLISH、PUBREC、\
                     PUBREL、PUBCOMP。",
            },
            rules: "[v3 MQTT-4.3.3-1] · [v5 MQTT-4.3.3-1]…[-6]",
            acts: &[publish(QoS::ExactlyOnce)],
        },
        Step {
            narration: Bilingual {
                en: "The broker forwards at min(published 2, granted 1) = QoS 1: a PUBLISH QoS 1 \
                     and a PUBACK on the subscriber's hop.",
                zh: "代理按 min(发布 2, 授予 1) = QoS 1 转发：订阅者这一跳上是 QoS 1 的 PUBLISH 和\
                     一个 PUBACK。",
            },
            rules: "[v3 MQTT-3.8.4-6] · [v5 MQTT-3.8.4-8]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives the message once, at QoS 1.",
            zh: "订阅者以 QoS 1 收到一次这条消息。",
        },
        checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::AtLeastOnce)],
    },
};

const DOWNGRADE_1_TO_0: Lesson = Lesson {
    id: "downgrade-1-to-0",
    title: Bilingual {
        en: "Downgrade: QoS 1 to 0",
        zh: "降级：QoS 1 降为 0",
    },
    summary: Bilingual {
        en: "A subscription at QoS 0 gets a QoS 1 message at QoS 0, with no PUBACK.",
        zh: "QoS 0 的订阅以 QoS 0 收到 QoS 1 的消息，没有 PUBACK。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher and Subscriber connect. Subscriber subscribes to lesson/# at QoS 0 \
                     and is granted QoS 0.",
                zh: "发布者和订阅者建立连接。订阅者以 QoS 0 订阅 lesson/#，并被授予 QoS 0。",
            },
            rules: "v3 §3.9.3 · v5 §3.9.3",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Connect(SUBSCRIBER),
                Act::Subscribe {
                    client: SUBSCRIBER,
                    filter: TOPIC_FILTER,
                    qos: QoS::AtMostOnce,
                },
            ],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes at QoS 1 and gets its PUBACK from the broker.",
                zh: "发布者以 QoS 1 发布，并收到代理的 PUBACK。",
            },
            rules: "[v3 MQTT-4.3.2-1] · [v5 MQTT-4.3.2-1], [-2], [-3]",
            acts: &[publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: Bilingual {
                en:
                    "The broker forwards at min(published 1, granted 0) = QoS 0: a PUBLISH without \
                     packet id, and nothing comes back.",
                zh: "代理按 min(发布 1, 授予 0) = QoS 0 转发：一个不带报文标识符的 PUBLISH，之后没\
                     有任何回复。",
            },
            rules: "[v3 MQTT-3.8.4-6] · [v5 MQTT-3.8.4-8]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives the message once, at QoS 0.",
            zh: "订阅者以 QoS 0 收到一次这条消息。",
        },
        checks: &[received(SUBSCRIBER, TOPIC, 1, QoS::AtMostOnce)],
    },
};

const PERSISTENT_SESSION: Lesson = Lesson {
    id: "persistent-session",
    title: Bilingual {
        en: "Persistent session",
        zh: "持久会话",
    },
    summary: Bilingual {
        en: "A subscriber that was away gets what was published meanwhile when it comes back.",
        zh: "离线的订阅者回来后，会收到离开期间发布的消息。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        SETUP_STEP,
        Step {
            narration: Bilingual {
                en: "Subscriber disconnects with DISCONNECT. Its session, with its subscription, \
                     stays on the broker.",
                zh: "订阅者发送 DISCONNECT 断开连接。它的会话（连同订阅）仍保留在代理上。",
            },
            rules: "[v3 MQTT-3.1.2-4] · [v5 MQTT-3.1.2-23]",
            acts: &[Act::Disconnect(SUBSCRIBER)],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes at QoS 1 while Subscriber is away. The broker keeps the \
                     message for the session.",
                zh: "订阅者离线期间，发布者以 QoS 1 发布。代理为该会话保存这条消息。",
            },
            rules: "[v3 MQTT-3.1.2-5] · v5 §4.1",
            acts: &[publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: Bilingual {
                en:
                    "Subscriber reconnects without a clean start. The CONNACK says Session Present \
                     1 and the stored message follows.",
                zh: "订阅者不使用 Clean Start 重新连接。CONNACK 中 Session Present 为 1，随后送来\
                     保存的消息。",
            },
            rules: "[v3 MQTT-3.2.2-2] · [v5 MQTT-3.1.2-5], [v5 MQTT-3.2.2-3]",
            acts: &[Act::Connect(SUBSCRIBER)],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber resumes its session and receives the message published while it was \
                 away.",
            zh: "订阅者恢复会话，并收到离线期间发布的消息。",
        },
        checks: &[
            Check::SessionResumed(SUBSCRIBER),
            received(SUBSCRIBER, TOPIC, 1, QoS::AtLeastOnce),
        ],
    },
};

const RETAINED_TOPIC: &str = "lesson/thermostat";

const RETAINED: Lesson = Lesson {
    id: "retained",
    title: Bilingual {
        en: "Retained message",
        zh: "保留消息",
    },
    summary: Bilingual {
        en: "A subscriber that arrives late still gets the topic's last known value.",
        zh: "晚到的订阅者仍能收到该主题最后一个已知值。",
    },
    actors: &[Actor::new("Publisher"), Actor::new("Late subscriber")],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher connects and publishes 21.5 °C to lesson/thermostat at QoS 1 with \
                     RETAIN 1. Nobody subscribes yet (v5: PUBACK 0x10 No matching subscribers), \
                     but the broker keeps it as the topic's retained message.",
                zh: "发布者建立连接，以 QoS 1、RETAIN 1 向 lesson/thermostat 发布 21.5 °C。此时还\
                     没有人订阅（v5：PUBACK 0x10 No matching subscribers），但代理把它保存为该主\
                     题的保留消息。",
            },
            rules: "[v3 MQTT-3.3.1-5] · [v5 MQTT-3.3.1-5]",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Publish {
                    client: PUBLISHER,
                    topic: RETAINED_TOPIC,
                    payload: "21.5 °C",
                    qos: QoS::AtLeastOnce,
                    retain: true,
                    expiry_s: None,
                },
            ],
        },
        Step {
            narration: Bilingual {
                en: "Late subscriber connects and subscribes to lesson/#.",
                zh: "晚到的订阅者（Late subscriber）建立连接并订阅 lesson/#。",
            },
            rules: "v3 §3.8 · v5 §3.8",
            acts: &[
                Act::Connect(SUBSCRIBER),
                Act::Subscribe {
                    client: SUBSCRIBER,
                    filter: TOPIC_FILTER,
                    qos: QoS::ExactlyOnce,
                },
            ],
        },
        Step {
            narration: Bilingual {
                en: "The broker sent the retained message right after the SUBACK, with RETAIN 1 \
                     because it went out for a new subscription.",
                zh: "代理在 SUBACK 之后立即发送保留消息，RETAIN 为 1，因为它是为新订阅发送的。",
            },
            rules: "[v3 MQTT-3.3.1-8] · v5 §3.3.1.3, [v5 MQTT-3.3.1-9]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Late subscriber receives 21.5 °C once, with RETAIN 1.",
            zh: "晚到的订阅者收到一次 21.5 °C，RETAIN 为 1。",
        },
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
    title: Bilingual {
        en: "Last will",
        zh: "遗嘱消息",
    },
    summary: Bilingual {
        en: "When a client vanishes without DISCONNECT, the broker publishes its will.",
        zh: "客户端没有发送 DISCONNECT 就消失时，代理会发布它的遗嘱消息。",
    },
    actors: &[
        Actor {
            will: Some((WILL_TOPIC, "offline")),
            ..Actor::new("Sensor")
        },
        Actor::new("Monitor"),
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Sensor connects with a will: offline to lesson/status/sensor at QoS 1. The \
                     broker keeps it with the connection.",
                zh: "Sensor（传感器）带着遗嘱消息建立连接：以 QoS 1 向 lesson/status/sensor 发布 \
                     offline。代理随连接保存这条遗嘱消息。",
            },
            rules: "v3 §3.1.2.5 · v5 §3.1.2.5",
            acts: &[Act::Connect(SENSOR)],
        },
        Step {
            narration: Bilingual {
                en: "Monitor connects and subscribes to lesson/#.",
                zh: "Monitor（监控端）建立连接并订阅 lesson/#。",
            },
            rules: "v3 §3.8 · v5 §3.8",
            acts: &[
                Act::Connect(MONITOR),
                Act::Subscribe {
                    client: MONITOR,
                    filter: TOPIC_FILTER,
                    qos: QoS::ExactlyOnce,
                },
            ],
        },
        Step {
            narration: Bilingual {
                en: "Sensor's connection is cut without DISCONNECT, as a crash or a dead network \
                     would. The broker publishes the will, and Monitor gets offline.",
                zh: "Sensor 的连接在没有 DISCONNECT 的情况下被切断，就像程序崩溃或网络中断那样。代\
                     理发布遗嘱消息，Monitor 收到 offline。",
            },
            rules: "v3 §3.1.2.5 · v5 §3.1.2.5",
            acts: &[Act::Cut(SENSOR)],
        },
        Step {
            narration: Bilingual {
                en: "A DISCONNECT would have deleted the will: always in v3, with reason 0x00 in \
                     v5 (0x04 asks for it to be published).",
                zh: "如果发送了 DISCONNECT，遗嘱消息就会被删除：v3 中总是如此，v5 中原因码为 0x00 \
                     时如此（0x04 则要求发布遗嘱消息）。",
            },
            rules: "[v3 MQTT-3.14.4-3] · [v5 MQTT-3.14.4-3]",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Monitor receives the will, offline, once, at QoS 1.",
            zh: "Monitor 以 QoS 1 收到一次遗嘱消息 offline。",
        },
        checks: &[received(MONITOR, WILL_TOPIC, 1, QoS::AtLeastOnce)],
    },
};

/// A publisher whose session ends with its connection: the common 5.0 mistake of Clean Start 0
/// without a Session Expiry Interval; in 3.1.1, CleanSession 1.
const FORGETFUL_PAIR: &[Actor] = &[
    Actor {
        session: SessionLife::EndsWithConnection,
        ..Actor::new("Publisher")
    },
    Actor::new("Subscriber"),
];

const LOST_SESSION_AFTER_PUBREC: Lesson = Lesson {
    id: "lost-session-after-pubrec",
    title: Bilingual {
        en: "A lost session after PUBREC",
        zh: "PUBREC 之后会话丢失",
    },
    summary: Bilingual {
        en: "PUBREC says the broker has the message, not that anyone got it: when the session is \
             lost before PUBREL, delivery is unknown, and qoscope says so.",
        zh: "PUBREC 只表示代理收到了消息，并不表示有人收到了它：如果会话在 PUBREL 之前丢失，\
             投递结果未知，qoscope 会如实报告。",
    },
    actors: FORGETFUL_PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: false,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher connects with a session that ends with the connection: in 5.0, \
                     Clean Start 0 but no Session Expiry Interval, so the interval is 0; in \
                     3.1.1, CleanSession 1. Subscriber keeps its session and subscribes to \
                     lesson/# at QoS 2.",
                zh: "发布者建立的会话随连接结束：5.0 中 Clean Start 为 0 但没有 Session Expiry \
                     Interval，即间隔为 0；3.1.1 中 CleanSession 为 1。订阅者保留会话，并以 QoS 2 \
                     订阅 lesson/#。",
            },
            rules: "[v5 MQTT-3.1.2-23] · [v3 MQTT-3.1.2-6]",
            acts: SETUP,
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes at QoS 2. The broker answers PUBREC: it has the \
                     message. Like Mosquitto, it forwards a QoS 2 message when PUBREL comes \
                     (Method A), and Publisher's PUBREL is lost on the way.",
                zh: "发布者以 QoS 2 发布。代理回复 PUBREC：消息已在代理手中。与 Mosquitto 一样，\
                     它在收到 PUBREL 时才转发 QoS 2 消息（方法 A），而发布者的 PUBREL 在途中丢失。",
            },
            rules: "[v3 MQTT-4.3.3-2] · [v5 MQTT-4.3.3-8], v5 §4.3.3",
            acts: &[
                drop_next(Direction::Outgoing, PacketType::PubRel),
                publish(QoS::ExactlyOnce),
            ],
        },
        Step {
            narration: Bilingual {
                en: "The connection drops before PUBREL arrives. The broker ends Publisher's \
                     session, and with it the message it was holding: it was never forwarded.",
                zh: "PUBREL 到达之前连接断开。代理结束了发布者的会话，连同它持有的那条消息：\
                     这条消息从未被转发。",
            },
            rules: "[v5 MQTT-3.1.2-23] · [v3 MQTT-3.1.2-6]",
            acts: &[Act::Cut(PUBLISHER)],
        },
        Step {
            narration: Bilingual {
                en: "Publisher reconnects. CONNACK says Session Present 0: the broker has no \
                     session, so PUBREL cannot finish the exchange. Had the broker delivered the \
                     message? PUBREC cannot tell. qoscope reports the publish's outcome as \
                     unknown (DELIVERY_UNKNOWN) instead of claiming it was delivered; with \
                     republishUnconfirmed it would publish it again, at the risk of a duplicate.",
                zh:
                    "发布者重新连接。CONNACK 中 Session Present 为 0：代理没有会话，PUBREL 无法完成\
                     交换。代理投递过这条消息吗？PUBREC 无法说明。qoscope 把这次发布的结果报告为\
                     未知（DELIVERY_UNKNOWN），而不是声称已送达；设置 republishUnconfirmed 时会\
                     重新发布，但可能重复。",
            },
            rules: "[v5 MQTT-3.2.2-5] · [v3 MQTT-3.2.2-1], v5 §4.3.3",
            acts: &[Act::Connect(PUBLISHER)],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber never receives the message, and Publisher's publish ends as \
                 \"delivery unknown\", not as delivered.",
            zh:
                "订阅者始终没有收到这条消息，发布者的这次发布以\"投递未知\"结束，而不是\"已送达\"。",
        },
        checks: &[
            received(SUBSCRIBER, TOPIC, 0, QoS::ExactlyOnce),
            Check::DeliveryUnknown(PUBLISHER),
        ],
    },
};

// ---- What MQTT 5.0 changed: each lesson runs in 5.0 only. ----------------------------------

const fn subscribe(client: usize, filter: &'static str) -> Act {
    Act::Subscribe {
        client,
        filter,
        qos: QoS::AtLeastOnce,
    }
}

const fn publish_on(client: usize, topic: &'static str, payload: &'static str) -> Act {
    Act::Publish {
        client,
        topic,
        payload,
        qos: QoS::AtLeastOnce,
        retain: false,
        expiry_s: None,
    }
}

const fn expiring(topic: &'static str, payload: &'static str, seconds: u32) -> Act {
    Act::Publish {
        client: PUBLISHER,
        topic,
        payload,
        qos: QoS::AtLeastOnce,
        retain: false,
        expiry_s: Some(seconds),
    }
}

const RECEIVE_MAXIMUM: Lesson = Lesson {
    id: "receive-maximum",
    title: Bilingual {
        en: "Flow control: Receive Maximum",
        zh: "流量控制：Receive Maximum",
    },
    summary: Bilingual {
        en: "A client says how many unacknowledged messages it can take; the broker holds the rest \
             back until a PUBACK makes room.",
        zh: "客户端声明自己能同时接收多少条未确认的消息；代理把其余的消息留在手中，直到 PUBACK \
             腾出位置。",
    },
    actors: &[
        Actor::new("Publisher"),
        Actor {
            receive_maximum: Some(1),
            ..Actor::new("Subscriber")
        },
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher connects. Subscriber connects with Receive Maximum 1 in its CONNECT: \
                     it takes one unacknowledged QoS 1 or QoS 2 message at a time. It subscribes \
                     to lesson/# at QoS 1.",
                zh: "发布者建立连接。订阅者在 CONNECT 中带上 Receive Maximum 1：它一次只接收一条\
                     未确认的 QoS 1 或 QoS 2 消息。它以 QoS 1 订阅 lesson/#。",
            },
            rules: "v5 §3.1.2.11.3 · v5 §4.9",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Connect(SUBSCRIBER),
                subscribe(SUBSCRIBER, TOPIC_FILTER),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes three messages at QoS 1 at once. The broker's own Receive \
                     Maximum allows that, so it takes all three and answers each with PUBACK; to \
                     Subscriber it forwards only the first.",
                zh: "发布者一次以 QoS 1 发布三条消息。代理自己的 Receive Maximum 允许这样做，所以它\
                     收下全部三条并逐一回复 PUBACK；但只把第一条转发给订阅者。",
            },
            rules: "[v5 MQTT-3.3.4-7] · [v5 MQTT-3.3.4-9]",
            acts: &[publish(QoS::AtLeastOnce), publish(QoS::AtLeastOnce), publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: Bilingual {
                en: "Each PUBACK from Subscriber frees its one place, and only then does the broker \
                     send the next message. Nothing is lost: the messages wait at the broker and \
                     arrive one after the other.",
                zh: "订阅者的每个 PUBACK 都会腾出它唯一的位置，代理这时才发送下一条消息。没有消息\
                     丢失：消息在代理处等待，一条接一条地到达。",
            },
            rules: "[v5 MQTT-3.3.4-9] · v5 §4.9",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives all three messages at QoS 1, never more than one \
                 unacknowledged at a time.",
            zh: "订阅者以 QoS 1 收到全部三条消息，任何时候未确认的都不超过一条。",
        },
        checks: &[
            Check::InFlightPeak {
                client: SUBSCRIBER,
                max: 1,
            },
            received(SUBSCRIBER, TOPIC, 3, QoS::AtLeastOnce),
        ],
    },
};

/// Publisher and Subscriber in 5.0, with sessions kept for an hour, Subscriber on lesson/#.
const V5_SETUP_STEP: Step = Step {
    narration: Bilingual {
        en: "Publisher and Subscriber connect with Clean Start 0 and a Session Expiry Interval of \
             an hour, so their sessions outlive the connection. Subscriber subscribes to lesson/# \
             at QoS 1.",
        zh: "发布者和订阅者以 Clean Start 0、一小时的 Session Expiry Interval 建立连接，所以它们\
             的会话比连接存活得更久。订阅者以 QoS 1 订阅 lesson/#。",
    },
    rules: "[v5 MQTT-3.1.2-23]",
    acts: &[
        Act::Connect(PUBLISHER),
        Act::Connect(SUBSCRIBER),
        subscribe(SUBSCRIBER, TOPIC_FILTER),
    ],
};

const FLASH_SALE: &str = "lesson/flash-sale";
const NEWSLETTER: &str = "lesson/newsletter";

const MESSAGE_EXPIRY: Lesson = Lesson {
    id: "message-expiry",
    title: Bilingual {
        en: "Message expiry while away",
        zh: "离线期间消息过期",
    },
    summary: Bilingual {
        en: "A message with a Message Expiry Interval is deleted when it expires while it waits \
             for an absent subscriber.",
        zh: "带 Message Expiry Interval 的消息如果在等待离线订阅者时过期，就会被删除。",
    },
    actors: PAIR,
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        V5_SETUP_STEP,
        Step {
            narration: Bilingual {
                en: "Subscriber disconnects with DISCONNECT. Its session, with its subscription, \
                     stays on the broker.",
                zh: "订阅者发送 DISCONNECT 断开连接。它的会话（连同订阅）仍保留在代理上。",
            },
            rules: "[v5 MQTT-3.1.2-23]",
            acts: &[Act::Disconnect(SUBSCRIBER)],
        },
        Step {
            narration: Bilingual {
                en: "While Subscriber is away, Publisher publishes two messages at QoS 1: \
                     lesson/flash-sale with a Message Expiry Interval of 2 seconds, and \
                     lesson/newsletter with one of an hour. The broker queues both for \
                     Subscriber's session. Then 3 seconds pass.",
                zh: "订阅者离线期间，发布者以 QoS 1 发布两条消息：lesson/flash-sale 的 Message \
                     Expiry Interval 为 2 秒，lesson/newsletter 的为一小时。代理把两条都排进订阅\
                     者会话的队列。然后过去了 3 秒。",
            },
            rules: "v5 §3.3.2.3.3",
            acts: &[
                expiring(FLASH_SALE, "50% off", 2),
                expiring(NEWSLETTER, "news", 3600),
                Act::Wait(3),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Subscriber reconnects: CONNACK says Session Present 1, and only \
                     lesson/newsletter follows, its Message Expiry Interval lowered by the time \
                     it waited. lesson/flash-sale expired in the queue, so the broker deleted it \
                     instead of delivering it late.",
                zh: "订阅者重新连接：CONNACK 中 Session Present 为 1，随后只送来 \
                     lesson/newsletter，其 Message Expiry Interval 减去了它等待的时间。\
                     lesson/flash-sale 在队列中过期了，所以代理删除了它，而不是迟到地投递。",
            },
            rules: "[v5 MQTT-3.3.2-5] · [v5 MQTT-3.3.2-6] · [v5 MQTT-3.2.2-3]",
            acts: &[Act::Connect(SUBSCRIBER)],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber resumes its session and receives lesson/newsletter once; \
                 lesson/flash-sale never arrives.",
            zh: "订阅者恢复会话，收到一次 lesson/newsletter；lesson/flash-sale 始终没有到达。",
        },
        checks: &[
            Check::SessionResumed(SUBSCRIBER),
            received(SUBSCRIBER, NEWSLETTER, 1, QoS::AtLeastOnce),
            received(SUBSCRIBER, FLASH_SALE, 0, QoS::AtLeastOnce),
        ],
    },
};

const KEEPER: usize = 1;
const BRIEF: usize = 2;

const SESSION_EXPIRY: Lesson = Lesson {
    id: "session-expiry",
    title: Bilingual {
        en: "Session expiry",
        zh: "会话过期",
    },
    summary: Bilingual {
        en: "A session outlives its connection only for its Session Expiry Interval; after that \
             the broker discards it, subscriptions and queued messages included.",
        zh: "会话只在 Session Expiry Interval 内比连接存活得更久；过了这个时间，代理会丢弃它，\
             包括订阅和排队的消息。",
    },
    actors: &[
        Actor::new("Publisher"),
        Actor::new("Keeper"),
        Actor {
            session: SessionLife::KeptFor(2),
            ..Actor::new("Brief")
        },
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher connects. Keeper connects with a Session Expiry Interval of 3600 \
                     seconds, Brief with one of 2 seconds, both with Clean Start 0. Both \
                     subscribe to lesson/# at QoS 1.",
                zh: "发布者建立连接。Keeper 以 3600 秒的 Session Expiry Interval 建立连接，Brief \
                     的则为 2 秒，两者都使用 Clean Start 0。两者都以 QoS 1 订阅 lesson/#。",
            },
            rules: "[v5 MQTT-3.1.2-23] · v5 §3.1.2.11.2",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Connect(KEEPER),
                Act::Connect(BRIEF),
                subscribe(KEEPER, TOPIC_FILTER),
                subscribe(BRIEF, TOPIC_FILTER),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Both disconnect with DISCONNECT, and 3 seconds pass. Brief's interval runs \
                     out, so the broker discards its session, subscription included. Keeper's \
                     session stays.",
                zh: "两者都发送 DISCONNECT 断开连接，然后过去了 3 秒。Brief 的间隔到期，代理丢弃它\
                     的会话，连同订阅。Keeper 的会话仍然保留。",
            },
            rules: "[v5 MQTT-4.1.0-2] · v5 §3.1.2.11.2",
            acts: &[
                Act::Disconnect(KEEPER),
                Act::Disconnect(BRIEF),
                Act::Wait(3),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes at QoS 1. Only Keeper's session still subscribes, so \
                     the broker keeps the message for Keeper alone.",
                zh: "发布者以 QoS 1 发布。只有 Keeper 的会话还在订阅，所以代理只为 Keeper 保存这条\
                     消息。",
            },
            rules: "v5 §4.1",
            acts: &[publish(QoS::AtLeastOnce)],
        },
        Step {
            narration: Bilingual {
                en:
                    "Both reconnect with Clean Start 0. Keeper gets CONNACK with Session Present 1 \
                     and the stored message. Brief gets Session Present 0: a new, empty session. \
                     qoscope's client notices and subscribes again, but the message published \
                     meanwhile is not there for it.",
                zh: "两者都以 Clean Start 0 重新连接。Keeper 收到 Session Present 为 1 的 CONNACK \
                     和保存的消息。Brief 收到 Session Present 0：一个新的空会话。qoscope 的客户端\
                     察觉后重新订阅，但期间发布的消息已经不会给它了。",
            },
            rules: "[v5 MQTT-3.2.2-3]",
            acts: &[Act::Connect(KEEPER), Act::Connect(BRIEF)],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Keeper resumes its session and receives the message; Brief starts a new session \
                 and receives nothing.",
            zh: "Keeper 恢复会话并收到消息；Brief 开始一个新会话，什么也收不到。",
        },
        checks: &[
            Check::SessionPresent {
                client: KEEPER,
                flags: &[false, true],
            },
            Check::SessionPresent {
                client: BRIEF,
                flags: &[false, false],
            },
            received(KEEPER, TOPIC, 1, QoS::AtLeastOnce),
            received(BRIEF, TOPIC, 0, QoS::AtLeastOnce),
        ],
    },
};

const WILL_DELAY: Lesson = Lesson {
    id: "will-delay",
    title: Bilingual {
        en: "Will Delay",
        zh: "遗嘱延迟（Will Delay）",
    },
    summary: Bilingual {
        en: "With a Will Delay Interval, a client that comes back in time raises no false alarm; \
             one that stays away still has its will published.",
        zh: "设置 Will Delay Interval 后，及时回来的客户端不会引发误报；一直没回来的客户端，其\
             遗嘱消息仍会被发布。",
    },
    actors: &[
        Actor {
            will: Some((WILL_TOPIC, "offline")),
            will_delay_s: Some(5),
            ..Actor::new("Sensor")
        },
        Actor::new("Monitor"),
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Sensor connects with a will, offline to lesson/status/sensor at QoS 1, and a \
                     Will Delay Interval of 5 seconds; its session is kept for an hour. Monitor \
                     connects and subscribes to lesson/#.",
                zh: "Sensor（传感器）带着遗嘱消息建立连接：以 QoS 1 向 lesson/status/sensor 发布 \
                     offline，Will Delay Interval 为 5 秒；它的会话保留一小时。Monitor（监控端）建立\
                     连接并订阅 lesson/#。",
            },
            rules: "v5 §3.1.3.2.2",
            acts: &[
                Act::Connect(SENSOR),
                Act::Connect(MONITOR),
                subscribe(MONITOR, TOPIC_FILTER),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Sensor's connection is cut without DISCONNECT. The broker does not publish the \
                     will yet: it waits for the Will Delay Interval.",
                zh: "Sensor 的连接在没有 DISCONNECT 的情况下被切断。代理不会立即发布遗嘱消息：它要\
                     等 Will Delay Interval 过去。",
            },
            rules: "[v5 MQTT-3.1.2-8] · v5 §3.1.3.2.2",
            acts: &[Act::Cut(SENSOR)],
        },
        Step {
            narration: Bilingual {
                en: "Sensor reconnects well within the delay and resumes its session (Session \
                     Present 1). The reconnect cancels the will: a short network blip sends \
                     Monitor no false alarm.",
                zh: "Sensor 在延迟期内重新连接并恢复会话（Session Present 1）。重连取消了遗嘱消息：\
                     短暂的网络抖动不会给 Monitor 发出误报。",
            },
            rules: "[v5 MQTT-3.1.3-9]",
            acts: &[Act::Connect(SENSOR)],
        },
        Step {
            narration: Bilingual {
                en: "Sensor's connection is cut again, and this time it stays away. When the Will \
                     Delay Interval has passed, the broker publishes the will, and Monitor gets \
                     offline.",
                zh: "Sensor 的连接再次被切断，这次它没有回来。Will Delay Interval 过去后，代理发布\
                     遗嘱消息，Monitor 收到 offline。",
            },
            rules: "[v5 MQTT-3.1.2-8] · v5 §3.1.3.2.2",
            acts: &[Act::Cut(SENSOR), Act::Wait(6)],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Monitor receives the will, offline, once: after the second cut, not the first.",
            zh: "Monitor 只收到一次遗嘱消息 offline：在第二次断开之后，而不是第一次。",
        },
        checks: &[
            Check::SessionResumed(SENSOR),
            received(MONITOR, WILL_TOPIC, 1, QoS::AtLeastOnce),
        ],
    },
};

const LONG_TOPIC: &str = "lesson/building-7/floor-3/room-12/temperature";

const TOPIC_ALIASES: Lesson = Lesson {
    id: "topic-aliases",
    title: Bilingual {
        en: "Topic aliases",
        zh: "主题别名",
    },
    summary: Bilingual {
        en: "A publisher sends a long topic once with a Topic Alias, then only the alias; the \
             broker puts the topic back for subscribers.",
        zh: "发布者先把长主题和 Topic Alias 一起发送一次，之后只发送别名；代理为订阅者还原主题。",
    },
    actors: &[
        Actor {
            topic_aliases: true,
            ..Actor::new("Publisher")
        },
        Actor::new("Subscriber"),
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        Step {
            narration: Bilingual {
                en:
                    "Publisher and Subscriber connect; Subscriber subscribes to lesson/# at QoS 1. \
                     The broker's CONNACK to Publisher says Topic Alias Maximum 10: Publisher may \
                     use aliases 1 to 10.",
                zh: "发布者和订阅者建立连接；订阅者以 QoS 1 订阅 lesson/#。代理给发布者的 CONNACK \
                     中 Topic Alias Maximum 为 10：发布者可以使用 1 到 10 的别名。",
            },
            rules: "v5 §3.2.2.3.8 · [v5 MQTT-3.3.2-9]",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Connect(SUBSCRIBER),
                subscribe(SUBSCRIBER, TOPIC_FILTER),
            ],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes to lesson/building-7/floor-3/room-12/temperature at QoS \
                     1. The PUBLISH carries the whole topic and Topic Alias 1: on this connection, \
                     alias 1 now stands for that topic.",
                zh: "发布者以 QoS 1 向 lesson/building-7/floor-3/room-12/temperature 发布。这个 \
                     PUBLISH 带着完整主题和 Topic Alias 1：在这个连接上，别名 1 从此代表该主题。",
            },
            rules: "v5 §3.3.2.3.4 · [v5 MQTT-3.3.2-12]",
            acts: &[publish_on(PUBLISHER, LONG_TOPIC, "21.5")],
        },
        Step {
            narration: Bilingual {
                en: "Publisher publishes twice more to the same topic. Each PUBLISH has an empty \
                     topic and Topic Alias 1, a few bytes instead of the whole topic. The broker \
                     puts the topic back before forwarding: Subscriber set no Topic Alias Maximum, \
                     so it always gets the whole topic.",
                zh: "发布者又向同一主题发布了两次。每个 PUBLISH 的主题为空，只带 Topic Alias 1，\
                     用几个字节代替完整主题。代理在转发前还原主题：订阅者没有设置 Topic Alias \
                     Maximum，所以它总是收到完整主题。",
            },
            rules: "[v5 MQTT-3.3.2-12] · [v5 MQTT-3.3.2-11]",
            acts: &[
                publish_on(PUBLISHER, LONG_TOPIC, "21.7"),
                publish_on(PUBLISHER, LONG_TOPIC, "21.9"),
            ],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Subscriber receives all three messages with the whole topic, though Publisher \
                 sent it only once.",
            zh: "订阅者收到全部三条消息，都带完整主题，尽管发布者只发送过一次主题。",
        },
        checks: &[
            Check::TopicAliasUsed(PUBLISHER),
            received(SUBSCRIBER, LONG_TOPIC, 3, QoS::AtLeastOnce),
        ],
    },
};

const JOBS: &str = "lesson/jobs";
const WORKERS: &str = "$share/workers/lesson/jobs";
const WORKER_A: usize = 1;
const WORKER_B: usize = 2;
const AUDITOR: usize = 3;

const SHARED_SUBSCRIPTIONS: Lesson = Lesson {
    id: "shared-subscriptions",
    title: Bilingual {
        en: "Shared subscriptions",
        zh: "共享订阅",
    },
    summary: Bilingual {
        en: "Members of a shared subscription's group take turns: each message goes to one of \
             them, not to all.",
        zh: "共享订阅组的成员轮流接收：每条消息只发给其中一个成员，而不是全部。",
    },
    actors: &[
        Actor::new("Publisher"),
        Actor::new("Worker A"),
        Actor::new("Worker B"),
        Actor::new("Auditor"),
    ],
    granted_qos_cap: QoS::ExactlyOnce,
    only_v5: true,
    steps: &[
        Step {
            narration: Bilingual {
                en: "Publisher connects. Worker A and Worker B subscribe to \
                     $share/workers/lesson/jobs at QoS 1: one group, workers, sharing \
                     lesson/jobs. Auditor subscribes to lesson/jobs the ordinary way.",
                zh: "发布者建立连接。Worker A 和 Worker B 以 QoS 1 订阅 \
                     $share/workers/lesson/jobs：同一个组 workers，共享 lesson/jobs。Auditor 以\
                     普通方式订阅 lesson/jobs。",
            },
            rules: "[v5 MQTT-4.8.2-1] · [v5 MQTT-4.8.2-2] · v5 §4.8.2",
            acts: &[
                Act::Connect(PUBLISHER),
                Act::Connect(WORKER_A),
                Act::Connect(WORKER_B),
                Act::Connect(AUDITOR),
                subscribe(WORKER_A, WORKERS),
                subscribe(WORKER_B, WORKERS),
                subscribe(AUDITOR, JOBS),
            ],
        },
        Step {
            narration: Bilingual {
                en:
                    "Publisher publishes four jobs at QoS 1. Each goes to one member of the group, \
                     in turn: Worker A, Worker B, Worker A, Worker B. Auditor, outside the group, \
                     gets every one.",
                zh: "发布者以 QoS 1 发布四个任务。每个任务轮流发给组中的一个成员：Worker A、\
                     Worker B、Worker A、Worker B。组外的 Auditor 收到每一个。",
            },
            rules: "v5 §4.8.2",
            acts: &[
                publish_on(PUBLISHER, JOBS, "job 1"),
                publish_on(PUBLISHER, JOBS, "job 2"),
                publish_on(PUBLISHER, JOBS, "job 3"),
                publish_on(PUBLISHER, JOBS, "job 4"),
            ],
        },
        Step {
            narration: Bilingual {
                en: "A shared subscription spreads the work: the group gets one copy of each \
                     message, not one per member. For the same reason a shared subscribe gets no \
                     retained message: no single member stands for the group.",
                zh: "共享订阅分摊工作：整个组对每条消息只得到一份，而不是每个成员一份。出于同样的\
                     原因，共享订阅不会收到保留消息：没有哪个成员能代表整个组。",
            },
            rules: "v5 §4.8.2 · v5 §3.3.1.3",
            acts: &[],
        },
    ],
    outcome: ExpectedOutcome {
        text: Bilingual {
            en: "Worker A and Worker B receive two jobs each; Auditor receives all four.",
            zh: "Worker A 和 Worker B 各收到两个任务；Auditor 收到全部四个。",
        },
        checks: &[
            received(WORKER_A, JOBS, 2, QoS::AtLeastOnce),
            received(WORKER_B, JOBS, 2, QoS::AtLeastOnce),
            received(AUDITOR, JOBS, 4, QoS::AtLeastOnce),
        ],
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
    LOST_SESSION_AFTER_PUBREC,
    RETAINED,
    LAST_WILL,
    RECEIVE_MAXIMUM,
    MESSAGE_EXPIRY,
    SESSION_EXPIRY,
    WILL_DELAY,
    TOPIC_ALIASES,
    SHARED_SUBSCRIPTIONS,
];

/// Every lesson, in teaching order.
pub fn catalogue() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.id == id)
}
