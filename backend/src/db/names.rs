//! Whether a business name is taken: by an enterprise whose licence is not cancelled, or by an
//! application whose registration is still being decided — someone else's, when the asking
//! legal representative is known (their own earlier application is no clash).

use super::Db;
use crate::domain::names::Taken;

/// Who has `name` (compared whole), if anyone; `legal_rep_id` (upper case) is the asking
/// legal representative's, whose own applications do not count.
pub async fn taken(db: &Db, name: &str, legal_rep_id: Option<&str>) -> sqlx::Result<Option<Taken>> {
    let enterprise: Option<i64> = sqlx::query_scalar(
        "SELECT e.id FROM enterprises e
         WHERE e.name = $1 AND NOT EXISTS (SELECT 1 FROM permits p WHERE p.enterprise_id = e.id
               AND p.item = 'business_registration' AND p.state = 'cancelled')
         LIMIT 1",
    )
    .bind(name)
    .fetch_optional(&db.pool)
    .await?;
    if enterprise.is_some() {
        return Ok(Some(Taken::Enterprise));
    }
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT a.id FROM applications a JOIN sub_applications s ON s.application_id = a.id
         WHERE a.business_name = $1 AND s.item = 'business_registration'
           AND s.status NOT IN ('approved', 'rejected') AND ($2 IS NULL OR a.legal_rep_id <> $2)
         LIMIT 1",
    )
    .bind(name)
    .bind(legal_rep_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(pending.map(|_| Taken::Application))
}
