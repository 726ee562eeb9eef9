//! proptest strategies for *valid* packets of both protocol versions: every packet type, every
//! v5 property each packet may carry, the reason codes each packet may carry, and topic names and
//! filters that follow the topic rules. "Valid" means what a conforming peer may send, so
//! `decode(encode(p)) == p` must hold for every value generated here.
//!
//! Rules the generators respect (besides the types' own invariants):
//! - strings never contain U+0000; topic names have no `+`/`#`; filters place wildcards legally;
//! - v3: no properties, no AUTH, acks only Success, CONNACK only codes v3 has, SUBACK only
//!   0x00/0x01/0x02/0x80, UNSUBACK without codes, subscription options carry only the QoS,
//!   a password needs a user name, an empty client id needs clean session;
//! - v5: Subscription Identifier at most once in SUBSCRIBE and never 0 or above 268,435,455,
//!   Maximum QoS only 0 or 1, an empty topic only together with a Topic Alias, Authentication
//!   Data only with an Authentication Method, No Local never on a shared subscription;
//! - both: a refused CONNACK never sets Session Present, a QoS 0 PUBLISH never sets DUP,
//!   SUBSCRIBE/UNSUBSCRIBE carry at least one filter and v5 SUBACK/UNSUBACK at least one code.

use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use qoscope::codec::{
    Ack, Auth, ConnAck, Connect, Disconnect, Packet, PacketType, Pid, Properties, PropertyContext,
    PropertyId, PropertyValues, ProtocolVersion, Publish, QoS, QosPid, ReasonCode, RetainHandling,
    SubAck, Subscribe, Subscription, SubscriptionOptions, UnsubAck, Unsubscribe, Will, MAX_VAR_INT,
};

/// Either protocol version.
pub fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![Just(ProtocolVersion::V311), Just(ProtocolVersion::V5)]
}

/// A character a UTF-8 Encoded String may hold: any scalar value except U+0000, biased towards
/// ASCII so that strings look like real ones but multi-byte characters still show up.
fn string_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('\u{1}', '\u{7F}'),
        1 => any::<char>().prop_filter("U+0000 is not allowed in strings", |&c| c != '\0'),
    ]
}

/// A UTF-8 Encoded String of up to `max` characters.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    vec(string_char(), 0..=max).prop_map(String::from_iter)
}

/// Binary Data of up to `max` bytes.
pub fn binary(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..=max).prop_map(Bytes::from)
}

/// A character that may appear inside one topic level: no separator, no wildcard.
fn level_char() -> impl Strategy<Value = char> {
    string_char().prop_filter("separators and wildcards are not level characters", |c| {
        !matches!(c, '/' | '+' | '#')
    })
}

/// One level of a topic name; may be empty (`a//b` has an empty middle level).
fn name_level() -> impl Strategy<Value = String> {
    vec(level_char(), 0..6).prop_map(String::from_iter)
}

/// Levels joined by `/`, never empty.
fn name_levels() -> impl Strategy<Value = String> {
    vec(name_level(), 1..5).prop_map(|levels| {
        let name = levels.join("/");
        if name.is_empty() {
            "t".to_owned()
        } else {
            name
        }
    })
}

/// A topic name: at least one character, no wildcards ([MQTT-3.3.2-2], [MQTT-4.7.3-1]).
pub fn topic_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => name_levels(),
        1 => name_levels().prop_map(|name| format!("$SYS/{name}")),
    ]
}

/// A filter without a `$share/` prefix.
fn plain_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => name_level(), 1 => Just("+".to_owned())];
    (vec(level, 1..5), any::<bool>())
        .prop_map(|(mut levels, multi_level)| {
            if multi_level {
                levels.push("#".to_owned());
            }
            let filter = levels.join("/");
            if filter.is_empty() {
                "#".to_owned()
            } else {
                filter
            }
        })
        .prop_filter("a plain filter must not look like a shared one", |filter| {
            filter != "$share" && !filter.starts_with("$share/")
        })
}

/// A topic filter: `+` fills whole levels, `#` only as the whole last level, optionally a
/// `$share/{name}/` prefix (v3 reads that as an ordinary filter starting with `$`).
pub fn topic_filter() -> impl Strategy<Value = String> {
    let share_name = vec(level_char(), 1..6).prop_map(String::from_iter);
    prop_oneof![
        8 => plain_filter(),
        1 => (share_name, plain_filter()).prop_map(|(name, filter)| format!("$share/{name}/{filter}")),
    ]
}

/// A non-zero packet identifier, biased towards the ends of the range.
pub fn pid() -> impl Strategy<Value = Pid> {
    prop_oneof![
        1 => Just(1u16),
        1 => Just(u16::MAX),
        6 => 1..=u16::MAX,
    ]
    .prop_map(|value| Pid::new(value).expect("the range excludes 0"))
}

/// Any QoS level.
pub fn qos() -> impl Strategy<Value = QoS> {
    select(QoS::ALL.to_vec())
}

/// The codes `packet` may carry in `version`: v5 per Table 2-6; v3 only the CONNACK return
/// codes and the SUBACK return codes it has, and Success for the rest. Empty for a v3
/// UNSUBACK, which carries no codes at all.
pub fn reasons_for(packet: PacketType, version: ProtocolVersion) -> Vec<ReasonCode> {
    let allowed = ReasonCode::ALL
        .iter()
        .copied()
        .filter(move |code| code.allowed_in(packet));
    match (version, packet) {
        (ProtocolVersion::V5, _) => allowed.collect(),
        (ProtocolVersion::V311, PacketType::ConnAck) => allowed
            .filter(|code| code.to_v3_connack().is_some())
            .collect(),
        (ProtocolVersion::V311, PacketType::SubAck) => {
            allowed.filter(|code| code.is_v3_suback()).collect()
        }
        (ProtocolVersion::V311, PacketType::UnsubAck) => Vec::new(),
        (ProtocolVersion::V311, _) => vec![ReasonCode::Success],
    }
}

/// One code `packet` may carry in `version`.
pub fn reason(packet: PacketType, version: ProtocolVersion) -> impl Strategy<Value = ReasonCode> {
    select(reasons_for(packet, version))
}

/// A Subscription Identifier, spread over the four Variable Byte Integer lengths.
pub fn subscription_identifier() -> impl Strategy<Value = NonZeroU32> {
    prop_oneof![
        Just(1u32),
        Just(MAX_VAR_INT),
        1u32..=127,
        128u32..=16_383,
        16_384u32..=2_097_151,
        2_097_152u32..=MAX_VAR_INT,
    ]
    .prop_map(|value| NonZeroU32::new(value).expect("the ranges exclude 0"))
}

fn sometimes<T: std::fmt::Debug>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    option::weighted(0.3, value)
}

fn non_zero_u16() -> impl Strategy<Value = NonZeroU16> {
    (1..=u16::MAX).prop_map(|value| NonZeroU16::new(value).expect("the range excludes 0"))
}

fn non_zero_u32() -> impl Strategy<Value = NonZeroU32> {
    (1..=u32::MAX).prop_map(|value| NonZeroU32::new(value).expect("the range excludes 0"))
}

/// Every property with random presence, before the packet's allow-list is applied.
fn any_properties() -> impl Strategy<Value = Properties> {
    let message = (
        sometimes(any::<bool>()),
        sometimes(any::<u32>()),
        sometimes(text(12)),
        sometimes(topic_name()),
        sometimes(binary(12)),
        sometimes(non_zero_u16()),
        sometimes(any::<u32>()),
    );
    let session = (
        sometimes(any::<u32>()),
        sometimes(text(23)),
        sometimes(any::<u16>()),
        sometimes(text(12)),
        sometimes(binary(12)),
        sometimes(any::<bool>()),
        sometimes(any::<bool>()),
        sometimes(text(12)),
        sometimes(text(12)),
        sometimes(text(24)),
    );
    let limits = (
        sometimes(non_zero_u16()),
        sometimes(any::<u16>()),
        sometimes(prop_oneof![Just(QoS::AtMostOnce), Just(QoS::AtLeastOnce)]),
        sometimes(any::<bool>()),
        sometimes(non_zero_u32()),
        sometimes(any::<bool>()),
        sometimes(any::<bool>()),
        sometimes(any::<bool>()),
    );
    let repeatable = (
        vec(subscription_identifier(), 0..3),
        // A long value now and then pushes the Property Length past one byte.
        vec((text(8), prop_oneof![6 => text(8), 1 => text(160)]), 0..3),
    );
    (message, session, limits, repeatable).prop_map(
        |(
            (
                payload_format_indicator,
                message_expiry_interval,
                content_type,
                response_topic,
                correlation_data,
                topic_alias,
                will_delay_interval,
            ),
            (
                session_expiry_interval,
                assigned_client_identifier,
                server_keep_alive,
                authentication_method,
                authentication_data,
                request_problem_information,
                request_response_information,
                response_information,
                server_reference,
                reason_string,
            ),
            (
                receive_maximum,
                topic_alias_maximum,
                maximum_qos,
                retain_available,
                maximum_packet_size,
                wildcard_subscription_available,
                subscription_identifier_available,
                shared_subscription_available,
            ),
            (subscription_identifiers, user_properties),
        )| {
            Properties::from(PropertyValues {
                payload_format_indicator,
                message_expiry_interval,
                content_type,
                response_topic,
                correlation_data,
                session_expiry_interval,
                assigned_client_identifier,
                server_keep_alive,
                authentication_method,
                authentication_data,
                request_problem_information,
                will_delay_interval,
                request_response_information,
                response_information,
                server_reference,
                reason_string,
                receive_maximum,
                topic_alias_maximum,
                topic_alias,
                maximum_qos,
                retain_available,
                maximum_packet_size,
                wildcard_subscription_available,
                subscription_identifier_available,
                shared_subscription_available,
                subscription_identifiers,
                user_properties,
            })
        },
    )
}

/// The single-use properties: `Properties` field and identifier.
macro_rules! single_properties {
    ($($field:ident => $id:ident,)*) => {
        /// Drops every single-use property `context` may not carry.
        fn drop_disallowed_singles(properties: &mut Properties, context: PropertyContext) {
            $(if !PropertyId::$id.allowed_in(context) {
                properties.$field = None;
            })*
        }

        /// The identifiers of the properties that are set.
        pub fn present(properties: &Properties) -> Vec<PropertyId> {
            let mut ids = Vec::new();
            $(if properties.$field.is_some() {
                ids.push(PropertyId::$id);
            })*
            if !properties.subscription_identifiers.is_empty() {
                ids.push(PropertyId::SubscriptionIdentifier);
            }
            if !properties.user_properties.is_empty() {
                ids.push(PropertyId::UserProperty);
            }
            ids
        }
    };
}

single_properties! {
    payload_format_indicator => PayloadFormatIndicator,
    message_expiry_interval => MessageExpiryInterval,
    content_type => ContentType,
    response_topic => ResponseTopic,
    correlation_data => CorrelationData,
    session_expiry_interval => SessionExpiryInterval,
    assigned_client_identifier => AssignedClientIdentifier,
    server_keep_alive => ServerKeepAlive,
    authentication_method => AuthenticationMethod,
    authentication_data => AuthenticationData,
    request_problem_information => RequestProblemInformation,
    will_delay_interval => WillDelayInterval,
    request_response_information => RequestResponseInformation,
    response_information => ResponseInformation,
    server_reference => ServerReference,
    reason_string => ReasonString,
    receive_maximum => ReceiveMaximum,
    topic_alias_maximum => TopicAliasMaximum,
    topic_alias => TopicAlias,
    maximum_qos => MaximumQos,
    retain_available => RetainAvailable,
    maximum_packet_size => MaximumPacketSize,
    wildcard_subscription_available => WildcardSubscriptionAvailable,
    subscription_identifier_available => SubscriptionIdentifierAvailable,
    shared_subscription_available => SharedSubscriptionAvailable,
}

/// Applies the allow-list of `context` (v5 Table 2-4) and the rules between properties.
pub fn restrict(mut properties: Properties, context: PropertyContext) -> Properties {
    drop_disallowed_singles(&mut properties, context);
    if !PropertyId::SubscriptionIdentifier.allowed_in(context) {
        properties.subscription_identifiers.clear();
    }
    if context == PropertyContext::Subscribe {
        properties.subscription_identifiers.truncate(1);
    }
    if !PropertyId::UserProperty.allowed_in(context) {
        properties.user_properties.clear();
    }
    // Authentication Data without an Authentication Method is a Protocol Error (v5 §3.1.2.11.10).
    if properties.authentication_data.is_some() && properties.authentication_method.is_none() {
        properties.authentication_method = Some("SCRAM-SHA-1".to_owned());
    }
    // Session Expiry Interval comes only from the client, Server Reference only from the server
    // (v5 §3.14.2.2): one DISCONNECT never carries both.
    if context == PropertyContext::Disconnect && properties.server_reference.is_some() {
        properties.session_expiry_interval = None;
    }
    properties
}

/// The properties a packet in `context` may carry.
pub fn properties(context: PropertyContext) -> impl Strategy<Value = Properties> {
    any_properties().prop_map(move |properties| restrict(properties, context))
}

/// v5: the properties allowed in `context`; v3: none.
pub fn properties_for(
    version: ProtocolVersion,
    context: PropertyContext,
) -> BoxedStrategy<Properties> {
    match version {
        ProtocolVersion::V5 => properties(context).boxed(),
        ProtocolVersion::V311 => Just(Properties::default()).boxed(),
    }
}

/// A PUBLISH payload: mostly small, sometimes past the one-byte Remaining Length.
pub fn payload() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        6 => vec(any::<u8>(), 0..48),
        1 => vec(any::<u8>(), 100..400),
    ]
    .prop_map(Bytes::from)
}

/// A Will.
pub fn will(version: ProtocolVersion) -> impl Strategy<Value = Will> {
    (
        topic_name(),
        binary(24),
        qos(),
        any::<bool>(),
        properties_for(version, PropertyContext::Will),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        })
}

/// A CONNECT in `version`.
pub fn connect(version: ProtocolVersion) -> impl Strategy<Value = Connect> {
    (
        prop_oneof![4 => text(23), 1 => Just(String::new())],
        any::<bool>(),
        any::<u16>(),
        properties_for(version, PropertyContext::Connect),
        option::of(will(version)),
        option::of(text(12)),
        option::of(binary(16)),
    )
        .prop_map(
            move |(client_id, clean_start, keep_alive, properties, will, username, password)| {
                let mut connect = Connect {
                    version,
                    client_id,
                    clean_start,
                    keep_alive,
                    properties,
                    will,
                    username,
                    password,
                };
                if version == ProtocolVersion::V311 {
                    // [v3 MQTT-3.1.3-7]: a zero-byte client id needs CleanSession = 1.
                    if connect.client_id.is_empty() {
                        connect.clean_start = true;
                    }
                    // [v3 MQTT-3.1.2-22]: no password without a user name.
                    if connect.username.is_none() {
                        connect.password = None;
                    }
                }
                connect
            },
        )
}

/// A CONNACK in `version`.
pub fn connack(version: ProtocolVersion) -> impl Strategy<Value = ConnAck> {
    (
        any::<bool>(),
        reason(PacketType::ConnAck, version),
        properties_for(version, PropertyContext::ConnAck),
    )
        .prop_map(|(session_present, reason, properties)| ConnAck {
            // [MQTT-3.2.2-4] (v3), [MQTT-3.2.2-6] (v5).
            session_present: session_present && reason == ReasonCode::Success,
            reason,
            properties,
        })
}

/// A PUBLISH in `version`.
pub fn publish(version: ProtocolVersion) -> impl Strategy<Value = Publish> {
    (
        qos(),
        pid(),
        any::<bool>(),
        any::<bool>(),
        topic_name(),
        payload(),
        properties_for(version, PropertyContext::Publish),
        any::<bool>(),
    )
        .prop_map(
            |(qos, pid, dup, retain, topic, payload, properties, alias_only)| {
                // An empty topic name is only valid with a Topic Alias (v5 §3.3.2.1).
                let topic = if alias_only && properties.topic_alias.is_some() {
                    String::new()
                } else {
                    topic
                };
                Publish {
                    // [MQTT-3.3.1-2]: DUP is 0 for every QoS 0 message.
                    dup: dup && qos != QoS::AtMostOnce,
                    qos_pid: QosPid::new(qos, pid),
                    retain,
                    topic: topic.into(),
                    payload,
                    properties,
                }
            },
        )
}

/// A PUBACK, PUBREC, PUBREL or PUBCOMP body (`kind` picks the reason codes).
pub fn ack(version: ProtocolVersion, kind: PacketType) -> impl Strategy<Value = Ack> {
    (
        pid(),
        reason(kind, version),
        properties_for(version, PropertyContext::PubAck),
    )
        .prop_map(|(pid, reason, properties)| Ack {
            pid,
            reason,
            properties,
        })
}

/// One SUBSCRIBE entry.
pub fn subscription(version: ProtocolVersion) -> impl Strategy<Value = Subscription> {
    (
        topic_filter(),
        qos(),
        any::<bool>(),
        any::<bool>(),
        select(vec![
            RetainHandling::SendAtSubscribe,
            RetainHandling::SendIfNew,
            RetainHandling::DoNotSend,
        ]),
    )
        .prop_map(
            move |(filter, qos, no_local, retain_as_published, retain_handling)| {
                let options = match version {
                    ProtocolVersion::V311 => SubscriptionOptions::qos(qos),
                    ProtocolVersion::V5 => SubscriptionOptions {
                        qos,
                        // [v5 MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error.
                        no_local: no_local && !filter.starts_with("$share/"),
                        retain_as_published,
                        retain_handling,
                    },
                };
                Subscription { filter, options }
            },
        )
}

/// A SUBSCRIBE in `version`.
pub fn subscribe(version: ProtocolVersion) -> impl Strategy<Value = Subscribe> {
    (
        pid(),
        vec(subscription(version), 1..4),
        properties_for(version, PropertyContext::Subscribe),
    )
        .prop_map(|(pid, subscriptions, properties)| Subscribe {
            pid,
            subscriptions,
            properties,
        })
}

/// A SUBACK in `version`.
pub fn suback(version: ProtocolVersion) -> impl Strategy<Value = SubAck> {
    (
        pid(),
        vec(reason(PacketType::SubAck, version), 1..5),
        properties_for(version, PropertyContext::SubAck),
    )
        .prop_map(|(pid, reasons, properties)| SubAck {
            pid,
            reasons,
            properties,
        })
}

/// An UNSUBSCRIBE in `version`.
pub fn unsubscribe(version: ProtocolVersion) -> impl Strategy<Value = Unsubscribe> {
    (
        pid(),
        vec(topic_filter(), 1..4),
        properties_for(version, PropertyContext::Unsubscribe),
    )
        .prop_map(|(pid, filters, properties)| Unsubscribe {
            pid,
            filters,
            properties,
        })
}

/// An UNSUBACK in `version` (v3: no codes).
pub fn unsuback(version: ProtocolVersion) -> BoxedStrategy<UnsubAck> {
    let empty = |pid| UnsubAck {
        pid,
        reasons: Vec::new(),
        properties: Properties::default(),
    };
    match version {
        ProtocolVersion::V311 => pid().prop_map(empty).boxed(),
        ProtocolVersion::V5 => (
            pid(),
            vec(reason(PacketType::UnsubAck, version), 1..5),
            properties(PropertyContext::UnsubAck),
        )
            .prop_map(|(pid, reasons, properties)| UnsubAck {
                pid,
                reasons,
                properties,
            })
            .boxed(),
    }
}

/// A DISCONNECT in `version` (v3: always the empty one).
pub fn disconnect(version: ProtocolVersion) -> BoxedStrategy<Disconnect> {
    match version {
        ProtocolVersion::V311 => Just(Disconnect::normal()).boxed(),
        ProtocolVersion::V5 => (
            reason(PacketType::Disconnect, version),
            properties(PropertyContext::Disconnect),
        )
            .prop_map(|(reason, properties)| Disconnect { reason, properties })
            .boxed(),
    }
}

/// An AUTH (v5 only). Every real AUTH names its method ([v5 MQTT-4.12.0-5]); the bare `F0 00`
/// short form (Success, no properties) is valid on the wire and shows up now and then.
pub fn auth() -> impl Strategy<Value = Auth> {
    let full = (
        reason(PacketType::Auth, ProtocolVersion::V5),
        properties(PropertyContext::Auth),
        text(12),
    )
        .prop_map(|(reason, mut properties, method)| {
            if properties.authentication_method.is_none() {
                properties.authentication_method = Some(method);
            }
            Auth { reason, properties }
        });
    prop_oneof![
        8 => full,
        1 => Just(Auth {
            reason: ReasonCode::Success,
            properties: Properties::default(),
        }),
    ]
}

/// Any valid packet of `version`.
pub fn packet(version: ProtocolVersion) -> BoxedStrategy<Packet> {
    let common = prop_oneof![
        2 => connect(version).prop_map(|connect| Packet::Connect(Box::new(connect))),
        2 => connack(version).prop_map(Packet::ConnAck),
        4 => publish(version).prop_map(Packet::Publish),
        1 => ack(version, PacketType::PubAck).prop_map(Packet::PubAck),
        1 => ack(version, PacketType::PubRec).prop_map(Packet::PubRec),
        1 => ack(version, PacketType::PubRel).prop_map(Packet::PubRel),
        1 => ack(version, PacketType::PubComp).prop_map(Packet::PubComp),
        2 => subscribe(version).prop_map(Packet::Subscribe),
        1 => suback(version).prop_map(Packet::SubAck),
        1 => unsubscribe(version).prop_map(Packet::Unsubscribe),
        1 => unsuback(version).prop_map(Packet::UnsubAck),
        1 => Just(Packet::PingReq),
        1 => Just(Packet::PingResp),
        1 => disconnect(version).prop_map(Packet::Disconnect),
    ];
    match version {
        ProtocolVersion::V311 => common.boxed(),
        ProtocolVersion::V5 => prop_oneof![
            20 => common,
            1 => auth().prop_map(Packet::Auth),
        ]
        .boxed(),
    }
}

/// A version and a valid packet of that version.
pub fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    version().prop_flat_map(|version| (Just(version), packet(version)))
}
