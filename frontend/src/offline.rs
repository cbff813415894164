//! The inspector's offline web app. The desk and the scan page register the service worker
//! (`public/sw.js`), which keeps them, and the inspector's tasks, on the device. A result
//! recorded without a signal waits here, in the outbox, with its photos, and is sent when the
//! signal is back; the server records a task's result once and a photo once by its hash, so a
//! resend never makes a second one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
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

/// A result waiting to be sent: what was found, and the visit's photos (JPEG, as data URLs —
/// scaled down on the phone, a few hundred KB each) to send before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub finding: InspectionFinding,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// The results waiting to be sent, by task.
pub fn waiting() -> BTreeMap<i64, Waiting> {
    storage()
        .and_then(|s| s.get_item(OUTBOX).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save(all: &BTreeMap<i64, Waiting>) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(all)) {
        let _ = s.set_item(OUTBOX, &text);
    }
}

/// Keeps task `id`'s result (and the photos not sent yet) until it can be sent.
pub fn keep(id: i64, waiting: Waiting) {
    let mut all = self::waiting();
    all.insert(id, waiting);
    save(&all);
}

/// Task `id`'s result is sent (or cannot be): out of the outbox.
pub fn sent(id: i64) {
    let mut all = waiting();
    all.remove(&id);
    save(&all);
}

/// A photo chosen on the phone, scaled down to at most 1280 pixels a side, as a JPEG data URL.
pub async fn shrink(file: web_sys::File) -> Option<String> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        wasm_bindgen_futures::JsFuture::from(window.create_image_bitmap_with_blob(&file).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (1280.0 / w.max(h)).min(1.0);
    let (w, h) = ((w * scale).round(), (h * scale).round());
    let canvas: web_sys::HtmlCanvasElement = window
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w, h)
        .ok()?;
    canvas
        .to_data_url_with_type_and_encoder_options("image/jpeg", &0.8.into())
        .ok()
}

/// The bytes of a data URL.
pub fn bytes_of(data_url: &str) -> Option<Vec<u8>> {
    let (_, base64) = data_url.split_once(',')?;
    let binary = web_sys::window()?.atob(base64).ok()?;
    Some(binary.chars().map(|c| c as u32 as u8).collect())
}
