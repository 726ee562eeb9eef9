//! The packet inspector: the packet chosen on the diagram, field by field with its bytes, and
//! the state of the session it belongs to (what it has in flight each way, its send quota).

use yew::prelude::*;

use super::language_switch::use_lang;
use super::packet_bytes::PacketBytes;
use crate::codec::{annotate, Packet, ProtocolVersion};
use crate::hex::to_hex;
use crate::i18n::Text;
use crate::session::{AckStage, Session};
use crate::trace::{Direction, PacketFate, PacketRecord};

/// What the inspector shows of a session, read when the packet is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    pub connected: bool,
    /// Session Present from the latest CONNACK, if one came.
    pub session_present: Option<bool>,
    /// Outgoing QoS 1/2 messages: packet id and what they wait for.
    pub in_flight_out: Vec<(u16, Text)>,
    /// QoS 2 packet ids received and not yet released.
    pub held_in: Vec<u16>,
    pub send_quota: u16,
}

impl SessionView {
    /// Reads `session`; `connack` is the client's latest CONNACK in the trace.
    pub fn read(session: &Session, connack: Option<&Packet>) -> SessionView {
        SessionView {
            connected: session.is_connected(),
            session_present: match connack {
                Some(Packet::ConnAck(connack)) => Some(connack.session_present),
                _ => None,
            },
            in_flight_out: session
                .outgoing_entries()
                .into_iter()
                .map(|(pid, entry)| {
                    let waits = match entry.stage {
                        AckStage::AwaitPubAck => Text::AwaitsPuback,
                        AckStage::AwaitPubRec => Text::AwaitsPubrec,
                        AckStage::AwaitPubComp => Text::AwaitsPubcomp,
                    };
                    (pid.get(), waits)
                })
                .collect(),
            held_in: session
                .incoming_held()
                .into_iter()
                .map(|pid| pid.get())
                .collect(),
            send_quota: session.send_quota(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub record: PacketRecord,
    /// The client's name (its lane).
    pub client: String,
    pub version: ProtocolVersion,
    pub session: Option<SessionView>,
    pub on_close: Callback<()>,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let lang = use_lang();
    let record = &props.record;
    let annotated = annotate(&record.raw, props.version);
    let label = match &record.packet {
        Ok(packet) => packet.to_string(),
        Err(error) => lang.fill(Text::MalformedLower, &[error]),
    };
    let broker = lang.text(Text::Broker);
    let (from, to) = match record.direction {
        Direction::Outgoing => (props.client.as_str(), broker),
        Direction::Incoming => (broker, props.client.as_str()),
    };
    let fate = lang.text(match record.fate {
        PacketFate::Delivered => Text::FateDelivered,
        PacketFate::Dropped => Text::FateLost,
        PacketFate::Held => Text::FateHeld,
        PacketFate::InTransit => Text::FateInTransit,
    });
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <aside id="inspector" class="inspector" aria-labelledby="inspector-title">
            <div class="row">
                <h3 id="inspector-title" class="mono">{ label }</h3>
                <button type="button" class="secondary" id="inspector-close" onclick={on_close}>{ lang.text(Text::Close) }</button>
            </div>
            <p class="muted">
                { lang.fill(Text::PacketFacts, &[&from, &to, &record.time, &fate, &record.raw.len(), &record.connection]) }
            </p>
            <p class="mono hex-line" id="inspector-hex">{ to_hex(&record.raw[..record.raw.len().min(64)]) }{ if record.raw.len() > 64 { " …" } else { "" } }</p>
            <PacketBytes id="inspector" bytes={record.raw.to_vec()} fields={annotated.fields} />
            { props.session.as_ref().map(|session| html! {
                <dl class="session-state" id="inspector-session">
                    <dt>{ lang.text(Text::SessionOf) }</dt><dd>{ &props.client }{ lang.text(if session.connected { Text::ConnectedParenthesized } else { Text::OfflineParenthesized }) }</dd>
                    <dt>{ lang.text(Text::SessionPresent) }</dt><dd>{ session.session_present.map_or(lang.text(Text::NoConnackYet), |present| if present { "1" } else { "0" }) }</dd>
                    <dt>{ lang.text(Text::InFlightOut) }</dt>
                    <dd>{ if session.in_flight_out.is_empty() { lang.text(Text::NoneYet).to_owned() } else {
                        session.in_flight_out.iter().map(|(pid, waits)| format!("id {pid} {}", lang.text(*waits))).collect::<Vec<_>>().join(", ")
                    } }</dd>
                    <dt>{ lang.text(Text::QosTwoHeldIn) }</dt>
                    <dd>{ if session.held_in.is_empty() { lang.text(Text::NoneYet).to_owned() } else {
                        session.held_in.iter().map(|pid| format!("id {pid}")).collect::<Vec<_>>().join(", ")
                    } }</dd>
                    <dt>{ lang.text(Text::SendQuota) }</dt><dd>{ session.send_quota.to_string() }</dd>
                </dl>
            }).unwrap_or_default() }
        </aside>
    }
}
