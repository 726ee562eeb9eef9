//! CONNECT (v3 §3.1, v5 §3.1) and the Will it may carry.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::ack::require_no_properties;
use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::properties::{Properties, PropertyContext};
use super::wire::{Reader, Sink};
use super::{ProtocolVersion, QoS};

/// A client's request to open a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connect {
    /// Protocol level 4 (3.1.1) or 5 (5.0); the rest of the connection uses this version.
    pub version: ProtocolVersion,
    /// Client Identifier; empty asks the server to assign one (v3 only with clean session).
    pub client_id: String,
    /// v3 CleanSession / v5 Clean Start.
    pub clean_start: bool,
    /// Keep Alive in seconds; 0 turns the mechanism off.
    pub keep_alive: u16,
    /// CONNECT properties (v5).
    pub properties: Properties,
    /// The Will, published by the server if the connection ends abnormally.
    pub will: Option<Will>,
    /// User Name.
    pub username: Option<String>,
    /// Password (binary data).
    pub password: Option<Bytes>,
}

/// The Will Message carried by CONNECT (v3 §3.1.2.5, v5 §3.1.2.5, §3.1.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Will {
    /// Will Topic.
    pub topic: String,
    /// Will Message (v3) / Will Payload (v5).
    pub payload: Bytes,
    /// Will QoS.
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will Properties (v5), e.g. Will Delay Interval.
    pub properties: Properties,
}

impl Connect {
    /// A CONNECT with the given client id and defaults: clean start, keep alive 60 s, no will.
    pub fn new(version: ProtocolVersion, client_id: impl Into<String>) -> Connect {
        Connect {
            version,
            client_id: client_id.into(),
            clean_start: true,
            keep_alive: 60,
            properties: Properties::default(),
            will: None,
            username: None,
            password: None,
        }
    }

    fn flags(&self) -> u8 {
        let mut flags = u8::from(self.clean_start) << 1;
        if let Some(will) = &self.will {
            flags |= 0b100 | will.qos.as_u8() << 3 | u8::from(will.retain) << 5;
        }
        flags | u8::from(self.password.is_some()) << 6 | u8::from(self.username.is_some()) << 7
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Connect, DecodeError> {
        let at = reader.pos();
        let name = reader.string("Protocol Name")?;
        if name != "MQTT" {
            return Err(reader.error_at(at, DecodeErrorKind::ProtocolName(name)));
        }
        let at = reader.pos();
        let level = reader.raw_u8("Protocol Level")?;
        let version = ProtocolVersion::from_level(level)
            .ok_or_else(|| reader.error_at(at, DecodeErrorKind::UnsupportedProtocolLevel(level)))?;
        reader.version = version;
        reader.record("Protocol Level", at, || format!("{level} ({version})"));

        let at = reader.pos();
        let flags = reader.raw_u8("Connect Flags")?;
        reader.record("Connect Flags", at, || describe_flags(flags));
        if flags & 1 != 0 {
            return Err(reader.error_at(at, DecodeErrorKind::ConnectReservedFlag));
        }
        let has_will = flags & 0b100 != 0;
        let will_qos = (flags >> 3) & 0b11;
        let will_retain = flags & 0b10_0000 != 0;
        let has_password = flags & 0b100_0000 != 0;
        let has_username = flags & 0b1000_0000 != 0;
        if !has_will && (will_qos != 0 || will_retain) {
            return Err(reader.error_at(at, DecodeErrorKind::WillFlagsWithoutWill));
        }
        let will_qos = QoS::from_u8(will_qos)
            .ok_or_else(|| reader.error_at(at, DecodeErrorKind::InvalidQos(will_qos)))?;
        if version == ProtocolVersion::V311 && has_password && !has_username {
            return Err(reader.error_at(at, DecodeErrorKind::PasswordWithoutUsername));
        }

        let keep_alive = reader.u16("Keep Alive")?;
        let properties = if reader.is_v5() {
            Properties::read(reader, PropertyContext::Connect)?
        } else {
            Properties::default()
        };
        let client_id = reader.string("Client Identifier")?;
        let will = if has_will {
            let properties = if reader.is_v5() {
                Properties::read(reader, PropertyContext::Will)?
            } else {
                Properties::default()
            };
            Some(Will {
                topic: reader.string("Will Topic")?,
                payload: reader.binary("Will Payload")?,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            None
        };
        let username = has_username
            .then(|| reader.string("User Name"))
            .transpose()?;
        let password = has_password
            .then(|| reader.binary("Password"))
            .transpose()?;
        Ok(Connect {
            version,
            client_id,
            clean_start: flags & 0b10 != 0,
            keep_alive,
            properties,
            will,
            username,
            password,
        })
    }

    pub(crate) fn write<S: Sink>(&self, sink: &mut S) -> Result<(), EncodeError> {
        let v5 = self.version == ProtocolVersion::V5;
        if !v5 {
            require_no_properties(&self.properties)?;
            if let Some(will) = &self.will {
                require_no_properties(&will.properties)?;
            }
            if self.password.is_some() && self.username.is_none() {
                return Err(EncodeError::PasswordWithoutUsername);
            }
        }
        sink.put_string("Protocol Name", "MQTT")?;
        sink.put_u8(self.version.level());
        sink.put_u8(self.flags());
        sink.put_u16(self.keep_alive);
        if v5 {
            self.properties.write(sink, PropertyContext::Connect)?;
        }
        sink.put_string("Client Identifier", &self.client_id)?;
        if let Some(will) = &self.will {
            if v5 {
                will.properties.write(sink, PropertyContext::Will)?;
            }
            if sink.checks() {
                crate::topic::validate_topic_name(&will.topic)?;
            }
            sink.put_string("Will Topic", &will.topic)?;
            sink.put_binary("Will Payload", &will.payload)?;
        }
        if let Some(username) = &self.username {
            sink.put_string("User Name", username)?;
        }
        if let Some(password) = &self.password {
            sink.put_binary("Password", password)?;
        }
        Ok(())
    }
}

fn describe_flags(flags: u8) -> String {
    let bit = |n: u8| (flags >> n) & 1;
    format!(
        "{flags:08b}: user name {}, password {}, will retain {}, will QoS {}, will {}, clean start {}",
        bit(7),
        bit(6),
        bit(5),
        (flags >> 3) & 0b11,
        bit(2),
        bit(1)
    )
}
