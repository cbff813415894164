//! The one error type of the HTTP layer. Every failure becomes the shared `ErrorBody`;
//! database and internal errors are logged in full and answered with an opaque 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::error::ErrorBody;

use crate::http::Json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422 with per-field messages.
    #[error("validation failed")]
    Validation(ErrorBody),
    /// Any other client error, with its status and an already localised message.
    #[error("{1}")]
    Client(StatusCode, String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn client(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError::Client(status, message.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Validation(body) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
            AppError::Client(status, message) => {
                (status, Json(ErrorBody::new(message))).into_response()
            }
            AppError::Database(e) => internal(&e),
            AppError::Internal(e) => internal(e.as_ref()),
        }
    }
}

fn internal(e: &(dyn std::error::Error + 'static)) -> Response {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    tracing::error!(error = %chain, "request failed");
    let body = ErrorBody::new(
        "服务器内部错误，请稍后再试 / Internal server error, please try again later",
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}
