//! The tenant's audit trail for its administrators (contract §8): every change, newest first,
//! filtered by target, actor and time, each filter combination read from an index.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::http::extract::{Admins, ApiQuery, Authorized};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::ListData;
use shared::http::{AppError, AppState};
use shared::ports::{AuditFilter, AuditQuery};
use utoipa::{IntoParams, OpenApi};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list_audit))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_audit),
    components(schemas(AuditEntry, TargetType)),
    tags((name = "audit", description = "The tenant's audit trail (tenant administrators)"))
)]
struct AuditApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    AuditApi::openapi()
}

const TARGET_ID_MAX_CHARS: usize = 200;
const ACTOR_MAX_CHARS: usize = 254;

/// A text filter no longer than its documented maximum: a longer one is a malformed request
/// (400), not a filter that matches nothing.
fn at_most(name: &str, value: Option<String>, max: usize) -> Result<Option<String>, AppError> {
    match value {
        Some(text) if text.chars().count() > max => {
            Err(AppError::BadRequest(format!("{name} must be at most {max} characters")))
        }
        other => Ok(other),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditListQuery {
    target_type: Option<TargetType>,
    /// The id of the changed item (a workflow's, employee's or asset's id; the tenant's id).
    #[param(max_length = 200)] // TARGET_ID_MAX_CHARS
    target_id: Option<String>,
    /// Who made the change, as the entries name it.
    #[param(max_length = 254)] // ACTOR_MAX_CHARS
    actor: Option<String>,
    /// RFC 3339: entries at or after this instant (to the millisecond).
    since: Option<DateTime<Utc>>,
    /// RFC 3339: entries before this instant (to the millisecond).
    until: Option<DateTime<Utc>>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditListQuery),
    responses((status = 200, description = "The tenant's audit entries, newest first", body = ListData<AuditEntry>), Problems))]
async fn list_audit(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    ApiQuery(query): ApiQuery<AuditListQuery>,
) -> Result<axum::Json<ListData<AuditEntry>>, AppError> {
    let tenant = &admin.caller.caller.tenant;
    let filter = AuditFilter {
        target_type: query.target_type,
        target_id: at_most("target_id", query.target_id, TARGET_ID_MAX_CHARS)?,
        actor: at_most("actor", query.actor, ACTOR_MAX_CHARS)?,
        since: query.since,
        until: query.until,
    };
    let paging = PageRequest::new(&state, tenant, format!("audit {filter:?}"), query.limit, query.cursor.as_deref())?;
    let found =
        state.store.list_audit(tenant, &AuditQuery { filter, after: paging.after, limit: paging.limit }).await?;
    Ok(paging.respond(&state, found, |entry| entry))
}
