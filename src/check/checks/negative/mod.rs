//! Negative tests: one packet that breaks one rule, on a connection of its own, and what the
//! broker does with it. The spec asks a broker to close the connection on a malformed packet or
//! a protocol error ([v3 MQTT-4.8.0-1], [v5 MQTT-4.13.1-1]), in 5.0 after a DISCONNECT or a
//! CONNACK naming the reason where it sends one; where it allows a reason code instead (a SUBACK
//! refusing a filter), both pass. A broker that takes the packet fails; one that closes with a
//! code the spec does not name for it warns. After each, a fresh client must still connect and
//! publish: a broker the packet brought down fails, and says so.

pub mod connect;
pub mod framing;
pub mod subscribe;
pub mod v5;

use crate::check::context::{Ctx, Mark, ANSWER_MS};
use crate::check::outcome::{Outcome, Verdict};
use crate::clients::ClientIndex;
use crate::codec::wire::Sink;
use crate::codec::{Connect, Packet, ProtocolVersion, ReasonCode};
use crate::session::LostCause;
use crate::trace::Direction;

/// How long a broker has to close a connection on a packet that breaks a rule. Brokers close at
/// once; the wait only costs time on a broker that takes the packet.
pub const CLOSE_WITHIN_MS: u64 = 2_000;

/// Three bytes in a string that a test replaces with the bytes that break it, so that every
/// length the encoder wrote stays right.
pub const MARKER: &[u8; 3] = b"QQQ";

/// What the broker did with the packet.
#[derive(Debug, Clone, PartialEq)]
pub enum Reaction {
    /// It closed the connection, after sending this code (a CONNACK or DISCONNECT), if any.
    Closed(Option<ReasonCode>),
    /// It took the packet: the connection stayed open. Says what it answered.
    Took(String),
    /// It answered with something our client could not take, and our client closed.
    Answered(String),
}

/// What the spec asks of the broker for one bad packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// In words, for the report.
    pub text: String,
    /// The codes the spec names; a close after another code warns.
    pub codes: Vec<ReasonCode>,
    /// Whether a close without one of `codes` falls short (3.1.1's CONNACK 0x01 and 0x02).
    pub code_required: bool,
    /// The version the codes are named in (3.1.1's CONNACK return codes are not 5.0's).
    pub version: ProtocolVersion,
    /// The verdict for a broker that takes the packet: fail, unless the rule binds only the
    /// client and the spec asks nothing of the server that receives it (then warn).
    pub if_taken: Verdict,
}

impl Expected {
    /// A close; in 5.0 a DISCONNECT (or CONNACK) with one of `v5_codes` may come first.
    pub fn close(ctx: &Ctx, v5_codes: &[ReasonCode]) -> Expected {
        if !ctx.is_v5() {
            return Expected {
                text: "the broker closes the connection".into(),
                codes: Vec::new(),
                code_required: false,
                version: ProtocolVersion::V311,
                if_taken: Verdict::Fail,
            };
        }
        Expected {
            text: format!(
                "the broker closes the connection, after {} or without a packet",
                names(ProtocolVersion::V5, v5_codes)
            ),
            codes: v5_codes.to_vec(),
            code_required: false,
            version: ProtocolVersion::V5,
            if_taken: Verdict::Fail,
        }
    }

    /// A close for a malformed packet or a protocol error (5.0: 0x81 or 0x82 first, if any).
    pub fn malformed(ctx: &Ctx) -> Expected {
        Expected::close(
            ctx,
            &[ReasonCode::MalformedPacket, ReasonCode::ProtocolError],
        )
    }
}

/// "0x81 Malformed Packet or 0x82 Protocol Error"; in 3.1.1 CONNACK return codes, "CONNACK 0x01
/// (unacceptable protocol version)".
fn names(version: ProtocolVersion, codes: &[ReasonCode]) -> String {
    let names: Vec<String> = codes.iter().map(|code| name(version, *code)).collect();
    names.join(" or ")
}

fn name(version: ProtocolVersion, code: ReasonCode) -> String {
    match (version, code.to_v3_connack()) {
        (ProtocolVersion::V311, Some(v3)) => {
            format!("CONNACK 0x{v3:02X} ({})", code.v3_connack_name())
        }
        _ => code.to_string(),
    }
}

/// Waits for the broker to close the client's connection after `mark` (at most
/// [`CLOSE_WITHIN_MS`]) and says what it did.
pub async fn reaction(ctx: &mut Ctx, client: ClientIndex, mark: Mark) -> Reaction {
    ctx.wait_for(CLOSE_WITHIN_MS, |ctx| {
        ctx.lost_since(client, mark).is_some()
    })
    .await;
    let answers: Vec<String> = ctx
        .records_since(client, mark, Direction::Incoming)
        .map(|record| match &record.packet {
            Ok(packet) => packet.to_string(),
            Err(error) => format!("undecodable bytes ({error})"),
        })
        .collect();
    let answered = if answers.is_empty() {
        "answered nothing".to_owned()
    } else {
        format!("answered {}", answers.join(", "))
    };
    match ctx.lost_since(client, mark).cloned() {
        Some(LostCause::Refused { reason, .. } | LostCause::ServerDisconnect { reason, .. }) => {
            Reaction::Closed(Some(reason))
        }
        Some(LostCause::UnsupportedVersion(_)) => {
            Reaction::Closed(Some(ReasonCode::UnsupportedProtocolVersion))
        }
        Some(LostCause::TransportClosed(_) | LostCause::ClosedBeforeConnAck { .. }) => {
            Reaction::Closed(None)
        }
        Some(LostCause::ProtocolViolation(why)) => {
            Reaction::Answered(format!("{answered}, which our client refused: {why}"))
        }
        Some(
            LostCause::ConnAckTimeout(_)
            | LostCause::KeepAliveTimeout(_)
            | LostCause::ClientDisconnect,
        )
        | None => Reaction::Took(format!(
            "{answered} and kept the connection open for {CLOSE_WITHIN_MS} ms: it took the packet"
        )),
    }
}

/// The verdict on a reaction.
pub fn judge(reaction: Reaction, expected: &Expected) -> Outcome {
    let text = expected.text.clone();
    match reaction {
        Reaction::Closed(None) if expected.code_required => Outcome::new(
            Verdict::Fail,
            text,
            format!(
                "closed the connection without the {} the spec requires",
                names(expected.version, &expected.codes)
            ),
        ),
        Reaction::Closed(None) => Outcome::new(Verdict::Pass, text, "closed the connection"),
        Reaction::Closed(Some(code))
            if expected.codes.is_empty() || expected.codes.contains(&code) =>
        {
            Outcome::new(
                Verdict::Pass,
                text,
                format!(
                    "{}, then closed the connection",
                    name(expected.version, code)
                ),
            )
        }
        Reaction::Closed(Some(code)) => Outcome::new(
            Verdict::Warn,
            text,
            format!(
                "closed the connection, as required, but after {} where the spec names {}",
                name(expected.version, code),
                names(expected.version, &expected.codes)
            ),
        ),
        Reaction::Took(seen) => Outcome::new(expected.if_taken, text, seen),
        Reaction::Answered(seen) => Outcome::new(Verdict::Fail, text, seen),
    }
}

/// Opens a client, sends it `bytes` and judges what the broker does against `expected`.
pub async fn expect_close(ctx: &mut Ctx, bytes: &[u8], expected: Expected) -> Outcome {
    let client = match ctx.open_clean("sender").await {
        Ok(client) => client,
        Err(outcome) => return outcome,
    };
    let mark = ctx.mark();
    ctx.inject_bytes(client, bytes);
    judge(reaction(ctx, client, mark).await, &expected)
}

/// Opens a connection whose first packet is what `first` makes of the session's own CONNECT,
/// and judges what the broker does against `expected`.
pub async fn expect_close_first(
    ctx: &mut Ctx,
    first: impl FnOnce(&Connect) -> Vec<u8>,
    expected: Expected,
) -> Outcome {
    let mark = ctx.mark();
    match ctx.open_with_first_packet("sender", first).await {
        Ok(client) => judge(reaction(ctx, client, mark).await, &expected),
        Err(outcome) => outcome,
    }
}

/// After a negative test: a fresh client must still connect and publish. A broker that cannot
/// fails the test, whatever it did with the bad packet, with the reason: it may have gone down.
pub async fn still_up(ctx: &mut Ctx, outcome: Outcome) -> Outcome {
    if outcome.verdict == Verdict::Skipped {
        return outcome;
    }
    let probe = async {
        let client = ctx.open_clean("after").await?;
        let qos = ctx
            .declared()
            .maximum_qos
            .unwrap_or(crate::codec::QoS::AtLeastOnce)
            .min(crate::codec::QoS::AtLeastOnce);
        let flow = ctx.publish_to(client, "after", "still up", qos, false)?;
        // Any answer will do, a refusal too (a broker may refuse a publish nobody subscribes
        // to): only a broker that says nothing is down.
        if ctx.answered(client, flow).await {
            Ok(())
        } else {
            Err(Outcome::broken(format!(
                "no answer to a publish within {ANSWER_MS} ms"
            )))
        }
    };
    match probe.await {
        Ok(()) => outcome,
        Err(broken) => Outcome::new(
            Verdict::Fail,
            outcome.expected,
            format!(
                "{}; then a fresh client could not connect and publish ({}): the broker may have gone down",
                outcome.seen, broken.seen
            ),
        ),
    }
}

/// A packet from its first byte and body, with the Remaining Length between them.
pub fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    out.put_var_int(body.len() as u32);
    out.extend_from_slice(body);
    out
}

/// A UTF-8 string field as raw bytes: two-byte length, then the bytes as they are.
pub fn string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.put_u16(bytes.len() as u16);
    out.extend_from_slice(bytes);
    out
}

/// `packet` encoded, with the first [`MARKER`] in it replaced by `with` (three bytes, so that
/// every length stays right).
pub fn marked(ctx: &Ctx, packet: &Packet, with: &[u8; 3]) -> Vec<u8> {
    let mut bytes = packet.to_bytes(ctx.version()).unwrap_or_default();
    if let Some(at) = bytes.windows(3).position(|window| window == MARKER) {
        bytes[at..at + 3].copy_from_slice(with);
    }
    bytes
}

/// The length of a packet's fixed header (first byte and Remaining Length).
pub fn header_len(bytes: &[u8]) -> usize {
    1 + bytes[1..]
        .iter()
        .position(|byte| byte & 0x80 == 0)
        .map_or(4, |index| index + 1)
}
