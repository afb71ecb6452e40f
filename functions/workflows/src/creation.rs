//! Creating workflows: from a template or custom (contract §3), with step owners (§10).

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};
use shared::domain::caller::Role;
use shared::domain::template::Template;
use shared::domain::validation::{Email, FieldErrors, Team};
use shared::domain::workflow::{
    CUSTOM_WORKFLOW_DAYS, Priority, StepDraft, StepPeople, TriggeredBy, Workflow, WorkflowDraft, WorkflowType,
    check_client_metadata,
};
use shared::http::extract::{ApiJson, Authorized, TenantCaller, Writers};
use shared::http::openapi::Problems;
use shared::http::{AppError, AppState};
use shared::templates::visible_template;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{audit_entry, log_change, respond};

/// The body of both create routes. `from-template` takes `template_key` and no `workflow_type`
/// or `steps`; `POST /workflows` takes `title`, `workflow_type` and `steps` and no `template_key`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewWorkflowRequest {
    #[schema(max_length = 40)]
    template_key: Option<String>,
    #[schema(max_length = 200)]
    title: Option<String>,
    workflow_type: Option<WorkflowType>,
    steps: Option<Vec<StepDraft>>,
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

impl NewWorkflowRequest {
    /// The key of a from-template body, whose steps and type come from the template.
    fn template_key(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::default();
        for (field, present) in [("workflow_type", self.workflow_type.is_some()), ("steps", self.steps.is_some())] {
            if present {
                errors.add(field, "comes from the template and cannot be given");
            }
        }
        if self.template_key.is_none() {
            errors.add("template_key", "is required");
        }
        errors.into_result()?;
        Ok(self.template_key.clone().unwrap_or_default())
    }

    fn into_template_draft(self, template: &Template) -> Result<WorkflowDraft, FieldErrors> {
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
        let mut draft = WorkflowDraft::new(
            self.title.clone().unwrap_or_default(),
            self.workflow_type.unwrap_or(WorkflowType::Procurement),
            self.priority.unwrap_or(Priority::Normal),
            self.steps.clone().unwrap_or_default(),
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
pub(crate) async fn create_from_template(
    State(state): State<AppState>,
    writer: Authorized<Writers>,
    ApiJson(body): ApiJson<NewWorkflowRequest>,
) -> Result<Response, AppError> {
    let session = &writer.caller;
    let key = body.template_key()?;
    let template = visible_template(state.store.as_ref(), &session.caller.tenant, &key)
        .await?
        .ok_or_else(|| AppError::validation("template_key", format!("no template with key {key}")))?;
    create(&state, session, body.into_template_draft(&template)?).await
}

#[utoipa::path(post, path = "/api/v1/workflows", tag = "workflows", security(("bearer" = [])),
    request_body = NewWorkflowRequest,
    responses((status = 201, description = "Created; `Location` names it", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn create_custom(
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
    draft.people = StepPeople::of(&session.tenant.it_email, employee.as_ref());
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
    respond(state, workflow, Some(location)).await
}

fn no_record(field: &str) -> AppError {
    AppError::validation(field, "names no record of this tenant")
}
