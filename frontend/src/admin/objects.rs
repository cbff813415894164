//! The inspection objects database (检查对象库) for the administrator: every enterprise holding a
//! valid permit, its risk class A–D with the rule that gave it (`catalogue/credit.toml`), and
//! its credit records. The plans' draw ratios are per class.

use leptos::prelude::*;
use shared::Lang;
use shared::supervision::SupervisedObject;

use crate::api::{self, ApiError};
use crate::i18n::{lang_untracked, tr};
use crate::pages::{failed, fetch, loading};

fn row(o: SupervisedObject, l: Lang) -> impl IntoView {
    let records = o
        .records
        .iter()
        .map(|r| {
            let bar = r
                .bars_until
                .as_deref()
                .map(|d| {
                    format!(
                        " · {}{d}",
                        tr(l, "不适用告知承诺至 ", "no commitment path until ")
                    )
                })
                .unwrap_or_default();
            let detail = if r.detail.is_empty() {
                String::new()
            } else {
                format!(" · {}", r.detail)
            };
            view! { <li>{format!("{} {}{detail}{bar}", r.recorded_on, r.kind_name.get(l))}</li> }
        })
        .collect_view();
    let listed = o
        .listed
        .then(|| tr(l, " · 在失信名单上", " · on the dishonesty list"));
    view! {
        <tr data-object=o.id>
            <td>{o.name}<br /><span class="muted">{o.uscc}</span></td>
            <td><span class="industry">{o.industry_name.get(l).to_string()}</span><br />
                <span class="muted">{o.permit_names.iter().map(|n| n.get(l)).collect::<Vec<_>>().join(if l == Lang::Zh { "、" } else { ", " })}</span></td>
            <td><span class=format!("class class-{}", o.class)>{o.class.clone()}</span>" "
                <span class="muted">{o.class_reason.get(l).to_string()}{listed}</span></td>
            <td><ul class="records">{records}</ul></td>
        </tr>
    }
}

pub fn objects_panel(l: Lang) -> AnyView {
    let objects = fetch(|| api::objects(lang_untracked()));
    let body = move || {
        match objects.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="muted">{tr(l, "还没有持有效许可的企业", "No enterprise holds a valid permit yet")}</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(l, "检查对象", "Inspection objects")><table class="objects">
                <thead><tr>
                    <th scope="col">{tr(l, "企业", "Enterprise")}</th>
                    <th scope="col">{tr(l, "行业 / 许可", "Industry / permits")}</th>
                    <th scope="col">{tr(l, "风险分类", "Risk class")}</th>
                    <th scope="col">{tr(l, "信用记录", "Credit records")}</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|o| row(o, l)).collect_view()}</tbody>
            </table></div>
        }
        .into_any(),
    }
    };
    view! {
        <section class="panel objects-panel">
            <h2>{tr(l, "检查对象库（信用风险分类）", "Inspection objects (risk classes)")}</h2>
            <p class="muted">{tr(l, "A 类风险最低、D 类最高；分类由信用记录按规则计算，抽查计划按分类设定比例。",
                "A is the lowest risk, D the highest; the class comes from the credit records by rule, and plans draw a share per class.")}</p>
            {body}
            {conflicts(l)}
        </section>
    }
    .into_any()
}

/// Relations that keep an inspector from an enterprise (利害关系回避): the list, and a form.
fn conflicts(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let list = fetch(move || {
        refreshes.track();
        api::conflicts(lang_untracked())
    });
    let inspector = RwSignal::new(String::new());
    let uscc = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let said = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = shared::supervision::NewConflict {
            inspector: inspector.get_untracked(),
            uscc: uscc.get_untracked(),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::declare_conflict(&body, lang_untracked()).await {
                Ok(_) => {
                    reason.set(String::new());
                    said.set(Some(tr(lang_untracked(), "已登记", "Recorded").to_string()));
                    refreshes.update(|n| *n += 1);
                }
                Err(ApiError { body, .. }) => said.set(Some(body.first_message())),
            }
        });
    };
    let rows = move || {
        match list.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(v)) if v.is_empty() => {
            view! { <p class="muted">{tr(l, "尚未登记利害关系", "No relation recorded")}</p> }.into_any()
        }
        Some(Ok(v)) => view! {
            <ul class="conflicts">{v.into_iter().map(|c| view! {
                <li>{format!("{}（{}）— {}（{}）：{}", c.inspector_name, c.inspector, c.enterprise, c.uscc, c.reason)}</li>
            }).collect_view()}</ul>
        }
        .into_any(),
    }
    };
    let input = |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label class="label" for=id>{label}</label>
                <input id=id type="text" autocomplete="off" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <h3>{tr(l, "利害关系回避", "Conflicts of interest")}</h3>
        <p class="muted">{tr(l, "登记后，此后公示的计划不会抽取该检查人员检查该企业（审批过该企业许可的人员自动回避）。",
            "Once recorded, plans made afterwards never draw the inspector for that enterprise (whoever approved its permits is kept away by itself).")}</p>
        {rows}
        <form class="form conflict-form" on:submit=submit>
            {input("conflict-inspector", tr(l, "检查人员用户名", "Inspector's username"), inspector)}
            {input("conflict-uscc", tr(l, "企业统一社会信用代码", "Enterprise's credit code"), uscc)}
            {input("conflict-reason", tr(l, "关系说明", "The relation"), reason)}
            <button type="submit" class="button">{tr(l, "登记回避", "Record")}</button>
            <p role="status">{move || said.get()}</p>
        </form>
    }
    .into_any()
}
