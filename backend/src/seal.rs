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

pub use shared::snapshot::PublicKey;

/// The signing key and every public key.
#[derive(Clone)]
pub struct Seal {
    signing: SigningKey,
    kid: String,
    keys: Vec<PublicKey>,
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
        let signing = keys.pop().unwrap_or_else(|| {
            let mut secret = [0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            SigningKey::from_bytes(&secret)
        });
        let mut published: Vec<PublicKey> =
            keys.iter().map(|k| public(&k.verifying_key())).collect();
        published.push(public(&signing.verifying_key()));
        Seal {
            kid: key_id(&signing.verifying_key()),
            signing,
            keys: published,
        }
    }

    /// Loads every `*.key` of `dir` (32 raw secret bytes each, in name order: the last signs),
    /// creating the folder and a first key if there is none. The folder must not be readable
    /// by others (mode 0700 on Unix).
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Seal> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("key folder {}: {e}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "key"))
            .collect();
        files.sort();
        if files.is_empty() {
            let mut secret = [0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            let key = SigningKey::from_bytes(&secret);
            let name = dir.join(format!(
                "{}-{}.key",
                crate::domain::clock::now_unix(),
                key_id(&key.verifying_key())
            ));
            std::fs::write(&name, secret)?;
            files.push(name);
        }
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

    /// The id of the signing key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The signature of `bytes`, base64url.
    pub fn sign(&self, bytes: &[u8]) -> String {
        B64.encode(self.sign_raw(bytes))
    }

    pub fn sign_raw(&self, bytes: &[u8]) -> [u8; 64] {
        self.signing.sign(bytes).to_bytes()
    }

    /// The signing key's id as 8 raw bytes (the snapshot carries these).
    pub fn kid_bytes(&self) -> [u8; 8] {
        let digest = Sha256::digest(self.signing.verifying_key().as_bytes());
        let mut kid = [0u8; 8];
        kid.copy_from_slice(&digest[..8]);
        kid
    }
}

/// Whether `signature` (base64url) by key `kid` of `keys` signs `bytes` (the browser's check).
pub use shared::snapshot::verify_detached as verify;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_one_changed_byte_does_not() {
        let seal = Seal::ephemeral();
        let doc = br#"{"uscc":"92411422MA0000015"}"#;
        let sig = seal.sign(doc);
        assert!(verify(seal.public_keys(), seal.kid(), doc, &sig));
        let mut changed = doc.to_vec();
        changed[10] ^= 1;
        assert!(!verify(seal.public_keys(), seal.kid(), &changed, &sig));
        assert!(!verify(seal.public_keys(), "0000000000000000", doc, &sig));
        assert_eq!(seal.kid().len(), 16);
    }

    #[test]
    fn keys_persist_and_a_rotation_keeps_the_old_key_published() {
        let dir = std::env::temp_dir().join(format!("lianban-keys-{}", rand::random::<u64>()));
        let first = Seal::load_or_create(&dir).expect("first");
        let again = Seal::load_or_create(&dir).expect("again");
        assert_eq!(first.kid(), again.kid(), "the same key on the next start");
        let old_sig = first.sign(b"doc");
        // Rotation: a newer key file signs from now on; the old one stays verifiable.
        std::fs::write(dir.join("9999999999-new.key"), [7u8; 32]).expect("new key");
        let rotated = Seal::load_or_create(&dir).expect("rotated");
        assert_ne!(rotated.kid(), first.kid());
        assert!(verify(rotated.public_keys(), first.kid(), b"doc", &old_sig));
        std::fs::remove_dir_all(&dir).ok();
    }
}
