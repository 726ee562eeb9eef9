//! Effective QoS: the QoS matrix and the message table under the diagram, and "Run all nine",
//! which subscribes at each QoS and publishes at each QoS so the matrix fills against the current
//! broker, simulated or real.

use std::rc::Rc;

use yew::prelude::*;

use super::message_table::MessageTable;
use super::qos_matrix::QosMatrixTable;
use crate::all_nine::{AllNinePlan, AllNineRun};
use crate::trace::{DeliveryRow, FlowId, QosMatrix};
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
    pub clients: Vec<(u32, String)>,
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
                        Some(error) => RunStatus::Failed(format!(
                            "{} of the nine publishes were refused: {error}",
                            refused.len()
                        )),
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
                    "the subscriber has not connected yet".into(),
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
        RunStatus::Subscribing(number) => format!(
            "Run {number}: subscribing at QoS 0, 1 and 2 to {TOPIC_PREFIX}/sub0, sub1 and sub2…"
        ),
        RunStatus::Published(number) => format!("Run {number}: nine messages published."),
        RunStatus::Failed(error) => error.clone(),
    };
    html! {
        <section class="effective-qos" aria-labelledby="effective-qos-title">
            <div class="effective-qos__head">
                <h3 id="effective-qos-title">{ "Effective QoS" }</h3>
                <button id="run-all-nine" type="button" onclick={run_all_nine}>{ "Run all nine" }</button>
                <span class="effective-qos__status muted" role="status">{ status_text }</span>
            </div>
            <div class="effective-qos__grid">
                <QosMatrixTable matrix={matrix.clone()} selected={*selected} {on_select_flow} />
                <div class="effective-qos__explain">
                    <p>{ "A message reaches a subscriber at the lower of its publish QoS and the QoS the broker granted the subscription (and never above the server's Maximum QoS). Each cell shows the QoS messages actually arrived with; choose one to find an example in the table." }</p>
                    <p class="effective-qos__summary">
                        <strong>{ format!("{} of 9", matrix.filled()) }</strong>{ " pairs observed · " }
                        <strong id="received-count" data-count={received.to_string()}>{ received }</strong>{ " messages" }
                        if props.earlier_messages > 0 {
                            { format!(" (the newest {} in the table)", props.rows.len()) }
                        }
                        { " · " }
                        <strong class={classes!((bugs > 0).then_some("effective-qos__bad"))}>{ bugs }</strong>{ " broker bugs · " }
                        <strong>{ duplicates }</strong>{ " duplicates" }
                    </p>
                </div>
            </div>
            <MessageTable rows={props.rows.clone()} clients={props.clients.clone()} selected={*selected} />
        </section>
    }
}
