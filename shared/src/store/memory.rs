//! The embedded store: the local server's default. One mutex makes every write atomic, exactly
//! like a DynamoDB transaction (all its checks pass before anything changes); with a data path,
//! every committed write is also saved to disk (write to a temporary file, then rename) so data
//! survives a restart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::domain::audit::AuditEntry;
use crate::domain::directory::{Asset, Employee};
use crate::domain::hris::DeliveryId;
use crate::domain::jobs::{Claim, JobName, JobRecord, JobRun, RunsOf};
use crate::domain::realtime::Connection;
use crate::domain::stats::{self, StatsScope, Totals};
use crate::domain::template::{StepTexts, Template};
use crate::domain::tenant::{Tenant, Timezone};
use crate::domain::user::User;
use crate::domain::validation::{Email, TenantId};
use crate::domain::workflow::Workflow;
use crate::domain::workflow::WorkflowStatus;
use crate::ports::{
    AssetChange, AssetFilter, AuditQuery, AuditStore, ConnectionStore, DELIVERY_STALE_SECONDS, DeliveryClaim,
    DirectoryQuery, DirectoryStore, EmployeeFilter, EmployeeKey, HrisStore, JobStore, LinkedSummary, Listed, Page,
    StatsStore, StoreError, TaskPage, TaskQuery, TemplateStore, TenantStore, UserStore, WorkflowPage, WorkflowQuery,
    WorkflowStore,
};

#[derive(Debug, Default, Serialize, Deserialize)]
struct TenantData {
    tenant: Option<Tenant>,
    /// Ordered by id, and ids are UUID v7, so this is creation order.
    workflows: BTreeMap<Uuid, Workflow>,
    employees: BTreeMap<Uuid, Employee>,
    assets: BTreeMap<Uuid, Asset>,
    /// The unique values of the directory, each with the record holding it.
    employee_emails: BTreeMap<Email, Uuid>,
    employee_hris_ids: BTreeMap<String, Uuid>,
    asset_tags: BTreeMap<String, Uuid>,
    /// Audit entries by target id, each list oldest first.
    audit: BTreeMap<String, Vec<AuditEntry>>,
    /// Running totals by `StatsScope::key`.
    totals: BTreeMap<String, Totals>,
    /// Once-only claims.
    #[serde(default)]
    once_claims: BTreeSet<Claim>,
    /// HRIS deliveries by the digest of their id, as the DynamoDB store keys them.
    deliveries: BTreeMap<String, Delivery>,
    /// HRIS effects by natural key, with the workflow each started.
    effects: BTreeMap<String, Uuid>,
    sync_cursor: Option<String>,
    /// This tenant's parts of the job runs that handled it, oldest first.
    #[serde(default)]
    job_runs: Vec<JobRecord>,
    /// The tenant's own templates by key, deleted ones included.
    #[serde(default)]
    templates: BTreeMap<String, Template>,
    /// The step texts of every template version, by key and version.
    #[serde(default)]
    template_texts: BTreeMap<String, BTreeMap<u64, Vec<StepTexts>>>,
    /// The people who sign in, by id (their tokens' `sub`).
    #[serde(default)]
    users: BTreeMap<Uuid, User>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Delivery {
    body_hash: String,
    result: Option<serde_json::Value>,
    claimed_at: chrono::DateTime<chrono::Utc>,
}

impl TenantData {
    /// Stores a template version and its texts; `on_taken` when that version's texts exist.
    fn put_template(&mut self, template: &Template, on_taken: StoreError) -> Result<(), StoreError> {
        let versions = self.template_texts.entry(template.key.clone()).or_default();
        if versions.contains_key(&template.version) {
            return Err(on_taken);
        }
        versions.insert(template.version, template.texts());
        self.templates.insert(template.key.clone(), template.clone());
        Ok(())
    }

    /// Checks and stores a new workflow, as one DynamoDB transaction does.
    fn insert_workflow(&mut self, workflow: &Workflow) -> Result<(), StoreError> {
        if self.workflows.contains_key(&workflow.id) {
            return Err(StoreError::AlreadyExists);
        }
        if workflow.employee_id.is_some_and(|id| !self.employees.contains_key(&id)) {
            return Err(StoreError::MissingLink("employee_id"));
        }
        if workflow.asset_id.is_some_and(|id| !self.assets.contains_key(&id)) {
            return Err(StoreError::MissingLink("asset_id"));
        }
        self.workflows.insert(workflow.id, workflow.clone());
        self.add_totals(None, workflow);
        Ok(())
    }

    fn add_totals(&mut self, before: Option<&Workflow>, after: &Workflow) {
        for (scope, delta) in stats::deltas(before, after) {
            delta.apply(self.totals.entry(scope.key()).or_default());
        }
    }

    /// The workflows that `keep` selects.
    fn workflows_where(&self, keep: impl Fn(&Workflow) -> bool) -> Vec<Workflow> {
        self.workflows.values().filter(|workflow| keep(workflow)).cloned().collect()
    }

    /// Fails with `Taken(field)` when `value` is held by a record other than `owner`.
    fn check_free<K: Ord>(
        index: &BTreeMap<K, Uuid>,
        value: &K,
        owner: Uuid,
        field: &'static str,
    ) -> Result<(), StoreError> {
        match index.get(value) {
            Some(holder) if *holder != owner => Err(StoreError::Taken(field)),
            _ => Ok(()),
        }
    }

    fn check_employee_unique(&self, employee: &Employee) -> Result<(), StoreError> {
        Self::check_free(&self.employee_emails, &employee.email, employee.id, "email")?;
        match &employee.hris_id {
            Some(hris_id) => Self::check_free(&self.employee_hris_ids, hris_id, employee.id, "hris_id"),
            None => Ok(()),
        }
    }

    /// Stores `employee`, moving its unique values from `previous`.
    fn put_employee(&mut self, employee: &Employee, previous: Option<&Employee>) {
        if let Some(previous) = previous {
            self.employee_emails.remove(&previous.email);
            if let Some(hris_id) = &previous.hris_id {
                self.employee_hris_ids.remove(hris_id);
            }
        }
        self.employee_emails.insert(employee.email.clone(), employee.id);
        if let Some(hris_id) = &employee.hris_id {
            self.employee_hris_ids.insert(hris_id.clone(), employee.id);
        }
        self.employees.insert(employee.id, employee.clone());
    }

    fn check_asset(&self, asset: &Asset, previous: Option<&Asset>) -> Result<(), StoreError> {
        Self::check_free(&self.asset_tags, &Asset::tag_key(&asset.asset_tag), asset.id, "asset_tag")?;
        let newly_assigned =
            asset.assigned_employee_id.filter(|id| previous.is_none_or(|p| p.assigned_employee_id != Some(*id)));
        match newly_assigned {
            Some(employee) if !self.employees.contains_key(&employee) => {
                Err(StoreError::MissingLink("assigned_employee_id"))
            }
            _ => Ok(()),
        }
    }

    fn put_asset(&mut self, asset: &Asset, previous: Option<&Asset>) {
        if let Some(previous) = previous {
            self.asset_tags.remove(&Asset::tag_key(&previous.asset_tag));
        }
        self.asset_tags.insert(Asset::tag_key(&asset.asset_tag), asset.id);
        self.assets.insert(asset.id, asset.clone());
    }

    /// The stored `T` with this id, if it has `version`.
    fn at_version<T: Clone>(
        records: &BTreeMap<Uuid, T>,
        id: Uuid,
        version: u64,
        version_of: fn(&T) -> u64,
    ) -> Result<T, StoreError> {
        records.get(&id).filter(|stored| version_of(stored) == version).cloned().ok_or(StoreError::Conflict)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    tenants: BTreeMap<TenantId, TenantData>,
    /// Live connections by id; not kept across restarts (their sockets are not).
    #[serde(skip)]
    connections: BTreeMap<String, Connection>,
    /// Job runs, oldest first.
    jobs: Vec<JobRecord>,
    /// Every user's email, with the tenant and id of the user holding it: an email is a user
    /// of one tenant at most.
    #[serde(default)]
    user_emails: BTreeMap<Email, (TenantId, Uuid)>,
}

impl State {
    fn tenant_mut(&mut self, id: &TenantId) -> &mut TenantData {
        self.tenants.entry(id.clone()).or_default()
    }

    fn audit_is_new(&self, entry: &AuditEntry) -> bool {
        !self
            .tenants
            .get(&entry.tenant_id)
            .and_then(|data| data.audit.get(&entry.target_id))
            .is_some_and(|entries| entries.iter().any(|existing| existing.id == entry.id))
    }

    fn append_audit(&mut self, entry: &AuditEntry) {
        self.tenant_mut(&entry.tenant_id).audit.entry(entry.target_id.clone()).or_default().push(entry.clone());
    }
}

/// One committed workflow change, as the embedded store's change feed carries it (the local
/// counterpart of a DynamoDB stream record's old and new images).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowChangeRecord {
    pub before: Option<Workflow>,
    pub after: Workflow,
}

#[derive(Debug)]
pub struct MemoryStore {
    state: Mutex<State>,
    data_path: Option<PathBuf>,
    changes: broadcast::Sender<WorkflowChangeRecord>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_state(State::default(), None)
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn with_state(state: State, data_path: Option<PathBuf>) -> Self {
        // A slow subscriber misses changes rather than holding up writers.
        let (changes, _) = broadcast::channel(1024);
        Self { state: Mutex::new(state), data_path, changes }
    }

    /// The change feed: every committed workflow change, in commit order.
    pub fn subscribe(&self) -> broadcast::Receiver<WorkflowChangeRecord> {
        self.changes.subscribe()
    }

    fn publish(&self, before: Option<&Workflow>, after: &Workflow) {
        // No subscriber is not an error.
        let _ = self.changes.send(WorkflowChangeRecord { before: before.cloned(), after: after.clone() });
    }

    /// A store kept in the file at `path`, loading what an earlier run saved there.
    pub fn persistent(path: &Path) -> Result<Self, StoreError> {
        let state = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|error| StoreError::Unavailable(format!("cannot read {}: {error}", path.display())))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(error) => return Err(StoreError::Unavailable(format!("cannot read {}: {error}", path.display()))),
        };
        Ok(Self::with_state(state, Some(path.to_owned())))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied write (each write mutates
        // only after all its checks), so the data behind a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `write` with its audit entries, like one DynamoDB transaction: `write` checks before
    /// it changes anything; when an audit entry's id is taken, the whole write fails with
    /// `on_taken_audit`, as a failed condition does. The entries are appended after `write`.
    fn commit(
        &self,
        audits: &[&AuditEntry],
        on_taken_audit: StoreError,
        write: impl FnOnce(&mut State) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        if !audits.iter().all(|audit| state.audit_is_new(audit)) {
            return Err(on_taken_audit);
        }
        write(&mut state)?;
        for audit in audits {
            state.append_audit(audit);
        }
        if let Some(path) = &self.data_path {
            save(path, &state)?;
        }
        Ok(())
    }

    fn active_tenants(&self, keep: impl Fn(&Tenant) -> bool) -> Vec<Tenant> {
        let state = self.lock();
        let tenants = state.tenants.values().filter_map(|data| data.tenant.as_ref());
        tenants.filter(|tenant| tenant.is_active() && keep(tenant)).cloned().collect()
    }

    fn read<T>(&self, tenant: &TenantId, read: impl FnOnce(&TenantData) -> T) -> Option<T> {
        self.lock().tenants.get(tenant).map(read)
    }
}

fn save(path: &Path, state: &State) -> Result<(), StoreError> {
    let failed = |error: std::io::Error| StoreError::Unavailable(format!("cannot save {}: {error}", path.display()));
    let bytes = serde_json::to_vec(state).map_err(|error| StoreError::Unavailable(error.to_string()))?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

/// Up to `limit` records newest first after `after` that satisfy `keep`, plus whether more follow.
fn page_of<T: Clone + Listed>(
    records: &BTreeMap<Uuid, T>,
    after: Option<Uuid>,
    limit: usize,
    keep: impl Fn(&T) -> bool,
) -> Page<T> {
    let newest_first = match after {
        Some(after) => records.range(..after).rev(),
        None => records.range(..).rev(),
    };
    let matches =
        newest_first.map(|(_, record)| record).filter(|record| keep(record)).take(limit + 1).cloned().collect();
    Page::from_lookahead(matches, limit)
}

fn empty_page<T>() -> Page<T> {
    Page { items: Vec::new(), next_after: None }
}

#[async_trait]
impl TenantStore for MemoryStore {
    async fn create_tenant(&self, tenant: &Tenant, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(&tenant.id);
            if data.tenant.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            data.tenant = Some(tenant.clone());
            Ok(())
        })
    }

    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.read(id, |data| data.tenant.clone()).flatten())
    }

    async fn update_tenant(
        &self,
        tenant: &Tenant,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::Conflict, |state| {
            let stored = state.tenant_mut(&tenant.id).tenant.as_mut().ok_or(StoreError::Conflict)?;
            if stored.version != expected_version {
                return Err(StoreError::Conflict);
            }
            *stored = tenant.clone();
            Ok(())
        })
    }
}

#[async_trait]
impl WorkflowStore for MemoryStore {
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            state.tenant_mut(&workflow.tenant_id).insert_workflow(workflow)
        })?;
        self.publish(None, workflow);
        Ok(())
    }

    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError> {
        Ok(self.read(tenant, |data| data.workflows.get(&id).cloned()).flatten())
    }

    async fn update_workflow(
        &self,
        workflow: &Workflow,
        before: &Workflow,
        audit: &AuditEntry,
        assets: &[AssetChange<'_>],
    ) -> Result<(), StoreError> {
        let mut audits = vec![audit];
        audits.extend(assets.iter().map(|change| change.audit));
        self.commit(&audits, StoreError::Conflict, |state| {
            let data = state.tenant_mut(&workflow.tenant_id);
            TenantData::at_version(&data.workflows, workflow.id, before.version, |w| w.version)?;
            let mut previous_assets = Vec::new();
            for change in assets {
                let previous =
                    TenantData::at_version(&data.assets, change.asset.id, change.expected_version, |a| a.version)?;
                data.check_asset(change.asset, Some(&previous))?;
                previous_assets.push(previous);
            }
            data.workflows.insert(workflow.id, workflow.clone());
            data.add_totals(Some(before), workflow);
            for (change, previous) in assets.iter().zip(&previous_assets) {
                data.put_asset(change.asset, Some(previous));
            }
            Ok(())
        })?;
        self.publish(Some(before), workflow);
        Ok(())
    }

    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError> {
        let keep = |workflow: &Workflow| query.scope.includes(workflow) && query.filter.matches(workflow, query.today);
        Ok(self
            .read(tenant, |data| page_of(&data.workflows, query.after, query.limit, keep))
            .unwrap_or_else(empty_page))
    }

    async fn list_tasks(&self, tenant: &TenantId, query: &TaskQuery) -> Result<TaskPage, StoreError> {
        let mut matches: Vec<Workflow> = self
            .read(tenant, |data| data.workflows.values().filter(|workflow| query.matches(workflow)).cloned().collect())
            .unwrap_or_default();
        matches.sort_by_key(|workflow| workflow.task().map(|(_, position)| position));
        matches.truncate(query.limit + 1);
        Ok(TaskPage::from_lookahead(matches, query.limit))
    }

    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError> {
        let found = self.read(tenant, |data| {
            let entries = data.audit.get(&id.to_string()).cloned().unwrap_or_default();
            data.workflows.get(&id).map(|workflow| (workflow.clone(), entries))
        });
        Ok(found.flatten())
    }
}

#[async_trait]
impl TemplateStore for MemoryStore {
    async fn list_templates(&self, tenant: &TenantId) -> Result<Vec<Template>, StoreError> {
        Ok(self.read(tenant, |data| data.templates.values().cloned().collect()).unwrap_or_default())
    }

    async fn get_template(&self, tenant: &TenantId, key: &str) -> Result<Option<Template>, StoreError> {
        Ok(self.read(tenant, |data| data.templates.get(key).cloned()).flatten())
    }

    async fn insert_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(tenant);
            if data.templates.contains_key(&template.key) {
                return Err(StoreError::AlreadyExists);
            }
            data.put_template(template, StoreError::AlreadyExists)
        })
    }

    async fn update_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::Conflict, |state| {
            let data = state.tenant_mut(tenant);
            if data.templates.get(&template.key).is_none_or(|stored| stored.version != expected_version) {
                return Err(StoreError::Conflict);
            }
            data.put_template(template, StoreError::Conflict)
        })
    }

    async fn template_texts(
        &self,
        tenant: &TenantId,
        key: &str,
        version: u64,
    ) -> Result<Option<Vec<StepTexts>>, StoreError> {
        let texts =
            self.read(tenant, |data| data.template_texts.get(key).and_then(|versions| versions.get(&version)).cloned());
        Ok(texts.flatten())
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn list_audit(&self, tenant: &TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        let page = self.read(tenant, |data| {
            let mut entries: Vec<&AuditEntry> =
                data.audit.values().flatten().filter(|entry| query.filter.matches(entry)).collect();
            entries.sort_by_key(|entry| std::cmp::Reverse(entry.id));
            let after = entries.into_iter().filter(|entry| query.after.is_none_or(|after| entry.id < after));
            Page::from_lookahead(after.take(query.limit + 1).cloned().collect(), query.limit)
        });
        Ok(page.unwrap_or_else(empty_page))
    }
}

#[async_trait]
impl DirectoryStore for MemoryStore {
    async fn insert_employee(&self, employee: &Employee, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(&employee.tenant_id);
            if data.employees.contains_key(&employee.id) {
                return Err(StoreError::AlreadyExists);
            }
            data.check_employee_unique(employee)?;
            data.put_employee(employee, None);
            Ok(())
        })
    }

    async fn get_employee(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Employee>, StoreError> {
        Ok(self.read(tenant, |data| data.employees.get(&id).cloned()).flatten())
    }

    async fn find_employee(&self, tenant: &TenantId, key: EmployeeKey<'_>) -> Result<Option<Employee>, StoreError> {
        let found = self.read(tenant, |data| {
            let id = match key {
                EmployeeKey::Email(email) => data.employee_emails.get(email),
                EmployeeKey::HrisId(hris_id) => data.employee_hris_ids.get(hris_id),
            };
            id.and_then(|id| data.employees.get(id).cloned())
        });
        Ok(found.flatten())
    }

    async fn update_employee(
        &self,
        employee: &Employee,
        previous: &Employee,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::Conflict, |state| {
            let data = state.tenant_mut(&employee.tenant_id);
            let stored = TenantData::at_version(&data.employees, employee.id, previous.version, |e| e.version)?;
            data.check_employee_unique(employee)?;
            data.put_employee(employee, Some(&stored));
            Ok(())
        })
    }

    async fn list_employees(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<EmployeeFilter>,
    ) -> Result<Page<Employee>, StoreError> {
        let keep = |employee: &Employee| query.filter.matches(employee);
        Ok(self
            .read(tenant, |data| page_of(&data.employees, query.after, query.limit, keep))
            .unwrap_or_else(empty_page))
    }

    async fn insert_asset(&self, asset: &Asset, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(&asset.tenant_id);
            if data.assets.contains_key(&asset.id) {
                return Err(StoreError::AlreadyExists);
            }
            data.check_asset(asset, None)?;
            data.put_asset(asset, None);
            Ok(())
        })
    }

    async fn get_asset(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Asset>, StoreError> {
        Ok(self.read(tenant, |data| data.assets.get(&id).cloned()).flatten())
    }

    async fn update_asset(&self, asset: &Asset, previous: &Asset, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::Conflict, |state| {
            let data = state.tenant_mut(&asset.tenant_id);
            let stored = TenantData::at_version(&data.assets, asset.id, previous.version, |a| a.version)?;
            data.check_asset(asset, Some(&stored))?;
            data.put_asset(asset, Some(&stored));
            Ok(())
        })
    }

    async fn list_assets(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<AssetFilter>,
    ) -> Result<Page<Asset>, StoreError> {
        let keep = |asset: &Asset| query.filter.matches(asset);
        Ok(self.read(tenant, |data| page_of(&data.assets, query.after, query.limit, keep)).unwrap_or_else(empty_page))
    }

    async fn refresh_summaries(&self, tenant: &TenantId, summary: &LinkedSummary) -> Result<(), StoreError> {
        let mut refreshed = Vec::new();
        {
            let mut state = self.lock();
            for workflow in state.tenant_mut(tenant).workflows.values_mut() {
                let before = workflow.clone();
                match summary {
                    LinkedSummary::Employee(employee) if workflow.employee_id == Some(employee.id) => {
                        workflow.employee = Some(employee.clone());
                    }
                    LinkedSummary::Asset(asset) if workflow.asset_id == Some(asset.id) => {
                        workflow.asset = Some(asset.clone());
                    }
                    _ => continue,
                }
                refreshed.push((before, workflow.clone()));
            }
            if let Some(path) = &self.data_path {
                save(path, &state)?;
            }
        }
        // Like a DynamoDB stream, the feed carries the refreshed items too.
        for (before, after) in &refreshed {
            self.publish(Some(before), after);
        }
        Ok(())
    }
}

#[async_trait]
impl JobStore for MemoryStore {
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        Ok(self.lock().tenants.values().filter_map(|data| data.tenant.clone()).collect())
    }

    async fn tenant_zones(&self) -> Result<Vec<Timezone>, StoreError> {
        let mut zones: Vec<Timezone> =
            self.active_tenants(|_| true).into_iter().map(|tenant| tenant.timezone).collect();
        zones.sort_by(|a, b| a.name().cmp(b.name()));
        zones.dedup();
        Ok(zones)
    }

    async fn active_tenants_in(&self, zone: &Timezone) -> Result<Vec<Tenant>, StoreError> {
        Ok(self.active_tenants(|tenant| &tenant.timezone == zone))
    }

    async fn open_due_before(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError> {
        let keep = |workflow: &Workflow| workflow.status.is_open() && workflow.due_date < date;
        Ok(self.read(tenant, |data| data.workflows_where(keep)).unwrap_or_default())
    }

    async fn pending_starting_by(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError> {
        let keep = |workflow: &Workflow| {
            workflow.status == WorkflowStatus::Pending && workflow.scheduled_start.is_some_and(|start| start <= date)
        };
        Ok(self.read(tenant, |data| data.workflows_where(keep)).unwrap_or_default())
    }

    async fn completed_before(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError> {
        let keep = |workflow: &Workflow| {
            workflow.status == WorkflowStatus::Completed
                && workflow.archived_at.is_none()
                && workflow.completed_at.is_some_and(|completed| completed.date_naive() < date)
        };
        Ok(self.read(tenant, |data| data.workflows_where(keep)).unwrap_or_default())
    }

    async fn claim_once(&self, tenant: &TenantId, claim: &Claim) -> Result<bool, StoreError> {
        Ok(self.lock().tenant_mut(tenant).once_claims.insert(claim.clone()))
    }

    async fn release_claim(&self, tenant: &TenantId, claim: &Claim) -> Result<(), StoreError> {
        self.lock().tenant_mut(tenant).once_claims.remove(claim);
        Ok(())
    }

    async fn record_job(&self, run: &JobRun) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.jobs.push(run.record.clone());
        for (tenant, record) in run.tenant_records() {
            state.tenant_mut(tenant).job_runs.push(record);
        }
        if let Some(path) = &self.data_path {
            save(path, &state)?;
        }
        Ok(())
    }

    async fn list_job_runs(
        &self,
        of: &RunsOf,
        job: Option<JobName>,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Page<JobRecord>, StoreError> {
        let state = self.lock();
        let runs = match of {
            RunsOf::Platform => &state.jobs,
            RunsOf::Tenant(tenant) => match state.tenants.get(tenant) {
                Some(data) => &data.job_runs,
                None => return Ok(empty_page()),
            },
        };
        let newest_first = runs
            .iter()
            .rev()
            .filter(|record| job.is_none_or(|job| record.job == job) && after.is_none_or(|after| record.id < after));
        Ok(Page::from_lookahead(newest_first.take(limit + 1).cloned().collect(), limit))
    }
}

#[async_trait]
impl StatsStore for MemoryStore {
    async fn totals(&self, tenant: &TenantId, scope: &StatsScope) -> Result<Totals, StoreError> {
        Ok(self.read(tenant, |data| data.totals.get(&scope.key()).cloned()).flatten().unwrap_or_default())
    }
}

#[async_trait]
impl HrisStore for MemoryStore {
    async fn claim_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        body_hash: &str,
    ) -> Result<DeliveryClaim, StoreError> {
        let mut state = self.lock();
        let now = chrono::Utc::now();
        let deliveries = &mut state.tenant_mut(tenant).deliveries;
        let claim = match deliveries.get(delivery.digest()) {
            Some(seen) if seen.body_hash != body_hash => DeliveryClaim::BodyMismatch,
            Some(Delivery { result: Some(result), .. }) => DeliveryClaim::Completed(result.clone()),
            Some(seen) if (now - seen.claimed_at).num_seconds() < DELIVERY_STALE_SECONDS => DeliveryClaim::InProgress,
            _ => {
                let record = Delivery { body_hash: body_hash.to_owned(), result: None, claimed_at: now };
                deliveries.insert(delivery.digest().to_owned(), record);
                DeliveryClaim::Claimed
            }
        };
        Ok(claim)
    }

    async fn complete_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        result: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut state = self.lock();
        if let Some(record) = state.tenant_mut(tenant).deliveries.get_mut(delivery.digest()) {
            record.result = Some(result.clone());
        }
        if let Some(path) = &self.data_path {
            save(path, &state)?;
        }
        Ok(())
    }

    async fn release_delivery(&self, tenant: &TenantId, delivery: &DeliveryId) -> Result<(), StoreError> {
        let mut state = self.lock();
        let deliveries = &mut state.tenant_mut(tenant).deliveries;
        if deliveries.get(delivery.digest()).is_some_and(|record| record.result.is_none()) {
            deliveries.remove(delivery.digest());
        }
        Ok(())
    }

    async fn insert_workflow_once(
        &self,
        workflow: &Workflow,
        audit: &AuditEntry,
        natural_key: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let mut existing = None;
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(&workflow.tenant_id);
            if let Some(holder) = data.effects.get(natural_key) {
                existing = Some(*holder);
                return Ok(());
            }
            data.insert_workflow(workflow)?;
            data.effects.insert(natural_key.to_owned(), workflow.id);
            Ok(())
        })?;
        if existing.is_none() {
            self.publish(None, workflow);
        }
        Ok(existing)
    }

    async fn sync_cursor(&self, tenant: &TenantId) -> Result<Option<String>, StoreError> {
        Ok(self.read(tenant, |data| data.sync_cursor.clone()).flatten())
    }

    async fn set_sync_cursor(&self, tenant: &TenantId, cursor: &str) -> Result<(), StoreError> {
        let mut state = self.lock();
        state.tenant_mut(tenant).sync_cursor = Some(cursor.to_owned());
        if let Some(path) = &self.data_path {
            save(path, &state)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ConnectionStore for MemoryStore {
    async fn put_connection(&self, connection: &Connection) -> Result<(), StoreError> {
        self.lock().connections.insert(connection.connection_id.clone(), connection.clone());
        Ok(())
    }

    async fn delete_connection(&self, connection_id: &str) -> Result<(), StoreError> {
        self.lock().connections.remove(connection_id);
        Ok(())
    }

    async fn connections(&self, tenant: &TenantId) -> Result<Vec<Connection>, StoreError> {
        Ok(self.lock().connections.values().filter(|connection| &connection.tenant_id == tenant).cloned().collect())
    }
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn insert_user(&self, user: &User, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::AlreadyExists, |state| {
            if state.user_emails.contains_key(&user.email) {
                return Err(StoreError::Taken("email"));
            }
            let data = state.tenant_mut(&user.tenant_id);
            if data.users.contains_key(&user.id) {
                return Err(StoreError::AlreadyExists);
            }
            data.users.insert(user.id, user.clone());
            state.user_emails.insert(user.email.clone(), (user.tenant_id.clone(), user.id));
            Ok(())
        })
    }

    async fn get_user(&self, tenant: &TenantId, id: Uuid) -> Result<Option<User>, StoreError> {
        Ok(self.read(tenant, |data| data.users.get(&id).cloned()).flatten())
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let state = self.lock();
        let holder = state.user_emails.get(email);
        Ok(holder.and_then(|(tenant, id)| state.tenants.get(tenant)?.users.get(id).cloned()))
    }

    async fn update_user(&self, user: &User, expected_version: u64, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(&[audit], StoreError::Conflict, |state| {
            let data = state.tenant_mut(&user.tenant_id);
            TenantData::at_version(&data.users, user.id, expected_version, |stored| stored.version)?;
            data.users.insert(user.id, user.clone());
            Ok(())
        })
    }

    async fn list_users(&self, tenant: &TenantId, after: Option<Uuid>, limit: usize) -> Result<Page<User>, StoreError> {
        Ok(self.read(tenant, |data| page_of(&data.users, after, limit, |_| true)).unwrap_or_else(empty_page))
    }
}
