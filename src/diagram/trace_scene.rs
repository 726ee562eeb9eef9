//! A trace drawn the way every view of the app draws it (the workbench, a lesson, a check, the
//! HTML report): laid out by client, each message's packets in one colour, a flow whose delivery
//! is unknown marked so, and every PUBLISH a subscriber received marked with its effective QoS.

use super::{colour_messages, layout_view, mark_deliveries, mark_outcomes, Scene, View};
use crate::trace::{ClientTag, DeliveryRow, TraceStore};

/// The scene of the packets `view` picks from `store`; `deliveries` are the store's
/// [`delivery_rows`](crate::trace::delivery_rows), which a caller that also shows them as a
/// table computes once.
pub fn trace_scene(
    store: &TraceStore,
    clients: &[(ClientTag, String)],
    view: View,
    deliveries: &[DeliveryRow],
) -> Scene {
    let mut scene = layout_view(store.packets(), clients, view);
    colour_messages(&mut scene, store);
    mark_outcomes(&mut scene, store);
    mark_deliveries(&mut scene, deliveries);
    scene
}
