//! The applicant's app: the bundles and a bundle's cart. The integrated form is its own app
//! (`bin/apply.rs`, served at `/bundles/{id}/apply`).

use frontend::app::App;
use frontend::pages::{BundlePage, Home, NotFound};
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Home => view! { <Home /> }.into_any(),
        Route::Bundle(id) => view! { <BundlePage id=id /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
