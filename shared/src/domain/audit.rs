//! Audit entries: who changed what, stored atomically with the change itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::validation::TenantId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    Workflow,
    Tenant,
    Employee,
    Asset,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Who made the change (contract §8): the caller's email (their `sub` when the token has no
    /// email), `hris` for HRIS events, or `job:<name>` for scheduled work.
    pub actor: String,
    /// What happened, like `workflow.started`.
    pub action: String,
    pub target_type: TargetType,
    pub target_id: String,
    pub at: DateTime<Utc>,
    /// `{field: {"from": old, "to": new}}` for every field the change touched.
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
}

/// Fields that change with every write and so say nothing about what the change was.
const BOOKKEEPING_FIELDS: [&str; 2] = ["version", "updated_at"];

impl AuditEntry {
    /// An entry with no changes recorded yet.
    pub fn new(
        tenant_id: &TenantId,
        actor: &str,
        action: &str,
        target_type: TargetType,
        target_id: impl ToString,
        at: DateTime<Utc>,
    ) -> AuditEntry {
        AuditEntry {
            id: Uuid::now_v7(),
            tenant_id: tenant_id.clone(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target_type,
            target_id: target_id.to_string(),
            at,
            changes: Map::new(),
        }
    }

    /// Records the difference between `before` (absent for a creation) and `after`.
    pub fn with_diff<T: Serialize>(mut self, before: Option<&T>, after: &T) -> AuditEntry {
        self.changes = diff(before.map(to_object).unwrap_or_default(), to_object(after));
        self
    }
}

fn to_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn diff(before: Map<String, Value>, after: Map<String, Value>) -> Map<String, Value> {
    let mut changes = Map::new();
    for (field, new) in after {
        if BOOKKEEPING_FIELDS.contains(&field.as_str()) {
            continue;
        }
        let old = before.get(&field).cloned().unwrap_or(Value::Null);
        if old != new {
            let mut change = Map::new();
            change.insert("from".to_owned(), old);
            change.insert("to".to_owned(), new);
            changes.insert(field, Value::Object(change));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_fields_without_bookkeeping() {
        let before = json!({"status": "pending", "title": "A", "version": 1, "updated_at": "x"});
        let after = json!({"status": "in_progress", "title": "A", "version": 2, "updated_at": "y"});
        let tenant = TenantId::parse("acme").unwrap();
        let at = "2026-11-25T09:00:00Z".parse().unwrap();
        let entry = AuditEntry::new(&tenant, "u1", "workflow.started", TargetType::Workflow, "w", at)
            .with_diff(Some(&before), &after);
        assert_eq!(Value::Object(entry.changes), json!({"status": {"from": "pending", "to": "in_progress"}}));
    }
}
