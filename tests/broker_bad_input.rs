#![cfg(not(target_arch = "wasm32"))]
//! The simulated broker against bad clients: each malformed or forbidden packet closes the
//! connection (v5: after DISCONNECT with the matching reason code) and reports the rule broken;
//! random bytes never make it panic.

use proptest::prelude::*;
use qoscope::broker::{Broker, BrokerConfig, BrokerEvent};
use qoscope::codec::{Connect, FrameDecoder, Packet, ProtocolVersion, ReasonCode};
use qoscope::hex::parse_hex;

/// Opens connection 1 and sends a CONNECT of `version`; returns the broker after CONNACK.
fn connected(version: ProtocolVersion) -> Broker {
    let mut broker = Broker::new(BrokerConfig::default());
    broker.handle_connection_open(0, 1);
    let connect = Packet::Connect(Box::new(Connect::new(version, "bad-client")));
    broker.handle_bytes(0, 1, &connect.to_bytes(version).unwrap());
    let (conn, bytes) = broker.poll_transmit().unwrap();
    assert_eq!(conn, 1);
    assert_eq!(bytes[0], 0x20, "CONNACK");
    while broker.poll_event().is_some() {}
    broker
}

/// Sends `hex`; returns what the broker wrote back, whether it closed, and the violation text.
fn send(
    broker: &mut Broker,
    version: ProtocolVersion,
    hex: &str,
) -> (Vec<Packet>, bool, Option<String>) {
    broker.handle_bytes(1, 1, &parse_hex(hex).unwrap());
    let mut packets = Vec::new();
    while let Some((_, bytes)) = broker.poll_transmit() {
        let mut decoder = FrameDecoder::new(version);
        decoder.push(&bytes);
        while let Ok(Some(frame)) = decoder.next_frame() {
            packets.push(frame.packet);
        }
    }
    let closed = broker.poll_close() == Some(1);
    let mut violation = None;
    while let Some(event) = broker.poll_event() {
        if let BrokerEvent::ProtocolViolation { message, .. } = event {
            violation = Some(message);
        }
    }
    (packets, closed, violation)
}

#[test]
fn malformed_and_forbidden_packets_close_with_the_right_reason_and_rule() {
    // (bytes, v5 reason, rule named, also malformed in v3)
    let cases: &[(&str, ReasonCode, &str, bool)] = &[
        // PUBLISH with QoS 3.
        (
            "36 07 00 03 61 2F 62 00 01",
            ReasonCode::MalformedPacket,
            "MQTT-3.3.1-4",
            true,
        ),
        // PUBREL with flags 0000.
        (
            "60 02 00 01",
            ReasonCode::MalformedPacket,
            "MQTT-2.1.3-1",
            true,
        ),
        // A second CONNECT.
        (
            "10 10 00 04 4D 51 54 54 05 02 00 3C 00 00 03 61 62 63",
            ReasonCode::ProtocolError,
            "MQTT-3.1.0-2",
            true,
        ),
        // Topic Alias 11 above the broker's maximum of 10.
        (
            "30 0B 00 03 61 2F 62 03 23 00 0B 68 69",
            ReasonCode::TopicAliasInvalid,
            "MQTT-3.3.2-9",
            false,
        ),
        // A wildcard in a topic name.
        (
            "30 08 00 03 61 2F 23 00 68 69",
            ReasonCode::ProtocolError,
            "MQTT-3.3.2-2",
            true,
        ),
        // CONNACK from a client.
        (
            "20 03 00 00 00",
            ReasonCode::ProtocolError,
            "sent only by servers",
            true,
        ),
        // Invalid UTF-8 in the topic.
        (
            "30 07 00 02 C3 28 00 68 69",
            ReasonCode::MalformedPacket,
            "MQTT-1.5.4-1",
            true,
        ),
        // U+0000 in the topic.
        (
            "30 07 00 03 61 00 62 00 68",
            ReasonCode::MalformedPacket,
            "MQTT-1.5.4-2",
            true,
        ),
        // A Remaining Length in five bytes.
        (
            "C0 80 80 80 80 00",
            ReasonCode::MalformedPacket,
            "longer than 4 bytes",
            true,
        ),
        // A PINGREQ with a body: the Remaining Length is longer than the packet.
        (
            "C0 01 00",
            ReasonCode::MalformedPacket,
            "unexpected bytes",
            true,
        ),
        // A PUBLISH whose Remaining Length ends inside its topic.
        (
            "30 03 00 05 61 62 63 64 65",
            ReasonCode::MalformedPacket,
            "runs past the end",
            true,
        ),
        // A QoS 1 PUBLISH with packet identifier 0.
        (
            "32 08 00 03 61 2F 62 00 00 00",
            ReasonCode::ProtocolError,
            "MQTT-2.2.1-3",
            false,
        ),
        // A SUBSCRIBE without a filter.
        (
            "82 03 00 01 00",
            ReasonCode::MalformedPacket,
            "v5 MQTT-3.8.3-2",
            false,
        ),
        // A PUBLISH with a CONNECT property (Session Expiry Interval).
        (
            "30 0B 00 03 61 2F 62 05 11 00 00 00 3C",
            ReasonCode::MalformedPacket,
            "not allowed in",
            false,
        ),
        // A PUBLISH with the Payload Format Indicator twice.
        (
            "30 0A 00 03 61 2F 62 04 01 01 01 01",
            ReasonCode::ProtocolError,
            "more than once",
            false,
        ),
        // Topic Alias 0.
        (
            "30 0B 00 03 61 2F 62 03 23 00 00 68 69",
            ReasonCode::TopicAliasInvalid,
            "Topic Alias",
            false,
        ),
    ];
    for &(hex, reason, rule, in_v3) in cases {
        let mut broker = connected(ProtocolVersion::V5);
        let (packets, closed, violation) = send(&mut broker, ProtocolVersion::V5, hex);
        assert!(closed, "{hex}: the connection is closed");
        let violation = violation.unwrap_or_default();
        assert!(
            violation.contains(rule),
            "{hex}: {violation:?} names {rule}"
        );
        match packets.last() {
            Some(Packet::Disconnect(disconnect)) => assert_eq!(disconnect.reason, reason, "{hex}"),
            other => panic!("{hex}: expected DISCONNECT {reason}, got {other:?}"),
        }
        if !in_v3 {
            continue;
        }
        // v3 has no DISCONNECT from the server: the connection just closes.
        let mut broker = connected(ProtocolVersion::V311);
        let (packets, closed, _) = send(&mut broker, ProtocolVersion::V311, hex);
        assert!(closed, "{hex} (v3)");
        assert!(
            !packets
                .iter()
                .any(|packet| matches!(packet, Packet::Disconnect(_))),
            "{hex} (v3)"
        );
    }
}

#[test]
fn a_packet_before_connect_closes_the_connection() {
    let mut broker = Broker::new(BrokerConfig::default());
    broker.handle_connection_open(0, 1);
    let (packets, closed, violation) = send(&mut broker, ProtocolVersion::V311, "C0 00");
    assert!(packets.is_empty());
    assert!(closed);
    assert!(violation.unwrap().contains("MQTT-3.1.0-1"));
}

#[test]
fn a_silent_client_is_disconnected_after_one_and_a_half_keep_alives() {
    let mut broker = Broker::new(BrokerConfig::default());
    broker.handle_connection_open(0, 1);
    let mut connect = Connect::new(ProtocolVersion::V5, "quiet");
    connect.keep_alive = 10;
    broker.handle_bytes(
        0,
        1,
        &Packet::Connect(Box::new(connect))
            .to_bytes(ProtocolVersion::V5)
            .unwrap(),
    );
    while broker.poll_transmit().is_some() {}
    assert_eq!(
        broker.poll_timeout(),
        Some(15_000),
        "[v5 MQTT-3.1.2-22]: 1.5 × Keep Alive"
    );
    broker.handle_timeout(14_999);
    assert_eq!(broker.poll_close(), None);
    broker.handle_timeout(15_000);
    let (_, bytes) = broker.poll_transmit().unwrap();
    assert_eq!(
        bytes,
        [0xE0, 0x01, 0x8D],
        "DISCONNECT 0x8D Keep Alive timeout"
    );
    assert_eq!(broker.poll_close(), Some(1));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_make_the_broker_panic(
        version in prop_oneof![Just(ProtocolVersion::V311), Just(ProtocolVersion::V5)],
        after_connect in any::<bool>(),
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..8),
    ) {
        let mut broker = if after_connect { connected(version) } else {
            let mut broker = Broker::new(BrokerConfig::default());
            broker.handle_connection_open(0, 1);
            broker
        };
        for (time, chunk) in chunks.iter().enumerate() {
            broker.handle_bytes(time as u64, 1, chunk);
            while broker.poll_transmit().is_some() {}
        }
        broker.handle_timeout(u64::from(u32::MAX));
        broker.handle_connection_closed(u64::from(u32::MAX), 1);
        while broker.poll_event().is_some() {}
    }

    #[test]
    fn random_packets_after_a_valid_header_never_make_the_broker_panic(
        first in any::<u8>(),
        body in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut broker = connected(ProtocolVersion::V5);
        let mut bytes = vec![first, body.len() as u8];
        bytes.extend(&body);
        broker.handle_bytes(1, 1, &bytes);
        while broker.poll_transmit().is_some() {}
    }
}

/// Opens connection `conn` with `connect` on `broker`; returns the first packet it answers.
fn open(broker: &mut Broker, conn: u64, connect: Connect) -> Packet {
    let version = connect.version;
    broker.handle_connection_open(0, conn);
    broker.handle_bytes(
        0,
        conn,
        &Packet::Connect(Box::new(connect))
            .to_bytes(version)
            .unwrap(),
    );
    let (_, bytes) = broker.poll_transmit().unwrap();
    let mut decoder = FrameDecoder::new(version);
    decoder.push(&bytes);
    decoder.next_frame().unwrap().unwrap().packet
}

#[test]
fn a_will_retain_without_retain_support_is_refused_with_0x9a() {
    let config = BrokerConfig {
        retain_available: false,
        ..BrokerConfig::default()
    };
    let mut broker = Broker::new(config);
    let mut connect = Connect::new(ProtocolVersion::V5, "willing");
    connect.will = Some(qoscope::codec::Will {
        topic: "w".into(),
        payload: "gone".into(),
        qos: qoscope::codec::QoS::AtMostOnce,
        retain: true,
        properties: Default::default(),
    });
    // [v5 MQTT-3.2.2-13].
    match open(&mut broker, 1, connect) {
        Packet::ConnAck(connack) => assert_eq!(connack.reason, ReasonCode::RetainNotSupported),
        other => panic!("{other:?}"),
    }
    assert_eq!(broker.poll_close(), Some(1));
}

#[test]
fn a_subscription_identifier_on_a_clients_publish_is_a_protocol_error() {
    let mut broker = connected(ProtocolVersion::V5);
    // PUBLISH QoS 0 to "t" with properties: Subscription Identifier (0x0B) 1 [v5 MQTT-3.3.4-6].
    let (packets, closed, violation) = send(
        &mut broker,
        ProtocolVersion::V5,
        "30 07 00 01 74 02 0B 01 78",
    );
    assert!(closed);
    assert!(violation.unwrap().contains("MQTT-3.3.4-6"));
    assert!(
        matches!(&packets[..], [Packet::Disconnect(d)] if d.reason == ReasonCode::ProtocolError)
    );
}

#[test]
fn a_session_takeover_publishes_the_old_connections_will() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut broker = Broker::new(BrokerConfig::default());
        let mut connect = Connect::new(version, "twin");
        connect.will = Some(qoscope::codec::Will {
            topic: "w".into(),
            payload: "gone".into(),
            qos: qoscope::codec::QoS::AtMostOnce,
            retain: false,
            properties: Default::default(),
        });
        open(&mut broker, 1, connect);
        open(&mut broker, 2, Connect::new(version, "twin"));
        let mut wills = 0;
        while let Some(event) = broker.poll_event() {
            wills += usize::from(matches!(event, BrokerEvent::WillPublished { .. }));
        }
        // [v5 MQTT-3.1.4-3]: the old connection did not send DISCONNECT.
        assert_eq!(wills, 1, "{version}");
    }
}
