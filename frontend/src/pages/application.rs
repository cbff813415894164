//! The receipt (right after submitting) and the private status page of an application. Both
//! read the token from the URL fragment, which never reaches the server's logs. The page asks
//! again every 15 seconds, so a decision by staff shows without a reload; what the one window or
//! a department asks of the applicant can be answered here.

use leptos::prelude::*;
use shared::Lang;
use shared::api::{ApplicationStatus, Asked, Reply, status_page};
use shared::form::Answers;

use super::{Replying, fetch, loading};
use crate::api;
use crate::components::{FieldInput, FieldState, QrCode, Shown, local_time};
use crate::i18n::{lang, lang_untracked, tr};
use crate::uploads::{MaterialUploads, Owner};
use shared::api::MaterialRef;
use shared::files::StoredFile;

#[component]
pub fn ApplicationPage(number: String, receipt: bool) -> impl IntoView {
    let token = crate::route::fragment_token();
    // The token lives in the fragment: a new fragment is another application's key.
    let _ = window_event_listener(leptos::ev::hashchange, |_| {
        let _ = window().location().reload();
    });
    let (number, token) = (StoredValue::new(number), StoredValue::new(token));
    let refreshes = RwSignal::new(0u32);
    let loaded = fetch(move || {
        refreshes.track();
        let (n, t) = (number.get_value(), token.get_value());
        async move { api::status(&n, &t, lang_untracked()).await }
    });
    // Re-rendered only when something changed, so a reply being typed is not disturbed.
    let status = Memo::new(move |_| loaded.get());
    let _ = set_interval_with_handle(
        move || refreshes.update(|n| *n += 1),
        std::time::Duration::from_secs(15),
    );
    let ctx = Replying {
        number,
        token,
        refreshes,
    };
    move || {
        let l = lang();
        match status.get() {
            None => loading(l),
            Some(Err(e)) => lost(&number.get_value(), &e.body.message, l),
            Some(Ok(s)) => {
                let origin = window().location().origin().unwrap_or_default();
                let link = format!("{origin}{}", status_page(&s.number, &token.get_value()));
                view_application(&s, l, link, receipt, ctx)
            }
        }
    }
}

/// A box to answer a correction notice (`item` none) or an item's supplement request: the
/// fields it names, each with the answer so far and checked as the form checks it, then a
/// note. (The materials it names are sent in their upload boxes, before.)
fn reply_form(ctx: Replying, item: Option<String>, asked: Option<Asked>, l: Lang) -> AnyView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = format!("reply-{}", item.as_deref().unwrap_or("correction"));
    let asked = asked.unwrap_or_default();
    let fields: Vec<FieldState> = asked
        .fields
        .iter()
        .map(|def| {
            let value = asked.answers.get(&def.key).cloned().unwrap_or_default();
            let required = def.required;
            FieldState::new(def.clone(), value, true, required)
        })
        .collect();
    let states = StoredValue::new(fields.clone());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let all = states.get_value();
        let mut fine = true;
        for f in &all {
            f.touched.set(true);
            fine &= f.check();
        }
        if !fine {
            return;
        }
        let answers: Answers = all
            .iter()
            .map(|f| (f.def.key.clone(), f.value.get_untracked()))
            .collect();
        let body = Reply {
            item: item.clone(),
            message: text.get_untracked(),
            answers,
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let (n, t) = (ctx.number.get_value(), ctx.token.get_value());
            let result = api::reply(&n, &t, &body, lang_untracked()).await;
            busy.set(false);
            match result {
                Ok(_) => ctx.refreshes.update(|n| *n += 1),
                Err(e) => {
                    for f in &states.get_value() {
                        if let Some(m) = e.body.field_errors.get(&f.def.key) {
                            f.problem.set(Some(Shown::Server(m.clone())));
                        }
                    }
                    error.set(Some(e.body.first_message()));
                }
            }
        });
    };
    view! {
        <form class="reply no-print" on:submit=send>
            {(!fields.is_empty()).then(|| view! {
                <p class="muted">{tr(l, "请修改以下内容：", "Please change the following:")}</p>
            })}
            {fields.into_iter().map(|state| view! { <FieldInput state=state l=l /> }).collect_view()}
            <label class="label" for=id.clone()>{tr(l, "您的答复", "Your answer")}</label>
            <textarea id=id rows="3" maxlength="2000" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <p class="error" aria-live="polite">{move || error.get()}</p>
            <button type="submit" class="button primary" disabled=move || busy.get()>{tr(l, "提交答复", "Send the answer")}</button>
        </form>
    }
    .into_any()
}

/// The notices, requests and replies so far, each reply with what it changed and sent.
fn exchanges(s: &ApplicationStatus, l: Lang) -> Option<AnyView> {
    (!s.exchanges.is_empty()).then(|| {
        view! {
            <section class="panel exchanges">
                <h2>{tr(l, "补正与补充记录", "Corrections and supplements")}</h2>
                <ol class="history">{s.exchanges.iter().map(|e| {
                    let kind = match e.kind.as_str() {
                        "correction" => tr(l, "补正告知", "Correction notice"),
                        "supplement" => tr(l, "补充要求", "Supplement request"),
                        _ => tr(l, "答复", "Answer"),
                    };
                    view! { <li data-kind=e.kind.clone()>
                        <span class="number">{local_time(&e.at, l)}</span>
                        {format!(" {} · {kind}{}：{}", e.by.get(l), e.item.as_ref().map(|i| format!(" · {}", i.get(l))).unwrap_or_default(), e.text)}
                        {e.changes.iter().map(|c| view! {
                            <span class="sub-note change">{format!("{}：{} → {}", c.label.get(l), c.before.get(l), c.after.get(l))}</span>
                        }).collect_view()}
                        {(!e.materials.is_empty()).then(|| view! {
                            <span class="sub-note">{format!("{}{}", tr(l, "材料：", "Materials: "),
                                e.materials.iter().map(|m| m.name.get(l)).collect::<Vec<_>>().join(tr(l, "、", ", ")))}</span>
                        })}
                    </li> }
                }).collect_view()}</ol>
            </section>
        }
        .into_any()
    })
}

fn view_application(
    s: &ApplicationStatus,
    l: Lang,
    link: String,
    receipt: bool,
    ctx: Replying,
) -> AnyView {
    let owner = RwSignal::new(Some(Owner::application(&s.number, &ctx.token.get_value())));
    let sent = RwSignal::new(Vec::<StoredFile>::new());
    let upload_box = move |m: &MaterialRef, note: String| {
        view! {
            <MaterialUploads owner=owner id=m.id.clone() name=m.name.get(l).to_string()
                note=note files=sent max_files=5 l=l />
        }
    };
    let intake = s.correction.clone().map(|c| {
        let anew = tr(l, "请上传新的文件", "Upload a new file").to_string();
        view! {
            <section class="panel notice" role="status">
                <h2>{tr(l, "补正告知：请一次性补正以下内容", "Correction notice: please correct all of the following")}</h2>
                <p class="pre">{c}</p>
                {s.asked.iter().flat_map(|a| a.materials.iter()).map(|m| upload_box(m, anew.clone())).collect_view()}
                {reply_form(ctx, None, s.asked.clone(), l)}
            </section>
        }
    });
    let missing = (!s.missing_materials.is_empty()).then(|| {
        let names: Vec<&str> = s.missing_materials.iter().map(|m| m.name.get(l)).collect();
        view! {
            <p class="notice-line">{format!("{}{}{}{}",
                tr(l, "已容缺受理，请于 ", "Accepted with materials to follow: bring "),
                s.bring_by.clone().unwrap_or_default(),
                tr(l, " 前补交：", " at the latest: "),
                names.join(tr(l, "、", ", ")))}</p>
            <div class="owed no-print">{s.missing_materials.iter().map(|m| upload_box(m,
                tr(l, "在此上传即视为补交，无需再到窗口", "Uploading it here brings it: no need to come to the window").to_string())).collect_view()}</div>
        }
    });
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
        {intake}
        <section class="panel receipt">
            {title}
            <div inner_html=figures(s, l)></div>
        </section>
        <section class="panel">
            <h2>{tr(l, "各事项（并联审批）", "Items (reviewed in parallel)")}</h2>
            <ul class="subs">
                {s.items.iter().map(|i| view! { <li class="sub" data-item=i.item.clone()>
                    <div class="sub-facts" inner_html=item_facts(i, l)></div>
                    {i.supplement_request.clone().map(|r| view! {
                        <div class="sub-request">
                            <p class="pre">{format!("{}{r}", tr(l, "需要补充：", "Please supplement: "))}</p>
                            {i.insufficient.iter().map(|m| upload_box(m,
                                tr(l, "此材料不符合要求，请上传新的文件", "This material was found insufficient: upload a new file").to_string())).collect_view()}
                            {reply_form(ctx, Some(i.item.clone()), i.asked.clone(), l)}
                        </div>
                    })}
                </li> }).collect_view()}
            </ul>
            {missing}
            {s.licence.as_ref().map(|lic| licence_line(lic, l))}
            <button type="button" class="button no-print" on:click=move |_| ctx.refreshes.update(|n| *n += 1)>{tr(l, "刷新进度", "Refresh")}</button>
        </section>
        {(!s.documents.is_empty()).then(|| documents(ctx, &s.documents, l))}
        {(s.status == shared::status::OverallStatus::Completed).then(|| rating(ctx, s.rating, l))}
        {exchanges(s, l)}
        {s.licence.is_some().then(|| super::holder::holder_panel(s, l, ctx))}
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

/// One item's facts — name, department, state, and each day, number or reason it has — as
/// static markup (the item's grid lays them out; the wrapper takes no box).
fn item_facts(i: &shared::api::SubApplication, l: Lang) -> String {
    let e = super::escape;
    let pause = i.pause.as_ref().map(|p| {
        let label = match p.kind.as_str() {
            "testing" => tr(l, "检验检测（不计时）：", "Testing (clock stopped): "),
            _ => tr(l, "专家评审（不计时）：", "Expert review (clock stopped): "),
        };
        (
            label,
            format!("{} · {}{}", p.reason, tr(l, "自", "since "), p.from),
        )
    });
    let lines = [
        (tr(l, "承诺办结日期：", "Due by: "), i.due_on.clone()),
        (
            tr(l, "现场核查日期：", "On-site inspection: "),
            i.inspection_on.clone(),
        ),
        pause.map_or(("", None), |(label, v)| (label, Some(v))),
        (
            tr(l, "许可证编号：", "Certificate: "),
            i.certificate.clone(),
        ),
        (tr(l, "有效期至：", "Valid until: "), i.valid_until.clone()),
        (tr(l, "不予许可理由：", "Reason: "), i.reason.clone()),
    ];
    let notes: String = lines
        .iter()
        .filter_map(|(label, v)| {
            Some(format!(
                "<span class=\"sub-note\">{label}{}</span>",
                e(v.as_deref()?)
            ))
        })
        .collect();
    format!(
        "<span class=\"sub-name\">{}</span><span class=\"sub-dept\">{}</span><span class=\"badge {}\">{}</span>{notes}",
        e(i.name.get(l)),
        e(i.department_name.get(l)),
        i.status.as_str(),
        i.status.label(l),
    )
}

/// The receipt's figures — number, bundle, when filed, the overall state — and what happens
/// next (the server's lines, printed with the receipt): static markup.
fn figures(s: &ApplicationStatus, l: Lang) -> String {
    let e = super::escape;
    let next: String = s
        .next_steps
        .get(l)
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(|line| format!("<li>{}</li>", e(line)))
        .collect();
    format!(
        "<dl class=\"figures\"><div><dt>{}</dt><dd class=\"number\">{}</dd></div><div><dt>{}</dt><dd>{}</dd></div>\
<div><dt>{}</dt><dd>{}</dd></div><div><dt>{}</dt><dd class=\"overall\">{}</dd></div></dl>\
<section id=\"next\"><h2>{}</h2><ul class=\"next-steps\">{next}</ul></section>",
        tr(l, "申请编号", "Application number"),
        e(&s.number),
        tr(l, "套餐", "Bundle"),
        e(s.bundle_name.get(l)),
        tr(l, "提交时间", "Submitted"),
        e(&local_time(&s.submitted_at, l)),
        tr(l, "总体状态", "Overall"),
        s.status.label(l),
        tr(l, "下一步", "What happens next"),
    )
}

/// The status page when the link does not open it (cut short, mistyped, lost): why, and the
/// way to find it again. Static markup, like the documents' panel.
fn lost(number: &str, message: &str, l: Lang) -> AnyView {
    let html = format!(
        "<div class=\"alert\" role=\"alert\"><p>{}</p></div><p><a href=\"/find?n={}\">{}</a></p>",
        super::escape(message),
        super::escape(number),
        tr(l, "查询办件 · 找回链接", "Find your application")
    );
    view! { <section class="panel no-print" id="lost" inner_html=html></section> }.into_any()
}

/// The licence once issued: its code, its public page, the A4 print and the offline QR.
fn licence_line(lic: &shared::api::LicenceRef, l: Lang) -> AnyView {
    let v = super::escape(&lic.verify_url);
    let html = format!(
        "{}{} · <a href=\"{v}\">{}</a> · <a href=\"{v}/print\">{}</a> · <a href=\"{v}/snapshot.svg\">{}</a>",
        tr(
            l,
            "营业执照已核发，统一社会信用代码：",
            "Business licence issued, credit code: "
        ),
        super::escape(&lic.uscc),
        tr(
            l,
            "查看执照及全部许可（扫码页）",
            "See the licence and every permit (the QR page)"
        ),
        tr(l, "打印执照（A4）", "Print the licence (A4)"),
        tr(l, "离线核验二维码", "Offline check QR"),
    );
    view! { <p class="licence-line" inner_html=html></p> }.into_any()
}

/// The sealed documents — the notices and each permit's certificate — each from a plain form
/// (the token in the body, never in an address), written as static markup like the rating's.
/// (Titles are the server's, from the catalogue; the path is of URL-safe characters.)
fn documents(ctx: Replying, list: &[shared::api::DocumentLink], l: Lang) -> AnyView {
    let (n, t) = (ctx.number.get_value(), ctx.token.get_value());
    let forms: String = list
        .iter()
        .map(|d| {
            // A decision not delivered yet: the same form confirms its receipt (送达).
            let after = match (&d.delivered_on, d.receipt) {
                (Some(on), _) => format!("<span class=\"muted\">{}{on}</span>", tr(l, "已送达 ", "Delivered ")),
                (None, true) => format!(
                    "<button type=\"submit\" class=\"button\" name=\"receipt\" value=\"1\">{}</button>",
                    tr(l, "确认收到", "I received it")
                ),
                _ => String::new(),
            };
            format!(
                "<li><form method=\"post\" action=\"/status/{n}/documents/{}\"><input type=\"hidden\" name=\"token\" value=\"{t}\">\
<button type=\"submit\" class=\"button\" data-document=\"{}\">{}{}</button>{after}</form></li>",
                d.path,
                d.path,
                super::escape(&d.title),
                tr(l, "（PDF）", " (PDF)")
            )
        })
        .collect();
    let html = format!(
        "<h2>{}</h2><p class=\"muted\">{}</p><ul class=\"documents\">{forms}</ul>",
        tr(l, "文书与电子证照", "Documents and certificates"),
        tr(
            l,
            "均经电子印章签名，可下载保存或打印。",
            "Each sealed by the bureau: download, keep or print."
        )
    );
    view! { <section class="panel no-print" id="documents" inner_html=html></section> }.into_any()
}

/// 问效于企: once every item is decided, the applicant rates the service (1–5, a comment) —
/// a plain HTML form the server answers with this page again. Static markup, written as text:
/// no script behind it, and next to nothing in the app's size. (The number and the token are
/// the server's own, of URL-safe characters.)
fn rating(ctx: Replying, given: Option<u8>, l: Lang) -> AnyView {
    let thanks = given
        .map(|g| {
            format!(
                "<p class=\"success\" role=\"status\">{}{g}/5</p>",
                tr(
                    l,
                    "感谢您的评价（可重新评价）：",
                    "Thank you (you may rate again): "
                )
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<h2>{h}</h2>{thanks}<form method=\"post\" action=\"/status/{n}/rating\">\
<input type=\"hidden\" name=\"token\" value=\"{t}\"><label class=\"label\" for=\"rating-score\">{s}</label>\
<select id=\"rating-score\" name=\"score\"><option>5</option><option>4</option><option>3</option><option>2</option><option>1</option></select>\
<label class=\"label\" for=\"rating-comment\">{c}</label><textarea id=\"rating-comment\" name=\"comment\" rows=\"2\" maxlength=\"500\"></textarea>\
<button type=\"submit\" class=\"button primary\">{b}</button></form>",
        h = tr(l, "评价本次办理（问效于企）", "Rate the service"),
        n = ctx.number.get_value(),
        t = ctx.token.get_value(),
        s = tr(
            l,
            "满意程度（1 很不满意，5 很满意）",
            "How satisfied (1 not at all, 5 very)"
        ),
        c = tr(
            l,
            "意见建议（选填，500 字以内）",
            "Comments (optional, up to 500 characters)"
        ),
        b = tr(l, "提交评价", "Send"),
    );
    view! { <section class="panel no-print" id="rating" inner_html=html></section> }.into_any()
}
