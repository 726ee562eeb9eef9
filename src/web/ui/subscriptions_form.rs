//! A client card's subscriptions: each filter with what the broker granted (or why it refused),
//! a button to unsubscribe it, and a form to subscribe with the 5.0 subscription options.

use yew::prelude::*;

use super::form_input::{checked, chosen, qos_of, qos_options, text};
use super::language_switch::use_lang;
use super::workbench_reducer::{ClientCommand, PanelAction};
use crate::codec::{QoS, RetainHandling, Subscription, SubscriptionOptions};
use crate::i18n::{Lang, Text};
use crate::session::SubscriptionRecord;

#[derive(Properties, PartialEq)]
pub struct SubscriptionsFormProps {
    pub client: usize,
    /// The client connects with 5.0 (the subscription options are offered).
    pub v5: bool,
    pub subscriptions: Vec<SubscriptionRecord>,
    pub dispatch: Callback<PanelAction>,
}

fn outcome_text(record: &SubscriptionRecord, lang: Lang) -> String {
    match record.outcome {
        None => lang.text(Text::WaitingForSuback).to_owned(),
        Some(Ok(granted)) => lang.fill(Text::Granted, &[&granted.as_u8()]),
        Some(Err(code)) => lang.fill(Text::RefusedWith, &[&code]),
    }
}

#[function_component(SubscriptionsForm)]
pub fn subscriptions_form(props: &SubscriptionsFormProps) -> Html {
    let lang = use_lang();
    let filter = use_state(|| "demo/#".to_owned());
    let sub_qos = use_state(|| QoS::ExactlyOnce);
    let no_local = use_state(|| false);
    let keep_retain = use_state(|| false);
    let retain_handling = use_state(|| RetainHandling::SendAtSubscribe);
    let (client, v5) = (props.client, props.v5);
    let id = |field: &str| format!("client-{client}-{field}");
    let command = move |command: ClientCommand| PanelAction::Client { client, command };
    let subscribe = {
        let (filter, sub_qos, no_local, keep_retain, retain_handling) = (
            filter.clone(),
            sub_qos.clone(),
            no_local.clone(),
            keep_retain.clone(),
            retain_handling.clone(),
        );
        props.dispatch.reform(move |event: SubmitEvent| {
            event.prevent_default();
            command(ClientCommand::Subscribe(Subscription {
                filter: (*filter).clone(),
                options: SubscriptionOptions {
                    qos: *sub_qos,
                    no_local: v5 && *no_local,
                    retain_as_published: v5 && *keep_retain,
                    retain_handling: if v5 {
                        *retain_handling
                    } else {
                        RetainHandling::SendAtSubscribe
                    },
                },
            }))
        })
    };
    let unsubscribe = |filter: String| {
        props
            .dispatch
            .reform(move |_: MouseEvent| command(ClientCommand::Unsubscribe(filter.clone())))
    };
    html! {
        <fieldset>
            <legend>{ lang.text(Text::Subscriptions) }</legend>
            <ul class="subscriptions" id={id("subscriptions")}>
                { for props.subscriptions.iter().map(|record| html! {
                    <li>
                        <span class="mono">{ &record.filter }</span>
                        <span class="muted">{ lang.fill(Text::AskedQos, &[&record.options.qos.as_u8(), &outcome_text(record, lang)]) }</span>
                        <button type="button" class="link" onclick={unsubscribe(record.filter.clone())}>{ lang.text(Text::Unsubscribe) }</button>
                    </li>
                }) }
            </ul>
            <form class="row" onsubmit={subscribe}>
                <label for={id("filter")} class="visually-hidden">{ lang.text(Text::TopicFilter) }</label>
                <input id={id("filter")} class="mono" type="text" value={(*filter).clone()} oninput={{ let filter = filter.clone(); Callback::from(move |event: InputEvent| filter.set(text(&event))) }} />
                <label for={id("sub-qos")} class="visually-hidden">{ lang.text(Text::RequestedQos) }</label>
                <select id={id("sub-qos")} onchange={{ let sub_qos = sub_qos.clone(); Callback::from(move |event: Event| sub_qos.set(qos_of(&chosen(&event)))) }}>
                    { qos_options(*sub_qos) }
                </select>
                if v5 {
                    <label><input type="checkbox" checked={*no_local} onchange={{ let no_local = no_local.clone(); Callback::from(move |event: Event| no_local.set(checked(&event))) }} />{ lang.text(Text::NoLocal) }</label>
                    <label><input type="checkbox" checked={*keep_retain} onchange={{ let keep_retain = keep_retain.clone(); Callback::from(move |event: Event| keep_retain.set(checked(&event))) }} />{ lang.text(Text::RetainAsPublished) }</label>
                    <select aria-label={lang.text(Text::RetainHandling)} onchange={{ let retain_handling = retain_handling.clone(); Callback::from(move |event: Event| retain_handling.set(match chosen(&event).as_str() {
                        "1" => RetainHandling::SendIfNew, "2" => RetainHandling::DoNotSend, _ => RetainHandling::SendAtSubscribe })) }}>
                        <option value="0" selected={*retain_handling == RetainHandling::SendAtSubscribe}>{ lang.text(Text::RetainedAtSubscribe) }</option>
                        <option value="1" selected={*retain_handling == RetainHandling::SendIfNew}>{ lang.text(Text::RetainedIfNew) }</option>
                        <option value="2" selected={*retain_handling == RetainHandling::DoNotSend}>{ lang.text(Text::RetainedNever) }</option>
                    </select>
                }
                <button type="submit" id={id("subscribe")}>{ lang.text(Text::Subscribe) }</button>
            </form>
        </fieldset>
    }
}
