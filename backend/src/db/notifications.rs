//! Messages — to applicants, and staff members' daily lists: queued in the caller's
//! transaction (one per recipient, step and channel — a second is nothing), read by the job that
//! sends them, marked sent once.

use sqlx::AnyConnection;

use super::Db;

/// Queued, waiting for its job.
pub const QUEUED: &str = "queued";
/// Handed to the provider.
pub const SENT: &str = "sent";

/// A message as the sending job reads it, with what it needs of its application (none for a
/// staff member's list).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub recipient: String,
    pub number: Option<String>,
    pub step: String,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    /// The application's private token, sealed.
    pub notify_link: Option<String>,
}

/// A message as staff and the archive see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Sent {
    pub id: i64,
    pub step: String,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// A new message to store.
pub struct New<'a> {
    /// `application:<id>` or `staff:<username>`.
    pub recipient: &'a str,
    pub application_id: Option<i64>,
    pub step: &'a str,
    pub channel: &'a str,
    pub address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues a message; its id, or `None` if this recipient has one for this step on this
/// channel already.
pub async fn insert(conn: &mut AnyConnection, m: &New<'_>, now: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO notifications (recipient, application_id, step, channel, address, subject, body, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (recipient, step, channel) DO NOTHING RETURNING id",
    )
    .bind(m.recipient)
    .bind(m.application_id)
    .bind(m.step)
    .bind(m.channel)
    .bind(m.address)
    .bind(m.subject)
    .bind(m.body)
    .bind(QUEUED)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// The language the application was filed in (`zh`, `en`).
pub async fn lang(conn: &mut AnyConnection, application_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT lang FROM applications WHERE id = $1")
        .bind(application_id)
        .fetch_optional(conn)
        .await
}

/// For an addition (增项): the answers of the application that registered its enterprise;
/// `None` for any other application.
pub async fn registered_answers(
    conn: &mut AnyConnection,
    application_id: i64,
) -> sqlx::Result<Option<shared::form::Answers>> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT r.answers FROM applications a
         JOIN enterprises e ON e.id = a.enterprise_id
         JOIN applications r ON r.id = e.application_id
         WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(conn)
    .await?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// One message with its application's number and sealed link.
pub async fn outgoing(db: &Db, id: i64) -> sqlx::Result<Option<Outgoing>> {
    sqlx::query_as(
        "SELECT n.id, n.recipient, a.number, n.step, n.channel, n.address, n.subject, n.body,
                n.state, n.attempts, a.notify_link
         FROM notifications n LEFT JOIN applications a ON a.id = n.application_id WHERE n.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// The message went out (the provider's reference, if it gave one) — unless it already had.
/// Whether this call marked it.
pub async fn mark_sent(
    conn: &mut AnyConnection,
    id: i64,
    provider_id: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE notifications SET state = $2, sent_at = $3, provider_id = $4,
                attempts = attempts + 1, last_error = NULL
         WHERE id = $1 AND state = $5",
    )
    .bind(id)
    .bind(SENT)
    .bind(now)
    .bind(provider_id)
    .bind(QUEUED)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A try failed: counted, with its error (the job tries again later).
pub async fn failed_try(db: &Db, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE notifications SET attempts = attempts + 1, last_error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// An application's messages, oldest first.
pub async fn of_application(db: &Db, application_id: i64) -> sqlx::Result<Vec<Sent>> {
    sqlx::query_as(
        "SELECT id, step, channel, address, subject, state, attempts, last_error, created_at, sent_at
         FROM notifications WHERE application_id = $1 ORDER BY id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}

/// Accepted applications with materials still owed (容缺): (id, notice as stored).
pub async fn owing(db: &Db) -> sqlx::Result<Vec<(i64, Option<String>)>> {
    sqlx::query_as(
        "SELECT id, notice FROM applications
         WHERE status = 'accepted' AND notice LIKE '%\"missing_materials\"%'",
    )
    .fetch_all(&db.pool)
    .await
}

/// Staff members who get a daily list: (username, role, department, e-mail), active ones.
pub async fn digest_recipients(
    db: &Db,
) -> sqlx::Result<Vec<(String, String, Option<String>, String)>> {
    sqlx::query_as(
        "SELECT username, role, department, email FROM staff
         WHERE active = 1 AND email IS NOT NULL AND email <> '' ORDER BY username",
    )
    .fetch_all(&db.pool)
    .await
}

/// Every active administrator with an e-mail address: (username, address).
pub async fn admin_addresses(conn: &mut AnyConnection) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT username, email FROM staff
         WHERE active = 1 AND role = 'admin' AND email IS NOT NULL AND email <> ''
         ORDER BY username",
    )
    .fetch_all(conn)
    .await
}

/// Open items due by `until` (`YYYY-MM-DD`, included) — overdue ones too — of a department
/// (every department's when `None`), the earliest first, at most `limit`: (number, item,
/// department, due on).
pub async fn due_by(
    db: &Db,
    department: Option<&str>,
    until: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, String, String, String)>> {
    sqlx::query_as(
        "SELECT a.number, s.item, s.department, s.due_on
         FROM sub_applications s JOIN applications a ON a.id = s.application_id
         WHERE s.due_on IS NOT NULL AND s.due_on <= $1 AND ($2 IS NULL OR s.department = $2)
         ORDER BY s.due_on, s.id LIMIT $3",
    )
    .bind(until)
    .bind(department)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
