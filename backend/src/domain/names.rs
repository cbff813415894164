//! 名称查重: a new business's name must not be one the county already has — an enterprise whose
//! licence is not cancelled, or someone else's registration still being decided. Names are compared whole,
//! as registered (trimmed; the form's text rules keep them to one line). What is said when it is
//! taken, in the applicant's words, at the name's field.

use shared::form::Problem;
use shared::i18n::Text;

/// The form's field with the business's name.
pub const FIELD: &str = "business.name";

/// Who has the name already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// A business registered in the county (its licence not cancelled).
    Enterprise,
    /// An application whose registration is still being decided.
    Application,
}

impl Taken {
    pub fn as_str(self) -> &'static str {
        match self {
            Taken::Enterprise => "enterprise",
            Taken::Application => "application",
        }
    }

    /// The problem shown at the name.
    pub fn problem(self) -> Problem {
        Problem::Check(match self {
            Taken::Enterprise => Text::new(
                "本县已有同名市场主体，请换一个名称（可在字号或行业表述上区分）",
                "A business in the county already has this name: choose another",
            ),
            Taken::Application => Text::new(
                "这个名称已有人申请、正在办理；如不是您本人的申请，请换一个名称",
                "An application under this name is being decided: unless it is yours, choose another",
            ),
        })
    }
}

/// The name as compared: trimmed, or `None` when there is nothing to compare.
pub fn comparable(name: &str) -> Option<&str> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= 100).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_trimmed_and_say_who_has_them() {
        assert_eq!(comparable("  睢县老张家常菜馆 "), Some("睢县老张家常菜馆"));
        assert_eq!(comparable("   "), None);
        assert_eq!(comparable(&"名".repeat(101)), None);
        let Problem::Check(words) = Taken::Enterprise.problem() else {
            panic!("a check's words");
        };
        assert!(words.zh.contains("同名"));
        assert_ne!(Taken::Application.problem(), Taken::Enterprise.problem());
    }
}
