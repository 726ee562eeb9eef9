//! The offline default: the simulated broker with a publisher and a subscriber already connected,
//! buttons to publish at each QoS, a fault to lose the next acknowledgement, and the live
//! sequence diagram of what happens. The same two clients can run on a real broker instead,
//! each on its own WebSocket, so the diagram still shows both ends of every flow. Hovering a
//! packet lights up its message on both sides of the broker; choosing one opens the inspector.
//! The trace exports as JSON (and imports again to replay), the diagram as SVG and as Mermaid
//! text. The panel's state is in [`Panel`]; this view draws it and the views it is made of.

use std::rc::Rc;

use yew::prelude::*;

use super::broker_switch::{BrokerSwitch, LiveBroker};
use super::client_list::{Card, ClientList};
use super::download::download;
use super::effective_qos::EffectiveQos;
use super::export_bar::{Export, ExportBar};
use super::inspector::Inspector;
use super::language_switch::use_lang;
use super::publish_bar::PublishBar;
use super::sequence_diagram::SequenceDiagram;
use super::svg_export::standalone_svg;
use super::timeline_bar::TimelineBar;
use super::workbench_reducer::{BrokerChoice, Panel, PanelAction};
use crate::diagram::{to_mermaid, trace_scene, Scene, COMPACT_WIDTH};
use crate::i18n::{Lang, Text};
use crate::trace::{delivery_rows, TraceStore};
use crate::web::workbench::{PUBLISHER, SUBSCRIBER};
use crate::workbench_state::{Action, Window};

/// Rows the live diagram shows (older packets are counted, not drawn).
const ROWS: usize = 40;

/// How many packets are not drawn, and what the export still has of them.
fn hidden_count(scene: &Scene, store: &TraceStore, lang: Lang) -> String {
    match store.evicted_packets() {
        0 => lang.fill(Text::NotDrawn, &[&scene.hidden, &scene.after]),
        evicted => lang.fill(
            Text::NotDrawnEvicted,
            &[
                &(scene.hidden as u64 + evicted),
                &scene.after,
                &store.packets().len(),
            ],
        ),
    }
}

/// Downloads `export` of the trace shown or of `scene`; says why when it cannot.
fn exporter(
    panel: &UseReducerHandle<Panel>,
    scene: &Scene,
    dispatch: Callback<PanelAction>,
) -> Callback<Export> {
    let (panel, scene) = (panel.clone(), scene.clone());
    Callback::from(move |export: Export| {
        let saved = match export {
            Export::Trace => download(
                "qoscope-trace.json",
                "application/json",
                &panel.trace_file().to_json(),
            ),
            Export::Svg => standalone_svg("sequence-diagram")
                .and_then(|svg| download("qoscope-diagram.svg", "image/svg+xml", &svg)),
            Export::Mermaid => download("qoscope-diagram.mmd", "text/plain", &to_mermaid(&scene)),
        };
        let problem = saved.err().map(crate::workbench_state::Problem::Said);
        dispatch.emit(PanelAction::State(Action::FileDone(problem)));
    })
}

#[function_component(SimPanel)]
pub fn sim_panel() -> Html {
    let lang = use_lang();
    let panel = use_reducer(Panel::default);
    let dispatch = {
        let dispatcher = panel.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };
    use_effect_with(panel.bench(), {
        let dispatch = dispatch.clone();
        move |bench| bench.watch(dispatch.reform(|()| PanelAction::State(Action::TraceGrew)))
    });
    let state = &panel.state;
    let replaying = state.replay.is_some();

    let (scene, window, lit, rows, inspected, clients, evicted_deliveries, hidden) = panel
        .with_trace(|store, clients| {
            let window = Window::of(store);
            let rows = Rc::new(delivery_rows(store));
            let mut scene = trace_scene(store, &clients, state.timeline.view(window, ROWS), &rows);
            scene.width = COMPACT_WIDTH;
            let lit = state
                .hovered
                .map(|flow| store.message_flows(flow))
                .unwrap_or_default();
            let inspected = state
                .selected
                .and_then(|id| store.packets().find(|record| record.id == id).cloned());
            let hidden = (scene.hidden > 0 || scene.after > 0 || store.evicted_packets() > 0)
                .then(|| hidden_count(&scene, store, lang));
            (
                scene,
                window,
                lit,
                rows,
                inspected,
                clients,
                store.evicted_deliveries(),
                hidden,
            )
        });
    let inspector = inspected.map(|record| {
        let client = clients
            .iter()
            .find(|(tag, _)| *tag == record.client)
            .map_or_else(
                || lang.fill(Text::ClientNumbered, &[&record.client]),
                |(_, name)| name.clone(),
            );
        let session = panel.session_view(record.client);
        let on_close = dispatch.reform(|()| PanelAction::State(Action::CloseInspector));
        let delivery = scene
            .arrows
            .iter()
            .find(|arrow| arrow.id == record.id)
            .and_then(|arrow| arrow.delivery);
        html! { <Inspector {record} {client} version={panel.version()} {session} {delivery} {on_close} /> }
    });
    let on_select = dispatch.reform(|id| PanelAction::State(Action::Select(id)));
    let on_hover = dispatch.reform(|flow| PanelAction::State(Action::Hover(flow)));
    let on_export = exporter(&panel, &scene, dispatch.clone());
    let cards: Vec<Card> = state
        .roster
        .shown()
        .filter_map(|(client, entry)| {
            let view = panel.client_view(client)?;
            Some(Card {
                client,
                entry: entry.clone(),
                view,
            })
        })
        .collect();
    let use_simulated = dispatch.reform(|()| PanelAction::UseBroker(BrokerChoice::Simulated));
    let use_live =
        dispatch.reform(|live: LiveBroker| PanelAction::UseBroker(BrokerChoice::Live(live)));
    let (title, where_, current) = match &panel.broker {
        BrokerChoice::Simulated => (
            lang.text(Text::TitleSimulated).to_owned(),
            "simulated".to_owned(),
            None,
        ),
        BrokerChoice::Live(live) => (
            lang.fill(Text::TitleLive, &[&live.url]),
            format!("{}", live.version),
            Some(live.clone()),
        ),
    };
    let shown_end = window.kept - scene.after;

    // One screen: the clients listed on the left, the diagram with its controls in the middle,
    // and beside it the packet chosen (the inspector) over the effective QoS.
    html! {
        <section class="panel workbench" id="diagram" aria-labelledby="sim-title" data-broker={where_}>
            <div class="workbench__head">
                <h2 id="sim-title" title={lang.text(Text::DiagramIntro)}>{ title }</h2>
                <BrokerSwitch {current} on_simulated={use_simulated} on_live={use_live} />
            </div>
            <div class="workbench__clients">
                <ClientList {cards} {replaying} dispatch={dispatch.clone()} />
            </div>
            <div class="workbench__main">
                <PublishBar lose_ack={state.lose_ack} withhold_ack={state.withhold_ack} {replaying}
                    problem={state.publish_problem.clone()} dispatch={dispatch.clone()} />
                <TimelineBar timeline={state.timeline} {window} {shown_end} dispatch={dispatch.clone()} />
                if let Some(hidden) = hidden {
                    <p class="muted" id="hidden-count">{ hidden }</p>
                }
                <div class="diagram-scroll"><SequenceDiagram {scene} selected={state.selected} {lit} {on_select} {on_hover} /></div>
                <ExportBar {replaying} problem={state.file_problem.clone()} {on_export} {dispatch} />
                <p class="muted small">{ lang.text(Text::DiagramIntro) }</p>
            </div>
            <div class={classes!("workbench__side", inspector.is_some().then_some("with-inspector"))}>
                { inspector.unwrap_or_default() }
                <EffectiveQos workbench={panel.workbench()} {rows} earlier_messages={evicted_deliveries} {clients} publisher={PUBLISHER} subscriber={SUBSCRIBER} />
            </div>
        </section>
    }
}
