//! The will: published when a connection ends without DISCONNECT, not after one.

use super::{describe, CheckRun};
use crate::check::context::Ctx;
use crate::check::outcome::Outcome;
use crate::codec::{QoS, Will};

async fn watcher_and_will(ctx: &mut Ctx) -> Result<(usize, usize), Outcome> {
    // A Will above Maximum QoS is refused at CONNECT [v5 MQTT-3.2.2-12].
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let watcher = ctx.open_clean("watcher").await?;
    ctx.subscribe_one(watcher, "will", QoS::AtLeastOnce).await?;
    let mut options = ctx.options("mortal");
    options.will = Some(Will {
        topic: ctx.topic("will"),
        payload: "gone".into(),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: Default::default(),
    });
    let mortal = ctx.open("mortal", options).await?;
    Ok((watcher, mortal))
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
