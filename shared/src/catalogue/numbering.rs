//! Certificate numbers by each department's numbering rule (编号规则), kept in the catalogue as
//! a format: literal text and the placeholders `{division}` (the county's administrative
//! division code), `{year}` (the year of the decision) and exactly one `{serial:N}` (a serial
//! of N digits, zero-padded). The serial counts within a *series*: the number with its serial
//! left out, so a rule with `{year}` starts again at 1 every year and one without never does.

use serde::{Deserialize, Serialize};

/// An item's numbering rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// The catalogue item whose certificates it numbers.
    pub item: String,
    pub format: String,
}

/// The longest certificate number kept (as a typed one).
pub const MAX_CHARS: usize = 40;

enum Part<'a> {
    Text(&'a str),
    Division,
    Year,
    Serial(usize),
}

/// The format's parts, or what is wrong with it.
fn parts(format: &str) -> Result<Vec<Part<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = format;
    let mut serials = 0;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Part::Text(&rest[..open]));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| "a `{` is not closed".to_string())?
            + open;
        let token = &rest[open + 1..close];
        out.push(match token {
            "division" => Part::Division,
            "year" => Part::Year,
            t => match t.strip_prefix("serial:").map(str::parse::<usize>) {
                Some(Ok(n)) if (1..=12).contains(&n) => {
                    serials += 1;
                    Part::Serial(n)
                }
                Some(_) => return Err(format!("`{{{t}}}`: a serial has 1 to 12 digits")),
                None => return Err(format!("unknown placeholder `{{{t}}}`")),
            },
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    if serials != 1 {
        return Err("a format has exactly one `{serial:N}`".into());
    }
    Ok(out)
}

/// Whether `format` is a sound rule (for the catalogue's check): placeholders known, one
/// serial, and its numbers no longer than a certificate number may be.
pub fn check(format: &str) -> Result<(), String> {
    let longest = render(format, "000000", 9999, None)?.chars().count() + serial_digits(format)?;
    if longest > MAX_CHARS {
        return Err(format!(
            "its numbers are {longest} characters, at most {MAX_CHARS}"
        ));
    }
    Ok(())
}

fn serial_digits(format: &str) -> Result<usize, String> {
    Ok(parts(format)?
        .iter()
        .map(|p| if let Part::Serial(n) = p { *n } else { 0 })
        .sum())
}

/// The number for `serial` (`None`: the series, the serial left out). Refused when the
/// serial does not fit its digits.
pub fn render(
    format: &str,
    division: &str,
    year: i32,
    serial: Option<u64>,
) -> Result<String, String> {
    let mut s = String::new();
    for p in parts(format)? {
        match p {
            Part::Text(t) => s.push_str(t),
            Part::Division => s.push_str(division),
            Part::Year => s.push_str(&year.to_string()),
            Part::Serial(n) => {
                if let Some(v) = serial {
                    let text = format!("{v:0n$}");
                    if v == 0 || text.len() > n {
                        return Err(format!("serial {v} does not fit {n} digits"));
                    }
                    s.push_str(&text);
                }
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_format_and_the_series_leaves_the_serial_out() {
        let f = "JY{division}{year}{serial:5}";
        assert_eq!(
            render(f, "411422", 2026, Some(7)).as_deref(),
            Ok("JY411422202600007")
        );
        assert_eq!(
            render(f, "411422", 2026, None).as_deref(),
            Ok("JY4114222026")
        );
        let fire = "睢消安检字〔{year}〕第{serial:4}号";
        assert_eq!(
            render(fire, "411422", 2027, Some(12)).as_deref(),
            Ok("睢消安检字〔2027〕第0012号")
        );
        // Without a year the series never starts again.
        assert_eq!(
            render("豫DA{division}{serial:4}", "411422", 2030, None).as_deref(),
            Ok("豫DA411422")
        );
    }

    #[test]
    fn a_serial_that_does_not_fit_is_refused_not_cut() {
        assert!(render("{serial:2}", "", 2026, Some(99)).is_ok());
        assert!(render("{serial:2}", "", 2026, Some(100)).is_err());
        assert!(render("{serial:2}", "", 2026, Some(0)).is_err());
    }

    #[test]
    fn broken_formats_are_named() {
        assert!(check("JY{division}{year}{serial:5}").is_ok());
        assert!(
            check("JY{division}{year}")
                .expect_err("refused")
                .contains("exactly one")
        );
        assert!(
            check("{serial:3}{serial:3}")
                .expect_err("refused")
                .contains("exactly one")
        );
        assert!(
            check("{county}{serial:3}")
                .expect_err("refused")
                .contains("unknown placeholder")
        );
        assert!(
            check("{serial:0}")
                .expect_err("refused")
                .contains("1 to 12")
        );
        assert!(
            check("{serial:3")
                .expect_err("refused")
                .contains("not closed")
        );
        assert!(
            check(&format!("{}{{serial:6}}", "X".repeat(35)))
                .expect_err("refused")
                .contains("at most 40")
        );
    }
}
