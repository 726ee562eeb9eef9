//! Load within bounds: a burst of 1,000 messages and large payloads. These can be switched off,
//! and each is bounded in count and time.

use std::collections::HashMap;

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;
use crate::session::PublishRequest;

/// Messages in a burst.
pub const BURST: usize = 1_000;
/// How long a burst may take before the check gives up, in ms.
const BURST_LIMIT_MS: u64 = 30_000;
/// How long a large payload may take: some brokers send big WebSocket messages slowly
/// (Mosquitto 2.0 at about 40 KB/s), and a slow delivery is a finding to report, not a loss.
const PAYLOAD_LIMIT_MS: u64 = 60_000;

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

/// A payload of `kib` KiB arrives intact; the report gives the time it took.
pub async fn large_payload(ctx: &mut Ctx, kib: u16) -> CheckRun {
    let size = usize::from(kib) * 1024;
    ctx.declared().packet_size(size + 64)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "large", QoS::AtLeastOnce)
        .await?;
    let publisher = ctx.open_clean("publisher").await?;
    let payload: Vec<u8> = (0..size).map(|index| b'a' + (index % 26) as u8).collect();
    let mark = ctx.mark();
    let start = ctx.elapsed();
    let request = PublishRequest::new(ctx.topic("large"), payload.clone(), QoS::AtLeastOnce);
    ctx.publish(publisher, request)?;
    ctx.wait_for(PAYLOAD_LIMIT_MS, |ctx| {
        !ctx.messages_since(subscriber, mark).is_empty()
            || ctx.lost_since(publisher, mark).is_some()
    })
    .await;
    if let (Some(cause), false) = (ctx.lost_since(publisher, mark), ctx.is_v5()) {
        // 3.1.1 has no way to declare a packet size limit, and lets a broker close the
        // connection rather than take a PUBLISH ([MQTT-3.3.5-2]); 5.0 would have declared it.
        return Ok(Outcome::skipped(format!(
            "the broker closed the connection on the {kib} KiB PUBLISH ({cause}): a size limit 3.1.1 cannot declare"
        )));
    }
    let took = ctx.elapsed() - start;
    let got = ctx.messages_since(subscriber, mark);
    let intact = got.len() == 1 && got[0].payload[..] == payload[..];
    Ok(Outcome::judge(
        intact,
        format!(
            "a {kib} KiB payload arrives intact within {} s",
            PAYLOAD_LIMIT_MS / 1000
        ),
        match got.first() {
            Some(message) => format!(
                "{} bytes arrived {} in {took} ms",
                message.payload.len(),
                if intact { "intact" } else { "altered" }
            ),
            None => format!("nothing arrived in {took} ms"),
        },
    ))
}
