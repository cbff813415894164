//! The electronic archive (电子档案) of a completed application, filed by itself once every
//! item is decided: the form, every material, every decision, the sealed notices and
//! certificates, the audit excerpt, and the manifest sealed by the bureau (`domain::archive` is the package's format).
//! Kept in the contents store, so it stays when working copies are cleaned up.

use serde_json::json;

use sqlx::{Any, Transaction};

use super::{Ctx, Result, history};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::domain::application::sha256_hex;
use crate::domain::archive::{self as package, Signature};
use crate::domain::clock::{now_unix, rfc3339};
use crate::domain::jobs::Job;
use crate::domain::records::{Actor, Permit, PermitState};
use crate::domain::records::{Application, Item, Owner};
use crate::seal::Purpose;

/// Builds the archive once the application is complete (nothing if it is not, or if it has
/// one already). Returns the stored package's SHA-256 when there is one.
pub async fn when_complete(ctx: &Ctx, application_id: i64) -> Result<Option<String>> {
    if let Some(a) = db::materials::archive(&ctx.db, application_id).await? {
        return Ok(Some(a.sha256));
    }
    let Some(app) = db::applications::application_by_id(&ctx.db, application_id).await? else {
        return Ok(None);
    };
    let items = db::items::of_application(&ctx.db, app.id).await?;
    if items.is_empty() || !items.iter().all(|i| i.status.is_final()) {
        return Ok(None);
    }
    let package = build(ctx, &app, &items).await?;
    let size = package.len() as i64;
    let sha = ctx.files.put(package).await?;
    db::materials::insert_archive(&ctx.db, app.id, &sha, size, now_unix()).await?;
    tracing::info!(application = %app.number, %sha, size, "archive built");
    // A concurrent build may have recorded its own package first: the record wins.
    Ok(db::materials::archive(&ctx.db, app.id)
        .await?
        .map(|a| a.sha256))
}

/// Files the archive again after the application changed — a decision delivered, a permit
/// ended — when it has one (the first filing holds whatever came before it). The package it
/// replaces is kept as a superseded version; both are on the record.
pub async fn refile(ctx: &Ctx, application_id: i64) -> Result<Option<String>> {
    let Some(before) = db::materials::archive(&ctx.db, application_id).await? else {
        return Ok(None);
    };
    let Some(app) = db::applications::application_by_id(&ctx.db, application_id).await? else {
        return Ok(None);
    };
    let items = db::items::of_application(&ctx.db, app.id).await?;
    let package = build(ctx, &app, &items).await?;
    let size = package.len() as i64;
    let sha = ctx.files.put(package).await?;
    let now = now_unix();
    let mut tx = ctx.db.begin().await?;
    db::materials::supersede_archive(&mut tx, app.id, &sha, size, now).await?;
    let subject = app.subject();
    let entry = Entry::by(
        &Actor::System,
        "archive.refiled",
        &subject,
        json!({ "sha256": before.sha256 }),
        json!({ "sha256": sha }),
    );
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    tracing::info!(application = %app.number, %sha, size, "archive filed again");
    Ok(Some(sha))
}

/// A permit's state changes (cancelled, revoked, suspended…), in the caller's transaction:
/// and the archive of the application it came of is filed again, to show it.
pub async fn set_permit_state(
    tx: &mut Transaction<'static, Any>,
    permit: &Permit,
    state: PermitState,
    reason: Option<&str>,
    now: i64,
) -> Result<()> {
    db::enterprises::set_state(tx, permit, state, reason, now).await?;
    if let Some(application_id) = db::enterprises::application_of_permit(tx, permit.id).await? {
        db::jobs::queue(tx, &Job::ArchiveRefile { application_id }, now).await?;
    }
    Ok(())
}

/// The package: `form.json`, `decisions.json`, `permits.json` (the permits its items became,
/// as they stand), `deliveries.json`, `audit.json`, `materials/<material>/<n>-<name>`,
/// `documents/<title>-<number>.pdf` (the notices and certificates), the manifest and its
/// signature.
async fn build(ctx: &Ctx, app: &Application, items: &[Item]) -> Result<Vec<u8>> {
    let decisions: Vec<serde_json::Value> = items
        .iter()
        .map(|r| {
            json!({
                "item": r.item,
                "name": ctx.catalogue.item(&r.item).map(|i| i.name.zh.clone()),
                "department": r.department,
                "status": r.status.as_str(),
                "accepted_on": r.accepted_on.map(shared::date::format_iso_date),
                "decision": r.decision,
            })
        })
        .collect();
    let audit = history::entries(ctx, app, items, None).await?;
    let form = json!({
        "application": app.number, "bundle": app.bundle,
        "submitted_at": rfc3339(app.submitted_at), "answers": app.answers,
    });
    let pretty = |v: serde_json::Value| serde_json::to_vec_pretty(&v).map_err(anyhow::Error::from);
    let permits: Vec<serde_json::Value> = match db::enterprises::of_application(&ctx.db, app.id)
        .await?
    {
        Some(e) => db::enterprises::permits_of(&ctx.db, e.id)
            .await?
            .into_iter()
            .filter(|p| crate::domain::documents::own(items, p))
            .map(|p| {
                json!({ "item": p.item, "department": p.department, "certificate": p.certificate,
                    "issued_on": p.issued_on, "valid_until": p.valid_until,
                    "state": p.state.as_str(), "reason": p.reason })
            })
            .collect(),
        None => Vec::new(),
    };
    let deliveries: Vec<serde_json::Value> = db::deliveries::of_application(&ctx.db, app.id)
        .await?
        .into_iter()
        .map(|d| {
            json!({ "document": d.document, "way": d.way, "recorded_by": d.recorded_by,
                "decided_on": d.decided_on, "delivered_on": d.delivered_on,
                "working_days": d.days, "delivered_at": rfc3339(d.delivered_at) })
        })
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("form.json".into(), pretty(form)?),
        ("decisions.json".into(), pretty(json!(decisions))?),
        ("permits.json".into(), pretty(json!(permits))?),
        ("deliveries.json".into(), pretty(json!(deliveries))?),
        ("audit.json".into(), pretty(json!(audit))?),
    ];
    let uploads = db::materials::uploads_of(&ctx.db, &Owner::Application(app.id)).await?;
    let mut numbered: Vec<&str> = Vec::new();
    for u in uploads.iter().filter(|u| u.complete) {
        let Some(sha) = &u.sha256 else { continue };
        let bytes = ctx.files.get(sha).await?;
        if sha256_hex(&bytes) != *sha {
            return Err(anyhow::anyhow!("stored file {sha} does not match its hash").into());
        }
        numbered.push(&u.material);
        let n = numbered.iter().filter(|m| **m == u.material).count();
        files.push((package::material_path(&u.material, n, &u.name), bytes));
    }
    // The formal notices and the certificates, sealed as the applicant downloads them.
    files.extend(super::documents::for_archive(ctx, app).await?);
    let manifest = package::manifest(&app.number, &app.bundle, rfc3339(now_unix()), &files)?;
    let signature = Signature {
        kid: ctx.seal.kid().to_string(),
        signature: ctx.seal.sign(Purpose::ArchiveManifest, &manifest),
    };
    Ok(package::package(files, manifest, &signature)?)
}
