//! Where a check runs: the simulated broker in virtual time, or a real broker over browser
//! WebSockets in real time. A check only talks to this trait, so the same check judges both.

use std::future::Future;
use std::pin::Pin;

use crate::codec::{Packet, PacketType};
use crate::session::{ConnectOptions, Event, Session};
use crate::trace::Direction;
use crate::trace::TraceEvent;

/// A future a backend returns for waiting; `'static` so no borrow of the backend is held.
pub type Wait = Pin<Box<dyn Future<Output = ()>>>;

/// What the transport learnt that MQTT packets do not show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransportFacts {
    /// The WebSocket subprotocol the server selected, once a connection opened.
    pub subprotocol: Option<String>,
    /// Text frames the server sent (MQTT travels only in binary frames).
    pub text_frames: usize,
    /// Binary frames the server sent.
    pub binary_frames: usize,
}

/// A place to run checks. Clients are numbered from 0 in the order they are added; client `n`
/// carries trace tag `n + 1`.
pub trait Backend {
    /// Adds a client, not yet connected.
    fn add_client(&mut self, options: ConnectOptions) -> usize;
    /// Opens the client's connection; its session sends CONNECT.
    fn connect(&mut self, client: usize);
    /// Drops the client's connection without DISCONNECT.
    fn cut(&mut self, client: usize);
    /// Runs a command on the client's session and sends what it wrote.
    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64));
    /// Loses the next packet of `kind` going one way on the client's connection.
    fn drop_next(&mut self, client: usize, side: Direction, kind: PacketType);
    /// Sends a packet the session did not write (a forged re-send, a wrong acknowledgement).
    fn inject(&mut self, client: usize, packet: &Packet);
    /// Splits what the client writes into WebSocket messages of at most `bytes` bytes
    /// (`None`: one message per write). False where there is no WebSocket.
    fn set_frame_limit(&mut self, client: usize, bytes: Option<usize>) -> bool;
    /// What the transport saw, where there is one.
    fn transport(&self) -> Option<TransportFacts>;
    /// Trace events and session events since the last call.
    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(usize, Event)>);
    /// Milliseconds on the backend's clock.
    fn now(&self) -> u64;
    /// Lets `ms` pass (simulated time jumps; real time waits).
    fn sleep(&mut self, ms: u64) -> Wait;
    /// Whether time is simulated (checks can afford long waits).
    fn is_simulated(&self) -> bool;
    /// Ends every connection (at the end of a check).
    fn close_all(&mut self);
}
