//! The administrator's console: background jobs, the dishonesty list.

use frontend::admin::AdminHome;
use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Admin => view! { <AdminHome /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
