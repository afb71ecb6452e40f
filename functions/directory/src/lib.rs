//! The directory route group: the tenant's employees and assets (contract §4). Any role reads;
//! admins and managers write. Employees' sensitive fields are sealed at rest and shown to admins
//! only. Uniqueness (employee email, asset tag) is enforced by the store in the same transaction
//! as the write, so it holds under races too.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Role;
use shared::domain::directory::{
    Asset, AssetCategory, AssetDraft, AssetStatus, Employee, EmployeeDraft, EmployeeStatus, SensitiveFields,
};
use shared::domain::validation::{Email, Team, TenantId};
use shared::http::extract::{ApiJson, ApiQuery, Authorized, IdPath, IfMatch, TenantCaller, Writers, nullable};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::{Data, ListData, versioned};
use shared::http::{AppError, AppState};
use shared::ports::{AssetFilter, DirectoryQuery, EmployeeFilter, LinkedSummary};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/employees", get(list_employees).post(create_employee))
        .route("/api/v1/employees/{id}", get(get_employee).patch(update_employee))
        .route("/api/v1/assets", get(list_assets).post(create_asset))
        .route("/api/v1/assets/{id}", get(get_asset).patch(update_asset))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_employees, create_employee, get_employee, update_employee, list_assets, create_asset, get_asset, update_asset),
    components(schemas(EmployeeView, NewEmployee, EmployeePatch, Asset, NewAsset, AssetPatch, SensitiveFields)),
    tags((name = "directory", description = "The tenant's employees and assets"))
)]
struct DirectoryApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    DirectoryApi::openapi()
}

fn audit(session: &TenantCaller, action: &str, target: TargetType, id: Uuid, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry::new(&session.caller.tenant, &session.caller.actor(), action, target, id, now)
}

fn not_found(kind: &str, id: Uuid) -> AppError {
    AppError::NotFound(format!("no {kind} {id}"))
}

// ---------------------------------------------------------------------------------------------
// Employees

/// An employee as the API shows it. The sensitive fields appear for admins only; a single
/// employee also lists the assets assigned to them.
#[derive(Debug, Serialize, ToSchema)]
struct EmployeeView {
    id: Uuid,
    #[schema(value_type = String)]
    tenant_id: TenantId,
    #[schema(value_type = String)]
    email: Email,
    first_name: String,
    last_name: String,
    #[schema(value_type = Option<String>)]
    team: Option<Team>,
    title: Option<String>,
    #[schema(value_type = Option<String>)]
    manager_email: Option<Email>,
    start_date: Option<NaiveDate>,
    termination_date: Option<NaiveDate>,
    status: EmployeeStatus,
    hris_id: Option<String>,
    /// Admins only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    sensitive: Option<SensitiveFields>,
    /// `GET /api/v1/employees/{id}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    assets: Option<Vec<Asset>>,
    version: u64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// Opens an employee's sealed fields; a value that does not open is a real fault.
fn open_sensitive(state: &AppState, employee: &Employee) -> Result<SensitiveFields, AppError> {
    let Some(sealed) = &employee.sensitive else { return Ok(SensitiveFields::default()) };
    let context = SensitiveFields::context(&employee.tenant_id, employee.id);
    let json = state.secrets.open(sealed, &context).map_err(|error| AppError::Internal(error.to_string()))?;
    serde_json::from_str(&json).map_err(|error| AppError::Internal(format!("sealed employee fields: {error}")))
}

fn seal_sensitive(
    state: &AppState,
    tenant: &TenantId,
    id: Uuid,
    fields: &SensitiveFields,
) -> Option<shared::domain::secret::Sealed> {
    if fields.is_empty() {
        return None;
    }
    let json = serde_json::to_string(fields).expect("plain fields serialize");
    Some(state.secrets.seal(&json, &SensitiveFields::context(tenant, id)))
}

fn employee_view(
    state: &AppState,
    caller_role: Role,
    employee: Employee,
    assets: Option<Vec<Asset>>,
) -> Result<EmployeeView, AppError> {
    let sensitive = if caller_role == Role::Admin { Some(open_sensitive(state, &employee)?) } else { None };
    Ok(EmployeeView {
        id: employee.id,
        tenant_id: employee.tenant_id,
        email: employee.email,
        first_name: employee.first_name,
        last_name: employee.last_name,
        team: employee.team,
        title: employee.title,
        manager_email: employee.manager_email,
        start_date: employee.start_date,
        termination_date: employee.termination_date,
        status: employee.status,
        hris_id: employee.hris_id,
        sensitive,
        assets,
        version: employee.version,
        created_at: employee.created_at,
        updated_at: employee.updated_at,
    })
}

fn respond_employee(view: EmployeeView, location: Option<String>) -> Response {
    let version = view.version;
    versioned(view, version, location)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewEmployee {
    #[schema(value_type = String, max_length = 254)]
    email: Email,
    #[schema(max_length = 100)]
    first_name: String,
    #[schema(max_length = 100)]
    last_name: String,
    #[schema(value_type = Option<String>, max_length = 100)]
    team: Option<Team>,
    #[schema(max_length = 200)]
    title: Option<String>,
    #[schema(value_type = Option<String>, max_length = 254)]
    manager_email: Option<Email>,
    start_date: Option<NaiveDate>,
    termination_date: Option<NaiveDate>,
    status: Option<EmployeeStatus>,
    #[schema(max_length = 100)]
    hris_id: Option<String>,
    #[schema(value_type = Option<String>, max_length = 254)]
    personal_email: Option<Email>,
    #[schema(max_length = 50)]
    phone: Option<String>,
    #[schema(max_length = 500)]
    home_address: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/employees", tag = "directory", security(("bearer" = [])),
    request_body = NewEmployee,
    responses((status = 201, description = "Created; 409 when the email is taken", body = Data<EmployeeView>), Problems))]
async fn create_employee(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    ApiJson(body): ApiJson<NewEmployee>,
) -> Result<Response, AppError> {
    let session = writer.caller;
    let tenant = &session.caller.tenant;
    let sensitive =
        SensitiveFields { personal_email: body.personal_email, phone: body.phone, home_address: body.home_address }
            .validated()?;
    let draft = EmployeeDraft {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        team: body.team,
        title: body.title,
        manager_email: body.manager_email,
        start_date: body.start_date,
        termination_date: body.termination_date,
        status: body.status.unwrap_or(EmployeeStatus::Active),
        hris_id: body.hris_id,
    };
    let id = Uuid::now_v7();
    let now = state.clock.now();
    let employee = Employee::create(id, tenant.clone(), draft, seal_sensitive(&state, tenant, id, &sensitive), now)?;
    let entry = audit(&session, "employee.created", TargetType::Employee, id, now).with_diff(None, &public(&employee));
    state.store.insert_employee(&employee, &entry).await?;
    tracing::info!(tenant_id = %tenant, employee_id = %id, "employee created");
    let view = employee_view(&state, session.caller.role, employee, None)?;
    Ok(respond_employee(view, Some(format!("/api/v1/employees/{id}"))))
}

/// What the audit trail records of an employee: everything but the sealed fields (it notes
/// only that they changed).
fn public(employee: &Employee) -> serde_json::Value {
    let mut value = serde_json::to_value(employee).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        let sealed = object.remove("sensitive").is_some_and(|sealed| !sealed.is_null());
        object.insert("sensitive_fields_set".to_owned(), serde_json::Value::Bool(sealed));
    }
    value
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EmployeeListQuery {
    status: Option<EmployeeStatus>,
    #[param(value_type = Option<String>)]
    team: Option<Team>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/employees", tag = "directory", security(("bearer" = [])), params(EmployeeListQuery),
    responses((status = 200, description = "Newest first", body = ListData<EmployeeView>), Problems))]
async fn list_employees(
    State(state): State<AppState>,
    session: TenantCaller,
    ApiQuery(query): ApiQuery<EmployeeListQuery>,
) -> Result<Response, AppError> {
    let tenant = &session.caller.tenant;
    let filter = EmployeeFilter { status: query.status, team: query.team };
    let paging =
        PageRequest::new(&state, tenant, format!("employees {filter:?}"), query.limit, query.cursor.as_deref())?;
    let found = state
        .store
        .list_employees(tenant, &DirectoryQuery { filter, after: paging.after, limit: paging.limit })
        .await?;
    let mut views = Vec::with_capacity(found.items.len());
    for employee in found.items {
        views.push(employee_view(&state, session.caller.role, employee, None)?);
    }
    let shown = shared::ports::Page { items: views, next_after: found.next_after };
    Ok(paging.respond(&state, shown, |view| view).into_response())
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The employee with the assets assigned to them", body = Data<EmployeeView>), Problems))]
async fn get_employee(
    State(state): State<AppState>,
    session: TenantCaller,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let tenant = &session.caller.tenant;
    let employee = state.store.get_employee(tenant, id).await?.ok_or_else(|| not_found("employee", id))?;
    let filter = AssetFilter { assigned_employee_id: Some(id), ..AssetFilter::default() };
    let assets = state.store.list_assets(tenant, &DirectoryQuery { filter, after: None, limit: 100 }).await?.items;
    Ok(respond_employee(employee_view(&state, session.caller.role, employee, Some(assets))?, None))
}

/// `PATCH /api/v1/employees/{id}`: `null` clears an optional field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EmployeePatch {
    #[schema(value_type = Option<String>, max_length = 254)]
    email: Option<Email>,
    #[schema(max_length = 100)]
    first_name: Option<String>,
    #[schema(max_length = 100)]
    last_name: Option<String>,
    status: Option<EmployeeStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    team: Option<Option<Team>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 200)]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 254)]
    manager_email: Option<Option<Email>>,
    #[serde(default, deserialize_with = "nullable")]
    start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    termination_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 100)]
    hris_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 254)]
    personal_email: Option<Option<Email>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 50)]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 500)]
    home_address: Option<Option<String>>,
}

#[utoipa::path(patch, path = "/api/v1/employees/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = EmployeePatch,
    responses((status = 200, description = "The updated employee", body = Data<EmployeeView>), Problems))]
async fn update_employee(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    IdPath(id): IdPath,
    if_match: IfMatch,
    ApiJson(patch): ApiJson<EmployeePatch>,
) -> Result<Response, AppError> {
    let session = writer.caller;
    let tenant = &session.caller.tenant;
    let before = state.store.get_employee(tenant, id).await?.ok_or_else(|| not_found("employee", id))?;
    if_match.check(before.version)?;
    let mut sensitive = open_sensitive(&state, &before)?;
    let sensitive_before = sensitive.clone();
    let mut after = before.clone();
    set(&mut after.email, patch.email);
    set(&mut after.first_name, patch.first_name);
    set(&mut after.last_name, patch.last_name);
    set(&mut after.status, patch.status);
    set(&mut after.team, patch.team);
    set(&mut after.title, patch.title);
    set(&mut after.manager_email, patch.manager_email);
    set(&mut after.start_date, patch.start_date);
    set(&mut after.termination_date, patch.termination_date);
    set(&mut after.hris_id, patch.hris_id);
    set(&mut sensitive.personal_email, patch.personal_email);
    set(&mut sensitive.phone, patch.phone);
    set(&mut sensitive.home_address, patch.home_address);
    let sensitive = sensitive.validated()?;
    let mut after = after.validated()?;
    if sensitive != sensitive_before {
        after.sensitive = seal_sensitive(&state, tenant, id, &sensitive);
    }
    if after != before {
        let now = state.clock.now();
        after.touch(now);
        let entry = audit(&session, "employee.updated", TargetType::Employee, id, now)
            .with_diff(Some(&public(&before)), &public(&after));
        state.store.update_employee(&after, &before, &entry).await?;
        if after.summary() != before.summary() {
            state.store.refresh_summaries(tenant, &LinkedSummary::Employee(after.summary())).await?;
        }
        tracing::info!(tenant_id = %tenant, employee_id = %id, "employee updated");
    }
    Ok(respond_employee(employee_view(&state, session.caller.role, after, None)?, None))
}

/// Applies one PATCH field when it was sent.
fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

// ---------------------------------------------------------------------------------------------
// Assets

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewAsset {
    #[schema(max_length = 64)]
    asset_tag: String,
    #[schema(max_length = 100)]
    serial_number: Option<String>,
    #[schema(max_length = 200)]
    name: String,
    category: AssetCategory,
    /// Default `in_stock`, or `assigned` when `assigned_employee_id` is given.
    status: Option<AssetStatus>,
    assigned_employee_id: Option<Uuid>,
}

fn respond_asset(asset: Asset, location: Option<String>) -> Response {
    let version = asset.version;
    versioned(asset, version, location)
}

/// The audit action of an asset change: assignments are named as such.
fn asset_action(before: Option<&Asset>, after: &Asset) -> &'static str {
    let Some(before) = before else { return "asset.created" };
    match (before.assigned_employee_id, after.assigned_employee_id) {
        (was, Some(now)) if was != Some(now) => "asset.assigned",
        (Some(_), None) => "asset.unassigned",
        _ => "asset.updated",
    }
}

#[utoipa::path(post, path = "/api/v1/assets", tag = "directory", security(("bearer" = [])),
    request_body = NewAsset,
    responses((status = 201, description = "Created; 409 when the tag is taken", body = Data<Asset>), Problems))]
async fn create_asset(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    ApiJson(body): ApiJson<NewAsset>,
) -> Result<Response, AppError> {
    let session = writer.caller;
    let tenant = &session.caller.tenant;
    let draft = AssetDraft {
        asset_tag: body.asset_tag,
        serial_number: body.serial_number,
        name: body.name,
        category: body.category,
        status: body.status,
        assigned_employee_id: body.assigned_employee_id,
    };
    let now = state.clock.now();
    let asset = Asset::create(Uuid::now_v7(), tenant.clone(), draft, now)?;
    let entry = audit(&session, asset_action(None, &asset), TargetType::Asset, asset.id, now).with_diff(None, &asset);
    state.store.insert_asset(&asset, &entry).await?;
    tracing::info!(tenant_id = %tenant, asset_id = %asset.id, "asset created");
    let location = format!("/api/v1/assets/{}", asset.id);
    Ok(respond_asset(asset, Some(location)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AssetListQuery {
    status: Option<AssetStatus>,
    category: Option<AssetCategory>,
    assigned_employee_id: Option<Uuid>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/assets", tag = "directory", security(("bearer" = [])), params(AssetListQuery),
    responses((status = 200, description = "Newest first", body = ListData<Asset>), Problems))]
async fn list_assets(
    State(state): State<AppState>,
    session: TenantCaller,
    ApiQuery(query): ApiQuery<AssetListQuery>,
) -> Result<axum::Json<ListData<Asset>>, AppError> {
    let tenant = &session.caller.tenant;
    let filter = AssetFilter {
        status: query.status,
        category: query.category,
        assigned_employee_id: query.assigned_employee_id,
    };
    let paging = PageRequest::new(&state, tenant, format!("assets {filter:?}"), query.limit, query.cursor.as_deref())?;
    let found =
        state.store.list_assets(tenant, &DirectoryQuery { filter, after: paging.after, limit: paging.limit }).await?;
    Ok(paging.respond(&state, found, |asset| asset))
}

#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The asset", body = Data<Asset>), Problems))]
async fn get_asset(
    State(state): State<AppState>,
    session: TenantCaller,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let asset = state.store.get_asset(&session.caller.tenant, id).await?.ok_or_else(|| not_found("asset", id))?;
    Ok(respond_asset(asset, None))
}

/// `PATCH /api/v1/assets/{id}`: `null` clears an optional field. Setting
/// `assigned_employee_id` assigns the asset (status `assigned` unless given); clearing it returns
/// the asset to stock (status `in_stock` unless given).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AssetPatch {
    #[schema(max_length = 64)]
    asset_tag: Option<String>,
    #[schema(max_length = 200)]
    name: Option<String>,
    category: Option<AssetCategory>,
    status: Option<AssetStatus>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 100)]
    serial_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    assigned_employee_id: Option<Option<Uuid>>,
}

#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = AssetPatch,
    responses((status = 200, description = "The updated asset", body = Data<Asset>), Problems))]
async fn update_asset(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    IdPath(id): IdPath,
    if_match: IfMatch,
    ApiJson(patch): ApiJson<AssetPatch>,
) -> Result<Response, AppError> {
    let session = writer.caller;
    let tenant = &session.caller.tenant;
    let before = state.store.get_asset(tenant, id).await?.ok_or_else(|| not_found("asset", id))?;
    if_match.check(before.version)?;
    let mut after = before.clone();
    set(&mut after.asset_tag, patch.asset_tag);
    set(&mut after.name, patch.name);
    set(&mut after.category, patch.category);
    set(&mut after.serial_number, patch.serial_number);
    if let Some(assignee) = patch.assigned_employee_id {
        after.assigned_employee_id = assignee;
        after.status = if assignee.is_some() { AssetStatus::Assigned } else { AssetStatus::InStock };
    }
    set(&mut after.status, patch.status);
    let mut after = after.validated()?;
    if after != before {
        let now = state.clock.now();
        after.touch(now);
        let entry = audit(&session, asset_action(Some(&before), &after), TargetType::Asset, id, now)
            .with_diff(Some(&before), &after);
        state.store.update_asset(&after, &before, &entry).await?;
        if after.summary() != before.summary() {
            state.store.refresh_summaries(tenant, &LinkedSummary::Asset(after.summary())).await?;
        }
        tracing::info!(tenant_id = %tenant, asset_id = %id, "asset updated");
    }
    Ok(respond_asset(after, None))
}
