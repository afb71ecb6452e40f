//! The DynamoDB store: one table, tenant-partitioned keys (see `keys`), every mutation one
//! `TransactWriteItems` carrying the change, its conditions (version, uniqueness, links) and its
//! audit entry.

pub mod keys;
mod packed;
mod query;
pub mod table;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, PutRequest, TransactWriteItem, WriteRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::domain::audit::AuditEntry;
use crate::domain::directory::{Asset, Employee};
use crate::domain::hris::DeliveryId;
use crate::domain::jobs::{Claim, JobName, JobRecord, JobRun, RunsOf};
use crate::domain::realtime::Connection;
use crate::domain::stats::{self, Delta, StatsScope, Totals};
use crate::domain::template::{StepTexts, Template};
use crate::domain::tenant::{Tenant, Timezone};
use crate::domain::user::User;
use crate::domain::validation::{Email, TenantId};
use crate::domain::workflow::Workflow;
use crate::ports::{
    AssetChange, AssetFilter, AuditQuery, AuditStore, ConnectionStore, DELIVERY_STALE_SECONDS, DeliveryClaim,
    DirectoryQuery, DirectoryStore, EmployeeFilter, EmployeeKey, Form, HrisStore, JobStore, LinkedSummary, Page,
    StatsStore, StoreError, TaskPage, TaskQuery, TemplateStore, TenantStore, UserStore, WorkflowPage, WorkflowQuery,
    WorkflowStore,
};

use chrono::NaiveDate;
use keys::{JobList, OWNER, Partition, UniqueValue, WorkflowList};

pub type Item = HashMap<String, AttributeValue>;

/// A uniqueness item: which record holds the value.
#[derive(serde::Deserialize)]
struct UniqueOwner {
    owner_id: Uuid,
}

/// A user's email claim: which user of which tenant holds the email.
#[derive(serde::Deserialize)]
struct EmailHolder {
    owner_id: Uuid,
    owner_tenant: TenantId,
}

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

/// The guard of a write replacing `version` (none: a creation), and what its failure means.
fn guard_of(version: Option<u64>) -> (Guard, StoreError) {
    match version {
        Some(version) => (Guard::Version(version), StoreError::Conflict),
        None => (Guard::New, StoreError::AlreadyExists),
    }
}

/// How a conditional put is guarded.
enum Guard {
    /// The key must be free.
    New,
    /// The stored item must have this version.
    Version(u64),
}

/// The items of one `TransactWriteItems`, each with the error its failed condition means.
struct Transaction<'a> {
    table: &'a str,
    items: Vec<TransactWriteItem>,
    failures: Vec<StoreError>,
}

impl<'a> Transaction<'a> {
    fn new(table: &'a str) -> Self {
        Self { table, items: Vec::new(), failures: Vec::new() }
    }

    fn push(&mut self, item: TransactWriteItem, on_failure: StoreError) {
        self.items.push(item);
        self.failures.push(on_failure);
    }

    fn put(&mut self, item: Item, guard: Guard, on_failure: StoreError) -> Result<(), StoreError> {
        let put = Put::builder().table_name(self.table).set_item(Some(item));
        let put = match guard {
            Guard::New => put.condition_expression("attribute_not_exists(pk)"),
            Guard::Version(version) => put
                .condition_expression("#doc.#version = :expected_version")
                .expression_attribute_names("#doc", DOC)
                .expression_attribute_names("#version", "version")
                .expression_attribute_values(":expected_version", AttributeValue::N(version.to_string())),
        };
        self.push(TransactWriteItem::builder().put(put.build().map_err(built)?).build(), on_failure);
        Ok(())
    }

    fn audit(&mut self, target_pk: String, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = to_item(audit)?;
        keys::add_audit_keys(target_pk, audit, &mut item);
        self.put(item, Guard::New, StoreError::Conflict)
    }

    /// The item at `key` must exist.
    fn require(&mut self, key: Item, on_failure: StoreError) -> Result<(), StoreError> {
        let check = ConditionCheck::builder()
            .table_name(self.table)
            .set_key(Some(key))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(built)?;
        self.push(TransactWriteItem::builder().condition_check(check).build(), on_failure);
        Ok(())
    }

    fn claim(&mut self, tenant: &TenantId, value: &UniqueValue, owner: Uuid) -> Result<(), StoreError> {
        let mut item = value.key(tenant);
        item.insert(OWNER.to_owned(), AttributeValue::S(owner.to_string()));
        self.put(item, Guard::New, StoreError::Taken(value.field()))
    }

    fn release(&mut self, tenant: &TenantId, value: &UniqueValue, owner: Uuid) -> Result<(), StoreError> {
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(value.key(tenant)))
            .condition_expression("#owner = :owner")
            .expression_attribute_names("#owner", OWNER)
            .expression_attribute_values(":owner", AttributeValue::S(owner.to_string()))
            .build()
            .map_err(built)?;
        self.push(TransactWriteItem::builder().delete(delete).build(), StoreError::Conflict);
        Ok(())
    }

    /// Moves the unique values of a record from `before` to `after`.
    fn move_unique(
        &mut self,
        tenant: &TenantId,
        owner: Uuid,
        before: Vec<UniqueValue>,
        after: Vec<UniqueValue>,
    ) -> Result<(), StoreError> {
        for released in before.iter().filter(|value| !after.contains(value)) {
            self.release(tenant, released, owner)?;
        }
        for claimed in after.iter().filter(|value| !before.contains(value)) {
            self.claim(tenant, claimed, owner)?;
        }
        Ok(())
    }

    /// Commits; a transaction that only collided with another one (no condition failed) is
    /// tried again, since its conditions are evaluated afresh.
    async fn commit(self, client: &Client) -> Result<(), StoreError> {
        let Transaction { items, failures, .. } = self;
        let mut attempt = 0;
        loop {
            let sent = client.transact_write_items().set_transact_items(Some(items.clone())).send().await;
            match sent {
                Ok(_) => return Ok(()),
                Err(error) => match transaction_error(error, &failures) {
                    Collision if attempt < COLLISION_RETRIES => {
                        attempt += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(attempt))).await;
                    }
                    Collision => return Err(StoreError::Conflict),
                    Failed(error) => return Err(error),
                },
            }
        }
    }
}

/// How often a transaction that only collided with another is tried again.
const COLLISION_RETRIES: u32 = 3;

enum Outcome {
    /// Another transaction touched an item at the same time; no condition failed.
    Collision,
    Failed(StoreError),
}

use Outcome::{Collision, Failed};

/// The meaning of a failed transaction: the error of the first item whose condition failed, a
/// collision when another transaction got in the way.
fn transaction_error(error: SdkError<TransactWriteItemsError>, failures: &[StoreError]) -> Outcome {
    if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = error.as_service_error() {
        let reasons = cancelled.cancellation_reasons();
        let failed = reasons.iter().position(|reason| reason.code() == Some("ConditionalCheckFailed"));
        if let Some(meaning) = failed.and_then(|position| failures.get(position)) {
            return Failed(meaning.clone());
        }
        if reasons.iter().any(|reason| reason.code() == Some("TransactionConflict")) {
            return Collision;
        }
    }
    Failed(unavailable(error))
}

fn built(error: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// What a failed request means: the store did not answer in time or asked to slow down, even after
/// the SDK's bounded retries (`Busy`, a 503), or a real fault.
pub(crate) fn unavailable<E>(error: SdkError<E, HttpResponse>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let busy = match &error {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_timeout() || failure.is_io(),
        SdkError::ResponseError(_) => true,
        SdkError::ServiceError(service) => {
            service.raw().status().as_u16() >= 500 || service.err().code().is_some_and(is_throttling)
        }
        _ => false,
    };
    let message = DisplayErrorContext(&error).to_string();
    if busy { StoreError::Busy(message) } else { StoreError::Unavailable(message) }
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException"
            | "ProvisionedThroughputExceededException"
            | "RequestLimitExceeded"
            | "LimitExceededException"
    )
}

/// The attribute that holds a record's fields, as lists show them. The indexes project it (and
/// the task attributes) and nothing else, so an index copy costs what a list returns, not the
/// whole item (contract: lean items). Conditions and filters name its fields as `doc.<field>`.
pub const DOC: &str = "doc";
/// The fields kept beside `doc` on the table item alone: a workflow's steps, which only its
/// detail (`GET .../{id}`) and the jobs read, from the table (stored packed: see `packed`).
const STEPS: &str = "steps";

/// The item of `value`: its fields in `doc` (without nulls: an absent attribute is how
/// DynamoDB says "none"), its detail fields beside it. Callers add the keys.
pub(crate) fn to_item<T: Serialize>(value: &T) -> Result<Item, StoreError> {
    let mut fields: Item = serde_dynamo::to_item(value).map_err(|error| StoreError::Unavailable(error.to_string()))?;
    fields.retain(|_, value| !matches!(value, AttributeValue::Null(_)));
    let mut item: Item = fields.remove_entry(STEPS).into_iter().collect();
    item.insert(DOC.to_owned(), AttributeValue::M(fields));
    Ok(item)
}

/// A workflow as its table item: its attributes with its table and index keys.
pub fn workflow_item(workflow: &Workflow) -> Result<Item, StoreError> {
    let mut item = to_item(workflow)?;
    if let Some(AttributeValue::M(doc)) = item.get_mut(DOC) {
        leave_out_defaults(workflow, doc);
    }
    item.insert(STEPS.to_owned(), packed::pack(&workflow.steps)?);
    keys::add_workflow_keys(workflow, &mut item);
    Ok(item)
}

/// Leaves out of a workflow's `doc` what reading it restores (`restore_defaults`): the
/// description of the built-in template it was made from (built-ins keep their texts in the
/// binary, as they keep their steps'; a workflow whose description was cleared keeps an
/// explicit null) and an empty `metadata`. The list form is in every index entry, each paid for
/// by the KB on every write.
fn leave_out_defaults(workflow: &Workflow, doc: &mut Item) {
    if let Some(builtin) = workflow.template_key.as_deref().and_then(Template::builtin) {
        match &workflow.description {
            Some(description) if builtin.description.as_ref() == Some(description) => {
                doc.remove(DESCRIPTION);
            }
            None => {
                doc.insert(DESCRIPTION.to_owned(), AttributeValue::Null(true));
            }
            Some(_) => {}
        }
    }
    if workflow.metadata.is_empty() {
        doc.remove(METADATA);
    }
}

/// Puts back what `leave_out_defaults` left out of a workflow item (`fields`: its `doc` merged in).
fn restore_defaults(fields: &mut Item) {
    if !fields.contains_key(DESCRIPTION)
        && let Some(builtin) =
            fields.get("template_key").and_then(|key| key.as_s().ok()).and_then(|key| Template::builtin(key))
        && let Some(description) = &builtin.description
    {
        fields.insert(DESCRIPTION.to_owned(), AttributeValue::S(description.clone()));
    }
    fields.entry(METADATA.to_owned()).or_insert_with(|| AttributeValue::M(Item::new()));
}

const DESCRIPTION: &str = "description";
const METADATA: &str = "metadata";

/// A tenant as its table item: its attributes with its table and index keys.
pub fn tenant_item(tenant: &Tenant) -> Result<Item, StoreError> {
    let mut item = to_item(tenant)?;
    keys::add_tenant_keys(tenant, &mut item);
    Ok(item)
}

/// The record of an item written by `to_item` (from the table, or its list form from an index),
/// or of an item without `doc` (the bookkeeping items the store writes attribute by attribute).
pub fn from_item<T: DeserializeOwned>(mut item: Item) -> Result<T, StoreError> {
    if let Some(AttributeValue::M(fields)) = item.remove(DOC) {
        item.extend(fields);
    }
    if keys::is_workflow_item(&item) {
        restore_defaults(&mut item);
    }
    if let Some(AttributeValue::B(steps)) = item.get(STEPS) {
        let steps = packed::unpack(steps)?;
        item.insert(STEPS.to_owned(), steps);
    }
    serde_dynamo::from_item(item).map_err(|error| StoreError::Unavailable(format!("unreadable item: {error}")))
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// The store of a deployed function: the SDK's standard configuration (region, credentials,
    /// `AWS_ENDPOINT_URL`) and the table named by `TABLE_NAME`.
    pub async fn from_env() -> Result<Self, crate::config::ConfigError> {
        let sdk_config = crate::adapters::aws_sdk::load_config().await?;
        Self::from_sdk_config(&sdk_config)
    }

    /// The store on the table named by `TABLE_NAME`, with a client of an SDK configuration the
    /// caller shares with its other clients.
    pub fn from_sdk_config(sdk_config: &aws_config::SdkConfig) -> Result<Self, crate::config::ConfigError> {
        Ok(Self::new(Client::new(sdk_config), crate::config::ApiConfig::table_name()?))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn transaction(&self) -> Transaction<'_> {
        Transaction::new(&self.table)
    }

    async fn get<T: DeserializeOwned>(&self, key: Item) -> Result<Option<T>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        output.item.map(from_item).transpose()
    }

    /// Adds the asset's new state, conditioned on its version, and its audit entry.
    fn put_asset(&self, transaction: &mut Transaction<'_>, change: &AssetChange<'_>) -> Result<(), StoreError> {
        let asset = change.asset;
        let mut item = to_item(asset)?;
        keys::add_asset_keys(asset, &mut item);
        transaction.put(item, Guard::Version(change.expected_version), StoreError::Conflict)?;
        transaction.audit(keys::asset_pk(&asset.tenant_id, asset.id), change.audit)
    }

    /// Adds what a stored change of a workflow (from `before`; none: its creation) changes in
    /// the running totals of each scope it is in. This runs after the change's transaction and
    /// outside it: plain `ADD` updates are atomic on their own, never collide, and cost half of
    /// what they would inside it (one write unit each instead of two; a write of a workflow pays
    /// for one to three of them). The price: should they fail once the change is stored (every
    /// retry of the SDK spent), the change stands and the dashboard misses it; that is logged as
    /// an error with the workflow and counted (`TotalsMissed`, alarmed), never answered as a
    /// failure of a change that happened.
    async fn add_totals(&self, before: Option<&Workflow>, after: &Workflow) {
        let updates = stats::deltas(before, after).into_iter().flat_map(|(scope, delta)| {
            totals_updates(&delta).into_iter().map(move |(part, additions)| (scope.clone(), part, additions))
        });
        let sent = updates.map(|(scope, part, additions)| async move {
            let key = keys::totals_key(&after.tenant_id, &scope, &part);
            let mut update = self.client.update_item().table_name(&self.table).set_key(Some(key));
            let mut clauses = Vec::new();
            for (position, (attribute, amount)) in additions.into_iter().enumerate() {
                clauses.push(format!("#a{position} :a{position}"));
                update = update
                    .expression_attribute_names(format!("#a{position}"), attribute)
                    .expression_attribute_values(format!(":a{position}"), AttributeValue::N(amount));
            }
            update.update_expression(format!("ADD {}", clauses.join(", "))).send().await.map_err(unavailable)
        });
        for failure in futures_util::future::join_all(sent).await.into_iter().filter_map(Result::err) {
            tracing::error!(
                tenant_id = %after.tenant_id,
                workflow_id = %after.id,
                error = %failure,
                "running totals not updated: the dashboard misses this change"
            );
            crate::telemetry::metric("TotalsMissed", 1.0, &[]);
        }
    }

    /// The transaction that creates a workflow: the item, its audit entry, and checks that its
    /// employee and asset exist.
    fn workflow_insertion(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<Transaction<'_>, StoreError> {
        let tenant = &workflow.tenant_id;
        let mut transaction = self.transaction();
        transaction.put(workflow_item(workflow)?, Guard::New, StoreError::AlreadyExists)?;
        transaction.audit(keys::workflow_pk(tenant, workflow.id), audit)?;
        if let Some(employee) = workflow.employee_id {
            transaction.require(keys::employee_key(tenant, employee), StoreError::MissingLink("employee_id"))?;
        }
        if let Some(asset) = workflow.asset_id {
            transaction.require(keys::asset_key(tenant, asset), StoreError::MissingLink("asset_id"))?;
        }
        Ok(transaction)
    }

    /// Creates (`previous` none) or replaces an employee with its audit entry, moving its unique
    /// values (email, HRIS id) in the same transaction.
    async fn write_employee(
        &self,
        employee: &Employee,
        previous: Option<&Employee>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let tenant = &employee.tenant_id;
        let mut item = to_item(employee)?;
        keys::add_employee_keys(employee, &mut item);
        let mut transaction = self.transaction();
        let (guard, lost) = guard_of(previous.map(|previous| previous.version));
        transaction.put(item, guard, lost)?;
        transaction.audit(keys::employee_pk(tenant, employee.id), audit)?;
        let before = previous.map(UniqueValue::of_employee).unwrap_or_default();
        transaction.move_unique(tenant, employee.id, before, UniqueValue::of_employee(employee))?;
        transaction.commit(&self.client).await
    }

    /// Creates or replaces an asset with its audit entry, moving its tag and checking a newly
    /// assigned employee in the same transaction.
    async fn write_asset(&self, asset: &Asset, previous: Option<&Asset>, audit: &AuditEntry) -> Result<(), StoreError> {
        let tenant = &asset.tenant_id;
        let mut transaction = self.transaction();
        match previous {
            Some(previous) => {
                self.put_asset(&mut transaction, &AssetChange { asset, expected_version: previous.version, audit })?
            }
            None => {
                let mut item = to_item(asset)?;
                keys::add_asset_keys(asset, &mut item);
                transaction.put(item, Guard::New, StoreError::AlreadyExists)?;
                transaction.audit(keys::asset_pk(tenant, asset.id), audit)?;
            }
        }
        let before = previous.map(UniqueValue::of_asset).unwrap_or_default();
        transaction.move_unique(tenant, asset.id, before, UniqueValue::of_asset(asset))?;
        let was_assigned = |id: Uuid| previous.is_some_and(|previous| previous.assigned_employee_id == Some(id));
        if let Some(employee) = asset.assigned_employee_id.filter(|id| !was_assigned(*id)) {
            transaction
                .require(keys::employee_key(tenant, employee), StoreError::MissingLink("assigned_employee_id"))?;
        }
        transaction.commit(&self.client).await
    }

    /// Adds an active tenant's zone to the zones the hourly jobs look at. Done before the tenant
    /// is written, so no run misses a tenant; a zone whose last tenant left stays listed and
    /// costs one empty query at its hours (there are a few hundred zones at most).
    async fn register_zone(&self, tenant: &Tenant) -> Result<(), StoreError> {
        if !tenant.is_active() {
            return Ok(());
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::tenant_zones_key()))
            .update_expression("ADD #zones :zone")
            .expression_attribute_names("#zones", keys::ZONES)
            .expression_attribute_values(":zone", AttributeValue::Ss(vec![tenant.timezone.name().to_owned()]))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    /// Sets one field of an existing record without changing its version.
    async fn set_field(&self, key: Item, field: &str, value: AttributeValue) -> Result<(), StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression("SET #doc.#field = :value")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#doc", DOC)
            .expression_attribute_names("#field", field)
            .expression_attribute_values(":value", value)
            .send()
            .await;
        match updated {
            Ok(_) => Ok(()),
            // The workflow went away in between: nothing to refresh.
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }
}

#[async_trait]
impl TenantStore for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant, audit: &AuditEntry) -> Result<(), StoreError> {
        self.register_zone(tenant).await?;
        let mut transaction = self.transaction();
        transaction.put(tenant_item(tenant)?, Guard::New, StoreError::AlreadyExists)?;
        transaction.audit(keys::tenant_pk(&tenant.id), audit)?;
        transaction.commit(&self.client).await
    }

    async fn get_tenant(&self, id: &TenantId) -> Result<Option<Tenant>, StoreError> {
        self.get(keys::tenant_key(id)).await
    }

    async fn update_tenant(
        &self,
        tenant: &Tenant,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.register_zone(tenant).await?;
        let mut transaction = self.transaction();
        transaction.put(tenant_item(tenant)?, Guard::Version(expected_version), StoreError::Conflict)?;
        transaction.audit(keys::tenant_pk(&tenant.id), audit)?;
        transaction.commit(&self.client).await
    }
}

#[async_trait]
impl WorkflowStore for DynamoStore {
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError> {
        self.workflow_insertion(workflow, audit)?.commit(&self.client).await?;
        self.add_totals(None, workflow).await;
        Ok(())
    }

    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError> {
        self.get(keys::workflow_key(tenant, id)).await
    }

    async fn update_workflow(
        &self,
        workflow: &Workflow,
        before: &Workflow,
        audit: &AuditEntry,
        assets: &[AssetChange<'_>],
    ) -> Result<(), StoreError> {
        let item = workflow_item(workflow)?;
        let mut transaction = self.transaction();
        transaction.put(item, Guard::Version(before.version), StoreError::Conflict)?;
        transaction.audit(keys::workflow_pk(&workflow.tenant_id, workflow.id), audit)?;
        for change in assets {
            self.put_asset(&mut transaction, change)?;
        }
        transaction.commit(&self.client).await?;
        self.add_totals(Some(before), workflow).await;
        Ok(())
    }

    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError> {
        query::list_workflows(&self.client, &self.table, tenant, query).await
    }

    async fn list_tasks(&self, tenant: &TenantId, query: &TaskQuery) -> Result<TaskPage, StoreError> {
        query::list_tasks(&self.client, &self.table, tenant, query).await
    }

    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError> {
        // The workflow and its audit entries share a partition: one Query reads them all
        // (`AUDIT#...` sorts before `WORKFLOW`, and audit ids are UUID v7, so oldest first).
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(keys::workflow_pk(tenant, id)))
            .consistent_read(true);
        let mut workflow = None;
        let mut entries = Vec::new();
        for item in query::all_pages(query).await? {
            if keys::is_audit_item(&item) {
                entries.push(from_item(item)?);
            } else if keys::is_workflow_item(&item) {
                workflow = Some(from_item(item)?);
            }
        }
        Ok(workflow.map(|workflow| (workflow, entries)))
    }
}

/// The item of a template version's step texts.
#[derive(Serialize, serde::Deserialize)]
struct TextsRecord {
    steps: Vec<StepTexts>,
}

impl DynamoStore {
    /// Creates (`expected_version` none) or replaces a template, with the new version's texts
    /// (a new item) and the audit entry, in one transaction.
    async fn write_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        expected_version: Option<u64>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let (guard, lost) = guard_of(expected_version);
        let mut transaction = self.transaction();
        let mut item = to_item(template)?;
        item.extend(keys::template_key(tenant, &template.key));
        transaction.put(item, guard, lost.clone())?;
        let mut texts = to_item(&TextsRecord { steps: template.texts() })?;
        texts.extend(keys::template_texts_key(tenant, &template.key, template.version));
        transaction.put(texts, Guard::New, lost)?;
        transaction.audit(keys::template_pk(tenant, &template.key), audit)?;
        transaction.commit(&self.client).await
    }
}

#[async_trait]
impl TemplateStore for DynamoStore {
    async fn list_templates(&self, tenant: &TenantId) -> Result<Vec<Template>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :templates)")
            .expression_attribute_values(":pk", AttributeValue::S(keys::templates_pk(tenant)))
            .expression_attribute_values(":templates", AttributeValue::S(keys::TEMPLATE_SK_PREFIX.to_owned()))
            .consistent_read(true);
        query::all_pages(query).await?.into_iter().map(from_item).collect()
    }

    async fn get_template(&self, tenant: &TenantId, key: &str) -> Result<Option<Template>, StoreError> {
        self.get(keys::template_key(tenant, key)).await
    }

    async fn insert_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write_template(tenant, template, None, audit).await
    }

    async fn update_template(
        &self,
        tenant: &TenantId,
        template: &Template,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write_template(tenant, template, Some(expected_version), audit).await
    }

    async fn template_texts(
        &self,
        tenant: &TenantId,
        key: &str,
        version: u64,
    ) -> Result<Option<Vec<StepTexts>>, StoreError> {
        let record = self.get::<TextsRecord>(keys::template_texts_key(tenant, key, version)).await?;
        Ok(record.map(|record| record.steps))
    }
}

#[async_trait]
impl AuditStore for DynamoStore {
    async fn list_audit(&self, tenant: &TenantId, query: &AuditQuery) -> Result<Page<AuditEntry>, StoreError> {
        query::list_audit(&self.client, &self.table, tenant, query).await
    }
}

#[async_trait]
impl DirectoryStore for DynamoStore {
    async fn insert_employee(&self, employee: &Employee, audit: &AuditEntry) -> Result<(), StoreError> {
        self.write_employee(employee, None, audit).await
    }

    async fn get_employee(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Employee>, StoreError> {
        self.get(keys::employee_key(tenant, id)).await
    }

    async fn find_employee(&self, tenant: &TenantId, key: EmployeeKey<'_>) -> Result<Option<Employee>, StoreError> {
        let unique = match key {
            EmployeeKey::Email(email) => UniqueValue::EmployeeEmail(email.clone()),
            EmployeeKey::HrisId(id) => UniqueValue::EmployeeHrisId(id.to_owned()),
        };
        match self.get::<UniqueOwner>(unique.key(tenant)).await? {
            Some(owner) => self.get_employee(tenant, owner.owner_id).await,
            None => Ok(None),
        }
    }

    async fn update_employee(
        &self,
        employee: &Employee,
        previous: &Employee,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.write_employee(employee, Some(previous), audit).await
    }

    async fn list_employees(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<EmployeeFilter>,
    ) -> Result<Page<Employee>, StoreError> {
        query::list_employees(&self.client, &self.table, tenant, query).await
    }

    async fn insert_asset(&self, asset: &Asset, audit: &AuditEntry) -> Result<(), StoreError> {
        self.write_asset(asset, None, audit).await
    }

    async fn get_asset(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Asset>, StoreError> {
        self.get(keys::asset_key(tenant, id)).await
    }

    async fn update_asset(&self, asset: &Asset, previous: &Asset, audit: &AuditEntry) -> Result<(), StoreError> {
        self.write_asset(asset, Some(previous), audit).await
    }

    async fn list_assets(
        &self,
        tenant: &TenantId,
        query: &DirectoryQuery<AssetFilter>,
    ) -> Result<Page<Asset>, StoreError> {
        query::list_assets(&self.client, &self.table, tenant, query).await
    }

    async fn refresh_summaries(&self, tenant: &TenantId, summary: &LinkedSummary) -> Result<(), StoreError> {
        let (list, field, value) = match summary {
            LinkedSummary::Employee(employee) => {
                (WorkflowList::Employee(employee.id), "employee", serde_dynamo::to_attribute_value(employee))
            }
            LinkedSummary::Asset(asset) => {
                (WorkflowList::Asset(asset.id), "asset", serde_dynamo::to_attribute_value(asset))
            }
        };
        let value: AttributeValue = value.map_err(|error| StoreError::Unavailable(error.to_string()))?;
        for id in query::ids_in(&self.client, &self.table, &list.partition(tenant)).await? {
            self.set_field(keys::workflow_key(tenant, id), field, value.clone()).await?;
        }
        Ok(())
    }
}

/// How often a batch write is sent again with the items DynamoDB left unprocessed.
const BATCH_RETRIES: u32 = 5;

impl DynamoStore {
    /// Puts many independent items, 25 to a `BatchWriteItem`, sending again what DynamoDB leaves
    /// unprocessed (throttling) a few times with a growing pause.
    async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for chunk in items.chunks(25) {
            let mut requests: Vec<WriteRequest> = Vec::with_capacity(chunk.len());
            for item in chunk {
                let put = PutRequest::builder().set_item(Some(item.clone())).build().map_err(built)?;
                requests.push(WriteRequest::builder().put_request(put).build());
            }
            for attempt in 0..=BATCH_RETRIES {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(unavailable)?;
                requests = output.unprocessed_items.and_then(|mut left| left.remove(&self.table)).unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                if attempt == BATCH_RETRIES {
                    return Err(StoreError::Busy(format!("{} items left unprocessed", requests.len())));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(())
    }

    /// Every item of one index partition, following pages.
    async fn partition_items<T: DeserializeOwned>(&self, partition: Partition) -> Result<Vec<T>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(partition.index.name())
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", partition.index.attribute())
            .expression_attribute_values(":pk", AttributeValue::S(partition.key));
        query::all_pages(query).await?.into_iter().map(from_item).collect()
    }

    /// Every workflow of one job list whose sort key is below `below`, in `form`: the index holds
    /// the list form; whole workflows come from the table, by the keys the index gives in list
    /// order.
    async fn job_list(&self, partition: Partition, below: String, form: Form) -> Result<Vec<Workflow>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(partition.index.name())
            .key_condition_expression("#pk = :pk AND #sk < :below")
            .expression_attribute_names("#pk", partition.index.attribute())
            .expression_attribute_names("#sk", partition.index.sort_attribute())
            .expression_attribute_values(":pk", AttributeValue::S(partition.key))
            .expression_attribute_values(":below", AttributeValue::S(below));
        let listed = query::all_pages(query).await?;
        let items = match form {
            Form::Listed => listed,
            Form::Whole => {
                let table_key = |item: Item| item.into_iter().filter(|(name, _)| name == keys::PK || name == keys::SK);
                self.get_all(listed.into_iter().map(|item| table_key(item).collect()).collect()).await?
            }
        };
        items.into_iter().map(from_item).collect()
    }

    /// The items of `keys`, in their order, 100 to a `BatchGetItem` (strongly consistent),
    /// asking again for what DynamoDB leaves unprocessed a few times with a growing pause. A
    /// key whose item is gone by then is left out.
    async fn get_all(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let text = |item: &Item, name: &str| item.get(name).and_then(|value| value.as_s().ok()).cloned();
        let key_of = |item: &Item| (text(item, keys::PK), text(item, keys::SK));
        let mut found = std::collections::HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut wanted = KeysAndAttributes::builder().set_keys(Some(chunk.to_vec())).consistent_read(true);
            for attempt in 0..=BATCH_RETRIES {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, wanted.build().map_err(built)?)
                    .send()
                    .await
                    .map_err(unavailable)?;
                let items = output.responses.and_then(|mut tables| tables.remove(&self.table)).unwrap_or_default();
                found.extend(items.into_iter().map(|item| (key_of(&item), item)));
                let Some(left) = output.unprocessed_keys.and_then(|mut left| left.remove(&self.table)) else { break };
                if left.keys.is_empty() {
                    break;
                }
                if attempt == BATCH_RETRIES {
                    return Err(StoreError::Busy(format!("{} keys left unprocessed", left.keys.len())));
                }
                wanted = KeysAndAttributes::builder().set_keys(Some(left.keys)).consistent_read(true);
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(keys.iter().filter_map(|key| found.remove(&key_of(key))).collect())
    }
}

#[async_trait]
impl JobStore for DynamoStore {
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.partition_items(keys::tenant_registry()).await
    }

    async fn tenant_zones(&self) -> Result<Vec<Timezone>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::tenant_zones_key()))
            .send()
            .await
            .map_err(unavailable)?;
        let names = output.item.as_ref().and_then(|item| item.get(keys::ZONES)).and_then(|zones| zones.as_ss().ok());
        // A name the bundled database no longer knows has no tenant that could be in it.
        Ok(names.into_iter().flatten().filter_map(|name| Timezone::parse(name).ok()).collect())
    }

    async fn active_tenants_in(&self, zone: &Timezone) -> Result<Vec<Tenant>, StoreError> {
        self.partition_items(keys::tenants_in_zone(zone)).await
    }

    async fn open_needing_attention_before(
        &self,
        tenant: &TenantId,
        date: NaiveDate,
        form: Form,
    ) -> Result<Vec<Workflow>, StoreError> {
        self.job_list(JobList::OpenByAttention.partition(tenant), date.to_string(), form).await
    }

    async fn pending_starting_by(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError> {
        let next_day = date.succ_opt().unwrap_or(date);
        self.job_list(JobList::PendingByStart.partition(tenant), next_day.to_string(), Form::Whole).await
    }

    async fn completed_before(&self, tenant: &TenantId, date: NaiveDate) -> Result<Vec<Workflow>, StoreError> {
        self.job_list(JobList::CompletedByDate.partition(tenant), date.to_string(), Form::Whole).await
    }

    async fn claim_once(&self, tenant: &TenantId, claim: &Claim) -> Result<bool, StoreError> {
        let mut item = keys::claim_key(tenant, claim);
        let expires = chrono::Utc::now().timestamp() + CLAIM_LIFETIME_SECONDS;
        item.insert(keys::EXPIRES_AT.to_owned(), AttributeValue::N(expires.to_string()));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn release_claim(&self, tenant: &TenantId, claim: &Claim) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::claim_key(tenant, claim)))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn record_job(&self, run: &JobRun) -> Result<(), StoreError> {
        let mut item = to_item(&run.record)?;
        keys::add_job_run_keys(None, &run.record, &mut item);
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        let mut parts = Vec::with_capacity(run.tenants.len());
        for (tenant, record) in run.tenant_records() {
            let mut item = to_item(&record)?;
            keys::add_job_run_keys(Some(tenant), &record, &mut item);
            parts.push(item);
        }
        self.put_all(parts).await
    }

    async fn list_job_runs(
        &self,
        of: &RunsOf,
        job: Option<JobName>,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<Page<JobRecord>, StoreError> {
        let tenant = match of {
            RunsOf::Platform => None,
            RunsOf::Tenant(tenant) => Some(tenant),
        };
        query::list_page(&self.client, &self.table, keys::job_runs(tenant, job), after, limit).await
    }
}

/// A claim outlives the day it is about by a week, then DynamoDB's TTL removes it.
const CLAIM_LIFETIME_SECONDS: i64 = 8 * 24 * 3600;

#[async_trait]
impl StatsStore for DynamoStore {
    async fn totals(&self, tenant: &TenantId, scope: &StatsScope) -> Result<Totals, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(keys::stats_pk(tenant, scope)))
            .send()
            .await
            .map_err(unavailable)?;
        let mut totals = Totals::default();
        for part in output.items.unwrap_or_default() {
            totals.add(&totals_of(&part));
        }
        Ok(totals)
    }
}

/// The attributes to add to for `delta`, by the item of the scope's totals that holds them.
fn totals_updates(delta: &Delta) -> Vec<(keys::TotalsPart, Vec<(String, String)>)> {
    let mut counts: Vec<(String, String)> = Vec::new();
    for (status, change) in &delta.counts {
        counts.push((format!("count#{}", status.as_str()), change.to_string()));
    }
    if let Some((workflow_type, hours)) = &delta.completion {
        counts.push((format!("completion_count#{workflow_type}"), "1".to_owned()));
        counts.push((format!("completion_hours#{workflow_type}"), hours.to_string()));
    }
    let mut parts = Vec::new();
    if !counts.is_empty() {
        parts.push((keys::TotalsPart::Counts, counts));
    }
    let mut steps: std::collections::BTreeMap<&str, Vec<(String, String)>> = std::collections::BTreeMap::new();
    for (template, order, hours) in &delta.steps {
        let additions = steps.entry(template.as_str()).or_default();
        additions.push((format!("step_count#{template}#{order}"), "1".to_owned()));
        additions.push((format!("step_hours#{template}#{order}"), hours.to_string()));
    }
    parts.extend(
        steps.into_iter().map(|(template, additions)| (keys::TotalsPart::Steps(template.to_owned()), additions)),
    );
    parts
}

/// Reads one totals item's `count#...`, `completion_*#...` and `step_*#...` attributes.
fn totals_of(item: &Item) -> Totals {
    let mut totals = Totals::default();
    for (name, value) in item {
        let Some(number) = value.as_n().ok().and_then(|number| number.parse::<f64>().ok()) else { continue };
        let mut parts = name.split('#');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("count"), Some(status), None) => {
                totals.counts.insert(status.to_owned(), number as i64);
            }
            (Some("completion_count"), Some(kind), None) => {
                totals.completion.entry(kind.to_owned()).or_default().0 = number as i64
            }
            (Some("completion_hours"), Some(kind), None) => {
                totals.completion.entry(kind.to_owned()).or_default().1 = number
            }
            (Some(field @ ("step_count" | "step_hours")), Some(template), Some(order)) => {
                let entry = totals.steps.entry(template.to_owned()).or_default().entry(order.to_owned()).or_default();
                if field == "step_count" {
                    entry.0 = number as i64;
                } else {
                    entry.1 = number;
                }
            }
            _ => {}
        }
    }
    totals
}

/// Delivery records are kept this long (DynamoDB's TTL removes them).
const DELIVERY_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;

#[derive(serde::Deserialize)]
struct DeliveryRecord {
    body_hash: String,
    status: String,
    result: Option<String>,
}

#[derive(serde::Deserialize)]
struct EffectRecord {
    workflow_id: Uuid,
}

#[derive(serde::Deserialize)]
struct CursorRecord {
    cursor: String,
}

fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(error: &SdkError<E>) -> bool {
    error.as_service_error().and_then(|e| e.code()) == Some("ConditionalCheckFailedException")
}

#[async_trait]
impl HrisStore for DynamoStore {
    async fn claim_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        body_hash: &str,
    ) -> Result<DeliveryClaim, StoreError> {
        let now = chrono::Utc::now().timestamp();
        let mut item = keys::delivery_key(tenant, delivery);
        item.insert("body_hash".to_owned(), AttributeValue::S(body_hash.to_owned()));
        item.insert("status".to_owned(), AttributeValue::S("in_progress".to_owned()));
        item.insert("claimed_at".to_owned(), AttributeValue::N(now.to_string()));
        item.insert(keys::EXPIRES_AT.to_owned(), AttributeValue::N((now + DELIVERY_LIFETIME_SECONDS).to_string()));
        // New, or an abandoned attempt at the same body.
        let claimed = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(
                "attribute_not_exists(pk) OR (#status = :in_progress AND claimed_at < :stale AND body_hash = :hash)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in_progress", AttributeValue::S("in_progress".to_owned()))
            .expression_attribute_values(":stale", AttributeValue::N((now - DELIVERY_STALE_SECONDS).to_string()))
            .expression_attribute_values(":hash", AttributeValue::S(body_hash.to_owned()))
            .send()
            .await;
        match claimed {
            Ok(_) => return Ok(DeliveryClaim::Claimed),
            Err(error) if is_condition_failure(&error) => {}
            Err(error) => return Err(unavailable(error)),
        }
        let Some(record) = self.get::<DeliveryRecord>(keys::delivery_key(tenant, delivery)).await? else {
            // Released in between: the caller may try again as a new delivery.
            return Ok(DeliveryClaim::InProgress);
        };
        Ok(if record.body_hash != body_hash {
            DeliveryClaim::BodyMismatch
        } else if record.status == "completed" {
            let result = record.result.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
            DeliveryClaim::Completed(result)
        } else {
            DeliveryClaim::InProgress
        })
    }

    async fn complete_delivery(
        &self,
        tenant: &TenantId,
        delivery: &DeliveryId,
        result: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::delivery_key(tenant, delivery)))
            .update_expression("SET #status = :completed, #result = :result")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#result", "result")
            .expression_attribute_values(":completed", AttributeValue::S("completed".to_owned()))
            .expression_attribute_values(":result", AttributeValue::S(result.to_string()))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn release_delivery(&self, tenant: &TenantId, delivery: &DeliveryId) -> Result<(), StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::delivery_key(tenant, delivery)))
            .condition_expression("#status = :in_progress")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in_progress", AttributeValue::S("in_progress".to_owned()))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failure(&error) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }

    async fn insert_workflow_once(
        &self,
        workflow: &Workflow,
        audit: &AuditEntry,
        natural_key: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let tenant = &workflow.tenant_id;
        let mut transaction = self.workflow_insertion(workflow, audit)?;
        let mut effect = keys::effect_key(tenant, natural_key);
        effect.insert("workflow_id".to_owned(), AttributeValue::S(workflow.id.to_string()));
        transaction.put(effect, Guard::New, StoreError::Taken("natural_key"))?;
        match transaction.commit(&self.client).await {
            Ok(()) => {
                self.add_totals(None, workflow).await;
                Ok(None)
            }
            Err(StoreError::Taken("natural_key")) => {
                let holder = self.get::<EffectRecord>(keys::effect_key(tenant, natural_key)).await?;
                holder.map(|record| Some(record.workflow_id)).ok_or(StoreError::Conflict)
            }
            Err(error) => Err(error),
        }
    }

    async fn sync_cursor(&self, tenant: &TenantId) -> Result<Option<String>, StoreError> {
        Ok(self.get::<CursorRecord>(keys::sync_cursor_key(tenant)).await?.map(|record| record.cursor))
    }

    async fn set_sync_cursor(&self, tenant: &TenantId, cursor: &str) -> Result<(), StoreError> {
        let mut item = keys::sync_cursor_key(tenant);
        item.insert("cursor".to_owned(), AttributeValue::S(cursor.to_owned()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

/// Connections outlive API Gateway's two-hour limit a little, then TTL removes them.
const CONNECTION_LIFETIME_SECONDS: i64 = 2 * 3600 + 600;

#[derive(serde::Deserialize)]
struct ConnectionOwner {
    tenant_id: TenantId,
}

#[async_trait]
impl ConnectionStore for DynamoStore {
    async fn put_connection(&self, connection: &Connection) -> Result<(), StoreError> {
        let expires =
            AttributeValue::N((connection.connected_at.timestamp() + CONNECTION_LIFETIME_SECONDS).to_string());
        let mut item = to_item(connection)?;
        item.extend(keys::connection_key(&connection.tenant_id, &connection.connection_id));
        item.insert(keys::EXPIRES_AT.to_owned(), expires.clone());
        let mut owner = keys::connection_owner_key(&connection.connection_id);
        owner.insert("tenant_id".to_owned(), AttributeValue::S(connection.tenant_id.to_string()));
        owner.insert(keys::EXPIRES_AT.to_owned(), expires);
        for item in [item, owner] {
            self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn delete_connection(&self, connection_id: &str) -> Result<(), StoreError> {
        let Some(owner) = self.get::<ConnectionOwner>(keys::connection_owner_key(connection_id)).await? else {
            return Ok(());
        };
        for key in [keys::connection_key(&owner.tenant_id, connection_id), keys::connection_owner_key(connection_id)] {
            self.client.delete_item().table_name(&self.table).set_key(Some(key)).send().await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn connections(&self, tenant: &TenantId) -> Result<Vec<Connection>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(keys::connections_pk(tenant)));
        query::all_pages(query).await?.into_iter().map(from_item).collect()
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    async fn insert_user(&self, user: &User, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = to_item(user)?;
        keys::add_user_keys(user, &mut item);
        let mut claim = keys::user_email_key(&user.email);
        claim.insert(OWNER.to_owned(), AttributeValue::S(user.id.to_string()));
        claim.insert(keys::OWNER_TENANT.to_owned(), AttributeValue::S(user.tenant_id.to_string()));
        let mut transaction = self.transaction();
        transaction.put(item, Guard::New, StoreError::AlreadyExists)?;
        transaction.put(claim, Guard::New, StoreError::Taken("email"))?;
        transaction.audit(keys::user_pk(&user.tenant_id, user.id), audit)?;
        transaction.commit(&self.client).await
    }

    async fn get_user(&self, tenant: &TenantId, id: Uuid) -> Result<Option<User>, StoreError> {
        self.get(keys::user_key(tenant, id)).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        match self.get::<EmailHolder>(keys::user_email_key(email)).await? {
            Some(holder) => self.get_user(&holder.owner_tenant, holder.owner_id).await,
            None => Ok(None),
        }
    }

    async fn update_user(&self, user: &User, expected_version: u64, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = to_item(user)?;
        keys::add_user_keys(user, &mut item);
        let mut transaction = self.transaction();
        transaction.put(item, Guard::Version(expected_version), StoreError::Conflict)?;
        transaction.audit(keys::user_pk(&user.tenant_id, user.id), audit)?;
        transaction.commit(&self.client).await
    }

    async fn list_users(&self, tenant: &TenantId, after: Option<Uuid>, limit: usize) -> Result<Page<User>, StoreError> {
        query::list_page(&self.client, &self.table, keys::users_partition(tenant), after, limit).await
    }
}
