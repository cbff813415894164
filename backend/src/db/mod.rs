//! Storage: one code path for SQLite (the embedded default) and PostgreSQL (the scale-out
//! store), through sqlx's `Any` driver. Every SQL statement of the server lives under here, in
//! the portable subset (`$1` placeholders, `RETURNING`, `ON CONFLICT`); times are Unix seconds.

pub mod applications;
pub mod audit;
pub mod certificates;
pub mod credit;
pub mod deliveries;
pub mod demo;
pub mod enterprises;
pub mod follow_ups;
pub mod holder_requests;
pub mod idempotency;
pub mod inspection_tasks;
pub mod items;
pub mod jobs;
pub mod materials;
pub mod names;
pub mod notifications;
pub mod page_cache;
pub mod recovery;
pub mod staff;
pub mod statistics;
pub mod supervision;
pub mod webhooks;
pub mod worklist;

use std::str::FromStr;
use std::time::Duration;

use std::sync::Arc;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn of(url: &str) -> anyhow::Result<Dialect> {
        if url.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Dialect::Postgres)
        } else {
            anyhow::bail!("unsupported database URL (use sqlite:… or postgres://…)")
        }
    }
}

/// The connection pool and its dialect.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub dialect: Dialect,
    /// SQLite has one writer: write transactions take turns here, in arrival order, instead of
    /// colliding on its lock and sleeping in its busy handler (which made the slowest filings
    /// wait hundreds of milliseconds). PostgreSQL locks rows itself: no turns.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Public licence pages, kept until the database reports a change to their rows.
    pub pages: Arc<page_cache::PageCache>,
}

/// A write transaction (`Db::begin`): derefs to sqlx's; commit it, or drop it to roll back.
pub struct Tx {
    tx: Transaction<'static, Any>,
    /// SQLite's turn to write, held until the transaction ends (dropped after `tx`).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// This instance's kept pages: the licences this transaction changed go once it commits.
    pages: Arc<page_cache::PageCache>,
}

impl Tx {
    pub async fn commit(mut self) -> sqlx::Result<()> {
        let changed = page_cache::drained(&mut self.tx).await?;
        self.tx.commit().await?;
        self.pages.evict(&changed);
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects and brings the schema up to date. A SQLite file (and its folder) is created if
    /// missing; SQLite runs in WAL mode with foreign keys on, waits on a busy database, and
    /// syncs every commit to disk (`synchronous = FULL`): an acknowledged application survives
    /// a power cut.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::of(url)?;
        if dialect == Dialect::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if dialect == Dialect::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let pages = Arc::new(page_cache::PageCache::default());
        // SQLite's changes are seen by the transactions that make them (one instance).
        pages.set_watched(dialect == Dialect::Sqlite);
        Ok(Db {
            pool,
            dialect,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            pages,
        })
    }

    /// Hears of every licence change made through `url`'s database, for as long as the runtime
    /// runs, so that kept public pages can be served (PostgreSQL: its notifications; SQLite's
    /// transactions report their own changes).
    pub fn watch_licence_changes(&self, url: &str) {
        if self.dialect == Dialect::Postgres {
            tokio::spawn(page_cache::listen(url.to_string(), self.pages.clone()));
        }
    }

    /// Begins a write transaction (on SQLite, when it is this one's turn to write).
    ///
    /// SQLite's transaction takes the write lock at once (`BEGIN IMMEDIATE`). A deferred one
    /// reads from a snapshot and asks for the lock at its first write; if anything wrote in
    /// between (a statement outside a transaction: a session's last use, a login attempt, a
    /// `lianban` command on the same file) the upgrade fails at once with SQLITE_BUSY_SNAPSHOT
    /// (517) — no waiting helps — and the request was a 500.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        let (turn, tx) = match self.dialect {
            Dialect::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                (Some(turn), self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Dialect::Postgres => (None, self.pool.begin().await?),
        };
        let pages = self.pages.clone();
        Ok(Tx {
            tx,
            _turn: turn,
            pages,
        })
    }
}

/// Creates the folder of a `sqlite:` file URL, so that `data/` need not exist beforehand.
fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}

/// Is this error a unique-constraint violation (a lost race that the caller resolves)?
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// The `VALUES` of a multi-row statement on `conn`: `rows` tuples of `width` parameters each,
/// `($1, $2), ($3, $4)` — one statement (one round trip) for rows of any number. SQLite gets
/// `(?, ?), (?, ?)`, the same positions: it looks a named parameter up by walking the list of
/// names, once per parameter, which costs as much as the insert itself at hundreds of them.
pub fn value_rows(conn: &sqlx::AnyConnection, rows: usize, width: usize) -> String {
    let sqlite = conn.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME;
    numbered_rows(rows, width, sqlite)
}

fn numbered_rows(rows: usize, width: usize, anonymous: bool) -> String {
    let row = |r: usize| {
        let marks: Vec<String> = (1..=width)
            .map(|k| match anonymous {
                true => "?".to_string(),
                false => format!("${}", r * width + k),
            })
            .collect();
        format!("({})", marks.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_rows_number_every_parameter_once() {
        assert_eq!(
            super::numbered_rows(2, 3, false),
            "($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(super::numbered_rows(2, 2, true), "(?, ?), (?, ?)");
    }
}
