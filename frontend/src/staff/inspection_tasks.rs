//! An inspector's tasks of drawn plans (双随机): the enterprise to visit, the fellow inspectors,
//! the licence's verify page (scanning its QR at the premises opens the same), the checklists of
//! the plan's items; the result recorded once and published at once — or, without a signal,
//! kept on the device and sent when the signal is back (`offline`).

use leptos::prelude::*;
use shared::Lang;
use shared::supervision::{InspectionFinding, InspectionTask, RESULTS, result_label};
use wasm_bindgen::JsCast;

use crate::i18n::{lang_untracked, tr};
use crate::offline::Waiting;
use crate::pages::{failed, fetch, loading};
use crate::{api, offline};

fn element<T: JsCast>(id: &str) -> Option<T> {
    document().get_element_by_id(id)?.dyn_into::<T>().ok()
}

/// What the form of task `id` with `lines` checklist lines holds now.
fn finding(id: i64, lines: usize) -> InspectionFinding {
    let value = |suffix: &str| {
        let key = format!("task-{id}-{suffix}");
        element::<web_sys::HtmlInputElement>(&key)
            .map(|e| e.value())
            .or_else(|| element::<web_sys::HtmlSelectElement>(&key).map(|e| e.value()))
            .or_else(|| element::<web_sys::HtmlTextAreaElement>(&key).map(|e| e.value()))
            .filter(|v| !v.trim().is_empty())
    };
    let result = value("result").unwrap_or_default();
    let checks = if result == "not_found" {
        Vec::new()
    } else {
        (0..lines)
            .map(|n| {
                element::<web_sys::HtmlInputElement>(&format!("task-{id}-check-{n}"))
                    .is_some_and(|e| e.checked())
            })
            .collect()
    };
    InspectionFinding {
        result,
        rectify_by: value("rectify"),
        note: value("note"),
        checks,
    }
}

fn open_form(t: &InspectionTask, l: Lang, record: impl Fn(i64, usize) + Copy + 'static) -> AnyView {
    let id = t.id;
    let mut n = 0usize;
    let items = t
        .items
        .iter()
        .map(|i| {
            let level = if i.level == "key" { tr(l, "重点", "key") } else { tr(l, "一般", "general") };
            let lines = i
                .checklist
                .iter()
                .map(|line| {
                    let key = format!("task-{id}-check-{n}");
                    n += 1;
                    view! { <label class="check"><input type="checkbox" id=key.clone() />{format!(" {}", line.get(l))}</label> }
                })
                .collect_view();
            view! {
                <fieldset class="checklist">
                    <legend>{format!("{}（{level}）", i.name.get(l))}</legend>
                    {lines}
                </fieldset>
            }
        })
        .collect_view();
    let lines = n;
    let key = |s: &str| format!("task-{id}-{s}");
    view! {
        <div class="sub-request task-form">
            <p class="muted">{tr(l, "勾选符合要求的项目：", "Tick the lines that hold:")}</p>
            {items}
            <label class="label" for=key("result")>{tr(l, "检查结果", "Result")}</label>
            <select id=key("result")>
                <option value="">{tr(l, "请选择", "Choose")}</option>
                {RESULTS.into_iter().map(|r| view! { <option value=r>{result_label(r, l)}</option> }).collect_view()}
            </select>
            <label class="label" for=key("rectify")>{tr(l, "整改期限（责令整改时填写）", "Rectify by (when ordered to rectify)")}</label>
            <input id=key("rectify") type="date" />
            <label class="label" for=key("note")>{tr(l, "发现的问题（责令整改、不合格时必填）", "Problems found (required to rectify or fail)")}</label>
            <textarea id=key("note") rows="2" maxlength="2000"></textarea>
            <label class="label" for=key("photos")>{tr(l, "现场照片（可多张，自动压缩）", "Photos (several; scaled down)")}</label>
            <input id=key("photos") type="file" accept="image/jpeg,image/png" multiple=true capture="environment" />
            <div class="actions">
                <button type="button" class="button primary" on:click=move |_| record(id, lines)>{tr(l, "提交检查结果", "Record the result")}</button>
            </div>
        </div>
    }
    .into_any()
}

/// The re-check of a rectification the visit ordered: rectified, or failed with the facts.
fn recheck_form(
    t: &InspectionTask,
    l: Lang,
    record: impl Fn(i64, usize) + Copy + 'static,
) -> AnyView {
    let id = t.id;
    let key = |s: &str| format!("task-{id}-{s}");
    view! {
        <div class="sub-request task-form">
            <label class="label" for=key("result")>{tr(l, "复查结果", "Re-check result")}</label>
            <select id=key("result")>
                <option value="">{tr(l, "请选择", "Choose")}</option>
                <option value="rectified">{result_label("rectified", l)}</option>
                <option value="failed">{tr(l, "未按期整改，不合格", "Not rectified in time: failed")}</option>
            </select>
            <label class="label" for=key("note")>{tr(l, "复查情况（不合格时必填）", "What the re-check found (required to fail)")}</label>
            <textarea id=key("note") rows="2" maxlength="2000"></textarea>
            <div class="actions">
                <button type="button" class="button primary" on:click=move |_| record(id, 0)>{tr(l, "提交复查结果", "Record the re-check")}</button>
            </div>
        </div>
    }
    .into_any()
}

/// How sending a task's result went.
enum Sent {
    Done,
    /// No signal: what is left to send.
    Offline(Waiting),
    /// Refused, with the server's words.
    Refused(String),
}

/// Sends a result: its photos first (each kept once by its hash, so a resend is harmless), then
/// what was found. A task closed already (409) means the result is in (a resend's, or a
/// colleague's).
async fn send(id: i64, mut w: Waiting) -> Sent {
    let l = lang_untracked();
    while let Some(photo) = w.photos.first().cloned() {
        let Some(bytes) = offline::bytes_of(&photo) else {
            w.photos.remove(0);
            continue;
        };
        match api::add_task_photo(id, &bytes, l).await {
            Ok(_) => {
                w.photos.remove(0);
            }
            Err(e) if e.status == 0 => return Sent::Offline(w),
            Err(e) if e.status == 409 => return Sent::Done,
            Err(e) => return Sent::Refused(e.body.first_message()),
        }
    }
    match api::record_task(id, &w.finding, l).await {
        Ok(_) => Sent::Done,
        Err(e) if e.status == 409 => Sent::Done,
        Err(e) if e.status == 0 => Sent::Offline(w),
        Err(e) => Sent::Refused(e.body.first_message()),
    }
}

/// Sends the results waiting in the outbox; stops at the first that finds no signal. One the
/// server refuses is dropped with its message (the task stays open, its form shown again).
async fn flush(error: RwSignal<Option<String>>, refreshes: RwSignal<u32>) {
    let waiting = offline::waiting();
    if waiting.is_empty() {
        return;
    }
    for (id, w) in waiting {
        match send(id, w).await {
            Sent::Done => offline::sent(id),
            Sent::Offline(left) => {
                offline::keep(id, left);
                break;
            }
            Sent::Refused(message) => {
                offline::sent(id);
                error.set(Some(message));
            }
        }
    }
    refreshes.update(|n| *n += 1);
}

/// The photos chosen for task `id`, scaled down.
async fn chosen_photos(id: i64) -> Vec<String> {
    let files =
        element::<web_sys::HtmlInputElement>(&format!("task-{id}-photos")).and_then(|i| i.files());
    let mut out = Vec::new();
    if let Some(files) = files {
        for n in 0..files.length() {
            if let Some(url) = files.get(n).map(offline::shrink) {
                out.extend(url.await);
            }
        }
    }
    out
}

/// The panel: the inspector's tasks, open ones with their form; without a signal a result
/// waits on the device and is sent when the signal is back.
pub fn inspection_tasks(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let list = fetch(move || {
        refreshes.track();
        api::inspection_tasks(lang_untracked())
    });
    let error = RwSignal::new(None::<String>);
    let said = RwSignal::new(None::<&'static str>);
    leptos::task::spawn_local(flush(error, refreshes));
    let online = window_event_listener(leptos::ev::online, move |_| {
        said.set(None);
        leptos::task::spawn_local(flush(error, refreshes));
    });
    on_cleanup(move || online.remove());
    let record = move |id: i64, lines: usize| {
        let finding = finding(id, lines);
        leptos::task::spawn_local(async move {
            let photos = chosen_photos(id).await;
            match send(id, Waiting { finding, photos }).await {
                Sent::Done => {
                    error.set(None);
                    refreshes.update(|n| *n += 1);
                }
                Sent::Offline(left) => {
                    offline::keep(id, left);
                    error.set(None);
                    said.set(Some(tr(
                        l,
                        "网络不可用：检查结果已保存在本机，恢复联网后自动提交。",
                        "No signal: the result is kept on this device and sent when the signal is back.",
                    )));
                    refreshes.update(|n| *n += 1);
                }
                Sent::Refused(message) => error.set(Some(message)),
            }
        });
    };
    let row = move |t: InspectionTask| {
        let names: Vec<&str> = t.inspectors.iter().map(|i| i.name.as_str()).collect();
        let who = format!(
            "{}{}",
            tr(l, "检查人员：", "Inspectors: "),
            names.join(tr(l, "、", ", "))
        );
        let done = t.result.as_deref().map(|r| {
            let by = t
                .rectify_by
                .as_deref()
                .map(|d| format!("{}{d}", tr(l, "，整改期限 ", ", rectify by ")))
                .unwrap_or_default();
            format!(
                "{}{by} · {} {}",
                result_label(r, l),
                t.recorded_on.clone().unwrap_or_default(),
                t.recorded_by.clone().unwrap_or_default()
            )
        });
        let recheck = match (&t.recheck_result, &t.rechecked_on) {
            (Some(r), Some(on)) => Some(format!(
                "{}{} · {on} {}",
                tr(l, "复查：", "Re-check: "),
                result_label(r, l),
                t.rechecked_by.clone().unwrap_or_default()
            )),
            _ => None,
        };
        let open = matches!(t.state.as_str(), "open" | "rectifying");
        let waiting = open && offline::waiting().contains_key(&t.id);
        let form = match (t.state.as_str(), waiting) {
            ("open", false) => Some(open_form(&t, l, record)),
            ("rectifying", false) => Some(recheck_form(&t, l, record)),
            _ => None,
        };
        let waiting = waiting.then(|| view! {
            <span class="sub-note result">{tr(l, "检查结果已保存在本机，待联网提交", "Result kept on this device, to be sent")}</span>
        });
        view! { <li class="sub task" id=format!("task-{}", t.id) data-task=t.id data-state=t.state.clone()>
            <span class="sub-name">{t.enterprise.clone()}</span>
            <span class="sub-dept">{format!("{} · {}", t.address, t.plan_name)}</span>
            <span class="sub-note">{who}" · "<a href=t.verify_url.clone()>{tr(l, "执照核验页", "Licence page")}</a></span>
            {done.map(|d| view! { <span class="sub-note result">{d}</span> })}
            {recheck.map(|d| view! { <span class="sub-note result">{d}</span> })}
            {(!t.photos.is_empty()).then(|| view! {
                <span class="sub-note">{format!("{}{}{}", tr(l, "现场照片 ", "Photos: "), t.photos.len(), tr(l, " 张", ""))}</span>
            })}
            {t.recheck_late.map(|days| view! {
                <span class="deadline overdue">{format!("{}{days}{}", tr(l, "复查已逾期 ", "Re-check overdue by "), crate::i18n::working_days_unit(l, days as f64))}</span>
            })}
            {waiting}
            {form}
        </li> }
    };
    let body = move || match list.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(tasks)) if tasks.is_empty() => view! {
            <p class="muted">{tr(l, "暂无抽查检查任务", "No inspection tasks")}</p>
        }
        .into_any(),
        Some(Ok(tasks)) => {
            view! { <ul class="subs">{tasks.into_iter().map(row).collect_view()}</ul> }.into_any()
        }
    };
    view! {
        <section class="panel inspection-tasks">
            <h2>{tr(l, "双随机抽查检查任务", "Random inspection tasks")}</h2>
            {body}
            <p role="status" class="muted">{move || said.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
    .into_any()
}
