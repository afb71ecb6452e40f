//! Warm per-request cost through the `workflows` router on the embedded store (criterion):
//! get, list page, create from a template, advance; then get and list page in a tenant holding
//! 1,000 and 100,000 workflows, for the scale ratio that `scripts/bench` prints.
//!
//! Every request goes through the whole router as a deployed function serves it: bearer token
//! verification, the tenant lookup, validation, the store, JSON out.

use std::hint::black_box;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::clock::FixedClock;
use shared::http::AppState;
use shared::ports::Store;
use shared::store::memory::MemoryStore;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const WORKFLOWS: &str = "/api/v1/workflows";

/// The workflows route group on a fresh embedded store with one tenant, and its admin's token.
struct Service {
    router: Router,
    token: String,
}

impl Service {
    fn new(runtime: &Runtime) -> Self {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let clock = Arc::new(FixedClock(assetronics_tests::test_now()));
        // Pacing emails to the provider's send rate is waiting, not the server's work: at the
        // tests' 1,000 a second, each advance that activates an assigned step would sleep up to
        // a millisecond and hide what the request costs.
        let config = shared::config::ApiConfig { emails_per_second: 1e9, ..assetronics_tests::config() };
        let local = assetronics_local::Local::new(clock.clone());
        let state = AppState::new(store.clone(), &config, clock, local.channels());
        let router = shared::http::app::api(workflows::routes(), &workflows::openapi(), state, &config);
        runtime.block_on(assetronics_tests::add_tenant(store.as_ref(), "acme"));
        Self { router, token: assetronics_tests::admin("acme") }
    }

    /// The status and body as the server sent them: parsing the JSON is the client's cost, not
    /// the server's, so only `create` does it, for the id.
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Bytes) {
        let mut request =
            Request::builder().method(method).uri(path).header("authorization", format!("Bearer {}", self.token));
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = self.router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        (response.status(), response.into_body().collect().await.unwrap().to_bytes())
    }

    /// Creates a workflow from the onboarding template (no assignee: no email is paced) and
    /// returns its id.
    async fn create(&self) -> String {
        let (status, body) = self
            .send(Method::POST, &format!("{WORKFLOWS}/from-template"), Some(json!({"template_key": "new_employee"})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body:?}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        body["data"]["id"].as_str().unwrap().to_owned()
    }

    /// A created and started workflow: no step done yet, step 1 active (contract §3).
    async fn started(&self) -> String {
        let id = self.create().await;
        let (status, body) = self.send(Method::POST, &format!("{WORKFLOWS}/{id}/start"), None).await;
        assert_eq!(status, StatusCode::OK, "{body:?}");
        id
    }

    async fn expect(&self, method: Method, path: &str, body: Option<Value>, expected: StatusCode) {
        let (status, body) = self.send(method, path, body).await;
        assert_eq!(status, expected, "{body:?}");
        black_box(body);
    }
}

fn warm_path(criterion: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let service = Service::new(&runtime);
    let ids: Vec<String> =
        runtime.block_on(async { futures_util::future::join_all((0..100).map(|_| service.create())).await });
    let mut group = criterion.benchmark_group("warm");
    group.bench_function("get", |bench| {
        let mut next = ids.iter().cycle();
        bench.iter(|| {
            let path = format!("{WORKFLOWS}/{}", next.next().unwrap());
            runtime.block_on(service.expect(Method::GET, &path, None, StatusCode::OK))
        })
    });
    group.bench_function("list_page", |bench| {
        bench.iter(|| runtime.block_on(service.expect(Method::GET, WORKFLOWS, None, StatusCode::OK)))
    });
    group.bench_function("create_from_template", |bench| bench.iter(|| runtime.block_on(service.create())));
    group.bench_function("advance", |bench| {
        bench.iter_batched(
            || runtime.block_on(service.started()),
            |id| {
                let path = format!("{WORKFLOWS}/{id}/advance");
                runtime.block_on(service.expect(Method::POST, &path, Some(json!({"expected_step": 0})), StatusCode::OK))
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// The tenant sizes of the scale group. `cargo bench` passes `--bench`; the test command runs
/// this file without it (`cargo test --benches`: every benchmark once, as a check that its
/// requests still succeed), where small tenants keep that check quick.
fn scale_sizes() -> [usize; 2] {
    if std::env::args().any(|arg| arg == "--bench") { [1_000, 100_000] } else { [100, 1_000] }
}

/// Get and list page at 1,000 and at 100,000 workflows in one tenant.
fn scale(criterion: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let mut group = criterion.benchmark_group("scale");
    for size in scale_sizes() {
        let service = Service::new(&runtime);
        let ids: Vec<String> = runtime.block_on(async {
            let mut ids = Vec::with_capacity(size);
            for _ in 0..size {
                ids.push(service.create().await);
            }
            ids
        });
        // Spread the reads over the whole tenant, oldest to newest.
        let sample: Vec<&String> = ids.iter().step_by(size / 100).collect();
        group.bench_function(format!("get_{size}"), |bench| {
            let mut next = sample.iter().cycle();
            bench.iter(|| {
                let path = format!("{WORKFLOWS}/{}", next.next().unwrap());
                runtime.block_on(service.expect(Method::GET, &path, None, StatusCode::OK))
            })
        });
        group.bench_function(format!("list_page_{size}"), |bench| {
            bench.iter(|| runtime.block_on(service.expect(Method::GET, WORKFLOWS, None, StatusCode::OK)))
        });
    }
    group.finish();
}

criterion_group!(benches, warm_path, scale);
criterion_main!(benches);
