#![cfg(not(target_arch = "wasm32"))]
//! The broker check judges right: on the simulated broker every check passes (or is skipped
//! where the simulated broker has no WebSocket), and each deliberate broker fault makes the
//! checks for its rule fail, and only those.

use qoscope::broker::{BrokerConfig, BrokerFaults};
use qoscope::check::{run_simulated, Report, RunSettings, Verdict};

fn settings() -> RunSettings {
    RunSettings::new("sim001")
}

fn failing(report: &Report) -> Vec<String> {
    report
        .results
        .iter()
        .filter(|result| result.outcome.verdict == Verdict::Fail)
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
                "{} {}: expected {}; seen {}\n{}",
                result.outcome.verdict.as_str(),
                result.key(),
                result.outcome.expected,
                result.outcome.seen,
                result.transcript.join("\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn every_check_passes_on_the_simulated_broker() {
    let report = run_simulated(&settings(), &BrokerConfig::default());
    for result in &report.results {
        let allowed = match result.outcome.verdict {
            Verdict::Pass => true,
            Verdict::Skipped => result.id.starts_with("ws-"),
            Verdict::Fail | Verdict::Warn => false,
        };
        assert!(allowed, "{}", explain(&report));
    }
    assert_eq!(
        report.summary.skipped, 8,
        "the four WebSocket checks, in both versions"
    );
    assert!(report.summary.pass >= 70, "{:?}", report.summary);
}

/// The checks each broker fault must fail (in both versions unless marked).
fn expected_failures(fault: &str) -> &'static [&'static str] {
    match fault {
        "forwards QoS 2 re-sends" => &["qos2-publisher-cut-after-publish", "qos2-dup-resend"],
        "accepts PUBACK for QoS 2" => &["qos2-puback-rejected"],
        "delivers at the publish QoS" => &["qos-1-sub-0", "qos-2-sub-0", "qos-2-sub-1"],
        "forgets in-flight messages on reconnect" => &[
            "qos1-redelivery",
            "qos2-subscriber-cut-after-publish",
            "qos2-subscriber-cut-after-pubrec",
            "qos2-subscriber-cut-after-pubrel",
        ],
        "drops the retained flag" => &["retained", "retain-flag"],
        _ => &[],
    }
}

#[test]
fn each_broker_fault_fails_its_checks_and_only_those() {
    for (name, set) in BrokerFaults::ALL {
        let mut config = BrokerConfig::default();
        set(&mut config.faults);
        let report = run_simulated(&settings(), &config);
        let mut expected: Vec<String> = expected_failures(name)
            .iter()
            .flat_map(|id| [format!("{id}@3.1.1"), format!("{id}@5.0")])
            .collect();
        expected.sort();
        let mut failed = failing(&report);
        failed.sort();
        assert_eq!(failed, expected, "fault \"{name}\":\n{}", explain(&report));
    }
}

#[test]
fn reports_export_every_result() {
    let mut config = BrokerConfig::default();
    config.faults.accepts_puback_for_qos2 = true;
    let report = run_simulated(&settings(), &config);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["results"].as_array().unwrap().len(),
        report.results.len()
    );
    assert_eq!(json["summary"]["fail"], 2);
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

    let markdown = report.to_markdown();
    assert!(
        markdown.contains("| fail | A PUBACK for a QoS 2 delivery does not end the flow | 3.1.1 |")
    );
    assert!(markdown.contains("## fail: A PUBACK for a QoS 2 delivery does not end the flow (5.0)"));
}

#[test]
fn a_run_states_its_plan_and_can_leave_out_heavy_checks() {
    let mut settings = settings();
    let all = settings.plan().len();
    settings.heavy = false;
    assert_eq!(settings.plan().len(), all - 8);
    assert!(settings.announcement().contains("qoscope-check/sim001/"));
    settings.versions = vec![qoscope::codec::ProtocolVersion::V311];
    assert!(settings.plan().iter().all(|(check, _)| !check.v5_only));
}
