//! The workflows route group: create, read, list, change and walk workflows (contract §3).

use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::Caller;
use shared::domain::workflow::{Step, StepNote, Workflow};
use shared::http::response::versioned;
use shared::http::{AppError, AppState};
use utoipa::OpenApi;
use uuid::Uuid;

mod change;
mod creation;
mod reads;
mod steps;
mod tasks;
mod transitions;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/workflows", get(reads::list_workflows).post(creation::create_custom))
        .route("/api/v1/workflows/from-template", post(creation::create_from_template))
        .route("/api/v1/workflows/stats", get(reads::stats))
        .route("/api/v1/workflows/{id}", get(reads::get_workflow).patch(transitions::update_workflow))
        .route("/api/v1/workflows/{id}/start", post(transitions::start))
        .route("/api/v1/workflows/{id}/advance", post(transitions::advance))
        .route("/api/v1/workflows/{id}/complete", post(transitions::complete))
        .route("/api/v1/workflows/{id}/cancel", post(transitions::cancel))
        .route("/api/v1/workflows/{id}/approve", post(steps::approve))
        .route("/api/v1/workflows/{id}/reject", post(steps::reject))
        .route("/api/v1/workflows/{id}/skip", post(steps::skip))
        .route("/api/v1/workflows/{id}/steps/{order}/notes", post(steps::add_note))
        .route("/api/v1/workflows/{id}/history", get(reads::history))
        .route("/api/v1/tasks", get(tasks::list_tasks))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        reads::list_workflows, reads::stats, creation::create_custom, creation::create_from_template,
        reads::get_workflow, transitions::update_workflow, transitions::start, transitions::advance,
        transitions::complete, transitions::cancel, steps::approve, steps::reject, steps::skip, steps::add_note,
        reads::history, tasks::list_tasks
    ),
    components(schemas(
        reads::Stats, Workflow, Step, StepNote, creation::NewWorkflowRequest, shared::domain::workflow::StepDraft,
        transitions::PatchRequest, transitions::StepAssignmentRequest, transitions::AdvanceRequest,
        transitions::CancelRequest, transitions::EmptyRequest, steps::ApproveRequest, steps::RejectRequest,
        steps::SkipRequest, steps::NoteRequest, tasks::Task, AuditEntry, shared::http::error::Problem
    )),
    tags((name = "workflows", description = "Workflows and their steps"))
)]
struct WorkflowsApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    WorkflowsApi::openapi()
}

/// The workflow, if it exists in the caller's tenant and scope; 404 otherwise, so ids outside
/// the scope reveal nothing.
pub(crate) async fn load_visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Workflow, AppError> {
    state
        .store
        .get_workflow(&caller.tenant, id)
        .await?
        .filter(|workflow| caller.can_see(workflow))
        .ok_or_else(|| not_found(id))
}

/// One workflow as the single-workflow routes answer it: its steps with their texts (a template
/// version's, read once per process) and its `ETag`; `Location` when it was just created.
pub(crate) async fn respond(
    state: &AppState,
    workflow: Workflow,
    location: Option<String>,
) -> Result<Response, AppError> {
    let workflow = state.template_texts.join(state.store.as_ref(), workflow).await?;
    let version = workflow.version;
    Ok(versioned(workflow, version, location))
}

pub(crate) fn not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("no workflow {id}"))
}

pub(crate) fn not_found_text() -> AppError {
    AppError::NotFound("no such workflow".to_owned())
}

pub(crate) fn audit_entry(
    caller: &Caller,
    action: &str,
    before: Option<&Workflow>,
    after: &Workflow,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry::new(&caller.tenant, &caller.actor(), action, TargetType::Workflow, after.id, now)
        .with_diff(before, after)
}

pub(crate) fn log_change(workflow: &Workflow, action: &str) {
    tracing::info!(
        tenant_id = %workflow.tenant_id,
        workflow_id = %workflow.id,
        step = workflow.current_step,
        action,
        "workflow changed"
    );
}
