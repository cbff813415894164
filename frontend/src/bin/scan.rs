//! The inspector's scan app: reads a licence's QR code and checks it, offline if need be.

use frontend::app::App;
use frontend::pages::NotFound;
use frontend::route::Route;
use frontend::scan::ScanPage;
use leptos::prelude::*;

fn page(route: Route) -> AnyView {
    match route {
        Route::Scan => view! { <ScanPage /> }.into_any(),
        _ => view! { <NotFound /> }.into_any(),
    }
}

fn main() {
    frontend::offline::register();
    leptos::mount::mount_to_body(|| view! { <App page=page /> });
}
