//! The longest topic and the most topic levels a broker takes. A topic is a UTF-8 string of at
//! most 65,535 bytes ([MQTT-4.7.3-3]; v3 §1.5.3, v5 §1.5.4) with as many levels as fit; a broker
//! may take less, and says no with a SUBACK failure code, a PUBACK reason code (5.0) or by
//! closing the connection. Each probe subscribes to the topic and publishes to it: taken when
//! the message comes back with that very topic ([MQTT-3.3.2-3]).

use super::{ceiling, declared_bound, publish_refusal, reopen, Answer, Budget, Search};
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::limit::LimitUnit;
use crate::check::outcome::{Outcome, Verdict};
use crate::clients::ClientIndex;
use crate::codec::{Properties, QoS, SubscriptionOptions};
use crate::session::{Event, PublishRequest};

/// How long each search may take on a real broker: up to 17 probes of a subscribe and a
/// publish, the largest carrying 64 KiB of topic each way.
const BUDGET_MS: u64 = 20_000;
/// The most bytes a topic can have ([MQTT-4.7.3-3]).
const MOST_BYTES: u64 = 65_535;
/// What a PUBLISH or SUBSCRIBE needs besides its topic, at most: fixed header (5), topic length
/// (2), packet identifier (2), properties length (1), the probe's payload (5) or options (1).
const PACKET_ROOM: u64 = 16;

/// The longest topic the broker takes, in bytes.
pub async fn length(ctx: &mut Ctx) -> CheckRun {
    let prefix = ctx.topic("");
    let (most, declared) = ceiling(ctx, MOST_BYTES, PACKET_ROOM);
    let search = Search::new(prefix.len() as u64 + 1, most, most);
    let build = |bytes: u64| format!("{prefix}{}", "x".repeat(bytes as usize - prefix.len()));
    run(
        ctx,
        search,
        ("topic length", LimitUnit::Bytes),
        declared,
        build,
    )
    .await
}

/// The most topic levels the broker takes.
pub async fn levels(ctx: &mut Ctx) -> CheckRun {
    let prefix = ctx.topic("");
    // The prefix ends with '/': its levels and one more are the fewest a probe has.
    let base = prefix.matches('/').count() as u64 + 1;
    let (bytes, declared) = ceiling(ctx, MOST_BYTES, PACKET_ROOM);
    let most = base + (bytes - prefix.len() as u64 - 1) / 2;
    let search = Search::new(base, most, most);
    let build = |levels: u64| format!("{prefix}l{}", "/l".repeat((levels - base) as usize));
    run(
        ctx,
        search,
        ("topic levels", LimitUnit::Levels),
        declared,
        build,
    )
    .await
}

/// Runs the search for the limit `(name, unit)`; `declared` is the Maximum Packet Size that
/// bounds it, if one does.
async fn run(
    ctx: &mut Ctx,
    mut search: Search,
    (name, unit): (&str, LimitUnit),
    declared: Option<u32>,
    build: impl Fn(u64) -> String,
) -> CheckRun {
    let budget = Budget::new(ctx, BUDGET_MS);
    let mut opened = 1;
    let mut client = ctx.open_clean("client").await?;
    while let Some(value) = search.next() {
        if budget.spent(ctx) {
            break;
        }
        let answer = taken(ctx, client, build(value)).await?;
        if answer.as_ref().is_err_and(|how| how.starts_with("closed")) {
            client = reopen(ctx, &mut opened).await?;
        }
        search.record(value, answer);
    }
    let limit = search.limit(name, unit, true);
    let refusal = search.refusal(unit);
    let bound = declared_bound(declared.filter(|_| refusal.is_empty() && !limit.at_least));
    let seen = format!("took {}{bound}{refusal}", limit.value_text());
    Ok(Outcome::new(
        Verdict::Pass,
        "the limit found by trying (a topic may have up to 65,535 bytes), each topic delivered as published",
        seen,
    )
    .with_limit(limit))
}

/// Whether the broker takes `topic`: a subscription to it is granted, and a QoS 1 message
/// published to it comes back with it. A topic delivered otherwise fails the check.
async fn taken(ctx: &mut Ctx, client: ClientIndex, topic: String) -> Result<Answer, Outcome> {
    let mark = ctx.mark();
    let subscription = vec![(topic.clone(), SubscriptionOptions::qos(QoS::AtLeastOnce))];
    match ctx
        .subscribe(client, subscription, Properties::default())
        .await
    {
        Ok(codes) => match codes.first() {
            Some(Ok(_)) => {}
            Some(Err(code)) => return Ok(Err(format!("SUBACK {code}"))),
            None => return Err(Outcome::broken("SUBACK without a code")),
        },
        Err(outcome) => {
            return match ctx.lost_since(client, mark) {
                Some(cause) => Ok(Err(format!("closed the connection on SUBSCRIBE ({cause})"))),
                None => Err(outcome),
            }
        }
    }
    let flow = ctx.publish(
        client,
        PublishRequest::new(topic.clone(), "probe", QoS::AtLeastOnce),
    )?;
    let mut answer = None;
    ctx.wait_for(ANSWER_MS, |ctx| {
        answer = ctx
            .events_since(client, mark)
            .find_map(|event| match event {
                Event::Message(message) => Some(Ok(message.topic.to_string())),
                event => publish_refusal(event, flow).map(Err),
            });
        answer.is_some()
    })
    .await;
    match answer {
        Some(Ok(delivered)) if delivered == topic => Ok(Ok(())),
        Some(Ok(delivered)) => Err(Outcome::new(
            Verdict::Fail,
            "a message comes back with the topic it was published to [MQTT-3.3.2-3]",
            format!(
                "published to a topic of {} bytes, delivered with one of {} bytes",
                topic.len(),
                delivered.len()
            ),
        )),
        Some(Err(how)) => Ok(Err(how)),
        None => Ok(Err(format!("not delivered within {ANSWER_MS} ms"))),
    }
}
