//! The back office app: staff login, then the staff member's desk — the worklist, a
//! department's holder requests, filing at the counter. One application opens in the `review`
//! app.

use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use frontend::staff::StaffHome;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::StaffHome => view! { <StaffHome /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    frontend::offline::register();
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
