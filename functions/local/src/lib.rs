//! The local server: every route group in one process, on the embedded store by default or on
//! DynamoDB (`STORE=dynamodb`), seeded with a demo tenant.

pub mod console;
pub mod identity;
pub mod live;
mod sign_in;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use chrono::{DateTime, Days, Utc};
use serde::Deserialize;
use shared::adapters::outbox::{LoggedEvents, Outbox};

use shared::clock::Clock;
use shared::config::ApiConfig;
use shared::domain::audit::{AuditEntry, TargetType};

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

/// The local server's state: `store`, the outbox for mail and chat, and the local sign-in as
/// the identity provider (its invitations go to the outbox).
pub fn state(store: Arc<dyn Store>, config: &ApiConfig, clock: Arc<dyn Clock>, local: &Local) -> AppState {
    let identity = identity::LocalIdentity::new(store.clone(), local.outbox.clone(), config.frontend_url.clone());
    AppState::new(store, config, clock, local.channels()).with_identity(Arc::new(identity))
}

/// The served application, with the local-only routes and the web console.
pub fn app(state: AppState, config: &ApiConfig, local: &Local) -> Router {
    let (outbox, hub) = (local.outbox.clone(), local.hub.clone());
    let secret = config.auth.hs256_secret.clone().unwrap_or_default();
    let local_routes = Router::new()
        .route("/local/outbox", get(move || show_outbox(outbox.clone())))
        .route("/local/sign-in", get(move |state| sign_in::choices(state, secret.clone())))
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

/// Creates the demo tenant with a few workflows unless it exists, and its people unless they
/// exist, and returns a 30-day token of its admin.
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
    let admin = sign_in::seed_people(store, &tenant_id, now).await?;
    Ok(sign_in::token(&admin, jwt_secret, now + chrono::Duration::days(30)))
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
            sign_in::DEMO_PEOPLE[2].email,
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
