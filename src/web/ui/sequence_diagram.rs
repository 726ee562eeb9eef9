//! The sequence diagram: lifelines and one arrow per packet, drawn as SVG from a laid-out
//! [`Scene`]. Labels are text nodes, never HTML. Colours live in static/app.css.

use yew::prelude::*;

use super::language_switch::use_lang;
use crate::diagram::Scene;
use crate::i18n::Text;
use crate::trace::{FlowId, PacketFate};

const WIDTH: f32 = 960.0;
const MARGIN: f32 = 90.0;
const HEADER: f32 = 44.0;
const ROW: f32 = 30.0;

#[derive(Properties, PartialEq)]
pub struct SequenceDiagramProps {
    pub scene: Scene,
    /// The SVG's id (several diagrams can be on the page).
    #[prop_or(AttrValue::Static("sequence-diagram"))]
    pub id: AttrValue,
    /// The packet shown in the inspector.
    #[prop_or_default]
    pub selected: Option<u64>,
    /// Flows to light up (one message on both sides of the broker); the rest dims.
    #[prop_or_default]
    pub lit: Vec<FlowId>,
    /// A packet was clicked or chosen with the keyboard.
    #[prop_or_default]
    pub on_select: Callback<u64>,
    /// The pointer or focus entered a packet of a flow (`None`: left it).
    #[prop_or_default]
    pub on_hover: Callback<Option<FlowId>>,
}

#[function_component(SequenceDiagram)]
pub fn sequence_diagram(props: &SequenceDiagramProps) -> Html {
    let lang = use_lang();
    let scene = &props.scene;
    let lanes = scene.lanes.len().max(2);
    let x = |lane: usize| MARGIN + lane as f32 * (WIDTH - 2.0 * MARGIN) / (lanes - 1) as f32;
    let height = HEADER + (scene.height.max(1) as f32 + 0.8) * ROW;
    html! {
        <svg id={props.id.clone()} class="sequence" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
             aria-label={lang.text(Text::SequenceDiagram)}>
            <defs>
                <marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                </marker>
            </defs>
            { for scene.lanes.iter().enumerate().map(|(index, lane)| html! {
                <g class="lane">
                    <text class="lane-name" x={x(index).to_string()} y="22" text-anchor="middle">{ &lane.name }</text>
                    <line class="lifeline" x1={x(index).to_string()} y1="32" x2={x(index).to_string()} y2={height.to_string()} />
                </g>
            }) }
            { for scene.arrows.iter().map(|arrow| {
                let y = HEADER + (arrow.row as f32 + 0.7) * ROW;
                let (x1, x2) = (x(arrow.from), x(arrow.to));
                // A lost packet stops half-way with a cross; a held one waits at the sender.
                let end = match arrow.fate {
                    PacketFate::Dropped => (x1 + x2) / 2.0,
                    PacketFate::Held => x1 + (x2 - x1) * 0.15,
                    _ => x2,
                };
                let fate = match arrow.fate {
                    PacketFate::Delivered => "delivered",
                    PacketFate::Dropped => "dropped",
                    PacketFate::Held => "held",
                    PacketFate::InTransit => "in-transit",
                };
                let lit = arrow.flow.is_some_and(|flow| props.lit.contains(&flow));
                let class = classes!(
                    "arrow",
                    format!("arrow--{}", arrow.kind),
                    format!("arrow--{fate}"),
                    arrow.dup.then_some("arrow--dup"),
                    (props.selected == Some(arrow.id)).then_some("arrow--selected"),
                    lit.then_some("arrow--lit"),
                    (!props.lit.is_empty() && !lit).then_some("arrow--dim"),
                    arrow.colour.map(|colour| format!("message-colour-{colour}")),
                );
                let id = arrow.id;
                let flow = arrow.flow;
                let onclick = props.on_select.reform(move |_: MouseEvent| id);
                let on_select = props.on_select.clone();
                let onkeydown = Callback::from(move |event: KeyboardEvent| {
                    if event.key() == "Enter" || event.key() == " " {
                        event.prevent_default();
                        on_select.emit(id);
                    }
                });
                let onmouseenter = props.on_hover.reform(move |_: MouseEvent| flow);
                let onfocus = props.on_hover.reform(move |_: FocusEvent| flow);
                let onmouseleave = props.on_hover.reform(|_: MouseEvent| None);
                html! {
                    <g key={id} class={class} data-kind={arrow.kind.clone()} data-fate={fate} data-packet={id.to_string()}
                       tabindex="0" role="button" aria-label={format!("{} ({fate})", arrow.label)}
                       {onclick} {onkeydown} {onmouseenter} {onfocus} {onmouseleave}>
                        // A wide transparent stroke over the whole arrow and its label: easy to
                        // point at, even for a lost packet's half-length line.
                        <rect class="arrow-hit" x={x1.min(x2).to_string()} y={(y - 18.0).to_string()} width={(x2 - x1).abs().to_string()} height="24" />
                        <line x1={x1.to_string()} y1={y.to_string()} x2={end.to_string()} y2={y.to_string()}
                              marker-end={(arrow.fate != PacketFate::Dropped).then_some("url(#arrow-head)")} />
                        if arrow.fate == PacketFate::Dropped {
                            <text class="lost-mark" x={end.to_string()} y={(y + 5.0).to_string()} text-anchor="middle">{ "✕" }</text>
                        }
                        <text class="arrow-label" x={((x1 + x2) / 2.0).to_string()} y={(y - 6.0).to_string()} text-anchor="middle">{ &arrow.label }</text>
                    </g>
                }
            }) }
        </svg>
    }
}
