//! The workflows route group: create, read, list, change and walk workflows (contract §3).

use axum::Router;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::{Caller, Role, WorkflowAction};
use shared::domain::directory::{Asset, AssetEffect};
use shared::domain::stats::StatsScope;
use shared::domain::template::Template;
use shared::domain::validation::{Email, FieldErrors, Team, text_within};
use shared::domain::workflow::{
    CUSTOM_WORKFLOW_DAYS, Priority, StepDraft, TriggeredBy, Workflow, WorkflowDraft, WorkflowPatch, WorkflowStatus,
    WorkflowType, check_client_metadata,
};
use shared::http::extract::{ApiJson, ApiQuery, Authorized, IdPath, IfMatch, TenantCaller, Writers};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::{ListData, versioned, whole_list};
use shared::http::{AppError, AppState};
use shared::ports::{AssetChange, WorkflowFilter, WorkflowQuery};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/workflows", get(list_workflows).post(create_custom))
        .route("/api/v1/workflows/from-template", post(create_from_template))
        .route("/api/v1/workflows/stats", get(stats))
        .route("/api/v1/workflows/{id}", get(get_workflow).patch(update_workflow))
        .route("/api/v1/workflows/{id}/start", post(start))
        .route("/api/v1/workflows/{id}/advance", post(advance))
        .route("/api/v1/workflows/{id}/complete", post(complete))
        .route("/api/v1/workflows/{id}/cancel", post(cancel))
        .route("/api/v1/workflows/{id}/history", get(history))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_workflows, stats, create_custom, create_from_template, get_workflow, update_workflow, start, advance,
        complete, cancel, history
    ),
    components(schemas(Stats, Workflow, NewWorkflowRequest, StepRequest, PatchRequest, AdvanceRequest, CancelRequest, EmptyRequest, AuditEntry, shared::http::error::Problem)),
    tags((name = "workflows", description = "Workflows and their steps"))
)]
struct WorkflowsApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    WorkflowsApi::openapi()
}

/// The body of both create routes. `from-template` takes `template_key` and no `workflow_type`
/// or `steps`; `POST /workflows` takes `title`, `workflow_type` and `steps` and no `template_key`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewWorkflowRequest {
    #[schema(max_length = 40)]
    template_key: Option<String>,
    #[schema(max_length = 200)]
    title: Option<String>,
    workflow_type: Option<WorkflowType>,
    steps: Option<Vec<StepRequest>>,
    #[schema(max_length = 5000)]
    description: Option<String>,
    priority: Option<Priority>,
    due_date: Option<NaiveDate>,
    scheduled_start: Option<NaiveDate>,
    assigned_to: Option<Email>,
    team: Option<Team>,
    employee_id: Option<Uuid>,
    asset_id: Option<Uuid>,
    /// Free-form: at most 16,384 bytes as compact JSON, 8 levels deep (the object is level 1),
    /// numbers 0 or of magnitude 1e-130 to below 1e126 with at most 38 significant digits.
    #[schema(value_type = Option<Object>)]
    metadata: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StepRequest {
    #[schema(max_length = 200)]
    name: String,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(max_length = 5000)]
    instructions: Option<String>,
}

impl NewWorkflowRequest {
    fn into_template_draft(self) -> Result<WorkflowDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, present) in [("workflow_type", self.workflow_type.is_some()), ("steps", self.steps.is_some())] {
            if present {
                errors.add(field, "comes from the template and cannot be given");
            }
        }
        let template = match self.template_key.as_deref() {
            None => {
                errors.add("template_key", "is required");
                None
            }
            Some(key) => Template::find(key).or_else(|| {
                errors.add("template_key", format!("no template with key {key}"));
                None
            }),
        };
        errors.into_result()?;
        let template = template.expect("checked above");
        let mut draft = WorkflowDraft::from_template(template, TriggeredBy::Template);
        if let Some(title) = self.title.clone() {
            draft.title = title;
        }
        if let Some(description) = self.description.clone() {
            draft.description = Some(description);
        }
        if let Some(priority) = self.priority {
            draft.priority = priority;
        }
        self.fill_options(draft)
    }

    fn into_custom_draft(self) -> Result<WorkflowDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.template_key.is_some() {
            errors.add("template_key", "belongs to POST /api/v1/workflows/from-template");
        }
        for (field, missing) in [
            ("title", self.title.is_none()),
            ("workflow_type", self.workflow_type.is_none()),
            ("steps", self.steps.is_none()),
        ] {
            if missing {
                errors.add(field, "is required");
            }
        }
        errors.into_result()?;
        let steps = self.steps.as_deref().unwrap_or_default().iter().map(|step| StepDraft {
            name: step.name.clone(),
            description: step.description.clone(),
            instructions: step.instructions.clone(),
        });
        let mut draft = WorkflowDraft::new(
            self.title.clone().unwrap_or_default(),
            self.workflow_type.unwrap_or(WorkflowType::Procurement),
            self.priority.unwrap_or(Priority::Normal),
            steps.collect(),
            CUSTOM_WORKFLOW_DAYS,
            TriggeredBy::Manual,
        );
        draft.description = self.description.clone();
        self.fill_options(draft)
    }

    /// The fields both routes share.
    fn fill_options(self, mut draft: WorkflowDraft) -> Result<WorkflowDraft, FieldErrors> {
        draft.due_date = self.due_date;
        draft.scheduled_start = self.scheduled_start;
        draft.assigned_to = self.assigned_to;
        draft.team = self.team;
        draft.employee_id = self.employee_id;
        draft.asset_id = self.asset_id;
        draft.metadata = self.metadata.unwrap_or_default();
        check_client_metadata(&draft.metadata)?;
        Ok(draft)
    }
}

#[utoipa::path(post, path = "/api/v1/workflows/from-template", tag = "workflows", security(("bearer" = [])),
    request_body = NewWorkflowRequest,
    responses((status = 201, description = "Created; `Location` names it", body = shared::http::response::Data<Workflow>), Problems))]
async fn create_from_template(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    ApiJson(body): ApiJson<NewWorkflowRequest>,
) -> Result<Response, AppError> {
    create(&state, &writer.caller, body.into_template_draft()?).await
}

#[utoipa::path(post, path = "/api/v1/workflows", tag = "workflows", security(("bearer" = [])),
    request_body = NewWorkflowRequest,
    responses((status = 201, description = "Created; `Location` names it", body = shared::http::response::Data<Workflow>), Problems))]
async fn create_custom(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    ApiJson(body): ApiJson<NewWorkflowRequest>,
) -> Result<Response, AppError> {
    create(&state, &writer.caller, body.into_custom_draft()?).await
}

async fn create(state: &AppState, session: &TenantCaller, draft: WorkflowDraft) -> Result<Response, AppError> {
    let created = create_workflow(state, session, draft).await;
    if let Err(AppError::Internal(_) | AppError::BadGateway(_)) = &created {
        // A real fault, not a refused request: the alarm on creation failures watches this.
        shared::telemetry::metric("WorkflowCreationFailures", 1.0, &[]);
    }
    created
}

async fn create_workflow(
    state: &AppState,
    session: &TenantCaller,
    mut draft: WorkflowDraft,
) -> Result<Response, AppError> {
    let caller = &session.caller;
    let tenant = &caller.tenant;
    let employee = match draft.employee_id {
        Some(id) => Some(state.store.get_employee(tenant, id).await?.ok_or_else(|| no_record("employee_id"))?),
        None => None,
    };
    let asset = match draft.asset_id {
        Some(id) => Some(state.store.get_asset(tenant, id).await?.ok_or_else(|| no_record("asset_id"))?),
        None => None,
    };
    if draft.team.is_none() {
        let managers_team = (caller.role == Role::Manager).then(|| caller.team.clone()).flatten();
        draft.team = employee.as_ref().and_then(|employee| employee.team.clone()).or(managers_team);
    }
    if !caller.scope().includes_parts(draft.team.as_ref(), draft.assigned_to.as_ref()) {
        return Err(AppError::Forbidden("managers create workflows for their own team or themselves".to_owned()));
    }
    let now = state.clock.now();
    let mut workflow = Workflow::create(Uuid::now_v7(), tenant.clone(), draft, session.tenant.today(now), now)?;
    workflow.employee = employee.as_ref().map(|employee| employee.summary());
    workflow.asset = asset.as_ref().map(|asset| asset.summary());
    let audit = audit_entry(caller, "workflow.created", None, &workflow, now);
    // The store checks again, in the same transaction, that the linked records still exist.
    state.store.insert_workflow(&workflow, &audit).await?;
    log_change(&workflow, "workflow.created");
    state.notifier.workflow_changed(&session.tenant, None, &workflow, now).await;
    let location = format!("/api/v1/workflows/{}", workflow.id);
    let version = workflow.version;
    Ok(versioned(workflow, version, Some(location)))
}

fn no_record(field: &str) -> AppError {
    AppError::validation(field, "names no record of this tenant")
}

/// `GET /api/v1/workflows/stats`, within the caller's role scope.
#[derive(Debug, Serialize, ToSchema)]
struct Stats {
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
async fn stats(
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
struct ListQuery {
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
async fn list_workflows(
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
async fn get_workflow(
    State(state): State<AppState>,
    session: TenantCaller,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let workflow = load_visible(&state, &session.caller, id).await?;
    let version = workflow.version;
    Ok(versioned(workflow, version, None))
}

#[utoipa::path(get, path = "/api/v1/workflows/{id}/history", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "Audit entries, oldest first, all in one page", body = ListData<AuditEntry>), Problems))]
async fn history(
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

/// `PATCH /api/v1/workflows/{id}`: only these fields; `null` clears `description`, `assigned_to`,
/// `team` and `scheduled_start`. `metadata` is an RFC 7396 merge patch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PatchRequest {
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(max_length = 200)]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(max_length = 5000)]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    priority: Option<Option<Priority>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    due_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(value_type = Option<String>, max_length = 254)]
    assigned_to: Option<Option<Email>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    team: Option<Option<Team>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    scheduled_start: Option<Option<NaiveDate>>,
    /// A JSON Merge Patch; the merged metadata keeps the limits of creation (16,384 bytes compact,
    /// 8 levels, DynamoDB's number range).
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(value_type = Option<Object>)]
    metadata: Option<Option<Map<String, Value>>>,
}

impl PatchRequest {
    fn into_patch(self) -> Result<WorkflowPatch, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut required = |field: &str, value: bool| {
            if value {
                errors.add(field, "cannot be null");
            }
        };
        required("title", matches!(self.title, Some(None)));
        required("priority", matches!(self.priority, Some(None)));
        required("due_date", matches!(self.due_date, Some(None)));
        required("metadata", matches!(self.metadata, Some(None)));
        errors.into_result()?;
        Ok(WorkflowPatch {
            title: self.title.flatten(),
            description: self.description,
            priority: self.priority.flatten(),
            due_date: self.due_date.flatten(),
            assigned_to: self.assigned_to,
            team: self.team,
            scheduled_start: self.scheduled_start,
            metadata: self.metadata.flatten(),
        })
    }
}

#[utoipa::path(patch, path = "/api/v1/workflows/{id}", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = PatchRequest,
    responses((status = 200, description = "The updated workflow", body = shared::http::response::Data<Workflow>), Problems))]
async fn update_workflow(change: ChangeRequest, ApiJson(body): ApiJson<PatchRequest>) -> Result<Response, AppError> {
    let today = change.session.tenant.today(change.state.clock.now());
    let patch = body.into_patch()?.validate(today)?;
    change.apply(WorkflowAction::Update, "workflow.updated", |workflow, now| workflow.apply_patch(&patch, now)).await
}

/// A step number as JSON writes it: `3` or `3.0` (JSON has one number type), never `3.5`.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let number = Option::<f64>::deserialize(deserializer)?;
    number
        .map(|number| {
            let whole = number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number);
            if whole {
                Ok(number as u32)
            } else {
                Err(serde::de::Error::custom("must be a whole number of at least 0"))
            }
        })
        .transpose()
}

/// A body-less POST: nothing may be sent but `{}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EmptyRequest {}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/start", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<EmptyRequest>, description = "No body needed"),
    responses((status = 200, description = "Started: in_progress at step 1", body = shared::http::response::Data<Workflow>), Problems))]
async fn start(change: ChangeRequest, ApiJson(EmptyRequest {}): ApiJson<EmptyRequest>) -> Result<Response, AppError> {
    change.apply(WorkflowAction::Start, "workflow.started", |workflow, now| workflow.start(now).map(|()| true)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AdvanceRequest {
    /// When given, the request is refused (409) unless this is the current step.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 0, maximum = 4294967295_u32)]
    expected_step: Option<u32>,
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/advance", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<AdvanceRequest>),
    responses((status = 200, description = "The current step is completed and the next one started", body = shared::http::response::Data<Workflow>), Problems))]
async fn advance(change: ChangeRequest, ApiJson(body): ApiJson<AdvanceRequest>) -> Result<Response, AppError> {
    let actor = change.session.caller.actor();
    change
        .apply(WorkflowAction::Advance, "workflow.step_advanced", |workflow, now| {
            workflow.advance(body.expected_step, &actor, now).map(|()| true)
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/complete", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<EmptyRequest>, description = "No body needed"),
    responses((status = 200, description = "Completed", body = shared::http::response::Data<Workflow>), Problems))]
async fn complete(
    change: ChangeRequest,
    ApiJson(EmptyRequest {}): ApiJson<EmptyRequest>,
) -> Result<Response, AppError> {
    change
        .apply(WorkflowAction::Complete, "workflow.completed", |workflow, now| workflow.complete(now).map(|()| true))
        .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CancelRequest {
    /// 1..=1000 characters, kept in `metadata.cancellation_reason`.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/cancel", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = CancelRequest,
    responses((status = 200, description = "Cancelled", body = shared::http::response::Data<Workflow>), Problems))]
async fn cancel(change: ChangeRequest, ApiJson(body): ApiJson<CancelRequest>) -> Result<Response, AppError> {
    let reason = text_within(&body.reason, 1, 1000).map_err(|message| AppError::validation("reason", message))?;
    change
        .apply(WorkflowAction::Cancel, "workflow.cancelled", |workflow, now| {
            workflow.cancel(&reason, now).map(|()| true)
        })
        .await
}

/// Everything a change of an existing workflow needs besides its body: who asks (401/403 come
/// first), the id as written (judged only after the body, as the contract orders 422 before 404)
/// and `If-Match`.
struct ChangeRequest {
    state: AppState,
    session: TenantCaller,
    raw_id: String,
    if_match: IfMatch,
}

impl FromRequestParts<AppState> for ChangeRequest {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = TenantCaller::from_request_parts(parts, state).await?;
        let Path(raw_id) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| not_found_text())?;
        let if_match = IfMatch::from_request_parts(parts, state).await?;
        Ok(ChangeRequest { state: state.clone(), session, raw_id, if_match })
    }
}

impl ChangeRequest {
    /// The one way an existing workflow changes: load it within the caller's scope (404), check
    /// the role (403) and `If-Match` (412), apply the domain rule (409), then store it conditioned
    /// on the version it was read at, with its audit entry, in one atomic write (409 if another
    /// request won the race).
    async fn apply<E: Into<AppError>>(
        self,
        action: WorkflowAction,
        audit_action: &'static str,
        rule: impl FnOnce(&mut Workflow, DateTime<Utc>) -> Result<bool, E>,
    ) -> Result<Response, AppError> {
        let Self { state, session, raw_id, if_match } = self;
        let caller = &session.caller;
        let id = Uuid::parse_str(&raw_id).map_err(|_| not_found_text())?;
        let mut workflow = load_visible(&state, caller, id).await?;
        let span = tracing::Span::current();
        span.record("workflow_id", tracing::field::display(id));
        span.record("step", workflow.current_step);
        if !caller.may(action) {
            return Err(AppError::Forbidden("this role may not do that to a workflow".to_owned()));
        }
        if_match.check(workflow.version)?;
        let before = workflow.clone();
        let now = state.clock.now();
        if rule(&mut workflow, now).map_err(Into::into)? {
            if !caller.scope().includes(&workflow) {
                return Err(AppError::Forbidden("the change would move the workflow out of your scope".to_owned()));
            }
            let audit = audit_entry(caller, audit_action, Some(&before), &workflow, now);
            let assets = completion_effects(&state, caller, &before, &workflow, now).await?;
            let changes: Vec<AssetChange<'_>> = assets
                .iter()
                .map(|(asset, expected_version, audit)| AssetChange {
                    asset,
                    expected_version: *expected_version,
                    audit,
                })
                .collect();
            state.store.update_workflow(&workflow, &before, &audit, &changes).await?;
            log_change(&workflow, audit_action);
            state.notifier.workflow_changed(&session.tenant, Some(&before), &workflow, now).await;
        }
        let version = workflow.version;
        Ok(versioned(workflow, version, None))
    }
}

/// The asset changes that completing `after` brings (none unless this change completes it):
/// each asset's new state, the version it was read at, and its audit entry.
async fn completion_effects(
    state: &AppState,
    caller: &Caller,
    before: &Workflow,
    after: &Workflow,
    now: DateTime<Utc>,
) -> Result<Vec<(Asset, u64, AuditEntry)>, AppError> {
    if before.status == WorkflowStatus::Completed || after.status != WorkflowStatus::Completed {
        return Ok(Vec::new());
    }
    let effects =
        AssetEffect::of_completion(after.template_key.as_deref(), after.asset_id, after.employee_id, &after.metadata);
    let mut changes = Vec::new();
    for (id, effect) in effects {
        // An id in the metadata that names no asset has nothing to update.
        let Some(asset) = state.store.get_asset(&after.tenant_id, id).await? else { continue };
        let mut changed = asset.clone();
        effect.apply(&mut changed);
        if changed == asset {
            continue;
        }
        changed.touch(now);
        let audit =
            AuditEntry::new(&after.tenant_id, &caller.actor(), "asset.updated_by_workflow", TargetType::Asset, id, now)
                .with_diff(Some(&asset), &changed);
        changes.push((changed, asset.version, audit));
    }
    Ok(changes)
}

/// The workflow, if it exists in the caller's tenant and scope; 404 otherwise, so ids outside
/// the scope reveal nothing.
async fn load_visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<Workflow, AppError> {
    state
        .store
        .get_workflow(&caller.tenant, id)
        .await?
        .filter(|workflow| caller.can_see(workflow))
        .ok_or_else(|| not_found(id))
}

fn not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("no workflow {id}"))
}

fn not_found_text() -> AppError {
    AppError::NotFound("no such workflow".to_owned())
}

fn audit_entry(
    caller: &Caller,
    action: &str,
    before: Option<&Workflow>,
    after: &Workflow,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry::new(&caller.tenant, &caller.actor(), action, TargetType::Workflow, after.id, now)
        .with_diff(before, after)
}

fn log_change(workflow: &Workflow, action: &str) {
    tracing::info!(
        tenant_id = %workflow.tenant_id,
        workflow_id = %workflow.id,
        step = workflow.current_step,
        action,
        "workflow changed"
    );
}
