//! Every check: its id, title, the rule it tests (normative ids, v3 = 3.1.1, v5 = 5.0), which
//! versions it applies to, and the function that runs it.

use std::future::Future;
use std::pin::Pin;

use super::checks::{connection, delivery, load, qos2, retained, transport, v5, will, CheckRun};
use super::context::Ctx;
use super::outcome::Outcome;
use crate::codec::ProtocolVersion;

/// A running check.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// The id of the first check of each version: whether the broker speaks it, and what it
/// declares. It always runs, and the checks after it judge against what it found.
pub const VERSION_CHECK: &str = "version-supported";

/// One check of the suite.
#[derive(Clone, Copy)]
pub struct CheckDef {
    /// Stable id, used in reports and for selecting checks.
    pub id: &'static str,
    /// What it checks, in a line.
    pub title: &'static str,
    /// The rule, with normative ids.
    pub rule: &'static str,
    /// Only for MQTT 5.0.
    pub v5_only: bool,
    /// Sends a lot (bursts, large payloads): can be switched off.
    pub heavy: bool,
    /// Argument for the run function (a QoS pair, a stage, a size).
    pub arg: u16,
    /// Runs it.
    pub run: for<'a> fn(&'a mut Ctx, u16) -> CheckFuture<'a>,
}

impl CheckDef {
    /// The normative statements it exercises in `version`: the ones its rule cites.
    pub fn statements(&self, version: ProtocolVersion) -> Vec<String> {
        super::statements::cited(self.rule, version)
    }
}

impl std::fmt::Debug for CheckDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

async fn settled(step: impl Future<Output = CheckRun>) -> Outcome {
    step.await.unwrap_or_else(|outcome| outcome)
}

macro_rules! check {
    ($id:expr, $title:literal, $rule:literal, $run:expr) => {
        check!($id, $title, $rule, false, false, 0, $run)
    };
    ($id:expr, $title:literal, $rule:literal, $v5:expr, $heavy:expr, $arg:expr, $run:expr) => {
        CheckDef {
            id: $id,
            title: $title,
            rule: $rule,
            v5_only: $v5,
            heavy: $heavy,
            arg: $arg,
            run: |ctx, arg| {
                let _ = arg;
                Box::pin(settled($run(ctx, arg)))
            },
        }
    };
}

macro_rules! pair {
    ($id:literal, $title:literal, $arg:expr) => {
        check!(
            $id,
            $title,
            "[v3 MQTT-3.8.4-6], [v5 MQTT-3.8.4-8]: delivered at min(publish QoS, granted QoS)",
            false,
            false,
            $arg,
            |ctx, arg: u16| delivery::qos_pair(ctx, arg as u8)
        )
    };
}

/// The suite, in the order it runs.
pub const CHECKS: &[CheckDef] = &[
    check!(
        VERSION_CHECK,
        "The broker speaks this protocol version; what it declares",
        "[v3 MQTT-3.1.2-2], [v5 MQTT-3.1.2-2]: a version may be refused; v5 §3.2.2.3 capabilities",
        |ctx, _| connection::version_supported(ctx)
    ),
    check!(
        "ws-subprotocol",
        "WebSocket handshake selects the subprotocol \"mqtt\"",
        "[MQTT-6.0.0-3], [MQTT-6.0.0-4]",
        |ctx, _| transport::subprotocol(ctx)
    ),
    check!(
        "ws-binary-frames",
        "The server sends only binary WebSocket frames",
        "[MQTT-6.0.0-1]",
        |ctx, _| transport::binary_frames(ctx)
    ),
    check!(
        "ws-split-packet",
        "A packet split across several WebSocket frames",
        "[MQTT-6.0.0-2]",
        |ctx, _| transport::split_packets(ctx)
    ),
    check!(
        "ws-coalesced-packets",
        "Several packets in one WebSocket frame",
        "[MQTT-6.0.0-2]",
        |ctx, _| transport::coalesced_packets(ctx)
    ),
    check!(
        "connect",
        "CONNECT is accepted with Session Present 0",
        "[v3 MQTT-3.2.2-1], [v5 MQTT-3.2.2-2]",
        |ctx, _| connection::accepted(ctx)
    ),
    check!(
        "ping",
        "PINGREQ gets PINGRESP",
        "[MQTT-3.12.4-1]",
        |ctx, _| connection::ping(ctx)
    ),
    check!(
        "keep-alive-enforced",
        "A client silent past 1.5 × keep alive is disconnected",
        "[v3 MQTT-3.1.2-24], [v5 MQTT-3.1.2-22]",
        |ctx, _| connection::keep_alive_enforced(ctx)
    ),
    pair!(
        "qos-0-sub-0",
        "Publish QoS 0, subscribe QoS 0: delivered at QoS 0",
        0
    ),
    pair!(
        "qos-0-sub-1",
        "Publish QoS 0, subscribe QoS 1: delivered at QoS 0",
        1
    ),
    pair!(
        "qos-0-sub-2",
        "Publish QoS 0, subscribe QoS 2: delivered at QoS 0",
        2
    ),
    pair!(
        "qos-1-sub-0",
        "Publish QoS 1, subscribe QoS 0: delivered at QoS 0",
        3
    ),
    pair!(
        "qos-1-sub-1",
        "Publish QoS 1, subscribe QoS 1: delivered at QoS 1",
        4
    ),
    pair!(
        "qos-1-sub-2",
        "Publish QoS 1, subscribe QoS 2: delivered at QoS 1",
        5
    ),
    pair!(
        "qos-2-sub-0",
        "Publish QoS 2, subscribe QoS 0: delivered at QoS 0",
        6
    ),
    pair!(
        "qos-2-sub-1",
        "Publish QoS 2, subscribe QoS 1: delivered at QoS 1",
        7
    ),
    pair!(
        "qos-2-sub-2",
        "Publish QoS 2, subscribe QoS 2: delivered at QoS 2",
        8
    ),
    check!(
        "overlapping-subscriptions",
        "Overlapping subscriptions respect the highest QoS",
        "[v3 MQTT-3.3.5-1], [v5 MQTT-3.3.4-2]",
        |ctx, _| delivery::overlapping(ctx)
    ),
    check!(
        "qos1-redelivery",
        "QoS 1 re-sent with DUP=1 after we withheld PUBACK and reconnected",
        "[MQTT-4.4.0-1], [MQTT-3.3.1-1]",
        |ctx, _| qos2::qos1_redelivery(ctx)
    ),
    check!(
        "qos2-publisher-cut-after-publish",
        "QoS 2 publisher cut after PUBLISH: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10], [MQTT-4.4.0-1]",
        false,
        false,
        0,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-publisher-cut-after-pubrec",
        "QoS 2 publisher cut after PUBREC: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11], [MQTT-4.4.0-1]",
        false,
        false,
        1,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-publisher-cut-after-pubrel",
        "QoS 2 publisher cut after PUBREL: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11], [MQTT-4.4.0-1]",
        false,
        false,
        2,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-publish",
        "QoS 2 subscriber cut before its PUBREC arrived: PUBLISH re-sent, delivered once",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-1], [MQTT-4.4.0-1]",
        false,
        false,
        0,
        |ctx, arg: u16| qos2::subscriber_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-pubrec",
        "QoS 2 subscriber cut after PUBREC: PUBREL re-sent, not PUBLISH",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-5], [MQTT-4.4.0-1]",
        false,
        false,
        1,
        |ctx, arg: u16| qos2::subscriber_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-pubrel",
        "QoS 2 subscriber cut before its PUBCOMP arrived: PUBREL re-sent",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-5], [MQTT-4.4.0-1]",
        false,
        false,
        2,
        |ctx, arg: u16| qos2::subscriber_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-dup-resend",
        "A QoS 2 re-send (DUP=1) the broker has seen is not forwarded again",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10]",
        |ctx, _| qos2::dup_resend_seen(ctx)
    ),
    check!(
        "qos2-puback-rejected",
        "A PUBACK for a QoS 2 delivery does not end the flow",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-2]",
        |ctx, _| qos2::puback_rejected(ctx)
    ),
    check!(
        "retained",
        "Retained message set, replaced and cleared",
        "[v3 MQTT-3.3.1-5], [-8], [-10]; [v5 MQTT-3.3.1-5], [-6], [-9]",
        |ctx, _| retained::lifecycle(ctx)
    ),
    check!(
        "retain-flag",
        "RETAIN 0 on live delivery, 1 for a new subscriber",
        "[v3 MQTT-3.3.1-8], [-9]; [v5 MQTT-3.3.1-9], [-12]",
        |ctx, _| retained::flag_on_delivery(ctx)
    ),
    check!(
        "will-on-abnormal-close",
        "Will published when the connection drops",
        "[MQTT-3.1.2-8]",
        |ctx, _| will::on_abnormal_close(ctx)
    ),
    check!(
        "will-not-on-disconnect",
        "No will after a normal DISCONNECT",
        "[MQTT-3.1.2-10]",
        |ctx, _| will::not_on_disconnect(ctx)
    ),
    check!(
        "wildcards",
        "+ matches one level, # any number including the parent",
        "[v3 MQTT-4.7.1-2], [-3]; [v5 MQTT-4.7.1-1], [-2]",
        |ctx, _| delivery::wildcards(ctx)
    ),
    check!(
        "dollar-topics",
        "A wildcard at the first level does not match $-topics",
        "[MQTT-4.7.2-1]",
        |ctx, _| delivery::dollar_topics(ctx)
    ),
    check!(
        "unsubscribe",
        "UNSUBSCRIBE stops delivery",
        "[MQTT-3.10.4-2]",
        |ctx, _| delivery::unsubscribe_stops(ctx)
    ),
    check!(
        "session-present",
        "A resumed session: Session Present 1 and what was published while away",
        "[v3 MQTT-3.2.2-2], [v5 MQTT-3.2.2-3], [MQTT-3.1.2-5]",
        |ctx, _| connection::session_present(ctx)
    ),
    check!(
        "burst-qos1",
        "1,000 QoS 1 messages back to back all arrive",
        "[MQTT-4.3.2-1]",
        false,
        true,
        1,
        |ctx, arg: u16| load::burst(ctx, arg as u8)
    ),
    check!(
        "burst-qos2",
        "1,000 QoS 2 messages back to back all arrive, each once",
        "[MQTT-4.3.3-1]",
        false,
        true,
        2,
        |ctx, arg: u16| load::burst(ctx, arg as u8)
    ),
    check!(
        "payload-256k",
        "A 256 KiB payload",
        "[MQTT-1.5.5], Maximum Packet Size [v5 MQTT-3.2.2-15]",
        false,
        true,
        256,
        load::large_payload
    ),
    check!(
        "payload-1m",
        "A 1 MiB payload",
        "[MQTT-1.5.5], Maximum Packet Size [v5 MQTT-3.2.2-15]",
        false,
        true,
        1024,
        load::large_payload
    ),
    check!(
        "v5-server-keep-alive",
        "A declared Server Keep Alive is the one enforced",
        "[v5 MQTT-3.2.2-21], [v5 MQTT-3.1.2-22]",
        true,
        false,
        0,
        |ctx, _| connection::server_keep_alive(ctx)
    ),
    check!(
        "v5-maximum-qos-enforced",
        "A PUBLISH above the declared Maximum QoS gets DISCONNECT 0x9B",
        "[v5 MQTT-3.2.2-11], v5 §3.2.2.3.4",
        true,
        false,
        0,
        |ctx, _| v5::maximum_qos_enforced(ctx)
    ),
    check!(
        "v5-retain-unavailable-enforced",
        "RETAIN 1 after Retain Available 0 gets DISCONNECT 0x9A",
        "[v5 MQTT-3.2.2-14], v5 §3.2.2.3.5",
        true,
        false,
        0,
        |ctx, _| v5::retain_unavailable_enforced(ctx)
    ),
    check!(
        "v5-receive-maximum",
        "The broker respects our Receive Maximum",
        "[v5 MQTT-3.3.4-9]",
        true,
        false,
        0,
        |ctx, _| v5::receive_maximum(ctx)
    ),
    check!(
        "v5-topic-alias",
        "Topic aliases both ways",
        "[v5 MQTT-3.3.2-10], [-12]",
        true,
        false,
        0,
        |ctx, _| v5::topic_alias(ctx)
    ),
    check!(
        "v5-message-expiry",
        "Message expiry while the subscriber is away",
        "[v5 MQTT-3.3.2-5], [-6]",
        true,
        false,
        0,
        |ctx, _| v5::message_expiry(ctx)
    ),
    check!(
        "v5-no-subscribers",
        "PUBACK 0x10 when nobody is subscribed",
        "v5 §3.4.2.1 (0x10 No matching subscribers)",
        true,
        false,
        0,
        |ctx, _| v5::no_subscribers(ctx)
    ),
    check!(
        "v5-no-local",
        "No Local keeps our own messages from us",
        "[v5 MQTT-3.8.3-3]",
        true,
        false,
        0,
        |ctx, _| v5::no_local(ctx)
    ),
    check!(
        "v5-retain-as-published",
        "Retain As Published",
        "[v5 MQTT-3.3.1-12], [-13]",
        true,
        false,
        0,
        |ctx, _| v5::retain_as_published(ctx)
    ),
    check!(
        "v5-retain-handling",
        "Retain Handling 0, 1 and 2",
        "[v5 MQTT-3.3.1-9], [-10], [-11]",
        true,
        false,
        0,
        |ctx, _| v5::retain_handling(ctx)
    ),
    check!(
        "v5-subscription-identifiers",
        "Subscription Identifiers on matching messages",
        "[v5 MQTT-3.3.4-3], [-4], [-5]",
        true,
        false,
        0,
        |ctx, _| v5::subscription_identifiers(ctx)
    ),
    check!(
        "v5-assigned-client-id",
        "An empty client id gets an Assigned Client Identifier",
        "[v5 MQTT-3.2.2-16]",
        true,
        false,
        0,
        |ctx, _| connection::assigned_client_id(ctx)
    ),
    check!(
        "v5-refusal-reason",
        "A refused CONNECT names its reason",
        "[v5 MQTT-4.12.0-1], v5 §3.2.2.3.16 Reason String",
        true,
        false,
        0,
        |ctx, _| connection::refusal_reason(ctx)
    ),
];
