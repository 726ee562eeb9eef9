//! The offline default: the simulated broker with a publisher and a subscriber already connected,
//! buttons to publish at each QoS, a fault to lose the next acknowledgement, and the live
//! sequence diagram of what happens.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::effective_qos::EffectiveQos;
use super::sequence_diagram::SequenceDiagram;
use crate::broker::BrokerConfig;
use crate::codec::{PacketType, ProtocolVersion, QoS, Subscription, SubscriptionOptions};
use crate::diagram::layout;
use crate::session::{ConnectOptions, PublishRequest};
use crate::sim::{LinkFaults, Side, World};
use crate::trace::{delivery_rows, TraceStore};
use crate::web::sim_driver::SimDriver;

const PUBLISHER: usize = 0;
const SUBSCRIBER: usize = 1;
const TOPIC: &str = "demo/greeting";

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

    let clients = [(1, "Publisher".to_owned()), (2, "Subscriber".to_owned())];
    let scene = layout(simulation.store.borrow().packets(), &clients, 40);
    let rows = Rc::new(delivery_rows(&simulation.store.borrow()));
    html! {
        <section class="panel panel--wide" aria-labelledby="sim-title">
            <h2 id="sim-title">{ "Watch QoS happen (simulated broker, no network needed)" }</h2>
            <p class="muted">{ "Publish a message and follow its packets. Lose an acknowledgement, then reconnect the publisher: it sends the message again with DUP=1." }</p>
            <div class="row">
                <button id="publish-qos0" onclick={publish(QoS::AtMostOnce)}>{ "Publish QoS 0" }</button>
                <button id="publish-qos1" onclick={publish(QoS::AtLeastOnce)}>{ "Publish QoS 1" }</button>
                <button id="publish-qos2" onclick={publish(QoS::ExactlyOnce)}>{ "Publish QoS 2" }</button>
                <label class="check"><input id="lose-ack" type="checkbox" checked={*lose_ack} onchange={toggle_loss} />{ " Lose the next PUBACK/PUBREC" }</label>
                <button id="reconnect-publisher" class="secondary" onclick={reconnect}>{ "Reconnect publisher" }</button>
            </div>
            <SequenceDiagram {scene} />
            <EffectiveQos driver={simulation.driver.clone()} {rows} clients={clients.to_vec()} publisher={PUBLISHER} subscriber={SUBSCRIBER} />
        </section>
    }
}
