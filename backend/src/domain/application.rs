//! Application numbers (`LB-20261128-0007`) and the secret status token.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::Date;

/// `YYYYMMDD` of a date, the day part of a number.
pub fn day_code(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `LB-<day>-<sequence>`, the sequence at least four digits.
pub fn format_number(day: &str, seq: i64) -> String {
    format!("LB-{day}-{seq:04}")
}

/// Is `s` shaped like an application number? (Anything else is not looked up.)
pub fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 16
        && b.len() <= 20
        && s.starts_with("LB-")
        && b[11] == b'-'
        && b[3..11].iter().all(u8::is_ascii_digit)
        && b[12..].iter().all(u8::is_ascii_digit)
}

/// A fresh unguessable token: 256 random bits, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its SHA-256, hex. A leaked database reveals no token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// SHA-256 of any bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_the_published_shape() {
        let d = Date::from_calendar_date(2026, time::Month::November, 28).expect("date");
        let n = format_number(&day_code(d), 7);
        assert_eq!(n, "LB-20261128-0007");
        assert!(is_number(&n));
        assert!(is_number("LB-20261128-12345"));
        assert!(!is_number("LB-2026112-0007"));
        assert!(!is_number("../etc/passwd"));
    }

    #[test]
    fn tokens_are_unique_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
    }
}
