//! A typed client for each kind of user: a staff member signed in with their session cookie,
//! an applicant holding an application's number and private token.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::TestApp;

/// The password of every staff account the tests create.
pub const PASSWORD: &str = "correct horse battery staple";

/// The item `id` (a catalogue item) of an application or status as the API sent it.
/// The ids of every material of an application as staff see it (for a checklist that takes
/// what is not uploaded as received on paper).
pub fn every_material(view: &Value) -> Value {
    view["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .map(|m| m["id"].clone())
        .collect()
}

pub fn item<'a>(application: &'a Value, id: &str) -> &'a Value {
    application["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == id)
        .unwrap_or_else(|| panic!("no {id} in {application}"))
}

/// A request with optional headers and JSON body, answered as (status, JSON or text).
pub(super) async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    };
    let (status, _, value) = app.send(req.expect("request")).await;
    (status, value)
}

/// A staff member signed in: every call carries their session cookie — or, for a machine
/// client, its access token as bearer.
pub struct StaffClient<'a> {
    app: &'a TestApp,
    pub username: String,
    /// `lianban_staff=…`, as a `Cookie` header (or `Bearer …`, as `Authorization`).
    pub cookie: String,
    header: &'static str,
}

impl<'a> StaffClient<'a> {
    /// A client sending `cookie` (e.g. a forged one) as `username`.
    pub fn new(app: &'a TestApp, username: &str, cookie: String) -> StaffClient<'a> {
        StaffClient {
            app,
            username: username.into(),
            cookie,
            header: "cookie",
        }
    }

    /// A machine client `username` sending its access `token`.
    pub fn bearer(app: &'a TestApp, username: &str, token: &str) -> StaffClient<'a> {
        StaffClient {
            app,
            username: username.into(),
            cookie: format!("Bearer {token}"),
            header: "authorization",
        }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        call(self.app, method, path, &[(self.header, &self.cookie)], body).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, Some(body)).await
    }

    /// Sets this staff member's own e-mail address (empty: none): the answer.
    pub async fn set_email(&self, email: &str) -> (StatusCode, Value) {
        let body = serde_json::json!({ "email": email });
        self.call("PUT", "/api/staff/me/email", Some(body)).await
    }

    /// Application `number` as this staff member sees it (200 asserted).
    pub async fn application(&self, number: &str) -> Value {
        let (status, a) = self.get(&format!("/api/staff/applications/{number}")).await;
        assert_eq!(status, 200, "{} reads {number}: {a}", self.username);
        a
    }

    /// A review action on `item` (as read: its version goes with the request).
    pub async fn review(&self, item: &Value, body: Value) -> (StatusCode, Value) {
        let mut body = body;
        body["version"] = item["version"].clone();
        let path = format!("/api/staff/items/{}/review", item["id"]);
        self.post(&path, body).await
    }

    /// The window accepts application `number`, every material not uploaded received on
    /// paper; returns it as the window then sees it.
    pub async fn accept(&self, number: &str) -> Value {
        let full = self.application(number).await;
        let intake = format!("/api/staff/applications/{number}/intake");
        let body = json!({"decision": "accept", "version": full["version"],
            "paper_materials": every_material(&full)});
        let (status, accepted) = self.post(&intake, body).await;
        assert_eq!(status, 200, "{accepted}");
        accepted
    }

    /// Replaces the dishonesty list with `csv` sent as `content_type`.
    pub async fn import_list(&self, csv: &str, content_type: &str) -> (StatusCode, Value) {
        let req = Request::post("/api/staff/dishonesty-list")
            .header(self.header, &self.cookie)
            .header("content-type", content_type)
            .body(Body::from(csv.to_string()))
            .expect("request");
        let (status, _, body) = self.app.send(req).await;
        (status, body)
    }
}

/// An applicant holding an application's number and private token (the status link).
pub struct Applicant<'a> {
    app: &'a TestApp,
    pub number: String,
    pub token: String,
}

impl<'a> Applicant<'a> {
    pub(super) fn new(app: &'a TestApp, created: &Value) -> Applicant<'a> {
        Applicant {
            app,
            number: created["number"].as_str().expect("number").into(),
            token: created["token"].as_str().expect("token").into(),
        }
    }

    /// `/api/applications/{number}` and what follows it.
    pub fn path(&self, rest: &str) -> String {
        format!("/api/applications/{}{rest}", self.number)
    }

    /// A call with the token as the bearer (`None`: another token, or none at all).
    pub async fn call_as(
        &self,
        token: Option<&str>,
        method: &str,
        rest: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .iter()
            .map(|b| ("authorization", b.as_str()))
            .collect();
        call(self.app, method, &self.path(rest), &headers, body).await
    }

    pub async fn call(&self, method: &str, rest: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_as(Some(&self.token), method, rest, body).await
    }

    /// The status page's data (200 asserted).
    pub async fn status(&self) -> Value {
        let (status, s) = self.call("GET", "", None).await;
        assert_eq!(status, 200, "{s}");
        s
    }

    /// Answers the correction notice (`item: None`) or an item's supplement request.
    pub async fn reply(&self, body: Value) -> (StatusCode, Value) {
        self.call("POST", "/reply", Some(body)).await
    }

    /// The licence holder's request (a change, a cancellation).
    pub async fn request(&self, body: Value) -> (StatusCode, Value) {
        self.call("POST", "/requests", Some(body)).await
    }

    /// Uploads a whole file of `material` (a material that follows, 容缺); the final state.
    pub async fn upload(&self, material: &str, name: &str, bytes: &[u8]) -> (StatusCode, Value) {
        let base = self.path("");
        self.app
            .upload(&base, &self.token, material, name, bytes)
            .await
    }
}
