//! Resident identity number 居民身份证号 (GB 11643-1999): region, birth date, sequence and an
//! ISO 7064 MOD 11-2 check character.

use time::{Date, Month};

/// Why a resident ID number is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 characters.
    Length,
    /// A character other than a digit (or a final X).
    Characters,
    /// The first two digits are no province-level region.
    Region,
    /// The birth date (characters 7–14) is not a real calendar date.
    BirthDate,
    /// The birth date lies after today (or before 1900).
    BirthDateRange,
    /// The check character does not match.
    Checksum,
}

/// Weights `2^(17-i) mod 11` for positions 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by `sum mod 11`.
const CHECK: [u8; 11] = *b"10X98765432";
/// Province-level region codes (first two digits) of GB/T 2260, plus Taiwan, Hong Kong, Macao.
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// The check character for the first 17 digits.
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Checks a resident ID number and returns it normalised (a lowercase `x` becomes `X`).
/// `today` bounds the birth date: nobody is born in the future.
pub fn check_resident_id(input: &str, today: Date) -> Result<String, IdError> {
    let id = input.trim().to_ascii_uppercase();
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !id.is_ascii() {
        return Err(IdError::Length);
    }
    let (body, last) = bytes.split_at(17);
    if !body.iter().all(u8::is_ascii_digit) || !(last[0].is_ascii_digit() || last[0] == b'X') {
        return Err(IdError::Characters);
    }
    if !PROVINCES.contains(&&id[0..2]) {
        return Err(IdError::Region);
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    let month = Month::try_from(num(10..12) as u8).map_err(|_| IdError::BirthDate)?;
    let birth = Date::from_calendar_date(num(6..10) as i32, month, num(12..14) as u8)
        .map_err(|_| IdError::BirthDate)?;
    if birth > today || birth.year() < 1900 {
        return Err(IdError::BirthDateRange);
    }
    if check_char(body) != last[0] {
        return Err(IdError::Checksum);
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    #[test]
    fn the_published_example_is_valid() {
        assert_eq!(
            check_resident_id("11010519491231002X", TODAY),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn a_lowercase_x_is_accepted_and_normalised() {
        assert_eq!(
            check_resident_id("11010519491231002x", TODAY),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn every_one_character_change_of_the_example_is_rejected() {
        let valid = "11010519491231002X";
        for pos in 0..18 {
            for c in "0123456789X".chars() {
                let mut s: Vec<char> = valid.chars().collect();
                if s[pos] == c {
                    continue;
                }
                s[pos] = c;
                let mutated: String = s.into_iter().collect();
                assert!(
                    check_resident_id(&mutated, TODAY).is_err(),
                    "{mutated} passed"
                );
            }
        }
    }

    #[test]
    fn impossible_and_future_birth_dates_are_rejected() {
        // 1949-02-30 does not exist; the check character is recomputed so only the date is wrong.
        let with_check = |s: &str| format!("{s}{}", check_char(s.as_bytes()) as char);
        let feb30 = with_check("11010519490230002");
        assert_eq!(check_resident_id(&feb30, TODAY), Err(IdError::BirthDate));
        let future = with_check("41142220300101001");
        assert_eq!(
            check_resident_id(&future, TODAY),
            Err(IdError::BirthDateRange)
        );
        let county = with_check("41142219900101001");
        assert!(check_resident_id(&county, TODAY).is_ok());
    }

    #[test]
    fn wrong_lengths_and_letters_are_rejected() {
        assert_eq!(
            check_resident_id("1101051949123100", TODAY),
            Err(IdError::Length)
        );
        assert_eq!(
            check_resident_id("1101051949123100A2", TODAY),
            Err(IdError::Characters)
        );
        assert_eq!(
            check_resident_id("99010519491231002X", TODAY),
            Err(IdError::Region)
        );
    }
}
