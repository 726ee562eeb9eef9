#![cfg(not(target_arch = "wasm32"))]
//! Differential tests against `mqtt5-protocol` (0.16), an independent MQTT codec that speaks
//! both protocol level 5 and level 4 (3.1.1). Every packet type exists in both crates.
//!
//! (a) Packets we encode, it decodes to the same content, compared field by field (topic,
//!     payload, QoS, packet identifier, DUP, RETAIN, flags, filters and options, reason codes,
//!     every property).
//! (b) Packets it encodes, we decode to the same packet; where the encodings are canonical the
//!     bytes are identical too.
//! (c) For every reason-code byte in every packet that carries one, both decoders accept or
//!     refuse alike, except for the differences listed below.
//!
//! Intentional or known differences (each one is asserted below, so a change on either side
//! shows up as a test failure rather than going unnoticed):
//! - Property order: it keeps properties in a hash map and writes them in map order; we write
//!   them in identifier order. Both decoders accept any order, and the order of repeated User
//!   Properties is kept by both, so only bytes differ, and only with two or more identifiers.
//! - v5 PUBACK/PUBREC/PUBREL/PUBCOMP with a failure code and no properties: it writes an explicit
//!   Property Length of 0 (Remaining Length 4); we use the shorter form without it (Remaining
//!   Length 3, v5 §3.4.2.2.1). Each decodes the other's form.
//! - DISCONNECT 0x8C (Bad authentication method): Table 2-6 lists it for DISCONNECT, Table 3-10
//!   does not. We accept it; it refuses it when decoding (it still encodes it).
//! - v5 CONNECT with a Password but no User Name: allowed by v5 §3.1.2.9 ("This version of the
//!   protocol allows the sending of a Password with no User Name"). It refuses it when decoding
//!   in both versions; only v3 forbids it ([v3 MQTT-3.1.2-22]).
//! - AUTH: it accepts any reason code when decoding (we accept only 0x00, 0x18 and 0x19,
//!   [v5 MQTT-3.15.2-1]) and needs an Authentication Method for 0x18/0x19 on both sides.
//! - v3 CONNACK: it guesses the version from the length, so a v3 CONNACK with a v5 code
//!   (0x80..) decodes there; we refuse codes above 5 (v3 Table 3.1). v3 SUBACK: it accepts every
//!   v5 SUBACK code; we accept only 0x00, 0x01, 0x02 and 0x80 ([v3 MQTT-3.9.3-2]).
//! - It checks no property allow-list and no property value ranges, and does not refuse a
//!   wildcard in a topic name or an empty topic without a Topic Alias; it refuses DUP=1 on a
//!   QoS 0 PUBLISH, which we decode (the inspector flags it) but never encode.
//! - It also defines non-standard reason codes 0xB3-0xC1 (MQTT over QUIC); they are never valid
//!   in any packet here.

mod support;

use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use m5::{PropertyId as TheirId, PropertyValue as Value};
use mqtt5_protocol as m5;
use proptest::prelude::*;
use qoscope::codec::{
    Ack, Packet, PacketType, Properties, ProtocolVersion, QoS, ReasonCode, SubscriptionOptions,
};
use support::mqtt5::{decode_theirs, encode_theirs, our_qos, their_options, to_theirs};
use support::strategies::versioned_packet;

// ---------------------------------------------------------------------------------------------
// Field-by-field comparison of our packet with theirs
// ---------------------------------------------------------------------------------------------

fn flag(value: u8, property: TheirId) -> bool {
    match value {
        0 => false,
        1 => true,
        other => panic!("{property:?} decoded as {other}, not 0 or 1"),
    }
}

/// Their decoded properties in our representation (every identifier, every value).
fn our_properties(theirs: &m5::Properties) -> Properties {
    let mut p = Properties::default();
    // `iter` walks a hash map, but the values of one identifier keep their wire order.
    for (id, value) in theirs.iter() {
        match (id, value) {
            (TheirId::PayloadFormatIndicator, Value::Byte(v)) => {
                p.payload_format_indicator = Some(flag(*v, id));
            }
            (TheirId::MessageExpiryInterval, Value::FourByteInteger(v)) => {
                p.message_expiry_interval = Some(*v);
            }
            (TheirId::ContentType, Value::Utf8String(v)) => p.content_type = Some(v.clone()),
            (TheirId::ResponseTopic, Value::Utf8String(v)) => p.response_topic = Some(v.clone()),
            (TheirId::CorrelationData, Value::BinaryData(v)) => {
                p.correlation_data = Some(v.clone());
            }
            (TheirId::SubscriptionIdentifier, Value::VariableByteInteger(v)) => p
                .subscription_identifiers
                .push(NonZeroU32::new(*v).expect("Subscription Identifier 0")),
            (TheirId::SessionExpiryInterval, Value::FourByteInteger(v)) => {
                p.session_expiry_interval = Some(*v);
            }
            (TheirId::AssignedClientIdentifier, Value::Utf8String(v)) => {
                p.assigned_client_identifier = Some(v.clone());
            }
            (TheirId::ServerKeepAlive, Value::TwoByteInteger(v)) => {
                p.server_keep_alive = Some(*v);
            }
            (TheirId::AuthenticationMethod, Value::Utf8String(v)) => {
                p.authentication_method = Some(v.clone());
            }
            (TheirId::AuthenticationData, Value::BinaryData(v)) => {
                p.authentication_data = Some(v.clone());
            }
            (TheirId::RequestProblemInformation, Value::Byte(v)) => {
                p.request_problem_information = Some(flag(*v, id));
            }
            (TheirId::WillDelayInterval, Value::FourByteInteger(v)) => {
                p.will_delay_interval = Some(*v);
            }
            (TheirId::RequestResponseInformation, Value::Byte(v)) => {
                p.request_response_information = Some(flag(*v, id));
            }
            (TheirId::ResponseInformation, Value::Utf8String(v)) => {
                p.response_information = Some(v.clone());
            }
            (TheirId::ServerReference, Value::Utf8String(v)) => {
                p.server_reference = Some(v.clone());
            }
            (TheirId::ReasonString, Value::Utf8String(v)) => p.reason_string = Some(v.clone()),
            (TheirId::ReceiveMaximum, Value::TwoByteInteger(v)) => {
                p.receive_maximum = Some(NonZeroU16::new(*v).expect("Receive Maximum 0"));
            }
            (TheirId::TopicAliasMaximum, Value::TwoByteInteger(v)) => {
                p.topic_alias_maximum = Some(*v);
            }
            (TheirId::TopicAlias, Value::TwoByteInteger(v)) => {
                p.topic_alias = Some(NonZeroU16::new(*v).expect("Topic Alias 0"));
            }
            (TheirId::MaximumQoS, Value::Byte(v)) => {
                p.maximum_qos = Some(QoS::from_u8(*v).expect("Maximum QoS above 2"));
            }
            (TheirId::RetainAvailable, Value::Byte(v)) => {
                p.retain_available = Some(flag(*v, id));
            }
            (TheirId::MaximumPacketSize, Value::FourByteInteger(v)) => {
                p.maximum_packet_size = Some(NonZeroU32::new(*v).expect("Maximum Packet Size 0"));
            }
            (TheirId::WildcardSubscriptionAvailable, Value::Byte(v)) => {
                p.wildcard_subscription_available = Some(flag(*v, id));
            }
            (TheirId::SubscriptionIdentifierAvailable, Value::Byte(v)) => {
                p.subscription_identifier_available = Some(flag(*v, id));
            }
            (TheirId::SharedSubscriptionAvailable, Value::Byte(v)) => {
                p.shared_subscription_available = Some(flag(*v, id));
            }
            (TheirId::UserProperty, Value::Utf8StringPair(name, value)) => {
                p.user_properties.push((name.clone(), value.clone()));
            }
            (id, value) => panic!("{id:?} decoded with a value of the wrong type: {value:?}"),
        }
    }
    p
}

fn compare_ack(
    ours: &Ack,
    packet_id: u16,
    reason: m5::ReasonCode,
    properties: &m5::Properties,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(packet_id, ours.pid.get());
    prop_assert_eq!(u8::from(reason), ours.reason.as_u8());
    prop_assert_eq!(&our_properties(properties), &ours.properties);
    Ok(())
}

fn compare_options(
    ours: SubscriptionOptions,
    theirs: &m5::packet::subscribe::SubscriptionOptions,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(our_qos(theirs.qos), ours.qos);
    prop_assert_eq!(theirs.no_local, ours.no_local);
    prop_assert_eq!(theirs.retain_as_published, ours.retain_as_published);
    prop_assert_eq!(theirs.retain_handling as u8, ours.retain_handling as u8);
    prop_assert_eq!(*theirs, their_options(ours));
    Ok(())
}

/// Compares the packet we encoded with what `mqtt5-protocol` decoded from our bytes.
fn compare(ours: &Packet, theirs: &m5::Packet) -> Result<(), TestCaseError> {
    match (ours, theirs) {
        (Packet::Connect(ours), m5::Packet::Connect(theirs)) => {
            prop_assert_eq!(theirs.protocol_version, ours.version.level());
            prop_assert_eq!(&theirs.client_id, &ours.client_id);
            prop_assert_eq!(theirs.clean_start, ours.clean_start);
            prop_assert_eq!(theirs.keep_alive, ours.keep_alive);
            prop_assert_eq!(&theirs.username, &ours.username);
            prop_assert_eq!(
                theirs.password.as_deref(),
                ours.password.as_ref().map(|p| &p[..])
            );
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
            prop_assert_eq!(theirs.will.is_some(), ours.will.is_some());
            if let (Some(their_will), Some(our_will)) = (&theirs.will, &ours.will) {
                prop_assert_eq!(&their_will.topic, &our_will.topic);
                prop_assert_eq!(&their_will.payload[..], &our_will.payload[..]);
                prop_assert_eq!(our_qos(their_will.qos), our_will.qos);
                prop_assert_eq!(their_will.retain, our_will.retain);
                prop_assert_eq!(
                    &our_properties(&theirs.will_properties),
                    &our_will.properties
                );
                // Their typed view of the Will properties agrees too.
                let typed = &their_will.properties;
                let expected = &our_will.properties;
                prop_assert_eq!(typed.will_delay_interval, expected.will_delay_interval);
                prop_assert_eq!(
                    typed.payload_format_indicator,
                    expected.payload_format_indicator
                );
                prop_assert_eq!(
                    typed.message_expiry_interval,
                    expected.message_expiry_interval
                );
                prop_assert_eq!(&typed.content_type, &expected.content_type);
                prop_assert_eq!(&typed.response_topic, &expected.response_topic);
                prop_assert_eq!(
                    typed.correlation_data.as_deref(),
                    expected.correlation_data.as_deref()
                );
                prop_assert_eq!(&typed.user_properties, &expected.user_properties);
            } else {
                prop_assert!(theirs.will_properties.is_empty());
            }
        }
        (Packet::ConnAck(ours), m5::Packet::ConnAck(theirs)) => {
            prop_assert_eq!(theirs.session_present, ours.session_present);
            prop_assert_eq!(u8::from(theirs.reason_code), ours.reason.as_u8());
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::Publish(ours), m5::Packet::Publish(theirs)) => {
            prop_assert_eq!(theirs.topic_name.as_str(), ours.topic.as_str());
            prop_assert_eq!(&theirs.payload, &ours.payload);
            prop_assert_eq!(our_qos(theirs.qos), ours.qos());
            prop_assert_eq!(theirs.packet_id, ours.qos_pid.pid().map(|pid| pid.get()));
            prop_assert_eq!(theirs.dup, ours.dup);
            prop_assert_eq!(theirs.retain, ours.retain);
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
            prop_assert_eq!(
                theirs.topic_alias(),
                ours.properties.topic_alias.map(|a| a.get())
            );
            prop_assert_eq!(
                theirs.message_expiry_interval(),
                ours.properties.message_expiry_interval
            );
        }
        (Packet::PubAck(ours), m5::Packet::PubAck(t)) => {
            compare_ack(ours, t.packet_id, t.reason_code, &t.properties)?;
        }
        (Packet::PubRec(ours), m5::Packet::PubRec(t)) => {
            compare_ack(ours, t.packet_id, t.reason_code, &t.properties)?;
        }
        (Packet::PubRel(ours), m5::Packet::PubRel(t)) => {
            compare_ack(ours, t.packet_id, t.reason_code, &t.properties)?;
        }
        (Packet::PubComp(ours), m5::Packet::PubComp(t)) => {
            compare_ack(ours, t.packet_id, t.reason_code, &t.properties)?;
        }
        (Packet::Subscribe(ours), m5::Packet::Subscribe(theirs)) => {
            prop_assert_eq!(theirs.packet_id, ours.pid.get());
            prop_assert_eq!(theirs.filters.len(), ours.subscriptions.len());
            for (their_filter, subscription) in theirs.filters.iter().zip(&ours.subscriptions) {
                prop_assert_eq!(&their_filter.filter, &subscription.filter);
                compare_options(subscription.options, &their_filter.options)?;
            }
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::SubAck(ours), m5::Packet::SubAck(theirs)) => {
            prop_assert_eq!(theirs.packet_id, ours.pid.get());
            let codes: Vec<u8> = theirs.reason_codes.iter().map(|&c| c as u8).collect();
            let expected: Vec<u8> = ours.reasons.iter().map(|c| c.as_u8()).collect();
            prop_assert_eq!(codes, expected);
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::Unsubscribe(ours), m5::Packet::Unsubscribe(theirs)) => {
            prop_assert_eq!(theirs.packet_id, ours.pid.get());
            prop_assert_eq!(&theirs.filters, &ours.filters);
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::UnsubAck(ours), m5::Packet::UnsubAck(theirs)) => {
            prop_assert_eq!(theirs.packet_id, ours.pid.get());
            let codes: Vec<u8> = theirs.reason_codes.iter().map(|&c| c as u8).collect();
            let expected: Vec<u8> = ours.reasons.iter().map(|c| c.as_u8()).collect();
            prop_assert_eq!(codes, expected);
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::PingReq, m5::Packet::PingReq) | (Packet::PingResp, m5::Packet::PingResp) => {}
        (Packet::Disconnect(ours), m5::Packet::Disconnect(theirs)) => {
            prop_assert_eq!(u8::from(theirs.reason_code), ours.reason.as_u8());
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
        }
        (Packet::Auth(ours), m5::Packet::Auth(theirs)) => {
            prop_assert_eq!(u8::from(theirs.reason_code), ours.reason.as_u8());
            prop_assert_eq!(&our_properties(&theirs.properties), &ours.properties);
            prop_assert_eq!(
                theirs.authentication_method(),
                ours.properties.authentication_method.as_deref()
            );
        }
        (ours, theirs) => {
            prop_assert!(
                false,
                "{} decoded as {}",
                ours.packet_type(),
                theirs.packet_type_name()
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Known differences
// ---------------------------------------------------------------------------------------------

/// Valid packets of ours that `mqtt5-protocol` refuses to decode (see the module docs).
fn they_refuse(packet: &Packet) -> Option<&'static str> {
    match packet {
        Packet::Disconnect(d) if d.reason == ReasonCode::BadAuthenticationMethod => {
            Some("DISCONNECT 0x8C is missing from their DISCONNECT list")
        }
        Packet::Connect(c) if c.password.is_some() && c.username.is_none() => {
            Some("they refuse a password without a user name in v5 too")
        }
        _ => None,
    }
}

/// Why their bytes may differ from ours for the same packet.
#[derive(Debug, PartialEq)]
enum ByteDifference {
    /// Two or more property identifiers in one list: their order is their hash map's.
    PropertyOrder,
    /// A v5 acknowledgment with a failure code and no properties: they add `00`.
    EmptyPropertyLength,
}

fn bytes_may_differ(packet: &Packet, version: ProtocolVersion) -> Option<ByteDifference> {
    fn distinct_ids(properties: &Properties) -> usize {
        support::strategies::present(properties).len()
    }
    let lists: Vec<&Properties> = match packet {
        Packet::Connect(c) => {
            let mut lists = vec![&c.properties];
            lists.extend(c.will.as_ref().map(|w| &w.properties));
            lists
        }
        Packet::ConnAck(p) => vec![&p.properties],
        Packet::Publish(p) => vec![&p.properties],
        Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
            if version == ProtocolVersion::V5
                && p.reason != ReasonCode::Success
                && p.properties.is_empty()
            {
                return Some(ByteDifference::EmptyPropertyLength);
            }
            vec![&p.properties]
        }
        Packet::Subscribe(p) => vec![&p.properties],
        Packet::SubAck(p) => vec![&p.properties],
        Packet::Unsubscribe(p) => vec![&p.properties],
        Packet::UnsubAck(p) => vec![&p.properties],
        Packet::Disconnect(p) => vec![&p.properties],
        Packet::Auth(p) => vec![&p.properties],
        Packet::PingReq | Packet::PingResp => Vec::new(),
    };
    if lists.into_iter().any(|p| distinct_ids(p) > 1) {
        Some(ByteDifference::PropertyOrder)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// (a) and (b)
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(support::config(2000))]

    /// (a) Our bytes, their decoder: same content.
    #[test]
    fn packets_we_encode_decode_to_the_same_content_in_mqtt5_protocol(
        (version, packet) in versioned_packet(),
    ) {
        let bytes = packet.to_bytes(version).expect("valid packets encode");
        match decode_theirs(&bytes, version) {
            Ok(theirs) => {
                prop_assert!(they_refuse(&packet).is_none(), "expected a refusal, got {:?}", theirs);
                compare(&packet, &theirs)?;
            }
            Err(error) => prop_assert!(
                they_refuse(&packet).is_some(),
                "mqtt5-protocol refused {:02X?}: {}",
                bytes,
                error
            ),
        }
    }

    /// (b) Their bytes, our decoder: the same packet, and the same bytes where the encodings
    /// are canonical.
    #[test]
    fn packets_mqtt5_protocol_encodes_decode_to_the_same_packet_here(
        (version, packet) in versioned_packet(),
    ) {
        let mut theirs = Vec::new();
        encode_theirs(&to_theirs(&packet, version), &mut theirs)
            .map_err(|e| TestCaseError::fail(format!("mqtt5-protocol refused to encode: {e}")))?;
        let decoded = Packet::decode(&Bytes::from(theirs.clone()), version);
        prop_assert_eq!(decoded.as_ref(), Ok(&packet), "their bytes {:02X?}", theirs);

        let ours = packet.to_bytes(version).expect("valid packets encode");
        match bytes_may_differ(&packet, version) {
            None => prop_assert_eq!(&theirs, &ours),
            Some(ByteDifference::PropertyOrder) => prop_assert_eq!(theirs.len(), ours.len()),
            Some(ByteDifference::EmptyPropertyLength) => {
                // Same first byte and body, Remaining Length one more, then the extra `00`.
                prop_assert_eq!(theirs.len(), ours.len() + 1);
                prop_assert_eq!(theirs[0], ours[0]);
                prop_assert_eq!(&theirs[2..ours.len()], &ours[2..]);
                prop_assert_eq!(theirs.last(), Some(&0));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (c) Reason codes, byte by byte
// ---------------------------------------------------------------------------------------------

fn accepted_by_us(bytes: &[u8], version: ProtocolVersion) -> bool {
    Packet::decode(&Bytes::copy_from_slice(bytes), version).is_ok()
}

fn accepted_by_them(bytes: &[u8], version: ProtocolVersion) -> bool {
    decode_theirs(bytes, version).is_ok()
}

/// A one-code packet of each kind, with `code` as its reason or return code.
type Template = fn(u8) -> Vec<u8>;

const TEMPLATES: &[(&str, ProtocolVersion, Template)] = &[
    // Session Present 0, code, empty property list.
    ("CONNACK v5", ProtocolVersion::V5, |c| {
        vec![0x20, 0x03, 0x00, c, 0x00]
    }),
    ("CONNACK v3", ProtocolVersion::V311, |c| {
        vec![0x20, 0x02, 0x00, c]
    }),
    // Packet identifier 1, code (short form without properties).
    ("PUBACK v5", ProtocolVersion::V5, |c| {
        vec![0x40, 0x03, 0x00, 0x01, c]
    }),
    ("PUBREC v5", ProtocolVersion::V5, |c| {
        vec![0x50, 0x03, 0x00, 0x01, c]
    }),
    ("PUBREL v5", ProtocolVersion::V5, |c| {
        vec![0x62, 0x03, 0x00, 0x01, c]
    }),
    ("PUBCOMP v5", ProtocolVersion::V5, |c| {
        vec![0x70, 0x03, 0x00, 0x01, c]
    }),
    // Packet identifier 1, empty property list, one code.
    ("SUBACK v5", ProtocolVersion::V5, |c| {
        vec![0x90, 0x04, 0x00, 0x01, 0x00, c]
    }),
    ("SUBACK v3", ProtocolVersion::V311, |c| {
        vec![0x90, 0x03, 0x00, 0x01, c]
    }),
    ("UNSUBACK v5", ProtocolVersion::V5, |c| {
        vec![0xB0, 0x04, 0x00, 0x01, 0x00, c]
    }),
    // Reason only.
    ("DISCONNECT v5", ProtocolVersion::V5, |c| {
        vec![0xE0, 0x01, c]
    }),
    // Reason, then Authentication Method "m1" (needed for 0x18/0x19).
    ("AUTH v5", ProtocolVersion::V5, |c| {
        vec![0xF0, 0x07, c, 0x05, 0x15, 0x00, 0x02, b'm', b'1']
    }),
];

/// The documented disagreements, as (ours accepts, theirs accepts); `None` where both agree.
fn documented_difference(template: &str, code: u8) -> Option<(bool, bool)> {
    let allowed_in = |packet| ReasonCode::from_u8(code).is_some_and(|c| c.allowed_in(packet));
    match template {
        // Their v3 CONNACK decode falls back to v5 codes for bytes above 5.
        "CONNACK v3" if code > 5 && allowed_in(PacketType::ConnAck) => Some((false, true)),
        // Their v3 SUBACK takes every v5 SUBACK code.
        "SUBACK v3" if allowed_in(PacketType::SubAck) && !matches!(code, 0x00..=0x02 | 0x80) => {
            Some((false, true))
        }
        // Table 2-6 vs Table 3-10.
        "DISCONNECT v5" if code == 0x8C => Some((true, false)),
        // Their AUTH takes any code they define.
        "AUTH v5" if m5::ReasonCode::from_u8(code).is_some() && !allowed_in(PacketType::Auth) => {
            Some((false, true))
        }
        _ => None,
    }
}

#[test]
fn reason_code_acceptance_matches_mqtt5_protocol_except_documented_differences() {
    let mut surprises = Vec::new();
    for &(name, version, template) in TEMPLATES {
        for code in 0..=u8::MAX {
            let bytes = template(code);
            let observed = (
                accepted_by_us(&bytes, version),
                accepted_by_them(&bytes, version),
            );
            let expected = documented_difference(name, code).unwrap_or((observed.0, observed.0));
            if observed != expected {
                surprises.push(format!(
                    "{name} 0x{code:02X}: (ours, theirs) accept {observed:?}, expected {expected:?}"
                ));
            }
        }
    }
    assert!(surprises.is_empty(), "{surprises:#?}");
}

/// The remaining documented differences, one example each.
#[test]
fn documented_leniency_differences_still_hold() {
    let v5 = ProtocolVersion::V5;
    let cases: &[(&str, &[u8], ProtocolVersion, bool, bool)] = &[
        // PUBLISH DUP=1 QoS 0, topic "t", no properties.
        (
            "DUP on QoS 0",
            &[0x38, 0x04, 0x00, 0x01, b't', 0x00],
            v5,
            true,
            false,
        ),
        // PUBLISH with topic "a/+".
        (
            "wildcard in topic name",
            &[0x30, 0x06, 0x00, 0x03, b'a', b'/', b'+', 0x00],
            v5,
            false,
            true,
        ),
        // PUBLISH with an empty topic and no Topic Alias.
        (
            "empty topic without alias",
            &[0x30, 0x03, 0x00, 0x00, 0x00],
            v5,
            false,
            true,
        ),
        // PUBLISH carrying Session Expiry Interval (not allowed in PUBLISH).
        (
            "property not allowed in the packet",
            &[
                0x30, 0x09, 0x00, 0x01, b't', 0x05, 0x11, 0x00, 0x00, 0x00, 0x01,
            ],
            v5,
            false,
            true,
        ),
        // PUBLISH with Payload Format Indicator 2.
        (
            "property value out of range",
            &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x01, 0x02],
            v5,
            false,
            true,
        ),
        // v5 CONNECT, flags: password only; client id "c", password "p".
        (
            "v5 password without user name",
            &[
                0x10, 0x11, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x42, 0x00, 0x3C, 0x00, 0x00,
                0x01, b'c', 0x00, 0x01, b'p',
            ],
            v5,
            true,
            false,
        ),
    ];
    for &(name, bytes, version, ours, theirs) in cases {
        assert_eq!(accepted_by_us(bytes, version), ours, "{name}: ours");
        assert_eq!(accepted_by_them(bytes, version), theirs, "{name}: theirs");
    }
}
