//! Filings written together (group commit): every filing that arrives while one transaction is
//! under way goes into the next, which writes them all in a handful of statements — numbers,
//! applications, items, name index, audit entries, idempotency answers — and commits once.
//! Each applicant is answered after that commit. A filing that cannot go with the others (its
//! draft or its `Idempotency-Key` was taken meanwhile) is answered alone and the rest written
//! again without it; a group that fails as a whole is written again one filing at a time, so
//! one bad filing never costs another its answer.

use futures_util::future::BoxFuture;
use serde_json::{Value, json};
use shared::api::ApplicationCreated;

use super::Result;
use super::group_commit::{GroupCommit, Waiting};
use crate::db::applications::NewApplication;
use crate::db::audit::{self, Entry};
use crate::db::idempotency::{self, Stored};
use crate::db::{self, Db};
use crate::domain::error::Conflict;
use crate::domain::idempotency as idempotency_rule;

/// At most this many filings share a transaction (every statement's parameters stay far below
/// either database's limit).
const MAX_TOGETHER: usize = 64;

/// The filings' queue of one instance.
pub type Filings = GroupCommit<Pending, Result<Filed>>;

/// A checked filing waiting for its transaction: everything it writes but its number.
pub struct Pending {
    pub new: NewApplication,
    /// The pairs of characters its name is found by.
    pub grams: Vec<String>,
    /// The private status token (only its hash is stored).
    pub token: String,
    /// The draft whose files go with it.
    pub draft: Option<String>,
    /// Who filed it, for the audit entry.
    pub actor: String,
    pub role: String,
    pub action: &'static str,
    pub after: Value,
    /// The `Idempotency-Key` and the request's hash.
    pub key: Option<(String, String)>,
}

/// A filing's answer: the body of the 201, its number, and whether it replays an earlier one
/// (a retry with the same `Idempotency-Key`).
pub struct Filed {
    pub body: String,
    pub number: String,
    pub replayed: bool,
}

/// The queue that writes filings into `db`.
pub fn queue(db: Db) -> Filings {
    GroupCommit::new(MAX_TOGETHER, move |group| {
        Box::pin(write_and_answer(db.clone(), group)) as BoxFuture<'static, ()>
    })
}

/// The first answer to `key` again, opened with the key (the database keeps it sealed).
pub fn replay(stored: Stored, key: &str, request_hash: &str) -> Result<Filed> {
    if stored.request_hash != request_hash {
        return Err(Conflict::IdempotencyKeyReused.into());
    }
    let body = idempotency_rule::open(key, &stored.body)
        .ok_or_else(|| anyhow::anyhow!("a kept answer does not open with its key"))?;
    let created: ApplicationCreated = serde_json::from_str(&body).map_err(anyhow::Error::from)?;
    Ok(Filed {
        body,
        number: created.number,
        replayed: true,
    })
}

/// Why a group was not written.
enum Stop {
    /// These filings (their places in the group) cannot be written with the others: answer
    /// them once the others are.
    Later(Vec<(usize, Taken)>),
    /// Something failed for the whole group.
    All(super::Error),
}

/// What another request took first.
enum Taken {
    Draft,
    Key,
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Stop {
        Stop::All(e.into())
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::All(e.into())
    }
}

/// Writes `group` and answers each filing in it.
async fn write_and_answer(db: Db, group: Vec<Waiting<Pending, Result<Filed>>>) {
    write_group(db, group, true).await
}

/// Writes what of `group` can go together; a filing that cannot is answered once the rest
/// is written (a key repeated within the group then finds the first filing's answer). `again`:
/// a filing whose key vanished meanwhile may be written once more.
async fn write_group(db: Db, mut group: Vec<Waiting<Pending, Result<Filed>>>, again: bool) {
    let mut after = Vec::new();
    while !group.is_empty() {
        let pending: Vec<&Pending> = group.iter().map(|(p, _)| p).collect();
        match write(&db, &pending).await {
            Ok(filed) => {
                for ((_, answer), filed) in group.drain(..).zip(filed) {
                    let _ = answer.send(Ok(filed));
                }
            }
            Err(Stop::Later(mut taken)) => {
                taken.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
                for (at, taken) in taken {
                    after.push((group.remove(at), taken));
                }
            }
            Err(Stop::All(e)) if group.len() == 1 => {
                let (_, answer) = group.remove(0);
                let _ = answer.send(Err(e));
            }
            Err(Stop::All(_)) => {
                // One at a time: whatever failed fails only the filing it belongs to.
                for waiting in group.drain(..) {
                    Box::pin(write_group(db.clone(), vec![waiting], again)).await;
                }
            }
        }
    }
    for ((pending, answer), taken) in after {
        let theirs = match (taken, &pending.key) {
            (Taken::Key, Some((key, _))) => {
                let now = crate::domain::clock::now_unix();
                idempotency::find(&db, &idempotency_rule::lookup(key), now).await
            }
            _ => {
                let _ = answer.send(Err(Conflict::DraftSubmitted.into()));
                continue;
            }
        };
        let reply = match (theirs, &pending.key) {
            (Ok(Some(theirs)), Some((key, request_hash))) => replay(theirs, key, request_hash),
            // The filing that held the key was not written after all: try this one again.
            (Ok(None), _) if again => {
                Box::pin(write_group(db.clone(), vec![(pending, answer)], false)).await;
                continue;
            }
            (Ok(_), _) => Err(anyhow::anyhow!("idempotency key vanished after a conflict").into()),
            (Err(e), _) => Err(e.into()),
        };
        let _ = answer.send(reply);
    }
}

/// Writes every filing in `group` in one transaction, or none of them.
async fn write(db: &Db, group: &[&Pending]) -> std::result::Result<Vec<Filed>, Stop> {
    let now = group.iter().map(|p| p.new.now).max().unwrap_or_default();
    let lookups: Vec<Option<String>> = group
        .iter()
        .map(|p| p.key.as_ref().map(|(key, _)| idempotency_rule::lookup(key)))
        .collect();
    // The same key twice in one group: the later waits for the earlier's answer.
    let repeated: Vec<(usize, Taken)> = (0..lookups.len())
        .filter(|&n| lookups[n].is_some() && lookups[..n].contains(&lookups[n]))
        .map(|n| (n, Taken::Key))
        .collect();
    if !repeated.is_empty() {
        return Err(Stop::Later(repeated));
    }
    let news: Vec<&NewApplication> = group.iter().map(|p| &p.new).collect();
    let mut tx = db.begin().await?;
    let written = db::applications::insert_many(&mut tx, &news).await?;
    let grams: Vec<(i64, &[String])> = written
        .iter()
        .zip(group)
        .map(|((id, _), p)| (*id, p.grams.as_slice()))
        .collect();
    db::worklist::keep_grams_of_many(&mut tx, &grams).await?;
    // The draft's files go with the application (its token proved the draft is the sender's).
    let mut taken = Vec::new();
    for (at, ((id, _), p)) in written.iter().zip(group).enumerate() {
        if let Some(draft) = &p.draft
            && !db::materials::submit_draft(&mut tx, draft, *id, p.new.now).await?
        {
            taken.push((at, Taken::Draft));
        }
    }
    if !taken.is_empty() {
        return Err(Stop::Later(taken));
    }
    let subjects: Vec<String> = written
        .iter()
        .map(|(_, number)| format!("application {number}"))
        .collect();
    let entries: Vec<Entry> = group
        .iter()
        .zip(&subjects)
        .map(|(p, subject)| Entry {
            actor: &p.actor,
            role: &p.role,
            action: p.action,
            subject,
            before: json!(null),
            after: p.after.clone(),
        })
        .collect();
    audit::append_many(&mut tx, &entries, now).await?;
    let mut filed = Vec::with_capacity(group.len());
    let mut kept = Vec::new();
    for (((_, number), p), lookup) in written.into_iter().zip(group).zip(&lookups) {
        let created = ApplicationCreated {
            number: number.clone(),
            token: p.token.clone(),
        };
        let body = serde_json::to_string(&created).map_err(anyhow::Error::from)?;
        if let (Some((key, request_hash)), Some(lookup)) = (&p.key, lookup) {
            let stored = Stored {
                request_hash: request_hash.clone(),
                status: 201,
                body: idempotency_rule::seal(key, &body),
            };
            kept.push((lookup.as_str(), stored));
        }
        filed.push(Filed {
            body,
            number,
            replayed: false,
        });
    }
    let answers: Vec<(&str, &Stored)> = kept.iter().map(|(k, s)| (*k, s)).collect();
    let recorded = idempotency::record_many(&mut tx, &answers, now).await?;
    // A key someone else holds (a concurrent request with it won): that filing is answered
    // with theirs, the others written again without it.
    let taken: Vec<(usize, Taken)> = (0..lookups.len())
        .filter(|&n| lookups[n].as_ref().is_some_and(|l| !recorded.contains(l)))
        .map(|n| (n, Taken::Key))
        .collect();
    if !taken.is_empty() {
        return Err(Stop::Later(taken));
    }
    tx.commit().await?;
    Ok(filed)
}
