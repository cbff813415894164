//! Text kept sealed at rest (ChaCha20-Poly1305 under a key derived from a context string and a
//! secret): base64 of a random nonce and the ciphertext. Whoever reads the database alone
//! cannot open it; a changed byte makes it unopenable. Used for an idempotent request's first
//! answer (the key is the client's) and an application's private link (the key is the
//! server's, so the notification job can write the link into a message).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

fn cipher(context: &str, secret: &[u8]) -> ChaCha20Poly1305 {
    let mut hasher = Sha256::new();
    hasher.update(context.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    ChaCha20Poly1305::new(&hasher.finalize())
}

/// `plain` sealed for `context` under `secret`.
pub fn seal(context: &str, secret: &[u8], plain: &str) -> String {
    let mut nonce = [0u8; 12];
    rand::rng().fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    // Encryption with a fresh nonce cannot fail for a text this size.
    out.extend(
        cipher(context, secret)
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .unwrap_or_default(),
    );
    B64.encode(out)
}

/// The text sealed for `context` under `secret`, or `None` if it was not (or was changed).
pub fn open(context: &str, secret: &[u8], sealed: &str) -> Option<String> {
    let bytes = B64.decode(sealed).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let plain = cipher(context, secret)
        .decrypt(&Nonce::from(nonce), ciphertext)
        .ok()?;
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_with_its_context_and_secret_only() {
        let sealed = seal("lianban/test", b"secret", "the token");
        assert!(!sealed.contains("token"));
        assert_eq!(
            open("lianban/test", b"secret", &sealed).as_deref(),
            Some("the token")
        );
        assert_eq!(open("lianban/other", b"secret", &sealed), None);
        assert_eq!(open("lianban/test", b"secreT", &sealed), None);
        let mut changed = B64.decode(&sealed).expect("b64");
        changed[20] ^= 1;
        assert_eq!(open("lianban/test", b"secret", &B64.encode(changed)), None);
        assert_ne!(
            seal("lianban/test", b"secret", "the token"),
            sealed,
            "a fresh nonce"
        );
    }
}
