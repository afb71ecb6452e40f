//! The ports the application needs from the outside world. The embedded store and the DynamoDB
//! store implement the same traits and pass the same contract tests.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::audit::{AuditEntry, TargetType};
use crate::domain::caller::Scope;
use crate::domain::directory::{Asset, AssetCategory, AssetStatus, Employee, EmployeeStatus};
use crate::domain::events::WorkflowEvent;
use crate::domain::hris::DeliveryId;
use crate::domain::jobs::{Claim, JobName, JobRecord, JobRun, RunsOf};
use crate::domain::messages::OutgoingEmail;
use crate::domain::stats::{StatsScope, Totals};
use crate::domain::template::{StepTexts, Template};
use crate::domain::tenant::{Tenant, Timezone};
use crate::domain::user::{Invitation, User};
use crate::domain::validation::{Email, Team, TenantId};
use crate::domain::workflow::{
    AssetSummary, EmployeeSummary, Priority, Task, TaskPosition, Workflow, WorkflowStatus, WorkflowType,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A create found the key taken.
    #[error("the item already exists")]
    AlreadyExists,
    /// A value that must be unique in the tenant (an employee's email, an asset's tag) is taken.
    #[error("{0} is already used by another record")]
    Taken(&'static str),
    /// A record the write links to (the field names it) does not exist in the tenant.
    #[error("{0} names no record of this tenant")]
    MissingLink(&'static str),
    /// A conditional write lost: the stored version moved on since it was read.
    #[error("the item was changed concurrently")]
    Conflict,
    /// The store did not answer in time, or asked to slow down, even after the bounded retries:
    /// the request may succeed later (503 with `Retry-After`). Whatever was being written is
    /// either stored whole or not at all. The message is for logs, never for clients.
    #[error("the store did not answer in time: {0}")]
    Busy(String),
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

/// Something listed by id, newest first (ids are UUID v7).
pub trait Listed {
    fn id(&self) -> Uuid;
}

impl Listed for Workflow {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Listed for Employee {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Listed for User {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Listed for Asset {
    fn id(&self) -> Uuid {
        self.id
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
pub struct Page<T> {
    pub items: Vec<T>,
    /// Set when more matches follow; the value to pass as `after` for the next page.
    pub next_after: Option<Uuid>,
}

impl<T: Listed> Page<T> {
    /// Builds a page from up to `limit + 1` matches in list order: the extra one only says that
    /// a next page exists.
    pub fn from_lookahead(mut matches: Vec<T>, limit: usize) -> Page<T> {
        let has_more = matches.len() > limit;
        matches.truncate(limit);
        let next_after = if has_more { matches.last().map(Listed::id) } else { None };
        Page { items: matches, next_after }
    }
}

pub type WorkflowPage = Page<Workflow>;

/// How much of each workflow a job list returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As lists show it, without `steps`.
    Listed,
    /// With its steps.
    Whole,
}

/// One page of a person's task list (`GET /api/v1/tasks`): the workflows whose active step is
/// assigned to `assignee`, by the step's due date (none last), then the workflow's creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskQuery {
    pub assignee: Email,
    /// Only steps overdue as §7 defines it, at `today` and `now`.
    pub overdue: bool,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The position of the last task of the previous page.
    pub after: Option<TaskPosition>,
    pub limit: usize,
}

impl TaskQuery {
    /// The reference semantics; the DynamoDB store reads the same from its task index.
    pub fn matches(&self, workflow: &Workflow) -> bool {
        let Some((assignee, position)) = workflow.task() else { return false };
        let overdue = || workflow.overdue_step(self.today, self.now).is_some();
        *assignee == self.assignee && self.after.is_none_or(|after| position > after) && (!self.overdue || overdue())
    }
}

/// A page of tasks in list order, and the position to continue after when more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPage {
    pub items: Vec<Task>,
    pub next_after: Option<TaskPosition>,
}

impl TaskPage {
    /// A page from up to `limit + 1` matches in list order.
    pub fn from_lookahead(mut matches: Vec<Task>, limit: usize) -> TaskPage {
        let has_more = matches.len() > limit;
        matches.truncate(limit);
        let next_after = if has_more { matches.last().map(Task::position) } else { None };
        TaskPage { items: matches, next_after }
    }
}

/// Employee list filters; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EmployeeFilter {
    pub status: Option<EmployeeStatus>,
    pub team: Option<Team>,
}

impl EmployeeFilter {
    pub fn matches(&self, employee: &Employee) -> bool {
        self.status.is_none_or(|status| status == employee.status)
            && (self.team.is_none() || self.team == employee.team)
    }
}

/// Asset list filters; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AssetFilter {
    pub status: Option<AssetStatus>,
    pub category: Option<AssetCategory>,
    pub assigned_employee_id: Option<Uuid>,
}

impl AssetFilter {
    pub fn matches(&self, asset: &Asset) -> bool {
        self.status.is_none_or(|status| status == asset.status)
            && self.category.is_none_or(|category| category == asset.category)
            && (self.assigned_employee_id.is_none() || self.assigned_employee_id == asset.assigned_employee_id)
    }
}

/// One page of a directory list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryQuery<F> {
    pub filter: F,
    pub after: Option<Uuid>,
    pub limit: usize,
}

/// Audit list filters (contract §8); every set field must match. Times are compared to the
/// millisecond, as audit ids carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AuditFilter {
    pub target_type: Option<TargetType>,
    pub target_id: Option<String>,
    pub actor: Option<String>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Strictly before.
    pub until: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// The reference semantics; the DynamoDB store answers each combination from an index.
    pub fn matches(&self, entry: &AuditEntry) -> bool {
        let millis = entry.at.timestamp_millis();
        self.target_type.is_none_or(|target_type| target_type == entry.target_type)
            && self.target_id.as_ref().is_none_or(|id| *id == entry.target_id)
            && self.actor.as_ref().is_none_or(|actor| *actor == entry.actor)
            && self.since.is_none_or(|since| millis >= since.timestamp_millis())
            && self.until.is_none_or(|until| millis < until.timestamp_millis())
    }
}

impl Listed for JobRecord {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Listed for AuditEntry {
    fn id(&self) -> Uuid {
        self.id
    }
}

/// One page of the audit list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub filter: AuditFilter,
    pub after: Option<Uuid>,
    pub limit: usize,
}

/// An asset change that rides in another write's transaction (a workflow's completion).
#[derive(Debug, Clone, Copy)]
pub struct AssetChange<'a> {
    pub asset: &'a Asset,
    pub expected_version: u64,
    pub audit: &'a AuditEntry,
}

/// How an employee is found besides its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmployeeKey<'a> {
    Email(&'a Email),
    HrisId(&'a str),
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
    /// Stores a new workflow with its audit entry, both or neither; `MissingLink` when its
    /// employee or asset does not exist (checked in the same transaction).
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError>;
    /// Replaces a workflow whose stored version is `expected_version`, with its audit entry, both
    /// or neither; `Conflict` when the version moved on.
    /// Replaces `before` (at its version) with `workflow`, with its audit entry and the change to
    /// the running totals, all or nothing; `Conflict` when the version moved on. `assets` are
    /// changed in the same transaction (each conditioned on its own version).
    async fn update_workflow(
        &self,
        workflow: &Workflow,
        before: &Workflow,
        audit: &AuditEntry,
        assets: &[AssetChange<'_>],
    ) -> Result<(), StoreError>;
    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError>;
    /// A page of one person's task list (one Query on the task index).
    async fn list_tasks(&self, tenant: &TenantId, query: &TaskQuery) -> Result<TaskPage, StoreError>;
    /// The workflow with its audit entries, oldest first (one read: they share a partition).
    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError>;
}

#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// `Taken("email")` / `Taken("hris_id")` when another employee of the tenant has it.
    async fn insert_employee(&self, employee: &Employee, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_employee(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Employee>, StoreError>;
    async fn find_employee(&self, tenant: &TenantId, key: EmployeeKey<'_>) -> Result<Option<Employee>, StoreError>;
    /// Replaces `previous` (at its version) with `employee`, moving its unique keys.
    async fn update_employee(
        &self,
        employee: &Employee,
        previous: &Employee,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    async fn list_employees(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<EmployeeFilter>,
    ) -> Result<Page<Employee>, StoreError>;

    /// `Taken("asset_tag")` when another asset of the tenant has the tag; `MissingLink` when the
    /// assigned employee does not exist.
    async fn insert_asset(&self, asset: &Asset, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_asset(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Asset>, StoreError>;
    async fn update_asset(&self, asset: &Asset, previous: &Asset, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn list_assets(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<AssetFilter>,
    ) -> Result<Page<Asset>, StoreError>;

    /// Copies the summary onto every workflow linked to the employee or asset, so workflow lists
    /// show current names without reading the directory. Not a change of the workflows: their
    /// versions stay.
    async fn refresh_summaries(&self, tenant: &TenantId, summary: &LinkedSummary) -> Result<(), StoreError>;
}

/// A linked record's summary, as workflows keep it.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkedSummary {
    Employee(EmployeeSummary),
    Asset(AssetSummary),
}

/// What the scheduled jobs read and write. Every read goes through an index of exactly the work
/// to do (open workflows by due date, pending ones by scheduled start, completed ones by
/// completion date), so a job's cost grows with the work it finds, not with the table.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Every tenant (the registry of tenants, not a scan).
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError>;
    /// The time zones of the active tenants: never one missing, possibly one no tenant is in
    /// any more (one read, not a read of the tenants).
    async fn tenant_zones(&self) -> Result<Vec<Timezone>, StoreError>;
    /// The active tenants whose time zone is `zone` (an index of them, not a scan).
    async fn active_tenants_in(&self, zone: &Timezone) -> Result<Vec<Tenant>, StoreError>;
    /// Open workflows whose attention date (`Workflow::attention_date`: their own due date or
    /// their active step's due or stuck date) is strictly before `date`: the candidates for
    /// the overdue reminders and the overdue rate, which judge each one exactly. In `form`:
    /// the rate needs only the list form (one read), the reminders the steps too.
    async fn open_needing_attention_before(
        &self,
        tenant: &TenantId,
        date: NaiveDate,
        form: Form,
    ) -> Result<Vec<Workflow>, StoreError>;
    /// Pending workflows scheduled to start on or before `date`.
    async fn pending_starting_by(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError>;
    /// Completed, unarchived workflows completed strictly before `date`.
    async fn completed_before(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError>;
    /// Claims a once-only action of the tenant (a daily run, a reminder): true for the first
    /// caller, false for every later one. Claims expire by themselves after a week.
    async fn claim_once(&self, tenant: &TenantId, claim: &Claim) -> Result<bool, StoreError>;
    /// Gives a claim back (its action failed and may be retried).
    async fn release_claim(&self, tenant: &TenantId, claim: &Claim) -> Result<(), StoreError>;
    /// Stores the run's record and each tenant's part of it.
    async fn record_job(&self, run: &JobRun) -> Result<(), StoreError>;
    /// Job runs newest first (whole, or one tenant's parts), of `job` or of every job, older
    /// than `after`.
    async fn list_job_runs(
        &self,
        of: &RunsOf,
        job: Option<JobName>,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Page<JobRecord>, StoreError>;
}

/// What a delivery id has seen before.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryClaim {
    /// First time: the caller processes it.
    Claimed,
    /// Another request is processing it right now.
    InProgress,
    /// Processed before, with this result.
    Completed(serde_json::Value),
    /// The id was used before with another body.
    BodyMismatch,
}

/// An in-progress delivery older than this is taken to have failed, and may be claimed again
/// (by either store: the webhooks function's timeout is set below it).
pub const DELIVERY_STALE_SECONDS: i64 = 30;

/// Exactly-once processing of HRIS deliveries and their effects.
#[async_trait]
pub trait HrisStore: Send + Sync {
    /// Claims a delivery id for processing (in progress, expiring), or says what it saw before.
    async fn claim_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        body_hash: &str,
    ) -> Result<DeliveryClaim, StoreError>;
    async fn complete_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        result: &serde_json::Value,
    ) -> Result<(), StoreError>;
    /// Gives a claim back after a failure, so that a redelivery is processed again.
    async fn release_delivery(&self, tenant: &TenantId, delivery: &DeliveryId) -> Result<(), StoreError>;
    /// Stores a new workflow unless `natural_key` was used before, in one transaction with the
    /// key; returns the id of the workflow that holds the key when it was.
    async fn insert_workflow_once(
        &self,
        workflow: &Workflow,
        audit: &AuditEntry,
        natural_key: &str,
    ) -> Result<Option<Uuid>, StoreError>;
    async fn sync_cursor(&self, tenant: &TenantId) -> Result<Option<String>, StoreError>;
    async fn set_sync_cursor(&self, tenant: &TenantId, cursor: &str) -> Result<(), StoreError>;
}

/// A tenant's own templates (contract §10). Every write carries its audit entry and the new
/// version's step texts, all or nothing.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// The tenant's templates by key, deleted ones included (their keys stay taken).
    async fn list_templates(&self, tenant: &TenantId) -> Result<Vec<Template>, StoreError>;
    /// The tenant's template with this key, deleted or not.
    async fn get_template(&self, tenant: &TenantId, key: &str) -> Result<Option<Template>, StoreError>;
    /// Stores a new template with its version's texts; `AlreadyExists` when the key was ever used.
    async fn insert_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// Replaces the template stored at `expected_version` and keeps the new version's texts;
    /// `Conflict` when the version moved on.
    async fn update_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// The step texts of one version of a tenant template, in step order (they never change).
    async fn template_texts(
        &self,
        tenant: &TenantId,
        key: &str,
        version: u64,
    ) -> Result<Option<Vec<StepTexts>>, StoreError>;
}

/// The people who sign in (contract §11), each in one tenant. An email is a user of one tenant
/// at most, whatever its case: a global claim of the email rides in the transaction that stores
/// the user. A user's email never changes.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Stores a new user with its audit entry; `Taken("email")` when the email is a user of any
    /// tenant, `AlreadyExists` when the id is taken.
    async fn insert_user(&self, user: &User, audit: &AuditEntry) -> Result<(), StoreError>;
    async fn get_user(&self, tenant: &TenantId, id: Uuid) -> Result<Option<User>, StoreError>;
    /// The user with this email, in whichever tenant.
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// Replaces a user whose stored version is `expected_version`, with its audit entry.
    async fn update_user(&self, user: &User, expected_version: u64, audit: &AuditEntry) -> Result<(), StoreError>;
    /// The tenant's users by id, descending (one Query).
    async fn list_users(&self, tenant: &TenantId, after: Option<Uuid>, limit: usize) -> Result<Page<User>, StoreError>;
}

/// The tenant's audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn list_audit(&self, tenant: &TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError>;
}

/// The running totals of workflows (see `domain::stats`).
#[async_trait]
pub trait StatsStore: Send + Sync {
    async fn totals(&self, tenant: &TenantId, scope: &StatsScope) -> Result<Totals, StoreError>;
}

/// Everything the API and the jobs need from a store.
pub trait Store:
    TenantStore
    + WorkflowStore
    + TemplateStore
    + DirectoryStore
    + AuditStore
    + JobStore
    + StatsStore
    + HrisStore
    + ConnectionStore
    + UserStore
{
}

impl<T> Store for T where
    T: TenantStore
        + WorkflowStore
        + TemplateStore
        + DirectoryStore
        + AuditStore
        + JobStore
        + StatsStore
        + HrisStore
        + ConnectionStore
        + UserStore
{
}

/// A notification or event that could not be delivered; the message is for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("delivery failed: {0}")]
pub struct DeliveryError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError>;
}

/// Posts to a chat incoming webhook (Slack).
#[async_trait]
pub trait ChatPoster: Send + Sync {
    async fn post(&self, webhook_url: &str, text: &str) -> Result<(), DeliveryError>;
}

#[async_trait]
pub trait EventPublisher: Send + Sync {
    /// Publishes every event or fails; the adapter batches and retries as its bus needs.
    async fn publish(&self, events: &[WorkflowEvent]) -> Result<(), DeliveryError>;
}

/// How the service reaches a tenant's HRIS API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisAccess {
    /// Checked against the process's URL policy when the access is made, not only when stored.
    pub base_url: crate::domain::hris_url::HrisBaseUrl,
    pub api_key: String,
}

/// Employees changed since a cursor, and the cursor to continue from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisChanges {
    pub changed: Vec<(crate::domain::hris::HrisEventKind, String)>,
    pub cursor: String,
}

/// An HRIS's API (BambooHR first; one implementation per vendor).
#[async_trait]
pub trait HrisApi: Send + Sync {
    async fn employee(&self, access: &HrisAccess, id: &str)
    -> Result<crate::domain::hris::HrisEmployee, DeliveryError>;
    async fn changes(&self, access: &HrisAccess, since: Option<&str>) -> Result<HrisChanges, DeliveryError>;
}

/// Live WebSocket connections, by tenant.
#[async_trait]
pub trait ConnectionStore: Send + Sync {
    /// Keeps the connection for about two hours (API Gateway's own limit).
    async fn put_connection(&self, connection: &crate::domain::realtime::Connection) -> Result<(), StoreError>;
    /// Forgets a connection by id (the `$disconnect` event carries only the id).
    async fn delete_connection(&self, connection_id: &str) -> Result<(), StoreError>;
    /// The tenant's connections (one Query).
    async fn connections(&self, tenant: &TenantId) -> Result<Vec<crate::domain::realtime::Connection>, StoreError>;
}

/// Why a message did not reach a connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The connection is gone (API Gateway's 410): forget it.
    #[error("the connection is gone")]
    Gone,
    #[error("{0}")]
    Failed(String),
}

/// Sends a message down one connection.
#[async_trait]
pub trait Pusher: Send + Sync {
    async fn push(&self, connection_id: &str, message: &str) -> Result<(), PushError>;
}

/// Why the identity provider did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The provider already has an account under this email.
    #[error("the identity provider already has an account for this email")]
    Exists,
    /// The provider has no account under this email.
    #[error("the identity provider has no account for this email")]
    Unknown,
    /// The provider did not answer in time or asked to slow down (503).
    #[error("the identity provider did not answer in time: {0}")]
    Busy(String),
    /// The message is for logs, never for clients.
    #[error("identity provider failure: {0}")]
    Unavailable(String),
}

/// An account of the identity provider, as it lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The `sub` of the account's tokens.
    pub id: Uuid,
    pub email: Email,
    pub enabled: bool,
}

/// Where people sign in (contract §11): Amazon Cognito when deployed, the local server's own
/// sign-in locally. Accounts are named by their email, which never changes.
#[async_trait]
pub trait IdentityProvider: Send + Sync {
    /// Creates the account with the user's tenant, role and team, and sends the invitation;
    /// answers the account's id (the `sub` of its tokens).
    async fn invite(&self, invitation: &Invitation) -> Result<Uuid, IdentityError>;
    /// Writes the user's tenant, role and team onto the account.
    async fn update_attributes(&self, user: &User) -> Result<(), IdentityError>;
    async fn disable(&self, email: &Email) -> Result<(), IdentityError>;
    async fn enable(&self, email: &Email) -> Result<(), IdentityError>;
    /// Removes an invited account whose user could not be stored.
    async fn remove(&self, email: &Email) -> Result<(), IdentityError>;
    /// The accounts whose tenant is `tenant`.
    async fn tenant_accounts(&self, tenant: &TenantId) -> Result<Vec<Account>, IdentityError>;
}
