//! Tenants: the companies that use the system, each with its own data partition.

use chrono::{DateTime, NaiveDate, Utc};
pub use chrono_tz::Tz as Timezone;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::secret::Sealed;
use super::validation::{Email, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub it_email: Email,
    pub from_email: Email,
    /// An IANA time zone name; "today" for this tenant is the date there.
    pub timezone: Tz,
    pub status: TenantStatus,
    #[serde(default)]
    pub slack_webhook_url: Option<Sealed>,
    #[serde(default)]
    pub hris: Option<HrisSettings>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HrisProvider {
    /// Standard Webhooks signatures and payloads.
    Standard,
    Bamboohr,
}

/// How the tenant's HRIS reaches the service (webhooks) and the service reaches it (sync).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HrisSettings {
    pub provider: HrisProvider,
    pub signing_secret: Option<Sealed>,
    pub api_key: Option<Sealed>,
    pub subdomain: Option<String>,
    pub api_base_url: Option<String>,
}

/// The secrets a tenant keeps, each sealed for its own place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretField {
    SlackWebhookUrl,
    HrisSigningSecret,
    HrisApiKey,
}

impl SecretField {
    /// The associated data a secret is sealed with: it opens only in this tenant and field.
    pub fn context(self, tenant: &TenantId) -> String {
        let field = match self {
            Self::SlackWebhookUrl => "slack_webhook_url",
            Self::HrisSigningSecret => "hris/signing_secret",
            Self::HrisApiKey => "hris/api_key",
        };
        format!("tenant/{tenant}/{field}")
    }
}

/// A tenant as the API shows it: secrets only as "is set".
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TenantView {
    pub id: TenantId,
    pub name: String,
    pub it_email: Email,
    pub from_email: Email,
    #[schema(value_type = String, example = "Europe/Berlin")]
    pub timezone: Tz,
    pub status: TenantStatus,
    pub slack_webhook_url_set: bool,
    pub hris: Option<HrisView>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HrisView {
    pub provider: HrisProvider,
    pub signing_secret_set: bool,
    pub api_key_set: bool,
    pub subdomain: Option<String>,
    pub api_base_url: Option<String>,
}

impl From<&Tenant> for TenantView {
    fn from(tenant: &Tenant) -> Self {
        TenantView {
            id: tenant.id.clone(),
            name: tenant.name.clone(),
            it_email: tenant.it_email.clone(),
            from_email: tenant.from_email.clone(),
            timezone: tenant.timezone,
            status: tenant.status,
            slack_webhook_url_set: tenant.slack_webhook_url.is_some(),
            hris: tenant.hris.as_ref().map(|hris| HrisView {
                provider: hris.provider,
                signing_secret_set: hris.signing_secret.is_some(),
                api_key_set: hris.api_key.is_some(),
                subdomain: hris.subdomain.clone(),
                api_base_url: hris.api_base_url.clone(),
            }),
            version: tenant.version,
            created_at: tenant.created_at,
            updated_at: tenant.updated_at,
        }
    }
}

impl Tenant {
    /// A new, active tenant with no integrations configured.
    pub fn new(
        id: TenantId,
        name: String,
        it_email: Email,
        from_email: Email,
        timezone: Tz,
        now: DateTime<Utc>,
    ) -> Self {
        Tenant {
            id,
            name,
            it_email,
            from_email,
            timezone,
            status: TenantStatus::Active,
            slack_webhook_url: None,
            hris: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The tenant's calendar date at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.timezone).date_naive()
    }

    pub fn is_active(&self) -> bool {
        self.status == TenantStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(timezone: Tz) -> Tenant {
        let now = "2026-11-25T12:00:00Z".parse().unwrap();
        let email = |address| Email::parse(address).unwrap();
        Tenant::new(
            TenantId::parse("acme").unwrap(),
            "Acme".into(),
            email("it@acme.test"),
            email("noreply@acme.test"),
            timezone,
            now,
        )
    }

    #[test]
    fn today_is_the_date_in_the_tenants_zone() {
        let late_evening_utc = "2026-11-25T23:30:00Z".parse().unwrap();
        assert_eq!(tenant(Tz::UTC).today(late_evening_utc).to_string(), "2026-11-25");
        assert_eq!(tenant(Tz::Europe__Berlin).today(late_evening_utc).to_string(), "2026-11-26");
        assert_eq!(tenant(Tz::America__Los_Angeles).today(late_evening_utc).to_string(), "2026-11-25");
    }
}
