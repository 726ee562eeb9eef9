#![cfg(not(target_arch = "wasm32"))]
//! The compact session record the browser keeps in IndexedDB: everything a resumed session
//! needs survives `to_bytes` and `from_bytes`.

use qoscope::codec::{
    Ack, ConnAck, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, ReasonCode, Subscription,
    SubscriptionOptions,
};
use qoscope::session::{ConnectOptions, PublishRequest, Session, SessionState};
use qoscope::trace::ClientTag;

fn session_with_state(version: ProtocolVersion) -> Session {
    let mut options = ConnectOptions::new(version, "saved");
    options.clean_start = false;
    let mut session = Session::new(options, ClientTag(3));
    session.handle_transport_open(0);
    let connack = Packet::ConnAck(ConnAck::new(false, ReasonCode::Success))
        .to_bytes(version)
        .unwrap();
    session.handle_bytes(0, &connack);
    let subscription = Subscription {
        filter: "s/#".into(),
        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
    };
    session
        .subscribe(0, vec![subscription], Default::default())
        .unwrap();
    for (index, qos) in [QoS::AtLeastOnce, QoS::ExactlyOnce, QoS::ExactlyOnce]
        .into_iter()
        .enumerate()
    {
        let mut request = PublishRequest::new(format!("t/{index}"), vec![index as u8; 70_000], qos);
        request.retain = index == 1;
        session.publish(0, request).unwrap();
    }
    // The second QoS 2 message has its PUBREC: it now waits for PUBCOMP.
    let pubrec = Packet::PubRec(Ack::new(Pid::new(4).unwrap()))
        .to_bytes(version)
        .unwrap();
    session.handle_bytes(1, &pubrec);
    // An incoming QoS 2 message held until PUBREL.
    let incoming = Packet::Publish(Publish::new(
        "s/x",
        QosPid::ExactlyOnce(Pid::new(9).unwrap()),
        "held",
    ));
    session.handle_bytes(2, &incoming.to_bytes(version).unwrap());
    session.poll_transmit();
    session
}

#[test]
fn the_session_record_round_trips_everything_a_resume_needs() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let session = session_with_state(version);
        let state = session.state();
        assert_eq!(state.outgoing.len(), 3);
        assert!(!state.incoming_qos2.is_empty());
        let restored =
            SessionState::from_bytes(&state.to_bytes(), session.options().clone(), ClientTag(3))
                .unwrap();
        let summary = |state: &SessionState| {
            let outgoing: Vec<_> = state
                .outgoing
                .iter()
                .map(|(pid, entry)| (*pid, entry.stage, entry.flow, entry.publish.clone()))
                .collect();
            (
                state.has_session,
                state.pids,
                state.next_flow,
                state.connection,
                outgoing,
                state.queued.clone(),
                state.requests.clone(),
                state.incoming_qos2.clone(),
                state.subscriptions.clone(),
            )
        };
        assert_eq!(summary(&restored), summary(&state), "{version}");
    }
}

#[test]
fn a_damaged_record_is_refused_with_a_reason() {
    let state = session_with_state(ProtocolVersion::V5).state();
    let bytes = state.to_bytes();
    let error = SessionState::from_bytes(
        &bytes[..bytes.len() / 2],
        state.options.clone(),
        ClientTag::FIRST,
    )
    .unwrap_err();
    assert!(error.contains("saved session"), "{error}");
    let error =
        SessionState::from_bytes(b"nope", state.options.clone(), ClientTag::FIRST).unwrap_err();
    assert!(error.contains("not a qoscope session"), "{error}");
}

#[test]
fn more_than_65535_messages_queued_while_offline_survive_the_record() {
    let options = ConnectOptions::persistent(ProtocolVersion::V5, "offline", 3600);
    let mut session = Session::new(options, ClientTag::FIRST);
    let queued = 70_000;
    for index in 0..queued {
        let request = PublishRequest::new("q", format!("{index}"), QoS::AtLeastOnce);
        session.publish(0, request).unwrap();
    }
    let state = session.state();
    assert_eq!(state.queued.len(), queued);
    let restored =
        SessionState::from_bytes(&state.to_bytes(), state.options.clone(), ClientTag::FIRST)
            .unwrap();
    assert_eq!(restored.queued, state.queued);
}

#[test]
fn a_record_of_the_first_layout_with_16_bit_counts_is_still_read() {
    let mut bytes = b"QSS1".to_vec();
    bytes.push(1); // has a session
    bytes.extend_from_slice(&7u16.to_be_bytes()); // next packet id
    bytes.extend_from_slice(&5u32.to_be_bytes()); // next flow
    bytes.extend_from_slice(&2u32.to_be_bytes()); // connection
    for _count in [
        "outgoing",
        "queued",
        "requests",
        "incoming",
        "subscriptions",
    ] {
        bytes.extend_from_slice(&0u16.to_be_bytes());
    }
    let options = ConnectOptions::new(ProtocolVersion::V5, "old");
    let state = SessionState::from_bytes(&bytes, options, ClientTag::FIRST).unwrap();
    assert!(state.has_session);
    assert_eq!((state.next_flow, state.connection), (5, 2));
    assert!(state.queued.is_empty() && state.subscriptions.is_empty());
}
