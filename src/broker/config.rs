//! What the simulated broker allows, with Mosquitto 2.0's defaults where Mosquitto has one, and
//! the deliberate faults that imitate broker bugs.

use serde::{Deserialize, Serialize};

use crate::codec::{DecodeErrorKind, PropertyId, QoS};

/// Broker settings. The capabilities are the ones a v5 broker may declare in CONNACK (v5
/// §3.2.2.3); each is allowed by the spec, so the broker check must judge around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerConfig {
    /// The highest QoS granted to a subscription (a lesson can set 1 to show a downgrade; a
    /// 3.1.1 broker may grant less than asked, v3 §3.8.4).
    pub granted_qos_cap: QoS,
    /// v5 CONNACK Maximum QoS: the highest QoS clients may publish with (`None` = 2, not sent).
    pub maximum_qos: Option<QoS>,
    /// QoS 1/2 messages in flight to one client at a time (Mosquitto `max_inflight_messages`).
    pub max_inflight: u16,
    /// Messages queued for one client beyond its in-flight window (Mosquitto `max_queued_messages`).
    pub max_queued: usize,
    /// v5 CONNACK Topic Alias Maximum (Mosquitto `max_topic_alias`).
    pub topic_alias_maximum: u16,
    /// v5 CONNACK Receive Maximum: QoS 1/2 messages a client may have in flight to us.
    pub receive_maximum: u16,
    /// Whether retained messages are supported (v5 CONNACK Retain Available).
    pub retain_available: bool,
    /// Whether the broker speaks MQTT 5.0 at all; `false` imitates a 3.1.1-only broker, which
    /// answers a level-5 CONNECT with CONNACK 0x01 and closes ([v3 MQTT-3.1.2-2]).
    pub speaks_v5: bool,
    /// v5 CONNACK Wildcard Subscription Available.
    pub wildcard_available: bool,
    /// v5 CONNACK Shared Subscription Available: `$share/{name}/{filter}` subscriptions, each
    /// message to one member of the group in turn (v5 §4.8.2).
    pub shared_subscriptions_available: bool,
    /// v5 CONNACK Subscription Identifiers Available.
    pub subscription_identifiers_available: bool,
    /// v5 CONNACK Server Keep Alive, sent to every v5 client when set ([v5 MQTT-3.2.2-21]).
    pub server_keep_alive: Option<u16>,
    /// v5 CONNACK Maximum Packet Size; larger packets from clients are refused (0x95).
    pub maximum_packet_size: Option<u32>,
    /// Whether a zero-length client id is accepted (Mosquitto `allow_zero_length_clientid`);
    /// refused with 0x85 (v5) or 0x02 (3.1.1), as [MQTT-3.1.3-8] allows.
    pub zero_length_client_id: bool,
    /// The largest payload taken (Mosquitto `message_size_limit`): a larger one is acknowledged
    /// and dropped in 3.1.1, refused with 0x95 in 5.0, as Mosquitto 2.0 does.
    #[serde(default)]
    pub maximum_payload: Option<u32>,
    /// The longest topic name or filter taken, in bytes: a longer filter is refused in SUBACK,
    /// a longer PUBLISH gets 0x90 (5.0) or a closed connection (3.1.1, [MQTT-3.3.5-2]).
    #[serde(default)]
    pub max_topic_length: Option<u16>,
    /// The most topic levels taken, refused as `max_topic_length` is.
    #[serde(default)]
    pub max_topic_levels: Option<u16>,
    /// The longest client id taken, in bytes: a longer one is refused with 0x02 or 0x85 (a
    /// server may allow more than 23 bytes, v3 and v5 §3.1.3.1; below 23 it breaks [MQTT-3.1.3-5]).
    #[serde(default)]
    pub max_client_id_length: Option<u16>,
    /// The most topic filters granted from one SUBSCRIBE: the ones after are refused (0x80, or
    /// 0x97 Quota exceeded in 5.0).
    #[serde(default)]
    pub max_subscriptions_per_subscribe: Option<u16>,
    /// The longest keep alive allowed (Mosquitto `max_keepalive`): a 5.0 client asking for more,
    /// or for 0, is told Server Keep Alive with this value; 3.1.1 cannot be told, and keeps its own.
    #[serde(default)]
    pub max_keep_alive: Option<u16>,
    /// Known broker bugs to imitate, so the broker check can show it catches each one.
    pub faults: BrokerFaults,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            granted_qos_cap: QoS::ExactlyOnce,
            maximum_qos: None,
            max_inflight: 20,
            max_queued: 1000,
            topic_alias_maximum: 10,
            receive_maximum: 20,
            retain_available: true,
            speaks_v5: true,
            wildcard_available: true,
            shared_subscriptions_available: true,
            subscription_identifiers_available: true,
            server_keep_alive: None,
            maximum_packet_size: None,
            zero_length_client_id: true,
            maximum_payload: None,
            max_topic_length: None,
            max_topic_levels: None,
            max_client_id_length: None,
            max_subscriptions_per_subscribe: None,
            max_keep_alive: None,
            faults: BrokerFaults::default(),
        }
    }
}

macro_rules! faults {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// A rule the simulated broker can be told to break: bug classes real brokers have
        /// shipped. Each one exists so that a check of the broker check suite is seen to fail.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum BrokerFault {
            $($(#[doc = $doc])* $variant,)*
        }

        impl BrokerFault {
            /// Every fault, in the order settings screens list them.
            pub const ALL: &'static [BrokerFault] = &[$(BrokerFault::$variant,)*];

            /// The fault's name, as settings screens and `--fault` show it.
            pub fn name(self) -> &'static str {
                match self {
                    $(BrokerFault::$variant => $name,)*
                }
            }
        }
    };
}

faults! {
    /// Answers a 5.0 CONNECT with a 3.1.1-shaped CONNACK accepting it (breaks v5 §3.2).
    AcceptsV5WithV3ConnAck = "answers 5.0 CONNECT with a 3.1.1 CONNACK",
    /// Sends Session Present 1 to a clean session (breaks [v3 MQTT-3.2.2-1], [v5 MQTT-3.2.2-2]).
    SessionPresentOnCleanStart = "Session Present 1 for a clean session",
    /// Never answers PINGREQ (breaks [MQTT-3.12.4-1]).
    IgnoresPingReq = "ignores PINGREQ",
    /// Never disconnects a silent client (breaks [v3 MQTT-3.1.2-24], [v5 MQTT-3.1.2-22]).
    NoKeepAlive = "does not enforce keep alive",
    /// Sends every QoS 0 delivery twice (breaks at-most-once, [MQTT-4.3.1-1]).
    DuplicatesQos0 = "delivers QoS 0 twice",
    /// Delivers at the publish QoS, ignoring the grant (breaks [v3 MQTT-3.8.4-6], [v5 MQTT-3.8.4-8]).
    DeliversAtPublishQos = "delivers at the publish QoS",
    /// Delivers at the granted QoS, above the publish QoS (breaks the same rule upwards).
    DeliversAtGrantedQos = "delivers at the granted QoS",
    /// Delivers QoS 1 messages at QoS 0 (breaks the same rule for QoS 1).
    DowngradesQos1 = "delivers QoS 1 as QoS 0",
    /// Delivers QoS 2 messages at QoS 1 (breaks the same rule for QoS 2).
    DowngradesQos2 = "delivers QoS 2 as QoS 1",
    /// With overlapping subscriptions, one copy at the lowest granted QoS (breaks [v3
    /// MQTT-3.3.5-1], [v5 MQTT-3.3.4-2]).
    OverlapAtLowestQos = "overlapping subscriptions at the lowest QoS",
    /// Re-sends unacknowledged PUBLISH on resume with DUP=0 (breaks [MQTT-3.3.1-1]).
    DropsDupOnResend = "re-sends without DUP",
    /// Drops unacknowledged outgoing messages when a session resumes ([MQTT-4.4.0-1]).
    ForgetsInFlightOnReconnect = "forgets in-flight messages on reconnect",
    /// Forwards a QoS 2 message on PUBLISH without remembering its packet id, so a DUP=1
    /// re-send is forwarded again (breaks [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10]).
    ForwardsQos2Resends = "forwards QoS 2 re-sends",
    /// Forgets received QoS 2 messages awaiting PUBREL when the connection drops (breaks
    /// [MQTT-4.4.0-1] on the receiving side).
    ForgetsUnreleasedQos2 = "forgets unreleased QoS 2 messages on disconnect",
    /// Does not answer a PUBREL for a packet id it no longer knows (breaks [v3 MQTT-4.3.3-2],
    /// [v5 MQTT-4.3.3-11]).
    IgnoresUnknownPubRel = "ignores PUBREL for an unknown packet id",
    /// Takes a PUBACK as the end of an outgoing QoS 2 flow (breaks [MQTT-4.3.3-1]).
    AcceptsPubAckForQos2 = "accepts PUBACK for QoS 2",
    /// Keeps a retained message after an empty retained publish (breaks [v3 MQTT-3.3.1-10],
    /// [v5 MQTT-3.3.1-6]).
    KeepsRetainedAfterEmpty = "keeps a retained message after an empty one",
    /// Sends retained messages to new subscribers with RETAIN 0 (breaks [v3 MQTT-3.3.1-8],
    /// [v5 MQTT-3.3.1-9]).
    DropsRetainFlag = "drops the retained flag",
    /// Forwards live messages with RETAIN 1 (breaks [v3 MQTT-3.3.1-9], [v5 MQTT-3.3.1-12]).
    RetainFlagOnLive = "RETAIN 1 on live delivery",
    /// Publishes no Will when a connection drops (breaks [MQTT-3.1.2-8]).
    NoWill = "no Will on an abnormal close",
    /// Publishes the Will after a normal DISCONNECT too (breaks [MQTT-3.1.2-10]).
    WillAfterDisconnect = "keeps the Will after DISCONNECT",
    /// `#` does not match the parent level (breaks [v3 MQTT-4.7.1-2], [v5 MQTT-4.7.1-1]).
    HashSkipsParent = "# does not match the parent level",
    /// Wildcards at the first level match `$` topics (breaks [MQTT-4.7.2-1]).
    WildcardsMatchDollar = "forwards $-topics to wildcards",
    /// Answers UNSUBSCRIBE but keeps the subscription (breaks [MQTT-3.10.4-2]).
    IgnoresUnsubscribe = "keeps subscriptions after UNSUBSCRIBE",
    /// Answers Session Present 0 while keeping the stored session (breaks [v3 MQTT-3.2.2-2],
    /// [v5 MQTT-3.2.2-3]).
    SessionPresentZero = "Session Present 0 with a stored session",
    /// Loses one message in every 250 it routes (breaks [MQTT-4.3.2-1], [MQTT-4.3.3-1]).
    LosesUnderLoad = "loses a message in 250",
    /// Cuts payloads to 64 KiB (breaks [MQTT-1.5.5]: the payload is the application's).
    TruncatesLargePayloads = "truncates payloads over 64 KiB",
    /// Sends more unacknowledged messages than the client's Receive Maximum (breaks
    /// [v5 MQTT-3.3.4-9]).
    IgnoresReceiveMaximum = "ignores Receive Maximum",
    /// Forgets a client's topic alias after its first use (breaks [v5 MQTT-3.3.2-12]).
    ForgetsTopicAliases = "forgets topic aliases",
    /// Delivers messages whose Message Expiry Interval has passed (breaks [v5 MQTT-3.3.2-5]).
    IgnoresMessageExpiry = "ignores message expiry",
    /// Refuses QoS 1 publishes nobody subscribes to with 0x80 (v5 §3.4.2.1 names 0x10 for it).
    RefusesUnmatchedPublish = "refuses publishes with no subscribers",
    /// Sends a client its own messages despite No Local (breaks [v5 MQTT-3.8.3-3]).
    IgnoresNoLocal = "ignores No Local",
    /// Clears RETAIN on live delivery despite Retain As Published (breaks [v5 MQTT-3.3.1-12]).
    IgnoresRetainAsPublished = "ignores Retain As Published",
    /// Sends retained messages at every subscribe whatever the Retain Handling (breaks
    /// [v5 MQTT-3.3.1-10], [-11]).
    IgnoresRetainHandling = "ignores Retain Handling",
    /// Leaves Subscription Identifiers off deliveries (breaks [v5 MQTT-3.3.4-3]).
    DropsSubscriptionIdentifiers = "drops Subscription Identifiers",
    /// Accepts a zero-length client id without an Assigned Client Identifier (breaks
    /// [v5 MQTT-3.2.2-16]).
    NoAssignedClientId = "no Assigned Client Identifier",
    /// Accepts a CONNECT whose Authentication Method it does not know (breaks [v5 MQTT-4.12.0-1]).
    AcceptsUnknownAuthentication = "accepts an unknown authentication method",
    /// Accepts a PUBLISH above its declared Maximum QoS (breaks [v5 MQTT-3.2.2-11]).
    AcceptsAboveMaximumQos = "accepts publishes above Maximum QoS",
    /// Accepts RETAIN 1 after declaring Retain Available 0 (breaks [v5 MQTT-3.2.2-14]).
    AcceptsRetainWhenUnavailable = "accepts RETAIN when Retain Available is 0",
    /// Sends each message on a shared subscription to every member of the group, not to one
    /// (breaks v5 §4.8.2).
    SharedToEveryMember = "delivers shared subscriptions to every member",
    /// Forwards messages without the properties the application set: User Properties,
    /// Payload Format Indicator, Content Type, Response Topic, Correlation Data (breaks
    /// [v5 MQTT-3.3.2-4], [-15], [-16], [-17], [-20]).
    DropsApplicationProperties = "drops application properties",
    /// Keeps a session whose Session Expiry Interval has passed (breaks v5 §3.1.2.11.2).
    IgnoresSessionExpiry = "ignores Session Expiry Interval",
    /// Publishes a Will at once, whatever its Will Delay Interval (breaks v5 §3.1.3.2.2).
    IgnoresWillDelay = "ignores Will Delay Interval",
    /// Sends a client packets larger than its Maximum Packet Size (breaks [v5 MQTT-3.1.2-24]).
    IgnoresClientMaximumPacketSize = "ignores the client's Maximum Packet Size",
    // Bad input taken instead of refused: the packet is skipped and the connection stays open,
    // or it is processed as if it were right. Each fails the negative tests of its rule.
    /// Skips packets with wrong reserved flag bits or QoS 3 (breaks [v3 MQTT-2.2.2-2],
    /// [v5 MQTT-2.1.3-1], [MQTT-3.3.1-4], [MQTT-3.1.2-3]).
    IgnoresReservedFlags = "ignores reserved flag bits and QoS 3",
    /// Forwards a PUBLISH with the DUP flag it came with (breaks [MQTT-3.3.1-3]).
    PropagatesDup = "forwards DUP to subscribers",
    /// Skips packets whose Remaining Length is malformed or does not fit them (breaks
    /// [v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]).
    IgnoresMalformedLengths = "ignores malformed Remaining Lengths",
    /// Skips strings that are not well-formed UTF-8 (breaks [v3 MQTT-1.5.3-1], [v5 MQTT-1.5.4-1]).
    AcceptsBadUtf8 = "accepts ill-formed UTF-8",
    /// Skips strings containing U+0000 (breaks [v3 MQTT-1.5.3-2], [v5 MQTT-1.5.4-2]).
    AcceptsNullCharacter = "accepts U+0000 in strings",
    /// Skips PUBLISH packets with a wildcard in the topic (breaks [MQTT-3.3.2-2]).
    AcceptsWildcardTopicNames = "accepts wildcards in topic names",
    /// Skips packets with packet identifier 0 (breaks [v3 MQTT-2.3.1-1], [v5 MQTT-2.2.1-3]).
    AcceptsPacketIdZero = "accepts packet identifier 0",
    /// Ignores a second CONNECT (breaks [MQTT-3.1.0-2]).
    IgnoresSecondConnect = "ignores a second CONNECT",
    /// Answers PINGREQ before CONNECT (breaks [MQTT-3.1.0-1]).
    ServesBeforeConnect = "answers packets before CONNECT",
    /// Waits on a CONNECT whose protocol name is not "MQTT" (breaks [MQTT-3.1.2-1]).
    AcceptsWrongProtocolName = "accepts a wrong protocol name",
    /// Waits on a CONNECT with an unknown protocol level (breaks [MQTT-3.1.2-2]).
    IgnoresUnknownProtocolLevel = "ignores unknown protocol levels",
    /// Accepts a zero-length client id with clean session 0 in 3.1.1 (breaks [v3 MQTT-3.1.3-8]).
    AcceptsEmptyClientIdWithoutCleanSession = "accepts an empty client id with clean session 0",
    /// Grants subscriptions to invalid topic filters (breaks [v3 MQTT-4.7.1-2], [-3],
    /// [v5 MQTT-4.7.1-1], [-2]).
    GrantsInvalidFilters = "grants invalid topic filters",
    /// Skips SUBSCRIBE and UNSUBSCRIBE without filters (breaks [MQTT-3.8.3-3], [MQTT-3.10.3-2]).
    AcceptsEmptySubscribe = "accepts SUBSCRIBE and UNSUBSCRIBE without filters",
    /// Skips packets carrying a property their type may not have (breaks v5 §2.2.2.2).
    IgnoresMisplacedProperties = "ignores properties not allowed in the packet",
    /// Skips packets with a single-use property twice (breaks v5 §2.2.2.2).
    AcceptsDuplicateProperties = "accepts a property twice",
    /// Takes Topic Alias 0 and aliases above its maximum (breaks [v5 MQTT-3.3.2-8], [-9]).
    AcceptsInvalidTopicAliases = "accepts invalid topic aliases",
    /// Takes more unacknowledged QoS 2 messages than its Receive Maximum (breaks v5 §3.3.4,
    /// [v5 MQTT-4.13.1-1]).
    ExceedsOwnReceiveMaximum = "takes more than its Receive Maximum",
    /// Takes packets over its declared Maximum Packet Size (breaks v5 §3.2.2.3.6).
    AcceptsOversizePackets = "accepts packets over its Maximum Packet Size",
    /// Accepts a Will QoS above its Maximum QoS (breaks [v5 MQTT-3.2.2-12]).
    AcceptsWillAboveMaximumQos = "accepts a Will above Maximum QoS",
    /// Stops serving anyone after it closed a connection for bad input, as a broker that
    /// crashes on one would.
    DiesAfterBadInput = "goes down after bad input",
    // Limits
    /// Refuses client ids with capital letters (breaks [MQTT-3.1.3-5]: 0-9, a-z and A-Z).
    RefusesUppercaseClientIds = "refuses client ids with capital letters",
    /// Answers a SUBSCRIBE of many filters with at most 100 codes, as a fixed-size buffer would
    /// (breaks [v3 MQTT-3.8.4-5], [v5 MQTT-3.8.4-6]).
    TruncatesSubAck = "SUBACK with at most 100 codes",
    /// Cuts the topic names it forwards to 256 bytes (breaks [MQTT-3.3.2-3]: the topic
    /// delivered must match the subscription).
    TruncatesLongTopics = "cuts forwarded topic names to 256 bytes",
    // Coverage 5.0
    /// Sends Response Information to a client that did not ask for it (breaks
    /// [v5 MQTT-3.1.2-28]).
    SendsUnrequestedResponseInformation = "sends Response Information unasked",
    /// Names an Authentication Method in CONNACK to a client that sent none (breaks
    /// [v5 MQTT-4.12.0-6]).
    SendsUnrequestedAuthentication = "sends an Authentication Method unasked",
    /// Sends Reason Strings on acknowledgements despite Request Problem Information 0 (breaks
    /// [v5 MQTT-3.1.2-29]).
    IgnoresRequestProblemInformation = "ignores Request Problem Information 0",
    /// Adds Reason Strings to CONNACK and acknowledgements whatever the client's Maximum Packet
    /// Size (breaks [v5 MQTT-3.2.2-19], [v5 MQTT-3.4.2-2], [v5 MQTT-3.11.2-1]).
    OversizeReasonStrings = "Reason Strings beyond the client's Maximum Packet Size",
    /// Sends topic aliases one above the Topic Alias Maximum of a client that allowed some, an
    /// off-by-one (breaks [v5 MQTT-3.1.2-26], [v5 MQTT-3.3.2-11]).
    SendsTopicAliasesAboveClientMaximum = "sends topic aliases above the client's maximum",
    /// Accepts a Will Retain 1 after declaring Retain Available 0 (breaks [v5 MQTT-3.2.2-13]).
    AcceptsWillRetainWhenUnavailable = "accepts Will Retain when Retain Available is 0",
    /// Closes the connection on a SUBSCRIBE asking for more than its Maximum QoS (breaks
    /// [v5 MQTT-3.2.2-10]).
    RefusesSubscribeAboveMaximumQos = "closes on SUBSCRIBE above Maximum QoS",
    /// Stops answering a client whose send quota is used up (breaks [v5 MQTT-3.3.4-10],
    /// [v5 MQTT-4.9.0-3]).
    StallsAtZeroQuota = "stops answering at zero send quota",
    /// Writes the UNSUBACK reason codes in reverse order (breaks [v5 MQTT-3.11.3-1]).
    ReversesUnsubAckCodes = "UNSUBACK reason codes reversed",
    /// Puts a Session Expiry Interval on the DISCONNECT of a taken-over session (breaks
    /// [v5 MQTT-3.14.2-2]).
    SessionExpiryOnDisconnect = "Session Expiry Interval on its DISCONNECT",
    /// Keeps a 5.0 session whose Session Expiry Interval is 0 (absent), as 3.1.1's Clean
    /// Session 0 would (breaks [v5 MQTT-4.1.0-2]).
    KeepsSessionWithoutExpiry = "keeps sessions with Session Expiry Interval 0",
    /// Ignores a Session Expiry Interval sent on DISCONNECT (breaks v5 §3.14.2.2.2,
    /// [v5 MQTT-4.1.0-2]).
    IgnoresDisconnectSessionExpiry = "ignores Session Expiry Interval on DISCONNECT",
    /// Takes DISCONNECT 0x04 Disconnect with Will Message as a normal one (breaks v5 §3.14.2.1).
    IgnoresDisconnectWithWill = "ignores DISCONNECT with Will Message",
    /// Sends a shared subscription's message refused with a PUBACK 0x80 or above to another
    /// member (breaks [v5 MQTT-4.8.2-6]).
    ResendsRefusedSharedMessages = "re-sends refused shared messages to another member",
    /// Keeps a client's topic aliases from one connection to the next (breaks [v5 MQTT-3.3.2-7]).
    KeepsTopicAliasesAcrossConnections = "keeps topic aliases across connections",
    /// Keeps the Subscription Identifier of a subscription that a new SUBSCRIBE replaced
    /// (breaks [v5 MQTT-3.8.4-3]).
    KeepsReplacedSubscriptionIdentifier = "keeps a replaced subscription's identifier",
    // Coverage 3.1.1: rules of 3.1.1 (most kept in 5.0 too) that brokers can get wrong.
    /// Returns a SUBSCRIBE's codes in reverse order (breaks [MQTT-3.9.3-1]).
    ReversesSubAckCodes = "returns SUBACK codes in reverse order",
    /// Sends no retained messages when a filter is subscribed again (breaks [v3 MQTT-3.8.4-3],
    /// [v5 MQTT-3.8.4-4]).
    NoRetainedOnResubscribe = "no retained messages on a repeated subscription",
    /// Answers UNSUBSCRIBE with the next packet id (breaks [MQTT-3.10.4-4]).
    WrongUnsubAckPid = "answers UNSUBSCRIBE with another packet id",
    /// Does not answer an UNSUBSCRIBE that deletes nothing (breaks [MQTT-3.10.4-5]).
    IgnoresUnknownUnsubscribe = "no UNSUBACK when nothing was unsubscribed",
    /// Deletes every subscription whose filter matches the unsubscribed one as a topic (breaks
    /// [MQTT-3.10.4-1]).
    UnsubscribesByMatching = "unsubscribes filters matching the given one",
    /// Deletes only the first filter of an UNSUBSCRIBE (breaks [MQTT-3.10.4-6]).
    UnsubscribesFirstOnly = "unsubscribes only the first filter",
    /// Sends Session Present 1 to a client asking to resume a session it does not have (breaks
    /// [v3 MQTT-3.2.2-3], [v5 MQTT-3.2.2-3]).
    SessionPresentForNewSession = "Session Present 1 for a new session",
    /// Resumes a session without its subscriptions (breaks [v3 MQTT-3.1.2-4], [v5 MQTT-3.1.2-5]).
    ForgetsSubscriptionsOnResume = "forgets the subscriptions of a resumed session",
    /// Keeps the stored subscriptions on a clean-session CONNECT (breaks [v3 MQTT-3.1.2-6],
    /// [v5 MQTT-3.1.2-4]).
    KeepsSessionOnCleanStart = "keeps subscriptions across a clean CONNECT",
    /// Sends what was queued for a resumed session before its CONNACK (breaks [MQTT-3.2.0-1]).
    SendsQueuedBeforeConnAck = "sends queued messages before CONNACK",
    /// Leaves the earlier connection of a client id open (breaks [v3 MQTT-3.1.4-2],
    /// [v5 MQTT-3.1.4-3]).
    KeepsDuplicateClientIds = "keeps both connections of a client id",
    /// Refuses client ids of 23 letters and digits, as a length limit off by one would (breaks
    /// [MQTT-3.1.3-5]).
    RefusesPlainTwentyThreeByteIds = "refuses client ids of 23 letters and digits",
    /// Assigns every client without a client id the same one (breaks [MQTT-3.1.3-6], and in 5.0
    /// the uniqueness of an Assigned Client Identifier).
    SameIdForEmptyClientIds = "assigns every empty client id the same one",
    /// Matches topics and filters ignoring case (breaks [MQTT-4.7.3-4]).
    MatchesCaseInsensitively = "matches topics ignoring case",
    /// Matches topics and filters with U+FEFF left out (breaks [v3 MQTT-1.5.3-3],
    /// [v5 MQTT-1.5.4-3]).
    StripsByteOrderMark = "strips U+FEFF from topics",
    /// Stores retained messages only at QoS 1 and 2 (breaks [v3 MQTT-3.3.1-7]).
    Qos0RetainIgnored = "a retained QoS 0 publish replaces nothing",
    /// Replaces the retained message with a publish without RETAIN (breaks [v3 MQTT-3.3.1-12],
    /// [v5 MQTT-3.3.1-8]).
    PlainPublishReplacesRetained = "a publish without RETAIN replaces the retained message",
    /// Stores an empty retained message as one (breaks [v3 MQTT-3.3.1-11], [v5 MQTT-3.3.1-7]).
    StoresEmptyRetained = "stores empty retained messages",
    /// Sends a new subscription only the first matching retained message (breaks
    /// [v3 MQTT-3.3.1-6], [v5 MQTT-3.3.1-9]).
    OneRetainedPerSubscription = "sends one retained message per new subscription",
    /// Deletes the retained messages a client set when its session ends (breaks
    /// [v3 MQTT-3.1.2-7]).
    DropsRetainedWithSession = "deletes retained messages with their publisher's session",
    /// Publishes every Will without RETAIN (breaks [v3 MQTT-3.1.2-17], [v5 MQTT-3.1.2-15]).
    IgnoresWillRetain = "publishes Wills without RETAIN",
    /// Sends the messages queued for a resumed session newest first (breaks [MQTT-4.6.0-5]).
    ResumesNewestFirst = "sends messages queued while away newest first",
    /// Takes a QoS 1 PUBLISH with the packet id of the one before for a re-send and drops it
    /// (breaks [v3 MQTT-4.3.2-2], [v5 MQTT-4.3.2-5]).
    DropsReusedQos1Ids = "drops a QoS 1 publish reusing the previous packet id",
    /// Drops the unacknowledged deliveries of a filter when it is unsubscribed (breaks
    /// [MQTT-3.10.4-3]).
    DropsInFlightOnUnsubscribe = "drops in-flight messages of an unsubscribed filter",
    /// Skips a SUBSCRIBE whose subscription options have reserved bits set or QoS 3 (breaks
    /// [v3 MQTT-3.8.3-4], [v5 MQTT-3.8.3-5]).
    IgnoresInvalidSubscriptionOptions = "ignores invalid subscription options",
    /// Skips a PUBLISH whose topic name is empty (breaks [MQTT-4.7.3-1]).
    AcceptsEmptyTopicNames = "accepts an empty topic name",
}

/// The set of faults switched on (none by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BrokerFaults(u128);

impl BrokerFaults {
    /// Whether `fault` is on.
    pub fn has(self, fault: BrokerFault) -> bool {
        self.0 & (1 << fault as u32) != 0
    }

    /// Switches `fault` on or off.
    pub fn set(&mut self, fault: BrokerFault, on: bool) {
        if on {
            self.0 |= 1 << fault as u32;
        } else {
            self.0 &= !(1 << fault as u32);
        }
    }

    /// Only `fault` on.
    pub fn only(fault: BrokerFault) -> BrokerFaults {
        let mut faults = BrokerFaults::default();
        faults.set(fault, true);
        faults
    }

    /// Whether no fault is on.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether a fault lets a packet that failed to decode for `error` through: the broker
    /// skips it and keeps the connection open, where a correct one closes it.
    pub fn tolerate(self, error: &DecodeErrorKind) -> bool {
        use DecodeErrorKind as Kind;
        let fault = match error {
            Kind::ReservedFlags { .. } | Kind::InvalidQos(_) | Kind::ConnectReservedFlag => {
                BrokerFault::IgnoresReservedFlags
            }
            Kind::VarIntTooLong | Kind::Truncated { .. } | Kind::TrailingBytes { .. } => {
                BrokerFault::IgnoresMalformedLengths
            }
            Kind::StringNotUtf8 { .. } => BrokerFault::AcceptsBadUtf8,
            Kind::StringHasNull { .. } => BrokerFault::AcceptsNullCharacter,
            Kind::TopicWildcard(_) => BrokerFault::AcceptsWildcardTopicNames,
            Kind::PacketIdZero => BrokerFault::AcceptsPacketIdZero,
            Kind::ProtocolName(_) => BrokerFault::AcceptsWrongProtocolName,
            Kind::UnsupportedProtocolLevel(_) => BrokerFault::IgnoresUnknownProtocolLevel,
            Kind::EmptyPayload(_) => BrokerFault::AcceptsEmptySubscribe,
            Kind::PropertyNotAllowed { .. } => BrokerFault::IgnoresMisplacedProperties,
            Kind::DuplicateProperty(_) => BrokerFault::AcceptsDuplicateProperties,
            Kind::InvalidPropertyValue {
                property: PropertyId::TopicAlias,
                ..
            } => BrokerFault::AcceptsInvalidTopicAliases,
            Kind::PacketTooLarge { .. } => BrokerFault::AcceptsOversizePackets,
            Kind::InvalidSubscriptionOptions(_) => BrokerFault::IgnoresInvalidSubscriptionOptions,
            Kind::EmptyTopic => BrokerFault::AcceptsEmptyTopicNames,
            _ => return false,
        };
        self.has(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_fits_the_set_and_has_a_distinct_name() {
        assert!(BrokerFault::ALL.len() <= u128::BITS as usize);
        let mut names: Vec<&str> = BrokerFault::ALL.iter().map(|fault| fault.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), BrokerFault::ALL.len());
        let mut faults = BrokerFaults::default();
        for fault in BrokerFault::ALL {
            faults.set(*fault, true);
            assert!(faults.has(*fault));
        }
        faults.set(BrokerFault::NoWill, false);
        assert!(!faults.has(BrokerFault::NoWill) && faults.has(BrokerFault::IgnoresPingReq));
    }
}
