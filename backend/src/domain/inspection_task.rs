//! The result of a 双随机 inspection visit: which results there are, what each needs (a
//! rectification its deadline, a failure or a rectification the facts, every checklist line
//! answered unless the enterprise was not found), the re-check of an order to rectify by its day
//! (整改到位, or a failure), and which credit record each writes.
//!
//! A task is `open` until visited; then `recorded`, or `rectifying` when the visit ordered a
//! rectification by a day (always for `rectify`, for `failed` when a day is given) — until the
//! re-check records `rectified` or `failed`.

use shared::files::FileKind;
use shared::supervision::{InspectionFinding, RECHECK_RESULTS, RESULTS};
use time::Date;

use super::error::{Conflict, Error, Invalid, message};

/// The states of a task.
pub mod state {
    pub const OPEN: &str = "open";
    pub const RECTIFYING: &str = "rectifying";
    pub const RECORDED: &str = "recorded";
}

/// A checked result, ready to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub result: &'static str,
    pub rectify_by: Option<String>,
    pub note: Option<String>,
    pub checks: Vec<bool>,
    /// Whether this is the re-check of a rectification (else the visit).
    pub recheck: bool,
    /// The task's state afterwards.
    pub state_after: &'static str,
}

/// Checks what an inspector sends for a task in `state` whose items have `lines` checklist
/// lines in all: the visit's result for an open task, the re-check's for a rectifying one.
pub fn finding(
    state: &str,
    lines: usize,
    req: &InspectionFinding,
    today: Date,
) -> Result<Checked, Error> {
    let note = note(req)?;
    match state {
        state::OPEN => visit(lines, req, note, today),
        state::RECTIFYING => recheck(req, note),
        _ => Err(Conflict::TaskRecorded.into()),
    }
}

fn note(req: &InspectionFinding) -> Result<Option<String>, Error> {
    let written = req.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    let note = message(req.note.as_deref());
    if written && note.is_none() {
        return Err(Invalid::NoteTooLong.into());
    }
    Ok(note.map(str::to_string))
}

fn visit(
    lines: usize,
    req: &InspectionFinding,
    note: Option<String>,
    today: Date,
) -> Result<Checked, Error> {
    let result = RESULTS
        .into_iter()
        .find(|r| *r == req.result)
        .ok_or(Invalid::TaskResult)?;
    let answered = req.checks.len() == lines;
    if !(answered || (result == "not_found" && req.checks.is_empty())) {
        return Err(Invalid::TaskChecks.into());
    }
    if matches!(result, "rectify" | "failed") && note.is_none() {
        return Err(Invalid::TaskNote.into());
    }
    let day = req
        .rectify_by
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| shared::date::parse_iso_date(d).filter(|d| *d > today));
    let rectify_by = match (result, day) {
        ("rectify" | "failed", Some(Some(d))) => Some(shared::date::format_iso_date(d)),
        ("rectify", _) | ("failed", Some(None)) => return Err(Invalid::RectifyBy.into()),
        _ => None,
    };
    Ok(Checked {
        result,
        state_after: if rectify_by.is_some() {
            state::RECTIFYING
        } else {
            state::RECORDED
        },
        rectify_by,
        note,
        checks: req.checks.clone(),
        recheck: false,
    })
}

fn recheck(req: &InspectionFinding, note: Option<String>) -> Result<Checked, Error> {
    let result = RECHECK_RESULTS
        .into_iter()
        .find(|r| *r == req.result)
        .ok_or(Invalid::TaskResult)?;
    if result == "failed" && note.is_none() {
        return Err(Invalid::TaskNote.into());
    }
    Ok(Checked {
        result,
        rectify_by: None,
        note,
        checks: req.checks.clone(),
        recheck: true,
        state_after: state::RECORDED,
    })
}

/// Working days the re-check of a rectifying task is late on `today` (its day to rectify by
/// passed and nothing recorded since); `None` otherwise.
pub fn recheck_late(
    state_now: &str,
    rectify_by: Option<&str>,
    today: Date,
    calendar: &shared::calendar::Calendar,
) -> Option<u32> {
    let due = shared::date::parse_iso_date(rectify_by?)?;
    (state_now == state::RECTIFYING)
        .then(|| super::clock::days_late(due, today, calendar))
        .flatten()
}

/// Photos a task may hold.
pub const MAX_PHOTOS: usize = 10;

/// Whether a photo may join a task in `state` that holds `held` photos: JPEG or PNG by its
/// bytes, while the task is not closed, ten at most.
pub fn photo(state_now: &str, bytes: &[u8], held: usize) -> Result<FileKind, Error> {
    if state_now == state::RECORDED {
        return Err(Conflict::TaskRecorded.into());
    }
    let kind = shared::files::sniff(&bytes[..bytes.len().min(16)])
        .filter(|k| matches!(k, FileKind::Jpeg | FileKind::Png))
        .ok_or(Invalid::TaskPhoto)?;
    if held >= MAX_PHOTOS {
        return Err(Invalid::TaskPhoto.into());
    }
    Ok(kind)
}

/// The credit record a result writes (`catalogue/credit.toml`), if any.
pub fn credit_kind(result: &str) -> Option<&'static str> {
    match result {
        "failed" => Some("inspection_failed"),
        "rectified" => Some("rectified"),
        _ => None,
    }
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
        assert_eq!(ok.state_after, state::RECTIFYING);
        assert_eq!(
            finding("recorded", 2, &req("passed", vec![true, true]), today),
            Err(Conflict::TaskRecorded.into())
        );
        assert_eq!(credit_kind("failed"), Some("inspection_failed"));
        assert_eq!(credit_kind("rectify"), None);
    }

    #[test]
    fn an_order_to_rectify_is_rechecked_once() {
        let today = shared::date::parse_iso_date("2026-12-04").expect("day");
        // A failure without a day is final; with one, it waits for the re-check too.
        let mut failed = req("failed", vec![false, true]);
        failed.note = Some("无健康证明".into());
        let final_one = finding("open", 2, &failed, today).expect("ok");
        assert_eq!(final_one.state_after, state::RECORDED);
        failed.rectify_by = Some("2026-12-20".into());
        let waits = finding("open", 2, &failed, today).expect("ok");
        assert_eq!(waits.state_after, state::RECTIFYING);
        failed.rectify_by = Some("2026-12-01".into());
        assert_eq!(
            finding("open", 2, &failed, today),
            Err(Invalid::RectifyBy.into())
        );
        // The re-check: rectified or failed (with the facts), nothing else.
        assert_eq!(
            finding("rectifying", 2, &req("passed", vec![]), today),
            Err(Invalid::TaskResult.into())
        );
        assert_eq!(
            finding("rectifying", 2, &req("failed", vec![]), today),
            Err(Invalid::TaskNote.into())
        );
        let done = finding("rectifying", 2, &req("rectified", vec![]), today).expect("ok");
        assert!(done.recheck);
        assert_eq!(
            (done.result, done.state_after),
            ("rectified", state::RECORDED)
        );
        assert_eq!(credit_kind("rectified"), Some("rectified"));
        let calendar = shared::calendar::Calendar::new(&[]).expect("calendar");
        let day = |s| shared::date::parse_iso_date(s).expect("day");
        // Due Friday 2026-12-18: late from Monday, by working days.
        let late = |state, on| recheck_late(state, Some("2026-12-18"), day(on), &calendar);
        assert_eq!(late("rectifying", "2026-12-18"), None);
        assert_eq!(late("rectifying", "2026-12-22"), Some(2));
        assert_eq!(late("recorded", "2026-12-22"), None);
    }

    #[test]
    fn a_photo_is_a_jpeg_or_png_of_a_task_not_closed() {
        let png = b"\x89PNG\r\n\x1a\n0000000000";
        assert_eq!(photo("open", png, 0), Ok(FileKind::Png));
        assert_eq!(
            photo("rectifying", b"\xff\xd8\xff\xe0", 9),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            photo("open", b"%PDF-1.7", 0),
            Err(Invalid::TaskPhoto.into())
        );
        assert_eq!(photo("open", png, 10), Err(Invalid::TaskPhoto.into()));
        assert_eq!(
            photo("recorded", png, 0),
            Err(Conflict::TaskRecorded.into())
        );
    }
}
