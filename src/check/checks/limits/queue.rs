//! The queue of a session whose client is away: how many QoS 1 messages the broker keeps for
//! it. The number is the broker's to choose (Mosquitto's `max_queued_messages`); what it keeps
//! must be delivered on return in the order published ([v3 MQTT-4.6.0-6], [v5 MQTT-4.6.0-5]),
//! and a run with a gap means a message was lost while later ones were kept.

use super::publish_numbered;
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::limit::{Limit, LimitUnit};
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;

/// Messages published while the subscriber is away: the most the queue can be found to hold.
pub const PROBE: usize = 1_000;
/// How long publishing `PROBE` messages and getting them back may take, each way.
const TRANSFER_MS: u64 = 30_000;
/// A queue shorter than this is reported as a warning: a client away for two minutes, from a
/// topic with a message a second, already loses messages (Mosquitto keeps 1,000 by default).
const WARN_BELOW: usize = 100;

/// `PROBE` messages published to an absent persistent subscriber: the number it gets on return.
pub async fn offline(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_persistent("subscriber").await?;
    ctx.subscribe_one(subscriber, "queue", QoS::AtLeastOnce)
        .await?;
    ctx.disconnect(subscriber).await;
    let publisher = ctx.open_clean("publisher").await?;
    let all_taken = publish_numbered(ctx, publisher, "queue", PROBE, TRANSFER_MS).await?;
    if !all_taken {
        return Err(Outcome::broken(format!(
            "the broker did not acknowledge {PROBE} QoS 1 messages within {} s",
            TRANSFER_MS / 1000
        )));
    }
    let back = ctx.mark();
    // Session Present is the session-present check's concern: here only what comes back counts.
    ctx.connect(subscriber)
        .await
        .map_err(|cause| Outcome::broken(format!("the subscriber could not reconnect: {cause}")))?;
    ctx.wait_for(TRANSFER_MS, |ctx| {
        ctx.messages_since(subscriber, back).len() >= PROBE
    })
    .await;
    ctx.settle(ANSWER_MS / 5).await;
    let kept: Vec<Option<usize>> = ctx
        .messages_since(subscriber, back)
        .iter()
        .map(|message| String::from_utf8_lossy(&message.payload).parse().ok())
        .collect();
    let name = "offline queue";
    let count = kept.len();
    let limit = if count >= PROBE {
        Limit::at_least(name, count as u64, LimitUnit::Messages)
    } else {
        Limit::exact(name, count as u64, LimitUnit::Messages)
    };
    let in_a_row = kept
        .windows(2)
        .all(|pair| matches!(pair, [Some(a), Some(b)] if *b == a + 1));
    let expected = format!(
        "of {PROBE} QoS 1 messages published while away, the ones kept delivered on return in order, none missing between them; {WARN_BELOW} or more kept"
    );
    let seen = format!(
        "{count} kept{}: queue {}",
        match (kept.first(), kept.last()) {
            (Some(Some(first)), Some(Some(last))) if count > 0 =>
                format!(", from #{first} to #{last}"),
            _ => String::new(),
        },
        limit.value_text()
    );
    let verdict = if !in_a_row {
        Verdict::Fail
    } else if count < WARN_BELOW {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Ok(Outcome::new(verdict, expected, seen).with_limit(limit))
}
