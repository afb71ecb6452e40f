//! DynamoDB round trips per API operation, counted by an SDK interceptor on the real client
//! against moto. Prints the table for the closing note and fails when an operation needs more
//! requests than designed: one conditional read plus one transaction per mutation (the audit
//! entry rides in the transaction), one Query per list page or history, no Scan anywhere.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use assetronics_tests::{Backend, TestApp, admin, emulator_config, test_now};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::clock::FixedClock;
use shared::store::dynamo::DynamoStore;
use shared::store::dynamo::keys::{self, Index};

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

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(operation, count)| ((*operation).to_owned(), *count)).collect()
}

#[tokio::test]
async fn each_api_operation_makes_the_designed_dynamodb_requests() {
    let counter = RequestCounter::default();
    let client = aws_sdk_dynamodb::Client::from_conf(emulator_config().interceptor(counter.clone()).build());
    let table = format!("round-trips-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let store = Arc::new(DynamoStore::new(client, table));
    let app = TestApp::on_store(store, Backend::Dynamo, Arc::new(FixedClock(test_now())));
    app.add_tenant("acme").await;
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
    let expected = [
        counts(&[("TransactWriteItems", 1)]),
        counts(&[("GetItem", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        // The task index, one Query.
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        counts(&[("Query", 1)]),
        counts(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        counts(&[("GetItem", 1)]),
        // The running totals (one Query of at most 4 shard items) and the overdue index.
        counts(&[("Query", 2)]),
    ];
    for ((name, requests), expected) in report.iter().zip(expected) {
        assert_eq!(requests, &expected, "{name}");
    }
}

/// Write units per request, as DynamoDB bills them: per item written, one unit per started KB,
/// doubled inside a transaction, plus one copy per index the item is in, each the size of what
/// the index projects (the keys, `doc` and the task attributes). Item sizes follow DynamoDB's
/// rules closely enough to compare designs.
#[derive(Debug, Default, Clone)]
struct WriteMeter(Arc<Mutex<Vec<ItemWrite>>>);

#[derive(Debug, Clone)]
struct ItemWrite {
    sort_key: String,
    bytes: usize,
    /// The size of the item's copy in each index it is in.
    index_copies: Vec<usize>,
}

fn write_units(bytes: usize) -> usize {
    bytes.div_ceil(1024).max(1)
}

impl ItemWrite {
    /// Units for the table (doubled: a transaction) and for the index copies.
    fn units(&self) -> (usize, usize) {
        (write_units(self.bytes) * 2, self.index_copies.iter().copied().map(write_units).sum())
    }
}

fn attribute_bytes(value: &Value) -> usize {
    let Some((kind, inner)) = value.as_object().and_then(|object| object.iter().next()) else { return 0 };
    match (kind.as_str(), inner) {
        ("S", Value::String(text)) => text.len(),
        ("N", Value::String(number)) => number.len() / 2 + 1,
        ("BOOL" | "NULL", _) => 1,
        ("M", Value::Object(map)) => {
            3 + map.iter().map(|(name, value)| name.len() + attribute_bytes(value) + 1).sum::<usize>()
        }
        ("L", Value::Array(list)) => 3 + list.iter().map(|value| attribute_bytes(value) + 1).sum::<usize>(),
        _ => inner.to_string().len(),
    }
}

impl Intercept for WriteMeter {
    fn name(&self) -> &'static str {
        "WriteMeter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        if !request.headers().get("x-amz-target").is_some_and(|target| target.ends_with("TransactWriteItems")) {
            return Ok(());
        }
        let body: Value = serde_json::from_slice(request.body().bytes().unwrap_or_default()).unwrap_or_default();
        for action in body["TransactItems"].as_array().into_iter().flatten() {
            let (item, sort_key) = match (action.get("Put"), action.get("Update"), action.get("ConditionCheck")) {
                (Some(put), _, _) => (put["Item"].as_object().cloned().unwrap_or_default(), None),
                (_, Some(update), _) => (update["Key"].as_object().cloned().unwrap_or_default(), Some("update")),
                (_, _, Some(check)) => (check["Key"].as_object().cloned().unwrap_or_default(), Some("check")),
                _ => continue,
            };
            let size = |names: &[&str]| -> usize {
                names.iter().filter_map(|name| item.get(*name).map(|value| name.len() + attribute_bytes(value))).sum()
            };
            let bytes = item.iter().map(|(name, value)| name.len() + attribute_bytes(value)).sum();
            let index_copies = Index::ALL
                .iter()
                .filter(|index| item.contains_key(index.attribute()))
                .map(|index| {
                    size(&[keys::PK, keys::SK, index.attribute(), index.sort_attribute()]) + size(index.projected())
                })
                .collect();
            let sort_key =
                sort_key.map(str::to_owned).unwrap_or_else(|| item["sk"]["S"].as_str().unwrap_or("").to_owned());
            self.0.lock().unwrap().push(ItemWrite { sort_key, bytes, index_copies });
        }
        Ok(())
    }
}

#[tokio::test]
async fn write_units_per_operation_stay_lean() {
    let meter = WriteMeter::default();
    let client = aws_sdk_dynamodb::Client::from_conf(emulator_config().interceptor(meter.clone()).build());
    let table = format!("write-units-{}", uuid::Uuid::now_v7().simple());
    shared::store::dynamo::table::create_table(&client, &table).await.unwrap();
    let app =
        TestApp::on_store(Arc::new(DynamoStore::new(client, table)), Backend::Dynamo, Arc::new(FixedClock(test_now())));
    app.add_tenant("acme").await;
    let token = admin("acme");
    let employee = app
        .request(
            Method::POST,
            "/api/v1/employees",
            Some(&token),
            Some(json!({"email": "ana@acme.example", "first_name": "Ana", "last_name": "Silva", "team": "design"})),
        )
        .await;
    std::mem::take(&mut *meter.0.lock().unwrap());
    let body =
        json!({"template_key": "new_employee", "employee_id": employee.data()["id"], "assigned_to": "it@acme.example"});
    let mut id = String::new();
    println!("\nWrite units per operation (moto; linked new_employee; table x2 in a transaction + index copies):");
    for (name, path, body) in [
        ("create", "/api/v1/workflows/from-template".to_owned(), Some(body)),
        ("start", "/api/v1/workflows/{id}/start".to_owned(), None),
        ("advance", "/api/v1/workflows/{id}/advance".to_owned(), None),
    ] {
        let response = app.request(Method::POST, &path.replace("{id}", &id), Some(&token), body).await;
        assert!(response.status.is_success(), "{name}: {:?}", response.body);
        if id.is_empty() {
            id = response.data()["id"].as_str().unwrap().to_owned();
        }
        let writes = std::mem::take(&mut *meter.0.lock().unwrap());
        let (table_units, index_units) =
            writes.iter().map(ItemWrite::units).fold((0, 0), |(t, i), (wt, wi)| (t + wt, i + wi));
        let items: Vec<String> = writes
            .iter()
            .map(|w| format!("{} {} B, index copies {:?} B", w.sort_key, w.bytes, w.index_copies))
            .collect();
        println!(
            "  {name:<8} {:>3} units ({table_units} table + {index_units} index copies): {items:?}",
            table_units + index_units
        );
        if name == "advance" {
            let audit = writes.iter().find(|write| write.sort_key.starts_with("AUDIT#")).expect("an audit entry");
            assert!(audit.bytes < 1024, "an advance's audit entry is {} bytes", audit.bytes);
        }
    }
}
