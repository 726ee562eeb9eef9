//! Runs the broker check in the page: against a URL (fresh [`LiveClients`] per check) or against
//! the simulated broker, with or without deliberate faults (one fresh world per check).

use gloo_timers::future::TimeoutFuture;

use super::live_clients::LiveClients;
use crate::broker::BrokerConfig;
use crate::check::{run_plan, simulated_world, CheckClients, CheckResult, Report, RunSettings};

/// What to check.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The built-in simulated broker with these settings (faults included).
    Simulated(BrokerConfig),
    /// A real broker's WebSocket listener.
    Broker {
        /// ws:// or wss:// URL.
        url: String,
        /// Username for every check client, if the broker wants one.
        username: Option<String>,
        /// Password (kept only for the run).
        password: Option<String>,
    },
}

impl Target {
    /// How reports name it.
    pub fn name(&self) -> String {
        match self {
            Target::Simulated(config) if config.faults.is_empty() => "simulated broker".into(),
            Target::Simulated(_) => "simulated broker (with faults)".into(),
            Target::Broker { url, .. } => url.clone(),
        }
    }

    fn clients(&self) -> Box<dyn CheckClients> {
        match self {
            Target::Simulated(config) => Box::new(simulated_world(config.clone())),
            Target::Broker {
                url,
                username,
                password,
            } => Box::new(LiveClients::with_credentials(
                url,
                username.clone(),
                password.clone(),
            )),
        }
    }
}

/// A fresh random run id: six hex digits.
pub fn run_id() -> String {
    format!(
        "{:06x}",
        (js_sys::Math::random() * f64::from(0x00ff_ffff)) as u32
    )
}

/// Runs the plan, reporting each result as it comes (`done`, `total`, result).
pub async fn run(
    target: &Target,
    settings: &RunSettings,
    on_result: impl Fn(usize, usize, &CheckResult),
) -> Report {
    run_plan(
        settings,
        &target.name(),
        || target.clients(),
        on_result,
        // Let the page draw between checks (simulated checks never wait on their own).
        || Box::pin(TimeoutFuture::new(0)),
    )
    .await
}
