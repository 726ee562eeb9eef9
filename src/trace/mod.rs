//! The trace: every packet in and out, and the life of every message, as the diagram draws them.
//!
//! Sessions (and the simulated broker's links) emit [`TraceEvent`]s; a [`TraceStore`] keeps a
//! bounded window of them, assembles per-message [`FlowRecord`]s, and links a publisher's flow to
//! the subscriber flows of the same message when both clients are ours. From those flows come
//! the message table ([`delivery_rows`]) and the publish × granted QoS table ([`QosMatrix`]).

mod client_tag;
mod deliveries;
mod event;
mod file;
mod flow;
mod lookups;
mod qos_matrix;
mod store;

pub use client_tag::ClientTag;
pub use deliveries::{delivery_rows, DeliveryRow, PAYLOAD_PREVIEW_CHARS};
pub use event::{
    Direction, FlowEvent, FlowId, FlowRole, Note, PacketFate, PacketRecord, StepKind, TraceEvent,
};
pub use file::{TraceClient, TraceFile};
pub use flow::{FlowRecord, FlowState, FlowStep};
pub use qos_matrix::{MatrixCell, Observed, QosMatrix};
pub use store::TraceStore;
