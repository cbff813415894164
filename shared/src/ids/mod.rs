//! Chinese identifiers validated for real: resident ID (GB 11643), unified social credit code
//! (GB 32100) and mainland mobile numbers. Pure functions, shared by browser and server.

pub mod phone;
pub mod resident_id;
pub mod uscc;

pub use phone::check_mobile;
pub use resident_id::{IdError, check_resident_id};
pub use uscc::{UsccError, check_uscc};
