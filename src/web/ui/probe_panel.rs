//! Check that a broker's WebSocket listener answers CONNECT with CONNACK.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use super::packet_bytes::PacketBytes;
use super::version_select::VersionSelect;
use crate::codec::ProtocolVersion;
use crate::i18n::Text;
use crate::web::probe::{self, Probe, ProbeOutcome};

#[derive(Clone, PartialEq)]
enum ProbeState {
    Idle,
    Running,
    Done(ProbeOutcome),
}

#[function_component(ProbePanel)]
pub fn probe_panel() -> Html {
    let lang = use_lang();
    let url = use_state(|| {
        super::address::query("broker").unwrap_or_else(|| "ws://127.0.0.1:9001/mqtt".to_owned())
    });
    let version = use_state(|| ProtocolVersion::V311);
    let state = use_state(|| ProbeState::Idle);
    let running = use_mut_ref(|| None::<Probe>);

    let on_url = {
        let url = url.clone();
        Callback::from(move |event: InputEvent| {
            url.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_version = {
        let version = version.clone();
        Callback::from(move |chosen| version.set(chosen))
    };
    let on_run = {
        let (url, version, state, running) =
            (url.clone(), version.clone(), state.clone(), running.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            state.set(ProbeState::Running);
            let done = state.clone();
            match probe::start(&url, *version, move |outcome| {
                done.set(ProbeState::Done(outcome))
            }) {
                Ok(probe) => *running.borrow_mut() = Some(probe),
                Err(message) => state.set(ProbeState::Done(Err(message))),
            }
        })
    };

    let result = match &*state {
        ProbeState::Idle => {
            html! { <output id="probe-result" class="muted">{ lang.text(Text::NotRunYet) }</output> }
        }
        ProbeState::Running => {
            html! { <output id="probe-result" class="muted">{ lang.text(Text::Connecting) }</output> }
        }
        ProbeState::Done(Ok(report)) => html! {
            <>
                <output id="probe-result" data-status={if report.accepted { "ok" } else { "refused" }} class="summary mono">
                    { lang.text(if report.accepted { Text::Accepted } else { Text::Refused }) }{ &report.label }
                    { if report.accepted { " (Success)" } else { "" } }
                </output>
                <PacketBytes id="probe" bytes={report.bytes.clone()} fields={report.fields.clone()} />
            </>
        },
        ProbeState::Done(Err(message)) => html! {
            <output id="probe-result" data-status="error" class="error" role="alert">{ message }</output>
        },
    };

    html! {
        <section class="panel" id="probe" aria-labelledby="probe-title">
            <h2 id="probe-title">{ lang.text(Text::ProbeABroker) }</h2>
            <form class="probe-form" onsubmit={on_run}>
                <label for="probe-url" class="block-label">{ lang.text(Text::WebSocketUrl) }</label>
                <input id="probe-url" class="mono" type="text" spellcheck="false" value={(*url).clone()} oninput={on_url} />
                <div class="row">
                <VersionSelect id="probe-version" value={*version} on_change={on_version} />
                    <button id="probe-run" type="submit" disabled={*state == ProbeState::Running}>{ lang.text(Text::SendConnect) }</button>
                </div>
            </form>
            { result }
        </section>
    }
}
