//! Packet identifiers on the receiving side: a QoS 1 PUBACK carries the PUBLISH's identifier,
//! and once it is sent the identifier is free: a new PUBLISH with it is a new message.

use super::CheckRun;
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::outcome::Outcome;
use crate::codec::{Packet, Pid, Publish, QoS, QosPid};
use crate::trace::Direction;

/// The identifier the check's own PUBLISH packets use: far from the session's, which counts up
/// from 1.
const REUSED: u16 = 40_000;

/// Two QoS 1 PUBLISH with the same packet identifier, the second after the first's PUBACK: both
/// acknowledged with that identifier, both forwarded.
pub async fn qos1_reused(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let pid = Pid::new(REUSED).ok_or_else(|| Outcome::broken("packet id 0"))?;
    let mark = ctx.mark();
    let mut acks = Vec::new();
    for payload in ["first", "second"] {
        let publish = Publish::new(ctx.topic("t"), QosPid::AtLeastOnce(pid), payload);
        let before = ctx.mark();
        ctx.inject(publisher, &Packet::Publish(publish))?;
        let mut ack = None;
        ctx.wait_for(ANSWER_MS, |ctx| {
            ack = ctx
                .records_since(publisher, before, Direction::Incoming)
                .find_map(|record| match &record.packet {
                    Ok(Packet::PubAck(puback)) => Some(puback.pid.get()),
                    _ => None,
                });
            ack.is_some()
        })
        .await;
        acks.push(ack.map_or_else(|| "none".to_owned(), |pid| pid.to_string()));
    }
    ctx.messages_arrive(subscriber, mark, 2).await;
    ctx.settle(200).await;
    let got = ctx.payloads_since(subscriber, mark);
    let reused = REUSED.to_string();
    Ok(Outcome::judge(
        acks == [reused.as_str(), reused.as_str()] && got == ["first", "second"],
        format!("PUBACK {REUSED} for each; the subscriber gets \"first\" and \"second\""),
        format!("PUBACK packet ids {acks:?}; the subscriber got {got:?}"),
    ))
}
