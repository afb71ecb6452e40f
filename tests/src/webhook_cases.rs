//! Contract §5 through the router, on each store: signed deliveries, exactly-once effects,
//! BambooHR's formats, and the sync against a local stand-in of BambooHR's API.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::future::join_all;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use shared::adapters::outbox::Delivery;

use crate::{Backend, TestApp, TestResponse, admin};

pub const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BAMBOO_SECRET: &str = "bamboo-signing-secret-1234";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn configure(app: &TestApp, tenant: &str, hris: Value) {
    let settings = json!({"hris": hris, "slack_webhook_url": "https://hooks.slack.com/services/T1/B1/abc"});
    let response = app.request(Method::PATCH, "/api/v1/tenant/settings", Some(&admin(tenant)), Some(settings)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
}

pub async fn standard_app(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    configure(&app, "acme", json!({"provider": "standard", "signing_secret": STANDARD_SECRET})).await;
    app
}

/// A Standard Webhooks delivery signed with `secret` at `timestamp`.
pub fn standard_delivery(tenant: &str, id: &str, timestamp: i64, body: &Value, secret: &str) -> Request<Body> {
    standard_delivery_stamped(tenant, id, &timestamp.to_string(), body, secret)
}

/// A Standard Webhooks delivery whose `webhook-timestamp` header is `timestamp` as written (signed with it).
pub fn standard_delivery_stamped(tenant: &str, id: &str, timestamp: &str, body: &Value, secret: &str) -> Request<Body> {
    let body = body.to_string();
    let key = STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    Request::post(format!("/api/v1/webhooks/hris?tenant={tenant}"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp)
        .header("webhook-signature", format!("v1,{signature}"))
        .body(Body::from(body))
        .unwrap()
}

fn bamboo_delivery(tenant: &str, timestamp: i64, body: &Value) -> Request<Body> {
    bamboo_delivery_stamped(tenant, &timestamp.to_string(), body)
}

/// A BambooHR delivery whose `X-BambooHR-Timestamp` header is `timestamp` as written (signed with it).
fn bamboo_delivery_stamped(tenant: &str, timestamp: &str, body: &Value) -> Request<Body> {
    let body = body.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(BAMBOO_SECRET.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.update(timestamp.as_bytes());
    let signature: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    Request::post(format!("/api/v1/webhooks/hris?tenant={tenant}"))
        .header("content-type", "application/json")
        .header("x-bamboohr-timestamp", timestamp)
        .header("x-bamboohr-signature", signature)
        .body(Body::from(body))
        .unwrap()
}

pub fn hire(hris_id: &str, email: &str, start_date: &str) -> Value {
    json!({"type": "employee.created", "data": {"employee": {"hris_id": hris_id, "email": email, "first_name": "Ana",
        "last_name": "Silva", "team": "design", "title": "Designer", "start_date": start_date}}})
}

async fn workflows(app: &TestApp) -> Vec<Value> {
    let listed = app.request(Method::GET, "/api/v1/workflows?limit=100", Some(&admin("acme")), None).await;
    listed.data().as_array().unwrap().clone()
}

pub async fn a_signed_hire_creates_the_employee_and_one_onboarding(backend: Backend) {
    let app = standard_app(backend).await;
    let response = app
        .send(standard_delivery(
            "acme",
            "msg_1",
            now(),
            &hire("E-1", "ana@acme.example", "2026-12-14"),
            STANDARD_SECRET,
        ))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let result = response.data();
    assert_eq!(result["event_id"], "msg_1");
    assert_eq!(result["duplicate"], false);
    let workflow_id = result["workflow_id"].as_str().unwrap();
    let workflow =
        app.request(Method::GET, &format!("/api/v1/workflows/{workflow_id}"), Some(&admin("acme")), None).await;
    let workflow = workflow.data();
    assert_eq!(workflow["template_key"], "new_employee");
    assert_eq!(workflow["triggered_by"], "hris_webhook");
    assert_eq!(workflow["assigned_to"], "it@acme.example");
    assert_eq!(workflow["scheduled_start"], "2026-12-09", "5 days before the start date");
    assert_eq!(workflow["team"], "design");
    assert_eq!(workflow["employee"]["email"], "ana@acme.example");
    assert_eq!(workflow["employee_id"], result["employee_id"]);
    let employee = app
        .request(
            Method::GET,
            &format!("/api/v1/employees/{}", result["employee_id"].as_str().unwrap()),
            Some(&admin("acme")),
            None,
        )
        .await;
    assert_eq!(employee.data()["hris_id"], "E-1");
    let deliveries = app.outbox.deliveries();
    let to_it: Vec<&Delivery> =
        deliveries.iter().filter(|d| matches!(d, Delivery::Email { to, .. } if to == "it@acme.example")).collect();
    assert_eq!(to_it.len(), 1, "IT gets one email about the new workflow: {to_it:?}");
    assert!(matches!(to_it[0], Delivery::Email { subject, .. } if subject.starts_with("New from your HRIS")));
    assert!(deliveries.iter().any(|d| matches!(d, Delivery::Slack { url, text, .. } if url.starts_with("https://hooks.slack.com") && text.contains("Onboard Ana Silva"))));

    // A start date in the past schedules today, never before.
    let late = app
        .send(standard_delivery("acme", "msg_2", now(), &hire("E-2", "bo@acme.example", "2026-11-01"), STANDARD_SECRET))
        .await;
    let late_id = late.data()["workflow_id"].as_str().unwrap().to_owned();
    let late_workflow =
        app.request(Method::GET, &format!("/api/v1/workflows/{late_id}"), Some(&admin("acme")), None).await;
    assert_eq!(late_workflow.data()["scheduled_start"], "2026-11-25");
}

pub async fn unsigned_or_misdirected_deliveries_are_401_and_write_nothing(backend: Backend) {
    let app = standard_app(backend).await;
    app.add_tenant("globex").await;
    let body = hire("E-1", "ana@acme.example", "2026-12-14");
    let other_secret = "whsec_c2VjcmV0LXRoYXQtaXMtbm90LWFjbWVzIQ==";
    let mut cases: Vec<(&str, Request<Body>)> = vec![
        ("wrong secret", standard_delivery("acme", "m1", now(), &body, other_secret)),
        ("stale", standard_delivery("acme", "m2", now() - 301, &body, STANDARD_SECRET)),
        ("from the future", standard_delivery("acme", "m3", now() + 301, &body, STANDARD_SECRET)),
        ("unknown tenant", standard_delivery("initech", "m4", now(), &body, STANDARD_SECRET)),
        ("no secret configured", standard_delivery("globex", "m5", now(), &body, STANDARD_SECRET)),
        ("bad tenant id", standard_delivery("Not_A_Tenant", "m6", now(), &body, STANDARD_SECRET)),
    ];
    let mut tampered = standard_delivery("acme", "m7", now(), &body, STANDARD_SECRET);
    *tampered.body_mut() = Body::from(hire("E-9", "mallory@acme.example", "2026-12-14").to_string());
    cases.push(("tampered body", tampered));
    let mut unsigned = standard_delivery("acme", "m8", now(), &body, STANDARD_SECRET);
    unsigned.headers_mut().remove("webhook-signature");
    cases.push(("no signature", unsigned));
    let mut no_id = standard_delivery("acme", "m9", now(), &body, STANDARD_SECRET);
    no_id.headers_mut().remove("webhook-id");
    cases.push(("no id", no_id));
    let mut responses = Vec::new();
    for (case, request) in cases {
        let response = app.send(request).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{case}: {:?}", response.body);
        responses.push(response.body["detail"].clone());
    }
    responses.dedup();
    assert_eq!(responses.len(), 1, "every refusal says the same: {responses:?}");
    assert!(workflows(&app).await.is_empty());
    let employees = app.request(Method::GET, "/api/v1/employees", Some(&admin("acme")), None).await;
    assert_eq!(employees.data(), &json!([]));
}

pub async fn absurd_timestamps_are_401_problems_for_both_providers(backend: Backend) {
    let app = standard_app(backend).await;
    app.add_tenant("globex").await;
    configure(&app, "globex", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET})).await;
    let body = hire("E-1", "ana@acme.example", "2026-12-14");
    let absurd =
        ["-9223372036854775808", "9223372036854775807", "-1", "0", "1.7e9", "17000000000000000000000", "soon", ""];
    for (n, timestamp) in absurd.iter().enumerate() {
        let standard =
            app.send(standard_delivery_stamped("acme", &format!("m{n}"), timestamp, &body, STANDARD_SECRET)).await;
        let bamboo = app.send(bamboo_delivery_stamped("globex", timestamp, &body)).await;
        for (provider, response) in [("standard", standard), ("bamboohr", bamboo)] {
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{provider} at {timestamp:?}: {:?}", response.body);
            assert_eq!(
                response.header("content-type"),
                Some("application/problem+json"),
                "{provider} at {timestamp:?}"
            );
            assert_eq!(response.body["status"], 401);
        }
    }
    assert!(workflows(&app).await.is_empty());
    let employees = app.request(Method::GET, "/api/v1/employees", Some(&admin("acme")), None).await;
    assert_eq!(employees.data(), &json!([]));
}

/// Delivery ids up to 8 KiB are idempotency keys, stored by digest (a DynamoDB key holds 2,048
/// bytes); `event_id` echoes the id as sent; a longer id is 422.
pub async fn long_delivery_ids_are_idempotency_keys_up_to_8_kib(backend: Backend) {
    let app = standard_app(backend).await;
    let long_id = format!("msg_{}", "a".repeat(2996));
    let body = hire("E-1", "ana@acme.example", "2026-12-14");
    let timestamp = now();
    let first = app.send(standard_delivery("acme", &long_id, timestamp, &body, STANDARD_SECRET)).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.data()["event_id"], long_id.as_str());
    assert_eq!(first.data()["duplicate"], false);
    let again = app.send(standard_delivery("acme", &long_id, timestamp, &body, STANDARD_SECRET)).await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!((again.data()["duplicate"].clone(), again.data()["event_id"].clone()), (json!(true), json!(long_id)));
    assert_eq!(again.data()["workflow_id"], first.data()["workflow_id"]);

    // Ids that differ only past the first 2 KiB are different deliveries: the digest covers all of it.
    let prefix = "b".repeat(4000);
    let hire_two = hire("E-2", "bo@acme.example", "2026-12-21");
    let one = app.send(standard_delivery("acme", &format!("{prefix}1"), now(), &hire_two, STANDARD_SECRET)).await;
    let other = hire("E-3", "cy@acme.example", "2026-12-21");
    let two = app.send(standard_delivery("acme", &format!("{prefix}2"), now(), &other, STANDARD_SECRET)).await;
    assert_eq!((one.status, two.status), (StatusCode::OK, StatusCode::OK), "{:?} {:?}", one.body, two.body);
    assert_eq!((one.data()["duplicate"].clone(), two.data()["duplicate"].clone()), (json!(false), json!(false)));

    let longest = "c".repeat(8192);
    let at_limit = app
        .send(standard_delivery(
            "acme",
            &longest,
            now(),
            &hire("E-4", "di@acme.example", "2026-12-28"),
            STANDARD_SECRET,
        ))
        .await;
    assert_eq!(at_limit.status, StatusCode::OK, "8 KiB is accepted: {:?}", at_limit.body);
    assert_eq!(at_limit.data()["event_id"], longest.as_str());
    let too_long = app
        .send(standard_delivery(
            "acme",
            &format!("{longest}c"),
            now(),
            &hire("E-5", "ed@acme.example", "2026-12-28"),
            STANDARD_SECRET,
        ))
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", too_long.body);
    assert!(too_long.body["errors"]["webhook-id"].is_array(), "{:?}", too_long.body);
    assert_eq!(workflows(&app).await.len(), 4, "the refused delivery wrote nothing");
}

pub async fn redeliveries_and_concurrent_duplicates_create_one_workflow(backend: Backend) {
    let app = standard_app(backend).await;
    let body = hire("E-1", "ana@acme.example", "2026-12-14");
    let timestamp = now();
    let first = app.send(standard_delivery("acme", "msg_1", timestamp, &body, STANDARD_SECRET)).await;
    let again = app.send(standard_delivery("acme", "msg_1", timestamp, &body, STANDARD_SECRET)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.data()["duplicate"], true);
    for field in ["event_id", "employee_id", "workflow_id"] {
        assert_eq!(again.data()[field], first.data()[field], "{field}");
    }
    let changed_body = app
        .send(standard_delivery(
            "acme",
            "msg_1",
            timestamp,
            &hire("E-1", "ana@acme.example", "2027-01-04"),
            STANDARD_SECRET,
        ))
        .await;
    assert_eq!(changed_body.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", changed_body.body);
    let new_id = app.send(standard_delivery("acme", "msg_2", now(), &body, STANDARD_SECRET)).await;
    assert_eq!(
        (new_id.data()["duplicate"].clone(), new_id.data()["workflow_id"].clone()),
        (json!(true), first.data()["workflow_id"].clone())
    );
    assert_eq!(new_id.data()["event_id"], "msg_2");

    // Sixteen identical deliveries at once: one workflow, every response names it.
    let body = hire("E-7", "cy@acme.example", "2026-12-21");
    let timestamp = now();
    let racing = (0..16).map(|_| {
        let app = app.clone();
        let request = standard_delivery("acme", "msg_race", timestamp, &body, STANDARD_SECRET);
        tokio::spawn(async move { app.send(request).await })
    });
    let responses: Vec<TestResponse> = join_all(racing).await.into_iter().map(Result::unwrap).collect();
    let named: Vec<Value> = responses.iter().map(|response| response.data()["workflow_id"].clone()).collect();
    assert!(
        responses.iter().all(|response| response.status == StatusCode::OK),
        "{:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(named.windows(2).all(|pair| pair[0] == pair[1]) && named[0].is_string(), "{named:?}");
    let fresh = responses.iter().filter(|response| response.data()["duplicate"] == false).count();
    assert_eq!(fresh, 1, "exactly one delivery did the work");
    let onboarding: Vec<Value> =
        workflows(&app).await.into_iter().filter(|w| w["employee"]["email"] == "cy@acme.example").collect();
    assert_eq!(onboarding.len(), 1);
    println!(
        "16 concurrent identical deliveries on {backend:?}: {} workflow, {fresh} fresh + {} duplicate answers",
        onboarding.len(),
        16 - fresh
    );
}

pub async fn a_termination_starts_an_equipment_return_listing_the_assets(backend: Backend) {
    let app = standard_app(backend).await;
    let hired = app
        .send(standard_delivery("acme", "h1", now(), &hire("E-1", "ana@acme.example", "2026-12-14"), STANDARD_SECRET))
        .await;
    let employee_id = hired.data()["employee_id"].as_str().unwrap().to_owned();
    let laptop = app
        .request(
            Method::POST,
            "/api/v1/assets",
            Some(&admin("acme")),
            Some(
                json!({"asset_tag": "LT-1", "name": "Mac", "category": "laptop", "assigned_employee_id": employee_id}),
            ),
        )
        .await;
    let termination =
        json!({"type": "employee.updated", "data": {"employee": {"hris_id": "E-1", "termination_date": "2026-12-31"}}});
    let response = app.send(standard_delivery("acme", "t1", now(), &termination, STANDARD_SECRET)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.data()["employee_id"], json!(employee_id), "matched on the HRIS id");
    let workflow = app
        .request(
            Method::GET,
            &format!("/api/v1/workflows/{}", response.data()["workflow_id"].as_str().unwrap()),
            Some(&admin("acme")),
            None,
        )
        .await;
    assert_eq!(workflow.data()["template_key"], "equipment_return");
    assert_eq!(workflow.data()["scheduled_start"], "2026-12-31");
    assert_eq!(workflow.data()["metadata"]["asset_ids"], json!([laptop.data()["id"]]));
    let employee =
        app.request(Method::GET, &format!("/api/v1/employees/{employee_id}"), Some(&admin("acme")), None).await;
    assert_eq!(employee.data()["status"], "terminated");
    assert_eq!(employee.data()["first_name"], "Ana", "absent fields stay unchanged");
    let ignored = json!({"type": "employee.archived", "data": {"employee": {"hris_id": "E-1"}}});
    let response = app.send(standard_delivery("acme", "x1", now(), &ignored, STANDARD_SECRET)).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.data()["workflow_id"], Value::Null);
    let malformed =
        app.send(standard_delivery("acme", "x2", now(), &json!({"type": "employee.created"}), STANDARD_SECRET)).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn deliver(app: &TestApp, id: &str, body: &Value) -> TestResponse {
    app.send(standard_delivery("acme", id, now(), body, STANDARD_SECRET)).await
}

async fn get(app: &TestApp, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(&admin("acme")), None).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {:?}", response.body);
    response.data().clone()
}

/// Contract §5: an event may name the employee by email alone (at least one of hris_id and
/// email); an hris_id match wins over email; an email that belongs to another employee is not
/// taken over, the rest of the event is applied; text over a limit is truncated.
pub async fn events_name_employees_by_hris_id_or_email(backend: Backend) {
    let app = standard_app(backend).await;
    let ana = deliver(&app, "h1", &hire("E-1", "ana@acme.example", "2026-12-14")).await;
    let bo = deliver(&app, "h2", &hire("E-2", "bo@acme.example", "2026-12-14")).await;
    let (ana_id, bo_id) = (ana.data()["employee_id"].clone(), bo.data()["employee_id"].clone());

    let by_email = json!({"type": "employee.updated", "data": {"employee": {"email": "ANA@acme.example", "title": "Lead designer"}}});
    let response = deliver(&app, "u1", &by_email).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.data()["employee_id"], ana_id);
    let ana_now = get(&app, &format!("/api/v1/employees/{}", ana_id.as_str().unwrap())).await;
    assert_eq!((ana_now["title"].clone(), ana_now["hris_id"].clone()), (json!("Lead designer"), json!("E-1")));

    let nameless = json!({"type": "employee.updated", "data": {"employee": {"title": "Who?"}}});
    let response = deliver(&app, "u2", &nameless).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);

    // E-1 with Bo's email: E-1 (Ana) is updated, her email stays, Bo is untouched.
    let clash = json!({"type": "employee.updated", "data": {"employee": {"hris_id": "E-1", "email": "bo@acme.example", "last_name": "Costa"}}});
    let response = deliver(&app, "u3", &clash).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(response.data()["employee_id"], ana_id, "the hris_id match wins");
    let ana_now = get(&app, &format!("/api/v1/employees/{}", ana_id.as_str().unwrap())).await;
    assert_eq!((ana_now["email"].clone(), ana_now["last_name"].clone()), (json!("ana@acme.example"), json!("Costa")));
    let bo_now = get(&app, &format!("/api/v1/employees/{}", bo_id.as_str().unwrap())).await;
    assert_eq!((bo_now["email"].clone(), bo_now["last_name"].clone()), (json!("bo@acme.example"), json!("Silva")));

    // A new hire by email alone, with text past every limit.
    let long = json!({"type": "employee.created", "data": {"employee": {"email": "cy@acme.example",
        "first_name": format!("  {}", "C".repeat(500)), "last_name": "L".repeat(101), "title": "T".repeat(1000),
        "team": "t".repeat(300), "start_date": "2026-12-21"}}});
    let response = deliver(&app, "h3", &long).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert!(response.data()["workflow_id"].is_string());
    let cy = get(&app, &format!("/api/v1/employees/{}", response.data()["employee_id"].as_str().unwrap())).await;
    assert_eq!(cy["first_name"], "C".repeat(100));
    assert_eq!(cy["last_name"], "L".repeat(100));
    assert_eq!(cy["title"], "T".repeat(200));
    assert_eq!(cy["team"], "t".repeat(100));
    assert_eq!(cy["hris_id"], Value::Null);
    let long_id = json!({"type": "employee.updated", "data": {"employee": {"hris_id": "9".repeat(150), "email": "cy@acme.example"}}});
    let response = deliver(&app, "u4", &long_id).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let cy = get(&app, &format!("/api/v1/employees/{}", response.data()["employee_id"].as_str().unwrap())).await;
    assert_eq!(cy["hris_id"], "9".repeat(100));
}

/// Contract §5: a termination dated before the start date is a withdrawn hire: the pending or
/// in-progress onboarding is cancelled with a reason, and equipment is collected only from an
/// employee who holds some. Redeliveries and new ids for the same change are duplicates.
pub async fn a_termination_before_the_start_date_is_a_withdrawn_hire(backend: Backend) {
    let app = standard_app(backend).await;
    // Ana, pending onboarding, no assets.
    let ana = deliver(&app, "h1", &hire("E-1", "ana@acme.example", "2026-12-14")).await;
    let ana_onboarding = ana.data()["workflow_id"].as_str().unwrap().to_owned();
    let withdrawn = |hris_id: &str| json!({"type": "employee.terminated", "data": {"employee": {"hris_id": hris_id, "termination_date": "2026-12-01"}}});
    let response = deliver(&app, "t1", &withdrawn("E-1")).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(
        (response.data()["workflow_id"].clone(), response.data()["duplicate"].clone()),
        (Value::Null, json!(false)),
        "no assets, no offboarding"
    );
    let onboarding = get(&app, &format!("/api/v1/workflows/{ana_onboarding}")).await;
    assert_eq!(onboarding["status"], "cancelled");
    assert_eq!(onboarding["metadata"]["cancellation_reason"], "withdrawn hire: terminated before the start date");
    let employee = get(&app, &format!("/api/v1/employees/{}", ana.data()["employee_id"].as_str().unwrap())).await;
    assert_eq!(
        (employee["status"].clone(), employee["termination_date"].clone()),
        (json!("terminated"), json!("2026-12-01"))
    );
    let again = deliver(&app, "t1", &withdrawn("E-1")).await;
    assert_eq!((again.data()["duplicate"].clone(), again.data()["workflow_id"].clone()), (json!(true), Value::Null));
    let new_id = deliver(&app, "t1-bis", &withdrawn("E-1")).await;
    assert_eq!(new_id.status, StatusCode::OK, "{:?}", new_id.body);
    assert_eq!((new_id.data()["duplicate"].clone(), new_id.data()["workflow_id"].clone()), (json!(true), Value::Null));

    // Bo, onboarding already in progress, holding a laptop.
    let bo = deliver(&app, "h2", &hire("E-2", "bo@acme.example", "2026-12-14")).await;
    let bo_onboarding = bo.data()["workflow_id"].as_str().unwrap().to_owned();
    let started = app
        .request(Method::POST, &format!("/api/v1/workflows/{bo_onboarding}/start"), Some(&admin("acme")), None)
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let laptop = json!({"asset_tag": "LT-2", "name": "Mac", "category": "laptop", "assigned_employee_id": bo.data()["employee_id"]});
    let laptop = app.request(Method::POST, "/api/v1/assets", Some(&admin("acme")), Some(laptop)).await;
    assert_eq!(laptop.status, StatusCode::CREATED, "{:?}", laptop.body);
    let response = deliver(&app, "t2", &withdrawn("E-2")).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let offboarding_id = response.data()["workflow_id"].as_str().expect("an offboarding: assets are held").to_owned();
    let offboarding = get(&app, &format!("/api/v1/workflows/{offboarding_id}")).await;
    assert_eq!(offboarding["template_key"], "equipment_return");
    assert_eq!(offboarding["metadata"]["asset_ids"], json!([laptop.data()["id"]]));
    assert_eq!(get(&app, &format!("/api/v1/workflows/{bo_onboarding}")).await["status"], "cancelled");
    let new_id = deliver(&app, "t2-bis", &withdrawn("E-2")).await;
    assert_eq!(
        (new_id.data()["duplicate"].clone(), new_id.data()["workflow_id"].clone()),
        (json!(true), json!(offboarding_id))
    );
    let all = workflows(&app).await;
    assert_eq!(all.len(), 3, "two onboardings and one offboarding: {all:?}");
}

/// A stand-in of BambooHR's API on loopback: employees by id, changes since a cursor (in two
/// pages), and injected failures (429 with Retry-After, then a 500) on the first calls.
pub struct FakeBamboo {
    pub base_url: String,
    pub calls: Arc<AtomicUsize>,
    /// The path of every employee read, as requested (escapes kept).
    pub employee_paths: Arc<Mutex<Vec<String>>>,
    employees: Arc<Mutex<HashMap<String, Value>>>,
}

impl FakeBamboo {
    pub async fn start(failures_first: bool) -> Self {
        let calls = Arc::new(AtomicUsize::new(0));
        let employees: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
        let employee_paths: Arc<Mutex<Vec<String>>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let (counted, stored, next_page) =
            (calls.clone(), employees.clone(), format!("{base_url}/employees/changed?page=2"));
        let router = axum::Router::new()
            .route(
                "/v1/employees/changed",
                axum::routing::get(move |axum::extract::RawQuery(query): axum::extract::RawQuery| {
                    let n = counted.fetch_add(1, Ordering::SeqCst);
                    let stored = stored.clone();
                    let next_page = next_page.clone();
                    async move {
                        if failures_first && n == 0 {
                            return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], String::new())
                                .into_response();
                        }
                        if failures_first && n == 1 {
                            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                        }
                        let ids: Vec<String> = {
                            let mut ids: Vec<String> = stored.lock().unwrap().keys().cloned().collect();
                            ids.sort();
                            ids
                        };
                        let second = query.unwrap_or_default().contains("page=2");
                        let half = ids.len() / 2;
                        let page: Vec<&String> =
                            if second { ids[half..].iter().collect() } else { ids[..half].iter().collect() };
                        let listed: serde_json::Map<String, Value> = page
                            .iter()
                            .map(|id| {
                                (
                                    (*id).clone(),
                                    json!({"id": id, "action": "Inserted", "lastChanged": "2026-11-25T08:00:00+00:00"}),
                                )
                            })
                            .collect();
                        let mut body = json!({"latest": "2026-11-25T08:00:00+00:00", "employees": listed});
                        if !second {
                            body["nextPage"] = json!(next_page);
                        }
                        axum::Json(body).into_response()
                    }
                }),
            )
            .route(
                "/v1/employees/{id}",
                axum::routing::get({
                    let stored = employees.clone();
                    let paths = employee_paths.clone();
                    move |axum::extract::Path(id): axum::extract::Path<String>, uri: axum::http::Uri| {
                        let stored = stored.clone();
                        paths.lock().unwrap().push(uri.path().to_owned());
                        async move {
                            match stored.lock().unwrap().get(&id) {
                                Some(employee) => axum::Json(employee.clone()).into_response(),
                                None => StatusCode::NOT_FOUND.into_response(),
                            }
                        }
                    }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base_url, calls, employee_paths, employees }
    }

    pub fn add(&self, id: &str, first_name: &str, email: &str, hire_date: &str) {
        let employee = json!({"id": id, "firstName": first_name, "lastName": "Hire", "workEmail": email, "department": "it", "hireDate": hire_date});
        self.employees.lock().unwrap().insert(id.to_owned(), employee);
    }
}

use axum::response::IntoResponse;

pub async fn bamboohr_deliveries_in_both_formats(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    let bamboo = FakeBamboo::start(false).await;
    bamboo.add("300", "Dee", "dee@acme.example", "2026-12-20");
    configure(&app, "acme", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key", "api_base_url": bamboo.base_url})).await;
    let field_based = json!({"employees": [
        {"id": "100", "action": "Created", "timestamp": "2026-11-25T08:00:00+00:00", "changedFields": ["First Name"],
         "fields": {"First Name": "Eli", "Last Name": "Ng", "Work Email": "eli@acme.example", "Department": "sales", "Hire Date": "2026-12-07"}},
        {"id": "200", "action": "Deleted", "timestamp": "2026-11-25T08:00:00+00:00", "fields": {}}
    ]});
    let response = app.send(bamboo_delivery("acme", now(), &field_based)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let results = response.data().as_array().unwrap();
    assert_eq!(results.len(), 2, "a delivery of several employees answers a list");
    assert!(results[0]["workflow_id"].is_string());
    assert_eq!(results[1]["workflow_id"], Value::Null, "a deletion is ignored");
    assert_eq!(results[0]["event_id"].as_str().unwrap().len(), 64, "the id is a SHA-256");

    let event_based = json!({"type": "employee.created", "timestamp": "2026-11-25T08:00:00+0000", "data": {"companyId": "1", "employeeId": "300", "changedFields": []}});
    let response = app.send(bamboo_delivery("acme", now(), &event_based)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let employee = app
        .request(
            Method::GET,
            &format!("/api/v1/employees/{}", response.data()["employee_id"].as_str().unwrap()),
            Some(&admin("acme")),
            None,
        )
        .await;
    assert_eq!(employee.data()["email"], "dee@acme.example", "read from the HRIS API");
    let mut forged = bamboo_delivery("acme", now(), &event_based);
    forged.headers_mut().insert("x-bamboohr-signature", "00".repeat(32).parse().unwrap());
    assert_eq!(app.send(forged).await.status, StatusCode::UNAUTHORIZED);
}

pub async fn the_sync_applies_changes_once_with_webhooks(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    let bamboo = FakeBamboo::start(true).await;
    for n in 0..4 {
        bamboo.add(&format!("5{n}"), &format!("Sync{n}"), &format!("sync{n}@acme.example"), "2026-12-28");
    }
    configure(&app, "acme", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key", "api_base_url": bamboo.base_url})).await;
    // The webhook saw one of the hires first.
    let event_based = json!({"type": "employee.created", "timestamp": "2026-11-25T08:00:00+0000", "data": {"companyId": "1", "employeeId": "51"}});
    let hooked = app.send(bamboo_delivery("acme", now(), &event_based)).await;
    assert_eq!(hooked.status, StatusCode::OK, "{:?}", hooked.body);

    let run = app.request(Method::POST, "/local/jobs/hris-sync", None, None).await;
    assert_eq!(run.status, StatusCode::OK, "{:?}", run.body);
    let counts = &run.data()["counts"];
    assert_eq!(counts["changes"], 4, "{counts}");
    assert_eq!(counts["workflows_started"], 3, "the webhook's hire is not started twice");
    assert!(run.data()["errors"].as_array().unwrap().is_empty(), "{:?}", run.data());
    assert!(bamboo.calls.load(Ordering::SeqCst) >= 4, "a 429 and a 500 were retried, then two pages read");
    let onboardings: Vec<Value> =
        workflows(&app).await.into_iter().filter(|w| w["template_key"] == "new_employee").collect();
    assert_eq!(onboardings.len(), 4);
    assert_eq!(onboardings.iter().filter(|w| w["triggered_by"] == "hris_sync").count(), 3);
    let again = app.request(Method::POST, "/local/jobs/hris-sync", None, None).await;
    assert_eq!(again.data()["counts"]["workflows_started"], 0);
    assert_eq!(workflows(&app).await.len(), 4);
}

/// `hris.api_base_url` is parsed, not prefix-matched: the userinfo trick, internal addresses and
/// plain http are 422; plain http to localhost only on the local server (contract §2).
pub async fn hris_api_urls_must_be_public_https(backend: Backend) {
    let local = TestApp::new(backend).await;
    local.add_tenant("acme").await;
    configure(&local, "acme", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET})).await;
    let set_url = |app: &TestApp, url: &str| {
        let (app, url) = (app.clone(), url.to_owned());
        async move {
            let patch = json!({"hris": {"api_base_url": url}});
            app.request(Method::PATCH, "/api/v1/tenant/settings", Some(&admin("acme")), Some(patch)).await
        }
    };
    let refused = [
        "http://127.0.0.1:1@169.254.169.254/",
        "https://127.0.0.1:1@169.254.169.254/latest/meta-data",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:169.254.169.254]/",
        "https://10.0.0.8/v1",
        "https://192.168.1.20/v1",
        "https://100.64.0.1/v1",
        "https://[fd00::1]/v1",
        "https://[fe80::1]/v1",
        "https://127.0.0.2/v1",
        "http://hris.example.com/v1",
        "http://169.254.169.254/",
        "not a url",
    ];
    for url in refused {
        let response = set_url(&local, url).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {:?}", response.body);
        assert!(response.body["errors"]["hris.api_base_url"].is_array(), "{url}: {:?}", response.body);
    }
    let settings = local.request(Method::GET, "/api/v1/tenant/settings", Some(&admin("acme")), None).await;
    assert_eq!(settings.data()["hris"]["api_base_url"], Value::Null, "nothing refused was stored");
    let public = set_url(&local, "https://API.bamboohr.com/api/gateway.php/acme/v1/").await;
    assert_eq!(public.status, StatusCode::OK, "{:?}", public.body);
    assert_eq!(public.data()["hris"]["api_base_url"], "https://api.bamboohr.com/api/gateway.php/acme/v1");
    let stand_in = set_url(&local, "http://127.0.0.1:4010/v1").await;
    assert_eq!(stand_in.status, StatusCode::OK, "the local server reaches stand-ins: {:?}", stand_in.body);

    // A deployed function on the same data refuses the loopback stand-in.
    let deployed = deployed_app(&local);
    let response = set_url(&deployed, "http://localhost:4010/v1").await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
}

/// Contract §2: a settings PATCH merges `hris` (RFC 7396): absent fields stay, `null` removes
/// one (the provider cannot be removed alone), `"hris": null` removes it all; secrets stay
/// write-only.
pub async fn settings_patches_merge_hris(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    let patch = |body: Value| {
        let app = app.clone();
        async move { app.request(Method::PATCH, "/api/v1/tenant/settings", Some(&admin("acme")), Some(body)).await }
    };
    let full = json!({"hris": {"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key-that-is-secret",
        "subdomain": "acme", "api_base_url": "https://hris.example.com/v1"}});
    assert_eq!(patch(full).await.status, StatusCode::OK);
    let response = patch(json!({"hris": {"subdomain": "globex"}})).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(
        response.data()["hris"],
        json!({"provider": "bamboohr", "signing_secret_set": true, "api_key_set": true, "subdomain": "globex",
            "api_base_url": "https://hris.example.com/v1", "onboarding_template": "new_employee",
            "offboarding_template": "equipment_return"}),
        "only the subdomain changed"
    );
    let text = response.body.to_string();
    assert!(!text.contains(BAMBOO_SECRET) && !text.contains("key-that-is-secret"), "secrets are write-only: {text}");
    let response = patch(json!({"hris": {"api_base_url": null, "api_key": null}})).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(
        response.data()["hris"],
        json!({"provider": "bamboohr", "signing_secret_set": true, "api_key_set": false, "subdomain": "globex",
            "api_base_url": null, "onboarding_template": "new_employee", "offboarding_template": "equipment_return"})
    );
    let response = patch(json!({"hris": {"provider": null}})).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    assert!(response.body["errors"]["hris.provider"].is_array(), "{:?}", response.body);
    let response = patch(json!({"hris": null})).await;
    assert_eq!((response.status, response.data()["hris"].clone()), (StatusCode::OK, Value::Null));
}

/// The same store served as a deployed function serves it: public https HRIS URLs only.
fn deployed_app(app: &TestApp) -> TestApp {
    let config = shared::config::ApiConfig {
        hris_urls: shared::domain::hris_url::UrlPolicy::PublicHttpsOnly,
        ..crate::config()
    };
    let clock = Arc::new(shared::clock::FixedClock(crate::test_now()));
    TestApp::configured(app.store.clone(), app.backend, clock, config)
}

/// A URL stored under a laxer policy is judged again when used: never fetched.
pub async fn a_refused_stored_hris_url_is_never_fetched(backend: Backend) {
    let local = TestApp::new(backend).await;
    local.add_tenant("acme").await;
    let bamboo = FakeBamboo::start(false).await;
    bamboo.add("300", "Dee", "dee@acme.example", "2026-12-20");
    configure(&local, "acme", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key", "api_base_url": bamboo.base_url})).await;
    let deployed = deployed_app(&local);
    let event_based = json!({"type": "employee.created", "data": {"companyId": "1", "employeeId": "300"}});
    let response = deployed.send(bamboo_delivery("acme", now(), &event_based)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    let run = deployed.request(Method::POST, "/local/jobs/hris-sync", None, None).await;
    assert_eq!(run.status, StatusCode::OK, "{:?}", run.body);
    assert_eq!(run.data()["errors"].as_array().map(Vec::len), Some(1), "the sync reports the tenant: {:?}", run.data());
    assert!(bamboo.employee_paths.lock().unwrap().is_empty(), "no employee was read");
    assert_eq!(bamboo.calls.load(Ordering::SeqCst), 0, "no change list was read");
    // The local server, whose policy allows the stand-in, reads it.
    let response = local.send(bamboo_delivery("acme", now(), &event_based)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
}

/// An employee id from a delivery is one escaped path segment of the HRIS API URL.
pub async fn employee_ids_from_deliveries_are_escaped_path_segments(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    let bamboo = FakeBamboo::start(false).await;
    let hostile = "../../x?y#z";
    bamboo.add(hostile, "Dee", "dee@acme.example", "2026-12-20");
    configure(&app, "acme", json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key", "api_base_url": bamboo.base_url})).await;
    let event_based = json!({"type": "employee.created", "data": {"companyId": "1", "employeeId": hostile}});
    let response = app.send(bamboo_delivery("acme", now(), &event_based)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    assert_eq!(
        bamboo.employee_paths.lock().unwrap().as_slice(),
        ["/v1/employees/%2E%2E%2F%2E%2E%2Fx%3Fy%23z"],
        "one segment under /v1/employees, nothing of it read as a path, query or fragment"
    );
}

/// One step of a random mix: a webhook delivery of hire `n` (a redelivery when `reuse_id`), or a sync run.
#[derive(Debug, Clone)]
enum Step {
    Deliver { n: usize, reuse_id: bool },
    Sync,
}

/// Random mixes of deliveries and syncs of the same four hires: each hire's onboarding is
/// created exactly once. Returns (mixes, steps, workflows created).
pub fn random_mixes_create_each_workflow_once(backend: Backend, cases: u32) -> (u32, usize, usize) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let step = prop_oneof![
        (0..4usize, any::<bool>()).prop_map(|(n, reuse_id)| Step::Deliver { n, reuse_id }),
        Just(Step::Sync)
    ];
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let totals = Arc::new(Mutex::new((0usize, 0usize)));
    let counted = totals.clone();
    runner
        .run(&proptest::collection::vec(step, 1..12), |steps| {
            let created = runtime.block_on(async {
                let app = TestApp::new(backend).await;
                app.add_tenant("acme").await;
                let bamboo = FakeBamboo::start(false).await;
                for n in 0..4 {
                    bamboo.add(&format!("7{n}"), &format!("Mix{n}"), &format!("mix{n}@acme.example"), "2026-12-28");
                }
                let settings = json!({"provider": "bamboohr", "signing_secret": BAMBOO_SECRET, "api_key": "key", "api_base_url": bamboo.base_url});
                configure(&app, "acme", settings).await;
                let mut hired = std::collections::BTreeSet::new();
                for (position, step) in steps.iter().enumerate() {
                    match step {
                        Step::Deliver { n, reuse_id } => {
                            let body = json!({"type": "employee.created", "timestamp": "2026-11-25T08:00:00+0000", "data": {"companyId": "1", "employeeId": format!("7{n}")}});
                            // The same timestamp and body is the same delivery id (a redelivery).
                            let timestamp = if *reuse_id { 1_000 } else { 1_000 + position as i64 };
                            let response = app.send(bamboo_delivery("acme", now() - 200 + timestamp % 100, &body)).await;
                            prop_assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
                            hired.insert(*n);
                        }
                        Step::Sync => {
                            let run = app.request(Method::POST, "/local/jobs/hris-sync", None, None).await;
                            prop_assert_eq!(run.status, StatusCode::OK);
                            hired.extend(0..4);
                        }
                    }
                }
                let onboardings = workflows(&app).await;
                for n in &hired {
                    let email = format!("mix{n}@acme.example");
                    let count = onboardings.iter().filter(|w| w["employee"]["email"] == email.as_str()).count();
                    prop_assert_eq!(count, 1, "hire {} has {} onboardings after {:?}", n, count, steps);
                }
                prop_assert_eq!(onboardings.len(), hired.len());
                Ok(onboardings.len())
            })?;
            let mut totals = counted.lock().unwrap();
            totals.0 += steps.len();
            totals.1 += created;
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("exactly-once broke: {failure}"));
    let (steps, created) = *totals.lock().unwrap();
    (cases, steps, created)
}

/// Contract §10: the tenant settings choose the templates HRIS hires and terminations start
/// (`new_employee` and `equipment_return` unless set); an unknown or deleted one is refused, and
/// a template the settings name cannot be deleted.
pub async fn hris_events_start_the_templates_the_settings_choose(backend: Backend) {
    let app = standard_app(backend).await;
    let admin = admin("acme");
    let template = json!({"key": "onboarding_eu", "based_on": "new_employee",
        "steps": [{"name": "Works council notice", "assignee": "manager"}, {"name": "Laptop", "assignee": "it"}]});
    let created = app.request(Method::POST, "/api/v1/workflows/templates", Some(&admin), Some(template)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let settings =
        |hris: Value| app.request(Method::PATCH, "/api/v1/tenant/settings", Some(&admin), Some(json!({"hris": hris})));
    for (key, why) in [("no_such_template", "unknown"), ("Not A Key", "malformed"), (&"k".repeat(3000), "too long")] {
        let refused = settings(json!({"onboarding_template": key})).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {:?}", refused.body);
        assert!(refused.body["errors"]["hris.onboarding_template"].is_array(), "{:?}", refused.body);
    }
    let chosen = settings(json!({"onboarding_template": "onboarding_eu"})).await;
    assert_eq!(chosen.status, StatusCode::OK, "{:?}", chosen.body);
    assert_eq!(chosen.data()["hris"]["onboarding_template"], "onboarding_eu");
    assert_eq!(chosen.data()["hris"]["offboarding_template"], "equipment_return", "the default");
    let in_use = app.request(Method::DELETE, "/api/v1/workflows/templates/onboarding_eu", Some(&admin), None).await;
    assert_eq!(in_use.status, StatusCode::CONFLICT, "{:?}", in_use.body);

    let hired = deliver(&app, "msg_t1", &hire("E-1", "ana@acme.example", "2026-12-14")).await;
    let workflow = get(&app, &format!("/api/v1/workflows/{}", hired.data()["workflow_id"].as_str().unwrap())).await;
    assert_eq!(
        (workflow["template_key"].as_str(), workflow["template_version"].as_u64()),
        (Some("onboarding_eu"), Some(1))
    );
    assert_eq!(workflow["total_steps"], 2);
    assert_eq!(workflow["title"], "Onboard Ana Silva");

    let reset = settings(json!({"onboarding_template": null})).await;
    assert_eq!(reset.data()["hris"]["onboarding_template"], "new_employee");
    let deleted = app.request(Method::DELETE, "/api/v1/workflows/templates/onboarding_eu", Some(&admin), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = settings(json!({"onboarding_template": "onboarding_eu"})).await;
    assert_eq!(gone.status, StatusCode::UNPROCESSABLE_ENTITY, "a deleted template: {:?}", gone.body);
    let hired = deliver(&app, "msg_t2", &hire("E-2", "bo@acme.example", "2026-12-14")).await;
    let workflow = get(&app, &format!("/api/v1/workflows/{}", hired.data()["workflow_id"].as_str().unwrap())).await;
    assert_eq!(workflow["template_key"], "new_employee");
}
