//! Saving text the page made (a report, a trace) as a file.

use wasm_bindgen::JsCast;

use crate::i18n::Text;

/// Offers `text` as a download named `name` with the MIME type `mime`; an error says which
/// browser step failed.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), Text> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| Text::NoFile)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| Text::NoFileLink)?;
    let anchor = super::super::document()
        .create_element("a")
        .map_err(|_| Text::NoLink)?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
