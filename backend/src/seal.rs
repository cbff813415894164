//! The bureau's electronic seal: Ed25519 keys kept outside the repository (`data/keys/` by
//! default), generated on first start. The newest key signs; every key ever used stays
//! published (`/.well-known/lianban-keys.json`), so documents signed before a rotation still
//! verify. A key's id is the first 8 bytes of the SHA-256 of its public key, in hex.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use shared::snapshot::{PublicKey, Purpose};

/// The signing key and every public key.
#[derive(Clone)]
pub struct Seal {
    signing: SigningKey,
    kid: String,
    keys: Vec<PublicKey>,
    /// The secret what the server keeps sealed at rest is sealed under (an application's
    /// private link, for its notifications): derived from the oldest key, so a rotation does
    /// not make it unopenable.
    at_rest: [u8; 32],
}

pub fn key_id(key: &VerifyingKey) -> String {
    Sha256::digest(key.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn public(key: &VerifyingKey) -> PublicKey {
    PublicKey {
        kid: key_id(key),
        alg: "Ed25519".into(),
        public_key: B64.encode(key.as_bytes()),
    }
}

impl Seal {
    /// A seal with a fresh key held in memory only (tests, or no key folder).
    pub fn ephemeral() -> Seal {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        Seal::from_keys(vec![SigningKey::from_bytes(&secret)])
    }

    fn from_keys(mut keys: Vec<SigningKey>) -> Seal {
        let at_rest = keys.first().map(|oldest| {
            let mut hasher = Sha256::new();
            hasher.update(b"lianban/at-rest\0");
            hasher.update(oldest.to_bytes());
            <[u8; 32]>::from(hasher.finalize())
        });
        let signing = keys.pop().unwrap_or_else(|| {
            let mut secret = [0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            SigningKey::from_bytes(&secret)
        });
        let mut published: Vec<PublicKey> =
            keys.iter().map(|k| public(&k.verifying_key())).collect();
        published.push(public(&signing.verifying_key()));
        let at_rest = at_rest.unwrap_or_else(|| Sha256::digest(signing.to_bytes()).into());
        Seal {
            kid: key_id(&signing.verifying_key()),
            signing,
            keys: published,
            at_rest,
        }
    }

    /// Loads every `*.key` of `dir` (32 raw secret bytes each, in name order: the last signs),
    /// creating the folder (0700) and a first key (0600) if there is none. What `serve` does.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Seal> {
        private_folder(dir)?;
        if key_files(dir)?.is_empty() {
            new_key(dir)?;
        }
        Seal::load(dir)
    }

    /// Loads the keys of `dir`; never creates one (a verifying command must not sign).
    pub fn load(dir: &Path) -> anyhow::Result<Seal> {
        let files = key_files(dir)?;
        anyhow::ensure!(!files.is_empty(), "no key in {}", dir.display());
        let mut keys = Vec::new();
        for f in &files {
            let bytes = std::fs::read(f)?;
            let secret: [u8; 32] = bytes
                .try_into()
                .map_err(|_| anyhow::anyhow!("{}: not a 32-byte key", f.display()))?;
            keys.push(SigningKey::from_bytes(&secret));
        }
        Ok(Seal::from_keys(keys))
    }

    /// Adds a new key to `dir`, which signs from the next start on; the old keys stay and stay
    /// published, so everything they signed still verifies. The new key's id.
    pub fn rotate(dir: &Path) -> anyhow::Result<String> {
        private_folder(dir)?;
        new_key(dir)
    }

    /// The secret for [`crate::domain::secret_box`]: the same in every instance sharing the
    /// key folder, and after a rotation.
    pub fn at_rest(&self) -> &[u8] {
        &self.at_rest
    }

    /// The id of the signing key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The signature of `bytes` for `purpose`, base64url.
    pub fn sign(&self, purpose: Purpose, bytes: &[u8]) -> String {
        B64.encode(self.sign_raw(purpose, bytes))
    }

    /// The signature of `bytes` for `purpose` (over the purpose's context and the bytes).
    pub fn sign_raw(&self, purpose: Purpose, bytes: &[u8]) -> [u8; 64] {
        self.signing.sign(&purpose.signed_bytes(bytes)).to_bytes()
    }

    /// The signing key's id as 8 raw bytes (the snapshot carries these).
    pub fn kid_bytes(&self) -> [u8; 8] {
        let digest = Sha256::digest(self.signing.verifying_key().as_bytes());
        let mut kid = [0u8; 8];
        kid.copy_from_slice(&digest[..8]);
        kid
    }
}

/// Whether `signature` (base64url) by key `kid` of `keys` signs `bytes` for a purpose (the
/// browser's check).
pub use shared::snapshot::verify_detached as verify;

/// The key folder, created readable by its owner only (0700 on Unix) — before any key is
/// written into it.
fn private_folder(dir: &Path) -> anyhow::Result<()> {
    let fail = |e: std::io::Error| anyhow::anyhow!("key folder {}: {e}", dir.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(fail)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(fail)?;
    Ok(())
}

/// The `*.key` files of `dir`, in name order (the last is the newest).
fn key_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("key folder {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "key"))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes a new random key, created 0600 (never readable by others, not even for a moment);
/// its id.
fn new_key(dir: &Path) -> anyhow::Result<String> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = SigningKey::from_bytes(&secret);
    let kid = key_id(&key.verifying_key());
    // Named by the time to the nanosecond, so that name order is age order (`1764633600-….key`
    // of earlier versions sorts before any later `1764633600.…-….key`).
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let stamp = format!("{}.{:09}", since.as_secs(), since.subsec_nanos());
    let name = dir.join(format!("{stamp}-{kid}.key"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    options.open(&name)?.write_all(&secret)?;
    Ok(kid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_for_its_purpose_and_one_changed_byte_does_not() {
        let seal = Seal::ephemeral();
        let doc = br#"{"uscc":"92411422MA0000015"}"#;
        let sig = seal.sign(Purpose::Licence, doc);
        assert!(verify(
            seal.public_keys(),
            Purpose::Licence,
            seal.kid(),
            doc,
            &sig
        ));
        assert!(!verify(
            seal.public_keys(),
            Purpose::ArchiveManifest,
            seal.kid(),
            doc,
            &sig
        ));
        let mut changed = doc.to_vec();
        changed[10] ^= 1;
        assert!(!verify(
            seal.public_keys(),
            Purpose::Licence,
            seal.kid(),
            &changed,
            &sig
        ));
        assert!(!verify(
            seal.public_keys(),
            Purpose::Licence,
            "0000000000000000",
            doc,
            &sig
        ));
        assert_eq!(seal.kid().len(), 16);
    }

    #[test]
    fn keys_are_private_persist_and_a_rotation_keeps_the_old_key_published() {
        let dir = std::env::temp_dir().join(format!("lianban-keys-{}", rand::random::<u64>()));
        assert!(Seal::load(&dir).is_err(), "loading never creates a key");
        assert!(!dir.exists());
        let first = Seal::load_or_create(&dir).expect("first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            for f in key_files(&dir).expect("files") {
                assert_eq!(mode(&f), 0o600, "{}", f.display());
            }
        }
        let again = Seal::load_or_create(&dir).expect("again");
        assert_eq!(first.kid(), again.kid(), "the same key on the next start");
        let old_sig = first.sign(Purpose::Snapshot, b"doc");
        let new_kid = Seal::rotate(&dir).expect("rotate");
        let rotated = Seal::load(&dir).expect("rotated");
        assert_eq!(rotated.kid(), new_kid, "the new key signs");
        assert_ne!(rotated.kid(), first.kid());
        assert!(verify(
            rotated.public_keys(),
            Purpose::Snapshot,
            first.kid(),
            b"doc",
            &old_sig
        ));
        assert_eq!(rotated.public_keys().len(), 2);
        std::fs::remove_dir_all(&dir).ok();
    }
}
