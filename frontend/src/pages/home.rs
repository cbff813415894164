//! The start page: the bundles, shown like a shop window.

use leptos::prelude::*;

use super::{failed, loading};
use crate::api;
use crate::i18n::{days, lang, tr};

#[component]
pub fn Home() -> impl IntoView {
    let bundles = LocalResource::new(move || api::bundles(lang()));
    view! {
        <section class="hero">
            <h1>{move || tr("开店办证，一次办好", "Open your business in one go")}</h1>
            <p>{move || tr(
                "选择您要开办的行业套餐，填写一张综合表单，各部门并联审批，办理进度随时可查。",
                "Pick the bundle for your business, fill in one integrated form; the departments review it in parallel and you can follow every item.",
            )}</p>
        </section>
        <h2 class="section-title">{move || tr("行业套餐", "Bundles")}</h2>
        {move || match bundles.get() {
            None => loading(),
            Some(Err(e)) => failed(e),
            Some(Ok(list)) => view! {
                <ul class="cards">
                    {list.into_iter().map(|b| {
                        let href = format!("/bundles/{}", b.id);
                        let (name, summary, items) = (b.name.clone(), b.summary.clone(), b.item_names.clone());
                        view! {
                            <li class="card">
                                <h3><a href=href>{move || name.get(lang()).to_string()}</a></h3>
                                <p>{move || summary.get(lang()).to_string()}</p>
                                <ul class="chips">
                                    {items.into_iter().map(|n| view! { <li>{move || n.get(lang()).to_string()}</li> }).collect_view()}
                                </ul>
                                <p class="facts">
                                    <span>{move || format!("{} {}", b.department_count, tr("个部门", "departments"))}</span>
                                    <span>{move || format!("{} {} {}", tr("承诺", "within"), days(b.promised_days), tr("个工作日", "working days"))}</span>
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
