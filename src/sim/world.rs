//! A world: the simulated broker, our client sessions and the links between them, advanced in
//! simulated time. Natively it runs as fast as possible, jumping to the next deadline (like
//! quinn's test `Pair`); in the page a timer calls [`World::advance_to`] with scaled real time.
//!
//! The links record every packet that enters them, delivered, dropped or held, into the same
//! trace the live WebSocket path fills, so the UI draws both the same way.

use std::collections::VecDeque;

use thiserror::Error;

use super::link::{Carried, Item, Link, LinkFaults, SendOutcome};
use crate::broker::{Broker, BrokerConfig, BrokerEvent, ConnId};
use crate::clients::ClientIndex;
use crate::codec::{other_versions_refusal, FrameDecoder, Packet, PacketType, QoS};
use crate::session::{ConnectOptions, Event, Session};
use crate::trace::{
    ClientTag, Direction, FlowEvent, FlowId, FlowState, Note, PacketFate, PacketRecord, TraceEvent,
};

/// The world kept stepping without settling.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the simulation did not settle within {0} steps")]
pub struct Livelock(pub usize);

#[derive(Debug, Clone)]
struct SimClient {
    session: Session,
    conn: Option<ConnId>,
    to_broker: Link,
    to_client: Link,
    /// Splits what the session writes into packets, and what the broker writes.
    up_frames: FrameDecoder,
    down_frames: FrameDecoder,
    /// The session's own records of packets it wrote, waiting to be matched with the bytes.
    written: VecDeque<PacketRecord>,
}

/// The simulated broker, clients and links.
#[derive(Debug, Clone)]
pub struct World {
    now: u64,
    broker: Broker,
    clients: Vec<SimClient>,
    trace: Vec<TraceEvent>,
    events: VecDeque<(ClientIndex, Event)>,
    broker_events: VecDeque<BrokerEvent>,
    next_conn: ConnId,
    next_packet: u64,
    seed: u64,
    /// One-way latency of the links of clients added from now on.
    latency_ms: u64,
}

impl World {
    /// A world with a broker; `seed` makes link randomness repeatable.
    pub fn new(config: BrokerConfig, seed: u64) -> World {
        World {
            now: 0,
            broker: Broker::new(config),
            clients: Vec::new(),
            trace: Vec::new(),
            events: VecDeque::new(),
            broker_events: VecDeque::new(),
            next_conn: 0,
            next_packet: 0,
            seed,
            latency_ms: 0,
        }
    }

    /// The same world, with links of `latency_ms` one way for the clients added from now on
    /// (each user's is named once: [`super::CHECK_LATENCY_MS`], [`super::WORKBENCH_LATENCY_MS`],
    /// [`super::LESSON_LATENCY_MS`]).
    pub fn with_latency(mut self, latency_ms: u64) -> World {
        self.latency_ms = latency_ms;
        self
    }

    /// Simulated time in ms.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The broker.
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// Adds a client (not yet connected), tagged in the trace by [`ClientTag::of_index`].
    pub fn add_client(&mut self, options: ConnectOptions) -> ClientIndex {
        let index = self.clients.len();
        // A world's clients each take memory, so their count is far below the last tag.
        let tag = ClientTag::of_index(index).expect("fewer clients than trace tags");
        let seed = self
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(index as u64 * 2);
        let version = options.version;
        let link = |seed| {
            let mut link = Link::new(seed);
            link.set_faults(LinkFaults {
                latency_ms: self.latency_ms,
                ..LinkFaults::default()
            });
            link
        };
        self.clients.push(SimClient {
            session: Session::new(options, tag),
            conn: None,
            to_broker: link(seed),
            to_client: link(seed + 1),
            up_frames: FrameDecoder::new(version),
            down_frames: FrameDecoder::new(version),
            written: VecDeque::new(),
        });
        index
    }

    /// How many clients there are.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// A client's session (to read its state).
    pub fn session(&self, client: ClientIndex) -> &Session {
        &self.clients[client].session
    }

    /// Runs a command on a client's session (publish, subscribe, ...) and lets its output flow.
    pub fn with_session<T>(
        &mut self,
        client: ClientIndex,
        command: impl FnOnce(&mut Session, u64) -> T,
    ) -> T {
        let now = self.now;
        let result = command(&mut self.clients[client].session, now);
        self.pump();
        result
    }

    /// Whether a client has a transport open.
    pub fn is_open(&self, client: ClientIndex) -> bool {
        self.clients[client].conn.is_some()
    }

    /// Opens a client's transport; the session sends CONNECT.
    pub fn connect(&mut self, client: ClientIndex) {
        if self.clients[client].conn.is_some() {
            return;
        }
        self.next_conn += 1;
        let conn = self.next_conn;
        let now = self.now;
        self.broker.handle_connection_open(now, conn);
        let sim = &mut self.clients[client];
        let version = sim.session.version();
        sim.conn = Some(conn);
        sim.up_frames = FrameDecoder::new(version);
        sim.down_frames = FrameDecoder::new(version);
        sim.written.clear();
        sim.session.handle_transport_open(now);
        self.pump();
    }

    /// Cuts a client's connection abruptly: what is on the link is lost, both ends see the
    /// connection drop (the broker publishes the Will).
    pub fn cut(&mut self, client: ClientIndex) {
        let now = self.now;
        let sim = &mut self.clients[client];
        let Some(conn) = sim.conn.take() else { return };
        let mut lost = sim.to_broker.cut();
        lost.extend(sim.to_client.cut());
        sim.session.handle_transport_closed("connection cut");
        for id in lost {
            self.trace.push(TraceEvent::PacketUpdate {
                id,
                time: now,
                fate: PacketFate::Dropped,
                flow: None,
            });
        }
        self.broker.handle_connection_closed(now, conn);
        self.pump();
    }

    /// The faults of one direction of a client's link.
    pub fn faults(&self, client: ClientIndex, direction: Direction) -> &LinkFaults {
        self.link(client, direction).faults()
    }

    /// Sets the faults of one direction of a client's link.
    pub fn set_faults(&mut self, client: ClientIndex, direction: Direction, faults: LinkFaults) {
        self.link_mut(client, direction).set_faults(faults);
    }

    /// Loses the next packet of `kind` on one direction of a client's link.
    pub fn drop_next(&mut self, client: ClientIndex, direction: Direction, kind: PacketType) {
        self.link_mut(client, direction).drop_next(kind);
    }

    /// Trace ids of packets held on a link, oldest first.
    pub fn held(&self, client: ClientIndex, direction: Direction) -> Vec<u64> {
        self.link(client, direction).held_ids()
    }

    /// Sends the oldest held packet on its way.
    pub fn release_held(&mut self, client: ClientIndex, direction: Direction) -> bool {
        let now = self.now;
        match self.link_mut(client, direction).release_held(now) {
            Some((id, _)) => {
                self.trace.push(TraceEvent::PacketUpdate {
                    id,
                    time: now,
                    fate: PacketFate::InTransit,
                    flow: None,
                });
                true
            }
            None => false,
        }
    }

    /// Loses the oldest held packet.
    pub fn drop_held(&mut self, client: ClientIndex, direction: Direction) -> bool {
        let now = self.now;
        match self.link_mut(client, direction).drop_held() {
            Some(id) => {
                self.trace.push(TraceEvent::PacketUpdate {
                    id,
                    time: now,
                    fate: PacketFate::Dropped,
                    flow: None,
                });
                true
            }
            None => false,
        }
    }

    fn link(&self, client: ClientIndex, direction: Direction) -> &Link {
        let sim = &self.clients[client];
        match direction {
            Direction::Outgoing => &sim.to_broker,
            Direction::Incoming => &sim.to_client,
        }
    }

    fn link_mut(&mut self, client: ClientIndex, direction: Direction) -> &mut Link {
        let sim = &mut self.clients[client];
        match direction {
            Direction::Outgoing => &mut sim.to_broker,
            Direction::Incoming => &mut sim.to_client,
        }
    }

    // ---- outputs -------------------------------------------------------------------------

    /// Trace events since the last call.
    pub fn poll_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    /// The next client event, with the client it belongs to.
    pub fn poll_event(&mut self) -> Option<(ClientIndex, Event)> {
        self.events.pop_front()
    }

    /// The next broker event.
    pub fn poll_broker_event(&mut self) -> Option<BrokerEvent> {
        self.broker_events.pop_front()
    }

    /// The next time something is due: a packet arrival or a session or broker timer.
    pub fn next_deadline(&self) -> Option<u64> {
        let arrivals = self
            .clients
            .iter()
            .flat_map(|sim| [sim.to_broker.next_arrival(), sim.to_client.next_arrival()])
            .flatten();
        let timers = self
            .clients
            .iter()
            .filter_map(|sim| sim.session.poll_timeout());
        arrivals
            .chain(timers)
            .chain(self.broker.poll_timeout())
            .min()
    }

    /// Whether no packet is on its way (held packets wait for the learner).
    pub fn is_quiet(&self) -> bool {
        self.clients
            .iter()
            .all(|sim| sim.to_broker.is_empty() && sim.to_client.is_empty())
    }

    // ---- time ----------------------------------------------------------------------------

    /// Jumps to the next deadline and handles everything due then. False when nothing is due.
    pub fn step(&mut self) -> bool {
        let Some(deadline) = self.next_deadline() else {
            return false;
        };
        self.now = self.now.max(deadline);
        self.run_due();
        true
    }

    /// Handles everything due up to `time`, then sets the clock to it (real-time driving).
    pub fn advance_to(&mut self, time: u64) {
        while self
            .next_deadline()
            .is_some_and(|deadline| deadline <= time)
        {
            self.step();
        }
        self.now = self.now.max(time);
    }

    /// Steps until no packet is on its way, at most `max_steps` times.
    pub fn run_until_quiet(&mut self, max_steps: usize) -> Result<(), Livelock> {
        for _ in 0..max_steps {
            if self.is_quiet() {
                return Ok(());
            }
            if !self.step() {
                return Ok(());
            }
        }
        if self.is_quiet() {
            Ok(())
        } else {
            Err(Livelock(max_steps))
        }
    }

    fn run_due(&mut self) {
        let now = self.now;
        while let Some((client, direction)) = self.earliest_due(now) {
            let carried = match direction {
                Direction::Outgoing => self.clients[client].to_broker.pop_due(now),
                Direction::Incoming => self.clients[client].to_client.pop_due(now),
            };
            if let Some(carried) = carried {
                self.arrive(client, direction, carried);
                self.pump();
            }
        }
        for client in 0..self.clients.len() {
            if self.clients[client]
                .session
                .poll_timeout()
                .is_some_and(|deadline| deadline <= now)
            {
                self.clients[client].session.handle_timeout(now);
            }
        }
        if self
            .broker
            .poll_timeout()
            .is_some_and(|deadline| deadline <= now)
        {
            self.broker.handle_timeout(now);
        }
        self.pump();
    }

    /// The link whose next arrival is earliest and due; ties go to what was sent first, so
    /// cause comes before effect across links.
    fn earliest_due(&self, now: u64) -> Option<(ClientIndex, Direction)> {
        let mut best: Option<((u64, u64), ClientIndex, Direction)> = None;
        for (index, sim) in self.clients.iter().enumerate() {
            for (direction, next) in [
                (Direction::Outgoing, sim.to_broker.next_in_line()),
                (Direction::Incoming, sim.to_client.next_in_line()),
            ] {
                if let Some(next) = next.filter(|(arrival, _)| *arrival <= now) {
                    if best.is_none_or(|(earliest, _, _)| next < earliest) {
                        best = Some((next, index, direction));
                    }
                }
            }
        }
        best.map(|(_, client, direction)| (client, direction))
    }

    fn arrive(&mut self, client: ClientIndex, direction: Direction, carried: Carried) {
        let now = self.now;
        let current = self.clients[client].conn == Some(carried.conn);
        match (carried.item, direction) {
            (Item::Packet(raw), Direction::Outgoing) => {
                self.broker.handle_bytes(now, carried.conn, &raw);
                self.delivered(carried.id, None);
            }
            (Item::Close, Direction::Outgoing) => {
                self.broker.handle_connection_closed(now, carried.conn)
            }
            (Item::Packet(raw), Direction::Incoming) if current => {
                self.clients[client].session.handle_bytes(now, &raw);
                let flow = self.absorb_session_trace(client);
                self.delivered(carried.id, flow);
            }
            (Item::Close, Direction::Incoming) if current => {
                self.clients[client].conn = None;
                self.clients[client]
                    .session
                    .handle_transport_closed("closed by the broker");
            }
            (Item::Packet(_), Direction::Incoming) => self.trace.push(TraceEvent::PacketUpdate {
                id: carried.id,
                time: now,
                fate: PacketFate::Dropped,
                flow: None,
            }),
            (Item::Close, Direction::Incoming) => {}
        }
    }

    fn delivered(&mut self, id: u64, flow: Option<FlowId>) {
        self.trace.push(TraceEvent::PacketUpdate {
            id,
            time: self.now,
            fate: PacketFate::Delivered,
            flow,
        });
    }

    /// Takes a session's trace: flow events pass through; its records of written packets wait
    /// to be matched with the bytes; the flow of a packet it just received is returned.
    fn absorb_session_trace(&mut self, client: ClientIndex) -> Option<FlowId> {
        let mut received_flow = None;
        for event in self.clients[client].session.poll_trace() {
            match event {
                TraceEvent::Packet(record) if record.direction == Direction::Outgoing => {
                    self.clients[client].written.push_back(record);
                }
                TraceEvent::Packet(record) => received_flow = record.flow,
                other => self.trace.push(other),
            }
        }
        received_flow
    }

    /// Moves every output along until nothing more happens.
    fn pump(&mut self) {
        loop {
            let mut progress = false;
            for client in 0..self.clients.len() {
                self.absorb_session_trace(client);
                while let Some(bytes) = self.clients[client].session.poll_transmit() {
                    progress = true;
                    self.carry(client, Direction::Outgoing, &bytes);
                }
                if self.clients[client].session.poll_close() {
                    progress = true;
                    self.close_from_client(client);
                }
                while let Some(event) = self.clients[client].session.poll_event() {
                    self.events.push_back((client, event));
                }
            }
            while let Some((conn, bytes)) = self.broker.poll_transmit() {
                progress = true;
                if let Some(client) = self.client_of(conn) {
                    self.carry(client, Direction::Incoming, &bytes);
                }
            }
            while let Some(conn) = self.broker.poll_close() {
                progress = true;
                if let Some(client) = self.client_of(conn) {
                    self.next_packet += 1;
                    let id = self.next_packet;
                    self.clients[client]
                        .to_client
                        .send_close(self.now, id, conn);
                }
            }
            while let Some(event) = self.broker.poll_event() {
                if let Some(note) = self.narrate(&event) {
                    self.trace.push(TraceEvent::Note(note));
                }
                self.broker_events.push_back(event);
            }
            if !progress {
                return;
            }
        }
    }

    /// The trace line for a broker event worth showing next to the diagram.
    fn narrate(&self, event: &BrokerEvent) -> Option<Note> {
        let client = |conn: &ConnId| self.client_of(*conn).map(|index| self.session(index).tag());
        let (client, text) = match event {
            BrokerEvent::ProtocolViolation { conn, message } => (
                client(conn),
                format!("broker closed the connection: {message}"),
            ),
            BrokerEvent::WillPublished { client_id, topic } => (
                None,
                format!("broker published the will of {client_id} to {topic}"),
            ),
            BrokerEvent::ClientConnected { .. } | BrokerEvent::ConnectionClosed { .. } => {
                return None
            }
        };
        Some(Note {
            time: self.now,
            client,
            text,
        })
    }

    fn client_of(&self, conn: ConnId) -> Option<ClientIndex> {
        self.clients.iter().position(|sim| sim.conn == Some(conn))
    }

    fn close_from_client(&mut self, client: ClientIndex) {
        let now = self.now;
        let sim = &mut self.clients[client];
        if let Some(conn) = sim.conn.take() {
            self.next_packet += 1;
            sim.to_broker.send_close(now, self.next_packet, conn);
        }
    }

    /// Sends bytes from a client that its session did not write, as they are (a forged re-send,
    /// a wrong acknowledgement, a malformed packet), to see what the broker makes of them. They
    /// travel as one piece, apart from the session's stream, and the trace shows them decoded
    /// or why they do not decode.
    pub fn inject(&mut self, client: ClientIndex, bytes: &[u8]) {
        let Some(conn) = self.clients[client].conn else {
            return;
        };
        let mut decoder = FrameDecoder::new(self.clients[client].session.version());
        decoder.push(bytes);
        let packet = match decoder.next_frame() {
            Ok(Some(frame)) => Ok(frame.packet),
            Ok(None) => Err("an incomplete packet".to_owned()),
            Err(error) => Err(error.error.to_string()),
        };
        let raw = bytes::Bytes::copy_from_slice(bytes);
        self.put_on_link(client, conn, Direction::Outgoing, packet, raw, None);
        self.pump();
    }

    /// Splits written bytes into packets, records each and puts it on the link.
    fn carry(&mut self, client: ClientIndex, direction: Direction, bytes: &[u8]) {
        let Some(conn) = self.clients[client].conn else {
            return;
        };
        let frames = {
            let sim = &mut self.clients[client];
            let decoder = match direction {
                Direction::Outgoing => &mut sim.up_frames,
                Direction::Incoming => &mut sim.down_frames,
            };
            decoder.push(bytes);
            let mut frames = Vec::new();
            loop {
                match decoder.next_frame() {
                    Ok(Some(frame)) => frames.push((Ok(frame.packet), frame.raw)),
                    Ok(None) => break,
                    Err(error) => {
                        // A refusal in the other version's shape is drawn as that CONNACK.
                        let version = sim.session.version();
                        let packet = match other_versions_refusal(&error.raw, version) {
                            Some(connack) if direction == Direction::Incoming => {
                                Ok(Packet::ConnAck(connack))
                            }
                            _ => Err(error.error.to_string()),
                        };
                        frames.push((packet, error.raw));
                        break;
                    }
                }
            }
            frames
        };
        for (packet, raw) in frames {
            let flow = match direction {
                Direction::Outgoing => self.clients[client]
                    .written
                    .pop_front()
                    .and_then(|record| record.flow),
                Direction::Incoming => None,
            };
            self.put_on_link(client, conn, direction, packet, raw, flow);
        }
    }

    /// Puts one packet on a client's link in `direction` and records it (and a copy the link
    /// made).
    fn put_on_link(
        &mut self,
        client: ClientIndex,
        conn: ConnId,
        direction: Direction,
        packet: Result<Packet, String>,
        raw: bytes::Bytes,
        flow: Option<FlowId>,
    ) {
        let now = self.now;
        let kind = packet
            .as_ref()
            .map_or(PacketType::Publish, |packet| packet.packet_type());
        self.next_packet += 1;
        let id = self.next_packet;
        let mut copy_id = None;
        let carried = Carried {
            id,
            conn,
            item: Item::Packet(raw.clone()),
        };
        let next_packet = &mut self.next_packet;
        let link = match direction {
            Direction::Outgoing => &mut self.clients[client].to_broker,
            Direction::Incoming => &mut self.clients[client].to_client,
        };
        let outcome = link.send(now, carried, kind, || {
            *next_packet += 1;
            copy_id = Some(*next_packet);
            *next_packet
        });
        let fate = match outcome {
            SendOutcome::Dropped => PacketFate::Dropped,
            SendOutcome::Held => PacketFate::Held,
            SendOutcome::InTransit(_) | SendOutcome::Duplicated(..) => PacketFate::InTransit,
        };
        let session = &self.clients[client].session;
        let record = |id| PacketRecord {
            id,
            time: now,
            arrival: None,
            client: session.tag(),
            connection: session.connection(),
            direction,
            packet: packet.clone(),
            raw: raw.clone(),
            fate,
            flow,
        };
        let records: Vec<PacketRecord> = std::iter::once(id).chain(copy_id).map(record).collect();
        // A QoS 0 PUBLISH lost on its way to the broker is gone: nothing sends it again.
        let qos0 =
            matches!(&packet, Ok(Packet::Publish(publish)) if publish.qos() == QoS::AtMostOnce);
        if let (Direction::Outgoing, PacketFate::Dropped, true, Some(flow)) =
            (direction, fate, qos0, flow)
        {
            self.trace.push(TraceEvent::Flow(FlowEvent::Finished {
                flow,
                time: now,
                state: FlowState::Lost,
            }));
        }
        self.trace
            .extend(records.into_iter().map(TraceEvent::Packet));
    }
}
