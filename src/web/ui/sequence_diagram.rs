//! The sequence diagram: lifelines and one arrow per packet, drawn as SVG from a laid-out
//! [`Scene`], where the core placed and fitted every text. Labels are text nodes, never HTML;
//! a shortened one, and a delivered PUBLISH's QoS explanation, are in the arrow's tooltip.
//! Colours live in static/app.css.

use yew::prelude::*;

use super::language_switch::use_lang;
use crate::diagram::Scene;
use crate::i18n::Text;
use crate::trace::{FlowId, PacketFate};

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
    let x = |lane: usize| scene.lane_x(lane);
    let height = scene.svg_height();
    // One marker per diagram: a url(#id) finds the page's first element with that id, and when
    // that one is in a hidden view its diagram's heads are not drawn anywhere.
    let head_id = format!("{}-arrow-head", props.id);
    let head_url = format!("url(#{head_id})");
    html! {
        <svg id={props.id.clone()} class="sequence" viewBox={format!("0 0 {} {height}", scene.width)} role="group"
             aria-label={lang.text(Text::SequenceDiagram)}>
            <defs>
                <marker id={head_id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                </marker>
            </defs>
            { for scene.lanes.iter().enumerate().map(|(index, lane)| {
                let name = scene.lane_name(index);
                html! {
                <g class="lane" data-name={lane.name.clone()}>
                    <text class="lane-name" x={name.x.to_string()} y="22" text-anchor="middle">
                        if name.shortened { <title>{ &lane.name }</title> }
                        { name.text }
                    </text>
                    <line class="lifeline" x1={x(index).to_string()} y1="32" x2={x(index).to_string()} y2={height.to_string()} />
                </g>
            }}) }
            { for scene.arrows.iter().map(|arrow| {
                let y = scene.row_y(arrow.row);
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
                let label = scene.arrow_label(arrow);
                let mark = arrow.delivery.map(|delivery| {
                    let text = delivery.text(lang);
                    let fitted = scene.arrow_mark(arrow, &text);
                    let class = delivery.classes();
                    (fitted, class, text, delivery.explanation(lang))
                });
                // The tooltip, when the arrow shows less than it knows: the whole label, and what
                // the delivered QoS is made of. (Under heavy traffic every drawn arrow changes on
                // each redraw, so what is not needed is not made.)
                let title = match &mark {
                    Some((_, _, text, explanation)) => Some(format!("{}\n{text}\n{explanation}", arrow.label)),
                    None => label.shortened.then(|| arrow.label.clone()),
                };
                // Its name says what it shows, word for word (a shortened label as shortened):
                // what is shown and what is said then match (WCAG 2.5.3); the tooltip, its
                // description, holds the rest.
                let name = format!(
                    "{} ({fate}){}",
                    label.text,
                    mark.as_ref().map(|(fitted, _, _, _)| format!(" · {}", fitted.text)).unwrap_or_default()
                );
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
                       tabindex="0" role="button" aria-label={name}
                       data-label={arrow.label.clone()} data-shortened={label.shortened.then_some("true")}
                       {onclick} {onkeydown} {onmouseenter} {onfocus} {onmouseleave}>
                        if let Some(title) = title { <title>{ title }</title> }
                        // A wide transparent stroke over the whole arrow and its label: easy to
                        // point at, even for a lost packet's half-length line.
                        <rect class="arrow-hit" x={x1.min(x2).to_string()} y={(y - 18.0).to_string()} width={(x2 - x1).abs().to_string()} height="24" />
                        <line x1={x1.to_string()} y1={y.to_string()} x2={end.to_string()} y2={y.to_string()}
                              marker-end={(arrow.fate != PacketFate::Dropped).then_some(head_url.clone())} />
                        if arrow.fate == PacketFate::Dropped {
                            <text class="lost-mark" x={end.to_string()} y={(y + 5.0).to_string()} text-anchor="middle">{ "✕" }</text>
                        }
                        <text class="arrow-label" x={label.x.to_string()} y={(y - 6.0).to_string()} text-anchor="middle">{ label.text }</text>
                        if let Some((fitted, class, _, _)) = mark {
                            <text class={class} x={fitted.x.to_string()} y={(y + 11.0).to_string()} text-anchor="middle">{ fitted.text }</text>
                        }
                    </g>
                }
            }) }
        </svg>
    }
}
