//! MQTT 5.0 features: flow control, topic aliases, expiry, reason codes, subscription options
//! and identifiers.

use std::num::{NonZeroU16, NonZeroU32};

use super::{describe, CheckRun};
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{
    Packet, PacketType, Pid, Properties, Publish, QoS, QosPid, ReasonCode, RetainHandling,
    SubscriptionOptions,
};
use crate::session::{LostCause, PublishRequest};

/// The broker sends no more unacknowledged QoS 1 messages than our Receive Maximum.
pub async fn receive_maximum(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("slow");
    options.properties.receive_maximum = NonZeroU16::new(2);
    let slow = ctx.open("slow", options).await?;
    ctx.subscribe_one(slow, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    for _ in 0..5 {
        ctx.withhold_next(slow, PacketType::PubAck);
    }
    let mark = ctx.mark();
    for index in 0..5 {
        let flow = ctx.publish_to(publisher, "t", &index.to_string(), QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.settle(1_000).await;
    let got = ctx.publishes_since(slow, mark).len();
    Ok(Outcome::judge(
        (1..=2).contains(&got),
        "with Receive Maximum 2 and no PUBACK sent: at most 2 of 5 QoS 1 messages sent",
        format!("{got} sent before any PUBACK"),
    ))
}

/// Topic aliases both ways: ours are understood, and the broker's (if it uses them) resolve.
pub async fn topic_alias(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("subscriber");
    options.properties.topic_alias_maximum = Some(10);
    let subscriber = ctx.open("subscriber", options).await?;
    ctx.subscribe_one(subscriber, "alias", QoS::AtLeastOnce)
        .await?;
    let mut options = ctx.options("publisher");
    options.auto_topic_alias = true;
    let (publisher, connected) = ctx.open_for_connack("publisher", options).await?;
    if connected.properties.topic_alias_maximum.unwrap_or(0) == 0 {
        return Ok(Outcome::skipped(
            "the broker accepts no topic aliases (CONNACK Topic Alias Maximum 0)",
        ));
    }
    let mark = ctx.mark();
    for index in 0..3 {
        let flow = ctx.publish_to(
            publisher,
            "alias",
            &index.to_string(),
            QoS::AtLeastOnce,
            false,
        )?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.messages_arrive(subscriber, mark, 3).await;
    let aliased_out = ctx
        .sent_since(publisher, mark)
        .filter(|packet| matches!(packet, crate::codec::Packet::Publish(publish) if publish.topic.is_empty()))
        .count();
    let aliased_in = ctx
        .publishes_since(subscriber, mark)
        .iter()
        .filter(|publish| publish.properties.topic_alias.is_some())
        .count();
    let topic = ctx.topic("alias");
    let right = ctx
        .messages_since(subscriber, mark)
        .iter()
        .filter(|message| message.topic.as_str() == topic)
        .count();
    Ok(Outcome::judge(
        right == 3 && aliased_out >= 2,
        "3 messages, the last 2 sent with an alias and an empty topic, all delivered under the full topic",
        format!(
            "{aliased_out} sent by alias; {right} of 3 delivered under the full topic; the broker used aliases on {aliased_in} deliveries to us"
        ),
    ))
}

/// A message that expires while its subscriber is away is not delivered; one that does not
/// carries the remaining lifetime.
pub async fn message_expiry(ctx: &mut Ctx) -> CheckRun {
    let away = ctx.open_persistent("away").await?;
    ctx.subscribe_one(away, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(away).await;
    let publisher = ctx.open_clean("publisher").await?;
    for (payload, seconds) in [("short", 1), ("long", 60)] {
        let mut request = PublishRequest::new(ctx.topic("t"), payload, QoS::AtLeastOnce);
        request.properties.message_expiry_interval = Some(seconds);
        let flow = ctx.publish(publisher, request)?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.settle(2_500).await;
    let mark = ctx.mark();
    ctx.connect(away)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    ctx.publish_arrives(away, mark).await;
    ctx.settle(300).await;
    let got = ctx.publishes_since(away, mark);
    let long_ok = got.len() == 1
        && &got[0].payload[..] == b"long"
        && got[0]
            .properties
            .message_expiry_interval
            .is_some_and(|left| left < 60);
    Ok(Outcome::judge(
        long_ok,
        "after 2.5 s away: \"short\" (expiry 1 s) dropped; \"long\" (60 s) delivered with less than 60 s left",
        format!(
            "{}; expiry left {:?}",
            describe(&got),
            got.iter()
                .map(|publish| publish.properties.message_expiry_interval)
                .collect::<Vec<_>>()
        ),
    ))
}

/// A QoS 1 publish nobody subscribed to: PUBACK 0x10 No matching subscribers.
pub async fn no_subscribers(ctx: &mut Ctx) -> CheckRun {
    let publisher = ctx.open_clean("publisher").await?;
    let flow = ctx.publish_to(publisher, "nobody", "anyone?", QoS::AtLeastOnce, false)?;
    let reason = ctx.completed(publisher, flow).await?;
    let expected = "PUBACK 0x10 No matching subscribers";
    Ok(match reason {
        ReasonCode::NoMatchingSubscribers => {
            Outcome::new(Verdict::Pass, expected, format!("PUBACK {reason}"))
        }
        _ => Outcome::new(
            Verdict::Warn,
            expected,
            format!("PUBACK {reason} (allowed: the code is optional)"),
        ),
    })
}

/// No Local: a client does not get its own publications back.
pub async fn no_local(ctx: &mut Ctx) -> CheckRun {
    let own = ctx.open_clean("own").await?;
    let mut no_local = SubscriptionOptions::qos(QoS::AtLeastOnce);
    no_local.no_local = true;
    let filter = ctx.topic("t");
    ctx.subscribe_with(own, filter, no_local).await?;
    let other = ctx.open_clean("other").await?;
    ctx.subscribe_one(other, "t", QoS::AtLeastOnce).await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(own, "t", "mine", QoS::AtLeastOnce, false)?;
    ctx.completed(own, flow).await?;
    ctx.publish_arrives(other, mark).await;
    ctx.settle(300).await;
    let back = ctx.publishes_since(own, mark);
    let elsewhere = ctx.publishes_since(other, mark).len();
    Ok(Outcome::judge(
        back.is_empty() && elsewhere == 1,
        "the publisher (No Local 1) gets nothing back; another subscriber gets the message",
        format!(
            "publisher got {}; other subscriber got {elsewhere}",
            describe(&back)
        ),
    ))
}

/// Retain As Published keeps RETAIN 1 on live deliveries; without it RETAIN is 0.
pub async fn retain_as_published(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let keeps = ctx.open_clean("keeps").await?;
    let mut rap = SubscriptionOptions::qos(QoS::AtLeastOnce);
    rap.retain_as_published = true;
    let filter = ctx.topic("r");
    ctx.subscribe_with(keeps, filter, rap).await?;
    let clears = ctx.open_clean("clears").await?;
    ctx.subscribe_one(clears, "r", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "r", "as published", QoS::AtLeastOnce, true)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let kept = ctx.publishes_since(keeps, mark);
    let cleared = ctx.publishes_since(clears, mark);
    Ok(Outcome::judge(
        kept.len() == 1 && kept[0].retain && cleared.len() == 1 && !cleared[0].retain,
        "Retain As Published 1: RETAIN 1; Retain As Published 0: RETAIN 0",
        format!("RAP 1: {}; RAP 0: {}", describe(&kept), describe(&cleared)),
    ))
}

/// Retain Handling: 0 sends retained messages at every subscribe, 1 only for a new
/// subscription, 2 never.
pub async fn retain_handling(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    let flow = ctx.publish_to(publisher, "r", "stored", QoS::AtLeastOnce, true)?;
    ctx.completed(publisher, flow).await?;
    let subscriber = ctx.open_clean("subscriber").await?;
    let filter = ctx.topic("r");
    let mut counts = Vec::new();
    for handling in [
        RetainHandling::DoNotSend,
        RetainHandling::SendIfNew,
        RetainHandling::SendIfNew,
        RetainHandling::SendAtSubscribe,
    ] {
        if counts.len() == 1 {
            // The second step needs the subscription new again.
            let _ = ctx.unsubscribe(subscriber, filter.clone()).await;
        }
        let mut options = SubscriptionOptions::qos(QoS::AtLeastOnce);
        options.retain_handling = handling;
        let mark = ctx.mark();
        ctx.subscribe_with(subscriber, filter.clone(), options)
            .await?;
        ctx.settle(300).await;
        counts.push(ctx.publishes_since(subscriber, mark).len());
    }
    Ok(Outcome::judge(
        counts == [0, 1, 0, 1],
        "retained messages sent: RH 2 new → 0, RH 1 new → 1, RH 1 again → 0, RH 0 again → 1",
        format!("sent {counts:?}"),
    ))
}

/// Subscription Identifiers come back on the messages they matched.
pub async fn subscription_identifiers(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().subscription_identifiers()?;
    ctx.declared().wildcards()?;
    let subscriber = ctx.open_clean("subscriber").await?;
    for (filter, id) in [("s/#", 7), ("s/a", 9)] {
        let mut properties = Properties::default();
        properties.subscription_identifiers = vec![NonZeroU32::new(id).unwrap_or(NonZeroU32::MIN)];
        let filter = ctx.topic(filter);
        ctx.subscribe(
            subscriber,
            vec![(filter, SubscriptionOptions::qos(QoS::AtLeastOnce))],
            properties,
        )
        .await?;
    }
    let publisher = ctx.open_clean("publisher").await?;
    let ids_for = |ctx: &Ctx, mark| -> Vec<u32> {
        let mut ids: Vec<u32> = ctx
            .publishes_since(subscriber, mark)
            .iter()
            .flat_map(|publish| {
                publish
                    .properties
                    .subscription_identifiers
                    .iter()
                    .map(|id| id.get())
            })
            .collect();
        ids.sort_unstable();
        ids
    };
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "s/a", "both", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let both = ids_for(ctx, mark);
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "s/b", "one", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let one = ids_for(ctx, mark);
    Ok(Outcome::judge(
        both == [7, 9] && one == [7],
        "s/a (matches s/# id 7 and s/a id 9) carries 7 and 9; s/b carries 7",
        format!("s/a carried {both:?}; s/b carried {one:?}"),
    ))
}

/// A SUBSCRIBE to a filter already subscribed replaces that subscription, its Subscription
/// Identifier too [v5 MQTT-3.8.4-3]: one copy, carrying the new identifier only.
pub async fn subscription_replaced(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().subscription_identifiers()?;
    let subscriber = ctx.open_clean("subscriber").await?;
    let filter = ctx.topic("replaced");
    for id in [3, 5] {
        let mut properties = Properties::default();
        properties.subscription_identifiers = vec![NonZeroU32::new(id).unwrap_or(NonZeroU32::MIN)];
        ctx.subscribe(
            subscriber,
            vec![(filter.clone(), SubscriptionOptions::qos(QoS::AtLeastOnce))],
            properties,
        )
        .await?;
    }
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "replaced", "once", QoS::AtMostOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.publish_arrives(subscriber, mark).await;
    ctx.settle(300).await;
    let got = ctx.publishes_since(subscriber, mark);
    let ids: Vec<Vec<u32>> = got
        .iter()
        .map(|publish| {
            publish
                .properties
                .subscription_identifiers
                .iter()
                .map(|id| id.get())
                .collect()
        })
        .collect();
    Ok(Outcome::judge(
        ids == [vec![5]],
        "subscribed with identifier 3, then again with 5: one copy, carrying 5 only",
        format!("{}; identifiers {ids:?}", describe(&got)),
    ))
}

/// A declared limit is enforced: a PUBLISH the broker said it cannot take ends the connection
/// with DISCONNECT `code`. The session never writes such a packet, so it is injected.
async fn refused_publish(
    ctx: &mut Ctx,
    qos: QoS,
    retain: bool,
    code: ReasonCode,
    rule: &str,
) -> CheckRun {
    let client = ctx.open_clean("client").await?;
    let watcher = ctx.open_clean("watcher").await?;
    ctx.subscribe_one(watcher, "t", QoS::AtMostOnce).await?;
    // A packet id the session is not using, so no answer is mistaken for one of its own.
    let pid = Pid::new(4242).unwrap_or(Pid::FIRST);
    let mut publish = Publish::new(ctx.topic("t"), QosPid::new(qos, pid), "over the limit");
    publish.retain = retain;
    let mark = ctx.mark();
    ctx.inject(client, &Packet::Publish(publish))?;
    ctx.wait_for(ANSWER_MS, |ctx| ctx.lost_since(client, mark).is_some())
        .await;
    ctx.settle(300).await;
    let delivered = ctx.publishes_since(watcher, mark).len();
    let expected = format!("DISCONNECT {code} and the message not forwarded ({rule})");
    Ok(match ctx.lost_since(client, mark).cloned() {
        Some(LostCause::ServerDisconnect { reason, .. }) if reason == code && delivered == 0 => {
            Outcome::new(Verdict::Pass, expected, format!("DISCONNECT {reason}"))
        }
        Some(cause) if delivered == 0 => Outcome::new(
            Verdict::Warn,
            expected,
            format!("refused, but not with DISCONNECT {code}: {cause}"),
        ),
        cause => Outcome::new(
            Verdict::Fail,
            expected,
            format!(
                "{}; the message reached {delivered} subscriber(s)",
                cause.map_or_else(
                    || "the connection stayed open".to_owned(),
                    |cause| cause.to_string()
                )
            ),
        ),
    })
}

/// With a declared Maximum QoS, a PUBLISH above it is refused with DISCONNECT 0x9B.
pub async fn maximum_qos_enforced(ctx: &mut Ctx) -> CheckRun {
    let Some(maximum) = ctx.declared().maximum_qos else {
        return Ok(Outcome::skipped(
            "the broker declares no Maximum QoS (CONNACK): it takes QoS 2",
        ));
    };
    let above = QoS::from_u8(maximum.as_u8() + 1).unwrap_or(QoS::ExactlyOnce);
    refused_publish(
        ctx,
        above,
        false,
        ReasonCode::QoSNotSupported,
        "[v5 MQTT-3.2.2-11], v5 §3.2.2.3.4",
    )
    .await
}

/// With Retain Available 0, a PUBLISH with RETAIN 1 is refused with DISCONNECT 0x9A.
pub async fn retain_unavailable_enforced(ctx: &mut Ctx) -> CheckRun {
    if ctx.declared().retain_available != Some(false) {
        return Ok(Outcome::skipped(
            "the broker declares Retain Available 1 (or nothing): it takes retained messages",
        ));
    }
    refused_publish(
        ctx,
        QoS::AtMostOnce,
        true,
        ReasonCode::RetainNotSupported,
        "[v5 MQTT-3.2.2-14], v5 §3.2.2.3.5",
    )
    .await
}

/// The properties an application sets on a message, which the broker forwards unaltered:
/// User Properties in order, Payload Format Indicator, Content Type, Response Topic,
/// Correlation Data; "no application properties" when none is there.
fn application_properties(properties: &Properties) -> String {
    let mut parts = Vec::new();
    if !properties.user_properties.is_empty() {
        let pairs: Vec<String> = properties
            .user_properties
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        parts.push(format!("User Properties {}", pairs.join(", ")));
    }
    if let Some(utf8) = properties.payload_format_indicator {
        parts.push(format!("Payload Format Indicator {}", u8::from(utf8)));
    }
    if let Some(content_type) = &properties.content_type {
        parts.push(format!("Content Type \"{content_type}\""));
    }
    if let Some(topic) = &properties.response_topic {
        parts.push(format!("Response Topic {topic}"));
    }
    if let Some(data) = &properties.correlation_data {
        let hex: String = data.iter().map(|byte| format!("{byte:02x}")).collect();
        parts.push(format!("Correlation Data 0x{hex}"));
    }
    if parts.is_empty() {
        "no application properties".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Publishes one message with `properties` to `suffix` and returns how each subscriber's copy
/// compared with what was sent (`None`: nothing arrived).
async fn forwarded_with(
    ctx: &mut Ctx,
    publisher: usize,
    subscriber: usize,
    suffix: &str,
    properties: Properties,
) -> Result<Option<String>, Outcome> {
    let mark = ctx.mark();
    let mut request = PublishRequest::new(ctx.topic(suffix), "with properties", QoS::AtLeastOnce);
    request.properties = properties;
    let flow = ctx.publish(publisher, request)?;
    ctx.completed(publisher, flow).await?;
    ctx.publish_arrives(subscriber, mark).await;
    Ok(ctx
        .publishes_since(subscriber, mark)
        .first()
        .map(|publish| application_properties(&publish.properties)))
}

/// The Paho cases "user properties" and (`format`) "payload format": the properties arrive
/// unaltered, User Properties in their order.
pub async fn properties_forwarded(ctx: &mut Ctx, format: bool) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "p", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mut sent = Properties::default();
    if format {
        sent.payload_format_indicator = Some(true);
        sent.content_type = Some("text/plain; charset=utf-8".into());
    } else {
        // A name twice, and not in alphabetical order: both must be kept, in this order.
        sent.user_properties = vec![
            ("b".into(), "1".into()),
            ("a".into(), "2".into()),
            ("b".into(), "3".into()),
        ];
    }
    let expected = application_properties(&sent);
    let got = forwarded_with(ctx, publisher, subscriber, "p", sent).await?;
    Ok(Outcome::judge(
        got.as_deref() == Some(expected.as_str()),
        format!("delivered with {expected}"),
        got.map_or_else(
            || "nothing delivered".to_owned(),
            |got| format!("delivered with {got}"),
        ),
    ))
}

/// The Paho case "request/response": a request carries its Response Topic and Correlation Data
/// to the responder, whose reply on that topic carries the Correlation Data back.
pub async fn request_response(ctx: &mut Ctx) -> CheckRun {
    let requester = ctx.open_clean("requester").await?;
    ctx.subscribe_one(requester, "reply", QoS::AtLeastOnce)
        .await?;
    let responder = ctx.open_clean("responder").await?;
    ctx.subscribe_one(responder, "request", QoS::AtLeastOnce)
        .await?;
    let mut request = Properties::default();
    request.response_topic = Some(ctx.topic("reply"));
    request.correlation_data = Some(bytes::Bytes::from_static(b"\x00\x01request-7"));
    let request_expected = application_properties(&request);
    let request_got = forwarded_with(ctx, requester, responder, "request", request.clone()).await?;
    let mut reply = Properties::default();
    reply.correlation_data = request.correlation_data.clone();
    let reply_expected = application_properties(&reply);
    let reply_got = forwarded_with(ctx, responder, requester, "reply", reply).await?;
    let seen = |got: &Option<String>| {
        got.clone()
            .unwrap_or_else(|| "nothing delivered".to_owned())
    };
    Ok(Outcome::judge(
        request_got.as_deref() == Some(request_expected.as_str())
            && reply_got.as_deref() == Some(reply_expected.as_str()),
        format!("the request delivered with {request_expected}; the reply with {reply_expected}"),
        format!(
            "request: {}; reply: {}",
            seen(&request_got),
            seen(&reply_got)
        ),
    ))
}

/// A client's Maximum Packet Size: the broker sends nothing larger, and drops such a message
/// for that client as if it had sent it [v5 MQTT-3.1.2-24], [-25].
pub async fn client_maximum_packet_size(ctx: &mut Ctx) -> CheckRun {
    const MAXIMUM: u32 = 512;
    let mut options = ctx.options("small");
    options.properties.maximum_packet_size = NonZeroU32::new(MAXIMUM);
    let small = ctx.open("small", options).await?;
    ctx.subscribe_one(small, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let large = "x".repeat(2 * MAXIMUM as usize);
    for payload in [large.as_str(), "fits"] {
        let flow = ctx.publish_to(publisher, "t", payload, QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.publish_arrives(small, mark).await;
    ctx.settle(300).await;
    let got = ctx.publishes_since(small, mark);
    let lost = ctx.lost_since(small, mark).map(ToString::to_string);
    let payloads: Vec<&[u8]> = got.iter().map(|publish| &publish.payload[..]).collect();
    Ok(Outcome::judge(
        payloads == [b"fits"] && lost.is_none(),
        format!(
            "with our Maximum Packet Size {MAXIMUM}: the {}-byte message not sent, \"fits\" delivered, the connection kept",
            large.len()
        ),
        format!(
            "{}{}",
            describe(&got),
            lost.map_or_else(String::new, |cause| format!("; connection lost: {cause}"))
        ),
    ))
}
