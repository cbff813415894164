//! The applicant's routes: filing, the status page's data, answers, drafts, uploads and the
//! licence holder's requests — each authorised by the private token it carries.

pub mod additions;
pub mod applications;
pub mod documents;
pub mod drafts;
pub mod find;
pub mod requests;
pub mod uploads;
