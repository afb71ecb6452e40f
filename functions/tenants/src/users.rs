//! The people who sign in (contract §11): a tenant's administrators invite, list, change and
//! disable them; a platform administrator invites a tenant's first admin. The identity
//! provider (Cognito deployed, the local sign-in locally) creates the account and sends the
//! invitation; the user's record, with its audit entry, is the API's view of them.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde::Deserialize;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::user::{Invitation, User, UserChange, UserRole, UserStatus, check_name};
use shared::domain::validation::{Email, FieldErrors, Team, TenantId};
use shared::http::extract::{Admins, ApiJson, ApiQuery, Authorized, IfMatch, PlatformAdmin, nullable};
use shared::http::openapi::Problems;
use shared::http::paging::PageRequest;
use shared::http::response::{Data, ListData, versioned};
use shared::http::{AppError, AppState};
use shared::ports::{IdentityProvider, StoreError};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users).post(invite_user))
        .route("/api/v1/users/{id}", patch(update_user))
        .route("/api/v1/tenants/{id}/users", post(invite_first_user))
}

#[derive(OpenApi)]
#[openapi(
    paths(list_users, invite_user, update_user, invite_first_user),
    components(schemas(User, UserRole, UserStatus, NewUserRequest, UserPatchRequest)),
    tags((name = "users", description = "The people who sign in: tenant administrators invite and manage them; platform administrators invite a tenant's first admin"))
)]
struct UsersApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    UsersApi::openapi()
}

/// A person to invite. The identity provider emails them how to sign in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUserRequest {
    /// Unique across every tenant, whatever its case (409 when it is already a user anywhere).
    #[schema(value_type = String, max_length = 254)]
    email: Email,
    role: UserRole,
    #[schema(value_type = Option<String>, max_length = 100)]
    team: Option<Team>,
    #[schema(min_length = 1, max_length = 100)]
    first_name: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    last_name: Option<String>,
}

/// Role and team changes apply from the user's next token; a disabled user's tokens are
/// refused within a minute. An administrator cannot demote or disable themselves (422).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UserPatchRequest {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<UserRole>, nullable = false)]
    role: Option<Option<UserRole>>,
    /// `null` removes the team.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    team: Option<Option<Team>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<UserStatus>, nullable = false)]
    status: Option<Option<UserStatus>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// Page size, 1..=100 (default 20).
    limit: Option<usize>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

fn provider(state: &AppState) -> Result<&dyn IdentityProvider, AppError> {
    state.identity.as_deref().ok_or_else(|| {
        AppError::Conflict(
            "this deployment signs people in through its operator's identity provider: add them there".to_owned(),
        )
    })
}

fn respond(user: &User, location: Option<String>) -> Response {
    versioned(user, user.version, location)
}

/// Invites `body` to `tenant`: the provider creates the account and sends the invitation, then
/// the user is stored with its audit entry. An account whose user cannot be stored is removed.
async fn invite(state: &AppState, actor: &str, tenant: TenantId, body: NewUserRequest) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let first_name = check_name("first_name", body.first_name.as_deref(), &mut errors);
    let last_name = check_name("last_name", body.last_name.as_deref(), &mut errors);
    errors.into_result()?;
    let identity = provider(state)?;
    let already = || AppError::Conflict(format!("{} is already a user", body.email));
    if state.store.user_by_email(&body.email).await?.is_some() {
        return Err(already());
    }
    let invitation = Invitation {
        tenant_id: tenant,
        email: body.email.clone(),
        role: body.role,
        team: body.team,
        first_name,
        last_name,
    };
    let id = identity.invite(&invitation).await?;
    let now = state.clock.now();
    let user = invitation.accepted(id, now);
    let audit =
        AuditEntry::new(&user.tenant_id, actor, "user.invited", TargetType::User, user.id, now).with_diff(None, &user);
    if let Err(error) = state.store.insert_user(&user, &audit).await {
        if let Err(undo) = identity.remove(&user.email).await {
            tracing::error!(user_id = %user.id, error = %undo, "an invited account whose user was not stored remains");
        }
        return Err(match error {
            StoreError::Taken(_) | StoreError::AlreadyExists => already(),
            other => other.into(),
        });
    }
    tracing::info!(tenant_id = %user.tenant_id, user_id = %user.id, role = user.role.as_str(), "user invited");
    Ok(respond(&user, Some(format!("/api/v1/users/{}", user.id))))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(UsersQuery),
    responses((status = 200, description = "The tenant's users, by id descending", body = ListData<User>), Problems))]
async fn list_users(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<axum::Json<ListData<User>>, AppError> {
    let tenant = admin.caller.caller.tenant;
    let paging = PageRequest::new(&state, &tenant, "users".to_owned(), query.limit, query.cursor.as_deref())?;
    let found = state.store.list_users(&tenant, paging.after, paging.limit).await?;
    Ok(paging.respond(&state, found, |user| user))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    request_body = NewUserRequest,
    responses((status = 201, description = "Invited: the identity provider has sent the invitation", body = Data<User>), Problems))]
async fn invite_user(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<Response, AppError> {
    let caller = admin.caller.caller;
    invite(&state, &caller.actor(), caller.tenant, body).await
}

#[utoipa::path(post, path = "/api/v1/tenants/{id}/users", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = NewUserRequest,
    responses((status = 201, description = "Invited to the tenant (its first admin, typically)", body = Data<User>), Problems))]
async fn invite_first_user(
    State(state): State<AppState>,
    admin: PlatformAdmin,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<Response, AppError> {
    let tenant = crate::load(&state, &id).await?;
    invite(&state, &admin.user_id, tenant.id, body).await
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = UserPatchRequest,
    responses((status = 200, description = "Changed; the identity provider's account follows", body = Data<User>), Problems))]
async fn update_user(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    Path(id): Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<UserPatchRequest>,
) -> Result<Response, AppError> {
    let caller = admin.caller.caller;
    let mut errors = FieldErrors::default();
    if matches!(body.role, Some(None)) {
        errors.add("role", "cannot be removed");
    }
    if matches!(body.status, Some(None)) {
        errors.add("status", "cannot be removed");
    }
    errors.into_result()?;
    let not_found = || AppError::NotFound(format!("no user {id}"));
    let user_id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let user = state.store.get_user(&caller.tenant, user_id).await?.ok_or_else(not_found)?;
    if_match.check(user.version)?;
    let change = UserChange { role: body.role.flatten(), team: body.team, status: body.status.flatten() };
    let changed = user.changed(&change, &caller.user_id, state.clock.now())?;
    if changed == user {
        return Ok(respond(&user, None));
    }
    // The account first: a failure there leaves the record as it was, and the PATCH can be sent again.
    if let Some(identity) = state.identity.as_deref() {
        if (changed.role, &changed.team) != (user.role, &user.team) {
            identity.update_attributes(&changed).await?;
        }
        match (user.status, changed.status) {
            (UserStatus::Active, UserStatus::Disabled) => identity.disable(&changed.email).await?,
            (UserStatus::Disabled, UserStatus::Active) => identity.enable(&changed.email).await?,
            _ => {}
        }
    }
    let audit = AuditEntry::new(
        &changed.tenant_id,
        &caller.actor(),
        "user.changed",
        TargetType::User,
        changed.id,
        changed.updated_at,
    )
    .with_diff(Some(&user), &changed);
    state.store.update_user(&changed, user.version, &audit).await?;
    state.users.evict(&changed.tenant_id, changed.id);
    tracing::info!(tenant_id = %changed.tenant_id, user_id = %changed.id, "user changed");
    Ok(respond(&changed, None))
}
