// A template's editable draft (contract §10): what the form holds, its checks, and the body it sends.
import type { NewTemplate, Priority, Template, TemplatePatch, WorkflowType } from '@/api/types'
import { EMAIL } from '@/composables/useDraftForm'
import type { DraftStep } from '@/features/workflows/draft'
import { isPlaceholder } from '@/features/workflows/labels'

export interface TemplateDraft {
  title: string
  description: string
  workflow_type: WorkflowType
  priority: Priority
  estimated_duration_days: string
  steps: DraftStep[]
}

export const KEY_PATTERN = /^[a-z0-9_]{2,40}$/

let nextKey = 1

const text = (value: number | null | undefined) =>
  value === null || value === undefined ? '' : String(value)

export function draftOf(template: Template): TemplateDraft {
  return {
    title: template.title,
    description: template.description ?? '',
    workflow_type: template.workflow_type,
    priority: template.priority,
    estimated_duration_days: String(template.estimated_duration_days),
    steps: template.steps.map((s) => ({
      key: nextKey++,
      name: s.name,
      description: s.description ?? '',
      instructions: s.instructions ?? '',
      kind: s.kind ?? 'task',
      assignee: s.assignee ?? '',
      due_offset_days: text(s.due_offset_days),
      estimated_hours: text(s.estimated_hours),
    })),
  }
}

/** The whole template as the API takes it (a PATCH's `steps` replaces the whole list). */
export function bodyOf(draft: TemplateDraft): TemplatePatch {
  const optional = (value: string) => (value.trim() ? value.trim() : null)
  const number = (value: string | undefined) => (value?.trim() ? Number(value) : null)
  return {
    title: draft.title.trim(),
    description: draft.description.trim(),
    workflow_type: draft.workflow_type,
    priority: draft.priority,
    estimated_duration_days: Number(draft.estimated_duration_days),
    steps: draft.steps.map((s) => ({
      name: s.name.trim(),
      description: optional(s.description),
      instructions: optional(s.instructions),
      kind: s.kind ?? 'task',
      assignee: optional(s.assignee ?? ''),
      due_offset_days: number(s.due_offset_days),
      estimated_hours: number(s.estimated_hours),
    })),
  }
}

/** The client-side checks (the API checks the same and more): field → message. */
export function templateErrors(draft: TemplateDraft): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!draft.title.trim()) errors.title = 'Please give the template a title.'
  const days = Number(draft.estimated_duration_days)
  if (!Number.isInteger(days) || days < 1 || days > 365)
    errors.estimated_duration_days = 'Between 1 and 365 days.'
  const stepProblems = draft.steps.flatMap((s, i) => {
    const n = i + 1
    const problems: string[] = []
    if (!s.name.trim()) problems.push(`step ${n} needs a name`)
    const assignee = s.assignee?.trim() ?? ''
    if (assignee && !isPlaceholder(assignee) && !EMAIL.test(assignee))
      problems.push(
        `step ${n}'s assignee is neither an email nor it, manager, employee or assignee`,
      )
    const offset = s.due_offset_days?.trim()
    if (offset && !(Number.isInteger(Number(offset)) && +offset >= 0 && +offset <= 365))
      problems.push(`step ${n}'s due offset is not 0..365 days`)
    const hours = s.estimated_hours?.trim()
    if (hours && !(Number(hours) > 0 && Number(hours) <= 1000))
      problems.push(`step ${n}'s estimate is not above 0 and at most 1000 hours`)
    return problems
  })
  if (draft.steps.length < 1 || draft.steps.length > 50) errors.steps = 'Between 1 and 50 steps.'
  else if (stepProblems.length) errors.steps = `Please fix: ${stepProblems.join('; ')}.`
  return errors
}

/** A new template: a fresh key, then blank (one step to start from) or based on another. */
export function newTemplateBody(key: string, title: string, basedOn: string): NewTemplate {
  if (basedOn) return { key, based_on: basedOn, ...(title.trim() ? { title: title.trim() } : {}) }
  return {
    key,
    title: title.trim(),
    description: '',
    workflow_type: 'procurement',
    priority: 'normal',
    estimated_duration_days: 7,
    steps: [{ name: 'First step' }],
  }
}
