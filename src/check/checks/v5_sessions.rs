//! 5.0 sessions: how long they last (Session Expiry Interval absent is 0; DISCONNECT may change
//! it), whose they are (an Assigned Client Identifier names one session), and which connection
//! holds one (a second connection takes it over).

use super::connection::{connect_anonymous, reconnect_session_present};
use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Disconnect, Packet, QoS, ReasonCode};

/// Clean Start 0 without a Session Expiry Interval: the session ends with the connection, so
/// the reconnect finds none (Session Present 0) and gets nothing published meanwhile
/// ([v5 MQTT-4.1.0-2], [v5 MQTT-3.1.2-6]).
pub async fn expiry_absent(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("brief");
    options.clean_start = false;
    options.properties.session_expiry_interval = None;
    let brief = ctx.open("brief", options).await?;
    ctx.subscribe_one(brief, "t", QoS::AtLeastOnce).await?;
    ctx.disconnect(brief).await;
    let publisher = ctx.open_clean("publisher").await?;
    let flow = ctx.publish_to(publisher, "t", "while away", QoS::AtLeastOnce, false)?;
    // Nobody may be subscribed now, and a broker may refuse such a publish: any answer will do.
    ctx.answered(publisher, flow).await;
    let mark = ctx.mark();
    let connected = ctx
        .connect(brief)
        .await
        .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
    ctx.settle(500).await;
    let got = ctx.publishes_since(brief, mark).len();
    Ok(Outcome::judge(
        !connected.session_present && got == 0,
        "Clean Start 0, no Session Expiry Interval: after a DISCONNECT the reconnect gets Session Present 0 and no message",
        format!(
            "Session Present {}, {got} message(s)",
            u8::from(connected.session_present)
        ),
    ))
}

/// A Session Expiry Interval of 0 on DISCONNECT ends a session that CONNECT asked to keep for
/// 300 s (v5 §3.14.2.2.2, [v5 MQTT-4.1.0-2]); without it the session is kept.
pub async fn expiry_on_disconnect(ctx: &mut Ctx) -> CheckRun {
    let ended = ctx.open_persistent("ended").await?;
    let kept = ctx.open_persistent("kept").await?;
    let mut disconnect = Disconnect::normal();
    disconnect.properties.session_expiry_interval = Some(0);
    ctx.disconnect_with(ended, disconnect).await;
    ctx.disconnect(kept).await;
    ctx.settle(300).await;
    let present = reconnect_session_present(ctx, &[ended, kept]).await?;
    Ok(Outcome::judge(
        present == [0, 1],
        "CONNECT with expiry 300 s: after DISCONNECT with Session Expiry Interval 0, Session Present 0; after a plain DISCONNECT, 1",
        format!(
            "Session Present {} after expiry 0 on DISCONNECT, {} after a plain one",
            present[0], present[1]
        ),
    ))
}

/// Two clients with empty client ids get different Assigned Client Identifiers, so neither takes
/// the other's session over; the assigned id then names the session, which a reconnect with it
/// resumes ([v5 MQTT-3.1.3-6], [-7]).
pub async fn assigned_client_id_session(ctx: &mut Ctx) -> CheckRun {
    let mut assigned = Vec::new();
    let mark = ctx.mark();
    for name in ["anonymous-1", "anonymous-2"] {
        let mut options = ctx.options(name);
        options.properties.session_expiry_interval = Some(300);
        let (client, connected) = connect_anonymous(ctx, name, options).await?;
        let Some(id) = connected.properties.assigned_client_identifier.clone() else {
            return Err(Outcome::skipped(
                "the broker assigned no client identifier (the check v5-assigned-client-id judges that)",
            ));
        };
        // Its session outlives the connection: the clean-up ends it by this id.
        ctx.end_session_at_end(id.clone());
        assigned.push((client, id));
    }
    ctx.settle(300).await;
    let (first, first_id) = assigned[0].clone();
    let first_lost = ctx.lost_since(first, mark).map(ToString::to_string);
    let distinct = assigned[0].1 != assigned[1].1;
    let mut resumed = None;
    if first_lost.is_none() {
        ctx.subscribe_one(first, "t", QoS::AtMostOnce).await?;
        ctx.disconnect(first).await;
        let options = ctx.persistent_options("resumed");
        let options = crate::session::ConnectOptions {
            client_id: first_id.clone(),
            ..options
        };
        let (_, connected) = ctx.open_for_connack("resumed", options).await?;
        resumed = Some(connected.session_present);
    }
    Ok(Outcome::judge(
        distinct && first_lost.is_none() && resumed == Some(true),
        "two different Assigned Client Identifiers, both connections kept; reconnecting with the first id resumes its session (Session Present 1)",
        format!(
            "assigned \"{}\" and \"{}\"; {}",
            assigned[0].1,
            assigned[1].1,
            match (first_lost, resumed) {
                (Some(cause), _) => format!("the first connection was lost: {cause}"),
                (None, Some(present)) => format!("Session Present {} on resuming \"{first_id}\"", u8::from(present)),
                (None, None) => "not resumed".to_owned(),
            }
        ),
    ))
}

/// A second connection with the same client id takes the session over: the first is closed
/// [v5 MQTT-3.1.4-3], after DISCONNECT 0x8E Session taken over (a close without it warns), and
/// a server's DISCONNECT carries no Session Expiry Interval ([v5 MQTT-3.14.2-1], [-2]).
pub async fn session_taken_over(ctx: &mut Ctx) -> CheckRun {
    let holder = ctx.open_clean("holder").await?;
    let options = ctx.options("holder");
    let mark = ctx.mark();
    ctx.open("taker", options).await?;
    ctx.wait_for(2_000, |ctx| ctx.lost_since(holder, mark).is_some())
        .await;
    let disconnect = ctx
        .received_since(holder, mark)
        .find_map(|packet| match packet {
            Packet::Disconnect(disconnect) => Some(disconnect.clone()),
            _ => None,
        });
    let lost = ctx.lost_since(holder, mark).map(ToString::to_string);
    let expected = "the first connection closed after DISCONNECT 0x8E Session taken over, without Session Expiry Interval";
    Ok(match (lost, disconnect) {
        (None, _) => Outcome::new(
            Verdict::Fail,
            expected,
            "the first connection stayed open beside the second",
        ),
        (Some(_), Some(disconnect)) if disconnect.properties.session_expiry_interval.is_some() => {
            Outcome::new(
                Verdict::Fail,
                expected,
                format!(
                    "DISCONNECT {} with a Session Expiry Interval, which only a client may send",
                    disconnect.reason
                ),
            )
        }
        (Some(_), Some(disconnect)) if disconnect.reason == ReasonCode::SessionTakenOver => {
            Outcome::new(
                Verdict::Pass,
                expected,
                format!("DISCONNECT {}", disconnect.reason),
            )
        }
        (Some(_), Some(disconnect)) => Outcome::new(
            Verdict::Warn,
            expected,
            format!("closed after DISCONNECT {}", disconnect.reason),
        ),
        (Some(cause), None) => Outcome::new(
            Verdict::Warn,
            expected,
            format!("closed without DISCONNECT: {cause}"),
        ),
    })
}
