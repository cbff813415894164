//! What the server keeps of an idempotent request's first answer: never the answer in clear.
//! The answer to a filing holds the application's status token, so it is kept sealed
//! (ChaCha20-Poly1305) under a key derived from the client's `Idempotency-Key`, which the
//! database never holds — only a hash of it, to find the row. A retry brings the key and opens
//! the answer; whoever reads the database alone cannot. Keys are 16 to 255 visible ASCII
//! characters (a random UUID is 36), so they cannot be guessed.

use super::application::sha256_hex;
use super::secret_box;

/// The shortest key taken.
pub const MIN_KEY_LEN: usize = 16;
/// The longest key taken.
pub const MAX_KEY_LEN: usize = 255;

/// Whether a client's key is acceptable.
pub fn acceptable(key: &str) -> bool {
    (MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The row's name for a key.
pub fn lookup(key: &str) -> String {
    sha256_hex(format!("lianban/idempotency/lookup\0{key}").as_bytes())
}

const CONTEXT: &str = "lianban/idempotency/seal";

/// `answer` sealed under `key`: base64 of a random nonce and the ciphertext.
pub fn seal(key: &str, answer: &str) -> String {
    secret_box::seal(CONTEXT, key.as_bytes(), answer)
}

/// The answer sealed under `key`, or `None` if it was not sealed under it (or was changed).
pub fn open(key: &str, sealed: &str) -> Option<String> {
    secret_box::open(CONTEXT, key.as_bytes(), sealed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as B64;

    #[test]
    fn the_answer_opens_with_its_key_only_and_is_never_in_clear() {
        let key = "6f1c0c6e-8a55-4d4f-9f57-3f6a2b7c9d10";
        let answer = r#"{"number":"LB-20261202-0001","token":"secret-token"}"#;
        let sealed = seal(key, answer);
        assert!(!sealed.contains("secret") && !sealed.contains("LB-"));
        assert_eq!(open(key, &sealed).as_deref(), Some(answer));
        assert_eq!(open("6f1c0c6e-8a55-4d4f-9f57-3f6a2b7c9d11", &sealed), None);
        let mut changed = B64.decode(&sealed).expect("b64");
        changed[20] ^= 1;
        assert_eq!(open(key, &B64.encode(changed)), None);
        assert_ne!(seal(key, answer), sealed, "a fresh nonce each time");
        assert_ne!(lookup(key), sha256_hex(key.as_bytes()));
        assert!(!lookup(key).contains(key));
    }

    #[test]
    fn keys_are_long_enough_not_to_be_guessed() {
        assert!(acceptable("6f1c0c6e-8a55-4d4f-9f57-3f6a2b7c9d10"));
        assert!(!acceptable("retry-1"));
        assert!(!acceptable("has a space in it!"));
        assert!(!acceptable(&"k".repeat(256)));
    }
}
