//! The `lianban` commands, each a few lines over the library: serve, check the catalogue, add
//! staff, verify the audit log and archives, sign a checkpoint, clean up, rotate keys.

use shared::snapshot::{PublicKey, PublishedKeys};

use crate::config::{
    ArchiveCommand, AuditCommand, CatalogueCommand, CertificateCommand, CleanupArgs, ClientCommand,
    Command, DemoCommand, KeysCommand, ServeArgs, StaffCommand,
};
use crate::seal::Seal;
use crate::{AppState, catalogue, db};

/// Runs one command to its end.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(*args).await,
        Command::Catalogue(CatalogueCommand::Check { dir }) => catalogue::load(&dir).map(|c| {
            println!(
                "catalogue OK: {} bundles, {} rules, {} items, {} fields, {} materials, {} departments",
                c.bundles.len(),
                c.rules.len(),
                c.items.len(),
                c.fields.len(),
                c.materials.len(),
                c.departments.len()
            );
        }),
        Command::Staff(StaffCommand::Add {
            username,
            role,
            department,
            certificate,
            name,
            catalogue_dir,
            db,
        }) => {
            let placement = (role, department, certificate);
            add_staff(username, placement, name, catalogue_dir, db.database_url).await
        }
        Command::Client(ClientCommand::Add {
            name,
            department,
            display_name,
            catalogue_dir,
            db,
        }) => {
            let catalogue = catalogue::load(&catalogue_dir)?;
            let db = db::Db::connect(&db.database_url).await?;
            let secret = crate::service::accounts::add_client(
                &db,
                &catalogue,
                &name,
                &department,
                display_name.as_deref(),
            )
            .await?;
            println!("client_id={name}\nclient_secret={secret}");
            eprintln!("keep the secret now: it is not shown again");
            Ok(())
        }
        Command::Client(ClientCommand::Rotate { name, db }) => {
            let db = db::Db::connect(&db.database_url).await?;
            let secret = crate::service::accounts::rotate_client(&db, &name).await?;
            println!("client_id={}\nclient_secret={secret}", name.trim());
            eprintln!("keep the secret now: it is not shown again; the old one no longer works");
            Ok(())
        }
        Command::Archive(ArchiveCommand::Verify { file, trusted }) => {
            verify_archive(&file, trusted.keys.as_deref(), &trusted.key_dir)
        }
        Command::Certificate(CertificateCommand::Verify { file, trusted }) => {
            verify_certificate(&file, trusted.keys.as_deref(), &trusted.key_dir)
        }
        Command::Cleanup(args) => cleanup(args).await,
        Command::Demo(DemoCommand::Seed {
            applications,
            days,
            seed,
            catalogue_dir,
            db,
        }) => demo_seed(applications, days, seed, &catalogue_dir, &db.database_url).await,
        Command::Keys(KeysCommand::Rotate { key_dir }) => Seal::rotate(&key_dir).map(|kid| {
            println!("new signing key {kid}: it signs from the servers' next start on");
        }),
        Command::Keys(KeysCommand::Show { key_dir }) => Seal::load(&key_dir).and_then(|seal| {
            let published = PublishedKeys {
                keys: seal.public_keys().to_vec(),
            };
            println!("{}", serde_json::to_string_pretty(&published)?);
            Ok(())
        }),
        Command::Audit(AuditCommand::Verify {
            db,
            files,
            keys,
            key_dir,
        }) => audit_verify(&db.database_url, &files, keys.as_deref(), &key_dir).await,
        Command::Audit(AuditCommand::Checkpoint { db, files, key_dir }) => {
            audit_checkpoint(&db.database_url, &files, &key_dir).await
        }
    }
}

async fn demo_seed(
    n: usize,
    days: u32,
    seed: u64,
    catalogue_dir: &std::path::Path,
    database_url: &str,
) -> anyhow::Result<()> {
    let catalogue = catalogue::load(catalogue_dir)?;
    let db = db::Db::connect(database_url).await?;
    let ctx = std::sync::Arc::new(crate::service::Context::new(db, catalogue)?);
    let started = std::time::Instant::now();
    let done = crate::service::demo::seed(&ctx, n, days, seed).await?;
    println!(
        "filed {} applications ({} accepted, {} decisions) in {:.1} s",
        done.applications,
        done.accepted,
        done.decisions,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify(
    database_url: &str,
    files: &str,
    keys: Option<&std::path::Path>,
    key_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let keys = published_keys(keys, key_dir);
    let db = db::Db::connect(database_url).await?;
    let files = crate::storage::Files::open(files)?;
    println!(
        "{}",
        crate::service::audit::verify(&db, &files, keys).await?
    );
    Ok(())
}

async fn audit_checkpoint(
    database_url: &str,
    files: &str,
    key_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let db = db::Db::connect(database_url).await?;
    let base = crate::service::Context::new(db, Default::default())?;
    let ctx = std::sync::Arc::new(crate::service::Context {
        files: crate::storage::Files::open(files)?,
        seal: std::sync::Arc::new(Seal::load(key_dir)?),
        ..base
    });
    let now = crate::domain::clock::now_unix();
    match crate::service::audit::checkpoint(&ctx, now).await? {
        Some(c) => println!("checkpoint: entry {} signed", c.seq),
        None => println!("the newest checkpoint is the head already"),
    }
    Ok(())
}

/// The seal's public keys: from a saved `/.well-known/lianban-keys.json`, else from the key
/// folder (read only).
fn published_keys(
    keys: Option<&std::path::Path>,
    key_dir: &std::path::Path,
) -> anyhow::Result<Vec<PublicKey>> {
    Ok(match keys {
        Some(path) => serde_json::from_slice::<PublishedKeys>(&std::fs::read(path)?)?.keys,
        None => Seal::load(key_dir)
            .map_err(|e| anyhow::anyhow!("{e} (give --keys <published keys file>)"))?
            .public_keys()
            .to_vec(),
    })
}

fn verify_archive(
    file: &std::path::Path,
    keys: Option<&std::path::Path>,
    key_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let keys = published_keys(keys, key_dir)?;
    let package = std::fs::read(file)?;
    let problems = crate::domain::archive::verify(&package, &keys)?;
    if problems.is_empty() {
        println!(
            "ok: every listed file is present and unchanged, nothing unlisted, sealed by the bureau"
        );
        return Ok(());
    }
    for p in &problems {
        println!("{p}");
    }
    anyhow::bail!("{}: {} problem(s)", file.display(), problems.len())
}

fn verify_certificate(
    file: &std::path::Path,
    keys: Option<&std::path::Path>,
    key_dir: &std::path::Path,
) -> anyhow::Result<()> {
    use crate::pdf::Checked;
    let keys = published_keys(keys, key_dir)?;
    let bytes = std::fs::read(file)?;
    match crate::pdf::verify(&bytes, &keys) {
        Checked::Genuine { kid, payload } => {
            let facts: serde_json::Value = serde_json::from_slice(&payload)?;
            println!("ok: sealed by the bureau (key {kid}), unchanged since");
            println!("{}", serde_json::to_string_pretty(&facts)?);
            Ok(())
        }
        Checked::UnknownKey(kid) => {
            anyhow::bail!(
                "{}: sealed by key {kid}, which is not one of the bureau's",
                file.display()
            )
        }
        Checked::Tampered => anyhow::bail!(
            "{}: CHANGED since it was sealed (or not sealed by the bureau)",
            file.display()
        ),
        Checked::NotSealed => anyhow::bail!("{}: not a sealed Lianban document", file.display()),
    }
}

async fn add_staff(
    username: String,
    (role, department, certificate): (String, Option<String>, Option<String>),
    name: Option<String>,
    catalogue_dir: std::path::PathBuf,
    database_url: String,
) -> anyhow::Result<()> {
    let password = match std::env::var("LIANBAN_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let catalogue = catalogue::load(&catalogue_dir)?;
    let db = db::Db::connect(&database_url).await?;
    let account = crate::service::accounts::NewAccount {
        username: &username,
        role: &role,
        department: department.as_deref(),
        certificate: certificate.as_deref(),
        display_name: name.as_deref(),
        password: &password,
    };
    crate::service::accounts::add_staff(&db, &catalogue, &account).await?;
    println!("staff account `{username}` created ({role})");
    Ok(())
}

async fn cleanup(args: CleanupArgs) -> anyhow::Result<()> {
    let db = db::Db::connect(&args.db.database_url).await?;
    // The cleanup needs no catalogue: an empty one will do.
    let base = crate::service::Context::new(db, Default::default())?;
    let ctx = std::sync::Arc::new(crate::service::Context {
        files: crate::storage::Files::open(&args.files)?,
        retention: args.retention.retention(),
        ..base
    });
    let report = crate::service::cleanup::run(&ctx, crate::domain::clock::now_unix()).await?;
    println!(
        "removed: {} drafts, {} unfinished uploads, {} contents, {} login throttles, {} sessions, {} finished jobs",
        report.drafts,
        report.unfinished_uploads,
        report.contents,
        report.throttles,
        report.sessions,
        report.jobs
    );
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let catalogue = catalogue::load(&args.catalogue_dir)?;
    let db = db::Db::connect(&args.database_url).await?;
    // Every instance hears of every licence change (its kept public pages go).
    db.watch_licence_changes(&args.database_url);
    if !args.static_dir.join("index.html").exists() {
        tracing::warn!(dir = %args.static_dir.display(), "no built frontend there: serving the API only");
    }
    let base = AppState::new(db, catalogue)?;
    let state = AppState {
        static_dir: Some(args.static_dir),
        limits: crate::http::limits::Limits::new(crate::http::limits::LimitSettings {
            submissions_per_minute: args.submit_limit_per_minute,
            logins_per_minute: args.login_limit_per_minute,
            public_pages_per_minute: args.public_limit_per_minute,
        }),
        trusted_proxies: crate::http::client::TrustedProxies::parse(&args.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?,
        metrics: std::sync::Arc::new(crate::http::metrics::Metrics::new(
            crate::http::client::TrustedProxies::parse(&args.metrics_allow)
                .map_err(|e| anyhow::anyhow!("--metrics-allow: {e}"))?,
        )),
        ctx: std::sync::Arc::new(crate::service::Context {
            public_url: args.public_url.into(),
            seal: std::sync::Arc::new(Seal::load_or_create(&args.key_dir)?),
            files: crate::storage::Files::open(&args.files)?,
            file_limits: crate::domain::uploads::FileLimits {
                max_file_bytes: args.max_file_mb * 1024 * 1024,
                max_total_bytes: args.max_total_mb * 1024 * 1024,
            },
            retention: args.retention.retention(),
            pdf_font: std::sync::Arc::new(crate::pdf::FontSource::new(
                args.pdf_font,
                args.pdf_font_face,
            )),
            outbox: std::sync::Arc::new(crate::notify::Outbox::new(&args.notify.settings())?),
            credit_source: match &args.credit_source_url {
                Some(url) => Some(std::sync::Arc::new(
                    crate::credit_source::CreditSource::new(url, args.credit_source_ca.as_deref())?,
                )),
                None => None,
            },
            webhook_hosts: std::sync::Arc::new(
                crate::domain::webhooks::AllowedHosts::parse(&args.webhook_hosts)
                    .map_err(|e| anyhow::anyhow!("--webhook-hosts: {e}"))?,
            ),
            ..std::sync::Arc::unwrap_or_clone(base.ctx)
        }),
        ..base
    };
    // Data from before the worklist gets what it finds and orders by.
    let kept = crate::service::worklist::keep_indexes(&state.ctx).await?;
    if kept > 0 {
        tracing::info!(rows = kept, "worklist indexes kept");
    }
    // The background jobs (archives, the hourly cleanup, the audit checkpoints): this
    // instance's worker takes its share.
    tokio::spawn(crate::service::jobs::worker(
        state.ctx.clone(),
        state.ctx.jobs_wake.clone(),
    ));
    // The webhooks: each second, this instance delivers the subscriptions due that no other
    // instance holds.
    tokio::spawn(crate::service::webhooks::worker(state.ctx.clone()));
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    tracing::info!("Lianban listening on http://{}", listener.local_addr()?);
    crate::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
