//! DynamoDB round trips per API operation, counted by an SDK interceptor on the real client
//! against moto. Prints the table for the closing note and fails when an operation needs more
//! requests than designed: one conditional read plus one transaction per mutation (the audit
//! entry rides in the transaction) and one UpdateItem per running-totals item it moves, one
//! Query per list page or history, no Scan anywhere. And write units, as AWS bills them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use assetronics_tests::{Backend, TestApp, admin, emulator_client, emulator_config, test_now};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::clock::FixedClock;
use shared::store::dynamo::DynamoStore;

#[path = "write_meter.rs"]
mod write_meter;
use write_meter::{Billed, WriteMeter};

/// Counts requests by their `X-Amz-Target` (`DynamoDB_20120810.Query` → `Query`).
#[derive(Debug, Default, Clone)]
struct RequestCounter(Arc<Mutex<BTreeMap<String, usize>>>);

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let target = context.request().headers().get("x-amz-target").unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
        *self.0.lock().unwrap().entry(operation).or_default() += 1;
        Ok(())
    }
}

impl RequestCounter {
    fn take(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// An app with the tenant `acme` on a fresh table, through a client that runs `interceptor`.
async fn acme_app_with(interceptor: impl Intercept + 'static) -> TestApp {
    acme_app_on_table(interceptor).await.0
}

/// The same, with the name of its table.
async fn acme_app_on_table(interceptor: impl Intercept + 'static) -> (TestApp, String) {
    let client = aws_sdk_dynamodb::Client::from_conf(emulator_config().interceptor(interceptor).build());
    let table = format!("round-trips-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let app = TestApp::on_store(
        Arc::new(DynamoStore::new(client, table.clone())),
        Backend::Dynamo,
        Arc::new(FixedClock(test_now())),
    );
    app.add_tenant("acme").await;
    (app, table)
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(operation, count)| ((*operation).to_owned(), *count)).collect()
}

#[tokio::test]
async fn each_api_operation_makes_the_designed_dynamodb_requests() {
    let counter = RequestCounter::default();
    let app = acme_app_with(counter.clone()).await;
    let token = admin("acme");
    // Warm the per-process tenant cache, as any instance that served a request before has it.
    app.request(Method::GET, "/api/v1/workflows/templates", Some(&token), None).await;
    for _ in 0..25 {
        app.request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&token),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    }
    counter.take();

    let mut id = String::new();
    let mut report = Vec::new();
    let operations: [(&str, Method, &str, Option<Value>); 12] = [
        (
            "create from template",
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(json!({"template_key": "emergency_replacement"})),
        ),
        ("get", Method::GET, "/api/v1/workflows/{id}", None),
        ("list page (20 of 26)", Method::GET, "/api/v1/workflows", None),
        ("list page, filtered", Method::GET, "/api/v1/workflows?status=pending&priority=urgent&limit=5", None),
        ("patch", Method::PATCH, "/api/v1/workflows/{id}", Some(json!({"title": "Replace Ana's broken laptop"}))),
        ("start", Method::POST, "/api/v1/workflows/{id}/start", None),
        ("tasks page", Method::GET, "/api/v1/tasks?assigned_to=it@acme.example", None),
        ("advance", Method::POST, "/api/v1/workflows/{id}/advance", Some(json!({"expected_step": 0}))),
        ("history", Method::GET, "/api/v1/workflows/{id}/history", None),
        ("cancel", Method::POST, "/api/v1/workflows/{id}/cancel", Some(json!({"reason": "Found a spare"}))),
        ("complete (refused: cancelled)", Method::POST, "/api/v1/workflows/{id}/complete", None),
        ("stats", Method::GET, "/api/v1/workflows/stats", None),
    ];
    for (name, method, path, body) in operations {
        let response = app.request(method, &path.replace("{id}", &id), Some(&token), body).await;
        assert!(response.status.is_success() || response.status == StatusCode::CONFLICT, "{name}: {:?}", response.body);
        if id.is_empty() {
            id = response.data()["id"].as_str().unwrap().to_owned();
        }
        report.push((name, counter.take()));
    }

    println!("\nDynamoDB requests per API operation (moto, tenant cache warm):");
    for (name, requests) in &report {
        let total: usize = requests.values().sum();
        println!("  {name:<32} {total}  {requests:?}");
    }
    // A change that moves the running totals adds one UpdateItem per totals item it changes,
    // after its transaction (this workflow has no team or assignee: the tenant's only).
    let expected = [
        counts(&[("TransactWriteItems", 1), ("UpdateItem", 1)]),
        counts(&[("GetItem", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
        // The task index, one Query.
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
        counts(&[("GetItem", 1)]),
        // The running totals (one Query: the counts and each template's step times) and the
        // overdue index.
        counts(&[("Query", 2)]),
    ];
    for ((name, requests), expected) in report.iter().zip(expected) {
        assert_eq!(requests, &expected, "{name}");
    }
}

/// The cost goal of lean items (issue 15), billed as AWS bills writes (see `write_meter`): a
/// linked `new_employee` workflow costs at most 24 write units to create and to start and 20
/// per advance, index entries included, and an advance's audit entry is under 1 KB.
#[tokio::test]
async fn write_units_per_operation_stay_lean() {
    let meter = WriteMeter::default();
    let (app, table) = acme_app_on_table(meter.clone()).await;
    let reader = emulator_client();
    let token = admin("acme");
    let employee = app
        .request(
            Method::POST,
            "/api/v1/employees",
            Some(&token),
            Some(json!({"email": "ana@acme.example", "first_name": "Ana", "last_name": "Silva", "team": "design"})),
        )
        .await;
    meter.settle(&reader, &table).await;
    let body =
        json!({"template_key": "new_employee", "employee_id": employee.data()["id"], "assigned_to": "it@acme.example"});
    let mut id = String::new();
    let mut costs = Vec::new();
    println!("\nWrite units per operation (moto; linked new_employee; as AWS bills them):");
    for (name, path, body, goal) in [
        ("create", "/api/v1/workflows/from-template".to_owned(), Some(body), 24),
        ("start", "/api/v1/workflows/{id}/start".to_owned(), None, 24),
        ("advance", "/api/v1/workflows/{id}/advance".to_owned(), None, 20),
    ] {
        let response = app.request(Method::POST, &path.replace("{id}", &id), Some(&token), body).await;
        assert!(response.status.is_success(), "{name}: {:?}", response.body);
        if id.is_empty() {
            id = response.data()["id"].as_str().unwrap().to_owned();
        }
        let billed = meter.settle(&reader, &table).await;
        let total: usize = billed.iter().map(Billed::units).sum();
        let table_units: usize = billed.iter().map(|item| item.table_units).sum();
        println!("  {name:<8} {total:>3} units ({table_units} table + {} index entries)", total - table_units);
        for item in &billed {
            println!(
                "      {:<48} {:>5} B  table {}  indexes {:?}",
                item.sort_key, item.bytes, item.table_units, item.index_units
            );
        }
        costs.push((name, total, goal));
        if name == "advance" {
            let audit = billed.iter().find(|item| item.sort_key.starts_with("AUDIT#")).expect("an audit entry");
            assert!(audit.bytes < 1024, "an advance's audit entry is {} bytes", audit.bytes);
        }
    }
    println!();
    for (name, total, goal) in costs {
        assert!(total <= goal, "{name} costs {total} write units, the goal is {goal}");
    }
}

/// A tenant template's step texts are read once per process: workflows made from it carry no
/// copies, and the single-workflow routes join them in from a cache that never goes stale (a
/// version's texts never change).
#[tokio::test]
async fn tenant_template_texts_are_read_once_per_process() {
    let counter = RequestCounter::default();
    let app = acme_app_with(counter.clone()).await;
    let token = admin("acme");
    app.request(Method::GET, "/api/v1/workflows/templates", Some(&token), None).await;
    counter.take();

    let template = json!({"key": "laptop_refresh", "title": "Laptop refresh", "workflow_type": "maintenance",
        "steps": [{"name": "Order", "instructions": "Order the standard model."}, {"name": "Swap"}]});
    let from_template = json!({"template_key": "laptop_refresh"});
    let mut id = String::new();
    let operations: [(&str, Method, &str, Option<Value>); 6] = [
        ("create template", Method::POST, "/api/v1/workflows/templates", Some(template)),
        ("list templates", Method::GET, "/api/v1/workflows/templates", None),
        ("from tenant template, first", Method::POST, "/api/v1/workflows/from-template", Some(from_template.clone())),
        ("get", Method::GET, "/api/v1/workflows/{id}", None),
        ("from tenant template, again", Method::POST, "/api/v1/workflows/from-template", Some(from_template)),
        ("start", Method::POST, "/api/v1/workflows/{id}/start", None),
    ];
    let mut report = Vec::new();
    for (name, method, path, body) in operations {
        let response = app.request(method, &path.replace("{id}", &id), Some(&token), body).await;
        assert!(response.status.is_success(), "{name}: {:?}", response.body);
        if id.is_empty() && name.starts_with("from") {
            id = response.data()["id"].as_str().unwrap().to_owned();
            assert_eq!(response.data()["steps"][0]["instructions"], "Order the standard model.");
        }
        report.push((name, counter.take()));
    }
    println!("\nDynamoDB requests with a tenant template (moto, tenant cache warm):");
    for (name, requests) in &report {
        println!("  {name:<32} {requests:?}");
    }
    let expected = [
        counts(&[("TransactWriteItems", 1)]),
        counts(&[("Query", 1)]),
        // The template, the workflow with its audit entry and its running totals, then the
        // version's texts, once.
        counts(&[("GetItem", 2), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
        counts(&[("GetItem", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1), ("UpdateItem", 1)]),
    ];
    for ((name, requests), expected) in report.iter().zip(expected) {
        assert_eq!(requests, &expected, "{name}");
    }
}

/// Refuses every update of a running-totals item before it is sent.
#[derive(Debug, Clone)]
struct RefuseTotals;

impl Intercept for RefuseTotals {
    fn name(&self) -> &'static str {
        "RefuseTotals"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let body: Value = serde_json::from_slice(request.body().bytes().unwrap_or_default()).unwrap_or_default();
        let key = body["Key"]["pk"]["S"].as_str().unwrap_or_default();
        if target.ends_with(".UpdateItem") && key.contains("#STATS#") {
            return Err("the running totals are unreachable".into());
        }
        Ok(())
    }
}

/// The running totals are written after a change's transaction and outside it: when they
/// cannot be, the change stands and is answered as done (the dashboard misses it), never as a
/// failure a client would retry.
#[tokio::test]
async fn a_change_stands_when_its_running_totals_cannot_be_written() {
    let app = acme_app_with(RefuseTotals).await;
    let token = admin("acme");
    let created = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&token),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    let started = app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&token), None).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let stored = app.request(Method::GET, &format!("/api/v1/workflows/{id}"), Some(&token), None).await;
    assert_eq!(stored.data()["status"], "in_progress");
    assert_eq!(stored.data()["version"], 2);
    let stats = app.request(Method::GET, "/api/v1/workflows/stats", Some(&token), None).await;
    assert_eq!(stats.data()["counts_by_status"]["in_progress"], 0, "the totals missed both changes");
}
