//! Where a check runs: clients on the simulated broker in simulated time, or on a real broker
//! over browser WebSockets in real time. A check talks only to this trait, so the same check
//! judges both; on top of [`Clients`] it adds only waiting.

use std::future::Future;
use std::pin::Pin;

use crate::clients::Clients;

/// A future a backend returns for waiting; `'static` so no borrow of the clients is held.
pub type Wait = Pin<Box<dyn Future<Output = ()>>>;

/// Clients a check can wait on.
pub trait CheckClients: Clients {
    /// Lets `ms` pass (simulated time jumps; real time waits).
    fn sleep(&mut self, ms: u64) -> Wait;
    /// Whether time is simulated (checks can afford long waits).
    fn is_simulated(&self) -> bool;
}
