//! qoscope: an MQTT 3.1.1 and 5.0 client for the browser that draws every QoS exchange as a live
//! sequence diagram.
//!
//! Layers, bottom up:
//! - [`codec`]: pure encode/decode of every control packet, a streaming frame decoder and an
//!   annotated decode for the packet inspector. No I/O, no clock, no web APIs: it builds and is
//!   tested natively.
//! - [`topic`]: topic name and filter rules, and matching; [`broker_url`]: broker URL checks;
//!   [`hex`]: hex text for the inspector.
//! - [`i18n`]: the page's English and Chinese texts, side by side.
//! - [`lesson`]: scripted fault scenarios on the simulated broker, narrated step by step with
//!   the spec's normative ids, each with an outcome checked against the trace.
//! - [`workbench_state`]: the diagram panel's state as data and its reducer, and what the panel
//!   asks of a client's session.
//! - `web` (wasm32 only): the browser side (WebSocket driver and the Yew UI) on top of the core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod all_nine;
pub mod broker;
pub mod broker_url;
pub mod clients;
// Checks judge by the trace of what happened.
#[cfg(feature = "trace")]
pub mod check;
pub mod codec;
pub mod diagram;
pub mod driver;
pub mod hex;
pub mod i18n;
pub mod payload_format;
pub mod profile;
#[cfg(feature = "app")]
pub mod route;
// Lessons judge their outcome by the trace.
#[cfg(feature = "trace")]
pub mod lesson;
pub mod session;
pub mod sim;
pub mod topic;
pub mod trace;
pub mod wire_faults;
pub mod workbench_state;

#[cfg(target_arch = "wasm32")]
pub mod web;
