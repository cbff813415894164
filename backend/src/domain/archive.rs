//! The electronic archive's package (电子档案): one zip with the submitted form, every material,
//! every decision, the audit excerpt, and a manifest listing each file with its SHA-256 — the
//! manifest signed with the bureau's seal. [`verify`] re-checks a package (清点): everything
//! listed is present and unchanged, nothing is unlisted, the seal is the bureau's.

use std::io::{Cursor, Read, Write};

use serde::{Deserialize, Serialize};
use shared::snapshot::PublicKey;

use super::application::sha256_hex;

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub application: String,
    pub bundle: String,
    pub built_at: String,
    pub files: Vec<Listed>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Listed {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// The seal's signature over the manifest's exact bytes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Signature {
    pub kid: String,
    pub signature: String,
}

/// Where a material's `n`-th file (from 1) lies in the package: `materials/id_card/1-身份证.pdf`.
pub fn material_path(material: &str, n: usize, name: &str) -> String {
    format!("materials/{material}/{n}-{name}")
}

/// The manifest of `files` (path, bytes), as the seal signs it.
pub fn manifest(
    application: &str,
    bundle: &str,
    built_at: String,
    files: &[(String, Vec<u8>)],
) -> anyhow::Result<Vec<u8>> {
    let manifest = Manifest {
        application: application.into(),
        bundle: bundle.into(),
        built_at,
        files: files
            .iter()
            .map(|(path, bytes)| Listed {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                size: bytes.len() as u64,
            })
            .collect(),
    };
    Ok(serde_json::to_vec_pretty(&manifest)?)
}

/// The package: `files`, then the manifest and its signature.
pub fn package(
    mut files: Vec<(String, Vec<u8>)>,
    manifest: Vec<u8>,
    signature: &Signature,
) -> anyhow::Result<Vec<u8>> {
    files.push((MANIFEST.into(), manifest));
    files.push((SIGNATURE.into(), serde_json::to_vec_pretty(signature)?));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Scans and PDFs are compressed already: stored as they are.
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (path, bytes) in &files {
        zip.start_file(path.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Re-checks a package against the published keys. Returns every problem, each naming its file;
/// none means the package is whole and sealed.
pub fn verify(package: &[u8], keys: &[PublicKey]) -> anyhow::Result<Vec<String>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(package))?;
    // `None`: no such entry; `Some(Err)`: there, but damaged (its CRC fails).
    let mut read = |name: &str| -> Option<Result<Vec<u8>, std::io::Error>> {
        let mut f = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        Some(f.read_to_end(&mut out).map(|_| out))
    };
    let manifest_bytes = read(MANIFEST)
        .and_then(Result::ok)
        .ok_or_else(|| anyhow::anyhow!("{MANIFEST}: missing or damaged"))?;
    let mut problems = Vec::new();
    let signature = read(SIGNATURE)
        .and_then(Result::ok)
        .and_then(|s| serde_json::from_slice::<Signature>(&s).ok());
    match signature {
        Some(sig)
            if shared::snapshot::verify_detached(
                keys,
                shared::snapshot::Purpose::ArchiveManifest,
                &sig.kid,
                &manifest_bytes,
                &sig.signature,
            ) => {}
        Some(_) => problems.push(format!(
            "{MANIFEST}: the seal's signature does not match (changed, or an unknown key)"
        )),
        None => problems.push(format!("{SIGNATURE}: missing or unreadable")),
    }
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)?;
    for listed in &manifest.files {
        match read(&listed.path) {
            None => problems.push(format!("{}: missing", listed.path)),
            Some(Err(_)) => {
                problems.push(format!("{}: changed (damaged in the package)", listed.path))
            }
            Some(Ok(bytes)) if sha256_hex(&bytes) != listed.sha256 => {
                problems.push(format!(
                    "{}: changed (SHA-256 differs from the manifest)",
                    listed.path
                ));
            }
            Some(Ok(_)) => {}
        }
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()?;
    for name in names {
        if name != MANIFEST && name != SIGNATURE && !manifest.files.iter().any(|l| l.path == name) {
            problems.push(format!("{name}: not in the manifest"));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unlisted_or_changed_file_is_named() {
        let seal = crate::seal::Seal::ephemeral();
        let files = vec![("form.json".to_string(), b"{}".to_vec())];
        let m = manifest("LB-1", "restaurant", "2026-12-01T00:00:00Z".into(), &files).expect("m");
        let sig = Signature {
            kid: seal.kid().into(),
            signature: seal.sign(shared::snapshot::Purpose::ArchiveManifest, &m),
        };
        let good = package(files.clone(), m.clone(), &sig).expect("zip");
        assert_eq!(
            verify(&good, seal.public_keys()).expect("reads"),
            Vec::<String>::new()
        );
        let mut more = files;
        more.push(("extra.txt".into(), b"x".to_vec()));
        let bad = package(more, m, &sig).expect("zip");
        assert_eq!(
            verify(&bad, seal.public_keys()).expect("reads"),
            ["extra.txt: not in the manifest"]
        );
        assert_eq!(
            material_path("id_card", 1, "身份证.pdf"),
            "materials/id_card/1-身份证.pdf"
        );
    }
}
