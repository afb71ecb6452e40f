//! Configuration from the environment. Lambda functions require their secrets; the local
//! server falls back to documented development values.

use std::env;
use std::path::PathBuf;

use jsonwebtoken::Algorithm;

use std::sync::Arc;

use crate::auth::{AuthConfig, JwksSource};
use crate::domain::hris_url::UrlPolicy;
use crate::secrets::SecretBox;

/// The local server's JWT secret when `JWT_SECRET` is unset. For development only: anyone can
/// read it here.
pub const DEV_JWT_SECRET: &str = "assetronics-local-development-secret";
/// The local server's cursor key when `CURSOR_SECRET` is unset.
const DEV_CURSOR_SECRET: &str = "assetronics-local-cursor-secret";
/// The local frontend's origin (Vite's default port).
const DEV_CORS_ORIGIN: &str = "http://localhost:5173";

#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub auth: AuthConfig,
    /// Seals tenant secrets at rest.
    pub secrets: Arc<SecretBox>,
    pub cursor_secret: String,
    pub cors_allowed_origins: Vec<String>,
    /// The web frontend, for links in emails (`FRONTEND_BASE_URL`).
    pub frontend_url: String,
    /// The mail provider's send rate, emails per second (`SES_MAX_SEND_RATE`, default 14).
    pub emails_per_second: f64,
    /// Which HRIS API URLs tenants may configure: public https only when deployed; the local
    /// server also reaches stand-ins on localhost.
    pub hris_urls: UrlPolicy,
    /// How long a request may take before it ends with 503 (`REQUEST_BUDGET_SECONDS`, default 8:
    /// inside the deployed functions' 10 s timeout and the local server's 10 s of contract §1).
    pub request_budget: std::time::Duration,
}

/// The default time budget of a request, in seconds.
const DEFAULT_REQUEST_BUDGET_SECONDS: u64 = 8;

fn request_budget() -> Result<std::time::Duration, ConfigError> {
    match optional("REQUEST_BUDGET_SECONDS") {
        None => Ok(std::time::Duration::from_secs(DEFAULT_REQUEST_BUDGET_SECONDS)),
        Some(seconds) => seconds
            .parse::<f64>()
            .ok()
            .filter(|seconds| (0.1..=900.0).contains(seconds))
            .map(std::time::Duration::from_secs_f64)
            .ok_or(ConfigError::Invalid(
                "REQUEST_BUDGET_SECONDS",
                "must be a number of seconds from 0.1 to 900".to_owned(),
            )),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    #[error("environment variable {0} is invalid: {1}")]
    Invalid(&'static str, String),
}

pub(crate) fn optional(name: &str) -> Option<String> {
    env::var(name).ok().map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}

pub(crate) fn required(name: &'static str) -> Result<String, ConfigError> {
    optional(name).ok_or(ConfigError::Missing(name))
}

fn origins(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|origin| !origin.is_empty()).map(str::to_owned).collect()
}

/// `JWT_SECRET` (HS256), `JWT_JWKS_URL` or `JWT_JWKS_FILE` (RS256/ES256), `JWT_ALGORITHMS`
/// (optional narrowing, comma-separated), `JWT_ISSUER`, `JWT_AUDIENCE`.
fn auth_from_env(default_secret: Option<&str>) -> Result<AuthConfig, ConfigError> {
    let jwks = match (optional("JWT_JWKS_URL"), optional("JWT_JWKS_FILE")) {
        (Some(url), _) => Some(JwksSource::Url(url)),
        (None, Some(path)) => Some(JwksSource::File(PathBuf::from(path))),
        (None, None) => None,
    };
    let hs256_secret = optional("JWT_SECRET").or_else(|| default_secret.map(str::to_owned));
    if hs256_secret.is_none() && jwks.is_none() {
        return Err(ConfigError::Missing("JWT_SECRET (or JWT_JWKS_URL / JWT_JWKS_FILE)"));
    }
    let algorithms = optional("JWT_ALGORITHMS")
        .map(|list| {
            list.split(',')
                .map(|name| match name.trim() {
                    "HS256" => Ok(Algorithm::HS256),
                    "RS256" => Ok(Algorithm::RS256),
                    "ES256" => Ok(Algorithm::ES256),
                    other => Err(ConfigError::Invalid("JWT_ALGORITHMS", format!("unsupported algorithm {other}"))),
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(AuthConfig {
        hs256_secret,
        jwks,
        algorithms,
        issuer: optional("JWT_ISSUER"),
        audience: optional("JWT_AUDIENCE"),
        ..AuthConfig::default()
    })
}

fn send_rate() -> Result<f64, ConfigError> {
    match optional("SES_MAX_SEND_RATE") {
        None => Ok(14.0),
        Some(rate) => rate
            .parse::<f64>()
            .ok()
            .filter(|rate| *rate > 0.0)
            .ok_or(ConfigError::Invalid("SES_MAX_SEND_RATE", "must be a positive number".to_owned())),
    }
}

impl ApiConfig {
    /// The deployed configuration: secrets are required.
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            auth: auth_from_env(None)?,
            secrets: Arc::new(SecretBox::from_env(false)?),
            cursor_secret: required("CURSOR_SECRET")?,
            cors_allowed_origins: origins(&optional("CORS_ALLOWED_ORIGINS").unwrap_or_default()),
            frontend_url: required("FRONTEND_BASE_URL")?,
            emails_per_second: send_rate()?,
            request_budget: request_budget()?,
            hris_urls: UrlPolicy::PublicHttpsOnly,
        })
    }

    /// The local server's configuration: the environment where set, development defaults elsewhere.
    pub fn local_from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            auth: auth_from_env(Some(DEV_JWT_SECRET))?,
            secrets: Arc::new(SecretBox::from_env(true)?),
            cursor_secret: optional("CURSOR_SECRET").unwrap_or_else(|| DEV_CURSOR_SECRET.to_owned()),
            cors_allowed_origins: origins(
                &optional("CORS_ALLOWED_ORIGINS").unwrap_or_else(|| DEV_CORS_ORIGIN.to_owned()),
            ),
            frontend_url: optional("FRONTEND_BASE_URL").unwrap_or_else(|| DEV_CORS_ORIGIN.to_owned()),
            emails_per_second: send_rate()?,
            request_budget: request_budget()?,
            hris_urls: UrlPolicy::AlsoLocalhost,
        })
    }

    pub fn table_name() -> Result<String, ConfigError> {
        required("TABLE_NAME")
    }
}
