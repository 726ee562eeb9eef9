//! What a check concludes: a verdict, what the rule expects and what the broker did.

use serde::{Deserialize, Serialize};

use super::limit::Limit;

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The broker did what the rule requires.
    Pass,
    /// The broker broke the rule.
    Fail,
    /// Allowed by the spec, but surprising enough to look at.
    Warn,
    /// Not run: the broker said it does not support the feature, or the check does not apply.
    Skipped,
}

impl Verdict {
    /// The word shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Skipped => "skipped",
        }
    }
}

/// A verdict with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// What the rule requires, in words.
    pub expected: String,
    /// What the broker did.
    pub seen: String,
    /// The limit the check found, for the checks that probe one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
}

impl Outcome {
    /// Pass when `held`, fail otherwise.
    pub fn judge(held: bool, expected: impl Into<String>, seen: impl Into<String>) -> Outcome {
        let verdict = if held { Verdict::Pass } else { Verdict::Fail };
        Outcome::new(verdict, expected, seen)
    }

    /// An outcome with an explicit verdict.
    pub fn new(verdict: Verdict, expected: impl Into<String>, seen: impl Into<String>) -> Outcome {
        Outcome {
            verdict,
            expected: expected.into(),
            seen: seen.into(),
            limit: None,
        }
    }

    /// The same outcome, carrying the limit found.
    pub fn with_limit(self, limit: Limit) -> Outcome {
        Outcome {
            limit: Some(limit),
            ..self
        }
    }

    /// A skipped check and why.
    pub fn skipped(why: impl Into<String>) -> Outcome {
        Outcome::new(Verdict::Skipped, "", why)
    }

    /// A failure at a step the check needed (a refused connection, a missing answer).
    pub fn broken(step: impl Into<String>) -> Outcome {
        Outcome::new(Verdict::Fail, "the check's set-up to succeed", step)
    }
}
