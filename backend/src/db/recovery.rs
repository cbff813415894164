//! Codes sent to find an application or the saved drafts again (`domain::recovery`): kept by
//! their challenge's hash; a wrong try counted, a right one spends the code; the private link
//! sealed on the application (or each draft) read, or a new one set.

use sqlx::AnyConnection;

/// A code kept for its challenge.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Kept {
    pub id: i64,
    /// The application the code finds, or
    pub application_id: Option<i64>,
    /// the key of the contact whose drafts it finds.
    pub contact_key: Option<String>,
    pub code_hash: String,
    pub expires_at: i64,
    pub tries: i64,
    pub used_at: Option<i64>,
}

/// A code to keep.
pub struct New<'a> {
    pub application_id: Option<i64>,
    pub contact_key: Option<&'a str>,
    pub challenge_hash: &'a str,
    pub code_hash: &'a str,
    pub channel: &'a str,
    /// Masked.
    pub address: &'a str,
    pub expires_at: i64,
}

/// How many codes the application was sent since `since`.
pub async fn sent_since(
    conn: &mut AnyConnection,
    application_id: i64,
    since: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE application_id = $1 AND created_at >= $2",
    )
    .bind(application_id)
    .bind(since)
    .fetch_one(conn)
    .await
}

/// How many codes for the drafts of contact `key` were sent since `since`.
pub async fn sent_to_since(conn: &mut AnyConnection, key: &str, since: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE contact_key = $1 AND created_at >= $2",
    )
    .bind(key)
    .bind(since)
    .fetch_one(conn)
    .await
}

/// Keeps a code; its id.
pub async fn insert(conn: &mut AnyConnection, c: &New<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO recovery_codes (application_id, contact_key, challenge_hash, code_hash, channel, address, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(c.application_id)
    .bind(c.contact_key)
    .bind(c.challenge_hash)
    .bind(c.code_hash)
    .bind(c.channel)
    .bind(c.address)
    .bind(now)
    .bind(c.expires_at)
    .fetch_one(conn)
    .await
}

/// Holds the drafts of a contact (its key) until the transaction ends (row locks on
/// PostgreSQL, the write lock on SQLite): codes asked for the same contact at once — from
/// several instances — are counted one after the other.
pub async fn lock_contact(conn: &mut AnyConnection, contact_key: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE drafts SET id = id WHERE phone_key = $1 OR email_key = $1")
        .bind(contact_key)
        .execute(conn)
        .await?;
    Ok(())
}

/// The code kept for a challenge, its row held until the transaction ends.
pub async fn kept(conn: &mut AnyConnection, challenge_hash: &str) -> sqlx::Result<Option<Kept>> {
    // Held first (a row lock on PostgreSQL, the write lock on SQLite): two tries at once are
    // counted one after the other.
    sqlx::query("UPDATE recovery_codes SET id = id WHERE challenge_hash = $1")
        .bind(challenge_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query_as(
        "SELECT id, application_id, contact_key, code_hash, expires_at, tries, used_at
         FROM recovery_codes WHERE challenge_hash = $1",
    )
    .bind(challenge_hash)
    .fetch_optional(conn)
    .await
}

/// One more wrong try.
pub async fn wrong_try(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE recovery_codes SET tries = tries + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The code is spent: used at `now`, and every other code of its application (or contact)
/// with it.
pub async fn spend(conn: &mut AnyConnection, code: &Kept, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE recovery_codes SET used_at = $3
         WHERE (application_id = $1 OR contact_key = $2) AND used_at IS NULL",
    )
    .bind(code.application_id)
    .bind(code.contact_key.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The application's private token as sealed for its messages, if kept.
pub async fn sealed_link(
    conn: &mut AnyConnection,
    application_id: i64,
) -> sqlx::Result<Option<String>> {
    let link: Option<Option<String>> =
        sqlx::query_scalar("SELECT notify_link FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_optional(conn)
            .await?;
    Ok(link.flatten())
}

/// A new private token for the application (the old link stops working).
pub async fn set_link(
    conn: &mut AnyConnection,
    application_id: i64,
    token_hash: &str,
    sealed: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET token_hash = $2, notify_link = $3 WHERE id = $1")
        .bind(application_id)
        .bind(token_hash)
        .bind(sealed)
        .execute(conn)
        .await?;
    Ok(())
}

/// A draft not yet submitted, as found by its contact.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FoundDraft {
    pub id: String,
    pub bundle: String,
    pub updated_at: i64,
    pub link_sealed: Option<String>,
    /// The answers as saved (JSON).
    pub answers: String,
}

/// The drafts not yet submitted whose phone or e-mail has `key`, the latest first (ten at most).
pub async fn drafts_for(conn: &mut AnyConnection, key: &str) -> sqlx::Result<Vec<FoundDraft>> {
    sqlx::query_as(
        "SELECT id, bundle, updated_at, link_sealed, answers FROM drafts
         WHERE (phone_key = $1 OR email_key = $1) AND application_id IS NULL
         ORDER BY updated_at DESC, id LIMIT 10",
    )
    .bind(key)
    .fetch_all(conn)
    .await
}

/// A new private token for a draft (its old link stops working).
pub async fn set_draft_link(
    conn: &mut AnyConnection,
    id: &str,
    token_hash: &str,
    sealed: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE drafts SET token_hash = $2, link_sealed = $3 WHERE id = $1")
        .bind(id)
        .bind(token_hash)
        .bind(sealed)
        .execute(conn)
        .await?;
    Ok(())
}

/// Codes past their time before `before` are forgotten; how many.
pub async fn forget(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM recovery_codes WHERE expires_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
