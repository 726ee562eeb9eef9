//! Spec coverage of a run: of the MUST statements binding the server in each version, which the
//! run exercised and whether they held, which no client can test (and why), and which no check
//! covers yet. Every report ends with it.

use serde::{Deserialize, Serialize};

use super::catalogue::CHECKS;
use super::outcome::Verdict;
use super::report::CheckResult;
use super::statements::{statements, Statement};
use super::version_name;
use crate::codec::ProtocolVersion;

/// Where a statement stands after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatementStatus {
    /// Every check of the run that exercises it passed (or warned: allowed by the spec).
    Passed,
    /// A check that exercises it failed.
    Failed,
    /// Checks cover it, but none of them ran in this run (left out, or skipped).
    NotExercised,
    /// A client cannot test it.
    NotTestable,
    /// No check covers it yet.
    NotCovered,
}

impl StatementStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [StatementStatus; 5] = [
        StatementStatus::Failed,
        StatementStatus::Passed,
        StatementStatus::NotExercised,
        StatementStatus::NotTestable,
        StatementStatus::NotCovered,
    ];

    /// The words reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementStatus::Passed => "passed",
            StatementStatus::Failed => "failed",
            StatementStatus::NotExercised => "not exercised",
            StatementStatus::NotTestable => "not testable",
            StatementStatus::NotCovered => "not covered yet",
        }
    }
}

/// One statement binding the server, and how the run stands with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementCoverage {
    /// Its normative id.
    pub id: String,
    /// The section it appears in.
    pub section: String,
    /// The statement (English, as in the specification).
    pub text: String,
    /// Where it stands.
    pub status: StatementStatus,
    /// The checks of the suite that exercise it in this version.
    pub checks: Vec<String>,
    /// The checks of the run that exercised it and failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_by: Vec<String>,
    /// Why a client cannot test it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The coverage of one protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionCoverage {
    /// "3.1.1" or "5.0".
    pub version: String,
    /// MUST statements binding the server.
    pub total: usize,
    /// Exercised by the run: passed plus failed.
    pub exercised: usize,
    /// Exercised, and every check that exercised it passed.
    pub passed: usize,
    /// Exercised, and a check that exercised it failed.
    pub failed: usize,
    /// Covered by checks that did not run.
    pub not_exercised: usize,
    /// Not testable from a client.
    pub not_testable: usize,
    /// Covered by no check yet.
    pub not_covered: usize,
    /// Every statement, in the specification's order.
    pub statements: Vec<StatementCoverage>,
}

impl VersionCoverage {
    /// The statements with `status`.
    pub fn with_status(
        &self,
        status: StatementStatus,
    ) -> impl Iterator<Item = &StatementCoverage> + '_ {
        self.statements
            .iter()
            .filter(move |statement| statement.status == status)
    }
}

/// The coverage of `results`, one entry per version in `versions`.
pub fn coverage(results: &[CheckResult], versions: &[ProtocolVersion]) -> Vec<VersionCoverage> {
    versions
        .iter()
        .map(|&version| version_coverage(results, version))
        .collect()
}

fn version_coverage(results: &[CheckResult], version: ProtocolVersion) -> VersionCoverage {
    let name = version_name(version);
    let run: Vec<(&CheckResult, Vec<String>)> = results
        .iter()
        .filter(|result| result.version == name && result.outcome.verdict != Verdict::Skipped)
        .map(|result| {
            let cited = super::statements::cited(&result.rule, version);
            (result, cited)
        })
        .collect();
    let suite: Vec<(&str, Vec<String>)> = CHECKS
        .iter()
        .filter(|check| check.versions.include(version))
        .map(|check| (check.id, check.statements(version)))
        .collect();
    let statements: Vec<StatementCoverage> = statements(version)
        .iter()
        .filter(|statement| statement.binds_server())
        .map(|statement| statement_coverage(statement, &run, &suite))
        .collect();
    let count = |status| {
        statements
            .iter()
            .filter(|statement| statement.status == status)
            .count()
    };
    let (passed, failed) = (
        count(StatementStatus::Passed),
        count(StatementStatus::Failed),
    );
    VersionCoverage {
        version: name.into(),
        total: statements.len(),
        exercised: passed + failed,
        passed,
        failed,
        not_exercised: count(StatementStatus::NotExercised),
        not_testable: count(StatementStatus::NotTestable),
        not_covered: count(StatementStatus::NotCovered),
        statements,
    }
}

fn statement_coverage(
    statement: &Statement,
    run: &[(&CheckResult, Vec<String>)],
    suite: &[(&str, Vec<String>)],
) -> StatementCoverage {
    let cites = |ids: &Vec<String>| ids.iter().any(|id| id == statement.id);
    let checks: Vec<String> = suite
        .iter()
        .filter(|(_, ids)| cites(ids))
        .map(|(check, _)| check.to_string())
        .collect();
    let exercised: Vec<&CheckResult> = run
        .iter()
        .filter(|(_, ids)| cites(ids))
        .map(|(result, _)| *result)
        .collect();
    let failed_by: Vec<String> = exercised
        .iter()
        .filter(|result| result.outcome.verdict == Verdict::Fail)
        .map(|result| result.id.clone())
        .collect();
    let status = if !failed_by.is_empty() {
        StatementStatus::Failed
    } else if !exercised.is_empty() {
        StatementStatus::Passed
    } else if statement.untestable.is_some() {
        StatementStatus::NotTestable
    } else if !checks.is_empty() {
        StatementStatus::NotExercised
    } else {
        StatementStatus::NotCovered
    };
    StatementCoverage {
        id: statement.id.into(),
        section: statement.section.into(),
        text: statement.text.into(),
        status,
        checks,
        failed_by,
        reason: statement.untestable.map(str::to_owned),
    }
}

/// The coverage as the closing Markdown section of a report.
pub fn markdown(coverage: &[VersionCoverage]) -> String {
    if coverage.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Spec coverage\n\nThe MUST statements that bind the server, from the numbered normative statements of \
         each specification, and how this run stands with each.\n\n\
         | MQTT | statements | exercised | passed | failed | not exercised | not testable | not covered yet |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for version in coverage {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            version.version,
            version.total,
            version.exercised,
            version.passed,
            version.failed,
            version.not_exercised,
            version.not_testable,
            version.not_covered
        ));
    }
    for version in coverage {
        out.push_str(&format!("\n### MQTT {}\n", version.version));
        for statement in version.with_status(StatementStatus::Failed) {
            out.push_str(&format!(
                "\n- failed: [{}] {} (failed by {})",
                statement.id,
                statement.text,
                statement.failed_by.join(", ")
            ));
        }
        for statement in version.with_status(StatementStatus::NotTestable) {
            out.push_str(&format!(
                "\n- not testable: [{}] {}",
                statement.id,
                statement.reason.as_deref().unwrap_or_default()
            ));
        }
        for status in [
            StatementStatus::Passed,
            StatementStatus::NotExercised,
            StatementStatus::NotCovered,
        ] {
            let ids: Vec<&str> = version
                .with_status(status)
                .map(|statement| statement.id.as_str())
                .collect();
            if !ids.is_empty() {
                out.push_str(&format!("\n- {}: {}", status.as_str(), ids.join(", ")));
            }
        }
        out.push('\n');
    }
    out
}

/// What the coverage table shows: a version ("3.1.1", "5.0" or all), a status (or all), and text
/// to look for in the id, section, statement, reason or check ids (any case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageFilter {
    /// Only this version.
    pub version: Option<String>,
    /// Only this status.
    pub status: Option<StatementStatus>,
    /// Only statements containing this text.
    pub search: String,
}

impl CoverageFilter {
    /// The statements to show, each with its version, in the report's order.
    pub fn apply<'a>(
        &self,
        coverage: &'a [VersionCoverage],
    ) -> Vec<(&'a str, &'a StatementCoverage)> {
        let needle = self.search.trim().to_lowercase();
        coverage
            .iter()
            .filter(|version| self.version.as_ref().is_none_or(|v| *v == version.version))
            .flat_map(|version| {
                version
                    .statements
                    .iter()
                    .map(move |statement| (version.version.as_str(), statement))
            })
            .filter(|(_, statement)| self.status.is_none_or(|status| status == statement.status))
            .filter(|(_, statement)| {
                needle.is_empty()
                    || [&statement.id, &statement.section, &statement.text]
                        .into_iter()
                        .chain(statement.reason.as_ref())
                        .chain(&statement.checks)
                        .any(|field| field.to_lowercase().contains(&needle))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::BrokerConfig;
    use crate::check::{run_simulated, RunSettings};

    #[test]
    fn the_table_filters_by_version_status_and_text() {
        let report = run_simulated(&RunSettings::new("filter"), &BrokerConfig::default());
        let all = CoverageFilter::default().apply(&report.coverage);
        assert_eq!(
            all.len(),
            report.coverage.iter().map(|v| v.total).sum::<usize>()
        );
        let v5_untestable = CoverageFilter {
            version: Some("5.0".into()),
            status: Some(StatementStatus::NotTestable),
            search: String::new(),
        }
        .apply(&report.coverage);
        assert_eq!(v5_untestable.len(), report.coverage[1].not_testable);
        assert!(v5_untestable.iter().all(|(version, _)| *version == "5.0"));
        // Text matches any case, in the statement, its reason or the checks exercising it.
        let search = |text: &str| {
            CoverageFilter {
                search: text.into(),
                ..CoverageFilter::default()
            }
            .apply(&report.coverage)
        };
        let pingresp = search("  pingresp ");
        assert_eq!(pingresp.len(), 2, "{pingresp:?}");
        assert!(pingresp.iter().all(|(_, s)| s.id == "MQTT-3.12.4-1"));
        assert!(search("TRANSIENT ERROR")
            .iter()
            .any(|(_, s)| s.id == "MQTT-4.8.0-2"));
        assert!(search("ws-subprotocol")
            .iter()
            .any(|(_, s)| s.id == "MQTT-6.0.0-4"));
        assert!(search("no such words anywhere").is_empty());
    }
}
