//! The page's query string as input: `?broker=ws://host:port/mqtt` fills in broker URLs, so a
//! link opens a ready page. (The views' own addresses are in the fragment: ui/routing.rs.)

/// The value of `name` in the address's query string.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}
