//! Session state in IndexedDB, so a page reload or a crash resumes the session (clean start 0)
//! without losing in-flight QoS 1/2 messages, their packet ids, QoS 2 ids received but not yet
//! released, or queued messages. The driver writes the state before it sends anything that
//! depends on it.

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

use crate::session::{ConnectOptions, SessionState};

const DATABASE: &str = "qoscope";
const STORE: &str = "sessions";

/// The `sessions` object store of the `qoscope` database, keyed by client id.
#[derive(Clone)]
pub struct SessionStore {
    database: IdbDatabase,
}

fn described(error: JsValue) -> String {
    super::error_text(&error)
}

/// Resolves with the request's result, or rejects with its error.
fn settle(request: &IdbRequest) -> Promise {
    let request = request.clone();
    Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::from("IndexedDB request failed"), JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    })
}

impl SessionStore {
    /// Opens (and on first use creates) the database.
    pub async fn open() -> Result<SessionStore, String> {
        let factory = web_sys::window()
            .and_then(|window| window.indexed_db().ok().flatten())
            .ok_or("IndexedDB is not available in this browser context")?;
        let request = factory.open_with_u32(DATABASE, 1).map_err(described)?;
        let upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(
            move |event: web_sys::IdbVersionChangeEvent| {
                let database = event
                    .target()
                    .and_then(|target| target.dyn_into::<IdbRequest>().ok())
                    .and_then(|request| request.result().ok())
                    .and_then(|result| result.dyn_into::<IdbDatabase>().ok());
                if let Some(database) = database {
                    let _ = database.create_object_store(STORE);
                }
            },
        );
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let database = JsFuture::from(settle(&request)).await.map_err(described)?;
        request.set_onupgradeneeded(None);
        Ok(SessionStore {
            database: database.dyn_into().map_err(described)?,
        })
    }

    /// The state saved for the client id of `options`, if any, resumed with `options`.
    pub async fn load(&self, options: &ConnectOptions) -> Result<Option<SessionState>, String> {
        let transaction = self
            .database
            .transaction_with_str(STORE)
            .map_err(described)?;
        let store = transaction.object_store(STORE).map_err(described)?;
        let request = store
            .get(&JsValue::from_str(&options.client_id))
            .map_err(described)?;
        let value = JsFuture::from(settle(&request)).await.map_err(described)?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        SessionState::from_bytes(&bytes, options.clone(), 1).map(Some)
    }

    /// Saves `state` for `client_id` in its compact form; `done` runs when the write is durable
    /// (transaction complete) or failed.
    pub fn save(
        &self,
        client_id: &str,
        state: &SessionState,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let written = (|| {
            let value = js_sys::Uint8Array::from(&state.to_bytes()[..]);
            let transaction = self
                .database
                .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
                .map_err(described)?;
            transaction
                .object_store(STORE)
                .and_then(|store| store.put_with_key(&value, &JsValue::from_str(client_id)))
                .map_err(described)?;
            Ok::<_, String>(transaction)
        })();
        match written {
            Ok(transaction) => {
                let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
                let on_complete = done.clone();
                let complete = Closure::once_into_js(move || {
                    if let Some(done) = on_complete.borrow_mut().take() {
                        done(Ok(()));
                    }
                });
                let failed = Closure::once_into_js(move || {
                    if let Some(done) = done.borrow_mut().take() {
                        done(Err("IndexedDB write failed".into()));
                    }
                });
                transaction.set_oncomplete(Some(complete.unchecked_ref()));
                transaction.set_onerror(Some(failed.unchecked_ref()));
            }
            Err(error) => done(Err(error)),
        }
    }
}
