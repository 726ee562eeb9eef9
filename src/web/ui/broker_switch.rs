//! Where the page's clients run: the simulated broker, or a real one by URL with its protocol
//! and credentials. Connections can be saved as profiles in the browser (the password only when
//! "Remember password" is ticked); `?broker=ws://host:port/mqtt` fills in the URL, so a link
//! opens a ready page.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::language_switch::use_lang;
use super::version_select::VersionSelect;
use crate::broker_url::BrokerUrl;
use crate::codec::ProtocolVersion;
use crate::i18n::Text;
use crate::profile::{Profile, Profiles};

const STORAGE_KEY: &str = "qoscope-profiles";

/// A real broker to connect the clients to.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveBroker {
    pub url: String,
    pub version: ProtocolVersion,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct BrokerSwitchProps {
    /// The broker the clients use now (`None`: the simulated one).
    pub current: Option<LiveBroker>,
    pub on_simulated: Callback<()>,
    pub on_live: Callback<LiveBroker>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_profiles() -> Profiles {
    let stored = storage().and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
    Profiles::from_json(stored.as_deref())
}

fn store_profiles(profiles: &Profiles) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &profiles.to_json());
    }
}

fn value(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

#[function_component(BrokerSwitch)]
pub fn broker_switch(props: &BrokerSwitchProps) -> Html {
    let lang = use_lang();
    let url = use_state(|| {
        super::address::query("broker").unwrap_or_else(|| "ws://127.0.0.1:9001/mqtt".to_owned())
    });
    let version = use_state(|| ProtocolVersion::V5);
    let username = use_state(String::new);
    let password = use_state(String::new);
    let remember = use_state(|| false);
    let profile_name = use_state(String::new);
    let profiles = use_state(load_profiles);
    let problem = use_state(|| None::<String>);

    let target = LiveBroker {
        url: (*url).clone(),
        version: *version,
        username: (!username.is_empty()).then(|| (*username).clone()),
        password: (!password.is_empty()).then(|| (*password).clone()),
    };
    let connect = {
        let (on_live, problem, target) = (props.on_live.clone(), problem.clone(), target.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match BrokerUrl::parse(&target.url) {
                Ok(_) => {
                    problem.set(None);
                    on_live.emit(target.clone());
                }
                Err(error) => problem.set(Some(error.to_string())),
            }
        })
    };
    let save = {
        let (profiles, profile_name, remember, problem) = (
            profiles.clone(),
            profile_name.clone(),
            remember.clone(),
            problem.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let name = profile_name.trim();
            let name = if name.is_empty() {
                target.url.as_str()
            } else {
                name
            };
            let mut next = (*profiles).clone();
            let profile = Profile {
                name: name.to_owned(),
                url: target.url.clone(),
                version: target.version,
                username: target.username.clone(),
                password: target.password.clone(),
            };
            next.save(profile, *remember);
            store_profiles(&next);
            profiles.set(next);
            problem.set(None);
        })
    };
    let choose = {
        let (profiles, url, version, username, password, profile_name) = (
            profiles.clone(),
            url.clone(),
            version.clone(),
            username.clone(),
            password.clone(),
            profile_name.clone(),
        );
        Callback::from(move |event: Event| {
            let name = event
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Some(profile) = profiles.get(&name) {
                url.set(profile.url.clone());
                version.set(profile.version);
                username.set(profile.username.clone().unwrap_or_default());
                password.set(profile.password.clone().unwrap_or_default());
                profile_name.set(profile.name.clone());
            }
        })
    };
    let forget = {
        let (profiles, profile_name) = (profiles.clone(), profile_name.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*profiles).clone();
            next.remove(&profile_name);
            store_profiles(&next);
            profiles.set(next);
        })
    };
    let simulated = props.current.is_none();
    let on_simulated = props.on_simulated.reform(|_: MouseEvent| ());
    let on_version = {
        let version = version.clone();
        Callback::from(move |chosen| version.set(chosen))
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(value(&event)))
    };
    html! {
        <form class="broker-switch" onsubmit={connect} aria-label={lang.text(Text::WhichBroker)}>
            <div class="row">
                <button type="button" id="use-simulated" class={classes!((!simulated).then_some("secondary"))}
                    aria-pressed={simulated.to_string()} onclick={on_simulated}>{ lang.text(Text::SimulatedBroker) }</button>
                <label for="live-url">{ lang.text(Text::OrABrokerAt) }</label>
                <input id="live-url" class="mono" type="text" spellcheck="false" value={(*url).clone()} oninput={input(&url)} />
                <VersionSelect id="live-version" value={*version} on_change={on_version} />
                <button type="submit" id="use-url" class={classes!(simulated.then_some("secondary"))}>{ lang.text(Text::ConnectBothClients) }</button>
            </div>
            <details class="broker-details">
                <summary>{ lang.text(Text::CredentialsAndProfiles) }</summary>
                <div class="row">
                    <label for="live-username">{ lang.text(Text::Username) }</label>
                    <input id="live-username" type="text" autocomplete="off" value={(*username).clone()} oninput={input(&username)} />
                    <label for="live-password">{ lang.text(Text::Password) }</label>
                    <input id="live-password" type="password" autocomplete="off" value={(*password).clone()} oninput={input(&password)} />
                </div>
                <div class="row">
                    <label for="profile-name">{ lang.text(Text::ProfileName) }</label>
                    <input id="profile-name" type="text" value={(*profile_name).clone()} oninput={input(&profile_name)} />
                    <label><input id="profile-remember" type="checkbox" checked={*remember}
                        onchange={{ let remember = remember.clone(); Callback::from(move |event: Event| remember.set(event.target_unchecked_into::<HtmlInputElement>().checked())) }} />{ lang.text(Text::RememberPassword) }</label>
                    <button type="button" class="secondary" id="profile-save" onclick={save}>{ lang.text(Text::SaveProfile) }</button>
                    <label for="profile-list" class="visually-hidden">{ lang.text(Text::SavedProfiles) }</label>
                    <select id="profile-list" onchange={choose}>
                        <option value="" selected=true>{ lang.text(if profiles.list.is_empty() { Text::NoSavedProfiles } else { Text::OpenSavedProfile }) }</option>
                        { for profiles.list.iter().map(|profile| html! { <option value={profile.name.clone()}>{ format!("{} ({})", profile.name, profile.url) }</option> }) }
                    </select>
                    <button type="button" class="secondary" id="profile-forget" onclick={forget} disabled={profiles.get(&profile_name).is_none()}>{ lang.text(Text::Forget) }</button>
                </div>
                <p class="muted">{ lang.text(Text::PasswordsKept) }</p>
            </details>
            { (*problem).clone().map(|text| html! { <p class="error" role="alert">{ text }</p> }).unwrap_or_default() }
        </form>
    }
}
