//! One function per use case: it takes the actor and the input, opens the transaction, applies
//! the domain rule, writes the audit entry in the same transaction, and returns what the
//! actor may be shown — or the rule's refusal. Staff use cases ask `domain::access` first.

pub mod accounts;
pub mod additions;
pub mod applications;
pub mod archive;
pub mod audit;
pub mod backoffice;
pub mod catalogue;
pub mod cleanup;
pub mod credit;
pub mod delivery;
pub mod demo;
pub mod documents;
pub mod events;
pub mod filings;
pub mod follow_ups;
pub mod group_commit;
pub mod history;
pub mod holder;
pub mod inspection_tasks;
pub mod jobs;
pub mod licence;
pub mod materials;
pub mod names;
pub mod notifications;
pub mod private_link;
pub mod recovery;
pub mod review;
pub mod sessions;
pub mod statistics;
pub mod supervision;
pub mod views;
pub mod webhooks;
pub mod worklist;

use std::sync::Arc;

use shared::calendar::Calendar;
use shared::catalogue::Catalogue;

use crate::db::Db;
use crate::domain;
use crate::domain::uploads::FileLimits;
use crate::seal::Seal;
use crate::storage::Files;

/// What every use case can reach, shared: every request's handler holds one (a clone is one
/// reference count, where copying the context's dozen handles cost each request some 20% of a
/// kept public page's time, their counts bouncing between the cores).
pub type Ctx = Arc<Context>;

/// The context itself: the database, the catalogue and its calendar, the seal, the contents
/// store, the settings. Made once ([`Context::new`], then changed with struct-update syntax
/// before it is shared).
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub catalogue: Arc<Catalogue>,
    /// The working-day calendar built from the catalogue's arrangements.
    pub calendar: Arc<Calendar>,
    /// The bureau's electronic seal (signing key and published keys).
    pub seal: Arc<Seal>,
    /// Uploaded materials and archives, content-addressed.
    pub files: Files,
    pub file_limits: FileLimits,
    /// How long drafts and unfinished uploads are kept.
    pub retention: domain::retention::Retention,
    /// The address the public reaches the server at (the licence QR encodes it).
    pub public_url: Arc<str>,
    /// Every bundle's view (its items, departments, materials, form), merged once.
    pub views: Arc<std::collections::HashMap<String, shared::catalogue::BundleView>>,
    /// The catalogue's public documents, serialised once.
    pub published: Arc<catalogue::Published>,
    /// Wakes this instance's job worker when a job was just queued here.
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// Filings waiting to be written together (group commit), into `db`: a context for
    /// another database is made with [`Context::new`].
    pub filings: Arc<filings::Filings>,
    /// The font sealed PDF documents are drawn in.
    pub pdf_font: Arc<crate::pdf::FontSource>,
    /// Where messages to applicants go (SMTP, the SMS gateway, or the log).
    pub outbox: Arc<crate::notify::Outbox>,
    /// Password hashes checked at once (argon2id takes 19 MiB and a core each): one per core.
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Where the dishonesty list is pulled from on a schedule, if anywhere.
    pub credit_source: Option<Arc<crate::credit_source::CreditSource>>,
    /// The hosts webhooks may be sent to (none unless the administrator names them).
    pub webhook_hosts: Arc<domain::webhooks::AllowedHosts>,
}

impl Context {
    /// A context for a checked catalogue, with an ephemeral seal, contents in memory and the
    /// default limits.
    pub fn new(db: Db, catalogue: Catalogue) -> anyhow::Result<Context> {
        let calendar =
            Calendar::new(&catalogue.calendar).map_err(|e| anyhow::anyhow!("calendar: {e}"))?;
        let merged: Vec<shared::catalogue::BundleView> = catalogue
            .bundles
            .iter()
            .filter_map(|b| catalogue.bundle_view(&b.id))
            .collect();
        let published = Arc::new(catalogue::Published::of(&merged)?);
        let views = merged
            .into_iter()
            .map(|v| (v.bundle.id.clone(), v))
            .collect();
        Ok(Context {
            filings: Arc::new(filings::queue(db.clone())),
            db,
            published,
            views: Arc::new(views),
            jobs_wake: Arc::new(tokio::sync::Notify::new()),
            catalogue: Arc::new(catalogue),
            calendar: Arc::new(calendar),
            seal: Arc::new(Seal::ephemeral()),
            files: Files::open("memory:")?,
            file_limits: FileLimits::default(),
            retention: Default::default(),
            public_url: "http://127.0.0.1:8080".into(),
            pdf_font: Arc::new(crate::pdf::FontSource::default()),
            outbox: Arc::new(crate::notify::Outbox::log()),
            credit_source: None,
            webhook_hosts: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
        })
    }

    /// The policy for `staff`.
    pub fn access<'a>(
        &'a self,
        staff: &'a domain::records::StaffMember,
    ) -> domain::access::Access<'a> {
        domain::access::Access::new(staff, &self.catalogue)
    }

    /// Bundle `id`'s view, or `None` if there is no such bundle: a themed bundle's merged at
    /// start, an addition's (增项, `add.…`) merged when asked (a few microseconds).
    pub fn view(&self, id: &str) -> Option<std::borrow::Cow<'_, shared::catalogue::BundleView>> {
        match self.views.get(id) {
            Some(v) => Some(std::borrow::Cow::Borrowed(v)),
            None if id.starts_with(shared::catalogue::ADDITION_PREFIX) => {
                self.catalogue.bundle_view(id).map(std::borrow::Cow::Owned)
            }
            None => None,
        }
    }

    /// The public verify page's address for a licence's token.
    pub fn verify_url(&self, token: &str) -> String {
        format!("{}/v/{token}", self.public_url.trim_end_matches('/'))
    }
}

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule refused: nothing changed.
    #[error(transparent)]
    Refused(#[from] domain::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<domain::error::Missing> for Error {
    fn from(m: domain::error::Missing) -> Error {
        Error::Refused(m.into())
    }
}

impl From<domain::error::Conflict> for Error {
    fn from(c: domain::error::Conflict) -> Error {
        Error::Refused(c.into())
    }
}

impl From<domain::error::Invalid> for Error {
    fn from(i: domain::error::Invalid) -> Error {
        Error::Refused(i.into())
    }
}

/// Now, and the county's date today.
fn now_and_today() -> (i64, time::Date) {
    let now = domain::clock::now_unix();
    (now, domain::clock::county_date(now))
}
