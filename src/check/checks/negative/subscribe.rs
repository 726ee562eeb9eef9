//! SUBSCRIBE and UNSUBSCRIBE that break a rule: invalid topic filters, which a broker may refuse
//! in the SUBACK or answer by closing, requests without a filter, and subscription options that
//! are not allowed.

use super::framing::{encoded, subscribe};
use super::{expect_close, judge, marked, packet, reaction, Expected, CLOSE_WITHIN_MS};
use crate::check::checks::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Packet, PacketType, ReasonCode};
use crate::trace::Direction;

/// The invalid filters, each under the check's prefix: what replaces the marker in
/// `prefix + placeholder`, and how it reads.
const FILTERS: [(&str, &[u8; 3], &str); 3] = [
    ("aQQQb", b"/#/", "a/#/b"),
    ("QQQ", b"xa#", "xa#"),
    ("QQQ", b"+ab", "+ab"),
];

/// A SUBSCRIBE to an invalid filter (`which` indexes [`FILTERS`]): `#` not last, `#` inside a
/// level, `+` inside a level. SUBACK 0x80 (5.0: 0x8F Topic Filter invalid) or a close.
pub async fn invalid_filter(ctx: &mut Ctx, which: u8) -> CheckRun {
    let (placeholder, with, reads) = FILTERS[usize::from(which)];
    let filter = format!("{}{reads}", ctx.topic_prefix());
    let bytes = marked(ctx, &subscribe(ctx, placeholder), with);
    let sender = ctx.open_clean("sender").await?;
    // The SUBACK answers a request our session did not make: it reads it, nothing else.
    ctx.lose_incoming(sender, PacketType::SubAck);
    let mark = ctx.mark();
    ctx.inject_bytes(sender, &bytes);
    let mut code = None;
    ctx.wait_for(CLOSE_WITHIN_MS, |ctx| {
        code = ctx
            .records_since(sender, mark, Direction::Incoming)
            .find_map(|record| match &record.packet {
                Ok(Packet::SubAck(suback)) => suback.reasons.first().copied(),
                _ => None,
            });
        code.is_some() || ctx.lost_since(sender, mark).is_some()
    })
    .await;
    let named = if ctx.is_v5() {
        ReasonCode::TopicFilterInvalid
    } else {
        ReasonCode::UnspecifiedError
    };
    let expected = format!(
        "SUBACK {} for \"{filter}\", or the connection closed",
        if ctx.is_v5() { "0x8F" } else { "0x80" }
    );
    Ok(match code {
        Some(code) if code.granted_qos().is_some() => Outcome::new(
            Verdict::Fail,
            expected,
            format!("granted the subscription: SUBACK {code}"),
        ),
        Some(code) if code == named => Outcome::new(
            Verdict::Pass,
            expected,
            format!("refused it: SUBACK {code}"),
        ),
        // A broker that declared it takes no wildcards refuses every filter with one so.
        Some(ReasonCode::WildcardSubscriptionsNotSupported)
            if ctx.declared().wildcard_available == Some(false) =>
        {
            Outcome::new(
                Verdict::Pass,
                expected,
                "refused it: SUBACK 0xA2 Wildcard Subscriptions not supported, as it declared",
            )
        }
        Some(code) => Outcome::new(
            Verdict::Warn,
            expected,
            format!("refused it, but with SUBACK {code} where the spec names {named}"),
        ),
        None => {
            let mut close = Expected::malformed(ctx);
            close.codes.push(ReasonCode::TopicFilterInvalid);
            close.text = expected;
            judge(reaction(ctx, sender, mark).await, &close)
        }
    })
}

/// A SUBSCRIBE (`kind` 8) or UNSUBSCRIBE (10) without a topic filter.
pub async fn empty_request(ctx: &mut Ctx, kind: u8) -> CheckRun {
    let first = if kind == 8 { 0x82 } else { 0xA2 };
    // Packet identifier 1, then (5.0) an empty property list, and nothing more.
    let body: &[u8] = if ctx.is_v5() { &[0, 1, 0] } else { &[0, 1] };
    let bytes = packet(first, body);
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}

/// A SUBSCRIBE whose subscription options byte is `options`: reserved bits set, or QoS 3. The
/// options byte is the last of a SUBSCRIBE with one filter.
pub async fn invalid_options(ctx: &mut Ctx, options: u8) -> CheckRun {
    let mut bytes = encoded(ctx, &subscribe(ctx, "o"));
    let Some(last) = bytes.last_mut() else {
        return Err(Outcome::broken("the SUBSCRIBE could not be encoded"));
    };
    *last = options;
    let expected = Expected::malformed(ctx);
    Ok(expect_close(ctx, &bytes, expected).await)
}
