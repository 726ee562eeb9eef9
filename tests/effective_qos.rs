#![cfg(not(target_arch = "wasm32"))]
//! The message table and the QoS matrix, derived from real traces: our sessions against the
//! simulated broker, with "run all nine", a broker that ignores the granted QoS, and a lost
//! PUBACK that makes a duplicate.

use proptest::prelude::*;
use qoscope::all_nine::AllNinePlan;
use qoscope::all_nine::AllNineRun;
use qoscope::broker::BrokerConfig;
use qoscope::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use qoscope::session::{ConnectOptions, PublishRequest};
use qoscope::sim::{LinkFaults, World, WORKBENCH_LATENCY_MS};
use qoscope::trace::{
    delivery_rows, ClientTag, DeliveryRow, Direction, Observed, QosMatrix, TraceStore,
};

const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;

fn options(version: ProtocolVersion, id: &str) -> ConnectOptions {
    ConnectOptions::persistent(version, id, 3600)
}

/// A world with a connected publisher and subscriber, every link direction set to `faults`.
fn world(config: BrokerConfig, version: ProtocolVersion, faults: LinkFaults, seed: u64) -> World {
    let mut world = World::new(config, seed);
    for id in ["publisher", "subscriber"] {
        let client = world.add_client(options(version, id));
        for side in [Direction::Outgoing, Direction::Incoming] {
            world.set_faults(client, side, faults.clone());
        }
        world.connect(client);
    }
    world.run_until_quiet(1_000).unwrap();
    world
}

/// A 5.0 world whose subscriber is subscribed to `demo` at QoS 1.
fn subscribed_to_demo_at_qos1(seed: u64) -> World {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        LinkFaults::default(),
        seed,
    );
    world
        .with_session(SUBSCRIBER, |session, now| {
            let subscription = Subscription {
                filter: "demo".into(),
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            };
            session.subscribe(now, vec![subscription], Default::default())
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    world
}

/// Runs all nine to the end and returns the rows and the matrix of everything traced.
fn run_all_nine(world: &mut World, store: &mut TraceStore, run: u32) -> Vec<DeliveryRow> {
    let plan = AllNinePlan::new("matrix", run);
    let mut all_nine = world
        .with_session(SUBSCRIBER, |session, now| {
            AllNineRun::start(plan, session, now)
        })
        .unwrap();
    while !all_nine.is_ready_to_publish(world.session(SUBSCRIBER)) {
        assert!(world.step(), "the world stopped before SUBACK came back");
    }
    let refused = world.with_session(PUBLISHER, |session, now| all_nine.publish(session, now));
    assert!(refused.is_empty());
    world.run_until_quiet(10_000).unwrap();
    store.extend(world.poll_trace());
    delivery_rows(store)
}

fn assert_matrix_is_the_minimum(matrix: &QosMatrix, runs: usize) {
    for publish in QoS::ALL {
        for granted in QoS::ALL {
            let cell = matrix.cell(publish, granted);
            assert_eq!(
                cell.observed(),
                Observed::Delivered(publish.min(granted)),
                "publish {publish}, granted {granted}"
            );
            assert_eq!(cell.count(), runs);
            assert_eq!(cell.mismatches, 0);
            assert!(cell.example.is_some());
        }
    }
}

#[test]
fn run_all_nine_fills_every_cell_with_the_minimum_in_both_versions() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let slow = LinkFaults {
            latency_ms: WORKBENCH_LATENCY_MS,
            ..LinkFaults::default()
        };
        let mut world = world(BrokerConfig::default(), version, slow, 7);
        let mut store = TraceStore::new(10_000, 1_000);
        let rows = run_all_nine(&mut world, &mut store, 1);

        assert_eq!(rows.len(), 9, "{version}");
        for row in &rows {
            assert_eq!(row.publisher, ClientTag::of_index(PUBLISHER));
            assert_eq!(Some(row.subscriber), ClientTag::of_index(SUBSCRIBER));
            assert_eq!(row.expected_qos, Some(row.delivered_qos));
            assert!(!row.mismatch && !row.duplicate, "{row:?}");
            assert!(row.payload_preview.starts_with("run 1: QoS "));
        }
        assert_matrix_is_the_minimum(&QosMatrix::from_rows(&rows), 1);
    }
}

#[test]
fn each_cell_links_to_a_subscriber_flow_with_its_publisher() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        LinkFaults::default(),
        1,
    );
    let mut store = TraceStore::new(10_000, 1_000);
    let rows = run_all_nine(&mut world, &mut store, 1);
    let matrix = QosMatrix::from_rows(&rows);
    for publish in QoS::ALL {
        for granted in QoS::ALL {
            let example = matrix.cell(publish, granted).example.unwrap();
            let row = rows.iter().find(|row| row.flow == example).unwrap();
            assert_eq!(
                (row.publish_qos, row.granted_qos),
                (Some(publish), Some(granted))
            );
            let published = store.flow(row.publisher_flow.unwrap()).unwrap();
            assert_eq!(published.qos, publish);
            assert!(published.linked.contains(&example));
        }
    }
}

#[test]
fn running_twice_counts_two_messages_in_every_cell() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        LinkFaults::default(),
        2,
    );
    let mut store = TraceStore::new(10_000, 1_000);
    run_all_nine(&mut world, &mut store, 1);
    let rows = run_all_nine(&mut world, &mut store, 2);
    assert_eq!(rows.len(), 18);
    assert!(rows[9..]
        .iter()
        .all(|row| row.payload_preview.starts_with("run 2:")));
    assert_matrix_is_the_minimum(&QosMatrix::from_rows(&rows), 2);
}

#[test]
fn a_granted_qos_cap_moves_the_qos2_subscription_into_the_granted_1_column() {
    let config = BrokerConfig {
        granted_qos_cap: QoS::AtLeastOnce,
        ..BrokerConfig::default()
    };
    let mut world = world(config, ProtocolVersion::V5, LinkFaults::default(), 3);
    let mut store = TraceStore::new(10_000, 1_000);
    let rows = run_all_nine(&mut world, &mut store, 1);
    let matrix = QosMatrix::from_rows(&rows);
    for publish in QoS::ALL {
        assert_eq!(matrix.cell(publish, QoS::ExactlyOnce).count(), 0);
        let capped = matrix.cell(publish, QoS::AtLeastOnce);
        assert_eq!(capped.count(), 2);
        assert_eq!(
            capped.observed(),
            Observed::Delivered(publish.min(QoS::AtLeastOnce))
        );
    }
    assert_eq!(matrix.filled(), 6);
    assert!(rows.iter().all(|row| !row.mismatch));
}

#[test]
fn a_broker_that_delivers_at_the_publish_qos_is_marked_as_a_bug() {
    let mut config = BrokerConfig::default();
    config
        .faults
        .set(qoscope::broker::BrokerFault::DeliversAtPublishQos, true);
    let mut world = world(config, ProtocolVersion::V5, LinkFaults::default(), 4);
    let mut store = TraceStore::new(10_000, 1_000);
    let rows = run_all_nine(&mut world, &mut store, 1);
    let matrix = QosMatrix::from_rows(&rows);
    for publish in QoS::ALL {
        for granted in QoS::ALL {
            let cell = matrix.cell(publish, granted);
            let wrong = publish > granted;
            assert_eq!(cell.observed(), Observed::Delivered(publish));
            assert_eq!(cell.mismatches, usize::from(wrong), "{publish} {granted}");
            let example = rows
                .iter()
                .find(|row| Some(row.flow) == cell.example)
                .unwrap();
            assert_eq!(example.mismatch, wrong);
            assert_eq!(example.expected_qos, Some(publish.min(granted)));
        }
    }
    assert_eq!(rows.iter().filter(|row| row.mismatch).count(), 3);
}

#[test]
fn a_lost_puback_and_a_reconnect_mark_the_second_copy_as_a_duplicate() {
    let mut world = subscribed_to_demo_at_qos1(5);
    world.drop_next(PUBLISHER, Direction::Incoming, PacketType::PubAck);
    world
        .with_session(PUBLISHER, |session, now| {
            session.publish(now, PublishRequest::new("demo", "once", QoS::AtLeastOnce))
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    world.cut(PUBLISHER);
    world.connect(PUBLISHER);
    world.run_until_quiet(1_000).unwrap();
    let mut store = TraceStore::new(10_000, 1_000);
    store.extend(world.poll_trace());

    let rows = delivery_rows(&store);
    let duplicates: Vec<bool> = rows.iter().map(|row| row.duplicate).collect();
    assert_eq!(duplicates, [false, true]);
    assert_eq!(rows[0].publisher_flow, rows[1].publisher_flow);
    assert!(rows.iter().all(|row| !row.mismatch));
    assert!(!rows[1].duplicate_breaks_exactly_once(), "QoS 1 allows it");
    let cell = QosMatrix::from_rows(&rows);
    let cell = cell.cell(QoS::AtLeastOnce, QoS::AtLeastOnce);
    assert_eq!(
        (cell.count(), cell.observed()),
        (2, Observed::Delivered(QoS::AtLeastOnce))
    );
}

#[test]
fn a_subscriber_flow_without_our_publisher_has_no_expectation() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        LinkFaults::default(),
        6,
    );
    let plan = AllNinePlan::new("matrix", 1);
    world
        .with_session(SUBSCRIBER, |session, now| {
            session.subscribe(now, plan.subscriptions(), Default::default())
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    // Flows from the publisher are left out of the store, as if another client had published.
    let events: Vec<_> = world.poll_trace();
    let mut store = TraceStore::new(10_000, 1_000);
    store.extend(events);
    world
        .with_session(PUBLISHER, |session, now| {
            session.publish(
                now,
                PublishRequest::new(plan.topic(QoS::AtLeastOnce), "x", QoS::ExactlyOnce),
            )
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    store.extend(world.poll_trace().into_iter().filter(|event| match event {
        qoscope::trace::TraceEvent::Flow(flow) => flow.flow().client.index() != Some(PUBLISHER),
        _ => true,
    }));
    let rows = delivery_rows(&store);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.publisher, row.publish_qos, row.expected_qos),
        (None, None, None)
    );
    assert_eq!(
        (row.granted_qos, row.delivered_qos),
        (Some(QoS::AtLeastOnce), QoS::AtLeastOnce)
    );
    assert!(!row.mismatch);
    assert_eq!(QosMatrix::from_rows(&rows).filled(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the latency and jitter (the subscribe and the publishes race on separate links)
    /// and whatever the broker grants, every message arrives at min(publish, granted).
    #[test]
    fn the_matrix_is_the_minimum_over_any_link_and_cap(
        seed in any::<u64>(),
        latency_ms in 0u64..400,
        jitter_ms in 0u64..400,
        cap in prop::sample::select(QoS::ALL.to_vec()),
        v5 in any::<bool>(),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        let faults = LinkFaults { latency_ms, jitter_ms, ..LinkFaults::default() };
        let config = BrokerConfig { granted_qos_cap: cap, ..BrokerConfig::default() };
        let mut world = world(config, version, faults, seed);
        let mut store = TraceStore::new(10_000, 1_000);
        let rows = run_all_nine(&mut world, &mut store, 1);
        prop_assert_eq!(rows.len(), 9);
        let matrix = QosMatrix::from_rows(&rows);
        for publish in QoS::ALL {
            for granted in QoS::ALL {
                let cell = matrix.cell(publish, granted);
                let expected = if granted <= cap {
                    Observed::Delivered(publish.min(granted))
                } else {
                    Observed::Nothing
                };
                prop_assert_eq!(cell.observed(), expected);
                prop_assert_eq!(cell.mismatches, 0);
            }
        }
    }
}

#[test]
fn a_store_too_small_for_every_message_lists_the_newest_and_counts_the_rest() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        LinkFaults::default(),
        4,
    );
    // Nine publisher flows and nine subscriber flows per run; room for twelve flows in all.
    let mut store = TraceStore::new(10_000, 12);
    run_all_nine(&mut world, &mut store, 1);
    let rows = run_all_nine(&mut world, &mut store, 2);
    let received = rows.len() as u64 + store.evicted_deliveries();
    assert_eq!(received, 18, "{} rows listed", rows.len());
    assert!(store.evicted_deliveries() > 0);
}

/// The page's case: `demo/greeting` at QoS 1 beside `demo/#` at QoS 2, a QoS 2 publish.
fn overlapping_delivery(version: ProtocolVersion, ids: bool) -> Vec<DeliveryRow> {
    let mut world = world(BrokerConfig::default(), version, LinkFaults::default(), 8);
    for (filter, qos, id) in [
        ("demo/greeting", QoS::AtLeastOnce, 1),
        ("demo/#", QoS::ExactlyOnce, 2),
    ] {
        let mut properties = qoscope::codec::Properties::default();
        if ids {
            properties.subscription_identifiers = vec![std::num::NonZeroU32::new(id).unwrap()];
        }
        world
            .with_session(SUBSCRIBER, |session, now| {
                let subscription = Subscription {
                    filter: filter.into(),
                    options: SubscriptionOptions::qos(qos),
                };
                session.subscribe(now, vec![subscription], properties)
            })
            .unwrap();
    }
    world.run_until_quiet(1_000).unwrap();
    world
        .with_session(PUBLISHER, |session, now| {
            session.publish(
                now,
                PublishRequest::new("demo/greeting", "hello", QoS::ExactlyOnce),
            )
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    let mut store = TraceStore::new(10_000, 1_000);
    store.extend(world.poll_trace());
    delivery_rows(&store)
}

#[test]
fn in_5_0_each_overlapping_subscription_gets_its_own_copy_judged_against_its_own_grant() {
    for ids in [false, true] {
        let rows = overlapping_delivery(ProtocolVersion::V5, ids);
        let seen: Vec<(QoS, Option<QoS>, bool, bool)> = rows
            .iter()
            .map(|row| {
                (
                    row.delivered_qos,
                    row.granted_qos,
                    row.mismatch,
                    row.duplicate,
                )
            })
            .collect();
        // [v5 MQTT-3.3.4-2]: a copy per subscription, each at min(publish, its grant).
        let mut expected = vec![
            (QoS::ExactlyOnce, Some(QoS::ExactlyOnce), false, false),
            (QoS::AtLeastOnce, Some(QoS::AtLeastOnce), false, false),
        ];
        let mut seen_sorted = seen.clone();
        seen_sorted.sort_by_key(|row| std::cmp::Reverse(row.0));
        expected.sort_by_key(|row| std::cmp::Reverse(row.0));
        assert_eq!(seen_sorted, expected, "Subscription Identifiers: {ids}");
        assert_eq!(rows[0].publisher_flow, rows[1].publisher_flow);
        assert!(rows.iter().all(|row| !row.duplicate_breaks_exactly_once()));
    }
}

#[test]
fn in_3_1_1_overlapping_subscriptions_get_one_copy_at_the_highest_grant() {
    let rows = overlapping_delivery(ProtocolVersion::V311, false);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].delivered_qos, rows[0].granted_qos, rows[0].mismatch),
        (QoS::ExactlyOnce, Some(QoS::ExactlyOnce), false)
    );
}

#[test]
fn a_qos1_message_whose_first_arrival_carries_dup_is_not_a_duplicate() {
    let mut world = subscribed_to_demo_at_qos1(9);
    // The broker's first attempt is lost on the way to the subscriber, which then reconnects:
    // the re-send (DUP=1) is the first copy the application sees.
    world.drop_next(SUBSCRIBER, Direction::Incoming, PacketType::Publish);
    world
        .with_session(PUBLISHER, |session, now| {
            session.publish(now, PublishRequest::new("demo", "first", QoS::AtLeastOnce))
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
    world.cut(SUBSCRIBER);
    world.connect(SUBSCRIBER);
    world.run_until_quiet(1_000).unwrap();
    let mut store = TraceStore::new(10_000, 1_000);
    store.extend(world.poll_trace());
    let rows = delivery_rows(&store);
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].duplicate, "{:?}", rows[0]);
    assert!(
        store.flow(rows[0].flow).unwrap().possible_duplicate,
        "it did carry DUP=1"
    );
    assert_eq!(rows[0].publish_qos, Some(QoS::AtLeastOnce));
    let matrix = QosMatrix::from_rows(&rows);
    assert_eq!(matrix.cell(QoS::AtLeastOnce, QoS::AtLeastOnce).count(), 1);
}
