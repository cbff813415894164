//! The electronic archive (电子档案) of a completed application, filed by itself once every
//! item is decided: the form, every material, every decision, the sealed notices and
//! certificates, the audit excerpt, and the manifest sealed by the bureau (`domain::archive` is the package's format).
//! Kept in the contents store, so it stays when working copies are cleaned up.

use serde_json::json;

use super::{Ctx, Result, history};
use crate::db;
use crate::domain::application::sha256_hex;
use crate::domain::archive::{self as package, Signature};
use crate::domain::clock::{now_unix, rfc3339};
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

/// The package: `form.json`, `decisions.json`, `audit.json`, `materials/<material>/<n>-<name>`,
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
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("form.json".into(), pretty(form)?),
        ("decisions.json".into(), pretty(json!(decisions))?),
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
