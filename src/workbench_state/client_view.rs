//! What a client's card shows of its session: its options, whether it is connected, its
//! subscriptions with what the broker granted, and why its last connection ended.

use crate::session::{ConnectOptions, LostCause, Session, SubscriptionRecord};

/// A client as its card shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientView {
    /// The options of its next connect.
    pub options: ConnectOptions,
    /// Whether its connection is open.
    pub connected: bool,
    /// Its subscriptions, with what the broker granted.
    pub subscriptions: Vec<SubscriptionRecord>,
    /// Why its last connection ended, while it is not connected.
    pub last_lost: Option<LostCause>,
}

impl ClientView {
    /// Reads a client's session.
    pub fn read(session: &Session) -> ClientView {
        let connected = session.is_connected();
        ClientView {
            options: session.options().clone(),
            connected,
            subscriptions: session.subscriptions().cloned().collect(),
            last_lost: session.last_lost().filter(|_| !connected).cloned(),
        }
    }

    /// A client that has no session yet (a real broker's before its first connect).
    pub fn unconnected(options: ConnectOptions) -> ClientView {
        ClientView {
            options,
            connected: false,
            subscriptions: Vec::new(),
            last_lost: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::codec::{ProtocolVersion, QoS, Subscription, SubscriptionOptions};
    use crate::sim::World;

    #[test]
    fn a_dropped_client_shows_why_and_keeps_its_granted_subscription() {
        let mut world = World::new(BrokerConfig::default(), 2);
        let client = world.add_client(ConnectOptions::new(ProtocolVersion::V311, "c"));
        assert!(!ClientView::read(world.session(client)).connected);
        world.connect(client);
        world
            .with_session(client, |session, now| {
                let subscription = Subscription {
                    filter: "a/#".into(),
                    options: SubscriptionOptions::qos(QoS::AtLeastOnce),
                };
                session.subscribe(now, vec![subscription], Default::default())
            })
            .unwrap();
        world.run_until_quiet(100).unwrap();
        let connected = ClientView::read(world.session(client));
        assert!(connected.connected);
        assert_eq!(connected.last_lost, None);
        assert_eq!(connected.subscriptions.len(), 1);
        assert_eq!(
            connected.subscriptions[0].outcome,
            Some(Ok(QoS::AtLeastOnce))
        );
        world.cut(client);
        world.run_until_quiet(100).unwrap();
        let dropped = ClientView::read(world.session(client));
        assert!(!dropped.connected);
        assert!(dropped.last_lost.is_some());
        assert_eq!(dropped.options.client_id, "c");
    }
}
