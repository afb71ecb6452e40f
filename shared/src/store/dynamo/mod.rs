//! The DynamoDB store: one table, tenant-partitioned keys (see `keys`), every mutation one
//! `TransactWriteItems` carrying the change, its version condition and its audit entry.

pub mod keys;
mod query;
pub mod table;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::domain::audit::AuditEntry;
use crate::domain::tenant::Tenant;
use crate::domain::validation::TenantId;
use crate::domain::workflow::Workflow;
use crate::ports::{StoreError, TenantStore, WorkflowPage, WorkflowQuery, WorkflowStore};

pub type Item = HashMap<String, AttributeValue>;

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

/// How a conditional put is guarded.
enum Guard {
    /// The key must be free.
    New,
    /// The stored item must have this version.
    Version(u64),
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// The store of a deployed function: the SDK's standard configuration (region, credentials,
    /// `AWS_ENDPOINT_URL`) and the table named by `TABLE_NAME`.
    pub async fn from_env() -> Result<Self, crate::config::ConfigError> {
        let table = crate::config::ApiConfig::table_name()?;
        let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(Self::new(Client::new(&sdk_config), table))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn put(&self, item: Item, guard: Guard) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder().table_name(&self.table).set_item(Some(item));
        let put = match guard {
            Guard::New => put.condition_expression("attribute_not_exists(pk)"),
            Guard::Version(version) => put
                .condition_expression("version = :expected_version")
                .expression_attribute_values(":expected_version", AttributeValue::N(version.to_string())),
        };
        let put = put.build().map_err(|error| StoreError::Unavailable(error.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn audit_put(&self, target_pk: String, audit: &AuditEntry) -> Result<TransactWriteItem, StoreError> {
        let mut item = to_item(audit)?;
        keys::add_audit_keys(target_pk, audit.id, &mut item);
        self.put(item, Guard::New)
    }

    /// Writes the change and its audit entry in one transaction. A failed condition on the
    /// change is `on_condition_failed` (the key was taken, or the version moved on).
    async fn commit(
        &self,
        change: TransactWriteItem,
        audit: TransactWriteItem,
        on_condition_failed: StoreError,
    ) -> Result<(), StoreError> {
        let sent = self.client.transact_write_items().transact_items(change).transact_items(audit).send().await;
        match sent {
            Ok(_) => Ok(()),
            Err(error) => Err(transaction_error(error, on_condition_failed)),
        }
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
}

fn transaction_error(error: SdkError<TransactWriteItemsError>, on_condition_failed: StoreError) -> StoreError {
    let lost_race = match error.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => cancelled
            .cancellation_reasons()
            .iter()
            .any(|reason| matches!(reason.code(), Some("ConditionalCheckFailed" | "TransactionConflict"))),
        _ => false,
    };
    if lost_race { on_condition_failed } else { unavailable(error) }
}

pub(crate) fn unavailable<E: std::error::Error + 'static>(error: E) -> StoreError {
    StoreError::Unavailable(DisplayErrorContext(&error).to_string())
}

/// The attributes of `value`, without nulls: an absent attribute is how DynamoDB says "none",
/// and it keeps `attribute_not_exists` conditions meaningful.
pub(crate) fn to_item<T: Serialize>(value: &T) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(value).map_err(|error| StoreError::Unavailable(error.to_string()))?;
    item.retain(|_, value| !matches!(value, AttributeValue::Null(_)));
    Ok(item)
}

pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|error| StoreError::Unavailable(format!("unreadable item: {error}")))
}

#[async_trait]
impl TenantStore for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = to_item(tenant)?;
        keys::add_tenant_keys(&tenant.id, &mut item);
        let change = self.put(item, Guard::New)?;
        let audit = self.audit_put(keys::tenant_pk(&tenant.id), audit)?;
        self.commit(change, audit, StoreError::AlreadyExists).await
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
        let mut item = to_item(tenant)?;
        keys::add_tenant_keys(&tenant.id, &mut item);
        let change = self.put(item, Guard::Version(expected_version))?;
        let audit = self.audit_put(keys::tenant_pk(&tenant.id), audit)?;
        self.commit(change, audit, StoreError::Conflict).await
    }
}

#[async_trait]
impl WorkflowStore for DynamoStore {
    async fn insert_workflow(&self, workflow: &Workflow, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut item = to_item(workflow)?;
        keys::add_workflow_keys(workflow, &mut item);
        let change = self.put(item, Guard::New)?;
        let audit = self.audit_put(keys::workflow_pk(&workflow.tenant_id, workflow.id), audit)?;
        self.commit(change, audit, StoreError::AlreadyExists).await
    }

    async fn get_workflow(&self, tenant: &TenantId, id: Uuid) -> Result<Option<Workflow>, StoreError> {
        self.get(keys::workflow_key(tenant, id)).await
    }

    async fn update_workflow(
        &self,
        workflow: &Workflow,
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut item = to_item(workflow)?;
        keys::add_workflow_keys(workflow, &mut item);
        let change = self.put(item, Guard::Version(expected_version))?;
        let audit = self.audit_put(keys::workflow_pk(&workflow.tenant_id, workflow.id), audit)?;
        self.commit(change, audit, StoreError::Conflict).await
    }

    async fn list_workflows(&self, tenant: &TenantId, query: &WorkflowQuery) -> Result<WorkflowPage, StoreError> {
        query::list_workflows(&self.client, &self.table, tenant, query).await
    }

    async fn workflow_history(
        &self,
        tenant: &TenantId,
        id: Uuid,
    ) -> Result<Option<(Workflow, Vec<AuditEntry>)>, StoreError> {
        // The workflow and its audit entries share a partition: one Query reads them all
        // (`AUDIT#...` sorts before `WORKFLOW`, and audit ids are UUID v7, so oldest first).
        let mut workflow = None;
        let mut entries = Vec::new();
        let mut start_key = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(keys::workflow_pk(tenant, id)))
                .consistent_read(true)
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(unavailable)?;
            for item in output.items.unwrap_or_default() {
                if keys::is_audit_item(&item) {
                    entries.push(from_item(item)?);
                } else {
                    workflow = Some(from_item(item)?);
                }
            }
            start_key = output.last_evaluated_key;
            if start_key.is_none() {
                return Ok(workflow.map(|workflow| (workflow, entries)));
            }
        }
    }
}
