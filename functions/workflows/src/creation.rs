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
    CUSTOM_WORKFLOW_DAYS, Priority, StepAssignee, StepDraft, StepKind, StepPeople, TriggeredBy, Workflow,
    WorkflowDraft, WorkflowType, check_client_metadata,
};
use shared::http::extract::{ApiJson, Authorized, TenantCaller, Writers};
use shared::http::openapi::Problems;
use shared::http::response::versioned;
use shared::http::{AppError, AppState};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{audit_entry, log_change};

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
pub(crate) struct StepRequest {
    #[schema(max_length = 200)]
    name: String,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(max_length = 5000)]
    instructions: Option<String>,
    /// `task` (the default) or `approval`.
    kind: Option<StepKind>,
    /// Who the step goes to: an email address, or `it` (the tenant's IT address), `manager` (the
    /// employee's manager), `employee` (the employee) or `assignee` (the workflow's assignee),
    /// resolved when the workflow is made (null when the placeholder has no value).
    #[schema(max_length = 254)]
    assignee: Option<String>,
    /// The step is due this many days after the workflow's start (or creation date).
    #[schema(minimum = 0, maximum = 365)]
    due_offset_days: Option<u32>,
    /// More than 0, at most 1000.
    #[schema(exclusive_minimum = 0, maximum = 1000)]
    estimated_hours: Option<f64>,
}

impl StepRequest {
    /// The step as drafted; `errors` gets a bad assignee as `steps[index].assignee`.
    fn to_draft(&self, index: usize, errors: &mut FieldErrors) -> StepDraft {
        let assignee = self.assignee.as_deref().and_then(|raw| {
            StepAssignee::parse(raw).map_err(|message| errors.add(format!("steps[{index}].assignee"), message)).ok()
        });
        StepDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            instructions: self.instructions.clone(),
            kind: self.kind.unwrap_or_default(),
            assignee,
            due_offset_days: self.due_offset_days,
            estimated_hours: self.estimated_hours,
        }
    }
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
        let steps: Vec<StepDraft> = (self.steps.as_deref().unwrap_or_default().iter().enumerate())
            .map(|(index, step)| step.to_draft(index, &mut errors))
            .collect();
        errors.into_result()?;
        let mut draft = WorkflowDraft::new(
            self.title.clone().unwrap_or_default(),
            self.workflow_type.unwrap_or(WorkflowType::Procurement),
            self.priority.unwrap_or(Priority::Normal),
            steps,
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
    create(&state, &writer.caller, body.into_template_draft()?).await
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
    let version = workflow.version;
    Ok(versioned(workflow, version, Some(location)))
}

fn no_record(field: &str) -> AppError {
    AppError::validation(field, "names no record of this tenant")
}
