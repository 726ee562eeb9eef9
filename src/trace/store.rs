//! A bounded store of trace events: a ring of packets and of flows, so a long run does not grow
//! memory without limit, with links between the publisher and subscriber flows of one message.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;

use super::event::{FlowEvent, FlowId, FlowRole, PacketRecord, TraceEvent};
use super::flow::{FlowRecord, FlowState, FlowStep};

/// Keeps the most recent packets and flows.
#[derive(Debug)]
pub struct TraceStore {
    packet_capacity: usize,
    flow_capacity: usize,
    packets: VecDeque<PacketRecord>,
    flows: HashMap<FlowId, FlowRecord>,
    flow_order: VecDeque<FlowId>,
    /// Publisher flows by message content, oldest first, for linking subscriber flows.
    publishers: HashMap<(String, Bytes), VecDeque<FlowId>>,
    evicted_packets: u64,
    generation: u64,
}

impl TraceStore {
    /// A store that keeps at most `packet_capacity` packets and `flow_capacity` flows.
    pub fn new(packet_capacity: usize, flow_capacity: usize) -> TraceStore {
        TraceStore {
            packet_capacity: packet_capacity.max(1),
            flow_capacity: flow_capacity.max(1),
            packets: VecDeque::new(),
            flows: HashMap::new(),
            flow_order: VecDeque::new(),
            publishers: HashMap::new(),
            evicted_packets: 0,
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

    /// The flows kept, oldest first.
    pub fn flows(&self) -> impl Iterator<Item = &FlowRecord> {
        self.flow_order.iter().filter_map(|id| self.flows.get(id))
    }

    /// One flow.
    pub fn flow(&self, id: FlowId) -> Option<&FlowRecord> {
        self.flows.get(&id)
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
                granted_qos,
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
                    granted_qos,
                    server_maximum_qos,
                    possible_duplicate,
                    steps: Vec::new(),
                    retransmissions: 0,
                    state: FlowState::InFlight,
                    started: time,
                    finished: None,
                    linked: Vec::new(),
                };
                let key = (record.topic.clone(), record.payload.clone());
                match role {
                    FlowRole::Publisher => self.publishers.entry(key).or_default().push_back(flow),
                    FlowRole::Subscriber => {
                        if let Some(publisher) =
                            self.find_publisher(&key, flow.client, possible_duplicate)
                        {
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
                    record.state = state;
                    record.finished = Some(time);
                }
            }
        }
    }

    /// The publisher flow a new subscriber flow belongs to: the oldest one with the same topic
    /// and payload that this subscriber has not received yet; for a repeat, the newest one it
    /// already received.
    fn find_publisher(
        &self,
        key: &(String, Bytes),
        subscriber: u32,
        repeat: bool,
    ) -> Option<FlowId> {
        let candidates = self.publishers.get(key)?;
        let received = |id: &FlowId| {
            self.flows
                .get(id)
                .is_some_and(|flow| flow.linked.iter().any(|linked| linked.client == subscriber))
        };
        let latest_received = || candidates.iter().rev().find(|id| received(id)).copied();
        if repeat {
            latest_received()
        } else {
            // A copy the broker forwards again after a resend arrives without DUP
            // ([MQTT-3.3.1-3]); with nothing new to match it is a duplicate of the latest.
            candidates
                .iter()
                .find(|id| !received(id))
                .copied()
                .or_else(latest_received)
        }
    }

    fn insert(&mut self, record: FlowRecord) {
        if self.flow_order.len() == self.flow_capacity {
            if let Some(old) = self.flow_order.pop_front() {
                if let Some(evicted) = self.flows.remove(&old) {
                    let key = (evicted.topic, evicted.payload);
                    if let Some(ids) = self.publishers.get_mut(&key) {
                        ids.retain(|id| *id != old);
                        if ids.is_empty() {
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
