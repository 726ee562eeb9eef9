//! The longest keep alive a broker lets a client have. A 5.0 broker that wants a shorter one
//! says so with Server Keep Alive in CONNACK (v5 §3.2.2.3.14), which the client must then use
//! ([v5 MQTT-3.2.2-21]); 3.1.1 has no way to say it, so a broker either takes the keep alive
//! asked for or refuses the connection.

use super::{connects, Answer, Budget, Search};
use crate::check::checks::CheckRun;
use crate::check::context::{Ctx, KEEP_ALIVE};
use crate::check::limit::{Limit, LimitUnit};
use crate::check::outcome::{Outcome, Verdict};

/// The longest keep alive there is, in seconds (a Two Byte Integer, v3, v5 §3.1.2.10).
const LONGEST: u16 = u16::MAX;
/// A bound below this is reported as a warning: clients must then send a packet more than once
/// a minute even when idle, which costs battery-powered clients on mobile networks dearly.
const WARN_BELOW: u64 = 60;
/// How long the search may take on a real broker: up to 16 connections.
const BUDGET_MS: u64 = 15_000;

/// Asks for the longest keep alive, and for 0 (none): what the broker takes or says instead.
pub async fn bounds(ctx: &mut Ctx) -> CheckRun {
    let (longest, told) = connects_with(ctx, "longest", LONGEST).await;
    let (limit, how) = match (longest, told) {
        (Ok(()), Some(server)) => (
            Limit::exact("keep alive", u64::from(server), LimitUnit::Seconds),
            format!("asked for {LONGEST} s, told Server Keep Alive {server} s"),
        ),
        (Ok(()), None) => (
            Limit::exact("keep alive", u64::from(LONGEST), LimitUnit::Seconds),
            format!("took {LONGEST} s, the longest there is"),
        ),
        (Err(how), _) => {
            // Refused: the longest it takes lies between ours and the longest.
            let mut search = Search::new(
                u64::from(KEEP_ALIVE),
                u64::from(LONGEST) - 1,
                u64::from(LONGEST),
            );
            search.record(u64::from(LONGEST), Err(how));
            let budget = Budget::new(ctx, BUDGET_MS);
            while let Some(seconds) = search.next() {
                if budget.spent(ctx) {
                    break;
                }
                let (answer, _) = connects_with(ctx, &format!("{seconds} s"), seconds as u16).await;
                search.record(seconds, answer);
            }
            let limit = search.limit("keep alive", LimitUnit::Seconds, true);
            let how = format!(
                "took {}{}",
                limit.value_text(),
                search.refusal(LimitUnit::Seconds)
            );
            (limit, how)
        }
    };
    let none = match connects_with(ctx, "none", 0).await {
        (Ok(()), Some(server)) => format!("told Server Keep Alive {server} s"),
        (Ok(()), None) => "taken".to_owned(),
        (Err(how), _) => format!("refused: {how}"),
    };
    let verdict = if limit.value < WARN_BELOW {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Ok(Outcome::new(
        verdict,
        format!("the longest keep alive taken (a 5.0 broker may bound it with Server Keep Alive, [v5 MQTT-3.2.2-21]); {WARN_BELOW} s or more"),
        format!("{how}; keep alive 0 (none): {none}"),
    )
    .with_limit(limit))
}

/// Connects asking for a keep alive of `seconds` (the client disconnects at once): whether the
/// broker took it, and the Server Keep Alive it answered with.
async fn connects_with(ctx: &mut Ctx, name: &str, seconds: u16) -> (Answer, Option<u16>) {
    let mut options = ctx.options(name);
    options.keep_alive = seconds;
    match connects(ctx, name, options).await {
        Ok(connected) => (Ok(()), connected.properties.server_keep_alive),
        Err(how) => (Err(how), None),
    }
}
