//! Client-side faults on the WebSocket driver, for the broker check (and lessons against a real
//! broker): the driver passes what it sends and receives through [`WireFaults`], records the
//! packets those lose, and can send packets the session did not write.

use std::cell::{Cell, RefCell};

use super::{ClientEvent, Reconnect, WsClient};
use crate::codec::{FrameDecoder, Packet};
use crate::session::Session;
use crate::trace::{Direction, PacketFate, PacketRecord, TraceEvent};
use crate::wire_faults::WireFaults;

/// Trace ids of packets the driver itself records (injected, or lost on the way in) start here,
/// clear of the session's own.
const DRIVER_PACKET_IDS: u64 = 1 << 39;

/// A client's faults, when it was made with them, and the ids of the packets it recorded.
#[derive(Default)]
pub(super) struct DriverFaults {
    faults: RefCell<Option<WireFaults>>,
    recorded: Cell<u64>,
}

impl DriverFaults {
    pub(super) fn is_set(&self) -> bool {
        self.faults.borrow().is_some()
    }
}

impl WsClient {
    /// Like [`WsClient::connect`] with no reconnecting, and with client-side faults that can be
    /// set through [`WsClient::faults`]: the broker check's driver.
    pub fn connect_with_faults(
        url: &str,
        session: Session,
        faults: WireFaults,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        let none = Reconnect {
            initial_ms: 0,
            max_ms: 0,
        };
        let client = WsClient::connect_with_store(url, session, none, None, listener)?;
        // The socket opens in a later task, so the faults are in place before any byte moves.
        *client.inner.faults.faults.borrow_mut() = Some(faults);
        Ok(client)
    }

    /// Changes the client-side faults (only for a client made with
    /// [`WsClient::connect_with_faults`]).
    pub fn faults<T>(&self, change: impl FnOnce(&mut WireFaults) -> T) -> Option<T> {
        self.inner.faults.faults.borrow_mut().as_mut().map(change)
    }

    /// Sends a packet the session did not write (a forged re-send, a wrong acknowledgement) and
    /// records it in the trace.
    pub fn inject(&self, packet: &Packet) {
        let version = self.inner.session.borrow().version();
        let mut bytes = Vec::new();
        if packet.encode(version, &mut bytes).is_err() {
            return;
        }
        self.send_bytes(&bytes);
        let record = self.record(
            Direction::Outgoing,
            Ok(packet.clone()),
            bytes,
            PacketFate::Delivered,
        );
        self.emit(ClientEvent::Trace(vec![TraceEvent::Packet(record)]));
    }

    fn record(
        &self,
        direction: Direction,
        packet: Result<Packet, String>,
        raw: Vec<u8>,
        fate: PacketFate,
    ) -> PacketRecord {
        let id = DRIVER_PACKET_IDS + self.inner.faults.recorded.get() + 1;
        self.inner.faults.recorded.set(id - DRIVER_PACKET_IDS);
        let session = self.inner.session.borrow();
        PacketRecord {
            id,
            time: self.now(),
            arrival: None,
            client: session.tag(),
            connection: session.connection(),
            direction,
            packet,
            raw: raw.into(),
            fate,
            flow: None,
        }
    }

    pub(super) fn receive_through_faults(&self, bytes: &[u8]) {
        let Some(incoming) = self.faults(|faults| faults.incoming(bytes)) else {
            return;
        };
        let now = self.now();
        self.inner
            .session
            .borrow_mut()
            .handle_bytes(now, &incoming.delivered);
        if incoming.dropped.is_empty() {
            return;
        }
        let version = self.inner.session.borrow().version();
        let records = incoming
            .dropped
            .into_iter()
            .map(|raw| {
                let mut decoder = FrameDecoder::new(version);
                decoder.push(&raw);
                let packet = match decoder.next_frame() {
                    Ok(Some(frame)) => Ok(frame.packet),
                    Ok(None) => Err("incomplete".to_owned()),
                    Err(error) => Err(error.error.to_string()),
                };
                TraceEvent::Packet(self.record(
                    Direction::Incoming,
                    packet,
                    raw,
                    PacketFate::Dropped,
                ))
            })
            .collect();
        self.emit(ClientEvent::Trace(records));
    }

    pub(super) fn transmit_through_faults(&self, bytes: &[u8], trace: &mut [TraceEvent]) {
        let Some(outgoing) = self.faults(|faults| faults.outgoing(bytes)) else {
            return;
        };
        for message in &outgoing.messages {
            self.send_bytes(message);
        }
        let written = trace.iter_mut().filter_map(|event| match event {
            TraceEvent::Packet(record) if record.direction == Direction::Outgoing => Some(record),
            _ => None,
        });
        for (index, record) in written.enumerate() {
            if outgoing.dropped.contains(&index) {
                record.fate = PacketFate::Dropped;
            }
        }
    }
}
