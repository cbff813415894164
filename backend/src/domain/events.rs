//! The event feed's rules: which part of an application an audit entry's subject names (the
//! feed follows applications, their items and their inspections — what the history page
//! shows), and how an entry is written as a CloudEvent.

use shared::events::{CloudEvent, EventData};
use shared::staff::HistoryEntry;

/// The most events one page gives.
pub const MAX_PAGE: i64 = 500;
/// How many audit entries one look scans for the caller's events.
pub const SCAN: i64 = 1000;
/// The longest a request waits for an event (long poll, seconds).
pub const MAX_WAIT: u64 = 25;

/// What an audit entry's subject names, as the feed follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject<'a> {
    Application(&'a str),
    Item(i64),
    Inspection(i64),
    /// Anything else (staff accounts, drafts, plans…): not in the feed.
    Other,
}

impl<'a> Subject<'a> {
    pub fn of(subject: &'a str) -> Subject<'a> {
        let id = |s: &str| s.parse::<i64>().ok();
        match subject.split_once(' ') {
            Some(("application", n)) => Subject::Application(n),
            Some(("item", i)) => id(i).map_or(Subject::Other, Subject::Item),
            Some(("inspection", i)) => id(i).map_or(Subject::Other, Subject::Inspection),
            _ => Subject::Other,
        }
    }
}

/// A history entry of application `number` as a CloudEvent of `source`.
pub fn cloud_event(source: &str, number: &str, e: HistoryEntry) -> CloudEvent {
    CloudEvent {
        specversion: "1.0".into(),
        id: e.seq.to_string(),
        source: source.into(),
        kind: format!("cn.lianban.{}", e.action),
        subject: e.subject,
        time: e.at,
        datacontenttype: "application/json".into(),
        position: e.seq,
        data: EventData {
            application: number.into(),
            action: e.action,
            actor: e.actor,
            role: e.role,
            who: e.who,
            what: e.what,
            about: e.about,
            after: e.after,
        },
    }
}

/// Where the next page starts: after the last event given when the page is full (the rest of
/// the scan comes again), else after everything scanned.
pub fn next(given: &[CloudEvent], limit: usize, scanned_to: i64) -> i64 {
    match given.last() {
        Some(last) if given.len() >= limit => last.position,
        _ => scanned_to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::i18n::Text;

    #[test]
    fn subjects_the_feed_follows() {
        assert_eq!(
            Subject::of("application LB-20261206-0001"),
            Subject::Application("LB-20261206-0001")
        );
        assert_eq!(Subject::of("item 12"), Subject::Item(12));
        assert_eq!(Subject::of("inspection 3"), Subject::Inspection(3));
        assert_eq!(Subject::of("item x"), Subject::Other);
        assert_eq!(Subject::of("staff root"), Subject::Other);
        assert_eq!(Subject::of("enterprise"), Subject::Other);
    }

    #[test]
    fn an_entry_as_a_cloud_event_and_where_the_next_page_starts() {
        let entry = HistoryEntry {
            seq: 42,
            at: "2026-12-06T01:02:03Z".into(),
            actor: "psb-system".into(),
            role: "reviewer".into(),
            action: "review.approve".into(),
            subject: "item 7".into(),
            who: Text::new("县公安局 · 系统", "Public security · system"),
            what: Text::new("准予许可", "Approved"),
            about: None,
            after: serde_json::json!({"certificate": "GA-1"}),
        };
        let e = cloud_event("https://lianban.example/api/events", "LB-1", entry);
        let v = serde_json::to_value(&e).expect("json");
        assert_eq!(v["specversion"], "1.0");
        assert_eq!(v["type"], "cn.lianban.review.approve");
        assert_eq!(
            (v["id"].as_str(), v["position"].as_i64()),
            (Some("42"), Some(42))
        );
        assert_eq!(v["data"]["application"], "LB-1");
        assert_eq!(
            next(std::slice::from_ref(&e), 1, 90),
            42,
            "a full page: after its last"
        );
        assert_eq!(
            next(std::slice::from_ref(&e), 2, 90),
            90,
            "else after the scan"
        );
        assert_eq!(next(&[], 2, 90), 90);
    }
}
