//! The back office (its own wasm: `src/bin/staff.rs`, served at `/staff`): login, then the
//! staff member's work — the worklist, a department's follow-ups of approvals by commitment and
//! holder requests, an inspector's random inspection tasks, the counter's filing —
//! and one application with the actions the role allows. Every rule is the server's; these
//! pages offer only what the state machine allows. (The administrator's console is an app of
//! its own: `admin`.)

mod application;
mod follow_ups;
mod inspection_tasks;
mod worklist;

pub use application::StaffApplicationPage;

use leptos::prelude::*;
use shared::Lang;
use shared::staff::{LoginRequest, Role, StaffProfile};

use crate::api;
use crate::i18n::{lang, lang_untracked, tr};
use crate::pages::{Loaded, failed, fetch, loading};

pub fn role_name(r: Role, l: Lang) -> &'static str {
    match r {
        Role::Clerk => tr(l, "综合窗口", "Intake window"),
        Role::Reviewer => tr(l, "部门审查", "Department reviewer"),
        Role::Inspector => tr(l, "执法检查", "Inspector"),
        Role::Admin => tr(l, "管理员", "Administrator"),
        Role::Leader => tr(l, "局领导", "Leadership"),
    }
}

/// Whether a field has the focus (someone is typing): a page following others' changes waits.
pub fn typing() -> bool {
    document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
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
    let list = move |p: &StaffProfile| worklist::worklist(p, l);
    let work = match p.role {
        Role::Clerk => view! {
            {list(&p)}
            <section class="panel">
                <h2>{tr(l, "窗口代办", "Counter filing")}</h2>
                <p>{tr(l, "为到窗口办事的申请人填写同一张综合表单；提交后将回执打印交给申请人。",
                    "Fill in the same integrated form for a walk-in applicant; print the receipt for them.")}</p>
                <a class="button" href="/">{tr(l, "选择套餐并代为填写", "Choose a bundle and fill it in")}</a>
            </section>
        }.into_any(),
        Role::Reviewer => view! { {list(&p)} {follow_ups::follow_ups(l)} {holder_requests(l)} }.into_any(),
        Role::Inspector => view! { {inspection_tasks::inspection_tasks(l)} {follow_ups::follow_ups(l)} }.into_any(),
        Role::Leader => statistics_link(l),
        Role::Admin => view! {
            {list(&p)}
            {statistics_link(l)}
            <section class="panel">
                <h2>{tr(l, "管理控制台", "Administration")}</h2>
                <p>{tr(l, "后台任务、失信名单导入。", "Background jobs, the dishonesty list.")}</p>
                <a class="button" href="/staff/admin">{tr(l, "打开管理控制台", "Open the administration")}</a>
            </section>
        }.into_any(),
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
        {matches!(p.role, Role::Reviewer | Role::Admin | Role::Leader).then(|| digest_panel(p.email.clone(), l))}
    }
    .into_any()
}

/// Where one's daily list of items due by the next working day and overdue goes (each
/// working day morning); an empty address stops it.
fn digest_panel(email: Option<String>, l: Lang) -> AnyView {
    let value = RwSignal::new(email.clone().unwrap_or_default());
    let said = RwSignal::new(None::<(bool, String)>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let email = Some(value.get_untracked());
        leptos::task::spawn_local(async move {
            let body = shared::staff::DigestEmail { email };
            said.set(Some(
                match api::set_digest_email(&body, lang_untracked()).await {
                    Ok(p) if p.email.is_some() => (
                        false,
                        tr(
                            lang_untracked(),
                            "已保存：每个工作日早上发送",
                            "Saved: sent each working day morning",
                        )
                        .to_string(),
                    ),
                    Ok(_) => (
                        false,
                        tr(lang_untracked(), "已停止发送", "Stopped").to_string(),
                    ),
                    Err(e) => (true, e.body.first_message()),
                },
            ));
        });
    };
    view! {
        <details class="panel digest" open=email.is_some()>
            <summary>{tr(l, "每日待办提醒（邮件）", "Daily list by e-mail")}</summary>
            <form class="form" on:submit=save novalidate>
                <div class="field">
                    <label class="label" for="digest-email">{tr(l, "接收邮箱（明日到期及已逾期事项；留空即停止）", "Address (items due tomorrow and overdue; empty to stop)")}</label>
                    <input id="digest-email" type="email" autocomplete="email" prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </div>
                <p role="status" class:error=move || said.get().is_some_and(|s| s.0)>{move || said.get().map(|s| s.1)}</p>
                <button type="submit" class="button">{tr(l, "保存", "Save")}</button>
            </form>
        </details>
    }
    .into_any()
}

/// The dashboard (server-rendered: charts as SVG, filters, exports, a print view).
fn statistics_link(l: Lang) -> AnyView {
    view! {
        <section class="panel">
            <h2>{tr(l, "统计看板", "Dashboard")}</h2>
            <p>{tr(l, "各部门办件量、实际用时、按时办结率、逾期清单、企业评价；可导出 CSV、XLSX。",
                "Volumes, actual days, on-time rates and overdue items per department, applicants' ratings; exports as CSV and XLSX.")}</p>
            <a class="button" href="/staff/statistics">{tr(l, "打开统计看板", "Open the dashboard")}</a>
        </section>
    }
    .into_any()
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
                    shared::holder::HolderRequest::Cancel { .. } | shared::holder::HolderRequest::CancelAll { .. } => format!("{}{}", tr(l, "注销：", "Cancel: "), r.before),
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
