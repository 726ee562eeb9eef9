//! The client driver's decisions, apart from any transport: one [`Session`] over one connection
//! at a time, reconnecting with back-off, saving the session state before anything that depends
//! on it leaves, gathering writes into few transport messages, and client-side faults for the
//! broker check.
//!
//! Fed what happened (opened, bytes, closed, timer fired, state saved, flush due) and the
//! application's commands, it answers with [`Effect`]s for a thin transport driver to carry out
//! in order: the browser's WebSocket in `web::ws_client`. Time is passed in and randomness comes
//! from a seed, so every decision here is tested natively.

mod close;
mod effect;
mod flush;
mod outbox;
mod packet_log;
mod reconnect;
#[cfg(test)]
mod tests;
mod wire;

use std::collections::VecDeque;

pub use close::{describe_close, CHECK_LISTENER};
pub use effect::{ClientEvent, Effect};
pub use flush::{FlushAt, FlushDecision, FlushPolicy};
use outbox::{Chunk, Outbox};
pub use reconnect::Reconnect;
use wire::Wire;

#[cfg(feature = "trace")]
use crate::codec::{FrameDecoder, Packet};
use crate::session::{Event, Session};
#[cfg(feature = "trace")]
use crate::trace::{Direction, PacketFate, PacketRecord, TraceEvent};
#[cfg(feature = "trace")]
use crate::wire_faults::WireFaults;

/// The subprotocol an MQTT WebSocket must agree on [MQTT-6.0.0-3], [MQTT-6.0.0-4].
pub const SUBPROTOCOL: &str = "mqtt";

/// The connection, as far as the driver knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Opening,
    Open,
    Closed,
}

/// One session's driver. See the module documentation.
#[derive(Debug)]
pub struct Driver {
    session: Session,
    reconnect: Reconnect,
    random: fastrand::Rng,
    /// Reconnection attempts since the last CONNACK.
    attempts: u32,
    /// The application ended the client: nothing reconnects or re-arms.
    ended: bool,
    link: Link,
    /// Whether the current connection got its CONNACK (for what a close means).
    reached_mqtt: bool,
    /// When the next reconnection attempt is due.
    reconnect_at: Option<u64>,
    /// State writes not yet complete, when the state is kept (`None`: it is not).
    saves: Option<u32>,
    flush: FlushPolicy,
    outbox: Outbox,
    wire: Wire,
    /// The deadline the timer is set for.
    armed: Option<u64>,
    effects: VecDeque<Effect>,
}

impl Driver {
    /// A driver for `session` that opens its first connection at once (the first effect).
    /// `seed` drives the reconnection jitter.
    pub fn new(session: Session, reconnect: Reconnect, seed: u64) -> Driver {
        let mut driver = Driver {
            session,
            reconnect,
            random: fastrand::Rng::with_seed(seed),
            attempts: 0,
            ended: false,
            link: Link::Closed,
            reached_mqtt: false,
            reconnect_at: None,
            saves: None,
            flush: FlushPolicy::default(),
            outbox: Outbox::default(),
            wire: Wire::default(),
            armed: None,
            effects: VecDeque::new(),
        };
        driver.open();
        driver
    }

    /// Keeps the session state across page loads: each flush saves the state first
    /// ([`Effect::Save`]) and its bytes leave once the save is complete
    /// ([`Driver::handle_saved`]), so a reload never finds a message on the wire that is not
    /// saved.
    ///
    /// The whole state is saved each time rather than what changed: it holds only what is
    /// unfinished (messages in flight and queued, ids held), it is written once per flush rather
    /// than once per packet, and one write of it is one store transaction where a log of changes
    /// would need several and a compaction.
    pub fn persisting(mut self) -> Driver {
        self.saves = Some(0);
        self
    }

    /// Passes what is sent and received through `faults` (the broker check's driver).
    #[cfg(feature = "trace")]
    pub fn with_faults(mut self, faults: WireFaults) -> Driver {
        self.wire = Wire::with_faults(faults);
        self
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The client-side faults, when the driver was made with them.
    #[cfg(feature = "trace")]
    pub fn faults_mut(&mut self) -> Option<&mut WireFaults> {
        self.wire.faults_mut()
    }

    /// The next thing to carry out.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    // ---- the application's commands ------------------------------------------------------

    /// Runs a command on the session. What it writes leaves at the next flush, which this
    /// schedules if none is: every command of one JavaScript task, and on a busy connection of
    /// the tasks queued behind it, shares one transport message.
    pub fn command<T>(&mut self, now: u64, command: impl FnOnce(&mut Session, u64) -> T) -> T {
        let result = command(&mut self.session, now);
        self.request_flush(now);
        result
    }

    /// Stops reconnecting and closes the connection, after sending what the session wrote (a
    /// DISCONNECT, say).
    pub fn end(&mut self, now: u64) {
        self.ended = true;
        self.drain(now);
        self.send_everything();
        self.emit_ready_trace();
        self.reconnect_at = None;
        self.armed = None;
        self.effects.push_back(Effect::CancelTimer);
        self.close();
    }

    /// Closes the connection without DISCONNECT, as a dropped network would (the broker sees an
    /// abnormal close and publishes the will). The session keeps its state.
    pub fn cut(&mut self, now: u64) {
        self.close();
        self.lose(now, "connection cut by the client");
    }

    /// Opens a new connection now, resuming the session.
    pub fn reopen(&mut self) {
        self.reconnect_at = None;
        self.open();
    }

    /// Sends bytes the session did not write (a forged re-send, a wrong acknowledgement, a
    /// malformed packet) as one transport message, after what the session wrote before them,
    /// and records them in the trace as they decode. They pass none of the wire's faults: they
    /// are the fault.
    #[cfg(feature = "trace")]
    pub fn inject(&mut self, now: u64, bytes: &[u8]) {
        let bytes = bytes.to_vec();
        self.drain(now);
        let pending = self.outbox.take_pending();
        self.transmit(pending);
        let fate = if self.link == Link::Open {
            self.effects.push_back(Effect::Send(bytes.clone()));
            PacketFate::Delivered
        } else {
            PacketFate::Dropped
        };
        let packet = self.decode(&bytes);
        let record = self.record(now, Direction::Outgoing, packet, bytes, fate);
        self.outbox.record(TraceEvent::Packet(record));
        self.emit_ready_trace();
    }

    // ---- what happened ---------------------------------------------------------------------

    /// The transport could not even start a connection (`error` says why).
    pub fn handle_open_failed(&mut self, now: u64, error: String) {
        self.link = Link::Closed;
        self.emit(ClientEvent::Error(error));
        self.retry_later(now);
    }

    /// The connection opened, with the server's choice of `subprotocol`.
    pub fn handle_opened(&mut self, now: u64, subprotocol: &str) {
        self.wire.opened(subprotocol);
        if subprotocol != SUBPROTOCOL {
            let chose = if subprotocol.is_empty() {
                "none".to_owned()
            } else {
                format!("\"{subprotocol}\"")
            };
            self.emit(ClientEvent::Error(format!(
                "the server did not accept the WebSocket subprotocol \"{SUBPROTOCOL}\" (it chose {chose}) [MQTT-6.0.0-4]"
            )));
            self.close();
            self.lose(now, "subprotocol not accepted");
            return;
        }
        self.link = Link::Open;
        self.session.handle_transport_open(now);
        self.drain(now);
    }

    /// One binary message from the server.
    pub fn handle_bytes(&mut self, now: u64, bytes: &[u8]) {
        let incoming = self.wire.incoming(bytes);
        let received = self.session.received();
        self.session.handle_bytes(now, &incoming.delivered);
        // Before draining, so that what the packets made the session write finds the connection
        // busy.
        let arrived = self.session.received() - received;
        if let Some(at) = self.flush.on_receive(now, arrived) {
            self.effects.push_back(Effect::ScheduleFlush(at));
        }
        #[cfg(feature = "trace")]
        for raw in incoming.dropped {
            let packet = self.decode(&raw);
            let record = self.record(now, Direction::Incoming, packet, raw, PacketFate::Dropped);
            self.outbox.record(TraceEvent::Packet(record));
        }
        self.drain(now);
    }

    /// A text message from the server, which MQTT never sends [MQTT-6.0.0-1].
    pub fn handle_text_frame(&mut self, now: u64) {
        self.wire.text_frame();
        self.emit(ClientEvent::Error(
            "the broker sent a text frame; MQTT travels only in binary frames [MQTT-6.0.0-1]"
                .into(),
        ));
        self.close();
        self.lose(now, "text frame from the broker");
    }

    /// The connection closed with WebSocket close `code` and `reason`.
    pub fn handle_closed(&mut self, now: u64, code: u16, reason: &str) {
        // Before the connection got to MQTT only the driver can say what went wrong; once
        // CONNECT is out, the session reports the close itself (naming the version to try).
        let before_mqtt = !self.reached_mqtt && !self.session.is_awaiting_connack();
        let description = describe_close(code, reason, before_mqtt);
        self.close();
        if before_mqtt {
            self.emit(ClientEvent::Error(description.clone()));
        }
        self.lose(now, &description);
    }

    /// The timer fired: reconnect if that is due, and let the session act on its deadlines. A
    /// firing before any deadline is harmless.
    pub fn handle_timer(&mut self, now: u64) {
        self.armed = None;
        if self.ended {
            return;
        }
        if self.reconnect_at.is_some_and(|due| due <= now) {
            self.reconnect_at = None;
            self.open();
        }
        if let Some(at) = self.flush.on_timer(now) {
            self.effects.push_back(Effect::ScheduleFlush(at));
        }
        self.session.handle_timeout(now);
        self.drain(now);
    }

    /// A state write is complete (`error` says why it failed): once none is pending, what
    /// waited for them leaves.
    pub fn handle_saved(&mut self, error: Option<String>) {
        if let Some(error) = error {
            self.emit(ClientEvent::Error(format!(
                "could not save the session: {error}"
            )));
        }
        let Some(saves) = &mut self.saves else { return };
        *saves = saves.saturating_sub(1);
        if *saves == 0 {
            let held = self.outbox.take_held();
            self.transmit(held);
            self.emit_ready_trace();
        }
    }

    /// The scheduled flush is due; the transport holds `buffered` bytes it has not yet sent.
    pub fn handle_flush_due(&mut self, now: u64, buffered: u64) {
        self.drain(now);
        match self.flush.on_due(now, self.outbox.pending_len(), buffered) {
            FlushDecision::Wait(at) => self.effects.push_back(Effect::ScheduleFlush(at)),
            FlushDecision::Hold => self.arm(now),
            FlushDecision::Send => {
                let pending = self.outbox.take_pending();
                match &mut self.saves {
                    Some(saves) if !pending.bytes.is_empty() => {
                        *saves += 1;
                        self.outbox.hold(pending);
                        let state = self.session.state().to_bytes();
                        self.effects.push_back(Effect::Save(state));
                    }
                    _ => self.transmit(pending),
                }
                self.emit_ready_trace();
            }
        }
    }

    // ---- inside ----------------------------------------------------------------------------

    fn open(&mut self) {
        self.link = Link::Opening;
        self.reached_mqtt = false;
        self.effects.push_back(Effect::Open);
    }

    fn close(&mut self) {
        if self.link != Link::Closed {
            self.link = Link::Closed;
            self.effects.push_back(Effect::Close);
        }
    }

    fn emit(&mut self, event: ClientEvent) {
        self.effects.push_back(Effect::Emit(event));
    }

    fn request_flush(&mut self, now: u64) {
        if let Some(at) = self.flush.on_write(now, self.outbox.pending_len()) {
            self.effects.push_back(Effect::ScheduleFlush(at));
        }
    }

    /// The connection is gone: what was not sent is lost (the saved state and the session have
    /// what it carried, and the session re-sends it after reconnecting); tell the session, then
    /// try again later unless ended.
    fn lose(&mut self, now: u64, reason: &str) {
        self.link = Link::Closed;
        // What the session wrote since the last flush is lost with the rest.
        self.gather(now);
        self.outbox.discard();
        if let Some(at) = self.flush.on_lost() {
            self.effects.push_back(Effect::ScheduleFlush(at));
        }
        self.session.handle_transport_closed(reason);
        self.drain(now);
        self.retry_later(now);
    }

    fn retry_later(&mut self, now: u64) {
        if self.ended || !self.reconnect.is_on() {
            return;
        }
        let attempt = self.attempts;
        self.attempts += 1;
        let delay_ms = self.reconnect.delay_ms(attempt, self.random.f64());
        self.emit(ClientEvent::Reconnecting {
            attempt: attempt + 1,
            delay_ms,
        });
        self.reconnect_at = Some(now + u64::from(delay_ms));
        self.arm(now);
    }

    /// Takes what the session produced: its bytes into the outbox (scheduling a flush), its
    /// trace and events to the application; closes when it asks, and arms the timer.
    fn drain(&mut self, now: u64) {
        let close = self.gather(now);
        if close {
            // A close request ends the connection now: what waits goes first.
            self.send_everything();
            self.close();
        }
        self.emit_ready_trace();
        let mut messages = Vec::new();
        while let Some(event) = self.session.poll_event() {
            match event {
                Event::Message(message) => messages.push(message),
                event => {
                    if !messages.is_empty() {
                        self.emit(ClientEvent::Messages(std::mem::take(&mut messages)));
                    }
                    if matches!(event, Event::Connected { .. }) {
                        self.reached_mqtt = true;
                        self.attempts = 0;
                    }
                    self.emit(ClientEvent::Session(event));
                }
            }
        }
        if !messages.is_empty() {
            self.emit(ClientEvent::Messages(messages));
        }
        if close && !self.ended {
            // The session ended the connection (timeout, protocol error): reconnect as after a drop.
            self.lose(now, "closed by the client after an error");
            return;
        }
        self.arm(now);
    }

    /// Moves what the session wrote and recorded into the outbox, scheduling a flush for its
    /// bytes; true when the session asks to close the connection.
    fn gather(&mut self, now: u64) -> bool {
        let bytes = self.session.poll_transmit();
        // Always empty without the `trace` feature: skip it so that none of it is compiled in.
        let trace = if cfg!(feature = "trace") {
            self.session.poll_trace()
        } else {
            Vec::new()
        };
        if bytes.is_some() || !trace.is_empty() {
            self.outbox
                .write(bytes.as_deref().unwrap_or_default(), trace);
        }
        if bytes.is_some() {
            self.request_flush(now);
        }
        self.session.poll_close()
    }

    /// Sends what waits for a save and for a flush, now.
    fn send_everything(&mut self) {
        let held = self.outbox.take_held();
        self.transmit(held);
        let pending = self.outbox.take_pending();
        self.transmit(pending);
    }

    /// Sends `chunk` through the wire, or records it lost when there is no connection to send
    /// it on.
    fn transmit(&mut self, chunk: Chunk) {
        if chunk.bytes.is_empty() {
            return;
        }
        if self.link != Link::Open {
            let all: Vec<usize> = (0..chunk.packets).collect();
            self.outbox.settle(chunk.packets, &all);
            return;
        }
        let outgoing = self.wire.outgoing(chunk.bytes);
        self.effects
            .extend(outgoing.messages.into_iter().map(Effect::Send));
        self.outbox.settle(chunk.packets, &outgoing.dropped);
        // Only what left can be answered: not bytes lost with the connection, nor bytes still
        // waiting for a save.
        self.flush.on_sent(self.session.in_flight() as u64);
    }

    fn emit_ready_trace(&mut self) {
        let ready = self.outbox.ready_trace();
        if !ready.is_empty() {
            self.emit(ClientEvent::Trace(ready));
        }
    }

    /// Sets the timer for the earliest of the session's next deadline, the reconnection and a
    /// held flush's deadline.
    fn arm(&mut self, now: u64) {
        // An ended client has nothing left to time.
        if self.ended {
            return;
        }
        let deadline = [
            self.session.poll_timeout(),
            self.reconnect_at,
            self.flush.deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        // Setting a timer costs a message to a worker, and drains come with every input: re-arm
        // only when the deadline moves earlier. A firing before the deadline is harmless (the
        // session reports the next one, and the timer is re-armed).
        match deadline {
            Some(deadline) if self.armed.is_none_or(|armed| deadline < armed) => {
                self.armed = Some(deadline);
                let after = deadline.saturating_sub(now).min(u64::from(u32::MAX)) as u32;
                self.effects.push_back(Effect::SetTimer(after));
            }
            Some(_) => {}
            None => {
                if self.armed.take().is_some() {
                    self.effects.push_back(Effect::CancelTimer);
                }
            }
        }
    }

    #[cfg(feature = "trace")]
    fn decode(&self, raw: &[u8]) -> Result<Packet, String> {
        let mut decoder = FrameDecoder::new(self.session.version());
        decoder.push(raw);
        match decoder.next_frame() {
            Ok(Some(frame)) => Ok(frame.packet),
            Ok(None) => Err("incomplete".to_owned()),
            Err(error) => Err(error.error.to_string()),
        }
    }

    #[cfg(feature = "trace")]
    fn record(
        &mut self,
        now: u64,
        direction: Direction,
        packet: Result<Packet, String>,
        raw: Vec<u8>,
        fate: PacketFate,
    ) -> PacketRecord {
        PacketRecord {
            id: self.wire.next_record_id(),
            time: now,
            arrival: None,
            client: self.session.tag(),
            connection: self.session.connection(),
            direction,
            packet,
            raw: raw.into(),
            fate,
            flow: None,
        }
    }
}
