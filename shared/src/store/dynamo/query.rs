//! Workflow lists as index queries. The caller's scope picks the index partitions to read (a
//! manager's list reads the team's and their own assignments' partitions, never the tenant's);
//! the remaining filters become a `FilterExpression`. Each partition is read newest first from the
//! cursor on, until it has one match more than the page holds, and the partitions are merged.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use uuid::Uuid;

use crate::domain::caller::Scope;
use crate::domain::validation::TenantId;
use crate::domain::workflow::{Workflow, WorkflowStatus};
use crate::ports::{StoreError, WorkflowFilter, WorkflowPage, WorkflowQuery};

use super::keys::{GSI_SK, WorkflowIndex};
use super::{Item, from_item, unavailable};

/// Upper bound of items DynamoDB evaluates per round when a filter drops most of them.
const MAX_ROUND: i32 = 1000;
/// Items a filtered query evaluates in its first round. Reads cost by the item, not by the
/// request, so evaluating more candidates at once costs no more capacity per item and saves
/// round trips when the filter drops most of them.
const FIRST_FILTERED_ROUND: i32 = 100;

pub(super) async fn list_workflows(
    client: &Client,
    table: &str,
    tenant: &TenantId,
    query: &WorkflowQuery,
) -> Result<WorkflowPage, StoreError> {
    let condition = FilterExpression::of(&query.filter, query.today);
    let wanted = query.limit + 1;
    let mut matches: Vec<Workflow> = Vec::new();
    for index in partitions(&query.scope, &query.filter) {
        let partition = PartitionQuery { client, table, tenant, index, condition: &condition };
        matches.extend(partition.newest(query.after, wanted).await?);
    }
    // Partitions may overlap (a team's workflow assigned to its manager): keep each id once.
    matches.sort_by_key(|workflow| std::cmp::Reverse(workflow.id));
    matches.dedup_by_key(|workflow| workflow.id);
    Ok(WorkflowPage::from_lookahead(matches, query.limit))
}

/// The index partitions whose union is the caller's scope, narrowed by the most selective filter
/// when the scope is the whole tenant.
fn partitions(scope: &Scope, filter: &WorkflowFilter) -> Vec<WorkflowIndex> {
    match scope {
        Scope::Tenant => vec![most_selective(filter)],
        Scope::Assignee(email) => email.clone().map(WorkflowIndex::Assignee).into_iter().collect(),
        Scope::TeamOrAssignee { team, email } => team
            .clone()
            .map(WorkflowIndex::Team)
            .into_iter()
            .chain(email.clone().map(WorkflowIndex::Assignee))
            .collect(),
    }
}

fn most_selective(filter: &WorkflowFilter) -> WorkflowIndex {
    if let Some(id) = filter.employee_id {
        WorkflowIndex::Employee(id)
    } else if let Some(id) = filter.asset_id {
        WorkflowIndex::Asset(id)
    } else if let Some(email) = &filter.assigned_to {
        WorkflowIndex::Assignee(email.clone())
    } else if let Some(team) = &filter.team {
        WorkflowIndex::Team(team.clone())
    } else if let Some(status) = filter.status {
        WorkflowIndex::Status(status)
    } else {
        WorkflowIndex::Tenant
    }
}

/// A filter as DynamoDB expression text with its names and values.
struct FilterExpression {
    clauses: Vec<String>,
    /// Whether a filter other than the exclusion of archived workflows is set.
    selective: bool,
    names: Vec<(String, String)>,
    values: Vec<(String, AttributeValue)>,
}

impl FilterExpression {
    fn of(filter: &WorkflowFilter, today: chrono::NaiveDate) -> Self {
        let mut expression = Self { clauses: Vec::new(), selective: false, names: Vec::new(), values: Vec::new() };
        let text = |value: &dyn std::fmt::Display| AttributeValue::S(value.to_string());
        if let Some(status) = filter.status {
            expression.compare("status", "=", text(&status.as_str()));
        }
        if let Some(workflow_type) = filter.workflow_type {
            expression.compare("workflow_type", "=", serde_text(workflow_type));
        }
        if let Some(priority) = filter.priority {
            expression.compare("priority", "=", serde_text(priority));
        }
        if let Some(email) = &filter.assigned_to {
            expression.compare("assigned_to", "=", text(email));
        }
        if let Some(id) = filter.employee_id {
            expression.compare("employee_id", "=", text(&id));
        }
        if let Some(id) = filter.asset_id {
            expression.compare("asset_id", "=", text(&id));
        }
        if let Some(team) = &filter.team {
            expression.compare("team", "=", text(team));
        }
        if let Some(date) = filter.due_before {
            expression.compare("due_date", "<", text(&date));
        }
        if let Some(date) = filter.due_after {
            expression.compare("due_date", ">", text(&date));
        }
        if filter.overdue {
            expression.compare("due_date", "<", text(&today));
            let status = expression.name("status");
            let pending = expression.value(text(&WorkflowStatus::Pending.as_str()));
            let in_progress = expression.value(text(&WorkflowStatus::InProgress.as_str()));
            expression.clauses.push(format!("{status} IN ({pending}, {in_progress})"));
        }
        expression.selective = !expression.clauses.is_empty();
        if !filter.include_archived {
            let archived_at = expression.name("archived_at");
            expression.clauses.push(format!("attribute_not_exists({archived_at})"));
        }
        expression
    }

    fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, name)| name == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#f{}", self.names.len());
        self.names.push((placeholder.clone(), attribute.to_owned()));
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":f{}", self.values.len());
        self.values.push((placeholder.clone(), value));
        placeholder
    }

    fn compare(&mut self, attribute: &str, operator: &str, value: AttributeValue) {
        let name = self.name(attribute);
        let value = self.value(value);
        self.clauses.push(format!("{name} {operator} {value}"));
    }
}

/// An enum's wire name, as it is stored.
fn serde_text<T: serde::Serialize>(value: T) -> AttributeValue {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => AttributeValue::S(text),
        other => AttributeValue::S(format!("{other:?}")),
    }
}

struct PartitionQuery<'a> {
    client: &'a Client,
    table: &'a str,
    tenant: &'a TenantId,
    index: WorkflowIndex,
    condition: &'a FilterExpression,
}

impl PartitionQuery<'_> {
    /// Up to `wanted` matching workflows, newest first, all older than `after`.
    async fn newest(&self, after: Option<Uuid>, wanted: usize) -> Result<Vec<Workflow>, StoreError> {
        let (index_name, partition_attribute) = self.index.names();
        let mut found = Vec::new();
        let mut older_than = after.map(|id| id.to_string());
        // Without a selective filter nearly every item read is a match (archived workflows are
        // the old tail of a list): read exactly a page. With one, read more
        // candidates at first, and twice as many each further round, to bound the number of calls.
        let page = i32::try_from(wanted).unwrap_or(MAX_ROUND);
        let first = if self.condition.selective { page.max(FIRST_FILTERED_ROUND) } else { page };
        let mut round = first.min(MAX_ROUND);
        loop {
            let mut key_condition = "#pk = :pk".to_owned();
            let mut request = self
                .client
                .query()
                .table_name(self.table)
                .index_name(index_name)
                .scan_index_forward(false)
                .limit(round)
                .expression_attribute_names("#pk", partition_attribute)
                .expression_attribute_values(":pk", AttributeValue::S(self.index.partition(self.tenant)));
            if let Some(older_than) = &older_than {
                key_condition.push_str(" AND #sk < :older_than");
                request = request
                    .expression_attribute_names("#sk", GSI_SK)
                    .expression_attribute_values(":older_than", AttributeValue::S(older_than.clone()));
            }
            if !self.condition.clauses.is_empty() {
                request = request.filter_expression(self.condition.clauses.join(" AND "));
                for (placeholder, name) in &self.condition.names {
                    request = request.expression_attribute_names(placeholder, name);
                }
                for (placeholder, value) in &self.condition.values {
                    request = request.expression_attribute_values(placeholder, value.clone());
                }
            }
            let output = request.key_condition_expression(key_condition).send().await.map_err(unavailable)?;
            for item in output.items.unwrap_or_default() {
                found.push(from_item::<Workflow>(item)?);
                if found.len() == wanted {
                    return Ok(found);
                }
            }
            match output.last_evaluated_key.as_ref().and_then(sort_key) {
                Some(position) => older_than = Some(position),
                None => return Ok(found),
            }
            round = round.saturating_mul(2).min(MAX_ROUND);
        }
    }
}

fn sort_key(key: &Item) -> Option<String> {
    key.get(GSI_SK).and_then(|value| value.as_s().ok()).cloned()
}
