//! The start page: the bundles, shown like a shop window.

use leptos::prelude::*;

use super::{failed, fetch, loading, working_days};
use crate::api;
use crate::i18n::{lang, lang_untracked, tr};

#[component]
pub fn Home() -> impl IntoView {
    let bundles = fetch(move || api::bundles(lang_untracked()));
    move || {
        let l = lang();
        let list = match bundles.get() {
            None => loading(l),
            Some(Err(e)) => failed(e),
            Some(Ok(list)) => view! {
                <ul class="cards">
                    {list.into_iter().map(|b| view! {
                        <li class="card">
                            <h3><a href=format!("/bundles/{}", b.id)>{b.name.get(l).to_string()}</a></h3>
                            <p>{b.summary.get(l).to_string()}</p>
                            <ul class="chips">
                                {b.item_names.iter().map(|n| view! { <li>{n.get(l).to_string()}</li> }).collect_view()}
                            </ul>
                            {(!b.addon_names.is_empty()).then(|| view! {
                                <p class="addons">{format!("{}{}", tr(l, "按需加办：", "Added when needed: "),
                                    b.addon_names.iter().map(|n| n.get(l)).collect::<Vec<_>>().join(tr(l, "、", ", ")))}</p>
                            })}
                            <p class="facts">
                                <span>{format!("{} {}", b.department_count, tr(l, "个部门", "departments"))}</span>
                                <span>{format!("{} {}", tr(l, "承诺", "within"), working_days(l, b.promised_days))}</span>
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        };
        view! {
            <section class="hero">
                <h1>{tr(l, "开店办证，一次办好", "Open your business in one go")}</h1>
                <p>{tr(l,
                    "选择您要开办的行业套餐，填写一张综合表单，各部门并联审批，办理进度随时可查。",
                    "Pick the bundle for your business, fill in one integrated form; the departments review it in parallel and you can follow every item.")}</p>
                <p><a class="find" href="/find">{tr(l, "已经申请过？查询办件 · 找回链接", "Applied already? Find your application")}</a></p>
            </section>
            <h2 class="section-title">{tr(l, "行业套餐", "Bundles")}</h2>
            {list}
        }
    }
}
