//! The tenants route group: provisioning and suspension (platform administrators), each
//! tenant's own settings, its audit trail, its job runs and its users (tenant administrators,
//! modules `audit`, `job_runs` and `users`; platform administrators see whole job runs and
//! invite a tenant's first admin). Secrets
//! are sealed before they are stored and are never shown again: responses say only whether
//! each is set.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use shared::domain::audit::{AuditEntry, TargetType};
use shared::domain::hris_url::HrisBaseUrl;
use shared::domain::tenant::{HrisProvider, HrisSettings, SecretField, Tenant, TenantStatus, TenantView, Timezone};
use shared::domain::validation::{Email, FieldErrors, TenantId, text_within};
use shared::http::extract::{Admins, ApiJson, Authorized, IfMatch, PlatformAdmin, nullable};
use shared::http::openapi::Problems;
use shared::http::response::{Data, versioned};
use shared::http::{AppError, AppState};
use shared::ports::StoreError;
use shared::templates::visible_template;
use utoipa::{OpenApi, ToSchema};

mod audit;
mod job_runs;
mod users;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tenants", post(create_tenant))
        .route("/api/v1/tenants/{id}", get(get_tenant).patch(update_tenant))
        .route("/api/v1/tenant/settings", get(get_settings).patch(update_settings))
        .merge(audit::routes())
        .merge(job_runs::routes())
        .merge(users::routes())
}

#[derive(OpenApi)]
#[openapi(
    paths(create_tenant, get_tenant, update_tenant, get_settings, update_settings),
    components(schemas(TenantView, NewTenantRequest, TenantPatchRequest, SettingsPatch, HrisPatch)),
    tags((name = "tenants", description = "Tenant provisioning (platform administrators) and settings (tenant administrators)"))
)]
struct TenantsApi;

pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = TenantsApi::openapi();
    document.merge(audit::openapi());
    document.merge(job_runs::openapi());
    document.merge(users::openapi());
    document
}

fn respond(tenant: &Tenant, location: Option<String>) -> Response {
    versioned(TenantView::from(tenant), tenant.version, location)
}

/// Stores `after` (a changed `before`) with an audit entry of the visible difference: the entry
/// says that a secret changed, never what it is.
async fn save(
    state: &AppState,
    actor: &str,
    action: &str,
    before: &Tenant,
    mut after: Tenant,
) -> Result<Tenant, AppError> {
    let now = state.clock.now();
    after.version = before.version + 1;
    after.updated_at = now;
    let audit = AuditEntry::new(&after.id, actor, action, TargetType::Tenant, &after.id, now)
        .with_diff(Some(&TenantView::from(before)), &TenantView::from(&after));
    state.store.update_tenant(&after, before.version, &audit).await?;
    state.tenants.evict(&after.id);
    tracing::info!(tenant_id = %after.id, action, "tenant changed");
    Ok(after)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewTenantRequest {
    #[schema(value_type = String, example = "acme", max_length = 63, pattern = "^[a-z0-9][a-z0-9-]{1,62}$")]
    id: TenantId,
    #[schema(max_length = 200)]
    name: String,
    #[schema(value_type = String, max_length = 254)]
    it_email: Email,
    #[schema(value_type = String, max_length = 254)]
    from_email: Email,
    /// IANA time zone, default `UTC`.
    #[schema(value_type = Option<String>, example = "Europe/Berlin", max_length = 64)]
    timezone: Option<Timezone>,
}

#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenants", security(("bearer" = [])),
    request_body = NewTenantRequest,
    responses((status = 201, description = "Provisioned", body = Data<TenantView>), Problems))]
async fn create_tenant(
    State(state): State<AppState>,
    admin: PlatformAdmin,
    ApiJson(body): ApiJson<NewTenantRequest>,
) -> Result<Response, AppError> {
    let name = text_within(&body.name, 1, 200).map_err(|message| AppError::validation("name", message))?;
    let now = state.clock.now();
    let tenant =
        Tenant::new(body.id, name, body.it_email, body.from_email, body.timezone.unwrap_or_else(Timezone::utc), now);
    let audit = AuditEntry::new(&tenant.id, &admin.user_id, "tenant.created", TargetType::Tenant, &tenant.id, now)
        .with_diff(None, &TenantView::from(&tenant));
    state.store.create_tenant(&tenant, &audit).await.map_err(|error| match error {
        StoreError::AlreadyExists => AppError::Conflict(format!("tenant {} already exists", tenant.id)),
        other => other.into(),
    })?;
    state.tenants.evict(&tenant.id);
    tracing::info!(tenant_id = %tenant.id, "tenant provisioned");
    Ok(respond(&tenant, Some(format!("/api/v1/tenants/{}", tenant.id))))
}

/// The tenant named by a path's `{id}`: 404 when there is none.
async fn load(state: &AppState, id: &str) -> Result<Tenant, AppError> {
    let not_found = || AppError::NotFound(format!("no tenant {id}"));
    let id = TenantId::parse(id).map_err(|_| not_found())?;
    state.store.get_tenant(&id).await?.ok_or_else(not_found)
}

#[utoipa::path(get, path = "/api/v1/tenants/{id}", tag = "tenants", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "The tenant", body = Data<TenantView>), Problems))]
async fn get_tenant(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    Ok(respond(&load(&state, &id).await?, None))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct TenantPatchRequest {
    status: TenantStatus,
}

#[utoipa::path(patch, path = "/api/v1/tenants/{id}", tag = "tenants", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = TenantPatchRequest,
    responses((status = 200, description = "Updated; a suspended tenant's tokens get 401", body = Data<TenantView>), Problems))]
async fn update_tenant(
    State(state): State<AppState>,
    admin: PlatformAdmin,
    Path(id): Path<String>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<TenantPatchRequest>,
) -> Result<Response, AppError> {
    let tenant = load(&state, &id).await?;
    if_match.check(tenant.version)?;
    if tenant.status == body.status {
        return Ok(respond(&tenant, None));
    }
    let changed = Tenant { status: body.status, ..tenant.clone() };
    Ok(respond(&save(&state, &admin.user_id, "tenant.status_changed", &tenant, changed).await?, None))
}

#[utoipa::path(get, path = "/api/v1/tenant/settings", tag = "tenants", security(("bearer" = [])),
    responses((status = 200, description = "The caller's tenant; secrets only as `*_set`", body = Data<TenantView>), Problems))]
async fn get_settings(admin: Authorized<Admins>) -> Response {
    respond(&admin.caller.tenant, None)
}

/// `PATCH /api/v1/tenant/settings`. Secrets are write-only; `null` removes an optional setting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SettingsPatch {
    #[schema(value_type = Option<String>, max_length = 254)]
    it_email: Option<Email>,
    #[schema(value_type = Option<String>, max_length = 254)]
    from_email: Option<Email>,
    #[schema(value_type = Option<String>, example = "Europe/Berlin", max_length = 64)]
    timezone: Option<Timezone>,
    /// An `https://hooks.slack.com/...` incoming webhook URL. The service posts to it, so it
    /// follows the rules of `hris.api_base_url` (public https, no user name, query or fragment).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 2048)]
    slack_webhook_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    hris: Option<Option<HrisPatch>>,
}

/// Merged into the stored `hris` settings (RFC 7396): absent fields stay, `null` removes one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct HrisPatch {
    /// Required when no HRIS is configured yet; cannot be removed (send `"hris": null` instead).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<HrisProvider>, nullable = false)]
    provider: Option<Option<HrisProvider>>,
    /// `whsec_<base64>` for `standard`; BambooHR's webhook secret for `bamboohr`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 256)]
    signing_secret: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 512)]
    api_key: Option<Option<String>>,
    /// The BambooHR company subdomain.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 63, pattern = "^[A-Za-z0-9-]{1,63}$")]
    subdomain: Option<Option<String>>,
    /// Overrides the vendor's API base URL. The service sends the tenant's API key there, so it
    /// must be `https://`, without a user name or password, query or fragment, and must not name
    /// `localhost` or a loopback, link-local (169.254/16, fe80::/10), private (RFC 1918, CGNAT
    /// 100.64/10, fc00::/7), unspecified or multicast address, IPv4-mapped IPv6 forms included
    /// (422 otherwise). Only the local server also accepts `http://localhost` and
    /// `http://127.0.0.1`, for stand-ins in tests.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = "uri", max_length = 2048, example = "https://api.bamboohr.com/api/gateway.php/acme/v1")]
    api_base_url: Option<Option<String>>,
    /// The key of the template HRIS hires start: a built-in or one of the tenant's own, not
    /// deleted (422 otherwise); `null` goes back to `new_employee`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 40)]
    onboarding_template: Option<Option<String>>,
    /// The key of the template HRIS terminations start, with the same rules; `null` goes back
    /// to `equipment_return`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 40)]
    offboarding_template: Option<Option<String>>,
}

#[utoipa::path(patch, path = "/api/v1/tenant/settings", tag = "tenants", security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^((W/)?"[!#-~]*"|\*)$"#, description = "\"<version>\" (a strong tag) or *")),
    request_body = SettingsPatch,
    responses((status = 200, description = "The updated settings", body = Data<TenantView>), Problems))]
async fn update_settings(
    State(state): State<AppState>,
    admin: Authorized<Admins>,
    if_match: IfMatch,
    ApiJson(patch): ApiJson<SettingsPatch>,
) -> Result<Response, AppError> {
    let tenant = admin.caller.tenant;
    let changed = apply_settings(&state, &tenant, patch)?;
    check_hris_templates(&state, &tenant, &changed).await?;
    if_match.check(tenant.version)?;
    if changed == tenant {
        return Ok(respond(&tenant, None));
    }
    let actor = admin.caller.caller.actor();
    Ok(respond(&save(&state, &actor, "tenant.settings_changed", &tenant, changed).await?, None))
}

/// The tenant with `patch` applied, secrets sealed; 422 naming every invalid field.
fn apply_settings(state: &AppState, tenant: &Tenant, patch: SettingsPatch) -> Result<Tenant, AppError> {
    let mut errors = FieldErrors::default();
    let seal = |field: SecretField, value: &str| state.secrets.seal(value, &field.context(&tenant.id));
    let mut changed = tenant.clone();
    if let Some(email) = patch.it_email {
        changed.it_email = email;
    }
    if let Some(email) = patch.from_email {
        changed.from_email = email;
    }
    if let Some(timezone) = patch.timezone {
        changed.timezone = timezone;
    }
    if let Some(url) = patch.slack_webhook_url {
        changed.slack_webhook_url = match url {
            None => None,
            Some(url) => match HrisBaseUrl::parse(&url, state.hris_urls) {
                // The same rules as an HRIS API URL: the service posts the tenant's messages there.
                Ok(_) => Some(seal(SecretField::SlackWebhookUrl, url.trim())),
                Err(reason) => {
                    errors.add("slack_webhook_url", reason.to_string());
                    None
                }
            },
        };
    }
    match patch.hris {
        None => {}
        Some(None) => changed.hris = None,
        Some(Some(hris)) => {
            let existing = tenant.hris.clone();
            let provider = match hris.provider {
                Some(None) => {
                    errors.add("hris.provider", "cannot be removed; send \"hris\": null to remove the HRIS");
                    return Err(AppError::Validation(errors));
                }
                Some(Some(provider)) => Some(provider),
                None => existing.as_ref().map(|hris| hris.provider),
            };
            let Some(provider) = provider else {
                errors.add("hris.provider", "is required to configure an HRIS");
                return Err(AppError::Validation(errors));
            };
            let mut settings = existing.unwrap_or(HrisSettings {
                provider,
                signing_secret: None,
                api_key: None,
                subdomain: None,
                api_base_url: None,
                onboarding_template: None,
                offboarding_template: None,
            });
            settings.provider = provider;
            if let Some(secret) = hris.signing_secret {
                settings.signing_secret = secret.and_then(|secret| match check_signing_secret(provider, &secret) {
                    Ok(()) => Some(seal(SecretField::HrisSigningSecret, &secret)),
                    Err(message) => {
                        errors.add("hris.signing_secret", message);
                        None
                    }
                });
            }
            if let Some(key) = hris.api_key {
                settings.api_key = key.and_then(|key| match text_within(&key, 1, 512) {
                    Ok(key) => Some(seal(SecretField::HrisApiKey, &key)),
                    Err(message) => {
                        errors.add("hris.api_key", message);
                        None
                    }
                });
            }
            if let Some(subdomain) = hris.subdomain {
                let valid = subdomain.as_deref().is_none_or(|name| {
                    (1..=63).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
                if !valid {
                    errors.add("hris.subdomain", "must be 1 to 63 letters, digits or hyphens");
                }
                settings.subdomain = subdomain;
            }
            if let Some(url) = hris.api_base_url {
                settings.api_base_url = url.and_then(|url| match HrisBaseUrl::parse(&url, state.hris_urls) {
                    Ok(url) => Some(url.as_str().to_owned()),
                    Err(reason) => {
                        errors.add("hris.api_base_url", reason.to_string());
                        None
                    }
                });
            }
            if let Some(key) = hris.onboarding_template {
                settings.onboarding_template = key;
            }
            if let Some(key) = hris.offboarding_template {
                settings.offboarding_template = key;
            }
            changed.hris = Some(settings);
        }
    }
    errors.into_result()?;
    Ok(changed)
}

/// 422 unless the HRIS templates that `changed` names (and `tenant` did not) are templates of
/// the tenant: built-ins, or its own not deleted.
async fn check_hris_templates(state: &AppState, tenant: &Tenant, changed: &Tenant) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let chosen = [
        ("hris.onboarding_template", changed.onboarding_template(), tenant.onboarding_template()),
        ("hris.offboarding_template", changed.offboarding_template(), tenant.offboarding_template()),
    ];
    for (field, key, before) in chosen {
        if key != before && visible_template(state.store.as_ref(), &tenant.id, key).await?.is_none() {
            errors.add(field, format!("no template with key {key}"));
        }
    }
    Ok(errors.into_result()?)
}

fn check_signing_secret(provider: HrisProvider, secret: &str) -> Result<(), &'static str> {
    use base64::Engine;
    if secret.len() > 256 {
        return Err("must be at most 256 characters");
    }
    match provider {
        HrisProvider::Standard => secret
            .strip_prefix("whsec_")
            .and_then(|key| base64::engine::general_purpose::STANDARD.decode(key).ok())
            .filter(|key| key.len() >= 16)
            .map(|_| ())
            .ok_or("must be whsec_ followed by a base64 key of at least 16 bytes"),
        HrisProvider::Bamboohr => {
            if (16..=256).contains(&secret.len()) {
                Ok(())
            } else {
                Err("must be 16 to 256 characters")
            }
        }
    }
}
