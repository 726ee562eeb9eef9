//! The normative statements of MQTT 3.1.1 and 5.0 as data: every numbered statement of each
//! specification (`spec/mqtt-3.1.1.tsv`, `spec/mqtt-5.0.tsv`), whom it binds, and, for a
//! statement binding the server that no client can test, why. Coverage is counted against it.
//!
//! Checks cite statements in their rule text; [`cited`] reads those citations back, so the rule a
//! report shows and the statements a check is counted for are one and the same text.

use std::sync::OnceLock;

use crate::codec::ProtocolVersion;

/// Whom a statement binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binds {
    /// The Server.
    Server,
    /// The Client.
    Client,
    /// Either side (a rule for any sender or receiver).
    Both,
}

/// One numbered normative statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Its normative id, `MQTT-3.1.2-4`.
    pub id: &'static str,
    /// The section it appears in.
    pub section: &'static str,
    /// Whom it binds.
    pub binds: Binds,
    /// MUST NOT rather than MUST.
    pub must_not: bool,
    /// The statement, shortened from the specification's text.
    pub text: &'static str,
    /// For a statement binding the server that a client cannot test: why.
    pub untestable: Option<&'static str>,
}

impl Statement {
    /// Whether the server must keep it (it binds the server, alone or with the client).
    pub fn binds_server(&self) -> bool {
        self.binds != Binds::Client
    }
}

const V311_DATA: &str = include_str!("spec/mqtt-3.1.1.tsv");
const V5_DATA: &str = include_str!("spec/mqtt-5.0.tsv");

/// Every statement of `version`'s specification, in its order.
pub fn statements(version: ProtocolVersion) -> &'static [Statement] {
    static V311: OnceLock<Vec<Statement>> = OnceLock::new();
    static V5: OnceLock<Vec<Statement>> = OnceLock::new();
    let (cell, data) = match version {
        ProtocolVersion::V311 => (&V311, V311_DATA),
        ProtocolVersion::V5 => (&V5, V5_DATA),
    };
    // The data is compiled in and parsed by the tests: a line that does not parse is a bug.
    cell.get_or_init(|| parse(data).unwrap_or_else(|error| panic!("{error}")))
}

/// Parses the data: `#` lines are comments; the others are id, section, binds, level, statement
/// and the untestable reason (may be empty), separated by tabs.
fn parse(data: &'static str) -> Result<Vec<Statement>, String> {
    data.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(index, line)| {
            let fail = |what: &str| format!("statement data line {}: {what}: {line}", index + 1);
            let fields: Vec<&'static str> = line.split('\t').collect();
            let [id, section, binds, level, text, untestable] = fields[..] else {
                return Err(fail("expected 6 tab-separated fields"));
            };
            let binds = match binds {
                "server" => Binds::Server,
                "client" => Binds::Client,
                "both" => Binds::Both,
                _ => return Err(fail("binds must be server, client or both")),
            };
            let must_not = match level {
                "MUST" => false,
                "MUST NOT" => true,
                _ => return Err(fail("level must be MUST or MUST NOT")),
            };
            if split_id(id).is_none() {
                return Err(fail("the id is not of the form MQTT-x.y.z-n"));
            }
            Ok(Statement {
                id,
                section,
                binds,
                must_not,
                text,
                untestable: (!untestable.is_empty()).then_some(untestable),
            })
        })
        .collect()
}

/// `MQTT-3.1.2-4` as its section (`3.1.2`) and number (4); `None` when it is not a statement id
/// (`MQTT-1.5.5` names a section).
pub fn split_id(id: &str) -> Option<(&str, u32)> {
    let (section, number) = id.strip_prefix("MQTT-")?.rsplit_once('-')?;
    let section_ok = !section.is_empty()
        && section
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let number = number
        .parse()
        .ok()
        .filter(|n| *n > 0 && !number.starts_with('0'))?;
    section_ok.then_some((section, number))
}

/// The statement ids a check's rule text cites for `version`, in order, without repeats.
///
/// A citation is `[MQTT-x.y.z-n]` (both versions), `[v3 MQTT-…]` (3.1.1) or `[v5 MQTT-…]` (5.0);
/// `[-n]` continues the previous citation's section and version. Anything else in brackets (a
/// section such as `[MQTT-1.5.5]`) cites no statement.
pub fn cited(rule: &str, version: ProtocolVersion) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut previous: Option<(Option<ProtocolVersion>, String)> = None;
    for citation in rule
        .split('[')
        .skip(1)
        .filter_map(|rest| rest.split_once(']'))
    {
        let text = citation.0.trim();
        let (scope, id) = if let Some(id) = text.strip_prefix("v3 ") {
            (Some(ProtocolVersion::V311), id.to_owned())
        } else if let Some(id) = text.strip_prefix("v5 ") {
            (Some(ProtocolVersion::V5), id.to_owned())
        } else if let Some(number) = text.strip_prefix('-') {
            let Some((scope, section)) = &previous else {
                continue;
            };
            (*scope, format!("MQTT-{section}-{number}"))
        } else {
            (None, text.to_owned())
        };
        let Some((section, _)) = split_id(&id) else {
            continue;
        };
        previous = Some((scope, section.to_owned()));
        if scope.is_none_or(|scope| scope == version) && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CHECKS;

    const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V311, ProtocolVersion::V5];

    fn find(version: ProtocolVersion, id: &str) -> Option<&'static Statement> {
        statements(version)
            .iter()
            .find(|statement| statement.id == id)
    }

    /// The number of numbered statements each specification has (Appendix B of each).
    fn spec_count(version: ProtocolVersion) -> usize {
        match version {
            ProtocolVersion::V311 => 141,
            ProtocolVersion::V5 => 251,
        }
    }

    /// Sections whose numbering does not start at 1 in the specification itself, with the
    /// number it starts at: MQTT 5.0 has no MQTT-2.2.1-1.
    fn first_number(version: ProtocolVersion, section: &str) -> u32 {
        match (version, section) {
            (ProtocolVersion::V5, "2.2.1") => 2,
            _ => 1,
        }
    }

    #[test]
    fn the_data_parses_and_has_every_statement_of_each_specification() {
        for version in VERSIONS {
            let data = match version {
                ProtocolVersion::V311 => V311_DATA,
                ProtocolVersion::V5 => V5_DATA,
            };
            let parsed = parse(data).unwrap();
            assert_eq!(parsed.len(), spec_count(version), "{version:?}");
            assert_eq!(statements(version), parsed.as_slice());
        }
    }

    #[test]
    fn ids_are_unique_well_formed_and_numbered_without_gaps_within_each_section() {
        for version in VERSIONS {
            let mut seen = std::collections::HashSet::new();
            let mut expected: Option<(&str, u32)> = None;
            for statement in statements(version) {
                assert!(
                    seen.insert(statement.id),
                    "{version:?}: {} twice",
                    statement.id
                );
                let (section, number) = split_id(statement.id).unwrap();
                let want = match expected {
                    Some((previous, last)) if previous == section => last + 1,
                    _ => first_number(version, section),
                };
                assert_eq!(
                    number, want,
                    "{version:?}: {} out of sequence",
                    statement.id
                );
                expected = Some((section, number));
            }
        }
    }

    #[test]
    fn only_statements_binding_the_server_carry_an_untestable_reason() {
        for version in VERSIONS {
            for statement in statements(version) {
                if let Some(reason) = statement.untestable {
                    assert!(statement.binds_server(), "{}", statement.id);
                    assert!(reason.len() > 20, "{}: say why", statement.id);
                }
            }
        }
    }

    #[test]
    fn citations_are_read_per_version_with_continuations() {
        let rule = "[v3 MQTT-3.3.1-5], [-8], [-10]; [v5 MQTT-3.3.1-5], [-6], [MQTT-6.0.0-2] and [MQTT-1.5.5]";
        assert_eq!(
            cited(rule, ProtocolVersion::V311),
            [
                "MQTT-3.3.1-5",
                "MQTT-3.3.1-8",
                "MQTT-3.3.1-10",
                "MQTT-6.0.0-2"
            ]
        );
        assert_eq!(
            cited(rule, ProtocolVersion::V5),
            ["MQTT-3.3.1-5", "MQTT-3.3.1-6", "MQTT-6.0.0-2"]
        );
        assert!(cited(
            "v5 §3.4.2.1 (0x10 No matching subscribers)",
            ProtocolVersion::V5
        )
        .is_empty());
    }

    #[test]
    fn every_statement_a_check_cites_exists_in_its_version() {
        for check in CHECKS {
            for version in VERSIONS {
                if !check.versions.include(version) {
                    continue;
                }
                for id in check.statements(version) {
                    assert!(
                        find(version, &id).is_some(),
                        "check {} cites {id}, which MQTT {version:?} does not have",
                        check.id
                    );
                }
            }
        }
    }

    /// A statement a check exercises is testable; each one binding the server is exercised by a
    /// check, not testable with a reason, or not covered yet, and the last set is printed.
    #[test]
    fn no_exercised_statement_is_called_untestable() {
        for version in VERSIONS {
            let exercised: Vec<String> = CHECKS
                .iter()
                .filter(|check| check.versions.include(version))
                .flat_map(|check| check.statements(version))
                .collect();
            let mut not_covered = Vec::new();
            for statement in statements(version).iter().filter(|s| s.binds_server()) {
                let covered = exercised.iter().any(|id| id == statement.id);
                assert!(
                    !(covered && statement.untestable.is_some()),
                    "{version:?} {} is exercised by a check, yet marked untestable",
                    statement.id
                );
                if !covered && statement.untestable.is_none() {
                    not_covered.push(statement.id);
                }
            }
            println!(
                "MQTT {version:?}: not covered yet: {}",
                not_covered.join(", ")
            );
        }
    }

    /// Every id written anywhere in the checks' sources (rules, comments) is a statement of at
    /// least one version: a mistyped id shows here.
    #[test]
    fn every_id_in_the_check_sources_exists_in_some_version() {
        let sources = [
            include_str!("catalogue.rs"),
            include_str!("checks/connection.rs"),
            include_str!("checks/delivery.rs"),
            include_str!("checks/load.rs"),
            include_str!("checks/qos2.rs"),
            include_str!("checks/retained.rs"),
            include_str!("checks/transport.rs"),
            include_str!("checks/v5.rs"),
            include_str!("checks/will.rs"),
        ];
        for source in sources {
            for (start, _) in source.match_indices("MQTT-") {
                let token: String = source[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                    .collect();
                let token = token.trim_end_matches(['.', '-']);
                if split_id(token).is_some() {
                    assert!(
                        VERSIONS.iter().any(|&v| find(v, token).is_some()),
                        "{token} is in no specification"
                    );
                }
            }
        }
    }
}
