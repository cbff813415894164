//! The audit log (全程留痕): append-only, hash-chained. Each entry is written in the same
//! transaction as the change it records; its hash covers the previous entry's hash, so a changed,
//! removed or inserted row breaks the chain from that point (`verify`).

use serde_json::Value;
use sqlx::{Any, Transaction};

use super::Db;
use crate::domain::application::sha256_hex;
use crate::domain::records::Actor;

/// One thing someone did.
pub struct Entry<'a> {
    /// The username, or `applicant` / `system`.
    pub actor: &'a str,
    pub role: &'a str,
    /// e.g. `login`, `view`, `intake.accept`, `review.approve`.
    pub action: &'a str,
    /// What it was done to, e.g. `application LB-20261128-0001`, `item 7`, `staff alice`.
    pub subject: &'a str,
    pub before: Value,
    pub after: Value,
}

impl<'a> Entry<'a> {
    /// What `actor` did to `subject`: the states before and after.
    pub fn by(
        actor: &'a Actor<'a>,
        action: &'a str,
        subject: &'a str,
        before: Value,
        after: Value,
    ) -> Entry<'a> {
        let (actor, role) = actor.names();
        Entry {
            actor,
            role,
            action,
            subject,
            before,
            after,
        }
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(seq: i64, at: i64, e: (&str, &str, &str, &str, &str, &str), prev: &str) -> String {
    let (actor, role, action, subject, before, after) = e;
    // A JSON array: unambiguous however the strings look.
    let canonical = serde_json::json!([seq, at, actor, role, action, subject, before, after, prev]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// Appends `entry` inside `tx`. Taking the head first serialises concurrent writers (a row lock
/// on PostgreSQL, the write lock on SQLite): the chain never forks.
pub async fn append(
    tx: &mut Transaction<'_, Any>,
    entry: &Entry<'_>,
    now: i64,
) -> sqlx::Result<()> {
    append_many(tx, std::slice::from_ref(entry), now).await
}

/// Appends `entries` in their order inside `tx`, in three statements however many: the head
/// moved on by their number, the rows, the head's hash.
pub async fn append_many(
    tx: &mut Transaction<'_, Any>,
    entries: &[Entry<'_>],
    now: i64,
) -> sqlx::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let count = entries.len() as i64;
    let (last, mut prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(count)
            .fetch_one(&mut **tx)
            .await?;
    // The hash in the head is still the one before these entries.
    let mut rows = Vec::with_capacity(entries.len());
    for (seq, entry) in (last - count + 1..).zip(entries) {
        let (before, after) = (entry.before.to_string(), entry.after.to_string());
        let hash = entry_hash(
            seq,
            now,
            (
                entry.actor,
                entry.role,
                entry.action,
                entry.subject,
                &before,
                &after,
            ),
            &prev,
        );
        rows.push((
            seq,
            entry,
            before,
            after,
            std::mem::replace(&mut prev, hash),
        ));
    }
    let sql = format!(
        "INSERT INTO audit_log (seq, at, actor, role, action, subject, before_state, after_state, prev_hash, hash)
         VALUES {}",
        super::value_rows(tx, rows.len(), 10)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    // Each row's hash is the next row's prev_hash; the last is `prev` now.
    let hashes: Vec<&str> = rows
        .iter()
        .skip(1)
        .map(|r| r.4.as_str())
        .chain([prev.as_str()])
        .collect();
    for ((seq, entry, before, after, prev_hash), hash) in rows.iter().zip(&hashes) {
        query = query
            .bind(*seq)
            .bind(now)
            .bind(entry.actor)
            .bind(entry.role)
            .bind(entry.action)
            .bind(entry.subject)
            .bind(before.as_str())
            .bind(after.as_str())
            .bind(prev_hash.as_str())
            .bind(*hash);
    }
    query.execute(&mut **tx).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Appends one entry in a transaction of its own (for actions that change nothing else: a
/// login, a view).
pub async fn record(db: &Db, entry: &Entry<'_>, now: i64) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    append(&mut tx, entry, now).await?;
    tx.commit().await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub subject: String,
    pub before_state: String,
    pub after_state: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The entries about `subject`, oldest first.
pub async fn history(db: &Db, subject: &str) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(
        "SELECT seq, at, actor, role, action, subject, before_state, after_state, prev_hash, hash
         FROM audit_log WHERE subject = $1 ORDER BY seq",
    )
    .bind(subject)
    .fetch_all(&db.pool)
    .await
}

/// The entries after `after` (their position and subject), at most `limit`, in order.
pub async fn after(db: &Db, after: i64, limit: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT seq, subject FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

/// The head of the chain: the last entry's number and hash (0 and the genesis hash if none).
pub async fn head(db: &Db) -> sqlx::Result<(i64, String)> {
    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}

/// Every entry's hash, by number.
pub async fn hashes(db: &Db) -> sqlx::Result<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_log")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry present, in order, unchanged; the head matches the last one.
    Intact { entries: i64 },
    /// The first entry that is missing, changed or out of place, and why.
    Broken { seq: i64, problem: String },
}

/// Re-computes every hash from the first entry on.
pub async fn verify(db: &Db) -> sqlx::Result<Verdict> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, at, actor, role, action, subject, before_state, after_state, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await?;
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&db.pool)
            .await?;
    let mut prev = GENESIS.to_string();
    for (n, r) in rows.iter().enumerate() {
        let expected_seq = n as i64 + 1;
        if r.seq != expected_seq {
            return Ok(Verdict::Broken {
                seq: expected_seq,
                problem: format!("entry {expected_seq} is missing (next is {})", r.seq),
            });
        }
        if r.prev_hash != prev {
            return Ok(Verdict::Broken {
                seq: r.seq,
                problem: "its link to the previous entry does not match".into(),
            });
        }
        let fields = (
            r.actor.as_str(),
            r.role.as_str(),
            r.action.as_str(),
            r.subject.as_str(),
            r.before_state.as_str(),
            r.after_state.as_str(),
        );
        if entry_hash(r.seq, r.at, fields, &r.prev_hash) != r.hash {
            return Ok(Verdict::Broken {
                seq: r.seq,
                problem: "its content was changed".into(),
            });
        }
        prev = r.hash.clone();
    }
    let entries = rows.len() as i64;
    if head_seq != entries || head_hash != prev {
        return Ok(Verdict::Broken {
            seq: entries + 1,
            problem: format!("the head names entry {head_seq}, the log ends at {entries}"),
        });
    }
    Ok(Verdict::Intact { entries })
}
