#![cfg(not(target_arch = "wasm32"))]
//! A broker that does not speak the version we connected with: its answer is recognised and told
//! as "not supported, use the other version", never as a protocol error ([v3 MQTT-3.1.2-2],
//! [v5 MQTT-3.1.2-2]).

use qoscope::broker::{BrokerConfig, BrokerProfile};
use qoscope::codec::ProtocolVersion;
use qoscope::session::{ConnectOptions, Event, LostCause, Session};
use qoscope::sim::World;
use qoscope::trace::ClientTag;

fn lost(session: &mut Session) -> LostCause {
    let mut cause = None;
    while let Some(event) = session.poll_event() {
        if let Event::ConnectionLost(lost) = event {
            cause = Some(lost);
        }
    }
    cause.expect("the connection was reported lost")
}

fn awaiting_connack(version: ProtocolVersion) -> Session {
    let mut session = Session::new(ConnectOptions::new(version, "c"), ClientTag::FIRST);
    session.handle_transport_open(0);
    while session.poll_transmit().is_some() {}
    session
}

#[test]
fn a_3_1_1_brokers_refusal_of_level_5_says_to_use_protocol_version_4() {
    let mut session = awaiting_connack(ProtocolVersion::V5);
    session.handle_bytes(5, &[0x20, 0x02, 0x00, 0x01]);
    let cause = lost(&mut session);
    assert_eq!(cause, LostCause::UnsupportedVersion(ProtocolVersion::V5));
    assert_eq!(cause.code(), "UNSUPPORTED_PROTOCOL_VERSION");
    assert_eq!(cause.version_to_try(), Some(ProtocolVersion::V311));
    assert_eq!(
        cause.to_string(),
        "the broker does not support MQTT 5.0: it answered with MQTT 3.1.1's 'unacceptable protocol level'; connect with protocolVersion 4"
    );
    assert!(session.poll_close(), "the session closes the connection");
    // Nothing is sent in answer: the broker speaks 3.1.1, a 5.0 DISCONNECT would mean nothing.
    assert_eq!(session.poll_transmit(), None);
}

#[test]
fn a_5_0_brokers_refusal_of_level_4_says_to_use_protocol_version_5() {
    let mut session = awaiting_connack(ProtocolVersion::V311);
    session.handle_bytes(5, &[0x20, 0x03, 0x00, 0x84, 0x00]);
    let cause = lost(&mut session);
    assert_eq!(cause, LostCause::UnsupportedVersion(ProtocolVersion::V311));
    assert!(cause.to_string().contains("connect with protocolVersion 5"));
}

#[test]
fn the_versions_own_refusal_code_is_told_the_same_way() {
    let mut session = awaiting_connack(ProtocolVersion::V311);
    session.handle_bytes(5, &[0x20, 0x02, 0x00, 0x01]);
    assert_eq!(
        lost(&mut session),
        LostCause::UnsupportedVersion(ProtocolVersion::V311)
    );
}

#[test]
fn a_close_before_connack_names_the_other_version_as_what_to_try() {
    let mut session = awaiting_connack(ProtocolVersion::V5);
    session.handle_transport_closed("closed by the broker");
    let cause = lost(&mut session);
    assert_eq!(cause.code(), "CLOSED_BEFORE_CONNACK");
    assert_eq!(cause.version_to_try(), Some(ProtocolVersion::V311));
    assert_eq!(
        cause.to_string(),
        "the connection closed before CONNACK (closed by the broker); if the broker speaks only MQTT 3.1.1, connect with protocolVersion 4"
    );
}

#[test]
fn other_malformed_connacks_stay_protocol_errors() {
    let mut session = awaiting_connack(ProtocolVersion::V5);
    session.handle_bytes(5, &[0x20, 0x02, 0x00, 0x02]);
    assert_eq!(lost(&mut session).code(), "PROTOCOL_ERROR");
}

#[test]
fn the_simulated_3_1_1_only_broker_answers_level_5_with_connack_0x01() {
    let config = BrokerProfile::find("speaks 3.1.1 only").unwrap().config();
    let mut world = World::new(config, 1);
    let v5 = world.add_client(ConnectOptions::new(ProtocolVersion::V5, "five"));
    let v3 = world.add_client(ConnectOptions::new(ProtocolVersion::V311, "three"));
    world.connect(v5);
    world.connect(v3);
    world.run_until_quiet(10_000).unwrap();
    let mut events = Vec::new();
    while let Some(event) = world.poll_event() {
        events.push(event);
    }
    assert!(events.contains(&(
        v5,
        Event::ConnectionLost(LostCause::UnsupportedVersion(ProtocolVersion::V5))
    )));
    assert!(events
        .iter()
        .any(|(client, event)| *client == v3 && matches!(event, Event::Connected { .. })));
    let connacks: Vec<(Vec<u8>, String)> = world
        .poll_trace()
        .iter()
        .filter_map(|event| match event {
            qoscope::trace::TraceEvent::Packet(record)
                if record.client.index() == Some(v5)
                    && record.direction == qoscope::trace::Direction::Incoming =>
            {
                let label = match &record.packet {
                    Ok(packet) => packet.to_string(),
                    Err(error) => error.clone(),
                };
                Some((record.raw.to_vec(), label))
            }
            _ => None,
        })
        .collect();
    // Recorded as the 3.1.1 CONNACK it is, so the diagram labels it as the broker meant it.
    assert_eq!(
        connacks,
        [(
            vec![0x20, 0x02, 0x00, 0x01],
            "CONNACK 0x84 Unsupported Protocol Version".to_owned()
        )]
    );
}

#[test]
fn an_unknown_protocol_level_gets_connack_0x01_before_the_close() {
    let mut broker = qoscope::broker::Broker::new(BrokerConfig::default());
    broker.handle_connection_open(0, 1);
    // CONNECT, protocol name MQTT, level 6, clean session, keep alive 0, empty client id.
    broker.handle_bytes(
        0,
        1,
        &[
            0x10, 0x0C, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x06, 0x02, 0x00, 0x00, 0x00, 0x00,
        ],
    );
    assert_eq!(
        broker.poll_transmit(),
        Some((1, vec![0x20, 0x02, 0x00, 0x01]))
    );
    assert_eq!(broker.poll_close(), Some(1));
}
