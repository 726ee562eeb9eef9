#![cfg(not(target_arch = "wasm32"))]
//! Property tests: random packet loss in both directions and random connection cuts, with many
//! messages in flight, between our sessions and the simulated broker. Whatever the schedule:
//! QoS 0 arrives at most once, QoS 1 at least once, QoS 2 exactly once, and the trace's flow
//! records agree with what the application received.

use std::collections::HashMap;

use proptest::prelude::*;
use qoscope::broker::BrokerConfig;
use qoscope::codec::{ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use qoscope::session::{ConnectOptions, Event, PublishRequest};
use qoscope::sim::{LinkFaults, World};
use qoscope::trace::{Direction, FlowRole, TraceStore};

#[derive(Debug, Clone)]
enum Action {
    Publish,
    Step,
    Cut(usize),
}

fn options(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions {
        keep_alive: 30,
        response_timeout_ms: 5_000,
        ..ConnectOptions::persistent(version, id, u32::MAX)
    }
}

fn lossy(loss: f64) -> LinkFaults {
    LinkFaults {
        latency_ms: 5,
        jitter_ms: 10,
        loss,
        ..LinkFaults::default()
    }
}

/// Runs one schedule; returns how often each message reached the subscriber's application.
fn run(
    version: ProtocolVersion,
    qos: QoS,
    loss: f64,
    seed: u64,
    actions: &[Action],
) -> (usize, HashMap<String, usize>, TraceStore) {
    let mut world = World::new(BrokerConfig::default(), seed);
    let mut store = TraceStore::new(100_000, 10_000);
    let publisher = world.add_client(options(version, "publisher"));
    let subscriber = world.add_client(options(version, "subscriber"));
    world.connect(publisher);
    world.connect(subscriber);
    world
        .with_session(subscriber, |session, now| {
            let subscription = Subscription {
                filter: "load/#".into(),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            };
            session.subscribe(now, vec![subscription], Default::default())
        })
        .unwrap();
    world.run_until_quiet(10_000).unwrap();

    for client in [publisher, subscriber] {
        for side in [Direction::Outgoing, Direction::Incoming] {
            world.set_faults(client, side, lossy(loss));
        }
    }
    let mut published = 0;
    for action in actions {
        match action {
            Action::Publish => {
                let payload = format!("m{published}");
                published += 1;
                world
                    .with_session(publisher, |session, now| {
                        session.publish(now, PublishRequest::new("load/x", payload, qos))
                    })
                    .unwrap();
            }
            Action::Step => {
                world.step();
            }
            Action::Cut(client) => world.cut(*client),
        }
        for client in [publisher, subscriber] {
            if !world.is_open(client) {
                world.connect(client);
            }
        }
    }

    // Heal the network, then let every session resume once so everything in flight completes.
    for client in [publisher, subscriber] {
        for side in [Direction::Outgoing, Direction::Incoming] {
            world.set_faults(client, side, LinkFaults::default());
        }
    }
    for _ in 0..3 {
        let deadline = world.now() + 10_000;
        while world.now() < deadline && world.step() {
            for client in [publisher, subscriber] {
                if !world.is_open(client) {
                    world.connect(client);
                }
            }
        }
        for client in [publisher, subscriber] {
            world.cut(client);
            world.connect(client);
        }
        world.run_until_quiet(100_000).unwrap();
    }

    let mut received: HashMap<String, usize> = HashMap::new();
    while let Some((client, event)) = world.poll_event() {
        if let (true, Event::Message(message)) = (client == subscriber, event) {
            *received
                .entry(String::from_utf8_lossy(&message.payload).into_owned())
                .or_default() += 1;
        }
    }
    store.extend(world.poll_trace());
    assert_eq!(
        world.session(publisher).in_flight(),
        0,
        "everything in flight completed"
    );
    assert_eq!(world.session(publisher).queued(), 0);
    (published, received, store)
}

fn schedule() -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(
        prop_oneof![
            4 => Just(Action::Publish),
            5 => Just(Action::Step),
            1 => (0usize..2).prop_map(Action::Cut),
        ],
        1..120,
    )
}

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![Just(ProtocolVersion::V311), Just(ProtocolVersion::V5)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn qos0_arrives_at_most_once(version in version(), loss in 0.0f64..0.3, seed in any::<u64>(), actions in schedule()) {
        let (published, received, _) = run(version, QoS::AtMostOnce, loss, seed, &actions);
        for index in 0..published {
            let count = received.get(&format!("m{}", index)).copied().unwrap_or(0);
            prop_assert!(count <= 1, "m{} arrived {} times", index, count);
        }
    }

    #[test]
    fn qos1_never_loses_a_message(version in version(), loss in 0.0f64..0.3, seed in any::<u64>(), actions in schedule()) {
        let (published, received, store) = run(version, QoS::AtLeastOnce, loss, seed, &actions);
        for index in 0..published {
            let count = received.get(&format!("m{}", index)).copied().unwrap_or(0);
            prop_assert!(count >= 1, "m{} lost ({:?})", index, received);
        }
        check_flows(&store, &received)?;
    }

    #[test]
    fn qos2_never_loses_nor_duplicates(version in version(), loss in 0.0f64..0.3, seed in any::<u64>(), actions in schedule()) {
        let (published, received, store) = run(version, QoS::ExactlyOnce, loss, seed, &actions);
        for index in 0..published {
            let count = received.get(&format!("m{}", index)).copied().unwrap_or(0);
            prop_assert_eq!(count, 1, "m{} arrived {} times", index, count);
        }
        check_flows(&store, &received)?;
    }
}

/// The subscriber's flow records count the same deliveries as the application saw.
fn check_flows(store: &TraceStore, received: &HashMap<String, usize>) -> Result<(), TestCaseError> {
    let mut from_flows: HashMap<String, usize> = HashMap::new();
    for flow in store
        .flows()
        .filter(|flow| flow.role == FlowRole::Subscriber)
    {
        *from_flows
            .entry(String::from_utf8_lossy(&flow.payload).into_owned())
            .or_default() += flow.deliveries();
    }
    prop_assert_eq!(&from_flows, received);
    Ok(())
}

#[test]
fn a_heavy_loss_schedule_really_loses_packets_and_qos2_still_holds() {
    let actions: Vec<Action> = (0..60)
        .map(|index| match index % 7 {
            0 | 3 => Action::Publish,
            6 => Action::Cut(index % 2),
            _ => Action::Step,
        })
        .collect();
    let (published, received, store) =
        run(ProtocolVersion::V5, QoS::ExactlyOnce, 0.3, 42, &actions);
    let dropped = store
        .packets()
        .filter(|packet| packet.fate == qoscope::trace::PacketFate::Dropped)
        .count();
    assert!(
        dropped > 5,
        "the schedule must lose packets, lost {dropped}"
    );
    let resent = store.flows().map(|flow| flow.retransmissions).sum::<u32>();
    assert!(resent > 0, "and make the sessions re-send");
    assert_eq!(received.len(), published);
    assert!(received.values().all(|count| *count == 1));
}
