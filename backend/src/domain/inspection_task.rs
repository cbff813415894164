//! The result of a 双随机 inspection visit: which results there are, what each needs (a
//! rectification its deadline, a failure or a rectification the facts, every checklist line
//! answered unless the enterprise was not found), and which credit record a result writes.

use shared::supervision::{InspectionFinding, RESULTS};
use time::Date;

use super::error::{Conflict, Error, Invalid, message};

/// A checked result, ready to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub result: &'static str,
    pub rectify_by: Option<String>,
    pub note: Option<String>,
    pub checks: Vec<bool>,
}

/// Checks what an inspector sends for a task in `state` whose items have `lines` checklist
/// lines in all.
pub fn finding(
    state: &str,
    lines: usize,
    req: &InspectionFinding,
    today: Date,
) -> Result<Checked, Error> {
    if state != "open" {
        return Err(Conflict::TaskRecorded.into());
    }
    let result = RESULTS
        .into_iter()
        .find(|r| *r == req.result)
        .ok_or(Invalid::TaskResult)?;
    let answered = req.checks.len() == lines;
    if !(answered || (result == "not_found" && req.checks.is_empty())) {
        return Err(Invalid::TaskChecks.into());
    }
    let written = req.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    let note = message(req.note.as_deref());
    if written && note.is_none() {
        return Err(Invalid::NoteTooLong.into());
    }
    if matches!(result, "rectify" | "failed") && note.is_none() {
        return Err(Invalid::TaskNote.into());
    }
    let rectify_by = match result {
        "rectify" => {
            let day = req
                .rectify_by
                .as_deref()
                .and_then(shared::date::parse_iso_date)
                .filter(|d| *d > today)
                .ok_or(Invalid::RectifyBy)?;
            Some(shared::date::format_iso_date(day))
        }
        _ => None,
    };
    Ok(Checked {
        result,
        rectify_by,
        note: note.map(str::to_string),
        checks: req.checks.clone(),
    })
}

/// The credit record a result writes (`catalogue/credit.toml`), if any.
pub fn credit_kind(result: &str) -> Option<&'static str> {
    (result == "failed").then_some("inspection_failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(result: &str, checks: Vec<bool>) -> InspectionFinding {
        InspectionFinding {
            result: result.into(),
            rectify_by: None,
            note: None,
            checks,
        }
    }

    #[test]
    fn each_result_needs_what_it_needs() {
        let today = shared::date::parse_iso_date("2026-12-04").expect("day");
        let passed = finding("open", 2, &req("passed", vec![true, true]), today).expect("ok");
        assert_eq!((passed.result, passed.rectify_by), ("passed", None));
        assert_eq!(
            finding("open", 2, &req("passed", vec![true]), today),
            Err(Invalid::TaskChecks.into())
        );
        assert_eq!(
            finding("open", 2, &req("closed", vec![true, true]), today),
            Err(Invalid::TaskResult.into())
        );
        assert!(finding("open", 2, &req("not_found", vec![]), today).is_ok());
        let mut rectify = req("rectify", vec![true, false]);
        rectify.note = Some("健康证过期".into());
        assert_eq!(
            finding("open", 2, &rectify, today),
            Err(Invalid::RectifyBy.into())
        );
        rectify.rectify_by = Some("2026-12-04".into());
        assert_eq!(
            finding("open", 2, &rectify, today),
            Err(Invalid::RectifyBy.into())
        );
        rectify.rectify_by = Some("2026-12-18".into());
        let ok = finding("open", 2, &rectify, today).expect("ok");
        assert_eq!(ok.rectify_by.as_deref(), Some("2026-12-18"));
        rectify.note = None;
        assert_eq!(
            finding("open", 2, &rectify, today),
            Err(Invalid::TaskNote.into())
        );
        assert_eq!(
            finding("recorded", 2, &req("passed", vec![true, true]), today),
            Err(Conflict::TaskRecorded.into())
        );
        assert_eq!(credit_kind("failed"), Some("inspection_failed"));
        assert_eq!(credit_kind("rectify"), None);
    }
}
