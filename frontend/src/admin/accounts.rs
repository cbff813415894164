//! Staff accounts for the administrator: the list (standing, live sessions, last login), adding
//! an account, changing one (name, role, department, standing), a new set-password link, ending
//! its sessions. The link is shown once, to be handed over in person; the administrator never
//! knows a password. Every refusal appears beside the form that caused it, under its field.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Lang;
use shared::catalogue::Department;
use shared::staff::{AccountChange, Accounts, NewStaffAccount, PasswordLink, Role, StaffAccount};

use crate::api::{self, ApiError};
use crate::i18n::{lang_untracked, tr};
use crate::pages::{failed, fetch, loading};
use crate::staff::role_name;

/// What the last action said, and whether it failed (then the focus goes to it).
#[derive(Clone)]
enum Said {
    Done(String),
    Link(PasswordLink),
    Failed(String),
}

type Errors = RwSignal<BTreeMap<String, Vec<String>>>;

/// The refusal's words under a field, tied to its input for screen readers.
fn under(errors: Errors, field: &'static str, id: &'static str) -> impl IntoView {
    move || {
        errors.with(|e| e.get(field).map(|m| m.join(" "))).map(|m| {
            view! { <p class="error" id=format!("{id}-error")>{m}</p> }
        })
    }
}

/// Moves the focus to the element `id` once it is drawn.
fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(e) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = e.focus();
        }
    });
}

fn department_name(departments: &[Department], id: &Option<String>, l: Lang) -> String {
    id.as_deref()
        .map(|d| {
            departments
                .iter()
                .find(|x| x.id == d)
                .map(|x| x.name.get(l).to_string())
                .unwrap_or_else(|| d.to_string())
        })
        .unwrap_or_default()
}

/// A role and, for a reviewer or an inspector, a department, and for an inspector the
/// certificate number: the choices of both forms.
fn placement(
    l: Lang,
    prefix: &'static str,
    role: RwSignal<String>,
    (department, certificate): (RwSignal<String>, RwSignal<String>),
    departments: Vec<Department>,
    errors: Errors,
) -> impl IntoView {
    let (role_id, dept_id, cert_id) = match prefix {
        "new" => ("new-role", "new-department", "new-certificate"),
        _ => ("edit-role", "edit-department", "edit-certificate"),
    };
    view! {
        <div class="field">
            <label class="label" for=role_id>{tr(l, "角色", "Role")}</label>
            <select id=role_id prop:value=move || role.get()
                on:change=move |ev| role.set(event_target_value(&ev))>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=move || role.get() == r.as_str()>{role_name(r, l)}</option>
                }).collect_view()}
            </select>
            {under(errors, "role", role_id)}
        </div>
        <div class="field" hidden=move || !has_department(&role.get())>
            <label class="label" for=dept_id>{tr(l, "所属部门", "Department")}</label>
            <select id=dept_id prop:value=move || department.get()
                on:change=move |ev| department.set(event_target_value(&ev))>
                <option value="">{tr(l, "（请选择）", "(choose)")}</option>
                {departments.into_iter().map(|d| {
                    let id = d.id.clone();
                    view! { <option value=d.id.clone() selected=move || department.get() == id>{d.name.get(l).to_string()}</option> }
                }).collect_view()}
            </select>
            {under(errors, "department", dept_id)}
        </div>
        <div class="field" hidden=move || role.get() != "inspector">
            <label class="label" for=cert_id>{tr(l, "执法证号", "Certificate number")}</label>
            <input id=cert_id type="text" autocomplete="off" prop:value=move || certificate.get()
                on:input=move |ev| certificate.set(event_target_value(&ev)) />
            {under(errors, "certificate", cert_id)}
        </div>
    }
}

fn has_department(role: &str) -> bool {
    role == "reviewer" || role == "inspector"
}

fn department_of(role: &str, department: String) -> Option<String> {
    (has_department(role) && !department.is_empty()).then_some(department)
}

fn certificate_of(role: &str, certificate: String) -> Option<String> {
    (role == "inspector" && !certificate.trim().is_empty()).then_some(certificate)
}

pub fn accounts_panel(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let list = fetch(move || {
        refreshes.track();
        async move { api::accounts(lang_untracked()).await }
    });
    let departments = Memo::new(move |_| {
        list.with(|r| match r {
            Some(Ok(a)) => a.departments.clone(),
            _ => Vec::new(),
        })
    });
    let said = RwSignal::new(None::<Said>);
    let editing = RwSignal::new(None::<StaffAccount>);
    let tell = move |outcome: Said| {
        let failed = matches!(outcome, Said::Failed(_));
        said.set(Some(outcome));
        if !failed {
            refreshes.update(|n| *n += 1);
        }
        focus_later("accounts-outcome");
    };
    let reset = move |username: String| {
        leptos::task::spawn_local(async move {
            tell(
                match api::password_link(&username, lang_untracked()).await {
                    Ok(link) => Said::Link(link),
                    Err(e) => Said::Failed(e.body.first_message()),
                },
            );
        });
    };
    let end_sessions = move |username: String| {
        leptos::task::spawn_local(async move {
            let l = lang_untracked();
            tell(match api::revoke_sessions(&username, l).await {
                Ok(v) => Said::Done(format!(
                    "{username}{}{}",
                    tr(l, "：已结束会话 ", ": sessions ended: "),
                    v["revoked"]
                )),
                Err(e) => Said::Failed(e.body.first_message()),
            });
        });
    };
    let outcome = move || {
        let l = lang_untracked();
        said.get().map(|s| match s {
            Said::Done(words) => view! { <p>{words}</p> }.into_any(),
            Said::Failed(words) => view! { <p class="error">{words}</p> }.into_any(),
            Said::Link(link) => view! {
                <div class="link-box">
                    <p>{format!(
                        "{}{}{}",
                        tr(l, "请把这个一次性链接当面交给 ", "Hand this one-time link in person to "),
                        link.account.display_name,
                        tr(l, "：本人用它设置密码，只能使用一次，有效期至 ", ": they set their password with it, once, until "),
                    )}{crate::components::local_time(&link.expires_at, l)}</p>
                    <label class="label" for="password-link">{tr(l, "设置密码链接", "Set-password link")}</label>
                    <input id="password-link" type="text" class="link" readonly prop:value=link.link.clone()
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                i.select();
                            }
                        } />
                </div>
            }
            .into_any(),
        })
    };
    let body = move || match list.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(Accounts {
            accounts,
            departments,
        })) => {
            let table_departments = departments.clone();
            view! {
                <div class="table-wrap"><table class="queue accounts">
                    <caption class="visually-hidden">{tr(l, "工作人员账号", "Staff accounts")}</caption>
                    <thead><tr>
                        <th scope="col">{tr(l, "用户名", "Username")}</th>
                        <th scope="col">{tr(l, "姓名", "Name")}</th>
                        <th scope="col">{tr(l, "角色", "Role")}</th>
                        <th scope="col">{tr(l, "状态", "Standing")}</th>
                        <th scope="col">{tr(l, "在线会话", "Live sessions")}</th>
                        <th scope="col">{tr(l, "最近登录", "Last login")}</th>
                        <th scope="col">{tr(l, "操作", "Actions")}</th>
                    </tr></thead>
                    <tbody>{accounts.into_iter().map(|a| {
                        let (u1, u2) = (a.username.clone(), a.username.clone());
                        let edit = a.clone();
                        let dept = department_name(&table_departments, &a.department, l);
                        view! { <tr data-account=a.username.clone() data-active=a.active.to_string()>
                            <td>{a.username.clone()}</td>
                            <td>{a.display_name.clone()}</td>
                            <td>{a.system.then(|| tr(l, "部门系统（接口）· ", "Department system (API) · "))}{role_name(a.role, l)}{(!dept.is_empty()).then(|| format!(" · {dept}"))}
                                {a.certificate.clone().map(|c| format!(" · {c}"))}</td>
                            <td>{if a.active {
                                view! { <span class="badge ok">{tr(l, "在用", "Active")}</span> }.into_any()
                            } else {
                                view! { <span class="badge off">{tr(l, "已停用", "Deactivated")}</span> }.into_any()
                            }}</td>
                            <td>{a.live_sessions}</td>
                            <td>{a.last_login.as_deref().map(|t| crate::components::local_time(t, l)).unwrap_or_else(|| tr(l, "从未", "Never").to_string())}</td>
                            <td class="row-actions">
                                <button type="button" class="button small" on:click=move |_| {
                                    editing.set(Some(edit.clone()));
                                    focus_later("edit-name");
                                }>{tr(l, "修改", "Change")}</button>
                                {(!a.system).then(|| view! { <button type="button" class="button small" on:click=move |_| reset(u1.clone())>{tr(l, "重置密码", "Reset password")}</button> })}
                                {(a.live_sessions > 0).then(|| view! {
                                    <button type="button" class="button small" on:click=move |_| end_sessions(u2.clone())>{tr(l, "结束会话", "End sessions")}</button>
                                })}
                            </td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table></div>
            }
            .into_any()
        }
    };
    view! {
        <section class="panel accounts-panel">
            <h2>{tr(l, "工作人员账号", "Staff accounts")}</h2>
            <div id="accounts-outcome" tabindex="-1" role="status" aria-live="polite">{outcome}</div>
            {body}
            // Outside the list: a reload of the list leaves a form being filled alone.
            {move || editing.get().map(|a| edit_form(l, a, departments.get_untracked(), editing, tell))}
            {move || {
                let d = departments.get();
                (!d.is_empty()).then(|| add_form(l, d, tell))
            }}
        </section>
    }
    .into_any()
}

fn add_form(
    l: Lang,
    departments: Vec<Department>,
    tell: impl Fn(Said) + Copy + 'static,
) -> AnyView {
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("clerk".to_string());
    let department = RwSignal::new(String::new());
    let certificate = RwSignal::new(String::new());
    let errors: Errors = RwSignal::new(BTreeMap::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role_now = role.get_untracked();
        let body = NewStaffAccount {
            username: username.get_untracked(),
            display_name: name.get_untracked(),
            department: department_of(&role_now, department.get_untracked()),
            certificate: certificate_of(&role_now, certificate.get_untracked()),
            role: role_now,
        };
        leptos::task::spawn_local(async move {
            match api::add_account(&body, lang_untracked()).await {
                Ok(link) => {
                    errors.set(BTreeMap::new());
                    username.set(String::new());
                    name.set(String::new());
                    tell(Said::Link(link));
                }
                Err(ApiError { body, .. }) => {
                    errors.set(body.field_errors.clone());
                    tell(Said::Failed(body.first_message()));
                }
            }
        });
    };
    view! {
        <form class="form account-form" on:submit=submit>
            <h3>{tr(l, "新增账号", "Add an account")}</h3>
            <div class="field">
                <label class="label" for="new-username">{tr(l, "用户名（登录用）", "Username (to log in)")}</label>
                <input id="new-username" type="text" autocomplete="off" prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) />
                {under(errors, "username", "new-username")}
            </div>
            <div class="field">
                <label class="label" for="new-name">{tr(l, "姓名", "Name")}</label>
                <input id="new-name" type="text" autocomplete="off" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                {under(errors, "display_name", "new-name")}
            </div>
            {placement(l, "new", role, (department, certificate), departments, errors)}
            <button type="submit" class="button primary">{tr(l, "新增并生成设置密码链接", "Add, and make the set-password link")}</button>
        </form>
    }
    .into_any()
}

fn edit_form(
    l: Lang,
    a: StaffAccount,
    departments: Vec<Department>,
    editing: RwSignal<Option<StaffAccount>>,
    tell: impl Fn(Said) + Copy + 'static,
) -> AnyView {
    let username = a.username.clone();
    let name = RwSignal::new(a.display_name.clone());
    let role = RwSignal::new(a.role.as_str().to_string());
    let department = RwSignal::new(a.department.clone().unwrap_or_default());
    let certificate = RwSignal::new(a.certificate.clone().unwrap_or_default());
    let active = RwSignal::new(a.active);
    let errors: Errors = RwSignal::new(BTreeMap::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role_now = role.get_untracked();
        let body = AccountChange {
            display_name: name.get_untracked(),
            department: department_of(&role_now, department.get_untracked()),
            certificate: certificate_of(&role_now, certificate.get_untracked()),
            role: role_now,
            active: active.get_untracked(),
        };
        let username = username.clone();
        leptos::task::spawn_local(async move {
            let l = lang_untracked();
            match api::change_account(&username, &body, l).await {
                Ok(done) => {
                    editing.set(None);
                    tell(Said::Done(format!(
                        "{}{}",
                        done.username,
                        tr(l, "：已保存", ": saved")
                    )));
                }
                Err(ApiError { body, .. }) => {
                    errors.set(body.field_errors.clone());
                    tell(Said::Failed(body.first_message()));
                }
            }
        });
    };
    view! {
        <form class="form account-form" on:submit=submit>
            <h3>{format!("{}{}", tr(l, "修改账号：", "Change the account: "), a.username)}</h3>
            <div class="field">
                <label class="label" for="edit-name">{tr(l, "姓名", "Name")}</label>
                <input id="edit-name" type="text" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                {under(errors, "display_name", "edit-name")}
            </div>
            {placement(l, "edit", role, (department, certificate), departments, errors)}
            <label class="check"><input type="checkbox" id="edit-active" prop:checked=move || active.get()
                on:change=move |ev| active.set(event_target_checked(&ev)) />
                {tr(l, " 在用（取消勾选即停用，并立即结束其全部会话）", " Active (untick to deactivate; every session ends at once)")}</label>
            <div class="actions">
                <button type="submit" class="button primary">{tr(l, "保存", "Save")}</button>
                <button type="button" class="button" on:click=move |_| editing.set(None)>{tr(l, "取消", "Cancel")}</button>
            </div>
        </form>
    }
    .into_any()
}
