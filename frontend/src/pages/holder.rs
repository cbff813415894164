//! On the status page, once the licence is issued: the enterprise's permits, and the holder's
//! own requests — a change of the licence (name, legal representative, address) or the
//! cancellation of a permit — with where each stands. The server checks every rule (the same as
//! on the form) and answers field by field.

use leptos::prelude::*;
use shared::Lang;
use shared::api::ApplicationStatus;
use shared::holder::{CHANGEABLE, FiledRequest, HolderRequest, field_label, request_state_label};

use super::Replying;
use crate::api;
use crate::i18n::{lang_untracked, tr};

/// What the holder picked: a licence fact to change, or a permit to cancel.
fn target_label(target: &str, s: &ApplicationStatus, l: Lang) -> String {
    if target == "cancel_all" {
        return tr(
            l,
            "注销联办：营业执照及全部许可",
            "Cancel everything: the licence and every permit",
        )
        .into();
    }
    match target.strip_prefix("cancel:") {
        Some(id) => {
            let permit = s.permits.iter().find(|p| p.id.to_string() == id);
            format!(
                "{}{}",
                tr(l, "注销：", "Cancel: "),
                permit
                    .map(|p| p.name.get(l).to_string())
                    .unwrap_or_default()
            )
        }
        None => format!("{}{}", tr(l, "变更", "Change the "), field_label(target, l)),
    }
}

/// One request as static markup (like the permits).
fn request_line(r: &FiledRequest, s: &ApplicationStatus, l: Lang) -> String {
    let what = match &r.request {
        HolderRequest::Change { field, value, .. } => format!(
            "{}{}：{} → {value}",
            tr(l, "变更", "Change of the "),
            field_label(field, l),
            r.before
        ),
        HolderRequest::Cancel { permit, .. } => {
            let target = format!("cancel:{permit}");
            format!("{}（{}）", target_label(&target, s, l), r.before)
        }
        HolderRequest::CancelAll { .. } => target_label("cancel_all", s, l),
    };
    let note = r
        .note
        .as_ref()
        .map(|n| {
            format!(
                "<span class=\"sub-note\">{}{}</span>",
                tr(l, "办理意见：", "Decision: "),
                super::escape(n)
            )
        })
        .unwrap_or_default();
    format!(
        "<li class=\"sub request\" data-state=\"{st}\"><span class=\"sub-name\">{}</span><span class=\"sub-dept\">{}{}</span>\
<span class=\"badge {st}\">{}</span>{note}</li>",
        super::escape(&what),
        tr(l, "理由：", "Reason: "),
        super::escape(r.request.reason()),
        request_state_label(&r.state, l),
        st = super::escape(&r.state),
    )
}

pub(super) fn holder_panel(s: &ApplicationStatus, l: Lang, ctx: Replying) -> AnyView {
    let target = RwSignal::new(String::from("name"));
    let value = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let done = RwSignal::new(false);
    // A cancellation is sent only once the holder has ticked that they mean it.
    let sure = RwSignal::new(false);
    let error_of = move |k: &'static str| move || errors.with(|e| e.get(k).cloned());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = target.get_untracked();
        if t.starts_with("cancel") && !sure.get_untracked() {
            let mut e = std::collections::BTreeMap::new();
            e.insert(
                "sure".into(),
                tr(
                    lang_untracked(),
                    "请先勾选确认",
                    "Tick the box to confirm first",
                )
                .into(),
            );
            errors.set(e);
            return;
        }
        let body = match t.strip_prefix("cancel:") {
            _ if t == "cancel_all" => HolderRequest::CancelAll {
                reason: reason.get_untracked(),
            },
            Some(id) => HolderRequest::Cancel {
                permit: id.parse().unwrap_or_default(),
                reason: reason.get_untracked(),
            },
            None => HolderRequest::Change {
                field: t,
                value: value.get_untracked(),
                reason: reason.get_untracked(),
            },
        };
        leptos::task::spawn_local(async move {
            let (n, tok) = (ctx.number.get_value(), ctx.token.get_value());
            match api::file_request(&n, &tok, &body, lang_untracked()).await {
                Ok(_) => {
                    errors.set(Default::default());
                    done.set(true);
                    ctx.refreshes.update(|n| *n += 1);
                }
                Err(e) => {
                    let mut map: std::collections::BTreeMap<String, String> = e
                        .body
                        .field_errors
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.first()?.clone())))
                        .collect();
                    if map.is_empty() {
                        map.insert("form".into(), e.body.message);
                    }
                    // A wrong permit or field is the picker's error.
                    for k in ["permit", "field"] {
                        if let Some(m) = map.remove(k) {
                            map.insert("target".into(), m);
                        }
                    }
                    errors.set(map);
                }
            }
        });
    };
    // Changes and cancellations in two groups of the list.
    let changes: Vec<(String, String)> = CHANGEABLE
        .iter()
        .map(|(f, _)| (f.to_string(), target_label(f, s, l)))
        .collect();
    let mut cancels: Vec<(String, String)> = s
        .permits
        .iter()
        .filter(|p| p.state.in_force())
        .map(|p| {
            let t = format!("cancel:{}", p.id);
            let label = target_label(&t, s, l);
            (t, label)
        })
        .collect();
    if !cancels.is_empty() {
        cancels.push(("cancel_all".into(), target_label("cancel_all", s, l)));
    }
    // As static markup (the choice is read from the list when it changes): the first, the
    // name, is chosen to begin with.
    let group = |label: &str, options: &[(String, String)]| {
        let options: String = options
            .iter()
            .map(|(v, text)| {
                format!(
                    "<option value=\"{}\">{}</option>",
                    super::escape(v),
                    super::escape(text)
                )
            })
            .collect();
        match options.is_empty() {
            true => String::new(),
            false => format!(
                "<optgroup label=\"{}\">{options}</optgroup>",
                super::escape(label)
            ),
        }
    };
    let options = group(tr(l, "变更登记事项", "Change the licence"), &changes)
        + &group(tr(l, "注销", "Cancel"), &cancels);
    let is_change = move || !target.get().starts_with("cancel");
    let is_all = move || target.get() == "cancel_all";
    // The permits as static markup, written as text (no script behind them, next to nothing in
    // the app's size); their certificates are among the documents.
    let permits: String = s
        .permits
        .iter()
        .map(|p| {
            let until = p
                .valid_until
                .as_ref()
                .map(|u| format!(" · {}{u}", tr(l, "有效期至 ", "valid until ")))
                .unwrap_or_default();
            format!(
                "<li class=\"sub\" data-item=\"{}\"><span class=\"sub-name\">{}</span><span class=\"sub-dept\">{}{}</span>\
<span class=\"badge {}\">{}</span></li>",
                super::escape(&p.item),
                super::escape(p.name.get(l)),
                super::escape(&p.certificate),
                super::escape(&until),
                p.state.as_str(),
                p.state.label(l)
            )
        })
        .collect();
    // 增项: more permits for the business, chosen on the server's page (a plain form).
    let add = format!(
        "<li><form method=\"post\" action=\"/status/{}/add\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
<button type=\"submit\" class=\"button\">{}</button></form></li>",
        ctx.number.get_value(),
        ctx.token.get_value(),
        tr(l, "增办许可", "Add permits")
    );
    let permits = permits + &add;
    let requests: String = s.requests.iter().map(|r| request_line(r, s, l)).collect();
    let has_requests = !s.requests.is_empty();
    view! {
        <section class="panel holder">
            <h2>{tr(l, "执照与许可", "Licence and permits")}</h2>
            <ul class="subs permits" inner_html=permits></ul>
            {has_requests.then(|| view! {
                <h3>{tr(l, "我的变更与注销申请", "My change and cancellation requests")}</h3>
                <ul class="subs requests" inner_html=requests></ul>
            })}
            <form class="form holder-request no-print" on:submit=send novalidate>
                <h3>{tr(l, "申请变更或注销", "Apply for a change or a cancellation")}</h3>
                <p class="muted">{tr(l,
                    "变更名称、法定代表人或经营场所后，执照及全部许可证同步更新；注销某项许可由发证部门办理。",
                    "A change of the name, the legal representative or the address updates the licence and every permit together; the issuing department cancels a permit.")}</p>
                <div class="field">
                    <label class="label" for="request-target">{tr(l, "办理事项", "What to do")}</label>
                    <select id="request-target" on:change=move |ev| { target.set(event_target_value(&ev)); done.set(false); sure.set(false); }
                        aria-describedby="request-target-error" inner_html=options>
                    </select>
                    <p class="error" id="request-target-error">{error_of("target")}</p>
                </div>
                {move || is_all().then(|| view! {
                    <p class="muted">{tr(l,
                        "各部门分别注销其许可，营业执照最后注销，公章备案等随之注销。提交后不能撤回。",
                        "Each department cancels its permit; the licence ends last, its filings with it. This cannot be undone.")}</p>
                })}
                {move || (!is_change()).then(|| view! {
                    <div class="field confirm">
                        <label class="choice declaration"><input type="checkbox" id="request-sure" prop:checked=move || sure.get()
                            aria-describedby="request-sure-error" on:change=move |ev| sure.set(event_target_checked(&ev)) />
                            <span>{tr(l, "我确认申请注销上面所选项目，提交后不能撤回", "I mean to cancel what is chosen above; this cannot be undone")}</span></label>
                        <p class="error" id="request-sure-error">{error_of("sure")}</p>
                    </div>
                })}
                <Show when=is_change>
                    <div class="field">
                        <label class="label" for="request-value">{tr(l, "变更后的内容", "The new value")}</label>
                        <input id="request-value" prop:value=move || value.get() aria-describedby="request-value-error"
                            on:input=move |ev| value.set(event_target_value(&ev)) />
                        <p class="error" id="request-value-error">{error_of("value")}</p>
                    </div>
                </Show>
                <div class="field">
                    <label class="label" for="request-reason">{tr(l, "理由", "Reason")}</label>
                    <textarea id="request-reason" rows="2" maxlength="2000" prop:value=move || reason.get()
                        aria-describedby="request-reason-error" on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <p class="error" id="request-reason-error">{error_of("reason")}</p>
                </div>
                <p class="error" role="alert">{error_of("form")}</p>
                <p role="status" class="request-sent">{move || done.get().then(|| tr(l, "申请已提交，请等待部门办理", "Sent: the department will decide"))}</p>
                <button type="submit" class="button primary">{tr(l, "提交申请", "Submit the request")}</button>
            </form>
        </section>
    }
    .into_any()
}
