//! The simulated network: links that lose, delay, duplicate and hold packets on command, and a
//! world that runs our client sessions against the simulated broker in simulated time. The same
//! code drives the offline teaching mode in the page and the native tests.

mod clients;
mod latency;
mod link;
mod world;

pub use latency::{CHECK_LATENCY_MS, LESSON_LATENCY_MS, WORKBENCH_LATENCY_MS};
pub use link::{LinkFaults, SendOutcome};
pub use world::{Livelock, World};
