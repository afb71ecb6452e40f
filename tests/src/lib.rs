//! Test helpers shared by the suites: a fresh app per test on either store (each DynamoDB test
//! gets its own table on the emulator), callers with tokens, and requests through
//! `Router::oneshot`.

pub mod api_cases;
pub mod audit_cases;
pub mod directory_cases;
pub mod isolation_cases;
pub mod job_cases;
pub mod jwks_server;
pub mod stalling_proxy;
pub mod step_cases;
pub mod store_cases;
pub mod template_cases;
pub mod user_cases;
pub mod webhook_cases;

use std::sync::Arc;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use serde_json::Value;
use shared::adapters::outbox::Outbox;
use shared::auth::{Claims, sign_hs256};
use shared::clock::{Clock, FixedClock};
use shared::config::ApiConfig;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::tenant::{Tenant, Timezone};
use shared::domain::validation::{Email, TenantId};
use shared::ports::Store;
use shared::store::dynamo::DynamoStore;
use shared::store::memory::MemoryStore;
use tower::ServiceExt;

/// A file of `tests/fixtures` (test keys and key sets).
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/").to_owned() + name).expect("a test fixture")
}

/// The emulator endpoint that `scripts/test` exports.
const ENDPOINT_VARIABLE: &str = "ASSETRONICS_DYNAMODB_ENDPOINT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Dynamo,
}

/// A DynamoDB client for the emulator, with static credentials and a fixed region.
pub fn emulator_client() -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(emulator_config().build())
}

/// The emulator's URL.
pub fn emulator_endpoint() -> String {
    std::env::var(ENDPOINT_VARIABLE).unwrap_or_else(|_| {
        panic!("{ENDPOINT_VARIABLE} is not set: run the tests with scripts/test, which starts moto")
    })
}

/// The emulator's client configuration, to extend (with an interceptor, say) before building.
pub fn emulator_config() -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(emulator_endpoint())
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
}

/// A new, empty store: in memory, or a fresh table on the emulator.
pub async fn new_store(backend: Backend) -> Arc<dyn Store> {
    match backend {
        Backend::Memory => Arc::new(MemoryStore::new()),
        Backend::Dynamo => {
            let client = emulator_client();
            let table = format!("test-{}", uuid::Uuid::now_v7().simple());
            shared::store::dynamo::table::create_table(&client, &table).await.expect("create the test table");
            Arc::new(DynamoStore::new(client, table))
        }
    }
}

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// The instant every test app lives at, unless it sets its own clock.
pub fn test_now() -> DateTime<Utc> {
    "2026-11-25T09:00:00Z".parse().expect("a valid instant")
}

pub fn config() -> ApiConfig {
    ApiConfig {
        auth: shared::auth::AuthConfig { hs256_secret: Some(SECRET.to_owned()), ..Default::default() },
        secrets: Arc::new(shared::secrets::SecretBox::development()),
        cursor_secret: "test-cursor-secret".to_owned(),
        frontend_url: "https://app.assetronics.example".to_owned(),
        emails_per_second: 1000.0,
        request_budget: std::time::Duration::from_secs(8),
        cors_allowed_origins: vec!["http://localhost:5173".to_owned()],
        // The tests run the local server's routes, with stand-ins of HRIS APIs on loopback.
        hris_urls: shared::domain::hris_url::UrlPolicy::AlsoLocalhost,
    }
}

pub fn tenant(id: &str, now: DateTime<Utc>) -> Tenant {
    Tenant::new(
        TenantId::parse(id).expect("a valid tenant id"),
        format!("Tenant {id}"),
        Email::parse(&format!("it@{id}.example")).expect("valid"),
        Email::parse(&format!("noreply@{id}.example")).expect("valid"),
        Timezone::utc(),
        now,
    )
}

/// A response, with its body parsed as JSON (`Value::Null` when empty).
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Provisions an active tenant straight in `store`.
pub async fn add_tenant(store: &dyn Store, id: &str) -> Tenant {
    let tenant = tenant(id, test_now());
    let audit = AuditEntry::new(&tenant.id, "test", "tenant.created", TargetType::Tenant, &tenant.id, test_now())
        .with_diff(None, &tenant);
    store.create_tenant(&tenant, &audit).await.expect("create tenant");
    tenant
}

/// One app per test, like zero2prod's `spawn_app`.
#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    /// Every email and chat post the app "sent".
    pub outbox: Arc<Outbox>,
    /// The local `/ws` sockets.
    pub hub: Arc<assetronics_local::live::Hub>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::with_clock(backend, Arc::new(FixedClock(test_now()))).await
    }

    pub async fn with_clock(backend: Backend, clock: Arc<dyn Clock>) -> Self {
        Self::on_store(new_store(backend).await, backend, clock)
    }

    pub fn on_store(store: Arc<dyn Store>, backend: Backend, clock: Arc<dyn Clock>) -> Self {
        Self::configured(store, backend, clock, config())
    }

    pub fn configured(store: Arc<dyn Store>, backend: Backend, clock: Arc<dyn Clock>, config: ApiConfig) -> Self {
        let local = assetronics_local::Local::new(clock.clone());
        let state = assetronics_local::state(store.clone(), &config, clock, &local);
        Self {
            router: assetronics_local::app(state, &config, &local),
            store,
            backend,
            outbox: local.outbox.clone(),
            hub: local.hub.clone(),
        }
    }

    /// Provisions an active tenant straight in the store.
    pub async fn add_tenant(&self, id: &str) -> Tenant {
        add_tenant(self.store.as_ref(), id).await
    }

    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("a valid request")).await
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("a readable body").to_bytes();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
        TestResponse { status, headers, body }
    }
}

/// Finishes every step of an in-progress workflow as `token`'s caller: approves approval steps,
/// advances tasks. Answers the last response (the workflow with every step done).
pub async fn finish_every_step(app: &TestApp, token: &str, id: &str) -> TestResponse {
    let mut current = app.request(Method::GET, &format!("/api/v1/workflows/{id}"), Some(token), None).await;
    loop {
        let workflow = current.data();
        let Some(step) = workflow["steps"].get(workflow["current_step"].as_u64().unwrap_or(u64::MAX) as usize) else {
            return current;
        };
        let action = if step["kind"] == "approval" { "approve" } else { "advance" };
        let next = app.request(Method::POST, &format!("/api/v1/workflows/{id}/{action}"), Some(token), None).await;
        assert_eq!(next.status, StatusCode::OK, "{action}: {:?}", next.body);
        current = next;
    }
}

/// Signs a token for a caller; `exp` one hour after the real now (tokens are checked against the
/// real clock, whatever the app's clock says).
pub fn token(role: Role, tenant: Option<&str>, email: Option<&str>, team: Option<&str>) -> String {
    token_of(&format!("user-{}", email.unwrap_or("none")), role, tenant, email, team)
}

/// The token an invited user gets: the claims the Cognito trigger writes from their record (a
/// user of the users API, as JSON).
pub fn user_token(user: &Value) -> String {
    let role = serde_json::from_value(user["role"].clone()).expect("a user's role");
    token_of(
        user["id"].as_str().expect("a user id"),
        role,
        user["tenant_id"].as_str(),
        user["email"].as_str(),
        user["team"].as_str(),
    )
}

/// A token with this `sub` and these claims.
pub fn token_of(sub: &str, role: Role, tenant: Option<&str>, email: Option<&str>, team: Option<&str>) -> String {
    let claims = Claims {
        sub: sub.to_owned(),
        email: email.map(str::to_owned),
        tenant: tenant.map(str::to_owned),
        role,
        team: team.map(str::to_owned),
        exp: Utc::now().timestamp().unsigned_abs() + 3600,
        nbf: None,
        iat: None,
        iss: None,
        aud: None,
    };
    sign_hs256(SECRET.as_bytes(), &claims)
}

pub fn admin(tenant: &str) -> String {
    token(Role::Admin, Some(tenant), Some(&format!("admin@{tenant}.example")), None)
}

/// Generates one `#[tokio::test]` per case of `$suite`, for each store.
#[macro_export]
macro_rules! for_each_store {
    ($suite:ident: $($case:ident),+ $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    assetronics_tests::$suite::$case(assetronics_tests::Backend::Memory).await;
                }
            )+
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    assetronics_tests::$suite::$case(assetronics_tests::Backend::Dynamo).await;
                }
            )+
        }
    };
}

/// A clock the test moves by hand.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn at(now: &str) -> Arc<Self> {
        Arc::new(Self(std::sync::Mutex::new(now.parse().expect("an RFC 3339 instant"))))
    }

    pub fn set(&self, now: &str) {
        *self.0.lock().unwrap() = now.parse().expect("an RFC 3339 instant");
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}
