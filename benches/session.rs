//! The client session's cost per message at each QoS, next to the codec's own cost for the same
//! packets: publishing (encode the PUBLISH), taking the acknowledgements (decode PUBACK, or
//! PUBREC and PUBCOMP) and, for QoS 2, sending the PUBREL. The session adds its bookkeeping
//! (packet ids, in-flight table, quota, events) on top; the trace is off, as in a headless run,
//! and also measured on.
//!
//! `cargo bench --bench session` (criterion groups, then a table of ns/message and ratios).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::time::Instant;

    use bytes::Bytes;
    use criterion::{BenchmarkId, Criterion, Throughput};
    use qoscope::codec::{
        Ack, ConnAck, FrameDecoder, Packet, Pid, ProtocolVersion, Publish, QoS, QosPid, ReasonCode,
    };
    use qoscope::session::{ConnectOptions, PublishRequest, Session};
    use qoscope::trace::ClientTag;

    /// 65,535 = 255 × 257: batches of 255 cycle through every packet id exactly, so the
    /// pre-encoded acks of batch k always match the ids the session hands out.
    const BATCH: u16 = 255;
    const CYCLE: u16 = 257;
    const VERSION: ProtocolVersion = ProtocolVersion::V5;

    fn connected(trace: bool) -> Session {
        let mut options = ConnectOptions::new(VERSION, "bench");
        options.trace = trace;
        let mut session = Session::new(options, ClientTag::FIRST);
        session.handle_transport_open(0);
        let connack = Packet::ConnAck(ConnAck::new(false, ReasonCode::Success))
            .to_bytes(VERSION)
            .unwrap();
        session.handle_bytes(0, &connack);
        while session.poll_event().is_some() {}
        session.poll_transmit();
        session
    }

    /// For each batch of the id cycle, the acknowledgements the server sends at `qos`.
    fn acks(qos: QoS) -> Vec<Vec<u8>> {
        (0..CYCLE)
            .map(|batch| {
                let mut stream = Vec::new();
                for offset in 1..=BATCH {
                    let pid = Pid::new(batch * BATCH + offset).unwrap();
                    match qos {
                        QoS::AtMostOnce => {}
                        QoS::AtLeastOnce => Packet::PubAck(Ack::new(pid))
                            .encode(VERSION, &mut stream)
                            .unwrap(),
                        QoS::ExactlyOnce => {
                            Packet::PubRec(Ack::new(pid))
                                .encode(VERSION, &mut stream)
                                .unwrap();
                            Packet::PubComp(Ack::new(pid))
                                .encode(VERSION, &mut stream)
                                .unwrap();
                        }
                    }
                }
                stream
            })
            .collect()
    }

    /// Hands out the ack stream of each batch in turn.
    struct Acks {
        streams: Vec<Vec<u8>>,
        next: usize,
    }

    impl Acks {
        fn new(qos: QoS) -> Acks {
            Acks {
                streams: acks(qos),
                next: 0,
            }
        }

        fn take(&mut self) -> (u16, &[u8]) {
            let batch = self.next;
            self.next = (self.next + 1) % self.streams.len();
            (batch as u16, &self.streams[batch])
        }
    }

    /// One batch through a session: publish BATCH messages, take all their acks, drain.
    fn session_batch(session: &mut Session, payload: &Bytes, qos: QoS, acks: &mut Acks) {
        let (_, acks) = acks.take();
        for _ in 0..BATCH {
            session
                .publish(0, PublishRequest::new("bench/topic", payload.clone(), qos))
                .unwrap();
        }
        black_box(session.poll_transmit());
        session.handle_bytes(0, acks);
        black_box(session.poll_transmit());
        while let Some(event) = session.poll_event() {
            black_box(event);
        }
        black_box(session.poll_trace());
    }

    /// The codec doing the same packets: encode BATCH PUBLISH (and PUBREL), decode the acks.
    fn codec_batch(out: &mut Vec<u8>, payload: &Bytes, qos: QoS, acks: &mut Acks) {
        let (batch, acks) = acks.take();
        out.clear();
        for offset in 1..=BATCH {
            let pid = Pid::new(batch * BATCH + offset).unwrap();
            let publish = Publish::new("bench/topic", QosPid::new(qos, pid), payload.clone());
            Packet::Publish(publish).encode(VERSION, out).unwrap();
            if qos == QoS::ExactlyOnce {
                Packet::PubRel(Ack::new(pid)).encode(VERSION, out).unwrap();
            }
        }
        let mut decoder = FrameDecoder::new(VERSION);
        decoder.push(acks);
        while let Ok(Some(frame)) = decoder.next_frame() {
            black_box(frame);
        }
        black_box(out.len());
    }

    pub fn benches(criterion: &mut Criterion) {
        let payload = Bytes::from(vec![b'x'; 64]);
        for qos in QoS::ALL {
            let mut group = criterion.benchmark_group(format!("per message {qos}"));
            group.throughput(Throughput::Elements(u64::from(BATCH)));
            let (mut session, mut session_acks) = (connected(false), Acks::new(qos));
            group.bench_function(BenchmarkId::new("session", "trace off"), |b| {
                b.iter(|| session_batch(&mut session, &payload, qos, &mut session_acks))
            });
            let (mut traced, mut traced_acks) = (connected(true), Acks::new(qos));
            group.bench_function(BenchmarkId::new("session", "trace on"), |b| {
                b.iter(|| session_batch(&mut traced, &payload, qos, &mut traced_acks))
            });
            let (mut out, mut codec_acks) = (Vec::new(), Acks::new(qos));
            group.bench_function(BenchmarkId::new("codec", "alone"), |b| {
                b.iter(|| codec_batch(&mut out, &payload, qos, &mut codec_acks))
            });
            group.finish();
        }
    }

    /// Median ns per message over interleaved rounds.
    pub fn table() {
        let payload = Bytes::from(vec![b'x'; 64]);
        println!("\nsession cost per message (MQTT 5.0, 64-byte payload), median of 15 interleaved rounds");
        println!(
            "{:<6} {:>14} {:>14} {:>14} {:>10} {:>10}",
            "QoS", "codec ns", "session ns", "traced ns", "session/x", "traced/x"
        );
        for qos in QoS::ALL {
            let (mut session, mut session_acks) = (connected(false), Acks::new(qos));
            let (mut traced, mut traced_acks) = (connected(true), Acks::new(qos));
            let (mut out, mut codec_acks) = (Vec::new(), Acks::new(qos));
            let (mut codec, mut plain, mut with_trace) = (Vec::new(), Vec::new(), Vec::new());
            let per = |start: Instant, rounds: u32| {
                start.elapsed().as_nanos() as f64 / f64::from(u32::from(BATCH) * rounds)
            };
            for _ in 0..15 {
                let start = Instant::now();
                for _ in 0..CYCLE {
                    codec_batch(&mut out, &payload, qos, &mut codec_acks);
                }
                codec.push(per(start, u32::from(CYCLE)));
                let start = Instant::now();
                for _ in 0..CYCLE {
                    session_batch(&mut session, &payload, qos, &mut session_acks);
                }
                plain.push(per(start, u32::from(CYCLE)));
                let start = Instant::now();
                for _ in 0..CYCLE {
                    session_batch(&mut traced, &payload, qos, &mut traced_acks);
                }
                with_trace.push(per(start, u32::from(CYCLE)));
            }
            let median = |values: &mut Vec<f64>| {
                values.sort_by(f64::total_cmp);
                values[values.len() / 2]
            };
            let (codec, plain, with_trace) = (
                median(&mut codec),
                median(&mut plain),
                median(&mut with_trace),
            );
            println!(
                "{:<6} {:>14.0} {:>14.0} {:>14.0} {:>10.2} {:>10.2}",
                qos.as_u8(),
                codec,
                plain,
                with_trace,
                plain / codec,
                with_trace / codec
            );
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let mut criterion = criterion::Criterion::default().configure_from_args();
    native::benches(&mut criterion);
    criterion.final_summary();
    native::table();
}
