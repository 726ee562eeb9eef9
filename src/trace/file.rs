//! A trace saved as a file: JSON that names its format and version, the clients by their trace
//! tags, and the events that rebuild the trace. Importing one replays it into a store.

use serde::{Deserialize, Serialize};

use super::{ClientTag, TraceEvent, TraceStore};

/// What a trace file says it is.
const FORMAT: &str = "qoscope-trace";
/// The file layout's version; a reader refuses versions it does not know.
const VERSION: u32 = 1;

/// A client of the trace: its tag and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceClient {
    /// The client's trace tag.
    pub tag: ClientTag,
    /// Its name (a lane of the diagram).
    pub name: String,
}

/// A saved trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceFile {
    /// Always `qoscope-trace`.
    pub format: String,
    /// The layout's version.
    pub version: u32,
    /// The clients, in lane order.
    pub clients: Vec<TraceClient>,
    /// Events that rebuild the trace.
    pub events: Vec<TraceEvent>,
}

impl TraceFile {
    /// The contents of `store`, with the clients' names.
    pub fn from_store(store: &TraceStore, clients: &[(ClientTag, String)]) -> TraceFile {
        TraceFile {
            format: FORMAT.into(),
            version: VERSION,
            clients: clients
                .iter()
                .map(|(tag, name)| TraceClient {
                    tag: *tag,
                    name: name.clone(),
                })
                .collect(),
            events: store.to_events(),
        }
    }

    /// As JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a trace file, saying what is wrong with one that is not.
    pub fn from_json(text: &str) -> Result<TraceFile, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|error| format!("not JSON: {error}"))?;
        match value.get("format").and_then(|format| format.as_str()) {
            Some(FORMAT) => {}
            Some(other) => return Err(format!("a \"{other}\" file, not a qoscope trace")),
            None => return Err("not a qoscope trace (no \"format\": \"qoscope-trace\")".into()),
        }
        match value.get("version").and_then(|version| version.as_u64()) {
            Some(version) if version == u64::from(VERSION) => {}
            Some(version) => {
                return Err(format!(
                    "trace file version {version}; this qoscope reads version {VERSION}"
                ))
            }
            None => return Err("the trace file has no version".into()),
        }
        serde_json::from_value(value).map_err(|error| format!("damaged trace file: {error}"))
    }

    /// The clients as the diagram names them.
    pub fn client_names(&self) -> Vec<(ClientTag, String)> {
        self.clients
            .iter()
            .map(|client| (client.tag, client.name.clone()))
            .collect()
    }

    /// A store holding the trace (large enough for all of it).
    pub fn to_store(&self) -> TraceStore {
        let mut store = TraceStore::new(self.events.len(), self.events.len());
        store.extend(self.events.iter().cloned());
        store
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
    use crate::session::{ConnectOptions, PublishRequest};
    use crate::sim::World;
    use crate::trace::Direction;

    /// A QoS 1 message with a lost PUBACK repaired by a reconnect, and a QoS 2 message.
    fn recorded() -> TraceStore {
        let mut world = World::new(BrokerConfig::default(), 3);
        for name in ["pub", "sub"] {
            let options = ConnectOptions::persistent(ProtocolVersion::V5, name, 60);
            let client = world.add_client(options);
            world.connect(client);
        }
        world
            .with_session(1, |session, now| {
                let subscription = Subscription {
                    filter: "t/#".into(),
                    options: SubscriptionOptions::qos(QoS::ExactlyOnce),
                };
                session.subscribe(now, vec![subscription], Default::default())
            })
            .unwrap();
        world.run_until_quiet(100).unwrap();
        world.drop_next(0, Direction::Incoming, PacketType::PubAck);
        for qos in [QoS::AtLeastOnce, QoS::ExactlyOnce] {
            world
                .with_session(0, |session, now| {
                    session.publish(now, PublishRequest::new("t/a", "hi <b>", qos))
                })
                .unwrap();
        }
        world.run_until_quiet(100).unwrap();
        world.cut(0);
        world.connect(0);
        world.run_until_quiet(100).unwrap();
        let mut store = TraceStore::new(1000, 100);
        store.extend(world.poll_trace());
        store
    }

    #[test]
    fn a_saved_trace_replays_into_the_same_store() {
        let store = recorded();
        let clients = vec![
            (ClientTag(1), "pub".to_owned()),
            (ClientTag(2), "sub".to_owned()),
        ];
        let file = TraceFile::from_store(&store, &clients);
        let read = TraceFile::from_json(&file.to_json()).unwrap();
        assert_eq!(read, file);
        let replayed = read.to_store();
        assert_eq!(
            replayed.packets().collect::<Vec<_>>(),
            store.packets().collect::<Vec<_>>()
        );
        assert_eq!(
            replayed.flows().collect::<Vec<_>>(),
            store.flows().collect::<Vec<_>>()
        );
        assert!(store.flows().any(|flow| flow.retransmissions == 1));
        assert!(store.flows().any(|flow| !flow.linked.is_empty()));
        assert_eq!(read.client_names(), clients);
    }

    #[test]
    fn a_file_that_is_not_a_trace_is_refused_by_name() {
        assert!(TraceFile::from_json("{")
            .unwrap_err()
            .starts_with("not JSON"));
        assert_eq!(
            TraceFile::from_json(r#"{"format":"other"}"#).unwrap_err(),
            "a \"other\" file, not a qoscope trace"
        );
        assert_eq!(
            TraceFile::from_json(r#"{"format":"qoscope-trace","version":9}"#).unwrap_err(),
            "trace file version 9; this qoscope reads version 1"
        );
        assert!(
            TraceFile::from_json(r#"{"format":"qoscope-trace","version":1,"events":7}"#)
                .unwrap_err()
                .starts_with("damaged trace file")
        );
    }
}
