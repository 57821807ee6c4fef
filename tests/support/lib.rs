//! Test support: spawn the real application in-process on port 0 with a fresh database
//! (SQLite, or PostgreSQL when `MUHAN_TEST_PG_URL` is set) and talk to it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod demo;
pub mod ocds;

use muhan_auth::users::{self, NewUser};
use muhan_core::{Email, Password, Role, UserStatus};
use muhan_db::testing::TestDatabase;
use muhan_db::{write_tx, Backend, DbPool};
use muhan_server::{Application, Config};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";
pub const ADMIN_EMAIL: &str = "admin@muhan.test";
pub const ADMIN_PASSWORD: &str = "admin-password-123";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub config: Config,
    /// This instance's bound on password work; `started()` counts the hashes and checks.
    pub passwords: muhan_auth::PasswordGate,
    db: Arc<TestDatabase>,
    data_dir: Arc<tempfile::TempDir>,
}

/// A parsed response: status, headers and body (JSON when it is JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        if self.text.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts a problem+json answer with this status and code; returns the body.
    #[track_caller]
    pub fn expect_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not problem+json: {}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["code"], code, "unexpected code in {body}");
        assert_eq!(body["status"], status);
        assert!(
            body["title"].is_string() && body["type"].is_string() && body["detail"].is_string()
        );
        body
    }
}

/// Reports, visibly, that the running test checks nothing on this backend, and why:
/// `SKIPPED: <test>: <reason>` on stderr (shown with `--nocapture` or `--show-output`).
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    eprintln!("SKIPPED: {test}: {reason}");
}

pub fn test_config() -> Config {
    Config {
        bind: "127.0.0.1:0".into(),
        jwt_secret: Some(JWT_SECRET.into()),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        workers: Some(2),
        db_pool_size: 4,
        // Tests share a loaded machine: slow hashing must not turn into 503s. The test of the
        // bound sets its own.
        password_hash_wait_ms: 30_000,
        ..Config::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app on a fresh database after `customize` adjusted its configuration.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    let db = tokio::task::spawn_blocking(|| TestDatabase::create().expect("test database"))
        .await
        .unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config();
    config.database_url = Some(db.url.to_url());
    config.data_dir = data_dir.path().to_path_buf();
    customize(&mut config);
    start(config, Arc::new(db), Arc::new(data_dir)).await
}

async fn start(config: Config, db: Arc<TestDatabase>, data_dir: Arc<tempfile::TempDir>) -> TestApp {
    let cfg = config.clone();
    let app = tokio::task::spawn_blocking(move || Application::build(&cfg).expect("app builds"))
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let passwords = app.passwords().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        pool,
        config,
        passwords,
        db,
        data_dir,
    }
}

impl TestApp {
    /// A second server instance on the same database (as a second `muhan serve` would be).
    pub async fn another_instance(&self) -> TestApp {
        let mut config = self.config.clone();
        config.admin_email = None;
        config.admin_password = None;
        start(config, self.db.clone(), self.data_dir.clone()).await
    }

    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        into_reply(req.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Sends a raw body with the given content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let req = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body);
        into_reply(req.send().await.expect("request sent")).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Logs in and returns the session body, asserting success.
    pub async fn session(&self, email: &str, password: &str) -> Value {
        self.login(email, password).await.expect(200)
    }

    pub async fn admin_token(&self) -> String {
        token_of(&self.session(ADMIN_EMAIL, ADMIN_PASSWORD).await)
    }

    /// Creates a user directly in the database (for tests of features that need a non-admin
    /// account before signup exists in the flow under test). Returns the user id.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        role: Role,
        status: UserStatus,
    ) -> i64 {
        let pool = self.pool.clone();
        let email = Email::parse(email).unwrap();
        let password = Password::parse(password).unwrap();
        tokio::task::spawn_blocking(move || {
            let hash = muhan_auth::password::hash(&password).unwrap();
            let mut conn = pool.get().unwrap();
            write_tx(&mut conn, |c| {
                users::create(
                    c,
                    &NewUser {
                        email: &email,
                        password_hash: &hash,
                        display_name: "Test User",
                        role,
                        status,
                        enterprise_id: None,
                        agency_id: None,
                    },
                )
            })
            .unwrap()
            .id
        })
        .await
        .unwrap()
    }
}

pub fn token_of(session: &Value) -> String {
    session["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

pub fn refresh_of(session: &Value) -> String {
    session["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned()
}

async fn into_reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    Reply {
        status,
        headers,
        text,
    }
}

/// A valid business registration number derived from `seed` (distinct seeds, distinct numbers).
pub fn biz_no(seed: u32) -> String {
    let mut first9 = [0u8; 9];
    let mut n = 100_000_000 + seed;
    for slot in first9.iter_mut().rev() {
        *slot = (n % 10) as u8;
        n /= 10;
    }
    let check = muhan_core::biz_reg_no::check_digit(&first9);
    first9
        .iter()
        .chain(std::iter::once(&check))
        .map(|d| char::from(b'0' + d))
        .collect()
}

/// An enterprise signed up through the API, with its user's token.
pub struct TestEnterprise {
    pub id: i64,
    pub user_id: i64,
    pub token: String,
}

impl TestApp {
    /// Signs up an enterprise (optionally verifying it as admin) and logs its user in.
    pub async fn enterprise(
        &self,
        name: &str,
        seed: u32,
        kind: &str,
        district: &str,
        verify: bool,
    ) -> TestEnterprise {
        let email = format!("owner{seed}@coop.test");
        let body = json!({
            "email": email,
            "password": "enterprise-pass-1",
            "display_name": format!("{name} 대표"),
            "enterprise": {
                "name": name,
                "biz_reg_no": biz_no(seed),
                "kind": kind,
                "district": district,
                "representative": "홍길동",
                "phone": "053-000-0000",
                "address": "대구광역시",
            }
        });
        let created = self
            .post("/api/v1/auth/signup/enterprise", None, &body)
            .await
            .expect(201);
        let id = created["enterprise"]["id"].as_i64().unwrap();
        if verify {
            let admin = self.admin_token().await;
            self.post(
                &format!("/api/v1/enterprises/{id}/verify"),
                Some(&admin),
                &json!({}),
            )
            .await
            .expect(200);
        }
        let token = token_of(&self.session(&email, "enterprise-pass-1").await);
        TestEnterprise {
            id,
            user_id: created["user"]["id"].as_i64().unwrap(),
            token,
        }
    }

    /// The id of the category with `code`.
    pub async fn category(&self, code: &str) -> i64 {
        fn find(nodes: &Value, code: &str) -> Option<i64> {
            nodes.as_array()?.iter().find_map(|n| {
                if n["code"] == code {
                    n["id"].as_i64()
                } else {
                    find(&n["children"], code)
                }
            })
        }
        let tree = self.get("/api/v1/categories", None).await.expect(200);
        find(&tree, code).unwrap_or_else(|| panic!("no category {code}"))
    }

    /// Lists a product for `owner` and, when `approve`, approves it as admin. Returns its id.
    pub async fn product(&self, owner: &TestEnterprise, body: Value, approve: bool) -> i64 {
        let created = self
            .post("/api/v1/products", Some(&owner.token), &body)
            .await
            .expect(201);
        let id = created["id"].as_i64().unwrap();
        if approve {
            let admin = self.admin_token().await;
            self.post(
                &format!("/api/v1/products/{id}/approve"),
                Some(&admin),
                &json!({}),
            )
            .await
            .expect(200);
        }
        id
    }
}

/// A product body with sensible defaults; `overrides` replaces fields.
pub fn product_body(category_id: i64, name: &str, price_won: i64, overrides: Value) -> Value {
    let mut body = json!({
        "category_id": category_id,
        "name": name,
        "description": "",
        "unit": "EA",
        "price_won": price_won,
        "min_order_qty": 1,
        "stock": 100,
        "lead_time_days": 3,
    });
    if let (Some(target), Some(extra)) = (body.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    body
}

/// `s` percent-encoded for a query string (every byte but ASCII letters and digits).
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Collects every item of a list endpoint by following `next_cursor`.
pub async fn collect_pages(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}cursor={c}"),
            None => path.to_owned(),
        };
        let page = app.get(&url, token).await.expect(200);
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
    panic!("paging did not end");
}

/// A small marketplace: an agency with an active buyer, and verified enterprises with
/// approved products.
pub struct Market {
    pub agency_id: i64,
    pub buyer: String,
    pub buyer_id: i64,
    pub admin: String,
    /// (enterprise, product ids)
    pub sellers: Vec<(TestEnterprise, Vec<i64>)>,
}

impl TestApp {
    /// Creates an agency and an approved buyer of it; returns (agency id, buyer token, buyer id).
    pub async fn agency_with_buyer(&self, name: &str, email: &str) -> (i64, String, i64) {
        let admin = self.admin_token().await;
        let agency = self
            .post(
                "/api/v1/agencies",
                Some(&admin),
                &json!({"name": name, "kind": "local_government", "district": "27110"}),
            )
            .await
            .expect(201);
        let agency_id = agency["id"].as_i64().unwrap();
        let signup = self
            .post(
                "/api/v1/auth/signup/buyer",
                None,
                &json!({"email": email, "password": "buyer-password-1", "display_name": "구매담당", "agency_id": agency_id}),
            )
            .await
            .expect(201);
        let buyer_id = signup["user"]["id"].as_i64().unwrap();
        self.post(
            &format!("/api/v1/admin/users/{buyer_id}/approve"),
            Some(&admin),
            &json!({}),
        )
        .await
        .expect(200);
        (
            agency_id,
            token_of(&self.session(email, "buyer-password-1").await),
            buyer_id,
        )
    }

    /// Three verified enterprises (social_enterprise, cooperative, village_enterprise), each
    /// with `per_seller` approved products priced `price_won` with `stock` units.
    pub async fn market(&self, per_seller: usize, price_won: i64, stock: i64) -> Market {
        let (agency_id, buyer, buyer_id) = self
            .agency_with_buyer("대구광역시청", "buyer@daegu.test")
            .await;
        let category = self.category("50201706").await;
        let mut sellers = Vec::new();
        for (i, kind) in ["social_enterprise", "cooperative", "village_enterprise"]
            .iter()
            .enumerate()
        {
            let seller = self
                .enterprise(&format!("판매기업{i}"), 100 + i as u32, kind, "27110", true)
                .await;
            let mut products = Vec::new();
            for j in 0..per_seller {
                let body = product_body(
                    category,
                    &format!("상품 {i}-{j}"),
                    price_won,
                    json!({"stock": stock}),
                );
                products.push(self.product(&seller, body, true).await);
            }
            sellers.push((seller, products));
        }
        Market {
            agency_id,
            buyer,
            buyer_id,
            admin: self.admin_token().await,
            sellers,
        }
    }

    /// POSTs an order with an Idempotency-Key.
    pub async fn order(&self, token: &str, key: &str, body: &Value) -> Reply {
        let req = self
            .client
            .post(self.url("/api/v1/orders"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(body);
        into_reply(req.send().await.expect("request sent")).await
    }
}

impl TestApp {
    /// POSTs an award of a procurement request's quotes with an Idempotency-Key.
    pub async fn award(&self, token: &str, request: i64, key: &str, body: &Value) -> Reply {
        let req = self
            .client
            .post(self.url(&format!("/api/v1/procurement-requests/{request}/award")))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(body);
        into_reply(req.send().await.expect("request sent")).await
    }
}

/// An order body for `(product id, quantity)` lines, delivered tomorrow.
pub fn order_body(lines: &[(i64, i64)]) -> Value {
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    json!({
        "lines": lines.iter().map(|(p, q)| json!({"product_id": p, "quantity": q})).collect::<Vec<_>>(),
        "delivery": {"address": "대구광역시 중구 공평로 88", "district": "27110", "requested_date": tomorrow},
    })
}
