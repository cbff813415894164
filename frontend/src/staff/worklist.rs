//! The worklist on the staff's desk: one list for every role — the window's applications, a
//! department's items nearest deadline first — with a search box, filters, more rows on
//! demand, each deadline in colour and in words, items to take or release (several at once),
//! for the administrator items to hand to a reviewer of their department, and saved views.

use leptos::prelude::*;
use shared::Lang;
use shared::staff::{Role, StaffProfile};
use shared::worklist::{Kind, Page, Row, SavedView};

use crate::api;
use crate::i18n::{lang_untracked, tr};

/// The list's filters, as the query string they make.
#[derive(Clone, Copy)]
struct Filters {
    kind: RwSignal<String>,
    q: RwSignal<String>,
    state: RwSignal<String>,
    due: RwSignal<String>,
    assigned: RwSignal<String>,
    sort: RwSignal<String>,
}

impl Filters {
    fn query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("kind", self.kind.get()),
            ("q", self.q.get()),
            ("state", self.state.get()),
            ("due", self.due.get()),
            ("assigned", self.assigned.get()),
            ("sort", self.sort.get()),
        ] {
            if !value.is_empty() {
                let v: String = js_sys::encode_uri_component(&value).into();
                parts.push(format!("{key}={v}"));
            }
        }
        parts.join("&")
    }

    /// Sets every filter from a saved view's query string.
    fn load(&self, query: &str) {
        let get = |key: &str| {
            query
                .split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| js_sys::decode_uri_component(v).ok())
                .map(String::from)
                .unwrap_or_default()
        };
        self.kind.set(get("kind"));
        self.q.set(get("q"));
        self.state.set(get("state"));
        self.due.set(get("due"));
        self.assigned.set(get("assigned"));
        self.sort.set(get("sort"));
    }
}

fn select(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    view! {
        <div class="filter">
            <label class="label" for=id>{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options.into_iter().map(|(v, text)| view! { <option value=v>{text}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// The worklist panel for `me`.
pub fn worklist(me: &StaffProfile, l: Lang) -> AnyView {
    let reviewer = me.role == Role::Reviewer;
    // The administrator hands an item to a reviewer of its department: the active ones.
    let admin = me.role == Role::Admin;
    let reviewers = RwSignal::new(Vec::<(String, String, String)>::new());
    if admin {
        leptos::task::spawn_local(async move {
            if let Ok(a) = api::accounts(lang_untracked()).await {
                reviewers.set(
                    a.accounts
                        .into_iter()
                        .filter(|x| x.active && x.role == Role::Reviewer)
                        .map(|x| (x.username, x.display_name, x.department.unwrap_or_default()))
                        .collect(),
                );
            }
        });
    }
    let f = Filters {
        kind: RwSignal::new(String::new()),
        q: RwSignal::new(String::new()),
        state: RwSignal::new(String::new()),
        due: RwSignal::new(String::new()),
        assigned: RwSignal::new(String::new()),
        sort: RwSignal::new(String::new()),
    };
    let rows = RwSignal::new(Vec::<Row>::new());
    let kind = RwSignal::new(if reviewer {
        Kind::Items
    } else {
        Kind::Applications
    });
    let next = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let load = move |after: Option<String>| {
        let mut query = f.query();
        if let Some(a) = &after {
            query = format!("{query}&after={a}");
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            match api::worklist(&query, lang_untracked()).await {
                Ok(Page {
                    kind: k,
                    rows: r,
                    next: n,
                }) => {
                    kind.set(k);
                    if after.is_some() {
                        rows.update(|all| all.extend(r));
                    } else {
                        rows.set(r);
                    }
                    next.set(n);
                    message.set(None);
                }
                Err(e) => message.set(Some(e.body.first_message())),
            }
            loading.set(false);
        });
    };
    // A new filter is a new first page.
    Effect::new(move |_| {
        let _ = f.query();
        load(None);
    });
    // The queue follows what others do: the first page is read again every 30 seconds and
    // replaced when it changed — unless a field has the focus or more pages were shown.
    let _ = set_interval_with_handle(
        move || {
            if crate::staff::typing()
                || rows.with_untracked(|r| r.len() > shared::worklist::DEFAULT_PAGE as usize)
            {
                return;
            }
            let query = untrack(|| f.query());
            leptos::task::spawn_local(async move {
                if let Ok(page) = api::worklist(&query, lang_untracked()).await
                    && rows.with_untracked(|r| *r != page.rows)
                {
                    kind.set(page.kind);
                    rows.set(page.rows);
                    next.set(page.next);
                }
            });
        },
        std::time::Duration::from_secs(30),
    );
    let views = RwSignal::new(Vec::<SavedView>::new());
    let reload_views = move || {
        leptos::task::spawn_local(async move {
            if let Ok(v) = api::saved_views(lang_untracked()).await {
                views.set(v);
            }
        });
    };
    reload_views();
    let view_name = RwSignal::new(String::new());
    let save = move |_| {
        let v = SavedView {
            id: 0,
            name: view_name.get_untracked(),
            query: f.query(),
        };
        leptos::task::spawn_local(async move {
            match api::save_view(&v, lang_untracked()).await {
                Ok(_) => {
                    view_name.set(String::new());
                    reload_views();
                }
                Err(e) => message.set(Some(e.body.first_message())),
            }
        });
    };
    let me_name = me.username.clone();
    let assign = move |ids: Vec<i64>, to: Option<String>| {
        leptos::task::spawn_local(async move {
            match api::assign(ids, to, lang_untracked()).await {
                Ok(_) => load(None),
                Err(e) => message.set(Some(e.body.first_message())),
            }
        });
    };
    let take = move |id: i64, to: Option<String>| assign(vec![id], to);
    // Several at once: the unassigned items ticked in the list.
    let me_all = me.username.clone();
    let take_ticked = move |_| {
        use wasm_bindgen::JsCast;
        let ids: Vec<i64> = document()
            .query_selector_all("input[data-take]:checked")
            .ok()
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .filter_map(|i| i.value().parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        if !ids.is_empty() {
            assign(ids, Some(me_all.clone()));
        }
    };
    let mut kinds = Vec::new();
    if !reviewer {
        kinds.push((
            "",
            tr(l, "申请（按提交时间）", "Applications (by filing time)"),
        ));
        kinds.push(("items", tr(l, "事项（按办结期限）", "Items (by deadline)")));
    }
    let states = move || -> Vec<(&'static str, &'static str)> {
        if kind.get() == Kind::Items {
            vec![
                ("", tr(l, "审查中", "Under review")),
                ("paused", tr(l, "暂停计时", "Clock paused")),
                ("waiting", tr(l, "待受理", "Not accepted yet")),
                ("decided", tr(l, "已办结", "Decided")),
            ]
        } else {
            vec![
                ("", tr(l, "全部", "All")),
                ("submitted", tr(l, "待受理", "At the window")),
                ("correction_requested", tr(l, "待补正", "Correction asked")),
                ("accepted", tr(l, "已受理", "Accepted")),
            ]
        }
    };
    let table = move || {
        let items = kind.get() == Kind::Items;
        let me_name = me_name.clone();
        view! {
            <div class="table-wrap"><table class="queue worklist">
                <thead><tr>
                    <th scope="col">{tr(l, "申请编号", "Number")}</th>
                    <th scope="col">{tr(l, "经营主体", "Business")}</th>
                    <th scope="col">{if items { tr(l, "事项", "Item") } else { tr(l, "套餐 · 提交时间", "Bundle · filed") }}</th>
                    <th scope="col">{tr(l, "办结期限", "Deadline")}</th>
                    {items.then(|| view! { <th scope="col">{tr(l, "经办人", "Taken by")}</th> })}
                </tr></thead>
                <tbody>{rows.get().into_iter().map(|r| {
                    let urgent = r.most_urgent();
                    let first = r.items.first().cloned();
                    let when = shared::date::county_time(&r.submitted_at).unwrap_or_default();
                    let me_name = me_name.clone();
                    view! { <tr data-number=r.number.clone()>
                        <td><a href=format!("/staff/applications/{}", r.number)>{r.number.clone()}</a></td>
                        <td>{r.business_name.clone()}</td>
                        <td>{if items {
                            first.as_ref().map(|i| i.name.get(l).to_string()).unwrap_or_default()
                        } else {
                            format!("{} · {when} · {}", r.bundle_name.get(l), r.intake.label(l))
                        }}{r.returned.then(|| view! { <span class="badge returned">{tr(l, "补正后退回", "Returned, corrected")}</span> })}</td>
                        <td><span class=urgent.class()>{urgent.label(l)}</span>
                            {first.as_ref().filter(|_| items).and_then(|i| i.due_on.clone()).map(|d| format!(" {d}"))}</td>
                        {items.then(|| first.map(|i| {
                            let id = i.id;
                            let mine = i.assignee.as_deref() == Some(me_name.as_str());
                            let me = me_name.clone();
                            let number = r.number.clone();
                            let (department, holder) = (i.department.clone(), i.assignee.clone().unwrap_or_default());
                            let hand = admin.then(|| view! {
                                <select class="assign" aria-label=format!("{}{number}", tr(l, "分配给审查员：", "Hand to a reviewer: "))
                                    on:change=move |ev| {
                                        let to = event_target_value(&ev);
                                        take(id, (!to.is_empty()).then_some(to));
                                    }>
                                    <option value="" selected=holder.is_empty()>{tr(l, "（未分配）", "(nobody)")}</option>
                                    {move || reviewers.get().into_iter().filter(|(_, _, d)| *d == department).map(|(u, name, _)| {
                                        let selected = u == holder;
                                        view! { <option value=u.clone() selected=selected>{format!("{name} ({u})")}</option> }
                                    }).collect_view()}
                                </select>
                            });
                            view! { <td>{(!admin).then(|| i.assignee.clone().unwrap_or_default())}{hand}
                                {(reviewer && i.assignee.is_none()).then(|| view! {
                                    <input type="checkbox" class="pick" data-take="" value=id.to_string()
                                        aria-label=format!("{}{number}", tr(l, "选择 ", "Select "))/>
                                    <button type="button" class="button small" on:click=move |_| take(id, Some(me.clone()))>{tr(l, "认领", "Take")}</button> })}
                                {mine.then(|| view! {
                                    <button type="button" class="button small" on:click=move |_| take(id, None)>{tr(l, "释放", "Release")}</button> })}
                            </td> }
                        }))}
                    </tr> }
                }).collect_view()}</tbody>
            </table></div>
        }
    };
    view! {
        <section class="panel worklist-panel">
            <h1>{if reviewer { tr(l, "本部门工作清单", "Your department's worklist") } else { tr(l, "工作清单", "Worklist") }}</h1>
            <form class="filters" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <div class="filter search">
                    <label class="label" for="wl-q">{tr(l, "查找（编号、名称、统一社会信用代码、身份证号）", "Find (number, name, credit code, ID number)")}</label>
                    <input id="wl-q" type="search" prop:value=move || f.q.get()
                        on:change=move |ev| f.q.set(event_target_value(&ev)) />
                </div>
                {(!reviewer).then(|| select("wl-kind", tr(l, "清单", "List"), f.kind, kinds))}
                {move || select("wl-state", tr(l, "状态", "State"), f.state, states())}
                {select("wl-due", tr(l, "期限", "Deadline"), f.due, vec![("", tr(l, "不限", "Any")),
                    ("overdue", tr(l, "已超期", "Overdue")), ("today", tr(l, "今日到期", "Due today")),
                    ("soon", tr(l, "2个工作日内到期", "Due within 2 working days"))])}
                {reviewer.then(|| select("wl-assigned", tr(l, "经办", "Taken"), f.assigned, vec![("", tr(l, "不限", "Any")),
                    ("mine", tr(l, "我认领的", "Mine")), ("unassigned", tr(l, "未认领", "Not taken"))]))}
                {select("wl-sort", tr(l, "排序", "Order"), f.sort, vec![("", tr(l, "默认", "Default")),
                    ("filed", tr(l, "提交时间（早→晚）", "Filed, oldest first")), ("filed_desc", tr(l, "提交时间（晚→早）", "Filed, newest first"))])}
            </form>
            <div class="saved-views">
                {move || views.get().into_iter().map(|v| {
                    let (q, id) = (v.query.clone(), v.id);
                    view! { <span class="saved-view">
                        <button type="button" class="button small" on:click=move |_| f.load(&q)>{v.name.clone()}</button>
                        <button type="button" class="button small" aria-label=format!("{}{}", tr(l, "删除视图 ", "Delete view "), v.name)
                            on:click=move |_| leptos::task::spawn_local(async move {
                                api::delete_view(id, lang_untracked()).await;
                                reload_views();
                            })>"×"</button>
                    </span> }
                }).collect_view()}
                <label class="label" for="wl-view">{tr(l, "将当前筛选保存为视图", "Save these filters as a view")}</label>
                <input id="wl-view" prop:value=move || view_name.get() on:input=move |ev| view_name.set(event_target_value(&ev)) />
                <button type="button" class="button small" on:click=save>{tr(l, "保存视图", "Save view")}</button>
            </div>
            <p class="error" role="alert">{move || message.get()}</p>
            {reviewer.then(|| view! {
                <button type="button" class="button small" on:click=take_ticked>{tr(l, "认领所选事项", "Take the selected items")}</button>
            })}
            {table}
            <p role="status" class="muted">{move || if loading.get() {
                tr(l, "正在加载…", "Loading…").to_string()
            } else if rows.with(Vec::is_empty) {
                tr(l, "没有符合条件的记录", "Nothing matches").to_string()
            } else {
                format!("{}{}", tr(l, "已显示 ", "Showing "), rows.with(Vec::len))
            }}</p>
            {move || next.get().map(|n| view! {
                <button type="button" class="button" on:click=move |_| load(Some(n.clone()))>{tr(l, "加载更多", "Load more")}</button>
            })}
        </section>
    }
    .into_any()
}
