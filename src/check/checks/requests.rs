//! What a 5.0 client's CONNECT asks of the broker, and the broker honours: no Response
//! Information or authentication it did not ask for, no Reason Strings or User Properties on
//! acknowledgements when it asked for no problem information, none that would take an
//! acknowledgement past its Maximum Packet Size, and no topic alias beyond its Topic Alias
//! Maximum.

use std::num::NonZeroU32;

use super::CheckRun;
use crate::check::context::{Ctx, Mark, ANSWER_MS};
use crate::check::outcome::Outcome;
use crate::clients::ClientIndex;
use crate::codec::{Packet, PacketType, Properties, QoS};

/// CONNACK carries Response Information only to a client that asked with Request Response
/// Information 1 [v5 MQTT-3.1.2-28]; asking, it may or may not come (reported).
pub async fn response_information(ctx: &mut Ctx) -> CheckRun {
    let mut seen = Vec::new();
    let mut unasked = Vec::new();
    for (name, request) in [
        ("silent", None),
        ("declining", Some(false)),
        ("asking", Some(true)),
    ] {
        let mut options = ctx.options(name);
        options.properties.request_response_information = request;
        let (_, connected) = ctx.open_for_connack(name, options).await?;
        let information = connected.properties.response_information.clone();
        if request != Some(true) && information.is_some() {
            unasked.push(name);
        }
        seen.push(format!(
            "{name} ({}): {}",
            match request {
                None => "absent",
                Some(false) => "0",
                Some(true) => "1",
            },
            information.map_or_else(
                || "none".to_owned(),
                |text| format!("Response Information \"{text}\"")
            )
        ));
    }
    Ok(Outcome::judge(
        unasked.is_empty(),
        "no Response Information in CONNACK when Request Response Information is absent or 0",
        seen.join("; "),
    ))
}

/// A client that sent no Authentication Method gets no AUTH packet and no Authentication
/// Method in CONNACK [v5 MQTT-4.12.0-6].
pub async fn authentication_unrequested(ctx: &mut Ctx) -> CheckRun {
    let mark = ctx.mark();
    let options = ctx.options("plain");
    let (client, connected) = ctx.open_for_connack("plain", options).await?;
    ctx.settle(300).await;
    let method = connected.properties.authentication_method.clone();
    let auths = ctx.count_received(client, mark, PacketType::Auth);
    Ok(Outcome::judge(
        method.is_none() && auths == 0,
        "without an Authentication Method in CONNECT: none in CONNACK, and no AUTH",
        format!(
            "CONNACK {}; {auths} AUTH packet(s)",
            method.map_or_else(
                || "without an Authentication Method".to_owned(),
                |method| format!("with Authentication Method \"{method}\"")
            )
        ),
    ))
}

/// The Reason String and User Properties an acknowledgement (or any packet but PUBLISH, CONNACK
/// and DISCONNECT) carries, in words; `None` when it carries neither.
fn problem_information(packet: &Packet) -> Option<String> {
    let properties: &Properties = match packet {
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            &ack.properties
        }
        Packet::SubAck(suback) => &suback.properties,
        Packet::UnsubAck(unsuback) => &unsuback.properties,
        Packet::Auth(auth) => &auth.properties,
        _ => return None,
    };
    let reason = properties
        .reason_string
        .as_ref()
        .map(|text| format!("Reason String \"{text}\""));
    let users = (!properties.user_properties.is_empty())
        .then(|| format!("{} User Properties", properties.user_properties.len()));
    let both: Vec<String> = reason.into_iter().chain(users).collect();
    (!both.is_empty()).then(|| format!("{} with {}", packet.packet_type(), both.join(", ")))
}

/// The acknowledgements the broker gives one client: a QoS 1 publish nobody subscribed to
/// (PUBACK, perhaps 0x10), a subscription (SUBACK), and an unsubscribe from a filter it never
/// had (UNSUBACK, perhaps 0x11): the answers where a broker is most likely to explain itself.
async fn provoke_acknowledgements(ctx: &mut Ctx, client: ClientIndex) -> Result<(), Outcome> {
    // QoS 1 unless the broker takes only QoS 0, which gets no PUBACK.
    let qos = ctx
        .declared()
        .maximum_qos
        .unwrap_or(QoS::AtLeastOnce)
        .min(QoS::AtLeastOnce);
    let flow = ctx.publish_to(client, "nobody", "anyone?", qos, false)?;
    // A refusal is an acknowledgement too (a broker may refuse any publish).
    if !ctx.answered(client, flow).await {
        return Err(Outcome::broken(format!(
            "no answer to a publish within {ANSWER_MS} ms"
        )));
    }
    ctx.subscribe_one(client, "subscribed", QoS::AtMostOnce)
        .await?;
    let never = ctx.topic("never-subscribed");
    ctx.unsubscribe_all(client, vec![never]).await?;
    Ok(())
}

/// With Request Problem Information 0, no Reason String or User Property on any packet but
/// PUBLISH, CONNACK and DISCONNECT [v5 MQTT-3.1.2-29].
pub async fn request_problem_information(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("terse");
    options.properties.request_problem_information = Some(false);
    let client = ctx.open("terse", options).await?;
    let mark = ctx.mark();
    provoke_acknowledgements(ctx, client).await?;
    let explained: Vec<String> = ctx
        .received_since(client, mark)
        .filter_map(problem_information)
        .collect();
    Ok(Outcome::judge(
        explained.is_empty(),
        "with Request Problem Information 0: PUBACK, SUBACK and UNSUBACK without Reason String or User Property",
        if explained.is_empty() {
            "none carried one".to_owned()
        } else {
            explained.join("; ")
        },
    ))
}

/// The largest packet received after `mark`, with its type.
fn largest_since(ctx: &Ctx, client: ClientIndex, mark: Mark) -> Option<(usize, PacketType)> {
    ctx.received_since(client, mark)
        .filter_map(|packet| {
            packet
                .encoded_len(ctx.version())
                .ok()
                .map(|size| (size, packet.packet_type()))
        })
        .max()
}

/// With a small Maximum Packet Size, the broker leaves a Reason String or User Property off a
/// CONNACK or an acknowledgement it would not fit ([v5 MQTT-3.2.2-19], [-20],
/// [v5 MQTT-3.4.2-2], [-3], [v5 MQTT-3.9.2-1], [-2], [v5 MQTT-3.11.2-1], [-2]): every one
/// arrives, none larger than the limit.
pub async fn reason_string_size(ctx: &mut Ctx) -> CheckRun {
    const MAXIMUM: u32 = 40;
    let mut options = ctx.options("small");
    options.properties.maximum_packet_size = NonZeroU32::new(MAXIMUM);
    let mark = ctx.mark();
    let client = ctx.open("small", options).await?;
    let answered = provoke_acknowledgements(ctx, client).await;
    let lost = ctx.lost_since(client, mark).map(ToString::to_string);
    let largest = largest_since(ctx, client, mark);
    let within = largest.is_none_or(|(size, _)| size <= MAXIMUM as usize);
    Ok(Outcome::judge(
        answered.is_ok() && lost.is_none() && within,
        format!(
            "with our Maximum Packet Size {MAXIMUM}: CONNACK, PUBACK, SUBACK and UNSUBACK arrive, none over {MAXIMUM} bytes"
        ),
        format!(
            "{}{}{}",
            largest.map_or_else(
                || "nothing received".to_owned(),
                |(size, kind)| format!("largest {kind}: {size} bytes")
            ),
            answered.err().map_or_else(String::new, |outcome| format!("; {}", outcome.seen)),
            lost.map_or_else(String::new, |cause| format!("; connection lost: {cause}")),
        ),
    ))
}

/// The broker sends no Topic Alias to a client that allowed none (Topic Alias Maximum absent),
/// and none above the maximum of one that allowed one ([v5 MQTT-3.1.2-26], [-27],
/// [v5 MQTT-3.3.2-11]).
pub async fn topic_alias_client_maximum(ctx: &mut Ctx) -> CheckRun {
    const SENT: usize = 4;
    let mut receivers = Vec::new();
    for (name, maximum) in [("no-aliases", None), ("one-alias", Some(1))] {
        let mut options = ctx.options(name);
        options.properties.topic_alias_maximum = maximum;
        let client = ctx.open(name, options).await?;
        for suffix in ["a/1", "a/2"] {
            ctx.subscribe_one(client, suffix, QoS::AtMostOnce).await?;
        }
        receivers.push((client, maximum.unwrap_or(0)));
    }
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    for round in 0..SENT / 2 {
        for suffix in ["a/1", "a/2"] {
            let flow = ctx.publish_to(
                publisher,
                suffix,
                &round.to_string(),
                QoS::AtMostOnce,
                false,
            )?;
            ctx.completed(publisher, flow).await?;
        }
    }
    ctx.wait_for(2_000, |ctx| {
        receivers
            .iter()
            .all(|(client, _)| ctx.publishes_since(*client, mark).len() >= SENT)
    })
    .await;
    let mut held = true;
    let mut seen = Vec::new();
    for (client, maximum) in &receivers {
        let publishes = ctx.publishes_since(*client, mark);
        let aliases: Vec<u16> = publishes
            .iter()
            .filter_map(|publish| publish.properties.topic_alias.map(|alias| alias.get()))
            .collect();
        let lost = ctx.lost_since(*client, mark).map(ToString::to_string);
        // More copies than sent are another check's concern; aliases are this one's.
        held &= publishes.len() >= SENT
            && lost.is_none()
            && aliases.iter().all(|alias| alias <= maximum);
        seen.push(format!(
            "maximum {maximum}: {} PUBLISH, aliases {aliases:?}{}",
            publishes.len(),
            lost.map_or_else(String::new, |cause| format!(", connection lost: {cause}"))
        ));
    }
    Ok(Outcome::judge(
        held,
        format!("{SENT} messages to each subscriber; no Topic Alias with maximum 0, none above 1 with maximum 1"),
        seen.join("; "),
    ))
}
