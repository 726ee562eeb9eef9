//! The largest payload a broker passes on. No specification sets a minimum (a payload may fill
//! the 256 MB a packet's Remaining Length allows, v3 §2.2.3, v5 §2.1.4), so the size is a fact
//! to report; in 5.0 a declared Maximum Packet Size bounds the search (what a broker does
//! with a larger packet is the `v5-packet-too-large` check's concern, not this one's).
//!
//! The search doubles from 16 KiB while each size arrives intact at a subscriber, then halves
//! the gap to the first size that does not, within a time budget: some brokers send large
//! WebSocket messages slowly (Mosquitto 2.0 at about 40 KB/s), so a size the budget cannot pay
//! for is not tried, and the result is then "at least" the largest that arrived.

use super::{declared_bound, publish_refusal, Budget, Search};
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::limit::LimitUnit;
use crate::check::outcome::{Outcome, Verdict};
use crate::clients::ClientIndex;
use crate::codec::{Packet, ProtocolVersion, Publish, QoS, QosPid};
use crate::session::PublishRequest;

/// The first size tried.
const FIRST: u64 = 16 * 1024;
/// The largest size tried without a declared Maximum Packet Size.
const LARGEST: u64 = 1024 * 1024;
/// How long the whole search may take on a real broker.
const BUDGET_MS: u64 = 30_000;
/// A largest payload below this is reported as a warning. Broker defaults are 1 MiB or more
/// (Mosquitto sets none, HiveMQ and EMQX allow megabytes), so a lower limit was set on purpose;
/// below 256 KiB ordinary application payloads, a photo or a batch of readings, are refused.
/// No specification sets a floor, so it is never a failure.
const WARN_BELOW: u64 = 256 * 1024;

/// Finds the largest payload that arrives intact, bounded by size and time.
pub async fn largest(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "payload", QoS::AtLeastOnce)
        .await?;
    let mut publisher = ctx.open_clean("publisher").await?;
    let mut opened = 1;
    let topic = ctx.topic("payload");
    let declared = ctx.declared().maximum_packet_size;
    let fits = declared.map(|maximum| fitting(ctx.version(), &topic, maximum));
    let ceiling = fits.map_or(LARGEST, |fits| fits.min(LARGEST));
    let bounded = fits.is_some_and(|fits| fits <= LARGEST);
    let mut search = Search::new(0, FIRST.min(ceiling), ceiling);
    let budget = Budget::new(ctx, BUDGET_MS);
    // Milliseconds per KiB of the last size that arrived, to tell what the next one costs.
    let mut pace: Option<f64> = None;
    while let Some(size) = search.next() {
        let cost = pace.map_or(0, |pace| (pace * size as f64 / 1024.0) as u64);
        if cost > budget.left(ctx) {
            break;
        }
        let wait = budget.left(ctx).min(ANSWER_MS.max(cost * 3));
        let started = ctx.elapsed();
        let answer = arrives(ctx, publisher, subscriber, &topic, size, wait).await?;
        match &answer {
            Ok(()) => pace = Some((ctx.elapsed() - started) as f64 * 1024.0 / size as f64),
            Err(how) if how.starts_with("closed") => {
                opened += 1;
                publisher = ctx.open_clean(&format!("publisher {opened}")).await?;
            }
            Err(_) => {}
        }
        search.record(size, answer);
    }
    let limit = search.limit("payload size", LimitUnit::Bytes, bounded);
    let bound = declared_bound(declared.filter(|_| bounded && search.taken() == ceiling));
    let verdict = if limit.value < WARN_BELOW && !limit.at_least {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Ok(Outcome::new(
        verdict,
        format!(
            "payloads arrive intact [MQTT-1.5.5] up to the broker's limit, found within {} s; {} or more",
            BUDGET_MS / 1000,
            crate::check::Limit::exact("", WARN_BELOW, LimitUnit::Bytes).value_text()
        ),
        format!("{} arrived intact{bound}{}", limit.value_text(), search.refusal(LimitUnit::Bytes)),
    )
    .with_limit(limit))
}

/// The largest payload whose QoS 1 PUBLISH to `topic` fits in `maximum` bytes.
fn fitting(version: ProtocolVersion, topic: &str, maximum: u32) -> u64 {
    let size = |payload: usize| {
        let publish = Publish {
            dup: false,
            qos_pid: QosPid::new(QoS::AtLeastOnce, crate::codec::Pid::FIRST),
            retain: false,
            topic: topic.into(),
            payload: vec![0; payload].into(),
            properties: Default::default(),
        };
        Packet::Publish(publish)
            .encoded_len(version)
            .unwrap_or(usize::MAX)
    };
    let overhead = size(0);
    let mut payload = (maximum as usize).saturating_sub(overhead);
    // The Remaining Length grows by a byte or two with the payload.
    while payload > 0 && size(payload) > maximum as usize {
        payload -= 1;
    }
    payload as u64
}

/// Publishes a payload of `size` bytes and waits up to `wait` ms: taken when it arrives intact;
/// refused with the broker's PUBACK code, a closed connection, or nothing arriving. A payload
/// that arrives altered fails the check.
async fn arrives(
    ctx: &mut Ctx,
    publisher: ClientIndex,
    subscriber: ClientIndex,
    topic: &str,
    size: u64,
    wait: u64,
) -> Result<Result<(), String>, Outcome> {
    let payload = pattern(size);
    let mark = ctx.mark();
    let flow = ctx.publish(
        publisher,
        PublishRequest::new(topic.to_owned(), payload.clone(), QoS::AtLeastOnce),
    )?;
    let mut answer = None;
    ctx.wait_for(wait, |ctx| {
        answer = ctx
            .messages_since(subscriber, mark)
            .iter()
            .find(|message| {
                message.payload[..] == payload[..]
                    || message.payload[..] != pattern(message.payload.len() as u64)[..]
            })
            .map(|message| Ok(message.payload[..] == payload[..]))
            .or_else(|| {
                ctx.events_since(publisher, mark)
                    .find_map(|event| publish_refusal(event, flow).map(Err))
            });
        answer.is_some()
    })
    .await;
    match answer {
        Some(Ok(true)) => Ok(Ok(())),
        Some(Ok(false)) => {
            let got = ctx
                .messages_since(subscriber, mark)
                .iter()
                .map(|message| message.payload.len())
                .find(|len| *len as u64 != size)
                .unwrap_or(0);
            Err(Outcome::new(
                Verdict::Fail,
                "a payload arrives as it was published [MQTT-1.5.5]",
                format!("published {size} bytes; {got} bytes arrived, altered"),
            ))
        }
        Some(Err(how)) => Ok(Err(how)),
        None => Ok(Err(format!("not delivered within {wait} ms"))),
    }
}

/// The payload of `size` bytes: letters in a cycle that starts with the size, so that a late
/// copy of an earlier size is told from an altered copy of this one.
fn pattern(size: u64) -> Vec<u8> {
    (0..size)
        .map(|index| b'a' + ((index + size) % 26) as u8)
        .collect()
}
