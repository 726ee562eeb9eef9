//! Simulated broker throughput: messages routed between two of our sessions, with the trace on
//! and kept in a bounded store, next to the cost of the codec alone for the same packets.
//!
//! - "direct": sessions and broker wired back to back (the broker's own cost);
//! - "world": the same through a `World` with its links, which also record every packet.
//!
//! It also checks that memory stays flat: the trace store's size and the process's resident
//! memory are printed after each slice of a long run (`QOSCOPE_BENCH_LONG=1` runs 10 million
//! QoS 0 messages; the default is 2 million).
//!
//! `cargo bench --bench broker`

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Instant;

    use bytes::Bytes;
    use qoscope::broker::{Broker, BrokerConfig};
    use qoscope::codec::{
        FrameDecoder, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, Subscription,
        SubscriptionOptions,
    };
    use qoscope::session::{ConnectOptions, PublishRequest, Session};
    use qoscope::sim::World;
    use qoscope::trace::{ClientTag, TraceStore};

    const VERSION: ProtocolVersion = ProtocolVersion::V311;
    const BATCH: usize = 200;

    fn with_trace(mut options: ConnectOptions, trace: bool) -> ConnectOptions {
        options.trace = trace;
        options
    }

    /// Publisher (connection 1) and subscriber (connection 2) wired straight to the broker.
    struct Direct {
        broker: Broker,
        publisher: Session,
        subscriber: Session,
        store: TraceStore,
    }

    impl Direct {
        fn new(trace: bool) -> Direct {
            let mut direct = Direct {
                broker: Broker::new(BrokerConfig {
                    max_inflight: 0,
                    ..BrokerConfig::default()
                }),
                publisher: Session::new(
                    with_trace(ConnectOptions::new(VERSION, "publisher"), trace),
                    ClientTag(1),
                ),
                subscriber: Session::new(
                    with_trace(ConnectOptions::new(VERSION, "subscriber"), trace),
                    ClientTag(2),
                ),
                store: TraceStore::new(10_000, 2_000),
            };
            direct.broker.handle_connection_open(0, 1);
            direct.broker.handle_connection_open(0, 2);
            direct.publisher.handle_transport_open(0);
            direct.subscriber.handle_transport_open(0);
            let subscription = Subscription {
                filter: "bench/#".into(),
                options: SubscriptionOptions::qos(QoS::ExactlyOnce),
            };
            direct.pump();
            direct
                .subscriber
                .subscribe(0, vec![subscription], Default::default())
                .unwrap();
            direct.pump();
            direct
        }

        fn pump(&mut self) {
            loop {
                let mut moved = false;
                while let Some(bytes) = self.publisher.poll_transmit() {
                    self.broker.handle_bytes(0, 1, &bytes);
                    moved = true;
                }
                while let Some(bytes) = self.subscriber.poll_transmit() {
                    self.broker.handle_bytes(0, 2, &bytes);
                    moved = true;
                }
                while let Some((conn, bytes)) = self.broker.poll_transmit() {
                    let session = if conn == 1 {
                        &mut self.publisher
                    } else {
                        &mut self.subscriber
                    };
                    session.handle_bytes(0, &bytes);
                    moved = true;
                }
                while self.broker.poll_event().is_some() {}
                if !moved {
                    break;
                }
            }
            for session in [&mut self.publisher, &mut self.subscriber] {
                while let Some(event) = session.poll_event() {
                    black_box(event);
                }
                self.store.extend(session.poll_trace());
            }
        }

        fn batch(&mut self, payload: &Bytes, qos: QoS) {
            for _ in 0..BATCH {
                self.publisher
                    .publish(0, PublishRequest::new("bench/x", payload.clone(), qos))
                    .unwrap();
            }
            self.pump();
        }
    }

    fn world(qos: QoS) -> World {
        let mut world = World::new(
            BrokerConfig {
                max_inflight: 0,
                ..BrokerConfig::default()
            },
            1,
        );
        let publisher = world.add_client(ConnectOptions::new(VERSION, "publisher"));
        let subscriber = world.add_client(ConnectOptions::new(VERSION, "subscriber"));
        world.connect(publisher);
        world.connect(subscriber);
        let subscription = Subscription {
            filter: "bench/#".into(),
            options: SubscriptionOptions::qos(qos),
        };
        world
            .with_session(subscriber, |s, now| {
                s.subscribe(now, vec![subscription], Default::default())
            })
            .unwrap();
        world.run_until_quiet(1000).unwrap();
        world
    }

    fn world_batch(world: &mut World, store: &mut TraceStore, payload: &Bytes, qos: QoS) {
        for _ in 0..BATCH {
            world
                .with_session(0, |s, now| {
                    s.publish(now, PublishRequest::new("bench/x", payload.clone(), qos))
                })
                .unwrap();
        }
        world.run_until_quiet(1_000_000).unwrap();
        while world.poll_event().is_some() {}
        store.extend(world.poll_trace());
    }

    /// The packets one message needs on the wire, encoded and decoded by the codec alone: the
    /// PUBLISH in and out of the broker and its acknowledgements on both hops.
    fn codec_batch(payload: &Bytes, qos: QoS, out: &mut Vec<u8>) {
        out.clear();
        for index in 0..BATCH {
            let pid = Pid::new(index as u16 + 1).unwrap();
            for _hop in 0..2 {
                Packet::Publish(Publish::new(
                    "bench/x",
                    QosPid::new(qos, pid),
                    payload.clone(),
                ))
                .encode(VERSION, out)
                .unwrap();
                let acks: &[fn(Pid) -> Packet] = match qos {
                    QoS::AtMostOnce => &[],
                    QoS::AtLeastOnce => &[|pid| Packet::PubAck(qoscope::codec::Ack::new(pid))],
                    QoS::ExactlyOnce => &[
                        |pid| Packet::PubRec(qoscope::codec::Ack::new(pid)),
                        |pid| Packet::PubRel(qoscope::codec::Ack::new(pid)),
                        |pid| Packet::PubComp(qoscope::codec::Ack::new(pid)),
                    ],
                };
                for ack in acks {
                    ack(pid).encode(VERSION, out).unwrap();
                }
            }
        }
        let mut decoder = FrameDecoder::new(VERSION);
        decoder.push(out);
        while let Ok(Some(frame)) = decoder.next_frame() {
            black_box(frame);
        }
    }

    fn rate(batches: usize, start: Instant) -> f64 {
        (batches * BATCH) as f64 / start.elapsed().as_secs_f64()
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn run() {
        let payload = Bytes::from(vec![b'x'; 64]);
        println!("simulated broker, MQTT 3.1.1, 64-byte payloads, median of 7 interleaved rounds");
        println!("direct: sessions wired to the broker; traced: every packet and flow into a bounded store");
        println!(
            "{:<6} {:>16} {:>16} {:>16} {:>14} {:>14}",
            "QoS",
            "direct traced",
            "direct untraced",
            "world traced",
            "codec msg/s",
            "direct/codec"
        );
        for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
            let mut direct = Direct::new(true);
            let mut untraced = Direct::new(false);
            let mut simulated = world(qos);
            let mut store = TraceStore::new(10_000, 2_000);
            let mut out = Vec::new();
            let (mut direct_rates, mut world_rates, mut codec_rates) =
                (Vec::new(), Vec::new(), Vec::new());
            let mut untraced_rates = Vec::new();
            for _ in 0..7 {
                let start = Instant::now();
                for _ in 0..500 {
                    direct.batch(&payload, qos);
                }
                direct_rates.push(rate(500, start));
                let start = Instant::now();
                for _ in 0..500 {
                    untraced.batch(&payload, qos);
                }
                untraced_rates.push(rate(500, start));
                let start = Instant::now();
                for _ in 0..100 {
                    world_batch(&mut simulated, &mut store, &payload, qos);
                }
                world_rates.push(rate(100, start));
                let start = Instant::now();
                for _ in 0..500 {
                    codec_batch(&payload, qos, &mut out);
                }
                codec_rates.push(rate(500, start));
            }
            let (direct_rate, world_rate, codec_rate) = (
                median(direct_rates),
                median(world_rates),
                median(codec_rates),
            );
            println!(
                "{:<6} {:>16.0} {:>16.0} {:>16.0} {:>14.0} {:>14.2}",
                qos.as_u8(),
                direct_rate,
                median(untraced_rates),
                world_rate,
                codec_rate,
                direct_rate / codec_rate
            );
        }
        flat_memory();
    }

    /// Resident memory of this process in KiB (Linux).
    fn resident_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn flat_memory() {
        let total: usize = if std::env::var_os("QOSCOPE_BENCH_LONG").is_some() {
            10_000_000
        } else {
            2_000_000
        };
        let payload = Bytes::from(vec![b'x'; 64]);
        let mut direct = Direct::new(true);
        let slices = 10;
        println!("\nmemory over {total} QoS 0 messages (direct, trace on, store of 10,000 packets / 2,000 flows)");
        println!(
            "{:>12} {:>14} {:>14} {:>12}",
            "messages", "RSS KiB", "store packets", "msg/s"
        );
        for slice in 1..=slices {
            let start = Instant::now();
            for _ in 0..total / slices / BATCH {
                direct.batch(&payload, QoS::AtMostOnce);
            }
            println!(
                "{:>12} {:>14} {:>14} {:>12.0}",
                slice * total / slices,
                resident_kib(),
                direct.store.packets().len(),
                (total / slices) as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
}
