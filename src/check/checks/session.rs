//! Session state across connections: what a clean session discards, what a resumed one keeps,
//! Session Present for a new one, the CONNACK before anything else, and one connection per
//! client id.

use super::qos2::reconnect;
use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Packet, PacketType, QoS};
use crate::trace::Direction;

/// A stored session with a subscription, then a clean-session CONNECT with the same client id:
/// Session Present 0, the subscription gone; and after it, nothing left to resume.
pub async fn clean_session_discards(ctx: &mut Ctx) -> CheckRun {
    let stored = ctx.open_persistent("keeper").await?;
    ctx.subscribe_one(stored, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(stored).await;
    let options = ctx.options("keeper");
    let (clean, connected) = ctx.open_for_connack("keeper-clean", options).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "t", "after clean", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let delivered = ctx.publishes_since(clean, mark).len();
    ctx.disconnect(clean).await;
    let later = reconnect(ctx, stored).await?;
    Ok(Outcome::judge(
        !connected.session_present && delivered == 0 && !later,
        "the clean CONNECT: Session Present 0 and no message on the old subscription; a later resume: Session Present 0",
        format!(
            "clean CONNECT: Session Present {}, {delivered} message(s) on the old subscription; later resume: Session Present {}",
            u8::from(connected.session_present),
            u8::from(later)
        ),
    ))
}

/// A CONNECT asking to resume a session the server does not have: Session Present 0.
pub async fn new_session_present(ctx: &mut Ctx) -> CheckRun {
    let options = ctx.persistent_options("newcomer");
    let client = ctx.add("newcomer", options);
    let connected = ctx
        .connect(client)
        .await
        .map_err(|error| Outcome::broken(format!("newcomer could not connect: {error}")))?;
    Ok(Outcome::judge(
        !connected.session_present,
        "Session Present 0: no session was stored for this client id",
        format!("Session Present {}", u8::from(connected.session_present)),
    ))
}

/// A resumed session keeps its subscriptions: a message published after the reconnect arrives
/// without subscribing again.
pub async fn resumed_subscriptions(ctx: &mut Ctx) -> CheckRun {
    let client = ctx.open_persistent("returning").await?;
    ctx.subscribe_one(client, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(client).await;
    let present = reconnect(ctx, client).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "t", "after resume", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.messages_arrive(client, mark, 1).await;
    ctx.settle(200).await;
    let got = ctx.publishes_since(client, mark).len();
    Ok(Outcome::judge(
        present && got == 1,
        "Session Present 1, and the message published after the reconnect arrives on the stored subscription",
        format!("Session Present {}; {got} message(s)", u8::from(present)),
    ))
}

/// Messages queued for a session while it was away wait for the CONNACK: it is the first
/// packet of the new connection.
pub async fn connack_first(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let away = ctx.open_persistent("away").await?;
    ctx.subscribe_one(away, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(away).await;
    let publisher = ctx.open_clean("publisher").await?;
    for payload in ["queued 1", "queued 2"] {
        let flow = ctx.publish_to(publisher, "t", payload, QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    let mark = ctx.mark();
    let connected = ctx.connect(away).await;
    ctx.messages_arrive(away, mark, 2).await;
    let first: Vec<PacketType> = ctx
        .records_since(away, mark, Direction::Incoming)
        .filter_map(|record| record.packet.as_ref().ok())
        .map(Packet::packet_type)
        .take(3)
        .collect();
    let got = ctx.payloads_since(away, mark);
    let seen = format!(
        "first packets: {}; messages {got:?}{}",
        first
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        match &connected {
            Ok(_) => String::new(),
            Err(error) => format!("; the connection failed: {error}"),
        }
    );
    Ok(Outcome::judge(
        first.first() == Some(&PacketType::ConnAck)
            && connected.is_ok()
            && got == ["queued 1", "queued 2"],
        "CONNACK first, then the 2 messages queued while away",
        seen,
    ))
}

/// A second connection with a client id already connected: the server closes the first one.
pub async fn client_id_taken_over(ctx: &mut Ctx) -> CheckRun {
    let first = ctx.open_clean("twin").await?;
    let mark = ctx.mark();
    let options = ctx.options("twin");
    let second = ctx.open("twin-again", options).await?;
    ctx.wait_for(2_000, |ctx| ctx.lost_since(first, mark).is_some())
        .await;
    let first_lost = ctx.lost_since(first, mark).cloned();
    let second_lost = ctx.lost_since(second, mark).cloned();
    let expected =
        "the first connection closed (5.0: DISCONNECT 0x8E allowed before), the second open";
    Ok(match (first_lost, second_lost) {
        (Some(cause), None) => Outcome::new(
            Verdict::Pass,
            expected,
            format!("first connection: {cause}; second open"),
        ),
        (None, _) => Outcome::new(
            Verdict::Fail,
            expected,
            "both connections with the same client id stay open",
        ),
        (Some(_), Some(cause)) => Outcome::new(
            Verdict::Fail,
            expected,
            format!("both connections closed; the second: {cause}"),
        ),
    })
}
