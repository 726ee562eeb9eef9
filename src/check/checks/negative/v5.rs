//! 5.0's own rules for what a client sends: properties where they may not be, a single-use
//! property twice, topic aliases out of range, more unacknowledged QoS 2 messages than the
//! broker's Receive Maximum, a packet over its Maximum Packet Size, a Subscription Identifier on
//! a PUBLISH, and a Will above Maximum QoS. Each is judged against what the broker declared.

use super::framing::publish;
use super::{expect_close, judge, packet, reaction, string, Expected};
use crate::check::checks::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::wire::var_int_len;
use crate::codec::{Packet, PacketType, Pid, QoS, QosPid, ReasonCode};

/// The most a test sends to go past a declared limit (unacknowledged messages, bytes): beyond
/// it, the test is skipped with the limit as the reason.
const MOST_MESSAGES: u16 = 1_000;
const MOST_BYTES: u32 = 1 << 20;

/// A QoS 0 PUBLISH of "x" to one of the check's topics with `properties` (identifier and value
/// bytes), raw, for properties the encoder keeps out.
fn publish_with(ctx: &Ctx, suffix: &str, properties: &[u8]) -> Vec<u8> {
    publish_raw(ctx.topic(suffix).as_bytes(), properties)
}

/// A QoS 0 PUBLISH of "x" to `topic` (empty: a topic alias stands for it) with `properties`.
fn publish_raw(topic: &[u8], properties: &[u8]) -> Vec<u8> {
    let mut body = string(topic);
    body.push(properties.len() as u8);
    body.extend_from_slice(properties);
    body.push(b'x');
    packet(0x30, &body)
}

/// A PUBLISH carrying Session Expiry Interval, a CONNECT and DISCONNECT property.
pub async fn property_not_allowed(ctx: &mut Ctx) -> CheckRun {
    let bytes = publish_with(ctx, "property", &[0x11, 0, 0, 0, 60]);
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A PUBLISH with the Payload Format Indicator twice.
pub async fn property_twice(ctx: &mut Ctx) -> CheckRun {
    let bytes = publish_with(ctx, "twice", &[0x01, 1, 0x01, 1]);
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// Topic Alias 0 (`above` false), or one above the declared Topic Alias Maximum (absent: 0,
/// no alias allowed).
pub async fn topic_alias(ctx: &mut Ctx, above: bool) -> CheckRun {
    let alias = if above {
        let maximum = ctx.declared().topic_alias_maximum.unwrap_or(0);
        if maximum == u16::MAX {
            return Err(Outcome::skipped(
                "the broker declares Topic Alias Maximum 65535: no alias is above it",
            ));
        }
        maximum + 1
    } else {
        0
    };
    let [high, low] = alias.to_be_bytes();
    let bytes = publish_with(ctx, "alias", &[0x23, high, low]);
    let expected = Expected::close(
        ctx,
        &[
            ReasonCode::TopicAliasInvalid,
            ReasonCode::ProtocolError,
            ReasonCode::MalformedPacket,
        ],
    );
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// One QoS 2 PUBLISH more than the declared Receive Maximum, none of them released: the broker
/// has not sent PUBCOMP for any, so the last one overruns its quota.
pub async fn receive_maximum_exceeded(ctx: &mut Ctx) -> CheckRun {
    let maximum = ctx.declared().receive_maximum.unwrap_or(u16::MAX);
    if maximum > MOST_MESSAGES {
        return Err(Outcome::skipped(format!(
            "the broker declares Receive Maximum {maximum}: going past it takes more unacknowledged messages than this check sends ({MOST_MESSAGES})"
        )));
    }
    ctx.declared().publish_qos(QoS::ExactlyOnce)?;
    let sender = ctx.open_clean("sender").await?;
    let mut messages = Vec::new();
    for id in 1..=maximum + 1 {
        let pid = Pid::new(id).unwrap_or(Pid::FIRST);
        let mut message = publish(ctx, "receive-maximum", QoS::ExactlyOnce);
        message.qos_pid = QosPid::new(QoS::ExactlyOnce, pid);
        messages.push(
            Packet::Publish(message)
                .to_bytes(ctx.version())
                .unwrap_or_default(),
        );
        // The PUBRECs answer messages our session did not send: it reads them, nothing else.
        ctx.lose_incoming(sender, PacketType::PubRec);
    }
    let mark = ctx.mark();
    for message in &messages {
        ctx.inject_bytes(sender, message);
    }
    let expected = Expected::close(
        ctx,
        &[
            ReasonCode::ReceiveMaximumExceeded,
            ReasonCode::ProtocolError,
        ],
    );
    Ok(judge(reaction(ctx, sender, mark).await, &expected))
}

/// A PUBLISH one byte over the declared Maximum Packet Size.
pub async fn packet_too_large(ctx: &mut Ctx) -> CheckRun {
    let Some(maximum) = ctx.declared().maximum_packet_size else {
        return Err(Outcome::skipped(
            "the broker declares no Maximum Packet Size: no packet is over it",
        ));
    };
    if maximum > MOST_BYTES {
        return Err(Outcome::skipped(format!(
            "the broker declares Maximum Packet Size {maximum}: a packet over it is larger than this check sends ({MOST_BYTES} bytes)"
        )));
    }
    let topic = string(ctx.topic("large").as_bytes());
    // Size = 1 + length of the Remaining Length + topic + empty property list + payload.
    let size = maximum as usize + 1;
    let Some(body) = (1..=4)
        .map(|length| size - 1 - length)
        .find(|body| var_int_len(*body as u32) == size - 1 - body)
    else {
        return Err(Outcome::broken("no packet size fits"));
    };
    let mut content = topic;
    content.push(0);
    content.resize(body, b'x');
    let bytes = packet(0x30, &content);
    let expected = Expected::close(
        ctx,
        &[ReasonCode::PacketTooLarge, ReasonCode::ProtocolError],
    );
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A PUBLISH from the client with a Subscription Identifier. The rule binds the client and the
/// spec names no answer for the server, so a broker that takes it warns.
pub async fn subscription_id_on_publish(ctx: &mut Ctx) -> CheckRun {
    let bytes = publish_with(ctx, "subscription-id", &[0x0B, 1]);
    let mut expected = Expected::malformed(ctx);
    expected.if_taken = crate::check::outcome::Verdict::Warn;
    expected
        .text
        .push_str(" (the rule binds the client; taking it is reported as a warning)");
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A CONNECT whose Will QoS is above the declared Maximum QoS: refused (CONNACK 0x9B, which the
/// spec recommends) and closed.
pub async fn will_above_maximum_qos(ctx: &mut Ctx) -> CheckRun {
    let maximum = match ctx.declared().maximum_qos {
        Some(maximum) if maximum < QoS::ExactlyOnce => maximum,
        _ => {
            return Err(Outcome::skipped(
                "the broker declares no Maximum QoS below 2: every Will QoS is within it",
            ))
        }
    };
    let text = format!(
        "the broker refuses the connection (Will QoS 2 above its Maximum QoS {}) and closes it, after CONNACK 0x9B or without one",
        maximum.as_u8()
    );
    refused_will(
        ctx,
        QoS::ExactlyOnce,
        false,
        ReasonCode::QoSNotSupported,
        text,
    )
    .await
}

/// A CONNECT with Will Retain 1 to a broker that declared Retain Available 0: refused (CONNACK
/// 0x9A Retain not supported) and closed [v5 MQTT-3.2.2-13].
pub async fn will_retain_unavailable(ctx: &mut Ctx) -> CheckRun {
    if ctx.declared().retain_available != Some(false) {
        return Err(Outcome::skipped(
            "the broker declares Retain Available 1 (or nothing): a retained Will is within it",
        ));
    }
    refused_will(
        ctx,
        QoS::AtMostOnce,
        true,
        ReasonCode::RetainNotSupported,
        "the broker refuses the connection (Will Retain 1 after Retain Available 0) and closes it, after CONNACK 0x9A or without one".into(),
    )
    .await
}

/// A CONNECT whose Will (QoS `qos`, RETAIN `retain`) goes beyond what the broker declared: the
/// connection must be refused, after CONNACK `code` or without one (`text` says so).
async fn refused_will(
    ctx: &mut Ctx,
    qos: QoS,
    retain: bool,
    code: ReasonCode,
    text: String,
) -> CheckRun {
    let mut options = ctx.options("sender");
    options.will = Some(crate::codec::Will {
        topic: ctx.topic("will"),
        payload: "will".into(),
        qos,
        retain,
        properties: Default::default(),
    });
    let sender = ctx.add("sender", options);
    let mark = ctx.mark();
    let _ = ctx.connect(sender).await;
    let mut expected = Expected::close(ctx, &[code]);
    expected.text = text;
    Ok(judge(reaction(ctx, sender, mark).await, &expected))
}

/// A topic alias set on one connection, used on the next: the mapping did not carry over
/// [v5 MQTT-3.3.2-7], so an empty topic with that alias is a Protocol Error (v5 §3.3.4).
pub async fn topic_alias_per_connection(ctx: &mut Ctx) -> CheckRun {
    if ctx.declared().topic_alias_maximum.unwrap_or(0) == 0 {
        return Err(Outcome::skipped(
            "the broker accepts no topic aliases (CONNACK Topic Alias Maximum 0)",
        ));
    }
    let alias = [0x23, 0, 1];
    let sender = ctx.open_clean("sender").await?;
    let mapped = publish_with(ctx, "alias", &alias);
    ctx.inject_bytes(sender, &mapped);
    ctx.settle(300).await;
    ctx.disconnect(sender).await;
    ctx.connect(sender)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    let mark = ctx.mark();
    ctx.inject_bytes(sender, &publish_raw(b"", &alias));
    let expected = Expected::close(
        ctx,
        &[ReasonCode::ProtocolError, ReasonCode::TopicAliasInvalid],
    );
    Ok(judge(reaction(ctx, sender, mark).await, &expected))
}

/// A PUBLISH whose User Property name (`0x26`), Content Type (`0x03`) or Response Topic
/// (`0x08`) is not well-formed UTF-8 (a lone 0xFF byte): a malformed packet, closed
/// ([v5 MQTT-1.5.7-1], [v5 MQTT-3.3.2-13], [v5 MQTT-3.3.2-19], [v5 MQTT-1.5.4-1]).
pub async fn ill_formed_property(ctx: &mut Ctx, property: u8) -> CheckRun {
    let mut properties = vec![property];
    properties.extend(string(b"\xFF"));
    if property == 0x26 {
        properties.extend(string(b"value"));
    }
    let bytes = publish_with(ctx, "utf8", &properties);
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}
