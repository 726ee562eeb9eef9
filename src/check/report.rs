//! A run's results, and its exports: JSON, Markdown and JUnit XML (HTML: `html_report`).

use serde::{Deserialize, Serialize};

use super::catalogue::CheckDef;
use super::context::Ctx;
use super::coverage::{self, VersionCoverage};
use super::declared::Declared;
use super::limit::Limit;
use super::outcome::{Outcome, Verdict};
use super::RunSettings;
use crate::codec::ProtocolVersion;
use crate::diagram::escape as xml;
use crate::trace::{ClientTag, Direction, PacketFate, TraceEvent};

/// One check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The check's id.
    pub id: String,
    /// What it checks.
    pub title: String,
    /// The rule it tests.
    pub rule: String,
    /// "3.1.1" or "5.0".
    pub version: String,
    /// Verdict, expected and seen.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// How long it took (simulated time on the simulated broker).
    pub duration_ms: u64,
    /// The clients, in lane order.
    pub clients: Vec<String>,
    /// Every packet and note, one line each, for reports.
    pub transcript: Vec<String>,
    /// The trace behind the diagram (kept in memory, not exported).
    #[serde(skip)]
    pub trace: Vec<TraceEvent>,
}

impl CheckResult {
    pub(super) fn new(
        check: &CheckDef,
        version: ProtocolVersion,
        outcome: Outcome,
        duration_ms: u64,
        ctx: &mut Ctx,
    ) -> CheckResult {
        let trace = ctx.take_trace();
        let clients = ctx.client_names().to_vec();
        CheckResult {
            id: check.id.into(),
            title: check.title.into(),
            rule: check.rule.into(),
            version: super::version_name(version).into(),
            outcome,
            duration_ms,
            transcript: transcript(&trace, &clients),
            clients,
            trace,
        }
    }

    /// A check not run, because its version cannot be checked at all (`why`).
    pub(super) fn not_run(check: &CheckDef, version: ProtocolVersion, why: &str) -> CheckResult {
        CheckResult {
            id: check.id.into(),
            title: check.title.into(),
            rule: check.rule.into(),
            version: super::version_name(version).into(),
            outcome: Outcome::skipped(why),
            duration_ms: 0,
            clients: Vec::new(),
            transcript: Vec::new(),
            trace: Vec::new(),
        }
    }

    /// `id@version`, unique within a run.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}

/// Packet lines as `   12 ms  publisher → broker  PUBLISH id=1 QoS 1 "t"`.
fn transcript(trace: &[TraceEvent], clients: &[String]) -> Vec<String> {
    let name = |tag: ClientTag| {
        tag.index()
            .and_then(|index| clients.get(index))
            .cloned()
            .unwrap_or_else(|| format!("client {tag}"))
    };
    let mut fates = std::collections::HashMap::new();
    for event in trace {
        if let TraceEvent::PacketUpdate { id, fate, .. } = event {
            fates.insert(*id, *fate);
        }
    }
    let mut lines = Vec::new();
    for event in trace {
        match event {
            TraceEvent::Packet(record) => {
                let label = match &record.packet {
                    Ok(packet) => packet.to_string(),
                    Err(error) => format!("undecodable: {error}"),
                };
                let (from, to) = match record.direction {
                    Direction::Outgoing => (name(record.client), "broker".to_owned()),
                    Direction::Incoming => ("broker".to_owned(), name(record.client)),
                };
                let fate = match fates.get(&record.id).copied().unwrap_or(record.fate) {
                    PacketFate::Dropped => "  (lost)",
                    PacketFate::Held => "  (held)",
                    PacketFate::InTransit | PacketFate::Delivered => "",
                };
                lines.push(format!(
                    "{:>7} ms  {from} → {to}  {label}{fate}",
                    record.time
                ));
            }
            TraceEvent::Note(note) => {
                lines.push(format!("{:>7} ms  note: {}", note.time, note.text))
            }
            TraceEvent::PacketUpdate { .. } | TraceEvent::Flow(_) => {}
        }
    }
    lines
}

/// Counts by verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Warnings.
    pub warn: usize,
    /// Skipped.
    pub skipped: usize,
}

/// What the broker declared for one protocol version, as the version check found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionDeclared {
    /// "3.1.1" or "5.0".
    pub version: String,
    /// One phrase per declaration ("Maximum QoS 1"), for people.
    pub declares: Vec<String>,
    /// The values, for programs.
    pub capabilities: Declared,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What was checked (a URL, or "simulated broker").
    pub target: String,
    /// The run's id.
    pub run_id: String,
    /// Topics used were under this root.
    pub topic_root: String,
    /// What the broker declared, per version: every verdict was judged against it.
    pub declared: Vec<VersionDeclared>,
    /// Counts by verdict.
    pub summary: Summary,
    /// Every result, in run order.
    pub results: Vec<CheckResult>,
    /// Spec coverage per version: the server's MUST statements the run exercised, and the rest.
    #[serde(default)]
    pub coverage: Vec<VersionCoverage>,
}

impl Report {
    /// A report of `results`, judged against what the broker `declared` per version.
    pub fn new(
        target: &str,
        settings: &RunSettings,
        declared: Vec<(ProtocolVersion, Declared)>,
        results: Vec<CheckResult>,
    ) -> Report {
        let mut summary = Summary::default();
        for result in &results {
            match result.outcome.verdict {
                Verdict::Pass => summary.pass += 1,
                Verdict::Fail => summary.fail += 1,
                Verdict::Warn => summary.warn += 1,
                Verdict::Skipped => summary.skipped += 1,
            }
        }
        Report {
            target: target.into(),
            run_id: settings.run_id.clone(),
            topic_root: settings.topic_root.clone(),
            declared: declared
                .into_iter()
                .map(|(version, capabilities)| VersionDeclared {
                    version: super::version_name(version).into(),
                    declares: capabilities.phrases(),
                    capabilities,
                })
                .collect(),
            summary,
            coverage: coverage::coverage(&results, &settings.versions),
            results,
        }
    }

    /// The results that found a limit, each with it, in run order.
    pub fn limits(&self) -> impl Iterator<Item = (&CheckResult, &Limit)> {
        self.results
            .iter()
            .filter_map(|result| Some((result, result.outcome.limit.as_ref()?)))
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
    }

    /// As a Markdown document: what the broker declared, then each failure and each warning
    /// with its rule, expectation and transcript, then the limits found and every result, each
    /// in a table, and the spec coverage.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Broker check: {}\n\nRun {} (topics under `{}/`): {} pass, {} fail, {} warn, {} skipped.\n\n",
            self.target,
            self.run_id,
            self.topic_root,
            self.summary.pass,
            self.summary.fail,
            self.summary.warn,
            self.summary.skipped
        );
        for declared in &self.declared {
            let declares = match declared.declares.as_slice() {
                [] => "no limits".to_owned(),
                phrases => phrases.join("; "),
            };
            out.push_str(&format!(
                "- MQTT {}: {}\n",
                declared.version,
                markdown_cell(&declares)
            ));
        }
        for verdict in [Verdict::Fail, Verdict::Warn] {
            for result in self.results.iter().filter(|r| r.outcome.verdict == verdict) {
                out.push_str(&format!(
                    "\n## {}: {} ({})\n\nCheck `{}`. Rule: {}\n\nExpected: {}\n\nSeen: {}\n\n```\n{}\n```\n",
                    verdict.as_str(),
                    result.title,
                    result.version,
                    result.id,
                    result.rule,
                    result.outcome.expected,
                    result.outcome.seen,
                    result.transcript.join("\n")
                ));
            }
        }
        if self.limits().next().is_some() {
            out.push_str(
                "\n## Limits found\n\n| limit | version | found | verdict | check |\n|---|---|---|---|---|\n",
            );
            for (result, limit) in self.limits() {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | `{}` |\n",
                    markdown_cell(&limit.name),
                    result.version,
                    limit.value_text(),
                    result.outcome.verdict.as_str(),
                    result.id
                ));
            }
        }
        out.push_str(
            "\n## Every check\n\n| verdict | check | version | rule | seen | ms |\n|---|---|---|---|---|---|\n",
        );
        for result in &self.results {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                result.outcome.verdict.as_str(),
                markdown_cell(&result.title),
                result.version,
                markdown_cell(&result.rule),
                markdown_cell(&result.outcome.seen),
                result.duration_ms
            ));
        }
        out.push_str(&coverage::markdown(&self.coverage));
        out
    }

    /// As JUnit XML: one test case per check; fail is a failure, skipped is skipped, warn passes
    /// with its text in system-out. The spec coverage figures are the suite's properties, and
    /// the whole coverage its system-out.
    pub fn to_junit(&self) -> String {
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"qoscope broker check: {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
            xml(&self.target),
            self.results.len(),
            self.summary.fail,
            self.summary.skipped
        );
        out.push_str(&junit_properties(&self.coverage));
        for result in &self.results {
            out.push_str(&format!(
                "  <testcase classname=\"mqtt-{}\" name=\"{}: {}\" time=\"{:.3}\">\n",
                xml(&result.version),
                xml(&result.id),
                xml(&result.title),
                result.duration_ms as f64 / 1000.0
            ));
            let found = match &result.outcome.limit {
                Some(limit) => format!("\nFound: {}", limit.value_text()),
                None => String::new(),
            };
            let detail = format!(
                "Rule: {}\nExpected: {}\nSeen: {}{found}",
                result.rule, result.outcome.expected, result.outcome.seen
            );
            match result.outcome.verdict {
                Verdict::Fail => out.push_str(&format!(
                    "    <failure message=\"{}\">{}</failure>\n",
                    xml(&result.outcome.seen),
                    xml(&detail)
                )),
                Verdict::Skipped => out.push_str(&format!(
                    "    <skipped message=\"{}\"/>\n",
                    xml(&result.outcome.seen)
                )),
                Verdict::Warn | Verdict::Pass => {}
            }
            out.push_str(&format!(
                "    <system-out>{}\n\n{}</system-out>\n  </testcase>\n",
                xml(&detail),
                xml(&result.transcript.join("\n"))
            ));
        }
        if !self.coverage.is_empty() {
            out.push_str(&format!(
                "  <system-out>{}</system-out>\n",
                xml(coverage::markdown(&self.coverage).trim())
            ));
        }
        out.push_str("</testsuite>\n");
        out
    }
}

/// The coverage figures as JUnit properties (`coverage.5.0.failed` = 1), which CI servers show
/// with the suite.
fn junit_properties(coverage: &[VersionCoverage]) -> String {
    if coverage.is_empty() {
        return String::new();
    }
    let mut out = String::from("  <properties>\n");
    for version in coverage {
        for (name, value) in [
            ("statements", version.total),
            ("exercised", version.exercised),
            ("passed", version.passed),
            ("failed", version.failed),
            ("not-exercised", version.not_exercised),
            ("not-testable", version.not_testable),
            ("not-covered", version.not_covered),
        ] {
            out.push_str(&format!(
                "    <property name=\"coverage.{}.{name}\" value=\"{value}\"/>\n",
                xml(&version.version)
            ));
        }
    }
    out.push_str("  </properties>\n");
    out
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
