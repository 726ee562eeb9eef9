//! Broker probe: opens a WebSocket with subprotocol `mqtt` ([MQTT-6.0.0-3]), sends a CONNECT
//! encoded by the codec, and reports the decoded CONNACK with its annotated fields. The answer
//! is cut from the byte stream by the streaming decoder, so any framing works ([MQTT-6.0.0-2]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::broker_url::BrokerUrl;
use crate::codec::{annotate, Connect, Disconnect, Field, FrameDecoder, Packet, ProtocolVersion};
use crate::hex::to_hex;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

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
    pub hex: String,
}

/// The outcome of a probe: the CONNACK, or what went wrong in words a person can act on.
pub type ProbeOutcome = Result<ProbeReport, String>;

/// A probe in progress; dropping it closes the socket.
pub struct Probe {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// Starts a probe of `url`; `on_done` is called exactly once.
pub fn start(
    url: &str,
    version: ProtocolVersion,
    on_done: impl Fn(ProbeOutcome) + 'static,
) -> Result<Probe, String> {
    let url = BrokerUrl::parse(url).map_err(|error| error.to_string())?;
    let socket = WebSocket::new_with_str(url.as_str(), "mqtt")
        .map_err(|error| format!("the browser refused to open {}: {error:?}", url.as_str()))?;
    socket.set_binary_type(BinaryType::Arraybuffer);

    let finished = Rc::new(Cell::new(false));
    let on_done = Rc::new(move |outcome: ProbeOutcome| {
        if !finished.replace(true) {
            on_done(outcome);
        }
    });

    let on_open = {
        let socket = socket.clone();
        let on_done = on_done.clone();
        Closure::<dyn FnMut(Event)>::new(move |_| {
            if socket.protocol() != "mqtt" {
                on_done(Err(format!(
                    "the server did not accept the WebSocket subprotocol \"mqtt\" (it chose {:?}) [MQTT-6.0.0-4]",
                    socket.protocol()
                )));
                let _ = socket.close();
                return;
            }
            let client_id = format!(
                "qoscope-probe-{:08x}",
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            );
            let connect = Packet::Connect(Box::new(Connect::new(version, client_id)));
            match connect.to_bytes(version) {
                Ok(bytes) => {
                    let _ = socket.send_with_u8_array(&bytes);
                }
                Err(error) => on_done(Err(format!("could not encode CONNECT: {error}"))),
            }
        })
    };

    let on_message = {
        let socket = socket.clone();
        let on_done = on_done.clone();
        let decoder = RefCell::new(FrameDecoder::new(version));
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() else {
                on_done(Err("the broker sent a text frame; MQTT travels only in binary frames [MQTT-6.0.0-1]".into()));
                let _ = socket.close();
                return;
            };
            let mut decoder = decoder.borrow_mut();
            decoder.push(&Uint8Array::new(&buffer).to_vec());
            match decoder.next_frame() {
                Ok(None) => {}
                Ok(Some(frame)) => {
                    let outcome = match &frame.packet {
                        Packet::ConnAck(connack) => Ok(ProbeReport {
                            label: frame.packet.to_string(),
                            accepted: !connack.reason.is_failure(),
                            fields: annotate(&frame.raw, version).fields,
                            hex: to_hex(&frame.raw),
                        }),
                        other => Err(format!(
                            "the broker's first packet was {} instead of CONNACK [v3 MQTT-3.2.0-1, v5 MQTT-3.2.0-1]",
                            other.packet_type()
                        )),
                    };
                    if let Ok(bytes) = Packet::Disconnect(Disconnect::normal()).to_bytes(version) {
                        let _ = socket.send_with_u8_array(&bytes);
                    }
                    let _ = socket.close();
                    on_done(outcome);
                }
                Err(error) => {
                    on_done(Err(format!(
                        "the broker sent a malformed packet ({}): {}",
                        to_hex(&error.raw),
                        error.error
                    )));
                    let _ = socket.close();
                }
            }
        })
    };

    let on_close = {
        let on_done = on_done.clone();
        Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_done(Err(super::close_reason::describe_close(&event, true)));
        })
    };

    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    Ok(Probe {
        socket,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
    })
}
