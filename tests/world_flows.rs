#![cfg(not(target_arch = "wasm32"))]
//! Our sessions against the simulated broker through simulated links: every QoS level end to
//! end, the granted-QoS downgrade, retransmission after a cut, and the trace the diagram draws.

use qoscope::broker::BrokerConfig;
use qoscope::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use qoscope::session::{ConnectOptions, Event, PublishRequest};
use qoscope::sim::{LinkFaults, World};
use qoscope::trace::{Direction, FlowRole, FlowState, PacketFate, TraceStore};

fn options(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions::persistent(version, id, 3600)
}

/// A world with a connected publisher (0) and a subscriber (1) subscribed to `demo` at `granted`.
fn pair(version: ProtocolVersion, subscription_qos: QoS) -> World {
    let mut world = World::new(BrokerConfig::default(), 7);
    for id in ["publisher", "subscriber"] {
        let client = world.add_client(options(version, id));
        world.connect(client);
    }
    world
        .with_session(1, |session, now| {
            let subscription = Subscription {
                filter: "demo".into(),
                options: SubscriptionOptions::qos(subscription_qos),
            };
            session.subscribe(now, vec![subscription], Default::default())
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    world
}

fn messages(world: &mut World, client: usize) -> Vec<(String, QoS, bool)> {
    let mut found = Vec::new();
    while let Some((index, event)) = world.poll_event() {
        if let (true, Event::Message(message)) = (index == client, event) {
            found.push((
                String::from_utf8_lossy(&message.payload).into_owned(),
                message.qos,
                message.dup,
            ));
        }
    }
    found
}

#[test]
fn every_publish_and_subscription_qos_pair_delivers_at_the_minimum() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        for granted in QoS::ALL {
            for published in QoS::ALL {
                let mut world = pair(version, granted);
                world
                    .with_session(0, |session, now| {
                        session.publish(now, PublishRequest::new("demo", "m", published))
                    })
                    .unwrap();
                world.run_until_quiet(1000).unwrap();
                let got = messages(&mut world, 1);
                assert_eq!(
                    got,
                    vec![("m".to_owned(), published.min(granted), false)],
                    "{version} pub {published} sub {granted}"
                );
            }
        }
    }
}

#[test]
fn a_lost_puback_is_repaired_on_reconnect_with_dup_and_the_trace_shows_it() {
    let mut world = pair(ProtocolVersion::V5, QoS::AtLeastOnce);
    let mut store = TraceStore::new(10_000, 1_000);
    world.drop_next(0, Direction::Incoming, PacketType::PubAck);
    world
        .with_session(0, |session, now| {
            session.publish(now, PublishRequest::new("demo", "once", QoS::AtLeastOnce))
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    assert_eq!(
        world.session(0).in_flight(),
        1,
        "PUBACK was lost, the message stays in flight"
    );
    world.cut(0);
    world.connect(0);
    world.run_until_quiet(1000).unwrap();
    assert_eq!(world.session(0).in_flight(), 0);
    store.extend(world.poll_trace());
    let got = messages(&mut world, 1);
    assert_eq!(got.len(), 2, "QoS 1 delivers the re-sent copy too: {got:?}");

    let publisher = store
        .flows()
        .find(|flow| flow.role == FlowRole::Publisher)
        .unwrap();
    assert_eq!(publisher.state, FlowState::Complete);
    assert_eq!(publisher.retransmissions, 1);
    assert_eq!(publisher.linked.len(), 2);
    let dropped = store
        .packets()
        .filter(|packet| packet.fate == PacketFate::Dropped)
        .count();
    assert_eq!(dropped, 1);
}

#[test]
fn qos2_holds_exactly_once_when_the_pubrec_is_lost() {
    let mut world = pair(ProtocolVersion::V311, QoS::ExactlyOnce);
    world.drop_next(0, Direction::Incoming, PacketType::PubRec);
    world
        .with_session(0, |session, now| {
            session.publish(
                now,
                PublishRequest::new("demo", "exactly", QoS::ExactlyOnce),
            )
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    world.cut(0);
    world.connect(0);
    world.run_until_quiet(1000).unwrap();
    assert_eq!(
        messages(&mut world, 1),
        vec![("exactly".to_owned(), QoS::ExactlyOnce, false)]
    );
    assert_eq!(world.session(0).in_flight(), 0);
}

#[test]
fn held_packets_wait_for_the_learner() {
    let mut world = pair(ProtocolVersion::V5, QoS::AtLeastOnce);
    world.set_faults(
        0,
        Direction::Outgoing,
        LinkFaults {
            hold: true,
            latency_ms: 50,
            ..LinkFaults::default()
        },
    );
    world
        .with_session(0, |session, now| {
            session.publish(now, PublishRequest::new("demo", "held", QoS::AtLeastOnce))
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    assert_eq!(world.held(0, Direction::Outgoing).len(), 1);
    assert!(messages(&mut world, 1).is_empty());
    assert!(world.release_held(0, Direction::Outgoing));
    world.run_until_quiet(1000).unwrap();
    assert_eq!(messages(&mut world, 1).len(), 1);
}

#[test]
fn a_published_will_is_narrated_in_the_trace() {
    let mut world = World::new(BrokerConfig::default(), 3);
    let mut options = options(ProtocolVersion::V5, "mortal");
    options.will = Some(qoscope::codec::Will {
        topic: "wills/mortal".into(),
        payload: "gone".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
    });
    let client = world.add_client(options);
    world.connect(client);
    world.run_until_quiet(100).unwrap();
    world.cut(client);
    let mut store = TraceStore::new(100, 100);
    store.extend(world.poll_trace());
    let notes: Vec<&str> = store.notes().map(|note| note.text.as_str()).collect();
    assert!(
        notes
            .iter()
            .any(|text| text.contains("will") && text.contains("wills/mortal")),
        "{notes:?}"
    );
}

#[test]
fn a_lost_qos0_publish_ends_lost_and_a_qos1_repeat_ends_duplicated() {
    let mut world = pair(ProtocolVersion::V311, QoS::AtLeastOnce);
    let mut store = TraceStore::new(1_000, 1_000);
    world.drop_next(0, Direction::Outgoing, PacketType::Publish);
    world
        .with_session(0, |session, now| {
            session.publish(now, PublishRequest::new("demo", "gone", QoS::AtMostOnce))
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    store.extend(world.poll_trace());
    let lost = store
        .flows()
        .find(|flow| flow.payload.as_ref() == b"gone")
        .unwrap();
    assert_eq!(lost.state, FlowState::Lost, "QoS 0 is not sent again");
    assert!(messages(&mut world, 1).is_empty());

    world.drop_next(0, Direction::Incoming, PacketType::PubAck);
    world
        .with_session(0, |session, now| {
            session.publish(now, PublishRequest::new("demo", "twice", QoS::AtLeastOnce))
        })
        .unwrap();
    world.run_until_quiet(1000).unwrap();
    world.cut(0);
    world.connect(0);
    world.run_until_quiet(1000).unwrap();
    store.extend(world.poll_trace());
    let states: Vec<FlowState> = store
        .flows()
        .filter(|flow| flow.role == FlowRole::Subscriber && flow.payload.as_ref() == b"twice")
        .map(|flow| flow.state)
        .collect();
    assert_eq!(states, [FlowState::Complete, FlowState::Duplicated]);
}
