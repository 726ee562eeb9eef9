#![cfg(not(target_arch = "wasm32"))]
//! Scripted session tests (STYLE.md §E.3): the test plays the server, packet by packet, with a
//! clock it moves by hand, and asserts the exact packets the session sends (type, packet id,
//! DUP, QoS, reason codes) and the exact events it reports.
//!
//! Behaviour the two protocol versions share runs once per version ([`scripted::for_both`]).
//! Spec references are the specs' own: §4.3 QoS flows, §4.1 sessions, v5 §4.9 flow control,
//! §3.1.2.10 keep alive, v5 §4.13 errors in server traffic.

mod scripted;

use std::num::{NonZeroU16, NonZeroU32};

use bytes::Bytes;
use qoscope::codec::{
    ConnAck, Disconnect, Packet, PacketType, Properties, PropertyValues, ProtocolVersion, Publish,
    QoS, QosPid, ReasonCode,
};
use qoscope::session::{
    CommandError, ConnectOptions, Event, LostCause, PublishRequest, Session, SessionState,
    SubscribeResult,
};
use qoscope::trace::{
    ClientTag, Direction, FlowId, FlowRole, FlowState, StepKind, TraceEvent, TraceStore,
};
use scripted::*;

// ---- QoS 0/1/2 as sender -------------------------------------------------------------------

#[test]
fn qos0_publish_is_sent_once_without_pid_or_dup_and_reported_when_written() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("t/0", "zero", QoS::AtMostOnce);
        assert_eq!(peer.sent(), [publish("t/0", "zero", QosPid::AtMostOnce)]);
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.session.in_flight(), 0);

        // [MQTT-4.3.1-1]: no retry, not even on a resumed session.
        peer.cut();
        assert_eq!(peer.reconnect(true), []);
    });
}

#[test]
fn qos1_publish_completes_on_puback_with_the_same_pid() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("t/1", "one", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("t/1", "one", q1(1))]);
        assert_eq!(peer.events(), []);
        assert_eq!(peer.session.in_flight(), 1);

        peer.inject(puback(1));
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.session.in_flight(), 0);

        // A second PUBACK for a finished id is ignored (a late ack is not an error).
        peer.inject(puback(1));
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.events(), []);
        assert!(peer.session.is_connected());
    });
}

#[test]
fn qos2_publish_releases_after_pubrec_and_completes_on_pubcomp() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("t/2", "two", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("t/2", "two", q2(1))]);

        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)], "PUBREL reuses the PUBLISH id");
        assert_eq!(peer.events(), [], "not complete before PUBCOMP");
        assert_eq!(peer.session.in_flight(), 1);

        peer.inject(pubcomp(1));
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.session.in_flight(), 0);
    });
}

#[test]
fn pubrec_for_an_unknown_pid_is_answered_with_pubrel() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(pubrec(9));
        let expected = match version {
            V311 => pubrel(9),
            V5 => with_reason(pubrel(9), ReasonCode::PacketIdentifierNotFound),
        };
        assert_eq!(peer.sent(), [expected]);
        assert_eq!(peer.events(), []);
        assert!(peer.session.is_connected());
    });
}

// ---- QoS 0/1/2 as receiver -----------------------------------------------------------------

#[test]
fn qos0_message_is_delivered_without_a_reply() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in/0", "zero", QosPid::AtMostOnce));
        assert_eq!(peer.sent(), []);
        let events = peer.events();
        delivered(&events, "in/0", "zero", QoS::AtMostOnce, false, false);
    });
}

#[test]
fn qos1_receiver_acks_every_publish_and_delivers_a_dup_repeat_as_possible_duplicate() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in/1", "one", q1(5)));
        assert_eq!(peer.sent(), [puback(5)]);
        let first = delivered(
            &peer.events(),
            "in/1",
            "one",
            QoS::AtLeastOnce,
            false,
            false,
        );

        // [v3 MQTT-4.3.2-2], [v5 MQTT-4.3.2-4]: PUBACK every PUBLISH; QoS 1 may duplicate.
        peer.inject(resent(publish("in/1", "one", q1(5))));
        assert_eq!(peer.sent(), [puback(5)]);
        let repeat = delivered(&peer.events(), "in/1", "one", QoS::AtLeastOnce, true, true);
        assert_ne!(first, repeat, "each delivery has its own flow");

        // After PUBACK the id is free: DUP 0 with the same id is a new message.
        peer.inject(publish("in/1", "again", q1(5)));
        assert_eq!(peer.sent(), [puback(5)]);
        delivered(
            &peer.events(),
            "in/1",
            "again",
            QoS::AtLeastOnce,
            false,
            false,
        );
    });
}

#[test]
fn qos2_receiver_answers_a_held_repeat_with_pubrec_and_never_delivers_it_again() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in/2", "two", q2(7)));
        assert_eq!(peer.sent(), [pubrec(7)]);
        delivered(
            &peer.events(),
            "in/2",
            "two",
            QoS::ExactlyOnce,
            false,
            false,
        );
        assert_eq!(peer.session.incoming_held(), [pid(7)]);

        // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-10]: PUBREC again, no second delivery, DUP or not.
        peer.inject(resent(publish("in/2", "two", q2(7))));
        assert_eq!(peer.sent(), [pubrec(7)]);
        assert_eq!(peer.events(), []);
        peer.inject(publish("in/2", "two", q2(7)));
        assert_eq!(peer.sent(), [pubrec(7)]);
        assert_eq!(peer.events(), []);

        peer.inject(pubrel(7));
        assert_eq!(peer.sent(), [pubcomp(7)], "PUBCOMP reuses the id");
        assert_eq!(peer.events(), []);
        assert_eq!(peer.session.incoming_held(), []);

        // After PUBCOMP the id is free: the same id is a new message.
        peer.inject(publish("in/2", "next", q2(7)));
        assert_eq!(peer.sent(), [pubrec(7)]);
        delivered(
            &peer.events(),
            "in/2",
            "next",
            QoS::ExactlyOnce,
            false,
            false,
        );
    });
}

#[test]
fn pubrel_for_an_unknown_pid_is_answered_with_pubcomp() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(pubrel(3));
        // [v3 MQTT-4.3.3-2], [v5 MQTT-4.3.3-11]; v5 says why with 0x92.
        let expected = match version {
            V311 => pubcomp(3),
            V5 => with_reason(pubcomp(3), ReasonCode::PacketIdentifierNotFound),
        };
        assert_eq!(peer.sent(), [expected]);
        assert_eq!(peer.events(), []);
        assert!(peer.session.is_connected());
    });
}

#[test]
fn packets_split_byte_by_byte_or_coalesced_are_acked_in_arrival_order() {
    for_both(|version| {
        for chunk in [1, 2, 5, usize::MAX] {
            let mut peer = Peer::connected(version);
            peer.chunk = chunk;
            peer.inject_all(&[
                publish("a", "1", q1(1)),
                publish("b", "2", q2(2)),
                publish("c", "3", QosPid::AtMostOnce),
                publish("d", "4", q1(3)),
                pubrel(2),
            ]);
            // [MQTT-4.6.0-2], [MQTT-4.6.0-3]: acks in the order the PUBLISHes arrived.
            assert_eq!(
                peer.sent(),
                [puback(1), pubrec(2), puback(3), pubcomp(2)],
                "chunk {chunk}"
            );
            let topics: Vec<String> = peer
                .events()
                .iter()
                .map(|event| message(event).topic.to_string())
                .collect();
            assert_eq!(topics, ["a", "b", "c", "d"], "chunk {chunk}");
        }
    });
}

// ---- packet identifiers --------------------------------------------------------------------

#[test]
fn packet_ids_are_sequential_and_shared_with_subscribe_and_unsubscribe() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.publish("a", "1", QoS::AtLeastOnce);
        peer.publish("a", "2", QoS::ExactlyOnce);
        peer.publish("a", "3", QoS::AtMostOnce);
        let sub = peer.subscribe("s/#", QoS::AtLeastOnce);
        let unsub = peer
            .session
            .unsubscribe(peer.now, vec!["old".into()], Properties::default())
            .unwrap();
        peer.publish("a", "4", QoS::AtLeastOnce);
        assert_eq!((sub.get(), unsub.get()), (3, 4));
        let sent = peer.sent();
        assert_eq!(sent.len(), 6);
        assert_eq!(sent[0], publish("a", "1", q1(1)));
        assert_eq!(sent[1], publish("a", "2", q2(2)));
        assert_eq!(sent[2], publish("a", "3", QosPid::AtMostOnce));
        assert_eq!(sent[3], subscribe(3, "s/#", QoS::AtLeastOnce));
        assert!(
            matches!(&sent[4], Packet::Unsubscribe(u) if u.pid == pid(4) && u.filters == ["old"])
        );
        assert_eq!(sent[5], publish("a", "4", q1(5)));
        assert_eq!(
            peer.events().len(),
            1,
            "the QoS 0 message is reported when written"
        );

        // Acks free ids, but the counter moves on rather than reusing them at once.
        peer.inject(puback(1));
        peer.inject(suback(3, &[ReasonCode::GrantedQoS1]));
        peer.inject(unsuback(version, 4, 1));
        peer.publish("a", "5", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("a", "5", q1(6))]);
        let events = peer.events();
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(matches!(events[0], Event::Published { .. }));
        assert_eq!(
            events[1],
            Event::Subscribed {
                pid: pid(3),
                results: vec![SubscribeResult {
                    filter: "s/#".into(),
                    requested: QoS::AtLeastOnce,
                    outcome: Ok(QoS::AtLeastOnce),
                }],
            }
        );
        assert!(matches!(&events[2], Event::Unsubscribed { pid: p, .. } if *p == pid(4)));
    });
}

#[test]
fn packet_ids_skip_ids_still_in_flight_and_wrap_from_65535_to_1() {
    for_both(|version| {
        let mut options = resumable(version);
        options.trace = false;
        let mut peer = Peer::new(options);
        peer.connect();

        // Id 1 stays unacknowledged while every other id is used once.
        peer.publish("held", "h", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("held", "h", q1(1))]);
        for expected in 2..=u16::MAX {
            peer.publish("cycle", "c", QoS::AtLeastOnce);
            assert_eq!(peer.sent(), [publish("cycle", "c", q1(expected))]);
            peer.inject(puback(expected));
        }
        // 65535 wraps to 1, which is in flight: [v3 MQTT-2.3.1-2], [v5 MQTT-2.2.1-3].
        peer.publish("cycle", "c", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("cycle", "c", q1(2))]);
        peer.inject(puback(2));
        peer.inject(puback(1));

        // With every id free, the counter runs up to 65535 and wraps to 1.
        for expected in 3..=u16::MAX {
            peer.publish("cycle", "c", QoS::AtLeastOnce);
            assert_eq!(peer.sent(), [publish("cycle", "c", q1(expected))]);
            peer.inject(puback(expected));
        }
        peer.publish("cycle", "c", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("cycle", "c", q1(1))]);
        peer.inject(puback(1));

        let events = peer.events();
        assert_eq!(events.len(), 2 * 65_535);
        assert!(events.iter().all(|event| matches!(
            event,
            Event::Published {
                reason: ReasonCode::Success,
                ..
            }
        )));
        assert_eq!(peer.session.in_flight(), 0);
    });
}

// ---- loss points, each followed by cut + reconnect ----------------------------------------

#[test]
fn lost_qos1_publish_is_resent_with_dup_and_its_original_pid_after_reconnect() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.publish("warm", "up", QoS::AtLeastOnce);
        peer.inject(puback(1));
        assert_eq!(peer.sent(), [publish("warm", "up", q1(1))]);
        peer.events();

        let flow = peer.publish("loss", "m", QoS::AtLeastOnce);
        let lost = peer.sent();
        assert_eq!(lost, [publish("loss", "m", q1(2))]);
        peer.cut();

        // [MQTT-4.4.0-1], [v3 MQTT-2.3.1-3]: same id, DUP=1.
        assert_eq!(peer.reconnect(true), [resent(publish("loss", "m", q1(2)))]);
        peer.inject(puback(2));
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.session.in_flight(), 0);
    });
}

#[test]
fn lost_qos2_publish_is_resent_with_dup_and_its_original_pid_after_reconnect() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("loss", "m", QoS::ExactlyOnce);
        let lost = peer.sent();
        assert_eq!(lost, [publish("loss", "m", q2(1))]);
        peer.cut();

        assert_eq!(peer.reconnect(true), [resent(publish("loss", "m", q2(1)))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.session.in_flight(), 0);
    });
}

#[test]
fn lost_puback_leads_to_one_resend_with_dup_and_a_single_completion() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("loss", "m", QoS::AtLeastOnce);
        // The server got the PUBLISH; its PUBACK is lost (never injected).
        assert_eq!(peer.sent(), [publish("loss", "m", q1(1))]);
        peer.cut();

        assert_eq!(peer.reconnect(true), [resent(publish("loss", "m", q1(1)))]);
        peer.inject(puback(1));
        assert_eq!(peer.events(), [published(flow)]);
        // A stale second PUBACK (say, from the first connection) changes nothing.
        peer.inject(puback(1));
        assert_eq!(peer.events(), []);
        assert_eq!(peer.sent(), []);
    });
}

#[test]
fn lost_pubrec_leads_to_the_publish_resent_with_dup() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("loss", "m", QoS::ExactlyOnce);
        // The server holds the id; its PUBREC is lost.
        assert_eq!(peer.sent(), [publish("loss", "m", q2(1))]);
        peer.cut();

        assert_eq!(peer.reconnect(true), [resent(publish("loss", "m", q2(1)))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.sent(), []);
    });
}

#[test]
fn lost_pubrel_is_resent_after_reconnect_and_never_the_publish() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("loss", "m", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("loss", "m", q2(1))]);
        peer.inject(pubrec(1));
        let lost = peer.sent();
        assert_eq!(lost, [pubrel(1)]);
        peer.cut();

        // [v3 MQTT-4.3.3-1], [v5 MQTT-4.3.3-6]: only the PUBREL, never the PUBLISH.
        assert_eq!(peer.reconnect(true), [pubrel(1)]);
        assert_eq!(peer.events(), []);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.session.in_flight(), 0);

        // Again across two cuts in a row.
        let flow = peer.publish("loss", "n", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("loss", "n", q2(2))]);
        peer.inject(pubrec(2));
        assert_eq!(peer.sent(), [pubrel(2)]);
        peer.cut();
        assert_eq!(peer.reconnect(true), [pubrel(2)]);
        peer.cut();
        assert_eq!(peer.reconnect(true), [pubrel(2)]);
        peer.inject(pubcomp(2));
        assert_eq!(peer.events(), [published(flow)]);
    });
}

#[test]
fn lost_pubcomp_leads_to_the_pubrel_resent() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("loss", "m", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("loss", "m", q2(1))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        // The server completed; its PUBCOMP is lost.
        peer.cut();

        assert_eq!(peer.reconnect(true), [pubrel(1)]);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(flow)]);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.session.in_flight(), 0);
    });
}

#[test]
fn v5_pubcomp_0x92_after_a_resent_pubrel_still_reports_the_message_published() {
    let mut peer = Peer::connected(V5);
    let flow = peer.publish("loss", "m", QoS::ExactlyOnce);
    assert_eq!(peer.sent(), [publish("loss", "m", q2(1))]);
    peer.inject(pubrec(1));
    assert_eq!(peer.sent(), [pubrel(1)]);
    // The server sent PUBCOMP and forgot the id; that PUBCOMP is lost.
    peer.cut();

    assert_eq!(peer.reconnect(true), [pubrel(1)]);
    // [v5 MQTT-4.3.3-11]: a PUBREL for an id the server no longer knows gets PUBCOMP 0x92.
    peer.inject(with_reason(
        pubcomp(1),
        ReasonCode::PacketIdentifierNotFound,
    ));
    let events = peer.events();
    assert!(
        matches!(events.as_slice(), [Event::Published { flow: f, .. }] if *f == flow),
        "the server owned the message since PUBREC (v5 §4.3.3); got {events:?}"
    );
    assert_eq!(peer.session.in_flight(), 0);
}

#[test]
fn lost_puback_of_ours_gets_the_dup_repeat_acked_and_delivered_as_possible_duplicate() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in", "m", q1(4)));
        let lost = peer.sent();
        assert_eq!(lost, [puback(4)]);
        delivered(&peer.events(), "in", "m", QoS::AtLeastOnce, false, false);
        peer.cut();

        assert_eq!(peer.reconnect(true), []);
        peer.inject(resent(publish("in", "m", q1(4))));
        assert_eq!(peer.sent(), [puback(4)]);
        delivered(&peer.events(), "in", "m", QoS::AtLeastOnce, true, true);
    });
}

#[test]
fn lost_pubrec_of_ours_gets_pubrec_again_and_the_message_is_delivered_exactly_once() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in", "m", q2(4)));
        let lost = peer.sent();
        assert_eq!(lost, [pubrec(4)]);
        delivered(&peer.events(), "in", "m", QoS::ExactlyOnce, false, false);
        peer.cut();

        // The held id is session state: it survives the connection.
        assert_eq!(peer.session.incoming_held(), [pid(4)]);
        assert_eq!(peer.reconnect(true), []);
        peer.inject(resent(publish("in", "m", q2(4))));
        assert_eq!(peer.sent(), [pubrec(4)]);
        assert_eq!(
            peer.events(),
            [],
            "a held QoS 2 id is never delivered twice"
        );
        peer.inject(pubrel(4));
        assert_eq!(peer.sent(), [pubcomp(4)]);
        assert_eq!(peer.events(), []);
        assert_eq!(peer.session.incoming_held(), []);
    });
}

#[test]
fn lost_pubcomp_of_ours_is_sent_again_when_the_server_resends_pubrel() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.inject(publish("in", "m", q2(4)));
        assert_eq!(peer.sent(), [pubrec(4)]);
        delivered(&peer.events(), "in", "m", QoS::ExactlyOnce, false, false);
        peer.inject(pubrel(4));
        let lost = peer.sent();
        assert_eq!(lost, [pubcomp(4)]);
        peer.cut();

        assert_eq!(peer.reconnect(true), []);
        peer.inject(pubrel(4));
        let expected = match version {
            V311 => pubcomp(4),
            V5 => with_reason(pubcomp(4), ReasonCode::PacketIdentifierNotFound),
        };
        assert_eq!(peer.sent(), [expected]);
        assert_eq!(peer.events(), []);
    });
}

#[test]
fn several_messages_in_flight_are_resent_in_their_original_order() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let a = peer.publish("o/a", "a", QoS::AtLeastOnce);
        let b = peer.publish("o/b", "b", QoS::ExactlyOnce);
        let c = peer.publish("o/c", "c", QoS::ExactlyOnce);
        let d = peer.publish("o/d", "d", QoS::AtLeastOnce);
        let e = peer.publish("o/e", "e", QoS::AtMostOnce);
        assert_eq!(
            peer.sent(),
            [
                publish("o/a", "a", q1(1)),
                publish("o/b", "b", q2(2)),
                publish("o/c", "c", q2(3)),
                publish("o/d", "d", q1(4)),
                publish("o/e", "e", QosPid::AtMostOnce),
            ]
        );
        assert_eq!(peer.events(), [published(e)]);
        peer.inject(pubrec(2));
        assert_eq!(peer.sent(), [pubrel(2)]);
        peer.cut();

        // [MQTT-4.6.0-1]: original order; b only as PUBREL; the QoS 0 message is gone.
        let resends = [
            resent(publish("o/a", "a", q1(1))),
            pubrel(2),
            resent(publish("o/c", "c", q2(3))),
            resent(publish("o/d", "d", q1(4))),
        ];
        assert_eq!(peer.reconnect(true), resends);
        // Lost again: the same order next time.
        peer.cut();
        assert_eq!(peer.reconnect(true), resends);

        peer.inject_all(&[puback(1), pubcomp(2), pubrec(3), puback(4)]);
        assert_eq!(peer.sent(), [pubrel(3)]);
        peer.inject(pubcomp(3));
        assert_eq!(
            peer.events(),
            [published(a), published(b), published(d), published(c)]
        );
        assert_eq!(peer.session.in_flight(), 0);
    });
}

// ---- sessions ------------------------------------------------------------------------------

#[test]
fn reconnect_uses_clean_start_0_when_the_session_can_be_resumed() {
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        let first = peer.connect();
        match version {
            // v3 CleanSession 0 from the start.
            V311 => assert!(!first.clean_start),
            // v5: Clean Start 1 on the first connection, the session outlives it by SEI.
            V5 => {
                assert!(first.clean_start);
                assert_eq!(first.properties.session_expiry_interval, Some(3600));
            }
        }
        peer.cut();
        let second = peer.open();
        assert!(!second.clean_start);
        assert_eq!(second.client_id, "scripted");
    });
}

#[test]
fn reconnect_starts_clean_when_no_session_outlives_the_connection() {
    for_both(|version| {
        // v3 CleanSession 1; v5 without Session Expiry Interval (0: ends with the connection).
        let mut peer = Peer::new(ConnectOptions::new(version, "plain"));
        assert!(peer.connect().clean_start);
        peer.cut();
        assert!(peer.open().clean_start);
    });

    // v5: the server's Session Expiry Interval 0 in CONNACK overrides ours.
    let mut peer = Peer::new(resumable(V5));
    peer.open();
    let properties = Properties::from(PropertyValues {
        session_expiry_interval: Some(0),
        ..PropertyValues::default()
    });
    peer.accept(false, properties);
    peer.cut();
    assert!(peer.open().clean_start);
}

#[test]
fn session_present_0_after_a_resume_reports_session_lost_and_requeues_messages_as_new() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.subscribe("s/#", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [subscribe(1, "s/#", QoS::AtLeastOnce)]);
        peer.inject(suback(1, &[ReasonCode::GrantedQoS1]));
        assert_eq!(peer.events().len(), 1);

        let a = peer.publish("l/a", "a", QoS::AtLeastOnce);
        let b = peer.publish("l/b", "b", QoS::ExactlyOnce);
        let c = peer.publish("l/c", "c", QoS::ExactlyOnce);
        assert_eq!(peer.sent().len(), 3);
        peer.inject(pubrec(4));
        assert_eq!(peer.sent(), [pubrel(4)]);
        peer.inject(publish("s/in", "held", q2(9)));
        assert_eq!(peer.sent(), [pubrec(9)]);
        assert_eq!(peer.events().len(), 1);
        peer.cut();

        let connect = peer.open();
        assert!(!connect.clean_start);
        peer.accept(false, Properties::default());
        // c had its PUBREC: the server took it, but a server that forwards on PUBREL may never
        // have delivered it, and without the session it never will: its outcome is unknown,
        // and it is not sent again. a and b go again as new messages (new ids, DUP 0) after
        // the subscription is made again.
        assert_eq!(
            peer.events(),
            [
                Event::PublishUnknown { flow: c },
                Event::SessionLost { requeued: 2 }
            ]
        );
        assert_eq!(
            peer.sent(),
            [
                subscribe(5, "s/#", QoS::AtLeastOnce),
                publish("l/a", "a", q1(6)),
                publish("l/b", "b", q2(7)),
            ]
        );
        assert_eq!(
            peer.session.incoming_held(),
            [],
            "held ids went with the session"
        );

        // The server's id 9 is a new message on the new session.
        peer.inject(publish("s/in", "fresh", q2(9)));
        assert_eq!(peer.sent(), [pubrec(9)]);
        delivered(
            &peer.events(),
            "s/in",
            "fresh",
            QoS::ExactlyOnce,
            false,
            false,
        );

        peer.inject_all(&[suback(5, &[ReasonCode::GrantedQoS1]), puback(6), pubrec(7)]);
        assert_eq!(peer.sent(), [pubrel(7)]);
        peer.inject(pubcomp(7));
        let events = peer.events();
        assert!(matches!(events[0], Event::Subscribed { .. }), "{events:?}");
        assert_eq!(events[1..], [published(a), published(b)]);
    });
}

#[test]
fn with_republish_unconfirmed_a_qos2_message_past_pubrec_is_published_again_after_a_lost_session() {
    for_both(|version| {
        let mut options = resumable(version);
        options.republish_unconfirmed = true;
        let mut peer = Peer::new(options);
        peer.connect();
        let flow = peer.publish("l/c", "kept", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("l/c", "kept", q2(1))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        peer.cut();
        peer.open();
        peer.accept(false, Properties::default());
        // At least once: the payload was kept past PUBREC, and it goes again as a new message.
        assert_eq!(peer.events(), [Event::SessionLost { requeued: 1 }]);
        assert_eq!(peer.sent(), [publish("l/c", "kept", q2(2))]);
        peer.inject(pubrec(2));
        assert_eq!(peer.sent(), [pubrel(2)]);
        peer.inject(pubcomp(2));
        assert_eq!(peer.events(), [published(flow)]);
    });
}

#[test]
fn a_lost_session_after_pubrec_is_noted_in_the_trace() {
    let mut peer = Peer::connected(ProtocolVersion::V5);
    peer.publish("l/c", "c", QoS::ExactlyOnce);
    peer.sent();
    peer.inject(pubrec(1));
    peer.sent();
    peer.cut();
    peer.open();
    peer.accept(false, Properties::default());
    let notes: Vec<String> = peer
        .session
        .poll_trace()
        .into_iter()
        .filter_map(|event| match event {
            TraceEvent::Note(note) => Some(note.text),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        ["session lost after PUBREC of id=1: delivery unknown, not sent again"]
    );
}

#[test]
fn messages_and_subscriptions_made_offline_are_sent_after_connack() {
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        let a = peer.publish("q/a", "a", QoS::AtLeastOnce);
        let sub = peer.subscribe("q/#", QoS::ExactlyOnce);
        let b = peer.publish("q/b", "b", QoS::AtMostOnce);
        assert_eq!(sub, pid(1));
        assert_eq!(peer.session.queued(), 2);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.events(), []);

        // Nothing but CONNECT before CONNACK; a publish made meanwhile waits too.
        peer.open();
        let c = peer.publish("q/c", "c", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), []);
        peer.accept(false, Properties::default());
        assert_eq!(
            peer.sent(),
            [
                subscribe(1, "q/#", QoS::ExactlyOnce),
                publish("q/a", "a", q1(2)),
                publish("q/b", "b", QosPid::AtMostOnce),
                publish("q/c", "c", q2(3)),
            ]
        );
        assert_eq!(peer.session.queued(), 0);
        assert_eq!(peer.events(), [published(b)]);

        peer.inject_all(&[suback(1, &[ReasonCode::GrantedQoS2]), puback(2), pubrec(3)]);
        assert_eq!(peer.sent(), [pubrel(3)]);
        peer.inject(pubcomp(3));
        let events = peer.events();
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(events[1..], [published(a), published(c)]);
    });
}

// ---- v5 flow control and server capabilities ---------------------------------------------

fn connack_properties(edit: impl FnOnce(&mut Properties)) -> Properties {
    let mut properties = Properties::default();
    edit(&mut properties);
    properties
}

fn connected_v5(options: ConnectOptions, connack: Properties) -> Peer {
    let mut peer = Peer::new(options);
    peer.open();
    peer.accept(false, connack);
    assert_eq!(peer.sent(), []);
    assert_eq!(peer.events(), []);
    peer
}

#[test]
fn v5_receive_maximum_from_connack_limits_messages_in_flight() {
    let connack = connack_properties(|p| p.receive_maximum = NonZeroU16::new(2));
    let mut peer = connected_v5(resumable(V5), connack);
    let a = peer.publish("r", "a", QoS::AtLeastOnce);
    peer.publish("r", "b", QoS::ExactlyOnce);
    peer.publish("r", "c", QoS::AtLeastOnce);
    // [v5 MQTT-3.3.4-7], [v5 MQTT-4.9.0-2]: two in flight, the third waits.
    assert_eq!(
        peer.sent(),
        [publish("r", "a", q1(1)), publish("r", "b", q2(2))]
    );
    assert_eq!(peer.session.send_quota(), 0);
    assert_eq!(peer.session.queued(), 1);

    // Acks are never held back by the quota ([v5 MQTT-3.3.4-8]).
    peer.inject(pubrec(2));
    assert_eq!(peer.sent(), [pubrel(2)]);
    peer.inject(publish("in", "x", q1(1)));
    assert_eq!(peer.sent(), [puback(1)]);
    peer.events();

    peer.inject(puback(1));
    assert_eq!(peer.events(), [published(a)]);
    assert_eq!(peer.sent(), [publish("r", "c", q1(3))]);
    assert_eq!(peer.session.queued(), 0);
}

#[test]
fn v5_qos2_holds_send_quota_until_pubcomp() {
    let connack = connack_properties(|p| p.receive_maximum = NonZeroU16::new(1));
    let mut peer = connected_v5(resumable(V5), connack);
    let a = peer.publish("r", "a", QoS::ExactlyOnce);
    peer.publish("r", "b", QoS::AtLeastOnce);
    assert_eq!(peer.sent(), [publish("r", "a", q2(1))]);
    peer.inject(pubrec(1));
    assert_eq!(peer.sent(), [pubrel(1)], "still one message in flight");
    peer.inject(pubcomp(1));
    assert_eq!(peer.events(), [published(a)]);
    assert_eq!(peer.sent(), [publish("r", "b", q1(2))]);
}

#[test]
fn v5_resend_after_reconnect_respects_the_new_receive_maximum() {
    let mut peer = Peer::connected(V5);
    let flows: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|payload| peer.publish("r", payload, QoS::AtLeastOnce))
        .collect();
    assert_eq!(peer.sent().len(), 3);
    peer.cut();

    peer.open();
    let connack = connack_properties(|p| p.receive_maximum = NonZeroU16::new(2));
    peer.accept(true, connack);
    // v5 §4.9: quota restarts per connection and re-sent PUBLISHes count against it.
    assert_eq!(
        peer.sent(),
        [
            resent(publish("r", "a", q1(1))),
            resent(publish("r", "b", q1(2)))
        ]
    );
    peer.inject(puback(1));
    assert_eq!(peer.sent(), [resent(publish("r", "c", q1(3)))]);
    peer.inject_all(&[puback(2), puback(3)]);
    assert_eq!(
        peer.events(),
        [
            published(flows[0]),
            published(flows[1]),
            published(flows[2])
        ]
    );
}

#[test]
fn v5_puback_or_pubrec_with_a_failure_code_ends_the_flow_and_restores_quota() {
    let connack = connack_properties(|p| p.receive_maximum = NonZeroU16::new(1));
    let mut peer = connected_v5(resumable(V5), connack);
    let a = peer.publish("f", "a", QoS::AtLeastOnce);
    let b = peer.publish("f", "b", QoS::ExactlyOnce);
    assert_eq!(peer.sent(), [publish("f", "a", q1(1))]);

    // [v5 MQTT-4.4.0-2]: a failing PUBACK acknowledges; nothing is re-sent; quota +1.
    peer.inject(with_reason(puback(1), ReasonCode::NotAuthorized));
    assert_eq!(
        peer.events(),
        [Event::PublishFailed {
            flow: a,
            reason: ReasonCode::NotAuthorized,
            reason_string: None
        }]
    );
    assert_eq!(peer.sent(), [publish("f", "b", q2(2))]);

    // [v5 MQTT-4.3.3-4]: a failing PUBREC ends the flow; no PUBREL.
    let mut refusal = qoscope::codec::Ack::with_reason(pid(2), ReasonCode::QuotaExceeded);
    refusal.properties.reason_string = Some("over quota".into());
    peer.inject(Packet::PubRec(refusal));
    assert_eq!(
        peer.events(),
        [Event::PublishFailed {
            flow: b,
            reason: ReasonCode::QuotaExceeded,
            reason_string: Some("over quota".into())
        }]
    );
    assert_eq!(peer.sent(), []);
    assert_eq!(peer.session.in_flight(), 0);
    assert_eq!(peer.session.send_quota(), 1);

    // Nothing of either is re-sent on a resumed session.
    peer.cut();
    assert_eq!(peer.reconnect(true), []);
    peer.publish("f", "c", QoS::AtLeastOnce);
    assert_eq!(peer.sent(), [publish("f", "c", q1(3))]);
}

#[test]
fn v5_no_matching_subscribers_is_success() {
    let mut peer = Peer::connected(V5);
    let a = peer.publish("nobody", "a", QoS::AtLeastOnce);
    let b = peer.publish("nobody", "b", QoS::ExactlyOnce);
    assert_eq!(peer.sent().len(), 2);
    peer.inject(with_reason(puback(1), ReasonCode::NoMatchingSubscribers));
    assert_eq!(
        peer.events(),
        [Event::Published {
            flow: a,
            reason: ReasonCode::NoMatchingSubscribers
        }]
    );
    peer.inject(with_reason(pubrec(2), ReasonCode::NoMatchingSubscribers));
    assert_eq!(
        peer.sent(),
        [pubrel(2)],
        "0x10 in PUBREC is success: release"
    );
    peer.inject(pubcomp(2));
    assert_eq!(peer.events(), [published(b)]);
}

#[test]
fn v5_auto_topic_alias_replaces_a_repeated_topic_with_its_alias() {
    let mut options = resumable(V5);
    options.auto_topic_alias = true;
    let connack = connack_properties(|p| p.topic_alias_maximum = Some(2));
    let mut peer = connected_v5(options, connack.clone());

    peer.publish("a/b", "1", QoS::AtMostOnce);
    peer.publish("a/b", "2", QoS::AtLeastOnce);
    peer.publish("c", "3", QoS::AtMostOnce);
    peer.publish("d", "4", QoS::AtMostOnce);
    peer.publish("c", "5", QoS::AtMostOnce);
    assert_eq!(
        peer.sent(),
        [
            aliased("a/b", 1, "1", QosPid::AtMostOnce),
            aliased("", 1, "2", q1(1)),
            aliased("c", 2, "3", QosPid::AtMostOnce),
            // Topic Alias Maximum 2 reached: the full topic, no alias ([v5 MQTT-3.2.2-17]).
            publish("d", "4", QosPid::AtMostOnce),
            aliased("", 2, "5", QosPid::AtMostOnce),
        ]
    );
    peer.events();
    peer.cut();

    // [v5 MQTT-3.3.2-7]: mappings end with the connection; the re-sent PUBLISH has its topic.
    peer.open();
    peer.accept(true, connack);
    assert_eq!(peer.sent(), [resent(publish("a/b", "2", q1(1)))]);
    peer.publish("a/b", "6", QoS::AtMostOnce);
    assert_eq!(peer.sent(), [aliased("a/b", 1, "6", QosPid::AtMostOnce)]);

    // Without a Topic Alias Maximum from the server, no alias at all.
    let mut options = resumable(V5);
    options.auto_topic_alias = true;
    let mut peer = connected_v5(options, Properties::default());
    peer.publish("a/b", "1", QoS::AtMostOnce);
    peer.publish("a/b", "2", QoS::AtMostOnce);
    assert_eq!(
        peer.sent(),
        [
            publish("a/b", "1", QosPid::AtMostOnce),
            publish("a/b", "2", QosPid::AtMostOnce)
        ]
    );
}

fn alias_receiver(maximum: Option<u16>) -> Peer {
    let mut options = resumable(V5);
    options.properties.topic_alias_maximum = maximum;
    let mut peer = Peer::new(options);
    let connect = peer.open();
    assert_eq!(connect.properties.topic_alias_maximum, maximum);
    peer.accept(false, Properties::default());
    peer
}

#[test]
fn v5_incoming_topic_alias_mapping_is_set_and_used() {
    let mut peer = alias_receiver(Some(3));
    peer.inject(aliased("x/y", 3, "1", QosPid::AtMostOnce));
    delivered(&peer.events(), "x/y", "1", QoS::AtMostOnce, false, false);
    peer.inject(aliased("", 3, "2", q1(1)));
    assert_eq!(peer.sent(), [puback(1)]);
    delivered(&peer.events(), "x/y", "2", QoS::AtLeastOnce, false, false);
    // A topic with a known alias replaces the mapping.
    peer.inject(aliased("x/z", 3, "3", QosPid::AtMostOnce));
    peer.inject(aliased("", 3, "4", QosPid::AtMostOnce));
    let topics: Vec<String> = peer
        .events()
        .iter()
        .map(|event| message(event).topic.to_string())
        .collect();
    assert_eq!(topics, ["x/z", "x/z"]);
    assert!(peer.session.is_connected());
}

#[test]
fn v5_incoming_topic_alias_above_our_maximum_is_disconnect_0x94() {
    for (maximum, alias) in [(Some(3), 4), (None, 1)] {
        let mut peer = alias_receiver(maximum);
        peer.publish("mine", "m", QoS::AtLeastOnce);
        assert_eq!(peer.sent().len(), 1);
        peer.inject(aliased("x", alias, "1", QosPid::AtMostOnce));
        // v5 §3.3.4, [v5 MQTT-3.3.2-10].
        expect_disconnect(&peer.sent(), ReasonCode::TopicAliasInvalid, "MQTT-3.3.2-10");
        assert!(violation(&peer.expect_close()).contains("Topic Alias"));
        // The in-flight message survives for the next connection.
        assert_eq!(peer.reconnect(true), [resent(publish("mine", "m", q1(1)))]);
    }
}

#[test]
fn v5_empty_topic_with_an_unknown_alias_is_disconnect_0x82() {
    let mut peer = alias_receiver(Some(3));
    peer.inject(aliased("", 2, "1", QosPid::AtMostOnce));
    expect_disconnect(&peer.sent(), ReasonCode::ProtocolError, "§3.3.4");
    violation(&peer.expect_close());

    // A mapping from the last connection is unknown on this one ([v5 MQTT-3.3.2-7]).
    let mut peer = alias_receiver(Some(3));
    peer.inject(aliased("x", 1, "1", QosPid::AtMostOnce));
    peer.events();
    peer.cut();
    assert_eq!(peer.reconnect(true), []);
    peer.inject(aliased("", 1, "2", QosPid::AtMostOnce));
    expect_disconnect(&peer.sent(), ReasonCode::ProtocolError, "§3.3.4");
    violation(&peer.expect_close());
}

#[test]
fn v5_server_assigned_client_identifier_is_reused_on_reconnect() {
    let mut options = resumable(V5);
    options.client_id = String::new();
    let mut peer = Peer::new(options);
    assert_eq!(peer.open().client_id, "");
    let connack = connack_properties(|p| p.assigned_client_identifier = Some("auto-7f3a".into()));
    peer.accept(false, connack);
    peer.cut();
    // [v5 MQTT-3.2.2-16]: resume under the assigned identifier.
    let connect = peer.open();
    assert_eq!(connect.client_id, "auto-7f3a");
    assert!(!connect.clean_start);
}

#[test]
fn v5_server_keep_alive_overrides_ours() {
    let mut peer = Peer::new(resumable(V5));
    assert_eq!(peer.open().keep_alive, 60);
    peer.accept(
        false,
        connack_properties(|p| p.server_keep_alive = Some(10)),
    );
    // [v5 MQTT-3.2.2-21]: 10 s, so PINGREQ after 7.5 s idle.
    assert_eq!(peer.session.poll_timeout(), Some(7_500));
    peer.advance(7_499);
    assert_eq!(peer.sent(), []);
    peer.advance(1);
    assert_eq!(peer.sent(), [Packet::PingReq]);
}

#[test]
fn v5_maximum_qos_from_connack_refuses_a_qos2_publish_with_a_command_error() {
    let mut peer = Peer::new(resumable(V5));
    // Queued before the limit was known: it fails when it would be sent.
    let early = peer.publish("m", "early", QoS::ExactlyOnce);
    peer.open();
    peer.accept(
        false,
        connack_properties(|p| p.maximum_qos = Some(QoS::AtLeastOnce)),
    );
    assert_eq!(peer.sent(), []);
    match peer.events().as_slice() {
        [Event::PublishFailed {
            flow,
            reason: ReasonCode::QoSNotSupported,
            reason_string: Some(text),
        }] if *flow == early => assert!(text.contains("MQTT-3.2.2-11"), "{text}"),
        other => panic!("expected PublishFailed 0x9B, got {other:?}"),
    }

    // [v5 MQTT-3.2.2-11]: refused before anything is queued or sent.
    let refused = peer
        .session
        .publish(peer.now, PublishRequest::new("m", "late", QoS::ExactlyOnce));
    let error = refused.unwrap_err();
    assert_eq!(
        error,
        CommandError::QosNotSupported {
            max: QoS::AtLeastOnce,
            asked: QoS::ExactlyOnce
        }
    );
    assert!(error.to_string().contains("MQTT-3.2.2-11"), "{error}");
    assert_eq!(peer.session.queued(), 0);
    assert_eq!(peer.sent(), []);
    assert_eq!(peer.events(), []);

    peer.publish("m", "ok", QoS::AtLeastOnce);
    let sent = peer.sent();
    assert!(
        matches!(sent.as_slice(), [Packet::Publish(p)] if p.topic == "m" && p.qos() == QoS::AtLeastOnce && !p.dup),
        "{sent:?}"
    );
}

#[test]
fn v5_server_maximum_packet_size_fails_an_oversized_publish_with_0x95() {
    let mut peer = connected_v5(
        resumable(V5),
        connack_properties(|p| p.maximum_packet_size = NonZeroU32::new(64)),
    );
    // The command is accepted and the flow fails at once with a local 0x95: nothing is sent.
    let big = peer.publish_request(PublishRequest::new(
        "big",
        vec![b'x'; 100],
        QoS::AtLeastOnce,
    ));
    assert_eq!(peer.sent(), []);
    match peer.events().as_slice() {
        [Event::PublishFailed {
            flow,
            reason: ReasonCode::PacketTooLarge,
            reason_string: Some(text),
        }] if *flow == big => {
            assert!(text.contains("MQTT-3.2.2-15"), "{text}");
            assert!(text.contains("at most 64"), "{text}");
        }
        other => panic!("expected PublishFailed 0x95, got {other:?}"),
    }
    assert_eq!(peer.session.in_flight(), 0);
    assert_eq!(peer.session.send_quota(), u16::MAX);

    // A message that fits still goes.
    let small = peer.publish("small", "fits", QoS::AtLeastOnce);
    let sent = peer.sent();
    assert!(
        matches!(sent.as_slice(), [Packet::Publish(p)] if p.topic == "small" && !p.dup),
        "{sent:?}"
    );
    let Packet::Publish(p) = &sent[0] else {
        unreachable!()
    };
    peer.inject(Packet::PubAck(qoscope::codec::Ack::new(
        p.qos_pid.pid().unwrap(),
    )));
    assert_eq!(peer.events(), [published(small)]);
}

#[test]
fn v5_packet_larger_than_our_maximum_packet_size_is_disconnect_0x95() {
    let mut options = resumable(V5);
    options.properties.maximum_packet_size = NonZeroU32::new(64);
    let mut peer = Peer::new(options);
    assert_eq!(
        peer.open().properties.maximum_packet_size,
        NonZeroU32::new(64)
    );
    peer.accept(false, Properties::default());
    peer.publish("mine", "m", QoS::AtLeastOnce);
    assert_eq!(peer.sent().len(), 1);

    let big = Publish::new("in", q1(1), Bytes::from(vec![b'x'; 100]));
    peer.inject(Packet::Publish(big));
    // [v5 MQTT-3.1.2-24].
    expect_disconnect(&peer.sent(), ReasonCode::PacketTooLarge, "MQTT-3.1.2-24");
    let cause = peer.expect_close();
    assert!(
        violation(&cause).contains("maximum packet size of 64"),
        "{cause}"
    );
    assert_eq!(peer.reconnect(true), [resent(publish("mine", "m", q1(1)))]);
}

#[test]
fn v5_server_disconnect_ends_the_connection_without_a_disconnect_in_reply() {
    let mut peer = Peer::connected(V5);
    peer.publish("mine", "m", QoS::AtLeastOnce);
    assert_eq!(peer.sent().len(), 1);
    let mut disconnect = Disconnect::with_reason(ReasonCode::ServerShuttingDown);
    disconnect.properties.reason_string = Some("maintenance".into());
    peer.inject(Packet::Disconnect(disconnect));
    // v5 §3.14.4: stop sending, close, no DISCONNECT back.
    assert_eq!(peer.sent(), []);
    assert_eq!(
        peer.expect_close(),
        LostCause::ServerDisconnect {
            reason: ReasonCode::ServerShuttingDown,
            reason_string: Some("maintenance".into()),
        }
    );
    assert_eq!(peer.reconnect(true), [resent(publish("mine", "m", q1(1)))]);
}

#[test]
fn v3_disconnect_from_the_server_closes_as_a_protocol_violation() {
    let mut peer = Peer::connected(V311);
    peer.inject(Packet::Disconnect(Disconnect::normal()));
    assert_eq!(peer.sent(), []);
    assert!(violation(&peer.expect_close()).contains("§3.14"));
}

#[test]
fn v5_more_qos2_messages_than_our_receive_maximum_is_disconnect_0x93() {
    let mut options = resumable(V5);
    options.properties.receive_maximum = NonZeroU16::new(2);
    let mut peer = Peer::new(options);
    assert_eq!(peer.open().properties.receive_maximum, NonZeroU16::new(2));
    peer.accept(false, Properties::default());
    peer.inject_all(&[publish("in", "1", q2(1)), publish("in", "2", q2(2))]);
    assert_eq!(peer.sent(), [pubrec(1), pubrec(2)]);
    assert_eq!(peer.events().len(), 2);
    // A repeat of a held id is no new message; QoS 1 is acked at once and holds nothing.
    peer.inject_all(&[
        resent(publish("in", "1", q2(1))),
        publish("in", "q1", q1(3)),
    ]);
    assert_eq!(peer.sent(), [pubrec(1), puback(3)]);
    assert_eq!(peer.events().len(), 1);

    // A third unreleased QoS 2 message breaks our Receive Maximum (v5 §3.3.4).
    peer.inject(publish("in", "3", q2(4)));
    expect_disconnect(&peer.sent(), ReasonCode::ReceiveMaximumExceeded, "§3.3.4");
    violation(&peer.expect_close());
    assert_eq!(peer.session.incoming_held(), [pid(1), pid(2)]);
}

#[test]
fn v5_retain_not_available_refuses_a_retained_publish_with_a_command_error() {
    let mut peer = connected_v5(
        resumable(V5),
        connack_properties(|p| p.retain_available = Some(false)),
    );
    let mut request = PublishRequest::new("r", "kept", QoS::AtLeastOnce);
    request.retain = true;
    let error = peer.session.publish(peer.now, request).unwrap_err();
    assert_eq!(error, CommandError::RetainNotSupported);
    assert!(error.to_string().contains("MQTT-3.2.2-14"), "{error}");
    assert_eq!(peer.sent(), []);
    assert_eq!(peer.session.queued(), 0);
}

#[test]
fn v5_incoming_topic_alias_0_is_disconnect_0x94() {
    let mut peer = alias_receiver(Some(3));
    // PUBLISH QoS 0, topic "x", properties: Topic Alias (0x23) = 0, no payload.
    peer.inject_bytes(&[0x30, 0x07, 0x00, 0x01, b'x', 0x03, 0x23, 0x00, 0x00]);
    // v5 §3.3.2.3.4 / §3.3.4: alias 0 is "Topic Alias invalid".
    match peer.sent().as_slice() {
        [Packet::Disconnect(disconnect)] => {
            assert_eq!(disconnect.reason, ReasonCode::TopicAliasInvalid)
        }
        other => panic!("expected DISCONNECT 0x94, got {other:?}"),
    }
    violation(&peer.expect_close());
}

#[test]
fn puback_and_pubcomp_for_unknown_pids_are_ignored() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        // A late ack after a resend: not an error.
        peer.inject_all(&[puback(11), pubcomp(12)]);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.events(), []);
        assert!(peer.session.is_connected());
        peer.publish("still", "fine", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("still", "fine", q1(1))]);
    });
}

// ---- keep alive and response timeouts ------------------------------------------------------

#[test]
fn pingreq_is_sent_after_three_quarters_of_keep_alive_without_sending() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        // [v3 MQTT-3.1.2-23], [v5 MQTT-3.1.2-20]; 0.75 × 60 s.
        assert_eq!(peer.session.poll_timeout(), Some(45_000));
        peer.advance(44_999);
        assert_eq!(peer.sent(), []);
        peer.advance(1);
        assert_eq!(peer.sent(), [Packet::PingReq]);
        peer.advance(1_000);
        peer.inject(Packet::PingResp);
        assert_eq!(peer.session.poll_timeout(), Some(90_000));
        peer.advance(45_000);
        assert_eq!(peer.sent(), [Packet::PingReq]);
        assert!(peer.session.is_connected());
        assert_eq!(peer.events(), []);
    });
}

#[test]
fn no_pingreq_is_sent_while_our_own_traffic_keeps_the_connection_busy() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        for round in 0..10 {
            peer.advance(30_000);
            peer.publish("busy", "tick", QoS::AtMostOnce);
            assert_eq!(
                peer.sent(),
                [publish("busy", "tick", QosPid::AtMostOnce)],
                "round {round}"
            );
        }
        peer.events();
        // Only what the client sends counts: traffic from the server does not postpone PINGREQ.
        let last_sent = peer.now;
        for _ in 0..4 {
            peer.advance(10_000);
            peer.inject(publish("in", "x", QosPid::AtMostOnce));
            assert_eq!(peer.sent(), []);
        }
        peer.advance(last_sent + 45_000 - peer.now);
        assert_eq!(peer.sent(), [Packet::PingReq]);
    });
}

#[test]
fn missing_pingresp_declares_the_connection_lost() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        peer.publish("kept", "k", QoS::AtLeastOnce);
        assert_eq!(peer.sent().len(), 1);
        peer.advance(45_000);
        assert_eq!(peer.sent(), [Packet::PingReq]);
        // Other traffic does not stand in for the PINGRESP.
        peer.inject(publish("in", "x", QosPid::AtMostOnce));
        peer.events();
        peer.advance(29_999);
        assert!(peer.session.is_connected());
        peer.advance(1);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.expect_close(), LostCause::KeepAliveTimeout(30_000));
        assert_eq!(peer.reconnect(true), [resent(publish("kept", "k", q1(1)))]);
    });
}

#[test]
fn missing_connack_declares_the_connection_lost() {
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        peer.open();
        assert_eq!(peer.session.poll_timeout(), Some(30_000));
        peer.advance(29_999);
        assert_eq!(peer.events(), []);
        peer.advance(1);
        assert_eq!(peer.sent(), []);
        assert_eq!(peer.expect_close(), LostCause::ConnAckTimeout(30_000));
        assert_eq!(peer.session.poll_timeout(), None);
    });
}

#[test]
fn refused_connack_ends_the_connection_with_its_reason() {
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        peer.open();
        peer.inject(Packet::ConnAck(ConnAck::new(
            false,
            ReasonCode::NotAuthorized,
        )));
        assert_eq!(peer.sent(), []);
        assert_eq!(
            peer.expect_close(),
            LostCause::Refused {
                reason: ReasonCode::NotAuthorized,
                reason_string: None
            }
        );
    });
}

// ---- protocol errors from the server -------------------------------------------------------

struct ProtocolErrorCase {
    what: &'static str,
    trigger: fn(&mut Peer),
    /// The rule the close message must name, per version.
    rule_v3: &'static str,
    rule_v5: &'static str,
    /// The v5 DISCONNECT reason code.
    reason: ReasonCode,
}

fn protocol_error_cases() -> Vec<ProtocolErrorCase> {
    vec![
        ProtocolErrorCase {
            what: "malformed bytes: PUBREL with flags 0000",
            trigger: |peer| peer.inject_bytes(&[0x60, 0x02, 0x00, 0x01]),
            rule_v3: "MQTT-2.2.2-1",
            rule_v5: "MQTT-2.1.3-1",
            reason: ReasonCode::MalformedPacket,
        },
        ProtocolErrorCase {
            what: "a second CONNACK",
            trigger: |peer| peer.inject(Packet::ConnAck(ConnAck::new(false, ReasonCode::Success))),
            rule_v3: "MQTT-3.2.0-2",
            rule_v5: "MQTT-3.2.0-2",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "PUBACK for a QoS 2 flow",
            trigger: |peer| peer.inject(puback(1)),
            rule_v3: "v3 MQTT-4.3.3-1",
            rule_v5: "v5 MQTT-4.3.3-1",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "PUBCOMP before PUBREC",
            trigger: |peer| peer.inject(pubcomp(1)),
            rule_v3: "v3 MQTT-4.3.3-1",
            rule_v5: "v5 MQTT-4.3.3-1",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "PUBREC for a QoS 1 flow",
            trigger: |peer| peer.inject(pubrec(2)),
            rule_v3: "v3 MQTT-4.3.2-1",
            rule_v5: "v5 MQTT-4.3.2-1",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "SUBACK with an id that is no SUBSCRIBE of ours",
            trigger: |peer| peer.inject(suback(9, &[ReasonCode::GrantedQoS1])),
            rule_v3: "v3 MQTT-2.3.1-7",
            rule_v5: "v5 MQTT-2.2.1-6",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "UNSUBACK with an id that is no UNSUBSCRIBE of ours",
            trigger: |peer| {
                let version = peer.version;
                peer.inject(unsuback(version, 3, 1))
            },
            rule_v3: "v3 MQTT-2.3.1-7",
            rule_v5: "v5 MQTT-2.2.1-6",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "SUBSCRIBE from the server",
            trigger: |peer| peer.inject(subscribe(7, "x", QoS::AtMostOnce)),
            rule_v3: "v3 §2.2.1",
            rule_v5: "v5 §2.1.2",
            reason: ReasonCode::ProtocolError,
        },
        ProtocolErrorCase {
            what: "PINGREQ from the server",
            trigger: |peer| peer.inject(Packet::PingReq),
            rule_v3: "v3 §2.2.1",
            rule_v5: "v5 §2.1.2",
            reason: ReasonCode::ProtocolError,
        },
    ]
}

/// Connected, with a QoS 2 PUBLISH (id 1), a QoS 1 PUBLISH (id 2) and a SUBSCRIBE (id 3)
/// unacknowledged.
fn with_state_in_flight(version: ProtocolVersion) -> (Peer, [FlowId; 2]) {
    let mut peer = Peer::connected(version);
    let a = peer.publish("p/2", "two", QoS::ExactlyOnce);
    let b = peer.publish("p/1", "one", QoS::AtLeastOnce);
    peer.subscribe("s", QoS::AtLeastOnce);
    assert_eq!(
        peer.sent(),
        [
            publish("p/2", "two", q2(1)),
            publish("p/1", "one", q1(2)),
            subscribe(3, "s", QoS::AtLeastOnce),
        ]
    );
    (peer, [a, b])
}

/// Reconnects with a resumed session and checks that everything from [`with_state_in_flight`]
/// is re-sent and can finish.
fn check_state_resumes(peer: &mut Peer, flows: [FlowId; 2], what: &str) {
    assert_eq!(
        peer.reconnect(true),
        [
            subscribe(3, "s", QoS::AtLeastOnce),
            resent(publish("p/2", "two", q2(1))),
            resent(publish("p/1", "one", q1(2))),
        ],
        "state kept after {what}"
    );
    peer.inject_all(&[pubrec(1), puback(2), suback(3, &[ReasonCode::GrantedQoS1])]);
    assert_eq!(peer.sent(), [pubrel(1)]);
    peer.inject(pubcomp(1));
    let events = peer.events();
    assert_eq!(events.len(), 3, "{what}: {events:?}");
    assert_eq!(events[0], published(flows[1]));
    assert!(
        matches!(events[1], Event::Subscribed { .. }),
        "{what}: {events:?}"
    );
    assert_eq!(events[2], published(flows[0]));
}

#[test]
fn protocol_errors_from_the_server_close_naming_the_rule_and_keep_in_flight_state() {
    for_both(|version| {
        for case in protocol_error_cases() {
            let what = case.what;
            let (mut peer, flows) = with_state_in_flight(version);
            (case.trigger)(&mut peer);
            let rule = match version {
                V311 => case.rule_v3,
                V5 => case.rule_v5,
            };
            // v3 closes silently ([v3 MQTT-4.8.0-1]); v5 says why first (§4.13).
            match version {
                V311 => assert_eq!(peer.sent(), [], "{what}"),
                V5 => expect_disconnect(&peer.sent(), case.reason, rule),
            }
            let cause = peer.expect_close();
            let text = violation(&cause);
            assert!(text.contains(rule), "{what}: {text:?} should name {rule}");
            check_state_resumes(&mut peer, flows, what);
        }
    });
}

#[test]
fn suback_with_the_wrong_number_of_codes_closes_and_keeps_the_subscribe_pending() {
    for_both(|version| {
        let (mut peer, flows) = with_state_in_flight(version);
        peer.inject(suback(
            3,
            &[ReasonCode::GrantedQoS1, ReasonCode::GrantedQoS1],
        ));
        let (rule, reason) = match version {
            V311 => ("v3 MQTT-3.8.4-5", None),
            V5 => ("v5 MQTT-3.8.4-6", Some(ReasonCode::ProtocolError)),
        };
        match reason {
            None => assert_eq!(peer.sent(), []),
            Some(reason) => expect_disconnect(&peer.sent(), reason, rule),
        }
        let cause = peer.expect_close();
        assert!(violation(&cause).contains(rule), "{cause}");
        check_state_resumes(&mut peer, flows, "a SUBACK with two codes for one filter");
    });
}

#[test]
fn packet_before_connack_closes_naming_mqtt_3_2_0_1_and_keeps_in_flight_state() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let flow = peer.publish("kept", "k", QoS::AtLeastOnce);
        assert_eq!(peer.sent().len(), 1);
        peer.cut();

        peer.open();
        peer.inject(puback(1));
        let reply = peer.sent();
        if version == V311 {
            assert_eq!(reply, []);
        }
        let cause = peer.expect_close();
        // [v3 MQTT-3.2.0-1], [v5 MQTT-3.2.0-1].
        assert!(violation(&cause).contains("MQTT-3.2.0-1"), "{cause}");
        assert_eq!(
            peer.session.in_flight(),
            1,
            "the early PUBACK completed nothing"
        );
        assert_eq!(peer.events(), []);

        assert_eq!(peer.reconnect(true), [resent(publish("kept", "k", q1(1)))]);
        peer.inject(puback(1));
        assert_eq!(peer.events(), [published(flow)]);
    });
}

#[test]
fn v5_session_present_in_answer_to_clean_start_1_is_a_protocol_error() {
    let mut peer = Peer::new(resumable(V5));
    assert!(peer.open().clean_start);
    peer.inject(Packet::ConnAck(ConnAck::new(true, ReasonCode::Success)));
    peer.sent();
    let cause = peer.expect_close();
    assert!(violation(&cause).contains("MQTT-3.2.2-4"), "{cause}");
}

#[test]
fn v5_protocol_error_before_connack_is_answered_with_disconnect() {
    // 0x82 / 0x81, sent before closing (v5 §4.13.1: SHOULD).
    type Trigger = fn(&mut Peer);
    let cases: [(&str, Trigger, ReasonCode, &str); 3] = [
        (
            "PUBLISH before CONNACK",
            |peer| peer.inject(publish("early", "x", QosPid::AtMostOnce)),
            ReasonCode::ProtocolError,
            "MQTT-3.2.0-1",
        ),
        (
            "Session Present 1 in answer to Clean Start 1",
            |peer| peer.inject(Packet::ConnAck(ConnAck::new(true, ReasonCode::Success))),
            ReasonCode::ProtocolError,
            "MQTT-3.2.2-4",
        ),
        (
            "CONNACK with reserved flag bits",
            |peer| peer.inject_bytes(&[0x20, 0x03, 0x02, 0x00, 0x00]),
            ReasonCode::MalformedPacket,
            "MQTT-3.2.2-1",
        ),
    ];
    // Every case is checked before failing, so the report lists all that misbehave.
    let mut failures = Vec::new();
    for (what, trigger, reason, rule) in cases {
        let mut peer = Peer::new(resumable(V5));
        assert!(peer.open().clean_start);
        trigger(&mut peer);
        let sent = peer.sent();
        let names_rule = |disconnect: &Disconnect| {
            disconnect
                .properties
                .reason_string
                .as_deref()
                .is_some_and(|text| text.contains(rule))
        };
        if !matches!(sent.as_slice(), [Packet::Disconnect(d)] if d.reason == reason && names_rule(d))
        {
            failures.push(format!(
                "{what}: expected DISCONNECT {reason} naming {rule}, got {sent:?}"
            ));
        }
        assert!(violation(&peer.expect_close()).contains(rule), "{what}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---- state export and import ---------------------------------------------------------------

#[test]
fn exported_state_survives_json_and_the_restored_session_resumes_in_flight_messages() {
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let a = peer.publish("s/a", "a", QoS::AtLeastOnce);
        let b = peer.publish("s/b", "b", QoS::ExactlyOnce);
        let c = peer.publish("s/c", "c", QoS::ExactlyOnce);
        assert_eq!(peer.sent().len(), 3);
        peer.inject(pubrec(3));
        assert_eq!(peer.sent(), [pubrel(3)]);
        peer.inject(publish("in", "held", q2(7)));
        assert_eq!(peer.sent(), [pubrec(7)]);
        delivered(&peer.events(), "in", "held", QoS::ExactlyOnce, false, false);
        peer.subscribe("f/+", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [subscribe(4, "f/+", QoS::AtLeastOnce)]);
        peer.cut();

        let json = serde_json::to_string(&peer.session.state()).unwrap();
        let state: SessionState = serde_json::from_str(&json).unwrap();
        let restored = Session::restore(state, ClientTag(2));
        assert_eq!(serde_json::to_string(&restored.state()).unwrap(), json);
        assert_eq!(restored.in_flight(), 3);
        assert_eq!(restored.incoming_held(), [pid(7)]);
        assert_eq!(restored.connection(), 1);

        let now = peer.now;
        let mut peer = Peer::with_session(restored);
        peer.now = now + 1_000;
        let connect = peer.open();
        assert!(!connect.clean_start, "the restored session resumes");
        assert_eq!(connect.client_id, "scripted");
        assert_eq!(peer.session.connection(), 2);
        peer.accept(true, Properties::default());
        assert_eq!(
            peer.sent(),
            [
                subscribe(4, "f/+", QoS::AtLeastOnce),
                resent(publish("s/a", "a", q1(1))),
                resent(publish("s/b", "b", q2(2))),
                pubrel(3),
            ]
        );

        // The QoS 2 id held before the export still suppresses the duplicate.
        peer.inject(resent(publish("in", "held", q2(7))));
        assert_eq!(peer.sent(), [pubrec(7)]);
        assert_eq!(peer.events(), []);
        peer.inject(pubrel(7));
        assert_eq!(peer.sent(), [pubcomp(7)]);

        peer.inject_all(&[puback(1), pubrec(2), pubcomp(3)]);
        assert_eq!(peer.sent(), [pubrel(2)]);
        peer.inject(pubcomp(2));
        peer.inject(suback(4, &[ReasonCode::GrantedQoS1]));
        let events = peer.events();
        assert_eq!(events[..3], [published(a), published(c), published(b)]);
        assert!(matches!(events[3], Event::Subscribed { .. }), "{events:?}");
        assert_eq!(events.len(), 4);

        // The id counter came along too.
        peer.publish("s/d", "d", QoS::AtLeastOnce);
        assert_eq!(peer.sent(), [publish("s/d", "d", q1(5))]);
    });
}

// ---- trace ---------------------------------------------------------------------------------

fn packet_records(trace: &[TraceEvent]) -> Vec<(u64, u32, Direction, PacketType)> {
    trace
        .iter()
        .filter_map(|event| match event {
            TraceEvent::Packet(record) => Some((
                record.id,
                record.connection,
                record.direction,
                record.packet.as_ref().expect("decoded").packet_type(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn trace_records_packets_in_wire_order() {
    use Direction::{Incoming as In, Outgoing as Out};
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        peer.connect();
        peer.inject(publish("in", "x", q1(5)));
        assert_eq!(peer.sent(), [puback(5)]);
        peer.events();
        let flow = peer.publish("out", "y", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("out", "y", q2(1))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        peer.cut();
        assert_eq!(peer.reconnect(true), [pubrel(1)]);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(flow)]);

        let records = packet_records(&peer.trace());
        // What caused a reply comes before the reply: incoming PUBLISH, then our PUBACK.
        let wire: Vec<(u32, Direction, PacketType)> = records
            .iter()
            .map(|&(_, connection, direction, kind)| (connection, direction, kind))
            .collect();
        assert_eq!(
            wire,
            [
                (1, Out, PacketType::Connect),
                (1, In, PacketType::ConnAck),
                (1, In, PacketType::Publish),
                (1, Out, PacketType::PubAck),
                (1, Out, PacketType::Publish),
                (1, In, PacketType::PubRec),
                (1, Out, PacketType::PubRel),
                (2, Out, PacketType::Connect),
                (2, In, PacketType::ConnAck),
                (2, Out, PacketType::PubRel),
                (2, In, PacketType::PubComp),
            ]
        );
        assert!(
            records.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "record ids increase in wire order: {records:?}"
        );
    });
}

#[test]
fn trace_store_assembles_qos2_flows_with_their_steps_and_retransmissions() {
    use Direction::{Incoming as In, Outgoing as Out};
    let step = |direction, kind| (Some(direction), kind);
    let ack = |packet| StepKind::Ack {
        packet,
        reason: ReasonCode::Success,
    };
    for_both(|version| {
        let mut peer = Peer::connected(version);
        let mut store = TraceStore::new(1_000, 100);

        // A clean QoS 2 exchange.
        let clean = peer.publish("t", "clean", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("t", "clean", q2(1))]);
        peer.inject(pubrec(1));
        assert_eq!(peer.sent(), [pubrel(1)]);
        peer.inject(pubcomp(1));
        assert_eq!(peer.events(), [published(clean)]);

        // One whose PUBLISH and then PUBREL are lost: two retransmissions.
        let lossy = peer.publish("t", "lossy", QoS::ExactlyOnce);
        assert_eq!(peer.sent(), [publish("t", "lossy", q2(2))]);
        peer.cut();
        assert_eq!(peer.reconnect(true), [resent(publish("t", "lossy", q2(2)))]);
        peer.inject(pubrec(2));
        assert_eq!(peer.sent(), [pubrel(2)]);
        peer.cut();
        assert_eq!(peer.reconnect(true), [pubrel(2)]);
        peer.inject(pubcomp(2));
        assert_eq!(peer.events(), [published(lossy)]);

        // A received one with a suppressed duplicate.
        peer.inject(publish("in", "once", q2(9)));
        peer.inject(resent(publish("in", "once", q2(9))));
        peer.inject(pubrel(9));
        assert_eq!(peer.sent(), [pubrec(9), pubrec(9), pubcomp(9)]);
        let received = delivered(&peer.events(), "in", "once", QoS::ExactlyOnce, false, false);

        store.extend(peer.trace());

        let record = store.flow(clean).expect("clean flow");
        assert_eq!(record.role, FlowRole::Publisher);
        assert_eq!(record.pid, Some(pid(1)));
        assert_eq!(record.qos, QoS::ExactlyOnce);
        assert_eq!(record.state, FlowState::Complete);
        assert_eq!(record.retransmissions, 0);
        let steps: Vec<_> = record.steps.iter().map(|s| (s.direction, s.kind)).collect();
        assert_eq!(
            steps,
            [
                step(Out, StepKind::Publish { dup: false }),
                step(In, ack(PacketType::PubRec)),
                step(Out, ack(PacketType::PubRel)),
                step(In, ack(PacketType::PubComp)),
            ]
        );

        let record = store.flow(lossy).expect("lossy flow");
        assert_eq!(record.state, FlowState::Complete);
        assert_eq!(record.retransmissions, 2);
        let steps: Vec<_> = record.steps.iter().map(|s| (s.direction, s.kind)).collect();
        assert_eq!(
            steps,
            [
                step(Out, StepKind::Publish { dup: false }),
                step(Out, StepKind::Publish { dup: true }),
                step(In, ack(PacketType::PubRec)),
                step(Out, ack(PacketType::PubRel)),
                step(Out, ack(PacketType::PubRel)),
                step(In, ack(PacketType::PubComp)),
            ]
        );

        let record = store.flow(received).expect("received flow");
        assert_eq!(record.role, FlowRole::Subscriber);
        assert_eq!(record.pid, Some(pid(9)));
        assert_eq!(record.state, FlowState::Complete);
        assert_eq!(record.deliveries(), 1);
        let steps: Vec<_> = record.steps.iter().map(|s| (s.direction, s.kind)).collect();
        assert_eq!(
            steps,
            [
                step(In, StepKind::Publish { dup: false }),
                (None, StepKind::Delivered),
                step(Out, ack(PacketType::PubRec)),
                step(In, StepKind::Publish { dup: true }),
                (None, StepKind::DuplicateSuppressed),
                step(Out, ack(PacketType::PubRec)),
                step(In, ack(PacketType::PubRel)),
                step(Out, ack(PacketType::PubComp)),
            ]
        );

        // Packets carry their connection number: three connections so far.
        let connections: Vec<u32> = store.packets().map(|p| p.connection).collect();
        assert_eq!(connections.first(), Some(&1));
        assert_eq!(connections.last(), Some(&3));
        assert!(connections.windows(2).all(|w| w[0] <= w[1]));
    });
}

#[test]
fn a_message_published_offline_shows_a_queued_step_before_its_publish() {
    for_both(|version| {
        let mut peer = Peer::new(resumable(version));
        let flow = peer.publish("q", "m", QoS::AtLeastOnce);
        peer.connect();
        assert_eq!(peer.sent(), [publish("q", "m", q1(1))]);
        peer.inject(puback(1));
        assert_eq!(peer.events(), [published(flow)]);
        let mut store = TraceStore::new(100, 10);
        store.extend(peer.trace());
        let record = store.flow(flow).expect("flow");
        let kinds: Vec<StepKind> = record.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StepKind::Queued,
                StepKind::Publish { dup: false },
                StepKind::Ack {
                    packet: PacketType::PubAck,
                    reason: ReasonCode::Success
                },
            ]
        );
        assert_eq!(record.state, FlowState::Complete);
        assert_eq!(record.pid, Some(pid(1)));
    });
}
