//! Contract §8: `GET /api/v1/audit`, on each store.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::domain::caller::Role;

use crate::{Backend, ManualClock, TestApp, admin, token};

/// The ids of every entry the list answers, page by page (`limit` each), newest first.
async fn all_pages(app: &TestApp, query: &str, limit: usize) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/audit?limit={limit}&{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = app.request(Method::GET, &path, Some(&admin("acme")), None).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {:?}", response.body);
        entries.extend(response.data().as_array().unwrap().iter().cloned());
        match response.body["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return entries,
        }
    }
}

/// (action, target_id) of each entry.
fn actions(entries: &[Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|entry| (entry["action"].as_str().unwrap().to_owned(), entry["target_id"].as_str().unwrap().to_owned()))
        .collect()
}

pub async fn admins_read_the_audit_trail_newest_first_by_any_filter(backend: Backend) {
    let clock = ManualClock::at("2026-11-25T09:00:00Z");
    let app = TestApp::with_clock(backend, clock.clone()).await;
    app.add_tenant("acme").await;
    app.add_tenant("globex").await;
    let bo = token(Role::Admin, Some("acme"), Some("bo@acme.example"), None);
    let created = app
        .request(
            Method::POST,
            "/api/v1/workflows/from-template",
            Some(&admin("acme")),
            Some(json!({"template_key": "new_employee"})),
        )
        .await;
    let workflow = created.data()["id"].as_str().unwrap().to_owned();
    clock.set("2026-11-25T10:00:00Z");
    let employee = app
        .request(
            Method::POST,
            "/api/v1/employees",
            Some(&bo),
            Some(json!({"email": "ana@acme.example", "first_name": "Ana", "last_name": "Silva"})),
        )
        .await;
    assert_eq!(employee.status, StatusCode::CREATED, "{:?}", employee.body);
    let employee = employee.data()["id"].as_str().unwrap().to_owned();
    clock.set("2026-11-25T11:00:00Z");
    app.request(Method::POST, &format!("/api/v1/workflows/{workflow}/start"), Some(&admin("acme")), None).await;
    app.request(
        Method::POST,
        "/api/v1/workflows/from-template",
        Some(&admin("globex")),
        Some(json!({"template_key": "new_employee"})),
    )
    .await;

    let everything = all_pages(&app, "", 100).await;
    assert_eq!(
        actions(&everything),
        [
            ("workflow.started".to_owned(), workflow.clone()),
            ("employee.created".to_owned(), employee.clone()),
            ("workflow.created".to_owned(), workflow.clone()),
            ("tenant.created".to_owned(), "acme".to_owned()),
        ],
        "newest first, this tenant's only"
    );
    assert_eq!(everything[1]["actor"], "bo@acme.example");
    assert_eq!(everything[1]["at"], "2026-11-25T10:00:00Z");
    assert_eq!(all_pages(&app, "", 1).await, everything, "page by page, the same");

    let cases: [(&str, &[usize]); 16] = [
        ("target_type=employee", &[1]),
        ("target_type=workflow", &[0, 2]),
        ("target_type=template", &[]),
        (&format!("target_id={workflow}"), &[0, 2]),
        (&format!("target_id={workflow}&target_type=workflow&actor=admin@acme.example"), &[0, 2]),
        (&format!("target_id={workflow}&actor=bo@acme.example"), &[]),
        // A target's entries are read from its own partition: time bounds and a type that is
        // not the target's apply there too.
        (&format!("target_id={workflow}&since=2026-11-25T10:00:00Z"), &[0]),
        (&format!("target_id={workflow}&until=2026-11-25T11:00:00Z"), &[2]),
        (&format!("target_id={employee}&target_type=workflow"), &[]),
        ("target_id=acme", &[3]),
        ("target_id=new_employee", &[]),
        ("actor=admin@acme.example", &[0, 2]),
        ("actor=bo@acme.example&target_type=employee", &[1]),
        ("since=2026-11-25T10:00:00Z", &[0, 1]),
        ("until=2026-11-25T10:00:00Z&target_type=workflow", &[2]),
        ("since=2026-11-25T09:30:00Z&until=2026-11-25T11:00:00Z&actor=bo@acme.example", &[1]),
    ];
    for (query, expected) in cases {
        let expected: Vec<Value> = expected.iter().map(|index| everything[*index].clone()).collect();
        assert_eq!(all_pages(&app, query, 1).await, expected, "{query}");
    }
}

pub async fn the_audit_trail_is_for_tenant_admins_and_checks_its_filters(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    let user = token(Role::User, Some("acme"), Some("priya@acme.example"), None);
    let refused = app.request(Method::GET, "/api/v1/audit", Some(&user), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    for query in [
        "target_type=robot",
        "since=yesterday",
        "until=2026-13-01T00:00:00Z",
        "since=2026-11-25",
        "limit=0",
        "colour=red",
    ] {
        let response = app.request(Method::GET, &format!("/api/v1/audit?{query}"), Some(&admin("acme")), None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}: {:?}", response.body);
    }
    let first = app.request(Method::GET, "/api/v1/audit?limit=1&target_type=tenant", Some(&admin("acme")), None).await;
    assert_eq!(first.data().as_array().unwrap().len(), 1);
    let other_filters = app
        .request(Method::GET, "/api/v1/audit?limit=1&target_type=workflow&cursor=AAAA", Some(&admin("acme")), None)
        .await;
    assert_eq!(other_filters.status, StatusCode::BAD_REQUEST);
}
