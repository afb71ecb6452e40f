//! Contract §1–§3 through the router: every case runs on the embedded store and on DynamoDB
//! (see `tests/api.rs`).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};
use shared::domain::caller::Role;

use crate::{Backend, TestApp, TestResponse, admin, token};

const WORKFLOWS: &str = "/api/v1/workflows";

async fn app_with_tenants(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app.add_tenant("globex").await;
    app
}

async fn create(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.request(Method::POST, "/api/v1/workflows/from-template", Some(token), Some(body)).await
}

/// Creates a workflow from `template` as the tenant's admin and returns its id.
async fn created_id(app: &TestApp, tenant: &str, body: Value) -> String {
    let response = create(app, &admin(tenant), body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.data()["id"].as_str().unwrap().to_owned()
}

async fn post(app: &TestApp, token: &str, id: &str, action: &str, body: Option<Value>) -> TestResponse {
    app.request(Method::POST, &format!("{WORKFLOWS}/{id}/{action}"), Some(token), body).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    app.request(Method::GET, path, Some(token), None).await
}

fn assert_problem(response: &TestResponse, status: StatusCode) {
    assert_eq!(response.status, status, "{:?}", response.body);
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    assert_eq!(response.body["status"], status.as_u16());
    assert!(
        response.body["type"].is_string() && response.body["title"].is_string() && response.body["detail"].is_string()
    );
}

pub async fn health_and_openapi_need_no_credentials(backend: Backend) {
    let app = TestApp::new(backend).await;
    let health = app.request(Method::GET, "/health", None, None).await;
    assert_eq!((health.status, health.body.clone()), (StatusCode::OK, json!({"status": "ok"})));
    let document = app.request(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(document.status, StatusCode::OK);
    assert_eq!(document.body["openapi"], "3.1.0");
    assert!(document.body["paths"]["/api/v1/workflows/{id}/advance"]["post"].is_object());
}

pub async fn templates_are_listed_and_found_by_key(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let list = get(&app, &admin("acme"), "/api/v1/workflows/templates").await;
    assert_eq!(list.status, StatusCode::OK);
    let keys: Vec<&str> = list.data().as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["incoming_hardware", "new_employee", "equipment_return", "emergency_replacement"]);
    let one = get(&app, &admin("acme"), "/api/v1/workflows/templates/new_employee").await;
    assert_eq!(one.data()["step_count"], 9);
    assert_eq!(one.data()["estimated_duration_days"], 7);
    assert_eq!(one.data()["steps"][4]["name"], "Day 1 - Welcome & Access");
    assert_eq!(one.data()["steps"][4]["order"], 5);
    assert_problem(&get(&app, &admin("acme"), "/api/v1/workflows/templates/nope").await, StatusCode::NOT_FOUND);
    assert_problem(
        &app.request(Method::GET, "/api/v1/workflows/templates", None, None).await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(one.header("etag"), Some("\"1\""), "a built-in template is version 1");
}

/// The seed's frontend caches the templates in the browser: a tag per tenant and a 304 for a
/// list it already holds, but only once the caller is known.
pub async fn the_template_list_is_revalidated_by_its_etag(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let list = get(&app, &admin("acme"), "/api/v1/workflows/templates").await;
    assert_eq!(list.header("cache-control"), Some("private, no-cache"));
    let etag = list.header("etag").expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "{etag}");
    let conditional = |token: Option<String>, tag: &str| {
        let mut request = Request::get("/api/v1/workflows/templates").header("if-none-match", tag);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        app.send(request.body(Body::empty()).unwrap())
    };
    let cached = conditional(Some(admin("acme")), &etag).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert_eq!((cached.header("etag"), cached.body.clone()), (Some(etag.as_str()), Value::Null));
    let weak = conditional(Some(admin("acme")), &format!("\"other\", W/{etag}")).await;
    assert_eq!(weak.status, StatusCode::NOT_MODIFIED, "If-None-Match compares weakly");
    let stale = conditional(Some(admin("acme")), "\"stale\"").await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.data(), list.data());
    assert_problem(&conditional(None, &etag).await, StatusCode::UNAUTHORIZED);
}

pub async fn creating_from_a_template_fills_the_defaults(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let response =
        create(&app, &admin("acme"), json!({"template_key": "incoming_hardware", "assigned_to": "Jo@Acme.Example"}))
            .await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    let workflow = response.data();
    let id = workflow["id"].as_str().unwrap();
    assert_eq!(response.header("location"), Some(format!("{WORKFLOWS}/{id}").as_str()));
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!(workflow["status"], "pending");
    assert_eq!(workflow["workflow_type"], "procurement");
    assert_eq!(workflow["priority"], "normal");
    assert_eq!(workflow["triggered_by"], "template");
    assert_eq!(workflow["template_key"], "incoming_hardware");
    assert_eq!(workflow["tenant_id"], "acme");
    assert_eq!(workflow["assigned_to"], "jo@acme.example");
    assert_eq!((workflow["current_step"].clone(), workflow["total_steps"].clone()), (json!(0), json!(8)));
    assert_eq!(workflow["due_date"], "2026-11-28", "today (2026-11-25) + 3 days");
    assert_eq!(workflow["created_at"], "2026-11-25T09:00:00Z");
    assert_eq!(workflow["version"], 1);
    assert_eq!(workflow["steps"][0]["name"], "Receive Shipment");
    assert!(workflow["steps"][0]["instructions"].as_str().unwrap().len() > 40);
    assert_eq!(workflow["steps"][7]["order"], 8);

    let scheduled =
        create(&app, &admin("acme"), json!({"template_key": "new_employee", "scheduled_start": "2026-12-01"})).await;
    assert_eq!(scheduled.data()["due_date"], "2026-12-08", "scheduled_start + 7 days");
    let custom = app
        .request(Method::POST, WORKFLOWS, Some(&admin("acme")), Some(json!({"title": "Rack the new switch", "workflow_type": "maintenance", "steps": [{"name": "Mount"}, {"name": "Patch", "instructions": "Label both ends."}]})))
        .await;
    assert_eq!(custom.status, StatusCode::CREATED, "{:?}", custom.body);
    assert_eq!(custom.data()["triggered_by"], "manual");
    assert_eq!(custom.data()["due_date"], "2026-12-02", "today + 7 days");
    assert_eq!(custom.data()["steps"][1]["instructions"], "Label both ends.");
    assert_eq!(custom.data()["priority"], "normal");

    let fetched = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!(fetched.data(), workflow);
    assert_eq!(fetched.header("etag"), Some("\"1\""));
}

pub async fn invalid_creations_are_rejected_and_store_nothing(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let cases = [
        (json!({}), "template_key"),
        (json!({"template_key": "nope"}), "template_key"),
        (json!({"template_key": "new_employee", "assigned_to": "not-an-email"}), "assigned_to"),
        (json!({"template_key": "new_employee", "due_date": "2026-11-24"}), "due_date"),
        (json!({"template_key": "new_employee", "status": "completed"}), "status"),
        (json!({"template_key": "new_employee", "employee_id": "0195f4a2-0000-7000-8000-000000000000"}), "employee_id"),
        (
            json!({"template_key": "new_employee", "metadata": {"cancellation_reason": "x"}}),
            "metadata.cancellation_reason",
        ),
        (json!({"template_key": "new_employee", "title": ""}), "title"),
        (json!({"template_key": "new_employee", "steps": []}), "steps"),
    ];
    for (body, field) in cases {
        let response = create(&app, &token, body.clone()).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["errors"][field].is_array(), "{body} should name {field}: {:?}", response.body);
    }
    let too_many: Vec<Value> = (0..51).map(|n| json!({"name": format!("Step {n}")})).collect();
    let custom_cases = [
        json!({"title": "X", "workflow_type": "repair", "steps": []}),
        json!({"title": "X", "workflow_type": "repair", "steps": too_many}),
        json!({"title": "X", "workflow_type": "party", "steps": [{"name": "a"}]}),
        json!({"title": "X", "workflow_type": "repair", "steps": [{"name": " "}]}),
        json!({"workflow_type": "repair", "steps": [{"name": "a"}]}),
    ];
    for body in custom_cases {
        let response = app.request(Method::POST, WORKFLOWS, Some(&token), Some(body.clone())).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let malformed = Request::post("/api/v1/workflows/from-template")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from("{\"template_key\": "))
        .unwrap();
    assert_problem(&app.send(malformed).await, StatusCode::BAD_REQUEST);
    let not_json = Request::post("/api/v1/workflows/from-template")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "text/plain")
        .body(Body::from("template_key=new_employee"))
        .unwrap();
    assert_problem(&app.send(not_json).await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let listed = get(&app, &token, WORKFLOWS).await;
    assert_eq!(listed.data(), &json!([]), "nothing was stored");
}

pub async fn a_workflow_is_walked_from_start_to_completion(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(&app, "acme", json!({"template_key": "emergency_replacement"})).await;
    let started = post(&app, &token, &id, "start", None).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert_eq!(started.data()["status"], "in_progress");
    assert_eq!(started.data()["current_step"], 0, "no step is done right after the start");
    assert_eq!(started.data()["started_at"], "2026-11-25T09:00:00Z");
    assert_eq!(started.data()["steps"][0]["started_at"], "2026-11-25T09:00:00Z");
    assert_eq!(started.header("etag"), Some("\"2\""));

    for done in 0..5 {
        if done == 4 {
            let early = post(&app, &token, &id, "complete", None).await;
            assert_problem(&early, StatusCode::CONFLICT);
        }
        // Step 2 of an emergency replacement is an approval: decided, never advanced.
        let action = if done == 1 { "approve" } else { "advance" };
        if done == 1 {
            assert_problem(&post(&app, &token, &id, "advance", None).await, StatusCode::CONFLICT);
        }
        let advanced = post(&app, &token, &id, action, Some(json!({"expected_step": done}))).await;
        assert_eq!(advanced.status, StatusCode::OK, "after {done} steps: {:?}", advanced.body);
        let workflow = advanced.data();
        assert_eq!(workflow["current_step"], done + 1, "current_step counts the steps done");
        assert_eq!(workflow["steps"][done as usize]["completed"], true);
        assert_eq!(workflow["steps"][done as usize]["completed_by"], "admin@acme.example");
    }
    let done = get(&app, &token, &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!(done.data()["current_step"], 5);
    assert!(done.data()["steps"].as_array().unwrap().iter().all(|step| step["completed"] == true));
    assert_problem(&post(&app, &token, &id, "advance", None).await, StatusCode::CONFLICT);

    let completed = post(&app, &token, &id, "complete", None).await;
    assert_eq!(completed.status, StatusCode::OK);
    assert_eq!(completed.data()["status"], "completed");
    assert_eq!(completed.data()["completed_at"], "2026-11-25T09:00:00Z");

    let history = get(&app, &token, &format!("{WORKFLOWS}/{id}/history")).await;
    let actions: Vec<&str> =
        history.data().as_array().unwrap().iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    let mut expected = vec!["workflow.created", "workflow.started", "workflow.step_advanced"];
    expected.push("workflow.step_approved");
    expected.extend(["workflow.step_advanced"; 3]);
    expected.push("workflow.completed");
    assert_eq!(actions, expected);
    let started_entry = &history.data()[1];
    assert_eq!(started_entry["actor"], "admin@acme.example");
    assert_eq!(started_entry["changes"]["status"], json!({"from": "pending", "to": "in_progress"}));
    assert_eq!(started_entry["target_type"], "workflow");
    assert_eq!(started_entry["target_id"], id.as_str());
}

pub async fn invalid_transitions_are_409_and_change_nothing(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(&app, "acme", json!({"template_key": "equipment_return"})).await;
    let path = format!("{WORKFLOWS}/{id}");
    for action in ["advance", "complete"] {
        assert_problem(&post(&app, &token, &id, action, None).await, StatusCode::CONFLICT);
    }
    post(&app, &token, &id, "start", None).await;
    assert_problem(&post(&app, &token, &id, "start", None).await, StatusCode::CONFLICT);
    assert_problem(&post(&app, &token, &id, "complete", None).await, StatusCode::CONFLICT);
    assert_problem(&post(&app, &token, &id, "advance", Some(json!({"expected_step": 1}))).await, StatusCode::CONFLICT);
    let before = get(&app, &token, &path).await;
    assert_eq!(before.data()["version"], 2);
    assert_eq!(before.data()["current_step"], 0);

    let cancelled = post(&app, &token, &id, "cancel", Some(json!({"reason": "The employee stays after all"}))).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    assert_eq!(cancelled.data()["status"], "cancelled");
    assert_eq!(cancelled.data()["metadata"]["cancellation_reason"], "The employee stays after all");
    assert_eq!(cancelled.data()["cancelled_at"], "2026-11-25T09:00:00Z");
    for action in ["start", "advance", "complete"] {
        assert_problem(&post(&app, &token, &id, action, None).await, StatusCode::CONFLICT);
    }
    assert_problem(&post(&app, &token, &id, "cancel", Some(json!({"reason": "again"}))).await, StatusCode::CONFLICT);
    let patch = app.request(Method::PATCH, &path, Some(&token), Some(json!({"title": "New"}))).await;
    assert_problem(&patch, StatusCode::CONFLICT);
    let after = get(&app, &token, &path).await;
    assert_eq!(after.data(), cancelled.data(), "nothing changed after the refusals");
}

pub async fn cancel_needs_a_reason(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    for body in [
        None,
        Some(json!({})),
        Some(json!({"reason": ""})),
        Some(json!({"reason": "x".repeat(1001)})),
        Some(json!({"reason": 5})),
    ] {
        let response = post(&app, &token, &id, "cancel", body.clone()).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["errors"]["reason"].is_array(), "{body:?}");
    }
    let ok = post(&app, &token, &id, "cancel", Some(json!({"reason": "x".repeat(1000)}))).await;
    assert_eq!(ok.status, StatusCode::OK);
}

pub async fn patch_changes_only_the_allowed_fields(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(
        &app,
        "acme",
        json!({"template_key": "new_employee", "metadata": {"laptop": {"model": "X1", "ram": 16}, "keep": 1}}),
    )
    .await;
    let path = format!("{WORKFLOWS}/{id}");
    let patch = |body: Value| app.request(Method::PATCH, &path, Some(&token), Some(body));
    let response = patch(json!({"title": "Onboard Ana", "priority": "urgent", "due_date": "2026-12-24", "assigned_to": "ana.it@acme.example", "team": "design", "metadata": {"laptop": {"ram": 32, "model": null}, "badge": "B-17"}})).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let workflow = response.data();
    assert_eq!(workflow["title"], "Onboard Ana");
    assert_eq!(workflow["priority"], "urgent");
    assert_eq!(workflow["due_date"], "2026-12-24");
    assert_eq!(workflow["assigned_to"], "ana.it@acme.example");
    assert_eq!(workflow["team"], "design");
    assert_eq!(workflow["metadata"], json!({"laptop": {"ram": 32}, "keep": 1, "badge": "B-17"}));
    assert_eq!(workflow["version"], 2);

    for (body, field) in [
        (json!({"status": "completed"}), "status"),
        (json!({"current_step": 3}), "current_step"),
        (json!({"tenant_id": "globex"}), "tenant_id"),
        (json!({"steps": []}), "steps"),
        (json!({"title": null}), "title"),
        (json!({"due_date": "2020-01-01"}), "due_date"),
        (json!({"metadata": {"asset_ids": []}}), "metadata.asset_ids"),
        (json!({"assigned_to": "nope"}), "assigned_to"),
    ] {
        let rejected = patch(body.clone()).await;
        assert_problem(&rejected, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(rejected.body["errors"][field].is_array(), "{body}: {:?}", rejected.body);
    }
    let unchanged = patch(json!({"title": "Onboard Ana"})).await;
    assert_eq!(unchanged.data()["version"], 2, "a PATCH that changes nothing is no new version");
    let cleared = patch(json!({"assigned_to": null, "description": null})).await;
    assert_eq!(cleared.data()["assigned_to"], Value::Null);
    assert_eq!(cleared.data()["description"], Value::Null);
    let history = get(&app, &token, &format!("{path}/history")).await;
    assert_eq!(history.data().as_array().unwrap().len(), 3, "created + two real updates");
}

pub async fn if_match_guards_every_mutation(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    let path = format!("{WORKFLOWS}/{id}");
    let with_if_match = |method: Method, uri: String, tag: &str, body: Option<Value>| {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("if-match", tag);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        request.body(body.map_or_else(Body::empty, |json| Body::from(json.to_string()))).unwrap()
    };
    for tag in ["\"7\"", "W/\"1\"", "\"v1\"", "garbage"] {
        let stale = app.send(with_if_match(Method::POST, format!("{path}/start"), tag, None)).await;
        assert_problem(&stale, StatusCode::PRECONDITION_FAILED);
    }
    let stale_patch = app.send(with_if_match(Method::PATCH, path.clone(), "\"2\"", Some(json!({"title": "T"})))).await;
    assert_problem(&stale_patch, StatusCode::PRECONDITION_FAILED);
    assert_eq!(get(&app, &token, &path).await.data()["version"], 1, "nothing changed");
    let fresh = app.send(with_if_match(Method::POST, format!("{path}/start"), "\"1\"", None)).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.header("etag"), Some("\"2\""));
    // 412 comes after 404: an unknown id with a stale tag is 404.
    let unknown = app
        .send(with_if_match(
            Method::POST,
            format!("{WORKFLOWS}/0195f4a2-0000-7000-8000-000000000000/start"),
            "\"9\"",
            None,
        ))
        .await;
    assert_problem(&unknown, StatusCode::NOT_FOUND);
}

pub async fn lists_page_filter_and_refuse_bad_cursors(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let mut ids = Vec::new();
    for n in 0..7 {
        let (template, team) = [("incoming_hardware", "it"), ("new_employee", "design")][n % 2];
        ids.push(created_id(&app, "acme", json!({"template_key": template, "team": team})).await);
    }
    created_id(&app, "globex", json!({"template_key": "new_employee"})).await;
    ids.reverse();

    let mut seen = Vec::new();
    let mut path = format!("{WORKFLOWS}?limit=3");
    loop {
        let page = get(&app, &token, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        assert_eq!(page.body["meta"]["limit"], 3);
        seen.extend(page.data().as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap().to_owned()));
        match page.body["meta"]["next_cursor"].as_str() {
            Some(cursor) => path = format!("{WORKFLOWS}?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every workflow once, newest first, none of globex");

    let default_page = get(&app, &token, WORKFLOWS).await;
    assert_eq!(default_page.body["meta"], json!({"next_cursor": null, "limit": 20}));
    for listed in default_page.data().as_array().unwrap() {
        assert!(listed.get("steps").is_none(), "lists leave the steps to the detail route: {listed}");
        assert!(listed["total_steps"].as_u64().unwrap() > 0 && listed["current_step"] == 0);
    }
    let detail = get(&app, &token, &format!("{WORKFLOWS}/{}", ids[0])).await;
    assert_eq!(detail.data()["steps"].as_array().unwrap().len() as u64, detail.data()["total_steps"].as_u64().unwrap());
    let onboarding = get(&app, &token, &format!("{WORKFLOWS}?workflow_type=onboarding&team=design")).await;
    assert_eq!(onboarding.data().as_array().unwrap().len(), 3);
    assert!(onboarding.data().as_array().unwrap().iter().all(|w| w["workflow_type"] == "onboarding"));

    let first = get(&app, &token, &format!("{WORKFLOWS}?limit=2&team=it")).await;
    let cursor = first.body["meta"]["next_cursor"].as_str().unwrap().to_owned();
    let globex_cursor = get(&app, &admin("globex"), &format!("{WORKFLOWS}?limit=2&team=it&cursor={cursor}")).await;
    assert_problem(&globex_cursor, StatusCode::BAD_REQUEST);
    let other_filter = get(&app, &token, &format!("{WORKFLOWS}?limit=2&team=design&cursor={cursor}")).await;
    assert_problem(&other_filter, StatusCode::BAD_REQUEST);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "status=done",
        "cursor=forged",
        "colour=red",
        "due_before=tomorrow",
        "overdue=maybe",
    ] {
        assert_problem(&get(&app, &token, &format!("{WORKFLOWS}?{bad}")).await, StatusCode::BAD_REQUEST);
    }
}

pub async fn archived_workflows_leave_lists_unless_asked_for(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let id = created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    let tenant = shared::domain::validation::TenantId::parse("acme").unwrap();
    let stored = app.store.get_workflow(&tenant, id.parse().unwrap()).await.unwrap().unwrap();
    let mut archived = stored.clone();
    archived.archive(crate::test_now());
    let audit = shared::domain::audit::AuditEntry::new(
        &tenant,
        "job:archive",
        "workflow.archived",
        shared::domain::audit::TargetType::Workflow,
        stored.id,
        crate::test_now(),
    )
    .with_diff(Some(&stored), &archived);
    app.store.update_workflow(&archived, &stored, &audit, &[]).await.unwrap();
    assert_eq!(get(&app, &token, WORKFLOWS).await.data().as_array().unwrap().len(), 1);
    assert_eq!(
        get(&app, &token, &format!("{WORKFLOWS}?include_archived=true")).await.data().as_array().unwrap().len(),
        2
    );
}

pub async fn credentials_and_tenants_are_checked(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let no_token = app.request(Method::GET, WORKFLOWS, None, None).await;
    assert_problem(&no_token, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.header("www-authenticate"), Some("Bearer"));
    assert_problem(&get(&app, "not.a.jwt", WORKFLOWS).await, StatusCode::UNAUTHORIZED);
    let foreign = shared::auth::sign_hs256(
        b"another-secret",
        &shared::auth::Claims {
            sub: "x".into(),
            email: None,
            tenant: Some("acme".into()),
            role: Role::Admin,
            team: None,
            exp: chrono::Utc::now().timestamp().unsigned_abs() + 60,
            nbf: None,
            iat: None,
            iss: None,
            aud: None,
        },
    );
    assert_problem(&get(&app, &foreign, WORKFLOWS).await, StatusCode::UNAUTHORIZED);
    assert_problem(&get(&app, &admin("initech"), WORKFLOWS).await, StatusCode::UNAUTHORIZED);
    assert_problem(
        &get(&app, &token(Role::Admin, None, Some("a@acme.example"), None), WORKFLOWS).await,
        StatusCode::UNAUTHORIZED,
    );

    let mismatch = Request::get(WORKFLOWS)
        .header("authorization", format!("Bearer {}", admin("acme")))
        .header("x-tenant-id", "globex")
        .body(Body::empty())
        .unwrap();
    assert_problem(&app.send(mismatch).await, StatusCode::FORBIDDEN);
    let matching = Request::get(WORKFLOWS)
        .header("authorization", format!("Bearer {}", admin("acme")))
        .header("x-tenant-id", "acme")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(matching).await.status, StatusCode::OK);
    let platform = token(Role::PlatformAdmin, None, Some("ops@assetronics.example"), None);
    assert_problem(&get(&app, &platform, WORKFLOWS).await, StatusCode::FORBIDDEN);
}

pub async fn tenants_are_provisioned_and_suspended_by_platform_admins(backend: Backend) {
    let app = TestApp::new(backend).await;
    let platform = token(Role::PlatformAdmin, None, Some("ops@assetronics.example"), None);
    let body = json!({"id": "initech", "name": "Initech", "it_email": "it@initech.example", "from_email": "noreply@initech.example", "timezone": "America/Chicago"});
    let created = app.request(Method::POST, "/api/v1/tenants", Some(&platform), Some(body.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.data()["timezone"], "America/Chicago");
    assert_eq!(created.data()["status"], "active");
    assert_problem(
        &app.request(Method::POST, "/api/v1/tenants", Some(&platform), Some(body.clone())).await,
        StatusCode::CONFLICT,
    );
    assert_problem(
        &app.request(Method::POST, "/api/v1/tenants", Some(&admin("initech")), Some(body)).await,
        StatusCode::FORBIDDEN,
    );
    for (bad, field) in [
        (json!({"id": "Bad_Id", "name": "x", "it_email": "it@x.example", "from_email": "n@x.example"}), "id"),
        (
            json!({"id": "okay", "name": "x", "it_email": "it@x.example", "from_email": "n@x.example", "timezone": "Mars/Base"}),
            "timezone",
        ),
        (json!({"id": "okay", "name": "", "it_email": "it@x.example", "from_email": "n@x.example"}), "name"),
    ] {
        let response = app.request(Method::POST, "/api/v1/tenants", Some(&platform), Some(bad)).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["errors"][field].is_array(), "{:?}", response.body);
    }

    assert_eq!(get(&app, &admin("initech"), WORKFLOWS).await.status, StatusCode::OK);
    let suspended = app
        .request(Method::PATCH, "/api/v1/tenants/initech", Some(&platform), Some(json!({"status": "suspended"})))
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{:?}", suspended.body);
    assert_eq!(suspended.data()["version"], 2);
    assert_problem(&get(&app, &admin("initech"), WORKFLOWS).await, StatusCode::UNAUTHORIZED);
    app.request(Method::PATCH, "/api/v1/tenants/initech", Some(&platform), Some(json!({"status": "active"}))).await;
    assert_eq!(get(&app, &admin("initech"), WORKFLOWS).await.status, StatusCode::OK);
    assert_problem(
        &app.request(Method::PATCH, "/api/v1/tenants/nobody", Some(&platform), Some(json!({"status": "active"}))).await,
        StatusCode::NOT_FOUND,
    );
}

pub async fn roles_see_and_do_only_their_scope(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let it_team = created_id(&app, "acme", json!({"template_key": "incoming_hardware", "team": "it"})).await;
    let design_for_mia = created_id(
        &app,
        "acme",
        json!({"template_key": "new_employee", "team": "design", "assigned_to": "mia@acme.example"}),
    )
    .await;
    let sales = created_id(&app, "acme", json!({"template_key": "equipment_return", "team": "sales"})).await;
    let manager = token(Role::Manager, Some("acme"), Some("mia@acme.example"), Some("it"));
    let user = token(Role::User, Some("acme"), Some("mia@acme.example"), None);

    let ids = |response: &TestResponse| -> Vec<String> {
        response.data().as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&get(&app, &manager, WORKFLOWS).await), [design_for_mia.clone(), it_team.clone()]);
    assert_eq!(ids(&get(&app, &user, WORKFLOWS).await), std::slice::from_ref(&design_for_mia));
    for (caller, hidden) in [(&manager, &sales), (&user, &it_team)] {
        assert_problem(&get(&app, caller, &format!("{WORKFLOWS}/{hidden}")).await, StatusCode::NOT_FOUND);
        assert_problem(&post(&app, caller, hidden, "start", None).await, StatusCode::NOT_FOUND);
        assert_problem(&get(&app, caller, &format!("{WORKFLOWS}/{hidden}/history")).await, StatusCode::NOT_FOUND);
    }
    // The other tenant's admin sees none of it.
    assert_problem(&get(&app, &admin("globex"), &format!("{WORKFLOWS}/{it_team}")).await, StatusCode::NOT_FOUND);

    // A manager creates for their own team (the default), never another one.
    let own = create(&app, &manager, json!({"template_key": "incoming_hardware"})).await;
    assert_eq!(own.data()["team"], "it");
    assert_problem(
        &create(&app, &manager, json!({"template_key": "incoming_hardware", "team": "sales"})).await,
        StatusCode::FORBIDDEN,
    );
    let moved = app
        .request(Method::PATCH, &format!("{WORKFLOWS}/{it_team}"), Some(&manager), Some(json!({"team": "sales"})))
        .await;
    assert_problem(&moved, StatusCode::FORBIDDEN);
    assert_eq!(post(&app, &manager, &it_team, "start", None).await.status, StatusCode::OK);

    // A user reads, advances and completes their assignments, nothing else.
    assert_problem(&create(&app, &user, json!({"template_key": "new_employee"})).await, StatusCode::FORBIDDEN);
    assert_problem(&post(&app, &user, &design_for_mia, "start", None).await, StatusCode::FORBIDDEN);
    post(&app, &admin("acme"), &design_for_mia, "start", None).await;
    let advanced = post(&app, &user, &design_for_mia, "advance", None).await;
    assert_eq!(advanced.status, StatusCode::OK);
    assert_eq!(advanced.data()["steps"][0]["completed_by"], "mia@acme.example");
    assert_problem(
        &post(&app, &user, &design_for_mia, "cancel", Some(json!({"reason": "no"}))).await,
        StatusCode::FORBIDDEN,
    );
    let patch = app
        .request(Method::PATCH, &format!("{WORKFLOWS}/{design_for_mia}"), Some(&user), Some(json!({"title": "Mine"})))
        .await;
    assert_problem(&patch, StatusCode::FORBIDDEN);
}

pub async fn routing_errors_come_first_and_as_problems(backend: Backend) {
    let app = app_with_tenants(backend).await;
    assert_problem(&app.request(Method::GET, "/api/v1/nothing", None, None).await, StatusCode::NOT_FOUND);
    assert_problem(&app.request(Method::DELETE, WORKFLOWS, None, None).await, StatusCode::METHOD_NOT_ALLOWED);
    assert_problem(
        &app.request(Method::GET, &format!("{WORKFLOWS}/not-a-uuid"), Some(&admin("acme")), None).await,
        StatusCode::NOT_FOUND,
    );
    let oversized = Request::post("/api/v1/workflows/from-template")
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; 1024 * 1024 + 1]))
        .unwrap();
    assert_problem(&app.send(oversized).await, StatusCode::PAYLOAD_TOO_LARGE);
    let preflight = Request::options(WORKFLOWS)
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type,if-match")
        .body(Body::empty())
        .unwrap();
    let response = app.send(preflight).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("access-control-allow-origin"), Some("http://localhost:5173"));
    // Each path's preflight names that path's methods, not every method of the API.
    let preflight_methods = |path: &str| {
        let request = Request::options(path)
            .header("origin", "http://localhost:5173")
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap();
        let app = app.clone();
        async move { app.send(request).await.header("access-control-allow-methods").map(str::to_owned) }
    };
    assert_eq!(preflight_methods(WORKFLOWS).await.as_deref(), Some("GET,HEAD,POST,OPTIONS"));
    assert_eq!(
        preflight_methods(&format!("{WORKFLOWS}/0193f0c2-7a1b-7000-8000-000000000000/start")).await.as_deref(),
        Some("POST,OPTIONS")
    );
    assert_eq!(
        preflight_methods(&format!("{WORKFLOWS}/0193f0c2-7a1b-7000-8000-000000000000")).await.as_deref(),
        Some("GET,HEAD,PATCH,OPTIONS")
    );
    assert_eq!(
        preflight_methods(&format!("{WORKFLOWS}/stats")).await.as_deref(),
        Some("GET,HEAD,OPTIONS"),
        "a literal segment wins"
    );
    let exposed =
        app.send(Request::get("/health").header("origin", "http://localhost:5173").body(Body::empty()).unwrap()).await;
    let exposed_headers = exposed.header("access-control-expose-headers").unwrap_or_default().to_ascii_lowercase();
    assert!(exposed_headers.contains("etag") && exposed_headers.contains("location"), "{exposed_headers}");
}

/// Sends `count` copies of one request at once and returns the statuses.
async fn race(app: &TestApp, count: usize, id: &str, action: &str, body: Value) -> Vec<StatusCode> {
    let token = admin("acme");
    let requests = (0..count).map(|_| {
        let app = app.clone();
        let (token, path, body) = (token.clone(), format!("{WORKFLOWS}/{id}/{action}"), body.clone());
        tokio::spawn(async move { app.request(Method::POST, &path, Some(&token), Some(body)).await.status })
    });
    join_all(requests).await.into_iter().map(|status| status.expect("the request task")).collect()
}

pub async fn racing_advances_have_exactly_one_winner(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let id = created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    post(&app, &admin("acme"), &id, "start", None).await;
    let statuses = race(&app, 16, &id, "advance", json!({"expected_step": 0})).await;
    let wins = statuses.iter().filter(|status| **status == StatusCode::OK).count();
    let conflicts = statuses.iter().filter(|status| **status == StatusCode::CONFLICT).count();
    assert_eq!((wins, conflicts), (1, 15), "{statuses:?}");
    let workflow = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!(workflow.data()["current_step"], 1, "no step skipped");
    assert_eq!(workflow.data()["steps"][1]["completed"], false);
    assert_eq!(workflow.data()["version"], 3);
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    let advances =
        history.data().as_array().unwrap().iter().filter(|entry| entry["action"] == "workflow.step_advanced").count();
    assert_eq!(advances, 1);
}

pub async fn racing_cancels_have_exactly_one_winner(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let id = created_id(&app, "acme", json!({"template_key": "new_employee"})).await;
    let statuses = race(&app, 16, &id, "cancel", json!({"reason": "duplicate request"})).await;
    let wins = statuses.iter().filter(|status| **status == StatusCode::OK).count();
    assert_eq!(wins, 1, "{statuses:?}");
    assert!(statuses.iter().all(|status| *status == StatusCode::OK || *status == StatusCode::CONFLICT));
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    assert_eq!(history.data().as_array().unwrap().len(), 2, "created + one cancellation");
}

pub async fn tenant_settings_are_admin_only_and_secrets_write_only(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let path = "/api/v1/tenant/settings";
    let initial = get(&app, &admin("acme"), path).await;
    assert_eq!(initial.status, StatusCode::OK);
    assert_eq!(initial.data()["slack_webhook_url_set"], false);
    assert_eq!(initial.data()["hris"], Value::Null);
    for role in [Role::Manager, Role::User] {
        let caller = token(role, Some("acme"), Some("m@acme.example"), Some("it"));
        assert_problem(&get(&app, &caller, path).await, StatusCode::FORBIDDEN);
        assert_problem(
            &app.request(Method::PATCH, path, Some(&caller), Some(json!({"timezone": "UTC"}))).await,
            StatusCode::FORBIDDEN,
        );
    }
    let secrets = [
        "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "bamboo-api-key-PLAINTEXT",
    ];
    let patch = json!({
        "it_email": "helpdesk@acme.example",
        "timezone": "Europe/Berlin",
        "slack_webhook_url": secrets[0],
        "hris": {"provider": "standard", "signing_secret": secrets[1], "api_key": secrets[2], "subdomain": "acme"}
    });
    let updated = app.request(Method::PATCH, path, Some(&admin("acme")), Some(patch)).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.data()["it_email"], "helpdesk@acme.example");
    assert_eq!(updated.data()["timezone"], "Europe/Berlin");
    assert_eq!(updated.data()["slack_webhook_url_set"], true);
    assert_eq!(
        updated.data()["hris"],
        json!({"provider": "standard", "signing_secret_set": true, "api_key_set": true, "subdomain": "acme", "api_base_url": null,
            "onboarding_template": "new_employee", "offboarding_template": "equipment_return"})
    );
    let fetched = get(&app, &admin("acme"), path).await;
    for response in [&updated, &fetched] {
        let text = response.body.to_string();
        for secret in secrets {
            assert!(!text.contains(secret) && !text.contains("ciphertext"), "a secret leaked: {text}");
        }
    }
    assert_eq!(fetched.header("etag"), Some("\"2\""));

    for (bad, field) in [
        (json!({"slack_webhook_url": "http://hooks.slack.com/x"}), "slack_webhook_url"),
        (json!({"slack_webhook_url": "https://169.254.169.254/latest/meta-data"}), "slack_webhook_url"),
        (json!({"slack_webhook_url": "https://u:p@hooks.slack.com/x"}), "slack_webhook_url"),
        (json!({"hris": {"provider": "standard", "signing_secret": "not-whsec"}}), "hris.signing_secret"),
        (json!({"hris": {"subdomain": "has space"}}), "hris.subdomain"),
        (json!({"timezone": "Nowhere/City"}), "timezone"),
        (json!({"it_email": "nope"}), "it_email"),
        (json!({"status": "suspended"}), "status"),
    ] {
        let response = app.request(Method::PATCH, path, Some(&admin("acme")), Some(bad.clone())).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["errors"][field].is_array(), "{bad}: {:?}", response.body);
    }
    let globex = get(&app, &admin("globex"), path).await;
    assert_eq!(globex.data()["slack_webhook_url_set"], false, "settings are per tenant");
    let cleared = app
        .request(Method::PATCH, path, Some(&admin("acme")), Some(json!({"slack_webhook_url": null, "hris": null})))
        .await;
    assert_eq!(
        (cleared.data()["slack_webhook_url_set"].clone(), cleared.data()["hris"].clone()),
        (json!(false), Value::Null)
    );
    // "Today" follows the tenant's zone: 09:00 UTC is already 10:00 in Berlin, the same date.
    let due_today =
        create(&app, &admin("acme"), json!({"template_key": "new_employee", "due_date": "2026-11-25"})).await;
    assert_eq!(due_today.status, StatusCode::CREATED);
}

pub async fn stats_follow_a_scripted_history(backend: Backend) {
    let clock = crate::ManualClock::at("2026-11-25T09:00:00Z");
    let app = TestApp::with_clock(backend, clock.clone()).await;
    app.add_tenant("acme").await;
    let admin_token = admin("acme");
    let repair = created_id(&app, "acme", json!({"template_key": "emergency_replacement", "team": "it"})).await;
    let onboarding = created_id(
        &app,
        "acme",
        json!({"template_key": "new_employee", "team": "design", "assigned_to": "uma@acme.example"}),
    )
    .await;
    created_id(&app, "acme", json!({"template_key": "incoming_hardware", "team": "it", "due_date": "2026-11-26"}))
        .await;
    created_id(&app, "acme", json!({"template_key": "incoming_hardware", "team": "sales", "due_date": "2026-12-31"}))
        .await;
    clock.set("2026-11-25T10:00:00Z");
    post(&app, &admin_token, &repair, "start", None).await;
    // Steps take 2, 1, 3, 1 and 2 hours; the whole workflow 10 hours from start to completion.
    for (at, action) in
        [("12:00", "advance"), ("13:00", "approve"), ("16:00", "advance"), ("17:00", "advance"), ("19:00", "advance")]
    {
        clock.set(&format!("2026-11-25T{at}:00Z"));
        assert_eq!(post(&app, &admin_token, &repair, action, None).await.status, StatusCode::OK);
    }
    clock.set("2026-11-25T20:00:00Z");
    assert_eq!(post(&app, &admin_token, &repair, "complete", None).await.status, StatusCode::OK);
    post(&app, &admin_token, &onboarding, "cancel", Some(json!({"reason": "declined the offer"}))).await;
    clock.set("2026-11-27T09:00:00Z");

    let tenant = get(&app, &admin_token, "/api/v1/workflows/stats").await;
    assert_eq!(tenant.status, StatusCode::OK, "{:?}", tenant.body);
    assert_eq!(
        tenant.data(),
        &json!({
            "counts_by_status": {"pending": 2, "in_progress": 0, "completed": 1, "cancelled": 1},
            "avg_completion_hours_by_type": {"repair": 10.0},
            "overdue_rate": 0.5,
            "avg_step_hours": {"emergency_replacement": {"1": 2.0, "2": 1.0, "3": 3.0, "4": 1.0, "5": 2.0}}
        })
    );
    let manager = token(Role::Manager, Some("acme"), Some("max@acme.example"), Some("it"));
    let team = get(&app, &manager, "/api/v1/workflows/stats").await;
    assert_eq!(
        team.data()["counts_by_status"],
        json!({"pending": 1, "in_progress": 0, "completed": 1, "cancelled": 0})
    );
    assert_eq!(team.data()["overdue_rate"], 1.0);
    let user = token(Role::User, Some("acme"), Some("uma@acme.example"), None);
    let own = get(&app, &user, "/api/v1/workflows/stats").await;
    assert_eq!(own.data()["counts_by_status"], json!({"pending": 0, "in_progress": 0, "completed": 0, "cancelled": 1}));
    assert_eq!(own.data()["overdue_rate"], 0.0);
    assert_eq!(own.data()["avg_completion_hours_by_type"], json!({}));
}

fn nested_metadata(levels: usize) -> Value {
    (1..levels).fold(json!({"leaf": 1}), |inner, _| json!({ "a": inner }))
}

/// Contract §1: what a client may put in `metadata` is bounded the same way on both stores, before
/// anything is written, so no stored workflow ever becomes unreadable (on DynamoDB, 64 levels of
/// nesting used to be stored and then break every read of the tenant).
pub async fn metadata_beyond_the_limits_is_refused_before_anything_is_written(backend: Backend) {
    let app = app_with_tenants(backend).await;
    let token = admin("acme");
    let refused = [
        ("64 levels", nested_metadata(64)),
        ("9 levels", nested_metadata(9)),
        ("900 KB", json!({ "blob": "x".repeat(900 * 1024) })),
        ("1e300", json!({ "amount": 1e300 })),
        ("1e-200", json!({ "list": [1, { "tiny": 1e-200 }] })),
    ];
    for (what, metadata) in &refused {
        let response = create(&app, &token, json!({"template_key": "new_employee", "metadata": metadata})).await;
        assert_problem(&response, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["errors"]["metadata"].is_array(), "{what}: {:?}", response.body);
    }
    assert_eq!(get(&app, &token, WORKFLOWS).await.data(), &json!([]), "nothing was stored");

    let at_the_limits =
        json!({ "deep": nested_metadata(7), "big": 9.99e125, "small": -1e-130, "text": "x".repeat(16_000) });
    let created = create(&app, &token, json!({"template_key": "new_employee", "metadata": at_the_limits})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    let path = format!("{WORKFLOWS}/{id}");
    assert_eq!(get(&app, &token, &path).await.data()["metadata"], at_the_limits, "read back whole");

    // A PATCH is judged on the merged object: each part fits, together they do not.
    let grows =
        app.request(Method::PATCH, &path, Some(&token), Some(json!({"metadata": {"more": "y".repeat(1000)}}))).await;
    assert_problem(&grows, StatusCode::UNPROCESSABLE_ENTITY);
    let deepens =
        app.request(Method::PATCH, &path, Some(&token), Some(json!({"metadata": {"deep": nested_metadata(8)}}))).await;
    assert_problem(&deepens, StatusCode::UNPROCESSABLE_ENTITY);
    let huge_number = app.request(Method::PATCH, &path, Some(&token), Some(json!({"metadata": {"n": -1e200}}))).await;
    assert_problem(&huge_number, StatusCode::UNPROCESSABLE_ENTITY);
    let unchanged = get(&app, &token, &path).await;
    assert_eq!((unchanged.data()["version"].clone(), unchanged.data()["metadata"].clone()), (json!(1), at_the_limits));
    let shrinks = app
        .request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"metadata": {"text": null, "more": "y".repeat(1000)}})),
        )
        .await;
    assert_eq!(shrinks.status, StatusCode::OK, "{:?}", shrinks.body);
    assert_eq!(get(&app, &token, WORKFLOWS).await.data().as_array().unwrap().len(), 1, "the tenant's list still reads");
}
