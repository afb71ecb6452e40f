//! Domain events: what happened to a workflow, for the event bus and live updates.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::validation::TenantId;
use super::workflow::{Workflow, WorkflowStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowChange {
    Created,
    Updated,
    Started,
    StepAdvanced,
    Completed,
    Cancelled,
}

impl WorkflowChange {
    /// Derives the change from the states before and after it: the status moves say what
    /// happened, a step moving on is an advance, anything else is an update.
    pub fn between(before: Option<&Workflow>, after: &Workflow) -> WorkflowChange {
        let Some(before) = before else { return Self::Created };
        match (before.status, after.status) {
            (WorkflowStatus::Pending, WorkflowStatus::InProgress) => Self::Started,
            (_, WorkflowStatus::Completed) if before.status != WorkflowStatus::Completed => Self::Completed,
            (_, WorkflowStatus::Cancelled) if before.status != WorkflowStatus::Cancelled => Self::Cancelled,
            _ if completed_steps(after) > completed_steps(before) => Self::StepAdvanced,
            _ => Self::Updated,
        }
    }

    /// The EventBridge `detail-type`, like `workflow.step_advanced`.
    pub fn detail_type(self) -> &'static str {
        match self {
            Self::Created => "workflow.created",
            Self::Updated => "workflow.updated",
            Self::Started => "workflow.started",
            Self::StepAdvanced => "workflow.step_advanced",
            Self::Completed => "workflow.completed",
            Self::Cancelled => "workflow.cancelled",
        }
    }
}

fn completed_steps(workflow: &Workflow) -> usize {
    workflow.steps.iter().filter(|step| step.completed).count()
}

/// One change of one workflow, as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkflowEvent {
    pub change: WorkflowChange,
    pub tenant_id: TenantId,
    pub workflow: Workflow,
    pub at: DateTime<Utc>,
}
