#![cfg(not(target_arch = "wasm32"))]
//! The limit checks find what the simulated broker is configured with: on a broker with limits
//! set, each reports the configured value, by trying; with the defaults, each reports a value
//! at least as large as its probe; and each check that can fail or warn does so on a broker
//! that breaks its rule or sets its limit low.

use qoscope::broker::{BrokerConfig, BrokerFault, BrokerFaults, BrokerProfile};
use qoscope::check::{run_simulated, Limit, LimitUnit, Report, RunSettings, Verdict};

fn limits_run(config: &BrokerConfig) -> Report {
    let mut settings = RunSettings::new("sim001");
    settings.only = vec!["limits".into()];
    run_simulated(&settings, config)
}

/// `id@version` → (verdict, limit).
fn found(report: &Report) -> Vec<(String, Verdict, Option<Limit>)> {
    report
        .results
        .iter()
        .filter(|result| result.id != "version-supported")
        .map(|result| {
            (
                result.key(),
                result.outcome.verdict,
                result.outcome.limit.clone(),
            )
        })
        .collect()
}

fn explain(report: &Report) -> String {
    report
        .results
        .iter()
        .map(|result| {
            format!(
                "{} {}: {} | {}",
                result.outcome.verdict.as_str(),
                result.key(),
                result.outcome.seen,
                result
                    .outcome
                    .limit
                    .as_ref()
                    .map_or("-".into(), |limit| limit.value_text())
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A limit as tests compare it: value, unit, and whether it is a lower bound.
type Found = Option<(u64, LimitUnit, bool)>;

/// A broker with every limit set low enough to be found, high enough for the probes to run.
fn limited() -> BrokerConfig {
    BrokerConfig {
        maximum_payload: Some(100_000),
        max_topic_length: Some(300),
        max_topic_levels: Some(12),
        max_client_id_length: Some(40),
        max_inflight: 7,
        max_queued: 300,
        max_subscriptions_per_subscribe: Some(30),
        max_keep_alive: Some(120),
        ..BrokerConfig::default()
    }
}

#[test]
fn each_limit_check_finds_the_configured_limit() {
    let report = limits_run(&limited());
    let context = explain(&report);
    let exact = |value: u64, unit: LimitUnit| -> Found { Some((value, unit, false)) };
    // 3.1.1 has no way to tell a client a shorter keep alive: the broker keeps the one asked.
    let expected: Vec<(&str, Verdict, Found)> = vec![
        (
            "limit-payload@3.1.1",
            Verdict::Warn,
            exact(100_000, LimitUnit::Bytes),
        ),
        (
            "limit-topic-length@3.1.1",
            Verdict::Pass,
            exact(300, LimitUnit::Bytes),
        ),
        (
            "limit-topic-levels@3.1.1",
            Verdict::Pass,
            exact(12, LimitUnit::Levels),
        ),
        (
            "limit-client-id@3.1.1",
            Verdict::Pass,
            exact(40, LimitUnit::Bytes),
        ),
        (
            "limit-inflight-window@3.1.1",
            Verdict::Pass,
            exact(7, LimitUnit::Messages),
        ),
        (
            "limit-offline-queue@3.1.1",
            Verdict::Pass,
            exact(300, LimitUnit::Messages),
        ),
        (
            "limit-subscriptions-per-subscribe@3.1.1",
            Verdict::Pass,
            exact(30, LimitUnit::Filters),
        ),
        (
            "limit-keep-alive@3.1.1",
            Verdict::Pass,
            exact(65_535, LimitUnit::Seconds),
        ),
        (
            "limit-payload@5.0",
            Verdict::Warn,
            exact(100_000, LimitUnit::Bytes),
        ),
        (
            "limit-topic-length@5.0",
            Verdict::Pass,
            exact(300, LimitUnit::Bytes),
        ),
        (
            "limit-topic-levels@5.0",
            Verdict::Pass,
            exact(12, LimitUnit::Levels),
        ),
        (
            "limit-client-id@5.0",
            Verdict::Pass,
            exact(40, LimitUnit::Bytes),
        ),
        (
            "limit-inflight-window@5.0",
            Verdict::Pass,
            exact(7, LimitUnit::Messages),
        ),
        (
            "limit-offline-queue@5.0",
            Verdict::Pass,
            exact(300, LimitUnit::Messages),
        ),
        (
            "limit-subscriptions-per-subscribe@5.0",
            Verdict::Pass,
            exact(30, LimitUnit::Filters),
        ),
        (
            "limit-keep-alive@5.0",
            Verdict::Pass,
            exact(120, LimitUnit::Seconds),
        ),
    ];
    let actual: Vec<(String, Verdict, Found)> = found(&report)
        .into_iter()
        .map(|(key, verdict, limit)| (key, verdict, limit.map(|l| (l.value, l.unit, l.at_least))))
        .collect();
    let expected: Vec<(String, Verdict, Found)> = expected
        .into_iter()
        .map(|(key, verdict, limit)| (key.to_owned(), verdict, limit))
        .collect();
    assert_eq!(actual, expected, "{context}");
    // How each refused is in the report: a PUBACK code in 5.0, no delivery in 3.1.1.
    let seen = |key: &str| {
        report
            .results
            .iter()
            .find(|result| result.key() == key)
            .map(|result| result.outcome.seen.clone())
            .unwrap_or_default()
    };
    assert!(
        seen("limit-payload@5.0").contains("PUBACK 0x97"),
        "{context}"
    );
    assert!(
        seen("limit-payload@3.1.1").contains("not delivered"),
        "{context}"
    );
    assert!(
        seen("limit-topic-length@5.0").contains("SUBACK 0x8F"),
        "{context}"
    );
    assert!(seen("limit-client-id@5.0").contains("0x85"), "{context}");
    assert!(
        seen("limit-keep-alive@5.0").contains("told Server Keep Alive 120 s"),
        "{context}"
    );
}

#[test]
fn with_the_defaults_each_limit_is_the_most_its_probe_tries() {
    let report = limits_run(&BrokerConfig::default());
    let context = explain(&report);
    let texts: Vec<(String, Verdict, String)> = found(&report)
        .into_iter()
        .map(|(key, verdict, limit)| (key, verdict, limit.map_or("-".into(), |l| l.value_text())))
        .collect();
    for version in ["3.1.1", "5.0"] {
        for (id, text) in [
            ("limit-payload", "at least 1 MiB"),
            ("limit-topic-length", "65,535 bytes"),
            ("limit-topic-levels", "32,750 levels"),
            ("limit-client-id", "65,535 bytes"),
            ("limit-inflight-window", "20 messages"),
            ("limit-offline-queue", "at least 1,000 messages"),
            ("limit-subscriptions-per-subscribe", "at least 500 filters"),
            ("limit-keep-alive", "65,535 s"),
        ] {
            let key = format!("{id}@{version}");
            assert!(
                texts.contains(&(key.clone(), Verdict::Pass, text.to_owned())),
                "{key}: expected pass, {text}\n{context}"
            );
        }
    }
}

#[test]
fn a_declared_maximum_packet_size_bounds_the_payload_search() {
    let report = limits_run(&BrokerProfile::find("small limits").unwrap().config());
    let payload = report
        .results
        .iter()
        .find(|result| result.key() == "limit-payload@5.0")
        .unwrap();
    let limit = payload.outcome.limit.as_ref().unwrap();
    // 64 KiB less the PUBLISH's own header, topic and packet id; exact, not a lower bound.
    assert!(
        (65_436..65_536).contains(&limit.value) && !limit.at_least,
        "{limit:?}: {}",
        payload.outcome.seen
    );
    assert_eq!(payload.outcome.verdict, Verdict::Warn);
    assert!(payload
        .outcome
        .seen
        .contains("declared Maximum Packet Size of 65536 bytes"));
}

/// The checks a broker fault (with the config it needs) fails, and the ones a low limit warns.
#[test]
fn each_limit_check_fails_under_its_fault_or_warns_at_a_low_limit() {
    let with = |fault: BrokerFault, config: BrokerConfig| BrokerConfig {
        faults: BrokerFaults::only(fault),
        ..config
    };
    let cases: Vec<(BrokerConfig, Verdict, &[&str])> = vec![
        (
            with(BrokerFault::TruncatesLargePayloads, BrokerConfig::default()),
            Verdict::Fail,
            &["limit-payload@3.1.1", "limit-payload@5.0"],
        ),
        (
            with(BrokerFault::TruncatesLongTopics, BrokerConfig::default()),
            Verdict::Fail,
            &[
                "limit-topic-length@3.1.1",
                "limit-topic-levels@3.1.1",
                "limit-topic-length@5.0",
                "limit-topic-levels@5.0",
            ],
        ),
        (
            with(
                BrokerFault::RefusesUppercaseClientIds,
                BrokerConfig::default(),
            ),
            Verdict::Fail,
            &["limit-client-id@3.1.1", "limit-client-id@5.0"],
        ),
        (
            with(
                BrokerFault::IgnoresReceiveMaximum,
                BrokerConfig {
                    max_inflight: 100,
                    ..BrokerConfig::default()
                },
            ),
            Verdict::Fail,
            &["limit-inflight-window@5.0"],
        ),
        (
            with(BrokerFault::LosesUnderLoad, BrokerConfig::default()),
            Verdict::Fail,
            &["limit-offline-queue@3.1.1", "limit-offline-queue@5.0"],
        ),
        (
            with(BrokerFault::TruncatesSubAck, BrokerConfig::default()),
            Verdict::Fail,
            &[
                "limit-subscriptions-per-subscribe@3.1.1",
                "limit-subscriptions-per-subscribe@5.0",
            ],
        ),
        (
            BrokerConfig {
                maximum_payload: Some(200_000),
                max_queued: 50,
                max_keep_alive: Some(10),
                ..BrokerConfig::default()
            },
            Verdict::Warn,
            &[
                "limit-payload@3.1.1",
                "limit-offline-queue@3.1.1",
                "limit-payload@5.0",
                "limit-offline-queue@5.0",
                "limit-keep-alive@5.0",
            ],
        ),
    ];
    for (config, verdict, expected) in cases {
        let report = limits_run(&config);
        let keys: Vec<String> = report
            .results
            .iter()
            .filter(|result| result.outcome.verdict != Verdict::Pass)
            .map(|result| result.key())
            .collect();
        assert_eq!(keys, expected, "{}", explain(&report));
        assert!(report
            .results
            .iter()
            .filter(|result| expected.contains(&result.key().as_str()))
            .all(|result| result.outcome.verdict == verdict));
    }
}
