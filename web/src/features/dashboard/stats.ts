import type { Stats, Template, WorkflowStatus } from '@/api/types'
import { WORKFLOW_STATUSES, WORKFLOW_TYPES } from '@/api/types'
import { statusLabel, typeLabel } from '@/features/workflows/labels'

export const STATUS_COLORS: Record<WorkflowStatus, string> = {
  pending: '#94a3b8',
  in_progress: '#4f46e5',
  completed: '#16a34a',
  cancelled: '#dc2626',
}

export function statusSeries(stats: Stats) {
  const counts = stats.counts_by_status as Record<string, number>
  return WORKFLOW_STATUSES.map((status) => ({
    status,
    label: statusLabel[status],
    value: counts[status] ?? 0,
    color: STATUS_COLORS[status],
  }))
}

export function openCount(stats: Stats): number {
  const counts = stats.counts_by_status as Record<string, number>
  return (counts.pending ?? 0) + (counts.in_progress ?? 0)
}

/** Average completion by type, in known type order, only the types that have data. */
export function completionSeries(stats: Stats) {
  const hours = stats.avg_completion_hours_by_type as Record<string, number>
  return WORKFLOW_TYPES.filter((t) => typeof hours[t] === 'number').map((t) => ({
    label: typeLabel[t],
    hours: round(hours[t]!),
  }))
}

/** Average hours per step of one template, labelled with the template's step names. */
export function stepSeries(stats: Stats, key: string, templates: Template[] | undefined) {
  const byKey = (stats.avg_step_hours as Record<string, Record<string, number>>)[key] ?? {}
  const template = templates?.find((t) => t.key === key)
  return Object.entries(byKey)
    .map(([order, hours]) => ({ order: Number(order), hours: round(hours) }))
    .sort((a, b) => a.order - b.order)
    .map(({ order, hours }) => ({
      label: template?.steps.find((s) => s.order === order)?.name ?? `Step ${order}`,
      hours,
    }))
}

export function templateKeysWithSteps(stats: Stats): string[] {
  return Object.keys(stats.avg_step_hours as Record<string, unknown>).sort()
}

/** Whether a series has anything to draw: some value above zero (bars of 0 are empty axes). */
export function drawable(series: readonly { hours: number }[]): boolean {
  return series.some((item) => item.hours > 0)
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

/** "1.5 h", "2.3 d". */
export function formatHours(hours: number): string {
  if (hours >= 48) return `${(hours / 24).toFixed(1)} d`
  if (hours < 1) return `${Math.round(hours * 60)} min`
  return `${hours.toFixed(1)} h`
}
