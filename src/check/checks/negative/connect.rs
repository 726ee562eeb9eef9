//! CONNECT that breaks a rule, and the order of packets around it: a packet before CONNECT, a
//! second CONNECT, a wrong protocol name or level, the reserved flag, Will QoS 3, and a
//! zero-length client id with clean session 0 in 3.1.1.

use super::{expect_close_first, header_len, Expected};
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, Mark};
use crate::check::outcome::Verdict;
use crate::codec::{Connect, Packet, ProtocolVersion, QoS, ReasonCode};
use crate::trace::Direction;

/// The session's CONNECT, encoded and changed by `change`.
fn changed(
    version: ProtocolVersion,
    connect: &Connect,
    change: impl FnOnce(&mut Connect),
) -> Vec<u8> {
    let mut connect = connect.clone();
    change(&mut connect);
    Packet::Connect(Box::new(connect))
        .to_bytes(version)
        .unwrap_or_default()
}

/// Offsets in an encoded CONNECT after its fixed header: "MQTT" (with its length) takes six
/// bytes, then the protocol level, then the connect flags.
const LEVEL_AT: usize = 6;
const FLAGS_AT: usize = 7;

/// A PINGREQ as the first packet.
pub async fn packet_before_connect(ctx: &mut Ctx) -> CheckRun {
    let expected = Expected::close(ctx, &[]);
    Ok(expect_close_first(ctx, |_| vec![0xC0, 0x00], expected).await)
}

/// The client's CONNECT again, on the connection it opened.
pub async fn second_connect(ctx: &mut Ctx) -> CheckRun {
    let client = ctx.open_clean("sender").await?;
    let first = ctx
        .records_since(client, Mark::default(), Direction::Outgoing)
        .find(|record| matches!(record.packet, Ok(Packet::Connect(_))))
        .map(|record| record.raw.to_vec())
        .unwrap_or_default();
    let mark = ctx.mark();
    ctx.inject_bytes(client, &first);
    let expected = Expected::close(ctx, &[ReasonCode::ProtocolError]);
    Ok(super::judge(
        super::reaction(ctx, client, mark).await,
        &expected,
    ))
}

/// The protocol name "MQTX" instead of "MQTT".
pub async fn protocol_name(ctx: &mut Ctx) -> CheckRun {
    let version = ctx.version();
    let first = move |connect: &Connect| {
        let mut bytes = changed(version, connect, |_| {});
        let at = header_len(&bytes) + 5;
        bytes[at] = b'X';
        bytes
    };
    let mut expected = Expected::close(ctx, &[ReasonCode::UnsupportedProtocolVersion]);
    expected.codes = vec![ReasonCode::UnsupportedProtocolVersion];
    expected.version = version;
    expected.text = "the broker closes the connection (it may first answer CONNACK 0x84, 3.1.1: 0x01); it must not accept it as MQTT".into();
    Ok(expect_close_first(ctx, first, expected).await)
}

/// Protocol level 6, which no MQTT version has.
pub async fn protocol_level(ctx: &mut Ctx) -> CheckRun {
    let version = ctx.version();
    let first = move |connect: &Connect| {
        let mut bytes = changed(version, connect, |_| {});
        let at = header_len(&bytes) + LEVEL_AT;
        bytes[at] = 6;
        bytes
    };
    let expected = match version {
        ProtocolVersion::V311 => Expected {
            text: "CONNACK 0x01 (unacceptable protocol level), then the connection closed".into(),
            codes: vec![ReasonCode::UnsupportedProtocolVersion],
            code_required: true,
            version,
            if_taken: Verdict::Fail,
        },
        ProtocolVersion::V5 => Expected {
            text: "the broker closes the connection, after CONNACK 0x84 (or 3.1.1's 0x01) or without one".into(),
            codes: vec![ReasonCode::UnsupportedProtocolVersion],
            code_required: false,
            version,
            if_taken: Verdict::Fail,
        },
    };
    Ok(expect_close_first(ctx, first, expected).await)
}

/// The reserved bit 0 of the connect flags set.
pub async fn reserved_flag(ctx: &mut Ctx) -> CheckRun {
    let version = ctx.version();
    let first = move |connect: &Connect| {
        let mut bytes = changed(version, connect, |_| {});
        let at = header_len(&bytes) + FLAGS_AT;
        bytes[at] |= 0b0000_0001;
        bytes
    };
    let expected = Expected::malformed(ctx);
    Ok(expect_close_first(ctx, first, expected).await)
}

/// A Will with QoS 3.
pub async fn will_qos_3(ctx: &mut Ctx) -> CheckRun {
    let version = ctx.version();
    let topic = ctx.topic("will");
    let first = move |connect: &Connect| {
        let mut bytes = changed(version, connect, |connect| {
            connect.will = Some(crate::codec::Will {
                topic,
                payload: "will".into(),
                qos: QoS::AtLeastOnce,
                retain: false,
                properties: Default::default(),
            });
        });
        let at = header_len(&bytes) + FLAGS_AT;
        bytes[at] |= 0b0001_1000;
        bytes
    };
    let expected = Expected::malformed(ctx);
    Ok(expect_close_first(ctx, first, expected).await)
}

/// 3.1.1: a zero-length client id with clean session 0 gets CONNACK 0x02.
pub async fn empty_client_id_without_clean_session(ctx: &mut Ctx) -> CheckRun {
    let version = ctx.version();
    let first = move |connect: &Connect| {
        changed(version, connect, |connect| {
            connect.client_id.clear();
            connect.clean_start = false;
        })
    };
    let expected = Expected {
        text: "CONNACK 0x02 (identifier rejected), then the connection closed".into(),
        codes: vec![ReasonCode::ClientIdentifierNotValid],
        code_required: true,
        version,
        if_taken: Verdict::Fail,
    };
    Ok(expect_close_first(ctx, first, expected).await)
}
