//! Contract §4 and the workflow links, through the router on each store.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};
use shared::domain::caller::Role;

use crate::{Backend, TestApp, TestResponse, admin, token};

async fn app(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app.add_tenant("globex").await;
    app
}

async fn post(app: &TestApp, path: &str, body: Value) -> TestResponse {
    app.request(Method::POST, path, Some(&admin("acme")), Some(body)).await
}

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let response = post(app, path, body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{path}: {:?}", response.body);
    response.data().clone()
}

fn employee(email: &str) -> Value {
    json!({"email": email, "first_name": "Ana", "last_name": "Silva", "team": "design", "title": "Designer",
           "start_date": "2026-12-01", "hris_id": format!("hris-{email}"),
           "personal_email": "ana.private@example.com", "phone": "+351 900 000 000", "home_address": "Rua 1, Lisboa"})
}

fn asset(tag: &str) -> Value {
    json!({"asset_tag": tag, "name": "MacBook Pro 14", "category": "laptop", "serial_number": format!("SN-{tag}")})
}

pub async fn employees_are_created_read_listed_and_patched(backend: Backend) {
    let app = app(backend).await;
    let ana = created(&app, "/api/v1/employees", employee("Ana@Acme.Example")).await;
    assert_eq!(ana["email"], "ana@acme.example");
    assert_eq!(ana["status"], "active");
    assert_eq!(ana["personal_email"], "ana.private@example.com", "admins see the sensitive fields");
    let id = ana["id"].as_str().unwrap();
    for role in [Role::Manager, Role::User] {
        let reader = token(role, Some("acme"), Some("r@acme.example"), Some("design"));
        let seen = app.request(Method::GET, &format!("/api/v1/employees/{id}"), Some(&reader), None).await;
        assert_eq!(seen.status, StatusCode::OK);
        for field in ["personal_email", "phone", "home_address"] {
            assert!(seen.data().get(field).is_none(), "{role:?} must not see {field}");
        }
        let listed = app.request(Method::GET, "/api/v1/employees", Some(&reader), None).await;
        assert!(listed.data()[0].get("phone").is_none());
    }
    let user = token(Role::User, Some("acme"), Some("u@acme.example"), None);
    assert_eq!(
        app.request(Method::POST, "/api/v1/employees", Some(&user), Some(employee("x@acme.example"))).await.status,
        StatusCode::FORBIDDEN
    );
    let manager = token(Role::Manager, Some("acme"), Some("m@acme.example"), Some("it"));
    assert_eq!(
        app.request(Method::POST, "/api/v1/employees", Some(&manager), Some(employee("mm@acme.example"))).await.status,
        StatusCode::CREATED
    );

    let patched = app
        .request(
            Method::PATCH,
            &format!("/api/v1/employees/{id}"),
            Some(&admin("acme")),
            Some(json!({"last_name": "Silva Santos", "phone": null, "team": "it"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.data()["last_name"], "Silva Santos");
    assert_eq!(patched.data()["phone"], Value::Null);
    assert_eq!(patched.data()["home_address"], "Rua 1, Lisboa");
    assert_eq!(patched.data()["version"], 2);

    let in_it = app.request(Method::GET, "/api/v1/employees?team=it", Some(&admin("acme")), None).await;
    assert_eq!(in_it.data().as_array().unwrap().len(), 1);
    let terminated = app.request(Method::GET, "/api/v1/employees?status=terminated", Some(&admin("acme")), None).await;
    assert_eq!(terminated.data(), &json!([]));
    let other_tenant = app.request(Method::GET, &format!("/api/v1/employees/{id}"), Some(&admin("globex")), None).await;
    assert_eq!(other_tenant.status, StatusCode::NOT_FOUND);
    for (body, field) in [
        (json!({"first_name": "A", "last_name": "B"}), "email"),
        (json!({"email": "bad", "first_name": "A", "last_name": "B"}), "email"),
        (json!({"email": "c@acme.example", "first_name": "", "last_name": "B"}), "first_name"),
        (json!({"email": "c@acme.example", "first_name": "A", "last_name": "B", "salary": 1}), "salary"),
        (
            json!({"email": "c@acme.example", "first_name": "A", "last_name": "B", "start_date": "2026-12-01", "termination_date": "2026-01-01"}),
            "termination_date",
        ),
    ] {
        let response = post(&app, "/api/v1/employees", body.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(response.body["errors"][field].is_array(), "{body}: {:?}", response.body);
    }
}

pub async fn emails_and_tags_are_unique_per_tenant(backend: Backend) {
    let app = app(backend).await;
    created(&app, "/api/v1/employees", employee("ana@acme.example")).await;
    let duplicate =
        post(&app, "/api/v1/employees", json!({"email": "ANA@acme.example", "first_name": "A", "last_name": "B"}))
            .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{:?}", duplicate.body);
    let elsewhere = app
        .request(Method::POST, "/api/v1/employees", Some(&admin("globex")), Some(employee("ana@acme.example")))
        .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "another tenant may use the same email");
    let bob =
        created(&app, "/api/v1/employees", json!({"email": "bob@acme.example", "first_name": "Bob", "last_name": "B"}))
            .await;
    let taken = app
        .request(
            Method::PATCH,
            &format!("/api/v1/employees/{}", bob["id"].as_str().unwrap()),
            Some(&admin("acme")),
            Some(json!({"email": "ana@acme.example"})),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let moved = app
        .request(
            Method::PATCH,
            &format!("/api/v1/employees/{}", bob["id"].as_str().unwrap()),
            Some(&admin("acme")),
            Some(json!({"email": "robert@acme.example"})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    let freed =
        post(&app, "/api/v1/employees", json!({"email": "bob@acme.example", "first_name": "New", "last_name": "Bob"}))
            .await;
    assert_eq!(freed.status, StatusCode::CREATED, "the old email is free again");

    created(&app, "/api/v1/assets", asset("LT-0042")).await;
    assert_eq!(post(&app, "/api/v1/assets", asset("lt-0042")).await.status, StatusCode::CONFLICT);

    // Sixteen racing creates of one email: exactly one wins.
    let attempts = (0..16).map(|n| {
        let app = app.clone();
        tokio::spawn(async move {
            let body = json!({"email": "race@acme.example", "first_name": format!("Racer {n}"), "last_name": "R"});
            app.request(Method::POST, "/api/v1/employees", Some(&admin("acme")), Some(body)).await.status
        })
    });
    let statuses: Vec<StatusCode> = join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    let wins = statuses.iter().filter(|status| **status == StatusCode::CREATED).count();
    let conflicts = statuses.iter().filter(|status| **status == StatusCode::CONFLICT).count();
    assert_eq!((wins, conflicts), (1, 15), "{statuses:?}");
    let tags = (0..16).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            app.request(Method::POST, "/api/v1/assets", Some(&admin("acme")), Some(asset("RACE-1"))).await.status
        })
    });
    let statuses: Vec<StatusCode> = join_all(tags).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::CREATED).count(), 1, "{statuses:?}");
}

pub async fn assets_are_assigned_with_an_audit_trail(backend: Backend) {
    let app = app(backend).await;
    let ana = created(&app, "/api/v1/employees", employee("ana@acme.example")).await;
    let ana_id = ana["id"].as_str().unwrap();
    let laptop = created(&app, "/api/v1/assets", asset("LT-1")).await;
    assert_eq!(laptop["status"], "in_stock");
    let laptop_id = laptop["id"].as_str().unwrap();
    let assigned = app
        .request(
            Method::PATCH,
            &format!("/api/v1/assets/{laptop_id}"),
            Some(&admin("acme")),
            Some(json!({"assigned_employee_id": ana_id})),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{:?}", assigned.body);
    assert_eq!(assigned.data()["status"], "assigned");
    let shown = app.request(Method::GET, &format!("/api/v1/employees/{ana_id}"), Some(&admin("acme")), None).await;
    let assets: Vec<&str> =
        shown.data()["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(assets, [laptop_id]);
    let filtered = app
        .request(Method::GET, &format!("/api/v1/assets?assigned_employee_id={ana_id}"), Some(&admin("acme")), None)
        .await;
    assert_eq!(filtered.data().as_array().unwrap().len(), 1);

    let nobody = app
        .request(
            Method::PATCH,
            &format!("/api/v1/assets/{laptop_id}"),
            Some(&admin("acme")),
            Some(json!({"assigned_employee_id": "0195f4a2-0000-7000-8000-000000000000"})),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", nobody.body);
    assert!(nobody.body["errors"]["assigned_employee_id"].is_array());
    let globex_employee = app
        .request(Method::POST, "/api/v1/employees", Some(&admin("globex")), Some(employee("g@globex.example")))
        .await;
    let foreign = app
        .request(
            Method::PATCH,
            &format!("/api/v1/assets/{laptop_id}"),
            Some(&admin("acme")),
            Some(json!({"assigned_employee_id": globex_employee.data()["id"]})),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY, "another tenant's employee is no employee here");
    let returned = app
        .request(
            Method::PATCH,
            &format!("/api/v1/assets/{laptop_id}"),
            Some(&admin("acme")),
            Some(json!({"assigned_employee_id": null})),
        )
        .await;
    assert_eq!(
        (returned.data()["status"].clone(), returned.data()["assigned_employee_id"].clone()),
        (json!("in_stock"), Value::Null)
    );
    let tenant: shared::domain::validation::TenantId = "acme".parse().unwrap();
    let stored = app.store.get_asset(&tenant, laptop_id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.version, 3, "created, assigned, returned");
    for (bad, field) in [
        (json!({"asset_tag": "X", "name": "Y", "category": "toaster"}), "category"),
        (json!({"asset_tag": "", "name": "Y", "category": "other"}), "asset_tag"),
        (json!({"asset_tag": "X", "name": "Y", "category": "other", "status": "assigned"}), "assigned_employee_id"),
    ] {
        let response = post(&app, "/api/v1/assets", bad.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(response.body["errors"][field].is_array(), "{bad}: {:?}", response.body);
    }
}

pub async fn workflows_link_to_the_directory(backend: Backend) {
    let app = app(backend).await;
    let ana = created(&app, "/api/v1/employees", employee("ana@acme.example")).await;
    let laptop = created(&app, "/api/v1/assets", asset("LT-7")).await;
    let workflow = created(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "new_employee", "employee_id": ana["id"], "asset_id": laptop["id"]}),
    )
    .await;
    assert_eq!(workflow["team"], "design", "team defaults to the employee's");
    assert_eq!(
        workflow["employee"],
        json!({"id": ana["id"], "email": "ana@acme.example", "first_name": "Ana", "last_name": "Silva", "team": "design"})
    );
    assert_eq!(workflow["asset"]["asset_tag"], "LT-7");
    assert_eq!(workflow["asset"]["serial_number"], "SN-LT-7");

    // Renaming the employee refreshes the summary that lists show, without a new workflow version.
    app.request(
        Method::PATCH,
        &format!("/api/v1/employees/{}", ana["id"].as_str().unwrap()),
        Some(&admin("acme")),
        Some(json!({"first_name": "Anabela"})),
    )
    .await;
    let listed = app
        .request(
            Method::GET,
            &format!("/api/v1/workflows?employee_id={}", ana["id"].as_str().unwrap()),
            Some(&admin("acme")),
            None,
        )
        .await;
    assert_eq!(listed.data()[0]["employee"]["first_name"], "Anabela");
    assert_eq!(listed.data()[0]["version"], 1);
    let globex_asset = app.request(Method::POST, "/api/v1/assets", Some(&admin("globex")), Some(asset("G-1"))).await;
    let foreign = post(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "new_employee", "asset_id": globex_asset.data()["id"]}),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.body["errors"]["asset_id"].is_array());
}

/// Walks a workflow through every step and completes it.
async fn complete(app: &TestApp, id: &str) -> TestResponse {
    let token = admin("acme");
    app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&token), None).await;
    crate::finish_every_step(app, &token, id).await;
    app.request(Method::POST, &format!("/api/v1/workflows/{id}/complete"), Some(&token), None).await
}

async fn asset_state(app: &TestApp, id: &Value) -> (String, Value) {
    let asset =
        app.request(Method::GET, &format!("/api/v1/assets/{}", id.as_str().unwrap()), Some(&admin("acme")), None).await;
    (asset.data()["status"].as_str().unwrap().to_owned(), asset.data()["assigned_employee_id"].clone())
}

pub async fn completing_workflows_updates_their_assets(backend: Backend) {
    let app = app(backend).await;
    let leaver = created(&app, "/api/v1/employees", employee("leaver@acme.example")).await;
    let hire = created(&app, "/api/v1/employees", employee("hire@acme.example")).await;
    let assigned = |tag: &str| {
        let mut body = asset(tag);
        body["assigned_employee_id"] = leaver["id"].clone();
        body
    };
    let laptop = created(&app, "/api/v1/assets", assigned("RET-1")).await;
    let phone = created(&app, "/api/v1/assets", assigned("RET-2")).await;
    assert_eq!(asset_state(&app, &laptop["id"]).await.0, "assigned");

    let offboarding = created(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "equipment_return", "employee_id": leaver["id"], "asset_id": laptop["id"]}),
    )
    .await;
    // The system writes `asset_ids` (HRIS offboarding); here the store is written directly.
    let tenant: shared::domain::validation::TenantId = "acme".parse().unwrap();
    let id: uuid::Uuid = offboarding["id"].as_str().unwrap().parse().unwrap();
    let stored = app.store.get_workflow(&tenant, id).await.unwrap().unwrap();
    let mut listed = stored.clone();
    listed.metadata.insert("asset_ids".into(), json!([phone["id"]]));
    let audit = shared::domain::audit::AuditEntry::new(
        &tenant,
        "test",
        "workflow.updated",
        shared::domain::audit::TargetType::Workflow,
        id,
        crate::test_now(),
    );
    app.store.update_workflow(&listed, &stored, &audit, &[]).await.unwrap();
    assert_eq!(complete(&app, offboarding["id"].as_str().unwrap()).await.status, StatusCode::OK);
    assert_eq!(asset_state(&app, &laptop["id"]).await, ("in_stock".to_owned(), Value::Null));
    assert_eq!(asset_state(&app, &phone["id"]).await, ("in_stock".to_owned(), Value::Null));

    let received = created(&app, "/api/v1/assets", asset("NEW-1")).await;
    let incoming = created(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "incoming_hardware", "asset_id": received["id"], "employee_id": hire["id"]}),
    )
    .await;
    complete(&app, incoming["id"].as_str().unwrap()).await;
    assert_eq!(asset_state(&app, &received["id"]).await, ("assigned".to_owned(), hire["id"].clone()));
    let stock = created(&app, "/api/v1/assets", asset("NEW-2")).await;
    let to_stock = created(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "incoming_hardware", "asset_id": stock["id"]}),
    )
    .await;
    complete(&app, to_stock["id"].as_str().unwrap()).await;
    assert_eq!(asset_state(&app, &stock["id"]).await, ("in_stock".to_owned(), Value::Null));

    let broken = created(&app, "/api/v1/assets", assigned("BRK-1")).await;
    let replacement = created(
        &app,
        "/api/v1/workflows/from-template",
        json!({"template_key": "emergency_replacement", "asset_id": broken["id"]}),
    )
    .await;
    complete(&app, replacement["id"].as_str().unwrap()).await;
    assert_eq!(asset_state(&app, &broken["id"]).await.0, "in_repair");
}
