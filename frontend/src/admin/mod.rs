//! The administrator's console (its own wasm: `src/bin/admin.rs`, served at `/staff/admin`):
//! staff accounts, the background jobs, the departments' systems' webhooks (the dead-letter
//! list, sent again from here), the dishonesty list, the inspection objects with their
//! risk classes and the inspection plans. The back office's session: one
//! logs in at `/staff`. The same wasm serves the set-password page (`/staff/password`).

mod accounts;
mod objects;
mod password;
mod plans;

pub use password::SetPasswordPage;

use leptos::prelude::*;
use shared::Lang;
use shared::staff::{Role, StaffProfile};

use crate::api::{self, ApiError};
use crate::i18n::{lang, lang_untracked, tr};
use crate::pages::{Loaded, failed, fetch, loading};

#[component]
pub fn AdminHome() -> impl IntoView {
    let me: Loaded<StaffProfile> = fetch(|| api::staff_me(lang_untracked()));
    move || {
        let l = lang();
        match me.get() {
            None => loading(l),
            Some(Ok(p)) if p.role == Role::Admin => view! {
                <nav class="crumbs"><a href="/staff">{tr(l, "工作台", "Desk")}</a></nav>
                {accounts::accounts_panel(l)}
                {import_form(l)}
                {jobs_panel(l)}
                {webhooks_panel(l)}
                {objects::objects_panel(l)}
                {plans::plans_panel(l)}
            }
            .into_any(),
            Some(Ok(_)) => failed(ApiError {
                status: 403,
                body: shared::error::ErrorBody::new(tr(l, "仅限管理员", "For administrators only")),
            }),
            Some(Err(e)) if e.status == 401 => view! {
                <section class="panel narrow">
                    <p><a href="/staff">{tr(l, "请先登录工作台", "Log in at the desk first")}</a></p>
                </section>
            }
            .into_any(),
            Some(Err(e)) => failed(e),
        }
    }
}

/// The administrator replaces the dishonesty list with a CSV file.
fn import_form(l: Lang) -> AnyView {
    let result = RwSignal::new(None::<Result<String, String>>);
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        use wasm_bindgen::JsCast;
        let file = document()
            .get_element_by_id("list-file")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        let Some(file) = file else { return };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let outcome = match api::import_list(text, lang_untracked()).await {
                Ok(v) => Ok(v["entries"].to_string()),
                Err(ApiError { body, .. }) => Err(body.first_message()),
            };
            result.set(Some(outcome));
        });
    };
    view! {
        <section class="panel">
            <h2>{tr(l, "导入失信名单（CSV）", "Import the dishonesty list (CSV)")}</h2>
            <p class="muted">{tr(l, "列：kind（uscc 或 id_number）、value、name、source；导入后替换原名单。", "Columns: kind (uscc or id_number), value, name, source; the import replaces the list.")}</p>
            <form on:submit=upload>
                <label class="label" for="list-file">{tr(l, "名单文件", "List file")}</label>
                <input id="list-file" type="file" accept=".csv,text/csv" />
                <button type="submit" class="button primary">{tr(l, "导入", "Import")}</button>
            </form>
            <p role="status" class="import-result">{move || result.get().map(|r| match r {
                Ok(n) => format!("{}{n}", tr(l, "已导入，条目数：", "Imported, entries: ")),
                Err(m) => m,
            })}</p>
        </section>
    }
    .into_any()
}

fn job_kind(kind: &str, l: Lang) -> String {
    match kind {
        "archive" => tr(l, "电子档案归档", "File the archive"),
        "cleanup" => tr(l, "清理过期草稿与文件", "Clean up drafts and files"),
        "audit_checkpoint" => tr(l, "审计日志签名存证", "Sign the audit log"),
        "follow_ups_overdue" => tr(l, "标记逾期的事后核查", "Flag overdue follow-ups"),
        "credit_sync" => tr(
            l,
            "从信用平台同步失信名单",
            "Pull the dishonesty list from the credit platform",
        ),
        other => other,
    }
    .to_string()
}

fn job_state(state: &str, l: Lang) -> &'static str {
    match state {
        "queued" => tr(l, "排队中", "Queued"),
        "running" => tr(l, "执行中", "Running"),
        "done" => tr(l, "已完成", "Done"),
        _ => tr(l, "已放弃（可重试）", "Given up (retry)"),
    }
}

/// The administrator's view of the background jobs: the newest, or the given-up ones with
/// their error, each of those with a button to try it again.
fn jobs_panel(l: Lang) -> AnyView {
    let only_failed = RwSignal::new(false);
    let refreshes = RwSignal::new(0u32);
    let jobs = fetch(move || {
        refreshes.track();
        let state = only_failed.get().then_some("failed");
        async move { api::jobs(state, lang_untracked()).await }
    });
    let message = RwSignal::new(None::<String>);
    let retry = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::retry_job(id, lang_untracked()).await {
                Ok(_) => {
                    message.set(Some(format!(
                        "{}{id}",
                        tr(lang_untracked(), "已重新排队：任务 ", "Queued again: job ")
                    )));
                    refreshes.update(|n| *n += 1);
                }
                Err(e) => message.set(Some(e.body.first_message())),
            }
        });
    };
    let body = move || {
        match jobs.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted">{tr(l, "暂无后台任务", "No background jobs")}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(l, "后台任务", "Background jobs")><table class="queue jobs">
                <thead><tr>
                    <th scope="col">{tr(l, "任务", "Job")}</th>
                    <th scope="col">{tr(l, "状态", "State")}</th>
                    <th scope="col">{tr(l, "次数", "Tries")}</th>
                    <th scope="col">{tr(l, "时间", "Time")}</th>
                    <th scope="col">{tr(l, "错误", "Error")}</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|j| {
                    let id = j.id;
                    let failed = j.state == "failed";
                    view! { <tr data-job=id data-state=j.state.clone()>
                        <td>{format!("#{id} {}", job_kind(&j.kind, l))}{j.about.map(|a| format!(" · {a}"))}</td>
                        <td><span class=format!("badge job-{}", j.state)>{job_state(&j.state, l)}</span></td>
                        <td>{j.attempts}</td>
                        <td>{shared::date::county_time(&j.at).unwrap_or(j.at.clone())}</td>
                        <td>{j.last_error.unwrap_or_default()}
                            {failed.then(|| view! { <button type="button" class="button small" on:click=move |_| retry(id)>{tr(l, "重试", "Retry")}</button> })}</td>
                    </tr> }
                }).collect_view()}</tbody>
            </table></div>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel jobs-panel">
            <h2>{tr(l, "后台任务", "Background jobs")}</h2>
            <label class="check"><input type="checkbox" on:change=move |ev| only_failed.set(event_target_checked(&ev)) />
                {tr(l, " 只看已放弃的任务", " Only jobs given up")}</label>
            <p role="status">{move || message.get()}</p>
            {body}
        </section>
    }
    .into_any()
}

/// Every webhook subscription of the departments' systems, how delivery stands, and for a dead
/// one (given up after failures in a row) the button that sends it again from where it stopped.
fn webhooks_panel(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let hooks = fetch(move || {
        refreshes.track();
        async move { api::webhooks(lang_untracked()).await }
    });
    let message = RwSignal::new(None::<String>);
    let again = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::redeliver(id, lang_untracked()).await {
                Ok(_) => {
                    let l = lang_untracked();
                    message.set(Some(format!(
                        "{}{id}",
                        tr(l, "已重新推送：订阅 ", "Sending again: subscription ")
                    )));
                    refreshes.update(|n| *n += 1);
                }
                Err(e) => message.set(Some(e.body.first_message())),
            }
        });
    };
    let body = move || {
        match hooks.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted">{tr(l, "暂无推送订阅", "No webhook subscriptions")}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(l, "推送订阅", "Webhooks")><table class="queue webhooks">
                <thead><tr>
                    <th scope="col">{tr(l, "系统", "System")}</th>
                    <th scope="col">{tr(l, "地址", "Address")}</th>
                    <th scope="col">{tr(l, "状态", "State")}</th>
                    <th scope="col">{tr(l, "已送达", "Delivered")}</th>
                    <th scope="col">{tr(l, "错误", "Error")}</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|w| {
                    let (id, dead) = (w.id, w.state == "dead");
                    let state = match (dead, w.failures) {
                        (true, n) => format!("{}{n}{}", tr(l, "已停止（连续失败 ", "Stopped ("), tr(l, " 次）", " failures in a row)")),
                        (false, 0) => tr(l, "正常", "Live").to_string(),
                        (false, n) => format!("{}{n}{}", tr(l, "重试中（失败 ", "Retrying ("), tr(l, " 次）", " failures)")),
                    };
                    view! { <tr data-webhook=id data-state=w.state.clone()>
                        <td>{w.owner}</td>
                        <td class="url">{w.url}</td>
                        <td><span class=format!("badge webhook-{}", w.state)>{state}</span></td>
                        <td>{w.delivered}</td>
                        <td>{w.last_error.unwrap_or_default()}
                            {dead.then(|| view! { <button type="button" class="button small" on:click=move |_| again(id)>{tr(l, "重新推送", "Send again")}</button> })}</td>
                    </tr> }
                }).collect_view()}</tbody>
            </table></div>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel webhooks-panel">
            <h2>{tr(l, "部门系统推送（Webhook）", "Departments' systems: webhooks")}</h2>
            <p class="muted">{tr(l,
                "各部门系统订阅的事件推送。连续失败 8 次即停止推送，排除故障后点“重新推送”，从中断处继续。",
                "Events pushed to the departments' systems. After 8 failures in a row a subscription stops; once the fault is fixed, send it again and it goes on from where it stopped.")}</p>
            <p role="status">{move || message.get()}</p>
            {body}
        </section>
    }
    .into_any()
}
