//! 5.0 acknowledgements that answer per filter: UNSUBACK's reason codes, one per filter and in
//! order, and a SUBSCRIBE above the declared Maximum QoS, which is still taken.

use super::CheckRun;
use crate::check::context::Ctx;
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{Properties, QoS, ReasonCode, SubscriptionOptions};

/// UNSUBSCRIBE of a filter held and one never held: UNSUBACK 0x00 then 0x11 No subscription
/// existed ([v5 MQTT-3.11.3-1], [-2]). 0x00 for the second is allowed (0x11 is the code the
/// spec names for it) and warns.
pub async fn unsuback_reason_codes(ctx: &mut Ctx) -> CheckRun {
    let client = ctx.open_clean("client").await?;
    ctx.subscribe_one(client, "held", QoS::AtMostOnce).await?;
    let filters = vec![ctx.topic("held"), ctx.topic("never-held")];
    let codes = ctx.unsubscribe_all(client, filters).await?;
    let expected = "UNSUBACK with 2 reason codes, in filter order: 0x00 Success (held), 0x11 No subscription existed (never held)";
    let seen = format!(
        "UNSUBACK {}",
        codes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(match codes[..] {
        [ReasonCode::Success, ReasonCode::NoSubscriptionExisted] => {
            Outcome::new(Verdict::Pass, expected, seen)
        }
        [ReasonCode::Success, ReasonCode::Success] => Outcome::new(
            Verdict::Warn,
            expected,
            format!("{seen} (Success for a filter never held: allowed, less informative)"),
        ),
        _ => Outcome::new(Verdict::Fail, expected, seen),
    })
}

/// A broker that declared a Maximum QoS below 2 still accepts a SUBSCRIBE asking for QoS 2
/// [v5 MQTT-3.2.2-10]: it grants what it supports. A refusal code is allowed for a
/// subscription (warn); closing the connection is not.
pub async fn subscribe_above_maximum_qos(ctx: &mut Ctx) -> CheckRun {
    // This connection's own CONNACK says, so the check holds even where the version check's
    // QoS 2 subscription went wrong.
    let options = ctx.options("client");
    let (client, connected) = ctx.open_for_connack("client", options).await?;
    let maximum = match connected.properties.maximum_qos {
        Some(maximum) if maximum < QoS::ExactlyOnce => maximum,
        _ => {
            return Err(Outcome::skipped(
                "the broker declares no Maximum QoS below 2: every requested QoS is within it",
            ))
        }
    };
    let mark = ctx.mark();
    let filter = ctx.topic("t");
    let answer = ctx
        .subscribe(
            client,
            vec![(filter, SubscriptionOptions::qos(QoS::ExactlyOnce))],
            Properties::default(),
        )
        .await;
    ctx.settle(300).await;
    let lost = ctx.lost_since(client, mark).map(ToString::to_string);
    let expected = format!(
        "SUBSCRIBE at QoS 2 (Maximum QoS {}): a SUBACK granting a QoS, the connection kept",
        maximum.as_u8()
    );
    Ok(match (answer, lost) {
        (Ok(results), None) => match results.first() {
            Some(Ok(granted)) => Outcome::new(
                Verdict::Pass,
                expected,
                format!("SUBACK granting QoS {}", granted.as_u8()),
            ),
            Some(Err(code)) => Outcome::new(
                Verdict::Warn,
                expected,
                format!("SUBACK {code}: taken, but refused"),
            ),
            None => Outcome::new(Verdict::Fail, expected, "SUBACK without a code"),
        },
        (answer, lost) => Outcome::new(
            Verdict::Fail,
            expected,
            format!(
                "{}{}",
                answer
                    .err()
                    .map_or_else(String::new, |outcome| outcome.seen),
                lost.map_or_else(String::new, |cause| format!("; connection lost: {cause}"))
            ),
        ),
    })
}
