#![cfg(not(target_arch = "wasm32"))]
//! Property tests for the client driver under random schedules of publishes, flushes, messages
//! from the broker, lost connections, timers and state saves: it sends only on an open
//! connection, never before the state a flush depends on is saved, and the trace records as
//! sent exactly the bytes that were sent; and under random schedules of publishes, answers,
//! flushes and time, a flush held for the broker's answers always leaves.

use proptest::prelude::*;
use qoscope::codec::{FrameDecoder, Packet, ProtocolVersion, QoS, QosPid};
use qoscope::driver::{ClientEvent, Driver, Effect, Reconnect, SUBPROTOCOL};
use qoscope::session::{ConnectOptions, PublishRequest, Session};
use qoscope::trace::{ClientTag, Direction, PacketFate, TraceEvent};

/// CONNACK, accepted (MQTT 3.1.1).
const CONNACK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];

#[derive(Debug, Clone)]
enum Step {
    Publish(u8),
    FlushDue {
        buffered: u64,
    },
    /// A QoS 1 PUBLISH from the broker with this packet id.
    Message(u8),
    Closed,
    Cut,
    Timer {
        after_ms: u64,
    },
    Saved,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u8..=2).prop_map(Step::Publish),
        4 => prop_oneof![Just(0u64), Just(1_000)].prop_map(|buffered| Step::FlushDue { buffered }),
        2 => (1u8..=200).prop_map(Step::Message),
        1 => Just(Step::Closed),
        1 => Just(Step::Cut),
        2 => (1u64..20_000).prop_map(|after_ms| Step::Timer { after_ms }),
        3 => Just(Step::Saved),
    ]
}

/// What the test, as the transport, has seen of the driver.
#[derive(Default)]
struct Transport {
    /// An Open was asked for and not yet answered.
    opening: bool,
    open: bool,
    /// Saves asked for and not yet answered.
    saves: u32,
    sent: Vec<u8>,
    recorded_sent: Vec<u8>,
}

impl Transport {
    /// Carries out the driver's effects; asserts the invariants on each.
    fn carry_out(&mut self, driver: &mut Driver, now: u64) -> Result<(), TestCaseError> {
        let effects: Vec<Effect> = std::iter::from_fn(|| driver.poll_effect()).collect();
        let closes_now = effects.iter().any(|effect| matches!(effect, Effect::Close));
        for effect in effects {
            match effect {
                Effect::Open => self.opening = true,
                Effect::Close => {
                    self.open = false;
                    self.opening = false;
                }
                Effect::Send(bytes) => {
                    prop_assert!(self.open, "sent on a connection that is not open");
                    // Only a close sends what waits for a save: the session ended the connection.
                    prop_assert!(
                        self.saves == 0 || closes_now,
                        "sent before the state was saved"
                    );
                    self.sent.extend_from_slice(&bytes);
                }
                Effect::Save(_) => self.saves += 1,
                Effect::Emit(ClientEvent::Trace(events)) => {
                    for event in events {
                        if let TraceEvent::Packet(record) = event {
                            if record.direction == Direction::Outgoing
                                && record.fate == PacketFate::Delivered
                            {
                                self.recorded_sent.extend_from_slice(&record.raw);
                            }
                        }
                    }
                }
                Effect::ScheduleFlush(_)
                | Effect::SetTimer(_)
                | Effect::CancelTimer
                | Effect::Emit(_) => {}
            }
        }
        // An open asked for is answered at once: the connection opens and CONNECT goes out.
        if self.opening {
            self.opening = false;
            self.open = true;
            driver.handle_opened(now, SUBPROTOCOL);
            return self.carry_out(driver, now);
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_driver_keeps_its_promises_whatever_happens(
        steps in prop::collection::vec(step(), 1..80),
        persisting: bool,
    ) {
        let session = Session::new(ConnectOptions::new(ProtocolVersion::V311, "p"), ClientTag::FIRST);
        let reconnect = Reconnect { initial_ms: 100, max_ms: 1_000 };
        let mut driver = Driver::new(session, reconnect, 3);
        if persisting {
            driver = driver.persisting();
        }
        let mut transport = Transport::default();
        let mut now = 0;
        transport.carry_out(&mut driver, now)?;
        let mut connack_due = true;
        for step in steps {
            match step {
                Step::Publish(qos) => {
                    let qos = QoS::from_u8(qos).expect("0 to 2");
                    let _ = driver.command(now, |session, now| {
                        session.publish(now, PublishRequest::new("t", "x", qos))
                    });
                }
                Step::FlushDue { buffered } => driver.handle_flush_due(now, buffered),
                Step::Message(pid) => {
                    if transport.open {
                        if std::mem::take(&mut connack_due) {
                            driver.handle_bytes(now, &CONNACK);
                        }
                        driver.handle_bytes(now, &[0x32, 0x06, 0x00, 0x01, b't', 0x00, pid, b'x']);
                    }
                }
                Step::Closed => {
                    if transport.open {
                        transport.open = false;
                        connack_due = true;
                        driver.handle_closed(now, 1006, "");
                    }
                }
                Step::Cut => {
                    connack_due = true;
                    driver.cut(now);
                }
                Step::Timer { after_ms } => {
                    now += after_ms;
                    driver.handle_timer(now);
                }
                Step::Saved => {
                    if transport.saves > 0 {
                        transport.saves -= 1;
                        driver.handle_saved(None);
                    }
                }
            }
            transport.carry_out(&mut driver, now)?;
        }
        // Let everything leave: the last flush, then every save.
        driver.handle_flush_due(now, 0);
        transport.carry_out(&mut driver, now)?;
        while transport.saves > 0 {
            transport.saves -= 1;
            driver.handle_saved(None);
            transport.carry_out(&mut driver, now)?;
        }
        prop_assert_eq!(&transport.recorded_sent, &transport.sent, "the trace's sent packets are the bytes sent");
    }
}

/// One thing that can happen next on a page streaming QoS 1 publishes to a broker that answers
/// each with a PUBACK.
#[derive(Debug, Clone)]
enum Event {
    /// The application publishes this many messages in one task.
    Publish(u8),
    /// This many of the broker's answers arrive, each in a WebSocket message of its own.
    Answers(u8),
    /// The scheduled flush runs (if one is scheduled).
    Flush,
    /// Time passes; the timer fires if it is due.
    Wait(u8),
    /// The broker stops answering what it has received so far.
    Silence,
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        2 => (1u8..=100).prop_map(Event::Publish),
        4 => (1u8..=40).prop_map(Event::Answers),
        3 => Just(Event::Flush),
        1 => (1u8..=3).prop_map(Event::Wait),
        1 => Just(Event::Silence),
    ]
}

/// A page's event loop around the driver, with a broker that answers every QoS 1 PUBLISH.
#[derive(Default)]
struct Page {
    now: u64,
    flush_scheduled: bool,
    timer_at: Option<u64>,
    /// PUBACKs the broker has sent and the page not yet received.
    answers: std::collections::VecDeque<[u8; 4]>,
    published: usize,
    sent_publishes: usize,
    /// Answers the broker never sent.
    silenced: usize,
}

impl Page {
    fn carry_out(&mut self, driver: &mut Driver) {
        while let Some(effect) = driver.poll_effect() {
            match effect {
                Effect::ScheduleFlush(_) => self.flush_scheduled = true,
                Effect::SetTimer(ms) => self.timer_at = Some(self.now + u64::from(ms)),
                Effect::CancelTimer => self.timer_at = None,
                Effect::Send(bytes) => {
                    let mut decoder = FrameDecoder::new(ProtocolVersion::V311);
                    decoder.push(&bytes);
                    while let Some(frame) = decoder
                        .next_frame()
                        .expect("the driver sends valid packets")
                    {
                        if let Packet::Publish(publish) = frame.packet {
                            self.sent_publishes += 1;
                            if let QosPid::AtLeastOnce(pid) = publish.qos_pid {
                                let [high, low] = pid.get().to_be_bytes();
                                self.answers.push_back([0x40, 0x02, high, low]);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, driver: &mut Driver, event: Event) {
        match event {
            Event::Publish(count) => {
                for _ in 0..count {
                    driver
                        .command(self.now, |session, now| {
                            session.publish(now, PublishRequest::new("t", "x", QoS::AtLeastOnce))
                        })
                        .expect("publish accepted");
                    self.published += 1;
                }
            }
            Event::Answers(count) => {
                for _ in 0..count {
                    let Some(answer) = self.answers.pop_front() else {
                        break;
                    };
                    driver.handle_bytes(self.now, &answer);
                    self.carry_out(driver);
                }
            }
            Event::Flush => {
                if std::mem::take(&mut self.flush_scheduled) {
                    driver.handle_flush_due(self.now, 0);
                }
            }
            Event::Silence => {
                self.silenced += self.answers.len();
                self.answers.clear();
            }
            Event::Wait(ms) => {
                self.now += u64::from(ms);
                if self.timer_at.is_some_and(|at| at <= self.now) {
                    self.timer_at = None;
                    driver.handle_timer(self.now);
                }
            }
        }
        self.carry_out(driver);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the order of publishes, answers, silences, flushes and time, a flush is never
    /// held for good: once the page's events run out and the page runs only what the driver
    /// scheduled, every publish has left, and if the broker answered them all, none is in flight.
    #[test]
    fn a_held_flush_always_leaves(events in prop::collection::vec(event(), 1..120)) {
        let session = Session::new(ConnectOptions::new(ProtocolVersion::V311, "p"), ClientTag::FIRST);
        let mut driver = Driver::new(session, Reconnect::NEVER, 3);
        let mut page = Page::default();
        page.carry_out(&mut driver);
        driver.handle_opened(0, SUBPROTOCOL);
        page.carry_out(&mut driver);
        page.run(&mut driver, Event::Flush);
        driver.handle_bytes(0, &CONNACK);
        page.answers.clear();
        page.carry_out(&mut driver);
        for event in events {
            page.run(&mut driver, event);
        }
        page.run(&mut driver, Event::Silence);
        // Then the event loop runs on by itself: flushes first, then arrivals, then the timer
        // when it is due soon (not the keep-alive's, a minute away).
        for _ in 0..100_000 {
            if page.flush_scheduled {
                page.run(&mut driver, Event::Flush);
            } else if !page.answers.is_empty() {
                page.run(&mut driver, Event::Answers(1));
            } else if let Some(at) = page.timer_at.filter(|at| *at <= page.now + 10) {
                page.run(&mut driver, Event::Wait((at - page.now).max(1) as u8));
            } else {
                break;
            }
        }
        prop_assert_eq!(page.sent_publishes, page.published, "every publish left");
        prop_assert_eq!(
            driver.session().in_flight(),
            page.silenced,
            "every publish answered is no longer in flight"
        );
    }
}
