//! Presentational components: they show state they are given and report input, no HTTP.

mod field;
mod qr;

pub use field::{FieldInput, FieldState, Shown, display_answer, today};
pub use qr::QrCode;
