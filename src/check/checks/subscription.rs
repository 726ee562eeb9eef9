//! SUBSCRIBE and UNSUBSCRIBE as requests: several filters in one packet, a filter subscribed
//! again, and which subscriptions an UNSUBSCRIBE deletes.

use super::qos2::{delivery_under_way, reconnect};
use super::{describe, CheckRun};
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Packet, QoS, SubscriptionOptions};
use crate::trace::Direction;

/// Publishes one QoS 1 message to each of the check's topics `suffixes` (its suffix as payload).
async fn publish_each(ctx: &mut Ctx, publisher: usize, suffixes: &[&str]) -> Result<(), Outcome> {
    for suffix in suffixes {
        let flow = ctx.publish_to(publisher, suffix, suffix, QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    Ok(())
}

/// One SUBSCRIBE with three filters asking QoS 2, 0 and 1: one SUBACK with a code per filter in
/// their order, none above what was asked, and each subscription made.
pub async fn several_filters(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    let asked = [
        ("s/a", QoS::ExactlyOnce),
        ("s/b", QoS::AtMostOnce),
        ("s/c", QoS::AtLeastOnce),
    ];
    let subscriptions = asked
        .iter()
        .map(|(suffix, qos)| (ctx.topic(suffix), SubscriptionOptions::qos(*qos)))
        .collect();
    let results = ctx
        .subscribe(subscriber, subscriptions, Default::default())
        .await?;
    let codes: Vec<String> = results
        .iter()
        .map(|result| match result {
            Ok(qos) => format!("QoS {}", qos.as_u8()),
            Err(code) => code.to_string(),
        })
        .collect();
    if results.iter().any(Result::is_err) {
        return Ok(Outcome::skipped(format!(
            "the broker refused a subscription (SUBACK {}), which it may do",
            codes.join(", ")
        )));
    }
    let within = results
        .iter()
        .zip(&asked)
        .all(|(result, (_, qos))| result.is_ok_and(|granted| granted <= *qos));
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    publish_each(ctx, publisher, &["s/a", "s/b", "s/c"]).await?;
    ctx.messages_arrive(subscriber, mark, 3).await;
    ctx.settle(200).await;
    let mut got = ctx.payloads_since(subscriber, mark);
    got.sort();
    Ok(Outcome::judge(
        within && got == ["s/a", "s/b", "s/c"],
        "one SUBACK granting at most QoS 2, 0, 1 in the filters' order; a message to each filter arrives",
        format!("SUBACK {}; received {got:?}", codes.join(", ")),
    ))
}

/// The same filter subscribed again at a lower QoS: the subscription is replaced (live messages
/// come once, at the new grant) and the retained message is sent again.
pub async fn subscribe_again(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    let flow = ctx.publish_to(publisher, "r", "stored", QoS::AtLeastOnce, true)?;
    ctx.completed(publisher, flow).await?;
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "r", QoS::AtLeastOnce).await?;
    ctx.settle(300).await;
    let again = ctx.mark();
    let granted = ctx.subscribe_one(subscriber, "r", QoS::AtMostOnce).await?;
    ctx.settle(500).await;
    let resent = ctx.publishes_since(subscriber, again);
    let resent_ok = resent.len() == 1 && resent[0].retain && &resent[0].payload[..] == b"stored";
    let resent_seen = describe(&resent);
    let live = ctx.mark();
    let flow = ctx.publish_to(publisher, "r", "live", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.messages_arrive(subscriber, live, 1).await;
    ctx.settle(300).await;
    let delivered = ctx.publishes_since(subscriber, live);
    let live_ok = delivered.len() == 1 && delivered[0].qos() <= granted;
    Ok(Outcome::judge(
        resent_ok && live_ok,
        format!(
            "on the second SUBSCRIBE the retained \"stored\" again with RETAIN 1; then one copy of a live QoS 1 message, at the new grant (QoS {})",
            granted.as_u8()
        ),
        format!(
            "after the second SUBSCRIBE: {resent_seen}; live: {}",
            describe(&delivered)
        ),
    ))
}

/// UNSUBSCRIBE from a filter the client never subscribed to: still an UNSUBACK, with the
/// UNSUBSCRIBE's packet identifier.
pub async fn unknown_filter(ctx: &mut Ctx) -> CheckRun {
    let client = ctx.open_clean("client").await?;
    let mark = ctx.mark();
    let filter = ctx.topic("never");
    let answered = ctx.unsubscribe(client, filter).await;
    let sent = ctx
        .sent_since(client, mark)
        .find_map(|packet| match packet {
            Packet::Unsubscribe(unsubscribe) => Some(unsubscribe.pid),
            _ => None,
        });
    let received = ctx
        .records_since(client, mark, Direction::Incoming)
        .find_map(|record| match &record.packet {
            Ok(Packet::UnsubAck(unsuback)) => Some(unsuback.pid),
            _ => None,
        });
    let expected = "an UNSUBACK with the UNSUBSCRIBE's packet identifier";
    Ok(match (sent, received) {
        (Some(sent), Some(received)) => Outcome::judge(
            sent == received && answered.is_ok(),
            expected,
            format!("UNSUBSCRIBE packet id {sent}, UNSUBACK packet id {received}"),
        ),
        (_, None) => Outcome::new(
            Verdict::Fail,
            expected,
            match answered {
                Err(outcome) => outcome.seen,
                Ok(()) => "no UNSUBACK".into(),
            },
        ),
        (None, Some(_)) => return Err(Outcome::broken("the UNSUBSCRIBE was not sent")),
    })
}

/// UNSUBSCRIBE compares filters character by character: unsubscribing from `u/a` leaves the
/// subscription to `u/+`, which matches it as a topic.
pub async fn exact_filter(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "u/+", QoS::AtLeastOnce)
        .await?;
    let filter = ctx.topic("u/a");
    ctx.unsubscribe(subscriber, filter).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    publish_each(ctx, publisher, &["u/a"]).await?;
    ctx.messages_arrive(subscriber, mark, 1).await;
    ctx.settle(200).await;
    let got = ctx.payloads_since(subscriber, mark);
    Ok(Outcome::judge(
        got == ["u/a"],
        "after UNSUBSCRIBE u/a, the subscription to u/+ still delivers a message on u/a",
        format!("received {got:?}"),
    ))
}

/// One UNSUBSCRIBE with two filters deletes both subscriptions (and no other).
pub async fn several_unsubscribed(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    for suffix in ["m/a", "m/b", "m/c"] {
        ctx.subscribe_one(subscriber, suffix, QoS::AtLeastOnce)
            .await?;
    }
    let filters = vec![ctx.topic("m/a"), ctx.topic("m/b")];
    ctx.unsubscribe_all(subscriber, filters).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    publish_each(ctx, publisher, &["m/a", "m/b", "m/c"]).await?;
    ctx.messages_arrive(subscriber, mark, 1).await;
    ctx.settle(300).await;
    let got = ctx.payloads_since(subscriber, mark);
    Ok(Outcome::judge(
        got == ["m/c"],
        "after one UNSUBSCRIBE of m/a and m/b: of messages to m/a, m/b and m/c, only m/c arrives",
        format!("received {got:?}"),
    ))
}

/// UNSUBSCRIBE does not cancel a QoS 1 delivery already started: the subscriber withholds the
/// PUBACK, unsubscribes, and on resuming its session the PUBLISH is sent again (DUP 1).
pub async fn unsubscribe_completes_delivery(ctx: &mut Ctx) -> CheckRun {
    let subscriber = delivery_under_way(ctx, "started").await?;
    let filter = ctx.topic("t");
    ctx.unsubscribe(subscriber, filter).await?;
    ctx.cut(subscriber).await;
    let again = ctx.mark();
    reconnect(ctx, subscriber).await?;
    ctx.publish_arrives(subscriber, again).await;
    ctx.settle(200).await;
    let resent = ctx.publishes_since(subscriber, again);
    Ok(Outcome::judge(
        resent.len() == 1 && resent[0].dup && &resent[0].payload[..] == b"started",
        "after PUBACK withheld, UNSUBSCRIBE and a reconnect: \"started\" sent again with DUP 1",
        describe(&resent),
    ))
}
