//! One colour per message: the publisher's arrows and the subscribers' arrows of the same
//! message share it, so a message can be followed across the broker at a glance.

use super::Scene;
use crate::trace::{FlowId, TraceStore};

/// Colours in the palette (the stylesheet defines `.message-colour-0` to `-7`).
pub const PALETTE: u8 = 8;

/// Gives every arrow that belongs to a message its message's colour, in the order messages
/// first appear in the scene.
pub fn colour_messages(scene: &mut Scene, store: &TraceStore) {
    let mut messages: Vec<FlowId> = Vec::new();
    for arrow in &mut scene.arrows {
        let Some(flow) = arrow.flow else { continue };
        let message = message_of(store, flow);
        let index = match messages.iter().position(|known| *known == message) {
            Some(index) => index,
            None => {
                messages.push(message);
                messages.len() - 1
            }
        };
        arrow.colour = Some((index % usize::from(PALETTE)) as u8);
    }
}

/// The message a flow belongs to, named by the smallest flow id among it and its linked flows
/// (a subscriber's flow links to the publisher's, which links to every subscriber's).
fn message_of(store: &TraceStore, flow: FlowId) -> FlowId {
    let mut smallest = flow;
    if let Some(record) = store.flow(flow) {
        for linked in &record.linked {
            smallest = smallest.min(*linked);
            if let Some(publisher) = store.flow(*linked) {
                smallest = publisher.linked.iter().copied().fold(smallest, FlowId::min);
            }
        }
    }
    smallest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::codec::{ProtocolVersion, QoS, Subscription, SubscriptionOptions};
    use crate::diagram::{layout_view, View};
    use crate::session::{ConnectOptions, PublishRequest};
    use crate::sim::World;
    use crate::trace::ClientTag;

    #[test]
    fn both_hops_of_a_message_share_a_colour_and_messages_differ() {
        let mut world = World::new(BrokerConfig::default(), 1);
        for name in ["pub", "sub"] {
            let client = world.add_client(ConnectOptions::new(ProtocolVersion::V5, name));
            world.connect(client);
        }
        world
            .with_session(1, |session, now| {
                let subscription = Subscription {
                    filter: "t".into(),
                    options: SubscriptionOptions::qos(QoS::ExactlyOnce),
                };
                session.subscribe(now, vec![subscription], Default::default())
            })
            .unwrap();
        world.run_until_quiet(100).unwrap();
        for payload in ["one", "two"] {
            world
                .with_session(0, |session, now| {
                    session.publish(now, PublishRequest::new("t", payload, QoS::ExactlyOnce))
                })
                .unwrap();
            world.run_until_quiet(100).unwrap();
        }
        let mut store = TraceStore::new(100, 100);
        store.extend(world.poll_trace());
        let clients = [
            (ClientTag(1), "pub".to_owned()),
            (ClientTag(2), "sub".to_owned()),
        ];
        let mut scene = layout_view(store.packets(), &clients, View::newest(100));
        colour_messages(&mut scene, &store);
        let colours: Vec<(String, Option<u8>)> = scene
            .arrows
            .iter()
            .filter(|arrow| arrow.flow.is_some())
            .map(|arrow| (arrow.label.clone(), arrow.colour))
            .collect();
        // Four packets each hop, two hops, two messages.
        assert_eq!(colours.len(), 16, "{colours:?}");
        assert!(
            colours[..8].iter().all(|(_, colour)| *colour == Some(0)),
            "{colours:?}"
        );
        assert!(
            colours[8..].iter().all(|(_, colour)| *colour == Some(1)),
            "{colours:?}"
        );
    }
}
