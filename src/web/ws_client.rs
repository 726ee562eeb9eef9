//! The browser driver: carries out a core [`Driver`]'s effects with the browser's WebSocket
//! (subprotocol `mqtt`, binary frames as ArrayBuffer), a worker timer, a microtask or a
//! `MessageChannel` message for each flush, and the page's state store. Every decision (when to
//! flush, reconnect, save, what a close means) is the driver's, tested natively; this file only
//! connects it to web-sys.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{
    BinaryType, CloseEvent, Event as DomEvent, MessageChannel, MessageEvent, MessagePort, WebSocket,
};

use super::clock::performance_now;
use super::state_store::StateStore;
use super::worker_timer::{TimerKind, WorkerTimer};
use crate::broker_url::BrokerUrl;
pub use crate::driver::{ClientEvent, Reconnect};
use crate::driver::{Driver, Effect, FlushAt, SUBPROTOCOL};
use crate::session::Session;
#[cfg(feature = "trace")]
use crate::wire_faults::WireFaults;

#[wasm_bindgen]
extern "C" {
    /// Runs `callback` once the current task's work is done, before anything else happens.
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

#[wasm_bindgen(module = "/js/binary_listener.js")]
extern "C" {
    /// A message listener that hands `handler` each message's bytes, whether it was text, and
    /// when it arrived, in one call.
    #[wasm_bindgen(js_name = binaryListener)]
    fn binary_listener(handler: &Closure<dyn FnMut(Vec<u8>, bool, f64)>) -> js_sys::Function;
}

/// What a message listener is handed: the bytes, whether the message was text, when it arrived.
type OnMessage = Closure<dyn FnMut(Vec<u8>, bool, f64)>;

struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(DomEvent)>,
    _on_message: OnMessage,
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

/// A channel that posts to itself: its message runs after the tasks already queued, with no
/// timer clamp.
struct FlushChannel {
    /// The end posted to, kept rather than asked of the channel at each post (a call out).
    sender: MessagePort,
    /// The end whose handler runs the flush.
    _receiver: MessagePort,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

struct Inner {
    url: BrokerUrl,
    driver: RefCell<Driver>,
    socket: RefCell<Option<Socket>>,
    /// Closed sockets whose handlers may still be running: dropped at the next open.
    retired: RefCell<Vec<Socket>>,
    /// The one timer, kept by a worker so that keep-alive holds in background tabs.
    timer: RefCell<Option<WorkerTimer>>,
    listener: Box<dyn Fn(ClientEvent)>,
    epoch: f64,
    /// The latest session time handed out: a message's arrival time can be a little before a
    /// clock read made while it waited, and the session's time never goes back.
    latest: Cell<u64>,
    /// Where the session state is kept across page loads.
    store: Option<StateStore>,
    /// While effects are being carried out, the time of the task that started the run: what a
    /// listener's command adds joins that run, so a listener is never called inside another,
    /// and the command is made at that time, without a clock read of its own.
    run_time: Cell<Option<u64>>,
    flush_channel: RefCell<Option<FlushChannel>>,
    /// Holds the client while a flush waits in the channel, as the bytes it sends belong to it.
    flush_hold: RefCell<Option<WsClient>>,
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
        WsClient::start(url, Driver::new(session, reconnect, seed()), None, listener)
    }

    /// Like [`WsClient::connect`], keeping the session state in `store`: each flush writes the
    /// state first and its bytes go out when the write is complete, so a reload never finds a
    /// message on the wire that is not saved.
    pub fn connect_with_store(
        url: &str,
        session: Session,
        reconnect: Reconnect,
        store: Option<StateStore>,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        let mut driver = Driver::new(session, reconnect, seed());
        if store.is_some() {
            driver = driver.persisting();
        }
        WsClient::start(url, driver, store, listener)
    }

    /// Like [`WsClient::connect`] with no reconnecting, and with client-side faults that can be
    /// changed through [`WsClient::faults`]: the broker check's driver.
    #[cfg(feature = "trace")]
    pub fn connect_with_faults(
        url: &str,
        session: Session,
        faults: WireFaults,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        let driver = Driver::new(session, Reconnect::NEVER, seed()).with_faults(faults);
        WsClient::start(url, driver, None, listener)
    }

    fn start(
        url: &str,
        mut driver: Driver,
        store: Option<StateStore>,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Result<WsClient, String> {
        let url = BrokerUrl::parse(url).map_err(|error| error.to_string())?;
        // The first effect opens the connection: a browser that refuses is an error to the caller.
        let first = driver.poll_effect();
        debug_assert!(matches!(first, Some(Effect::Open)));
        let client = WsClient {
            inner: Rc::new(Inner {
                url,
                driver: RefCell::new(driver),
                socket: RefCell::new(None),
                retired: RefCell::new(Vec::new()),
                timer: RefCell::new(None),
                listener: Box::new(listener),
                epoch: performance_now(),
                latest: Cell::new(0),
                store,
                run_time: Cell::new(None),
                flush_channel: RefCell::new(None),
                flush_hold: RefCell::new(None),
            }),
        };
        client.open()?;
        client.run(client.now());
        Ok(client)
    }

    /// Milliseconds since the client was made: the session's clock. During a run, the time of
    /// the task that started it: a listener's command is made at the time of the event it
    /// answers, which saves a call out of the module per command (a publish made from a message
    /// listener, in the typical application).
    pub fn now(&self) -> u64 {
        match self.inner.run_time.get() {
            Some(time) => time,
            None => self.at(performance_now()),
        }
    }

    /// The session time of `instant`, a time on `performance.now()`'s clock, never earlier
    /// than one handed out before.
    fn at(&self, instant: f64) -> u64 {
        let time = ((instant - self.inner.epoch).max(0.0) as u64).max(self.inner.latest.get());
        self.inner.latest.set(time);
        time
    }

    /// Runs a command on the session; what it writes leaves at the driver's next flush.
    pub fn with_session<T>(&self, command: impl FnOnce(&mut Session, u64) -> T) -> T {
        let now = self.now();
        let result = self.inner.driver.borrow_mut().command(now, command);
        self.run(now);
        result
    }

    /// Reads the session.
    pub fn read<T>(&self, read: impl FnOnce(&Session) -> T) -> T {
        read(self.inner.driver.borrow().session())
    }

    /// Stops reconnecting and closes the socket (after a DISCONNECT the session wrote, if any).
    pub fn end(&self) {
        let now = self.now();
        self.inner.driver.borrow_mut().end(now);
        self.run(now);
    }

    /// Closes the connection without DISCONNECT, as a dropped network would (the broker sees
    /// an abnormal close and publishes the will). The session keeps its state.
    pub fn cut(&self) {
        let now = self.now();
        self.inner.driver.borrow_mut().cut(now);
        self.run(now);
    }

    /// Opens a new connection now (after [`WsClient::cut`] or a loss), resuming the session. A
    /// browser that refuses to open is reported as an error event, and tried again later.
    pub fn reopen(&self) {
        self.inner.driver.borrow_mut().reopen();
        self.run(self.now());
    }

    /// Changes the client-side faults (only for a client made with
    /// [`WsClient::connect_with_faults`]).
    #[cfg(feature = "trace")]
    pub fn faults<T>(&self, change: impl FnOnce(&mut WireFaults) -> T) -> Option<T> {
        self.inner.driver.borrow_mut().faults_mut().map(change)
    }

    /// Sends bytes the session did not write ([`Driver::inject`]) and records them in the trace.
    #[cfg(feature = "trace")]
    pub fn inject(&self, bytes: &[u8]) {
        let now = self.now();
        self.inner.driver.borrow_mut().inject(now, bytes);
        self.run(now);
    }

    /// Which clock keeps the session's deadlines.
    pub fn timer_kind(&self) -> Option<TimerKind> {
        self.inner.timer.borrow().as_ref().map(WorkerTimer::kind)
    }

    /// Carries out the driver's effects, in order, for a task at `now`, unless a run is already
    /// doing so.
    fn run(&self, now: u64) {
        if self.inner.run_time.get().is_some() {
            return;
        }
        self.inner.run_time.set(Some(now));
        loop {
            // Not borrowed while an effect runs: a listener may give the driver a command.
            let effect = self.inner.driver.borrow_mut().poll_effect();
            let Some(effect) = effect else { break };
            self.carry_out(effect);
        }
        self.inner.run_time.set(None);
    }

    fn carry_out(&self, effect: Effect) {
        match effect {
            Effect::Open => {
                if let Err(error) = self.open() {
                    let now = self.now();
                    self.inner
                        .driver
                        .borrow_mut()
                        .handle_open_failed(now, error);
                }
            }
            Effect::Send(bytes) => self.send(&bytes),
            Effect::Save(state) => self.save(&state),
            Effect::Close => self.retire_socket(),
            Effect::ScheduleFlush(at) => self.schedule_flush(at),
            Effect::SetTimer(ms) => self.timer(|timer| timer.set(ms)),
            Effect::CancelTimer => {
                if let Some(timer) = self.inner.timer.borrow().as_ref() {
                    timer.cancel();
                }
            }
            Effect::Emit(event) => (self.inner.listener)(event),
        }
    }

    fn send(&self, bytes: &[u8]) {
        let socket = self.inner.socket.borrow();
        let Some(socket) = socket.as_ref() else {
            return;
        };
        // Only a socket still connecting throws, and the driver sends only on an open one.
        if let Err(error) = socket.socket.send_with_u8_array(bytes) {
            (self.inner.listener)(ClientEvent::Error(format!(
                "the browser refused to send on the WebSocket: {}",
                super::error_text(&error)
            )));
        }
    }

    fn save(&self, state: &[u8]) {
        let Some(store) = &self.inner.store else {
            self.inner.driver.borrow_mut().handle_saved(None);
            return;
        };
        // A pending write holds the client, as the bytes it releases belong to it.
        let client = self.clone();
        let done = Closure::once_into_js(move |error: JsValue| {
            client
                .inner
                .driver
                .borrow_mut()
                .handle_saved(error.as_string());
            client.run(client.now());
        });
        store.save(state, done.unchecked_ref());
    }

    fn schedule_flush(&self, at: FlushAt) {
        match at {
            FlushAt::EndOfTask => {
                // The task holds the client, so it runs even if the client is let go of meanwhile.
                let client = self.clone();
                queue_microtask(&Closure::once_into_js(move || client.flush_due()));
            }
            FlushAt::AfterQueuedTasks => {
                if let Err(error) = self.post_flush() {
                    // Without a channel the end of this task is the next best point.
                    (self.inner.listener)(ClientEvent::Error(format!(
                        "could not schedule a flush after the queued tasks: {}",
                        super::error_text(&error)
                    )));
                    self.schedule_flush(FlushAt::EndOfTask);
                }
            }
        }
    }

    /// Posts a message to the client's own channel; its handler runs the flush.
    fn post_flush(&self) -> Result<(), JsValue> {
        let mut channel = self.inner.flush_channel.borrow_mut();
        let channel = match channel.as_mut() {
            Some(channel) => channel,
            None => channel.insert(self.flush_channel()?),
        };
        channel.sender.post_message(&JsValue::UNDEFINED)?;
        *self.inner.flush_hold.borrow_mut() = Some(self.clone());
        Ok(())
    }

    fn flush_channel(&self) -> Result<FlushChannel, JsValue> {
        let channel = MessageChannel::new()?;
        let weak = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
            let Some(inner) = weak.upgrade() else { return };
            let held = inner.flush_hold.borrow_mut().take();
            drop(held);
            WsClient { inner }.flush_due();
        });
        let receiver = channel.port1();
        receiver.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(FlushChannel {
            sender: channel.port2(),
            _receiver: receiver,
            _on_message: on_message,
        })
    }

    fn flush_due(&self) {
        let buffered = self
            .inner
            .socket
            .borrow()
            .as_ref()
            .map_or(0, |socket| socket.socket.buffered_amount());
        let now = self.now();
        self.inner
            .driver
            .borrow_mut()
            .handle_flush_due(now, u64::from(buffered));
        self.run(now);
    }

    fn timer(&self, set: impl FnOnce(&WorkerTimer)) {
        let mut timer = self.inner.timer.borrow_mut();
        let timer = timer.get_or_insert_with(|| {
            let weak = Rc::downgrade(&self.inner);
            WorkerTimer::new(move || {
                let Some(inner) = weak.upgrade() else { return };
                let client = WsClient { inner };
                let now = client.now();
                client.inner.driver.borrow_mut().handle_timer(now);
                client.run(now);
            })
        });
        set(timer);
    }

    fn retire_socket(&self) {
        if let Some(socket) = self.inner.socket.borrow_mut().take() {
            socket.close();
            self.inner.retired.borrow_mut().push(socket);
        }
    }

    /// Opens a socket whose events go to the driver.
    fn open(&self) -> Result<(), String> {
        // Runs from `start` or a timer, never inside this client's socket handlers.
        self.inner.retired.borrow_mut().clear();
        let url = self.inner.url.as_str();
        let socket = WebSocket::new_with_str(url, SUBPROTOCOL).map_err(|error| {
            format!(
                "the browser refused to open {url}: {}",
                super::error_text(&error)
            )
        })?;
        socket.set_binary_type(BinaryType::Arraybuffer);

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
            let now = client.now();
            client
                .inner
                .driver
                .borrow_mut()
                .handle_opened(now, &protocol);
            client.run(now);
        });

        let weak = Rc::downgrade(&self.inner);
        let on_message = OnMessage::new(move |bytes: Vec<u8>, text: bool, arrived_at: f64| {
            let Some(inner) = weak.upgrade() else { return };
            let client = WsClient { inner };
            let now = client.at(arrived_at);
            let mut driver = client.inner.driver.borrow_mut();
            if text {
                driver.handle_text_frame(now);
            } else {
                driver.handle_bytes(now, &bytes);
            }
            drop(driver);
            client.run(now);
        });

        let weak = Rc::downgrade(&self.inner);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let client = WsClient { inner };
            let now = client.now();
            client
                .inner
                .driver
                .borrow_mut()
                .handle_closed(now, event.code(), &event.reason());
            client.run(now);
        });

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(&binary_listener(&on_message)));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *self.inner.socket.borrow_mut() = Some(Socket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
        Ok(())
    }
}

/// A seed for the driver's reconnection jitter.
fn seed() -> u64 {
    (js_sys::Math::random() * (1u64 << 53) as f64) as u64
}
