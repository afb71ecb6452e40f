//! Contract §1's time budget under faults: the DynamoDB store stops answering in the middle of a
//! burst (a TCP proxy in front of moto holds every byte), every request still ends in time with a
//! 503 problem and `Retry-After`, and once the store answers again no write is half-done: every
//! workflow's version equals the number of its audit entries.

use std::sync::Arc;
use std::time::{Duration, Instant};

use assetronics_tests::stalling_proxy::StallingProxy;
use assetronics_tests::{Backend, TestApp, admin, config, emulator_config, emulator_endpoint, test_now};
use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::json;
use shared::adapters::aws_sdk::{call_retries, call_timeouts};
use shared::clock::FixedClock;
use shared::store::dynamo::DynamoStore;

/// A fresh table on moto: a store that reaches it through `proxy` (with the deployed deadlines
/// and retries when `bounded`), and one that reaches it directly, without deadlines, to set the
/// scene (moto answers one request at a time and may take over a second on a busy machine).
async fn stores_behind(proxy: &StallingProxy, bounded: bool) -> (Arc<DynamoStore>, Arc<DynamoStore>) {
    let table = format!("faults-{}", uuid::Uuid::now_v7().simple());
    let direct = aws_sdk_dynamodb::Client::from_conf(emulator_config().build());
    shared::store::dynamo::table::create_table(&direct, &table).await.expect("create the test table");
    let mut proxied = emulator_config().endpoint_url(&proxy.url);
    if bounded {
        // The deadlines and retries the deployed functions and the local server use.
        proxied = proxied.timeout_config(call_timeouts()).retry_config(call_retries());
    }
    let through_proxy = DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(proxied.build()), table.clone());
    (Arc::new(through_proxy), Arc::new(DynamoStore::new(direct, table)))
}

fn app_on(store: Arc<DynamoStore>, budget: Duration) -> TestApp {
    let mut config = config();
    config.request_budget = budget;
    TestApp::configured(store, Backend::Dynamo, Arc::new(FixedClock(test_now())), config)
}

fn upstream() -> String {
    emulator_endpoint().trim_start_matches("http://").trim_end_matches('/').to_owned()
}

const BUDGET: Duration = Duration::from_secs(8);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_store_that_stops_answering_mid_burst_ends_every_request_in_time_and_half_writes_nothing() {
    let proxy = StallingProxy::start(upstream()).await;
    let (store, direct) = stores_behind(&proxy, true).await;
    let app = app_on(store.clone(), BUDGET);
    let scene = app_on(direct, BUDGET);
    scene.add_tenant("acme").await;
    let token = admin("acme");
    let mut ids = Vec::new();
    for _ in 0..8 {
        let created = scene
            .request(
                Method::POST,
                "/api/v1/workflows/from-template",
                Some(&token),
                Some(json!({"template_key": "new_employee"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let id = created.data()["id"].as_str().unwrap().to_owned();
        scene.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&token), None).await;
        ids.push(id);
    }

    // The burst: advances, edits, reads and creations, 48 of them over six seconds; the store stops
    // answering after the first and comes back four seconds later, before the last.
    let requests = (0..48).map(|n| {
        let (app, token, id) = (app.clone(), token.clone(), ids[n % ids.len()].clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(125 * n as u64)).await;
            let (method, path, body) = match n % 4 {
                0 => (Method::POST, format!("/api/v1/workflows/{id}/advance"), None),
                1 => (Method::PATCH, format!("/api/v1/workflows/{id}"), Some(json!({"title": format!("Edit {n}")}))),
                2 => (Method::GET, format!("/api/v1/workflows/{id}"), None),
                _ => (
                    Method::POST,
                    "/api/v1/workflows/from-template".to_owned(),
                    Some(json!({"template_key": "equipment_return"})),
                ),
            };
            let started = Instant::now();
            let response = app.request(method, &path, Some(&token), body).await;
            (started.elapsed(), response)
        })
    });
    let burst = tokio::spawn(join_all(requests));
    tokio::time::sleep(Duration::from_millis(800)).await;
    proxy.pause();
    let paused_at = Instant::now();
    // A caller whose tenant is not cached yet: the lookup itself times out, and 503 wins over 401.
    let cold_app = app_on(store.clone(), BUDGET);
    let cold = cold_app.request(Method::GET, "/api/v1/workflows", Some(&token), None).await;
    tokio::time::sleep(Duration::from_secs(4).saturating_sub(paused_at.elapsed())).await;
    proxy.resume();
    let answers: Vec<(Duration, assetronics_tests::TestResponse)> =
        burst.await.unwrap().into_iter().map(|answer| answer.expect("the request task")).collect();

    assert_eq!(cold.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", cold.body);
    let mut unavailable = 0;
    let slowest = answers.iter().map(|(elapsed, _)| *elapsed).max().unwrap();
    for (elapsed, response) in &answers {
        assert!(*elapsed < BUDGET + Duration::from_millis(500), "a request took {elapsed:?}");
        match response.status {
            StatusCode::OK | StatusCode::CREATED | StatusCode::CONFLICT => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                unavailable += 1;
                assert_eq!(response.header("content-type"), Some("application/problem+json"));
                assert!(response.header("retry-after").and_then(|s| s.parse::<u32>().ok()).is_some());
            }
            other => panic!("unexpected {other}: {:?}", response.body),
        }
    }
    assert!(unavailable >= 8, "the pause was felt: {unavailable} of 48 answered 503");
    assert!(unavailable < 48, "requests before and after the pause were served");
    println!("{unavailable} of 48 requests answered 503 during a 4 s stall; the slowest took {slowest:?}");

    // Whatever the stalled requests left behind is whole: one audit entry per version. The
    // emulator first works off what the proxy held back (it answers one request at a time).
    let mut list = app.request(Method::GET, "/api/v1/workflows?limit=100", Some(&token), None).await;
    let caught_up = Instant::now();
    while list.status == StatusCode::SERVICE_UNAVAILABLE && caught_up.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        list = app.request(Method::GET, "/api/v1/workflows?limit=100", Some(&token), None).await;
    }
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    for workflow in list.data().as_array().unwrap() {
        let id = workflow["id"].as_str().unwrap();
        let history = app.request(Method::GET, &format!("/api/v1/workflows/{id}/history"), Some(&token), None).await;
        let entries = history.data().as_array().unwrap().len() as u64;
        assert_eq!(workflow["version"].as_u64().unwrap(), entries, "workflow {id}: {:?}", history.data());
        let done = workflow["current_step"].as_u64().unwrap();
        let advances = history
            .data()
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["action"] == "workflow.step_advanced")
            .count();
        assert_eq!(done, advances as u64, "workflow {id}: every step counted done was advanced once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_request_budget_bounds_a_store_call_without_its_own_deadline() {
    let proxy = StallingProxy::start(upstream()).await;
    let app = app_on(stores_behind(&proxy, false).await.0, Duration::from_millis(1500));
    app.add_tenant("acme").await;
    proxy.pause();
    let started = Instant::now();
    let response = app.request(Method::GET, "/api/v1/workflows", Some(&admin("acme")), None).await;
    let elapsed = started.elapsed();
    proxy.resume();
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", response.body);
    assert_eq!(response.header("retry-after"), Some("5"));
    assert!(elapsed >= Duration::from_millis(1400) && elapsed < Duration::from_millis(2500), "{elapsed:?}");
    let health = app.request(Method::GET, "/health", None, None).await;
    assert_eq!(health.status, StatusCode::OK, "/health never touches the store");
}
