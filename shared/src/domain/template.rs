//! Workflow templates: the ready-made step lists IT teams start from. Four are built in
//! (`catalog.rs`: read-only, always version 1); each tenant may add its own (contract §10), which
//! every change moves to a new version and a delete only hides, so a key is never reused and a
//! workflow made from any version keeps pointing at it.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::catalog::{BUILTINS, BuiltinTemplate};
use super::validation::{FieldErrors, text_within};
use super::workflow::{
    CUSTOM_WORKFLOW_DAYS, MAX_STEPS, Priority, StepAssignee, StepDraft, TITLE_MAX_CHARS, WorkflowType, optional_text,
};

/// The version of every built-in template: they never change.
pub const BUILTIN_VERSION: u64 = 1;
/// The longest a template may plan for, in days.
pub const MAX_DURATION_DAYS: u32 = 365;
/// The longest template description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 5000;
/// The largest template, as compact JSON: its item, its version's texts and the audit entry of a
/// change (before and after) all stay far below DynamoDB's 400 KB item limit.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TemplateSource {
    /// One of the four that come with the service (read-only).
    Builtin,
    /// Written by the tenant's admins.
    Tenant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub key: String,
    pub title: String,
    pub workflow_type: WorkflowType,
    pub priority: Priority,
    pub description: Option<String>,
    pub estimated_duration_days: u32,
    pub steps: Vec<StepDraft>,
    pub source: TemplateSource,
    pub version: u64,
    /// When the tenant deleted it: it is hidden from then on, and its key stays taken.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The texts of one step of one template version. They are kept once per version, and workflows
/// made from that version read them from there instead of carrying copies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepTexts {
    pub description: Option<String>,
    pub instructions: Option<String>,
}

/// What a tenant sets on its own template, each field optional: a PATCH's changes, or a POST's
/// fields over the template it is `based_on`. Checked with [`TemplateFields::validate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateFields {
    pub title: Option<String>,
    pub workflow_type: Option<WorkflowType>,
    pub priority: Option<Priority>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub estimated_duration_days: Option<u32>,
    /// Replaces the whole list.
    pub steps: Option<Vec<StepDraft>>,
}

/// Template fields whose values passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidFields(TemplateFields);

impl TemplateFields {
    /// Checks and normalises every given value on its own (422 material, before any template is
    /// read).
    pub fn validate(mut self) -> Result<ValidFields, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(title) = &self.title {
            match text_within(title, 1, TITLE_MAX_CHARS) {
                Ok(title) => self.title = Some(title),
                Err(message) => errors.add("title", message),
            }
        }
        if let Some(description) = self.description.take() {
            self.description = Some(optional_text(&mut errors, "description", description, DESCRIPTION_MAX_CHARS));
        }
        if self.estimated_duration_days.is_some_and(|days| !(1..=MAX_DURATION_DAYS).contains(&days)) {
            errors.add("estimated_duration_days", format!("must be 1 to {MAX_DURATION_DAYS}"));
        }
        if let Some(steps) = self.steps.take() {
            if steps.is_empty() || steps.len() > MAX_STEPS {
                errors.add("steps", format!("must have 1 to {MAX_STEPS} steps"));
            }
            let checked = steps.into_iter().enumerate().map(|(index, step)| step.checked(index, &mut errors));
            self.steps = Some(checked.collect());
        }
        errors.into_result()?;
        Ok(ValidFields(self))
    }
}

/// A tenant template key: 2 to 40 lowercase letters, digits and underscores.
pub fn check_key(key: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    if (2..=40).contains(&key.len()) && key.chars().all(allowed) {
        Ok(())
    } else {
        Err("must be 2 to 40 lowercase letters, digits or underscores".to_owned())
    }
}

static BUILTIN_TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| BUILTINS.iter().map(Template::from).collect());

impl From<&BuiltinTemplate> for Template {
    fn from(builtin: &BuiltinTemplate) -> Self {
        let steps = builtin
            .steps
            .iter()
            .map(|step| StepDraft {
                name: step.name.to_owned(),
                description: Some(step.description.to_owned()),
                instructions: Some(step.instructions.to_owned()),
                kind: step.kind,
                assignee: step.assignee.map(StepAssignee::Placeholder),
                due_offset_days: step.due_offset_days,
                estimated_hours: step.estimated_hours,
            })
            .collect();
        Template {
            key: builtin.key.to_owned(),
            title: builtin.title.to_owned(),
            workflow_type: builtin.workflow_type,
            priority: builtin.priority,
            description: Some(builtin.description.to_owned()),
            estimated_duration_days: builtin.estimated_duration_days,
            steps,
            source: TemplateSource::Builtin,
            version: BUILTIN_VERSION,
            deleted_at: None,
        }
    }
}

impl Template {
    /// The built-in templates, in the order the API lists them.
    pub fn builtins() -> &'static [Template] {
        &BUILTIN_TEMPLATES
    }

    pub fn builtin(key: &str) -> Option<&'static Template> {
        Self::builtins().iter().find(|template| template.key == key)
    }

    /// Not deleted.
    pub fn is_visible(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// A new tenant template (version 1) with `key`: `base`'s fields (its `based_on`) under
    /// `fields`, or `fields` alone, which must then give `title`, `workflow_type` and `steps`.
    pub fn create(key: &str, base: Option<&Template>, fields: ValidFields) -> Result<Template, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Err(message) = check_key(key) {
            errors.add("key", message);
        }
        let fields = fields.0;
        if base.is_none() {
            let required = [
                ("title", fields.title.is_some()),
                ("workflow_type", fields.workflow_type.is_some()),
                ("steps", fields.steps.is_some()),
            ];
            for (field, given) in required {
                if !given {
                    errors.add(field, "is required unless the template is based_on another");
                }
            }
        }
        errors.into_result()?;
        let start = match base {
            Some(base) => base.clone(),
            None => Template {
                key: String::new(),
                title: String::new(),
                workflow_type: WorkflowType::Procurement,
                priority: Priority::Normal,
                description: None,
                estimated_duration_days: CUSTOM_WORKFLOW_DAYS,
                steps: Vec::new(),
                source: TemplateSource::Tenant,
                version: 0,
                deleted_at: None,
            },
        };
        let template = Template {
            key: key.to_owned(),
            source: TemplateSource::Tenant,
            version: 1,
            deleted_at: None,
            ..start.with_fields(fields)
        };
        template.check_size()?;
        Ok(template)
    }

    /// The template changed by `fields`, at the next version; `None` when nothing changes (no
    /// new version, as a PATCH that changes nothing is no change).
    pub fn patched(&self, fields: ValidFields) -> Result<Option<Template>, FieldErrors> {
        let mut patched = self.clone().with_fields(fields.0);
        if patched == *self {
            return Ok(None);
        }
        patched.check_size()?;
        patched.version += 1;
        Ok(Some(patched))
    }

    /// The template hidden at `now`, at the next version.
    pub fn deleted(&self, now: DateTime<Utc>) -> Template {
        Template { deleted_at: Some(now), version: self.version + 1, ..self.clone() }
    }

    /// Each step's texts, in step order.
    pub fn texts(&self) -> Vec<StepTexts> {
        let texts = self
            .steps
            .iter()
            .map(|step| StepTexts { description: step.description.clone(), instructions: step.instructions.clone() });
        texts.collect()
    }

    fn with_fields(mut self, fields: TemplateFields) -> Template {
        let TemplateFields { title, workflow_type, priority, description, estimated_duration_days, steps } = fields;
        self.title = title.unwrap_or(self.title);
        self.workflow_type = workflow_type.unwrap_or(self.workflow_type);
        self.priority = priority.unwrap_or(self.priority);
        self.description = description.unwrap_or(self.description);
        self.estimated_duration_days = estimated_duration_days.unwrap_or(self.estimated_duration_days);
        self.steps = steps.unwrap_or(self.steps);
        self
    }

    fn check_size(&self) -> Result<(), FieldErrors> {
        let bytes = serde_json::to_vec(self).map_or(usize::MAX, |json| json.len());
        if bytes > MAX_TEMPLATE_BYTES {
            let message = format!("the template would take {bytes} bytes; at most {MAX_TEMPLATE_BYTES} are allowed");
            return Err(FieldErrors::single("steps", message));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::StepKind;

    #[test]
    fn the_four_templates_match_the_contract() {
        let facts: Vec<(&str, WorkflowType, Priority, u32, usize)> = Template::builtins()
            .iter()
            .map(|t| (t.key.as_str(), t.workflow_type, t.priority, t.estimated_duration_days, t.steps.len()))
            .collect();
        assert_eq!(
            facts,
            vec![
                ("incoming_hardware", WorkflowType::Procurement, Priority::Normal, 3, 8),
                ("new_employee", WorkflowType::Onboarding, Priority::High, 7, 9),
                ("equipment_return", WorkflowType::Offboarding, Priority::High, 2, 6),
                ("emergency_replacement", WorkflowType::Repair, Priority::Urgent, 1, 5),
            ]
        );
        assert!(Template::builtins().iter().all(|t| t.source == TemplateSource::Builtin && t.version == 1));
    }

    #[test]
    fn step_names_are_the_contract_names_in_order() {
        let names = |key| Template::builtin(key).unwrap().steps.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names("equipment_return"),
            [
                "Schedule Equipment Return",
                "Data Backup",
                "Receive & Inspect Equipment",
                "Revoke Access & Remove MDM",
                "Wipe & Reconfigure",
                "Update Records & Close"
            ]
        );
        assert_eq!(names("emergency_replacement")[2], "Provision Replacement Device");
        assert_eq!(names("new_employee")[4], "Day 1 - Welcome & Access");
        assert_eq!(names("incoming_hardware")[7], "Follow-up & Documentation");
    }

    #[test]
    fn every_step_explains_itself() {
        for template in Template::builtins() {
            for (step, texts) in template.steps.iter().zip(template.texts()) {
                let description = texts.description.unwrap_or_default();
                let instructions = texts.instructions.unwrap_or_default();
                assert!(description.len() > 20, "{}: {} needs a description", template.key, step.name);
                assert!(instructions.len() > 40, "{}: {} needs instructions", template.key, step.name);
            }
        }
    }

    #[test]
    fn unknown_keys_are_not_found() {
        assert!(Template::builtin("laptop_refresh").is_none());
    }

    fn fields(steps: Vec<StepDraft>) -> TemplateFields {
        TemplateFields {
            title: Some(" Laptop refresh ".into()),
            workflow_type: Some(WorkflowType::Maintenance),
            steps: Some(steps),
            ..TemplateFields::default()
        }
    }

    #[test]
    fn a_new_template_needs_a_key_title_type_and_steps_unless_based_on_another() {
        let template =
            Template::create("laptop_refresh", None, fields(vec![StepDraft::named("Swap")]).validate().unwrap())
                .unwrap();
        assert_eq!(
            (template.title.as_str(), template.version, template.source),
            ("Laptop refresh", 1, TemplateSource::Tenant)
        );
        assert_eq!((template.priority, template.estimated_duration_days), (Priority::Normal, CUSTOM_WORKFLOW_DAYS));
        let errors = Template::create("Bad-Key", None, TemplateFields::default().validate().unwrap()).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["key", "steps", "title", "workflow_type"]);
        for key in ["a", &"k".repeat(41), "new employee", "ünï"] {
            assert!(check_key(key).is_err(), "{key}");
        }
        assert!(check_key(&"k".repeat(40)).is_ok());

        let base = Template::builtin("new_employee").unwrap();
        let renamed = TemplateFields { title: Some("Onboarding (EU)".into()), ..TemplateFields::default() };
        let copy = Template::create("onboarding_eu", Some(base), renamed.validate().unwrap()).unwrap();
        assert_eq!(copy.steps, base.steps);
        assert_eq!((copy.title.as_str(), copy.source, copy.version), ("Onboarding (EU)", TemplateSource::Tenant, 1));
    }

    #[test]
    fn field_values_are_checked_before_any_template_is_read() {
        let mut approval = StepDraft::named("");
        approval.kind = StepKind::Approval;
        approval.due_offset_days = Some(366);
        approval.estimated_hours = Some(0.0);
        let bad = TemplateFields {
            title: Some(String::new()),
            estimated_duration_days: Some(0),
            steps: Some(vec![approval]),
            ..TemplateFields::default()
        };
        let errors = bad.validate().unwrap_err();
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            [
                "estimated_duration_days",
                "steps[0].due_offset_days",
                "steps[0].estimated_hours",
                "steps[0].name",
                "title"
            ]
        );
        let too_many = TemplateFields { steps: Some(vec![StepDraft::named("x"); MAX_STEPS + 1]), ..Default::default() };
        assert_eq!(too_many.validate().unwrap_err().fields().collect::<Vec<_>>(), ["steps"]);
        let empty = TemplateFields { steps: Some(Vec::new()), ..Default::default() };
        assert!(empty.validate().is_err());
        let mut long = StepDraft::named("Long");
        long.instructions = Some("x".repeat(5000));
        let huge = fields(vec![long; 20]).validate().unwrap();
        assert_eq!(Template::create("huge", None, huge).unwrap_err().fields().collect::<Vec<_>>(), ["steps"]);
    }

    #[test]
    fn a_patch_makes_a_new_version_unless_it_changes_nothing_and_a_delete_hides() {
        let template =
            Template::create("refresh", None, fields(vec![StepDraft::named("Swap")]).validate().unwrap()).unwrap();
        let same = TemplateFields { title: Some("Laptop refresh".into()), ..Default::default() };
        assert_eq!(template.patched(same.validate().unwrap()), Ok(None));
        let steps =
            TemplateFields { steps: Some(vec![StepDraft::named("A"), StepDraft::named("B")]), ..Default::default() };
        let patched = template.patched(steps.validate().unwrap()).unwrap().unwrap();
        assert_eq!((patched.version, patched.steps.len(), patched.title.as_str()), (2, 2, "Laptop refresh"));
        let cleared = TemplateFields { description: Some(None), ..Default::default() };
        assert_eq!(patched.patched(cleared.validate().unwrap()), Ok(None), "no description to clear");
        let now = "2026-11-25T09:00:00Z".parse().unwrap();
        let deleted = patched.deleted(now);
        assert!(!deleted.is_visible());
        assert_eq!((deleted.version, deleted.deleted_at), (3, Some(now)));
    }
}
