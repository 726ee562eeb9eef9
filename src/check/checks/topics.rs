//! Topic names matched as they are written: no case folding, no dropped or added levels, no
//! Unicode normalization, and U+FEFF kept as a character.

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::QoS;

/// Subscribes a fresh client to each of the check's `filters` (suffixes), publishes a QoS 1
/// message to each of `topics` (suffixes, the suffix as payload), and returns what each
/// subscriber received as the topic suffixes it was sent on.
async fn route(
    ctx: &mut Ctx,
    filters: &[&str],
    topics: &[&str],
) -> Result<Vec<Vec<String>>, Outcome> {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let mut subscribers = Vec::new();
    for (index, filter) in filters.iter().enumerate() {
        let subscriber = ctx.open_clean(&format!("subscriber-{index}")).await?;
        ctx.subscribe_one(subscriber, filter, QoS::AtLeastOnce)
            .await?;
        subscribers.push(subscriber);
    }
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    for topic in topics {
        let flow = ctx.publish_to(publisher, topic, topic, QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.settle(500).await;
    Ok(subscribers
        .iter()
        .map(|subscriber| ctx.topics_since(*subscriber, mark))
        .collect())
}

/// A subscription to `n/a/é` gets only a topic written the same way: not `n/A/é`, `n/a/é/`,
/// `n//a/é`, nor `é` decomposed as e and U+0301; and the topic it gets is the one published.
pub async fn exact_match(ctx: &mut Ctx) -> CheckRun {
    const FILTER: &str = "n/a/\u{e9}";
    let topics = [
        "n/A/\u{e9}",
        "n/a/\u{e9}/",
        "n//a/\u{e9}",
        "n/a/e\u{301}",
        FILTER,
    ];
    let got = route(ctx, &[FILTER], &topics).await?;
    Ok(Outcome::judge(
        got[0] == [FILTER],
        format!("of messages to {topics:?}, the subscriber to {FILTER:?} gets only {FILTER:?}, on that topic"),
        format!("received on {:?}", got[0]),
    ))
}

/// U+FEFF at the start of a level is a character of the topic: `b/\u{FEFF}x` and `b/x` are two
/// topics, each reaching only its own subscriber.
pub async fn byte_order_mark(ctx: &mut Ctx) -> CheckRun {
    const MARKED: &str = "b/\u{feff}x";
    const PLAIN: &str = "b/x";
    let got = route(ctx, &[MARKED, PLAIN], &[MARKED, PLAIN]).await?;
    Ok(Outcome::judge(
        got[0] == [MARKED] && got[1] == [PLAIN],
        format!("the subscriber to {MARKED:?} gets only {MARKED:?}, the one to {PLAIN:?} only {PLAIN:?}"),
        format!("{MARKED:?} got {:?}; {PLAIN:?} got {:?}", got[0], got[1]),
    ))
}
