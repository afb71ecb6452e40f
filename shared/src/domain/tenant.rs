//! Tenants: the companies that use the system, each with its own data partition.

use chrono::{DateTime, NaiveDate, Utc};
pub use chrono_tz::Tz as Timezone;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Email, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub it_email: Email,
    pub from_email: Email,
    /// An IANA time zone name; "today" for this tenant is the date there.
    #[schema(value_type = String, example = "Europe/Berlin")]
    pub timezone: Tz,
    pub status: TenantStatus,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Tenant {
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
        Tenant {
            id: TenantId::parse("acme").unwrap(),
            name: "Acme".into(),
            it_email: Email::parse("it@acme.test").unwrap(),
            from_email: Email::parse("noreply@acme.test").unwrap(),
            timezone,
            status: TenantStatus::Active,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn today_is_the_date_in_the_tenants_zone() {
        let late_evening_utc = "2026-11-25T23:30:00Z".parse().unwrap();
        assert_eq!(tenant(Tz::UTC).today(late_evening_utc).to_string(), "2026-11-25");
        assert_eq!(tenant(Tz::Europe__Berlin).today(late_evening_utc).to_string(), "2026-11-26");
        assert_eq!(tenant(Tz::America__Los_Angeles).today(late_evening_utc).to_string(), "2026-11-25");
    }
}
