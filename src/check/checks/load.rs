//! Load within bounds: a burst of 1,000 messages. It can be switched off, and is bounded in
//! count and time (the largest payload is a limit: `limits::payload`).

use std::collections::HashMap;

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;

/// Messages in a burst.
pub const BURST: usize = 1_000;
/// How long a burst may take before the check gives up, in ms.
const BURST_LIMIT_MS: u64 = 30_000;

/// `BURST` messages at `qos` published back to back all arrive, each once.
pub async fn burst(ctx: &mut Ctx, qos: u8) -> CheckRun {
    let qos = QoS::from_u8(qos).unwrap_or(QoS::AtLeastOnce);
    if qos == QoS::ExactlyOnce {
        ctx.declared().exactly_once()?;
    }
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "burst", qos).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let start = ctx.elapsed();
    for index in 0..BURST {
        ctx.publish_to(publisher, "burst", &index.to_string(), qos, false)?;
    }
    ctx.wait_for(BURST_LIMIT_MS, |ctx| {
        ctx.messages_since(subscriber, mark).len() >= BURST
    })
    .await;
    ctx.settle(300).await;
    let took = ctx.elapsed() - start;
    let mut counts: HashMap<&[u8], usize> = HashMap::new();
    let messages = ctx.messages_since(subscriber, mark);
    for message in &messages {
        *counts.entry(&message.payload[..]).or_default() += 1;
    }
    let distinct = counts.len();
    let repeated = messages.len() - distinct;
    let expected = format!(
        "all {BURST} messages at QoS {} arrive, each once",
        qos.as_u8()
    );
    let seen = format!(
        "{distinct} of {BURST} arrived{} in {took} ms",
        if repeated > 0 {
            format!(", {repeated} more than once")
        } else {
            String::new()
        }
    );
    let verdict = match (distinct == BURST, repeated) {
        (false, _) => Verdict::Fail,
        (true, 0) => Verdict::Pass,
        // At least once allows repeats; exactly once does not.
        (true, _) if qos == QoS::AtLeastOnce => Verdict::Warn,
        (true, _) => Verdict::Fail,
    };
    Ok(Outcome::new(verdict, expected, seen))
}
