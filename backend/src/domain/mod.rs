//! Domain rules of the server that are not shared with the browser: application numbers,
//! status tokens, the county's clock. Plain functions with their tests beside them.

pub mod application;
pub mod clock;
pub mod password;
