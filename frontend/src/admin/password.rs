//! `/staff/password#t=<token>`: a staff member sets their password with the one-time link the
//! administrator handed them (a new account, a reset). The token stays in the fragment: it
//! never reaches a server's log in a request line.

use leptos::prelude::*;
use shared::staff::SetPassword;

use crate::api;
use crate::i18n::{lang, lang_untracked, tr};

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let token = crate::route::fragment_token();
    let (first, second) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang_untracked();
        if first.get_untracked() != second.get_untracked() {
            error.set(Some(
                tr(l, "两次输入的密码不一致", "The two passwords differ").to_string(),
            ));
            return;
        }
        let body = SetPassword {
            token: crate::route::fragment_token(),
            password: first.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::set_password(&body, lang_untracked()).await {
                Ok(()) => done.set(true),
                Err(e) => error.set(Some(e.body.first_message())),
            }
        });
    };
    move || {
        let l = lang();
        if done.get() {
            return view! {
                <section class="panel narrow">
                    <h1>{tr(l, "密码已设置", "Your password is set")}</h1>
                    <p role="status">{tr(l, "此前的登录已全部结束。请用新密码登录。", "Every earlier session has ended. Log in with the new password.")}</p>
                    <p><a class="button primary" href="/staff">{tr(l, "去登录", "Log in")}</a></p>
                </section>
            }
            .into_any();
        }
        if token.is_empty() {
            return view! {
                <section class="panel narrow">
                    <h1>{tr(l, "设置密码", "Set your password")}</h1>
                    <p class="error">{tr(l, "链接不完整：请使用管理员给您的完整链接。", "This link is incomplete: use the whole link the administrator gave you.")}</p>
                </section>
            }
            .into_any();
        }
        view! {
            <section class="panel narrow">
                <h1>{tr(l, "设置密码", "Set your password")}</h1>
                <p class="muted">{tr(l, "密码 12 到 128 个字符，可以是一句好记的话。链接只能使用一次。", "12 to 128 characters; a sentence you remember works well. The link works once.")}</p>
                <form class="form" on:submit=submit>
                    <div class="field">
                        <label class="label" for="new-password">{tr(l, "新密码", "New password")}</label>
                        <input id="new-password" type="password" autocomplete="new-password" minlength="12" maxlength="128"
                            on:input=move |ev| first.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label class="label" for="repeat-password">{tr(l, "再次输入新密码", "The new password again")}</label>
                        <input id="repeat-password" type="password" autocomplete="new-password" minlength="12" maxlength="128"
                            on:input=move |ev| second.set(event_target_value(&ev)) />
                    </div>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <button type="submit" class="button primary">{tr(l, "设置密码", "Set the password")}</button>
                </form>
            </section>
        }
        .into_any()
    }
}
