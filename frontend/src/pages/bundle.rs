//! A bundle's page: what it contains (items, departments, merged materials, promised days)
//! before the applicant starts the form.

use leptos::prelude::*;
use shared::Lang;
use shared::catalogue::{BundleGuide, BundleView};

use super::{failed, fetch, loading, working_days};
use crate::api;
use crate::i18n::{days, lang, lang_untracked, tr};

#[component]
pub fn BundlePage(id: String) -> impl IntoView {
    let guide_id = id.clone();
    let bundle = fetch(move || {
        let id = id.clone();
        async move { api::bundle(&id, lang_untracked()).await }
    });
    let guide = fetch(move || {
        let id = guide_id.clone();
        async move { api::guide(&id, lang_untracked()).await }
    });
    move || {
        let l = lang();
        match bundle.get() {
            None => loading(l),
            Some(Err(e)) => failed(e),
            Some(Ok(v)) => overview(&v, guide.get().and_then(Result::ok), l),
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

fn overview(v: &BundleView, guide: Option<BundleGuide>, l: Lang) -> AnyView {
    let due = guide.map(|g| {
        let f = g.figures;
        view! {
            <p class="due">
                {tr(l, "如今天受理，预计全部办结日期：", "If accepted today, everything is decided by ")}
                <strong>{g.due_on}</strong>
                {tr(l, "（按工作日计算，已扣除法定节假日）", " (working days, public holidays excluded)")}
            </p>
            <p class="muted">
                {format!("{} {} → {} {} (−{}%)",
                    tr(l, "逐项串联办理法定时限合计", "One after another, the statutory limits add up to"),
                    days(f.statutory_sum_days), days(f.committed_days),
                    tr(l, "个工作日", "working days"), f.days_cut_percent)}
            </p>
        }
    });
    let dept_name = |id: &str| {
        v.departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.get(l).to_string())
            .unwrap_or_default()
    };
    view! {
        <nav class="crumbs"><a href="/">{tr(l, "首页", "Home")}</a></nav>
        <section class="panel">
            <h1>{v.bundle.name.get(l).to_string()}</h1>
            <p>{v.bundle.summary.get(l).to_string()}</p>
            <dl class="figures">
                <div><dt>{tr(l, "办理事项", "Items")}</dt><dd>{v.items.len()}</dd></div>
                <div><dt>{tr(l, "审批部门", "Departments")}</dt><dd>{v.departments.len()}</dd></div>
                <div><dt>{tr(l, "承诺时限（工作日）", "Promised (working days)")}</dt><dd>{days(v.promised_days)}</dd></div>
                <div><dt>{tr(l, "表单项（分别申请 → 一表）", "Form fields (separately → one form)")}</dt>
                    <dd>{format!("{} → {}", v.separate_field_count, v.fields.len())}</dd></div>
                <div><dt>{tr(l, "申请材料（分别申请 → 合并）", "Materials (separately → merged)")}</dt>
                    <dd>{format!("{} → {}", v.separate_material_count, v.materials.len())}</dd></div>
            </dl>
            {due}
            <div class="actions no-print">
                <a class="button primary" href=format!("/bundles/{}/apply", v.bundle.id)>{tr(l, "开始填写综合表单", "Start the integrated form")}</a>
                <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr(l, "打印办事指南", "Print the guide")}</button>
            </div>
        </section>
        <section class="panel">
            <h2>{tr(l, "包含事项（并联办理）", "Items (handled in parallel)")}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{tr(l, "事项", "Item")}</th>
                        <th scope="col">{tr(l, "实施部门", "Department")}</th>
                        <th scope="col">{tr(l, "法定时限", "Statutory")}</th>
                        <th scope="col">{tr(l, "承诺时限", "Promised")}</th>
                    </tr></thead>
                    <tbody>
                        {v.items.iter().map(|i| view! { <tr>
                            <td>
                                <span>{i.name.get(l).to_string()}</span>
                                <span class="tags">{item_tags(i, l)}</span>
                                <span class="basis">{format!("{} · {}", i.level.get(l), i.legal_basis.get(l))}</span>
                            </td>
                            <td>{dept_name(&i.department)}</td>
                            <td>{working_days(l, i.statutory_days)}</td>
                            <td>{working_days(l, i.committed_days)}</td>
                        </tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="panel">
            <h2>{tr(l, "一次性告知：需要准备的材料", "Everything you need to bring, at once")}</h2>
            <ol class="materials">
                {v.materials.iter().map(|m| view! { <li>
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
