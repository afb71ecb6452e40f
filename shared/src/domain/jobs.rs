//! Scheduled jobs and their history.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JobName {
    OverdueReminders,
    AutoStart,
    HrisSync,
    Archive,
}

impl JobName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OverdueReminders => "overdue-reminders",
            Self::AutoStart => "auto-start",
            Self::HrisSync => "hris-sync",
            Self::Archive => "archive",
        }
    }

    pub fn parse(name: &str) -> Option<JobName> {
        [Self::OverdueReminders, Self::AutoStart, Self::HrisSync, Self::Archive]
            .into_iter()
            .find(|job| job.as_str() == name)
    }
}

/// One run of a job: when, what it did, what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JobRecord {
    pub id: Uuid,
    pub job: JobName,
    /// The date the run worked for (the schedule's day, or `?today=` locally).
    pub run_date: chrono::NaiveDate,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// What the run did, like `{"reminders_sent": 3, "already_reminded": 1}`.
    pub counts: BTreeMap<String, u64>,
    pub errors: Vec<String>,
}
