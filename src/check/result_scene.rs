//! A check result's sequence diagram, the same in the page and in the HTML report.

use super::report::CheckResult;
use crate::diagram::{trace_scene, Scene, View};
use crate::trace::{delivery_rows, ClientTag, TraceStore};

/// Packets a result's trace keeps (a burst check sends a few thousand), and flows.
const PACKETS: usize = 4_000;
const FLOWS: usize = 1_000;

impl CheckResult {
    /// The diagram of the newest `max_rows` packets; `hidden` counts every older packet, those
    /// the store let go of included, so that a diagram never passes for the whole trace.
    pub fn scene(&self, max_rows: usize) -> Scene {
        let mut store = TraceStore::new(PACKETS, FLOWS);
        store.extend(self.trace.iter().cloned());
        let clients: Vec<(ClientTag, String)> =
            ClientTag::all().zip(self.clients.iter().cloned()).collect();
        let mut scene = trace_scene(
            &store,
            &clients,
            View::newest(max_rows),
            &delivery_rows(&store),
        );
        scene.hidden += usize::try_from(store.evicted_packets()).unwrap_or(usize::MAX);
        scene
    }
}
