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
    .execute(&mut *conn)
    .await?;
    for table in [
        "applications SET accepted_on = $2 WHERE id = $1 AND accepted_on IS NOT NULL",
        "ratings SET accepted_on = $2 WHERE application_id = $1",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table}")))
            .bind(id)
            .bind(accepted_on)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Gives decided item `id` the measure of a decision on `m.decided_on`, its clock having stood
/// still `paused_days` working days.
pub async fn set_measure(
    conn: &mut AnyConnection,
    id: i64,
    m: &crate::domain::statistics::Measure,
    paused_days: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sub_applications SET decided_on = $2, actual_days = $3, on_time = $4, paused_days = $5
         WHERE id = $1",
    )
    .bind(id)
    .bind(shared::date::format_iso_date(m.decided_on))
    .bind(i64::from(m.actual_days))
    .bind(i64::from(m.on_time))
    .bind(i64::from(paused_days))
    .execute(conn)
    .await?;
    Ok(())
}
