//! A limit a check found by trying: the value, its unit, and whether the broker refused beyond
//! it or the probe stopped first. Limits are facts about a broker, reported with their value
//! and judged only where a specification sets a floor.

use serde::{Deserialize, Serialize};

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitUnit {
    /// Bytes (payloads, topics, client ids).
    Bytes,
    /// Topic levels.
    Levels,
    /// Messages.
    Messages,
    /// Topic filters.
    Filters,
    /// Seconds.
    Seconds,
}

/// A limit found by probing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// What is limited ("payload size").
    pub name: String,
    /// The largest value the broker took.
    pub value: u64,
    /// What `value` counts.
    pub unit: LimitUnit,
    /// The probe stopped (at its largest try, or out of time) before the broker refused: the
    /// broker takes at least `value`.
    pub at_least: bool,
}

impl Limit {
    /// A limit the broker showed by refusing just above `value`.
    pub fn exact(name: impl Into<String>, value: u64, unit: LimitUnit) -> Limit {
        Limit {
            name: name.into(),
            value,
            unit,
            at_least: false,
        }
    }

    /// A lower bound: everything tried up to `value` was taken.
    pub fn at_least(name: impl Into<String>, value: u64, unit: LimitUnit) -> Limit {
        Limit {
            at_least: true,
            ..Limit::exact(name, value, unit)
        }
    }

    /// The value with its unit, "at least" when it is a lower bound: "256 KiB",
    /// "at least 1,000 messages".
    pub fn value_text(&self) -> String {
        let amount = match self.unit {
            LimitUnit::Bytes => bytes_text(self.value),
            LimitUnit::Levels => format!("{} levels", grouped(self.value)),
            LimitUnit::Messages => format!("{} messages", grouped(self.value)),
            LimitUnit::Filters => format!("{} filters", grouped(self.value)),
            LimitUnit::Seconds => format!("{} s", grouped(self.value)),
        };
        if self.at_least {
            format!("at least {amount}")
        } else {
            amount
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.value_text())
    }
}

/// Bytes as people read sizes: whole KiB and MiB by name, anything else in bytes.
fn bytes_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        0 => "0 bytes".into(),
        _ if bytes.is_multiple_of(KIB * KIB) => format!("{} MiB", bytes / (KIB * KIB)),
        _ if bytes.is_multiple_of(KIB) => format!("{} KiB", bytes / KIB),
        _ => format!("{} bytes", grouped(bytes)),
    }
}

/// A number with thousands separated by commas: 65,535.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_unit() {
        let cases = [
            (
                Limit::exact("payload size", 262_144, LimitUnit::Bytes),
                "256 KiB",
            ),
            (
                Limit::at_least("payload size", 1 << 20, LimitUnit::Bytes),
                "at least 1 MiB",
            ),
            (
                Limit::exact("topic length", 65_535, LimitUnit::Bytes),
                "65,535 bytes",
            ),
            (
                Limit::at_least("queue", 1_000, LimitUnit::Messages),
                "at least 1,000 messages",
            ),
            (Limit::exact("levels", 200, LimitUnit::Levels), "200 levels"),
            (Limit::exact("keep alive", 10, LimitUnit::Seconds), "10 s"),
        ];
        for (limit, text) in cases {
            assert_eq!(limit.value_text(), text);
        }
        let json = serde_json::to_value(Limit::at_least("queue", 5, LimitUnit::Messages)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "queue", "value": 5, "unit": "messages", "at_least": true})
        );
    }
}
