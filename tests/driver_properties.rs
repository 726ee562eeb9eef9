#![cfg(not(target_arch = "wasm32"))]
//! Property tests for the client driver under random schedules of publishes, flushes, messages
//! from the broker, lost connections, timers and state saves: it sends only on an open
//! connection, never before the state a flush depends on is saved, and the trace records as
//! sent exactly the bytes that were sent.

use proptest::prelude::*;
use qoscope::codec::{ProtocolVersion, QoS};
use qoscope::driver::{Action, ClientEvent, Driver, Reconnect, SUBPROTOCOL};
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
    /// Carries out the driver's actions; asserts the invariants on each.
    fn carry_out(&mut self, driver: &mut Driver, now: u64) -> Result<(), TestCaseError> {
        let actions: Vec<Action> = std::iter::from_fn(|| driver.poll_action()).collect();
        let closes_now = actions.iter().any(|action| matches!(action, Action::Close));
        for action in actions {
            match action {
                Action::Open => self.opening = true,
                Action::Close => {
                    self.open = false;
                    self.opening = false;
                }
                Action::Send(bytes) => {
                    prop_assert!(self.open, "sent on a connection that is not open");
                    // Only a close sends what waits for a save: the session ended the connection.
                    prop_assert!(
                        self.saves == 0 || closes_now,
                        "sent before the state was saved"
                    );
                    self.sent.extend_from_slice(&bytes);
                }
                Action::Save(_) => self.saves += 1,
                Action::Emit(ClientEvent::Trace(events)) => {
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
                Action::ScheduleFlush(_)
                | Action::SetTimer(_)
                | Action::CancelTimer
                | Action::Emit(_) => {}
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
