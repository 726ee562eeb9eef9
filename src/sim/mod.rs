//! The simulated network: links that lose, delay, duplicate and hold packets on command, and a
//! world that runs our client sessions against the simulated broker in simulated time. The same
//! code drives the offline teaching mode in the page and the native tests.

mod all_nine_run;
mod link;
mod world;

pub use all_nine_run::AllNineRun;
pub use link::{LinkFaults, SendOutcome};
pub use world::{ClientIndex, Livelock, Side, World};
