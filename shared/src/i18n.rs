//! The two languages of every page: Chinese (default) and English.

use serde::{Deserialize, Serialize};

/// A user-interface language. Chinese is the default everywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The BCP 47 tag for `<html lang>` and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language an `Accept-Language` header asks for first; Chinese unless English leads.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// A text in both languages, as the catalogue stores every name and label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: &str, en: &str) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to Chinese where the English is missing.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.zh,
        }
    }
}

/// A number as people write it: `10`, `0.5`, `1e21` never. Goes through serde_json's shortest
/// float printing, which the browser build has anyway (core's float formatting costs ~10 KB of wasm).
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return (x as i64).to_string();
    }
    serde_json::Number::from_f64(x).map_or_else(|| "?".into(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_unless_english_leads() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.5"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.5"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Text::new("饭店", "").get(Lang::En), "饭店");
        assert_eq!(number(10.0), "10");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-3.0), "-3");
    }
}
