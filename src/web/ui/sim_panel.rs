//! The offline default: the simulated broker with a publisher and a subscriber already connected,
//! buttons to publish at each QoS, a fault to lose the next acknowledgement, and the live
//! sequence diagram of what happens. The same two clients can run on a real broker instead,
//! each on its own WebSocket, so the diagram still shows both ends of every flow. Hovering a packet lights up its message on both sides of
//! the broker; choosing one opens the inspector. The trace exports as JSON (and imports again to
//! replay), the diagram as SVG and as Mermaid text.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::download::download;
use super::effective_qos::EffectiveQos;
use super::inspector::{Inspector, SessionView};
use super::next_frame::NextFrame;
use super::probe_panel::broker_from_address;
use super::sequence_diagram::SequenceDiagram;
use super::svg_export::standalone_svg;
use super::version_select::VersionSelect;
use crate::codec::{PacketType, ProtocolVersion, QoS};
use crate::diagram::{layout, to_mermaid, Scene};
use crate::session::PublishRequest;
use crate::trace::{delivery_rows, Direction, FlowId, TraceFile, TraceStore};
use crate::web::workbench::{Workbench, PUBLISHER, SUBSCRIBER};

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

/// How many packets are not drawn, and what the export still has of them.
fn hidden_count(hidden: usize, store: &TraceStore) -> String {
    match store.evicted_packets() {
        0 => format!("{hidden} earlier packets not drawn (the export has them all)."),
        evicted => format!(
            "{} earlier packets not drawn (the export has the newest {}).",
            hidden as u64 + evicted,
            store.packets().len()
        ),
    }
}

/// A trace opened from a file, shown instead of the live one.
struct Replay {
    store: TraceStore,
    clients: Vec<(u32, String)>,
}

/// Where the clients run.
#[derive(Debug, Clone, PartialEq)]
enum Broker {
    Simulated,
    Url(String, ProtocolVersion),
}

/// The clients and the trace they make.
struct Bench {
    workbench: Rc<Workbench>,
    store: RefCell<TraceStore>,
    version: ProtocolVersion,
}

impl Bench {
    fn new(broker: &Broker) -> Bench {
        let (workbench, version) = match broker {
            Broker::Simulated => (Workbench::simulated(), ProtocolVersion::V5),
            Broker::Url(url, version) => (Workbench::live(url, *version), *version),
        };
        Bench {
            workbench: Rc::new(workbench),
            store: RefCell::new(TraceStore::new(2_000, 500)),
            version,
        }
    }
}

#[function_component(SimPanel)]
pub fn sim_panel() -> Html {
    let redraw = use_force_update();
    let broker = use_state(|| Broker::Simulated);
    let bench = use_memo((*broker).clone(), |broker| Rc::new(Bench::new(broker)));
    {
        let bench = bench.clone();
        use_effect_with((*broker).clone(), move |_| {
            let weak = Rc::downgrade(&*bench);
            let frame = NextFrame::default();
            bench.workbench.set_on_change(move || {
                if let Some(bench) = weak.upgrade() {
                    bench
                        .store
                        .borrow_mut()
                        .extend(bench.workbench.take_trace());
                    let redraw = redraw.clone();
                    frame.request(move || redraw.force_update());
                }
            });
            move || bench.workbench.end()
        });
    }
    let url = use_state(|| {
        broker_from_address().unwrap_or_else(|| "ws://127.0.0.1:9001/mqtt".to_owned())
    });
    let url_version = use_state(|| ProtocolVersion::V5);
    let lose_ack = use_state(|| false);
    let selected = use_state(|| None::<u64>);
    let hovered = use_state(|| None::<FlowId>);
    let replay = use_state(|| None::<Rc<Replay>>);
    let notice = use_state(|| None::<String>);

    let publish = |qos: QoS| {
        let bench = bench.clone();
        let lose_ack = lose_ack.clone();
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| {
            if *lose_ack {
                let ack = if qos == QoS::ExactlyOnce {
                    PacketType::PubRec
                } else {
                    PacketType::PubAck
                };
                bench.workbench.lose_next_incoming(PUBLISHER, ack);
            }
            let text = format!("hello at QoS {}", qos.as_u8());
            let sent = bench.workbench.command(PUBLISHER, |session, now| {
                session.publish(now, PublishRequest::new(TOPIC, text, qos))
            });
            notice.set(match sent {
                Some(Err(error)) => Some(format!("Publish: {error}")),
                _ => None,
            });
        })
    };
    let reconnect = {
        let bench = bench.clone();
        Callback::from(move |_: MouseEvent| bench.workbench.reconnect(PUBLISHER))
    };
    let toggle_loss = {
        let lose_ack = lose_ack.clone();
        Callback::from(move |_: Event| lose_ack.set(!*lose_ack))
    };

    let live_store = bench.store.borrow();
    let (store, clients): (&TraceStore, Vec<(u32, String)>) = match replay.as_ref() {
        Some(replay) => (&replay.store, replay.clients.clone()),
        None => (&live_store, client_names()),
    };
    let scene = layout(store.packets(), &clients, ROWS);
    let lit = hovered
        .map(|flow| message_flows(store, flow))
        .unwrap_or_default();
    let rows = Rc::new(delivery_rows(store));
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
        let session = replay
            .is_none()
            .then(|| {
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
                bench.workbench.read(record.client as usize - 1, |session| {
                    SessionView::read(session, connack)
                })
            })
            .flatten();
        let on_close = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(None))
        };
        html! { <Inspector {record} {client} version={bench.version} {session} {on_close} /> }
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
        let bench = bench.clone();
        let replay = replay.clone();
        save(
            "qoscope-trace.json",
            "application/json",
            Rc::new(move || {
                Ok(match replay.as_ref() {
                    Some(replay) => TraceFile::from_store(&replay.store, &replay.clients),
                    None => TraceFile::from_store(&bench.store.borrow(), &client_names()),
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

    let use_simulated = {
        let (broker, selected) = (broker.clone(), selected.clone());
        Callback::from(move |_: MouseEvent| {
            selected.set(None);
            broker.set(Broker::Simulated);
        })
    };
    let use_url = {
        let (broker, url, url_version, selected, notice) = (
            broker.clone(),
            url.clone(),
            url_version.clone(),
            selected.clone(),
            notice.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Err(problem) = crate::broker_url::BrokerUrl::parse(&url) {
                notice.set(Some(problem.to_string()));
                return;
            }
            notice.set(None);
            selected.set(None);
            broker.set(Broker::Url((*url).clone(), *url_version));
        })
    };
    let on_url = {
        let url = url.clone();
        Callback::from(move |event: InputEvent| {
            url.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_url_version = {
        let url_version = url_version.clone();
        Callback::from(move |chosen| url_version.set(chosen))
    };
    let (title, where_) = match &*broker {
        Broker::Simulated => (
            "Watch QoS happen (simulated broker, no network needed)".to_owned(),
            "simulated".to_owned(),
        ),
        Broker::Url(url, version) => (format!("Watch QoS happen on {url}"), format!("{version}")),
    };

    html! {
        <section class="panel panel--wide" id="diagram" aria-labelledby="sim-title" data-broker={where_}>
            <h2 id="sim-title">{ title }</h2>
            <form class="row broker-switch" onsubmit={use_url} aria-label="Which broker the clients use">
                <button type="button" id="use-simulated" class={classes!((*broker != Broker::Simulated).then_some("secondary"))}
                    aria-pressed={(*broker == Broker::Simulated).to_string()} onclick={use_simulated}>{ "Simulated broker" }</button>
                <label for="live-url">{ "or a broker at" }</label>
                <input id="live-url" class="mono" type="text" spellcheck="false" value={(*url).clone()} oninput={on_url} />
                <VersionSelect id="live-version" value={*url_version} on_change={on_url_version} />
                <button type="submit" id="use-url" class={classes!((*broker == Broker::Simulated).then_some("secondary"))}>{ "Connect both clients" }</button>
            </form>
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
                <p class="muted" id="hidden-count">{ hidden_count(scene.hidden, store) }</p>
            }
            <div class={classes!("diagram-and-inspector", inspector.is_some().then_some("with-inspector"))}>
                <div class="diagram-scroll"><SequenceDiagram {scene} selected={*selected} {lit} {on_select} {on_hover} /></div>
                { inspector.unwrap_or_default() }
            </div>
            <EffectiveQos workbench={bench.workbench.clone()} {rows} earlier_messages={store.evicted_deliveries()} clients={clients.clone()} publisher={PUBLISHER} subscriber={SUBSCRIBER} />
        </section>
    }
}
