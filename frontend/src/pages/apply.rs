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
use crate::uploads::{MaterialUploads, Owner, server_draft};
use shared::files::{DraftRef, StoredFile};

/// The value of `name` in the address's query.
fn query(name: &str) -> Option<String> {
    let search = window().location().search().unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_string)
}

/// A licence holder adding permits (增项, `?for=<their application>#t=…`).
fn holder() -> Option<shared::api::HolderRef> {
    Some(shared::api::HolderRef {
        number: query("for")?,
        token: crate::route::fragment_token(),
    })
}

/// A draft link (`?draft=…#t=…`) opened on this device: its answers become the form's. A
/// holder's addition: what the licence knows fills the form.
async fn adopt_draft_link(bundle: &str) {
    if let Some(h) = holder()
        && let Ok(known) = api::known(&h, bundle, lang_untracked()).await
    {
        let mut answers = draft::load(bundle);
        answers.extend(known);
        draft::save(bundle, &answers);
    }
    let Some(id) = query("draft") else {
        return;
    };
    let d = DraftRef {
        id: id.to_string(),
        token: crate::route::fragment_token(),
    };
    if let Ok(saved) = api::draft(&d, lang_untracked()).await
        && saved.submitted_as.is_none()
    {
        draft::save(bundle, &saved.answers);
        server_draft::keep(bundle, &d);
    }
}

#[component]
pub fn ApplyPage(id: String) -> impl IntoView {
    let bundle = fetch(move || {
        let id = id.clone();
        async move {
            adopt_draft_link(&id).await;
            api::bundle(&id, lang_untracked()).await
        }
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
    /// The server draft holding the files (made with the first file or on "save").
    owner: RwSignal<Option<Owner>>,
    files: RwSignal<Vec<StoredFile>>,
    /// The draft's link once saved on the server, and its QR code (the server's SVG).
    link: RwSignal<Option<String>>,
    link_qr: RwSignal<Option<String>>,
    /// At the counter (a clerk's session): nothing is kept on this computer.
    counter: RwSignal<bool>,
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

    /// Checks every field asked now with the shared rules, then the answers against each other
    /// (the catalogue's checks, as the server runs them); fills the summary; true if all pass.
    fn check_all(self) -> bool {
        let mut bad = Vec::new();
        let fields = self.answers.fields.get_value();
        for f in fields.iter().filter(|f| f.shown.get_untracked()) {
            f.touched.set(true);
            if !f.check() {
                bad.push((f.dom_id(), f.def.key.clone()));
            }
        }
        let answers = self.answers.asked_answers();
        let cart = self.answers.cart.get_untracked();
        let cross = self
            .answers
            .view
            .with_value(|v| v.cross_problems(&answers, &cart));
        for (key, problem) in cross {
            if let Some(f) = fields
                .iter()
                .find(|f| f.def.key == key && f.problem.get_untracked().is_none())
            {
                f.problem.set(Some(Shown::Local(problem)));
                bad.push((f.dom_id(), key));
            }
        }
        let ok = bad.is_empty();
        self.summary.set(bad);
        ok
    }

    /// "Label: problem" for a field of the summary while it has a problem (read reactively: a
    /// line goes once its field is right).
    fn problem_line(self, key: &str, l: Lang) -> Option<String> {
        self.answers.fields.with_value(|fs| {
            let f = fs.iter().find(|f| f.def.key == key)?;
            let problem = f.problem.get()?;
            Some(format!(
                "{}{}{}",
                f.def.label.get(l),
                tr(l, "：", ": "),
                problem.text(l)
            ))
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

fn focus(id: impl AsRef<str> + 'static) {
    request_animation_frame(move || {
        let id = id.as_ref();
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// 名称查重 as the applicant types: once the name has rested for a moment, the server says
/// whether the county has it already; if so, the name's field says so (filing checks again).
/// Not for an addition (增项), which keeps its licence's name.
fn check_name_as_typed(form: Form) {
    let Some(name) = form
        .answers
        .states(&["business.name".to_string()])
        .pop()
        .filter(|_| holder().is_none())
    else {
        return;
    };
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let typed = name
            .value
            .get()
            .as_str()
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        if typed.chars().count() < 2 {
            return;
        }
        let name = name.clone();
        set_timeout(
            move || {
                if asked.get_value() != this {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let Ok(said) = api::name_check(&typed, lang_untracked()).await else {
                        return;
                    };
                    let still = name.value.get_untracked().as_str().map(str::trim) == Some(&typed);
                    if let (Some(message), true) = (said.message, still) {
                        name.touched.set(true);
                        name.problem.set(Some(Shown::Server(vec![message])));
                    }
                });
            },
            std::time::Duration::from_millis(600),
        );
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
        owner: RwSignal::new(None),
        files: RwSignal::new(Vec::new()),
        link: RwSignal::new(None),
        link_qr: RwSignal::new(None),
        counter: RwSignal::new(false),
    };
    // A clerk filling the form at the counter: counter mode (see `draft`).
    leptos::task::spawn_local(async move {
        if api::counter(lang_untracked())
            .await
            .is_ok_and(|c| c.counter)
        {
            draft::set_counter();
            form.counter.set(true);
        }
    });
    check_name_as_typed(form);
    // The files already on the server (after a reload, or from the draft link).
    if let Some(d) = server_draft::load(&form.bundle_id()) {
        form.owner.set(Some(Owner::draft(&d)));
        leptos::task::spawn_local(async move {
            match api::draft(&d, lang_untracked()).await {
                Ok(saved) if saved.submitted_as.is_none() => form.files.set(saved.files),
                // Submitted elsewhere, or gone: this device forgets it.
                _ => {
                    server_draft::forget(&form.bundle_id());
                    form.owner.set(None);
                }
            }
        });
    }
    let submit = move || {
        if form.submitting.get_untracked() {
            return;
        }
        form.submitting.set(true);
        form.server_message.set(None);
        let body = CreateApplication {
            holder: holder(),
            draft: server_draft::load(&form.bundle_id()),
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
                    server_draft::forget(&body.bundle);
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
        draft::clear_device();
        let _ = window().location().reload();
    };
    let sections = form.answers.view.with_value(|b| b.sections.clone());
    let cart = form.answers.cart;
    view! {
        // Each problem still there; gone once none is left.
        {move || {
            let lines: Vec<(String, String)> = form
                .summary
                .get()
                .into_iter()
                .filter_map(|(dom, key)| Some((dom, form.problem_line(&key, l)?)))
                .collect();
            (!lines.is_empty()).then(|| view! {
                <div class="error-summary" id="error-summary" tabindex="-1" role="alert">
                    <h2>{tr(l, "请修改以下各项", "Please correct the following")}</h2>
                    <ul>
                        {lines.into_iter().map(|(dom, line)| {
                            view! { <li><a href=format!("#{dom}")>{line}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
        <div class="form-layout">
        {section_nav(form, &sections, l)}
        <form novalidate class="form" on:submit=to_review>
            <h1>{format!("{name} · {}", tr(l, "综合申请表", "integrated form"))}</h1>
            <p class="muted">{move || if form.counter.get() {
                tr(l, "同一信息只需填写一次，系统自动分送各审批部门。", "Each fact is asked once and sent to every department that needs it.")
            } else {
                tr(l,
                "同一信息只需填写一次，系统自动分送各审批部门。填写内容自动保存在本设备；公用电脑用完请点“清除本设备草稿”。",
                "Each fact is asked once and sent to every department that needs it. Your answers are saved on this device as you go; on a public computer, clear them when you are done.")
            }}</p>
            {move || form.counter.get().then(|| view! {
                <p class="notice-line counter-mode" role="status">{tr(l,
                    "柜台模式：为来窗口的申请人代填，本机不保存任何填写内容（含身份证号）。",
                    "Counter mode: filling in for a walk-in applicant — nothing is kept on this computer, ID numbers included.")}</p>
            })}
            <p class="cart-line" aria-live="polite">{move || cart.with(|c| format!("{} {} · {} {} · {} {}",
                tr(l, "本次办理事项", "Items:"), c.items.len(),
                tr(l, "审批部门", "departments:"), c.departments.len(),
                tr(l, "承诺时限", "promised:"), working_days(l, c.promised_days)))}</p>
            {sections.iter().map(|section| {
                let states = form.in_section(section);
                let shown: Vec<_> = states.iter().map(|s| s.shown).collect();
                view! {
                    <fieldset class="section" id=format!("section-{}", section.id) tabindex="-1" class:hidden=move || !shown.iter().any(|s| s.get())>
                        <legend>{section.title.get(l).to_string()}</legend>
                        {states.into_iter().map(|state| {
                            let shown = state.shown;
                            view! { <div class="reveal" class:hidden=move || !shown.get()><FieldInput state=state l=l /></div> }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            {materials_section(form, l)}
            <div class="actions">
                <button type="submit" class="button primary">{tr(l, "下一步：核对", "Next: review")}</button>
                <button type="button" class="button" on:click=move |_| save_on_server(form)>{tr(l, "保存到服务器（换设备续填）", "Save on the server (go on elsewhere)")}</button>
                <button type="button" class="button link" on:click=clear>{tr(l, "清除本设备草稿", "Clear this device's drafts")}</button>
            </div>
            {move || form.link.get().map(|link| saved_link(link, form.link_qr, l))}
        </form>
        </div>
    }
    .into_any()
}

/// Where a section stands: something to fix, every required answer given, or how many of them.
#[derive(Clone, Copy, PartialEq)]
enum Progress {
    Fix,
    Done,
    Given(usize, usize),
}

impl Progress {
    /// The section's fields asked now, as they stand (read reactively).
    fn of(fields: &[FieldState]) -> Progress {
        let asked = fields.iter().filter(|f| f.shown.get());
        let mut need = 0;
        let mut given = 0;
        for f in asked {
            if f.problem.with(Option::is_some) {
                return Progress::Fix;
            }
            if f.required.get() {
                need += 1;
                given += usize::from(!f.value.with(shared::form::is_blank));
            }
        }
        match given == need {
            true => Progress::Done,
            false => Progress::Given(given, need),
        }
    }

    fn state(self) -> &'static str {
        match self {
            Progress::Fix => "fix",
            Progress::Done => "done",
            Progress::Given(..) => "todo",
        }
    }

    fn label(self, l: Lang) -> String {
        match self {
            Progress::Fix => tr(l, "需修改", "to correct").into(),
            Progress::Done => tr(l, "已填完", "complete").into(),
            Progress::Given(g, n) => match l {
                Lang::Zh => format!("已填 {g}/{n}"),
                Lang::En => format!("{g} of {n} answered"),
            },
        }
    }
}

/// The form's sections as a list that stays in view (a side column on a wide screen, a bar
/// across the top on a phone): each with where it stands; a click goes to the section.
fn section_nav(form: Form, sections: &[Section], l: Lang) -> AnyView {
    let go = |id: String| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            focus(id.clone());
        }
    };
    view! {
        <nav class="section-nav" aria-label=tr(l, "表单各部分", "Sections of the form")>
            <ol>
                {sections.iter().map(|section| {
                    let fields = form.in_section(section);
                    let shown: Vec<_> = fields.iter().map(|f| f.shown).collect();
                    let fields = StoredValue::new(fields);
                    let progress = Memo::new(move |_| fields.with_value(|fs| Progress::of(fs)));
                    let id = format!("section-{}", section.id);
                    view! {
                        <li class:hidden=move || !shown.iter().any(|s| s.get())>
                            <a href=format!("#{id}") data-state=move || progress.get().state() on:click=go(id.clone())>
                                <span class="nav-title">{section.title.get(l).to_string()}</span>
                                <span class="nav-state">{move || progress.get().label(l)}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
                <li><a href="#section-materials" data-state="files" on:click=go("section-materials".into())>
                    <span class="nav-title">{tr(l, "申请材料", "Materials")}</span>
                </a></li>
            </ol>
        </nav>
    }
    .into_any()
}

/// Saves the answers in the server draft (made now if there is none) and shows its link.
fn save_on_server(form: Form) {
    let bundle = form.bundle_id();
    let answers = form.answers.asked_answers();
    leptos::task::spawn_local(async move {
        let l = lang_untracked();
        let saved = match crate::uploads::ensure_draft(&bundle).await {
            Ok(d) => api::save_draft(&d, answers, l)
                .await
                .map(|_| d)
                .map_err(|e| e.body.message),
            Err(e) => Err(e),
        };
        match saved {
            Ok(d) => {
                form.owner.set(Some(Owner::draft(&d)));
                let origin = window().location().origin().unwrap_or_default();
                form.link.set(Some(format!(
                    "{origin}{}",
                    shared::files::draft_page(&bundle, &d)
                )));
                form.link_qr.set(api::draft_qr(&d, l).await.ok());
            }
            Err(m) => form.server_message.set(Some(m)),
        }
    });
}

/// Saved on the server: the link that goes on from any device, next to the button that made
/// it — to copy, or to scan with the phone.
fn saved_link(link: String, qr: RwSignal<Option<String>>, l: Lang) -> AnyView {
    let copied = RwSignal::new(false);
    let text = link.clone();
    let copy = move |_| {
        let promise = window().navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                copied.set(true);
            }
        });
    };
    view! {
        <div class="notice-line draft-link" role="status">
            <p>{tr(l, "已保存。用此链接可在任何设备继续填写（请勿公开）：", "Saved. This link goes on from any device (keep it private): ")}
                <a href=link.clone()>{link.clone()}</a></p>
            <p><button type="button" class="button" on:click=copy>{tr(l, "复制链接", "Copy the link")}</button>
                {move || copied.get().then(|| view! { <span class="muted">{tr(l, " 已复制", " Copied")}</span> })}</p>
            {move || qr.get().map(|svg| view! {
                <div class="qr" role="img" aria-label=tr(l, "续填链接二维码：用手机扫码继续填写", "QR code of the link: scan it to go on with a phone") inner_html=svg></div>
            })}
        </div>
    }
    .into_any()
}

/// The bundle's merged material list: each material once, whatever number of items needs it;
/// a file uploaded once goes to every department that needs it.
fn materials_section(form: Form, l: Lang) -> AnyView {
    let cart = form.answers.cart;
    let bundle = form.bundle_id();
    view! {
        <fieldset class="section materials" id="section-materials" tabindex="-1">
            <legend>{tr(l, "申请材料（每份只需上传一次）", "Materials (each uploaded once)")}</legend>
            <p class="muted">{tr(l,
                "也可以不在此上传，受理时到窗口提交纸质件。标注“可容缺”的材料可在受理后补交。",
                "You may also bring paper copies to the window. Materials marked “may follow” can come after acceptance.")}</p>
            {move || {
                let bundle = bundle.clone();
                cart.with(|c| c.materials.iter().map(|m| {
                    let count = m.needed_by.len();
                    let shared_by = if count > 1 { format!("{}{count}{}", tr(l, "同时用于 ", "used by "), tr(l, " 个事项 · ", " items · ")) } else { String::new() };
                    let later = if m.material.may_be_missing { tr(l, "可容缺后补 · ", "may follow later · ") } else { "" };
                    let note = format!("{shared_by}{later}{}", m.material.description.get(l));
                    view! {
                        <MaterialUploads owner=form.owner bundle=bundle.clone() id=m.material.id.clone()
                            name=m.material.name.get(l).to_string() note=note files=form.files
                            max_files=m.material.max_files l=l actions=crate::uploads::file_actions as crate::uploads::Actions />
                    }
                }).collect_view())
            }}
        </fieldset>
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
                .map(|(section, fields)| {
                    let (title, id) = (section.title.get(l).to_string(), format!("section-{}", section.id));
                    // Back to the form at this section.
                    let change = move |_| {
                        form.step.set(Step::Fill);
                        focus(id.clone());
                    };
                    view! {
                <h2 class="review-section">{title.clone()}
                    <button type="button" class="button link" on:click=change>
                        {tr(l, "修改", "Change")}<span class="visually-hidden">{format!(" {title}")}</span>
                    </button>
                </h2>
                <dl class="answers">
                    {fields.into_iter().map(|f| view! { <div>
                        <dt>{f.def.label.get(l).to_string()}</dt>
                        <dd>{display_answer(&f.def, &f.value.get_untracked(), l)}</dd>
                    </div> }).collect_view()}
                </dl>
            }}).collect_view()}
            <h2>{tr(l, "申请材料", "Materials")}</h2>
            <dl class="answers">{move || form.answers.cart.with(|c| c.materials.iter().map(|m| {
                let names: Vec<String> = form.files.with(|fs| fs.iter()
                    .filter(|f| f.complete && f.material == m.material.id)
                    .map(|f| f.name.clone()).collect());
                view! { <div>
                    <dt>{m.material.name.get(l).to_string()}</dt>
                    <dd>{if names.is_empty() { tr(l, "未上传（到窗口提交）", "Not uploaded (bring it to the window)").to_string() } else { names.join(tr(l, "、", ", ")) }}</dd>
                </div> }
            }).collect_view())}</dl>
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
