//! The usual starting points: staff accounts signed in, a valid restaurant application, an
//! application accepted at the window, whole files and their uploads.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::TestApp;
use super::clients::{Applicant, PASSWORD, StaffClient, call};

/// A complete, valid restaurant application.
pub fn restaurant() -> Value {
    json!({
        "bundle": "restaurant",
        "answers": {
            "business.name": "睢县老张家常菜馆",
            "business.form": "individual",
            "business.scope": ["catering", "prepackaged_food"],
            "business.capital": 10,
            "business.employees": 3,
            "plans.investment": 20,
            "legal_rep.name": "张三",
            "legal_rep.id_number": "11010519491231002x",
            "legal_rep.phone": "138 0013 8000",
            "premises.address": "睢县城关镇北湖路 88 号",
            "premises.area": 120,
            "premises.tenure": "leased",
            "premises.landlord_uscc": "91350200776049653A",
            "food.categories": ["hot_food"],
            "food.safety_manager": "李四",
            "food.manager_phone": "13900139000",
            "seal.kinds": ["official", "finance"],
            "tax.invoice_kind": "e_ordinary",
            "declaration.truthful": true
        }
    })
}

/// The restaurant application with one answer replaced.
pub fn restaurant_with(key: &str, value: Value) -> Value {
    let mut body = restaurant();
    body["answers"][key] = value;
    body
}

/// The restaurant application choosing approval by commitment (告知承诺) for its food permit,
/// the commitment signed.
pub fn restaurant_by_commitment() -> Value {
    let mut body = restaurant_with("commitment.chosen@food_business_permit", json!(true));
    body["answers"]["commitment.signatory@food_business_permit"] = json!("张三");
    body["answers"]["commitment.signed_on@food_business_permit"] = json!("2026-11-28");
    body
}

/// A small but whole PDF of `len` bytes (`seed` makes different contents).
pub fn pdf(len: usize, seed: u8) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    while b.len() < len - 6 {
        b.push(b'a' + (b.len() as u8 ^ seed) % 26);
    }
    b.extend_from_slice(b"%%EOF\n");
    b
}

impl TestApp {
    /// Creates a staff account (as `lianban staff add` does) unless it exists; an inspector
    /// gets the certificate number `执法证 {username}`.
    pub async fn account(&self, username: &str, role: &str, department: Option<&str>) {
        let known = backend::db::staff::by_username(&self.db, username)
            .await
            .expect("query");
        if known.is_some() {
            return;
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue");
        let catalogue = backend::catalogue::load(&dir).expect("catalogue");
        let certificate = (role == "inspector").then(|| format!("执法证 {username}"));
        let new = backend::service::accounts::NewAccount {
            username,
            role,
            department,
            certificate: certificate.as_deref(),
            display_name: None,
            password: PASSWORD,
        };
        backend::service::accounts::add_staff(&self.db, &catalogue, &new)
            .await
            .expect("account");
    }

    /// Registers machine client `name` of `department` (as `lianban client add` does): its
    /// secret.
    pub async fn register_client(&self, name: &str, department: &str) -> String {
        let catalogue = &self.state.ctx.catalogue;
        backend::service::accounts::add_client(&self.db, catalogue, name, department, None)
            .await
            .expect("client")
    }

    /// Machine client `name` with its access token (client credentials, 200 asserted).
    pub async fn machine_client(&self, name: &str, secret: &str) -> StaffClient<'_> {
        let form = format!("grant_type=client_credentials&client_id={name}&client_secret={secret}");
        let req = Request::post("/api/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request");
        let (status, _, granted) = self.send(req).await;
        assert_eq!(status, 200, "{granted}");
        StaffClient::bearer(self, name, granted["access_token"].as_str().expect("token"))
    }

    /// A login attempt: (status, the `Set-Cookie` header, body).
    pub async fn login_with(
        &self,
        username: &str,
        password: &str,
    ) -> (StatusCode, Option<String>, Value) {
        self.login_from(username, password, None).await
    }

    /// A login attempt from a client at `peer` (as `serve` reports a real socket's), or from
    /// none (in-process).
    pub async fn login_from(
        &self,
        username: &str,
        password: &str,
        peer: Option<&str>,
    ) -> (StatusCode, Option<String>, Value) {
        let body = json!({ "username": username, "password": password }).to_string();
        let mut req = Request::post("/api/staff/login").header("content-type", "application/json");
        if let Some(peer) = peer {
            let addr: std::net::SocketAddr = peer.parse().expect("peer address");
            req = req.extension(axum::extract::ConnectInfo(addr));
        }
        let req = req.body(Body::from(body)).expect("request");
        let (status, headers, value) = self.send(req).await;
        let cookie = headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (status, cookie, value)
    }

    /// A restaurant application filed from a draft carrying `files` (material, name, bytes),
    /// accepted and every item approved, so that its archive is filed; its number.
    pub async fn archived_restaurant(&self, files: &[(&str, &str, Vec<u8>)]) -> String {
        let (id, token) = self.draft("restaurant").await;
        let base = format!("/api/drafts/{id}");
        for (material, name, bytes) in files {
            let (status, up) = self.upload(&base, &token, material, name, bytes).await;
            assert_eq!(status, StatusCode::OK, "{up}");
        }
        let mut body = self.fresh_restaurant().await;
        body["draft"] = json!({"id": id, "token": token});
        let applicant = self.file(&body).await;
        let accepted = self.clerk().await.accept(&applicant.number).await;
        for i in accepted["items"].as_array().expect("items") {
            let reviewer = self
                .reviewer(i["department"].as_str().expect("department"))
                .await;
            let decision = json!({"action": "approve", "certificate": "X-0001"});
            let (status, body) = reviewer.review(i, decision).await;
            assert_eq!(status, StatusCode::OK, "{}: {body}", i["item"]);
        }
        self.run_jobs().await;
        applicant.number.clone()
    }

    /// Runs every due background job now, as an instance's worker would; how many ran.
    pub async fn run_jobs(&self) -> usize {
        backend::service::jobs::run_until_idle(&self.state.ctx, "test-worker")
            .await
            .expect("jobs")
    }

    /// A staff member (created if need be) signed in.
    pub async fn staff(
        &self,
        username: &str,
        role: &str,
        department: Option<&str>,
    ) -> StaffClient<'_> {
        self.account(username, role, department).await;
        let (status, cookie, body) = self.login_with(username, PASSWORD).await;
        assert_eq!(status, 200, "{body}");
        let cookie = cookie.expect("set-cookie");
        let pair = cookie.split(';').next().expect("pair").to_string();
        StaffClient::new(self, username, pair)
    }

    /// The one window's clerk, `clerk`.
    pub async fn clerk(&self) -> StaffClient<'_> {
        self.staff("clerk", "clerk", None).await
    }

    /// A reviewer of `department`, named after it.
    pub async fn reviewer(&self, department: &str) -> StaffClient<'_> {
        self.staff(department, "reviewer", Some(department)).await
    }

    /// The administrator, `root`.
    pub async fn admin(&self) -> StaffClient<'_> {
        self.staff("root", "admin", None).await
    }

    /// Files `body` (201 asserted); the applicant with its status link.
    pub async fn file(&self, body: &Value) -> Applicant<'_> {
        let (status, _, created) = self.submit(body, &[]).await;
        assert_eq!(status, 201, "{created}");
        Applicant::new(self, &created)
    }

    /// The restaurant application under a name of its own in this database (名称查重: a
    /// licensed business's name is not filed again): 睢县老张家常菜馆 for the first, then
    /// 睢县老张家常菜馆2号店 …
    pub async fn fresh_restaurant(&self) -> Value {
        let (filed, _) = self.counts().await;
        let mut body = restaurant();
        if filed > 0 {
            body["answers"]["business.name"] = json!(format!("睢县老张家常菜馆{}号店", filed + 1));
        }
        body
    }

    /// A restaurant application accepted at the window: the applicant, and the application as
    /// the window sees it (five items at their departments, clocks running).
    pub async fn accepted_restaurant(&self) -> (Applicant<'_>, Value) {
        let applicant = self.file(&self.fresh_restaurant().await).await;
        let accepted = self.clerk().await.accept(&applicant.number).await;
        (applicant, accepted)
    }

    /// A new draft of `bundle`: (id, token).
    pub async fn draft(&self, bundle: &str) -> (String, String) {
        let body = json!({"bundle": bundle}).to_string().into_bytes();
        let (status, _, created) = self
            .post_raw("/api/drafts", "application/json", body, &[])
            .await;
        assert_eq!(status, 201, "{created}");
        (
            created["id"].as_str().expect("id").to_string(),
            created["token"].as_str().expect("token").to_string(),
        )
    }

    /// A JSON call with `token` as the bearer.
    pub async fn with_token(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let bearer = format!("Bearer {token}");
        call(self, method, path, &[("authorization", &bearer)], body).await
    }

    /// A call with no credential at all.
    pub async fn anonymous(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        call(self, method, path, &[], body).await
    }

    /// Sends one part of an upload at `offset`.
    pub async fn send_part(
        &self,
        file_path: &str,
        token: &str,
        offset: usize,
        body: Body,
    ) -> (StatusCode, Value) {
        let req = Request::patch(file_path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .body(body)
            .expect("request");
        let (status, _, value) = self.send(req).await;
        (status, value)
    }

    /// Announces and sends a whole file under `base` (`/api/drafts/{id}` or
    /// `/api/applications/{number}`), part by part; returns the upload's final state.
    pub async fn upload(
        &self,
        base: &str,
        token: &str,
        material: &str,
        name: &str,
        bytes: &[u8],
    ) -> (StatusCode, Value) {
        let part = shared::files::PART_BYTES as usize;
        let bearer = format!("Bearer {token}");
        let auth = [("authorization", bearer.as_str())];
        let announce = json!({"material": material, "name": name, "size": bytes.len()});
        let (status, announced) = call(
            self,
            "POST",
            &format!("{base}/files"),
            &auth,
            Some(announce),
        )
        .await;
        if status != StatusCode::CREATED {
            return (status, announced);
        }
        let path = format!("{base}/files/{}", announced["id"].as_str().expect("id"));
        let mut last = (status, announced);
        for (i, chunk) in bytes.chunks(part).enumerate() {
            last = self
                .send_part(&path, token, i * part, Body::from(chunk.to_vec()))
                .await;
            if last.0 != StatusCode::OK {
                break;
            }
        }
        last
    }
}
