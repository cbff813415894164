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
    let lang = if saved.as_deref() == Some("en") { Lang::En } else { Lang::Zh };
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

/// The current language (reactive when read inside a view closure).
pub fn lang() -> Lang {
    use_context::<UiLang>().map_or(Lang::Zh, |l| l.0.get())
}

/// Picks the sentence for the current language.
pub fn tr(zh: &'static str, en: &'static str) -> &'static str {
    if lang() == Lang::Zh { zh } else { en }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Formats working days: 0.5 → "0.5", 5 → "5".
pub fn days(d: f32) -> String {
    if d.fract() == 0.0 { format!("{d:.0}") } else { format!("{d}") }
}
