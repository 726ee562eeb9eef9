//! Clients of ours on a broker: one interface for every place our sessions run, so what drives
//! them (the broker check, the page's workbench, the lessons, the scenario tests) is written once
//! and runs on the simulated broker ([`World`](crate::sim::World), in simulated time) and on a
//! real one (the browser's `LiveClients`, each client on its own WebSocket) alike.
//!
//! Clients are numbered from 0 in the order they are added (their [`ClientIndex`]); the trace
//! names client `n` by the tag [`ClientTag::of_index`]`(n)`.

use crate::codec::PacketType;
use crate::session::{ConnectOptions, Event, Session};
#[cfg(doc)]
use crate::trace::ClientTag;
use crate::trace::{Direction, TraceEvent};

/// A client's place among the clients of one driver: 0 for the first added.
pub type ClientIndex = usize;

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

/// Clients of ours on one broker, each with its session, its connection and faults on it.
pub trait Clients {
    /// Adds a client, not yet connected.
    fn add_client(&mut self, options: ConnectOptions) -> ClientIndex;
    /// How many clients there are.
    fn client_count(&self) -> usize;
    /// The client's connect options (`None` for a client that does not exist).
    fn options(&self, client: ClientIndex) -> Option<ConnectOptions>;
    /// Changes the client's connect options (used from its next connect).
    fn set_options(&mut self, client: ClientIndex, options: ConnectOptions);
    /// Opens the client's connection; its session sends CONNECT (resuming its session after the
    /// first time, when it keeps one).
    fn connect(&mut self, client: ClientIndex);
    /// Drops the client's connection without DISCONNECT; what is on its way is lost.
    fn cut(&mut self, client: ClientIndex);
    /// Runs a command on the client's session and sends what it wrote. A client with no
    /// session yet (a real broker's, before its first connect) runs nothing.
    fn command(&mut self, client: ClientIndex, command: &mut dyn FnMut(&mut Session, u64));
    /// Reads the client's session, where it has one.
    fn read(&self, client: ClientIndex, read: &mut dyn FnMut(&Session));
    /// Loses the next packet of `kind` going `direction` on the client's connection (on a real
    /// broker our client drops it, as if the network had).
    fn drop_next(&mut self, client: ClientIndex, direction: Direction, kind: PacketType);
    /// Sends bytes the session did not write, as they are: a forged re-send, a wrong
    /// acknowledgement, or a malformed packet the encoder would refuse. The trace shows them
    /// decoded, or why they do not decode.
    fn inject(&mut self, client: ClientIndex, bytes: &[u8]);
    /// Splits what the client writes into WebSocket messages of at most `bytes` bytes
    /// (`None`: one message per write). False where there is no WebSocket.
    fn set_frame_limit(&mut self, client: ClientIndex, bytes: Option<usize>) -> bool;
    /// What the transport saw, where there is one.
    fn transport(&self) -> Option<TransportFacts>;
    /// Trace events and session events since the last call.
    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(ClientIndex, Event)>);
    /// Milliseconds on the clients' clock (the trace's).
    fn now(&self) -> u64;
    /// Ends every connection.
    fn close_all(&mut self);
}

impl dyn Clients + '_ {
    /// [`Clients::command`] for a command with a result: `None` where nothing ran.
    pub fn with_session<T>(
        &mut self,
        client: ClientIndex,
        command: impl FnOnce(&mut Session, u64) -> T,
    ) -> Option<T> {
        let mut command = Some(command);
        let mut result = None;
        self.command(client, &mut |session, now| {
            result = command.take().map(|command| command(session, now));
        });
        result
    }

    /// [`Clients::read`] with a result: `None` where the client has no session.
    pub fn read_session<T>(
        &self,
        client: ClientIndex,
        read: impl FnOnce(&Session) -> T,
    ) -> Option<T> {
        let mut read = Some(read);
        let mut result = None;
        self.read(client, &mut |session| {
            result = read.take().map(|read| read(session));
        });
        result
    }
}
