import { describe, expect, it } from 'vitest'
import {
  addDays,
  defaultDueDate,
  draftField,
  emptyDraft,
  actionTextError,
  toCreateInput,
  validateDraft,
} from '../draft'
import type { Template } from '@/api/types'

const today = '2026-11-25'

describe('validateDraft', () => {
  it('needs a title and named steps for a custom workflow', () => {
    const draft = { ...emptyDraft(), template: 'custom' }
    expect(validateDraft(draft, today)).toEqual({
      title: 'A custom workflow needs a title.',
      steps: 'Every step needs a name.',
    })
  })

  it('accepts a template with nothing else', () => {
    expect(validateDraft({ ...emptyDraft(), template: 'new_employee' }, today)).toEqual({})
  })

  it('checks the assignee and the dates', () => {
    const draft = {
      ...emptyDraft(),
      template: 'new_employee',
      assigned_to: 'not-an-email',
      due_date: '2026-11-24',
    }
    expect(validateDraft(draft, today)).toEqual({
      assigned_to: 'Enter an email address, like name@company.com.',
      due_date: 'The due date cannot be in the past.',
    })
    expect(
      validateDraft(
        { ...draft, assigned_to: '', due_date: '2026-12-01', scheduled_start: '2026-12-05' },
        today,
      ).due_date,
    ).toMatch(/after the scheduled start/)
  })
})

describe('toCreateInput', () => {
  it('sends only what was given for a template', () => {
    const input = toCreateInput(
      {
        ...emptyDraft(),
        template: 'equipment_return',
        assigned_to: ' IT@Demo.example ',
        employee_id: 'e1',
        team: 'sales',
      },
      false,
    )
    expect(input).toEqual({
      kind: 'template',
      template_key: 'equipment_return',
      assigned_to: 'it@demo.example',
      employee_id: 'e1',
    })
  })

  it('sends a custom workflow’s steps in order, and the team when allowed', () => {
    const draft = {
      ...emptyDraft(),
      template: 'custom',
      title: ' Set up room ',
      workflow_type: 'maintenance' as const,
      team: 'ops',
      steps: [
        { key: 1, name: ' Unbox ', description: '', instructions: 'Carefully' },
        { key: 2, name: 'Mount', description: 'On the wall', instructions: '' },
      ],
    }
    expect(toCreateInput(draft, true)).toEqual({
      kind: 'custom',
      title: 'Set up room',
      team: 'ops',
      workflow_type: 'maintenance',
      steps: [
        { name: 'Unbox', description: null, instructions: 'Carefully' },
        { name: 'Mount', description: 'On the wall', instructions: null },
      ],
    })
  })
})

describe('dates and fields', () => {
  it('computes the API’s default due date', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02')
    const template = { estimated_duration_days: 7 } as Template
    expect(defaultDueDate(emptyDraft(), template, today)).toBe('2026-12-02')
    expect(
      defaultDueDate({ ...emptyDraft(), scheduled_start: '2026-12-10' }, undefined, today),
    ).toBe('2026-12-17')
  })

  it('maps API field names onto the draft', () => {
    expect(draftField('steps[2].name')).toBe('steps')
    expect(draftField('/due_date')).toBe('due_date')
    expect(draftField('template_key')).toBe('template')
  })

  it('checks an action’s text', () => {
    expect(actionTextError('  ', true, 'Say why.')).toBe('Say why.')
    expect(actionTextError('  ', false, 'Say why.')).toBe('')
    expect(actionTextError('x'.repeat(1001), false, 'Say why.')).toMatch(/At most 1000/)
    expect(actionTextError('Hire withdrew', true, 'Say why.')).toBe('')
  })
})
