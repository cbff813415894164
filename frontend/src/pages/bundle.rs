//! A bundle's page: what it contains (items, departments, merged materials, promised days)
//! before the applicant starts the form.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::catalogue::BundleView;

use super::{failed, loading};
use crate::api;
use crate::i18n::{days, lang, tr};

#[component]
pub fn BundlePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let bundle = LocalResource::new(move || {
        let id = id();
        async move { api::bundle(&id, shared::Lang::Zh).await }
    });
    move || match bundle.get() {
        None => loading(),
        Some(Err(e)) => failed(e),
        Some(Ok(v)) => view! { <BundleOverview view=v /> }.into_any(),
    }
}

#[component]
fn BundleOverview(view: BundleView) -> impl IntoView {
    let v = StoredValue::new(view);
    let get = move || v.get_value();
    let apply = format!("/bundles/{}/apply", get().bundle.id);
    let dept_name = move |id: &str| {
        get().departments.iter().find(|d| d.id == id).map(|d| d.name.get(lang()).to_string()).unwrap_or_default()
    };
    view! {
        <nav class="crumbs"><a href="/">{move || tr("首页", "Home")}</a></nav>
        <section class="panel">
            <h1>{move || get().bundle.name.get(lang()).to_string()}</h1>
            <p>{move || get().bundle.summary.get(lang()).to_string()}</p>
            <dl class="figures">
                <div><dt>{move || tr("办理事项", "Items")}</dt><dd>{get().items.len()}</dd></div>
                <div><dt>{move || tr("审批部门", "Departments")}</dt><dd>{get().departments.len()}</dd></div>
                <div><dt>{move || tr("承诺时限（工作日）", "Promised (working days)")}</dt><dd>{days(get().promised_days)}</dd></div>
                <div><dt>{move || tr("表单项（合并前 → 后）", "Form fields (separate → one form)")}</dt>
                    <dd>{format!("{} → {}", get().separate_field_count, get().fields.len())}</dd></div>
                <div><dt>{move || tr("申请材料（合并前 → 后）", "Materials (separate → merged)")}</dt>
                    <dd>{format!("{} → {}", get().separate_material_count, get().materials.len())}</dd></div>
            </dl>
            <a class="button primary" href=apply>{move || tr("开始填写综合表单", "Start the integrated form")}</a>
        </section>
        <section class="panel">
            <h2>{move || tr("包含事项（并联办理）", "Items (handled in parallel)")}</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{move || tr("事项", "Item")}</th>
                        <th scope="col">{move || tr("实施部门", "Department")}</th>
                        <th scope="col">{move || tr("法定时限", "Statutory")}</th>
                        <th scope="col">{move || tr("承诺时限", "Promised")}</th>
                    </tr></thead>
                    <tbody>
                        {get().items.into_iter().map(|i| {
                            let (name, dept) = (i.name.clone(), i.department.clone());
                            view! { <tr>
                                <td>{move || name.get(lang()).to_string()}</td>
                                <td>{move || dept_name(&dept)}</td>
                                <td>{move || format!("{} {}", days(i.statutory_days), tr("个工作日", "working days"))}</td>
                                <td>{move || format!("{} {}", days(i.committed_days), tr("个工作日", "working days"))}</td>
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="panel">
            <h2>{move || tr("一次性告知：需要准备的材料", "Everything you need to bring, at once")}</h2>
            <ol class="materials">
                {get().materials.into_iter().map(|m| {
                    let (name, desc) = (m.material.name.clone(), m.material.description.clone());
                    view! { <li>
                        <strong>{move || name.get(lang()).to_string()}</strong>
                        <span class="muted">{move || desc.get(lang()).to_string()}</span>
                    </li> }
                }).collect_view()}
            </ol>
        </section>
    }
}
