//! Byte-exact vectors built field by field from the spec layouts (v3 §3 and v5 §3, one or more per
//! packet type and version): each encodes to exactly these bytes and decodes back to the
//! same packet. Then malformed packets: each fails with the rule it breaks, at the right byte.

use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use qoscope::codec::*;
use qoscope::hex::parse_hex;

use ProtocolVersion::{V311, V5};

fn pid(value: u16) -> Pid {
    Pid::new(value).unwrap()
}

/// Encodes `packet`, compares with `hex`, decodes `hex` and compares with `packet`.
fn check(version: ProtocolVersion, hex: &str, packet: Packet) {
    let bytes = parse_hex(hex).unwrap();
    assert_eq!(
        packet.to_bytes(version).unwrap(),
        bytes,
        "encoding {packet:?}"
    );
    assert_eq!(packet.encoded_len(version).unwrap(), bytes.len());
    let decoded = Packet::decode(&Bytes::from(bytes.clone()), version).unwrap();
    assert_eq!(decoded, packet, "decoding {hex}");
    let annotated = annotate(&bytes, version);
    assert_eq!(annotated.result, Ok(packet));
    assert!(annotated
        .fields
        .iter()
        .all(|field| field.end <= bytes.len()));
}

/// Decodes `hex` and expects `kind` at `offset`.
fn malformed(version: ProtocolVersion, hex: &str, kind: DecodeErrorKind, offset: usize) {
    let bytes = Bytes::from(parse_hex(hex).unwrap());
    let error = Packet::decode(&bytes, version).unwrap_err();
    assert_eq!(error.kind, kind, "{hex}");
    assert_eq!(error.offset, offset, "{hex}: {error}");
}

fn publish(topic: &str, qos_pid: QosPid, payload: &'static [u8]) -> Publish {
    Publish::new(topic, qos_pid, Bytes::from_static(payload))
}

#[test]
fn ping_disconnect_and_acks_are_the_same_in_both_versions() {
    for version in [V311, V5] {
        check(version, "C0 00", Packet::PingReq);
        check(version, "D0 00", Packet::PingResp);
        check(version, "E0 00", Packet::Disconnect(Disconnect::normal()));
        check(version, "40 02 00 01", Packet::PubAck(Ack::new(pid(1))));
        check(version, "50 02 00 01", Packet::PubRec(Ack::new(pid(1))));
        check(version, "62 02 00 01", Packet::PubRel(Ack::new(pid(1))));
        check(version, "70 02 00 01", Packet::PubComp(Ack::new(pid(1))));
    }
}

#[test]
fn v3_connect_vectors() {
    let mut connect = Connect::new(V311, "abc");
    connect.keep_alive = 60;
    check(
        V311,
        "10 0F 00 04 4D 51 54 54 04 02 00 3C 00 03 61 62 63",
        Packet::Connect(Box::new(connect)),
    );

    let mut connect = Connect::new(V311, "c1");
    connect.keep_alive = 30;
    connect.will = Some(Will {
        topic: "w".into(),
        payload: Bytes::from_static(b"bye"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: Properties::default(),
    });
    connect.username = Some("u".into());
    connect.password = Some(Bytes::from_static(b"p"));
    check(
        V311,
        "10 1C 00 04 4D 51 54 54 04 CE 00 1E 00 02 63 31 00 01 77 00 03 62 79 65 00 01 75 00 01 70",
        Packet::Connect(Box::new(connect)),
    );
}

#[test]
fn v3_connack_publish_subscribe_vectors() {
    check(
        V311,
        "20 02 00 00",
        Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)),
    );
    check(
        V311,
        "20 02 01 00",
        Packet::ConnAck(ConnAck::new(true, ReasonCode::Success)),
    );
    check(
        V311,
        "20 02 00 05",
        Packet::ConnAck(ConnAck::new(false, ReasonCode::NotAuthorized)),
    );
    check(
        V311,
        "30 07 00 03 61 2F 62 68 69",
        Packet::Publish(publish("a/b", QosPid::AtMostOnce, b"hi")),
    );
    let qos1 = publish("a/b", QosPid::AtLeastOnce(pid(1)), b"hi");
    check(
        V311,
        "32 09 00 03 61 2F 62 00 01 68 69",
        Packet::Publish(qos1.clone()),
    );
    check(
        V311,
        "3A 09 00 03 61 2F 62 00 01 68 69",
        Packet::Publish(Publish { dup: true, ..qos1 }),
    );
    let clear = Publish {
        retain: true,
        ..publish("a/b", QosPid::ExactlyOnce(pid(10)), b"")
    };
    check(V311, "35 07 00 03 61 2F 62 00 0A", Packet::Publish(clear));
    check(
        V311,
        "82 08 00 01 00 03 61 2F 62 01",
        Packet::Subscribe(Subscribe::single(pid(1), "a/b", QoS::AtLeastOnce)),
    );
    let two = Subscribe {
        pid: pid(10),
        subscriptions: vec![
            Subscription {
                filter: "a/b".into(),
                options: SubscriptionOptions::qos(QoS::AtLeastOnce),
            },
            Subscription {
                filter: "c/d".into(),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            },
        ],
        properties: Properties::default(),
    };
    check(
        V311,
        "82 0E 00 0A 00 03 61 2F 62 01 00 03 63 2F 64 02",
        Packet::Subscribe(two),
    );
    let suback = |reasons| {
        Packet::SubAck(SubAck {
            pid: pid(1),
            reasons,
            properties: Properties::default(),
        })
    };
    check(
        V311,
        "90 03 00 01 01",
        suback(vec![ReasonCode::GrantedQoS1]),
    );
    check(
        V311,
        "90 03 00 01 80",
        suback(vec![ReasonCode::UnspecifiedError]),
    );
    let unsubscribe = Unsubscribe {
        pid: pid(2),
        filters: vec!["a/b".into()],
        properties: Properties::default(),
    };
    check(
        V311,
        "A2 07 00 02 00 03 61 2F 62",
        Packet::Unsubscribe(unsubscribe),
    );
    let unsuback = UnsubAck {
        pid: pid(2),
        reasons: vec![],
        properties: Properties::default(),
    };
    check(V311, "B0 02 00 02", Packet::UnsubAck(unsuback));
}

#[test]
fn v5_connect_vectors() {
    let mut connect = Connect::new(V5, "abc");
    connect.keep_alive = 60;
    check(
        V5,
        "10 10 00 04 4D 51 54 54 05 02 00 3C 00 00 03 61 62 63",
        Packet::Connect(Box::new(connect.clone())),
    );

    connect.clean_start = false;
    connect.properties.session_expiry_interval = Some(3600);
    connect.properties.receive_maximum = NonZeroU16::new(20);
    check(
        V5,
        "10 18 00 04 4D 51 54 54 05 00 00 3C 08 11 00 00 0E 10 21 00 14 00 03 61 62 63",
        Packet::Connect(Box::new(connect)),
    );

    let mut connect = Connect::new(V5, "c1");
    connect.keep_alive = 30;
    connect.will = Some(Will {
        topic: "w".into(),
        payload: Bytes::from_static(b"bye"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: Properties::default(),
    });
    connect.username = Some("u".into());
    connect.password = Some(Bytes::from_static(b"p"));
    check(
        V5,
        "10 1E 00 04 4D 51 54 54 05 CE 00 1E 00 00 02 63 31 00 00 01 77 00 03 62 79 65 00 01 75 00 01 70",
        Packet::Connect(Box::new(connect)),
    );
}

#[test]
fn v5_connack_and_publish_vectors() {
    check(
        V5,
        "20 03 00 00 00",
        Packet::ConnAck(ConnAck::new(false, ReasonCode::Success)),
    );
    let mut connack = ConnAck::new(false, ReasonCode::Success);
    connack.properties.receive_maximum = NonZeroU16::new(20);
    connack.properties.topic_alias_maximum = Some(10);
    connack.properties.maximum_qos = Some(QoS::AtLeastOnce);
    check(
        V5,
        "20 0B 00 00 08 21 00 14 22 00 0A 24 01",
        Packet::ConnAck(connack),
    );
    check(
        V5,
        "20 03 00 87 00",
        Packet::ConnAck(ConnAck::new(false, ReasonCode::NotAuthorized)),
    );

    check(
        V5,
        "30 08 00 03 61 2F 62 00 68 69",
        Packet::Publish(publish("a/b", QosPid::AtMostOnce, b"hi")),
    );
    check(
        V5,
        "32 0A 00 03 61 2F 62 00 01 00 68 69",
        Packet::Publish(publish("a/b", QosPid::AtLeastOnce(pid(1)), b"hi")),
    );
    let mut set_alias = publish("a/b", QosPid::AtMostOnce, b"hi");
    set_alias.properties.topic_alias = NonZeroU16::new(1);
    check(
        V5,
        "30 0B 00 03 61 2F 62 03 23 00 01 68 69",
        Packet::Publish(set_alias),
    );
    let mut use_alias = publish("", QosPid::AtMostOnce, b"hi");
    use_alias.properties.topic_alias = NonZeroU16::new(1);
    check(
        V5,
        "30 08 00 00 03 23 00 01 68 69",
        Packet::Publish(use_alias),
    );

    let mut rich = publish("a/b", QosPid::ExactlyOnce(pid(5)), b"{}");
    rich.properties.payload_format_indicator = Some(true);
    rich.properties.message_expiry_interval = Some(30);
    rich.properties.content_type = Some("json".into());
    rich.properties.subscription_identifiers = vec![NonZeroU32::new(200).unwrap()];
    rich.properties.user_properties = vec![("k".into(), "v".into()), ("k".into(), "w".into())];
    check(
        V5,
        "34 29 00 03 61 2F 62 00 05 1F 01 01 02 00 00 00 1E 03 00 04 6A 73 6F 6E 0B C8 01 \
         26 00 01 6B 00 01 76 26 00 01 6B 00 01 77 7B 7D",
        Packet::Publish(rich),
    );
}

#[test]
fn v5_ack_vectors_use_the_short_forms() {
    check(
        V5,
        "40 03 00 01 10",
        Packet::PubAck(Ack::with_reason(pid(1), ReasonCode::NoMatchingSubscribers)),
    );
    check(
        V5,
        "50 03 00 01 87",
        Packet::PubRec(Ack::with_reason(pid(1), ReasonCode::NotAuthorized)),
    );
    check(
        V5,
        "62 03 00 01 92",
        Packet::PubRel(Ack::with_reason(
            pid(1),
            ReasonCode::PacketIdentifierNotFound,
        )),
    );
    let mut with_reason_string = Ack::with_reason(pid(1), ReasonCode::PacketIdentifierNotFound);
    with_reason_string.properties.reason_string = Some("gone".into());
    check(
        V5,
        "70 0B 00 01 92 07 1F 00 04 67 6F 6E 65",
        Packet::PubComp(with_reason_string),
    );
    // The long form of a plain success is valid too (v5 §3.4.2.1) and decodes the same.
    let long = Bytes::from(parse_hex("40 04 00 01 00 00").unwrap());
    assert_eq!(
        Packet::decode(&long, V5),
        Ok(Packet::PubAck(Ack::new(pid(1))))
    );
    let reason_only = Bytes::from(parse_hex("40 03 00 01 00").unwrap());
    assert_eq!(
        Packet::decode(&reason_only, V5),
        Ok(Packet::PubAck(Ack::new(pid(1))))
    );
}

#[test]
fn v5_subscribe_unsubscribe_vectors() {
    check(
        V5,
        "82 09 00 01 00 00 03 61 2F 62 01",
        Packet::Subscribe(Subscribe::single(pid(1), "a/b", QoS::AtLeastOnce)),
    );
    let mut options = Subscribe::single(pid(1), "a/b", QoS::AtLeastOnce);
    options.subscriptions[0].options = SubscriptionOptions {
        qos: QoS::AtLeastOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    check(
        V5,
        "82 09 00 01 00 00 03 61 2F 62 2D",
        Packet::Subscribe(options),
    );
    let mut identified = Subscribe::single(pid(1), "a/b", QoS::AtLeastOnce);
    identified.properties.subscription_identifiers = vec![NonZeroU32::new(1).unwrap()];
    check(
        V5,
        "82 0B 00 01 02 0B 01 00 03 61 2F 62 01",
        Packet::Subscribe(identified),
    );
    let suback = SubAck {
        pid: pid(1),
        reasons: vec![ReasonCode::GrantedQoS1],
        properties: Properties::default(),
    };
    check(V5, "90 04 00 01 00 01", Packet::SubAck(suback));
    let unsubscribe = Unsubscribe {
        pid: pid(2),
        filters: vec!["a/b".into()],
        properties: Properties::default(),
    };
    check(
        V5,
        "A2 08 00 02 00 00 03 61 2F 62",
        Packet::Unsubscribe(unsubscribe),
    );
    for (hex, code) in [
        ("B0 04 00 02 00 00", ReasonCode::Success),
        ("B0 04 00 02 00 11", ReasonCode::NoSubscriptionExisted),
    ] {
        let unsuback = UnsubAck {
            pid: pid(2),
            reasons: vec![code],
            properties: Properties::default(),
        };
        check(V5, hex, Packet::UnsubAck(unsuback));
    }
}

#[test]
fn v5_disconnect_and_auth_vectors() {
    check(
        V5,
        "E0 01 04",
        Packet::Disconnect(Disconnect::with_reason(
            ReasonCode::DisconnectWithWillMessage,
        )),
    );
    let taken_over = Bytes::from(parse_hex("E0 02 8E 00").unwrap());
    assert_eq!(
        Packet::decode(&taken_over, V5),
        Ok(Packet::Disconnect(Disconnect::with_reason(
            ReasonCode::SessionTakenOver
        )))
    );
    let mut expiry = Disconnect::normal();
    expiry.properties.session_expiry_interval = Some(0);
    check(V5, "E0 07 00 05 11 00 00 00 00", Packet::Disconnect(expiry));
    let mut auth = Auth {
        reason: ReasonCode::ReAuthenticate,
        properties: Properties::default(),
    };
    auth.properties.authentication_method = Some("X".into());
    check(V5, "F0 06 19 04 15 00 01 58", Packet::Auth(auth));
}

#[test]
fn malformed_headers_name_the_rule_and_offset() {
    malformed(V311, "00 00", DecodeErrorKind::InvalidPacketType(0), 0);
    malformed(V311, "F0 00", DecodeErrorKind::InvalidPacketType(15), 0);
    malformed(
        V5,
        "60 02 00 01",
        DecodeErrorKind::ReservedFlags {
            packet: PacketType::PubRel,
            flags: 0,
            expected: 2,
        },
        0,
    );
    malformed(
        V311,
        "80 08 00 01 00 03 61 2F 62 01",
        DecodeErrorKind::ReservedFlags {
            packet: PacketType::Subscribe,
            flags: 0,
            expected: 2,
        },
        0,
    );
    malformed(
        V311,
        "36 07 00 03 61 2F 62 00 01",
        DecodeErrorKind::InvalidQos(3),
        0,
    );
    malformed(V5, "C0 80 00", DecodeErrorKind::VarIntNotMinimal, 1);
    malformed(V311, "C0 80 80 80 80 01", DecodeErrorKind::VarIntTooLong, 1);
    malformed(
        V311,
        "C0 01 00",
        DecodeErrorKind::TrailingBytes {
            packet: PacketType::PingReq,
            count: 1,
        },
        2,
    );
    malformed(
        V311,
        "40 03 00 01 00",
        DecodeErrorKind::TrailingBytes {
            packet: PacketType::PubAck,
            count: 1,
        },
        4,
    );
    malformed(
        V311,
        "40 01 00",
        DecodeErrorKind::Truncated {
            field: "Packet Identifier",
        },
        2,
    );
    malformed(
        V311,
        "40 02 00",
        DecodeErrorKind::Truncated {
            field: "packet body",
        },
        3,
    );
}

#[test]
fn malformed_fields_name_the_rule_and_offset() {
    malformed(V311, "40 02 00 00", DecodeErrorKind::PacketIdZero, 2);
    malformed(
        V311,
        "32 07 00 03 61 2F 62 00 00",
        DecodeErrorKind::PacketIdZero,
        7,
    );
    malformed(
        V311,
        "30 05 00 03 61 2B 62",
        DecodeErrorKind::TopicWildcard("a+b".into()),
        2,
    );
    malformed(V311, "30 02 00 00", DecodeErrorKind::EmptyTopic, 2);
    malformed(V5, "30 03 00 00 00", DecodeErrorKind::EmptyTopic, 2);
    malformed(
        V311,
        "30 05 00 03 61 00 62",
        DecodeErrorKind::StringHasNull {
            field: "Topic Name",
        },
        5,
    );
    malformed(
        V311,
        "30 04 00 02 C3 28",
        DecodeErrorKind::StringNotUtf8 {
            field: "Topic Name",
        },
        4,
    );
    malformed(
        V311,
        "30 04 00 02 ED A0",
        DecodeErrorKind::StringNotUtf8 {
            field: "Topic Name",
        },
        4,
    );
    malformed(
        V311,
        "20 02 02 00",
        DecodeErrorKind::ConnAckReservedFlags(2),
        2,
    );
    malformed(
        V311,
        "20 02 00 06",
        DecodeErrorKind::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code: 6,
        },
        3,
    );
    malformed(
        V311,
        "20 02 01 05",
        DecodeErrorKind::SessionPresentOnRefusal,
        2,
    );
    malformed(
        V311,
        "90 03 00 01 03",
        DecodeErrorKind::InvalidReasonCode {
            packet: PacketType::SubAck,
            code: 3,
        },
        4,
    );
    malformed(
        V5,
        "40 03 00 01 11",
        DecodeErrorKind::InvalidReasonCode {
            packet: PacketType::PubAck,
            code: 0x11,
        },
        4,
    );
    malformed(
        V311,
        "82 08 00 01 00 03 61 2F 62 04",
        DecodeErrorKind::InvalidSubscriptionOptions(4),
        9,
    );
    malformed(
        V5,
        "82 09 00 01 00 00 03 61 2F 62 30",
        DecodeErrorKind::InvalidSubscriptionOptions(0x30),
        10,
    );
    malformed(
        V311,
        "82 02 00 01",
        DecodeErrorKind::EmptyPayload(PacketType::Subscribe),
        4,
    );
    malformed(
        V311,
        "10 0F 00 04 4D 51 54 53 04 02 00 3C 00 03 61 62 63",
        DecodeErrorKind::ProtocolName("MQTS".into()),
        2,
    );
    malformed(
        V311,
        "10 0F 00 04 4D 51 54 54 03 02 00 3C 00 03 61 62 63",
        DecodeErrorKind::UnsupportedProtocolLevel(3),
        8,
    );
    malformed(
        V311,
        "10 0F 00 04 4D 51 54 54 04 03 00 3C 00 03 61 62 63",
        DecodeErrorKind::ConnectReservedFlag,
        9,
    );
    malformed(
        V311,
        "10 0F 00 04 4D 51 54 54 04 0A 00 3C 00 03 61 62 63",
        DecodeErrorKind::WillFlagsWithoutWill,
        9,
    );
    malformed(
        V311,
        "10 0F 00 04 4D 51 54 54 04 42 00 3C 00 03 61 62 63",
        DecodeErrorKind::PasswordWithoutUsername,
        9,
    );
}

#[test]
fn malformed_properties_name_the_rule_and_offset() {
    // Receive Maximum in a PUBLISH.
    malformed(
        V5,
        "30 0B 00 03 61 2F 62 03 21 00 01 68 69",
        DecodeErrorKind::PropertyNotAllowed {
            property: PropertyId::ReceiveMaximum,
            context: "PUBLISH",
        },
        8,
    );
    // Message Expiry Interval twice.
    malformed(
        V5,
        "30 10 00 03 61 2F 62 0A 02 00 00 00 01 02 00 00 00 02",
        DecodeErrorKind::DuplicateProperty(PropertyId::MessageExpiryInterval),
        13,
    );
    // Unknown identifier 0x05.
    malformed(
        V5,
        "30 08 00 03 61 2F 62 02 05 00",
        DecodeErrorKind::UnknownProperty(5),
        8,
    );
    // Topic Alias 0.
    malformed(
        V5,
        "30 09 00 03 61 2F 62 03 23 00 00",
        DecodeErrorKind::InvalidPropertyValue {
            property: PropertyId::TopicAlias,
            value: 0,
        },
        9,
    );
    // Maximum QoS 2 in CONNACK.
    malformed(
        V5,
        "20 05 00 00 02 24 02",
        DecodeErrorKind::InvalidPropertyValue {
            property: PropertyId::MaximumQos,
            value: 2,
        },
        6,
    );
    // Property Length longer than the packet.
    malformed(
        V5,
        "30 08 00 03 61 2F 62 09 68 69",
        DecodeErrorKind::PropertyLength,
        7,
    );
    // A second Subscription Identifier in SUBSCRIBE.
    malformed(
        V5,
        "82 0D 00 01 04 0B 01 0B 02 00 03 61 2F 62 01",
        DecodeErrorKind::DuplicateProperty(PropertyId::SubscriptionIdentifier),
        7,
    );
}

#[test]
fn malformed_errors_map_to_disconnect_reasons() {
    let bytes = Bytes::from(parse_hex("30 08 00 03 61 2F 62 02 05 00").unwrap());
    assert_eq!(
        Packet::decode(&bytes, V5).unwrap_err().reason_code(),
        ReasonCode::MalformedPacket
    );
    // Maximum QoS 2 in CONNACK parses but is not allowed: Protocol Error.
    let bytes = Bytes::from(parse_hex("20 05 00 00 02 24 02").unwrap());
    assert_eq!(
        Packet::decode(&bytes, V5).unwrap_err().reason_code(),
        ReasonCode::ProtocolError
    );
    // Topic Alias 0 has its own code (v5 §3.3.2.3.4).
    let bytes = Bytes::from(parse_hex("30 09 00 03 61 2F 62 03 23 00 00").unwrap());
    assert_eq!(
        Packet::decode(&bytes, V5).unwrap_err().reason_code(),
        ReasonCode::TopicAliasInvalid
    );
    let error = Packet::decode(
        &Bytes::from(parse_hex("30 05 00 03 61 2B 62").unwrap()),
        V311,
    )
    .unwrap_err();
    assert!(error.to_string().contains("MQTT-3.3.2-2"), "{error}");
}

#[test]
fn invalid_packets_are_refused_at_encode() {
    let mut dup0 = publish("a/b", QosPid::AtMostOnce, b"");
    dup0.dup = true;
    assert_eq!(
        Packet::Publish(dup0).to_bytes(V311),
        Err(EncodeError::DupOnQos0)
    );
    let wildcard = Packet::Publish(publish("a/#", QosPid::AtMostOnce, b""));
    assert!(matches!(
        wildcard.to_bytes(V311),
        Err(EncodeError::Topic(_))
    ));
    let mut misplaced = publish("a/b", QosPid::AtMostOnce, b"");
    misplaced.properties.receive_maximum = NonZeroU16::new(1);
    assert!(matches!(
        Packet::Publish(misplaced.clone()).to_bytes(V5),
        Err(EncodeError::PropertyNotAllowed { .. })
    ));
    misplaced.properties = Properties::from(PropertyValues {
        message_expiry_interval: Some(1),
        ..PropertyValues::default()
    });
    assert_eq!(
        Packet::Publish(misplaced).to_bytes(V311),
        Err(EncodeError::NeedsV5("properties"))
    );
    let auth = Auth {
        reason: ReasonCode::Success,
        properties: Properties::default(),
    };
    assert_eq!(
        Packet::Auth(auth).to_bytes(V311),
        Err(EncodeError::NeedsV5("AUTH"))
    );
    let refused = Ack::with_reason(pid(1), ReasonCode::QuotaExceeded);
    assert!(Packet::PubAck(refused.clone()).to_bytes(V311).is_err());
    assert!(matches!(
        Packet::PubRel(refused).to_bytes(V5),
        Err(EncodeError::ReasonNotAllowed { .. })
    ));
    let empty = Subscribe {
        pid: pid(1),
        subscriptions: vec![],
        properties: Properties::default(),
    };
    assert_eq!(
        Packet::Subscribe(empty).to_bytes(V311),
        Err(EncodeError::EmptyPayload(PacketType::Subscribe))
    );
    let long_topic = "t".repeat(70_000);
    assert!(
        Packet::Publish(publish(&long_topic, QosPid::AtMostOnce, b""))
            .to_bytes(V311)
            .is_err()
    );
}

#[test]
fn every_first_byte_is_accepted_exactly_when_the_table_allows_it() {
    // For each of the 256 first bytes, with a body that is valid for that type where one exists:
    // the type and flags are accepted exactly when v3 Table 2.2 / v5 Table 2-2 allow them.
    for version in [V311, V5] {
        for first in 0u8..=255 {
            let kind = PacketType::from_first_byte(first, version);
            let flags = first & 0x0F;
            let header_ok = match kind {
                None => false,
                Some(PacketType::Publish) => {
                    (flags >> 1) & 0b11 != 3 && !(flags & 0b1000 != 0 && (flags >> 1) & 0b11 == 0)
                }
                Some(kind) => kind.required_flags() == Some(flags),
            };
            let bytes = Bytes::from(parse_hex(&format!("{first:02X} 00")).unwrap());
            let error = Packet::decode(&bytes, version).err();
            let header_error = matches!(
                error.as_ref().map(|e| &e.kind),
                Some(
                    DecodeErrorKind::InvalidPacketType(_)
                        | DecodeErrorKind::ReservedFlags { .. }
                        | DecodeErrorKind::InvalidQos(_)
                )
            );
            if header_ok {
                assert!(!header_error, "{first:02X} in {version}: {error:?}");
            } else if !matches!(kind, Some(PacketType::Publish)) {
                assert!(header_error, "{first:02X} in {version} should be refused");
            }
        }
    }
}

#[test]
fn annotated_decode_names_every_field_with_its_bytes() {
    let bytes = parse_hex("32 09 00 03 61 2F 62 00 01 68 69").unwrap();
    let annotated = annotate(&bytes, V311);
    let summary: Vec<(&str, usize, usize)> = annotated
        .fields
        .iter()
        .map(|field| (field.name.as_str(), field.start, field.end))
        .collect();
    assert_eq!(
        summary,
        [
            ("Packet Type", 0, 1),
            ("Flags", 0, 1),
            ("Remaining Length", 1, 2),
            ("Topic Name", 2, 7),
            ("Packet Identifier", 7, 9),
            ("Payload", 9, 11),
        ]
    );
    assert_eq!(annotated.fields[3].value, "\"a/b\" (3 bytes)");
    assert_eq!(annotated.fields[5].value, "\"hi\" (2 bytes)");

    // A malformed packet still shows what could be read, up to the error.
    let annotated = annotate(&parse_hex("30 05 00 03 61 2B 62").unwrap(), V311);
    assert!(annotated.result.is_err());
    assert_eq!(annotated.fields.len(), 4);
    assert_eq!(annotated.fields[3].value, "\"a+b\" (3 bytes)");
}

#[test]
fn decoded_payload_shares_the_frame_memory() {
    let frame = Bytes::from(parse_hex("30 07 00 03 61 2F 62 68 69").unwrap());
    let Ok(Packet::Publish(publish)) = Packet::decode(&frame, V311) else {
        panic!("not a PUBLISH");
    };
    let frame_range = frame.as_ptr() as usize..frame.as_ptr() as usize + frame.len();
    assert!(frame_range.contains(&(publish.payload.as_ptr() as usize)));
}

#[test]
fn frame_decoder_handles_any_chunking_and_refuses_oversized_packets_early() {
    let stream = parse_hex("D0 00 32 09 00 03 61 2F 62 00 01 68 69 40 02 00 01").unwrap();
    for chunk in 1..=stream.len() {
        let mut decoder = FrameDecoder::new(V311);
        let mut packets = Vec::new();
        for piece in stream.chunks(chunk) {
            decoder.push(piece);
            while let Some(frame) = decoder.next_frame().unwrap() {
                packets.push(frame.packet.packet_type());
            }
        }
        assert_eq!(
            packets,
            [
                PacketType::PingResp,
                PacketType::Publish,
                PacketType::PubAck
            ]
        );
        assert_eq!(decoder.buffered(), 0);
    }

    // A header announcing 268 MB is refused as soon as its length is known.
    let mut decoder = FrameDecoder::new(V5).with_max_packet_size(1024);
    decoder.push(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F]);
    let error = decoder.next_frame().unwrap_err();
    assert!(matches!(
        error.error.kind,
        DecodeErrorKind::PacketTooLarge { max: 1024, .. }
    ));
    decoder.push(&[0; 64]);
    assert_eq!(decoder.next_frame(), Ok(None));
    assert_eq!(decoder.buffered(), 0);
}

#[test]
fn frame_decoder_follows_the_version_of_a_decoded_connect() {
    let mut decoder = FrameDecoder::new(V311);
    decoder.push(
        &parse_hex("10 10 00 04 4D 51 54 54 05 02 00 3C 00 00 03 61 62 63 E0 01 04").unwrap(),
    );
    assert!(matches!(
        decoder.next_frame().unwrap().unwrap().packet,
        Packet::Connect(_)
    ));
    assert_eq!(decoder.version(), V5);
    let disconnect = decoder.next_frame().unwrap().unwrap().packet;
    assert_eq!(
        disconnect,
        Packet::Disconnect(Disconnect::with_reason(
            ReasonCode::DisconnectWithWillMessage
        ))
    );
}
