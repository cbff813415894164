//! What can be wrong with one answer, and how to say it in each language. The server sends
//! these sentences in its field errors; the browser shows the very same ones.

use crate::Lang;
use crate::ids::{IdError, UsccError};

/// One problem with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Required,
    /// The form has no such field.
    UnknownField,
    /// The JSON value has the wrong type for the field (e.g. a number for a text).
    WrongType,
    TooLong {
        max: usize,
    },
    Id(IdError),
    Uscc(UsccError),
    Phone,
    Email,
    Date,
    NotANumber,
    TooSmall {
        min: f64,
    },
    TooLarge {
        max: f64,
    },
    UnknownOption,
    TooManyOptions,
    /// An existing business's registered fact (its name, its legal representative…): changed
    /// through the change procedure, not in a new form.
    Registered,
    /// A check across answers failed (the catalogue's `checks`): its own words.
    Check(crate::i18n::Text),
}

impl Problem {
    /// The sentence an applicant reads under the field.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
        match self {
            Problem::Required => pick("此项为必填项", "This field is required"),
            Problem::UnknownField => pick("表单中没有此项", "This form has no such field"),
            Problem::WrongType => pick("填写内容的类型不正确", "The answer has the wrong type"),
            Problem::TooLong { max } => {
                if zh {
                    format!("最多 {max} 个字")
                } else {
                    format!("At most {max} characters")
                }
            }
            Problem::Id(e) => id_message(*e, zh),
            Problem::Uscc(e) => uscc_message(*e, zh),
            Problem::Phone => pick(
                "请输入 11 位手机号码（1 开头，第二位为 3–9）",
                "Enter an 11-digit mainland mobile number (1, then 3–9)",
            ),
            Problem::Email => pick("电子邮箱格式不正确", "This is not a valid email address"),
            Problem::Date => pick(
                "请输入有效日期（年-月-日）",
                "Enter a real date (YYYY-MM-DD)",
            ),
            Problem::NotANumber => pick("请输入数字", "Enter a number"),
            Problem::TooSmall { min } => {
                let min = crate::i18n::number(*min);
                if zh {
                    format!("不能小于 {min}")
                } else {
                    format!("Must be at least {min}")
                }
            }
            Problem::TooLarge { max } => {
                let max = crate::i18n::number(*max);
                if zh {
                    format!("不能大于 {max}")
                } else {
                    format!("Must be at most {max}")
                }
            }
            Problem::UnknownOption => pick("请从列表中选择", "Choose one of the listed options"),
            Problem::TooManyOptions => pick("选项过多", "Too many options chosen"),
            Problem::Check(words) => words.get(lang).to_string(),
            Problem::Registered => pick(
                "此项以营业执照登记为准；如需变更，请在办理进度页提交变更申请",
                "This is what the licence registers: change it through a change request",
            ),
        }
    }
}

fn id_message(e: IdError, zh: bool) -> String {
    let (z, en) = match e {
        IdError::Length => ("身份证号码应为 18 位", "An ID number has 18 characters"),
        IdError::Characters => (
            "身份证号码只能是数字，最后一位可以是 X",
            "An ID number is digits, the last may be X",
        ),
        IdError::Region => (
            "身份证号码前两位不是有效的省级行政区划代码",
            "The region code is not valid",
        ),
        IdError::BirthDate => (
            "身份证号码中的出生日期不存在",
            "The birth date in the ID number does not exist",
        ),
        IdError::BirthDateRange => (
            "身份证号码中的出生日期不合理",
            "The birth date in the ID number is not possible",
        ),
        IdError::Checksum => (
            "身份证号码校验位不正确，请核对",
            "The check character of the ID number is wrong: please check the number",
        ),
    };
    if zh { z.into() } else { en.into() }
}

fn uscc_message(e: UsccError, zh: bool) -> String {
    let (z, en) = match e {
        UsccError::Length => (
            "统一社会信用代码应为 18 位",
            "A unified social credit code has 18 characters",
        ),
        UsccError::Characters => (
            "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）",
            "The code has a character that is never used (no I, O, S, V, Z)",
        ),
        UsccError::Region => (
            "第 3–8 位应为行政区划代码",
            "Characters 3–8 must be a division code",
        ),
        UsccError::Checksum => (
            "统一社会信用代码校验位不正确，请核对",
            "The check character of the code is wrong: please check the code",
        ),
    };
    if zh { z.into() } else { en.into() }
}
