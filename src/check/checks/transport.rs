//! MQTT over WebSocket: the subprotocol, binary frames, and packets that do not line up with
//! frames. The simulated broker has no WebSocket, so there these checks are skipped.

use super::{describe, CheckRun};
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::outcome::Outcome;
use crate::codec::QoS;

const NO_WEBSOCKET: &str = "the simulated broker is in memory: there is no WebSocket to check";

/// The handshake selects the `mqtt` subprotocol.
pub async fn subprotocol(ctx: &mut Ctx) -> CheckRun {
    if ctx.is_simulated() {
        return Ok(Outcome::skipped(NO_WEBSOCKET));
    }
    let options = ctx.options("client");
    let client = ctx.add("client", options);
    let result = ctx.connect(client).await;
    let chosen = ctx.transport().and_then(|facts| facts.subprotocol);
    Ok(Outcome::judge(
        chosen.as_deref() == Some("mqtt") && result.is_ok(),
        "the server selects the subprotocol \"mqtt\" that the client offered",
        match (chosen, result) {
            (Some(chosen), Ok(_)) => format!("selected \"{chosen}\""),
            (chosen, result) => format!(
                "selected {chosen:?}; {}",
                result.map_or_else(|cause| cause.to_string(), |_| "connected".into())
            ),
        },
    ))
}

/// Everything the server sends comes in binary frames.
pub async fn binary_frames(ctx: &mut Ctx) -> CheckRun {
    if ctx.is_simulated() {
        return Ok(Outcome::skipped(NO_WEBSOCKET));
    }
    let client = ctx.open_clean("client").await?;
    ctx.subscribe_one(client, "t", QoS::AtLeastOnce).await?;
    let flow = ctx.publish_to(client, "t", "binary", QoS::AtLeastOnce, false)?;
    ctx.completed(client, flow).await?;
    ctx.settle(300).await;
    let facts = ctx.transport().unwrap_or_default();
    Ok(Outcome::judge(
        facts.text_frames == 0 && facts.binary_frames > 0,
        "CONNACK, SUBACK, PUBACK and PUBLISH in binary frames, no text frame",
        format!(
            "{} binary frames, {} text frames",
            facts.binary_frames, facts.text_frames
        ),
    ))
}

/// A packet split across many WebSocket messages is put back together.
pub async fn split_packets(ctx: &mut Ctx) -> CheckRun {
    if ctx.is_simulated() {
        return Ok(Outcome::skipped(NO_WEBSOCKET));
    }
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let options = ctx.options("splitter");
    let splitter = ctx.add("splitter", options);
    ctx.set_frame_limit(splitter, Some(3));
    ctx.connect(splitter)
        .await
        .map_err(|error| Outcome::broken(format!("CONNECT in 3-byte frames failed: {error}")))?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(splitter, "t", "in pieces", QoS::AtLeastOnce, false)?;
    ctx.completed(splitter, flow).await?;
    ctx.publish_arrives(subscriber, mark).await;
    let got = ctx.publishes_since(subscriber, mark);
    Ok(Outcome::judge(
        got.len() == 1 && &got[0].payload[..] == b"in pieces",
        "CONNECT and PUBLISH sent in 3-byte WebSocket messages are understood",
        format!("connected; subscriber got {}", describe(&got)),
    ))
}

/// Several packets in one WebSocket message are all read.
pub async fn coalesced_packets(ctx: &mut Ctx) -> CheckRun {
    if ctx.is_simulated() {
        return Ok(Outcome::skipped(NO_WEBSOCKET));
    }
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    // Written in one go, the three PUBLISH packets leave in one WebSocket message.
    let flows = [
        ctx.publish_to(publisher, "t", "one", QoS::AtLeastOnce, false)?,
        ctx.publish_to(publisher, "t", "two", QoS::AtLeastOnce, false)?,
        ctx.publish_to(publisher, "t", "three", QoS::AtLeastOnce, false)?,
    ];
    for flow in flows {
        ctx.completed(publisher, flow).await?;
    }
    ctx.wait_for(ANSWER_MS, |ctx| {
        ctx.publishes_since(subscriber, mark).len() >= 3
    })
    .await;
    let got = ctx.publishes_since(subscriber, mark);
    Ok(Outcome::judge(
        got.len() == 3,
        "three PUBLISH packets in one WebSocket message: all three acknowledged and delivered",
        describe(&got),
    ))
}
