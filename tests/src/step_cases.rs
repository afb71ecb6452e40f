//! Contract §10 on both stores: steps with owners, approvals, skips, notes, step assignees'
//! widened scope, activation emails, and the races on one step.

use axum::http::{Method, StatusCode};
use futures_util::future::join_all;
use serde_json::{Value, json};
use shared::adapters::outbox::Delivery;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::validation::TenantId;
use shared::domain::workflow::StepNote;

use crate::{Backend, TestApp, TestResponse, admin, test_now, token};

const WORKFLOWS: &str = "/api/v1/workflows";
const APPROVER: &str = "mia@acme.example";

fn user(email: &str) -> String {
    token(Role::User, Some("acme"), Some(email), None)
}

fn manager(email: &str, team: &str) -> String {
    token(Role::Manager, Some("acme"), Some(email), Some(team))
}

async fn app(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app
}

async fn post(app: &TestApp, token: &str, path: &str, body: Option<Value>) -> TestResponse {
    app.request(Method::POST, path, Some(token), body).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> TestResponse {
    app.request(Method::GET, path, Some(token), None).await
}

fn assert_status(response: &TestResponse, status: StatusCode, what: &str) {
    assert_eq!(response.status, status, "{what}: {:?}", response.body);
}

/// A custom workflow of team `design`, assigned to uma: a task for IT, an approval for mia (a
/// user outside the team), and a last task for the workflow's assignee.
async fn three_steps(app: &TestApp) -> String {
    let body = json!({
        "title": "New monitor for Uma", "workflow_type": "procurement", "team": "design",
        "assigned_to": "uma@acme.example", "scheduled_start": "2026-11-27",
        "steps": [
            {"name": "Quote", "assignee": "it", "due_offset_days": 1, "estimated_hours": 1.5},
            {"name": "Approve the spend", "kind": "approval", "assignee": APPROVER, "due_offset_days": 2},
            {"name": "Hand over", "assignee": "assignee"}
        ]
    });
    let created = post(app, &admin("acme"), WORKFLOWS, Some(body)).await;
    assert_status(&created, StatusCode::CREATED, "create");
    created.data()["id"].as_str().unwrap().to_owned()
}

/// `three_steps`, started and with step 1 done: the approval is active.
async fn at_the_approval(app: &TestApp) -> String {
    let id = three_steps(app).await;
    assert_status(&post(app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await, StatusCode::OK, "start");
    let advanced = post(app, &admin("acme"), &format!("{WORKFLOWS}/{id}/advance"), None).await;
    assert_status(&advanced, StatusCode::OK, "advance");
    id
}

pub async fn steps_get_owners_kinds_and_due_dates(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    let workflow = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    let steps = &workflow.data()["steps"];
    assert_eq!(steps[0]["kind"], "task");
    assert_eq!(steps[0]["assigned_to"], "it@acme.example", "`it` is the tenant's IT address");
    assert_eq!(steps[0]["due_date"], "2026-11-28", "scheduled start + 1 day");
    assert_eq!(steps[0]["estimated_hours"], 1.5);
    assert_eq!(steps[1]["kind"], "approval");
    assert_eq!(steps[1]["assigned_to"], APPROVER);
    assert_eq!(steps[1]["due_date"], "2026-11-29");
    assert_eq!(steps[2]["assigned_to"], "uma@acme.example", "`assignee` is the workflow's assignee");
    assert_eq!(steps[2]["due_date"], Value::Null);
    for field in ["skipped", "notes"] {
        assert_eq!(steps[0][field], if field == "skipped" { json!(false) } else { json!([]) });
    }
    assert_eq!((steps[0]["decision"].clone(), steps[0]["skip_reason"].clone()), (Value::Null, Value::Null));

    // The built-ins: IT's steps go to IT, the approval of a replacement to the employee's manager.
    let employee = post(
        &app,
        &admin("acme"),
        "/api/v1/employees",
        Some(json!({"email": "ana@acme.example", "first_name": "Ana", "last_name": "Silva",
                    "manager_email": "sam@acme.example"})),
    )
    .await;
    assert_status(&employee, StatusCode::CREATED, "employee");
    let replacement = post(
        &app,
        &admin("acme"),
        &format!("{WORKFLOWS}/from-template"),
        Some(json!({"template_key": "emergency_replacement", "employee_id": employee.data()["id"]})),
    )
    .await;
    let steps = &replacement.data()["steps"];
    assert_eq!(steps[1]["name"], "Approve Replacement");
    assert_eq!(
        (steps[1]["kind"].as_str(), steps[1]["assigned_to"].as_str()),
        (Some("approval"), Some("sam@acme.example"))
    );
    assert_eq!(steps[0]["assigned_to"], "it@acme.example");
    assert_eq!(steps[0]["due_date"], "2026-11-25", "created today, offset 0");
    // Without an employee, the employee's placeholders have no value.
    let onboarding = post(
        &app,
        &admin("acme"),
        &format!("{WORKFLOWS}/from-template"),
        Some(json!({"template_key": "new_employee"})),
    )
    .await;
    let training = &onboarding.data()["steps"][7];
    assert_eq!((training["name"].as_str(), &training["assigned_to"]), (Some("Week 1 - Training"), &Value::Null));

    for (step, field) in [
        (json!({"name": "x", "assignee": "nobody"}), "steps[0].assignee"),
        (json!({"name": "x", "due_offset_days": 366}), "steps[0].due_offset_days"),
        (json!({"name": "x", "estimated_hours": 0}), "steps[0].estimated_hours"),
    ] {
        let body = json!({"title": "t", "workflow_type": "audit", "steps": [step]});
        let refused = post(&app, &admin("acme"), WORKFLOWS, Some(body)).await;
        assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY, field);
        assert!(refused.body["errors"][field].is_array(), "{field}: {:?}", refused.body);
    }
}

pub async fn approvals_are_decided_by_their_assignee_or_an_admin(backend: Backend) {
    let app = app(backend).await;
    let id = at_the_approval(&app).await;
    let path = |action: &str| format!("{WORKFLOWS}/{id}/{action}");
    // In scope but not the approver: the team's manager and the workflow's assignee.
    for (who, caller) in [("manager", manager("sam@acme.example", "design")), ("assignee", user("uma@acme.example"))] {
        assert_status(&post(&app, &caller, &path("approve"), None).await, StatusCode::FORBIDDEN, who);
        let reject = post(&app, &caller, &path("reject"), Some(json!({"comment": "no"}))).await;
        assert_status(&reject, StatusCode::FORBIDDEN, who);
    }
    // An approval is neither advanced nor skipped.
    assert_status(&post(&app, &admin("acme"), &path("advance"), None).await, StatusCode::CONFLICT, "advance");
    let skip = post(&app, &admin("acme"), &path("skip"), Some(json!({"reason": "hurry"}))).await;
    assert_status(&skip, StatusCode::CONFLICT, "skip");
    assert_status(
        &post(&app, &user(APPROVER), &path("reject"), Some(json!({"expected_step": 1}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a comment",
    );
    let stale = post(&app, &user(APPROVER), &path("approve"), Some(json!({"expected_step": 0}))).await;
    assert_status(&stale, StatusCode::CONFLICT, "expected step 0");

    let approved =
        post(&app, &user(APPROVER), &path("approve"), Some(json!({"expected_step": 1, "comment": "Within budget"})))
            .await;
    assert_status(&approved, StatusCode::OK, "the approver approves");
    let step = &approved.data()["steps"][1];
    assert_eq!(step["completed"], true);
    assert_eq!(step["completed_by"], APPROVER);
    assert_eq!(step["decision"]["outcome"], "approved");
    assert_eq!(step["decision"]["by"], APPROVER);
    assert_eq!(step["decision"]["comment"], "Within budget");
    assert_eq!(approved.data()["current_step"], 2);
    // The next step is a task: approving it is 409 even for an admin.
    assert_status(&post(&app, &admin("acme"), &path("approve"), None).await, StatusCode::CONFLICT, "a task");
    let history = get(&app, &admin("acme"), &path("history")).await;
    assert_eq!(history.data().as_array().unwrap().last().unwrap()["action"], "workflow.step_approved");

    // An admin decides any approval; a rejection cancels the workflow and leaves the step open.
    let other = at_the_approval(&app).await;
    let rejected = post(
        &app,
        &admin("acme"),
        &format!("{WORKFLOWS}/{other}/reject"),
        Some(json!({"comment": "Buy it next quarter"})),
    )
    .await;
    assert_status(&rejected, StatusCode::OK, "an admin rejects");
    let workflow = rejected.data();
    assert_eq!(workflow["status"], "cancelled");
    assert_eq!(workflow["metadata"]["cancellation_reason"], "rejected at step 2: Buy it next quarter");
    assert_eq!(workflow["steps"][1]["completed"], false);
    assert_eq!(workflow["steps"][1]["decision"]["outcome"], "rejected");
    assert_eq!(workflow["current_step"], 1);

    // An approval without an assignee is the admins' alone.
    let body = json!({"title": "Unowned", "workflow_type": "audit", "team": "design",
                      "steps": [{"name": "Sign off", "kind": "approval"}]});
    let unowned = post(&app, &admin("acme"), WORKFLOWS, Some(body)).await.data()["id"].as_str().unwrap().to_owned();
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{unowned}/start"), None).await;
    let by_manager =
        post(&app, &manager("sam@acme.example", "design"), &format!("{WORKFLOWS}/{unowned}/approve"), None).await;
    assert_status(&by_manager, StatusCode::FORBIDDEN, "no assignee: not the manager");
    let by_admin = post(&app, &admin("acme"), &format!("{WORKFLOWS}/{unowned}/approve"), None).await;
    assert_status(&by_admin, StatusCode::OK, "no assignee: the admin");
}

pub async fn skip_counts_the_task_done_with_its_reason(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    let path = format!("{WORKFLOWS}/{id}/skip");
    let pending = post(&app, &admin("acme"), &path, Some(json!({"reason": "not needed"}))).await;
    assert_status(&pending, StatusCode::CONFLICT, "pending");
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await;
    let by_user = post(&app, &user("uma@acme.example"), &path, Some(json!({"reason": "not needed"}))).await;
    assert_status(&by_user, StatusCode::FORBIDDEN, "users do not skip");
    for bad in [json!({}), json!({"reason": "  "}), json!({"reason": "x".repeat(1001)})] {
        let refused = post(&app, &admin("acme"), &path, Some(bad.clone())).await;
        assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY, &bad.to_string());
    }
    let skipped = post(
        &app,
        &manager("sam@acme.example", "design"),
        &path,
        Some(json!({"reason": "Quote on file", "expected_step": 0})),
    )
    .await;
    assert_status(&skipped, StatusCode::OK, "a manager in scope skips");
    let step = &skipped.data()["steps"][0];
    assert_eq!((step["skipped"].clone(), step["completed"].clone()), (json!(true), json!(true)));
    assert_eq!(step["skip_reason"], "Quote on file");
    assert_eq!(step["completed_by"], "sam@acme.example");
    assert_eq!(skipped.data()["current_step"], 1);
    assert_eq!(skipped.data()["steps"][1]["started_at"], "2026-11-25T09:00:00Z", "the next step started");
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    let last = history.data().as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "workflow.step_skipped");
}

pub async fn notes_are_added_by_anyone_who_sees_the_workflow(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    let notes = |order: &str| format!("{WORKFLOWS}/{id}/steps/{order}/notes");
    let added = post(&app, &user("uma@acme.example"), &notes("2"), Some(json!({"text": "  Prefer the 27\"  "}))).await;
    assert_status(&added, StatusCode::CREATED, "the assignee notes");
    let note = added.data();
    assert_eq!(note["author"], "uma@acme.example");
    assert_eq!(note["text"], "Prefer the 27\"");
    assert_eq!(note["at"], "2026-11-25T09:00:00Z");
    assert!(note["id"].as_str().is_some_and(|id| uuid::Uuid::parse_str(id).is_ok()));
    assert_eq!(added.header("etag"), Some("\"2\""), "a note is a change of the workflow");
    let workflow = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!(workflow.data()["steps"][1]["notes"], json!([note]));
    assert_eq!(workflow.data()["version"], 2);
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    assert_eq!(history.data().as_array().unwrap().last().unwrap()["action"], "workflow.note_added");

    for order in ["0", "4", "x"] {
        let unknown = post(&app, &admin("acme"), &notes(order), Some(json!({"text": "hi"}))).await;
        assert_status(&unknown, StatusCode::NOT_FOUND, order);
    }
    for bad in [json!({"text": ""}), json!({"text": "x".repeat(2001)}), json!({})] {
        let refused = post(&app, &admin("acme"), &notes("1"), Some(bad.clone())).await;
        assert_status(&refused, StatusCode::UNPROCESSABLE_ENTITY, &bad.to_string());
    }
    let outsider = post(&app, &user("zed@acme.example"), &notes("1"), Some(json!({"text": "hi"}))).await;
    assert_status(&outsider, StatusCode::NOT_FOUND, "a caller who cannot see it");

    // 98 more notes straight in the store (a hundred requests would only test the emulator's
    // patience), then the 100th through the API.
    let tenant = TenantId::parse("acme").unwrap();
    let workflow_id = uuid::Uuid::parse_str(&id).unwrap();
    let before = app.store.get_workflow(&tenant, workflow_id).await.unwrap().unwrap();
    let mut after = before.clone();
    for index in 1..99 {
        let note =
            StepNote { id: uuid::Uuid::now_v7(), author: "a".into(), text: format!("note {index}"), at: test_now() };
        after.add_note(2, note, test_now()).unwrap();
    }
    let audit = AuditEntry::new(&tenant, "test", "workflow.note_added", TargetType::Workflow, &id, test_now())
        .with_diff(Some(&before), &after);
    app.store.update_workflow(&after, &before, &audit, &[]).await.unwrap();
    let hundredth = post(&app, &admin("acme"), &notes("2"), Some(json!({"text": "note 99"}))).await;
    assert_status(&hundredth, StatusCode::CREATED, "the 100th note");
    let full = post(&app, &admin("acme"), &notes("2"), Some(json!({"text": "one too many"}))).await;
    assert_status(&full, StatusCode::UNPROCESSABLE_ENTITY, "the 101st note");
    let listed = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    let texts: Vec<&str> =
        listed.data()["steps"][1]["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!((texts.len(), texts[1]), (100, "note 1"), "oldest first");

    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/cancel"), Some(json!({"reason": "dropped"}))).await;
    let closed = post(&app, &admin("acme"), &notes("1"), Some(json!({"text": "late"}))).await;
    assert_status(&closed, StatusCode::CONFLICT, "a cancelled workflow");
}

pub async fn step_assignees_change_through_the_workflow_patch(backend: Backend) {
    let app = app(backend).await;
    let id = at_the_approval(&app).await;
    let path = format!("{WORKFLOWS}/{id}");
    let patch = |body: Value| {
        let app = app.clone();
        let path = path.clone();
        async move { app.request(Method::PATCH, &path, Some(&admin("acme")), Some(body)).await }
    };
    let changed =
        patch(json!({"steps": [{"order": 3, "assigned_to": "lee@acme.example"}, {"order": 2, "assigned_to": null}]}))
            .await;
    assert_status(&changed, StatusCode::OK, "reassign steps 2 and 3");
    assert_eq!(changed.data()["steps"][2]["assigned_to"], "lee@acme.example");
    assert_eq!(changed.data()["steps"][1]["assigned_to"], Value::Null);
    let history = get(&app, &admin("acme"), &format!("{path}/history")).await;
    assert_eq!(history.data().as_array().unwrap().last().unwrap()["action"], "workflow.updated");

    let done = patch(json!({"steps": [{"order": 1, "assigned_to": "lee@acme.example"}]})).await;
    assert_status(&done, StatusCode::CONFLICT, "step 1 is done");
    for bad in [
        json!({"steps": []}),
        json!({"steps": null}),
        json!({"steps": [{"order": 9, "assigned_to": null}]}),
        json!({"steps": [{"order": 3}]}),
        json!({"steps": [{"order": 3, "assigned_to": "lee@acme.example", "name": "Renamed"}]}),
        json!({"steps": [{"order": 3, "assigned_to": "x"}, {"order": 3, "assigned_to": null}]}),
    ] {
        assert_status(&patch(bad.clone()).await, StatusCode::UNPROCESSABLE_ENTITY, &bad.to_string());
    }
    let unchanged = get(&app, &admin("acme"), &path).await;
    assert_eq!(unchanged.data()["version"], changed.data()["version"], "nothing refused was stored");
}

pub async fn an_activated_step_emails_its_assignee_once(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    let sent_to = |app: &TestApp| -> Vec<(String, String)> {
        (app.outbox.deliveries().into_iter())
            .filter_map(|delivery| match delivery {
                Delivery::Email { to, subject, .. } => Some((to, subject)),
                Delivery::Slack { .. } => None,
            })
            .collect()
    };
    let before = sent_to(&app).len();
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await;
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/steps/1/notes"), Some(json!({"text": "on it"}))).await;
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/advance"), None).await;
    let reassigned = app
        .request(
            Method::PATCH,
            &format!("{WORKFLOWS}/{id}"),
            Some(&admin("acme")),
            Some(json!({"steps": [{"order": 2, "assigned_to": "lee@acme.example"}]})),
        )
        .await;
    assert_status(&reassigned, StatusCode::OK, "reassign the active step");
    let emails = sent_to(&app)[before..].to_vec();
    let recipients: Vec<&str> = emails.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(recipients, ["it@acme.example", APPROVER, "lee@acme.example"], "{emails:?}");
    assert!(emails[1].1.contains("Step 2: Approve the spend"), "{emails:?}");
}

pub async fn a_step_assignee_sees_the_workflow_only_while_their_step_is_active(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    let approver = user(APPROVER);
    let path = format!("{WORKFLOWS}/{id}");
    assert_status(&get(&app, &approver, &path).await, StatusCode::NOT_FOUND, "pending: not theirs yet");
    post(&app, &admin("acme"), &format!("{path}/start"), None).await;
    assert_status(&get(&app, &approver, &path).await, StatusCode::NOT_FOUND, "step 1 active");
    post(&app, &admin("acme"), &format!("{path}/advance"), None).await;

    assert_status(&get(&app, &approver, &path).await, StatusCode::OK, "their step is active");
    assert_status(&get(&app, &approver, &format!("{path}/history")).await, StatusCode::OK, "history");
    let listed = get(&app, &approver, WORKFLOWS).await;
    assert_eq!(listed.data(), &json!([]), "lists keep the role scope");
    // Nothing but their step.
    for (route, method, body) in [
        ("patch", Method::PATCH, Some(json!({"title": "Mine now"}))),
        ("cancel", Method::POST, Some(json!({"reason": "no"}))),
        ("skip", Method::POST, Some(json!({"reason": "no"}))),
        ("complete", Method::POST, None),
        ("start", Method::POST, None),
    ] {
        let suffix = if route == "patch" { String::new() } else { format!("/{route}") };
        let refused = app.request(method, &format!("{path}{suffix}"), Some(&approver), body).await;
        assert_status(&refused, StatusCode::FORBIDDEN, route);
    }
    let noted = post(&app, &approver, &format!("{path}/steps/2/notes"), Some(json!({"text": "Looking"}))).await;
    assert_status(&noted, StatusCode::CREATED, "a note");
    assert_status(&post(&app, &approver, &format!("{path}/approve"), None).await, StatusCode::OK, "approve");
    assert_status(&get(&app, &approver, &path).await, StatusCode::NOT_FOUND, "their step is done");

    // A manager of another team who owns the active step may advance it, nothing more.
    let lee = manager("lee@acme.example", "sales");
    let patched = app
        .request(
            Method::PATCH,
            &path,
            Some(&admin("acme")),
            Some(json!({"steps": [{"order": 3, "assigned_to": "lee@acme.example"}]})),
        )
        .await;
    assert_status(&patched, StatusCode::OK, "give step 3 to lee");
    let cancel = post(&app, &lee, &format!("{path}/cancel"), Some(json!({"reason": "no"}))).await;
    assert_status(&cancel, StatusCode::FORBIDDEN, "lee cancels");
    assert_status(&post(&app, &lee, &format!("{path}/advance"), None).await, StatusCode::OK, "lee advances");
    assert_status(
        &post(&app, &lee, &format!("{path}/complete"), None).await,
        StatusCode::NOT_FOUND,
        "no step is lee's",
    );
}

async fn race(app: &TestApp, requests: Vec<(String, String, Value)>) -> Vec<StatusCode> {
    let calls = requests.into_iter().map(|(token, path, body)| {
        let app = app.clone();
        tokio::spawn(async move { app.request(Method::POST, &path, Some(&token), Some(body)).await.status })
    });
    join_all(calls).await.into_iter().map(|joined| joined.unwrap()).collect()
}

/// Exactly one request won; the others lost with 409, or with 404 for a step assignee who no
/// longer sees the workflow once the step they raced for is done.
fn one_winner(statuses: &[StatusCode]) {
    let wins = statuses.iter().filter(|status| **status == StatusCode::OK).count();
    assert_eq!(wins, 1, "{statuses:?}");
    let lost = [StatusCode::OK, StatusCode::CONFLICT, StatusCode::NOT_FOUND];
    assert!(statuses.iter().all(|status| lost.contains(status)), "{statuses:?}");
}

pub async fn two_approvals_of_one_step_have_one_winner(backend: Backend) {
    let app = app(backend).await;
    let id = at_the_approval(&app).await;
    let path = format!("{WORKFLOWS}/{id}/approve");
    let requests = (0..8)
        .map(|index| {
            let caller = if index % 2 == 0 { admin("acme") } else { user(APPROVER) };
            (caller, path.clone(), json!({"comment": format!("approval {index}")}))
        })
        .collect();
    one_winner(&race(&app, requests).await);
    let workflow = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!(workflow.data()["current_step"], 2, "one step decided, once");
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    let approvals =
        history.data().as_array().unwrap().iter().filter(|e| e["action"] == "workflow.step_approved").count();
    assert_eq!(approvals, 1);
}

pub async fn skip_racing_advance_has_one_winner(backend: Backend) {
    let app = app(backend).await;
    let id = three_steps(&app).await;
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await;
    let requests = (0..8)
        .map(|index| {
            let (action, body) = if index % 2 == 0 {
                ("skip", json!({"reason": "done elsewhere", "expected_step": 0}))
            } else {
                ("advance", json!({"expected_step": 0}))
            };
            (admin("acme"), format!("{WORKFLOWS}/{id}/{action}"), body)
        })
        .collect();
    one_winner(&race(&app, requests).await);
    let workflow = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}")).await;
    assert_eq!((workflow.data()["current_step"].clone(), workflow.data()["version"].clone()), (json!(1), json!(3)));
}

/// A started custom workflow whose first step goes to IT, due `offset` days after today, with an
/// estimate of `hours`.
async fn it_task(app: &TestApp, title: &str, offset: Option<u32>, hours: f64, start: bool) -> String {
    let mut step = json!({"name": "Do it", "assignee": "it", "estimated_hours": hours});
    if let Some(offset) = offset {
        step["due_offset_days"] = json!(offset);
    }
    let body = json!({"title": title, "workflow_type": "maintenance", "steps": [step, {"name": "Check", "assignee": "sam@acme.example"}]});
    let created = post(app, &admin("acme"), WORKFLOWS, Some(body)).await;
    assert_status(&created, StatusCode::CREATED, title);
    let id = created.data()["id"].as_str().unwrap().to_owned();
    if start {
        assert_status(
            &post(app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await,
            StatusCode::OK,
            title,
        );
    }
    id
}

fn titles(response: &TestResponse) -> Vec<String> {
    (response.data().as_array().unwrap().iter())
        .map(|task| task["workflow"]["title"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn tasks_list_a_persons_active_steps_soonest_due_first(backend: Backend) {
    let clock = crate::ManualClock::at("2026-11-25T09:00:00Z");
    let app = TestApp::with_clock(backend, clock.clone()).await;
    app.add_tenant("acme").await;
    it_task(&app, "due in 3 days", Some(3), 100.0, true).await;
    it_task(&app, "no due date", None, 1.0, true).await;
    let first_of_tomorrow = it_task(&app, "due tomorrow, older", Some(1), 100.0, true).await;
    it_task(&app, "due tomorrow, newer", Some(1), 100.0, true).await;
    it_task(&app, "not started", Some(0), 100.0, false).await;
    let it_email = "it@acme.example";
    let expected = ["due tomorrow, older", "due tomorrow, newer", "due in 3 days", "no due date"];

    let all = get(&app, &admin("acme"), &format!("/api/v1/tasks?assigned_to={it_email}")).await;
    assert_status(&all, StatusCode::OK, "an admin asks for IT's tasks");
    assert_eq!(titles(&all), expected);
    let first = &all.data()[0];
    assert_eq!(first["step"]["order"], 1);
    assert_eq!(first["step"]["assigned_to"], it_email);
    assert_eq!(first["step"]["due_date"], "2026-11-26");
    assert!(first["workflow"].get("steps").is_none(), "the workflow in its list form");
    let own = get(&app, &user(it_email), "/api/v1/tasks").await;
    assert_eq!(titles(&own), expected, "the caller's own tasks by default");

    // Pages of one walk the list once, in order; a cursor works only for its own list.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/tasks?limit=1&cursor={cursor}"),
            None => "/api/v1/tasks?limit=1".to_owned(),
        };
        let page = get(&app, &user(it_email), &path).await;
        assert_status(&page, StatusCode::OK, &path);
        walked.extend(titles(&page));
        match page.body["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        let other_list =
            get(&app, &user(it_email), &format!("/api/v1/tasks?overdue=true&cursor={}", cursor.as_deref().unwrap()))
                .await;
        assert_status(&other_list, StatusCode::BAD_REQUEST, "a cursor of another list");
    }
    assert_eq!(walked, expected);

    for (who, caller) in [("user", user(it_email)), ("manager", manager("sam@acme.example", "design"))] {
        let refused = get(&app, &caller, "/api/v1/tasks?assigned_to=ana@acme.example").await;
        assert_status(&refused, StatusCode::FORBIDDEN, who);
    }
    assert_eq!(get(&app, &user("ana@acme.example"), "/api/v1/tasks").await.data(), &json!([]), "nothing of ana's");

    // Advancing moves the task to the next step's assignee.
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{first_of_tomorrow}/advance"), None).await;
    assert_eq!(titles(&get(&app, &user(it_email), "/api/v1/tasks").await).len(), 3);
    assert_eq!(titles(&get(&app, &user("sam@acme.example"), "/api/v1/tasks").await), ["due tomorrow, older"]);

    // Two days later: the steps due tomorrow are overdue, and so is the step without a due date
    // that has run longer than twice its estimate of an hour.
    clock.set("2026-11-27T09:00:00Z");
    let overdue = get(&app, &user(it_email), "/api/v1/tasks?overdue=true").await;
    assert_eq!(titles(&overdue), ["due tomorrow, newer", "no due date"]);
    clock.set("2026-11-25T10:59:00Z");
    let not_yet = get(&app, &user(it_email), "/api/v1/tasks?overdue=true").await;
    assert_eq!(titles(&not_yet), Vec::<String>::new(), "an hour and 59 minutes is within twice the estimate");
}

pub async fn audit_entries_hold_only_what_changed(backend: Backend) {
    let app = app(backend).await;
    let created = post(
        &app,
        &admin("acme"),
        &format!("{WORKFLOWS}/from-template"),
        Some(json!({"template_key": "new_employee"})),
    )
    .await;
    let id = created.data()["id"].as_str().unwrap().to_owned();
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/start"), None).await;
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/advance"), None).await;
    post(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/steps/2/notes"), Some(json!({"text": "Laptop reserved"})))
        .await;
    let history = get(&app, &admin("acme"), &format!("{WORKFLOWS}/{id}/history")).await;
    let entries = history.data().as_array().unwrap();
    let advance = &entries[2];
    assert_eq!(advance["action"], "workflow.step_advanced");
    let steps = advance["changes"]["steps"].as_object().unwrap();
    assert_eq!(steps.keys().collect::<Vec<_>>(), ["1", "2"], "only the steps the advance touched");
    assert_eq!(steps["1"]["completed"], json!({"from": false, "to": true}));
    assert!(steps["1"].get("instructions").is_none(), "unchanged texts are not copied");
    let size = advance.to_string().len();
    assert!(size < 1024, "an advance's audit entry is under 1 KB, not {size} bytes");
    let note = &entries[3]["changes"]["steps"]["2"]["notes"]["0"];
    assert_eq!((note["from"].clone(), note["to"]["text"].clone()), (Value::Null, json!("Laptop reserved")));
}
