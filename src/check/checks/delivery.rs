//! Delivery at the right QoS, to the right subscriptions.

use super::{describe, CheckRun, ALL_QOS};
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::outcome::{Outcome, Verdict};
use crate::clients::ClientIndex;
use crate::codec::{Ack, Packet, PacketType, QoS, ReasonCode, SubscriptionOptions};

/// Two members, `member-a` and `member-b`, of the QoS 1 shared subscription to the check's
/// topic `shared`; returns its filter and the members.
async fn shared_group(ctx: &mut Ctx) -> Result<(String, Vec<ClientIndex>), Outcome> {
    if ctx.declared().shared_subscriptions_available == Some(false) {
        return Err(Outcome::skipped(
            "the broker declares Shared Subscription Available 0 (CONNACK)",
        ));
    }
    ctx.declared().publish_qos(QoS::AtLeastOnce)?;
    let filter = format!("$share/qoscope/{}", ctx.topic("shared"));
    let mut members = Vec::new();
    for name in ["member-a", "member-b"] {
        let member = ctx.open_clean(name).await?;
        ctx.subscribe_with(
            member,
            filter.clone(),
            SubscriptionOptions::qos(QoS::AtLeastOnce),
        )
        .await?;
        members.push(member);
    }
    Ok((filter, members))
}

/// Publish at QoS `pair / 3`, subscribed at QoS `pair % 3`: delivered once at the minimum.
pub async fn qos_pair(ctx: &mut Ctx, pair: u8) -> CheckRun {
    let published = ALL_QOS[usize::from(pair / 3)];
    let requested = ALL_QOS[usize::from(pair % 3)];
    ctx.declared().publish_qos(published)?;
    let subscriber = ctx.open_clean("subscriber").await?;
    let granted = ctx.subscribe_one(subscriber, "t", requested).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "t", "pair", published, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.messages_arrive(subscriber, mark, 1).await;
    // Let a duplicate show if there is one.
    ctx.settle(200).await;
    let expected_qos = published.min(granted);
    let publishes = ctx.publishes_since(subscriber, mark);
    let delivered: Vec<QoS> = publishes.iter().map(|publish| publish.qos()).collect();
    let expected = format!(
        "one PUBLISH at QoS {} = min(publish {}, granted {})",
        expected_qos.as_u8(),
        published.as_u8(),
        granted.as_u8()
    );
    let mut seen = describe(&publishes);
    if granted != requested {
        seen.push_str(&format!(
            " (asked for QoS {}, granted {})",
            requested.as_u8(),
            granted.as_u8()
        ));
    }
    let verdict = match delivered.as_slice() {
        [qos] if *qos == expected_qos => Verdict::Pass,
        // Only QoS 1 allows a repeat: QoS 0 is at most once, QoS 2 exactly once.
        [first, rest @ ..]
            if expected_qos == QoS::AtLeastOnce
                && *first == expected_qos
                && rest.iter().all(|qos| *qos == expected_qos) =>
        {
            Verdict::Warn
        }
        _ => Verdict::Fail,
    };
    Ok(Outcome::new(verdict, expected, seen))
}

/// Overlapping subscriptions: the message arrives respecting the highest granted QoS.
pub async fn overlapping(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().publish_qos(QoS::ExactlyOnce)?;
    ctx.declared().wildcards()?;
    let subscriber = ctx.open_clean("subscriber").await?;
    // The literal filter asks for less: a broker that takes the first match it finds in its
    // topic tree (literal before wildcard) would deliver at QoS 1.
    let exact = ctx
        .subscribe_one(subscriber, "o/a", QoS::AtLeastOnce)
        .await?;
    let broad = ctx
        .subscribe_one(subscriber, "o/#", QoS::ExactlyOnce)
        .await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "o/a", "overlap", QoS::ExactlyOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.messages_arrive(subscriber, mark, 1).await;
    ctx.settle(300).await;
    let publishes = ctx.publishes_since(subscriber, mark);
    let highest = broad.max(exact);
    let top = publishes.iter().map(|publish| publish.qos()).max();
    let expected = format!(
        "a copy at QoS {} (the highest granted of o/a and o/#); extra copies, one per subscription, are allowed",
        highest.as_u8()
    );
    Ok(Outcome::judge(
        top == Some(highest) && publishes.len() <= 2,
        expected,
        describe(&publishes),
    ))
}

/// After UNSUBSCRIBE, nothing more arrives.
pub async fn unsubscribe_stops(ctx: &mut Ctx) -> CheckRun {
    let subscriber = ctx.open_clean("subscriber").await?;
    ctx.subscribe_one(subscriber, "t", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "t", "before", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.messages_arrive(subscriber, mark, 1).await;
    let filter = ctx.topic("t");
    ctx.unsubscribe(subscriber, filter).await?;
    let after = ctx.mark();
    let flow = ctx.publish_to(publisher, "t", "after", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let before =
        ctx.publishes_since(subscriber, mark).len() - ctx.publishes_since(subscriber, after).len();
    let late = ctx.publishes_since(subscriber, after);
    Ok(Outcome::judge(
        before == 1 && late.is_empty(),
        "the message before UNSUBSCRIBE, nothing after it",
        format!("{before} before; after: {}", describe(&late)),
    ))
}

/// `+` matches one level, `#` any number including the parent.
pub async fn wildcards(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().wildcards()?;
    let plus = ctx.open_clean("plus").await?;
    ctx.subscribe_one(plus, "w/+/end", QoS::AtLeastOnce).await?;
    let hash = ctx.open_clean("hash").await?;
    ctx.subscribe_one(hash, "h/#", QoS::AtLeastOnce).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    for topic in ["w/a/end", "w/a/b/end", "w/end", "h", "h/a/b", "hx"] {
        let flow = ctx.publish_to(publisher, topic, topic, QoS::AtLeastOnce, false)?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.settle(500).await;
    let (got_plus, got_hash) = (ctx.topics_since(plus, mark), ctx.topics_since(hash, mark));
    Ok(Outcome::judge(
        got_plus == ["w/a/end"] && got_hash == ["h", "h/a/b"],
        "w/+/end gets w/a/end only; h/# gets h and h/a/b, not hx",
        format!("w/+/end got {got_plus:?}; h/# got {got_hash:?}"),
    ))
}

/// A filter starting with a wildcard does not match a topic starting with `$`.
pub async fn dollar_topics(ctx: &mut Ctx) -> CheckRun {
    ctx.declared().wildcards()?;
    // The check's own prefix with `$` in front, so it stays clear of real traffic.
    let dollar_topic = format!("${}t", ctx.topic_prefix());
    let literal_filter = dollar_topic.clone();
    let (_, rest) = dollar_topic
        .split_once('/')
        .ok_or_else(|| Outcome::broken("the topic prefix has no level"))?;
    let wildcard_filter = format!("+/{rest}");
    let literal = ctx.open_clean("literal").await?;
    ctx.subscribe_with(
        literal,
        literal_filter,
        SubscriptionOptions::qos(QoS::AtLeastOnce),
    )
    .await?;
    let wildcard = ctx.open_clean("wildcard").await?;
    ctx.subscribe_with(
        wildcard,
        wildcard_filter.clone(),
        SubscriptionOptions::qos(QoS::AtLeastOnce),
    )
    .await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let request =
        crate::session::PublishRequest::new(dollar_topic.clone(), "dollar", QoS::AtLeastOnce);
    let flow = ctx.publish(publisher, request)?;
    ctx.completed(publisher, flow).await?;
    ctx.settle(500).await;
    let by_literal = ctx.publishes_since(literal, mark).len();
    let by_wildcard = ctx.publishes_since(wildcard, mark).len();
    if by_literal == 0 && by_wildcard == 0 {
        return Ok(Outcome::skipped(format!(
            "the broker did not route the client's publish to {dollar_topic} (brokers may reserve $-topics)"
        )));
    }
    Ok(Outcome::judge(
        by_wildcard == 0,
        format!("{wildcard_filter} does not match {dollar_topic}; the literal filter does"),
        format!("literal filter got {by_literal}, wildcard filter got {by_wildcard}"),
    ))
}

/// v5 §4.8.2: a message on a shared subscription goes to one session of the group, not to
/// each, at no more than the member's granted QoS [v5 MQTT-4.8.2-3].
pub async fn shared_subscriptions(ctx: &mut Ctx) -> CheckRun {
    let (filter, members) = shared_group(ctx).await?;
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    const SENT: usize = 4;
    for index in 0..SENT {
        let flow = ctx.publish_to(
            publisher,
            "shared",
            &index.to_string(),
            QoS::AtLeastOnce,
            false,
        )?;
        ctx.completed(publisher, flow).await?;
    }
    ctx.wait_for(2_000, |ctx| {
        members
            .iter()
            .map(|member| ctx.publishes_since(*member, mark).len())
            .sum::<usize>()
            >= SENT
    })
    .await;
    // Let copies beyond one per message show if there are any.
    ctx.settle(500).await;
    let mut payloads: Vec<String> = Vec::new();
    let mut per_member = Vec::new();
    let mut above_grant = 0;
    for member in &members {
        let got = ctx.publishes_since(*member, mark);
        per_member.push(got.len());
        above_grant += got
            .iter()
            .filter(|publish| publish.qos() > QoS::AtLeastOnce)
            .count();
        payloads.extend(
            got.iter()
                .map(|publish| String::from_utf8_lossy(&publish.payload).into_owned()),
        );
    }
    payloads.sort();
    let once_each: Vec<String> = (0..SENT).map(|index| index.to_string()).collect();
    Ok(Outcome::judge(
        payloads == once_each && above_grant == 0,
        format!("{SENT} QoS 1 messages on {filter} with two members: each message to one member only, at QoS 1"),
        format!(
            "member-a got {}, member-b got {}; payloads {payloads:?}{}",
            per_member[0],
            per_member[1],
            if above_grant > 0 {
                format!("; {above_grant} above the granted QoS")
            } else {
                String::new()
            }
        ),
    ))
}

/// A shared subscription's message that its member refuses (PUBACK 0x80) is discarded, not
/// sent to another member [v5 MQTT-4.8.2-6].
pub async fn shared_refused(ctx: &mut Ctx) -> CheckRun {
    let (filter, members) = shared_group(ctx).await?;
    for member in &members {
        // The member that gets the message answers it with a refusal instead.
        ctx.withhold_next(*member, PacketType::PubAck);
    }
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    let flow = ctx.publish_to(publisher, "shared", "refused", QoS::AtLeastOnce, false)?;
    ctx.completed(publisher, flow).await?;
    let mut first = None;
    ctx.wait_for(ANSWER_MS, |ctx| {
        first = members.iter().find_map(|member| {
            ctx.publishes_since(*member, mark)
                .first()
                .and_then(|publish| publish.qos_pid.pid())
                .map(|pid| (*member, pid))
        });
        first.is_some()
    })
    .await;
    let Some((refuser, pid)) = first else {
        return Err(Outcome::broken(format!(
            "no member got the QoS 1 message on {filter}"
        )));
    };
    let mark = ctx.mark();
    ctx.inject(
        refuser,
        &Packet::PubAck(Ack::with_reason(pid, ReasonCode::UnspecifiedError)),
    )?;
    ctx.settle(1_000).await;
    let other = members
        .iter()
        .find(|member| **member != refuser)
        .copied()
        .unwrap_or(refuser);
    let resent = ctx.publishes_since(other, mark);
    Ok(Outcome::judge(
        resent.is_empty(),
        format!("a QoS 1 message on {filter}, refused by its member with PUBACK 0x80: not sent to the other member"),
        format!("the other member then got {}", describe(&resent)),
    ))
}
