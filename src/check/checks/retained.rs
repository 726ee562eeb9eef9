//! Retained messages: set, replace, clear, what a publish without RETAIN leaves alone, what a
//! new subscription gets, and the RETAIN flag on delivery.

use super::{describe, CheckRun};
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;

async fn publish_retained(ctx: &mut Ctx, client: usize, payload: &str) -> Result<(), Outcome> {
    publish_at(ctx, client, "r", payload, QoS::AtLeastOnce, true).await
}

/// Publishes `payload` to the check's topic `suffix` and waits for it to complete.
async fn publish_at(
    ctx: &mut Ctx,
    client: usize,
    suffix: &str,
    payload: &str,
    qos: QoS,
    retain: bool,
) -> Result<(), Outcome> {
    let flow = ctx.publish_to(client, suffix, payload, qos, retain)?;
    ctx.completed(client, flow).await?;
    Ok(())
}

/// What a new subscriber to the check's `filter` gets at once: the retained messages, described.
async fn new_subscriber_gets(
    ctx: &mut Ctx,
    name: &str,
    filter: &str,
) -> Result<(Vec<(String, bool)>, String), Outcome> {
    let subscriber = ctx.open_clean(name).await?;
    let mark = ctx.mark();
    ctx.subscribe_one(subscriber, filter, QoS::AtLeastOnce)
        .await?;
    ctx.settle(500).await;
    let got = ctx.publishes_since(subscriber, mark);
    let payloads = got
        .iter()
        .map(|publish| {
            (
                String::from_utf8_lossy(&publish.payload).into_owned(),
                publish.retain,
            )
        })
        .collect();
    Ok((payloads, describe(&got)))
}

/// A retained QoS 0 publish replaces the retained message like any other. In 3.1.1 the broker
/// must discard the previous one but only SHOULD keep the QoS 0 one and MAY drop it at any time
/// (v3 §3.3.1.3): a new subscriber getting nothing is allowed there, and a warning.
pub async fn qos0_replaces(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    publish_at(ctx, publisher, "r", "first", QoS::AtLeastOnce, true).await?;
    publish_at(ctx, publisher, "r", "second", QoS::AtMostOnce, true).await?;
    // QoS 0 has no acknowledgement: give the broker time to take it.
    ctx.settle(300).await;
    let (got, seen) = new_subscriber_gets(ctx, "late", "r").await?;
    let verdict = if got == [("second".to_owned(), true)] {
        Verdict::Pass
    } else if got.is_empty() && !ctx.is_v5() {
        Verdict::Warn
    } else {
        Verdict::Fail
    };
    Ok(Outcome::new(
        verdict,
        "after retained \"first\" (QoS 1) then retained \"second\" (QoS 0): a new subscriber gets \"second\" with RETAIN 1 (in 3.1.1, or nothing: \"first\" discarded, \"second\" not kept)",
        seen,
    ))
}

/// A publish without RETAIN neither stores itself nor touches the retained message.
pub async fn plain_publish_keeps_retained(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    publish_at(ctx, publisher, "r", "kept", QoS::AtLeastOnce, true).await?;
    publish_at(ctx, publisher, "r", "passing", QoS::AtLeastOnce, false).await?;
    let (got, seen) = new_subscriber_gets(ctx, "late", "r").await?;
    Ok(Outcome::judge(
        got == [("kept".to_owned(), true)],
        "after retained \"kept\" then \"passing\" without RETAIN: a new subscriber gets \"kept\" with RETAIN 1",
        seen,
    ))
}

/// An empty retained publish on a topic with nothing retained stores nothing: a new subscriber
/// gets no empty message.
pub async fn empty_not_stored(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    publish_at(ctx, publisher, "r", "", QoS::AtLeastOnce, true).await?;
    let (got, seen) = new_subscriber_gets(ctx, "late", "r").await?;
    Ok(Outcome::judge(
        got.is_empty(),
        "after an empty retained publish to a topic with nothing retained: nothing for a new subscriber",
        seen,
    ))
}

/// A new wildcard subscription gets the retained message of every topic it matches.
pub async fn every_matching_topic(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    ctx.declared().wildcards()?;
    let publisher = ctx.open_clean("publisher").await?;
    for suffix in ["w/a", "w/b", "w/c/d"] {
        publish_at(ctx, publisher, suffix, suffix, QoS::AtLeastOnce, true).await?;
    }
    let (mut got, seen) = new_subscriber_gets(ctx, "late", "w/+").await?;
    got.sort();
    Ok(Outcome::judge(
        got == [("w/a".to_owned(), true), ("w/b".to_owned(), true)],
        "retained messages on w/a, w/b and w/c/d: a new subscriber to w/+ gets w/a and w/b, with RETAIN 1",
        seen,
    ))
}

/// A retained message outlives the session of the client that published it.
pub async fn outlives_session(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    let publisher = ctx.open_clean("publisher").await?;
    publish_at(ctx, publisher, "r", "stays", QoS::AtLeastOnce, true).await?;
    ctx.disconnect(publisher).await;
    let (got, seen) = new_subscriber_gets(ctx, "late", "r").await?;
    Ok(Outcome::judge(
        got == [("stays".to_owned(), true)],
        "after its publisher's clean session ended: a new subscriber still gets \"stays\" with RETAIN 1",
        seen,
    ))
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
