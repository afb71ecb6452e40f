import type { AuditEntry } from '@/api/types'
import { humanize } from '@/composables/format'

const ACTIONS: Record<string, string> = {
  created: 'Created',
  updated: 'Edited',
  started: 'Started',
  step_advanced: 'Step completed',
  advanced: 'Step completed',
  completed: 'Completed',
  cancelled: 'Cancelled',
  archived: 'Archived',
}

/** "workflow.step_advanced" → "Step completed". */
export function actionLabel(action: string): string {
  const verb = action.split('.').pop() ?? action
  return ACTIONS[verb] ?? humanize(verb)
}

const HIDDEN = new Set([
  'version',
  'updated_at',
  'current_step',
  'status',
  'started_at',
  'completed_at',
  'cancelled_at',
])

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') return value.length > 60 ? `${value.slice(0, 57)}…` : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value).slice(0, 60)
}

function isDiff(value: unknown): value is { from?: unknown; to?: unknown } {
  return !!value && typeof value === 'object' && ('from' in value || 'to' in value)
}

interface StepLike {
  order?: number
  completed?: boolean
  started_at?: string | null
  assigned_to?: string | null
}

function compareStepLists(from: unknown, to: unknown[]): string[] {
  const before = (Array.isArray(from) ? from : []) as StepLike[]
  const lines: string[] = []
  to.forEach((raw, index) => {
    const after = raw as StepLike
    const old = before[index] ?? {}
    const order = after.order ?? index + 1
    if (after.completed && !old.completed) lines.push(`Step ${order} done`)
    else if (after.started_at && !old.started_at) lines.push(`Step ${order} started`)
    else if ((after.assigned_to ?? null) !== (old.assigned_to ?? null) && before.length) {
      lines.push(`Step ${order} assignee: ${show(old.assigned_to)} → ${show(after.assigned_to)}`)
    }
  })
  return lines
}

/** Short lines saying what an audit entry changed. */
export function describeChanges(entry: Pick<AuditEntry, 'action' | 'changes'>): string[] {
  const lines: string[] = []
  const changes = (entry.changes ?? {}) as Record<string, unknown>
  if (entry.action.endsWith('.created')) return lines
  for (const [field, change] of Object.entries(changes)) {
    if (field === 'steps' && isDiff(change) && Array.isArray(change.to)) {
      // Whole lists before and after (what the server writes today): compare step by step.
      lines.push(...compareStepLists(change.from, change.to))
      continue
    }
    if (field === 'steps' && change && typeof change === 'object') {
      for (const [order, stepChange] of Object.entries(change as Record<string, unknown>)) {
        const fields = (stepChange ?? {}) as Record<string, unknown>
        const completed = fields.completed
        if (isDiff(completed) && completed.to === true) lines.push(`Step ${order} done`)
        else if (isDiff(fields.started_at) && fields.started_at.to)
          lines.push(`Step ${order} started`)
        else if (isDiff(fields.assigned_to)) {
          lines.push(
            `Step ${order} assignee: ${show(fields.assigned_to.from)} → ${show(fields.assigned_to.to)}`,
          )
        }
      }
      continue
    }
    if (field === 'metadata' && isDiff(change)) {
      const to = change.to as Record<string, unknown> | null | undefined
      if (to && typeof to === 'object' && typeof to.cancellation_reason === 'string') {
        lines.push(`Reason: ${show(to.cancellation_reason)}`)
      } else lines.push('Metadata changed')
      continue
    }
    if (HIDDEN.has(field) || !isDiff(change)) continue
    lines.push(`${humanize(field)}: ${show(change.from)} → ${show(change.to)}`)
  }
  return lines
}
