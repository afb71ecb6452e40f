//! The scheduled jobs, one runner for all: overdue reminders, auto-start, archive and the HRIS
//! sync. The daily ones run at an hour of each tenant's own clock: an hourly schedule hands each
//! run the tenants whose hour it is (found by zone, see `domain::jobs::daily_run_date`), each
//! claimed for its local date so that retried or repeated runs do not handle it again. Each job
//! finds its work through an index of exactly that work, is safe to run any number of times a
//! day, and writes a job-history record of every run.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

use crate::clock::Clock;
use crate::domain::audit::{AuditEntry, TargetType};
use crate::domain::jobs::{Claim, JobName, JobRecord, JobRun, Occasion, TenantRun, daily_run_date};
use crate::domain::messages::{self, Entry};
use crate::domain::stats::StatsScope;
use crate::domain::tenant::Tenant;
use crate::domain::validation::Email;
use crate::domain::workflow::Workflow;
use crate::hris::HrisService;
use crate::notify::Notifier;
use crate::ports::{Form, Store, StoreError};
use crate::telemetry::{duration_metric, metric};

/// Completed workflows are archived this many days after their completion date.
pub const ARCHIVE_AFTER_DAYS: u64 = 90;
/// A tenant whose overdue rate is above this is reported.
pub const OVERDUE_RATE_THRESHOLD: f64 = 0.2;

pub struct JobRunner {
    store: Arc<dyn Store>,
    notifier: Arc<Notifier>,
    clock: Arc<dyn Clock>,
    hris: Arc<HrisService>,
}

/// What a run did for one tenant, as it goes.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<String, u64>,
    errors: Vec<String>,
}

impl Tally {
    fn count(&mut self, what: &str) {
        self.add(what, 1);
    }

    fn add(&mut self, what: &str, amount: u64) {
        *self.counts.entry(what.to_owned()).or_default() += amount;
    }

    fn error(&mut self, tenant: &Tenant, error: impl std::fmt::Display) {
        tracing::error!(tenant_id = %tenant.id, %error, "job step failed");
        self.errors.push(error.to_string());
    }
}

/// A tenant a run handles, the date it handles it for, the instant the run stands for (the
/// schedule's firing, or the job's local hour on `date` for a run as on a date), and the claim
/// that makes it once a day.
struct Turn {
    tenant: Tenant,
    date: NaiveDate,
    at: DateTime<Utc>,
    claim: Option<Claim>,
}

impl JobRunner {
    pub fn new(store: Arc<dyn Store>, notifier: Arc<Notifier>, clock: Arc<dyn Clock>, hris: Arc<HrisService>) -> Self {
        Self { store, notifier, clock, hris }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs `job` for the tenants whose turn `occasion` makes it, and records the run.
    pub async fn run(&self, job: JobName, occasion: Occasion) -> Result<JobRun, StoreError> {
        let started_at = self.clock.now();
        let mut counts = BTreeMap::new();
        let mut errors = Vec::new();
        let mut tenants = Vec::new();
        for turn in self.turns(job, occasion, started_at).await? {
            if let Some(claim) = &turn.claim
                && !self.store.claim_once(&turn.tenant.id, claim).await?
            {
                *counts.entry("tenants_already_run".to_owned()).or_default() += 1;
                continue;
            }
            let tally = self.handle(job, &turn).await?;
            for (what, amount) in &tally.counts {
                *counts.entry(what.clone()).or_default() += amount;
            }
            *counts.entry("tenants".to_owned()).or_default() += 1;
            errors.extend(tally.errors.iter().map(|error| format!("{}: {error}", turn.tenant.id)));
            tenants.push(TenantRun {
                tenant_id: turn.tenant.id,
                date: turn.date,
                counts: tally.counts,
                errors: tally.errors,
            });
        }
        let record = JobRecord {
            id: Uuid::now_v7(),
            job,
            run_date: occasion.record_date(started_at),
            started_at,
            finished_at: self.clock.now(),
            counts,
            errors,
        };
        let run = JobRun { record, tenants };
        self.store.record_job(&run).await?;
        let record = &run.record;
        let duration = (record.finished_at - record.started_at).num_milliseconds() as f64;
        duration_metric("JobDuration", duration, &[("Job", job.as_str())]);
        metric("JobErrors", record.errors.len() as f64, &[("Job", job.as_str())]);
        tracing::info!(job = job.as_str(), counts = ?record.counts, errors = record.errors.len(), "job finished");
        Ok(run)
    }

    /// The tenants `occasion` hands to `job`. On the hourly schedule a daily job finds them by
    /// zone: only the zones where it is the job's hour are read, and each tenant's turn carries
    /// the claim of its local date.
    async fn turns(
        &self,
        job: JobName,
        occasion: Occasion,
        started_at: DateTime<Utc>,
    ) -> Result<Vec<Turn>, StoreError> {
        // The HRIS sync handles only the tenants whose HRIS it can reach (a stored URL that is
        // refused is the tenant's error): the others would each add an empty part to the run.
        let has_work = |tenant: &Tenant| job != JobName::HrisSync || !matches!(self.hris.access(tenant), Ok(None));
        let every_tenant = |date: Option<NaiveDate>, at: DateTime<Utc>| async move {
            let tenants =
                self.store.tenants().await?.into_iter().filter(|tenant| tenant.is_active() && has_work(tenant));
            let turns = tenants.map(|tenant| {
                let wall_clock = date.zip(job.local_hour()).and_then(|(date, hour)| date.and_hms_opt(hour, 0, 0));
                let at = wall_clock.map_or(at, |wall_clock| tenant.timezone.instant_at(wall_clock));
                Turn { date: date.unwrap_or_else(|| tenant.today(at)), at, tenant, claim: None }
            });
            Ok::<_, StoreError>(turns.collect())
        };
        let (at, hour) = match (occasion, job.local_hour()) {
            (Occasion::EveryTenant(date), _) => return every_tenant(date, started_at).await,
            (Occasion::Schedule(at), None) => return every_tenant(None, at).await,
            (Occasion::Schedule(at), Some(hour)) => (at, hour),
        };
        let mut turns = Vec::new();
        for zone in self.store.tenant_zones().await? {
            let Some(date) = daily_run_date(&zone, at, hour) else { continue };
            for tenant in self.store.active_tenants_in(&zone).await? {
                turns.push(Turn { tenant, date, at, claim: Some(Claim::DailyRun { job, date }) });
            }
        }
        Ok(turns)
    }

    /// Does `job` for one tenant. A failure is the tenant's error in the record, and gives its
    /// day's claim back so that a retried run does the tenant again.
    async fn handle(&self, job: JobName, turn: &Turn) -> Result<Tally, StoreError> {
        let (tenant, today) = (&turn.tenant, turn.date);
        let mut tally = Tally::default();
        let outcome = match job {
            JobName::OverdueReminders => self.remind(tenant, today, turn.at, &mut tally).await,
            JobName::AutoStart => self.auto_start(tenant, today, &mut tally).await,
            JobName::Archive => self.archive(tenant, today, &mut tally).await,
            JobName::HrisSync => self.sync(tenant, &mut tally).await,
        };
        if let Err(error) = outcome {
            tally.error(tenant, error);
            if let Some(claim) = &turn.claim {
                self.store.release_claim(&tenant.id, claim).await?;
            }
        }
        Ok(tally)
    }

    /// One digest a day per person of everything overdue that is theirs (assigned to them, or
    /// to no one: the tenant's IT address), whatever the number of runs: overdue workflows by
    /// their assignee, overdue active steps (past their due date, or active for more than twice
    /// their estimate at `at`) by the step's. The person's day is claimed before the email is
    /// sent, and given back when the send fails so a later run tries again.
    async fn remind(
        &self,
        tenant: &Tenant,
        today: NaiveDate,
        at: DateTime<Utc>,
        tally: &mut Tally,
    ) -> Result<(), StoreError> {
        let candidates = self.store.open_needing_attention_before(&tenant.id, today, Form::Whole).await?;
        let frontend_url = self.notifier.frontend_url();
        let mut digests: BTreeMap<&Email, Vec<Entry>> = BTreeMap::new();
        let (mut overdue, mut overdue_steps) = (0, 0);
        for workflow in &candidates {
            if workflow.is_overdue(today) {
                overdue += 1;
                tally.count("overdue");
                let to = workflow.assigned_to.as_ref().unwrap_or(&tenant.it_email);
                digests.entry(to).or_default().push(Entry::workflow(workflow, frontend_url));
            }
            if let Some(step) = workflow.overdue_step(today, at) {
                overdue_steps += 1;
                tally.count("overdue_steps");
                let to = step.assigned_to.as_ref().unwrap_or(&tenant.it_email);
                digests.entry(to).or_default().push(Entry::overdue_step(workflow, step, frontend_url));
            }
        }
        // Steps that are overdue while still running (the alarm `StepsOverdue` watches it).
        metric("StepsOverdue", overdue_steps as f64, &[]);
        if overdue_steps > 0 {
            tracing::warn!(tenant_id = %tenant.id, overdue_steps, "active steps overdue");
        }
        for (to, entries) in digests {
            let Some(email) = messages::overdue_digest(tenant, to, &entries) else { continue };
            let claim = Claim::Digest { person: to.clone(), date: today };
            if !self.store.claim_once(&tenant.id, &claim).await? {
                tally.count("already_reminded");
                continue;
            }
            match self.notifier.email(&email).await {
                Ok(()) => tally.count("reminders_sent"),
                Err(error) => {
                    self.store.release_claim(&tenant.id, &claim).await?;
                    tally.count("reminders_failed");
                    tally.error(tenant, error);
                }
            }
        }
        self.report_overdue_rate(tenant, overdue, tally).await
    }

    /// The share of open workflows that are overdue, from the running totals (no scan): logged
    /// as a warning and counted above the threshold, emitted as a metric always.
    async fn report_overdue_rate(&self, tenant: &Tenant, overdue: usize, tally: &mut Tally) -> Result<(), StoreError> {
        let open = self.store.totals(&tenant.id, &StatsScope::Tenant).await?.open();
        let rate = if open > 0 { overdue as f64 / open as f64 } else { 0.0 };
        metric("OverdueRate", rate, &[("TenantId", tenant.id.as_str())]);
        if rate > OVERDUE_RATE_THRESHOLD {
            tracing::warn!(tenant_id = %tenant.id, overdue, open, rate, "overdue rate above 20%");
            metric("TenantsOverdueRateHigh", 1.0, &[]);
            tally.count("tenants_overdue_rate_high");
        }
        Ok(())
    }

    /// Pulls the tenant's changed employees from its HRIS (one whose stored URL is refused is
    /// counted as an error).
    async fn sync(&self, tenant: &Tenant, tally: &mut Tally) -> Result<(), StoreError> {
        match self.hris.sync(tenant).await {
            Ok((changes, started)) => {
                tally.add("changes", changes as u64);
                tally.add("workflows_started", started as u64);
                tally.count("tenants_synced");
            }
            Err(error) => tally.error(tenant, error),
        }
        Ok(())
    }

    /// Starts pending workflows scheduled for today or earlier, through the same conditional
    /// transition as the API: one that someone else started first is left alone.
    async fn auto_start(&self, tenant: &Tenant, today: NaiveDate, tally: &mut Tally) -> Result<(), StoreError> {
        for workflow in self.store.pending_starting_by(&tenant.id, today).await? {
            let now = self.clock.now();
            let mut started = workflow.clone();
            if started.start(now).is_err() {
                tally.count("skipped");
                continue;
            }
            match self.save(tenant, &workflow, &started, "workflow.started", "job:auto-start", now).await {
                Ok(()) => tally.count("started"),
                Err(StoreError::Conflict) => tally.count("skipped"),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Archives workflows completed more than 90 days before today.
    async fn archive(&self, tenant: &Tenant, today: NaiveDate, tally: &mut Tally) -> Result<(), StoreError> {
        let cutoff = today.checked_sub_days(Days::new(ARCHIVE_AFTER_DAYS)).unwrap_or(today);
        for workflow in self.store.completed_before(&tenant.id, cutoff).await? {
            let now = self.clock.now();
            let mut archived = workflow.clone();
            archived.archive(now);
            match self.save(tenant, &workflow, &archived, "workflow.archived", "job:archive", now).await {
                Ok(()) => tally.count("archived"),
                Err(StoreError::Conflict) => tally.count("skipped"),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    async fn save(
        &self,
        tenant: &Tenant,
        before: &Workflow,
        after: &Workflow,
        action: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let audit = AuditEntry::new(&tenant.id, actor, action, TargetType::Workflow, after.id, now)
            .with_diff(Some(before), after);
        self.store.update_workflow(after, before, &audit, &[]).await?;
        tracing::info!(tenant_id = %tenant.id, workflow_id = %after.id, step = after.current_step, action, "workflow changed by a job");
        self.notifier.workflow_changed(tenant, Some(before), after, now).await;
        Ok(())
    }
}
