//! The one place that knows how DynamoDB keys are spelled. Every key starts with the tenant
//! (`TENANT#<id>...`), so a function's IAM policy can be limited to its tenant's keys
//! (`dynamodb:LeadingKeys`) and no key of one tenant can ever name another tenant's item.
//! The layout is documented in `infra/README.md`.

use aws_sdk_dynamodb::types::AttributeValue;
use uuid::Uuid;

use crate::domain::validation::{Email, Team, TenantId};
use crate::domain::workflow::{Workflow, WorkflowStatus};

use super::Item;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
/// The sort key of every workflow index: the workflow id. Ids are UUID v7, whose text sorts by
/// creation time, so every index lists newest first when read backwards.
pub const GSI_SK: &str = "gsi_sk";
/// Attribute that DynamoDB's TTL reads (for expiring items such as connections and idempotency records).
pub const EXPIRES_AT: &str = "expires_at";

const TENANT_SK: &str = "TENANT";
const WORKFLOW_SK: &str = "WORKFLOW";
const AUDIT_SK_PREFIX: &str = "AUDIT#";

pub fn tenant_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}")
}

pub fn workflow_pk(tenant: &TenantId, id: Uuid) -> String {
    format!("TENANT#{tenant}#WORKFLOW#{id}")
}

/// The audit entry's sort key; its partition is the partition of the item it is about.
pub fn audit_sk(id: Uuid) -> String {
    format!("{AUDIT_SK_PREFIX}{id}")
}

pub fn is_audit_item(item: &Item) -> bool {
    item.get(SK).and_then(|sk| sk.as_s().ok()).is_some_and(|sk| sk.starts_with(AUDIT_SK_PREFIX))
}

pub fn tenant_key(tenant: &TenantId) -> Item {
    key(tenant_pk(tenant), TENANT_SK)
}

pub fn workflow_key(tenant: &TenantId, id: Uuid) -> Item {
    key(workflow_pk(tenant, id), WORKFLOW_SK)
}

fn key(pk: String, sk: &str) -> Item {
    Item::from([(PK.to_owned(), AttributeValue::S(pk)), (SK.to_owned(), AttributeValue::S(sk.to_owned()))])
}

/// A global secondary index over workflows, with the partition a query reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowIndex {
    Tenant,
    Status(WorkflowStatus),
    Assignee(Email),
    Team(Team),
    Employee(Uuid),
    Asset(Uuid),
}

impl WorkflowIndex {
    pub const ALL_NAMES: [(&'static str, &'static str); 6] = [
        ("by_tenant", "gsi_tenant"),
        ("by_status", "gsi_status"),
        ("by_assignee", "gsi_assignee"),
        ("by_team", "gsi_team"),
        ("by_employee", "gsi_employee"),
        ("by_asset", "gsi_asset"),
    ];

    /// (index name, partition key attribute)
    pub fn names(&self) -> (&'static str, &'static str) {
        let position = match self {
            Self::Tenant => 0,
            Self::Status(_) => 1,
            Self::Assignee(_) => 2,
            Self::Team(_) => 3,
            Self::Employee(_) => 4,
            Self::Asset(_) => 5,
        };
        Self::ALL_NAMES[position]
    }

    pub fn partition(&self, tenant: &TenantId) -> String {
        match self {
            Self::Tenant => format!("TENANT#{tenant}#WORKFLOWS"),
            Self::Status(status) => format!("TENANT#{tenant}#WF_STATUS#{}", status.as_str()),
            Self::Assignee(email) => format!("TENANT#{tenant}#WF_ASSIGNEE#{email}"),
            Self::Team(team) => format!("TENANT#{tenant}#WF_TEAM#{team}"),
            Self::Employee(id) => format!("TENANT#{tenant}#WF_EMPLOYEE#{id}"),
            Self::Asset(id) => format!("TENANT#{tenant}#WF_ASSET#{id}"),
        }
    }

    /// The indexes `workflow` belongs to (sparse: an unassigned workflow is in no assignee index).
    fn of(workflow: &Workflow) -> Vec<WorkflowIndex> {
        let mut indexes = vec![Self::Tenant, Self::Status(workflow.status)];
        indexes.extend(workflow.assigned_to.clone().map(Self::Assignee));
        indexes.extend(workflow.team.clone().map(Self::Team));
        indexes.extend(workflow.employee_id.map(Self::Employee));
        indexes.extend(workflow.asset_id.map(Self::Asset));
        indexes
    }
}

/// Adds the table and index keys of `workflow` to its attributes.
pub fn add_workflow_keys(workflow: &Workflow, item: &mut Item) {
    item.extend(workflow_key(&workflow.tenant_id, workflow.id));
    item.insert(GSI_SK.to_owned(), AttributeValue::S(workflow.id.to_string()));
    for index in WorkflowIndex::of(workflow) {
        let (_, attribute) = index.names();
        item.insert(attribute.to_owned(), AttributeValue::S(index.partition(&workflow.tenant_id)));
    }
}

pub fn add_tenant_keys(tenant: &TenantId, item: &mut Item) {
    item.extend(tenant_key(tenant));
}

/// Adds the audit entry's keys: it lives in the partition of `target_pk`.
pub fn add_audit_keys(target_pk: String, audit_id: Uuid, item: &mut Item) {
    item.insert(PK.to_owned(), AttributeValue::S(target_pk));
    item.insert(SK.to_owned(), AttributeValue::S(audit_sk(audit_id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_starts_with_the_tenant() {
        let tenant = TenantId::parse("acme").unwrap();
        let id = Uuid::now_v7();
        let email = Email::parse("it@acme.test").unwrap();
        let indexes = [
            WorkflowIndex::Tenant,
            WorkflowIndex::Status(WorkflowStatus::Pending),
            WorkflowIndex::Assignee(email),
            WorkflowIndex::Team(Team::parse("it").unwrap()),
            WorkflowIndex::Employee(id),
            WorkflowIndex::Asset(id),
        ];
        let mut keys = vec![tenant_pk(&tenant), workflow_pk(&tenant, id)];
        keys.extend(indexes.iter().map(|index| index.partition(&tenant)));
        for key in keys {
            assert!(key.starts_with("TENANT#acme#") || key == "TENANT#acme", "{key}");
        }
    }

    #[test]
    fn ids_sort_by_creation_time_as_text() {
        let ids: Vec<String> = (0..100).map(|_| Uuid::now_v7().to_string()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
}
