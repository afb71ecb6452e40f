import { describe, expect, it } from 'vitest'
import type { WorkflowSummary } from '@/api/types'
import {
  dueOffsetLabel,
  isOverdue,
  matchesSearch,
  progressOf,
  templateAssigneeLabel,
} from '../labels'
import { actionLabel, describeChanges as describe_ } from '../history'

const describeChanges = (entry: { action: string; changes: Record<string, unknown> }) =>
  describe_(entry as unknown as Parameters<typeof describe_>[0])
import { filtersFromQuery, queryFromFilters } from '../keys'

const w = {
  title: 'Onboard Maria Lopez',
  workflow_type: 'onboarding',
  status: 'pending',
  due_date: '2026-11-20',
  current_step: 3,
  total_steps: 9,
  employee: { id: 'e', first_name: 'Maria', last_name: 'Lopez', email: 'maria@demo.example' },
  asset: { id: 'a', name: 'MacBook Pro', asset_tag: 'LT-0001', category: 'laptop' },
} as WorkflowSummary

describe('workflow labels', () => {
  it('is overdue only while open and past its due date', () => {
    expect(isOverdue(w, '2026-11-21')).toBe(true)
    expect(isOverdue(w, '2026-11-20')).toBe(false)
    expect(isOverdue({ ...w, status: 'completed' }, '2026-12-01')).toBe(false)
  })

  it('searches title, people and assets, every word', () => {
    expect(matchesSearch(w, 'maria macbook')).toBe(true)
    expect(matchesSearch(w, 'lt-0001')).toBe(true)
    expect(matchesSearch(w, 'onboarding')).toBe(true)
    expect(matchesSearch(w, 'maria thinkpad')).toBe(false)
    expect(matchesSearch(w, '  ')).toBe(true)
  })

  it('measures progress as steps done', () => {
    expect(progressOf(w)).toBeCloseTo(1 / 3)
    expect(progressOf({ current_step: 0, total_steps: 0 })).toBe(0)
  })
})

describe('filters in the URL', () => {
  it('round-trip through the route query', () => {
    const filters = { status: 'in_progress' as const, overdue: true, q: 'mac', team: 'design' }
    const query = queryFromFilters(filters)
    expect(query).toEqual({ status: 'in_progress', overdue: 'true', q: 'mac', team: 'design' })
    expect(filtersFromQuery(query)).toEqual(filters)
    expect(filtersFromQuery({ overdue: 'false', bogus: 'x' })).toEqual({})
  })
})

describe('history', () => {
  it('names actions and summarises changes', () => {
    expect(actionLabel('workflow.step_advanced')).toBe('Step completed')
    expect(actionLabel('workflow.something_new')).toBe('Something new')
    expect(
      describeChanges({
        action: 'workflow.step_advanced',
        changes: {
          current_step: { from: 0, to: 1 },
          steps: {
            '1': { completed: { from: false, to: true } },
            '2': { started_at: { from: null, to: 'now' } },
          },
        },
      }),
    ).toEqual(['Step 1 done', 'Step 2 started'])
    // The same told as whole step lists before and after.
    expect(
      describeChanges({
        action: 'workflow.step_advanced',
        changes: {
          steps: {
            from: [
              { order: 1, completed: false, started_at: 't0' },
              { order: 2, completed: false, started_at: null },
            ],
            to: [
              { order: 1, completed: true, started_at: 't0' },
              { order: 2, completed: false, started_at: 't1' },
            ],
          },
        },
      }),
    ).toEqual(['Step 1 done', 'Step 2 started'])
    expect(
      describeChanges({
        action: 'workflow.cancelled',
        changes: {
          status: { from: 'pending', to: 'cancelled' },
          metadata: { from: {}, to: { cancellation_reason: 'No longer needed' } },
        },
      }),
    ).toEqual(['Reason: No longer needed'])
    expect(
      describeChanges({ action: 'workflow.updated', changes: { title: { from: 'A', to: 'B' } } }),
    ).toEqual(['Title: A → B'])
  })
})

describe('template step labels', () => {
  it('say what a placeholder stands for and keep an email as it is', () => {
    expect(templateAssigneeLabel('it')).toBe('the IT team')
    expect(templateAssigneeLabel('manager')).toBe("the employee's manager")
    expect(templateAssigneeLabel('lead@x.example')).toBe('lead@x.example')
    // Not a placeholder just because an object has such a property.
    expect(templateAssigneeLabel('toString')).toBe('toString')
  })

  it('count the due offset from the start date, in words that agree with the number', () => {
    expect(dueOffsetLabel(0)).toBe('Due on the start date')
    expect(dueOffsetLabel(1)).toBe('Due 1 day after the start date')
    expect(dueOffsetLabel(7)).toBe('Due 7 days after the start date')
  })
})
