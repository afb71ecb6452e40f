//! The workflow aggregate and its state machine. Every transition checks its guard first and
//! changes nothing when the guard fails, so a rejected request never leaves a half-applied change.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::metadata::check_metadata_limits;
use super::template::{StepTexts, Template};
use super::validation::{Email, FieldErrors, Team, TenantId, text_within};

mod steps;
pub use steps::{
    Decision, DecisionOutcome, MAX_DUE_OFFSET_DAYS, MAX_NOTE_BYTES_PER_WORKFLOW, MAX_NOTES_PER_STEP, NO_DUE_DATE,
    NOTE_MAX_CHARS, NoteError, Placeholder, REASON_MAX_CHARS, StepAssignee, StepAssignment, StepKind, StepNote,
    StepPeople, TaskPosition, check_estimated_hours, check_step_assignments,
};

/// Keys of `metadata` that the system writes; clients may read but never set them.
pub const SYSTEM_METADATA_KEYS: [&str; 2] = ["cancellation_reason", "asset_ids"];
/// The most steps a workflow may have.
pub const MAX_STEPS: usize = 50;
/// Due date of a custom workflow when none is given: this many days after its start.
pub const CUSTOM_WORKFLOW_DAYS: u32 = 7;

/// The longest workflow title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowType {
    Procurement,
    Onboarding,
    Offboarding,
    Repair,
    Transfer,
    Maintenance,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Pending,
    InProgress,
    Completed,
    Cancelled,
}

impl WorkflowStatus {
    pub const ALL: [WorkflowStatus; 4] = [Self::Pending, Self::InProgress, Self::Completed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Pending and in-progress workflows are still open: they can change and can be overdue.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriggeredBy {
    Manual,
    Template,
    HrisWebhook,
    HrisSync,
    Scheduled,
    Api,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Step {
    pub order: u32,
    pub name: String,
    pub description: Option<String>,
    pub instructions: Option<String>,
    pub completed: bool,
    pub assigned_to: Option<Email>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    /// `task` (advanced or skipped) or `approval` (approved or rejected).
    #[serde(default)]
    pub kind: StepKind,
    /// The workflow's start (or creation date) plus the template step's `due_offset_days`.
    pub due_date: Option<NaiveDate>,
    pub estimated_hours: Option<f64>,
    /// Done by a skip rather than by doing it (`completed` is true as well).
    #[serde(default)]
    pub skipped: bool,
    pub skip_reason: Option<String>,
    /// How an approval step was decided.
    pub decision: Option<Decision>,
    /// Oldest first.
    #[serde(default)]
    pub notes: Vec<StepNote>,
}

/// The employee a workflow is about, copied onto the workflow so a list page stays one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EmployeeSummary {
    pub id: Uuid,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub team: Option<String>,
}

/// The asset a workflow is about, copied onto the workflow so a list page stays one query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssetSummary {
    pub id: Uuid,
    pub asset_tag: String,
    pub name: String,
    pub category: String,
    pub serial_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Workflow {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub title: String,
    pub description: Option<String>,
    pub workflow_type: WorkflowType,
    pub status: WorkflowStatus,
    pub priority: Priority,
    /// The number of steps done (contract §3): 0 while pending and right after the start; while
    /// in progress the active step is `steps[current_step]`; `total_steps` once every step is done.
    pub current_step: u32,
    pub total_steps: u32,
    /// In single-workflow responses only: lists leave the steps out (contract §3, the seed's
    /// lazy-loaded steps). A stored workflow always has 1 to 50 steps, so an empty list here
    /// means "not loaded", never "no steps".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    pub due_date: NaiveDate,
    pub scheduled_start: Option<NaiveDate>,
    pub assigned_to: Option<Email>,
    pub team: Option<Team>,
    pub employee_id: Option<Uuid>,
    pub asset_id: Option<Uuid>,
    pub template_key: Option<String>,
    /// The version of the template it was made from: its steps' descriptions and instructions
    /// are that version's (joined in by the detail route, not stored with the workflow).
    #[serde(default)]
    pub template_version: Option<u64>,
    pub triggered_by: TriggeredBy,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub employee: Option<EmployeeSummary>,
    pub asset: Option<AssetSummary>,
}

/// A step as the creator describes it: in a custom workflow's body and in a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StepRequest)]
pub struct StepDraft {
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(max_length = 5000)]
    pub instructions: Option<String>,
    /// `task` (the default) or `approval`.
    #[serde(default)]
    pub kind: StepKind,
    /// Who the step goes to: an email address, or `it` (the tenant's IT address), `manager` (the
    /// employee's manager), `employee` (the employee) or `assignee` (the workflow's assignee),
    /// resolved when the workflow is made (null when the placeholder has no value).
    #[schema(value_type = Option<String>, max_length = 254)]
    pub assignee: Option<StepAssignee>,
    /// The step is due this many days after the workflow's start (or creation date).
    #[schema(minimum = 0, maximum = 365)]
    pub due_offset_days: Option<u32>,
    /// More than 0, at most 1000.
    #[schema(exclusive_minimum = 0, maximum = 1000)]
    pub estimated_hours: Option<f64>,
}

impl StepDraft {
    /// A task with a name and nothing else.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            instructions: None,
            kind: StepKind::Task,
            assignee: None,
            due_offset_days: None,
            estimated_hours: None,
        }
    }

    /// The step with its texts trimmed, once every value is within its limits; `errors` gets
    /// each one that is not, as `steps[index].<field>`.
    pub fn checked(self, index: usize, errors: &mut FieldErrors) -> StepDraft {
        let field = |name: &str| format!("steps[{index}].{name}");
        let name = text_within(&self.name, 1, 200).unwrap_or_else(|message| {
            errors.add(field("name"), message);
            String::new()
        });
        if self.due_offset_days.is_some_and(|offset| offset > MAX_DUE_OFFSET_DAYS) {
            errors.add(field("due_offset_days"), format!("must be 0 to {MAX_DUE_OFFSET_DAYS}"));
        }
        let estimated_hours = self.estimated_hours.and_then(|hours| {
            check_estimated_hours(hours).map_err(|message| errors.add(field("estimated_hours"), message)).ok()
        });
        StepDraft {
            name,
            description: optional_text(errors, &field("description"), self.description, 2000),
            instructions: optional_text(errors, &field("instructions"), self.instructions, 5000),
            kind: self.kind,
            assignee: self.assignee,
            due_offset_days: self.due_offset_days,
            estimated_hours,
        }
    }
}

/// Everything a creator chooses about a new workflow; the rest is the system's.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowDraft {
    pub title: String,
    pub description: Option<String>,
    pub workflow_type: WorkflowType,
    pub priority: Priority,
    pub steps: Vec<StepDraft>,
    /// Days from the start to the default due date.
    pub duration_days: u32,
    pub due_date: Option<NaiveDate>,
    pub scheduled_start: Option<NaiveDate>,
    pub assigned_to: Option<Email>,
    pub team: Option<Team>,
    pub employee_id: Option<Uuid>,
    pub asset_id: Option<Uuid>,
    pub template_key: Option<String>,
    /// The version of the template the steps come from; their texts stay with that version.
    pub template_version: Option<u64>,
    pub triggered_by: TriggeredBy,
    pub metadata: Map<String, Value>,
    /// Who the steps' placeholders stand for.
    pub people: StepPeople,
}

impl WorkflowDraft {
    /// A draft with these steps and nothing optional set yet.
    pub fn new(
        title: String,
        workflow_type: WorkflowType,
        priority: Priority,
        steps: Vec<StepDraft>,
        duration_days: u32,
        triggered_by: TriggeredBy,
    ) -> Self {
        Self {
            title,
            description: None,
            workflow_type,
            priority,
            steps,
            duration_days,
            due_date: None,
            scheduled_start: None,
            assigned_to: None,
            team: None,
            employee_id: None,
            asset_id: None,
            template_key: None,
            template_version: None,
            triggered_by,
            metadata: Map::new(),
            people: StepPeople::default(),
        }
    }

    /// A draft of `template`, before the creator's overrides. The steps leave their texts
    /// with the template's version (see [`Workflow::join_texts`]).
    pub fn from_template(template: &Template, triggered_by: TriggeredBy) -> Self {
        let steps = template
            .steps
            .iter()
            .map(|step| StepDraft { description: None, instructions: None, ..step.clone() })
            .collect();
        let title = template.title.clone();
        let duration = template.estimated_duration_days;
        let mut draft = Self::new(title, template.workflow_type, template.priority, steps, duration, triggered_by);
        draft.description = template.description.clone();
        draft.template_key = Some(template.key.clone());
        draft.template_version = Some(template.version);
        draft
    }
}

/// Why a transition was refused: the request was well-formed but the workflow is not in a state
/// that allows it (HTTP 409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a workflow that is {}", status.as_str())]
    InvalidState { action: &'static str, status: WorkflowStatus },
    #[error("the current step is {actual}, not the expected {expected}")]
    StepMismatch { expected: u32, actual: u32 },
    #[error("every step is already completed; complete the workflow instead")]
    NoStepLeft,
    #[error("{remaining} of {total} steps are not completed yet")]
    StepsRemaining { remaining: usize, total: usize },
    #[error("step {order} is an approval: approve or reject it")]
    ApprovalStep { order: u32 },
    #[error("step {order} is a task, not an approval")]
    NotAnApproval { order: u32 },
    #[error("step {order} is already done")]
    StepDone { order: u32 },
}

/// Why a PATCH was refused once the workflow was read: its state (409) or a merged value beyond
/// the limits (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Invalid(FieldErrors),
}

/// The changes a client may make with PATCH. `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub priority: Option<Priority>,
    pub due_date: Option<NaiveDate>,
    pub assigned_to: Option<Option<Email>>,
    pub team: Option<Option<Team>>,
    pub scheduled_start: Option<Option<NaiveDate>>,
    /// An RFC 7396 JSON Merge Patch applied to `metadata`.
    pub metadata: Option<Map<String, Value>>,
    /// New assignees of steps not done yet.
    pub steps: Option<Vec<StepAssignment>>,
}

impl Workflow {
    /// Builds a new pending workflow from `draft`, checking every rule that depends on the
    /// draft alone. `today` is the tenant's date.
    pub fn create(
        id: Uuid,
        tenant_id: TenantId,
        draft: WorkflowDraft,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Workflow, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = text_within(&draft.title, 1, TITLE_MAX_CHARS).unwrap_or_else(|message| {
            errors.add("title", message);
            String::new()
        });
        let description = optional_text(&mut errors, "description", draft.description, 5000);
        if draft.steps.is_empty() || draft.steps.len() > MAX_STEPS {
            errors.add("steps", format!("must have 1 to {MAX_STEPS} steps"));
        }
        let start = draft.scheduled_start.unwrap_or(today);
        let people = &draft.people;
        let workflow_assignee = draft.assigned_to.as_ref();
        let steps: Vec<Step> = draft
            .steps
            .into_iter()
            .enumerate()
            .map(|(index, step)| {
                let step = step.checked(index, &mut errors);
                Step {
                    order: index as u32 + 1,
                    name: step.name,
                    description: step.description,
                    instructions: step.instructions,
                    completed: false,
                    assigned_to: step.assignee.and_then(|assignee| assignee.resolve(people, workflow_assignee)),
                    started_at: None,
                    completed_at: None,
                    completed_by: None,
                    kind: step.kind,
                    due_date: step.due_offset_days.and_then(|offset| start.checked_add_days(Days::new(offset.into()))),
                    estimated_hours: step.estimated_hours,
                    skipped: false,
                    skip_reason: None,
                    decision: None,
                    notes: Vec::new(),
                }
            })
            .collect();
        if let Err(message) = check_metadata_limits(&draft.metadata) {
            errors.add("metadata", message);
        }
        let due_date = match draft.due_date {
            Some(due) if due < today => {
                errors.add("due_date", "must not be in the past");
                due
            }
            Some(due) => due,
            None => start.checked_add_days(Days::new(draft.duration_days.into())).unwrap_or(start),
        };
        errors.into_result()?;
        Ok(Workflow {
            id,
            tenant_id,
            title,
            description,
            workflow_type: draft.workflow_type,
            status: WorkflowStatus::Pending,
            priority: draft.priority,
            current_step: 0,
            total_steps: steps.len() as u32,
            steps,
            due_date,
            scheduled_start: draft.scheduled_start,
            assigned_to: draft.assigned_to,
            team: draft.team,
            employee_id: draft.employee_id,
            asset_id: draft.asset_id,
            template_key: draft.template_key,
            template_version: draft.template_version,
            triggered_by: draft.triggered_by,
            started_at: None,
            completed_at: None,
            cancelled_at: None,
            archived_at: None,
            metadata: draft.metadata,
            version: 1,
            created_at: now,
            updated_at: now,
            employee: None,
            asset: None,
        })
    }

    /// Open and past its due date in the tenant's calendar.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due_date < today
    }

    /// Fills in the steps' descriptions and instructions from the texts of the template version
    /// it was made from (`texts` in step order).
    pub fn join_texts(&mut self, texts: &[StepTexts]) {
        for (step, texts) in self.steps.iter_mut().zip(texts) {
            step.description.clone_from(&texts.description);
            step.instructions.clone_from(&texts.instructions);
        }
    }

    /// The form lists show: everything but the steps.
    pub fn into_list_form(mut self) -> Self {
        self.steps = Vec::new();
        self
    }

    /// The step being worked on: in progress and not every step done.
    pub fn active_step(&self) -> Option<&Step> {
        if self.status != WorkflowStatus::InProgress {
            return None;
        }
        self.steps.get(self.current_step as usize)
    }

    /// pending → in_progress with no step done yet; step 1 becomes active.
    pub fn start(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.require(WorkflowStatus::Pending, "start")?;
        self.status = WorkflowStatus::InProgress;
        self.started_at = Some(now);
        self.current_step = 0;
        self.steps[0].started_at = Some(now);
        self.touch(now);
        Ok(())
    }

    /// in_progress with every step completed → completed.
    pub fn complete(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.require(WorkflowStatus::InProgress, "complete")?;
        let remaining = self.steps.iter().filter(|step| !step.completed).count();
        if remaining > 0 {
            return Err(TransitionError::StepsRemaining { remaining, total: self.steps.len() });
        }
        self.status = WorkflowStatus::Completed;
        self.completed_at = Some(now);
        self.touch(now);
        Ok(())
    }

    /// pending or in_progress → cancelled, keeping the reason in `metadata.cancellation_reason`.
    pub fn cancel(&mut self, reason: &str, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.require_open("cancel")?;
        self.status = WorkflowStatus::Cancelled;
        self.cancelled_at = Some(now);
        self.metadata.insert("cancellation_reason".to_owned(), Value::String(reason.to_owned()));
        self.touch(now);
        Ok(())
    }

    /// Sets `archived_at`; archived workflows leave lists unless asked for.
    pub fn archive(&mut self, now: DateTime<Utc>) {
        self.archived_at = Some(now);
        self.touch(now);
    }

    /// Applies a validated PATCH. Returns whether anything changed: a PATCH that changes nothing
    /// is no change (no new version, no audit entry).
    pub fn apply_patch(&mut self, patch: &ValidPatch, now: DateTime<Utc>) -> Result<bool, PatchError> {
        self.require_open("update")?;
        let patch = &patch.0;
        let mut patched = self.clone();
        if let Some(title) = &patch.title {
            patched.title = title.clone();
        }
        if let Some(description) = &patch.description {
            patched.description = description.clone();
        }
        if let Some(priority) = patch.priority {
            patched.priority = priority;
        }
        if let Some(due_date) = patch.due_date {
            patched.due_date = due_date;
        }
        if let Some(assigned_to) = &patch.assigned_to {
            patched.assigned_to = assigned_to.clone();
        }
        if let Some(team) = &patch.team {
            patched.team = team.clone();
        }
        if let Some(scheduled_start) = patch.scheduled_start {
            patched.scheduled_start = scheduled_start;
        }
        if let Some(assignments) = &patch.steps {
            patched.assign_steps(assignments)?;
        }
        if let Some(metadata) = &patch.metadata {
            merge_patch(&mut patched.metadata, metadata.clone());
            // The limits hold for what would be stored, so they are checked after the merge.
            check_metadata_limits(&patched.metadata)
                .map_err(|message| PatchError::Invalid(FieldErrors::single("metadata", message)))?;
        }
        if patched == *self {
            return Ok(false);
        }
        patched.touch(now);
        *self = patched;
        Ok(true)
    }

    fn require(&self, status: WorkflowStatus, action: &'static str) -> Result<(), TransitionError> {
        if self.status == status { Ok(()) } else { Err(TransitionError::InvalidState { action, status: self.status }) }
    }

    fn require_open(&self, action: &'static str) -> Result<(), TransitionError> {
        if self.status.is_open() { Ok(()) } else { Err(TransitionError::InvalidState { action, status: self.status }) }
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_at = now;
    }
}

/// A PATCH whose values passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidPatch(WorkflowPatch);

impl WorkflowPatch {
    /// Checks and normalises the values (422 material), independent of the workflow's state.
    pub fn validate(mut self, today: NaiveDate) -> Result<ValidPatch, FieldErrors> {
        let mut errors = FieldErrors::default();
        if let Some(title) = &self.title {
            match text_within(title, 1, TITLE_MAX_CHARS) {
                Ok(title) => self.title = Some(title),
                Err(message) => errors.add("title", message),
            }
        }
        if let Some(description) = self.description.take() {
            self.description = Some(optional_text(&mut errors, "description", description, 5000));
        }
        if self.due_date.is_some_and(|due| due < today) {
            errors.add("due_date", "must not be in the past");
        }
        if let Some(metadata) = &self.metadata {
            check_metadata_keys(&mut errors, metadata);
        }
        if let Some(assignments) = &self.steps {
            check_step_assignments(&mut errors, assignments);
        }
        errors.into_result()?;
        Ok(ValidPatch(self))
    }
}

pub(crate) fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let text = value?;
    match text_within(&text, 0, max) {
        Ok(text) if text.is_empty() => None,
        Ok(text) => Some(text),
        Err(message) => {
            errors.add(field, message);
            None
        }
    }
}

/// Refuses the keys of `metadata` that only the system writes (clients may read them).
pub fn check_client_metadata(metadata: &Map<String, Value>) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    check_metadata_keys(&mut errors, metadata);
    errors.into_result()
}

fn check_metadata_keys(errors: &mut FieldErrors, metadata: &Map<String, Value>) {
    for key in SYSTEM_METADATA_KEYS {
        if metadata.contains_key(key) {
            errors.add(format!("metadata.{key}"), "is set by the system and cannot be written");
        }
    }
}

/// RFC 7396 JSON Merge Patch of an object: `null` removes a key, objects merge recursively,
/// anything else replaces.
pub fn merge_patch(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(&key);
            }
            Value::Object(inner_patch) => {
                let entry = target.entry(key).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let Value::Object(inner_target) = entry {
                    merge_patch(inner_target, inner_patch);
                }
            }
            other => {
                target.insert(key, other);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Template;

    fn now() -> DateTime<Utc> {
        "2026-11-25T09:00:00Z".parse().unwrap()
    }

    fn later(hours: i64) -> DateTime<Utc> {
        now() + chrono::Duration::hours(hours)
    }

    fn today() -> NaiveDate {
        now().date_naive()
    }

    fn workflow(steps: usize) -> Workflow {
        let mut draft = WorkflowDraft::from_template(Template::builtin("new_employee").unwrap(), TriggeredBy::Template);
        draft.steps.truncate(steps);
        Workflow::create(Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, today(), now()).unwrap()
    }

    fn in_progress(steps: usize) -> Workflow {
        let mut workflow = workflow(steps);
        workflow.start(now()).unwrap();
        workflow
    }

    fn invalid(action: &'static str, status: WorkflowStatus) -> Result<(), TransitionError> {
        Err(TransitionError::InvalidState { action, status })
    }

    #[test]
    fn a_new_workflow_is_pending_at_step_zero_due_after_its_duration() {
        let workflow = workflow(9);
        assert_eq!(workflow.status, WorkflowStatus::Pending);
        assert_eq!((workflow.current_step, workflow.total_steps), (0, 9));
        assert_eq!(workflow.version, 1);
        assert_eq!(workflow.due_date.to_string(), "2026-12-02");
        assert_eq!(workflow.steps.iter().map(|step| step.order).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>());
        assert!(workflow.steps.iter().all(|step| !step.completed && step.started_at.is_none()));
    }

    #[test]
    fn creation_checks_title_steps_and_due_date() {
        let mut draft = WorkflowDraft::from_template(Template::builtin("new_employee").unwrap(), TriggeredBy::Manual);
        draft.title = " ".into();
        draft.steps.clear();
        draft.due_date = Some(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let errors =
            Workflow::create(Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, today(), now()).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["due_date", "steps", "title"]);
    }

    #[test]
    fn clients_may_not_write_the_system_metadata_keys() {
        let metadata = serde_json::json!({"asset_ids": [], "cancellation_reason": "x", "po": "PO-1"});
        let errors = check_client_metadata(metadata.as_object().unwrap()).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["metadata.asset_ids", "metadata.cancellation_reason"]);
        assert!(check_client_metadata(serde_json::json!({"po": "PO-1"}).as_object().unwrap()).is_ok());
    }

    #[test]
    fn start_begins_step_one() {
        let mut workflow = workflow(3);
        workflow.start(later(1)).unwrap();
        assert_eq!(workflow.status, WorkflowStatus::InProgress);
        assert_eq!(workflow.current_step, 0, "no step is done yet");
        assert_eq!(workflow.active_step().map(|step| step.order), Some(1));
        assert_eq!(workflow.started_at, Some(later(1)));
        assert_eq!(workflow.steps[0].started_at, Some(later(1)));
        assert_eq!(workflow.version, 2);
        assert_eq!(workflow.start(later(2)), invalid("start", WorkflowStatus::InProgress));
    }

    #[test]
    fn advance_completes_the_current_step_and_starts_the_next() {
        let mut workflow = in_progress(3);
        workflow.advance(Some(0), "ana@acme.test", later(2)).unwrap();
        assert_eq!(workflow.current_step, 1);
        assert_eq!(workflow.active_step().map(|step| step.order), Some(2));
        assert!(workflow.steps[0].completed);
        assert_eq!(workflow.steps[0].completed_at, Some(later(2)));
        assert_eq!(workflow.steps[0].completed_by.as_deref(), Some("ana@acme.test"));
        assert_eq!(workflow.steps[1].started_at, Some(later(2)));
        assert!(!workflow.steps[1].completed);
    }

    #[test]
    fn the_last_step_open_and_every_step_done_never_look_alike() {
        let mut workflow = in_progress(2);
        workflow.advance(None, "a", later(1)).unwrap();
        assert_eq!(workflow.current_step, 1, "the last step is still open");
        assert_eq!(workflow.complete(later(1)), Err(TransitionError::StepsRemaining { remaining: 1, total: 2 }));
        workflow.advance(Some(1), "a", later(2)).unwrap();
        assert_eq!(workflow.current_step, 2, "every step is done");
        assert_eq!(workflow.active_step(), None);
        assert!(workflow.steps.iter().all(|step| step.completed));
        let before = workflow.clone();
        assert_eq!(workflow.advance(None, "a", later(3)), Err(TransitionError::NoStepLeft));
        assert_eq!(workflow, before);
    }

    #[test]
    fn advance_with_another_expected_step_is_refused() {
        let mut workflow = in_progress(3);
        let before = workflow.clone();
        assert_eq!(
            workflow.advance(Some(1), "a", later(1)),
            Err(TransitionError::StepMismatch { expected: 1, actual: 0 })
        );
        assert_eq!(workflow, before);
    }

    #[test]
    fn complete_needs_every_step_done() {
        let mut workflow = in_progress(2);
        assert_eq!(workflow.complete(later(1)), Err(TransitionError::StepsRemaining { remaining: 2, total: 2 }));
        workflow.advance(None, "a", later(1)).unwrap();
        workflow.advance(None, "a", later(2)).unwrap();
        workflow.complete(later(3)).unwrap();
        assert_eq!(workflow.status, WorkflowStatus::Completed);
        assert_eq!(workflow.completed_at, Some(later(3)));
    }

    #[test]
    fn cancel_keeps_the_reason_from_pending_or_in_progress() {
        for mut workflow in [workflow(2), in_progress(2)] {
            workflow.cancel("Hire withdrew", later(1)).unwrap();
            assert_eq!(workflow.status, WorkflowStatus::Cancelled);
            assert_eq!(workflow.cancelled_at, Some(later(1)));
            assert_eq!(workflow.metadata["cancellation_reason"], "Hire withdrew");
        }
    }

    #[test]
    fn every_other_transition_is_refused_without_change() {
        let pending = workflow(1);
        let mut completed = in_progress(1);
        completed.advance(None, "a", later(1)).unwrap();
        completed.complete(later(1)).unwrap();
        let mut cancelled = workflow(1);
        cancelled.cancel("x", later(1)).unwrap();

        let mut w = pending.clone();
        assert_eq!(w.advance(None, "a", later(2)), invalid("advance", WorkflowStatus::Pending));
        assert_eq!(w.complete(later(2)), invalid("complete", WorkflowStatus::Pending));
        assert_eq!(w, pending);
        for (original, status) in [(&completed, WorkflowStatus::Completed), (&cancelled, WorkflowStatus::Cancelled)] {
            let mut w = original.clone();
            assert_eq!(w.start(later(2)), invalid("start", status));
            assert_eq!(w.advance(None, "a", later(2)), invalid("advance", status));
            assert_eq!(w.complete(later(2)), invalid("complete", status));
            assert_eq!(w.cancel("again", later(2)), invalid("cancel", status));
            let patch = WorkflowPatch { title: Some("New".into()), ..Default::default() }.validate(today()).unwrap();
            assert_eq!(
                w.apply_patch(&patch, later(2)).map(|_| ()),
                invalid("update", status).map_err(PatchError::Transition)
            );
            assert_eq!(&w, original);
        }
    }

    #[test]
    fn a_patch_merges_metadata_and_a_no_op_patch_changes_nothing() {
        let mut workflow = workflow(1);
        workflow.metadata = serde_json::json!({"a": {"b": 1, "c": 2}, "d": 3}).as_object().unwrap().clone();
        let metadata = serde_json::json!({"a": {"b": null, "e": 4}, "d": null}).as_object().unwrap().clone();
        let patch = WorkflowPatch { metadata: Some(metadata), ..Default::default() }.validate(today()).unwrap();
        assert!(workflow.apply_patch(&patch, later(1)).unwrap());
        assert_eq!(Value::Object(workflow.metadata.clone()), serde_json::json!({"a": {"c": 2, "e": 4}}));
        assert_eq!(workflow.version, 2);
        let same =
            WorkflowPatch { title: Some(workflow.title.clone()), ..Default::default() }.validate(today()).unwrap();
        assert!(!workflow.apply_patch(&same, later(2)).unwrap());
        assert_eq!(workflow.version, 2);
    }

    #[test]
    fn patch_validation_rejects_bad_values_before_any_state_check() {
        let patch = WorkflowPatch {
            title: Some(String::new()),
            due_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            metadata: Some(serde_json::json!({"cancellation_reason": "x"}).as_object().unwrap().clone()),
            ..Default::default()
        };
        let errors = patch.validate(today()).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["due_date", "metadata.cancellation_reason", "title"]);
    }

    #[test]
    fn overdue_means_open_and_due_before_today() {
        let mut workflow = workflow(1);
        workflow.due_date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert!(workflow.is_overdue(today()));
        assert!(!workflow.is_overdue(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()));
        workflow.cancel("x", now()).unwrap();
        assert!(!workflow.is_overdue(today()));
    }
}
