//! The broker check on a real broker: every check client is one of [`LiveClients`], with its own
//! WebSocket, client-side faults switched on, and real time.

use gloo_timers::future::TimeoutFuture;

use super::live_clients::LiveClients;
use crate::check::{CheckClients, Wait};

impl CheckClients for LiveClients {
    fn sleep(&mut self, ms: u64) -> Wait {
        Box::pin(TimeoutFuture::new(ms.min(u64::from(u32::MAX)) as u32))
    }

    fn is_simulated(&self) -> bool {
        false
    }
}
