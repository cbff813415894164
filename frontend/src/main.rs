//! The applicant's app: the bundles, a bundle's cart and its integrated form.

use frontend::app::App;
use frontend::pages::{ApplyPage, BundlePage, Home, NotFound};
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Home => view! { <Home /> }.into_any(),
        Route::Bundle(id) => view! { <BundlePage id=id /> }.into_any(),
        Route::Apply(id) => view! { <ApplyPage id=id /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
