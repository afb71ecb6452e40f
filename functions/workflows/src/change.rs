//! The one way an existing workflow changes, shared by every mutation route.

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{DateTime, Utc};
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::caller::{Caller, WorkflowAction};
use shared::domain::directory::{Asset, AssetEffect};
use shared::domain::workflow::{Workflow, WorkflowStatus};
use shared::http::extract::{IfMatch, TenantCaller};
use shared::http::{AppError, AppState};
use shared::ports::AssetChange;
use uuid::Uuid;

use crate::{audit_entry, load_visible, log_change, not_found_text, respond};

/// Everything a change of an existing workflow needs besides its body: who asks (401/403 come
/// first), the id as written (judged only after the body, as the contract orders 422 before 404)
/// and `If-Match`.
pub(crate) struct ChangeRequest {
    pub(crate) state: AppState,
    pub(crate) session: TenantCaller,
    raw_id: String,
    /// The `{order}` of step routes, as written.
    raw_order: Option<String>,
    if_match: IfMatch,
}

impl FromRequestParts<AppState> for ChangeRequest {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = TenantCaller::from_request_parts(parts, state).await?;
        let Path(mut params) =
            Path::<BTreeMap<String, String>>::from_request_parts(parts, state).await.map_err(|_| not_found_text())?;
        let raw_id = params.remove("id").ok_or_else(not_found_text)?;
        let if_match = IfMatch::from_request_parts(parts, state).await?;
        Ok(ChangeRequest { state: state.clone(), session, raw_id, raw_order: params.remove("order"), if_match })
    }
}

impl ChangeRequest {
    /// The step `{order}` of the path. One that is not a number names no step, like order 0,
    /// so the rule answers it with 404 once the workflow itself was found.
    pub(crate) fn step_order(&self) -> u32 {
        self.raw_order.as_deref().and_then(|order| order.parse().ok()).unwrap_or(0)
    }

    /// Applies `rule` and answers the workflow as it is afterwards.
    pub(crate) async fn apply<E: Into<AppError>>(
        self,
        action: WorkflowAction,
        audit_action: &'static str,
        rule: impl FnOnce(&mut Workflow, DateTime<Utc>) -> Result<bool, E>,
    ) -> Result<Response, AppError> {
        let state = self.state.clone();
        let workflow = self.commit(action, audit_action, rule).await?;
        respond(&state, workflow, None).await
    }

    /// The one way an existing workflow changes: load it within the caller's scope (404), check
    /// the role (403) and `If-Match` (412), apply the domain rule (409), then store it conditioned
    /// on the version it was read at, with its audit entry, in one atomic write (409 if another
    /// request won the race). Returns the workflow as it is afterwards.
    pub(crate) async fn commit<E: Into<AppError>>(
        self,
        action: WorkflowAction,
        audit_action: &'static str,
        rule: impl FnOnce(&mut Workflow, DateTime<Utc>) -> Result<bool, E>,
    ) -> Result<Workflow, AppError> {
        let Self { state, session, raw_id, raw_order: _, if_match } = self;
        let caller = &session.caller;
        let id = Uuid::parse_str(&raw_id).map_err(|_| not_found_text())?;
        let mut workflow = load_visible(&state, caller, id).await?;
        let span = tracing::Span::current();
        span.record("workflow_id", tracing::field::display(id));
        span.record("step", workflow.current_step);
        if !caller.may_act_on(action, &workflow) {
            return Err(AppError::Forbidden("this role may not do that to a workflow".to_owned()));
        }
        if_match.check(workflow.version)?;
        let before = workflow.clone();
        let now = state.clock.now();
        if rule(&mut workflow, now).map_err(Into::into)? {
            // Only a PATCH can move a workflow (its team or assignee); walking it moves the active
            // step, and with it a step assignee's view, which is no reason to refuse the walk.
            if action == WorkflowAction::Update && !caller.scope().includes(&workflow) {
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
        Ok(workflow)
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
