//! Contract §7 jobs through `POST /local/jobs/{name}`, on each store, with a fixed clock.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use shared::adapters::outbox::Delivery;
use shared::clock::FixedClock;

use crate::{Backend, TestApp, admin};

async fn app_at(backend: Backend, now: &str) -> TestApp {
    let now: DateTime<Utc> = now.parse().unwrap();
    let app = TestApp::with_clock(backend, Arc::new(FixedClock(now))).await;
    app.add_tenant("acme").await;
    app
}

async fn create(app: &TestApp, body: Value) -> String {
    let response = app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin("acme")), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.data()["id"].as_str().unwrap().to_owned()
}

async fn run(app: &TestApp, job: &str, today: Option<&str>) -> Value {
    let path = match today {
        Some(today) => format!("/local/jobs/{job}?today={today}"),
        None => format!("/local/jobs/{job}"),
    };
    let response = app.request(Method::POST, &path, None, None).await;
    assert_eq!(response.status, StatusCode::OK, "{job}: {:?}", response.body);
    response.data().clone()
}

fn reminders(app: &TestApp) -> Vec<(String, String)> {
    app.outbox
        .deliveries()
        .into_iter()
        .filter_map(|delivery| match delivery {
            Delivery::Email { to, subject, .. } if subject.starts_with("Overdue") => Some((to, subject)),
            _ => None,
        })
        .collect()
}

async fn get(app: &TestApp, id: &str) -> Value {
    app.request(Method::GET, &format!("/api/v1/workflows/{id}"), Some(&admin("acme")), None).await.data().clone()
}

pub async fn overdue_reminders_go_out_once_a_day(backend: Backend) {
    let app = app_at(backend, "2026-11-25T09:00:00Z").await;
    let assigned = create(
        &app,
        json!({"template_key": "new_employee", "assigned_to": "ana@acme.example", "due_date": "2026-11-26"}),
    )
    .await;
    create(&app, json!({"template_key": "new_employee", "due_date": "2026-11-27"})).await;
    create(&app, json!({"template_key": "new_employee", "due_date": "2026-12-24"})).await;
    let cancelled = create(&app, json!({"template_key": "new_employee", "due_date": "2026-11-26"})).await;
    app.request(
        Method::POST,
        &format!("/api/v1/workflows/{cancelled}/cancel"),
        Some(&admin("acme")),
        Some(json!({"reason": "no"})),
    )
    .await;

    let first = run(&app, "overdue-reminders", Some("2026-11-28")).await;
    assert_eq!(first["job"], "overdue-reminders");
    assert_eq!(first["counts"]["reminders_sent"], 2, "{first}");
    let mut sent = reminders(&app);
    sent.sort();
    assert_eq!(sent.iter().map(|(to, _)| to.as_str()).collect::<Vec<_>>(), ["ana@acme.example", "it@acme.example"]);
    assert!(sent.iter().any(|(_, subject)| subject.starts_with("Overdue since 2026-11-26")));

    let again = run(&app, "overdue-reminders", Some("2026-11-28")).await;
    assert_eq!(again["counts"]["already_reminded"], 2);
    assert!(again["counts"].get("reminders_sent").is_none());
    assert_eq!(reminders(&app).len(), 2, "at most one reminder per workflow per day");
    let next_day = run(&app, "overdue-reminders", Some("2026-11-29")).await;
    assert_eq!(next_day["counts"]["reminders_sent"], 2);
    assert_eq!(reminders(&app).len(), 4);
    // 2 of 3 open workflows are overdue: above 20%.
    assert_eq!(next_day["counts"]["tenants_overdue_rate_high"], 1);

    // Due today is not overdue.
    let on_the_day = run(&app, "overdue-reminders", Some("2026-11-26")).await;
    assert!(on_the_day["counts"].get("overdue").is_none(), "{on_the_day}");
    let _ = assigned;
}

pub async fn reminders_follow_each_tenants_calendar(backend: Backend) {
    // 12:00 UTC on the 25th is already the 26th at UTC+14.
    let app = app_at(backend, "2026-11-25T12:00:00Z").await;
    app.add_tenant("kiri").await;
    for tenant in ["acme", "kiri"] {
        let body = json!({"template_key": "new_employee", "due_date": "2026-11-25"});
        let response =
            app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin(tenant)), Some(body)).await;
        assert_eq!(response.status, StatusCode::CREATED, "{tenant}: {:?}", response.body);
    }
    // Kiri moves to UTC+14 (where a due date of the 25th is already in the past: 422 for new ones).
    let tz = app
        .request(
            Method::PATCH,
            "/api/v1/tenant/settings",
            Some(&admin("kiri")),
            Some(json!({"timezone": "Pacific/Kiritimati"})),
        )
        .await;
    assert_eq!(tz.status, StatusCode::OK);
    let past = json!({"template_key": "new_employee", "due_date": "2026-11-25"});
    let refused = app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin("kiri")), Some(past)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let record = run(&app, "overdue-reminders", None).await;
    assert_eq!(record["counts"]["reminders_sent"], 1, "{record}");
    assert_eq!(reminders(&app)[0].0, "it@kiri.example");
    let overdue = app.request(Method::GET, "/api/v1/workflows?overdue=true", Some(&admin("kiri")), None).await;
    assert_eq!(overdue.data().as_array().unwrap().len(), 1, "the list filter uses the same calendar");
    let not_yet = app.request(Method::GET, "/api/v1/workflows?overdue=true", Some(&admin("acme")), None).await;
    assert_eq!(not_yet.data(), &json!([]));
}

pub async fn auto_start_starts_what_is_due_to_start_once(backend: Backend) {
    let app = app_at(backend, "2026-11-25T06:00:00Z").await;
    let today = create(&app, json!({"template_key": "new_employee", "scheduled_start": "2026-11-25"})).await;
    let earlier = create(&app, json!({"template_key": "new_employee", "scheduled_start": "2026-11-20"})).await;
    let later = create(&app, json!({"template_key": "new_employee", "scheduled_start": "2026-11-26"})).await;
    let unscheduled = create(&app, json!({"template_key": "new_employee"})).await;
    let record = run(&app, "auto-start", Some("2026-11-25")).await;
    assert_eq!(record["counts"]["started"], 2, "{record}");
    for (id, status) in
        [(&today, "in_progress"), (&earlier, "in_progress"), (&later, "pending"), (&unscheduled, "pending")]
    {
        assert_eq!(get(&app, id).await["status"], status, "{id}");
    }
    assert_eq!(get(&app, &today).await["steps"][0]["started_at"], "2026-11-25T06:00:00Z");
    let rerun = run(&app, "auto-start", Some("2026-11-25")).await;
    assert!(rerun["counts"].get("started").is_none(), "{rerun}");
    assert_eq!(get(&app, &today).await["version"], 2, "started once");
    let history =
        app.request(Method::GET, &format!("/api/v1/workflows/{today}/history"), Some(&admin("acme")), None).await;
    assert_eq!(history.data()[1]["actor"], "system:auto-start");
}

pub async fn archive_takes_workflows_completed_more_than_ninety_days_ago(backend: Backend) {
    let app = app_at(backend, "2026-08-01T10:00:00Z").await;
    let id = create(&app, json!({"template_key": "emergency_replacement"})).await;
    let token = admin("acme");
    app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&token), None).await;
    crate::finish_every_step(&app, &token, &id).await;
    assert_eq!(
        app.request(Method::POST, &format!("/api/v1/workflows/{id}/complete"), Some(&token), None).await.status,
        StatusCode::OK
    );
    // Completed 2026-08-01: 90 days later is 2026-10-30.
    let too_soon = run(&app, "archive", Some("2026-10-30")).await;
    assert!(too_soon["counts"].get("archived").is_none(), "{too_soon}");
    let due = run(&app, "archive", Some("2026-10-31")).await;
    assert_eq!(due["counts"]["archived"], 1, "{due}");
    assert_eq!(get(&app, &id).await["archived_at"], "2026-08-01T10:00:00Z");
    assert_eq!(app.request(Method::GET, "/api/v1/workflows", Some(&token), None).await.data(), &json!([]));
    let again = run(&app, "archive", Some("2026-11-30")).await;
    assert!(again["counts"].get("archived").is_none(), "archived once");
    let unknown = app.request(Method::POST, "/local/jobs/defrag", None, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad_date = app.request(Method::POST, "/local/jobs/archive?today=yesterday", None, None).await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
}

pub async fn assignment_emails_go_to_new_assignees_only(backend: Backend) {
    let app = app_at(backend, "2026-11-25T09:00:00Z").await;
    let id = create(&app, json!({"template_key": "new_employee", "assigned_to": "ana@acme.example"})).await;
    let path = format!("/api/v1/workflows/{id}");
    let token = admin("acme");
    let patch = |body: Value| app.request(Method::PATCH, &path, Some(&token), Some(body));
    patch(json!({"assigned_to": "ana@acme.example"})).await;
    patch(json!({"title": "Renamed"})).await;
    patch(json!({"assigned_to": "bo@acme.example"})).await;
    let assigned: Vec<(String, String, String)> = app
        .outbox
        .deliveries()
        .into_iter()
        .filter_map(|delivery| match delivery {
            Delivery::Email { to, subject, body, .. } => Some((to, subject, body)),
            Delivery::Slack { .. } => None,
        })
        .collect();
    assert_eq!(assigned.len(), 2, "{assigned:?}");
    assert_eq!(assigned[0].0, "ana@acme.example");
    assert_eq!(assigned[1].0, "bo@acme.example");
    assert_eq!(assigned[1].1, "Assigned to you: Renamed");
    assert!(assigned[1].2.contains(&format!("https://app.assetronics.example/workflows/{id}")), "{}", assigned[1].2);
    assert!(assigned[1].2.contains("Due: 2026-12-02"));
    let outbox = app.request(Method::GET, "/local/outbox", None, None).await;
    assert_eq!(outbox.data().as_array().unwrap().len(), 2);
    assert_eq!(outbox.data()[0]["kind"], "email");
}
