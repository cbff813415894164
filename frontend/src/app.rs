//! The application shell of every app: header with the language switch, the page for the
//! address (chosen by the app), footer.

use leptos::prelude::*;
use shared::Lang;

use crate::i18n::{self, tr};
use crate::route::Route;

/// The shell around the page that `page` gives for the current address.
#[component]
pub fn App(page: fn(Route) -> AnyView) -> impl IntoView {
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
    let page = page(Route::current());
    view! {
        {header}
        <main id="main" tabindex="-1">{page}</main>
        {footer}
    }
}
