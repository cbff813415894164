//! The status app: the receipt right after submitting and the private status page (the link
//! and QR an applicant keeps). Small on its own: it carries no form, rules or catalogue.

use frontend::app::App;
use frontend::pages::{ApplicationPage, NotFound};
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Receipt(number) => {
            view! { <ApplicationPage number=number receipt=true /> }.into_any()
        }
        Route::Status(number) => {
            view! { <ApplicationPage number=number receipt=false /> }.into_any()
        }
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
