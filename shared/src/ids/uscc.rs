//! Unified social credit code 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-letter
//! alphabet, an administrative division, a GB 11714 organisation code and a MOD 31 check.

/// The code's alphabet; a character's value is its index (no I, O, S, V, Z).
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights `3^(i-1) mod 31` for positions 1..=17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a unified social credit code is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length,
    /// A character outside the code's alphabet (I, O, S, V, Z and punctuation are never used).
    Characters,
    /// Characters 3–8 are not a six-digit administrative division code.
    Region,
    /// The 18th character does not match.
    Checksum,
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (each must be in [`ALPHABET`]).
pub fn check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// The GB 11714 check character of an eight-character organisation-code body (digits and
/// capital letters, A = 10 … Z = 35): `11 − Σ v×w mod 11`, 10 → `X`, 11 → `0`.
pub fn org_check_char(first8: &[u8]) -> Option<u8> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (&c, w) in first8.iter().zip(W) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

/// Issues the code of a newly registered market entity: registration authority `9` (market
/// regulation), `entity` type (`1` enterprise, `2` individual business), the six-digit
/// `division` (county code), an organisation code `MA` + six characters from `serial` with its
/// GB 11714 check character, and the GB 32100 check character. Distinct serials give distinct
/// codes (up to 31⁶); `None` if the arguments are malformed.
pub fn issue(entity: u8, division: &str, serial: u64) -> Option<String> {
    if !matches!(entity, b'1'..=b'3')
        || division.len() != 6
        || !division.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if serial >= 31u64.pow(6) {
        return None;
    }
    let mut org = b"MA".to_vec();
    let mut digits = [0u8; 6];
    let mut n = serial;
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    org.extend_from_slice(&digits);
    org.push(org_check_char(&org)?);
    let mut code = vec![b'9', entity];
    code.extend_from_slice(division.as_bytes());
    code.extend_from_slice(&org);
    code.push(check_char(&code)?);
    String::from_utf8(code).ok()
}

/// Checks a unified social credit code and returns it normalised to upper case.
pub fn check_uscc(input: &str) -> Result<String, UsccError> {
    let code = input.trim().to_ascii_uppercase();
    let bytes = code.as_bytes();
    if bytes.len() != 18 || !code.is_ascii() {
        return Err(UsccError::Length);
    }
    if !bytes.iter().all(|&c| value(c).is_some()) {
        return Err(UsccError::Characters);
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(UsccError::Region);
    }
    if check_char(&bytes[..17]) != Some(bytes[17]) {
        return Err(UsccError::Checksum);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: [&str; 3] = [
        "91350200776049653A",
        "91440101MA5CJQ4N59",
        "913502000728319549",
    ];

    #[test]
    fn issued_codes_pass_both_checks_and_never_repeat() {
        let mut seen = std::collections::BTreeSet::new();
        for serial in (0..20_000u64).chain([31u64.pow(6) - 1]) {
            let code = issue(b'2', "411422", serial).expect("code");
            assert_eq!(check_uscc(&code), Ok(code.clone()), "{code}");
            assert_eq!(&code[..8], "92411422");
            assert_eq!(
                org_check_char(&code.as_bytes()[8..16]),
                Some(code.as_bytes()[16]),
                "{code}"
            );
            assert!(seen.insert(code));
        }
        assert_eq!(issue(b'2', "411422", 31u64.pow(6)), None);
        assert_eq!(issue(b'7', "411422", 1), None);
        assert_eq!(issue(b'1', "41142", 1), None);
    }

    #[test]
    fn the_published_examples_are_valid() {
        for code in EXAMPLES {
            assert_eq!(check_uscc(code), Ok(code.to_string()), "{code}");
        }
        assert_eq!(
            check_uscc(" 91440101ma5cjq4n59 "),
            Ok("91440101MA5CJQ4N59".into())
        );
    }

    #[test]
    fn every_one_character_change_of_the_examples_is_rejected() {
        for valid in EXAMPLES {
            for pos in 0..18 {
                for &c in ALPHABET {
                    let mut s = valid.as_bytes().to_vec();
                    if s[pos] == c {
                        continue;
                    }
                    s[pos] = c;
                    let mutated = String::from_utf8(s).expect("ascii");
                    assert!(check_uscc(&mutated).is_err(), "{mutated} passed");
                }
            }
        }
    }

    #[test]
    fn letters_outside_the_alphabet_are_rejected() {
        assert_eq!(check_uscc("9135020077604965IA"), Err(UsccError::Characters));
        assert_eq!(check_uscc("91350200776049653"), Err(UsccError::Length));
        assert_eq!(check_uscc("913A0200776049653A"), Err(UsccError::Region));
    }

    #[test]
    fn the_organisation_code_check_matches_real_codes() {
        // 77604965-3 and 07283195-4 are the organisation codes inside the examples.
        assert_eq!(org_check_char(b"77604965"), Some(b'3'));
        assert_eq!(org_check_char(b"07283195"), Some(b'4'));
    }
}
