//! Changing a workflow's fields and walking it: PATCH, start, advance, complete, cancel.

use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};
use shared::domain::caller::WorkflowAction;
use shared::domain::validation::{Email, FieldErrors, Team, text_within};
use shared::domain::workflow::{Priority, REASON_MAX_CHARS, StepAssignment, Workflow, WorkflowPatch};
use shared::http::AppError;
use shared::http::extract::ApiJson;
use shared::http::openapi::Problems;
use utoipa::ToSchema;

use crate::change::ChangeRequest;

/// `PATCH /api/v1/workflows/{id}`: only these fields; `null` clears `description`, `assigned_to`,
/// `team` and `scheduled_start`. `metadata` is an RFC 7396 merge patch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchRequest {
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
    /// New assignees of steps not done yet (a done step: 409); other steps keep theirs.
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(min_items = 1, max_items = 50)]
    steps: Option<Option<Vec<StepAssignmentRequest>>>,
}

/// One step's new assignee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepAssignmentRequest {
    /// The step's `order` (1-based).
    #[schema(minimum = 1, maximum = 50)]
    order: u32,
    /// The new assignee; `null` leaves the step unassigned. Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(value_type = Option<String>, max_length = 254)]
    assigned_to: Option<Email>,
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
        required("steps", matches!(self.steps, Some(None)));
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
            steps: self.steps.flatten().map(|steps| {
                steps
                    .into_iter()
                    .map(|step| StepAssignment { order: step.order, assigned_to: step.assigned_to })
                    .collect()
            }),
        })
    }
}

#[utoipa::path(patch, path = "/api/v1/workflows/{id}", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = PatchRequest,
    responses((status = 200, description = "The updated workflow", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn update_workflow(
    change: ChangeRequest,
    ApiJson(body): ApiJson<PatchRequest>,
) -> Result<Response, AppError> {
    let today = change.session.tenant.today(change.state.clock.now());
    let patch = body.into_patch()?.validate(today)?;
    change.apply(WorkflowAction::Update, "workflow.updated", |workflow, now| workflow.apply_patch(&patch, now)).await
}

/// A step number as JSON writes it: `3` or `3.0` (JSON has one number type), never `3.5`.
pub(crate) fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
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
pub(crate) struct EmptyRequest {}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/start", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<EmptyRequest>, description = "No body needed"),
    responses((status = 200, description = "Started: in_progress at step 1", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn start(
    change: ChangeRequest,
    ApiJson(EmptyRequest {}): ApiJson<EmptyRequest>,
) -> Result<Response, AppError> {
    change.apply(WorkflowAction::Start, "workflow.started", |workflow, now| workflow.start(now).map(|()| true)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdvanceRequest {
    /// When given, the request is refused (409) unless this is the current step.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 0, maximum = 4294967295_u32)]
    expected_step: Option<u32>,
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/advance", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<AdvanceRequest>),
    responses((status = 200, description = "The current step is completed and the next one started", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn advance(
    change: ChangeRequest,
    ApiJson(body): ApiJson<AdvanceRequest>,
) -> Result<Response, AppError> {
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
pub(crate) async fn complete(
    change: ChangeRequest,
    ApiJson(EmptyRequest {}): ApiJson<EmptyRequest>,
) -> Result<Response, AppError> {
    change
        .apply(WorkflowAction::Complete, "workflow.completed", |workflow, now| workflow.complete(now).map(|()| true))
        .await
}

/// Why a workflow is cancelled, a step skipped or an approval rejected: 1..=1000 characters,
/// not all white space, no control characters but newlines and tabs (trimmed when kept).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct Reason(String);

/// What a schema can say of `text_within(.., 1, ..)`: something besides white space, and no
/// control characters but tab, newline and carriage return.
const NON_BLANK_TEXT: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

impl utoipa::PartialSchema for Reason {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let description = "1..=1000 characters, not all white space, no control characters but newlines and tabs";
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(REASON_MAX_CHARS))
            .pattern(Some(NON_BLANK_TEXT))
            .description(Some(description))
            .into()
    }
}

impl ToSchema for Reason {
    fn name() -> std::borrow::Cow<'static, str> {
        "Reason".into()
    }
}

impl Reason {
    /// The reason as kept, or the request's 422 naming `field`.
    pub(crate) fn checked(&self, field: &str) -> Result<String, AppError> {
        text_within(&self.0, 1, REASON_MAX_CHARS).map_err(|message| AppError::validation(field, message))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelRequest {
    /// Kept in `metadata.cancellation_reason`.
    reason: Reason,
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/cancel", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = CancelRequest,
    responses((status = 200, description = "Cancelled", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn cancel(change: ChangeRequest, ApiJson(body): ApiJson<CancelRequest>) -> Result<Response, AppError> {
    let reason = body.reason.checked("reason")?;
    change
        .apply(WorkflowAction::Cancel, "workflow.cancelled", |workflow, now| {
            workflow.cancel(&reason, now).map(|()| true)
        })
        .await
}
