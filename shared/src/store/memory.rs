//! The embedded store: the local server's default. One mutex makes every write atomic, exactly
//! like a DynamoDB transaction; with a data path, every committed write is also saved to disk
//! (write to a temporary file, then rename) so data survives a restart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::audit::AuditEntry;
use crate::domain::tenant::Tenant;
use crate::domain::validation::TenantId;
use crate::domain::workflow::Workflow;
use crate::ports::{StoreError, TenantStore, WorkflowPage, WorkflowQuery, WorkflowStore};

#[derive(Debug, Default, Serialize, Deserialize)]
struct TenantData {
    tenant: Option<Tenant>,
    /// Ordered by id, and ids are UUID v7, so this is creation order.
    workflows: BTreeMap<Uuid, Workflow>,
    /// Audit entries by target id, each list oldest first.
    audit: BTreeMap<String, Vec<AuditEntry>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    tenants: BTreeMap<TenantId, TenantData>,
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

#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    data_path: Option<PathBuf>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store kept in the file at `path`, loading what an earlier run saved there.
    pub fn persistent(path: &Path) -> Result<Self, StoreError> {
        let state = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|error| StoreError::Unavailable(format!("cannot read {}: {error}", path.display())))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(error) => return Err(StoreError::Unavailable(format!("cannot read {}: {error}", path.display()))),
        };
        Ok(Self { state: Mutex::new(state), data_path: Some(path.to_owned()) })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied write (each write mutates
        // only after all its checks), so the data behind a poisoned lock is still consistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `write` on the state and saves the result when it succeeds.
    /// Runs `write` with its audit entry, like one DynamoDB transaction: when the audit entry's
    /// id is taken, the whole write fails with `on_condition_failed`, as a failed condition does.
    fn commit<T>(
        &self,
        audit: &AuditEntry,
        on_condition_failed: StoreError,
        write: impl FnOnce(&mut State) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut state = self.lock();
        if !state.audit_is_new(audit) {
            return Err(on_condition_failed);
        }
        let result = write(&mut state)?;
        if let Some(path) = &self.data_path {
            save(path, &state)?;
        }
        Ok(result)
    }
}

fn save(path: &Path, state: &State) -> Result<(), StoreError> {
    let failed = |error: std::io::Error| StoreError::Unavailable(format!("cannot save {}: {error}", path.display()));
    let bytes = serde_json::to_vec(state).map_err(|error| StoreError::Unavailable(error.to_string()))?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

#[async_trait]
impl TenantStore for MemoryStore {
    async fn create_tenant(&self, tenant: &Tenant, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(audit, StoreError::AlreadyExists, |state| {
            let data = state.tenant_mut(&tenant.id);
            if data.tenant.is_some() {
                return Err(StoreError::AlreadyExists);
            }
            data.tenant = Some(tenant.clone());
            state.append_audit(audit);
            Ok(())
        })
    }

    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self.lock().tenants.get(id).and_then(|data| data.tenant.clone()))
    }

    async fn update_tenant(
        &self,
        tenant: &Tenant,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(audit, StoreError::Conflict, |state| {
            let stored = state.tenant_mut(&tenant.id).tenant.as_mut().ok_or(StoreError::Conflict)?;
            if stored.version != expected_version {
                return Err(StoreError::Conflict);
            }
            *stored = tenant.clone();
            state.append_audit(audit);
            Ok(())
        })
    }
}

#[async_trait]
impl WorkflowStore for MemoryStore {
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError> {
        self.commit(audit, StoreError::AlreadyExists, |state| {
            let workflows = &mut state.tenant_mut(&workflow.tenant_id).workflows;
            if workflows.contains_key(&workflow.id) {
                return Err(StoreError::AlreadyExists);
            }
            workflows.insert(workflow.id, workflow.clone());
            state.append_audit(audit);
            Ok(())
        })
    }

    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError> {
        Ok(self.lock().tenants.get(tenant).and_then(|data| data.workflows.get(&id).cloned()))
    }

    async fn update_workflow(
        &self,
        workflow: &Workflow,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.commit(audit, StoreError::Conflict, |state| {
            let stored = state
                .tenant_mut(&workflow.tenant_id)
                .workflows
                .get_mut(&workflow.id)
                .filter(|stored| stored.version == expected_version)
                .ok_or(StoreError::Conflict)?;
            *stored = workflow.clone();
            state.append_audit(audit);
            Ok(())
        })
    }

    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError> {
        let state = self.lock();
        let Some(data) = state.tenants.get(tenant) else {
            return Ok(WorkflowPage { items: Vec::new(), next_after: None });
        };
        let newest_first = match query.after {
            Some(after) => data.workflows.range(..after).rev(),
            None => data.workflows.range(..).rev(),
        };
        let matches = newest_first
            .map(|(_, workflow)| workflow)
            .filter(|workflow| query.scope.includes(workflow) && query.filter.matches(workflow, query.today))
            .take(query.limit + 1)
            .cloned()
            .collect();
        Ok(WorkflowPage::from_lookahead(matches, query.limit))
    }

    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError> {
        let state = self.lock();
        let Some(data) = state.tenants.get(tenant) else { return Ok(None) };
        let entries = data.audit.get(&id.to_string()).cloned().unwrap_or_default();
        Ok(data.workflows.get(&id).map(|workflow| (workflow.clone(), entries)))
    }
}
