//! Limits found by trying. Each check probes one limit of the broker, bounded in time and in
//! what it sends, on topics under the run's prefix, and reports the value found as a
//! [`Limit`](crate::check::Limit): a fact about the broker. The verdict is fail only where a
//! specification sets a floor the broker is below, and warn where the value is low enough to
//! look at.

pub mod client_id;
pub mod inflight;
pub mod keep_alive;
pub mod payload;
pub mod queue;
pub mod subscriptions;
pub mod topic;

use crate::check::context::{Connected, Ctx};
use crate::check::limit::{Limit, LimitUnit};
use crate::clients::ClientIndex;
use crate::codec::QoS;
use crate::session::{ConnectOptions, Event};
use crate::trace::FlowId;

/// How a broker said no to a probe, in words: "closed the connection (…)", "SUBACK 0x80
/// Unspecified error", "not delivered within 5000 ms".
pub type Refusal = String;

/// What a probe found: taken, or refused and how.
pub type Answer = Result<(), Refusal>;

/// The search for the largest value a broker takes, between one known to be taken and a
/// ceiling: the first try is `first`, then doubling while the broker takes each, then halving
/// the gap between the largest taken and the smallest refused.
#[derive(Debug, Clone)]
pub struct Search {
    taken: u64,
    refused: Option<(u64, Refusal)>,
    first: u64,
    ceiling: u64,
    tried: bool,
}

impl Search {
    /// A search above `taken` (known to be taken), trying `first` first, never above `ceiling`.
    pub fn new(taken: u64, first: u64, ceiling: u64) -> Search {
        Search {
            taken,
            refused: None,
            first,
            ceiling,
            tried: false,
        }
    }

    /// The value to try next, or `None` when the search is over.
    pub fn next(&self) -> Option<u64> {
        match &self.refused {
            Some((refused, _)) if refused - self.taken <= 1 => None,
            Some((refused, _)) => Some(self.taken + (refused - self.taken) / 2),
            None if self.taken >= self.ceiling => None,
            None if !self.tried => Some(self.first.clamp(self.taken + 1, self.ceiling)),
            None => Some((self.taken * 2).clamp(self.taken + 1, self.ceiling)),
        }
    }

    /// Records what the broker did with `value`.
    pub fn record(&mut self, value: u64, answer: Answer) {
        self.tried = true;
        match answer {
            Ok(()) => self.taken = self.taken.max(value),
            Err(how) => {
                if self
                    .refused
                    .as_ref()
                    .is_none_or(|(refused, _)| value < *refused)
                {
                    self.refused = Some((value, how));
                }
            }
        }
    }

    /// The largest value taken.
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// The limit found: exact when the broker refused the value just above the largest taken,
    /// or when that is the `ceiling` and `ceiling_is_bound` (nothing larger can be sent); a
    /// lower bound otherwise (the search stopped at its largest try or out of time).
    pub fn limit(&self, name: &str, unit: LimitUnit, ceiling_is_bound: bool) -> Limit {
        let settled = match &self.refused {
            Some((refused, _)) => *refused == self.taken + 1,
            None => self.taken >= self.ceiling && ceiling_is_bound,
        };
        if settled {
            Limit::exact(name, self.taken, unit)
        } else {
            Limit::at_least(name, self.taken, unit)
        }
    }

    /// What the broker did at the edge: "refused 1,025: SUBACK 0x80 …", for a report line.
    pub fn refusal(&self, unit: LimitUnit) -> String {
        match &self.refused {
            Some((value, how)) => {
                let value = Limit::exact("", *value, unit).value_text();
                format!("; refused {value}: {how}")
            }
            None => String::new(),
        }
    }
}

/// A time budget for a search on a real broker; simulated time costs nothing, so there the
/// search always runs to its end (and finds the same value every time).
pub struct Budget {
    deadline: Option<u64>,
}

impl Budget {
    /// `ms` from now.
    pub fn new(ctx: &Ctx, ms: u64) -> Budget {
        Budget {
            deadline: (!ctx.is_simulated()).then(|| ctx.elapsed() + ms),
        }
    }

    /// Milliseconds left (`u64::MAX` in simulated time).
    pub fn left(&self, ctx: &Ctx) -> u64 {
        self.deadline
            .map_or(u64::MAX, |deadline| deadline.saturating_sub(ctx.elapsed()))
    }

    /// Whether the time is up.
    pub fn spent(&self, ctx: &Ctx) -> bool {
        self.left(ctx) == 0
    }
}

/// The largest value a probe may try: `most`, or less when a 5.0 broker's declared Maximum
/// Packet Size leaves room for less besides `packet_room` bytes (sending more is a different
/// check, `v5-packet-too-large`). Also returns that declared size when it is the bound.
pub fn ceiling(ctx: &Ctx, most: u64, packet_room: u64) -> (u64, Option<u32>) {
    match ctx.declared().maximum_packet_size {
        Some(maximum) if u64::from(maximum).saturating_sub(packet_room) < most => (
            u64::from(maximum).saturating_sub(packet_room),
            Some(maximum),
        ),
        _ => (most, None),
    }
}

/// Says that the value found is as far as a declared Maximum Packet Size lets a probe go.
pub fn declared_bound(maximum: Option<u32>) -> String {
    match maximum {
        Some(maximum) => format!(
            " (the most the declared Maximum Packet Size of {maximum} bytes leaves room for)"
        ),
        None => String::new(),
    }
}

/// Publishes `count` QoS 1 messages numbered from 0 to the check's topic `suffix`, back to
/// back, and waits up to `wait_ms` until the broker acknowledged them all (then it has them):
/// returns whether it did.
pub async fn publish_numbered(
    ctx: &mut Ctx,
    publisher: ClientIndex,
    suffix: &str,
    count: usize,
    wait_ms: u64,
) -> Result<bool, crate::check::Outcome> {
    let mark = ctx.mark();
    for index in 0..count {
        ctx.publish_to(
            publisher,
            suffix,
            &index.to_string(),
            QoS::AtLeastOnce,
            false,
        )?;
    }
    Ok(ctx
        .wait_for(wait_ms, |ctx| {
            ctx.events_since(publisher, mark)
                .filter(|event| matches!(event, Event::Published { .. }))
                .count()
                >= count
        })
        .await)
}

/// How the broker refused the publish `flow`, if `event` says it did: a PUBACK (or PUBREC)
/// failure code, or a closed connection.
pub fn publish_refusal(event: &Event, flow: FlowId) -> Option<Refusal> {
    match event {
        Event::PublishFailed {
            flow: done, reason, ..
        } if *done == flow => Some(format!("PUBACK {reason}")),
        Event::ConnectionLost(cause) => Some(format!("closed the connection ({cause})")),
        _ => None,
    }
}

/// Connects a new client `name` with `options` and disconnects it at once: its CONNACK, or how
/// the broker refused it.
pub async fn connects(
    ctx: &mut Ctx,
    name: &str,
    options: ConnectOptions,
) -> Result<Connected, Refusal> {
    let client = ctx.add(name, options);
    match ctx.connect(client).await {
        Ok(connected) => {
            ctx.disconnect(client).await;
            Ok(connected)
        }
        Err(cause) => Err(cause.to_string()),
    }
}

/// A fresh client after the broker closed the previous one's connection on a probe.
pub async fn reopen(
    ctx: &mut Ctx,
    opened: &mut usize,
) -> Result<ClientIndex, crate::check::Outcome> {
    *opened += 1;
    let name = format!("client {opened}");
    ctx.open_clean(&name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut search: Search, limit: u64) -> (Search, Vec<u64>) {
        let mut tried = Vec::new();
        while let Some(value) = search.next() {
            tried.push(value);
            let answer = if value <= limit {
                Ok(())
            } else {
                Err("no".into())
            };
            search.record(value, answer);
        }
        (search, tried)
    }

    #[test]
    fn the_search_doubles_then_halves_to_the_exact_limit() {
        let (search, tried) = run(Search::new(0, 16, 1000), 100);
        assert_eq!(&tried[..4], [16, 32, 64, 128]);
        assert_eq!(
            search.limit("x", LimitUnit::Bytes, false),
            Limit::exact("x", 100, LimitUnit::Bytes)
        );
        assert!(tried.len() < 12, "{tried:?}");
    }

    #[test]
    fn a_search_that_reaches_its_ceiling_is_a_bound_or_a_lower_bound() {
        let (search, tried) = run(Search::new(10, 500, 500), 10_000);
        assert_eq!(tried, [500]);
        assert!(search.limit("x", LimitUnit::Bytes, false).at_least);
        assert!(!search.limit("x", LimitUnit::Bytes, true).at_least);
        let (search, _) = run(Search::new(23, 65_535, 65_535), 23);
        assert_eq!(search.limit("x", LimitUnit::Bytes, true).value, 23);
        assert!(search
            .refusal(LimitUnit::Bytes)
            .contains("refused 24 bytes: no"));
    }
}
