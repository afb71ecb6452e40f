//! The tenants route group: provisioning and suspending tenants (platform administrators).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono_tz::Tz;
use serde::Deserialize;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::tenant::{Tenant, TenantStatus};
use shared::domain::validation::{Email, TenantId, text_within};
use shared::http::extract::{ApiJson, IfMatch, PlatformAdmin};
use shared::http::openapi::Problems;
use shared::http::response::{Data, versioned};
use shared::http::{AppError, AppState};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tenants", post(create_tenant))
        .route("/api/v1/tenants/{id}", get(get_tenant).patch(update_tenant))
}

#[derive(OpenApi)]
#[openapi(
    paths(create_tenant, get_tenant, update_tenant),
    components(schemas(Tenant, NewTenantRequest, TenantPatchRequest)),
    tags((name = "tenants", description = "Tenant provisioning, for platform administrators"))
)]
struct TenantsApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    TenantsApi::openapi()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTenantRequest {
    #[schema(value_type = String, example = "acme")]
    id: TenantId,
    name: String,
    #[schema(value_type = String)]
    it_email: Email,
    #[schema(value_type = String)]
    from_email: Email,
    /// IANA time zone, default `UTC`.
    #[schema(value_type = Option<String>, example = "Europe/Berlin")]
    timezone: Option<Tz>,
}

#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenants", security(("bearer" = [])),
    request_body = NewTenantRequest,
    responses((status = 201, description = "Provisioned", body = Data<Tenant>), Problems))]
async fn create_tenant(
    State(state): State<AppState>,
    admin: PlatformAdmin,
    ApiJson(body): ApiJson<NewTenantRequest>,
) -> Result<Response, AppError> {
    let name = text_within(&body.name, 1, 200).map_err(|message| AppError::validation("name", message))?;
    let now = state.clock.now();
    let tenant = Tenant {
        id: body.id,
        name,
        it_email: body.it_email,
        from_email: body.from_email,
        timezone: body.timezone.unwrap_or(Tz::UTC),
        status: TenantStatus::Active,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let audit = AuditEntry::new(&tenant.id, &admin.user_id, "tenant.created", TargetType::Tenant, &tenant.id, now)
        .with_diff(None, &tenant);
    state.store.create_tenant(&tenant, &audit).await.map_err(|error| match error {
        shared::ports::StoreError::AlreadyExists => AppError::Conflict(format!("tenant {} already exists", tenant.id)),
        other => other.into(),
    })?;
    state.tenants.evict(&tenant.id);
    tracing::info!(tenant_id = %tenant.id, "tenant provisioned");
    let location = format!("/api/v1/tenants/{}", tenant.id);
    let version = tenant.version;
    Ok(versioned(tenant, version, Some(location)))
}

async fn load(state: &AppState, id: &str) -> Result<Tenant, AppError> {
    let not_found = || AppError::NotFound(format!("no tenant {id}"));
    let id = TenantId::parse(id).map_err(|_| not_found())?;
    state.store.get_tenant(&id).await?.ok_or_else(not_found)
}

#[utoipa::path(get, path = "/api/v1/tenants/{id}", tag = "tenants", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The tenant", body = Data<Tenant>), Problems))]
async fn get_tenant(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let tenant = load(&state, &id).await?;
    let version = tenant.version;
    Ok(versioned(tenant, version, None))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TenantPatchRequest {
    status: TenantStatus,
}

#[utoipa::path(patch, path = "/api/v1/tenants/{id}", tag = "tenants", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "\"<version>\"")),
    request_body = TenantPatchRequest,
    responses((status = 200, description = "Updated; a suspended tenant's tokens get 401", body = Data<Tenant>), Problems))]
async fn update_tenant(
    State(state): State<AppState>,
    admin: PlatformAdmin,
    Path(id): Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<TenantPatchRequest>,
) -> Result<Response, AppError> {
    let mut tenant = load(&state, &id).await?;
    if_match.check(tenant.version)?;
    if tenant.status != body.status {
        let before = tenant.clone();
        let now = state.clock.now();
        tenant.status = body.status;
        tenant.version += 1;
        tenant.updated_at = now;
        let audit = AuditEntry::new(&tenant.id, &admin.user_id, "tenant.updated", TargetType::Tenant, &tenant.id, now)
            .with_diff(Some(&before), &tenant);
        state.store.update_tenant(&tenant, before.version, &audit).await?;
        state.tenants.evict(&tenant.id);
        tracing::info!(tenant_id = %tenant.id, status = ?tenant.status, "tenant status changed");
    }
    let version = tenant.version;
    Ok(versioned(tenant, version, None))
}
