//! How long what nobody finished is kept: a draft never submitted, an upload left half-way, a
//! content nothing refers to any more, a spent login throttle, an ended session. Archives and
//! the contents they or any application's files refer to are never collected.

/// The settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// A draft never submitted goes this many days after it was last saved.
    pub draft_days: u32,
    /// An upload not finished goes this many hours after its last part.
    pub unfinished_hours: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            draft_days: 30,
            unfinished_hours: 24,
        }
    }
}

/// A content must have been unclaimed this long before it may go: an upload being finished
/// right now is never mistaken for garbage.
pub const CONTENT_GRACE_SECS: i64 = 3600;
/// A login throttle that holds nobody back is forgotten after a day untouched.
pub const THROTTLE_IDLE_SECS: i64 = 24 * 3600;
/// An ended session's row is kept a day (the audit log keeps the login and logout).
pub const SESSION_AFTER_END_SECS: i64 = 24 * 3600;
/// A finished background job is shown for a week.
pub const DONE_JOB_SECS: i64 = 7 * 86_400;

/// The moments before which each kind of leftover goes, at `now` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    pub drafts: i64,
    pub unfinished: i64,
    pub contents: i64,
    pub throttles: i64,
    pub sessions: i64,
    pub jobs: i64,
}

impl Retention {
    pub fn cutoffs(&self, now: i64) -> Cutoffs {
        Cutoffs {
            drafts: now - i64::from(self.draft_days) * 86_400,
            unfinished: now - i64::from(self.unfinished_hours) * 3600,
            contents: now - CONTENT_GRACE_SECS,
            throttles: now - THROTTLE_IDLE_SECS,
            sessions: now - SESSION_AFTER_END_SECS,
            jobs: now - DONE_JOB_SECS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_for_a_draft_a_day_for_a_half_upload_an_hour_for_a_content() {
        let now = 1_800_000_000;
        let c = Retention::default().cutoffs(now);
        assert_eq!(now - c.drafts, 30 * 86_400);
        assert_eq!(now - c.unfinished, 86_400);
        assert_eq!(now - c.contents, 3600);
        let short = Retention {
            draft_days: 0,
            unfinished_hours: 0,
        }
        .cutoffs(now);
        assert_eq!((short.drafts, short.unfinished), (now, now));
    }
}
