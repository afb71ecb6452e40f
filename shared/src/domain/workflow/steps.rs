//! The steps people work on (contract §10): who owns a step, approvals, skips and notes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{PatchError, Step, TransitionError, Workflow, WorkflowStatus};
use crate::domain::directory::Employee;
use crate::domain::validation::{Email, FieldErrors};

/// The most notes one step keeps.
pub const MAX_NOTES_PER_STEP: usize = 100;
/// The most note text one workflow keeps, in bytes: notes live in the workflow's item, which
/// DynamoDB caps at 400 KB, so this bound keeps every workflow storable.
pub const MAX_NOTE_BYTES_PER_WORKFLOW: usize = 128 * 1024;
/// The longest note, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;
/// The longest decision comment or skip reason, in characters.
pub const REASON_MAX_CHARS: usize = 1000;
/// The latest a step may be due, in days after the workflow's start.
pub const MAX_DUE_OFFSET_DAYS: u32 = 365;
/// The largest estimate of a step, in hours.
pub const MAX_ESTIMATED_HOURS: f64 = 1000.0;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Done by advancing (or skipping) it.
    #[default]
    Task,
    /// Decided by its assignee or an admin: approved (done) or rejected (the workflow is cancelled).
    Approval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    Approved,
    Rejected,
}

/// How an approval step was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    /// Who decided (their email, like `completed_by`).
    pub by: String,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// A note on a step, as `POST .../steps/{order}/notes` answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StepNote {
    pub id: Uuid,
    pub author: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A role in a workflow that a template step may name instead of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The tenant's `it_email`.
    It,
    /// The employee's `manager_email`.
    Manager,
    /// The employee's email.
    Employee,
    /// The workflow's `assigned_to`.
    Assignee,
}

impl Placeholder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::It => "it",
            Self::Manager => "manager",
            Self::Employee => "employee",
            Self::Assignee => "assignee",
        }
    }
}

/// Who a template step goes to: a person, or a placeholder resolved when a workflow is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAssignee {
    Placeholder(Placeholder),
    Person(Email),
}

impl StepAssignee {
    /// `it`, `manager`, `employee`, `assignee`, or an email address.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let placeholder = [Placeholder::It, Placeholder::Manager, Placeholder::Employee, Placeholder::Assignee]
            .into_iter()
            .find(|placeholder| placeholder.as_str() == raw.trim());
        match placeholder {
            Some(placeholder) => Ok(Self::Placeholder(placeholder)),
            None => Email::parse(raw)
                .map(Self::Person)
                .map_err(|_| "must be it, manager, employee, assignee or an email address".to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Placeholder(placeholder) => placeholder.as_str(),
            Self::Person(email) => email.as_str(),
        }
    }

    /// The person this names in a workflow about `people` assigned to `workflow_assignee`;
    /// `None` when the placeholder has no value there.
    pub fn resolve(&self, people: &StepPeople, workflow_assignee: Option<&Email>) -> Option<Email> {
        match self {
            Self::Person(email) => Some(email.clone()),
            Self::Placeholder(Placeholder::It) => people.it.clone(),
            Self::Placeholder(Placeholder::Manager) => people.manager.clone(),
            Self::Placeholder(Placeholder::Employee) => people.employee.clone(),
            Self::Placeholder(Placeholder::Assignee) => workflow_assignee.cloned(),
        }
    }
}

/// Written and read as its text (`manager`, `ana@acme.example`).
impl Serialize for StepAssignee {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StepAssignee {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The people a new workflow's placeholders stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepPeople {
    pub it: Option<Email>,
    pub manager: Option<Email>,
    pub employee: Option<Email>,
}

impl StepPeople {
    /// IT of the tenant, and the employee the workflow is about with their manager.
    pub fn of(it_email: &Email, employee: Option<&Employee>) -> Self {
        Self {
            it: Some(it_email.clone()),
            manager: employee.and_then(|employee| employee.manager_email.clone()),
            employee: employee.map(|employee| employee.email.clone()),
        }
    }
}

/// Checks a step's estimate: more than 0 and at most `MAX_ESTIMATED_HOURS`.
pub fn check_estimated_hours(hours: f64) -> Result<f64, String> {
    if hours.is_finite() && hours > 0.0 && hours <= MAX_ESTIMATED_HOURS {
        Ok(hours)
    } else {
        Err(format!("must be more than 0 and at most {MAX_ESTIMATED_HOURS}"))
    }
}

/// The place of an active step in its assignee's task list (contract §10): by the step's due
/// date, none last, then by the workflow's creation (ids are UUID v7, ordered by creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskPosition {
    /// The step's due date, or `NO_DUE_DATE`.
    pub due: NaiveDate,
    pub id: Uuid,
}

/// Where a step without a due date sorts: after every real one.
pub const NO_DUE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => panic!("a valid date"),
};

impl TaskPosition {
    /// Where `step`, the active step of workflow `id`, sorts in its assignee's list.
    fn of(step: &Step, id: Uuid) -> TaskPosition {
        TaskPosition { due: step.due_date.unwrap_or(NO_DUE_DATE), id }
    }
}

impl Step {
    /// When the step counts as stuck: active for twice its estimate (§7).
    pub fn stuck_at(&self) -> Option<DateTime<Utc>> {
        let started = self.started_at?;
        let estimate = self.estimated_hours?;
        started.checked_add_signed(chrono::Duration::seconds((estimate * 2.0 * 3600.0) as i64))
    }

    /// Whether the step, while active, is overdue (§7): its due date is before `today`, or it
    /// has run longer than twice its estimate at `now`.
    pub fn is_overdue(&self, today: NaiveDate, now: DateTime<Utc>) -> bool {
        self.due_date.is_some_and(|due| due < today) || self.stuck_at().is_some_and(|stuck| stuck < now)
    }
}

/// One task of `GET /api/v1/tasks`: the workflow (as lists show it, without `steps`) and its
/// active step.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Task {
    pub workflow: Workflow,
    pub step: Step,
}

impl Task {
    /// The task of a whole workflow: its active step, when it has one assigned to someone.
    pub fn of(workflow: Workflow) -> Option<Task> {
        workflow.task()?;
        let step = workflow.active_step()?.clone();
        Some(Task { workflow: workflow.into_list_form(), step })
    }

    /// Where the task sorts in its assignee's list.
    pub fn position(&self) -> TaskPosition {
        TaskPosition::of(&self.step, self.workflow.id)
    }
}

impl Workflow {
    /// The active step when it is overdue (§7) as a run at `now`, on the tenant's `today`, sees it.
    pub fn overdue_step(&self, today: NaiveDate, now: DateTime<Utc>) -> Option<&Step> {
        self.active_step().filter(|step| step.is_overdue(today, now))
    }

    /// The first date on which an open workflow may need someone's attention: its own due
    /// date, its active step's due date, or the day before its active step's stuck instant.
    /// The jobs find their candidates by this date alone, without knowing the tenant's zone:
    /// the reminder run of the local date `today` (09:00 there, UTC-12 to UTC+14) falls on the
    /// UTC date `today` or the day before, so a step stuck before the run was stuck on a UTC
    /// date no later than `today`, and `attention_date() < today` never misses it. Candidates
    /// are then judged exactly (`is_overdue`, `overdue_step`). None when closed.
    pub fn attention_date(&self) -> Option<NaiveDate> {
        if !self.status.is_open() {
            return None;
        }
        let step = self.active_step();
        let step_due = step.and_then(|step| step.due_date);
        let stuck = step.and_then(Step::stuck_at).map(|at| at.date_naive().pred_opt().unwrap_or(NaiveDate::MIN));
        [Some(self.due_date), step_due, stuck].into_iter().flatten().min()
    }

    /// The active step as a task: its assignee and its place in their list. None when no step
    /// is active or the active one has nobody.
    pub fn task(&self) -> Option<(&Email, TaskPosition)> {
        let step = self.active_step()?;
        let assignee = step.assigned_to.as_ref()?;
        Some((assignee, TaskPosition::of(step, self.id)))
    }
}

/// Why a note was refused once the workflow was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// No step has this order (404).
    #[error("the workflow has no step {0}")]
    UnknownStep(u32),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The step or the workflow holds as many notes as it may (422).
    #[error("{0}")]
    Full(FieldErrors),
}

/// One step's new assignee, from a workflow PATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepAssignment {
    pub order: u32,
    pub assigned_to: Option<Email>,
}

/// Checks a PATCH's step assignments on their own: at least one, each order once.
pub fn check_step_assignments(errors: &mut FieldErrors, assignments: &[StepAssignment]) {
    if assignments.is_empty() {
        errors.add("steps", "must name at least one step");
    }
    for (index, assignment) in assignments.iter().enumerate() {
        if assignments[..index].iter().any(|earlier| earlier.order == assignment.order) {
            errors.add(format!("steps[{index}].order"), "names a step already listed");
        }
    }
}

impl Workflow {
    /// Completes the active task: it counts as done and the next step starts. Approval steps
    /// are decided instead (409).
    pub fn advance(
        &mut self,
        expected_step: Option<u32>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let index = self.active_index("advance", expected_step)?;
        self.require_kind(index, StepKind::Task)?;
        self.finish_step(index, actor, now);
        Ok(())
    }

    /// Marks the active task skipped for `reason`; it counts as done and the next step starts.
    pub fn skip(
        &mut self,
        expected_step: Option<u32>,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let index = self.active_index("skip", expected_step)?;
        self.require_kind(index, StepKind::Task)?;
        let step = &mut self.steps[index];
        step.skipped = true;
        step.skip_reason = Some(reason.to_owned());
        self.finish_step(index, actor, now);
        Ok(())
    }

    /// Approves the active approval step: it is done like an advance, with the decision kept.
    pub fn approve(
        &mut self,
        expected_step: Option<u32>,
        comment: Option<String>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let index = self.active_index("approve", expected_step)?;
        self.require_kind(index, StepKind::Approval)?;
        self.steps[index].decision =
            Some(Decision { outcome: DecisionOutcome::Approved, by: actor.to_owned(), at: now, comment });
        self.finish_step(index, actor, now);
        Ok(())
    }

    /// Rejects the active approval step: the step stays not done and the workflow is cancelled
    /// with the reason "rejected at step N: <comment>".
    pub fn reject(
        &mut self,
        expected_step: Option<u32>,
        comment: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        let index = self.active_index("reject", expected_step)?;
        self.require_kind(index, StepKind::Approval)?;
        let step = &mut self.steps[index];
        step.decision = Some(Decision {
            outcome: DecisionOutcome::Rejected,
            by: actor.to_owned(),
            at: now,
            comment: Some(comment.to_owned()),
        });
        let reason = format!("rejected at step {}: {comment}", step.order);
        self.status = WorkflowStatus::Cancelled;
        self.cancelled_at = Some(now);
        self.metadata.insert("cancellation_reason".to_owned(), Value::String(reason));
        self.touch(now);
        Ok(())
    }

    /// Adds a note to the step with this order (1-based) of an open workflow.
    pub fn add_note(&mut self, order: u32, note: StepNote, now: DateTime<Utc>) -> Result<(), NoteError> {
        let index = order.checked_sub(1).map(|index| index as usize).filter(|index| *index < self.steps.len());
        let Some(index) = index else { return Err(NoteError::UnknownStep(order)) };
        self.require_open("add a note to")?;
        if self.steps[index].notes.len() >= MAX_NOTES_PER_STEP {
            let message = format!("step {order} already has {MAX_NOTES_PER_STEP} notes");
            return Err(NoteError::Full(FieldErrors::single("text", message)));
        }
        let used: usize = self.steps.iter().flat_map(|step| &step.notes).map(|note| note.text.len()).sum();
        if used + note.text.len() > MAX_NOTE_BYTES_PER_WORKFLOW {
            let message = format!("the workflow's notes would exceed {MAX_NOTE_BYTES_PER_WORKFLOW} bytes");
            return Err(NoteError::Full(FieldErrors::single("text", message)));
        }
        self.steps[index].notes.push(note);
        self.touch(now);
        Ok(())
    }

    /// Gives steps not done yet new assignees (part of a PATCH; the caller touches the workflow).
    pub(super) fn assign_steps(&mut self, assignments: &[StepAssignment]) -> Result<(), PatchError> {
        let mut errors = FieldErrors::default();
        for (index, assignment) in assignments.iter().enumerate() {
            let Some(step) = assignment.order.checked_sub(1).and_then(|index| self.steps.get_mut(index as usize))
            else {
                errors.add(format!("steps[{index}].order"), "names no step of this workflow");
                continue;
            };
            if step.completed {
                return Err(TransitionError::StepDone { order: step.order }.into());
            }
            step.assigned_to = assignment.assigned_to.clone();
        }
        errors.into_result().map_err(PatchError::Invalid)
    }

    /// The index of the active step, once the workflow is in progress with a step left and the
    /// client's `expected_step` (the number of steps done it saw) still holds.
    fn active_index(&self, action: &'static str, expected_step: Option<u32>) -> Result<usize, TransitionError> {
        self.require(WorkflowStatus::InProgress, action)?;
        if let Some(expected) = expected_step
            && expected != self.current_step
        {
            return Err(TransitionError::StepMismatch { expected, actual: self.current_step });
        }
        let index = self.current_step as usize;
        if index < self.steps.len() { Ok(index) } else { Err(TransitionError::NoStepLeft) }
    }

    fn require_kind(&self, index: usize, kind: StepKind) -> Result<(), TransitionError> {
        let step = &self.steps[index];
        match (step.kind, kind) {
            (StepKind::Task, StepKind::Task) | (StepKind::Approval, StepKind::Approval) => Ok(()),
            (StepKind::Approval, StepKind::Task) => Err(TransitionError::ApprovalStep { order: step.order }),
            (StepKind::Task, StepKind::Approval) => Err(TransitionError::NotAnApproval { order: step.order }),
        }
    }

    /// Counts the step at `index` done and starts the next one.
    fn finish_step(&mut self, index: usize, actor: &str, now: DateTime<Utc>) {
        let step = &mut self.steps[index];
        step.completed = true;
        step.completed_at = Some(now);
        step.completed_by = Some(actor.to_owned());
        self.current_step += 1;
        if let Some(next) = self.steps.get_mut(index + 1) {
            next.started_at = Some(now);
        }
        self.touch(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::WorkflowChange;
    use crate::domain::validation::TenantId;
    use crate::domain::workflow::{Priority, StepDraft, TriggeredBy, WorkflowDraft, WorkflowType};

    fn now() -> DateTime<Utc> {
        "2026-11-25T09:00:00Z".parse().unwrap()
    }

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap()
    }

    /// Started, with a task, an approval for `boss@acme.test` and a last task.
    fn started() -> Workflow {
        let mut approval = StepDraft::named("Approve");
        approval.kind = StepKind::Approval;
        approval.assignee = Some(StepAssignee::Placeholder(Placeholder::Manager));
        approval.due_offset_days = Some(2);
        let mut first = StepDraft::named("Prepare");
        first.assignee = Some(StepAssignee::Placeholder(Placeholder::It));
        first.estimated_hours = Some(1.5);
        let steps = vec![first, approval, StepDraft::named("Finish")];
        let mut draft = WorkflowDraft::new(
            "Laptop".into(),
            WorkflowType::Procurement,
            Priority::Normal,
            steps,
            3,
            TriggeredBy::Manual,
        );
        draft.people =
            StepPeople { it: Some(email("it@acme.test")), manager: Some(email("boss@acme.test")), employee: None };
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut workflow =
            Workflow::create(Uuid::now_v7(), TenantId::parse("acme").unwrap(), draft, today, now()).unwrap();
        workflow.start(now()).unwrap();
        workflow
    }

    #[test]
    fn placeholders_resolve_when_the_workflow_is_made() {
        let workflow = started();
        assert_eq!(workflow.steps[0].assigned_to, Some(email("it@acme.test")));
        assert_eq!(workflow.steps[1].assigned_to, Some(email("boss@acme.test")));
        assert_eq!(workflow.steps[2].assigned_to, None);
        assert_eq!(workflow.steps[1].due_date, NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(workflow.steps[0].estimated_hours, Some(1.5));
        assert_eq!(StepAssignee::parse("manager"), Ok(StepAssignee::Placeholder(Placeholder::Manager)));
        assert_eq!(StepAssignee::parse("Ana@Acme.test"), Ok(StepAssignee::Person(email("ana@acme.test"))));
        assert!(StepAssignee::parse("boss").is_err());
    }

    #[test]
    fn approvals_are_decided_and_tasks_advanced_or_skipped() {
        let mut workflow = started();
        assert_eq!(workflow.approve(None, None, "a", now()), Err(TransitionError::NotAnApproval { order: 1 }));
        workflow.skip(Some(0), "done already", "a", now()).unwrap();
        assert!(workflow.steps[0].skipped && workflow.steps[0].completed);
        let before = workflow.clone();
        assert_eq!(workflow.advance(None, "a", now()), Err(TransitionError::ApprovalStep { order: 2 }));
        assert_eq!(workflow.skip(None, "x", "a", now()), Err(TransitionError::ApprovalStep { order: 2 }));
        assert_eq!(workflow, before, "refused changes change nothing");
        workflow.approve(Some(1), Some("ok".into()), "boss", now()).unwrap();
        assert_eq!(workflow.steps[1].decision.as_ref().map(|d| d.outcome), Some(DecisionOutcome::Approved));
        assert_eq!(WorkflowChange::between(Some(&before), &workflow), WorkflowChange::StepAdvanced);
        assert_eq!(workflow.current_step, 2);
    }

    #[test]
    fn a_rejection_cancels_the_workflow_and_leaves_the_step_open() {
        let mut workflow = started();
        workflow.advance(None, "a", now()).unwrap();
        let before = workflow.clone();
        workflow.reject(Some(1), "too dear", "boss", now()).unwrap();
        assert_eq!(workflow.status, WorkflowStatus::Cancelled);
        assert_eq!(workflow.metadata["cancellation_reason"], "rejected at step 2: too dear");
        assert!(!workflow.steps[1].completed);
        assert_eq!(WorkflowChange::between(Some(&before), &workflow), WorkflowChange::Cancelled);
    }

    #[test]
    fn notes_need_a_step_an_open_workflow_and_room() {
        let mut workflow = started();
        let note = |text: &str| StepNote { id: Uuid::now_v7(), author: "a".into(), text: text.into(), at: now() };
        assert_eq!(workflow.add_note(4, note("x"), now()), Err(NoteError::UnknownStep(4)));
        assert_eq!(workflow.add_note(0, note("x"), now()), Err(NoteError::UnknownStep(0)));
        let before = workflow.clone();
        workflow.add_note(3, note("hello"), now()).unwrap();
        assert_eq!(workflow.version, before.version + 1);
        assert_eq!(WorkflowChange::between(Some(&before), &workflow), WorkflowChange::Updated);
        for _ in 1..MAX_NOTES_PER_STEP {
            workflow.add_note(3, note("more"), now()).unwrap();
        }
        assert!(matches!(workflow.add_note(3, note("full"), now()), Err(NoteError::Full(_))));
        let big = "x".repeat(NOTE_MAX_CHARS);
        let mut roomy = started();
        let mut added = 0;
        while roomy.add_note(1 + (added % 3) as u32, note(&big), now()).is_ok() {
            added += 1;
        }
        assert_eq!(added, MAX_NOTE_BYTES_PER_WORKFLOW / NOTE_MAX_CHARS, "the workflow's note budget holds");
        roomy.cancel("x", now()).unwrap();
        assert!(matches!(roomy.add_note(1, note("late"), now()), Err(NoteError::Transition(_))));
    }
}
