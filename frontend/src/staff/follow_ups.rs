//! A department's follow-ups of approvals by commitment (告知承诺事后核查): open ones first,
//! the overdue ones flagged with their working days late; the finding recorded once — a false
//! commitment revokes the permit (asked to confirm) and bars the commitment path.

use leptos::prelude::*;
use shared::Lang;
use shared::supervision::{FollowUp, FollowUpFinding};

use crate::api;
use crate::i18n::{lang_untracked, tr};
use crate::pages::{failed, fetch, loading};

fn state_name(state: &str, l: Lang) -> &'static str {
    match state {
        "open" => tr(l, "待核查", "To check"),
        "fulfilled" => tr(l, "已履行承诺", "Commitment kept"),
        _ => tr(
            l,
            "承诺不实，许可已撤销",
            "False commitment, permit revoked",
        ),
    }
}

fn due(f: &FollowUp, l: Lang) -> AnyView {
    let text = format!("{}{}", tr(l, "核查期限：", "Due: "), f.due_on);
    match f.overdue_days {
        Some(days) => view! {
            <span class="deadline overdue">{text}{format!(" · {}{days}{}",
                tr(l, "已逾期 ", "overdue by "), crate::i18n::working_days_unit(l, days as f64))}</span>
        }
        .into_any(),
        None => view! { <span class="deadline">{text}</span> }.into_any(),
    }
}

/// The panel: the list and, for each open follow-up, its finding.
pub fn follow_ups(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let list = fetch(move || {
        refreshes.track();
        api::follow_ups(lang_untracked())
    });
    let error = RwSignal::new(None::<String>);
    let record = move |id: i64, outcome: &'static str| {
        let note = document()
            .get_element_by_id(&format!("follow-note-{id}"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(e).ok())
            .map(|t| t.value())
            .filter(|v| !v.trim().is_empty());
        let sure = outcome != "false_commitment"
            || window()
                .confirm_with_message(tr(
                    l,
                    "认定承诺不实将立即撤销该许可并记入信用记录，确定吗？",
                    "A false commitment revokes the permit at once and goes on the credit record. Go on?",
                ))
                .unwrap_or(false);
        if !sure {
            return;
        }
        let body = FollowUpFinding {
            outcome: outcome.into(),
            note,
        };
        leptos::task::spawn_local(async move {
            match api::record_follow_up(id, &body, lang_untracked()).await {
                Ok(_) => {
                    error.set(None);
                    refreshes.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.body.first_message())),
            }
        });
    };
    let row = move |f: FollowUp| {
        let id = f.id;
        let open = f.state == "open";
        let note_id = format!("follow-note-{id}");
        let href = format!("/staff/applications/{}", f.application);
        let what = format!(
            "{} · {}{}",
            f.item_name.get(l),
            f.business_name,
            f.certificate
                .as_deref()
                .map(|c| format!(" · {c}"))
                .unwrap_or_default()
        );
        let finding = open.then(|| view! {
            <div class="sub-request">
                <label class="label" for=note_id.clone()>{tr(l, "核查发现（认定承诺不实时必填）", "What the check found (required for a false commitment)")}</label>
                <textarea id=note_id rows="2" maxlength="2000"></textarea>
                <div class="actions">
                    <button type="button" class="button primary" on:click=move |_| record(id, "fulfilled")>{tr(l, "已履行承诺", "Commitment kept")}</button>
                    <button type="button" class="button danger" on:click=move |_| record(id, "false_commitment")>{tr(l, "承诺不实（撤销许可）", "False commitment (revoke)")}</button>
                </div>
            </div>
        });
        let done = (!open).then(|| {
            format!(
                "{} · {} {}{}",
                state_name(&f.state, l),
                f.done_on.clone().unwrap_or_default(),
                f.done_by.clone().unwrap_or_default(),
                f.note
                    .as_deref()
                    .map(|n| format!(" · {n}"))
                    .unwrap_or_default()
            )
        });
        view! { <li class="sub follow-up" data-follow-up=id data-state=f.state.clone()>
            <span class="sub-name">{what}</span>
            <span class="sub-dept"><a href=href>{f.application.clone()}</a>" "{due(&f, l)}</span>
            {done.map(|d| view! { <span class="sub-note">{d}</span> })}
            {finding}
        </li> }
    };
    let body = move || {
        match list.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(items)) if items.is_empty() => view! {
            <p class="muted">{tr(l, "暂无需要事后核查的告知承诺审批", "No approvals by commitment to follow up")}</p>
        }
        .into_any(),
        Some(Ok(items)) => view! {
            <ul class="subs">{items.into_iter().map(row).collect_view()}</ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel follow-ups">
            <h2>{tr(l, "告知承诺事后核查", "Follow-ups of approvals by commitment")}</h2>
            {body}
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
    .into_any()
}
