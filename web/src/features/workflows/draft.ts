// The create dialog's draft, its checks before sending, and the body it becomes.
import type { Priority, Template, WorkflowType } from '@/api/types'
import type { CreateWorkflowInput } from './queries'

export interface DraftStep {
  key: number
  name: string
  description: string
  instructions: string
  /** A template's step only (the builder's `detailed` fields); text as typed. */
  kind?: 'task' | 'approval'
  assignee?: string
  due_offset_days?: string
  estimated_hours?: string
}

export interface WorkflowDraft {
  /** A template key, or `custom`. */
  template: string
  title: string
  description: string
  workflow_type: WorkflowType
  employee_id: string | null
  asset_id: string | null
  assigned_to: string
  team: string
  priority: Priority | ''
  due_date: string
  scheduled_start: string
  steps: DraftStep[]
}

/** An employee and an asset chosen before the create dialog opened, with their labels. */
export interface Chosen {
  employee?: { id: string; label: string }
  asset?: { id: string; label: string }
}

export function emptyDraft(): WorkflowDraft {
  return {
    template: '',
    title: '',
    description: '',
    workflow_type: 'procurement',
    employee_id: null,
    asset_id: null,
    assigned_to: '',
    team: '',
    priority: '',
    due_date: '',
    scheduled_start: '',
    steps: [{ key: 1, name: '', description: '', instructions: '' }],
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Field → message, for what can be known before sending. */
export function validateDraft(draft: WorkflowDraft, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  const custom = draft.template === 'custom'
  if (!draft.template) errors.template = 'Choose a template or a custom workflow.'
  if (custom && !draft.title.trim()) errors.title = 'A custom workflow needs a title.'
  if (draft.title.length > 200) errors.title = 'At most 200 characters.'
  if (draft.assigned_to.trim() && !EMAIL.test(draft.assigned_to.trim())) {
    errors.assigned_to = 'Enter an email address, like name@company.com.'
  }
  if (draft.due_date && draft.due_date < today)
    errors.due_date = 'The due date cannot be in the past.'
  if (draft.due_date && draft.scheduled_start && draft.due_date < draft.scheduled_start) {
    errors.due_date = 'The due date must be on or after the scheduled start.'
  }
  if (custom) {
    if (!draft.steps.length) errors.steps = 'Add at least one step.'
    else if (draft.steps.some((s) => !s.name.trim())) errors.steps = 'Every step needs a name.'
    else if (draft.steps.length > 50) errors.steps = 'At most 50 steps.'
  }
  return errors
}

const optional = (value: string) => value.trim() || undefined

/** The request for the draft; `team` only when the caller may choose one. */
export function toCreateInput(draft: WorkflowDraft, withTeam: boolean): CreateWorkflowInput {
  const common = {
    title: optional(draft.title),
    description: optional(draft.description),
    employee_id: draft.employee_id ?? undefined,
    asset_id: draft.asset_id ?? undefined,
    assigned_to: optional(draft.assigned_to)?.toLowerCase(),
    team: withTeam ? optional(draft.team) : undefined,
    priority: draft.priority || undefined,
    due_date: draft.due_date || undefined,
    scheduled_start: draft.scheduled_start || undefined,
  }
  const body = Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined))
  if (draft.template === 'custom') {
    return {
      kind: 'custom',
      ...body,
      workflow_type: draft.workflow_type,
      steps: draft.steps.map((s) => ({
        name: s.name.trim(),
        description: optional(s.description) ?? null,
        instructions: optional(s.instructions) ?? null,
      })),
    }
  }
  return { kind: 'template', template_key: draft.template, ...body }
}

/** Adds `days` to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The due date the API will pick when none is given (contract §3). */
export function defaultDueDate(
  draft: WorkflowDraft,
  template: Template | undefined,
  today: string,
): string {
  const start = draft.scheduled_start || today
  return addDays(start, template ? template.estimated_duration_days : 7)
}

/** API field names → the draft's (`steps[2].name` → `steps`). */
export function draftField(apiField: string): string {
  const root = apiField.replace(/^\//, '').split(/[.[/]/)[0] ?? apiField
  return root === 'template_key' ? 'template' : root
}

/**
 * The text a workflow action asks for (a cancel reason, a rejection comment, a skip reason:
 * 1..1000 characters, not only blanks; an approval's optional comment up to 1000), checked
 * before sending. `missing` is the message for an empty required text.
 */
export function actionTextError(text: string, required: boolean, missing: string): string {
  if (required && !text.trim()) return missing
  if (text.length > 1000) return `At most 1000 characters (now ${text.length}).`
  return ''
}
