//! The inspector's offline web app. The desk and the scan page register the service worker
//! (`public/sw.js`), which keeps them, and the inspector's tasks, on the device. A result
//! recorded without a signal waits here, in the outbox, and is sent when the signal is back;
//! the server records a task's result once, so a resend never makes a second one.

use std::collections::BTreeMap;

use shared::supervision::InspectionFinding;
use wasm_bindgen::JsCast;

const OUTBOX: &str = "lianban.outbox.tasks";

/// Registers the service worker, where the browser has them.
pub fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let get = |target: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &key.into())
            .ok()
            .filter(|v| !v.is_undefined())
    };
    let Some(container) = get(&window.navigator(), "serviceWorker") else {
        return;
    };
    if let Some(register) =
        get(&container, "register").and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = register.call1(&container, &"/sw.js".into());
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The results waiting to be sent, by task.
pub fn waiting() -> BTreeMap<i64, InspectionFinding> {
    storage()
        .and_then(|s| s.get_item(OUTBOX).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save(all: &BTreeMap<i64, InspectionFinding>) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(all)) {
        let _ = s.set_item(OUTBOX, &text);
    }
}

/// Keeps task `id`'s result until it can be sent.
pub fn keep(id: i64, finding: &InspectionFinding) {
    let mut all = waiting();
    all.insert(id, finding.clone());
    save(&all);
}

/// Task `id`'s result is sent (or cannot be): out of the outbox.
pub fn sent(id: i64) {
    let mut all = waiting();
    all.remove(&id);
    save(&all);
}
