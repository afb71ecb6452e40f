//! The one place that knows how DynamoDB keys are spelled. Every key starts with the tenant
//! (`TENANT#<id>...`), so a function's IAM policy can be limited to tenant keys
//! (`dynamodb:LeadingKeys`) and no key of one tenant can ever name another tenant's item.
//! The layout is documented in `infra/README.md`.

use aws_sdk_dynamodb::types::AttributeValue;
use uuid::Uuid;

use crate::domain::audit::{AuditEntry, TargetType};
use crate::domain::directory::{Asset, AssetStatus, Employee, EmployeeStatus};
use crate::domain::hris::DeliveryId;
use crate::domain::jobs::{Claim, JobName, JobRecord};
use crate::domain::template::check_key;
use crate::domain::tenant::{Tenant, Timezone};
use crate::domain::user::User;
use crate::domain::validation::{Email, Team, TenantId};
use crate::domain::workflow::{TaskPosition, Workflow, WorkflowStatus};

use super::Item;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
/// The sort key of every index: the item's id. Ids are UUID v7, whose text sorts by creation
/// time, so every index lists newest first when read backwards.
pub const GSI_SK: &str = "gsi_sk";
/// Attribute that DynamoDB's TTL reads (for expiring items such as connections and idempotency records).
pub const EXPIRES_AT: &str = "expires_at";

const TENANT_SK: &str = "TENANT";
const WORKFLOW_SK: &str = "WORKFLOW";
const EMPLOYEE_SK: &str = "EMPLOYEE";
const ASSET_SK: &str = "ASSET";
const USER_SK: &str = "USER";
const UNIQUE_SK: &str = "UNIQUE";
const AUDIT_SK_PREFIX: &str = "AUDIT#";

/// The global secondary indexes. They are overloaded: the partition key's prefix says which
/// kind of item and which list a partition holds. The first six sort by id (newest first when
/// read backwards); the job indexes sort by a date, then the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Tenant,
    Status,
    Assignee,
    Team,
    Employee,
    Asset,
    /// Open workflows by attention date; completed ones by completion date (sparse).
    Due,
    /// Pending workflows by scheduled start, and (disjoint: in progress) each person's active
    /// steps by due date (sparse).
    Start,
}

impl Index {
    pub const ALL: [Index; 8] = [
        Index::Tenant,
        Index::Status,
        Index::Assignee,
        Index::Team,
        Index::Employee,
        Index::Asset,
        Index::Due,
        Index::Start,
    ];

    /// The index's sort key attribute.
    pub fn sort_attribute(self) -> &'static str {
        match self {
            Self::Due => "gsi_due_sk",
            Self::Start => "gsi_start_sk",
            _ => GSI_SK,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Tenant => "by_tenant",
            Self::Status => "by_status",
            Self::Assignee => "by_assignee",
            Self::Team => "by_team",
            Self::Employee => "by_employee",
            Self::Asset => "by_asset",
            Self::Due => "by_due",
            Self::Start => "by_start",
        }
    }

    /// What the index holds besides the keys (the table's and its own): the record as lists
    /// show it, and on the index of the task lists the task's attributes too.
    pub fn projected(self) -> &'static [&'static str] {
        match self {
            Self::Start => &[super::DOC, TASK_STUCK_AT, TASK_STEP],
            _ => &[super::DOC],
        }
    }

    /// The index's partition key attribute.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::Tenant => "gsi_tenant",
            Self::Status => "gsi_status",
            Self::Assignee => "gsi_assignee",
            Self::Team => "gsi_team",
            Self::Employee => "gsi_employee",
            Self::Asset => "gsi_asset",
            Self::Due => "gsi_due",
            Self::Start => "gsi_start",
        }
    }
}

/// One partition of one index: a list to query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub index: Index,
    pub key: String,
}

impl Partition {
    fn new(index: Index, key: String) -> Self {
        Self { index, key }
    }

    fn add_to(self, item: &mut Item) {
        item.insert(self.index.attribute().to_owned(), AttributeValue::S(self.key));
    }

    /// Adds the partition with its own sort key (the job indexes, which sort by date).
    fn add_sorted(self, sort_key: String, item: &mut Item) {
        item.insert(self.index.sort_attribute().to_owned(), AttributeValue::S(sort_key));
        self.add_to(item);
    }
}

/// The pseudo-tenant of system-wide records (the tenant registry, job history). `_` is not
/// allowed in tenant ids, so it can never be a real tenant, and its keys still start with
/// `TENANT#` like every other key.
const SYSTEM: &str = "TENANT#_ALL";

/// The partition that lists every tenant (the jobs' registry).
pub fn tenant_registry() -> Partition {
    Partition::new(Index::Tenant, format!("{SYSTEM}#TENANTS"))
}

/// The active tenants of one time zone, found by the hourly jobs when it is a job's hour there.
/// Sparse: a suspended tenant is in none.
pub fn tenants_in_zone(zone: &Timezone) -> Partition {
    Partition::new(Index::Status, format!("{SYSTEM}#ZONE#{zone}"))
}

/// The item listing every zone with a tenant (a string set under [`ZONES`]).
pub fn tenant_zones_key() -> Item {
    key(format!("{SYSTEM}#ZONES"), "ZONES")
}

pub const ZONES: &str = "zones";

/// The job-run lists, newest first: whole runs (no tenant) or one tenant's parts of them, of
/// every job or of one.
pub fn job_runs(tenant: Option<&TenantId>, job: Option<JobName>) -> Partition {
    let owner = tenant.map_or_else(|| SYSTEM.to_owned(), tenant_pk);
    match job {
        None => Partition::new(Index::Tenant, format!("{owner}#JOB_RUNS")),
        Some(job) => Partition::new(Index::Status, format!("{owner}#JOB_RUNS#{}", job.as_str())),
    }
}

/// Adds the keys of a run's record (no tenant: the whole run, in its job's history) or of a
/// tenant's part of it (a partition of its own), in both of its job-run lists.
pub fn add_job_run_keys(tenant: Option<&TenantId>, record: &JobRecord, item: &mut Item) {
    let key = match tenant {
        None => key(
            format!("{SYSTEM}#JOB#{}", record.job.as_str()),
            &format!("RUN#{}#{}", record.started_at.to_rfc3339(), record.id),
        ),
        Some(tenant) => key(format!("TENANT#{tenant}#JOB_RUN#{}", record.id), "RUN"),
    };
    let lists = [job_runs(tenant, None), job_runs(tenant, Some(record.job))];
    add_keys(item, key, record.id, lists);
}

/// The running totals of one scope: one partition, read with one Query.
pub fn stats_pk(tenant: &TenantId, scope: &crate::domain::stats::StatsScope) -> String {
    format!("TENANT#{tenant}#STATS#{}", scope.key())
}

/// The items of a scope's running totals: its counts by status and completion times, and each
/// template's step times apart, since an update pays for the whole item it changes (an advance
/// adds to one template's step times, not to an item holding every template's). Reading sums
/// every item of the partition, so the four `SHARD#n` items of earlier versions still count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TotalsPart {
    Counts,
    Steps(String),
}

pub fn totals_key(tenant: &TenantId, scope: &crate::domain::stats::StatsScope, part: &TotalsPart) -> Item {
    let sk = match part {
        TotalsPart::Counts => "TOTALS".to_owned(),
        TotalsPart::Steps(template) => format!("STEPS#{template}"),
    };
    key(stats_pk(tenant, scope), &sk)
}

/// A once-only claim, each in a partition of its own (a tenant's would otherwise all share one).
pub fn claim_key(tenant: &TenantId, claim: &Claim) -> Item {
    let pk = match claim {
        Claim::DailyRun { job, date } => format!("TENANT#{tenant}#DAILY_RUN#{}#{date}", job.as_str()),
        Claim::Digest { person, date } => format!("TENANT#{tenant}#DIGEST#{person}#{date}"),
    };
    key(pk, "CLAIM")
}

/// An HRIS delivery's idempotency record, by the digest of its id: a raw id may be up to 8 KiB,
/// past the 2,048 bytes a partition key holds.
pub fn delivery_key(tenant: &TenantId, delivery: &DeliveryId) -> Item {
    key(format!("TENANT#{tenant}#HRIS_DELIVERY#{}", delivery.digest()), "DELIVERY")
}

/// The natural key of an HRIS effect (employee, event type, effective date): held by the one
/// workflow it started.
pub fn effect_key(tenant: &TenantId, natural_key: &str) -> Item {
    key(format!("TENANT#{tenant}#HRIS_EFFECT#{natural_key}"), UNIQUE_SK)
}

/// Where the HRIS sync continues from.
pub fn sync_cursor_key(tenant: &TenantId) -> Item {
    key(tenant_pk(tenant), "HRIS_SYNC")
}

/// A tenant's live connections, one partition per tenant.
pub fn connections_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#CONNECTIONS")
}

pub fn connection_key(tenant: &TenantId, connection_id: &str) -> Item {
    key(connections_pk(tenant), connection_id)
}

/// Which tenant a connection belongs to (`$disconnect` knows only the connection id).
pub fn connection_owner_key(connection_id: &str) -> Item {
    key(format!("{SYSTEM}#CONNECTION#{connection_id}"), "CONNECTION")
}

pub fn is_workflow_item(item: &Item) -> bool {
    item.get(SK).and_then(|sk| sk.as_s().ok()).is_some_and(|sk| sk == WORKFLOW_SK)
}

pub fn tenant_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}")
}

pub fn workflow_pk(tenant: &TenantId, id: Uuid) -> String {
    format!("TENANT#{tenant}#WORKFLOW#{id}")
}

pub fn employee_pk(tenant: &TenantId, id: Uuid) -> String {
    format!("TENANT#{tenant}#EMPLOYEE#{id}")
}

pub fn asset_pk(tenant: &TenantId, id: Uuid) -> String {
    format!("TENANT#{tenant}#ASSET#{id}")
}

pub fn user_pk(tenant: &TenantId, id: Uuid) -> String {
    format!("TENANT#{tenant}#USER#{id}")
}

pub fn user_key(tenant: &TenantId, id: Uuid) -> Item {
    key(user_pk(tenant, id), USER_SK)
}

/// The tenant's users, by id.
pub fn users_partition(tenant: &TenantId) -> Partition {
    Partition::new(Index::Tenant, format!("TENANT#{tenant}#USERS"))
}

pub fn add_user_keys(user: &User, item: &mut Item) {
    add_keys(item, user_key(&user.tenant_id, user.id), user.id, [users_partition(&user.tenant_id)]);
}

/// The claim of an email by a user of some tenant: one item per email across the system, put in
/// the transaction that stores the user, so an email is a user of one tenant at most. It names
/// the holder ([`OWNER`], [`OWNER_TENANT`]).
pub fn user_email_key(email: &Email) -> Item {
    key(format!("{SYSTEM}#USER_EMAIL#{email}"), UNIQUE_SK)
}

/// The attribute of a user's email claim that names the user's tenant.
pub const OWNER_TENANT: &str = "owner_tenant";

/// The audit entry's sort key; its partition is the partition of the item it is about.
fn audit_sk(id: Uuid) -> String {
    format!("{AUDIT_SK_PREFIX}{id}")
}

pub fn is_audit_item(item: &Item) -> bool {
    item.get(SK).and_then(|sk| sk.as_s().ok()).is_some_and(|sk| sk.starts_with(AUDIT_SK_PREFIX))
}

fn key(pk: String, sk: &str) -> Item {
    Item::from([(PK.to_owned(), AttributeValue::S(pk)), (SK.to_owned(), AttributeValue::S(sk.to_owned()))])
}

pub fn tenant_key(tenant: &TenantId) -> Item {
    key(tenant_pk(tenant), TENANT_SK)
}

pub fn workflow_key(tenant: &TenantId, id: Uuid) -> Item {
    key(workflow_pk(tenant, id), WORKFLOW_SK)
}

pub fn employee_key(tenant: &TenantId, id: Uuid) -> Item {
    key(employee_pk(tenant, id), EMPLOYEE_SK)
}

pub fn asset_key(tenant: &TenantId, id: Uuid) -> Item {
    key(asset_pk(tenant, id), ASSET_SK)
}

/// A tenant's own templates share one partition, each under its key (so the list is one Query,
/// by key), beside the step texts of each of their versions (written once, never changed).
pub fn templates_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#TEMPLATES")
}

/// The sort keys of the templates themselves start with this (their texts' do not).
pub const TEMPLATE_SK_PREFIX: &str = "TEMPLATE#";

pub fn template_key(tenant: &TenantId, template: &str) -> Item {
    key(templates_pk(tenant), &format!("{TEMPLATE_SK_PREFIX}{template}"))
}

pub fn template_texts_key(tenant: &TenantId, template: &str, version: u64) -> Item {
    key(templates_pk(tenant), &format!("TEXTS#{template}#{version}"))
}

/// The partition of a template's audit entries.
pub fn template_pk(tenant: &TenantId, template: &str) -> String {
    format!("TENANT#{tenant}#TEMPLATE#{template}")
}

/// A value that must be unique in a tenant, kept as an item of its own so that a conditional
/// put in the same transaction as the record enforces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UniqueValue {
    EmployeeEmail(Email),
    EmployeeHrisId(String),
    AssetTag(String),
}

impl UniqueValue {
    /// The field a violation is reported on.
    pub fn field(&self) -> &'static str {
        match self {
            Self::EmployeeEmail(_) => "email",
            Self::EmployeeHrisId(_) => "hris_id",
            Self::AssetTag(_) => "asset_tag",
        }
    }

    pub fn key(&self, tenant: &TenantId) -> Item {
        let pk = match self {
            Self::EmployeeEmail(email) => format!("TENANT#{tenant}#EMPLOYEE_EMAIL#{email}"),
            Self::EmployeeHrisId(id) => format!("TENANT#{tenant}#EMPLOYEE_HRIS#{id}"),
            Self::AssetTag(tag) => format!("TENANT#{tenant}#ASSET_TAG#{}", Asset::tag_key(tag)),
        };
        key(pk, UNIQUE_SK)
    }

    pub fn of_employee(employee: &Employee) -> Vec<UniqueValue> {
        let mut values = vec![Self::EmployeeEmail(employee.email.clone())];
        values.extend(employee.hris_id.clone().map(Self::EmployeeHrisId));
        values
    }

    pub fn of_asset(asset: &Asset) -> Vec<UniqueValue> {
        vec![Self::AssetTag(asset.asset_tag.clone())]
    }
}

/// The attribute of a uniqueness item that names the record holding the value
/// (`UniqueOwner::owner_id` reads it).
pub const OWNER: &str = "owner_id";

/// The workflow lists: the whole tenant, or one status, assignee, team, employee or asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowList {
    Tenant,
    Status(WorkflowStatus),
    Assignee(Email),
    Team(Team),
    Employee(Uuid),
    Asset(Uuid),
}

impl WorkflowList {
    pub fn partition(&self, tenant: &TenantId) -> Partition {
        match self {
            Self::Tenant => Partition::new(Index::Tenant, format!("TENANT#{tenant}#WORKFLOWS")),
            Self::Status(status) => {
                Partition::new(Index::Status, format!("TENANT#{tenant}#WF_STATUS#{}", status.as_str()))
            }
            Self::Assignee(email) => Partition::new(Index::Assignee, format!("TENANT#{tenant}#WF_ASSIGNEE#{email}")),
            Self::Team(team) => Partition::new(Index::Team, format!("TENANT#{tenant}#WF_TEAM#{team}")),
            Self::Employee(id) => Partition::new(Index::Employee, format!("TENANT#{tenant}#WF_EMPLOYEE#{id}")),
            Self::Asset(id) => Partition::new(Index::Asset, format!("TENANT#{tenant}#WF_ASSET#{id}")),
        }
    }

    /// The lists `workflow` is in (sparse: an unassigned workflow is in no assignee list).
    fn of(workflow: &Workflow) -> Vec<WorkflowList> {
        let mut lists = vec![Self::Tenant, Self::Status(workflow.status)];
        lists.extend(workflow.assigned_to.clone().map(Self::Assignee));
        lists.extend(workflow.team.clone().map(Self::Team));
        lists.extend(workflow.employee_id.map(Self::Employee));
        lists.extend(workflow.asset_id.map(Self::Asset));
        lists
    }
}

/// The employee lists: the whole tenant, one status, or one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeList {
    Tenant,
    Status(EmployeeStatus),
    Team(Team),
}

impl EmployeeList {
    pub fn partition(&self, tenant: &TenantId) -> Partition {
        match self {
            Self::Tenant => Partition::new(Index::Tenant, format!("TENANT#{tenant}#EMPLOYEES")),
            Self::Status(status) => {
                Partition::new(Index::Status, format!("TENANT#{tenant}#EMP_STATUS#{}", status.as_str()))
            }
            Self::Team(team) => Partition::new(Index::Team, format!("TENANT#{tenant}#EMP_TEAM#{team}")),
        }
    }

    fn of(employee: &Employee) -> Vec<EmployeeList> {
        let mut lists = vec![Self::Tenant, Self::Status(employee.status)];
        lists.extend(employee.team.clone().map(Self::Team));
        lists
    }
}

/// The asset lists: the whole tenant, one status, or the assets of one employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetList {
    Tenant,
    Status(AssetStatus),
    Employee(Uuid),
}

impl AssetList {
    pub fn partition(&self, tenant: &TenantId) -> Partition {
        match self {
            Self::Tenant => Partition::new(Index::Tenant, format!("TENANT#{tenant}#ASSETS")),
            Self::Status(status) => {
                Partition::new(Index::Status, format!("TENANT#{tenant}#ASSET_STATUS#{}", status.as_str()))
            }
            Self::Employee(id) => Partition::new(Index::Employee, format!("TENANT#{tenant}#ASSET_EMPLOYEE#{id}")),
        }
    }

    fn of(asset: &Asset) -> Vec<AssetList> {
        let mut lists = vec![Self::Tenant, Self::Status(asset.status)];
        lists.extend(asset.assigned_employee_id.map(Self::Employee));
        lists
    }
}

fn add_keys(item: &mut Item, key: Item, id: Uuid, partitions: impl IntoIterator<Item = Partition>) {
    item.extend(key);
    item.insert(GSI_SK.to_owned(), AttributeValue::S(id.to_string()));
    for partition in partitions {
        partition.add_to(item);
    }
}

/// The job lists: open workflows by attention date (`Workflow::attention_date`), completed ones
/// by completion date, pending ones by scheduled start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobList {
    OpenByAttention,
    CompletedByDate,
    PendingByStart,
}

impl JobList {
    pub fn partition(self, tenant: &TenantId) -> Partition {
        match self {
            Self::OpenByAttention => Partition::new(Index::Due, format!("TENANT#{tenant}#OPEN")),
            Self::CompletedByDate => Partition::new(Index::Due, format!("TENANT#{tenant}#DONE")),
            Self::PendingByStart => Partition::new(Index::Start, format!("TENANT#{tenant}#PENDING")),
        }
    }

    /// The sort keys of `workflow` in the job lists it is in (sparse: a cancelled or archived
    /// workflow is in none).
    fn of(workflow: &Workflow) -> Vec<(JobList, String)> {
        let id = workflow.id;
        let mut lists = Vec::new();
        if let Some(attention) = workflow.attention_date() {
            lists.push((Self::OpenByAttention, format!("{attention}#{id}")));
        }
        if let (WorkflowStatus::Completed, None, Some(completed)) =
            (workflow.status, workflow.archived_at, workflow.completed_at)
        {
            lists.push((Self::CompletedByDate, format!("{}#{id}", completed.date_naive())));
        }
        if let (WorkflowStatus::Pending, Some(start)) = (workflow.status, workflow.scheduled_start) {
            lists.push((Self::PendingByStart, format!("{start}#{id}")));
        }
        lists
    }
}

/// The task list of one person: the active steps assigned to them. It shares `by_start` with
/// the pending workflows (a task is in progress, never pending), so it costs no index of its
/// own and no extra index copy per write.
pub fn task_partition(tenant: &TenantId, assignee: &Email) -> Partition {
    Partition::new(Index::Start, format!("TENANT#{tenant}#TASKS#{assignee}"))
}

/// A task's sort key: the step's due date, then the workflow's id; both sort as text.
pub fn task_sort_key(position: &TaskPosition) -> String {
    format!("{}#{}", position.due, position.id)
}

/// When the active step counts as stuck: a plain attribute for the overdue filter of the task
/// list (which compares it, and `task_step.due_date`, with the run's instant and date).
pub const TASK_STUCK_AT: &str = "task_stuck_at";
/// The active step itself, for the task list: the index holds the list form and this, not the
/// workflow's steps.
pub const TASK_STEP: &str = "task_step";

/// Adds the table and index keys of `workflow` to its attributes.
pub fn add_workflow_keys(workflow: &Workflow, item: &mut Item) {
    let tenant = &workflow.tenant_id;
    let lists = WorkflowList::of(workflow).into_iter().map(|list| list.partition(tenant));
    add_keys(item, workflow_key(tenant, workflow.id), workflow.id, lists);
    for (list, sort_key) in JobList::of(workflow) {
        list.partition(tenant).add_sorted(sort_key, item);
    }
    if let Some((assignee, position)) = workflow.task() {
        task_partition(tenant, assignee).add_sorted(task_sort_key(&position), item);
        let step = workflow.active_step().expect("a task is an active step");
        // A step always serializes (plain data); the task list reads it back with the workflow.
        // What an active step cannot have yet (a completion, a decision: unset, `false`) is left
        // out, and so are its empty notes: the index pays for every byte (`task_step` restores them).
        if let Ok(AttributeValue::M(mut fields)) = serde_dynamo::to_attribute_value(step) {
            fields.retain(|_, value| !is_unset(value));
            item.insert(TASK_STEP.to_owned(), AttributeValue::M(fields));
        }
        if let Some(stuck_at) = step.stuck_at() {
            item.insert(TASK_STUCK_AT.to_owned(), AttributeValue::S(timestamp(stuck_at)));
        }
    }
}

/// A value a stored step leaves out: unset, `false` or an empty list.
fn is_unset(value: &AttributeValue) -> bool {
    match value {
        AttributeValue::Null(_) => true,
        AttributeValue::Bool(flag) => !flag,
        AttributeValue::L(list) => list.is_empty(),
        _ => false,
    }
}

/// The active step of a task-list entry, with what `add_workflow_keys` left out put back (an
/// active step is not completed; the rest reads back as unset or empty).
pub fn task_step(item: &mut Item) -> Option<AttributeValue> {
    let Some(AttributeValue::M(mut fields)) = item.remove(TASK_STEP) else { return None };
    fields.entry("completed".to_owned()).or_insert(AttributeValue::Bool(false));
    Some(AttributeValue::M(fields))
}

/// An instant as text that sorts in time order (fixed width, UTC).
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn add_employee_keys(employee: &Employee, item: &mut Item) {
    let tenant = &employee.tenant_id;
    let lists = EmployeeList::of(employee).into_iter().map(|list| list.partition(tenant));
    add_keys(item, employee_key(tenant, employee.id), employee.id, lists);
}

pub fn add_asset_keys(asset: &Asset, item: &mut Item) {
    let tenant = &asset.tenant_id;
    let lists = AssetList::of(asset).into_iter().map(|list| list.partition(tenant));
    add_keys(item, asset_key(tenant, asset.id), asset.id, lists);
}

pub fn add_tenant_keys(tenant: &Tenant, item: &mut Item) {
    item.extend(tenant_key(&tenant.id));
    item.insert(GSI_SK.to_owned(), AttributeValue::S(tenant.id.to_string()));
    tenant_registry().add_to(item);
    if tenant.is_active() {
        tenants_in_zone(&tenant.timezone).add_to(item);
    }
}

/// The audit lists kept in indexes: the whole tenant, one target type, one actor. Each filter
/// combination of `GET /api/v1/audit` reads one of them or a target's own partition (see
/// `audit_target_partitions`), filtered by the rest (an actor's entries about one target type:
/// the actor's list, filtered by type). Every index an entry is in costs a write unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditList {
    Tenant,
    TargetType(TargetType),
    Actor(String),
}

impl AuditList {
    pub fn partition(&self, tenant: &TenantId) -> Partition {
        match self {
            Self::Tenant => Partition::new(Index::Tenant, format!("TENANT#{tenant}#AUDIT")),
            Self::TargetType(kind) => {
                Partition::new(Index::Status, format!("TENANT#{tenant}#AUDIT_TYPE#{}", kind.as_str()))
            }
            Self::Actor(actor) => Partition::new(Index::Assignee, format!("TENANT#{tenant}#AUDIT_ACTOR#{actor}")),
        }
    }

    fn of(entry: &AuditEntry) -> [AuditList; 3] {
        [Self::Tenant, Self::TargetType(entry.target_type), Self::Actor(entry.actor.clone())]
    }
}

/// Adds the audit entry's keys: it lives in the partition of `target_pk` (its target's own, so
/// a workflow's history is one Query), and is in every audit list of its tenant that it belongs
/// to, sorted by its id (which carries its time).
pub fn add_audit_keys(target_pk: String, entry: &AuditEntry, item: &mut Item) {
    let lists = AuditList::of(entry).into_iter().map(|list| list.partition(&entry.tenant_id));
    add_keys(item, key(target_pk, &audit_sk(entry.id)), entry.id, lists);
}

/// The partitions that may hold the audit entries of the target `id` in `tenant`: the one of
/// its type when the type is given, else one per type whose ids look like `id` (a UUID names a
/// workflow, employee, asset or user; anything else the tenant itself or a template). An id no
/// target of this tenant can have names none.
pub fn audit_target_partitions(tenant: &TenantId, id: &str, kind: Option<TargetType>) -> Vec<ListSource> {
    let kinds = match kind {
        Some(kind) => vec![kind],
        None => TargetType::ALL.to_vec(),
    };
    let uuid = id.parse::<Uuid>().ok();
    kinds
        .into_iter()
        .filter_map(|kind| match kind {
            TargetType::Workflow => uuid.map(|id| workflow_pk(tenant, id)),
            TargetType::Employee => uuid.map(|id| employee_pk(tenant, id)),
            TargetType::Asset => uuid.map(|id| asset_pk(tenant, id)),
            TargetType::User => uuid.map(|id| user_pk(tenant, id)),
            TargetType::Tenant => (id == tenant.as_str()).then(|| tenant_pk(tenant)),
            TargetType::Template => check_key(id).is_ok().then(|| template_pk(tenant, id)),
        })
        .map(|pk| ListSource::Table { pk, prefix: AUDIT_SK_PREFIX })
        .collect()
}

/// Where a list is read: a partition of an index, whose sort key is the item's id, or a
/// partition of the table, whose list items have sort keys `<prefix><id>` beside other items
/// (a target's audit entries, beside the target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListSource {
    Index(Partition),
    Table { pk: String, prefix: &'static str },
}

impl ListSource {
    pub fn index_name(&self) -> Option<&'static str> {
        match self {
            Self::Index(partition) => Some(partition.index.name()),
            Self::Table { .. } => None,
        }
    }

    pub fn key_attribute(&self) -> &'static str {
        match self {
            Self::Index(partition) => partition.index.attribute(),
            Self::Table { .. } => PK,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Self::Index(partition) => &partition.key,
            Self::Table { pk, .. } => pk,
        }
    }

    pub fn sort_attribute(&self) -> &'static str {
        match self {
            Self::Index(_) => GSI_SK,
            Self::Table { .. } => SK,
        }
    }

    /// The prefix the list's sort keys share, when other items share the partition.
    pub fn prefix(&self) -> Option<&'static str> {
        match self {
            Self::Index(_) => None,
            Self::Table { prefix, .. } => Some(prefix),
        }
    }

    /// The sort key of the item `id`.
    pub fn sort_value(&self, id: &str) -> String {
        format!("{}{id}", self.prefix().unwrap_or_default())
    }

    /// The id in a sort key of the list.
    pub fn id_in<'a>(&self, sort_value: &'a str) -> Option<&'a str> {
        sort_value.strip_prefix(self.prefix().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_starts_with_the_tenant() {
        let tenant = TenantId::parse("acme").unwrap();
        let id = Uuid::now_v7();
        let email = Email::parse("it@acme.test").unwrap();
        let team = Team::parse("it").unwrap();
        let mut keys = vec![
            tenant_pk(&tenant),
            workflow_pk(&tenant, id),
            employee_pk(&tenant, id),
            asset_pk(&tenant, id),
            templates_pk(&tenant),
            template_pk(&tenant, "refresh"),
            user_pk(&tenant, id),
        ];
        let lists = [
            WorkflowList::Tenant.partition(&tenant),
            WorkflowList::Status(WorkflowStatus::Pending).partition(&tenant),
            WorkflowList::Assignee(email.clone()).partition(&tenant),
            WorkflowList::Team(team.clone()).partition(&tenant),
            WorkflowList::Employee(id).partition(&tenant),
            WorkflowList::Asset(id).partition(&tenant),
            EmployeeList::Tenant.partition(&tenant),
            EmployeeList::Status(EmployeeStatus::Active).partition(&tenant),
            EmployeeList::Team(team).partition(&tenant),
            AssetList::Tenant.partition(&tenant),
            AssetList::Status(AssetStatus::InStock).partition(&tenant),
            AssetList::Employee(id).partition(&tenant),
            users_partition(&tenant),
        ];
        keys.extend(lists.into_iter().map(|partition| partition.key));
        for unique in [
            UniqueValue::EmployeeEmail(email),
            UniqueValue::EmployeeHrisId("42".into()),
            UniqueValue::AssetTag("lt-1".into()),
        ] {
            keys.push(unique.key(&tenant)[PK].as_s().unwrap().clone());
        }
        for key in keys {
            assert!(key.starts_with("TENANT#acme#") || key == "TENANT#acme", "{key}");
        }
    }

    #[test]
    fn user_emails_are_claimed_once_across_tenants_whatever_their_case() {
        let claim = user_email_key(&Email::parse("Ann@Acme.example").unwrap());
        assert_eq!(claim, user_email_key(&Email::parse("ann@acme.EXAMPLE").unwrap()));
        assert!(claim[PK].as_s().unwrap().starts_with("TENANT#_ALL#"), "a system key, still under TENANT#");
    }

    #[test]
    fn asset_tags_are_unique_case_insensitively() {
        let tenant = TenantId::parse("acme").unwrap();
        assert_eq!(
            UniqueValue::AssetTag("lt-0042".into()).key(&tenant),
            UniqueValue::AssetTag(" LT-0042".into()).key(&tenant)
        );
    }

    #[test]
    fn ids_sort_by_creation_time_as_text() {
        let ids: Vec<String> = (0..100).map(|_| Uuid::now_v7().to_string()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
}
