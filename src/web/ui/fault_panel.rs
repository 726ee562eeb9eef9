//! Free play on a simulated world: latency, loss per packet type, losing the next packet of a
//! type, holding every packet for release one by one, cutting and resuming connections, the
//! teaching-only retry timer, and a publisher to try them with.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::codec::{PacketType, QoS};
use crate::i18n::Text;
use crate::lesson::Actor;
use crate::session::PublishRequest;
use crate::sim::{LinkFaults, World};
use crate::trace::Direction;
use crate::web::sim_driver::SimDriver;
use crate::workbench_state::Problem;

/// The packet types a learner can lose, by loss rate or one at a time.
const LOSABLE: [PacketType; 5] = [
    PacketType::Publish,
    PacketType::PubAck,
    PacketType::PubRec,
    PacketType::PubRel,
    PacketType::PubComp,
];

/// How long the teaching retry waits before sending an unacknowledged packet again.
const TEACHING_RETRY_MS: u64 = 3_000;

/// The topic free-play messages are published to (inside every lesson's subscription).
const FREE_TOPIC: &str = "lesson/free";

const SIDES: [Direction; 2] = [Direction::Outgoing, Direction::Incoming];

#[derive(Properties, PartialEq)]
pub struct FaultPanelProps {
    /// The world to break.
    pub driver: SimDriver,
    /// Its clients, by index.
    pub actors: &'static [Actor],
    /// Changes whenever the trace does, so held-packet counts stay current.
    pub generation: u64,
}

/// Every link of every client, both directions.
fn links(world: &World) -> impl Iterator<Item = (usize, Direction)> {
    (0..world.client_count()).flat_map(|client| SIDES.map(|side| (client, side)))
}

/// Changes the faults of every link the same way.
fn update_links(driver: &SimDriver, change: impl Fn(&mut LinkFaults)) {
    driver.with_world(|world| {
        for (client, side) in links(world).collect::<Vec<_>>() {
            let mut faults = world.faults(client, side).clone();
            change(&mut faults);
            world.set_faults(client, side, faults);
        }
    });
}

/// The link holding the oldest held packet.
fn oldest_held(world: &World) -> Option<(usize, Direction)> {
    links(world)
        .filter_map(|(client, side)| {
            Some((world.held(client, side).first().copied()?, client, side))
        })
        .min_by_key(|(id, _, _)| *id)
        .map(|(_, client, side)| (client, side))
}

fn input_value(event: &Event) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(event: &Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

fn checked(event: &Event) -> bool {
    event.target_unchecked_into::<HtmlInputElement>().checked()
}

#[function_component(FaultPanel)]
pub fn fault_panel(props: &FaultPanelProps) -> Html {
    let lang = use_lang();
    let driver = &props.driver;
    let latency =
        use_state(|| driver.read(|world| world.faults(0, Direction::Outgoing).latency_ms));
    let drop_client = use_state(|| 0usize);
    let drop_side = use_state(|| Direction::Incoming);
    let drop_kind = use_state(|| PacketType::PubAck);
    let armed = use_state(String::new);
    let refused = use_state(|| None::<Problem>);

    let on_latency = {
        let (driver, latency) = (driver.clone(), latency.clone());
        Callback::from(move |event: Event| {
            let ms: u64 = input_value(&event).parse().unwrap_or(0);
            latency.set(ms);
            update_links(&driver, |faults| faults.latency_ms = ms);
        })
    };
    let on_loss = |kind: PacketType| {
        let driver = driver.clone();
        Callback::from(move |event: Event| {
            let percent: f64 = input_value(&event).parse().unwrap_or(0.0);
            let rate = (percent / 100.0).clamp(0.0, 1.0);
            update_links(&driver, |faults| {
                faults.loss_by_type.insert(kind, rate);
            });
        })
    };
    let on_hold = {
        let driver = driver.clone();
        Callback::from(move |event: Event| {
            let hold = checked(&event);
            update_links(&driver, |faults| faults.hold = hold);
        })
    };
    let held = driver.read(|world| {
        links(world)
            .map(|(client, side)| world.held(client, side).len())
            .sum::<usize>()
    });
    let release = |lose: bool| {
        let driver = driver.clone();
        Callback::from(move |_: MouseEvent| {
            driver.with_world(|world| {
                if let Some((client, side)) = oldest_held(world) {
                    if lose {
                        world.drop_held(client, side);
                    } else {
                        world.release_held(client, side);
                    }
                }
            });
        })
    };
    let arm_drop = {
        let driver = driver.clone();
        let (client, side, kind, armed) = (
            drop_client.clone(),
            drop_side.clone(),
            drop_kind.clone(),
            armed.clone(),
        );
        let actors = props.actors;
        Callback::from(move |_: MouseEvent| {
            driver.with_world(|world| world.drop_next(*client, *side, *kind));
            let way = match *side {
                Direction::Outgoing => {
                    lang.fill(Text::FromClientToBroker, &[&actors[*client].name])
                }
                Direction::Incoming => {
                    lang.fill(Text::FromBrokerToClient, &[&actors[*client].name])
                }
            };
            armed.set(lang.fill(Text::NextWillBeLost, &[&kind.name(), &way]));
        })
    };
    let on_retry = {
        let driver = driver.clone();
        Callback::from(move |event: Event| {
            let retry = checked(&event).then_some(TEACHING_RETRY_MS);
            driver.with_world(|world| {
                for client in 0..world.client_count() {
                    world.with_session(client, |session, _| {
                        let mut options = session.options().clone();
                        options.retry_interval_ms = retry;
                        session.set_options(options);
                    });
                }
            });
        })
    };
    let publish = |qos: QoS| {
        let (driver, refused) = (driver.clone(), refused.clone());
        Callback::from(move |_: MouseEvent| {
            let request =
                PublishRequest::new(FREE_TOPIC, format!("free play QoS {}", qos.as_u8()), qos);
            let sent = driver.with_world(|world| {
                world.with_session(0, |session, now| session.publish(now, request))
            });
            refused.set(Problem::of_command(Text::Publish, Some(sent)));
        })
    };
    let connection = |client: usize, resume: bool| {
        let driver = driver.clone();
        Callback::from(move |_: MouseEvent| {
            driver.with_world(|world| {
                if resume {
                    world.connect(client);
                } else {
                    world.cut(client);
                }
            });
        })
    };
    let on_drop_client = {
        let drop_client = drop_client.clone();
        Callback::from(move |event: Event| {
            drop_client.set(select_value(&event).parse().unwrap_or(0))
        })
    };
    let on_drop_side = {
        let drop_side = drop_side.clone();
        Callback::from(move |event: Event| {
            drop_side.set(if select_value(&event) == "to-broker" {
                Direction::Outgoing
            } else {
                Direction::Incoming
            })
        })
    };
    let on_drop_kind = {
        let drop_kind = drop_kind.clone();
        Callback::from(move |event: Event| {
            let name = select_value(&event);
            if let Some(kind) = LOSABLE.into_iter().find(|kind| kind.name() == name) {
                drop_kind.set(kind);
            }
        })
    };
    let open = driver.read(|world| {
        (0..world.client_count())
            .map(|client| world.is_open(client))
            .collect::<Vec<_>>()
    });
    let publisher = props.actors.first().map_or("", |actor| actor.name);

    html! {
        <section class="fault-panel" aria-labelledby="fault-title">
            <h3 id="fault-title">{ lang.text(Text::FreePlayTitle) }</h3>
            <div class="fault-grid">
                <fieldset>
                    <legend>{ lang.text(Text::Messages) }</legend>
                    <div class="row">
                        <button id="free-publish-qos0" onclick={publish(QoS::AtMostOnce)}>{ "QoS 0" }</button>
                        <button id="free-publish-qos1" onclick={publish(QoS::AtLeastOnce)}>{ "QoS 1" }</button>
                        <button id="free-publish-qos2" onclick={publish(QoS::ExactlyOnce)}>{ "QoS 2" }</button>
                    </div>
                    <p class="muted small">{ lang.fill(Text::PublishesTo, &[&publisher, &FREE_TOPIC]) }</p>
                    if let Some(problem) = &*refused {
                        <p class="error" role="alert" id="free-publish-problem">{ problem.text(lang) }</p>
                    }
                    <label class="check">
                        <input id="fault-retry" type="checkbox" onchange={on_retry} />
                        { lang.fill(Text::ResendAfter, &[&(TEACHING_RETRY_MS / 1000)]) }
                    </label>
                    <p class="muted small">{ lang.text(Text::TeachingOnly) }</p>
                </fieldset>
                <fieldset>
                    <legend>{ lang.text(Text::Links) }</legend>
                    <label class="block-label" for="fault-latency">{ lang.fill(Text::LatencyEachWay, &[&*latency]) }</label>
                    <input id="fault-latency" type="range" min="0" max="2000" step="50" value={latency.to_string()} onchange={on_latency} />
                    <div class="fault-loss">
                        { for LOSABLE.into_iter().map(|kind| {
                            let id = format!("fault-loss-{}", kind.name().to_ascii_lowercase());
                            html! {
                                <label for={id.clone()}>
                                    <span>{ kind.name() }</span>
                                    <input id={id} type="number" min="0" max="100" step="10" value="0"
                                           aria-label={lang.fill(Text::LossInPercent, &[&kind.name()])} onchange={on_loss(kind)} />
                                    <span class="muted">{ "%" }</span>
                                </label>
                            }
                        }) }
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{ lang.text(Text::LoseNextPacket) }</legend>
                    <div class="row">
                        <select id="fault-drop-kind" aria-label={lang.text(Text::PacketType)} onchange={on_drop_kind}>
                            { for LOSABLE.into_iter().map(|kind| html! {
                                <option value={kind.name()} selected={kind == *drop_kind}>{ kind.name() }</option>
                            }) }
                        </select>
                        <select id="fault-drop-side" aria-label={lang.text(Text::Direction)} onchange={on_drop_side}>
                            <option value="to-client" selected={*drop_side == Direction::Incoming}>{ lang.text(Text::BrokerToClient) }</option>
                            <option value="to-broker" selected={*drop_side == Direction::Outgoing}>{ lang.text(Text::ClientToBroker) }</option>
                        </select>
                        <select id="fault-drop-client" aria-label={lang.text(Text::Client)} onchange={on_drop_client}>
                            { for props.actors.iter().enumerate().map(|(index, actor)| html! {
                                <option value={index.to_string()} selected={index == *drop_client}>{ actor.name }</option>
                            }) }
                        </select>
                        <button id="fault-drop-next" class="secondary" onclick={arm_drop}>{ lang.text(Text::LoseIt) }</button>
                    </div>
                    <p class="muted small" aria-live="polite">{ (*armed).clone() }</p>
                </fieldset>
                <fieldset>
                    <legend>{ lang.text(Text::HoldAndConnections) }</legend>
                    <label class="check">
                        <input id="fault-hold" type="checkbox" onchange={on_hold} />{ lang.text(Text::HoldEveryPacket) }
                    </label>
                    <div class="row">
                        <button id="fault-release" class="secondary" disabled={held == 0} onclick={release(false)}>{ lang.text(Text::ReleaseNext) }</button>
                        <button id="fault-drop-held" class="secondary" disabled={held == 0} onclick={release(true)}>{ lang.text(Text::LoseNext) }</button>
                        <span class="muted small" aria-live="polite">{ lang.fill(Text::Held, &[&held]) }</span>
                    </div>
                    <div class="fault-connections">
                        { for props.actors.iter().enumerate().map(|(index, actor)| html! {
                            <>
                                <span>{ actor.name }</span>
                                <button id={format!("fault-cut-{index}")} class="secondary" disabled={!open[index]}
                                        aria-label={lang.fill(Text::CutConnectionOf, &[&actor.name])}
                                        onclick={connection(index, false)}>{ lang.text(Text::Cut) }</button>
                                <button id={format!("fault-reconnect-{index}")} class="secondary" disabled={open[index]}
                                        aria-label={lang.fill(Text::ReconnectClient, &[&actor.name])}
                                        onclick={connection(index, true)}>{ lang.text(Text::Reconnect) }</button>
                            </>
                        }) }
                    </div>
                </fieldset>
            </div>
        </section>
    }
}
