//! `GET /api/v1/tasks` (contract §10): a person's open work, the active steps assigned to them.

use axum::extract::State;
use serde::Deserialize;
use shared::domain::caller::Role;
use shared::domain::validation::Email;
use shared::domain::workflow::{Task, TaskPosition};
use shared::http::extract::{ApiQuery, TenantCaller};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::ListData;
use shared::http::{AppError, AppState};
use shared::ports::{TaskPage, TaskQuery};
use utoipa::IntoParams;

/// `GET /api/v1/tasks` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct TasksQuery {
    /// Whose tasks: admins may name anyone; anyone else only themselves (403 otherwise).
    /// Default: the caller.
    #[param(value_type = Option<String>)]
    assigned_to: Option<Email>,
    /// Only steps overdue: due before today (the tenant's date), or active for more than twice
    /// their `estimated_hours`.
    overdue: Option<bool>,
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/tasks", tag = "workflows", security(("bearer" = [])), params(TasksQuery),
    responses((status = 200, description = "The active steps assigned to the person, by the step's `due_date` (none last), then the workflow's `created_at`", body = ListData<Task>), Problems))]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    session: TenantCaller,
    ApiQuery(query): ApiQuery<TasksQuery>,
) -> Result<axum::Json<ListData<Task>>, AppError> {
    let caller = &session.caller;
    let assignee = match (query.assigned_to, &caller.email) {
        (Some(asked), own) if caller.role != Role::Admin && own.as_ref() != Some(&asked) => {
            return Err(AppError::Forbidden("only admins list another person's tasks".to_owned()));
        }
        (Some(asked), _) => Some(asked),
        (None, own) => own.clone(),
    };
    let overdue = query.overdue.unwrap_or(false);
    let context = format!("tasks {} overdue={overdue}", assignee.as_ref().map_or("", Email::as_str));
    let paging: PageRequest<TaskPosition> =
        PageRequest::new(&state, &caller.tenant, context, query.limit, query.cursor.as_deref())?;
    let found = match assignee {
        Some(assignee) => {
            let now = state.clock.now();
            let task_query = TaskQuery {
                assignee,
                overdue,
                today: session.tenant.today(now),
                now,
                after: paging.after,
                limit: paging.limit,
            };
            state.store.list_tasks(&caller.tenant, &task_query).await?
        }
        // A caller without an email has no tasks.
        None => TaskPage { items: Vec::new(), next_after: None },
    };
    Ok(paging.respond_items(&state, found.items, found.next_after, |task| task))
}
