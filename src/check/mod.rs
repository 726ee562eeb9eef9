//! The broker check: a suite that tests what a broker does against the rules of MQTT 3.1.1 and
//! 5.0, each verdict proven by the trace of what happened (drawn as the check's diagram).
//!
//! Checks are written once, as async functions over a [`Ctx`], and run on any [`CheckClients`]:
//! the simulated broker's [`World`](crate::sim::World) in simulated time ([`simulated_world`],
//! natively and in the page) or a real broker over browser WebSockets (the web driver). Every check keeps to its own topics and client ids
//! under the run's prefix, and cleans up after itself: retained messages cleared, sessions
//! ended, wills disarmed by a normal DISCONNECT.

mod catalogue;
mod check_clients;
mod checks;
mod context;
mod coverage;
mod declared;
mod html_report;
mod limit;
mod outcome;
mod report;
mod result_scene;
mod simulated;
mod statements;

pub use catalogue::{listing, CheckDef, Tag, Versions, CHECKS, VERSION_CHECK};
pub use check_clients::{CheckClients, Wait};
pub use context::{Ctx, Mark};
pub use coverage::{CoverageFilter, StatementCoverage, StatementStatus, VersionCoverage};
pub use declared::Declared;
pub use limit::{Limit, LimitUnit};
pub use outcome::{Outcome, Verdict};
pub use report::{CheckResult, Report, Summary, VersionDeclared};
pub use simulated::simulated_world;
pub use statements::{statements, Binds, Statement};

use crate::broker::BrokerConfig;
use crate::codec::ProtocolVersion;

/// Whether the negative tests (malformed packets) run. A malformed packet can bring down a
/// weak broker, so against anything but loopback or the simulated broker they run only when
/// asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegativeTests {
    /// They run, last.
    Run,
    /// Left out on request.
    Off,
    /// Left out: the broker is not on this machine and nobody asked for them.
    NotAsked,
}

impl NegativeTests {
    /// The choice for `target` (a URL, or "simulated"), given what was `asked`
    /// (`--negative`: `Some(true)`, `--no-negative`: `Some(false)`).
    pub fn for_target(target: &str, asked: Option<bool>) -> NegativeTests {
        let local = target == "simulated"
            || crate::broker_url::BrokerUrl::parse(target).is_ok_and(|url| url.is_loopback());
        match asked {
            Some(true) => NegativeTests::Run,
            Some(false) => NegativeTests::Off,
            None if local => NegativeTests::Run,
            None => NegativeTests::NotAsked,
        }
    }
}

/// What to run, and where its traffic goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSettings {
    /// Protocol versions to run every check with (v5-only checks run with 5.0 only).
    pub versions: Vec<ProtocolVersion>,
    /// A short random id: client ids and the default topic root carry it.
    pub run_id: String,
    /// Every topic is under `topic_root/`.
    pub topic_root: String,
    /// Whether to run the bursts and large payloads.
    pub heavy: bool,
    /// Whether to run the negative tests.
    pub negative: NegativeTests,
    /// Only the checks these ids or tags name (all when empty).
    pub only: Vec<String>,
    /// Not the checks these ids or tags name.
    pub skip: Vec<String>,
}

impl RunSettings {
    /// Both versions, every check, topics under `qoscope-check/<run id>`.
    pub fn new(run_id: impl Into<String>) -> RunSettings {
        let run_id = run_id.into();
        RunSettings {
            versions: vec![ProtocolVersion::V311, ProtocolVersion::V5],
            topic_root: format!("qoscope-check/{run_id}"),
            run_id,
            heavy: true,
            negative: NegativeTests::Run,
            only: Vec::new(),
            skip: Vec::new(),
        }
    }

    /// A selector in `only` or `skip` that names no check and no tag, as an error that says
    /// what to do.
    pub fn check_selection(&self) -> Result<(), String> {
        let unknown: Vec<&str> = self
            .only
            .iter()
            .chain(&self.skip)
            .map(String::as_str)
            .filter(|selector| !CHECKS.iter().any(|check| check.matches(selector)))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let tags: Vec<&str> = Tag::ALL.iter().map(|tag| tag.name()).collect();
        Err(format!(
            "no check has the id or tag {}; tags are {}, and --list prints every check",
            unknown
                .iter()
                .map(|selector| format!("\"{selector}\""))
                .collect::<Vec<_>>()
                .join(", "),
            tags.join(", ")
        ))
    }

    /// Whether `check` is selected (the version check always is: the others judge against
    /// what it finds).
    fn selects(&self, check: &CheckDef) -> bool {
        if check.id == VERSION_CHECK {
            return true;
        }
        let wanted = self.only.is_empty() || self.only.iter().any(|s| check.matches(s));
        let left_out = self.skip.iter().any(|s| check.matches(s))
            || (!self.heavy && check.has(Tag::Heavy))
            || (self.negative != NegativeTests::Run && check.has(Tag::Negative));
        wanted && !left_out
    }

    /// The checks to run, each with its version, in order: every version's ordinary checks,
    /// then every version's negative tests, so that a broker a malformed packet brings down
    /// has been checked for everything else first.
    pub fn plan(&self) -> Vec<(CheckDef, ProtocolVersion)> {
        let mut plan = Vec::new();
        for negative in [false, true] {
            for &version in &self.versions {
                for check in CHECKS {
                    if check.has(Tag::Negative) == negative
                        && check.versions.include(version)
                        && self.selects(check)
                    {
                        plan.push((*check, version));
                    }
                }
            }
        }
        plan
    }

    /// What the run will do to the broker, stated before it starts.
    pub fn announcement(&self) -> String {
        let plan = self.plan();
        let negative = plan
            .iter()
            .filter(|(check, _)| check.has(Tag::Negative))
            .count();
        let negative = match self.negative {
            NegativeTests::Run if negative > 0 => format!(
                " Ends with {negative} negative tests: malformed packets, each on a connection of \
                 its own, after which a fresh client must still connect and publish (a weak \
                 broker may go down)."
            ),
            NegativeTests::Run => String::new(),
            NegativeTests::Off => " Negative tests (malformed packets) are off.".into(),
            NegativeTests::NotAsked => " Negative tests (malformed packets) are off: against a \
                broker other than loopback they run only when asked (--negative, or the \
                checkbox in the page)."
                .into(),
        };
        format!(
            "{} checks. Publishes only to topics under {root}/ (and ${root}/ for the $-topic check), \
             with client ids starting qc-{id}-. Retained messages it sets are cleared and \
             sessions it opens are ended. {}{negative}",
            plan.len(),
            if self.heavy {
                "Includes bursts of 1,000 messages, payloads of up to 1 MiB (a search bounded to 30 s) and 1,000 messages queued for an absent client."
            } else {
                "Bursts, large payloads and the offline queue are off."
            },
            root = self.topic_root,
            id = self.run_id,
        )
    }

    fn topic_prefix(&self, check: &CheckDef, version: ProtocolVersion) -> String {
        format!("{}/{}/{}/", self.topic_root, version_tag(version), check.id)
    }

    fn client_prefix(&self, index: usize) -> String {
        format!("qc-{}-{index}-", self.run_id)
    }
}

/// "3.1.1" or "5.0", as reports name versions.
pub fn version_name(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V311 => "3.1.1",
        ProtocolVersion::V5 => "5.0",
    }
}

fn version_tag(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::V311 => "v3",
        ProtocolVersion::V5 => "v5",
    }
}

/// Runs one check (entry `index` of the plan) on `clients`, judging against what the broker
/// `declared`, and cleans up after it. Returns the result and what the broker has declared
/// since (the version check records it).
async fn run_check(
    settings: &RunSettings,
    index: usize,
    check: &CheckDef,
    version: ProtocolVersion,
    clients: Box<dyn CheckClients>,
    declared: Declared,
) -> (CheckResult, Declared) {
    let mut ctx = Ctx::new(
        clients,
        version,
        settings.topic_prefix(check, version),
        settings.client_prefix(index),
        declared,
    );
    let outcome = (check.run)(&mut ctx, check.arg).await;
    let duration_ms = ctx.elapsed();
    ctx.clean_up().await;
    let declared = ctx.declared().clone();
    (
        CheckResult::new(check, version, outcome, duration_ms, &mut ctx),
        declared,
    )
}

/// Runs the plan, each check on fresh clients from `clients`, and reports each result as it
/// comes (`done`, `total`, result); `pause` runs between checks (the page draws then). Each
/// version starts with its version check; a version the broker does not speak has its other
/// checks skipped at once, with that reason.
pub async fn run_plan(
    settings: &RunSettings,
    target: &str,
    mut clients: impl FnMut() -> Box<dyn CheckClients>,
    mut on_result: impl FnMut(usize, usize, &CheckResult),
    pause: impl Fn() -> Wait,
) -> Report {
    let plan = settings.plan();
    let mut declared: Vec<(ProtocolVersion, Declared)> = Vec::new();
    let mut results = Vec::with_capacity(plan.len());
    for (index, (check, version)) in plan.iter().enumerate() {
        let known = declared
            .iter()
            .find(|(known, _)| known == version)
            .map(|(_, declared)| declared.clone());
        let result = match known {
            Some(Declared {
                unsupported: Some(why),
                ..
            }) => CheckResult::not_run(check, *version, &why),
            known => {
                let run = run_check(
                    settings,
                    index,
                    check,
                    *version,
                    clients(),
                    known.unwrap_or_default(),
                );
                let (result, found) = run.await;
                if check.id == VERSION_CHECK {
                    declared.push((*version, found));
                }
                result
            }
        };
        on_result(index + 1, plan.len(), &result);
        results.push(result);
        pause().await;
    }
    Report::new(target, settings, declared, results)
}

/// Runs the whole plan on fresh simulated brokers with `config` (one per check), natively.
/// Simulated time never waits, so this returns at once.
pub fn run_simulated(settings: &RunSettings, config: &BrokerConfig) -> Report {
    let run = run_plan(
        settings,
        "simulated broker",
        || Box::new(simulated_world(config.clone())),
        |_, _, _| {},
        || Box::pin(std::future::ready(())),
    );
    complete_now(run)
}

/// Polls a future that never waits for anything outside it (the simulated world's).
fn complete_now<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => unreachable!("the simulated world never waits"),
    }
}
