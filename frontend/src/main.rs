//! Lianban's browser app: mounts the Leptos application on the page.

mod answers;
mod api;
mod app;
mod components;
mod draft;
mod i18n;
mod pages;
mod route;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
