//! "Check a broker": the broker check suite in the page. Each result shows its verdict, the
//! rule, what was expected and seen, and opens to its own sequence diagram and transcript; the
//! run exports as JSON, Markdown and JUnit XML. Against the simulated broker, deliberate faults
//! show what a broken broker looks like.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::download::download;
use super::language_switch::use_lang;
use super::routing::use_go;
use super::sequence_diagram::SequenceDiagram;
use crate::broker::{BrokerConfig, BrokerFault, BrokerFaults, BrokerProfile};
use crate::broker_url::BrokerUrl;
use crate::check::{version_name, CheckResult, NegativeTests, Report, RunSettings, Verdict};
use crate::codec::ProtocolVersion;
use crate::i18n::{Lang, Text};
use crate::route::{version_named, CheckLink, CheckTarget, Route};
use crate::web::check_runner::{run, run_id, Target};

/// Rows of a check's diagram (the longest checks are a few hundred packets).
const DIAGRAM_ROWS: usize = 80;

fn input_value(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

/// Why sending credentials to `url` deserves a warning, if it does.
fn credential_warning(url: &str, has_credentials: bool, lang: Lang) -> Option<String> {
    let url = BrokerUrl::parse(url).ok()?;
    (has_credentials && !url.is_secure() && !url.is_loopback())
        .then(|| lang.fill(Text::UnencryptedCredentials, &[&url.host()]))
}

#[derive(Properties, PartialEq)]
struct ResultRowProps {
    result: Rc<CheckResult>,
    open: bool,
    on_toggle: Callback<String>,
}

#[function_component(ResultRow)]
fn result_row(props: &ResultRowProps) -> Html {
    let lang = use_lang();
    let result = &props.result;
    let key = result.key();
    let onclick = {
        let key = key.clone();
        props.on_toggle.reform(move |_| key.clone())
    };
    let verdict = result.outcome.verdict.as_str();
    let details = props.open.then(|| {
        let scene = result.scene(DIAGRAM_ROWS);
        html! {
            <div class="check-details" id={format!("details-{key}")}>
                <dl class="check-facts">
                    <dt>{ lang.text(Text::Rule) }</dt><dd>{ &result.rule }</dd>
                    <dt>{ lang.text(Text::Expected) }</dt><dd>{ &result.outcome.expected }</dd>
                    <dt>{ lang.text(Text::Seen) }</dt><dd>{ &result.outcome.seen }</dd>
                    <dt>{ lang.text(Text::Took) }</dt><dd>{ format!("{} ms", result.duration_ms) }</dd>
                </dl>
                { if scene.hidden > 0 { html! { <p class="muted">{ lang.fill(Text::EarlierNotDrawn, &[&scene.hidden]) }</p> } } else { html! {} } }
                <div class="diagram-scroll"><SequenceDiagram id={AttrValue::from(format!("diagram-{key}"))} {scene} /></div>
                <details class="transcript">
                    <summary>{ lang.fill(Text::TranscriptLines, &[&result.transcript.len()]) }</summary>
                    <pre class="mono">{ result.transcript.join("\n") }</pre>
                </details>
            </div>
        }
    });
    html! {
        <li class={classes!("check-result", format!("check-result--{verdict}"))} data-check={key.clone()} data-verdict={verdict}>
            <button type="button" class="check-row" aria-expanded={props.open.to_string()} {onclick}>
                <span class={classes!("verdict", format!("verdict--{verdict}"))}>{ verdict }</span>
                <span class="check-title">{ &result.title }</span>
                <span class="check-version muted">{ &result.version }</span>
                <span class="check-seen muted">{ &result.outcome.seen }</span>
                { for result.outcome.limit.as_ref().map(|limit| html! {
                    <span class="check-limit" data-limit={limit.value.to_string()}>{ lang.fill(Text::LimitFound, &[&limit.value_text()]) }</span>
                }) }
            </button>
            { details.unwrap_or_default() }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckPanelProps {
    /// The target and options the address holds, while the check is shown.
    pub link: Option<CheckLink>,
}

/// The protocol select's value for the version(s) to check.
fn versions_value(version: Option<ProtocolVersion>) -> String {
    version.map_or("both", version_name).to_owned()
}

#[function_component(CheckPanel)]
pub fn check_panel(props: &CheckPanelProps) -> Html {
    let lang = use_lang();
    let go = use_go();
    let initial = props.link.clone().unwrap_or_default();
    let (initial_profile, initial_faults, initial_url) = match &initial.target {
        CheckTarget::Simulated { profile, faults } => (*profile, *faults, None),
        CheckTarget::Broker(url) => (0, BrokerFaults::default(), Some(url.clone())),
    };
    let simulated = use_state(|| initial_url.is_none());
    let url = use_state(|| {
        initial_url.unwrap_or_else(|| {
            super::address::query("broker").unwrap_or_else(|| "ws://127.0.0.1:9001/mqtt".to_owned())
        })
    });
    let versions = use_state(|| versions_value(initial.version));
    let username = use_state(String::new);
    let password = use_state(String::new);
    let topic_root = use_state(|| initial.topic_root.clone());
    let heavy = use_state(|| initial.heavy);
    // The negative tests' checkbox, once touched or set by the address (until then the target
    // decides: on for the simulated broker and loopback, off for anything else).
    let negative = use_state(|| initial.negative);
    let faults = use_state(|| initial_faults);
    // Which of the simulated broker's capability profiles (what a compliant broker may declare).
    let profile = use_state(|| initial_profile);
    // The settings as an address carries them (never the credentials).
    let link = CheckLink {
        target: if *simulated {
            CheckTarget::Simulated {
                profile: *profile,
                faults: *faults,
            }
        } else {
            CheckTarget::Broker((*url).clone())
        },
        version: version_named(&versions),
        topic_root: (*topic_root).clone(),
        heavy: *heavy,
        negative: *negative,
    };
    {
        // Another address (a link followed, Back or Forward) shows its settings.
        let states = (
            simulated.clone(),
            url.clone(),
            versions.clone(),
            topic_root.clone(),
            heavy.clone(),
            negative.clone(),
            faults.clone(),
            profile.clone(),
        );
        let shown = link.clone();
        use_effect_with(props.link.clone(), move |wanted| {
            let Some(wanted) = wanted.clone().filter(|wanted| *wanted != shown) else {
                return;
            };
            let (simulated, url, versions, topic_root, heavy, negative, faults, profile) = states;
            match wanted.target {
                CheckTarget::Simulated {
                    profile: chosen,
                    faults: broken,
                } => {
                    simulated.set(true);
                    profile.set(chosen);
                    faults.set(broken);
                }
                CheckTarget::Broker(address) => {
                    simulated.set(false);
                    url.set(address);
                }
            }
            versions.set(versions_value(wanted.version));
            topic_root.set(wanted.topic_root);
            heavy.set(wanted.heavy);
            negative.set(wanted.negative);
        });
    }
    let results = use_mut_ref(Vec::<Rc<CheckResult>>::new);
    let progress = use_state(|| None::<(usize, usize)>);
    let report = use_state(|| None::<Rc<Report>>);
    let open = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);

    let settings = {
        let mut settings = RunSettings::new("<run id>");
        let root = topic_root.trim().trim_end_matches('/');
        if !root.is_empty() {
            settings.topic_root = root.to_owned();
        }
        settings.versions = match link.version {
            Some(version) => vec![version],
            None => vec![ProtocolVersion::V311, ProtocolVersion::V5],
        };
        settings.heavy = *heavy;
        let target = if *simulated {
            "simulated"
        } else {
            url.as_str()
        };
        settings.negative = NegativeTests::for_target(target, *negative);
        settings
    };
    let running = progress.is_some() && report.is_none();

    let on_run = {
        let (simulated, url, username, password, topic_root) = (
            simulated.clone(),
            url.clone(),
            username.clone(),
            password.clone(),
            topic_root.clone(),
        );
        let profile = *profile;
        let (faults, results, progress, report, open, error, settings) = (
            faults.clone(),
            results.clone(),
            progress.clone(),
            report.clone(),
            open.clone(),
            error.clone(),
            settings.clone(),
        );
        let (go, route) = (go.clone(), Route::Check(link.clone()));
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            // The address now says what was run, so the run can be shared (without credentials).
            go.replace(&route);
            let target = if *simulated {
                let mut config = BrokerProfile::ALL
                    .get(profile)
                    .map_or_else(BrokerConfig::default, BrokerProfile::config);
                config.faults = *faults;
                Target::Simulated(config)
            } else {
                if let Err(problem) = BrokerUrl::parse(&url) {
                    error.set(Some(problem.to_string()));
                    return;
                }
                let text = |value: &str| (!value.is_empty()).then(|| value.to_owned());
                Target::Broker {
                    url: (*url).clone(),
                    username: text(&username),
                    password: text(&password),
                }
            };
            let mut settings = settings.clone();
            settings.run_id = run_id();
            if topic_root.trim().is_empty() {
                settings.topic_root = format!("qoscope-check/{}", settings.run_id);
            } else if let Err(problem) = crate::topic::validate_topic_name(&settings.topic_root) {
                error.set(Some(lang.fill(Text::TopicPrefixError, &[&problem])));
                return;
            }
            error.set(None);
            results.borrow_mut().clear();
            report.set(None);
            open.set(None);
            progress.set(Some((0, settings.plan().len())));
            let (results, progress, report) = (results.clone(), progress.clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let finished = run(&target, &settings, |done, total, result| {
                    results.borrow_mut().push(Rc::new(result.clone()));
                    progress.set(Some((done, total)));
                })
                .await;
                report.set(Some(Rc::new(finished)));
            });
        })
    };

    let on_toggle = {
        let open = open.clone();
        Callback::from(move |key: String| {
            open.set(if open.as_deref() == Some(key.as_str()) {
                None
            } else {
                Some(key)
            })
        })
    };
    let export = |format: &'static str| {
        let (report, error) = (report.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(report) = report.as_ref() else {
                return;
            };
            let (text, mime, extension) = match format {
                "json" => (report.to_json(), "application/json", "json"),
                "markdown" => (report.to_markdown(), "text/markdown", "md"),
                _ => (report.to_junit(), "application/xml", "junit.xml"),
            };
            if let Err(problem) = download(
                &format!("qoscope-check-{}.{extension}", report.run_id),
                mime,
                &text,
            ) {
                error.set(Some(lang.text(problem).to_owned()));
            }
        })
    };

    let warning = (!*simulated)
        .then(|| credential_warning(&url, !username.is_empty() || !password.is_empty(), lang))
        .flatten();
    let shown: Vec<Rc<CheckResult>> = results.borrow().clone();
    let counts = shown.iter().fold([0usize; 4], |mut counts, result| {
        counts[match result.outcome.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Warn => 2,
            Verdict::Skipped => 3,
        }] += 1;
        counts
    });

    html! {
        <section class="panel panel--wide" aria-labelledby="check-title" id="check">
            <h2 id="check-title">{ lang.text(Text::CheckABroker) }</h2>
            <form class="check-form" onsubmit={on_run}>
                <div class="row" role="radiogroup" aria-label={lang.text(Text::WhatToCheck)}>
                    <label><input type="radio" name="check-target" id="check-target-sim" checked={*simulated}
                        onchange={{ let simulated = simulated.clone(); Callback::from(move |_| simulated.set(true)) }} />{ format!(" {}", lang.text(Text::SimulatedBroker)) }</label>
                    <label><input type="radio" name="check-target" id="check-target-url" checked={!*simulated}
                        onchange={{ let simulated = simulated.clone(); Callback::from(move |_| simulated.set(false)) }} />{ format!(" {}", lang.text(Text::BrokerAtUrl)) }</label>
                </div>
                if *simulated {
                    <div class="row">
                        <label for="check-profile">{ lang.text(Text::SimulatedBrokerDeclares) }</label>
                        <select id="check-profile" onchange={{ let profile = profile.clone(); Callback::from(move |event: Event| {
                            profile.set(event.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as usize)
                        }) }}>
                            { for BrokerProfile::ALL.iter().enumerate().map(|(index, option)| html! {
                                <option value={option.name} selected={index == *profile}>{ option.name }</option>
                            }) }
                        </select>
                    </div>
                    <fieldset class="check-faults">
                        <legend>{ lang.text(Text::BreakOnPurpose) }</legend>
                        { for BrokerFault::ALL.iter().map(|fault| {
                            let fault = *fault;
                            let faults = faults.clone();
                            let on = faults.has(fault);
                            let onchange = Callback::from(move |event: Event| {
                                let mut next = *faults;
                                next.set(fault, event.target_unchecked_into::<HtmlInputElement>().checked());
                                faults.set(next);
                            });
                            html! { <label><input type="checkbox" id={format!("check-fault-{fault:?}")} checked={on} {onchange} />{ format!(" {}", fault.name()) }</label> }
                        }) }
                    </fieldset>
                } else {
                    <>
                        <label for="check-url" class="block-label">{ lang.text(Text::WebSocketUrl) }</label>
                        <input id="check-url" class="mono" type="text" spellcheck="false" value={(*url).clone()}
                            oninput={{ let url = url.clone(); Callback::from(move |event: InputEvent| url.set(input_value(&event))) }} />
                        <div class="row">
                            <label for="check-username">{ lang.text(Text::Username) }</label>
                            <input id="check-username" type="text" autocomplete="off" value={(*username).clone()}
                                oninput={{ let username = username.clone(); Callback::from(move |event: InputEvent| username.set(input_value(&event))) }} />
                            <label for="check-password">{ lang.text(Text::Password) }</label>
                            <input id="check-password" type="password" autocomplete="off" value={(*password).clone()}
                                oninput={{ let password = password.clone(); Callback::from(move |event: InputEvent| password.set(input_value(&event))) }} />
                        </div>
                        <p class="muted">{ lang.text(Text::CredentialsNotStored) }</p>
                        { warning.map(|text| html! { <p class="error" role="alert" id="check-credential-warning">{ text }</p> }).unwrap_or_default() }
                    </>
                }
                <div class="row">
                    <label for="check-versions">{ lang.text(Text::Protocol) }</label>
                    <select id="check-versions" onchange={{ let versions = versions.clone(); Callback::from(move |event: Event| versions.set(event.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                        <option value="both" selected={*versions == "both"}>{ lang.text(Text::BothVersions) }</option>
                        <option value="3.1.1" selected={*versions == "3.1.1"}>{ "MQTT 3.1.1" }</option>
                        <option value="5.0" selected={*versions == "5.0"}>{ "MQTT 5.0" }</option>
                    </select>
                    <label for="check-topic-root">{ lang.text(Text::TopicPrefix) }</label>
                    <input id="check-topic-root" class="mono" type="text" spellcheck="false" placeholder={lang.text(Text::TopicPrefixPlaceholder)} value={(*topic_root).clone()}
                        oninput={{ let topic_root = topic_root.clone(); Callback::from(move |event: InputEvent| topic_root.set(input_value(&event))) }} />
                    <label><input id="check-heavy" type="checkbox" checked={*heavy}
                        onchange={{ let heavy = heavy.clone(); Callback::from(move |event: Event| heavy.set(event.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ lang.text(Text::BurstsAndLargePayloads) }</label>
                    <label><input id="check-negative" type="checkbox" checked={settings.negative == NegativeTests::Run}
                        onchange={{ let negative = negative.clone(); Callback::from(move |event: Event| negative.set(Some(event.target_unchecked_into::<HtmlInputElement>().checked()))) }} />{ lang.text(Text::NegativeTests) }</label>
                    <button id="check-run" type="submit" disabled={running}>{ lang.text(if running { Text::Running } else { Text::RunTheChecks }) }</button>
                </div>
                <p class="muted" id="check-plan">{ settings.announcement() }</p>
            </form>
            { (*error).clone().map(|text| html! { <p class="error" role="alert">{ text }</p> }).unwrap_or_default() }
            if let Some((done, total)) = *progress {
                <div class="row check-summary" id="check-summary" aria-live="polite" data-done={(report.is_some()).to_string()}>
                    <span>{ lang.fill(Text::CheckProgress, &[&done, &total]) }</span>
                    <span class="verdict verdict--pass">{ lang.fill(Text::PassCount, &[&counts[0]]) }</span>
                    <span class="verdict verdict--fail">{ lang.fill(Text::FailCount, &[&counts[1]]) }</span>
                    <span class="verdict verdict--warn">{ lang.fill(Text::WarnCount, &[&counts[2]]) }</span>
                    <span class="verdict verdict--skipped">{ lang.fill(Text::SkippedCount, &[&counts[3]]) }</span>
                    if report.is_some() {
                        <button type="button" id="check-export-json" onclick={export("json")}>{ lang.text(Text::ExportJson) }</button>
                        <button type="button" id="check-export-markdown" onclick={export("markdown")}>{ lang.text(Text::ExportMarkdown) }</button>
                        <button type="button" id="check-export-junit" onclick={export("junit")}>{ lang.text(Text::ExportJunit) }</button>
                    }
                </div>
            }
            if let Some(report) = report.as_ref() {
                // What the broker declared heads the results: every verdict was judged against it.
                <ul class="check-declared" id="check-declared">
                    { for report.declared.iter().map(|declared| html! {
                        <li data-version={declared.version.clone()}>
                            <strong>{ format!("MQTT {}: ", declared.version) }</strong>
                            { if declared.declares.is_empty() { lang.text(Text::DeclaresNoLimits).to_owned() } else { declared.declares.join("; ") } }
                        </li>
                    }) }
                </ul>
            }
            <ol class="check-results" id="check-results">
                { for shown.iter().map(|result| html! {
                    <ResultRow result={result.clone()} open={open.as_deref() == Some(result.key().as_str())} on_toggle={on_toggle.clone()} />
                }) }
            </ol>
            { report.as_ref().map(|report| html! { <super::coverage_table::CoverageTable report={report.clone()} /> }).unwrap_or_default() }
        </section>
    }
}
