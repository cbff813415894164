//! The field dictionary's shape and the validation of answers, run identically in the browser
//! (as the applicant types) and on the server (before anything is stored).

mod display;
mod field;
mod problem;
mod query;
mod validate;

pub use display::{display_answer, text_of};
pub use field::{Choice, FieldDef, FieldKind};
pub use problem::Problem;
pub use query::answers_from_query;
pub use validate::{
    Answers, FieldProblems, is_blank, is_email, validate_answers, validate_asked, validate_value,
    validate_value_as,
};
