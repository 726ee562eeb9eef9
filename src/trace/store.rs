//! A bounded store of trace events: a ring of packets and of flows, so a long run does not grow
//! memory without limit, with links between the publisher and subscriber flows of one message.

use std::collections::VecDeque;

use bytes::Bytes;
use rustc_hash::FxHashMap;

use crate::codec::Topic;

use super::client_tag::ClientTag;
use super::event::{FlowEvent, FlowId, FlowRole, Note, PacketRecord, TraceEvent};
use super::flow::{FlowRecord, FlowState, FlowStep};

/// Keeps the most recent packets and flows.
#[derive(Debug)]
pub struct TraceStore {
    packet_capacity: usize,
    flow_capacity: usize,
    packets: VecDeque<PacketRecord>,
    flows: FxHashMap<FlowId, FlowRecord>,
    flow_order: VecDeque<FlowId>,
    /// Publisher flows by message content, for linking subscriber flows.
    publishers: FxHashMap<(Topic, Bytes), Candidates>,
    notes: VecDeque<Note>,
    evicted_packets: u64,
    /// Subscriber flows (messages received) pushed out of the window: counted, since a busy
    /// broker delivers far more than the window keeps.
    evicted_deliveries: u64,
    generation: u64,
}

impl TraceStore {
    /// A store that keeps at most `packet_capacity` packets and `flow_capacity` flows.
    pub fn new(packet_capacity: usize, flow_capacity: usize) -> TraceStore {
        TraceStore {
            packet_capacity: packet_capacity.max(1),
            flow_capacity: flow_capacity.max(1),
            packets: VecDeque::new(),
            flows: FxHashMap::default(),
            flow_order: VecDeque::new(),
            publishers: FxHashMap::default(),
            notes: VecDeque::new(),
            evicted_packets: 0,
            evicted_deliveries: 0,
            generation: 0,
        }
    }

    /// Changes with every event, so views can tell cheaply whether to redraw.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The packets kept, oldest first.
    pub fn packets(&self) -> impl ExactSizeIterator<Item = &PacketRecord> + DoubleEndedIterator {
        self.packets.iter()
    }

    /// How many packets were pushed out of the window.
    pub fn evicted_packets(&self) -> u64 {
        self.evicted_packets
    }

    /// How many messages our subscribers received whose flows were pushed out of the window.
    pub fn evicted_deliveries(&self) -> u64 {
        self.evicted_deliveries
    }

    /// The notes kept, oldest first.
    pub fn notes(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter()
    }

    /// The flows kept, oldest first.
    pub fn flows(&self) -> impl Iterator<Item = &FlowRecord> {
        self.flow_order.iter().filter_map(|id| self.flows.get(id))
    }

    /// One flow.
    pub fn flow(&self, id: FlowId) -> Option<&FlowRecord> {
        self.flows.get(&id)
    }

    /// Events that rebuild this store's contents in a fresh one: packets with their final
    /// fate, each flow's life in order, and the notes. Exported traces are these.
    pub fn to_events(&self) -> Vec<TraceEvent> {
        let mut events: Vec<TraceEvent> = self
            .packets
            .iter()
            .cloned()
            .map(TraceEvent::Packet)
            .collect();
        for record in self.flows() {
            events.push(TraceEvent::Flow(FlowEvent::Started {
                flow: record.id,
                time: record.started,
                role: record.role,
                topic: record.topic.clone(),
                payload: record.payload.clone(),
                qos: record.qos,
                retain: record.retain,
                grants: record.grants.clone(),
                copies: record.copies,
                server_maximum_qos: record.server_maximum_qos,
                possible_duplicate: record.possible_duplicate,
            }));
            if let Some(pid) = record.pid {
                events.push(TraceEvent::Flow(FlowEvent::Identified {
                    flow: record.id,
                    pid,
                }));
            }
            events.extend(record.steps.iter().map(|step| {
                TraceEvent::Flow(FlowEvent::Step {
                    flow: record.id,
                    time: step.time,
                    direction: step.direction,
                    kind: step.kind,
                })
            }));
            if let Some(time) = record.finished {
                events.push(TraceEvent::Flow(FlowEvent::Finished {
                    flow: record.id,
                    time,
                    state: record.state,
                }));
            }
        }
        events.extend(self.notes.iter().cloned().map(TraceEvent::Note));
        events
    }

    /// Adds everything in `events`.
    pub fn extend(&mut self, events: impl IntoIterator<Item = TraceEvent>) {
        for event in events {
            self.push(event);
        }
    }

    /// Adds one event.
    pub fn push(&mut self, event: TraceEvent) {
        self.generation += 1;
        match event {
            TraceEvent::Packet(record) => {
                if self.packets.len() == self.packet_capacity {
                    self.packets.pop_front();
                    self.evicted_packets += 1;
                }
                self.packets.push_back(record);
            }
            TraceEvent::PacketUpdate {
                id,
                time,
                fate,
                flow,
            } => {
                // Ids increase along the ring, so the record is found by binary search.
                let index = self.packets.partition_point(|record| record.id < id);
                if let Some(record) = self.packets.get_mut(index).filter(|record| record.id == id) {
                    record.fate = fate;
                    if fate == super::PacketFate::Delivered {
                        record.arrival = Some(time);
                    }
                    if flow.is_some() {
                        record.flow = flow;
                    }
                }
            }
            TraceEvent::Flow(event) => self.apply(event),
            TraceEvent::Note(note) => {
                if self.notes.len() == self.flow_capacity {
                    self.notes.pop_front();
                }
                self.notes.push_back(note);
            }
        }
    }

    fn apply(&mut self, event: FlowEvent) {
        let id = event.flow();
        match event {
            FlowEvent::Started {
                flow,
                time,
                role,
                topic,
                payload,
                qos,
                retain,
                grants,
                copies,
                server_maximum_qos,
                possible_duplicate,
            } => {
                let mut record = FlowRecord {
                    id: flow,
                    role,
                    topic,
                    payload,
                    pid: None,
                    qos,
                    retain,
                    grants,
                    copies,
                    server_maximum_qos,
                    possible_duplicate,
                    // Room for a whole QoS 2 exchange without regrowing.
                    steps: Vec::with_capacity(6),
                    retransmissions: 0,
                    state: FlowState::InFlight,
                    started: time,
                    finished: None,
                    linked: Vec::new(),
                    repeat: false,
                };
                let key = (record.topic.clone(), record.payload.clone());
                match role {
                    FlowRole::Publisher => {
                        self.publishers.entry(key).or_default().ids.push_back(flow)
                    }
                    FlowRole::Subscriber => {
                        let candidates = self.publishers.get_mut(&key);
                        let link = candidates.and_then(|c| c.link(flow.client, time, copies));
                        if let Some((publisher, repeat)) = link {
                            record.repeat = repeat;
                            record.linked.push(publisher);
                            if let Some(publisher) = self.flows.get_mut(&publisher) {
                                publisher.linked.push(flow);
                            }
                        }
                    }
                }
                self.insert(record);
            }
            FlowEvent::Identified { pid, .. } => {
                if let Some(record) = self.flows.get_mut(&id) {
                    record.pid = Some(pid);
                }
            }
            FlowEvent::Step {
                time,
                direction,
                kind,
                ..
            } => {
                if let Some(record) = self.flows.get_mut(&id) {
                    let resend = matches!(kind, super::StepKind::Publish { dup: true })
                        || (kind_is_pubrel(kind)
                            && record.steps.iter().any(|step| kind_is_pubrel(step.kind)));
                    if resend
                        && direction == Some(super::Direction::Outgoing)
                        && record.role == FlowRole::Publisher
                    {
                        record.retransmissions += 1;
                    }
                    record.steps.push(FlowStep {
                        time,
                        direction,
                        kind,
                    });
                }
            }
            FlowEvent::Finished { time, state, .. } => {
                if let Some(record) = self.flows.get_mut(&id) {
                    record.state = match state {
                        FlowState::Complete if record.repeat => FlowState::Duplicated,
                        state => state,
                    };
                    record.finished = Some(time);
                }
            }
        }
    }

    fn insert(&mut self, record: FlowRecord) {
        if self.flow_order.len() == self.flow_capacity {
            if let Some(old) = self.flow_order.pop_front() {
                if let Some(evicted) = self.flows.remove(&old) {
                    if evicted.role == FlowRole::Subscriber {
                        self.evicted_deliveries += 1;
                    }
                    let key = (evicted.topic, evicted.payload);
                    if let Some(candidates) = self.publishers.get_mut(&key) {
                        candidates.evict(old);
                        if candidates.ids.is_empty() {
                            self.publishers.remove(&key);
                        }
                    }
                }
            }
        }
        self.flow_order.push_back(record.id);
        self.flows.insert(record.id, record);
    }
}

fn kind_is_pubrel(kind: super::StepKind) -> bool {
    matches!(
        kind,
        super::StepKind::Ack {
            packet: crate::codec::PacketType::PubRel,
            ..
        }
    )
}

/// The publisher flows of one message content, oldest first, and how far each subscriber has
/// got through them. Subscribers receive a publisher's messages in order ([MQTT-4.6.0-5]), so a
/// new subscriber flow belongs to the first one it has not received yet, even when it carries
/// DUP=1 (the broker's first attempt was lost). In 5.0 a message may arrive once per matching
/// subscription [v5 MQTT-3.3.4-2]: those copies come together, so one that arrives at the same
/// time as the last, while fewer have come than there are subscriptions, belongs to the same
/// message. Anything else with nothing new to match (a QoS 1 repeat, or a copy forwarded again
/// after a resend, which carries no DUP by [MQTT-3.3.1-3]) repeats the last one received.
#[derive(Debug, Default)]
struct Candidates {
    ids: VecDeque<FlowId>,
    /// How many flows were evicted from the front (positions are absolute).
    base: u64,
    /// Per subscriber client: how far it got.
    progress: FxHashMap<ClientTag, Progress>,
}

/// How far one subscriber got through a message content's publisher flows.
#[derive(Debug, Default, Clone, Copy)]
struct Progress {
    /// The absolute position of the next flow it has not received.
    next: u64,
    /// When the last one it received arrived, and how many copies of it have come.
    arrived_at: u64,
    copies: u16,
}

impl Candidates {
    /// The publisher flow for a new subscriber flow that arrived at `time` (of at most
    /// `copies` per message), and whether it is a repeat.
    fn link(&mut self, subscriber: ClientTag, time: u64, copies: u16) -> Option<(FlowId, bool)> {
        let mut progress = self.progress.get(&subscriber).copied().unwrap_or_default();
        progress.next = progress.next.max(self.base);
        let at = |position: u64| {
            self.ids
                .get(usize::try_from(position.checked_sub(self.base)?).ok()?)
                .copied()
        };
        let last = progress
            .next
            .checked_sub(1)
            .filter(|last| *last >= self.base)
            .and_then(at);
        let link = match last {
            Some(id) if progress.arrived_at == time && progress.copies < copies => {
                progress.copies += 1;
                (id, false)
            }
            _ => match at(progress.next) {
                Some(id) => {
                    progress = Progress {
                        next: progress.next + 1,
                        arrived_at: time,
                        copies: 1,
                    };
                    (id, false)
                }
                None => (last?, true),
            },
        };
        self.progress.insert(subscriber, progress);
        Some(link)
    }

    /// Flows leave the store oldest first, so the evicted one is at the front.
    fn evict(&mut self, id: FlowId) {
        if self.ids.front() == Some(&id) {
            self.ids.pop_front();
            self.base += 1;
        }
    }
}
