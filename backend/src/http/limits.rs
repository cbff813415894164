//! Request-rate limits. Each client address may file a bounded number of applications, try a
//! bounded number of staff logins and open a bounded number of public verify pages per minute
//! (a burst of that size, refilled evenly); past it the answer is 429 with Retry-After.
//! Per instance: with several instances behind one address the limit multiplies accordingly.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::{AppError, Request as Bad};
use crate::http::AppState;

type Limiter = Arc<DefaultKeyedRateLimiter<IpAddr>>;

fn limiter(n: u32) -> Limiter {
    Arc::new(RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
    )))
}

/// The limiters of one server instance, each per client address.
#[derive(Clone)]
pub struct Limits {
    /// Applications filed.
    submissions: Limiter,
    /// Staff login attempts (against password spraying across accounts).
    logins: Limiter,
    /// Public verify pages and their QR images.
    public_pages: Limiter,
}

impl Limits {
    /// `per_minute` applications per client address and minute (at least one); 20 logins and
    /// 120 public pages.
    pub fn new(per_minute: u32) -> Limits {
        Limits {
            submissions: limiter(per_minute),
            logins: limiter(20),
            public_pages: limiter(120),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(20)
    }
}

/// Lets the request through, or answers 429 with `Retry-After`. Requests without a peer
/// address (in-process tests that do not set one) are not limited.
async fn enforce(limiter: &Limiter, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = peer
        && let Err(not_until) = limiter.check_key(&ip)
    {
        let wait_secs = not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        return AppError::from(Bad::TooManyRequests { wait_secs }).into_response();
    }
    next.run(req).await
}

/// Middleware on `POST /api/applications`.
pub async fn limit_submissions(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    enforce(&state.limits.submissions, req, next).await
}

/// Middleware on `POST /api/staff/login`.
pub async fn limit_logins(State(state): State<AppState>, req: Request, next: Next) -> Response {
    enforce(&state.limits.logins, req, next).await
}

/// Middleware on the public verify pages.
pub async fn limit_public_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    enforce(&state.limits.public_pages, req, next).await
}
