//! Session state as a serializable value, so the browser can keep it across a page reload and
//! resume with clean start 0 without losing in-flight messages.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::outgoing::{OutgoingEntry, PidAllocator, Request};
use super::{ConnectOptions, QueuedPublish, Session};
use crate::codec::{Pid, QoS, ReasonCode, SubscriptionOptions};
use crate::trace::{ClientTag, FlowId};

/// One subscription and what the server granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRecord {
    /// Topic filter.
    pub filter: String,
    /// Requested options.
    pub options: SubscriptionOptions,
    /// Granted QoS or failure code; `None` until SUBACK.
    pub outcome: Option<Result<QoS, ReasonCode>>,
}

/// Everything a session must keep to resume: in-flight and queued messages with their packet
/// ids, QoS 2 ids received but not released, pending SUBSCRIBE/UNSUBSCRIBE, subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// The options in use (client id and credentials included).
    pub options: ConnectOptions,
    /// Whether the broker may hold our session.
    pub has_session: bool,
    /// The packet id counter.
    pub pids: PidAllocator,
    /// The flow counter, so flow ids stay unique.
    pub next_flow: u32,
    /// The connection counter.
    pub connection: u32,
    /// In-flight outgoing messages in send order.
    pub outgoing: Vec<(Pid, OutgoingEntry)>,
    /// Messages waiting to be sent.
    pub queued: VecDeque<QueuedPublish>,
    /// SUBSCRIBE/UNSUBSCRIBE waiting for their acknowledgement.
    pub requests: Vec<(Pid, Request)>,
    /// Incoming QoS 2 ids held until PUBREL, with their flows.
    pub incoming_qos2: Vec<(Pid, FlowId)>,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionRecord>,
}

impl Session {
    /// The state to keep (write it before sending anything that depends on it).
    pub fn state(&self) -> SessionState {
        let incoming_qos2: Vec<(Pid, FlowId)> = super::outgoing::sorted(
            self.incoming_qos2
                .iter()
                .map(|(pid, flow)| (*pid, *flow))
                .collect(),
        );
        SessionState {
            options: self.options.clone(),
            has_session: self.has_session,
            pids: self.pids,
            next_flow: self.next_flow,
            connection: self.connection,
            outgoing: self
                .outgoing
                .entries_in_order()
                .into_iter()
                .map(|(pid, entry)| (pid, entry.clone()))
                .collect(),
            queued: self.queued.clone(),
            requests: self
                .requests
                .iter()
                .map(|(pid, request)| (*pid, request.clone()))
                .collect(),
            incoming_qos2,
            subscriptions: self.subscriptions.values().cloned().collect(),
        }
    }

    /// A session that resumes from `state` (offline; connect it to continue).
    pub fn restore(state: SessionState, tag: ClientTag) -> Session {
        let mut session = Session::new(state.options, tag);
        session.has_session = state.has_session;
        session.pids = state.pids;
        session.next_flow = state.next_flow;
        session.connection = state.connection;
        for (pid, entry) in state.outgoing {
            session.outgoing.restore(pid, entry);
        }
        session.queued = state.queued;
        session.requests = state.requests.into_iter().collect();
        session.incoming_qos2 = state.incoming_qos2.into_iter().collect();
        session.subscriptions = state
            .subscriptions
            .into_iter()
            .map(|record| (record.filter.clone(), record))
            .collect();
        session
    }
}

/// The compact form of [`SessionState`] the browser keeps in IndexedDB: messages and requests
/// as MQTT 5.0 packets (the codec's own encoding), counters and ids as integers. The connect
/// options are not in it: the page passes them again when it resumes.
///
/// The magic names the layout's version. `QSS2` counts queued messages and subscriptions in 32
/// bits, since neither is bounded by the 16-bit packet ids (a page offline for long may queue
/// more than 65,535 publishes); `QSS1`, which counted them in 16 bits, is still read.
impl SessionState {
    const MAGIC: &'static [u8; 4] = b"QSS2";
    const MAGIC_V1: &'static [u8; 4] = b"QSS1";

    /// Encodes everything but the options.
    pub fn to_bytes(&self) -> Vec<u8> {
        use crate::codec::wire::Sink;
        use crate::codec::{Packet, ProtocolVersion};

        fn packet(out: &mut Vec<u8>, packet: Packet) {
            let bytes = packet.to_bytes(ProtocolVersion::V5).unwrap_or_default();
            out.put_u32(bytes.len() as u32);
            out.put(&bytes);
        }
        // Memory runs out long before a session holds 2^32 of anything.
        fn count(len: usize) -> u32 {
            u32::try_from(len).expect("fewer than 2^32 entries")
        }
        let mut out = Vec::new();
        out.put(Self::MAGIC);
        out.put_u8(u8::from(self.has_session));
        out.put_u16(self.pids.next().get());
        out.put_u32(self.next_flow);
        out.put_u32(self.connection);
        out.put_u16(self.outgoing.len() as u16);
        for (_, entry) in &self.outgoing {
            out.put_u8(entry.stage as u8);
            out.put_u32(entry.flow.index);
            packet(&mut out, Packet::Publish(entry.publish.clone()));
        }
        out.put_u32(count(self.queued.len()));
        for queued in &self.queued {
            out.put_u32(queued.flow.index);
            let request = &queued.request;
            let mut publish = crate::codec::Publish::new(
                request.topic.clone(),
                crate::codec::QosPid::new(request.qos, Pid::FIRST),
                request.payload.clone(),
            );
            publish.retain = request.retain;
            publish.properties = request.properties.clone();
            packet(&mut out, Packet::Publish(publish));
        }
        out.put_u16(self.requests.len() as u16);
        for (_, request) in &self.requests {
            packet(
                &mut out,
                match request {
                    Request::Subscribe(subscribe) => Packet::Subscribe(subscribe.clone()),
                    Request::Unsubscribe(unsubscribe) => Packet::Unsubscribe(unsubscribe.clone()),
                },
            );
        }
        out.put_u16(self.incoming_qos2.len() as u16);
        for (pid, flow) in &self.incoming_qos2 {
            out.put_u16(pid.get());
            out.put_u32(flow.index);
        }
        out.put_u32(count(self.subscriptions.len()));
        for record in &self.subscriptions {
            let _ = out.put_string("Topic Filter", &record.filter);
            out.put_u8(record.options.to_byte());
            let (tag, value) = match record.outcome {
                None => (0, 0),
                Some(Ok(qos)) => (1, qos.as_u8()),
                Some(Err(code)) => (2, code.as_u8()),
            };
            out.put_u8(tag);
            out.put_u8(value);
        }
        out
    }

    /// Decodes what [`SessionState::to_bytes`] wrote; `options` and `tag` are the resuming
    /// client's. Fails with a message naming what is wrong.
    pub fn from_bytes(
        bytes: &[u8],
        options: ConnectOptions,
        tag: ClientTag,
    ) -> Result<SessionState, String> {
        use crate::codec::wire::Reader;
        use crate::codec::{Packet, ProtocolVersion, QoS};

        let frame = bytes::Bytes::copy_from_slice(bytes);
        let reader = &mut Reader::new(&frame, ProtocolVersion::V5, false);
        let fail = |what: &str, error: crate::codec::DecodeError| {
            format!("saved session, {what}: {error}")
        };
        let packet = |reader: &mut Reader<'_>| -> Result<Packet, crate::codec::DecodeError> {
            let len = reader.raw_u32("packet length")? as usize;
            let raw = reader.take_bytes(len, "packet")?;
            Packet::decode(&raw, ProtocolVersion::V5)
        };
        let flow = |index| FlowId { client: tag, index };
        let magic = reader
            .take_bytes(4, "magic")
            .map_err(|e| fail("header", e))?;
        let wide_counts = match magic.as_ref() {
            magic if magic == Self::MAGIC => true,
            magic if magic == Self::MAGIC_V1 => false,
            _ => return Err("saved session: not a qoscope session record".into()),
        };
        // Queued messages and subscriptions: counted in 32 bits since QSS2, in 16 before.
        let count = |reader: &mut Reader<'_>, field| {
            if wide_counts {
                reader.raw_u32(field)
            } else {
                reader.raw_u16(field).map(u32::from)
            }
        };
        let read = |reader: &mut Reader<'_>| -> Result<SessionState, crate::codec::DecodeError> {
            let has_session = reader.raw_u8("has session")? == 1;
            let pids = PidAllocator::starting_at(
                Pid::new(reader.raw_u16("next packet id")?).unwrap_or(Pid::FIRST),
            );
            let next_flow = reader.raw_u32("next flow")?;
            let connection = reader.raw_u32("connection")?;
            let mut outgoing = Vec::new();
            for seq in 0..reader.raw_u16("outgoing count")? {
                let stage = match reader.raw_u8("stage")? {
                    0 => super::AckStage::AwaitPubAck,
                    1 => super::AckStage::AwaitPubRec,
                    _ => super::AckStage::AwaitPubComp,
                };
                let index = reader.raw_u32("flow")?;
                if let Packet::Publish(publish) = packet(reader)? {
                    if let Some(pid) = publish.qos_pid.pid() {
                        outgoing.push((
                            pid,
                            OutgoingEntry {
                                seq: u64::from(seq),
                                publish,
                                stage,
                                flow: flow(index),
                                sent: false,
                                last_sent: 0,
                            },
                        ));
                    }
                }
            }
            let mut queued = VecDeque::new();
            for _ in 0..count(reader, "queued count")? {
                let index = reader.raw_u32("flow")?;
                if let Packet::Publish(publish) = packet(reader)? {
                    let mut request = super::PublishRequest::new(
                        publish.topic.clone(),
                        publish.payload.clone(),
                        publish.qos(),
                    );
                    request.retain = publish.retain;
                    request.properties = publish.properties;
                    queued.push_back(QueuedPublish {
                        request,
                        flow: flow(index),
                    });
                }
            }
            let mut requests = Vec::new();
            for _ in 0..reader.raw_u16("request count")? {
                match packet(reader)? {
                    Packet::Subscribe(subscribe) => {
                        requests.push((subscribe.pid, Request::Subscribe(subscribe)))
                    }
                    Packet::Unsubscribe(unsubscribe) => {
                        requests.push((unsubscribe.pid, Request::Unsubscribe(unsubscribe)))
                    }
                    _ => {}
                }
            }
            let mut incoming_qos2 = Vec::new();
            for _ in 0..reader.raw_u16("incoming count")? {
                let pid = reader.pid()?;
                incoming_qos2.push((pid, flow(reader.raw_u32("flow")?)));
            }
            let mut subscriptions = Vec::new();
            for _ in 0..count(reader, "subscription count")? {
                let filter = reader.string("Topic Filter")?;
                let options =
                    SubscriptionOptions::from_byte(reader.raw_u8("options")?, ProtocolVersion::V5)
                        .unwrap_or(SubscriptionOptions::qos(QoS::AtMostOnce));
                let (tag, value) = (reader.raw_u8("outcome")?, reader.raw_u8("outcome value")?);
                let outcome = match tag {
                    1 => QoS::from_u8(value).map(Ok),
                    2 => ReasonCode::from_u8(value).map(Err),
                    _ => None,
                };
                subscriptions.push(SubscriptionRecord {
                    filter,
                    options,
                    outcome,
                });
            }
            Ok(SessionState {
                options: options.clone(),
                has_session,
                pids,
                next_flow,
                connection,
                outgoing,
                queued,
                requests,
                incoming_qos2,
                subscriptions,
            })
        };
        read(reader).map_err(|error| fail("record", error))
    }
}
