//! A bundle's page, shopping-cart style: a few questions (tobacco? outdoor sign? floor area?),
//! and as they are answered the items, departments, merged materials, promised days and the
//! expected completion date update — computed in the browser by the rules the server runs.
//! Printed, it is the one-time notice (一次性告知) on A4.

use leptos::prelude::*;
use shared::Lang;
use shared::calendar::Calendar;
use shared::catalogue::{BundleView, Cart};

use super::{failed, fetch, loading, working_days};
use crate::answers::BundleAnswers;
use crate::api;
use crate::components::{FieldInput, today};
use crate::i18n::{days, lang, lang_untracked, tr};

#[component]
pub fn BundlePage(id: String) -> impl IntoView {
    let bundle = fetch(move || {
        let id = id.clone();
        async move { api::bundle(&id, lang_untracked()).await }
    });
    move || {
        let l = lang();
        match bundle.get() {
            None => loading(l),
            Some(Err(e)) => failed(e),
            Some(Ok(v)) => page(v, l),
        }
    }
}

/// What an applicant should know of an item at a glance: commitment path, inspection, validity.
fn item_tags(i: &shared::catalogue::Item, l: Lang) -> String {
    let mut tags: Vec<String> = Vec::new();
    if i.commitment_allowed {
        tags.push(tr(l, "可告知承诺", "commitment path").into());
    }
    if i.onsite_inspection {
        tags.push(
            tr(
                l,
                "需现场核查（不计时限）",
                "on-site inspection (not counted)",
            )
            .into(),
        );
    }
    if let Some(y) = i.validity_years {
        tags.push(format!(
            "{} {y} {}",
            tr(l, "有效期", "valid"),
            tr(l, "年", "years")
        ));
    }
    tags.join(" · ")
}

fn page(v: BundleView, l: Lang) -> AnyView {
    let name = v.bundle.name.get(l).to_string();
    let summary = v.bundle.summary.get(l).to_string();
    let id = v.bundle.id.clone();
    let calendar = StoredValue::new(Calendar::new(&v.calendar).ok());
    let questions = v.questions.clone();
    let answers = BundleAnswers::new(v);
    let questions = answers.states(&questions);
    view! {
        <nav class="crumbs"><a href="/">{tr(l, "首页", "Home")}</a></nav>
        <section class="panel">
            <h1>{name}</h1>
            <p>{summary}</p>
        </section>
        {(!questions.is_empty()).then(|| view! {
            <section class="panel questions no-print" aria-labelledby="questions-title">
                <h2 id="questions-title">{tr(l, "先回答几个问题，看看需要办哪些证", "A few questions decide what you need")}</h2>
                <p class="muted">{tr(l, "下面的清单随您的回答即时更新；回答会带入综合表单。", "The list below follows your answers at once; they carry over into the form.")}</p>
                <div class="question-grid">
                    {questions.into_iter().map(|state| view! { <FieldInput state=state l=l /> }).collect_view()}
                </div>
            </section>
        })}
        <div id="cart" aria-live="polite">
            {move || answers.cart.with(|c| answers.view.with_value(|v| cart(v, c, calendar, l)))}
        </div>
        <div class="actions no-print">
            <a class="button primary" href=format!("/bundles/{id}/apply")>{tr(l, "开始填写综合表单", "Start the integrated form")}</a>
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr(l, "打印办事指南", "Print the guide")}</button>
        </div>
    }
    .into_any()
}

fn cart(v: &BundleView, c: &Cart, calendar: StoredValue<Option<Calendar>>, l: Lang) -> AnyView {
    let f = v.figures(c);
    let due = calendar.with_value(|cal| {
        cal.as_ref().map(|cal| {
            let g = v.guide(c, cal, today());
            view! {
                <p class="due">
                    {tr(l, "如今天受理，预计全部办结日期：", "If accepted today, everything is decided by ")}
                    <strong>{g.due_on}</strong>
                    {tr(l, "（按工作日计算，已扣除法定节假日）", " (working days, public holidays excluded)")}
                </p>
            }
        })
    });
    let dept_name = |id: &str| {
        v.department(id)
            .map(|d| d.name.get(l).to_string())
            .unwrap_or_default()
    };
    let reason = |item: &str| {
        v.bundle
            .addons
            .iter()
            .find(|a| a.item == item)
            .and_then(|a| v.rule(&a.rule))
            .map(|r| r.reason.get(l).to_string())
    };
    let items: Vec<_> = c.items.iter().filter_map(|id| v.item(id)).collect();
    let not_now: Vec<_> = v
        .bundle
        .addons
        .iter()
        .filter(|a| !c.items.contains(&a.item))
        .filter_map(|a| v.item(&a.item))
        .collect();
    let cut = |before: String, after: String, percent: u32| {
        view! { {format!("{before} → {after}")}<span class="cut">{format!("−{percent}%")}</span> }
    };
    let (dept_label, statutory_label, promised_label) = (
        tr(l, "实施部门", "Department"),
        tr(l, "法定时限", "Statutory"),
        tr(l, "承诺时限", "Promised"),
    );
    view! {
        <section class="panel">
            <h2>{tr(l, "您的套餐", "Your bundle")}</h2>
            <dl class="figures">
                <div><dt>{tr(l, "办理事项", "Items")}</dt><dd id="cart-items">{c.items.len()}</dd></div>
                <div><dt>{tr(l, "审批部门", "Departments")}</dt><dd id="cart-departments">{c.departments.len()}</dd></div>
                <div><dt>{tr(l, "承诺时限（工作日）", "Promised (working days)")}</dt><dd id="cart-days">{days(c.promised_days)}</dd></div>
                <div><dt>{tr(l, "表单项（分别申请 → 一表）", "Form fields (separately → one form)")}</dt>
                    <dd>{cut(f.fields_separate.to_string(), f.fields_merged.to_string(), f.fields_cut_percent)}</dd></div>
                <div><dt>{tr(l, "申请材料（分别申请 → 合并）", "Materials (separately → merged)")}</dt>
                    <dd id="cart-materials">{cut(f.materials_separate.to_string(), f.materials_merged.to_string(), f.materials_cut_percent)}</dd></div>
                <div><dt>{tr(l, "法定时限平均压减（逐项：承诺对法定，取平均；目标85%）", "Statutory limits cut on average (each item's promise against its own limit, averaged; target 85%)")}</dt>
                    <dd id="cart-cut"><span class="cut">{format!("−{}%", f.days.average_cut_percent)}</span>
                    {if f.days.target_met { tr(l, "达到目标", "target met") } else { tr(l, "未达目标", "target not met") }}</dd></div>
            </dl>
            {due}
        </section>
        <section class="panel">
            <h2>{tr(l, "包含事项（并联办理）", "Items (handled in parallel)")}</h2>
            <div class="table-wrap">
                <table class="items">
                    <thead><tr>
                        <th scope="col">{tr(l, "事项", "Item")}</th>
                        <th scope="col">{dept_label}</th>
                        <th scope="col">{statutory_label}</th>
                        <th scope="col">{promised_label}</th>
                    </tr></thead>
                    <tbody>
                        {items.into_iter().map(|i| view! { <tr data-item=i.id.clone()>
                            <td>
                                <span>{i.name.get(l).to_string()}</span>
                                {reason(&i.id).map(|r| view! { <span class="tag addon">{format!("{}{r}", tr(l, "加办：", "Add-on: "))}</span> })}
                                <span class="tags">{item_tags(i, l)}</span>
                                <span class="basis">{format!("{} · {}", i.level.get(l), i.legal_basis.get(l))}</span>
                            </td>
                            <td data-label=dept_label>{dept_name(&i.department)}</td>
                            <td data-label=statutory_label>{working_days(l, i.statutory_days)}</td>
                            <td data-label=promised_label>{working_days(l, i.committed_days)}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!not_now.is_empty()).then(|| view! {
                <h3>{tr(l, "按需加办（目前不需要）", "Added when needed (not needed now)")}</h3>
                <ul class="not-now">
                    {not_now.into_iter().map(|i| view! { <li data-item=i.id.clone()>
                        <span>{i.name.get(l).to_string()}</span>
                        <span class="muted">{format!(" — {}", reason(&i.id).unwrap_or_default())}</span>
                    </li> }).collect_view()}
                </ul>
            })}
        </section>
        <section class="panel">
            <h2>{tr(l, "一次性告知：需要准备的材料", "Everything you need to bring, at once")}</h2>
            <ol class="materials">
                {c.materials.iter().map(|m| view! { <li data-material=m.material.id.clone()>
                    <strong>{m.material.name.get(l).to_string()}</strong>
                    {m.material.may_be_missing.then(|| view! {
                        <span class="tag">{tr(l, "可容缺受理，后补", "may follow after acceptance")}</span>
                    })}
                    <span class="muted">{m.material.description.get(l).to_string()}</span>
                </li> }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}
