//! The views' addresses in the page. yew-router's `HashRouter` keeps them in the URL's fragment,
//! so the page needs no server rewrite rules and works from any path; src/route.rs decides what
//! an address means, and these hooks read the current one and move to another.

use yew::prelude::*;
use yew_router::prelude::*;
use yew_router::query::Raw;
use yew_router::AnyRoute;

use crate::route::{legacy_redirect, Route};

/// The route the address shows.
#[hook]
pub fn use_current_route() -> Route {
    use_location().map_or(Route::Workbench, |location| {
        Route::parse(location.path(), location.query_str())
    })
}

/// Moves the page to another route.
#[derive(Clone)]
pub struct Go(Option<Navigator>);

impl Go {
    /// To `route`, as a new history entry: a view or a lesson chosen, which Back returns from.
    pub fn push(&self, route: &Route) {
        self.go(route, false);
    }

    /// To `route` in place of the current entry: settings edited within a view.
    pub fn replace(&self, route: &Route) {
        self.go(route, true);
    }

    fn go(&self, route: &Route, replace: bool) {
        let Some(navigator) = &self.0 else { return };
        let path = AnyRoute::new(route.path());
        let query = Raw(route.query_string());
        // An empty query would leave a bare `?` in the address.
        match (query.0.is_empty(), replace) {
            (true, false) => navigator.push(&path),
            (true, true) => navigator.replace(&path),
            // A raw query cannot fail to encode.
            (false, false) => drop(navigator.push_with_query(&path, query)),
            (false, true) => drop(navigator.replace_with_query(&path, query)),
        }
    }
}

/// What moves the page to another route.
#[hook]
pub fn use_go() -> Go {
    Go(use_navigator())
}

/// Rewrites an old address (`?lesson=<id>`) to its new one, in place; runs before the router
/// first reads the address.
pub fn redirect_legacy() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let Some(redirect) = location
        .search()
        .ok()
        .and_then(|search| legacy_redirect(&search))
    else {
        return;
    };
    let path = location.pathname().unwrap_or_default();
    let url = format!("{path}{}{}", redirect.search, redirect.route.href());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
