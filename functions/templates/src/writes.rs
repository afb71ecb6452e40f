//! Writing a tenant's own templates (contract §10): create (optionally `based_on` another),
//! change (a new version each time) and delete (hidden, its key kept). Admins only; built-ins
//! are read-only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::template::{Template, TemplateFields, TemplateSource};
use shared::domain::validation::FieldErrors;
use shared::domain::workflow::{Priority, StepDraft, WorkflowType};
use shared::http::extract::{Admins, ApiJson, Authorized, IfMatch, TenantCaller};
use shared::http::openapi::Problems;
use shared::http::response::{Data, versioned};
use shared::http::{AppError, AppState};
use shared::ports::StoreError;
use shared::templates::visible_template;
use utoipa::ToSchema;

use crate::find;
use crate::views::TemplateView;

/// `POST /api/v1/workflows/templates`. Without `based_on`, `title`, `workflow_type` and `steps`
/// are required; `priority` defaults to `normal` and `estimated_duration_days` to 7.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewTemplateRequest {
    /// Unique in the tenant for good (a deleted template keeps its key) and never a built-in's (409).
    #[schema(pattern = "^[a-z0-9_]{2,40}$", min_length = 2, max_length = 40)]
    key: String,
    /// Another template (built-in or the tenant's own) whose fields this one starts from; the
    /// fields given here replace them.
    #[schema(max_length = 40)]
    based_on: Option<String>,
    #[schema(max_length = 200)]
    title: Option<String>,
    workflow_type: Option<WorkflowType>,
    priority: Option<Priority>,
    #[schema(max_length = 5000)]
    description: Option<String>,
    #[schema(minimum = 1, maximum = 365)]
    estimated_duration_days: Option<u32>,
    /// 1 to 50 steps; the whole template stays within 65,536 bytes as compact JSON.
    #[schema(min_items = 1, max_items = 50)]
    steps: Option<Vec<StepDraft>>,
}

/// `PATCH /api/v1/workflows/templates/{key}`: only these fields; `steps` replaces the whole
/// list, `null` clears `description` (and is refused for the others).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplatePatchRequest {
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(max_length = 200)]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    workflow_type: Option<Option<WorkflowType>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    priority: Option<Option<Priority>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(max_length = 5000)]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(minimum = 1, maximum = 365)]
    estimated_duration_days: Option<Option<u32>>,
    #[serde(default, deserialize_with = "shared::http::extract::nullable")]
    #[schema(min_items = 1, max_items = 50)]
    steps: Option<Option<Vec<StepDraft>>>,
}

impl TemplatePatchRequest {
    fn into_fields(self) -> Result<TemplateFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        let nulls = [
            ("title", matches!(self.title, Some(None))),
            ("workflow_type", matches!(self.workflow_type, Some(None))),
            ("priority", matches!(self.priority, Some(None))),
            ("estimated_duration_days", matches!(self.estimated_duration_days, Some(None))),
            ("steps", matches!(self.steps, Some(None))),
        ];
        for (field, null) in nulls {
            if null {
                errors.add(field, "cannot be null");
            }
        }
        errors.into_result()?;
        Ok(TemplateFields {
            title: self.title.flatten(),
            workflow_type: self.workflow_type.flatten(),
            priority: self.priority.flatten(),
            description: self.description,
            estimated_duration_days: self.estimated_duration_days.flatten(),
            steps: self.steps.flatten(),
        })
    }
}

#[utoipa::path(post, path = "/api/v1/workflows/templates", tag = "templates", security(("bearer" = [])),
    request_body = NewTemplateRequest,
    responses((status = 201, description = "Created at version 1; `Location` names it", body = Data<TemplateView>), Problems))]
pub(crate) async fn create_template(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    ApiJson(body): ApiJson<NewTemplateRequest>,
) -> Result<Response, AppError> {
    let session = &admin.caller;
    let NewTemplateRequest {
        key,
        based_on,
        title,
        workflow_type,
        priority,
        description,
        estimated_duration_days,
        steps,
    } = body;
    let fields = TemplateFields {
        title,
        workflow_type,
        priority,
        description: description.map(Some),
        estimated_duration_days,
        steps,
    }
    .validate()?;
    let base = match based_on {
        Some(base) => Some(
            visible_template(state.store.as_ref(), &session.caller.tenant, &base)
                .await?
                .ok_or_else(|| AppError::validation("based_on", format!("no template with key {base}")))?,
        ),
        None => None,
    };
    let template = Template::create(&key, base.as_ref(), fields)?;
    if Template::builtin(&key).is_some() {
        return Err(AppError::Conflict(format!("{key} is the key of a built-in template")));
    }
    let now = state.clock.now();
    let audit = audit_entry(session, "template.created", None, &template, now);
    state.store.insert_template(&session.caller.tenant, &template, &audit).await.map_err(|error| match error {
        StoreError::AlreadyExists => {
            AppError::Conflict(format!("the key {key} is taken (a deleted template keeps its key)"))
        }
        error => error.into(),
    })?;
    log_change(session, &template, "template.created");
    let location = format!("/api/v1/workflows/templates/{key}");
    Ok(versioned(TemplateView::from(&template), template.version, Some(location)))
}

#[utoipa::path(patch, path = "/api/v1/workflows/templates/{key}", tag = "templates", security(("bearer" = [])),
    params(("key" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = TemplatePatchRequest,
    responses((status = 200, description = "The template at its new version (unchanged when the PATCH changes nothing); workflows made from earlier versions keep theirs", body = Data<TemplateView>), Problems))]
pub(crate) async fn update_template(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    Path(key): Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<TemplatePatchRequest>,
) -> Result<Response, AppError> {
    let session = &admin.caller;
    let fields = body.into_fields()?.validate()?;
    let current = writable(&state, session, &key, if_match).await?;
    let Some(patched) = current.patched(fields)? else {
        return Ok(versioned(TemplateView::from(&current), current.version, None));
    };
    let now = state.clock.now();
    let audit = audit_entry(session, "template.updated", Some(&current), &patched, now);
    state.store.update_template(&session.caller.tenant, &patched, current.version, &audit).await?;
    log_change(session, &patched, "template.updated");
    Ok(versioned(TemplateView::from(&patched), patched.version, None))
}

#[utoipa::path(delete, path = "/api/v1/workflows/templates/{key}", tag = "templates", security(("bearer" = [])),
    params(("key" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    responses((status = 204, description = "Deleted: hidden from the list and from `from-template`, its key never reused; workflows made from it and their history are untouched. 409 for a built-in, or a template the HRIS settings name"), Problems))]
pub(crate) async fn delete_template(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    Path(key): Path<String>,
    if_match: IfMatch,
) -> Result<StatusCode, AppError> {
    let session = &admin.caller;
    let current = writable(&state, session, &key, if_match).await?;
    if session.tenant.hris_uses_template(&key) {
        return Err(AppError::Conflict(format!(
            "the HRIS settings start {key} for hires or terminations; choose another template there first"
        )));
    }
    let now = state.clock.now();
    let deleted = current.deleted(now);
    let audit = audit_entry(session, "template.deleted", Some(&current), &deleted, now);
    state.store.update_template(&session.caller.tenant, &deleted, current.version, &audit).await?;
    log_change(session, &deleted, "template.deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The tenant's own template `key` at the version `If-Match` names: 404 unknown or deleted, 412
/// stale, 409 a built-in (read-only).
async fn writable(
    state: &AppState,
    session: &TenantCaller,
    key: &str,
    if_match: IfMatch,
) -> Result<Template, AppError> {
    let current = find(state, session, key).await?;
    if_match.check(current.version)?;
    if current.source == TemplateSource::Builtin {
        return Err(AppError::Conflict(format!("{key} is a built-in template, which cannot be changed")));
    }
    Ok(current)
}

/// The audit entry of a template change, with the changed fields (steps by their order).
fn audit_entry(
    session: &TenantCaller,
    action: &str,
    before: Option<&Template>,
    after: &Template,
    now: DateTime<Utc>,
) -> AuditEntry {
    let caller = &session.caller;
    AuditEntry::new(&caller.tenant, &caller.actor(), action, TargetType::Template, &after.key, now)
        .with_diff(before.map(TemplateView::from).as_ref(), &TemplateView::from(after))
}

fn log_change(session: &TenantCaller, template: &Template, action: &str) {
    tracing::info!(tenant_id = %session.caller.tenant, template = %template.key, version = template.version, action, "template changed");
}
