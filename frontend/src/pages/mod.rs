//! Pages: each owns its data loading and actions; presentation lives in `components`. A page
//! renders its text inside one closure that reads the language, so switching language
//! re-renders it with plain strings.

mod application;
mod apply;
mod bundle;
mod holder;
mod home;

pub use application::ApplicationPage;
pub use apply::ApplyPage;
pub use bundle::BundlePage;
pub use home::Home;

use leptos::prelude::*;
use shared::Lang;

use crate::api::ApiError;
use crate::i18n::{lang, tr};

#[component]
pub fn NotFound() -> impl IntoView {
    move || {
        let l = lang();
        view! {
            <section class="panel">
                <h1>{tr(l, "页面不存在", "Page not found")}</h1>
                <p><a href="/">{tr(l, "返回首页", "Back to the start page")}</a></p>
            </section>
        }
    }
}

/// What a form on the status page needs (a reply, a holder's request): whose application,
/// and how to show the new state.
#[derive(Clone, Copy)]
pub(crate) struct Replying {
    pub number: StoredValue<String>,
    pub token: StoredValue<String>,
    pub refreshes: RwSignal<u32>,
}

/// The result of a load: `None` while it runs.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// Runs `fetch` now and again whenever a signal it reads before its first `.await` changes
/// (a route parameter, a refresh counter); the newest answer wins. A plain effect and a
/// signal: much less wasm than an async resource per page.
pub fn fetch<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Loaded<T>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
{
    let data: Loaded<T> = RwSignal::new(None);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let fut = fetch();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let result = fut.await;
            if generation.get_value() == mine {
                data.set(Some(result));
            }
        });
    });
    data
}

/// A loading placeholder.
pub fn loading(l: Lang) -> AnyView {
    view! { <p class="loading" role="status">{tr(l, "正在加载…", "Loading…")}</p> }.into_any()
}

/// A failed load, with the server's message.
/// Text made safe to put in static markup (`inner_html`).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn failed(e: ApiError) -> AnyView {
    view! { <div class="alert" role="alert"><p>{e.body.message}</p></div> }.into_any()
}

/// "N working days" in `l`; a limit of zero is "on the spot".
pub fn working_days(l: Lang, d: f32) -> String {
    if d == 0.0 {
        return tr(l, "当场办结", "on the spot").to_string();
    }
    format!(
        "{}{}",
        crate::i18n::days(d),
        crate::i18n::working_days_unit(l, f64::from(d))
    )
}
