//! The local server: every route group in one process, on the embedded store by default or on
//! DynamoDB (`STORE=dynamodb`), seeded with a demo tenant.

pub mod console;
pub mod live;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use chrono::{DateTime, Days, Utc};
use serde::Deserialize;
use shared::adapters::outbox::{LoggedEvents, Outbox};
use shared::auth::{Claims, sign_hs256};
use shared::clock::Clock;
use shared::config::ApiConfig;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::directory::{Asset, AssetCategory, AssetDraft, Employee, EmployeeDraft, EmployeeStatus};
use shared::domain::jobs::{JobName, JobRecord, Occasion};
use shared::domain::template::Template;
use shared::domain::tenant::{Tenant, Timezone};
use shared::domain::validation::{Email, Team, TenantId};
use shared::domain::workflow::{StepPeople, TriggeredBy, Workflow, WorkflowDraft};
use shared::http::AppError;
use shared::http::AppState;
use shared::http::extract::ApiQuery;
use shared::http::response::{Data, data};
use shared::notify::Channels;
use shared::ports::{Store, StoreError};
use shared::store::dynamo::DynamoStore;
use shared::store::memory::MemoryStore;
use uuid::Uuid;

/// Every route group, as one router.
pub fn routes() -> Router<AppState> {
    templates::routes()
        .merge(workflows::routes())
        .merge(tenants::routes())
        .merge(directory::routes())
        .merge(webhooks::routes())
}

/// What only the local server has: the outbox of "sent" mail and the hub of `/ws` sockets.
#[derive(Clone)]
pub struct Local {
    pub outbox: Arc<Outbox>,
    pub hub: Arc<live::Hub>,
    /// The built web console (`WEB_DIST`, else `web/dist`).
    pub console_dist: PathBuf,
}

impl Local {
    pub fn new(clock: Arc<dyn shared::clock::Clock>) -> Self {
        Self { outbox: Arc::new(Outbox::new(clock)), hub: Arc::default(), console_dist: console::dist_from_env() }
    }

    /// Mail and chat into the outbox, events to the log.
    pub fn channels(&self) -> Channels {
        Channels { mailer: self.outbox.clone(), chat: self.outbox.clone(), events: Arc::new(LoggedEvents) }
    }
}

/// The served application, with the local-only routes and the web console.
pub fn app(state: AppState, config: &ApiConfig, local: &Local) -> Router {
    let (outbox, hub) = (local.outbox.clone(), local.hub.clone());
    let secret = config.auth.hs256_secret.clone().unwrap_or_default();
    let local_routes = Router::new()
        .route("/local/outbox", get(move || show_outbox(outbox.clone())))
        .route("/local/sign-in", get(move |state| sign_in(state, secret.clone())))
        .route("/config.json", get(console::runtime_config))
        .route("/ws", get(move |state, query, upgrade| live::websocket(state, query, upgrade, hub.clone())));
    // A job run is not an API request: it walks every tenant and may take longer than a
    // request's time budget (deployed, it is a Lambda of its own with a 300 s timeout).
    let job_runs = Router::new().route("/local/jobs/{name}", post(run_job)).with_state(state.clone());
    let dist = local.console_dist.clone();
    shared::http::app::api_with_fallback(routes().merge(local_routes), &openapi(), state, config, move |request| {
        console::serve(dist.clone(), request)
    })
    .merge(job_runs)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobQuery {
    /// Run as if the date were this (every tenant's "today").
    today: Option<NaiveDate>,
    /// Run as the hourly schedule would fire at this instant.
    at: Option<DateTime<Utc>>,
}

/// `POST /local/jobs/{name}?today=YYYY-MM-DD` runs a job now for every tenant (as on that date,
/// or each on its own); `?at=<instant>` runs it as its hourly schedule would at that instant.
/// Answers the run's history record.
async fn run_job(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(query): ApiQuery<JobQuery>,
) -> Result<axum::Json<Data<JobRecord>>, AppError> {
    let job = JobName::parse(&name).ok_or_else(|| AppError::NotFound(format!("no job {name}")))?;
    let occasion = match (query.today, query.at) {
        (Some(_), Some(_)) => return Err(AppError::BadRequest("give `today` or `at`, not both".to_owned())),
        (today, None) => Occasion::EveryTenant(today),
        (None, Some(at)) => Occasion::Schedule(at),
    };
    Ok(data(state.jobs().run(job, occasion).await?.record))
}

/// `GET /local/outbox`: every email and Slack post "sent", oldest first.
async fn show_outbox(outbox: Arc<Outbox>) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "data": outbox.deliveries() }))
}

/// The OpenAPI document of every route group, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    shared::http::openapi::document([
        templates::openapi(),
        workflows::openapi(),
        tenants::openapi(),
        directory::openapi(),
        webhooks::openapi(),
    ])
}

/// Which store the local server runs on, from `STORE` (`memory`, the default, or `dynamodb`),
/// with the embedded store's change feed for `/ws` (DynamoDB's is its stream, which the local
/// server does not read: live updates need the embedded store or the AWS broadcaster).
pub async fn store_from_env() -> Result<(Arc<dyn Store>, Option<Feed>), Box<dyn std::error::Error>> {
    match std::env::var("STORE").as_deref() {
        Ok("dynamodb") => {
            if std::env::var_os("TABLE_NAME").is_none() {
                // SAFETY: called at start-up, before any other thread reads the environment.
                unsafe { std::env::set_var("TABLE_NAME", "assetronics") };
            }
            let store = DynamoStore::from_env().await?;
            shared::store::dynamo::table::ensure_table(store.client(), &ApiConfig::table_name()?).await?;
            Ok((Arc::new(store), None))
        }
        Ok("memory") | Err(_) => {
            let store = match std::env::var_os("DATA_PATH") {
                Some(path) => MemoryStore::persistent(&PathBuf::from(path))?,
                None => MemoryStore::new(),
            };
            let feed = store.subscribe();
            Ok((Arc::new(store), Some(feed)))
        }
        Ok(other) => Err(format!("STORE must be memory or dynamodb, not {other}").into()),
    }
}

/// The embedded store's change feed.
pub type Feed = tokio::sync::broadcast::Receiver<shared::store::memory::WorkflowChangeRecord>;

pub const DEMO_TENANT: &str = "demo";

/// A person the console can sign in as locally.
struct DemoUser {
    id: &'static str,
    email: &'static str,
    name: &'static str,
    role: Role,
    team: Option<&'static str>,
}

/// The demo tenant's people, one of each role: the manager leads the design team (the seeded
/// onboarding of Maria Lopez is theirs) and the user is the IT engineer receiving the ThinkPad.
const DEMO_USERS: [DemoUser; 3] = [
    DemoUser { id: "demo-admin", email: "admin@demo.example", name: "Alex Admin", role: Role::Admin, team: None },
    DemoUser {
        id: "demo-manager",
        email: "sam.taylor@demo.example",
        name: "Sam Taylor",
        role: Role::Manager,
        team: Some("design"),
    },
    DemoUser { id: "demo-user", email: "priya.nair@demo.example", name: "Priya Nair", role: Role::User, team: None },
];

/// How long a local sign-in lasts.
const SIGN_IN_HOURS: i64 = 12;

fn demo_token(user: &DemoUser, jwt_secret: &str, expires: DateTime<Utc>) -> String {
    let claims = Claims {
        sub: user.id.to_owned(),
        email: Some(user.email.to_owned()),
        tenant: Some(DEMO_TENANT.to_owned()),
        role: user.role,
        team: user.team.map(str::to_owned),
        exp: expires.timestamp().unsigned_abs(),
        nbf: None,
        iat: None,
        iss: None,
        aud: None,
    };
    sign_hs256(jwt_secret.as_bytes(), &claims)
}

#[derive(Debug, serde::Serialize)]
struct SignInChoice {
    id: &'static str,
    tenant_id: &'static str,
    email: &'static str,
    name: &'static str,
    role: Role,
    team: Option<&'static str>,
    /// A fresh token for this person, valid for [`SIGN_IN_HOURS`].
    token: String,
}

/// `GET /local/sign-in` (contract §11, local only): the people the console may sign in as, each
/// with a ready token. Empty when the demo tenant was not seeded.
async fn sign_in(
    State(state): State<AppState>,
    jwt_secret: String,
) -> Result<axum::Json<Data<Vec<SignInChoice>>>, AppError> {
    let tenant_id = TenantId::parse(DEMO_TENANT).expect("a valid tenant id");
    if state.store.get_tenant(&tenant_id).await?.is_none() {
        return Ok(data(Vec::new()));
    }
    let expires = state.clock.now() + chrono::Duration::hours(SIGN_IN_HOURS);
    let choices = DEMO_USERS
        .iter()
        .map(|user| SignInChoice {
            id: user.id,
            tenant_id: DEMO_TENANT,
            email: user.email,
            name: user.name,
            role: user.role,
            team: user.team,
            token: demo_token(user, &jwt_secret, expires),
        })
        .collect();
    Ok(data(choices))
}

/// Creates the demo tenant with a few workflows unless it exists, and returns a 30-day admin
/// token for it.
pub async fn seed_demo(store: &dyn Store, clock: &dyn Clock, jwt_secret: &str) -> Result<String, StoreError> {
    let tenant_id = TenantId::parse(DEMO_TENANT).expect("a valid tenant id");
    let now = clock.now();
    if store.get_tenant(&tenant_id).await?.is_none() {
        let tenant = Tenant::new(
            tenant_id.clone(),
            "Demo Company".to_owned(),
            Email::parse("it@demo.example").expect("valid"),
            Email::parse("workflows@demo.example").expect("valid"),
            Timezone::utc(),
            now,
        );
        let audit = AuditEntry::new(&tenant_id, "system:seed", "tenant.created", TargetType::Tenant, &tenant_id, now)
            .with_diff(None, &tenant);
        store.create_tenant(&tenant, &audit).await?;
        seed_directory_and_workflows(store, &tenant, now).await?;
    }
    Ok(demo_token(&DEMO_USERS[0], jwt_secret, now + chrono::Duration::days(30)))
}

/// A few realistic people, devices and workflows about them.
async fn seed_directory_and_workflows(
    store: &dyn Store,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let audit = |action: &str, target: TargetType, id: Uuid| {
        AuditEntry::new(&tenant.id, "system:seed", action, target, id, now)
    };
    let today = tenant.today(now);
    let people = [
        ("maria.lopez@demo.example", "Maria", "Lopez", "design", "Product Designer"),
        ("tom.becker@demo.example", "Tom", "Becker", "sales", "Account Executive"),
        ("priya.nair@demo.example", "Priya", "Nair", "it", "IT Support Engineer"),
        ("jonas.weber@demo.example", "Jonas", "Weber", "engineering", "Backend Engineer"),
    ];
    let mut employees = Vec::new();
    for (email, first_name, last_name, team, title) in people {
        let draft = EmployeeDraft {
            email: Email::parse(email).expect("valid"),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            team: Team::parse(team).ok(),
            title: Some(title.to_owned()),
            manager_email: None,
            start_date: today.checked_sub_days(Days::new(400)),
            termination_date: None,
            status: EmployeeStatus::Active,
            hris_id: None,
        };
        let employee =
            Employee::create(Uuid::now_v7(), tenant.id.clone(), draft, None, now).expect("valid demo employee");
        store
            .insert_employee(
                &employee,
                &audit("employee.created", TargetType::Employee, employee.id).with_diff(None, &employee),
            )
            .await?;
        employees.push(employee);
    }
    let tom = employees[1].id;
    let devices = [
        ("LT-0001", "MacBook Pro 14\" M3", AssetCategory::Laptop, Some(tom)),
        ("PH-0001", "iPhone 15", AssetCategory::Phone, Some(tom)),
        ("LT-0002", "ThinkPad X1 Carbon Gen 12", AssetCategory::Laptop, None),
        ("MN-0001", "Dell UltraSharp U2723QE", AssetCategory::Monitor, None),
    ];
    let mut assets = Vec::new();
    for (tag, name, category, assigned_employee_id) in devices {
        let draft = AssetDraft {
            asset_tag: tag.to_owned(),
            serial_number: Some(format!("SN-{tag}")),
            name: name.to_owned(),
            category,
            status: None,
            assigned_employee_id,
        };
        let asset = Asset::create(Uuid::now_v7(), tenant.id.clone(), draft, now).expect("valid demo asset");
        store
            .insert_asset(&asset, &audit("asset.created", TargetType::Asset, asset.id).with_diff(None, &asset))
            .await?;
        assets.push(asset);
    }
    let samples = [
        (
            "incoming_hardware",
            "Receive ThinkPad X1 for Jonas Weber",
            Some(&employees[3]),
            Some(&assets[2]),
            DEMO_USERS[2].email,
        ),
        ("new_employee", "Onboard Maria Lopez (Design)", Some(&employees[0]), None, tenant.it_email.as_str()),
        (
            "equipment_return",
            "Collect equipment from Tom Becker",
            Some(&employees[1]),
            Some(&assets[0]),
            tenant.it_email.as_str(),
        ),
    ];
    for (key, title, employee, asset, assignee) in samples {
        let template = Template::builtin(key).expect("a built-in template");
        let mut draft = WorkflowDraft::from_template(template, TriggeredBy::Template);
        draft.title = title.to_owned();
        draft.team = employee.and_then(|employee| employee.team.clone());
        draft.employee_id = employee.map(|employee| employee.id);
        draft.asset_id = asset.map(|asset| asset.id);
        draft.assigned_to = Some(Email::parse(assignee).expect("valid"));
        draft.people = StepPeople::of(&tenant.it_email, employee);
        draft.scheduled_start = today.checked_add_days(Days::new(1));
        if key == "equipment_return" {
            draft.metadata.insert("asset_ids".to_owned(), serde_json::json!([assets[1].id]));
        }
        let mut workflow =
            Workflow::create(Uuid::now_v7(), tenant.id.clone(), draft, today, now).expect("valid demo workflow");
        workflow.employee = employee.map(Employee::summary);
        workflow.asset = asset.map(Asset::summary);
        store
            .insert_workflow(
                &workflow,
                &audit("workflow.created", TargetType::Workflow, workflow.id).with_diff(None, &workflow),
            )
            .await?;
    }
    Ok(())
}
