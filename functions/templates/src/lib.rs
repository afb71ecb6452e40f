//! The templates route group: the built-in workflow templates, plus the routes every deployment
//! answers without authentication (health and the OpenAPI document).

use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};
use shared::domain::template::{StepTemplate, Template};
use shared::domain::workflow::{Priority, WorkflowType};
use shared::http::extract::TenantCaller;
use shared::http::response::{Data, ListData, revalidated, versioned, whole_list};
use shared::http::{AppError, AppState};
use utoipa::{OpenApi, ToSchema};

/// The API's OpenAPI document, generated from the code by the local server's tests
/// (`UPDATE_OPENAPI=1 cargo test -p assetronics-local`), which also fail when it is stale.
pub const OPENAPI_JSON: &str = include_str!("../../../openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/workflows/templates", get(list_templates))
        .route("/api/v1/workflows/templates/{key}", get(get_template))
}

#[derive(OpenApi)]
#[openapi(
    paths(health, openapi_json, list_templates, get_template),
    components(schemas(TemplateView, StepView)),
    tags((name = "templates", description = "Built-in workflow templates"))
)]
struct TemplatesApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    TemplatesApi::openapi()
}

/// A template as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
struct TemplateView {
    key: &'static str,
    title: &'static str,
    workflow_type: WorkflowType,
    priority: Priority,
    description: &'static str,
    estimated_duration_days: u32,
    step_count: usize,
    steps: Vec<StepView>,
}

#[derive(Debug, Serialize, ToSchema)]
struct StepView {
    order: usize,
    #[serde(flatten)]
    step: StepTemplate,
}

impl From<&Template> for TemplateView {
    fn from(template: &Template) -> Self {
        TemplateView {
            key: template.key,
            title: template.title,
            workflow_type: template.workflow_type,
            priority: template.priority,
            description: template.description,
            estimated_duration_days: template.estimated_duration_days,
            step_count: template.steps.len(),
            steps: template
                .steps
                .iter()
                .enumerate()
                .map(|(index, step)| StepView { order: index + 1, step: *step })
                .collect(),
        }
    }
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
        (status = 200, description = "The built-in templates. `ETag` (per tenant, changes with any template) and `Cache-Control: private, no-cache`", body = ListData<TemplateView>),
        (status = 304, description = "The list named by `If-None-Match` is still current"),
        (status = 401, description = "No valid credentials", body = shared::http::error::Problem, content_type = "application/problem+json"),
    ))]
async fn list_templates(_caller: TenantCaller, headers: HeaderMap) -> Response {
    let Json(list) = whole_list(Template::all().iter().map(TemplateView::from).collect());
    revalidated(&list, headers.get(header::IF_NONE_MATCH))
}

#[utoipa::path(get, path = "/api/v1/workflows/templates/{key}", tag = "templates", security(("bearer" = [])),
    params(("key" = String, Path, description = "Template key, like `new_employee`")),
    responses(
        (status = 200, description = "One template; `ETag` is its version", body = Data<TemplateView>),
        (status = 401, description = "No valid credentials", body = shared::http::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template", body = shared::http::error::Problem, content_type = "application/problem+json"),
    ))]
async fn get_template(_caller: TenantCaller, Path(key): Path<String>) -> Result<Response, AppError> {
    let template = Template::find(&key).ok_or_else(|| AppError::NotFound(format!("no template with key {key}")))?;
    // Built-in templates never change: each is version 1 (contract §10).
    Ok(versioned(TemplateView::from(template), 1, None))
}
