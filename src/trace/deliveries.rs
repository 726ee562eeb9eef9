//! The message table's rows: one per message our subscribers received, with the QoS it was
//! published at, the QoS its subscription was granted, the QoS it arrived with, and the QoS it
//! should have arrived with, so a broker that delivers at the wrong QoS shows as such.

use super::client_tag::ClientTag;
use super::event::{FlowId, FlowRole};
use super::flow::FlowRecord;
use super::store::TraceStore;
use crate::codec::QoS;

/// How many characters of a payload the table shows.
pub const PAYLOAD_PREVIEW_CHARS: usize = 48;

/// One message as a subscriber of ours received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    /// The subscriber's flow.
    pub flow: FlowId,
    /// The publisher's flow, when the publisher is ours too.
    pub publisher_flow: Option<FlowId>,
    /// When the PUBLISH reached the subscriber, in ms.
    pub time: u64,
    /// The publishing client's tag, when it is ours.
    pub publisher: Option<ClientTag>,
    /// The receiving client's tag.
    pub subscriber: ClientTag,
    /// Topic name.
    pub topic: String,
    /// The payload as text (lossy UTF-8, controls as spaces), cut to [`PAYLOAD_PREVIEW_CHARS`].
    pub payload_preview: String,
    /// The QoS the publisher sent, when the publisher is ours.
    pub publish_qos: Option<QoS>,
    /// The QoS granted to the subscription this copy is for, once SUBACK has said: in 5.0,
    /// with overlapping subscriptions, the one its Subscription Identifier names or whose grant
    /// explains its QoS; otherwise the highest matching grant.
    pub granted_qos: Option<QoS>,
    /// The QoS of the PUBLISH the subscriber received.
    pub delivered_qos: QoS,
    /// min(publish QoS, granted QoS, server Maximum QoS), when all are known.
    pub expected_qos: Option<QoS>,
    /// The message arrived at another QoS than the rules give: a broker bug.
    pub mismatch: bool,
    /// The application received this message more than once (a QoS 1 repeat, or a copy of one
    /// it already had beyond one per matching subscription).
    pub duplicate: bool,
}

impl DeliveryRow {
    /// The row for a subscriber flow, with its linked publisher flow if the store has it.
    pub fn new(received: &FlowRecord, published: Option<&FlowRecord>) -> DeliveryRow {
        let judged = published.and_then(|published| received.expected_qos(published));
        let expected_qos = judged.map(|(expected, _)| expected);
        DeliveryRow {
            flow: received.id,
            publisher_flow: published.map(|published| published.id),
            time: received.started,
            publisher: published.map(|published| published.id.client),
            subscriber: received.id.client,
            topic: received.topic.as_str().to_owned(),
            payload_preview: preview(&received.payload),
            publish_qos: published.map(|published| published.qos),
            granted_qos: judged
                .map(|(_, granted)| granted)
                .or(received.grants.first().copied()),
            delivered_qos: received.qos,
            expected_qos,
            mismatch: expected_qos.is_some_and(|expected| expected != received.qos),
            // DUP=1 alone does not make a duplicate: the first arrival may carry it.
            duplicate: received.repeat || received.deliveries() > 1,
        }
    }

    /// A duplicate at QoS 2 breaks exactly-once delivery ([MQTT-4.3.3-2] v3 /
    /// [v5 MQTT-4.3.3-10]); at QoS 1 the rules allow it.
    pub fn duplicate_breaks_exactly_once(&self) -> bool {
        self.duplicate && self.delivered_qos == QoS::ExactlyOnce
    }
}

/// Every subscriber-side flow in the store as a row, oldest first.
pub fn delivery_rows(store: &TraceStore) -> Vec<DeliveryRow> {
    store
        .flows()
        .filter(|flow| flow.role == FlowRole::Subscriber)
        .map(|received| {
            let published = received
                .linked
                .first()
                .and_then(|publisher| store.flow(*publisher));
            DeliveryRow::new(received, published)
        })
        .collect()
}

/// The start of a payload as one line of text.
fn preview(payload: &[u8]) -> String {
    let text = String::from_utf8_lossy(payload);
    let mut preview: String = text
        .chars()
        .take(PAYLOAD_PREVIEW_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(PAYLOAD_PREVIEW_CHARS).is_some() {
        preview.push('…');
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_preview_is_one_line_of_lossy_text_cut_with_an_ellipsis() {
        assert_eq!(preview(b"hello\nworld"), "hello world");
        assert_eq!(preview(&[b'a', 0xFF, b'b']), "a\u{FFFD}b");
        let long = "x".repeat(PAYLOAD_PREVIEW_CHARS + 5);
        let cut = preview(long.as_bytes());
        assert_eq!(cut.chars().count(), PAYLOAD_PREVIEW_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(preview(&long.as_bytes()[..PAYLOAD_PREVIEW_CHARS]).len(), 48);
    }
}
