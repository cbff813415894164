//! Presentational components: they show state they are given and report input, no HTTP.

mod field;
mod qr;

pub use field::{FieldInput, FieldState, Shown, display_answer, today};
pub use qr::QrCode;

use shared::Lang;

/// An RFC 3339 instant in the browser's own time zone and the reader's language.
pub fn local_time(rfc3339: &str, l: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    String::from(date.to_locale_string(l.tag(), &wasm_bindgen::JsValue::UNDEFINED))
}
