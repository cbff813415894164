//! The inspector's scan page (its own wasm, `/scan`): a licence's QR code read from the live
//! camera (frames decoded continuously until a code is found) or from a photo, decoded in the
//! browser (rqrr), and checked **offline** when it is a signed snapshot — against the bureau's
//! public keys, fetched when online and kept on the device. Online, the live licence (itself
//! signed) is shown beside the snapshot, with every difference marked. A plain licence QR (the
//! live page's address) is opened as a link. When the signed-in inspector has an open 双随机 task
//! at that licence, the page leads to it (offline too: the tasks are kept on the device).

use leptos::prelude::*;
use shared::Lang;
use shared::snapshot::{LiveLicence, Payload, PublicKey, SignedLicence, Verdict, verify};
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
    read_code(w, h, |ctx| {
        ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).ok()
    })
}

/// Draws a picture of `w`×`h` (through `draw`) on a canvas and decodes its first QR code.
fn read_code(
    w: u32,
    h: u32,
    draw: impl FnOnce(&web_sys::CanvasRenderingContext2d) -> Option<()>,
) -> Option<String> {
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    draw(&ctx)?;
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

/// The live camera: the back camera's stream in `<video id="scan-video">`, a frame decoded
/// every few hundred milliseconds until a code is found or the inspector stops.
mod camera {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    const VIDEO: &str = "scan-video";

    fn video() -> Option<web_sys::HtmlVideoElement> {
        document().get_element_by_id(VIDEO)?.dyn_into().ok()
    }

    /// Opens the camera; `Err` carries the browser's error name (`NotAllowedError`,
    /// `NotFoundError`, …).
    pub async fn open() -> Result<web_sys::MediaStream, String> {
        let devices = window()
            .navigator()
            .media_devices()
            .map_err(|_| "NotSupportedError".to_string())?;
        let constraints = web_sys::MediaStreamConstraints::new();
        let video = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into());
        constraints.set_video(&video);
        constraints.set_audio_bool(false);
        let promise = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|_| "NotSupportedError".to_string())?;
        let stream = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| {
                js_sys::Reflect::get(&e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string())
                    .unwrap_or_default()
            })?;
        stream.dyn_into().map_err(|_| String::new())
    }

    pub fn show(stream: &web_sys::MediaStream) {
        if let Some(v) = video() {
            v.set_src_object(Some(stream));
            let _ = v.play();
        }
    }

    pub fn stop(stream: &web_sys::MediaStream) {
        for track in stream.get_tracks().iter() {
            if let Ok(t) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
        if let Some(v) = video() {
            v.set_src_object(None);
        }
    }

    /// The code in the video's current frame, if any (scaled to at most 640 px wide).
    pub fn read_frame() -> Option<String> {
        let v = video()?;
        if v.ready_state() < 2 || v.video_width() == 0 {
            return None;
        }
        let scale = (640.0 / f64::from(v.video_width())).min(1.0);
        let w = (f64::from(v.video_width()) * scale) as u32;
        let h = (f64::from(v.video_height()) * scale) as u32;
        super::read_code(w, h, |ctx| {
            ctx.draw_image_with_html_video_element_and_dw_and_dh(
                &v,
                0.0,
                0.0,
                f64::from(w),
                f64::from(h),
            )
            .ok()
        })
    }
}

/// What a decoded text is: a signed snapshot (checked offline), the live page's address, or
/// something else.
fn judge(text: Option<String>, keys: &[PublicKey]) -> Outcome {
    match text {
        None => Outcome::NoCode,
        Some(text) if text.starts_with(shared::snapshot::PREFIX) => {
            let now = (js_sys::Date::now() / 1000.0) as i64;
            Outcome::Checked(verify(&text, keys, now))
        }
        Some(text) if text.contains("/v/") => Outcome::Link(text),
        Some(_) => Outcome::Checked(Verdict::Malformed),
    }
}

/// The licence now, when online — only if the seal signed it.
async fn live(token: &str, keys: &[PublicKey]) -> Option<LiveLicence> {
    let res = gloo_net::http::Request::get(&format!("/v/{token}/licence.json"))
        .send()
        .await
        .ok()?;
    res.ok().then_some(())?;
    let signed: SignedLicence = res.json().await.ok()?;
    signed.open(keys)
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Checked(Verdict),
    Link(String),
    NoCode,
}

/// Judges a decoded text and, for a genuine snapshot, asks for the live licence beside it.
async fn settle(
    text: Option<String>,
    (outcome, task): (RwSignal<Option<Outcome>>, RwSignal<Option<InspectionTask>>),
    now: RwSignal<Option<LiveLicence>>,
    busy: RwSignal<bool>,
) {
    // The keys once per scan (fresh when online, else as kept), for the snapshot and the live
    // licence alike.
    let is_snapshot = text
        .as_deref()
        .is_some_and(|t| t.starts_with(shared::snapshot::PREFIX));
    let keys = if is_snapshot {
        keys().await
    } else {
        Vec::new()
    };
    let judged = judge(text, &keys);
    let token = match &judged {
        Outcome::Checked(Verdict::Valid(p) | Verdict::Expired(p)) => Some(p.t.clone()),
        _ => None,
    };
    let licence = match &judged {
        Outcome::Link(url) => url.rsplit("/v/").next().map(str::to_string),
        _ => token.clone(),
    };
    now.set(None);
    task.set(None);
    outcome.set(Some(judged));
    busy.set(false);
    if let Some(t) = licence {
        task.set(task_at(&t).await);
    }
    if let Some(t) = token {
        now.set(live(&t, &keys).await);
    }
}

/// The inspector's open task at the licence with verify token `token`, if any: among the tasks
/// as the desk last loaded them (kept on the device by the service worker — no request, so
/// it works offline and asks nothing of someone not signed in).
async fn task_at(token: &str) -> Option<InspectionTask> {
    let tail = format!("/v/{token}");
    kept_tasks()
        .await?
        .into_iter()
        .find(|t| t.state != "recorded" && t.verify_url.ends_with(&tail))
}

/// What the scan page reads of a kept task (`shared::supervision::InspectionTask`; the rest is
/// not read — less code in this app).
#[derive(Clone, PartialEq, serde::Deserialize)]
struct InspectionTask {
    id: i64,
    state: String,
    verify_url: String,
    enterprise: String,
    plan_name: String,
}

/// `caches.match(STAFF_TASKS)`, read as the task list.
async fn kept_tasks() -> Option<Vec<InspectionTask>> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen_futures::JsFuture;
    let call = |target: &wasm_bindgen::JsValue, method: &str, arg: Option<&str>| {
        let f: Function = Reflect::get(target, &method.into()).ok()?.dyn_into().ok()?;
        let out = match arg {
            Some(a) => f.call1(target, &a.into()),
            None => f.call0(target),
        };
        out.ok()?.dyn_into::<Promise>().ok()
    };
    let window = web_sys::window()?;
    let caches = Reflect::get(&window, &"caches".into())
        .ok()
        .filter(|c| !c.is_undefined())?;
    let kept = call(&caches, "match", Some(shared::api::paths::STAFF_TASKS))?;
    let response = JsFuture::from(kept)
        .await
        .ok()
        .filter(|r| !r.is_undefined())?;
    let text = JsFuture::from(call(&response, "text", None)?).await.ok()?;
    serde_json::from_str(&text.as_string()?).ok()
}

/// Where the scan found an open task of the inspector: the plan, and the way to its form.
fn task_panel(t: InspectionTask, l: Lang) -> AnyView {
    view! {
        <section class="panel scan-task" role="status">
            <h2>{tr(l, "本企业有您的抽查检查任务", "You have an inspection task here")}</h2>
            <p>{format!("{} · {}", t.enterprise, t.plan_name)}</p>
            <a class="button primary" href=format!("/staff#task-{}", t.id)>{tr(l, "打开检查任务", "Open the task")}</a>
        </section>
    }
    .into_any()
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let task = RwSignal::new(None::<InspectionTask>);
    let now = RwSignal::new(None::<LiveLicence>);
    let busy = RwSignal::new(false);
    let scanning = RwSignal::new(false);
    let camera_error = RwSignal::new(None::<String>);
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop_camera = move || {
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        ticker.set_value(None);
        if let Some(s) = stream.get_value() {
            camera::stop(&s);
        }
        stream.set_value(None);
        scanning.set(false);
    };
    on_cleanup(stop_camera);
    let pick = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        stop_camera();
        busy.set(true);
        leptos::task::spawn_local(async move {
            settle(decode(file).await, (outcome, task), now, busy).await;
        });
    };
    let start = move |_| {
        camera_error.set(None);
        leptos::task::spawn_local(async move {
            match camera::open().await {
                Err(name) => camera_error.set(Some(name)),
                Ok(s) => {
                    camera::show(&s);
                    stream.set_value(Some(s));
                    scanning.set(true);
                    let tick = move || {
                        if !scanning.get_untracked() || busy.get_untracked() {
                            return;
                        }
                        if let Some(text) = camera::read_frame() {
                            stop_camera();
                            busy.set(true);
                            leptos::task::spawn_local(settle(
                                Some(text),
                                (outcome, task),
                                now,
                                busy,
                            ));
                        }
                    };
                    let handle =
                        set_interval_with_handle(tick, std::time::Duration::from_millis(250));
                    ticker.set_value(handle.ok());
                }
            }
        });
    };
    let controls = move || {
        let l = lang();
        let camera_problem = move || {
            camera_error.get().map(|name| match name.as_str() {
                "NotAllowedError" | "SecurityError" => tr(l,
                    "未获得摄像头权限：请在浏览器设置中允许，或改用拍照、选择图片。",
                    "No permission for the camera: allow it in the browser's settings, or take or choose a photo."),
                "NotFoundError" | "OverconstrainedError" => tr(l,
                    "没有找到可用的摄像头，请改用拍照或选择图片。",
                    "No camera found: take or choose a photo instead."),
                _ => tr(l,
                    "此浏览器无法打开摄像头，请改用拍照或选择图片。",
                    "This browser cannot open the camera: take or choose a photo instead."),
            })
        };
        view! {
            <h1>{tr(l, "扫码核验营业执照", "Check a licence's QR code")}</h1>
            <p class="muted">{tr(l,
                "用摄像头对准执照上的二维码，或拍摄、选择二维码照片。签名二维码可离线核验真伪；联网时同时显示实时状态。",
                "Point the camera at the licence's QR code, or take or choose a photo of it. A signed code is checked offline; online, the live state shows beside it.")}</p>
            <div class="actions">
                {move || if scanning.get() {
                    view! { <button type="button" class="button" on:click=move |_| stop_camera()>{tr(l, "停止扫描", "Stop scanning")}</button> }.into_any()
                } else {
                    view! { <button type="button" class="button primary" on:click=start>{tr(l, "打开摄像头扫描", "Scan with the camera")}</button> }.into_any()
                }}
                <label class="button" for="scan-file">{tr(l, "拍照或选择图片", "Take or choose a photo")}</label>
            </div>
            <p class="error" role="alert">{camera_problem}</p>
            <p role="status">{move || if busy.get() {
                Some(tr(l, "正在识别…", "Reading…"))
            } else if scanning.get() {
                Some(tr(l, "请将二维码置于取景框内…", "Hold the QR code inside the frame…"))
            } else {
                None
            }}</p>
        }
    };
    view! {
        <section class="panel">
            {controls}
            <input id="scan-file" class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=pick />
            // Outside the language closure: a language switch keeps the running stream.
            <video id="scan-video" class="scan-video" class:hidden=move || !scanning.get()
                autoplay=true muted=true playsinline=true aria-hidden="true"></video>
        </section>
        {move || {
            let l = lang();
            task.get().map(|t| task_panel(t, l))
        }}
        {move || {
            let l = lang();
            outcome.get().map(|o| result(o, now.get(), l))
        }}
    }
}

/// The snapshot's facts and permits; with the live licence beside them when online, every
/// difference marked.
fn permits(p: &Payload, live: Option<LiveLicence>, l: Lang) -> AnyView {
    let label = |state: &str, l: Lang| {
        shared::records::PermitState::parse(state)
            .map_or(state.to_string(), |s| s.label(l).to_string())
    };
    let live_state = |item: &str| {
        live.as_ref().map(|v| {
            v.permits
                .iter()
                .find(|q| q.item == item)
                .map(|q| q.state.clone())
        })
    };
    let changed = live.as_ref().is_some_and(|v| {
        v.name != p.n
            || v.permits.len() != p.p.len()
            || p.p
                .iter()
                .any(|(item, _, state, _)| live_state(item) != Some(Some(state.clone())))
    });
    let renamed = live
        .as_ref()
        .filter(|v| v.name != p.n)
        .map(|v| v.name.clone());
    let added: Vec<String> = live
        .as_ref()
        .map(|v| {
            v.permits
                .iter()
                .filter(|q| !p.p.iter().any(|(item, ..)| *item == q.item))
                .map(|q| q.item.clone())
                .collect()
        })
        .unwrap_or_default();
    let rows = p
        .p
        .iter()
        .map(|(item, name, state, until)| {
            let now_state = live_state(item);
            let differs = now_state.as_ref().is_some_and(|s| s.as_deref() != Some(state.as_str()));
            view! {
                <li class="sub" class:changed=differs data-item=item.clone()>
                    <span class="sub-name">{name.clone()}</span>
                    <span class="sub-dept">{if until.is_empty() { String::new() } else { format!("{}{until}", tr(l, "有效期至 ", "valid until ")) }}</span>
                    <span class=format!("badge {state}")>{label(state, l)}</span>
                    {now_state.map(|s| {
                        let s = s.unwrap_or_else(|| "cancelled".into());
                        view! { <span class="sub-note live-state">
                            {tr(l, "实时状态：", "Live state: ")}
                            <span class=format!("badge {s}")>{label(&s, l)}</span>
                        </span> }
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <dl class="answers">
            <div><dt>{tr(l, "名称", "Name")}</dt><dd class="scan-name">{p.n.clone()}</dd></div>
            <div><dt>{tr(l, "统一社会信用代码", "Credit code")}</dt><dd class="number">{p.u.clone()}</dd></div>
        </dl>
        {live.as_ref().map(|v| {
            let as_of = crate::components::local_time(&v.as_of, l);
            view! {
                <p class=if changed { "notice-line live-summary" } else { "live-summary muted" }>
                    {if changed {
                        tr(l, "实时状态与二维码快照不同，以实时状态为准。", "The live state differs from the snapshot: the live state counts.")
                    } else {
                        tr(l, "已联网核对：实时状态与快照一致。", "Checked online: the live state matches the snapshot.")
                    }}
                    {format!(" ({}{as_of})", tr(l, "实时数据时间 ", "live as of "))}
                </p>
            }
        })}
        {renamed.map(|n| view! { <p class="notice-line">{format!("{}{n}", tr(l, "名称现为：", "Now named: "))}</p> })}
        <ul class="subs">{rows}</ul>
        {(!added.is_empty()).then(|| view! { <p class="notice-line">{format!("{}{}", tr(l, "快照之后新增许可：", "Permits added since the snapshot: "), added.len())}</p> })}
        <p><a href=format!("/v/{}", p.t)>{tr(l, "打开实时核验页", "Open the live page")}</a></p>
    }
    .into_any()
}

fn result(o: Outcome, live: Option<LiveLicence>, l: Lang) -> AnyView {
    let (class, title, details) = match o {
        Outcome::Checked(Verdict::Valid(p)) => (
            "verdict ok",
            tr(
                l,
                "验证通过：由登记机关电子印章签发",
                "Verified: signed with the bureau's seal",
            ),
            Some(permits(&p, live.clone(), l)),
        ),
        Outcome::Checked(Verdict::Expired(p)) => (
            "verdict warn",
            tr(
                l,
                "签名真实，但快照已过期，请联网查看实时状态",
                "Genuine but expired: check the live state online",
            ),
            Some(permits(&p, live.clone(), l)),
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
