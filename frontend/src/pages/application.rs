//! The receipt (right after submitting) and the private status page of an application. Both
//! read the token from the URL fragment, which never reaches the server's logs.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use shared::api::{ApplicationStatus, status_page};

use super::{failed, loading};
use crate::api;
use crate::components::QrCode;
use crate::i18n::{lang, tr};

#[component]
pub fn ApplicationPage(receipt: bool) -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let number = move || params.read().get("number").unwrap_or_default();
    let token = move || {
        let hash = location.hash.get();
        hash.trim_start_matches('#').strip_prefix("t=").unwrap_or("").to_string()
    };
    let status = LocalResource::new(move || {
        let (n, t) = (number(), token());
        async move { api::status(&n, &t, shared::Lang::Zh).await }
    });
    move || match status.get() {
        None => loading(),
        Some(Err(e)) => failed(e),
        Some(Ok(s)) => {
            let link = format!("{}{}", window().location().origin().unwrap_or_default(), status_page(&s.number, &token()));
            view! { <ApplicationView status=s link=link receipt=receipt refresh=move || status.refetch() /> }.into_any()
        }
    }
}

#[component]
fn ApplicationView(status: ApplicationStatus, link: String, receipt: bool, refresh: impl Fn() + 'static + Clone + Send + Sync) -> impl IntoView {
    let s = StoredValue::new(status);
    let get = move || s.get_value();
    let overall = get().status;
    let qr_label = Signal::derive(move || tr("办理进度查询二维码", "QR code of the status link").to_string());
    view! {
        <section class="panel receipt">
            {receipt.then(|| view! {
                <div class="success" role="status">
                    <h1>{move || tr("申请已提交", "Application submitted")}</h1>
                    <p>{move || tr("请保存本回执。凭下方链接或二维码可随时查看各事项办理进度。", "Keep this receipt: the link or QR code below shows every item's status at any time.")}</p>
                </div>
            })}
            {(!receipt).then(|| view! { <h1>{move || tr("办理进度", "Application status")}</h1> })}
            <dl class="figures">
                <div><dt>{move || tr("申请编号", "Application number")}</dt><dd class="number">{get().number}</dd></div>
                <div><dt>{move || tr("套餐", "Bundle")}</dt><dd>{move || get().bundle_name.get(lang()).to_string()}</dd></div>
                <div><dt>{move || tr("提交时间（UTC）", "Submitted (UTC)")}</dt><dd>{get().submitted_at.replace('T', " ").replace('Z', "")}</dd></div>
                <div><dt>{move || tr("总体状态", "Overall")}</dt><dd class="overall">{move || overall.label(lang())}</dd></div>
            </dl>
        </section>
        <section class="panel">
            <h2>{move || tr("各事项（并联审批）", "Items (reviewed in parallel)")}</h2>
            <ul class="subs">
                {get().items.into_iter().map(|i| {
                    let (name, dept, st) = (i.name.clone(), i.department_name.clone(), i.status);
                    view! { <li class="sub" data-item=i.item.clone()>
                        <span class="sub-name">{move || name.get(lang()).to_string()}</span>
                        <span class="sub-dept">{move || dept.get(lang()).to_string()}</span>
                        <span class=format!("badge {}", st.as_str())>{move || st.label(lang())}</span>
                    </li> }
                }).collect_view()}
            </ul>
            <button type="button" class="button" on:click=move |_| refresh()>{move || tr("刷新进度", "Refresh")}</button>
        </section>
        <section class="panel link-panel">
            <h2>{move || tr("您的专属查询链接", "Your private status link")}</h2>
            <p class="muted">{move || tr("此链接相当于查询密码，请勿公开。", "This link works like a password: do not share it publicly.")}</p>
            <p><a class="status-link" href=link.clone()>{link.clone()}</a></p>
            <QrCode text=link.clone() label=qr_label />
            <div class="actions no-print">
                <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{move || tr("打印回执", "Print receipt")}</button>
            </div>
        </section>
    }
}
