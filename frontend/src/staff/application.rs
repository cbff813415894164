//! One application in the back office: the answers this staff member may see (grouped as the
//! form asked them), each item with its state, deadline and decision, the actions the role and
//! the state machine allow, and the history.

use std::future::Future;

use leptos::prelude::*;
use shared::Lang;
use shared::api::{AnswerChange, path, paths};
use shared::catalogue::BundleView;
use shared::records::IntakeStatus;
use shared::staff::{
    InspectionResult, IntakeDecision, IntakeRequest, ItemVersion, JointInspectionRequest,
    ReviewRequest, Role, StaffApplication, StaffItem, StaffProfile,
};
use shared::status::ReviewAction;

use crate::api::{self, ApiError};
use crate::components::display_answer;
use crate::i18n::{lang, lang_untracked, tr};
use crate::pages::{failed, fetch, loading};

/// What every action needs: the page's refresh counter, its message line, and the outcome of
/// an item's action, shown beside that action.
#[derive(Clone, Copy)]
struct Page {
    number: StoredValue<String>,
    refreshes: RwSignal<u32>,
    message: RwSignal<Option<String>>,
    /// (item, words, failed): what became of the last action on an item.
    outcome: RwSignal<Option<(i64, String, bool)>>,
}

impl Page {
    /// Runs a call; on success reloads the application, on failure shows the server's words.
    fn act<T: 'static>(self, call: impl Future<Output = Result<T, ApiError>> + 'static) {
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(_) => {
                    self.message.set(None);
                    self.refreshes.update(|n| *n += 1);
                }
                Err(e) => self.message.set(Some(e.body.first_message())),
            }
        });
    }

    /// Runs an action on item `id`; its outcome is shown (and announced) beside the action,
    /// and the focus goes there.
    fn act_on<T: 'static>(
        self,
        id: i64,
        call: impl Future<Output = Result<T, ApiError>> + 'static,
    ) {
        leptos::task::spawn_local(async move {
            let l = lang_untracked();
            let outcome = match call.await {
                Ok(_) => (id, tr(l, "已办理", "Done").to_string(), false),
                Err(e) => (id, e.body.first_message(), true),
            };
            let failed = outcome.2;
            self.outcome.set(Some(outcome));
            if failed {
                // Once the words are rendered (an empty line is not shown, so not focusable).
                request_animation_frame(move || {
                    use wasm_bindgen::JsCast;
                    if let Some(e) = document()
                        .get_element_by_id(&format!("outcome-{id}"))
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = e.focus();
                    }
                });
            } else {
                self.refreshes.update(|n| *n += 1);
            }
        });
    }
}

fn value_of(id: &str) -> String {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)
        .and_then(|e| {
            e.clone()
                .dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|e| {
                    e.dyn_into::<web_sys::HtmlTextAreaElement>()
                        .map(|t| t.value())
                })
                .or_else(|e| {
                    e.dyn_into::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                })
                .ok()
        })
        .unwrap_or_default()
}

fn checked(id: &str) -> bool {
    use wasm_bindgen::JsCast;
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// The values ticked among the checkboxes marked `data-{mark}="{of}"` (the materials found
/// insufficient in item 7's supplement form: `ticked("insufficient-of", 7)`).
fn ticked(mark: &str, of: impl std::fmt::Display) -> Vec<String> {
    use wasm_bindgen::JsCast;
    let Ok(list) = document().query_selector_all(&format!("input[data-{mark}=\"{of}\"]:checked"))
    else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .collect()
}

fn some(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

#[component]
pub fn StaffApplicationPage(number: String) -> impl IntoView {
    let page = Page {
        number: StoredValue::new(number),
        refreshes: RwSignal::new(0),
        message: RwSignal::new(None),
        outcome: RwSignal::new(None),
    };
    let me = fetch(|| api::staff_me(lang_untracked()));
    let loaded = fetch(move || {
        page.refreshes.track();
        let n = page.number.get_value();
        async move { api::staff_application(&n, lang_untracked()).await }
    });
    let history = fetch(move || {
        page.refreshes.track();
        let n = page.number.get_value();
        async move { api::history(&n, lang_untracked()).await }
    });
    // The page follows what others do (another department's decision, the applicant's reply):
    // read again every 20 seconds, drawn again only when something changed — and not while a
    // field has the focus, so nothing being typed is lost.
    let app = Memo::new(move |_| loaded.get());
    let _ = set_interval_with_handle(
        move || {
            if !crate::staff::typing() {
                page.refreshes.update(|n| *n += 1);
            }
        },
        std::time::Duration::from_secs(20),
    );
    // The bundle's form, for the labels and sections of the answers.
    let form = RwSignal::new(None::<BundleView>);
    Effect::new(move |_| {
        if let Some(Ok(a)) = app.get()
            && form.with_untracked(Option::is_none)
        {
            leptos::task::spawn_local(async move {
                if let Ok(v) = api::bundle(&a.bundle, lang_untracked()).await {
                    form.set(Some(v));
                }
            });
        }
    });
    move || {
        let l = lang();
        match (me.get(), app.get()) {
            (Some(Err(e)), _) if e.status == 401 => {
                crate::route::go("/staff");
                loading(l)
            }
            (Some(Err(e)), _) | (_, Some(Err(e))) => failed(e),
            (Some(Ok(user)), Some(Ok(a))) => {
                let answers = form.with(|f| f.as_ref().map(|f| answers_view(&a, f, l)));
                let names = form.with(|f| Names::of(f.as_ref(), &a, l));
                let entries = history.get().and_then(Result::ok).unwrap_or_default();
                view! {
                    <nav class="crumbs"><a href="/staff">{tr(l, "工作台", "Desk")}</a></nav>
                    {header(&a, &names, l)}
                    <p class="error" role="alert">{move || page.message.get()}</p>
                    {(user.role == Role::Clerk && a.intake == IntakeStatus::Submitted).then(|| intake_panel(page, &a, &names, l))}
                    {items_panel(page, &user, &a, &names, l)}
                    {materials_panel(page, &user, &a, l)}
                    {licence_panel(page, &user, &a, &names, l)}
                    {documents_panel(page, &user, &a, l)}
                    {notifications_panel(&a, l)}
                    {answers}
                    <section class="panel">
                        <h2>{tr(l, "办理记录（全程留痕）", "History (full trace)")}</h2>
                        {a.archived.then(|| view! {
                            <p class="archive-line">{tr(l, "全部事项已办结，电子档案已自动归档：", "Every item is decided; the electronic archive is filed: ")}
                                <a href=path(paths::STAFF_ARCHIVE, &[&a.number]) download="">{tr(l, "下载电子档案（含签名清单）", "Download the archive (with its signed manifest)")}</a></p>
                        })}
                        <ol class="history">{entries.into_iter().map(|e| {
                            // A reply: the applicant's words and what it changed, before → after.
                            let said = e.after["reply"].as_str().map(|r| format!("：{r}"));
                            let changes: Vec<AnswerChange> =
                                serde_json::from_value(e.after["changes"].clone()).unwrap_or_default();
                            view! {
                                <li data-action=e.action.clone()><span class="number">{county(&e.at)}</span>
                                    {format!(" {} {}", e.who.get(l), e.what.get(l))}
                                    {e.about.map(|x| format!(" · {}", x.get(l)))}{said}
                                    {changes.into_iter().map(|c| view! {
                                        <span class="sub-note change">{format!("{}：{} → {}", c.label.get(l), c.before.get(l), c.after.get(l))}</span>
                                    }).collect_view()}</li>
                            }
                        }).collect_view()}</ol>
                    </section>
                }
                .into_any()
            }
            _ => loading(l),
        }
    }
}

/// Names and facts from the bundle's form, once it is loaded (ids until then).
#[derive(Default)]
struct Names {
    departments: Vec<(String, String)>,
    materials: Vec<(String, String)>,
    /// Items whose commitment path the applicant chose (and the item allows).
    committed: Vec<String>,
    items: Vec<(String, String)>,
    /// The fields this staff member sees answered (key, label), in form order, and each
    /// item's fields.
    fields: Vec<(String, String)>,
    item_fields: Vec<(String, Vec<String>)>,
}

impl Names {
    fn of(form: Option<&BundleView>, a: &StaffApplication, l: Lang) -> Names {
        let Some(f) = form else {
            return Names::default();
        };
        let chosen = |id: &str| {
            a.answers
                .get(&shared::rules::instance_key("commitment.chosen", id))
                .and_then(|v| v.as_bool())
                == Some(true)
        };
        Names {
            departments: f
                .departments
                .iter()
                .map(|d| (d.id.clone(), d.name.get(l).to_string()))
                .collect(),
            materials: f
                .materials
                .iter()
                .map(|m| (m.id.clone(), m.name.get(l).to_string()))
                .collect(),
            committed: f
                .items
                .iter()
                .filter(|i| i.commitment_allowed && chosen(&i.id))
                .map(|i| i.id.clone())
                .collect(),
            items: f
                .items
                .iter()
                .map(|i| (i.id.clone(), i.name.get(l).to_string()))
                .collect(),
            fields: f
                .fields
                .iter()
                .filter(|d| a.answers.contains_key(&d.key))
                .map(|d| (d.key.clone(), d.label.get(l).to_string()))
                .collect(),
            item_fields: f
                .items
                .iter()
                .map(|i| (i.id.clone(), i.fields.clone()))
                .collect(),
        }
    }

    fn item_name(&self, id: &str) -> String {
        Names::name(&self.items, id).to_string()
    }

    fn name<'a>(list: &'a [(String, String)], id: &'a str) -> &'a str {
        list.iter()
            .find(|(k, _)| k == id)
            .map_or(id, |(_, v)| v.as_str())
    }
}

/// An API time (UTC) in the county's time, whatever the workstation's clock says.
fn county(at: &str) -> String {
    shared::date::county_time(at).unwrap_or_else(|| at.to_string())
}

fn header(a: &StaffApplication, names: &Names, l: Lang) -> AnyView {
    let intake = a.intake.label(l);
    let notice = a.notice.as_ref().map(|n| {
        let mut lines = Vec::new();
        if let Some(c) = &n.correction {
            lines.push(format!("{}{c}", tr(l, "补正告知：", "Correction notice: ")));
        }
        if let Some(r) = &n.reply {
            lines.push(format!("{}{r}", tr(l, "申请人答复：", "Applicant's answer: ")));
        }
        if !n.missing_materials.is_empty() {
            let ids: Vec<&str> = n.missing_materials.iter().map(|id| Names::name(&names.materials, id)).collect();
            lines.push(format!("{}{} → {}", tr(l, "容缺材料：", "Materials to follow: "), ids.join(tr(l, "、", ", ")), n.bring_by.as_deref().unwrap_or("")));
        }
        view! { <ul class="notes">{lines.into_iter().map(|x| view! { <li class="pre">{x}</li> }).collect_view()}</ul> }
    });
    view! {
        <section class="panel">
            <h1><span class="number">{a.number.clone()}</span>{format!(" · {}", a.bundle_name.get(l))}</h1>
            <p><span class="badge">{intake}</span>
                {format!(" {}{}", tr(l, "提交于 ", "Submitted "), county(&a.submitted_at))}
                {a.filed_by.clone().map(|c| format!(" · {}{c}", tr(l, "窗口代办：", "Filed at the counter by ")))}</p>
            {notice}
        </section>
    }
    .into_any()
}

/// The one window: the checklist (收件清单) — each material uploaded, received on paper, to
/// follow (容缺, where the catalogue allows it) or missing — then accept, or one correction
/// notice listing everything. The server refuses an acceptance with a material missing.
fn intake_panel(page: Page, a: &StaffApplication, names: &Names, l: Lang) -> AnyView {
    let version = a.version;
    let open: Vec<String> = a
        .materials
        .iter()
        .filter(|m| m.files.is_empty())
        .map(|m| m.id.clone())
        .collect();
    let open = StoredValue::new(open);
    let accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let marked = |how: &str| -> Vec<String> {
            open.with_value(|ids| {
                ids.iter()
                    .filter(|id| checked(&format!("{how}-{id}")))
                    .cloned()
                    .collect()
            })
        };
        let body = IntakeRequest {
            decision: IntakeDecision::Accept,
            version,
            notice: None,
            fields: vec![],
            materials: vec![],
            bring_by: some(value_of("bring-by")),
            paper_materials: marked("paper"),
            missing_materials: marked("follow"),
        };
        let n = page.number.get_value();
        // Outcome 0: beside the accept button.
        page.act_on(
            0,
            async move { api::intake(&n, &body, lang_untracked()).await },
        );
    };
    let correct = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = IntakeRequest {
            decision: IntakeDecision::Correct,
            version,
            notice: some(value_of("correction")),
            fields: ticked("correct", "field"),
            materials: ticked("correct", "material"),
            bring_by: None,
            paper_materials: vec![],
            missing_materials: vec![],
        };
        let n = page.number.get_value();
        page.act(async move { api::intake(&n, &body, lang_untracked()).await });
    };
    let rows = a.materials.iter().map(|m| {
        let name = m.name.get(l).to_string();
        if m.files.is_empty() {
            let choice = |how: &'static str, label: &'static str| {
                let id = format!("{how}-{}", m.id);
                let for_id = id.clone();
                view! { <label class="choice" for=for_id>
                    <input type="radio" id=id name=format!("check-{}", m.id) checked=how == "missing" />
                    <span>{label}</span></label> }
            };
            view! { <fieldset class="check-row" data-material=m.id.clone()>
                <legend>{name}</legend>
                {choice("paper", tr(l, "纸质件已收", "Received on paper"))}
                {m.may_follow.then(|| choice("follow", tr(l, "容缺后补", "To follow")))}
                {choice("missing", tr(l, "缺", "Missing"))}
            </fieldset> }
            .into_any()
        } else {
            view! { <p class="check-row" data-material=m.id.clone()><strong>{name}</strong>
                {format!(" · {}{}", tr(l, "已上传，文件数：", "Uploaded, files: "), m.files.len())}</p> }
            .into_any()
        }
    }).collect_view();
    view! {
        <section class="panel">
            <h2>{tr(l, "受理（综合窗口）", "Intake (one window)")}</h2>
            <form class="form" on:submit=accept>
                <h3>{tr(l, "收件清单", "Checklist of materials")}</h3>
                {rows}
                <label class="label" for="bring-by">{tr(l, "容缺材料承诺补交日期", "Materials to follow: to be brought by")}</label>
                <input id="bring-by" type="date" />
                <button type="submit" class="button primary">{tr(l, "受理，分送各部门", "Accept and send to every department")}</button>
                <p id="outcome-0" tabindex="-1" role="status" aria-live="polite" class="outcome error">
                    {move || page.outcome.get().filter(|(o, _, e)| *o == 0 && *e).map(|(_, words, _)| words)}
                </p>
            </form>
            <form class="form" on:submit=correct>
                <label class="label" for="correction">{tr(l, "一次性补正告知（写明全部需补正的内容）", "Correction notice (everything, at once)")}</label>
                <textarea id="correction" rows="3" maxlength="2000"></textarea>
                <details><summary>{tr(l, "点名需更正的栏目和需重新上传的材料", "Name the answers to change and the materials to send anew")}</summary>
                    {names.fields.iter().map(|(key, label)| {
                        let cid = format!("correct-field-{key}");
                        let for_id = cid.clone();
                        view! { <label class="choice" for=for_id><input type="checkbox" id=cid value=key.clone() data-correct="field" /><span>{label.clone()}</span></label> }
                    }).collect_view()}
                    {a.materials.iter().map(|m| {
                        let cid = format!("correct-material-{}", m.id);
                        let for_id = cid.clone();
                        view! { <label class="choice" for=for_id><input type="checkbox" id=cid value=m.id.clone() data-correct="material" />
                            <span>{format!("{}{}", tr(l, "重新上传：", "Send anew: "), m.name.get(l))}</span></label> }
                    }).collect_view()}
                </details>
                <button type="submit" class="button">{tr(l, "发送补正告知", "Send the correction notice")}</button>
            </form>
        </section>
    }
    .into_any()
}

fn items_panel(
    page: Page,
    user: &StaffProfile,
    a: &StaffApplication,
    names: &Names,
    l: Lang,
) -> AnyView {
    let mine = |i: &StaffItem| {
        user.role == Role::Reviewer && user.department.as_deref() == Some(i.department.as_str())
    };
    let onsite = &a.inspectable;
    // The business licence is still to be issued: a permit approved now comes before it.
    let licence_pending =
        a.licence.is_none() && a.items.iter().any(|i| i.item == "business_registration");
    view! {
        <section class="panel">
            <h2>{tr(l, "事项（并联审批）", "Items (in parallel)")}</h2>
            <ul class="subs">{a.items.iter().map(|i| {
                let d = i.decision.clone().unwrap_or_default();
                let with = |label: &str, x: &Option<String>| x.as_ref().map(|x| format!("{label}{x}"));
                let facts: Vec<String> = [
                    with(tr(l, "办结期限：", "Due: "), &i.due_on),
                    with(tr(l, "许可证编号：", "Certificate: "), &d.certificate),
                    with(tr(l, "有效期至：", "Valid until: "), &d.valid_until),
                    d.by_commitment.then(|| format!("{}{}", tr(l, "告知承诺审批，事后核查：", "By commitment, follow-up on "), d.follow_up_on.as_deref().unwrap_or(""))),
                    with(tr(l, "核查日期：", "Inspection: "), &d.inspection_on),
                    with(tr(l, "补充要求：", "Supplement request: "), &d.supplement_request),
                    with(tr(l, "理由：", "Reason: "), &d.reason),
                ].into_iter().flatten().chain(d.pauses.iter().map(|p| format!("{}{} · {} – {}",
                    if p.kind == "testing" { tr(l, "检验检测（不计时）：", "Testing (not counted): ") } else { tr(l, "专家评审（不计时）：", "Expert review (not counted): ") },
                    p.reason, p.from, p.to.as_deref().unwrap_or("…")))).collect();
                view! { <li class="sub" data-item=i.item.clone()>
                    <span class="sub-name">{i.name.get(l).to_string()}</span>
                    <span class="sub-dept">{Names::name(&names.departments, &i.department).to_string()}</span>
                    <span class=format!("badge {}", i.status.as_str())>{i.status.label(l)}</span>
                    {facts.into_iter().map(|f| view! { <span class="sub-note">{f}</span> }).collect_view()}
                    {mine(i).then(|| {
                        let needs: Vec<(String, String)> = a.materials.iter()
                            .filter(|m| m.needed_by.contains(&i.item))
                            .map(|m| (m.id.clone(), m.name.get(l).to_string()))
                            .collect();
                        let uses: Vec<String> = names.item_fields.iter()
                            .find(|(item, _)| item == &i.item)
                            .map(|(_, f)| f.clone())
                            .unwrap_or_default();
                        let fields: Vec<(String, String)> = names.fields.iter()
                            .filter(|(k, _)| uses.contains(k))
                            .cloned()
                            .collect();
                        actions(page, i, onsite, (needs, fields), names.committed.contains(&i.item), licence_pending, l)
                    })}
                </li> }
            }).collect_view()}</ul>
        </section>
    }
    .into_any()
}

/// The actions a reviewer may take on their own item in its current state, each a small form.
/// `inspectable`: the application's items (any department) that could join an inspection.
/// Ids (material ids, field keys) with their names, to tick.
type Named = Vec<(String, String)>;

fn actions(
    page: Page,
    i: &StaffItem,
    inspectable: &[StaffItem],
    (materials, fields): (Named, Named),
    committed: bool,
    licence_pending: bool,
    l: Lang,
) -> AnyView {
    let (id, version) = (i.id, i.version);
    // The business licence's number is the credit code the server issues: nothing to type.
    let registration = i.item == "business_registration";
    let numbered = i.numbered;
    // The number field: optional where the department's numbering rule assigns one.
    let number_field = move |key: &'static str| {
        let input = format!("{key}-{id}");
        let hint = format!("{key}-hint-{id}");
        view! {
            <label class="label" for=input.clone()>{tr(l, "许可证编号", "Certificate number")}</label>
            {numbered.then(|| view! {
                <p class="muted" id=hint.clone()>{tr(l, "留空则按本部门编号规则自动编号；本部门系统已编号的，可填写该编号。", "Leave empty to number it by the department's rule; or enter the number your own system assigned.")}</p>
            })}
            <input id=input attr:aria-describedby=numbered.then_some(hint) />
        }
    };
    // Approving a permit before the licence is the reviewer's explicit choice.
    let first = move |prefix: &'static str| {
        (licence_pending && !registration).then(|| {
            let cid = format!("{prefix}-{id}");
            let for_id = cid.clone();
            view! { <label class="choice" for=for_id><input type="checkbox" id=cid />
                <span>{tr(l, "营业执照尚未核发，先行准予本许可", "The licence is not issued yet: approve this permit first")}</span></label> }
        })
    };
    let review = move |action: ReviewAction, fill: fn(&mut ReviewRequest, i64)| {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut body = ReviewRequest {
                action,
                version,
                message: None,
                certificate: None,
                inspection_on: None,
                follow_up_on: None,
                insufficient: vec![],
                fields: vec![],
                pause_kind: None,
                before_licence: false,
            };
            fill(&mut body, id);
            page.act_on(
                id,
                async move { api::review(id, &body, lang_untracked()).await },
            );
        }
    };
    let allowed = |a: ReviewAction| i.status.after(a).is_some();
    let others: Vec<StaffItem> = inspectable.iter().filter(|o| o.id != id).cloned().collect();
    let joinable = others.clone();
    let schedule = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut items = vec![ItemVersion { id, version }];
        items.extend(
            others
                .iter()
                .filter(|o| checked(&format!("with-{id}-{}", o.id)))
                .map(|o| ItemVersion {
                    id: o.id,
                    version: o.version,
                }),
        );
        let body = JointInspectionRequest {
            on: value_of(&format!("on-{id}")),
            items,
        };
        let n = page.number.get_value();
        page.act_on(id, async move {
            api::joint_inspection(&n, &body, lang_untracked()).await
        });
    };
    let inspection = i.inspection;
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(inspection) = inspection else { return };
        let body = InspectionResult {
            result: value_of(&format!("result-{id}")),
        };
        page.act_on(id, async move {
            api::record_inspection(inspection, &body, lang_untracked()).await
        });
    };

    view! {
        <div class="actions-box">
            {allowed(ReviewAction::Approve).then(|| view! {
                <details><summary>{tr(l, "准予许可", "Approve")}</summary>
                    <form on:submit=review(ReviewAction::Approve, |b, id| {
                        b.certificate = some(value_of(&format!("cert-{id}")));
                        b.before_licence = checked(&format!("first-{id}"));
                    })>
                        {if registration {
                            view! { <p class="muted">{tr(l, "准予后即核发营业执照，统一社会信用代码自动赋予。", "Approving issues the business licence; its credit code is assigned.")}</p> }.into_any()
                        } else {
                            number_field("cert").into_any()
                        }}
                        {first("first")}
                        <p class="confirm">{tr(l, "确认后本事项办结为准予许可，申请人随即可见，不能撤回。", "On confirming, the item is decided as approved, the applicant sees it at once, and it cannot be undone.")}</p>
                        <button type="submit" class="button primary">{tr(l, "确认准予许可", "Approve")}</button>
                    </form>
                </details>
            })}
            {(committed && allowed(ReviewAction::ApproveByCommitment)).then(|| view! {
                <details><summary>{tr(l, "告知承诺审批", "Approve by commitment")}</summary>
                    <form on:submit=review(ReviewAction::ApproveByCommitment, |b, id| {
                        b.certificate = some(value_of(&format!("ccert-{id}")));
                        b.follow_up_on = some(value_of(&format!("follow-{id}")));
                        b.before_licence = checked(&format!("cfirst-{id}"));
                    })>
                        {number_field("ccert")}
                        <label class="label" for=format!("follow-{id}")>{tr(l, "事后核查日期", "Follow-up check on")}</label>
                        <input id=format!("follow-{id}") type="date" />
                        {first("cfirst")}
                        <p class="confirm">{tr(l, "确认后先核查失信名单，未列入即当场准予，事后按期核查承诺。", "On confirming, the dishonesty list is checked; if clear, the item is approved now and the commitment checked later.")}</p>
                        <button type="submit" class="button primary">{tr(l, "核查信用并当场审批", "Check credit and approve")}</button>
                    </form>
                </details>
            })}
            {allowed(ReviewAction::ScheduleInspection).then(|| view! {
                <details><summary>{tr(l, "安排现场核查（可联合）", "Schedule an inspection (joint if need be)")}</summary>
                    <form on:submit=schedule>
                        <label class="label" for=format!("on-{id}")>{tr(l, "核查日期", "Inspection day")}</label>
                        <input id=format!("on-{id}") type="date" />
                        {joinable.into_iter().map(|o| {
                            let cid = format!("with-{id}-{}", o.id);
                            let for_id = cid.clone();
                            view! { <label class="choice" for=for_id><input type="checkbox" id=cid /><span>{format!("{}{}", tr(l, "一并核查：", "Together with: "), o.name.get(l))}</span></label> }
                        }).collect_view()}
                        <button type="submit" class="button primary">{tr(l, "安排核查", "Schedule")}</button>
                    </form>
                </details>
            })}
            {allowed(ReviewAction::RecordInspection).then(|| view! {
                <details><summary>{tr(l, "记录核查结果", "Record the inspection")}</summary>
                    <form on:submit=record>
                        <label class="label" for=format!("result-{id}")>{tr(l, "核查结果", "Result")}</label>
                        <textarea id=format!("result-{id}") rows="2"></textarea>
                        <button type="submit" class="button primary">{tr(l, "记录（一次记录全部联合事项）", "Record (for every item of the visit)")}</button>
                    </form>
                </details>
            })}
            {allowed(ReviewAction::RequestSupplement).then(|| view! {
                <details><summary>{tr(l, "要求补充材料", "Request a supplement")}</summary>
                    <form on:submit=review(ReviewAction::RequestSupplement, |b, id| {
                        b.message = some(value_of(&format!("req-{id}")));
                        b.insufficient = ticked("insufficient-of", id);
                        b.fields = ticked("field-of", id);
                    })>
                        <label class="label" for=format!("req-{id}")>{tr(l, "需要补充的内容", "What is needed")}</label>
                        <textarea id=format!("req-{id}") rows="2"></textarea>
                        {(!fields.is_empty()).then(|| view! {
                            <fieldset class="section">
                                <legend>{tr(l, "需申请人更正的栏目", "Answers the applicant is to change")}</legend>
                                {fields.iter().map(|(key, label)| {
                                    let cid = format!("field-{id}-{key}");
                                    let for_id = cid.clone();
                                    view! { <label class="choice" for=for_id><input type="checkbox" id=cid value=key.clone() data-field-of=id /><span>{label.clone()}</span></label> }
                                }).collect_view()}
                            </fieldset>
                        })}
                        {(!materials.is_empty()).then(|| view! {
                            <fieldset class="section">
                                <legend>{tr(l, "材料不符合要求（申请人需重新上传）", "Insufficient materials (to upload again)")}</legend>
                                {materials.iter().map(|(mid, name)| {
                                    let cid = format!("insuff-{id}-{mid}");
                                    let for_id = cid.clone();
                                    view! { <label class="choice" for=for_id><input type="checkbox" id=cid value=mid.clone() data-insufficient-of=id /><span>{name.clone()}</span></label> }
                                }).collect_view()}
                            </fieldset>
                        })}
                        <button type="submit" class="button">{tr(l, "发送", "Send")}</button>
                    </form>
                </details>
            })}
            {allowed(ReviewAction::Pause).then(|| view! {
                <details><summary>{tr(l, "专家评审或检验检测（暂停计时）", "Expert review or testing (stop the clock)")}</summary>
                    <form on:submit=review(ReviewAction::Pause, |b, id| {
                        b.pause_kind = some(value_of(&format!("pkind-{id}")));
                        b.message = some(value_of(&format!("preason-{id}")));
                    })>
                        <label class="label" for=format!("pkind-{id}")>{tr(l, "环节", "Stage")}</label>
                        <select id=format!("pkind-{id}")>
                            <option value="expert_review">{tr(l, "专家评审", "Expert review")}</option>
                            <option value="testing">{tr(l, "检验检测", "Testing")}</option>
                        </select>
                        <label class="label" for=format!("preason-{id}")>{tr(l, "原因（申请人可见）", "Reason (the applicant sees it)")}</label>
                        <textarea id=format!("preason-{id}") rows="2"></textarea>
                        <button type="submit" class="button">{tr(l, "开始，暂停计时", "Start: stop the clock")}</button>
                    </form>
                </details>
            })}
            {allowed(ReviewAction::Resume).then(|| view! {
                <form on:submit=review(ReviewAction::Resume, |_, _| {})>
                    <button type="submit" class="button">{tr(l, "评审或检测结束，恢复计时", "Finished: resume the clock")}</button>
                </form>
            })}
            {allowed(ReviewAction::Supplied).then(|| view! {
                <form on:submit=review(ReviewAction::Supplied, |_, _| {})>
                    <button type="submit" class="button">{tr(l, "已收到补充，恢复计时", "Supplement received: resume the clock")}</button>
                </form>
            })}
            {allowed(ReviewAction::Reject).then(|| view! {
                <details><summary>{tr(l, "不予许可", "Reject")}</summary>
                    <form on:submit=review(ReviewAction::Reject, |b, id| b.message = some(value_of(&format!("reason-{id}"))))>
                        <label class="label" for=format!("reason-{id}")>{tr(l, "理由", "Reason")}</label>
                        <textarea id=format!("reason-{id}") rows="2"></textarea>
                        <p class="confirm">{tr(l, "确认后本事项办结为不予许可，理由告知申请人，不能撤回。", "On confirming, the item is refused; the applicant is told the reason. It cannot be undone.")}</p>
                        <button type="submit" class="button">{tr(l, "确认不予许可", "Reject")}</button>
                    </form>
                </details>
            })}
            <p id=format!("outcome-{id}") tabindex="-1" role="status" aria-live="polite"
                class=move || match page.outcome.get() { Some((o, _, true)) if o == id => "outcome error", _ => "outcome" }>
                {move || page.outcome.get().filter(|(o, _, _)| *o == id).map(|(_, words, _)| words)}
            </p>
        </div>
    }
    .into_any()
}

/// The materials this staff member may see, each file with a preview (in the page) and a
/// download; every read is in the audit log.
fn materials_panel(page: Page, user: &StaffProfile, a: &StaffApplication, l: Lang) -> AnyView {
    let previewing = RwSignal::new(None::<(String, String)>);
    let window = user.role != Role::Reviewer;
    let list = a.materials.iter().map(|m| {
        let files = m.files.iter().map(|f| {
            let url = path(paths::STAFF_FILE, &[&f.id]);
            let (preview, kind) = (format!("{url}?disposition=inline"), f.content_type.clone().unwrap_or_default());
            let name = f.name.clone();
            view! { <li class="file">
                <span class="file-name">{f.name.clone()}</span>
                <span class="muted">{format!("{} KB", f.size.div_ceil(1024))}</span>
                <button type="button" class="button small" aria-label=format!("{}{name}", tr(l, "预览 ", "Preview "))
                    on:click=move |_| previewing.set(Some((preview.clone(), kind.clone())))>{tr(l, "预览", "Preview")}</button>
                <a class="button small" href=url download="">{tr(l, "下载", "Download")}</a>
            </li> }
        }).collect_view();
        view! { <li class="sub material" data-material=m.id.clone()>
            <span class="sub-name">{m.name.get(l).to_string()}</span>
            <span class="sub-dept">{if m.owed { tr(l, "容缺后补", "To follow") } else if m.paper { tr(l, "纸质件已收（窗口）", "Received on paper at the window") } else if m.files.is_empty() { tr(l, "未上传（窗口核收纸质件）", "Not uploaded (paper at the window)") } else { "" }}</span>
            {(m.owed && window).then(|| {
                let (material, back) = (m.id.clone(), m.id.clone());
                let received = move |_| {
                    let (n, id) = (page.number.get_value(), material.clone());
                    page.act(async move { api::received(&n, &id, lang_untracked()).await });
                };
                let reason_id = format!("withdraw-{back}");
                let withdraw = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let (n, id) = (page.number.get_value(), back.clone());
                    let reason = value_of(&format!("withdraw-{id}"));
                    page.act(async move { api::withdraw_owed(&n, &id, &reason, lang_untracked()).await });
                };
                view! {
                    <button type="button" class="button small" on:click=received>{tr(l, "已收到纸质件", "Paper copy received")}</button>
                    <details class="withdraw"><summary>{tr(l, "撤销容缺（误选）", "Take back (chosen in error)")}</summary>
                        <form on:submit=withdraw>
                            <label class="label" for=reason_id.clone()>{tr(l, "撤销理由（留痕）", "Reason (on the record)")}</label>
                            <input id=reason_id type="text" maxlength="2000" />
                            <button type="submit" class="button small">{tr(l, "确认撤销", "Take it back")}</button>
                        </form>
                    </details>
                }
            })}
            <ul class="files">{files}</ul>
        </li> }
    }).collect_view();
    view! {
        <section class="panel materials">
            <h2>{tr(l, "申请材料（本岗位可见部分）", "Materials (the part you may see)")}</h2>
            <ul class="subs">{list}</ul>
            {move || previewing.get().map(|(url, kind)| view! {
                <div class="preview" role="region" aria-label=tr(l, "材料预览", "Preview")>
                    {if kind.starts_with("image/") {
                        view! { <img src=url alt=tr(l, "材料图片", "The material") /> }.into_any()
                    } else {
                        view! { <iframe src=url title=tr(l, "材料 PDF", "The material (PDF)")></iframe> }.into_any()
                    }}
                    <button type="button" class="button small" on:click=move |_| previewing.set(None)>{tr(l, "关闭预览", "Close the preview")}</button>
                </div>
            })}
        </section>
    }
    .into_any()
}

/// The answers, grouped by the form's sections, with the form's labels.
fn answers_view(a: &StaffApplication, form: &BundleView, l: Lang) -> AnyView {
    view! {
        <section class="panel review">
            <h2>{tr(l, "申请内容（本岗位可见部分）", "The application (the part you may see)")}</h2>
            {form.sections.iter().map(|s| {
                let fields: Vec<_> = form.fields.iter().filter(|f| f.section == s.id && a.answers.contains_key(&f.key)).collect();
                (!fields.is_empty()).then(|| view! {
                    <h3>{s.title.get(l).to_string()}</h3>
                    <dl class="answers">{fields.into_iter().map(|f| view! { <div>
                        <dt>{f.label.get(l).to_string()}</dt>
                        <dd>{display_answer(f, &a.answers[&f.key], l)}</dd>
                    </div> }).collect_view()}</dl>
                })
            }).collect_view()}
        </section>
    }
    .into_any()
}

/// The sealed documents to print for the holder at the window: the notices, each permit's
/// certificate (the same PDFs the holder downloads); each decision's delivery (送达) — the
/// window records one collected on paper.
fn documents_panel(
    page: Page,
    user: &StaffProfile,
    a: &StaffApplication,
    l: Lang,
) -> Option<AnyView> {
    if a.documents.is_empty() {
        return None;
    }
    let n = a.number.clone();
    let clerk = user.role == Role::Clerk;
    Some(view! {
        <section class="panel" id="documents">
            <h2>{tr(l, "文书与电子证照（打印、送达）", "Documents and certificates (print, deliver)")}</h2>
            <ul class="documents">{a.documents.iter().map(|d| {
                let delivered = d.delivered_on.as_ref().map(|on| {
                    let way = match d.delivered_way.as_deref() {
                        Some("paper") => tr(l, "窗口领取", "collected at the window"),
                        _ => tr(l, "电子送达，申请人已确认签收", "delivered electronically, receipt confirmed"),
                    };
                    format!("{}{on}（{way}）", tr(l, "已送达 ", "Delivered "))
                });
                let collect = (clerk && d.receipt).then(|| {
                    let document = d.path.clone();
                    let record = move |_| {
                        let (n, doc) = (page.number.get_value(), document.clone());
                        page.act(async move { api::delivered(&n, &doc, lang_untracked()).await });
                    };
                    view! { <button type="button" class="button small" data-collect=d.path.clone() on:click=record>{tr(l, "登记窗口领取（送达）", "Record collected at the window")}</button> }
                });
                view! {
                    <li data-document=d.path.clone()><a class="button" download href=format!("/api/staff/applications/{n}/documents/{}", d.path)>{format!("{}（PDF）", d.title)}</a>
                        {delivered.map(|w| view! { <span class="sub-note delivered">{w}</span> })}
                        {(d.receipt && !clerk).then(|| view! { <span class="sub-note">{tr(l, "尚未送达", "Not delivered yet")}</span> })}
                        {collect}</li>
                }
            }).collect_view()}</ul>
        </section>
    }.into_any())
}

/// The messages the applicant was sent (the channels they chose on the form): when, how, to
/// whom (masked), and whether each went out.
fn notifications_panel(a: &StaffApplication, l: Lang) -> Option<AnyView> {
    if a.notifications.is_empty() {
        return None;
    }
    Some(view! {
        <section class="panel" id="notifications">
            <h2>{tr(l, "已发送的通知", "Messages to the applicant")}</h2>
            <ul class="subs">{a.notifications.iter().map(|m| {
                let channel = if m.channel == "email" { tr(l, "邮件", "E-mail") } else { tr(l, "短信", "Text") };
                let state = match (&m.sent_at, &m.last_error) {
                    (Some(at), _) => format!("{}{}", tr(l, "已发送 ", "Sent "), county(at)),
                    (None, Some(e)) => format!("{}（{}）", tr(l, "发送失败，将自动重试", "Failed, will be tried again"), e),
                    (None, None) => tr(l, "排队中", "Queued").to_string(),
                };
                view! { <li class="sub" data-step=m.step.clone()>
                    <span class="sub-name">{format!("{channel} · {}", m.to)}</span>
                    <span class="sub-dept">{m.subject.clone()}</span>
                    <span class="sub-note">{state}</span>
                </li> }
            }).collect_view()}</ul>
        </section>
    }.into_any())
}

/// The enterprise's licence (its QR and public page) and its permits; a department changes the
/// state of its own permits.
fn licence_panel(
    page: Page,
    user: &StaffProfile,
    a: &StaffApplication,
    names: &Names,
    l: Lang,
) -> Option<AnyView> {
    let lic = a.licence.clone()?;
    let dept = user.department.clone();
    // The registration authority (the business registration's department) records changes.
    let authority = a.items.iter().any(|i| {
        i.item == "business_registration" && dept.as_deref() == Some(i.department.as_str())
    });
    let uscc = lic.uscc.clone();
    let record_change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = shared::staff::LicenceChange {
            field: value_of("change-field"),
            value: value_of("change-value"),
            reason: value_of("change-reason"),
        };
        let uscc = uscc.clone();
        page.act(async move { api::licence_change(&uscc, &body, lang_untracked()).await });
    };
    let permits = a.permits.clone();
    // Same origin: the page's own path, whatever public address the QR carries.
    let qr = lic
        .verify_url
        .find("/v/")
        .map(|i| format!("{}/qr.svg", &lic.verify_url[i..]))
        .unwrap_or_default();
    Some(view! {
        <section class="panel">
            <h2>{tr(l, "营业执照与许可（一业一证）", "Licence and permits")}</h2>
            <p>{format!("{}{}", tr(l, "统一社会信用代码：", "Credit code: "), lic.uscc)}
                " · " <a href=lic.verify_url.clone()>{tr(l, "公开核验页", "Public verify page")}</a>
                " · " <a href=format!("{}/print", lic.verify_url)>{tr(l, "打印营业执照", "Print the licence")}</a></p>
            <img class="licence-qr" src=qr alt=tr(l, "营业执照二维码", "Licence QR code") width="160" height="160" />
            {authority.then(|| view! {
                <details><summary>{tr(l, "变更登记（名称、法定代表人、经营场所）", "Record a change (name, legal representative, address)")}</summary>
                    <form class="form" on:submit=record_change>
                        <label class="label" for="change-field">{tr(l, "变更事项", "What changes")}</label>
                        <select id="change-field">
                            <option value="name">{tr(l, "名称", "Name")}</option>
                            <option value="legal_rep">{tr(l, "法定代表人", "Legal representative")}</option>
                            <option value="address">{tr(l, "经营场所", "Address")}</option>
                        </select>
                        <label class="label" for="change-value">{tr(l, "变更后", "New value")}</label>
                        <input id="change-value" />
                        <label class="label" for="change-reason">{tr(l, "变更理由", "Reason")}</label>
                        <input id="change-reason" />
                        <button type="submit" class="button primary">{tr(l, "登记变更（执照和全部许可同步）", "Record (licence and every permit together)")}</button>
                    </form>
                </details>
            })}
            <ul class="subs">{permits.into_iter().map(|p| {
                let own = dept.as_deref() == Some(p.department.as_str());
                let id = p.id;
                let change = move |state: &'static str| move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let body = shared::staff::PermitStateRequest { state: state.into(), reason: some(value_of(&format!("permit-reason-{id}"))) };
                    page.act(async move { api::permit_state(id, &body, lang_untracked()).await });
                };
                view! { <li class="sub" data-permit=p.item.clone()>
                    <span class="sub-name">{names.item_name(&p.item)}</span>
                    <span class="sub-dept">{format!("{} · {}", Names::name(&names.departments, &p.department), p.certificate)}</span>
                    <span class=format!("badge {}", p.state.as_str())>{p.state.label(l)}</span>
                    {own.then(|| view! {
                        <details class="sub-note"><summary>{tr(l, "变更许可状态", "Change the permit's state")}</summary>
                            <form on:submit=change("revoked")>
                                <label class="label" for=format!("permit-reason-{id}")>{tr(l, "理由", "Reason")}</label>
                                <input id=format!("permit-reason-{id}") />
                                <button type="submit" class="button">{tr(l, "撤销许可", "Revoke")}</button>
                            </form>
                            <form on:submit=change("suspended")><button type="submit" class="button">{tr(l, "暂停（使用上方理由）", "Suspend (reason above)")}</button></form>
                            <form on:submit=change("valid")><button type="submit" class="button">{tr(l, "恢复有效", "Reinstate")}</button></form>
                        </details>
                    })}
                </li> }
            }).collect_view()}</ul>
        </section>
    }.into_any())
}
