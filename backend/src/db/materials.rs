//! Drafts saved on the server, uploads and their parts, stored contents (blobs) and archives.

use sqlx::{Any, AnyConnection, Transaction};

use super::Db;
use crate::domain::records::{Draft, Owner, Upload};

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: String,
    token_hash: String,
    bundle: String,
    answers: String,
    application_id: Option<i64>,
}

/// A new draft; `link_sealed` its token sealed at rest (given back when found by its contact).
pub async fn insert_draft(
    db: &Db,
    id: &str,
    token_hash: &str,
    link_sealed: &str,
    bundle: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO drafts (id, token_hash, link_sealed, bundle, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(token_hash)
    .bind(link_sealed)
    .bind(bundle)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn draft(db: &Db, id: &str) -> sqlx::Result<Option<Draft>> {
    let row: Option<DraftRow> = sqlx::query_as(
        "SELECT id, token_hash, bundle, answers, application_id FROM drafts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| Draft {
        answers: serde_json::from_str(&r.answers).unwrap_or_default(),
        id: r.id,
        token_hash: r.token_hash,
        bundle: r.bundle,
        application_id: r.application_id,
    }))
}

/// Saves the answers of a draft not yet submitted, with the keys of its phone and e-mail
/// (`domain::recovery::draft_keys`); `false` if it was submitted meanwhile.
pub async fn save_answers(
    db: &Db,
    id: &str,
    answers: &str,
    (phone_key, email_key): (Option<String>, Option<String>),
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE drafts SET answers = $2, updated_at = $3, phone_key = $4, email_key = $5
         WHERE id = $1 AND application_id IS NULL",
    )
    .bind(id)
    .bind(answers)
    .bind(now)
    .bind(phone_key)
    .bind(email_key)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// At submission: the draft's finished files become the application's; unfinished ones are
/// dropped (their parts with them). `false` if the draft was submitted already.
pub async fn submit_draft(
    tx: &mut Transaction<'_, Any>,
    draft_id: &str,
    application_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE drafts SET application_id = $2, updated_at = $3 WHERE id = $1 AND application_id IS NULL",
    )
    .bind(draft_id)
    .bind(application_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "DELETE FROM upload_parts WHERE upload_id IN (SELECT id FROM uploads WHERE draft_id = $1 AND complete = 0)",
    )
    .bind(draft_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM uploads WHERE draft_id = $1 AND complete = 0")
        .bind(draft_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE uploads SET application_id = $2 WHERE draft_id = $1")
        .bind(draft_id)
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct UploadRow {
    id: String,
    draft_id: Option<String>,
    application_id: Option<i64>,
    material: String,
    name: String,
    size: i64,
    received: i64,
    sha256: Option<String>,
    content_type: Option<String>,
    complete: i64,
}

impl From<UploadRow> for Upload {
    fn from(r: UploadRow) -> Upload {
        Upload {
            id: r.id,
            draft_id: r.draft_id,
            application_id: r.application_id,
            material: r.material,
            name: r.name,
            size: u64::try_from(r.size).unwrap_or(0),
            received: u64::try_from(r.received).unwrap_or(0),
            sha256: r.sha256,
            content_type: r.content_type,
            complete: r.complete == 1,
        }
    }
}

const UPLOAD: &str =
    "id, draft_id, application_id, material, name, size, received, sha256, content_type, complete";

pub async fn uploads_of(db: &Db, owner: &Owner) -> sqlx::Result<Vec<Upload>> {
    uploads_on(&mut *db.pool.acquire().await?, owner).await
}

/// Locks the owner's row until the transaction ends (a row lock on PostgreSQL, the write lock
/// on SQLite) and reads its uploads: announcements for one owner are checked and reserved one
/// after another, so parallel ones cannot together exceed a limit.
pub async fn lock_uploads_of(conn: &mut AnyConnection, owner: &Owner) -> sqlx::Result<Vec<Upload>> {
    match owner {
        Owner::Draft(d) => {
            sqlx::query("UPDATE drafts SET updated_at = updated_at WHERE id = $1")
                .bind(d.clone())
                .execute(&mut *conn)
                .await?;
        }
        Owner::Application(a) => super::applications::lock(conn, *a).await?,
    }
    uploads_on(conn, owner).await
}

async fn uploads_on(conn: &mut AnyConnection, owner: &Owner) -> sqlx::Result<Vec<Upload>> {
    let query = match owner {
        Owner::Draft(d) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {UPLOAD} FROM uploads WHERE draft_id = $1 AND application_id IS NULL ORDER BY created_at, id"
        )))
        .bind(d.clone()),
        Owner::Application(a) => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {UPLOAD} FROM uploads WHERE application_id = $1 ORDER BY created_at, id"
        )))
        .bind(*a),
    };
    let rows: Vec<UploadRow> = query.fetch_all(conn).await?;
    Ok(rows.into_iter().map(Upload::from).collect())
}

pub async fn upload(db: &Db, id: &str) -> sqlx::Result<Option<Upload>> {
    let row: Option<UploadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {UPLOAD} FROM uploads WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(Upload::from))
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub owner: &'a Owner,
    pub material: &'a str,
    pub name: &'a str,
    pub size: u64,
}

pub async fn insert_upload(
    conn: &mut AnyConnection,
    u: &NewUpload<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let (draft, application) = match u.owner {
        Owner::Draft(d) => (Some(d.as_str()), None),
        Owner::Application(a) => (None, Some(*a)),
    };
    sqlx::query(
        "INSERT INTO uploads (id, draft_id, application_id, material, name, size, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(u.id)
    .bind(draft)
    .bind(application)
    .bind(u.material)
    .bind(u.name)
    .bind(u.size as i64)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends one part at `offset` if that is exactly where the upload stands; `false` otherwise
/// (a repeated or out-of-order part changes nothing).
pub async fn append_part(
    db: &Db,
    upload: &Upload,
    offset: u64,
    data: &[u8],
    now: i64,
) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let moved = sqlx::query(
        "UPDATE uploads SET received = received + $3, updated_at = $4
         WHERE id = $1 AND received = $2 AND complete = 0 AND received + $3 <= size",
    )
    .bind(&upload.id)
    .bind(offset as i64)
    .bind(data.len() as i64)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("INSERT INTO upload_parts (upload_id, part_offset, data) VALUES ($1, $2, $3)")
        .bind(&upload.id)
        .bind(offset as i64)
        .bind(data)
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The parts of an upload, in order, joined.
pub async fn parts(db: &Db, upload_id: &str) -> sqlx::Result<Vec<u8>> {
    let rows: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT data FROM upload_parts WHERE upload_id = $1 ORDER BY part_offset")
            .bind(upload_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().flat_map(|(d,)| d).collect())
}

/// A whole file: its content's SHA-256, size, type and the name it is kept under.
pub struct Finished<'a> {
    pub sha256: &'a str,
    pub size: u64,
    pub content_type: &'a str,
    pub name: &'a str,
}

/// Records (or touches) a content before it is written to the store, holding its row until the
/// transaction ends: the collection of unreferenced contents (`forget_content`) cannot remove
/// it meanwhile.
pub async fn claim_content(
    conn: &mut AnyConnection,
    f: &Finished<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO blobs (sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO UPDATE SET created_at = excluded.created_at",
    )
    .bind(f.sha256)
    .bind(f.size as i64)
    .bind(f.content_type)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The whole file is stored: the upload is complete, under its final name, and its parts go.
pub async fn finish(
    conn: &mut AnyConnection,
    upload_id: &str,
    f: &Finished<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE uploads SET sha256 = $2, content_type = $3, name = $4, complete = 1, updated_at = $5
         WHERE id = $1",
    )
    .bind(upload_id)
    .bind(f.sha256)
    .bind(f.content_type)
    .bind(f.name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM upload_parts WHERE upload_id = $1")
        .bind(upload_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Drafts never submitted and untouched since `before` go, with their uploads and parts (their
/// contents are collected later, if nothing else refers to them). How many drafts went.
pub async fn forget_drafts(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    const STALE: &str = "SELECT id FROM drafts WHERE application_id IS NULL AND updated_at < $1";
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM upload_parts WHERE upload_id IN
         (SELECT id FROM uploads WHERE application_id IS NULL AND draft_id IN ({STALE}))"
    )))
    .bind(before)
    .execute(&mut *conn)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM uploads WHERE application_id IS NULL AND draft_id IN ({STALE})"
    )))
    .bind(before)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("DELETE FROM drafts WHERE application_id IS NULL AND updated_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Uploads left unfinished since `before` go, with the parts that arrived. How many.
pub async fn forget_unfinished(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM upload_parts WHERE upload_id IN
         (SELECT id FROM uploads WHERE complete = 0 AND updated_at < $1)",
    )
    .bind(before)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("DELETE FROM uploads WHERE complete = 0 AND updated_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Whether content `sha256` may be removed from the store: nothing refers to it (no upload, no
/// archive) and it was not claimed since `before`. If so its row goes and stays locked until
/// the transaction ends — remove the content before committing, and an upload of the same
/// content waits for that and stores it anew.
pub async fn forget_content(
    conn: &mut AnyConnection,
    sha256: &str,
    before: i64,
) -> sqlx::Result<bool> {
    // A content in the store without its row (an upload that failed after writing it, an
    // archive) gets one first, so that the lock below covers it too.
    sqlx::query(
        "INSERT INTO blobs (sha256, size, content_type, created_at) VALUES ($1, 0, '', 0)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "DELETE FROM blobs WHERE sha256 = $1 AND created_at < $2
           AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = $1)
           AND NOT EXISTS (SELECT 1 FROM archives a WHERE a.sha256 = $1)
           AND NOT EXISTS (SELECT 1 FROM archive_versions v WHERE v.sha256 = $1)
           AND NOT EXISTS (SELECT 1 FROM task_photos p WHERE p.sha256 = $1)",
    )
    .bind(sha256)
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes an upload and whatever of it arrived (a rejected or cancelled file leaves nothing).
pub async fn remove(db: &Db, upload_id: &str) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM upload_parts WHERE upload_id = $1")
        .bind(upload_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(upload_id)
        .execute(&mut **tx)
        .await?;
    tx.commit().await
}

/// How many stored contents and parts exist (tests: nothing is left behind).
pub async fn counts(db: &Db) -> sqlx::Result<(i64, i64, i64)> {
    let (uploads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM uploads")
        .fetch_one(&db.pool)
        .await?;
    let (parts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM upload_parts")
        .fetch_one(&db.pool)
        .await?;
    let (blobs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM blobs")
        .fetch_one(&db.pool)
        .await?;
    Ok((uploads, parts, blobs))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArchiveRow {
    pub application_id: i64,
    pub sha256: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn archive(db: &Db, application_id: i64) -> sqlx::Result<Option<ArchiveRow>> {
    sqlx::query_as(
        "SELECT application_id, sha256, size, created_at FROM archives WHERE application_id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await
}

/// An application's archive filed again: the package it had is kept as a superseded version,
/// the new one takes its place. In the caller's transaction.
pub async fn supersede_archive(
    conn: &mut sqlx::AnyConnection,
    application_id: i64,
    sha256: &str,
    size: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO archive_versions (application_id, sha256, size, created_at, superseded_at)
         SELECT application_id, sha256, size, created_at, $3 FROM archives
         WHERE application_id = $1 AND sha256 <> $2
         ON CONFLICT (application_id, sha256) DO NOTHING",
    )
    .bind(application_id)
    .bind(sha256)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE archives SET sha256 = $2, size = $3, created_at = $4 WHERE application_id = $1",
    )
    .bind(application_id)
    .bind(sha256)
    .bind(size)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The packages an application's archive had before, oldest first: (sha256, superseded at).
pub async fn archive_versions(db: &Db, application_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT sha256, superseded_at FROM archive_versions WHERE application_id = $1
         ORDER BY superseded_at, sha256",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}

/// Records an application's archive once (a concurrent second build changes nothing).
pub async fn insert_archive(
    db: &Db,
    application_id: i64,
    sha256: &str,
    size: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO archives (application_id, sha256, size, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (application_id) DO NOTHING",
    )
    .bind(application_id)
    .bind(sha256)
    .bind(size)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The materials of application `id` with a file finished at or after `since` (Unix seconds).
pub async fn finished_since(db: &Db, id: i64, since: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT material FROM uploads
         WHERE application_id = $1 AND complete = 1 AND updated_at >= $2",
    )
    .bind(id)
    .bind(since)
    .fetch_all(&db.pool)
    .await
}
