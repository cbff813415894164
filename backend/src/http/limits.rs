//! Request-rate limits per client (`client::ClientAddr`: the TCP peer, or the address a trusted
//! proxy forwarded; an IPv6 client counts by its /64). Each client may file a bounded number of
//! applications and drafts, try a bounded number of staff logins and open a bounded number of
//! public verify pages per minute (a burst of that size, refilled evenly); past it the answer is
//! 429 with `Retry-After`.
//!
//! The counts live in each instance's memory: with N instances behind a load balancer that
//! spreads one client's requests, that client gets up to N times the limit. (Staff logins have
//! a second, shared throttle per account and address in the database: `service::sessions`.)
//! Memory is bounded: at most `MAX_TRACKED` clients per limit are remembered; when more are
//! active at once, idle ones are forgotten, and if that is not enough the newcomers share one
//! bucket until entries age out.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::client::ClientAddr;
use super::error::{AppError, Request as Bad};
use crate::domain::client::limit_key;

/// Clients remembered per limit.
pub const MAX_TRACKED: usize = 65_536;

/// The key newcomers share when the table is full.
const OVERFLOW: IpAddr = IpAddr::V6(Ipv6Addr::UNSPECIFIED);

/// How many requests of each kind one client may make per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Applications, holder requests and server drafts created.
    pub submissions_per_minute: u32,
    /// Staff login attempts (against password spraying across accounts).
    pub logins_per_minute: u32,
    /// Public verify pages, their QR images, signed documents and print views.
    pub public_pages_per_minute: u32,
}

impl Default for LimitSettings {
    fn default() -> LimitSettings {
        LimitSettings {
            submissions_per_minute: 20,
            logins_per_minute: 20,
            public_pages_per_minute: 120,
        }
    }
}

/// One limit: a keyed token bucket with a bounded table.
struct Limiter {
    buckets: DefaultKeyedRateLimiter<IpAddr>,
    /// When idle entries were last dropped (Unix seconds): at most once a second.
    last_sweep: AtomicU64,
}

impl Limiter {
    fn new(per_minute: u32) -> Limiter {
        Limiter {
            buckets: RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            )),
            last_sweep: AtomicU64::new(0),
        }
    }

    /// `Ok`, or how many seconds to wait.
    fn check(&self, client: IpAddr) -> Result<(), u64> {
        let mut key = limit_key(client);
        if self.buckets.len() >= MAX_TRACKED {
            let now = crate::domain::clock::now_unix().max(0) as u64;
            if self.last_sweep.swap(now, Ordering::Relaxed) != now {
                self.buckets.retain_recent();
                self.buckets.shrink_to_fit();
            }
            if self.buckets.len() >= MAX_TRACKED {
                key = OVERFLOW;
            }
        }
        self.buckets.check_key(&key).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }
}

/// The limiters of one server instance.
#[derive(Clone)]
pub struct Limits {
    submissions: Arc<Limiter>,
    logins: Arc<Limiter>,
    public_pages: Arc<Limiter>,
}

impl Limits {
    pub fn new(s: LimitSettings) -> Limits {
        Limits {
            submissions: Arc::new(Limiter::new(s.submissions_per_minute)),
            logins: Arc::new(Limiter::new(s.logins_per_minute)),
            public_pages: Arc::new(Limiter::new(s.public_pages_per_minute)),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(LimitSettings::default())
    }
}

/// Lets the request through, or answers 429 with `Retry-After`. Requests without a client
/// address (in-process tests that set no peer) are not limited.
async fn enforce(limiter: &Limiter, req: Request, next: Next) -> Response {
    if let Some(ClientAddr(ip)) = req.extensions().get::<ClientAddr>().copied()
        && let Err(wait_secs) = limiter.check(ip)
    {
        return AppError::from(Bad::TooManyRequests { wait_secs }).into_response();
    }
    next.run(req).await
}

/// Middleware on `POST /api/applications`, drafts and holder requests.
pub async fn limit_submissions(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    enforce(&limits.submissions, req, next).await
}

/// Middleware on `POST /api/staff/login`.
pub async fn limit_logins(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    enforce(&limits.logins, req, next).await
}

/// Middleware on the public verify pages.
pub async fn limit_public_pages(
    State(limits): State<Limits>,
    req: Request,
    next: Next,
) -> Response {
    enforce(&limits.public_pages, req, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_forgets_idle_clients_then_makes_newcomers_share_a_bucket() {
        let limiter = Limiter::new(1);
        for n in 0..MAX_TRACKED as u32 {
            assert!(limiter.check(IpAddr::V4(n.into())).is_ok());
        }
        assert_eq!(limiter.buckets.len(), MAX_TRACKED);
        // Every entry is in use (a token spent this minute): nothing can be forgotten, so the
        // next two newcomers share one bucket — the second waits.
        let first = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 1));
        let second = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 2));
        assert!(limiter.check(first).is_ok());
        assert!(limiter.check(second).is_err());
        assert!(limiter.buckets.len() <= MAX_TRACKED + 1, "bounded");
    }
}
