//! Test harness: the real router over a fresh SQLite file or a fresh PostgreSQL database,
//! driven in-process with `oneshot`; a typed client for each kind of user (`clients`) and the
//! usual starting points (`fixtures`).

mod clients;
mod fixtures;

pub use clients::{Applicant, PASSWORD, StaffClient, every_material, item};
pub use fixtures::{pdf, restaurant, restaurant_by_commitment, restaurant_with};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use backend::db::Db;
use backend::{AppState, catalogue};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// Where the PostgreSQL tests connect to create their throw-away databases.
pub fn postgres_admin_url() -> String {
    std::env::var("LIANBAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    /// What the router serves (its context: the contents store, the seal, the settings).
    pub state: AppState,
    cleanup: Option<String>,
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{:016x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

impl TestApp {
    /// The state the tests serve: `db` with the shipped catalogue.
    pub fn state(db: &Db) -> AppState {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let catalogue = catalogue::load(&dir).expect("the shipped catalogue loads");
        AppState::new(db.clone(), catalogue).expect("state")
    }

    async fn with_db(db: Db, cleanup: Option<String>) -> TestApp {
        let state = TestApp::state(&db);
        TestApp {
            router: backend::app(state.clone()),
            state,
            db,
            cleanup,
        }
    }

    /// Every route of the router, as (method, path template).
    pub fn route_table(&self) -> Vec<(String, &'static str)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let catalogue = catalogue::load(&dir).expect("the shipped catalogue loads");
        let state = AppState::new(self.db.clone(), catalogue).expect("state");
        backend::http::routes(&state)
            .iter()
            .map(|r| (r.method.to_string(), r.path))
            .collect()
    }

    /// The same database served with the state `change` makes of the usual one.
    pub fn serving(mut self, change: impl FnOnce(AppState) -> AppState) -> TestApp {
        self.state = change(TestApp::state(&self.db));
        self.router = backend::app(self.state.clone());
        self
    }

    /// Another server on the same database (this one drops it), its context changed by
    /// `change` (another outbox, say).
    pub fn sharing(
        &self,
        change: impl FnOnce(backend::service::Context) -> backend::service::Context,
    ) -> TestApp {
        let ctx = std::sync::Arc::new(change((*self.state.ctx).clone()));
        let state = AppState {
            ctx,
            ..self.state.clone()
        };
        TestApp {
            router: backend::app(state.clone()),
            state,
            db: self.db.clone(),
            cleanup: None,
        }
    }

    /// The same database served with another submission limit per address and minute.
    pub fn with_submit_limit(self, per_minute: u32) -> TestApp {
        let limits = backend::http::limits::LimitSettings {
            submissions_per_minute: per_minute,
            ..Default::default()
        };
        self.serving(|s| AppState {
            limits: backend::http::limits::Limits::new(limits),
            ..s
        })
    }

    pub async fn sqlite() -> TestApp {
        let path = std::env::temp_dir().join(format!("{}.db", unique("lianban_test")));
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("sqlite");
        TestApp::with_db(db, Some(path.display().to_string())).await
    }

    pub async fn postgres() -> TestApp {
        use sqlx::Connection;
        let admin = postgres_admin_url();
        let name = unique("lianban_test");
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "cannot reach PostgreSQL at {admin} ({e}).\n\
                 Start it, or point the tests at one: LIANBAN_TEST_POSTGRES_URL=postgres://user:pass@host:5432/postgres"
            )
        });
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create database");
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("LIANBAN_TEST_POSTGRES_URL must end with /<database>"),
        };
        let db = Db::connect(&url).await.expect("postgres");
        // As `lianban serve` does: kept public pages, evicted by the database's notifications.
        db.watch_licence_changes(&url);
        for _ in 0..100 {
            if db.pages.watched() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(db.pages.watched(), "listening for licence changes");
        TestApp::with_db(db, Some(format!("pg:{name}"))).await
    }

    /// Drops the throw-away database.
    pub async fn finish(self) {
        self.db.pool.close().await;
        match self.cleanup {
            Some(name) if name.starts_with("pg:") => {
                use sqlx::Connection;
                let mut conn = sqlx::AnyConnection::connect(&postgres_admin_url())
                    .await
                    .expect("admin");
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    &name[3..]
                )))
                .execute(&mut conn)
                .await;
            }
            Some(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            None => {}
        }
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, headers, body)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, HeaderMap, Value) {
        let mut req = Request::get(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// The answer to `req` as it came: status, headers, bytes.
    pub async fn raw(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let (status, headers) = (res.status(), res.headers().clone());
        let body = res.into_body().collect().await.expect("body").to_bytes();
        (status, headers, body.to_vec())
    }

    /// The raw bytes of a GET (images).
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let req = Request::get(path).body(Body::empty()).expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        res.into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec()
    }

    /// POSTs raw bytes with a content type and optional headers.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Value) {
        let mut req = Request::post(path).header("content-type", content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    pub async fn submit(
        &self,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Value) {
        self.post_raw(
            "/api/applications",
            "application/json",
            serde_json::to_vec(body).expect("json"),
            headers,
        )
        .await
    }

    /// The answers stored for application `number`.
    pub async fn stored_answers(&self, number: &str) -> Value {
        let text = backend::db::applications::answers(&self.db, number)
            .await
            .expect("query")
            .expect("stored");
        serde_json::from_str(&text).expect("json")
    }

    /// (applications, sub-applications) stored.
    pub async fn counts(&self) -> (i64, i64) {
        backend::db::applications::count(&self.db)
            .await
            .expect("count")
    }
}

/// Runs a scenario once against SQLite and once against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::sqlite().await;
                super::$name(&app).await;
                app.finish().await;
            }
            #[tokio::test]
            async fn postgres() {
                let app = $crate::helpers::TestApp::postgres().await;
                super::$name(&app).await;
                app.finish().await;
            }
        }
    )*};
}
