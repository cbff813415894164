//! A broken catalogue: the loader, `lianban catalogue check` and `lianban serve` all stop with a
//! message naming the file, the entry and the problem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The `lianban` binary (`LIANBAN_BIN`, else built now — a no-op when it is up to date — so
/// the tests never run a stale one).
fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("LIANBAN_BIN") {
        return bin.into();
    }
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let ok = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "backend", "--bin", "lianban"])
                .status()
                .expect("cargo build")
                .success();
            assert!(ok, "could not build the lianban binary");
            let exe = std::env::current_exe().expect("test executable");
            let dir = exe.parent().and_then(Path::parent).expect("target dir");
            dir.join("lianban")
        })
        .clone()
}

fn repo_catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue")
}

/// A copy of the shipped catalogue with one edit, in a fresh folder.
fn broken_catalogue(file: &str, from: &str, to: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "lianban-cli-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    for f in std::fs::read_dir(repo_catalogue()).expect("read") {
        let p = f.expect("entry").path();
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("file");
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    dir
}

/// Runs the binary to its end; a run that outlives 60 s (a server that started) fails the test.
pub(crate) fn run(args: &[&str]) -> Output {
    run_with(args, &[])
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn lianban");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("lianban {args:?} did not stop");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn catalogue_check_accepts_the_shipped_catalogue() {
    let dir = repo_catalogue();
    let out = run(&["catalogue", "check", dir.to_str().expect("path")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("catalogue OK: 5 bundles"), "{stdout}");
}

#[test]
fn every_kind_of_broken_reference_names_the_file_and_the_entry() {
    for (file, from, to, expected) in [
        (
            "items.toml",
            "\"seal.kinds\"",
            "\"seal.colour\"",
            "items.toml: item seal_filing: unknown field `seal.colour`",
        ),
        (
            "bundles.toml",
            "rule = \"sells_devices\"",
            "rule = \"sells_gadgets\"",
            "bundles.toml: bundle pharmacy add-on medical_device_filing: unknown rule `sells_gadgets`",
        ),
        (
            "rules.toml",
            "value = 300 }",
            "value = 300, unit = \"m2\" }",
            "rules.toml: TOML parse error at line 17",
        ),
    ] {
        let dir = broken_catalogue(file, from, to);
        let err = backend::catalogue::load(&dir)
            .expect_err("broken")
            .to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn a_broken_catalogue_fails_the_check_and_the_startup_with_a_precise_message() {
    let dir = broken_catalogue("rules.toml", "\"plans.investment\"", "\"plans.budget\"");
    let path = dir.to_str().expect("path");
    let expected = "rules.toml: rule fire_threshold: condition reads unknown field `plans.budget`";

    let check = run(&["catalogue", "check", path]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");

    let serve = run(&[
        "serve",
        "--catalogue-dir",
        path,
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "sqlite::memory:",
    ]);
    let stderr = String::from_utf8_lossy(&serve.stderr);
    assert_eq!(serve.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn staff_add_creates_the_first_administrator_and_audit_verify_checks_the_chain() {
    let dir = std::env::temp_dir().join(format!(
        "lianban-cli-db-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("lianban.db").display());
    let catalogue = repo_catalogue();
    let catalogue = catalogue.to_str().expect("path");
    let password = [("LIANBAN_STAFF_PASSWORD", "correct horse battery staple")];
    let add = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["staff", "add"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--catalogue-dir", catalogue, "--database-url", &url]);
        run_with(&all, env)
    };
    let out = add(&["root", "--role", "admin"], &password);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = add(
        &["reviewer1", "--role", "reviewer", "--department", "mars"],
        &password,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no department `mars` in the catalogue"));
    let out = add(
        &["short", "--role", "clerk"],
        &[("LIANBAN_STAFF_PASSWORD", "tooshort")],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 to 128 characters"));
    let out = add(&["root", "--role", "clerk"], &password);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`root` is taken"));
    // A department's own system as a machine client: its id and secret, shown once.
    let client = |args: &[&str]| {
        let mut all = vec!["client", "add"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--catalogue-dir", catalogue, "--database-url", &url]);
        run(&all)
    };
    let out = client(&["tax-system", "--department", "tax"]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = said
        .strip_prefix("client_id=tax-system\nclient_secret=")
        .unwrap_or_else(|| panic!("{said}"))
        .trim();
    assert_eq!(secret.len(), 43, "256 bits, base64url: {said}");
    let out = client(&["tax-system", "--department", "tax"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`tax-system` is taken"));
    let out = run(&["client", "rotate", "tax-system", "--database-url", &url]);
    let rotated = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        rotated.starts_with("client_id=tax-system\nclient_secret="),
        "{rotated}"
    );
    assert!(!rotated.contains(secret), "a new secret");
    let out = run(&["client", "rotate", "root", "--database-url", &url]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no machine client `root`"));
    let out = client(&["mars-system", "--department", "mars"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no department `mars`"));

    let files = dir.join("files");
    let keys = dir.join("keys");
    let (files, keys) = (files.to_str().expect("path"), keys.to_str().expect("path"));
    let store = ["--database-url", &url, "--files", files, "--key-dir", keys];
    let audit = |verb: &str| {
        let mut all = vec!["audit", verb];
        all.extend_from_slice(&store);
        run(&all)
    };
    let out = audit("verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "audit log intact: 3 entries; no checkpoint yet"
    );
    // The checkpoint needs the seal: none yet, and a check never makes one.
    let out = audit("checkpoint");
    assert!(!out.status.success());
    assert!(!dir.join("keys").exists(), "no key was created");
    let out = run(&["keys", "rotate", "--key-dir", keys]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = audit("checkpoint");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "checkpoint: entry 3 signed"
    );
    let out = audit("verify");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "audit log intact: 3 entries; 1 signed checkpoints match (the last at entry 3)",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["cleanup", "--database-url", &url, "--files", files]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "removed: 0 drafts, 0 unfinished uploads, 0 contents, 0 login throttles, 0 sessions, 0 finished jobs",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn keys_are_created_private_rotated_on_demand_and_never_by_a_check() {
    let dir = std::env::temp_dir().join(format!("lianban-cli-keys-{}", rand::random::<u32>()));
    let keys = dir.join("keys");
    let key_dir = keys.to_str().expect("path");
    // `archive verify` with an empty key folder refuses, and leaves it empty.
    std::fs::create_dir_all(&keys).expect("dir");
    let package = dir.join("archive.zip");
    std::fs::write(&package, b"PK").expect("file");
    let out = run(&[
        "archive",
        "verify",
        package.to_str().expect("path"),
        "--key-dir",
        key_dir,
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no key in"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::read_dir(&keys).expect("dir").count(),
        0,
        "no key was created"
    );
    for _ in 0..2 {
        let out = run(&["keys", "rotate", "--key-dir", key_dir]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run(&["keys", "show", "--key-dir", key_dir]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        shown["keys"].as_array().expect("keys").len(),
        2,
        "old keys stay published"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        for f in std::fs::read_dir(&keys).expect("dir") {
            assert_eq!(mode(&f.expect("entry").path()), 0o600);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `lianban certificate verify` checks a sealed document offline against the bureau's key folder
/// or its published keys: genuine, changed, or sealed by a key that is not the bureau's.
#[test]
fn certificate_verify_checks_a_sealed_document_offline() {
    use backend::seal::{Purpose, Seal};
    let dir = std::env::temp_dir().join(format!("lianban-cli-cert-{}", rand::random::<u32>()));
    let keys = dir.join("keys");
    let key_dir = keys.to_str().expect("path");
    let seal = Seal::load_or_create(&keys).expect("seal");
    let mut sheet = backend::pdf::FontSource::default()
        .sheet()
        .expect("fonts-noto-cjk (scripts/test installs it)");
    sheet.centred(100.0, 24.0, "食品经营许可证");
    let meta = backend::pdf::Meta {
        title: "食品经营许可证",
        payload: br#"{"kind":"certificate","number":"JY1"}"#,
    };
    let pdf = sheet
        .finish(&meta, |bytes| {
            format!("{}.{}", seal.kid(), seal.sign(Purpose::Document, bytes))
        })
        .expect("pdf");
    let file = dir.join("证照.pdf");
    std::fs::write(&file, &pdf).expect("file");
    let path = file.to_str().expect("path");

    let out = run(&["certificate", "verify", path, "--key-dir", key_dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.contains("ok: sealed by the bureau") && stdout.contains("\"JY1\""),
        "{stdout}"
    );
    // The published keys saved as a file will do as well.
    let published = dir.join("keys.json");
    let shown = run(&["keys", "show", "--key-dir", key_dir]);
    std::fs::write(&published, &shown.stdout).expect("keys");
    let keys_file = published.to_str().expect("path");
    let out = run(&["certificate", "verify", path, "--keys", keys_file]);
    assert!(out.status.success(), "{out:?}");

    // One byte changed: refused, named as changed.
    let mut changed = pdf.clone();
    let at = pdf.len() / 2;
    changed[at] ^= 0x01;
    std::fs::write(&file, &changed).expect("file");
    let out = run(&["certificate", "verify", path, "--keys", keys_file]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("CHANGED"),
        "{out:?}"
    );
    // Sealed by another key: not the bureau's.
    let other = Seal::ephemeral();
    let pdf = backend::pdf::FontSource::default()
        .sheet()
        .expect("sheet")
        .finish(&meta, |bytes| {
            format!("{}.{}", other.kid(), other.sign(Purpose::Document, bytes))
        })
        .expect("pdf");
    std::fs::write(&file, &pdf).expect("file");
    let out = run(&["certificate", "verify", path, "--keys", keys_file]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not one of the bureau's"),
        "{out:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
