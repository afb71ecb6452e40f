//! The one error type of the API and its single mapping to RFC 9457 problem+json responses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::validation::FieldErrors;
use crate::domain::workflow::TransitionError;
use crate::ports::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("this route does not accept that method")]
    MethodNotAllowed,
    #[error("the request body is larger than 1 MiB")]
    PayloadTooLarge,
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("a request body must be application/json")]
    UnsupportedMediaType,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Validation(FieldErrors),
    #[error("the workflow has changed since version {0}; reload it and try again")]
    PreconditionFailed(u64),
    #[error("{0}")]
    Conflict(String),
    /// An upstream service (the tenant's HRIS) did not answer usefully; retry later.
    #[error("{0}")]
    BadGateway(String),
    /// The store did not answer within the request's time budget (contract §1). The message is
    /// logged, never sent.
    #[error("the service is busy; try again in a few seconds")]
    ServiceUnavailable(String),
    /// A real fault. The message is logged, never sent.
    #[error("{0}")]
    Internal(String),
}

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Field → messages, on validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub errors: Option<FieldErrors>,
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::single(field, message))
    }

    fn kind(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not Found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "Method Not Allowed"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "Payload Too Large"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported Media Type")
            }
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad Request"),
            Self::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation", "Validation Failed"),
            Self::PreconditionFailed(_) => (StatusCode::PRECONDITION_FAILED, "stale-version", "Precondition Failed"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            Self::BadGateway(_) => (StatusCode::BAD_GATEWAY, "upstream", "Bad Gateway"),
            Self::ServiceUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service Unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal Server Error"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, slug, title) = self.kind();
        let detail = match &self {
            Self::Internal(message) => {
                tracing::error!(error = %message, "request failed");
                "an internal error occurred; it has been logged".to_owned()
            }
            Self::ServiceUnavailable(message) => {
                tracing::warn!(error = %message, "the store did not answer in time");
                self.to_string()
            }
            other => other.to_string(),
        };
        let errors = match self {
            Self::Validation(errors) => Some(errors),
            _ => None,
        };
        let problem = Problem {
            problem_type: format!("https://assetronics.dev/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::AlreadyExists => Self::Conflict("it already exists".to_owned()),
            StoreError::Taken(field) => {
                Self::Conflict(format!("{field} is already used by another record of this tenant"))
            }
            StoreError::MissingLink(field) => Self::validation(field, "names no record of this tenant"),
            StoreError::Conflict => {
                Self::Conflict("another request changed it at the same time; reload it and try again".to_owned())
            }
            StoreError::Busy(message) => Self::ServiceUnavailable(message),
            StoreError::Unavailable(message) => Self::Internal(message),
        }
    }
}

impl From<crate::ports::IdentityError> for AppError {
    fn from(error: crate::ports::IdentityError) -> Self {
        use crate::ports::IdentityError;
        match error {
            IdentityError::Exists => {
                Self::Conflict("the identity provider already has an account for this email".to_owned())
            }
            IdentityError::Unknown => Self::BadGateway("the identity provider has no account for this user".to_owned()),
            IdentityError::Busy(message) => Self::ServiceUnavailable(message),
            IdentityError::Unavailable(message) => Self::Internal(message),
        }
    }
}

impl From<TransitionError> for AppError {
    fn from(error: TransitionError) -> Self {
        Self::Conflict(error.to_string())
    }
}

impl From<crate::domain::workflow::PatchError> for AppError {
    fn from(error: crate::domain::workflow::PatchError) -> Self {
        match error {
            crate::domain::workflow::PatchError::Transition(error) => error.into(),
            crate::domain::workflow::PatchError::Invalid(errors) => errors.into(),
        }
    }
}

impl From<crate::domain::workflow::NoteError> for AppError {
    fn from(error: crate::domain::workflow::NoteError) -> Self {
        match error {
            crate::domain::workflow::NoteError::UnknownStep(_) => Self::NotFound(error.to_string()),
            crate::domain::workflow::NoteError::Transition(error) => error.into(),
            crate::domain::workflow::NoteError::Full(errors) => errors.into(),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<crate::hris::HrisError> for AppError {
    fn from(error: crate::hris::HrisError) -> Self {
        match error {
            crate::hris::HrisError::Store(error) => error.into(),
            crate::hris::HrisError::Invalid(message) => Self::validation("body", message),
            crate::hris::HrisError::Upstream(error) => {
                Self::BadGateway(format!("the HRIS API did not answer: {error}"))
            }
        }
    }
}
