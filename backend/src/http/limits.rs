//! Request-rate limits. Each client address may file a bounded number of applications per
//! minute (a burst of that size, refilled evenly); past it the answer is 429 with Retry-After.
//! Per instance: with several instances behind one address the limit multiplies accordingly.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::{ReqLang, text};
use crate::AppState;
use crate::error::AppError;

/// The limiters of one server instance.
#[derive(Clone)]
pub struct Limits {
    submissions: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Limits {
    /// `per_minute` applications per client address and minute (at least one).
    pub fn new(per_minute: u32) -> Limits {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Limits {
            submissions: Arc::new(RateLimiter::keyed(quota)),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(20)
    }
}

/// Middleware on `POST /api/applications`. Requests without a peer address (in-process
/// tests that do not set one) are not limited.
pub async fn limit_submissions(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = peer
        && let Err(not_until) = state.limits.submissions.check_key(&ip)
    {
        let wait = not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        let mut res = AppError::client(
            StatusCode::TOO_MANY_REQUESTS,
            text(
                lang,
                &format!("提交过于频繁，请 {wait} 秒后再试"),
                &format!("Too many submissions: try again in {wait} s"),
            ),
        )
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    next.run(req).await
}
