//! Which page an address shows. The app is served for every path (the server falls back to
//! `index.html`), reads the address once at start-up and renders that page; links are plain
//! links. No client-side router: a page load is cheap (the wasm is cached) and the bundle stays
//! small, which matters more to an applicant on a phone than in-page transitions.

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// `/bundles/{id}`
    Bundle(String),
    /// `/bundles/{id}/apply`
    Apply(String),
    /// `/receipt/{number}` (token in the fragment)
    Receipt(String),
    /// `/status/{number}` (token in the fragment)
    Status(String),
    /// `/scan`: an inspector checks a licence's QR code, offline if need be.
    Scan,
    /// `/staff`: login, then the staff member's queue.
    StaffHome,
    /// `/staff/applications/{number}`
    StaffApplication(String),
    /// `/staff/admin`: the administrator's console.
    Admin,
    /// `/staff/password#t=<token>`: a staff member sets their password with a one-time link.
    SetPassword,
    NotFound,
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Route::Home,
            ["bundles", id] => Route::Bundle(id.to_string()),
            ["bundles", id, "apply"] => Route::Apply(id.to_string()),
            ["receipt", number] => Route::Receipt(number.to_string()),
            ["status", number] => Route::Status(number.to_string()),
            ["scan"] => Route::Scan,
            ["staff"] => Route::StaffHome,
            ["staff", "applications", number] => Route::StaffApplication(number.to_string()),
            ["staff", "admin"] => Route::Admin,
            ["staff", "password"] => Route::SetPassword,
            _ => Route::NotFound,
        }
    }

    /// The current page.
    pub fn current() -> Route {
        Route::parse(
            &web_sys::window()
                .and_then(|w| w.location().pathname().ok())
                .unwrap_or_default(),
        )
    }
}

/// The token from a `#t=<token>` fragment of the current address.
pub fn fragment_token() -> String {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    hash.trim_start_matches('#')
        .strip_prefix("t=")
        .unwrap_or("")
        .to_string()
}

/// Goes to another page of the app.
pub fn go(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn addresses_map_to_pages() {
        assert_eq!(Route::parse("/"), Route::Home);
        assert_eq!(
            Route::parse("/bundles/restaurant"),
            Route::Bundle("restaurant".into())
        );
        assert_eq!(
            Route::parse("/bundles/restaurant/apply/"),
            Route::Apply("restaurant".into())
        );
        assert_eq!(
            Route::parse("/status/LB-20261128-0001"),
            Route::Status("LB-20261128-0001".into())
        );
        assert_eq!(
            Route::parse("/receipt/LB-20261128-0001"),
            Route::Receipt("LB-20261128-0001".into())
        );
        assert_eq!(Route::parse("/nope"), Route::NotFound);
    }
}
