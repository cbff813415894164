//! The integrated form of a bundle: fill (checked as you go, kept as a draft on this device),
//! review, submit once (an idempotency key makes retries and double clicks safe).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::Value;
use shared::api::{CreateApplication, status_page};
use shared::catalogue::BundleView;
use shared::form::Answers;

use super::{failed, loading};
use crate::api;
use crate::components::{FieldInput, FieldState, Shown, display_answer};
use crate::draft;
use crate::i18n::{lang, tr};

#[component]
pub fn ApplyPage() -> impl IntoView {
    let params = use_params_map();
    let bundle = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move { api::bundle(&id, shared::Lang::Zh).await }
    });
    move || match bundle.get() {
        None => loading(),
        Some(Err(e)) => failed(e),
        Some(Ok(v)) => view! { <ApplyForm view=v /> }.into_any(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Fill,
    Review,
}

fn new_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("k{}", js_sys::Math::random()))
}

fn scroll_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

#[component]
fn ApplyForm(view: BundleView) -> impl IntoView {
    let bundle_id = view.bundle.id.clone();
    let saved = draft::load(&bundle_id);
    let fields: Vec<FieldState> = view
        .fields
        .iter()
        .map(|def| FieldState::new(def.clone(), saved.get(&def.key).cloned().unwrap_or(Value::Null)))
        .collect();
    let fields = StoredValue::new(fields);
    let sections = view.sections.clone();
    let name = view.bundle.name.clone();
    let step = RwSignal::new(Step::Fill);
    let summary = RwSignal::new(Vec::<(String, String)>::new());
    let server_message = RwSignal::new(None::<String>);
    let submitting = RwSignal::new(false);
    let idem_key = StoredValue::new(new_key());

    let answers = move || {
        let mut map = Answers::new();
        for f in fields.get_value() {
            let v = f.value.get();
            if !v.is_null() {
                map.insert(f.def.key.clone(), v);
            }
        }
        map
    };
    let draft_id = bundle_id.clone();
    Effect::new(move |_| draft::save(&draft_id, &answers()));

    // Checks every field; fills the error summary; true if the form is valid.
    let check_all = move || {
        let mut bad = Vec::new();
        for f in fields.get_value() {
            f.touched.set(true);
            if !f.check() {
                bad.push((f.dom_id(), f.def.key.clone()));
            }
        }
        summary.set(bad.clone());
        bad.is_empty()
    };
    let focus_summary = move || {
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id("error-summary") {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    };
    let to_review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        server_message.set(None);
        if check_all() {
            idem_key.set_value(new_key());
            step.set(Step::Review);
            scroll_top();
        } else {
            focus_summary();
        }
    };
    let navigate = use_navigate();
    let submit_id = bundle_id.clone();
    let submit = move |_| {
        if submitting.get_untracked() {
            return;
        }
        submitting.set(true);
        server_message.set(None);
        let body = CreateApplication { bundle: submit_id.clone(), answers: answers() };
        let key = idem_key.get_value();
        let (navigate, bundle) = (navigate.clone(), submit_id.clone());
        leptos::task::spawn_local(async move {
            let result = api::submit(&body, &key, lang_now()).await;
            submitting.set(false);
            match result {
                Ok(created) => {
                    draft::clear(&bundle);
                    let url = status_page(&created.number, &created.token).replacen("/status/", "/receipt/", 1);
                    navigate(&url, Default::default());
                }
                Err(e) if !e.body.field_errors.is_empty() => {
                    let mut bad = Vec::new();
                    for f in fields.get_value() {
                        if let Some(msgs) = e.body.field_errors.get(&f.def.key) {
                            f.problem.set(Some(Shown::Server(msgs.clone())));
                            bad.push((f.dom_id(), f.def.key.clone()));
                        }
                    }
                    summary.set(bad);
                    server_message.set(Some(e.body.message));
                    step.set(Step::Fill);
                    focus_summary();
                }
                Err(e) => server_message.set(Some(e.body.message)),
            }
        });
    };
    let clear_id = bundle_id.clone();
    let clear_draft = move |_| {
        draft::clear(&clear_id);
        for f in fields.get_value() {
            f.value.set(Value::Null);
            f.problem.set(None);
            f.touched.set(false);
        }
        summary.set(Vec::new());
    };
    let label_of = move |key: &str| {
        fields.get_value().iter().find(|f| f.def.key == key).map(|f| f.def.label.get(lang()).to_string()).unwrap_or_default()
    };
    let sections_fill = sections.clone();
    let back_href = format!("/bundles/{bundle_id}");

    view! {
        <nav class="crumbs">
            <a href="/">{move || tr("首页", "Home")}</a>" / "
            <a href=back_href>{let n = name.clone(); move || n.get(lang()).to_string()}</a>
        </nav>
        <ol class="steps" aria-label=move || tr("步骤", "Steps")>
            <li class:current=move || step.get() == Step::Fill>{move || tr("1 填写", "1 Fill in")}</li>
            <li class:current=move || step.get() == Step::Review>{move || tr("2 核对提交", "2 Review and submit")}</li>
            <li>{move || tr("3 回执", "3 Receipt")}</li>
        </ol>
        {move || server_message.get().map(|m| view! { <div class="alert" role="alert"><p>{m}</p></div> })}
        <Show when=move || !summary.with(Vec::is_empty) && step.get() == Step::Fill>
            <div class="error-summary" id="error-summary" tabindex="-1" role="alert">
                <h2>{move || tr("请修改以下各项", "Please correct the following")}</h2>
                <ul>
                    {move || summary.get().into_iter().map(|(dom, key)| {
                        view! { <li><a href=format!("#{dom}")>{label_of(&key)}</a></li> }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
        <form novalidate class="form" on:submit=to_review class:hidden=move || step.get() != Step::Fill>
            <h1>{let n = name.clone(); move || format!("{} · {}", n.get(lang()), tr("综合申请表", "integrated form"))}</h1>
            <p class="muted">{move || tr(
                "同一信息只需填写一次，系统自动分送各审批部门。填写内容自动保存在本设备。",
                "Each fact is asked once and sent to every department that needs it. Your answers are saved on this device as you go.",
            )}</p>
            {sections_fill.into_iter().map(|section| {
                let in_section: Vec<FieldState> = fields.get_value().into_iter().filter(|f| f.def.section == section.id).collect();
                let title = section.title.clone();
                view! {
                    <fieldset class="section">
                        <legend>{move || title.get(lang()).to_string()}</legend>
                        {in_section.into_iter().map(|state| view! { <FieldInput state=state /> }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <div class="actions">
                <button type="submit" class="button primary">{move || tr("下一步：核对", "Next: review")}</button>
                <button type="button" class="button link" on:click=clear_draft>{move || tr("清空草稿", "Clear the draft")}</button>
            </div>
        </form>
        <Show when=move || step.get() == Step::Review>
            <section class="panel review">
                <h1>{move || tr("核对您的申请", "Check your answers")}</h1>
                {sections.clone().into_iter().map(|section| {
                    let in_section: Vec<FieldState> = fields.get_value().into_iter().filter(|f| f.def.section == section.id).collect();
                    let title = section.title.clone();
                    view! {
                        <h2>{move || title.get(lang()).to_string()}</h2>
                        <dl class="answers">
                            {in_section.into_iter().map(|f| {
                                let (def, def2, value) = (f.def.clone(), f.def.clone(), f.value);
                                view! { <div>
                                    <dt>{move || def.label.get(lang()).to_string()}</dt>
                                    <dd>{move || display_answer(&def2, &value.get(), lang())}</dd>
                                </div> }
                            }).collect_view()}
                        </dl>
                    }
                }).collect_view()}
                <div class="actions">
                    <button type="button" class="button primary" on:click=submit.clone() disabled=move || submitting.get()>
                        {move || if submitting.get() { tr("正在提交…", "Submitting…") } else { tr("确认提交", "Submit application") }}
                    </button>
                    <button type="button" class="button" on:click=move |_| { step.set(Step::Fill); scroll_top(); }>
                        {move || tr("返回修改", "Change answers")}
                    </button>
                </div>
            </section>
        </Show>
    }
}

fn lang_now() -> shared::Lang {
    use_context::<crate::i18n::UiLang>().map_or(shared::Lang::Zh, |l| l.0.get_untracked())
}
