//! An applicant's answers to one bundle and the cart the rules derive from them, shared by the
//! bundle page (its questions) and the integrated form (every field). The cart comes from
//! `BundleView::resolve`, the function the server runs on submit; the answers are kept as a
//! draft on this device, so what is ticked on the bundle page is already filled in the form.

use leptos::prelude::*;
use serde_json::Value;
use shared::catalogue::{BundleView, Cart};
use shared::form::Answers;

use crate::components::FieldState;
use crate::draft;

/// All `Copy`, so every closure can hold it.
#[derive(Clone, Copy)]
pub struct BundleAnswers {
    pub view: StoredValue<BundleView>,
    /// One state per field the bundle may ask, in form order.
    pub fields: StoredValue<Vec<FieldState>>,
    /// What applies now; changes only when the answers change what applies.
    pub cart: Memo<Cart>,
}

impl BundleAnswers {
    pub fn new(view: BundleView) -> BundleAnswers {
        let saved = draft::load(&view.bundle.id);
        let first = view.resolve(&saved);
        let fields: Vec<FieldState> = view
            .fields
            .iter()
            .map(|def| {
                FieldState::new(
                    def.clone(),
                    saved.get(&def.key).cloned().unwrap_or(Value::Null),
                    first.shows(&def.key),
                    first.requires(&def.key),
                )
            })
            .collect();
        let view = StoredValue::new(view);
        let fields = StoredValue::new(fields);
        let cart = Memo::new(move |_| {
            let answers = all_answers(fields);
            view.with_value(|v| v.resolve(&answers))
        });
        let me = BundleAnswers { view, fields, cart };
        Effect::new(move |_| {
            // Every answer is kept, hidden ones too: unticking and ticking again loses nothing.
            draft::save(&me.bundle_id(), &all_answers(fields));
        });
        Effect::new(move |_| {
            cart.with(|c| {
                for f in fields.get_value() {
                    let (shown, required) = (c.shows(&f.def.key), c.requires(&f.def.key));
                    if f.shown.get_untracked() != shown {
                        f.shown.set(shown);
                    }
                    if f.required.get_untracked() != required {
                        f.required.set(required);
                    }
                }
            });
        });
        me
    }

    pub fn bundle_id(self) -> String {
        self.view.with_value(|v| v.bundle.id.clone())
    }

    /// The answers to the fields asked now: what is submitted.
    pub fn asked_answers(self) -> Answers {
        let mut map = Answers::new();
        for f in self.fields.get_value() {
            let v = f.value.get_untracked();
            if f.shown.get_untracked() && !v.is_null() {
                map.insert(f.def.key.clone(), v);
            }
        }
        map
    }

    /// The field states of these keys, in the given order.
    pub fn states(self, keys: &[String]) -> Vec<FieldState> {
        self.fields.with_value(|fs| {
            keys.iter()
                .filter_map(|k| fs.iter().find(|f| &f.def.key == k).cloned())
                .collect()
        })
    }
}

/// Every answer given, read reactively.
fn all_answers(fields: StoredValue<Vec<FieldState>>) -> Answers {
    let mut map = Answers::new();
    fields.with_value(|fs| {
        for f in fs {
            let v = f.value.get();
            if !v.is_null() {
                map.insert(f.def.key.clone(), v);
            }
        }
    });
    map
}
