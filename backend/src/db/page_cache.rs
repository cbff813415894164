//! Public pages kept in memory until the database reports a change to the licence they show.
//!
//! Triggers on every table a licence's public page reads (enterprises, permits, the change
//! history, inspection tasks) note the enterprise whose rows changed in `licence_page_changes`;
//! the transaction that made the change drains that list just before it commits and evicts
//! those pages just after ([`super::Tx::commit`]): the instance that wrote reads its own change
//! at once. On PostgreSQL the triggers also `NOTIFY lianban_licence`, which every instance's
//! listener receives once the change has committed ([`listen`]): the other instances evict
//! within the notification's delivery.
//!
//! A page rendered from rows read before a change must not be kept after it: every eviction
//! moves the cache's epoch on, and a page is kept only if no eviction happened since its reader
//! took the epoch (before reading the rows). A page lives at most [`MAX_AGE`] besides — a change
//! made where no eviction reaches (another process on the same SQLite file) shows after that at
//! the latest — and the cache serves nothing until its watcher is running: on PostgreSQL while
//! the listener is connected (a dropped connection may have lost notifications: everything is
//! evicted and the cache waits for the new one).

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// The longest a page is kept without a reported change.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Pages kept at most (some 10 KB each): past it, the oldest go.
pub const MAX_PAGES: usize = 4096;
/// The PostgreSQL channel the triggers notify on (the payload: the enterprise's id).
pub const CHANNEL: &str = "lianban_licence";

struct Page {
    enterprise_id: i64,
    body: Bytes,
    kept_at: Instant,
}

/// Pages by key (the caller's: token, language, day), each tagged with its enterprise.
#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<String, Page>>,
    epoch: AtomicU64,
    watched: AtomicBool,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("epoch", &self.epoch.load(Ordering::Relaxed))
            .field("watched", &self.watched.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl PageCache {
    /// The kept page of `key`, if there is a fresh one and changes are being watched.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        if !self.watched.load(Ordering::Acquire) {
            return None;
        }
        let pages = self.pages.read().unwrap_or_else(|e| e.into_inner());
        let page = pages.get(key)?;
        (page.kept_at.elapsed() < MAX_AGE).then(|| page.body.clone())
    }

    /// Are kept pages served (changes watched)?
    pub fn watched(&self) -> bool {
        self.watched.load(Ordering::Acquire)
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.pages.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Is nothing kept?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The epoch to give [`PageCache::keep`]: take it before reading the page's rows.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps `body` as the page of `key` — unless anything was evicted since `epoch` (its rows
    /// may be older than the change) or changes are not being watched.
    pub fn keep(&self, epoch: u64, key: String, enterprise_id: i64, body: Bytes) {
        let mut pages = self.pages.write().unwrap_or_else(|e| e.into_inner());
        if !self.watched.load(Ordering::Acquire) || self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if pages.len() >= MAX_PAGES && !pages.contains_key(&key) {
            pages.retain(|_, p| p.kept_at.elapsed() < MAX_AGE);
            if pages.len() >= MAX_PAGES
                && let Some(oldest) = pages
                    .iter()
                    .min_by_key(|(_, p)| p.kept_at)
                    .map(|(k, _)| k.clone())
            {
                pages.remove(&oldest);
            }
        }
        let kept_at = Instant::now();
        pages.insert(
            key,
            Page {
                enterprise_id,
                body,
                kept_at,
            },
        );
    }

    /// The rows of these enterprises changed: their pages go, and pages being rendered now are
    /// not kept.
    pub fn evict(&self, enterprise_ids: &[i64]) {
        if enterprise_ids.is_empty() {
            return;
        }
        let mut pages = self.pages.write().unwrap_or_else(|e| e.into_inner());
        self.epoch.fetch_add(1, Ordering::AcqRel);
        pages.retain(|_, p| !enterprise_ids.contains(&p.enterprise_id));
    }

    /// Starts (`true`) or stops serving kept pages; either way everything kept goes (a watcher
    /// that stops may have missed changes).
    pub fn set_watched(&self, watched: bool) {
        let mut pages = self.pages.write().unwrap_or_else(|e| e.into_inner());
        self.epoch.fetch_add(1, Ordering::AcqRel);
        pages.clear();
        self.watched.store(watched, Ordering::Release);
    }
}

/// Drains the change list inside the committing transaction: the enterprises to evict
/// once it has committed.
pub async fn drained(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> sqlx::Result<Vec<i64>> {
    let ids: Vec<(i64,)> =
        sqlx::query_as("DELETE FROM licence_page_changes RETURNING enterprise_id")
            .fetch_all(&mut **tx)
            .await?;
    let mut ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Watches PostgreSQL's notifications for `cache` for as long as the server runs: connects,
/// listens, evicts what each notification names; reconnects (after a pause) when the connection
/// drops, serving nothing kept in the meantime.
pub async fn listen(url: String, cache: std::sync::Arc<PageCache>) {
    use sqlx::postgres::PgListener;
    loop {
        let connected = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match connected.await {
            Ok(mut listener) => {
                cache.set_watched(true);
                tracing::debug!("watching licence changes");
                // `None`: the connection was lost (notifications may be lost with it).
                while let Ok(Some(n)) = listener.try_recv().await {
                    match n.payload().parse::<i64>() {
                        Ok(id) => cache.evict(&[id]),
                        Err(_) => cache.set_watched(true),
                    }
                }
                cache.set_watched(false);
                tracing::warn!("licence change notifications lost: reconnecting");
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for licence changes"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched() -> PageCache {
        let cache = PageCache::default();
        cache.set_watched(true);
        cache
    }

    #[test]
    fn nothing_is_served_unless_changes_are_watched() {
        let cache = PageCache::default();
        cache.keep(cache.epoch(), "a".into(), 1, Bytes::from_static(b"page"));
        assert_eq!(cache.get("a"), None);
        let cache = watched();
        cache.keep(cache.epoch(), "a".into(), 1, Bytes::from_static(b"page"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"page"[..]));
        cache.set_watched(false);
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn a_change_evicts_its_enterprises_pages_only() {
        let cache = watched();
        cache.keep(cache.epoch(), "a/zh".into(), 1, Bytes::from_static(b"1"));
        cache.keep(cache.epoch(), "a/en".into(), 1, Bytes::from_static(b"1"));
        cache.keep(cache.epoch(), "b/zh".into(), 2, Bytes::from_static(b"2"));
        cache.evict(&[1]);
        assert_eq!(cache.get("a/zh"), None);
        assert_eq!(cache.get("a/en"), None);
        assert!(cache.get("b/zh").is_some());
    }

    #[test]
    fn a_page_read_before_a_change_is_not_kept_after_it() {
        let cache = watched();
        let epoch = cache.epoch();
        // The rows are read, then a change commits and is reported before the page is kept.
        cache.evict(&[7]);
        cache.keep(epoch, "a".into(), 1, Bytes::from_static(b"old"));
        assert_eq!(cache.get("a"), None);
        cache.keep(cache.epoch(), "a".into(), 1, Bytes::from_static(b"new"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn a_full_cache_lets_the_oldest_page_go() {
        let cache = watched();
        for n in 0..MAX_PAGES {
            cache.keep(cache.epoch(), format!("p{n}"), n as i64, Bytes::new());
        }
        cache.keep(cache.epoch(), "newest".into(), -1, Bytes::new());
        assert!(cache.get("newest").is_some());
        assert!(cache.get("p0").is_none());
        assert_eq!(cache.len(), MAX_PAGES);
    }
}
