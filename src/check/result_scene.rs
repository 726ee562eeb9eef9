//! A check result's sequence diagram, the same in the page and in the HTML report: its packets
//! laid out by client, each message's packets in one colour, a flow whose delivery is unknown
//! marked so, and every PUBLISH a subscriber received marked with its effective QoS, a downgrade,
//! a duplicate or a broker bug.

use super::report::CheckResult;
use crate::diagram::{colour_messages, layout, mark_deliveries, mark_outcomes, Scene};
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
        let mut scene = layout(store.packets(), &clients, max_rows);
        colour_messages(&mut scene, &store);
        mark_outcomes(&mut scene, &store);
        mark_deliveries(&mut scene, &delivery_rows(&store));
        scene
    }
}
