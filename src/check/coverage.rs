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
        .filter(|check| !check.v5_only || version == ProtocolVersion::V5)
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
