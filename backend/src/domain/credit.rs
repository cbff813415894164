//! The dishonesty list (失信名单) and the credit check before an approval by commitment: who is
//! looked up, and what an imported list must look like (`kind,value,name,source`, every code
//! checked; one bad line and nothing is imported).

use shared::form::Answers;
use shared::records::{CreditCheck, ListedParty};
use time::Date;

use super::error::{Conflict, Error, Invalid};

/// One listed party: `kind` is `uscc` (an enterprise) or `id_number` (a person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub kind: String,
    pub value: String,
    pub name: String,
    pub source: String,
}

/// The parties an application names that the check looks up: its legal representative's ID
/// number and, if it has one, the enterprise's credit code.
pub fn parties(answers: &Answers) -> Vec<(&'static str, String)> {
    let answer = |key: &str| answers.get(key).and_then(serde_json::Value::as_str);
    let mut out = Vec::new();
    if let Some(id) = answer("legal_rep.id_number") {
        out.push(("id_number", id.to_string()));
    }
    if let Some(code) = answer("business.uscc") {
        out.push(("uscc", code.to_string()));
    }
    out
}

/// The check's record; refused (after it is recorded) if anyone is listed or barred by a
/// credit record.
pub fn verdict(check: &CreditCheck) -> Result<(), Error> {
    if !check.listed.is_empty() {
        Err(Conflict::Dishonest.into())
    } else if !check.barred.is_empty() {
        Err(Conflict::CommitmentBarred.into())
    } else {
        Ok(())
    }
}

/// The record of a check against the list imported at `imported_at` and the credit records.
pub fn check(
    imported_at: String,
    checked: usize,
    listed: Vec<ListedParty>,
    barred: Vec<ListedParty>,
) -> CreditCheck {
    CreditCheck {
        list_imported_at: imported_at,
        checked,
        listed,
        barred,
    }
}

/// Reads a list to import. Every line must have a known kind, a code that passes its check
/// and a name; otherwise the lines that fail are named (the first 20) and nothing is imported.
pub fn parse_list(csv_text: &str, today: Date) -> Result<Vec<Listed>, Error> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let Ok(r) = record else {
            problems.push(line);
            continue;
        };
        let field = |i| r.get(i).unwrap_or("");
        let (kind, value, name, source) = (field(0), field(1), field(2), field(3));
        let value = match kind {
            "uscc" => shared::ids::check_uscc(value).ok(),
            "id_number" => shared::ids::check_resident_id(value, today).ok(),
            _ => None,
        };
        match value {
            Some(value) if !name.is_empty() => entries.push(Listed {
                kind: kind.into(),
                value,
                name: name.into(),
                source: source.into(),
            }),
            _ => problems.push(line),
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        problems.truncate(20);
        Err(Invalid::ListLines(problems).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_with_one_bad_line_is_refused_naming_it() {
        let today = shared::date::parse_iso_date("2026-12-01").expect("date");
        let good = "kind,value,name,source\nid_number,11010519491231002X,张某,法院\nuscc,91350200776049653A,某公司,法院\n";
        let list = parse_list(good, today).expect("imports");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].value, "11010519491231002X");
        let bad = "kind,value,name,source\nid_number,11010519491231002X,张某,法院\nuscc,91350200776049653B,某公司,法院\nphone,1,x,y\n";
        assert_eq!(
            parse_list(bad, today),
            Err(Invalid::ListLines(vec![3, 4]).into())
        );
        assert_eq!(parse_list("kind,value,name,source\n", today), Ok(vec![]));
    }

    #[test]
    fn the_check_looks_up_the_person_and_the_enterprise_and_refuses_a_listed_one() {
        let answers: Answers = serde_json::from_value(serde_json::json!({
            "legal_rep.id_number": "11010519491231002X", "business.name": "x"
        }))
        .expect("answers");
        assert_eq!(
            parties(&answers),
            [("id_number", "11010519491231002X".to_string())]
        );
        let clean = check("2026-12-01T00:00:00Z".into(), 1, vec![], vec![]);
        assert_eq!(verdict(&clean), Ok(()));
        let listed = ListedParty {
            kind: "id_number".into(),
            name: "张某".into(),
            source: "法院".into(),
        };
        let dirty = check(
            "2026-12-01T00:00:00Z".into(),
            1,
            vec![listed.clone()],
            vec![],
        );
        assert_eq!(verdict(&dirty), Err(Conflict::Dishonest.into()));
        let barred = check("2026-12-01T00:00:00Z".into(), 1, vec![], vec![listed]);
        assert_eq!(verdict(&barred), Err(Conflict::CommitmentBarred.into()));
    }
}
