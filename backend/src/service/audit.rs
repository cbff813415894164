//! The audit log's anchor: checkpoints of its head signed with the seal and kept in the
//! contents store (`domain::audit`), made every ten minutes while the head moves (a periodic
//! job), published;
//! and the check of the whole log — the chain, then the checkpoints — that `lianban audit
//! verify` prints.

use crate::db::Db;
use crate::db::audit::{self, Verdict};
use crate::domain::audit::{Checkpoint, Finding, Signed, check, location};
use crate::seal::{PublicKey, Purpose, Seal};
use crate::storage::Files;

use super::{Ctx, Result};

const PREFIX: &str = "audit/checkpoints/";

/// Every kept checkpoint, oldest first.
pub async fn checkpoints(files: &Files) -> anyhow::Result<Vec<Signed>> {
    let mut out = Vec::new();
    for name in files.names(PREFIX).await? {
        let bytes = files.get_named(&name).await?;
        out.push(serde_json::from_slice(&bytes)?);
    }
    Ok(out)
}

/// The newest `n` checkpoints, oldest of them first (what is published).
pub async fn newest_checkpoints(ctx: &Ctx, n: usize) -> Result<Vec<Signed>> {
    let names = ctx.files.names(PREFIX).await?;
    let mut out = Vec::new();
    for name in &names[names.len().saturating_sub(n)..] {
        let bytes = ctx.files.get_named(name).await?;
        out.push(serde_json::from_slice(&bytes).map_err(anyhow::Error::from)?);
    }
    Ok(out)
}

/// Signs and keeps the head of the chain if it moved since the newest checkpoint; the new
/// checkpoint, if one was made.
pub async fn checkpoint(ctx: &Ctx, now: i64) -> Result<Option<Checkpoint>> {
    let (seq, hash) = audit::head(&ctx.db).await?;
    let newest = ctx.files.names(PREFIX).await?.pop();
    if seq == 0 || newest.as_deref() == Some(location(seq).as_str()) {
        return Ok(None);
    }
    let made = Checkpoint { seq, hash, at: now };
    let signed = sign(&ctx.seal, &made)?;
    let bytes = serde_json::to_vec(&signed).map_err(anyhow::Error::from)?;
    ctx.files.put_named(&location(seq), bytes).await?;
    Ok(Some(made))
}

fn sign(seal: &Seal, c: &Checkpoint) -> anyhow::Result<Signed> {
    let checkpoint = serde_json::to_string(c)?;
    Ok(Signed {
        signature: seal.sign(Purpose::AuditCheckpoint, checkpoint.as_bytes()),
        kid: seal.kid().to_string(),
        checkpoint,
    })
}

/// The log's verdict as `lianban audit verify` prints it: the chain entry by entry, then the
/// checkpoints kept in `files` (signed with one of `keys`, needed only if there are any)
/// against it.
pub async fn verify(
    db: &Db,
    files: &Files,
    keys: anyhow::Result<Vec<PublicKey>>,
) -> anyhow::Result<String> {
    let chain = verify_chain(db).await?;
    let kept = checkpoints(files).await?;
    if kept.is_empty() {
        return Ok(format!("{chain}; no checkpoint yet"));
    }
    let keys = keys?;
    let hashes = audit::hashes(db).await?;
    let hash_at = |seq: i64| hashes.get(&seq).cloned();
    match check(&kept, &keys, hash_at) {
        Finding::Anchored { checkpoints, last } => Ok(format!(
            "{chain}; {checkpoints} signed checkpoints match (the last at entry {last})"
        )),
        Finding::Rewritten { from, to, why } => {
            anyhow::bail!("audit log rewritten: entries {from} to {to} ({why})")
        }
        Finding::Forged { seq } => {
            anyhow::bail!("the checkpoint of entry {seq} is not signed by the bureau's seal")
        }
    }
}

/// The chain alone: every entry present, in order, unchanged.
pub async fn verify_chain(db: &Db) -> anyhow::Result<String> {
    match audit::verify(db).await? {
        Verdict::Intact { entries } => Ok(format!("audit log intact: {entries} entries")),
        Verdict::Broken { seq, problem } => {
            anyhow::bail!("audit log broken at entry {seq}: {problem}")
        }
    }
}
