//! The applicant's unfinished form, kept on this device so that a reload or a later visit
//! continues where they left off. Cleared on submit or on request.

use shared::form::Answers;

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
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(answers)) {
        let _ = s.set_item(&key(bundle), &text);
    }
}

pub fn clear(bundle: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(bundle));
    }
}
