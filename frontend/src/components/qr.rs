//! A QR code drawn as SVG in the browser, so the secret link it carries never leaves the page.

use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode as Code};

#[component]
pub fn QrCode(text: String, label: &'static str) -> impl IntoView {
    let svg = Code::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map(|c| {
            c.render::<svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    view! { <div class="qr" role="img" aria-label=label inner_html=svg></div> }
}
