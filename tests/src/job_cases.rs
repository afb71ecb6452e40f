//! Contract §7 jobs through `POST /local/jobs/{name}`, on each store, with a fixed clock.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};
use shared::adapters::outbox::Delivery;
use shared::clock::FixedClock;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::jobs::{JobName, Occasion};
use shared::domain::tenant::Timezone;
use shared::http::AppState;
use shared::jobs::JobRunner;

use shared::domain::caller::Role;

use crate::{Backend, TestApp, admin, token};

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
    assert!(sent.iter().all(|(_, subject)| subject.starts_with("Overdue: ")), "{sent:?}");

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

pub async fn a_person_gets_one_digest_a_day_of_all_their_overdue_workflows(backend: Backend) {
    let app = app_at(backend, "2026-11-25T09:00:00Z").await;
    let mut ids = Vec::new();
    for title in ["Onboard Ana", "Collect Bo's laptop", "Receive monitors"] {
        let body = json!({"template_key": "new_employee", "title": title, "assigned_to": "ana@acme.example", "due_date": "2026-11-26"});
        ids.push(create(&app, body).await);
    }
    create(&app, json!({"template_key": "new_employee", "assigned_to": "bo@acme.example", "due_date": "2026-11-30"}))
        .await;
    let unassigned = create(&app, json!({"template_key": "new_employee", "due_date": "2026-11-26"})).await;

    let digests = |app: &TestApp| -> Vec<(String, String, String)> {
        app.outbox
            .deliveries()
            .into_iter()
            .filter_map(|delivery| match delivery {
                Delivery::Email { to, subject, body, .. } if subject.starts_with("Overdue") => {
                    Some((to, subject, body))
                }
                _ => None,
            })
            .collect()
    };
    let record = run(&app, "overdue-reminders", Some("2026-11-28")).await;
    assert_eq!(record["counts"]["overdue"], 4, "{record}");
    assert_eq!(record["counts"]["reminders_sent"], 2, "one for Ana, one for IT: {record}");
    let sent = digests(&app);
    let (_, subject, body) = sent.iter().find(|(to, _, _)| to == "ana@acme.example").unwrap();
    assert!(subject.ends_with("and 2 more"), "{subject}");
    for id in &ids {
        assert!(body.contains(&format!("https://app.assetronics.example/workflows/{id}")), "{body}");
    }
    assert!(body.starts_with("Tenant acme\n"), "the tenant's name: {body}");
    assert!(body.contains("You get this email because overdue work is assigned to you at Tenant acme"), "{body}");
    let (_, _, to_it) = sent.iter().find(|(to, _, _)| to == "it@acme.example").unwrap();
    assert!(to_it.contains(&unassigned), "{to_it}");
    assert!(to_it.contains("you are the IT contact"), "{to_it}");

    // Reruns that day, through either kind of run, send nothing more; the next day sends again.
    run(&app, "overdue-reminders", Some("2026-11-28")).await;
    let scheduled =
        app.request(Method::POST, "/local/jobs/overdue-reminders?at=2026-11-28T09:00:00Z", None, None).await;
    assert_eq!(scheduled.data()["counts"]["already_reminded"], 2, "{:?}", scheduled.body);
    assert_eq!(digests(&app).len(), 2);
    run(&app, "overdue-reminders", Some("2026-11-29")).await;
    assert_eq!(digests(&app).len(), 4);
}

/// Creates and starts a custom workflow due at the end of the year whose first step is `step`.
async fn started_with_first_step(app: &TestApp, title: &str, step: Value) -> String {
    let body = json!({"title": title, "workflow_type": "maintenance", "due_date": "2026-12-31",
        "steps": [step, {"name": "Check"}]});
    let created = app.request(Method::POST, "/api/v1/workflows", Some(&admin("acme")), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    let started = app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&admin("acme")), None).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    id
}

pub async fn overdue_active_steps_reach_their_assignees_digest(backend: Backend) {
    let app = app_at(backend, "2026-11-25T09:00:00Z").await;
    let sams = started_with_first_step(
        &app,
        "Order Bo's chair",
        json!({"name": "Quote", "assignee": "sam@acme.example", "due_offset_days": 1, "estimated_hours": 100}),
    )
    .await;
    let its = started_with_first_step(
        &app,
        "Reimage laptops",
        json!({"name": "Wipe", "assignee": "it", "estimated_hours": 1}),
    )
    .await;
    started_with_first_step(
        &app,
        "Not yet",
        json!({"name": "Later", "assignee": "sam@acme.example", "due_offset_days": 5, "estimated_hours": 100}),
    )
    .await;
    let digests = |app: &TestApp| -> Vec<(String, String, String)> {
        (app.outbox.deliveries().into_iter())
            .filter_map(|delivery| match delivery {
                Delivery::Email { to, subject, body, .. } if subject.starts_with("Overdue") => {
                    Some((to, subject, body))
                }
                _ => None,
            })
            .collect()
    };

    // At 09:00 on the day they started, nothing is overdue: the wipe has run for no time yet.
    let same_day = run(&app, "overdue-reminders", Some("2026-11-25")).await;
    assert!(same_day["counts"].get("overdue_steps").is_none(), "{same_day}");
    assert!(digests(&app).is_empty());

    // The next morning the one-hour wipe has run 24 hours (more than twice its estimate): IT
    // hears of it while it is still running; the quote is due that day, not yet overdue.
    let next_day = run(&app, "overdue-reminders", Some("2026-11-26")).await;
    assert_eq!(next_day["counts"]["overdue_steps"], 1, "{next_day}");
    assert!(next_day["counts"].get("overdue").is_none(), "no workflow is overdue: {next_day}");
    let sent = digests(&app);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, subject, body) = &sent[0];
    assert_eq!(to, "it@acme.example");
    assert_eq!(subject, "Overdue: Step 1: Wipe (Reimage laptops)");
    assert!(body.contains(&format!("https://app.assetronics.example/workflows/{its}")), "{body}");
    assert!(body.contains("Active since: 2026-11-25 09:00 UTC (estimate 1 h)"), "{body}");

    // A day later the quote is past its due date too: Sam's own digest names it.
    let later = run(&app, "overdue-reminders", Some("2026-11-27")).await;
    assert_eq!(later["counts"]["overdue_steps"], 2, "{later}");
    let sent = digests(&app);
    let (_, subject, body) = sent.iter().find(|(to, _, _)| to == "sam@acme.example").expect("a digest for Sam");
    assert_eq!(subject, "Overdue: Step 1: Quote (Order Bo's chair)");
    assert!(body.contains("Step due: 2026-11-26"), "{body}");
    assert!(body.contains(&format!("https://app.assetronics.example/workflows/{sams}")), "{body}");
    assert!(!body.contains("Not yet"), "{body}");
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
    assert_eq!(history.data()[1]["actor"], "job:auto-start");
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

/// A tenant of `zone` straight in the store.
async fn add_tenant_in(app: &TestApp, id: &str, zone: &str) {
    let mut tenant = crate::tenant(id, crate::test_now());
    tenant.timezone = Timezone::parse(zone).unwrap();
    let audit =
        AuditEntry::new(&tenant.id, "test", "tenant.created", TargetType::Tenant, &tenant.id, crate::test_now());
    app.store.create_tenant(&tenant, &audit).await.unwrap();
}

fn runner(app: &TestApp) -> JobRunner {
    let local = assetronics_local::Local::new(Arc::new(FixedClock(crate::test_now())));
    AppState::new(app.store.clone(), &crate::config(), Arc::new(FixedClock(crate::test_now())), local.channels()).jobs()
}

/// The zones of contract §7's hard cases, one tenant each.
const ZONES: [(&str, &str); 7] = [
    ("newyork", "America/New_York"),
    ("berlin", "Europe/Berlin"),
    ("kolkata", "Asia/Kolkata"),
    ("kathmandu", "Asia/Kathmandu"),
    ("chatham", "Pacific/Chatham"),
    ("kiritimati", "Pacific/Kiritimati"),
    ("utc", "UTC"),
];

const DAILY_JOBS: [JobName; 3] = [JobName::OverdueReminders, JobName::AutoStart, JobName::Archive];

pub async fn daily_jobs_run_once_a_local_day_at_their_local_hour(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (id, zone) in ZONES {
        add_tenant_in(&app, id, zone).await;
    }
    let runner = runner(&app);
    let mut days_checked: BTreeMap<&str, usize> = BTreeMap::new();
    // 27 hours of hourly runs from just before the local midnight that starts each
    // daylight-saving change day of 2026 in New York (March 8, November 1), Berlin (March 29,
    // October 25) and Chatham (April 5, September 27), and one ordinary day in Asia.
    let windows = [
        "2026-03-08T04:00:00Z",
        "2026-03-28T22:00:00Z",
        "2026-04-04T09:00:00Z",
        "2026-09-26T10:00:00Z",
        "2026-10-24T21:00:00Z",
        "2026-11-01T03:00:00Z",
        "2026-11-24T18:00:00Z",
    ];
    for from in windows {
        let from: DateTime<Utc> = from.parse().unwrap();
        let until = from + TimeDelta::hours(27);
        // (job, tenant) → the local dates it ran for, with the wall clock of each run.
        let mut ran: BTreeMap<(JobName, String), Vec<(NaiveDate, NaiveDateTime)>> = BTreeMap::new();
        let mut at = from;
        while at < until {
            for job in DAILY_JOBS {
                let run = runner.run(job, Occasion::Schedule(at)).await.unwrap();
                assert!(run.record.errors.is_empty(), "{job:?} at {at}: {:?}", run.record.errors);
                for tenant_run in run.tenants {
                    let zone = ZONES.iter().find(|(id, _)| *id == tenant_run.tenant_id.as_str()).unwrap().1;
                    let wall_clock = Timezone::parse(zone).unwrap().wall_clock_at(at);
                    ran.entry((job, tenant_run.tenant_id.to_string())).or_default().push((tenant_run.date, wall_clock));
                }
            }
            at += TimeDelta::hours(1);
        }
        for (id, zone) in ZONES {
            let zone = Timezone::parse(zone).unwrap();
            // The local dates wholly inside the window.
            let midnight = |date: NaiveDate| {
                (0..48).map(|hours| from + TimeDelta::hours(hours)).find(|at| zone.date_at(*at) == date)
            };
            let mut whole_days = Vec::new();
            let mut day = zone.date_at(from);
            while zone.date_at(until) > day {
                if zone.date_at(from) < day && midnight(day.succ_opt().unwrap()).is_some_and(|next| next <= until) {
                    whole_days.push(day);
                }
                day = day.succ_opt().unwrap();
            }
            *days_checked.entry(id).or_default() += whole_days.len();
            for job in DAILY_JOBS {
                let hour = job.local_hour().unwrap();
                let runs = ran.remove(&(job, id.to_owned())).unwrap_or_default();
                let dates: Vec<NaiveDate> = runs.iter().map(|(date, _)| *date).collect();
                let mut once = dates.clone();
                once.dedup();
                assert_eq!(once, dates, "{id} {job:?} from {from}: a day ran twice: {runs:?}");
                for day in &whole_days {
                    assert!(dates.contains(day), "{id} {job:?}: {day} skipped: {runs:?}");
                }
                for (date, wall_clock) in &runs {
                    assert_eq!((wall_clock.date(), wall_clock.hour()), (*date, hour), "{id} {job:?}: {runs:?}");
                }
            }
        }
    }
    for (id, _) in ZONES {
        assert!(days_checked.get(id).is_some_and(|days| *days > 0), "{id}: no whole day checked: {days_checked:?}");
    }
    for (id, change_days) in [("newyork", 2), ("berlin", 2), ("chatham", 2)] {
        assert!(days_checked[id] >= change_days, "{id}: {days_checked:?}");
    }
}

pub async fn an_hourly_run_retried_or_delivered_twice_handles_each_tenant_once(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (id, zone) in ZONES {
        add_tenant_in(&app, id, zone).await;
    }
    // 03:30 UTC is 09:00 in Kolkata and 09:15 in Kathmandu: both get their reminders.
    let first = app.request(Method::POST, "/local/jobs/overdue-reminders?at=2026-11-25T03:30:00Z", None, None).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.data()["counts"]["tenants"], 2, "{:?}", first.body);
    let again = run_at(&app, "overdue-reminders", "2026-11-25T03:30:00Z").await;
    assert!(again["counts"].get("tenants").is_none(), "{again}");
    assert_eq!(again["counts"]["tenants_already_run"], 2);
    // An hour later it is 10:00 in Kolkata: no one's hour.
    let later = run_at(&app, "overdue-reminders", "2026-11-25T04:30:00Z").await;
    assert!(later["counts"].get("tenants").is_none(), "{later}");
    // The HRIS sync has no local hour, and handles only tenants with HRIS API access: none here.
    let sync = run_at(&app, "hris-sync", "2026-11-25T04:30:00Z").await;
    assert!(sync["counts"].get("tenants").is_none(), "{sync}");

    for query in ["today=2026-11-25&at=2026-11-25T03:30:00Z", "at=yesterday", "at=2026-11-25"] {
        let refused = app.request(Method::POST, &format!("/local/jobs/archive?{query}"), None, None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
    }
    // `?today=` keeps its meaning: every tenant, as on that date, claimed or not.
    let every = run(&app, "overdue-reminders", Some("2026-11-25")).await;
    assert_eq!(every["counts"]["tenants"], ZONES.len(), "{every}");
}

async fn run_at(app: &TestApp, job: &str, at: &str) -> Value {
    let response = app.request(Method::POST, &format!("/local/jobs/{job}?at={at}"), None, None).await;
    assert_eq!(response.status, StatusCode::OK, "{job}: {:?}", response.body);
    response.data().clone()
}

pub async fn admins_see_their_tenants_part_of_job_runs_and_platform_admins_whole_runs(backend: Backend) {
    let app = TestApp::new(backend).await;
    add_tenant_in(&app, "kolkata", "Asia/Kolkata").await;
    add_tenant_in(&app, "kathmandu", "Asia/Kathmandu").await;
    app.add_tenant("acme").await;
    let body = json!({"template_key": "new_employee", "scheduled_start": "2026-11-25"});
    let response =
        app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin("kolkata")), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    // 00:30 UTC is 06:00 in Kolkata and 06:15 in Kathmandu.
    run_at(&app, "auto-start", "2026-11-25T00:30:00Z").await;
    run_at(&app, "overdue-reminders", "2026-11-25T09:00:00Z").await;
    run(&app, "archive", Some("2026-11-25")).await;

    let list = |token: String, query: &'static str| {
        let app = app.clone();
        async move {
            let response = app.request(Method::GET, &format!("/api/v1/jobs/runs{query}"), Some(&token), None).await;
            assert_eq!(response.status, StatusCode::OK, "{query}: {:?}", response.body);
            response
        }
    };
    let kolkata = list(admin("kolkata"), "").await;
    let jobs: Vec<&str> = kolkata.data().as_array().unwrap().iter().map(|run| run["job"].as_str().unwrap()).collect();
    assert_eq!(jobs, ["archive", "auto-start"], "newest first, only the runs that handled it");
    let started = &kolkata.data()[1];
    assert_eq!(started["counts"], json!({"started": 1}), "its own counts: {started}");
    assert_eq!(started["errors"], json!([]));
    assert!(started["started_at"].is_string() && started["finished_at"].is_string());
    let kathmandu = list(admin("kathmandu"), "?job=auto-start").await;
    assert_eq!(kathmandu.data()[0]["counts"], json!({}), "nothing to start there");
    assert_eq!(kathmandu.data()[0]["id"], started["id"], "the same run");

    let platform = token(Role::PlatformAdmin, None, Some("ops@assetronics.example"), None);
    let whole = list(platform.clone(), "").await;
    let jobs: Vec<&str> = whole.data().as_array().unwrap().iter().map(|run| run["job"].as_str().unwrap()).collect();
    assert_eq!(jobs, ["archive", "overdue-reminders", "auto-start"]);
    assert_eq!(whole.data()[2]["counts"], json!({"started": 1, "tenants": 2}));
    let first = list(platform.clone(), "?limit=2").await;
    let cursor = first.body["meta"]["next_cursor"].as_str().unwrap().to_owned();
    let rest =
        app.request(Method::GET, &format!("/api/v1/jobs/runs?limit=2&cursor={cursor}"), Some(&platform), None).await;
    assert_eq!(rest.data().as_array().unwrap().len(), 1);
    assert_eq!(rest.data()[0]["job"], "auto-start");
    let foreign = app
        .request(Method::GET, &format!("/api/v1/jobs/runs?limit=2&cursor={cursor}"), Some(&admin("acme")), None)
        .await;
    assert_eq!(foreign.status, StatusCode::BAD_REQUEST, "a platform cursor is no tenant's");

    let user = token(Role::User, Some("acme"), Some("priya@acme.example"), None);
    assert_eq!(app.request(Method::GET, "/api/v1/jobs/runs", Some(&user), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.request(Method::GET, "/api/v1/jobs/runs", None, None).await.status, StatusCode::UNAUTHORIZED);
    let unknown = app.request(Method::GET, "/api/v1/jobs/runs?job=defrag", Some(&admin("acme")), None).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}
