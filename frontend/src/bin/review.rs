//! The back office's application page, an app of its own (served at
//! `/staff/applications/{number}`): one application with the actions the staff member's role
//! allows — the window's checklist, each department's review, materials, the licence, the
//! history. The login and the worklist are the `staff` app's.

use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use frontend::staff::StaffApplicationPage;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::StaffApplication(number) => {
            view! { <StaffApplicationPage number=number /> }.into_any()
        }
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
