//! The application shell: header with the language switch, the routes, the footer.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::Lang;

use crate::i18n::{self, tr};
use crate::pages::{ApplicationPage, ApplyPage, BundlePage, Home, NotFound};

#[component]
pub fn App() -> impl IntoView {
    let ui = i18n::provide();
    let toggle = move |_| ui.0.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh });
    view! {
        <Router>
            <a class="skip" href="#main">{move || tr("跳到正文", "Skip to content")}</a>
            <header class="top">
                <a href="/" class="brand">
                    <span class="logo" aria-hidden="true">"联"</span>
                    <span>
                        <strong>{move || tr("证照联办", "Lianban")}</strong>
                        <small>{move || tr("睢县市场监督管理局", "Suixian Market Regulation Bureau")}</small>
                    </span>
                </a>
                <button class="lang" type="button" on:click=toggle
                    lang=move || if ui.0.get() == Lang::Zh { "en" } else { "zh-CN" }>
                    {move || if ui.0.get() == Lang::Zh { "English" } else { "中文" }}
                </button>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/bundles/:id") view=BundlePage />
                    <Route path=path!("/bundles/:id/apply") view=ApplyPage />
                    <Route path=path!("/receipt/:number") view=|| view! { <ApplicationPage receipt=true /> } />
                    <Route path=path!("/status/:number") view=|| view! { <ApplicationPage receipt=false /> } />
                </Routes>
            </main>
            <footer class="foot">
                {move || tr(
                    "一表申请 · 并联审批 · 限时办结 — 睢县准入准营“证照联办”",
                    "One form · parallel approval · time-limited — Suixian joint licensing",
                )}
            </footer>
        </Router>
    }
}
