//! Effective QoS: the QoS matrix and the message table under the diagram, and "Run all nine",
//! which subscribes at each QoS and publishes at each QoS so the matrix fills against the current
//! broker, simulated or real.

use std::rc::Rc;

use yew::prelude::*;

use super::language_switch::use_lang;
use super::message_table::MessageTable;
use super::qos_matrix::QosMatrixTable;
use crate::all_nine::{AllNinePlan, AllNineRun};
use crate::i18n::Text;
use crate::trace::{ClientTag, DeliveryRow, FlowId, QosMatrix};
use crate::web::workbench::Workbench;

/// Topics of the runs; no other subscription in the page matches them.
const TOPIC_PREFIX: &str = "qos-matrix";

#[derive(Properties, PartialEq)]
pub struct EffectiveQosProps {
    pub workbench: Rc<Workbench>,
    pub rows: Rc<Vec<DeliveryRow>>,
    /// Messages received before the oldest row, whose flows the bounded trace no longer keeps:
    /// counted in the summary, not listed.
    #[prop_or_default]
    pub earlier_messages: u64,
    /// Client names by trace tag.
    pub clients: Vec<(ClientTag, String)>,
    pub publisher: usize,
    pub subscriber: usize,
    /// A flow was chosen in the matrix (for other views to highlight).
    #[prop_or_default]
    pub on_select_flow: Callback<FlowId>,
}

/// Where the latest run is.
#[derive(Clone, PartialEq)]
enum RunStatus {
    Idle,
    Subscribing(u32),
    Published(u32),
    Failed(String),
}

#[function_component(EffectiveQos)]
pub fn effective_qos(props: &EffectiveQosProps) -> Html {
    let lang = use_lang();
    let run = use_mut_ref(|| None::<AllNineRun>);
    let status = use_state(|| RunStatus::Idle);
    let selected = use_state(|| None::<FlowId>);

    {
        // The run publishes once SUBACK is back; every redraw follows a change in the world.
        let run = run.clone();
        let workbench = props.workbench.clone();
        let status = status.clone();
        let (publisher, subscriber) = (props.publisher, props.subscriber);
        use_effect(move || {
            let ready = run.borrow().as_ref().is_some_and(|run| {
                workbench
                    .read(subscriber, |session| run.is_ready_to_publish(session))
                    .unwrap_or(false)
            });
            let taken = if ready { run.borrow_mut().take() } else { None };
            if let Some(mut taken) = taken {
                let refused = workbench
                    .command(publisher, |session, now| taken.publish(session, now))
                    .unwrap_or_default();
                if let RunStatus::Subscribing(number) = *status {
                    status.set(match refused.first() {
                        None => RunStatus::Published(number),
                        Some(error) => RunStatus::Failed(
                            lang.fill(Text::PublishesRefused, &[&refused.len(), error]),
                        ),
                    });
                }
                *run.borrow_mut() = Some(taken);
            }
        });
    }

    let run_all_nine = {
        let run = run.clone();
        let status = status.clone();
        let workbench = props.workbench.clone();
        let subscriber = props.subscriber;
        Callback::from(move |_: MouseEvent| {
            let number = match *status {
                RunStatus::Subscribing(number) | RunStatus::Published(number) => number + 1,
                RunStatus::Idle | RunStatus::Failed(_) => 1,
            };
            let plan = AllNinePlan::new(TOPIC_PREFIX, number);
            match workbench.command(subscriber, |session, now| {
                AllNineRun::start(plan, session, now)
            }) {
                Some(Ok(started)) => {
                    *run.borrow_mut() = Some(started);
                    status.set(RunStatus::Subscribing(number));
                }
                Some(Err(error)) => status.set(RunStatus::Failed(error.to_string())),
                None => status.set(RunStatus::Failed(
                    lang.text(Text::SubscriberNotConnected).into(),
                )),
            }
        })
    };
    let on_select_flow = {
        let selected = selected.clone();
        let forward = props.on_select_flow.clone();
        Callback::from(move |flow: FlowId| {
            selected.set(Some(flow));
            forward.emit(flow);
        })
    };

    let matrix = QosMatrix::from_rows(props.rows.iter());
    let bugs = props.rows.iter().filter(|row| row.mismatch).count();
    let duplicates = props.rows.iter().filter(|row| row.duplicate).count();
    let received = props.rows.len() as u64 + props.earlier_messages;
    let status_text = match &*status {
        RunStatus::Idle => String::new(),
        RunStatus::Subscribing(number) => lang.fill(Text::SubscribingRun, &[number, &TOPIC_PREFIX]),
        RunStatus::Published(number) => lang.fill(Text::PublishedRun, &[number]),
        RunStatus::Failed(error) => error.clone(),
    };
    html! {
        <section class="effective-qos" aria-labelledby="effective-qos-title">
            <div class="effective-qos__head">
                <h3 id="effective-qos-title">{ lang.text(Text::EffectiveQos) }</h3>
                <button id="run-all-nine" type="button" onclick={run_all_nine}>{ lang.text(Text::RunAllNine) }</button>
                <span class="effective-qos__status muted" role="status">{ status_text }</span>
            </div>
            <div class="effective-qos__grid">
                <QosMatrixTable matrix={matrix.clone()} selected={*selected} {on_select_flow} />
                <div class="effective-qos__explain">
                    <p>{ lang.text(Text::EffectiveQosExplained) }</p>
                    <p class="effective-qos__summary">
                        <strong>{ lang.fill(Text::OfNine, &[&matrix.filled()]) }</strong>{ lang.text(Text::PairsObserved) }
                        <strong id="received-count" data-count={received.to_string()}>{ received }</strong>
                        if props.earlier_messages > 0 {
                            { lang.fill(Text::NewestInTable, &[&props.rows.len()]) }
                        }
                        { lang.text(Text::MessagesCount) }
                        <strong class={classes!((bugs > 0).then_some("effective-qos__bad"))}>{ bugs }</strong>{ lang.text(Text::BrokerBugsCount) }
                        <strong>{ duplicates }</strong>{ lang.text(Text::DuplicatesCount) }
                    </p>
                </div>
            </div>
            <MessageTable rows={props.rows.clone()} clients={props.clients.clone()} selected={*selected} />
        </section>
    }
}
