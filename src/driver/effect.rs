//! What the driver asks its transport to do, and what it reports to the application.

use super::flush::FlushAt;
use crate::session::{Event, Message};
use crate::trace::TraceEvent;

/// One thing for the transport driver to carry out, in order.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Open a new connection (letting go of the old one's handlers).
    Open,
    /// Send one transport message.
    Send(Vec<u8>),
    /// Write the session state (its compact form) and answer with `Driver::handle_saved`.
    Save(Vec<u8>),
    /// Close the connection, without waiting for anything.
    Close,
    /// Call `Driver::handle_flush_due` at that point of the event loop.
    ScheduleFlush(FlushAt),
    /// Call `Driver::handle_timer` after this many ms, instead of any earlier setting.
    SetTimer(u32),
    /// Call `Driver::handle_timer` no more.
    CancelTimer,
    /// Tell the application.
    Emit(ClientEvent),
}

/// What the driver reports.
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// Something the session reported (messages come as [`ClientEvent::Messages`]).
    Session(Event),
    /// Messages for the application, in order, in one batch per input: handing them to
    /// JavaScript together costs one call instead of one per message.
    Messages(Vec<Message>),
    /// Trace events (packets in and out, with their fates, and flows), in batches.
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
