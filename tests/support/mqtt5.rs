//! Bridges to the `mqtt5-protocol` crate, an independent MQTT codec used as a reference by the
//! differential tests and as a baseline by the codec benchmark (which includes this file with
//! `#[path]`, so it must not depend on proptest).
//!
//! Its API in short: one struct per packet (`PublishPacket`, `ConnAckPacket`, ...) with public
//! fields, a `protocol_version: u8` on the packets whose layout differs between 4 and 5, the
//! `MqttPacket` trait for `encode(&mut impl BufMut)`, and for decoding `FixedHeader::decode`
//! followed by `Packet::decode_from_body_with_version(type, &header, &mut body, level)`. Its
//! `Properties` is a map from `PropertyId` to the list of values, encoded in map order.

use mqtt5_protocol as m5;

use bytes::{Bytes, BytesMut};
use m5::packet::auth::AuthPacket;
use m5::packet::connack::ConnAckPacket;
use m5::packet::connect::ConnectPacket;
use m5::packet::disconnect::DisconnectPacket;
use m5::packet::pingreq::PingReqPacket;
use m5::packet::pingresp::PingRespPacket;
use m5::packet::puback::PubAckPacket;
use m5::packet::pubcomp::PubCompPacket;
use m5::packet::publish::PublishPacket;
use m5::packet::pubrec::PubRecPacket;
use m5::packet::pubrel::PubRelPacket;
use m5::packet::suback::{SubAckPacket, SubAckReasonCode};
use m5::packet::subscribe::{
    RetainHandling as TheirRetainHandling, SubscribePacket, SubscriptionOptions as TheirOptions,
    TopicFilter,
};
use m5::packet::unsuback::{UnsubAckPacket, UnsubAckReasonCode};
use m5::packet::unsubscribe::UnsubscribePacket;
use m5::packet::MqttPacket;
use m5::{PropertyId as TheirId, PropertyValue as Value};
use qoscope::codec::{
    Packet, Properties, ProtocolVersion, QoS, ReasonCode, RetainHandling, SubscriptionOptions,
};

pub fn their_qos(qos: QoS) -> m5::QoS {
    match qos {
        QoS::AtMostOnce => m5::QoS::AtMostOnce,
        QoS::AtLeastOnce => m5::QoS::AtLeastOnce,
        QoS::ExactlyOnce => m5::QoS::ExactlyOnce,
    }
}

pub fn our_qos(qos: m5::QoS) -> QoS {
    match qos {
        m5::QoS::AtMostOnce => QoS::AtMostOnce,
        m5::QoS::AtLeastOnce => QoS::AtLeastOnce,
        m5::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

pub fn their_reason(code: ReasonCode) -> m5::ReasonCode {
    m5::ReasonCode::from_u8(code.as_u8()).expect("mqtt5-protocol knows every MQTT 5.0 code")
}

pub fn their_options(options: SubscriptionOptions) -> TheirOptions {
    TheirOptions {
        qos: their_qos(options.qos),
        no_local: options.no_local,
        retain_as_published: options.retain_as_published,
        retain_handling: match options.retain_handling {
            RetainHandling::SendAtSubscribe => TheirRetainHandling::SendAtSubscribe,
            RetainHandling::SendIfNew => TheirRetainHandling::SendAtSubscribeIfNew,
            RetainHandling::DoNotSend => TheirRetainHandling::DoNotSend,
        },
    }
}

/// Our properties as theirs, value for value.
pub fn their_properties(properties: &Properties) -> m5::Properties {
    let mut theirs = m5::Properties::new();
    let mut add = |id: TheirId, value: Value| {
        theirs
            .add(id, value)
            .expect("a valid property list converts without duplicates");
    };
    let p = properties;
    if let Some(v) = p.payload_format_indicator {
        add(TheirId::PayloadFormatIndicator, Value::Byte(u8::from(v)));
    }
    if let Some(v) = p.message_expiry_interval {
        add(TheirId::MessageExpiryInterval, Value::FourByteInteger(v));
    }
    if let Some(v) = &p.content_type {
        add(TheirId::ContentType, Value::Utf8String(v.clone()));
    }
    if let Some(v) = &p.response_topic {
        add(TheirId::ResponseTopic, Value::Utf8String(v.clone()));
    }
    if let Some(v) = &p.correlation_data {
        add(TheirId::CorrelationData, Value::BinaryData(v.clone()));
    }
    if let Some(v) = p.session_expiry_interval {
        add(TheirId::SessionExpiryInterval, Value::FourByteInteger(v));
    }
    if let Some(v) = &p.assigned_client_identifier {
        add(
            TheirId::AssignedClientIdentifier,
            Value::Utf8String(v.clone()),
        );
    }
    if let Some(v) = p.server_keep_alive {
        add(TheirId::ServerKeepAlive, Value::TwoByteInteger(v));
    }
    if let Some(v) = &p.authentication_method {
        add(TheirId::AuthenticationMethod, Value::Utf8String(v.clone()));
    }
    if let Some(v) = &p.authentication_data {
        add(TheirId::AuthenticationData, Value::BinaryData(v.clone()));
    }
    if let Some(v) = p.request_problem_information {
        add(TheirId::RequestProblemInformation, Value::Byte(u8::from(v)));
    }
    if let Some(v) = p.will_delay_interval {
        add(TheirId::WillDelayInterval, Value::FourByteInteger(v));
    }
    if let Some(v) = p.request_response_information {
        add(
            TheirId::RequestResponseInformation,
            Value::Byte(u8::from(v)),
        );
    }
    if let Some(v) = &p.response_information {
        add(TheirId::ResponseInformation, Value::Utf8String(v.clone()));
    }
    if let Some(v) = &p.server_reference {
        add(TheirId::ServerReference, Value::Utf8String(v.clone()));
    }
    if let Some(v) = &p.reason_string {
        add(TheirId::ReasonString, Value::Utf8String(v.clone()));
    }
    if let Some(v) = p.receive_maximum {
        add(TheirId::ReceiveMaximum, Value::TwoByteInteger(v.get()));
    }
    if let Some(v) = p.topic_alias_maximum {
        add(TheirId::TopicAliasMaximum, Value::TwoByteInteger(v));
    }
    if let Some(v) = p.topic_alias {
        add(TheirId::TopicAlias, Value::TwoByteInteger(v.get()));
    }
    if let Some(v) = p.maximum_qos {
        add(TheirId::MaximumQoS, Value::Byte(v.as_u8()));
    }
    if let Some(v) = p.retain_available {
        add(TheirId::RetainAvailable, Value::Byte(u8::from(v)));
    }
    if let Some(v) = p.maximum_packet_size {
        add(TheirId::MaximumPacketSize, Value::FourByteInteger(v.get()));
    }
    if let Some(v) = p.wildcard_subscription_available {
        add(
            TheirId::WildcardSubscriptionAvailable,
            Value::Byte(u8::from(v)),
        );
    }
    if let Some(v) = p.subscription_identifier_available {
        add(
            TheirId::SubscriptionIdentifierAvailable,
            Value::Byte(u8::from(v)),
        );
    }
    if let Some(v) = p.shared_subscription_available {
        add(
            TheirId::SharedSubscriptionAvailable,
            Value::Byte(u8::from(v)),
        );
    }
    for id in &p.subscription_identifiers {
        add(
            TheirId::SubscriptionIdentifier,
            Value::VariableByteInteger(id.get()),
        );
    }
    for (name, value) in &p.user_properties {
        add(
            TheirId::UserProperty,
            Value::Utf8StringPair(name.clone(), value.clone()),
        );
    }
    theirs
}

/// The same packet as an `mqtt5-protocol` value, for encoding with their code.
pub fn to_theirs(packet: &Packet, version: ProtocolVersion) -> m5::Packet {
    let level = version.level();
    match packet {
        Packet::Connect(connect) => m5::Packet::Connect(Box::new(ConnectPacket {
            protocol_version: connect.version.level(),
            clean_start: connect.clean_start,
            keep_alive: connect.keep_alive,
            client_id: connect.client_id.clone(),
            username: connect.username.clone(),
            password: connect.password.as_ref().map(|p| p.to_vec()),
            will: connect.will.as_ref().map(|will| m5::WillMessage {
                topic: will.topic.clone(),
                payload: will.payload.to_vec(),
                qos: their_qos(will.qos),
                retain: will.retain,
                // Only `will_properties` below is encoded; this typed copy is for their API users.
                properties: m5::WillProperties::default(),
            }),
            properties: their_properties(&connect.properties),
            will_properties: connect
                .will
                .as_ref()
                .map_or_else(m5::Properties::new, |will| {
                    their_properties(&will.properties)
                }),
        })),
        Packet::ConnAck(connack) => m5::Packet::ConnAck(ConnAckPacket {
            session_present: connack.session_present,
            reason_code: their_reason(connack.reason),
            properties: their_properties(&connack.properties),
            protocol_version: level,
        }),
        Packet::Publish(publish) => m5::Packet::Publish(PublishPacket {
            topic_name: publish.topic.to_string(),
            packet_id: publish.qos_pid.pid().map(|pid| pid.get()),
            payload: publish.payload.clone(),
            qos: their_qos(publish.qos()),
            retain: publish.retain,
            dup: publish.dup,
            properties: their_properties(&publish.properties),
            protocol_version: level,
            stream_id: None,
        }),
        Packet::PubAck(ack) => m5::Packet::PubAck(PubAckPacket {
            packet_id: ack.pid.get(),
            reason_code: their_reason(ack.reason),
            properties: their_properties(&ack.properties),
        }),
        Packet::PubRec(ack) => m5::Packet::PubRec(PubRecPacket {
            packet_id: ack.pid.get(),
            reason_code: their_reason(ack.reason),
            properties: their_properties(&ack.properties),
        }),
        Packet::PubRel(ack) => m5::Packet::PubRel(PubRelPacket {
            packet_id: ack.pid.get(),
            reason_code: their_reason(ack.reason),
            properties: their_properties(&ack.properties),
        }),
        Packet::PubComp(ack) => m5::Packet::PubComp(PubCompPacket {
            packet_id: ack.pid.get(),
            reason_code: their_reason(ack.reason),
            properties: their_properties(&ack.properties),
        }),
        Packet::Subscribe(subscribe) => m5::Packet::Subscribe(SubscribePacket {
            packet_id: subscribe.pid.get(),
            filters: subscribe
                .subscriptions
                .iter()
                .map(|s| TopicFilter::with_options(s.filter.clone(), their_options(s.options)))
                .collect(),
            properties: their_properties(&subscribe.properties),
            protocol_version: level,
        }),
        Packet::SubAck(suback) => m5::Packet::SubAck(SubAckPacket {
            packet_id: suback.pid.get(),
            reason_codes: suback
                .reasons
                .iter()
                .map(|code| {
                    SubAckReasonCode::from_u8(code.as_u8()).expect("a SUBACK code they know")
                })
                .collect(),
            properties: their_properties(&suback.properties),
            protocol_version: level,
        }),
        Packet::Unsubscribe(unsubscribe) => m5::Packet::Unsubscribe(UnsubscribePacket {
            packet_id: unsubscribe.pid.get(),
            filters: unsubscribe.filters.clone(),
            properties: their_properties(&unsubscribe.properties),
            protocol_version: level,
        }),
        Packet::UnsubAck(unsuback) => m5::Packet::UnsubAck(UnsubAckPacket {
            packet_id: unsuback.pid.get(),
            reason_codes: unsuback
                .reasons
                .iter()
                .map(|code| {
                    UnsubAckReasonCode::from_u8(code.as_u8()).expect("an UNSUBACK code they know")
                })
                .collect(),
            properties: their_properties(&unsuback.properties),
            protocol_version: level,
        }),
        Packet::PingReq => m5::Packet::PingReq,
        Packet::PingResp => m5::Packet::PingResp,
        Packet::Disconnect(disconnect) => m5::Packet::Disconnect(DisconnectPacket {
            reason_code: their_reason(disconnect.reason),
            properties: their_properties(&disconnect.properties),
        }),
        Packet::Auth(auth) => m5::Packet::Auth(AuthPacket {
            reason_code: their_reason(auth.reason),
            properties: their_properties(&auth.properties),
        }),
    }
}

/// Appends the packet's bytes as `mqtt5-protocol` encodes them.
pub fn encode_theirs(packet: &m5::Packet, out: &mut Vec<u8>) -> Result<(), m5::MqttError> {
    match packet {
        m5::Packet::Connect(p) => p.encode(out),
        m5::Packet::ConnAck(p) => p.encode(out),
        m5::Packet::Publish(p) => p.encode(out),
        m5::Packet::PubAck(p) => p.encode(out),
        m5::Packet::PubRec(p) => p.encode(out),
        m5::Packet::PubRel(p) => p.encode(out),
        m5::Packet::PubComp(p) => p.encode(out),
        m5::Packet::Subscribe(p) => p.encode(out),
        m5::Packet::SubAck(p) => p.encode(out),
        m5::Packet::Unsubscribe(p) => p.encode(out),
        m5::Packet::UnsubAck(p) => p.encode(out),
        m5::Packet::PingReq => PingReqPacket::default().encode(out),
        m5::Packet::PingResp => PingRespPacket::default().encode(out),
        m5::Packet::Disconnect(p) => p.encode(out),
        m5::Packet::Auth(p) => p.encode(out),
    }
}

/// Decodes exactly one packet with `mqtt5-protocol`: fixed header, then the body in the
/// protocol level of `version`. Trailing bytes after the body are an error here, as in ours.
pub fn decode_theirs(frame: &[u8], version: ProtocolVersion) -> Result<m5::Packet, String> {
    let mut buf = Bytes::copy_from_slice(frame);
    let header = m5::FixedHeader::decode(&mut buf).map_err(|e| e.to_string())?;
    if buf.len() != header.remaining_length as usize {
        return Err(format!(
            "remaining length {} but {} body bytes",
            header.remaining_length,
            buf.len()
        ));
    }
    let packet = m5::Packet::decode_from_body_with_version(
        header.packet_type,
        &header,
        &mut buf,
        version.level(),
    )
    .map_err(|e| e.to_string())?;
    if !buf.is_empty() {
        return Err(format!("{} body bytes left unread", buf.len()));
    }
    Ok(packet)
}

/// Cuts and decodes every complete packet at the front of `buffer` with `mqtt5-protocol`,
/// the same job as draining a `FrameDecoder`: peek the fixed header, wait for the whole packet,
/// split it off without copying, decode its body, hand the packet to `on_packet`. Returns how
/// many packets were decoded.
pub fn drain_theirs(
    buffer: &mut BytesMut,
    version: ProtocolVersion,
    mut on_packet: impl FnMut(m5::Packet),
) -> Result<usize, String> {
    let mut count = 0;
    loop {
        let mut peek = &buffer[..];
        if peek.len() < 2 {
            return Ok(count);
        }
        let header = match m5::FixedHeader::decode(&mut peek) {
            Ok(header) => header,
            // An incomplete Remaining Length is reported as an error; wait for more bytes.
            Err(_) if peek.is_empty() && buffer.len() < 5 => return Ok(count),
            Err(error) => return Err(error.to_string()),
        };
        let header_len = buffer.len() - peek.len();
        let total = header_len + header.remaining_length as usize;
        if buffer.len() < total {
            return Ok(count);
        }
        let mut body = buffer.split_to(total).freeze().slice(header_len..);
        let packet = m5::Packet::decode_from_body_with_version(
            header.packet_type,
            &header,
            &mut body,
            version.level(),
        )
        .map_err(|e| e.to_string())?;
        on_packet(packet);
        count += 1;
    }
}
