//! A material's file, read by staff: shown in the page (preview) or downloaded.

use axum::extract::State;
use axum::response::Response;

use crate::http::download;
use crate::http::error::AppError;
use crate::http::extract::{Path, Query, Staff};
use crate::service::{Ctx, materials};

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
pub async fn read(
    State(ctx): State<Ctx>,
    Staff(s): Staff,
    Path(id): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, AppError> {
    let inline = q.disposition.as_deref() == Some("inline");
    let file = materials::staff_read(&ctx, &s.staff, &id, inline).await?;
    let (bytes, content_type) = (file.bytes, file.content_type);
    Ok(download::file(
        bytes.into(),
        &content_type,
        &file.name,
        inline,
    )?)
}
