//! Codec throughput: decoding through `FrameDecoder` (push a whole stream, drain it with
//! `next_frame`) and encoding with `Packet::encode` into a reused buffer, for
//!
//! - streams of 1,000 PUBLISH packets with a 64-byte payload, QoS 0, 1 and 2, in MQTT 3.1.1 and
//!   in MQTT 5.0 with three properties (Message Expiry Interval, Content Type, one User Property);
//! - a mixed stream of every packet type (AUTH in 5.0 only), with typical fields and properties.
//!
//! Each benchmark group runs the same work with `mqtt5-protocol` (decoding the very same bytes,
//! encoding the equivalent packets), so criterion reports both side by side, in packets/s and
//! bytes/s. After the groups, a plain table gives packets/s, MB/s and the qoscope/mqtt5-protocol
//! ratio per case, measured here with interleaved runs and medians.
//!
//! `cargo bench --bench codec` takes a few minutes; `cargo bench --bench codec -- --quick` (or
//! `QOSCOPE_BENCH_QUICK=1 cargo bench --bench codec`) about one. Criterion filters work as usual
//! (`-- publish`); the closing table always covers every case.
//!
//! Note: `cargo bench` builds with the `bench` profile, which inherits this crate's `release`
//! profile (`opt-level = "z"`, fat LTO, tuned for the wasm bundle size). For speed-oriented
//! figures run with `CARGO_PROFILE_BENCH_OPT_LEVEL=3 CARGO_PROFILE_BENCH_LTO=false`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)]
#[path = "../tests/support/mqtt5.rs"]
mod mqtt5;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::num::{NonZeroU16, NonZeroU32};
    use std::time::{Duration, Instant};

    use bytes::{Bytes, BytesMut};
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use mqtt5_protocol as m5;
    use qoscope::codec::{
        Ack, Auth, ConnAck, Connect, Disconnect, FrameDecoder, Packet, Pid, Properties,
        ProtocolVersion, Publish, QoS, QosPid, ReasonCode, RetainHandling, SubAck, Subscribe,
        Subscription, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
    };

    use crate::mqtt5::{drain_theirs, encode_theirs, to_theirs};

    const PUBLISH_COUNT: usize = 1_000;
    const MIXED_ROUNDS: usize = 60;

    /// One benchmark input: the packets, their bytes, and the same packets for mqtt5-protocol.
    pub struct Case {
        pub name: String,
        version: ProtocolVersion,
        packets: Vec<Packet>,
        theirs: Vec<m5::Packet>,
        /// Our encoding of `packets`: the input both decoders get.
        stream: Vec<u8>,
        /// Length of mqtt5-protocol's encoding of `theirs` (a few bytes may differ).
        their_stream_len: usize,
    }

    fn pid(value: usize) -> Pid {
        Pid::new((value % usize::from(u16::MAX)) as u16 + 1).expect("never 0")
    }

    fn text(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    fn publish(version: ProtocolVersion, qos: QoS, index: usize) -> Publish {
        let mut publish = Publish::new(
            format!(
                "plant/line-{}/sensor-{:04}/temperature",
                index % 4,
                index % 97
            ),
            QosPid::new(qos, pid(index)),
            Bytes::from(vec![b'x'; 64]),
        );
        if version == ProtocolVersion::V5 {
            publish.properties.message_expiry_interval = Some(3_600);
            publish.properties.content_type = text("application/json");
            publish.properties.user_properties = vec![("unit".to_owned(), "celsius".to_owned())];
        }
        publish
    }

    fn properties(version: ProtocolVersion, fill: impl FnOnce(&mut Properties)) -> Properties {
        let mut properties = Properties::default();
        if version == ProtocolVersion::V5 {
            fill(&mut properties);
        }
        properties
    }

    /// One of each packet type, with the fields and properties a real session carries.
    fn mixed_round(version: ProtocolVersion, round: usize) -> Vec<Packet> {
        let v5 = version == ProtocolVersion::V5;
        let reason = |code| if v5 { code } else { ReasonCode::Success };
        let ack = |index, code| Ack {
            pid: pid(index),
            reason: reason(code),
            properties: Properties::default(),
        };
        let connect = Connect {
            version,
            client_id: format!("qoscope-bench-{round:04}"),
            clean_start: round.is_multiple_of(2),
            keep_alive: 30,
            properties: properties(version, |p| {
                p.session_expiry_interval = Some(300);
                p.receive_maximum = NonZeroU16::new(20);
                p.maximum_packet_size = NonZeroU32::new(65_536);
            }),
            will: Some(Will {
                topic: "clients/bench/status".to_owned(),
                payload: Bytes::from_static(b"offline"),
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: properties(version, |p| p.will_delay_interval = Some(5)),
            }),
            username: text("bench"),
            password: Some(Bytes::from_static(b"secret")),
        };
        let connack = ConnAck {
            session_present: round.is_multiple_of(3),
            reason: ReasonCode::Success,
            properties: properties(version, |p| {
                p.topic_alias_maximum = Some(10);
                p.maximum_qos = Some(QoS::AtLeastOnce);
                p.assigned_client_identifier = text("auto-7f3a");
            }),
        };
        let subscribe = Subscribe {
            pid: pid(round + 7),
            subscriptions: vec![
                Subscription {
                    filter: "plant/+/sensor-0001/#".to_owned(),
                    options: SubscriptionOptions::qos(QoS::ExactlyOnce),
                },
                Subscription {
                    filter: "alerts/#".to_owned(),
                    options: if v5 {
                        SubscriptionOptions {
                            qos: QoS::AtLeastOnce,
                            no_local: true,
                            retain_as_published: true,
                            retain_handling: RetainHandling::SendIfNew,
                        }
                    } else {
                        SubscriptionOptions::qos(QoS::AtLeastOnce)
                    },
                },
            ],
            properties: properties(version, |p| {
                p.subscription_identifiers = vec![NonZeroU32::new(42).expect("not 0")];
            }),
        };
        let suback = SubAck {
            pid: pid(round + 7),
            reasons: vec![ReasonCode::GrantedQoS2, ReasonCode::GrantedQoS1],
            properties: Properties::default(),
        };
        let unsubscribe = Unsubscribe {
            pid: pid(round + 8),
            filters: vec!["alerts/#".to_owned()],
            properties: Properties::default(),
        };
        let unsuback = UnsubAck {
            pid: pid(round + 8),
            reasons: if v5 {
                vec![ReasonCode::Success]
            } else {
                Vec::new()
            },
            properties: Properties::default(),
        };
        let disconnect = Disconnect {
            reason: reason(ReasonCode::Success),
            properties: properties(version, |p| p.session_expiry_interval = Some(0)),
        };
        let mut packets = vec![
            Packet::Connect(Box::new(connect)),
            Packet::ConnAck(connack),
            Packet::Subscribe(subscribe),
            Packet::SubAck(suback),
            Packet::Publish(publish(version, QoS::AtMostOnce, round)),
            Packet::Publish(publish(version, QoS::AtLeastOnce, round + 1)),
            Packet::PubAck(ack(round + 1, ReasonCode::NoMatchingSubscribers)),
            Packet::Publish(publish(version, QoS::ExactlyOnce, round + 2)),
            Packet::PubRec(ack(round + 2, ReasonCode::Success)),
            Packet::PubRel(ack(round + 2, ReasonCode::Success)),
            Packet::PubComp(ack(round + 2, ReasonCode::Success)),
            Packet::Unsubscribe(unsubscribe),
            Packet::UnsubAck(unsuback),
            Packet::PingReq,
            Packet::PingResp,
            Packet::Disconnect(disconnect),
        ];
        if v5 {
            packets.push(Packet::Auth(Auth {
                reason: ReasonCode::ContinueAuthentication,
                properties: properties(version, |p| {
                    p.authentication_method = text("SCRAM-SHA-256");
                    p.authentication_data =
                        Some(Bytes::from_static(b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL"));
                }),
            }));
        }
        packets
    }

    impl Case {
        fn new(name: String, version: ProtocolVersion, packets: Vec<Packet>) -> Case {
            let theirs: Vec<m5::Packet> = packets.iter().map(|p| to_theirs(p, version)).collect();
            let mut stream = Vec::new();
            for packet in &packets {
                packet
                    .encode(version, &mut stream)
                    .expect("bench packets are valid");
            }
            let mut their_stream = Vec::new();
            for packet in &theirs {
                encode_theirs(packet, &mut their_stream).expect("mqtt5-protocol encodes them");
            }
            let case = Case {
                name,
                version,
                packets,
                theirs,
                stream,
                their_stream_len: their_stream.len(),
            };
            // Both implementations must do the whole job, or the comparison means nothing.
            let count = case.packets.len();
            assert_eq!(
                case.decode(Impl::Qoscope),
                count,
                "{}: qoscope decode",
                case.name
            );
            assert_eq!(
                case.decode(Impl::Mqtt5),
                count,
                "{}: mqtt5-protocol decode",
                case.name
            );
            case
        }

        fn count(&self) -> usize {
            self.packets.len()
        }

        fn bytes(&self, op: Op, imp: Impl) -> usize {
            match (op, imp) {
                (Op::Encode, Impl::Mqtt5) => self.their_stream_len,
                _ => self.stream.len(),
            }
        }

        /// Decodes the whole stream; returns the number of packets.
        fn decode(&self, imp: Impl) -> usize {
            match imp {
                Impl::Qoscope => {
                    let mut decoder = FrameDecoder::new(self.version);
                    decoder.push(&self.stream);
                    let mut count = 0;
                    while let Some(frame) = decoder.next_frame().expect("valid stream") {
                        black_box(&frame);
                        count += 1;
                    }
                    count
                }
                Impl::Mqtt5 => {
                    let mut buffer = BytesMut::from(&self.stream[..]);
                    drain_theirs(&mut buffer, self.version, |packet| {
                        black_box(&packet);
                    })
                    .expect("valid stream")
                }
            }
        }

        /// Encodes every packet into `out` (cleared first); returns the number of packets.
        fn encode(&self, imp: Impl, out: &mut Vec<u8>) -> usize {
            out.clear();
            match imp {
                Impl::Qoscope => {
                    for packet in &self.packets {
                        packet.encode(self.version, out).expect("valid packet");
                    }
                }
                Impl::Mqtt5 => {
                    for packet in &self.theirs {
                        encode_theirs(packet, out).expect("valid packet");
                    }
                }
            }
            black_box(&out);
            self.packets.len()
        }

        fn run(&self, op: Op, imp: Impl, out: &mut Vec<u8>) -> usize {
            match op {
                Op::Decode => self.decode(imp),
                Op::Encode => self.encode(imp, out),
            }
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Op {
        Decode,
        Encode,
    }

    impl Op {
        fn name(self) -> &'static str {
            match self {
                Op::Decode => "decode",
                Op::Encode => "encode",
            }
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Impl {
        Qoscope,
        Mqtt5,
    }

    impl Impl {
        fn name(self) -> &'static str {
            match self {
                Impl::Qoscope => "qoscope",
                Impl::Mqtt5 => "mqtt5-protocol",
            }
        }
    }

    pub fn cases() -> Vec<Case> {
        let mut cases = Vec::new();
        for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let tag = match version {
                ProtocolVersion::V311 => "3.1.1",
                ProtocolVersion::V5 => "5.0",
            };
            for qos in QoS::ALL {
                let packets = (0..PUBLISH_COUNT)
                    .map(|index| Packet::Publish(publish(version, qos, index)))
                    .collect();
                cases.push(Case::new(
                    format!("publish-qos{}-{tag}", qos.as_u8()),
                    version,
                    packets,
                ));
            }
            let packets = (0..MIXED_ROUNDS)
                .flat_map(|round| mixed_round(version, round))
                .collect();
            cases.push(Case::new(format!("mixed-{tag}"), version, packets));
        }
        cases
    }

    /// Quick mode: `-- --quick` on the command line or `QOSCOPE_BENCH_QUICK` set.
    pub fn quick() -> bool {
        std::env::args().any(|arg| arg == "--quick")
            || std::env::var_os("QOSCOPE_BENCH_QUICK").is_some()
    }

    pub fn config() -> Criterion {
        let criterion = Criterion::default();
        if quick() {
            criterion
                .warm_up_time(Duration::from_millis(300))
                .measurement_time(Duration::from_millis(700))
                .sample_size(10)
        } else {
            criterion
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(3))
                .sample_size(50)
        }
    }

    fn codec(c: &mut Criterion) {
        let mut out = Vec::with_capacity(1 << 20);
        for case in cases() {
            for op in [Op::Decode, Op::Encode] {
                let mut group = c.benchmark_group(format!("{}/{}", op.name(), case.name));
                for imp in [Impl::Qoscope, Impl::Mqtt5] {
                    group.throughput(Throughput::ElementsAndBytes {
                        elements: case.count() as u64,
                        bytes: case.bytes(op, imp) as u64,
                    });
                    group.bench_function(BenchmarkId::from_parameter(imp.name()), |b| {
                        b.iter(|| case.run(op, imp, &mut out));
                    });
                }
                group.finish();
            }
        }
    }

    criterion_group! {
        name = benches;
        config = config();
        targets = codec
    }

    /// Runs `op` with `imp` for at least `target`; returns seconds per iteration.
    fn time_per_iteration(
        case: &Case,
        op: Op,
        imp: Impl,
        target: Duration,
        out: &mut Vec<u8>,
    ) -> f64 {
        let mut iterations = 0u32;
        let start = Instant::now();
        loop {
            black_box(case.run(op, imp, out));
            iterations += 1;
            let elapsed = start.elapsed();
            if elapsed >= target {
                return elapsed.as_secs_f64() / f64::from(iterations);
            }
        }
    }

    fn median(values: &mut [f64]) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    /// The closing table: both implementations measured in alternation, medians of the rounds.
    /// Only under `cargo bench`: not when `cargo test --benches` runs each benchmark once, nor
    /// when criterion lists or profiles benchmarks.
    pub fn comparison_table() {
        let args: Vec<String> = std::env::args().collect();
        let benchmarking = args.iter().any(|arg| arg == "--bench");
        let other_mode = args
            .iter()
            .any(|arg| matches!(arg.as_str(), "--list" | "--test" | "--profile-time"));
        if !benchmarking || other_mode {
            return;
        }
        let (rounds, target): (usize, Duration) = if quick() {
            (5, Duration::from_millis(40))
        } else {
            (9, Duration::from_millis(200))
        };
        let mut out = Vec::with_capacity(1 << 20);
        println!();
        println!(
            "codec throughput, median of {rounds} interleaved rounds of >= {} ms each \
             (MB = 10^6 bytes; ratio = qoscope / mqtt5-protocol packets/s)",
            target.as_millis()
        );
        println!(
            "{:<18} {:<7} {:>15} {:>9} {:>15} {:>9} {:>7}",
            "case", "op", "qoscope pkt/s", "MB/s", "mqtt5 pkt/s", "MB/s", "ratio"
        );
        for case in cases() {
            for op in [Op::Decode, Op::Encode] {
                let mut seconds = [Vec::new(), Vec::new()];
                for round in 0..rounds {
                    // Alternate which one goes first, so that neither always runs warm.
                    let order = if round.is_multiple_of(2) {
                        [Impl::Qoscope, Impl::Mqtt5]
                    } else {
                        [Impl::Mqtt5, Impl::Qoscope]
                    };
                    for imp in order {
                        let slot = usize::from(imp == Impl::Mqtt5);
                        seconds[slot].push(time_per_iteration(&case, op, imp, target, &mut out));
                    }
                }
                let [ours, theirs] = seconds.map(|mut s| median(&mut s));
                let rate = |secs: f64| case.count() as f64 / secs;
                let mb = |secs: f64, imp| case.bytes(op, imp) as f64 / secs / 1e6;
                println!(
                    "{:<18} {:<7} {:>15.0} {:>9.1} {:>15.0} {:>9.1} {:>7.2}",
                    case.name,
                    op.name(),
                    rate(ours),
                    mb(ours, Impl::Qoscope),
                    rate(theirs),
                    mb(theirs, Impl::Mqtt5),
                    theirs / ours
                );
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
use native::{benches, comparison_table};

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches, comparison_table);
