//! The 3 × 3 table of publish QoS against granted subscription QoS, as observed: each cell shows
//! the QoS messages arrived with and how many, marks a broker bug, and selects an example flow.

use yew::prelude::*;

use super::language_switch::use_lang;
use crate::codec::QoS;
use crate::i18n::{Lang, Text};
use crate::trace::{FlowId, MatrixCell, Observed, QosMatrix};

#[derive(Properties, PartialEq)]
pub struct QosMatrixTableProps {
    pub matrix: QosMatrix,
    /// The flow selected elsewhere (the cell showing it is marked).
    pub selected: Option<FlowId>,
    /// A cell was chosen: its example flow.
    pub on_select_flow: Callback<FlowId>,
}

/// The id of a flow as the page's data attributes write it.
pub fn flow_key(flow: FlowId) -> String {
    format!("{}-{}", flow.client, flow.index)
}

#[function_component(QosMatrixTable)]
pub fn qos_matrix_table(props: &QosMatrixTableProps) -> Html {
    let lang = use_lang();
    html! {
        <table id="qos-matrix" class="qos-matrix">
            <caption>{ lang.text(Text::MatrixCaption) }</caption>
            <thead>
                <tr>
                    <td class="qos-matrix__corner"></td>
                    <th scope="colgroup" colspan="3">{ lang.text(Text::SubscriptionGrantedQos) }</th>
                </tr>
                <tr>
                    <th scope="col" class="qos-matrix__axis">{ lang.text(Text::ColumnPublishQos) }</th>
                    { for QoS::ALL.into_iter().map(|granted| html! { <th scope="col">{ granted.as_u8() }</th> }) }
                </tr>
            </thead>
            <tbody>
                { for QoS::ALL.into_iter().map(|publish| html! {
                    <tr>
                        <th scope="row">{ publish.as_u8() }</th>
                        { for QoS::ALL.into_iter().map(|granted| matrix_cell(props, publish, granted, lang)) }
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn matrix_cell(props: &QosMatrixTableProps, publish: QoS, granted: QoS, lang: Lang) -> Html {
    let cell = props.matrix.cell(publish, granted);
    let expected = publish.min(granted);
    let state = if cell.mismatches > 0 {
        "bug"
    } else {
        match cell.observed() {
            Observed::Nothing => "empty",
            Observed::Delivered(_) => "ok",
            Observed::Conflicting => "conflict",
        }
    };
    let label = lang.fill(
        Text::CellLabel,
        &[
            &publish.as_u8(),
            &granted.as_u8(),
            &describe(cell, expected, lang),
        ],
    );
    let selected = cell.example.is_some() && cell.example == props.selected;
    let onclick = cell.example.map(|flow| {
        let on_select_flow = props.on_select_flow.clone();
        Callback::from(move |_: MouseEvent| on_select_flow.emit(flow))
    });
    html! {
        <td data-publish={publish.as_u8().to_string()} data-granted={granted.as_u8().to_string()}
            data-state={state} data-example={cell.example.map(flow_key)}
            class={classes!("qos-matrix__cell", format!("qos-matrix__cell--{state}"), selected.then_some("qos-matrix__cell--selected"))}>
            <button type="button" title={label} disabled={onclick.is_none()}
                    aria-pressed={selected.to_string()} {onclick}>
                <span class="qos-matrix__delivered">{ delivered_text(cell) }</span>
                <span class="qos-matrix__count">{ count_text(cell, expected, lang) }</span>
            </button>
        </td>
    }
}

/// "1", "1 / 2" when observations disagree, "–" when nothing was seen.
fn delivered_text(cell: &MatrixCell) -> String {
    let levels: Vec<String> = cell
        .delivered_levels()
        .map(|qos| qos.as_u8().to_string())
        .collect();
    if levels.is_empty() {
        "–".to_owned()
    } else {
        levels.join(" / ")
    }
}

fn count_text(cell: &MatrixCell, expected: QoS, lang: Lang) -> String {
    match cell.count() {
        0 => lang.fill(Text::CellExpect, &[&expected.as_u8()]),
        count if cell.mismatches > 0 => lang.fill(Text::CellMismatch, &[&expected.as_u8(), &count]),
        1 => lang.text(Text::OneMessage).to_owned(),
        count => lang.fill(Text::ManyMessages, &[&count]),
    }
}

fn describe(cell: &MatrixCell, expected: QoS, lang: Lang) -> String {
    let count = cell.count();
    match cell.observed() {
        Observed::Nothing => lang.fill(Text::CellNothing, &[&expected.as_u8()]),
        _ if cell.mismatches > 0 => lang.fill(
            Text::CellBug,
            &[&cell.mismatches, &count, &expected.as_u8()],
        ),
        Observed::Delivered(qos) => lang.fill(
            if count == 1 {
                Text::CellDeliveredOne
            } else {
                Text::CellDeliveredMany
            },
            &[&qos.as_u8(), &count],
        ),
        Observed::Conflicting => lang.fill(Text::CellConflicting, &[&delivered_text(cell), &count]),
    }
}
