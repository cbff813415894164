//! Inspection plans (双随机) for the administrator: make one — its name, the departments taking
//! part, the share of each risk class, inspectors per department — which publishes the frozen
//! lists and the commitment to the seed at once; then draw it, which reveals the seed. Each plan
//! links to its public page, where anyone can check the draw.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Lang;
use shared::supervision::{ClassRatio, InspectionPlan, NewInspectionPlan};

use crate::api::{self, ApiError};
use crate::i18n::{lang_untracked, tr};
use crate::pages::{failed, fetch, loading};

/// Risk classes with the share drawn by default: higher risk, higher share.
const CLASSES: [(&str, u32); 4] = [("A", 5), ("B", 10), ("C", 30), ("D", 100)];

type Errors = RwSignal<BTreeMap<String, Vec<String>>>;

fn under(errors: Errors, field: &'static str) -> impl IntoView {
    move || {
        errors.with(|e| e.get(field).map(|m| m.join(" "))).map(|m| {
            view! { <p class="error" id=format!("plan-{field}-error")>{m}</p> }
        })
    }
}

pub fn plans_panel(l: Lang) -> AnyView {
    let refreshes = RwSignal::new(0u32);
    let plans = fetch(move || {
        refreshes.track();
        async move { api::plans(lang_untracked()).await }
    });
    let departments = fetch(|| async { api::accounts(lang_untracked()).await });
    let items = fetch(|| api::inspection_items(lang_untracked()));
    let industries = fetch(|| api::bundles(lang_untracked()));
    let said = RwSignal::new(None::<String>);
    let draw = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::draw_plan(id, lang_untracked()).await {
                Ok(p) => {
                    let n = p.drawn.map(|d| d.len()).unwrap_or_default();
                    let l = lang_untracked();
                    said.set(Some(format!(
                        "{}{n}",
                        tr(l, "已抽取，检查对象数：", "Drawn, enterprises: ")
                    )));
                    refreshes.update(|n| *n += 1);
                }
                Err(e) => said.set(Some(e.body.first_message())),
            }
        });
    };
    let list = move || match plans.get() {
        None => loading(l),
        Some(Err(e)) => failed(e),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="muted">{tr(l, "还没有抽查计划", "No inspection plans yet")}</p> }
                .into_any()
        }
        Some(Ok(list)) => view! {
            <div class="table-wrap"><table class="queue plans">
                <thead><tr>
                    <th scope="col">{tr(l, "计划", "Plan")}</th>
                    <th scope="col">{tr(l, "状态", "State")}</th>
                    <th scope="col">{tr(l, "对象 / 人员", "Objects / inspectors")}</th>
                    <th scope="col">{tr(l, "种子承诺值", "Seed commitment")}</th>
                </tr></thead>
                <tbody>{list.into_iter().map(|p| row(p, l, draw)).collect_view()}</tbody>
            </table></div>
        }
        .into_any(),
    };
    let form = move || match (departments.get(), items.get(), industries.get()) {
        (None, _, _) | (_, None, _) | (_, _, None) => loading(l),
        (Some(Err(e)), _, _) | (_, Some(Err(e)), _) | (_, _, Some(Err(e))) => failed(e),
        (Some(Ok(a)), Some(Ok(items)), Some(Ok(bundles))) => {
            plan_form(l, (a.departments, items, bundles), refreshes, said)
        }
    };
    view! {
        <section class="panel plans-panel">
            <h2>{tr(l, "双随机抽查计划", "Random inspection plans")}</h2>
            <p class="muted">{tr(l,
                "公示计划时冻结检查对象库和执法检查人员库，并公布随机种子的承诺值；抽取时公布种子，任何人可复算结果。",
                "Publishing a plan freezes the objects and inspectors and publishes the seed's commitment; the draw reveals the seed, so anyone can recompute the result.")}</p>
            {form}
            <p role="status" class="plan-said">{move || said.get()}</p>
            {list}
        </section>
    }
    .into_any()
}

fn row(p: InspectionPlan, l: Lang, draw: impl Fn(i64) + Copy + 'static) -> impl IntoView {
    let id = p.id;
    let drawn = p.drawn.as_ref().map(Vec::len);
    let state = match drawn {
        Some(n) => format!("{}{n}", tr(l, "已抽取：", "Drawn: ")),
        None => tr(l, "已公示，待抽取", "Published, not drawn").to_string(),
    };
    view! { <tr data-plan=id>
        <td><a href=format!("/supervision/plans/{id}")>{p.name.clone()}</a></td>
        <td>{state}
            {drawn.is_none().then(|| view! { <button type="button" class="button small" on:click=move |_| draw(id)>{tr(l, "抽取", "Draw")}</button> })}</td>
        <td>{format!("{} / {}", p.objects, p.inspectors)}</td>
        <td class="code">{format!("{}…", &p.commitment[..16.min(p.commitment.len())])}</td>
    </tr> }
}

type Lists = (
    Vec<shared::catalogue::Department>,
    Vec<shared::catalogue::InspectionItem>,
    Vec<shared::api::BundleSummary>,
);

fn plan_form(
    l: Lang,
    (departments, items, bundles): Lists,
    refreshes: RwSignal<u32>,
    said: RwSignal<Option<String>>,
) -> AnyView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let checked = RwSignal::new(Vec::<String>::new());
    let industries = RwSignal::new(Vec::<String>::new());
    let ratios: Vec<(&'static str, RwSignal<String>)> = CLASSES
        .iter()
        .map(|(c, r)| (*c, RwSignal::new(r.to_string())))
        .collect();
    let per_department = RwSignal::new("2".to_string());
    let errors: Errors = RwSignal::new(BTreeMap::new());
    // One plan per click: the button waits for the answer.
    let busy = RwSignal::new(false);
    let ratios_now = ratios.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let number = |s: String| s.trim().parse::<u32>().unwrap_or(u32::MAX);
        let body = NewInspectionPlan {
            name: name.get_untracked(),
            departments: chosen.get_untracked(),
            ratios: ratios_now
                .iter()
                .map(|(c, r)| ClassRatio {
                    class: c.to_string(),
                    percent: number(r.get_untracked()),
                })
                .collect(),
            per_department: number(per_department.get_untracked()),
            items: checked.get_untracked(),
            filters: shared::supervision::PlanFilters {
                industries: industries.get_untracked(),
                permits: Vec::new(),
            },
        };
        leptos::task::spawn_local(async move {
            let made = api::make_plan(&body, lang_untracked()).await;
            busy.set(false);
            match made {
                Ok(p) => {
                    errors.set(BTreeMap::new());
                    name.set(String::new());
                    let l = lang_untracked();
                    said.set(Some(format!(
                        "{}{}",
                        tr(l, "已公示：", "Published: "),
                        p.name
                    )));
                    refreshes.update(|n| *n += 1);
                }
                Err(ApiError { body, .. }) => {
                    errors.set(body.field_errors.clone());
                    said.set(Some(body.first_message()));
                }
            }
        });
    };
    let toggle = move |list: RwSignal<Vec<String>>, id: String, on: bool| {
        list.update(|c| {
            c.retain(|d| *d != id);
            if on {
                c.push(id);
            }
        })
    };
    view! {
        <form class="form plan-form" on:submit=submit>
            <div class="field">
                <label class="label" for="plan-name">{tr(l, "计划名称", "Plan name")}</label>
                <input id="plan-name" type="text" autocomplete="off" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                {under(errors, "name")}
            </div>
            <fieldset class="field">
                <legend class="label">{tr(l, "参与部门（多选为联合抽查）", "Departments (several: a joint draw)")}</legend>
                {departments.into_iter().map(|d| {
                    let id = d.id.clone();
                    view! { <label class="check"><input type="checkbox" value=d.id.clone()
                        on:change=move |ev| toggle(chosen, id.clone(), event_target_checked(&ev)) />
                        {format!(" {}", d.name.get(l))}</label> }
                }).collect_view()}
                {under(errors, "departments")}
            </fieldset>
            <fieldset class="field">
                <legend class="label">{tr(l, "行业（不选即全部）", "Industries (none: all)")}</legend>
                {bundles.into_iter().map(|b| {
                    let id = b.id.clone();
                    view! { <label class="check"><input type="checkbox" value=b.id.clone()
                        on:change=move |ev| toggle(industries, id.clone(), event_target_checked(&ev)) />
                        {format!(" {}", b.name.get(l))}</label> }
                }).collect_view()}
                {under(errors, "filters")}
            </fieldset>
            <fieldset class="field">
                <legend class="label">{tr(l, "检查事项（随机抽查事项清单）", "Inspection items (the list)")}</legend>
                {items.into_iter().map(|i| {
                    let id = i.id.clone();
                    let level = if i.level == "key" { tr(l, "重点", "key") } else { tr(l, "一般", "general") };
                    view! { <label class="check"><input type="checkbox" value=i.id.clone()
                        on:change=move |ev| toggle(checked, id.clone(), event_target_checked(&ev)) />
                        {format!(" {}（{level}）", i.name.get(l))}</label> }
                }).collect_view()}
                {under(errors, "items")}
            </fieldset>
            <fieldset class="field">
                <legend class="label">{tr(l, "各风险等级抽查比例（%）", "Share drawn per risk class (%)")}</legend>
                {ratios.into_iter().map(|(c, r)| view! {
                    <label class="inline">{format!("{c} ")}
                        <input id=format!("ratio-{c}") type="number" min="0" max="100" inputmode="numeric"
                            prop:value=move || r.get() on:input=move |ev| r.set(event_target_value(&ev)) /></label>
                }).collect_view()}
                {under(errors, "ratios")}
            </fieldset>
            <div class="field">
                <label class="label" for="plan-per">{tr(l, "每个部门每户抽取检查人员数", "Inspectors per department and enterprise")}</label>
                <input id="plan-per" type="number" min="1" max="5" inputmode="numeric" prop:value=move || per_department.get()
                    on:input=move |ev| per_department.set(event_target_value(&ev)) />
                {under(errors, "per_department")}
            </div>
            <button type="submit" class="button primary" prop:disabled=move || busy.get()>{tr(l, "公示计划", "Publish the plan")}</button>
        </form>
    }
    .into_any()
}
