//! Reading workflows: lists, one workflow, its history and the stats.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::domain::audit::AuditEntry;
use shared::domain::caller::{Caller, Role};
use shared::domain::stats::StatsScope;
use shared::domain::validation::{Email, Team};
use shared::domain::workflow::{Priority, Workflow, WorkflowStatus, WorkflowType};
use shared::http::extract::{ApiQuery, IdPath, TenantCaller};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::{ListData, whole_list};
use shared::http::{AppError, AppState};
use shared::ports::{WorkflowFilter, WorkflowQuery};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{load_visible, not_found, respond};

/// `GET /api/v1/workflows/stats`, within the caller's role scope.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Stats {
    /// Every status, zeros included.
    counts_by_status: BTreeMap<String, i64>,
    /// Mean hours from start to completion, by workflow type.
    avg_completion_hours_by_type: BTreeMap<String, f64>,
    /// Overdue share of the open (pending + in_progress) workflows; 0 when none are open.
    overdue_rate: f64,
    /// Mean hours per step, by template key and step order.
    #[schema(value_type = Object)]
    avg_step_hours: BTreeMap<String, BTreeMap<String, f64>>,
}

/// The stats scope of a caller: admins the tenant, managers their team (their own assignments
/// outside the team are not counted), users their assignments.
fn stats_scope(caller: &Caller) -> StatsScope {
    match (caller.role, &caller.team, &caller.email) {
        (Role::Admin, _, _) => StatsScope::Tenant,
        (Role::Manager, Some(team), _) => StatsScope::Team(team.clone()),
        (_, _, Some(email)) => StatsScope::Assignee(email.clone()),
        // No team and no email: nothing is in scope; an assignee that matches no one says so.
        _ => StatsScope::Assignee(Email::parse("nobody@invalid.invalid").expect("a valid address")),
    }
}

fn mean(count: i64, hours: f64) -> f64 {
    if count > 0 { (hours / count as f64 * 100.0).round() / 100.0 } else { 0.0 }
}

#[utoipa::path(get, path = "/api/v1/workflows/stats", tag = "workflows", security(("bearer" = [])),
    responses((status = 200, description = "Counts, durations and the overdue rate within the caller's scope, from running totals", body = shared::http::response::Data<Stats>), Problems))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    session: TenantCaller,
) -> Result<axum::Json<shared::http::response::Data<Stats>>, AppError> {
    let caller = &session.caller;
    let scope = stats_scope(caller);
    let totals = state.store.totals(&caller.tenant, &scope).await?;
    let today = session.tenant.today(state.clock.now());
    let overdue = state
        .store
        .open_due_before(&caller.tenant, today)
        .await?
        .iter()
        .filter(|workflow| scope.includes(workflow))
        .count();
    let open = totals.open();
    let counts_by_status = WorkflowStatus::ALL
        .iter()
        .map(|status| (status.as_str().to_owned(), totals.counts.get(status.as_str()).copied().unwrap_or(0)))
        .collect();
    let stats = Stats {
        counts_by_status,
        avg_completion_hours_by_type: totals
            .completion
            .iter()
            .map(|(kind, (count, hours))| (kind.clone(), mean(*count, *hours)))
            .collect(),
        overdue_rate: if open > 0 { ((overdue as f64 / open as f64) * 10_000.0).round() / 10_000.0 } else { 0.0 },
        avg_step_hours: totals
            .steps
            .iter()
            .map(|(template, steps)| {
                (
                    template.clone(),
                    steps.iter().map(|(order, (count, hours))| (order.clone(), mean(*count, *hours))).collect(),
                )
            })
            .collect(),
    };
    Ok(shared::http::response::data(stats))
}

/// `GET /api/v1/workflows` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    status: Option<WorkflowStatus>,
    workflow_type: Option<WorkflowType>,
    priority: Option<Priority>,
    #[param(value_type = Option<String>)]
    assigned_to: Option<Email>,
    employee_id: Option<Uuid>,
    asset_id: Option<Uuid>,
    #[param(value_type = Option<String>)]
    team: Option<Team>,
    /// Due strictly before this date.
    due_before: Option<NaiveDate>,
    /// Due strictly after this date.
    due_after: Option<NaiveDate>,
    /// Only open workflows due before today (the tenant's date).
    overdue: Option<bool>,
    /// Include archived workflows.
    include_archived: Option<bool>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workflows", tag = "workflows", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "Newest first, each workflow without its `steps` (the detail route has them)", body = ListData<Workflow>), Problems))]
pub(crate) async fn list_workflows(
    State(state): State<AppState>,
    session: TenantCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<axum::Json<ListData<Workflow>>, AppError> {
    let filter = WorkflowFilter {
        status: query.status,
        workflow_type: query.workflow_type,
        priority: query.priority,
        assigned_to: query.assigned_to,
        employee_id: query.employee_id,
        asset_id: query.asset_id,
        team: query.team,
        due_before: query.due_before,
        due_after: query.due_after,
        overdue: query.overdue.unwrap_or(false),
        include_archived: query.include_archived.unwrap_or(false),
    };
    let tenant = &session.caller.tenant;
    let paging =
        PageRequest::new(&state, tenant, format!("workflows {filter:?}"), query.limit, query.cursor.as_deref())?;
    let today = session.tenant.today(state.clock.now());
    let request =
        WorkflowQuery { scope: session.caller.scope(), filter, after: paging.after, limit: paging.limit, today };
    let found = state.store.list_workflows(tenant, &request).await?;
    Ok(paging.respond(&state, found, Workflow::into_list_form))
}

#[utoipa::path(get, path = "/api/v1/workflows/{id}", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The workflow; `ETag` is its version", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn get_workflow(
    State(state): State<AppState>,
    session: TenantCaller,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let workflow = load_visible(&state, &session.caller, id).await?;
    respond(&state, workflow, None).await
}

#[utoipa::path(get, path = "/api/v1/workflows/{id}/history", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "Audit entries, oldest first, all in one page", body = ListData<AuditEntry>), Problems))]
pub(crate) async fn history(
    State(state): State<AppState>,
    session: TenantCaller,
    IdPath(id): IdPath,
) -> Result<axum::Json<ListData<AuditEntry>>, AppError> {
    let caller = &session.caller;
    let (_, entries) = state
        .store
        .workflow_history(&caller.tenant, id)
        .await?
        .filter(|(workflow, _)| caller.can_see(workflow))
        .ok_or_else(|| not_found(id))?;
    Ok(whole_list(entries))
}
