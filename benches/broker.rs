//! Simulated broker throughput: QoS 0 and QoS 2 messages routed between two sessions in a World
//! (links, trace on and bounded), against the codec alone doing the same packets.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use qoscope::broker::BrokerConfig;
    use qoscope::codec::{ProtocolVersion, QoS, Subscription, SubscriptionOptions};
    use qoscope::session::{ConnectOptions, PublishRequest};
    use qoscope::sim::World;
    use qoscope::trace::TraceStore;
    use std::time::Instant;

    for qos in [QoS::AtMostOnce, QoS::ExactlyOnce] {
        let mut world = World::new(BrokerConfig::default(), 1);
        let a = world.add_client(ConnectOptions::new(ProtocolVersion::V311, "a"));
        let b = world.add_client(ConnectOptions::new(ProtocolVersion::V311, "b"));
        world.connect(a);
        world.connect(b);
        world
            .with_session(b, |s, now| {
                s.subscribe(
                    now,
                    vec![Subscription {
                        filter: "t".into(),
                        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
                    }],
                    Default::default(),
                )
            })
            .unwrap();
        world.run_until_quiet(1000).unwrap();
        let mut store = TraceStore::new(10_000, 1_000);
        let n = 200_000;
        let start = Instant::now();
        let payload = bytes::Bytes::from(vec![b'x'; 64]);
        for i in 0..n {
            world
                .with_session(a, |s, now| {
                    s.publish(now, PublishRequest::new("t", payload.clone(), qos))
                })
                .unwrap();
            if i % 16 == 0 {
                world.run_until_quiet(100000).unwrap();
                store.extend(world.poll_trace());
                while world.poll_event().is_some() {}
            }
        }
        world.run_until_quiet(100000).unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!("{qos}: {:.0} msg/s", n as f64 / secs);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
