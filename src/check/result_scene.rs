//! A check result's sequence diagram, the same in the page and in the HTML report.

use super::report::CheckResult;
use crate::diagram::{trace_scene, Scene, View};
use crate::trace::{delivery_rows, ClientTag, TraceStore};

/// Packets a result's trace keeps (a burst check sends a few thousand), and flows.
const PACKETS: usize = 4_000;
const FLOWS: usize = 1_000;

impl CheckResult {
    /// The diagram of the newest `max_rows` packets.
    pub fn scene(&self, max_rows: usize) -> Scene {
        let mut store = TraceStore::new(PACKETS, FLOWS);
        store.extend(self.trace.iter().cloned());
        let clients: Vec<(ClientTag, String)> =
            ClientTag::all().zip(self.clients.iter().cloned()).collect();
        trace_scene(
            &store,
            &clients,
            View::newest(max_rows),
            &delivery_rows(&store),
        )
    }
}
