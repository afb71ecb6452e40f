//! Templates as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::domain::template::{Template, TemplateSource};
use shared::domain::workflow::{Priority, StepAssignee, StepDraft, StepKind, WorkflowType};
use utoipa::ToSchema;

/// A template as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TemplateView {
    key: String,
    title: String,
    workflow_type: WorkflowType,
    priority: Priority,
    description: Option<String>,
    estimated_duration_days: u32,
    /// `builtin` (read-only) or `tenant`.
    source: TemplateSource,
    /// 1 for the built-ins; a tenant's template starts at 1 and every change adds one.
    version: u64,
    step_count: usize,
    steps: Vec<StepView>,
    /// Never in an API response (a deleted template is not shown); in the audit entry of a delete.
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_at: Option<DateTime<Utc>>,
}

/// A template step; `assignee` is an email or a placeholder (`it`, `manager`, `employee`,
/// `assignee`) that each workflow made from it resolves.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepView {
    order: usize,
    name: String,
    description: Option<String>,
    instructions: Option<String>,
    kind: StepKind,
    #[schema(value_type = Option<String>)]
    assignee: Option<StepAssignee>,
    due_offset_days: Option<u32>,
    estimated_hours: Option<f64>,
}

impl StepView {
    fn new(order: usize, step: &StepDraft) -> Self {
        let StepDraft { name, description, instructions, kind, assignee, due_offset_days, estimated_hours } =
            step.clone();
        StepView { order, name, description, instructions, kind, assignee, due_offset_days, estimated_hours }
    }
}

impl From<&Template> for TemplateView {
    fn from(template: &Template) -> Self {
        TemplateView {
            key: template.key.clone(),
            title: template.title.clone(),
            workflow_type: template.workflow_type,
            priority: template.priority,
            description: template.description.clone(),
            estimated_duration_days: template.estimated_duration_days,
            source: template.source,
            version: template.version,
            step_count: template.steps.len(),
            steps: (template.steps.iter().enumerate()).map(|(index, step)| StepView::new(index + 1, step)).collect(),
            deleted_at: template.deleted_at,
        }
    }
}
