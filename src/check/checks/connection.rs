//! Connecting, keep-alive and sessions.

use super::Step;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{PacketType, QoS};

/// A clean CONNECT is accepted with Session Present 0.
pub async fn accepted(ctx: &mut Ctx) -> Step {
    let options = ctx.options("client");
    let client = ctx.add("client", options);
    Ok(match ctx.connect(client).await {
        Ok(connected) => Outcome::judge(
            !connected.session_present,
            "CONNACK accepted, Session Present 0 for a clean session",
            format!(
                "CONNACK accepted, Session Present {}",
                u8::from(connected.session_present)
            ),
        ),
        Err(error) => Outcome::new(Verdict::Fail, "CONNACK accepted", error),
    })
}

/// An idle client's PINGREQ gets PINGRESP and the connection stays up.
pub async fn ping(ctx: &mut Ctx) -> Step {
    let mut options = ctx.options("client");
    options.keep_alive = 2;
    let client = ctx.open("client", options).await?;
    let mark = ctx.mark();
    ctx.settle(3_500).await;
    let pings = ctx.count_received(client, mark, PacketType::PingResp);
    let lost = ctx.lost_since(client, mark).map(ToString::to_string);
    Ok(Outcome::judge(
        pings >= 1 && lost.is_none(),
        "PINGRESP for each PINGREQ (keep alive 2 s), the connection open",
        format!(
            "{pings} PINGRESP in 3.5 s; {}",
            lost.unwrap_or_else(|| "connection open".into())
        ),
    ))
}

/// How long a silent client waits to be disconnected before the check fails; a close after
/// 1.5 × keep alive + 1 s but before this is late (a warning: some brokers check coarsely).
const GIVE_UP_MS: u64 = 12_000;

/// A client silent past 1.5 times its keep alive is disconnected by the server.
pub async fn keep_alive_enforced(ctx: &mut Ctx) -> Step {
    let mut options = ctx.options("silent");
    options.keep_alive = 2;
    let client = ctx.open("silent", options).await?;
    let mark = ctx.mark();
    ctx.stop_pinging(client);
    let start = ctx.elapsed();
    let closed = ctx
        .wait_for(GIVE_UP_MS, |ctx| ctx.lost_since(client, mark).is_some())
        .await;
    let after = ctx.elapsed() - start;
    let expected =
        "the server closes the connection 3 s (1.5 × keep alive 2 s) after the last packet";
    Ok(if !closed {
        Outcome::new(
            Verdict::Fail,
            expected,
            format!("still open after {} s of silence", GIVE_UP_MS / 1000),
        )
    } else if after < 2_000 {
        Outcome::new(
            Verdict::Fail,
            expected,
            format!("closed after {after} ms, before the keep alive had passed"),
        )
    } else if after <= 4_000 {
        Outcome::new(Verdict::Pass, expected, format!("closed after {after} ms"))
    } else {
        Outcome::new(
            Verdict::Warn,
            expected,
            format!("closed after {after} ms: late (a coarse keep-alive timer)"),
        )
    })
}

/// A persistent session is resumed with Session Present 1 and gets what was published while away.
pub async fn session_present(ctx: &mut Ctx) -> Step {
    let away = ctx.open_persistent("away").await?;
    ctx.subscribe_one(away, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(away).await;
    let publisher = ctx.open_clean("publisher").await?;
    let flow = ctx.publish_to(publisher, "t", "while away", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    let mark = ctx.mark();
    let connected = ctx
        .connect(away)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    ctx.messages_arrive(away, mark, 1).await;
    let got: Vec<String> = ctx
        .messages_since(away, mark)
        .iter()
        .map(|message| String::from_utf8_lossy(&message.payload).into_owned())
        .collect();
    Ok(Outcome::judge(
        connected.session_present && got == ["while away"],
        "Session Present 1 on reconnect, and the QoS 1 message published while away",
        format!(
            "Session Present {}, received {:?}",
            u8::from(connected.session_present),
            got
        ),
    ))
}

/// v5: an empty client id gets an Assigned Client Identifier.
pub async fn assigned_client_id(ctx: &mut Ctx) -> Step {
    let mut options = ctx.options("anonymous");
    options.client_id.clear();
    let client = ctx.add("anonymous", options);
    let connected = ctx
        .connect(client)
        .await
        .map_err(|error| Outcome::broken(format!("an empty client id was refused: {error}")))?;
    let assigned = connected.properties.assigned_client_identifier.clone();
    Ok(Outcome::judge(
        assigned.as_deref().is_some_and(|id| !id.is_empty()),
        "CONNACK with an Assigned Client Identifier",
        match assigned {
            Some(id) => format!("assigned \"{id}\""),
            None => "no Assigned Client Identifier".into(),
        },
    ))
}

/// v5: a refused CONNECT names its reason (code, and ideally a Reason String).
pub async fn refusal_reason(ctx: &mut Ctx) -> Step {
    let mut options = ctx.options("refused");
    options.properties.authentication_method = Some("qoscope-no-such-method".into());
    let client = ctx.add("refused", options);
    let mark = ctx.mark();
    let result = ctx.connect(client).await;
    let connack = ctx
        .received_since(client, mark)
        .find_map(|packet| match packet {
            crate::codec::Packet::ConnAck(connack) => Some(connack.clone()),
            _ => None,
        });
    let expected = "CONNACK with a failure code (0x8C Bad authentication method or 0x87 Not authorized) for an unknown Authentication Method, with a Reason String";
    Ok(match (result, connack) {
        (Ok(_), _) => Outcome::new(
            Verdict::Fail,
            expected,
            "accepted a CONNECT with an authentication method it cannot know",
        ),
        (Err(_), Some(connack)) => match &connack.properties.reason_string {
            Some(text) => Outcome::new(
                Verdict::Pass,
                expected,
                format!("{}: \"{text}\"", connack.reason),
            ),
            None => Outcome::new(
                Verdict::Warn,
                expected,
                format!(
                    "{} without a Reason String (allowed, less helpful)",
                    connack.reason
                ),
            ),
        },
        (Err(error), None) => Outcome::new(
            Verdict::Warn,
            expected,
            format!("closed without a CONNACK ({error}); allowed, but says nothing"),
        ),
    })
}
