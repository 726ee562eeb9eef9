//! Ordered topics: messages from one client to one topic reach a subscriber in the order they
//! were published, whether it is connected or they waited for it in its session.

use super::qos2::reconnect;
use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;

/// How many messages each part of the check publishes.
const COUNT: usize = 10;

/// Publishes messages `from..from + COUNT` back to back at QoS 1, then waits for all.
async fn publish_run(ctx: &mut Ctx, publisher: usize, from: usize) -> Result<(), Outcome> {
    let mut flows = Vec::new();
    for index in from..from + COUNT {
        flows.push(ctx.publish_to(publisher, "t", &index.to_string(), QoS::AtLeastOnce, false)?);
    }
    for flow in flows {
        ctx.completed(publisher, flow).await?;
    }
    Ok(())
}

/// QoS 1 messages 0–9 published back to back to a connected subscriber, then 10–19 while it is
/// away: each run arrives in the order published.
pub async fn ordered_topic(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_persistent("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let live = ctx.mark();
    publish_run(ctx, publisher, 0).await?;
    ctx.messages_arrive(subscriber, live, COUNT).await;
    let live_got = numbers(ctx, subscriber, live);
    ctx.disconnect(subscriber).await;
    publish_run(ctx, publisher, COUNT).await?;
    let resumed = ctx.mark();
    reconnect(ctx, subscriber).await?;
    ctx.messages_arrive(subscriber, resumed, COUNT).await;
    let queued_got = numbers(ctx, subscriber, resumed);
    let expected: Vec<usize> = (0..2 * COUNT).collect();
    // A broker may keep fewer messages for a session than were sent while it was away (its
    // queue limit); what it keeps must still come in order.
    let queued_in_order = queued_got.windows(2).all(|pair| pair[0] < pair[1])
        && queued_got
            .iter()
            .all(|number| expected[COUNT..].contains(number));
    let verdict = match (live_got == expected[..COUNT], queued_in_order) {
        (true, true) if queued_got == expected[COUNT..] => Verdict::Pass,
        (true, true) => Verdict::Warn,
        _ => Verdict::Fail,
    };
    Ok(Outcome::new(
        verdict,
        "connected: 0 to 9 in order; queued while away: 10 to 19 in order (fewer, in order, if the broker's queue keeps fewer)",
        format!("connected: {live_got:?}; queued while away: {queued_got:?}"),
    ))
}

/// The message numbers the subscriber's application got after `mark`, in order.
fn numbers(ctx: &Ctx, client: usize, mark: crate::check::context::Mark) -> Vec<usize> {
    ctx.payloads_since(client, mark)
        .iter()
        .filter_map(|payload| payload.parse().ok())
        .collect()
}
