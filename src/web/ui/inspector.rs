//! The packet inspector: the packet chosen on the diagram, field by field with its bytes; for a
//! delivered PUBLISH, the QoS it arrived with and why; and the state of the session it belongs
//! to (what it has in flight each way, its send quota).

use yew::prelude::*;

use super::language_switch::use_lang;
use super::packet_bytes::PacketBytes;
use crate::codec::{annotate, ProtocolVersion};
use crate::diagram::DeliveryMark;
use crate::hex::to_hex;
use crate::i18n::Text;
use crate::trace::{Direction, PacketFate, PacketRecord};
use crate::workbench_state::SessionView;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub record: PacketRecord,
    /// The client's name (its lane).
    pub client: String,
    pub version: ProtocolVersion,
    pub session: Option<SessionView>,
    /// A PUBLISH a subscriber of ours received: its QoS and why, as its arrow says.
    #[prop_or_default]
    pub delivery: Option<DeliveryMark>,
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
            { props.delivery.map(|delivery| html! {
                <div id="inspector-delivery" class="inspector-delivery">
                    <strong>{ delivery.text(lang) }</strong>
                    { for delivery.explanation(lang).lines().map(|line| html! { <p>{ line.to_owned() }</p> }) }
                </div>
            }).unwrap_or_default() }
            <p class="mono hex-line" id="inspector-raw">{ to_hex(&record.raw[..record.raw.len().min(64)]) }{ if record.raw.len() > 64 { " …" } else { "" } }</p>
            <PacketBytes id="inspector" row={8} bytes={record.raw.to_vec()} fields={annotated.fields} />
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
