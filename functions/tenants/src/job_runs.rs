//! The job runs (contract §8): a tenant's administrators see their tenant's part of each run
//! that handled it, platform administrators see whole runs; newest first, cursor-paged.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use shared::domain::jobs::{JobName, JobRecord, RunsOf};
use shared::http::extract::{Admins, ApiQuery, Authorized, PlatformAdmin};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::ListData;
use shared::http::{AppError, AppState};
use utoipa::{IntoParams, OpenApi};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/jobs/runs", get(list_job_runs))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_job_runs),
    components(schemas(JobRecord, JobName)),
    tags((name = "jobs", description = "Runs of the scheduled jobs (tenant and platform administrators)"))
)]
struct JobRunsApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    JobRunsApi::openapi()
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct JobRunsQuery {
    /// Only this job's runs.
    job: Option<JobName>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/jobs/runs", tag = "jobs", security(("bearer" = [])), params(JobRunsQuery),
    responses((status = 200, description = "Newest first: the caller's tenant's part of each run that handled it (tenant admins), or whole runs (platform admins)", body = ListData<JobRecord>), Problems))]
async fn list_job_runs(
    State(state): State<AppState>,
    platform_admin: Result<PlatformAdmin, AppError>,
    tenant_admin: Result<Authorized<Admins>, AppError>,
    ApiQuery(query): ApiQuery<JobRunsQuery>,
) -> Result<axum::Json<ListData<JobRecord>>, AppError> {
    let context = format!("job runs {:?}", query.job);
    let (of, paging) = match platform_admin {
        Ok(_) => (RunsOf::Platform, PageRequest::platform_wide(&state, context, query.limit, query.cursor.as_deref())?),
        Err(_) => {
            let tenant = tenant_admin?.caller.caller.tenant;
            let paging = PageRequest::new(&state, &tenant, context, query.limit, query.cursor.as_deref())?;
            (RunsOf::Tenant(tenant), paging)
        }
    };
    let found = state.store.list_job_runs(&of, query.job, paging.after, paging.limit).await?;
    Ok(paging.respond(&state, found, |record| record))
}
