//! Materials: drafts saved on the server, and files uploaded once in parts — announced, sent part
//! by part (resumable: a part not where the upload stands changes nothing), checked when whole
//! and stored once under their SHA-256. The same protocol serves a draft (before submitting) and
//! an application (materials that follow later, 容缺). Staff read a file only when the access
//! policy lets them; every read is on the record.

use serde_json::json;
use shared::files::{
    Draft as DraftView, DraftRef, FileProblem, NewUpload, StoredFile, display_name, typed_name,
};
use shared::form::Answers;

use super::{Ctx, Result, views};
use crate::db;
use crate::db::audit::{self, Entry};
use crate::db::materials::NewUpload as NewRow;
use crate::domain::access::Act;
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::now_unix;
use crate::domain::error::{Conflict, Error, Invalid, Missing};
use crate::domain::records::{Actor, Application, Draft, Owner, StaffMember, Upload};
use crate::domain::uploads::{self, Part};
use crate::domain::{intake, recovery, secret_box};

/// What a draft's token is sealed for (`secret_box`): given back by `service::recovery`.
pub(super) const DRAFT_LINK: &str = "lianban/draft-link";

/// Saves a new, empty draft of a bundle; its link (id and token) resumes it anywhere.
pub async fn create_draft(ctx: &Ctx, bundle: &str) -> Result<DraftRef> {
    if ctx.catalogue.bundle(bundle).is_none() {
        return Err(Invalid::Bundle.into());
    }
    let draft = DraftRef {
        id: new_token()[..22].to_string(),
        token: new_token(),
    };
    let token_hash = hash_token(&draft.token);
    let sealed = secret_box::seal(DRAFT_LINK, ctx.seal.at_rest(), &draft.token);
    db::materials::insert_draft(&ctx.db, &draft.id, &token_hash, &sealed, bundle, now_unix())
        .await?;
    Ok(draft)
}

/// The draft behind `id` if `token` is its token (404 alike otherwise).
async fn draft_of(ctx: &Ctx, id: &str, token: Option<&str>) -> Result<Draft> {
    let presented = hash_token(token.unwrap_or(""));
    Ok(db::materials::draft(&ctx.db, id)
        .await?
        .filter(|d| d.token_hash == presented)
        .ok_or(Missing::FileOrDraft)?)
}

async fn draft_view(ctx: &Ctx, d: Draft) -> Result<DraftView> {
    let files = db::materials::uploads_of(&ctx.db, &Owner::Draft(d.id.clone())).await?;
    let submitted_as = match d.application_id {
        Some(id) => db::applications::application_by_id(&ctx.db, id)
            .await?
            .map(|a| a.number),
        None => None,
    };
    Ok(DraftView {
        answers: d.answers,
        files: files.iter().map(views::stored).collect(),
        id: d.id,
        bundle: d.bundle,
        submitted_as,
    })
}

/// A draft with its answers and files.
pub async fn draft(ctx: &Ctx, id: &str, token: Option<&str>) -> Result<DraftView> {
    let d = draft_of(ctx, id, token).await?;
    draft_view(ctx, d).await
}

/// The link that resumes a draft on any device — the one its token opens (for its QR).
pub async fn resume_link(ctx: &Ctx, id: &str, token: Option<&str>) -> Result<String> {
    let d = draft_of(ctx, id, token).await?;
    let draft = shared::files::DraftRef {
        id: d.id,
        token: token.unwrap_or_default().to_string(),
    };
    Ok(format!(
        "{}{}",
        ctx.public_url.trim_end_matches('/'),
        shared::files::draft_page(&d.bundle, &draft)
    ))
}

/// Saves the answers as they are (a draft is not checked: the submission is). Only the
/// bundle's own fields are kept.
pub async fn save_draft(
    ctx: &Ctx,
    id: &str,
    token: Option<&str>,
    answers: Answers,
) -> Result<DraftView> {
    let d = draft_of(ctx, id, token).await?;
    let view = ctx.view(&d.bundle).ok_or(Missing::FileOrDraft)?;
    let answers: Answers = answers
        .into_iter()
        .filter(|(k, _)| view.field(k.split('@').next().unwrap_or(k)).is_some())
        .collect();
    let text = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let keys = recovery::draft_keys(&answers);
    if !db::materials::save_answers(&ctx.db, &d.id, &text, keys, now_unix()).await? {
        return Err(Conflict::DraftClosed.into());
    }
    draft(ctx, id, token).await
}

/// Whose files a path names: a draft (`key` its id) or an application (`key` its number),
/// checked against the bearer `token`. A submitted draft and an archived application take no
/// more files.
pub async fn owner(ctx: &Ctx, application: bool, key: &str, token: Option<&str>) -> Result<Owner> {
    if !application {
        let d = draft_of(ctx, key, token).await?;
        if d.application_id.is_some() {
            return Err(Conflict::DraftClosed.into());
        }
        return Ok(Owner::Draft(d.id));
    }
    let app = super::private_link::authorised(ctx, key, token).await?;
    if db::materials::archive(&ctx.db, app.id).await?.is_some() {
        return Err(Conflict::Archived.into());
    }
    Ok(Owner::Application(app.id))
}

/// The materials an owner takes (see `domain::uploads`).
async fn materials_of(ctx: &Ctx, owner: &Owner) -> Result<Vec<shared::catalogue::MergedMaterial>> {
    Ok(match owner {
        Owner::Draft(id) => db::materials::draft(&ctx.db, id)
            .await?
            .and_then(|d| ctx.view(&d.bundle))
            .map(|v| uploads::draft_materials(&v))
            .unwrap_or_default(),
        Owner::Application(id) => db::applications::application_by_id(&ctx.db, *id)
            .await?
            .and_then(|a| {
                let view = ctx.view(&a.bundle)?;
                Some(uploads::application_materials(&view, &a.answers))
            })
            .unwrap_or_default(),
    })
}

/// Announces a file: checked against the material list, the files per material and the size
/// limits before a byte is sent — and reserved in the same transaction, so that announcements
/// racing each other are checked one after another.
pub async fn announce(ctx: &Ctx, owner: &Owner, req: &NewUpload) -> Result<StoredFile> {
    let materials = materials_of(ctx, owner).await?;
    let mut tx = ctx.db.begin().await?;
    let existing = db::materials::lock_uploads_of(&mut tx, owner).await?;
    uploads::announce(req, &materials, &existing, ctx.file_limits)?;
    let id = new_token()[..22].to_string();
    let name = display_name(&req.name);
    let row = NewRow {
        id: &id,
        owner,
        material: &req.material,
        name: &name,
        size: req.size,
    };
    db::materials::insert_upload(&mut tx, &row, now_unix()).await?;
    tx.commit().await?;
    upload_state(ctx, owner, &id).await
}

async fn owned(ctx: &Ctx, owner: &Owner, id: &str) -> Result<Upload> {
    Ok(db::materials::upload(&ctx.db, id)
        .await?
        .filter(|u| u.owned_by(owner))
        .ok_or(Missing::FileOrDraft)?)
}

/// Where an upload stands: the next part starts at `received`.
pub async fn upload_state(ctx: &Ctx, owner: &Owner, id: &str) -> Result<StoredFile> {
    Ok(views::stored(&owned(ctx, owner, id).await?))
}

/// What became of a part.
pub enum Sent {
    /// Kept; the file is whole if `complete`.
    Kept(StoredFile),
    /// Not where the upload stands: nothing changed; go on from `received`.
    Elsewhere(StoredFile),
}

/// One part at `offset`. The first must show a PDF, JPEG or PNG; the last completes the file,
/// which is checked whole and stored under its SHA-256. A refused file is removed with
/// everything that arrived of it.
pub async fn part(ctx: &Ctx, owner: &Owner, id: &str, offset: u64, body: &[u8]) -> Result<Sent> {
    let up = owned(ctx, owner, id).await?;
    match uploads::part(&up, offset, body) {
        Part::Elsewhere => return Ok(Sent::Elsewhere(views::stored(&up))),
        Part::Reject(problem) => return refuse(ctx, &up, problem).await,
        Part::Take => {}
    }
    let now = now_unix();
    if !db::materials::append_part(&ctx.db, &up, offset, body, now).await? {
        return Ok(Sent::Elsewhere(upload_state(ctx, owner, id).await?));
    }
    if offset + body.len() as u64 == up.size {
        let whole = db::materials::parts(&ctx.db, &up.id).await?;
        let Ok(kind) = uploads::whole(&whole, up.size) else {
            return refuse(ctx, &up, FileProblem::Truncated).await;
        };
        complete(ctx, owner, &up, whole, kind, now).await?;
    }
    Ok(Sent::Kept(upload_state(ctx, owner, id).await?))
}

/// The whole file goes into the store; the upload is complete under a name whose extension is
/// its type's, on the record — and an owed material (容缺) has arrived — in one transaction.
/// The content is claimed before it is written, so that the collection of unreferenced contents
/// never removes it under the upload.
async fn complete(
    ctx: &Ctx,
    owner: &Owner,
    up: &Upload,
    whole: Vec<u8>,
    kind: shared::files::FileKind,
    now: i64,
) -> Result<()> {
    let sha = &crate::domain::application::sha256_hex(&whole);
    let name = typed_name(&up.name, kind);
    let app = match owner {
        Owner::Application(id) => db::applications::application_by_id(&ctx.db, *id).await?,
        Owner::Draft(_) => None,
    };
    let subject = match (&app, owner) {
        (Some(a), _) => a.subject(),
        (None, Owner::Draft(id)) => format!("draft {id}"),
        (None, Owner::Application(id)) => format!("application #{id}"),
    };
    let finished = db::materials::Finished {
        sha256: sha,
        size: up.size,
        content_type: kind.content_type(),
        name: &name,
    };
    let after = json!({ "file": up.id, "material": up.material, "name": name, "sha256": sha, "size": up.size });
    let entry = Entry::by(
        &Actor::Applicant,
        "material.upload",
        &subject,
        json!(null),
        after,
    );
    let mut tx = ctx.db.begin().await?;
    db::materials::claim_content(&mut tx, &finished, now).await?;
    ctx.files.put(whole).await?;
    db::materials::finish(&mut tx, &up.id, &finished, now).await?;
    audit::append(&mut tx, &entry, now).await?;
    if let Some(app) = &app {
        arrived_in(&mut tx, app, &up.material, &Actor::Applicant, "upload", now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A refused file goes, with everything that arrived of it.
async fn refuse(ctx: &Ctx, up: &Upload, problem: FileProblem) -> Result<Sent> {
    db::materials::remove(&ctx.db, &up.id).await?;
    Err(Error::File {
        field: "file",
        problem,
    }
    .into())
}

/// Cancels an upload or removes a draft's file (an application's finished file stays).
pub async fn discard(ctx: &Ctx, owner: &Owner, id: &str) -> Result<()> {
    let up = owned(ctx, owner, id).await?;
    if matches!(owner, Owner::Application(_)) && up.complete {
        return Err(Conflict::SubmittedFileStays.into());
    }
    db::materials::remove(&ctx.db, &up.id).await?;
    Ok(())
}

/// A material accepted as missing (容缺) has arrived (`how`: `upload` by the applicant,
/// `paper` at the window): it leaves the owed list, so the items waiting for it go on, and the
/// record says who. `false` if it was not owed.
pub async fn arrived(
    ctx: &Ctx,
    app: &Application,
    material: &str,
    actor: &Actor<'_>,
    how: &str,
) -> Result<bool> {
    let mut tx = ctx.db.begin().await?;
    let done = arrived_in(&mut tx, app, material, actor, how, now_unix()).await?;
    tx.commit().await?;
    Ok(done)
}

/// `arrived`, inside the caller's transaction.
async fn arrived_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    app: &Application,
    material: &str,
    actor: &Actor<'_>,
    how: &str,
    now: i64,
) -> Result<bool> {
    let Some(notice) = intake::arrived(&app.notice, material, how == "paper") else {
        return Ok(false);
    };
    if !db::applications::set_intake(tx, app, app.intake, &notice).await? {
        // Changed meanwhile: the list is read afresh next time.
        return Ok(false);
    }
    let subject = app.subject();
    let after =
        json!({ "material": material, "how": how, "still_missing": notice.missing_materials });
    let entry = Entry::by(actor, "material.arrived", &subject, json!(null), after);
    audit::append(tx, &entry, now).await?;
    Ok(true)
}

/// A file read by staff: its bytes, type and name.
pub struct Read {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub name: String,
}

/// A finished file of an application, for a staff member the access policy lets read its
/// material (anyone else: 404). `inline`: a preview. Every read is on the record.
pub async fn staff_read(ctx: &Ctx, staff: &StaffMember, id: &str, inline: bool) -> Result<Read> {
    ctx.access(staff).require(Act::SeeApplications)?;
    let up = db::materials::upload(&ctx.db, id)
        .await?
        .filter(|u| u.complete)
        .ok_or(Missing::FileOrDraft)?;
    let app_id = up.application_id.ok_or(Missing::FileOrDraft)?;
    let app = db::applications::application_by_id(&ctx.db, app_id)
        .await?
        .ok_or(Missing::FileOrDraft)?;
    let materials = ctx
        .view(&app.bundle)
        .map(|v| uploads::application_materials(&v, &app.answers))
        .unwrap_or_default();
    if !ctx.access(staff).material(&materials, &up.material) {
        return Err(Missing::FileOrDraft.into());
    }
    let sha = up.sha256.clone().ok_or(Missing::FileOrDraft)?;
    let bytes = ctx.files.get(&sha).await?;
    let action = if inline {
        "material.preview"
    } else {
        "material.download"
    };
    let (actor, subject) = (Actor::Staff(staff), app.subject());
    let after = json!({ "file": up.id, "material": up.material, "sha256": sha });
    let entry = Entry::by(&actor, action, &subject, json!(null), after);
    audit::record(&ctx.db, &entry, now_unix()).await?;
    Ok(Read {
        bytes,
        content_type: up
            .content_type
            .unwrap_or_else(|| "application/octet-stream".into()),
        name: up.name,
    })
}
