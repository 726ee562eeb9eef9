//! 5.0 flow control seen from the other side: while the broker's send quota towards a client is
//! zero (v5 §4.9), it still answers everything that is not a QoS 1 or 2 PUBLISH.

use std::num::NonZeroU16;

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::{PacketType, Properties, QoS, SubscriptionOptions};

/// With Receive Maximum 1 and a QoS 1 delivery left unacknowledged, a SUBSCRIBE and an
/// UNSUBSCRIBE are still answered ([v5 MQTT-3.3.4-10], [v5 MQTT-4.9.0-3]).
pub async fn quota_zero_answers(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("slow");
    options.properties.receive_maximum = NonZeroU16::new(1);
    let slow = ctx.open("slow", options).await?;
    ctx.subscribe_one(slow, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    for _ in 0..2 {
        ctx.withhold_next(slow, PacketType::PubAck);
    }
    let mark = ctx.mark();
    for index in 0..2 {
        let flow = ctx.publish_to(publisher, "t", &index.to_string(), QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    if !ctx.publish_arrives(slow, mark).await {
        return Err(Outcome::broken("the first QoS 1 message never came"));
    }
    ctx.settle(300).await;
    // Any SUBACK is an answer, a refusal too.
    let filter = ctx.topic("other");
    let subscribed = ctx
        .subscribe(
            slow,
            vec![(filter.clone(), SubscriptionOptions::qos(QoS::AtMostOnce))],
            Properties::default(),
        )
        .await
        .map(|_| "SUBACK".to_owned());
    let unsubscribed = ctx
        .unsubscribe_all(slow, vec![filter])
        .await
        .map(|_| "UNSUBACK".to_owned());
    let seen: Vec<String> = [&subscribed, &unsubscribed]
        .iter()
        .map(|answer| match answer {
            Ok(answer) => answer.clone(),
            Err(outcome) => outcome.seen.clone(),
        })
        .collect();
    Ok(Outcome::judge(
        subscribed.is_ok() && unsubscribed.is_ok(),
        "with our Receive Maximum 1 used up by an unacknowledged QoS 1 message: SUBACK and UNSUBACK still come",
        seen.join("; "),
    ))
}
