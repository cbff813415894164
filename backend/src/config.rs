//! Command line and environment configuration.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Lianban 联办 — joint handling of business licences and operating permits.
#[derive(Debug, Parser)]
#[command(name = "lianban", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the web server: the API and the built frontend.
    Serve(Box<ServeArgs>),
    /// Works with the catalogue data files.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Manages staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Manages machine clients: departments' own systems using the API.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Works with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Works with the electronic archives of completed applications.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Works with sealed PDF documents: electronic certificates and formal notices.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Removes expired drafts, unfinished uploads and contents nothing refers to, once (the
    /// server also does this every hour).
    Cleanup(CleanupArgs),
    /// Works with the seal's signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Demonstration data.
    #[command(subcommand)]
    Demo(DemoCommand),
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Files realistic applications through the same use cases as real ones — accepted at the
    /// window, decided by the departments, spread over the past days, some late — for trying
    /// the back office and measuring it. Never on a production database.
    Seed {
        /// How many applications.
        #[arg(long, default_value_t = 500)]
        applications: usize,
        /// Spread over this many past days.
        #[arg(long, default_value_t = 120)]
        days: u32,
        /// The same seed makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, env = "LIANBAN_CATALOGUE_DIR", default_value = "catalogue")]
        catalogue_dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Adds a new signing key (0600, in a 0700 folder); it signs from the servers' next start
    /// on. The old keys stay published, so whatever they signed still verifies.
    Rotate {
        #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
        key_dir: PathBuf,
    },
    /// Prints the published keys (`/.well-known/lianban-keys.json`) of a key folder.
    Show {
        #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
        key_dir: PathBuf,
    },
}

/// How long what nobody finished is kept.
#[derive(Debug, Clone, clap::Args)]
pub struct RetentionArgs {
    /// Days a draft that was never submitted is kept after it was last saved.
    #[arg(long, env = "LIANBAN_DRAFT_DAYS", default_value_t = 30)]
    pub draft_days: u32,
    /// Hours an unfinished upload is kept after its last part.
    #[arg(long, env = "LIANBAN_UNFINISHED_UPLOAD_HOURS", default_value_t = 24)]
    pub unfinished_upload_hours: u32,
}

impl RetentionArgs {
    pub fn retention(&self) -> crate::domain::retention::Retention {
        crate::domain::retention::Retention {
            draft_days: self.draft_days,
            unfinished_hours: self.unfinished_upload_hours,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CleanupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Where materials and archives are kept (as for `serve`).
    #[arg(long, env = "LIANBAN_FILES", default_value = "data/files")]
    pub files: String,
    #[command(flatten)]
    pub retention: RetentionArgs,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Re-checks an archive package (清点): every listed file present and unchanged, nothing
    /// unlisted, the manifest sealed with one of the bureau's keys. Names each file that fails.
    Verify {
        /// The package (`archive-LB-….zip`).
        file: PathBuf,
        #[command(flatten)]
        trusted: TrustedKeys,
    },
}

/// The keys an offline check trusts.
#[derive(Debug, clap::Args)]
pub struct TrustedKeys {
    /// The published keys (`/.well-known/lianban-keys.json`, saved as a file).
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// Or the bureau's key folder, when run beside the server (read only: a key is never
    /// created by a check).
    #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
    pub key_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Checks a downloaded certificate or notice offline: sealed by one of the bureau's keys and
    /// unchanged since (every byte of the file), and prints what it certifies.
    Verify {
        /// The PDF file.
        file: PathBuf,
        #[command(flatten)]
        trusted: TrustedKeys,
    },
}

/// The database to work on, for commands other than `serve`.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/lianban.db?mode=rwc"
    )]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Creates a staff account (the first administrator, then everyone else). The password is
    /// read from standard input (one line) or from `LIANBAN_STAFF_PASSWORD`.
    Add {
        username: String,
        /// `clerk`, `reviewer`, `inspector` or `admin`.
        #[arg(long)]
        role: String,
        /// A reviewer's or inspector's department id (see `catalogue/departments.toml`).
        #[arg(long)]
        department: Option<String>,
        /// An inspector's certificate number (执法证号).
        #[arg(long)]
        certificate: Option<String>,
        /// The name shown in the back office (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Folder of the catalogue data files (a reviewer's department must be in it).
        #[arg(long, env = "LIANBAN_CATALOGUE_DIR", default_value = "catalogue")]
        catalogue_dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Registers a department's system: prints its client id and secret (shown once, kept only
    /// as a hash). It takes tokens at `POST /api/oauth/token` and acts as a reviewer of the
    /// department; deactivating its account in the console revokes it.
    Add {
        /// The client id (letters, digits, `.`, `_`, `-`), e.g. `tax-system`.
        name: String,
        /// The department it works for (see `catalogue/departments.toml`).
        #[arg(long)]
        department: String,
        /// The name shown in the back office and the audit log (default: the department's
        /// name and 系统).
        #[arg(long)]
        display_name: Option<String>,
        /// Folder of the catalogue data files.
        #[arg(long, env = "LIANBAN_CATALOGUE_DIR", default_value = "catalogue")]
        catalogue_dir: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Gives a client a new secret (printed once): the old one stops, with every token it took.
    Rotate {
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Re-computes the hash chain and names the first missing, changed or out-of-place entry;
    /// then holds the signed checkpoints kept in the contents store against it and names a
    /// rewritten stretch.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Where the checkpoints are kept (the server's `--files`).
        #[arg(long, env = "LIANBAN_FILES", default_value = "data/files")]
        files: String,
        /// The published keys (`/.well-known/lianban-keys.json`, saved as a file)…
        #[arg(long)]
        keys: Option<PathBuf>,
        /// …or the bureau's key folder (read only).
        #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
        key_dir: PathBuf,
    },
    /// Signs the head of the chain now and keeps the checkpoint (the server does this every
    /// few minutes while the log grows).
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, env = "LIANBAN_FILES", default_value = "data/files")]
        files: String,
        #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
        key_dir: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LIANBAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// `sqlite:<file>` (the default, created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/lianban.db?mode=rwc"
    )]
    pub database_url: String,
    /// Folder of the built frontend (Trunk's output).
    #[arg(long, env = "LIANBAN_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Folder of the catalogue data files.
    #[arg(long, env = "LIANBAN_CATALOGUE_DIR", default_value = "catalogue")]
    pub catalogue_dir: PathBuf,
    /// Folder of the bureau's signing keys (created with a first key if empty; keep it out of
    /// the repository and backed up). Several instances share one folder.
    #[arg(long, env = "LIANBAN_KEY_DIR", default_value = "data/keys")]
    pub key_dir: PathBuf,
    /// The address the public reaches this server at: the licence QR codes encode it.
    #[arg(
        long,
        env = "LIANBAN_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Where uploaded materials and archives are kept: a folder (created if missing), or
    /// `s3://bucket/prefix` for an S3-compatible store shared by several instances (credentials
    /// and endpoint from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT`, …).
    #[arg(long, env = "LIANBAN_FILES", default_value = "data/files")]
    pub files: String,
    /// The CJK font certificates and notices are drawn in (a subset is embedded in each):
    /// Debian's `fonts-noto-cjk` by default.
    #[arg(long, env = "LIANBAN_PDF_FONT", default_value = crate::pdf::DEFAULT_FONT)]
    pub pdf_font: PathBuf,
    /// Which face of a font collection (`.ttc`): 2 is Noto Sans CJK SC.
    #[arg(long, env = "LIANBAN_PDF_FONT_FACE", default_value_t = crate::pdf::DEFAULT_FACE)]
    pub pdf_font_face: u32,
    /// Largest uploaded file, in MiB.
    #[arg(long, env = "LIANBAN_MAX_FILE_MB", default_value_t = 10)]
    pub max_file_mb: u64,
    /// Largest total of one application's files, in MiB.
    #[arg(long, env = "LIANBAN_MAX_TOTAL_MB", default_value_t = 50)]
    pub max_total_mb: u64,
    #[command(flatten)]
    pub retention: RetentionArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
    /// The credit platform's export of the dishonesty list (CSV: kind,value,name,source),
    /// pulled every hour; without it the list is imported by hand in the console.
    #[arg(long, env = "LIANBAN_CREDIT_SOURCE_URL")]
    pub credit_source_url: Option<String>,
    /// The certificate authority (PEM) the credit platform's certificate is issued by: the only
    /// one trusted for that source. Without it, the system's roots.
    #[arg(long, env = "LIANBAN_CREDIT_SOURCE_CA")]
    pub credit_source_ca: Option<PathBuf>,
    /// The hosts department systems' webhooks may be sent to, separated by commas: a host
    /// (`tax.county.gov.cn`, `10.1.2.3`), a host and port (`10.1.2.3:8443`), or `*.` and a
    /// domain for its subdomains. Without it no webhook address is taken.
    #[arg(long, env = "LIANBAN_WEBHOOK_HOSTS", default_value = "")]
    pub webhook_hosts: String,
    /// Applications, drafts and holder requests one client may file per minute.
    #[arg(long, env = "LIANBAN_SUBMIT_LIMIT_PER_MINUTE", default_value_t = 20)]
    pub submit_limit_per_minute: u32,
    /// Staff login attempts one client may make per minute (whatever the accounts).
    #[arg(long, env = "LIANBAN_LOGIN_LIMIT_PER_MINUTE", default_value_t = 20)]
    pub login_limit_per_minute: u32,
    /// Public verify pages (and their QR images, signed documents, print views) one client may
    /// open per minute.
    #[arg(long, env = "LIANBAN_PUBLIC_LIMIT_PER_MINUTE", default_value_t = 120)]
    pub public_limit_per_minute: u32,
    /// The reverse proxies in front of this server, as addresses or CIDR blocks separated by
    /// commas (`127.0.0.1,10.0.0.0/8`): only from these are `Forwarded` / `X-Forwarded-For`
    /// believed to name the client. Empty: the TCP peer is the client.
    #[arg(long, env = "LIANBAN_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// The addresses or CIDR blocks that may read `/metrics` (the Prometheus server); anyone
    /// else is told there is no such page.
    #[arg(
        long,
        env = "LIANBAN_METRICS_ALLOW",
        default_value = "127.0.0.1/32,::1/128"
    )]
    pub metrics_allow: String,
}

/// Where messages to applicants go. Without a provider a channel's messages are written to the
/// log (and counted as sent): fine for trying the system, not for a county.
#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    /// The SMTP server e-mails go through: `smtp://host:25` (STARTTLS when offered),
    /// `smtps://user:password@host:465`; add `?tls=required` to refuse a plain connection.
    #[arg(long, env = "LIANBAN_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of the e-mails.
    #[arg(
        long,
        env = "LIANBAN_MAIL_FROM",
        default_value = "联办 <noreply@lianban.localhost>"
    )]
    pub mail_from: String,
    /// The county's SMS gateway: each text message is POSTed there as JSON
    /// `{"id", "to", "text"}` with an `Idempotency-Key` header.
    #[arg(long, env = "LIANBAN_SMS_WEBHOOK")]
    pub sms_webhook: Option<String>,
    /// Sent to the gateway as `Authorization: Bearer …`.
    #[arg(long, env = "LIANBAN_SMS_TOKEN", hide_env_values = true)]
    pub sms_token: Option<String>,
}

impl NotifyArgs {
    pub fn settings(&self) -> crate::notify::Settings {
        crate::notify::Settings {
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            sms_webhook: self.sms_webhook.clone(),
            sms_token: self.sms_token.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Loads and checks the catalogue without starting the server.
    Check {
        /// Folder of the catalogue data files.
        #[arg(default_value = "catalogue")]
        dir: PathBuf,
    },
}
