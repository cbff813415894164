//! Uploading a material's files: each file checked first in the browser with the server's own
//! rules (type by its first bytes, size), then sent in parts with a progress bar; it can be
//! cancelled; a dropped connection or a reload resumes from the part where the server stands
//! (choose the same file again). The owner is a draft saved on the server (the integrated form)
//! or an application (materials that follow, from the status page).

use gloo_net::http::Request;
use leptos::prelude::*;
use shared::Lang;
use shared::error::ErrorBody;
use shared::files::{
    DEFAULT_MAX_FILE_BYTES, DraftRef, FileProblem, NewDraft, NewUpload, StoredFile, UPLOAD_OFFSET,
    sniff,
};
use wasm_bindgen::JsCast;

use crate::i18n::{lang_untracked, tr};

/// Whose files: the address of its files and the token that opens it.
#[derive(Clone, Debug, PartialEq)]
pub struct Owner {
    pub base: String,
    pub token: String,
}

impl Owner {
    pub fn draft(d: &DraftRef) -> Owner {
        Owner {
            base: format!("/api/drafts/{}", d.id),
            token: d.token.clone(),
        }
    }

    pub fn application(number: &str, token: &str) -> Owner {
        Owner {
            base: shared::api::application_path(number),
            token: token.to_string(),
        }
    }
}

/// The server draft of a bundle kept on this device (its link), if any — at the counter, kept
/// in this page's memory only (see `crate::draft`).
pub mod server_draft {
    use std::cell::RefCell;

    use shared::files::DraftRef;

    thread_local! {
        static IN_MEMORY: RefCell<Option<(String, DraftRef)>> = const { RefCell::new(None) };
    }

    fn key(bundle: &str) -> String {
        format!("lianban.server-draft.{bundle}")
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load(bundle: &str) -> Option<DraftRef> {
        if crate::draft::counter() {
            return IN_MEMORY.with_borrow(|m| {
                m.as_ref()
                    .filter(|(b, _)| b == bundle)
                    .map(|(_, d)| d.clone())
            });
        }
        let text = storage()?.get_item(&key(bundle)).ok()??;
        serde_json::from_str(&text).ok()
    }

    pub fn keep(bundle: &str, d: &DraftRef) {
        if crate::draft::counter() {
            IN_MEMORY.with_borrow_mut(|m| *m = Some((bundle.to_string(), d.clone())));
            return;
        }
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(d)) {
            let _ = s.set_item(&key(bundle), &text);
        }
    }

    pub fn forget(bundle: &str) {
        IN_MEMORY.with_borrow_mut(|m| *m = None);
        if let Some(s) = storage() {
            let _ = s.remove_item(&key(bundle));
        }
    }
}

/// The bundle's server draft: the one kept on this device, else a new one.
pub async fn ensure_draft(bundle: &str) -> Result<DraftRef, String> {
    if let Some(d) = server_draft::load(bundle) {
        return Ok(d);
    }
    let body = NewDraft {
        bundle: bundle.to_string(),
    };
    let res = Request::post("/api/drafts")
        .header("Accept-Language", lang_untracked().tag())
        .json(&body)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !res.ok() {
        return Err(message(res).await);
    }
    let d: DraftRef = res.json().await.map_err(|e| e.to_string())?;
    server_draft::keep(bundle, &d);
    Ok(d)
}

async fn message(res: gloo_net::http::Response) -> String {
    let status = res.status();
    match res.json::<ErrorBody>().await {
        Ok(b) => b.first_message(),
        Err(_) => format!("HTTP {status}"),
    }
}

async fn bytes_of(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| "read".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn slice(file: &web_sys::File, from: u64, to: u64) -> Result<web_sys::Blob, String> {
    file.slice_with_f64_and_f64(from as f64, to as f64)
        .map_err(|_| "slice".to_string())
}

/// One file on its way: where it stands, and whether the person asked to stop.
#[derive(Clone, Copy)]
pub struct Transfer {
    pub name: RwSignal<String>,
    pub sent: RwSignal<u64>,
    pub size: RwSignal<u64>,
    pub cancelled: RwSignal<bool>,
    pub active: RwSignal<bool>,
}

impl Transfer {
    fn new() -> Transfer {
        Transfer {
            name: RwSignal::new(String::new()),
            sent: RwSignal::new(0),
            size: RwSignal::new(0),
            cancelled: RwSignal::new(false),
            active: RwSignal::new(false),
        }
    }
}

/// Removes file `id` (a draft's file, or an upload not finished) from the server and the list.
async fn discard(owner: &Owner, id: &str, files: RwSignal<Vec<StoredFile>>) -> Result<(), String> {
    let res = Request::delete(&format!("{}/files/{id}", owner.base))
        .header("Authorization", &format!("Bearer {}", owner.token))
        .header("Accept-Language", lang_untracked().tag())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !res.ok() && res.status() != 404 {
        return Err(message(res).await);
    }
    files.update(|fs| fs.retain(|f| f.id != id));
    Ok(())
}

/// Sends `file` for `material`: resumes an unfinished upload of the same name and size, else
/// announces a new one; part by part from where the server stands. `replacing`: a file of the
/// material that goes once the new one has passed the checks made here (size, type).
async fn send(
    owner: &Owner,
    material: &str,
    file: &web_sys::File,
    replacing: Option<String>,
    files: RwSignal<Vec<StoredFile>>,
    t: Transfer,
    l: Lang,
) -> Result<(), String> {
    let size = file.size() as u64;
    if size > DEFAULT_MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge {
            max: DEFAULT_MAX_FILE_BYTES,
        }
        .message(l));
    }
    let head = bytes_of(&slice(file, 0, 16)?).await?;
    if sniff(&head).is_none() {
        return Err(FileProblem::WrongType.message(l));
    }
    if let Some(old) = replacing {
        discard(owner, &old, files).await?;
    }
    let auth = format!("Bearer {}", owner.token);
    let name = file.name();
    let unfinished = files.with_untracked(|fs| {
        fs.iter()
            .find(|f| {
                !f.complete && f.material == material && f.size == size && name.ends_with(&f.name)
            })
            .cloned()
    });
    let mut up = match unfinished {
        Some(u) => {
            let res = Request::get(&format!("{}/files/{}", owner.base, u.id))
                .header("Authorization", &auth)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.ok() {
                return Err(message(res).await);
            }
            res.json::<StoredFile>().await.map_err(|e| e.to_string())?
        }
        None => {
            let body = NewUpload {
                material: material.to_string(),
                name: name.clone(),
                size,
            };
            let res = Request::post(&format!("{}/files", owner.base))
                .header("Authorization", &auth)
                .header("Accept-Language", l.tag())
                .json(&body)
                .map_err(|e| e.to_string())?
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.ok() {
                return Err(message(res).await);
            }
            let up: StoredFile = res.json().await.map_err(|e| e.to_string())?;
            files.update(|fs| fs.push(up.clone()));
            up
        }
    };
    t.size.set(size);
    t.sent.set(up.received);
    let path = format!("{}/files/{}", owner.base, up.id);
    let mut retries = 0;
    while !up.complete {
        if t.cancelled.get_untracked() {
            let _ = discard(owner, &up.id, files).await;
            return Err(tr(l, "已取消上传", "Upload cancelled").to_string());
        }
        let end = (up.received + up.part_bytes).min(size);
        let part = bytes_of(&slice(file, up.received, end)?).await?;
        let sent = Request::patch(&path)
            .header("Authorization", &auth)
            .header("Accept-Language", l.tag())
            .header("Content-Type", "application/offset+octet-stream")
            .header(UPLOAD_OFFSET, &up.received.to_string())
            .body(js_sys::Uint8Array::from(part.as_slice()))
            .map_err(|e| e.to_string())?
            .send()
            .await;
        let res = match sent {
            Ok(res) => res,
            // The connection dropped: try the same part again a few times, then stop (the
            // upload stays where it is; choosing the file again goes on from there).
            Err(_) if retries < 3 => {
                retries += 1;
                sleep(1000 * retries).await;
                continue;
            }
            Err(_) => {
                return Err(tr(l,
                    "网络中断：已上传的部分已保存，请重新选择同一文件继续上传",
                    "The connection dropped: what arrived is kept — choose the same file again to go on").to_string());
            }
        };
        retries = 0;
        match res.status() {
            200 | 409 => {
                up = res.json().await.map_err(|e| e.to_string())?;
                t.sent.set(up.received);
                let fresh = up.clone();
                files.update(|fs| {
                    if let Some(f) = fs.iter_mut().find(|f| f.id == fresh.id) {
                        *f = fresh;
                    }
                });
            }
            _ => {
                let m = message(res).await;
                files.update(|fs| fs.retain(|f| f.id != up.id));
                return Err(m);
            }
        }
    }
    Ok(())
}

/// Waits `ms` milliseconds.
async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A material's files and the box to add one. `owner` is found (or made) when the first file
/// is chosen. A draft's finished file can be removed or replaced (an application's stays with
/// it: the server says so too).
#[component]
pub fn MaterialUploads(
    /// Whose files; when none yet, a server draft of `bundle` is made with the first file.
    owner: RwSignal<Option<Owner>>,
    #[prop(optional)] bundle: Option<String>,
    id: String,
    name: String,
    note: String,
    files: RwSignal<Vec<StoredFile>>,
    max_files: u32,
    l: Lang,
    /// What goes beside a finished file ([`file_actions`] for a draft's: remove, replace); an
    /// application's files have none (they stay with it).
    #[prop(optional)]
    actions: Option<Actions>,
) -> impl IntoView {
    let t = Transfer::new();
    let error = RwSignal::new(None::<String>);
    let material = StoredValue::new(id.clone());
    let input_id = format!("file-{id}");
    // The file the next chosen one replaces ("替换" opens the same file box).
    let replacing = RwSignal::new(None::<String>);
    let pick = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(input) = input else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        error.set(None);
        t.cancelled.set(false);
        t.name.set(file.name());
        t.sent.set(0);
        t.size.set(file.size() as u64);
        t.active.set(true);
        let bundle = bundle.clone();
        leptos::task::spawn_local(async move {
            let found = match (owner.get_untracked(), bundle) {
                (Some(o), _) => Ok(o),
                (None, Some(b)) => ensure_draft(&b).await.map(|d| {
                    let o = Owner::draft(&d);
                    owner.set(Some(o.clone()));
                    o
                }),
                (None, None) => Err(String::new()),
            };
            let old = replacing.get_untracked();
            replacing.set(None);
            let result = match found {
                Ok(o) => send(&o, &material.get_value(), &file, old, files, t, l).await,
                Err(e) => Err(format!(
                    "{}{e}",
                    tr(
                        l,
                        "无法保存草稿，请稍后重试：",
                        "Could not save the draft, try again: "
                    )
                )),
            };
            t.active.set(false);
            if let Err(m) = result {
                error.set(Some(m));
            }
        });
    };
    let mine = move || {
        files.with(|fs| {
            fs.iter()
                .filter(|f| f.material == material.get_value())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let full = move || mine().len() as u32 >= max_files;
    let percent = move || (t.sent.get() * 100).checked_div(t.size.get()).unwrap_or(0);
    let label_id = input_id.clone();
    let label_for = input_id.clone();
    view! {
        <div class="material-upload" data-material=id.clone()>
            <p class="material-name">{name}</p>
            <p class="hint">{note}</p>
            <ul class="files">{move || mine().into_iter().map(|f| {
                let state = if f.complete {
                    format!("{} KB", f.size.div_ceil(1024))
                } else {
                    format!("{} {}%{}", tr(l, "未完成：已上传", "unfinished:"), (f.received * 100).checked_div(f.size).unwrap_or(0),
                        tr(l, "，请重新选择同一文件继续", " — choose the same file again to go on"))
                };
                let actions = actions.filter(|_| f.complete).map(|act| act(&f, FileBox { owner, files, replacing, error, input: label_for.clone() }, l));
                view! { <li class="file" class:partial=!f.complete><span class="file-name">{f.name.clone()}</span><span class="muted">{state}</span>{actions}</li> }
            }).collect_view()}</ul>
            {move || t.active.get().then(|| view! {
                <div class="progress" role="group" aria-label=tr(l, "上传进度", "Upload progress")>
                    <span class="file-name">{t.name.get()}</span>
                    <progress max="100" value=percent aria-label=tr(l, "上传进度", "Upload progress")></progress>
                    <span class="percent" aria-live="polite">{move || format!("{}%", percent())}</span>
                    <button type="button" class="button small" on:click=move |_| t.cancelled.set(true)>{tr(l, "取消", "Cancel")}</button>
                </div>
            })}
            <p class="error" role="alert">{move || error.get()}</p>
            <label class="button small" class:visually-hidden=move || full() || t.active.get() for=label_id
                on:click=move |_| replacing.set(None)>{tr(l, "选择文件（PDF、JPG、PNG）", "Choose a file (PDF, JPG, PNG)")}</label>
            <input id=input_id class="visually-hidden" type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" on:change=pick />
        </div>
    }
}

/// A material's file box, as the actions beside a file see it.
pub struct FileBox {
    owner: RwSignal<Option<Owner>>,
    files: RwSignal<Vec<StoredFile>>,
    /// The file the next chosen one replaces.
    replacing: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    /// The file input's id.
    input: String,
}

/// The actions beside a finished file.
pub type Actions = fn(&StoredFile, FileBox, Lang) -> AnyView;

/// "删除" and "替换" beside a draft's finished file; each names the file to a screen reader.
pub fn file_actions(f: &StoredFile, b: FileBox, l: Lang) -> AnyView {
    let FileBox {
        owner,
        files,
        replacing,
        error,
        input,
    } = b;
    let (id, again) = (f.id.clone(), f.id.clone());
    let remove = move |_| {
        let (Some(o), id) = (owner.get_untracked(), id.clone()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            error.set(discard(&o, &id, files).await.err());
        });
    };
    // The same file box as "choose a file", the new file then taking this one's place.
    let replace = move |_| {
        replacing.set(Some(again.clone()));
        if let Some(el) = document()
            .get_element_by_id(&input)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            el.click();
        }
    };
    let which = format!(" {}", f.name);
    view! {
        <span class="file-actions">
        <button type="button" class="button small link remove-file" on:click=remove
            aria-label=format!("{}{which}", tr(l, "删除", "Remove"))>{tr(l, "删除", "Remove")}</button>
        <button type="button" class="button small link replace-file" on:click=replace
            aria-label=format!("{}{which}", tr(l, "替换", "Replace"))>{tr(l, "替换", "Replace")}</button>
        </span>
    }
    .into_any()
}
