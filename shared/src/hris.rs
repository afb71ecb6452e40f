//! Applying HRIS changes, the same way whether they come from a webhook or from the sync:
//! upsert the employee (matched on HRIS id, then email; absent fields unchanged), then start the
//! workflow the change calls for, exactly once per (tenant, employee, event type, effective
//! date), and tell IT after the commit.

use std::sync::Arc;

use serde::Serialize;
use uuid::Uuid;

use crate::clock::Clock;
use crate::domain::audit::{AuditEntry, TargetType};
use crate::domain::caller::Scope;
use crate::domain::directory::{Employee, EmployeeDraft, EmployeeStatus};
use crate::domain::hris::{
    HrisEmployee, HrisEvent, HrisEventKind, WITHDRAWN_HIRE_REASON, is_withdrawn_hire, template_key_for, workflow_for,
};
use crate::domain::hris_url::{HrisBaseUrl, UrlPolicy};
use crate::domain::tenant::{SecretField, Tenant};
use crate::domain::workflow::{TriggeredBy, Workflow, WorkflowType};
use crate::notify::Notifier;
use crate::ports::{
    AssetFilter, DeliveryError, DirectoryQuery, EmployeeKey, HrisAccess, HrisApi, Store, StoreError, WorkflowFilter,
    WorkflowQuery,
};
use crate::secrets::SecretBox;
use crate::templates::visible_template;

/// The outcome of one event, as the webhook answers it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct EventResult {
    pub event_id: String,
    pub employee_id: Option<Uuid>,
    pub workflow_id: Option<Uuid>,
    pub duplicate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum HrisError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The event cannot be applied as sent (422).
    #[error("{0}")]
    Invalid(String),
    /// The HRIS API did not answer usefully.
    #[error(transparent)]
    Upstream(#[from] DeliveryError),
}

pub struct HrisService {
    pub store: Arc<dyn Store>,
    pub notifier: Arc<Notifier>,
    pub clock: Arc<dyn Clock>,
    pub api: Arc<dyn HrisApi>,
    pub secrets: Arc<SecretBox>,
    pub urls: UrlPolicy,
}

impl HrisService {
    /// The tenant's HRIS API access, when an API key and a base URL (or subdomain) are
    /// configured. The URL is judged again here, at every use: one stored before the rules
    /// tightened, or by a process with another policy, is never fetched.
    pub fn access(&self, tenant: &Tenant) -> Result<Option<HrisAccess>, HrisError> {
        let Some(hris) = tenant.hris.as_ref() else { return Ok(None) };
        let Some(api_key) = hris
            .api_key
            .as_ref()
            .and_then(|sealed| self.secrets.open(sealed, &SecretField::HrisApiKey.context(&tenant.id)).ok())
        else {
            return Ok(None);
        };
        let base_url = match (&hris.api_base_url, &hris.subdomain) {
            (Some(url), _) => url.clone(),
            (None, Some(subdomain)) => crate::adapters::bamboohr::default_base_url(subdomain),
            (None, None) => return Ok(None),
        };
        let base_url = HrisBaseUrl::parse(&base_url, self.urls).map_err(|reason| {
            tracing::warn!(tenant_id = %tenant.id, %reason, "stored HRIS API URL refused");
            HrisError::Invalid(format!("hris.api_base_url {reason}"))
        })?;
        Ok(Some(HrisAccess { base_url, api_key }))
    }

    /// Reads an employee from the HRIS API (BambooHR's event-based webhooks and the sync).
    pub async fn lookup(&self, tenant: &Tenant, kind: HrisEventKind, id: &str) -> Result<HrisEvent, HrisError> {
        let access = self.access(tenant)?.ok_or_else(|| {
            HrisError::Invalid("reading employees from the HRIS needs hris.api_key and hris.subdomain".into())
        })?;
        let employee = self.api.employee(&access, id).await?;
        let kind = if kind == HrisEventKind::Updated && employee.termination_date.is_some() {
            HrisEventKind::Terminated
        } else {
            kind
        };
        Ok(HrisEvent { kind, employee })
    }

    pub async fn apply(
        &self,
        tenant: &Tenant,
        event: &HrisEvent,
        event_id: &str,
        triggered_by: TriggeredBy,
    ) -> Result<EventResult, HrisError> {
        let mut result =
            EventResult { event_id: event_id.to_owned(), employee_id: None, workflow_id: None, duplicate: false };
        if event.kind == HrisEventKind::Ignored {
            return Ok(result);
        }
        // Found before anything changes: an event whose template is gone changes nothing.
        let template = match template_key_for(tenant, event.kind) {
            Some(key) => Some(visible_template(self.store.as_ref(), &tenant.id, key).await?.ok_or_else(|| {
                HrisError::Invalid(format!(
                    "the tenant's HRIS template {key} does not exist; choose another in the settings"
                ))
            })?),
            None => None,
        };
        let (employee, employee_changed) = self.upsert(tenant, event).await?;
        result.employee_id = Some(employee.id);
        let now = self.clock.now();
        let today = tenant.today(now);
        let actor = format!("hris:{}", triggered_by_name(triggered_by));
        let withdrawn = event.kind == HrisEventKind::Terminated && is_withdrawn_hire(&employee);
        let cancelled = if withdrawn { self.cancel_onboarding(tenant, &employee, &actor).await? } else { 0 };
        let assets = if event.kind == HrisEventKind::Terminated {
            let filter = AssetFilter { assigned_employee_id: Some(employee.id), ..AssetFilter::default() };
            self.store.list_assets(&tenant.id, &DirectoryQuery { filter, after: None, limit: 100 }).await?.items
        } else {
            Vec::new()
        };
        let asset_ids: Vec<Uuid> = assets.iter().map(|asset| asset.id).collect();
        let planned = template.and_then(|template| {
            workflow_for(tenant, &template, event.kind, &employee, &asset_ids, triggered_by, today)
        });
        let Some(planned) = planned else {
            // A withdrawn hire without assets starts nothing: it repeats a change already
            // applied when it found nothing left to change.
            result.duplicate = withdrawn && !employee_changed && cancelled == 0;
            return Ok(result);
        };
        let mut workflow = Workflow::create(Uuid::now_v7(), tenant.id.clone(), planned.draft, today, now)
            .map_err(|errors| HrisError::Invalid(errors.to_string()))?;
        workflow.employee = Some(employee.summary());
        let audit = AuditEntry::new(&tenant.id, &actor, "workflow.created", TargetType::Workflow, workflow.id, now)
            .with_diff(None, &workflow);
        match self.store.insert_workflow_once(&workflow, &audit, &planned.natural_key).await? {
            Some(existing) => {
                result.workflow_id = Some(existing);
                result.duplicate = true;
            }
            None => {
                result.workflow_id = Some(workflow.id);
                tracing::info!(tenant_id = %tenant.id, workflow_id = %workflow.id, step = 0, event = event.kind.as_str(), "workflow started by the HRIS");
                self.notifier.hris_started(tenant, &workflow, now).await;
            }
        }
        Ok(result)
    }

    /// Cancels the employee's open onboarding workflows (a withdrawn hire); returns how many.
    /// One changed concurrently is read again; one closed meanwhile is left alone.
    async fn cancel_onboarding(&self, tenant: &Tenant, employee: &Employee, actor: &str) -> Result<usize, HrisError> {
        let now = self.clock.now();
        let filter = WorkflowFilter {
            employee_id: Some(employee.id),
            workflow_type: Some(WorkflowType::Onboarding),
            ..WorkflowFilter::default()
        };
        let query = WorkflowQuery { scope: Scope::Tenant, filter, after: None, limit: 100, today: tenant.today(now) };
        let mut cancelled = 0;
        for listed in self.store.list_workflows(&tenant.id, &query).await?.items {
            let mut current = Some(listed);
            for _ in 0..3 {
                let Some(before) = current.take().filter(|workflow| workflow.status.is_open()) else { break };
                let mut after = before.clone();
                if after.cancel(WITHDRAWN_HIRE_REASON, now).is_err() {
                    break;
                }
                let audit =
                    AuditEntry::new(&tenant.id, actor, "workflow.cancelled", TargetType::Workflow, after.id, now)
                        .with_diff(Some(&before), &after);
                match self.store.update_workflow(&after, &before, &audit, &[]).await {
                    Ok(()) => {
                        tracing::info!(tenant_id = %tenant.id, workflow_id = %after.id, employee_id = %employee.id, "onboarding of a withdrawn hire cancelled");
                        self.notifier.workflow_changed(tenant, Some(&before), &after, now).await;
                        cancelled += 1;
                    }
                    Err(StoreError::Conflict) => current = self.store.get_workflow(&tenant.id, before.id).await?,
                    Err(error) => return Err(error.into()),
                }
            }
        }
        Ok(cancelled)
    }

    /// Creates or updates the employee the event describes; says whether anything changed. A
    /// concurrent duplicate that created it first is found again and updated instead.
    async fn upsert(&self, tenant: &Tenant, event: &HrisEvent) -> Result<(Employee, bool), HrisError> {
        for _ in 0..2 {
            let existing = self.find(tenant, &event.employee).await?;
            let now = self.clock.now();
            let outcome = match existing {
                Some(before) => {
                    let keep_email = self.email_of_another(tenant, &event.employee, &before).await?;
                    let mut after = merged(&before, &event.employee, event.kind, keep_email)
                        .validated()
                        .map_err(|errors| HrisError::Invalid(errors.to_string()))?;
                    if after == before {
                        return Ok((before, false));
                    }
                    after.touch(now);
                    let audit =
                        AuditEntry::new(&tenant.id, "hris", "employee.updated", TargetType::Employee, after.id, now)
                            .with_diff(Some(&before), &after);
                    self.store.update_employee(&after, &before, &audit).await.map(|()| after)
                }
                None => {
                    let employee = created(tenant, &event.employee, event.kind, now)?;
                    let audit =
                        AuditEntry::new(&tenant.id, "hris", "employee.created", TargetType::Employee, employee.id, now)
                            .with_diff(None, &employee);
                    self.store.insert_employee(&employee, &audit).await.map(|()| employee)
                }
            };
            match outcome {
                Ok(employee) => return Ok((employee, true)),
                // Another delivery of the same change got there first: read it again.
                Err(StoreError::Taken(_) | StoreError::Conflict) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(HrisError::Store(StoreError::Conflict))
    }

    /// The employee an event names: by HRIS id first, then by email.
    async fn find(&self, tenant: &Tenant, employee: &HrisEmployee) -> Result<Option<Employee>, StoreError> {
        if let Some(hris_id) = &employee.hris_id
            && let Some(found) = self.store.find_employee(&tenant.id, EmployeeKey::HrisId(hris_id)).await?
        {
            return Ok(Some(found));
        }
        match &employee.email {
            Some(email) => self.store.find_employee(&tenant.id, EmployeeKey::Email(email)).await,
            None => Ok(None),
        }
    }

    /// Whether the event's email belongs to an employee other than `matched`: the event is then
    /// applied without the email (emails are unique in a tenant, and the HRIS id match wins), and
    /// the clash is logged for someone to sort out in the HRIS.
    async fn email_of_another(
        &self,
        tenant: &Tenant,
        from: &HrisEmployee,
        matched: &Employee,
    ) -> Result<bool, StoreError> {
        let Some(email) = from.email.as_ref().filter(|email| **email != matched.email) else { return Ok(false) };
        let Some(holder) = self.store.find_employee(&tenant.id, EmployeeKey::Email(email)).await? else {
            return Ok(false);
        };
        tracing::warn!(
            tenant_id = %tenant.id,
            employee_id = %matched.id,
            holder_id = %holder.id,
            "HRIS email belongs to another employee: applied without changing the email"
        );
        Ok(true)
    }

    /// Pulls the employees changed since the tenant's cursor and applies them like webhooks.
    pub async fn sync(&self, tenant: &Tenant) -> Result<(usize, usize), HrisError> {
        let Some(access) = self.access(tenant)? else { return Ok((0, 0)) };
        let cursor = self.store.sync_cursor(&tenant.id).await?;
        let changes = self.api.changes(&access, cursor.as_deref()).await?;
        let mut started = 0;
        for (kind, id) in &changes.changed {
            if *kind == HrisEventKind::Ignored {
                continue;
            }
            let event = self.lookup(tenant, *kind, id).await?;
            let event_id = format!("sync:{id}:{}", changes.cursor);
            let result = self.apply(tenant, &event, &event_id, TriggeredBy::HrisSync).await?;
            started += usize::from(result.workflow_id.is_some() && !result.duplicate);
        }
        self.store.set_sync_cursor(&tenant.id, &changes.cursor).await?;
        Ok((changes.changed.len(), started))
    }
}

fn triggered_by_name(triggered_by: TriggeredBy) -> &'static str {
    match triggered_by {
        TriggeredBy::HrisSync => "sync",
        _ => "webhook",
    }
}

/// `before` with every field the HRIS sent (but the email when `keep_email`); a termination
/// marks the employee terminated.
fn merged(before: &Employee, from: &HrisEmployee, kind: HrisEventKind, keep_email: bool) -> Employee {
    let mut after = before.clone();
    if from.hris_id.is_some() {
        after.hris_id = from.hris_id.clone();
    }
    if let Some(email) = from.email.as_ref().filter(|_| !keep_email) {
        after.email = email.clone();
    }
    if let Some(name) = &from.first_name {
        after.first_name = name.clone();
    }
    if let Some(name) = &from.last_name {
        after.last_name = name.clone();
    }
    if from.team.is_some() {
        after.team = from.team.clone();
    }
    if from.title.is_some() {
        after.title = from.title.clone();
    }
    if from.manager_email.is_some() {
        after.manager_email = from.manager_email.clone();
    }
    if from.start_date.is_some() {
        after.start_date = from.start_date;
    }
    if from.termination_date.is_some() {
        after.termination_date = from.termination_date;
    }
    if kind == HrisEventKind::Terminated {
        after.status = EmployeeStatus::Terminated;
    }
    after
}

fn created(
    tenant: &Tenant,
    from: &HrisEmployee,
    kind: HrisEventKind,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Employee, HrisError> {
    let missing = |field: &str| HrisError::Invalid(format!("a new employee needs {field}"));
    let draft = EmployeeDraft {
        email: from.email.clone().ok_or_else(|| missing("email"))?,
        first_name: from.first_name.clone().ok_or_else(|| missing("first_name"))?,
        last_name: from.last_name.clone().ok_or_else(|| missing("last_name"))?,
        team: from.team.clone(),
        title: from.title.clone(),
        manager_email: from.manager_email.clone(),
        start_date: from.start_date,
        termination_date: from.termination_date,
        status: if kind == HrisEventKind::Terminated { EmployeeStatus::Terminated } else { EmployeeStatus::Active },
        hris_id: from.hris_id.clone(),
    };
    Employee::create(Uuid::now_v7(), tenant.id.clone(), draft, None, now)
        .map_err(|errors| HrisError::Invalid(errors.to_string()))
}
