#![cfg(not(target_arch = "wasm32"))]
//! The broker check judges right, in both directions:
//! - no false alarm: on the simulated broker with its defaults, and with every capability a
//!   compliant broker may declare (a profile each), no check fails or warns, and exactly the
//!   expected checks are skipped, each with the declared limit as its reason;
//! - every check can fail: each deliberate broker fault fails exactly the checks listed for it,
//!   and every check but the four WebSocket ones is failed by at least one fault (those four are
//!   proven against real Mosquitto behind a misbehaving relay, in tests/e2e/check_transport);
//!   a fault for a rule no check judges yet fails none, and names where it is proven instead.

use std::collections::BTreeSet;

use qoscope::broker::{BrokerConfig, BrokerFault, BrokerFaults, BrokerProfile};
use qoscope::check::{
    run_simulated, NegativeTests, Report, RunSettings, Tag, Verdict, Versions, CHECKS,
};

fn settings() -> RunSettings {
    RunSettings::new("sim001")
}

fn keys(report: &Report, verdict: Verdict) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|result| result.outcome.verdict == verdict)
        .map(|result| result.key())
        .collect()
}

fn explain(report: &Report) -> String {
    report
        .results
        .iter()
        .filter(|result| !matches!(result.outcome.verdict, Verdict::Pass))
        .map(|result| {
            format!(
                "{} {}: expected {}; seen {}",
                result.outcome.verdict.as_str(),
                result.key(),
                result.outcome.expected,
                result.outcome.seen,
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Skipped on the simulated broker with its defaults: it has no WebSocket, and it declares none
/// of the limits whose enforcement the three v5 checks verify.
const DEFAULT_SKIPS: &[&str] = &[
    "ws-subprotocol@3.1.1",
    "ws-binary-frames@3.1.1",
    "ws-split-packet@3.1.1",
    "ws-coalesced-packets@3.1.1",
    "ws-subprotocol@5.0",
    "ws-binary-frames@5.0",
    "ws-split-packet@5.0",
    "ws-coalesced-packets@5.0",
    "v5-server-keep-alive@5.0",
    "v5-maximum-qos-enforced@5.0",
    "v5-retain-unavailable-enforced@5.0",
    "v5-packet-too-large@5.0",
    "v5-will-above-maximum-qos@5.0",
    "v5-subscribe-above-maximum-qos@5.0",
    "v5-will-retain-unavailable@5.0",
];

#[test]
fn no_check_fails_or_warns_on_the_simulated_broker() {
    let report = run_simulated(&settings(), &BrokerConfig::default());
    assert!(
        keys(&report, Verdict::Fail).is_empty(),
        "{}",
        explain(&report)
    );
    assert!(
        keys(&report, Verdict::Warn).is_empty(),
        "{}",
        explain(&report)
    );
    let expected: BTreeSet<String> = DEFAULT_SKIPS.iter().map(|key| key.to_string()).collect();
    assert_eq!(
        keys(&report, Verdict::Skipped),
        expected,
        "{}",
        explain(&report)
    );
    assert!(report.summary.pass >= 80, "{:?}", report.summary);
}

#[test]
fn no_declared_capability_causes_a_fail_and_each_skips_exactly_its_checks() {
    for profile in &BrokerProfile::ALL[1..] {
        let report = run_simulated(&settings(), &profile.config());
        let context = format!("profile \"{}\":\n{}", profile.name, explain(&report));
        assert!(keys(&report, Verdict::Fail).is_empty(), "{context}");
        // A declared limit may be low enough for the limit checks to warn about it; no other
        // check warns.
        let warns = report
            .results
            .iter()
            .filter(|result| result.outcome.verdict == Verdict::Warn)
            .filter(|result| {
                !CHECKS
                    .iter()
                    .any(|check| check.id == result.id && check.has(Tag::Limits))
            })
            .count();
        assert_eq!(warns, 0, "{context}");
        let (_, extra, run) = PROFILE_SKIPS
            .iter()
            .find(|(name, _, _)| *name == profile.name)
            .unwrap_or_else(|| panic!("no expected skips for profile \"{}\"", profile.name));
        let mut expected: BTreeSet<String> = DEFAULT_SKIPS
            .iter()
            .filter(|key| !run.contains(key))
            .map(|key| key.to_string())
            .collect();
        if *extra == ["*@5.0"] {
            expected.extend(
                report
                    .results
                    .iter()
                    .filter(|r| r.version == "5.0")
                    .map(|r| r.key()),
            );
        } else {
            expected.extend(extra.iter().map(|key| key.to_string()));
        }
        assert_eq!(keys(&report, Verdict::Skipped), expected, "{context}");
        // Every skip that the profile caused names a declaration, a refusal or a grant.
        for result in &report.results {
            if result.outcome.verdict == Verdict::Skipped
                && !DEFAULT_SKIPS.contains(&result.key().as_str())
            {
                let reason = &result.outcome.seen;
                assert!(
                    [
                        "declares",
                        "refuse",
                        "grants",
                        "does not support",
                        "closed the connection"
                    ]
                    .iter()
                    .any(|word| reason.contains(word)),
                    "{}: {reason}",
                    result.key()
                );
            }
        }
    }
}

#[test]
fn a_3_1_1_only_broker_is_told_apart_quickly_and_no_5_0_check_fails() {
    let config = BrokerProfile::find("speaks 3.1.1 only").unwrap().config();
    let report = run_simulated(&settings(), &config);
    let version_check = report
        .results
        .iter()
        .find(|result| result.key() == "version-supported@5.0")
        .unwrap();
    assert_eq!(version_check.outcome.verdict, Verdict::Skipped);
    assert!(version_check
        .outcome
        .seen
        .contains("does not support MQTT 5.0"));
    // The refusal is on the diagram: 3.1.1's CONNACK 0x01.
    assert!(
        version_check
            .transcript
            .iter()
            .any(|line| line.contains("CONNACK")),
        "{:?}",
        version_check.transcript
    );
    for result in report
        .results
        .iter()
        .filter(|result| result.version == "5.0")
    {
        assert_eq!(result.outcome.verdict, Verdict::Skipped, "{}", result.key());
        if result.id != "version-supported" {
            assert_eq!(result.duration_ms, 0, "{} ran", result.key());
        }
    }
    let declared = &report.declared;
    assert_eq!(declared.len(), 2);
    assert!(declared[1].declares[0].contains("does not support MQTT 5.0"));
}

/// The profile a fault needs to show (it breaks the enforcement of a declared limit).
fn config_for(fault: BrokerFault) -> BrokerConfig {
    let mut config = match fault {
        BrokerFault::AcceptsAboveMaximumQos
        | BrokerFault::AcceptsWillAboveMaximumQos
        | BrokerFault::RefusesSubscribeAboveMaximumQos => {
            BrokerProfile::find("Maximum QoS 1").unwrap().config()
        }
        // Shown with a declared Maximum Packet Size, so that v5-packet-too-large runs.
        BrokerFault::AcceptsOversizePackets => {
            BrokerProfile::find("small limits").unwrap().config()
        }
        BrokerFault::AcceptsRetainWhenUnavailable
        | BrokerFault::AcceptsWillRetainWhenUnavailable => {
            BrokerProfile::find("Retain Available 0").unwrap().config()
        }
        // Shown with a declared Server Keep Alive, so that v5-server-keep-alive runs too.
        BrokerFault::NoKeepAlive => BrokerProfile::find("Server Keep Alive 5 s")
            .unwrap()
            .config(),
        // A window wider than the Receive Maximum of limit-inflight-window's subscriber.
        BrokerFault::IgnoresReceiveMaximum => BrokerConfig {
            max_inflight: 100,
            ..BrokerConfig::default()
        },
        _ => BrokerConfig::default(),
    };
    config.faults = BrokerFaults::only(fault);
    config
}

#[test]
fn each_broker_fault_fails_its_checks_and_only_those() {
    for fault in BrokerFault::ALL {
        let report = run_simulated(&settings(), &config_for(*fault));
        let (_, expected) = FAULT_FAILURES
            .iter()
            .find(|(name, _)| *name == fault.name())
            .unwrap_or_else(|| panic!("no expected failures for fault \"{}\"", fault.name()));
        let expected: BTreeSet<String> = expected.iter().map(|key| key.to_string()).collect();
        assert!(
            !expected.is_empty(),
            "fault \"{}\" proves nothing",
            fault.name()
        );
        assert_eq!(
            keys(&report, Verdict::Fail),
            expected,
            "fault \"{}\":\n{}",
            fault.name(),
            explain(&report)
        );
    }
}

#[test]
fn every_check_is_failed_by_some_fault() {
    let proven: BTreeSet<&str> = FAULT_FAILURES
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|key| key.split('@').next().unwrap_or(key)))
        .collect();
    let unproven: Vec<&str> = CHECKS
        .iter()
        .map(|check| check.id)
        .filter(|id| {
            !proven.contains(id)
                && !id.starts_with("ws-")
                && !WARN_ONLY.iter().any(|(warns, _)| warns == id)
        })
        .collect();
    assert!(
        unproven.is_empty(),
        "no fault makes these checks fail: {unproven:?}"
    );
}

#[test]
fn reports_export_every_result_and_the_declared_capabilities() {
    let config = config_for(BrokerFault::AcceptsPubAckForQos2);
    let report = run_simulated(&settings(), &config);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["results"].as_array().unwrap().len(),
        report.results.len()
    );
    assert_eq!(json["summary"]["fail"], 2);
    assert_eq!(json["declared"][1]["version"], "5.0");
    let failed = &json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["verdict"] == "fail")
        .unwrap();
    assert_eq!(failed["id"], "qos2-puback-rejected");
    assert!(failed["transcript"].as_array().unwrap().len() > 5);

    let junit = report.to_junit();
    assert_eq!(junit.matches("<testcase ").count(), report.results.len());
    assert_eq!(junit.matches("<failure ").count(), 2);
    assert_eq!(junit.matches("<skipped ").count(), report.summary.skipped);
    assert!(junit.contains(
        "name=\"qos2-puback-rejected: A PUBACK for a QoS 2 delivery does not end the flow\""
    ));

    let limited = run_simulated(
        &settings(),
        &BrokerProfile::find("Maximum QoS 1").unwrap().config(),
    );
    let markdown = limited.to_markdown();
    assert!(
        markdown.contains("- MQTT 5.0: Maximum QoS 1; "),
        "{markdown}"
    );
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("| fail | A PUBACK for a QoS 2 delivery does not end the flow | 3.1.1 |")
    );
    assert!(markdown.contains("## fail: A PUBACK for a QoS 2 delivery does not end the flow (5.0)"));
    // Failures come first, then the table of every result.
    assert!(markdown.find("## fail:").unwrap() < markdown.find("## Every check").unwrap());

    // The HTML report: one file, no script, no external asset, failures first with their
    // diagram, and every string from the broker escaped.
    let mut report = report;
    let failed = report
        .results
        .iter_mut()
        .find(|result| result.outcome.verdict == Verdict::Fail)
        .unwrap();
    failed.outcome.seen = "<script>alert(1)</script> & \"quotes\"".into();
    let html = report.to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("default-src 'none'"));
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http")
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    let failures = html.find("<h2>Failures (2)</h2>").unwrap();
    assert!(failures < html.find("<h2>Every check</h2>").unwrap());
    assert!(
        html[failures..].find("<svg").unwrap() < html[failures..].find("<h2>Every check").unwrap()
    );
    assert_eq!(html.matches("<section class=\"fail\"").count(), 2);
    // The PUBLISH the subscriber received carries its effective QoS, as in the page.
    assert!(html[failures..].contains("class=\"arrow-mark"), "{html}");
}

#[test]
fn a_run_states_its_plan_and_can_leave_out_heavy_checks() {
    let mut settings = settings();
    let all = settings.plan().len();
    settings.heavy = false;
    assert_eq!(settings.plan().len(), all - 8);
    assert!(settings.announcement().contains("qoscope-check/sim001/"));
    settings.only = vec!["ping".into()];
    let plan: Vec<&str> = settings.plan().iter().map(|(check, _)| check.id).collect();
    assert_eq!(
        plan,
        ["version-supported", "ping", "version-supported", "ping"]
    );
    settings.versions = vec![qoscope::codec::ProtocolVersion::V311];
    assert!(settings
        .plan()
        .iter()
        .all(|(check, _)| check.versions != Versions::V5Only));
}

#[test]
fn checks_are_selected_by_id_and_tag_and_negative_tests_run_last() {
    let mut settings = settings();
    let plan = settings.plan();
    let first_negative = plan
        .iter()
        .position(|(check, _)| check.has(Tag::Negative))
        .unwrap();
    assert!(plan[first_negative..]
        .iter()
        .all(|(check, _)| check.has(Tag::Negative)));
    assert!(settings.announcement().contains("negative tests"));

    settings.only = vec!["negative".into()];
    settings.skip = vec!["v5".into(), "second-connect".into()];
    let plan = settings.plan();
    assert!(plan.iter().all(|(check, _)| check.id == "version-supported"
        || (check.has(Tag::Negative) && !check.has(Tag::V5) && check.id != "second-connect")));
    assert!(plan.iter().any(|(check, _)| check.id == "publish-qos-3"));
    assert_eq!(settings.check_selection(), Ok(()));

    settings.skip = vec!["no-such-check".into()];
    let error = settings.check_selection().unwrap_err();
    assert!(
        error.contains("\"no-such-check\"") && error.contains("--list"),
        "{error}"
    );

    // Against a broker elsewhere, negative tests run only when asked, and the plan says so.
    for (target, asked, expected) in [
        ("simulated", None, NegativeTests::Run),
        ("ws://127.0.0.1:9001/mqtt", None, NegativeTests::Run),
        (
            "wss://broker.example.com/mqtt",
            None,
            NegativeTests::NotAsked,
        ),
        (
            "wss://broker.example.com/mqtt",
            Some(true),
            NegativeTests::Run,
        ),
        ("ws://localhost:9001/mqtt", Some(false), NegativeTests::Off),
    ] {
        assert_eq!(
            NegativeTests::for_target(target, asked),
            expected,
            "{target}"
        );
    }
    let mut remote = RunSettings::new("sim001");
    remote.negative = NegativeTests::NotAsked;
    assert!(remote
        .plan()
        .iter()
        .all(|(check, _)| !check.has(Tag::Negative)));
    assert!(remote.announcement().contains("--negative"));

    // Every check has its tags: v5-only ones carry `v5`, and the list shows them.
    for check in CHECKS {
        assert_eq!(
            check.versions == Versions::V5Only,
            check.has(Tag::V5),
            "{}",
            check.id
        );
    }
    let listing = qoscope::check::listing();
    assert_eq!(listing.lines().count(), CHECKS.len());
    assert!(listing
        .lines()
        .any(|line| line.starts_with("v5-topic-alias-zero")
            && line.contains("5.0")
            && line.contains("negative,v5")));
}

/// Per profile: the checks skipped beyond the default's, and the default's skips that run.
const PROFILE_SKIPS: &[(&str, &[&str], &[&str])] = &[
    ("speaks 3.1.1 only", &["*@5.0"], &[]),
    (
        "Maximum QoS 0",
        &[
            "burst-qos1@3.1.1",
            "burst-qos1@5.0",
            "burst-qos2@3.1.1",
            "burst-qos2@5.0",
            "dollar-topics@3.1.1",
            "dollar-topics@5.0",
            "limit-inflight-window@3.1.1",
            "limit-inflight-window@5.0",
            "limit-offline-queue@3.1.1",
            "limit-offline-queue@5.0",
            "limit-payload@3.1.1",
            "limit-payload@5.0",
            "limit-topic-length@3.1.1",
            "limit-topic-length@5.0",
            "limit-topic-levels@3.1.1",
            "limit-topic-levels@5.0",
            "overlapping-subscriptions@3.1.1",
            "overlapping-subscriptions@5.0",
            "qos-1-sub-0@3.1.1",
            "qos-1-sub-0@5.0",
            "qos-1-sub-1@3.1.1",
            "qos-1-sub-1@5.0",
            "qos-1-sub-2@3.1.1",
            "qos-1-sub-2@5.0",
            "qos-2-sub-0@3.1.1",
            "qos-2-sub-0@5.0",
            "qos-2-sub-1@3.1.1",
            "qos-2-sub-1@5.0",
            "qos-2-sub-2@3.1.1",
            "qos-2-sub-2@5.0",
            "qos1-redelivery@3.1.1",
            "qos1-redelivery@5.0",
            "qos2-dup-resend@3.1.1",
            "qos2-dup-resend@5.0",
            "qos2-puback-rejected@3.1.1",
            "qos2-puback-rejected@5.0",
            "qos2-publisher-cut-after-publish@3.1.1",
            "qos2-publisher-cut-after-publish@5.0",
            "qos2-publisher-cut-after-pubrec@3.1.1",
            "qos2-publisher-cut-after-pubrec@5.0",
            "qos2-publisher-cut-after-pubrel@3.1.1",
            "qos2-publisher-cut-after-pubrel@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
            "retain-flag@3.1.1",
            "retain-flag@5.0",
            "retained@3.1.1",
            "retained@5.0",
            "session-present@3.1.1",
            "session-present@5.0",
            "unsubscribe@3.1.1",
            "unsubscribe@5.0",
            "v5-client-maximum-packet-size@5.0",
            "v5-disconnect-with-will@5.0",
            "v5-message-expiry@5.0",
            "v5-no-local@5.0",
            "v5-no-subscribers@5.0",
            "v5-payload-format@5.0",
            "v5-quota-zero-answers@5.0",
            "v5-receive-maximum-exceeded@5.0",
            "v5-receive-maximum@5.0",
            "v5-request-response@5.0",
            "v5-retain-as-published@5.0",
            "v5-retain-handling@5.0",
            "v5-session-expiry-absent@5.0",
            "v5-shared-refused@5.0",
            "v5-shared-subscriptions@5.0",
            "v5-subscription-identifiers@5.0",
            "v5-topic-alias@5.0",
            "v5-user-properties@5.0",
            "v5-will-delay@5.0",
            "wildcards@3.1.1",
            "wildcards@5.0",
            "will-not-on-disconnect@3.1.1",
            "will-not-on-disconnect@5.0",
            "will-on-abnormal-close@3.1.1",
            "will-on-abnormal-close@5.0",
            "session-resumed-subscriptions@3.1.1",
            "clean-session-discards@3.1.1",
            "connack-first@3.1.1",
            "subscribe-several@3.1.1",
            "subscribe-again@3.1.1",
            "unsubscribe-exact-filter@3.1.1",
            "unsubscribe-several@3.1.1",
            "topic-exact-match@3.1.1",
            "topic-byte-order-mark@3.1.1",
            "retained-qos0-replaces@3.1.1",
            "retained-kept-by-plain-publish@3.1.1",
            "retained-empty-not-stored@3.1.1",
            "retained-wildcard@3.1.1",
            "retained-outlives-session@3.1.1",
            "will-retain@3.1.1",
            "ordered-topic@3.1.1",
            "qos1-packet-id-reuse@3.1.1",
            "session-resumed-subscriptions@5.0",
            "clean-session-discards@5.0",
            "connack-first@5.0",
            "subscribe-several@5.0",
            "subscribe-again@5.0",
            "unsubscribe-exact-filter@5.0",
            "unsubscribe-several@5.0",
            "topic-exact-match@5.0",
            "topic-byte-order-mark@5.0",
            "retained-qos0-replaces@5.0",
            "retained-kept-by-plain-publish@5.0",
            "retained-empty-not-stored@5.0",
            "retained-wildcard@5.0",
            "retained-outlives-session@5.0",
            "will-retain@5.0",
            "ordered-topic@5.0",
            "qos1-packet-id-reuse@5.0",
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
        ],
        &[
            "v5-maximum-qos-enforced@5.0",
            "v5-subscribe-above-maximum-qos@5.0",
            "v5-will-above-maximum-qos@5.0",
        ],
    ),
    (
        "Maximum QoS 1",
        &[
            "burst-qos2@3.1.1",
            "burst-qos2@5.0",
            "overlapping-subscriptions@3.1.1",
            "overlapping-subscriptions@5.0",
            "qos-2-sub-0@3.1.1",
            "qos-2-sub-0@5.0",
            "qos-2-sub-1@3.1.1",
            "qos-2-sub-1@5.0",
            "qos-2-sub-2@3.1.1",
            "qos-2-sub-2@5.0",
            "qos2-dup-resend@3.1.1",
            "qos2-dup-resend@5.0",
            "qos2-puback-rejected@3.1.1",
            "qos2-puback-rejected@5.0",
            "qos2-publisher-cut-after-publish@3.1.1",
            "qos2-publisher-cut-after-publish@5.0",
            "qos2-publisher-cut-after-pubrec@3.1.1",
            "qos2-publisher-cut-after-pubrec@5.0",
            "qos2-publisher-cut-after-pubrel@3.1.1",
            "qos2-publisher-cut-after-pubrel@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
            "v5-receive-maximum-exceeded@5.0",
        ],
        &[
            "v5-maximum-qos-enforced@5.0",
            "v5-subscribe-above-maximum-qos@5.0",
            "v5-will-above-maximum-qos@5.0",
        ],
    ),
    (
        "grants at most QoS 1",
        &[
            "burst-qos2@3.1.1",
            "burst-qos2@5.0",
            "qos2-dup-resend@3.1.1",
            "qos2-dup-resend@5.0",
            "qos2-puback-rejected@3.1.1",
            "qos2-puback-rejected@5.0",
            "qos2-publisher-cut-after-publish@3.1.1",
            "qos2-publisher-cut-after-publish@5.0",
            "qos2-publisher-cut-after-pubrec@3.1.1",
            "qos2-publisher-cut-after-pubrec@5.0",
            "qos2-publisher-cut-after-pubrel@3.1.1",
            "qos2-publisher-cut-after-pubrel@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
        ],
        &[],
    ),
    (
        "Retain Available 0",
        &[
            "retain-flag@3.1.1",
            "retain-flag@5.0",
            "retained@3.1.1",
            "retained@5.0",
            "v5-retain-as-published@5.0",
            "v5-retain-handling@5.0",
            "subscribe-again@3.1.1",
            "retained-qos0-replaces@3.1.1",
            "retained-kept-by-plain-publish@3.1.1",
            "retained-empty-not-stored@3.1.1",
            "retained-wildcard@3.1.1",
            "retained-outlives-session@3.1.1",
            "will-retain@3.1.1",
            "subscribe-again@5.0",
            "retained-qos0-replaces@5.0",
            "retained-kept-by-plain-publish@5.0",
            "retained-empty-not-stored@5.0",
            "retained-wildcard@5.0",
            "retained-outlives-session@5.0",
            "will-retain@5.0",
        ],
        &[
            "v5-retain-unavailable-enforced@5.0",
            "v5-will-retain-unavailable@5.0",
        ],
    ),
    (
        "no wildcard subscriptions",
        &[
            "dollar-topics@3.1.1",
            "dollar-topics@5.0",
            "overlapping-subscriptions@3.1.1",
            "overlapping-subscriptions@5.0",
            "v5-subscription-identifiers@5.0",
            "wildcards@3.1.1",
            "wildcards@5.0",
            "unsubscribe-exact-filter@3.1.1",
            "retained-wildcard@3.1.1",
            "unsubscribe-exact-filter@5.0",
            "retained-wildcard@5.0",
        ],
        &[],
    ),
    (
        "no Subscription Identifiers",
        &[
            "v5-subscription-identifiers@5.0",
            "v5-subscription-replaced@5.0",
        ],
        &[],
    ),
    ("Server Keep Alive 5 s", &[], &["v5-server-keep-alive@5.0"]),
    ("small limits", &[], &["v5-packet-too-large@5.0"]),
    (
        "refuses empty client ids",
        &[
            "empty-client-id-unique@3.1.1",
            "empty-client-id-unique@5.0",
            "v5-assigned-client-id-session@5.0",
            "v5-assigned-client-id@5.0",
        ],
        &[],
    ),
];

/// Per fault: every check it fails (`id@version`).
const FAULT_FAILURES: &[(&str, &[&str])] = &[
    (
        "delivers shared subscriptions to every member",
        &["v5-shared-subscriptions@5.0"],
    ),
    (
        "drops application properties",
        &[
            "v5-payload-format@5.0",
            "v5-request-response@5.0",
            "v5-user-properties@5.0",
        ],
    ),
    (
        "ignores Session Expiry Interval",
        &["v5-session-expiry@5.0"],
    ),
    ("ignores Will Delay Interval", &["v5-will-delay@5.0"]),
    (
        "ignores the client's Maximum Packet Size",
        &["v5-client-maximum-packet-size@5.0"],
    ),
    (
        "answers 5.0 CONNECT with a 3.1.1 CONNACK",
        &["version-supported@5.0"],
    ),
    (
        "Session Present 1 for a clean session",
        &[
            "clean-session-discards@3.1.1",
            "connect@3.1.1",
            "version-supported@5.0",
        ],
    ),
    ("ignores PINGREQ", &["ping@3.1.1", "ping@5.0"]),
    (
        "does not enforce keep alive",
        &[
            "keep-alive-enforced@3.1.1",
            "keep-alive-enforced@5.0",
            "v5-server-keep-alive@5.0",
        ],
    ),
    (
        "delivers QoS 0 twice",
        &[
            "empty-client-id-unique@3.1.1",
            "empty-client-id-unique@5.0",
            "qos-0-sub-0@3.1.1",
            "qos-0-sub-0@5.0",
            "qos-0-sub-1@3.1.1",
            "qos-0-sub-1@5.0",
            "qos-0-sub-2@3.1.1",
            "qos-0-sub-2@5.0",
            "qos-1-sub-0@3.1.1",
            "qos-1-sub-0@5.0",
            "qos-2-sub-0@3.1.1",
            "qos-2-sub-0@5.0",
            "subscribe-again@3.1.1",
            "subscribe-again@5.0",
            "subscribe-several@3.1.1",
            "subscribe-several@5.0",
            "v5-subscription-replaced@5.0",
        ],
    ),
    (
        "delivers at the publish QoS",
        &[
            "qos-1-sub-0@3.1.1",
            "qos-1-sub-0@5.0",
            "qos-2-sub-0@3.1.1",
            "qos-2-sub-0@5.0",
            "qos-2-sub-1@3.1.1",
            "qos-2-sub-1@5.0",
            "subscribe-again@3.1.1",
            "subscribe-again@5.0",
        ],
    ),
    (
        "delivers at the granted QoS",
        &[
            "qos-0-sub-1@3.1.1",
            "qos-0-sub-1@5.0",
            "qos-0-sub-2@3.1.1",
            "qos-0-sub-2@5.0",
            "qos-1-sub-2@3.1.1",
            "qos-1-sub-2@5.0",
        ],
    ),
    (
        "delivers QoS 1 as QoS 0",
        &[
            "connack-first@3.1.1",
            "connack-first@5.0",
            "limit-inflight-window@3.1.1",
            "limit-inflight-window@5.0",
            "qos-1-sub-1@3.1.1",
            "qos-1-sub-1@5.0",
            "qos-1-sub-2@3.1.1",
            "qos-1-sub-2@5.0",
            "qos-2-sub-1@3.1.1",
            "qos-2-sub-1@5.0",
            "qos1-redelivery@3.1.1",
            "qos1-redelivery@5.0",
            "session-present@3.1.1",
            "session-present@5.0",
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
            "v5-message-expiry@5.0",
            "v5-receive-maximum@5.0",
            "v5-shared-refused@5.0",
        ],
    ),
    (
        "delivers QoS 2 as QoS 1",
        &[
            "overlapping-subscriptions@3.1.1",
            "overlapping-subscriptions@5.0",
            "qos-2-sub-2@3.1.1",
            "qos-2-sub-2@5.0",
            "qos2-puback-rejected@3.1.1",
            "qos2-puback-rejected@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
        ],
    ),
    (
        "overlapping subscriptions at the lowest QoS",
        &[
            "overlapping-subscriptions@3.1.1",
            "overlapping-subscriptions@5.0",
            "v5-subscription-identifiers@5.0",
            "v5-subscription-replaced@5.0",
        ],
    ),
    (
        "re-sends without DUP",
        &[
            "qos1-redelivery@3.1.1",
            "qos1-redelivery@5.0",
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
        ],
    ),
    (
        "forgets in-flight messages on reconnect",
        &[
            "qos1-redelivery@3.1.1",
            "qos1-redelivery@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
        ],
    ),
    (
        "forwards QoS 2 re-sends",
        &[
            "qos2-dup-resend@3.1.1",
            "qos2-dup-resend@5.0",
            "qos2-publisher-cut-after-publish@3.1.1",
            "qos2-publisher-cut-after-publish@5.0",
            "v5-receive-maximum-exceeded@5.0",
        ],
    ),
    (
        "forgets unreleased QoS 2 messages on disconnect",
        &[
            "qos2-publisher-cut-after-pubrec@3.1.1",
            "qos2-publisher-cut-after-pubrec@5.0",
        ],
    ),
    (
        "ignores PUBREL for an unknown packet id",
        &[
            "qos2-publisher-cut-after-pubrel@3.1.1",
            "qos2-publisher-cut-after-pubrel@5.0",
        ],
    ),
    (
        "accepts PUBACK for QoS 2",
        &["qos2-puback-rejected@3.1.1", "qos2-puback-rejected@5.0"],
    ),
    (
        "keeps a retained message after an empty one",
        &["retained@3.1.1", "retained@5.0"],
    ),
    (
        "drops the retained flag",
        &[
            "retain-flag@3.1.1",
            "retain-flag@5.0",
            "retained-kept-by-plain-publish@3.1.1",
            "retained-kept-by-plain-publish@5.0",
            "retained-outlives-session@3.1.1",
            "retained-outlives-session@5.0",
            "retained-qos0-replaces@3.1.1",
            "retained-qos0-replaces@5.0",
            "retained-wildcard@3.1.1",
            "retained-wildcard@5.0",
            "retained@3.1.1",
            "retained@5.0",
            "subscribe-again@3.1.1",
            "subscribe-again@5.0",
            "will-retain@3.1.1",
            "will-retain@5.0",
        ],
    ),
    (
        "RETAIN 1 on live delivery",
        &["retain-flag@5.0", "v5-retain-as-published@5.0"],
    ),
    (
        "no Will on an abnormal close",
        &[
            "reserved-flags-disconnect@3.1.1",
            "reserved-flags-disconnect@5.0",
            "v5-disconnect-with-will@5.0",
            "v5-will-delay@5.0",
            "will-on-abnormal-close@3.1.1",
            "will-on-abnormal-close@5.0",
            "will-retain@3.1.1",
            "will-retain@5.0",
        ],
    ),
    (
        "keeps the Will after DISCONNECT",
        &[
            "v5-disconnect-with-will@5.0",
            "will-not-on-disconnect@3.1.1",
            "will-not-on-disconnect@5.0",
        ],
    ),
    (
        "# does not match the parent level",
        &["wildcards@3.1.1", "wildcards@5.0"],
    ),
    (
        "forwards $-topics to wildcards",
        &["dollar-topics@3.1.1", "dollar-topics@5.0"],
    ),
    (
        "keeps subscriptions after UNSUBSCRIBE",
        &[
            "unsubscribe-several@3.1.1",
            "unsubscribe-several@5.0",
            "unsubscribe@3.1.1",
            "unsubscribe@5.0",
            "v5-retain-handling@5.0",
        ],
    ),
    (
        "Session Present 0 with a stored session",
        &[
            "qos1-redelivery@3.1.1",
            "qos1-redelivery@5.0",
            "qos2-publisher-cut-after-publish@3.1.1",
            "qos2-publisher-cut-after-publish@5.0",
            "qos2-publisher-cut-after-pubrec@3.1.1",
            "qos2-publisher-cut-after-pubrec@5.0",
            "qos2-publisher-cut-after-pubrel@3.1.1",
            "qos2-publisher-cut-after-pubrel@5.0",
            "qos2-subscriber-cut-after-publish@3.1.1",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@3.1.1",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@3.1.1",
            "qos2-subscriber-cut-after-pubrel@5.0",
            "session-present@3.1.1",
            "session-present@5.0",
            "session-resumed-subscriptions@3.1.1",
            "session-resumed-subscriptions@5.0",
            "v5-assigned-client-id-session@5.0",
            "v5-session-expiry-on-disconnect@5.0",
            "v5-session-expiry@5.0",
        ],
    ),
    (
        "loses a message in 250",
        &[
            "burst-qos1@3.1.1",
            "burst-qos1@5.0",
            "burst-qos2@3.1.1",
            "burst-qos2@5.0",
            "limit-offline-queue@3.1.1",
            "limit-offline-queue@5.0",
        ],
    ),
    (
        "truncates payloads over 64 KiB",
        &["limit-payload@3.1.1", "limit-payload@5.0"],
    ),
    (
        "ignores Receive Maximum",
        &["limit-inflight-window@5.0", "v5-receive-maximum@5.0"],
    ),
    ("forgets topic aliases", &["v5-topic-alias@5.0"]),
    ("ignores message expiry", &["v5-message-expiry@5.0"]),
    (
        "refuses publishes with no subscribers",
        &[
            "clean-session-discards@5.0",
            "retained-empty-not-stored@5.0",
            "retained-kept-by-plain-publish@5.0",
            "retained-outlives-session@5.0",
            "retained-qos0-replaces@5.0",
            "retained-wildcard@5.0",
            "retained@5.0",
            "subscribe-again@5.0",
            "topic-exact-match@5.0",
            "unsubscribe-several@5.0",
            "unsubscribe@5.0",
            "v5-no-subscribers@5.0",
            "v5-retain-handling@5.0",
            "wildcards@5.0",
        ],
    ),
    ("ignores No Local", &["v5-no-local@5.0"]),
    (
        "ignores Retain As Published",
        &["v5-retain-as-published@5.0"],
    ),
    ("ignores Retain Handling", &["v5-retain-handling@5.0"]),
    (
        "drops Subscription Identifiers",
        &[
            "v5-subscription-identifiers@5.0",
            "v5-subscription-replaced@5.0",
        ],
    ),
    (
        "no Assigned Client Identifier",
        &["v5-assigned-client-id@5.0"],
    ),
    (
        "accepts an unknown authentication method",
        &["v5-refusal-reason@5.0"],
    ),
    (
        "accepts publishes above Maximum QoS",
        &["v5-maximum-qos-enforced@5.0"],
    ),
    (
        "accepts RETAIN when Retain Available is 0",
        &["v5-retain-unavailable-enforced@5.0"],
    ),
    (
        "ignores reserved flag bits and QoS 3",
        &[
            "connect-reserved-flag@3.1.1",
            "connect-reserved-flag@5.0",
            "publish-qos-3@3.1.1",
            "publish-qos-3@5.0",
            "reserved-flags-connect@3.1.1",
            "reserved-flags-connect@5.0",
            "reserved-flags-disconnect@3.1.1",
            "reserved-flags-disconnect@5.0",
            "reserved-flags-pingreq@3.1.1",
            "reserved-flags-pingreq@5.0",
            "reserved-flags-puback@3.1.1",
            "reserved-flags-puback@5.0",
            "reserved-flags-pubcomp@3.1.1",
            "reserved-flags-pubcomp@5.0",
            "reserved-flags-pubrec@3.1.1",
            "reserved-flags-pubrec@5.0",
            "reserved-flags-pubrel@3.1.1",
            "reserved-flags-pubrel@5.0",
            "reserved-flags-subscribe@3.1.1",
            "reserved-flags-subscribe@5.0",
            "reserved-flags-unsubscribe@3.1.1",
            "reserved-flags-unsubscribe@5.0",
            "will-qos-3@3.1.1",
            "will-qos-3@5.0",
        ],
    ),
    (
        "forwards DUP to subscribers",
        &["publish-dup-qos-0@3.1.1", "publish-dup-qos-0@5.0"],
    ),
    (
        "ignores malformed Remaining Lengths",
        &[
            "remaining-length-five-bytes@3.1.1",
            "remaining-length-five-bytes@5.0",
            "remaining-length-long@3.1.1",
            "remaining-length-long@5.0",
            "remaining-length-short@3.1.1",
            "remaining-length-short@5.0",
        ],
    ),
    (
        "accepts ill-formed UTF-8",
        &[
            "utf8-ill-formed-client-id@3.1.1",
            "utf8-ill-formed-client-id@5.0",
            "utf8-ill-formed-topic@3.1.1",
            "utf8-ill-formed-topic@5.0",
            "utf8-ill-formed-username@3.1.1",
            "utf8-ill-formed-username@5.0",
            "utf8-ill-formed-will-topic@3.1.1",
            "utf8-ill-formed-will-topic@5.0",
            "utf8-surrogate-client-id@3.1.1",
            "utf8-surrogate-client-id@5.0",
            "utf8-surrogate-topic@3.1.1",
            "utf8-surrogate-topic@5.0",
            "utf8-surrogate-username@3.1.1",
            "utf8-surrogate-username@5.0",
            "utf8-surrogate-will-topic@3.1.1",
            "utf8-surrogate-will-topic@5.0",
            "v5-utf8-ill-formed-content-type@5.0",
            "v5-utf8-ill-formed-response-topic@5.0",
            "v5-utf8-ill-formed-user-property@5.0",
        ],
    ),
    (
        "accepts U+0000 in strings",
        &[
            "utf8-null-client-id@3.1.1",
            "utf8-null-client-id@5.0",
            "utf8-null-topic@3.1.1",
            "utf8-null-topic@5.0",
            "utf8-null-username@3.1.1",
            "utf8-null-username@5.0",
            "utf8-null-will-topic@3.1.1",
            "utf8-null-will-topic@5.0",
        ],
    ),
    (
        "accepts wildcards in topic names",
        &["publish-topic-wildcard@3.1.1", "publish-topic-wildcard@5.0"],
    ),
    (
        "accepts packet identifier 0",
        &[
            "packet-id-zero-publish@3.1.1",
            "packet-id-zero-publish@5.0",
            "packet-id-zero-subscribe@3.1.1",
            "packet-id-zero-subscribe@5.0",
            "packet-id-zero-unsubscribe@3.1.1",
            "packet-id-zero-unsubscribe@5.0",
        ],
    ),
    (
        "ignores a second CONNECT",
        &["second-connect@3.1.1", "second-connect@5.0"],
    ),
    (
        "answers packets before CONNECT",
        &["packet-before-connect@3.1.1", "packet-before-connect@5.0"],
    ),
    (
        "accepts a wrong protocol name",
        &["protocol-name@3.1.1", "protocol-name@5.0"],
    ),
    (
        "ignores unknown protocol levels",
        &["protocol-level@3.1.1", "protocol-level@5.0"],
    ),
    (
        "accepts an empty client id with clean session 0",
        &["empty-client-id-persistent@3.1.1"],
    ),
    (
        "grants invalid topic filters",
        &[
            "filter-hash-in-level@3.1.1",
            "filter-hash-in-level@5.0",
            "filter-hash-not-last@3.1.1",
            "filter-hash-not-last@5.0",
            "filter-plus-in-level@3.1.1",
            "filter-plus-in-level@5.0",
        ],
    ),
    (
        "accepts SUBSCRIBE and UNSUBSCRIBE without filters",
        &[
            "subscribe-empty@3.1.1",
            "subscribe-empty@5.0",
            "unsubscribe-empty@3.1.1",
            "unsubscribe-empty@5.0",
        ],
    ),
    (
        "ignores properties not allowed in the packet",
        &["v5-property-not-allowed@5.0"],
    ),
    ("accepts a property twice", &["v5-property-twice@5.0"]),
    (
        "accepts invalid topic aliases",
        &[
            "v5-topic-alias-above-maximum@5.0",
            "v5-topic-alias-zero@5.0",
        ],
    ),
    (
        "takes more than its Receive Maximum",
        &["v5-receive-maximum-exceeded@5.0"],
    ),
    (
        "accepts packets over its Maximum Packet Size",
        &[
            "limit-topic-length@3.1.1",
            "limit-topic-levels@3.1.1",
            "v5-packet-too-large@5.0",
        ],
    ),
    (
        "accepts a Will above Maximum QoS",
        &["v5-will-above-maximum-qos@5.0"],
    ),
    (
        "goes down after bad input",
        &[
            "connect-reserved-flag@3.1.1",
            "connect-reserved-flag@5.0",
            "packet-before-connect@3.1.1",
            "packet-before-connect@5.0",
            "packet-id-zero-publish@3.1.1",
            "packet-id-zero-publish@5.0",
            "packet-id-zero-subscribe@3.1.1",
            "packet-id-zero-subscribe@5.0",
            "packet-id-zero-unsubscribe@3.1.1",
            "packet-id-zero-unsubscribe@5.0",
            "protocol-name@3.1.1",
            "protocol-name@5.0",
            "publish-qos-3@3.1.1",
            "publish-qos-3@5.0",
            "publish-topic-empty@3.1.1",
            "publish-topic-empty@5.0",
            "publish-topic-wildcard@3.1.1",
            "publish-topic-wildcard@5.0",
            "remaining-length-five-bytes@3.1.1",
            "remaining-length-five-bytes@5.0",
            "remaining-length-long@3.1.1",
            "remaining-length-long@5.0",
            "remaining-length-short@3.1.1",
            "remaining-length-short@5.0",
            "reserved-flags-connect@3.1.1",
            "reserved-flags-connect@5.0",
            "reserved-flags-disconnect@3.1.1",
            "reserved-flags-disconnect@5.0",
            "reserved-flags-pingreq@3.1.1",
            "reserved-flags-pingreq@5.0",
            "reserved-flags-puback@3.1.1",
            "reserved-flags-puback@5.0",
            "reserved-flags-pubcomp@3.1.1",
            "reserved-flags-pubcomp@5.0",
            "reserved-flags-pubrec@3.1.1",
            "reserved-flags-pubrec@5.0",
            "reserved-flags-pubrel@3.1.1",
            "reserved-flags-pubrel@5.0",
            "reserved-flags-subscribe@3.1.1",
            "reserved-flags-subscribe@5.0",
            "reserved-flags-unsubscribe@3.1.1",
            "reserved-flags-unsubscribe@5.0",
            "second-connect@3.1.1",
            "second-connect@5.0",
            "subscribe-empty@3.1.1",
            "subscribe-empty@5.0",
            "subscribe-options-reserved@3.1.1",
            "subscribe-options-reserved@5.0",
            "subscribe-qos-3@3.1.1",
            "subscribe-qos-3@5.0",
            "unsubscribe-empty@3.1.1",
            "unsubscribe-empty@5.0",
            "utf8-ill-formed-client-id@3.1.1",
            "utf8-ill-formed-client-id@5.0",
            "utf8-ill-formed-topic@3.1.1",
            "utf8-ill-formed-topic@5.0",
            "utf8-ill-formed-username@3.1.1",
            "utf8-ill-formed-username@5.0",
            "utf8-ill-formed-will-topic@3.1.1",
            "utf8-ill-formed-will-topic@5.0",
            "utf8-null-client-id@3.1.1",
            "utf8-null-client-id@5.0",
            "utf8-null-topic@3.1.1",
            "utf8-null-topic@5.0",
            "utf8-null-username@3.1.1",
            "utf8-null-username@5.0",
            "utf8-null-will-topic@3.1.1",
            "utf8-null-will-topic@5.0",
            "utf8-surrogate-client-id@3.1.1",
            "utf8-surrogate-client-id@5.0",
            "utf8-surrogate-topic@3.1.1",
            "utf8-surrogate-topic@5.0",
            "utf8-surrogate-username@3.1.1",
            "utf8-surrogate-username@5.0",
            "utf8-surrogate-will-topic@3.1.1",
            "utf8-surrogate-will-topic@5.0",
            "v5-property-not-allowed@5.0",
            "v5-property-twice@5.0",
            "v5-receive-maximum-exceeded@5.0",
            "v5-subscription-id-on-publish@5.0",
            "v5-topic-alias-above-maximum@5.0",
            "v5-topic-alias-per-connection@5.0",
            "v5-topic-alias-zero@5.0",
            "v5-utf8-ill-formed-content-type@5.0",
            "v5-utf8-ill-formed-response-topic@5.0",
            "v5-utf8-ill-formed-user-property@5.0",
            "will-qos-3@3.1.1",
            "will-qos-3@5.0",
        ],
    ),
    // Limits
    (
        "refuses client ids with capital letters",
        &["limit-client-id@3.1.1", "limit-client-id@5.0"],
    ),
    (
        "SUBACK with at most 100 codes",
        &[
            "limit-subscriptions-per-subscribe@3.1.1",
            "limit-subscriptions-per-subscribe@5.0",
        ],
    ),
    (
        "cuts forwarded topic names to 256 bytes",
        &[
            "limit-topic-length@3.1.1",
            "limit-topic-length@5.0",
            "limit-topic-levels@3.1.1",
            "limit-topic-levels@5.0",
        ],
    ),
    // Coverage 5.0
    (
        "sends Response Information unasked",
        &["v5-response-information-unrequested@5.0"],
    ),
    (
        "sends an Authentication Method unasked",
        &["v5-authentication-unrequested@5.0"],
    ),
    (
        "ignores Request Problem Information 0",
        &["v5-request-problem-information@5.0"],
    ),
    (
        "Reason Strings beyond the client's Maximum Packet Size",
        &["v5-ack-within-maximum-packet-size@5.0"],
    ),
    (
        "sends topic aliases above the client's maximum",
        &["v5-topic-alias-client-maximum@5.0", "v5-topic-alias@5.0"],
    ),
    (
        "accepts Will Retain when Retain Available is 0",
        &["v5-will-retain-unavailable@5.0"],
    ),
    (
        "closes on SUBSCRIBE above Maximum QoS",
        // The version check subscribes at QoS 2 too: what it would learn is lost, and every
        // check that subscribes at QoS 2 or relies on what it learnt fails.
        &[
            "burst-qos2@5.0",
            "overlapping-subscriptions@5.0",
            "qos-0-sub-2@5.0",
            "qos-1-sub-2@5.0",
            "qos-2-sub-0@5.0",
            "qos-2-sub-1@5.0",
            "qos-2-sub-2@5.0",
            "qos2-dup-resend@5.0",
            "qos2-puback-rejected@5.0",
            "qos2-publisher-cut-after-publish@5.0",
            "qos2-publisher-cut-after-pubrec@5.0",
            "qos2-publisher-cut-after-pubrel@5.0",
            "qos2-subscriber-cut-after-publish@5.0",
            "qos2-subscriber-cut-after-pubrec@5.0",
            "qos2-subscriber-cut-after-pubrel@5.0",
            "subscribe-several@5.0",
            "v5-subscribe-above-maximum-qos@5.0",
            "v5-topic-alias-above-maximum@5.0",
            "version-supported@5.0",
        ],
    ),
    (
        "stops answering at zero send quota",
        &["v5-quota-zero-answers@5.0"],
    ),
    (
        "UNSUBACK reason codes reversed",
        &["v5-unsuback-reason-codes@5.0"],
    ),
    (
        "Session Expiry Interval on its DISCONNECT",
        &["v5-session-taken-over@5.0"],
    ),
    (
        "keeps sessions with Session Expiry Interval 0",
        &["v5-session-expiry-absent@5.0"],
    ),
    (
        "ignores Session Expiry Interval on DISCONNECT",
        &["v5-session-expiry-on-disconnect@5.0"],
    ),
    (
        "ignores DISCONNECT with Will Message",
        &["v5-disconnect-with-will@5.0"],
    ),
    (
        "re-sends refused shared messages to another member",
        &["v5-shared-refused@5.0"],
    ),
    (
        "keeps topic aliases across connections",
        &["v5-topic-alias-per-connection@5.0"],
    ),
    (
        "keeps a replaced subscription's identifier",
        &["v5-subscription-replaced@5.0"],
    ),
    (
        "returns SUBACK codes in reverse order",
        &["subscribe-several@3.1.1", "subscribe-several@5.0"],
    ),
    (
        "no retained messages on a repeated subscription",
        &[
            "subscribe-again@3.1.1",
            "subscribe-again@5.0",
            "v5-retain-handling@5.0",
        ],
    ),
    (
        "answers UNSUBSCRIBE with another packet id",
        &[
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
            "unsubscribe-exact-filter@3.1.1",
            "unsubscribe-exact-filter@5.0",
            "unsubscribe-several@3.1.1",
            "unsubscribe-several@5.0",
            "unsubscribe-unknown-filter@3.1.1",
            "unsubscribe-unknown-filter@5.0",
            "unsubscribe@3.1.1",
            "unsubscribe@5.0",
            "v5-ack-within-maximum-packet-size@5.0",
            "v5-quota-zero-answers@5.0",
            "v5-request-problem-information@5.0",
            "v5-retain-handling@5.0",
            "v5-unsuback-reason-codes@5.0",
        ],
    ),
    (
        "no UNSUBACK when nothing was unsubscribed",
        &[
            "unsubscribe-exact-filter@3.1.1",
            "unsubscribe-exact-filter@5.0",
            "unsubscribe-unknown-filter@3.1.1",
            "unsubscribe-unknown-filter@5.0",
            "v5-ack-within-maximum-packet-size@5.0",
            "v5-request-problem-information@5.0",
        ],
    ),
    (
        "unsubscribes filters matching the given one",
        &[
            "unsubscribe-exact-filter@3.1.1",
            "unsubscribe-exact-filter@5.0",
        ],
    ),
    (
        "unsubscribes only the first filter",
        &["unsubscribe-several@3.1.1", "unsubscribe-several@5.0"],
    ),
    (
        "Session Present 1 for a new session",
        &[
            "clean-session-discards@3.1.1",
            "clean-session-discards@5.0",
            "session-present-new@3.1.1",
            "session-present-new@5.0",
            "v5-session-expiry-absent@5.0",
            "v5-session-expiry-on-disconnect@5.0",
            "v5-session-expiry@5.0",
        ],
    ),
    (
        "forgets the subscriptions of a resumed session",
        &[
            "session-resumed-subscriptions@3.1.1",
            "session-resumed-subscriptions@5.0",
        ],
    ),
    (
        "keeps subscriptions across a clean CONNECT",
        &["clean-session-discards@3.1.1", "clean-session-discards@5.0"],
    ),
    (
        "sends queued messages before CONNACK",
        &[
            "connack-first@3.1.1",
            "connack-first@5.0",
            "limit-offline-queue@3.1.1",
            "limit-offline-queue@5.0",
            "ordered-topic@3.1.1",
            "ordered-topic@5.0",
            "session-present@3.1.1",
            "session-present@5.0",
            "v5-message-expiry@5.0",
        ],
    ),
    (
        "keeps both connections of a client id",
        &[
            "client-id-takeover@3.1.1",
            "client-id-takeover@5.0",
            "v5-session-taken-over@5.0",
        ],
    ),
    (
        "refuses client ids of 23 letters and digits",
        &[
            "client-id-23-characters@3.1.1",
            "client-id-23-characters@5.0",
            "limit-client-id@3.1.1",
            "limit-client-id@5.0",
        ],
    ),
    (
        "assigns every empty client id the same one",
        &[
            "empty-client-id-unique@3.1.1",
            "empty-client-id-unique@5.0",
            "v5-assigned-client-id-session@5.0",
        ],
    ),
    (
        "matches topics ignoring case",
        &["topic-exact-match@3.1.1", "topic-exact-match@5.0"],
    ),
    (
        "strips U+FEFF from topics",
        &["topic-byte-order-mark@3.1.1", "topic-byte-order-mark@5.0"],
    ),
    (
        "a retained QoS 0 publish replaces nothing",
        &["retained-qos0-replaces@3.1.1", "retained-qos0-replaces@5.0"],
    ),
    (
        "a publish without RETAIN replaces the retained message",
        &[
            "retained-kept-by-plain-publish@3.1.1",
            "retained-kept-by-plain-publish@5.0",
        ],
    ),
    (
        "stores empty retained messages",
        &[
            "retained-empty-not-stored@3.1.1",
            "retained-empty-not-stored@5.0",
            "retained@3.1.1",
            "retained@5.0",
        ],
    ),
    (
        "sends one retained message per new subscription",
        &["retained-wildcard@3.1.1", "retained-wildcard@5.0"],
    ),
    (
        "deletes retained messages with their publisher's session",
        &[
            "retained-outlives-session@3.1.1",
            "retained-outlives-session@5.0",
        ],
    ),
    (
        "publishes Wills without RETAIN",
        &["will-retain@3.1.1", "will-retain@5.0"],
    ),
    (
        "sends messages queued while away newest first",
        &[
            "connack-first@3.1.1",
            "connack-first@5.0",
            "limit-offline-queue@3.1.1",
            "limit-offline-queue@5.0",
            "ordered-topic@3.1.1",
            "ordered-topic@5.0",
        ],
    ),
    (
        "drops a QoS 1 publish reusing the previous packet id",
        &["qos1-packet-id-reuse@3.1.1", "qos1-packet-id-reuse@5.0"],
    ),
    (
        "ignores invalid subscription options",
        &[
            "subscribe-options-reserved@3.1.1",
            "subscribe-options-reserved@5.0",
            "subscribe-qos-3@3.1.1",
            "subscribe-qos-3@5.0",
        ],
    ),
    (
        "drops in-flight messages of an unsubscribed filter",
        &[
            "unsubscribe-completes-delivery@3.1.1",
            "unsubscribe-completes-delivery@5.0",
        ],
    ),
    (
        "accepts an empty topic name",
        &["publish-topic-empty@3.1.1", "publish-topic-empty@5.0"],
    ),
];

/// Checks that report a limit and judge it only by a threshold of their own, so that no broker
/// fault fails them: a low limit makes them warn (tests/broker_limits.rs).
const WARN_ONLY: &[(&str, &str)] = &[(
    "limit-keep-alive",
    "warns at `max_keep_alive` 10 (tests/broker_limits.rs)",
)];

/// The WebSocket checks are proven against Mosquitto behind a misbehaving relay
/// (tests/e2e/check_transport.test.mjs), one relay mode each.
const RELAY_FAULTS: &[(&str, &str)] = &[
    ("ws-subprotocol", "relay mode `no-subprotocol`"),
    ("ws-binary-frames", "relay mode `text-frames`"),
    ("ws-split-packet", "relay mode `whole-packets-only`"),
    ("ws-coalesced-packets", "relay mode `first-packet-only`"),
];

/// The README's check table: per check, its rule and the faults that prove it can fail (the
/// ones failing the fewest checks first, at most two).
fn readme_table() -> String {
    let mut table = String::from(
        "| check | what it checks | rule | proven by the fault |\n|---|---|---|---|\n",
    );
    for check in CHECKS {
        let mut faults: Vec<(usize, &str)> = FAULT_FAILURES
            .iter()
            .filter(|(_, keys)| {
                keys.iter()
                    .any(|key| key.split('@').next() == Some(check.id))
            })
            .map(|(name, keys)| (keys.len(), *name))
            .collect();
        faults.sort();
        let proof = match RELAY_FAULTS
            .iter()
            .chain(WARN_ONLY)
            .find(|(id, _)| *id == check.id)
        {
            Some((_, proof)) => proof.to_string(),
            None => faults
                .iter()
                .take(2)
                .map(|(_, name)| format!("\"{name}\""))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let version = match check.versions {
            Versions::Both => "",
            Versions::V311Only => " (3.1.1)",
            Versions::V5Only => " (5.0)",
        };
        table.push_str(&format!(
            "| `{}`{version} | {} | {} | {proof} |\n",
            check.id,
            check.title.replace('|', "\\|"),
            check.rule.replace('|', "\\|"),
        ));
    }
    table
}

#[test]
fn the_readme_lists_every_check_with_its_rule_and_proving_fault() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme_table();
    assert!(
        readme.contains(&table),
        "README.md's check table is out of date; it should read:\n\n{table}"
    );
}

/// The README's table of the Paho interoperability cases names exactly the checks tagged
/// `paho`, and all 27 cases (10 of 3.1.1, 17 more in 5.0).
#[test]
fn the_readme_maps_every_paho_case_to_checks_tagged_paho() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### Paho interoperability cases")
        .nth(1)
        .expect("README.md has a section \"Paho interoperability cases\"");
    let rows: Vec<&str> = section
        .lines()
        .skip_while(|line| !line.starts_with("| Paho case"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .collect();
    let cases: BTreeSet<&str> = rows
        .iter()
        .filter_map(|row| row.split('|').nth(1))
        .map(str::trim)
        .collect();
    // The two flow-control cases and the two topic-alias cases each have a row.
    assert_eq!(rows.len(), 27, "{rows:#?}");
    assert_eq!(cases.len(), 27, "{cases:#?}");
    let named: BTreeSet<&str> = rows
        .iter()
        .filter_map(|row| row.split('|').nth(3))
        .flat_map(|checks| checks.split('`').skip(1).step_by(2))
        .collect();
    let tagged: BTreeSet<&str> = CHECKS
        .iter()
        .filter(|check| check.has(Tag::Paho))
        .map(|check| check.id)
        .collect();
    assert_eq!(named, tagged);
}

/// The MUST statements binding the server, per version, as the coverage counts them.
fn server_statements(version: qoscope::codec::ProtocolVersion) -> usize {
    qoscope::check::statements(version)
        .iter()
        .filter(|statement| statement.binds_server())
        .count()
}

#[test]
fn every_report_ends_with_the_spec_coverage_of_each_version() {
    use qoscope::check::StatementStatus;
    use qoscope::codec::ProtocolVersion;

    let report = run_simulated(&settings(), &BrokerConfig::default());
    assert_eq!(report.coverage.len(), 2);
    for (coverage, version) in report
        .coverage
        .iter()
        .zip([ProtocolVersion::V311, ProtocolVersion::V5])
    {
        let context = format!("MQTT {}", coverage.version);
        assert_eq!(coverage.total, server_statements(version), "{context}");
        assert_eq!(coverage.statements.len(), coverage.total, "{context}");
        assert_eq!(
            coverage.exercised
                + coverage.not_exercised
                + coverage.not_testable
                + coverage.not_covered,
            coverage.total,
            "{context}"
        );
        assert_eq!(coverage.failed, 0, "{context}");
        assert!(coverage.passed >= 20, "{context}: {}", coverage.passed);
        assert!(coverage.not_testable >= 6, "{context}");
        // The WebSocket checks are skipped on the simulated broker: their statements are covered
        // by the suite but not exercised by this run.
        let subprotocol = coverage
            .statements
            .iter()
            .find(|statement| statement.id == "MQTT-6.0.0-4")
            .unwrap();
        assert_eq!(
            subprotocol.status,
            StatementStatus::NotExercised,
            "{context}"
        );
        assert_eq!(subprotocol.checks, ["ws-subprotocol"], "{context}");
        let ping = coverage
            .statements
            .iter()
            .find(|statement| statement.id == "MQTT-3.12.4-1")
            .unwrap();
        assert_eq!(ping.status, StatementStatus::Passed, "{context}");
        // Statements that bind only the client are not counted.
        assert!(coverage.statements.iter().all(|s| s.id != "MQTT-3.1.0-1"));
    }
    let transport = report.coverage[1]
        .statements
        .iter()
        .find(|statement| statement.id == "MQTT-4.2-1")
        .unwrap();
    assert_eq!(transport.status, StatementStatus::NotTestable);
    assert!(transport.reason.as_deref().unwrap().contains("listener"));

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["coverage"][0]["version"], "3.1.1");
    assert_eq!(json["coverage"][1]["total"], report.coverage[1].total);
    assert_eq!(
        json["coverage"][1]["statements"].as_array().unwrap().len(),
        report.coverage[1].total
    );
    let markdown = report.to_markdown();
    let section = markdown.split("## Spec coverage").nth(1).unwrap();
    assert!(section.contains(&format!(
        "| 5.0 | {} | {} | {} | 0 |",
        report.coverage[1].total, report.coverage[1].exercised, report.coverage[1].passed
    )));
    assert!(section
        .contains("- not testable: [MQTT-4.8.0-2] needs the server to meet a transient error"));
    let junit = report.to_junit();
    assert_eq!(junit.matches("<testcase ").count(), report.results.len());
    assert!(junit.contains(&format!(
        "<property name=\"coverage.3.1.1.statements\" value=\"{}\"/>",
        report.coverage[0].total
    )));
    // Properties come first in a suite, the suite's system-out last.
    assert!(junit.find("<properties>").unwrap() < junit.find("<testcase ").unwrap());
    assert!(junit.trim_end().ends_with("</system-out>\n</testsuite>"));
}

#[test]
fn a_failing_check_fails_the_statements_it_exercises_and_names_itself() {
    use qoscope::check::StatementStatus;

    let report = run_simulated(&settings(), &config_for(BrokerFault::IgnoresPingReq));
    for coverage in &report.coverage {
        let ping = coverage
            .statements
            .iter()
            .find(|statement| statement.id == "MQTT-3.12.4-1")
            .unwrap();
        assert_eq!(
            ping.status,
            StatementStatus::Failed,
            "MQTT {}",
            coverage.version
        );
        assert_eq!(ping.failed_by, ["ping"]);
        assert_eq!(coverage.failed, 1, "MQTT {}", coverage.version);
    }
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("- failed: [MQTT-3.12.4-1] The Server MUST send a PINGRESP packet in response to a PINGREQ packet. (failed by ping)"),
        "{markdown}"
    );
    let junit = report.to_junit();
    assert!(junit.contains("<property name=\"coverage.5.0.failed\" value=\"1\"/>"));
}
