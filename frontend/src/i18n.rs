//! The interface language: Chinese by default, English on request; the choice is kept on the
//! device and mirrored into `<html lang>`.

use leptos::prelude::*;
use shared::Lang;

const KEY: &str = "lianban.lang";

/// The reactive language, provided as context by the app.
#[derive(Clone, Copy)]
pub struct UiLang(pub RwSignal<Lang>);

pub fn provide() -> UiLang {
    let saved = storage().and_then(|s| s.get_item(KEY).ok().flatten());
    let lang = if saved.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Zh
    };
    let ui = UiLang(RwSignal::new(lang));
    Effect::new(move |_| {
        let lang = ui.0.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", lang.tag());
        }
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, if lang == Lang::En { "en" } else { "zh" });
        }
    });
    provide_context(ui);
    ui
}

/// The current language. Read inside a view closure, it re-renders that closure when the
/// applicant switches language: each page renders its text in one such closure, with plain
/// strings inside (one reactive closure per string would cost kilobytes of wasm each).
pub fn lang() -> Lang {
    use_context::<UiLang>().map_or(Lang::Zh, |l| l.0.get())
}

/// The current language, without subscribing to changes.
pub fn lang_untracked() -> Lang {
    use_context::<UiLang>().map_or(Lang::Zh, |l| l.0.get_untracked())
}

/// Picks the sentence for `l`.
pub fn tr(l: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if l == Lang::Zh { zh } else { en }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Formats working days: 0.5 → "0.5", 5 → "5".
pub fn days(d: f32) -> String {
    shared::i18n::number(f64::from(d))
}

/// " working day" or " working days" after `n` in English (" 个工作日" in Chinese).
pub fn working_days_unit(l: Lang, n: f64) -> &'static str {
    tr(
        l,
        " 个工作日",
        if n == 1.0 {
            " working day"
        } else {
            " working days"
        },
    )
}
