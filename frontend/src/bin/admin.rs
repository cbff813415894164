//! The administrator's console (staff accounts, background jobs, the dishonesty list) and the
//! page where staff set their password with a one-time link.

use frontend::admin::{AdminHome, SetPasswordPage};
use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Admin => view! { <AdminHome /> }.into_any(),
        Route::SetPassword => view! { <SetPasswordPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
