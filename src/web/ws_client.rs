//! The browser driver: one [`Session`] over the browser's WebSocket (subprotocol `mqtt`, binary
//! frames as ArrayBuffer), with one timer for the session's next deadline and for reconnection
//! with exponential back-off and jitter. Every drain of the session's output goes out as one
//! WebSocket message.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, Event as DomEvent, MessageEvent, WebSocket};

use super::clock::performance_now;
use super::close_reason::describe_close;
use super::state_store::StateStore;
use super::worker_timer::{TimerKind, WorkerTimer};
use crate::broker_url::BrokerUrl;
use crate::session::{Event, Session};
use crate::trace::TraceEvent;

// Client-side faults: the broker check's and the lessons' driver, which judge by the trace.
#[cfg(feature = "trace")]
mod faults;

#[wasm_bindgen]
extern "C" {
    /// Runs `callback` once the current task's work is done, before anything else happens.
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

/// When and how often to reconnect after a connection is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reconnect {
    /// The first wait in ms (MQTT.js `reconnectPeriod`); 0 turns reconnecting off.
    pub initial_ms: u32,
    /// The longest wait in ms.
    pub max_ms: u32,
}

impl Reconnect {
    /// The wait before attempt `attempt` (0 for the first): doubling, capped, then jittered
    /// into [half, whole] so that many clients do not reconnect in step.
    pub fn delay_ms(&self, attempt: u32, random: f64) -> u32 {
        let doubled = u64::from(self.initial_ms) << attempt.min(16);
        let capped = doubled.min(u64::from(self.max_ms)) as f64;
        (capped * (0.5 + random.clamp(0.0, 1.0) * 0.5)) as u32
    }
}

/// What the driver reports.
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// Something the session reported (messages come as [`ClientEvent::Messages`]).
    Session(Event),
    /// Messages for the application, in order, in one batch per drain: handing them to
    /// JavaScript together costs one call instead of one per message.
    Messages(Vec<crate::session::Message>),
    /// Trace events (packets in and out, flows), in batches.
    Trace(Vec<TraceEvent>),
    /// A connection attempt is about to start after a wait.
    Reconnecting {
        /// Which attempt (1 for the first reconnect).
        attempt: u32,
        /// The wait before it, in ms.
        delay_ms: u32,
    },
    /// A transport-level problem, in words a person can act on.
    Error(String),
}

struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(DomEvent)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.close();
    }
}

impl Socket {
    /// Detaches the handlers and closes. The handlers' closures stay alive (the socket is
    /// retired, not dropped) because this may run inside one of them.
    fn close(&self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

struct Inner {
    url: BrokerUrl,
    session: RefCell<Session>,
    socket: RefCell<Option<Socket>>,
    /// Closed sockets whose handlers may still be running: dropped at the next `open`.
    retired: RefCell<Vec<Socket>>,
    /// The one timer, for the earlier of the session's next deadline and the next reconnection
    /// attempt; kept by a worker so that keep-alive holds in background tabs.
    timer: RefCell<Option<WorkerTimer>>,
    /// When the next reconnection attempt is due (on the client's clock).
    reconnect_at: Cell<Option<u64>>,
    reconnect: Reconnect,
    attempts: Cell<u32>,
    /// The application ended the client: no more reconnecting.
    ended: Cell<bool>,
    /// Whether the current connection got its CONNACK (for the close message).
    connected_once: Cell<bool>,
    listener: Box<dyn Fn(ClientEvent)>,
    epoch: f64,
    /// Where the session state is kept across page loads.
    store: Option<StateStore>,
    /// Bytes waiting for the state they depend on to be written.
    gated: RefCell<Vec<u8>>,
    /// State writes not yet complete.
    writes: Cell<u32>,
    /// A drain is queued as a microtask (commands of one task share it).
    drain_scheduled: Cell<bool>,
    /// The deadline the timer is set for.
    armed: Cell<Option<u64>>,
    /// Client-side faults (broker checks and lessons against a real broker), when asked for.
    #[cfg(feature = "trace")]
    faults: faults::DriverFaults,
}

/// A session connected to a broker over a browser WebSocket. Cloning gives another handle.
#[derive(Clone)]
pub struct WsClient {
    inner: Rc<Inner>,
}

impl WsClient {
    /// Checks `url` and starts connecting; `listener` hears everything that happens.
    pub fn connect(
        url: &str,
        session: Session,
        reconnect: Reconnect,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        WsClient::connect_with_store(url, session, reconnect, None, listener)
    }

    /// Like [`WsClient::connect`], keeping the session state in `store`: each time the session
    /// has something to send, its state is written first and the bytes go out when the write is
    /// complete, so a reload never finds a message on the wire that is not saved.
    pub fn connect_with_store(
        url: &str,
        session: Session,
        reconnect: Reconnect,
        store: Option<StateStore>,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        let url = BrokerUrl::parse(url).map_err(|error| error.to_string())?;
        let client = WsClient {
            inner: Rc::new(Inner {
                url,
                session: RefCell::new(session),
                socket: RefCell::new(None),
                retired: RefCell::new(Vec::new()),
                timer: RefCell::new(None),
                reconnect_at: Cell::new(None),
                reconnect,
                attempts: Cell::new(0),
                ended: Cell::new(false),
                connected_once: Cell::new(false),
                listener: Box::new(listener),
                epoch: performance_now(),
                store,
                gated: RefCell::new(Vec::new()),
                writes: Cell::new(0),
                drain_scheduled: Cell::new(false),
                armed: Cell::new(None),
                #[cfg(feature = "trace")]
                faults: faults::DriverFaults::default(),
            }),
        };
        client.open()?;
        Ok(client)
    }

    /// Milliseconds since the client was made: the session's clock.
    pub fn now(&self) -> u64 {
        (performance_now() - self.inner.epoch).max(0.0) as u64
    }

    /// Runs a command on the session, then sends what it produced.
    ///
    /// The output is sent from a microtask, so every command given in one JavaScript task
    /// (a loop of publishes, say) leaves in one WebSocket message: the browser's cost per
    /// message, not per packet, is what limits throughput.
    pub fn with_session<T>(&self, command: impl FnOnce(&mut Session, u64) -> T) -> T {
        let now = self.now();
        let result = command(&mut self.inner.session.borrow_mut(), now);
        if !self.inner.drain_scheduled.replace(true) {
            // The task holds the client, so it runs even if the client is let go of meanwhile.
            let client = self.clone();
            queue_microtask(&Closure::once_into_js(move || {
                client.inner.drain_scheduled.set(false);
                client.drain();
            }));
        }
        result
    }

    /// Reads the session.
    pub fn read<T>(&self, read: impl FnOnce(&Session) -> T) -> T {
        read(&self.inner.session.borrow())
    }

    /// Stops reconnecting and closes the socket (after a DISCONNECT the session sent, if any).
    pub fn end(&self) {
        self.inner.ended.set(true);
        self.drain();
        if let Some(timer) = self.inner.timer.borrow().as_ref() {
            timer.cancel();
        }
        self.inner.armed.set(None);
        self.inner.reconnect_at.set(None);
        self.retire_socket();
    }

    /// Closes the connection without DISCONNECT, as a dropped network would (the broker sees
    /// an abnormal close and publishes the will). The session keeps its state.
    pub fn cut(&self) {
        self.retire_socket();
        self.lost("connection cut by the client");
    }

    /// Opens a new connection now (after [`WsClient::cut`] or a loss), resuming the session.
    pub fn reopen(&self) -> Result<(), String> {
        self.inner.reconnect_at.set(None);
        self.open()
    }

    /// Bytes from the server, to the session (through the client-side faults if set).
    fn receive(&self, bytes: &[u8]) {
        #[cfg(feature = "trace")]
        if self.inner.faults.is_set() {
            self.receive_through_faults(bytes);
            return;
        }
        let now = self.now();
        self.inner.session.borrow_mut().handle_bytes(now, bytes);
    }

    /// What the session wrote, to the socket (through the client-side faults if set, which mark
    /// the packets they lose in `trace`).
    #[cfg_attr(not(feature = "trace"), allow(unused_variables))]
    fn transmit(&self, bytes: &[u8], trace: &mut [TraceEvent]) {
        #[cfg(feature = "trace")]
        if self.inner.faults.is_set() {
            self.transmit_through_faults(bytes, trace);
            return;
        }
        self.send_bytes(bytes);
    }

    fn retire_socket(&self) {
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            socket.close();
            self.inner.retired.borrow_mut().push(socket);
        }
    }

    fn emit(&self, event: ClientEvent) {
        (self.inner.listener)(event);
    }

    fn open(&self) -> Result<(), String> {
        // Runs from `connect` or the reconnect timer, never inside a socket handler.
        self.inner.retired.borrow_mut().clear();
        let url = self.inner.url.as_str();
        let socket = WebSocket::new_with_str(url, "mqtt").map_err(|error| {
            format!(
                "the browser refused to open {url}: {}",
                super::error_text(&error)
            )
        })?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        self.inner.connected_once.set(false);

        let weak = Rc::downgrade(&self.inner);
        let on_open = Closure::<dyn FnMut(DomEvent)>::new(move |_| {
            let Some(inner) = weak.upgrade() else { return };
            let client = WsClient { inner };
            let protocol = client
                .inner
                .socket
                .borrow()
                .as_ref()
                .map(|s| s.socket.protocol())
                .unwrap_or_default();
            #[cfg(feature = "trace")]
            client.faults(|faults| {
                faults.subprotocol = Some(protocol.clone());
                faults.reset_connection();
            });
            if protocol != "mqtt" {
                let chose = if protocol.is_empty() {
                    "none".to_owned()
                } else {
                    format!("\"{protocol}\"")
                };
                client.emit(ClientEvent::Error(format!(
                    "the server did not accept the WebSocket subprotocol \"mqtt\" (it chose {chose}) [MQTT-6.0.0-4]"
                )));
                client.retire_socket();
                client.lost("subprotocol not accepted");
                return;
            }
            let now = client.now();
            client.inner.session.borrow_mut().handle_transport_open(now);
            client.drain();
        });

        let weak = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let client = WsClient { inner };
            let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() else {
                #[cfg(feature = "trace")]
                client.faults(|faults| faults.text_frames += 1);
                // [MQTT-6.0.0-1]: only binary frames carry MQTT.
                client.emit(ClientEvent::Error("the broker sent a text frame; MQTT travels only in binary frames [MQTT-6.0.0-1]".into()));
                client.retire_socket();
                client.lost("text frame from the broker");
                return;
            };
            let bytes = Uint8Array::new(&buffer).to_vec();
            client.receive(&bytes);
            client.drain();
        });

        let weak = Rc::downgrade(&self.inner);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let client = WsClient { inner };
            // Before the socket opened, only the driver can say what went wrong; once CONNECT
            // is out, the session reports the close itself (naming the version to try).
            let never_opened = !client.inner.connected_once.get()
                && !client.inner.session.borrow().is_awaiting_connack();
            let description = describe_close(&event, never_opened);
            client.retire_socket();
            if never_opened {
                client.emit(ClientEvent::Error(description.clone()));
            }
            client.lost(&description);
        });

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.inner.socket.borrow_mut() = Some(Socket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
        Ok(())
    }

    /// The transport is gone: tell the session, then try again later unless ended.
    fn lost(&self, reason: &str) {
        // Bytes for the old connection must not open the next one; the saved state has what
        // they carried, and the session re-sends it after reconnecting.
        self.inner.gated.borrow_mut().clear();
        self.inner
            .session
            .borrow_mut()
            .handle_transport_closed(reason);
        self.drain();
        if self.inner.ended.get() || self.inner.reconnect.initial_ms == 0 {
            return;
        }
        let attempt = self.inner.attempts.get();
        self.inner.attempts.set(attempt + 1);
        let delay_ms = self
            .inner
            .reconnect
            .delay_ms(attempt, js_sys::Math::random());
        self.emit(ClientEvent::Reconnecting {
            attempt: attempt + 1,
            delay_ms,
        });
        // A listener may have ended the client on hearing it.
        if self.inner.ended.get() {
            return;
        }
        self.inner
            .reconnect_at
            .set(Some(self.now() + u64::from(delay_ms)));
        self.arm(self.read(Session::poll_timeout));
    }

    /// The timer fired: reconnect if that is due, and let the session act on its deadlines.
    fn on_timer(&self) {
        self.inner.armed.set(None);
        if self.inner.ended.get() {
            return;
        }
        let now = self.now();
        if self.inner.reconnect_at.get().is_some_and(|due| due <= now) {
            self.inner.reconnect_at.set(None);
            if let Err(error) = self.open() {
                self.emit(ClientEvent::Error(error));
            }
        }
        self.inner.session.borrow_mut().handle_timeout(now);
        self.drain();
    }

    /// Sends what the session wrote (as one WebSocket message), reports its events and trace,
    /// closes when it asks, and arms the timer for its next deadline.
    fn drain(&self) {
        let (bytes, close, events, mut trace, deadline) = {
            let mut session = self.inner.session.borrow_mut();
            let bytes = session.poll_transmit();
            let close = session.poll_close();
            let mut events = Vec::new();
            while let Some(event) = session.poll_event() {
                events.push(event);
            }
            (
                bytes,
                close,
                events,
                // Always empty without the `trace` feature: skip it so that none of it is compiled in.
                if cfg!(feature = "trace") {
                    session.poll_trace()
                } else {
                    Vec::new()
                },
                session.poll_timeout(),
            )
        };
        match (&self.inner.store, bytes) {
            (Some(store), Some(bytes)) => {
                self.inner.gated.borrow_mut().extend_from_slice(&bytes);
                self.inner.writes.set(self.inner.writes.get() + 1);
                let state = self.inner.session.borrow().state().to_bytes();
                // A pending write holds the client, as the bytes it releases belong to it.
                let client = self.clone();
                let done =
                    Closure::once_into_js(move |error: JsValue| client.saved(error.as_string()));
                store.save(&state, done.unchecked_ref());
            }
            (None, Some(bytes)) => self.transmit(&bytes, &mut trace),
            (_, None) => {}
        }
        if close {
            // A close request ends the connection now: what waits for a write goes first.
            self.send_gated();
            self.retire_socket();
        }
        if !trace.is_empty() {
            self.emit(ClientEvent::Trace(trace));
        }
        let mut messages = Vec::new();
        for event in events {
            match event {
                Event::Message(message) => messages.push(message),
                event => {
                    if !messages.is_empty() {
                        self.emit(ClientEvent::Messages(std::mem::take(&mut messages)));
                    }
                    if matches!(event, Event::Connected { .. }) {
                        self.inner.connected_once.set(true);
                        self.inner.attempts.set(0);
                    }
                    self.emit(ClientEvent::Session(event));
                }
            }
        }
        if !messages.is_empty() {
            self.emit(ClientEvent::Messages(messages));
        }
        if close && !self.inner.ended.get() {
            // The session ended the connection (timeout, protocol error): reconnect as after a drop.
            self.lost("closed by the client after an error");
            return;
        }
        self.arm(deadline);
    }

    fn send_bytes(&self, bytes: &[u8]) {
        if let Some(socket) = self.inner.socket.borrow().as_ref() {
            if socket.socket.ready_state() == WebSocket::OPEN {
                let _ = socket.socket.send_with_u8_array(bytes);
            }
        }
    }

    /// A state write is complete (`error` says why it failed): once none is pending, what
    /// waited for them goes out.
    fn saved(&self, error: Option<String>) {
        if let Some(error) = error {
            self.emit(ClientEvent::Error(format!(
                "could not save the session: {error}"
            )));
        }
        self.inner
            .writes
            .set(self.inner.writes.get().saturating_sub(1));
        if self.inner.writes.get() == 0 {
            self.send_gated();
        }
    }

    fn send_gated(&self) {
        let bytes = std::mem::take(&mut *self.inner.gated.borrow_mut());
        if !bytes.is_empty() {
            self.send_bytes(&bytes);
        }
    }

    /// Which clock keeps the session's deadlines.
    pub fn timer_kind(&self) -> Option<TimerKind> {
        self.inner.timer.borrow().as_ref().map(WorkerTimer::kind)
    }

    /// Sets the timer for the earlier of the session's `deadline` and the reconnection.
    fn arm(&self, deadline: Option<u64>) {
        // An ended client has nothing left to time (a drain queued before the end still runs).
        if self.inner.ended.get() {
            return;
        }
        let mut timer = self.inner.timer.borrow_mut();
        let timer = timer.get_or_insert_with(|| {
            let weak = Rc::downgrade(&self.inner);
            WorkerTimer::new(move || {
                if let Some(inner) = weak.upgrade() {
                    WsClient { inner }.on_timer();
                }
            })
        });
        let deadline = match (deadline, self.inner.reconnect_at.get()) {
            (Some(session), Some(reconnect)) => Some(session.min(reconnect)),
            (session, reconnect) => session.or(reconnect),
        };
        // Posting to the worker costs a message per call, and drains come with every incoming
        // frame: re-arm only when the deadline moves earlier. A firing before the deadline is
        // harmless (the session just reports the next one, and the timer is re-armed).
        let armed = self.inner.armed.get();
        match deadline {
            Some(deadline) if armed.is_none_or(|armed| deadline < armed) => {
                self.inner.armed.set(Some(deadline));
                timer.set(deadline.saturating_sub(self.now()).min(u64::from(u32::MAX)) as u32);
            }
            Some(_) => {}
            None => {
                self.inner.armed.set(None);
                timer.cancel();
            }
        }
    }
}
