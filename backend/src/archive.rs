//! The electronic archive (电子档案) of a completed application: one zip package with the
//! submitted form, every material, every decision and certificate, the audit excerpt, and a
//! manifest listing each file with its SHA-256 — the manifest signed with the bureau's seal.
//! Built automatically once every item is decided, stored in the contents store (so it stays
//! when working copies are cleaned up). [`verify`] re-checks a package (清点): everything
//! listed is present and unchanged, nothing is unlisted, the seal is the bureau's.

use std::io::{Cursor, Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::snapshot::PublicKey;
use shared::status::SubStatus;

use crate::AppState;
use crate::db::materials::{self, Owner};
use crate::db::review::{self as db_review, AppRow};
use crate::domain::application::sha256_hex;
use crate::domain::clock::{now_unix, rfc3339};

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub application: String,
    pub bundle: String,
    pub built_at: String,
    pub files: Vec<Listed>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Listed {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Signature {
    kid: String,
    signature: String,
}

/// Builds the archive once the application is complete (nothing if it is not, or if it has
/// one already). Returns the stored package's SHA-256 when there is one.
pub async fn when_complete(
    state: &AppState,
    application_id: i64,
) -> anyhow::Result<Option<String>> {
    if let Some(a) = materials::archive(&state.db, application_id).await? {
        return Ok(Some(a.sha256));
    }
    let Some(app) = db_review::application_by_id(&state.db, application_id).await? else {
        return Ok(None);
    };
    // Complete: every item decided.
    let items = db_review::items_of(&state.db, app.id).await?;
    let decided =
        |r: &db_review::ItemRow| SubStatus::parse(&r.status).is_some_and(SubStatus::is_final);
    if items.is_empty() || !items.iter().all(decided) {
        return Ok(None);
    }
    let package = build(state, &app, &items).await?;
    let size = package.len() as i64;
    let sha = state.files.put(package).await?;
    materials::insert_archive(&state.db, app.id, &sha, size, now_unix()).await?;
    tracing::info!(application = %app.number, %sha, size, "archive built");
    // A concurrent build may have recorded its own package first: the record wins.
    Ok(materials::archive(&state.db, app.id)
        .await?
        .map(|a| a.sha256))
}

/// The package: `form.json`, `decisions.json`, `audit.json`, `materials/<material>/<n>-<name>`,
/// the manifest and its signature.
async fn build(
    state: &AppState,
    app: &AppRow,
    items: &[db_review::ItemRow],
) -> anyhow::Result<Vec<u8>> {
    let answers: serde_json::Value = serde_json::from_str(&app.answers)?;
    let decisions: Vec<serde_json::Value> = items
        .iter()
        .map(|r| {
            let item = state.catalogue.item(&r.item);
            json!({
                "item": r.item,
                "name": item.map(|i| i.name.zh.clone()),
                "department": r.department,
                "status": r.status,
                "accepted_on": r.accepted_on,
                "decision": r.decision.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
            })
        })
        .collect();
    let audit = crate::http::review::history_of(state, app, items).await?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "form.json".into(),
            serde_json::to_vec_pretty(&json!({
                "application": app.number, "bundle": app.bundle,
                "submitted_at": rfc3339(app.submitted_at), "answers": answers,
            }))?,
        ),
        (
            "decisions.json".into(),
            serde_json::to_vec_pretty(&decisions)?,
        ),
        ("audit.json".into(), serde_json::to_vec_pretty(&audit)?),
    ];
    let uploads = materials::uploads_of(&state.db, &Owner::Application(app.id)).await?;
    let mut numbered: Vec<&str> = Vec::new();
    for u in uploads.iter().filter(|u| u.complete == 1) {
        let Some(sha) = &u.sha256 else { continue };
        let bytes = state.files.get(sha).await?;
        anyhow::ensure!(
            sha256_hex(&bytes) == *sha,
            "stored file {sha} does not match its hash"
        );
        // Numbered within the material: `materials/id_card/1-身份证.pdf`.
        numbered.push(&u.material);
        let n = numbered.iter().filter(|m| **m == u.material).count();
        files.push((format!("materials/{}/{n}-{}", u.material, u.name), bytes));
    }
    let manifest = Manifest {
        application: app.number.clone(),
        bundle: app.bundle.clone(),
        built_at: rfc3339(now_unix()),
        files: files
            .iter()
            .map(|(path, bytes)| Listed {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
            .collect(),
    };
    let manifest = serde_json::to_vec_pretty(&manifest)?;
    let signature = serde_json::to_vec_pretty(&Signature {
        kid: state.seal.kid().to_string(),
        signature: state.seal.sign(&manifest),
    })?;
    files.push((MANIFEST.into(), manifest));
    files.push((SIGNATURE.into(), signature));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Scans and PDFs are compressed already: stored as they are.
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (path, bytes) in &files {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Re-checks a package against the published keys. Returns every problem, each naming its file;
/// none means the package is whole and sealed.
pub fn verify(package: &[u8], keys: &[PublicKey]) -> anyhow::Result<Vec<String>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(package))?;
    // `None`: no such entry; `Some(Err)`: there, but damaged (its CRC fails).
    let mut read = |name: &str| -> Option<Result<Vec<u8>, std::io::Error>> {
        let mut f = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        Some(f.read_to_end(&mut out).map(|_| out))
    };
    let manifest_bytes = read(MANIFEST)
        .and_then(Result::ok)
        .ok_or_else(|| anyhow::anyhow!("{MANIFEST}: missing or damaged"))?;
    let mut problems = Vec::new();
    let signature = read(SIGNATURE)
        .and_then(Result::ok)
        .and_then(|s| serde_json::from_slice::<Signature>(&s).ok());
    match signature {
        Some(sig)
            if shared::snapshot::verify_detached(
                keys,
                &sig.kid,
                &manifest_bytes,
                &sig.signature,
            ) => {}
        Some(_) => problems.push(format!(
            "{MANIFEST}: the seal's signature does not match (changed, or an unknown key)"
        )),
        None => problems.push(format!("{SIGNATURE}: missing or unreadable")),
    }
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)?;
    for listed in &manifest.files {
        match read(&listed.path) {
            None => problems.push(format!("{}: missing", listed.path)),
            Some(Err(_)) => {
                problems.push(format!("{}: changed (damaged in the package)", listed.path))
            }
            Some(Ok(bytes)) if sha256_hex(&bytes) != listed.sha256 => {
                problems.push(format!(
                    "{}: changed (SHA-256 differs from the manifest)",
                    listed.path
                ));
            }
            Some(Ok(_)) => {}
        }
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()?;
    for name in names {
        if name != MANIFEST && name != SIGNATURE && !manifest.files.iter().any(|l| l.path == name) {
            problems.push(format!("{name}: not in the manifest"));
        }
    }
    Ok(problems)
}
