//! Tenants: the companies that use the system, each with its own data partition.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::secret::Sealed;
use super::validation::{Email, TenantId};

/// An IANA time zone ("Europe/Berlin"), known to the tz database bundled in the binary (jiff's),
/// so every function agrees on the zones whatever the host has. Written and read as its name.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timezone {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl Timezone {
    pub fn utc() -> Self {
        Self::parse("UTC").expect("the tz database has UTC")
    }

    /// The zone of this name; names are matched as the database spells them or in any case,
    /// and kept as the database spells them.
    pub fn parse(name: &str) -> Result<Self, String> {
        let zone = jiff::tz::db()
            .get(name)
            .map_err(|_| format!("`{name}` is not an IANA time zone name (such as Europe/Berlin or UTC)"))?;
        let name = zone.iana_name().unwrap_or(name).to_owned();
        Ok(Self { name, zone })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The calendar date in this zone at `instant`.
    pub fn date_at(&self, instant: DateTime<Utc>) -> NaiveDate {
        self.wall_clock_at(instant).date()
    }

    /// The date and time the clocks of this zone show at `instant`.
    pub fn wall_clock_at(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        let offset = jiff::Timestamp::from_second(instant.timestamp())
            .map(|timestamp| self.zone.to_offset(timestamp).seconds())
            .unwrap_or(0);
        (instant + TimeDelta::seconds(i64::from(offset))).naive_utc()
    }
}

impl TryFrom<String> for Timezone {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::parse(&name)
    }
}

impl From<Timezone> for String {
    fn from(timezone: Timezone) -> Self {
        timezone.name
    }
}

impl PartialEq for Timezone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Timezone {}

impl fmt::Debug for Timezone {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.name)
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.name)
    }
}

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
    pub timezone: Timezone,
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
    /// The template an HRIS hire starts; `DEFAULT_ONBOARDING_TEMPLATE` when unset.
    #[serde(default)]
    pub onboarding_template: Option<String>,
    /// The template an HRIS termination starts; `DEFAULT_OFFBOARDING_TEMPLATE` when unset.
    #[serde(default)]
    pub offboarding_template: Option<String>,
}

pub const DEFAULT_ONBOARDING_TEMPLATE: &str = "new_employee";
pub const DEFAULT_OFFBOARDING_TEMPLATE: &str = "equipment_return";

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
    pub timezone: Timezone,
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
    /// The template HRIS hires start (contract §10).
    pub onboarding_template: String,
    /// The template HRIS terminations start.
    pub offboarding_template: String,
}

impl From<&Tenant> for TenantView {
    fn from(tenant: &Tenant) -> Self {
        TenantView {
            id: tenant.id.clone(),
            name: tenant.name.clone(),
            it_email: tenant.it_email.clone(),
            from_email: tenant.from_email.clone(),
            timezone: tenant.timezone.clone(),
            status: tenant.status,
            slack_webhook_url_set: tenant.slack_webhook_url.is_some(),
            hris: tenant.hris.as_ref().map(|hris| HrisView {
                provider: hris.provider,
                signing_secret_set: hris.signing_secret.is_some(),
                api_key_set: hris.api_key.is_some(),
                subdomain: hris.subdomain.clone(),
                api_base_url: hris.api_base_url.clone(),
                onboarding_template: tenant.onboarding_template().to_owned(),
                offboarding_template: tenant.offboarding_template().to_owned(),
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
        timezone: Timezone,
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
        self.timezone.date_at(now)
    }

    pub fn is_active(&self) -> bool {
        self.status == TenantStatus::Active
    }

    /// The key of the template an HRIS hire starts (contract §10).
    pub fn onboarding_template(&self) -> &str {
        let chosen = self.hris.as_ref().and_then(|hris| hris.onboarding_template.as_deref());
        chosen.unwrap_or(DEFAULT_ONBOARDING_TEMPLATE)
    }

    /// The key of the template an HRIS termination starts.
    pub fn offboarding_template(&self) -> &str {
        let chosen = self.hris.as_ref().and_then(|hris| hris.offboarding_template.as_deref());
        chosen.unwrap_or(DEFAULT_OFFBOARDING_TEMPLATE)
    }

    /// Whether the HRIS settings name the template `key`, so deleting it would stop HRIS events.
    pub fn hris_uses_template(&self, key: &str) -> bool {
        self.onboarding_template() == key || self.offboarding_template() == key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(timezone: &str) -> Tenant {
        let now = "2026-11-25T12:00:00Z".parse().unwrap();
        let email = |address| Email::parse(address).unwrap();
        Tenant::new(
            TenantId::parse("acme").unwrap(),
            "Acme".into(),
            email("it@acme.test"),
            email("noreply@acme.test"),
            Timezone::parse(timezone).unwrap(),
            now,
        )
    }

    #[test]
    fn today_is_the_date_in_the_tenants_zone() {
        let late_evening_utc = "2026-11-25T23:30:00Z".parse().unwrap();
        assert_eq!(tenant("UTC").today(late_evening_utc).to_string(), "2026-11-25");
        assert_eq!(tenant("Europe/Berlin").today(late_evening_utc).to_string(), "2026-11-26");
        assert_eq!(tenant("America/Los_Angeles").today(late_evening_utc).to_string(), "2026-11-25");
        // Daylight saving: Berlin is UTC+2 in summer, so 22:30 UTC is already the next day there.
        assert_eq!(tenant("Europe/Berlin").today("2026-07-01T22:30:00Z".parse().unwrap()).to_string(), "2026-07-02");
        assert_eq!(tenant("Asia/Kolkata").today("2026-11-25T18:29:00Z".parse().unwrap()).to_string(), "2026-11-25");
        assert_eq!(tenant("Asia/Kolkata").today("2026-11-25T18:30:00Z".parse().unwrap()).to_string(), "2026-11-26");
    }

    #[test]
    fn a_time_zone_is_written_and_read_as_its_iana_name() {
        let berlin = Timezone::parse("europe/berlin").unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!(serde_json::to_value(&berlin).unwrap(), serde_json::json!("Europe/Berlin"));
        assert_eq!(serde_json::from_value::<Timezone>(serde_json::json!("Europe/Berlin")).unwrap(), berlin);
        for unknown in ["Mars/Olympus_Mons", "", "Europe/", "+02:00"] {
            assert!(serde_json::from_value::<Timezone>(serde_json::json!(unknown)).is_err(), "{unknown}");
        }
    }
}
