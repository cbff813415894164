//! Work that happens later or elsewhere (background jobs): what kinds there are, how long a
//! worker holds one, when a failed one is tried again and when it is given up. A job is queued
//! in the same transaction as the change that calls for it, so it is never lost and never
//! queued for a change that did not happen; any instance's worker may take it, one at a time.

use serde::{Deserialize, Serialize};

/// What a job does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// File the electronic archive of a completed application.
    Archive { application_id: i64 },
    /// Remove what nobody finished (`retention`).
    Cleanup,
    /// Sign the audit log's head.
    AuditCheckpoint,
    /// Flag the commitment follow-ups past their day (`follow_up`).
    FollowUpsOverdue,
    /// Fold the statistics' deltas into their totals (`db::statistics::fold`), so that they
    /// stay few between readings.
    StatisticsFold,
    /// File a completed application's archive again after it changed (a decision delivered,
    /// a permit ended); nothing before its first filing, which will hold the change.
    ArchiveRefile { application_id: i64 },
    /// Send one message to an applicant (`notify`), queued with the change it tells of.
    Notify { notification_id: i64 },
    /// Remind applicants of owed materials (容缺) due soon (`notify::Step::OwedDue`).
    OwedReminders,
    /// Each working day, every staff member who asked gets their list of items due by the
    /// next working day and overdue (`notify::digest`).
    StaffDigest,
    /// Pull the dishonesty list from the credit platform, when a source is configured.
    CreditSync,
}

impl Job {
    /// The name the jobs table and the back office show.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Archive { .. } => "archive",
            Job::Cleanup => "cleanup",
            Job::AuditCheckpoint => "audit_checkpoint",
            Job::FollowUpsOverdue => "follow_ups_overdue",
            Job::StatisticsFold => "statistics_fold",
            Job::Notify { .. } => "notify",
            Job::ArchiveRefile { .. } => "archive_refile",
            Job::OwedReminders => "owed_reminders",
            Job::StaffDigest => "staff_digest",
            Job::CreditSync => "credit_sync",
        }
    }

    /// At most one job with this key is ever queued: one archive per application, one
    /// periodic run per slot (`slot`).
    pub fn dedupe(&self, slot: Option<i64>) -> Option<String> {
        match (self, slot) {
            (Job::Archive { application_id }, _) => Some(format!("archive:{application_id}")),
            (Job::Notify { notification_id }, _) => Some(format!("notify:{notification_id}")),
            (_, Some(slot)) => Some(format!("{}:{slot}", self.kind())),
            (_, None) => None,
        }
    }
}

/// The periodic jobs and how often each runs, in seconds.
/// The daily ones' slots begin at 00:00 UTC: 08:00 in the county, the start of its working day.
pub const PERIODIC: [(Job, i64); 7] = [
    (Job::Cleanup, 3600),
    (Job::AuditCheckpoint, 600),
    (Job::FollowUpsOverdue, 3600),
    (Job::StatisticsFold, 600),
    (Job::OwedReminders, 3600),
    (Job::StaffDigest, 86_400),
    (Job::CreditSync, 3600),
];

/// The slot of a periodic run at `now`: every instance computes the same one, so the run is
/// queued once however many instances try.
pub fn slot(now: i64, every: i64) -> i64 {
    now.div_euclid(every)
}

/// How long a worker holds a job before another may take it over (a worker that died).
pub const LEASE_SECS: i64 = 300;
/// Tries before a job is given up (then an administrator may try it again).
pub const MAX_ATTEMPTS: i64 = 6;

/// The states of a job.
pub mod state {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const FAILED: &str = "failed";
}

/// After the `attempts`-th failed try: `Some(seconds)` until the next, doubling from half a
/// minute up to an hour; `None` once the tries are used up.
pub fn retry_in(attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = (attempts - 1).clamp(0, 20);
    Some((30i64 << doublings).min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_job_waits_longer_each_time_then_is_given_up() {
        let waits: Vec<Option<i64>> = (1..=6).map(retry_in).collect();
        assert_eq!(
            waits,
            [Some(30), Some(60), Some(120), Some(240), Some(480), None]
        );
    }

    #[test]
    fn one_archive_per_application_and_one_periodic_run_per_slot() {
        let a = Job::Archive { application_id: 7 };
        assert_eq!(a.dedupe(None).as_deref(), Some("archive:7"));
        assert_eq!(
            Job::Cleanup.dedupe(Some(slot(7200, 3600))).as_deref(),
            Some("cleanup:2")
        );
        assert_eq!(slot(7199, 3600), 1);
        let text = serde_json::to_string(&a).expect("json");
        assert_eq!(text, r#"{"kind":"archive","application_id":7}"#);
        assert_eq!(serde_json::from_str::<Job>(&text).expect("back"), a);
    }
}
