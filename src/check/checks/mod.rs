//! The checks, one file per area. Each is an `async fn(&mut Ctx) -> CheckRun`: `Err` carries an
//! outcome for a step the check needed that did not happen (the `?` operator ends the check).

pub mod client_id;
pub mod connection;
pub mod delivery;
pub mod flow_control;
pub mod limits;
pub mod load;
pub mod negative;
pub mod order;
pub mod packet_ids;
pub mod qos2;
pub mod reason_codes;
pub mod requests;
pub mod retained;
pub mod session;
pub mod subscription;
pub mod topics;
pub mod transport;
pub mod v5;
pub mod v5_sessions;
pub mod will;

use super::outcome::Outcome;
use crate::codec::{Publish, QoS};

/// A check's result, or the outcome of the step that stopped it.
pub type CheckRun = Result<Outcome, Outcome>;

/// PUBLISH packets as a reader checks them: `QoS 1 DUP 0 RETAIN 1 "payload"`.
pub fn describe(publishes: &[&Publish]) -> String {
    if publishes.is_empty() {
        return "no PUBLISH".into();
    }
    let each: Vec<String> = publishes
        .iter()
        .map(|publish| {
            format!(
                "QoS {} DUP {} RETAIN {} \"{}\"",
                publish.qos().as_u8(),
                u8::from(publish.dup),
                u8::from(publish.retain),
                preview(&publish.payload)
            )
        })
        .collect();
    format!("{} PUBLISH: {}", publishes.len(), each.join(", "))
}

/// A payload as short text for a report line.
pub fn preview(payload: &[u8]) -> String {
    let text = String::from_utf8_lossy(payload);
    if text.chars().count() > 24 {
        format!(
            "{}… ({} bytes)",
            text.chars().take(24).collect::<String>(),
            payload.len()
        )
    } else {
        text.into_owned()
    }
}

/// Every QoS, for the pair checks.
pub const ALL_QOS: [QoS; 3] = [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce];
