//! What the broker keeps per connection and per client session.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::num::NonZeroU32;

use crate::codec::{FrameDecoder, Pid, ProtocolVersion, Publish, SubscriptionOptions, Will};
use crate::session::{InFlight, PidAllocator};

/// A network connection, from transport open to close.
#[derive(Debug, Clone)]
pub(super) struct Connection {
    pub decoder: FrameDecoder,
    /// Set by CONNECT; `None` before it.
    pub client_id: Option<String>,
    pub version: ProtocolVersion,
    pub keep_alive_ms: u64,
    pub last_received: u64,
    /// The client's limits from CONNECT (v5).
    pub receive_maximum: u16,
    pub maximum_packet_size: Option<u32>,
    /// The client's Topic Alias Maximum (v5; absent: 0, no aliases to it).
    pub topic_alias_maximum: u16,
    /// Request Problem Information (v5; absent: 1).
    pub problem_information: bool,
    /// Topic aliases the client set on this connection.
    pub aliases_in: HashMap<u16, crate::codec::Topic>,
    pub will: Option<Will>,
    /// The packet id of the client's last QoS 1 PUBLISH (the fault "drops a QoS 1 publish
    /// reusing the previous packet id" looks at it).
    pub last_qos1_pid: Option<Pid>,
}

/// One subscription of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SubscriptionEntry {
    pub options: SubscriptionOptions,
    /// The QoS granted (requested, capped by the broker).
    pub granted: crate::codec::QoS,
    pub identifier: Option<NonZeroU32>,
}

/// A message waiting for a client's in-flight window or for the client to come back.
#[derive(Debug, Clone)]
pub(super) struct QueuedMessage {
    pub publish: Publish,
    /// When the v5 Message Expiry Interval runs out (ms).
    pub expires_at: Option<u64>,
}

/// A client's session: it outlives connections when the client asked for that.
#[derive(Debug, Clone)]
pub(super) struct ClientSession {
    pub version: ProtocolVersion,
    pub subscriptions: BTreeMap<String, SubscriptionEntry>,
    pub outgoing: InFlight<()>,
    pub pids: PidAllocator,
    pub queued: VecDeque<QueuedMessage>,
    /// QoS 2 messages received and PUBREC'd, held until PUBREL (Method A, as Mosquitto does:
    /// the message is forwarded on release, not on receipt).
    pub incoming_qos2: HashMap<Pid, Publish>,
    /// The live connection, if any.
    pub connection: Option<u64>,
    /// Session Expiry Interval in ms; `None` never expires; `Some(0)` ends with the connection.
    pub expiry_ms: Option<u64>,
    /// While offline: when the session ends.
    pub expires_at: Option<u64>,
}

impl ClientSession {
    pub fn new(version: ProtocolVersion) -> ClientSession {
        ClientSession {
            version,
            subscriptions: BTreeMap::new(),
            outgoing: InFlight::default(),
            pids: PidAllocator::default(),
            queued: VecDeque::new(),
            incoming_qos2: HashMap::new(),
            connection: None,
            expiry_ms: Some(0),
            expires_at: None,
        }
    }

    /// A packet id free for a new outgoing message.
    pub fn allocate_pid(&mut self) -> Option<Pid> {
        let outgoing = &self.outgoing;
        self.pids.allocate(|pid| outgoing.contains(pid))
    }
}

/// A Will waiting for its Will Delay Interval (v5 §3.1.3.2.2).
#[derive(Debug, Clone)]
pub(super) struct PendingWill {
    pub client_id: String,
    pub due: u64,
    pub will: Will,
}
