//! Retained messages: set, replace, clear, and the RETAIN flag on delivery.

use super::{describe, CheckRun};
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::QoS;

async fn publish_retained(ctx: &mut Ctx, client: usize, payload: &str) -> Result<(), Outcome> {
    let flow = ctx.publish_to(client, "r", payload, QoS::AtLeastOnce, true)?;
    ctx.completed(client, flow).await?;
    Ok(())
}

/// A late subscriber gets the latest retained message with RETAIN 1; after clearing, nothing.
pub async fn lifecycle(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    publish_retained(ctx, publisher, "one").await?;
    publish_retained(ctx, publisher, "two").await?;
    let late = ctx.open_clean("late").await?;
    let mark = ctx.mark();
    ctx.subscribe_one(late, "r", QoS::AtLeastOnce).await?;
    ctx.settle(500).await;
    let replaced = ctx.publishes_since(late, mark);
    let replaced_ok =
        replaced.len() == 1 && replaced[0].retain && &replaced[0].payload[..] == b"two";
    let replaced_seen = describe(&replaced);
    publish_retained(ctx, publisher, "").await?;
    let later = ctx.open_clean("later").await?;
    let mark = ctx.mark();
    ctx.subscribe_one(later, "r", QoS::AtLeastOnce).await?;
    ctx.settle(500).await;
    let cleared = ctx.publishes_since(later, mark);
    Ok(Outcome::judge(
        replaced_ok && cleared.is_empty(),
        "after \"one\" then \"two\": a new subscriber gets \"two\" with RETAIN 1; after an empty retained publish: nothing",
        format!("after replacing: {replaced_seen}; after clearing: {}", describe(&cleared)),
    ))
}

/// A retained publish reaches existing subscribers with RETAIN 0, new ones with RETAIN 1.
pub async fn flag_on_delivery(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let existing = ctx.open_clean("existing").await?;
    ctx.subscribe_one(existing, "r", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    publish_retained(ctx, publisher, "flag").await?;
    ctx.settle(300).await;
    let new = ctx.open_clean("new").await?;
    ctx.subscribe_one(new, "r", QoS::AtLeastOnce).await?;
    ctx.settle(500).await;
    let live = ctx.publishes_since(existing, mark);
    let stored = ctx.publishes_since(new, mark);
    Ok(Outcome::judge(
        live.len() == 1 && !live[0].retain && stored.len() == 1 && stored[0].retain,
        "the existing subscriber gets it with RETAIN 0, a new subscriber with RETAIN 1",
        format!("existing: {}; new: {}", describe(&live), describe(&stored)),
    ))
}
