//! Materials: drafts saved on the server, and files uploaded once in parts — announced
//! (`POST …/files`), sent part by part (`PATCH` with `Upload-Offset`, resumable after a dropped
//! connection: `GET` says where to go on), checked when whole (type by content, not cut off),
//! stored once under their SHA-256. The same upload protocol serves a draft (before submitting)
//! and an application (materials that follow later, 容缺). Staff read a file only when one of
//! their department's items needs its material; every read is in the audit log.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shared::Lang;
use shared::error::ErrorBody;
use shared::files::{
    Draft, DraftRef, FileProblem, NewDraft, NewUpload, PART_BYTES, SaveDraft, StoredFile,
    UPLOAD_OFFSET, display_name, sniff,
};
use shared::form::Answers;

use super::staff::StaffUser;
use super::{Json, ReqLang, applications, conflict, text};
use crate::AppState;
use crate::db::audit::{self, Entry};
use crate::db::materials::{self as db, NewUpload as NewRow, Owner, UploadRow};
use crate::db::review as db_review;
use crate::domain::application::{hash_token, new_token};
use crate::domain::clock::now_unix;
use crate::error::AppError;

fn not_found(lang: Lang) -> AppError {
    AppError::client(
        StatusCode::NOT_FOUND,
        text(lang, "没有找到该文件或草稿", "No such file or draft"),
    )
}

fn problem(field: &str, p: FileProblem, lang: Lang) -> AppError {
    AppError::Validation(ErrorBody::field(field, p.message(lang)))
}

fn stored(u: &UploadRow) -> StoredFile {
    StoredFile {
        id: u.id.clone(),
        material: u.material.clone(),
        name: u.name.clone(),
        size: u.size as u64,
        received: u.received as u64,
        complete: u.complete == 1,
        content_type: u.content_type.clone(),
        sha256: u.sha256.clone(),
        part_bytes: PART_BYTES,
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The draft behind `id` if `headers` carry its token (404 alike otherwise).
async fn draft_of(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    lang: Lang,
) -> Result<db::DraftRow, AppError> {
    let presented = hash_token(bearer(headers).unwrap_or(""));
    db::draft(&state.db, id)
        .await?
        .filter(|d| d.token_hash == presented)
        .ok_or_else(|| not_found(lang))
}

/// The materials one may upload for an owner, with the items needing each: a draft may carry
/// any material of its bundle (add-ons included: the answers may still change); an application
/// those of its items.
async fn materials_of(
    state: &AppState,
    owner: &Owner,
) -> Result<Vec<shared::catalogue::MergedMaterial>, AppError> {
    match owner {
        Owner::Draft(id) => {
            let draft = db::draft(&state.db, id).await?;
            let view = draft.and_then(|d| state.catalogue.bundle_view(&d.bundle));
            Ok(view
                .map(|v| {
                    let everything: Answers = Answers::new();
                    let base = v.resolve(&everything);
                    v.materials
                        .iter()
                        .filter(|m| {
                            !m.produced_by
                                .as_ref()
                                .is_some_and(|p| base.items.contains(p))
                        })
                        .map(|m| shared::catalogue::MergedMaterial {
                            material: m.clone(),
                            needed_by: Vec::new(),
                        })
                        .collect()
                })
                .unwrap_or_default())
        }
        Owner::Application(id) => Ok(db_review::application_by_id(&state.db, *id)
            .await?
            .map(|app| application_materials(state, &app))
            .unwrap_or_default()),
    }
}

/// An application's materials, each with the items of the application that need it.
fn application_materials(
    state: &AppState,
    app: &db_review::AppRow,
) -> Vec<shared::catalogue::MergedMaterial> {
    let answers: Answers = serde_json::from_str(&app.answers).unwrap_or_default();
    state
        .catalogue
        .bundle_view(&app.bundle)
        .map(|v| v.resolve(&answers).materials)
        .unwrap_or_default()
}

// --- drafts -----------------------------------------------------------------------------------

/// Saves a new, empty draft of a bundle; its link (id and token) resumes it anywhere.
#[utoipa::path(post, path = "/api/drafts", tag = "applications", request_body = NewDraft,
    responses((status = 201, body = DraftRef), (status = 422)))]
pub async fn create_draft(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Json(req): Json<NewDraft>,
) -> Result<(StatusCode, Json<DraftRef>), AppError> {
    if state.catalogue.bundle(&req.bundle).is_none() {
        return Err(AppError::Validation(ErrorBody::field(
            "bundle",
            text(lang, "没有这个套餐", "No such bundle"),
        )));
    }
    let draft = DraftRef {
        id: new_token()[..22].to_string(),
        token: new_token(),
    };
    db::insert_draft(
        &state.db,
        &draft.id,
        &hash_token(&draft.token),
        &req.bundle,
        now_unix(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(draft)))
}

async fn draft_view(state: &AppState, d: db::DraftRow) -> Result<Draft, AppError> {
    let files = db::uploads_of(&state.db, &Owner::Draft(d.id.clone())).await?;
    let submitted_as = match d.application_id {
        Some(id) => db_review::application_by_id(&state.db, id)
            .await?
            .map(|a| a.number),
        None => None,
    };
    Ok(Draft {
        answers: serde_json::from_str(&d.answers).unwrap_or_default(),
        files: files.iter().map(stored).collect(),
        id: d.id,
        bundle: d.bundle,
        submitted_as,
    })
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "applications",
    params(("id" = String, Path)), security(("status_token" = [])),
    responses((status = 200, body = Draft), (status = 404)))]
pub async fn get_draft(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let d = draft_of(&state, &headers, &id, lang).await?;
    let mut res = Json(draft_view(&state, d).await?).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Saves the answers as they are (a draft is not checked: the submission is). Only the bundle's
/// own fields are kept.
#[utoipa::path(put, path = "/api/drafts/{id}", tag = "applications",
    params(("id" = String, Path)), request_body = SaveDraft, security(("status_token" = [])),
    responses((status = 200, body = Draft), (status = 404), (status = 409)))]
pub async fn save_draft(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<SaveDraft>,
) -> Result<Json<Draft>, AppError> {
    let d = draft_of(&state, &headers, &id, lang).await?;
    let view = state
        .catalogue
        .bundle_view(&d.bundle)
        .ok_or_else(|| not_found(lang))?;
    let answers: Answers = req
        .answers
        .into_iter()
        .filter(|(k, _)| view.field(k.split('@').next().unwrap_or(k)).is_some())
        .collect();
    let text_of = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    if !db::save_answers(&state.db, &d.id, &text_of, now_unix()).await? {
        return Err(submitted(lang));
    }
    let d = draft_of(&state, &headers, &id, lang).await?;
    Ok(Json(draft_view(&state, d).await?))
}

fn submitted(lang: Lang) -> AppError {
    conflict(
        lang,
        "此草稿已提交为申请，不能再修改",
        "This draft was submitted: it cannot change any more",
    )
}

// --- uploads, for a draft or an application ------------------------------------------------

/// Who owns the files under this path, checked against the bearer token.
async fn owner_of(
    state: &AppState,
    headers: &HeaderMap,
    kind: OwnerKind,
    key: &str,
    lang: Lang,
) -> Result<Owner, AppError> {
    match kind {
        OwnerKind::Draft => {
            let d = draft_of(state, headers, key, lang).await?;
            if d.application_id.is_some() {
                return Err(submitted(lang));
            }
            Ok(Owner::Draft(d.id))
        }
        OwnerKind::Application => {
            let app = applications::authorised(state, headers, key, lang).await?;
            // Archived (every item decided): the file is closed.
            if db::archive(&state.db, app.id).await?.is_some() {
                return Err(conflict(
                    lang,
                    "申请已全部办结并归档，不再接收材料",
                    "Every item is decided and archived: no more materials",
                ));
            }
            Ok(Owner::Application(app.id))
        }
    }
}

#[derive(Clone, Copy)]
enum OwnerKind {
    Draft,
    Application,
}

impl OwnerKind {
    /// The routes under `/api/applications/{number}` pass `true`, those under
    /// `/api/drafts/{id}` `false`.
    const fn of(application: bool) -> OwnerKind {
        if application {
            OwnerKind::Application
        } else {
            OwnerKind::Draft
        }
    }
}

/// Announces a file: checked against the material list, the number of files per material and
/// the size limits before a byte is sent.
#[utoipa::path(post, path = "/api/drafts/{id}/files", tag = "applications",
    params(("id" = String, Path)), request_body = NewUpload, security(("status_token" = [])),
    responses((status = 201, body = StoredFile), (status = 404), (status = 422)))]
pub async fn announce<const APP: bool>(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path(key): Path<String>,
    headers: HeaderMap,
    Json(req): Json<NewUpload>,
) -> Result<(StatusCode, Json<StoredFile>), AppError> {
    let state = &state;
    let owner = owner_of(state, &headers, OwnerKind::of(APP), &key, lang).await?;
    let materials = materials_of(state, &owner).await?;
    let material = materials
        .iter()
        .find(|m| m.material.id == req.material)
        .ok_or_else(|| problem("material", FileProblem::UnknownMaterial, lang))?;
    let limits = state.file_limits;
    if req.size == 0 {
        return Err(problem("size", FileProblem::Empty, lang));
    }
    if req.size > limits.max_file_bytes {
        let max = limits.max_file_bytes;
        return Err(problem("size", FileProblem::TooLarge { max }, lang));
    }
    let existing = db::uploads_of(&state.db, &owner).await?;
    let total: u64 = existing.iter().map(|u| u.size as u64).sum();
    if total + req.size > limits.max_total_bytes {
        let max = limits.max_total_bytes;
        return Err(problem("size", FileProblem::TotalTooLarge { max }, lang));
    }
    let max = material.material.max_files;
    if existing
        .iter()
        .filter(|u| u.material == req.material)
        .count() as u32
        >= max
    {
        return Err(problem("material", FileProblem::TooMany { max }, lang));
    }
    let id = new_token()[..22].to_string();
    let name = display_name(&req.name);
    let row = NewRow {
        id: &id,
        owner: &owner,
        material: &req.material,
        name: &name,
        size: req.size as i64,
    };
    db::insert_upload(&state.db, &row, now_unix()).await?;
    let up = db::upload(&state.db, &id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    Ok((StatusCode::CREATED, Json(stored(&up))))
}

async fn owned_upload(
    state: &AppState,
    owner: &Owner,
    id: &str,
    lang: Lang,
) -> Result<UploadRow, AppError> {
    db::upload(&state.db, id)
        .await?
        .filter(|u| u.owned_by(owner))
        .ok_or_else(|| not_found(lang))
}

/// Where an upload stands: the next part starts at `received`.
#[utoipa::path(get, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path)), security(("status_token" = [])),
    responses((status = 200, body = StoredFile), (status = 404)))]
pub async fn upload_state<const APP: bool>(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((key, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<StoredFile>, AppError> {
    let owner = owner_of(&state, &headers, OwnerKind::of(APP), &key, lang).await?;
    Ok(Json(stored(
        &owned_upload(&state, &owner, &id, lang).await?,
    )))
}

/// One part at `Upload-Offset`. A part that is not where the upload stands changes nothing
/// (409 with the upload's state, to go on from there). The first part must show a PDF, JPEG or
/// PNG; the last one completes the file, which is checked whole and stored under its SHA-256.
/// A rejected file is removed with everything that arrived of it.
#[utoipa::path(patch, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path), ("Upload-Offset" = u64, Header)),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    security(("status_token" = [])),
    responses((status = 200, body = StoredFile), (status = 404),
        (status = 409, description = "Not where the upload stands: go on from `received`", body = StoredFile),
        (status = 422, description = "Rejected; nothing of it is kept")))]
pub async fn part<const APP: bool>(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((key, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (state, id) = (&state, id.as_str());
    let owner = owner_of(state, &headers, OwnerKind::of(APP), &key, lang).await?;
    let up = owned_upload(state, &owner, id, lang).await?;
    let offset: i64 = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .filter(|o| *o >= 0)
        .ok_or_else(|| {
            AppError::client(
                StatusCode::BAD_REQUEST,
                text(
                    lang,
                    "缺少 Upload-Offset（本段在文件中的起点）",
                    "Upload-Offset (where this part starts) is required",
                ),
            )
        })?;
    let elsewhere = |up: &UploadRow| (StatusCode::CONFLICT, Json(stored(up))).into_response();
    if up.complete == 1 || offset != up.received || body.is_empty() {
        return Ok(elsewhere(&up));
    }
    if body.len() as u64 > PART_BYTES || offset + body.len() as i64 > up.size {
        db::remove(&state.db, &up.id).await?;
        return Err(problem("file", FileProblem::Truncated, lang));
    }
    if offset == 0 && sniff(&body[..body.len().min(16)]).is_none() {
        db::remove(&state.db, &up.id).await?;
        return Err(problem("file", FileProblem::WrongType, lang));
    }
    let now = now_unix();
    if !db::append_part(&state.db, &up, offset, &body, now).await? {
        let fresh = owned_upload(state, &owner, id, lang).await?;
        return Ok(elsewhere(&fresh));
    }
    if offset + body.len() as i64 == up.size {
        let whole = db::parts(&state.db, &up.id).await?;
        let kind = sniff(&whole[..whole.len().min(16)]);
        let tail = &whole[whole.len().saturating_sub(1024)..];
        let Some(kind) = kind.filter(|k| whole.len() as i64 == up.size && k.is_whole(tail)) else {
            db::remove(&state.db, &up.id).await?;
            return Err(problem("file", FileProblem::Truncated, lang));
        };
        let sha = state.files.put(whole).await?;
        db::finish(&state.db, &up.id, &sha, up.size, kind.content_type(), now).await?;
        if let Owner::Application(app_id) = owner
            && let Some(app) = db_review::application_by_id(&state.db, app_id).await?
        {
            let applicant = ("applicant", "applicant");
            arrived_later(state, &app, &up.material, applicant, "upload", now).await?;
        }
    }
    let fresh = owned_upload(state, &owner, id, lang).await?;
    Ok(Json(stored(&fresh)).into_response())
}

/// A material accepted as missing (容缺) has arrived (`how`: `upload` by the applicant, `paper`
/// at the window): it leaves the list of what is owed, so the items waiting for it go on, and
/// the audit log says who recorded it. `false` if it was not owed.
async fn arrived_later(
    state: &AppState,
    app: &db_review::AppRow,
    material: &str,
    (actor, role): (&str, &str),
    how: &str,
    now: i64,
) -> Result<bool, AppError> {
    let mut notice: serde_json::Map<String, Value> = app
        .notice
        .as_deref()
        .and_then(|n| serde_json::from_str(n).ok())
        .unwrap_or_default();
    let Some(Value::Array(missing)) = notice.get("missing_materials").cloned() else {
        return Ok(false);
    };
    if !missing.iter().any(|m| m == material) {
        return Ok(false);
    }
    let left: Vec<Value> = missing.into_iter().filter(|m| m != material).collect();
    notice.insert("missing_materials".into(), Value::Array(left.clone()));
    if left.is_empty() {
        notice.remove("bring_by");
    }
    let notice = Value::Object(notice).to_string();
    let mut tx = state.db.pool.begin().await?;
    if !db_review::set_intake(&mut tx, app, &app.status, Some(&notice)).await? {
        // Changed meanwhile: the list is read afresh next time.
        return Ok(false);
    }
    let subject = format!("application {}", app.number);
    let entry = Entry {
        actor,
        role,
        action: "material.arrived",
        subject: &subject,
        before: json!(null),
        after: json!({ "material": material, "how": how, "still_missing": left }),
    };
    audit::append(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The window records an owed material (容缺) brought on paper: like an upload, it leaves the
/// owed list and the items waiting for it go on.
#[utoipa::path(post, path = "/api/staff/applications/{number}/received", tag = "staff",
    params(("number" = String, Path)), request_body = shared::staff::MaterialReceived,
    responses((status = 200, description = "What is still owed"), (status = 403), (status = 404),
        (status = 409, description = "Not owed")))]
pub async fn received_at_window(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(number): Path<String>,
    Json(req): Json<shared::staff::MaterialReceived>,
) -> Result<Json<Value>, AppError> {
    user.require(
        &[shared::staff::Role::Clerk, shared::staff::Role::Admin],
        lang,
    )?;
    let app = db_review::application(&state.db, &number)
        .await?
        .ok_or_else(|| not_found(lang))?;
    let by = (user.username.as_str(), user.role.as_str());
    if !arrived_later(&state, &app, &req.material, by, "paper", now_unix()).await? {
        return Err(conflict(
            lang,
            "这项材料不在待补交之列",
            "This material is not owed",
        ));
    }
    let owed = db_review::application(&state.db, &number)
        .await?
        .map(|a| a.owed())
        .unwrap_or_default();
    Ok(Json(json!({ "material": req.material, "owed": owed })))
}

/// Cancels an upload or removes a file (before the draft is submitted; an application's file
/// stays with it).
#[utoipa::path(delete, path = "/api/drafts/{id}/files/{file}", tag = "applications",
    params(("id" = String, Path), ("file" = String, Path)), security(("status_token" = [])),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn discard<const APP: bool>(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Path((key, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let state = &state;
    let owner = owner_of(state, &headers, OwnerKind::of(APP), &key, lang).await?;
    let up = owned_upload(state, &owner, &id, lang).await?;
    if matches!(owner, Owner::Application(_)) && up.complete == 1 {
        return Err(conflict(
            lang,
            "已提交的材料不能删除",
            "A submitted material cannot be removed",
        ));
    }
    db::remove(&state.db, &up.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- staff ---------------------------------------------------------------------------------

#[derive(serde::Deserialize)]
pub struct ReadQuery {
    /// `inline` shows it in the browser (preview); anything else downloads it.
    #[serde(default)]
    disposition: Option<String>,
}

/// A file of an application, for staff whose department has an item needing its material (the
/// window and administrators: every file). Anyone else gets 404. Every read is audited.
#[utoipa::path(get, path = "/api/staff/files/{id}", tag = "staff",
    params(("id" = String, Path), ("disposition" = Option<String>, Query)),
    responses((status = 200, description = "The file"), (status = 401), (status = 404)))]
pub async fn staff_file(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    user: StaffUser,
    Path(id): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, AppError> {
    let up = db::upload(&state.db, &id)
        .await?
        .filter(|u| u.complete == 1)
        .ok_or_else(|| not_found(lang))?;
    let app_id = up.application_id.ok_or_else(|| not_found(lang))?;
    let app = db_review::application_by_id(&state.db, app_id)
        .await?
        .ok_or_else(|| not_found(lang))?;
    if !readable(
        &state,
        &user,
        &application_materials(&state, &app),
        &up.material,
    ) {
        return Err(not_found(lang));
    }
    let sha = up.sha256.clone().ok_or_else(|| not_found(lang))?;
    let bytes = state.files.get(&sha).await?;
    let inline = q.disposition.as_deref() == Some("inline");
    let subject = format!("application {}", app.number);
    let action = if inline {
        "material.preview"
    } else {
        "material.download"
    };
    let entry = user.entry(
        action,
        &subject,
        json!(null),
        json!({ "file": up.id, "material": up.material, "sha256": sha }),
    );
    audit::record(&state.db, &entry, now_unix()).await?;
    let content_type = up
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(&up.name),
        percent(&up.name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(anyhow::Error::from)?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // An image is shown alone, in a sandbox: nothing in it runs. (A PDF keeps the browser's
    // own viewer, which a sandbox would block; `nosniff` keeps it a PDF.)
    if content_type.starts_with("image/") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
            ),
        );
    }
    Ok(res)
}

/// The application's materials that `user` may see, each with its finished files.
pub(super) async fn staff_materials(
    state: &AppState,
    user: &StaffUser,
    app: &db_review::AppRow,
) -> Result<Vec<shared::staff::StaffMaterial>, AppError> {
    let owed = app.owed();
    let files = db::uploads_of(&state.db, &Owner::Application(app.id)).await?;
    let materials = application_materials(state, app);
    let mut out = Vec::new();
    for m in materials.iter().cloned() {
        if !readable(state, user, &materials, &m.material.id) {
            continue;
        }
        out.push(shared::staff::StaffMaterial {
            owed: owed.contains(&m.material.id),
            files: files
                .iter()
                .filter(|f| f.complete == 1 && f.material == m.material.id)
                .map(stored)
                .collect(),
            id: m.material.id,
            name: m.material.name,
            needed_by: m.needed_by,
        });
    }
    Ok(out)
}

/// The rule: the window and administrators read every file; a reviewer the files of materials
/// that one of their department's items needs.
fn readable(
    state: &AppState,
    user: &StaffUser,
    materials: &[shared::catalogue::MergedMaterial],
    material: &str,
) -> bool {
    if user.role != shared::staff::Role::Reviewer {
        return true;
    }
    let department = user.department.as_deref();
    materials
        .iter()
        .filter(|m| m.material.id == material)
        .flat_map(|m| &m.needed_by)
        .any(|item| {
            state
                .catalogue
                .item(item)
                .is_some_and(|i| Some(i.department.as_str()) == department)
        })
}

fn ascii_name(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    ascii
}

fn percent(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}
