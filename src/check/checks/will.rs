//! The will: published when a connection ends without DISCONNECT, not after one, and in 5.0
//! not before its Will Delay Interval, and after a DISCONNECT that asks for it (0x04).

use super::{describe, CheckRun};
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::{Disconnect, Properties, QoS, ReasonCode, Will};

async fn watcher_and_will(ctx: &mut Ctx) -> Result<(usize, usize), Outcome> {
    let watcher = watcher(ctx).await?;
    let mut options = ctx.options("mortal");
    options.will = Some(will(ctx, "gone", Properties::default()));
    let mortal = ctx.open("mortal", options).await?;
    Ok((watcher, mortal))
}

/// A client subscribed to the wills of the check.
async fn watcher(ctx: &mut Ctx) -> Result<usize, Outcome> {
    // A Will above Maximum QoS is refused at CONNECT [v5 MQTT-3.2.2-12].
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let watcher = ctx.open_clean("watcher").await?;
    ctx.subscribe_one(watcher, "will", QoS::AtLeastOnce).await?;
    Ok(watcher)
}

fn will(ctx: &Ctx, payload: &'static str, properties: Properties) -> Will {
    Will {
        topic: ctx.topic("will"),
        payload: payload.into(),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties,
    }
}

/// A connection that drops without DISCONNECT: the broker publishes the will.
pub async fn on_abnormal_close(ctx: &mut Ctx) -> CheckRun {
    let (watcher, mortal) = watcher_and_will(ctx).await?;
    let mark = ctx.mark();
    ctx.cut(mortal).await;
    ctx.wait_for(5_000, |ctx| !ctx.publishes_since(watcher, mark).is_empty())
        .await;
    let got = ctx.publishes_since(watcher, mark);
    Ok(Outcome::judge(
        got.len() == 1 && &got[0].payload[..] == b"gone",
        "the will \"gone\" published within 5 s of the connection dropping",
        describe(&got),
    ))
}

/// A normal DISCONNECT discards the will.
pub async fn not_on_disconnect(ctx: &mut Ctx) -> CheckRun {
    let (watcher, mortal) = watcher_and_will(ctx).await?;
    let mark = ctx.mark();
    ctx.disconnect(mortal).await;
    ctx.settle(1_000).await;
    let got = ctx.publishes_since(watcher, mark);
    Ok(Outcome::judge(
        got.is_empty(),
        "no will after DISCONNECT (normal)",
        describe(&got),
    ))
}

/// v5: a Will with a Will Delay Interval of 2 s, on a session that outlives it, is published
/// after the delay, not at the drop (v5 §3.1.3.2.2); a reconnect within the delay cancels it
/// [v5 MQTT-3.1.3-9].
pub async fn delay(ctx: &mut Ctx) -> CheckRun {
    let watcher = watcher(ctx).await?;
    let mut two_seconds = Properties::default();
    two_seconds.will_delay_interval = Some(2);
    let mut clients = Vec::new();
    for (name, payload) in [("delayed", "late"), ("returning", "cancelled")] {
        let mut options = ctx.persistent_options(name);
        options.will = Some(will(ctx, payload, two_seconds.clone()));
        clients.push(ctx.open(name, options).await?);
    }
    let (delayed, returning) = (clients[0], clients[1]);
    let mark = ctx.mark();
    ctx.cut(delayed).await;
    ctx.cut(returning).await;
    ctx.connect(returning)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    ctx.settle(1_000).await;
    let early = ctx.publishes_since(watcher, mark).len();
    ctx.wait_for(5_000, |ctx| !ctx.publishes_since(watcher, mark).is_empty())
        .await;
    // Let a cancelled Will show if it comes after all.
    ctx.settle(1_500).await;
    let got = ctx.publishes_since(watcher, mark);
    let payloads: Vec<&[u8]> = got.iter().map(|publish| &publish.payload[..]).collect();
    Ok(Outcome::judge(
        early == 0 && payloads == [b"late"],
        "Will Delay Interval 2 s: nothing in the first second after the drop, then \"late\"; no \"cancelled\" from the client that reconnected within the delay",
        format!("{early} in the first second; in all: {}", describe(&got)),
    ))
}

/// v5: DISCONNECT 0x04 Disconnect with Will Message has the Will published (v5 §3.14.2.1);
/// DISCONNECT 0x00 discards it [v5 MQTT-3.14.4-3].
pub async fn disconnect_with_will(ctx: &mut Ctx) -> CheckRun {
    let watcher = watcher(ctx).await?;
    let mut clients = Vec::new();
    for (name, payload) in [("asking", "asked for"), ("normal", "discarded")] {
        let mut options = ctx.options(name);
        options.will = Some(will(ctx, payload, Properties::default()));
        clients.push(ctx.open(name, options).await?);
    }
    let mark = ctx.mark();
    ctx.disconnect_with(
        clients[0],
        Disconnect::with_reason(ReasonCode::DisconnectWithWillMessage),
    )
    .await;
    ctx.disconnect(clients[1]).await;
    ctx.wait_for(5_000, |ctx| !ctx.publishes_since(watcher, mark).is_empty())
        .await;
    // Let a discarded Will show if it comes after all.
    ctx.settle(1_000).await;
    let got = ctx.publishes_since(watcher, mark);
    let payloads: Vec<&[u8]> = got.iter().map(|publish| &publish.payload[..]).collect();
    Ok(Outcome::judge(
        payloads == [b"asked for"],
        "the Will \"asked for\" published after DISCONNECT 0x04; \"discarded\" not, after DISCONNECT 0x00",
        describe(&got),
    ))
}

/// Will Retain decides how the Will is published: with Will Retain 1 it is stored as a retained
/// message (a later subscriber gets it with RETAIN 1); with 0 it is not.
pub async fn retain(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().retain()?;
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let mut mortals = Vec::new();
    for (name, retain) in [("retaining", true), ("plain", false)] {
        let mut options = ctx.options(name);
        let mut will = will(ctx, name, Properties::default());
        will.topic = ctx.topic(&format!("will/{name}"));
        will.retain = retain;
        if retain {
            ctx.retained_by_will(will.topic.clone());
        }
        options.will = Some(will);
        mortals.push(ctx.open(name, options).await?);
    }
    for mortal in mortals {
        ctx.cut(mortal).await;
    }
    ctx.settle(1_000).await;
    let late = ctx.open_clean("late").await?;
    let mark = ctx.mark();
    for name in ["retaining", "plain"] {
        ctx.subscribe_one(late, &format!("will/{name}"), QoS::AtLeastOnce)
            .await?;
    }
    ctx.settle(500).await;
    let got = ctx.publishes_since(late, mark);
    let held = got.len() == 1 && got[0].retain && &got[0].payload[..] == b"retaining";
    Ok(Outcome::judge(
        held,
        "after both connections dropped: a new subscriber gets the Will with Will Retain 1 (RETAIN 1), not the one with Will Retain 0",
        describe(&got),
    ))
}
