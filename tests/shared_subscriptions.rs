#![cfg(not(target_arch = "wasm32"))]
//! Shared subscriptions on the simulated broker (v5 §4.8.2): one copy per group, the members in
//! turn; ordinary subscriptions beside them still get every message; the filter's form is
//! checked; no retained messages at a shared subscribe; 3.1.1 reads `$share/` as an ordinary
//! filter; and the fault that breaks the one-copy rule.

use qoscope::broker::{Broker, BrokerConfig, BrokerFault, BrokerFaults};
use qoscope::codec::{
    Connect, FrameDecoder, Packet, ProtocolVersion, QoS, ReasonCode, Subscription,
    SubscriptionOptions,
};
use qoscope::session::{ConnectOptions, Event, PublishRequest};
use qoscope::sim::World;

const GROUP: &str = "$share/workers/jobs/#";

/// A publisher (0) and, after it, one subscriber per filter, all connected and subscribed.
fn world(config: BrokerConfig, version: ProtocolVersion, filters: &[&str]) -> World {
    let mut world = World::new(config, 7);
    let publisher = world.add_client(ConnectOptions::new(version, "publisher"));
    world.connect(publisher);
    for (index, filter) in filters.iter().enumerate() {
        let client = world.add_client(ConnectOptions::new(version, format!("member-{index}")));
        world.connect(client);
        world.run_until_quiet(1_000).unwrap();
        subscribe(&mut world, client, filter);
    }
    world.run_until_quiet(1_000).unwrap();
    world
}

fn subscribe(world: &mut World, client: usize, filter: &str) {
    let subscription = Subscription {
        filter: filter.into(),
        options: SubscriptionOptions::qos(QoS::AtLeastOnce),
    };
    world
        .with_session(client, |session, now| {
            session.subscribe(now, vec![subscription], Default::default())
        })
        .unwrap();
    world.run_until_quiet(1_000).unwrap();
}

/// A v5 SUBSCRIBE for one filter with these option bits, as bytes: the encoder, like the
/// session, refuses the malformed filters the broker must refuse too.
fn subscribe_bytes(filter: &str, options: u8) -> Vec<u8> {
    let mut body = vec![0x00, 0x64, 0x00];
    body.extend_from_slice(&(filter.len() as u16).to_be_bytes());
    body.extend_from_slice(filter.as_bytes());
    body.push(options);
    let mut bytes = vec![0x82, body.len() as u8];
    bytes.extend(body);
    bytes
}

/// A broker with one v5 client connected on connection 1.
fn broker(config: BrokerConfig) -> Broker {
    let mut broker = Broker::new(config);
    broker.handle_connection_open(0, 1);
    let connect = Packet::Connect(Box::new(Connect::new(ProtocolVersion::V5, "member")));
    broker.handle_bytes(0, 1, &connect.to_bytes(ProtocolVersion::V5).unwrap());
    while broker.poll_transmit().is_some() {}
    broker
}

/// What the broker answers to `bytes`: its packets, and whether it closed the connection.
fn answer(broker: &mut Broker, bytes: &[u8]) -> (Vec<Packet>, bool) {
    broker.handle_bytes(1, 1, bytes);
    let mut packets = Vec::new();
    while let Some((_, written)) = broker.poll_transmit() {
        let mut decoder = FrameDecoder::new(ProtocolVersion::V5);
        decoder.push(&written);
        while let Ok(Some(frame)) = decoder.next_frame() {
            packets.push(frame.packet);
        }
    }
    (packets, broker.poll_close() == Some(1))
}

fn suback_reasons(packets: &[Packet]) -> Vec<ReasonCode> {
    packets
        .iter()
        .filter_map(|packet| match packet {
            Packet::SubAck(ack) => Some(ack.reasons.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn publish(world: &mut World, payloads: &[&str], retain: bool) {
    for payload in payloads {
        let mut request =
            PublishRequest::new("jobs/print", payload.as_bytes().to_vec(), QoS::AtLeastOnce);
        request.retain = retain;
        world
            .with_session(0, |session, now| session.publish(now, request))
            .unwrap();
    }
    world.run_until_quiet(1_000).unwrap();
}

/// The payloads each client's application got, by client index.
fn received(world: &mut World) -> Vec<(usize, String)> {
    let mut got = Vec::new();
    while let Some((client, event)) = world.poll_event() {
        if let Event::Message(message) = event {
            got.push((
                client,
                String::from_utf8_lossy(&message.payload).into_owned(),
            ));
        }
    }
    got
}

#[test]
fn each_message_goes_to_one_member_of_the_group_in_turn_and_to_every_plain_subscriber() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        &[GROUP, GROUP, "jobs/#"],
    );
    received(&mut world);
    publish(&mut world, &["1", "2", "3", "4"], false);
    let mut got = received(&mut world);
    got.sort();
    let expected: Vec<(usize, String)> = [
        (1, "1"),
        (1, "3"),
        (2, "2"),
        (2, "4"),
        (3, "1"),
        (3, "2"),
        (3, "3"),
        (3, "4"),
    ]
    .into_iter()
    .map(|(client, payload)| (client, payload.to_owned()))
    .collect();
    assert_eq!(got, expected);
}

#[test]
fn an_absent_member_is_skipped_while_another_is_connected() {
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V5,
        &[GROUP, GROUP],
    );
    world.cut(1);
    world.run_until_quiet(1_000).unwrap();
    received(&mut world);
    publish(&mut world, &["1", "2"], false);
    let got = received(&mut world);
    assert_eq!(got, [(2, "1".to_owned()), (2, "2".to_owned())]);
}

#[test]
fn the_fault_sends_every_member_a_copy() {
    let config = BrokerConfig {
        faults: BrokerFaults::only(BrokerFault::SharedToEveryMember),
        ..BrokerConfig::default()
    };
    let mut world = world(config, ProtocolVersion::V5, &[GROUP, GROUP]);
    received(&mut world);
    publish(&mut world, &["1"], false);
    let mut got = received(&mut world);
    got.sort();
    assert_eq!(got, [(1, "1".to_owned()), (2, "1".to_owned())]);
}

#[test]
fn a_shared_subscribe_gets_no_retained_message_and_a_plain_one_does() {
    let mut world = world(BrokerConfig::default(), ProtocolVersion::V5, &[]);
    publish(&mut world, &["kept"], true);
    for filter in [GROUP, "jobs/#"] {
        let client = world.add_client(ConnectOptions::new(ProtocolVersion::V5, filter));
        world.connect(client);
        world.run_until_quiet(1_000).unwrap();
        subscribe(&mut world, client, filter);
    }
    assert_eq!(received(&mut world), [(2, "kept".to_owned())]);
}

#[test]
fn malformed_shared_filters_are_refused_and_the_form_is_only_special_in_v5() {
    // [v5 MQTT-4.8.2-1]: a share name at least one character long; [-2]: no + or # in it, and
    // a filter after it.
    for filter in ["$share//jobs", "$share/a+b/jobs", "$share/workers"] {
        let mut broker = broker(BrokerConfig::default());
        let (packets, closed) = answer(&mut broker, &subscribe_bytes(filter, 1));
        assert_eq!(
            suback_reasons(&packets),
            [ReasonCode::TopicFilterInvalid],
            "{filter}"
        );
        assert!(!closed);
    }
    let unavailable = BrokerConfig {
        shared_subscriptions_available: false,
        ..BrokerConfig::default()
    };
    let (packets, _) = answer(&mut broker(unavailable), &subscribe_bytes(GROUP, 1));
    assert_eq!(
        suback_reasons(&packets),
        [ReasonCode::SharedSubscriptionsNotSupported]
    );
    // 3.1.1: an ordinary filter, matched as written, so `jobs/print` does not match it.
    let mut world = world(
        BrokerConfig::default(),
        ProtocolVersion::V311,
        &[GROUP, GROUP],
    );
    received(&mut world);
    publish(&mut world, &["1"], false);
    assert!(received(&mut world).is_empty());
}

#[test]
fn no_local_on_a_shared_subscription_is_a_protocol_error() {
    // Options: QoS 1, No Local (bit 2).
    let (packets, closed) = answer(
        &mut broker(BrokerConfig::default()),
        &subscribe_bytes(GROUP, 0b101),
    );
    assert!(closed);
    assert!(matches!(&packets[..], [Packet::Disconnect(disconnect)]
        if disconnect.reason == ReasonCode::ProtocolError));
}
