//! The application shell: header with the language switch, the page for the address, footer.

use leptos::prelude::*;
use shared::Lang;

use crate::i18n::{self, tr};
use crate::pages::{ApplicationPage, ApplyPage, BundlePage, Home, NotFound};
use crate::route::Route;

#[component]
pub fn App() -> impl IntoView {
    let ui = i18n::provide();
    let toggle = move |_| {
        ui.0.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })
    };
    let header = move || {
        let l = ui.0.get();
        view! {
            <a class="skip" href="#main">{tr(l, "跳到正文", "Skip to content")}</a>
            <header class="top">
                <a href="/" class="brand">
                    <span class="logo" aria-hidden="true">"联"</span>
                    <span>
                        <strong>{tr(l, "证照联办", "Lianban")}</strong>
                        <small>{tr(l, "睢县市场监督管理局", "Suixian Market Regulation Bureau")}</small>
                    </span>
                </a>
                <button class="lang" type="button" on:click=toggle lang=tr(l, "en", "zh-CN")>
                    {tr(l, "English", "中文")}
                </button>
            </header>
        }
    };
    let footer = move || {
        let l = ui.0.get();
        view! { <footer class="foot">{tr(l,
        "一表申请 · 并联审批 · 限时办结 — 睢县准入准营“证照联办”",
        "One form · parallel approval · time-limited — Suixian joint licensing")}</footer> }
    };
    let page = match Route::current() {
        Route::Home => view! { <Home /> }.into_any(),
        Route::Bundle(id) => view! { <BundlePage id=id /> }.into_any(),
        Route::Apply(id) => view! { <ApplyPage id=id /> }.into_any(),
        Route::Receipt(number) => {
            view! { <ApplicationPage number=number receipt=true /> }.into_any()
        }
        Route::Status(number) => {
            view! { <ApplicationPage number=number receipt=false /> }.into_any()
        }
        Route::NotFound => view! { <NotFound /> }.into_any(),
    };
    view! {
        {header}
        <main id="main" tabindex="-1">{page}</main>
        {footer}
    }
}
