#![cfg(not(target_arch = "wasm32"))]
//! The scenario suite, written once and run twice: on the simulated broker and on a real
//! Mosquitto WebSocket listener, each with our client sessions. For every client the packets it
//! received must be the same on both (type, QoS, DUP, RETAIN, session present, reason codes,
//! payload); each scenario also checks what the spec requires.

mod harness;

use harness::live::LiveBackend;
use harness::{clean, observed, persistent, sim, Backend, Seen};
use qoscope::broker::BrokerConfig;
use qoscope::codec::{
    Disconnect, PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions, Will,
};
use qoscope::session::{Event, PublishRequest};
use qoscope::trace::Direction;

use ProtocolVersion::{V311, V5};

fn subscribe(backend: &mut dyn Backend, client: usize, filter: &str, qos: QoS) {
    let filter = format!("{}{filter}", backend.prefix());
    backend.command(client, &mut |session, now| {
        let subscription = Subscription {
            filter: filter.clone(),
            options: SubscriptionOptions::qos(qos),
        };
        session
            .subscribe(now, vec![subscription], Default::default())
            .unwrap();
    });
}

fn publish(
    backend: &mut dyn Backend,
    client: usize,
    topic: &str,
    payload: &str,
    qos: QoS,
    retain: bool,
) {
    let topic = format!("{}{topic}", backend.prefix());
    let payload = payload.to_owned();
    backend.command(client, &mut |session, now| {
        let mut request = PublishRequest::new(topic.clone(), payload.clone(), qos);
        request.retain = retain;
        session.publish(now, request).unwrap();
    });
}

fn disconnect(backend: &mut dyn Backend, client: usize) {
    backend.command(client, &mut |session, now| {
        session.disconnect(now, Disconnect::normal())
    });
}

/// Publishes of the scenario, as `(payload, qos, dup, retain)`, ignoring acks and CONNACKs.
fn publishes(seen: &[Seen]) -> Vec<(String, QoS, bool, bool)> {
    seen.iter()
        .filter(|seen| seen.kind == PacketType::Publish)
        .map(|seen| {
            (
                seen.payload.clone().unwrap_or_default(),
                seen.qos.unwrap(),
                seen.dup,
                seen.retain,
            )
        })
        .collect()
}

fn messages(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Message(message) => Some(String::from_utf8_lossy(&message.payload).into_owned()),
            _ => None,
        })
        .collect()
}

/// What a scenario returns: per client, the packets seen and the application messages.
type Received = Vec<(Vec<Seen>, Vec<String>)>;

fn finish(backend: &mut dyn Backend, clients: usize) -> Received {
    backend.settle(50);
    observed(backend, clients)
        .into_iter()
        .map(|(seen, events)| (seen, messages(&events)))
        .collect()
}

/// Runs `scenario` on the simulated broker and on Mosquitto.
fn run_both(
    name: &str,
    version: ProtocolVersion,
    scenario: fn(&mut dyn Backend, ProtocolVersion) -> Received,
) -> (Received, Received) {
    let mut sim = sim::world(BrokerConfig::default());
    let simulated = scenario(&mut sim, version);
    let mut live = LiveBackend::new(name);
    let real = scenario(&mut live, version);
    (simulated, real)
}

/// Runs `scenario` on both backends, checks they agree, and returns the outcome.
fn both(
    name: &str,
    version: ProtocolVersion,
    scenario: fn(&mut dyn Backend, ProtocolVersion) -> Received,
) -> Received {
    let (simulated, real) = run_both(name, version, scenario);
    for (client, ((sim_seen, sim_messages), (real_seen, real_messages))) in
        simulated.iter().zip(&real).enumerate()
    {
        let sim_lines: Vec<String> = sim_seen.iter().map(Seen::short).collect();
        let real_lines: Vec<String> = real_seen.iter().map(Seen::short).collect();
        assert_eq!(
            sim_lines, real_lines,
            "{name} {version}: client {client} packets, simulated (left) vs Mosquitto (right)"
        );
        assert_eq!(
            sim_messages, real_messages,
            "{name} {version}: client {client} messages"
        );
    }
    real
}

// ---- scenarios ---------------------------------------------------------------------------

/// Three subscribers granted QoS 0, 1 and 2; a publisher sends QoS 0, 1 and 2 to each.
fn nine_pairs(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    b.connect(publisher);
    for granted in QoS::ALL {
        let subscriber = b.add_client(clean(version, &format!("sub{}", granted.as_u8())));
        b.connect(subscriber);
        subscribe(
            b,
            subscriber,
            &format!("pairs/{}", granted.as_u8()),
            granted,
        );
    }
    b.settle(0);
    for granted in QoS::ALL {
        for published in QoS::ALL {
            let topic = format!("pairs/{}", granted.as_u8());
            publish(
                b,
                publisher,
                &topic,
                &format!("p{}s{}", published.as_u8(), granted.as_u8()),
                published,
                false,
            );
            b.settle(0);
        }
    }
    finish(b, 4)
}

#[test]
fn nine_qos_pairs_deliver_at_the_minimum_on_both_brokers() {
    for version in [V311, V5] {
        let outcome = both("nine-pairs", version, nine_pairs);
        for granted in QoS::ALL {
            let got: Vec<(String, QoS)> = publishes(&outcome[1 + granted.as_u8() as usize].0)
                .into_iter()
                .map(|(p, q, _, _)| (p, q))
                .collect();
            let expected: Vec<(String, QoS)> = QoS::ALL
                .iter()
                .map(|published| {
                    (
                        format!("p{}s{}", published.as_u8(), granted.as_u8()),
                        (*published).min(granted),
                    )
                })
                .collect();
            assert_eq!(got, expected, "{version} granted {granted}");
        }
    }
}

/// One subscriber with overlapping filters at different QoS.
fn overlapping(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    let subscriber = b.add_client(clean(version, "sub"));
    b.connect(publisher);
    b.connect(subscriber);
    subscribe(b, subscriber, "o/+", QoS::AtLeastOnce);
    subscribe(b, subscriber, "o/#", QoS::ExactlyOnce);
    subscribe(b, subscriber, "o/x", QoS::AtMostOnce);
    b.settle(0);
    publish(b, publisher, "o/x", "overlap", QoS::ExactlyOnce, false);
    finish(b, 2)
}

#[test]
fn overlapping_subscriptions_deliver_at_the_highest_qos_where_mosquitto_uses_the_first_match() {
    for version in [V311, V5] {
        let (simulated, real) = run_both("overlapping", version, overlapping);
        let copy = |qos| ("overlap".to_owned(), qos, false, false);
        if version == V5 {
            // v5 allows a copy per matching subscription at its own QoS [v5 MQTT-3.3.4-2]; both
            // brokers send one each, in the same order.
            let expected = vec![
                copy(QoS::AtMostOnce),
                copy(QoS::AtLeastOnce),
                copy(QoS::ExactlyOnce),
            ];
            assert_eq!(publishes(&simulated[1].0), expected);
            assert_eq!(publishes(&real[1].0), expected);
            continue;
        }
        // [v3 MQTT-3.3.5-1]: the single copy respects the highest matching QoS.
        assert_eq!(publishes(&simulated[1].0), vec![copy(QoS::ExactlyOnce)]);
        // Known Mosquitto 2.0 deviation: one copy that keeps the QoS of the first subscription
        // its topic tree visits (here `o/x`, QoS 0) instead of the highest.
        assert_eq!(publishes(&real[1].0), vec![copy(QoS::AtMostOnce)]);
        assert_eq!(
            simulated[1].1, real[1].1,
            "the application gets the message once on both"
        );
    }
}

/// Retained messages: set, replace, clear; delivered to late subscribers with RETAIN 1.
fn retained(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    b.connect(publisher);
    let live = b.add_client(clean(version, "live"));
    b.connect(live);
    subscribe(b, live, "ret", QoS::AtLeastOnce);
    b.settle(0);
    publish(b, publisher, "ret", "first", QoS::AtLeastOnce, true);
    b.settle(0);
    let late = b.add_client(clean(version, "late"));
    b.connect(late);
    subscribe(b, late, "ret", QoS::ExactlyOnce);
    b.settle(0);
    publish(b, publisher, "ret", "second", QoS::ExactlyOnce, true);
    b.settle(0);
    let later = b.add_client(clean(version, "later"));
    b.connect(later);
    subscribe(b, later, "ret", QoS::AtMostOnce);
    b.settle(0);
    publish(b, publisher, "ret", "", QoS::AtLeastOnce, true);
    b.settle(0);
    let last = b.add_client(clean(version, "last"));
    b.connect(last);
    subscribe(b, last, "ret", QoS::AtLeastOnce);
    finish(b, 5)
}

#[test]
fn retained_messages_are_set_replaced_and_cleared_like_mosquitto() {
    for version in [V311, V5] {
        let outcome = both("retained", version, retained);
        let late = publishes(&outcome[2].0);
        assert_eq!(
            late[0],
            ("first".into(), QoS::AtLeastOnce, false, true),
            "{version}: retained copy has RETAIN 1"
        );
        let later = publishes(&outcome[3].0);
        assert_eq!(later[0].0, "second");
        assert!(
            publishes(&outcome[4].0).is_empty(),
            "{version}: cleared, nothing retained"
        );
    }
}

/// A persistent subscriber away while QoS 1 and 2 messages are published.
fn queued_while_away(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    let subscriber = b.add_client(persistent(version, "sub"));
    b.connect(publisher);
    b.connect(subscriber);
    subscribe(b, subscriber, "away", QoS::ExactlyOnce);
    b.settle(0);
    disconnect(b, subscriber);
    b.settle(0);
    publish(b, publisher, "away", "q0", QoS::AtMostOnce, false);
    publish(b, publisher, "away", "q1", QoS::AtLeastOnce, false);
    publish(b, publisher, "away", "q2", QoS::ExactlyOnce, false);
    b.settle(0);
    b.connect(subscriber);
    finish(b, 2)
}

#[test]
fn a_persistent_session_receives_what_was_published_while_away() {
    for version in [V311, V5] {
        let outcome = both("away", version, queued_while_away);
        let got: Vec<String> = outcome[1].1.clone();
        assert_eq!(
            got,
            vec!["q1", "q2"],
            "{version}: QoS 0 is not queued, QoS 1 and 2 are"
        );
    }
}

/// Will on abnormal close, none after DISCONNECT.
fn wills(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let watcher = b.add_client(clean(version, "watch"));
    b.connect(watcher);
    subscribe(b, watcher, "will/#", QoS::AtLeastOnce);
    for (name, abrupt) in [("abrupt", true), ("polite", false)] {
        let mut options = clean(version, name);
        options.will = Some(Will {
            topic: format!("{}will/{name}", b.prefix()),
            payload: format!("{name} gone").into(),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Default::default(),
        });
        let client = b.add_client(options);
        b.connect(client);
        b.settle(0);
        if abrupt {
            b.cut(client);
        } else {
            disconnect(b, client);
        }
        b.settle(0);
    }
    finish(b, 3)
}

#[test]
fn the_will_is_published_on_abnormal_close_only() {
    for version in [V311, V5] {
        let outcome = both("wills", version, wills);
        assert_eq!(outcome[0].1, vec!["abrupt gone"], "{version}");
    }
}

/// Our PUBACK for a QoS 1 message is lost, and our PUBREC for a QoS 2 one: the broker
/// re-sends both with DUP=1 after we reconnect.
fn broker_resends(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    let subscriber = b.add_client(persistent(version, "sub"));
    b.connect(publisher);
    b.connect(subscriber);
    subscribe(b, subscriber, "resend/#", QoS::ExactlyOnce);
    b.settle(0);
    b.drop_next(subscriber, Direction::Outgoing, PacketType::PubAck);
    b.drop_next(subscriber, Direction::Outgoing, PacketType::PubRec);
    publish(b, publisher, "resend/1", "one", QoS::AtLeastOnce, false);
    publish(b, publisher, "resend/2", "two", QoS::ExactlyOnce, false);
    b.settle(0);
    b.cut(subscriber);
    b.connect(subscriber);
    finish(b, 2)
}

#[test]
fn the_broker_resends_what_we_left_unacknowledged_and_qos2_stays_exactly_once() {
    for version in [V311, V5] {
        let outcome = both("broker-resends", version, broker_resends);
        let got = publishes(&outcome[1].0);
        assert!(
            got.contains(&("one".into(), QoS::AtLeastOnce, true, false)),
            "{version}: QoS 1 re-sent with DUP: {got:?}"
        );
        assert!(
            got.contains(&("two".into(), QoS::ExactlyOnce, true, false)),
            "{version}: QoS 2 re-sent with DUP: {got:?}"
        );
        // QoS 1 is delivered again (at least once); QoS 2 only once (exactly once).
        assert_eq!(outcome[1].1, vec!["one", "two", "one"], "{version}");
    }
}

/// We publish QoS 1 and 2 and lose the broker's PUBACK and PUBCOMP: we re-send after reconnect.
fn client_resends(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(persistent(version, "pub"));
    let subscriber = b.add_client(clean(version, "sub"));
    b.connect(publisher);
    b.connect(subscriber);
    subscribe(b, subscriber, "again/#", QoS::ExactlyOnce);
    b.settle(0);
    b.drop_next(publisher, Direction::Incoming, PacketType::PubAck);
    b.drop_next(publisher, Direction::Incoming, PacketType::PubRec);
    publish(b, publisher, "again/1", "one", QoS::AtLeastOnce, false);
    publish(b, publisher, "again/2", "two", QoS::ExactlyOnce, false);
    b.settle(0);
    b.cut(publisher);
    b.connect(publisher);
    finish(b, 2)
}

#[test]
fn we_resend_unacknowledged_publishes_with_dup_and_the_broker_keeps_qos2_exactly_once() {
    for version in [V311, V5] {
        let outcome = both("client-resends", version, client_resends);
        // QoS 1 arrives twice, QoS 2 once. Both brokers forward a QoS 2 message when PUBREL
        // comes (Method A), so "two" follows the re-sent "one".
        assert_eq!(outcome[1].1, vec!["one", "one", "two"], "{version}");
    }
}

/// Wildcards and `$` topics: a leading wildcard never matches a `$` topic [MQTT-4.7.2-1].
fn wildcards(b: &mut dyn Backend, version: ProtocolVersion) -> Received {
    let publisher = b.add_client(clean(version, "pub"));
    let subscriber = b.add_client(clean(version, "sub"));
    b.connect(publisher);
    b.connect(subscriber);
    subscribe(b, subscriber, "w/+/leaf", QoS::AtLeastOnce);
    subscribe(b, subscriber, "w/deep/#", QoS::AtLeastOnce);
    b.settle(0);
    for topic in ["w/a/leaf", "w/a/b/leaf", "w/deep", "w/deep/x/y", "w/other"] {
        publish(b, publisher, topic, topic, QoS::AtLeastOnce, false);
    }
    let dollar = format!("$qoscope-{}", b.prefix().replace('/', "-"));
    let filter = "+/leaf".to_owned();
    b.command(subscriber, &mut |session, now| {
        let subscription = Subscription {
            filter: filter.clone(),
            options: SubscriptionOptions::qos(QoS::AtLeastOnce),
        };
        session
            .subscribe(now, vec![subscription], Default::default())
            .unwrap();
    });
    b.settle(0);
    let topic = format!("{dollar}/leaf");
    b.command(publisher, &mut |session, now| {
        session
            .publish(
                now,
                PublishRequest::new(topic.clone(), "dollar", QoS::AtLeastOnce),
            )
            .unwrap();
    });
    finish(b, 2)
}

#[test]
fn wildcards_match_like_mosquitto_and_skip_dollar_topics() {
    for version in [V311, V5] {
        let outcome = both("wildcards", version, wildcards);
        assert_eq!(
            outcome[1].1,
            vec!["w/a/leaf", "w/deep", "w/deep/x/y"],
            "{version}"
        );
    }
}
