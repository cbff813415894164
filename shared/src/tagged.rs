//! Reading an enum tagged by a field (`{"kind": "change", …}`) from a `serde_json::Value`, by
//! hand: serde's derived reader for an internally tagged enum buffers its content and is large
//! in WebAssembly, while the apps carry `Value`'s reader anyway. Unknown keys are refused, as
//! `deny_unknown_fields` would.

use serde_json::{Map, Value};

/// `body` as a table holding `keys` and nothing else.
pub fn table<'a>(
    what: &str,
    body: &'a Value,
    keys: &[&str],
) -> Result<&'a Map<String, Value>, String> {
    let o = body
        .as_object()
        .ok_or_else(|| format!("{what}: expected an object, found {body}"))?;
    if let Some(k) = o.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(format!("{what}: unknown field `{k}`"));
    }
    if let Some(k) = keys.iter().find(|k| !o.contains_key(**k)) {
        return Err(format!("{what}: missing field `{k}`"));
    }
    Ok(o)
}

/// The text at `key` of `o`.
pub fn text(what: &str, o: &Map<String, Value>, key: &str) -> Result<String, String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("{what}: `{key}` must be text"))
}

/// The whole number at `key` of `o`.
pub fn integer(what: &str, o: &Map<String, Value>, key: &str) -> Result<i64, String> {
    o.get(key)
        .and_then(Value::as_i64)
        .ok_or_else(|| format!("{what}: `{key}` must be a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exactly_the_keys_asked_each_of_its_kind() {
        let v = json!({"kind": "cancel", "permit": 7, "reason": "歇业"});
        let o = table("cancel", &v, &["kind", "permit", "reason"]).expect("table");
        assert_eq!(integer("cancel", o, "permit"), Ok(7));
        assert_eq!(text("cancel", o, "reason").as_deref(), Ok("歇业"));
        assert!(text("cancel", o, "permit").is_err());
        assert!(integer("cancel", o, "reason").is_err());
        assert_eq!(
            table("cancel", &v, &["kind", "reason"]).err().as_deref(),
            Some("cancel: unknown field `permit`")
        );
        assert_eq!(
            table("cancel", &v, &["kind", "permit", "reason", "day"])
                .err()
                .as_deref(),
            Some("cancel: missing field `day`")
        );
        assert!(table("cancel", &json!("x"), &[]).is_err());
    }
}
