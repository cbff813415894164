//! The back office app: staff login, the queues, one application with its actions.

use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use frontend::staff::{StaffApplicationPage, StaffHome};
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::StaffHome => view! { <StaffHome /> }.into_any(),
        Route::StaffApplication(number) => {
            view! { <StaffApplicationPage number=number /> }.into_any()
        }
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
