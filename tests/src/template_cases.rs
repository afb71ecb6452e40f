//! Contract §10, tenant templates, on both stores: the store's rules (keys kept for good,
//! versions, immutable texts per version, atomic audit entries) and the routes' (roles, errors,
//! `based_on`, `If-Match` races, workflows that keep the version they were made from).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::template::{StepTexts, Template, TemplateFields};
use shared::domain::validation::TenantId;
use shared::domain::workflow::StepDraft;
use shared::ports::{AuditFilter, AuditQuery, StoreError};
use uuid::Uuid;

use crate::{Backend, TestApp, TestResponse, admin, new_store, test_now, token};

const TEMPLATES: &str = "/api/v1/workflows/templates";

fn acme() -> TenantId {
    TenantId::parse("acme").unwrap()
}

async fn app(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app
}

fn assert_status(response: &TestResponse, status: StatusCode, what: &str) {
    assert_eq!(response.status, status, "{what}: {:?}", response.body);
}

fn step(name: &str, instructions: &str) -> StepDraft {
    StepDraft { instructions: Some(instructions.to_owned()), ..StepDraft::named(name) }
}

fn template(key: &str, steps: Vec<StepDraft>) -> Template {
    let fields = TemplateFields {
        title: Some(format!("Template {key}")),
        workflow_type: Some(shared::domain::workflow::WorkflowType::Maintenance),
        steps: Some(steps),
        ..TemplateFields::default()
    };
    Template::create(key, None, fields.validate().unwrap()).unwrap()
}

fn audit(action: &str, key: &str) -> AuditEntry {
    AuditEntry::new(&acme(), "admin@acme.example", action, TargetType::Template, key, test_now())
}

fn texts_of(template: &Template) -> Vec<StepTexts> {
    template.texts()
}

pub async fn templates_keep_their_keys_versions_and_texts(backend: Backend) {
    let store = new_store(backend).await;
    let tenant = acme();
    let first = template("laptop_refresh", vec![step("Swap", "Swap the laptop.")]);
    store.insert_template(&tenant, &first, &audit("template.created", "laptop_refresh")).await.unwrap();
    assert_eq!(store.get_template(&tenant, "laptop_refresh").await.unwrap(), Some(first.clone()));
    let again = store.insert_template(&tenant, &first, &audit("template.created", "laptop_refresh")).await;
    assert_eq!(again, Err(StoreError::AlreadyExists));

    let mut second = first.clone();
    second.steps = vec![step("Swap", "Swap it, then wipe the old one."), step("Ship", "Ship the old one.")];
    second.version = 2;
    store.update_template(&tenant, &second, 1, &audit("template.updated", "laptop_refresh")).await.unwrap();
    let stale = store.update_template(&tenant, &second, 1, &audit("template.updated", "laptop_refresh")).await;
    assert_eq!(stale, Err(StoreError::Conflict), "a stale version changes nothing");
    assert_eq!(store.get_template(&tenant, "laptop_refresh").await.unwrap(), Some(second.clone()));
    let texts = |version| store.template_texts(&tenant, "laptop_refresh", version);
    assert_eq!(texts(1).await.unwrap(), Some(texts_of(&first)), "a version's texts never change");
    assert_eq!(texts(2).await.unwrap(), Some(texts_of(&second)));
    assert_eq!(texts(3).await.unwrap(), None);

    let deleted = second.deleted(test_now());
    store.update_template(&tenant, &deleted, 2, &audit("template.deleted", "laptop_refresh")).await.unwrap();
    let reused = template("laptop_refresh", vec![step("Other", "x")]);
    let taken = store.insert_template(&tenant, &reused, &audit("template.created", "laptop_refresh")).await;
    assert_eq!(taken, Err(StoreError::AlreadyExists), "a deleted template keeps its key");
    assert_eq!(texts(2).await.unwrap(), Some(texts_of(&second)), "workflows of version 2 keep its texts");

    let other = template("badge_return", vec![step("Collect", "Collect the badge.")]);
    store.insert_template(&tenant, &other, &audit("template.created", "badge_return")).await.unwrap();
    let listed = store.list_templates(&tenant).await.unwrap();
    assert_eq!(listed, vec![other, deleted], "by key, deleted ones included");
    assert!(store.list_templates(&TenantId::parse("globex").unwrap()).await.unwrap().is_empty());
    assert_eq!(store.get_template(&TenantId::parse("globex").unwrap(), "badge_return").await.unwrap(), None);

    let filter = AuditFilter { target_type: Some(TargetType::Template), ..AuditFilter::default() };
    let entries = store.list_audit(&tenant, &AuditQuery { filter, after: None, limit: 10 }).await.unwrap().items;
    let actions: Vec<&str> = entries.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions.len(), 4, "one entry per stored change, none for the refused ones: {actions:?}");
}

/// A template write whose audit entry cannot be stored stores nothing: neither the template nor
/// its version's texts.
pub async fn a_template_write_and_its_audit_entry_are_atomic(backend: Backend) {
    let store = new_store(backend).await;
    let tenant = acme();
    let first = template("first", vec![step("A", "a")]);
    let entry = audit("template.created", "first");
    store.insert_template(&tenant, &first, &entry).await.unwrap();
    let mut changed = first.clone();
    changed.title = "Changed".to_owned();
    changed.version = 2;
    let mut reused_id = audit("template.updated", "first");
    reused_id.id = entry.id;
    assert!(store.update_template(&tenant, &changed, 1, &reused_id).await.is_err());
    assert_eq!(store.get_template(&tenant, "first").await.unwrap(), Some(first));
    assert_eq!(store.template_texts(&tenant, "first", 2).await.unwrap(), None);
}

async fn create(app: &TestApp, body: Value) -> TestResponse {
    app.request(Method::POST, TEMPLATES, Some(&admin("acme")), Some(body)).await
}

fn refresh_body() -> Value {
    json!({
        "key": "laptop_refresh", "title": "Laptop refresh", "workflow_type": "maintenance",
        "description": "Every three years.", "estimated_duration_days": 5,
        "steps": [
            {"name": "Order", "description": "Order the new laptop.", "instructions": "Use the standard model.", "assignee": "it", "due_offset_days": 1},
            {"name": "Approve", "kind": "approval", "assignee": "manager", "estimated_hours": 0.5},
            {"name": "Swap", "instructions": "Move the data, wipe the old one.", "assignee": "employee"}
        ]
    })
}

pub async fn only_admins_write_templates_and_every_role_reads_them(backend: Backend) {
    let app = app(backend).await;
    let manager = token(Role::Manager, Some("acme"), Some("sam@acme.example"), Some("design"));
    let user = token(Role::User, Some("acme"), Some("uma@acme.example"), None);
    for caller in [&manager, &user] {
        let path = format!("{TEMPLATES}/laptop_refresh");
        let attempts = [
            app.request(Method::POST, TEMPLATES, Some(caller), Some(refresh_body())).await,
            app.request(Method::PATCH, &path, Some(caller), Some(json!({"title": "x"}))).await,
            app.request(Method::DELETE, &path, Some(caller), None).await,
        ];
        for response in &attempts {
            assert_status(response, StatusCode::FORBIDDEN, "a non-admin write");
        }
    }
    assert_status(&create(&app, refresh_body()).await, StatusCode::CREATED, "admin create");
    for caller in [&manager, &user] {
        let list = app.request(Method::GET, TEMPLATES, Some(caller), None).await;
        let keys: Vec<&str> = list.data().as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
        assert_eq!(
            keys,
            ["incoming_hardware", "new_employee", "equipment_return", "emergency_replacement", "laptop_refresh"]
        );
        let one = app.request(Method::GET, &format!("{TEMPLATES}/laptop_refresh"), Some(caller), None).await;
        assert_status(&one, StatusCode::OK, "read one");
    }
    let globex = app.add_tenant("globex").await;
    let other =
        app.request(Method::GET, &format!("{TEMPLATES}/laptop_refresh"), Some(&admin(globex.id.as_str())), None).await;
    assert_status(&other, StatusCode::NOT_FOUND, "another tenant's template");
}

async fn delete(app: &TestApp, path: &str) -> TestResponse {
    app.request(Method::DELETE, path, Some(&admin("acme")), None).await
}

pub async fn template_writes_answer_each_rule_with_its_status(backend: Backend) {
    let app = app(backend).await;
    let one = format!("{TEMPLATES}/laptop_refresh");
    let created = create(&app, refresh_body()).await;
    assert_status(&created, StatusCode::CREATED, "create");
    assert_eq!(created.header("location"), Some(one.as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!((created.data()["source"].as_str(), created.data()["version"].as_u64()), (Some("tenant"), Some(1)));
    assert_eq!(created.data()["steps"][1]["kind"], "approval");
    assert_eq!(created.data()["steps"][2]["assignee"], "employee");

    let invalid = [
        json!({"key": "Laptop Refresh", "title": "x", "workflow_type": "audit", "steps": [{"name": "a"}]}),
        json!({"key": "x", "title": "x", "workflow_type": "audit", "steps": [{"name": "a"}]}),
        json!({"key": "no_steps", "title": "x", "workflow_type": "audit"}),
        json!({"key": "empty", "title": "x", "workflow_type": "audit", "steps": []}),
        json!({"key": "long", "title": "x", "workflow_type": "audit", "estimated_duration_days": 366, "steps": [{"name": "a"}]}),
        json!({"key": "bad_step", "title": "x", "workflow_type": "audit", "steps": [{"name": "a", "assignee": "boss"}]}),
        json!({"key": "bad_offset", "title": "x", "workflow_type": "audit", "steps": [{"name": "a", "due_offset_days": 400}]}),
        json!({"key": "copy", "based_on": "no_such_template"}),
        json!({"key": "extra", "title": "x", "workflow_type": "audit", "steps": [{"name": "a"}], "version": 3}),
    ];
    for body in invalid {
        assert_status(&create(&app, body.clone()).await, StatusCode::UNPROCESSABLE_ENTITY, &body.to_string());
    }
    let builtin = json!({"key": "new_employee", "title": "x", "workflow_type": "audit", "steps": [{"name": "a"}]});
    assert_status(&create(&app, builtin).await, StatusCode::CONFLICT, "a built-in's key");
    assert_status(&create(&app, refresh_body()).await, StatusCode::CONFLICT, "a taken key");

    let copy = create(&app, json!({"key": "onboarding_eu", "based_on": "new_employee", "priority": "urgent"})).await;
    assert_status(&copy, StatusCode::CREATED, "based_on a built-in");
    assert_eq!(copy.data()["step_count"], 9);
    assert_eq!(
        (copy.data()["title"].as_str(), copy.data()["priority"].as_str()),
        (Some("New Employee Onboarding"), Some("urgent"))
    );

    let patch = |path: String, tag: Option<&str>, body: Value| {
        let mut request = Request::builder()
            .method(Method::PATCH)
            .uri(path)
            .header("authorization", format!("Bearer {}", admin("acme")))
            .header("content-type", "application/json");
        if let Some(tag) = tag {
            request = request.header("if-match", tag);
        }
        app.send(request.body(Body::from(body.to_string())).unwrap())
    };
    assert_status(
        &patch(one.clone(), None, json!({"title": ""})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "empty title",
    );
    assert_status(
        &patch(one.clone(), None, json!({"title": null})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "null title",
    );
    assert_status(&patch(one.clone(), None, json!({"key": "renamed"})).await, StatusCode::UNPROCESSABLE_ENTITY, "key");
    let missing = patch(format!("{TEMPLATES}/nothing_here"), None, json!({"title": "x"})).await;
    assert_status(&missing, StatusCode::NOT_FOUND, "unknown key");
    assert_status(
        &patch(one.clone(), Some("\"7\""), json!({"title": "x"})).await,
        StatusCode::PRECONDITION_FAILED,
        "stale",
    );
    let builtin_patch = patch(format!("{TEMPLATES}/new_employee"), None, json!({"title": "x"})).await;
    assert_status(&builtin_patch, StatusCode::CONFLICT, "built-ins are read-only");
    let unchanged = patch(one.clone(), Some("\"1\""), json!({"title": "Laptop refresh"})).await;
    assert_status(&unchanged, StatusCode::OK, "a PATCH that changes nothing");
    assert_eq!(unchanged.data()["version"], 1);
    let patched = patch(one.clone(), Some("\"1\""), json!({"description": null, "steps": [{"name": "Swap"}]})).await;
    assert_status(&patched, StatusCode::OK, "patch");
    assert_eq!((patched.data()["version"].as_u64(), patched.data()["step_count"].as_u64()), (Some(2), Some(1)));
    assert_eq!(patched.data()["description"], Value::Null);
    assert_eq!(patched.header("etag"), Some("\"2\""));

    assert_status(&delete(&app, &format!("{TEMPLATES}/new_employee")).await, StatusCode::CONFLICT, "delete a built-in");
    let deleted = delete(&app, &one).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(deleted.body, Value::Null);
    assert_status(
        &app.request(Method::GET, &one, Some(&admin("acme")), None).await,
        StatusCode::NOT_FOUND,
        "GET deleted",
    );
    assert_status(&delete(&app, &one).await, StatusCode::NOT_FOUND, "delete twice");
    assert_status(&patch(one.clone(), None, json!({"title": "x"})).await, StatusCode::NOT_FOUND, "patch deleted");
    assert_status(&create(&app, refresh_body()).await, StatusCode::CONFLICT, "a deleted key is never reused");
    let from_deleted = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&admin("acme")),
            Some(json!({"template_key": "laptop_refresh"})),
        )
        .await;
    assert_status(&from_deleted, StatusCode::UNPROCESSABLE_ENTITY, "from-template of a deleted template");
    let list = app.request(Method::GET, TEMPLATES, Some(&admin("acme")), None).await;
    assert!(list.data().as_array().unwrap().iter().all(|t| t["key"] != "laptop_refresh"), "hidden from the list");

    let audit = app.request(Method::GET, "/api/v1/audit?target_type=template", Some(&admin("acme")), None).await;
    let actions: Vec<&str> = audit.data().as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["template.deleted", "template.updated", "template.created", "template.created"]);
    let update = &audit.data()[1];
    assert_eq!(update["target_id"], "laptop_refresh");
    assert_eq!(update["changes"]["steps"]["1"]["name"], json!({"from": "Order", "to": "Swap"}), "steps by order");
    assert!(update["changes"]["steps"]["1"].get("kind").is_none(), "only what changed");
}

pub async fn concurrent_patches_with_one_if_match_have_one_winner(backend: Backend) {
    let app = app(backend).await;
    assert_status(&create(&app, refresh_body()).await, StatusCode::CREATED, "create");
    let calls = (0..6).map(|index| {
        let app = app.clone();
        tokio::spawn(async move {
            let request = Request::builder()
                .method(Method::PATCH)
                .uri(format!("{TEMPLATES}/laptop_refresh"))
                .header("authorization", format!("Bearer {}", admin("acme")))
                .header("content-type", "application/json")
                .header("if-match", "\"1\"")
                .body(Body::from(json!({"title": format!("Refresh {index}")}).to_string()))
                .unwrap();
            app.send(request).await.status
        })
    });
    let statuses: Vec<StatusCode> = join_all(calls).await.into_iter().map(|joined| joined.unwrap()).collect();
    assert_eq!(statuses.iter().filter(|status| **status == StatusCode::OK).count(), 1, "{statuses:?}");
    let lost = [StatusCode::OK, StatusCode::CONFLICT, StatusCode::PRECONDITION_FAILED];
    assert!(statuses.iter().all(|status| lost.contains(status)), "{statuses:?}");
    let now = app.request(Method::GET, &format!("{TEMPLATES}/laptop_refresh"), Some(&admin("acme")), None).await;
    assert_eq!(now.data()["version"], 2, "one change, one version");
    let audit = app.request(Method::GET, "/api/v1/audit?target_type=template", Some(&admin("acme")), None).await;
    assert_eq!(audit.data().as_array().unwrap().len(), 2, "one created, one updated");
}

pub async fn workflows_keep_the_template_version_they_were_made_from(backend: Backend) {
    let app = app(backend).await;
    let admin = admin("acme");
    let before_list = app.request(Method::GET, TEMPLATES, Some(&admin), None).await;
    assert_status(&create(&app, refresh_body()).await, StatusCode::CREATED, "create");
    let after_list = app.request(Method::GET, TEMPLATES, Some(&admin), None).await;
    assert_ne!(before_list.header("etag"), after_list.header("etag"), "the list's tag covers the tenant's templates");

    let from_template = |title: &str| {
        let body = json!({"template_key": "laptop_refresh", "title": title});
        app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin), Some(body))
    };
    let first = from_template("Refresh for Ana").await;
    assert_status(&first, StatusCode::CREATED, "from a tenant template");
    let (first_id, data) = (first.data()["id"].as_str().unwrap().to_owned(), first.data());
    assert_eq!((data["template_key"].as_str(), data["template_version"].as_u64()), (Some("laptop_refresh"), Some(1)));
    assert_eq!((data["workflow_type"].as_str(), data["total_steps"].as_u64()), (Some("maintenance"), Some(3)));
    assert_eq!(data["steps"][0]["instructions"], "Use the standard model.", "the texts are joined in");
    assert_eq!(data["steps"][1]["kind"], "approval");
    assert_eq!(data["steps"][0]["assigned_to"], "it@acme.example", "placeholders resolved");

    let id = Uuid::parse_str(&first_id).unwrap();
    let stored = app.store.get_workflow(&acme(), id).await.unwrap().unwrap();
    assert!(
        stored.steps.iter().all(|step| step.description.is_none() && step.instructions.is_none()),
        "the workflow's item carries no copy of the template's texts"
    );

    let new_steps = json!({"steps": [{"name": "Order", "instructions": "Order the 2027 model."}, {"name": "Swap"}]});
    let patched =
        app.request(Method::PATCH, &format!("{TEMPLATES}/laptop_refresh"), Some(&admin), Some(new_steps)).await;
    assert_status(&patched, StatusCode::OK, "edit the template");
    let second = from_template("Refresh for Ben").await;
    assert_eq!((second.data()["template_version"].as_u64(), second.data()["total_steps"].as_u64()), (Some(2), Some(2)));
    assert_eq!(second.data()["steps"][0]["instructions"], "Order the 2027 model.");

    let unchanged = app.request(Method::GET, &format!("/api/v1/workflows/{first_id}"), Some(&admin), None).await;
    assert_eq!(unchanged.data()["total_steps"], 3, "editing a template never changes existing workflows");
    assert_eq!(unchanged.data()["steps"][0]["instructions"], "Use the standard model.");
    assert_eq!(unchanged.data()["steps"][2]["instructions"], "Move the data, wipe the old one.");

    app.request(Method::DELETE, &format!("{TEMPLATES}/laptop_refresh"), Some(&admin), None).await;
    let started = app.request(Method::POST, &format!("/api/v1/workflows/{first_id}/start"), Some(&admin), None).await;
    assert_status(&started, StatusCode::OK, "a workflow of a deleted template goes on");
    assert_eq!(started.data()["steps"][0]["instructions"], "Use the standard model.");
    let history = app.request(Method::GET, &format!("/api/v1/workflows/{first_id}/history"), Some(&admin), None).await;
    assert_eq!(history.data().as_array().unwrap().len(), 2, "its history is untouched");

    let builtin = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&admin),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    assert_eq!(builtin.data()["template_version"], 1);
    let builtin_steps = &Template::builtin("new_employee").unwrap().steps;
    assert_eq!(builtin.data()["steps"][3]["description"].as_str(), builtin_steps[3].description.as_deref());
}
