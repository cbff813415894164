//! The integrated form of a bundle: fill (checked as you go, kept as a draft on this device),
//! review, submit once (an idempotency key makes retries and double clicks safe).

use leptos::prelude::*;
use shared::Lang;
use shared::api::{CreateApplication, status_page};
use shared::catalogue::{BundleView, Section};

use super::{failed, fetch, loading, working_days};
use crate::answers::BundleAnswers;
use crate::api;
use crate::components::{FieldInput, FieldState, Shown, display_answer};
use crate::draft;
use crate::i18n::{lang, lang_untracked, tr};

#[component]
pub fn ApplyPage(id: String) -> impl IntoView {
    let bundle = fetch(move || {
        let id = id.clone();
        async move { api::bundle(&id, lang_untracked()).await }
    });
    move || match bundle.get() {
        None => loading(lang_untracked()),
        Some(Err(e)) => failed(e),
        Some(Ok(v)) => view! { <ApplyForm view=v /> }.into_any(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Fill,
    Review,
}

/// The form's state: all `Copy`, so every closure can hold it.
#[derive(Clone, Copy)]
struct Form {
    answers: BundleAnswers,
    step: RwSignal<Step>,
    /// (DOM id, field key) of each field with a problem, for the error summary.
    summary: RwSignal<Vec<(String, String)>>,
    server_message: RwSignal<Option<String>>,
    submitting: RwSignal<bool>,
    idempotency_key: StoredValue<String>,
}

impl Form {
    /// Every field of a section the bundle may ask (each shows itself when the rules say so).
    fn in_section(self, section: &Section) -> Vec<FieldState> {
        self.answers
            .fields
            .get_value()
            .into_iter()
            .filter(|f| f.def.section == section.id)
            .collect()
    }

    /// The fields of a section asked now.
    fn asked_in_section(self, section: &Section) -> Vec<FieldState> {
        let mut fields = self.in_section(section);
        fields.retain(|f| f.shown.get_untracked());
        fields
    }

    /// Checks every field asked now with the shared rules; fills the summary; true if all pass.
    fn check_all(self) -> bool {
        let mut bad = Vec::new();
        for f in self.answers.fields.get_value() {
            if !f.shown.get_untracked() {
                continue;
            }
            f.touched.set(true);
            if !f.check() {
                bad.push((f.dom_id(), f.def.key.clone()));
            }
        }
        let ok = bad.is_empty();
        self.summary.set(bad);
        ok
    }

    fn label_of(self, key: &str, l: Lang) -> String {
        self.answers.fields.with_value(|fs| {
            fs.iter()
                .find(|f| f.def.key == key)
                .map(|f| f.def.label.get(l).to_string())
                .unwrap_or_default()
        })
    }

    fn bundle_id(self) -> String {
        self.answers.bundle_id()
    }
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

fn focus(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

#[component]
fn ApplyForm(view: BundleView) -> impl IntoView {
    let form = Form {
        answers: BundleAnswers::new(view),
        step: RwSignal::new(Step::Fill),
        summary: RwSignal::new(Vec::new()),
        server_message: RwSignal::new(None),
        submitting: RwSignal::new(false),
        idempotency_key: StoredValue::new(new_key()),
    };
    let submit = move || {
        if form.submitting.get_untracked() {
            return;
        }
        form.submitting.set(true);
        form.server_message.set(None);
        let body = CreateApplication {
            draft: None,
            bundle: form.bundle_id(),
            answers: form.answers.asked_answers(),
        };
        let key = form.idempotency_key.get_value();
        leptos::task::spawn_local(async move {
            let result = api::submit(&body, &key, lang_untracked()).await;
            form.submitting.set(false);
            match result {
                Ok(created) => {
                    draft::clear(&body.bundle);
                    let url = status_page(&created.number, &created.token).replacen(
                        "/status/",
                        "/receipt/",
                        1,
                    );
                    crate::route::go(&url);
                }
                Err(e) if !e.body.field_errors.is_empty() => {
                    // The server disagreed (it never should: same rules). Show its words.
                    let mut bad = Vec::new();
                    for f in form.answers.fields.get_value() {
                        if let Some(msgs) = e.body.field_errors.get(&f.def.key) {
                            f.problem.set(Some(Shown::Server(msgs.clone())));
                            bad.push((f.dom_id(), f.def.key.clone()));
                        }
                    }
                    form.summary.set(bad);
                    form.server_message.set(Some(e.body.message));
                    form.step.set(Step::Fill);
                    focus("error-summary");
                }
                Err(e) => form.server_message.set(Some(e.body.message)),
            }
        });
    };
    let submit = StoredValue::new(submit);
    move || {
        let l = lang();
        let name = form
            .answers
            .view
            .with_value(|b| b.bundle.name.get(l).to_string());
        let step = form.step.get();
        let body = match step {
            Step::Fill => fill(form, l, &name),
            Step::Review => review(form, l, move || submit.with_value(|s| s())),
        };
        view! {
            <nav class="crumbs">
                <a href="/">{tr(l, "首页", "Home")}</a>" / "
                <a href=format!("/bundles/{}", form.bundle_id())>{name.clone()}</a>
            </nav>
            <ol class="steps" aria-label=tr(l, "步骤", "Steps")>
                <li class:current=step == Step::Fill>{tr(l, "1 填写", "1 Fill in")}</li>
                <li class:current=step == Step::Review>{tr(l, "2 核对提交", "2 Review and submit")}</li>
                <li>{tr(l, "3 回执", "3 Receipt")}</li>
            </ol>
            {move || form.server_message.get().map(|m| view! { <div class="alert" role="alert"><p>{m}</p></div> })}
            {body}
        }
    }
}

fn fill(form: Form, l: Lang, name: &str) -> AnyView {
    let to_review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.server_message.set(None);
        if form.check_all() {
            form.idempotency_key.set_value(new_key());
            form.step.set(Step::Review);
            scroll_top();
        } else {
            focus("error-summary");
        }
    };
    // Text boxes own their text while the applicant types (a number box must keep "1." as
    // typed), so a cleared draft starts a fresh page.
    let clear = move |_| {
        draft::clear(&form.bundle_id());
        let _ = window().location().reload();
    };
    let sections = form.answers.view.with_value(|b| b.sections.clone());
    let cart = form.answers.cart;
    view! {
        {move || (!form.summary.with(Vec::is_empty)).then(|| view! {
            <div class="error-summary" id="error-summary" tabindex="-1" role="alert">
                <h2>{tr(l, "请修改以下各项", "Please correct the following")}</h2>
                <ul>
                    {form.summary.get().into_iter().map(|(dom, key)| {
                        view! { <li><a href=format!("#{dom}")>{form.label_of(&key, l)}</a></li> }
                    }).collect_view()}
                </ul>
            </div>
        })}
        <form novalidate class="form" on:submit=to_review>
            <h1>{format!("{name} · {}", tr(l, "综合申请表", "integrated form"))}</h1>
            <p class="muted">{tr(l,
                "同一信息只需填写一次，系统自动分送各审批部门。填写内容自动保存在本设备。",
                "Each fact is asked once and sent to every department that needs it. Your answers are saved on this device as you go.")}</p>
            <p class="cart-line" aria-live="polite">{move || cart.with(|c| format!("{} {} · {} {} · {} {}",
                tr(l, "本次办理事项", "Items:"), c.items.len(),
                tr(l, "审批部门", "departments:"), c.departments.len(),
                tr(l, "承诺时限", "promised:"), working_days(l, c.promised_days)))}</p>
            {sections.iter().map(|section| {
                let states = form.in_section(section);
                let shown: Vec<_> = states.iter().map(|s| s.shown).collect();
                view! {
                    <fieldset class="section" class:hidden=move || !shown.iter().any(|s| s.get())>
                        <legend>{section.title.get(l).to_string()}</legend>
                        {states.into_iter().map(|state| {
                            let shown = state.shown;
                            view! { <div class="reveal" class:hidden=move || !shown.get()><FieldInput state=state l=l /></div> }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <div class="actions">
                <button type="submit" class="button primary">{tr(l, "下一步：核对", "Next: review")}</button>
                <button type="button" class="button link" on:click=clear>{tr(l, "清空草稿", "Clear the draft")}</button>
            </div>
        </form>
    }
    .into_any()
}

fn review(form: Form, l: Lang, submit: impl Fn() + Copy + 'static) -> AnyView {
    let sections = form.answers.view.with_value(|b| b.sections.clone());
    view! {
        <section class="panel review">
            <h1>{tr(l, "核对您的申请", "Check your answers")}</h1>
            {sections.iter().map(|section| (section, form.asked_in_section(section)))
                .filter(|(_, fields)| !fields.is_empty())
                .map(|(section, fields)| view! {
                <h2>{section.title.get(l).to_string()}</h2>
                <dl class="answers">
                    {fields.into_iter().map(|f| view! { <div>
                        <dt>{f.def.label.get(l).to_string()}</dt>
                        <dd>{display_answer(&f.def, &f.value.get_untracked(), l)}</dd>
                    </div> }).collect_view()}
                </dl>
            }).collect_view()}
            <div class="actions">
                <button type="button" class="button primary" on:click=move |_| submit() disabled=move || form.submitting.get()>
                    {move || if form.submitting.get() { tr(l, "正在提交…", "Submitting…") } else { tr(l, "确认提交", "Submit application") }}
                </button>
                <button type="button" class="button" on:click=move |_| { form.step.set(Step::Fill); scroll_top(); }>
                    {tr(l, "返回修改", "Change answers")}
                </button>
            </div>
        </section>
    }
    .into_any()
}
