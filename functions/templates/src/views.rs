//! Templates as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::domain::template::{Template, TemplateSource};
use shared::domain::workflow::{Priority, StepDraft, WorkflowType};
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

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepView {
    order: usize,
    #[serde(flatten)]
    step: StepDraft,
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
            steps: (template.steps.iter().enumerate())
                .map(|(index, step)| StepView { order: index + 1, step: step.clone() })
                .collect(),
            deleted_at: template.deleted_at,
        }
    }
}
