//! The offline default: the simulated broker with a publisher and a subscriber already connected,
//! buttons to publish at each QoS, a fault to lose the next acknowledgement, and the live
//! sequence diagram of what happens. The same two clients can run on a real broker instead,
//! each on its own WebSocket, so the diagram still shows both ends of every flow. Hovering a
//! packet lights up its message on both sides of the broker; choosing one opens the inspector.
//! The trace exports as JSON (and imports again to replay), the diagram as SVG and as Mermaid
//! text.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::broker_switch::{BrokerSwitch, LiveBroker};
use super::client_card::ClientCard;
use super::download::download;
use super::effective_qos::EffectiveQos;
use super::inspector::{Inspector, SessionView};
use super::language_switch::use_lang;
use super::next_frame::NextFrame;
use super::sequence_diagram::SequenceDiagram;
use super::svg_export::standalone_svg;
use crate::codec::{PacketType, ProtocolVersion, QoS};
use crate::diagram::{
    colour_messages, layout_view, mark_outcomes, to_mermaid, Scene, Spacing, View,
};
use crate::i18n::{Lang, Text};
use crate::session::PublishRequest;
use crate::trace::{delivery_rows, ClientTag, Direction, FlowId, TraceFile, TraceStore};
use crate::web::workbench::{Workbench, PUBLISHER, SUBSCRIBER};

const TOPIC: &str = "demo/greeting";
/// Rows the live diagram shows (older packets are counted, not drawn).
const ROWS: usize = 40;

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

/// A trace opened from a file, shown instead of the live one.
struct Replay {
    store: TraceStore,
    clients: Vec<(ClientTag, String)>,
}

/// Where the clients run.
#[derive(Debug, Clone, PartialEq)]
enum Broker {
    Simulated,
    Live(LiveBroker),
}

/// The clients and the trace they make.
struct Bench {
    workbench: Rc<Workbench>,
    store: RefCell<TraceStore>,
    version: ProtocolVersion,
    /// Every client's name (its lane), by index; a removed client keeps its lane.
    names: RefCell<Vec<String>>,
    /// Clients removed from the page (disconnected; their cards are gone).
    removed: RefCell<Vec<usize>>,
}

impl Bench {
    /// Lanes by trace tag.
    fn client_names(&self) -> Vec<(ClientTag, String)> {
        let removed = self.removed.borrow();
        ClientTag::all()
            .zip(self.names.borrow().iter().enumerate())
            .map(|(tag, (index, name))| {
                let name = if removed.contains(&index) {
                    format!("{name} (removed)")
                } else {
                    name.clone()
                };
                (tag, name)
            })
            .collect()
    }

    /// Adds a client with a fresh name and id, not connected; its card lets you connect it.
    fn add_client(&self) {
        let number = self.names.borrow().len() + 1;
        let mut id = format!("qoscope-client-{number}");
        if self.workbench.is_live() {
            id.push_str(&format!(
                "-{:06x}",
                (js_sys::Math::random() * f64::from(0x00ff_ffff)) as u32
            ));
        }
        let options = crate::session::ConnectOptions::new(self.version, id);
        self.workbench.add_client(options);
        self.names.borrow_mut().push(format!("Client {number}"));
    }

    fn new(broker: &Broker) -> Bench {
        let (workbench, version) = match broker {
            Broker::Simulated => (Workbench::simulated(), ProtocolVersion::V5),
            Broker::Live(live) => (Workbench::live(live), live.version),
        };
        Bench {
            workbench: Rc::new(workbench),
            store: RefCell::new(TraceStore::new(2_000, 500)),
            version,
            names: RefCell::new(vec!["Publisher".to_owned(), "Subscriber".to_owned()]),
            removed: RefCell::new(Vec::new()),
        }
    }
}

#[function_component(SimPanel)]
pub fn sim_panel() -> Html {
    let lang = use_lang();
    let redraw = use_force_update();
    let broker = use_state(|| Broker::Simulated);
    let bench = use_memo((*broker).clone(), |broker| Rc::new(Bench::new(broker)));
    {
        let (bench, redraw) = (bench.clone(), redraw.clone());
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
    let lose_ack = use_state(|| false);
    let withhold_ack = use_state(|| false);
    let selected = use_state(|| None::<u64>);
    let hovered = use_state(|| None::<FlowId>);
    let replay = use_state(|| None::<Rc<Replay>>);
    let notice = use_state(|| None::<String>);
    let paused_at = use_state(|| None::<usize>);
    let spacing = use_state(Spacing::default);

    let publish = |qos: QoS| {
        let bench = bench.clone();
        let (lose_ack, withhold_ack) = (lose_ack.clone(), withhold_ack.clone());
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| {
            // The acknowledgement this QoS calls for (QoS 0 has none).
            let ack = match qos {
                QoS::AtMostOnce => None,
                QoS::AtLeastOnce => Some(PacketType::PubAck),
                QoS::ExactlyOnce => Some(PacketType::PubRec),
            };
            if let (true, Some(ack)) = (*lose_ack, ack) {
                bench.workbench.lose_next_incoming(PUBLISHER, ack);
            }
            // The subscriber gets it at this QoS too (its subscription is granted QoS 2).
            if let (true, Some(ack)) = (*withhold_ack, ack) {
                bench.workbench.withhold_next(SUBSCRIBER, ack);
            }
            let text = format!("hello at QoS {}", qos.as_u8());
            let sent = bench.workbench.command(PUBLISHER, |session, now| {
                session.publish(now, PublishRequest::new(TOPIC, text, qos))
            });
            notice.set(match sent {
                Some(Err(error)) => {
                    Some(lang.fill(Text::ErrorIn, &[&lang.text(Text::Publish), &error]))
                }
                _ => None,
            });
        })
    };
    let reconnect = |client: usize| {
        let bench = bench.clone();
        Callback::from(move |_: MouseEvent| bench.workbench.reconnect(client))
    };
    let toggle_withhold = {
        let withhold_ack = withhold_ack.clone();
        Callback::from(move |_: Event| withhold_ack.set(!*withhold_ack))
    };
    let toggle_loss = {
        let lose_ack = lose_ack.clone();
        Callback::from(move |_: Event| lose_ack.set(!*lose_ack))
    };

    let live_store = bench.store.borrow();
    let (store, clients): (&TraceStore, Vec<(ClientTag, String)>) = match replay.as_ref() {
        Some(replay) => (&replay.store, replay.clients.clone()),
        None => (&live_store, bench.client_names()),
    };
    // A paused position is kept counting from the first packet ever recorded, so it stays on
    // the same packet while old ones leave the store's window.
    let evicted = store.evicted_packets() as usize;
    let total = store.packets().len();
    let view = View {
        end: paused_at.map(|absolute| absolute.saturating_sub(evicted).clamp(1.min(total), total)),
        rows: ROWS,
        spacing: *spacing,
    };
    let mut scene = layout_view(store.packets(), &clients, view);
    colour_messages(&mut scene, store);
    mark_outcomes(&mut scene, store);
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
                || lang.fill(Text::ClientNumbered, &[&record.client]),
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
                let client = record.client.index()?;
                bench
                    .workbench
                    .read(client, |session| SessionView::read(session, connack))
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
        |name: &'static str, mime: &'static str, text: Rc<dyn Fn() -> Result<String, Text>>| {
            let notice = notice.clone();
            Callback::from(move |_: MouseEvent| {
                let result = text().and_then(|text| download(name, mime, &text));
                notice.set(result.err().map(|problem| lang.text(problem).to_owned()));
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
                    None => TraceFile::from_store(&bench.store.borrow(), &bench.client_names()),
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
                    .ok_or_else(|| lang.text(Text::FileUnreadable).to_owned())
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
                    Err(problem) => notice.set(Some(
                        lang.fill(Text::ErrorIn, &[&lang.text(Text::Import), &problem]),
                    )),
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

    // The timeline: pause, step, scrub, and the row spacing.
    let shown_end = total - scene.after;
    let move_to = {
        let paused_at = paused_at.clone();
        move |end: usize| paused_at.set(Some(evicted + end.clamp(1.min(total), total)))
    };
    let toggle_pause = {
        let (paused_at, move_to) = (paused_at.clone(), move_to.clone());
        Callback::from(move |_: MouseEvent| match *paused_at {
            Some(_) => paused_at.set(None),
            None => move_to(total),
        })
    };
    let step = |delta: isize| {
        let move_to = move_to.clone();
        Callback::from(move |_: MouseEvent| move_to(shown_end.saturating_add_signed(delta)))
    };
    let scrub = {
        let move_to = move_to.clone();
        Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            move_to(value.parse().unwrap_or(total));
        })
    };
    let on_spacing = {
        let spacing = spacing.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            spacing.set(match value.parse::<u64>() {
                Ok(ms_per_row) if ms_per_row > 0 => Spacing::RealTime { ms_per_row },
                _ => Spacing::PerPacket,
            });
        })
    };
    let spacing_value = match *spacing {
        Spacing::PerPacket => "0".to_owned(),
        Spacing::RealTime { ms_per_row } => ms_per_row.to_string(),
    };
    let add_client = {
        let (bench, redraw) = (bench.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            bench.add_client();
            redraw.force_update();
        })
    };
    let on_remove = {
        let (bench, redraw) = (bench.clone(), redraw.clone());
        Callback::from(move |client: usize| {
            bench.removed.borrow_mut().push(client);
            redraw.force_update();
        })
    };
    let use_simulated = {
        let (broker, selected) = (broker.clone(), selected.clone());
        Callback::from(move |_: ()| {
            selected.set(None);
            broker.set(Broker::Simulated);
        })
    };
    let use_live = {
        let (broker, selected) = (broker.clone(), selected.clone());
        Callback::from(move |live: LiveBroker| {
            selected.set(None);
            broker.set(Broker::Live(live));
        })
    };
    let (title, where_) = match &*broker {
        Broker::Simulated => (
            lang.text(Text::TitleSimulated).to_owned(),
            "simulated".to_owned(),
        ),
        Broker::Live(live) => (
            lang.fill(Text::TitleLive, &[&live.url]),
            format!("{}", live.version),
        ),
    };

    html! {
        <section class="panel panel--wide" id="diagram" aria-labelledby="sim-title" data-broker={where_}>
            <h2 id="sim-title">{ title }</h2>
            <BrokerSwitch current={match &*broker { Broker::Live(live) => Some(live.clone()), Broker::Simulated => None }}
                on_simulated={use_simulated} on_live={use_live} />
            <p class="muted">{ lang.text(Text::DiagramIntro) }</p>
            <div class="row">
                <button id="publish-qos0" onclick={publish(QoS::AtMostOnce)} disabled={replay.is_some()}>{ lang.fill(Text::PublishQos, &[&0]) }</button>
                <button id="publish-qos1" onclick={publish(QoS::AtLeastOnce)} disabled={replay.is_some()}>{ lang.fill(Text::PublishQos, &[&1]) }</button>
                <button id="publish-qos2" onclick={publish(QoS::ExactlyOnce)} disabled={replay.is_some()}>{ lang.fill(Text::PublishQos, &[&2]) }</button>
                <label class="check"><input id="lose-ack" type="checkbox" checked={*lose_ack} onchange={toggle_loss} />{ lang.text(Text::LoseNextAck) }</label>
                <button id="reconnect-publisher" class="secondary" onclick={reconnect(PUBLISHER)} disabled={replay.is_some()}>{ lang.text(Text::ReconnectPublisher) }</button>
                <label class="check"><input id="withhold-ack" type="checkbox" checked={*withhold_ack} onchange={toggle_withhold} />{ lang.text(Text::WithholdAck) }</label>
                <button id="reconnect-subscriber" class="secondary" onclick={reconnect(SUBSCRIBER)} disabled={replay.is_some()}>{ lang.text(Text::ReconnectSubscriber) }</button>
            </div>
            <div class="row toolbar" role="toolbar" aria-label={lang.text(Text::ExportAndImport)}>
                <button type="button" class="secondary" id="export-trace" onclick={export_json}>{ lang.text(Text::ExportTrace) }</button>
                <button type="button" class="secondary" id="export-svg" onclick={export_svg}>{ lang.text(Text::ExportSvg) }</button>
                <button type="button" class="secondary" id="export-mermaid" onclick={export_mermaid}>{ lang.text(Text::ExportMermaid) }</button>
                <label class="file-button secondary" for="import-trace">{ lang.text(Text::ImportTrace) }</label>
                <input id="import-trace" class="visually-hidden" type="file" accept=".json,application/json" onchange={import} />
                if replay.is_some() {
                    <span class="replay-badge" id="replay-badge">{ lang.text(Text::ShowingImported) }</span>
                    <button type="button" id="back-to-live" onclick={back_to_live}>{ lang.text(Text::BackToLive) }</button>
                }
            </div>
            { (*notice).clone().map(|text| html! { <p class="error" role="alert">{ text }</p> }).unwrap_or_default() }
            <div class="row timeline" role="group" aria-label={lang.text(Text::Timeline)}>
                <button type="button" id="timeline-pause" class="secondary" aria-pressed={paused_at.is_some().to_string()} onclick={toggle_pause}>
                    { lang.text(if paused_at.is_some() { Text::FollowLive } else { Text::Pause }) }
                </button>
                <button type="button" id="timeline-back" class="secondary" aria-label={lang.text(Text::StepBack)} onclick={step(-1)} disabled={shown_end <= 1}>{ "◀" }</button>
                <button type="button" id="timeline-forward" class="secondary" aria-label={lang.text(Text::StepForward)} onclick={step(1)} disabled={shown_end >= total}>{ "▶" }</button>
                <label for="timeline-scrub" class="visually-hidden">{ lang.text(Text::Scrub) }</label>
                <input id="timeline-scrub" type="range" min="1" max={total.max(1).to_string()} value={shown_end.to_string()} oninput={scrub} />
                <span class="muted mono" id="timeline-position">{ format!("{shown_end} / {total}") }</span>
                <label for="timeline-spacing">{ lang.text(Text::Rows) }</label>
                <select id="timeline-spacing" onchange={on_spacing}>
                    <option value="0" selected={spacing_value == "0"}>{ lang.text(Text::RowPerPacket) }</option>
                    <option value="100" selected={spacing_value == "100"}>{ lang.text(Text::RowEvery100Ms) }</option>
                    <option value="1000" selected={spacing_value == "1000"}>{ lang.text(Text::RowEverySecond) }</option>
                </select>
            </div>
            if scene.hidden > 0 || scene.after > 0 || store.evicted_packets() > 0 {
                <p class="muted" id="hidden-count">{ hidden_count(&scene, store, lang) }</p>
            }
            <div class={classes!("diagram-and-inspector", inspector.is_some().then_some("with-inspector"))}>
                <div class="diagram-scroll"><SequenceDiagram {scene} selected={*selected} {lit} {on_select} {on_hover} /></div>
                { inspector.unwrap_or_default() }
            </div>
            <section class="clients" aria-labelledby="clients-title">
                <div class="row">
                    <h3 id="clients-title">{ lang.text(Text::Clients) }</h3>
                    <button type="button" class="secondary" id="add-client" onclick={add_client} disabled={replay.is_some()}>{ lang.text(Text::AddClient) }</button>
                </div>
                <div class="client-cards">
                    { for (0..bench.names.borrow().len()).filter(|client| !bench.removed.borrow().contains(client)).map(|client| html! {
                        <ClientCard key={client} {client} name={bench.names.borrow()[client].clone()} workbench={bench.workbench.clone()}
                            generation={bench.store.borrow().generation()} on_remove={on_remove.clone()} />
                    }) }
                </div>
            </section>
            <EffectiveQos workbench={bench.workbench.clone()} {rows} earlier_messages={store.evicted_deliveries()} clients={clients.clone()} publisher={PUBLISHER} subscriber={SUBSCRIBER} />
        </section>
    }
}
