//! One field of the integrated form: its input by kind, label, hint and error. The error comes
//! from `shared::form::validate_value`, the very function the server runs.

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;
use shared::Lang;
use shared::form::{FieldDef, FieldKind, Problem, validate_value_as};

use crate::i18n::tr;

/// What is shown under a field: our own check, or the server's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Local(Problem),
    Server(Vec<String>),
}

impl Shown {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Shown::Local(p) => p.message(lang),
            Shown::Server(m) => m.join("；"),
        }
    }
}

/// The state of one field.
#[derive(Clone)]
pub struct FieldState {
    pub def: Arc<FieldDef>,
    pub value: RwSignal<Value>,
    pub problem: RwSignal<Option<Shown>>,
    /// Left once (or submitted): from then on it is checked as the applicant types.
    pub touched: RwSignal<bool>,
    /// Asked now, by the rules (`shared::catalogue::Cart`).
    pub shown: RwSignal<bool>,
    /// Must be answered now, by the rules.
    pub required: RwSignal<bool>,
}

impl FieldState {
    pub fn new(def: FieldDef, value: Value, shown: bool, required: bool) -> FieldState {
        FieldState {
            def: Arc::new(def),
            value: RwSignal::new(value),
            problem: RwSignal::new(None),
            touched: RwSignal::new(false),
            shown: RwSignal::new(shown),
            required: RwSignal::new(required),
        }
    }

    /// Runs the shared validation on the current value, required as the rules say now; true
    /// if it passes.
    pub fn check(&self) -> bool {
        let value = self.value.get_untracked();
        let required = self.required.get_untracked();
        let problem = match validate_value_as(&self.def, required, &value, today()) {
            Ok(_) => None,
            // A number box holding text the browser could not read as a number.
            Err(Problem::WrongType) if self.def.kind == FieldKind::Number => {
                Some(Problem::NotANumber)
            }
            Err(p) => Some(p),
        };
        let ok = problem.is_none();
        self.problem.set(problem.map(Shown::Local));
        ok
    }

    pub fn dom_id(&self) -> String {
        dom_id(&self.def.key)
    }
}

/// `legal_rep.id_number` → `f-legal_rep-id_number`; a per-item copy `a.b@item` → `f-a-b--item`.
pub fn dom_id(key: &str) -> String {
    format!("f-{}", key.replace('.', "-").replace('@', "--"))
}

/// Today in the applicant's browser (birth dates inside ID numbers cannot be later).
pub fn today() -> time::Date {
    let d = js_sys::Date::new_0();
    let month = time::Month::try_from(d.get_month() as u8 + 1).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(d.get_full_year() as i32, month, d.get_date() as u8)
        .unwrap_or(time::Date::MIN)
}

pub use shared::form::display_answer;
use shared::form::text_of;

#[component]
pub fn FieldInput(state: FieldState, l: Lang) -> impl IntoView {
    let def = state.def.clone();
    let id = state.dom_id();
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let s = state.clone();
    let set_text = move |raw: String| {
        let v = if raw.is_empty() {
            Value::Null
        } else if s.def.kind == FieldKind::Number {
            raw.trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::String(raw), Value::Number)
        } else {
            Value::String(raw)
        };
        s.value.set(v);
        if s.touched.get_untracked() {
            s.check();
        }
    };
    let s = state.clone();
    let leave = move || {
        s.touched.set(true);
        s.check();
    };
    let invalid = move || state.problem.with(Option::is_some);
    let describedby = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        let has_hint = def.hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone())
            }
            if invalid() {
                ids.push(err_id.clone())
            }
            ids.join(" ")
        }
    };
    let label = def.label.clone();
    let required = state.required;
    let value = state.value;
    let input = match def.kind {
        FieldKind::Textarea => {
            let (set_text, leave) = (set_text.clone(), leave.clone());
            view! {
                <textarea id=id.clone() name=def.key.clone() rows="4" aria-invalid=move || invalid().to_string()
                    aria-describedby=describedby.clone() maxlength=def.max_chars().to_string()
                    prop:value=text_of(&value.get_untracked())
                    on:input=move |ev| set_text(event_target_value(&ev))
                    on:blur=move |_| leave()></textarea>
            }.into_any()
        }
        FieldKind::Select => {
            let opts = def.options.clone();
            let leave = leave.clone();
            view! {
                <select id=id.clone() name=def.key.clone() aria-invalid=move || invalid().to_string()
                    aria-describedby=describedby.clone()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        value.set(if v.is_empty() { Value::Null } else { Value::String(v) });
                        leave();
                    }>
                    <option value="" selected=move || value.with(Value::is_null)>{tr(l, "请选择", "Choose…")}</option>
                    {opts.into_iter().map(|o| {
                        let v = o.value.clone();
                        view! { <option value=o.value.clone() selected=move || value.with(|x| x.as_str() == Some(v.as_str()))>
                            {o.label.get(l).to_string()}
                        </option> }
                    }).collect_view()}
                </select>
            }.into_any()
        }
        FieldKind::Multiselect => {
            let opts = def.options.clone();
            let key = def.key.clone();
            view! {
                <div class="choices" id=id.clone() role="group" aria-describedby=describedby.clone()>
                    {opts.into_iter().enumerate().map(|(n, o)| {
                        let (v1, v2, leave) = (o.value.clone(), o.value.clone(), leave.clone());
                        let oid = format!("{}-{n}", dom_id(&key));
                        let for_id = oid.clone();
                        view! { <label class="choice" for=for_id>
                            <input type="checkbox" id=oid name=key.clone() value=o.value.clone()
                                prop:checked=move || value.with(|x| x.as_array().is_some_and(|a| a.iter().any(|e| e.as_str() == Some(v1.as_str()))))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    value.update(|x| {
                                        let mut list: Vec<Value> = x.as_array().cloned().unwrap_or_default();
                                        list.retain(|e| e.as_str() != Some(v2.as_str()));
                                        if on { list.push(Value::String(v2.clone())) }
                                        *x = Value::Array(list);
                                    });
                                    leave();
                                } />
                            <span>{o.label.get(l).to_string()}</span>
                        </label> }
                    }).collect_view()}
                </div>
            }.into_any()
        }
        FieldKind::Checkbox => {
            let leave = leave.clone();
            view! {
                <label class="choice declaration" for=id.clone()>
                    <input type="checkbox" id=id.clone() name=def.key.clone() aria-invalid=move || invalid().to_string()
                        aria-describedby=describedby.clone()
                        prop:checked=move || value.with(|x| x.as_bool() == Some(true))
                        on:change=move |ev| { value.set(Value::Bool(event_target_checked(&ev))); leave(); } />
                    <span>{label.get(l).to_string()}</span>
                </label>
            }.into_any()
        }
        kind => {
            let (ty, mode, auto) = match kind {
                FieldKind::Phone => ("tel", "numeric", "tel"),
                FieldKind::Email => ("email", "email", "email"),
                FieldKind::Date => ("date", "text", "off"),
                FieldKind::Number => ("text", "decimal", "off"),
                FieldKind::IdNumber | FieldKind::Uscc => ("text", "text", "off"),
                _ => ("text", "text", "on"),
            };
            let caps = if matches!(kind, FieldKind::IdNumber | FieldKind::Uscc) {
                "characters"
            } else {
                "off"
            };
            let (set_a, set_b, leave) = (set_text.clone(), set_text.clone(), leave.clone());
            view! {
                <div class="input-row">
                    <input id=id.clone() name=def.key.clone() type=ty inputmode=mode autocomplete=auto
                        autocapitalize=caps spellcheck="false"
                        aria-invalid=move || invalid().to_string() aria-describedby=describedby.clone()
                        prop:value=text_of(&value.get_untracked())
                        on:input=move |ev| set_a(event_target_value(&ev))
                        on:change=move |ev| set_b(event_target_value(&ev))
                        on:blur=move |_| leave() />
                    {def.unit.as_ref().map(|u| view! { <span class="unit">{u.get(l).to_string()}</span> })}
                </div>
            }.into_any()
        }
    };
    let is_checkbox = def.kind == FieldKind::Checkbox;
    let label2 = def.label.clone();
    let hint = def.hint.clone();
    let problem = state.problem;
    view! {
        <div class="field" class:has-error=invalid>
            {(!is_checkbox).then(|| {
                let for_id = if def.kind == FieldKind::Multiselect { None } else { Some(id.clone()) };
                view! { <label class="label" for=for_id>
                    {label2.get(l).to_string()}
                    {move || (!required.get()).then(|| view! { <span class="optional">{tr(l, "（选填）", " (optional)")}</span> })}
                </label> }
            })}
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h.get(l).to_string()}</p> })}
            {input}
            <p class="error" id=err_id aria-live="polite">{move || problem.get().map(|p| p.text(l))}</p>
        </div>
    }
}
