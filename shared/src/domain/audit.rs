//! Audit entries: who changed what, stored atomically with the change itself.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::template::Template;
use super::validation::TenantId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    Workflow,
    Tenant,
    Employee,
    Asset,
    /// A tenant's own workflow template (contract §10).
    Template,
    /// A person's account.
    User,
}

impl TargetType {
    pub const ALL: [TargetType; 6] = [
        TargetType::Workflow,
        TargetType::Tenant,
        TargetType::Employee,
        TargetType::Asset,
        TargetType::Template,
        TargetType::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workflow => "workflow",
            Self::Tenant => "tenant",
            Self::Employee => "employee",
            Self::Asset => "asset",
            Self::Template => "template",
            Self::User => "user",
        }
    }
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
            id: id_at(at),
            tenant_id: tenant_id.clone(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target_type,
            target_id: target_id.to_string(),
            at,
            changes: Map::new(),
        }
    }

    /// Records the difference between `before` (absent for a creation) and `after`. A creation
    /// records the item's fields but not its steps: a workflow's come from its template version
    /// (`template_key`, `template_version`) or are its own as created, a template keeps each
    /// version's; the item shows them, and every later change of a step is recorded step by
    /// step. Listing them would copy most of the item into the entry.
    ///
    /// A creation also leaves out what the entry itself says (the target's id and tenant, and a
    /// creation time equal to the entry's), the employee and asset summaries copied onto a
    /// workflow (its `employee_id` and `asset_id` are recorded), and a built-in template's
    /// description (in the binary, like its steps' texts).
    pub fn with_diff<T: Serialize>(mut self, before: Option<&T>, after: &T) -> AuditEntry {
        let mut after = to_object(after);
        if before.is_none() {
            self.leave_out_of_creation(&mut after);
        }
        self.changes = diff(before.map(to_object).unwrap_or_default(), after);
        self
    }
}

impl AuditEntry {
    fn leave_out_of_creation(&self, created: &mut Map<String, Value>) {
        for field in [STEPS, "employee", "asset"] {
            created.remove(field);
        }
        let restated = [
            ("id", Value::String(self.target_id.clone())),
            ("tenant_id", Value::String(self.tenant_id.to_string())),
            ("created_at", serde_json::to_value(self.at).unwrap_or_default()),
        ];
        for (field, entry_says) in restated {
            if created.get(field) == Some(&entry_says) {
                created.remove(field);
            }
        }
        let builtin = created.get("template_key").and_then(Value::as_str).and_then(Template::builtin);
        if let Some(builtin) = builtin
            && created.get("description").and_then(Value::as_str) == builtin.description.as_deref()
        {
            created.remove("description");
        }
    }
}

/// Audit ids are UUID v7 stamped with the entry's own time (`at`, to the millisecond), so the
/// audit lists, sorted by id, are in time order and a time range is a range of ids. Within one
/// millisecond a process-wide sequence keeps a process's entries in the order it made them; the
/// sequence starts at a random value so that two processes do not make the same ids.
fn id_at(at: DateTime<Utc>) -> Uuid {
    static SEQUENCE: LazyLock<AtomicU64> = LazyLock::new(|| {
        let random = Uuid::now_v7().as_u128() as u32;
        AtomicU64::new(u64::from(random) << 8)
    });
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    // Bytes 0 to 2 carry the version and variant bits; the sequence follows, big-endian, so it
    // sorts as text.
    let mut tail = [0u8; 10];
    tail[3..9].copy_from_slice(&sequence.to_be_bytes()[2..]);
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &tail).into_uuid()
}

/// The first id an entry at or after `at` can have (to the millisecond).
pub fn first_id_at(at: DateTime<Utc>) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &[0; 10]).into_uuid()
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
        if old == new || (old.is_null() && is_blank(&new)) {
            continue;
        }
        let change = match field.as_str() {
            // Contract §8: steps keyed by their order, each with only its changed fields, so an
            // advance records the two steps it touched, not two copies of the whole list.
            STEPS => match keyed_diff(&old, &new, |step| step.get("order").map(Value::to_string)) {
                // Only texts differed, which entries leave out.
                steps if steps.is_empty() => continue,
                steps => Value::Object(steps),
            },
            _ => from_to(old, new),
        };
        changes.insert(field, change);
    }
    changes
}

const STEPS: &str = "steps";
/// A step's texts are fixed when the workflow is made (from its template version, or as a
/// custom workflow's own) and never change: the workflow shows them, and recording them would
/// put a copy of the whole item in the entry of its creation.
const STEP_TEXTS: [&str; 2] = ["description", "instructions"];
/// A step's list that only grows: its changes are the entries added, keyed by position.
const NOTES: &str = "notes";

/// A value that says nothing when it first appears (`false`, `[]`, `{}`): a new item's unset
/// flags and empty lists are not changes worth an entry's bytes.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => !flag,
        Value::Array(list) => list.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn from_to(from: Value, to: Value) -> Value {
    let mut change = Map::new();
    change.insert("from".to_owned(), from);
    change.insert("to".to_owned(), to);
    Value::Object(change)
}

/// The changes between two lists of objects (`null` counts as empty), matched by `key_of`:
/// `{"<key>": {"field": {"from", "to"}}}` for each entry that changed.
fn keyed_diff(
    before: &Value,
    after: &Value,
    key_of: impl Fn(&Map<String, Value>) -> Option<String>,
) -> Map<String, Value> {
    let entries = |list: &Value| -> Vec<(String, Map<String, Value>)> {
        let objects = list.as_array().into_iter().flatten().filter_map(Value::as_object);
        objects.filter_map(|object| Some((key_of(object)?, object.clone()))).collect()
    };
    let old_entries = entries(before);
    let mut changes = Map::new();
    for (key, new) in entries(after) {
        let old =
            old_entries.iter().find(|(old_key, _)| *old_key == key).map(|(_, old)| old.clone()).unwrap_or_default();
        let mut fields = Map::new();
        for (field, value) in new {
            let previous = old.get(&field).cloned().unwrap_or(Value::Null);
            if previous == value || (previous.is_null() && is_blank(&value)) || STEP_TEXTS.contains(&field.as_str()) {
                continue;
            }
            let change =
                if field == NOTES { Value::Object(appended(&previous, &value)) } else { from_to(previous, value) };
            fields.insert(field, change);
        }
        if !fields.is_empty() {
            changes.insert(key, Value::Object(fields));
        }
    }
    changes
}

/// The entries of `after` past the length of `before`, keyed by their position:
/// `{"<index>": {"from": null, "to": entry}}`.
fn appended(before: &Value, after: &Value) -> Map<String, Value> {
    let known = before.as_array().map_or(0, Vec::len);
    let added = after.as_array().into_iter().flatten().enumerate().skip(known);
    added.map(|(index, entry)| (index.to_string(), from_to(Value::Null, entry.clone()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_follow_the_entries_time_then_the_order_they_were_made() {
        let tenant = TenantId::parse("acme").unwrap();
        let entry = |at: &str| AuditEntry::new(&tenant, "u1", "x", TargetType::Workflow, "w", at.parse().unwrap()).id;
        let later = entry("2026-11-25T09:00:01Z");
        let (first, second) = (entry("2026-11-25T09:00:00Z"), entry("2026-11-25T09:00:00Z"));
        assert!(first < second && second < later, "{first} {second} {later}");
        let bound = first_id_at("2026-11-25T09:00:00Z".parse().unwrap());
        assert!(bound <= first && first_id_at("2026-11-25T09:00:00.001Z".parse().unwrap()) > second);
        assert!(first.to_string() < second.to_string(), "text sorts like the ids");
    }

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

    #[test]
    fn a_creation_records_its_fields_but_not_its_steps_or_blank_values() {
        let after = json!({"title": "A", "archived": false, "tags": [], "total_steps": 1, "steps": [{"order": 1, "name": "Ship"}]});
        let tenant = TenantId::parse("acme").unwrap();
        let at = "2026-11-25T09:00:00Z".parse().unwrap();
        let entry =
            AuditEntry::new(&tenant, "u1", "workflow.created", TargetType::Workflow, "w", at).with_diff(None, &after);
        assert_eq!(
            Value::Object(entry.changes),
            json!({"title": {"from": null, "to": "A"}, "total_steps": {"from": null, "to": 1}})
        );
    }

    #[test]
    fn a_creation_does_not_restate_the_entry_the_summaries_or_a_builtin_description() {
        let onboarding = Template::builtin("new_employee").unwrap();
        let tenant = TenantId::parse("acme").unwrap();
        let at = "2026-11-25T09:00:00Z".parse().unwrap();
        let created = |description: &str| {
            json!({"id": "w", "tenant_id": "acme", "created_at": "2026-11-25T09:00:00Z", "template_key": "new_employee",
                "description": description, "employee_id": "e", "employee": {"id": "e", "first_name": "Ana"}})
        };
        let entry = |after: &Value| {
            AuditEntry::new(&tenant, "u1", "workflow.created", TargetType::Workflow, "w", at)
                .with_diff(None, after)
                .changes
        };
        let with_builtin_text = entry(&created(onboarding.description.as_deref().unwrap()));
        assert_eq!(
            Value::Object(with_builtin_text),
            json!({"template_key": {"from": null, "to": "new_employee"}, "employee_id": {"from": null, "to": "e"}})
        );
        let with_own_text = entry(&created("Laptop for Ana"));
        assert_eq!(with_own_text["description"], json!({"from": null, "to": "Laptop for Ana"}));
        // A creation time that is not the entry's (an import, say) is recorded.
        let mut imported = created("Laptop for Ana");
        imported["created_at"] = json!("2026-01-05T10:00:00Z");
        assert!(entry(&imported).contains_key("created_at"));
    }

    #[test]
    fn a_step_keeps_no_texts_in_its_changes() {
        let before = json!({"steps": [{"order": 1, "name": "Ship", "description": "d"}]});
        let after = json!({"steps": [{"order": 1, "name": "Ship", "description": "e", "instructions": "long"}]});
        let tenant = TenantId::parse("acme").unwrap();
        let at = "2026-11-25T09:00:00Z".parse().unwrap();
        let entry = AuditEntry::new(&tenant, "u1", "workflow.updated", TargetType::Workflow, "w", at)
            .with_diff(Some(&before), &after);
        assert_eq!(Value::Object(entry.changes), json!({}));
    }

    #[test]
    fn steps_are_keyed_by_order_with_only_their_changed_fields() {
        let step = |order: u32, completed: bool, notes: Value| json!({"order": order, "name": format!("Step {order}"), "instructions": "long text", "completed": completed, "notes": notes});
        let before = json!({"current_step": 0, "steps": [step(1, false, json!([])), step(2, false, json!(["a"]))]});
        let after = json!({"current_step": 1, "steps": [step(1, true, json!([])), step(2, false, json!(["a", "b"]))]});
        let tenant = TenantId::parse("acme").unwrap();
        let at = "2026-11-25T09:00:00Z".parse().unwrap();
        let entry = AuditEntry::new(&tenant, "u1", "workflow.step_advanced", TargetType::Workflow, "w", at)
            .with_diff(Some(&before), &after);
        assert_eq!(
            Value::Object(entry.changes),
            json!({
                "current_step": {"from": 0, "to": 1},
                "steps": {
                    "1": {"completed": {"from": false, "to": true}},
                    "2": {"notes": {"1": {"from": null, "to": "b"}}}
                }
            })
        );
    }
}
