//! Finding an application again (查询办件 / 找回链接): the applicant gives its number and the
//! phone or e-mail on the form; if they match, a six-digit code goes to that address, and the
//! code — with the challenge only the asking browser holds — opens the private link again.
//! Neither the code nor the challenge is kept in clear: the challenge by its hash, the code by a
//! hash over both, so the database alone does not open a link. A code lives ten minutes,
//! takes five tries, and an application gets at most three an hour.
//!
//! Drafts saved on the server the same way, by the phone or e-mail on them alone (a draft has
//! no number): the code goes to that address and opens the list of its drafts not yet
//! submitted. A draft is found by its contact's key (`contact_key`), kept with it when saved.

use rand::Rng;
use shared::form::Answers;
use shared::i18n::Lang;

use super::application::{new_token, sha256_hex};
use super::notify::{Channel, Composed};

/// How long a code may be used (seconds).
pub const CODE_TTL: i64 = 600;
/// Wrong codes one challenge takes before it is spent.
pub const MAX_TRIES: i64 = 5;
/// Codes one application may be sent per [`WINDOW`].
pub const MAX_CODES: i64 = 3;
/// The window of [`MAX_CODES`] (seconds).
pub const WINDOW: i64 = 3600;

/// The longest contact looked at (an e-mail address's limit).
pub const MAX_CONTACT: usize = 254;

/// A phone number as digits only, the country code of mainland China dropped: `+86 138-0013-8000`
/// and `13800138000` are the same.
fn phone_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits,
    }
}

/// What is wrong with a request for a code, field by field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asking {
    /// The number is not shaped like one.
    pub number: bool,
    /// The contact is missing (`Some(false)`) or too long (`Some(true)`).
    pub contact: Option<bool>,
}

impl Asking {
    /// The problems of `number` (upper-cased already) and `contact` (trimmed).
    pub fn check(number: &str, contact: &str) -> Asking {
        Asking {
            number: !super::application::is_number(number),
            contact: match contact.chars().count() {
                0 => Some(false),
                n if n > MAX_CONTACT => Some(true),
                _ => None,
            },
        }
    }

    pub fn is_fine(&self) -> bool {
        *self == Asking::default()
    }
}

/// The contact as given, by its channel: an e-mail address trimmed, a phone as its digits.
pub fn given(contact: &str) -> (Channel, String) {
    let contact = contact.trim();
    if contact.contains('@') {
        (Channel::Email, contact.to_string())
    } else {
        (Channel::Sms, phone_digits(contact))
    }
}

/// Where the code goes if `contact` is the phone or the e-mail address on `answers` (the form's
/// legal representative's): the channel and the address as the form has it. An e-mail matches
/// whatever its letters' case; a phone whatever its spaces, dashes and `+86`.
pub fn address_for(answers: &Answers, contact: &str) -> Option<(Channel, String)> {
    let contact = contact.trim();
    if contact.is_empty() || contact.len() > MAX_CONTACT {
        return None;
    }
    let on_file = |key: &str| {
        answers
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if contact.contains('@') {
        let email = on_file("legal_rep.email")?;
        return email
            .eq_ignore_ascii_case(contact)
            .then_some((Channel::Email, email));
    }
    let phone = on_file("legal_rep.phone")?;
    let given = phone_digits(contact);
    (given.len() >= 7 && phone_digits(&phone) == given).then_some((Channel::Sms, phone))
}

/// The key drafts are found by for a contact, as given or as on a form: SHA-256 over its channel
/// and the contact as compared (an e-mail in lower case, a phone as its digits); `None` for
/// nothing usable (a phone of fewer than seven digits, or too long).
pub fn contact_key(contact: &str) -> Option<String> {
    if contact.trim().is_empty() || contact.len() > MAX_CONTACT {
        return None;
    }
    let (channel, compared) = match given(contact) {
        (Channel::Email, e) => (Channel::Email, e.to_lowercase()),
        (Channel::Sms, digits) if digits.len() >= 7 => (Channel::Sms, digits),
        _ => return None,
    };
    Some(sha256_hex(
        format!("{}:{compared}", channel.as_str()).as_bytes(),
    ))
}

/// The keys a draft is found by: its legal representative's phone's and e-mail's.
pub fn draft_keys(answers: &Answers) -> (Option<String>, Option<String>) {
    let key = |field: &str| {
        answers
            .get(field)
            .and_then(|v| v.as_str())
            .and_then(contact_key)
    };
    (key("legal_rep.phone"), key("legal_rep.email"))
}

/// A new challenge: what the asking browser keeps (random, 256 bits) and a six-digit code.
pub fn new_challenge() -> (String, String) {
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    (new_token(), code)
}

/// What is kept of a challenge: its hash.
pub fn challenge_hash(challenge: &str) -> String {
    sha256_hex(challenge.as_bytes())
}

/// What is kept of a code: a hash over the challenge and the code, so a stolen table does not
/// give the code away without the challenge.
pub fn code_hash(challenge: &str, code: &str) -> String {
    sha256_hex(format!("{challenge}\0{}", code.trim()).as_bytes())
}

/// Is `given` the code of `challenge` kept as `kept`? (Compared in constant time.)
pub fn code_matches(challenge: &str, given: &str, kept: &str) -> bool {
    let given = code_hash(challenge, given);
    given.len() == kept.len()
        && given
            .bytes()
            .zip(kept.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Why a code does not open the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such challenge, spent, or past its ten minutes: ask for a new code.
    Expired,
    /// Not the code: this many tries left.
    Wrong { left: i64 },
}

/// A kept challenge as the check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub expires_at: i64,
    pub tries: i64,
    pub used: bool,
}

/// Whether `kept` still takes a code at `now`.
pub fn usable(kept: &Kept, now: i64) -> Result<(), Refusal> {
    if kept.used || kept.tries >= MAX_TRIES || now >= kept.expires_at {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// The tries left after one more wrong code.
pub fn after_wrong(kept: &Kept) -> Refusal {
    match MAX_TRIES - kept.tries - 1 {
        left if left > 0 => Refusal::Wrong { left },
        _ => Refusal::Expired,
    }
}

/// The message with the code for application `number` (`None`: for the saved drafts): one
/// short text, or an e-mail that says what it is for.
pub fn compose(number: Option<&str>, code: &str, channel: Channel, lang: Lang) -> Composed {
    let minutes = CODE_TTL / 60;
    let (subject, line) = match (lang, number) {
        (Lang::Zh, Some(number)) => (
            format!("办件 {number}：找回查询链接的验证码"),
            format!(
                "【联办】验证码 {code}，用于找回办件 {number} 的查询链接，{minutes} 分钟内有效。如非本人操作，请忽略，请勿告诉他人。"
            ),
        ),
        (Lang::En, Some(number)) => (
            format!("Application {number}: your code to find it again"),
            format!(
                "[Lianban] Code {code} finds application {number} again; valid for {minutes} minutes. If you did not ask, ignore this and tell no one the code."
            ),
        ),
        (Lang::Zh, None) => (
            "找回已保存草稿的验证码".to_string(),
            format!(
                "【联办】验证码 {code}，用于找回您保存在服务器上的申请草稿，{minutes} 分钟内有效。如非本人操作，请忽略，请勿告诉他人。"
            ),
        ),
        (Lang::En, None) => (
            "Your code to find your saved drafts".to_string(),
            format!(
                "[Lianban] Code {code} finds the drafts you saved on the server; valid for {minutes} minutes. If you did not ask, ignore this and tell no one the code."
            ),
        ),
    };
    let body = match channel {
        Channel::Sms => line,
        Channel::Email => format!("{line}\n"),
    };
    Composed { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answers() -> Answers {
        serde_json::from_value(json!({
            "legal_rep.phone": "138 0013 8000",
            "legal_rep.email": "Zhang.San@example.cn",
        }))
        .expect("answers")
    }

    #[test]
    fn the_phone_or_e_mail_on_the_form_and_nothing_else() {
        let a = answers();
        let sms = Some((Channel::Sms, "138 0013 8000".to_string()));
        assert_eq!(address_for(&a, "13800138000"), sms);
        assert_eq!(address_for(&a, "+86 138-0013-8000"), sms);
        assert_eq!(address_for(&a, "8613800138000"), sms);
        let email = Some((Channel::Email, "Zhang.San@example.cn".to_string()));
        assert_eq!(address_for(&a, " zhang.san@EXAMPLE.cn "), email);
        assert_eq!(address_for(&a, "13800138001"), None);
        assert_eq!(address_for(&a, "0013"), None, "a fragment is no phone");
        assert_eq!(address_for(&a, "li.si@example.cn"), None);
        assert_eq!(address_for(&a, ""), None);
        let none: Answers = serde_json::from_value(json!({})).expect("answers");
        assert_eq!(address_for(&none, "13800138000"), None);
        assert_eq!(address_for(&none, "a@b.cn"), None);
        assert_eq!(
            given(" +86 138-0013-8000"),
            (Channel::Sms, "13800138000".into())
        );
        assert_eq!(given(" a@b.cn "), (Channel::Email, "a@b.cn".into()));
    }

    #[test]
    fn a_request_needs_a_whole_number_and_a_contact() {
        assert!(Asking::check("LB-20261206-0001", "13800138000").is_fine());
        let wrong = Asking::check("20261206", "");
        assert_eq!((wrong.number, wrong.contact), (true, Some(false)));
        let long = "a".repeat(MAX_CONTACT + 1);
        assert_eq!(Asking::check("LB-20261206-0001", &long).contact, Some(true));
    }

    #[test]
    fn a_code_opens_with_its_challenge_only() {
        let (challenge, code) = new_challenge();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let kept = code_hash(&challenge, &code);
        assert!(!kept.contains(&code));
        assert!(code_matches(&challenge, &code, &kept));
        assert!(code_matches(&challenge, &format!(" {code} "), &kept));
        let other = if code == "000000" { "000001" } else { "000000" };
        assert!(!code_matches(&challenge, other, &kept));
        let (stranger, _) = new_challenge();
        assert!(!code_matches(&stranger, &code, &kept));
        assert_ne!(challenge_hash(&challenge), challenge_hash(&stranger));
    }

    #[test]
    fn five_tries_and_ten_minutes() {
        let fresh = Kept {
            expires_at: 1_000 + CODE_TTL,
            tries: 0,
            used: false,
        };
        assert_eq!(usable(&fresh, 1_000), Ok(()));
        assert_eq!(usable(&fresh, 1_000 + CODE_TTL), Err(Refusal::Expired));
        assert_eq!(after_wrong(&fresh), Refusal::Wrong { left: 4 });
        let last = Kept { tries: 4, ..fresh };
        assert_eq!(usable(&last, 1_000), Ok(()));
        assert_eq!(after_wrong(&last), Refusal::Expired);
        let spent = Kept { tries: 5, ..fresh };
        assert_eq!(usable(&spent, 1_000), Err(Refusal::Expired));
        let used = Kept {
            used: true,
            ..fresh
        };
        assert_eq!(usable(&used, 1_000), Err(Refusal::Expired));
    }

    #[test]
    fn the_message_names_the_code_the_application_and_the_time() {
        let m = compose(Some("LB-20261206-0001"), "042917", Channel::Sms, Lang::Zh);
        assert!(m.body.starts_with("【联办】验证码 042917"), "{}", m.body);
        assert!(m.body.contains("LB-20261206-0001") && m.body.contains("10 分钟"));
        assert!(
            !m.subject.contains("042917"),
            "staff see subjects, not codes"
        );
        let m = compose(Some("LB-20261206-0001"), "042917", Channel::Email, Lang::En);
        assert!(m.body.contains("Code 042917") && m.body.contains("10 minutes"));
        assert!(
            !m.body.contains(super::super::notify::LINK),
            "no link in it"
        );
        let m = compose(None, "042917", Channel::Sms, Lang::Zh);
        assert!(m.body.contains("验证码 042917") && m.body.contains("草稿"));
        assert!(!m.subject.contains("042917"));
    }

    #[test]
    fn a_draft_is_found_by_its_phone_or_e_mail_as_compared() {
        let (phone, email) = draft_keys(&answers());
        let (phone, email) = (phone.expect("a phone"), email.expect("an e-mail"));
        assert_eq!(contact_key("+86 138-0013-8000").as_ref(), Some(&phone));
        assert_eq!(contact_key("13800138000").as_ref(), Some(&phone));
        assert_eq!(contact_key(" zhang.san@EXAMPLE.cn").as_ref(), Some(&email));
        assert_ne!(phone, email);
        assert_ne!(contact_key("13800138001").as_ref(), Some(&phone));
        assert_eq!(contact_key("0013"), None, "a fragment is no phone");
        assert_eq!(contact_key("  "), None);
        assert_eq!(contact_key(&"1".repeat(MAX_CONTACT + 1)), None);
        let none: Answers = serde_json::from_value(json!({})).expect("answers");
        assert_eq!(draft_keys(&none), (None, None));
    }
}
