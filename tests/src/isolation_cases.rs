//! Tenant and role isolation (contract §2), generated from tables rather than hand-copied:
//! every workflow route × every tenant role × every kind of target, and a property test of
//! random request interleavings across five tenants.

use axum::http::{Method, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use shared::domain::caller::Role;

use crate::{Backend, TestApp, TestResponse, admin, token};

/// Every route that names a workflow, with a body that is valid for it.
fn workflow_routes() -> Vec<(&'static str, Method, &'static str, Option<Value>)> {
    vec![
        ("get", Method::GET, "", None),
        ("history", Method::GET, "/history", None),
        ("patch", Method::PATCH, "", Some(json!({"title": "Renamed"}))),
        ("start", Method::POST, "/start", None),
        ("advance", Method::POST, "/advance", None),
        ("complete", Method::POST, "/complete", None),
        ("cancel", Method::POST, "/cancel", Some(json!({"reason": "matrix"}))),
        ("approve", Method::POST, "/approve", None),
        ("reject", Method::POST, "/reject", Some(json!({"comment": "matrix"}))),
        ("skip", Method::POST, "/skip", Some(json!({"reason": "matrix"}))),
        ("notes", Method::POST, "/steps/1/notes", Some(json!({"text": "matrix"}))),
    ]
}

/// An acme caller of the matrix.
struct MatrixCaller {
    role: &'static str,
    token: String,
    /// Whether the role may use a route on a workflow it can see.
    may: fn(&str) -> bool,
}

/// Where the matrix's callers get their tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tokens {
    /// Signed by hand with the claims of each role.
    HandMade,
    /// Invited through the users API (the first admin by a platform admin), each signing in with
    /// the claims of their record.
    Invited,
}

/// The acme people of the matrix: (role, email, team).
const PEOPLE: [(&str, &str, Option<&str>); 3] = [
    ("admin", "admin@acme.example", None),
    ("manager", "max@acme.example", Some("it")),
    ("user", "uma@acme.example", None),
];

async fn callers(app: &TestApp, tokens: Tokens) -> Vec<MatrixCaller> {
    let mut callers = Vec::new();
    for (role, email, team) in PEOPLE {
        let token = match tokens {
            Tokens::HandMade => {
                let role = serde_json::from_value(json!(role)).expect("a role");
                token(role, Some("acme"), Some(email), team)
            }
            Tokens::Invited => {
                let (path, inviter) = match role {
                    "admin" => ("/api/v1/tenants/acme/users".to_owned(), crate::user_cases::platform()),
                    _ => (
                        "/api/v1/users".to_owned(),
                        callers.first().map(|admin: &MatrixCaller| admin.token.clone()).expect("the admin first"),
                    ),
                };
                let body = json!({"email": email, "role": role, "team": team});
                let invited = app.request(Method::POST, &path, Some(&inviter), Some(body)).await;
                assert_eq!(invited.status, StatusCode::CREATED, "{role}: {:?}", invited.body);
                crate::user_token(invited.data())
            }
        };
        let may: fn(&str) -> bool = match role {
            "user" => {
                |route| matches!(route, "get" | "history" | "advance" | "complete" | "approve" | "reject" | "notes")
            }
            _ => |_| true,
        };
        callers.push(MatrixCaller { role, token, may });
    }
    callers
}

async fn create(app: &TestApp, tenant: &str, body: Value) -> String {
    let response = app.request(Method::POST, "/api/v1/workflows/from-template", Some(&admin(tenant)), Some(body)).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.data()["id"].as_str().unwrap().to_owned()
}

/// A workflow every acme caller can see: the manager's team, assigned to the user; started so
/// that advance and complete are meaningful.
async fn visible_to_everyone(app: &TestApp) -> String {
    let id = create(
        app,
        "acme",
        json!({"template_key": "emergency_replacement", "team": "it", "assigned_to": "uma@acme.example"}),
    )
    .await;
    app.request(Method::POST, &format!("/api/v1/workflows/{id}/start"), Some(&admin("acme")), None).await;
    id
}

/// The matrix for callers with hand-made tokens, then for invited users: one after the other, so
/// that the emulator serves one matrix at a time.
pub async fn the_role_and_route_matrix_holds(backend: Backend) {
    role_and_route_matrix(backend, Tokens::HandMade).await;
    role_and_route_matrix(backend, Tokens::Invited).await;
}

async fn role_and_route_matrix(backend: Backend, tokens: Tokens) {
    let app = TestApp::new(backend).await;
    app.add_tenant("acme").await;
    app.add_tenant("globex").await;
    let other_tenants = create(
        &app,
        "globex",
        json!({"template_key": "new_employee", "team": "it", "assigned_to": "uma@acme.example"}),
    )
    .await;
    let out_of_scope = create(
        &app,
        "acme",
        json!({"template_key": "new_employee", "team": "sales", "assigned_to": "someone@acme.example"}),
    )
    .await;

    let mut cases = 0;
    for MatrixCaller { role, token, may } in callers(&app, tokens).await {
        for (route, method, suffix, body) in workflow_routes() {
            // Another tenant's workflow, and (but for admins) one outside the caller's scope: 404, no data.
            let mut hidden = vec![("other tenant", other_tenants.clone())];
            if role != "admin" {
                hidden.push(("out of scope", out_of_scope.clone()));
            }
            for (target, id) in hidden {
                let response = app
                    .request(method.clone(), &format!("/api/v1/workflows/{id}{suffix}"), Some(&token), body.clone())
                    .await;
                assert_eq!(response.status, StatusCode::NOT_FOUND, "{role} {route} on {target}: {:?}", response.body);
                assert!(response.body.get("data").is_none(), "{role} {route} on {target} leaked data");
                cases += 1;
            }
            // A workflow in scope: the role decides between 403 and doing it (or a 409 of the state machine).
            let id = visible_to_everyone(&app).await;
            let response = app
                .request(method.clone(), &format!("/api/v1/workflows/{id}{suffix}"), Some(&token), body.clone())
                .await;
            if may(route) {
                assert!(
                    response.status.is_success() || response.status == StatusCode::CONFLICT,
                    "{role} {route} in scope: {:?}",
                    response.body
                );
            } else {
                assert_eq!(response.status, StatusCode::FORBIDDEN, "{role} {route} in scope");
            }
            cases += 1;
        }
        // The routes without an id never show another tenant's or an out-of-scope workflow.
        let listed =
            app.request(Method::GET, "/api/v1/workflows?include_archived=true&limit=100", Some(&token), None).await;
        for workflow in listed.data().as_array().unwrap() {
            assert_eq!(workflow["tenant_id"], "acme", "{role} listed another tenant's workflow");
            assert_ne!(
                workflow["id"].as_str(),
                Some(out_of_scope.as_str()).filter(|_| role != "admin"),
                "{role} listed out of scope"
            );
        }
        let create_status = app
            .request(
                Method::POST,
                "/api/v1/workflows/from-template",
                Some(&token),
                Some(json!({"template_key": "new_employee"})),
            )
            .await
            .status;
        assert_eq!(create_status == StatusCode::FORBIDDEN, role == "user", "{role} create");
        cases += 2;
    }
    // A platform administrator reaches no tenant data at all.
    let platform = token(Role::PlatformAdmin, None, Some("ops@assetronics.example"), None);
    for (route, method, suffix, body) in workflow_routes() {
        let response =
            app.request(method, &format!("/api/v1/workflows/{other_tenants}{suffix}"), Some(&platform), body).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "platform admin {route}");
        cases += 1;
    }
    println!("role x route x target matrix: {cases} cases on {backend:?}, {tokens:?} tokens");
}

/// One request of a random interleaving.
#[derive(Debug, Clone)]
enum Step {
    Create { tenant: usize, assigned: bool },
    List { tenant: usize },
    Get { tenant: usize, pick: usize },
    Start { tenant: usize, pick: usize },
    Cancel { tenant: usize, pick: usize },
    History { tenant: usize, pick: usize },
}

const TENANTS: [&str; 5] = ["t-one", "t-two", "t-three", "t-four", "t-five"];

fn step() -> impl Strategy<Value = Step> {
    let tenant = 0..TENANTS.len();
    prop_oneof![
        (tenant.clone(), any::<bool>()).prop_map(|(tenant, assigned)| Step::Create { tenant, assigned }),
        tenant.clone().prop_map(|tenant| Step::List { tenant }),
        (tenant.clone(), any::<usize>()).prop_map(|(tenant, pick)| Step::Get { tenant, pick }),
        (tenant.clone(), any::<usize>()).prop_map(|(tenant, pick)| Step::Start { tenant, pick }),
        (tenant.clone(), any::<usize>()).prop_map(|(tenant, pick)| Step::Cancel { tenant, pick }),
        (tenant, any::<usize>()).prop_map(|(tenant, pick)| Step::History { tenant, pick }),
    ]
}

/// Every workflow in a response belongs to `tenant`.
fn only_tenant(response: &TestResponse, tenant: &str) -> Result<(), TestCaseError> {
    let workflows: Vec<&Value> = match response.data() {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    };
    for workflow in workflows {
        let owner = workflow.get("tenant_id").and_then(Value::as_str);
        prop_assert!(owner == Some(tenant), "{tenant} received an item of {owner:?}");
    }
    Ok(())
}

async fn run_interleaving(backend: Backend, steps: Vec<Step>) -> Result<usize, TestCaseError> {
    let app = TestApp::new(backend).await;
    for tenant in TENANTS {
        app.add_tenant(tenant).await;
    }
    // Every id created so far, with its tenant: callers ask for ids of all tenants.
    let mut ids: Vec<(usize, String)> = Vec::new();
    let mut requests = 0;
    for step in steps {
        let (tenant, path, method, body, pick) = match step {
            Step::Create { tenant, assigned } => {
                let body = json!({"template_key": "new_employee", "assigned_to": assigned.then_some("it@example.com")});
                (tenant, "/api/v1/workflows/from-template".to_owned(), Method::POST, Some(body), None)
            }
            Step::List { tenant } => (tenant, "/api/v1/workflows?limit=100".to_owned(), Method::GET, None, None),
            Step::Get { tenant, pick } => (tenant, String::new(), Method::GET, None, Some((pick, ""))),
            Step::Start { tenant, pick } => (tenant, String::new(), Method::POST, None, Some((pick, "/start"))),
            Step::Cancel { tenant, pick } => {
                (tenant, String::new(), Method::POST, Some(json!({"reason": "property"})), Some((pick, "/cancel")))
            }
            Step::History { tenant, pick } => (tenant, String::new(), Method::GET, None, Some((pick, "/history"))),
        };
        let target = pick.and_then(|(pick, suffix)| (!ids.is_empty()).then(|| (ids[pick % ids.len()].clone(), suffix)));
        let path = match &target {
            Some(((_, id), suffix)) => format!("/api/v1/workflows/{id}{suffix}"),
            None if pick.is_some() => continue,
            None => path,
        };
        let response = app.request(method, &path, Some(&admin(TENANTS[tenant])), body).await;
        requests += 1;
        match &target {
            Some(((owner, _), _)) if *owner != tenant => {
                prop_assert_eq!(
                    response.status,
                    StatusCode::NOT_FOUND,
                    "{} reached another tenant's {}",
                    TENANTS[tenant],
                    path
                );
                prop_assert!(response.body.get("data").is_none());
            }
            _ if path.ends_with("/history") => {
                for entry in response.data().as_array().into_iter().flatten() {
                    prop_assert_eq!(entry["tenant_id"].as_str(), Some(TENANTS[tenant]));
                }
            }
            _ => only_tenant(&response, TENANTS[tenant])?,
        }
        if response.status == StatusCode::CREATED {
            ids.push((tenant, response.data()["id"].as_str().unwrap().to_owned()));
        }
    }
    Ok(requests)
}

/// Runs `cases` random interleavings of `length` requests; returns the number of requests made.
pub fn random_interleavings_never_cross_tenants(backend: Backend, cases: u32, length: usize) -> usize {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let total = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = total.clone();
    runner
        .run(&proptest::collection::vec(step(), length), |steps| {
            let requests = runtime.block_on(run_interleaving(backend, steps))?;
            counted.fetch_add(requests, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("tenant isolation broke: {failure}"));
    total.load(std::sync::atomic::Ordering::SeqCst)
}
