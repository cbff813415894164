//! The receipt (right after submitting) and the private status page of an application. Both
//! read the token from the URL fragment, which never reaches the server's logs.

use leptos::prelude::*;
use shared::Lang;
use shared::api::{ApplicationStatus, status_page};

use super::{failed, fetch, loading};
use crate::api;
use crate::components::QrCode;
use crate::i18n::{lang, lang_untracked, tr};

#[component]
pub fn ApplicationPage(number: String, receipt: bool) -> impl IntoView {
    let token = crate::route::fragment_token();
    // The token lives in the fragment: a new fragment is another application's key.
    let _ = window_event_listener(leptos::ev::hashchange, |_| {
        let _ = window().location().reload();
    });
    let (number, token) = (StoredValue::new(number), StoredValue::new(token));
    let refreshes = RwSignal::new(0u32);
    let status = fetch(move || {
        refreshes.track();
        let (n, t) = (number.get_value(), token.get_value());
        async move { api::status(&n, &t, lang_untracked()).await }
    });
    move || {
        let l = lang();
        match status.get() {
            None => loading(l),
            Some(Err(e)) => failed(e),
            Some(Ok(s)) => {
                let origin = window().location().origin().unwrap_or_default();
                let link = format!("{origin}{}", status_page(&s.number, &token.get_value()));
                view_application(&s, l, link, receipt, move || refreshes.update(|n| *n += 1))
            }
        }
    }
}

/// An RFC 3339 instant in the browser's own time zone and the reader's language.
fn local_time(rfc3339: &str, l: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    String::from(date.to_locale_string(l.tag(), &wasm_bindgen::JsValue::UNDEFINED))
}

fn view_application(
    s: &ApplicationStatus,
    l: Lang,
    link: String,
    receipt: bool,
    refresh: impl Fn() + 'static,
) -> AnyView {
    let title = if receipt {
        view! {
            <div class="success" role="status">
                <h1>{tr(l, "申请已提交", "Application submitted")}</h1>
                <p>{tr(l,
                    "请保存本回执。凭下方链接或二维码可随时查看各事项办理进度。",
                    "Keep this receipt: the link or QR code below shows every item's status at any time.")}</p>
            </div>
        }
        .into_any()
    } else {
        view! { <h1>{tr(l, "办理进度", "Application status")}</h1> }.into_any()
    };
    view! {
        <section class="panel receipt">
            {title}
            <dl class="figures">
                <div><dt>{tr(l, "申请编号", "Application number")}</dt><dd class="number">{s.number.clone()}</dd></div>
                <div><dt>{tr(l, "套餐", "Bundle")}</dt><dd>{s.bundle_name.get(l).to_string()}</dd></div>
                <div><dt>{tr(l, "提交时间", "Submitted")}</dt><dd>{local_time(&s.submitted_at, l)}</dd></div>
                <div><dt>{tr(l, "总体状态", "Overall")}</dt><dd class="overall">{s.status.label(l)}</dd></div>
            </dl>
        </section>
        <section class="panel">
            <h2>{tr(l, "各事项（并联审批）", "Items (reviewed in parallel)")}</h2>
            <ul class="subs">
                {s.items.iter().map(|i| view! { <li class="sub" data-item=i.item.clone()>
                    <span class="sub-name">{i.name.get(l).to_string()}</span>
                    <span class="sub-dept">{i.department_name.get(l).to_string()}</span>
                    <span class=format!("badge {}", i.status.as_str())>{i.status.label(l)}</span>
                </li> }).collect_view()}
            </ul>
            <button type="button" class="button" on:click=move |_| refresh()>{tr(l, "刷新进度", "Refresh")}</button>
        </section>
        <section class="panel link-panel">
            <h2>{tr(l, "您的专属查询链接", "Your private status link")}</h2>
            <p class="muted">{tr(l, "此链接相当于查询密码，请勿公开。", "This link works like a password: do not share it publicly.")}</p>
            <p><a class="status-link" href=link.clone()>{link.clone()}</a></p>
            <QrCode text=link label=tr(l, "办理进度查询二维码", "QR code of the status link") />
            <div class="actions no-print">
                <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr(l, "打印回执", "Print receipt")}</button>
            </div>
        </section>
    }
    .into_any()
}
