//! The applicant's unfinished form, kept on this device so that a reload or a later visit
//! continues where they left off. Cleared on submit or on request; never kept at the counter
//! (a clerk filling the form for a walk-in applicant), and a public computer clears every
//! draft it holds from the form's page.

use std::cell::Cell;

use shared::form::Answers;

thread_local! {
    static COUNTER: Cell<bool> = const { Cell::new(false) };
}

/// Counter mode from now on: nothing of the form is kept on this computer, and what was is
/// gone.
pub fn set_counter() {
    COUNTER.with(|c| c.set(true));
    clear_device();
}

/// Is this the counter's computer (a clerk filing for a walk-in applicant)?
pub fn counter() -> bool {
    COUNTER.with(Cell::get)
}

/// Every draft this device keeps — each bundle's answers and server-draft link.
pub fn clear_device() {
    let Some(s) = storage() else {
        return;
    };
    let len = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..len).filter_map(|i| s.key(i).ok().flatten()).collect();
    for k in keys
        .iter()
        .filter(|k| k.starts_with("lianban.draft.") || k.starts_with("lianban.server-draft."))
    {
        let _ = s.remove_item(k);
    }
}

fn key(bundle: &str) -> String {
    format!("lianban.draft.{bundle}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load(bundle: &str) -> Answers {
    storage()
        .and_then(|s| s.get_item(&key(bundle)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn save(bundle: &str, answers: &Answers) {
    if counter() {
        return;
    }
    // Nothing answered is no draft (a cleared device stays clear).
    if answers.is_empty() {
        return clear(bundle);
    }
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(answers)) {
        let _ = s.set_item(&key(bundle), &text);
    }
}

pub fn clear(bundle: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(bundle));
    }
}
