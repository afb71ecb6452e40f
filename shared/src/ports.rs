//! The ports the application needs from the outside world. The embedded store and the DynamoDB
//! store implement the same traits and pass the same contract tests.

use async_trait::async_trait;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::audit::AuditEntry;
use crate::domain::caller::Scope;
use crate::domain::tenant::Tenant;
use crate::domain::validation::{Email, Team, TenantId};
use crate::domain::workflow::{Priority, Workflow, WorkflowStatus, WorkflowType};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A create found the key taken.
    #[error("the item already exists")]
    AlreadyExists,
    /// A conditional write lost: the stored version moved on since it was read.
    #[error("the item was changed concurrently")]
    Conflict,
    /// The store could not answer; the message is for logs, never for clients.
    #[error("store failure: {0}")]
    Unavailable(String),
}

/// The list filters of `GET /api/v1/workflows`. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WorkflowFilter {
    pub status: Option<WorkflowStatus>,
    pub workflow_type: Option<WorkflowType>,
    pub priority: Option<Priority>,
    pub assigned_to: Option<Email>,
    pub employee_id: Option<Uuid>,
    pub asset_id: Option<Uuid>,
    pub team: Option<Team>,
    /// `due_date` strictly before this date.
    pub due_before: Option<NaiveDate>,
    /// `due_date` strictly after this date.
    pub due_after: Option<NaiveDate>,
    pub overdue: bool,
    pub include_archived: bool,
}

impl WorkflowFilter {
    /// The reference semantics of the filter; the DynamoDB store expresses the same in queries.
    pub fn matches(&self, workflow: &Workflow, today: NaiveDate) -> bool {
        fn eq<T: PartialEq>(wanted: &Option<T>, actual: &T) -> bool {
            wanted.as_ref().is_none_or(|wanted| wanted == actual)
        }
        fn eq_opt<T: PartialEq>(wanted: &Option<T>, actual: &Option<T>) -> bool {
            wanted.is_none() || wanted == actual
        }
        eq(&self.status, &workflow.status)
            && eq(&self.workflow_type, &workflow.workflow_type)
            && eq(&self.priority, &workflow.priority)
            && eq_opt(&self.assigned_to, &workflow.assigned_to)
            && eq_opt(&self.employee_id, &workflow.employee_id)
            && eq_opt(&self.asset_id, &workflow.asset_id)
            && eq_opt(&self.team, &workflow.team)
            && self.due_before.is_none_or(|before| workflow.due_date < before)
            && self.due_after.is_none_or(|after| workflow.due_date > after)
            && (!self.overdue || workflow.is_overdue(today))
            && (self.include_archived || workflow.archived_at.is_none())
    }
}

/// One page of a workflow list: newest first, strictly after `after` in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowQuery {
    pub scope: Scope,
    pub filter: WorkflowFilter,
    /// The id of the last workflow of the previous page.
    pub after: Option<Uuid>,
    pub limit: usize,
    /// The tenant's date, for `overdue`.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowPage {
    pub items: Vec<Workflow>,
    /// Set when more matches follow; the value to pass as `after` for the next page.
    pub next_after: Option<Uuid>,
}

impl WorkflowPage {
    /// Builds a page from up to `limit + 1` matches in list order: the extra one only says that
    /// a next page exists.
    pub fn from_lookahead(mut matches: Vec<Workflow>, limit: usize) -> WorkflowPage {
        let has_more = matches.len() > limit;
        matches.truncate(limit);
        let next_after = if has_more { matches.last().map(|workflow| workflow.id) } else { None };
        WorkflowPage { items: matches, next_after }
    }
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Stores a new tenant with its audit entry; `AlreadyExists` when the id is taken.
    async fn create_tenant(&self, tenant: &Tenant, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError>;
    /// Replaces a tenant whose stored version is `expected_version`, with its audit entry.
    async fn update_tenant(&self, tenant: &Tenant, expected_version: u64, audit: &AuditEntry)
    -> Result<(), StoreError>;
}

#[async_trait]
pub trait WorkflowStore: Send + Sync {
    /// Stores a new workflow with its audit entry, both or neither.
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError>;
    /// Replaces a workflow whose stored version is `expected_version`, with its audit entry, both
    /// or neither; `Conflict` when the version moved on.
    async fn update_workflow(
        &self,
        workflow: &Workflow,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError>;
    /// The workflow with its audit entries, oldest first (one read: they share a partition).
    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError>;
}

/// Everything the API needs from a store.
pub trait Store: TenantStore + WorkflowStore {}

impl<T: TenantStore + WorkflowStore> Store for T {}
