import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { Stats, Template } from '@/api/types'
import ChartCard from '../components/ChartCard.vue'
import {
  completionSeries,
  drawable,
  formatHours,
  openCount,
  statusSeries,
  stepSeries,
} from '../stats'

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

  it('draws a series only when some value is above zero', () => {
    expect(drawable([])).toBe(false)
    expect(drawable([{ hours: 0 }, { hours: 0 }])).toBe(false)
    expect(drawable([{ hours: 0 }, { hours: 0.01 }])).toBe(true)
  })

  it('formats hours', () => {
    expect(formatHours(3)).toBe('3.0 h')
    expect(formatHours(72)).toBe('3.0 d')
    expect(formatHours(0.25)).toBe('15 min')
  })
})

describe('ChartCard', () => {
  it('shows an empty state instead of a chart with nothing to draw', () => {
    const wrapper = mount(ChartCard, {
      props: {
        id: 'c',
        title: 'Average time to complete',
        drawable: false,
        emptyText: 'Nothing yet.',
        config: { type: 'bar', data: { labels: [], datasets: [] } },
        label: '',
      },
    })
    expect(wrapper.get('[data-testid="chart-empty"]').text()).toBe('Nothing yet.')
    expect(wrapper.find('canvas').exists()).toBe(false)
  })
})
