//! The offline default: the simulated broker with a publisher and a subscriber already connected,
//! buttons to publish at each QoS, a fault to lose the next acknowledgement, and the live
//! sequence diagram of what happens. Hovering a packet lights up its message on both sides of
//! the broker; choosing one opens the inspector. The trace exports as JSON (and imports again to
//! replay), the diagram as SVG and as Mermaid text.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::download::download;
use super::inspector::{Inspector, SessionView};
use super::sequence_diagram::SequenceDiagram;
use super::svg_export::standalone_svg;
use crate::broker::BrokerConfig;
use crate::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use crate::diagram::{layout, to_mermaid, Scene};
use crate::session::{ConnectOptions, PublishRequest};
use crate::sim::{LinkFaults, Side, World};
use crate::trace::{Direction, FlowId, TraceFile, TraceStore};
use crate::web::sim_driver::SimDriver;

const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;
const TOPIC: &str = "demo/greeting";
/// Rows the live diagram shows (older packets are counted, not drawn).
const ROWS: usize = 40;

fn client_names() -> Vec<(u32, String)> {
    vec![(1, "Publisher".to_owned()), (2, "Subscriber".to_owned())]
}

/// A flow and the flows of the same message at the other clients (publisher and subscribers).
fn message_flows(store: &TraceStore, flow: FlowId) -> Vec<FlowId> {
    let mut lit = vec![flow];
    let mut index = 0;
    while index < lit.len() {
        if let Some(record) = store.flow(lit[index]) {
            for linked in &record.linked {
                if !lit.contains(linked) {
                    lit.push(*linked);
                }
            }
        }
        index += 1;
    }
    lit
}

/// A trace opened from a file, shown instead of the live one.
struct Replay {
    store: TraceStore,
    clients: Vec<(u32, String)>,
}

struct Simulation {
    driver: SimDriver,
    store: RefCell<TraceStore>,
}

fn options(id: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(ProtocolVersion::V5, id);
    options.clean_start = false;
    options.properties.session_expiry_interval = Some(3600);
    options
}

/// A world with both clients connected and the subscriber subscribed, on a slow link.
fn start() -> Simulation {
    let mut world = World::new(BrokerConfig::default(), 7);
    for name in ["Publisher", "Subscriber"] {
        let client = world.add_client(options(name));
        for side in [Side::ToBroker, Side::ToClient] {
            let faults = LinkFaults {
                latency_ms: 350,
                ..LinkFaults::default()
            };
            world.set_faults(client, side, faults);
        }
        world.connect(client);
    }
    let subscription = Subscription {
        filter: "demo/#".into(),
        options: SubscriptionOptions::qos(QoS::ExactlyOnce),
    };
    let _ = world.with_session(SUBSCRIBER, |session, now| {
        session.subscribe(now, vec![subscription], Default::default())
    });
    Simulation {
        driver: SimDriver::new(world, 1.0),
        store: RefCell::new(TraceStore::new(2_000, 500)),
    }
}

#[function_component(SimPanel)]
pub fn sim_panel() -> Html {
    let redraw = use_force_update();
    let simulation = use_memo((), |_| Rc::new(start()));
    {
        let simulation = simulation.clone();
        use_effect_with((), move |_| {
            let weak = Rc::downgrade(&*simulation);
            simulation.driver.set_on_change(move || {
                if let Some(simulation) = weak.upgrade() {
                    simulation
                        .store
                        .borrow_mut()
                        .extend(simulation.driver.take_trace());
                    redraw.force_update();
                }
            });
        });
    }
    let lose_ack = use_state(|| false);
    let selected = use_state(|| None::<u64>);
    let hovered = use_state(|| None::<FlowId>);
    let replay = use_state(|| None::<Rc<Replay>>);
    let notice = use_state(|| None::<String>);

    let publish = |qos: QoS| {
        let simulation = simulation.clone();
        let lose_ack = lose_ack.clone();
        Callback::from(move |_: MouseEvent| {
            simulation.driver.with_world(|world| {
                if *lose_ack {
                    let ack = if qos == QoS::ExactlyOnce {
                        PacketType::PubRec
                    } else {
                        PacketType::PubAck
                    };
                    world.drop_next(PUBLISHER, Side::ToClient, ack);
                }
                let text = format!("hello at QoS {}", qos.as_u8());
                let _ = world.with_session(PUBLISHER, |session, now| {
                    session.publish(now, PublishRequest::new(TOPIC, text, qos))
                });
            });
        })
    };
    let reconnect = {
        let simulation = simulation.clone();
        Callback::from(move |_: MouseEvent| {
            simulation.driver.with_world(|world| {
                world.cut(PUBLISHER);
                world.connect(PUBLISHER);
            });
        })
    };
    let toggle_loss = {
        let lose_ack = lose_ack.clone();
        Callback::from(move |_: Event| lose_ack.set(!*lose_ack))
    };

    let live_store = simulation.store.borrow();
    let (store, clients): (&TraceStore, Vec<(u32, String)>) = match replay.as_ref() {
        Some(replay) => (&replay.store, replay.clients.clone()),
        None => (&live_store, client_names()),
    };
    let scene = layout(store.packets(), &clients, ROWS);
    let lit = hovered
        .map(|flow| message_flows(store, flow))
        .unwrap_or_default();
    let inspected = selected.and_then(|id| store.packets().find(|record| record.id == id).cloned());
    let inspector = inspected.map(|record| {
        let client = clients
            .iter()
            .find(|(tag, _)| *tag == record.client)
            .map_or_else(
                || format!("client {}", record.client),
                |(_, name)| name.clone(),
            );
        // A replayed trace has no live session behind it.
        let session = replay.is_none().then(|| {
            let connack = store
                .packets()
                .rev()
                .find_map(|packet| match &packet.packet {
                    Ok(connack @ crate::codec::Packet::ConnAck(_))
                        if packet.client == record.client
                            && packet.direction == Direction::Incoming =>
                    {
                        Some(connack)
                    }
                    _ => None,
                });
            simulation
                .driver
                .read(|world| SessionView::read(world.session(record.client as usize - 1), connack))
        });
        let on_close = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(None))
        };
        html! { <Inspector {record} {client} version={ProtocolVersion::V5} {session} {on_close} /> }
    });

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id| selected.set(Some(id)))
    };
    let on_hover = {
        let hovered = hovered.clone();
        Callback::from(move |flow| hovered.set(flow))
    };
    let save =
        |name: &'static str, mime: &'static str, text: Rc<dyn Fn() -> Result<String, String>>| {
            let notice = notice.clone();
            Callback::from(move |_: MouseEvent| {
                let result = text().and_then(|text| download(name, mime, &text));
                notice.set(result.err());
            })
        };
    let export_json = {
        let simulation = simulation.clone();
        let replay = replay.clone();
        save(
            "qoscope-trace.json",
            "application/json",
            Rc::new(move || {
                Ok(match replay.as_ref() {
                    Some(replay) => TraceFile::from_store(&replay.store, &replay.clients),
                    None => TraceFile::from_store(&simulation.store.borrow(), &client_names()),
                }
                .to_json())
            }),
        )
    };
    let export_svg = save(
        "qoscope-diagram.svg",
        "image/svg+xml",
        Rc::new(|| standalone_svg("sequence-diagram")),
    );
    let export_mermaid = {
        let scene: Scene = scene.clone();
        save(
            "qoscope-diagram.mmd",
            "text/plain",
            Rc::new(move || Ok(to_mermaid(&scene))),
        )
    };
    let import = {
        let (replay, notice, selected) = (replay.clone(), notice.clone(), selected.clone());
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            let (replay, notice, selected) = (replay.clone(), notice.clone(), selected.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let parsed = text
                    .ok()
                    .and_then(|text| text.as_string())
                    .ok_or_else(|| "the file could not be read".to_owned())
                    .and_then(|text| TraceFile::from_json(&text));
                match parsed {
                    Ok(file) => {
                        selected.set(None);
                        notice.set(None);
                        replay.set(Some(Rc::new(Replay {
                            store: file.to_store(),
                            clients: file.client_names(),
                        })));
                    }
                    Err(problem) => notice.set(Some(format!("Import: {problem}"))),
                }
            });
        })
    };
    let back_to_live = {
        let (replay, selected) = (replay.clone(), selected.clone());
        Callback::from(move |_: MouseEvent| {
            selected.set(None);
            replay.set(None);
        })
    };

    html! {
        <section class="panel panel--wide" aria-labelledby="sim-title">
            <h2 id="sim-title">{ "Watch QoS happen (simulated broker, no network needed)" }</h2>
            <p class="muted">{ "Publish a message and follow its packets. Lose an acknowledgement, then reconnect the publisher: it sends the message again with DUP=1. Point at a packet to light up its message; choose one to inspect it byte by byte." }</p>
            <div class="row">
                <button id="publish-qos0" onclick={publish(QoS::AtMostOnce)} disabled={replay.is_some()}>{ "Publish QoS 0" }</button>
                <button id="publish-qos1" onclick={publish(QoS::AtLeastOnce)} disabled={replay.is_some()}>{ "Publish QoS 1" }</button>
                <button id="publish-qos2" onclick={publish(QoS::ExactlyOnce)} disabled={replay.is_some()}>{ "Publish QoS 2" }</button>
                <label class="check"><input id="lose-ack" type="checkbox" checked={*lose_ack} onchange={toggle_loss} />{ " Lose the next PUBACK/PUBREC" }</label>
                <button id="reconnect-publisher" class="secondary" onclick={reconnect} disabled={replay.is_some()}>{ "Reconnect publisher" }</button>
            </div>
            <div class="row toolbar" role="toolbar" aria-label="Export and import">
                <button type="button" class="secondary" id="export-trace" onclick={export_json}>{ "Export trace (JSON)" }</button>
                <button type="button" class="secondary" id="export-svg" onclick={export_svg}>{ "Export SVG" }</button>
                <button type="button" class="secondary" id="export-mermaid" onclick={export_mermaid}>{ "Export Mermaid" }</button>
                <label class="file-button secondary" for="import-trace">{ "Import trace…" }</label>
                <input id="import-trace" class="visually-hidden" type="file" accept=".json,application/json" onchange={import} />
                if replay.is_some() {
                    <span class="replay-badge" id="replay-badge">{ "Showing an imported trace" }</span>
                    <button type="button" id="back-to-live" onclick={back_to_live}>{ "Back to live" }</button>
                }
            </div>
            { (*notice).clone().map(|text| html! { <p class="error" role="alert">{ text }</p> }).unwrap_or_default() }
            if scene.hidden > 0 {
                <p class="muted" id="hidden-count">{ format!("{} earlier packets not drawn (the export has them all).", scene.hidden) }</p>
            }
            <div class={classes!("diagram-and-inspector", inspector.is_some().then_some("with-inspector"))}>
                <div class="diagram-scroll"><SequenceDiagram {scene} selected={*selected} {lit} {on_select} {on_hover} /></div>
                { inspector.unwrap_or_default() }
            </div>
        </section>
    }
}
