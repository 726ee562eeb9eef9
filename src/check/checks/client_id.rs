//! Client identifiers the server must take: 23 letters and digits, and none at all, for which
//! it assigns one of its own to each client.

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::QoS;
use crate::session::LostCause;

/// A client id of 23 letters and digits is accepted.
pub async fn twenty_three_characters(ctx: &mut Ctx) -> CheckRun {
    let client_id = ctx.plain_client_id();
    let mut options = ctx.options("plain");
    options.client_id = client_id.clone();
    let client = ctx.add("plain", options);
    let expected =
        format!("CONNACK accepting the client id \"{client_id}\" (23 letters and digits)");
    Ok(match ctx.connect(client).await {
        Ok(_) => Outcome::new(Verdict::Pass, expected, "accepted"),
        Err(cause) => Outcome::new(Verdict::Fail, expected, cause.to_string()),
    })
}

/// Two clients without a client id (clean session): each gets an id of its own, so both stay
/// connected and each receives its own messages.
pub async fn empty_ids_unique(ctx: &mut Ctx) -> CheckRun {
    let mut clients = Vec::new();
    for name in ["anonymous-a", "anonymous-b"] {
        let mut options = ctx.options(name);
        options.client_id.clear();
        let client = ctx.add(name, options);
        match ctx.connect(client).await {
            Ok(_) => clients.push(client),
            Err(LostCause::Refused { reason, .. }) => {
                return Ok(Outcome::skipped(format!(
                "the broker refuses zero-length client ids with {reason}, as [MQTT-3.1.3-8] allows"
            )))
            }
            Err(cause) => {
                return Err(Outcome::broken(format!(
                    "{name} could not connect without a client id: {cause}"
                )))
            }
        }
    }
    let mark = ctx.mark();
    for (client, suffix) in clients.iter().zip(["a", "b"]) {
        ctx.subscribe_one(*client, suffix, QoS::AtMostOnce).await?;
        ctx.publish_to(*client, suffix, suffix, QoS::AtMostOnce, false)?;
    }
    ctx.settle(500).await;
    let seen: Vec<String> = clients
        .iter()
        .zip(["a", "b"])
        .map(|(client, name)| match ctx.lost_since(*client, mark) {
            Some(cause) => format!("{name}: closed ({cause})"),
            None => format!(
                "{name}: open, {} message(s)",
                ctx.publishes_since(*client, mark).len()
            ),
        })
        .collect();
    let each_served = clients.iter().all(|client| {
        ctx.lost_since(*client, mark).is_none() && ctx.publishes_since(*client, mark).len() == 1
    });
    Ok(Outcome::judge(
        each_served,
        "both clients connected at once, each receiving its own message",
        seen.join("; "),
    ))
}
