//! The local server: every route group in one process, on the embedded store by default or on
//! DynamoDB (`STORE=dynamodb`), seeded with a demo tenant.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use chrono::Days;
use shared::auth::{Claims, sign_hs256};
use shared::clock::Clock;
use shared::config::ApiConfig;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::template::Template;
use shared::domain::tenant::{Tenant, Timezone};
use shared::domain::validation::{Email, Team, TenantId};
use shared::domain::workflow::{TriggeredBy, Workflow, WorkflowDraft};
use shared::http::AppState;
use shared::ports::{Store, StoreError};
use shared::store::dynamo::DynamoStore;
use shared::store::memory::MemoryStore;

/// Every route group, as one router.
pub fn routes() -> Router<AppState> {
    templates::routes().merge(workflows::routes()).merge(tenants::routes()).merge(directory::routes())
}

/// The served application.
pub fn app(state: AppState, config: &ApiConfig) -> Router {
    shared::http::app::api(routes(), state, &config.cors_allowed_origins)
}

/// The OpenAPI document of every route group, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    shared::http::openapi::document([
        templates::openapi(),
        workflows::openapi(),
        tenants::openapi(),
        directory::openapi(),
    ])
}

/// Which store the local server runs on, from `STORE` (`memory`, the default, or `dynamodb`).
pub async fn store_from_env() -> Result<Arc<dyn Store>, Box<dyn std::error::Error>> {
    match std::env::var("STORE").as_deref() {
        Ok("dynamodb") => {
            if std::env::var_os("TABLE_NAME").is_none() {
                // SAFETY: called at start-up, before any other thread reads the environment.
                unsafe { std::env::set_var("TABLE_NAME", "assetronics") };
            }
            let store = DynamoStore::from_env().await?;
            shared::store::dynamo::table::ensure_table(store.client(), &ApiConfig::table_name()?).await?;
            Ok(Arc::new(store))
        }
        Ok("memory") | Err(_) => match std::env::var_os("DATA_PATH") {
            Some(path) => Ok(Arc::new(MemoryStore::persistent(&PathBuf::from(path))?)),
            None => Ok(Arc::new(MemoryStore::new())),
        },
        Ok(other) => Err(format!("STORE must be memory or dynamodb, not {other}").into()),
    }
}

pub const DEMO_TENANT: &str = "demo";

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
            Timezone::UTC,
            now,
        );
        let audit = AuditEntry::new(&tenant_id, "system:seed", "tenant.created", TargetType::Tenant, &tenant_id, now)
            .with_diff(None, &tenant);
        store.create_tenant(&tenant, &audit).await?;
        let today = tenant.today(now);
        let samples = [
            ("incoming_hardware", "Receive 10 MacBook Pro 14\" for Engineering", "it"),
            ("new_employee", "Onboard Maria Lopez (Design, starts Monday)", "design"),
            ("equipment_return", "Collect equipment from Tom Becker", "sales"),
        ];
        for (key, title, team) in samples {
            let template = Template::find(key).expect("a built-in template");
            let mut draft = WorkflowDraft::from_template(template, TriggeredBy::Template);
            draft.title = title.to_owned();
            draft.team = Team::parse(team).ok();
            draft.assigned_to = Some(tenant.it_email.clone());
            draft.scheduled_start = today.checked_add_days(Days::new(1));
            let workflow = Workflow::create(uuid::Uuid::now_v7(), tenant_id.clone(), draft, today, now)
                .expect("the demo workflows are valid");
            let audit =
                AuditEntry::new(&tenant_id, "system:seed", "workflow.created", TargetType::Workflow, workflow.id, now)
                    .with_diff(None, &workflow);
            store.insert_workflow(&workflow, &audit).await?;
        }
    }
    let claims = Claims {
        sub: "demo-admin".to_owned(),
        email: Some("admin@demo.example".to_owned()),
        tenant: Some(DEMO_TENANT.to_owned()),
        role: Role::Admin,
        team: None,
        exp: (now + chrono::Duration::days(30)).timestamp().unsigned_abs(),
        iss: None,
        aud: None,
    };
    Ok(sign_hs256(jwt_secret.as_bytes(), &claims))
}
