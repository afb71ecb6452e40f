//! The templates route group: the built-in workflow templates and each tenant's own (contract
//! §10), plus the routes every deployment answers without authentication (health and the
//! OpenAPI document).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use shared::domain::template::Template;
use shared::http::extract::TenantCaller;
use shared::http::openapi::Problems;
use shared::http::response::{Data, ListData, revalidated, versioned, whole_list};
use shared::http::{AppError, AppState};
use shared::templates::visible_template;
use utoipa::OpenApi;

mod views;
mod writes;

use views::TemplateView;

/// The API's OpenAPI document, generated from the code by the local server's tests
/// (`UPDATE_OPENAPI=1 cargo test -p assetronics-local`), which also fail when it is stale.
pub const OPENAPI_JSON: &str = include_str!("../../../openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/workflows/templates", get(list_templates).post(writes::create_template))
        .route(
            "/api/v1/workflows/templates/{key}",
            get(get_template).patch(writes::update_template).delete(writes::delete_template),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        health, openapi_json, list_templates, get_template, writes::create_template, writes::update_template,
        writes::delete_template
    ),
    components(schemas(TemplateView, views::StepView, writes::NewTemplateRequest, writes::TemplatePatchRequest)),
    tags((name = "templates", description = "Workflow templates: the built-ins and the tenant's own"))
)]
struct TemplatesApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    TemplatesApi::openapi()
}

#[utoipa::path(get, path = "/health", tag = "templates", security(()),
    responses((status = 200, description = "The service is up", body = Object, example = json!({"status": "ok"}))))]
async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "templates", security(()),
    responses((status = 200, description = "This OpenAPI 3.1 document", body = Object)))]
async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

#[utoipa::path(get, path = "/api/v1/workflows/templates", tag = "templates", security(("bearer" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The `ETag` of a list the browser holds: 304 when it is still current")),
    responses(
        (status = 200, description = "The built-in templates, then the tenant's own by key (deleted ones left out). `ETag` (per tenant, changes with any template write) and `Cache-Control: private, no-cache`", body = ListData<TemplateView>),
        (status = 304, description = "The list named by `If-None-Match` is still current"),
        (status = 401, description = "No valid credentials", body = shared::http::error::Problem, content_type = "application/problem+json"),
    ))]
async fn list_templates(
    State(state): State<AppState>,
    session: TenantCaller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let own = state.store.list_templates(&session.caller.tenant).await?;
    let visible = Template::builtins().iter().chain(own.iter().filter(|template| template.is_visible()));
    let Json(list) = whole_list(visible.map(TemplateView::from).collect());
    Ok(revalidated(&list, headers.get(header::IF_NONE_MATCH)))
}

#[utoipa::path(get, path = "/api/v1/workflows/templates/{key}", tag = "templates", security(("bearer" = [])),
    params(("key" = String, Path, description = "Template key, like `new_employee`")),
    responses((status = 200, description = "One template; `ETag` is its version", body = Data<TemplateView>), Problems))]
async fn get_template(
    State(state): State<AppState>,
    session: TenantCaller,
    Path(key): Path<String>,
) -> Result<Response, AppError> {
    let template = find(&state, &session, &key).await?;
    Ok(versioned(TemplateView::from(&template), template.version, None))
}

/// The template `key` names for the caller's tenant: a built-in or the tenant's own, not
/// deleted; 404 otherwise.
pub(crate) async fn find(state: &AppState, session: &TenantCaller, key: &str) -> Result<Template, AppError> {
    visible_template(state.store.as_ref(), &session.caller.tenant, key)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no template with key {key}")))
}
