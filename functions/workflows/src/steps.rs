//! Working on the active step (contract §10): approve or reject an approval, skip a task, and
//! notes on any step.

use axum::response::Response;
use serde::Deserialize;
use shared::domain::caller::WorkflowAction;
use shared::domain::validation::text_within;
use shared::domain::workflow::{NOTE_MAX_CHARS, REASON_MAX_CHARS, StepNote, Workflow};
use shared::http::AppError;
use shared::http::extract::ApiJson;
use shared::http::openapi::Problems;
use shared::http::response::versioned;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::change::ChangeRequest;
use crate::transitions::{Reason, whole_number};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApproveRequest {
    /// When given, the request is refused (409) unless this is the number of steps done.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 0, maximum = 4294967295_u32)]
    expected_step: Option<u32>,
    /// Kept in the step's `decision`.
    #[schema(nullable = false, max_length = 1000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RejectRequest {
    /// Why: kept in the step's `decision` and the cancellation reason.
    comment: Reason,
    /// When given, the request is refused (409) unless this is the number of steps done.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 0, maximum = 4294967295_u32)]
    expected_step: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SkipRequest {
    /// Kept as the step's `skip_reason`.
    reason: Reason,
    /// When given, the request is refused (409) unless this is the number of steps done.
    #[serde(default, deserialize_with = "whole_number")]
    #[schema(nullable = false, minimum = 0, maximum = 4294967295_u32)]
    expected_step: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteRequest {
    /// 1..=2000 characters. A step keeps at most 100 notes, a workflow at most 128 KiB of note
    /// text (422 beyond either).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    text: String,
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/approve", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body(content = Option<ApproveRequest>),
    responses((status = 200, description = "The active approval step is approved and done, the next step started. Only the step's assignee or an admin decides (403); a task step: 409", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn approve(
    change: ChangeRequest,
    ApiJson(body): ApiJson<ApproveRequest>,
) -> Result<Response, AppError> {
    let comment = match body.comment.as_deref() {
        Some(raw) => {
            Some(text_within(raw, 0, REASON_MAX_CHARS).map_err(|message| AppError::validation("comment", message))?)
                .filter(|comment| !comment.is_empty())
        }
        None => None,
    };
    let actor = change.session.caller.actor();
    change
        .apply(WorkflowAction::Approve, "workflow.step_approved", |workflow, now| {
            workflow.approve(body.expected_step, comment, &actor, now).map(|()| true)
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/reject", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = RejectRequest,
    responses((status = 200, description = "The active approval step is rejected (not completed) and the workflow cancelled with `cancellation_reason` \"rejected at step N: <comment>\". Only the step's assignee or an admin decides (403); a task step: 409", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn reject(change: ChangeRequest, ApiJson(body): ApiJson<RejectRequest>) -> Result<Response, AppError> {
    let comment = body.comment.checked("comment")?;
    let actor = change.session.caller.actor();
    change
        .apply(WorkflowAction::Reject, "workflow.step_rejected", |workflow, now| {
            workflow.reject(body.expected_step, &comment, &actor, now).map(|()| true)
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/skip", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = SkipRequest,
    responses((status = 200, description = "The active task is skipped (it counts as done) and the next step started. Admins, and managers in scope; an approval step: 409", body = shared::http::response::Data<Workflow>), Problems))]
pub(crate) async fn skip(change: ChangeRequest, ApiJson(body): ApiJson<SkipRequest>) -> Result<Response, AppError> {
    let reason = body.reason.checked("reason")?;
    let actor = change.session.caller.actor();
    change
        .apply(WorkflowAction::Skip, "workflow.step_skipped", |workflow, now| {
            workflow.skip(body.expected_step, &reason, &actor, now).map(|()| true)
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/workflows/{id}/steps/{order}/notes", tag = "workflows", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("order" = u32, Path, minimum = 1, description = "The step's `order` (1-based); one the workflow does not have: 404"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = NoteRequest,
    responses((status = 201, description = "The note; anyone who can see the workflow adds them, while it is pending or in progress (409 otherwise). `ETag` is the workflow's new version", body = shared::http::response::Data<StepNote>), Problems))]
pub(crate) async fn add_note(change: ChangeRequest, ApiJson(body): ApiJson<NoteRequest>) -> Result<Response, AppError> {
    let text = text_within(&body.text, 1, NOTE_MAX_CHARS).map_err(|message| AppError::validation("text", message))?;
    let order = change.step_order();
    let (id, author) = (Uuid::now_v7(), change.session.caller.actor());
    let workflow = change
        .commit(WorkflowAction::Note, "workflow.note_added", |workflow, now| {
            workflow.add_note(order, StepNote { id, author, text, at: now }, now).map(|()| true)
        })
        .await?;
    let note = workflow.steps.iter().flat_map(|step| &step.notes).find(|note| note.id == id).cloned();
    let note = note.ok_or_else(|| AppError::Internal("the stored note is missing".to_owned()))?;
    let location = format!("/api/v1/workflows/{}", workflow.id);
    Ok(versioned(note, workflow.version, Some(location)))
}
