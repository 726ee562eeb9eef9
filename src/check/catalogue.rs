//! Every check: its id, title, the rule it tests (normative ids, v3 = 3.1.1, v5 = 5.0), which
//! versions it applies to, and the function that runs it.

use std::future::Future;
use std::pin::Pin;

use super::checks::negative::{self, connect, framing, subscribe};
use super::checks::{
    client_id, connection, delivery, flow_control, limits, load, order, packet_ids, qos2,
    reason_codes, requests, retained, session, subscription, topics, transport, v5, v5_sessions,
    will, CheckRun,
};
use super::context::Ctx;
use super::outcome::Outcome;
use crate::codec::ProtocolVersion;

/// A running check.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// The id of the first check of each version: whether the broker speaks it, and what it
/// declares. It always runs, and the checks after it judge against what it found.
pub const VERSION_CHECK: &str = "version-supported";

/// A label for selecting checks (`--only negative`, `--skip heavy`) and for reading a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tag {
    /// Sends a packet that breaks a rule, to see the broker refuse it; runs last, on
    /// connections of its own, and against a remote broker only when asked.
    Negative,
    /// Finds a limit of the broker.
    Limits,
    /// Exists only in MQTT 5.0.
    V5,
    /// Sends a lot (bursts, large payloads): can be switched off.
    Heavy,
    /// One of the Eclipse Paho interoperability cases.
    Paho,
}

impl Tag {
    /// Every tag.
    pub const ALL: [Tag; 5] = [Tag::Negative, Tag::Limits, Tag::V5, Tag::Heavy, Tag::Paho];

    /// The tag as selections and lists name it.
    pub fn name(self) -> &'static str {
        match self {
            Tag::Negative => "negative",
            Tag::Limits => "limits",
            Tag::V5 => "v5",
            Tag::Heavy => "heavy",
            Tag::Paho => "paho",
        }
    }
}

/// The protocol versions a check runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// 3.1.1 and 5.0.
    Both,
    /// A rule of 3.1.1 alone.
    V311Only,
    /// A feature of 5.0.
    V5Only,
}

impl Versions {
    /// Whether a check with these versions runs with `version`.
    pub fn include(self, version: ProtocolVersion) -> bool {
        match self {
            Versions::Both => true,
            Versions::V311Only => version == ProtocolVersion::V311,
            Versions::V5Only => version == ProtocolVersion::V5,
        }
    }

    /// "3.1.1, 5.0", "3.1.1" or "5.0".
    pub fn names(self) -> &'static str {
        match self {
            Versions::Both => "3.1.1, 5.0",
            Versions::V311Only => "3.1.1",
            Versions::V5Only => "5.0",
        }
    }
}

/// One check of the suite.
#[derive(Clone, Copy)]
pub struct CheckDef {
    /// Stable id, used in reports and for selecting checks.
    pub id: &'static str,
    /// What it checks, in a line.
    pub title: &'static str,
    /// The rule, with normative ids.
    pub rule: &'static str,
    /// The versions it runs with.
    pub versions: Versions,
    /// Its labels.
    pub tags: &'static [Tag],
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

    /// Whether it carries `tag`.
    pub fn has(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }

    /// Whether `selector` names it: its id or one of its tags.
    pub fn matches(&self, selector: &str) -> bool {
        self.id == selector || self.tags.iter().any(|tag| tag.name() == selector)
    }
}

impl std::fmt::Debug for CheckDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// Every check, one line each: id, versions, tags, title (`--list`).
pub fn listing() -> String {
    let width = CHECKS.iter().map(|check| check.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for check in CHECKS {
        let tags: Vec<&str> = check.tags.iter().map(|tag| tag.name()).collect();
        out.push_str(&format!(
            "{:width$}  {:10}  {:14}  {}\n",
            check.id,
            check.versions.names(),
            tags.join(","),
            check.title,
        ));
    }
    out
}

async fn settled(step: impl Future<Output = CheckRun>) -> Outcome {
    step.await.unwrap_or_else(|outcome| outcome)
}

macro_rules! check {
    ($id:expr, $title:literal, $rule:literal, $run:expr) => {
        check!($id, $title, $rule, Versions::Both, [], 0, $run)
    };
    ($id:expr, $title:literal, $rule:literal, $versions:expr, [$($tag:expr),*], $arg:expr, $run:expr) => {
        CheckDef {
            id: $id,
            title: $title,
            rule: $rule,
            versions: $versions,
            tags: &[$($tag),*],
            arg: $arg,
            run: |ctx, arg| {
                let _ = arg;
                Box::pin(settled($run(ctx, arg)))
            },
        }
    };
}

/// A negative test: tagged `negative`, run after everything else, and followed by a fresh
/// client that must still connect and publish.
macro_rules! negative {
    ($id:literal, $title:literal, $rule:literal, $run:expr) => {
        negative!($id, $title, $rule, Versions::Both, [], 0, $run)
    };
    ($id:literal, $title:literal, $rule:literal, $versions:expr, [$($tag:expr),*], $arg:expr, $run:expr) => {
        CheckDef {
            id: $id,
            title: $title,
            rule: $rule,
            versions: $versions,
            tags: &[Tag::Negative $(, $tag)*],
            arg: $arg,
            run: |ctx, arg| {
                let _ = arg;
                Box::pin(async move {
                    let outcome = settled($run(&mut *ctx, arg)).await;
                    negative::still_up(ctx, outcome).await
                })
            },
        }
    };
}

macro_rules! pair {
    ($id:literal, $title:literal, $arg:expr) => {
        pair!($id, $title, $arg, [])
    };
    ($id:literal, $title:literal, $arg:expr, [$($tag:expr),*]) => {
        check!(
            $id,
            $title,
            "[v3 MQTT-3.8.4-6], [v5 MQTT-3.8.4-8]: delivered at min(publish QoS, granted QoS)",
            Versions::Both,
            [$($tag),*],
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
        Versions::Both,
        [Tag::Paho],
        0,
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
        2,
        [Tag::Paho]
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
        5,
        [Tag::Paho]
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
        8,
        [Tag::Paho]
    ),
    check!(
        "overlapping-subscriptions",
        "Overlapping subscriptions respect the highest QoS",
        "[v3 MQTT-3.3.5-1], [v5 MQTT-3.3.4-2]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| delivery::overlapping(ctx)
    ),
    check!(
        "qos1-redelivery",
        "QoS 1 re-sent with DUP=1 after we withheld PUBACK and reconnected",
        "[MQTT-4.4.0-1], [MQTT-3.3.1-1]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| qos2::qos1_redelivery(ctx)
    ),
    check!(
        "qos2-publisher-cut-after-publish",
        "QoS 2 publisher cut after PUBLISH: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10], [MQTT-4.4.0-1]",
        Versions::Both,
        [],
        0,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-publisher-cut-after-pubrec",
        "QoS 2 publisher cut after PUBREC: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11], [MQTT-4.4.0-1]",
        Versions::Both,
        [],
        1,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-publisher-cut-after-pubrel",
        "QoS 2 publisher cut after PUBREL: exactly once",
        "[v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11], [MQTT-4.4.0-1]",
        Versions::Both,
        [],
        2,
        |ctx, arg: u16| qos2::publisher_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-publish",
        "QoS 2 subscriber cut before its PUBREC arrived: PUBLISH re-sent, delivered once",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-1], [MQTT-4.4.0-1]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, arg: u16| qos2::subscriber_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-pubrec",
        "QoS 2 subscriber cut after PUBREC: PUBREL re-sent, not PUBLISH",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-5], [MQTT-4.4.0-1]",
        Versions::Both,
        [Tag::Paho],
        1,
        |ctx, arg: u16| qos2::subscriber_cut(ctx, arg as u8)
    ),
    check!(
        "qos2-subscriber-cut-after-pubrel",
        "QoS 2 subscriber cut before its PUBCOMP arrived: PUBREL re-sent",
        "[v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-5], [MQTT-4.4.0-1]",
        Versions::Both,
        [],
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
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| retained::lifecycle(ctx)
    ),
    check!(
        "retain-flag",
        "RETAIN 0 on live delivery, 1 for a new subscriber",
        "[v3 MQTT-3.3.1-8], [-9]; [v5 MQTT-3.3.1-9], [-12]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| retained::flag_on_delivery(ctx)
    ),
    check!(
        "will-on-abnormal-close",
        "Will published when the connection drops",
        "[MQTT-3.1.2-8]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| will::on_abnormal_close(ctx)
    ),
    check!(
        "will-not-on-disconnect",
        "No will after a normal DISCONNECT",
        "[MQTT-3.1.2-10], [MQTT-3.14.4-3]",
        Versions::Both,
        [Tag::Paho],
        0,
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
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| delivery::dollar_topics(ctx)
    ),
    check!(
        "unsubscribe",
        "UNSUBSCRIBE stops delivery",
        "[MQTT-3.10.4-2]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| delivery::unsubscribe_stops(ctx)
    ),
    check!(
        "session-present",
        "A resumed session: Session Present 1 and what was published while away",
        "[v3 MQTT-3.2.2-2], [v5 MQTT-3.2.2-3], [MQTT-3.1.2-5]",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, _| connection::session_present(ctx)
    ),
    check!(
        "session-present-new",
        "Resuming a session the server does not have: Session Present 0",
        "[v3 MQTT-3.2.2-3], [v3 MQTT-3.1.2-4]; [v5 MQTT-3.2.2-3], [v5 MQTT-3.1.2-6]",
        |ctx, _| session::new_session_present(ctx)
    ),
    check!(
        "session-resumed-subscriptions",
        "A resumed session keeps its subscriptions",
        "[v3 MQTT-3.1.2-4], [v3 MQTT-4.1.0-1]; [v5 MQTT-3.1.2-5]; [MQTT-3.1.3-2]",
        |ctx, _| session::resumed_subscriptions(ctx)
    ),
    check!(
        "clean-session-discards",
        "A clean-session CONNECT discards the stored session, which is not resumed later",
        "[v3 MQTT-3.1.2-6], [v3 MQTT-3.1.4-3]; [v5 MQTT-3.1.2-4], [v5 MQTT-3.1.4-4]",
        |ctx, _| session::clean_session_discards(ctx)
    ),
    check!(
        "connack-first",
        "On resuming, CONNACK comes before the messages queued while away",
        "[MQTT-3.2.0-1], [MQTT-4.5.0-1]",
        |ctx, _| session::connack_first(ctx)
    ),
    check!(
        "client-id-takeover",
        "A second connection with a connected client id closes the first",
        "[v3 MQTT-3.1.4-2]; [v5 MQTT-3.1.4-3]",
        |ctx, _| session::client_id_taken_over(ctx)
    ),
    check!(
        "client-id-23-characters",
        "A client id of 23 letters and digits is accepted",
        "[MQTT-3.1.3-5], [v3 MQTT-3.1.4-4]; [v5 MQTT-3.1.4-5]",
        |ctx, _| client_id::twenty_three_characters(ctx)
    ),
    check!(
        "empty-client-id-unique",
        "Clients without a client id each get one of their own",
        "[MQTT-3.1.3-6]",
        |ctx, _| client_id::empty_ids_unique(ctx)
    ),
    check!(
        "subscribe-several",
        "One SUBSCRIBE with three filters: one SUBACK, a code per filter in order",
        "[v3 MQTT-3.8.4-1], [-4], [-5]; [v5 MQTT-3.8.4-1], [-5], [-6], [-7]; [MQTT-3.9.3-1]",
        |ctx, _| subscription::several_filters(ctx)
    ),
    check!(
        "subscribe-again",
        "Subscribing again replaces the subscription and re-sends the retained message",
        "[v3 MQTT-3.8.4-3]; [v5 MQTT-3.8.4-3], [-4]",
        |ctx, _| subscription::subscribe_again(ctx)
    ),
    check!(
        "unsubscribe-unknown-filter",
        "UNSUBSCRIBE from a filter never subscribed still gets its UNSUBACK",
        "[MQTT-3.10.4-4], [-5]; [v3 MQTT-2.3.1-7]; [v5 MQTT-2.2.1-6]",
        |ctx, _| subscription::unknown_filter(ctx)
    ),
    check!(
        "unsubscribe-exact-filter",
        "UNSUBSCRIBE deletes only the identical filter, not a wildcard matching it",
        "[MQTT-3.10.4-1]",
        |ctx, _| subscription::exact_filter(ctx)
    ),
    check!(
        "unsubscribe-several",
        "One UNSUBSCRIBE with two filters deletes both",
        "[MQTT-3.10.4-6]",
        |ctx, _| subscription::several_unsubscribed(ctx)
    ),
    check!(
        "unsubscribe-completes-delivery",
        "UNSUBSCRIBE does not cancel a QoS 1 delivery already started",
        "[MQTT-3.10.4-3]",
        |ctx, _| subscription::unsubscribe_completes_delivery(ctx)
    ),
    check!(
        "topic-exact-match",
        "Topics match as written: no case folding, no extra levels, no Unicode normalization",
        "[MQTT-4.7.3-4], [MQTT-3.3.2-3]",
        |ctx, _| topics::exact_match(ctx)
    ),
    check!(
        "topic-byte-order-mark",
        "U+FEFF in a topic is a character, not stripped",
        "[v3 MQTT-1.5.3-3]; [v5 MQTT-1.5.4-3]",
        |ctx, _| topics::byte_order_mark(ctx)
    ),
    check!(
        "retained-qos0-replaces",
        "A retained QoS 0 publish replaces the retained message",
        "[v3 MQTT-3.3.1-7]; [v5 MQTT-3.3.1-5]",
        |ctx, _| retained::qos0_replaces(ctx)
    ),
    check!(
        "retained-kept-by-plain-publish",
        "A publish without RETAIN leaves the retained message alone",
        "[v3 MQTT-3.3.1-12]; [v5 MQTT-3.3.1-8]",
        |ctx, _| retained::plain_publish_keeps_retained(ctx)
    ),
    check!(
        "retained-empty-not-stored",
        "An empty retained publish is not stored",
        "[v3 MQTT-3.3.1-11]; [v5 MQTT-3.3.1-7]",
        |ctx, _| retained::empty_not_stored(ctx)
    ),
    check!(
        "retained-wildcard",
        "A new wildcard subscription gets the retained message of each matching topic",
        "[v3 MQTT-3.3.1-6]; [v5 MQTT-3.3.1-9]",
        |ctx, _| retained::every_matching_topic(ctx)
    ),
    check!(
        "retained-outlives-session",
        "A retained message outlives its publisher's session",
        "[v3 MQTT-3.1.2-7]",
        |ctx, _| retained::outlives_session(ctx)
    ),
    check!(
        "will-retain",
        "Will Retain 1 publishes the Will as retained, Will Retain 0 not",
        "[v3 MQTT-3.1.2-16], [-17]; [v5 MQTT-3.1.2-15]",
        |ctx, _| will::retain(ctx)
    ),
    check!(
        "ordered-topic",
        "QoS 1 messages arrive in the order published, live and queued while away",
        "[MQTT-4.6.0-5], [-6]",
        |ctx, _| order::ordered_topic(ctx)
    ),
    check!(
        "qos1-packet-id-reuse",
        "A QoS 1 packet id reused after its PUBACK is a new message",
        "[v3 MQTT-4.3.2-2], [v3 MQTT-2.3.1-6]; [v5 MQTT-4.3.2-4], [-5], [v5 MQTT-2.2.1-5]",
        |ctx, _| packet_ids::qos1_reused(ctx)
    ),
    check!(
        "burst-qos1",
        "1,000 QoS 1 messages back to back all arrive",
        "[MQTT-4.3.2-1]",
        Versions::Both,
        [Tag::Heavy],
        1,
        |ctx, arg: u16| load::burst(ctx, arg as u8)
    ),
    check!(
        "burst-qos2",
        "1,000 QoS 2 messages back to back all arrive, each once",
        "[MQTT-4.3.3-1]",
        Versions::Both,
        [Tag::Heavy],
        2,
        |ctx, arg: u16| load::burst(ctx, arg as u8)
    ),
    check!(
        "limit-payload",
        "The largest payload, found within 30 s",
        "[MQTT-1.5.5], Maximum Packet Size [v5 MQTT-3.2.2-15]",
        Versions::Both,
        [Tag::Limits, Tag::Heavy],
        0,
        |ctx, _| limits::payload::largest(ctx)
    ),
    check!(
        "limit-topic-length",
        "The longest topic name and filter",
        "[MQTT-4.7.3-3], [MQTT-3.3.2-3]",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::topic::length(ctx)
    ),
    check!(
        "limit-topic-levels",
        "The most topic levels",
        "[MQTT-4.7.3-3], [MQTT-3.3.2-3]",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::topic::levels(ctx)
    ),
    check!(
        "limit-client-id",
        "The longest client id, and the characters taken",
        "[MQTT-3.1.3-5]",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::client_id::client_id(ctx)
    ),
    check!(
        "limit-inflight-window",
        "QoS 1 messages in flight to a subscriber that does not acknowledge",
        "[v5 MQTT-3.3.4-9]",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::inflight::window(ctx)
    ),
    check!(
        "limit-offline-queue",
        "QoS 1 messages kept for a session while its client is away",
        "[v3 MQTT-4.6.0-6], [v5 MQTT-4.6.0-5]",
        Versions::Both,
        [Tag::Limits, Tag::Heavy],
        0,
        |ctx, _| limits::queue::offline(ctx)
    ),
    check!(
        "limit-subscriptions-per-subscribe",
        "The most topic filters in one SUBSCRIBE",
        "[v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6], [MQTT-3.9.3-1]",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::subscriptions::per_subscribe(ctx)
    ),
    check!(
        "limit-keep-alive",
        "The longest keep alive, and keep alive 0",
        "v3 §3.1.2.10, v5 §3.1.2.10, Server Keep Alive v5 §3.2.2.3.14",
        Versions::Both,
        [Tag::Limits],
        0,
        |ctx, _| limits::keep_alive::bounds(ctx)
    ),
    check!(
        "v5-server-keep-alive",
        "A declared Server Keep Alive is the one enforced",
        "[v5 MQTT-3.2.2-21], [v5 MQTT-3.1.2-22]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| connection::server_keep_alive(ctx)
    ),
    check!(
        "v5-maximum-qos-enforced",
        "A PUBLISH above the declared Maximum QoS gets DISCONNECT 0x9B",
        "[v5 MQTT-3.2.2-11], v5 §3.2.2.3.4",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5::maximum_qos_enforced(ctx)
    ),
    check!(
        "v5-retain-unavailable-enforced",
        "RETAIN 1 after Retain Available 0 gets DISCONNECT 0x9A",
        "[v5 MQTT-3.2.2-14], v5 §3.2.2.3.5",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5::retain_unavailable_enforced(ctx)
    ),
    check!(
        "v5-receive-maximum",
        "The broker respects our Receive Maximum",
        "[v5 MQTT-3.3.4-9]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::receive_maximum(ctx)
    ),
    check!(
        "v5-topic-alias",
        "Topic aliases both ways",
        "[v5 MQTT-3.3.2-10], [-12]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::topic_alias(ctx)
    ),
    check!(
        "v5-message-expiry",
        "Message expiry while the subscriber is away",
        "[v5 MQTT-3.3.2-5], [-6]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::message_expiry(ctx)
    ),
    check!(
        "v5-no-subscribers",
        "PUBACK 0x10 when nobody is subscribed",
        "v5 §3.4.2.1 (0x10 No matching subscribers)",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5::no_subscribers(ctx)
    ),
    check!(
        "v5-no-local",
        "No Local keeps our own messages from us",
        "[v5 MQTT-3.8.3-3]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::no_local(ctx)
    ),
    check!(
        "v5-retain-as-published",
        "Retain As Published",
        "[v5 MQTT-3.3.1-12], [-13]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::retain_as_published(ctx)
    ),
    check!(
        "v5-retain-handling",
        "Retain Handling 0, 1 and 2",
        "[v5 MQTT-3.3.1-9], [-10], [-11]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::retain_handling(ctx)
    ),
    check!(
        "v5-subscription-identifiers",
        "Subscription Identifiers on matching messages",
        "[v5 MQTT-3.3.4-3], [-4], [-5]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::subscription_identifiers(ctx)
    ),
    check!(
        "v5-assigned-client-id",
        "An empty client id gets an Assigned Client Identifier",
        "[v5 MQTT-3.2.2-16]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| connection::assigned_client_id(ctx)
    ),
    check!(
        "v5-refusal-reason",
        "A refused CONNECT names its reason",
        "[v5 MQTT-4.12.0-1], v5 §3.2.2.3.16 Reason String",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| connection::refusal_reason(ctx)
    ),
    check!(
        "v5-session-expiry",
        "A session ends when its Session Expiry Interval has passed, not before",
        "[v5 MQTT-3.1.2-23], v5 §3.1.2.11.2",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| connection::session_expiry(ctx)
    ),
    check!(
        "v5-will-delay",
        "A Will waits for its Will Delay Interval; a reconnect within it cancels the Will",
        "[v5 MQTT-3.1.3-9], v5 §3.1.3.2.2",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| will::delay(ctx)
    ),
    check!(
        "v5-user-properties",
        "User Properties forwarded unaltered and in order",
        "[v5 MQTT-3.3.2-17], [-18]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::properties_forwarded(ctx, false)
    ),
    check!(
        "v5-payload-format",
        "Payload Format Indicator and Content Type forwarded unaltered",
        "[v5 MQTT-3.3.2-4], [-20]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::properties_forwarded(ctx, true)
    ),
    check!(
        "v5-request-response",
        "Request/response: Response Topic and Correlation Data reach the responder, and the reply comes back",
        "[v5 MQTT-3.3.2-15], [-16]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::request_response(ctx)
    ),
    check!(
        "v5-client-maximum-packet-size",
        "Nothing larger than our Maximum Packet Size is sent to us",
        "[v5 MQTT-3.1.2-24], [-25]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| v5::client_maximum_packet_size(ctx)
    ),
    check!(
        "v5-shared-subscriptions",
        "A shared subscription delivers each message to one member of the group",
        "v5 §4.8.2, [v5 MQTT-4.8.2-3]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| delivery::shared_subscriptions(ctx)
    ),
    check!(
        "v5-response-information-unrequested",
        "No Response Information unless the client asks for it",
        "[v5 MQTT-3.1.2-28], v5 §3.1.2.11.6",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| requests::response_information(ctx)
    ),
    check!(
        "v5-authentication-unrequested",
        "No AUTH and no Authentication Method for a client that sent none",
        "[v5 MQTT-4.12.0-6], v5 §4.12",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| requests::authentication_unrequested(ctx)
    ),
    check!(
        "v5-request-problem-information",
        "Request Problem Information 0: no Reason String or User Property on acknowledgements",
        "[v5 MQTT-3.1.2-29], v5 §3.1.2.11.7",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| requests::request_problem_information(ctx)
    ),
    check!(
        "v5-ack-within-maximum-packet-size",
        "CONNACK and acknowledgements fit our Maximum Packet Size: Reason Strings and User Properties left off",
        "[v5 MQTT-3.2.2-19], [-20], [v5 MQTT-3.4.2-2], [-3], [v5 MQTT-3.9.2-1], [-2], [v5 MQTT-3.11.2-1], [-2]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| requests::reason_string_size(ctx)
    ),
    check!(
        "v5-topic-alias-client-maximum",
        "No topic alias to us beyond our Topic Alias Maximum, none when we allow none",
        "[v5 MQTT-3.1.2-26], [-27], [v5 MQTT-3.3.2-11]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| requests::topic_alias_client_maximum(ctx)
    ),
    check!(
        "v5-quota-zero-answers",
        "With our Receive Maximum used up, SUBSCRIBE and UNSUBSCRIBE are still answered",
        "[v5 MQTT-3.3.4-10], [v5 MQTT-4.9.0-3], v5 §4.9",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| flow_control::quota_zero_answers(ctx)
    ),
    check!(
        "v5-unsuback-reason-codes",
        "UNSUBACK: one reason code per filter, in order; 0x11 for a filter never subscribed",
        "[v5 MQTT-3.11.3-1], [-2], v5 §3.11.3",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| reason_codes::unsuback_reason_codes(ctx)
    ),
    check!(
        "v5-subscribe-above-maximum-qos",
        "A SUBSCRIBE above the declared Maximum QoS is still accepted",
        "[v5 MQTT-3.2.2-10], v5 §3.2.2.3.4",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| reason_codes::subscribe_above_maximum_qos(ctx)
    ),
    check!(
        "v5-subscription-replaced",
        "A second SUBSCRIBE to a filter replaces the subscription and its identifier",
        "[v5 MQTT-3.8.4-3]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5::subscription_replaced(ctx)
    ),
    check!(
        "v5-session-expiry-absent",
        "Clean Start 0 without Session Expiry Interval: the session ends with the connection",
        "[v5 MQTT-4.1.0-2], [v5 MQTT-3.1.2-6], v5 §3.1.2.11.2",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5_sessions::expiry_absent(ctx)
    ),
    check!(
        "v5-session-expiry-on-disconnect",
        "Session Expiry Interval 0 on DISCONNECT ends the session",
        "v5 §3.14.2.2.2, [v5 MQTT-4.1.0-2]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5_sessions::expiry_on_disconnect(ctx)
    ),
    check!(
        "v5-assigned-client-id-session",
        "Assigned Client Identifiers are unique and name a session that can be resumed",
        "[v5 MQTT-3.1.3-6], [-7]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5_sessions::assigned_client_id_session(ctx)
    ),
    check!(
        "v5-session-taken-over",
        "A second connection with our client id: DISCONNECT 0x8E and close for the first",
        "[v5 MQTT-3.1.4-3], [v5 MQTT-3.14.2-1], [-2]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| v5_sessions::session_taken_over(ctx)
    ),
    check!(
        "v5-disconnect-with-will",
        "DISCONNECT 0x04 publishes the Will; DISCONNECT 0x00 discards it",
        "[v5 MQTT-3.14.4-3], v5 §3.14.2.1",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| will::disconnect_with_will(ctx)
    ),
    check!(
        "v5-shared-refused",
        "A shared message refused with PUBACK 0x80 is not sent to another member",
        "[v5 MQTT-4.8.2-6], v5 §4.8.2",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| delivery::shared_refused(ctx)
    ),
    negative!(
        "reserved-flags-connect",
        "CONNECT with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        1,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-puback",
        "PUBACK with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        4,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-pubrec",
        "PUBREC with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        5,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-pubrel",
        "PUBREL with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]; [MQTT-3.6.1-1]",
        Versions::Both,
        [],
        6,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-pubcomp",
        "PUBCOMP with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        7,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-subscribe",
        "SUBSCRIBE with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]; [MQTT-3.8.1-1]",
        Versions::Both,
        [],
        8,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-unsubscribe",
        "UNSUBSCRIBE with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]; [MQTT-3.10.1-1]",
        Versions::Both,
        [],
        10,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-pingreq",
        "PINGREQ with a reserved fixed-header flag wrong closes the connection",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        12,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "reserved-flags-disconnect",
        "DISCONNECT with a reserved flag set: the connection closes and the Will is published",
        "[v3 MQTT-2.2.2-1], [-2]; [v5 MQTT-2.1.3-1], [v5 MQTT-4.13.1-1]; [MQTT-3.14.1-1], [MQTT-3.1.2-8]",
        Versions::Both,
        [],
        14,
        |ctx, arg: u16| framing::reserved_flags(ctx, arg as u8)
    ),
    negative!(
        "connect-reserved-flag",
        "The reserved bit of the CONNECT flags set closes the connection",
        "[MQTT-3.1.2-3], [MQTT-3.1.4-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::reserved_flag(ctx)
    ),
    negative!(
        "publish-qos-3",
        "A PUBLISH with QoS 3 closes the connection",
        "[MQTT-3.3.1-4]",
        Versions::Both,
        [],
        0,
        |ctx, _| framing::qos_3(ctx)
    ),
    negative!(
        "will-qos-3",
        "A Will with QoS 3 closes the connection",
        "[MQTT-3.1.2-14], [MQTT-3.1.4-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::will_qos_3(ctx)
    ),
    negative!(
        "publish-dup-qos-0",
        "A QoS 0 PUBLISH with DUP 1: taken or refused (reported), never forwarded with DUP 1",
        "[MQTT-3.3.1-2] binds the sender; [MQTT-3.3.1-3], [MQTT-4.3.1-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| framing::dup_on_qos_0(ctx)
    ),
    negative!(
        "remaining-length-five-bytes",
        "A Remaining Length written in five bytes closes the connection",
        "v3 §2.2.3, v5 §1.5.5 (at most four bytes); [v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        0,
        |ctx, arg: u16| framing::remaining_length(ctx, arg as u8)
    ),
    negative!(
        "remaining-length-short",
        "A Remaining Length that ends inside a field closes the connection",
        "v3 §2.2.3, v5 §2.1.4; [v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        1,
        |ctx, arg: u16| framing::remaining_length(ctx, arg as u8)
    ),
    negative!(
        "remaining-length-long",
        "A Remaining Length longer than the packet's fields closes the connection",
        "v3 §2.2.3, v5 §2.1.4; [v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        2,
        |ctx, arg: u16| framing::remaining_length(ctx, arg as u8)
    ),
    negative!(
        "packet-id-zero-publish",
        "PUBLISH with packet identifier 0 closes the connection",
        "[v3 MQTT-2.3.1-1], [v5 MQTT-2.2.1-3]",
        Versions::Both,
        [],
        3,
        |ctx, arg: u16| framing::packet_id_zero(ctx, arg as u8)
    ),
    negative!(
        "packet-id-zero-subscribe",
        "SUBSCRIBE with packet identifier 0 closes the connection",
        "[v3 MQTT-2.3.1-1], [v5 MQTT-2.2.1-3]",
        Versions::Both,
        [],
        8,
        |ctx, arg: u16| framing::packet_id_zero(ctx, arg as u8)
    ),
    negative!(
        "packet-id-zero-unsubscribe",
        "UNSUBSCRIBE with packet identifier 0 closes the connection",
        "[v3 MQTT-2.3.1-1], [v5 MQTT-2.2.1-3]",
        Versions::Both,
        [],
        10,
        |ctx, arg: u16| framing::packet_id_zero(ctx, arg as u8)
    ),
    negative!(
        "publish-topic-wildcard",
        "A PUBLISH to a topic name with a wildcard closes the connection",
        "[MQTT-3.3.2-2], [v5 MQTT-4.7.0-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| framing::wildcard_topic(ctx)
    ),
    negative!(
        "publish-topic-empty",
        "A PUBLISH with a zero-length topic name closes the connection",
        "[MQTT-4.7.3-1]; [v3 MQTT-4.8.0-1]; v5 §3.3.2.1, [v5 MQTT-4.13.1-1]",
        |ctx, _| framing::empty_topic(ctx)
    ),
    negative!(
        "utf8-ill-formed-topic",
        "Ill-formed UTF-8 in a PUBLISH topic closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [MQTT-3.3.2-1]",
        Versions::Both,
        [],
        0,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-surrogate-topic",
        "A surrogate (U+D800) in a PUBLISH topic closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [MQTT-3.3.2-1]",
        Versions::Both,
        [],
        1,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-null-topic",
        "U+0000 in a PUBLISH topic closes the connection",
        "[v3 MQTT-1.5.3-2], [v5 MQTT-1.5.4-2]; [MQTT-3.3.2-1]",
        Versions::Both,
        [],
        2,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-ill-formed-client-id",
        "Ill-formed UTF-8 in the client id closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [MQTT-3.1.3-4]",
        Versions::Both,
        [],
        3,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-surrogate-client-id",
        "A surrogate (U+D800) in the client id closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [MQTT-3.1.3-4]",
        Versions::Both,
        [],
        4,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-null-client-id",
        "U+0000 in the client id closes the connection",
        "[v3 MQTT-1.5.3-2], [v5 MQTT-1.5.4-2]; [MQTT-3.1.3-4]",
        Versions::Both,
        [],
        5,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-ill-formed-username",
        "Ill-formed UTF-8 in the user name closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [v3 MQTT-3.1.3-11], [v5 MQTT-3.1.3-10]",
        Versions::Both,
        [],
        6,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-surrogate-username",
        "A surrogate (U+D800) in the user name closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [v3 MQTT-3.1.3-11], [v5 MQTT-3.1.3-10]",
        Versions::Both,
        [],
        7,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-null-username",
        "U+0000 in the user name closes the connection",
        "[v3 MQTT-1.5.3-2], [v5 MQTT-1.5.4-2]; [v3 MQTT-3.1.3-11], [v5 MQTT-3.1.3-10]",
        Versions::Both,
        [],
        8,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-ill-formed-will-topic",
        "Ill-formed UTF-8 in the Will topic closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [v3 MQTT-3.1.3-10], [v5 MQTT-3.1.3-9]",
        Versions::Both,
        [],
        9,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-surrogate-will-topic",
        "A surrogate (U+D800) in the Will topic closes the connection",
        "[v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]; [v3 MQTT-3.1.3-10], [v5 MQTT-3.1.3-9]",
        Versions::Both,
        [],
        10,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "utf8-null-will-topic",
        "U+0000 in the Will topic closes the connection",
        "[v3 MQTT-1.5.3-2], [v5 MQTT-1.5.4-2]; [v3 MQTT-3.1.3-10], [v5 MQTT-3.1.3-9]",
        Versions::Both,
        [],
        11,
        |ctx, arg: u16| framing::bad_string(ctx, arg)
    ),
    negative!(
        "packet-before-connect",
        "A packet before CONNECT closes the connection",
        "[MQTT-3.1.0-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::packet_before_connect(ctx)
    ),
    negative!(
        "second-connect",
        "A second CONNECT closes the connection",
        "[MQTT-3.1.0-2]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::second_connect(ctx)
    ),
    negative!(
        "protocol-name",
        "A CONNECT with the protocol name \"MQTX\" is not taken as MQTT",
        "[MQTT-3.1.2-1]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::protocol_name(ctx)
    ),
    negative!(
        "protocol-level",
        "An unknown protocol level: 3.1.1 answers CONNACK 0x01, 5.0 closes (0x84 allowed)",
        "[v3 MQTT-3.1.2-2], [v5 MQTT-3.1.2-2]",
        Versions::Both,
        [],
        0,
        |ctx, _| connect::protocol_level(ctx)
    ),
    negative!(
        "empty-client-id-persistent",
        "A zero-length client id with clean session 0 gets CONNACK 0x02",
        "[v3 MQTT-3.1.3-8], [-9]; [v3 MQTT-3.2.2-5]",
        Versions::V311Only,
        [Tag::Paho],
        0,
        |ctx, _| connect::empty_client_id_without_clean_session(ctx)
    ),
    negative!(
        "filter-hash-not-last",
        "A SUBSCRIBE to a/#/b is refused (SUBACK 0x80, 5.0: 0x8F) or closed",
        "[v3 MQTT-4.7.1-2], [v5 MQTT-4.7.1-1]; v3 §3.9.3, v5 §3.9.3",
        Versions::Both,
        [Tag::Paho],
        0,
        |ctx, arg: u16| subscribe::invalid_filter(ctx, arg as u8)
    ),
    negative!(
        "filter-hash-in-level",
        "A SUBSCRIBE to xa# is refused (SUBACK 0x80, 5.0: 0x8F) or closed",
        "[v3 MQTT-4.7.1-2], [v5 MQTT-4.7.1-1]; v3 §3.9.3, v5 §3.9.3",
        Versions::Both,
        [Tag::Paho],
        1,
        |ctx, arg: u16| subscribe::invalid_filter(ctx, arg as u8)
    ),
    negative!(
        "filter-plus-in-level",
        "A SUBSCRIBE to +ab is refused (SUBACK 0x80, 5.0: 0x8F) or closed",
        "[v3 MQTT-4.7.1-3], [v5 MQTT-4.7.1-2]; v3 §3.9.3, v5 §3.9.3",
        Versions::Both,
        [Tag::Paho],
        2,
        |ctx, arg: u16| subscribe::invalid_filter(ctx, arg as u8)
    ),
    negative!(
        "subscribe-empty",
        "A SUBSCRIBE without a topic filter closes the connection",
        "[v3 MQTT-3.8.3-3], [v5 MQTT-3.8.3-2]",
        Versions::Both,
        [],
        8,
        |ctx, arg: u16| subscribe::empty_request(ctx, arg as u8)
    ),
    negative!(
        "subscribe-options-reserved",
        "A SUBSCRIBE with reserved bits of its subscription options set closes the connection",
        "[v3 MQTT-3.8.3-4]; [v5 MQTT-3.8.3-5], [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        0xC1,
        |ctx, arg: u16| subscribe::invalid_options(ctx, arg as u8)
    ),
    negative!(
        "subscribe-qos-3",
        "A SUBSCRIBE asking for QoS 3 closes the connection",
        "[v3 MQTT-3.8.3-4]; v5 §3.8.3.1 (a Protocol Error), [v5 MQTT-4.13.1-1]",
        Versions::Both,
        [],
        3,
        |ctx, arg: u16| subscribe::invalid_options(ctx, arg as u8)
    ),
    negative!(
        "unsubscribe-empty",
        "An UNSUBSCRIBE without a topic filter closes the connection",
        "[MQTT-3.10.3-2]",
        Versions::Both,
        [],
        10,
        |ctx, arg: u16| subscribe::empty_request(ctx, arg as u8)
    ),
    negative!(
        "v5-property-not-allowed",
        "A PUBLISH with a CONNECT property (Session Expiry Interval) closes the connection",
        "v5 §2.2.2.2, [v5 MQTT-4.13.1-1]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::property_not_allowed(ctx)
    ),
    negative!(
        "v5-property-twice",
        "A PUBLISH with the Payload Format Indicator twice closes the connection",
        "v5 §3.3.2.3.2 (a Protocol Error), [v5 MQTT-4.13.1-1]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::property_twice(ctx)
    ),
    negative!(
        "v5-topic-alias-zero",
        "Topic Alias 0 closes the connection (0x94)",
        "[v5 MQTT-3.3.2-8], v5 §3.3.2.3.4",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::topic_alias(ctx, false)
    ),
    negative!(
        "v5-topic-alias-above-maximum",
        "A Topic Alias above the declared maximum closes the connection (0x94)",
        "[v5 MQTT-3.3.2-9], [v5 MQTT-3.2.2-18]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::topic_alias(ctx, true)
    ),
    negative!(
        "v5-receive-maximum-exceeded",
        "More unacknowledged QoS 2 messages than the declared Receive Maximum: DISCONNECT 0x93",
        "[v5 MQTT-3.3.4-7], v5 §3.3.4, [v5 MQTT-4.13.1-1]",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| negative::v5::receive_maximum_exceeded(ctx)
    ),
    negative!(
        "v5-packet-too-large",
        "A packet over the declared Maximum Packet Size: DISCONNECT 0x95",
        "[v5 MQTT-3.2.2-15], v5 §3.2.2.3.6",
        Versions::V5Only,
        [Tag::V5, Tag::Paho],
        0,
        |ctx, _| negative::v5::packet_too_large(ctx)
    ),
    negative!(
        "v5-subscription-id-on-publish",
        "A Subscription Identifier on a client's PUBLISH: closed, or taken with a warning",
        "[v5 MQTT-3.3.4-6] (binds the client)",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::subscription_id_on_publish(ctx)
    ),
    negative!(
        "v5-will-above-maximum-qos",
        "A Will above the declared Maximum QoS is refused (0x9B) and closed",
        "[v5 MQTT-3.2.2-12]",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::will_above_maximum_qos(ctx)
    ),
    negative!(
        "v5-will-retain-unavailable",
        "Will Retain 1 after Retain Available 0 is refused (0x9A) and closed",
        "[v5 MQTT-3.2.2-13], v5 §3.2.2.3.5",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::will_retain_unavailable(ctx)
    ),
    negative!(
        "v5-topic-alias-per-connection",
        "A topic alias from the previous connection is unknown: the connection is closed",
        "[v5 MQTT-3.3.2-7], v5 §3.3.4",
        Versions::V5Only,
        [Tag::V5],
        0,
        |ctx, _| negative::v5::topic_alias_per_connection(ctx)
    ),
    negative!(
        "v5-utf8-ill-formed-user-property",
        "A User Property that is not well-formed UTF-8 closes the connection",
        "[v5 MQTT-1.5.7-1], [v5 MQTT-1.5.4-1]",
        Versions::V5Only,
        [Tag::V5],
        38,
        |ctx, arg: u16| negative::v5::ill_formed_property(ctx, arg as u8)
    ),
    negative!(
        "v5-utf8-ill-formed-content-type",
        "A Content Type that is not well-formed UTF-8 closes the connection",
        "[v5 MQTT-3.3.2-19], [v5 MQTT-1.5.4-1]",
        Versions::V5Only,
        [Tag::V5],
        3,
        |ctx, arg: u16| negative::v5::ill_formed_property(ctx, arg as u8)
    ),
    negative!(
        "v5-utf8-ill-formed-response-topic",
        "A Response Topic that is not well-formed UTF-8 closes the connection",
        "[v5 MQTT-3.3.2-13], [v5 MQTT-1.5.4-1]",
        Versions::V5Only,
        [Tag::V5],
        8,
        |ctx, arg: u16| negative::v5::ill_formed_property(ctx, arg as u8)
    ),
];
