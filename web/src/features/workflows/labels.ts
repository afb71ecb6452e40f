import type { Priority, Step, WorkflowStatus, WorkflowSummary, WorkflowType } from '@/api/types'
import { todayIso } from '@/composables/format'

export const statusLabel: Record<WorkflowStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
}

export const statusTone: Record<WorkflowStatus, string> = {
  pending: 'badge',
  in_progress: 'badge badge-info',
  completed: 'badge badge-success',
  cancelled: 'badge badge-danger',
}

export const priorityLabel: Record<Priority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
}

export const priorityTone: Record<Priority, string> = {
  low: 'badge',
  normal: 'badge badge-primary',
  high: 'badge badge-warning',
  urgent: 'badge badge-danger',
}

export const typeLabel: Record<WorkflowType, string> = {
  procurement: 'Procurement',
  onboarding: 'Onboarding',
  offboarding: 'Offboarding',
  repair: 'Repair',
  transfer: 'Transfer',
  maintenance: 'Maintenance',
  audit: 'Audit',
}

/** Which directory links a kind of workflow is about (the create dialog shows those pickers). */
export const typeNeeds: Record<WorkflowType, { employee: boolean; asset: boolean }> = {
  procurement: { employee: false, asset: true },
  onboarding: { employee: true, asset: false },
  offboarding: { employee: true, asset: true },
  repair: { employee: true, asset: true },
  transfer: { employee: true, asset: true },
  maintenance: { employee: false, asset: true },
  audit: { employee: false, asset: true },
}

/** What a template step's `assignee` placeholder resolves to (contract §10). */
export const placeholderLabel = {
  it: 'the IT team',
  manager: "the employee's manager",
  employee: 'the employee',
  assignee: "the workflow's assignee",
} as const

/** Whether a template step's `assignee` is a placeholder rather than an email. */
export function isPlaceholder(assignee: string): assignee is keyof typeof placeholderLabel {
  return Object.hasOwn(placeholderLabel, assignee)
}

/** A template step's assignee as people read it: a placeholder's meaning, or the email. */
export function templateAssigneeLabel(assignee: string): string {
  return isPlaceholder(assignee) ? placeholderLabel[assignee] : assignee
}

/** When a template step falls due, counted from the workflow's start (its scheduled start, else
 * the day it is created). */
export function dueOffsetLabel(days: number): string {
  if (days === 0) return 'Due on the start date'
  return `Due ${days} ${days === 1 ? 'day' : 'days'} after the start date`
}

/** Overdue: open and due before today (contract §3; the viewer's today stands in for the tenant's). */
export function isOverdue(
  workflow: Pick<WorkflowSummary, 'status' | 'due_date'>,
  today = todayIso(),
): boolean {
  return (
    (workflow.status === 'pending' || workflow.status === 'in_progress') &&
    !!workflow.due_date &&
    workflow.due_date < today
  )
}

/**
 * A running step is overdue (contract §7, §10) when it is due before today, or has been active
 * for more than twice its estimate.
 */
export function isStepOverdue(
  step: Pick<Step, 'due_date' | 'started_at' | 'estimated_hours' | 'completed'>,
  today = todayIso(),
  now: Date = new Date(),
): boolean {
  if (step.completed) return false
  if (step.due_date && step.due_date < today) return true
  if (!step.started_at || !step.estimated_hours) return false
  const started = new Date(step.started_at).getTime()
  return now.getTime() - started > 2 * step.estimated_hours * 3_600_000
}

/** Steps done out of all, as a fraction 0..1. */
export function progressOf(
  workflow: Pick<WorkflowSummary, 'current_step' | 'total_steps'>,
): number {
  if (!workflow.total_steps) return 0
  return Math.min(1, Math.max(0, workflow.current_step / workflow.total_steps))
}

export function employeeName(
  employee: { first_name: string; last_name: string } | null | undefined,
): string {
  return employee ? `${employee.first_name} ${employee.last_name}`.trim() : ''
}

/** An asset as pickers and links name it. */
export function assetLabel(asset: { name: string; asset_tag: string }): string {
  return `${asset.name} (${asset.asset_tag})`
}

/** Matches a workflow against a free-text search of loaded items. */
export function matchesSearch(workflow: WorkflowSummary, term: string): boolean {
  const needle = term.trim().toLowerCase()
  if (!needle) return true
  const haystack = [
    workflow.title,
    workflow.description,
    workflow.assigned_to,
    workflow.team,
    employeeName(workflow.employee),
    workflow.employee?.email,
    workflow.asset?.name,
    workflow.asset?.asset_tag,
    workflow.asset?.serial_number,
    typeLabel[workflow.workflow_type],
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase()
  return needle.split(/\s+/).every((word) => haystack.includes(word))
}
