//! Lists as index queries. The caller's scope picks the index partitions to read (a manager's
//! workflow list reads the team's and their own assignments' partitions, never the tenant's);
//! the remaining filters become a `FilterExpression`. Each partition is read newest first from the
//! cursor on, until it has one match more than the page holds, and the partitions are merged.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::domain::audit::{AuditEntry, first_id_at};
use crate::domain::caller::Scope;
use crate::domain::directory::{Asset, Employee};
use crate::domain::validation::TenantId;
use crate::domain::workflow::{Task, Workflow, WorkflowStatus};
use crate::ports::{
    AssetFilter, AuditQuery, DirectoryQuery, EmployeeFilter, Listed, Page, StoreError, TaskPage, TaskQuery,
    WorkflowFilter, WorkflowQuery,
};

use super::keys::{
    self, AssetList, AuditList, EmployeeList, GSI_SK, ListSource, Partition, TASK_STEP, TASK_STUCK_AT, WorkflowList,
    task_partition, task_sort_key, task_step, timestamp,
};
use super::{DOC, Item, from_item, unavailable};

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
) -> Result<Page<Workflow>, StoreError> {
    let filter = &query.filter;
    let mut condition = FilterExpression::default();
    condition.equals("status", filter.status.map(|status| status.as_str().to_owned()));
    condition.equals("workflow_type", filter.workflow_type.map(wire_name));
    condition.equals("priority", filter.priority.map(wire_name));
    condition.equals("assigned_to", filter.assigned_to.as_ref().map(ToString::to_string));
    condition.equals("employee_id", filter.employee_id.map(|id| id.to_string()));
    condition.equals("asset_id", filter.asset_id.map(|id| id.to_string()));
    condition.equals("team", filter.team.as_ref().map(ToString::to_string));
    if let Some(date) = filter.due_before {
        condition.compare("due_date", "<", date.to_string());
    }
    if let Some(date) = filter.due_after {
        condition.compare("due_date", ">", date.to_string());
    }
    if filter.overdue {
        condition.compare("due_date", "<", query.today.to_string());
        condition.one_of("status", [WorkflowStatus::Pending.as_str(), WorkflowStatus::InProgress.as_str()]);
    }
    if !filter.include_archived {
        condition.absent("archived_at");
    }
    let sources =
        workflow_lists(&query.scope, filter).iter().map(|list| ListSource::Index(list.partition(tenant))).collect();
    newest(client, table, sources, &condition, IdRange::below(query.after), query.limit).await
}

/// The lists whose union is the caller's scope, narrowed by the most selective filter when the
/// scope is the whole tenant.
/// One person's task list from the task index, soonest due first: one Query per page (more
/// only when the overdue filter drops most of what it reads).
pub(super) async fn list_tasks(
    client: &Client,
    table: &str,
    tenant: &TenantId,
    query: &TaskQuery,
) -> Result<TaskPage, StoreError> {
    let partition = task_partition(tenant, &query.assignee);
    let index = partition.index;
    let wanted = query.limit + 1;
    let mut condition = FilterExpression::default();
    if query.overdue {
        let due = format!("{}.{}", condition.name(TASK_STEP), condition.name("due_date"));
        let stuck = condition.name(TASK_STUCK_AT);
        let (today, now) = (condition.value(query.today.to_string()), condition.value(timestamp(query.now)));
        condition.clauses.push(format!("({due} < {today} OR {stuck} < {now})"));
        condition.selective = true;
    }
    let page = i32::try_from(wanted).unwrap_or(MAX_ROUND);
    let mut round = if condition.selective { page.max(FIRST_FILTERED_ROUND) } else { page }.min(MAX_ROUND);
    let mut after = query.after.as_ref().map(task_sort_key);
    let mut found: Vec<Task> = Vec::new();
    loop {
        let mut key_condition = "#pk = :pk".to_owned();
        let mut request = client
            .query()
            .table_name(table)
            .index_name(index.name())
            .limit(round)
            .expression_attribute_names("#pk", index.attribute())
            .expression_attribute_values(":pk", AttributeValue::S(partition.key.clone()));
        if let Some(after) = &after {
            key_condition.push_str(" AND #sk > :after");
            request = request
                .expression_attribute_names("#sk", index.sort_attribute())
                .expression_attribute_values(":after", AttributeValue::S(after.clone()));
        }
        request = condition.add_to(request);
        let output = request.key_condition_expression(key_condition).send().await.map_err(unavailable)?;
        for mut item in output.items.unwrap_or_default() {
            let step = task_step(&mut item).ok_or_else(|| StoreError::Unavailable("a task without its step".into()))?;
            let step = serde_dynamo::from_attribute_value(step)
                .map_err(|error| StoreError::Unavailable(format!("unreadable task step: {error}")))?;
            found.push(Task { workflow: from_item(item)?, step });
            if found.len() == wanted {
                return Ok(TaskPage::from_lookahead(found, query.limit));
            }
        }
        let last = output.last_evaluated_key.as_ref().and_then(|key| key.get(index.sort_attribute()));
        match last.and_then(|value| value.as_s().ok()) {
            Some(position) => after = Some(position.clone()),
            None => return Ok(TaskPage::from_lookahead(found, query.limit)),
        }
        round = round.saturating_mul(2).min(MAX_ROUND);
    }
}

fn workflow_lists(scope: &Scope, filter: &WorkflowFilter) -> Vec<WorkflowList> {
    match scope {
        Scope::Tenant => vec![most_selective(filter)],
        Scope::Assignee(email) => email.clone().map(WorkflowList::Assignee).into_iter().collect(),
        Scope::TeamOrAssignee { team, email } => {
            team.clone().map(WorkflowList::Team).into_iter().chain(email.clone().map(WorkflowList::Assignee)).collect()
        }
    }
}

fn most_selective(filter: &WorkflowFilter) -> WorkflowList {
    if let Some(id) = filter.employee_id {
        WorkflowList::Employee(id)
    } else if let Some(id) = filter.asset_id {
        WorkflowList::Asset(id)
    } else if let Some(email) = &filter.assigned_to {
        WorkflowList::Assignee(email.clone())
    } else if let Some(team) = &filter.team {
        WorkflowList::Team(team.clone())
    } else if let Some(status) = filter.status {
        WorkflowList::Status(status)
    } else {
        WorkflowList::Tenant
    }
}

pub(super) async fn list_employees(
    client: &Client,
    table: &str,
    tenant: &TenantId,
    query: &DirectoryQuery<EmployeeFilter>,
) -> Result<Page<Employee>, StoreError> {
    let filter = &query.filter;
    let mut condition = FilterExpression::default();
    condition.equals("status", filter.status.map(|status| status.as_str().to_owned()));
    condition.equals("team", filter.team.as_ref().map(ToString::to_string));
    let list = match (&filter.team, filter.status) {
        (Some(team), _) => EmployeeList::Team(team.clone()),
        (None, Some(status)) => EmployeeList::Status(status),
        (None, None) => EmployeeList::Tenant,
    };
    let sources = vec![ListSource::Index(list.partition(tenant))];
    newest(client, table, sources, &condition, IdRange::below(query.after), query.limit).await
}

pub(super) async fn list_assets(
    client: &Client,
    table: &str,
    tenant: &TenantId,
    query: &DirectoryQuery<AssetFilter>,
) -> Result<Page<Asset>, StoreError> {
    let filter = &query.filter;
    let mut condition = FilterExpression::default();
    condition.equals("status", filter.status.map(|status| status.as_str().to_owned()));
    condition.equals("category", filter.category.map(|category| category.as_str().to_owned()));
    condition.equals("assigned_employee_id", filter.assigned_employee_id.map(|id| id.to_string()));
    let list = match (filter.assigned_employee_id, filter.status) {
        (Some(employee), _) => AssetList::Employee(employee),
        (None, Some(status)) => AssetList::Status(status),
        (None, None) => AssetList::Tenant,
    };
    let sources = vec![ListSource::Index(list.partition(tenant))];
    newest(client, table, sources, &condition, IdRange::below(query.after), query.limit).await
}

/// The audit list: the filters with an index of their own pick the partition, `since` and
/// `until` bound its ids (audit ids carry their time); only an actor's entries about one
/// target are the target's entries, filtered.
pub(super) async fn list_audit(
    client: &Client,
    table: &str,
    tenant: &TenantId,
    query: &AuditQuery,
) -> Result<Page<AuditEntry>, StoreError> {
    let filter = &query.filter;
    let mut condition = FilterExpression::default();
    let sources = match (&filter.target_id, &filter.actor, filter.target_type) {
        (Some(id), actor, target_type) => {
            condition.equals("actor", actor.clone());
            keys::audit_target_partitions(tenant, id, target_type)
        }
        (None, Some(actor), target_type) => {
            condition.equals("target_type", target_type.map(|kind| kind.as_str().to_owned()));
            vec![ListSource::Index(AuditList::Actor(actor.clone()).partition(tenant))]
        }
        (None, None, Some(kind)) => vec![ListSource::Index(AuditList::TargetType(kind).partition(tenant))],
        (None, None, None) => vec![ListSource::Index(AuditList::Tenant.partition(tenant))],
    };
    let until = filter.until.map(first_id_at);
    let below = match (query.after, until) {
        (Some(after), Some(until)) => Some(after.min(until)),
        (after, until) => after.or(until),
    };
    let range = IdRange { below, from: filter.since.map(first_id_at) };
    newest(client, table, sources, &condition, range, query.limit).await
}

/// A page of one unfiltered list (a job-run list, a tenant's users), newest id first.
pub(super) async fn list_page<T: Listed + DeserializeOwned>(
    client: &Client,
    table: &str,
    partition: Partition,
    after: Option<Uuid>,
    limit: usize,
) -> Result<Page<T>, StoreError> {
    let sources = vec![ListSource::Index(partition)];
    newest(client, table, sources, &FilterExpression::default(), IdRange::below(after), limit).await
}

/// The ids of the items in one partition (for fan-out updates such as summary refreshes).
pub(super) async fn ids_in(client: &Client, table: &str, partition: &Partition) -> Result<Vec<Uuid>, StoreError> {
    let query = client
        .query()
        .table_name(table)
        .index_name(partition.index.name())
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", partition.index.attribute())
        .expression_attribute_names("#sk", GSI_SK)
        .expression_attribute_values(":pk", AttributeValue::S(partition.key.clone()))
        .projection_expression("#sk");
    let items = all_pages(query).await?;
    Ok(items.iter().filter_map(sort_key).filter_map(|id| id.parse::<Uuid>().ok()).collect())
}

/// Every item `query` matches, following its pages.
pub(super) async fn all_pages(query: QueryFluentBuilder) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    let mut start_key = None;
    loop {
        let output = query.clone().set_exclusive_start_key(start_key).send().await.map_err(unavailable)?;
        items.extend(output.items.unwrap_or_default());
        start_key = output.last_evaluated_key;
        if start_key.is_none() {
            return Ok(items);
        }
    }
}

/// The ids a list page may hold: below one (the previous page's last, or an end of a time
/// range), at or above another.
#[derive(Debug, Clone, Copy, Default)]
struct IdRange {
    below: Option<Uuid>,
    from: Option<Uuid>,
}

impl IdRange {
    fn below(after: Option<Uuid>) -> Self {
        Self { below: after, from: None }
    }
}

/// Up to `limit` items of the union of `sources`, newest first, within `range`.
async fn newest<T: Listed + DeserializeOwned>(
    client: &Client,
    table: &str,
    sources: Vec<ListSource>,
    condition: &FilterExpression,
    range: IdRange,
    limit: usize,
) -> Result<Page<T>, StoreError> {
    if let (Some(below), Some(from)) = (range.below, range.from)
        && below <= from
    {
        return Ok(Page::from_lookahead(Vec::new(), limit));
    }
    let mut matches: Vec<T> = Vec::new();
    for source in sources {
        let query = PartitionQuery { client, table, source, condition, from: range.from };
        matches.extend(query.newest::<T>(range.below, limit + 1).await?);
    }
    // Partitions may overlap (a team's workflow assigned to its manager): keep each id once.
    matches.sort_by_key(|item| std::cmp::Reverse(item.id()));
    matches.dedup_by_key(|item| item.id());
    Ok(Page::from_lookahead(matches, limit))
}

/// An enum's wire name, as it is stored.
fn wire_name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => format!("{other:?}"),
    }
}

/// A filter as DynamoDB expression text with its names and values.
#[derive(Default)]
struct FilterExpression {
    clauses: Vec<String>,
    /// Whether a clause may drop many items (any but the exclusion of archived workflows,
    /// which are the old tail of a list).
    selective: bool,
    names: Vec<(String, String)>,
    values: Vec<(String, AttributeValue)>,
}

impl FilterExpression {
    fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, name)| name == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#f{}", self.names.len());
        self.names.push((placeholder.clone(), attribute.to_owned()));
        placeholder
    }

    /// A field of the record (inside `doc`), as an expression path.
    fn field(&mut self, field: &str) -> String {
        let doc = self.name(DOC);
        format!("{doc}.{}", self.name(field))
    }

    fn value(&mut self, value: String) -> String {
        let placeholder = format!(":f{}", self.values.len());
        self.values.push((placeholder.clone(), AttributeValue::S(value)));
        placeholder
    }

    fn compare(&mut self, field: &str, operator: &str, value: String) {
        let name = self.field(field);
        let value = self.value(value);
        self.clauses.push(format!("{name} {operator} {value}"));
        self.selective = true;
    }

    fn equals(&mut self, field: &str, value: Option<String>) {
        if let Some(value) = value {
            self.compare(field, "=", value);
        }
    }

    fn one_of<const N: usize>(&mut self, field: &str, values: [&str; N]) {
        let name = self.field(field);
        let values: Vec<String> = values.iter().map(|value| self.value((*value).to_owned())).collect();
        self.clauses.push(format!("{name} IN ({})", values.join(", ")));
        self.selective = true;
    }

    /// Sets the filter, its names and its values on `request` (nothing when there is no clause).
    fn add_to(&self, mut request: QueryFluentBuilder) -> QueryFluentBuilder {
        if self.clauses.is_empty() {
            return request;
        }
        request = request.filter_expression(self.clauses.join(" AND "));
        for (placeholder, name) in &self.names {
            request = request.expression_attribute_names(placeholder, name);
        }
        for (placeholder, value) in &self.values {
            request = request.expression_attribute_values(placeholder, value.clone());
        }
        request
    }

    fn absent(&mut self, field: &str) {
        let name = self.field(field);
        self.clauses.push(format!("attribute_not_exists({name})"));
    }
}

struct PartitionQuery<'a> {
    client: &'a Client,
    table: &'a str,
    source: ListSource,
    condition: &'a FilterExpression,
    /// The lowest id wanted.
    from: Option<Uuid>,
}

impl PartitionQuery<'_> {
    /// Up to `wanted` matching items, newest first, all older than `after` (and not below
    /// `from`).
    async fn newest<T: DeserializeOwned>(&self, after: Option<Uuid>, wanted: usize) -> Result<Vec<T>, StoreError> {
        let source = &self.source;
        let mut found = Vec::new();
        let mut older_than = after.map(|id| id.to_string());
        // Without a selective filter nearly every item read is a match: read exactly a page. With
        // one, read more candidates at first, and twice as many each further round, to bound the
        // number of calls.
        let page = i32::try_from(wanted).unwrap_or(MAX_ROUND);
        let first = if self.condition.selective { page.max(FIRST_FILTERED_ROUND) } else { page };
        let mut round = first.min(MAX_ROUND);
        // DynamoDB has no "from ≤ sk < below": BETWEEN takes the id just below `below`.
        let just_below =
            |position: &String| position.parse::<Uuid>().map(|id| Uuid::from_u128(id.as_u128().saturating_sub(1)));
        loop {
            // The bounds, as sort keys. A table partition's list is bounded on both sides by its
            // prefix, so that the partition's other items stay out of it.
            let lower = match (self.from, source.prefix()) {
                (Some(from), _) => Some(source.sort_value(&from.to_string())),
                (None, prefix) => prefix.map(str::to_owned),
            };
            let upper = match (&older_than, &lower) {
                (Some(older_than), Some(lower)) => {
                    let Ok(upper) = just_below(older_than).map(|id| source.sort_value(&id.to_string())) else {
                        return Ok(found);
                    };
                    if &upper < lower {
                        return Ok(found);
                    }
                    Some(upper)
                }
                (None, _) => source.prefix().map(|prefix| format!("{prefix}~")),
                (Some(_), None) => None,
            };
            let mut key_condition = "#pk = :pk".to_owned();
            let mut request = self
                .client
                .query()
                .table_name(self.table)
                .set_index_name(source.index_name().map(str::to_owned))
                .scan_index_forward(false)
                .limit(round)
                .expression_attribute_names("#pk", source.key_attribute())
                .expression_attribute_values(":pk", AttributeValue::S(source.key().to_owned()));
            let bounds: Vec<(&str, String)> = match (lower, upper, &older_than) {
                (Some(lower), Some(upper), _) => {
                    key_condition.push_str(" AND #sk BETWEEN :lower AND :upper");
                    vec![(":lower", lower), (":upper", upper)]
                }
                (Some(lower), None, _) => {
                    key_condition.push_str(" AND #sk >= :lower");
                    vec![(":lower", lower)]
                }
                (None, _, Some(older_than)) => {
                    key_condition.push_str(" AND #sk < :older_than");
                    vec![(":older_than", source.sort_value(older_than))]
                }
                (None, _, None) => Vec::new(),
            };
            if !bounds.is_empty() {
                request = request.expression_attribute_names("#sk", source.sort_attribute());
            }
            for (name, value) in bounds {
                request = request.expression_attribute_values(name, AttributeValue::S(value));
            }
            request = self.condition.add_to(request);
            let output = request.key_condition_expression(key_condition).send().await.map_err(unavailable)?;
            for item in output.items.unwrap_or_default() {
                found.push(from_item::<T>(item)?);
                if found.len() == wanted {
                    return Ok(found);
                }
            }
            let last = output.last_evaluated_key.as_ref().and_then(|key| key.get(source.sort_attribute()));
            match last.and_then(|value| value.as_s().ok()).and_then(|value| source.id_in(value)) {
                Some(position) => older_than = Some(position.to_owned()),
                None => return Ok(found),
            }
            round = round.saturating_mul(2).min(MAX_ROUND);
        }
    }
}

fn sort_key(key: &Item) -> Option<String> {
    key.get(GSI_SK).and_then(|value| value.as_s().ok()).cloned()
}
