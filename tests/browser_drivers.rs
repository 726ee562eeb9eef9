#![cfg(target_arch = "wasm32")]
//! Browser tests in headless Chromium: the codec in wasm32, the simulated world driven by real
//! time through the page's timer, and the broker probe over a real browser WebSocket to the
//! Mosquitto listener that scripts/test starts.

use std::cell::RefCell;
use std::rc::Rc;

use bytes::Bytes;
use gloo_timers::future::TimeoutFuture;
use qoscope::broker::BrokerConfig;
use qoscope::codec::{
    annotate, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, Subscription, SubscriptionOptions,
};
use qoscope::session::{ConnectOptions, Event, PublishRequest};
use qoscope::sim::{LinkFaults, World};
use qoscope::trace::{ClientTag, Direction};
use qoscope::web::clock::performance_now;
use qoscope::web::probe::{self, ProbeOutcome};
use qoscope::web::sim_driver::SimDriver;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits until `done` holds, checking every 10 ms, at most `limit_ms`.
async fn eventually(limit_ms: f64, mut done: impl FnMut() -> bool) -> bool {
    let start = performance_now();
    while performance_now() - start < limit_ms {
        if done() {
            return true;
        }
        TimeoutFuture::new(10).await;
    }
    done()
}

#[wasm_bindgen_test]
fn the_codec_runs_in_wasm() {
    let mut publish = Publish::new(
        "a/b",
        QosPid::ExactlyOnce(Pid::new(7).unwrap()),
        Bytes::from_static(b"hi"),
    );
    publish.properties.message_expiry_interval = Some(30);
    let bytes = Packet::Publish(publish.clone())
        .to_bytes(ProtocolVersion::V5)
        .unwrap();
    let annotated = annotate(&bytes, ProtocolVersion::V5);
    assert_eq!(annotated.result, Ok(Packet::Publish(publish)));
    assert!(annotated
        .fields
        .iter()
        .any(|field| field.name == "Message Expiry Interval" && field.value == "30"));
}

#[wasm_bindgen_test]
async fn the_simulated_world_runs_on_the_page_timer() {
    let mut world = World::new(BrokerConfig::default(), 5);
    let publisher = world.add_client(ConnectOptions::new(ProtocolVersion::V5, "publisher"));
    let subscriber = world.add_client(ConnectOptions::new(ProtocolVersion::V5, "subscriber"));
    for client in [publisher, subscriber] {
        world.set_faults(
            client,
            Direction::Outgoing,
            LinkFaults {
                latency_ms: 40,
                ..LinkFaults::default()
            },
        );
        world.connect(client);
    }
    let driver = SimDriver::new(world, 4.0);
    let subscription = Subscription {
        filter: "demo".into(),
        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
    };
    driver
        .with_world(|world| {
            world.with_session(subscriber, |session, now| {
                session.subscribe(now, vec![subscription], Default::default())
            })
        })
        .unwrap();
    let subscribed = eventually(3000.0, || {
        driver.read(|world| {
            world
                .session(subscriber)
                .subscriptions()
                .all(|s| s.outcome.is_some())
        })
    })
    .await;
    assert!(subscribed, "SUBACK arrives through the timer-driven links");

    let started = driver.read(|world| world.now());
    driver
        .with_world(|world| {
            world.with_session(publisher, |session, now| {
                session.publish(now, PublishRequest::new("demo", "hello", QoS::ExactlyOnce))
            })
        })
        .unwrap();
    let received = Rc::new(RefCell::new(Vec::new()));
    let sink = received.clone();
    let arrived = eventually(3000.0, || {
        driver.with_world(|world| {
            while let Some((client, event)) = world.poll_event() {
                if let (true, Event::Message(message)) = (client == subscriber, event) {
                    sink.borrow_mut().push(message.payload);
                }
            }
        });
        !sink.borrow().is_empty()
    })
    .await;
    assert!(arrived, "the message is delivered by the page's timer");
    assert_eq!(received.borrow().as_slice(), [Bytes::from_static(b"hello")]);
    assert!(
        driver.read(|world| world.now()) >= started + 40,
        "simulated time passed at least one link latency"
    );
}

async fn run_probe(url: &str, version: ProtocolVersion) -> ProbeOutcome {
    let outcome: Rc<RefCell<Option<ProbeOutcome>>> = Rc::new(RefCell::new(None));
    let sink = outcome.clone();
    let running = probe::start(url, version, move |result| {
        *sink.borrow_mut() = Some(result)
    });
    let _probe = match running {
        Ok(probe) => probe,
        Err(message) => return Err(message),
    };
    assert!(
        eventually(5000.0, || outcome.borrow().is_some()).await,
        "the probe finishes"
    );
    let result = outcome.borrow_mut().take().unwrap();
    result
}

fn mosquitto_url() -> &'static str {
    match option_env!("QOSCOPE_MOSQUITTO_WS_URL") {
        Some(url) => url,
        None => panic!("build these tests through scripts/test, which starts Mosquitto and sets QOSCOPE_MOSQUITTO_WS_URL"),
    }
}

#[wasm_bindgen_test]
async fn the_probe_gets_a_connack_from_mosquitto_in_both_versions() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let report = run_probe(mosquitto_url(), version).await.unwrap();
        assert!(report.accepted, "{version}: {}", report.label);
        assert!(report.label.starts_with("CONNACK"));
        assert!(report
            .fields
            .iter()
            .any(|field| field.name == "Remaining Length"));
    }
}

#[wasm_bindgen_test]
async fn the_probe_explains_a_wrong_url_and_a_dead_port() {
    let error = run_probe("http://127.0.0.1:1/mqtt", ProtocolVersion::V311)
        .await
        .unwrap_err();
    assert!(error.contains("ws://"), "{error}");
    let error = run_probe("ws://127.0.0.1:1/mqtt", ProtocolVersion::V311)
        .await
        .unwrap_err();
    assert!(
        error.contains("closed before a CONNACK") && error.contains("/mqtt"),
        "{error}"
    );
}

#[wasm_bindgen_test]
async fn the_websocket_driver_runs_a_session_against_mosquitto() {
    use qoscope::web::ws_client::{ClientEvent, Reconnect, WsClient};
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let events: Rc<RefCell<Vec<Event>>> = Rc::new(RefCell::new(Vec::new()));
        let sink = events.clone();
        let id = format!("driver-{}-{}", version.level(), performance_now() as u64);
        let session = qoscope::session::Session::new(
            ConnectOptions::new(version, id.clone()),
            ClientTag::FIRST,
        );
        let no_reconnect = Reconnect {
            initial_ms: 0,
            max_ms: 0,
        };
        let client =
            WsClient::connect(
                mosquitto_url(),
                session,
                no_reconnect,
                move |event| match event {
                    ClientEvent::Session(event) => sink.borrow_mut().push(event),
                    ClientEvent::Messages(messages) => sink
                        .borrow_mut()
                        .extend(messages.into_iter().map(Event::Message)),
                    _ => {}
                },
            )
            .unwrap();
        assert!(
            eventually(5000.0, || client.read(|session| session.is_connected())).await,
            "{version}: CONNACK"
        );
        let topic = format!("qoscope-browser/{id}");
        let subscription = Subscription {
            filter: format!("{topic}/#"),
            options: SubscriptionOptions::qos(QoS::ExactlyOnce),
        };
        client
            .with_session(|session, now| {
                session.subscribe(now, vec![subscription], Default::default())
            })
            .unwrap();
        assert!(
            eventually(5000.0, || events
                .borrow()
                .iter()
                .any(|event| matches!(event, Event::Subscribed { .. })))
            .await
        );
        for qos in QoS::ALL {
            let request = PublishRequest::new(format!("{topic}/{}", qos.as_u8()), "hi", qos);
            client
                .with_session(|session, now| session.publish(now, request))
                .unwrap();
        }
        let count = |events: &Vec<Event>, wanted: fn(&Event) -> bool| {
            events.iter().filter(|event| wanted(event)).count()
        };
        let done = eventually(5000.0, || {
            let events = events.borrow();
            count(&events, |event| matches!(event, Event::Message(_))) == 3
                && count(&events, |event| matches!(event, Event::Published { .. })) == 3
        })
        .await;
        assert!(
            done,
            "{version}: three messages out and back: {:?}",
            events.borrow()
        );
        let qos: Vec<QoS> = events
            .borrow()
            .iter()
            .filter_map(|event| match event {
                Event::Message(message) => Some(message.qos),
                _ => None,
            })
            .collect();
        assert_eq!(qos, QoS::ALL);
        client.end();
    }
}

#[wasm_bindgen_test]
async fn the_websocket_driver_reports_a_refused_connection_and_reconnects_with_back_off() {
    use qoscope::web::ws_client::{ClientEvent, Reconnect, WsClient};
    let seen: Rc<RefCell<Vec<String>>> = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let session = qoscope::session::Session::new(
        ConnectOptions::new(ProtocolVersion::V311, "nobody"),
        ClientTag::FIRST,
    );
    let reconnect = Reconnect {
        initial_ms: 50,
        max_ms: 200,
    };
    let client =
        WsClient::connect(
            "ws://127.0.0.1:1/mqtt",
            session,
            reconnect,
            move |event| match event {
                ClientEvent::Error(message) => sink.borrow_mut().push(message),
                ClientEvent::Reconnecting { attempt, delay_ms } => sink
                    .borrow_mut()
                    .push(format!("reconnect {attempt} after {delay_ms}")),
                _ => {}
            },
        )
        .unwrap();
    assert!(
        eventually(5000.0, || seen
            .borrow()
            .iter()
            .filter(|line| line.starts_with("reconnect"))
            .count()
            >= 3)
        .await
    );
    client.end();
    let seen = seen.borrow();
    assert!(
        seen.iter()
            .any(|line| line.contains("closed before a CONNACK")),
        "{seen:?}"
    );
    assert!(WsClient::connect(
        "mqtt://host",
        qoscope::session::Session::new(
            ConnectOptions::new(ProtocolVersion::V311, "x"),
            ClientTag::FIRST
        ),
        reconnect,
        |_| {}
    )
    .err()
    .is_some_and(|error| error.contains("ws://")));
    // Back-off doubles and is capped: 50, 100, 200, 200 (before jitter halves at most).
    assert_eq!(reconnect.delay_ms(0, 1.0), 50);
    assert_eq!(reconnect.delay_ms(1, 1.0), 100);
    assert_eq!(reconnect.delay_ms(5, 1.0), 200);
    assert_eq!(reconnect.delay_ms(5, 0.0), 100);
}

#[wasm_bindgen_test]
async fn the_worker_timer_fires_and_keeps_the_keep_alive_going() {
    use qoscope::codec::PacketType;
    use qoscope::trace::TraceEvent;
    use qoscope::web::worker_timer::{TimerKind, WorkerTimer};
    use qoscope::web::ws_client::{ClientEvent, Reconnect, WsClient};

    let fired = Rc::new(RefCell::new(0));
    let count = fired.clone();
    let timer = WorkerTimer::new(move || *count.borrow_mut() += 1);
    assert_eq!(
        timer.kind(),
        TimerKind::Worker,
        "timers run in a Web Worker"
    );
    timer.set(20);
    assert!(eventually(2000.0, || *fired.borrow() == 1).await);
    timer.set(10_000);
    timer.cancel();

    // A 1 s keep alive: the session sends PINGREQ after 0.75 s of silence, driven by the worker.
    let mut options = ConnectOptions::new(
        ProtocolVersion::V311,
        format!("keepalive-{}", performance_now() as u64),
    );
    options.keep_alive = 1;
    let pings: Rc<RefCell<Vec<(Direction, PacketType)>>> = Rc::new(RefCell::new(Vec::new()));
    let sink = pings.clone();
    let no_reconnect = Reconnect {
        initial_ms: 0,
        max_ms: 0,
    };
    let client = WsClient::connect(
        mosquitto_url(),
        qoscope::session::Session::new(options, ClientTag::FIRST),
        no_reconnect,
        move |event| {
            if let ClientEvent::Trace(events) = event {
                for event in events {
                    if let TraceEvent::Packet(record) = event {
                        if let Ok(packet) = record.packet {
                            if matches!(
                                packet.packet_type(),
                                PacketType::PingReq | PacketType::PingResp
                            ) {
                                sink.borrow_mut()
                                    .push((record.direction, packet.packet_type()));
                            }
                        }
                    }
                }
            }
        },
    )
    .unwrap();
    assert!(
        eventually(3000.0, || pings.borrow().len() >= 2).await,
        "PINGREQ and PINGRESP within 3 s"
    );
    assert_eq!(client.timer_kind(), Some(TimerKind::Worker));
    assert_eq!(
        pings.borrow()[0],
        (Direction::Outgoing, PacketType::PingReq)
    );
    assert!(client.read(|session| session.is_connected()));
    client.end();
}

#[wasm_bindgen_test]
async fn commands_from_a_listener_are_made_at_the_time_of_the_event_they_answer() {
    use qoscope::web::ws_client::{ClientEvent, Reconnect, WsClient};

    // Counts the page's clock reads (performance.now), which the driver makes through JavaScript.
    let count_reads = js_sys::Function::new_no_args(
        "const now = performance.now.bind(performance);
         globalThis.clockReads = 0;
         globalThis.realNow = performance.now;
         performance.now = () => { globalThis.clockReads++; return now(); };",
    );
    let stop_counting = js_sys::Function::new_no_args(
        "performance.now = globalThis.realNow; delete globalThis.realNow;",
    );
    let reads = || {
        js_sys::Reflect::get(&js_sys::global(), &"clockReads".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };

    let id = format!("run-time-{}", performance_now() as u64);
    let topic = format!("qoscope-browser/{id}");
    let session = qoscope::session::Session::new(
        ConnectOptions::new(ProtocolVersion::V311, id),
        ClientTag::FIRST,
    );
    let no_reconnect = Reconnect {
        initial_ms: 0,
        max_ms: 0,
    };
    let handle: Rc<RefCell<Option<WsClient>>> = Rc::new(RefCell::new(None));
    /// What the listener did for one message.
    #[derive(Clone)]
    struct Answer {
        /// The times its commands were made at.
        times: Vec<u64>,
        /// The clock reads made meanwhile.
        clock_reads: f64,
    }
    let answers: Rc<RefCell<Vec<Answer>>> = Rc::new(RefCell::new(Vec::new()));
    let subscribed = Rc::new(std::cell::Cell::new(false));
    let (inside, sink, granted) = (handle.clone(), answers.clone(), subscribed.clone());
    let answer_topic = format!("{topic}/answer");
    let client = WsClient::connect(mosquitto_url(), session, no_reconnect, move |event| {
        let messages = match event {
            ClientEvent::Messages(messages) => messages,
            ClientEvent::Session(Event::Subscribed { .. }) => return granted.set(true),
            _ => return,
        };
        let Some(client) = inside.borrow().clone() else {
            return;
        };
        for _ in messages {
            let before = reads();
            let times: Vec<u64> = (0..3)
                .map(|_| {
                    let request = PublishRequest::new(answer_topic.clone(), "a", QoS::AtMostOnce);
                    client
                        .with_session(|session, now| session.publish(now, request).map(|_| now))
                        .unwrap()
                })
                .collect();
            sink.borrow_mut().push(Answer {
                times,
                clock_reads: reads() - before,
            });
        }
    })
    .unwrap();
    *handle.borrow_mut() = Some(client.clone());
    assert!(eventually(5000.0, || client.read(|session| session.is_connected())).await);
    let subscription = Subscription {
        filter: format!("{topic}/question"),
        options: SubscriptionOptions::qos(QoS::AtMostOnce),
    };
    client
        .with_session(|session, now| session.subscribe(now, vec![subscription], Default::default()))
        .unwrap();
    assert!(eventually(5000.0, || subscribed.get()).await, "SUBACK");

    count_reads.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    let request = PublishRequest::new(format!("{topic}/question"), "q", QoS::AtMostOnce);
    let asked_at = client
        .with_session(|session, now| session.publish(now, request).map(|_| now))
        .unwrap();
    let answered = eventually(5000.0, || !answers.borrow().is_empty()).await;
    stop_counting.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    assert!(answered, "the question came back");
    let Answer { times, clock_reads } = answers.borrow()[0].clone();
    assert_eq!(clock_reads, 0.0, "no clock read per command in a run");
    assert!(
        times
            .iter()
            .all(|&time| time == times[0] && time >= asked_at),
        "{times:?}"
    );
    handle.borrow_mut().take();
    client.end();
}
