import { describe, expect, it } from 'vitest'
import type { Stats, Template } from '@/api/types'
import { completionSeries, formatHours, openCount, statusSeries, stepSeries } from '../stats'

const stats = {
  counts_by_status: { pending: 3, in_progress: 2, completed: 5, cancelled: 1 },
  avg_completion_hours_by_type: { repair: 5.04, onboarding: 100 },
  overdue_rate: 0.4,
  avg_step_hours: { emergency_replacement: { '2': 1.26, '1': 0.5 } },
} as unknown as Stats

describe('dashboard series', () => {
  it('orders statuses and types, and counts open work', () => {
    expect(statusSeries(stats).map((s) => [s.status, s.value])).toEqual([
      ['pending', 3],
      ['in_progress', 2],
      ['completed', 5],
      ['cancelled', 1],
    ])
    expect(openCount(stats)).toBe(5)
    expect(completionSeries(stats)).toEqual([
      { label: 'Onboarding', hours: 100 },
      { label: 'Repair', hours: 5.04 },
    ])
  })

  it('labels step hours with the template’s step names, in order', () => {
    const templates = [
      {
        key: 'emergency_replacement',
        steps: [
          { order: 1, name: 'Assess' },
          { order: 2, name: 'Approve' },
        ],
      },
    ] as Template[]
    expect(stepSeries(stats, 'emergency_replacement', templates)).toEqual([
      { label: 'Assess', hours: 0.5 },
      { label: 'Approve', hours: 1.26 },
    ])
    expect(stepSeries(stats, 'emergency_replacement', undefined)[0]!.label).toBe('Step 1')
  })

  it('formats hours', () => {
    expect(formatHours(3)).toBe('3.0 h')
    expect(formatHours(72)).toBe('3.0 d')
    expect(formatHours(0.25)).toBe('15 min')
  })
})
