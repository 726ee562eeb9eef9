//! The longest client id a broker takes, and the characters it takes besides 0-9, a-z and A-Z.
//! Every broker must take ids of 1 to 23 bytes of those ([MQTT-3.1.3-5]); it may take longer
//! ones and other characters (v3, v5 §3.1.3.1), and refuses the others with CONNACK 0x02
//! (3.1.1) or 0x85 (5.0). Every id starts with the run's own client id prefix, so that no
//! probe can take over someone else's session; for that reason the 1-byte case is not tried.

use super::{ceiling, connects, declared_bound, Answer, Budget, Search};
use crate::check::checks::CheckRun;
use crate::check::context::Ctx;
use crate::check::limit::LimitUnit;
use crate::check::outcome::{Outcome, Verdict};

/// How long the length search may take on a real broker: up to 16 connections.
const BUDGET_MS: u64 = 15_000;
/// The most bytes a client id can have (a UTF-8 string, v3 §1.5.3, v5 §1.5.4).
const MOST_BYTES: u64 = 65_535;
/// The bytes [MQTT-3.1.3-5] guarantees.
const GUARANTEED_BYTES: usize = 23;
/// What a CONNECT needs besides its client id, at most (fixed header, protocol name and level,
/// flags, keep alive, properties, the id's length).
const PACKET_ROOM: u64 = 32;
/// Characters outside 0-9a-zA-Z that applications put in ids, each tried on its own.
const OTHER_CHARACTERS: [char; 10] = ['-', '_', '.', ':', '/', ' ', '+', '#', '$', 'é'];

/// The 23-byte id of 0-9a-zA-Z is taken; then the longest id, and which other characters.
pub async fn client_id(ctx: &mut Ctx) -> CheckRun {
    let guaranteed = guaranteed_id(ctx);
    if let Err(how) = connects_as(ctx, "23 bytes", guaranteed.clone()).await {
        return Ok(Outcome::new(
            Verdict::Fail,
            "a client id of 23 bytes of 0-9, a-z and A-Z is accepted [MQTT-3.1.3-5]",
            format!("\"{guaranteed}\" refused: {how}"),
        ));
    }
    let prefix = ctx.client_id("long-");
    let (most, declared) = ceiling(ctx, MOST_BYTES, PACKET_ROOM);
    let mut search = Search::new(GUARANTEED_BYTES as u64, most, most);
    let budget = Budget::new(ctx, BUDGET_MS);
    while let Some(bytes) = search.next() {
        if budget.spent(ctx) {
            break;
        }
        let id = format!("{prefix}{}", "x".repeat(bytes as usize - prefix.len()));
        let answer = connects_as(ctx, &format!("{bytes} bytes"), id).await;
        search.record(bytes, answer);
    }
    let mut taken = Vec::new();
    let mut refused = Vec::new();
    for character in OTHER_CHARACTERS {
        let id = format!("{}{character}", ctx.client_id("char-"));
        match connects_as(ctx, &format!("'{character}'"), id).await {
            Ok(()) => taken.push(format!("'{character}'")),
            Err(how) => refused.push(format!("'{character}' ({how})")),
        }
    }
    let limit = search.limit("client id length", LimitUnit::Bytes, true);
    let refusal = search.refusal(LimitUnit::Bytes);
    let bound = declared_bound(declared.filter(|_| refusal.is_empty() && !limit.at_least));
    let seen = format!(
        "took 23 bytes of 0-9a-zA-Z; ids of {}{bound}{refusal}; other characters taken: {}; refused: {}",
        limit.value_text(),
        list(&taken),
        list(&refused)
    );
    Ok(Outcome::new(
        Verdict::Pass,
        "ids of 1 to 23 bytes of 0-9a-zA-Z accepted [MQTT-3.1.3-5]; longer ids and other characters as the broker chooses",
        seen,
    )
    .with_limit(limit))
}

/// 23 bytes of 0-9, a-z and A-Z, unique to the run: the letters and digits of the run's client
/// id prefix, then a pattern with a capital, a small letter and a digit.
fn guaranteed_id(ctx: &Ctx) -> String {
    let own: String = ctx
        .client_id("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    own.chars()
        .chain("Az0By1Cx2Dw3Ev4Fu5Gt6Hs7".chars())
        .take(GUARANTEED_BYTES)
        .collect()
}

/// Whether the broker accepts a connection with client id `id` (the client then disconnects).
async fn connects_as(ctx: &mut Ctx, name: &str, id: String) -> Answer {
    let mut options = ctx.options(name);
    options.client_id = id;
    connects(ctx, name, options).await.map(|_| ())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
