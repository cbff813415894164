//! The integrated form: one bundle's form, its uploads, the draft and the review, filed. Its
//! own app so that the start page and a bundle's page (the applicant app) load without it, and
//! the form has its own size budget.

use frontend::app::App;
use frontend::pages::{ApplyPage, NotFound};
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Apply(id) => view! { <ApplyPage id=id /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
