//! The driver's decisions, fed by hand: what a transport would report, and the effects it gets.

use super::*;
use crate::codec::{FrameDecoder, ProtocolVersion, QoS};
use crate::session::{ConnectOptions, PublishRequest, Session};
use crate::trace::ClientTag;

/// CONNACK, session not present, accepted (MQTT 3.1.1).
const CONNACK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];
/// PUBLISH QoS 1 to `t`, packet id `pid`, payload `x`, from the broker.
fn publish_from_broker(pid: u8) -> [u8; 8] {
    [0x32, 0x06, 0x00, 0x01, b't', 0x00, pid, b'x']
}

const RECONNECT: Reconnect = Reconnect {
    initial_ms: 1_000,
    max_ms: 8_000,
};

fn session() -> Session {
    Session::new(
        ConnectOptions::new(ProtocolVersion::V311, "driver"),
        ClientTag::FIRST,
    )
}

fn effects(driver: &mut Driver) -> Vec<Effect> {
    std::iter::from_fn(|| driver.poll_effect()).collect()
}

/// What `pick` takes out of the effects that have it.
fn picked<T>(effects: &[Effect], pick: impl Fn(&Effect) -> Option<T>) -> Vec<T> {
    effects.iter().filter_map(pick).collect()
}

fn sent(effects: &[Effect]) -> Vec<Vec<u8>> {
    picked(effects, |effect| match effect {
        Effect::Send(bytes) => Some(bytes.clone()),
        _ => None,
    })
}

/// The session states the effects ask to save.
fn saves(effects: &[Effect]) -> Vec<Vec<u8>> {
    picked(effects, |effect| match effect {
        Effect::Save(state) => Some(state.clone()),
        _ => None,
    })
}

fn flushes(effects: &[Effect]) -> Vec<FlushAt> {
    picked(effects, |effect| match effect {
        Effect::ScheduleFlush(at) => Some(*at),
        _ => None,
    })
}

fn errors(effects: &[Effect]) -> Vec<String> {
    picked(effects, |effect| match effect {
        Effect::Emit(ClientEvent::Error(text)) => Some(text.clone()),
        _ => None,
    })
}

fn reconnecting(effects: &[Effect]) -> Vec<(u32, u32)> {
    picked(effects, |effect| match effect {
        Effect::Emit(ClientEvent::Reconnecting { attempt, delay_ms }) => {
            Some((*attempt, *delay_ms))
        }
        _ => None,
    })
}

/// The packet types (first byte's high nibble) in one transport message.
fn packet_types(bytes: &[u8]) -> Vec<u8> {
    let mut decoder = FrameDecoder::new(ProtocolVersion::V311);
    decoder.push(bytes);
    std::iter::from_fn(|| decoder.next_frame().expect("a valid packet"))
        .map(|frame| frame.raw[0] >> 4)
        .collect()
}

fn publish(driver: &mut Driver, now: u64, qos: QoS) {
    driver
        .command(now, |session, now| {
            session.publish(now, PublishRequest::new("t", "x", qos))
        })
        .expect("publish accepted");
}

/// Opens the connection at `now` and completes CONNECT/CONNACK; returns what that produced.
fn connect(driver: &mut Driver, now: u64) -> Vec<Effect> {
    driver.handle_opened(now, SUBPROTOCOL);
    driver.handle_flush_due(now, 0);
    let mut all = effects(driver);
    for effect in &all {
        if let Effect::Save(_) = effect {
            driver.handle_saved(None);
        }
    }
    all.extend(effects(driver));
    driver.handle_bytes(now, &CONNACK);
    all.extend(effects(driver));
    all
}

fn connected(reconnect: Reconnect) -> Driver {
    let mut driver = Driver::new(session(), reconnect, 7);
    assert!(matches!(driver.poll_effect(), Some(Effect::Open)));
    connect(&mut driver, 0);
    driver
}

#[test]
fn connect_leaves_at_the_end_of_the_task_that_opened_the_connection() {
    let mut driver = Driver::new(session(), RECONNECT, 7);
    assert!(matches!(effects(&mut driver)[..], [Effect::Open]));
    driver.handle_opened(10, SUBPROTOCOL);
    let opened = effects(&mut driver);
    assert_eq!(flushes(&opened), [FlushAt::EndOfTask]);
    assert!(sent(&opened).is_empty());
    driver.handle_flush_due(10, 0);
    let flushed = effects(&mut driver);
    assert_eq!(sent(&flushed).len(), 1);
    assert_eq!(packet_types(&sent(&flushed)[0]), [1], "CONNECT");
}

#[test]
fn commands_given_together_leave_in_one_message() {
    let mut driver = connected(RECONNECT);
    // Idle for a while: the first command schedules a flush at the end of the task.
    for _ in 0..3 {
        publish(&mut driver, 100, QoS::AtMostOnce);
    }
    assert_eq!(flushes(&effects(&mut driver)), [FlushAt::EndOfTask]);
    driver.handle_flush_due(100, 0);
    let flushed = sent(&effects(&mut driver));
    assert_eq!(flushed.len(), 1);
    assert_eq!(packet_types(&flushed[0]), [3, 3, 3]);
}

#[test]
fn a_busy_connection_gathers_writes_across_tasks() {
    let mut driver = connected(RECONNECT);
    // A received QoS 1 message: its PUBACK waits for the tasks already queued.
    driver.handle_bytes(200, &publish_from_broker(1));
    let first = effects(&mut driver);
    assert_eq!(flushes(&first), [FlushAt::AfterQueuedTasks]);
    assert!(sent(&first).is_empty());
    // The next queued task: another message, and a publish made from its listener.
    driver.handle_bytes(200, &publish_from_broker(2));
    publish(&mut driver, 200, QoS::AtLeastOnce);
    assert!(
        flushes(&effects(&mut driver)).is_empty(),
        "one flush is scheduled"
    );
    driver.handle_flush_due(200, 0);
    let flushed = sent(&effects(&mut driver));
    assert_eq!(flushed.len(), 1, "one WebSocket message");
    assert_eq!(
        packet_types(&flushed[0]),
        [4, 4, 3],
        "PUBACK, PUBACK, PUBLISH"
    );
}

/// PUBACK for packet id `pid`, from the broker.
fn puback(pid: u8) -> [u8; 4] {
    [0x40, 0x02, 0x00, pid]
}

/// A connected driver that has sent 100 QoS 1 publishes (packet ids 1 to 100) in one message.
fn streaming() -> Driver {
    let mut driver = connected(RECONNECT);
    for _ in 0..100 {
        publish(&mut driver, 100, QoS::AtLeastOnce);
    }
    driver.handle_flush_due(100, 0);
    assert_eq!(sent(&effects(&mut driver)).len(), 1);
    driver
}

/// [`streaming`], then one message comes back, its answer is written, and the flush comes due
/// with the broker still owing 99 PUBACKs: it is held. Returns the effects of the hold.
fn held() -> (Driver, Vec<Effect>) {
    let mut driver = streaming();
    driver.handle_bytes(200, &publish_from_broker(1));
    effects(&mut driver);
    driver.handle_flush_due(200, 0);
    let hold = effects(&mut driver);
    assert!(sent(&hold).is_empty(), "held");
    (driver, hold)
}

#[test]
fn while_the_broker_owes_many_answers_a_flush_waits_for_more_of_them() {
    let (mut driver, hold) = held();
    assert!(
        hold.iter()
            .any(|effect| matches!(effect, Effect::SetTimer(ms) if *ms <= 2)),
        "the timer bounds the hold"
    );
    // The PUBACKs arrive one message each; with the 32nd packet the flush is due again.
    for pid in 1..=30 {
        driver.handle_bytes(200, &puback(pid));
        assert!(flushes(&effects(&mut driver)).is_empty());
        publish(&mut driver, 200, QoS::AtLeastOnce);
    }
    driver.handle_bytes(200, &puback(31));
    assert_eq!(flushes(&effects(&mut driver)), [FlushAt::AfterQueuedTasks]);
    driver.handle_flush_due(200, 0);
    let flushed = sent(&effects(&mut driver));
    assert_eq!(flushed.len(), 1, "one WebSocket message");
    let types = packet_types(&flushed[0]);
    assert_eq!(types[0], 4, "the PUBACK of the message first");
    assert_eq!(types[1..], [3; 30], "then the 30 publishes made meanwhile");
}

#[test]
fn a_held_flush_leaves_at_its_deadline_when_the_answers_stop() {
    let (mut driver, _) = held();
    driver.handle_timer(201);
    assert!(flushes(&effects(&mut driver)).is_empty(), "not yet");
    driver.handle_timer(202);
    assert_eq!(flushes(&effects(&mut driver)), [FlushAt::EndOfTask]);
    driver.handle_flush_due(202, 0);
    let flushed = sent(&effects(&mut driver));
    assert_eq!(flushed.len(), 1);
    assert_eq!(packet_types(&flushed[0]), [4]);
}

#[test]
fn a_held_flush_is_let_go_when_the_connection_is_lost() {
    let (mut driver, _) = held();
    driver.handle_closed(200, 1006, "");
    assert_eq!(flushes(&effects(&mut driver)), [FlushAt::EndOfTask]);
    // Due, it sends nothing (the connection is gone) and holds no more.
    driver.handle_flush_due(200, 0);
    assert!(sent(&effects(&mut driver)).is_empty());
    publish(&mut driver, 201, QoS::AtMostOnce);
    assert_eq!(flushes(&effects(&mut driver)).len(), 1, "a new flush");
}

#[test]
fn publishes_still_waiting_for_their_save_are_owed_no_answers() {
    let mut driver = Driver::new(session(), RECONNECT, 7).persisting();
    effects(&mut driver);
    connect(&mut driver, 0);
    for _ in 0..100 {
        publish(&mut driver, 100, QoS::AtLeastOnce);
    }
    driver.handle_flush_due(100, 0);
    assert!(
        sent(&effects(&mut driver)).is_empty(),
        "waiting for the save"
    );
    // Nothing has left, so nothing is owed: the next flush is not held for answers.
    driver.handle_bytes(200, &publish_from_broker(1));
    effects(&mut driver);
    driver.handle_flush_due(200, 0);
    assert_eq!(
        saves(&effects(&mut driver)).len(),
        1,
        "the PUBACK goes to its save, not held"
    );
    // Once the publishes leave, their answers are owed, and a flush is held for them.
    driver.handle_saved(None);
    driver.handle_saved(None);
    assert_eq!(sent(&effects(&mut driver)).len(), 1);
    driver.handle_bytes(300, &publish_from_broker(2));
    effects(&mut driver);
    driver.handle_flush_due(300, 0);
    assert!(saves(&effects(&mut driver)).is_empty(), "held");
}

#[test]
fn unsent_bytes_in_the_transport_let_the_flush_wait_for_more() {
    let mut driver = connected(RECONNECT);
    publish(&mut driver, 300, QoS::AtMostOnce);
    effects(&mut driver);
    driver.handle_flush_due(300, 512);
    let waited = effects(&mut driver);
    assert!(sent(&waited).is_empty());
    assert_eq!(flushes(&waited), [FlushAt::AfterQueuedTasks]);
    publish(&mut driver, 300, QoS::AtMostOnce);
    driver.handle_flush_due(300, 0);
    let flushed = sent(&effects(&mut driver));
    assert_eq!(flushed.len(), 1);
    assert_eq!(packet_types(&flushed[0]), [3, 3]);
}

#[test]
fn reconnect_waits_double_within_their_jitter_bounds() {
    for random in [0.0, 0.3, 1.0] {
        let caps = [1_000u32, 2_000, 4_000, 8_000, 8_000, 8_000];
        for (attempt, cap) in caps.into_iter().enumerate() {
            let delay = RECONNECT.delay_ms(attempt as u32, random);
            assert!(
                (cap / 2..=cap).contains(&delay),
                "attempt {attempt}: {delay} ms not within [{}, {cap}]",
                cap / 2
            );
        }
    }
    // Through the driver, with its own randomness: each loss waits longer, within bounds.
    let mut driver = connected(RECONNECT);
    let mut now = 1_000;
    for (attempt, cap) in [
        (1u32, 1_000u32),
        (2, 2_000),
        (3, 4_000),
        (4, 8_000),
        (5, 8_000),
    ] {
        driver.handle_closed(now, 1006, "");
        let lost = effects(&mut driver);
        let [(heard, delay)] = reconnecting(&lost)[..] else {
            panic!("one Reconnecting in {lost:?}");
        };
        assert_eq!(heard, attempt);
        assert!(
            (cap / 2..=cap).contains(&delay),
            "{delay} within [{}, {cap}]",
            cap / 2
        );
        assert!(lost
            .iter()
            .any(|a| matches!(a, Effect::SetTimer(ms) if *ms <= delay)));
        // Early, nothing opens; at the due time the next attempt opens.
        driver.handle_timer(now + u64::from(delay) - 1);
        assert!(!effects(&mut driver)
            .iter()
            .any(|a| matches!(a, Effect::Open)));
        now += u64::from(delay);
        driver.handle_timer(now);
        assert!(effects(&mut driver)
            .iter()
            .any(|a| matches!(a, Effect::Open)));
    }
    // A connection that gets its CONNACK starts the count again.
    connect(&mut driver, now);
    driver.handle_closed(now, 1006, "");
    assert_eq!(reconnecting(&effects(&mut driver))[0].0, 1);
}

#[test]
fn an_ended_client_never_reconnects() {
    let mut driver = connected(RECONNECT);
    driver.command(400, |session, now| {
        session.disconnect(now, crate::codec::Disconnect::normal())
    });
    driver.end(400);
    let ended = effects(&mut driver);
    let disconnect = sent(&ended);
    assert_eq!(
        disconnect.len(),
        1,
        "the DISCONNECT leaves before the close"
    );
    assert_eq!(packet_types(&disconnect[0]), [14]);
    let close = ended.iter().position(|a| matches!(a, Effect::Close));
    let send = ended.iter().position(|a| matches!(a, Effect::Send(_)));
    assert!(send < close);
    assert!(ended.iter().any(|a| matches!(a, Effect::CancelTimer)));
    // The close arrives later, and a timer set earlier may still fire.
    driver.handle_closed(450, 1000, "");
    driver.handle_timer(5_000);
    let after = effects(&mut driver);
    assert!(reconnecting(&after).is_empty());
    assert!(!after
        .iter()
        .any(|a| matches!(a, Effect::Open | Effect::SetTimer(_))));
}

#[test]
fn reconnect_off_leaves_a_lost_connection_lost() {
    let mut driver = connected(Reconnect::NEVER);
    driver.handle_closed(100, 1006, "");
    let lost = effects(&mut driver);
    assert!(reconnecting(&lost).is_empty());
    assert!(lost.iter().any(|a| matches!(
        a,
        Effect::Emit(ClientEvent::Session(Event::ConnectionLost(_)))
    )));
}

#[test]
fn a_connection_the_browser_refuses_to_open_is_tried_again() {
    let mut driver = Driver::new(session(), RECONNECT, 7);
    effects(&mut driver);
    driver.handle_open_failed(0, "refused".into());
    let failed = effects(&mut driver);
    assert_eq!(errors(&failed), ["refused"]);
    assert_eq!(reconnecting(&failed).len(), 1);
}

/// A connected driver that keeps its state, with a QoS 1 publish flushed at 100 ms and waiting
/// for its save; and what the flush did.
fn flushed_while_persisting() -> (Driver, Vec<Effect>) {
    let mut driver = Driver::new(session(), RECONNECT, 7).persisting();
    effects(&mut driver);
    connect(&mut driver, 0);
    publish(&mut driver, 100, QoS::AtLeastOnce);
    effects(&mut driver);
    driver.handle_flush_due(100, 0);
    let flushed = effects(&mut driver);
    (driver, flushed)
}

#[test]
fn nothing_leaves_before_the_state_it_depends_on_is_saved() {
    let (mut driver, flushed) = flushed_while_persisting();
    assert!(sent(&flushed).is_empty(), "nothing before the save");
    let [state] = &saves(&flushed)[..] else {
        panic!("one save in {flushed:?}");
    };
    let saved = crate::session::SessionState::from_bytes(
        state,
        ConnectOptions::new(ProtocolVersion::V311, "driver"),
        ClientTag::FIRST,
    )
    .expect("a state that restores");
    assert_eq!(saved.outgoing.len(), 1, "the message in flight is in it");
    // A second flush before the first save completes: both wait for both saves.
    publish(&mut driver, 101, QoS::AtLeastOnce);
    driver.handle_flush_due(101, 0);
    effects(&mut driver);
    driver.handle_saved(None);
    assert!(sent(&effects(&mut driver)).is_empty());
    driver.handle_saved(None);
    let released = sent(&effects(&mut driver));
    assert_eq!(released.len(), 1);
    assert_eq!(packet_types(&released[0]), [3, 3]);
}

#[test]
fn a_failed_save_is_told_and_still_releases_what_waited() {
    let (mut driver, _) = flushed_while_persisting();
    driver.handle_saved(Some("quota exceeded".into()));
    let after = effects(&mut driver);
    assert_eq!(
        errors(&after),
        ["could not save the session: quota exceeded"]
    );
    assert_eq!(sent(&after).len(), 1);
}

#[test]
fn bytes_waiting_for_a_save_do_not_open_the_next_connection() {
    let (mut driver, _) = flushed_while_persisting();
    driver.handle_closed(110, 1006, "");
    effects(&mut driver);
    driver.handle_saved(None);
    assert!(sent(&effects(&mut driver)).is_empty());
}

#[test]
fn a_refused_subprotocol_is_told_and_closes() {
    let mut driver = Driver::new(session(), Reconnect::NEVER, 7);
    effects(&mut driver);
    driver.handle_opened(0, "");
    let opened = effects(&mut driver);
    assert!(errors(&opened)[0].contains("it chose none"));
    assert!(opened.iter().any(|a| matches!(a, Effect::Close)));
    assert!(sent(&opened).is_empty());
    assert!(flushes(&opened).is_empty(), "no CONNECT was written");
}

#[test]
fn a_close_before_mqtt_says_what_to_check() {
    let mut driver = Driver::new(session(), Reconnect::NEVER, 7);
    effects(&mut driver);
    driver.handle_closed(0, 1006, "");
    let closed = effects(&mut driver);
    assert_eq!(errors(&closed).len(), 1);
    assert!(errors(&closed)[0].contains(CHECK_LISTENER));
    // Once CONNECT is out, the session tells the close itself.
    let mut driver = Driver::new(session(), Reconnect::NEVER, 7);
    effects(&mut driver);
    driver.handle_opened(0, SUBPROTOCOL);
    driver.handle_flush_due(0, 0);
    effects(&mut driver);
    driver.handle_closed(5, 1006, "");
    assert!(errors(&effects(&mut driver)).is_empty());
}

#[test]
fn a_text_frame_is_refused() {
    let mut driver = connected(Reconnect::NEVER);
    driver.handle_text_frame(10);
    let refused = effects(&mut driver);
    assert!(errors(&refused)[0].contains("[MQTT-6.0.0-1]"));
    assert!(refused.iter().any(|a| matches!(a, Effect::Close)));
}

#[test]
fn the_timer_is_set_again_only_when_the_deadline_moves_earlier() {
    let mut driver = connected(RECONNECT);
    // Connected with keep-alive 60 s: the ping deadline is armed once.
    publish(&mut driver, 1_000, QoS::AtMostOnce);
    driver.handle_flush_due(1_000, 0);
    let timers = effects(&mut driver)
        .into_iter()
        .filter(|a| matches!(a, Effect::SetTimer(_)))
        .count();
    assert_eq!(timers, 0, "a later deadline keeps the timer as it is");
}

#[cfg(feature = "trace")]
mod trace {
    use super::*;
    use crate::codec::PacketType;
    use crate::trace::{Direction, PacketFate, TraceEvent};
    use crate::wire_faults::WireFaults;

    fn records(effects: &[Effect]) -> Vec<(Direction, u8, PacketFate)> {
        effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::Emit(ClientEvent::Trace(events)) => Some(events),
                _ => None,
            })
            .flatten()
            .filter_map(|event| match event {
                TraceEvent::Packet(record) => {
                    Some((record.direction, record.raw[0] >> 4, record.fate))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_packet_leaves_the_trace_with_its_fate() {
        let mut driver = connected(RECONNECT);
        publish(&mut driver, 100, QoS::AtMostOnce);
        // Not yet flushed: its record waits.
        assert!(records(&effects(&mut driver)).is_empty());
        driver.handle_flush_due(100, 0);
        assert_eq!(
            records(&effects(&mut driver)),
            [(Direction::Outgoing, 3, PacketFate::Delivered)]
        );
    }

    #[test]
    fn bytes_the_connection_lost_before_they_left_are_recorded_lost() {
        let mut driver = connected(RECONNECT);
        publish(&mut driver, 100, QoS::AtLeastOnce);
        driver.cut(100);
        let cut = effects(&mut driver);
        assert!(sent(&cut).is_empty());
        assert_eq!(
            records(&cut),
            [(Direction::Outgoing, 3, PacketFate::Dropped)]
        );
        // The flush scheduled before the cut finds nothing to send.
        driver.handle_flush_due(100, 0);
        assert!(sent(&effects(&mut driver)).is_empty());
    }

    #[test]
    fn faults_drop_packets_split_messages_and_record_both() {
        let mut driver =
            Driver::new(session(), Reconnect::NEVER, 7).with_faults(WireFaults::default());
        effects(&mut driver);
        connect(&mut driver, 0);
        let faults = driver.faults_mut().expect("faults");
        faults.drop_next_outgoing(PacketType::Publish);
        faults.set_frame_limit(Some(3));
        publish(&mut driver, 100, QoS::AtMostOnce);
        publish(&mut driver, 100, QoS::AtMostOnce);
        driver.handle_flush_due(100, 0);
        let flushed = effects(&mut driver);
        let messages = sent(&flushed);
        assert!(messages.iter().all(|m| m.len() <= 3));
        assert_eq!(
            packet_types(&messages.concat()),
            [3],
            "the second PUBLISH only"
        );
        assert_eq!(
            records(&flushed),
            [
                (Direction::Outgoing, 3, PacketFate::Dropped),
                (Direction::Outgoing, 3, PacketFate::Delivered)
            ]
        );
        // Lost on the way in: the session never sees it, the trace shows it.
        driver
            .faults_mut()
            .expect("faults")
            .drop_next_incoming(PacketType::Publish);
        driver.handle_bytes(200, &publish_from_broker(1));
        let received = effects(&mut driver);
        assert_eq!(
            records(&received),
            [(Direction::Incoming, 3, PacketFate::Dropped)]
        );
        assert!(!received
            .iter()
            .any(|a| matches!(a, Effect::Emit(ClientEvent::Messages(_)))));
    }

    #[test]
    fn an_injected_packet_leaves_after_what_the_session_wrote() {
        let mut driver =
            Driver::new(session(), Reconnect::NEVER, 7).with_faults(WireFaults::default());
        effects(&mut driver);
        connect(&mut driver, 0);
        publish(&mut driver, 100, QoS::AtMostOnce);
        driver.inject(100, &[0xC0, 0x00]);
        let injected = effects(&mut driver);
        let messages = sent(&injected);
        assert_eq!(messages.len(), 2);
        assert_eq!(packet_types(&messages[0]), [3]);
        assert_eq!(packet_types(&messages[1]), [12]);
        assert_eq!(
            records(&injected),
            [
                (Direction::Outgoing, 3, PacketFate::Delivered),
                (Direction::Outgoing, 12, PacketFate::Delivered)
            ]
        );
    }
}
