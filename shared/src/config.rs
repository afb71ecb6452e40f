//! Configuration from the environment. Lambda functions require their secrets; the local
//! server falls back to documented development values.

use std::env;

/// The local server's JWT secret when `JWT_SECRET` is unset. For development only: anyone can
/// read it here.
pub const DEV_JWT_SECRET: &str = "assetronics-local-development-secret";
/// The local server's cursor key when `CURSOR_SECRET` is unset.
const DEV_CURSOR_SECRET: &str = "assetronics-local-cursor-secret";
/// The local frontend's origin (Vite's default port).
const DEV_CORS_ORIGIN: &str = "http://localhost:5173";

#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub jwt_secret: String,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub cursor_secret: String,
    pub cors_allowed_origins: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("missing required environment variable {0}")]
pub struct MissingVariable(pub &'static str);

fn optional(name: &str) -> Option<String> {
    env::var(name).ok().map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}

fn required(name: &'static str) -> Result<String, MissingVariable> {
    optional(name).ok_or(MissingVariable(name))
}

fn origins(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|origin| !origin.is_empty()).map(str::to_owned).collect()
}

impl ApiConfig {
    /// The deployed configuration: secrets are required.
    pub fn from_env() -> Result<Self, MissingVariable> {
        Ok(Self {
            jwt_secret: required("JWT_SECRET")?,
            jwt_issuer: optional("JWT_ISSUER"),
            jwt_audience: optional("JWT_AUDIENCE"),
            cursor_secret: required("CURSOR_SECRET")?,
            cors_allowed_origins: origins(&optional("CORS_ALLOWED_ORIGINS").unwrap_or_default()),
        })
    }

    /// The local server's configuration: the environment where set, development defaults elsewhere.
    pub fn local_from_env() -> Self {
        Self {
            jwt_secret: optional("JWT_SECRET").unwrap_or_else(|| DEV_JWT_SECRET.to_owned()),
            jwt_issuer: optional("JWT_ISSUER"),
            jwt_audience: optional("JWT_AUDIENCE"),
            cursor_secret: optional("CURSOR_SECRET").unwrap_or_else(|| DEV_CURSOR_SECRET.to_owned()),
            cors_allowed_origins: origins(
                &optional("CORS_ALLOWED_ORIGINS").unwrap_or_else(|| DEV_CORS_ORIGIN.to_owned()),
            ),
        }
    }

    pub fn table_name() -> Result<String, MissingVariable> {
        required("TABLE_NAME")
    }
}
