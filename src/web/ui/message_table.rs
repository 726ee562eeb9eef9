//! The message table: every message our subscriber received, with its publish, granted,
//! delivered and expected QoS. Virtualised: only the rows in view are in the page, between two
//! spacers that keep the scroll height, so thousands of rows scroll smoothly.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::language_switch::use_lang;
use super::qos_matrix::flow_key;
use crate::codec::QoS;
use crate::diagram::{row_window, scroll_to_row};
use crate::i18n::{Lang, Text};
use crate::trace::{ClientTag, DeliveryRow, FlowId};

/// Row height in px; the stylesheet takes it from the `--row-height` set here.
const ROW_HEIGHT: u32 = 30;
/// Rows in view at once.
const VISIBLE_ROWS: u32 = 10;
/// Rows rendered beyond the view on each side.
const OVERSCAN: usize = 6;
const COLUMNS: [Text; 10] = [
    Text::ColumnTime,
    Text::ColumnFrom,
    Text::ColumnTo,
    Text::ColumnTopic,
    Text::ColumnPayload,
    Text::ColumnPublishQos,
    Text::ColumnGrantedQos,
    Text::ColumnDeliveredQos,
    Text::ColumnExpectedQos,
    Text::ColumnMark,
];

#[derive(Properties, PartialEq)]
pub struct MessageTableProps {
    pub rows: Rc<Vec<DeliveryRow>>,
    /// Client names by trace tag.
    pub clients: Vec<(ClientTag, String)>,
    /// The row to scroll to and highlight.
    pub selected: Option<FlowId>,
}

#[function_component(MessageTable)]
pub fn message_table(props: &MessageTableProps) -> Html {
    let lang = use_lang();
    let viewport_height = ROW_HEIGHT * VISIBLE_ROWS;
    let scroll_top = use_state(|| 0u32);
    let body = use_node_ref();
    {
        let body = body.clone();
        let rows = props.rows.clone();
        use_effect_with(props.selected, move |selected| {
            let index = selected.and_then(|flow| rows.iter().position(|row| row.flow == flow));
            if let (Some(index), Some(body)) = (index, body.cast::<Element>()) {
                let top = scroll_to_row(index, ROW_HEIGHT, viewport_height);
                body.set_scroll_top(i32::try_from(top).unwrap_or(i32::MAX));
            }
        });
    }
    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |event: Event| {
            if let Some(body) = event.target_dyn_into::<Element>() {
                scroll_top.set(u32::try_from(body.scroll_top()).unwrap_or(0));
            }
        })
    };
    let window = row_window(
        props.rows.len(),
        ROW_HEIGHT,
        *scroll_top,
        viewport_height,
        OVERSCAN,
    );
    let name = |tag: Option<ClientTag>| match tag {
        Some(tag) => props
            .clients
            .iter()
            .find(|(known, _)| *known == tag)
            .map_or_else(
                || lang.fill(Text::ClientNumbered, &[&tag]),
                |(_, name)| name.clone(),
            ),
        None => lang.text(Text::AnotherClient).to_owned(),
    };
    let style = format!("--row-height: {ROW_HEIGHT}px; --table-height: {viewport_height}px");
    html! {
        <>
        <div id="message-table" class="message-table" role="table" {style}
             aria-label={lang.text(Text::MessagesReceived)}
             aria-rowcount={(props.rows.len() + 1).to_string()}>
            <div class="message-table__head" role="rowgroup">
                <div class="message-table__row" role="row" aria-rowindex="1">
                    { for COLUMNS.iter().map(|column| html! { <span role="columnheader">{ lang.text(*column) }</span> }) }
                </div>
            </div>
            <div class="message-table__body" role="rowgroup" ref={body} {onscroll} tabindex="0"
                 aria-label={lang.text(Text::MessageRows)}>
                <div aria-hidden="true" style={format!("height: {}px", window.space_before)}></div>
                { for props.rows[window.first..window.end].iter().enumerate().map(|(offset, row)| {
                    let selected = props.selected == Some(row.flow);
                    html! {
                        <div key={flow_key(row.flow)} role="row" data-flow={flow_key(row.flow)}
                             aria-rowindex={(window.first + offset + 2).to_string()}
                             aria-current={selected.then_some("true")}
                             class={classes!("message-table__row", ((window.first + offset) % 2 == 1).then_some("message-table__row--odd"), selected.then_some("message-table__row--selected"),
                                             row.mismatch.then_some("message-table__row--bug"))}>
                            <span role="cell" class="mono">{ seconds(row.time) }</span>
                            <span role="cell">{ name(row.publisher) }</span>
                            <span role="cell">{ name(Some(row.subscriber)) }</span>
                            <span role="cell" class="mono" title={row.topic.clone()}>{ &row.topic }</span>
                            <span role="cell" class="mono" title={row.payload_preview.clone()}>{ &row.payload_preview }</span>
                            <span role="cell" class="qos">{ qos(row.publish_qos) }</span>
                            <span role="cell" class="qos">{ qos(row.granted_qos) }</span>
                            <span role="cell" class="qos">{ qos(Some(row.delivered_qos)) }</span>
                            <span role="cell" class="qos">{ qos(row.expected_qos) }</span>
                            <span role="cell">{ marks(row, lang) }</span>
                        </div>
                    }
                }) }
                <div aria-hidden="true" style={format!("height: {}px", window.space_after)}></div>
            </div>
        </div>
        if props.rows.is_empty() {
            <p class="message-table__empty muted">{ lang.text(Text::NoMessageYet) }</p>
        }
        </>
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

fn qos(qos: Option<QoS>) -> String {
    qos.map_or_else(|| "–".to_owned(), |qos| qos.as_u8().to_string())
}

/// A broker bug and a duplicate reaching the application, each a labelled badge.
fn marks(row: &DeliveryRow, lang: Lang) -> Html {
    let bug = row.mismatch.then(|| {
        let title = lang.fill(
            Text::BugMarkHint,
            &[&row.delivered_qos.as_u8(), &qos(row.expected_qos)],
        );
        html! { <span class="mark mark--bug" {title}>{ lang.text(Text::BrokerBug) }</span> }
    });
    let duplicate = row.duplicate.then(|| {
        let title = lang.text(if row.duplicate_breaks_exactly_once() {
            Text::DuplicateBreaksExactlyOnce
        } else {
            Text::DuplicateAllowed
        });
        let class = classes!(
            "mark",
            if row.duplicate_breaks_exactly_once() {
                "mark--bug"
            } else {
                "mark--duplicate"
            }
        );
        html! { <span {class} {title}>{ lang.text(Text::Duplicate) }</span> }
    });
    html! { <>{ bug }{ duplicate }</> }
}
