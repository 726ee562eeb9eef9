//! What the inspector shows of the session a chosen packet belongs to: read from the session
//! itself and from its latest CONNACK, so the view asks the core instead of working it out.

use crate::codec::ConnAck;
use crate::i18n::Text;
use crate::session::{AckStage, Session};

/// A session's state when one of its packets is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    /// Whether its connection is open.
    pub connected: bool,
    /// Session Present from the latest CONNACK, if one came.
    pub session_present: Option<bool>,
    /// Outgoing QoS 1/2 messages: packet id and what they wait for.
    pub in_flight_out: Vec<(u16, Text)>,
    /// QoS 2 packet ids received and not yet released.
    pub held_in: Vec<u16>,
    /// How many more QoS 1/2 messages it may send before one is acknowledged.
    pub send_quota: u16,
}

impl SessionView {
    /// Reads `session`; `connack` is its client's latest CONNACK in the trace.
    pub fn read(session: &Session, connack: Option<&ConnAck>) -> SessionView {
        SessionView {
            connected: session.is_connected(),
            session_present: connack.map(|connack| connack.session_present),
            in_flight_out: session
                .outgoing_entries()
                .into_iter()
                .map(|(pid, entry)| {
                    let waits = match entry.stage {
                        AckStage::AwaitPubAck => Text::AwaitsPuback,
                        AckStage::AwaitPubRec => Text::AwaitsPubrec,
                        AckStage::AwaitPubComp => Text::AwaitsPubcomp,
                    };
                    (pid.get(), waits)
                })
                .collect(),
            held_in: session
                .incoming_held()
                .into_iter()
                .map(|pid| pid.get())
                .collect(),
            send_quota: session.send_quota(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::codec::{PacketType, ProtocolVersion, QoS};
    use crate::session::{ConnectOptions, PublishRequest};
    use crate::sim::World;
    use crate::trace::Direction;
    use crate::trace::TraceStore;

    #[test]
    fn a_qos_2_publish_whose_pubrec_was_lost_awaits_pubrec() {
        let mut world = World::new(BrokerConfig::default(), 1);
        let client = world.add_client(ConnectOptions::new(ProtocolVersion::V5, "p"));
        world.connect(client);
        world.run_until_quiet(100).unwrap();
        world.drop_next(client, Direction::Incoming, PacketType::PubRec);
        world
            .with_session(client, |session, now| {
                session.publish(now, PublishRequest::new("t", "x", QoS::ExactlyOnce))
            })
            .unwrap();
        world.run_until_quiet(100).unwrap();
        let mut store = TraceStore::new(100, 10);
        store.extend(world.poll_trace());
        let tag = crate::trace::ClientTag::of_index(client).expect("a client of the world");
        let view = SessionView::read(world.session(client), store.last_connack(tag));
        assert!(view.connected);
        assert_eq!(view.session_present, Some(false));
        assert_eq!(view.in_flight_out, [(1, Text::AwaitsPubrec)]);
        assert!(view.held_in.is_empty());
        let fresh = SessionView::read(world.session(client), None);
        assert_eq!(fresh.session_present, None);
    }
}
