//! Scheduled jobs, when each tenant's turn comes, and their history.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::tenant::Timezone;
use super::validation::{Email, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
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

    /// The hour of each tenant's own clock at which a daily job runs for it (contract §7); none
    /// for the HRIS sync, which runs for every tenant whenever it is invoked.
    pub fn local_hour(self) -> Option<u32> {
        match self {
            Self::OverdueReminders => Some(9),
            Self::AutoStart => Some(6),
            Self::Archive => Some(3),
            Self::HrisSync => None,
        }
    }
}

/// Which tenants a run handles, and for which date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// Every active tenant, as on this date (`?today=` locally), or each as on its own date
    /// when the run starts.
    EveryTenant(Option<NaiveDate>),
    /// The hourly schedule firing at this instant: a daily job handles the tenants whose local
    /// hour it is, once per tenant and local date; the HRIS sync handles every tenant.
    Schedule(DateTime<Utc>),
}

impl Occasion {
    /// The date a run's history record is filed under.
    pub fn record_date(self, started_at: DateTime<Utc>) -> NaiveDate {
        match self {
            Self::EveryTenant(date) => date.unwrap_or_else(|| started_at.date_naive()),
            Self::Schedule(at) => at.date_naive(),
        }
    }
}

/// How far apart the schedule's runs are.
pub const SCHEDULE_INTERVAL: TimeDelta = TimeDelta::hours(1);

/// The local date whose daily run at `hour` falls to the hourly run at `at` in `zone`, if any:
/// the run at which the zone's clocks show that hour (minutes are not rounded), or, on a day
/// whose clocks jump over that hour (daylight saving starts), the first run after the jump.
/// When the clocks go back over the hour it falls to two runs; the per-day claim (see
/// [`Claim::DailyRun`]) lets only the first one through.
pub fn daily_run_date(zone: &Timezone, at: DateTime<Utc>, hour: u32) -> Option<NaiveDate> {
    let now = zone.wall_clock_at(at);
    let previous_run = zone.wall_clock_at(at - SCHEDULE_INTERVAL);
    let hour_on_the_clock = now.hour() == hour;
    let hour_jumped_over = now.hour() > hour
        && NaiveTime::from_hms_opt(hour, 0, 0).is_some_and(|start| previous_run < now.date().and_time(start));
    (hour_on_the_clock || hour_jumped_over).then(|| now.date())
}

/// A once-only action, claimed before it is taken so that reruns and duplicate deliveries of a
/// run do not take it again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Claim {
    /// A daily job's run for one tenant on one of its local dates.
    DailyRun { job: JobName, date: NaiveDate },
    /// The overdue digest of one person on one of the tenant's dates.
    Digest { person: Email, date: NaiveDate },
}

/// One run of a job: when, what it did, what went wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JobRecord {
    pub id: Uuid,
    pub job: JobName,
    /// The date the run worked for (the schedule's day, or `?today=` locally).
    pub run_date: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// What the run did, like `{"reminders_sent": 3, "already_reminded": 1}`.
    pub counts: BTreeMap<String, u64>,
    pub errors: Vec<String>,
}

/// One tenant's part of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRun {
    pub tenant_id: TenantId,
    /// The tenant's date the run worked for.
    pub date: NaiveDate,
    pub counts: BTreeMap<String, u64>,
    pub errors: Vec<String>,
}

/// A finished run: its record and each tenant's part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRun {
    pub record: JobRecord,
    pub tenants: Vec<TenantRun>,
}

impl JobRun {
    /// Each tenant's part of the run as a record of its own, as the tenant's administrators see
    /// it: the run's id, job and times, with the tenant's date, counts and errors.
    pub fn tenant_records(&self) -> impl Iterator<Item = (&TenantId, JobRecord)> {
        self.tenants.iter().map(|part| {
            let record = JobRecord {
                run_date: part.date,
                counts: part.counts.clone(),
                errors: part.errors.clone(),
                ..self.record.clone()
            };
            (&part.tenant_id, record)
        })
    }
}

/// Whose runs a job-run list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunsOf {
    /// Whole runs, across tenants (platform administrators).
    Platform,
    /// One tenant's parts of the runs that handled it.
    Tenant(TenantId),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Timezone {
        Timezone::parse(name).unwrap()
    }

    /// Every hourly run from `from` for `hours`, with the date each hands to the job at `hour`.
    fn runs(zone: &Timezone, from: &str, hours: i64, hour: u32) -> Vec<(DateTime<Utc>, NaiveDate)> {
        let from: DateTime<Utc> = from.parse().unwrap();
        (0..hours)
            .map(|n| from + TimeDelta::hours(n))
            .filter_map(|at| daily_run_date(zone, at, hour).map(|date| (at, date)))
            .collect()
    }

    #[test]
    fn a_daily_job_falls_to_the_run_at_its_local_hour() {
        let found = runs(&zone("Asia/Kolkata"), "2026-11-24T00:00:00Z", 48, 9);
        // 09:00 in Kolkata (+5:30) falls between the runs at 03:00 and 04:00 UTC: 04:00 shows 09:30.
        assert_eq!(
            found,
            [
                ("2026-11-24T04:00:00Z".parse().unwrap(), "2026-11-24".parse().unwrap()),
                ("2026-11-25T04:00:00Z".parse().unwrap(), "2026-11-25".parse().unwrap())
            ]
        );
        let kathmandu = runs(&zone("Asia/Kathmandu"), "2026-11-24T00:00:00Z", 24, 3);
        // The window opens at 05:45 on the 24th in Kathmandu (+5:45): its first 03:45 is the 25th's.
        assert_eq!(kathmandu, [("2026-11-24T22:00:00Z".parse().unwrap(), "2026-11-25".parse().unwrap())]);
    }

    #[test]
    fn a_skipped_hour_still_runs_that_day_after_the_jump() {
        // New York's clocks jump from 02:00 to 03:00 on 2026-03-08: hour 2 never shows.
        let found = runs(&zone("America/New_York"), "2026-03-07T00:00:00Z", 72, 2);
        let dates: Vec<String> = found.iter().map(|(_, date)| date.to_string()).collect();
        assert_eq!(dates, ["2026-03-07", "2026-03-08", "2026-03-09"]);
        assert_eq!(found[1].0.to_rfc3339(), "2026-03-08T07:00:00+00:00", "03:00 EDT, the first run after the jump");
    }

    #[test]
    fn a_repeated_hour_falls_to_two_runs_of_the_same_date() {
        // New York's clocks go back from 02:00 to 01:00 on 2026-11-01: hour 1 shows twice, and
        // the claim of the date keeps the second run from handling the tenant again.
        let found = runs(&zone("America/New_York"), "2026-10-31T12:00:00Z", 24, 1);
        let dates: Vec<String> = found.iter().map(|(_, date)| date.to_string()).collect();
        assert_eq!(dates, ["2026-11-01", "2026-11-01"]);
    }

    #[test]
    fn the_jobs_hours_fall_once_a_day_across_daylight_saving_changes() {
        let zones = ["America/New_York", "Europe/Berlin", "Pacific/Chatham", "Pacific/Kiritimati", "Asia/Kathmandu"];
        // Around every change of those zones in 2026.
        let windows = [
            "2026-03-06T00:00:00Z",
            "2026-03-27T00:00:00Z",
            "2026-04-03T00:00:00Z",
            "2026-09-25T00:00:00Z",
            "2026-10-23T00:00:00Z",
            "2026-10-30T00:00:00Z",
        ];
        for name in zones {
            for from in windows {
                for hour in [3, 6, 9] {
                    let found = runs(&zone(name), from, 24 * 5, hour);
                    let mut dates: Vec<NaiveDate> = found.iter().map(|(_, date)| *date).collect();
                    dates.dedup();
                    assert_eq!(dates.len(), found.len(), "{name} {from} {hour}: {found:?}");
                    for pair in dates.windows(2) {
                        assert_eq!(pair[0].succ_opt(), Some(pair[1]), "{name} {from} {hour}: a day skipped");
                    }
                    assert!(dates.len() >= 4, "{name} {from} {hour}: {found:?}");
                }
            }
        }
    }
}
