//! Pages: each owns its data loading and actions; presentation lives in `components`.

mod application;
mod apply;
mod bundle;
mod home;

pub use application::ApplicationPage;
pub use apply::ApplyPage;
pub use bundle::BundlePage;
pub use home::Home;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel">
            <h1>{move || tr("页面不存在", "Page not found")}</h1>
            <p><a href="/">{move || tr("返回首页", "Back to the start page")}</a></p>
        </section>
    }
}

/// A loading placeholder.
pub fn loading() -> AnyView {
    view! { <p class="loading" role="status">{move || tr("正在加载…", "Loading…")}</p> }.into_any()
}

/// A failed load, with the server's message.
pub fn failed(e: ApiError) -> AnyView {
    view! { <div class="alert" role="alert"><p>{e.body.message}</p></div> }.into_any()
}
