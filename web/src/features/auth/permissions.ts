// What a role may do (contract §2), so no one sees a button the API would refuse.
import type { Task, Workflow, WorkflowSummary } from '@/api/types'
import type { SessionUser } from '@/stores/session'

type Who = Pick<SessionUser, 'role' | 'email' | 'team'> | null | undefined
type AnyWorkflow = WorkflowSummary | Workflow

/** Whether the caller may manage (update, start, cancel, ...) this workflow. */
export function managesWorkflow(who: Who, workflow: AnyWorkflow): boolean {
  if (!who) return false
  if (who.role === 'admin') return true
  if (who.role === 'manager') {
    return (
      (!!who.team && workflow.team === who.team) ||
      (!!workflow.assigned_to && workflow.assigned_to === who.email)
    )
  }
  return false
}

function activeStep(workflow: AnyWorkflow) {
  return (workflow as Partial<Workflow>).steps?.[workflow.current_step]
}

function activeStepAssignee(workflow: AnyWorkflow): string | null | undefined {
  return activeStep(workflow)?.assigned_to
}

/** Whether the active step is an approval: decided (approve/reject), never advanced or skipped. */
export function activeIsApproval(workflow: AnyWorkflow): boolean {
  return activeStep(workflow)?.kind === 'approval'
}

/** Whether the caller may advance and complete it: managers in scope, and its assignee. */
function worksOn(who: Who, workflow: AnyWorkflow): boolean {
  if (!who) return false
  if (managesWorkflow(who, workflow)) return true
  return !!workflow.assigned_to && workflow.assigned_to === who.email
}

export interface WorkflowActions {
  start: boolean
  advance: boolean
  complete: boolean
  cancel: boolean
  edit: boolean
}

export function workflowActions(who: Who, workflow: AnyWorkflow): WorkflowActions {
  const open = workflow.status === 'pending' || workflow.status === 'in_progress'
  const running = workflow.status === 'in_progress'
  const stepsLeft = workflow.current_step < workflow.total_steps
  const manages = managesWorkflow(who, workflow)
  const stepIsMine =
    !!who && activeStepAssignee(workflow) === who.email && who.role !== 'platform_admin'
  return {
    start: manages && workflow.status === 'pending',
    advance:
      running && stepsLeft && !activeIsApproval(workflow) && (worksOn(who, workflow) || stepIsMine),
    complete: running && !stepsLeft && worksOn(who, workflow),
    cancel: manages && open,
    edit: manages && open,
  }
}

export interface StepActions {
  /** Approve or reject the active approval step: its assignee or an admin (§10). */
  decide: boolean
  /** Skip the active task step: admins, and managers in scope (§10). */
  skip: boolean
}

export function stepActions(who: Who, workflow: AnyWorkflow): StepActions {
  const active =
    workflow.status === 'in_progress' && workflow.current_step < workflow.total_steps
      ? activeStep(workflow)
      : undefined
  if (!who || !active) return { decide: false, skip: false }
  const approval = active.kind === 'approval'
  return {
    decide:
      approval &&
      (who.role === 'admin' || (!!active.assigned_to && active.assigned_to === who.email)),
    skip:
      !approval &&
      (who.role === 'admin' || (who.role === 'manager' && managesWorkflow(who, workflow))),
  }
}

/**
 * What the caller may do with a task (an active step) from the tasks list: advance a task step
 * (its assignee, managers in scope, admins) or decide an approval (its assignee or an admin).
 */
export function taskActions(who: Who, task: Task): { advance: boolean; decide: boolean } {
  if (!who || who.role === 'platform_admin' || task.workflow.status !== 'in_progress') {
    return { advance: false, decide: false }
  }
  const mine = !!task.step.assigned_to && task.step.assigned_to === who.email
  const approval = task.step.kind === 'approval'
  return {
    advance: !approval && (mine || worksOn(who, task.workflow)),
    decide: approval && (mine || who.role === 'admin'),
  }
}

/** Only admins look at someone else's tasks (`?assigned_to=`, contract §10). */
export function canSeeOthersTasks(who: Who): boolean {
  return who?.role === 'admin'
}

export function canCreateWorkflow(who: Who): boolean {
  return who?.role === 'admin' || who?.role === 'manager'
}

/** Employees and assets: writes for admins and managers. */
export function canWriteDirectory(who: Who): boolean {
  return who?.role === 'admin' || who?.role === 'manager'
}

export function canEditSettings(who: Who): boolean {
  return who?.role === 'admin'
}

/** Only admins choose a workflow's team; a manager's is always their own. */
export function canChooseTeam(who: Who): boolean {
  return who?.role === 'admin'
}
