//! Connecting, keep-alive and sessions, and the first check of each version: whether the broker
//! speaks it at all, and what it declares.

use super::CheckRun;
use crate::check::context::{Connected, Ctx};
use crate::check::declared::Declared;
use crate::check::outcome::{Outcome, Verdict};
use crate::check::version_name;
use crate::clients::ClientIndex;
use crate::codec::{PacketType, QoS, ReasonCode};
use crate::session::{ConnectOptions, LostCause};

/// 3.1.1 has no way to declare limits, and lets a broker close the connection on a PUBLISH it
/// will not take ([MQTT-3.3.5-2]; Mosquitto's `max_qos` and `retain_available false` do). So try,
/// each on a connection of its own: a QoS 2 publish (then QoS 1), and an empty retained one,
/// which stores nothing.
async fn probe_publish_limits(ctx: &mut Ctx, declared: &mut Declared) -> Result<(), Outcome> {
    declared.probed = true;
    for qos in [QoS::ExactlyOnce, QoS::AtLeastOnce] {
        if !closes_on(ctx, &format!("probe-qos{}", qos.as_u8()), qos, false).await? {
            break;
        }
        declared.maximum_qos = Some(if qos == QoS::ExactlyOnce {
            QoS::AtLeastOnce
        } else {
            QoS::AtMostOnce
        });
    }
    if closes_on(ctx, "probe-retain", QoS::AtMostOnce, true).await? {
        declared.retain_available = Some(false);
    }
    Ok(())
}

/// Whether the broker closes a fresh connection on a PUBLISH at `qos` (an empty payload when
/// `retain`) instead of taking it.
async fn closes_on(ctx: &mut Ctx, name: &str, qos: QoS, retain: bool) -> Result<bool, Outcome> {
    let client = ctx.open_clean(name).await?;
    let mark = ctx.mark();
    let payload = if retain { "" } else { "probe" };
    let mut request = crate::session::PublishRequest::new(ctx.topic(name), payload, qos);
    request.retain = retain;
    let flow = ctx.publish(client, request)?;
    ctx.wait_for(crate::check::context::ANSWER_MS, |ctx| {
        ctx.lost_since(client, mark).is_some()
            || ctx.events_since(client, mark).any(|event| {
                matches!(event, crate::session::Event::Published { flow: done, .. } if *done == flow)
            })
    })
    .await;
    // Let a close that follows the acknowledgement show too.
    ctx.settle(200).await;
    Ok(ctx.lost_since(client, mark).is_some())
}

/// The broker accepts a CONNECT of this version, or says it does not speak it (allowed: each
/// version is optional). Records what it declares: CONNACK properties, and the QoS a QoS 2
/// subscription is granted. Every later check of the version judges against that.
pub async fn version_supported(ctx: &mut Ctx) -> CheckRun {
    let options = ctx.options("probe");
    let client = ctx.add("probe", options);
    let version = version_name(ctx.version());
    let expected = format!(
        "CONNACK accepting MQTT {version}, or the refusal that says the version is not supported"
    );
    let connected = match ctx.connect(client).await {
        Ok(connected) => connected,
        Err(LostCause::UnsupportedVersion(_)) => {
            let why = format!("the broker does not support MQTT {version}: it answered 'unsupported protocol version'");
            ctx.set_declared(Declared::unsupported(why.clone()));
            return Ok(Outcome::skipped(why));
        }
        Err(LostCause::ClosedBeforeConnAck { reason, .. }) => {
            let why = format!("the broker closed the connection without a CONNACK ({reason}): it does not take MQTT {version} here");
            ctx.set_declared(Declared::unsupported(why.clone()));
            return Ok(Outcome::skipped(why));
        }
        Err(cause) => {
            let why = format!("MQTT {version} could not be checked: {cause}");
            ctx.set_declared(Declared::unsupported(why.clone()));
            return Ok(Outcome::new(Verdict::Fail, expected, why));
        }
    };
    let mut declared = Declared::from_connack(&connected.properties);
    let results = ctx
        .subscribe(
            client,
            vec![(
                ctx.topic("grant"),
                crate::codec::SubscriptionOptions::qos(QoS::ExactlyOnce),
            )],
            Default::default(),
        )
        .await?;
    declared.granted_for_qos2 = results
        .first()
        .and_then(|result| result.as_ref().ok().copied());
    if !ctx.is_v5() {
        probe_publish_limits(ctx, &mut declared).await?;
    }
    let seen = match declared.phrases().as_slice() {
        [] => "accepted; declares no limits".to_owned(),
        phrases => format!("accepted; declares {}", phrases.join(", ")),
    };
    ctx.set_declared(declared);
    Ok(Outcome::new(Verdict::Pass, expected, seen))
}
/// A clean CONNECT is accepted with Session Present 0.
pub async fn accepted(ctx: &mut Ctx) -> CheckRun {
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
        Err(cause) => Outcome::new(Verdict::Fail, "CONNACK accepted", cause.to_string()),
    })
}

/// The longest keep alive, in seconds, a check waits through on a real broker.
const LONGEST_KEEP_ALIVE: u16 = 20;

/// Connects `name` asking for a 2 s keep alive; returns the client and the keep alive in force
/// (a v5 Server Keep Alive replaces ours, [v5 MQTT-3.2.2-21]), or a skip when that is too long
/// to wait through on a real broker.
async fn open_with_short_keep_alive(ctx: &mut Ctx, name: &str) -> Result<(usize, u16), Outcome> {
    let mut options = ctx.options(name);
    options.keep_alive = 2;
    let (client, connected) = ctx.open_for_connack(name, options).await?;
    let keep_alive = connected.properties.server_keep_alive.unwrap_or(2);
    if keep_alive == 0 || (keep_alive > LONGEST_KEEP_ALIVE && !ctx.is_simulated()) {
        return Err(Outcome::skipped(format!(
            "the broker declares Server Keep Alive {keep_alive} s (CONNACK) in answer to 2 s"
        )));
    }
    Ok((client, keep_alive))
}

/// An idle client's PINGREQ gets PINGRESP and the connection stays up.
pub async fn ping(ctx: &mut Ctx) -> CheckRun {
    let (client, keep_alive) = open_with_short_keep_alive(ctx, "client").await?;
    let mark = ctx.mark();
    let wait_ms = u64::from(keep_alive) * 1750;
    ctx.settle(wait_ms).await;
    let pings = ctx.count_received(client, mark, PacketType::PingResp);
    let lost = ctx.lost_since(client, mark).map(ToString::to_string);
    Ok(Outcome::judge(
        pings >= 1 && lost.is_none(),
        format!("PINGRESP for each PINGREQ (keep alive {keep_alive} s), the connection open"),
        format!(
            "{pings} PINGRESP in {} s; {}",
            wait_ms as f64 / 1000.0,
            lost.unwrap_or_else(|| "connection open".into())
        ),
    ))
}

/// How long a silent client waits to be disconnected before the check fails; a close after
/// 1.5 × keep alive + 1 s but before this is late (a warning: some brokers check coarsely).
const GIVE_UP_MS: u64 = 12_000;

/// A client silent past 1.5 times its keep alive is disconnected by the server.
pub async fn keep_alive_enforced(ctx: &mut Ctx) -> CheckRun {
    let (client, keep_alive) = open_with_short_keep_alive(ctx, "silent").await?;
    silent_client_closed(ctx, client, keep_alive).await
}

/// v5: when the broker declares a Server Keep Alive, it holds the client to it: silent past 1.5
/// times that, the client is disconnected ([v5 MQTT-3.2.2-21], [v5 MQTT-3.1.2-22]).
pub async fn server_keep_alive(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("silent");
    options.keep_alive = 60;
    let (client, connected) = ctx.open_for_connack("silent", options).await?;
    let Some(keep_alive) = connected.properties.server_keep_alive else {
        return Ok(Outcome::skipped(
            "the broker declares no Server Keep Alive (CONNACK) in answer to 60 s",
        ));
    };
    if keep_alive == 0 || (keep_alive > LONGEST_KEEP_ALIVE && !ctx.is_simulated()) {
        return Ok(Outcome::skipped(format!(
            "the broker declares Server Keep Alive {keep_alive} s: too long to wait through"
        )));
    }
    silent_client_closed(ctx, client, keep_alive).await
}

/// The client goes silent; the server must close the connection 1.5 × `keep_alive` after its
/// last packet.
async fn silent_client_closed(ctx: &mut Ctx, client: usize, keep_alive: u16) -> CheckRun {
    let mark = ctx.mark();
    ctx.stop_pinging(client);
    let start = ctx.elapsed();
    let keep_alive_ms = u64::from(keep_alive) * 1000;
    let give_up_ms = GIVE_UP_MS + keep_alive_ms * 3 / 2;
    let closed = ctx
        .wait_for(give_up_ms, |ctx| ctx.lost_since(client, mark).is_some())
        .await;
    let after = ctx.elapsed() - start;
    let expected = format!(
        "the server closes the connection {} s (1.5 × keep alive {keep_alive} s) after the last packet",
        keep_alive_ms as f64 * 1.5 / 1000.0
    );
    Ok(if !closed {
        Outcome::new(
            Verdict::Fail,
            expected,
            format!("still open after {} s of silence", give_up_ms / 1000),
        )
    } else if after < keep_alive_ms {
        Outcome::new(
            Verdict::Fail,
            expected,
            format!("closed after {after} ms, before the keep alive had passed"),
        )
    } else if after <= keep_alive_ms * 3 / 2 + 1_000 {
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
pub async fn session_present(ctx: &mut Ctx) -> CheckRun {
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
    let got = ctx.payloads_since(away, mark);
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

/// Reconnects each client and returns the Session Present flag (0 or 1) each got.
pub async fn reconnect_session_present(
    ctx: &mut Ctx,
    clients: &[ClientIndex],
) -> Result<Vec<u8>, Outcome> {
    let mut present = Vec::new();
    for client in clients {
        let connected = ctx
            .connect(*client)
            .await
            .map_err(|error| Outcome::broken(format!("reconnect failed: {error}")))?;
        present.push(u8::from(connected.session_present));
    }
    Ok(present)
}

/// v5: a session ends once its Session Expiry Interval has passed without a connection (v5
/// §3.1.2.11.2), and is kept until then [v5 MQTT-3.1.2-23].
pub async fn session_expiry(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.persistent_options("brief");
    options.properties.session_expiry_interval = Some(1);
    let brief = ctx.open("brief", options).await?;
    let kept = ctx.open_persistent("kept").await?;
    ctx.disconnect(brief).await;
    ctx.disconnect(kept).await;
    ctx.settle(2_500).await;
    let present = reconnect_session_present(ctx, &[brief, kept]).await?;
    Ok(Outcome::judge(
        present == [0, 1],
        "after 2.5 s away: the session with expiry 1 s is gone (Session Present 0), the one with 300 s is kept (Session Present 1)",
        format!(
            "Session Present {} for expiry 1 s, {} for 300 s",
            present[0], present[1]
        ),
    ))
}

/// Connects a client named `name` with `options` but an empty client id. A refusal skips the
/// check: [MQTT-3.1.3-8] allows it.
pub async fn connect_anonymous(
    ctx: &mut Ctx,
    name: &str,
    mut options: ConnectOptions,
) -> Result<(ClientIndex, Connected), Outcome> {
    options.client_id.clear();
    let client = ctx.add(name, options);
    match ctx.connect(client).await {
        Ok(connected) => Ok((client, connected)),
        // [MQTT-3.1.3-8]: a broker may refuse a zero-length client id; 0x85 is the code the
        // spec names, but any refusal is allowed.
        Err(LostCause::Refused { reason, .. }) => {
            let named = if reason == ReasonCode::ClientIdentifierNotValid {
                ""
            } else {
                "; 0x85 is the code the spec names"
            };
            Err(Outcome::skipped(format!(
                "the broker refuses zero-length client ids with {reason} (allowed by [MQTT-3.1.3-8]{named})"
            )))
        }
        Err(cause) => Err(Outcome::broken(format!(
            "an empty client id was refused: {cause}"
        ))),
    }
}

/// v5: an empty client id gets an Assigned Client Identifier.
pub async fn assigned_client_id(ctx: &mut Ctx) -> CheckRun {
    let options = ctx.options("anonymous");
    let (_, connected) = connect_anonymous(ctx, "anonymous", options).await?;
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
pub async fn refusal_reason(ctx: &mut Ctx) -> CheckRun {
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
