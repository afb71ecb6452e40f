//! Extractors whose rejections are problem+json, in the order the contract checks things:
//! 401 and 403 (the caller), then 415, 400 and 422 (the body).

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::Claims;
use crate::domain::caller::{Caller, Role};
use crate::domain::tenant::Tenant;
use crate::domain::user::UserStatus;
use crate::domain::validation::{Email, FieldErrors, Team, TenantId};

use super::{AppError, AppState};

const NOT_AUTHENTICATED: &str = "the bearer token is missing, invalid or expired, or its tenant or user is not active";

/// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive).
fn bearer_token(parts: &Parts) -> Result<&str, AppError> {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .ok_or(AppError::Unauthorized(NOT_AUTHENTICATED))
}

async fn bearer_claims(parts: &Parts, state: &AppState) -> Result<Claims, AppError> {
    let token = bearer_token(parts)?;
    state.verifier.verify(token.trim()).await.map_err(|_| AppError::Unauthorized(NOT_AUTHENTICATED))
}

/// A verified caller of a tenant's routes, with their active tenant.
#[derive(Debug, Clone)]
pub struct TenantCaller {
    pub caller: Caller,
    pub tenant: Tenant,
}

impl FromRequestParts<AppState> for TenantCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = state.authenticate(bearer_token(parts)?).await?;
        tracing::Span::current().record("tenant_id", session.caller.tenant.as_str());
        let requested_tenant = parts.headers.get("x-tenant-id").map(|value| value.to_str().unwrap_or("\u{0}"));
        if let Some(requested) = requested_tenant.filter(|requested| !requested.is_empty())
            && requested != session.caller.tenant.as_str()
        {
            return Err(AppError::Forbidden("X-Tenant-ID does not match the token's tenant".to_owned()));
        }
        Ok(session)
    }
}

impl AppState {
    /// The caller a bearer token names: 401 unless it verifies and its tenant is active, 403 for
    /// platform administrators (they manage tenants, not their data).
    pub async fn authenticate(&self, token: &str) -> Result<TenantCaller, AppError> {
        let claims = self.verifier.verify(token.trim()).await.map_err(|_| AppError::Unauthorized(NOT_AUTHENTICATED))?;
        if claims.role == Role::PlatformAdmin {
            return Err(AppError::Forbidden("platform administrators manage tenants, not their data".to_owned()));
        }
        let tenant_id = claims
            .tenant
            .as_deref()
            .and_then(|tenant| TenantId::parse(tenant).ok())
            .ok_or(AppError::Unauthorized(NOT_AUTHENTICATED))?;
        let email = claims
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(|_| AppError::Unauthorized(NOT_AUTHENTICATED))?;
        let tenant = self
            .tenants
            .get(self.store.as_ref(), &tenant_id)
            .await?
            .filter(Tenant::is_active)
            .ok_or(AppError::Unauthorized(NOT_AUTHENTICATED))?;
        // A `sub` that names a user record must be an active user's; any other token of the
        // tenant is taken on its claims (an operator's own identity provider).
        if let Ok(user_id) = Uuid::parse_str(&claims.sub)
            && self.users.get(self.store.as_ref(), &tenant_id, user_id).await? == Some(UserStatus::Disabled)
        {
            return Err(AppError::Unauthorized(NOT_AUTHENTICATED));
        }
        let caller = Caller {
            tenant: tenant_id,
            user_id: claims.sub,
            email,
            role: claims.role,
            team: claims.team.as_deref().and_then(|team| Team::parse(team).ok()),
        };
        Ok(TenantCaller { caller, tenant })
    }
}

/// Which roles a route group admits before it reads the request body.
pub trait RolePolicy {
    const ROLES: &'static [Role];
    const REFUSAL: &'static str;
}

/// Admins and managers: the roles that create and change records.
pub struct Writers;

impl RolePolicy for Writers {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Manager];
    const REFUSAL: &'static str = "this role may not create or change records";
}

/// Tenant administrators only.
pub struct Admins;

impl RolePolicy for Admins {
    const ROLES: &'static [Role] = &[Role::Admin];
    const REFUSAL: &'static str = "only tenant administrators may do this";
}

/// A tenant caller whose role the policy admits: 403 for others, before the body is read (the
/// contract checks 403 before 415, 400 and 422).
#[derive(Debug, Clone)]
pub struct Authorized<P: RolePolicy> {
    pub caller: TenantCaller,
    policy: PhantomData<P>,
}

impl<P: RolePolicy> FromRequestParts<AppState> for Authorized<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let caller = TenantCaller::from_request_parts(parts, state).await?;
        if P::ROLES.contains(&caller.caller.role) {
            Ok(Authorized { caller, policy: PhantomData })
        } else {
            Err(AppError::Forbidden(P::REFUSAL.to_owned()))
        }
    }
}

/// A verified platform administrator (tenant provisioning routes).
#[derive(Debug, Clone)]
pub struct PlatformAdmin {
    pub user_id: String,
}

impl FromRequestParts<AppState> for PlatformAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let claims = bearer_claims(parts, state).await?;
        if claims.role != Role::PlatformAdmin {
            return Err(AppError::Forbidden("only platform administrators manage tenants".to_owned()));
        }
        Ok(PlatformAdmin { user_id: claims.sub })
    }
}

/// `If-Match: "<version>"`. A value that is not a strong tag of a version (weak, malformed) can
/// never match the current version, so it answers 412 like any stale version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    Absent,
    Any,
    Version(u64),
    Unmatchable,
}

impl IfMatch {
    pub fn check(self, current_version: u64) -> Result<(), AppError> {
        match self {
            Self::Absent | Self::Any => Ok(()),
            Self::Version(version) if version == current_version => Ok(()),
            Self::Version(version) => Err(AppError::PreconditionFailed(version)),
            Self::Unmatchable => Err(AppError::PreconditionFailed(0)),
        }
    }

    fn parse(value: &str) -> Self {
        let value = value.trim();
        if value == "*" {
            return Self::Any;
        }
        value
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .and_then(|version| version.parse().ok())
            .map_or(Self::Unmatchable, Self::Version)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        Ok(match parts.headers.get(IF_MATCH) {
            None => Self::Absent,
            Some(value) => value.to_str().map_or(Self::Unmatchable, Self::parse),
        })
    }
}

/// A resource id from the path. Ids are UUIDs, so anything else names nothing: 404.
#[derive(Debug, Clone, Copy)]
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("no such resource".to_owned()))?;
        Uuid::parse_str(&raw).map(IdPath).map_err(|_| AppError::NotFound("no such resource".to_owned()))
    }
}

/// Query parameters; unknown parameters and bad values are 400.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|error| AppError::BadRequest(format!("invalid query: {error}")))
    }
}

/// A JSON body: 415 unless `application/json`, 400 unless JSON, 422 unless it fits `T` (unknown
/// fields included). An empty body reads as `{}`, so a POST without a body needs no Content-Type.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_json =
            request.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(is_json_media_type);
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|_| AppError::PayloadTooLarge)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return parse_value(serde_json::Value::Object(Default::default())).map(ApiJson);
        }
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| AppError::BadRequest(format!("the body is not valid JSON: {error}")))?;
        // `null` says "no body" as an empty body does.
        let value = if value.is_null() { serde_json::Value::Object(Default::default()) } else { value };
        parse_value(value).map(ApiJson)
    }
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserializes a JSON value into `T`, naming the offending field on failure.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        // serde reports a missing field at its parent, so its name is appended; every other error
        // (unknown fields included) is reported at the field itself.
        let field = match message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            Some(missing) if path == "." => missing.to_owned(),
            Some(missing) => format!("{path}.{missing}"),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        AppError::Validation(FieldErrors::single(field, message))
    })
}

/// For `deserialize_with` on PATCH fields: absent is `None`, `null` is `Some(None)`.
pub fn nullable<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_accepts_strong_version_tags_only() {
        assert_eq!(IfMatch::parse("\"3\""), IfMatch::Version(3));
        assert_eq!(IfMatch::parse("*"), IfMatch::Any);
        assert_eq!(IfMatch::parse("W/\"3\""), IfMatch::Unmatchable);
        assert_eq!(IfMatch::parse("\"v3\""), IfMatch::Unmatchable);
        assert_eq!(IfMatch::parse("3"), IfMatch::Unmatchable);
        assert_eq!(IfMatch::parse(""), IfMatch::Unmatchable);
        assert!(IfMatch::Version(3).check(3).is_ok());
        assert!(matches!(IfMatch::Version(2).check(3), Err(AppError::PreconditionFailed(2))));
    }

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/merge-patch+json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/x-www-form-urlencoded"));
    }
}
