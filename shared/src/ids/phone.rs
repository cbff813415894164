//! Mainland mobile numbers: 11 digits, `1[3-9]` then nine digits (no regex in the browser).

/// Checks a mainland mobile number; spaces and dashes people type are removed.
pub fn check_mobile(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let b = digits.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    ok.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::check_mobile;

    #[test]
    fn mainland_mobiles_are_checked() {
        assert_eq!(
            check_mobile("138 0013 8000").as_deref(),
            Some("13800138000")
        );
        assert_eq!(check_mobile("12800138000"), None);
        assert_eq!(check_mobile("1380013800"), None);
        assert_eq!(check_mobile("1380013800a"), None);
        assert_eq!(check_mobile("23800138000"), None);
    }
}
