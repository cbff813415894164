//! The attacks of the hardening review (OWASP ASVS level 2), one test each, written as the
//! attacker would try them — on SQLite and on PostgreSQL where the database plays a part.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use backend::AppState;
use backend::http::client::TrustedProxies;
use backend::http::limits::{LimitSettings, Limits};

use crate::helpers::{PASSWORD, TestApp, restaurant};

crate::on_both_databases!(a_parallel_burst_of_wrong_passwords_gets_the_free_tries_and_no_more,);

/// Behind the county's reverse proxy (127.0.0.1) every applicant arrives from the proxy's
/// address; the limits must still count each client by the address the proxy forwarded — and a
/// client that writes the header itself, without the proxy, gains nothing by it.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_a_forged_header_gains_nothing() {
    let app = TestApp::sqlite().await.serving(|s| AppState {
        limits: Limits::new(LimitSettings {
            submissions_per_minute: 2,
            public_pages_per_minute: 3,
            ..Default::default()
        }),
        trusted_proxies: TrustedProxies::parse("127.0.0.1/32, ::1").expect("list"),
        ..s
    });
    let file = |peer: &str, forwarded: Option<&str>| {
        let peer: std::net::SocketAddr = peer.parse().expect("peer");
        let mut req = Request::post("/api/applications")
            .header("content-type", "application/json")
            .extension(ConnectInfo(peer));
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let body = serde_json::to_vec(&restaurant()).expect("json");
        req.body(Body::from(body)).expect("request")
    };
    let proxy = "127.0.0.1:40000";
    for _ in 0..2 {
        assert_eq!(app.send(file(proxy, Some("198.51.100.1"))).await.0, 201);
    }
    assert_eq!(
        app.send(file(proxy, Some("198.51.100.1"))).await.0,
        429,
        "the first client's third a minute"
    );
    assert_eq!(
        app.send(file(proxy, Some("198.51.100.2"))).await.0,
        201,
        "another client through the same proxy is not held back"
    );
    // A client in front of the proxy prepends an address of its own choosing: the proxy
    // appends the real one, which is what counts.
    assert_eq!(
        app.send(file(proxy, Some("10.9.9.9, 198.51.100.1")))
            .await
            .0,
        429
    );
    // Straight to the server, a forged header is ignored: the peer counts.
    let direct = "203.0.113.50:1234";
    for n in 0..3 {
        let forged = format!("192.0.2.{n}");
        let expected = if n < 2 { 201 } else { 429 };
        assert_eq!(app.send(file(direct, Some(&forged))).await.0, expected);
    }
    // The public pages' limit is a setting too.
    let page = |n: u8| {
        let peer: std::net::SocketAddr = "127.0.0.1:40001".parse().expect("peer");
        Request::get("/v/AAAAAAAAAAAAAAAAAAAAAA")
            .header("forwarded", format!("for=\"[2001:db8:{n}::1]:443\""))
            .extension(ConnectInfo(peer))
            .body(Body::empty())
            .expect("request")
    };
    for _ in 0..3 {
        assert_eq!(app.send(page(1)).await.0, 404);
    }
    assert_eq!(app.send(page(1)).await.0, 429);
    assert_eq!(app.send(page(2)).await.0, 404, "another /64");
    app.finish().await;
}

/// Fifteen tries at once, all wrong, from one client: the try is counted before the slow hash,
/// so only the free ones reach the password check.
async fn a_parallel_burst_of_wrong_passwords_gets_the_free_tries_and_no_more(app: &TestApp) {
    app.account("director", "admin", None).await;
    let tries =
        (0..15).map(|_| app.login_from("director", "wrong password!!", Some("203.0.113.9:1")));
    let answers = futures_util::future::join_all(tries).await;
    assert!(answers.iter().all(|(s, _, _)| s.as_u16() == 401));
    let checked = backend::db::audit::history(&app.db, "staff director")
        .await
        .expect("history")
        .iter()
        .filter(|e| e.action == "login.failed")
        .count();
    assert_eq!(checked, backend::domain::login::FREE_TRIES as usize);
    // The right password from the same client is throttled too; from the office it works.
    assert_eq!(
        app.login_from("director", PASSWORD, Some("203.0.113.9:2"))
            .await
            .0,
        401
    );
    assert_eq!(
        app.login_from("director", PASSWORD, Some("10.0.0.5:2"))
            .await
            .0,
        200
    );
}
