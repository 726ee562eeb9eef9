//! Packets whose framing breaks a rule: reserved flag bits, QoS 3, DUP on QoS 0, a Remaining
//! Length that is malformed or does not fit, packet identifier 0, a wildcard or a bad string in
//! a topic name.

use super::{expect_close, expect_close_first, marked, packet, reaction, Expected};
use crate::check::checks::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{
    Packet, Pid, Publish, QoS, QosPid, Subscribe, Subscription, SubscriptionOptions, Unsubscribe,
};

/// What breaks a string: bytes that are not UTF-8, a surrogate (U+D800), or U+0000.
pub const UTF8_FLAWS: [(&str, &[u8; 3]); 3] = [
    ("ill-formed UTF-8 (C3 28)", b"\xC3\x28A"),
    ("the surrogate U+D800 (ED A0 80)", b"\xED\xA0\x80"),
    ("U+0000", b"A\x00A"),
];

/// A PUBLISH of "x" at `qos` (packet id 1) to one of the check's topics.
pub fn publish(ctx: &Ctx, suffix: &str, qos: QoS) -> Publish {
    let qos_pid = QosPid::new(qos, Pid::FIRST);
    Publish::new(ctx.topic(suffix), qos_pid, "x")
}

pub fn subscribe(ctx: &Ctx, suffix: &str) -> Packet {
    Packet::Subscribe(Subscribe {
        pid: Pid::FIRST,
        subscriptions: vec![Subscription {
            filter: ctx.topic(suffix),
            options: SubscriptionOptions::qos(QoS::AtMostOnce),
        }],
        properties: Default::default(),
    })
}

fn unsubscribe(ctx: &Ctx, suffix: &str) -> Packet {
    Packet::Unsubscribe(Unsubscribe {
        pid: Pid::FIRST,
        filters: vec![ctx.topic(suffix)],
        properties: Default::default(),
    })
}

pub fn encoded(ctx: &Ctx, packet: &Packet) -> Vec<u8> {
    packet.to_bytes(ctx.version()).unwrap_or_default()
}

/// A packet of type `kind` with reserved flag bits of its fixed header wrong.
pub async fn reserved_flags(ctx: &mut Ctx, kind: u8) -> CheckRun {
    let expected = Expected::malformed(ctx);
    let version = ctx.version();
    let with_first = |mut bytes: Vec<u8>, first: u8| {
        bytes[0] = first;
        bytes
    };
    let bytes = match kind {
        1 => {
            let first = move |connect: &crate::codec::Connect| {
                let mut bytes = Packet::Connect(Box::new(connect.clone()))
                    .to_bytes(version)
                    .unwrap_or_default();
                bytes[0] |= 0b0001;
                bytes
            };
            return Ok(expect_close_first(ctx, first, expected).await);
        }
        4 => vec![0x42, 0x02, 0x00, 0x01],
        5 => vec![0x52, 0x02, 0x00, 0x01],
        6 => vec![0x60, 0x02, 0x00, 0x01],
        7 => vec![0x72, 0x02, 0x00, 0x01],
        8 => with_first(encoded(ctx, &subscribe(ctx, "flags")), 0x80),
        10 => with_first(encoded(ctx, &unsubscribe(ctx, "flags")), 0xA0),
        12 => vec![0xC1, 0x00],
        _ => return disconnect_with_reserved_flags(ctx).await,
    };
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A DISCONNECT with a reserved flag bit set is no normal disconnection: the broker closes the
/// connection as for any malformed packet, and so publishes the Will ([MQTT-3.1.2-8]), which
/// is what tells this apart from taking it as a DISCONNECT.
async fn disconnect_with_reserved_flags(ctx: &mut Ctx) -> CheckRun {
    let watcher = ctx.open_clean("watcher").await?;
    ctx.subscribe_one(watcher, "will", QoS::AtMostOnce).await?;
    let mut options = ctx.options("sender");
    options.will = Some(crate::codec::Will {
        topic: ctx.topic("will"),
        payload: "will".into(),
        qos: QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
    });
    let sender = ctx.open("sender", options).await?;
    let mark = ctx.mark();
    ctx.inject_bytes(sender, &[0xE1, 0x00]);
    let closed = reaction(ctx, sender, mark).await;
    let will = ctx.messages_arrive(watcher, mark, 1).await;
    let expected = "the broker closes the connection as for a malformed packet and publishes the Will, since no valid DISCONNECT came";
    Ok(match closed {
        super::Reaction::Closed(_) if will => Outcome::new(
            Verdict::Pass,
            expected,
            "closed the connection and published the Will",
        ),
        super::Reaction::Closed(_) => Outcome::new(
            Verdict::Fail,
            expected,
            "closed the connection without the Will: it took the malformed DISCONNECT as a normal one",
        ),
        super::Reaction::Took(seen) | super::Reaction::Answered(seen) => {
            Outcome::new(Verdict::Fail, expected, seen)
        }
    })
}

/// A PUBLISH with both QoS bits set.
pub async fn qos_3(ctx: &mut Ctx) -> CheckRun {
    let mut bytes = encoded(
        ctx,
        &Packet::Publish(publish(ctx, "qos3", QoS::AtLeastOnce)),
    );
    bytes[0] = 0x36;
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A QoS 0 PUBLISH with DUP 1. The rule binds the sender, so the broker may take it or close;
/// what it must not do is pass the flag on: the DUP a subscriber gets is the broker's own,
/// and a QoS 0 PUBLISH carries DUP 0.
pub async fn dup_on_qos_0(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "dup", QoS::AtMostOnce)
        .await?;
    let sender = ctx.open_clean("sender").await?;
    let mut bytes = encoded(ctx, &Packet::Publish(publish(ctx, "dup", QoS::AtMostOnce)));
    bytes[0] |= 0b1000;
    let mark = ctx.mark();
    ctx.inject_bytes(sender, &bytes);
    ctx.wait_for(super::CLOSE_WITHIN_MS, |ctx| {
        ctx.lost_since(sender, mark).is_some() || !ctx.publishes_since(subscriber, mark).is_empty()
    })
    .await;
    let expected = "either is allowed (the rule binds the sender); a copy forwarded to a subscriber carries DUP 0";
    let delivered: Vec<bool> = ctx
        .publishes_since(subscriber, mark)
        .iter()
        .map(|publish| publish.dup)
        .collect();
    Ok(
        match (ctx.lost_since(sender, mark).is_some(), delivered.as_slice()) {
            (_, [.., true]) | (_, [true, ..]) => Outcome::new(
                Verdict::Fail,
                expected,
                "forwarded it to the subscriber with DUP 1",
            ),
            (true, _) => Outcome::new(Verdict::Pass, expected, "closed the connection (allowed)"),
            (false, []) => Outcome::new(
                Verdict::Pass,
                expected,
                "took it and forwarded nothing (allowed)",
            ),
            (false, _) => Outcome::new(
                Verdict::Pass,
                expected,
                "took it and forwarded it with DUP 0",
            ),
        },
    )
}

/// A Remaining Length that is malformed (`shape` 0: five bytes), shorter than the packet's
/// fields (1), or longer than them (2).
pub async fn remaining_length(ctx: &mut Ctx, shape: u8) -> CheckRun {
    let bytes = match shape {
        // PINGREQ with a Remaining Length of 0 written in five bytes.
        0 => vec![0xC0, 0x80, 0x80, 0x80, 0x80, 0x00],
        // A PUBLISH whose Remaining Length ends inside its topic.
        1 => {
            let mut bytes = encoded(
                ctx,
                &Packet::Publish(publish(ctx, "short", QoS::AtMostOnce)),
            );
            bytes[1] = 3;
            bytes
        }
        // A SUBSCRIBE whose Remaining Length covers one byte after its last subscription:
        // too short for another topic filter's length.
        _ => {
            let mut bytes = encoded(ctx, &subscribe(ctx, "long"));
            bytes[1] += 1;
            bytes.push(0);
            bytes
        }
    };
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// Packet identifier 0 on a QoS 1 PUBLISH (`kind` 3), a SUBSCRIBE (8) or an UNSUBSCRIBE (10).
pub async fn packet_id_zero(ctx: &mut Ctx, kind: u8) -> CheckRun {
    let (mut bytes, at) = match kind {
        3 => {
            let packet = Packet::Publish(publish(ctx, "pid", QoS::AtLeastOnce));
            let bytes = encoded(ctx, &packet);
            let at = super::header_len(&bytes) + 2 + ctx.topic("pid").len();
            (bytes, at)
        }
        8 => {
            let bytes = encoded(ctx, &subscribe(ctx, "pid"));
            let at = super::header_len(&bytes);
            (bytes, at)
        }
        _ => {
            let bytes = encoded(ctx, &unsubscribe(ctx, "pid"));
            let at = super::header_len(&bytes);
            (bytes, at)
        }
    };
    bytes[at..at + 2].copy_from_slice(&[0, 0]);
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A PUBLISH to a topic name with a `+` level.
pub async fn wildcard_topic(ctx: &mut Ctx) -> CheckRun {
    let packet = Packet::Publish(publish(ctx, "wildQQQx", QoS::AtMostOnce));
    let bytes = marked(ctx, &packet, b"/+/");
    let expected = Expected::close(
        ctx,
        &[
            crate::codec::ReasonCode::TopicNameInvalid,
            crate::codec::ReasonCode::MalformedPacket,
            crate::codec::ReasonCode::ProtocolError,
        ],
    );
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A QoS 0 PUBLISH with a zero-length topic name (in 5.0 without a Topic Alias to stand for it).
pub async fn empty_topic(ctx: &mut Ctx) -> CheckRun {
    // Topic length 0, (5.0) an empty property list, then a one-byte payload.
    let body: &[u8] = if ctx.is_v5() {
        &[0, 0, 0, b'x']
    } else {
        &[0, 0, b'x']
    };
    let bytes = packet(0x30, body);
    let expected = Expected::close(
        ctx,
        &[
            crate::codec::ReasonCode::TopicNameInvalid,
            crate::codec::ReasonCode::MalformedPacket,
            crate::codec::ReasonCode::ProtocolError,
        ],
    );
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A string that breaks the UTF-8 rules (`arg` % 3 picks the flaw from [`UTF8_FLAWS`]) in the
/// field `arg` / 3 picks: a PUBLISH topic, the client id, the user name or the Will topic.
pub async fn bad_string(ctx: &mut Ctx, arg: u16) -> CheckRun {
    let (_, flaw) = UTF8_FLAWS[usize::from(arg % 3)];
    let field = arg / 3;
    let mut expected = Expected::malformed(ctx);
    if field == 0 {
        let packet = Packet::Publish(publish(ctx, "utf8-QQQ", QoS::AtMostOnce));
        let bytes = marked(ctx, &packet, flaw);
        return Ok(expect_close(ctx, &bytes, expected).await);
    }
    if ctx.is_v5() {
        // A refusal naming the field is as good as the generic codes.
        expected.codes.push(match field {
            1 => crate::codec::ReasonCode::ClientIdentifierNotValid,
            2 => crate::codec::ReasonCode::BadUserNameOrPassword,
            _ => crate::codec::ReasonCode::TopicNameInvalid,
        });
    }
    let version = ctx.version();
    let will_topic = ctx.topic("will-QQQ");
    let first = move |connect: &crate::codec::Connect| {
        let mut connect = connect.clone();
        match field {
            1 => connect.client_id.push_str("QQQ"),
            2 => connect.username = Some("qoscope-QQQ".into()),
            _ => {
                connect.will = Some(crate::codec::Will {
                    topic: will_topic,
                    payload: "will".into(),
                    qos: QoS::AtMostOnce,
                    retain: false,
                    properties: Default::default(),
                })
            }
        }
        let mut bytes = Packet::Connect(Box::new(connect))
            .to_bytes(version)
            .unwrap_or_default();
        if let Some(at) = bytes.windows(3).position(|window| window == super::MARKER) {
            bytes[at..at + 3].copy_from_slice(flaw);
        }
        bytes
    };
    Ok(expect_close_first(ctx, first, expected).await)
}
