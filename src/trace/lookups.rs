//! What views ask of a recorded trace: every flow of one message, and a client's latest CONNACK.

use crate::codec::{ConnAck, Packet};

use super::event::{Direction, FlowId};
use super::store::TraceStore;
use super::ClientTag;

impl TraceStore {
    /// `flow` and the flows of the same message at the other clients (its publisher and every
    /// subscriber that received a copy), following the links both ways.
    pub fn message_flows(&self, flow: FlowId) -> Vec<FlowId> {
        let mut found = vec![flow];
        let mut index = 0;
        while index < found.len() {
            if let Some(record) = self.flow(found[index]) {
                for linked in &record.linked {
                    if !found.contains(linked) {
                        found.push(*linked);
                    }
                }
            }
            index += 1;
        }
        found
    }

    /// The latest CONNACK the client with trace tag `client` received, while the store keeps it.
    pub fn last_connack(&self, client: ClientTag) -> Option<&ConnAck> {
        self.packets()
            .rev()
            .find_map(|record| match &record.packet {
                Ok(Packet::ConnAck(connack))
                    if record.client == client && record.direction == Direction::Incoming =>
                {
                    Some(connack)
                }
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::codec::{ProtocolVersion, QoS, Subscription, SubscriptionOptions};
    use crate::session::{ConnectOptions, PublishRequest};
    use crate::sim::World;

    /// A publisher and two subscribers of `t/#`; the publisher publishes one QoS 1 message and
    /// then reconnects, resuming its session.
    fn recorded() -> TraceStore {
        let mut world = World::new(BrokerConfig::default(), 5);
        for name in ["pub", "sub-1", "sub-2"] {
            let mut options = ConnectOptions::new(ProtocolVersion::V5, name);
            options.clean_start = false;
            options.properties.session_expiry_interval = Some(60);
            let client = world.add_client(options);
            world.connect(client);
        }
        for subscriber in [1, 2] {
            world
                .with_session(subscriber, |session, now| {
                    let subscription = Subscription {
                        filter: "t/#".into(),
                        options: SubscriptionOptions::qos(QoS::AtLeastOnce),
                    };
                    session.subscribe(now, vec![subscription], Default::default())
                })
                .unwrap();
        }
        world.run_until_quiet(100).unwrap();
        world
            .with_session(0, |session, now| {
                session.publish(now, PublishRequest::new("t/a", "hi", QoS::AtLeastOnce))
            })
            .unwrap();
        world.run_until_quiet(100).unwrap();
        world.cut(0);
        world.connect(0);
        world.run_until_quiet(100).unwrap();
        let mut store = TraceStore::new(1_000, 100);
        store.extend(world.poll_trace());
        store
    }

    #[test]
    fn a_message_lights_its_publisher_and_every_subscriber() {
        let store = recorded();
        let publisher = store
            .flows()
            .find(|flow| flow.id.client == ClientTag(1))
            .expect("the publisher's flow")
            .id;
        let mut clients: Vec<ClientTag> = store
            .message_flows(publisher)
            .iter()
            .map(|flow| flow.client)
            .collect();
        clients.sort_unstable();
        assert_eq!(clients, [ClientTag(1), ClientTag(2), ClientTag(3)]);
        // The same set, whichever copy is asked about.
        let copy = store.message_flows(publisher)[2];
        assert_eq!(store.message_flows(copy).len(), 3);
    }

    #[test]
    fn the_last_connack_is_the_resumed_session() {
        let store = recorded();
        let connack = store
            .last_connack(ClientTag(1))
            .expect("a CONNACK for the publisher");
        assert!(connack.session_present, "the reconnect resumed the session");
        let first = store
            .packets()
            .find_map(|record| match &record.packet {
                Ok(Packet::ConnAck(connack)) if record.client == ClientTag(1) => Some(connack),
                _ => None,
            })
            .unwrap();
        assert!(!first.session_present);
        assert_eq!(store.last_connack(ClientTag(9)), None);
    }
}
