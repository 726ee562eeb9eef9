//! The publish bar: publish at each QoS from the publisher, arm the loss of the next
//! acknowledgement either way, reconnect either client, and why the last publish did not go out.

use yew::prelude::*;

use super::language_switch::use_lang;
use super::workbench_reducer::PanelAction;
use crate::codec::QoS;
use crate::i18n::Text;
use crate::web::workbench::{PUBLISHER, SUBSCRIBER};
use crate::workbench_state::{Action, Problem};

#[derive(Properties, PartialEq)]
pub struct PublishBarProps {
    pub lose_ack: bool,
    pub withhold_ack: bool,
    /// A trace from a file is shown: there is nothing live to publish on.
    pub replaying: bool,
    pub problem: Option<Problem>,
    pub dispatch: Callback<PanelAction>,
}

#[function_component(PublishBar)]
pub fn publish_bar(props: &PublishBarProps) -> Html {
    let lang = use_lang();
    let on = |action: PanelAction| props.dispatch.reform(move |_: MouseEvent| action.clone());
    let toggle = |action: Action| {
        props
            .dispatch
            .reform(move |_: Event| PanelAction::State(action.clone()))
    };
    let publish = |qos: QoS| {
        html! {
            <button id={format!("publish-qos{}", qos.as_u8())} onclick={on(PanelAction::Publish(qos))} disabled={props.replaying}>
                { lang.fill(Text::PublishQos, &[&qos.as_u8()]) }
            </button>
        }
    };
    html! {
        <>
        <div class="row">
            { for QoS::ALL.into_iter().map(publish) }
            <label class="check"><input id="lose-ack" type="checkbox" checked={props.lose_ack} onchange={toggle(Action::ToggleLoss)} />{ lang.text(Text::LoseNextAck) }</label>
            <button id="reconnect-publisher" class="secondary" onclick={on(PanelAction::Reconnect(PUBLISHER))} disabled={props.replaying}>{ lang.text(Text::ReconnectPublisher) }</button>
            <label class="check"><input id="withhold-ack" type="checkbox" checked={props.withhold_ack} onchange={toggle(Action::ToggleWithhold)} />{ lang.text(Text::WithholdAck) }</label>
            <button id="reconnect-subscriber" class="secondary" onclick={on(PanelAction::Reconnect(SUBSCRIBER))} disabled={props.replaying}>{ lang.text(Text::ReconnectSubscriber) }</button>
        </div>
        if let Some(problem) = &props.problem {
            <p class="error" role="alert" id="publish-problem">{ problem.text(lang) }</p>
        }
        </>
    }
}
