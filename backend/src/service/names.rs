//! 名称查重 (`domain::names`): as the applicant types (`taken`), and again when the
//! registration is filed (`check`) — where the applicant's own pending application under the
//! name (the same legal representative filing again) is no clash. Two filings of one name within the same instant both pass
//! the second check; the registration authority's review sees the names side by side.

use shared::form::{Answers, FieldProblems};

use super::{Ctx, Result};
use crate::db;
use crate::domain::error::Error;
use crate::domain::names::{self, Taken};

/// Who has `name` already, if anyone (the applications of `legal_rep_id`, upper case, aside).
pub async fn taken(ctx: &Ctx, name: &str, legal_rep_id: Option<&str>) -> Result<Option<Taken>> {
    match names::comparable(name) {
        Some(name) => Ok(db::names::taken(&ctx.db, name, legal_rep_id).await?),
        None => Ok(None),
    }
}

/// A registration's name is free, or the name's field says who has it.
pub async fn check(ctx: &Ctx, answers: &Answers) -> Result<()> {
    let text = |key: &str| answers.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let legal_rep = text("legal_rep.id_number").to_uppercase();
    match taken(ctx, text(names::FIELD), Some(&legal_rep)).await? {
        None => Ok(()),
        Some(who) => {
            let mut problems = FieldProblems::new();
            problems.insert(names::FIELD.to_string(), vec![who.problem()]);
            Err(Error::Answers(problems).into())
        }
    }
}
