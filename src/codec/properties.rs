//! MQTT 5.0 properties (v5 §2.2.2, Table 2-4): typed values, the packets allowed to carry each
//! one, duplicate detection for single-use properties, and the two repeatable ones kept in order.
//!
//! All packets share one [`Properties`] struct; [`PropertyContext`] is the allow-list that decode
//! and encode both check, so a property in the wrong packet is an error either way.

use std::fmt;
use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::wire::{describe_bytes, Output, Reader, Sink, MAX_VAR_INT};
use super::QoS;

/// Where a property list sits: each packet with properties, plus the Will inside CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyContext {
    /// CONNECT variable header.
    Connect,
    /// Will Properties in the CONNECT payload.
    Will,
    /// CONNACK.
    ConnAck,
    /// PUBLISH.
    Publish,
    /// PUBACK, PUBREC, PUBREL and PUBCOMP.
    PubAck,
    /// SUBSCRIBE.
    Subscribe,
    /// SUBACK.
    SubAck,
    /// UNSUBSCRIBE.
    Unsubscribe,
    /// UNSUBACK.
    UnsubAck,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

impl PropertyContext {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            PropertyContext::Connect => "CONNECT",
            PropertyContext::Will => "Will Properties",
            PropertyContext::ConnAck => "CONNACK",
            PropertyContext::Publish => "PUBLISH",
            PropertyContext::PubAck => "PUBACK/PUBREC/PUBREL/PUBCOMP",
            PropertyContext::Subscribe => "SUBSCRIBE",
            PropertyContext::SubAck => "SUBACK",
            PropertyContext::Unsubscribe => "UNSUBSCRIBE",
            PropertyContext::UnsubAck => "UNSUBACK",
            PropertyContext::Disconnect => "DISCONNECT",
            PropertyContext::Auth => "AUTH",
        }
    }
}

/// A property value's wire type, read and written the same way wherever it appears.
trait PropertyValue: Sized {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError>;
    fn describe(&self) -> String;
    fn view(&self) -> PropertyView<'_>;
}

/// A property value by its wire type (see [`PropertyValues::each`]): how it is written, and
/// how code outside the codec reads it without knowing each property's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyView<'a> {
    /// A byte that is a boolean (Payload Format Indicator, Retain Available, ...).
    Flag(bool),
    /// A byte (Maximum QoS).
    Byte(u8),
    /// A Two Byte Integer.
    TwoByte(u16),
    /// A Four Byte Integer.
    FourByte(u32),
    /// A Variable Byte Integer (Subscription Identifier).
    VarInt(u32),
    /// A UTF-8 string.
    Text(&'a str),
    /// Binary data (Correlation Data, Authentication Data).
    Binary(&'a [u8]),
    /// A User Property's name and value.
    Pair(&'a str, &'a str),
}

fn invalid(reader: &Reader<'_>, at: usize, property: PropertyId, value: u32) -> DecodeError {
    reader.error_at(
        at,
        DecodeErrorKind::InvalidPropertyValue { property, value },
    )
}

/// Byte properties that are booleans: 0 or 1, anything else is a Protocol Error.
impl PropertyValue for bool {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        let at = reader.pos();
        match reader.raw_u8(id.name())? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(invalid(reader, at, id, other.into())),
        }
    }
    fn describe(&self) -> String {
        u8::from(*self).to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::Flag(*self)
    }
}

/// Maximum QoS: 0 or 1 only; absent means 2 (v5 §3.2.2.3.4).
impl PropertyValue for QoS {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        let at = reader.pos();
        match reader.raw_u8(id.name())? {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            other => Err(invalid(reader, at, id, other.into())),
        }
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::Byte(self.as_u8())
    }
}

impl PropertyValue for u16 {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        reader.raw_u16(id.name())
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::TwoByte(*self)
    }
}

/// Receive Maximum and Topic Alias: 0 is a Protocol Error.
impl PropertyValue for NonZeroU16 {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        let at = reader.pos();
        let value = reader.raw_u16(id.name())?;
        NonZeroU16::new(value).ok_or_else(|| invalid(reader, at, id, 0))
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::TwoByte(self.get())
    }
}

impl PropertyValue for u32 {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        reader.raw_u32(id.name())
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::FourByte(*self)
    }
}

/// Maximum Packet Size: 0 is a Protocol Error.
impl PropertyValue for NonZeroU32 {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        let at = reader.pos();
        let value = u32::read(reader, id)?;
        NonZeroU32::new(value).ok_or_else(|| invalid(reader, at, id, 0))
    }
    fn describe(&self) -> String {
        self.to_string()
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::FourByte(self.get())
    }
}

impl PropertyValue for String {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        reader.silent(|reader| reader.string(id.name()))
    }
    fn describe(&self) -> String {
        format!("{self:?}")
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::Text(self)
    }
}

impl PropertyValue for Bytes {
    fn read(reader: &mut Reader<'_>, id: PropertyId) -> Result<Self, DecodeError> {
        reader.silent(|reader| reader.binary(id.name()))
    }
    fn describe(&self) -> String {
        describe_bytes(self)
    }
    fn view(&self) -> PropertyView<'_> {
        PropertyView::Binary(self)
    }
}

macro_rules! properties {
    (
        singles { $($id:literal $variant:ident $field:ident : $ty:ty, $name:literal, [$($ctx:ident),*];)* }
        multiples { $($mid:literal $mvariant:ident, $mname:literal, [$($mctx:ident),*];)* }
    ) => {
        /// A property identifier (v5 Table 2-4).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum PropertyId {
            $(#[doc = $name] $variant = $id,)*
            $(#[doc = $mname] $mvariant = $mid,)*
        }

        impl PropertyId {
            /// Parses an identifier; `None` for one the spec does not define.
            pub fn from_u32(value: u32) -> Option<PropertyId> {
                match value {
                    $($id => Some(PropertyId::$variant),)*
                    $($mid => Some(PropertyId::$mvariant),)*
                    _ => None,
                }
            }

            /// The spec's name.
            pub fn name(self) -> &'static str {
                match self {
                    $(PropertyId::$variant => $name,)*
                    $(PropertyId::$mvariant => $mname,)*
                }
            }

            /// Whether a property list in `context` may carry this property.
            pub fn allowed_in(self, context: PropertyContext) -> bool {
                match self {
                    $(PropertyId::$variant => matches!(context, $(PropertyContext::$ctx)|*),)*
                    $(PropertyId::$mvariant => matches!(context, $(PropertyContext::$mctx)|*),)*
                }
            }
        }

        /// The property values of one packet or Will. Absent properties are `None` or empty;
        /// the receiver applies the spec's defaults.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct PropertyValues {
            $(#[doc = $name] #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>,)*
            /// Subscription Identifier (0x0B): one in SUBSCRIBE, any number in PUBLISH.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub subscription_identifiers: Vec<NonZeroU32>,
            /// User Property (0x26): name/value pairs, repeatable, in order.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub user_properties: Vec<(String, String)>,
        }

        impl PropertyValues {
            /// No property set (usable in `const` and `static` items).
            pub const EMPTY: PropertyValues = PropertyValues {
                $($field: None,)*
                subscription_identifiers: Vec::new(),
                user_properties: Vec::new(),
            };

            fn read_single(&mut self, reader: &mut Reader<'_>, id: PropertyId, at: usize) -> Result<(), DecodeError> {
                match id {
                    $(PropertyId::$variant => {
                        if self.$field.is_some() {
                            return Err(reader.error_at(at, DecodeErrorKind::DuplicateProperty(id)));
                        }
                        let value = <$ty as PropertyValue>::read(reader, id)?;
                        reader.record(id.name(), at, || PropertyValue::describe(&value));
                        self.$field = Some(value);
                    })*
                    $(PropertyId::$mvariant => unreachable!("repeatable properties are read by the caller"),)*
                }
                Ok(())
            }

            /// Calls `visit` with every property that is set, in wire order (see
            /// [`PropertyValues::each`]), and stops at its first error. One function for every
            /// caller (hence `dyn`): writing, counting and reading properties share it.
            fn try_each(
                &self,
                visit: &mut dyn FnMut(PropertyId, PropertyView<'_>) -> Result<(), EncodeError>,
            ) -> Result<(), EncodeError> {
                $(if let Some(value) = &self.$field {
                    visit(PropertyId::$variant, value.view())?;
                })*
                for id in &self.subscription_identifiers {
                    visit(PropertyId::SubscriptionIdentifier, PropertyView::VarInt(id.get()))?;
                }
                for (name, value) in &self.user_properties {
                    visit(PropertyId::UserProperty, PropertyView::Pair(name, value))?;
                }
                Ok(())
            }

            fn singles_are_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }
    };
}

properties! {
    singles {
        0x01 PayloadFormatIndicator payload_format_indicator: bool, "Payload Format Indicator", [Publish, Will];
        0x02 MessageExpiryInterval message_expiry_interval: u32, "Message Expiry Interval", [Publish, Will];
        0x03 ContentType content_type: String, "Content Type", [Publish, Will];
        0x08 ResponseTopic response_topic: String, "Response Topic", [Publish, Will];
        0x09 CorrelationData correlation_data: Bytes, "Correlation Data", [Publish, Will];
        0x11 SessionExpiryInterval session_expiry_interval: u32, "Session Expiry Interval", [Connect, ConnAck, Disconnect];
        0x12 AssignedClientIdentifier assigned_client_identifier: String, "Assigned Client Identifier", [ConnAck];
        0x13 ServerKeepAlive server_keep_alive: u16, "Server Keep Alive", [ConnAck];
        0x15 AuthenticationMethod authentication_method: String, "Authentication Method", [Connect, ConnAck, Auth];
        0x16 AuthenticationData authentication_data: Bytes, "Authentication Data", [Connect, ConnAck, Auth];
        0x17 RequestProblemInformation request_problem_information: bool, "Request Problem Information", [Connect];
        0x18 WillDelayInterval will_delay_interval: u32, "Will Delay Interval", [Will];
        0x19 RequestResponseInformation request_response_information: bool, "Request Response Information", [Connect];
        0x1A ResponseInformation response_information: String, "Response Information", [ConnAck];
        0x1C ServerReference server_reference: String, "Server Reference", [ConnAck, Disconnect];
        0x1F ReasonString reason_string: String, "Reason String", [ConnAck, PubAck, SubAck, UnsubAck, Disconnect, Auth];
        0x21 ReceiveMaximum receive_maximum: NonZeroU16, "Receive Maximum", [Connect, ConnAck];
        0x22 TopicAliasMaximum topic_alias_maximum: u16, "Topic Alias Maximum", [Connect, ConnAck];
        0x23 TopicAlias topic_alias: NonZeroU16, "Topic Alias", [Publish];
        0x24 MaximumQos maximum_qos: QoS, "Maximum QoS", [ConnAck];
        0x25 RetainAvailable retain_available: bool, "Retain Available", [ConnAck];
        0x27 MaximumPacketSize maximum_packet_size: NonZeroU32, "Maximum Packet Size", [Connect, ConnAck];
        0x28 WildcardSubscriptionAvailable wildcard_subscription_available: bool, "Wildcard Subscription Available", [ConnAck];
        0x29 SubscriptionIdentifierAvailable subscription_identifier_available: bool, "Subscription Identifier Available", [ConnAck];
        0x2A SharedSubscriptionAvailable shared_subscription_available: bool, "Shared Subscription Available", [ConnAck];
    }
    multiples {
        0x0B SubscriptionIdentifier, "Subscription Identifier", [Publish, Subscribe];
        0x26 UserProperty, "User Property", [Connect, Will, ConnAck, Publish, PubAck, Subscribe, SubAck, Unsubscribe, UnsubAck, Disconnect, Auth];
    }
}

impl fmt::Display for PropertyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:02X})", self.name(), *self as u8)
    }
}

/// Writes one property value as its wire type says. The counting pass also checks the values
/// the type allows but the property does not.
fn write_value<S: Sink>(
    sink: &mut S,
    id: PropertyId,
    value: PropertyView<'_>,
) -> Result<(), EncodeError> {
    let invalid = |value: u32| EncodeError::InvalidPropertyValue {
        property: id,
        value,
    };
    match value {
        PropertyView::Flag(flag) => sink.put_u8(u8::from(flag)),
        // Maximum QoS is 0 or 1; absent means 2 (v5 §3.2.2.3.4).
        PropertyView::Byte(byte) => {
            if sink.checks() && id == PropertyId::MaximumQos && byte > 1 {
                return Err(invalid(byte.into()));
            }
            sink.put_u8(byte)
        }
        PropertyView::TwoByte(number) => sink.put_u16(number),
        PropertyView::FourByte(number) => sink.put_u32(number),
        PropertyView::VarInt(number) => {
            if sink.checks() && number > MAX_VAR_INT {
                return Err(invalid(number));
            }
            sink.put_var_int(number)
        }
        PropertyView::Text(text) => sink.put_string(id.name(), text)?,
        PropertyView::Binary(bytes) => sink.put_binary(id.name(), bytes)?,
        PropertyView::Pair(name, value) => {
            sink.put_string("User Property name", name)?;
            sink.put_string("User Property value", value)?;
        }
    }
    Ok(())
}

fn check_allowed(property: PropertyId, context: PropertyContext) -> Result<(), EncodeError> {
    if property.allowed_in(context) {
        Ok(())
    } else {
        Err(EncodeError::PropertyNotAllowed {
            property,
            context: context.name(),
        })
    }
}

impl PropertyValues {
    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        self.singles_are_empty()
            && self.subscription_identifiers.is_empty()
            && self.user_properties.is_empty()
    }

    /// Reads a Property Length and the properties it covers (v5 §2.2.2).
    fn read(reader: &mut Reader<'_>, context: PropertyContext) -> Result<Properties, DecodeError> {
        let group = reader.begin_group("Properties", String::new);
        let length_at = reader.pos();
        let length = reader.var_int("Property Length")? as usize;
        if length > reader.remaining() {
            return Err(reader.error_at(length_at, DecodeErrorKind::PropertyLength));
        }
        let end = reader.pos() + length;
        let mut properties = PropertyValues::default();
        while reader.pos() < end {
            let at = reader.pos();
            let raw_id = reader.silent(|reader| reader.var_int("Property Identifier"))?;
            let id = PropertyId::from_u32(raw_id)
                .ok_or_else(|| reader.error_at(at, DecodeErrorKind::UnknownProperty(raw_id)))?;
            if !id.allowed_in(context) {
                return Err(reader.error_at(
                    at,
                    DecodeErrorKind::PropertyNotAllowed {
                        property: id,
                        context: context.name(),
                    },
                ));
            }
            match id {
                PropertyId::SubscriptionIdentifier => {
                    if context == PropertyContext::Subscribe
                        && !properties.subscription_identifiers.is_empty()
                    {
                        return Err(reader.error_at(at, DecodeErrorKind::DuplicateProperty(id)));
                    }
                    let value = reader.silent(|reader| reader.var_int(id.name()))?;
                    let value = NonZeroU32::new(value).ok_or_else(|| invalid(reader, at, id, 0))?;
                    reader.record(id.name(), at, || value.to_string());
                    properties.subscription_identifiers.push(value);
                }
                PropertyId::UserProperty => {
                    let (name, value) = reader.silent(|reader| {
                        Ok((
                            reader.string("User Property name")?,
                            reader.string("User Property value")?,
                        ))
                    })?;
                    reader.record(id.name(), at, || format!("{name:?} = {value:?}"));
                    properties.user_properties.push((name, value));
                }
                _ => properties.read_single(reader, id, at)?,
            }
            if reader.pos() > end {
                return Err(reader.error_at(at, DecodeErrorKind::PropertyLength));
            }
        }
        reader.end_group(group, || format!("{length} bytes"));
        Ok(Properties::from(properties))
    }

    /// Calls `visit` with every property that is set: the single ones in identifier order,
    /// then the Subscription Identifiers and the User Properties, in order.
    pub fn each(&self, mut visit: impl FnMut(PropertyId, PropertyView<'_>)) {
        let _ = self.try_each(&mut |id, value| {
            visit(id, value);
            Ok(())
        });
    }

    fn write_all<S: Sink>(
        &self,
        sink: &mut S,
        context: PropertyContext,
    ) -> Result<(), EncodeError> {
        if sink.checks()
            && context == PropertyContext::Subscribe
            && self.subscription_identifiers.len() > 1
        {
            return Err(EncodeError::InvalidPropertyValue {
                property: PropertyId::SubscriptionIdentifier,
                value: self.subscription_identifiers.len() as u32,
            });
        }
        self.try_each(&mut |id, value| {
            check_allowed(id, context)?;
            sink.put_var_int(u32::from(id as u8));
            write_value(sink, id, value)
        })
    }

    /// Size of the properties without their Property Length.
    fn body_len(&self, context: PropertyContext) -> Result<usize, EncodeError> {
        let mut counter = Output::counting();
        self.write_all(&mut counter, context)?;
        Ok(counter.len)
    }

    /// Writes the Property Length and the properties.
    fn write<S: Sink>(&self, sink: &mut S, context: PropertyContext) -> Result<(), EncodeError> {
        let length = if self.is_empty() {
            0
        } else {
            self.body_len(context)?
        };
        sink.put_var_int(length as u32);
        self.write_all(sink, context)
    }
}

/// The properties of one packet or Will (v5). Most packets carry none, so the values live out of
/// line and an absent list costs one pointer: packets stay small and cheap to move. Fields read
/// through `Deref` (`properties.topic_alias`); assigning one (`properties.topic_alias = ..`)
/// allocates the values on first use.
#[derive(Clone, Default)]
pub struct Properties(Option<Box<PropertyValues>>);

static NO_PROPERTIES: PropertyValues = PropertyValues::EMPTY;

impl Properties {
    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        self.0.as_deref().is_none_or(PropertyValues::is_empty)
    }

    /// Reads a Property Length and the properties it covers (v5 §2.2.2).
    pub(crate) fn read(
        reader: &mut Reader<'_>,
        context: PropertyContext,
    ) -> Result<Properties, DecodeError> {
        PropertyValues::read(reader, context)
    }

    /// Writes the Property Length and the properties.
    pub(crate) fn write<S: Sink>(
        &self,
        sink: &mut S,
        context: PropertyContext,
    ) -> Result<(), EncodeError> {
        (**self).write(sink, context)
    }
}

impl std::ops::Deref for Properties {
    type Target = PropertyValues;

    fn deref(&self) -> &PropertyValues {
        self.0.as_deref().unwrap_or(&NO_PROPERTIES)
    }
}

impl std::ops::DerefMut for Properties {
    fn deref_mut(&mut self) -> &mut PropertyValues {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<PropertyValues> for Properties {
    fn from(values: PropertyValues) -> Properties {
        if values.is_empty() {
            Properties(None)
        } else {
            Properties(Some(Box::new(values)))
        }
    }
}

impl PartialEq for Properties {
    fn eq(&self, other: &Properties) -> bool {
        **self == **other
    }
}

impl Eq for Properties {}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for Properties {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Properties, D::Error> {
        PropertyValues::deserialize(deserializer).map(Properties::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_visits_every_property_set_with_its_identifier() {
        let mut values = PropertyValues {
            payload_format_indicator: Some(true),
            content_type: Some("text/plain".into()),
            correlation_data: Some(Bytes::from_static(b"\x01\x02")),
            receive_maximum: NonZeroU16::new(20),
            maximum_qos: Some(QoS::AtLeastOnce),
            ..PropertyValues::default()
        };
        values.subscription_identifiers = vec![NonZeroU32::new(7).unwrap()];
        values.user_properties = vec![("a".into(), "1".into()), ("a".into(), "2".into())];
        let mut seen = Vec::new();
        values.each(|id, value| seen.push(format!("{:02X} {value:?}", id as u8)));
        assert_eq!(
            seen,
            [
                "01 Flag(true)",
                "03 Text(\"text/plain\")",
                "09 Binary([1, 2])",
                "21 TwoByte(20)",
                "24 Byte(1)",
                "0B VarInt(7)",
                "26 Pair(\"a\", \"1\")",
                "26 Pair(\"a\", \"2\")",
            ]
        );
    }
}
