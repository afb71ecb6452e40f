//! Workflow templates: the ready-made step lists IT teams start from.

use serde::Serialize;
use utoipa::ToSchema;

use super::catalog::TEMPLATES;
use super::workflow::{Placeholder, Priority, StepKind, WorkflowType};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct StepTemplate {
    pub name: &'static str,
    pub description: &'static str,
    pub instructions: &'static str,
    pub kind: StepKind,
    /// The placeholder the step goes to: `it`, `manager`, `employee` or `assignee`.
    #[serde(serialize_with = "placeholder_name")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Placeholder>,
    /// Days from the workflow's start to the step's due date.
    pub due_offset_days: Option<u32>,
    pub estimated_hours: Option<f64>,
}

fn placeholder_name<S: serde::Serializer>(value: &Option<Placeholder>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_some(&value.map(Placeholder::as_str))
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Template {
    pub key: &'static str,
    pub title: &'static str,
    pub workflow_type: WorkflowType,
    pub priority: Priority,
    pub description: &'static str,
    pub estimated_duration_days: u32,
    pub steps: &'static [StepTemplate],
}

impl Template {
    pub fn all() -> &'static [Template] {
        &TEMPLATES
    }

    pub fn find(key: &str) -> Option<&'static Template> {
        TEMPLATES.iter().find(|template| template.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_templates_match_the_contract() {
        let facts: Vec<(&str, WorkflowType, Priority, u32, usize)> = Template::all()
            .iter()
            .map(|t| (t.key, t.workflow_type, t.priority, t.estimated_duration_days, t.steps.len()))
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
    }

    #[test]
    fn step_names_are_the_contract_names_in_order() {
        let names = |key| Template::find(key).unwrap().steps.iter().map(|s| s.name).collect::<Vec<_>>();
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
        for template in Template::all() {
            for step in template.steps {
                assert!(step.description.len() > 20, "{}: {} needs a description", template.key, step.name);
                assert!(step.instructions.len() > 40, "{}: {} needs instructions", template.key, step.name);
            }
        }
    }

    #[test]
    fn unknown_keys_are_not_found() {
        assert!(Template::find("laptop_refresh").is_none());
    }
}
