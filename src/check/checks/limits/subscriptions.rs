//! The most topic filters one SUBSCRIBE may carry. The broker may refuse any filter, or close
//! the connection on a packet too large for it, but its SUBACK must hold one code per filter
//! ([v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6]), in their order ([MQTT-3.9.3-1]).

use super::{reopen, Answer, Budget, Search};
use crate::check::checks::CheckRun;
use crate::check::context::Ctx;
use crate::check::limit::LimitUnit;
use crate::check::outcome::{Outcome, Verdict};
use crate::clients::ClientIndex;
use crate::codec::{Packet, Properties, QoS, SubscriptionOptions};

/// Filters in the largest SUBSCRIBE tried, each under the run's prefix (about 30 KiB).
const PROBE: u64 = 500;
/// How long the search may take on a real broker.
const BUDGET_MS: u64 = 15_000;

/// A SUBSCRIBE of `PROBE` filters, then fewer if the broker closes the connection on it.
pub async fn per_subscribe(ctx: &mut Ctx) -> CheckRun {
    let budget = Budget::new(ctx, BUDGET_MS);
    let mut opened = 1;
    let mut client = ctx.open_clean("client").await?;
    let mut search = Search::new(1, PROBE, PROBE);
    while let Some(count) = search.next() {
        if budget.spent(ctx) {
            break;
        }
        let answer = granted(ctx, client, count).await?;
        if answer.as_ref().is_err_and(|how| how.starts_with("closed")) {
            client = reopen(ctx, &mut opened).await?;
        }
        search.record(count, answer);
    }
    let limit = search.limit("topic filters per SUBSCRIBE", LimitUnit::Filters, false);
    Ok(Outcome::new(
        Verdict::Pass,
        "a SUBACK with one code per filter, in order [v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6], [MQTT-3.9.3-1]",
        format!("granted {}{}", limit.value_text(), search.refusal(LimitUnit::Filters)),
    )
    .with_limit(limit))
}

/// Subscribes to `count` filters at once: taken when all are granted; refused when the broker
/// closes the connection, or with how many it granted. A SUBACK with another number of codes
/// fails the check.
async fn granted(ctx: &mut Ctx, client: ClientIndex, count: u64) -> Result<Answer, Outcome> {
    let filters: Vec<(String, SubscriptionOptions)> = (0..count)
        .map(|index| {
            (
                ctx.topic(&format!("{count}/{index}")),
                SubscriptionOptions::qos(QoS::AtLeastOnce),
            )
        })
        .collect();
    let mark = ctx.mark();
    let result = ctx.subscribe(client, filters, Properties::default()).await;
    let codes = ctx
        .received_since(client, mark)
        .find_map(|packet| match packet {
            Packet::SubAck(suback) => Some(suback.reasons.len()),
            _ => None,
        });
    if let Some(codes) = codes.filter(|codes| *codes as u64 != count) {
        return Err(Outcome::new(
            Verdict::Fail,
            "one SUBACK code per topic filter [v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6]",
            format!("a SUBSCRIBE of {count} filters got a SUBACK with {codes} codes"),
        ));
    }
    match result {
        Ok(results) => {
            let granted = results.iter().filter(|result| result.is_ok()).count();
            match results.iter().find_map(|result| result.err()) {
                None => Ok(Ok(())),
                Some(code) => Ok(Err(format!(
                    "granted {granted}, refused the rest (SUBACK {code})"
                ))),
            }
        }
        Err(outcome) => match ctx.lost_since(client, mark) {
            Some(cause) => Ok(Err(format!("closed the connection ({cause})"))),
            None => Err(outcome),
        },
    }
}
