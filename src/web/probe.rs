//! Broker probe: connects a session through the WebSocket driver (subprotocol `mqtt`,
//! [MQTT-6.0.0-3]), and reports the CONNACK the broker answered, decoded and annotated field by
//! field, then disconnects. Whatever goes wrong is reported in the driver's words, which say what
//! to check.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::ws_client::{ClientEvent, Reconnect, WsClient};
use crate::codec::{annotate, Disconnect, Field, Packet, ProtocolVersion};
use crate::session::{ConnectOptions, Event, LostCause, Session};
use crate::trace::{ClientTag, Direction, TraceEvent};

/// What the broker answered.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeReport {
    /// The CONNACK as the diagram labels it.
    pub label: String,
    /// Whether the broker accepted the connection.
    pub accepted: bool,
    /// The CONNACK's fields.
    pub fields: Vec<Field>,
    /// The CONNACK's bytes.
    pub bytes: Vec<u8>,
}

/// The outcome of a probe: the CONNACK, or what went wrong in words a person can act on.
pub type ProbeOutcome = Result<ProbeReport, String>;

/// A probe in progress; dropping it ends the connection.
pub struct Probe {
    client: WsClient,
    /// The listener's handle on the client, released here so the two do not keep each other.
    handle: Rc<RefCell<Option<WsClient>>>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.client.end();
        self.handle.borrow_mut().take();
    }
}

/// Starts a probe of `url`; `on_done` is called exactly once.
pub fn start(
    url: &str,
    version: ProtocolVersion,
    on_done: impl Fn(ProbeOutcome) + 'static,
) -> Result<Probe, String> {
    let client_id = format!(
        "qoscope-probe-{:08x}",
        (js_sys::Math::random() * f64::from(u32::MAX)) as u32
    );
    let mut options = ConnectOptions::new(version, client_id);
    // The trace carries the CONNACK's bytes for the annotated view.
    options.trace = true;
    let finished = Rc::new(Cell::new(false));
    let report = Rc::new(move |outcome: ProbeOutcome| {
        if !finished.replace(true) {
            on_done(outcome);
        }
    });
    let connack: Rc<RefCell<Option<ProbeReport>>> = Rc::new(RefCell::new(None));
    let handle: Rc<RefCell<Option<WsClient>>> = Rc::new(RefCell::new(None));
    let listener = {
        let handle = handle.clone();
        move |event: ClientEvent| match event {
            ClientEvent::Trace(events) => {
                for event in events {
                    if let TraceEvent::Packet(record) = event {
                        if let (Direction::Incoming, Ok(packet @ Packet::ConnAck(connack_packet))) =
                            (record.direction, &record.packet)
                        {
                            *connack.borrow_mut() = Some(ProbeReport {
                                label: packet.to_string(),
                                accepted: !connack_packet.reason.is_failure(),
                                fields: annotate(&record.raw, version).fields,
                                bytes: record.raw.to_vec(),
                            });
                        }
                    }
                }
            }
            ClientEvent::Session(Event::Connected { .. }) => {
                if let Some(done) = connack.borrow_mut().take() {
                    report(Ok(done));
                }
                let client = handle.borrow_mut().take();
                if let Some(client) = client {
                    client
                        .with_session(|session, now| session.disconnect(now, Disconnect::normal()));
                }
            }
            ClientEvent::Session(Event::ConnectionLost(cause)) => {
                match (cause, connack.borrow_mut().take()) {
                    (LostCause::Refused { .. }, Some(refused)) => report(Ok(refused)),
                    (cause, _) => report(Err(cause.to_string())),
                }
            }
            ClientEvent::Error(message) => report(Err(message)),
            ClientEvent::Session(_)
            | ClientEvent::Messages(_)
            | ClientEvent::Reconnecting { .. } => {}
        }
    };
    let no_reconnect = Reconnect {
        initial_ms: 0,
        max_ms: 0,
    };
    let client = WsClient::connect(
        url,
        Session::new(options, ClientTag::FIRST),
        no_reconnect,
        listener,
    )?;
    *handle.borrow_mut() = Some(client.clone());
    Ok(Probe { client, handle })
}
