//! Re-sending after a lost connection: QoS 1 with DUP=1, QoS 2 exactly once however the
//! connection is cut, and the QoS 2 rules brokers have got wrong.

use super::{describe, CheckRun};
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::declared::granted_below_two;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Ack, Packet, PacketType, Publish, QoS};

/// Where a QoS 2 flow is cut: after the PUBLISH, the PUBREC or the PUBREL went out.
const STAGES: [&str; 3] = ["PUBLISH", "PUBREC", "PUBREL"];

/// The stage's name, for titles.
pub fn stage_name(stage: u8) -> &'static str {
    STAGES[usize::from(stage)]
}

/// Reconnects `client` (its session resumed if it has one); returns Session Present.
pub async fn reconnect(ctx: &mut Ctx, client: usize) -> Result<bool, Outcome> {
    let connected = ctx
        .connect(client)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    Ok(connected.session_present)
}

/// Subscribes `client` to the check's topic at QoS 2; a lower grant (allowed) skips the check.
async fn subscribe_exactly_once(ctx: &mut Ctx, client: usize) -> Result<(), Outcome> {
    ctx.declared().exactly_once()?;
    let granted = ctx.subscribe_one(client, "t", QoS::ExactlyOnce).await?;
    if granted < QoS::ExactlyOnce {
        return Err(granted_below_two(granted));
    }
    Ok(())
}

/// A subscriber with a persistent session that received a QoS 1 `payload` on the check's topic
/// `t` and withheld its PUBACK: a delivery under way. Returns the subscriber.
pub async fn delivery_under_way(ctx: &mut Ctx, payload: &str) -> Result<usize, Outcome> {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_persistent("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    ctx.withhold_next(subscriber, PacketType::PubAck);
    let mark = ctx.mark();
    ctx.publish_to(publisher, "t", payload, QoS::AtLeastOnce, false)?;
    if !ctx.publish_arrives(subscriber, mark).await {
        return Err(Outcome::broken("the message did not reach the subscriber"));
    }
    Ok(subscriber)
}

/// QoS 1: the subscriber withholds PUBACK and reconnects with its session; the broker re-sends
/// the PUBLISH with DUP=1.
pub async fn qos1_redelivery(ctx: &mut Ctx) -> CheckRun {
    let subscriber = delivery_under_way(ctx, "resend me").await?;
    ctx.settle(100).await;
    ctx.cut(subscriber).await;
    let again = ctx.mark();
    let present = reconnect(ctx, subscriber).await?;
    ctx.publish_arrives(subscriber, again).await;
    let resent = ctx.publishes_since(subscriber, again);
    Ok(Outcome::judge(
        present && resent.len() == 1 && resent[0].dup && resent[0].qos() == QoS::AtLeastOnce,
        "Session Present 1, then the unacknowledged PUBLISH again with DUP=1",
        format!(
            "Session Present {}; after reconnecting: {}",
            u8::from(present),
            describe(&resent)
        ),
    ))
}

/// QoS 2 as publisher: the connection is cut after `stage`; the subscriber still gets the
/// message exactly once and the flow completes after reconnecting.
pub async fn publisher_cut(ctx: &mut Ctx, stage: u8) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    subscribe_exactly_once(ctx, subscriber).await?;
    let publisher = ctx.open_persistent("publisher").await?;
    let mark = ctx.mark();
    match stage {
        0 => ctx.lose_incoming(publisher, PacketType::PubRec),
        1 => ctx.withhold_next(publisher, PacketType::PubRel),
        _ => ctx.lose_incoming(publisher, PacketType::PubComp),
    }
    let flow = ctx.publish_to(publisher, "t", "once", QoS::ExactlyOnce, false)?;
    let wanted = [PacketType::Publish, PacketType::PubRec, PacketType::PubRel][usize::from(stage)];
    ctx.wait_for(ANSWER_MS, |ctx| {
        ctx.sent_since(publisher, mark)
            .any(|packet| packet.packet_type() == wanted)
            || (wanted == PacketType::PubRec
                && ctx.count_received(publisher, mark, PacketType::PubRec) > 0)
    })
    .await;
    ctx.settle(300).await;
    ctx.cut(publisher).await;
    let present = reconnect(ctx, publisher).await?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(300).await;
    let got = ctx.payloads_since(subscriber, mark);
    Ok(Outcome::judge(
        present && got == ["once"],
        format!("cut after the {}: the flow completes after reconnecting; the subscriber gets the message exactly once", stage_name(stage)),
        format!("Session Present {}; subscriber got {got:?}", u8::from(present)),
    ))
}

/// QoS 2 as subscriber: our connection is cut after `stage`; the broker resumes the flow at the
/// right step (PUBLISH with DUP=1 before our PUBREC, PUBREL after it).
pub async fn subscriber_cut(ctx: &mut Ctx, stage: u8) -> CheckRun {
    let subscriber = ctx.open_persistent("subscriber").await?;
    subscribe_exactly_once(ctx, subscriber).await?;
    let publisher = ctx.open_clean("publisher").await?;
    match stage {
        0 => ctx.withhold_next(subscriber, PacketType::PubRec),
        1 => ctx.lose_incoming(subscriber, PacketType::PubRel),
        _ => ctx.withhold_next(subscriber, PacketType::PubComp),
    }
    let mark = ctx.mark();
    ctx.publish_to(publisher, "t", "once", QoS::ExactlyOnce, false)?;
    let wanted = [PacketType::PubRec, PacketType::PubRec, PacketType::PubRel][usize::from(stage)];
    ctx.wait_for(ANSWER_MS, |ctx| match wanted {
        PacketType::PubRel => ctx.count_received(subscriber, mark, PacketType::PubRel) > 0,
        _ => !ctx.publishes_since(subscriber, mark).is_empty(),
    })
    .await;
    ctx.settle(300).await;
    ctx.cut(subscriber).await;
    let again = ctx.mark();
    let present = reconnect(ctx, subscriber).await?;
    ctx.wait_for(ANSWER_MS, |ctx| {
        !ctx.publishes_since(subscriber, again).is_empty()
            || ctx.count_received(subscriber, again, PacketType::PubRel) > 0
    })
    .await;
    ctx.settle(300).await;
    let resent = ctx.publishes_since(subscriber, again);
    let pubrels = ctx.count_received(subscriber, again, PacketType::PubRel);
    let got = ctx.payloads_since(subscriber, mark);
    // This check judges the delivery count; the DUP flag is the DUP check's rule
    // (qos1-redelivery), so a missing DUP=1 is only noted here.
    let (held, expected) = if stage == 0 {
        (
            resent.len() == 1 && pubrels == 1,
            "the PUBLISH again (our PUBREC never arrived), then PUBREL; delivered once",
        )
    } else {
        (
            resent.is_empty() && pubrels == 1,
            "PUBREL again (never the PUBLISH: it was acknowledged); delivered once",
        )
    };
    let note = if resent.iter().any(|publish| !publish.dup) {
        " (note: re-sent with DUP=0, which [MQTT-3.3.1-1] forbids: see qos1-redelivery)"
    } else {
        ""
    };
    Ok(Outcome::judge(
        present && held && got == ["once"],
        expected,
        format!(
            "Session Present {}; after reconnecting: {}, {pubrels} PUBREL; application got {got:?}{note}",
            u8::from(present),
            describe(&resent)
        ),
    ))
}

/// The broker gets a QoS 2 PUBLISH again (DUP=1, same packet id) before PUBREL: it answers
/// PUBREC and does not forward the message a second time.
pub async fn dup_resend_seen(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    subscribe_exactly_once(ctx, subscriber).await?;
    let publisher = ctx.open_persistent("publisher").await?;
    let mark = ctx.mark();
    ctx.withhold_next(publisher, PacketType::PubRel);
    let flow = ctx.publish_to(publisher, "t", "once", QoS::ExactlyOnce, false)?;
    ctx.wait_for(ANSWER_MS, |ctx| {
        ctx.count_received(publisher, mark, PacketType::PubRec) > 0
    })
    .await;
    let original: Option<Publish> =
        ctx.sent_since(publisher, mark)
            .find_map(|packet| match packet {
                Packet::Publish(publish) => Some(publish.clone()),
                _ => None,
            });
    let mut resend = original.ok_or_else(|| Outcome::broken("the PUBLISH was not sent"))?;
    resend.dup = true;
    let before = ctx.mark();
    ctx.inject(publisher, &Packet::Publish(resend))?;
    ctx.settle(500).await;
    let closed = ctx.lost_since(publisher, before).is_some();
    let pubrecs = ctx.count_received(publisher, before, PacketType::PubRec);
    if closed {
        // v5 lets a receiver treat a re-send on the same connection as a protocol error.
        reconnect(ctx, publisher).await?;
    }
    ctx.completed(publisher, flow).await?;
    ctx.settle(300).await;
    let got = ctx.payloads_since(subscriber, mark);
    let seen = format!(
        "{}; subscriber got {got:?}",
        if closed {
            "the broker closed the connection on the re-send".to_owned()
        } else {
            format!("{pubrecs} PUBREC for the re-send")
        }
    );
    Ok(Outcome::judge(
        got == ["once"],
        "PUBREC again for the re-send, the message forwarded exactly once",
        seen,
    ))
}

/// A PUBACK for a QoS 2 delivery is a protocol error: the broker closes the connection, or at
/// least keeps the flow open (re-sending the PUBLISH when we come back).
pub async fn puback_rejected(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_persistent("subscriber").await?;
    subscribe_exactly_once(ctx, subscriber).await?;
    let publisher = ctx.open_clean("publisher").await?;
    ctx.withhold_next(subscriber, PacketType::PubRec);
    let mark = ctx.mark();
    ctx.publish_to(publisher, "t", "qos 2", QoS::ExactlyOnce, false)?;
    ctx.publish_arrives(subscriber, mark).await;
    let pid = ctx
        .publishes_since(subscriber, mark)
        .first()
        .and_then(|publish| publish.qos_pid.pid())
        .ok_or_else(|| Outcome::broken("the QoS 2 PUBLISH did not arrive"))?;
    let before = ctx.mark();
    ctx.inject(subscriber, &Packet::PubAck(Ack::new(pid)))?;
    ctx.settle(500).await;
    let expected = "the connection closed (protocol error), or the PUBLISH re-sent after reconnecting: a PUBACK does not end a QoS 2 flow";
    if let Some(cause) = ctx.lost_since(subscriber, before) {
        let seen = format!("closed: {cause}");
        return Ok(Outcome::new(Verdict::Pass, expected, seen));
    }
    ctx.cut(subscriber).await;
    let again = ctx.mark();
    reconnect(ctx, subscriber).await?;
    ctx.publish_arrives(subscriber, again).await;
    let resent = ctx.publishes_since(subscriber, again);
    Ok(Outcome::judge(
        resent
            .iter()
            .any(|publish| publish.qos_pid.pid() == Some(pid)),
        expected,
        format!(
            "the connection stayed open; after reconnecting: {}",
            describe(&resent)
        ),
    ))
}
