//! The in-flight window: how many QoS 1 messages the broker sends a subscriber that does not
//! acknowledge them before it waits. 3.1.1 leaves the number to the broker; in 5.0 it must not
//! exceed the client's Receive Maximum ([v5 MQTT-3.3.4-9]), so the probe's subscriber declares
//! one below the number it publishes, and more in flight than that fails.

use std::num::NonZeroU16;

use super::publish_numbered;
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, ANSWER_MS};
use crate::check::limit::{Limit, LimitUnit};
use crate::check::outcome::{Outcome, Verdict};
use crate::codec::{PacketType, QoS};

/// Messages published: the most the window can be found to be.
const PROBE: usize = 100;
/// The subscriber's Receive Maximum in 5.0: below `PROBE`, so that a broker ignoring it shows.
const RECEIVE_MAXIMUM: u16 = 50;
/// How long the subscriber waits, after the broker took every message, for more to come.
const QUIET_MS: u64 = 1_000;

/// Publishes `PROBE` QoS 1 messages to a subscriber that acknowledges none: the number it gets
/// is the window.
pub async fn window(ctx: &mut Ctx) -> CheckRun {
    let mut options = ctx.options("subscriber");
    if ctx.is_v5() {
        options.properties.receive_maximum = NonZeroU16::new(RECEIVE_MAXIMUM);
    }
    let subscriber = ctx.open("subscriber", options).await?;
    ctx.subscribe_one(subscriber, "window", QoS::AtLeastOnce)
        .await?;
    for _ in 0..PROBE {
        ctx.withhold_next(subscriber, PacketType::PubAck);
    }
    let publisher = ctx.open_clean("publisher").await?;
    let mark = ctx.mark();
    // The broker has them all when each is acknowledged to the publisher.
    publish_numbered(ctx, publisher, "window", PROBE, ANSWER_MS * 2).await?;
    ctx.settle(QUIET_MS).await;
    // Only QoS 1 deliveries wait for a PUBACK; one downgraded to QoS 0 is not in flight.
    let got = ctx
        .publishes_since(subscriber, mark)
        .iter()
        .filter(|publish| publish.qos() == QoS::AtLeastOnce)
        .count();
    let name = "in-flight window";
    let bound = if ctx.is_v5() {
        usize::from(RECEIVE_MAXIMUM)
    } else {
        PROBE
    };
    let limit = if got >= bound {
        Limit::at_least(name, got as u64, LimitUnit::Messages)
    } else {
        Limit::exact(name, got as u64, LimitUnit::Messages)
    };
    let (verdict, expected) = if ctx.is_v5() {
        (
            if got > usize::from(RECEIVE_MAXIMUM) || got == 0 { Verdict::Fail } else { Verdict::Pass },
            format!("with Receive Maximum {RECEIVE_MAXIMUM} and no PUBACK sent: between 1 and {RECEIVE_MAXIMUM} of {PROBE} QoS 1 messages sent [v5 MQTT-3.3.4-9]"),
        )
    } else {
        (
            if got == 0 {
                Verdict::Fail
            } else {
                Verdict::Pass
            },
            format!("with no PUBACK sent, some of {PROBE} QoS 1 messages sent: the window"),
        )
    };
    let seen = format!(
        "{got} of {PROBE} sent before any PUBACK: window {}",
        limit.value_text()
    );
    Ok(Outcome::new(verdict, expected, seen).with_limit(limit))
}
