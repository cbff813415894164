//! The inspector's scan page (its own wasm, `/scan`): a licence's QR code read from a photo,
//! decoded in the browser (rqrr), and checked **offline** when it is a signed snapshot — against
//! the bureau's public keys, fetched when online and kept on the device. A plain licence QR (the
//! live page's address) is opened as a link.

use leptos::prelude::*;
use shared::Lang;
use shared::snapshot::{Payload, PublicKey, Verdict, verify};
use wasm_bindgen::JsCast;

use crate::i18n::{lang, tr};

const KEYS: &str = "lianban.keys";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The published keys: fresh when online, else as last kept on this device.
async fn keys() -> Vec<PublicKey> {
    #[derive(serde::Deserialize)]
    struct Keys {
        keys: Vec<PublicKey>,
    }
    let fresh = async {
        let res = gloo_net::http::Request::get("/.well-known/lianban-keys.json")
            .send()
            .await
            .ok()?;
        res.ok().then_some(())?;
        res.json::<Keys>().await.ok()
    };
    if let Some(k) = fresh.await {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&k.keys)) {
            let _ = s.set_item(KEYS, &text);
        }
        return k.keys;
    }
    storage()
        .and_then(|s| s.get_item(KEYS).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Decodes the first QR code of an image file.
async fn decode(file: web_sys::File) -> Option<String> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        wasm_bindgen_futures::JsFuture::from(window.create_image_bitmap_with_blob(&file).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).ok()?;
    let rgba = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .ok()?
        .data();
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| ((u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10) as u8)
        .collect();
    let (w, h) = (w as usize, h as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Checked(Verdict),
    Link(String),
    NoCode,
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let pick = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match decode(file).await {
                None => Outcome::NoCode,
                Some(text) if text.starts_with(shared::snapshot::PREFIX) => {
                    let now = (js_sys::Date::now() / 1000.0) as i64;
                    Outcome::Checked(verify(&text, &keys().await, now))
                }
                Some(text) if text.contains("/v/") => Outcome::Link(text),
                Some(_) => Outcome::Checked(Verdict::Malformed),
            };
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    move || {
        let l = lang();
        view! {
            <section class="panel">
                <h1>{tr(l, "扫码核验营业执照", "Check a licence's QR code")}</h1>
                <p class="muted">{tr(l,
                    "拍摄或选择执照上的二维码照片。签名二维码可离线核验真伪；联网时可查看实时状态。",
                    "Take or choose a photo of the licence's QR code. A signed code is checked offline; online, the live state is one tap away.")}</p>
                <label class="button primary" for="scan-file">{tr(l, "拍照或选择图片", "Take or choose a photo")}</label>
                <input id="scan-file" class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=pick />
                <p role="status">{move || busy.get().then(|| tr(l, "正在识别…", "Reading…"))}</p>
            </section>
            {move || outcome.get().map(|o| result(o, l))}
        }
    }
}

fn permits(p: &Payload, l: Lang) -> AnyView {
    let label = |s: &str| match s {
        "valid" => tr(l, "有效", "Valid"),
        "expired" => tr(l, "已过期", "Expired"),
        "suspended" => tr(l, "暂停", "Suspended"),
        "revoked" => tr(l, "已撤销", "Revoked"),
        _ => tr(l, "已注销", "Cancelled"),
    };
    view! {
        <dl class="answers">
            <div><dt>{tr(l, "名称", "Name")}</dt><dd class="scan-name">{p.n.clone()}</dd></div>
            <div><dt>{tr(l, "统一社会信用代码", "Credit code")}</dt><dd class="number">{p.u.clone()}</dd></div>
        </dl>
        <ul class="subs">{p.p.iter().map(|(item, name, state, until)| view! {
            <li class="sub" data-item=item.clone()>
                <span class="sub-name">{name.clone()}</span>
                <span class="sub-dept">{if until.is_empty() { String::new() } else { format!("{}{until}", tr(l, "有效期至 ", "valid until ")) }}</span>
                <span class=format!("badge {state}")>{label(state)}</span>
            </li>
        }).collect_view()}</ul>
        <p><a href=format!("/v/{}", p.t)>{tr(l, "联网查看实时状态", "See the live state (online)")}</a></p>
    }
    .into_any()
}

fn result(o: Outcome, l: Lang) -> AnyView {
    let (class, title, details) = match o {
        Outcome::Checked(Verdict::Valid(p)) => (
            "verdict ok",
            tr(
                l,
                "验证通过：由登记机关电子印章签发",
                "Verified: signed with the bureau's seal",
            ),
            Some(permits(&p, l)),
        ),
        Outcome::Checked(Verdict::Expired(p)) => (
            "verdict warn",
            tr(
                l,
                "签名真实，但快照已过期，请联网查看实时状态",
                "Genuine but expired: check the live state online",
            ),
            Some(permits(&p, l)),
        ),
        Outcome::Checked(Verdict::UnknownKey) => (
            "verdict bad",
            tr(
                l,
                "未知密钥：请联网更新公钥后重试",
                "Unknown key: go online to update the keys",
            ),
            None,
        ),
        Outcome::Checked(Verdict::Tampered) => (
            "verdict bad",
            tr(
                l,
                "签名不符：二维码内容可能被篡改",
                "Signature mismatch: the code may have been altered",
            ),
            None,
        ),
        Outcome::Checked(Verdict::Malformed) => (
            "verdict bad",
            tr(l, "这不是营业执照的二维码", "This is not a licence QR code"),
            None,
        ),
        Outcome::Link(url) => (
            "verdict",
            tr(l, "执照实时核验二维码", "A licence's live check code"),
            Some(
                view! {
                    <p><a href=url.clone()>{tr(l, "打开实时核验页", "Open the live page")}</a></p>
                }
                .into_any(),
            ),
        ),
        Outcome::NoCode => (
            "verdict bad",
            tr(
                l,
                "图片中没有识别到二维码",
                "No QR code found in the picture",
            ),
            None,
        ),
    };
    view! { <section class=format!("panel {class}") role="status"><h2>{title}</h2>{details}</section> }.into_any()
}
