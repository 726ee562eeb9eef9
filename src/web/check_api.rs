//! `qoscope.checkBroker(target, options)`: the broker check from JavaScript, for
//! `scripts/check-broker` (headless Chromium) and for anyone scripting the page.
//!
//! ```js
//! const run = await qoscope.checkBroker("ws://127.0.0.1:9001/mqtt", { versions: ["5.0"], heavy: false });
//! console.log(run.report.summary, run.junit);
//! ```
//! `target` is a ws:// or wss:// URL, or `"simulated"` for the built-in broker (with
//! `options.faults`, a list of fault names, to see checks fail). `options.onStart(text)` hears
//! what the run will publish and where before it starts; `options.onResult(done, total, result)`
//! hears each verdict as it comes.

use js_sys::{Function, Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::check_runner::{run, run_id, Target};
use crate::broker::{BrokerConfig, BrokerFault, BrokerProfile};
use crate::check::{listing, NegativeTests, RunSettings};
use crate::codec::ProtocolVersion;

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct CheckOptions {
    versions: Option<Vec<String>>,
    heavy: Option<bool>,
    /// Run the negative tests (`true`), leave them out (`false`), or decide by the target
    /// (absent: only on loopback and the simulated broker).
    negative: Option<bool>,
    /// Check ids or tags to run.
    only: Vec<String>,
    /// Check ids or tags to leave out.
    skip: Vec<String>,
    username: Option<String>,
    password: Option<String>,
    topic_root: Option<String>,
    faults: Vec<String>,
    /// A named capability profile of the simulated broker ("speaks 3.1.1 only", ...).
    profile: Option<String>,
}

fn parse_target(target: &str, options: &CheckOptions) -> Result<Target, String> {
    if target == "simulated" {
        let mut config = BrokerConfig::default();
        if let Some(name) = &options.profile {
            config = BrokerProfile::find(name)
                .ok_or_else(|| {
                    let known: Vec<&str> = BrokerProfile::ALL
                        .iter()
                        .map(|profile| profile.name)
                        .collect();
                    format!(
                        "unknown broker profile \"{name}\"; known: {}",
                        known.join(", ")
                    )
                })?
                .config();
        }
        for name in &options.faults {
            let fault = BrokerFault::ALL
                .iter()
                .find(|fault| fault.name() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        BrokerFault::ALL.iter().map(|fault| fault.name()).collect();
                    format!("unknown fault \"{name}\"; known: {}", known.join(", "))
                })?;
            config.faults.set(*fault, true);
        }
        return Ok(Target::Simulated(config));
    }
    if options.profile.is_some() || !options.faults.is_empty() {
        return Err(
            "profile and faults apply to the simulated broker only: give \"simulated\" as the target"
                .into(),
        );
    }
    crate::broker_url::BrokerUrl::parse(target).map_err(|error| error.to_string())?;
    Ok(Target::Broker {
        url: target.to_owned(),
        username: options.username.clone(),
        password: options.password.clone(),
    })
}

fn settings(target: &str, options: &CheckOptions) -> Result<RunSettings, String> {
    let mut settings = RunSettings::new(run_id());
    if let Some(versions) = &options.versions {
        settings.versions = versions
            .iter()
            .map(|version| match version.as_str() {
                "3.1.1" | "4" => Ok(ProtocolVersion::V311),
                "5.0" | "5" => Ok(ProtocolVersion::V5),
                other => Err(format!(
                    "unknown version \"{other}\": use \"3.1.1\" or \"5.0\""
                )),
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(heavy) = options.heavy {
        settings.heavy = heavy;
    }
    if let Some(root) = &options.topic_root {
        crate::topic::validate_topic_name(root).map_err(|error| format!("topic root: {error}"))?;
        settings.topic_root = root.trim_end_matches('/').to_owned();
    }
    settings.negative = NegativeTests::for_target(target, options.negative);
    settings.only = options.only.clone();
    settings.skip = options.skip.clone();
    settings.check_selection()?;
    Ok(settings)
}

fn check_broker(target: String, options: JsValue) -> Promise {
    let callback = |name: &str| {
        Reflect::get(&options, &name.into())
            .ok()
            .and_then(|value| value.dyn_into::<Function>().ok())
    };
    let (on_start, on_result) = (callback("onStart"), callback("onResult"));
    let parsed: Result<CheckOptions, String> = if options.is_undefined() || options.is_null() {
        Ok(CheckOptions::default())
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|error| format!("options: {error}"))
    };
    let prepared = parsed.and_then(|options| {
        Ok((
            parse_target(&target, &options)?,
            settings(&target, &options)?,
        ))
    });
    wasm_bindgen_futures::future_to_promise(async move {
        let (target, settings) =
            prepared.map_err(|error| JsValue::from(js_sys::Error::new(&error)))?;
        // What the run will do to the broker, said before it does it.
        if let Some(on_start) = &on_start {
            let _ = on_start.call1(&JsValue::NULL, &settings.announcement().into());
        }
        let report = run(&target, &settings, |done, total, result| {
            if let Some(callback) = &on_result {
                let _ = callback.call3(
                    &JsValue::NULL,
                    &(done as u32).into(),
                    &(total as u32).into(),
                    // Plain objects, not Maps (the result flattens its outcome).
                    &result
                        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                        .unwrap_or(JsValue::NULL),
                );
            }
        })
        .await;
        let json = report.to_json();
        let out = Object::new();
        let _ = Reflect::set(
            &out,
            &"report".into(),
            &js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL),
        );
        let _ = Reflect::set(&out, &"json".into(), &json.into());
        let _ = Reflect::set(&out, &"markdown".into(), &report.to_markdown().into());
        let _ = Reflect::set(&out, &"junit".into(), &report.to_junit().into());
        let _ = Reflect::set(&out, &"html".into(), &report.to_html().into());
        let _ = Reflect::set(
            &out,
            &"announcement".into(),
            &settings.announcement().into(),
        );
        Ok(out.into())
    })
}

/// Adds `checkBroker` and `checkList` (every check: id, versions, tags, title, one a line) to
/// the `window.qoscope` object being installed.
pub fn install(api: &Object) {
    let check = Closure::<dyn Fn(String, JsValue) -> Promise>::new(check_broker).into_js_value();
    let _ = Reflect::set(api, &"checkBroker".into(), &check);
    let list = Closure::<dyn Fn() -> String>::new(listing).into_js_value();
    let _ = Reflect::set(api, &"checkList".into(), &list);
}
