//! The back office (its own wasm: `src/bin/staff.rs`, served at `/staff`): login, then the
//! staff member's work — the one window's intake queue, a department's review queue, the
//! administrator's list import and background jobs — and one application with the actions the
//! role allows. Every rule is the server's; these pages offer only what the state machine
//! allows.

mod application;

pub use application::StaffApplicationPage;

use leptos::prelude::*;
use shared::Lang;
use shared::staff::{LoginRequest, Role, StaffProfile};

use crate::api::{self, ApiError};
use crate::i18n::{lang, lang_untracked, tr};
use crate::pages::{Loaded, failed, fetch, loading};

pub fn role_name(r: Role, l: Lang) -> &'static str {
    match r {
        Role::Clerk => tr(l, "综合窗口", "Intake window"),
        Role::Reviewer => tr(l, "部门审查", "Department reviewer"),
        Role::Admin => tr(l, "管理员", "Administrator"),
    }
}

/// Today in the browser, `YYYY-MM-DD` (ISO dates compare as strings).
pub fn today_iso() -> String {
    shared::date::format_iso_date(crate::components::today())
}

#[component]
pub fn StaffHome() -> impl IntoView {
    let me: Loaded<StaffProfile> = fetch(|| api::staff_me(lang_untracked()));
    move || {
        let l = lang();
        match me.get() {
            None => loading(l),
            Some(Err(e)) if e.status == 401 => login_form(me, l),
            Some(Err(e)) => failed(e),
            Some(Ok(p)) => dashboard(p, l),
        }
    }
}

fn login_form(me: Loaded<StaffProfile>, l: Lang) -> AnyView {
    let (user, pass) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = LoginRequest {
            username: user.get_untracked(),
            password: pass.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::staff_login(&body, lang_untracked()).await {
                Ok(p) => me.set(Some(Ok(p))),
                Err(e) => error.set(Some(e.body.message)),
            }
        });
    };
    view! {
        <section class="panel narrow">
            <h1>{tr(l, "工作人员登录", "Staff login")}</h1>
            <form class="form" on:submit=submit>
                <div class="field">
                    <label class="label" for="username">{tr(l, "用户名", "Username")}</label>
                    <input id="username" autocomplete="username" on:input=move |ev| user.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label class="label" for="password">{tr(l, "密码", "Password")}</label>
                    <input id="password" type="password" autocomplete="current-password" on:input=move |ev| pass.set(event_target_value(&ev)) />
                </div>
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="button primary">{tr(l, "登录", "Log in")}</button>
            </form>
        </section>
    }
    .into_any()
}

fn dashboard(p: StaffProfile, l: Lang) -> AnyView {
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            api::staff_logout(lang_untracked()).await;
            crate::route::go("/staff");
        });
    };
    let work = match p.role {
        Role::Clerk => view! {
            {intake_queue(l)}
            <section class="panel">
                <h2>{tr(l, "窗口代办", "Counter filing")}</h2>
                <p>{tr(l, "为到窗口办事的申请人填写同一张综合表单；提交后将回执打印交给申请人。",
                    "Fill in the same integrated form for a walk-in applicant; print the receipt for them.")}</p>
                <a class="button" href="/">{tr(l, "选择套餐并代为填写", "Choose a bundle and fill it in")}</a>
            </section>
        }.into_any(),
        Role::Reviewer => view! { {review_queue(l)} {holder_requests(l)} }.into_any(),
        Role::Admin => view! { {intake_queue(l)} {import_form(l)} {jobs_panel(l)} }.into_any(),
    };
    view! {
        <section class="panel staff-bar">
            <p>
                <strong class="who">{p.display_name.clone()}</strong>
                {format!(" · {}{}", role_name(p.role, l), p.department.map(|d| format!(" · {d}")).unwrap_or_default())}
            </p>
            <button type="button" class="button" on:click=logout>{tr(l, "退出登录", "Log out")}</button>
        </section>
        {work}
    }
    .into_any()
}

fn intake_queue(l: Lang) -> AnyView {
    let queue = fetch(|| api::intake_queue(lang_untracked()));
    let body = move || {
        match queue.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{tr(l, "暂无待受理的申请", "Nothing waits at the window")}</p> }.into_any(),
        Some(Ok(list)) => view! {
            <div class="table-wrap"><table class="queue">
                <thead><tr>
                    <th scope="col">{tr(l, "申请编号", "Number")}</th>
                    <th scope="col">{tr(l, "经营主体", "Business")}</th>
                    <th scope="col">{tr(l, "套餐", "Bundle")}</th>
                    <th scope="col">{tr(l, "事项数", "Items")}</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|e| view! { <tr>
                    <td><a href=format!("/staff/applications/{}", e.number)>{e.number.clone()}</a></td>
                    <td>{e.business_name}</td>
                    <td>{e.bundle_name.get(l).to_string()}</td>
                    <td>{e.item_count}</td>
                </tr> }).collect_view()}</tbody>
            </table></div>
        }.into_any(),
    }
    };
    view! { <section class="panel"><h1>{tr(l, "待受理（综合窗口）", "Waiting at the window")}</h1>{body}</section> }.into_any()
}

fn review_queue(l: Lang) -> AnyView {
    let queue = fetch(|| api::department_queue(lang_untracked()));
    let today = today_iso();
    let body = move || match queue.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted">{tr(l, "本部门暂无待办事项", "Nothing to review")}</p> }
                .into_any()
        }
        Some(Ok(list)) => {
            let today = today.clone();
            view! {
                <div class="table-wrap"><table class="queue">
                    <thead><tr>
                        <th scope="col">{tr(l, "申请编号", "Number")}</th>
                        <th scope="col">{tr(l, "事项", "Item")}</th>
                        <th scope="col">{tr(l, "状态", "State")}</th>
                        <th scope="col">{tr(l, "办结期限", "Due")}</th>
                    </tr></thead>
                    <tbody>{list.into_iter().map(|i| {
                        let (due, class) = match i.due_on.clone() {
                            None => (tr(l, "暂停计时", "clock paused").to_string(), "due paused"),
                            Some(d) if d < today => (format!("{d} {}", tr(l, "已超期", "overdue")), "due overdue"),
                            Some(d) if d == today => (format!("{d} {}", tr(l, "今日到期", "due today")), "due soon"),
                            Some(d) => (d, "due"),
                        };
                        view! { <tr data-item=i.item.clone()>
                            <td><a href=format!("/staff/applications/{}", i.application)>{i.application.clone()}</a></td>
                            <td>{i.name.get(l).to_string()}</td>
                            <td><span class=format!("badge {}", i.status.as_str())>{i.status.label(l)}</span></td>
                            <td class=class>{due}</td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any()
        }
    };
    view! { <section class="panel"><h1>{tr(l, "本部门待办（按期限排序）", "Your department's items, nearest deadline first")}</h1>{body}</section> }.into_any()
}

/// Requests of licence holders that this department decides: a change of the licence (the
/// registration authority) or the cancellation of one of its permits.
fn holder_requests(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let queue = fetch(move || {
        refreshes.track();
        api::holder_requests(lang_untracked())
    });
    let error = RwSignal::new(None::<String>);
    let decide = move |id: i64, approve: bool| {
        let note = document()
            .get_element_by_id(&format!("request-note-{id}"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(e).ok())
            .map(|t| t.value())
            .filter(|v| !v.trim().is_empty());
        let body = shared::holder::RequestDecision { approve, note };
        leptos::task::spawn_local(async move {
            match api::decide_request(id, &body, lang_untracked()).await {
                Ok(_) => {
                    error.set(None);
                    refreshes.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.body.first_message())),
            }
        });
    };
    let body = move || {
        match queue.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="muted">{tr(l, "暂无持证人申请", "No requests from licence holders")}</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <ul class="subs">{list.into_iter().map(|r| {
                let id = r.id;
                let what = match &r.request {
                    shared::holder::HolderRequest::Change { field, value, .. } => format!("{}{}：{} → {value}",
                        tr(l, "变更", "Change of the "), shared::holder::field_label(field, l), r.before),
                    shared::holder::HolderRequest::Cancel { .. } => format!("{}{}", tr(l, "注销：", "Cancel: "), r.before),
                };
                let note_id = format!("request-note-{id}");
                view! { <li class="sub request" data-request=id>
                    <span class="sub-name">{what}</span>
                    <span class="sub-dept">{format!("{} · {}", r.enterprise, r.uscc)}</span>
                    <span class="sub-note">{format!("{}{}", tr(l, "理由：", "Reason: "), r.request.reason())}</span>
                    <div class="sub-request">
                        <label class="label" for=note_id.clone()>{tr(l, "办理意见（不予办理时必填）", "Note (required to refuse)")}</label>
                        <textarea id=note_id rows="2" maxlength="2000"></textarea>
                        <div class="actions">
                            <button type="button" class="button primary" on:click=move |_| decide(id, true)>{tr(l, "准予办理", "Approve")}</button>
                            <button type="button" class="button" on:click=move |_| decide(id, false)>{tr(l, "不予办理", "Refuse")}</button>
                        </div>
                    </div>
                </li> }
            }).collect_view()}</ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel holder-requests">
            <h2>{tr(l, "持证人申请（变更、注销）", "Licence holders' requests (changes, cancellations)")}</h2>
            {body}
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
    .into_any()
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
            <div class="table-wrap"><table class="queue jobs">
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
