//! Demonstration data only: moving an application's dates into the past, as if it had been
//! filed (and its items accepted) `days` days ago. The audit log keeps the true times.

use sqlx::AnyConnection;

/// Files application `id` `seconds` earlier; its items accepted on `accepted_on` (if they
/// were accepted).
pub async fn backdate(
    conn: &mut AnyConnection,
    id: i64,
    seconds: i64,
    accepted_on: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET submitted_at = submitted_at - $2 WHERE id = $1")
        .bind(id)
        .bind(seconds)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE sub_applications SET accepted_on = $2 WHERE application_id = $1 AND accepted_on IS NOT NULL",
    )
    .bind(id)
    .bind(accepted_on)
    .execute(conn)
    .await?;
    Ok(())
}
