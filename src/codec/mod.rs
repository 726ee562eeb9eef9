//! The MQTT 3.1.1 and 5.0 codec: every control packet, both directions, encode and decode, with
//! all 5.0 properties and reason codes; a streaming decoder; an annotated decode for the inspector.
//!
//! ```
//! use qoscope::codec::{Packet, ProtocolVersion, Publish, QosPid, Pid};
//! let publish = Publish::new("a/b", QosPid::AtLeastOnce(Pid::new(1).unwrap()), "hi");
//! let bytes = Packet::Publish(publish).to_bytes(ProtocolVersion::V311).unwrap();
//! assert_eq!(bytes, [0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'h', b'i']);
//! ```

mod ack;
mod annotate;
mod auth;
mod connack;
mod connect;
mod disconnect;
mod error;
mod frame;
mod label;
mod packet;
mod properties;
mod publish;
mod qos;
mod reason;
mod subscribe;
mod topic_text;
mod unsubscribe;
pub(crate) mod wire;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use ack::Ack;
#[cfg(feature = "trace")]
pub use annotate::annotate;
pub use annotate::{Annotated, Field};
pub use auth::Auth;
pub use connack::{other_versions_refusal, ConnAck};
pub use connect::{Connect, Will};
pub use disconnect::Disconnect;
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use frame::{Frame, FrameDecoder, FrameError, MAX_PACKET_SIZE};
pub use packet::{Packet, PacketType};
pub use properties::{Properties, PropertyContext, PropertyId, PropertyValues, PropertyView};
pub use publish::Publish;
pub use qos::{Pid, QoS, QosPid};
pub use reason::ReasonCode;
pub use subscribe::{RetainHandling, SubAck, Subscribe, Subscription, SubscriptionOptions};
pub use topic_text::Topic;
pub use unsubscribe::{UnsubAck, Unsubscribe};
pub use wire::MAX_VAR_INT;

/// The protocol version of a connection, fixed by the CONNECT's Protocol Level byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1, protocol level 4.
    V311,
    /// MQTT 5.0, protocol level 5.
    V5,
}

impl ProtocolVersion {
    /// The Protocol Level byte.
    pub fn level(self) -> u8 {
        match self {
            ProtocolVersion::V311 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// The version with this Protocol Level byte, if supported.
    pub fn from_level(level: u8) -> Option<ProtocolVersion> {
        match level {
            4 => Some(ProtocolVersion::V311),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProtocolVersion::V311 => "MQTT 3.1.1",
            ProtocolVersion::V5 => "MQTT 5.0",
        })
    }
}
